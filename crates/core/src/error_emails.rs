//! "Send error e-mails" of integration apps (EP-ERROR-EMAIL): who is mailed when an integration fails.
//! A recipient is checked with the technical contact's email syntax.

use crate::api::{ErrorEmails, FieldError, MAX_ERROR_EMAIL_RECIPIENTS};
use crate::contact::email_syntax;
use crate::field::FieldPath;
use crate::finding::{Check, Finding, Rule};
use crate::registration::{field_error, field_findings};
use crate::template::Template;

/// Checks one recipient; the canonical form is trimmed and lower-cased (as the technical contact's).
pub fn check_error_email(input: &str) -> Check {
    let s = input.trim();
    let mut f = Vec::new();
    if let Err(why) = email_syntax(s) {
        f.push(Finding::error(
            Rule::EpErrorEmail,
            format!("{why} Enter the recipient's email address, e.g. ops@example.com."),
        ));
    }
    Check::new(input, Some(s.to_lowercase()), f)
}

/// Checks "Send error e-mails" as a whole for an app of `template`: every recipient a valid address
/// (`error_emails.recipients[i]`), no address twice, at most 10, On with at least one recipient, and
/// only on a template with integration endpoints (`error_emails`).
pub fn check_error_emails(template: Template, e: &ErrorEmails) -> Vec<FieldError> {
    let mut out = Vec::new();
    let error = |message: String| Finding::error(Rule::EpErrorEmail, message);
    if template.endpoints().is_empty() {
        if !e.is_off() {
            out.push(field_error(
                FieldPath::ErrorEmails,
                &error(format!(
                    "A {} app has no integration endpoints, so it sends no error e-mails; switch \
                     Send error e-mails off and remove the recipients.",
                    template.title()
                )),
            ));
        }
        return out;
    }
    if e.send && e.recipients.is_empty() {
        out.push(field_error(
            FieldPath::ErrorEmails,
            &error("Add at least one recipient, or switch Send error e-mails off.".to_string()),
        ));
    }
    if e.recipients.len() > MAX_ERROR_EMAIL_RECIPIENTS {
        out.push(field_error(
            FieldPath::ErrorEmails,
            &error(format!(
                "At most {MAX_ERROR_EMAIL_RECIPIENTS} recipients; remove {}.",
                e.recipients.len() - MAX_ERROR_EMAIL_RECIPIENTS
            )),
        ));
    }
    let mut seen: Vec<String> = Vec::new();
    for (i, r) in e.recipients.iter().enumerate() {
        let c = check_error_email(r);
        out.extend(field_findings(FieldPath::ErrorEmailRecipient(i), &c));
        if let Some(canon) = c.canonical {
            if let Some(first) = seen.iter().position(|s| *s == canon) {
                out.push(field_error(
                    FieldPath::ErrorEmailRecipient(i),
                    &error(format!(
                        "{canon} is already recipient {}; remove the duplicate.",
                        first + 1
                    )),
                ));
            }
            seen.push(canon);
        }
    }
    out
}

/// The form that is stored: each recipient trimmed and lower-cased (an invalid one left as sent).
pub(crate) fn canonical_error_emails(e: &ErrorEmails) -> ErrorEmails {
    ErrorEmails {
        send: e.send,
        recipients: e
            .recipients
            .iter()
            .map(|r| check_error_email(r).canonical.unwrap_or_else(|| r.clone()))
            .collect(),
    }
}
