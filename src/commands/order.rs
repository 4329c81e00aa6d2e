//! `shopterm order NUMBER`: one order with its lines, totals, addresses and shipments.

use super::connect::connect;
use super::exit::{CliResult, io_failure};
use super::output::{
    Table, address_line, opt, pad, person, print_json, product_row, stdout, when, width,
};
use shopterm::cli::OrderArgs;
use shopterm::model::{OrderDetail, OrderNumber};
use shopterm::paths::Paths;
use shopterm::sanitize::clean;
use std::io::Write;

pub async fn order(args: OrderArgs, paths: &Paths) -> CliResult {
    let ctx = connect(&args.profile, paths)?;
    let number = OrderNumber::from(args.number.trim());
    let detail = ctx.order(&number).await?;
    if args.json {
        return print_json(&detail);
    }
    let mut out = stdout();
    write_order(&mut out, &detail).map_err(io_failure)?;
    out.flush().map_err(io_failure)
}

fn write_order(out: &mut impl Write, order: &OrderDetail) -> std::io::Result<()> {
    let s = &order.summary;
    writeln!(
        out,
        "Order {}  placed {} UTC",
        clean(s.number.as_str()),
        when(s.placed_at)
    )?;
    writeln!(
        out,
        "Status:   {} ({})",
        clean(&s.status_label),
        s.status.as_str()
    )?;
    writeln!(
        out,
        "Payment:  {} ({})",
        clean(&s.payment_label),
        s.payment_status.as_str()
    )?;
    writeln!(out)?;
    let rows: Vec<Vec<String>> = order
        .lines
        .iter()
        .map(|l| {
            let amounts = [
                l.quantity.to_string(),
                l.unit_price.to_string(),
                l.line_total.to_string(),
            ];
            product_row(&l.code, &l.brand, &l.name, amounts)
        })
        .collect();
    Table::new(
        &["CODE", "BRAND", "NAME", "QTY", "UNIT PRICE", "TOTAL"],
        &["QTY", "UNIT PRICE", "TOTAL"],
    )
    .indent("  ")
    .write_all(out, &rows)?;
    writeln!(out)?;
    let t = &order.totals;
    let totals = [
        ("Items", t.items),
        ("Discounts", t.discounts),
        ("Shipping", t.shipping),
        ("Tax", t.tax),
        ("Total", t.grand_total),
    ];
    let money_width = totals
        .iter()
        .map(|(_, m)| width(&m.to_string()))
        .max()
        .unwrap_or(0);
    for (label, money) in totals {
        writeln!(
            out,
            "  {:<11}{}",
            format!("{label}:"),
            pad(&money.to_string(), money_width, true)
        )?;
    }
    writeln!(out)?;
    for (label, address) in [
        ("Ship to", &order.shipping_address),
        ("Bill to", &order.billing_address),
    ] {
        if let Some(address) = address {
            writeln!(
                out,
                "{label}:  {}, {}",
                person(address),
                address_line(address)
            )?;
        }
    }
    writeln!(out)?;
    if order.shipments.is_empty() {
        writeln!(out, "Shipments: none yet")?;
        return Ok(());
    }
    writeln!(out, "Shipments:")?;
    let rows: Vec<Vec<String>> = order
        .shipments
        .iter()
        .map(|sh| {
            let contents: Vec<String> = sh
                .lines
                .iter()
                .map(|l| format!("{}×{}", clean(l.code.as_str()), l.quantity))
                .collect();
            vec![
                clean(&sh.id),
                sh.state.label().to_owned(),
                sh.shipped_at.map(when).unwrap_or_default(),
                clean(&sh.carrier),
                opt(&sh.service),
                opt(&sh.tracking_id),
                contents.join(" "),
            ]
        })
        .collect();
    Table::new(
        &[
            "ID", "STATE", "SHIPPED", "CARRIER", "SERVICE", "TRACKING", "CONTENTS",
        ],
        &[],
    )
    .indent("  ")
    .write_all(out, &rows)?;
    for sh in &order.shipments {
        if let Some(url) = &sh.tracking_url {
            writeln!(out, "  Track {}: {}", clean(&sh.id), clean(url))?;
        }
    }
    Ok(())
}
