//! Glue's `/customers`: sign-up (`POST`), the signed-in customer (read, edit, anonymise), its
//! password (change) and the password reset (`/customer-forgotten-password`,
//! `/customer-restore-password`).

use super::{
    Customer, GlueBody, GlueError, OwnCustomer, PREFIX, glue_collection, glue_document, parse_body,
};
use crate::demo::state::DemoState;
use crate::demo::store::CustomerKey;
use crate::model::AccountDraft;
use crate::platforms::spryker::wire::{self, codes, format_timestamp};
use crate::shop::ShopError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub(super) fn reference(customer: CustomerKey) -> String {
    format!("DE--{customer}")
}

async fn customer_resource(
    state: &DemoState,
    customer: CustomerKey,
) -> Result<wire::Resource<wire::CustomerAttributes>, GlueError> {
    let account = state.with_store(move |s| s.account(customer)).await?;
    let reference = reference(customer);
    Ok(wire::Resource {
        kind: "customers".into(),
        links: Some(wire::Links::to(format!(
            "{}{PREFIX}/customers/{reference}",
            state.base_url
        ))),
        id: Some(reference),
        attributes: wire::CustomerAttributes {
            first_name: Some(account.first_name),
            last_name: Some(account.last_name),
            email: Some(account.email),
            created_at: account.created_at.map(format_timestamp),
            updated_at: account.created_at.map(format_timestamp),
            ..Default::default()
        },
    })
}

pub(super) async fn customers(
    State(state): State<DemoState>,
    Customer(customer): Customer,
) -> Response {
    match customer_resource(&state, customer).await {
        Ok(resource) => glue_collection(&state, "/customers", vec![resource]),
        Err(error) => error.into_response(),
    }
}

pub(super) async fn customer(
    State(state): State<DemoState>,
    OwnCustomer(customer, _): OwnCustomer,
) -> Response {
    match customer_resource(&state, customer).await {
        Ok(resource) => glue_document(StatusCode::OK, resource),
        Err(error) => error.into_response(),
    }
}

/// The customer resources of another customer are Glue's 403 "411".
pub(super) fn own(customer: CustomerKey, requested: &str) -> Result<(), GlueError> {
    if requested == reference(customer) {
        Ok(())
    } else {
        Err(GlueError::unauthorized_request())
    }
}

/// Store field names → Glue's customer attributes, for validation answers.
const CUSTOMER_NAMES: &[(&str, &str)] = &[
    ("first_name", "firstName"),
    ("last_name", "lastName"),
    ("email", "email"),
];

/// `PATCH /customers/{customerReference}`: the sent attributes change, the rest stays. The
/// account's phone and company are no customer attributes on Glue and are kept as they are.
pub(super) async fn update_customer(
    State(state): State<DemoState>,
    OwnCustomer(customer, _): OwnCustomer,
    GlueBody(update): GlueBody<wire::CustomerUpdate>,
) -> Result<Response, GlueError> {
    state
        .with_store(move |s| {
            let mut draft = s.account(customer)?.to_draft();
            if let Some(first_name) = update.first_name {
                draft.first_name = first_name;
            }
            if let Some(last_name) = update.last_name {
                draft.last_name = last_name;
            }
            if let Some(email) = update.email {
                draft.email = email;
            }
            s.update_account(customer, &draft)
        })
        .await
        .map_err(|e| GlueError::from_store(e, CUSTOMER_NAMES))?;
    let resource = customer_resource(&state, customer).await?;
    Ok(glue_document(StatusCode::OK, resource))
}

/// The salutations Glue's customer validation accepts (customers-rest-api, `Choice`).
const SALUTATIONS: [&str; 5] = ["Mr", "Mrs", "Ms", "Dr", "n/a"];

/// `POST /customers`: 201 with the new customer; a taken e-mail is 422 "400", terms not accepted
/// 400 "422", passwords that differ 422 "406", other refusals 422 "901" `field => message`, as
/// customers-rest-api's `customers.validation.yaml` has them: a gender (Male or Female) and a
/// salutation required, a password of 12 to 128 characters with an upper- and a lower-case
/// letter, a digit and one of its special characters.
pub(super) async fn create_customer(
    State(state): State<DemoState>,
    body: axum::body::Bytes,
) -> Result<Response, GlueError> {
    let request: wire::CustomerCreate = parse_body(&body)?;
    if !request.accepted_terms {
        return Err(GlueError::new(
            StatusCode::BAD_REQUEST,
            codes::TERMS_NOT_ACCEPTED,
            "Terms and Conditions was not accepted.",
        ));
    }
    if request.password != request.confirm_password {
        return Err(GlueError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::PASSWORDS_DO_NOT_MATCH,
            "Value in field password should be identical to value in the confirmPassword field.",
        ));
    }
    if !SALUTATIONS.contains(&request.salutation.as_str()) {
        return Err(GlueError::unprocessable(
            "salutation => The value you selected is not a valid choice.",
        ));
    }
    match request.gender.as_deref() {
        None | Some("") => {
            return Err(GlueError::unprocessable(
                "gender => This value should not be blank.",
            ));
        }
        Some("Male" | "Female") => {}
        Some(_) => {
            return Err(GlueError::unprocessable(
                "gender => The value you selected is not a valid choice.",
            ));
        }
    }
    if let Some(problem) = glue_password_problem(&request.password) {
        return Err(GlueError::unprocessable(format!("password => {problem}")));
    }
    let draft = AccountDraft {
        email: request.email,
        first_name: request.first_name,
        last_name: request.last_name,
        phone: None,
        company: None,
        company_id: None,
        vat_id: None,
    };
    let password = request.password;
    let created = state
        .with_store(move |s| s.create_customer(&draft, &password))
        .await;
    let customer = match created {
        Ok(customer) => customer,
        Err(ShopError::Validation { fields, .. })
            if fields
                .iter()
                .any(|f| f.field == "email" && f.message.contains("already used")) =>
        {
            return Err(GlueError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                codes::CUSTOMER_ALREADY_EXISTS,
                "Customer with this email already exists.",
            ));
        }
        Err(error) => {
            return Err(GlueError::from_store(
                error,
                &[
                    ("first_name", "firstName"),
                    ("last_name", "lastName"),
                    ("email", "email"),
                    ("password", "password"),
                ],
            ));
        }
    };
    let mut resource = customer_resource(&state, customer).await?;
    resource.attributes.salutation = Some(request.salutation);
    resource.attributes.gender = request.gender;
    Ok(glue_document(StatusCode::CREATED, resource))
}

/// Glue's password rule for a sign-up (`Length` 12–128 and its `Regex`), as its messages say it.
fn glue_password_problem(password: &str) -> Option<&'static str> {
    const SPECIAL: &str = "!@#$%^&*()_-=+[]{}|;:<>.,/?\\~";
    let length = password.chars().count();
    if length < 12 {
        return Some("This value is too short. It should have 12 characters or more.");
    }
    if length > 128 {
        return Some("This value is too long. It should have 128 characters or less.");
    }
    let allowed = password
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || SPECIAL.contains(c));
    let has = |test: fn(&char) -> bool| password.chars().any(|c| test(&c));
    if !allowed
        || !has(char::is_ascii_uppercase)
        || !has(char::is_ascii_lowercase)
        || !has(char::is_ascii_digit)
        || !password.chars().any(|c| SPECIAL.contains(c))
    {
        return Some(
            "Your password must include at least one uppercase letter, one lowercase letter, \
             one number, and one special character from the following list: \
             !@#$%^&*()_-+=[]{}|;:<>.,/?\\~. Non-Latin and other special characters are not \
             allowed.",
        );
    }
    None
}

/// `DELETE /customers/{customerReference}`: anonymises the signed-in customer (204). The
/// tokens are left to expire or be revoked at sign-out; the password no longer signs in.
pub(super) async fn anonymise_customer(
    State(state): State<DemoState>,
    OwnCustomer(customer, _): OwnCustomer,
) -> Result<Response, GlueError> {
    state
        .with_store(move |s| s.anonymise_customer(customer))
        .await
        .map_err(|e| GlueError::from_store(e, &[]))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PATCH /customer-password/{customerReference}`: 204, or Glue's 400 "408" for a wrong
/// current password. The sessions are left as they are: the Glue specification and the
/// customer-password documentation say nothing of ending tokens on a change, so the emulator
/// does not invent it (a shop that does end them answers the connector's next call with 401,
/// which the connector already handles as an expired session).
pub(super) async fn change_password(
    State(state): State<DemoState>,
    OwnCustomer(customer, _): OwnCustomer,
    GlueBody(request): GlueBody<wire::PasswordChangeRequest>,
) -> Result<Response, GlueError> {
    if request.new_password != request.confirm_password {
        return Err(GlueError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::PASSWORDS_DO_NOT_MATCH,
            "Value in field newPassword should be identical to value in the confirmPassword \
             field.",
        ));
    }
    let result = state
        .with_store(move |s| s.change_password(customer, &request.password, &request.new_password))
        .await;
    match result {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(ShopError::Validation { fields, .. })
            if fields.iter().any(|f| f.field == "current_password") =>
        {
            Err(GlueError::new(
                StatusCode::BAD_REQUEST,
                codes::INVALID_PASSWORD,
                "Invalid password",
            ))
        }
        Err(error) => Err(GlueError::from_store(
            error,
            &[("new_password", "newPassword")],
        )),
    }
}

/// `POST /customer-forgotten-password`: 204 whether the e-mail is known or not; a known one gets
/// the store's reset mail (in the demo outbox) with the key.
pub(super) async fn forgotten_password(
    State(state): State<DemoState>,
    body: axum::body::Bytes,
) -> Result<Response, GlueError> {
    let request: wire::ForgottenPasswordRequest = parse_body(&body)?;
    let email = request.email.trim().to_owned();
    if !crate::model::validate::is_plausible_email(&email) {
        return Err(GlueError::unprocessable(
            "email => This value is not a valid email address.",
        ));
    }
    let base = state.base_url.to_string();
    state
        .with_store(move |s| s.request_password_reset(&email, &base))
        .await
        .map_err(|e| GlueError::from_store(e, &[]))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PATCH /customer-restore-password/{id}`: the key in the body sets the new password (Glue reads
/// the body's `restorePasswordKey`; the path only names the resource). A bad key is 422 "415".
pub(super) async fn restore_password(
    State(state): State<DemoState>,
    Path(_id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, GlueError> {
    let request: wire::RestorePasswordRequest = parse_body(&body)?;
    if request.password != request.confirm_password {
        return Err(GlueError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::PASSWORDS_DO_NOT_MATCH,
            "Value in field password should be identical to value in the confirmPassword field.",
        ));
    }
    let result = state
        .with_store(move |s| {
            s.reset_password(request.restore_password_key.trim(), &request.password)
                .map(|_| ())
        })
        .await;
    match result {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(ShopError::Validation { fields, .. }) if fields.iter().any(|f| f.field == "key") => {
            Err(GlueError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                codes::RESTORE_KEY_INVALID,
                "Restore password key is not valid.",
            ))
        }
        Err(error) => Err(GlueError::from_store(
            error,
            &[("new_password", "password")],
        )),
    }
}
