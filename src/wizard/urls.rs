//! Step 3 for Web, Native and Server-to-server: the redirect URL list editor.

use super::endpoints::EndpointsEditor;
use super::frame::StepFrame;
use super::W;
use crate::draft::Step;
use crate::ui::Findings;
use appreg_core::{
    check_redirect_list, Check, FieldPath, Finding, RedirectStep, Rule, Template, UrlList, MAX_URLS,
};
use leptos::prelude::*;

#[component]
pub(super) fn UrlsStep(w: W) -> impl IntoView {
    let endpoints = Memo::new(move |_| {
        w.template.get().map(Template::redirect_step) == Some(RedirectStep::Endpoints)
    });
    move || {
        if endpoints.get() {
            view! {
                <StepFrame w=w step=Step::Urls title="Integration points">
                    <EndpointsEditor w=w />
                </StepFrame>
            }
            .into_any()
        } else {
            view! {
                <StepFrame w=w step=Step::Urls title="Redirect URLs">
                    <UrlList w=w />
                </StepFrame>
            }
            .into_any()
        }
    }
}

#[component]
fn UrlList(w: W) -> impl IntoView {
    let draft = w.draft;
    let checks = Memo::new(move |_| {
        let t = w.template.get().unwrap_or(Template::Web);
        draft.with(|d| check_redirect_list(&d.url_values(), t))
    });
    let count = Memo::new(move |_| draft.with(|d| d.urls.len()));
    let list_findings = Signal::derive(move || {
        w.validated.with(|v| {
            v.iter()
                .flat_map(|v| v.findings.iter())
                .filter(|e| e.field == FieldPath::List(UrlList::Redirect))
                .map(|e| Finding::new(e.rule, e.severity, e.message.clone()))
                .collect()
        })
    });
    let hint = move || {
        match w.template.get() {
        Some(Template::Native) => "Loopback http://127.0.0.1 or http://[::1] (any port), https:// URLs, or a private-use scheme such as com.example.app:/callback. The pattern below is the default.",
        Some(Template::ServerToServer) => "Optional: a server-to-server app needs none unless it also signs users in.",
        _ => "The https:// addresses your app receives the sign-in response on. http:// only on 127.0.0.1, [::1] or localhost, for development.",
    }
    };
    view! {
        <p class="hint" id="urls-hint">{hint}" Entries starting with ^ are patterns."</p>
        <p class="counter" id="url-count" aria-live="polite">
            {move || format!("{} / {MAX_URLS}", count.get())}
        </p>
        <ol class="url-list">
            <For
                each=move || draft.with(|d| d.urls.iter().map(|u| u.id).collect::<Vec<_>>())
                key=|id| *id
                children=move |id| view! { <UrlRow w=w id=id checks=checks /> }
            />
        </ol>
        <Findings id="redirect-urls-findings".into() findings=list_findings show=Signal::derive(|| true) />
        <button
            type="button"
            id="add-url"
            disabled=move || { count.get() >= MAX_URLS }
            on:click=move |_| w.edit(|d| d.push_url(String::new()))
        >
            "Add More"
        </button>
    }
}

#[component]
fn UrlRow(w: W, id: u32, checks: Memo<Vec<Check>>) -> impl IntoView {
    let draft = w.draft;
    let index = Memo::new(move |_| draft.with(|d| d.urls.iter().position(|u| u.id == id)));
    let value = Memo::new(move |_| {
        draft.with(|d| {
            d.urls
                .iter()
                .find(|u| u.id == id)
                .map(|u| u.url.clone())
                .unwrap_or_default()
        })
    });
    let check = Memo::new(move |_| index.get().and_then(|i| checks.with(|c| c.get(i).cloned())));
    let touched = RwSignal::new(false);
    let show = Signal::derive(move || touched.get() || !value.with(String::is_empty));
    // RU-CANONICAL is shown as the "Stored as" line below the findings.
    let findings = Signal::derive(move || {
        check
            .get()
            .map(|c| c.findings)
            .unwrap_or_default()
            .into_iter()
            .filter(|f| f.rule != Rule::RuCanonical)
            .collect()
    });
    let invalid = Memo::new(move |_| check.with(|c| c.as_ref().is_some_and(Check::is_error)));
    let input_id = format!("redirect-url-{id}");
    let for_id = input_id.clone();
    let findings_id = format!("redirect-url-{id}-findings");
    let canonical_id = format!("redirect-url-{id}-canonical");
    let number = move || index.get().map(|i| i + 1).unwrap_or_default();
    view! {
        <li class="url-row">
            <label for=for_id>{move || format!("Redirect URL {}", number())}</label>
            <div class="row">
                <input
                    id=input_id
                    class="redirect-url"
                    type="text"
                    inputmode="url"
                    autocomplete="off"
                    spellcheck="false"
                    aria-describedby=format!("urls-hint {findings_id} {canonical_id}")
                    aria-invalid=move || (show.get() && invalid.get()).to_string()
                    prop:value=value
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        w.edit(|d| {
                            if let Some(u) = d.urls.iter_mut().find(|u| u.id == id) {
                                u.url = v;
                            }
                        })
                    }
                    on:blur=move |_| touched.set(true)
                />
                <button
                    type="button"
                    class="remove"
                    aria-label=move || format!("Remove redirect URL {}", number())
                    on:click=move |_| w.edit(|d| d.urls.retain(|u| u.id != id))
                >
                    "Remove"
                </button>
            </div>
            <Findings id=findings_id findings=findings show=show />
            <p id=canonical_id class="canonical">
                {move || {
                    let c = check.get()?;
                    let canon = c.canonical?;
                    (canon != c.input.trim()).then(|| view! { "Stored as " <code>{canon}</code> })
                }}
            </p>
        </li>
    }
}
