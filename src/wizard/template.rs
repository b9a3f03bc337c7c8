//! Step 1: template and app type, the license notes and the default configuration.

use super::frame::StepFrame;
use super::W;
use crate::draft::Step;
use crate::ui::{ConfigTable, LicenseNotes};
use appreg_core::{license_notes, AppType, Template};
use leptos::prelude::*;

#[component]
pub(super) fn TemplateStep(w: W) -> impl IntoView {
    let company = Memo::new(move |_| w.ctx.partner().get().map(|p| p.name).unwrap_or_default());
    let draft = w.draft;
    let app_type = Memo::new(move |_| draft.with(|d| d.app_type));
    let fixed = Memo::new(move |_| w.template.get().and_then(Template::fixed_app_type));
    let notes = Signal::derive(move || {
        w.template
            .get()
            .map(|t| license_notes(t, app_type.get()))
            .unwrap_or_default()
    });
    view! {
        <StepFrame w=w step=Step::Template title="Choose a template and app type">
            <fieldset class="cards">
                <legend>"Template"</legend>
                {Template::ALL
                    .into_iter()
                    .map(|t| {
                        let id = format!("template-{}", t.id());
                        let for_id = id.clone();
                        view! {
                            <label class="card" class:selected=move || w.template.get() == Some(t) for=for_id>
                                <input
                                    type="radio"
                                    name="template"
                                    id=id
                                    value=t.id()
                                    prop:checked=move || w.template.get() == Some(t)
                                    on:change=move |ev| {
                                        let c = company.get_untracked();
                                        let dropped = w.draft.with_untracked(|d| d.urls_dropped_by(t));
                                        if dropped > 0 && !confirm_switch(t, dropped) {
                                            // Stay: the radios go back to the template still chosen.
                                            let input: web_sys::HtmlInputElement = event_target(&ev);
                                            input.set_checked(false);
                                            if let Some(old) = w.template.get_untracked().and_then(|o| {
                                                crate::ui::by_id(&format!("template-{}", o.id()))
                                            }) {
                                                let old: web_sys::HtmlInputElement = wasm_bindgen::JsCast::unchecked_into(old);
                                                old.set_checked(true);
                                            }
                                            return;
                                        }
                                        w.edit(|d| d.choose_template(t, &c));
                                    }
                                />
                                <span class="card-title">{t.title()}</span>
                                <span class="card-desc">{t.description()}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <fieldset class="app-type" aria-describedby="app-type-note">
                <legend>"App type"</legend>
                {[AppType::Custom, AppType::Standard]
                    .into_iter()
                    .map(|a| {
                        let id = format!("app-type-{}", a.id());
                        let for_id = id.clone();
                        view! {
                            <label for=for_id>
                                <input
                                    type="radio"
                                    name="app-type"
                                    id=id
                                    value=a.id()
                                    prop:checked=move || app_type.get() == a
                                    disabled=move || fixed.get().is_some_and(|f| f != a)
                                    on:change=move |_| w.edit(|d| d.app_type = a)
                                />
                                {a.title()}
                            </label>
                        }
                    })
                    .collect_view()}
                <p id="app-type-note" class="hint">
                    {move || match (w.template.get(), fixed.get()) {
                        (Some(t), Some(f)) => format!("A {} app is always {}.", t.title(), f.title()),
                        _ => "Custom apps are made for one customer; standard apps are listed in the App Store.".to_string(),
                    }}
                </p>
            </fieldset>
            <LicenseNotes notes=notes />
            {move || w.template.get().map(|t| view! { <ConfigTable template=t /> })}
        </StepFrame>
    }
}

/// Asks before a template switch drops redirect URLs the user entered.
fn confirm_switch(t: Template, dropped: usize) -> bool {
    let what = if dropped == 1 {
        "the redirect URL you entered".to_string()
    } else {
        format!("the {dropped} redirect URLs you entered")
    };
    let question = format!(
        "A {} app has no redirect URLs, so switching drops {what}. Switch anyway?",
        t.title()
    );
    web_sys::window()
        .and_then(|w| w.confirm_with_message(&question).ok())
        .unwrap_or(true)
}
