//! The SPA's own routes: hash URLs, so the app works inside any host page and from `dist/`.
//! (Every REST path lives in [`crate::api`].)

use crate::draft::Step;
use wasm_bindgen::JsValue;

/// Where the user is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The partner page of the current partner (or sign-in).
    Home,
    /// The wizard at one step.
    Wizard(Step),
    /// The success page after creation.
    Created(String),
    /// The app page.
    App(String),
    /// The app manager's queue of pending publish requests.
    Reviews,
    /// My sessions (the user menu).
    Sessions,
}

impl Route {
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let mut parts = path.split('/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("new"), Some(step), _) => Step::from_slug(step)
                .map(Route::Wizard)
                .unwrap_or(Route::Wizard(Step::Template)),
            (Some("new"), None, _) => Route::Wizard(Step::Template),
            (Some("apps"), Some(id), Some("created")) if !id.is_empty() => {
                Route::Created(id.to_string())
            }
            (Some("apps"), Some(id), _) if !id.is_empty() => Route::App(id.to_string()),
            (Some("publish-requests"), _, _) => Route::Reviews,
            (Some("sessions"), _, _) => Route::Sessions,
            _ => Route::Home,
        }
    }

    pub fn href(&self) -> String {
        match self {
            Route::Home => "#/".into(),
            Route::Wizard(step) => format!("#/new/{}", step.slug()),
            Route::Created(id) => format!("#/apps/{id}/created"),
            Route::App(id) => format!("#/apps/{id}"),
            Route::Reviews => "#/publish-requests".into(),
            Route::Sessions => "#/sessions".into(),
        }
    }

    /// A section of the app page (`#/apps/{id}/{section}`), for the success page's links.
    pub fn app_section(id: &str, section: &str) -> String {
        format!("#/apps/{id}/{section}")
    }
}

/// The section of the app page the address asks for (`#/apps/{id}/{section}`).
pub fn current_section() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let mut parts = hash.trim_start_matches("#/").split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("apps"), Some(_), Some(s)) if !s.is_empty() && s != "created" => Some(s.to_string()),
        _ => None,
    }
}

/// The current hash route of the page.
pub fn current_route() -> Route {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| Route::parse(&h))
        .unwrap_or(Route::Home)
}

/// Writes a route into the address bar (a history entry, or a replacement).
pub fn write_route(route: &Route, replace: bool) {
    let Some(w) = web_sys::window() else { return };
    let href = route.href();
    if w.location().hash().ok().as_deref() == Some(href.as_str()) {
        return;
    }
    if replace {
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&href));
        }
    } else {
        let _ = w.location().set_hash(&href);
    }
}
