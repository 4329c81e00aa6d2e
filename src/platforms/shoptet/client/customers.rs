//! Who the token works for: the token's header, the chosen customer (by e-mail or GUID) and
//! the shop's own identity.

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
    Guest(String),
}

/// How a guest's key (see [`CustomerRef::key`]) starts; no Shoptet GUID does.
const GUEST_KEY_PREFIX: &str = "guest:";

impl CustomerRef {
    /// `EMAIL|GUID` as the command line takes it: anything with an `@` is an e-mail.
    pub fn parse(text: &str) -> Result<CustomerRef, ShopError> {
        let text = text.trim();
        if text.is_empty() {
            Err(ShopError::field(
                "customer",
                "give an e-mail or a customer GUID",
            ))
        } else if text.contains('@') {
            Ok(CustomerRef::Email(text.to_owned()))
        } else {
            Ok(CustomerRef::Guid(text.to_owned()))
        }
    }
}

impl CustomerRef {
    /// One string that names the choice, as a search match carries it: the GUID, or
    /// `guest:<e-mail>` for guest orders. [`CustomerRef::of_key`] reads it back.
    pub fn key(&self) -> String {
        match self {
            CustomerRef::Email(email) => email.clone(),
            CustomerRef::Guid(guid) => guid.clone(),
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
            CustomerRef::Email(email) => f.write_str(email),
            CustomerRef::Guid(guid) => f.write_str(guid),
            CustomerRef::Guest(email) => write!(f, "guest {email}"),
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

    /// The chosen customer's detail, looked up once.
    pub async fn customer(&self) -> ShopResult<&wire::Customer> {
        self.resolved
            .get_or_try_init(|| async {
                let guid = match &self.customer {
                    None => return Err(no_customer_chosen()),
                    Some(CustomerRef::Guest(_)) => return Err(guest_has_no_account()),
                    Some(CustomerRef::Guid(guid)) => guid.clone(),
                    Some(CustomerRef::Email(email)) => self.guid_for_email(email).await?,
                };
                let data: wire::CustomerData = self
                    .api
                    .get(&format!("api/customers/{}", seg(&guid)), &[])
                    .await?;
                Ok(data.customer)
            })
            .await
    }

    async fn guid_for_email(&self, email: &str) -> ShopResult<String> {
        let found = self.search_customers(Some(email), None).await?;
        match found.as_slice() {
            [one] => Ok(one.guid.clone()),
            [] => Err(ShopError::NotFound(format!(
                "no customer with the e-mail {email}"
            ))),
            _ => Err(ShopError::Conflict(format!(
                "{} customers have the e-mail {email}; choose one by GUID",
                found.len()
            ))),
        }
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
    /// e-mail and phone. The company is the billing address's, which shopterm leaves to the
    /// shop's administration. Answers the account as the shop now has it (read afresh: the
    /// detail this connector read before is out of date, so the desk replaces the connector).
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
        let company_now = super::addresses::non_empty(
            &customer
                .billing_address
                .as_ref()
                .and_then(|b| b.company.clone()),
        );
        let company_wanted = super::addresses::non_empty(&draft.company);
        if company_wanted != company_now {
            return Err(ShopError::field(
                "company",
                "in Shoptet the company is part of the billing address; change it in the \
                 shop's administration",
            ));
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
                phone: super::addresses::non_empty(&draft.phone).map(|p| p.trim().to_owned()),
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
        Ok(super::account_of(&fresh.customer))
    }

    pub(super) async fn guid(&self) -> ShopResult<String> {
        Ok(self.customer().await?.guid.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_is_chosen_by_email_or_guid() {
        assert_eq!(
            CustomerRef::parse(" ada@example.org ").ok(),
            Some(CustomerRef::Email("ada@example.org".into()))
        );
        assert_eq!(
            CustomerRef::parse("c9e976a5-340b-11e4-b500-ac162d8a2454").ok(),
            Some(CustomerRef::Guid(
                "c9e976a5-340b-11e4-b500-ac162d8a2454".into()
            ))
        );
        assert!(CustomerRef::parse("  ").is_err());
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
