//! The core's URL rules (redirect URLs, endpoints, CORS origins, the redirect matcher, and the whole
//! registration, which includes them) behind one call, [`judge`], and the screens that need them (the
//! wizard's steps after Name, the success page) behind another, [`draw`]. [`judge`] also sends the
//! offline queue ([`send_queue`]), whose code a first visit does not need either.
//!
//! The rules need `url` with its IDNA tables and `regex-lite`, which the first screens (sign-in, the
//! partner page, the wizard's template and name steps) do not. In the release build both calls are
//! split points of one wasm module, `rules`: [`load`] fetches it once the app is on screen, while the
//! user picks a template and types a name. Until it is there [`state`] is [`Load::Loading`], every
//! question here answers `None`, and the screens that wait say so ([`RulesStatus`]). The verdicts are
//! the core's own: the browser runs the same code as the server. In every other build (tests, clippy,
//! `trunk serve`) both are plain calls and the state is always [`Load::Ready`].

use crate::draft::Step;
use crate::pages::NotLoaded;
use crate::state::Ctx;
use crate::wizard::W;
use appreg_core::api::CreateApplication;
use appreg_core::{
    check_cors_list, check_cors_origin, check_endpoint_url, check_redirect_list, match_redirect,
    validate_registration, Check, MatchOutcome, Template, Validated,
};
use leptos::prelude::*;

/// Whether the rules' module is there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Load {
    Loading,
    Ready,
    /// It could not be fetched (offline without a cached copy, the server gone): [`load`] again.
    Failed,
}

/// A question for the rules.
pub enum Ask {
    Registration(CreateApplication),
    RedirectList(Vec<String>, Template),
    Endpoint(String, bool),
    CorsOrigin(String),
    CorsList(Vec<String>),
    Match(Vec<String>, String),
    /// Send the offline queue ([`send_queue`]).
    SendQueue(Ctx),
}

/// The rules' answer to an [`Ask`] of the same name.
pub enum Answer {
    Validated(Validated),
    Checks(Vec<Check>),
    Check(Check),
    Match(MatchOutcome),
    /// The queue is being sent.
    Sending,
}

/// A split point: with `--cfg appreg_split` everything only this and [`draw`] reach (the URL parser,
/// IDNA, the regex engine, the redirect, endpoint and CORS rules) is moved to the module `rules`.
#[cfg_attr(
    appreg_split,
    leptos::wasm_split::wasm_split(
        rules,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(fetch_rules)
    )
)]
fn judge(ask: Ask) -> Result<Answer, NotLoaded> {
    Ok(match ask {
        Ask::Registration(p) => Answer::Validated(validate_registration(&p)),
        Ask::RedirectList(urls, t) => Answer::Checks(check_redirect_list(&urls, t)),
        Ask::Endpoint(url, enabled) => Answer::Check(check_endpoint_url(&url, enabled)),
        Ask::CorsOrigin(origin) => Answer::Check(check_cors_origin(&origin)),
        Ask::CorsList(origins) => Answer::Checks(check_cors_list(&origins)),
        Ask::Match(registered, uri) => Answer::Match(match_redirect(&registered, &uri)),
        Ask::SendQueue(ctx) => {
            ctx.send_queue();
            Answer::Sending
        }
    })
}

/// A screen that needs the rules. (Built and moved once per screen drawn: the size of `W` is no cost.)
#[allow(clippy::large_enum_variant)]
pub(crate) enum Screen {
    /// A wizard step after Name.
    Step(Step, W),
    /// The success page of a new app.
    Created(String),
}

/// The other split point, in the same module as [`judge`].
#[cfg_attr(
    appreg_split,
    leptos::wasm_split::wasm_split(
        rules,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(fetch_screens)
    )
)]
fn draw(screen: Screen) -> Result<AnyView, NotLoaded> {
    Ok(match screen {
        Screen::Step(step, w) => crate::wizard::later_step(step, w),
        Screen::Created(id) => view! { <crate::pages::Created id=id /> }.into_any(),
    })
}

thread_local! {
    // Not owned by any component: it lives as long as the page.
    static STATE: ArcRwSignal<Load> = ArcRwSignal::new(if cfg!(appreg_split) {
        Load::Loading
    } else {
        Load::Ready
    });
}

/// Whether the rules are there (tracked: a memo that asks it runs again when they arrive).
pub fn state() -> Load {
    STATE.with(|s| s.get())
}

#[cfg(appreg_split)]
fn set(to: Load) {
    STATE.with(|s| s.set(to));
}

/// Fetches the rules' module (again, after a failure). The release build calls it once the app is
/// on screen; elsewhere there is nothing to fetch.
pub fn load() {
    #[cfg(appreg_split)]
    if STATE.with(|s| s.get_untracked()) != Load::Ready {
        set(Load::Loading);
        leptos::task::spawn_local(async {
            if ready().await.is_err() {
                set(Load::Failed);
            }
        });
    }
}

/// Resolves once the rules are there (for `/embed.js`, whose validators are synchronous).
pub async fn ready() -> Result<(), NotLoaded> {
    #[cfg(appreg_split)]
    {
        fetch().await?;
        set(Load::Ready);
    }
    Ok(())
}

/// The module, through both split points: each keeps its own record of it being there, and both
/// must say so before a call to either can be answered at once.
#[cfg(appreg_split)]
async fn fetch() -> Result<(), NotLoaded> {
    fetch_rules().await?;
    fetch_screens().await?;
    Ok(())
}

/// The answer of a split call whose module is in: its future is ready at the first poll.
#[cfg(appreg_split)]
fn now<T>(call: impl std::future::Future<Output = Result<T, NotLoaded>>) -> Option<T> {
    use std::task::{Context, Poll, Waker};
    let mut call = std::pin::pin!(call);
    match call.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(answer) => answer.ok(),
        Poll::Pending => None,
    }
}

/// A screen, once the module is there (tracked: `None` until then).
pub(crate) fn screen(s: Screen) -> Option<AnyView> {
    if state() != Load::Ready {
        return None;
    }
    #[cfg(appreg_split)]
    return now(draw(s));
    #[cfg(not(appreg_split))]
    draw(s).ok()
}

/// While the module is not there: `loading` (a status), or `failed` with Try again (an alert).
#[component]
pub fn RulesStatus(loading: &'static str, failed: &'static str) -> impl IntoView {
    move || match state() {
        Load::Ready => None,
        Load::Loading => Some(
            view! { <p class="loading" role="status" id="rules-loading">{loading}</p> }.into_any(),
        ),
        Load::Failed => Some(
            view! {
                <div class="alert error" role="alert" id="rules-unavailable">
                    <p>{failed}</p>
                    <button type="button" on:click=|_| load()>"Try again"</button>
                </div>
            }
            .into_any(),
        ),
    }
}

/// Asks the rules, when they are there: at once, not at a later turn of the event loop ([`now`]).
fn ask(q: Ask) -> Option<Answer> {
    if state() != Load::Ready {
        return None;
    }
    #[cfg(appreg_split)]
    return now(judge(q));
    #[cfg(not(appreg_split))]
    judge(q).ok()
}

/// Sends the offline queue of "Create Application" requests. Its code (reading the queue, sending,
/// handling the answers) is in this module, not the first download: a first visit rarely has a
/// queue. The module is fetched for it if it is not there yet; if it cannot be, the queue waits for
/// the next reason to send it (back online, the service worker, "Try again now").
pub(crate) fn send_queue(ctx: Ctx) {
    #[cfg(appreg_split)]
    leptos::task::spawn_local(async move {
        let _ = judge(Ask::SendQueue(ctx)).await;
    });
    #[cfg(not(appreg_split))]
    let _ = judge(Ask::SendQueue(ctx));
}

/// The core's verdict on a whole registration.
pub fn registration(p: CreateApplication) -> Option<Validated> {
    match ask(Ask::Registration(p))? {
        Answer::Validated(v) => Some(v),
        _ => None,
    }
}

/// The redirect URL list, judged as one list.
pub fn redirect_list(urls: Vec<String>, t: Template) -> Option<Vec<Check>> {
    checks(ask(Ask::RedirectList(urls, t))?)
}

/// One integration endpoint.
pub fn endpoint(url: String, enabled: bool) -> Option<Check> {
    check(ask(Ask::Endpoint(url, enabled))?)
}

/// One CORS origin.
pub fn cors_origin(origin: String) -> Option<Check> {
    check(ask(Ask::CorsOrigin(origin))?)
}

/// CORS origins, judged as one list.
pub fn cors_list(origins: Vec<String>) -> Option<Vec<Check>> {
    checks(ask(Ask::CorsList(origins))?)
}

/// What a sign-in with `uri` would match among the registered redirect URLs.
pub fn matches(registered: Vec<String>, uri: String) -> Option<MatchOutcome> {
    match ask(Ask::Match(registered, uri))? {
        Answer::Match(m) => Some(m),
        _ => None,
    }
}

fn check(a: Answer) -> Option<Check> {
    match a {
        Answer::Check(c) => Some(c),
        _ => None,
    }
}

fn checks(a: Answer) -> Option<Vec<Check>> {
    match a {
        Answer::Checks(c) => Some(c),
        _ => None,
    }
}
