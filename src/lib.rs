//! appreg-web: the Register-an-app wizard (Leptos, client-side rendered).
//!
//! Layout: [`api`] is the only module that knows URLs and fetches; [`draft`] holds the wizard state and
//! maps core findings onto steps; [`store`] persists the draft and the offline queue; [`embed`] mounts
//! into a host page, dispatches its DOM events and exports the core validators to JavaScript. The pages
//! live in [`pages`] and [`wizard`]. Every validation rule is a call into `appreg_core`.

pub mod api;
pub mod draft;
pub mod embed;
pub mod pages;
pub mod store;
pub mod ui;
pub mod wizard;

use api::{ApiError, Route};
use appreg_core::api::{Application, Me, PartnerMembership};
use draft::Draft;
use leptos::prelude::*;
use store::Sent;

/// How the SPA was started: from the host element's `data-api-base` and `data-partner`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pub api_base: String,
    pub partner: Option<String>,
}

/// What happened to the last "Create Application".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CreateStatus {
    Idle,
    Sending,
    /// Waiting for the network; sent once when the browser is back online.
    Queued,
    Failed(ApiError),
}

/// The app-wide state, shared through context. Everything else is derived from it with memos.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub route: RwSignal<Route>,
    pub me: LocalResource<Result<Me, ApiError>>,
    pub user: Memo<Option<Me>>,
    pub partner: Memo<Option<PartnerMembership>>,
    pub partner_choice: RwSignal<Option<String>>,
    pub draft: RwSignal<Draft>,
    pub resume: RwSignal<Option<Draft>>,
    pub created: RwSignal<Option<Application>>,
    pub status: RwSignal<CreateStatus>,
    pub online: RwSignal<bool>,
    pub host: StoredValue<Option<web_sys::Element>, LocalStorage>,
}

impl Ctx {
    pub fn navigate(&self, route: Route) {
        api::write_route(&route, false);
        self.route.set(route);
    }

    pub fn replace(&self, route: Route) {
        api::write_route(&route, true);
        self.route.set(route);
    }

    /// Sends the queued "Create Application" requests (once each) and handles the answers.
    pub fn flush_queue(self) {
        if store::load_queue().is_empty() {
            return;
        }
        self.status.set(CreateStatus::Sending);
        leptos::task::spawn_local(async move {
            let results = store::flush(|q| async move {
                api::create_application(&q.partner, &q.key, &q.body).await
            })
            .await;
            for r in results {
                match r {
                    Sent::Created(_, app) => self.on_created(*app),
                    Sent::Refused(_, e) => {
                        // Nothing was created: a corrected draft gets a fresh idempotency key.
                        self.draft.update(|d| d.key = draft::new_key());
                        self.status.set(CreateStatus::Failed(e));
                    }
                }
            }
            if !store::load_queue().is_empty() {
                self.status.set(CreateStatus::Queued);
            } else if self.status.get_untracked() == CreateStatus::Sending {
                self.status.set(CreateStatus::Idle);
            }
        });
    }

    /// Drops the saved draft and starts a fresh one for the same partner and signed-in user.
    fn reset_draft(&self) {
        let partner = self.draft.with_untracked(|d| d.partner.clone());
        let contact = self
            .user
            .with_untracked(|u| u.as_ref().map(|m| m.user.email.clone()).unwrap_or_default());
        store::clear_draft();
        self.draft.set(Draft::new(&partner, &contact));
    }

    fn on_created(&self, app: Application) {
        self.reset_draft();
        self.status.set(CreateStatus::Idle);
        embed::dispatch_created(self.host.get_value().as_ref(), &app);
        let id = app.id.clone();
        self.created.set(Some(app));
        self.navigate(Route::Created(id));
    }

    /// Leaves the wizard: drops the draft and tells the host page.
    pub fn cancel(&self) {
        self.reset_draft();
        embed::dispatch_cancelled(self.host.get_value().as_ref());
        self.navigate(Route::Home);
    }
}

pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

/// The whole SPA.
#[component]
pub fn App(
    #[prop(optional)] config: Config,
    /// The element the app is mounted in; events are dispatched on it.
    #[prop(optional)]
    host: Option<web_sys::Element>,
) -> impl IntoView {
    api::set_base(&config.api_base);
    let route = RwSignal::new(api::current_route());
    let session = RwSignal::new(0u32);
    let me = ui::read(move || {
        session.track();
        api::me()
    });
    let user = Memo::new(move |_| me.get().and_then(Result::ok));
    let partner_choice = RwSignal::new(config.partner.clone());
    let partner = Memo::new(move |_| {
        let me = user.get()?;
        let wanted = partner_choice.get();
        me.partners
            .iter()
            .find(|p| Some(&p.id) == wanted.as_ref())
            .or(me.partners.first())
            .cloned()
    });
    let ctx = Ctx {
        route,
        me,
        user,
        partner,
        partner_choice,
        draft: RwSignal::new(Draft::new("", "")),
        resume: RwSignal::new(store::load_draft()),
        created: RwSignal::new(None),
        status: RwSignal::new(if store::load_queue().is_empty() {
            CreateStatus::Idle
        } else {
            CreateStatus::Queued
        }),
        online: RwSignal::new(store::online()),
        host: StoredValue::new_local(host),
    };
    provide_context(ctx);
    provide_context(session);
    provide_context(Standalone(ctx.host.with_value(|h| {
        h.as_ref()
            .is_some_and(|h| h.tag_name().eq_ignore_ascii_case("body"))
    })));

    // Autosave: every change of a non-empty draft goes to localStorage; editing drops the old offer.
    Effect::new(move |_| {
        ctx.draft.with(|d| {
            if !d.is_pristine() {
                store::save_draft(d);
                if ctx.resume.get_untracked().is_some() {
                    ctx.resume.set(None);
                }
            }
        })
    });
    // A new draft for the current partner, with the signed-in user as the technical contact.
    Effect::new(move |_| {
        let (Some(p), Some(me)) = (partner.get(), user.get()) else {
            return;
        };
        if ctx
            .draft
            .with_untracked(|d| d.is_pristine() && (d.partner != p.id || d.contact.is_empty()))
        {
            ctx.draft.set(Draft::new(&p.id, &me.user.email));
        }
    });
    // Signed in with requests still queued from an earlier visit: send them when online.
    Effect::new(move |_| {
        if user.with(Option::is_some) && ctx.online.get_untracked() {
            ctx.flush_queue();
        }
    });

    let hash = window_event_listener(leptos::ev::hashchange, move |_| {
        let r = api::current_route();
        if route.get_untracked() != r {
            route.set(r);
        }
    });
    let on = window_event_listener(leptos::ev::online, move |_| {
        ctx.online.set(true);
        ctx.flush_queue();
    });
    let off = window_event_listener(leptos::ev::offline, move |_| ctx.online.set(false));
    on_cleanup(move || {
        hash.remove();
        on.remove();
        off.remove();
    });

    view! {
        <div class="appreg">
            {move || match me.get() {
                None => view! { <Landmark><p class="loading" role="status">"Loading…"</p></Landmark> }.into_any(),
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
                    view! {
                        <Landmark>
                        <div class="alert error" role="alert">
                            <p>{e.message()}</p>
                            <button type="button" on:click=move |_| session.update(|n| *n += 1)>
                                "Try again"
                            </button>
                        </div>
                        </Landmark>
                    }
                        .into_any()
                }
                Some(Ok(_)) => view! { <Shell /> }.into_any(),
            }}
        </div>
    }
}

/// The signed-in frame: header with partner switcher and sign out, the draft offer, the page.
#[component]
fn Shell() -> impl IntoView {
    let ctx = use_ctx();
    let session = expect_context::<RwSignal<u32>>();
    let sign_out = ui::write(move |_: &()| async move {
        let _ = api::sign_out().await;
        session.update(|n| *n += 1);
    });
    // The page to show; every wizard step is one page, so the wizard keeps its state between steps.
    let page = Memo::new(move |_| match ctx.route.get() {
        Route::Wizard(_) => Route::Wizard(draft::Step::Template),
        r => r,
    });
    let partners = Memo::new(move |_| ctx.user.get().map(|m| m.partners).unwrap_or_default());
    let manager = Memo::new(move |_| ctx.user.with(|m| m.as_ref().is_some_and(|m| m.app_manager)));
    view! {
        <header class="bar">
            <Brand />
            <Show when=move || { partners.with(|p| p.len() > 1) }>
                <label class="switcher">
                    <span>"Partner"</span>
                    <select
                        id="partner-switcher"
                        on:change=move |ev| ctx.partner_choice.set(Some(event_target_value(&ev)))
                    >
                        {move || {
                            let current = ctx.partner.get().map(|p| p.id);
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
            <span class="who">{move || ctx.user.get().map(|m| m.user.name)}</span>
            <a href=Route::Sessions.href() id="sessions-link">"Sessions"</a>
            <button type="button" class="link" on:click=move |_| { sign_out.dispatch(()); }>
                "Sign out"
            </button>
        </header>
        <Landmark>
        {move || (!ctx.online.get()).then(|| view! {
            <p class="alert offline" role="status">
                "You are offline. Every step still checks your input, and your draft is saved on this device."
            </p>
        })}
        {move || {
            let elsewhere = !matches!(ctx.route.get(), Route::Wizard(_));
            (elsewhere && ctx.status.get() == CreateStatus::Queued).then(|| view! {
                <p class="alert queued" role="status" id="queued-banner">
                    "An application is queued. It is created once, automatically, when the connection is back."
                </p>
            })
        }}
        <ResumeOffer />
        {move || match page.get() {
            Route::Home if manager.get() && partners.with(Vec::is_empty) => {
                view! { <pages::PublishQueue /> }.into_any()
            }
            Route::Home => view! { <pages::PartnerPage /> }.into_any(),
            Route::Wizard(_) => view! { <wizard::Wizard /> }.into_any(),
            Route::Created(id) => view! { <pages::Created id=id /> }.into_any(),
            Route::App(id) => view! { <pages::AppPage id=id /> }.into_any(),
            Route::Reviews => view! { <pages::PublishQueue /> }.into_any(),
            Route::Sessions => view! { <pages::Sessions /> }.into_any(),
        }}
        </Landmark>
    }
}

/// Whether the SPA owns the page (mounted into `<body>`) or is embedded in a host page's layout.
#[derive(Clone, Copy)]
struct Standalone(bool);

/// The portal's name: the page's `<h1>` when the SPA owns the page (each page's own title is an `<h2>`);
/// inside a host page, whose heading outline it joins, plain text.
#[component]
fn Brand() -> impl IntoView {
    if use_context::<Standalone>().is_some_and(|s| s.0) {
        view! { <h1 class="brand">"Developer Portal"</h1> }.into_any()
    } else {
        view! { <strong class="brand">"Developer Portal"</strong> }.into_any()
    }
}

/// The page's main landmark when the SPA owns the page; a plain `<div>` inside a host page, whose own
/// `<main>` already holds it (a second `<main>` would be nested in the host's).
#[component]
fn Landmark(children: Children) -> impl IntoView {
    let standalone = use_context::<Standalone>().is_some_and(|s| s.0);
    if standalone {
        view! { <main class="appreg-main">{children()}</main> }.into_any()
    } else {
        view! { <div class="appreg-main">{children()}</div> }.into_any()
    }
}

/// "Resume your draft?" after a reload.
#[component]
fn ResumeOffer() -> impl IntoView {
    let ctx = use_ctx();
    move || {
        let saved = ctx.resume.get()?;
        let name = if saved.name.trim().is_empty() {
            saved
                .template
                .map(|t| t.title().to_string())
                .unwrap_or_default()
        } else {
            saved.name.clone()
        };
        let resume = move |_| {
            let Some(d) = ctx.resume.get_untracked() else {
                return;
            };
            ctx.resume.set(None);
            if !d.partner.is_empty() {
                ctx.partner_choice.set(Some(d.partner.clone()));
            }
            let v = d.validate();
            let step = draft::first_open_step(d.template, v.as_ref(), false);
            ctx.draft.set(d);
            ctx.navigate(Route::Wizard(step));
        };
        let discard = move |_| {
            store::clear_draft();
            ctx.resume.set(None);
        };
        Some(view! {
            <section class="alert resume" role="region" aria-labelledby="resume-title">
                <h2 id="resume-title">"Resume your draft?"</h2>
                <p>"You have an unfinished app registration: " <strong>{name}</strong> "."</p>
                <div class="actions">
                    <button type="button" class="primary" id="resume-draft" on:click=resume>
                        "Resume"
                    </button>
                    <button type="button" id="discard-draft" on:click=discard>
                        "Discard"
                    </button>
                </div>
            </section>
        })
    }
}

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
