//! Sign-in: email and password, the throttling message, focus on the heading.

use crate::api;
use crate::state::use_ctx;
use crate::ui::{self, focus_on_mount};
use appreg_core::api::SignIn;
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn SignIn() -> impl IntoView {
    let ctx = use_ctx();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submit = ui::write(move |body: &SignIn| {
        let body = body.clone();
        async move {
            let r = api::sign_in(&body).await;
            if r.is_ok() {
                ctx.refresh_session();
            }
            r
        }
    });
    let error = move || match submit.value().get() {
        Some(Err(e)) if e.status() == Some(401) => {
            Some("The email or password is wrong. Check both and try again.".to_string())
        }
        Some(Err(e)) if e.status() == Some(429) => {
            Some("Too many attempts. Wait a minute before you try again.".to_string())
        }
        Some(Err(e)) => Some(e.message()),
        _ => None,
    };
    let heading = NodeRef::<html::H1>::new();
    focus_on_mount(heading);
    view! {
        <form
            class="sign-in"
            on:submit=move |ev| {
                ev.prevent_default();
                submit.dispatch(SignIn { email: email.get_untracked(), password: password.get_untracked() });
            }
        >
            <h1 tabindex="-1" node_ref=heading>"Sign in to the Developer Portal"</h1>
            <label for="sign-in-email">"Email"</label>
            <input
                id="sign-in-email"
                type="email"
                autocomplete="username"
                required
                prop:value=email
                on:input=move |ev| email.set(event_target_value(&ev))
            />
            <label for="sign-in-password">"Password"</label>
            <input
                id="sign-in-password"
                type="password"
                autocomplete="current-password"
                required
                prop:value=password
                on:input=move |ev| password.set(event_target_value(&ev))
            />
            <p class="error" role="alert" id="sign-in-error">{error}</p>
            <button type="submit" class="primary" id="sign-in" disabled=move || submit.pending().get()>
                {move || if submit.pending().get() { "Signing in…" } else { "Sign in" }}
            </button>
        </form>
    }
}
