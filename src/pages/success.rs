//! The success page after "Create Application": the client ID, a new client secret, next steps.

use super::app::{app_resource, is_missing, not_found, SecretMaker};
use crate::routes::{Route, Section};
use crate::state::use_ctx;
use crate::ui::{focus_on_mount, loaded, CopyButton, Shape};
use appreg_core::api::Application;
use appreg_core::{AppType, Template};
use leptos::html;
use leptos::prelude::*;

/// After "Create Application": the client ID, a new client secret, and what to do next.
#[component]
pub fn Created(id: String) -> impl IntoView {
    let ctx = use_ctx();
    let app = app_resource(ctx, id, true);
    let heading = NodeRef::<html::H1>::new();
    focus_on_mount(heading);
    let missing = is_missing(app);
    view! {
        <section class="created">
            {move || {
                if missing.get() {
                    return not_found(heading);
                }
                view! {
                    <h1 tabindex="-1" node_ref=heading>"Your app is registered"</h1>
                    {loaded(app, Shape::Block, "Loading…", |(a, _)| view! { <CreatedBody app=a /> }.into_any())}
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn CreatedBody(app: Application) -> impl IntoView {
    let id = app.id.clone();
    let client_id = app.client_ids.sod.clone();
    let t = app.template;
    let standard = app.app_type == AppType::Standard;
    let link = |section: Section| Route::App(id.clone(), section).href();
    view! {
        <p>
            <strong id="created-name">{app.name.clone()}</strong>
            " is published to SOD, the development environment. Use this client ID to start coding."
        </p>
        <dl class="keys">
            <dt>"Client ID (SOD)"</dt>
            <dd>
                <code id="client-id">{client_id.clone()}</code>
                " "
                <CopyButton text=Signal::derive(move || client_id.clone()) label="Copy client ID" />
            </dd>
        </dl>
        {(t != Template::Mirroring).then(|| view! {
            <h2>"Client secret"</h2>
            <SecretMaker app_id=app.id.clone() app_name=app.name.clone() client_ids=app.client_ids.clone() once=true />
        })}
        <h2>"Next steps"</h2>
        <p class="hint">"Pick up application keys for all required environments before you request to publish."</p>
        <ul class="next-links">
            <li><a id="link-start" href=link(Section::Overview)>"Start coding: authority, discovery document and token endpoint"</a></li>
            {t.allows_redirect_urls().then(|| view! {
                <li><a id="link-urls" href=link(Section::Authentication)>"View or change CORS and redirection URLs"</a></li>
            })}
            {(!t.endpoints().is_empty()).then(|| view! {
                <li><a id="link-integration" href=link(Section::Integration)>"Switch on the integration endpoints"</a></li>
            })}
            {(t != Template::Native).then(|| view! {
                <li><a id="link-certificate" href=link(Section::Keys)>"Add a certificate"</a></li>
            })}
            <li><a id="link-publish" href=link(Section::Publishing)>"Request to publish"</a></li>
            {standard.then(|| view! {
                <li><a id="link-app-store" href=link(Section::AppStore)>"App Store information"</a></li>
            })}
        </ul>
    }
}
