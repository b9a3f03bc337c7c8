//! Certificates: generate a key pair (the private key shown once) or upload a public key.

use super::EnvSelect;
use crate::api;
use crate::ui::{self, download, loaded, Shape};
use appreg_core::api::NewCertificateRequest;
use appreg_core::Environment;
use leptos::prelude::*;

/// Certificates: one per environment; generate a key pair (the private key shown once) or upload a
/// public key so the private key never leaves your machine.
#[component]
pub(super) fn CertificatesSection(app_id: String) -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let id = app_id.clone();
    let list = ui::read(move || {
        refresh.track();
        let id = id.clone();
        async move { api::certificates(&id).await }
    });
    let env = RwSignal::new(Environment::Sod);
    let pem = RwSignal::new(String::new());
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
            description: String::new(),
            expires_in_days: appreg_core::api::default_expiry_days(),
        });
    };
    view! {
        <section id="sec-certificates" aria-labelledby="certificates-title">
            <h3 id="certificates-title" tabindex="-1">"Certificates"</h3>
            <ul class="plain">
                {loaded(list, Shape::Item, "Loading…", move |items| match items {
                    items if items.is_empty() => view! { <li class="muted">"No certificates yet."</li> }.into_any(),
                    items => items
                        .into_iter()
                        .map(|c| {
                            let cid = c.id.clone();
                            view! {
                                <li class="row wrap">
                                    <span>{c.environment.title()}" · added "{c.created_at}</span>
                                    <button type="button" on:click=move |_| { remove.dispatch(cid.clone()); }>"Remove"</button>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any(),
                })}
            </ul>
            <div class="row wrap"><EnvSelect id="cert-env" env=env /></div>
            <label for="cert-pem">"Your public key (PEM), to keep the private key on your machine"</label>
            <textarea id="cert-pem" rows="3" prop:value=pem on:input=move |ev| pem.set(event_target_value(&ev))></textarea>
            <div class="actions">
                <button type="button" disabled=move || pem.with(|p| p.trim().is_empty()) on:click=move |_| submit(true)>
                    "Upload public key"
                </button>
                <button type="button" id="add-certificate" on:click=move |_| submit(false)>"Generate a key pair"</button>
            </div>
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
}
