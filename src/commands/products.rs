//! `shopterm products CODE…`: today's price and stock of products by their codes.

use super::connect::connect;
use super::exit::{CliResult, Failure, io_failure};
use super::output::{Table, availability_text, print_json, product_row, stdout};
use shopterm::cli::{ExitStatus, ProductsArgs};
use shopterm::model::{Product, ProductCode, ProductQuery};
use shopterm::paths::Paths;
use shopterm::shop::Feature;
use std::io::Write;

pub async fn products(args: ProductsArgs, paths: &Paths) -> CliResult {
    let ctx = connect(&args.profile, paths)?;
    ctx.require(Feature::ProductLookup)?;
    let brand = args.brand.clone().filter(|b| !b.trim().is_empty());
    if brand.is_some() {
        ctx.require(Feature::BrandLookup)?;
    }
    let mut codes: Vec<ProductCode> = Vec::new();
    for code in args
        .codes
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        if !codes
            .iter()
            .any(|known| known.as_str().eq_ignore_ascii_case(code))
        {
            codes.push(ProductCode::from(code));
        }
    }
    if codes.is_empty() {
        return Err(Failure::new(ExitStatus::Usage, "no product code given"));
    }
    let mut found: Vec<Product> = Vec::new();
    for chunk in codes.chunks(100) {
        let query = ProductQuery {
            codes: chunk.to_vec(),
            brand: brand.clone(),
        };
        found.extend(ctx.shop.products(&query).await.map_err(|e| ctx.fail(e))?);
    }
    // In the order asked; a code sold by several brands gives several products.
    let mut products: Vec<Product> = Vec::new();
    let mut missing: Vec<&ProductCode> = Vec::new();
    for code in &codes {
        let matching: Vec<Product> = found
            .iter()
            .filter(|p| p.code.as_str().eq_ignore_ascii_case(code.as_str()))
            .cloned()
            .collect();
        if matching.is_empty() {
            missing.push(code);
        }
        products.extend(matching);
    }
    if args.json {
        print_json(&products)?;
    } else {
        let mut out = stdout();
        if !products.is_empty() {
            let rows: Vec<Vec<String>> = products
                .iter()
                .map(|p| {
                    let offer = [p.price.to_string(), availability_text(&p.availability)];
                    product_row(&p.code, &p.brand, &p.name, offer)
                })
                .collect();
            Table::new(
                &["CODE", "BRAND", "NAME", "PRICE", "AVAILABILITY"],
                &["PRICE"],
            )
            .write_all(&mut out, &rows)
            .map_err(io_failure)?;
        }
        out.flush().map_err(io_failure)?;
    }
    if missing.is_empty() {
        return Ok(());
    }
    let list: Vec<&str> = missing.iter().map(|c| c.as_str()).collect();
    let of_brand = brand
        .map(|b| format!(" of the brand {b}"))
        .unwrap_or_default();
    Err(Failure::new(
        ExitStatus::NotFound,
        format!("no product{of_brand} with the code {}", list.join(", ")),
    ))
}
