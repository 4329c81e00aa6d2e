//! Glue's catalogue, cart and checkout shapes (re-exported by `wire`): concrete products with
//! their prices and availabilities (`include=…`), carts and their items, `checkout-data`,
//! `checkout`, and `cart-reorder`. Named as the B2C demo shop's generated specification names
//! them (`ConcreteProductsRestAttributes`, `RestCartsAttributes`, …); `cart-reorder` is in
//! neither demo-shop specification and follows spryker/cart-reorder-rest-api's `@Glue`
//! annotation and its transfer (`RestCartReorderRequestAttributes`).

use super::{Links, Resource};
use serde::{Deserialize, Deserializer, Serialize};

/// A document with the resources `include` asked for (JSON:API's compound document).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Compound<A> {
    pub data: Resource<A>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub included: Vec<Resource<serde_json::Value>>,
    pub links: Option<Links>,
}

impl<A> Compound<A> {
    /// The included resources of one type, read as `T` (those that do not read are an error).
    pub fn included_of<T: serde::de::DeserializeOwned>(
        &self,
        kind: &str,
    ) -> Result<Vec<(Option<String>, T)>, serde_json::Error> {
        self.included
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| Ok((r.id.clone(), serde_json::from_value(r.attributes.clone())?)))
            .collect()
    }
}

/// `ConcreteProductsRestAttributes`, the parts shopterm reads. The product's own `attributes`
/// (brand, colour, …) are a free-form map in real answers though the specification types them
/// as an array; shopterm does not read them (a Glue SKU is unique without a brand).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConcreteProductAttributes {
    pub sku: Option<String>,
    pub name: Option<String>,
    pub is_discontinued: Option<bool>,
    pub discontinued_note: Option<String>,
    pub product_abstract_sku: Option<String>,
}

/// `RestProductPricesAttributes` (an included `concrete-product-prices`): `price` is the
/// default price in the minor unit; `prices` lists each price type with its currency.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductPricesAttributes {
    pub price: Option<i64>,
    #[serde(default)]
    pub prices: Vec<ProductPrice>,
}

/// `RestProductPriceAttributes`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductPrice {
    /// `DEFAULT` or `ORIGINAL` (the struck-through one).
    pub price_type_name: Option<String>,
    pub net_amount: Option<i64>,
    pub gross_amount: Option<i64>,
    pub currency: Option<PriceCurrency>,
}

/// `RestCurrency`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PriceCurrency {
    pub code: Option<String>,
    pub name: Option<String>,
    pub symbol: Option<String>,
}

/// `RestConcreteProductAvailabilityAttributes` (an included `concrete-product-availabilities`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConcreteProductAvailabilityAttributes {
    pub is_never_out_of_stock: Option<bool>,
    pub availability: Option<bool>,
    /// A number in the specification; newer Glue versions send a decimal string
    /// (`"10.0000000000"`). Both are read.
    #[serde(default, deserialize_with = "decimal_quantity")]
    pub quantity: Option<f64>,
}

fn decimal_quantity<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Quantity {
        Number(f64),
        Text(String),
    }
    Ok(match Option::<Quantity>::deserialize(deserializer)? {
        None => None,
        Some(Quantity::Number(n)) => Some(n),
        Some(Quantity::Text(text)) => {
            Some(text.trim().parse().map_err(|_| {
                serde::de::Error::custom(format!("quantity {text:?} is not a number"))
            })?)
        }
    })
}

/// `RestStoresAttributes`, the parts a cart needs (the store's id is the resource id, `DE`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreAttributes {
    pub default_currency: Option<String>,
    #[serde(default)]
    pub currencies: Vec<StoreCurrency>,
    pub time_zone: Option<String>,
}

/// `StoreCurrencyRestAttributes`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StoreCurrency {
    pub code: Option<String>,
    pub name: Option<String>,
}

/// `RestCartsRequestAttributes` (`POST /carts`). `name` is multi-cart's (B2B schema, newer B2C
/// shops); a single-cart shop ignores it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartsRequest {
    pub name: Option<String>,
    pub price_mode: String,
    pub currency: String,
    pub store: String,
}

/// `RestCartsAttributes` (with multi-cart's `name`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartsAttributes {
    pub name: Option<String>,
    pub price_mode: Option<String>,
    pub currency: Option<String>,
    pub store: Option<String>,
    #[serde(default)]
    pub totals: CartsTotals,
}

/// `RestCartsTotals`: minor units.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartsTotals {
    pub expense_total: Option<i64>,
    pub discount_total: Option<i64>,
    pub tax_total: Option<i64>,
    pub subtotal: Option<i64>,
    pub grand_total: Option<i64>,
    pub price_to_pay: Option<i64>,
}

/// `RestCartItemsRequestAttributes` (`POST /carts/{cartId}/items`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CartItemsRequest {
    pub sku: String,
    pub quantity: u32,
}

/// `RestItemsAttributes` (an included `items` resource of a cart), the parts shopterm reads.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemsAttributes {
    pub sku: Option<String>,
    pub quantity: Option<u32>,
    pub group_key: Option<String>,
    pub abstract_sku: Option<String>,
    pub calculations: Option<ItemCalculations>,
}

/// `RestCartItemCalculations`, the unit and line prices.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemCalculations {
    pub unit_price: Option<i64>,
    pub sum_price: Option<i64>,
    pub unit_gross_price: Option<i64>,
    pub sum_gross_price: Option<i64>,
}

/// `RestCheckoutRequestRequestAttributes`, the body of both `POST /checkout-data` (only
/// `idCart` required) and `POST /checkout`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutRequest {
    pub id_cart: String,
    pub customer: Option<CheckoutCustomer>,
    pub billing_address: Option<CheckoutAddress>,
    pub shipping_address: Option<CheckoutAddress>,
    pub payments: Option<Vec<CheckoutPayment>>,
    pub shipment: Option<CheckoutShipment>,
}

/// `RestCustomerTransfer`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutCustomer {
    pub email: Option<String>,
    pub salutation: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

/// `RestAddressTransfer`: `id` names an address of the customer's book; the other fields are
/// all required by the specification (empty strings where there is nothing).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutAddress {
    pub id: Option<String>,
    pub salutation: String,
    pub first_name: String,
    pub last_name: String,
    pub address1: String,
    pub address2: String,
    pub address3: String,
    pub zip_code: String,
    pub city: String,
    pub iso2_code: String,
    pub company: String,
    pub phone: String,
    pub is_default_billing: Option<bool>,
    pub is_default_shipping: Option<bool>,
}

/// `RestPaymentTransfer`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutPayment {
    pub payment_provider_name: String,
    pub payment_method_name: String,
    pub payment_selection: Option<String>,
}

/// `RestShipmentTransfer`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutShipment {
    pub id_shipment_method: i64,
}

/// `RestCheckoutDataResponseAttributes`: what the cart can be checked out with.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutDataAttributes {
    #[serde(default)]
    pub addresses: Vec<serde_json::Value>,
    #[serde(default)]
    pub payment_providers: Vec<PaymentProvider>,
    #[serde(default)]
    pub shipment_methods: Vec<ShipmentMethod>,
}

/// `RestPaymentProvider`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentProvider {
    pub payment_provider_name: Option<String>,
    #[serde(default)]
    pub payment_methods: Vec<PaymentMethod>,
}

/// `RestPaymentMethod`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentMethod {
    pub payment_method_name: Option<String>,
    pub payment_provider_name: Option<String>,
}

/// `RestShipmentMethod`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentMethod {
    pub id: Option<i64>,
    pub name: Option<String>,
    pub carrier_name: Option<String>,
    pub price: Option<i64>,
    pub currency_iso_code: Option<String>,
}

/// `RestCheckoutResponseAttributes`: the placed order's reference.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutAttributes {
    pub order_reference: Option<String>,
    pub redirect_url: Option<String>,
    pub is_external_redirect: Option<bool>,
}

/// `RestCartReorderRequestAttributes` (`POST /cart-reorder`): `replace` puts the order's items
/// into the customer's current cart, `new` into a new cart named "Reorder from Order …".
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartReorderRequest {
    pub order_reference: String,
    pub reorder_strategy: String,
}

/// The reorder strategy that leaves the customer's other carts alone (multi-cart's plugin).
pub const REORDER_STRATEGY_NEW: &str = "new";
/// The strategy that replaces the current cart's items (persistent-cart's plugin).
pub const REORDER_STRATEGY_REPLACE: &str = "replace";

/// Glue's catalogue, cart and checkout error codes that shopterm tells apart.
pub mod cart_codes {
    /// 404: no concrete product with this SKU (products-rest-api).
    pub const CONCRETE_PRODUCT_NOT_FOUND: &str = "302";
    /// 404: no cart with this id for the customer (carts-rest-api).
    pub const CART_NOT_FOUND: &str = "101";
    /// 422: an item refused by the cart's checks (availability, quantity rules).
    pub const ITEM_VALIDATION: &str = "102";
    /// 422: `POST /carts` in a shop without multi-cart when the customer has their one cart.
    pub const CUSTOMER_ALREADY_HAS_CART: &str = "110";
    /// 422: a cart could not be created (store, currency or price mode refused).
    pub const FAILED_CREATING_CART: &str = "107";
    /// 422: the item could not be added (unknown SKU, not sellable).
    pub const FAILED_ADDING_CART_ITEM: &str = "113";
    /// 422: checkout data that does not validate (address, shipment, payment).
    pub const CHECKOUT_DATA_INVALID: &str = "1101";
    /// 422: the order could not be placed.
    pub const ORDER_NOT_PLACED: &str = "1102";
    /// 422: the cart is not there (already checked out, or deleted).
    pub const CHECKOUT_CART_NOT_FOUND: &str = "1103";
    /// 422: the cart has no items.
    pub const CART_IS_EMPTY: &str = "1104";
    /// 422: `POST /cart-reorder` failed (detail: the shop's translated message).
    pub const CART_REORDER_FAILED: &str = "5800";
    /// 422: no such order for this customer.
    pub const REORDER_ORDER_NOT_FOUND: &str = "5801";
    /// 422: no cart strategy for the `reorderStrategy` sent.
    pub const REORDER_QUOTE_NOT_PROVIDED: &str = "5802";
}
