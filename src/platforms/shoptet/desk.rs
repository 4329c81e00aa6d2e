//! Staff mode's one connection (the TUI's "desk"): the staff token's connector, working for
//! whichever customer the staff member has chosen, and the customer search that chooses one.
//! Everything the [`Shop`] trait asks goes to the chosen customer's [`ShoptetShop`]; with no
//! customer chosen it says to choose one. Choosing moves an epoch on, so whoever ran a request
//! for the previous customer can tell that its answer is no longer wanted.

use super::audit::AuditLog;
use super::client::{CustomerRef, ShoptetShop};
use super::wire;
use crate::model::*;
use crate::shop::{Feature, Identity, PasswordChange, PasswordReset, Shop, ShopError, ShopResult};
use async_trait::async_trait;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// Matches whose details (e-mail, phone) are looked up: each is one more paced request.
pub const MATCHES_SHOWN: usize = 20;

/// One customer found by the search, as the list shows them (shop text, cleaned); or the guest
/// orders placed with the e-mail searched, which have no customer account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerMatch {
    /// The customer's GUID; for guest orders the key [`CustomerRef::key`] gives them.
    pub guid: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    /// Why the e-mail and phone are missing: the customer's detail could not be read (the
    /// rest of the search is still shown; choosing them reads the detail again).
    pub detail_error: Option<String>,
}

impl CustomerMatch {
    /// Who this match stands for, to work for them.
    pub fn customer_ref(&self) -> CustomerRef {
        CustomerRef::of_key(&self.guid)
    }

    pub fn is_guest(&self) -> bool {
        self.customer_ref().is_guest()
    }

    /// How the header and confirmations name the customer: the name, else the e-mail.
    pub fn label(&self) -> String {
        if self.is_guest() {
            format!("guest {}", self.email.as_deref().unwrap_or_default())
        } else if !self.name.trim().is_empty() {
            self.name.clone()
        } else if let Some(email) = &self.email {
            email.clone()
        } else {
            self.guid.clone()
        }
    }
}

/// What the search found: the matches shown, and how many customer accounts the shop has in
/// all (a last match for guest orders is not one of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerSearch {
    pub matches: Vec<CustomerMatch>,
    pub total: usize,
}

pub struct StaffDesk {
    staff: ShoptetShop,
    chosen: RwLock<Option<Arc<ShoptetShop>>>,
    epoch: AtomicU64,
    /// Where every change made for a customer is recorded; None only in tests of the desk.
    audit: Option<AuditLog>,
}

impl StaffDesk {
    /// `staff` is the token's connector with no customer chosen.
    pub fn new(staff: ShoptetShop) -> StaffDesk {
        StaffDesk {
            staff,
            chosen: RwLock::new(None),
            epoch: AtomicU64::new(0),
            audit: None,
        }
    }

    /// Records every change made for a customer in `audit`; a change the log cannot take is
    /// not made.
    pub fn with_audit(mut self, audit: AuditLog) -> StaffDesk {
        self.audit = Some(audit);
        self
    }

    /// One change for the chosen customer, with its line in the audit log: the log is checked
    /// before anything is sent, and the outcome written after. `target` names the record
    /// changed, or `made` names the one the change created.
    async fn audited<T, Fut>(
        &self,
        operation: &'static str,
        target: Option<&str>,
        change: impl FnOnce(Arc<ShoptetShop>) -> Fut,
        made: impl Fn(&T) -> Option<String>,
    ) -> ShopResult<T>
    where
        Fut: std::future::Future<Output = ShopResult<T>>,
    {
        let shop = self.current()?;
        let customer = shop
            .customer_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        if let Some(audit) = &self.audit {
            audit.check().map_err(|error| {
                ShopError::Forbidden(format!(
                    "the audit log {} cannot be written ({error}); nothing was changed",
                    audit.path().display()
                ))
            })?;
        }
        let outcome = change(shop).await;
        if let Some(audit) = &self.audit {
            let created = outcome.as_ref().ok().and_then(&made);
            let target = target.map(str::to_owned).or(created);
            if let Err(error) = audit.record(
                &customer,
                operation,
                target.as_deref(),
                outcome.as_ref().map(drop),
            ) {
                // The change is made: saying it failed would invite a second one.
                tracing::error!(%error, operation, "could not write the staff audit log");
            }
        }
        outcome
    }

    /// Moves on each time the customer changes (or is put down).
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    /// Works for `customer` from now on (None: for nobody); nothing of the previous one is kept.
    pub fn choose(&self, customer: Option<CustomerRef>) {
        let shop = customer.map(|c| Arc::new(self.staff.for_customer(c)));
        *self.chosen.write().unwrap_or_else(|e| e.into_inner()) = shop;
        self.epoch.fetch_add(1, Ordering::SeqCst);
    }

    /// The same customer (by GUID: their e-mail may just have changed), their detail read
    /// again on next use. Not a change of customer: the epoch stays, so answers on their way
    /// are still wanted.
    fn reread_customer(&self, guid: &str) {
        let mut chosen = self.chosen.write().unwrap_or_else(|e| e.into_inner());
        if chosen.is_some() {
            let customer = CustomerRef::Guid(guid.to_owned());
            *chosen = Some(Arc::new(self.staff.for_customer(customer)));
        }
    }

    fn current(&self) -> ShopResult<Arc<ShoptetShop>> {
        self.chosen
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| {
                ShopError::field(
                    "customer",
                    "no customer chosen: find one in the customer search first",
                )
            })
    }

    /// The e-shop's name, as `/api/eshop` gives it (else its address, else its id).
    pub async fn eshop_name(&self) -> ShopResult<String> {
        let eshop = self.staff.eshop().await?;
        let contact = &eshop.contact_information;
        let name = contact
            .eshop_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .or_else(|| contact.url.clone())
            .unwrap_or_else(|| format!("e-shop {}", contact.eshop_id));
        Ok(crate::sanitize::clean(&name))
    }

    /// The customers whose e-mail (text with an `@`) or phone number is `text`, with the e-mail
    /// and phone of each from its detail (Shoptet's list has neither). A detail that cannot be
    /// read leaves that one match without them, marked, rather than failing the whole search:
    /// the staff member can still see (and choose) everyone else.
    pub async fn search(&self, text: &str) -> ShopResult<CustomerSearch> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ShopError::field(
                "search",
                "type the customer's e-mail or phone number",
            ));
        }
        let by_email = text.contains('@');
        let found = if by_email {
            self.staff.search_customers(Some(text), None).await?
        } else {
            self.staff.search_customers(None, Some(text)).await?
        };
        let total = found.len();
        let mut matches = Vec::new();
        for item in found.iter().take(MATCHES_SHOWN) {
            let one = self
                .staff
                .for_customer(CustomerRef::Guid(item.guid.clone()));
            matches.push(match one.customer().await {
                Ok(detail) => match_of(item, &detail),
                Err(error) => match_without_detail(item, &error),
            });
        }
        if by_email && let Some(guests) = self.guest_match(text).await {
            matches.push(guests);
        }
        Ok(CustomerSearch { matches, total })
    }

    /// The guest orders placed with `email`, as one more match; none if there are none (or if
    /// they cannot be read: the accounts found are what the staff member came for).
    async fn guest_match(&self, email: &str) -> Option<CustomerMatch> {
        let (orders, paginator, only_guests) = match self
            .staff
            .guest_orders(email, 1, wire::MAX_ORDERS_PER_PAGE)
            .await
        {
            Ok(found) => found,
            Err(error) => {
                tracing::warn!(%error, "the guest orders could not be searched");
                return None;
            }
        };
        let newest = orders.first()?;
        let count = if only_guests {
            paginator.total_count as usize
        } else {
            orders.len()
        };
        let clean = crate::sanitize::clean;
        Some(CustomerMatch {
            guid: CustomerRef::Guest(email.to_owned()).key(),
            name: format!(
                "Guest orders ({count}){}",
                newest
                    .full_name
                    .as_deref()
                    .map(|n| format!(" · {}", clean(n)))
                    .unwrap_or_default()
            ),
            email: Some(clean(email)),
            phone: Some("no account".to_owned()),
            company: None,
            detail_error: None,
        })
    }
}

fn match_of(item: &wire::CustomerListItem, detail: &wire::Customer) -> CustomerMatch {
    let account = detail.main_account();
    let clean = clean_text;
    let name = clean(&item.bill_full_name)
        .or_else(|| account.and_then(|a| clean(&a.full_name)))
        .or_else(|| {
            detail
                .billing_address
                .as_ref()
                .and_then(|b| clean(&b.full_name))
        })
        .unwrap_or_default();
    CustomerMatch {
        guid: crate::sanitize::clean(&item.guid),
        name,
        email: account.map(|a| crate::sanitize::clean(&a.email)),
        phone: account.and_then(|a| clean(&a.phone)),
        company: clean(&item.bill_company),
        detail_error: None,
    }
}

/// A match whose detail failed: the list's name and company, and why the rest is missing.
fn match_without_detail(item: &wire::CustomerListItem, error: &ShopError) -> CustomerMatch {
    tracing::warn!(%error, "a customer's detail could not be read for the search");
    CustomerMatch {
        guid: crate::sanitize::clean(&item.guid),
        name: clean_text(&item.bill_full_name).unwrap_or_default(),
        email: None,
        phone: None,
        company: clean_text(&item.bill_company),
        detail_error: Some(crate::sanitize::clean(&error.to_string())),
    }
}

/// Shop text cleaned for the screen; blank is none.
pub(super) fn clean_text(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(crate::sanitize::clean)
        .filter(|t| !t.trim().is_empty())
}

/// Why staff mode cannot do `feature` for a customer, said to the staff member (who will
/// have to tell the customer what to do instead).
pub fn staff_api_lacks(feature: Feature) -> Option<&'static str> {
    match feature {
        Feature::ChangePassword | Feature::ForgottenPassword | Feature::ResetPassword => Some(
            "Shoptet's API has no customer passwords; the customer sets a new one with \
             “Forgotten password” on the shop's website",
        ),
        Feature::OrderSearch => {
            Some("shopterm lists a Shoptet customer's orders newest first, without filters")
        }
        _ => None,
    }
}

#[async_trait]
impl Shop for StaffDesk {
    fn identity(&self) -> &Identity {
        self.staff.identity()
    }

    async fn account(&self) -> ShopResult<Account> {
        self.current()?.account().await
    }

    async fn update_account(&self, draft: &AccountDraft) -> ShopResult<Account> {
        let saved = self
            .audited(
                "update_account",
                None,
                |shop| async move { shop.update_account(draft).await },
                |_| None,
            )
            .await?;
        self.reread_customer(&saved.id.0);
        Ok(saved)
    }

    async fn addresses(&self) -> ShopResult<Vec<Address>> {
        self.current()?.addresses().await
    }

    async fn create_address(&self, draft: &PostalAddress) -> ShopResult<Address> {
        self.audited(
            "create_address",
            None,
            |shop| async move { shop.create_address(draft).await },
            |made: &Address| Some(made.id.to_string()),
        )
        .await
    }

    async fn update_address(&self, id: &AddressId, draft: &PostalAddress) -> ShopResult<Address> {
        self.audited(
            "update_address",
            Some(&id.to_string()),
            |shop| async move { shop.update_address(id, draft).await },
            |_| None,
        )
        .await
    }

    async fn delete_address(&self, id: &AddressId) -> ShopResult<()> {
        self.audited(
            "delete_address",
            Some(&id.to_string()),
            |shop| async move { shop.delete_address(id).await },
            |_| None,
        )
        .await
    }

    async fn set_default_address(
        &self,
        id: &AddressId,
        role: AddressRole,
    ) -> ShopResult<Vec<Address>> {
        let operation = match role {
            AddressRole::Shipping => "set_default_shipping_address",
            AddressRole::Billing => "set_default_billing_address",
        };
        self.audited(
            operation,
            Some(&id.to_string()),
            |shop| async move { shop.set_default_address(id, role).await },
            |_| None,
        )
        .await
    }

    async fn orders(&self, page: &PageRequest) -> ShopResult<Page<OrderSummary>> {
        self.current()?.orders(page).await
    }

    async fn order(&self, number: &OrderNumber) -> ShopResult<OrderDetail> {
        self.current()?.order(number).await
    }

    async fn change_password(&self, change: &PasswordChange) -> ShopResult<()> {
        self.staff.change_password(change).await
    }

    async fn request_password_reset(&self, email: &str) -> ShopResult<String> {
        self.staff.request_password_reset(email).await
    }

    async fn reset_password(&self, reset: &PasswordReset) -> ShopResult<()> {
        self.staff.reset_password(reset).await
    }

    async fn products(&self, query: &ProductQuery) -> ShopResult<Vec<Product>> {
        // Prices and stock are the shop's, whoever the customer is.
        self.staff.products(query).await
    }

    async fn document_pdf(&self, number: &OrderNumber, kind: DocumentKind) -> ShopResult<Vec<u8>> {
        self.current()?.document_pdf(number, kind).await
    }

    async fn place_order(&self, order: &NewOrder) -> ShopResult<PlacedOrder> {
        self.audited(
            "place_order",
            None,
            |shop| async move { shop.place_order(order).await },
            |placed: &PlacedOrder| Some(placed.number.to_string()),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list_item(name: Option<&str>) -> wire::CustomerListItem {
        wire::CustomerListItem {
            guid: "g-1".into(),
            creation_time: None,
            change_time: None,
            bill_company: Some("ACME\u{1b}[2J".into()),
            bill_full_name: name.map(Into::into),
            admin_url: String::new(),
        }
    }

    fn detail(full_name: Option<&str>) -> wire::Customer {
        wire::Customer {
            guid: "g-1".into(),
            creation_time: None,
            change_time: None,
            billing_address: None,
            delivery_address: Vec::new(),
            remark: None,
            birth_date: None,
            disabled_orders: false,
            accounts: vec![wire::CustomerAccount {
                guid: "a-1".into(),
                full_name: full_name.map(Into::into),
                email: "jana@example.cz".into(),
                phone: Some("  ".into()),
                main_account: true,
                authorized: true,
                email_verified: true,
            }],
            admin_url: String::new(),
        }
    }

    #[test]
    fn a_match_is_named_by_the_list_then_the_account_and_cleaned() {
        let found = match_of(&list_item(Some("Jana Nováková")), &detail(None));
        assert_eq!(found.label(), "Jana Nováková");
        assert_eq!(found.email.as_deref(), Some("jana@example.cz"));
        // A blank phone is no phone; a control sequence never reaches the screen.
        assert_eq!(found.phone, None);
        assert!(!found.company.unwrap_or_default().contains('\u{1b}'));
        let unnamed = match_of(&list_item(None), &detail(Some("J. N.")));
        assert_eq!(unnamed.name, "J. N.");
        let nameless = match_of(&list_item(None), &detail(None));
        assert_eq!(nameless.label(), "jana@example.cz");
    }
}
