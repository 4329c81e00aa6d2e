//! Shopping lists of Spryker's B2B Glue (`GET /shopping-lists` with `shopping-list-items` and
//! `concrete-products` included, as the B2B demo shop's schema describes them): the customer's
//! saved lists, each ordered again through the same review as a past order. A shop without the
//! resource (the B2C demo shop) answers 404, which is "not available on this shop".

use super::client::SprykerShop;
use super::wire::{Identifier, Links, Resource, parse_timestamp};
use crate::model::{ProductCode, ShoppingList, ShoppingListItem};
use crate::platforms::common::parse_json;
use crate::shop::{Feature, ShopError, ShopResult};
use reqwest::Method;

/// The wire types, as the B2B schema names them (`RestShoppingLists*`).
pub mod wire {
    use super::{Identifier, Links, Resource};
    use serde::{Deserialize, Serialize};

    pub const LISTS: &str = "shopping-lists";
    pub const ITEMS: &str = "shopping-list-items";
    pub const PRODUCTS: &str = "concrete-products";

    /// `RestShoppingListsAttributes`.
    #[serde_with::skip_serializing_none]
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ShoppingListsAttributes {
        pub owner: Option<String>,
        pub name: Option<String>,
        pub number_of_items: Option<i64>,
        pub updated_at: Option<String>,
        pub created_at: Option<String>,
    }

    /// `RestShoppingListItemsAttributes`.
    #[serde_with::skip_serializing_none]
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct ShoppingListItemsAttributes {
        pub quantity: Option<i64>,
        pub sku: Option<String>,
    }

    /// `RestShoppingListsRelationships`: the list's items (and their products).
    #[derive(Debug, Clone, Default, Serialize, Deserialize)]
    pub struct ShoppingListsRelationships {
        #[serde(rename = "shopping-list-items", default)]
        pub items: Option<Related>,
    }

    #[derive(Debug, Clone, Default, Serialize, Deserialize)]
    pub struct Related {
        #[serde(default)]
        pub data: Vec<Identifier>,
    }

    /// `RestShoppingListsCollectionResponseData`.
    #[serde_with::skip_serializing_none]
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct ShoppingListResource {
        #[serde(rename = "type")]
        pub kind: String,
        pub id: Option<String>,
        pub attributes: ShoppingListsAttributes,
        pub links: Option<Links>,
        pub relationships: Option<ShoppingListsRelationships>,
    }

    /// `RestShoppingListsCollectionResponse` with what `include` added.
    #[serde_with::skip_serializing_none]
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct ShoppingListsCollection {
        pub data: Vec<ShoppingListResource>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub included: Vec<Resource<serde_json::Value>>,
        pub links: Option<Links>,
    }
}

impl SprykerShop {
    /// `GET /shopping-lists?include=shopping-list-items,concrete-products`.
    pub(super) async fn fetch_shopping_lists(&self) -> ShopResult<Vec<ShoppingList>> {
        let mut url = self.url(&[wire::LISTS])?;
        url.query_pairs_mut()
            .append_pair("include", &format!("{},{}", wire::ITEMS, wire::PRODUCTS));
        let response = match self.send(Method::GET, url, None, &[]).await {
            // Glue without the shopping-list module knows no such resource.
            Err(ShopError::NotFound(_)) => {
                return Err(ShopError::Unsupported(Feature::ShoppingLists));
            }
            other => other?,
        };
        let document: wire::ShoppingListsCollection = parse_json(response).await?;
        lists_from(&document)
    }
}

/// The lists of a collection answer, each with its items in the order the relationship gives
/// them (items whose SKU or quantity is unusable are an error: a list ordered without them
/// would be short without saying so).
pub(super) fn lists_from(
    document: &wire::ShoppingListsCollection,
) -> ShopResult<Vec<ShoppingList>> {
    let protocol = |what: String| ShopError::Protocol(format!("a shopping list's {what}"));
    let included = |kind: &str, id: &str| {
        document
            .included
            .iter()
            .find(|r| r.kind == kind && r.id.as_deref() == Some(id))
    };
    document
        .data
        .iter()
        .map(|list| {
            let id = list
                .id
                .clone()
                .filter(|id| !id.trim().is_empty())
                .ok_or_else(|| protocol("id is missing".into()))?;
            let related = list
                .relationships
                .as_ref()
                .and_then(|r| r.items.as_ref())
                .map(|r| r.data.as_slice())
                .unwrap_or_default();
            let items = related
                .iter()
                .filter(|identifier| identifier.kind == wire::ITEMS)
                .map(|identifier| {
                    let resource = included(wire::ITEMS, &identifier.id).ok_or_else(|| {
                        protocol(format!("item {} is not included", identifier.id))
                    })?;
                    let item: wire::ShoppingListItemsAttributes =
                        serde_json::from_value(resource.attributes.clone())
                            .map_err(|e| protocol(format!("item {}: {e}", identifier.id)))?;
                    let sku = item
                        .sku
                        .filter(|sku| !sku.trim().is_empty())
                        .ok_or_else(|| protocol(format!("item {} has no SKU", identifier.id)))?;
                    let quantity = item
                        .quantity
                        .and_then(|q| u32::try_from(q).ok())
                        .ok_or_else(|| {
                            protocol(format!("item {} has no usable quantity", identifier.id))
                        })?;
                    let name = included(wire::PRODUCTS, &sku)
                        .and_then(|product| product.attributes.get("name"))
                        .and_then(|name| name.as_str())
                        .map(str::to_owned);
                    Ok(ShoppingListItem {
                        code: ProductCode::from(sku.as_str()),
                        name,
                        quantity,
                    })
                })
                .collect::<ShopResult<Vec<_>>>()?;
            let attributes = &list.attributes;
            Ok(ShoppingList {
                name: attributes.name.clone().unwrap_or_else(|| id.clone()),
                id,
                owner: attributes.owner.clone(),
                items,
                updated_at: attributes
                    .updated_at
                    .as_deref()
                    .or(attributes.created_at.as_deref())
                    .and_then(parse_timestamp),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn collection(value: serde_json::Value) -> wire::ShoppingListsCollection {
        serde_json::from_value(value).expect("a collection")
    }

    #[test]
    fn lists_read_with_their_items_in_relationship_order_and_product_names() {
        let document = collection(json!({
            "data": [{"type": "shopping-lists", "id": "sl-1",
                "attributes": {"owner": "Katrin Vogel", "name": "Workshop", "numberOfItems": 2,
                    "updatedAt": "2026-11-02 08:15:00.000000", "createdAt": "2026-10-01 10:00:00.000000"},
                "relationships": {"shopping-list-items": {"data": [
                    {"type": "shopping-list-items", "id": "i-2"},
                    {"type": "shopping-list-items", "id": "i-1"}]}}}],
            "included": [
                {"type": "shopping-list-items", "id": "i-1", "attributes": {"sku": "6204-2RS", "quantity": 10}},
                {"type": "shopping-list-items", "id": "i-2", "attributes": {"sku": "KST-CT200", "quantity": 2}},
                {"type": "concrete-products", "id": "KST-CT200", "attributes": {"sku": "KST-CT200", "name": "Cutter"}}
            ]
        }));
        let lists = lists_from(&document).unwrap();
        assert_eq!(lists.len(), 1);
        let list = &lists[0];
        assert_eq!((list.id.as_str(), list.name.as_str()), ("sl-1", "Workshop"));
        assert_eq!(list.owner.as_deref(), Some("Katrin Vogel"));
        let items: Vec<(&str, u32, Option<&str>)> = list
            .items
            .iter()
            .map(|i| (i.code.as_str(), i.quantity, i.name.as_deref()))
            .collect();
        assert_eq!(
            items,
            [("KST-CT200", 2, Some("Cutter")), ("6204-2RS", 10, None)]
        );
        assert!(list.updated_at.is_some());
        assert!(list.is_named(" workshop ") && list.is_named("sl-1") && !list.is_named("sl"));
    }

    #[test]
    fn an_item_left_out_or_without_a_quantity_is_an_error_not_a_shorter_list() {
        let missing = collection(json!({
            "data": [{"type": "shopping-lists", "id": "sl-1", "attributes": {"name": "A"},
                "relationships": {"shopping-list-items": {"data": [{"type": "shopping-list-items", "id": "i-9"}]}}}]
        }));
        assert!(matches!(lists_from(&missing), Err(ShopError::Protocol(_))));
        let negative = collection(json!({
            "data": [{"type": "shopping-lists", "id": "sl-1", "attributes": {"name": "A"},
                "relationships": {"shopping-list-items": {"data": [{"type": "shopping-list-items", "id": "i-1"}]}}}],
            "included": [{"type": "shopping-list-items", "id": "i-1", "attributes": {"sku": "X", "quantity": -3}}]
        }));
        let error = lists_from(&negative).unwrap_err();
        assert!(error.to_string().contains("usable quantity"), "{error}");
        let empty = collection(
            json!({"data": [{"type": "shopping-lists", "id": "sl-2", "attributes": {}}]}),
        );
        let lists = lists_from(&empty).unwrap();
        assert_eq!((lists[0].name.as_str(), lists[0].items.len()), ("sl-2", 0));
    }
}
