//! Destructive actions behind a confirmation: the button opens an inline alert dialog that names what
//! is affected, with the action and Cancel (which gets the focus, so Enter never destroys by accident).

use leptos::html;
use leptos::prelude::*;

/// A button whose action runs only after "Yes, …" in the dialog it opens.
#[component]
pub fn Confirm(
    /// The trigger button's id; the dialog is `{id}-dialog`.
    id: String,
    /// The trigger's visible text ("Revoke").
    text: &'static str,
    /// The trigger's accessible name, naming the thing ("Revoke the SOD secret ending in 1a2b").
    label: String,
    /// The question the dialog asks, naming the thing and the consequence.
    question: String,
    /// The confirming button's text ("Revoke secret").
    yes: &'static str,
    /// While the action runs (its buttons are disabled).
    pending: Signal<bool>,
    on_yes: Callback<()>,
    /// The trigger's class.
    #[prop(default = "danger-outline")]
    class: &'static str,
    /// The text of the button that keeps things as they are.
    #[prop(default = "Cancel")]
    no: &'static str,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let trigger = NodeRef::<html::Button>::new();
    let cancel = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if open.get() {
            if let Some(c) = cancel.get() {
                let _ = c.focus();
            }
        }
    });
    let close = move || {
        open.set(false);
        if let Some(t) = trigger.get_untracked() {
            let _ = t.focus();
        }
    };
    let dialog = format!("{id}-dialog");
    let question_id = format!("{id}-question");
    // The dialog is drawn only while it is open: a page with a Confirm per row (secrets,
    // certificates) or per wizard step builds one button each, not a hidden dialog each. (A closed
    // disclosure's `aria-controls` may name what is not there yet: `aria-expanded` says it is closed.)
    view! {
        <button
            type="button"
            class=class
            id=id
            node_ref=trigger
            aria-label=label
            aria-expanded=move || open.get().to_string()
            aria-controls=dialog.clone()
            disabled=move || pending.get()
            on:click=move |_| open.set(true)
        >
            {text}
        </button>
        {move || open.get().then(|| view! {
            <div
                class="confirm"
                id=dialog.clone()
                role="alertdialog"
                aria-labelledby=question_id.clone()
                on:keydown=move |ev| if ev.key() == "Escape" { close() }
            >
                <p id=question_id.clone()>{question.clone()}</p>
                <div class="actions">
                    <button
                        type="button"
                        class="danger"
                        disabled=move || pending.get()
                        on:click=move |_| {
                            open.set(false);
                            on_yes.run(());
                        }
                    >
                        {move || if pending.get() { "Working…" } else { yes }}
                    </button>
                    <button type="button" node_ref=cancel on:click=move |_| close()>{no}</button>
                </div>
            </div>
        })}
    }
}
