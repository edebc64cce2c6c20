//! A webhook as the API takes and gives it: input checked and composed with the server's
//! bookkeeping, secrets masked on the way out, and the errors of the webhook routes.

use crate::clock;
use crate::db::WriteError;
use crate::error::ApiError;
use webhook_api::validate::validate_webhook_en;
use webhook_api::{Auth, FailureDetails, Webhook, WebhookIn, WebhookStatus, is_masked};

/// The input with secrets resolved against `stored`, names trimmed, and validated.
pub(crate) fn checked(mut input: WebhookIn, stored: &Auth) -> Result<WebhookIn, ApiError> {
    input.name = input.name.trim().to_string();
    input.auth = input.auth.keep_unchanged_secrets(stored);
    let mut errors = validate_webhook_en(&input);
    // A mask that did not resolve would be stored as the secret itself.
    let unresolved = match &input.auth {
        Auth::Basic { password, .. } if is_masked(password) => Some("auth.password"),
        Auth::Bearer { token } if is_masked(token) => Some("auth.token"),
        Auth::Signature { secret } if is_masked(secret) => Some("auth.secret"),
        _ => None,
    };
    if let Some(field) = unresolved {
        errors.insert(
            field.into(),
            "Enter the secret: there is no stored one to keep for this auth type.".into(),
        );
    }
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// What the server keeps about a webhook beside what the user entered.
pub(crate) struct Bookkeeping {
    pub(crate) id: String,
    pub(crate) status: WebhookStatus,
    pub(crate) failure_details: FailureDetails,
    pub(crate) previous_secret_expires_at: Option<String>,
    pub(crate) version: i64,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) updated_by: String,
}

/// A webhook from the user's input and the server's bookkeeping. Both destructurings are
/// exhaustive, so a field added to either type cannot be silently dropped here.
pub(crate) fn compose(input: WebhookIn, meta: Bookkeeping) -> Webhook {
    let WebhookIn {
        name,
        description,
        kind,
        url,
        language,
        auth,
        headers,
        format,
        use_template,
        msg_key,
        body,
        event_types,
        enabled,
        batch_size,
        timeout,
        tags,
        project_id,
        version: _,
    } = input;
    let Bookkeeping {
        id,
        status,
        failure_details,
        previous_secret_expires_at,
        version,
        created_at,
        updated_at,
        updated_by,
    } = meta;
    Webhook {
        id,
        name,
        description,
        kind,
        url,
        language,
        auth,
        previous_secret_expires_at,
        headers,
        format,
        use_template,
        msg_key,
        body,
        event_types,
        enabled,
        status,
        failure_details,
        batch_size,
        timeout,
        tags,
        project_id,
        version,
        created_at,
        updated_at,
        updated_by,
    }
}

/// What a client may see of a webhook.
pub(crate) fn masked(w: Webhook) -> Webhook {
    masked_at(w, &clock::now())
}

/// [`masked`] as of `now`, for many webhooks at once.
pub(crate) fn masked_at(w: Webhook, now: &str) -> Webhook {
    // An overlap that has ended is history, not state.
    let previous_secret_expires_at = w.previous_secret_expires_at.filter(|t| t.as_str() > now);
    Webhook {
        auth: w.auth.masked(),
        previous_secret_expires_at,
        ..w
    }
}

pub(crate) fn not_found(id: &str) -> ApiError {
    // Echo the id for the reader, but not a whole hostile URL's worth of it.
    let shown: String = id.chars().take(64).collect();
    ApiError::NotFound(format!(
        "There is no webhook with id '{shown}'; it may have been deleted."
    ))
}

pub(crate) fn stale(yours: i64, current: i64) -> ApiError {
    ApiError::Conflict {
        message: format!(
            "This webhook was modified by someone else (you edited version {yours}, it is now at \
             version {current}). Reload it and apply your changes again."
        ),
        fields: Default::default(),
    }
}

pub(crate) fn write_error(e: WriteError, name: &str) -> ApiError {
    match e {
        WriteError::NameTaken => {
            ApiError::conflict_on("name", format!("A webhook named '{name}' already exists."))
        }
        WriteError::Db(e) => e.into(),
    }
}
