//! Integration tests: the real server on a loopback port with a fresh SQLite file per test,
//! driven over HTTP the way the console and scripts use it.

mod backends;
mod concurrency;
mod console;
mod crash;
mod create;
mod events;
mod helpers;
mod instances;
mod list;
mod metrics;
mod modify;
mod payload;
mod receiver;
mod secrets;
mod send;
mod server;
mod storage_modes;
mod subscriptions;
