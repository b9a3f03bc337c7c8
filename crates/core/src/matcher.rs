//! "Would this URL be accepted at sign-in?": the tester behind the app page's redirect box.

use crate::pattern;
use crate::urlparts;
use serde::{Deserialize, Serialize};

/// Why a `redirect_uri` is accepted, or why not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchOutcome {
    /// Index of the registered entry that accepts it.
    pub matched: Option<usize>,
    /// A sentence for the user.
    pub explanation: String,
}

fn strip_port(origin_and_rest: &str) -> Option<(String, &str)> {
    // Only for loopback IP hosts: http://127.0.0.1[:port]rest and http://[::1][:port]rest.
    for prefix in ["http://127.0.0.1", "http://[::1]"] {
        if let Some(after) = origin_and_rest.strip_prefix(prefix) {
            let rest = match after.strip_prefix(':') {
                Some(p) => {
                    let digits = p.bytes().take_while(u8::is_ascii_digit).count();
                    if digits == 0 {
                        return None;
                    }
                    &p[digits..]
                }
                None => after,
            };
            if rest.is_empty() || rest.starts_with(['/', '?']) {
                return Some((prefix.to_string(), rest));
            }
        }
    }
    None
}

/// Decides whether `redirect_uri` would be accepted by the registered (canonical) entries:
/// exact string match, except that the port is ignored for loopback IP entries (RFC 8252 §7.3);
/// a pattern entry matches by full-string regex match.
pub fn match_redirect<S: AsRef<str>>(registered: &[S], redirect_uri: &str) -> MatchOutcome {
    let uri = redirect_uri;
    for (i, entry) in registered.iter().enumerate() {
        let entry = entry.as_ref();
        let accepted = if entry.starts_with('^') {
            pattern::compile(entry).is_ok_and(|re| pattern::full_match(&re, uri))
        } else if entry == uri {
            true
        } else {
            match (strip_port(entry), strip_port(uri)) {
                (Some((eh, er)), Some((uh, ur))) => eh == uh && er == ur,
                _ => false,
            }
        };
        if accepted {
            let how = if entry.starts_with('^') {
                "matches the pattern"
            } else if entry == uri {
                "is exactly"
            } else {
                "matches, on any port, the loopback entry"
            };
            return MatchOutcome {
                matched: Some(i),
                explanation: format!(
                    "Accepted: it {how} entry {} ({}).",
                    i + 1,
                    urlparts::shorten(entry)
                ),
            };
        }
    }
    let explanation = if registered.is_empty() {
        "Rejected: the app has no redirect URLs registered.".to_string()
    } else if let Some(i) = registered.iter().position(|e| {
        e.as_ref().eq_ignore_ascii_case(uri)
            || e.as_ref().trim_end_matches('/') == uri.trim_end_matches('/')
    }) {
        format!(
            "Rejected: sign-in compares URLs exactly, and this differs from entry {} ({}) only by letter case \
             or a trailing '/'. Send exactly the registered URL.",
            i + 1,
            urlparts::shorten(registered[i].as_ref())
        )
    } else if uri.contains('#') {
        "Rejected: a redirect_uri never has a fragment ('#…').".to_string()
    } else {
        format!(
            "Rejected: it matches none of the {} registered entries exactly, and no pattern matches it as a whole.",
            registered.len()
        )
    };
    MatchOutcome {
        matched: None,
        explanation,
    }
}
