//! The floor of `make size`: the bare counter plus the core validators the SPA exports to JavaScript
//! (`validateRedirectUrls` and the rest of `appreg_web::embed`), and nothing of the SPA's pages.
//! Whatever the pages look like, the SPA can be no smaller than this.
//!
//! The validators are called here directly, as the SPA's exports did until the SPA began to fetch its
//! URL rules on demand (`src/rules.rs`): the floor measures what running `crates/core` in the browser
//! costs, not the SPA's own machinery around it, so it stays the same yardstick.
use appreg_core::{
    check_cors_list, check_cors_origin, check_endpoint_url, check_name, check_redirect_list,
    match_redirect, Template,
};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

fn list(json: &str) -> Result<Vec<String>, JsError> {
    serde_json::from_str(json).map_err(|e| JsError::new(&format!("expected a JSON array: {e}")))
}

fn out<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

#[wasm_bindgen(js_name = validateRedirectUrls)]
pub fn validate_redirect_urls(template: &str, urls_json: &str) -> Result<String, JsError> {
    let t = template.parse::<Template>().map_err(|e| JsError::new(&e))?;
    Ok(out(&check_redirect_list(&list(urls_json)?, t)))
}

#[wasm_bindgen(js_name = validateCorsOrigin)]
pub fn validate_cors_origin(origin: &str) -> String {
    out(&check_cors_origin(origin))
}

#[wasm_bindgen(js_name = validateCorsOrigins)]
pub fn validate_cors_origins(origins_json: &str) -> Result<String, JsError> {
    Ok(out(&check_cors_list(&list(origins_json)?)))
}

#[wasm_bindgen(js_name = validateName)]
pub fn validate_name(name: &str) -> String {
    out(&check_name(name))
}

#[wasm_bindgen(js_name = validateEndpointUrl)]
pub fn validate_endpoint_url(url: &str, enabled: bool) -> String {
    out(&check_endpoint_url(url, enabled))
}

#[wasm_bindgen(js_name = matchRedirectUrl)]
pub fn match_redirect_url(registered_json: &str, redirect_uri: &str) -> Result<String, JsError> {
    Ok(out(&match_redirect(&list(registered_json)?, redirect_uri)))
}

fn main() {
    leptos::mount::mount_to_body(|| {
        let (count, set_count) = signal(0);
        view! { <button on:click=move |_| set_count.update(|n| *n += 1)>"Count: " {count}</button> }
    });
}
