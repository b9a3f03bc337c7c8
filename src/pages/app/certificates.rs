//! Certificates: generate a key pair (the private key shown once) or upload a public key, each with
//! a description and an expiry; removing one is confirmed and names it.

use super::{use_console, EnvSelect};
use crate::api;
use crate::confirm::Confirm;
use crate::time::{ExpiryBadge, Time};
use crate::ui::{self, download, loaded, Shape};
use appreg_core::api::{NewCertificateRequest, MAX_CERTIFICATE_DAYS};
use appreg_core::{Environment, Template};
use leptos::prelude::*;

/// Certificates: one per environment; generate a key pair (the private key shown once) or upload a
/// public key so the private key never leaves your machine.
#[component]
pub(super) fn CertificatesSection() -> impl IntoView {
    let c = use_console();
    if c.app.with_untracked(|a| a.template == Template::Native) {
        return view! {
            <section id="sec-certificates" aria-labelledby="certificates-title">
                <h3 id="certificates-title">"Certificates"</h3>
                <p class="muted">"A native app signs users in with PKCE and keeps no key: it has no certificates."</p>
            </section>
        }
        .into_any();
    }
    let app_id = c.id();
    let refresh = RwSignal::new(0u32);
    let id = app_id.clone();
    let list = ui::read(move || {
        refresh.track();
        let id = id.clone();
        async move { api::certificates(&id).await }
    });
    let env = RwSignal::new(Environment::Sod);
    let pem = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let days = RwSignal::new(appreg_core::api::default_expiry_days());
    let id = app_id.clone();
    let make = ui::write(move |req: &NewCertificateRequest| {
        let (id, req) = (id.clone(), req.clone());
        async move {
            let r = api::new_certificate(&id, &req).await;
            refresh.update(|n| *n += 1);
            r
        }
    });
    let id = app_id.clone();
    let remove = ui::write(move |cert: &String| {
        let (id, cert) = (id.clone(), cert.clone());
        async move {
            let r = api::delete_certificate(&id, &cert).await;
            refresh.update(|n| *n += 1);
            r
        }
    });
    let submit = move |upload: bool| {
        let key = pem.get_untracked();
        make.dispatch(NewCertificateRequest {
            environment: env.get_untracked(),
            public_key_pem: (upload && !key.trim().is_empty()).then_some(key),
            description: description.get_untracked(),
            expires_in_days: days.get_untracked(),
        });
    };
    let editable = c.editable;
    let removing = Signal::derive(move || remove.pending().get());
    let busy = move || make.pending().get();
    view! {
        <section id="sec-certificates" aria-labelledby="certificates-title">
            <h3 id="certificates-title">"Certificates"</h3>
            <ul class="plain key-list" id="certificate-list">
                {loaded(list, Shape::Item, "Loading…", move |items| match items {
                    items if items.is_empty() => view! { <li class="muted">"No certificates yet."</li> }.into_any(),
                    items => items
                        .into_iter()
                        .map(|cert| {
                            let cid = cert.id.clone();
                            let name = if cert.description.is_empty() { "without a description".to_string() } else { format!("“{}”", cert.description) };
                            let what = format!("the {} certificate {name}", cert.environment.title());
                            view! {
                                <li class="row wrap">
                                    <span>{cert.environment.title()}{(!cert.description.is_empty()).then(|| format!(" · {}", cert.description))}" · added "<Time iso=cert.created_at.clone() />" · "<Time iso=cert.expires_at.clone() verbs=("expires", "expired") /></span>
                                    <ExpiryBadge iso=cert.expires_at.clone() />
                                    {move || editable.get().then(|| view! {
                                        <Confirm
                                            id=format!("remove-{cid}")
                                            text="Remove"
                                            label=format!("Remove {what}")
                                            question=format!("Remove {what}? Tokens signed with its private key are refused at once.")
                                            yes="Remove certificate"
                                            pending=removing
                                            on_yes=Callback::new({ let cid = cid.clone(); move |_| { remove.dispatch(cid.clone()); } })
                                        />
                                    })}
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any(),
                })}
            </ul>
            {move || remove.value().get().and_then(Result::err).map(|e| view! { <p class="alert error" role="alert">{e.message()}</p> })}
            <Show when=move || editable.get()>
                <div class="row wrap">
                    <EnvSelect id="cert-env" env=env />
                    <label for="cert-description">"Description"</label>
                    <input id="cert-description" type="text" prop:value=description on:input=move |ev| description.set(event_target_value(&ev)) />
                    <label for="cert-expiry">"Expires after"</label>
                    <select id="cert-expiry" on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(365))>
                        <option value="90">"3 months"</option>
                        <option value="180">"6 months"</option>
                        <option value="365" selected>"12 months"</option>
                        <option value=MAX_CERTIFICATE_DAYS.to_string()>"24 months"</option>
                    </select>
                </div>
                <label for="cert-pem">"Your public key (PEM), to keep the private key on your machine"</label>
                <textarea id="cert-pem" rows="3" prop:value=pem on:input=move |ev| pem.set(event_target_value(&ev))></textarea>
                <div class="actions">
                    <button type="button" disabled=move || busy() || pem.with(|p| p.trim().is_empty()) on:click=move |_| submit(true)>
                        "Upload public key"
                    </button>
                    <button type="button" id="add-certificate" disabled=busy on:click=move |_| submit(false)>
                        {move || if busy() { "Generating…" } else { "Generate a key pair" }}
                    </button>
                </div>
            </Show>
            {move || make.value().get().map(|r| match r {
                Err(e) => view! { <p class="alert error" role="alert">{e.message()}</p> }.into_any(),
                Ok(c) => match (c.private_key_pem, c.private_key_xml) {
                    (Some(pem), xml) => {
                        let xml = xml.unwrap_or_default();
                        view! {
                            <div class="alert warning" role="alert">
                                <strong>"Download the private key now."</strong>
                                " It is shown only this once; only the public key is kept."
                                <div class="actions">
                                    <button type="button" on:click=move |_| download("private-key.pem", "application/x-pem-file", &pem)>"Download PEM"</button>
                                    <button type="button" on:click=move |_| download("private-key.xml", "application/xml", &xml)>"Download RSA XML"</button>
                                </div>
                            </div>
                        }
                        .into_any()
                    }
                    _ => view! { <p role="status">"Public key uploaded."</p> }.into_any(),
                },
            })}
        </section>
    }
    .into_any()
}
