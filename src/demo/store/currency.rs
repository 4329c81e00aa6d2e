//! The customer's currency on its own, for emulators whose platform states it apart from prices
//! (a Spryker store names its currency before any cart or price is asked for).

use super::customers::customer_currency;
use super::{CustomerKey, Store};
use crate::model::Currency;
use crate::shop::ShopResult;

impl Store {
    /// The currency the customer is priced in (`NotFound` for an unknown customer).
    pub fn currency_of(&self, customer: CustomerKey) -> ShopResult<Currency> {
        customer_currency(&self.reader(), customer)
    }
}
