//! Money: a decimal amount with its ISO 4217 currency. Arithmetic refuses to mix currencies.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An ISO 4217 currency code, three upper-case ASCII letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    pub const EUR: Currency = Currency(*b"EUR");
    pub const USD: Currency = Currency(*b"USD");
    pub const SEK: Currency = Currency(*b"SEK");
    pub const CZK: Currency = Currency(*b"CZK");
    pub const JPY: Currency = Currency(*b"JPY");

    pub fn as_str(&self) -> &str {
        // Constructed only from ASCII upper-case letters.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// Digits after the decimal point this currency is shown with.
    pub fn minor_digits(&self) -> u32 {
        match &self.0 {
            b"JPY" | b"KRW" | b"ISK" | b"CLP" | b"VND" => 0,
            b"BHD" | b"KWD" | b"OMR" | b"JOD" | b"TND" => 3,
            _ => 2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("{0:?} is not a currency code (three letters, like EUR)")]
    BadCurrency(String),
    #[error("cannot combine {0} and {1} amounts")]
    CurrencyMismatch(Currency, Currency),
    /// Beyond what a decimal holds (about 7.9 × 10²⁸): only a broken or hostile shop sends that.
    #[error("an amount too large to add up ({0})")]
    Overflow(Currency),
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = s.trim().as_bytes();
        match bytes {
            [a, b, c] if bytes.iter().all(u8::is_ascii_alphabetic) => Ok(Currency([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
                c.to_ascii_uppercase(),
            ])),
            _ => Err(MoneyError::BadCurrency(s.to_owned())),
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An amount of money. Serialised as `{"amount": "12.50", "currency": "EUR"}`: the amount is a
/// string so no JSON parser turns it into a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Money::new(Decimal::ZERO, currency)
    }

    /// Amount in minor units (cents), as many platforms store prices.
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Money::new(Decimal::new(minor, currency.minor_digits()), currency)
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch(self.currency, other.currency));
        }
        // Amounts come from shops: `+` would panic past Decimal's range.
        let sum = self
            .amount
            .checked_add(other.amount)
            .ok_or(MoneyError::Overflow(self.currency))?;
        Ok(Money::new(sum, self.currency))
    }

    /// `quantity` times the amount. Past Decimal's range (a price no real shop has) the amount
    /// stays at Decimal's largest, of the right sign, instead of panicking as `*` would.
    pub fn times(self, quantity: u32) -> Money {
        let product = self.amount.checked_mul(Decimal::from(quantity)).unwrap_or(
            if self.amount.is_sign_negative() {
                Decimal::MIN
            } else {
                Decimal::MAX
            },
        );
        Money::new(product, self.currency)
    }

    /// The amount rounded to the currency's minor unit (banker's rounding is not what shops print).
    pub fn rounded(self) -> Money {
        Money::new(
            self.amount.round_dp_with_strategy(
                self.currency.minor_digits(),
                rust_decimal::RoundingStrategy::MidpointAwayFromZero,
            ),
            self.currency,
        )
    }
}

impl fmt::Display for Money {
    /// `1234.50 EUR`: the amount with the currency's digits, then the code. Unambiguous in any locale.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.currency.minor_digits() as usize;
        // Through `pad`, so table code can align amounts with `{:>12}`.
        f.pad(&format!(
            "{:.*} {}",
            digits,
            self.rounded().amount,
            self.currency
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_with_the_currencys_minor_digits() {
        assert_eq!(
            Money::from_minor(123450, Currency::EUR).to_string(),
            "1234.50 EUR"
        );
        assert_eq!(
            Money::from_minor(1200, Currency::JPY).to_string(),
            "1200 JPY"
        );
        let third = Money::new(Decimal::new(10, 0) / Decimal::new(3, 0), Currency::USD);
        assert_eq!(third.to_string(), "3.33 USD");
    }

    #[test]
    fn refuses_to_add_different_currencies() {
        let eur = Money::from_minor(100, Currency::EUR);
        let usd = Money::from_minor(100, Currency::USD);
        assert_eq!(
            eur.checked_add(usd),
            Err(MoneyError::CurrencyMismatch(Currency::EUR, Currency::USD))
        );
        assert_eq!(
            eur.checked_add(eur).unwrap(),
            Money::from_minor(200, Currency::EUR)
        );
    }

    #[test]
    fn amounts_past_decimals_range_are_an_error_or_saturate_never_a_panic() {
        let huge = Money::new(Decimal::MAX, Currency::EUR);
        assert_eq!(
            huge.checked_add(huge),
            Err(MoneyError::Overflow(Currency::EUR))
        );
        assert_eq!(huge.times(3).amount, Decimal::MAX);
        assert_eq!(
            Money::new(Decimal::MIN, Currency::EUR).times(2).amount,
            Decimal::MIN
        );
        assert_eq!(
            Money::from_minor(250, Currency::EUR).times(4),
            Money::from_minor(1000, Currency::EUR)
        );
        // Display and rounding hold at the edge too.
        assert_eq!(huge.to_string(), format!("{}.00 EUR", Decimal::MAX));
    }

    #[test]
    fn serialises_amount_as_string() {
        let json = serde_json::to_string(&Money::from_minor(1999, Currency::SEK)).unwrap();
        assert_eq!(json, r#"{"amount":"19.99","currency":"SEK"}"#);
        let back: Money = serde_json::from_str(r#"{"amount":"0.10","currency":"sek"}"#).unwrap();
        assert_eq!(back, Money::from_minor(10, Currency::SEK));
        assert!(serde_json::from_str::<Money>(r#"{"amount":"1","currency":"EURO"}"#).is_err());
    }
}
