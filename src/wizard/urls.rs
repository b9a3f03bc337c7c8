//! Step 3 for Web, Native and Server-to-server: the redirect URL list editor.

use super::endpoints::EndpointsEditor;
use super::frame::StepFrame;
use super::W;
use crate::draft::Step;
use crate::list_editor::{ListEdit, ListEditor, ListIds};
use crate::rules;
use appreg_core::api::FieldError;
use appreg_core::{FieldPath, RedirectStep, Template, UrlList, MAX_URLS};
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
    let checks = Signal::derive(move || {
        let t = w.template.get().unwrap_or(Template::Web);
        draft
            .with(|d| rules::redirect_list(d.url_values(), t))
            .unwrap_or_default()
    });
    let list_findings = Signal::derive(move || {
        w.validated.with(|v| {
            FieldError::findings_at(
                v.iter().flat_map(|v| v.findings.iter()),
                FieldPath::List(UrlList::Redirect),
            )
        })
    });
    let entries = Signal::derive(move || {
        draft.with(|d| d.urls.iter().map(|u| (u.id, u.url.clone())).collect())
    });
    let edit = Callback::new(move |e: ListEdit| {
        w.edit(|d| match e {
            ListEdit::Set(id, v) => {
                if let Some(u) = d.urls.iter_mut().find(|u| u.id == id) {
                    u.url = v;
                }
            }
            ListEdit::Add => d.push_url(String::new()),
            ListEdit::Remove(id) => d.urls.retain(|u| u.id != id),
        })
    });
    let hint = move || {
        match w.template.get() {
        Some(Template::Native) => "Loopback http://127.0.0.1 or http://[::1] (any port), https:// URLs, or a private-use scheme such as com.example.app:/callback. The pattern below is the default.",
        Some(Template::ServerToServer) => "Optional: a server-to-server app needs none unless it also signs users in.",
        _ => "The https:// addresses your app receives the sign-in response on. http:// only on 127.0.0.1, [::1] or localhost, for development.",
    }
    };
    let ids = ListIds {
        entry: "redirect-url",
        count: "url-count",
        add: "add-url",
        findings: "redirect-urls-findings",
        hint: "urls-hint",
    };
    view! {
        <p class="hint" id="urls-hint">{hint}" Entries starting with ^ are patterns."</p>
        <ListEditor ids=ids noun="Redirect URL" entries=entries edit=edit checks=checks list_findings=list_findings max=MAX_URLS />
    }
}
