//! Publishing: the app's requests with their state and the reviewer's reason, and a new request for
//! the environments that may be requested next (core `requestable`).

use super::{use_console, EnvSelect};
use crate::api;
use crate::time::Time;
use crate::ui::{self, loaded, Shape};
use appreg_core::api::{EnvState, NewPublishRequest};
use appreg_core::lifecycle::requestable;
use appreg_core::Environment;
use leptos::prelude::*;

#[component]
pub(super) fn PublishSection() -> impl IntoView {
    let c = use_console();
    let app = c.app;
    let refresh = RwSignal::new(0u32);
    let id = c.id();
    let list = ui::read(move || {
        refresh.track();
        let id = id.clone();
        async move { api::publish_requests(&id).await }
    });
    let allowed = Memo::new(move |_| app.with(|a| requestable(a.app_type, &a.environments)));
    let env = RwSignal::new(Environment::Stage);
    // The picker's choice stays one of the allowed environments.
    Effect::new(move |_| {
        let allowed = allowed.get();
        if !allowed.contains(&env.get_untracked()) {
            if let Some(first) = allowed.first() {
                env.set(*first);
            }
        }
    });
    let message = RwSignal::new(String::new());
    let id = c.id();
    let ask = ui::write(move |req: &NewPublishRequest| {
        let (id, req) = (id.clone(), req.clone());
        async move {
            let r = api::request_publish(&id, &req).await;
            if let Ok(done) = &r {
                // The overview shows the request's state at once, as the server now has it.
                app.update(|a| a.environments.set(done.environment, done.state));
            }
            refresh.update(|n| *n += 1);
            r
        }
    });
    let editable = c.editable;
    view! {
        <section id="sec-publish" aria-labelledby="section-title">
            <h2 id="section-title" tabindex="-1">"Publishing"</h2>
            <p class="hint">"SOD is published at creation. Pick up application keys for all required environments before you request Stage or Production; the configuration is locked while a request is pending."</p>
            <h3>"Requests"</h3>
            <ul class="plain" id="publish-list">
                {loaded(list, Shape::Item, "Loading…", move |items| {
                    if items.is_empty() {
                        return view! { <li class="muted">"No requests yet."</li> }.into_any();
                    }
                    items
                        .into_iter()
                        .map(|r| {
                            let pending = r.state == EnvState::Pending;
                            view! {
                                <li class:pending=pending>
                                    {r.environment.title()}": "<strong>{r.state.id()}</strong>" (requested "<Time iso=r.created_at.clone() />")"
                                    {(!r.message.is_empty()).then(|| view! { <p class="message">"Message: "{r.message.clone()}</p> })}
                                    {r.reason.map(|why| view! { " — "{why} })}
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any()
                })}
            </ul>
            {move || (editable.get()).then(|| {
                if allowed.with(Vec::is_empty) {
                    return view! { <p class="muted" id="nothing-to-request">"Nothing can be requested now: a request is pending, or the app is published everywhere it can be."</p> }.into_any();
                }
                view! {
                    <h3>"Request to publish"</h3>
                    <div class="row wrap">{move || view! { <EnvSelect id="publish-env" env=env envs=allowed.get() /> }}</div>
                    <label for="publish-message">"Message to the reviewer"</label>
                    <textarea id="publish-message" rows="2" prop:value=message on:input=move |ev| message.set(event_target_value(&ev))></textarea>
                    <button
                        type="button"
                        class="primary"
                        id="request-publish"
                        disabled=move || ask.pending().get()
                        on:click=move |_| {
                            ask.dispatch(NewPublishRequest { environment: env.get_untracked(), message: message.get_untracked() });
                        }
                    >
                        {move || if ask.pending().get() { "Requesting…" } else { "Request to publish" }}
                    </button>
                }.into_any()
            })}
            {move || ask.value().get().map(|r| match r {
                Ok(_) => view! { <p role="status">"Requested. An app manager reviews it."</p> }.into_any(),
                Err(e) => view! { <p class="alert error" role="alert">{e.message()}</p> }.into_any(),
            })}
        </section>
    }
}
