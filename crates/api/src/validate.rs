//! Validation: why a field is invalid ([`FieldError`], readable in both languages) and the rules
//! for webhooks (`webhook`) and events (`event`), run by the console as the user types and by the
//! server on every write, so both always agree.

pub mod event;
pub mod subscription;
pub mod webhook;

pub use event::validate_event;
pub use subscription::validate_subscription;
pub use webhook::*;

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
    NoSeverity,
    /// A list entry given twice.
    Duplicate(String),
    /// A username of other characters than letters, digits, `.`, `_`, `-`, `@`.
    UsernameChars,
    TooShort(usize),
    PasswordIsUsername,
    /// A user given the `publisher` role, which is for tokens.
    PublisherIsForTokens,
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
            NoSeverity => pick(
                zh,
                "Select at least one severity.",
                "请至少选择一个严重级别。",
            ),
            Duplicate(v) => {
                if zh {
                    format!("“{v}”重复。")
                } else {
                    format!("'{v}' is listed twice.")
                }
            }
            UsernameChars => pick(
                zh,
                "Letters, digits, '.', '_', '-' and '@' only.",
                "只能包含字母、数字、“.”、“_”、“-”和“@”。",
            ),
            TooShort(n) => {
                if zh {
                    format!("至少 {n} 个字符。")
                } else {
                    format!("At least {n} characters.")
                }
            }
            PasswordIsUsername => pick(
                zh,
                "The password must not be the username.",
                "密码不能与用户名相同。",
            ),
            PublisherIsForTokens => pick(
                zh,
                "A user is an admin, an operator or a viewer; publisher is for tokens.",
                "用户的角色只能是管理员、操作员或查看者；发布者仅用于令牌。",
            ),
        }
    }
}

fn pick(zh: bool, en: &str, zh_text: &str) -> String {
    if zh { zh_text } else { en }.to_string()
}

pub(crate) fn required(s: &str) -> Result<(), FieldError> {
    if s.trim().is_empty() {
        Err(FieldError::Required)
    } else {
        Ok(())
    }
}

pub(crate) fn text(s: &str, max: usize, single_line: bool) -> Result<(), FieldError> {
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
