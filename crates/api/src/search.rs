//! Seed 001's query language, for `POST /webhooks/search`, `POST /inbound-webhooks/search` and
//! their `/stat`: filters `{"k", "v", "o"}` on a resource's fields (dotted: `plugin_info.plugin_id`,
//! `tags.env`), all of `filter` and any of `filter_or`, a keyword, sort, paging, a projection
//! (`only`) and counting.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How a condition compares the field with `v`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SearchOp {
    #[default]
    Eq,
    Not,
    /// `v` is a list; the field equals one of it.
    In,
    NotIn,
    /// Text: contains `v`, case-insensitively.
    Contain,
    NotContain,
    Gt,
    Gte,
    Lt,
    Lte,
    /// `v` true: the field is present and not null/empty; false: the opposite.
    Exists,
}

/// One condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// A field of the resource (`name`, `state`, `tags.env`, …).
    pub k: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Value))]
    pub v: Value,
    #[serde(default)]
    pub o: SearchOp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SearchSort {
    pub key: String,
    #[serde(default)]
    pub desc: bool,
}

/// `start` counts from 1, as seed 001's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SearchPage {
    #[serde(default = "one", deserialize_with = "crate::whole::int")]
    pub start: u64,
    /// 1–1000.
    #[serde(deserialize_with = "crate::whole::int")]
    pub limit: u64,
}

fn one() -> u64 {
    1
}

/// The query of `/search`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// All must hold.
    #[serde(default)]
    pub filter: Vec<Condition>,
    /// When given, at least one must hold too.
    #[serde(default)]
    pub filter_or: Vec<Condition>,
    /// Matched case-insensitively against the resource's name (and id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<SearchSort>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<SearchPage>,
    /// Only these fields of each result (dotted keys allowed).
    #[serde(default)]
    pub only: Vec<String>,
    /// Just `total_count`, no results.
    #[serde(default)]
    pub count_only: bool,
}

/// `POST …/search` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    #[serde(default)]
    pub query: SearchQuery,
}

/// `POST …/search` answer: the resources (or their `only` fields) and how many matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub results: Vec<Value>,
    pub total_count: u64,
}

/// The query of `/stat`: which resources (as `/search`), grouped by which fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StatQuery {
    #[serde(default)]
    pub filter: Vec<Condition>,
    #[serde(default)]
    pub filter_or: Vec<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    /// Fields to group by; none counts everything as one group.
    #[serde(default)]
    pub group_by: Vec<String>,
}

/// `POST …/stat` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StatRequest {
    #[serde(default)]
    pub query: StatQuery,
}

/// `POST …/stat` answer: one row per group, `{"state": "ENABLED", "count": 3}`, largest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatResults {
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub results: Vec<Value>,
}
