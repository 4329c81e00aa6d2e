//! The embedded seed data parses, generation is deterministic, and totals follow the rules.

use super::generate::{Totals, generate};
use super::*;

#[test]
fn embedded_data_parses_and_passes_its_checks() {
    let data = data().expect("seed data");
    assert_eq!(data.customers.customers.len(), 3);
    assert!(data.rules.currencies.len() >= 3);
}

#[test]
fn generation_is_deterministic() {
    let data = data().expect("seed data");
    let first = generate(data, SeedOptions::default()).expect("generate");
    let second = generate(data, SeedOptions::default()).expect("generate");
    assert_eq!(first, second);
}

#[test]
fn shared_codes_and_currency_rounding() {
    let data = data().expect("seed data");
    let generated = generate(data, SeedOptions::default()).expect("generate");
    let bearings: Vec<_> = generated
        .products
        .iter()
        .filter(|p| p.code == "6204-2RS")
        .map(|p| p.brand.as_str())
        .collect();
    assert_eq!(bearings, ["Nordlager", "Bergmann"]);
    for product in &generated.products {
        let sek = product.price(Currency::SEK).expect("SEK price");
        let jpy = product.price(Currency::JPY).expect("JPY price");
        assert_eq!(sek % 100, 0, "whole kronor: {product:?}");
        assert_eq!(jpy % 10, 0, "tens of yen: {product:?}");
        assert!(product.price(Currency::EUR).expect("EUR price") > 0);
    }
}

#[test]
fn totals_include_tax_and_free_shipping_threshold() {
    let rule = CurrencyRule {
        code: Currency::EUR,
        per_eur: Decimal::ONE,
        round_minor: 1,
        shipping_minor: 690,
        free_shipping_from_minor: 15_000,
    };
    let small = Totals::compute(10_000, 0, &rule, 19);
    assert_eq!(small.grand_total, 10_690);
    assert_eq!(small.tax, 1_707); // 10690 * 19 / 119 = 1706.8
    let big = Totals::compute(20_000, 10, &rule, 25);
    assert_eq!(big.discounts, 2_000);
    assert_eq!(big.shipping, 0);
    assert_eq!(big.grand_total, 18_000);
    assert_eq!(big.tax, 3_600);
}
