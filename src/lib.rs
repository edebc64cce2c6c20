//! Webhook Console: the single-page app (Leptos, client-side rendered) for managing notification
//! webhooks. `main.rs` only mounts [`app::App`]; this library is what the browser tests use.

pub mod api;
pub mod app;
pub mod components;
pub mod i18n;
pub mod pages;
pub mod session;
pub mod storage;
pub mod task;
pub mod theme;

#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
