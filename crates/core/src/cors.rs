//! CORS origins (CORS-*) and integration endpoint URLs (EP-*).

use crate::finding::{Check, Finding, Rule};
use crate::redirect::MAX_URL_CHARS;
use crate::template::MAX_URLS;
use crate::urlparts::{self, classify};
use std::collections::HashMap;

/// Checks one CORS origin: exactly `scheme://host[:port]`.
pub fn check_cors_origin(input: &str) -> Check {
    let mut f = Vec::new();
    let canonical = cors_entry(input, &mut f);
    Check::new(input, canonical, f)
}

/// Checks a list of CORS origins: each entry, then CORS-DUPLICATE and CORS-COUNT.
pub fn check_cors_list<S: AsRef<str>>(inputs: &[S]) -> Vec<Check> {
    let mut checks: Vec<Check> = inputs
        .iter()
        .map(|s| check_cors_origin(s.as_ref()))
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, check) in checks.iter_mut().enumerate() {
        if i >= MAX_URLS {
            check.push(Finding::error(
                Rule::CorsCount,
                format!("At most {MAX_URLS} CORS origins are allowed and this is number {}; remove it or another.", i + 1),
            ));
        }
        let Some(canon) = check.canonical.clone() else {
            continue;
        };
        if let Some(&first) = seen.get(&canon) {
            check.push(Finding::error(
                Rule::CorsDuplicate,
                format!(
                    "This is the same origin as entry {}; remove one of them.",
                    first + 1
                ),
            ));
        } else {
            seen.insert(canon, i);
        }
    }
    checks
}

fn form(msg: impl Into<String>) -> Finding {
    Finding::error(Rule::CorsForm, msg)
}

fn cors_entry(input: &str, f: &mut Vec<Finding>) -> Option<String> {
    let s = input.trim();
    if s.len() != input.len() {
        f.push(Finding::info(
            Rule::RuTrim,
            "Leading and trailing spaces are removed.",
        ));
    }
    if s.is_empty() {
        f.push(form(
            "Enter an origin such as https://app.example.com, or remove this entry.",
        ));
        return None;
    }
    if s.chars().count() > MAX_URL_CHARS {
        f.push(form(format!(
            "An origin is at most {MAX_URL_CHARS} characters long."
        )));
        return None;
    }
    if s.contains('*') || s.eq_ignore_ascii_case("null") {
        f.push(Finding::error(
            Rule::CorsWildcard,
            "Wildcards and the origin 'null' are not allowed; list each origin, e.g. https://app.example.com.",
        ));
        return None;
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        f.push(form(
            "An origin contains no white space or control characters; remove them.",
        ));
        return None;
    }
    let Some((scheme_raw, after)) = urlparts::split_scheme(s) else {
        let msg = if urlparts::looks_like_host(s) {
            format!(
                "The scheme is missing. Did you mean https://{}?",
                urlparts::shorten(s)
            )
        } else {
            "An origin is exactly scheme://host[:port], e.g. https://app.example.com.".to_string()
        };
        f.push(form(msg));
        return None;
    };
    let scheme = scheme_raw.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        f.push(Finding::error(
            Rule::CorsHttps,
            format!("An origin uses https:// (http:// only on 127.0.0.1, [::1] or localhost), not {scheme}:."),
        ));
        return None;
    }
    let Some(hier) = urlparts::split_hier(after) else {
        f.push(form(format!(
            "Write {scheme}:// followed by the host, e.g. {scheme}://app.example.com."
        )));
        return None;
    };
    if hier.authority.contains('@') {
        f.push(form(
            "An origin has no user name or password; remove everything between :// and @.",
        ));
        return None;
    }
    if urlparts::raw_host(hier.authority).is_empty() {
        f.push(form(format!(
            "The host is missing: write {scheme}://app.example.com."
        )));
        return None;
    }
    let trailing_slash = hier.rest == "/";
    if !hier.rest.is_empty() && !trailing_slash {
        f.push(form(format!(
            "An origin has no path, query or fragment; use {scheme}://{} only.",
            urlparts::shorten(hier.authority)
        )));
        return None;
    }
    let url = match url::Url::parse(s) {
        Ok(u) => u,
        Err(e) => {
            f.push(form(format!(
                "This is not a valid origin: {}.",
                urlparts::parse_error_text(e)
            )));
            return None;
        }
    };
    let Some(host) = url.host() else {
        f.push(form("The host is missing."));
        return None;
    };
    if scheme == "http" && !classify(&host).is_allowed_loopback() {
        f.push(Finding::error(
            Rule::CorsHttps,
            format!(
                "Plain http:// is only allowed on 127.0.0.1, [::1] or localhost; use https://{}.",
                url.host_str().unwrap_or_default()
            ),
        ));
    }
    if trailing_slash {
        f.push(Finding::info(
            Rule::CorsForm,
            "The trailing '/' is dropped: an origin has no path.",
        ));
    }
    let canonical = urlparts::canonical_origin(&url);
    if !urlparts::raw_host(hier.authority).is_ascii() {
        f.push(Finding::info(
            Rule::RuIdn,
            format!(
                "The host is stored in its ASCII (punycode) form: {}.",
                url.host_str().unwrap_or_default()
            ),
        ));
    }
    if canonical != s && canonical != s.trim_end_matches('/') {
        f.push(Finding::info(
            Rule::RuCanonical,
            format!("It will be stored as {canonical}."),
        ));
    }
    Some(canonical)
}

/// Checks an integration endpoint URL (Mirroring, ERP Sync, Quote): https, no loopback, no IP literal,
/// no user info, no fragment, at most 2,048 characters; required when the endpoint is On.
pub fn check_endpoint_url(input: &str, enabled: bool) -> Check {
    let mut f = Vec::new();
    let canonical = endpoint_entry(input, enabled, &mut f);
    Check::new(input, canonical, f)
}

fn endpoint_entry(input: &str, enabled: bool, f: &mut Vec<Finding>) -> Option<String> {
    let s = input.trim();
    if s.is_empty() {
        if enabled {
            f.push(Finding::error(
                Rule::EpRequired,
                "Enter the endpoint's https:// URL, or switch the endpoint Off (you can add it later).",
            ));
            return None;
        }
        return Some(String::new());
    }
    if s.chars().count() > MAX_URL_CHARS {
        f.push(Finding::error(
            Rule::EpLength,
            format!("The URL is longer than {MAX_URL_CHARS} characters; shorten it."),
        ));
        return None;
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        f.push(Finding::error(
            Rule::EpParse,
            "The URL contains white space or a control character; remove it.",
        ));
        return None;
    }
    if s.contains('#') {
        f.push(Finding::error(
            Rule::EpFragment,
            "Remove the fragment ('#…') from the endpoint URL.",
        ));
    }
    let Some((scheme_raw, after)) = urlparts::split_scheme(s) else {
        let msg = if urlparts::looks_like_host(s) {
            format!(
                "The scheme is missing. Did you mean https://{}?",
                urlparts::shorten(s)
            )
        } else {
            "Enter an absolute https:// URL, e.g. https://erp.example.com/superoffice.".to_string()
        };
        f.push(Finding::error(Rule::EpParse, msg));
        return None;
    };
    if !scheme_raw.eq_ignore_ascii_case("https") {
        f.push(Finding::error(
            Rule::EpHttps,
            "The portal calls this endpoint from its servers over https only; use an https:// URL.",
        ));
        return None;
    }
    let hier = urlparts::split_hier(after);
    if hier.as_ref().is_some_and(|h| h.authority.contains('@')) {
        f.push(Finding::error(
            Rule::EpUserinfo,
            "Remove the user name or password (everything between :// and @) from the URL.",
        ));
    }
    let Some(hier) = hier.filter(|h| !urlparts::raw_host(h.authority).is_empty()) else {
        f.push(Finding::error(
            Rule::EpParse,
            "Write https:// followed by the host, e.g. https://erp.example.com/sync.",
        ));
        return None;
    };
    let url = match url::Url::parse(s) {
        Ok(u) => u,
        Err(e) => {
            f.push(Finding::error(
                Rule::EpParse,
                format!(
                    "This is not a valid URL: {}.",
                    urlparts::parse_error_text(e)
                ),
            ));
            return None;
        }
    };
    let kind = url.host().map(|h| classify(&h));
    let loopback_or_ip = kind.is_some_and(|k| k.is_ip() || k.is_allowed_loopback());
    if loopback_or_ip {
        f.push(Finding::error(
            Rule::EpHost,
            "The portal's servers call this endpoint, so it needs a public host name, not a loopback \
             address or an IP literal.",
        ));
    }
    if let Some(url::Host::Domain(name)) = url.host().filter(|_| !loopback_or_ip) {
        if is_internal_name(name) {
            f.push(Finding::error(
                Rule::EpInternal,
                format!(
                    "{name} is a name only your own network can resolve (a single label, or under .internal, \
                     .local or .localhost); the portal's servers call this endpoint over the internet, so give \
                     it a public host name such as erp.example.com."
                ),
            ));
        }
    }
    Some(format!("{}{}", urlparts::canonical_origin(&url), hier.rest))
}

/// A host name that resolves only inside a private network: one label, or a reserved suffix.
fn is_internal_name(name: &str) -> bool {
    let name = name.trim_end_matches('.');
    !name.contains('.')
        || [".internal", ".local", ".localhost", ".home.arpa"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
}
