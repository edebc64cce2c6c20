//! Serving the built console from `--dist`: its files as they are, `index.html` for the
//! console's own routes (`/webhooks/new`), and a plain 503 that says what to do when it has not
//! been built, so the API stays usable without it.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::map_response;
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

const NOT_BUILT: &str = "The console has not been built: there is no index.html in the --dist \
directory. Build it with `make run` (or `make console`), or point --dist / WEBHOOK_DIST \
at a built console. The API is available under /api/v1.\n";

#[derive(Clone)]
struct Console {
    index: PathBuf,
    /// Unknown paths get index.html, so the console's router can show them.
    pages: ServeDir<ServeFile>,
    /// Unknown paths get a 404: a missing script or image must not come back as HTML.
    assets: ServeDir,
}

/// The console as a router, meant as the application's fallback.
pub fn router(dist: &Path) -> Router {
    let index = dist.join("index.html");
    let console = Console {
        pages: precompressed(ServeDir::new(dist)).fallback(
            ServeFile::new(&index)
                .precompressed_br()
                .precompressed_gzip(),
        ),
        assets: precompressed(ServeDir::new(dist)),
        index,
    };
    Router::new()
        .fallback(serve_console)
        .with_state(console)
        .layer(map_response(cache_control))
}

/// The build writes `.br` and `.gz` copies of every asset (scripts/precompress.mjs): send those
/// instead of compressing a 700 KB wasm on every request.
fn precompressed<F>(dir: ServeDir<F>) -> ServeDir<F> {
    dir.precompressed_br().precompressed_gzip()
}

async fn serve_console(State(console): State<Console>, request: Request) -> Response {
    // Checked on every request so a console built while the server runs is picked up.
    if !tokio::fs::try_exists(&console.index).await.unwrap_or(false) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            NOT_BUILT,
        )
            .into_response();
    }
    let last_segment = request.uri().path().rsplit('/').next().unwrap_or("");
    let result = if last_segment.contains('.') {
        console
            .assets
            .oneshot(request)
            .await
            .map(IntoResponse::into_response)
    } else {
        console
            .pages
            .oneshot(request)
            .await
            .map(IntoResponse::into_response)
    };
    match result {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// index.html names the hashed assets of the current build; browsers must revalidate it or they
/// keep loading the previous build's files. The hashed assets themselves never change.
async fn cache_control(uri: axum::http::Uri, mut response: Response) -> Response {
    if response.status().is_success() && is_hashed_asset(uri.path()) {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
        return response;
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    response
}

/// scripts/build-console.mjs names build outputs `name-<16 hex digits>.ext`.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}
