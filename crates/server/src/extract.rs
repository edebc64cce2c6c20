//! Request extractors whose rejections are [`ApiError`]s, so every malformed request gets the
//! same error body as a validation failure, plus [`Actor`], the user a change is recorded for.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::error::Category;
use webhook_api::FieldErrors;
use webhook_api::validate::FieldError;

/// The largest request body the API reads. Webhook bodies are a few KiB; this leaves room while
/// keeping a hostile client from making the server buffer megabytes.
pub const BODY_LIMIT: usize = 256 * 1024;

/// A JSON body in or out. In: `application/json` only, at most [`BODY_LIMIT`]; unreadable JSON
/// is a 400, JSON of the wrong shape a 422 naming the field.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(req.headers().get(header::CONTENT_TYPE)) {
            return Err(ApiError::BadRequest(
                "Expected a JSON body with Content-Type: application/json.".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge(BODY_LIMIT)
            } else {
                ApiError::BadRequest("The request body could not be read.".into())
            }
        })?;
        decode(&bytes).map(Json)
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

fn is_json(content_type: Option<&header::HeaderValue>) -> bool {
    let Some(mime) = content_type.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = mime
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Deserializes with the path of the failing field, sorting syntax errors (400) from shape
/// errors (422). Every body of this API is a JSON object: anything else (an array, which serde
/// would read into a struct field by field, a string, `null`) is a 422 on `body`.
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        None | Some(b'{') => {}
        Some(_) if serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() => {
            return Err(ApiError::Validation(FieldErrors::from([(
                "body".to_string(),
                "Expected a JSON object.".to_string(),
            )])));
        }
        Some(_) => {}
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let err = match serde_path_to_error::deserialize(&mut de) {
        Ok(value) => match de.end() {
            Ok(()) => return Ok(value),
            Err(trailing) => return Err(unreadable(bytes, &trailing)),
        },
        Err(err) => err,
    };
    if err.inner().classify() != Category::Data {
        return Err(unreadable(bytes, err.inner()));
    }
    Err(ApiError::Validation(shape_error(
        &err.path().to_string(),
        &without_position(err.inner()),
    )))
}

/// Deserializes an already parsed JSON value, with shape errors named by their path under
/// `prefix` (e.g. `events[2]`), as a body would be.
pub fn decode_value<T: DeserializeOwned>(
    value: serde_json::Value,
    prefix: &str,
) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let path = match (prefix.is_empty(), path.as_str()) {
            (true, _) => path.clone(),
            (false, ".") => prefix.to_string(),
            (false, p) => format!("{prefix}.{p}"),
        };
        ApiError::Validation(shape_error(&path, &without_position(err.inner())))
    })
}

fn unreadable(bytes: &[u8], e: &serde_json::Error) -> ApiError {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        ApiError::BadRequest("The request body is empty; expected a JSON object.".into())
    } else {
        ApiError::BadRequest(format!("The request body is not valid JSON: {e}."))
    }
}

/// One field error for a shape error: the field's path as the key, a readable message.
fn shape_error(path: &str, message: &str) -> FieldErrors {
    let path = if path == "." { "" } else { path };
    let (key, text) = if let Some(field) = backticked(message, "missing field `") {
        // serde reports a missing field against its parent object; name the field itself.
        let key = if path.is_empty() {
            field.to_string()
        } else {
            format!("{path}.{field}")
        };
        (key, FieldError::Required.message(webhook_api::Lang::En))
    } else if let Some(field) = backticked(message, "duplicate field `") {
        let key = if path.is_empty() {
            field.to_string()
        } else {
            format!("{path}.{field}")
        };
        (key, "This field is given twice.".to_string())
    } else if backticked(message, "unknown field `").is_some() {
        (path.to_string(), "Unknown field.".to_string())
    } else if let Some(text) = unknown_variant(message) {
        (path.to_string(), text)
    } else {
        (path.to_string(), message.to_string())
    };
    // Errors about the body as a whole (`[]` instead of an object) have no field to stand by.
    let key = if key.is_empty() {
        "body".to_string()
    } else {
        key
    };
    FieldErrors::from([(key, text)])
}

/// serde's "unknown variant `like`, expected one of `eq`, `not`" as "Unknown value `like`; one
/// of: eq, not": the value and what it may be (a search operator, a webhook type, …).
fn unknown_variant(message: &str) -> Option<String> {
    let value = backticked(message, "unknown variant `")?;
    let expected = message.split_once("`, expected ")?.1;
    // "`a`", "`a` or `b`", "one of `a`, `b`, `c`": the backticked parts.
    let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    Some(format!(
        "Unknown value `{value}`; one of: {}",
        allowed.join(", ")
    ))
}

fn backticked<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    message.strip_prefix(prefix)?.split('`').next()
}

/// serde_json's message without " at line 1 column 7", which means nothing to a form.
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rsplit_once(" at line ") {
        Some((message, _)) => message.to_string(),
        None => text,
    }
}

/// Path parameters; a bad one is a 400 with our body.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

/// The query string as ordered pairs, for parsers such as `WebhookQuery::from_pairs`.
#[derive(Debug, Default)]
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map(|q| QueryPairs(q.0))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

impl QueryPairs {
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// The name of who acts on the request (a username, or `token:NAME`), recorded as `updated_by`
/// on every change; [`crate::auth::guard`] decided who that is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let ctx = crate::auth::Ctx::from_request_parts(parts, state).await?;
        Ok(Actor(ctx.actor()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use webhook_api::WebhookIn;

    fn fields(r: Result<WebhookIn, ApiError>) -> FieldErrors {
        match r {
            Err(ApiError::Validation(f)) => f,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn shape_errors_name_the_field() {
        let f = fields(decode(br#"{"url":"https://a.io","event_types":[]}"#));
        assert_eq!(f["name"], "This field is required.");
        let f = fields(decode(
            br#"{"name":"a","url":"u","event_types":[],"batch_size":"ten"}"#,
        ));
        assert!(f["batch_size"].starts_with("invalid type"), "{f:?}");
        assert!(!f["batch_size"].contains("line"), "{f:?}");
        let f = fields(decode(
            br#"{"name":"a","url":"u","event_types":[],"colour":1}"#,
        ));
        assert_eq!(f["colour"], "Unknown field.");
        let f = fields(decode(
            br#"{"name":"a","url":"u","event_types":[],"type":"bogus"}"#,
        ));
        assert_eq!(f["type"], "Unknown value `bogus`; one of: events, alarms");
        let f = fields(decode(br#"{"name":"a","url":"u","event_types":[1]}"#));
        assert!(f.contains_key("event_types[0]"), "{f:?}");
        let f = fields(decode(
            br#"{"name":"a","name":"b","url":"u","event_types":[]}"#,
        ));
        assert_eq!(f["name"], "This field is given twice.");
        // Only objects: serde alone would read `[null, null]` into a struct of optional fields.
        for body in [&b"[]"[..], b"[null, null]", b" \"name\"", b"null", b"1"] {
            let f = fields(decode(body));
            assert_eq!(f["body"], "Expected a JSON object.", "{body:?}");
        }
    }

    #[test]
    fn syntax_errors_are_bad_requests() {
        for body in [
            &b"{"[..],
            b"",
            b"  ",
            b"{\"name\": }",
            br#"{"name":"a","url":"u","event_types":[]} x"#,
        ] {
            let r: Result<WebhookIn, _> = decode(body);
            assert!(matches!(r, Err(ApiError::BadRequest(_))), "{body:?}: {r:?}");
        }
    }

    #[test]
    fn json_content_types() {
        let v = |s: &'static str| Some(header::HeaderValue::from_static(s));
        assert!(is_json(v("application/json").as_ref()));
        assert!(is_json(v("Application/JSON; charset=utf-8").as_ref()));
        assert!(is_json(v("application/merge-patch+json").as_ref()));
        assert!(!is_json(v("text/plain").as_ref()));
        assert!(!is_json(None));
    }
}
