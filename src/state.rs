//! The app-wide state, shared through context as [`Ctx`]: read-only signals for the views, and
//! methods for every change. Everything else is derived from it with memos.

use crate::api::{self, ApiError};
use crate::draft::{self, Draft, Step};
use crate::outbox::{self, Sent};
use crate::routes::{self, Route};
use crate::{embed, rules, store, sw, ui};
use appreg_core::api::{Application, CreateApplication, Me, PartnerMembership};
use leptos::prelude::*;

const LEAVE_WARNING: &str =
    "The client secret on this page is shown only once. Leave without copying it?";

/// Asks the user whether to leave a page that shows a secret.
fn confirm_leaving() -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(LEAVE_WARNING).ok())
        .unwrap_or(true)
}

/// How the SPA was started: from the host element's data-attributes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// `data-api-base`: the portal's origin (empty: this page's).
    pub api_base: String,
    /// `data-partner`: the partner to open.
    pub partner: Option<String>,
    /// `data-template`, `data-name`, `data-contact`: what a new draft starts with.
    pub prefill: Prefill,
}

/// What the host page fills in for the user: a template id, a name, the technical contact's e-mail.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prefill {
    pub template: Option<appreg_core::Template>,
    pub name: Option<String>,
    pub contact: Option<String>,
}

impl Config {
    /// Reads the host element's `data-api-base`, `data-partner`, `data-template`, `data-name` and
    /// `data-contact` (an unknown template id is ignored).
    pub fn from_host(el: &web_sys::Element) -> Config {
        let attr = |name: &str| {
            el.get_attribute(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        Config {
            api_base: attr("data-api-base").unwrap_or_default(),
            partner: attr("data-partner"),
            prefill: Prefill {
                template: attr("data-template").and_then(|t| t.parse().ok()),
                name: attr("data-name"),
                contact: attr("data-contact"),
            },
        }
    }
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

/// The app-wide state. Its signals are private: views read them through the accessors and change
/// them only through the methods below.
#[derive(Clone, Copy)]
pub struct Ctx {
    route: RwSignal<Route>,
    /// Bumped to read `/me` again (after sign-in, sign-out, or "Try again").
    session: RwSignal<u32>,
    me: ui::Read<Result<api::MeAnswer, ApiError>>,
    user: Memo<Option<Me>>,
    partner: Memo<Option<PartnerMembership>>,
    partner_choice: RwSignal<Option<String>>,
    draft: RwSignal<Draft>,
    resume: RwSignal<Option<Draft>>,
    created: RwSignal<Option<Application>>,
    status: RwSignal<CreateStatus>,
    online: RwSignal<bool>,
    /// Something on screen would be lost by leaving (a secret shown once): leaving asks first.
    guard: RwSignal<bool>,
    host: StoredValue<Option<web_sys::Element>, LocalStorage>,
    prefill: StoredValue<Prefill>,
    /// When the `/me` on screen was stored, if it came from the offline copy (RFC 3339).
    stored_at: Memo<Option<String>>,
    /// A new build is installed and waits for "Reload".
    update_ready: RwSignal<bool>,
}

/// Gives the queued creates to the service worker for Background Sync (cookie sessions only: the
/// worker cannot sign with a host page's token). The same idempotency keys keep them single.
fn hand_to_worker() {
    if api::uses_token() {
        return;
    }
    for q in outbox::load_queue() {
        if let Some((url, body)) = api::create_request(&q.partner, &q.body) {
            sw::queue(&q.key, &url, &body);
        }
    }
}

pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

impl Ctx {
    /// The state of a freshly mounted app, with its effects and window listeners (autosave, a fresh
    /// draft per partner, the offline queue, hash routing).
    pub fn new(config: &Config, host: Option<web_sys::Element>) -> Ctx {
        api::set_base(&config.api_base);
        let session = RwSignal::new(0u32);
        let me = ui::read(move || {
            session.track();
            api::me()
        });
        let answer = move || me.get().and_then(Result::ok);
        let user = Memo::new(move |_| answer().map(|a| a.me));
        let stored_at = Memo::new(move |_| answer().and_then(|a| a.stored_at));
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
            route: RwSignal::new(routes::current_route()),
            session,
            me,
            user,
            partner,
            partner_choice,
            draft: RwSignal::new(Draft::new("", "")),
            resume: RwSignal::new(store::load_draft()),
            created: RwSignal::new(None),
            status: RwSignal::new(if outbox::queued() {
                CreateStatus::Queued
            } else {
                CreateStatus::Idle
            }),
            online: RwSignal::new(outbox::online()),
            guard: RwSignal::new(false),
            host: StoredValue::new_local(host),
            prefill: StoredValue::new(config.prefill.clone()),
            stored_at,
            update_ready: RwSignal::new(false),
        };
        ctx.watch();
        ctx
    }

    fn watch(self) {
        // Autosave: every change of a non-empty draft goes to localStorage; editing drops the old offer.
        Effect::new(move |_| {
            self.draft.with(|d| {
                if !d.is_pristine() {
                    store::save_draft(d);
                    if self.resume.get_untracked().is_some() {
                        self.resume.set(None);
                    }
                }
            })
        });
        // A new draft for the current partner, with the signed-in user as the technical contact.
        Effect::new(move |_| {
            let (Some(p), Some(me)) = (self.partner.get(), self.user.get()) else {
                return;
            };
            if self
                .draft
                .with_untracked(|d| d.is_pristine() && (d.partner != p.id || d.contact.is_empty()))
            {
                self.draft.set(self.fresh_draft(&p, &me.user.email));
            }
        });
        // A host that fills in the template or the name wants the wizard: it opens there.
        Effect::new(move |opened: Option<bool>| {
            if opened == Some(true) || self.user.with(Option::is_none) {
                return opened.unwrap_or(false);
            }
            let wanted = self
                .prefill
                .with_value(|p| p.template.is_some() || p.name.is_some());
            if wanted && self.route.get_untracked() == Route::Home {
                self.start_wizard();
            }
            true
        });
        embed::watch(self);
        // The offline start and the update prompt, when the SPA owns the page (a host page on another
        // origin cannot use the portal's service worker).
        if self.standalone() {
            sw::register(self.update_ready, move || self.flush_queue());
        }
        // Signed in with requests still queued from an earlier visit: send them when online.
        Effect::new(move |_| {
            if self.user.with(Option::is_some) && self.online.get_untracked() {
                self.flush_queue();
            }
        });

        let route = self.route;
        let guard = self.guard;
        let hash = window_event_listener(leptos::ev::hashchange, move |_| {
            let r = routes::current_route();
            if route.get_untracked() == r {
                return;
            }
            if guard.get_untracked() && !confirm_leaving() {
                // Stay: the address goes back to where the user still is.
                routes::write_route(&route.get_untracked(), true);
                return;
            }
            guard.set(false);
            route.set(r);
        });
        let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if guard.get_untracked() {
                ev.prevent_default();
                ev.set_return_value(LEAVE_WARNING);
            }
        });
        let on = window_event_listener(leptos::ev::online, move |_| {
            self.online.set(true);
            self.flush_queue();
        });
        let off = window_event_listener(leptos::ev::offline, move |_| self.online.set(false));
        on_cleanup(move || {
            hash.remove();
            unload.remove();
            on.remove();
            off.remove();
        });
    }

    // -- What the views read. ------------------------------------------------------------------

    pub fn route(&self) -> ReadSignal<Route> {
        self.route.read_only()
    }
    /// `GET /me`: loading, signed out (401), failed, or the signed-in user.
    pub fn me(&self) -> ui::Read<Result<api::MeAnswer, ApiError>> {
        self.me
    }
    pub fn user(&self) -> Memo<Option<Me>> {
        self.user
    }
    /// The current partner: the one chosen (or asked for by the host page), else the first.
    pub fn partner(&self) -> Memo<Option<PartnerMembership>> {
        self.partner
    }
    pub fn draft(&self) -> ReadSignal<Draft> {
        self.draft.read_only()
    }
    /// A draft saved before a reload, offered back until it is resumed, discarded or replaced.
    pub fn resume(&self) -> ReadSignal<Option<Draft>> {
        self.resume.read_only()
    }
    /// The app this visit created (the success page shows it without asking the server again).
    pub fn created(&self) -> ReadSignal<Option<Application>> {
        self.created.read_only()
    }
    pub fn status(&self) -> ReadSignal<CreateStatus> {
        self.status.read_only()
    }
    pub fn online(&self) -> ReadSignal<bool> {
        self.online.read_only()
    }
    /// When the signed-in data on screen was stored, if it is the offline copy (RFC 3339).
    pub fn stored_at(&self) -> Memo<Option<String>> {
        self.stored_at
    }
    /// A new build is installed: the page offers "Reload".
    pub fn update_ready(&self) -> ReadSignal<bool> {
        self.update_ready.read_only()
    }
    /// The element the app is mounted in (where its DOM events go), if any.
    pub fn host(&self) -> Option<web_sys::Element> {
        self.host.get_value()
    }
    /// Whether the SPA owns the page (mounted into `<body>`) or is embedded in a host page's layout.
    pub fn standalone(&self) -> bool {
        self.host.with_value(|h| {
            h.as_ref()
                .is_some_and(|h| h.tag_name().eq_ignore_ascii_case("body"))
        })
    }

    // -- What the views change. ----------------------------------------------------------------

    /// Leaving asks first while `on` (a secret is on screen and shown only once).
    pub fn guard_leaving(&self, on: bool) {
        if self.guard.get_untracked() != on {
            self.guard.set(on);
        }
    }

    /// Shows another page: the page first, its address in the address bar right after
    /// ([`routes::write_route_soon`]).
    pub fn navigate(&self, route: Route) {
        routes::write_route_soon(route.clone(), false);
        self.route.set(route);
    }

    /// [`Ctx::navigate`] without a new history entry.
    pub fn replace(&self, route: Route) {
        routes::write_route_soon(route.clone(), true);
        self.route.set(route);
    }

    /// Reads `/me` again: after signing in or out, or "Try again".
    pub fn refresh_session(&self) {
        self.session.update(|n| *n += 1);
    }

    pub fn choose_partner(&self, id: String) {
        self.partner_choice.set(Some(id));
    }

    /// Changes the draft (every wizard input goes through here; the autosave follows).
    pub fn edit_draft(&self, f: impl FnOnce(&mut Draft)) {
        self.draft.update(f);
    }

    /// "Create App": a fresh draft unless the current one is for this partner, then the first step.
    pub fn start_wizard(&self) {
        let (Some(p), Some(me)) = (self.partner.get_untracked(), self.user.get_untracked()) else {
            return;
        };
        if self.draft.with_untracked(|d| d.partner != p.id) {
            self.draft.set(self.fresh_draft(&p, &me.user.email));
        }
        self.navigate(Route::Wizard(Step::Template));
    }

    /// "Resume": the saved draft becomes the wizard's, at its first step still open.
    pub fn resume_draft(&self) {
        let Some(d) = self.resume.get_untracked() else {
            return;
        };
        self.resume.set(None);
        if !d.partner.is_empty() {
            self.partner_choice.set(Some(d.partner.clone()));
        }
        self.draft.set(d);
        // As far as it goes: the wizard shows the first step still open before Review.
        self.navigate(Route::Wizard(Step::Review));
    }

    /// "Discard": forgets the saved draft.
    pub fn discard_saved_draft(&self) {
        store::clear_draft();
        self.resume.set(None);
    }

    /// "Create Application": queued with the draft's idempotency key, sent now when online.
    pub fn create(&self, body: CreateApplication) {
        let (partner, key) = self
            .draft
            .with_untracked(|d| (d.partner.clone(), d.key.clone()));
        outbox::enqueue(outbox::Queued { partner, key, body });
        if outbox::online() {
            self.flush_queue();
        } else {
            hand_to_worker();
            self.status.set(CreateStatus::Queued);
        }
    }

    /// Sends the queued "Create Application" requests (once each) and handles the answers. The code
    /// that does it is in the rules' module ([`rules::send_queue`]): a first visit rarely has a queue,
    /// so it does not download it.
    pub fn flush_queue(self) {
        if outbox::queued() {
            rules::send_queue(self);
        }
    }

    /// [`Ctx::flush_queue`], once the rules' module is there.
    pub(crate) fn send_queue(self) {
        if outbox::load_queue().is_empty() {
            // What was stored is not a queue (or was sent by another tab): nothing is waiting.
            outbox::clear();
            if self.status.get_untracked() == CreateStatus::Queued {
                self.status.set(CreateStatus::Idle);
            }
            return;
        }
        self.status.set(CreateStatus::Sending);
        leptos::task::spawn_local(async move {
            let results = outbox::flush(|q| async move {
                api::create_application(&q.partner, &q.key, &q.body).await
            })
            .await;
            for r in results {
                match r {
                    Sent::Created(q, app) => {
                        sw::sent(&q.key);
                        self.on_created(*app)
                    }
                    Sent::Refused(q, e) => {
                        sw::sent(&q.key);
                        if e.status() == Some(401) {
                            // The session or the host's token ended: ask who is signed in again (the
                            // sign-in page, or the host is told); the draft stays on this device.
                            self.refresh_session();
                        }
                        // Nothing was created: a corrected draft gets a fresh idempotency key.
                        self.draft.update(|d| d.key = draft::new_key());
                        self.status.set(CreateStatus::Failed(e));
                    }
                }
            }
            if !outbox::load_queue().is_empty() {
                hand_to_worker();
                self.status.set(CreateStatus::Queued);
            } else if self.status.get_untracked() == CreateStatus::Sending {
                self.status.set(CreateStatus::Idle);
            }
        });
    }

    /// A new draft for a partner: what the host page fills in, the signed-in user as the contact.
    fn fresh_draft(&self, partner: &PartnerMembership, email: &str) -> Draft {
        self.prefill.with_value(|pre| {
            let mut d = Draft::new(&partner.id, pre.contact.as_deref().unwrap_or(email));
            if let Some(t) = pre.template {
                d.choose_template(t, &partner.name);
            }
            if let Some(name) = &pre.name {
                d.name = name.clone();
            }
            d
        })
    }

    /// Drops the saved draft and starts a fresh one for the same partner and signed-in user.
    fn reset_draft(&self) {
        store::clear_draft();
        let partner = self.draft.with_untracked(|d| d.partner.clone());
        let (Some(p), Some(me)) = (self.partner.get_untracked(), self.user.get_untracked()) else {
            self.draft.set(Draft::new(&partner, ""));
            return;
        };
        let mut d = self.fresh_draft(&p, &me.user.email);
        d.partner = partner;
        self.draft.set(d);
    }

    fn on_created(&self, app: Application) {
        self.status.set(CreateStatus::Idle);
        let id = app.id.clone();
        let host = self.host.get_value();
        self.created.set(Some(app.clone()));
        // Away from the wizard first: the fresh draft is not a step the host page should hear about.
        self.navigate(Route::Created(id));
        self.reset_draft();
        embed::dispatch_created(host.as_ref(), &app);
    }

    /// Leaves the wizard: drops the draft and tells the host page.
    pub fn cancel(&self) {
        self.navigate(Route::Home);
        self.reset_draft();
        embed::dispatch_cancelled(self.host.get_value().as_ref());
    }
}
