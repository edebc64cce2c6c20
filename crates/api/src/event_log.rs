//! The events log (`GET /events`, `GET /events/{id}`): stored events, newest first, each with
//! where it went — which webhooks, by which rule, and how their deliveries stand.

use crate::{DeliveryStatus, EventResult, RouteRule, Severity};
use serde::{Deserialize, Serialize};

/// An event as stored, with its routes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventRecord {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub resource_details: serde_json::Value,
    pub result: EventResult,
    pub severity: Severity,
    pub occurred_at: String,
    pub source: Option<String>,
    /// When the server accepted it.
    pub received_at: String,
    /// One per webhook the event was routed to (a webhook never gets an event twice), in the order
    /// the deliveries were queued. Empty when nothing matched.
    pub routes: Vec<EventRoute>,
}

/// One webhook an event was routed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventRoute {
    pub webhook_id: String,
    /// The webhook's current name (also for a webhook deleted since).
    pub webhook_name: String,
    /// `webhook` or `subscription:<topic id>`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "subscription:resource.lifecycle"))]
    pub rule: RouteRule,
    pub delivery_id: String,
    pub delivery_status: DeliveryStatus,
}

/// `GET /events?type=&resource_type=&result=&page=&page_size=`, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventQuery {
    /// A catalog key.
    pub event_type: Option<String>,
    pub resource_type: Option<String>,
    pub result: Option<EventResult>,
    /// From 1.
    pub page: u32,
    /// 1–100, default 20.
    pub page_size: u32,
}

impl Default for EventQuery {
    fn default() -> Self {
        Self {
            event_type: None,
            resource_type: None,
            result: None,
            page: 1,
            page_size: crate::DEFAULT_PAGE_SIZE,
        }
    }
}

impl EventQuery {
    /// Parses query pairs; unknown keys are ignored, bad values are field errors.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, crate::FieldErrors> {
        let mut q = Self::default();
        let mut errors = crate::FieldErrors::new();
        for (key, value) in pairs {
            let value = value.trim();
            // An empty filter is no filter; an empty number is not a number.
            if value.is_empty() && !matches!(key, "page" | "page_size") {
                continue;
            }
            let mut bad = |msg: String| {
                errors.insert(key.to_string(), msg);
            };
            match key {
                "type" => match crate::catalog::find(value) {
                    Some(e) => q.event_type = Some(e.0.to_string()),
                    None => bad(format!("unknown event type '{value}'")),
                },
                "resource_type" => match crate::validate::event::word(value) {
                    Ok(()) => q.resource_type = Some(value.to_string()),
                    Err(e) => bad(e.message(crate::Lang::En)),
                },
                "result" => match value {
                    "succeed" => q.result = Some(EventResult::Succeed),
                    "failed" => q.result = Some(EventResult::Failed),
                    _ => bad("must be one of: succeed, failed".into()),
                },
                "page" | "page_size" => {
                    if let Some(Err(msg)) =
                        crate::query::parse_paging(key, value, &mut q.page, &mut q.page_size)
                    {
                        bad(msg)
                    }
                }
                _ => {}
            }
        }
        if errors.is_empty() {
            Ok(q)
        } else {
            Err(errors)
        }
    }

    /// The non-default parts as query pairs, in a stable order.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(t) = &self.event_type {
            out.push(("type", t.clone()));
        }
        if let Some(r) = &self.resource_type {
            out.push(("resource_type", r.clone()));
        }
        if let Some(r) = self.result {
            out.push(("result", r.as_str().to_string()));
        }
        if self.page > 1 {
            out.push(("page", self.page.to_string()));
        }
        if self.page_size != crate::DEFAULT_PAGE_SIZE {
            out.push(("page_size", self.page_size.to_string()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_query_round_trips_and_reports_bad_values() {
        let q = EventQuery::from_pairs([
            ("type", "resource.update"),
            ("resource_type", "host"),
            ("result", "failed"),
            ("page", "3"),
        ])
        .unwrap();
        assert_eq!(q.result, Some(EventResult::Failed));
        let pairs = q.to_pairs();
        assert_eq!(
            EventQuery::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str()))).unwrap(),
            q
        );
        let e = EventQuery::from_pairs([
            ("type", "nope"),
            ("resource_type", "Host!"),
            ("result", "ok"),
            ("page_size", "0"),
        ])
        .unwrap_err();
        assert_eq!(e.len(), 4, "{e:?}");
    }
}
