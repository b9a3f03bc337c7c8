//! Application name rules (NAME-*).

use crate::finding::{Check, Finding, Rule};

/// Longest allowed name, in Unicode scalar values after trimming.
pub const MAX_NAME_CHARS: usize = 64;

const RESTRICTED: &[char] = &[
    '.', ':', ';', '?', '*', '~', '#', '%', '|', '=', '\\', '/', '{', '}', '<', '>', '\'', '"',
    '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}',
];

fn is_control(c: char) -> bool {
    matches!(c as u32, 0x00..=0x1F | 0x7F..=0x9F | 0x200B..=0x200F | 0x2028..=0x202E | 0xFEFF)
}

/// A printable description of a character for messages (`'.'`, `U+200B`).
pub(crate) fn describe_char(c: char) -> String {
    if is_control(c) || c.is_whitespace() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("'{c}'")
    }
}

/// Checks an application name (NAME-TRIM, -EMPTY, -LENGTH, -CHAR, -CONTROL, -SPACES).
/// NAME-TAKEN needs the partner's other names: see [`name_taken`].
pub fn check_name(input: &str) -> Check {
    let mut findings = Vec::new();
    let trimmed = input.trim();
    if trimmed.len() != input.len() {
        findings.push(Finding::info(
            Rule::NameTrim,
            "Leading and trailing spaces are removed.",
        ));
    }
    if trimmed.is_empty() {
        findings.push(Finding::error(
            Rule::NameEmpty,
            "Enter a name for the application, e.g. \"Acme CRM sync\".",
        ));
        return Check::new(input, None, findings);
    }
    let count = trimmed.chars().count();
    if count > MAX_NAME_CHARS {
        findings.push(Finding::error(
            Rule::NameLength,
            format!(
                "The name is {count} characters long; shorten it to {MAX_NAME_CHARS} or fewer."
            ),
        ));
    }
    // Position is 1-based, counted in the name as typed (after trimming).
    let mut seen_restricted: Vec<char> = Vec::new();
    let mut control_reported = false;
    for (i, c) in trimmed.chars().enumerate() {
        if RESTRICTED.contains(&c) && !seen_restricted.contains(&c) {
            seen_restricted.push(c);
            findings.push(Finding::error(
                Rule::NameChar,
                format!(
                    "The character {} at position {} is not allowed in a name; remove it. \
                     Not allowed: . : ; ? * ~ # % | = \\ / {{ }} < > ' \" and curly quotes.",
                    describe_char(c),
                    i + 1
                ),
            ));
        } else if is_control(c) && !control_reported {
            control_reported = true;
            findings.push(Finding::error(
                Rule::NameControl,
                format!(
                    "The name contains an invisible control or formatting character ({}) at position {}; \
                     retype the name without it.",
                    describe_char(c),
                    i + 1
                ),
            ));
        }
    }
    let collapsed = collapse_spaces(trimmed);
    if collapsed.len() != trimmed.len() {
        findings.push(Finding::warning(
            Rule::NameSpaces,
            format!("Several spaces in a row are collapsed into one: \"{collapsed}\"."),
        ));
    }
    Check::new(input, Some(collapsed), findings)
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_space = false;
    for c in s.chars() {
        if c == ' ' {
            if !prev_space {
                out.push(c);
            }
            prev_space = true;
        } else {
            out.push(c);
            prev_space = false;
        }
    }
    out
}

/// The key under which names are compared for NAME-TAKEN: canonical, then case-folded.
pub fn name_key(name: &str) -> String {
    let trimmed = name.trim();
    collapse_spaces(trimmed).to_lowercase()
}

/// NAME-TAKEN: the finding when `name` equals one of the partner's existing app names.
pub fn name_taken<'a>(name: &str, existing: impl IntoIterator<Item = &'a str>) -> Option<Finding> {
    let key = name_key(name);
    existing
        .into_iter()
        .find(|other| name_key(other) == key)
        .map(name_taken_finding)
}

/// The NAME-TAKEN finding for a clash with `other`.
pub fn name_taken_finding(other: &str) -> Finding {
    Finding::error(
        Rule::NameTaken,
        format!(
            "Your partner already has an application called \"{other}\" (names are compared \
             ignoring case); choose a different name."
        ),
    )
}
