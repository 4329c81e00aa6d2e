//! `shopterm orders`: the order history as a table, JSON or CSV.
//!
//! `orders --all` prints each page as soon as it and the ones before it are there, so the history
//! never sits in memory as a whole. Where the platform pages by cursor (keyset) it asks for one
//! page after the other, the next on its way while the last is written; elsewhere it asks for the
//! first page, learns the total from it and fetches the remaining offsets concurrently (bounded).

use super::connect::{Ctx, connect};
use super::exit::{CliResult, Failure, csv_failure, io_failure};
use super::output::{Table, escape_unsafe_json, stdout, when};
use futures_util::StreamExt as _;
use serde::Serialize;
use shopterm::cli::{ExitStatus, OrdersArgs};
use shopterm::model::{
    CursorRequest, OrderFilter, OrderNumber, OrderSummary, PageCursor, PageRequest,
};
use shopterm::paths::Paths;
use shopterm::sanitize::clean;
use shopterm::shop::Feature;
use std::collections::HashSet;
use std::io::{IsTerminal, Write};

/// One CSV row of the order history.
#[derive(Serialize)]
struct OrderCsvRow<'a> {
    number: std::borrow::Cow<'a, str>,
    placed_at: String,
    status: &'static str,
    status_label: std::borrow::Cow<'a, str>,
    payment_status: &'static str,
    payment_label: std::borrow::Cow<'a, str>,
    item_count: u32,
    total: String,
    currency: &'a str,
}

/// Where the orders go, in the chosen format.
enum OrdersSink<W: Write> {
    Json {
        out: W,
        count: u64,
    },
    Csv {
        out: Box<csv::Writer<W>>,
        /// Clean the fields: the CSV goes to a terminal.
        clean: bool,
    },
    Table {
        out: W,
        table: Option<Table>,
    },
}

impl<W: Write> OrdersSink<W> {
    fn new(out: W, args: &OrdersArgs, to_terminal: bool) -> OrdersSink<W> {
        if args.json {
            OrdersSink::Json { out, count: 0 }
        } else if args.csv {
            OrdersSink::Csv {
                out: Box::new(
                    csv::WriterBuilder::new()
                        .has_headers(false)
                        .terminator(csv::Terminator::CRLF)
                        .from_writer(out),
                ),
                clean: to_terminal,
            }
        } else {
            OrdersSink::Table { out, table: None }
        }
    }

    fn table_row(order: &OrderSummary) -> Vec<String> {
        vec![
            clean(order.number.as_str()),
            when(order.placed_at),
            clean(shopterm::model::shown_label(&order.status_label)),
            clean(shopterm::model::shown_label(&order.payment_label)),
            shopterm::model::shown_item_count(order.item_count),
            order.total.to_string(),
        ]
    }

    /// Writes one page of orders (after the header, on the first page).
    fn page(&mut self, orders: &[OrderSummary]) -> CliResult {
        match self {
            OrdersSink::Json { out, count } => {
                let mut buffer = Vec::with_capacity(orders.len() * 320);
                for order in orders {
                    buffer.extend_from_slice(if *count == 0 { b"[\n" } else { b",\n" });
                    serde_json::to_writer(&mut buffer, order).map_err(|e| {
                        Failure::new(ExitStatus::Failure, format!("cannot write JSON: {e}"))
                    })?;
                    *count += 1;
                }
                escape_unsafe_json(&mut buffer);
                out.write_all(&buffer).map_err(io_failure)
            }
            OrdersSink::Csv { out, clean: c } => {
                let text = |s: &'_ str| -> String { if *c { clean(s) } else { s.to_owned() } };
                for order in orders {
                    let row = OrderCsvRow {
                        number: text(order.number.as_str()).into(),
                        placed_at: order
                            .placed_at
                            .format(&time::format_description::well_known::Rfc3339)
                            .unwrap_or_default(),
                        status: order.status.as_str(),
                        status_label: text(&order.status_label).into(),
                        payment_status: order.payment_status.as_str(),
                        payment_label: text(&order.payment_label).into(),
                        item_count: order.item_count,
                        total: order.total.amount.to_string(),
                        currency: order.total.currency.as_str(),
                    };
                    out.serialize(row).map_err(csv_failure)?;
                }
                Ok(())
            }
            OrdersSink::Table { out, table } => {
                let rows: Vec<Vec<String>> = orders.iter().map(Self::table_row).collect();
                if table.is_none() {
                    // Widths from the first page; later pages keep them (streamed output).
                    let mut new = Table::new(
                        &[
                            "NUMBER",
                            "PLACED (UTC)",
                            "STATUS",
                            "PAYMENT",
                            "ITEMS",
                            "TOTAL",
                        ],
                        &["ITEMS", "TOTAL"],
                    );
                    new.fit(&rows);
                    new.write_header(out).map_err(io_failure)?;
                    *table = Some(new);
                }
                if let Some(table) = table {
                    for row in &rows {
                        table.write_row(out, row).map_err(io_failure)?;
                    }
                }
                Ok(())
            }
        }
    }

    fn finish(self) -> CliResult {
        match self {
            OrdersSink::Json { mut out, count } => {
                out.write_all(if count == 0 { b"[]\n" } else { b"\n]\n" })
                    .map_err(io_failure)?;
                out.flush().map_err(io_failure)
            }
            OrdersSink::Csv { mut out, .. } => out.flush().map_err(io_failure),
            OrdersSink::Table { mut out, table } => {
                if table.is_none() {
                    writeln!(out, "No orders.").map_err(io_failure)?;
                }
                out.flush().map_err(io_failure)
            }
        }
    }
}

/// How `orders` pages through the history.
struct Paging {
    /// At most this many orders (`None`: all).
    want: Option<u64>,
    /// `None`: the largest the platform allows.
    page_size: Option<u32>,
    concurrency: usize,
}

pub async fn orders(args: OrdersArgs, paths: &Paths) -> CliResult {
    let ctx = connect(&args.profile, paths)?;
    let filter = OrderFilter {
        status: args.status,
        since: args.since,
        search: args.search.clone().filter(|s| !s.trim().is_empty()),
    };
    ctx.require(Feature::OrderHistory)?;
    if filter != OrderFilter::default() {
        ctx.require(Feature::OrderSearch)?;
    }
    let paging = Paging {
        want: if args.all {
            None
        } else {
            Some(args.limit.unwrap_or(u64::from(PageRequest::DEFAULT_LIMIT)))
        },
        page_size: args.page_size,
        concurrency: args.concurrency as usize,
    };
    let mut sink = OrdersSink::new(stdout(), &args, std::io::stdout().is_terminal());
    if let OrdersSink::Csv { out, .. } = &mut sink {
        // The header, also for an empty history.
        out.write_record([
            "number",
            "placed_at",
            "status",
            "status_label",
            "payment_status",
            "payment_label",
            "item_count",
            "total",
            "currency",
        ])
        .map_err(csv_failure)?;
    }
    let human = !args.json && !args.csv;
    let (written, total) = stream_orders(&ctx, filter, &paging, |page| sink.page(page)).await?;
    sink.finish()?;
    if human && let Some(total) = total.filter(|t| *t > written) {
        eprintln!("{written} of {total} orders shown; --all shows every order, --limit N more.");
    }
    Ok(())
}

/// Fetches the orders `paging` asks for and hands them to `emit` page by page, newest first, each
/// order once. Answers how many were emitted and the total the shop reported. Holds at most the
/// pages in flight: nothing grows with the history.
async fn stream_orders(
    ctx: &Ctx,
    filter: OrderFilter,
    paging: &Paging,
    emit: impl FnMut(&[OrderSummary]) -> CliResult,
) -> CliResult<(u64, Option<u64>)> {
    let largest = ctx.shop.max_page_size();
    let page_size = paging
        .page_size
        .or(largest)
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .min(largest.unwrap_or(u32::MAX))
        .max(1);
    if ctx.shop.capabilities().supports(Feature::KeysetPaging) {
        by_cursor(ctx, filter, paging, page_size, emit).await
    } else {
        by_offset(ctx, filter, paging, page_size, emit).await
    }
}

/// Orders per request where neither `--page-size` nor the platform says.
const DEFAULT_PAGE_SIZE: u32 = 200;

/// Keyset pages, one after the other (each needs the cursor of the one before). The request for
/// the next page is on its way while this one is written out, so the shop's work and shopterm's
/// overlap.
async fn by_cursor(
    ctx: &Ctx,
    filter: OrderFilter,
    paging: &Paging,
    page_size: u32,
    mut emit: impl FnMut(&[OrderSummary]) -> CliResult,
) -> CliResult<(u64, Option<u64>)> {
    let want = paging.want.unwrap_or(u64::MAX);
    let fetch = |after: Option<PageCursor>, left: u64| {
        let shop = ctx.shop.clone();
        let request = CursorRequest {
            after,
            limit: left.min(u64::from(page_size)).max(1) as u32,
            filter: filter.clone(),
        };
        AbortOnDrop(tokio::spawn(
            async move { shop.orders_after(&request).await },
        ))
    };
    let mut written = 0u64;
    let mut total = None;
    let mut next = Some(fetch(None, want));
    while let Some(mut request) = next.take() {
        let page = (&mut request.0)
            .await
            .map_err(|e| Failure::new(ExitStatus::Failure, format!("a page request failed: {e}")))?
            .map_err(|e| ctx.fail(e))?;
        total = total.or(page.total);
        let take = page
            .items
            .len()
            .min((want - written).try_into().unwrap_or(usize::MAX));
        let after = written + take as u64;
        if let Some(cursor) = page.next.filter(|_| after < want && take > 0) {
            next = Some(fetch(Some(cursor), want - after));
        }
        if take > 0 {
            emit(&page.items[..take])?;
        }
        written = after;
    }
    Ok((written, total))
}

/// A spawned page request that is cancelled when no longer wanted (an output error).
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Offset pages: the first, then the rest concurrently (bounded) when the shop told the total.
async fn by_offset(
    ctx: &Ctx,
    filter: OrderFilter,
    paging: &Paging,
    page_size: u32,
    mut emit: impl FnMut(&[OrderSummary]) -> CliResult,
) -> CliResult<(u64, Option<u64>)> {
    let want = paging.want.unwrap_or(u64::MAX);
    let request = |offset: u64, limit: u64| PageRequest {
        offset,
        limit: limit.min(u64::from(page_size)).max(1) as u32,
        filter: filter.clone(),
    };
    let first = ctx
        .shop
        .orders(&request(0, want))
        .await
        .map_err(|e| ctx.fail(e))?;
    let total = first.total;
    let mut written = 0u64;
    // An order placed while paging shifts the later pages by one, so the orders at the end of
    // a page can come again at the start of the next: each page is checked against the numbers
    // of the page before it, and only those are kept.
    let mut previous_page: HashSet<OrderNumber> = HashSet::new();
    let mut write = |items: Vec<OrderSummary>, written: &mut u64| -> CliResult {
        let numbers: HashSet<OrderNumber> = items.iter().map(|o| o.number.clone()).collect();
        let fresh: Vec<OrderSummary> = items
            .into_iter()
            .filter(|o| !previous_page.contains(&o.number))
            .take((want - *written).try_into().unwrap_or(usize::MAX))
            .collect();
        previous_page = numbers;
        *written += fresh.len() as u64;
        if fresh.is_empty() {
            return Ok(());
        }
        emit(&fresh)
    };
    let page_len = first.items.len() as u64;
    let mut offset = page_len;
    let mut more = first.has_more && page_len > 0;
    write(first.items, &mut written)?;

    if more
        && written < want
        && let Some(total) = total
    {
        let end = total.min(want);
        let shop = ctx.shop.clone();
        let mut pages = futures_util::stream::iter((offset..end).step_by(page_len as usize))
            .map(|at| {
                let shop = shop.clone();
                let page = request(at, page_len.min(end - at));
                async move { shop.orders(&page).await.map(|p| (at, p)) }
            })
            .buffered(paging.concurrency.max(1));
        while let Some(answer) = pages.next().await {
            let (at, page) = answer.map_err(|e| ctx.fail(e))?;
            offset = at + page.items.len() as u64;
            more = page.has_more && !page.items.is_empty();
            write(page.items, &mut written)?;
        }
    }
    // One page after the other: a shop that does not tell the total, or orders placed meanwhile.
    while more && written < want {
        let page = ctx
            .shop
            .orders(&request(offset, want - written))
            .await
            .map_err(|e| ctx.fail(e))?;
        offset += page.items.len() as u64;
        more = page.has_more && !page.items.is_empty();
        write(page.items, &mut written)?;
    }
    Ok((written, total))
}
