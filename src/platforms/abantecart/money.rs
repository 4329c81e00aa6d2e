//! AbanteCart's money text: storefront answers carry totals as `ACurrency::format` writes them
//! ("1,234.50€", "$0.99"), never as numbers. The connector reads them; the demo's emulator writes
//! them; both go through here so the two sides cannot drift apart.

use crate::model::{Currency, Money};
use std::str::FromStr;

/// `ACurrency::format` with the English pack's separators and this shop's currencies: US dollar
/// `$` left, euro `€` right, pound `£` left (as AbanteCart installs them), any other currency its
/// code and a space on the left.
pub fn formatted_total(total: Money) -> String {
    let digits = total.currency.minor_digits();
    let rounded = total.rounded().amount;
    let text = format!("{:.*}", digits as usize, rounded.abs());
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole.to_owned(), Some(fraction.to_owned())),
        None => (text, None),
    };
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if let Some(fraction) = fraction {
        grouped.push('.');
        grouped.push_str(&fraction);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    match total.currency.as_str() {
        "USD" => format!("{sign}${grouped}"),
        "EUR" => format!("{sign}{grouped}€"),
        "GBP" => format!("{sign}£{grouped}"),
        code => format!("{sign}{code} {grouped}"),
    }
}

/// The currency a symbol names when it names one: an ISO code, or a symbol no other currency
/// uses. `$` is the US dollar AbanteCart installs with; `¥` (yen or yuan) and `kr` (four crowns)
/// are not told apart.
fn currency_of_symbol(symbol: &str) -> Option<Currency> {
    let code = match symbol {
        "$" | "US$" => "USD",
        "€" => "EUR",
        "£" => "GBP",
        "C$" | "CA$" => "CAD",
        "A$" | "AU$" => "AUD",
        "NZ$" => "NZD",
        "Kč" => "CZK",
        "zł" => "PLN",
        "Ft" => "HUF",
        "₹" => "INR",
        "₩" => "KRW",
        "₺" => "TRY",
        "₪" => "ILS",
        code if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) => code,
        _ => return None,
    };
    code.parse().ok()
}

/// An `ACurrency::format` total: symbol left or right, then the number with the currency's
/// decimals after the last separator and thousands grouped by another. `None` when the currency
/// or the number cannot be read without guessing.
pub fn shop_money(text: &str) -> Option<Money> {
    let text = text.trim();
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text),
    };
    let first = text.find(|c: char| c.is_ascii_digit())?;
    let last = text.rfind(|c: char| c.is_ascii_digit())?;
    let (left, number, right) = (&text[..first], &text[first..=last], &text[last + 1..]);
    let symbol = match (left.trim(), right.trim()) {
        (symbol, "") | ("", symbol) if !symbol.is_empty() => symbol,
        _ => return None,
    };
    let currency = currency_of_symbol(symbol)?;
    let digits = currency.minor_digits() as usize;
    let chars: Vec<char> = number.chars().collect();
    let (whole, fraction) = if digits == 0 {
        (&chars[..], &[][..])
    } else {
        let split = chars.len().checked_sub(digits + 1)?;
        if !matches!(chars[split], '.' | ',') {
            return None;
        }
        (&chars[..split], &chars[split + 1..])
    };
    if !fraction.iter().all(char::is_ascii_digit) {
        return None;
    }
    let decimal_point = (digits > 0).then(|| chars[chars.len() - digits - 1]);
    // Thousands: one separator, not the decimal point, between groups of three.
    let mut groups = whole.split(|c| !c.is_ascii_digit());
    let head = groups.next()?;
    let separators: Vec<char> = whole
        .iter()
        .copied()
        .filter(|c| !c.is_ascii_digit())
        .collect();
    if head.is_empty() || (!separators.is_empty() && head.len() > 3) {
        return None;
    }
    if let Some(&separator) = separators.first() {
        let allowed = [',', '.', ' ', '\u{a0}', '\u{202f}', '\''];
        if !allowed.contains(&separator)
            || Some(separator) == decimal_point
            || separators.iter().any(|c| *c != separator)
            || !groups.all(|group| group.len() == 3)
        {
            return None;
        }
    }
    let whole: String = whole.iter().filter(|c| c.is_ascii_digit()).collect();
    let fraction: String = fraction.iter().collect();
    let amount = if fraction.is_empty() {
        rust_decimal::Decimal::from_str(&whole)
    } else {
        rust_decimal::Decimal::from_str(&format!("{whole}.{fraction}"))
    }
    .ok()?;
    Some(Money::new(
        if negative { -amount } else { amount },
        currency,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn totals_are_formatted_as_abantecart_does_and_read_back() {
        let cases = [
            (
                Money::new(Decimal::new(123450, 2), Currency::EUR),
                "1,234.50€",
            ),
            (Money::new(Decimal::new(99, 2), Currency::USD), "$0.99"),
            (Money::new(Decimal::new(-500, 2), Currency::USD), "-$5.00"),
            (
                Money::new(Decimal::new(1234567, 0), Currency::JPY),
                "JPY 1,234,567",
            ),
            (
                Money::new(Decimal::new(100000, 2), Currency::SEK),
                "SEK 1,000.00",
            ),
            (Money::new(Decimal::new(12345, 3), Currency::EUR), "12.35€"),
        ];
        for (money, text) in cases {
            assert_eq!(formatted_total(money), text);
            assert_eq!(shop_money(text), Some(money.rounded()), "{text}");
        }
    }

    #[test]
    fn formatted_totals() {
        let money = |text: &str| shop_money(text).map(|m| m.to_string());
        assert_eq!(money("$1,234.50").as_deref(), Some("1234.50 USD"));
        assert_eq!(money("1,234.50€").as_deref(), Some("1234.50 EUR"));
        assert_eq!(money("1.234,50 €").as_deref(), Some("1234.50 EUR"));
        assert_eq!(money("£0.99").as_deref(), Some("0.99 GBP"));
        assert_eq!(money("-$5.00").as_deref(), Some("-5.00 USD"));
        assert_eq!(money("SEK 12,345.00").as_deref(), Some("12345.00 SEK"));
        assert_eq!(money("1 234 567,89 CZK").as_deref(), Some("1234567.89 CZK"));
        assert_eq!(money("JPY 1,200").as_deref(), Some("1200 JPY"));
        assert_eq!(money("12.00 Kč").as_deref(), Some("12.00 CZK"));
        // Exact decimals, no float on the way.
        assert_eq!(
            shop_money("$0.10").unwrap().amount,
            rust_decimal::Decimal::new(10, 2)
        );
        // Which currency, or which number, is not certain: refused rather than guessed.
        for unsure in [
            "12.00 kr",
            "¥1,200",
            "12.00",
            "$12",
            "$1,234",
            "$1,23,4.00",
            "$1.234.50",
            "$12.5",
            "€12.00€",
            "$ 12.00 USD",
            "",
        ] {
            assert_eq!(shop_money(unsure), None, "{unsure}");
        }
    }
}
