//! appreg-web: the Register-an-app wizard (Leptos, client-side rendered).

use appreg_core::{check_name, Verdict};
use leptos::prelude::*;

/// The placeholder page: the application name field, validated as the user types.
#[component]
pub fn App() -> impl IntoView {
    let (name, set_name) = signal(String::new());
    let check = Memo::new(move |_| check_name(&name.get()));
    view! {
        <main class="appreg">
            <h1>"Register an app"</h1>
            <label for="app-name">"Application name"</label>
            <input
                id="app-name"
                type="text"
                aria-describedby="app-name-hint app-name-findings"
                prop:value=name
                on:input=move |ev| set_name.set(event_target_value(&ev))
            />
            <p id="app-name-hint" class="hint">"Give the app a descriptive name."</p>
            <ul id="app-name-findings" class="findings" aria-live="polite">
                {move || {
                    check
                        .get()
                        .findings
                        .into_iter()
                        .map(|f| view! { <li class=f.severity.as_str()>{f.rule.id()}": "{f.message}</li> })
                        .collect_view()
                }}
            </ul>
            <p class="verdict" data-verdict=move || check.get().verdict.as_str()>
                {move || match check.get().verdict {
                    Verdict::Ok => "Looks good.",
                    Verdict::Warning => "Usable, see the warning.",
                    Verdict::Error => "Fix the error to continue.",
                }}
            </p>
        </main>
    }
}
