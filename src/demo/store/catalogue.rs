//! The catalogue: products by code and brand with the customer's price and availability, and
//! the price and stock changes tests and benchmarks make.

use super::customers::customer_currency;
use super::{CustomerKey, Store, db_error, optional_text};
use crate::model::*;
use crate::shop::{ShopError, ShopResult};
use rusqlite::{OptionalExtension, params};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// Limits of what one request may ask for, so a single call stays short.
const MAX_LOOKUP_CODES: usize = 200;

impl Store {
    /// Products by code, optionally narrowed to one brand, priced in the customer's currency.
    pub fn products(
        &self,
        customer: CustomerKey,
        query: &ProductQuery,
    ) -> ShopResult<Vec<Product>> {
        if query.codes.len() > MAX_LOOKUP_CODES {
            return Err(ShopError::field(
                "codes",
                format!("at most {MAX_LOOKUP_CODES} codes per lookup"),
            ));
        }
        let brand = optional_text(query.brand.as_deref());
        let conn = self.reader();
        let currency = customer_currency(&conn, customer)?;
        let mut statement = conn
            .prepare_cached(
                "SELECT p.code, p.brand, p.name, p.stock, p.discontinued, pr.amount_minor
                 FROM products p
                 JOIN prices pr ON pr.product_id = p.id AND pr.currency = ?2
                 WHERE p.code = ?1 AND (?3 IS NULL OR p.brand = ?3)
                 ORDER BY p.brand",
            )
            .map_err(db_error)?;
        let mut seen = std::collections::HashSet::new();
        let mut products = Vec::new();
        for code in &query.codes {
            let code = code.as_str().trim();
            // Codes compare without case, so "kst-ct100" and "KST-CT100" are one lookup.
            if code.is_empty() || !seen.insert(code.to_lowercase()) {
                continue;
            }
            let rows = statement
                .query_map(params![code, currency.as_str(), brand], |row| {
                    Ok(Product {
                        code: ProductCode(row.get(0)?),
                        brand: row.get(1)?,
                        name: row.get(2)?,
                        availability: availability(row.get(3)?, row.get(4)?),
                        price: Money::from_minor(row.get(5)?, currency),
                    })
                })
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(db_error)?;
            products.extend(rows);
        }
        Ok(products)
    }

    /// Test hook for the demo: change a product's price or stock (used by reorder demos/tests).
    /// A price sets the product's price in that money's currency.
    pub fn set_product(
        &self,
        code: &ProductCode,
        brand: &str,
        price: Option<Money>,
        stock: Option<u32>,
    ) -> ShopResult<()> {
        let price = match price {
            Some(money) => Some((
                money.currency,
                to_minor_units(money)
                    .filter(|minor| *minor >= 0)
                    .ok_or_else(|| ShopError::field("price", "must be a positive amount"))?,
            )),
            None => None,
        };
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(db_error)?;
        let product: Option<i64> = tx
            .query_row(
                "SELECT id FROM products WHERE code = ?1 AND brand = ?2",
                params![code.as_str().trim(), brand.trim()],
                |row| row.get(0),
            )
            .optional()
            .map_err(db_error)?;
        let Some(product) = product else {
            return Err(ShopError::NotFound(format!("product {brand} {code}")));
        };
        if let Some((currency, minor)) = price {
            tx.execute(
                "INSERT INTO prices (product_id, currency, amount_minor) VALUES (?1, ?2, ?3)
                 ON CONFLICT (product_id, currency) DO UPDATE SET amount_minor = excluded.amount_minor",
                params![product, currency.as_str(), minor],
            )
            .map_err(db_error)?;
        }
        if let Some(stock) = stock {
            tx.execute(
                "UPDATE products SET stock = ?1 WHERE id = ?2",
                params![stock, product],
            )
            .map_err(db_error)?;
        }
        tx.commit().map_err(db_error)
    }
}

pub(super) fn to_minor_units(money: Money) -> Option<i64> {
    let scale = Decimal::from(10_i64.pow(money.currency.minor_digits()));
    (money.rounded().amount * scale).to_i64()
}

pub(super) fn availability(stock: u32, discontinued: bool) -> Availability {
    if discontinued {
        Availability::Discontinued
    } else if stock == 0 {
        Availability::OutOfStock
    } else {
        Availability::InStock {
            quantity: Some(stock),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    // --- products and orders -------------------------------------------------------------------------

    #[test]
    fn products_by_code_and_brand_in_the_customers_currency() {
        let store = shared();
        let buyer = key(store, BUYER);
        let query = |codes: &[&str], brand: Option<&str>| ProductQuery {
            codes: codes.iter().map(|c| ProductCode::from(*c)).collect(),
            brand: brand.map(str::to_owned),
        };
        let shared_code = store.products(buyer, &query(&["6204-2RS"], None)).unwrap();
        let brands: Vec<_> = shared_code.iter().map(|p| p.brand.as_str()).collect();
        assert_eq!(brands, ["Bergmann", "Nordlager"], "one code, two brands");
        assert_eq!(shared_code[0].availability, Availability::OutOfStock);
        assert_eq!(
            shared_code[1].availability,
            Availability::InStock {
                quantity: Some(240)
            }
        );
        assert_ne!(shared_code[0].price, shared_code[1].price);

        let narrowed = store
            .products(buyer, &query(&["6204-2rs"], Some(" nordlager ")))
            .unwrap();
        assert_eq!(narrowed, shared_code[1..]);
        let mixed = store
            .products(
                buyer,
                &query(&["NO-SUCH-CODE", "KST-WL10", "kst-wl10", "KST-CT100"], None),
            )
            .unwrap();
        let codes: Vec<_> = mixed.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(
            codes,
            ["KST-WL10", "KST-CT100"],
            "unknown codes are absent, repeats once"
        );
        assert_eq!(mixed[0].availability, Availability::Discontinued);
        assert_eq!(mixed[1].name, "Cable ties 2.5 × 100 mm, pack of 100");

        let currency_of = |login| {
            store
                .products(key(store, login), &query(&["KST-CT100"], None))
                .unwrap()[0]
                .price
                .currency
        };
        assert_eq!(currency_of(BUYER), Currency::EUR);
        assert_eq!(currency_of(HANAKO), Currency::JPY);
        assert_eq!(currency_of(NEWCOMER), Currency::SEK);

        let too_many = vec!["X"; MAX_LOOKUP_CODES + 1];
        let error = store.products(buyer, &query(&too_many, None)).unwrap_err();
        assert_eq!(field_names(&error), ["codes"]);
        assert!(matches!(
            store.products(9_999, &query(&["KST-CT100"], None)),
            Err(ShopError::NotFound(_))
        ));

        let catalogue: i64 = store
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM (SELECT code FROM products GROUP BY code HAVING COUNT(*) > 1)",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert!(catalogue >= 10, "{catalogue} shared codes");
    }

    #[test]
    fn the_newest_orders_can_be_ordered_again() {
        let store = shared();
        for login in [BUYER, HANAKO] {
            let customer = key(store, login);
            let newest = &store
                .orders(customer, &PageRequest::first(1))
                .unwrap()
                .items[0];
            for line in store.order(customer, &newest.number).unwrap().lines {
                let found = product(store, customer, line.code.as_str(), &line.brand);
                assert!(in_stock(&found) > 0);
            }
        }
    }

    #[test]
    fn set_product_changes_price_and_stock() {
        let store = fresh();
        let buyer = key(&store, BUYER);
        let code = ProductCode::from("ARV-MT25");
        let price = Money::new(Decimal::new(1234, 2), Currency::EUR);
        store
            .set_product(&code, "arvid", Some(price), Some(0))
            .unwrap();
        let changed = product(&store, buyer, "ARV-MT25", "Arvid");
        assert_eq!(changed.price, price);
        assert_eq!(changed.availability, Availability::OutOfStock);
        let hanako = key(&store, HANAKO);
        assert_ne!(
            product(&store, hanako, "ARV-MT25", "Arvid").price.amount,
            price.amount,
            "other currencies keep their price"
        );
        store.set_product(&code, "Arvid", None, Some(3)).unwrap();
        let restocked = product(&store, buyer, "ARV-MT25", "Arvid");
        assert_eq!(restocked.price, price);
        assert_eq!(in_stock(&restocked), 3);

        assert!(matches!(
            store.set_product(&code, "Kestrel", None, Some(1)),
            Err(ShopError::NotFound(_))
        ));
        let negative = Money::new(Decimal::new(-1, 0), Currency::EUR);
        let error = store
            .set_product(&code, "Arvid", Some(negative), None)
            .unwrap_err();
        assert_eq!(field_names(&error), ["price"]);
    }
}
