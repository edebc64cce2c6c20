//! Payload formats: the shape of the body a webhook receives (seed 002's generic JSON, or the
//! message shape of an IM robot), and the options of the generic shape.

use serde::{Deserialize, Serialize};

/// The key the message text goes under in the generic format when `msg_key` is not set.
pub const DEFAULT_MSG_KEY: &str = "Msg";

/// What the receiver is, and so what shape the body has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PayloadFormat {
    /// Seed 002's JSON: `action`, `resource_type`, `resource_details`, `result`, the message under
    /// `msg_key`, and the extra `body` fields. Signed with Standard Webhooks headers.
    #[default]
    Generic,
    /// Slack incoming webhook: `{"text": ...}`.
    Slack,
    /// Microsoft Teams incoming webhook: a MessageCard.
    Teams,
    /// DingTalk robot: `{"msgtype": "text", ...}`; with a signature secret the URL is signed.
    Dingtalk,
    /// Feishu / Lark robot: `{"msg_type": "text", ...}`; with a secret `timestamp` and `sign` are
    /// added to the body.
    Feishu,
    /// WeCom (WeChat Work) group robot: `{"msgtype": "text", ...}`.
    Wecom,
    /// Discord webhook: `{"content": ...}`.
    Discord,
}

impl PayloadFormat {
    pub const ALL: [Self; 7] = [
        Self::Generic,
        Self::Slack,
        Self::Teams,
        Self::Dingtalk,
        Self::Feishu,
        Self::Wecom,
        Self::Discord,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Generic => "generic",
            Self::Slack => "slack",
            Self::Teams => "teams",
            Self::Dingtalk => "dingtalk",
            Self::Feishu => "feishu",
            Self::Wecom => "wecom",
            Self::Discord => "discord",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// DingTalk and Feishu sign with the secret their robot page shows (`SEC…` or any string),
    /// not with a `whsec_` secret.
    pub fn uses_platform_secret(self) -> bool {
        matches!(self, Self::Dingtalk | Self::Feishu)
    }

    /// Whether `msg_key`, `body` and `use_template` shape the payload (only the generic format).
    pub fn is_generic(self) -> bool {
        self == Self::Generic
    }
}
