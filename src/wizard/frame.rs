//! What every step shares: the stepper and the step's frame (heading, Back / Next / Cancel).

use super::W;
use crate::confirm::Confirm;
use crate::draft::{steps_for, Step};
use crate::routes::Route;
use crate::rules::RulesStatus;
use leptos::html;
use leptos::prelude::*;

#[component]
pub(super) fn Stepper(w: W) -> impl IntoView {
    // On a narrow screen the list gives way to one line: "Step 2 of 5 · Name".
    let compact = move || {
        let t = w.template.get();
        let current = w.step.get();
        let steps = steps_for(t);
        let n = steps
            .iter()
            .position(|s| *s == current)
            .map_or(1, |i| i + 1);
        format!("Step {n} of {} · {}", steps.len(), current.title(t))
    };
    view! {
        <p class="stepper-compact" id="stepper-compact">{compact}</p>
        <nav aria-label="Steps">
            <ol class="stepper">
                {move || {
                    let t = w.template.get();
                    let current = w.step.get();
                    let open = w.open.get();
                    steps_for(t)
                        .into_iter()
                        .enumerate()
                        .map(|(i, s)| {
                            let label = format!("{}. {}", i + 1, s.title(t));
                            let state = if s == current {
                                "current"
                            } else if s < current {
                                "done"
                            } else {
                                "todo"
                            };
                            let body = if s <= open && s != current {
                                view! { <a href=Route::Wizard(s).href()>{label}</a> }.into_any()
                            } else {
                                view! { <span>{label}</span> }.into_any()
                            };
                            view! {
                                <li
                                    class=state
                                    aria-current=(s == current).then_some("step")
                                >
                                    {body}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
        </nav>
    }
}

/// A step: its heading (focused when the step opens), its fields, and Back / Next / Cancel.
#[component]
pub(super) fn StepFrame(
    w: W,
    step: Step,
    title: &'static str,
    children: Children,
) -> impl IntoView {
    let heading = NodeRef::<html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            crate::ui::focus_at_next_frame(h.into());
        }
    });
    let ctx = w.ctx;
    let next = w.neighbour(step, 1);
    let back = w.neighbour(step, -1);
    let ok = Memo::new(move |_| w.ok(step));
    let pristine = Memo::new(move |_| w.draft.with(|d| d.is_pristine()));
    let reason = Memo::new(move |_| (!ok.get()).then(|| w.first_error(step)).flatten());
    view! {
        <section class="step" aria-labelledby="step-title">
            <h2 id="step-title" tabindex="-1" node_ref=heading>
                {title}
            </h2>
            {children()}
            {(step > Step::Name).then(|| view! {
                <RulesStatus
                    loading="Loading the checks for this step…"
                    failed="The checks for this step could not be loaded. Check your connection, then try again."
                />
            })}
            <footer class="step-nav">
                {back.map(|b| view! {
                    <button type="button" id="back" on:click=move |_| ctx.navigate(Route::Wizard(b))>
                        "Back"
                    </button>
                })}
                {next.map(|n| view! {
                    <button
                        type="button"
                        class="primary"
                        id="next"
                        aria-describedby="next-reason"
                        disabled=move || !ok.get()
                        on:click=move |_| if ok.get_untracked() { ctx.navigate(Route::Wizard(n)) }
                    >
                        "Next"
                    </button>
                })}
                {move || if pristine.get() {
                    view! {
                        <button type="button" class="link" id="cancel" on:click=move |_| ctx.cancel()>
                            "Cancel"
                        </button>
                    }.into_any()
                } else {
                    view! {
                        <Confirm
                            id="cancel".into()
                            class="link"
                            text="Cancel"
                            label="Cancel this registration".into()
                            question="Discard this registration? What you entered is deleted from this device.".into()
                            yes="Discard registration"
                            no="Keep editing"
                            pending=Signal::derive(|| false)
                            on_yes=Callback::new(move |_| ctx.cancel())
                        />
                    }.into_any()
                }}
                <p id="next-reason" class="reason" aria-live="polite">{reason}</p>
            </footer>
        </section>
    }
}
