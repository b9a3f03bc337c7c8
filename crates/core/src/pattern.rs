//! Redirect URL patterns (RU-PATTERN-*): entries that start with `^`.
//!
//! A pattern must spell out its scheme and whole host literally, so that no input can make it match
//! another host; it is then compiled with `regex-lite`, small enough for the browser bundle.

use crate::finding::{Finding, Rule};
use crate::template::Template;
use crate::urlparts::{classify, HostKind};

/// The compiled-program size limit for patterns (bytes); keeps a hostile pattern cheap.
const SIZE_LIMIT: usize = 1 << 20;
/// Patterns up to this length get an error position for RU-PATTERN-SYNTAX.
const POSITION_SCAN_MAX: usize = 400;

/// Compiles a pattern with the same settings everywhere.
pub fn compile(pattern: &str) -> Result<regex_lite::Regex, regex_lite::Error> {
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
    if let Err(e) = compile(p) {
        let msg = match syntax_error_position(p) {
            Some(pos) => format!(
                "The pattern does not compile ({e}) near position {pos}; fix the expression there."
            ),
            None => format!("The pattern does not compile ({e}); fix the expression."),
        };
        f.push(Finding::error(Rule::RuPatternSyntax, msg));
    }
    match literal_prefix(&p[1..]) {
        Err(finding) => f.push(finding),
        Ok((scheme, host)) => policy(&scheme, &host, template, f),
    }
}

/// Errors a prefix can have only because it stops early.
fn is_incomplete(msg: &str) -> bool {
    msg.contains("end of pattern")
        || msg.contains("unclosed")
        || msg.contains("no closing")
        || msg.contains("without closing")
}

/// A 1-based character position for a compile error: the first prefix whose error is not just
/// "stopped too early", else the end of the pattern.
fn syntax_error_position(p: &str) -> Option<usize> {
    let n = p.chars().count();
    if n > POSITION_SCAN_MAX {
        return None;
    }
    for (k, (i, c)) in p.char_indices().enumerate() {
        let prefix = &p[..i + c.len_utf8()];
        if let Err(e) = compile(prefix) {
            if !is_incomplete(&e.to_string()) {
                return Some(k + 1);
            }
        }
    }
    Some(n)
}

/// Reads the literal scheme and host after `^`: `(scheme, host)`, or the RU-PATTERN-HOST /
/// RU-PATTERN-HOST-END finding.
fn literal_prefix(body: &str) -> Result<(String, String), Finding> {
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    let mut scheme = String::new();
    while i < chars.len() && chars[i].is_ascii_lowercase() {
        scheme.push(chars[i]);
        i += 1;
    }
    let eat = |i: &mut usize, want: char| -> bool {
        if chars.get(*i) == Some(&want) {
            *i += 1;
            true
        } else if chars.get(*i) == Some(&'\\') && chars.get(*i + 1) == Some(&want) {
            *i += 2;
            true
        } else {
            false
        }
    };
    if !(scheme == "https" || scheme == "http")
        || !eat(&mut i, ':')
        || !eat(&mut i, '/')
        || !eat(&mut i, '/')
    {
        return Err(host_error(
            "After ^ the pattern must spell out the scheme literally: ^https:// (or ^http:// for \
             127.0.0.1 or [::1]).",
        ));
    }
    let mut host = String::new();
    if chars.get(i) == Some(&'\\') && chars.get(i + 1) == Some(&'[') {
        i += 2;
        host.push('[');
        loop {
            match (chars.get(i), chars.get(i + 1)) {
                (Some('\\'), Some(']')) => {
                    i += 2;
                    host.push(']');
                    break;
                }
                (Some(c), _) if c.is_ascii_hexdigit() || *c == ':' => {
                    host.push(*c);
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
        loop {
            match (chars.get(i), chars.get(i + 1)) {
                (Some(c), _) if c.is_ascii_alphanumeric() || *c == '-' => {
                    host.push(*c);
                    i += 1;
                }
                (Some('\\'), Some(c @ ('.' | '-'))) => {
                    host.push(*c);
                    i += 2;
                }
                _ => break,
            }
        }
    }
    if host.is_empty() {
        return Err(host_error(
            "The pattern must spell out the whole host right after the scheme, with every dot escaped, \
             e.g. ^https://app\\.example\\.com/callback$; a class, group or wildcard there would match any host.",
        ));
    }
    // What follows the host decides whether the host can be extended.
    let rest: String = chars[i..].iter().collect();
    let ok_end = rest.starts_with(':')
        || rest.starts_with("\\:")
        || rest.starts_with('/')
        || rest.starts_with("\\/")
        || rest.starts_with('$')
        || group_starts_with_path_or_port(&rest);
    if ok_end {
        if host.ends_with('.') || host.starts_with('.') || host.contains("..") {
            return Err(host_error(
                "The host in the pattern has an empty label; check the dots.",
            ));
        }
        return Ok((scheme, host));
    }
    let Some(&next) = chars.get(i) else {
        // The pattern ends right after the host: RU-PATTERN-ANCHOR already asks for the closing $.
        return Ok((scheme, host));
    };
    let unescaped_dot_in_host =
        next == '.' && chars.get(i + 1).is_some_and(|c| c.is_ascii_alphanumeric());
    let more_host_follows = {
        let stop = rest.find(['/', ':', '$']).unwrap_or(rest.len());
        rest[..stop].contains("\\.")
    };
    if unescaped_dot_in_host || next == '|' || host.ends_with('.') || more_host_follows {
        let msg = if unescaped_dot_in_host {
            format!(
                "In a pattern an unescaped '.' matches any character, so \"{host}.\" also matches look-alike \
                 hosts; escape every dot in the host as \\."
            )
        } else {
            "The host must be spelled out literally: no class, group, alternation or quantifier inside it, \
             and every dot escaped as \\."
                .to_string()
        };
        return Err(host_error(&msg));
    }
    Err(Finding::error(
        Rule::RuPatternHostEnd,
        format!(
            "The host {host} must be followed directly by ':' (port), '/' (path) or '$'; anything else \
             could extend it (e.g. {host}.evil.example). Add '/' or ':' after the host."
        ),
    ))
}

fn group_starts_with_path_or_port(rest: &str) -> bool {
    let Some(inner) = rest.strip_prefix('(') else {
        return false;
    };
    let inner = inner.strip_prefix("?:").unwrap_or(inner);
    inner.starts_with('/')
        || inner.starts_with(':')
        || inner.starts_with("\\/")
        || inner.starts_with("\\:")
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
