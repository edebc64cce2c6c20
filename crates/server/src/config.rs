//! The server's configuration: command-line flags, each also readable from a `WEBHOOK_*`
//! environment variable, parsed once at start.

use clap::Parser;
use std::path::PathBuf;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/console.db";
pub const DEFAULT_DIST: &str = "dist";

/// Webhook Console server: the REST API under /api/v1 and the console itself.
#[derive(Debug, Clone, Parser)]
#[command(name = "webhook-server", version, about)]
pub struct Config {
    /// Address to listen on, `host:port`. Port 0 picks a free port; the address actually bound is
    /// printed on stdout as `webhook-server listening on http://ADDR`.
    #[arg(long, env = "WEBHOOK_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: String,

    /// Database to use. `sqlite://PATH` creates the file and its directory when missing.
    #[arg(long, env = "WEBHOOK_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// Directory of the built console (trunk's output). Paths outside /api are served from it,
    /// with index.html for client-side routes. The API works without it.
    #[arg(long, env = "WEBHOOK_DIST", default_value = DEFAULT_DIST)]
    pub dist: PathBuf,
}

impl Default for Config {
    /// The defaults, without reading flags or the environment (for tests and embedding).
    fn default() -> Self {
        Self {
            listen: DEFAULT_LISTEN.into(),
            database_url: DEFAULT_DATABASE_URL.into(),
            dist: DEFAULT_DIST.into(),
        }
    }
}
