//! appreg-web: the Register-an-app wizard (Leptos, client-side rendered).
//!
//! Layout: [`api`] is the only module that knows REST paths and fetches (gloo-net, behind a transport
//! seam the tests replace); [`routes`] owns the hash routes; [`state`] holds the app-wide [`Ctx`];
//! [`draft`] holds the wizard's data and maps core findings onto steps; [`store`] persists the draft
//! and [`outbox`] the offline queue; [`embed`] mounts into a host page, dispatches its DOM events and
//! exports the core validators to JavaScript. [`shell`] is the frame, [`pages`] the pages by area,
//! [`wizard`] the wizard by step, [`ui`] the shared pieces. Every validation rule is a call into
//! `appreg_core`.

pub mod api;
pub mod confirm;
pub mod draft;
pub mod embed;
pub mod list_editor;
pub mod outbox;
pub mod pages;
pub mod routes;
pub mod shell;
pub mod state;
pub mod store;
pub mod time;
pub mod ui;
pub mod wizard;

use leptos::prelude::*;
pub use shell::App;
pub use state::{use_ctx, Config, CreateStatus, Ctx};

/// Mounts the SPA into `#appreg` when the page has one (reading `data-api-base` and `data-partner`),
/// else into `<body>`.
pub fn boot() {
    let doc = document();
    match doc.get_element_by_id("appreg") {
        Some(el) => {
            let config = Config {
                api_base: el.get_attribute("data-api-base").unwrap_or_default(),
                partner: el.get_attribute("data-partner").filter(|p| !p.is_empty()),
            };
            let host: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(el.clone());
            leptos::mount::mount_to(host, move || view! { <App config=config host=el /> }).forget();
        }
        None => {
            if let Some(body) = doc.body() {
                let el = web_sys::Element::from(body.clone());
                leptos::mount::mount_to(body, move || view! { <App host=el /> }).forget();
            }
        }
    }
}
