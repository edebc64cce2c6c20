//! `webhook-server`: parses the configuration, sets up logging and runs the server.

use clap::Parser;
use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = webhook_server::Config::parse();
    // Logs go to stderr so stdout carries only the "listening on" line that scripts parse.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let outcome = match &config.command {
        Some(webhook_server::config::Command::ResetPassword { username }) => {
            webhook_server::reset_password(&config, username).await
        }
        None => webhook_server::run(config).await,
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("webhook-server: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
