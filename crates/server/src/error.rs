//! The one error type of the API: each variant is an outcome a client can see, answered with the
//! shared [`ErrorBody`]. Internal errors are logged here and never shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use webhook_api::{ErrorBody, ErrorDetail, FieldErrors};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is well-formed but breaks the rules: one message per field.
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("{0}")]
    NotFound(String),
    /// The request clashes with the current state (a duplicate name, a stale version).
    #[error("{message}")]
    Conflict {
        message: String,
        fields: FieldErrors,
    },
    /// The request cannot be read at all (malformed JSON, wrong content type, bad path).
    #[error("{0}")]
    BadRequest(String),
    /// Over the limit of this route, in bytes.
    #[error("the request body is too large")]
    PayloadTooLarge(usize),
    #[error("method not allowed")]
    MethodNotAllowed,
    /// No credentials, or none that are valid (401).
    #[error("{0}")]
    Unauthorized(String),
    /// Valid credentials whose role may not do this, or a cross-site request (403).
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts; try again after this many seconds (429 with `Retry-After`).
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    /// Anything that is our fault. The source is logged, the client only learns that it failed.
    #[error("internal error: {0}")]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn validation(fields: FieldErrors) -> Self {
        Self::Validation(fields)
    }

    /// A 409 about one field, e.g. a name that is taken.
    pub fn conflict_on(field: &str, message: String) -> Self {
        Self::Conflict {
            message: message.clone(),
            fields: FieldErrors::from([(field.to_string(), message)]),
        }
    }

    pub fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(e.into())
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::Conflict { .. } => (StatusCode::CONFLICT, "conflict"),
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            Self::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Self::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Self::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        Self::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let retry_after = match &self {
            Self::TooManyRequests { retry_after, .. } => Some(*retry_after),
            _ => None,
        };
        let (message, fields) = match self {
            Self::Validation(fields) => ("Some fields are invalid.".to_string(), fields),
            Self::Conflict { message, fields } => (message, fields),
            Self::NotFound(message)
            | Self::BadRequest(message)
            | Self::Unauthorized(message)
            | Self::Forbidden(message)
            | Self::TooManyRequests { message, .. } => (message, FieldErrors::new()),
            Self::PayloadTooLarge(limit) => (
                format!("The request body is larger than {} KiB.", limit / 1024),
                FieldErrors::new(),
            ),
            Self::MethodNotAllowed => (
                "This method is not allowed on this path.".to_string(),
                FieldErrors::new(),
            ),
            Self::Internal(source) => {
                tracing::error!(error = %source, "internal error");
                (
                    "Something went wrong on the server; it has been logged.".to_string(),
                    FieldErrors::new(),
                )
            }
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_string(),
                message,
                fields,
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn internal_errors_hide_their_cause() {
        let response = ApiError::internal("password=hunter2 leaked by a driver").into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let bytes = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let body: ErrorBody = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body.error.code, "internal");
        assert!(!body.error.message.contains("hunter2"));
    }
}
