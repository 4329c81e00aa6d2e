//! The e-shop's identity, customers (list and detail, with accounts) and delivery addresses.

use serde::{Deserialize, Serialize};

use super::Paginator;

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

/// `PATCH /api/customers/{guid}/accounts/{accountGuid}`'s answer: the account as saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAccountData {
    pub account: CustomerAccount,
}

/// The body of `PATCH …/accounts/{accountGuid}`: the login account's name, e-mail and phone
/// (`null` clears the name or the phone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerAccountRequest {
    pub full_name: Option<String>,
    pub email: String,
    pub phone: Option<String>,
}

/// The body of `PATCH /api/customers/{guid}` as shopterm sends it: the billing address's company,
/// company registration number and VAT id (`billingAddressCustomer`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerUpdateRequest {
    pub billing_address: BillingAddressUpdate,
}

/// Only the fields that change are sent (`None`); `Some(None)` sends `null`, which clears one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingAddressUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<Option<String>>,
}

impl BillingAddressUpdate {
    pub fn is_empty(&self) -> bool {
        self == &BillingAddressUpdate::default()
    }
}
