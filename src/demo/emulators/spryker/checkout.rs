//! Glue's catalogue and checkout over the demo store: `GET /stores`, `GET
//! /concrete-products/{sku}` (with `concrete-product-prices` and
//! `concrete-product-availabilities` included when asked), `POST /checkout-data` (the address
//! book, one shipment method, one payment method) and `POST /checkout`, which places the cart as
//! a demo-store order (the cart's id is the store's idempotency key, so a cart is ordered at
//! most once even when two checkouts of it race) and deletes the cart: a repeated checkout of it
//! is Glue's 422 "1103" "Cart not found.". The shipping and billing addresses must name an
//! address of the customer's book by `id` (Glue also takes one written out; the emulator not).

use super::addresses::{address_resource, store_address_id};
use super::carts::{Cart, STORE, cart_of, product, remove_cart};
use super::orders::minor;
use super::{
    Customer, GlueError, PREFIX, bearer, glue_collection, glue_json, includes, parse_body,
};
use crate::demo::state::DemoState;
use crate::demo::store::CustomerKey;
use crate::model::{Availability, Currency, NewOrder, NewOrderLine, ProductCode};
use crate::platforms::spryker::wire::{self, cart_codes};
use crate::shop::ShopError;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

/// The one shipment method and payment method the demo offers (Spryker's demo shop's dummy
/// ones).
const SHIPMENT_METHOD_ID: i64 = 1;
const SHIPMENT_METHOD: &str = "Standard";
const CARRIER: &str = "Spryker Dummy Shipment";
const PAYMENT_PROVIDER: &str = "DummyPayment";
const PAYMENT_METHOD: &str = "Invoice";

/// `GET /stores`: the demo's one store. Its default currency is the signed-in customer's (the
/// demo prices each customer in one currency; a Spryker store would be per country), EUR for
/// an anonymous request.
pub(super) async fn stores(
    State(state): State<DemoState>,
    headers: HeaderMap,
) -> Result<Response, GlueError> {
    let customer = bearer(&headers)
        .and_then(|token| state.emulator_logins.customer(super::PLATFORM, token).ok());
    let currency = match customer {
        Some(customer) => state.with_store(move |s| s.currency_of(customer)).await?,
        None => Currency::EUR,
    };
    let store = wire::Resource {
        kind: "stores".into(),
        id: Some(STORE.into()),
        attributes: wire::StoreAttributes {
            default_currency: Some(currency.to_string()),
            currencies: vec![wire::StoreCurrency {
                code: Some(currency.to_string()),
                name: None,
            }],
            time_zone: Some("Europe/Berlin".into()),
        },
        links: Some(wire::Links::to(format!(
            "{}{PREFIX}/stores/{STORE}",
            state.base_url
        ))),
    };
    Ok(glue_collection(&state, "/stores", vec![store]))
}

/// `GET /concrete-products/{sku}`: 404 "302" for an unknown SKU. Prices are the customer's
/// currency's (gross and net alike: the demo store keeps one price); the availability is the
/// store's stock (`availability` false when none is left or the product is discontinued).
pub(super) async fn concrete_product(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    Path(sku): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, GlueError> {
    let found = product(&state, customer, &sku).await?.ok_or_else(|| {
        GlueError::new(
            StatusCode::NOT_FOUND,
            cart_codes::CONCRETE_PRODUCT_NOT_FOUND,
            "Concrete product is not found.",
        )
    })?;
    let sku = found.code.to_string();
    let link = |path: &str| {
        Some(wire::Links::to(format!(
            "{}{PREFIX}/concrete-products/{sku}{path}",
            state.base_url
        )))
    };
    let mut included_resources = Vec::new();
    if includes(query.as_deref(), "concrete-product-prices") {
        let amount = minor(&found.price);
        let prices = wire::ProductPricesAttributes {
            price: Some(amount),
            prices: vec![wire::ProductPrice {
                price_type_name: Some("DEFAULT".into()),
                net_amount: Some(amount),
                gross_amount: Some(amount),
                currency: Some(wire::PriceCurrency {
                    code: Some(found.price.currency.to_string()),
                    name: None,
                    symbol: None,
                }),
            }],
        };
        included_resources.push(wire::Resource {
            kind: "concrete-product-prices".into(),
            id: Some(sku.clone()),
            attributes: serde_json::to_value(prices).unwrap_or_default(),
            links: link("/concrete-product-prices"),
        });
    }
    if includes(query.as_deref(), "concrete-product-availabilities") {
        let (available, quantity) = match found.availability {
            Availability::InStock { quantity } => {
                let left = quantity.unwrap_or(0);
                (quantity.is_none() || left > 0, f64::from(left))
            }
            Availability::OutOfStock | Availability::Discontinued => (false, 0.0),
        };
        let availability = wire::ConcreteProductAvailabilityAttributes {
            is_never_out_of_stock: Some(matches!(
                found.availability,
                Availability::InStock { quantity: None }
            )),
            availability: Some(available),
            quantity: Some(quantity),
        };
        included_resources.push(wire::Resource {
            kind: "concrete-product-availabilities".into(),
            id: Some(sku.clone()),
            attributes: serde_json::to_value(availability).unwrap_or_default(),
            links: link("/concrete-product-availabilities"),
        });
    }
    let document = wire::Compound {
        data: wire::Resource {
            kind: "concrete-products".into(),
            id: Some(sku.clone()),
            attributes: wire::ConcreteProductAttributes {
                sku: Some(sku.clone()),
                name: Some(found.name.clone()),
                is_discontinued: Some(found.availability == Availability::Discontinued),
                discontinued_note: None,
                product_abstract_sku: None,
            },
            links: link(""),
        },
        included: included_resources,
        links: None,
    };
    Ok(glue_json(StatusCode::OK, &document))
}

/// The customer's cart for a checkout, or Glue's 422 "1103" (a checked-out cart is gone).
fn checkout_cart(state: &DemoState, customer: CustomerKey, id: &str) -> Result<Cart, GlueError> {
    cart_of(state, customer, id)
        .ok_or_else(|| GlueError::refused(cart_codes::CHECKOUT_CART_NOT_FOUND, "Cart not found."))
}

/// The body of `checkout-data` and `checkout`, and the cart it names.
fn checkout_request(
    state: &DemoState,
    customer: CustomerKey,
    body: &[u8],
) -> Result<(wire::CheckoutRequest, Cart), GlueError> {
    let request: wire::CheckoutRequest = parse_body(body)?;
    let cart = checkout_cart(state, customer, &request.id_cart)?;
    Ok((request, cart))
}

/// `POST /checkout-data`: what the cart can be checked out with.
pub(super) async fn checkout_data(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    body: axum::body::Bytes,
) -> Result<Response, GlueError> {
    let (_, cart) = checkout_request(&state, customer, &body)?;
    let book = state.with_store(move |s| s.addresses(customer)).await?;
    let addresses = book
        .into_iter()
        .map(|address| {
            let resource = address_resource(&state, customer, address);
            let mut value = serde_json::to_value(resource.attributes).unwrap_or_default();
            if let Some(object) = value.as_object_mut() {
                object.insert("id".into(), resource.id.unwrap_or_default().into());
            }
            value
        })
        .collect();
    let attributes = wire::CheckoutDataAttributes {
        addresses,
        payment_providers: vec![wire::PaymentProvider {
            payment_provider_name: Some(PAYMENT_PROVIDER.into()),
            payment_methods: vec![wire::PaymentMethod {
                payment_method_name: Some(PAYMENT_METHOD.into()),
                payment_provider_name: Some(PAYMENT_PROVIDER.into()),
            }],
        }],
        shipment_methods: vec![wire::ShipmentMethod {
            id: Some(SHIPMENT_METHOD_ID),
            name: Some(SHIPMENT_METHOD.into()),
            carrier_name: Some(CARRIER.into()),
            price: None,
            currency_iso_code: Some(cart.currency.to_string()),
        }],
    };
    Ok(glue_json(
        StatusCode::OK,
        &wire::Document {
            data: wire::Resource {
                kind: "checkout-data".into(),
                id: None,
                attributes,
                links: None,
            },
            links: None,
        },
    ))
}

fn checkout_invalid(detail: impl Into<String>) -> GlueError {
    GlueError::refused(cart_codes::CHECKOUT_DATA_INVALID, detail)
}

/// The book address a checkout address names by `id`.
fn named_address(
    address: Option<&wire::CheckoutAddress>,
    attribute: &str,
) -> Result<Option<crate::model::AddressId>, GlueError> {
    match address {
        None => Ok(None),
        Some(address) => {
            let id = address.id.as_deref().unwrap_or_default();
            store_address_id(id).map(Some).map_err(|_| {
                checkout_invalid(format!(
                    "{attribute} => This value should name an address of the customer (id)."
                ))
            })
        }
    }
}

/// `POST /checkout`: the cart becomes an order of the demo store.
pub(super) async fn checkout(
    State(state): State<DemoState>,
    Customer(customer): Customer,
    body: axum::body::Bytes,
) -> Result<Response, GlueError> {
    let (request, cart) = checkout_request(&state, customer, &body)?;
    let cart_id = request.id_cart.clone();
    if cart.items.is_empty() {
        return Err(GlueError::refused(
            cart_codes::CART_IS_EMPTY,
            "Cart is empty.",
        ));
    }
    let paid_as_offered = request.payments.as_deref().is_some_and(|payments| {
        payments.len() == 1
            && payments[0].payment_provider_name == PAYMENT_PROVIDER
            && payments[0].payment_method_name == PAYMENT_METHOD
    });
    if !paid_as_offered {
        return Err(GlueError::refused("1108", "Invalid payment."));
    }
    if request.shipment.as_ref().map(|s| s.id_shipment_method) != Some(SHIPMENT_METHOD_ID) {
        return Err(checkout_invalid(
            "shipment => This value should be a shipment method of checkout-data.",
        ));
    }
    let shipping = named_address(request.shipping_address.as_ref(), "shippingAddress")?
        .ok_or_else(|| checkout_invalid("shippingAddress => This value should not be blank."))?;
    let billing = named_address(request.billing_address.as_ref(), "billingAddress")?;
    let order = NewOrder {
        idempotency_key: cart_id.clone(),
        lines: cart
            .items
            .iter()
            .map(|item| NewOrderLine {
                code: ProductCode::from(item.sku.as_str()),
                brand: Some(item.brand.clone()),
                quantity: item.quantity,
            })
            .collect(),
        shipping_address: Some(shipping),
        billing_address: billing,
        note: None,
    };
    let placed = state
        .with_store(move |s| s.place_order(customer, &order))
        .await
        .map_err(|e| match e {
            ShopError::Validation { message, .. } => GlueError::refused(
                cart_codes::ORDER_NOT_PLACED,
                format!("Order could not be placed. {message}"),
            ),
            other => GlueError::from(other),
        })?;
    remove_cart(&cart_id);
    let attributes = wire::CheckoutAttributes {
        order_reference: Some(placed.number.to_string()),
        redirect_url: None,
        is_external_redirect: Some(false),
    };
    Ok(glue_json(
        StatusCode::CREATED,
        &wire::Document {
            data: wire::Resource {
                kind: "checkout".into(),
                id: None,
                attributes,
                links: None,
            },
            links: None,
        },
    ))
}
