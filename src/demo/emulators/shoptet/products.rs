//! `GET /api/products/code/{code}`: a catalogue product as Shoptet's product with one variant.

use super::*;

/// The demo store prices per customer currency; a Shoptet shop has one default currency, here
/// the first customer's.
pub(super) const PRICING_CUSTOMER: CustomerKey = 1;

pub(super) async fn product(State(state): State<DemoState>, Path(code): Path<String>) -> Response {
    let key = PRICING_CUSTOMER;
    let lookup = ProductQuery {
        codes: vec![ProductCode(code.clone())],
        brand: None,
    };
    match state.with_store(move |s| s.products(key, &lookup)).await {
        Ok(found) => match found.first() {
            Some(product) => answer(StatusCode::OK, product_json(product)),
            None => one_failure(
                StatusCode::NOT_FOUND,
                "product-not-found",
                format!("Product with code \"{code}\" not found."),
                &code,
            ),
        },
        Err(error) => store_failure(&error),
    }
}

pub(super) fn product_json(product: &Product) -> Value {
    let stock = match product.availability {
        Availability::InStock { quantity } => quantity.map(|q| format!("{q}.000")),
        Availability::OutOfStock => Some("0.000".into()),
        Availability::Discontinued => Some("0.000".into()),
    };
    let visibility = if product.availability == Availability::Discontinued {
        "hidden"
    } else {
        "visible"
    };
    json!({
        "guid": format!("00000000-0000-4000-d000-{:012x}", fnv(product.code.as_str())),
        "type": "product",
        "name": product.name,
        "brand": {"code": product.brand.to_lowercase(), "name": product.brand},
        "visibility": visibility,
        "creationTime": null,
        "changeTime": null,
        "shortDescription": null,
        "description": null,
        "metaDescription": null,
        "url": null,
        "defaultCategory": {"guid": null, "name": null, "visible": null},
        "supplier": null,
        "internalNote": null,
        "hsCode": null,
        "variants": [{
            "code": product.code.as_str(),
            "ean": null,
            "stock": stock,
            "unit": "ks",
            "weight": null,
            "width": "0.0",
            "height": "0.0",
            "depth": "0.0",
            "visible": visibility == "visible",
            "price": price(product.price.amount),
            "commonPrice": null,
            "includingVat": true,
            "vatRate": "0.00",
            "currencyCode": product.price.currency.as_str(),
            "minStockSupply": null,
            "actionPrice": null,
            "manufacturerCode": null,
            "pluCode": null,
            "isbn": null,
            "serialNo": null,
            "mpn": null,
            "negativeStockAllowed": "no-global",
            "amountDecimalPlaces": 0,
        }],
    })
}

pub(super) fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3) & 0xffff_ffff_ffff
    })
}
