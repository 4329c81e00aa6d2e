//! `GET /api/eshop` and the customers: the list by e-mail or phone, one customer's detail, a
//! change to their login account, and to their billing address's company, company registration
//! number and VAT id.

use super::*;
use crate::demo::store::Store;
use crate::shop::ShopResult;

pub(super) async fn eshop(State(state): State<DemoState>) -> Response {
    answer(
        StatusCode::OK,
        json!({
            "contactInformation": {
                "eshopId": 1,
                "eshopName": ESHOP_NAME,
                "eshopCategory": null,
                "url": format!("{}/", state.base_url),
                "eshopTitle": ESHOP_NAME,
                "eshopSubtitle": null,
                "contactPerson": null,
                "email": "shop@demo.shopterm.example",
                "phone": null,
                "mobilePhone": null,
                "skypeAccount": null,
                "contactPhotoUrl": null,
            },
            "settings": {
                "vatPayer": true, "cashDeskOnly": false, "trackStockClaims": false,
                "maxProductAmount": 10000, "maxEmailAmount": 1000,
                "defaultPricelist": {"id": 1, "name": "Default"},
                "timezone": "UTC", "dateFormat": "j.n.Y", "timeFormat": "H:i", "internals": "en",
                "exchangeRateFlip": false, "negativeStockAmount": "no-hide-product", "oss": false,
                "stockControlDisabled": false, "wholesaleSplitActive": false,
            },
            "currencies": [],
            "taxClasses": [],
            "activeModules": [],
            "urls": [],
        }),
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CustomerQuery {
    email: Option<String>,
    phone: Option<String>,
    page: Option<u32>,
    items_per_page: Option<u32>,
}

pub(super) async fn customers(
    State(state): State<DemoState>,
    Query(query): Query<CustomerQuery>,
) -> Response {
    let (page, per_page) = page_of(
        query.page,
        query.items_per_page,
        DEFAULT_PAGE_SIZE,
        MAX_CUSTOMERS_PER_PAGE,
    );
    let offset = u64::from(page - 1) * u64::from(per_page);
    let found = state
        .with_store(move |s| {
            let (keys, total) = s.customers_matching(
                query.email.as_deref(),
                query.phone.as_deref(),
                offset,
                per_page,
            )?;
            let mut rows = Vec::new();
            for key in keys {
                let account = s.account(key)?;
                let addresses = s.addresses(key)?;
                rows.push((key, account, addresses));
            }
            Ok((rows, total))
        })
        .await;
    match found {
        Ok((rows, total)) => {
            let customers: Vec<Value> = rows
                .iter()
                .map(|(key, account, addresses)| {
                    let billing = addresses.iter().find(|a| a.default_billing);
                    let created = account.created_at.map(shoptet_time);
                    json!({
                        "guid": customer_guid(*key),
                        "creationTime": created,
                        "changeTime": created,
                        "billCompany": billing.and_then(|a| a.postal.company.clone()).or(account.company.clone()),
                        "billFullName": full_name(&account.first_name, &account.last_name),
                        "adminUrl": admin_url(&state, "zakaznici-detail", key),
                    })
                })
                .collect();
            let paginator = paginator(total, page, per_page, customers.len());
            answer(
                StatusCode::OK,
                json!({"customers": customers, "paginator": paginator}),
            )
        }
        Err(error) => store_failure(&error),
    }
}

pub(super) async fn customer(State(state): State<DemoState>, Path(guid): Path<String>) -> Response {
    let key = match existing_customer(&state, &guid).await {
        Ok(key) => key,
        Err(refused) => return refused,
    };
    match state.with_store(move |s| customer_of(s, key)).await {
        Ok(found) => answer(
            StatusCode::OK,
            json!({"customer": customer_json(&state, key, &found)}),
        ),
        Err(error) => store_failure(&error),
    }
}

/// What a customer's detail shows: the account, the addresses, the company's ids.
pub(super) struct CustomerRecord {
    account: Account,
    addresses: Vec<Address>,
    company_id: Option<String>,
    vat_id: Option<String>,
}

fn customer_of(store: &Store, key: CustomerKey) -> ShopResult<CustomerRecord> {
    let (company_id, vat_id) = store.company_ids(key)?;
    Ok(CustomerRecord {
        account: store.account(key)?,
        addresses: store.addresses(key)?,
        company_id,
        vat_id,
    })
}

pub(super) fn billing_fields(postal: Option<&PostalAddress>) -> Value {
    let mut fields = match postal {
        Some(postal) => address_fields(postal),
        None => address_fields(&PostalAddress::default())
            .into_iter()
            .map(|(k, _)| (k, Value::Null))
            .collect(),
    };
    for name in ["companyId", "vatId", "taxId"] {
        fields.insert(name.into(), Value::Null);
    }
    Value::Object(fields)
}

pub(super) fn customer_json(state: &DemoState, key: CustomerKey, record: &CustomerRecord) -> Value {
    let addresses = &record.addresses;
    let billing = addresses
        .iter()
        .find(|a| a.default_billing)
        .or_else(|| addresses.first())
        .map(|a| &a.postal);
    let mut billing = billing_fields(billing);
    billing["companyId"] = json!(record.company_id);
    billing["vatId"] = json!(record.vat_id);
    let account = &record.account;
    let created = account.created_at.map(shoptet_time);
    json!({
        "guid": customer_guid(key),
        "billingAddress": billing,
        "deliveryAddress": addresses.iter().map(delivery_address_json).collect::<Vec<_>>(),
        "creationTime": created,
        "changeTime": created,
        "customerGroup": null,
        "priceList": null,
        "remark": null,
        "priceRatio": "1.0000",
        "birthDate": null,
        "disabledOrders": false,
        "accounts": [account_json(key, account)],
        "remarks": [],
        "adminUrl": admin_url(state, "zakaznici-detail", key),
    })
}

/// The store's customers have one login account each: the main one, with a GUID of its own.
fn account_guid(key: CustomerKey) -> String {
    format!("00000000-0000-4000-9000-{key:012x}")
}

fn account_json(key: CustomerKey, account: &Account) -> Value {
    json!({
        "guid": account_guid(key),
        "fullName": full_name(&account.first_name, &account.last_name),
        "email": account.email,
        "phone": account.phone,
        "mainAccount": true,
        "authorized": true,
        "emailVerified": true,
    })
}

/// `PATCH /api/customers/{guid}/accounts/{accountGuid}`: the login account's name, e-mail and
/// phone (a field left out stays; `null` clears the name or phone), validated by the store (an
/// e-mail another customer has is a field error on `email`).
pub(super) async fn update_account(
    State(state): State<DemoState>,
    Path((guid, account)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    let key = match existing_customer(&state, &guid).await {
        Ok(key) => key,
        Err(refused) => return refused,
    };
    if account != account_guid(key) {
        return one_failure(
            StatusCode::NOT_FOUND,
            "customer-account-not-found",
            format!("Customer account with guid \"{account}\" not found."),
            &account,
        );
    }
    let request: Value = match parse_body(&body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let Some(changes) = request.as_object().filter(|o| !o.is_empty()) else {
        return one_failure(
            StatusCode::BAD_REQUEST,
            wire::INVALID_REQUEST_DATA,
            "Nothing to change.",
            "data",
        );
    };
    let text = |name: &str| changes.get(name).map(|v| v.as_str().map(str::to_owned));
    let (full_name, email, phone) = (text("fullName"), text("email"), text("phone"));
    let saved = state
        .with_store(move |s| {
            let mut draft = s.account(key)?.to_draft();
            if let Some(name) = full_name {
                (draft.first_name, draft.last_name) = name_parts(name.as_deref());
            }
            if let Some(email) = email {
                draft.email = email.unwrap_or_default();
            }
            if let Some(phone) = phone {
                draft.phone = phone;
            }
            s.update_account(key, &draft)
        })
        .await;
    match saved {
        Ok(saved) => answer(
            StatusCode::OK,
            json!({"account": account_json(key, &saved)}),
        ),
        Err(error) => store_failure(&error),
    }
}

/// `PATCH /api/customers/{guid}` with `billingAddress` fields `company` (the company of the
/// customer's billing address: the store's default billing address), `companyId` and `vatId`
/// (the store's `company_ids`), each a text within Shoptet's limits (255, 18, 16 characters) or
/// `null` to clear it; a field left out stays. The demo store keeps none of the customer's other
/// fields this call takes (nor `taxId`): those are refused as `invalid-request-data` naming the
/// field, not dropped silently.
pub(super) async fn update_customer(
    State(state): State<DemoState>,
    Path(guid): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let key = match existing_customer(&state, &guid).await {
        Ok(key) => key,
        Err(refused) => return refused,
    };
    let request: Value = match parse_body(&body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let refuse = |instance: &str, message: &str| {
        one_failure(
            StatusCode::BAD_REQUEST,
            wire::INVALID_REQUEST_DATA,
            message.to_owned(),
            instance,
        )
    };
    let Some(changes) = request.as_object().filter(|o| !o.is_empty()) else {
        return refuse("data", "Nothing to change.");
    };
    if let Some(other) = changes.keys().find(|k| *k != "billingAddress") {
        return refuse(
            &format!("data.{other}"),
            "The demo shop does not keep this field.",
        );
    }
    let Some(billing) = changes["billingAddress"]
        .as_object()
        .filter(|b| !b.is_empty())
    else {
        return refuse("data.billingAddress", "Nothing to change.");
    };
    const KEPT: [(&str, usize); 3] = [("company", 255), ("companyId", 18), ("vatId", 16)];
    if let Some(other) = billing
        .keys()
        .find(|k| KEPT.iter().all(|(kept, _)| kept != k))
    {
        return refuse(
            &format!("data.billingAddress.{other}"),
            "The demo shop does not keep this field.",
        );
    }
    // Per kept field: None left out, Some(None) cleared, Some(Some(text)) set.
    let mut wanted: [Option<Option<String>>; 3] = [None, None, None];
    for ((name, max), slot) in KEPT.iter().zip(wanted.iter_mut()) {
        *slot = match billing.get(*name) {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::String(text))
                if !text.trim().is_empty() && text.chars().count() <= *max =>
            {
                Some(Some(text.trim().to_owned()))
            }
            Some(_) => {
                return refuse(
                    &format!("data.billingAddress.{name}"),
                    &format!("The {name} must be 1 to {max} characters, or null."),
                );
            }
        };
    }
    let [company, company_id, vat_id] = wanted;
    let saved = state
        .with_store(move |s| {
            if let Some(company) = company {
                let addresses = s.addresses(key)?;
                let billing = addresses
                    .iter()
                    .find(|a| a.default_billing)
                    .or_else(|| addresses.first())
                    .ok_or_else(|| {
                        ShopError::field("billingAddress", "The customer has no billing address.")
                    })?;
                let mut postal = billing.postal.clone();
                postal.company = company;
                s.update_address(key, &billing.id, &postal)?;
            }
            if company_id.is_some() || vat_id.is_some() {
                let (id_now, vat_now) = s.company_ids(key)?;
                let company_id = company_id.unwrap_or(id_now);
                let vat_id = vat_id.unwrap_or(vat_now);
                s.set_company_ids(key, company_id.as_deref(), vat_id.as_deref())?;
            }
            customer_of(s, key)
        })
        .await;
    match saved {
        Ok(found) => answer(
            StatusCode::OK,
            json!({"customer": customer_json(&state, key, &found)}),
        ),
        Err(error) => store_failure(&error),
    }
}
