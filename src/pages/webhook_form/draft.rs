//! The editable state of the webhook form: one signal per control, so switching the auth type or
//! the webhook type never throws away what was typed in another field.

use leptos::prelude::*;
use std::collections::BTreeMap;
use webhook_api::{Auth, AuthKind, MessageLanguage, PayloadFormat, WebhookIn, WebhookType};

/// One custom header row; rows are keyed by `id` so editing one keeps focus.
#[derive(Clone, Copy)]
pub struct HeaderRow {
    pub id: u64,
    pub name: RwSignal<String>,
    pub value: RwSignal<String>,
}

#[derive(Clone, Copy)]
pub struct Draft {
    pub kind: RwSignal<WebhookType>,
    pub name: RwSignal<String>,
    pub url: RwSignal<String>,
    pub description: RwSignal<String>,
    pub language: RwSignal<MessageLanguage>,
    pub auth_kind: RwSignal<AuthKind>,
    pub username: RwSignal<String>,
    pub password: RwSignal<String>,
    pub token: RwSignal<String>,
    pub secret: RwSignal<String>,
    pub enabled: RwSignal<bool>,
    pub event_types: RwSignal<Vec<String>>,
    pub headers: RwSignal<Vec<HeaderRow>>,
    pub batch_size: RwSignal<String>,
    pub timeout: RwSignal<String>,
    /// Kept as loaded: the form does not edit them.
    pub tags: StoredValue<BTreeMap<String, String>>,
    pub project_id: RwSignal<String>,
    pub format: RwSignal<PayloadFormat>,
    pub use_template: RwSignal<bool>,
    pub msg_key: RwSignal<String>,
    /// Extra body fields as a JSON object text ("" for none).
    pub body: RwSignal<String>,
    pub version: StoredValue<Option<i64>>,
    next_row: StoredValue<u64>,
}

impl Draft {
    pub fn new(from: &WebhookIn) -> Self {
        let (username, password, token, secret) = match &from.auth {
            Auth::None => Default::default(),
            Auth::Basic { username, password } => (
                username.clone(),
                password.clone(),
                String::new(),
                String::new(),
            ),
            Auth::Bearer { token } => (String::new(), String::new(), token.clone(), String::new()),
            Auth::Signature { secret } => {
                (String::new(), String::new(), String::new(), secret.clone())
            }
        };
        let draft = Self {
            kind: RwSignal::new(from.kind),
            name: RwSignal::new(from.name.clone()),
            url: RwSignal::new(from.url.clone()),
            description: RwSignal::new(from.description.clone()),
            language: RwSignal::new(from.language),
            auth_kind: RwSignal::new(from.auth.kind()),
            username: RwSignal::new(username),
            password: RwSignal::new(password),
            token: RwSignal::new(token),
            secret: RwSignal::new(secret),
            enabled: RwSignal::new(from.enabled),
            event_types: RwSignal::new(from.event_types.clone()),
            headers: RwSignal::new(Vec::new()),
            batch_size: RwSignal::new(from.batch_size.to_string()),
            timeout: RwSignal::new(from.timeout.to_string()),
            tags: StoredValue::new(from.tags.clone()),
            project_id: RwSignal::new(from.project_id.clone()),
            format: RwSignal::new(from.format),
            use_template: RwSignal::new(from.use_template),
            msg_key: RwSignal::new(from.msg_key.clone()),
            body: RwSignal::new(if from.body.is_empty() {
                String::new()
            } else {
                serde_json::to_string_pretty(&from.body).unwrap_or_default()
            }),
            version: StoredValue::new(from.version),
            next_row: StoredValue::new(0),
        };
        for (k, v) in &from.headers {
            draft.add_header(k, v);
        }
        draft
    }

    pub fn add_header(&self, name: &str, value: &str) {
        let id = self.next_row.get_value();
        self.next_row.set_value(id + 1);
        let row = HeaderRow {
            id,
            name: RwSignal::new(name.into()),
            value: RwSignal::new(value.into()),
        };
        self.headers.update(|h| h.push(row));
    }

    pub fn remove_header(&self, id: u64) {
        self.headers.update(|h| h.retain(|r| r.id != id));
    }

    /// The body to submit; reading it inside a memo tracks every control.
    pub fn to_input(self) -> WebhookIn {
        let auth = match self.auth_kind.get() {
            AuthKind::None => Auth::None,
            AuthKind::Basic => Auth::Basic {
                username: self.username.get(),
                password: self.password.get(),
            },
            AuthKind::Bearer => Auth::Bearer {
                token: self.token.get(),
            },
            AuthKind::Signature => Auth::Signature {
                secret: self.secret.get(),
            },
        };
        let headers = self
            .headers
            .get()
            .iter()
            .map(|r| (r.name.get().trim().to_string(), r.value.get()))
            .filter(|(k, v)| !(k.is_empty() && v.is_empty()))
            .collect();
        WebhookIn {
            name: self.name.get().trim().to_string(),
            description: self.description.get(),
            kind: self.kind.get(),
            url: self.url.get().trim().to_string(),
            language: self.language.get(),
            auth,
            headers,
            format: self.format.get(),
            use_template: self.use_template.get(),
            msg_key: self.msg_key.get().trim().to_string(),
            // Text that is not a JSON object is reported by `body_is_object`; until then, none.
            body: self.parsed_body().unwrap_or_default(),
            event_types: self.event_types.get(),
            enabled: self.enabled.get(),
            // Not a number → 0, which the range rule reports.
            batch_size: self.batch_size.get().trim().parse().unwrap_or(0),
            timeout: self.timeout.get().trim().parse().unwrap_or(0),
            tags: self.tags.get_value(),
            project_id: self.project_id.get().trim().to_string(),
            version: self.version.get_value(),
        }
    }
}

impl Draft {
    /// The extra body fields, or `None` when the text is not a JSON object.
    pub fn parsed_body(&self) -> Option<BTreeMap<String, serde_json::Value>> {
        self.body.with(|b| if b.trim().is_empty() { Some(BTreeMap::new()) } else { serde_json::from_str(b).ok() })
    }
}

/// A new `whsec_` signing secret: 32 random bytes from the browser's CSPRNG, base64.
pub fn generate_secret() -> Option<String> {
    let mut bytes = [0u8; 32];
    web_sys::window()?
        .crypto()
        .ok()?
        .get_random_values_with_u8_array(&mut bytes)
        .ok()?;
    Some(format!("whsec_{}", base64(&bytes)))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(super::base64(b"Man"), "TWFu");
        assert_eq!(super::base64(b"Ma"), "TWE=");
        assert_eq!(super::base64(b"M"), "TQ==");
    }
}
