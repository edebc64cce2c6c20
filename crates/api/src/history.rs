//! A webhook's history (seed 003): every change bumps its `version` and stores what changed,
//! field by field, as OpenMetadata's change descriptions do. `GET /webhooks/{id}/versions`.

use crate::FieldChange;
use serde::{Deserialize, Serialize};

/// What one change did to a webhook. Secrets appear as `"(changed)"`, never their value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeDescription {
    pub fields_added: Vec<FieldChange>,
    pub fields_updated: Vec<FieldChange>,
    pub fields_deleted: Vec<FieldChange>,
    /// The version this change started from; none for the creation.
    pub previous_version: Option<i64>,
}

impl ChangeDescription {
    pub fn is_empty(&self) -> bool {
        self.fields_added.is_empty()
            && self.fields_updated.is_empty()
            && self.fields_deleted.is_empty()
    }
}

/// One version of a webhook: who made it, when, with which change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookVersion {
    pub version: i64,
    /// `create`, `modify`, `enable`, `disable`, `delete`, `restore` or `rotate_secret`.
    pub action: String,
    pub changed_at: String,
    pub changed_by: String,
    pub change: ChangeDescription,
}
