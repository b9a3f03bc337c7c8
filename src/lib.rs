//! appreg-web: the Register-an-app wizard (Leptos, client-side rendered).
//!
//! Layout: [`api`] is the only module that knows REST paths and fetches (gloo-net, behind a transport
//! seam the tests replace); [`routes`] owns the hash routes; [`state`] holds the app-wide [`Ctx`];
//! [`draft`] holds the wizard's data and maps core findings onto steps; [`store`] persists the draft
//! and [`outbox`] the offline queue; [`embed`] mounts into a host page, dispatches its DOM events and
//! exports the core validators to JavaScript. [`shell`] is the frame, [`pages`] the pages by area,
//! [`wizard`] the wizard by step, [`ui`] the shared pieces. Every validation rule is a call into
//! `appreg_core`; the URL rules go through [`rules`], which the release build loads after the first
//! screen.

pub mod api;
pub mod confirm;
pub mod draft;
pub mod embed;
pub mod list_editor;
pub mod outbox;
pub mod pages;
pub mod routes;
pub mod rules;
pub mod shell;
pub mod state;
pub mod store;
pub mod sw;
pub mod time;
pub mod ui;
pub mod wizard;

use leptos::prelude::*;
pub use shell::App;
pub use state::{use_ctx, Config, CreateStatus, Ctx};

/// Mounts the SPA: into the shadow root that `/embed.js` prepared on its host element (marked
/// `data-appreg-host`), else into `#appreg` of a host page, else into `<body>`. The host element's
/// data-attributes configure it ([`Config::from_host`]).
pub fn boot() {
    let doc = document();
    let host = doc
        .query_selector("[data-appreg-host]")
        .ok()
        .flatten()
        .or_else(|| doc.get_element_by_id("appreg"));
    match host {
        Some(el) => {
            let config = Config::from_host(&el);
            let shadow = el.shadow_root();
            let target = shadow
                .as_ref()
                .and_then(|r| r.query_selector(".appreg-mount").ok().flatten())
                .unwrap_or_else(|| el.clone());
            ui::set_root(shadow);
            embed::watch_token(&el);
            let target: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(target);
            leptos::mount::mount_to(target, move || view! { <App config=config host=el /> })
                .forget();
        }
        None => {
            if let Some(body) = doc.body() {
                let el = web_sys::Element::from(body.clone());
                leptos::mount::mount_to(body, move || view! { <App host=el /> }).forget();
            }
        }
    }
}
