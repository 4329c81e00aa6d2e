//! Products by code: the variant asked for with its price today and its availability, and
//! Shoptet's decimal strings as numbers.

use super::{ShoptetShop, api::seg, wire};
use crate::model::*;
use crate::shop::{ShopError, ShopResult};
use rust_decimal::Decimal;
use std::str::FromStr;

impl ShoptetShop {
    pub(super) async fn product(&self, code: &ProductCode) -> ShopResult<Option<Product>> {
        let path = format!("api/products/code/{}", seg(code.as_str()));
        match self.api.get::<wire::Product>(&path, &[]).await {
            Ok(product) => product_of(&product, code).map(Some),
            Err(ShopError::NotFound(_)) => Ok(None),
            Err(other) => Err(other),
        }
    }
}

pub(super) fn decimal(text: Option<&str>, what: &str) -> ShopResult<Decimal> {
    let text = text.unwrap_or("0");
    Decimal::from_str(text.trim())
        .map_err(|_| ShopError::Protocol(format!("{what} is not a number: {text:?}")))
}

pub(super) fn currency(code: &str) -> ShopResult<Currency> {
    Currency::from_str(code).map_err(|e| ShopError::Protocol(e.to_string()))
}

pub(super) fn quantity(amount: Option<&str>) -> u32 {
    use rust_decimal::prelude::ToPrimitive;
    amount
        .and_then(|a| Decimal::from_str(a.trim()).ok())
        .and_then(|d| {
            d.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
                .to_u32()
        })
        .unwrap_or(0)
}

/// The variant with the asked code, as a product with its price today.
pub(super) fn product_of(product: &wire::Product, code: &ProductCode) -> ShopResult<Product> {
    let variant = product
        .variants
        .iter()
        .find(|v| v.code == code.as_str())
        .or_else(|| product.variants.first())
        .ok_or_else(|| ShopError::Protocol(format!("product {code} has no variants")))?;
    let price = Money::new(
        decimal(variant.price.as_deref(), "price")?,
        currency(variant.currency_code.as_deref().unwrap_or("CZK"))?,
    );
    let stock = variant.stock.as_deref().map(|s| quantity(Some(s)));
    let availability = match (product.visibility.as_deref(), stock) {
        (Some("hidden" | "blocked"), _) => Availability::Discontinued,
        (_, Some(0)) => Availability::OutOfStock,
        (_, quantity) => Availability::InStock { quantity },
    };
    let name = match &variant.name {
        Some(variant_name) if !variant_name.trim().is_empty() => {
            format!("{} ({variant_name})", product.name)
        }
        _ => product.name.clone(),
    };
    Ok(Product {
        code: ProductCode(variant.code.clone()),
        brand: product
            .brand
            .as_ref()
            .map(|b| b.name.clone())
            .unwrap_or_default(),
        name: crate::sanitize::clean(&name),
        price,
        availability,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_decimal_strings() {
        assert_eq!(quantity(Some("1.000")), 1);
        assert_eq!(quantity(Some("12.000")), 12);
        assert_eq!(quantity(Some("2.500")), 3);
        assert_eq!(quantity(Some("x")), 0);
        assert_eq!(quantity(None), 0);
    }
}
