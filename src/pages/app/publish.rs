//! Request to publish: the app's requests with their state and reason, and a new request.

use super::EnvSelect;
use crate::api;
use crate::ui::{self, loaded, Shape};
use appreg_core::api::{Application, NewPublishRequest};
use appreg_core::Environment;
use leptos::prelude::*;

/// Publish requests: their state and the reviewer's reason, and a new request.
#[component]
pub(super) fn PublishSection(app_id: String, app: RwSignal<Application>) -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let id = app_id.clone();
    let list = ui::read(move || {
        refresh.track();
        let id = id.clone();
        async move { api::publish_requests(&id).await }
    });
    let env = RwSignal::new(Environment::Stage);
    let message = RwSignal::new(String::new());
    let id = app_id.clone();
    let ask = ui::write(move |req: &NewPublishRequest| {
        let (id, req) = (id.clone(), req.clone());
        async move {
            let r = api::request_publish(&id, &req).await;
            if let Ok(done) = &r {
                // The overview shows the request's state at once, as the server now has it.
                app.update(|a| match done.environment {
                    Environment::Sod => a.environments.sod = done.state,
                    Environment::Stage => a.environments.stage = done.state,
                    Environment::Production => a.environments.production = done.state,
                });
            }
            refresh.update(|n| *n += 1);
            r
        }
    });
    view! {
        <section id="sec-publish" aria-labelledby="publish-title">
            <h3 id="publish-title" tabindex="-1">"Request to publish"</h3>
            <p class="hint">"Pick up application keys for all required environments before you request to publish. The configuration is locked while a request is pending."</p>
            <ul class="plain">
                {loaded(list, Shape::Item, "Loading…", move |items| {
                    items
                        .into_iter()
                        .map(|r| view! {
                            <li>
                                {r.environment.title()}": "<strong>{r.state.id()}</strong>" ("{r.created_at}")"
                                {r.reason.map(|why| view! { " — "{why} })}
                            </li>
                        })
                        .collect_view()
                        .into_any()
                })}
            </ul>
            <div class="row wrap"><EnvSelect id="publish-env" env=env /></div>
            <label for="publish-message">"Message to the reviewer"</label>
            <textarea id="publish-message" rows="2" prop:value=message on:input=move |ev| message.set(event_target_value(&ev))></textarea>
            <button
                type="button"
                class="primary"
                disabled=move || ask.pending().get()
                on:click=move |_| {
                    ask.dispatch(NewPublishRequest { environment: env.get_untracked(), message: message.get_untracked() });
                }
            >
                "Request to publish"
            </button>
            {move || ask.value().get().map(|r| match r {
                Ok(_) => view! { <p role="status">"Requested. An app manager reviews it."</p> }.into_any(),
                Err(e) => view! { <p class="alert error" role="alert">{e.message()}</p> }.into_any(),
            })}
        </section>
    }
}
