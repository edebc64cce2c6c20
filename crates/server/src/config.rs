//! The server's configuration: command-line flags, each also readable from a `WEBHOOK_*`
//! environment variable, parsed once at start.

use crate::auth::AuthSettings;
use crate::db::cipher::KeySource;
use crate::db::{OpenOptions, Synchronous};
use crate::delivery::DeliverySettings;
use crate::delivery::policy::TargetPolicy;
use crate::delivery::retry::{DEFAULT_SCHEDULE, RetrySchedule, parse_duration};
use clap::Parser;
use ipnet::IpNet;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/console.db";
pub const DEFAULT_DIST: &str = "dist";

/// Webhook Console server: the REST API under /api/v1, the delivery worker and the console itself.
#[derive(Debug, Clone, Parser)]
#[command(name = "webhook-server", version, about)]
pub struct Config {
    /// Address to listen on, `host:port`. Port 0 picks a free port; the address actually bound is
    /// printed on stdout as `webhook-server listening on http://ADDR`.
    #[arg(long, env = "WEBHOOK_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: String,

    /// Database to use. `sqlite://PATH` (one instance; the file and its directory are created
    /// when missing) or `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (PostgreSQL 13 or later;
    /// several instances may share it). The schema is migrated at start.
    #[arg(long, env = "WEBHOOK_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// SQLite's `PRAGMA synchronous` (the database runs in WAL mode). `normal`: commits are not
    /// fsynced until a checkpoint; they survive a crash or kill of the server, but a power loss or
    /// OS crash can roll back the last ones — accepted events included. `full`: every commit is
    /// fsynced, so a 202 for events means they are on disk; one fsync per `POST /events` and per
    /// group of recorded attempts (see `--delivery-commit-batch`).
    #[arg(
        long,
        env = "WEBHOOK_SQLITE_SYNCHRONOUS",
        value_enum,
        default_value_t = Synchronous::Normal
    )]
    pub sqlite_synchronous: Synchronous,

    /// PostgreSQL only: connections this instance keeps at most (plus one that listens for
    /// notifications). All instances together must stay under the server's `max_connections`
    /// (100 by default): e.g. five instances at the default 16 use 85.
    #[arg(long, env = "WEBHOOK_DATABASE_MAX_CONNECTIONS", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..))]
    pub database_max_connections: u32,

    /// Directory of the built console (`make console` writes it). Paths outside /api are served from it,
    /// with index.html for client-side routes. The API works without it.
    #[arg(long, env = "WEBHOOK_DIST", default_value = DEFAULT_DIST)]
    pub dist: PathBuf,

    /// A range of private or loopback addresses deliveries may go to, e.g. `127.0.0.0/8` or
    /// `10.0.0.0/8` (repeatable; the variable takes a comma-separated list). Public addresses
    /// are always allowed, link-local and cloud metadata addresses never.
    #[arg(
        long = "allow-target",
        env = "WEBHOOK_ALLOW_TARGETS",
        value_delimiter = ','
    )]
    pub allow_targets: Vec<IpNet>,

    /// Deliver only to the `--allow-target` ranges, public addresses included: for closed
    /// networks, and for test runs that must not reach the internet.
    #[arg(long, env = "WEBHOOK_ONLY_ALLOWED_TARGETS")]
    pub only_allowed_targets: bool,

    /// Delays between the tries of a delivery (each ±20 % jitter): `250ms`, `5s`, `1m`, `2h`, `1d`,
    /// comma-separated. Its length is the number of retries; empty means none.
    #[arg(long, env = "WEBHOOK_RETRY_SCHEDULE", default_value = DEFAULT_SCHEDULE)]
    pub retry_schedule: RetrySchedule,

    /// How long a signing secret replaced by rotate-secret still signs, as a second signature.
    #[arg(long, env = "WEBHOOK_SECRET_OVERLAP", default_value = "24h", value_parser = parse_duration)]
    pub secret_overlap: Duration,

    /// At most this many deliveries are sent at once.
    #[arg(long, env = "WEBHOOK_DELIVERY_CONCURRENCY", default_value_t = 32)]
    pub delivery_concurrency: usize,

    /// At most this many finished attempts are recorded in one transaction (group commit): with
    /// many sends in flight one commit serves them all. 1 commits every attempt on its own.
    #[arg(long, env = "WEBHOOK_DELIVERY_COMMIT_BATCH", default_value = "256")]
    pub delivery_commit_batch: NonZeroUsize,

    /// How long an instance's claim on a delivery holds: longer than the longest send (webhook
    /// timeouts go up to 60 s). A claim of an instance that died is taken over by another
    /// instance when it lapses, with the same `webhook-id`.
    #[arg(long, env = "WEBHOOK_DELIVERY_LEASE", default_value = "120s", value_parser = parse_duration)]
    pub delivery_lease: Duration,

    /// The first administrator's password (at least 10 characters), used only when the database
    /// has no user yet. Without it, the first start generates one and prints it once on stdout.
    #[arg(long, env = "WEBHOOK_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    /// The address people open the console at, e.g. `https://console.example.com`. With https the
    /// session cookie is `Secure`; changes must come from this origin.
    #[arg(long, env = "WEBHOOK_PUBLIC_URL")]
    pub public_url: Option<url::Url>,

    /// A console session unused this long ends.
    #[arg(long, env = "WEBHOOK_SESSION_IDLE_TIMEOUT", default_value = "12h", value_parser = parse_duration)]
    pub session_idle_timeout: Duration,

    /// A console session ends this long after sign-in, however active.
    #[arg(long, env = "WEBHOOK_SESSION_LIFETIME", default_value = "7d", value_parser = parse_duration)]
    pub session_lifetime: Duration,

    /// The file holding the key (32 bytes, base64) that seals receivers' secrets in the
    /// database. Default: `secret.key` beside the SQLite file, or `data/secret.key` with
    /// PostgreSQL; generated on the first start of a new database. Back it up with the database.
    #[arg(long, env = "WEBHOOK_SECRET_KEY_FILE")]
    pub secret_key_file: Option<PathBuf>,

    /// The key itself (base64), instead of a file: `WEBHOOK_SECRET_KEY`. Several instances on one
    /// PostgreSQL database must share the key.
    #[arg(long, env = "WEBHOOK_SECRET_KEY", hide = true, hide_env_values = true)]
    pub secret_key: Option<String>,

    /// History older than this is pruned: finished deliveries and their attempts, events no
    /// waiting delivery carries, inbound requests. `0d` keeps everything.
    #[arg(long, env = "WEBHOOK_RETENTION", default_value = "30d", value_parser = parse_duration)]
    pub retention: Duration,

    /// Attempts' request and response bodies go after this long (headers, status and timing
    /// stay until `--retention`). Default: with the attempt.
    #[arg(long, env = "WEBHOOK_RETAIN_BODIES", value_parser = parse_duration)]
    pub retain_bodies: Option<Duration>,

    /// How often the pruner runs.
    #[arg(long, env = "WEBHOOK_RETENTION_INTERVAL", default_value = "10m", value_parser = parse_duration)]
    pub retention_interval: Duration,

    /// A webhook whose every delivery attempt failed for this long (no success since) is
    /// disabled, with a notice and a `webhook.auto_disabled` event. `0d`: never.
    #[arg(long, env = "WEBHOOK_AUTO_DISABLE_AFTER", default_value = "5d", value_parser = parse_duration)]
    pub auto_disable_after: Duration,

    /// How often the auto-disable check runs.
    #[arg(long, env = "WEBHOOK_AUTO_DISABLE_INTERVAL", default_value = "10m", value_parser = parse_duration)]
    pub auto_disable_interval: Duration,

    /// Requests per minute one inbound webhook accepts (a burst of as many, refilled evenly);
    /// more are answered 429. 0: no limit.
    #[arg(long, env = "WEBHOOK_INBOUND_RATE_LIMIT", default_value_t = 600)]
    pub inbound_rate_limit: u32,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What the binary does instead of serving.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Give USERNAME a new random password (printed), enable them and end their sessions: the
    /// way back in when the admin password is lost. Run it on the server machine.
    ResetPassword { username: String },
}

impl Config {
    pub fn auth_settings(&self) -> AuthSettings {
        AuthSettings {
            idle_timeout: self.session_idle_timeout,
            lifetime: self.session_lifetime,
            secure_cookie: self
                .public_url
                .as_ref()
                .is_some_and(|u| u.scheme() == "https"),
            public_origin: self
                .public_url
                .as_ref()
                .map(|u| u.origin().ascii_serialization()),
        }
    }

    pub fn retention_settings(&self) -> crate::retention::RetentionSettings {
        crate::retention::RetentionSettings {
            retention: self.retention,
            retain_bodies: self.retain_bodies,
            interval: self.retention_interval,
        }
    }

    pub fn inbound_settings(&self) -> crate::inbound::InboundSettings {
        crate::inbound::InboundSettings {
            public_url: self
                .public_url
                .as_ref()
                .map(|u| u.as_str().trim_end_matches('/').to_string()),
            limit: crate::inbound::limit::RateLimit::new(self.inbound_rate_limit),
        }
    }

    pub fn open_options(&self) -> OpenOptions {
        OpenOptions {
            synchronous: self.sqlite_synchronous,
            max_connections: self.database_max_connections,
            secret_key: match (&self.secret_key, &self.secret_key_file) {
                (Some(key), _) => Some(KeySource::Value(key.clone())),
                (None, Some(file)) => Some(KeySource::File(file.clone())),
                (None, None) => None,
            },
        }
    }

    pub fn delivery_settings(&self) -> DeliverySettings {
        DeliverySettings {
            policy: TargetPolicy {
                allow: self.allow_targets.clone(),
                only_allowed: self.only_allowed_targets,
            },
            retry_schedule: self.retry_schedule.clone(),
            secret_overlap: self.secret_overlap,
            concurrency: self.delivery_concurrency,
            commit_batch: self.delivery_commit_batch.get(),
            lease: self.delivery_lease,
        }
    }
}

impl Default for Config {
    /// The defaults, without reading flags or the environment (for tests and embedding).
    fn default() -> Self {
        let delivery = DeliverySettings::default();
        Self {
            listen: DEFAULT_LISTEN.into(),
            database_url: DEFAULT_DATABASE_URL.into(),
            sqlite_synchronous: Synchronous::default(),
            database_max_connections: OpenOptions::default().max_connections,
            dist: DEFAULT_DIST.into(),
            allow_targets: Vec::new(),
            only_allowed_targets: false,
            retry_schedule: delivery.retry_schedule,
            secret_overlap: delivery.secret_overlap,
            delivery_concurrency: delivery.concurrency,
            delivery_commit_batch: NonZeroUsize::new(delivery.commit_batch)
                .unwrap_or(NonZeroUsize::MIN),
            delivery_lease: delivery.lease,
            admin_password: None,
            secret_key_file: None,
            secret_key: None,
            public_url: None,
            session_idle_timeout: AuthSettings::default().idle_timeout,
            session_lifetime: AuthSettings::default().lifetime,
            inbound_rate_limit: 600,
            auto_disable_after: Duration::from_secs(5 * 86_400),
            auto_disable_interval: Duration::from_secs(600),
            retention: crate::retention::RetentionSettings::default().retention,
            retain_bodies: None,
            retention_interval: crate::retention::RetentionSettings::default().interval,
            command: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse() {
        let c = Config::try_parse_from([
            "webhook-server",
            "--allow-target",
            "127.0.0.0/8",
            "--allow-target",
            "::1/128",
            "--retry-schedule",
            "100ms,200ms",
            "--secret-overlap",
            "1h",
        ])
        .unwrap();
        assert_eq!(c.allow_targets.len(), 2);
        assert_eq!(
            c.retry_schedule.0,
            [Duration::from_millis(100), Duration::from_millis(200)]
        );
        assert_eq!(c.secret_overlap, Duration::from_secs(3600));
        assert!(Config::try_parse_from(["webhook-server", "--allow-target", "nope"]).is_err());
    }

    #[test]
    fn storage_flags_parse_and_default_as_before() {
        let c = Config::try_parse_from([
            "webhook-server",
            "--sqlite-synchronous",
            "full",
            "--delivery-commit-batch",
            "1",
        ])
        .unwrap();
        assert_eq!(c.sqlite_synchronous, Synchronous::Full);
        assert_eq!(c.delivery_settings().commit_batch, 1);
        let n =
            Config::try_parse_from(["webhook-server", "--sqlite-synchronous", "normal"]).unwrap();
        assert_eq!(n.sqlite_synchronous, Synchronous::Normal);
        let pg =
            Config::try_parse_from(["webhook-server", "--database-max-connections", "4"]).unwrap();
        assert_eq!(pg.open_options().max_connections, 4);
        for bad in [
            ["--sqlite-synchronous", "off"],
            ["--delivery-commit-batch", "0"],
            ["--database-max-connections", "0"],
        ] {
            let args = std::iter::once("webhook-server").chain(bad);
            assert!(Config::try_parse_from(args).is_err(), "{bad:?}");
        }
        // The parsed defaults (when no WEBHOOK_* variable is set) are Default's.
        if std::env::vars().all(|(k, _)| !k.starts_with("WEBHOOK_")) {
            let d = Config::try_parse_from(["webhook-server"]).unwrap();
            assert_eq!(d.sqlite_synchronous, Synchronous::Normal);
            assert_eq!(
                d.delivery_commit_batch,
                Config::default().delivery_commit_batch
            );
            assert_eq!(d.delivery_settings().commit_batch, 256);
        }
    }
}
