//! One HTTP exchange with a receiver: the request as it goes out (headers, signature, auth), the
//! answer read up to a cap, and every failure classified precisely. Redirects are not followed.

use super::format::{Message, render};
use super::policy::{DnsFailure, RefusedHost, TargetPolicy};
use super::sign;
use base64::Engine;
use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::time::{Duration, Instant};
use webhook_api::{
    Auth, DeliveryErrorKind, DeliveryFailure, PayloadFormat, RESPONSE_BODY_CAP, ReceivedResponse,
    SendReport, SentRequest, WebhookIn, mask_secret,
};

/// A request ready to go, with its real secrets.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub url: String,
    /// Lower-case names.
    pub headers: BTreeMap<String, String>,
    pub body: String,
    pub timeout: Duration,
    pub format: PayloadFormat,
}

/// Builds the request of `message` for `w`: body per format, `X-Webhook-Event`, Standard Webhooks
/// headers (`webhook-id` = `message_id`, the same on every retry), auth and custom headers.
/// `previous_secret` adds a second signature while a rotation overlaps.
pub fn prepare(
    w: &WebhookIn,
    previous_secret: Option<&str>,
    message: Message,
    message_id: &str,
    now: time::OffsetDateTime,
) -> Outgoing {
    let now_ms = i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or_default();
    let payload = render(w, message, now_ms);
    let mut headers = BTreeMap::new();
    // Custom headers first: validation keeps them off the names set below, and inserting ours
    // afterwards makes sure of it.
    for (k, v) in &w.headers {
        headers.insert(k.to_ascii_lowercase(), v.clone());
    }
    headers.insert("content-type".into(), "application/json".into());
    headers.insert("x-webhook-event".into(), message.event_header());
    headers.insert("webhook-id".into(), message_id.into());
    headers.insert("webhook-timestamp".into(), now.unix_timestamp().to_string());
    match &w.auth {
        Auth::None => {}
        Auth::Basic { username, password } => {
            let pair =
                base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
            headers.insert("authorization".into(), format!("Basic {pair}"));
        }
        Auth::Bearer { token } => {
            headers.insert("authorization".into(), format!("Bearer {token}"));
        }
        // DingTalk and Feishu carry their own signature (URL or body, see format.rs).
        Auth::Signature { .. } if w.format.uses_platform_secret() => {}
        Auth::Signature { secret } => {
            let secrets: Vec<&str> = std::iter::once(secret.as_str())
                .chain(previous_secret)
                .collect();
            let signature =
                sign::standard_signature(&secrets, message_id, now.unix_timestamp(), &payload.body);
            headers.insert("webhook-signature".into(), signature);
        }
    }
    Outgoing {
        url: payload.url,
        headers,
        body: payload.body,
        timeout: Duration::from_secs(u64::from(w.timeout.max(1))),
        format: w.format,
    }
}

/// Header names whose values are secrets in practice.
fn looks_secret(name: &str) -> bool {
    [
        "key", "token", "secret", "password", "auth", "cookie", "session",
    ]
    .iter()
    .any(|s| name.contains(s))
}

/// The request as reports and the delivery log show it: secrets masked.
pub fn masked(o: &Outgoing) -> SentRequest {
    let headers = o
        .headers
        .iter()
        .map(|(k, v)| {
            let shown = if k == "authorization" {
                match v.split_once(' ') {
                    Some((scheme, secret)) => format!("{scheme} {}", mask_secret(secret)),
                    None => mask_secret(v),
                }
            } else if looks_secret(k) && !k.starts_with("webhook-") {
                mask_secret(v)
            } else {
                v.clone()
            };
            (k.clone(), shown)
        })
        .collect();
    SentRequest {
        method: "POST".into(),
        url: o.url.clone(),
        headers,
        body: o.body.clone(),
    }
}

fn failure(kind: DeliveryErrorKind, message: impl Into<String>) -> DeliveryFailure {
    DeliveryFailure {
        kind,
        message: message.into(),
    }
}

/// Sends `o` once and reports the whole exchange. Never fails: every problem is in the report.
pub async fn send(client: &reqwest::Client, policy: &TargetPolicy, o: &Outgoing) -> SendReport {
    let request = masked(o);
    let started = Instant::now();
    let report = |response: Option<ReceivedResponse>, error: Option<DeliveryFailure>| SendReport {
        request: request.clone(),
        ok: error.is_none() && response.is_some(),
        response,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        error,
    };
    // Host names are checked by the resolver; an IP literal never reaches it.
    if let Ok(url) = reqwest::Url::parse(&o.url) {
        let ip = match url.host() {
            Some(url::Host::Ipv4(v4)) => Some(std::net::IpAddr::V4(v4)),
            Some(url::Host::Ipv6(v6)) => Some(std::net::IpAddr::V6(v6)),
            _ => None,
        };
        if let Some(Err(refusal)) = ip.map(|ip| policy.check(ip)) {
            return report(
                None,
                Some(failure(
                    DeliveryErrorKind::RefusedByPolicy,
                    refusal.to_string(),
                )),
            );
        }
    }
    let mut builder = client.post(&o.url).timeout(o.timeout).body(o.body.clone());
    for (k, v) in &o.headers {
        builder = builder.header(k, v);
    }
    let mut response = match builder.send().await {
        Ok(r) => r,
        Err(e) => return report(None, Some(classify(&e, o.timeout))),
    };
    let status = response.status();
    let mut headers = BTreeMap::<String, String>::new();
    for (k, v) in response.headers() {
        let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
        headers
            .entry(k.as_str().to_string())
            .and_modify(|old| *old = format!("{old}, {v}"))
            .or_insert(v);
    }
    // Read at most the cap; what is beyond it is left unread (the connection is dropped).
    let mut body = Vec::new();
    let mut truncated = false;
    let mut read_error = None;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = RESPONSE_BODY_CAP - body.len();
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => {
                read_error = Some(classify(&e, o.timeout));
                break;
            }
        }
    }
    let received = ReceivedResponse {
        status: status.as_u16(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        truncated,
    };
    let error = if !status.is_success() {
        let reason = status.canonical_reason().unwrap_or("");
        let message = if status.is_redirection() {
            let to = received
                .headers
                .get("location")
                .map(String::as_str)
                .unwrap_or("?");
            format!(
                "HTTP {} {reason}: redirect to {to} not followed",
                status.as_u16()
            )
        } else {
            format!("HTTP {} {reason}", status.as_u16())
        };
        Some(failure(DeliveryErrorKind::HttpStatus, message))
    } else {
        read_error.or_else(|| receiver_error(o.format, &received.body))
    };
    report(Some(received), error)
}

/// DingTalk and WeCom answer 200 with `errcode` ≠ 0, Feishu with `code` ≠ 0, when they refuse.
fn receiver_error(format: PayloadFormat, body: &str) -> Option<DeliveryFailure> {
    let (code_key, msg_key) = match format {
        PayloadFormat::Dingtalk | PayloadFormat::Wecom => ("errcode", "errmsg"),
        PayloadFormat::Feishu => ("code", "msg"),
        _ => return None,
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(body) else {
        return Some(failure(
            DeliveryErrorKind::InvalidResponse,
            "the robot's answer is not JSON",
        ));
    };
    let code = json
        .get(code_key)
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(0);
    (code != 0).then(|| {
        let msg = json.get(msg_key).and_then(|m| m.as_str()).unwrap_or("");
        failure(
            DeliveryErrorKind::ReceiverError,
            format!("{code_key} {code}: {msg}"),
        )
    })
}

/// The precise kind of a failed exchange, from the error's chain of causes.
fn classify(e: &reqwest::Error, timeout: Duration) -> DeliveryFailure {
    let mut source: Option<&(dyn StdError + 'static)> = Some(e);
    let mut tls = None;
    let mut parse = None;
    while let Some(err) = source {
        if let Some(refused) = err.downcast_ref::<RefusedHost>() {
            return failure(DeliveryErrorKind::RefusedByPolicy, refused.to_string());
        }
        if let Some(dns) = err.downcast_ref::<DnsFailure>() {
            return failure(DeliveryErrorKind::Dns, dns.to_string());
        }
        if let Some(t) = err.downcast_ref::<rustls::Error>() {
            tls = Some(t.to_string());
        }
        // An io::Error's source() skips the error it wraps; rustls' sits inside one or two.
        let mut wrapped = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref());
        while let Some(inner) = wrapped {
            if let Some(t) = inner.downcast_ref::<rustls::Error>() {
                tls = Some(t.to_string());
            }
            wrapped = inner
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref());
        }
        if let Some(h) = err.downcast_ref::<hyper::Error>()
            && h.is_parse()
        {
            parse = Some(h.to_string());
        }
        source = err.source();
    }
    if e.is_timeout() {
        return failure(
            DeliveryErrorKind::Timeout,
            format!("no complete answer within {} s", timeout.as_secs()),
        );
    }
    if let Some(t) = tls {
        return failure(DeliveryErrorKind::Tls, format!("TLS handshake failed: {t}"));
    }
    if let Some(p) = parse {
        return failure(
            DeliveryErrorKind::InvalidResponse,
            format!("the answer is not valid HTTP: {p}"),
        );
    }
    failure(DeliveryErrorKind::Connect, chain(e))
}

/// An error and its causes, `: `-separated, without repeats.
fn chain(e: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source = Some(e);
    while let Some(err) = source {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = err.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_masked_in_what_is_shown() {
        let mut w = WebhookIn {
            url: "https://a.io/x".into(),
            ..WebhookIn::default()
        };
        w.auth = Auth::Bearer {
            token: "token-abcdefghijklmnop-1234".into(),
        };
        w.headers
            .insert("X-Api-Key".into(), "k-abcdefghijklmnop-9999".into());
        w.headers.insert("X-Team".into(), "ops".into());
        let o = prepare(
            &w,
            None,
            Message::Validate,
            "msg_1",
            time::OffsetDateTime::now_utc(),
        );
        let shown = masked(&o);
        assert_eq!(shown.headers["authorization"], "Bearer ••••••••1234");
        assert_eq!(shown.headers["x-api-key"], "••••••••9999");
        assert_eq!(shown.headers["x-team"], "ops");
        assert_eq!(shown.headers["x-webhook-event"], "VALIDATE");
        assert_eq!(
            o.headers["authorization"],
            "Bearer token-abcdefghijklmnop-1234"
        );
    }

    #[test]
    fn robots_report_errors_in_a_200() {
        let e = receiver_error(
            PayloadFormat::Dingtalk,
            &json!({"errcode": 310000, "errmsg": "sign not match"}).to_string(),
        );
        assert_eq!(e.unwrap().kind, DeliveryErrorKind::ReceiverError);
        assert!(receiver_error(PayloadFormat::Wecom, r#"{"errcode":0,"errmsg":"ok"}"#).is_none());
        assert!(
            receiver_error(
                PayloadFormat::Feishu,
                r#"{"code":19021,"msg":"sign match fail"}"#
            )
            .is_some()
        );
        assert!(receiver_error(PayloadFormat::Generic, "whatever").is_none());
    }
}
