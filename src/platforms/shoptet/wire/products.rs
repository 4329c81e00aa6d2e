//! A product by code with its variants, which hold the codes and prices.

use serde::{Deserialize, Serialize};

/// `GET /api/products/code/{code}`: `data` is the product itself, its variants hold the codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub guid: String,
    pub name: String,
    #[serde(default)]
    pub brand: Option<Brand>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub variants: Vec<ProductVariant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    pub code: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductVariant {
    pub code: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Pieces in stock, a decimal string; null where stock is not tracked.
    #[serde(default)]
    pub stock: Option<String>,
    #[serde(default)]
    pub visible: Option<bool>,
    pub price: Option<String>,
    #[serde(default)]
    pub including_vat: Option<bool>,
    #[serde(default)]
    pub vat_rate: Option<String>,
    pub currency_code: Option<String>,
}
