//! The order and invoice PDFs: `GET /api/orders/{code}/pdf`, the invoice list by `orderCode`
//! and `GET /api/invoices/{code}/pdf`, answered as Shoptet does (`application/octet-stream`).
//! The PDFs are real, if small: one A4 page naming the document, the order, its lines and its
//! total, which any PDF reader opens. Paid orders have an invoice, coded `INV-` and the order's
//! digits (a Shoptet shop numbers invoices on its own).

use super::*;

const INVOICE_PREFIX: &str = "INV-";
const ORDER_PREFIX: &str = "SO-";

fn invoice_code(order: &OrderNumber) -> String {
    let digits = order.as_str().trim_start_matches(ORDER_PREFIX);
    format!("{INVOICE_PREFIX}{digits}")
}

fn order_of_invoice(code: &str) -> Option<String> {
    code.strip_prefix(INVOICE_PREFIX)
        .map(|digits| format!("{ORDER_PREFIX}{digits}"))
}

fn has_invoice(order: &OrderDetail) -> bool {
    matches!(
        order.summary.payment_status,
        PaymentStatus::Paid | PaymentStatus::PartiallyRefunded | PaymentStatus::Refunded
    )
}

fn pdf_response(bytes: Vec<u8>) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    response
}

pub(super) async fn order_pdf(
    State(state): State<DemoState>,
    Path(code): Path<String>,
) -> Response {
    match load_order(&state, &code).await {
        Ok((_, _, order)) => {
            pdf_response(document_pdf("Order", order.summary.number.as_str(), &order))
        }
        Err(refused) => refused,
    }
}

fn invoice_not_found(code: &str) -> Response {
    one_failure(
        StatusCode::NOT_FOUND,
        "invoice-not-found",
        format!("Invoice with code \"{code}\" not found."),
        code,
    )
}

pub(super) async fn invoice_pdf(
    State(state): State<DemoState>,
    Path(code): Path<String>,
) -> Response {
    let Some(order_code) = order_of_invoice(&code) else {
        return invoice_not_found(&code);
    };
    match load_order(&state, &order_code).await {
        Ok((_, _, order)) if has_invoice(&order) => {
            pdf_response(document_pdf("Invoice", &code, &order))
        }
        _ => invoice_not_found(&code),
    }
}

/// `GET /api/invoices?orderCode=`: the order's invoice, if it has one.
pub(super) async fn invoices(
    State(state): State<DemoState>,
    Query(query): Query<OrderCodeQuery>,
) -> Response {
    let Some((order_code, page)) = query.order_and_page() else {
        return missing_order_code("invoices");
    };
    let invoices: Vec<Value> = match load_order(&state, &order_code).await {
        Ok((_, buyer, order)) if has_invoice(&order) && page == 1 => {
            vec![invoice_list_json(&buyer, &order)]
        }
        // Shoptet filters: an order without an invoice simply lists none.
        _ => Vec::new(),
    };
    let paginator = paginator(
        invoices.len() as u64,
        page,
        DEFAULT_PAGE_SIZE,
        invoices.len(),
    );
    answer(
        StatusCode::OK,
        json!({"invoices": invoices, "paginator": paginator}),
    )
}

fn invoice_list_json(buyer: &Buyer, order: &OrderDetail) -> Value {
    let issued = shoptet_time(order.summary.placed_at);
    let day = order.summary.placed_at.date().to_string();
    json!({
        "code": invoice_code(&order.summary.number),
        "varSymbol": null,
        "isValid": true,
        "proformaInvoiceCodes": [],
        "orderCode": order.summary.number.as_str(),
        "creationTime": issued,
        "billCompany": buyer.company,
        "billFullName": buyer.full_name,
        "price": order_price(order.totals.grand_total, order.totals.tax),
        "changeTime": issued,
        "dueDate": day,
        "taxDate": day,
        "paid": true,
    })
}

/// Text as a PDF string literal in the standard fonts' encoding: ASCII kept (with `(`, `)` and
/// `\` escaped), anything else a `?`.
fn pdf_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}

/// One A4 page: the title, the date, a line per order line and the total.
pub(super) fn document_pdf(title: &str, code: &str, order: &OrderDetail) -> Vec<u8> {
    let mut rows = vec![
        (18, format!("{title} {code}")),
        (11, format!("Order {}", order.summary.number)),
        (11, format!("Placed {}", order.summary.placed_at.date())),
    ];
    for line in &order.lines {
        rows.push((
            11,
            format!(
                "{} x {} {} ({})  {}",
                line.quantity, line.brand, line.name, line.code, line.line_total
            ),
        ));
    }
    rows.push((11, format!("Shipping  {}", order.totals.shipping)));
    rows.push((13, format!("Total  {}", order.totals.grand_total)));
    let mut content = String::from("BT\n72 770 Td\n");
    for (size, text) in &rows {
        content.push_str(&format!("/F1 {size} Tf ({}) Tj 0 -24 Td\n", pdf_text(text)));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", index + 1).as_bytes());
    }
    let xref = pdf.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        table.push_str(&format!("{offset:010} 00000 n \n"));
    }
    table.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.extend_from_slice(table.as_bytes());
    pdf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_a_pdf_whose_cross_references_point_at_its_objects() {
        let (_, order) = guest_order("SO-900001").expect("a guest order");
        let pdf = document_pdf("Invoice", "INV-900001", &order);
        let text = String::from_utf8(pdf.clone()).expect("an ASCII PDF");
        assert!(text.starts_with("%PDF-1.4\n") && text.ends_with("%%EOF\n"));
        assert!(text.contains("(Invoice INV-900001) Tj"));
        assert!(text.contains("Enamel mug"));
        // Every xref entry is the offset of "N 0 obj".
        let xref_at: usize = text
            .lines()
            .skip_while(|l| *l != "startxref")
            .nth(1)
            .and_then(|l| l.parse().ok())
            .expect("startxref");
        assert!(text[xref_at..].starts_with("xref\n"));
        for (n, entry) in text[xref_at..].lines().skip(3).take(5).enumerate() {
            let offset: usize = entry[..10].parse().expect("an offset");
            assert!(
                text[offset..].starts_with(&format!("{} 0 obj", n + 1)),
                "object {} at {offset}",
                n + 1
            );
        }
        assert_eq!(pdf_text("a(b)\\ č"), "a\\(b\\)\\\\ ?");
    }

    #[test]
    fn invoices_are_coded_from_their_order() {
        let code = invoice_code(&OrderNumber("SO-100042".into()));
        assert_eq!(code, "INV-100042");
        assert_eq!(order_of_invoice(&code).as_deref(), Some("SO-100042"));
        assert_eq!(order_of_invoice("2018000004"), None);
    }
}
