//! The app manager's review queue: pending publish requests with Approve and Reject.

use crate::api::{self, ApiError};
use crate::routes::{Route, Section};
use crate::time::Time;
use crate::ui::{self, focus_on_mount, loaded, Shape};
use appreg_core::check_reject_reason;
use appreg_core::versions::{describe, diff, AppConfig, VersionState};
use appreg_core::Environment;
use leptos::html;
use leptos::prelude::*;

/// The app manager's queue: pending publish requests with Approve and Reject (with a reason).
#[component]
pub fn PublishQueue() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let list = ui::read(move || {
        refresh.track();
        api::publish_queue("pending")
    });
    let decided = RwSignal::new(None::<Result<String, ApiError>>);
    let decide = ui::write(move |(id, reason): &(String, Option<String>)| {
        let (id, reason) = (id.clone(), reason.clone());
        async move {
            let r = match &reason {
                None => api::approve_publish(&id).await,
                Some(why) => api::reject_publish(&id, why).await,
            };
            decided.set(Some(r.map(|p| {
                format!(
                    "{} ({}): {}.",
                    p.application_name,
                    p.environment.title(),
                    p.state.id()
                )
            })));
            refresh.update(|n| *n += 1);
        }
    });
    let heading = NodeRef::<html::H1>::new();
    focus_on_mount(heading);
    view! {
        <section class="reviews" aria-labelledby="reviews-title">
            <h1 id="reviews-title" tabindex="-1" node_ref=heading>"Publish requests"</h1>
            <p class="hint">"Pending requests, oldest first. Approving publishes that version of the app to the environment; rejecting needs a reason the partner will see."</p>
            <p role="status" id="review-status">
                {move || match decided.get() {
                    Some(Ok(s)) => s,
                    Some(Err(e)) => e.message(),
                    None => String::new(),
                }}
            </p>
            {loaded(list, Shape::Block, "Loading…", move |items| match items {
                items if items.is_empty() => view! { <p class="empty">"No pending requests."</p> }.into_any(),
                items => view! {
                    <ul class="plain review-list" id="review-list">
                        {items.into_iter().map(|r| {
                            let reason = RwSignal::new(String::new());
                            let (a, b) = (r.id.clone(), r.id.clone());
                            let reason_id = format!("reason-{}", r.id);
                            let for_id = reason_id.clone();
                            let label = format!("{} to {}", r.application_name, r.environment.title());
                            view! {
                                <li class="review" aria-label=label.clone()>
                                    <p>
                                        <strong>{r.application_name.clone()}</strong>
                                        " → "{r.environment.title()}
                                        <span class="muted">" · requested "<Time iso=r.created_at.clone() /></span>
                                        " "
                                        <a class="open-app" href=Route::App(r.application_id.clone(), Section::Publishing).href() >"Open "{r.application_name.clone()}</a>
                                    </p>
                                    {(!r.message.is_empty()).then(|| view! { <p class="message">{r.message.clone()}</p> })}
                                    {match (r.is_app_store(), r.version) {
                                        (true, n) => view! {
                                            <p class="diff">
                                                "App Store listing"{n.map(|n| format!(", version {n}"))}": "
                                                <a href=Route::App(r.application_id.clone(), Section::AppStore).href()>"review the listing"</a>
                                            </p>
                                        }.into_any(),
                                        (false, Some(n)) => view! { <RequestDiff app=r.application_id.clone() env=r.environment version=n /> }.into_any(),
                                        (false, None) => ().into_any(),
                                    }}
                                    <label for=for_id>"Reason for rejecting " {label.clone()}</label>
                                    <input id=reason_id type="text" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev)) />
                                    <div class="actions">
                                        <button
                                            type="button"
                                            class="primary"
                                            aria-label=format!("Approve {label}")
                                            disabled=move || decide.pending().get()
                                            on:click=move |_| { decide.dispatch((a.clone(), None)); }
                                        >
                                            "Approve"
                                        </button>
                                        <button
                                            type="button"
                                            aria-label=format!("Reject {label}")
                                            disabled=move || decide.pending().get() || reason.with(|r| check_reject_reason(r).is_error())
                                            on:click=move |_| { decide.dispatch((b.clone(), Some(reason.get_untracked()))); }
                                        >
                                            "Reject"
                                        </button>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any(),
            })}
        </section>
    }
}

/// What approving would change in the environment: the requested version against the one published
/// there now (or against nothing, for a first publication), in the core's words.
#[component]
fn RequestDiff(app: String, env: Environment, version: u32) -> impl IntoView {
    let lines = ui::read(move || {
        let app = app.clone();
        async move { diff_lines(&app, env, version).await }
    });
    view! {
        <div class="diff" aria-label=format!("What changes in {} with version {version}", env.title())>
            <p class="muted">"Version "{version}" against what is in "{env.title()}" now:"</p>
            {loaded(lines, Shape::Block, "Loading what changed…", |lines: Vec<String>| {
                if lines.is_empty() {
                    return view! { <p class="muted">"No configuration changes."</p> }.into_any();
                }
                view! { <ul class="summary-lines">{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul> }.into_any()
            })}
        </div>
    }
}

async fn diff_lines(app: &str, env: Environment, n: u32) -> Result<Vec<String>, ApiError> {
    let versions = api::versions(app).await?;
    let live = versions
        .iter()
        .filter(|v| v.number != n)
        .filter(|v| {
            let state = match env {
                Environment::Sod => v.sod,
                Environment::Stage => v.stage,
                Environment::Production => v.production,
            };
            state == Some(VersionState::Published)
        })
        .map(|v| v.number)
        .max();
    let new = api::version(app, n).await?.config;
    let old = match live {
        Some(b) => api::version(app, b).await?.config,
        None => AppConfig::default(),
    };
    Ok(diff(&old, &new).iter().flat_map(describe).collect())
}
