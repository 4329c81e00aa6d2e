//! A customer's delivery addresses: the list, and creating, changing and deleting one.

use super::*;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PageQuery {
    page: Option<u32>,
    items_per_page: Option<u32>,
}

pub(super) async fn delivery_addresses(
    State(state): State<DemoState>,
    Path(guid): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let key = match existing_customer(&state, &guid).await {
        Ok(key) => key,
        Err(refused) => return refused,
    };
    let (page, per_page) = page_of(
        query.page,
        query.items_per_page,
        DEFAULT_PAGE_SIZE,
        MAX_ADDRESSES_PER_PAGE,
    );
    match state.with_store(move |s| s.addresses(key)).await {
        Ok(addresses) => {
            let on_page: Vec<Value> = addresses
                .iter()
                .skip((page as usize - 1) * per_page as usize)
                .take(per_page as usize)
                .map(delivery_address_json)
                .collect();
            let paginator = paginator(addresses.len() as u64, page, per_page, on_page.len());
            answer(
                StatusCode::OK,
                json!({"deliveryAddresses": on_page, "paginator": paginator}),
            )
        }
        Err(error) => store_failure(&error),
    }
}

pub(super) fn postal_of_request(request: &wire::DeliveryAddressRequest) -> PostalAddress {
    let (first_name, last_name) = name_parts(request.full_name.as_deref());
    let street = match (&request.street, &request.house_number) {
        (Some(street), Some(number)) => format!("{street} {number}"),
        (Some(street), None) => street.clone(),
        (None, Some(number)) => number.clone(),
        (None, None) => String::new(),
    };
    PostalAddress {
        first_name,
        last_name,
        company: request.company.clone(),
        line1: street,
        line2: request.additional.clone(),
        city: request.city.clone().unwrap_or_default(),
        postcode: request.zip.clone().unwrap_or_default(),
        region: request.region_name.clone(),
        country: request.country_code.clone(),
        phone: None,
    }
}

pub(super) async fn create_address(
    State(state): State<DemoState>,
    Path(guid): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let key = match existing_customer(&state, &guid).await {
        Ok(key) => key,
        Err(refused) => return refused,
    };
    let request: wire::DeliveryAddressRequest = match parse_body(&body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let postal = postal_of_request(&request);
    let make_default = request.is_default == Some(true);
    match state
        .with_store(move |s| {
            let created = s.create_address(key, &postal)?;
            if make_default {
                s.set_default_address(key, &created.id, AddressRole::Shipping)?;
            }
            Ok(created)
        })
        .await
    {
        Ok(created) => answer(
            StatusCode::CREATED,
            json!({"deliveryAddress": delivery_address_json(&created)}),
        ),
        Err(error) => store_failure(&error),
    }
}

pub(super) fn not_found_address(guid: &str) -> Response {
    one_failure(
        StatusCode::NOT_FOUND,
        "delivery-address-not-found",
        format!("Delivery address with guid \"{guid}\" not found."),
        guid,
    )
}

pub(super) async fn update_address(
    State(state): State<DemoState>,
    Path((guid, address)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    let key = match existing_customer(&state, &guid).await {
        Ok(key) => key,
        Err(refused) => return refused,
    };
    let Some(id) = address_id(&address) else {
        return not_found_address(&address);
    };
    let request: wire::DeliveryAddressRequest = match parse_body(&body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let postal = postal_of_request(&request);
    let make_default = request.is_default == Some(true);
    match state
        .with_store(move |s| {
            let updated = s.update_address(key, &id, &postal)?;
            if make_default {
                let book = s.set_default_address(key, &id, AddressRole::Shipping)?;
                return Ok(book.into_iter().find(|a| a.id == id).unwrap_or(updated));
            }
            Ok(updated)
        })
        .await
    {
        Ok(updated) => answer(
            StatusCode::OK,
            json!({"deliveryAddress": delivery_address_json(&updated)}),
        ),
        Err(ShopError::NotFound(_)) => not_found_address(&address),
        Err(error) => store_failure(&error),
    }
}

pub(super) async fn delete_address(
    State(state): State<DemoState>,
    Path((guid, address)): Path<(String, String)>,
) -> Response {
    let key = match existing_customer(&state, &guid).await {
        Ok(key) => key,
        Err(refused) => return refused,
    };
    let Some(id) = address_id(&address) else {
        return not_found_address(&address);
    };
    match state.with_store(move |s| s.delete_address(key, &id)).await {
        Ok(()) => answer(StatusCode::OK, Value::Null),
        Err(ShopError::NotFound(_)) => not_found_address(&address),
        Err(error) => store_failure(&error),
    }
}

/// Shoptet's one `fullName` as the store's first and last name (the last word is the last name).
pub(super) fn name_parts(full_name: Option<&str>) -> (String, String) {
    let name = full_name.unwrap_or_default().trim();
    match name.rsplit_once(' ') {
        Some((first, last)) => (first.trim().to_owned(), last.trim().to_owned()),
        None => (String::new(), name.to_owned()),
    }
}

pub(super) fn full_name(first: &str, last: &str) -> Value {
    let name = format!("{} {}", first.trim(), last.trim());
    let name = name.trim();
    if name.is_empty() {
        Value::Null
    } else {
        json!(name)
    }
}

pub(super) fn address_fields(postal: &PostalAddress) -> serde_json::Map<String, Value> {
    let fields = json!({
        "company": postal.company,
        "fullName": full_name(&postal.first_name, &postal.last_name),
        "street": postal.line1,
        "houseNumber": null,
        "city": postal.city,
        "district": null,
        "additional": postal.line2,
        "zip": postal.postcode,
        "countryCode": postal.country,
        "regionName": postal.region,
        "regionShortcut": null,
    });
    match fields {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

pub(super) fn delivery_address_json(address: &Address) -> Value {
    let mut fields = address_fields(&address.postal);
    fields.insert("guid".into(), json!(address_guid(&address.id)));
    fields.insert("isDefault".into(), json!(address.default_shipping));
    Value::Object(fields)
}
