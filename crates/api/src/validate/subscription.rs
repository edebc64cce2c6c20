//! Validation rules for a topic's filter (`PUT /subscriptions/{id}`).

use super::FieldError;
use super::event::word;
use super::webhook::event_types;
use crate::SubscriptionIn;
use std::collections::BTreeMap;

/// The most resource types one topic may be scoped to.
pub const RESOURCE_TYPES_MAX: usize = 50;

/// Every problem of a topic's new filter, by field.
pub fn validate_subscription(s: &SubscriptionIn) -> BTreeMap<&'static str, FieldError> {
    let mut out = BTreeMap::new();
    let mut check = |field: &'static str, r: Result<(), FieldError>| {
        if let Err(err) = r {
            out.insert(field, err);
        }
    };
    check("event_types", event_types(&s.event_types));
    check("resource_types", resource_types(&s.resource_types));
    check("severities", severities(&s.severities));
    out
}

/// A scope of resource types: words, each once; empty is any.
pub fn resource_types(types: &[String]) -> Result<(), FieldError> {
    if types.len() > RESOURCE_TYPES_MAX {
        return Err(FieldError::TooMany(RESOURCE_TYPES_MAX));
    }
    for (i, t) in types.iter().enumerate() {
        word(t)?;
        if types[..i].contains(t) {
            return Err(FieldError::Duplicate(t.clone()));
        }
    }
    Ok(())
}

pub fn severities(list: &[crate::Severity]) -> Result<(), FieldError> {
    if list.is_empty() {
        return Err(FieldError::NoSeverity);
    }
    for (i, s) in list.iter().enumerate() {
        if list[..i].contains(s) {
            return Err(FieldError::Duplicate(s.as_str().to_string()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;

    fn input() -> SubscriptionIn {
        SubscriptionIn {
            event_types: vec!["resource.create".into()],
            resource_types: vec![],
            severities: vec![Severity::Info],
            version: None,
        }
    }

    #[test]
    fn a_filter_with_any_scope_is_valid() {
        assert!(validate_subscription(&input()).is_empty());
    }

    #[test]
    fn each_field_reports_its_own_error() {
        let mut s = input();
        s.event_types = vec!["nope".into()];
        s.resource_types = vec!["host".into(), "Host Machine".into()];
        s.severities = vec![];
        let e = validate_subscription(&s);
        assert_eq!(
            e["event_types"],
            FieldError::UnknownEventType("nope".into())
        );
        assert_eq!(e["resource_types"], FieldError::Word);
        assert_eq!(e["severities"], FieldError::NoSeverity);
        s.event_types = vec![];
        s.resource_types = vec!["host".into(), "host".into()];
        s.severities = vec![Severity::Info, Severity::Info];
        let e = validate_subscription(&s);
        assert_eq!(e["event_types"], FieldError::NoEventType);
        assert_eq!(e["resource_types"], FieldError::Duplicate("host".into()));
        assert_eq!(e["severities"], FieldError::Duplicate("info".into()));
    }
}
