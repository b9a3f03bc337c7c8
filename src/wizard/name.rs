//! Step 2: the application name, its rules and the server's availability answer.

use super::frame::StepFrame;
use super::W;
use crate::draft::Step;
use crate::ui::{has_error, Findings};
use appreg_core::Check;
use leptos::prelude::*;

#[component]
pub(super) fn NameStep(w: W) -> impl IntoView {
    let draft = w.draft;
    let touched = RwSignal::new(false);
    let value = Memo::new(move |_| draft.with(|d| d.name.clone()));
    let findings = Signal::derive(move || {
        let mut f = w.name_check.with(|c| c.findings.clone());
        f.extend(w.taken.get());
        f
    });
    let invalid = Memo::new(move |_| findings.with(|f| has_error(f)));
    let show = Signal::derive(move || touched.get() || !value.with(String::is_empty));
    view! {
        <StepFrame w=w step=Step::Name title="Name your application">
            <label for="app-name">"Application name"</label>
            <input
                id="app-name"
                type="text"
                autocomplete="off"
                aria-describedby="app-name-hint app-name-findings app-name-availability"
                aria-invalid=move || (show.get() && invalid.get()).to_string()
                prop:value=value
                on:input=move |ev| w.edit(|d| d.name = event_target_value(&ev))
                on:blur=move |_| touched.set(true)
            />
            <p id="app-name-hint" class="hint">"Give the app a descriptive name."</p>
            <Findings id="app-name-findings".into() findings=findings show=show />
            <p id="app-name-availability" class="availability" role="status">
                {move || match w.availability.get() {
                    _ if w.name_check.with(Check::is_error) => "",
                    Some(None) => "Checking whether the name is free…",
                    Some(Some(true)) if w.taken.with(Option::is_none) => "The name is free.",
                    Some(Some(false)) => "The name could not be checked now; it is checked again when the app is created.",
                    _ => "",
                }}
            </p>
        </StepFrame>
    }
}
