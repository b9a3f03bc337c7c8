//! The app page: overview, then its sections (URLs and the redirect tester, secrets, certificates,
//! publish requests), each in its own module.

mod certificates;
mod publish;
mod secrets;
mod urls;

pub(crate) use secrets::SecretMaker;

use crate::api::{self, ApiError};
use crate::routes::{self, Route};
use crate::state::{use_ctx, Ctx};
use crate::ui::{self, loaded, Shape};
use appreg_core::api::{Application, EnvState};
use appreg_core::Environment;
use certificates::CertificatesSection;
use leptos::html;
use leptos::prelude::*;
use publish::PublishSection;
use secrets::SecretsSection;
use urls::{RedirectTester, UrlsSection};

/// The app: from the create response (the success page only), or fetched with its ETag.
pub(crate) fn app_resource(
    ctx: Ctx,
    id: String,
    reuse_created: bool,
) -> LocalResource<Result<(Application, Option<String>), ApiError>> {
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
    app: LocalResource<Result<(Application, Option<String>), ApiError>>,
) -> Memo<bool> {
    Memo::new(move |_| app.with(|r| matches!(r, Some(Err(e)) if e.status() == Some(404))))
}

/// The page for an app id that none of the user's partners has (also another partner's app).
pub(crate) fn not_found(heading: NodeRef<html::H2>) -> AnyView {
    view! {
        <h2 tabindex="-1" node_ref=heading>"App not found"</h2>
        <p class="alert error" role="alert">"Not found: none of your partners has an app at this address. Check the link, or switch partner."</p>
    }
    .into_any()
}

/// The app page: overview, redirect and CORS URLs (same editor rules), and the redirect tester.
#[component]
pub fn AppPage(id: String) -> impl IntoView {
    let ctx = use_ctx();
    let app = app_resource(ctx, id, false);
    let heading = NodeRef::<html::H2>::new();
    let missing = is_missing(app);
    // The heading: the app's name, or "App" above an error; none while loading.
    let title = Memo::new(move |_| {
        app.with(|r| match r.as_ref()? {
            Ok((a, _)) => Some(a.name.clone()),
            Err(_) => Some("App".to_string()),
        })
    });
    // The page's heading gets the focus, or the section the address asks for ("Add a certificate", …).
    Effect::new(move |_| {
        let Some(h) = heading.get() else { return };
        let section = routes::current_section().map(|s| match s.as_str() {
            "urls" => "urls-title",
            "certificates" => "certificates-title",
            "publish" | "app-store" => "publish-title",
            _ => "secrets-title",
        });
        match section.and_then(|id| document().get_element_by_id(id)) {
            Some(el) => {
                el.scroll_into_view();
                let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(el).focus();
            }
            None => {
                let _ = h.focus();
            }
        }
    });
    view! {
        <section class="app-page">
            <p><a href=Route::Home.href()>"← All apps"</a></p>
            {move || {
                if missing.get() {
                    return not_found(heading);
                }
                view! {
                    {move || title.get().map(|t| view! { <h2 tabindex="-1" node_ref=heading>{t}</h2> })}
                    {loaded(app, Shape::Block, "Loading…", |(a, etag)| view! { <AppBody app=a etag=etag /> }.into_any())}
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn AppBody(app: Application, etag: Option<String>) -> impl IntoView {
    let app = RwSignal::new(app);
    let template = app.with_untracked(|a| a.template);
    let whole = app.get_untracked();
    view! {
        <dl class="summary">
            <dt>"Template"</dt><dd>{move || app.with(|a| a.template.title())}</dd>
            <dt>"App type"</dt><dd>{move || app.with(|a| a.app_type.title())}</dd>
            <dt>"Technical contact"</dt><dd>{move || app.with(|a| a.technical_contact.clone())}</dd>
            <dt>"Configuration"</dt>
            <dd>
                <ul class="plain" id="app-capabilities">
                    {move || app.with(|a| {
                        if a.capabilities.is_empty() {
                            view! { <li class="muted">"No API access: the app only provides its integration endpoints."</li> }.into_any()
                        } else {
                            a.capabilities.iter().map(|c| view! { <li>{c.title()}</li> }).collect_view().into_any()
                        }
                    })}
                </ul>
            </dd>
            {template.endpoints().iter().map(|&k| view! {
                <dt>{k.title()}</dt>
                <dd class="endpoint-state">
                    {move || app.with(|a| {
                        let ep = match k {
                            appreg_core::EndpointKind::Mirroring => a.endpoints.mirroring.clone(),
                            appreg_core::EndpointKind::ErpSync => a.endpoints.erp_sync.clone(),
                            appreg_core::EndpointKind::Quote => a.endpoints.quote.clone(),
                        }
                        .unwrap_or_default();
                        match (ep.enabled, ep.url.is_empty()) {
                            (true, _) => format!("On: {}", ep.url),
                            (false, true) => "Off".to_string(),
                            (false, false) => format!("Off ({})", ep.url),
                        }
                    })}
                </dd>
            }).collect_view()}
            {Environment::ALL.into_iter().map(|env| view! {
                <dt>{env.title()}</dt>
                <dd>
                    {move || app.with(|a| {
                        let (cid, st) = match env {
                            Environment::Sod => (&a.client_ids.sod, a.environments.sod),
                            Environment::Stage => (&a.client_ids.stage, a.environments.stage),
                            Environment::Production => (&a.client_ids.production, a.environments.production),
                        };
                        format!("{} · client ID {}", if st == EnvState::None { "not published" } else { st.id() }, cid)
                    })}
                </dd>
            }).collect_view()}
        </dl>
        <UrlsSection app=app etag=etag />
        <RedirectTester app=app />
        <SecretsSection app=whole.clone() />
        <CertificatesSection app_id=whole.id.clone() />
        <PublishSection app_id=whole.id.clone() app=app />
    }
}

/// An environment chooser.
#[component]
fn EnvSelect(id: &'static str, env: RwSignal<Environment>) -> impl IntoView {
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
            {Environment::ALL
                .into_iter()
                .map(|e| view! { <option value=e.id() selected=move || env.get() == e>{e.title()}</option> })
                .collect_view()}
        </select>
    }
}
