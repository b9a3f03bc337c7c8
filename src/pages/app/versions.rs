//! Versions: every configuration as a labelled version with its state per environment (the seed's
//! colours: Published green, Request pending yellow, Rejected red, Draft grey), "Add New Configuration",
//! publish to SOD, request to publish, and each version's JSON snapshot.

use super::use_console;
use crate::api::{self, ApiError};
use crate::time::Time;
use crate::ui::{self, download, loaded, Findings, Shape};
use appreg_core::lifecycle::requestable;
use appreg_core::versions::{
    check_version_label, version_transition, PublishVersion, VersionEvent, VersionInfo,
    VersionState,
};
use appreg_core::Environment;
use leptos::prelude::*;

/// A state as a badge in the seed's colours.
fn badge(state: Option<VersionState>) -> AnyView {
    let (class, text) = match state {
        None => return view! { <span class="muted">"—"</span> }.into_any(),
        Some(VersionState::Draft) => ("state draft", "Draft"),
        Some(VersionState::Published) => ("state published", "Published"),
        Some(VersionState::Pending) => ("state pending", "Request pending"),
        Some(VersionState::Rejected) => ("state rejected", "Rejected"),
    };
    view! { <span class=class>{text}</span> }.into_any()
}

/// What one button does to one version.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Act {
    Publish(u32, Environment),
    Add(String),
}

#[component]
pub(super) fn Versions() -> impl IntoView {
    let c = use_console();
    let refresh = RwSignal::new(0u32);
    let id = c.id();
    let list = ui::read(move || {
        refresh.track();
        let id = id.clone();
        async move { api::versions(&id).await }
    });
    let label = RwSignal::new(String::new());
    let label_check = Memo::new(move |_| check_version_label(&label.get()));
    let touched = RwSignal::new(false);
    let done = RwSignal::new(String::new());
    let act = ui::write(move |a: &Act| {
        let (a, id) = (a.clone(), c.id());
        async move {
            let text = match &a {
                Act::Publish(n, env) => {
                    let req = PublishVersion {
                        environment: *env,
                        message: String::new(),
                    };
                    api::publish_version(&id, *n, &req).await?;
                    if *env == Environment::Sod {
                        format!("Version {n} is published to SOD.")
                    } else {
                        format!(
                            "Requested: version {n} to {}. An app manager reviews it.",
                            env.title()
                        )
                    }
                }
                Act::Add(l) => {
                    let v = api::new_version(&id, l).await?;
                    format!(
                        "Version {} “{}” is the new draft; edits go into it.",
                        v.number, v.label
                    )
                }
            };
            // The overview and every section follow the server's state.
            if let Ok((app, tag)) = api::application(&id).await {
                c.app.set(app);
                c.etag.set(tag);
            }
            refresh.update(|n| *n += 1);
            done.set(text);
            Ok::<_, ApiError>(())
        }
    });
    let editable = c.editable;
    let app = c.app;
    let pending = move || act.pending().get();
    view! {
        <section aria-labelledby="section-title">
            <h2 id="section-title" tabindex="-1">"Versions"</h2>
            <p class="hint">"All changes happen in SOD. A version published to Stage or Production is locked: edits then go into a new draft, and what is published stays as it was approved."</p>
            {loaded(list, Shape::Block, "Loading versions…", move |items: Vec<VersionInfo>| {
                view! {
                    // Wider than a phone: it scrolls on its own (and takes the focus to scroll by keyboard).
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Versions table">
                    <table class="versions" id="version-list">
                        <caption>"Versions, newest first"</caption>
                        <thead><tr>
                            <th scope="col">"Version"</th><th scope="col">"Created"</th>
                            <th scope="col">"SOD"</th><th scope="col">"Stage"</th><th scope="col">"Production"</th>
                            <th scope="col">"Actions"</th>
                        </tr></thead>
                        <tbody>
                            {items.into_iter().map(|v| {
                                let n = v.number;
                                let name = format!("version {n} “{}”", v.label);
                                let envs = app.with_untracked(|a| requestable(a.app_type, &a.environments));
                                let states = [v.sod, v.stage, v.production];
                                let can = move |env: Environment, ev: VersionEvent| {
                                    let i = Environment::ALL.iter().position(|e| *e == env).unwrap_or(0);
                                    version_transition(states[i], env, ev).is_ok()
                                };
                                let sod = can(Environment::Sod, VersionEvent::PublishSod);
                                let requests: Vec<Environment> = envs.into_iter().filter(|e| can(*e, VersionEvent::Request)).collect();
                                let download_name = format!("version-{n}.json");
                                view! {
                                    <tr data-version=n class:current=v.current>
                                        <th scope="row">{n}" · "{v.label.clone()}{v.current.then_some(" (current)")}</th>
                                        <td><Time iso=v.created_at.clone() /><span class="muted">" by "{v.created_by.clone()}</span></td>
                                        <td>{badge(v.sod)}</td>
                                        <td>{badge(v.stage)}</td>
                                        <td>{badge(v.production)}</td>
                                        <td class="actions wrap">
                                            {move || (editable.get() && sod).then(|| view! {
                                                <button type="button" disabled=pending on:click=move |_| { act.dispatch(Act::Publish(n, Environment::Sod)); }>
                                                    "Publish to SOD"
                                                </button>
                                            })}
                                            {requests.iter().map(|&env| {
                                                view! {
                                                    {move || editable.get().then(|| view! {
                                                        <button type="button" disabled=pending on:click=move |_| { act.dispatch(Act::Publish(n, env)); }>
                                                            {format!("Request {}", env.title())}
                                                        </button>
                                                    })}
                                                }
                                            }).collect_view()}
                                            <button
                                                type="button"
                                                class="link download"
                                                aria-label=format!("Download JSON of {name}")
                                                on:click=move |_| {
                                                    let (id, file) = (c.id(), download_name.clone());
                                                    leptos::task::spawn_local(async move {
                                                        if let Ok(body) = api::version_snapshot(&id, n).await {
                                                            download(&file, "application/json", &body);
                                                        }
                                                    });
                                                }
                                            >
                                                "Download JSON"
                                            </button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }
                .into_any()
            })}
            <p role="status" id="version-status">
                {move || match act.value().get() {
                    Some(Ok(())) => done.get(),
                    Some(Err(e)) => e.message(),
                    None => String::new(),
                }}
            </p>
            <Show when=move || editable.get()>
                <h3>"Add New Configuration"</h3>
                <p class="hint" id="version-label-hint">"A new version starts from the current one. Give it a label you will recognise, e.g. “Production URLs for release 2”."</p>
                <label for="version-label">"Label"</label>
                <input
                    id="version-label"
                    type="text"
                    autocomplete="off"
                    aria-describedby="version-label-hint version-label-findings"
                    aria-invalid=move || (touched.get() && label_check.with(|c| c.is_error())).to_string()
                    prop:value=label
                    on:input=move |ev| label.set(event_target_value(&ev))
                    on:blur=move |_| touched.set(true)
                />
                <Findings id="version-label-findings".into() findings=Signal::derive(move || label_check.with(|c| c.findings.clone())) show=touched.into() />
                <button
                    type="button"
                    class="primary"
                    id="add-version"
                    disabled=move || pending() || label_check.with(|c| c.is_error())
                    on:click=move |_| {
                        act.dispatch(Act::Add(label.get_untracked()));
                        label.set(String::new());
                        touched.set(false);
                    }
                >
                    "Add New Configuration"
                </button>
            </Show>
        </section>
    }
}
