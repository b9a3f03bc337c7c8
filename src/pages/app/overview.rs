//! Overview: template, type, state and client ID per environment (each with a copy button), and
//! "Start coding": the authority, discovery document and token endpoint per environment, a quickstart
//! for the template, and all of it as a JSON download.

use super::use_console;
use crate::api;
use crate::time::Time;
use crate::ui::{self, download, loaded, CopyButton, Shape};
use appreg_core::api::{EnvState, StartCoding};
use appreg_core::{Environment, Template};
use leptos::prelude::*;

fn state_text(s: EnvState) -> &'static str {
    match s {
        EnvState::None => "Not published",
        EnvState::Pending => "Request pending",
        EnvState::Published => "Published",
        EnvState::Rejected => "Rejected",
    }
}

#[component]
pub(super) fn Overview() -> impl IntoView {
    let c = use_console();
    let app = c.app;
    let a = app.get_untracked();
    view! {
        <section aria-labelledby="section-title">
            <h2 id="section-title" tabindex="-1">"Overview"</h2>
            <dl class="summary" id="app-summary">
                <dt>"Template"</dt><dd>{a.template.title()}</dd>
                <dt>"App type"</dt><dd>{a.app_type.title()}</dd>
                <dt>"Created"</dt><dd><Time iso=a.created_at.clone() /></dd>
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
            </dl>
            <table class="envs" id="app-environments">
                <caption>"Environments"</caption>
                <thead><tr><th scope="col">"Environment"</th><th scope="col">"State"</th><th scope="col">"Client ID"</th></tr></thead>
                <tbody>
                    {Environment::ALL.into_iter().map(|env| {
                        let cid = move || app.with(|a| match env {
                            Environment::Sod => a.client_ids.sod.clone(),
                            Environment::Stage => a.client_ids.stage.clone(),
                            Environment::Production => a.client_ids.production.clone(),
                        });
                        view! {
                            <tr data-env=env.id()>
                                <th scope="row">{env.title()}</th>
                                <td class="env-state">{move || state_text(app.with(|a| a.environments.get(env)))}</td>
                                <td class="client-id">
                                    <code>{cid}</code>" "
                                    <CopyButton text=Signal::derive(cid) label=copy_label(env) />
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <StartCodingPanel template=a.template />
        </section>
    }
}

fn copy_label(env: Environment) -> &'static str {
    match env {
        Environment::Sod => "Copy client ID for SOD",
        Environment::Stage => "Copy client ID for Stage",
        Environment::Production => "Copy client ID for Production",
    }
}

/// A quickstart for the template: authorization code with PKCE (web), a loopback redirect with PKCE
/// (native), or a system user token (server-to-server and integrations).
pub(crate) fn quickstart(template: Template, client_id: &str, authority: &str) -> String {
    match template {
        Template::Web | Template::Empty => format!(
            "# Authorization code flow with PKCE\n\
             GET {authority}/common/oauth/authorize?response_type=code&client_id={client_id}\
             &redirect_uri=<your redirect URL>&scope=openid&code_challenge=<S256 of your verifier>\
             &code_challenge_method=S256&state=<random>\n\n\
             # Then exchange the code at the token endpoint with your client secret and code_verifier."
        ),
        Template::Native => format!(
            "# Native app: a loopback redirect with PKCE (no client secret in the app)\n\
             GET {authority}/common/oauth/authorize?response_type=code&client_id={client_id}\
             &redirect_uri=http://127.0.0.1:<any free port>/callback&scope=openid\
             &code_challenge=<S256 of your verifier>&code_challenge_method=S256&state=<random>"
        ),
        Template::ServerToServer | Template::Erp | Template::Mirroring => format!(
            "# Server to server: sign a system user token with your certificate's private key,\n\
             # then exchange it for a ticket at the tenant's PartnerSystemUserService.\n\
             client_id={client_id}\nauthority={authority}"
        ),
    }
}

#[component]
fn StartCodingPanel(template: Template) -> impl IntoView {
    let c = use_console();
    let id = c.id();
    let data = ui::read(move || {
        let id = id.clone();
        async move { api::start_coding(&id).await }
    });
    let name = c.app.with_untracked(|a| a.name.clone());
    view! {
        <section class="start-coding" aria-labelledby="start-coding-title">
            <h3 id="start-coding-title">"Start coding"</h3>
            {loaded(data, Shape::Block, "Loading…", move |sc: StartCoding| {
                let file = start_coding_json(&name, template, &sc);
                view! {
                    {sc.environments.into_iter().map(|e| {
                        let snippet = quickstart(template, &e.client_id, &e.authority);
                        view! {
                            <section class="env-endpoints" data-env=e.environment.id() aria-label=format!("Start coding in {}", e.environment.title())>
                                <h4>{e.environment.title()}</h4>
                                <dl>
                                    <dt>"Authority"</dt><dd><code class="authority">{e.authority}</code></dd>
                                    <dt>"Discovery document"</dt><dd><code class="discovery">{e.discovery_url}</code></dd>
                                    <dt>"Token endpoint"</dt><dd><code class="token-endpoint">{e.token_endpoint}</code></dd>
                                </dl>
                                <pre class="snippet">{snippet}</pre>
                            </section>
                        }
                    }).collect_view()}
                    <button type="button" id="download-start-coding" on:click=move |_| download("start-coding.json", "application/json", &file)>
                        "Download as JSON"
                    </button>
                }
                .into_any()
            })}
        </section>
    }
}

/// The JSON download: per environment, the client ID, the three URLs and the quickstart.
fn start_coding_json(name: &str, template: Template, sc: &StartCoding) -> String {
    #[derive(serde::Serialize)]
    struct Env<'a> {
        environment: &'a str,
        client_id: &'a str,
        authority: &'a str,
        discovery_url: &'a str,
        token_endpoint: &'a str,
        quickstart: String,
    }
    #[derive(serde::Serialize)]
    struct File<'a> {
        application: &'a str,
        application_id: &'a str,
        template: &'a str,
        environments: Vec<Env<'a>>,
    }
    let file = File {
        application: name,
        application_id: &sc.application_id,
        template: template.id(),
        environments: sc
            .environments
            .iter()
            .map(|e| Env {
                environment: e.environment.id(),
                client_id: &e.client_id,
                authority: &e.authority,
                discovery_url: &e.discovery_url,
                token_endpoint: &e.token_endpoint,
                quickstart: quickstart(template, &e.client_id, &e.authority),
            })
            .collect(),
    };
    serde_json::to_string(&file).unwrap_or_default()
}
