//! Browser tests: run in headless Chromium by `make test`
//! (`cargo test --target wasm32-unknown-unknown`, wasm-bindgen-test-runner + chromedriver).
//!
//! The SPA runs against one fake server ([`server`]) installed with `api::set_transport`, so every
//! request it makes is recorded and can be asserted on. [`harness`] mounts the app and drives the
//! DOM; the other modules hold the tests, by area.

mod harness;
mod server;

mod app_page;
mod embed;
mod offline;
mod partner;
mod wizard;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
