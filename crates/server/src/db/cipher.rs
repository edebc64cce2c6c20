//! Secrets at rest: receivers' credentials (webhook secrets, basic-auth passwords, bearer tokens)
//! are stored sealed with ChaCha20-Poly1305 under a 256-bit key that lives outside the database,
//! so a copy of the database alone leaks none of them.
//!
//! The key comes from `WEBHOOK_SECRET_KEY` (base64) or the file `--secret-key-file` (base64; by
//! default `secret.key` beside the SQLite file, or `data/secret.key` for PostgreSQL). A database
//! remembers a check value sealed under its key (`settings.secret_key_check`): a different key is
//! refused at start, and a missing key file is created only for a database that has none yet —
//! never for one whose secrets are sealed under a key that was lost. Rows written before
//! encryption existed are sealed at start.

use super::OpenError;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use std::path::{Path, PathBuf};

/// The prefix of a sealed value: version 1, base64 of nonce ‖ ciphertext ‖ tag.
const SEALED: &str = "enc:v1:";
/// What the check value holds.
const CHECK: &str = "webhook-console secret key check";

/// Where the key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The key itself, base64 (`WEBHOOK_SECRET_KEY`).
    Value(String),
    /// A file holding it, base64; created on the first start of a new database.
    File(PathBuf),
}

/// Seals and opens secrets under the database's key.
pub struct Cipher {
    key: LessSafeKey,
}

impl std::fmt::Debug for Cipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cipher(…)")
    }
}

impl Cipher {
    fn new(bytes: &[u8]) -> Option<Self> {
        UnboundKey::new(&CHACHA20_POLY1305, bytes)
            .ok()
            .map(|k| Self {
                key: LessSafeKey::new(k),
            })
    }

    /// A random key, for tests of code that stores secrets.
    pub fn random() -> Self {
        Self::new(&random_key()).expect("a 32-byte key")
    }

    /// `plain` sealed: a fresh random nonce each time.
    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .expect("the operating system's random number generator");
        let mut data = plain.as_bytes().to_vec();
        // Sealing fails only for inputs past 256 GiB.
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut data)
            .expect("sealing a secret");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        format!("{SEALED}{}", STANDARD.encode(out))
    }

    /// The plain text of a sealed value; a value that is not sealed (written before encryption
    /// existed, and not yet sealed at start) is returned as it is.
    pub fn open(&self, stored: &str) -> Result<String, sqlx::Error> {
        let Some(b64) = stored.strip_prefix(SEALED) else {
            return Ok(stored.to_string());
        };
        let bad = || sqlx::Error::Decode("a stored secret does not open with this key".into());
        let mut bytes = STANDARD.decode(b64).map_err(|_| bad())?;
        if bytes.len() < NONCE_LEN {
            return Err(bad());
        }
        let mut data = bytes.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&bytes).map_err(|_| bad())?;
        let plain = self
            .key
            .open_in_place(nonce, Aad::empty(), &mut data)
            .map_err(|_| bad())?;
        String::from_utf8(plain.to_vec()).map_err(|_| bad())
    }

    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(SEALED)
    }
}

fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    SystemRandom::new()
        .fill(&mut key)
        .expect("the operating system's random number generator");
    key
}

/// The default key file for a database URL: beside the SQLite file, or `data/secret.key`.
pub fn default_key_file(url: &str) -> PathBuf {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|p| p.split('?').next().unwrap_or(p))
        .and_then(|p| Path::new(p).parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("data"))
        .join("secret.key")
}

fn key_error(message: String) -> OpenError {
    OpenError::SecretKey(message)
}

/// Reads the key (creating the file when `may_create`), checking it is 32 bytes of base64.
fn read_key(source: &KeySource, may_create: bool) -> Result<(Cipher, bool), OpenError> {
    let (text, created) = match source {
        KeySource::Value(v) => (v.clone(), false),
        KeySource::File(path) => match std::fs::read_to_string(path) {
            Ok(t) => (t, false),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && may_create => {
                let text = STANDARD.encode(random_key());
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| key_error(format!("cannot create {}: {e}", dir.display())))?;
                }
                write_private(path, &text).map_err(|e| {
                    key_error(format!(
                        "cannot write the secret key file {}: {e}",
                        path.display()
                    ))
                })?;
                (text, true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(key_error(format!(
                    "the secret key file {} is missing, and this database's secrets are sealed \
                     under a key: restore the file from your backup, or give the key with \
                     --secret-key-file / WEBHOOK_SECRET_KEY",
                    path.display()
                )));
            }
            Err(e) => {
                return Err(key_error(format!(
                    "cannot read the secret key file {}: {e}",
                    path.display()
                )));
            }
        },
    };
    let bytes = STANDARD.decode(text.trim()).ok().filter(|b| b.len() == 32);
    let cipher = bytes.as_deref().and_then(Cipher::new).ok_or_else(|| {
        key_error(
            "the secret key must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)"
                .into(),
        )
    })?;
    Ok((cipher, created))
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    f.write_all(b"\n")
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, format!("{text}\n"))
}

/// The database's cipher: the key from `source`, checked against (or, for a new database,
/// recorded as) the database's check value.
pub(super) async fn load(
    backend: &super::Backend,
    source: &KeySource,
) -> Result<Cipher, OpenError> {
    let check = super::settings::get(backend, "secret_key_check")
        .await
        .map_err(|e| key_error(format!("cannot read the key check: {e}")))?;
    let (cipher, created) = read_key(source, check.is_none())?;
    if created && let KeySource::File(path) = source {
        tracing::warn!(
            file = %path.display(),
            "generated the key that encrypts receivers' secrets in the database: back it up \
             with the database; without it those secrets cannot be read"
        );
    }
    let stored = match check {
        Some(c) => c,
        None => {
            // Another instance starting at the same time may record its key first: use theirs.
            super::settings::insert(backend, "secret_key_check", &cipher.seal(CHECK))
                .await
                .map_err(|e| key_error(format!("cannot record the key check: {e}")))?;
            super::settings::get(backend, "secret_key_check")
                .await
                .map_err(|e| key_error(format!("cannot read the key check: {e}")))?
                .unwrap_or_default()
        }
    };
    match cipher.open(&stored) {
        Ok(text) if text == CHECK => Ok(cipher),
        _ => Err(key_error(
            "the secret key is not the one this database's secrets were sealed with: give the \
             right key with --secret-key-file / WEBHOOK_SECRET_KEY"
                .into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key() {
        let c = Cipher::random();
        let sealed = c.seal("hunter2-password");
        assert!(Cipher::is_sealed(&sealed) && !sealed.contains("hunter2"));
        assert_ne!(
            sealed,
            c.seal("hunter2-password"),
            "a fresh nonce each time"
        );
        assert_eq!(c.open(&sealed).unwrap(), "hunter2-password");
        assert!(Cipher::random().open(&sealed).is_err());
        assert_eq!(c.open("plain").unwrap(), "plain");
        assert!(c.open("enc:v1:AAAA").is_err());
    }

    #[test]
    fn the_default_key_file_sits_beside_the_database() {
        assert_eq!(
            default_key_file("sqlite://data/console.db"),
            PathBuf::from("data/secret.key")
        );
        assert_eq!(
            default_key_file("sqlite:///var/lib/wc/db.sqlite?mode=rwc"),
            PathBuf::from("/var/lib/wc/secret.key")
        );
        assert_eq!(
            default_key_file("postgres://u@h/db"),
            PathBuf::from("data/secret.key")
        );
    }
}
