//! Shoptet's REST API (v1.0) shapes that shopterm uses, named exactly as Shoptet's OpenAPI
//! description names them. Every answer is an envelope of `data`, `errors[]` and `metadata`;
//! lists carry a `paginator`. Money travels as decimal strings ("242.00"), times as
//! `2017-12-12T22:08:01+0100` (no colon in the offset). Fields the spec marks "can be null" are
//! `Option`s; unknown fields are ignored, as Shoptet says new ones may appear at any time.

use serde::{Deserialize, Serialize};

/// The media type Shoptet wants on every request, GETs included; the version is the API's.
pub const CONTENT_TYPE: &str = "application/vnd.shoptet.v1.0";
/// What Shoptet answers with.
pub const RESPONSE_CONTENT_TYPE: &str = "application/vnd.shoptet.v1.0+json; charset=utf-8";
/// What a request with a JSON body is sent as: the same version with the JSON suffix, as
/// Shoptet's own write examples send it.
pub const JSON_CONTENT_TYPE: &str = "application/vnd.shoptet.v1.0+json";
/// The header of a private (Premium) API token.
pub const PRIVATE_TOKEN_HEADER: &str = "Shoptet-Private-API-Token";
/// The header of an add-on's temporary access token.
pub const ACCESS_TOKEN_HEADER: &str = "Shoptet-Access-Token";
/// How full the token's leaky bucket is after this request.
pub const BUCKET_FILLING_HEADER: &str = "X-RateLimit-Bucket-Filling";
/// `errorCode` of a validation failure; its `instance` names the field ("data.zip").
pub const INVALID_REQUEST_DATA: &str = "invalid-request-data";
/// Most orders a list page holds.
pub const MAX_ORDERS_PER_PAGE: u32 = 50;

/// Every answer: `data` (null on errors), `errors` (null when none), `metadata`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub data: Option<T>,
    #[serde(default)]
    pub errors: Option<Vec<ApiError>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

impl<T> Envelope<T> {
    /// A successful answer's envelope.
    pub fn ok(data: T) -> Envelope<T> {
        Envelope {
            data: Some(data),
            errors: None,
            metadata: None,
        }
    }
}

/// One entry of `errors[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    pub error_code: String,
    pub message: String,
    pub instance: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    pub request_id: String,
}

/// A request body: Shoptet wraps every write in `{"data": …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestBody<T> {
    pub data: T,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Paginator {
    pub total_count: u32,
    pub page: u32,
    pub page_count: u32,
    pub items_on_page: u32,
    pub items_per_page: u32,
}

/// `GET /api/eshop`: only the part shopterm shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EshopInfo {
    pub contact_information: ContactInformation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactInformation {
    pub eshop_id: u64,
    pub eshop_name: Option<String>,
    pub url: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// `GET /api/customers`: the list has no e-mail; a customer's detail has it in `accounts[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerList {
    pub customers: Vec<CustomerListItem>,
    pub paginator: Paginator,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerListItem {
    pub guid: String,
    pub creation_time: Option<String>,
    pub change_time: Option<String>,
    pub bill_company: Option<String>,
    pub bill_full_name: Option<String>,
    pub admin_url: String,
}

/// `GET /api/customers/{guid}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerData {
    pub customer: Customer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    pub guid: String,
    pub creation_time: Option<String>,
    pub change_time: Option<String>,
    pub billing_address: Option<BillingAddress>,
    /// The spec's name is singular, though it holds every delivery address.
    #[serde(default)]
    pub delivery_address: Vec<DeliveryAddress>,
    #[serde(default)]
    pub remark: Option<String>,
    #[serde(default)]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub disabled_orders: bool,
    #[serde(default)]
    pub accounts: Vec<CustomerAccount>,
    pub admin_url: String,
}

impl Customer {
    /// The login account that stands for the customer: the main one, else the first.
    pub fn main_account(&self) -> Option<&CustomerAccount> {
        self.accounts
            .iter()
            .find(|account| account.main_account)
            .or_else(|| self.accounts.first())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerAccount {
    pub guid: String,
    pub full_name: Option<String>,
    pub email: String,
    pub phone: Option<String>,
    pub main_account: bool,
    pub authorized: bool,
    pub email_verified: bool,
}

/// `billingAddress` of a customer or an order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingAddress {
    pub company: Option<String>,
    pub full_name: Option<String>,
    pub street: Option<String>,
    pub house_number: Option<String>,
    pub city: Option<String>,
    pub district: Option<String>,
    pub additional: Option<String>,
    pub zip: Option<String>,
    pub country_code: Option<String>,
    pub region_name: Option<String>,
    pub region_shortcut: Option<String>,
    #[serde(default)]
    pub company_id: Option<String>,
    #[serde(default)]
    pub vat_id: Option<String>,
    #[serde(default)]
    pub tax_id: Option<String>,
}

/// `deliveryAddressCustomer`: one of a customer's delivery addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAddress {
    pub guid: String,
    pub company: Option<String>,
    pub full_name: Option<String>,
    pub street: Option<String>,
    pub house_number: Option<String>,
    pub city: Option<String>,
    pub district: Option<String>,
    pub additional: Option<String>,
    pub zip: Option<String>,
    pub country_code: Option<String>,
    pub region_name: Option<String>,
    pub region_shortcut: Option<String>,
    #[serde(default)]
    pub is_default: bool,
}

/// `GET /api/customers/{guid}/delivery-addresses`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAddressList {
    pub delivery_addresses: Vec<DeliveryAddress>,
    pub paginator: Paginator,
}

/// One delivery address created, read or updated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAddressData {
    pub delivery_address: DeliveryAddress,
}

/// The body of `POST`/`PATCH …/delivery-addresses`; `countryCode` is the one required field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAddressRequest {
    pub full_name: Option<String>,
    pub company: Option<String>,
    pub street: Option<String>,
    pub house_number: Option<String>,
    pub city: Option<String>,
    pub district: Option<String>,
    pub additional: Option<String>,
    pub zip: Option<String>,
    pub country_code: String,
    pub region_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
}

/// `{id, name}` of an order status or source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdName {
    pub id: i64,
    pub name: String,
}

/// `{guid, name}` of a shipping or payment method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuidName {
    pub guid: Option<String>,
    pub name: Option<String>,
}

/// An order's `price`: decimal strings in `currencyCode`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderPrice {
    pub vat: Option<String>,
    pub to_pay: Option<String>,
    pub currency_code: String,
    pub with_vat: Option<String>,
    pub without_vat: Option<String>,
    #[serde(default)]
    pub exchange_rate: Option<String>,
}

/// `GET /api/orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderList {
    pub orders: Vec<OrderListItem>,
    pub paginator: Paginator,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderListItem {
    pub code: String,
    pub guid: String,
    pub creation_time: String,
    pub change_time: Option<String>,
    pub full_name: Option<String>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub status: IdName,
    #[serde(default)]
    pub shipping: Option<GuidName>,
    #[serde(default)]
    pub payment_method: Option<GuidName>,
    pub customer_guid: Option<String>,
    pub price: OrderPrice,
    #[serde(default)]
    pub paid: Option<bool>,
    pub admin_url: String,
}

/// `GET /api/orders/{code}` (and what `POST /api/orders` and `…/copy` answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderData {
    pub order: Order,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub code: String,
    pub guid: String,
    pub creation_time: String,
    pub change_time: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub customer_guid: Option<String>,
    pub billing_address: Option<BillingAddress>,
    pub delivery_address: Option<BillingAddress>,
    pub status: IdName,
    pub price: OrderPrice,
    #[serde(default)]
    pub paid: Option<bool>,
    #[serde(default)]
    pub shipping: Option<GuidName>,
    #[serde(default)]
    pub payment_method: Option<GuidName>,
    #[serde(default)]
    pub items: Vec<OrderItem>,
    /// Only with `include=notes`.
    #[serde(default)]
    pub notes: Option<OrderNotes>,
    /// Only with `include=shippingDetails`.
    #[serde(default)]
    pub shipping_details: Option<ShippingDetails>,
    pub admin_url: String,
}

/// An order's `items[]`: products, and also the shipping and payment lines (`itemType`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderItem {
    #[serde(default)]
    pub product_guid: Option<String>,
    pub code: Option<String>,
    pub item_type: String,
    pub name: Option<String>,
    #[serde(default)]
    pub variant_name: Option<String>,
    #[serde(default)]
    pub brand: Option<String>,
    /// Quantity, a decimal string ("1.000").
    pub amount: Option<String>,
    /// The line's price (older answers give only this one).
    pub item_price: ItemPrice,
    /// One piece's price.
    #[serde(default)]
    pub unit_price: Option<ItemPrice>,
    pub item_id: u64,
}

impl OrderItem {
    /// Lines that are goods, as opposed to shipping, payment, discounts.
    pub fn is_goods(&self) -> bool {
        matches!(self.item_type.as_str(), "product" | "bazar" | "service")
    }
}

/// A price with and without VAT, decimal strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemPrice {
    pub with_vat: String,
    pub without_vat: String,
    pub vat: String,
    pub vat_rate: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderNotes {
    pub customer_remark: Option<String>,
    pub eshop_remark: Option<String>,
    pub tracking_number: Option<String>,
    pub tracking_url: Option<String>,
}

/// A pickup point chosen for the order (`include=shippingDetails`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingDetails {
    #[serde(default)]
    pub branch_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub street: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub zip_code: Option<String>,
    #[serde(default)]
    pub country_code: Option<String>,
    #[serde(default)]
    pub shipping_company_code: Option<String>,
    #[serde(default)]
    pub shipping_service_code: Option<String>,
}

/// `GET /api/shipments?orderCode=`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShipmentList {
    pub items: Vec<ShipmentItem>,
    pub paginator: Paginator,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentItem {
    pub guid: String,
    pub order_code: Option<String>,
    /// From the "Shipment statuses" code list (`requested`, `in_transit`, `delivered`, …).
    pub status: String,
    /// `standard`, or `return` for a return label.
    pub shipment_type: String,
    #[serde(default)]
    pub service_code: Option<String>,
    #[serde(default)]
    pub packages: Vec<ShipmentPackage>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentPackage {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub weight: Option<f64>,
    #[serde(default)]
    pub tracking_number: Option<String>,
    #[serde(default)]
    pub tracking_url: Option<String>,
}

/// `GET /api/products/code/{code}`: `data` is the product itself, its variants hold the codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub guid: String,
    pub name: String,
    #[serde(default)]
    pub brand: Option<Brand>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub variants: Vec<ProductVariant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    pub code: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductVariant {
    pub code: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Pieces in stock, a decimal string; null where stock is not tracked.
    #[serde(default)]
    pub stock: Option<String>,
    #[serde(default)]
    pub visible: Option<bool>,
    pub price: Option<String>,
    #[serde(default)]
    pub including_vat: Option<bool>,
    #[serde(default)]
    pub vat_rate: Option<String>,
    pub currency_code: Option<String>,
}

/// The body of `POST /api/orders/{code}/copy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCopyRequest {
    /// `all`, `no-billing-shipping` or `contact-only`.
    pub scope: String,
}

/// The body of `POST /api/orders`: the import endpoint prices nothing itself, so every item
/// carries the price shopterm looked up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewOrderRequest {
    /// The order's id in the sending system; Shoptet requires it and refuses a repeat.
    pub external_code: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_guid: Option<String>,
    pub billing_address: NewOrderAddress,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_address: Option<NewOrderAddress>,
    pub currency: NewOrderCurrency,
    pub items: Vec<NewOrderItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewOrderAddress {
    pub full_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    pub street: String,
    pub city: String,
    pub zip: String,
    pub country_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrderCurrency {
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewOrderItem {
    pub item_type: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    pub amount: String,
    pub vat_rate: String,
    /// One piece's price, VAT included (Shoptet's `itemPriceWithVat` is its deprecated name).
    pub unit_price_with_vat: String,
}

/// Parses Shoptet's `2017-12-12T22:08:01+0100`.
pub fn parse_time(text: &str) -> Option<time::OffsetDateTime> {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory][offset_minute]"
    );
    time::OffsetDateTime::parse(text, format).ok()
}

/// Writes a time the way Shoptet does.
pub fn format_time(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory][offset_minute]"
    );
    at.format(format).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    //! Golden tests: every saved answer of the Postman collection and every example of the spec
    //! for the operations shopterm uses, and the JSON examples of Shoptet's documentation.
    use super::*;

    fn envelope<T: serde::de::DeserializeOwned>(json: &str) -> Envelope<T> {
        match serde_json::from_str(json) {
            Ok(envelope) => envelope,
            Err(error) => panic!("does not parse: {error}\n{json}"),
        }
    }

    fn data<T: serde::de::DeserializeOwned>(json: &str) -> T {
        match envelope::<T>(json).data {
            Some(data) => data,
            None => panic!("no data in {json}"),
        }
    }

    /// Every Postman sample answer also carries the spec's placeholder error.
    fn assert_example_error<T>(envelope: &Envelope<T>) {
        let errors = envelope.errors.as_deref().unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].error_code, "example-error-code");
    }

    #[test]
    fn eshop_info_names_the_shop() {
        let json = include_str!("testdata/postman_eshop_200.json");
        let info: EshopInfo = data(json);
        assert_eq!(info.contact_information.eshop_id, 9993);
        assert_eq!(
            info.contact_information.eshop_name.as_deref(),
            Some("Shoptet")
        );
        assert_eq!(
            info.contact_information.url.as_deref(),
            Some("http://www.domena-eshopu.cz")
        );
    }

    #[test]
    fn customer_list_has_names_and_a_paginator_but_no_email() {
        let json = include_str!("testdata/postman_customers_list_200.json");
        let list: Envelope<CustomerList> = envelope(json);
        assert_example_error(&list);
        let list = list.data.expect("data");
        assert_eq!(list.customers.len(), 1);
        let customer = &list.customers[0];
        assert_eq!(customer.guid, "c9e976a5-340b-11e4-b500-ac162d8a2454");
        assert_eq!(customer.bill_full_name.as_deref(), Some("George Manak"));
        assert_eq!(customer.bill_company.as_deref(), Some("Manak's Delicacies"));
        assert_eq!(
            list.paginator,
            Paginator {
                total_count: 55,
                page: 1,
                page_count: 3,
                items_on_page: 20,
                items_per_page: 20
            }
        );
    }

    #[test]
    fn customer_detail_has_accounts_and_delivery_addresses() {
        let json = include_str!("testdata/postman_customer_detail_200.json");
        let customer = data::<CustomerData>(json).customer;
        assert_eq!(customer.guid, "c9e976a5-340b-11e4-b500-ac162d8a2454");
        let billing = customer.billing_address.as_ref().expect("billing");
        assert_eq!(billing.full_name.as_deref(), Some("John Doe"));
        assert_eq!(billing.zip.as_deref(), Some("120 00"));
        assert_eq!(billing.vat_id.as_deref(), Some("CZ289324675"));
        assert_eq!(customer.delivery_address.len(), 1);
        assert_eq!(
            customer.delivery_address[0].city.as_deref(),
            Some("Čelákovice")
        );
        assert!(customer.delivery_address[0].is_default);
        assert_eq!(
            customer.delivery_address[0].country_code.as_deref(),
            Some("")
        );
        let account = customer.main_account().expect("an account");
        assert_eq!(account.email, "jan.novak@gmail.com");
        assert_eq!(account.phone.as_deref(), Some("+420777888999"));
        assert!(!account.main_account && account.email_verified);
        assert_eq!(
            parse_time(customer.creation_time.as_deref().unwrap_or_default())
                .map(|t| t.unix_timestamp()),
            Some(1_491_312_122)
        );
    }

    #[test]
    fn delivery_address_list_and_single_answers() {
        let list: DeliveryAddressList =
            data(include_str!("testdata/postman_delivery_addresses_200.json"));
        assert_eq!(list.delivery_addresses.len(), 1);
        assert_eq!(
            list.delivery_addresses[0].street.as_deref(),
            Some("Lard street")
        );
        assert_eq!(
            list.delivery_addresses[0].house_number.as_deref(),
            Some("5647")
        );
        for json in [
            include_str!("testdata/postman_delivery_address_created_201.json"),
            include_str!("testdata/postman_delivery_address_updated_200.json"),
        ] {
            let one: DeliveryAddressData = data(json);
            assert_eq!(
                one.delivery_address.guid,
                "c9e976a5-340b-11e4-b500-ac162d8a2454"
            );
            assert_eq!(one.delivery_address.region_shortcut.as_deref(), Some("StK"));
        }
        let deleted: Envelope<serde_json::Value> = envelope(include_str!(
            "testdata/postman_delivery_address_deleted_200.json"
        ));
        assert_eq!(deleted.data, None);
        assert_eq!(deleted.errors, None);
    }

    #[test]
    fn order_list_rows() {
        let list: OrderList = data(include_str!("testdata/postman_orders_list_200.json"));
        let order = &list.orders[0];
        assert_eq!(order.code, "2017000092");
        assert_eq!(
            order.status,
            IdName {
                id: 3,
                name: "Processing".into()
            }
        );
        assert_eq!(order.price.to_pay.as_deref(), Some("242.00"));
        assert_eq!(order.price.currency_code, "CZK");
        assert_eq!(order.customer_guid.as_deref(), Some("klient123"));
        assert_eq!(order.paid, Some(true));
        assert_eq!(list.paginator.total_count, 55);
    }

    #[test]
    fn order_detail_with_notes_and_shipping_details() {
        for json in [
            include_str!("testdata/postman_order_detail_200.json"),
            include_str!("testdata/postman_order_created_201.json"),
        ] {
            let order = data::<OrderData>(json).order;
            assert_eq!(order.code, "2017000092");
            assert_eq!(
                order.customer_guid.as_deref(),
                Some("747fb32d-73bc-11e8-8216-002590dad85e")
            );
            assert_eq!(order.items.len(), 1);
            let item = &order.items[0];
            assert!(item.is_goods());
            assert_eq!(item.code.as_deref(), Some("40/ZEL"));
            assert_eq!(item.amount.as_deref(), Some("1.000"));
            assert_eq!(item.item_price.with_vat, "121.00");
            let notes = order.notes.expect("notes");
            assert_eq!(notes.tracking_number.as_deref(), Some("DR123456"));
            let details = order.shipping_details.expect("shippingDetails");
            assert_eq!(details.shipping_company_code.as_deref(), Some("zasilkovna"));
            assert_eq!(
                order.delivery_address.and_then(|a| a.street),
                Some("French".to_owned())
            );
            assert_eq!(
                parse_time(&order.creation_time).map(|t| t.year()),
                Some(2017)
            );
        }
    }

    #[test]
    fn product_by_code_has_variants_with_prices() {
        let product: Product = data(include_str!("testdata/postman_product_by_code_200.json"));
        assert_eq!(product.name, "Pelle 1978");
        assert_eq!(product.brand.map(|b| b.name).as_deref(), Some("Pelle"));
        let variant = &product.variants[0];
        assert_eq!(variant.code, "0035");
        assert_eq!(variant.price.as_deref(), Some("850.00"));
        assert_eq!(variant.stock.as_deref(), Some("1.000"));
        assert_eq!(variant.currency_code.as_deref(), Some("CZK"));
    }

    #[test]
    fn shipments_from_the_spec_field_examples() {
        // Neither the collection nor the spec has a whole example of this answer: this one is
        // built from the examples of the spec's fields for `getListOfShipments`.
        let json = r#"{"data":{"items":[{"guid":"1e3f3f32-3f3f-6766-3f3f-02423f1f0004",
            "orderCode":"2024000008","status":"requested","shipmentType":"standard",
            "serviceCode":"logistics-ppl-parcel-cz-private-home-delivery",
            "packages":[{"width":30,"height":20,"depth":10,"weight":1,"name":"Custom packaging",
            "packagingId":468,"labelUrl":"https://www.example.org/label","labelZpl":null,
            "trackingNumber":"NR0001462551Y",
            "trackingUrl":"https://www.balikovna.cz/cs/sledovat-balik/-/balik/NR0001462551Y"}],
            "note":"This is a note"}],
            "paginator":{"totalCount":1,"page":1,"pageCount":1,"itemsOnPage":1,"itemsPerPage":20}},
            "errors":null}"#;
        let list: ShipmentList = data(json);
        let shipment = &list.items[0];
        assert_eq!(shipment.order_code.as_deref(), Some("2024000008"));
        assert_eq!(shipment.shipment_type, "standard");
        assert_eq!(
            shipment.packages[0].tracking_number.as_deref(),
            Some("NR0001462551Y")
        );
        assert!(
            shipment.packages[0]
                .tracking_url
                .as_deref()
                .is_some_and(|url| url.ends_with("NR0001462551Y"))
        );
    }

    #[test]
    fn every_error_example_parses_to_codes_and_instances() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            (
                include_str!("testdata/postman_customer_detail_404.json"),
                &[("customer-not-found", "157e7215-9035-11e4-a769-ac162d8a2454")],
            ),
            (
                include_str!("testdata/postman_order_pdf_404.json"),
                &[("order-not-found", "2018000004")],
            ),
            (
                include_str!("testdata/postman_order_pdf_500.json"),
                &[("document-not-generated", "2018000004")],
            ),
            (
                include_str!("testdata/spec_customer_detail_404.json"),
                &[("customer-not-found", "157e7215-9035-11e4-a769-ac162d8a2454")],
            ),
            (
                include_str!("testdata/spec_delivery_address_create_422.json"),
                &[("customer-address-limit-exceeded", "payload")],
            ),
            (
                include_str!("testdata/spec_invoice_pdf_404.json"),
                &[("invoice-not-found", "2018000004")],
            ),
            (
                include_str!("testdata/spec_invoice_pdf_500.json"),
                &[("document-not-generated", "2018000004")],
            ),
            (
                include_str!("testdata/spec_order_copy_404.json"),
                &[("order-not-found", "2018000012")],
            ),
            (
                include_str!("testdata/spec_order_copy_500.json"),
                &[("unknown-error", "payload")],
            ),
            (
                include_str!("testdata/spec_order_create_403.json"),
                &[("missing-module", "consumptionTax")],
            ),
            (
                include_str!("testdata/spec_order_create_422.json"),
                &[
                    ("invalid-request-data", "payload"),
                    ("invalid-request-data", "payload"),
                ],
            ),
            (
                include_str!("testdata/spec_order_pdf_404.json"),
                &[("order-not-found", "2018000004")],
            ),
            (
                include_str!("testdata/spec_order_pdf_500.json"),
                &[("document-not-generated", "2018000004")],
            ),
            (
                include_str!("testdata/spec_orders_list_400.json"),
                &[
                    ("invalid-parameter", "orderCodes"),
                    ("missing-parameter", "orderCodes"),
                ],
            ),
            (
                include_str!("testdata/spec_product_by_code_403.json"),
                &[("missing-module", "consumptionTax")],
            ),
        ];
        for (json, expected) in cases {
            let parsed: Envelope<serde_json::Value> = envelope(json);
            assert_eq!(parsed.data, None);
            let got: Vec<(&str, &str)> = parsed
                .errors
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(|e| (e.error_code.as_str(), e.instance.as_str()))
                .collect();
            assert_eq!(&got, expected, "{json}");
        }
        let spec_example: Envelope<serde_json::Value> =
            envelope(include_str!("testdata/spec_order_copy_404.json"));
        assert_eq!(
            spec_example.metadata.map(|m| m.request_id).as_deref(),
            Some("019c8c34-64f3-7328-af43-bf1e34fa39d7")
        );
    }

    #[test]
    fn the_documentation_error_examples_parse_once_its_quoted_null_is_fixed() {
        // shoptet-api.txt writes `"data": 'null'`, which is not JSON; the API sends `null`.
        let examples = [
            (
                r#"{"data": 'null', "errors": [{"errorCode": "expired-token", "message": "Token is expired. Please ask for new one.", "instance": "unknown"}]}"#,
                "expired-token",
                "unknown",
            ),
            (
                r#"{"data": 'null', "errors": [{"errorCode": "invalid-token-no-rights", "message": "Your access token \"afd..123\" has no defined rights for this resource.", "instance": "access-token"}]}"#,
                "invalid-token-no-rights",
                "access-token",
            ),
            (
                r#"{"data": 'null', "errors": [{"errorCode": "missing-access-token", "message": "Missing access token. Please add `Shoptet-Access-Token` header to your request.", "instance": "unknown"}]}"#,
                "missing-access-token",
                "unknown",
            ),
        ];
        for (text, code, instance) in examples {
            assert!(serde_json::from_str::<Envelope<serde_json::Value>>(text).is_err());
            let parsed: Envelope<serde_json::Value> = envelope(&text.replace("'null'", "null"));
            let error = &parsed.errors.as_deref().unwrap_or_default()[0];
            assert_eq!(
                (error.error_code.as_str(), error.instance.as_str()),
                (code, instance)
            );
        }
    }

    #[test]
    fn times_round_trip_in_shoptets_format() {
        let at = parse_time("2017-12-12T22:08:01+0100").expect("parses");
        assert_eq!(format_time(at), "2017-12-12T22:08:01+0100");
        assert_eq!(parse_time("2017-12-12T22:08:01+01:00"), None);
    }
}
