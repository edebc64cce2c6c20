//! Validation rules for webhook bodies: every field of a create or modify, with the limits the
//! console shows beside its inputs.

use super::*;
use crate::{Auth, FieldErrors, WebhookIn, catalog};
use std::collections::BTreeMap;

/// Every problem of a webhook body, by field path (`name`, `auth.password`, `headers`, …).
pub fn validate_webhook(w: &WebhookIn) -> BTreeMap<&'static str, FieldError> {
    let mut e = BTreeMap::new();
    let mut check = |field: &'static str, r: Result<(), FieldError>| {
        if let Err(err) = r {
            e.insert(field, err);
        }
    };
    check("name", name(&w.name));
    check("description", text(&w.description, DESCRIPTION_MAX, false));
    check("url", url(&w.url));
    check("event_types", event_types(&w.event_types));
    check("batch_size", range(w.batch_size, BATCH_SIZE_RANGE));
    check("timeout", range(w.timeout, TIMEOUT_RANGE));
    check("headers", headers(&w.headers));
    check("tags", tags(&w.tags));
    check("project_id", crate::inbound::project_id(&w.project_id));
    check(
        "msg_key",
        required(&w.msg_key).and_then(|_| text(&w.msg_key, MSG_KEY_MAX, true)),
    );
    // Only the generic format sends the body fields beside the message under msg_key.
    let msg_key = w.format.is_generic().then_some(w.msg_key.as_str());
    check("body", body_fields(&w.body, msg_key));
    match &w.auth {
        Auth::None => {}
        Auth::Basic { username, password } => {
            check(
                "auth.username",
                required(username)
                    .and_then(|_| text(username, 128, true))
                    .and_then(|_| {
                        if username.contains(':') {
                            Err(FieldError::UsernameColon)
                        } else {
                            Ok(())
                        }
                    }),
            );
            check(
                "auth.password",
                required(password).and_then(|_| text(password, 256, true)),
            );
        }
        Auth::Bearer { token } => {
            check(
                "auth.token",
                required(token).and_then(|_| text(token, SECRET_MAX, true)),
            );
        }
        // DingTalk and Feishu sign with the secret their robot page shows, whatever its form.
        Auth::Signature { secret } if w.format.uses_platform_secret() => {
            check(
                "auth.secret",
                required(secret).and_then(|_| text(secret, SECRET_MAX, true)),
            );
        }
        Auth::Signature { secret } => check("auth.secret", signing_secret(secret)),
    }
    e
}

/// [`validate_webhook`] with English messages, as the API reports them.
pub fn validate_webhook_en(w: &WebhookIn) -> FieldErrors {
    validate_webhook(w)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.message(Lang::En)))
        .collect()
}

pub fn name(s: &str) -> Result<(), FieldError> {
    required(s)?;
    text(s, NAME_MAX, true)
}

/// An absolute http(s) URL with a host, no embedded credentials, no whitespace.
pub fn url(s: &str) -> Result<(), FieldError> {
    required(s)?;
    text(s, URL_MAX, true)?;
    let lower = s.to_ascii_lowercase();
    let rest = if let Some(r) = lower.strip_prefix("https://") {
        r
    } else if let Some(r) = lower.strip_prefix("http://") {
        r
    } else {
        return Err(FieldError::UrlScheme);
    };
    if s.chars().any(char::is_whitespace) {
        return Err(FieldError::UrlMalformed);
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err(FieldError::UrlCredentials);
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (addr, after) = v6.split_once(']').ok_or(FieldError::UrlHost)?;
        if addr.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(FieldError::UrlHost);
        }
        (addr, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if let Some(p) = port
        && !matches!(p.parse::<u32>(), Ok(1..=65535))
    {
        return Err(FieldError::UrlMalformed);
    }
    if !authority.starts_with('[') {
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        };
        let host = host.strip_suffix('.').unwrap_or(host);
        if host.is_empty() || host.len() > 253 || !host.split('.').all(label_ok) {
            return Err(FieldError::UrlHost);
        }
    }
    Ok(())
}

pub fn event_types(keys: &[String]) -> Result<(), FieldError> {
    if keys.is_empty() {
        return Err(FieldError::NoEventType);
    }
    for (i, k) in keys.iter().enumerate() {
        if catalog::find(k).is_none() {
            return Err(FieldError::UnknownEventType(k.clone()));
        }
        if keys[..i].contains(k) {
            return Err(FieldError::DuplicateEventType(k.clone()));
        }
    }
    Ok(())
}

pub fn range(v: u32, (lo, hi): (u32, u32)) -> Result<(), FieldError> {
    if (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(FieldError::OutOfRange(lo, hi))
    }
}

/// RFC 9110 token characters.
fn is_header_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

pub fn headers(h: &BTreeMap<String, String>) -> Result<(), FieldError> {
    if h.len() > HEADERS_MAX {
        return Err(FieldError::TooMany(HEADERS_MAX));
    }
    for (k, v) in h {
        if !is_header_name(k) {
            return Err(FieldError::HeaderName(k.clone()));
        }
        if RESERVED_HEADERS.contains(&k.to_ascii_lowercase().as_str()) {
            return Err(FieldError::HeaderReserved(k.clone()));
        }
        if v.chars().count() > HEADER_VALUE_MAX || v.chars().any(|c| c.is_control() && c != '\t') {
            return Err(FieldError::HeaderValue(k.clone()));
        }
    }
    Ok(())
}

pub fn tags(t: &BTreeMap<String, String>) -> Result<(), FieldError> {
    if t.len() > TAGS_MAX {
        return Err(FieldError::TooMany(TAGS_MAX));
    }
    for (k, v) in t {
        if k.trim().is_empty() || k.chars().count() > 64 {
            return Err(FieldError::TagKey);
        }
        text(k, 64, true)?;
        text(v, 256, true)?;
    }
    Ok(())
}

/// Extra fields of the generic body: few, with sensible names, and none named like `msg_key`.
/// The extra body fields; with `msg_key` (the generic format) none may be named like it.
pub fn body_fields(
    body: &BTreeMap<String, serde_json::Value>,
    msg_key: Option<&str>,
) -> Result<(), FieldError> {
    if body.len() > BODY_FIELDS_MAX {
        return Err(FieldError::TooMany(BODY_FIELDS_MAX));
    }
    for k in body.keys() {
        if k.trim().is_empty() || text(k, 64, true).is_err() {
            return Err(FieldError::BodyKey);
        }
        if Some(k.as_str()) == msg_key {
            return Err(FieldError::BodyKeyIsMsgKey(k.clone()));
        }
    }
    Ok(())
}

/// `whsec_` + base64 of 24–64 random bytes (32–88 characters), as Standard Webhooks secrets.
pub fn signing_secret(s: &str) -> Result<(), FieldError> {
    required(s)?;
    let body = s.strip_prefix("whsec_").ok_or(FieldError::SecretFormat)?;
    let ok = (32..=88).contains(&body.len())
        && body
            .trim_end_matches('=')
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    if ok {
        Ok(())
    } else {
        Err(FieldError::SecretFormat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> WebhookIn {
        WebhookIn {
            name: "ops".into(),
            url: "https://hooks.example.com/x?y=1".into(),
            event_types: vec!["host.lost_connection".into()],
            ..WebhookIn::default()
        }
    }

    #[test]
    fn a_complete_webhook_is_valid() {
        assert!(validate_webhook(&valid()).is_empty());
    }

    #[test]
    fn urls() {
        for ok in [
            "http://a",
            "https://a.b.c:8443/p",
            "http://127.0.0.1:9/x",
            "https://[::1]:8080/",
            "https://例子.测试/",
        ] {
            assert_eq!(url(ok), Ok(()), "{ok}");
        }
        assert_eq!(url(""), Err(FieldError::Required));
        assert_eq!(url("ftp://a"), Err(FieldError::UrlScheme));
        assert_eq!(url("example.com"), Err(FieldError::UrlScheme));
        assert_eq!(url("https://"), Err(FieldError::UrlHost));
        assert_eq!(url("https://a..b"), Err(FieldError::UrlHost));
        // A bracketed host is an IPv6 address, not any hex digits and dots.
        assert_eq!(url("http://[.feB]/"), Err(FieldError::UrlHost));
        assert_eq!(url("https://u:p@a.com"), Err(FieldError::UrlCredentials));
        assert_eq!(url("https://a.com:0"), Err(FieldError::UrlMalformed));
        assert_eq!(url("https://a.com:99999"), Err(FieldError::UrlMalformed));
        assert_eq!(url("https://a.com/ b"), Err(FieldError::UrlMalformed));
        assert_eq!(
            url(&format!("https://a.com/{}", "x".repeat(URL_MAX))),
            Err(FieldError::TooLong(URL_MAX))
        );
    }

    #[test]
    fn every_field_reports_its_own_error() {
        let mut w = valid();
        w.name = "x".repeat(129);
        w.event_types = vec![];
        w.batch_size = 0;
        w.timeout = 61;
        w.headers.insert("Content-Type".into(), "text/plain".into());
        w.auth = Auth::Basic {
            username: "a:b".into(),
            password: "".into(),
        };
        let e = validate_webhook(&w);
        assert_eq!(e["name"], FieldError::TooLong(128));
        assert_eq!(e["event_types"], FieldError::NoEventType);
        assert_eq!(e["batch_size"], FieldError::OutOfRange(1, 100));
        assert_eq!(e["timeout"], FieldError::OutOfRange(1, 60));
        assert_eq!(
            e["headers"],
            FieldError::HeaderReserved("Content-Type".into())
        );
        assert_eq!(e["auth.username"], FieldError::UsernameColon);
        assert_eq!(e["auth.password"], FieldError::Required);
        assert!(e["name"].message(Lang::Zh).contains("128"));
    }

    #[test]
    fn a_project_is_optional_and_a_word() {
        let mut w = valid();
        w.project_id = "project-web.eu_1".into();
        assert!(validate_webhook(&w).is_empty());
        w.project_id = "Project Web".into();
        assert_eq!(validate_webhook(&w)["project_id"], FieldError::Word);
        w.project_id = "p".repeat(65);
        assert_eq!(validate_webhook(&w)["project_id"], FieldError::TooLong(64));
    }

    #[test]
    fn event_types_must_be_known_and_distinct() {
        assert_eq!(
            event_types(&["nope".into()]),
            Err(FieldError::UnknownEventType("nope".into()))
        );
        let twice = vec!["config.change".to_string(), "config.change".to_string()];
        assert_eq!(
            event_types(&twice),
            Err(FieldError::DuplicateEventType("config.change".into()))
        );
    }

    #[test]
    fn body_fields_must_not_take_the_message_key() {
        let mut w = valid();
        w.body.insert("Msg".into(), serde_json::json!("x"));
        assert_eq!(
            validate_webhook(&w)["body"],
            FieldError::BodyKeyIsMsgKey("Msg".into())
        );
        // Other formats send no body fields: nothing to replace.
        w.format = crate::PayloadFormat::Slack;
        assert!(validate_webhook(&w).is_empty());
        w.format = crate::PayloadFormat::Generic;
        w.msg_key = "text".into();
        assert!(validate_webhook(&w).is_empty());
        w.msg_key = String::new();
        assert_eq!(validate_webhook(&w)["msg_key"], FieldError::Required);
    }

    #[test]
    fn dingtalk_and_feishu_take_their_own_secrets() {
        let mut w = valid();
        w.auth = Auth::Signature {
            secret: "SEC0123456789abcdef".into(),
        };
        assert_eq!(
            validate_webhook(&w)["auth.secret"],
            FieldError::SecretFormat
        );
        w.format = crate::PayloadFormat::Dingtalk;
        assert!(validate_webhook(&w).is_empty());
    }

    #[test]
    fn signing_secrets() {
        assert_eq!(
            signing_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            Ok(())
        );
        assert_eq!(signing_secret("secret"), Err(FieldError::SecretFormat));
        assert_eq!(signing_secret("whsec_short"), Err(FieldError::SecretFormat));
    }
}
