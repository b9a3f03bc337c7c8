//! Redirect URL patterns (RU-PATTERN-*): entries that start with `^`.
//!
//! A pattern must spell out its scheme and whole host literally, so that no input can make it match
//! another host; it is then compiled with `regex-lite`, small enough for the browser bundle.

use crate::finding::{Finding, Rule};
use crate::template::Template;
use crate::urlparts::{classify, HostKind};
use shape::Node;

mod host_end;
mod shape;

/// The compiled-program size limit for patterns (bytes); keeps a hostile pattern cheap.
const SIZE_LIMIT: usize = 1 << 20;

thread_local! {
    static COMPILES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many patterns this thread has compiled: lets a test show that checking one pattern costs a
/// bounded number of compiles.
#[doc(hidden)]
pub fn compiles_on_this_thread() -> usize {
    COMPILES.with(|c| c.get())
}

/// Compiles a pattern with the same settings everywhere.
pub fn compile(pattern: &str) -> Result<regex_lite::Regex, regex_lite::Error> {
    COMPILES.with(|c| c.set(c.get() + 1));
    regex_lite::RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .nest_limit(64)
        .build()
}

/// Whether `candidate` matches `pattern` as a whole string.
pub fn full_match(re: &regex_lite::Regex, candidate: &str) -> bool {
    re.find(candidate)
        .is_some_and(|m| m.start() == 0 && m.end() == candidate.len())
}

pub(crate) fn check_pattern(p: &str, template: Template, f: &mut Vec<Finding>) {
    let ends_with_dollar = p.ends_with('$') && !p.ends_with("\\$");
    if !ends_with_dollar {
        f.push(Finding::error(
            Rule::RuPatternAnchor,
            "A pattern must start with ^ and end with $, so it matches the whole URL; add $ at the end.",
        ));
    }
    // One compile; the error position comes from the structure parser, never from recompiling.
    let compiled = compile(p);
    let shape = shape::parse(p);
    match (&compiled, &shape) {
        (_, Err(e)) => f.push(Finding::error(
            Rule::RuPatternSyntax,
            format!(
                "The pattern does not compile: {} (at character {}); fix the expression there.",
                e.message, e.pos
            ),
        )),
        (Err(e), Ok(_)) => f.push(Finding::error(
            Rule::RuPatternSyntax,
            format!("The pattern does not compile ({e}); fix the expression."),
        )),
        _ => {}
    }
    let Ok(node) = shape else { return };
    let items = match node {
        Node::Alt(branches) => {
            let second = branches.get(1).and_then(first_pos);
            let at = second
                .map(|p| format!(" (the part from character {p})"))
                .unwrap_or_default();
            return f.push(Finding::error(
                Rule::RuPatternAlternation,
                format!(
                    "A '|' outside a group splits this into separate patterns, and the second{at} escapes \
                     every check of the first. Register each as its own entry, or put the alternatives in a \
                     group after the host, e.g. ^https://app\\.example\\.com/(cb|callback)$."
                ),
            ));
        }
        Node::Concat(items) => items,
        other => vec![other],
    };
    match literal_prefix(&items) {
        Err(finding) => f.push(finding),
        Ok((scheme, host, rest)) => match host_end::check(&items[rest..]) {
            Ok(()) => policy(&scheme, &host, template, f),
            Err(escape) => f.push(host_end_error(&host, escape)),
        },
    }
}

/// The position of the first atom of a node, if it has one.
fn first_pos(node: &Node) -> Option<usize> {
    match node {
        Node::Char { pos, .. } => Some(*pos),
        Node::Empty { .. } => None,
        Node::Concat(v) | Node::Alt(v) => v.iter().find_map(first_pos),
        Node::Repeat { sub, .. } => first_pos(sub),
    }
}

fn host_end_error(host: &str, e: host_end::Escape) -> Finding {
    let message = if e.state == host_end::IN_PORT {
        format!(
            "After {host}: only digits may form the port; what the pattern allows at character {} could add \
             user info or another host (e.g. {host}:@evil.example). Use \\d+ or [0-9]+ for the port.",
            e.pos
        )
    } else {
        format!(
            "The host {host} must be followed directly by '/' (path), ':' and digits (port) or '$'; what the \
             pattern allows at character {} could extend the host or add user info (e.g. {host}.evil.example). \
             Put '/' or ':' right after the host, and check every branch of a group there.",
            e.pos
        )
    };
    Finding::error(Rule::RuPatternHostEnd, message)
}

/// The literal character of a top-level node, with whether it was escaped.
fn lit(node: Option<&Node>) -> Option<(char, bool)> {
    match node {
        Some(Node::Char {
            lit: Some(c),
            escaped,
            ..
        }) => Some((*c, *escaped)),
        _ => None,
    }
}

/// Reads `^`, the literal scheme and the literal host: `(scheme, host, index of the first node after
/// the host)`, or the RU-PATTERN-HOST finding.
fn literal_prefix(items: &[Node]) -> Result<(String, String, usize), Finding> {
    let scheme_error = || {
        host_error(
            "After ^ the pattern must spell out the scheme literally: ^https:// (or ^http:// for \
             127.0.0.1 or [::1]).",
        )
    };
    if !matches!(items.first(), Some(Node::Empty { caret: true })) {
        return Err(scheme_error());
    }
    let mut i = 1;
    let mut scheme = String::new();
    while let Some((c, false)) = lit(items.get(i)) {
        if !c.is_ascii_lowercase() {
            break;
        }
        scheme.push(c);
        i += 1;
    }
    let punct_ok = [':', '/', '/']
        .iter()
        .enumerate()
        .all(|(k, want)| lit(items.get(i + k)).is_some_and(|(c, _)| c == *want));
    if !(scheme == "https" || scheme == "http") || !punct_ok {
        return Err(scheme_error());
    }
    i += 3;
    let mut host = String::new();
    if lit(items.get(i)) == Some(('[', true)) {
        host.push('[');
        i += 1;
        loop {
            match lit(items.get(i)) {
                Some((']', true)) => {
                    host.push(']');
                    i += 1;
                    break;
                }
                Some((c, _)) if c.is_ascii_hexdigit() || c == ':' => {
                    host.push(c);
                    i += 1;
                }
                _ => {
                    return Err(host_error(
                        "Write an IPv6 host literally with escaped brackets, e.g. ^http://\\[::1\\]:\\d+/cb$.",
                    ))
                }
            }
        }
    } else {
        while let Some((c, escaped)) = lit(items.get(i)) {
            let ok = c.is_ascii_alphanumeric() && !escaped || c == '-' || c == '.' && escaped;
            if !ok {
                break;
            }
            host.push(c);
            i += 1;
        }
    }
    if host.is_empty() {
        return Err(host_error(
            "The pattern must spell out the whole host right after the scheme, with every dot escaped, \
             e.g. ^https://app\\.example\\.com/callback$; a class, group or wildcard there would match any host.",
        ));
    }
    let next = items.get(i);
    if let Some(Node::Char {
        lit: None, kinds, ..
    }) = next
    {
        let dot_then_label = *kinds == shape::ALL_KINDS
            && lit(items.get(i + 1)).is_some_and(|(c, _)| c.is_ascii_alphanumeric());
        if dot_then_label {
            return Err(host_error(&format!(
                "In a pattern an unescaped '.' matches any character, so \"{host}.\" also matches look-alike \
                 hosts; escape every dot in the host as \\."
            )));
        }
    }
    // `app\.example\.com?`: the quantifier takes the host's last character. (A quantified `/` or `:`
    // after the host is left to RU-PATTERN-HOST-END, which follows every count of it.)
    let host_char_quantified = matches!(next, Some(Node::Repeat { sub, .. })
        if matches!(**sub, Node::Char { lit: Some(c), .. } if c.is_ascii_alphanumeric() || c == '-' || c == '.'));
    if host_char_quantified {
        return Err(host_error(
            "The host must be spelled out literally: a quantifier (?, *, +, {n}) right after it repeats \
             its last character. Put '/' or ':' right after the host.",
        ));
    }
    if host.starts_with('.') || host.ends_with('.') || host.contains("..") {
        return Err(host_error(
            "The host in the pattern has an empty label; check the dots.",
        ));
    }
    Ok((scheme, host, i))
}

fn host_error(msg: &str) -> Finding {
    Finding::error(Rule::RuPatternHost, msg)
}

/// RU-PATTERN-POLICY: the literal scheme and host obey the template's policy.
fn policy(scheme: &str, host: &str, template: Template, f: &mut Vec<Finding>) {
    let literal = format!("{scheme}://{host}/");
    let kind = match url::Url::parse(&literal) {
        Ok(u) => match u.host() {
            Some(h) => classify(&h),
            None => {
                return f.push(host_error(
                    "The host in the pattern is not a valid host name.",
                ))
            }
        },
        Err(_) => {
            return f.push(host_error(
                "The host in the pattern is not a valid host name.",
            ))
        }
    };
    match kind {
        HostKind::OtherLoopback4 | HostKind::Unspecified => f.push(Finding::error(
            Rule::RuPatternPolicy,
            format!("{host} is not the loopback address apps listen on; use 127\\.0\\.0\\.1 or \\[::1\\]."),
        )),
        _ if scheme == "http" && !kind.is_allowed_loopback() => f.push(Finding::error(
            Rule::RuPatternPolicy,
            format!("Plain http:// is only allowed on 127.0.0.1, [::1] or localhost; write ^https://{host}…$."),
        )),
        HostKind::Localhost => f.push(Finding::warning(
            Rule::RuLoopbackName,
            "Prefer 127\\.0\\.0\\.1 to localhost in the pattern (RFC 8252 §8.3).",
        )),
        _ if scheme == "http" && template.warns_dev_only() => f.push(Finding::warning(
            Rule::RuDevOnly,
            "A loopback http:// pattern is for development only; register your production https:// URL too.",
        )),
        _ => {}
    }
}
