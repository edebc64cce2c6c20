//! The body (and for DingTalk the URL) a receiver gets, per payload format: seed 002's generic
//! JSON, or the message shape of Slack, Teams, DingTalk, Feishu, WeCom and Discord robots.

use super::sign;
use super::template::{VALIDATE_TEXT, events_text};
use serde_json::{Map, Value, json};
use webhook_api::{Auth, EventIn, PayloadFormat, WebhookIn};

/// What is being sent.
#[derive(Debug, Clone, Copy)]
pub enum Message<'a> {
    /// Events (one, or a batch), with `occurred_at` filled in.
    Events(&'a [EventIn]),
    /// Seed 002's VALIDATE call, sent when a webhook is added.
    Validate,
}

impl Message<'_> {
    /// `X-Webhook-Event`: `RESOURCE_TYPE/ACTION` of the first event (`HOST/UPDATE`), `VALIDATE`.
    pub fn event_header(&self) -> String {
        match self {
            Message::Events([first, ..]) => {
                format!("{}/{}", first.resource_type, first.action).to_uppercase()
            }
            Message::Events([]) | Message::Validate => "VALIDATE".into(),
        }
    }
}

/// A rendered message: where it goes and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Payload {
    pub url: String,
    pub body: String,
}

/// Renders `message` for `w` at `now_ms` (Unix milliseconds, for the robots' signatures).
pub fn render(w: &WebhookIn, message: Message, now_ms: i64) -> Payload {
    let text = match message {
        Message::Events(events) => events_text(w.language, &events.iter().collect::<Vec<_>>()),
        Message::Validate => VALIDATE_TEXT.to_string(),
    };
    let secret = match &w.auth {
        Auth::Signature { secret } => Some(secret.as_str()),
        _ => None,
    };
    let mut url = w.url.clone();
    let body = match w.format {
        PayloadFormat::Generic => generic(w, message),
        PayloadFormat::Slack => json!({ "text": text }),
        PayloadFormat::Teams => json!({
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": text.lines().next().unwrap_or_default(),
            "text": text.replace('\n', "\n\n"),
        }),
        PayloadFormat::Dingtalk => {
            if let Some(secret) = secret {
                url = dingtalk_url(&w.url, secret, now_ms);
            }
            json!({ "msgtype": "text", "text": { "content": text } })
        }
        PayloadFormat::Feishu => {
            let mut body = json!({ "msg_type": "text", "content": { "text": text } });
            if let Some(secret) = secret {
                let ts = now_ms.div_euclid(1000);
                body["timestamp"] = json!(ts.to_string());
                body["sign"] = json!(sign::feishu_sign(secret, ts));
            }
            body
        }
        PayloadFormat::Wecom => json!({ "msgtype": "text", "text": { "content": text } }),
        // Discord refuses content over 2000 characters.
        PayloadFormat::Discord => json!({ "content": text.chars().take(2000).collect::<String>() }),
    };
    Payload {
        url,
        body: body.to_string(),
    }
}

/// Seed 002: the event's `action`, `resource_type`, `resource_details`, `result` (and our other
/// event fields), the message under `msg_key` — template text, or with `use_template` off the
/// event as a JSON string — then the extra `body` fields, which win a clash. A batch is a JSON
/// array of such objects; VALIDATE is `{msg_key: "This is a validate message."}` plus `body`.
fn generic(w: &WebhookIn, message: Message) -> Value {
    let with_body = |mut object: Map<String, Value>| {
        for (k, v) in &w.body {
            object.insert(k.clone(), v.clone());
        }
        Value::Object(object)
    };
    match message {
        Message::Validate => with_body(Map::from_iter([(w.msg_key.clone(), json!(VALIDATE_TEXT))])),
        Message::Events(events) => {
            let mut objects: Vec<Value> = events
                .iter()
                .map(|e| {
                    let core = json!({
                        "action": e.action,
                        "resource_type": e.resource_type,
                        "resource_details": e.resource_details,
                        "result": e.result,
                    });
                    let msg = if w.use_template {
                        super::template::event_text(w.language, e)
                    } else {
                        core.to_string()
                    };
                    let mut object = Map::new();
                    object.insert(w.msg_key.clone(), json!(msg));
                    object.insert("event_type".into(), json!(e.event_type));
                    object.insert("resource_id".into(), json!(e.resource_id));
                    object.insert("severity".into(), json!(e.severity));
                    object.insert("occurred_at".into(), json!(e.occurred_at));
                    if let Value::Object(core) = core {
                        object.extend(core);
                    }
                    with_body(object)
                })
                .collect();
            if objects.len() == 1 {
                objects.remove(0)
            } else {
                Value::Array(objects)
            }
        }
    }
}

/// The robot URL with `timestamp` and `sign` added to its query.
fn dingtalk_url(base: &str, secret: &str, now_ms: i64) -> String {
    match reqwest::Url::parse(base) {
        Ok(mut url) => {
            url.query_pairs_mut()
                .append_pair("timestamp", &now_ms.to_string())
                .append_pair("sign", &sign::dingtalk_sign(secret, now_ms));
            url.to_string()
        }
        // Validation accepted it, so the URL parser should too; send it unsigned if not.
        Err(_) => base.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn event() -> EventIn {
        serde_json::from_value(json!({
            "type": "resource.update", "action": "update", "resource_type": "host",
            "resource_details": {"name": "yunion"}, "occurred_at": "2026-11-23T18:16:36.000Z"
        }))
        .unwrap()
    }

    fn webhook(format: PayloadFormat) -> WebhookIn {
        WebhookIn {
            url: "https://robot.example.com/send?access_token=t".into(),
            format,
            ..WebhookIn::default()
        }
    }

    fn body(w: &WebhookIn, m: Message) -> Value {
        serde_json::from_str(&render(w, m, 1_700_000_000_000).body).unwrap()
    }

    #[test]
    fn generic_follows_seed_002() {
        let mut w = webhook(PayloadFormat::Generic);
        w.msg_key = "test".into();
        w.use_template = false;
        w.body = BTreeMap::from([("body_test".into(), json!("test"))]);
        let events = [event()];
        let b = body(&w, Message::Events(&events));
        assert_eq!(b["action"], "update");
        assert_eq!(b["resource_type"], "host");
        assert_eq!(b["resource_details"]["name"], "yunion");
        assert_eq!(b["result"], "succeed");
        assert_eq!(b["body_test"], "test");
        let inner: Value = serde_json::from_str(b["test"].as_str().unwrap()).unwrap();
        assert_eq!(inner["action"], "update");
        assert_eq!(Message::Events(&events).event_header(), "HOST/UPDATE");
    }

    #[test]
    fn validate_is_the_seed_message_under_msg_key() {
        let w = webhook(PayloadFormat::Generic);
        assert_eq!(
            render(&w, Message::Validate, 0).body,
            r#"{"Msg":"This is a validate message."}"#
        );
        assert_eq!(Message::Validate.event_header(), "VALIDATE");
    }

    #[test]
    fn a_batch_is_an_array() {
        let events = [event(), event()];
        let b = body(&webhook(PayloadFormat::Generic), Message::Events(&events));
        assert_eq!(b.as_array().unwrap().len(), 2);
    }

    #[test]
    fn im_shapes() {
        let events = [event()];
        let m = Message::Events(&events);
        assert!(
            body(&webhook(PayloadFormat::Slack), m)["text"]
                .as_str()
                .unwrap()
                .contains("Resource updated")
        );
        assert_eq!(body(&webhook(PayloadFormat::Wecom), m)["msgtype"], "text");
        assert_eq!(
            body(&webhook(PayloadFormat::Teams), m)["@type"],
            "MessageCard"
        );
        assert!(body(&webhook(PayloadFormat::Discord), m)["content"].is_string());
        let mut ding = webhook(PayloadFormat::Dingtalk);
        ding.auth = Auth::Signature {
            secret: "SECabc".into(),
        };
        let p = render(&ding, m, 1_700_000_000_000);
        assert!(
            p.url.starts_with(
                "https://robot.example.com/send?access_token=t&timestamp=1700000000000&sign="
            ),
            "{}",
            p.url
        );
        let mut feishu = webhook(PayloadFormat::Feishu);
        feishu.auth = Auth::Signature {
            secret: "abc".into(),
        };
        let b = body(&feishu, m);
        assert_eq!(b["timestamp"], "1700000000");
        assert_eq!(b["sign"], sign::feishu_sign("abc", 1_700_000_000));
        assert_eq!(b["content"]["text"].as_str().unwrap().lines().count(), 4);
    }
}
