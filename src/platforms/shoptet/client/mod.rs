//! The Shoptet connector: a staff token working for one chosen customer. Every request carries
//! the token header and `Content-Type: application/vnd.shoptet.v1.0` (GETs too, as Shoptet
//! requires; `…+json` when it has a JSON body, as Shoptet's write examples send), goes through the [`Pacer`] so the shop's rate limits are kept rather than hit, and
//! every error envelope becomes a [`ShopError`] (`invalid-request-data` at `data.zip` is a field
//! error on the postcode).
//!
//! A customer is chosen by e-mail (`GET /api/customers?email=`; the list has no e-mail, the
//! detail's `accounts[]` has it) or by GUID, and everything the [`Shop`] trait returns is that
//! customer's: orders by `customerGuid`, and an order of anyone else is "not found".

mod addresses;
mod api;
mod customers;
mod documents;
mod orders;
mod products;

pub use customers::{CustomerRef, TokenKind};

use super::pacing::{Clock, Pacer, PacingLimits, SystemClock};
use super::wire;
use crate::auth::TokenSource;
use crate::model::*;
use crate::shop::{Feature, Identity, Shop, ShopError, ShopResult};
use addresses::{address_of, address_request, non_empty, split_name};
use api::seg;
use async_trait::async_trait;
use orders::{detail_of, order_total, summary_of};
use reqwest::Method;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

pub(crate) use api::error_of;

/// Writes repeated after a 423 ("the same request is being processed"). Other retries (a 429
/// despite the pacing, a read after a broken connection or a 5xx) follow the common
/// [`crate::platforms::common::RETRY`].
const LOCKED_RETRIES: u32 = 5;
/// How long Shoptet's write lock lasts at most.
const LOCK_PAUSE: Duration = Duration::from_secs(1);
/// The `include` of an order detail: the notes hold the tracking number, shippingDetails the
/// pickup point.
const ORDER_INCLUDE: &str = "notes,shippingDetails";
/// Page size for the lists shopterm reads whole (delivery addresses, shipments of an order).
const WHOLE_LIST_PAGE: u32 = 50;
/// Pages read at most for a whole list, so a shop that always says "more" cannot loop us.
const MAX_PAGES: u32 = 100;

/// The Shoptet connector for one staff token and (optionally) one customer.
pub struct ShoptetShop {
    api: Arc<Api>,
    customer: Option<CustomerRef>,
    /// The chosen customer's GUID, looked up once.
    resolved: tokio::sync::OnceCell<String>,
    /// Their detail as last read, replaced by what each change of this connector answers (so
    /// a second change compares with the first one's result, not with the first read).
    detail: std::sync::Mutex<Option<Arc<wire::Customer>>>,
}

/// What every request needs; shared by the connectors of one token (one pacer per token).
struct Api {
    base: Url,
    http: reqwest::Client,
    tokens: Arc<dyn TokenSource>,
    kind: TokenKind,
    pacer: Pacer,
}

impl ShoptetShop {
    pub fn new(base: Url, http: reqwest::Client, tokens: Arc<dyn TokenSource>) -> ShoptetShop {
        ShoptetShop::with_pacing(
            base,
            http,
            tokens,
            TokenKind::Private,
            PacingLimits::default(),
            Arc::new(SystemClock::default()),
        )
    }

    pub fn with_pacing(
        base: Url,
        http: reqwest::Client,
        tokens: Arc<dyn TokenSource>,
        kind: TokenKind,
        limits: PacingLimits,
        clock: Arc<dyn Clock>,
    ) -> ShoptetShop {
        ShoptetShop {
            api: Arc::new(Api {
                base,
                http,
                tokens,
                kind,
                pacer: Pacer::new(limits, clock),
            }),
            customer: None,
            resolved: tokio::sync::OnceCell::new(),
            detail: std::sync::Mutex::new(None),
        }
    }

    /// The same token (and pacing) working for `customer`; nothing of an earlier customer is kept.
    pub fn for_customer(&self, customer: CustomerRef) -> ShoptetShop {
        ShoptetShop {
            api: self.api.clone(),
            customer: Some(customer),
            resolved: tokio::sync::OnceCell::new(),
            detail: std::sync::Mutex::new(None),
        }
    }

    pub fn customer_ref(&self) -> Option<&CustomerRef> {
        self.customer.as_ref()
    }
}

/// The customer's main login account and billing address as the model's account.
fn account_of(customer: &wire::Customer) -> Account {
    let account = customer.main_account();
    let billing = customer.billing_address.clone().unwrap_or_default();
    let full_name = account
        .and_then(|a| a.full_name.clone())
        .or(billing.full_name.clone());
    let (first_name, last_name) = split_name(full_name.as_deref());
    Account {
        id: CustomerId(customer.guid.clone()),
        email: account.map(|a| a.email.clone()).unwrap_or_default(),
        first_name,
        last_name,
        phone: account.and_then(|a| non_empty(&a.phone)),
        company: non_empty(&billing.company),
        company_id: non_empty(&billing.company_id),
        vat_id: non_empty(&billing.vat_id),
        created_at: customer.creation_time.as_deref().and_then(wire::parse_time),
    }
}

fn no_customer_chosen() -> ShopError {
    ShopError::field(
        "customer",
        "a staff token works for one customer at a time: choose one with --customer EMAIL|GUID|PHONE",
    )
}

#[async_trait]
impl Shop for ShoptetShop {
    fn identity(&self) -> &Identity {
        super::PLATFORM.id.identity()
    }

    async fn account(&self) -> ShopResult<Account> {
        if let Some(email) = self.guest_email() {
            return self.guest_account(email).await;
        }
        Ok(account_of(&*self.customer().await?))
    }

    async fn update_account(&self, draft: &AccountDraft) -> ShopResult<Account> {
        self.update_login_account(draft).await
    }

    async fn addresses(&self) -> ShopResult<Vec<Address>> {
        Ok(self
            .delivery_addresses()
            .await?
            .iter()
            .map(address_of)
            .collect())
    }

    async fn create_address(&self, draft: &PostalAddress) -> ShopResult<Address> {
        let path = format!(
            "api/customers/{}/delivery-addresses",
            seg(&self.guid().await?)
        );
        let body = wire::RequestBody {
            data: address_request(draft, None),
        };
        let created: wire::DeliveryAddressData =
            self.api.send(Method::POST, &path, &[], Some(&body)).await?;
        Ok(address_of(&created.delivery_address))
    }

    async fn update_address(&self, id: &AddressId, draft: &PostalAddress) -> ShopResult<Address> {
        let path = format!(
            "api/customers/{}/delivery-addresses/{}",
            seg(&self.guid().await?),
            seg(id.as_str())
        );
        let body = wire::RequestBody {
            data: address_request(draft, None),
        };
        let updated: wire::DeliveryAddressData = self
            .api
            .send(Method::PATCH, &path, &[], Some(&body))
            .await?;
        Ok(address_of(&updated.delivery_address))
    }

    async fn delete_address(&self, id: &AddressId) -> ShopResult<()> {
        let path = format!(
            "api/customers/{}/delivery-addresses/{}",
            seg(&self.guid().await?),
            seg(id.as_str())
        );
        self.api
            .send_no_data::<()>(Method::DELETE, &path, None)
            .await
    }

    async fn set_default_address(
        &self,
        id: &AddressId,
        role: AddressRole,
    ) -> ShopResult<Vec<Address>> {
        if role == AddressRole::Billing {
            // The billing address is the customer's one `billingAddress`, not a book entry.
            return Err(ShopError::Unsupported(Feature::DefaultAddresses));
        }
        let addresses = self.delivery_addresses().await?;
        let chosen = addresses
            .iter()
            .find(|a| a.guid == id.as_str())
            .ok_or_else(|| ShopError::NotFound(format!("address {id}")))?;
        let mut draft = address_request(&address_of(chosen).postal, Some(true));
        // Keep the stored street and house number as they are.
        draft.street = chosen.street.clone();
        draft.house_number = chosen.house_number.clone();
        let path = format!(
            "api/customers/{}/delivery-addresses/{}",
            seg(&self.guid().await?),
            seg(id.as_str())
        );
        let _: wire::DeliveryAddressData = self
            .api
            .send(
                Method::PATCH,
                &path,
                &[],
                Some(&wire::RequestBody { data: draft }),
            )
            .await?;
        self.addresses().await
    }

    async fn orders(&self, page: &PageRequest) -> ShopResult<Page<OrderSummary>> {
        let per_page = page.limit.clamp(1, wire::MAX_ORDERS_PER_PAGE);
        let page_number = page.offset / u64::from(per_page) + 1;
        let skip = (page.offset % u64::from(per_page)) as usize;
        if let Some(email) = self.guest_email() {
            let number = u32::try_from(page_number).unwrap_or(u32::MAX);
            let (orders, paginator, only_guests) =
                self.guest_orders(email, number, per_page).await?;
            let items = orders
                .iter()
                .skip(skip)
                .map(summary_of)
                .collect::<ShopResult<Vec<_>>>()?;
            return Ok(Page {
                offset: page.offset,
                // The count is of every order with the e-mail, guests' or not.
                total: only_guests.then_some(u64::from(paginator.total_count)),
                has_more: paginator.page < paginator.page_count,
                items,
            });
        }
        let guid = self.guid().await?;
        let query = [
            ("customerGuid", guid),
            ("page", page_number.to_string()),
            ("itemsPerPage", per_page.to_string()),
        ];
        let list: wire::OrderList = self.api.get("api/orders", &query).await?;
        let items = list
            .orders
            .iter()
            .skip(skip)
            .map(summary_of)
            .collect::<ShopResult<Vec<_>>>()?;
        Ok(Page {
            offset: page.offset,
            total: Some(u64::from(list.paginator.total_count)),
            has_more: list.paginator.page < list.paginator.page_count,
            items,
        })
    }

    async fn order(&self, number: &OrderNumber) -> ShopResult<OrderDetail> {
        let order = self.own_order(number).await?;
        let shipments = self.shipments_of(&order.code).await?;
        detail_of(&order, &shipments)
    }

    async fn products(&self, query: &ProductQuery) -> ShopResult<Vec<Product>> {
        let mut found = Vec::new();
        for code in &query.codes {
            if let Some(product) = self.product(code).await? {
                found.push(product);
            }
        }
        Ok(found)
    }

    async fn document_pdf(&self, number: &OrderNumber, kind: DocumentKind) -> ShopResult<Vec<u8>> {
        self.pdf_of(number, kind).await
    }

    async fn place_order(&self, order: &NewOrder) -> ShopResult<PlacedOrder> {
        let request = self.new_order_request(order).await?;
        let placed: wire::OrderData = self
            .api
            .send(
                Method::POST,
                "api/orders",
                &[],
                Some(&wire::RequestBody { data: request }),
            )
            .await?;
        Ok(PlacedOrder {
            number: OrderNumber(placed.order.code.clone()),
            replayed: false,
            total: order_total(&placed.order.price)?,
        })
    }
}
