//! Shopping lists: products a customer saved to order again and again (Spryker B2B's
//! `/shopping-lists`). Each becomes a repeat order through the same review as a past order.

use super::ProductCode;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One of the customer's saved lists, with its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShoppingList {
    /// The shop's id of the list (Spryker: a UUID).
    pub id: String,
    pub name: String,
    /// Who keeps the list (a company user's name in B2B shops), when the shop says.
    pub owner: Option<String>,
    pub items: Vec<ShoppingListItem>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub updated_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShoppingListItem {
    pub code: ProductCode,
    /// The product's name, when the shop included it.
    pub name: Option<String>,
    pub quantity: u32,
}

impl ShoppingList {
    /// Whether `wanted` names this list: its id, or its name (case and surrounding spaces
    /// aside).
    pub fn is_named(&self, wanted: &str) -> bool {
        let wanted = wanted.trim();
        self.id == wanted || self.name.trim().eq_ignore_ascii_case(wanted)
    }
}
