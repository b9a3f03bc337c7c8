//! Step 3 for Mirroring and ERP sync and quote: the integration endpoints with Off/On.

use super::W;
use crate::rules;
use crate::ui::Findings;
use appreg_core::{Check, Template};
use leptos::prelude::*;

#[component]
pub(super) fn EndpointsEditor(w: W) -> impl IntoView {
    let draft = w.draft;
    let kinds = move || {
        w.template
            .get()
            .map(Template::endpoints)
            .unwrap_or_default()
    };
    view! {
        <p class="hint" id="endpoints-hint">
            "Switch an endpoint On to give its https:// URL now, or leave it Off: endpoints can be added later on the app page."
        </p>
        {move || {
            kinds()
                .iter()
                .map(|&kind| {
                    let ep = Memo::new(move |_| draft.with(|d| d.endpoint(kind)));
                    // `None` while the rules load (the step says so).
                    let check = Memo::new(move |_| ep.with(|e| rules::endpoint(e.url.clone(), e.enabled)));
                    let touched = RwSignal::new(false);
                    let show = Signal::derive(move || {
                        touched.get() || ep.with(|e| !e.url.is_empty() || e.enabled)
                    });
                    let id = format!("ep-{}", kind.id());
                    let for_id = id.clone();
                    let fid = format!("ep-{}-findings", kind.id());
                    view! {
                        <fieldset class="endpoint">
                            <legend id=format!("ep-{}-legend", kind.id())>{kind.title()}</legend>
                            <button
                                type="button"
                                role="switch"
                                class="toggle"
                                id=format!("ep-{}-toggle", kind.id())
                                aria-labelledby=format!("ep-{0}-legend ep-{0}-toggle", kind.id())
                                aria-checked=move || ep.with(|e| e.enabled).to_string()
                                on:click=move |_| w.edit(|d| {
                                    let slot = d.endpoint_slot(kind).get_or_insert_with(Default::default);
                                    slot.enabled = !slot.enabled;
                                })
                            >
                                {move || if ep.with(|e| e.enabled) { "On" } else { "Off" }}
                            </button>
                            <label for=for_id>"Endpoint URL"</label>
                            <input
                                id=id
                                type="text"
                                inputmode="url"
                                autocomplete="off"
                                spellcheck="false"
                                aria-describedby=format!("endpoints-hint {fid}")
                                aria-invalid=move || (show.get() && check.with(|c| c.as_ref().is_some_and(Check::is_error))).to_string()
                                prop:value=move || ep.with(|e| e.url.clone())
                                on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    w.edit(|d| {
                                        d.endpoint_slot(kind).get_or_insert_with(Default::default).url = v;
                                    })
                                }
                                on:blur=move |_| touched.set(true)
                            />
                            <Findings
                                id=fid
                                findings=Signal::derive(move || check.with(|c| c.as_ref().map(|c| c.findings.clone()).unwrap_or_default()))
                                show=show
                            />
                        </fieldset>
                    }
                })
                .collect_view()
        }}
    }
}
