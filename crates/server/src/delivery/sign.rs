//! Signatures: Standard Webhooks (`webhook-signature: v1,<base64 HMAC-SHA256>` over
//! `{id}.{timestamp}.{body}` with the base64-decoded `whsec_` secret), the DingTalk and Feishu robot
//! signatures, and new secrets.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

fn hmac_sha256(key: &[u8], message: &[u8]) -> String {
    B64.encode(hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), message).as_ref())
}

/// The key bytes of a `whsec_` secret. Validation guarantees the form; a secret that still does
/// not decode signs with its raw bytes rather than not at all.
fn secret_key(secret: &str) -> Vec<u8> {
    let body = secret.strip_prefix("whsec_").unwrap_or(secret);
    B64.decode(body)
        .unwrap_or_else(|_| body.as_bytes().to_vec())
}

/// The `webhook-signature` header value: one `v1,…` per secret, space-separated (the current
/// secret first, then the previous one while a rotation overlaps).
pub fn standard_signature(
    secrets: &[&str],
    message_id: &str,
    timestamp: i64,
    body: &str,
) -> String {
    let signed = format!("{message_id}.{timestamp}.{body}");
    secrets
        .iter()
        .map(|s| format!("v1,{}", hmac_sha256(&secret_key(s), signed.as_bytes())))
        .collect::<Vec<_>>()
        .join(" ")
}

/// DingTalk: `sign` = base64(HMAC-SHA256(key = secret, "{timestamp_ms}\n{secret}")), sent
/// URL-encoded in the query beside `timestamp`.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    hmac_sha256(
        secret.as_bytes(),
        format!("{timestamp_ms}\n{secret}").as_bytes(),
    )
}

/// Feishu / Lark: `sign` = base64(HMAC-SHA256(key = "{timestamp_s}\n{secret}", empty message)),
/// sent in the body beside `timestamp`.
pub fn feishu_sign(secret: &str, timestamp_s: i64) -> String {
    hmac_sha256(format!("{timestamp_s}\n{secret}").as_bytes(), b"")
}

/// A new `whsec_` secret of 32 random bytes.
pub fn new_secret() -> Result<String, ring::error::Unspecified> {
    let mut bytes = [0u8; 32];
    SystemRandom::new().fill(&mut bytes)?;
    Ok(format!("whsec_{}", B64.encode(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_webhooks_reference_vector() {
        // The example of the Standard Webhooks specification's reference libraries.
        let sig = standard_signature(
            &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn a_rotation_signs_twice() {
        let sig = standard_signature(
            &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_AAAA"],
            "m",
            1,
            "{}",
        );
        assert_eq!(sig.split(' ').count(), 2);
        assert!(sig.split(' ').all(|s| s.starts_with("v1,")));
    }

    #[test]
    fn new_secrets_are_valid_and_different() {
        let a = new_secret().unwrap();
        assert_eq!(webhook_api::validate::signing_secret(&a), Ok(()));
        assert_ne!(a, new_secret().unwrap());
    }
}
