//! Client secrets: the live ones, revoke, and "New client secret" (shown once; also on the success page).

use super::{use_console, EnvSelect};
use crate::api;
use crate::confirm::Confirm;
use crate::time::{ExpiryBadge, Time};
use crate::ui::{self, download, loaded, CopyButton, Shape};
use appreg_core::api::{
    ClientIds, EnvironmentEndpoints, NewSecret, NewSecretRequest, MAX_SECRET_DAYS,
};
use appreg_core::{Environment, Template};
use leptos::prelude::*;

/// Client secrets: the live ones (never the secret itself) with their expiry, revoke (confirmed), and
/// a new one.
#[component]
pub(super) fn SecretsSection() -> impl IntoView {
    let c = use_console();
    let app = c.app.get_untracked();
    let refresh = RwSignal::new(0u32);
    let id = app.id.clone();
    let list = ui::read(move || {
        refresh.track();
        let id = id.clone();
        async move { api::secrets(&id).await }
    });
    let app_id = app.id.clone();
    let revoke = ui::write(move |secret: &String| {
        let (app_id, secret) = (app_id.clone(), secret.clone());
        async move {
            let r = api::revoke_secret(&app_id, &secret).await;
            refresh.update(|n| *n += 1);
            r
        }
    });
    let editable = c.editable;
    let pending = Signal::derive(move || revoke.pending().get());
    let mirroring = app.template == Template::Mirroring;
    view! {
        <section id="sec-secrets" aria-labelledby="section-title">
            <h2 id="section-title" tabindex="-1">"Keys"</h2>
            <h3 id="secrets-title">"Client secrets"</h3>
            <p class="hint">"Up to two live secrets per environment, so you can rotate without downtime."</p>
            <ul class="plain key-list" id="secret-list">
                {loaded(list, Shape::Item, "Loading…", move |items| match items {
                    items if items.is_empty() => view! { <li class="muted">"No secrets yet."</li> }.into_any(),
                    items => items
                        .into_iter()
                        .map(|s| {
                            let sid = s.id.clone();
                            let what = format!("the {} secret ending in {}", s.environment.title(), s.last4);
                            view! {
                                <li class="row wrap">
                                    <span>{s.environment.title()}" · …"{s.last4}" · "<Time iso=s.expires_at.clone() verbs=("expires", "expired") />
                                    {(!s.description.is_empty()).then(|| view! { " · "{s.description.clone()} })}</span>
                                    <ExpiryBadge iso=s.expires_at.clone() />
                                    {move || editable.get().then(|| view! {
                                        <Confirm
                                            id=format!("revoke-{sid}")
                                            text="Revoke"
                                            label=format!("Revoke {what}")
                                            question=format!("Revoke {what}? Anything still using it stops signing in at once. This cannot be undone.")
                                            yes="Revoke secret"
                                            pending=pending
                                            on_yes=Callback::new({ let sid = sid.clone(); move |_| { revoke.dispatch(sid.clone()); } })
                                        />
                                    })}
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any(),
                })}
            </ul>
            {move || revoke.value().get().and_then(Result::err).map(|e| view! { <p class="alert error" role="alert">{e.message()}</p> })}
            {move || match (editable.get(), mirroring) {
                (false, _) => None,
                (true, true) => Some(view! { <p class="muted">"A Mirroring app signs in with its certificate, not with a client secret."</p> }.into_any()),
                (true, false) => Some(view! {
                    <SecretMaker app_id=app.id.clone() app_name=app.name.clone() client_ids=app.client_ids.clone() choose_env=true refresh=refresh />
                }.into_any()),
            }}
        </section>
    }
}

/// "New client secret": shown once, with copy, download as JSON and a clear warning.
#[component]
pub(crate) fn SecretMaker(
    app_id: String,
    app_name: String,
    client_ids: ClientIds,
    /// Offer the environment (the app page); the success page makes SOD secrets.
    #[prop(optional)]
    choose_env: bool,
    /// Bumped after a secret was made, so a list can reload.
    #[prop(optional)]
    refresh: Option<RwSignal<u32>>,
    /// One secret per visit (the success page): after one, the button gives way to a pointer to Keys.
    #[prop(optional)]
    once: bool,
) -> impl IntoView {
    let env = RwSignal::new(Environment::Sod);
    let description = RwSignal::new(String::new());
    let days = RwSignal::new(appreg_core::api::default_expiry_days());
    let make = ui::write(move |req: &NewSecretRequest| {
        let req = req.clone();
        let app_id = app_id.clone();
        async move {
            let r = api::new_secret(&app_id, &req).await;
            if let Some(n) = refresh {
                n.update(|n| *n += 1);
            }
            // The download also says where to sign in with it (best effort: the secret is shown anyway).
            let endpoints = match &r {
                Ok(s) => api::start_coding(&app_id).await.ok().and_then(|sc| {
                    sc.environments
                        .into_iter()
                        .find(|e| e.environment == s.environment)
                }),
                Err(_) => None,
            };
            r.map(|s| (s, endpoints))
        }
    });
    let hidden = RwSignal::new(false);
    let made = Memo::new(move |_| make.value().with(|v| matches!(v, Some(Ok(_)))));
    // While a secret is on screen, leaving the page (or the route) asks first.
    let ctx = crate::state::use_ctx();
    Effect::new(move |_| ctx.guard_leaving(made.get() && !hidden.get()));
    on_cleanup(move || ctx.guard_leaving(false));
    let ask = move |_| {
        hidden.set(false);
        make.dispatch(NewSecretRequest {
            environment: env.get_untracked(),
            description: description.get_untracked(),
            expires_in_days: days.get_untracked(),
        });
    };
    view! {
        <div class="secret">
            <div class="row wrap">
                {choose_env.then(|| view! { <EnvSelect id="secret-env" env=env /> })}
                <label for="secret-description">"Description"</label>
                <input id="secret-description" type="text" prop:value=description on:input=move |ev| description.set(event_target_value(&ev)) />
                <label for="secret-expiry">"Expires after"</label>
                <select id="secret-expiry" on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(365))>
                    <option value="90">"3 months"</option>
                    <option value="180">"6 months"</option>
                    <option value="365" selected>"12 months"</option>
                    <option value=MAX_SECRET_DAYS.to_string()>"24 months"</option>
                </select>
            </div>
            {move || if once && made.get() {
                view! { <p class="hint" id="one-secret-note">"One secret per visit here. Make more, or rotate, on the app's Keys page."</p> }.into_any()
            } else {
                view! {
                    <button type="button" class="primary" id="new-secret" disabled=move || make.pending().get() on:click=ask>
                        {move || if make.pending().get() { "Generating…" } else { "New client secret" }}
                    </button>
                }.into_any()
            }}
            {move || {
                if hidden.get() {
                    return None;
                }
                Some(match make.value().get()? {
                    Err(e) => view! { <p class="alert error" role="alert">{e.message()}</p> }.into_any(),
                    Ok((s, endpoints)) => {
                        let secret = s.secret.clone();
                        let client_id = match s.environment {
                            Environment::Sod => &client_ids.sod,
                            Environment::Stage => &client_ids.stage,
                            Environment::Production => &client_ids.production,
                        };
                        let file = secret_file(&app_name, client_id, &s, endpoints.as_ref());
                        view! {
                            <div class="alert warning" role="alert" id="secret-warning">
                                <strong>"Copy this secret now."</strong>
                                " It is shown only this once and is never stored in clear: if you lose it, create a new one."
                            </div>
                            <label for="client-secret">"New client secret (expires " {crate::time::absolute(&s.expires_at)} ")"</label>
                            <div class="row">
                                <textarea id="client-secret" class="secret-value" rows="2" readonly spellcheck="false" prop:value=secret.clone()></textarea>
                                <CopyButton text=Signal::derive(move || secret.clone()) label="Copy secret" />
                                <button type="button" id="download-secret" on:click=move |_| download("client-secret.json", "application/json", &file)>
                                    "Download as JSON"
                                </button>
                            </div>
                            <button type="button" class="link" on:click=move |_| hidden.set(true)>"I have stored it; hide the secret"</button>
                        }
                        .into_any()
                    }
                })
            }}
        </div>
    }
}

/// "Download as JSON": the secret with its client ID and, when known, where to sign in with it.
fn secret_file(
    app_name: &str,
    client_id: &str,
    s: &NewSecret,
    at: Option<&EnvironmentEndpoints>,
) -> String {
    #[derive(serde::Serialize)]
    struct File<'a> {
        application: &'a str,
        client_id: &'a str,
        environment: &'a str,
        secret_id: &'a str,
        client_secret: &'a str,
        expires_at: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        authority: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        discovery_url: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        token_endpoint: Option<&'a str>,
    }
    let file = File {
        application: app_name,
        client_id,
        environment: s.environment.id(),
        secret_id: &s.id,
        client_secret: &s.secret,
        expires_at: &s.expires_at,
        authority: at.map(|e| e.authority.as_str()),
        discovery_url: at.map(|e| e.discovery_url.as_str()),
        token_endpoint: at.map(|e| e.token_endpoint.as_str()),
    };
    serde_json::to_string(&file).unwrap_or_default() + "\n"
}
