//! Client secrets: the live ones, revoke, and "New client secret" (shown once; also on the success page).

use super::EnvSelect;
use crate::api;
use crate::ui::{self, download, loaded, CopyButton, Shape};
use appreg_core::api::{Application, ClientIds, NewSecretRequest, MAX_SECRET_DAYS};
use appreg_core::Environment;
use leptos::prelude::*;

/// Client secrets: the live ones (never the secret itself), revoke, and a new one.
#[component]
pub(super) fn SecretsSection(app: Application) -> impl IntoView {
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
    view! {
        <section id="sec-secrets" aria-labelledby="secrets-title">
            <h3 id="secrets-title" tabindex="-1">"Client secrets"</h3>
            <p class="hint">"Up to two live secrets per environment, so you can rotate without downtime."</p>
            <ul class="plain" id="secret-list">
                {loaded(list, Shape::Item, "Loading…", move |items| match items {
                    items if items.is_empty() => view! { <li class="muted">"No secrets yet."</li> }.into_any(),
                    items => items
                        .into_iter()
                        .map(|s| {
                            let sid = s.id.clone();
                            view! {
                                <li class="row wrap">
                                    <span>{s.environment.title()}" · …"{s.last4}" · expires "{s.expires_at}" "{s.description}</span>
                                    <button type="button" on:click=move |_| { revoke.dispatch(sid.clone()); }>"Revoke"</button>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any(),
                })}
            </ul>
            {move || revoke.value().get().and_then(Result::err).map(|e| view! { <p class="alert error" role="alert">{e.message()}</p> })}
            <SecretMaker app_id=app.id.clone() app_name=app.name.clone() client_ids=app.client_ids.clone() choose_env=true refresh=refresh />
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
            r
        }
    });
    let hidden = RwSignal::new(false);
    let ask = move |_| {
        hidden.set(false);
        make.dispatch(NewSecretRequest {
            environment: env.get_untracked(),
            description: description.get_untracked(),
            expires_in_days: days.get_untracked(),
        });
    };
    view! {
        <section class="secret" aria-labelledby="secret-title">
            <h3 id="secret-title">"Client secret"</h3>
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
            <button type="button" class="primary" id="new-secret" disabled=move || make.pending().get() on:click=ask>
                {move || if make.pending().get() { "Generating…" } else { "New client secret" }}
            </button>
            {move || {
                if hidden.get() {
                    return None;
                }
                Some(match make.value().get()? {
                    Err(e) => view! { <p class="alert error" role="alert">{e.message()}</p> }.into_any(),
                    Ok(s) => {
                        let secret = s.secret.clone();
                        let client_id = match s.environment {
                            Environment::Sod => &client_ids.sod,
                            Environment::Stage => &client_ids.stage,
                            Environment::Production => &client_ids.production,
                        };
                        let file = format!(
                            "{{\"application\":{},\"client_id\":{},\"environment\":\"{}\",\"secret_id\":{},\"client_secret\":{},\"expires_at\":{}}}\n",
                            json_str(&app_name), json_str(client_id), s.environment.id(), json_str(&s.id), json_str(&s.secret), json_str(&s.expires_at)
                        );
                        view! {
                            <div class="alert warning" role="alert" id="secret-warning">
                                <strong>"Copy this secret now."</strong>
                                " It is shown only this once and is never stored in clear: if you lose it, create a new one."
                            </div>
                            <label for="client-secret">"New client secret (expires " {s.expires_at.clone()} ")"</label>
                            <div class="row">
                                <input id="client-secret" type="text" readonly prop:value=secret.clone() />
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
        </section>
    }
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}
