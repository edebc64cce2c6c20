//! Secrets at rest: receivers' credentials are sealed in the database under a key kept outside
//! it, a wrong or missing key stops the server with one clear line, and rows from before
//! encryption are sealed at start.

use crate::helpers::{TOKEN, database_url, open_db, spawn_app, webhook_body};
use reqwest::StatusCode;
use serde_json::json;
use std::process::{Command, Stdio};
use webhook_api::Auth;

const PASSWORD: &str = "basic-password-at-rest-4242";
const BEARER: &str = "bearer-token-at-rest-4343";

const SECRET_COLUMNS: &str = "SELECT auth FROM webhooks UNION ALL \
     SELECT previous_secret FROM webhooks WHERE previous_secret IS NOT NULL";

/// Runs `sql` on the test database with a plain sqlx connection (not the server's code) and
/// returns the first column of each row.
async fn raw(url: &str, sql: &str) -> Vec<String> {
    use sqlx::Connection as _;
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap()
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_all(&mut c).await.unwrap()
    }
}

/// Every `auth` and `previous_secret` value as stored.
async fn stored_columns(url: &str) -> Vec<String> {
    raw(url, SECRET_COLUMNS).await
}

#[tokio::test]
async fn the_database_holds_no_receiver_secret_in_clear() {
    let app = spawn_app().await;
    let mut basic = webhook_body("at rest basic");
    basic["auth"] = json!({"type": "basic", "username": "u", "password": PASSWORD});
    let basic = app.create(&basic).await;
    let mut bearer = webhook_body("at rest bearer");
    bearer["auth"] = json!({"type": "bearer", "token": BEARER});
    app.create(&bearer).await;
    let mut signed = webhook_body("at rest signed");
    signed["auth"] = json!({"type": "signature", "secret": format!("whsec_{}", "c2VjcmV0LWF0LXJlc3QtMTIzNDU2Nzg=")});
    signed["enabled"] = json!(false);
    let signed = app.create(&signed).await;
    let rotated = app
        .post(&format!("/api/v1/webhooks/{}/rotate-secret", signed.id))
        .await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let new_secret = rotated.json::<serde_json::Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_string();
    // Modifying without touching the secret keeps it (and its predecessor) working.
    let mut modified = webhook_body("at rest basic");
    modified["auth"] =
        json!({"type": "basic", "username": "u2", "password": webhook_api::mask_secret(PASSWORD)});
    modified["url"] = json!("https://hooks.example.com/other");
    let put = app
        .put_json(&format!("/api/v1/webhooks/{}", basic.id), &modified)
        .await;
    assert_eq!(put.status(), StatusCode::OK);

    let secrets = [
        PASSWORD.to_string(),
        BEARER.to_string(),
        "c2VjcmV0LWF0LXJlc3QtMTIzNDU2Nzg=".to_string(),
        new_secret.trim_start_matches("whsec_").to_string(),
        TOKEN.to_string(),
    ];
    let columns = stored_columns(&database_url(&app.dir)).await;
    assert!(columns.len() >= 4, "{columns:?}");
    for value in &columns {
        assert!(value.starts_with("enc:v1:"), "stored in clear: {value}");
    }
    // The SQLite file and its write-ahead log, byte for byte.
    if crate::helpers::postgres_server().is_none() {
        let data = app.dir.path().join("data");
        for entry in std::fs::read_dir(&data).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            for secret in &secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "{secret} is in a database file"
                );
            }
        }
    }
    // Still the real secrets for sending.
    let stored = app.stored(&basic.id).await.unwrap();
    assert_eq!(
        stored.auth,
        Auth::Basic {
            username: "u2".into(),
            password: PASSWORD.into()
        }
    );
    let stored = app.stored(&signed.id).await.unwrap();
    assert_eq!(stored.auth, Auth::Signature { secret: new_secret });
}

/// Runs the binary on the SQLite file `db` with `args` and returns its status and stderr.
fn run(db: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_webhook-server"));
    cmd.env("WEBHOOK_LISTEN", "127.0.0.1:0")
        .env("WEBHOOK_DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("WEBHOOK_DIST", db.with_file_name("dist"))
        .env("RUST_LOG", "warn")
        .env_remove("WEBHOOK_SECRET_KEY")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_missing_or_wrong_key_stops_the_server_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("console.db");
    let key = dir.path().join("secret.key");
    // The first start of a new database creates the key beside it and says to back it up
    // (`reset-password` of nobody opens the database, then fails: a quick first start).
    let (ok, stderr) = run(&db, &[], &["reset-password", "nobody"]);
    assert!(
        !ok && stderr.contains("there is no user 'nobody'"),
        "{stderr}"
    );
    assert!(stderr.contains("back it up"), "{stderr}");
    let original = std::fs::read_to_string(&key).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the key file is private: {mode:o}");
    }

    std::fs::remove_file(&key).unwrap();
    let (ok, stderr) = run(&db, &[], &["reset-password", "nobody"]);
    assert!(!ok, "{stderr}");
    assert!(
        stderr.contains("secret key file") && stderr.contains("is missing"),
        "{stderr}"
    );
    assert!(
        !key.exists(),
        "no new key for a database sealed under another one"
    );

    std::fs::write(&key, "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n").unwrap();
    let (ok, stderr) = run(&db, &[], &["reset-password", "nobody"]);
    assert!(!ok && stderr.contains("is not the one"), "{stderr}");
    std::fs::write(&key, "too short").unwrap();
    let (ok, stderr) = run(&db, &[], &["reset-password", "nobody"]);
    assert!(!ok && stderr.contains("32 bytes, base64"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");

    // The right key, as a file elsewhere or in the environment, opens it.
    std::fs::write(&key, &original).unwrap();
    let (_, stderr) = run(&db, &[], &["reset-password", "nobody"]);
    assert!(stderr.contains("there is no user 'nobody'"), "{stderr}");
    let (_, stderr) = run(
        &db,
        &[
            ("WEBHOOK_SECRET_KEY", original.trim()),
            ("WEBHOOK_SECRET_KEY_FILE", "/nonexistent"),
        ],
        &["reset-password", "nobody"],
    );
    assert!(stderr.contains("there is no user 'nobody'"), "{stderr}");
}

#[tokio::test]
async fn secrets_stored_in_clear_before_are_sealed_at_start() {
    let app = spawn_app().await;
    let mut body = webhook_body("legacy");
    body["auth"] = json!({"type": "bearer", "token": BEARER});
    let created = app.create(&body).await;
    let url = database_url(&app.dir);
    // As a server from before encryption wrote it.
    let plain = format!(
        "UPDATE webhooks SET auth = '{{\"type\":\"bearer\",\"token\":\"{BEARER}\"}}' \
         WHERE id = '{}' RETURNING auth",
        created.id
    );
    assert!(raw(&url, &plain).await[0].contains(BEARER));
    // Opening the database again seals it.
    open_db(&url).await.close().await;
    let columns = stored_columns(&url).await;
    assert!(
        columns.iter().all(|c| c.starts_with("enc:v1:")),
        "{columns:?}"
    );
    assert_eq!(
        app.stored(&created.id).await.unwrap().auth,
        Auth::Bearer {
            token: BEARER.into()
        }
    );
}
