//! appreg-core: the domain of app registration — templates and their default configuration, the API's
//! request and response types, and every validation rule of `rules.md`. Pure Rust with no I/O, so the
//! same code runs in the browser (wasm32) and on the server and CLI (native).

pub mod api;
pub mod app_store;
mod capabilities;
pub mod catalogue;
mod contact;
mod cors;
mod error_emails;
pub mod field;
mod finding;
mod keys_and_publishing;
pub mod lifecycle;
mod matcher;
mod name;
pub mod notifications;
mod pattern;
mod redirect;
mod registration;
pub mod template;
pub mod tickets;
mod urlparts;
pub mod versions;

pub use app_store::{
    app_store_name_taken, app_store_name_taken_finding, blocks_publish, blocks_save,
    check_app_store, check_logo, check_screenshot, sniff_image, AppStoreFinding, AppStoreInfo,
    AppStoreState, Gate, ImageRef, CATEGORIES, LANGUAGES,
};
pub use capabilities::{allowed_capabilities, check_capabilities, consent_required};
pub use catalogue::rules_markdown;
pub use contact::check_contact_email;
pub use cors::{check_cors_list, check_cors_origin, check_endpoint_url};
pub use error_emails::{check_error_email, check_error_emails};
pub use field::{AppStoreField, AppStoreList, FieldPath, UrlList};
pub use finding::{Check, Finding, Rule, Severity, Verdict};
pub use keys_and_publishing::{
    check_certificate_request, check_publish_request, check_reject_reason, check_secret_request,
    check_token_request, MAX_PUBLISH_TEXT, MAX_SECRET_DESCRIPTION,
};
pub use matcher::{match_redirect, MatchOutcome};
pub use name::{check_name, name_key, name_taken, name_taken_finding, MAX_NAME_CHARS};
#[doc(hidden)]
pub use pattern::compiles_on_this_thread as pattern_compiles_on_this_thread;
pub use redirect::{check_redirect_list, check_redirect_url, required_finding, MAX_URL_CHARS};
pub use registration::{
    endpoint_findings, environment_url_findings, field_error, field_findings,
    redirect_list_findings, validate_patch, validate_registration, Validated,
};
pub use template::{
    license_notes, AppType, Capability, EndpointKind, Environment, LicenseNote, RedirectStep,
    Template, MAX_URLS, NATIVE_LOOPBACK_PATTERN, SEED_LOOPBACK_PATTERN,
};
pub use tickets::{
    check_attachments, check_ticket_message, sniff_attachment, ticket_subject, ticket_transition,
    Attachment, NewTicketMessage, Ticket, TicketEvent, TicketFilter, TicketMessage, TicketState,
    TicketSummary, UnreadCounts, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES, MAX_TICKET_MESSAGE,
};
pub use versions::{
    check_version_label, describe, diff, version_editable, version_transition, AppConfig,
    ChangeEntry, EnvironmentUrls, FieldChange, NewVersion, PublishVersion, UrlSet, VersionEvent,
    VersionInfo, VersionSnapshot, VersionState, MAX_VERSION_LABEL,
};

use api::CheckKind;

/// Checks values of one kind as `appreg check` and `POST /api/v1/check` do: redirect URLs as one list,
/// CORS origins as one list, names and endpoints (taken as switched On) one by one.
pub fn check_values<S: AsRef<str>>(
    kind: CheckKind,
    template: Template,
    values: &[S],
) -> Vec<Check> {
    match kind {
        CheckKind::Redirect => check_redirect_list(values, template),
        CheckKind::Cors => check_cors_list(values),
        CheckKind::Name => values.iter().map(|v| check_name(v.as_ref())).collect(),
        CheckKind::Endpoint => values
            .iter()
            .map(|v| check_endpoint_url(v.as_ref(), true))
            .collect(),
    }
}
