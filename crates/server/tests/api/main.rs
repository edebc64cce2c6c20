//! Integration tests: the real server on a loopback port with a fresh SQLite file per test,
//! driven over HTTP the way the console and scripts use it.

mod access;
mod access_matrix;
mod access_tokens;
mod audit;
mod audit_query;
mod backends;
mod concurrency;
mod console;
mod crash;
mod create;
mod events;
mod helpers;
mod history;
mod instances;
mod list;
mod metrics;
mod modify;
mod payload;
mod principals;
mod receiver;
mod search;
mod secrets;
mod secrets_at_rest;
mod send;
mod server;
mod signature_check;
mod storage_modes;
mod subscriptions;
mod throttle;
