//! `webhook-server`: the REST API of Webhook Console (under `/api/v1`) and the server of the
//! built console. [`run`] is what the binary does; [`app`] and [`serve`] let tests start the
//! real server on a port of their choosing.

pub mod clock;
pub mod config;
pub mod db;
pub mod delivery;
pub mod error;
pub mod extract;
pub mod routes;
mod spa;

pub use config::Config;
pub use delivery::install_crypto_provider;

use axum::Router;
use axum::routing::any;
use std::path::Path;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: db::Db,
    pub deliverer: delivery::Deliverer,
}

/// How long a stop waits for the deliveries in flight (SIGTERM to exit; orchestrators commonly
/// allow 30 s).
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(20);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] db::OpenError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(#[from] std::io::Error),
    #[error("cannot set up the HTTP client for deliveries: {0}")]
    Http(#[from] reqwest::Error),
}

/// Opens the configured database (creating and migrating it), starts the delivery worker on it
/// and builds the application.
pub async fn app(config: &Config) -> Result<Router, StartError> {
    let db = db::open_with(&config.database_url, config.open_options()).await?;
    let deliverer = delivery::Deliverer::new(config.delivery_settings())?;
    delivery::worker::spawn(db.clone(), deliverer.clone());
    Ok(router(AppState { db, deliverer }, &config.dist))
}

/// The whole application: the API under `/api/v1`, JSON 404s for anything else under `/api`,
/// and the console for every other path.
pub fn router(state: AppState, dist: &Path) -> Router {
    Router::new()
        .nest("/api/v1", routes::router())
        .merge(routes::health::router())
        .route("/api", any(routes::api_not_found))
        .route("/api/{*rest}", any(routes::api_not_found))
        .with_state(state)
        .fallback_service(spa::router(dist))
        .layer(CompressionLayer::new())
        // Method, path, status and latency only: never headers or bodies, which carry secrets.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO))
                // Internal errors log themselves with their cause; a 503 for an unbuilt console
                // is not worth an error line per request.
                .on_failure(DefaultOnFailure::new().level(Level::WARN)),
        )
}

/// Serves `app` on `listener` until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// The binary: opens the database, binds `--listen`, prints
/// `webhook-server listening on http://ADDR` (the address actually bound) on stdout, and serves
/// until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> Result<(), StartError> {
    let db = db::open_with(&config.database_url, config.open_options()).await?;
    let deliverer = delivery::Deliverer::new(config.delivery_settings())?;
    let worker = delivery::worker::spawn(db.clone(), deliverer.clone());
    let app = router(
        AppState {
            db: db.clone(),
            deliverer,
        },
        &config.dist,
    );
    let listener =
        TcpListener::bind(&config.listen)
            .await
            .map_err(|source| StartError::Listen {
                addr: config.listen.clone(),
                source,
            })?;
    let addr = listener.local_addr()?;
    println!("webhook-server listening on http://{addr}");
    use std::io::Write as _;
    std::io::stdout().flush()?;
    tracing::info!(%addr, database = %db::redact(&config.database_url), synchronous = ?config.sqlite_synchronous, dist = %config.dist.display(), "started");
    serve(listener, app, shutdown_signal()).await?;
    // Deliveries in flight finish and are recorded; any still sending after the grace stay
    // claimed and are sent again (the next start on SQLite, another instance on PostgreSQL).
    if !worker.stop(SHUTDOWN_GRACE).await {
        tracing::warn!("deliveries still in flight at the stop will be sent again");
    }
    // Closing checkpoints the WAL so the database is one tidy file after a clean stop.
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
