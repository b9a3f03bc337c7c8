//! My sessions (the user menu): where I am signed in, and "End" for the other devices.

use crate::api;
use crate::time::Time;
use crate::ui::{self, focus_on_mount, loaded, Shape};
use leptos::html;
use leptos::prelude::*;

/// My sessions: where I am signed in, with "End" for every other device.
#[component]
pub fn Sessions() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let list = ui::read(move || {
        refresh.track();
        api::sessions()
    });
    let end = ui::write(move |id: &String| {
        let id = id.clone();
        async move {
            let r = api::end_session(&id).await;
            refresh.update(|n| *n += 1);
            r
        }
    });
    let heading = NodeRef::<html::H1>::new();
    focus_on_mount(heading);
    view! {
        <section class="sessions" aria-labelledby="sessions-title">
            <h1 id="sessions-title" tabindex="-1" node_ref=heading>"Sessions"</h1>
            <p class="hint">"Where you are signed in. End any session you do not recognise."</p>
            <ul class="plain" id="session-list">
                {loaded(list, Shape::Item, "Loading…", move |items| {
                    items
                        .into_iter()
                        .map(|s| {
                            let id = s.id.clone();
                            let agent = if s.user_agent.is_empty() { "Unknown browser".to_string() } else { s.user_agent };
                            view! {
                                <li class="row wrap">
                                    <span>
                                        <strong>{agent}</strong>
                                        {s.current.then_some(" (this device)")}
                                        <span class="muted">" · "{s.ip}" · signed in "<Time iso=s.created_at.clone() />" · last seen "<Time iso=s.last_seen_at.clone() /></span>
                                    </span>
                                    {(!s.current).then(|| view! {
                                        <button type="button" on:click=move |_| { end.dispatch(id.clone()); }>"End"</button>
                                    })}
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any()
                })}
            </ul>
            {move || end.value().get().and_then(Result::err).map(|e| view! { <p class="alert error" role="alert">{e.message()}</p> })}
        </section>
    }
}
