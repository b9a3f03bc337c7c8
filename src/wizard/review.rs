//! Step 5: the summary, "Create Application", and what happened to it (sent, queued, refused).

use super::frame::StepFrame;
use super::W;
use crate::draft::Step;
use crate::routes::Route;
use crate::state::CreateStatus;
use crate::ui::{ConfigTable, LicenseNotes};
use appreg_core::license_notes;
use leptos::prelude::*;

#[component]
pub(super) fn ReviewStep(w: W) -> impl IntoView {
    let ctx = w.ctx;
    let summary = Memo::new(move |_| {
        w.validated
            .with(|v| v.as_ref().and_then(|v| v.canonical.clone()))
    });
    let ok = Memo::new(move |_| w.ok(Step::Review));
    let busy = Memo::new(move |_| {
        matches!(
            ctx.status().get(),
            CreateStatus::Sending | CreateStatus::Queued
        )
    });
    let create = move |_| {
        if let Some(body) = summary.get_untracked() {
            ctx.create(body);
        }
    };
    let notes = Signal::derive(move || {
        summary
            .get()
            .map(|s| license_notes(s.template, s.app_type))
            .unwrap_or_default()
    });
    view! {
        <StepFrame w=w step=Step::Review title="Review and create">
            {move || summary.get().map(|s| {
                let t = s.template;
                let urls = (!s.redirect_urls.is_empty()).then(|| view! {
                    <dt>"Redirect URLs"</dt>
                    <dd>
                        <ul class="plain">
                            {s.redirect_urls.iter().map(|u| view! { <li><code>{u.clone()}</code></li> }).collect_view()}
                        </ul>
                    </dd>
                });
                let eps = t.endpoints().iter().map(|k| {
                    let ep = match k {
                        appreg_core::EndpointKind::Mirroring => s.endpoints.mirroring.clone(),
                        appreg_core::EndpointKind::ErpSync => s.endpoints.erp_sync.clone(),
                        appreg_core::EndpointKind::Quote => s.endpoints.quote.clone(),
                    }.unwrap_or_default();
                    let text = if ep.enabled { format!("On: {}", ep.url) } else if ep.url.is_empty() { "Off".to_string() } else { format!("Off ({})", ep.url) };
                    view! { <dt>{k.title()}</dt><dd>{text}</dd> }
                }).collect_view();
                view! {
                    <dl class="summary" id="summary">
                        <dt>"Template"</dt><dd>{t.title()}</dd>
                        <dt>"App type"</dt><dd>{s.app_type.title()}</dd>
                        <dt>"Application name"</dt><dd>{s.name.clone()}</dd>
                        {urls}
                        {eps}
                        <dt>"Technical contact"</dt><dd>{s.technical_contact.clone()}</dd>
                    </dl>
                    <ConfigTable template=t />
                }
            })}
            <LicenseNotes notes=notes />
            <div class="create">
                <button
                    type="button"
                    class="primary"
                    id="create-app"
                    disabled=move || !ok.get() || busy.get()
                    on:click=create
                >
                    {move || if ctx.status().get() == CreateStatus::Sending { "Creating…" } else { "Create Application" }}
                </button>
                <div id="create-status" role="status" aria-live="polite">
                    {move || match ctx.status().get() {
                        CreateStatus::Queued if !ctx.online().get() => view! {
                            <p class="alert queued" id="queued-notice">
                                "Queued: you are offline. The application is created once, automatically, when your connection is back. You can keep this page open or come back later."
                            </p>
                        }.into_any(),
                        CreateStatus::Queued => view! {
                            <p class="alert queued" id="queued-notice">
                                "Queued: the server could not be reached. "
                                <button type="button" class="link" on:click=move |_| ctx.flush_queue()>"Try again now"</button>
                            </p>
                        }.into_any(),
                        CreateStatus::Failed(e) => {
                            let errors = e.field_errors();
                            view! {
                                <div class="alert error" role="alert">
                                    <p>{e.message()}</p>
                                    <ul>
                                        {errors.into_iter().map(|fe| {
                                            let step = Step::of_field(&fe.field);
                                            view! {
                                                <li>
                                                    <span class="rule">{fe.rule.id()}</span>" "{fe.message}" "
                                                    <a href=Route::Wizard(step).href()>"Fix it"</a>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                </div>
                            }.into_any()
                        }
                        _ => ().into_any(),
                    }}
                </div>
            </div>
        </StepFrame>
    }
}
