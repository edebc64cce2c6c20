//! Serving the built console from `--dist`: files, the index.html fallback for client routes,
//! caching and compression, and the 503 when it has not been built.

use crate::helpers::{TestApp, spawn_app};
use reqwest::StatusCode;

const INDEX: &str =
    "<!doctype html><html><head><title>Webhook Console</title></head><body></body></html>";

fn build_console(app: &TestApp) {
    std::fs::create_dir_all(app.dist()).unwrap();
    std::fs::write(app.dist().join("index.html"), INDEX).unwrap();
    std::fs::write(app.dist().join("app.js"), "console.log('hi');".repeat(200)).unwrap();
}

#[tokio::test]
async fn client_routes_get_index_html_without_caching() {
    let app = spawn_app().await;
    build_console(&app);

    for path in [
        "/",
        "/webhooks/new",
        "/webhooks/0190a0a0-0000-7000-8000-000000000000/edit",
    ] {
        let response = app.get(path).await;

        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(response.text().await.unwrap(), INDEX);
    }
}

#[tokio::test]
async fn files_are_served_compressed_when_asked() {
    let app = spawn_app().await;
    build_console(&app);

    let response = app
        .client
        .get(app.url("/app.js"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
}

#[tokio::test]
async fn a_missing_asset_is_404_not_the_index() {
    let app = spawn_app().await;
    build_console(&app);

    let response = app.get("/missing-abc123.wasm").await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn without_a_built_console_pages_say_how_to_build_it_and_the_api_works() {
    let app = spawn_app().await;

    let page = app.get("/webhooks").await;
    let api = app.get("/api/v1/webhooks").await;

    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.text().await.unwrap().contains("make run"));
    assert_eq!(api.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_builds_precompressed_copies_are_sent_and_hashed_assets_cached_for_good() {
    let app = spawn_app().await;
    build_console(&app);
    let wasm = "webhook-console-0123456789abcdef_bg.wasm";
    std::fs::write(app.dist().join(wasm), b"\0asm-raw").unwrap();
    // Not a real brotli stream: proves the file on disk is sent as it is, not compressed anew.
    std::fs::write(app.dist().join(format!("{wasm}.br")), b"precompressed-br").unwrap();

    let response = app
        .client
        .get(app.url(&format!("/{wasm}")))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        b"precompressed-br"
    );

    // A file without a build hash may change between builds: no long caching.
    let plain = app.get("/app.js").await;
    assert!(plain.headers().get("cache-control").is_none());
}
