//! Random values handed to clients (session cookies, API tokens, generated passwords) and the
//! hashes the database keeps of them instead.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};

/// 256 random bits from the operating system's CSPRNG, base64url (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // The system RNG fails only on a broken OS; nothing sensible can go on without it.
    SystemRandom::new()
        .fill(&mut bytes)
        .expect("the operating system's random number generator");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The hex SHA-256 of a token: what the database stores and looks up. A token carries 256
/// random bits, so a fast hash is enough (no dictionary to guess from).
pub fn token_hash(token: &str) -> String {
    ring::digest::digest(&ring::digest::SHA256, token.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A password for a new administrator or a reset: 20 characters of base64url (120 bits).
pub fn random_password() -> String {
    random_token()[..20].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), token_hash(&b));
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
