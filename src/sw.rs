//! The service worker's page side (the worker itself is `crates/server/assets/sw.js`, served as
//! `/sw.js`): registers it when the SPA owns the page, says when a new build is ready ("A new version
//! is available — Reload") and switches to it only when the user asks, and hands "Create Application"
//! requests queued offline to it for Background Sync.

use js_sys::Reflect;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

thread_local! {
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
    /// The user chose "Reload": the page reloads once the new worker controls it.
    static RELOADING: Cell<bool> = const { Cell::new(false) };
    /// The registration [`register`] prepared, until [`start`] runs it.
    static PENDING: RefCell<Option<Box<dyn FnOnce()>>> = const { RefCell::new(None) };
}

/// How often an open page asks whether a new build was deployed.
const UPDATE_CHECK: Duration = Duration::from_secs(10 * 60);

fn container() -> Option<ServiceWorkerContainer> {
    let nav = web_sys::window()?.navigator();
    // Absent on plain http pages other than localhost, and in some private modes.
    Reflect::has(&nav, &"serviceWorker".into())
        .unwrap_or(false)
        .then(|| nav.service_worker())
}

/// A message to the worker: a plain object of text fields (the object `embed` builds event details with).
fn message(fields: &[(&str, &str)]) -> JsValue {
    let fields: Vec<(&str, JsValue)> = fields
        .iter()
        .map(|(k, v)| (*k, JsValue::from_str(v)))
        .collect();
    crate::embed::object(&fields)
}

/// Prepares the registration of `/sw.js`, which [`start`] makes once the first screen is up (the
/// worker's install fetches every file of the build: at boot it competed with the first screen for the
/// CPU and, on a slow link, with the rules' module for the bytes). `update_ready` becomes true when a
/// new build is installed and waiting; `flush` runs when the worker asks the page to send its queue (a
/// Background Sync while it is open).
pub fn register(update_ready: RwSignal<bool>, flush: impl Fn() + 'static) {
    let Some(c) = container() else { return };
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let kind = Reflect::get(&ev.data(), &"type".into())
                .ok()
                .and_then(|v| v.as_string());
            if kind.as_deref() == Some("flush") {
                flush();
            }
        });
    c.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let on_change = Closure::<dyn Fn()>::new(move || {
        if RELOADING.get() {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        }
    });
    c.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();
    let register = move || {
        let registering = c.register("/sw.js");
        leptos::task::spawn_local(async move {
            let Ok(reg) = wasm_bindgen_futures::JsFuture::from(registering).await else {
                return;
            };
            // A browser that blocks workers (a policy, an automation flag) may resolve with nothing.
            let Ok(reg) = reg.dyn_into::<ServiceWorkerRegistration>() else {
                return;
            };
            watch(&c, &reg, update_ready);
            REGISTRATION.with(|r| *r.borrow_mut() = Some(reg));
        });
    };
    PENDING.with(|p| *p.borrow_mut() = Some(Box::new(register)));
}

/// Registers the worker [`register`] prepared (once; nothing when none was prepared: a host page's).
pub fn start() {
    if let Some(register) = PENDING.with(|p| p.borrow_mut().take()) {
        register();
    }
}

/// A new worker that installed while this page is controlled by an older one is a new build.
fn watch(c: &ServiceWorkerContainer, reg: &ServiceWorkerRegistration, ready: RwSignal<bool>) {
    let controlled = {
        let c = c.clone();
        move || c.controller().is_some()
    };
    if reg.waiting().is_some() && controlled() {
        ready.set(true);
    }
    let r = reg.clone();
    let on_found = Closure::<dyn Fn()>::new(move || {
        let Some(worker) = r.installing() else { return };
        let w = worker.clone();
        let controlled = controlled.clone();
        let on_state = Closure::<dyn Fn()>::new(move || {
            if w.state() == ServiceWorkerState::Installed && controlled() {
                ready.set(true);
            }
        });
        worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
        on_state.forget();
    });
    reg.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
    on_found.forget();
    let r = reg.clone();
    let _ = set_interval_with_handle(
        move || {
            let _ = r.update();
        },
        UPDATE_CHECK,
    );
}

/// "Reload": the waiting worker takes over, then the page reloads with the new build's files only.
pub fn apply_update() {
    RELOADING.set(true);
    let waiting = REGISTRATION.with(|r| r.borrow().as_ref().and_then(|r| r.waiting()));
    match waiting {
        Some(w) => {
            let _ = w.post_message(&message(&[("type", "skip-waiting")]));
        }
        None => {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        }
    }
}

fn tell_worker(msg: &JsValue) {
    if let Some(w) = container().and_then(|c| c.controller()) {
        let _ = w.post_message(msg);
    }
}

/// Hands a queued "Create Application" to the worker, which sends it by Background Sync if no page
/// of the app is open when the network is back (with the same idempotency key).
pub fn queue(key: &str, url: &str, body: &str) {
    tell_worker(&message(&[
        ("type", "queue"),
        ("key", key),
        ("url", url),
        ("body", body),
    ]));
}

/// The page sent (or the server refused) a queued request: the worker forgets its copy.
pub fn sent(key: &str) {
    tell_worker(&message(&[("type", "sent"), ("key", key)]));
}
