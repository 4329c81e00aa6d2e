//! Glue's `/customers/{ref}/addresses`: the address book with UUIDs over the store's ids and the
//! default shipping and billing flags.

use super::customers::reference;
use super::{GlueBody, GlueError, OwnCustomer, PREFIX, glue_document, glue_json, parse_body};
use crate::demo::state::DemoState;
use crate::demo::store::CustomerKey;
use crate::model::{Address, AddressId, AddressRole, PostalAddress, country_name};
use crate::platforms::spryker::wire::{self, codes};
use crate::shop::ShopError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Store field names → Glue's address attributes.
const ADDRESS_NAMES: &[(&str, &str)] = &[
    ("first_name", "firstName"),
    ("last_name", "lastName"),
    ("company", "company"),
    ("line1", "address1"),
    ("line2", "address2"),
    ("city", "city"),
    ("postcode", "zipCode"),
    ("country", "iso2Code"),
    ("phone", "phone"),
];

/// Glue's address ids are UUIDs, the demo store's integers: a fixed UUID-shaped prefix with the
/// integer in hex keeps ids stable and lets them be read back.
const ADDRESS_UUID_PREFIX: &str = "5b9e0c4a-0000-4000-8000-";

pub(super) fn address_uuid(id: &AddressId) -> String {
    match id.as_str().parse::<u64>() {
        Ok(n) => format!("{ADDRESS_UUID_PREFIX}{n:012x}"),
        Err(_) => id.to_string(),
    }
}

pub(super) fn store_address_id(uuid: &str) -> Result<AddressId, GlueError> {
    uuid.strip_prefix(ADDRESS_UUID_PREFIX)
        .filter(|hex| hex.len() == 12)
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .map(|n| AddressId(n.to_string()))
        .ok_or_else(address_not_found)
}

fn address_not_found() -> GlueError {
    GlueError::new(
        StatusCode::NOT_FOUND,
        codes::ADDRESS_NOT_FOUND,
        "Address was not found.",
    )
}

/// A store error of an address operation: "not found" is Glue's address code.
fn address_error(error: ShopError) -> GlueError {
    match error {
        ShopError::NotFound(_) => address_not_found(),
        other => GlueError::from_store(other, ADDRESS_NAMES),
    }
}

pub(super) fn address_resource(
    state: &DemoState,
    customer: CustomerKey,
    address: Address,
) -> wire::Resource<wire::AddressAttributes> {
    let uuid = address_uuid(&address.id);
    let postal = address.postal;
    wire::Resource {
        kind: "addresses".into(),
        links: Some(wire::Links::to(format!(
            "{}{PREFIX}/customers/{}/addresses/{uuid}",
            state.base_url,
            reference(customer)
        ))),
        id: Some(uuid),
        attributes: wire::AddressAttributes {
            salutation: None,
            first_name: Some(postal.first_name),
            last_name: Some(postal.last_name),
            address1: Some(postal.line1),
            address2: postal.line2,
            address3: None,
            zip_code: Some(postal.postcode),
            city: Some(postal.city),
            country: country_name(&postal.country).map(str::to_owned),
            iso2_code: Some(postal.country),
            company: postal.company,
            phone: postal.phone,
            is_default_shipping: Some(address.default_shipping),
            is_default_billing: Some(address.default_billing),
        },
    }
}

/// Glue's attributes over a postal address (a PATCH sends only what changes); `address3` joins
/// `address2`, as the demo store has two street lines.
fn apply_address(postal: &mut PostalAddress, attributes: &wire::AddressAttributes) {
    let set = |target: &mut String, value: &Option<String>| {
        if let Some(value) = value {
            target.clone_from(value);
        }
    };
    set(&mut postal.first_name, &attributes.first_name);
    set(&mut postal.last_name, &attributes.last_name);
    set(&mut postal.line1, &attributes.address1);
    set(&mut postal.city, &attributes.city);
    set(&mut postal.postcode, &attributes.zip_code);
    set(&mut postal.country, &attributes.iso2_code);
    if attributes.address2.is_some() || attributes.address3.is_some() {
        let lines: Vec<&str> = [&attributes.address2, &attributes.address3]
            .into_iter()
            .flatten()
            .map(|line| line.trim())
            .filter(|line| !line.is_empty())
            .collect();
        postal.line2 = (!lines.is_empty()).then(|| lines.join(", "));
    }
    if attributes.company.is_some() {
        postal.company.clone_from(&attributes.company);
    }
    if attributes.phone.is_some() {
        postal.phone.clone_from(&attributes.phone);
    }
}

/// Makes the address the default the attributes ask for (`false` leaves the default where it
/// is: the demo store always has one), then the address as it is now.
fn apply_defaults(
    store: &crate::demo::store::Store,
    customer: CustomerKey,
    id: &AddressId,
    attributes: &wire::AddressAttributes,
) -> crate::shop::ShopResult<Address> {
    if attributes.is_default_shipping == Some(true) {
        store.set_default_address(customer, id, AddressRole::Shipping)?;
    }
    if attributes.is_default_billing == Some(true) {
        store.set_default_address(customer, id, AddressRole::Billing)?;
    }
    store
        .addresses(customer)?
        .into_iter()
        .find(|a| &a.id == id)
        .ok_or_else(|| ShopError::NotFound(format!("address {id}")))
}

pub(super) async fn addresses(
    State(state): State<DemoState>,
    OwnCustomer(customer, requested): OwnCustomer,
) -> Result<Response, GlueError> {
    let book = state.with_store(move |s| s.addresses(customer)).await?;
    Ok(glue_json(
        StatusCode::OK,
        &wire::Collection {
            data: book
                .into_iter()
                .map(|a| address_resource(&state, customer, a))
                .collect(),
            links: Some(wire::Links::to(format!(
                "{}{PREFIX}/customers/{requested}/addresses",
                state.base_url
            ))),
        },
    ))
}

pub(super) async fn address(
    State(state): State<DemoState>,
    OwnCustomer(customer, _): OwnCustomer,
    Path((_, uuid)): Path<(String, String)>,
) -> Result<Response, GlueError> {
    let id = store_address_id(&uuid)?;
    let found = state
        .with_store(move |s| s.addresses(customer))
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(address_not_found)?;
    Ok(glue_document(
        StatusCode::OK,
        address_resource(&state, customer, found),
    ))
}

pub(super) async fn create_address(
    State(state): State<DemoState>,
    OwnCustomer(customer, _): OwnCustomer,
    GlueBody(attributes): GlueBody<wire::AddressAttributes>,
) -> Result<Response, GlueError> {
    let created = state
        .with_store(move |s| {
            let mut postal = PostalAddress::default();
            apply_address(&mut postal, &attributes);
            let created = s.create_address(customer, &postal)?;
            apply_defaults(s, customer, &created.id, &attributes)
        })
        .await
        .map_err(address_error)?;
    Ok(glue_document(
        StatusCode::CREATED,
        address_resource(&state, customer, created),
    ))
}

pub(super) async fn update_address(
    State(state): State<DemoState>,
    OwnCustomer(customer, _): OwnCustomer,
    Path((_, uuid)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Result<Response, GlueError> {
    let id = store_address_id(&uuid)?;
    let attributes: wire::AddressAttributes = parse_body(&body)?;
    let updated = state
        .with_store(move |s| {
            let mut postal = s
                .addresses(customer)?
                .into_iter()
                .find(|a| a.id == id)
                .ok_or_else(|| ShopError::NotFound(format!("address {id}")))?
                .postal;
            apply_address(&mut postal, &attributes);
            s.update_address(customer, &id, &postal)?;
            apply_defaults(s, customer, &id, &attributes)
        })
        .await
        .map_err(address_error)?;
    Ok(glue_document(
        StatusCode::OK,
        address_resource(&state, customer, updated),
    ))
}

pub(super) async fn delete_address(
    State(state): State<DemoState>,
    OwnCustomer(customer, _): OwnCustomer,
    Path((_, uuid)): Path<(String, String)>,
) -> Result<Response, GlueError> {
    let id = store_address_id(&uuid)?;
    state
        .with_store(move |s| s.delete_address(customer, &id))
        .await
        .map_err(address_error)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
