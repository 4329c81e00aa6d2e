//! Who the token works for: the token's header, the chosen customer (by e-mail or GUID) and
//! the shop's own identity.

use super::addresses::non_empty;
use super::{ShoptetShop, api::seg, no_customer_chosen, wire};
use crate::shop::{ShopError, ShopResult};

/// Which header the token travels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A Premium shop's private API token (`Shoptet-Private-API-Token`).
    Private,
    /// An add-on's temporary access token (`Shoptet-Access-Token`).
    Access,
}

impl TokenKind {
    pub(super) fn header(self) -> &'static str {
        match self {
            TokenKind::Private => wire::PRIVATE_TOKEN_HEADER,
            TokenKind::Access => wire::ACCESS_TOKEN_HEADER,
        }
    }
}

/// The customer a staff member works for: by e-mail, or by Shoptet's customer GUID; or the
/// guest orders placed with an e-mail that has no customer account (read-only: there is no
/// account to change, nor anyone to order for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerRef {
    Email(String),
    Guid(String),
    /// A phone number, as the shop's customer search takes it; it must find one customer.
    Phone(String),
    Guest(String),
}

/// How a guest's key (see [`CustomerRef::key`]) starts; no Shoptet GUID does.
const GUEST_KEY_PREFIX: &str = "guest:";

impl CustomerRef {
    /// `EMAIL|GUID|PHONE` as the command line takes it (or a guest's key, `guest:<e-mail>`, as
    /// `shopterm customers` lists it): anything with an `@` is an e-mail, a
    /// GUID has a GUID's shape (some are all digits), and digits with the usual separators
    /// (`+420 777 123 456`, `(0)30-1234567`) are a phone number; anything else is taken as a GUID
    /// for the shop to judge.
    pub fn parse(text: &str) -> Result<CustomerRef, ShopError> {
        let text = text.trim();
        if text.is_empty() {
            Err(ShopError::field(
                "customer",
                "give an e-mail, a customer GUID or a phone number",
            ))
        } else if let Some(email) = text.strip_prefix(GUEST_KEY_PREFIX) {
            Ok(CustomerRef::Guest(email.trim().to_owned()))
        } else if text.contains('@') {
            Ok(CustomerRef::Email(text.to_owned()))
        } else if !is_guid(text) && is_phone(text) {
            Ok(CustomerRef::Phone(text.to_owned()))
        } else {
            Ok(CustomerRef::Guid(text.to_owned()))
        }
    }
}

/// `8-4-4-4-12` hexadecimal digits, as Shoptet's customer GUIDs are.
fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.chars().all(|c| c.is_ascii_hexdigit()))
}

/// At least six digits, and nothing but digits and the separators people write numbers with.
fn is_phone(text: &str) -> bool {
    text.chars().filter(char::is_ascii_digit).count() >= 6
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()./".contains(c))
}

impl CustomerRef {
    /// One string that names the choice, as a search match carries it: the GUID, or
    /// `guest:<e-mail>` for guest orders. [`CustomerRef::of_key`] reads it back.
    pub fn key(&self) -> String {
        match self {
            CustomerRef::Email(text) | CustomerRef::Guid(text) | CustomerRef::Phone(text) => {
                text.clone()
            }
            CustomerRef::Guest(email) => format!("{GUEST_KEY_PREFIX}{email}"),
        }
    }

    pub fn of_key(key: &str) -> CustomerRef {
        match key.strip_prefix(GUEST_KEY_PREFIX) {
            Some(email) => CustomerRef::Guest(email.to_owned()),
            None => CustomerRef::Guid(key.to_owned()),
        }
    }

    pub fn is_guest(&self) -> bool {
        matches!(self, CustomerRef::Guest(_))
    }
}

impl std::fmt::Display for CustomerRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CustomerRef::Email(text) | CustomerRef::Guid(text) | CustomerRef::Phone(text) => {
                f.write_str(text)
            }
            CustomerRef::Guest(email) => write!(f, "guest {email}"),
        }
    }
}

/// Matches listed at most when a choice is ambiguous.
const AMBIGUOUS_LISTED: usize = 10;

/// The GUID of the one customer a search by `what` (`the e-mail`, `the phone number`) found;
/// none is "not found", several a conflict listing them (name, company, GUID; shop text cleaned)
/// so that the staff member can choose one by GUID.
fn only_match(found: &[wire::CustomerListItem], what: &str, text: &str) -> ShopResult<String> {
    let text = crate::sanitize::clean(text);
    match found {
        [one] => Ok(one.guid.clone()),
        [] => Err(ShopError::NotFound(format!(
            "no customer with {what} {text}"
        ))),
        _ => {
            let listed: Vec<String> = found
                .iter()
                .take(AMBIGUOUS_LISTED)
                .map(|item| {
                    let clean = super::super::desk::clean_text;
                    let name = [clean(&item.bill_full_name), clean(&item.bill_company)]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", ");
                    let guid = crate::sanitize::clean(&item.guid);
                    if name.is_empty() {
                        guid
                    } else {
                        format!("{name} ({guid})")
                    }
                })
                .collect();
            let more = found.len().saturating_sub(AMBIGUOUS_LISTED);
            let more = if more > 0 {
                format!("; and {more} more")
            } else {
                String::new()
            };
            Err(ShopError::Conflict(format!(
                "{} customers have {what} {text}: {}{more}; choose one with --customer GUID",
                found.len(),
                listed.join("; ")
            )))
        }
    }
}

/// What a guest (orders without a customer account) cannot have.
pub(super) fn guest_has_no_account() -> ShopError {
    ShopError::Forbidden(
        "these are guest orders (no customer account): they can be read, but there is no \
         account, address book or repeat order for a guest"
            .to_owned(),
    )
}

impl ShoptetShop {
    /// `GET /api/eshop`: whose token this is.
    pub async fn eshop(&self) -> ShopResult<wire::EshopInfo> {
        self.api.get("api/eshop", &[]).await
    }

    /// `GET /api/customers?email=` or `?phone=`: the customers that match (GUIDs and names).
    pub async fn search_customers(
        &self,
        email: Option<&str>,
        phone: Option<&str>,
    ) -> ShopResult<Vec<wire::CustomerListItem>> {
        let mut query = Vec::new();
        if let Some(email) = email {
            query.push(("email", email.to_owned()));
        }
        if let Some(phone) = phone {
            query.push(("phone", phone.to_owned()));
        }
        let list: wire::CustomerList = self.api.get("api/customers", &query).await?;
        Ok(list.customers)
    }

    /// The chosen customer's detail: read once, then as this connector's own changes left it.
    pub async fn customer(&self) -> ShopResult<std::sync::Arc<wire::Customer>> {
        if let Some(known) = self.known_detail() {
            return Ok(known);
        }
        let guid = self
            .resolved
            .get_or_try_init(|| async {
                match &self.customer {
                    None => Err(no_customer_chosen()),
                    Some(CustomerRef::Guest(_)) => Err(guest_has_no_account()),
                    Some(CustomerRef::Guid(guid)) => Ok(guid.clone()),
                    Some(CustomerRef::Email(email)) => {
                        let found = self.search_customers(Some(email), None).await?;
                        only_match(&found, "the e-mail", email)
                    }
                    Some(CustomerRef::Phone(phone)) => {
                        let found = self.search_customers(None, Some(phone)).await?;
                        only_match(&found, "the phone number", phone)
                    }
                }
            })
            .await?;
        let data: wire::CustomerData = self
            .api
            .get(&format!("api/customers/{}", seg(guid)), &[])
            .await?;
        Ok(self.keep_detail(data.customer))
    }

    fn known_detail(&self) -> Option<std::sync::Arc<wire::Customer>> {
        self.detail
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn keep_detail(&self, customer: wire::Customer) -> std::sync::Arc<wire::Customer> {
        let customer = std::sync::Arc::new(customer);
        *self.detail.lock().unwrap_or_else(|e| e.into_inner()) = Some(customer.clone());
        customer
    }

    /// `GET /api/orders?email=`, first page: the orders placed with `email` as a guest (no
    /// `customerGuid`); a registered customer's orders with that e-mail are left out.
    pub async fn guest_orders(
        &self,
        email: &str,
        page: u32,
        per_page: u32,
    ) -> ShopResult<(Vec<wire::OrderListItem>, wire::Paginator, bool)> {
        let query = [
            ("email", email.to_owned()),
            ("page", page.to_string()),
            ("itemsPerPage", per_page.to_string()),
        ];
        let list: wire::OrderList = self.api.get("api/orders", &query).await?;
        let all = list.orders.len();
        let guests: Vec<_> = list
            .orders
            .into_iter()
            .filter(|order| order.customer_guid.is_none())
            .collect();
        let only_guests = guests.len() == all;
        Ok((guests, list.paginator, only_guests))
    }

    /// The e-mail of the guest orders in use, if that is what was chosen.
    pub(super) fn guest_email(&self) -> Option<&str> {
        match &self.customer {
            Some(CustomerRef::Guest(email)) => Some(email),
            _ => None,
        }
    }

    /// `PATCH /api/customers/{guid}/accounts/{accountGuid}` of the main login account: name,
    /// e-mail and phone. What changed of the billing address's company, company registration
    /// number and VAT id goes first (`PATCH /api/customers/{guid}` with those fields of
    /// `billingAddress` alone, `null` clearing one), so that a refused one changes nothing.
    /// Answers the account as the shop now has it (read afresh, and kept: a second change
    /// compares with it).
    pub(super) async fn update_login_account(
        &self,
        draft: &crate::model::AccountDraft,
    ) -> ShopResult<crate::model::Account> {
        let customer = self.customer().await?;
        let account = customer
            .main_account()
            .ok_or_else(|| ShopError::field("email", "the customer has no login account"))?;
        let fields = crate::model::validate::account(draft);
        if !fields.is_empty() {
            return Err(ShopError::Validation {
                message: "check the highlighted fields".into(),
                fields,
            });
        }
        let billing = customer.billing_address.clone().unwrap_or_default();
        let changed = |now: &Option<String>, wanted: &Option<String>| {
            let (now, wanted) = (non_empty(now), non_empty(wanted));
            (wanted != now).then(|| wanted.map(|text| text.trim().to_owned()))
        };
        let billing_update = wire::BillingAddressUpdate {
            company: changed(&billing.company, &draft.company),
            company_id: changed(&billing.company_id, &draft.company_id),
            vat_id: changed(&billing.vat_id, &draft.vat_id),
        };
        if !billing_update.is_empty() {
            let body = wire::RequestBody {
                data: wire::CustomerUpdateRequest {
                    billing_address: billing_update,
                },
            };
            let updated: wire::CustomerData = self
                .api
                .send(
                    reqwest::Method::PATCH,
                    &format!("api/customers/{}", seg(&customer.guid)),
                    &[],
                    Some(&body),
                )
                .await?;
            self.keep_detail(updated.customer);
        }
        let path = format!(
            "api/customers/{}/accounts/{}",
            seg(&customer.guid),
            seg(&account.guid)
        );
        let body = wire::RequestBody {
            data: wire::CustomerAccountRequest {
                full_name: super::addresses::join_name(&draft.first_name, &draft.last_name),
                email: draft.email.trim().to_owned(),
                phone: non_empty(&draft.phone).map(|p| p.trim().to_owned()),
            },
        };
        let _: wire::CustomerAccountData = self
            .api
            .send(reqwest::Method::PATCH, &path, &[], Some(&body))
            .await?;
        let fresh: wire::CustomerData = self
            .api
            .get(&format!("api/customers/{}", seg(&customer.guid)), &[])
            .await?;
        Ok(super::account_of(&self.keep_detail(fresh.customer)))
    }

    pub(super) async fn guid(&self) -> ShopResult<String> {
        Ok(self.customer().await?.guid.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_is_chosen_by_email_guid_or_phone() {
        type Make = fn(String) -> CustomerRef;
        let cases: [(&str, Make, &str); 7] = [
            (" ada@example.org ", CustomerRef::Email, "ada@example.org"),
            (
                "c9e976a5-340b-11e4-b500-ac162d8a2454",
                CustomerRef::Guid,
                "c9e976a5-340b-11e4-b500-ac162d8a2454",
            ),
            ("+420 777 123 456", CustomerRef::Phone, "+420 777 123 456"),
            ("(0)30-1234567", CustomerRef::Phone, "(0)30-1234567"),
            // The demo shop's GUIDs are all digits: their shape makes them GUIDs, not numbers.
            (
                "00000000-0000-4000-8000-000000000001",
                CustomerRef::Guid,
                "00000000-0000-4000-8000-000000000001",
            ),
            // Too short for a phone number.
            ("12345", CustomerRef::Guid, "12345"),
            (
                "guest:gast@example.de",
                CustomerRef::Guest,
                "gast@example.de",
            ),
        ];
        for (text, make, value) in cases {
            assert_eq!(
                CustomerRef::parse(text).ok(),
                Some(make(value.to_owned())),
                "{text}"
            );
        }
        assert!(CustomerRef::parse("  ").is_err());
    }

    #[test]
    fn an_ambiguous_choice_lists_the_matches_cleaned() {
        let item = |guid: &str, name: &str| wire::CustomerListItem {
            guid: guid.into(),
            bill_full_name: Some(name.into()),
            creation_time: None,
            change_time: None,
            bill_company: None,
            admin_url: String::new(),
        };
        let found = [
            item("g-1", "Jana \u{1b}]0;PWNED\u{7}Nováková"),
            item("g-2", "Petr Novák"),
        ];
        let error = only_match(&found, "the phone number", "+420 777").unwrap_err();
        let ShopError::Conflict(message) = error else {
            panic!("not a conflict: {error:?}");
        };
        assert!(message.starts_with("2 customers have the phone number +420 777: "));
        assert!(
            message.contains("Jana Nováková (g-1); Petr Novák (g-2)"),
            "{message}"
        );
        assert!(message.contains("--customer GUID"));
        assert!(!message.contains('\u{1b}'));
        assert_eq!(only_match(&found[..1], "the e-mail", "x").unwrap(), "g-1");
        assert!(matches!(
            only_match(&[], "the e-mail", "x"),
            Err(ShopError::NotFound(_))
        ));
    }

    #[test]
    fn a_choice_survives_its_key() {
        for chosen in [
            CustomerRef::Guid("c9e976a5-340b-11e4-b500-ac162d8a2454".into()),
            CustomerRef::Guest("gast@example.de".into()),
        ] {
            assert_eq!(CustomerRef::of_key(&chosen.key()), chosen);
        }
        assert!(CustomerRef::of_key("guest:a@b.c").is_guest());
    }
}
