//! The account routes' forms: sign-up (`api/account/create.php`) and the account edit
//! (`api/account/edit.php`), validated as AbanteCart 1.4.4 validates them.

use super::*;

/// The account form's parameters: PHP's request values, escaped and trimmed as AbanteCart's
/// request object leaves them.
pub(super) struct EditRequest {
    firstname: Option<String>,
    lastname: Option<String>,
    email: Option<String>,
    telephone: Option<String>,
    fax: Option<String>,
    newsletter: Option<String>,
}

impl EditRequest {
    fn of(form: &Form) -> EditRequest {
        let value = |name: &str| form.get(name).map(|v| stored(v.trim()));
        EditRequest {
            firstname: value(fields::FIRSTNAME),
            lastname: value(fields::LASTNAME),
            email: value(fields::EMAIL),
            telephone: value(fields::TELEPHONE),
            fax: value(fields::FAX),
            newsletter: value(fields::NEWSLETTER),
        }
    }
}

/// `validateEditData`'s errors by field, as 1.4.4 checks them (a real 1.4.4 answered so, see
/// tests/fixtures/abantecart-real/): only the telephone, which must be given (3 to 32
/// characters of the shop's pattern); names and e-mail are not checked by the controller (the
/// demo store still refuses what it cannot keep, named per field).
pub(super) fn edit_errors(request: &EditRequest) -> Vec<(&'static str, &'static str)> {
    let mut errors = Vec::new();
    let phone = request.telephone.as_deref().unwrap_or("");
    let phone_chars_ok = phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()/.".contains(c));
    if !(3..=PHONE_MAX).contains(&phone.chars().count()) || !phone_chars_ok {
        errors.push(("telephone", messages::TELEPHONE_ERROR));
    }
    errors
}

/// `a/account/create`'s form as the controller's `get()` builds it (the shape recorded from a real
/// 1.4.4, tests/fixtures/abantecart-real/9xx-signup-*): every field with the value posted (`null`
/// when none) and its `error` as the controller fills it in (its slips kept: the login name shows
/// the first name's error, the zone and both passwords the last name's); after a refused `POST`,
/// `status` 0 with `errors` (field → text) and the `error_*` copies. Unlike the real shop the
/// emulator does not echo the passwords (`""`). The country list is the demo store's countries
/// under AbanteCart's ids.
pub(super) fn create_form(form: &Form, errors: Option<&[(&'static str, &'static str)]>) -> Value {
    let error_of = |name: &str| {
        errors
            .and_then(|errors| errors.iter().find(|(field, _)| *field == name))
            .map_or(Value::Null, |(_, text)| Value::from(*text))
    };
    let posted = |name: &str| form.get(name).map_or(Value::Null, Value::from);
    let input = |name: &str, required: bool, error_from: Option<&str>| {
        let mut field = json!({"type": "input", "name": name, "value": posted(name)});
        if let Value::Object(map) = &mut field {
            // The controller gives the telephone an error but no `required`, the optional
            // fields neither.
            if name != register::fields::TELEPHONE {
                map.insert("required".into(), Value::from(required));
            }
            if let Some(from) = error_from {
                map.insert("error".into(), error_of(from));
            }
        }
        field
    };
    let password = |name: &str| {
        let value = form.get(name).map_or(Value::Null, |_| Value::from(""));
        json!({"type": "password", "name": name, "value": value, "required": true,
               "error": error_of("lastname")})
    };
    let mut answer = json!({
        "fields": {
            "loginname": input("loginname", true, Some("firstname")),
            "firstname": input("firstname", true, Some("firstname")),
            "lastname": input("lastname", true, Some("lastname")),
            "email": input("email", true, Some("email")),
            "telephone": input("telephone", false, Some("telephone")),
            "fax": input("fax", false, None),
            "company": input("company", false, None),
            "address_1": input("address_1", true, Some("address_1")),
            "address_2": input("address_2", false, None),
            "city": input("city", true, Some("city")),
            "postcode": input("postcode", false, None),
            "country_id": {
                "type": "selectbox", "name": "country_id",
                "options": {"FALSE": " --- Please Select --- ", "81": "Germany",
                            "107": "Japan", "203": "Sweden", "223": "United States"},
                "value": form.get("country_id").unwrap_or("223"),
                "required": true, "error": error_of("country_id"),
            },
            "zone_id": {"type": "selectbox", "name": "zone_id", "required": true,
                        "value": posted("zone_id"), "error": error_of("lastname")},
            "password": password(register::fields::PASSWORD),
            "confirm": password(register::fields::CONFIRM),
            "newsletter": {"type": "radio", "name": "newsletter",
                           "value": form.get("newsletter").map_or(Value::from(-1), Value::from),
                           "options": {"1": "Yes", "0": "No"}},
            "agree": {"type": "checkbox", "name": "agree", "value": 1, "checked": null},
        },
        "text_agree": "I have read and agree to the",
    });
    if let (Some(errors), Value::Object(map)) = (errors, &mut answer) {
        let by_field: serde_json::Map<String, Value> = errors
            .iter()
            .map(|(name, text)| ((*name).to_owned(), Value::from(*text)))
            .collect();
        map.insert("status".into(), Value::from(0));
        map.insert("errors".into(), Value::Object(by_field.clone()));
        for (key, field) in [
            ("error_warning", "warning"),
            ("error_loginname", "loginname"),
            ("error_firstname", "firstname"),
            ("error_lastname", "lastname"),
            ("error_email", "email"),
            ("error_telephone", "telephone"),
            ("error_password", "password"),
            ("error_confirm", "confirm"),
            ("error_address_1", "address_1"),
            ("error_city", "city"),
            ("error_country", "country"),
            ("error_zone", "zone"),
        ] {
            map.insert(
                key.into(),
                by_field.get(field).cloned().unwrap_or(Value::Null),
            );
        }
    }
    answer
}

/// `POST a/account/create`, as `validateRegistrationData` checks it (e-mail unique, telephone
/// 3 to 32 characters of the phone pattern, password 4 to 20 equal to `confirm`), then the
/// store's account and password rules, refusals worded as the controller's texts. HTTP 200
/// either way.
pub(super) async fn create_account(state: &DemoState, form: &Form) -> Response {
    let text = |name: &str| {
        html_escape::decode_html_entities(form.get(name).unwrap_or("").trim()).into_owned()
    };
    let password = zeroize::Zeroizing::new(
        form.get(register::fields::PASSWORD)
            .unwrap_or("")
            .to_owned(),
    );
    let mut errors: Vec<(&'static str, &'static str)> = Vec::new();
    let phone = text(register::fields::TELEPHONE);
    let phone_chars_ok = phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()/.".contains(c));
    if !(3..=32).contains(&phone.chars().count()) || !phone_chars_ok {
        errors.push(("telephone", register::messages::TELEPHONE));
    }
    if !(4..=20).contains(&password.chars().count()) {
        errors.push(("password", register::messages::PASSWORD));
    }
    if form.get(register::fields::CONFIRM).unwrap_or("") != password.as_str() {
        errors.push(("confirm", register::messages::CONFIRM));
    }
    if errors.is_empty() {
        let draft = AccountDraft {
            email: text(register::fields::EMAIL),
            first_name: text(register::fields::FIRSTNAME),
            last_name: text(register::fields::LASTNAME),
            phone: Some(phone),
            company: None,
            company_id: None,
            vat_id: None,
        };
        let created = state
            .with_store(move |s| match s.create_customer(&draft, &password) {
                Ok(_) => Ok(Vec::new()),
                Err(ShopError::Validation { fields, .. }) => Ok(fields
                    .iter()
                    .map(|f| match f.field.as_str() {
                        "first_name" => ("firstname", messages::FIRSTNAME_ERROR),
                        "last_name" => ("lastname", messages::LASTNAME_ERROR),
                        "phone" => ("telephone", register::messages::TELEPHONE),
                        "password" => ("password", register::messages::PASSWORD),
                        _ if f.message.contains("already used") => {
                            ("email", register::messages::EMAIL_EXISTS)
                        }
                        _ => ("email", messages::EMAIL_ERROR),
                    })
                    .collect()),
                Err(error) => Err(error),
            })
            .await;
        match created {
            Ok(store_errors) => errors = store_errors,
            Err(error) => return store_failure(&error),
        }
        // The demo's login names are the e-mails: a taken e-mail is a taken login name too,
        // which the real shop names first.
        if errors.contains(&("email", register::messages::EMAIL_EXISTS))
            && form.get(register::fields::LOGINNAME).is_some()
        {
            errors.insert(0, ("loginname", register::messages::LOGINNAME_TAKEN));
        }
        if errors.is_empty() {
            return json(
                StatusCode::OK,
                &json!({
                    "mail_template_data": {
                        "store_name": "shopterm demo",
                        "login_url": "index.php?rt=account/login",
                    },
                    "status": 1,
                    "text_message": register::messages::SUCCESS,
                }),
            );
        }
    }
    json(StatusCode::OK, &create_form(form, Some(&errors)))
}

/// The form as `_build_response` answers it: each value from the request if it gave one, else
/// the stored customer's; with `errors` (and `status: 0`) after a refused save.
pub(super) async fn account_form(
    state: &DemoState,
    customer: CustomerKey,
    request: EditRequest,
    errors: Option<Vec<(&'static str, &'static str)>>,
) -> Response {
    let account = match state.with_store(move |s| s.account(customer)).await {
        Ok(account) => account,
        Err(error) => return store_failure(&error),
    };
    let error_of = |field: &str| {
        errors.as_ref().map(|errors| {
            errors
                .iter()
                .find(|(name, _)| *name == field)
                .map(|(_, text)| (*text).to_owned())
        })
    };
    let field = |name: &str, value: String, required: Option<bool>, error: bool| wire::FormField {
        kind: Some(
            if name == fields::NEWSLETTER {
                "selectbox"
            } else {
                "input"
            }
            .to_owned(),
        ),
        name: Some(name.to_owned()),
        value: Some(value),
        required,
        // Every field the controller gives an `error` has one, `null` when fine.
        error: error.then(|| error_of(name).flatten()),
    };
    let form = wire::EditFields {
        firstname: Some(field(
            fields::FIRSTNAME,
            request
                .firstname
                .unwrap_or_else(|| stored(&account.first_name)),
            Some(true),
            true,
        )),
        lastname: Some(field(
            fields::LASTNAME,
            request
                .lastname
                .unwrap_or_else(|| stored(&account.last_name)),
            Some(true),
            true,
        )),
        email: Some(field(
            fields::EMAIL,
            request.email.unwrap_or_else(|| stored(&account.email)),
            Some(true),
            true,
        )),
        telephone: Some(field(
            fields::TELEPHONE,
            request
                .telephone
                .unwrap_or_else(|| stored(account.phone.as_deref().unwrap_or(""))),
            None,
            true,
        )),
        fax: Some(field(
            fields::FAX,
            request.fax.unwrap_or_default(),
            Some(false),
            false,
        )),
        newsletter: Some(field(
            fields::NEWSLETTER,
            request.newsletter.unwrap_or_else(|| "0".to_owned()),
            Some(false),
            false,
        )),
    };
    let answer = match &errors {
        None => wire::EditAnswer {
            fields: Some(form),
            ..Default::default()
        },
        Some(_) => wire::EditAnswer {
            status: Some(false),
            text_message: None,
            error_warning: Some(error_of("warning").flatten()),
            error_firstname: Some(error_of("firstname").flatten()),
            error_lastname: Some(error_of("lastname").flatten()),
            error_email: Some(error_of("email").flatten()),
            error_telephone: Some(error_of("telephone").flatten()),
            fields: Some(form),
        },
    };
    json(StatusCode::OK, &answer)
}

/// `GET a/account/edit`: the form with the stored values (or the query's).
pub(super) async fn show_account_form(state: &DemoState, form: &Form) -> Response {
    let Some(customer) = session_customer(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    account_form(state, customer, EditRequest::of(form), None).await
}

/// `POST a/account/edit`: validates and saves, or answers the form with the errors.
pub(super) async fn save_account(state: &DemoState, form: &Form) -> Response {
    let Some(customer) = session_customer(state, form) else {
        return error_only(StatusCode::UNAUTHORIZED, messages::NOT_LOGGED_IN);
    };
    let request = EditRequest::of(form);
    let mut errors = edit_errors(&request);
    if errors.is_empty() {
        // The store keeps what was typed; AbanteCart's escaping is undone for it.
        let typed = |value: &Option<String>| {
            html_escape::decode_html_entities(value.as_deref().unwrap_or("")).into_owned()
        };
        let phone = typed(&request.telephone);
        let (email, first_name, last_name) = (
            typed(&request.email),
            typed(&request.firstname),
            typed(&request.lastname),
        );
        let saved = state
            .with_store(move |s| {
                let company = s.account(customer)?.company;
                let draft = AccountDraft {
                    email,
                    first_name,
                    last_name,
                    phone: Some(phone).filter(|p| !p.is_empty()),
                    company,
                    company_id: None,
                    vat_id: None,
                };
                match s.update_account(customer, &draft) {
                    Ok(_) => Ok(Vec::new()),
                    // The store's own checks, as the controller's texts.
                    Err(ShopError::Validation { fields, .. }) => Ok(fields
                        .iter()
                        .map(|f| match f.field.as_str() {
                            "first_name" => ("firstname", messages::FIRSTNAME_ERROR),
                            "last_name" => ("lastname", messages::LASTNAME_ERROR),
                            "phone" => ("telephone", messages::TELEPHONE_ERROR),
                            _ if f.message.contains("already used") => {
                                ("warning", messages::EMAIL_EXISTS)
                            }
                            _ => ("email", messages::EMAIL_ERROR),
                        })
                        .collect()),
                    Err(error) => Err(error),
                }
            })
            .await;
        match saved {
            Ok(store_errors) => errors = store_errors,
            Err(error) => return store_failure(&error),
        }
        if errors.is_empty() {
            return json(
                StatusCode::OK,
                &wire::EditAnswer {
                    status: Some(true),
                    text_message: Some(messages::EDIT_SUCCESS.to_owned()),
                    ..Default::default()
                },
            );
        }
    }
    if !errors.iter().any(|(field, _)| *field == "warning") {
        errors.push(("warning", messages::DATA_ENTRY_ERROR));
    }
    account_form(state, customer, request, Some(errors)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_form_checks_only_the_telephone_as_1_4_4_does() {
        let request = |first: &str, phone: &str| EditRequest {
            firstname: Some(stored(first)),
            lastname: Some("Doe".into()),
            email: Some("not an e-mail".into()),
            telephone: Some(stored(phone)),
            fax: None,
            newsletter: None,
        };
        assert!(edit_errors(&request("", "+49 30 1234")).is_empty());
        assert_eq!(
            edit_errors(&request("Joe", "")),
            [("telephone", messages::TELEPHONE_ERROR)]
        );
        assert_eq!(
            edit_errors(&request("Joe", "12")),
            [("telephone", messages::TELEPHONE_ERROR)]
        );
        assert_eq!(
            edit_errors(&request("Joe", "call me")),
            [("telephone", messages::TELEPHONE_ERROR)]
        );
        let none = EditRequest {
            firstname: None,
            lastname: None,
            email: None,
            telephone: None,
            fax: None,
            newsletter: None,
        };
        let fields: Vec<_> = edit_errors(&none).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["telephone"]);
    }
}
