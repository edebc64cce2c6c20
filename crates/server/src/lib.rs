//! `webhook-server`: the REST API of Webhook Console (under `/api/v1`) and the server of the
//! built console. [`run`] is what the binary does; [`app`] and [`serve`] let tests start the
//! real server on a port of their choosing.

pub mod auth;
pub mod auto_disable;
pub mod changes;
pub mod clock;
pub mod config;
pub mod db;
pub mod delivery;
pub mod drills;
pub mod error;
pub mod extract;
pub mod inbound;
pub mod metrics;
pub mod retention;
pub mod routes;
pub mod search;
mod spa;

pub use config::Config;
pub use delivery::install_crypto_provider;

use axum::Router;
use axum::routing::any;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: db::Db,
    pub deliverer: delivery::Deliverer,
    pub auth: Arc<auth::AuthSettings>,
    pub inbound: Arc<inbound::InboundSettings>,
    pub retention: Arc<retention::RetentionSettings>,
    /// `--auto-disable-after`; zero: never.
    pub auto_disable_after: std::time::Duration,
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
    #[error("cannot create the first administrator: {0}")]
    Bootstrap(error::ApiError),
    #[error("cannot move inbound webhooks to their plugins' newest versions: {0}")]
    Upgrade(sqlx::Error),
}

/// Opens the database and creates the first administrator when there is no user. Returns the
/// password when it was generated, for the caller to print once.
async fn open(config: &Config) -> Result<(db::Db, Option<String>), StartError> {
    let db = db::open_with(&config.database_url, config.open_options()).await?;
    let generated = auth::bootstrap::ensure_admin(&db, config.admin_password.as_deref())
        .await
        .map_err(StartError::Bootstrap)?;
    inbound::upgrade_auto(&db)
        .await
        .map_err(StartError::Upgrade)?;
    Ok((db, generated))
}

/// Opens the configured database (creating and migrating it), starts the delivery worker on it
/// and builds the application.
pub async fn app(config: &Config) -> Result<Router, StartError> {
    let (db, _) = open(config).await?;
    let deliverer = delivery::Deliverer::new(config.delivery_settings())?;
    delivery::worker::spawn(db.clone(), deliverer.clone());
    retention::spawn(db.clone(), config.retention_settings());
    drills::spawn(db.clone(), deliverer.clone());
    auto_disable::spawn(
        db.clone(),
        deliverer.clone(),
        config.auto_disable_after,
        config.auto_disable_interval,
    );
    Ok(router(
        AppState {
            db,
            deliverer,
            auth: Arc::new(config.auth_settings()),
            inbound: Arc::new(config.inbound_settings()),
            retention: Arc::new(config.retention_settings()),
            auto_disable_after: config.auto_disable_after,
        },
        &config.dist,
    ))
}

/// The whole application: the API under `/api/v1`, JSON 404s for anything else under `/api`,
/// and the console for every other path.
pub fn router(state: AppState, dist: &Path) -> Router {
    Router::new()
        .nest(
            "/api/v1",
            routes::router().route_layer(axum::middleware::from_fn_with_state(
                state.clone(),
                auth::guard,
            )),
        )
        .merge(routes::health::router())
        .merge(
            axum::Router::new()
                .route("/metrics", axum::routing::get(metrics::get_metrics))
                .route_layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    auth::guard,
                )),
        )
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
    // The peer address is the client address of sign-in throttling and the audit log.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// `webhook-server reset-password USERNAME`: prints a new random password for the user.
pub async fn reset_password(config: &Config, username: &str) -> Result<(), StartError> {
    let db = db::open_with(&config.database_url, config.open_options()).await?;
    let result = auth::bootstrap::reset_password(&db, username).await;
    db.close().await;
    match result.map_err(StartError::Bootstrap)? {
        Some(password) => {
            println!(
                "The password of '{username}' is now: {password}\nTheir sessions have ended; \
                 sign in with it and change it under Settings › Users."
            );
            Ok(())
        }
        None => Err(StartError::Bootstrap(error::ApiError::NotFound(format!(
            "there is no user '{username}'"
        )))),
    }
}

/// The binary: opens the database, binds `--listen`, prints
/// `webhook-server listening on http://ADDR` (the address actually bound) on stdout, and serves
/// until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> Result<(), StartError> {
    let (db, generated) = open(&config).await?;
    let deliverer = delivery::Deliverer::new(config.delivery_settings())?;
    let worker = delivery::worker::spawn(db.clone(), deliverer.clone());
    retention::spawn(db.clone(), config.retention_settings());
    drills::spawn(db.clone(), deliverer.clone());
    auto_disable::spawn(
        db.clone(),
        deliverer.clone(),
        config.auto_disable_after,
        config.auto_disable_interval,
    );
    let app = router(
        AppState {
            db: db.clone(),
            deliverer,
            auth: Arc::new(config.auth_settings()),
            inbound: Arc::new(config.inbound_settings()),
            retention: Arc::new(config.retention_settings()),
            auto_disable_after: config.auto_disable_after,
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
    if let Some(password) = generated {
        let base = config.public_url.as_ref().map_or_else(
            || format!("http://{addr}"),
            |u| u.as_str().trim_end_matches('/').to_string(),
        );
        println!(
            "No users yet, so the administrator was created. Sign in at {base}/login\n  \
             username: {}\n  password: {password}\n\
             This password is shown once: change it under Settings › Users, or get a new one \
             with `webhook-server reset-password {}`.",
            auth::bootstrap::FIRST_ADMIN,
            auth::bootstrap::FIRST_ADMIN
        );
    }
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
