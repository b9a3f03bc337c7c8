//! The change log's diff: what changed between two configurations, field by field, and in words.

use super::{AppConfig, FieldChange, UrlSet};
use crate::api::{Endpoint, Endpoints};
use crate::template::{Capability, EndpointKind, Environment};

fn list_change(field: &str, before: &[String], after: &[String]) -> Option<FieldChange> {
    let added: Vec<String> = after
        .iter()
        .filter(|a| !before.contains(a))
        .cloned()
        .collect();
    let removed: Vec<String> = before
        .iter()
        .filter(|b| !after.contains(b))
        .cloned()
        .collect();
    (!added.is_empty() || !removed.is_empty()).then(|| FieldChange {
        field: field.to_string(),
        added,
        removed,
        before: None,
        after: None,
    })
}

fn scalar_change(
    field: &str,
    before: Option<String>,
    after: Option<String>,
) -> Option<FieldChange> {
    (before != after).then(|| FieldChange {
        field: field.to_string(),
        added: Vec::new(),
        removed: Vec::new(),
        before,
        after,
    })
}

fn on_off(on: bool) -> String {
    if on { "On" } else { "Off" }.to_string()
}

/// An endpoint as words: `Off`, `On: https://…`, `Off (https://…)`.
fn endpoint_text(e: &Endpoint) -> String {
    match (e.enabled, e.url.is_empty()) {
        (true, _) => format!("On: {}", e.url),
        (false, true) => "Off".into(),
        (false, false) => format!("Off ({})", e.url),
    }
}

fn endpoint_of(e: &Endpoints, kind: EndpointKind) -> Option<&Endpoint> {
    match kind {
        EndpointKind::Mirroring => e.mirroring.as_ref(),
        EndpointKind::ErpSync => e.erp_sync.as_ref(),
        EndpointKind::Quote => e.quote.as_ref(),
    }
}

const KINDS: [EndpointKind; 3] = [
    EndpointKind::Mirroring,
    EndpointKind::ErpSync,
    EndpointKind::Quote,
];

/// A capability's JSON id (`webapi`, `database_mirroring`).
fn capability_id(c: Capability) -> &'static str {
    match c {
        Capability::WebApi => "webapi",
        Capability::Services88 => "services88",
        Capability::WebhookAgent => "webhook_agent",
        Capability::SystemTokenClaim => "system_token_claim",
        Capability::ErpSyncAgent => "erp_sync_agent",
        Capability::LoopbackRedirectPattern => "loopback_redirect_pattern",
        Capability::NativeOrMobile => "native_or_mobile",
        Capability::DatabaseMirroring => "database_mirroring",
    }
}

fn capability_ids(c: &[Capability]) -> Vec<String> {
    c.iter().map(|c| capability_id(*c).to_string()).collect()
}

/// Field by field, what changed from `before` to `after`; empty when nothing did.
pub fn diff(before: &AppConfig, after: &AppConfig) -> Vec<FieldChange> {
    let mut out = Vec::new();
    out.extend(list_change(
        "capabilities",
        &capability_ids(&before.capabilities),
        &capability_ids(&after.capabilities),
    ));
    out.extend(list_change(
        "redirect_urls",
        &before.redirect_urls,
        &after.redirect_urls,
    ));
    out.extend(list_change(
        "post_logout_urls",
        &before.post_logout_urls,
        &after.post_logout_urls,
    ));
    out.extend(list_change(
        "cors_urls",
        &before.cors_urls,
        &after.cors_urls,
    ));
    for kind in KINDS {
        out.extend(scalar_change(
            &format!("endpoints.{}", kind.id()),
            endpoint_of(&before.endpoints, kind).map(endpoint_text),
            endpoint_of(&after.endpoints, kind).map(endpoint_text),
        ));
    }
    out.extend(scalar_change(
        "technical_contact",
        Some(before.technical_contact.clone()),
        Some(after.technical_contact.clone()),
    ));
    out.extend(scalar_change(
        "error_emails.send",
        Some(on_off(before.error_emails.send)),
        Some(on_off(after.error_emails.send)),
    ));
    out.extend(list_change(
        "error_emails.recipients",
        &before.error_emails.recipients,
        &after.error_emails.recipients,
    ));
    for env in [Environment::Stage, Environment::Production] {
        let (b, a) = (
            before.environment_urls.get(env),
            after.environment_urls.get(env),
        );
        let own = |s: Option<&UrlSet>| {
            Some(
                if s.is_some() {
                    "own URLs"
                } else {
                    "same as SOD"
                }
                .to_string(),
            )
        };
        let prefix = format!("environment_urls.{}", env.id());
        out.extend(scalar_change(&prefix, own(b), own(a)));
        let empty = UrlSet::default();
        let (b, a) = (b.unwrap_or(&empty), a.unwrap_or(&empty));
        out.extend(list_change(
            &format!("{prefix}.redirect_urls"),
            &b.redirect_urls,
            &a.redirect_urls,
        ));
        out.extend(list_change(
            &format!("{prefix}.cors_urls"),
            &b.cors_urls,
            &a.cors_urls,
        ));
    }
    out
}

/// What a list field's entries are called in words, and what a scalar field is called.
fn noun(field: &str) -> String {
    let (env, rest) = match field.strip_prefix("environment_urls.") {
        Some(r) => match r.split_once('.') {
            Some((env, rest)) => (env.parse::<Environment>().ok(), rest),
            None => (r.parse::<Environment>().ok(), ""),
        },
        None => (None, field),
    };
    let base = match rest {
        "capabilities" => "capability".to_string(),
        "redirect_urls" => "redirect URL".into(),
        "post_logout_urls" => "post-logout URL".into(),
        "cors_urls" => "CORS origin".into(),
        "technical_contact" => "Technical contact".into(),
        "error_emails.send" => "Send error e-mails".into(),
        "error_emails.recipients" => "error e-mail recipient".into(),
        "" => "URLs".into(),
        other => match KINDS
            .iter()
            .find(|k| other == format!("endpoints.{}", k.id()))
        {
            Some(EndpointKind::Mirroring) => "Mirroring endpoint".into(),
            Some(EndpointKind::ErpSync) => "ERP Sync endpoint".into(),
            Some(EndpointKind::Quote) => "Quote endpoint".into(),
            None => other.to_string(),
        },
    };
    match env {
        Some(env) => format!("{} {base}", env.title()),
        None => base,
    }
}

/// A capability id in words (`webapi` → `WebAPI`).
fn entry_text(field: &str, entry: &str) -> String {
    if field == "capabilities" {
        if let Some(c) = Capability::ALL
            .into_iter()
            .find(|c| capability_id(*c) == entry)
        {
            return c.title().to_string();
        }
    }
    entry.to_string()
}

/// One change in words: `Added redirect URL https://…`, `Removed CORS origin …`,
/// `Technical contact: a@x → b@y`, `ERP Sync endpoint: Off → On: https://…`.
pub fn describe(change: &FieldChange) -> Vec<String> {
    let what = noun(&change.field);
    let mut out: Vec<String> = change
        .added
        .iter()
        .map(|a| format!("Added {what} {}", entry_text(&change.field, a)))
        .collect();
    out.extend(
        change
            .removed
            .iter()
            .map(|r| format!("Removed {what} {}", entry_text(&change.field, r))),
    );
    if change.before.is_some() || change.after.is_some() {
        let text = |v: &Option<String>| match v.as_deref() {
            None | Some("") => "none".to_string(),
            Some(v) => v.to_string(),
        };
        let mut what = what;
        if let Some(first) = what.get(..1) {
            what = first.to_uppercase() + &what[1..];
        }
        out.push(format!(
            "{what}: {} → {}",
            text(&change.before),
            text(&change.after)
        ));
    }
    out
}
