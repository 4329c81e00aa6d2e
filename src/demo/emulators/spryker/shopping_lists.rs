//! Glue's B2B `/shopping-lists` over the demo seed's lists (the B2B buyer has two), read-only:
//! `GET /shopping-lists` and `GET /shopping-lists/{id}`, with `shopping-list-items` and their
//! `concrete-products` included when asked, shaped as the B2B demo shop's schema describes them
//! (`RestShoppingListsCollectionResponse`). A demo shop made a B2C one ([`set_b2c`]) has no
//! such resource: 404, as Glue answers for a resource it does not know.

use super::carts::{ShopId, product, shop_of};
use super::{Customer, GlueError, PREFIX, glue_json, includes};
use crate::demo::state::DemoState;
use crate::demo::store::{CustomerKey, SeedShoppingList, Store};
use crate::platforms::spryker::shopping_list_wire as lists;
use crate::platforms::spryker::wire::{self, Identifier, format_timestamp};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};

/// The demo shops that are B2C ones (no shopping lists).
static B2C_SHOPS: LazyLock<Mutex<HashSet<ShopId>>> = LazyLock::new(Default::default);

/// Makes the demo shop behind `state` a B2C one, without shopping lists (or B2B again).
pub fn set_b2c(state: &DemoState, b2c: bool) {
    let mut shops = B2C_SHOPS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if b2c {
        shops.insert(shop_of(state));
    } else {
        shops.remove(&shop_of(state));
    }
}

fn is_b2c(state: &DemoState) -> bool {
    B2C_SHOPS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .contains(&shop_of(state))
}

fn no_such_resource() -> GlueError {
    GlueError::new(StatusCode::NOT_FOUND, "404", "Not Found")
}

/// A list's id: stable for the customer and the list's place in the seed (a UUID's shape).
fn list_id(customer: CustomerKey, index: usize) -> String {
    format!("5e1f0000-0000-4000-8000-{:06x}{:06x}", customer, index + 1)
}

fn item_id(list: &str, index: usize) -> String {
    format!("{list}-{}", index + 1)
}

/// The customer's seeded lists, each with its id.
async fn lists_of(
    state: &DemoState,
    customer: CustomerKey,
) -> Result<Vec<(String, SeedShoppingList)>, GlueError> {
    let account = state.with_store(move |s| s.account(customer)).await?;
    Ok(Store::seed_shopping_lists(&account.email)
        .into_iter()
        .enumerate()
        .map(|(index, list)| (list_id(customer, index), list))
        .collect())
}

/// `GET /shopping-lists`.
pub(super) async fn shopping_lists(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    RawQuery(query): RawQuery,
) -> Result<Response, GlueError> {
    if is_b2c(&state) {
        return Err(no_such_resource());
    }
    let found = lists_of(&state, customer).await?;
    let document = collection(&state, customer, found, query.as_deref(), "").await;
    Ok(glue_json(StatusCode::OK, &document))
}

/// `GET /shopping-lists/{id}`: one list, as a one-item collection's `data[0]` in a document.
pub(super) async fn shopping_list(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, GlueError> {
    if is_b2c(&state) {
        return Err(no_such_resource());
    }
    let found: Vec<_> = lists_of(&state, customer)
        .await?
        .into_iter()
        .filter(|(list, _)| *list == id)
        .collect();
    if found.is_empty() {
        // Glue's ShoppingListsRestApi "1503": the list is not the customer's, or not there.
        return Err(GlueError::new(
            StatusCode::NOT_FOUND,
            "1503",
            "Shopping list not found.",
        ));
    }
    let path = format!("/{id}");
    let mut document = collection(&state, customer, found, query.as_deref(), &path).await;
    let data = document.data.remove(0);
    Ok(glue_json(
        StatusCode::OK,
        &serde_json::json!({"data": data, "included": document.included}),
    ))
}

async fn collection(
    state: &DemoState,
    customer: CustomerKey,
    found: Vec<(String, SeedShoppingList)>,
    query: Option<&str>,
    path: &str,
) -> lists::ShoppingListsCollection {
    let with_items = includes(query, lists::ITEMS);
    let with_products = with_items && includes(query, lists::PRODUCTS);
    let link = |path: String| Some(wire::Links::to(format!("{}{PREFIX}{path}", state.base_url)));
    let account = state.with_store(move |s| s.account(customer)).await.ok();
    let owner = account.map(|a| a.display_name());
    // The seed's lists are as old as the demo data: the seed's own clock.
    let updated = format_timestamp(time::macros::datetime!(2026-11-02 08:15 UTC));
    let mut data = Vec::new();
    let mut included = Vec::new();
    let mut products_listed = HashSet::new();
    for (id, list) in found {
        let mut related = Vec::new();
        for (index, (sku, quantity)) in list.items.iter().enumerate() {
            let item = item_id(&id, index);
            related.push(Identifier {
                kind: lists::ITEMS.into(),
                id: item.clone(),
            });
            if !with_items {
                continue;
            }
            let attributes = lists::ShoppingListItemsAttributes {
                quantity: Some(i64::from(*quantity)),
                sku: Some(sku.clone()),
            };
            included.push(wire::Resource {
                kind: lists::ITEMS.into(),
                id: Some(item.clone()),
                attributes: serde_json::to_value(attributes).unwrap_or_default(),
                links: link(format!("/shopping-lists/{id}/shopping-list-items/{item}")),
            });
            if with_products
                && products_listed.insert(sku.clone())
                && let Ok(Some(found)) = product(state, customer, sku).await
            {
                let attributes = wire::ConcreteProductAttributes {
                    sku: Some(sku.clone()),
                    name: Some(found.name.clone()),
                    is_discontinued: Some(
                        found.availability == crate::model::Availability::Discontinued,
                    ),
                    discontinued_note: None,
                    product_abstract_sku: None,
                };
                included.push(wire::Resource {
                    kind: lists::PRODUCTS.into(),
                    id: Some(sku.clone()),
                    attributes: serde_json::to_value(attributes).unwrap_or_default(),
                    links: link(format!("/concrete-products/{sku}")),
                });
            }
        }
        data.push(lists::ShoppingListResource {
            kind: lists::LISTS.into(),
            attributes: lists::ShoppingListsAttributes {
                owner: owner.clone(),
                name: Some(list.name.clone()),
                number_of_items: Some(list.items.iter().map(|(_, q)| i64::from(*q)).sum()),
                updated_at: Some(updated.clone()),
                created_at: Some(updated.clone()),
            },
            links: link(format!("/shopping-lists/{id}")),
            relationships: with_items.then_some(lists::ShoppingListsRelationships {
                items: Some(lists::Related { data: related }),
            }),
            id: Some(id),
        });
    }
    lists::ShoppingListsCollection {
        data,
        included,
        links: link(format!("/shopping-lists{path}")),
    }
}
