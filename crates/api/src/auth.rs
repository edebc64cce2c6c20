//! Who may do what: users and their roles, the sign-in session, API tokens, and the audit log of
//! every change (`/session`, `/users`, `/tokens`, `/audit`).

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a user or a token may do. Users are `admin`, `operator` or `viewer`; a token may also be
/// a `publisher`, which may only post events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads everything (secrets masked).
    Viewer,
    /// Reads, and enables, disables, sends, tests, redelivers and publishes.
    Operator,
    /// Everything, including users, tokens and the audit log.
    Admin,
    /// Tokens only: `POST /api/v1/events` and nothing else.
    Publisher,
}

impl Role {
    pub const USER_ROLES: [Role; 3] = [Role::Admin, Role::Operator, Role::Viewer];
    pub const ALL: [Role; 4] = [Role::Admin, Role::Operator, Role::Viewer, Role::Publisher];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
            Role::Publisher => "publisher",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether a token of role `self` may be created by someone of role `creator`: never more
    /// than the creator may do. A publisher's one right is part of an operator's.
    pub fn within(self, creator: Role) -> bool {
        matches!(
            (self, creator),
            (_, Role::Admin)
                | (
                    Role::Operator | Role::Viewer | Role::Publisher,
                    Role::Operator
                )
                | (Role::Viewer, Role::Viewer)
        )
    }

    /// May reach the console's reads (everything but publishers).
    pub fn can_read(self) -> bool {
        self != Role::Publisher
    }

    /// May enable, disable, send, test, redeliver and publish.
    pub fn can_operate(self) -> bool {
        matches!(self, Role::Operator | Role::Admin)
    }

    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

/// `POST /session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub username: String,
    pub password: String,
}

/// `GET /session` (and the answer to a sign-in): who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub user: User,
    /// When the session ends at the latest, however active (RFC 3339).
    pub expires_at: String,
}

/// A person who signs in to the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: String,
    pub last_sign_in_at: Option<String>,
}

/// `POST /users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserIn {
    /// 1–64 characters: letters, digits, `.`, `_`, `-`, `@`. Unique, case-insensitively.
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    pub role: Role,
    /// At least 10 characters, at most 128, not the username.
    pub password: String,
}

/// `PUT /users/{id}`: the fields given change; a new password, a new role or disabling ends the
/// user's sessions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

/// An API token as listed: never the token itself, only its first characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// `whc_` and the first 8 characters of the secret, to tell tokens apart.
    pub prefix: String,
    /// The username of the admin or operator who created it.
    pub created_by: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub expires_at: Option<String>,
}

/// `POST /tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TokenIn {
    /// 1–100 characters.
    pub name: String,
    pub role: Role,
    /// RFC 3339, in the future; none for a token that does not expire.
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// The answer to `POST /tokens`: the only time the token is shown in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    /// `whc_…`: send it as `Authorization: Bearer whc_…`.
    pub token: String,
    #[serde(flatten)]
    pub api_token: ApiToken,
}

/// Who acted, as the audit log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ActorType {
    User,
    Token,
    /// Not signed in: failed sign-ins. (Requests refused for want of credentials, 401, are not
    /// recorded: anyone could fill the log with them. Refusals of known callers, 403, are.)
    Anonymous,
    /// The server itself (start-up, `reset-password`).
    System,
}

impl ActorType {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorType::User => "user",
            ActorType::Token => "token",
            ActorType::Anonymous => "anonymous",
            ActorType::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::User, Self::Token, Self::Anonymous, Self::System]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// One field of a change: old → new. Absent on one side when the field was added or removed;
/// secrets appear as `"(changed)"`, never their value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Value))]
    pub old_value: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Value))]
    pub new_value: Option<serde_json::Value>,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    /// A username, a token's name, or empty for an anonymous request.
    pub actor: String,
    pub actor_type: ActorType,
    /// `webhook.create`, `webhook.modify`, `user.create`, `session.create`, `request.refused`…
    pub action: String,
    /// `webhook`, `subscription`, `user`, `token`, `session` or `route`.
    pub target_type: String,
    pub target_id: String,
    pub target_name: String,
    pub client_addr: String,
    pub request_id: String,
    /// `success`, `failure` or `refused`.
    pub outcome: String,
    pub changes: Vec<FieldChange>,
}

/// `GET /audit?actor=&target_type=&target_id=&action=&since=&page=&page_size=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub action: Option<String>,
    /// RFC 3339: entries at or after.
    pub since: Option<String>,
    pub page: u32,
    pub page_size: u32,
}

impl Default for AuditQuery {
    fn default() -> Self {
        Self {
            actor: None,
            target_type: None,
            target_id: None,
            action: None,
            since: None,
            page: 1,
            page_size: crate::DEFAULT_PAGE_SIZE,
        }
    }
}

impl AuditQuery {
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
            if value.chars().count() > 200 {
                errors.insert(key.to_string(), "at most 200 characters".into());
                continue;
            }
            match key {
                "actor" => q.actor = Some(value.to_string()),
                "target_type" => q.target_type = Some(value.to_string()),
                "target_id" => q.target_id = Some(value.to_string()),
                "action" => q.action = Some(value.to_string()),
                "since" => {
                    if crate::validate::event::rfc3339(value).is_ok() {
                        q.since = Some(value.to_string())
                    } else {
                        errors.insert(
                            key.into(),
                            "must be an RFC 3339 time, e.g. 2026-12-01T00:00:00Z".into(),
                        );
                    }
                }
                "page" | "page_size" => {
                    if let Some(Err(msg)) =
                        crate::query::parse_paging(key, value, &mut q.page, &mut q.page_size)
                    {
                        errors.insert(key.to_string(), msg);
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
        for (k, v) in [
            ("actor", &self.actor),
            ("target_type", &self.target_type),
            ("target_id", &self.target_id),
            ("action", &self.action),
            ("since", &self.since),
        ] {
            if let Some(v) = v {
                out.push((k, v.clone()));
            }
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

/// The rules for a new user: field → error (`message(lang)` in English or Chinese).
pub fn validate_user(input: &UserIn) -> BTreeMap<&'static str, FieldError> {
    let mut errors = BTreeMap::new();
    if let Err(e) = check_username(&input.username) {
        errors.insert("username", e);
    }
    if input.display_name.chars().count() > 100 {
        errors.insert("display_name", FieldError::TooLong(100));
    }
    if input.role == Role::Publisher {
        errors.insert("role", FieldError::PublisherIsForTokens);
    }
    if let Err(e) = check_password(&input.password, &input.username) {
        errors.insert("password", e);
    }
    errors
}

/// 1–64 characters: letters, digits, `.`, `_`, `-`, `@`.
pub fn check_username(username: &str) -> Result<(), FieldError> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@');
    if username.is_empty() {
        Err(FieldError::Required)
    } else if username.len() > 64 {
        Err(FieldError::TooLong(64))
    } else if !username.chars().all(ok_char) {
        Err(FieldError::UsernameChars)
    } else {
        Ok(())
    }
}

/// At least 10 characters, at most 128, and not the username.
pub fn check_password(password: &str, username: &str) -> Result<(), FieldError> {
    let n = password.chars().count();
    if n < 10 {
        Err(FieldError::TooShort(10))
    } else if n > 128 {
        Err(FieldError::TooLong(128))
    } else if password.eq_ignore_ascii_case(username) {
        Err(FieldError::PasswordIsUsername)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_never_exceeds_its_creator() {
        assert!(Role::Admin.within(Role::Admin));
        assert!(Role::Publisher.within(Role::Operator));
        assert!(Role::Viewer.within(Role::Operator));
        assert!(!Role::Admin.within(Role::Operator));
        assert!(!Role::Operator.within(Role::Viewer));
        assert!(!Role::Publisher.within(Role::Viewer));
    }

    #[test]
    fn user_rules() {
        let mut u = UserIn {
            username: "alice".into(),
            display_name: "Alice".into(),
            role: Role::Operator,
            password: "correct horse".into(),
        };
        assert!(validate_user(&u).is_empty());
        u.password = "ALICE".into();
        u.username = "al ice".into();
        u.role = Role::Publisher;
        let e = validate_user(&u);
        assert_eq!(e.len(), 3, "{e:?}");
        assert_eq!(
            check_password("alicealice", "alicealice"),
            Err(FieldError::PasswordIsUsername)
        );
    }

    #[test]
    fn audit_query_round_trips() {
        let q = AuditQuery::from_pairs([
            ("actor", "admin"),
            ("target_type", "webhook"),
            ("since", "2026-12-01T00:00:00Z"),
            ("page", "2"),
        ])
        .unwrap();
        let pairs = q.to_pairs();
        assert_eq!(
            AuditQuery::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str()))).unwrap(),
            q
        );
        assert!(AuditQuery::from_pairs([("since", "yesterday")]).is_err());
    }
}
