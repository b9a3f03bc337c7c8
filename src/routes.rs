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
    /// The app console at one of its sections.
    App(String, Section),
    /// The app manager's queue of pending publish requests.
    Reviews,
    /// My sessions (the user menu).
    Sessions,
    /// The Messaging Center.
    Messages,
    /// My e-mail notifications (the user menu).
    Notifications,
    /// One conversation of the Messaging Center.
    Ticket(String),
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
            (Some("apps"), Some(id), section) if !id.is_empty() => {
                Route::App(id.to_string(), Section::from_slug(section.unwrap_or("")))
            }
            (Some("publish-requests"), _, _) => Route::Reviews,
            (Some("sessions"), _, _) => Route::Sessions,
            (Some("messages"), Some(id), _) if !id.is_empty() => Route::Ticket(id.to_string()),
            (Some("messages"), _, _) => Route::Messages,
            (Some("notifications"), _, _) => Route::Notifications,
            _ => Route::Home,
        }
    }

    pub fn href(&self) -> String {
        match self {
            Route::Home => "#/".into(),
            Route::Wizard(step) => format!("#/new/{}", step.slug()),
            Route::Created(id) => format!("#/apps/{id}/created"),
            Route::App(id, Section::Overview) => format!("#/apps/{id}"),
            Route::App(id, s) => format!("#/apps/{id}/{}", s.slug()),
            Route::Reviews => "#/publish-requests".into(),
            Route::Sessions => "#/sessions".into(),
            Route::Messages => "#/messages".into(),
            Route::Notifications => "#/notifications".into(),
            Route::Ticket(id) => format!("#/messages/{id}"),
        }
    }
}

/// The sections of the app console (`#/apps/{id}/{section}`), in the order of its navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Overview,
    Authentication,
    Integration,
    Keys,
    Versions,
    Publishing,
    Changes,
    /// Standard apps only.
    AppStore,
    Settings,
}

impl Section {
    pub const ALL: [Section; 9] = [
        Section::Overview,
        Section::Authentication,
        Section::Integration,
        Section::Keys,
        Section::Versions,
        Section::Publishing,
        Section::Changes,
        Section::AppStore,
        Section::Settings,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Section::Overview => "overview",
            Section::Authentication => "authentication",
            Section::Integration => "integration",
            Section::Keys => "keys",
            Section::Versions => "versions",
            Section::Publishing => "publishing",
            Section::Changes => "changes",
            Section::AppStore => "app-store",
            Section::Settings => "settings",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Section::Overview => "Overview",
            Section::Authentication => "Authentication",
            Section::Integration => "Integration",
            Section::Keys => "Keys",
            Section::Versions => "Versions",
            Section::Publishing => "Publishing",
            Section::Changes => "Change log",
            Section::AppStore => "App Store",
            Section::Settings => "Settings",
        }
    }

    /// A section by its slug; the older addresses (`urls`, `secrets`, `certificates`, `publish`,
    /// `app-store`) still lead to the section that now holds them, anything else to the overview.
    pub fn from_slug(slug: &str) -> Section {
        match slug {
            "authentication" | "urls" => Section::Authentication,
            "integration" | "endpoints" => Section::Integration,
            "keys" | "secrets" | "certificates" => Section::Keys,
            "versions" => Section::Versions,
            "publishing" | "publish" => Section::Publishing,
            "app-store" => Section::AppStore,
            "changes" => Section::Changes,
            "settings" => Section::Settings,
            _ => Section::Overview,
        }
    }
}

/// [`write_route`] in the next task, once the new page is drawn: a history entry costs the browser
/// 5–10 ms of its own work on the page being left (measured on a first visit's Next, where it came
/// before the name step was drawn). The app's route is its state; the address follows it.
pub fn write_route_soon(route: Route, replace: bool) {
    leptos::prelude::set_timeout(
        move || write_route(&route, replace),
        std::time::Duration::ZERO,
    );
}

/// The current hash route of the page.
pub fn current_route() -> Route {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| Route::parse(&h))
        .unwrap_or(Route::Home)
}

/// Writes a route into the address bar (a history entry, or a replacement), through the History API:
/// setting `location.hash` would also fire `hashchange` for a route the app is already on, and have the
/// browser look for an element with that id to scroll to. Back and Forward still fire `hashchange`,
/// which [`Ctx`](crate::Ctx) listens to.
pub fn write_route(route: &Route, replace: bool) {
    let Some(w) = web_sys::window() else { return };
    let href = route.href();
    if w.location().hash().ok().as_deref() == Some(href.as_str()) {
        return;
    }
    if let Ok(h) = w.history() {
        let _ = if replace {
            h.replace_state_with_url(&JsValue::NULL, "", Some(&href))
        } else {
            h.push_state_with_url(&JsValue::NULL, "", Some(&href))
        };
    }
}
