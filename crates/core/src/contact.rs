//! Technical contact (CONTACT-*): a syntactically valid email address.
//! Membership of the app's partner (CONTACT-MEMBER) is checked by the server.

use crate::finding::{Check, Finding, Rule};

/// Longest accepted address (RFC 5321 path limit less the angle brackets).
pub const MAX_EMAIL_CHARS: usize = 254;

/// Checks an email address; the canonical form is trimmed and lower-cased.
pub fn check_contact_email(input: &str) -> Check {
    let s = input.trim();
    let mut f = Vec::new();
    if let Err(why) = email_syntax(s) {
        f.push(Finding::error(
            Rule::ContactEmail,
            format!("{why} Enter the technical contact's email address, e.g. dev@example.com."),
        ));
    }
    Check::new(input, Some(s.to_lowercase()), f)
}

pub(crate) fn email_syntax(s: &str) -> Result<(), &'static str> {
    if s.is_empty() {
        return Err("The email address is empty.");
    }
    if s.chars().count() > MAX_EMAIL_CHARS {
        return Err("The email address is longer than 254 characters.");
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return Err("The email address has no '@'.");
    };
    if local.is_empty() || local.len() > 64 {
        return Err("The part before '@' must be 1 to 64 characters long.");
    }
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(
            "The part before '@' cannot start or end with a dot or have two dots in a row.",
        );
    }
    if !local.chars().all(|c| atext(c) || c == '.') {
        return Err("The part before '@' contains a character that is not allowed.");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err("The domain after '@' needs at least one dot, e.g. example.com.");
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if !labels.iter().all(|l| label_ok(l)) {
        return Err("The domain after '@' is not a valid host name.");
    }
    Ok(())
}
