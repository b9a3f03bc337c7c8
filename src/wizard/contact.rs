//! Step 4: the technical contact (me by default, or a colleague found by email prefix).

use super::frame::StepFrame;
use super::W;
use crate::draft::Step;
use crate::ui::{self, Findings};
use appreg_core::{check_contact_email, Check};
use leptos::prelude::*;

#[component]
pub(super) fn ContactStep(w: W) -> impl IntoView {
    let draft = w.draft;
    let me = Memo::new(move |_| w.ctx.user().get().map(|m| m.user));
    let contact = Memo::new(move |_| draft.with(|d| d.contact.clone()));
    let editing = RwSignal::new(false);
    let is_me = Memo::new(move |_| {
        !editing.get()
            && me.with(|m| {
                m.as_ref()
                    .is_some_and(|m| m.email.eq_ignore_ascii_case(contact.get().trim()))
            })
    });
    let check = Memo::new(move |_| check_contact_email(&contact.get()));
    let touched = RwSignal::new(false);
    let show = Signal::derive(move || touched.get() || !contact.with(String::is_empty));
    let partner = Memo::new(move |_| draft.with(|d| d.partner.clone()));
    let suggestions = ui::contact_suggestions(contact.into(), partner.into());
    let pick = move |email: String| {
        w.edit(|d| d.contact = email);
        touched.set(true);
    };
    view! {
        <StepFrame w=w step=Step::Contact title="Technical contact">
            {move || {
                if is_me.get() {
                    let user = me.get();
                    view! {
                        <p class="contact-me" id="contact-me">"You will be set as the technical contact."</p>
                        <p class="contact-card">
                            <strong>{user.as_ref().map(|u| u.name.clone())}</strong>
                            " "
                            <span>{user.map(|u| u.email)}</span>
                        </p>
                        <button
                            type="button"
                            id="contact-clear"
                            on:click=move |_| {
                                editing.set(true);
                                w.edit(|d| d.contact.clear());
                            }
                        >
                            "Clear"
                        </button>
                    }
                        .into_any()
                } else {
                    view! {
                        <label for="contact-email">"Technical contact's email"</label>
                        <input
                            id="contact-email"
                            type="email"
                            autocomplete="off"
                            aria-describedby="contact-hint contact-findings"
                            aria-controls="contact-options"
                            aria-invalid=move || (show.get() && check.with(Check::is_error)).to_string()
                            prop:value=contact
                            on:input=move |ev| w.edit(|d| d.contact = event_target_value(&ev))
                            on:blur=move |_| touched.set(true)
                        />
                        <p id="contact-hint" class="hint">
                            "Type the start of a colleague's email address and pick them from the list. They must be a user of your partner."
                        </p>
                        <Findings
                            id="contact-findings".into()
                            findings=Signal::derive(move || check.with(|c| c.findings.clone()))
                            show=show
                        />
                        <ul id="contact-options" class="options" aria-label="Matching users">
                            {move || {
                                suggestions
                                    .get()
                                    .into_iter()
                                    .map(|u| {
                                        let email = u.email.clone();
                                        view! {
                                            <li>
                                                <button type="button" class="option" on:click=move |_| pick(email.clone())>
                                                    <strong>{u.name}</strong>
                                                    " "
                                                    <span>{u.email}</span>
                                                </button>
                                            </li>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </ul>
                        {move || me.get().map(|m| view! {
                            <button
                                type="button"
                                class="link"
                                id="contact-me-again"
                                on:click=move |_| {
                                    editing.set(false);
                                    w.edit(|d| d.contact = m.email.clone());
                                }
                            >
                                "Set me as the technical contact"
                            </button>
                        })}
                    }
                        .into_any()
                }
            }}
        </StepFrame>
    }
}
