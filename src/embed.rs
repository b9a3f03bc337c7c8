//! Embedding in a host portal: DOM events on the host element (see docs/embedding.md), the host's
//! bearer token, and the core validators exported to JavaScript so the host's own forms validate with
//! the same code, offline.

use crate::api::{self, ApiError};
use crate::draft::{steps_for, Step};
use crate::rules;
use crate::state::{CreateStatus, Ctx};
use appreg_core::api::Application;
use appreg_core::{check_name, Check, Template};
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

fn dispatch(target: Option<&web_sys::Element>, name: &str, detail: &JsValue) {
    let Some(target) = target else { return };
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(detail);
    if let Ok(ev) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = target.dispatch_event(&ev);
    }
}

/// A plain JavaScript object of these fields (an event's `detail`, a message to the service worker).
pub(crate) fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in fields {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}

/// `appreg:created` with `detail: {id, client_id}` (the SOD client ID; never a secret).
pub fn dispatch_created(target: Option<&web_sys::Element>, app: &Application) {
    let d = object(&[
        ("id", text(&app.id)),
        ("client_id", text(&app.client_ids.sod)),
    ]);
    dispatch(target, "appreg:created", &d);
}

/// `appreg:cancelled` when the user leaves the wizard with "Cancel".
pub fn dispatch_cancelled(target: Option<&web_sys::Element>) {
    dispatch(target, "appreg:cancelled", &object(&[]));
}

/// `appreg:step` with `detail: {step, index, count, title}` when the wizard shows a step (`index` counts
/// from 1 among the `count` steps of the chosen template).
pub fn dispatch_step(target: Option<&web_sys::Element>, step: Step, template: Option<Template>) {
    let steps = steps_for(template);
    let index = steps.iter().position(|s| *s == step).map_or(0, |i| i + 1);
    let d = object(&[
        ("step", text(step.slug())),
        ("index", JsValue::from(index as u32)),
        ("count", JsValue::from(steps.len() as u32)),
        ("title", text(step.title(template))),
    ]);
    dispatch(target, "appreg:step", &d);
}

/// `appreg:validity` with `detail: {step, valid}` when a step is shown and whenever its verdict changes.
pub fn dispatch_validity(target: Option<&web_sys::Element>, step: Step, valid: bool) {
    let d = object(&[("step", text(step.slug())), ("valid", JsValue::from(valid))]);
    dispatch(target, "appreg:validity", &d);
}

/// Dispatches `appreg:ready` (`{partner}`) once the user is known, `appreg:signed-out`
/// (`{reason: "unauthenticated"}`) when the portal no longer accepts the sign-in (the host's token or
/// the session), and `appreg:error` (`{status, message}`; status 0 for the network) when loading the
/// user or creating the app fails for a reason the form cannot fix.
pub fn watch(ctx: Ctx) {
    let Some(host) = ctx.host() else { return };
    let host = StoredValue::new_local(host);
    let me = ctx.me();
    Effect::new(move |was: Option<Option<u16>>| {
        let was = was.flatten();
        let Some(res) = me.get() else { return was };
        let now = match &res {
            Ok(_) => 200,
            Err(e) => e.status().unwrap_or(0),
        };
        if was != Some(now) {
            host.with_value(|h| match &res {
                Ok(_) => {
                    let partner = ctx.partner().get_untracked().map(|p| p.id);
                    let d = object(&[("partner", partner.as_deref().map_or(JsValue::NULL, text))]);
                    dispatch(Some(h), "appreg:ready", &d);
                }
                Err(_) if now == 401 => {
                    let d = object(&[("reason", text("unauthenticated"))]);
                    dispatch(Some(h), "appreg:signed-out", &d);
                }
                Err(e) => dispatch_error(Some(h), e),
            });
        }
        Some(now)
    });
    let status = ctx.status();
    Effect::new(move |_| {
        match status.get() {
            // Not signed in any more: `/me` is read again and `appreg:signed-out` follows from it.
            CreateStatus::Failed(e) if e.status() == Some(401) => {}
            CreateStatus::Failed(e) => host.with_value(|h| dispatch_error(Some(h), &e)),
            _ => {}
        }
    });
}

fn dispatch_error(target: Option<&web_sys::Element>, e: &ApiError) {
    let d = object(&[
        ("status", JsValue::from(e.status().unwrap_or(0))),
        ("message", text(&e.message())),
    ]);
    dispatch(target, "appreg:error", &d);
}

/// Signs the API requests with the host's token when the host element has a `getToken()` property
/// (asked before every request, so the host can refresh it) or a `data-token` attribute.
pub fn watch_token(host: &web_sys::Element) {
    let has_callback = js_sys::Reflect::get(host, &text("getToken")).is_ok_and(|f| f.is_function());
    if !has_callback && !host.has_attribute("data-token") {
        return;
    }
    let host = host.clone();
    let source: api::TokenSource = Rc::new(move || {
        let host = host.clone();
        Box::pin(async move { host_token(&host).await })
    });
    api::set_token_source(Some(source));
}

async fn host_token(host: &web_sys::Element) -> Option<String> {
    let get = js_sys::Reflect::get(host, &text("getToken")).ok()?;
    if let Some(f) = get.dyn_ref::<js_sys::Function>() {
        let v = f.call0(host).ok()?;
        let v = match v.dyn_into::<js_sys::Promise>() {
            Ok(p) => wasm_bindgen_futures::JsFuture::from(p).await.ok()?,
            Err(v) => v,
        };
        return v.as_string().filter(|t| !t.is_empty());
    }
    host.get_attribute("data-token").filter(|t| !t.is_empty())
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

/// The rules' module is there (it is fetched after the wasm starts: see [`rules`]), else why not.
fn loaded<T>(answer: Option<T>) -> Result<T, JsError> {
    answer.ok_or_else(|| {
        JsError::new(
            "the validators are still loading: await rulesReady() (embed.js does) and call again",
        )
    })
}

/// Resolves when the validators can answer (`/embed.js` awaits it before it exports them).
#[wasm_bindgen(js_name = rulesReady)]
pub async fn rules_ready() -> Result<(), JsError> {
    rules::ready()
        .await
        .map_err(|_| JsError::new("the validators could not be loaded"))
}

/// `validateRedirectUrls("web", '["https://…"]')` → JSON array of checks (one per entry, as one list).
#[wasm_bindgen(js_name = validateRedirectUrls)]
pub fn validate_redirect_urls(template_id: &str, urls_json: &str) -> Result<String, JsError> {
    let t = template(template_id)?;
    let checks = loaded(rules::redirect_list(list(urls_json)?, t))?;
    Ok(Check::list_json(&checks))
}

/// `validateCorsOrigin("https://app.example.com")` → JSON check.
#[wasm_bindgen(js_name = validateCorsOrigin)]
pub fn validate_cors_origin(origin: &str) -> Result<String, JsError> {
    Ok(loaded(rules::cors_origin(origin.to_string()))?.json())
}

/// `validateCorsOrigins('["https://a.example", …]')` → JSON array of checks, as one list.
#[wasm_bindgen(js_name = validateCorsOrigins)]
pub fn validate_cors_origins(origins_json: &str) -> Result<String, JsError> {
    let checks = loaded(rules::cors_list(list(origins_json)?))?;
    Ok(Check::list_json(&checks))
}

/// `validateName("My app")` → JSON check.
#[wasm_bindgen(js_name = validateName)]
pub fn validate_name(name: &str) -> String {
    check_name(name).json()
}

/// `validateEndpointUrl("https://…", true)` → JSON check.
#[wasm_bindgen(js_name = validateEndpointUrl)]
pub fn validate_endpoint_url(url: &str, enabled: bool) -> Result<String, JsError> {
    Ok(loaded(rules::endpoint(url.to_string(), enabled))?.json())
}

/// `matchRedirectUrl('["https://…"]', "https://…/cb")` → JSON `{matched, explanation}`.
#[wasm_bindgen(js_name = matchRedirectUrl)]
pub fn match_redirect_url(registered_json: &str, redirect_uri: &str) -> Result<String, JsError> {
    Ok(out(&loaded(rules::matches(
        list(registered_json)?,
        redirect_uri.to_string(),
    ))?))
}
