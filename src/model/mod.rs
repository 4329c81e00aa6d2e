//! The domain model: what a customer portal shows, independent of any shop platform.
//!
//! Connectors translate their platform's wire format into these types; the TUI, the CLI and the
//! demo shop's API work only with these. Money is always a decimal with its currency, never `f64`.

mod country;
mod money;
mod order;
mod shopping_list;
pub mod validate;

pub use country::country_name;
pub use money::{Currency, Money, MoneyError};
pub use order::*;
pub use shopping_list::{ShoppingList, ShoppingListItem};
pub use validate::FieldError;

/// "1 line", "3 lines": a count with its noun, for the sentences the CLI and the TUI show.
pub fn lines_count(n: usize) -> String {
    if n == 1 {
        "1 line".to_owned()
    } else {
        format!("{n} lines")
    }
}

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }
    };
}

string_id!(
    /// A customer's id as the platform knows it (numeric ids are kept as their decimal text).
    CustomerId
);
string_id!(
    /// An address id, unique within one customer's address book.
    AddressId
);
string_id!(
    /// The order number a customer sees (not necessarily the platform's internal id).
    OrderNumber
);
string_id!(
    /// A product code (SKU) as printed in the catalogue.
    ProductCode
);

/// The signed-in customer's account details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: CustomerId,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    pub company: Option<String>,
    /// The company's registration number (Shoptet's `companyId`; the Czech IČO), where the
    /// platform keeps one ([`crate::shop::Feature::CompanyIds`]); left out of JSON when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<String>,
    /// The company's VAT identification number (Shoptet's `vatId`), as `company_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub created_at: Option<OffsetDateTime>,
}

impl Account {
    /// The name to greet the customer with; falls back to the e-mail for accounts without names.
    pub fn display_name(&self) -> String {
        let name = format!("{} {}", self.first_name, self.last_name);
        let name = name.trim();
        if name.is_empty() {
            self.email.clone()
        } else {
            name.to_owned()
        }
    }

    /// The editable part of the account, as a form starts from it.
    pub fn to_draft(&self) -> AccountDraft {
        AccountDraft {
            email: self.email.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            phone: self.phone.clone(),
            company: self.company.clone(),
            company_id: self.company_id.clone(),
            vat_id: self.vat_id.clone(),
        }
    }
}

/// What a customer can change about their account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDraft {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    pub company: Option<String>,
    /// The company's registration number (Shoptet's `companyId`; the Czech IČO), where the
    /// platform keeps one ([`crate::shop::Feature::CompanyIds`]); left out of JSON when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<String>,
    /// The company's VAT identification number (Shoptet's `vatId`), as `company_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<String>,
}

/// A postal address, as printed on an order or stored in the address book. The default is
/// the blank one an emulator fills from a request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalAddress {
    pub first_name: String,
    pub last_name: String,
    pub company: Option<String>,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub postcode: String,
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2 country code, upper case.
    pub country: String,
    pub phone: Option<String>,
}

impl PostalAddress {
    /// The address as stores keep it: every field trimmed, empty optional fields `None`, the
    /// country code in upper case.
    pub fn normalized(mut self) -> PostalAddress {
        for text in [
            &mut self.first_name,
            &mut self.last_name,
            &mut self.line1,
            &mut self.city,
            &mut self.postcode,
            &mut self.country,
        ] {
            *text = text.trim().to_owned();
        }
        self.country.make_ascii_uppercase();
        for optional in [
            &mut self.company,
            &mut self.line2,
            &mut self.region,
            &mut self.phone,
        ] {
            *optional = optional
                .take()
                .map(|text| text.trim().to_owned())
                .filter(|text| !text.is_empty());
        }
        self
    }
}

/// An entry of the customer's address book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub id: AddressId,
    #[serde(flatten)]
    pub postal: PostalAddress,
    pub default_shipping: bool,
    pub default_billing: bool,
}

/// Which default an address can be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressRole {
    Shipping,
    Billing,
}

/// A product as the catalogue offers it now: current price and availability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub code: ProductCode,
    pub brand: String,
    pub name: String,
    pub price: Money,
    pub availability: Availability,
}

/// Whether a product can be ordered now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Availability {
    /// In stock; `quantity` is given when the shop tells how many are left.
    InStock {
        quantity: Option<u32>,
    },
    OutOfStock,
    /// Not sold any more.
    Discontinued,
}

impl Availability {
    /// Whether `wanted` pieces can be ordered.
    pub fn can_supply(&self, wanted: u32) -> bool {
        match self {
            Availability::InStock { quantity: None } => true,
            Availability::InStock { quantity: Some(q) } => *q >= wanted,
            Availability::OutOfStock | Availability::Discontinued => false,
        }
    }
}

/// How a product is looked up: by its code alone, or by brand and code (codes can repeat across brands).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProductQuery {
    pub codes: Vec<ProductCode>,
    pub brand: Option<String>,
}

/// One line of an order to place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrderLine {
    pub code: ProductCode,
    pub brand: Option<String>,
    pub quantity: u32,
}

/// An order to place. The idempotency key makes a retried send safe: the shop creates at most one
/// order per key and answers a repeat with the order it already created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrder {
    pub idempotency_key: String,
    pub lines: Vec<NewOrderLine>,
    pub shipping_address: Option<AddressId>,
    pub billing_address: Option<AddressId>,
    pub note: Option<String>,
}

/// The shop's answer to a placed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacedOrder {
    pub number: OrderNumber,
    /// True when the shop recognised the idempotency key and returned the earlier order.
    #[serde(default)]
    pub replayed: bool,
    pub total: Money,
}
