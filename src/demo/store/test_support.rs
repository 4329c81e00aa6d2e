//! Fixtures shared by the store's unit tests: the seeded store, demo customers, requests.

use super::customers::normalize_email;
use super::{CustomerKey, Store};
use crate::model::*;
use crate::shop::ShopError;
use std::sync::OnceLock;

pub(super) const BUYER: usize = 0;
pub(super) const HANAKO: usize = 1;
pub(super) const NEWCOMER: usize = 2;

/// One seeded store for the tests that only read.
pub(super) fn shared() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(|| Store::open(None).expect("open"))
}

pub(super) fn fresh() -> Store {
    Store::open(None).expect("open")
}

/// The key of a demo customer, looked up without argon2 to keep tests quick.
pub(super) fn key(store: &Store, login: usize) -> CustomerKey {
    let email = normalize_email(&Store::demo_logins()[login].email);
    store
        .conn()
        .query_row(
            "SELECT id FROM customers WHERE email_norm = ?1",
            [email],
            |row| row.get(0),
        )
        .expect("demo customer")
}

/// Who signs in with this e-mail and password; `None` when the store refuses them.
pub(super) fn signs_in(store: &Store, email: &str, password: &str) -> Option<CustomerKey> {
    store
        .verify_password(email, password)
        .expect("the store reads")
}

pub(super) fn count(store: &Store, sql: &str, customer: CustomerKey) -> u64 {
    store
        .conn()
        .query_row(sql, [customer], |row| row.get::<_, i64>(0))
        .expect("count") as u64
}

pub(super) fn field_names(error: &ShopError) -> Vec<String> {
    match error {
        ShopError::Validation { fields, .. } => fields.iter().map(|f| f.field.clone()).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

pub(super) fn page(limit: u32, filter: OrderFilter) -> PageRequest {
    PageRequest {
        offset: 0,
        limit,
        filter,
    }
}

pub(super) fn all_orders(
    store: &Store,
    customer: CustomerKey,
    filter: OrderFilter,
) -> Vec<OrderSummary> {
    let mut request = page(200, filter);
    let mut seen = Vec::new();
    loop {
        let got = store.orders(customer, &request).expect("page");
        assert_eq!(got.offset, request.offset);
        seen.extend(got.items.iter().cloned());
        if !got.has_more {
            assert_eq!(got.total, Some(seen.len() as u64));
            return seen;
        }
        request = request.next(got.items.len());
    }
}

pub(super) fn product(store: &Store, customer: CustomerKey, code: &str, brand: &str) -> Product {
    let query = ProductQuery {
        codes: vec![ProductCode::from(code)],
        brand: Some(brand.to_owned()),
    };
    let mut found = store.products(customer, &query).expect("lookup");
    assert_eq!(found.len(), 1, "{brand} {code}");
    found.remove(0)
}

pub(super) fn in_stock(product: &Product) -> u32 {
    match product.availability {
        Availability::InStock { quantity: Some(q) } => q,
        other => panic!("{} not in stock: {other:?}", product.code),
    }
}

pub(super) fn new_order(key: &str, lines: Vec<NewOrderLine>) -> NewOrder {
    NewOrder {
        idempotency_key: key.to_owned(),
        lines,
        shipping_address: None,
        billing_address: None,
        note: None,
    }
}

pub(super) fn line(code: &str, brand: Option<&str>, quantity: u32) -> NewOrderLine {
    NewOrderLine {
        code: ProductCode::from(code),
        brand: brand.map(str::to_owned),
        quantity,
    }
}

pub(super) fn address(country: &str) -> PostalAddress {
    PostalAddress {
        first_name: "Greta".into(),
        last_name: "Lind".into(),
        company: None,
        line1: "Storgatan 1".into(),
        line2: None,
        city: "Malmö".into(),
        postcode: "211 34".into(),
        region: None,
        country: country.into(),
        phone: None,
    }
}
