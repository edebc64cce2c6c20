//! Validation rules for events posted by producers, in the same style as the webhook rules.

use super::{FieldError, text};
use crate::{EventIn, catalog};
use std::collections::BTreeMap;

pub const WORD_MAX: usize = 64;
pub const RESOURCE_ID_MAX: usize = 256;
pub const SOURCE_MAX: usize = 128;

/// Every problem of one event, by field path.
pub fn validate_event(e: &EventIn) -> BTreeMap<&'static str, FieldError> {
    let mut out = BTreeMap::new();
    let mut check = |field: &'static str, r: Result<(), FieldError>| {
        if let Err(err) = r {
            out.insert(field, err);
        }
    };
    check("type", event_type(&e.event_type));
    check("action", word(&e.action));
    check("resource_type", word(&e.resource_type));
    check("resource_id", text(&e.resource_id, RESOURCE_ID_MAX, true));
    check(
        "resource_details",
        if e.resource_details.is_object() {
            Ok(())
        } else {
            Err(FieldError::NotAnObject)
        },
    );
    if let Some(t) = &e.occurred_at {
        check("occurred_at", rfc3339(t));
    }
    if let Some(s) = &e.source {
        check("source", text(s, SOURCE_MAX, true));
    }
    out
}

fn event_type(key: &str) -> Result<(), FieldError> {
    super::required(key)?;
    catalog::find(key)
        .map(|_| ())
        .ok_or_else(|| FieldError::UnknownEventType(key.to_string()))
}

/// `update`, `sync_create`, `host`: what goes into the `X-Webhook-Event` header.
pub fn word(s: &str) -> Result<(), FieldError> {
    super::required(s)?;
    if s.len() > WORD_MAX {
        return Err(FieldError::TooLong(WORD_MAX));
    }
    let ok = s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b));
    if ok { Ok(()) } else { Err(FieldError::Word) }
}

/// `2026-11-23T18:16:36Z`, with optional fraction and a `Z` or `±HH:MM` offset.
pub fn rfc3339(s: &str) -> Result<(), FieldError> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let fixed = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && matches!(b[10], b'T' | b't')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !fixed {
        return Err(FieldError::Timestamp);
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return Err(FieldError::Timestamp);
        }
        rest = &frac[n..];
    }
    let offset_ok = matches!(rest, "Z" | "z")
        || (rest.len() == 6
            && matches!(rest.as_bytes()[0], b'+' | b'-')
            && rest.as_bytes()[1..3].iter().all(u8::is_ascii_digit)
            && rest.as_bytes()[3] == b':'
            && rest.as_bytes()[4..6].iter().all(u8::is_ascii_digit));
    if offset_ok {
        Ok(())
    } else {
        Err(FieldError::Timestamp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event() -> EventIn {
        serde_json::from_value(
            json!({"type": "resource.update", "action": "update", "resource_type": "host"}),
        )
        .unwrap()
    }

    #[test]
    fn a_minimal_event_is_valid_with_defaults() {
        let e = event();
        assert!(validate_event(&e).is_empty());
        assert_eq!(e.resource_details, json!({}));
    }

    #[test]
    fn each_field_reports_its_own_error() {
        let mut e = event();
        e.event_type = "nope".into();
        e.action = "Update Now".into();
        e.resource_type = String::new();
        e.resource_details = json!([1]);
        e.occurred_at = Some("yesterday".into());
        let errors = validate_event(&e);
        assert_eq!(errors["type"], FieldError::UnknownEventType("nope".into()));
        assert_eq!(errors["action"], FieldError::Word);
        assert_eq!(errors["resource_type"], FieldError::Required);
        assert_eq!(errors["resource_details"], FieldError::NotAnObject);
        assert_eq!(errors["occurred_at"], FieldError::Timestamp);
    }

    #[test]
    fn timestamps() {
        for ok in [
            "2026-11-23T18:16:36Z",
            "2026-11-23T18:16:36.123Z",
            "2026-11-23T18:16:36+08:00",
        ] {
            assert_eq!(rfc3339(ok), Ok(()), "{ok}");
        }
        for bad in [
            "2026-11-23",
            "2026-11-23 18:16:36Z",
            "2026-11-23T18:16:36",
            "2026-11-23T18:16:36.Z",
        ] {
            assert_eq!(rfc3339(bad), Err(FieldError::Timestamp), "{bad}");
        }
    }
}
