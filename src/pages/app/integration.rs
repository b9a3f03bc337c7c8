//! Integration: the endpoints with On/Off and URL, "Send error e-mails" with its recipients (the
//! list editor), and the technical contact with the type-ahead — saved together with `If-Match`.

use super::{conflicted, use_console, SaveBar};
use crate::list_editor::{ListEditor, ListIds, LocalList};
use crate::ui::{self, Findings};
use appreg_core::api::{
    Application, ApplicationPatch, Endpoint, Endpoints, ErrorEmails, FieldError,
    MAX_ERROR_EMAIL_RECIPIENTS,
};
use appreg_core::{
    check_contact_email, check_endpoint_url, check_error_email, check_error_emails, Check,
    EndpointKind, FieldPath,
};
use leptos::prelude::*;

fn endpoint(eps: &Endpoints, kind: EndpointKind) -> Endpoint {
    match kind {
        EndpointKind::Mirroring => &eps.mirroring,
        EndpointKind::ErpSync => &eps.erp_sync,
        EndpointKind::Quote => &eps.quote,
    }
    .clone()
    .unwrap_or_default()
}

fn endpoint_slot(eps: &mut Endpoints, kind: EndpointKind) -> &mut Option<Endpoint> {
    match kind {
        EndpointKind::Mirroring => &mut eps.mirroring,
        EndpointKind::ErpSync => &mut eps.erp_sync,
        EndpointKind::Quote => &mut eps.quote,
    }
}

fn endpoint_text(ep: &Endpoint) -> String {
    match (ep.enabled, ep.url.is_empty()) {
        (true, _) => format!("On: {}", ep.url),
        (false, true) => "Off".to_string(),
        (false, false) => format!("Off ({})", ep.url),
    }
}

#[component]
pub(super) fn Integration() -> impl IntoView {
    let c = use_console();
    let body = if c.editable.get_untracked() {
        view! { <IntegrationEditor /> }.into_any()
    } else {
        view! { <IntegrationView /> }.into_any()
    };
    view! {
        <section aria-labelledby="section-title">
            <h2 id="section-title" tabindex="-1">"Integration"</h2>
            {body}
        </section>
    }
}

/// The read-only view (Marketing, an app manager, a deactivated app).
#[component]
fn IntegrationView() -> impl IntoView {
    let app = use_console().app;
    let kinds = app.with_untracked(|a| a.template.endpoints());
    view! {
        <dl class="summary" id="integration-summary">
            {kinds.iter().map(|&k| view! {
                <dt>{k.title()}</dt>
                <dd class="endpoint-state">{move || app.with(|a| endpoint_text(&endpoint(&a.endpoints, k)))}</dd>
            }).collect_view()}
            {(!kinds.is_empty()).then(|| view! {
                <dt>"Send error e-mails"</dt>
                <dd>{move || app.with(|a| {
                    let e = &a.error_emails;
                    if e.send { format!("On: {}", e.recipients.join(", ")) } else { "Off".to_string() }
                })}</dd>
            })}
            <dt>"Technical contact"</dt>
            <dd>{move || app.with(|a| a.technical_contact.clone())}</dd>
        </dl>
    }
}

#[component]
fn IntegrationEditor() -> impl IntoView {
    let c = use_console();
    let a: Application = c.app.get_untracked();
    let template = a.template;
    let kinds = template.endpoints();
    let endpoints = RwSignal::new(a.endpoints.clone());
    let send = RwSignal::new(a.error_emails.send);
    let recipients = LocalList::new(&a.error_emails.recipients);
    let contact = RwSignal::new(a.technical_contact.clone());
    let error_emails = move || ErrorEmails {
        send: send.get(),
        recipients: recipients.values(),
    };
    let patch = move || ApplicationPatch {
        endpoints: (!kinds.is_empty()).then(|| endpoints.get()),
        error_emails: (!kinds.is_empty()).then(error_emails),
        technical_contact: Some(contact.get()),
        ..Default::default()
    };
    let email_errors = Memo::new(move |_| check_error_emails(template, &error_emails()));
    // Each recipient's check: its syntax and its place in the list (duplicates) from the core rule.
    let recipient_checks = Signal::derive(move || {
        let errs = email_errors.get();
        recipients
            .values()
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let own = check_error_email(r);
                let findings = FieldError::findings_at(&errs, FieldPath::ErrorEmailRecipient(i));
                Check::new(r, own.canonical, findings)
            })
            .collect::<Vec<Check>>()
    });
    let list_findings = Signal::derive(move || {
        email_errors.with(|v| FieldError::findings_at(v, FieldPath::ErrorEmails))
    });
    let contact_check = Memo::new(move |_| check_contact_email(&contact.get()));
    let errors = Memo::new(move |_| {
        let eps = endpoints.get();
        kinds.iter().any(|&k| {
            let ep = endpoint(&eps, k);
            check_endpoint_url(&ep.url, ep.enabled).is_error()
        }) || email_errors.with(|e| e.iter().any(FieldError::is_error))
            || contact_check.with(Check::is_error)
    });
    let save = c.saver();
    let conflict = conflicted(save);
    view! {
        <p class="hint" id="integration-hint">"Switch an endpoint On to give its https:// URL, or leave it Off."</p>
        {kinds.iter().map(|&kind| {
            let ep = Memo::new(move |_| endpoints.with(|e| endpoint(e, kind)));
            let check = Memo::new(move |_| ep.with(|e| check_endpoint_url(&e.url, e.enabled)));
            let show = Signal::derive(move || ep.with(|e| !e.url.is_empty() || e.enabled));
            let id = format!("app-ep-{}", kind.id());
            let fid = format!("{id}-findings");
            view! {
                <fieldset class="endpoint">
                    <legend id=format!("{id}-legend")>{kind.title()}</legend>
                    <button
                        type="button"
                        role="switch"
                        class="toggle"
                        id=format!("{id}-toggle")
                        aria-labelledby=format!("{id}-legend {id}-toggle")
                        aria-checked=move || ep.with(|e| e.enabled).to_string()
                        on:click=move |_| endpoints.update(|e| {
                            let slot = endpoint_slot(e, kind).get_or_insert_with(Default::default);
                            slot.enabled = !slot.enabled;
                        })
                    >
                        {move || if ep.with(|e| e.enabled) { "On" } else { "Off" }}
                    </button>
                    <label for=id.clone()>"Endpoint URL"</label>
                    <input
                        id=id.clone()
                        type="text"
                        inputmode="url"
                        autocomplete="off"
                        spellcheck="false"
                        aria-describedby=format!("integration-hint {fid}")
                        aria-invalid=move || (show.get() && check.with(Check::is_error)).to_string()
                        prop:value=move || ep.with(|e| e.url.clone())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            endpoints.update(|e| endpoint_slot(e, kind).get_or_insert_with(Default::default).url = v);
                        }
                    />
                    <Findings id=fid findings=Signal::derive(move || check.with(|c| c.findings.clone())) show=show />
                </fieldset>
            }
        }).collect_view()}
        {(!kinds.is_empty()).then(|| view! {
            <fieldset class="error-emails">
                <legend id="error-emails-legend">"Send error e-mails"</legend>
                <button
                    type="button"
                    role="switch"
                    class="toggle"
                    id="error-emails-toggle"
                    aria-labelledby="error-emails-legend error-emails-toggle"
                    aria-checked=move || send.get().to_string()
                    on:click=move |_| send.update(|s| *s = !*s)
                >
                    {move || if send.get() { "On" } else { "Off" }}
                </button>
                <p class="hint" id="error-emails-hint">"Who is mailed when an integration call fails: up to 10 addresses."</p>
                <ListEditor
                    ids=ListIds { entry: "error-email", count: "error-email-count", add: "error-email-add", findings: "error-emails-findings", hint: "error-emails-hint" }
                    noun="Recipient"
                    entries=recipients.entries()
                    edit=recipients.edits()
                    checks=recipient_checks
                    list_findings=list_findings
                    max=MAX_ERROR_EMAIL_RECIPIENTS
                    kind="email"
                />
            </fieldset>
        })}
        <ContactPicker contact=contact check=contact_check />
        <SaveBar id="save-integration" status_id="integration-status" label="Save integration" save=save blocked=errors patch=Callback::new(move |_| patch()) />
        {move || conflict.get().then(|| view! {
            <div class="theirs" id="conflict-theirs"><p>"Their version, saved now:"</p><IntegrationView /></div>
        })}
    }
}

/// The technical contact: a user of the app's partner, found by the start of their e-mail address.
#[component]
fn ContactPicker(contact: RwSignal<String>, check: Memo<Check>) -> impl IntoView {
    let partner = use_console().app.with_untracked(|a| a.partner_id.clone());
    let suggestions =
        ui::contact_suggestions(contact.into(), Signal::derive(move || partner.clone()));
    view! {
        <label for="app-contact">"Technical contact's email"</label>
        <input
            id="app-contact"
            type="email"
            autocomplete="off"
            aria-describedby="app-contact-hint app-contact-findings"
            aria-controls="app-contact-options"
            aria-invalid=move || check.with(Check::is_error).to_string()
            prop:value=contact
            on:input=move |ev| contact.set(event_target_value(&ev))
        />
        <p id="app-contact-hint" class="hint">"Type the start of a colleague's email address and pick them from the list. They must be a user of your partner."</p>
        <Findings id="app-contact-findings".into() findings=Signal::derive(move || check.with(|c| c.findings.clone())) show=Signal::derive(|| true) />
        <ul id="app-contact-options" class="options" aria-label="Matching users">
            {move || suggestions.get().into_iter().map(|u| {
                let email = u.email.clone();
                view! {
                    <li>
                        <button type="button" class="option" on:click=move |_| contact.set(email.clone())>
                            <strong>{u.name}</strong>" "<span>{u.email}</span>
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
