//! Integration tests: the real server on a loopback port with a fresh SQLite file per test,
//! driven over HTTP the way the console and scripts use it.

mod access;
mod access_matrix;
mod access_tokens;
mod audit;
mod audit_query;
mod auto_disable;
mod backends;
mod concurrency;
mod console;
mod crash;
mod create;
mod drills;
mod events;
mod helpers;
mod history;
mod inbound;
mod inbound_alertmanager;
mod instances;
mod list;
mod metrics;
mod modify;
mod pause;
mod payload;
mod principals;
mod receiver;
mod retention;
mod secrets;
mod secrets_at_rest;
mod send;
mod server;
mod signature_check;
mod silence;
mod storage_modes;
mod subscriptions;
mod throttle;
