//! The app console: a section navigation (`#/apps/{id}/{section}`) and one module per section —
//! Overview (with "Start coding"), Authentication (URLs and the redirect tester), Integration
//! (endpoints, error e-mails, technical contact), Keys (secrets and certificates), Publishing and
//! Settings (name, capabilities, delete). What the user may change follows their role: Marketing,
//! an app manager reviewing a request, and a deactivated app get read-only views.

mod app_store;
mod authentication;
mod certificates;
mod changes;
mod integration;
mod overview;
mod publish;
mod secrets;
mod settings;
mod versions;

pub(crate) use secrets::SecretMaker;

use crate::api::{self, ApiError};
use crate::routes::{Route, Section};
use crate::state::{use_ctx, Ctx};
use crate::time::Time;
use crate::ui::{self, loaded, Shape};
use appreg_core::api::{AppStatus, Application, ApplicationPatch, Role};
use appreg_core::{AppType, Environment};
use leptos::html;
use leptos::prelude::*;

/// The app: from the create response (the success page only), or fetched with its ETag.
pub(crate) fn app_resource(
    ctx: Ctx,
    id: String,
    reuse_created: bool,
) -> ui::Read<Result<(Application, Option<String>), ApiError>> {
    ui::read(move || {
        let id = id.clone();
        let known = ctx
            .created()
            .get_untracked()
            .filter(|a| reuse_created && a.id == id);
        async move {
            match known {
                Some(a) => Ok((a, None)),
                None => api::application(&id).await,
            }
        }
    })
}

/// Whether the server says there is no such app (for this user): the page is then [`not_found`].
pub(crate) fn is_missing(
    app: ui::Read<Result<(Application, Option<String>), ApiError>>,
) -> Memo<bool> {
    Memo::new(move |_| app.with(|r| matches!(r, Some(Err(e)) if e.status() == Some(404))))
}

/// The page for an app id that none of the user's partners has (also another partner's app).
pub(crate) fn not_found(heading: NodeRef<html::H1>) -> AnyView {
    view! {
        <h1 tabindex="-1" node_ref=heading>"App not found"</h1>
        <p class="alert error" role="alert">"Not found: none of your partners has an app at this address. Check the link, or switch partner."</p>
    }
    .into_any()
}

/// What every section of one app's console shares: the app as last read or saved, its ETag, and
/// what the signed-in user may do with it.
#[derive(Clone, Copy)]
pub(crate) struct Console {
    pub app: RwSignal<Application>,
    pub etag: RwSignal<Option<String>>,
    /// The user's role in the app's partner (none: an app manager reviewing it).
    pub role: Memo<Option<Role>>,
    /// Whether any edit control is drawn: an administrator or developer of the partner, app active.
    pub editable: Memo<bool>,
}

impl Console {
    fn new(ctx: Ctx, app: Application, etag: Option<String>) -> Console {
        let app = RwSignal::new(app);
        let user = ctx.user();
        let role = Memo::new(move |_| {
            let partner = app.with(|a| a.partner_id.clone());
            user.with(|m| {
                m.as_ref()?
                    .partners
                    .iter()
                    .find(|p| p.id == partner)
                    .map(|p| p.role)
            })
        });
        let editable = Memo::new(move |_| {
            role.get().is_some_and(Role::can_configure)
                && app.with(|a| a.status == AppStatus::Active)
        });
        Console {
            app,
            etag: RwSignal::new(etag),
            role,
            editable,
        }
    }

    pub fn id(&self) -> String {
        self.app.with_untracked(|a| a.id.clone())
    }

    /// A PATCH with `If-Match`. A stale edit (412) loads their version and its ETag, so the section
    /// keeps what the user typed and shows theirs; saving again replaces it.
    pub fn saver(self) -> ui::Write<ApplicationPatch, Result<(), ApiError>> {
        ui::write(move |patch: &ApplicationPatch| {
            let patch = patch.clone();
            let id = self.id();
            let tag = self.etag.get_untracked();
            async move {
                let tag = match tag {
                    Some(t) => t,
                    None => api::application(&id).await?.1.unwrap_or_default(),
                };
                match api::patch_application(&id, &tag, &patch).await {
                    Ok((a, t)) => {
                        self.app.set(a);
                        self.etag.set(t);
                        Ok(())
                    }
                    Err(e) => {
                        if e.status() == Some(412) {
                            if let Ok((fresh, t)) = api::application(&id).await {
                                self.app.set(fresh);
                                self.etag.set(t);
                            }
                        }
                        Err(e)
                    }
                }
            }
        })
    }
}

pub(crate) fn use_console() -> Console {
    expect_context::<Console>()
}

/// Whether a save ended in a conflict (412).
pub(crate) fn conflicted(save: ui::Write<ApplicationPatch, Result<(), ApiError>>) -> Memo<bool> {
    Memo::new(move |_| {
        save.value()
            .with(|v| matches!(v, Some(Err(e)) if e.status() == Some(412)))
    })
}

/// A section's Save button ("Saving…" while it runs; off while `blocked`, an error in the input) and
/// its status line below it.
#[component]
pub(crate) fn SaveBar(
    id: &'static str,
    status_id: &'static str,
    label: &'static str,
    save: ui::Write<ApplicationPatch, Result<(), ApiError>>,
    blocked: Memo<bool>,
    /// What to save, read when the button is pressed.
    patch: Callback<(), ApplicationPatch>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class="primary"
            id=id
            disabled=move || blocked.get() || save.pending().get()
            on:click=move |_| save.dispatch(patch.run(()))
        >
            {move || if save.pending().get() { "Saving…" } else { label }}
        </button>
        <SaveStatus id=status_id save=save button=label />
    }
}

/// The status line under a section's Save button.
#[component]
pub(crate) fn SaveStatus(
    id: &'static str,
    save: ui::Write<ApplicationPatch, Result<(), ApiError>>,
    /// What "Save" says on the button, for the conflict text.
    button: &'static str,
    #[prop(optional)] saved: Option<Signal<String>>,
) -> impl IntoView {
    view! {
        <p role="status" id=id class="save-status">
            {move || match save.value().get() {
                Some(Ok(())) => saved.map(|s| s.get()).unwrap_or_else(|| "Saved.".into()),
                Some(Err(e)) if e.status() == Some(412) => format!(
                    "Someone else changed this app meanwhile, so nothing was saved. What you typed is kept; their version is shown below. Press {button} again to replace it with yours."
                ),
                Some(Err(e)) => e.message(),
                None => String::new(),
            }}
        </p>
    }
}

/// The app console.
#[component]
pub fn AppPage(id: String) -> impl IntoView {
    let ctx = use_ctx();
    let app = app_resource(ctx, id, false);
    let heading = NodeRef::<html::H1>::new();
    let missing = is_missing(app);
    let route = ctx.route();
    let section = Memo::new(move |_| match route.get() {
        Route::App(_, s) => s,
        _ => Section::Overview,
    });
    // The heading: the app's name, or "App" above an error; none while loading.
    let title = Memo::new(move |_| {
        app.with(|r| match r.as_ref()? {
            Ok((a, _)) => Some(a.name.clone()),
            Err(_) => Some("App".to_string()),
        })
    });
    // The focus: the page's heading when it opens on its overview, else the section's heading
    // (also after each move between sections).
    Effect::new(move |opened: Option<bool>| {
        let s = section.get();
        let Some(h) = heading.get() else {
            return false;
        };
        let target = (opened.unwrap_or(false) || s != Section::Overview)
            .then(|| ui::by_id("section-title"))
            .flatten();
        match target {
            Some(el) => {
                let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(el).focus();
            }
            None => {
                let _ = h.focus();
            }
        }
        true
    });
    view! {
        <section class="app-page">
            <p><a href=Route::Home.href()>"← All apps"</a></p>
            {move || {
                if missing.get() {
                    return not_found(heading);
                }
                view! {
                    {move || title.get().map(|t| view! { <h1 tabindex="-1" node_ref=heading>{t}</h1> })}
                    {loaded(app, Shape::Block, "Loading…", move |(a, etag)| {
                        view! { <ConsoleBody app=a etag=etag section=section /> }.into_any()
                    })}
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn ConsoleBody(app: Application, etag: Option<String>, section: Memo<Section>) -> impl IntoView {
    let console = Console::new(use_ctx(), app, etag);
    provide_context(console);
    let id = console.id();
    let standard = console
        .app
        .with_untracked(|a| a.app_type == AppType::Standard);
    view! {
        <ReadOnlyNote />
        <nav class="sections" aria-label="App sections">
            <ul>
                // App Store information exists only for standard apps.
                {Section::ALL.into_iter().filter(|s| *s != Section::AppStore || standard).map(|s| {
                    let href = Route::App(id.clone(), s).href();
                    view! {
                        <li>
                            <a href=href aria-current=move || (section.get() == s).then_some("page")>{s.title()}</a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
        <div class="section-body">
            {move || match section.get() {
                Section::Overview => view! { <overview::Overview /> }.into_any(),
                Section::Authentication => view! { <authentication::Authentication /> }.into_any(),
                Section::Integration => view! { <integration::Integration /> }.into_any(),
                Section::Keys => view! { <secrets::SecretsSection /> <certificates::CertificatesSection /> }.into_any(),
                Section::Versions => view! { <versions::Versions /> }.into_any(),
                Section::Publishing => view! { <publish::PublishSection /> }.into_any(),
                Section::Changes => view! { <changes::ChangeLog /> }.into_any(),
                Section::AppStore => view! { <app_store::AppStore /> }.into_any(),
                Section::Settings => view! { <settings::Settings /> }.into_any(),
            }}
        </div>
    }
}

/// Why the console has no edit controls, when it has none.
#[component]
fn ReadOnlyNote() -> impl IntoView {
    let c = use_console();
    move || {
        if c.editable.get() {
            return None;
        }
        let (status, until) = c.app.with(|a| (a.status, a.restorable_until.clone()));
        Some(match (status, c.role.get()) {
            (AppStatus::Active, Some(_)) => view! {
                <p class="alert info" id="read-only-note">"Read-only: your role (Marketing) may view apps but not change them."</p>
            }.into_any(),
            (AppStatus::Active, None) => view! {
                <p class="alert info" id="read-only-note">"Read-only: you are reviewing this app as an app manager. Its publish requests are under Publishing."</p>
            }.into_any(),
            (_, _) => view! {
                <p class="alert warning" id="read-only-note">
                    "This app is deactivated and read-only. "
                    {until.map(|u| view! { "Your partner's administrator can restore it until " <Time iso=u /> "." })}
                </p>
            }.into_any(),
        })
    }
}

/// An environment chooser over `envs`.
#[component]
fn EnvSelect(
    id: &'static str,
    env: RwSignal<Environment>,
    #[prop(default = Environment::ALL.to_vec())] envs: Vec<Environment>,
) -> impl IntoView {
    view! {
        <label for=id>"Environment"</label>
        <select
            id=id
            on:change=move |ev| {
                let v = event_target_value(&ev);
                if let Some(e) = Environment::ALL.into_iter().find(|e| e.id() == v) {
                    env.set(e);
                }
            }
        >
            {envs
                .into_iter()
                .map(|e| view! { <option value=e.id() selected=move || env.get() == e>{e.title()}</option> })
                .collect_view()}
        </select>
    }
}
