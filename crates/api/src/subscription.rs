//! Message-subscription settings (`/subscriptions`): each shipped topic ([`crate::topics`]) with
//! its filter as in force, whether it is enabled, and its receivers (webhooks); the body that
//! changes a filter; Test; the impact of a change; and the rule that routed a delivery.

use crate::{EventCategory, Severity};
use serde::{Deserialize, Serialize};

/// One topic of `GET /subscriptions`. Names come in both console languages (`name_en`,
/// `name_zh`), as in the event-type catalog, so the console switches language without a reload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Subscription {
    /// The topic's stable id, e.g. `resource.lifecycle`.
    pub id: String,
    pub category: EventCategory,
    pub name_en: String,
    pub name_zh: String,
    /// Catalog keys of the events the topic covers.
    pub event_types: Vec<String>,
    /// Resource types in scope; empty means any.
    pub resource_types: Vec<String>,
    /// Severities the topic covers (at least one).
    pub severities: Vec<Severity>,
    pub enabled: bool,
    /// Ids of the webhooks that receive the topic, in the order they were added. Deleted webhooks
    /// are left out; disabled ones stay (they receive again once enabled).
    pub receivers: Vec<String>,
    /// True when the filter differs from the shipped one.
    pub customized: bool,
    /// 1 as shipped; each change adds one. Send it back in `PUT` to refuse overwriting a change
    /// someone else made meanwhile.
    pub version: i64,
    /// Absent while the topic is as shipped.
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
}

/// `PUT /subscriptions/{id}`: the topic's new filter (the whole filter, replacing the current one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubscriptionIn {
    /// At least one catalog key, each once.
    pub event_types: Vec<String>,
    /// Resource types (`host`, `server`, …: lower-case letters, digits, `_ . -`), each once; empty
    /// for any.
    #[serde(default)]
    pub resource_types: Vec<String>,
    /// At least one, each once.
    pub severities: Vec<Severity>,
    /// The version this edit started from; a 409 when it is no longer current.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::whole::opt_int"
    )]
    pub version: Option<i64>,
}

/// `POST /subscriptions/{id}/receivers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReceiverIn {
    pub webhook_id: String,
}

/// `202` of `POST /subscriptions/{id}/test`: the sample event is stored and routed like any
/// other; follow it with `GET /events/{event_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionTest {
    pub event_id: String,
    /// The event as published.
    pub event: crate::EventIn,
    /// How many deliveries were queued for it.
    pub deliveries: u64,
}

/// A change `GET /subscriptions/impact` is asked about: `?disable_webhook=`, `?delete_webhook=`,
/// `?disable_topic=`. Any number may be combined (each key may repeat): the answer is what they
/// cut off together; none changes nothing, so nothing is cut off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImpactChange {
    DisableWebhook(String),
    DeleteWebhook(String),
    DisableTopic(String),
}

impl ImpactChange {
    /// Parses query pairs; unknown keys are ignored, a known key without a value is a field error.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Vec<Self>, crate::FieldErrors> {
        let mut found = Vec::new();
        for (key, value) in pairs {
            let value = value.trim().to_string();
            let change = match key {
                "disable_webhook" => Self::DisableWebhook(value),
                "delete_webhook" => Self::DeleteWebhook(value),
                "disable_topic" => Self::DisableTopic(value),
                _ => continue,
            };
            if change.target().is_empty() {
                return Err(crate::FieldErrors::from([(
                    key.to_string(),
                    crate::FieldError::Required.message(crate::Lang::En),
                )]));
            }
            found.push(change);
        }
        Ok(found)
    }

    /// The webhook or topic id the change is about.
    pub fn target(&self) -> &str {
        match self {
            Self::DisableWebhook(id) | Self::DeleteWebhook(id) | Self::DisableTopic(id) => id,
        }
    }
}

/// How many days back `GET /subscriptions/impact` counts matching events.
pub const IMPACT_DAYS: i64 = 7;

/// `GET /subscriptions/impact`: what a change would cut off.
///
/// `topics` are the topics that would be left with no enabled receiver: topics that are enabled
/// and have at least one enabled, live receiver now, and would have none after the change. For
/// `disable_webhook` / `delete_webhook` that is every enabled topic whose only enabled receiver is
/// that webhook (a disabled webhook cuts nothing off); for `disable_topic` it is the topic itself
/// when it is enabled and has an enabled receiver. Webhooks whose own event types cover the same
/// events keep receiving them; that is not counted here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionImpact {
    /// Start of the counting window: [`IMPACT_DAYS`] days before the answer, RFC 3339 UTC.
    pub since: String,
    pub topics: Vec<ImpactedTopic>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImpactedTopic {
    pub id: String,
    pub name_en: String,
    pub name_zh: String,
    /// Events received (by the server, `received_at`) since `since` that match the topic's current
    /// filter — event type, resource-type scope and severity — wherever they were delivered.
    pub matching_events: u64,
}

/// Why a delivery went to its webhook. On the wire a string: `webhook` (the webhook's own event
/// types matched) or `subscription:<topic id>` (it receives that enabled topic, which matched).
/// When both match, the webhook's own filter is the recorded rule; the event is sent once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum RouteRule {
    #[default]
    Webhook,
    Subscription(String),
}

impl RouteRule {
    const SUBSCRIPTION_PREFIX: &'static str = "subscription:";

    pub fn parse(s: &str) -> Option<Self> {
        match s.strip_prefix(Self::SUBSCRIPTION_PREFIX) {
            Some(topic) if !topic.is_empty() => Some(Self::Subscription(topic.to_string())),
            Some(_) => None,
            None => (s == "webhook").then_some(Self::Webhook),
        }
    }

    /// The topic that routed it, for `subscription:` rules.
    pub fn topic(&self) -> Option<&str> {
        match self {
            Self::Webhook => None,
            Self::Subscription(t) => Some(t),
        }
    }
}

impl std::fmt::Display for RouteRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Webhook => f.write_str("webhook"),
            Self::Subscription(t) => write!(f, "{}{t}", Self::SUBSCRIPTION_PREFIX),
        }
    }
}

impl Serialize for RouteRule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RouteRule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "expected 'webhook' or 'subscription:<topic id>', got '{s}'"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_on_the_wire() {
        let topic = RouteRule::Subscription("resource.sync".into());
        assert_eq!(
            serde_json::to_value(&topic).unwrap(),
            "subscription:resource.sync"
        );
        assert_eq!(serde_json::to_value(RouteRule::Webhook).unwrap(), "webhook");
        for rule in [RouteRule::Webhook, topic] {
            let back: RouteRule =
                serde_json::from_value(serde_json::to_value(&rule).unwrap()).unwrap();
            assert_eq!(back, rule);
        }
        assert!(RouteRule::parse("subscription:").is_none());
        assert!(RouteRule::parse("topic").is_none());
    }

    #[test]
    fn impact_changes_combine() {
        assert_eq!(
            ImpactChange::from_pairs([("disable_topic", "resource.sync"), ("x", "y")]),
            Ok(vec![ImpactChange::DisableTopic("resource.sync".into())])
        );
        assert_eq!(ImpactChange::from_pairs([]), Ok(vec![]));
        assert_eq!(
            ImpactChange::from_pairs([("disable_webhook", "a"), ("delete_webhook", " b ")]),
            Ok(vec![
                ImpactChange::DisableWebhook("a".into()),
                ImpactChange::DeleteWebhook("b".into())
            ])
        );
        assert!(
            ImpactChange::from_pairs([("delete_webhook", " ")])
                .unwrap_err()
                .contains_key("delete_webhook")
        );
    }
}
