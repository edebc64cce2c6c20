//! Validation rules for webhooks, run by the console as the user types and by the server on every
//! write, so both always agree. Each rule yields a [`FieldError`] that can speak both languages.

use crate::{Auth, FieldErrors, WebhookIn, catalog};
use std::collections::BTreeMap;

pub mod event;
pub use event::validate_event;

pub const NAME_MAX: usize = 128;
pub const DESCRIPTION_MAX: usize = 1024;
pub const URL_MAX: usize = 2048;
pub const HEADERS_MAX: usize = 20;
pub const HEADER_VALUE_MAX: usize = 1024;
pub const TAGS_MAX: usize = 20;
pub const SECRET_MAX: usize = 4096;
pub const BATCH_SIZE_RANGE: (u32, u32) = (1, 100);
pub const TIMEOUT_RANGE: (u32, u32) = (1, 60);
pub const MSG_KEY_MAX: usize = 64;
pub const BODY_FIELDS_MAX: usize = 20;

/// Headers the server sets itself; a webhook may not override them.
pub const RESERVED_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "authorization",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "x-webhook-event",
];

/// A language of the console and of its messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

/// Why a field is invalid. `message` renders it for people in either language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldError {
    Required,
    TooLong(usize),
    ControlCharacters,
    UrlScheme,
    UrlHost,
    UrlCredentials,
    UrlMalformed,
    NoEventType,
    UnknownEventType(String),
    DuplicateEventType(String),
    OutOfRange(u32, u32),
    HeaderName(String),
    HeaderReserved(String),
    HeaderValue(String),
    TooMany(usize),
    UsernameColon,
    SecretFormat,
    TagKey,
    /// An extra body field named like `msg_key`: it would replace the message (seed 002).
    BodyKeyIsMsgKey(String),
    BodyKey,
    NotAnObject,
    Word,
    Timestamp,
}

impl FieldError {
    pub fn message(&self, lang: Lang) -> String {
        use FieldError::*;
        let zh = lang == Lang::Zh;
        match self {
            Required => pick(zh, "This field is required.", "此项为必填项。"),
            TooLong(n) => {
                if zh {
                    format!("不能超过 {n} 个字符。")
                } else {
                    format!("At most {n} characters.")
                }
            }
            ControlCharacters => pick(
                zh,
                "Must not contain control characters or line breaks.",
                "不能包含控制字符或换行。",
            ),
            UrlScheme => pick(
                zh,
                "The URL must start with http:// or https://.",
                "URL 必须以 http:// 或 https:// 开头。",
            ),
            UrlHost => pick(
                zh,
                "The URL needs a valid host name or IP address.",
                "URL 需要有效的主机名或 IP 地址。",
            ),
            UrlCredentials => pick(
                zh,
                "Put credentials in Auth Type, not in the URL.",
                "请在认证类型中填写凭据，不要写在 URL 里。",
            ),
            UrlMalformed => pick(
                zh,
                "This is not a valid URL (no spaces; port 1–65535).",
                "URL 格式无效（不能含空格；端口 1–65535）。",
            ),
            NoEventType => pick(
                zh,
                "Select at least one event type.",
                "请至少选择一个事件类型。",
            ),
            UnknownEventType(k) => {
                if zh {
                    format!("未知的事件类型“{k}”。")
                } else {
                    format!("Unknown event type '{k}'.")
                }
            }
            DuplicateEventType(k) => {
                if zh {
                    format!("事件类型“{k}”重复。")
                } else {
                    format!("Event type '{k}' is listed twice.")
                }
            }
            OutOfRange(a, b) => {
                if zh {
                    format!("必须是 {a} 到 {b} 之间的整数。")
                } else {
                    format!("Must be a whole number from {a} to {b}.")
                }
            }
            HeaderName(h) => {
                if zh {
                    format!("“{h}”不是有效的请求头名称。")
                } else {
                    format!("'{h}' is not a valid header name.")
                }
            }
            HeaderReserved(h) => {
                if zh {
                    format!("请求头“{h}”由系统设置，不能自定义。")
                } else {
                    format!("Header '{h}' is set by the system and cannot be overridden.")
                }
            }
            HeaderValue(h) => {
                if zh {
                    format!("请求头“{h}”的值不能包含换行，且不超过 {HEADER_VALUE_MAX} 个字符。")
                } else {
                    format!(
                        "The value of header '{h}' must be one line of at most {HEADER_VALUE_MAX} characters."
                    )
                }
            }
            TooMany(n) => {
                if zh {
                    format!("最多 {n} 项。")
                } else {
                    format!("At most {n} entries.")
                }
            }
            UsernameColon => pick(
                zh,
                "The user name must not contain ':'.",
                "用户名不能包含“:”。",
            ),
            SecretFormat => pick(
                zh,
                "The secret must be whsec_ followed by 32 to 88 base64 characters. Use Generate to create one.",
                "密钥必须是 whsec_ 加 32 到 88 个 base64 字符。可点击“生成”创建。",
            ),
            TagKey => pick(
                zh,
                "Tag keys are 1–64 characters.",
                "标签键长度为 1–64 个字符。",
            ),
            BodyKeyIsMsgKey(k) => {
                if zh {
                    format!("消息体字段“{k}”与消息键同名，会覆盖消息内容。请改名。")
                } else {
                    format!(
                        "The body field '{k}' has the same name as the message key and would replace the message. Rename one of them."
                    )
                }
            }
            BodyKey => pick(
                zh,
                "Body field names are 1–64 characters on one line.",
                "消息体字段名为 1–64 个字符，不能换行。",
            ),
            NotAnObject => pick(zh, "Must be a JSON object.", "必须是 JSON 对象。"),
            Word => pick(
                zh,
                "Use lower-case letters, digits, '_', '.' or '-' only.",
                "只能使用小写字母、数字、“_”、“.”或“-”。",
            ),
            Timestamp => pick(
                zh,
                "Must be an RFC 3339 time such as 2026-11-23T18:16:36Z.",
                "必须是 RFC 3339 时间，例如 2026-11-23T18:16:36Z。",
            ),
        }
    }
}

fn pick(zh: bool, en: &str, zh_text: &str) -> String {
    if zh { zh_text } else { en }.to_string()
}

/// Every problem of a webhook body, by field path (`name`, `auth.password`, `headers`, …).
pub fn validate_webhook(w: &WebhookIn) -> BTreeMap<&'static str, FieldError> {
    let mut e = BTreeMap::new();
    let mut check = |field: &'static str, r: Result<(), FieldError>| {
        if let Err(err) = r {
            e.insert(field, err);
        }
    };
    check("name", name(&w.name));
    check("description", text(&w.description, DESCRIPTION_MAX, false));
    check("url", url(&w.url));
    check("event_types", event_types(&w.event_types));
    check("batch_size", range(w.batch_size, BATCH_SIZE_RANGE));
    check("timeout", range(w.timeout, TIMEOUT_RANGE));
    check("headers", headers(&w.headers));
    check("tags", tags(&w.tags));
    check(
        "msg_key",
        required(&w.msg_key).and_then(|_| text(&w.msg_key, MSG_KEY_MAX, true)),
    );
    check("body", body_fields(&w.body, &w.msg_key));
    match &w.auth {
        Auth::None => {}
        Auth::Basic { username, password } => {
            check(
                "auth.username",
                required(username)
                    .and_then(|_| text(username, 128, true))
                    .and_then(|_| {
                        if username.contains(':') {
                            Err(FieldError::UsernameColon)
                        } else {
                            Ok(())
                        }
                    }),
            );
            check(
                "auth.password",
                required(password).and_then(|_| text(password, 256, true)),
            );
        }
        Auth::Bearer { token } => {
            check(
                "auth.token",
                required(token).and_then(|_| text(token, SECRET_MAX, true)),
            );
        }
        // DingTalk and Feishu sign with the secret their robot page shows, whatever its form.
        Auth::Signature { secret } if w.format.uses_platform_secret() => {
            check(
                "auth.secret",
                required(secret).and_then(|_| text(secret, SECRET_MAX, true)),
            );
        }
        Auth::Signature { secret } => check("auth.secret", signing_secret(secret)),
    }
    e
}

/// [`validate_webhook`] with English messages, as the API reports them.
pub fn validate_webhook_en(w: &WebhookIn) -> FieldErrors {
    validate_webhook(w)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.message(Lang::En)))
        .collect()
}

fn required(s: &str) -> Result<(), FieldError> {
    if s.trim().is_empty() {
        Err(FieldError::Required)
    } else {
        Ok(())
    }
}

fn text(s: &str, max: usize, single_line: bool) -> Result<(), FieldError> {
    if s.chars().count() > max {
        return Err(FieldError::TooLong(max));
    }
    let bad = |c: char| c.is_control() && (single_line || !matches!(c, '\n' | '\t' | '\r'));
    if s.chars().any(bad) {
        Err(FieldError::ControlCharacters)
    } else {
        Ok(())
    }
}

pub fn name(s: &str) -> Result<(), FieldError> {
    required(s)?;
    text(s, NAME_MAX, true)
}

/// An absolute http(s) URL with a host, no embedded credentials, no whitespace.
pub fn url(s: &str) -> Result<(), FieldError> {
    required(s)?;
    text(s, URL_MAX, true)?;
    let lower = s.to_ascii_lowercase();
    let rest = if let Some(r) = lower.strip_prefix("https://") {
        r
    } else if let Some(r) = lower.strip_prefix("http://") {
        r
    } else {
        return Err(FieldError::UrlScheme);
    };
    if s.chars().any(char::is_whitespace) {
        return Err(FieldError::UrlMalformed);
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err(FieldError::UrlCredentials);
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (addr, after) = v6.split_once(']').ok_or(FieldError::UrlHost)?;
        if addr.is_empty()
            || !addr
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return Err(FieldError::UrlHost);
        }
        (addr, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if let Some(p) = port
        && !matches!(p.parse::<u32>(), Ok(1..=65535))
    {
        return Err(FieldError::UrlMalformed);
    }
    if !authority.starts_with('[') {
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        };
        let host = host.strip_suffix('.').unwrap_or(host);
        if host.is_empty() || host.len() > 253 || !host.split('.').all(label_ok) {
            return Err(FieldError::UrlHost);
        }
    }
    Ok(())
}

pub fn event_types(keys: &[String]) -> Result<(), FieldError> {
    if keys.is_empty() {
        return Err(FieldError::NoEventType);
    }
    for (i, k) in keys.iter().enumerate() {
        if catalog::find(k).is_none() {
            return Err(FieldError::UnknownEventType(k.clone()));
        }
        if keys[..i].contains(k) {
            return Err(FieldError::DuplicateEventType(k.clone()));
        }
    }
    Ok(())
}

pub fn range(v: u32, (lo, hi): (u32, u32)) -> Result<(), FieldError> {
    if (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(FieldError::OutOfRange(lo, hi))
    }
}

/// RFC 9110 token characters.
fn is_header_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

pub fn headers(h: &BTreeMap<String, String>) -> Result<(), FieldError> {
    if h.len() > HEADERS_MAX {
        return Err(FieldError::TooMany(HEADERS_MAX));
    }
    for (k, v) in h {
        if !is_header_name(k) {
            return Err(FieldError::HeaderName(k.clone()));
        }
        if RESERVED_HEADERS.contains(&k.to_ascii_lowercase().as_str()) {
            return Err(FieldError::HeaderReserved(k.clone()));
        }
        if v.chars().count() > HEADER_VALUE_MAX || v.chars().any(|c| c.is_control() && c != '\t') {
            return Err(FieldError::HeaderValue(k.clone()));
        }
    }
    Ok(())
}

pub fn tags(t: &BTreeMap<String, String>) -> Result<(), FieldError> {
    if t.len() > TAGS_MAX {
        return Err(FieldError::TooMany(TAGS_MAX));
    }
    for (k, v) in t {
        if k.trim().is_empty() || k.chars().count() > 64 {
            return Err(FieldError::TagKey);
        }
        text(k, 64, true)?;
        text(v, 256, true)?;
    }
    Ok(())
}

/// Extra fields of the generic body: few, with sensible names, and none named like `msg_key`.
pub fn body_fields(
    body: &BTreeMap<String, serde_json::Value>,
    msg_key: &str,
) -> Result<(), FieldError> {
    if body.len() > BODY_FIELDS_MAX {
        return Err(FieldError::TooMany(BODY_FIELDS_MAX));
    }
    for k in body.keys() {
        if k.trim().is_empty() || text(k, 64, true).is_err() {
            return Err(FieldError::BodyKey);
        }
        if k == msg_key {
            return Err(FieldError::BodyKeyIsMsgKey(k.clone()));
        }
    }
    Ok(())
}

/// `whsec_` + base64 of 24–64 random bytes (32–88 characters), as Standard Webhooks secrets.
pub fn signing_secret(s: &str) -> Result<(), FieldError> {
    required(s)?;
    let body = s.strip_prefix("whsec_").ok_or(FieldError::SecretFormat)?;
    let ok = (32..=88).contains(&body.len())
        && body
            .trim_end_matches('=')
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    if ok {
        Ok(())
    } else {
        Err(FieldError::SecretFormat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> WebhookIn {
        WebhookIn {
            name: "ops".into(),
            url: "https://hooks.example.com/x?y=1".into(),
            event_types: vec!["host.lost_connection".into()],
            ..WebhookIn::default()
        }
    }

    #[test]
    fn a_complete_webhook_is_valid() {
        assert!(validate_webhook(&valid()).is_empty());
    }

    #[test]
    fn urls() {
        for ok in [
            "http://a",
            "https://a.b.c:8443/p",
            "http://127.0.0.1:9/x",
            "https://[::1]:8080/",
            "https://例子.测试/",
        ] {
            assert_eq!(url(ok), Ok(()), "{ok}");
        }
        assert_eq!(url(""), Err(FieldError::Required));
        assert_eq!(url("ftp://a"), Err(FieldError::UrlScheme));
        assert_eq!(url("example.com"), Err(FieldError::UrlScheme));
        assert_eq!(url("https://"), Err(FieldError::UrlHost));
        assert_eq!(url("https://a..b"), Err(FieldError::UrlHost));
        assert_eq!(url("https://u:p@a.com"), Err(FieldError::UrlCredentials));
        assert_eq!(url("https://a.com:0"), Err(FieldError::UrlMalformed));
        assert_eq!(url("https://a.com:99999"), Err(FieldError::UrlMalformed));
        assert_eq!(url("https://a.com/ b"), Err(FieldError::UrlMalformed));
        assert_eq!(
            url(&format!("https://a.com/{}", "x".repeat(URL_MAX))),
            Err(FieldError::TooLong(URL_MAX))
        );
    }

    #[test]
    fn every_field_reports_its_own_error() {
        let mut w = valid();
        w.name = "x".repeat(129);
        w.event_types = vec![];
        w.batch_size = 0;
        w.timeout = 61;
        w.headers.insert("Content-Type".into(), "text/plain".into());
        w.auth = Auth::Basic {
            username: "a:b".into(),
            password: "".into(),
        };
        let e = validate_webhook(&w);
        assert_eq!(e["name"], FieldError::TooLong(128));
        assert_eq!(e["event_types"], FieldError::NoEventType);
        assert_eq!(e["batch_size"], FieldError::OutOfRange(1, 100));
        assert_eq!(e["timeout"], FieldError::OutOfRange(1, 60));
        assert_eq!(
            e["headers"],
            FieldError::HeaderReserved("Content-Type".into())
        );
        assert_eq!(e["auth.username"], FieldError::UsernameColon);
        assert_eq!(e["auth.password"], FieldError::Required);
        assert!(e["name"].message(Lang::Zh).contains("128"));
    }

    #[test]
    fn event_types_must_be_known_and_distinct() {
        assert_eq!(
            event_types(&["nope".into()]),
            Err(FieldError::UnknownEventType("nope".into()))
        );
        let twice = vec!["config.change".to_string(), "config.change".to_string()];
        assert_eq!(
            event_types(&twice),
            Err(FieldError::DuplicateEventType("config.change".into()))
        );
    }

    #[test]
    fn body_fields_must_not_take_the_message_key() {
        let mut w = valid();
        w.body.insert("Msg".into(), serde_json::json!("x"));
        assert_eq!(
            validate_webhook(&w)["body"],
            FieldError::BodyKeyIsMsgKey("Msg".into())
        );
        w.msg_key = "text".into();
        assert!(validate_webhook(&w).is_empty());
        w.msg_key = String::new();
        assert_eq!(validate_webhook(&w)["msg_key"], FieldError::Required);
    }

    #[test]
    fn dingtalk_and_feishu_take_their_own_secrets() {
        let mut w = valid();
        w.auth = Auth::Signature {
            secret: "SEC0123456789abcdef".into(),
        };
        assert_eq!(
            validate_webhook(&w)["auth.secret"],
            FieldError::SecretFormat
        );
        w.format = crate::PayloadFormat::Dingtalk;
        assert!(validate_webhook(&w).is_empty());
    }

    #[test]
    fn signing_secrets() {
        assert_eq!(
            signing_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            Ok(())
        );
        assert_eq!(signing_secret("secret"), Err(FieldError::SecretFormat));
        assert_eq!(signing_secret("whsec_short"), Err(FieldError::SecretFormat));
    }
}
