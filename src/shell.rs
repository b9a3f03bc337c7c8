//! The frame around every page: the app root (loading, sign-in or the signed-in shell), the header
//! with the partner switcher and sign out, the offline and queue banners, the draft offer, and the
//! page the route asks for.

use crate::draft::Step;
use crate::pages::Later;
use crate::routes::{Route, Section};
use crate::rules::{self, RulesStatus, Screen};
use crate::state::{use_ctx, Config, CreateStatus, Ctx};
use crate::time::Time;
use crate::{api, pages, sw, ui, wizard};
use leptos::prelude::*;

/// The whole SPA.
#[component]
pub fn App(
    #[prop(optional)] config: Config,
    /// The element the app is mounted in; events are dispatched on it.
    #[prop(optional)]
    host: Option<web_sys::Element>,
) -> impl IntoView {
    let ctx = Ctx::new(&config, host);
    provide_context(ctx);
    let me = ctx.me();
    // Signed out (or the user could not be read): no rules' module to wait for, the worker now.
    Effect::new(move |_| {
        if me.with(|m| matches!(m, Some(Err(_)))) {
            sw::start();
        }
    });
    view! {
        <div class="appreg">
            {move || match me.get() {
                None => view! { <Landmark><p class="loading" role="status">"Loading…"</p></Landmark> }.into_any(),
                Some(Err(e)) if matches!(e.status(), Some(401)) && api::uses_token() => {
                    // The host page owns sign-in: it hears `appreg:signed-out` and passes a new token.
                    let message = "The portal did not accept this page's sign-in. Sign in again on this page, then try again.";
                    view! { <Landmark><Unavailable id="token-refused" message=message.into() /></Landmark> }.into_any()
                }
                Some(Err(e)) if matches!(e.status(), Some(401)) => {
                    view! {
                        <header class="bar">
                            <Brand />
                        </header>
                        <Landmark><pages::SignIn /></Landmark>
                    }
                    .into_any()
                }
                Some(Err(e)) => {
                    view! { <Landmark><Unavailable id="me-failed" message=e.message() /></Landmark> }.into_any()
                }
                Some(Ok(_)) => view! { <Shell /> }.into_any(),
            }}
        </div>
    }
}

/// The user could not be loaded: why, and "Try again" (which reads `/me` again).
#[component]
fn Unavailable(id: &'static str, message: String) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <div class="alert error" role="alert" id=id>
            <p>{message}</p>
            <button type="button" on:click=move |_| ctx.refresh_session()>"Try again"</button>
        </div>
    }
}

/// The signed-in frame: header with partner switcher and sign out, the draft offer, the page.
#[component]
fn Shell() -> impl IntoView {
    let ctx = use_ctx();
    // The URL rules' module, once the first screen is drawn and the browser is idle (the wizard needs
    // it from step 3 on); the service worker once the rules are in (its install then finds their files
    // in the HTTP cache) or could not be fetched.
    Effect::new(|_| ui::when_idle(rules::load));
    Effect::new(|_| {
        if rules::state() != rules::Load::Loading {
            sw::start();
        }
    });
    let sign_out = ui::write(move |_: &()| async move {
        let _ = api::sign_out().await;
        ctx.refresh_session();
    });
    let route = ctx.route();
    // The page to show; every wizard step is one page, so the wizard keeps its state between steps.
    let page = Memo::new(move |_| match route.get() {
        Route::Wizard(_) => Route::Wizard(Step::Template),
        // Every section of one app is one page: the console keeps the app between sections.
        Route::App(id, _) => Route::App(id, Section::Overview),
        r => r,
    });
    let (user, partner) = (ctx.user(), ctx.partner());
    let partners = Memo::new(move |_| user.get().map(|m| m.partners).unwrap_or_default());
    let manager = Memo::new(move |_| user.with(|m| m.as_ref().is_some_and(|m| m.app_manager)));
    let (online, status) = (ctx.online(), ctx.status());
    view! {
        <header class="bar">
            <Brand />
            <Show when=move || { partners.with(|p| p.len() > 1) }>
                <label class="switcher">
                    <span>"Partner"</span>
                    <select
                        id="partner-switcher"
                        on:change=move |ev| ctx.choose_partner(event_target_value(&ev))
                    >
                        {move || {
                            let current = partner.get().map(|p| p.id);
                            partners
                                .get()
                                .into_iter()
                                .map(|p| {
                                    let selected = current.as_deref() == Some(p.id.as_str());
                                    view! {
                                        <option value=p.id.clone() selected=selected>
                                            {p.name}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </label>
            </Show>
            <Show when=move || manager.get()>
                <a href=Route::Reviews.href() id="reviews-link">"Publish requests"</a>
            </Show>
            <MessagesLink page=page />
            <span class="who">{move || user.get().map(|m| m.user.name)}</span>
            <a href=Route::Sessions.href() id="sessions-link">"Sessions"</a>
            <a href=Route::Notifications.href() id="notifications-link">"E-mails"</a>
            // With the host's token, signing out is the host page's business.
            {(!api::uses_token()).then(|| view! {
                <button type="button" class="link" on:click=move |_| { sign_out.dispatch(()); }>
                    "Sign out"
                </button>
            })}
        </header>
        <Landmark>
        <UpdatePrompt />
        {move || (!online.get()).then(|| view! {
            <p class="alert offline" role="status">
                "You are offline. Every step still checks your input, and your draft is saved on this device."
            </p>
        })}
        <StoredNote />
        {move || {
            let elsewhere = !matches!(route.get(), Route::Wizard(_));
            (elsewhere && status.get() == CreateStatus::Queued).then(|| view! {
                <p class="alert queued" role="status" id="queued-banner">
                    "An application is queued. It is created once, automatically, when the connection is back."
                </p>
            })
        }}
        <ResumeOffer />
        {move || match page.get() {
            Route::Home if manager.get() && partners.with(Vec::is_empty) => {
                view! { <LaterPage page=Later::Reviews /> }.into_any()
            }
            Route::Home => view! { <pages::PartnerPage /> }.into_any(),
            Route::Wizard(_) => view! { <wizard::Wizard /> }.into_any(),
            Route::Created(id) => view! { <CreatedPage id=id /> }.into_any(),
            Route::App(id, _) => view! { <LaterPage page=Later::App(id) /> }.into_any(),
            Route::Reviews => view! { <LaterPage page=Later::Reviews /> }.into_any(),
            Route::Sessions => view! { <LaterPage page=Later::Sessions /> }.into_any(),
            Route::Messages => view! { <LaterPage page=Later::Messages /> }.into_any(),
            Route::Notifications => view! { <LaterPage page=Later::Notifications /> }.into_any(),
            Route::Ticket(id) => view! { <LaterPage page=Later::Ticket(id) /> }.into_any(),
        }}
        </Landmark>
    }
}

/// The success page, drawn by the rules' module ([`rules::screen`]; it is there by the time an app is
/// created, but not yet when the page is opened anew by its address).
#[component]
fn CreatedPage(id: String) -> impl IntoView {
    move || {
        rules::screen(Screen::Created(id.clone())).unwrap_or_else(|| {
            view! {
                <RulesStatus
                    loading="Loading…"
                    failed="This page could not be loaded. Check your connection, then try again."
                />
            }
            .into_any()
        })
    }
}

/// A page of the on-demand module ([`pages::later`]): "Loading…" while the module arrives (the first
/// such page of a visit only), then the page; if the module cannot be fetched, an alert with "Try again".
#[component]
fn LaterPage(page: Later) -> impl IntoView {
    let attempt = RwSignal::new(0u32);
    let waiting = RwSignal::new(!pages::later_loaded());
    let failed = RwSignal::new(false);
    view! {
        {move || waiting.get().then(|| view! { <p class="loading" role="status">"Loading…"</p> })}
        {move || failed.get().then(|| view! {
            <div class="alert error" role="alert" id="later-unavailable">
                <p>"This page could not be loaded. Check your connection, then try again."</p>
                <button type="button" on:click=move |_| attempt.update(|n| *n += 1)>"Try again"</button>
            </div>
        })}
        {move || {
            attempt.track();
            let page = page.clone();
            Suspend::new(async move {
                waiting.set(!pages::later_loaded());
                failed.set(false);
                let view = pages::later(page).await;
                waiting.set(false);
                failed.set(view.is_err());
                view.ok()
            })
        }}
    }
}

/// The portal's name: a link home when the SPA owns the page (each page's own title is its one
/// `<h1>`); inside a host page, plain text.
#[component]
fn Brand() -> impl IntoView {
    if use_ctx().standalone() {
        view! { <a class="brand" href=Route::Home.href()>"Developer Portal"</a> }.into_any()
    } else {
        view! { <strong class="brand">"Developer Portal"</strong> }.into_any()
    }
}

/// The page's main landmark when the SPA owns the page; a plain `<div>` inside a host page, whose own
/// `<main>` already holds it (a second `<main>` would be nested in the host's).
#[component]
fn Landmark(children: Children) -> impl IntoView {
    if use_ctx().standalone() {
        view! { <main class="appreg-main">{children()}</main> }.into_any()
    } else {
        view! { <div class="appreg-main">{children()}</div> }.into_any()
    }
}

/// "A new version is available — Reload": a new build is installed; the page switches to it (all of
/// its files at once) only when the user chooses to.
#[component]
fn UpdatePrompt() -> impl IntoView {
    let ready = use_ctx().update_ready();
    move || {
        ready.get().then(|| {
            view! {
                <div class="alert update" role="status" id="update-prompt">
                    <p>
                        "A new version is available. "
                        "Your draft is saved on this device and stays after reloading."
                    </p>
                    <button type="button" class="primary" id="update-reload" on:click=move |_| sw::apply_update()>
                        "Reload"
                    </button>
                </div>
            }
        })
    }
}

/// The signed-in data came from this device's offline copy: say from when.
#[component]
fn StoredNote() -> impl IntoView {
    let stored = use_ctx().stored_at();
    move || {
        let at = stored.get()?;
        Some(view! {
            <p class="alert offline" role="status" id="stored-note">
                "You see your account and apps as saved on this device "
                <Time iso=at />
                ". Changes made since then appear when the connection is back."
            </p>
        })
    }
}

/// "Resume your draft?" after a reload.
#[component]
fn ResumeOffer() -> impl IntoView {
    let ctx = use_ctx();
    let resume = ctx.resume();
    move || {
        let saved = resume.get()?;
        let name = if saved.name.trim().is_empty() {
            saved
                .template
                .map(|t| t.title().to_string())
                .unwrap_or_default()
        } else {
            saved.name.clone()
        };
        Some(view! {
            <section class="alert resume" role="region" aria-labelledby="resume-title">
                <h2 id="resume-title">"Resume your draft?"</h2>
                <p>"You have an unfinished app registration: " <strong>{name}</strong> "."</p>
                <div class="actions">
                    <button type="button" class="primary" id="resume-draft" on:click=move |_| ctx.resume_draft()>
                        "Resume"
                    </button>
                    <button type="button" id="discard-draft" on:click=move |_| ctx.discard_saved_draft()>
                        "Discard"
                    </button>
                </div>
            </section>
        })
    }
}

/// "Messages" in the header, with the number of unread conversations.
#[component]
fn MessagesLink(
    /// The page shown: the count is read again when it changes (reading a ticket marks it read), not
    /// at every step of the wizard or section of the console.
    page: Memo<Route>,
) -> impl IntoView {
    // Read once the browser is idle: the first screen does not wait for it.
    let idle = RwSignal::new(false);
    ui::when_idle(move || {
        idle.try_set(true);
    });
    view! {
        <a href=Route::Messages.href() id="messages-link">
            "Messages"
            {move || idle.get().then(|| view! { <UnreadCount page=page /> })}
        </a>
    }
}

/// The number of unread conversations, next to "Messages" when there are any.
#[component]
fn UnreadCount(page: Memo<Route>) -> impl IntoView {
    let counts = ui::read(move || {
        page.track();
        api::unread_tickets()
    });
    let unread = move || counts.get().and_then(Result::ok).map_or(0, |c| c.total);
    move || {
        (unread() > 0).then(|| view! { " "<span class="badge expiring" id="unread-count">{unread()}<span class="visually-hidden">" unread"</span></span> })
    }
}
