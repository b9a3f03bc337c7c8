//! Raw URL anatomy and host classification, shared by the redirect, CORS and endpoint rules.
//!
//! The raw text is inspected before any WHATWG parsing: the parser silently strips tabs and newlines,
//! resolves `..` and turns `\` into `/`, which would hide an attack.

use std::net::{Ipv4Addr, Ipv6Addr};

/// `scheme:rest` as typed, when the input starts with a syntactically valid scheme.
///
/// `localhost:3000/cb` and `example.com:8443` are a host and port, not a scheme: `None`.
pub(crate) fn split_scheme(s: &str) -> Option<(&str, &str)> {
    let colon = s.find(':')?;
    let scheme = &s[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    if !first.is_ascii_alphabetic()
        || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    let rest = &s[colon + 1..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && matches!(rest.as_bytes().get(digits), None | Some(b'/' | b'?' | b'#')) {
        return None; // host:port
    }
    Some((scheme, rest))
}

/// Whether text without a scheme looks like `host[:port][/path]`, so `https://` can be suggested.
pub(crate) fn looks_like_host(s: &str) -> bool {
    let hostport = &s[..end_of_authority(s)];
    let host = match hostport.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => hostport,
    };
    !host.is_empty()
        && !host.starts_with('.')
        && (host.contains('.') || host.eq_ignore_ascii_case("localhost"))
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
}

/// The parts after `scheme://`: authority and the rest (path, query, fragment), as typed.
pub(crate) struct Hier<'a> {
    pub authority: &'a str,
    pub rest: &'a str,
}

/// Splits `//authority/rest`; `None` when `after_scheme` does not start with `//`.
pub(crate) fn split_hier(after_scheme: &str) -> Option<Hier<'_>> {
    let s = after_scheme.strip_prefix("//")?;
    let end = end_of_authority(s);
    Some(Hier {
        authority: &s[..end],
        rest: &s[end..],
    })
}

/// Where an authority ends: at the first `/`, `?` or `#` (all ASCII, so a byte index is a char boundary),
/// else at the end. A byte scan: it runs for every URL of a list, and `str::find` with a set of chars
/// decodes each char first.
fn end_of_authority(s: &str) -> usize {
    s.bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(s.len())
}

/// Path, query and fragment of a raw `rest`.
pub(crate) fn split_rest(rest: &str) -> (&str, Option<&str>, Option<&str>) {
    let (before_frag, frag) = match rest.find('#') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (path, query) = match before_frag.find('?') {
        Some(i) => (&before_frag[..i], Some(&before_frag[i + 1..])),
        None => (before_frag, None),
    };
    (path, query, frag)
}

/// What kind of host a parsed URL has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HostKind {
    /// `127.0.0.1`
    Loopback4,
    /// `[::1]`
    Loopback6,
    /// `localhost`
    Localhost,
    /// Another address in 127.0.0.0/8.
    OtherLoopback4,
    /// `0.0.0.0` or `[::]`.
    Unspecified,
    /// Any other IP literal.
    OtherIp,
    /// A domain name.
    Domain,
}

impl HostKind {
    /// The loopback hosts on which plain http is allowed: `127.0.0.1`, `[::1]`, `localhost`.
    pub fn is_allowed_loopback(self) -> bool {
        matches!(
            self,
            HostKind::Loopback4 | HostKind::Loopback6 | HostKind::Localhost
        )
    }
    pub fn is_ip(self) -> bool {
        matches!(
            self,
            HostKind::Loopback4
                | HostKind::Loopback6
                | HostKind::OtherLoopback4
                | HostKind::Unspecified
                | HostKind::OtherIp
        )
    }
}

pub(crate) fn classify(host: &url::Host<&str>) -> HostKind {
    match host {
        url::Host::Domain(d) => {
            if d.eq_ignore_ascii_case("localhost") || d.eq_ignore_ascii_case("localhost.") {
                HostKind::Localhost
            } else {
                HostKind::Domain
            }
        }
        url::Host::Ipv4(a) => classify_v4(*a),
        url::Host::Ipv6(a) => classify_v6(*a),
    }
}

fn classify_v4(a: Ipv4Addr) -> HostKind {
    if a == Ipv4Addr::LOCALHOST {
        HostKind::Loopback4
    } else if a.is_loopback() {
        HostKind::OtherLoopback4
    } else if a.is_unspecified() {
        HostKind::Unspecified
    } else {
        HostKind::OtherIp
    }
}

fn classify_v6(a: Ipv6Addr) -> HostKind {
    if a == Ipv6Addr::LOCALHOST {
        HostKind::Loopback6
    } else if a.is_unspecified() {
        HostKind::Unspecified
    } else if let Some(v4) = a.to_ipv4_mapped() {
        match classify_v4(v4) {
            HostKind::Loopback4 | HostKind::OtherLoopback4 => HostKind::OtherLoopback4,
            k => k,
        }
    } else {
        HostKind::OtherIp
    }
}

/// `scheme://host[:port]` in canonical form: scheme and host lower-cased, IDN hosts in punycode,
/// the default port removed.
pub(crate) fn canonical_origin(url: &url::Url) -> String {
    let mut out = String::with_capacity(64);
    out.push_str(url.scheme());
    out.push_str("://");
    out.push_str(url.host_str().unwrap_or(""));
    if let Some(port) = url.port() {
        out.push(':');
        out.push_str(&port.to_string());
    }
    out
}

/// The host as typed in a raw authority (without user info and port).
pub(crate) fn raw_host(authority: &str) -> &str {
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if hostport.starts_with('[') {
        return hostport.find(']').map_or(hostport, |i| &hostport[..=i]);
    }
    hostport.rsplit_once(':').map_or(hostport, |(h, _)| h)
}

/// A message-friendly rendering of a url crate parse error.
pub(crate) fn parse_error_text(e: url::ParseError) -> &'static str {
    use url::ParseError::*;
    match e {
        EmptyHost => "the host is missing",
        IdnaError => "the host name is not a valid international domain name",
        InvalidPort => "the port must be a number from 1 to 65535",
        InvalidIpv4Address => "the IPv4 address is not valid",
        InvalidIpv6Address => "the IPv6 address is not valid (write it in brackets, e.g. [::1])",
        InvalidDomainCharacter => {
            "the host contains a character that is not allowed in a domain name"
        }
        _ => "it is not a valid absolute URL",
    }
}

/// Percent-decodes lossily (invalid UTF-8 becomes U+FFFD).
pub(crate) fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Shortens long input for messages.
pub(crate) fn shorten(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The byte scan ends an authority where `str::find` with the char set does.
        #[test]
        fn end_of_authority_as_find(s in "[a-z/?#:@é\\[\\]]{0,8}|\\PC{0,6}") {
            prop_assert_eq!(end_of_authority(&s), s.find(['/', '?', '#']).unwrap_or(s.len()));
        }
    }
}
