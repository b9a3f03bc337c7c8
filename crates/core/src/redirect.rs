//! Redirect URL rules (RU-*), per entry and per list, against the chosen template's policy.

use crate::finding::{Check, Finding, Rule};
use crate::name::describe_char;
use crate::pattern;
use crate::template::{Template, MAX_URLS};
use crate::urlparts::{self, classify, HostKind};
use std::collections::HashMap;

/// Longest accepted redirect URL, in characters.
pub const MAX_URL_CHARS: usize = 2048;

const DANGEROUS: &[&str] = &["javascript", "data", "vbscript", "file", "blob", "about"];
const RESPONSE_PARAMS: &[&str] = &["code", "state", "error", "id_token", "access_token"];
const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";

/// Checks one redirect URL (or pattern) on its own. List rules (duplicates, count) need
/// [`check_redirect_list`].
pub fn check_redirect_url(input: &str, template: Template) -> Check {
    let mut f = Vec::new();
    let canonical = entry(input, template, &mut f);
    Check::new(input, canonical, f)
}

/// Checks a list of redirect URLs as one: every entry, then RU-DUPLICATE, RU-NEAR-DUPLICATE and
/// RU-COUNT (which goes on each entry past the limit; a Mirroring app allows none).
pub fn check_redirect_list<S: AsRef<str>>(inputs: &[S], template: Template) -> Vec<Check> {
    let mut checks: Vec<Check> = inputs
        .iter()
        .map(|s| check_redirect_url(s.as_ref(), template))
        .collect();
    let max = if template.allows_redirect_urls() {
        MAX_URLS
    } else {
        0
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut seen_loose: HashMap<String, usize> = HashMap::new();
    for (i, check) in checks.iter_mut().enumerate() {
        if i >= max {
            check.push(count_finding(template, i + 1));
        }
        let Some(canon) = check.canonical.clone() else {
            continue;
        };
        if let Some(&first) = seen.get(&canon) {
            check.push(Finding::error(
                Rule::RuDuplicate,
                format!(
                    "This is the same URL as entry {}; remove one of them.",
                    first + 1
                ),
            ));
            continue;
        }
        seen.insert(canon.clone(), i);
        if !canon.starts_with('^') {
            let loose = canon.trim_end_matches('/').to_string();
            if let Some(&first) = seen_loose.get(&loose) {
                check.push(Finding::warning(
                    Rule::RuNearDuplicate,
                    format!(
                        "This differs from entry {} only by a trailing '/'. Sign-in compares URLs exactly, \
                         so keep only the form your app sends.",
                        first + 1
                    ),
                ));
            } else {
                seen_loose.insert(loose, i);
            }
        }
    }
    checks
}

fn count_finding(template: Template, n: usize) -> Finding {
    if template.allows_redirect_urls() {
        Finding::error(
            Rule::RuCount,
            format!("At most {MAX_URLS} redirect URLs are allowed and this is number {n}; remove it or another entry."),
        )
    } else {
        Finding::error(
            Rule::RuCount,
            format!(
                "A {} app has no redirect URLs; remove this entry.",
                template.title()
            ),
        )
    }
}

/// The list-level finding when a template needs at least one redirect URL and the list has none.
pub fn required_finding(template: Template) -> Finding {
    Finding::error(
        Rule::RuCount,
        format!(
            "A {} needs at least one redirect URL: add the address your app receives the sign-in response on.",
            template.title()
        ),
    )
}

/// Checks one entry, pushing findings; returns the canonical form.
fn entry(input: &str, template: Template, f: &mut Vec<Finding>) -> Option<String> {
    let s = input.trim();
    if s.len() != input.len() {
        f.push(Finding::info(
            Rule::RuTrim,
            "Leading and trailing spaces are removed.",
        ));
    }
    if s.is_empty() {
        f.push(Finding::error(
            Rule::RuEmpty,
            "Enter a redirect URL, e.g. https://app.example.com/callback, or remove this entry.",
        ));
        return None;
    }
    let chars = s.chars().count();
    if chars > MAX_URL_CHARS {
        f.push(Finding::error(
            Rule::RuLength,
            format!("The URL is {chars} characters long; at most {MAX_URL_CHARS} are allowed."),
        ));
        return None;
    }
    let whitespace = whitespace_inside(s, f);
    if s.starts_with('^') {
        pattern::check_pattern(s, template, f);
        return Some(s.to_string());
    }
    if s.eq_ignore_ascii_case(OOB) || starts_with_ignore_ascii_case(s, "urn:ietf:wg:oauth:2.0:oob:")
    {
        f.push(
            Finding::error(
                Rule::RuOob,
                "The out-of-band redirect (urn:ietf:wg:oauth:2.0:oob) is no longer allowed. \
                 Use a loopback redirect such as http://127.0.0.1/callback instead.",
            )
            .std("RFC 8252 §7.3"),
        );
        return None;
    }
    let Some((scheme_raw, after)) = urlparts::split_scheme(s) else {
        let msg = if looks_like_host(s) {
            format!(
                "This is not an absolute URL: the scheme is missing. Did you mean https://{}?",
                urlparts::shorten(s)
            )
        } else {
            "This is not an absolute URL. Write the full address including the scheme and host, \
             e.g. https://app.example.com/callback."
                .to_string()
        };
        f.push(Finding::error(Rule::RuParse, msg).std("RFC 6749 §3.1.2"));
        return None;
    };
    let scheme = scheme_raw.to_ascii_lowercase();
    if DANGEROUS.contains(&scheme.as_str()) {
        f.push(Finding::error(
            Rule::RuSchemeDangerous,
            format!("The {scheme}: scheme can run code or read local data and is never allowed; use an https:// URL."),
        ));
        return None;
    }
    common_raw_checks(s, f);
    let hier = urlparts::split_hier(after);
    if let Some(h) = &hier {
        if h.authority.contains('@') {
            userinfo_finding(s, f);
        }
    }
    if scheme != "http" && scheme != "https" {
        private_scheme(&scheme, after, template, f);
        if whitespace || f.iter().any(|x| x.severity == crate::Severity::Error) {
            return None;
        }
        return Some(format!("{scheme}:{after}"));
    }
    // http and https
    let Some(hier) = hier else {
        f.push(Finding::error(
            Rule::RuParse,
            format!(
                "Write {scheme}:// followed by the host, e.g. {scheme}://app.example.com/callback."
            ),
        ));
        return None;
    };
    if hier.authority.is_empty() || urlparts::raw_host(hier.authority).is_empty() {
        f.push(Finding::error(
            Rule::RuParse,
            format!("The host is missing: write {scheme}://app.example.com/callback."),
        ));
        return None;
    }
    if whitespace {
        return None;
    }
    let url = match url::Url::parse(s) {
        Ok(u) => u,
        Err(e) => {
            f.push(Finding::error(
                Rule::RuParse,
                format!(
                    "This is not a valid URL: {}.",
                    urlparts::parse_error_text(e)
                ),
            ));
            return None;
        }
    };
    let Some(host) = url.host() else {
        f.push(Finding::error(Rule::RuParse, "The host is missing."));
        return None;
    };
    let kind = classify(&host);
    host_rules(&scheme, kind, template, &url, f);
    let canonical = format!("{}{}", urlparts::canonical_origin(&url), hier.rest);
    let raw_host = urlparts::raw_host(hier.authority);
    if !raw_host.is_ascii() {
        f.push(Finding::info(
            Rule::RuIdn,
            format!(
                "The host is stored in its ASCII (punycode) form: {}.",
                url.host_str().unwrap_or_default()
            ),
        ));
    }
    if canonical != s {
        f.push(Finding::info(
            Rule::RuCanonical,
            format!("It will be stored as {}.", urlparts::shorten(&canonical)),
        ));
    }
    Some(canonical)
}

fn looks_like_host(s: &str) -> bool {
    urlparts::looks_like_host(s)
}

/// RU-WHITESPACE: white space or a control character inside. Returns whether it was found.
pub(crate) fn whitespace_inside(s: &str, f: &mut Vec<Finding>) -> bool {
    // Printable ASCII other than the space (most URLs) has none of them: no need to look at chars.
    if s.bytes().all(|b| matches!(b, 0x21..=0x7e)) {
        return false;
    }
    let Some((pos, c)) = s
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_whitespace() || c.is_control() || is_format(*c))
    else {
        return false;
    };
    let hint = if c == ' ' {
        " If the path really contains a space, write it as %20."
    } else {
        ""
    };
    f.push(Finding::error(
        Rule::RuWhitespace,
        format!(
            "The URL contains white space or an invisible character ({}) at position {}; remove it.{hint}",
            describe_char(c),
            pos + 1
        ),
    ));
    true
}

/// Whether `s` starts with `prefix`, ASCII letters compared without case (no lower-cased copy of `s`).
fn starts_with_ignore_ascii_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// A `.` or `..` path segment, each dot also written `%2e` or `%2E` (RU-DOT-SEGMENT): one or two
/// tokens, each `.` or `%2e`. Scanned in place: it runs for every segment of every URL of a list.
fn is_dot_segment(seg: &str) -> bool {
    let mut rest = seg.as_bytes();
    let mut dots = 0;
    while !rest.is_empty() {
        if rest[0] == b'.' {
            rest = &rest[1..];
        } else if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(b"%2e") {
            rest = &rest[3..];
        } else {
            return false;
        }
        dots += 1;
        if dots > 2 {
            return false;
        }
    }
    dots > 0
}

fn is_format(c: char) -> bool {
    matches!(c as u32, 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x2064 | 0xFEFF)
}

fn userinfo_finding(s: &str, f: &mut Vec<Finding>) {
    let real = url::Url::parse(s)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string));
    let msg = match real {
        Some(h) => format!(
            "The URL contains a user name or password before '@'; the real host is {h}. \
             Remove everything between :// and @."
        ),
        None => "The URL contains a user name or password before '@'; remove everything between :// and @."
            .to_string(),
    };
    f.push(Finding::error(Rule::RuUserinfo, msg));
}

/// Fragment, wildcard, backslash, dot segments, percent-encoding and query rules on the raw text.
fn common_raw_checks(s: &str, f: &mut Vec<Finding>) {
    if s.contains('#') {
        f.push(
            Finding::error(
                Rule::RuFragment,
                "A redirect URL must not contain a fragment ('#…'); remove the '#' and what follows.",
            )
            .std("RFC 6749 §3.1.2"),
        );
    }
    if s.contains('*') {
        f.push(Finding::error(
            Rule::RuWildcard,
            "Wildcards ('*') are not allowed in a plain URL. List each URL, or write a pattern that \
             starts with ^ and ends with $ (e.g. ^https://app\\.example\\.com/cb/[a-z]+$).",
        ));
    }
    if s.contains('\\') {
        f.push(Finding::error(
            Rule::RuParse,
            "A backslash ('\\') is not allowed in a URL (browsers read it as '/'); use '/'.",
        ));
    }
    let after_scheme = urlparts::split_scheme(s).map_or(s, |(_, a)| a);
    let rest = urlparts::split_hier(after_scheme).map_or(after_scheme, |h| h.rest);
    let (path, query, _) = urlparts::split_rest(rest);
    if path.split('/').any(is_dot_segment) {
        f.push(
            Finding::error(
                Rule::RuDotSegment,
                "The path contains a '.' or '..' segment (also when written as %2e); write the path \
                 without it.",
            )
            .std("RFC 9700 §4.1"),
        );
    }
    percent_check(s, f);
    if let Some(q) = query {
        query_checks(q, f);
    }
}

fn percent_check(s: &str, f: &mut Vec<Finding>) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let ok =
                i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit();
            if !ok {
                let shown: String = s[i..].chars().take(3).collect();
                f.push(Finding::error(
                    Rule::RuPercent,
                    format!(
                        "Malformed percent-encoding \"{shown}\": '%' must be followed by two hex digits \
                         (write a literal % as %25)."
                    ),
                ));
                return;
            }
            if &b[i + 1..i + 3] == b"00" {
                f.push(Finding::error(
                    Rule::RuPercent,
                    "The URL contains an encoded NUL character (%00); remove it.",
                ));
                return;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
}

/// Whether a (decoded, lower-cased) query value is a URL a browser would leave the site for:
/// `https://…`, `https:evil.example` (a special scheme needs no slashes), `//evil.example` or its
/// backslash forms, after the leading spaces and control characters browsers strip.
fn is_absolute_target(value: &str) -> bool {
    let v = value.trim_start_matches(|c: char| c <= ' ');
    ["http:", "https:", "//", "\\\\", "/\\", "\\/"]
        .iter()
        .any(|p| v.starts_with(p))
}

fn query_checks(q: &str, f: &mut Vec<Finding>) {
    let mut open_reported = false;
    let mut params_reported = false;
    for pair in q.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = urlparts::decode(name);
        let value = urlparts::decode(value).to_ascii_lowercase();
        if !params_reported && RESPONSE_PARAMS.contains(&name.as_str()) {
            params_reported = true;
            f.push(Finding::error(
                Rule::RuResponseParam,
                format!(
                    "The query parameter '{name}' is added by the authorization server in its response; \
                     remove it from the redirect URL."
                ),
            ));
        }
        if !open_reported && is_absolute_target(&value) {
            open_reported = true;
            f.push(
                Finding::error(
                    Rule::RuOpenRedirect,
                    format!(
                        "The query parameter '{name}' holds another URL, which turns this redirect into an \
                         open redirector; remove it and keep the target in your app's state instead."
                    ),
                )
                .std("RFC 9700 §4.11"),
            );
        }
    }
}

/// A scheme other than http/https: a private-use scheme (Native only, reverse-domain form).
fn private_scheme(scheme: &str, after: &str, template: Template, f: &mut Vec<Finding>) {
    if template != Template::Native {
        f.push(Finding::error(
            Rule::RuPrivateScheme,
            format!(
                "A {} accepts only https:// URLs (http:// only on 127.0.0.1, [::1] or localhost); \
                 the {scheme}: scheme is for native apps.",
                template.title()
            ),
        ));
        return;
    }
    if !scheme.contains('.') {
        f.push(
            Finding::error(
                Rule::RuPrivateScheme,
                format!(
                    "A private-use scheme must be in reverse-domain form with at least one dot, based on a \
                     domain you own, e.g. com.example.app:/callback instead of {scheme}:…"
                ),
            )
            .std("RFC 8252 §7.1"),
        );
        return;
    }
    if after.is_empty() || after == "/" || after == "//" {
        f.push(Finding::error(
            Rule::RuParse,
            format!("Add a path after the scheme, e.g. {scheme}:/oauth2redirect."),
        ));
    }
}

/// Host rules of plain http(s) URLs and the template policy.
fn host_rules(
    scheme: &str,
    kind: HostKind,
    template: Template,
    url: &url::Url,
    f: &mut Vec<Finding>,
) {
    let host = url.host_str().unwrap_or_default();
    match kind {
        HostKind::Localhost => f.push(
            Finding::warning(
                Rule::RuLoopbackName,
                "Prefer http://127.0.0.1 (or http://[::1]) to localhost: the name localhost can be resolved \
                 to another address.",
            )
            .std("RFC 8252 §8.3"),
        ),
        HostKind::OtherLoopback4 | HostKind::Unspecified => {
            f.push(
                Finding::error(
                    Rule::RuLoopbackAddr,
                    format!("{host} is not the loopback address apps listen on; use 127.0.0.1 or [::1]."),
                )
                .std("RFC 8252 §7.3"),
            );
            return;
        }
        HostKind::OtherIp if scheme == "https" => f.push(Finding::warning(
            Rule::RuIpHost,
            format!("{host} is an IP address; a host name with a certificate for it is safer and easier to move."),
        )),
        _ => {}
    }
    if scheme == "http" {
        if !kind.is_allowed_loopback() {
            let mut suggestion = url.as_str().to_string();
            suggestion.replace_range(..4, "https");
            f.push(
                Finding::error(
                    Rule::RuHttps,
                    format!(
                        "Plain http:// is only allowed on 127.0.0.1, [::1] or localhost; use https, e.g. {}.",
                        urlparts::shorten(&suggestion)
                    ),
                )
                .std("RFC 9700 §2.1"),
            );
        } else if template.warns_dev_only() {
            f.push(Finding::warning(
                Rule::RuDevOnly,
                "A loopback http:// URL is for development only; register your production https:// URL too.",
            ));
        }
    }
}

#[cfg(test)]
mod scans {
    //! The in-place scans answer as the plain definitions they replace (which allocated per URL).
    use super::*;
    use proptest::prelude::*;

    fn pieces() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("."),
            Just("%2e"),
            Just("%2E"),
            Just("%"),
            Just("2"),
            Just("e"),
            Just("E"),
            Just("x"),
            Just("é"),
            Just(" "),
            Just("\u{200b}"),
            Just("\t"),
        ];
        prop::collection::vec(piece, 0..7).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn dot_segment_as_lowercased_and_replaced(seg in pieces()) {
            let plain = seg.to_ascii_lowercase().replace("%2e", ".");
            prop_assert_eq!(is_dot_segment(&seg), plain == "." || plain == "..");
        }

        #[test]
        fn prefix_as_lowercased_copy(s in "(?i)(urn:ietf:wg:oauth:2\\.0:oob:?)?\\PC{0,4}") {
            let plain = s.to_ascii_lowercase().starts_with("urn:ietf:wg:oauth:2.0:oob:");
            prop_assert_eq!(starts_with_ignore_ascii_case(&s, "urn:ietf:wg:oauth:2.0:oob:"), plain);
        }

        #[test]
        fn whitespace_as_every_char(s in "[\\x00-\\x7f]{0,6}|\\PC{0,3}|\\pZ|\u{feff}") {
            let plain = s.chars().any(|c| c.is_whitespace() || c.is_control() || is_format(c));
            prop_assert_eq!(whitespace_inside(&s, &mut Vec::new()), plain);
        }
    }

    #[test]
    fn dot_segments() {
        for seg in [".", "..", "%2e", "%2E%2e", ".%2E", "%2e."] {
            assert!(is_dot_segment(seg), "{seg}");
        }
        for seg in ["", "...", "%2e%2e%2e", ".a", "%2", "%2f", "a."] {
            assert!(!is_dot_segment(seg), "{seg}");
        }
    }
}
