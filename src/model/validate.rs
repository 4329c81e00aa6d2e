//! Field limits and checks shared by the TUI's forms (checked before sending) and the demo shop
//! (checked again on the server). Limits follow the AbanteCart account API: names 32, e-mail 96,
//! telephone 32, company 32, street lines 128, city 128, postcode 10.

use super::{AccountDraft, PostalAddress};
use serde::{Deserialize, Serialize};

pub const NAME_MAX: usize = 32;
pub const EMAIL_MAX: usize = 96;
pub const PHONE_MAX: usize = 32;
pub const COMPANY_MAX: usize = 32;
/// Shoptet's limits for `billingAddress.companyId` and `.vatId` (the one platform keeping them).
pub const COMPANY_ID_MAX: usize = 18;
pub const VAT_ID_MAX: usize = 16;
pub const STREET_MAX: usize = 128;
pub const CITY_MAX: usize = 128;
pub const POSTCODE_MAX: usize = 10;
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;

/// A message about one field of a form, from the shop or from local validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

struct Checker(Vec<FieldError>);

impl Checker {
    fn fail(&mut self, field: &str, message: String) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message,
        });
    }

    fn required(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.fail(field, "is required".to_owned());
        } else {
            self.optional(field, Some(value), max);
        }
    }

    fn optional(&mut self, field: &str, value: Option<&str>, max: usize) {
        let Some(value) = value else { return };
        let chars = value.chars().count();
        if chars > max {
            self.fail(
                field,
                format!("must be at most {max} characters (has {chars})"),
            );
        } else if value.chars().any(char::is_control) {
            self.fail(field, "must not contain control characters".to_owned());
        }
    }
}

/// A plausible e-mail address: one `@`, something before it, a dot in the domain, no spaces.
pub fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

pub fn account(draft: &AccountDraft) -> Vec<FieldError> {
    let mut check = Checker(Vec::new());
    check.required("first_name", &draft.first_name, NAME_MAX);
    check.required("last_name", &draft.last_name, NAME_MAX);
    check.required("email", &draft.email, EMAIL_MAX);
    if !draft.email.trim().is_empty() && !is_plausible_email(draft.email.trim()) {
        check.fail("email", "is not an e-mail address".to_owned());
    }
    check.optional("phone", draft.phone.as_deref(), PHONE_MAX);
    let phone_chars_ok = |phone: &str| {
        phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()/.".contains(c))
    };
    if draft.phone.as_deref().is_some_and(|p| !phone_chars_ok(p)) {
        check.fail(
            "phone",
            "may hold only digits, spaces and + - ( ) / .".to_owned(),
        );
    }
    check.optional("company", draft.company.as_deref(), COMPANY_MAX);
    check.optional("company_id", draft.company_id.as_deref(), COMPANY_ID_MAX);
    check.optional("vat_id", draft.vat_id.as_deref(), VAT_ID_MAX);
    check.0
}

pub fn address(draft: &PostalAddress) -> Vec<FieldError> {
    let mut check = Checker(Vec::new());
    check.required("first_name", &draft.first_name, NAME_MAX);
    check.required("last_name", &draft.last_name, NAME_MAX);
    check.optional("company", draft.company.as_deref(), COMPANY_MAX);
    check.required("line1", &draft.line1, STREET_MAX);
    check.optional("line2", draft.line2.as_deref(), STREET_MAX);
    check.required("city", &draft.city, CITY_MAX);
    check.required("postcode", &draft.postcode, POSTCODE_MAX);
    check.optional("region", draft.region.as_deref(), CITY_MAX);
    check.optional("phone", draft.phone.as_deref(), PHONE_MAX);
    if crate::model::country_name(&draft.country).is_none() {
        check.fail(
            "country",
            "must be an ISO 3166 two-letter country code, like DE".to_owned(),
        );
    }
    check.0
}

/// Problems with a new password; empty when it is acceptable.
pub fn new_password(password: &str) -> Vec<FieldError> {
    let mut check = Checker(Vec::new());
    let chars = password.chars().count();
    if chars < PASSWORD_MIN {
        check.fail(
            "new_password",
            format!("must be at least {PASSWORD_MIN} characters"),
        );
    } else if chars > PASSWORD_MAX {
        check.fail(
            "new_password",
            format!("must be at most {PASSWORD_MAX} characters"),
        );
    }
    check.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> AccountDraft {
        AccountDraft {
            email: "ada@example.com".into(),
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            phone: Some("+44 20 7946 0000".into()),
            company: None,
            company_id: None,
            vat_id: None,
        }
    }

    #[test]
    fn accepts_a_good_account_and_counts_characters_not_bytes() {
        assert!(account(&draft()).is_empty());
        let mut japanese = draft();
        japanese.first_name = "あ".repeat(32); // 96 bytes, 32 characters
        assert!(account(&japanese).is_empty());
    }

    #[test]
    fn reports_each_bad_field() {
        let mut bad = draft();
        bad.first_name = "x".repeat(33);
        bad.email = "not-an-email".into();
        bad.phone = Some("call me".into());
        bad.company_id = Some("1".repeat(19));
        bad.vat_id = Some("CZ".repeat(9));
        let fields: Vec<_> = account(&bad).into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["first_name", "email", "phone", "company_id", "vat_id"]
        );
        let mut longest = draft();
        longest.company_id = Some("1".repeat(18));
        longest.vat_id = Some("CZ".repeat(8));
        assert!(account(&longest).is_empty());
    }

    #[test]
    fn email_shapes() {
        assert!(is_plausible_email("a.b@shop.example"));
        for bad in ["a@b", "@x.com", "a@@x.com", "a b@x.com", "a@x.", "a@.x"] {
            assert!(!is_plausible_email(bad), "{bad}");
        }
    }
}
