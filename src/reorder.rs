//! Repeat orders: turn a past order or a pasted list of product codes into a draft, check every
//! line against the shop's current prices and stock, and send only what the user confirmed — once,
//! even when a send is retried (the draft's idempotency key). Drafts are saved locally until sent
//! or discarded, so a failed send, a lost connection or a restart loses nothing.

use crate::model::*;
use crate::shop::{Shop, ShopError, ShopResult};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where a line of a draft stands against the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Resolution {
    /// Not looked up yet.
    Pending,
    Found {
        product: Product,
    },
    /// The code exists under several brands; the user must pick one.
    Ambiguous {
        brands: Vec<String>,
    },
    NotFound,
}

/// One line of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftLine {
    pub code: ProductCode,
    pub brand: Option<String>,
    /// The name from the past order or the catalogue, for display.
    pub name: Option<String>,
    pub quantity: u32,
    /// What a piece cost in the past order (reorders only).
    pub old_unit_price: Option<Money>,
    pub resolution: Resolution,
    /// The brands that sell this code, when the code alone was ambiguous: the user picks one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub brand_choices: Vec<String>,
}

/// Why a line cannot be sent as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Blocker {
    NotLookedUp,
    NotFound,
    Ambiguous,
    OutOfStock,
    Discontinued,
    /// In stock, but fewer pieces than asked.
    NotEnoughStock {
        available: u32,
    },
    ZeroQuantity,
}

impl Blocker {
    pub fn describe(&self) -> String {
        match self {
            Blocker::NotLookedUp => "not checked yet".into(),
            Blocker::NotFound => "no such product".into(),
            Blocker::Ambiguous => "several brands have this code: choose one".into(),
            Blocker::OutOfStock => "out of stock".into(),
            Blocker::Discontinued => "no longer sold".into(),
            Blocker::NotEnoughStock { available } => format!("only {available} left"),
            Blocker::ZeroQuantity => "quantity is 0".into(),
        }
    }
}

impl DraftLine {
    /// The product this line will order, when it was found.
    pub fn product(&self) -> Option<&Product> {
        match &self.resolution {
            Resolution::Found { product } => Some(product),
            _ => None,
        }
    }

    /// Why this line cannot be ordered as it stands; `None` when it can.
    pub fn blocker(&self) -> Option<Blocker> {
        if self.quantity == 0 {
            return Some(Blocker::ZeroQuantity);
        }
        match &self.resolution {
            Resolution::Pending => Some(Blocker::NotLookedUp),
            Resolution::NotFound => Some(Blocker::NotFound),
            Resolution::Ambiguous { .. } => Some(Blocker::Ambiguous),
            Resolution::Found { product } => match product.availability {
                Availability::OutOfStock => Some(Blocker::OutOfStock),
                Availability::Discontinued => Some(Blocker::Discontinued),
                Availability::InStock {
                    quantity: Some(left),
                } if left < self.quantity => Some(Blocker::NotEnoughStock { available: left }),
                Availability::InStock { .. } => None,
            },
        }
    }

    /// The current unit price differs from the past one (same currency only).
    pub fn price_changed(&self) -> bool {
        match (self.old_unit_price, self.product()) {
            (Some(old), Some(product)) => {
                old.currency == product.price.currency && old.amount != product.price.amount
            }
            _ => false,
        }
    }

    pub fn current_total(&self) -> Option<Money> {
        self.product().map(|p| p.price.times(self.quantity))
    }
}

/// A repeat order being prepared.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// Sent with the order: the shop creates at most one order per key.
    pub idempotency_key: String,
    /// The order this draft repeats, if any.
    #[serde(default)]
    #[serialize_always]
    pub source: Option<OrderNumber>,
    pub lines: Vec<DraftLine>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    /// The customer the draft belongs to (it is stored under them and sent only for them).
    pub customer: Option<CustomerId>,
    /// Empty the shop's own cart before sending, where the shop keeps one between sends
    /// ([`crate::shop::Feature::ShopCart`]): the user's choice in the review.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub empty_cart_first: bool,
    /// The name of the shopping list the draft orders, if it does.
    #[serde(default)]
    pub shopping_list: Option<String>,
}

/// Totals of a draft, before (at the past prices) and now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftTotals {
    /// The past order's lines at their past prices (reorders; lines still in the draft).
    pub before: Option<Money>,
    /// The lines that will be sent, at today's prices.
    pub now: Option<Money>,
    pub sendable_lines: usize,
    pub blocked_lines: usize,
}

impl Draft {
    pub fn new(source: Option<OrderNumber>, lines: Vec<DraftLine>) -> Draft {
        Draft {
            idempotency_key: new_idempotency_key(),
            source,
            lines,
            created_at: time::OffsetDateTime::now_utc(),
            customer: None,
            empty_cart_first: false,
            shopping_list: None,
        }
    }

    /// A draft with the past order's lines, not looked up yet.
    pub fn from_order(order: &OrderDetail) -> Draft {
        let lines = order
            .lines
            .iter()
            .map(|line| DraftLine {
                code: line.code.clone(),
                brand: Some(line.brand.clone()),
                name: Some(line.name.clone()),
                quantity: line.quantity,
                old_unit_price: Some(line.unit_price),
                resolution: Resolution::Pending,
                brand_choices: Vec::new(),
            })
            .collect();
        Draft::new(Some(order.summary.number.clone()), lines)
    }

    /// A draft with a shopping list's items, not looked up yet: sent as a new order (no past
    /// prices to compare with).
    pub fn from_shopping_list(list: &ShoppingList) -> Draft {
        let lines = list
            .items
            .iter()
            .map(|item| DraftLine {
                code: item.code.clone(),
                brand: None,
                name: item.name.clone(),
                quantity: item.quantity,
                old_unit_price: None,
                resolution: Resolution::Pending,
                brand_choices: Vec::new(),
            })
            .collect();
        let mut draft = Draft::new(None, lines);
        draft.shopping_list = Some(list.name.clone());
        draft
    }

    /// A draft from quick-order lines, not looked up yet.
    pub fn from_quick_lines(lines: &[QuickLine]) -> Draft {
        let lines = lines
            .iter()
            .map(|line| DraftLine {
                code: line.code.clone(),
                brand: line.brand.clone(),
                name: None,
                quantity: line.quantity,
                old_unit_price: None,
                resolution: Resolution::Pending,
                brand_choices: Vec::new(),
            })
            .collect();
        Draft::new(None, lines)
    }

    pub fn totals(&self) -> DraftTotals {
        let sum = |amounts: Vec<Money>| -> Option<Money> {
            let mut iter = amounts.into_iter();
            let first = iter.next()?;
            iter.try_fold(first, |acc, m| acc.checked_add(m).ok())
        };
        let sendable: Vec<&DraftLine> = self
            .lines
            .iter()
            .filter(|l| l.blocker().is_none())
            .collect();
        // Before and now compare the same lines: those left out count in neither.
        let before = self.source.as_ref().and_then(|_| {
            sum(sendable
                .iter()
                .filter_map(|l| l.old_unit_price.map(|p| p.times(l.quantity)))
                .collect())
        });
        DraftTotals {
            before,
            now: sum(sendable.iter().filter_map(|l| l.current_total()).collect()),
            sendable_lines: sendable.len(),
            blocked_lines: self.lines.len() - sendable.len(),
        }
    }

    /// The order to send: only lines that can be ordered. The caller has shown which lines are
    /// left out; nothing is dropped silently because the review lists every blocked line.
    pub fn to_new_order(&self) -> NewOrder {
        NewOrder {
            idempotency_key: self.idempotency_key.clone(),
            lines: self
                .lines
                .iter()
                .filter(|l| l.blocker().is_none())
                .filter_map(|l| {
                    let product = l.product()?;
                    Some(NewOrderLine {
                        code: product.code.clone(),
                        brand: Some(product.brand.clone()),
                        quantity: l.quantity,
                    })
                })
                .collect(),
            shipping_address: None,
            billing_address: None,
            note: match (&self.source, &self.shopping_list) {
                (Some(number), _) => Some(format!("Reorder of {number}")),
                (None, Some(list)) => Some(format!("Shopping list {list}")),
                (None, None) => None,
            },
        }
    }

    /// Looks every line up in one request per brand group, and records what was found.
    pub async fn resolve(&mut self, shop: &dyn Shop) -> ShopResult<()> {
        // Lines with a brand are asked per brand; lines without, all together.
        let mut groups: BTreeMap<Option<String>, Vec<ProductCode>> = BTreeMap::new();
        for line in &self.lines {
            let codes = groups.entry(line.brand.clone()).or_default();
            if !codes.contains(&line.code) {
                codes.push(line.code.clone());
            }
        }
        let mut found: BTreeMap<Option<String>, Vec<Product>> = BTreeMap::new();
        for (brand, codes) in groups {
            for chunk in codes.chunks(100) {
                let query = ProductQuery {
                    codes: chunk.to_vec(),
                    brand: brand.clone(),
                };
                found
                    .entry(brand.clone())
                    .or_default()
                    .extend(shop.products(&query).await?);
            }
        }
        for line in &mut self.lines {
            let candidates: Vec<&Product> = found
                .get(&line.brand)
                .map(|products| {
                    products
                        .iter()
                        .filter(|p| p.code.as_str().eq_ignore_ascii_case(line.code.as_str()))
                        .filter(|p| {
                            line.brand
                                .as_ref()
                                .is_none_or(|b| p.brand.eq_ignore_ascii_case(b))
                        })
                        .collect()
                })
                .unwrap_or_default();
            line.resolution = match candidates.as_slice() {
                [] => Resolution::NotFound,
                [one] => {
                    if line.name.is_none() {
                        line.name = Some(one.name.clone());
                    }
                    Resolution::Found {
                        product: (*one).clone(),
                    }
                }
                many => {
                    let brands: Vec<String> = many.iter().map(|p| p.brand.clone()).collect();
                    line.brand_choices = brands.clone();
                    Resolution::Ambiguous { brands }
                }
            };
        }
        Ok(())
    }

    /// Sends the draft to a shop that places orders at once. A retry after a lost answer is
    /// safe where the shop keeps idempotency keys: the same key gives the same order. A shop
    /// that takes payment on its own page answers with a conflict naming the page; use
    /// [`Draft::submit`] there.
    pub async fn send(&self, shop: &dyn Shop) -> ShopResult<PlacedOrder> {
        match self.submit(shop).await? {
            OrderOutcome::Placed(placed) => Ok(placed),
            OrderOutcome::AwaitingPayment(page) => Err(ShopError::Conflict(format!(
                "the shop places this order once it is paid at {}",
                crate::sanitize::clean(&page.url)
            ))),
        }
    }

    /// Sends the draft and says what came of it: placed, or awaiting payment on the shop's page
    /// (a payment form saved to a file the browser opens).
    pub async fn submit(&self, shop: &dyn Shop) -> ShopResult<OrderOutcome> {
        let order = self.to_new_order();
        if order.lines.is_empty() {
            return Err(ShopError::field(
                "lines",
                "no line of this draft can be ordered",
            ));
        }
        let options = crate::shop::SendOptions {
            empty_cart_first: self.empty_cart_first,
        };
        let mut outcome = shop
            .send_order(self.source.as_ref(), &order, &options)
            .await?;
        if let OrderOutcome::AwaitingPayment(page) = &mut outcome {
            // A payment form (not a page) is opened from a private file.
            crate::payment_form::save(page).map_err(|error| {
                ShopError::Conflict(format!(
                    "the shop answered with a payment form, which could not be saved ({error}): \
                     the lines are in the shop's cart; pay for them on the shop's website"
                ))
            })?;
        }
        Ok(outcome)
    }
}

/// A fresh random idempotency key (128 bits, hex).
pub fn new_idempotency_key() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One line of a quick order as typed or pasted: `CODE QTY` or `BRAND CODE QTY`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickLine {
    pub brand: Option<String>,
    pub code: ProductCode,
    pub quantity: u32,
}

/// A line of pasted text that is not a quick-order line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickLineError {
    /// 1-based line number in the pasted text.
    pub line: usize,
    pub text: String,
    pub message: String,
}

/// Parses pasted lines. Fields may be separated by spaces, tabs, commas or semicolons (as
/// spreadsheets paste them); empty lines and `#` comments are skipped; a header row such as
/// `code;qty` is skipped when its quantity column is not a number and it is the first line.
pub fn parse_quick_order(text: &str) -> (Vec<QuickLine>, Vec<QuickLineError>) {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    let mut first_content_line = true;
    for (index, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = trimmed
            .split(|c: char| c == '\t' || c == ',' || c == ';' || c.is_whitespace())
            .map(|f| f.trim().trim_matches('"'))
            .filter(|f| !f.is_empty())
            .collect();
        let is_first = std::mem::replace(&mut first_content_line, false);
        let error = |message: &str| QuickLineError {
            line: index + 1,
            text: trimmed.to_owned(),
            message: message.to_owned(),
        };
        let parsed = match fields.as_slice() {
            [code, qty] => qty.parse::<u32>().map(|q| (None, *code, q)),
            [brand, code, qty] => qty.parse::<u32>().map(|q| (Some(*brand), *code, q)),
            [_code] => {
                errors.push(error("needs a quantity: CODE QTY or BRAND CODE QTY"));
                continue;
            }
            _ => {
                errors.push(error("expected CODE QTY or BRAND CODE QTY"));
                continue;
            }
        };
        match parsed {
            Ok((_, _, 0)) => errors.push(error("quantity must be at least 1")),
            Ok((brand, code, quantity)) => lines.push(QuickLine {
                brand: brand.map(str::to_owned),
                code: ProductCode::from(code),
                quantity,
            }),
            // A spreadsheet's header row.
            Err(_) if is_first => {}
            Err(_) => errors.push(error("the quantity is not a whole number")),
        }
    }
    (lines, errors)
}

/// Drafts saved under the data directory, one JSON file per draft (0600), until sent or discarded.
pub struct DraftStore {
    dir: PathBuf,
}

impl DraftStore {
    /// Drafts of one profile.
    pub fn new(data_dir: &Path, profile: &str) -> DraftStore {
        DraftStore {
            dir: data_dir.join("drafts").join(profile),
        }
    }

    /// Drafts of one customer of one profile: another customer signing in on the same profile
    /// never sees (or sends) them.
    pub fn for_customer(data_dir: &Path, profile: &str, customer: &CustomerId) -> DraftStore {
        // The id is the shop's: keep only characters that are safe in a file name.
        let safe: String = customer
            .as_str()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        DraftStore {
            dir: data_dir
                .join("drafts")
                .join(profile)
                .join("customers")
                .join(format!("c-{safe}")),
        }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    pub fn save(&self, draft: &Draft) -> std::io::Result<()> {
        if !draft
            .idempotency_key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(std::io::Error::other(
                "a draft key must be letters, digits and dashes",
            ));
        }
        std::fs::create_dir_all(&self.dir)?;
        let json = serde_json::to_vec_pretty(draft).map_err(std::io::Error::other)?;
        let path = self.path(&draft.idempotency_key);
        // A name of its own per write: two saves of one draft must not share a temporary file.
        static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = path.with_extension(format!("json.{}.{n}.tmp", std::process::id()));
        {
            use std::io::Write;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&tmp)?;
            file.write_all(&json)?;
            file.sync_all()?;
        }
        std::fs::rename(tmp, path)
    }

    /// Every saved draft, oldest first; unreadable files are skipped (and logged).
    pub fn list(&self) -> Vec<Draft> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut drafts: Vec<Draft> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .filter_map(|e| match std::fs::read(e.path()).map(|b| serde_json::from_slice::<Draft>(&b)) {
                Ok(Ok(draft)) => Some(draft),
                other => {
                    tracing::warn!(path = %e.path().display(), ok = other.is_ok(), "skipping an unreadable draft");
                    None
                }
            })
            .collect();
        drafts.sort_by_key(|d| d.created_at);
        drafts
    }

    pub fn delete(&self, key: &str) -> std::io::Result<()> {
        match std::fs::remove_file(self.path(key)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(code: &str, brand: &str, price: i64, availability: Availability) -> Product {
        Product {
            code: code.into(),
            brand: brand.into(),
            name: format!("{brand} {code}"),
            price: Money::from_minor(price, Currency::EUR),
            availability,
        }
    }

    fn line(code: &str, qty: u32, old: Option<i64>, resolution: Resolution) -> DraftLine {
        DraftLine {
            code: code.into(),
            brand: None,
            name: None,
            quantity: qty,
            old_unit_price: old.map(|m| Money::from_minor(m, Currency::EUR)),
            resolution,
            brand_choices: Vec::new(),
        }
    }

    #[test]
    fn parses_pasted_lines_with_mixed_separators() {
        let text =
            "code;qty\nKB-100\t2\nNordkeys, KB-200, 3\n\n# comment\nMS-20;1\nBAD\nX 0\nY two\n";
        let (lines, errors) = parse_quick_order(text);
        assert_eq!(
            lines,
            vec![
                QuickLine {
                    brand: None,
                    code: "KB-100".into(),
                    quantity: 2
                },
                QuickLine {
                    brand: Some("Nordkeys".into()),
                    code: "KB-200".into(),
                    quantity: 3
                },
                QuickLine {
                    brand: None,
                    code: "MS-20".into(),
                    quantity: 1
                },
            ]
        );
        let bad: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(bad, [7, 8, 9]);
    }

    #[test]
    fn only_orderable_lines_are_sent_and_blockers_are_named() {
        let ok = line(
            "A",
            2,
            Some(1000),
            Resolution::Found {
                product: product("A", "X", 1100, Availability::InStock { quantity: Some(10) }),
            },
        );
        let short = line(
            "B",
            5,
            Some(500),
            Resolution::Found {
                product: product("B", "X", 500, Availability::InStock { quantity: Some(3) }),
            },
        );
        let gone = line(
            "C",
            1,
            Some(700),
            Resolution::Found {
                product: product("C", "X", 700, Availability::OutOfStock),
            },
        );
        let missing = line("D", 1, None, Resolution::NotFound);
        let ambiguous = line(
            "E",
            1,
            None,
            Resolution::Ambiguous {
                brands: vec!["X".into(), "Y".into()],
            },
        );
        let draft = Draft::new(
            Some("SO-1".into()),
            vec![ok.clone(), short.clone(), gone, missing, ambiguous],
        );
        assert!(ok.price_changed() && !short.price_changed());
        assert_eq!(
            short.blocker(),
            Some(Blocker::NotEnoughStock { available: 3 })
        );
        let order = draft.to_new_order();
        assert_eq!(order.lines.len(), 1);
        assert_eq!(order.lines[0].code.as_str(), "A");
        assert_eq!(order.idempotency_key, draft.idempotency_key);
        let totals = draft.totals();
        assert_eq!(totals.now, Some(Money::from_minor(2200, Currency::EUR)));
        // Before counts the same lines as now: the four left out are in neither.
        assert_eq!(totals.before, Some(Money::from_minor(2000, Currency::EUR)));
        assert_eq!((totals.sendable_lines, totals.blocked_lines), (1, 4));
    }

    #[test]
    fn drafts_survive_on_disk_until_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path(), "demo");
        let draft = Draft::new(None, vec![line("A", 1, None, Resolution::Pending)]);
        store.save(&draft).unwrap();
        assert_eq!(store.list(), vec![draft.clone()]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = dir
                .path()
                .join("drafts/demo")
                .join(format!("{}.json", draft.idempotency_key));
            assert_eq!(
                std::fs::metadata(path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        store.delete(&draft.idempotency_key).unwrap();
        assert!(store.list().is_empty());
    }
}
