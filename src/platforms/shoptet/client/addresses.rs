//! The customer's delivery addresses: the whole book read page by page, and Shoptet's one
//! `fullName` and street/house number as the model's postal address.

use super::{MAX_PAGES, ShoptetShop, WHOLE_LIST_PAGE, api::seg, wire};
use crate::model::*;
use crate::shop::ShopResult;

impl ShoptetShop {
    pub(super) async fn delivery_addresses(&self) -> ShopResult<Vec<wire::DeliveryAddress>> {
        let path = format!(
            "api/customers/{}/delivery-addresses",
            seg(&self.guid().await?)
        );
        let mut all = Vec::new();
        for page in 1..=MAX_PAGES {
            let query = [
                ("page", page.to_string()),
                ("itemsPerPage", WHOLE_LIST_PAGE.to_string()),
            ];
            let list: wire::DeliveryAddressList = self.api.get(&path, &query).await?;
            all.extend(list.delivery_addresses);
            if list.paginator.page >= list.paginator.page_count {
                break;
            }
        }
        Ok(all)
    }
}

/// Shoptet keeps one `fullName`; the model has a first and a last name.
pub(super) fn split_name(full: Option<&str>) -> (String, String) {
    let full = full.unwrap_or_default().trim();
    match full.rsplit_once(' ') {
        Some((first, last)) => (first.trim().to_owned(), last.trim().to_owned()),
        None => (String::new(), full.to_owned()),
    }
}

pub(super) fn join_name(first: &str, last: &str) -> Option<String> {
    let name = format!("{} {}", first.trim(), last.trim());
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

pub(super) fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

pub(super) fn non_empty(value: &Option<String>) -> Option<String> {
    value.clone().filter(|v| !v.trim().is_empty())
}

fn street_line(street: &Option<String>, house_number: &Option<String>) -> String {
    match (non_empty(street), non_empty(house_number)) {
        (Some(street), Some(number)) => format!("{street} {number}"),
        (Some(street), None) => street,
        (None, Some(number)) => number,
        (None, None) => String::new(),
    }
}

pub(super) fn postal_of(address: &wire::BillingAddress) -> PostalAddress {
    let (first_name, last_name) = split_name(address.full_name.as_deref());
    PostalAddress {
        first_name,
        last_name,
        company: non_empty(&address.company),
        line1: street_line(&address.street, &address.house_number),
        line2: non_empty(&address.additional),
        city: text(&address.city),
        postcode: text(&address.zip),
        region: non_empty(&address.region_name),
        country: text(&address.country_code).to_uppercase(),
        phone: None,
    }
}

pub(super) fn address_of(address: &wire::DeliveryAddress) -> Address {
    let (first_name, last_name) = split_name(address.full_name.as_deref());
    Address {
        id: AddressId(address.guid.clone()),
        postal: PostalAddress {
            first_name,
            last_name,
            company: non_empty(&address.company),
            line1: street_line(&address.street, &address.house_number),
            line2: non_empty(&address.additional),
            city: text(&address.city),
            postcode: text(&address.zip),
            region: non_empty(&address.region_name),
            country: text(&address.country_code).to_uppercase(),
            phone: None,
        },
        default_shipping: address.is_default,
        default_billing: false,
    }
}

pub(super) fn address_request(
    draft: &PostalAddress,
    is_default: Option<bool>,
) -> wire::DeliveryAddressRequest {
    wire::DeliveryAddressRequest {
        full_name: join_name(&draft.first_name, &draft.last_name),
        company: draft.company.clone().filter(|c| !c.trim().is_empty()),
        street: Some(draft.line1.trim().to_owned()),
        house_number: None,
        city: Some(draft.city.trim().to_owned()),
        district: None,
        additional: draft.line2.clone().filter(|l| !l.trim().is_empty()),
        zip: Some(draft.postcode.trim().to_owned()),
        country_code: draft.country.trim().to_uppercase(),
        region_name: draft.region.clone().filter(|r| !r.trim().is_empty()),
        is_default,
    }
}
