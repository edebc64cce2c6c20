//! The one error body every failing API call answers with.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Field path (`name`, `auth.password`, `headers`) → a readable message.
pub type FieldErrors = BTreeMap<String, String>;

/// `{"error": {"code": "...", "message": "...", "fields": {...}}}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Machine-readable: `validation_failed`, `not_found`, `conflict`, `bad_request`,
    /// `payload_too_large`, `method_not_allowed`, `internal`.
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// Per-field messages, for `validation_failed` and `conflict`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub fields: FieldErrors,
}
