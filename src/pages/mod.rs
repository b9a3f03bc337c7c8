//! The pages, one module per area. The wizard is [`crate::wizard`].
//!
//! The pages a developer reaches after Create (the app console, the publish queue, sessions, the
//! Messaging Center, e-mail notifications) are built by [`later`]. In the release build they are a
//! wasm module of their own, fetched the first time one of them is shown, so the first screen (the
//! partner page, sign-in and the wizard) downloads without them: see `docs/performance.md`.

mod app;
mod messages;
mod notifications;
mod partner;
mod review_queue;
mod sessions;
mod sign_in;
mod success;

use leptos::prelude::*;

pub use partner::PartnerPage;
pub use sign_in::SignIn;
pub use success::Created;

/// A page that lives in the module loaded on demand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Later {
    App(String),
    Reviews,
    Sessions,
    Messages,
    Notifications,
    Ticket(String),
}

/// The on-demand module could not be fetched or instantiated (offline without a cached copy, or the
/// server gone); the page says so and offers to try again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotLoaded;

impl From<leptos::wasm_split::SplitLoaderError> for NotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        NotLoaded
    }
}

/// The split point. With `--cfg appreg_split` (set by `build.rs` for `make web`) everything only this
/// function reaches is moved into `split_later.wasm` by `wasm-split-cli`; elsewhere it is a plain call.
#[cfg_attr(
    appreg_split,
    leptos::wasm_split::wasm_split(later, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn later_view(page: Later) -> Result<AnyView, NotLoaded> {
    Ok(match page {
        Later::App(id) => view! { <app::AppPage id=id /> }.into_any(),
        Later::Reviews => view! { <review_queue::PublishQueue /> }.into_any(),
        Later::Sessions => view! { <sessions::Sessions /> }.into_any(),
        Later::Messages => view! { <messages::Messages /> }.into_any(),
        Later::Notifications => view! { <notifications::Notifications /> }.into_any(),
        Later::Ticket(id) => view! { <messages::TicketPage id=id /> }.into_any(),
    })
}

thread_local! {
    static LOADED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a later page has been built before in this visit (its module is there: the next one is
/// drawn at once, with no "Loading…").
pub fn later_loaded() -> bool {
    LOADED.with(|l| l.get())
}

/// The view of a later page, once its module is there.
pub async fn later(page: Later) -> Result<AnyView, NotLoaded> {
    #[cfg(appreg_split)]
    let view = later_view(page).await;
    #[cfg(not(appreg_split))]
    let view = later_view(page);
    if view.is_ok() {
        LOADED.with(|l| l.set(true));
    }
    view
}
