//! Lists: the page shape every list answers with, and the webhook list's query (search, filters,
//! sort, pagination) and counts.

use crate::{WebhookStatus, WebhookType};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A page of results: `{"results": [...], "total_count": N}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub results: Vec<T>,
    pub total_count: u64,
}

/// Orders the list can be sorted in; a leading `-` in the query means descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    Name,
    Type,
    Status,
    CreatedAt,
    UpdatedAt,
}

impl SortField {
    pub const ALL: [Self; 5] = [
        Self::Name,
        Self::Type,
        Self::Status,
        Self::CreatedAt,
        Self::UpdatedAt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Type => "type",
            Self::Status => "status",
            Self::CreatedAt => "created_at",
            Self::UpdatedAt => "updated_at",
        }
    }
}

/// `?sort=` parsed: a field and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub field: SortField,
    pub descending: bool,
}

impl Default for Sort {
    /// Newest first.
    fn default() -> Self {
        Self {
            field: SortField::CreatedAt,
            descending: true,
        }
    }
}

impl Sort {
    pub fn parse(s: &str) -> Option<Self> {
        let (descending, name) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let field = SortField::ALL.into_iter().find(|f| f.as_str() == name)?;
        Some(Self { field, descending })
    }

    pub fn to_query(self) -> String {
        format!(
            "{}{}",
            if self.descending { "-" } else { "" },
            self.field.as_str()
        )
    }
}

pub const DEFAULT_PAGE_SIZE: u32 = 20;
pub const MAX_PAGE_SIZE: u32 = 100;

/// The list query `?search=&type=&enabled=&status=&event_type=&project_id=&tag=&sort=&page=&page_size=`, parsed and
/// checked. Both sides build it from the same strings: the server from the request, the console
/// from its URL, so a shared link shows the same view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookQuery {
    /// Matches name, URL and description, case-insensitively.
    pub search: Option<String>,
    pub kind: Option<WebhookType>,
    pub enabled: Option<bool>,
    pub status: Option<WebhookStatus>,
    pub event_type: Option<String>,
    /// Webhooks of this project only.
    pub project_id: Option<String>,
    /// `tag=KEY:VALUE`: webhooks with this tag (split at the first `:`, so a key cannot hold one;
    /// `POST /webhooks/search` can name any tag).
    pub tag: Option<(String, String)>,
    /// `silent_days=N` (1–365): webhooks that got no event in the last N days — no delivery of
    /// an event was queued for them since (test sends, VALIDATE and drills do not count), however
    /// old the webhook. History pruned by `--retention` counts as no event.
    pub silent_days: Option<u32>,
    /// `deleted=true`: the deleted webhooks instead of the live ones (admins only).
    pub deleted: bool,
    pub sort: Sort,
    /// From 1.
    pub page: u32,
    /// 1–100, default 20.
    pub page_size: u32,
}

/// The longest `silent_days` the list accepts.
pub const MAX_SILENT_DAYS: u32 = 365;

impl WebhookQuery {
    /// Parses query pairs; unknown keys are ignored, bad values are field errors.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, crate::FieldErrors> {
        let mut q = Self {
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
            ..Self::default()
        };
        let mut errors = crate::FieldErrors::new();
        for (key, value) in pairs {
            let value = value.trim();
            // An empty filter is no filter; an empty number is not a number.
            if value.is_empty() && !matches!(key, "page" | "page_size" | "silent_days") {
                continue;
            }
            let mut bad = |msg: String| {
                errors.insert(key.to_string(), msg);
            };
            match key {
                "search" => q.search = Some(value.chars().take(200).collect()),
                "type" => match WebhookType::parse(value) {
                    Some(t) => q.kind = Some(t),
                    None => bad("must be one of: events, alarms".into()),
                },
                "enabled" => match value {
                    "true" => q.enabled = Some(true),
                    "false" => q.enabled = Some(false),
                    _ => bad("must be true or false".into()),
                },
                "deleted" => match value {
                    "true" => q.deleted = true,
                    "false" => q.deleted = false,
                    _ => bad("must be true or false".into()),
                },
                "status" => match WebhookStatus::parse(value) {
                    Some(s) => q.status = Some(s),
                    None => bad(format!(
                        "must be one of: {}",
                        WebhookStatus::ALL.map(|s| s.as_str()).join(", ")
                    )),
                },
                "event_type" => match crate::catalog::find(value) {
                    Some(e) => q.event_type = Some(e.0.to_string()),
                    None => bad(format!("unknown event type '{value}'")),
                },
                "project_id" => match crate::inbound::project_id(value) {
                    Ok(()) => q.project_id = Some(value.to_string()),
                    Err(e) => bad(e.message(crate::Lang::En)),
                },
                "tag" => match value.split_once(':') {
                    Some((k, v)) if !k.trim().is_empty() => {
                        q.tag = Some((k.trim().to_string(), v.trim().to_string()))
                    }
                    _ => bad("must be KEY:VALUE".into()),
                },
                "silent_days" => match value.parse::<u32>() {
                    Ok(n) if (1..=MAX_SILENT_DAYS).contains(&n) => q.silent_days = Some(n),
                    _ => bad(format!(
                        "must be a whole number of days from 1 to {MAX_SILENT_DAYS}"
                    )),
                },
                "sort" => match Sort::parse(value) {
                    Some(s) => q.sort = s,
                    None => bad(format!(
                        "must be one of: {} (prefix - for descending)",
                        SortField::ALL.map(|s| s.as_str()).join(", ")
                    )),
                },
                "page" | "page_size" => {
                    if let Some(Err(msg)) = parse_paging(key, value, &mut q.page, &mut q.page_size)
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
        if let Some(s) = &self.search {
            out.push(("search", s.clone()));
        }
        if let Some(t) = self.kind {
            out.push(("type", t.as_str().into()));
        }
        if let Some(e) = self.enabled {
            out.push(("enabled", e.to_string()));
        }
        if let Some(s) = self.status {
            out.push(("status", s.as_str().into()));
        }
        if let Some(e) = &self.event_type {
            out.push(("event_type", e.clone()));
        }
        if let Some(p) = &self.project_id {
            out.push(("project_id", p.clone()));
        }
        if let Some((k, v)) = &self.tag {
            out.push(("tag", format!("{k}:{v}")));
        }
        if let Some(n) = self.silent_days {
            out.push(("silent_days", n.to_string()));
        }
        if self.deleted {
            out.push(("deleted", "true".into()));
        }
        if self.sort != Sort::default() {
            out.push(("sort", self.sort.to_query()));
        }
        if self.page > 1 {
            out.push(("page", self.page.to_string()));
        }
        if self.page_size != DEFAULT_PAGE_SIZE {
            out.push(("page_size", self.page_size.to_string()));
        }
        out
    }
}

/// `GET /webhooks/stat`: counts of the webhooks that are not deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookStat {
    pub total: u64,
    /// `events` / `alarms` → count.
    pub by_type: BTreeMap<String, u64>,
    /// `enabled` / `disabled` → count.
    pub by_enabled: BTreeMap<String, u64>,
    /// Status (`active`, `awaitingRetry`, …) → count; every status is present.
    pub by_status: BTreeMap<String, u64>,
}

/// `page` (from 1) and `page_size` (1–100) of every list query: `Some` when `key` is one of them,
/// with the value set or the error message.
pub(crate) fn parse_paging(
    key: &str,
    value: &str,
    page: &mut u32,
    page_size: &mut u32,
) -> Option<Result<(), String>> {
    let n = value.parse::<u32>();
    Some(match key {
        "page" => match n {
            Ok(p) if p >= 1 => {
                *page = p;
                Ok(())
            }
            _ => Err("must be a whole number from 1".into()),
        },
        "page_size" => match n {
            Ok(p) if (1..=MAX_PAGE_SIZE).contains(&p) => {
                *page_size = p;
                Ok(())
            }
            _ => Err(format!("must be a whole number from 1 to {MAX_PAGE_SIZE}")),
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_round_trips_and_rejects_bad_values() {
        let q = WebhookQuery::from_pairs([
            ("search", "ops"),
            ("type", "alarms"),
            ("enabled", "false"),
            ("project_id", "web"),
            ("tag", "env: prod"),
            ("sort", "-name"),
            ("page", "3"),
        ])
        .unwrap();
        let pairs = q.to_pairs();
        let again = WebhookQuery::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
        assert_eq!(q, again);
        assert_eq!(q.tag, Some(("env".into(), "prod".into())));
        let err = WebhookQuery::from_pairs([
            ("page", "0"),
            ("status", "weird"),
            ("page_size", "1000"),
            ("project_id", "Not A Word"),
            ("tag", "no-colon"),
        ])
        .unwrap_err();
        assert_eq!(
            err.keys().collect::<Vec<_>>(),
            ["page", "page_size", "project_id", "status", "tag"]
        );
        // An empty filter is none; an empty number is an error, as the OpenAPI document says.
        assert!(WebhookQuery::from_pairs([("status", " "), ("search", "")]).is_ok());
        let err = WebhookQuery::from_pairs([("page", ""), ("silent_days", " ")]).unwrap_err();
        assert_eq!(err.keys().collect::<Vec<_>>(), ["page", "silent_days"]);
        // A tag's value may be empty, or hold colons itself.
        let q = WebhookQuery::from_pairs([("tag", "url:https://x")]).unwrap();
        assert_eq!(q.tag, Some(("url".into(), "https://x".into())));
    }
}
