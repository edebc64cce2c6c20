//! Webhooks: what the console sends to create or modify one, what the API returns, its auth,
//! status and failure details. Lists and their queries are in `query`.

use crate::PayloadFormat;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The purpose of a webhook, as seed 004's "Type".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum WebhookType {
    #[default]
    Events,
    Alarms,
}

impl WebhookType {
    pub const ALL: [Self; 2] = [Self::Events, Self::Alarms];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Events => "events",
            Self::Alarms => "alarms",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// The language of the messages a webhook receives ("Alarm Message Language").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MessageLanguage {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl MessageLanguage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::ZhCn => "zh-CN",
        }
    }
}

/// How requests to the receiver authenticate. Secrets are write-only: the API returns them masked
/// (see [`mask_secret`]); sending the masked value back on a modify keeps the stored secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Auth {
    #[default]
    None,
    Basic {
        username: String,
        password: String,
    },
    Bearer {
        token: String,
    },
    /// HMAC-SHA256 signature (Standard Webhooks) with a `whsec_` secret.
    Signature {
        secret: String,
    },
}

impl Auth {
    pub fn kind(&self) -> AuthKind {
        match self {
            Self::None => AuthKind::None,
            Self::Basic { .. } => AuthKind::Basic,
            Self::Bearer { .. } => AuthKind::Bearer,
            Self::Signature { .. } => AuthKind::Signature,
        }
    }

    /// The same auth with every secret replaced by its mask.
    pub fn masked(&self) -> Self {
        match self {
            Self::None => Self::None,
            Self::Basic { username, password } => Self::Basic {
                username: username.clone(),
                password: mask_secret(password),
            },
            Self::Bearer { token } => Self::Bearer {
                token: mask_secret(token),
            },
            Self::Signature { secret } => Self::Signature {
                secret: mask_secret(secret),
            },
        }
    }

    /// Resolves a submitted auth against the stored one: a secret equal to the stored secret's
    /// mask means "unchanged" and takes the stored value.
    pub fn keep_unchanged_secrets(self, stored: &Auth) -> Self {
        let keep = |new: String, old: &String| {
            if new == mask_secret(old) {
                old.clone()
            } else {
                new
            }
        };
        match (self, stored) {
            (Self::Basic { username, password }, Self::Basic { password: old, .. }) => {
                Self::Basic {
                    username,
                    password: keep(password, old),
                }
            }
            (Self::Bearer { token }, Self::Bearer { token: old }) => Self::Bearer {
                token: keep(token, old),
            },
            (Self::Signature { secret }, Self::Signature { secret: old }) => Self::Signature {
                secret: keep(secret, old),
            },
            (new, _) => new,
        }
    }
}

/// Reads a returned webhook's `auth` (the same JSON as [`Auth`]'s) through a flat struct: the
/// internally tagged enum's buffering deserializer is several times the code in the console's wasm.
fn deserialize_returned_auth<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Auth, D::Error> {
    #[derive(Deserialize)]
    struct Flat {
        #[serde(rename = "type")]
        kind: String,
        #[serde(default)]
        username: String,
        #[serde(default)]
        password: String,
        #[serde(default)]
        token: String,
        #[serde(default)]
        secret: String,
    }
    let Flat {
        kind,
        username,
        password,
        token,
        secret,
    } = Flat::deserialize(d)?;
    Ok(match kind.as_str() {
        "none" => Auth::None,
        "basic" => Auth::Basic { username, password },
        "bearer" => Auth::Bearer { token },
        "signature" => Auth::Signature { secret },
        other => {
            return Err(serde::de::Error::unknown_variant(
                other,
                &["none", "basic", "bearer", "signature"],
            ));
        }
    })
}

/// The kind of an [`Auth`], for filters and table columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthKind {
    None,
    Basic,
    Bearer,
    Signature,
}

impl AuthKind {
    pub const ALL: [Self; 4] = [Self::None, Self::Basic, Self::Bearer, Self::Signature];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Basic => "basic",
            Self::Bearer => "bearer",
            Self::Signature => "signature",
        }
    }
}

/// The mask every secret is returned as: never the secret itself, at most its last four
/// characters, and only when it is long enough for those to give nothing away.
pub fn mask_secret(secret: &str) -> String {
    let n = secret.chars().count();
    if n >= 16 {
        let tail: String = secret.chars().skip(n - 4).collect();
        format!("••••••••{tail}")
    } else {
        "••••••••".into()
    }
}

/// Whether a string is a mask produced by [`mask_secret`].
pub fn is_masked(s: &str) -> bool {
    s.starts_with("••••••••")
}

/// Delivery health, as in the OpenMetadata webhook model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum WebhookStatus {
    #[default]
    Active,
    AwaitingRetry,
    Failed,
    RetryLimitReached,
    Disabled,
}

impl WebhookStatus {
    pub const ALL: [Self; 5] = [
        Self::Active,
        Self::AwaitingRetry,
        Self::Failed,
        Self::RetryLimitReached,
        Self::Disabled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::AwaitingRetry => "awaitingRetry",
            Self::Failed => "failed",
            Self::RetryLimitReached => "retryLimitReached",
            Self::Disabled => "disabled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// What went wrong with deliveries lately. Times are RFC 3339 UTC.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FailureDetails {
    pub last_successful_at: Option<String>,
    pub last_failed_at: Option<String>,
    pub last_failed_status_code: Option<u16>,
    pub last_failed_reason: Option<String>,
    pub next_attempt: Option<String>,
}

pub const DEFAULT_BATCH_SIZE: u32 = 10;
pub const DEFAULT_TIMEOUT: u32 = 10;

fn default_true() -> bool {
    true
}
fn default_batch_size() -> u32 {
    DEFAULT_BATCH_SIZE
}
fn default_timeout() -> u32 {
    DEFAULT_TIMEOUT
}
fn default_msg_key() -> String {
    crate::DEFAULT_MSG_KEY.to_string()
}

/// The body of create (`POST /webhooks`) and modify (`PUT /webhooks/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookIn {
    /// 1–128 characters, unique among webhooks that are not deleted (case-insensitive).
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "type", default)]
    pub kind: WebhookType,
    /// `http://` or `https://`, at most 2048 characters.
    pub url: String,
    #[serde(default)]
    pub language: MessageLanguage,
    #[serde(default)]
    pub auth: Auth,
    /// Extra request headers sent with every delivery.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The shape of the body: `generic` JSON or an IM robot's message.
    #[serde(default)]
    pub format: PayloadFormat,
    /// Generic format: the message under `msg_key` is text from the language's template (true)
    /// or the event itself as a JSON string (false), as seed 002's template switch.
    #[serde(default = "default_true")]
    pub use_template: bool,
    /// Generic format: the key of the message text; `Msg` by default.
    #[serde(default = "default_msg_key")]
    pub msg_key: String,
    /// Generic format: extra fields added to every body. None may be named like `msg_key`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, Value>))]
    pub body: BTreeMap<String, serde_json::Value>,
    /// Catalog keys; at least one.
    pub event_types: Vec<String>,
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Events per delivery, 1–100.
    #[serde(default = "default_batch_size", deserialize_with = "crate::whole::int")]
    pub batch_size: u32,
    /// Seconds to wait for the receiver, 1–60.
    #[serde(default = "default_timeout", deserialize_with = "crate::whole::int")]
    pub timeout: u32,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// The project the webhook belongs to (seed 001): empty for none, else up to 64 of `a-z`,
    /// `0-9`, `_`, `-`, `.`.
    #[serde(default)]
    pub project_id: String,
    /// On modify: the version the change was made from. When given and no longer current the
    /// modify fails with 409 instead of overwriting someone else's change.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::whole::opt_int"
    )]
    pub version: Option<i64>,
}

impl Default for WebhookIn {
    fn default() -> Self {
        Self {
            name: String::new(),
            description: String::new(),
            kind: WebhookType::Events,
            url: String::new(),
            language: MessageLanguage::En,
            auth: Auth::None,
            headers: BTreeMap::new(),
            format: PayloadFormat::Generic,
            use_template: true,
            msg_key: default_msg_key(),
            body: BTreeMap::new(),
            event_types: Vec::new(),
            enabled: true,
            batch_size: DEFAULT_BATCH_SIZE,
            timeout: DEFAULT_TIMEOUT,
            tags: BTreeMap::new(),
            project_id: String::new(),
            version: None,
        }
    }
}

/// A webhook as the API returns it; secrets masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: String,
    pub name: String,
    pub description: String,
    #[serde(rename = "type")]
    pub kind: WebhookType,
    pub url: String,
    pub language: MessageLanguage,
    #[serde(deserialize_with = "deserialize_returned_auth")]
    pub auth: Auth,
    /// While a rotated-out signing secret still signs (a second signature), until when.
    #[serde(default)]
    pub previous_secret_expires_at: Option<String>,
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub format: PayloadFormat,
    #[serde(default = "default_true")]
    pub use_template: bool,
    #[serde(default = "default_msg_key")]
    pub msg_key: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, Value>))]
    pub body: BTreeMap<String, serde_json::Value>,
    pub event_types: Vec<String>,
    pub enabled: bool,
    /// `disabled` whenever `enabled` is false.
    pub status: WebhookStatus,
    pub failure_details: FailureDetails,
    pub batch_size: u32,
    pub timeout: u32,
    pub tags: BTreeMap<String, String>,
    /// Empty when the webhook belongs to no project.
    #[serde(default)]
    pub project_id: String,
    /// Starts at 1, +1 on every change.
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub updated_by: String,
}

impl Webhook {
    /// The create/modify body that reproduces this webhook (secrets stay masked, which the
    /// server reads as "unchanged").
    pub fn to_input(&self) -> WebhookIn {
        WebhookIn {
            name: self.name.clone(),
            description: self.description.clone(),
            kind: self.kind,
            url: self.url.clone(),
            language: self.language,
            auth: self.auth.clone(),
            headers: self.headers.clone(),
            format: self.format,
            use_template: self.use_template,
            msg_key: self.msg_key.clone(),
            body: self.body.clone(),
            event_types: self.event_types.clone(),
            enabled: self.enabled,
            batch_size: self.batch_size,
            timeout: self.timeout,
            tags: self.tags.clone(),
            project_id: self.project_id.clone(),
            version: Some(self.version),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_and_kept_when_sent_back_masked() {
        let stored = Auth::Bearer {
            token: "abcdefghijklmnopqrstuvwxyz".into(),
        };
        let masked = stored.masked();
        assert_eq!(
            masked,
            Auth::Bearer {
                token: "••••••••wxyz".into()
            }
        );
        assert_eq!(masked.clone().keep_unchanged_secrets(&stored), stored);
        let changed = Auth::Bearer {
            token: "new-token-value".into(),
        };
        assert_eq!(changed.clone().keep_unchanged_secrets(&stored), changed);
        // Short secrets show nothing of themselves.
        assert_eq!(mask_secret("pw"), "••••••••");
    }

    #[test]
    fn wire_names_are_as_documented() {
        let json = serde_json::to_value(Auth::Basic {
            username: "u".into(),
            password: "p".into(),
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "basic", "username": "u", "password": "p"})
        );
        assert_eq!(
            serde_json::to_value(WebhookStatus::AwaitingRetry).unwrap(),
            "awaitingRetry"
        );
        assert_eq!(
            serde_json::to_value(MessageLanguage::ZhCn).unwrap(),
            "zh-CN"
        );
        let input: WebhookIn = serde_json::from_str(
            r#"{"name":"a","url":"https://x.io","event_types":["config.change"]}"#,
        )
        .unwrap();
        assert_eq!(
            (input.batch_size, input.timeout, input.enabled),
            (10, 10, true)
        );
        assert_eq!(
            (input.format, input.use_template, input.msg_key.as_str()),
            (PayloadFormat::Generic, true, "Msg")
        );
        assert!(input.body.is_empty());
    }

    #[test]
    fn a_returned_webhooks_auth_reads_back_as_written() {
        let auths = [
            Auth::None,
            Auth::Basic {
                username: "u".into(),
                password: "p".into(),
            },
            Auth::Bearer { token: "t".into() },
            Auth::Signature { secret: "s".into() },
        ];
        #[derive(Deserialize)]
        struct Returned {
            #[serde(deserialize_with = "deserialize_returned_auth")]
            auth: Auth,
        }
        for auth in auths {
            let mut json = serde_json::json!({ "auth": auth });
            let back: Returned = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(back.auth, auth);
            json["auth"]["type"] = "digest".into();
            assert!(serde_json::from_value::<Returned>(json).is_err());
        }
    }
}
