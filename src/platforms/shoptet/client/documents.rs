//! An order's PDFs: the order itself (`/api/orders/{code}/pdf`) and its invoice, found by the
//! order's code in the invoice list (`/api/invoices?orderCode=`; an invoice has its own code)
//! and downloaded from `/api/invoices/{code}/pdf`. Only the chosen customer's orders (guests'
//! included) give their documents.

use super::{ShoptetShop, api::seg, wire};
use crate::model::*;
use crate::shop::{ShopError, ShopResult};

impl ShoptetShop {
    pub(super) async fn pdf_of(
        &self,
        number: &OrderNumber,
        kind: DocumentKind,
    ) -> ShopResult<Vec<u8>> {
        let order = self.own_order(number).await?;
        let path = match kind {
            DocumentKind::Order => format!("api/orders/{}/pdf", seg(&order.code)),
            DocumentKind::Invoice => {
                let invoice = self.invoice_of(&order.code).await?;
                format!("api/invoices/{}/pdf", seg(&invoice))
            }
        };
        self.api.get_pdf(&path).await
    }

    /// The code of the order's valid invoice (the newest, if it was issued again).
    async fn invoice_of(&self, order_code: &str) -> ShopResult<String> {
        let query = [("orderCode", order_code.to_owned())];
        let list: wire::InvoiceList = self.api.get("api/invoices", &query).await?;
        list.invoices
            .into_iter()
            .filter(|invoice| invoice.is_valid)
            .filter(|invoice| invoice.order_code.as_deref() == Some(order_code))
            .max_by(|a, b| a.creation_time.cmp(&b.creation_time))
            .map(|invoice| invoice.code)
            .ok_or_else(|| {
                ShopError::NotFound(format!("no invoice has been issued for order {order_code}"))
            })
    }
}
