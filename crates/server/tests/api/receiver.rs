//! A webhook receiver for tests, on 127.0.0.1: it records every request and answers by path —
//! `/ok`, `/slow` (200 after 100 ms), `/status/{code}`, `/busy` (429 with `Retry-After: 1`), `/hang`, `/redirect`, `/huge`,
//! `/robot-error` (200 with a DingTalk error), `/script` (the scripted answers in order, then 200)
//! — and raw TCP peers that drop the connection or answer with garbage.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One request as the receiver got it.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    /// Lower-case names.
    pub headers: BTreeMap<String, String>,
    pub body: String,
    pub at: Instant,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

#[derive(Default)]
struct Inner {
    received: Vec<Received>,
    script: VecDeque<(u16, Option<&'static str>)>,
}

#[derive(Clone)]
pub struct Receiver {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    inner: Arc<Mutex<Inner>>,
}

impl Receiver {
    pub async fn start() -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new()
            .route("/{*path}", post(answer))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { address, inner }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// The answers `/script` gives, in order: (status, Retry-After). After them it answers 200.
    pub fn script(&self, answers: &[(u16, Option<&'static str>)]) {
        self.inner
            .lock()
            .unwrap()
            .script
            .extend(answers.iter().copied());
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().received.clone()
    }

    /// Waits until at least `n` requests arrived (up to `within`), and returns all of them.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let got = self.received();
            if got.len() >= n || Instant::now() > deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn answer(
    State(inner): State<Arc<Mutex<Inner>>>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let scripted = {
        let mut inner = inner.lock().unwrap();
        inner.received.push(Received {
            path: format!("/{path}"),
            headers: headers
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
                .collect(),
            body: String::from_utf8_lossy(&body).into_owned(),
            at: Instant::now(),
        });
        if path == "script" {
            inner.script.pop_front()
        } else {
            None
        }
    };
    let status = |code: u16| StatusCode::from_u16(code).unwrap();
    match path.as_str() {
        "ok" => (StatusCode::OK, "thanks").into_response(),
        "slow" => {
            tokio::time::sleep(Duration::from_millis(100)).await;
            (StatusCode::OK, "thanks, slowly").into_response()
        }
        "busy" => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "1")],
            "slow down",
        )
            .into_response(),
        "hang" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            StatusCode::OK.into_response()
        }
        "redirect" => (StatusCode::FOUND, [(header::LOCATION, "/ok")]).into_response(),
        "huge" => (StatusCode::OK, "x".repeat(1024 * 1024)).into_response(),
        "robot-error" => (
            StatusCode::OK,
            r#"{"errcode":310000,"errmsg":"sign not match"}"#,
        )
            .into_response(),
        "script" => match scripted {
            Some((code, Some(retry_after))) => {
                (status(code), [(header::RETRY_AFTER, retry_after)]).into_response()
            }
            Some((code, None)) => status(code).into_response(),
            None => StatusCode::OK.into_response(),
        },
        other => match other.strip_prefix("status/").and_then(|c| c.parse().ok()) {
            Some(code) => status(code).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        },
    }
}

/// A TCP peer on 127.0.0.1 that reads the request, writes `reply` (maybe nothing) and closes.
/// Returns its `http://` address.
pub async fn raw_peer(reply: &'static [u8]) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let _ = socket.write_all(reply).await;
            // Dropping the socket closes the connection.
        }
    });
    address
}

/// An address on 127.0.0.1 where nothing listens.
pub async fn closed_port() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    address
}

/// Verifies a received delivery's signature with the Standard Webhooks reference library
/// (Python `standardwebhooks`, installed by `make test` with `pip install -q standardwebhooks`).
pub fn verify_with_reference(secret: &str, r: &Received) -> Result<(), String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/support/verify_signature.py"
    );
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    let input = serde_json::json!({"secret": secret, "headers": r.headers, "body": r.body});
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    match out.status.code() {
        Some(0) => Ok(()),
        Some(2) => panic!("{}", String::from_utf8_lossy(&out.stderr)),
        _ => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
    }
}
