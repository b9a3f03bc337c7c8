//! Embedding in a host portal: DOM events on the host element, and the core validators exported to
//! JavaScript so the host's own forms validate with the same code, offline.

use appreg_core::api::Application;
use appreg_core::{
    check_cors_list, check_cors_origin, check_endpoint_url, check_name, check_redirect_list,
    match_redirect, Template,
};
use wasm_bindgen::prelude::*;

fn dispatch(target: Option<&web_sys::Element>, name: &str, detail: &JsValue) {
    let Some(target) = target else { return };
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_detail(detail);
    if let Ok(ev) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = target.dispatch_event(&ev);
    }
}

fn object(pairs: &[(&str, &str)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    o.into()
}

/// `appreg:created` with `detail: {id, client_id}` (the SOD client ID).
pub fn dispatch_created(target: Option<&web_sys::Element>, app: &Application) {
    let detail = object(&[("id", &app.id), ("client_id", &app.client_ids.sod)]);
    dispatch(target, "appreg:created", &detail);
}

/// `appreg:cancelled` when the user leaves the wizard with "Cancel".
pub fn dispatch_cancelled(target: Option<&web_sys::Element>) {
    dispatch(target, "appreg:cancelled", &object(&[]));
}

fn template(id: &str) -> Result<Template, JsError> {
    id.parse::<Template>().map_err(|e| JsError::new(&e))
}

fn list(json: &str) -> Result<Vec<String>, JsError> {
    serde_json::from_str(json)
        .map_err(|e| JsError::new(&format!("expected a JSON array of strings: {e}")))
}

fn out<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// `validateRedirectUrls("web", '["https://…"]')` → JSON array of checks (one per entry, as one list).
#[wasm_bindgen(js_name = validateRedirectUrls)]
pub fn validate_redirect_urls(template_id: &str, urls_json: &str) -> Result<String, JsError> {
    Ok(out(&check_redirect_list(
        &list(urls_json)?,
        template(template_id)?,
    )))
}

/// `validateCorsOrigin("https://app.example.com")` → JSON check.
#[wasm_bindgen(js_name = validateCorsOrigin)]
pub fn validate_cors_origin(origin: &str) -> String {
    out(&check_cors_origin(origin))
}

/// `validateCorsOrigins('["https://a.example", …]')` → JSON array of checks, as one list.
#[wasm_bindgen(js_name = validateCorsOrigins)]
pub fn validate_cors_origins(origins_json: &str) -> Result<String, JsError> {
    Ok(out(&check_cors_list(&list(origins_json)?)))
}

/// `validateName("My app")` → JSON check.
#[wasm_bindgen(js_name = validateName)]
pub fn validate_name(name: &str) -> String {
    out(&check_name(name))
}

/// `validateEndpointUrl("https://…", true)` → JSON check.
#[wasm_bindgen(js_name = validateEndpointUrl)]
pub fn validate_endpoint_url(url: &str, enabled: bool) -> String {
    out(&check_endpoint_url(url, enabled))
}

/// `matchRedirectUrl('["https://…"]', "https://…/cb")` → JSON `{matched, explanation}`.
#[wasm_bindgen(js_name = matchRedirectUrl)]
pub fn match_redirect_url(registered_json: &str, redirect_uri: &str) -> Result<String, JsError> {
    Ok(out(&match_redirect(&list(registered_json)?, redirect_uri)))
}
