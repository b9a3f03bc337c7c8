//! RU-PATTERN-SAFE: every string an accepted pattern can match parses (WHATWG) to the pattern's literal
//! scheme and host, with no user info. Strings are generated from each pattern by proptest's regex
//! strategy (regex-syntax: a parser independent of the core's), kept when regex-lite matches them in
//! full, and parsed with the `url` crate.

use appreg_core::{check_redirect_url, pattern_compiles_on_this_thread, Rule, Template, Verdict};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

/// The scheme and host the pattern spells out, read independently of the core: `^`, the scheme, `://`
/// (escapes allowed), then host characters (letters, digits, `-`, `\.`) or an escaped `\[…\]`.
fn literal_origin(pattern: &str) -> (String, String) {
    let unescaped = pattern
        .strip_prefix('^')
        .unwrap()
        .replace("\\:", ":")
        .replace("\\/", "/");
    let (scheme, rest) = unescaped.split_once("://").unwrap();
    let mut host = String::new();
    let mut chars = rest.chars().peekable();
    if rest.starts_with("\\[") {
        let end = rest.find("\\]").unwrap();
        host = rest[..end + 2].replace('\\', "");
    } else {
        while let Some(c) = chars.next() {
            match c {
                'a'..='z' | 'A'..='Z' | '0'..='9' | '-' => host.push(c),
                '\\' if matches!(chars.peek(), Some('.') | Some('-')) => {
                    host.push(chars.next().unwrap())
                }
                _ => break,
            }
        }
    }
    let parsed = url::Url::parse(&format!("{scheme}://{host}/")).unwrap();
    (scheme.to_string(), parsed.host_str().unwrap().to_string())
}

/// The pattern for the generator: without the outer anchors, and with the ASCII meaning regex-lite
/// gives `\d`, `\w` and `\s` (regex-syntax would read them as Unicode classes).
fn for_generator(pattern: &str) -> String {
    let body = &pattern[1..pattern.len() - 1];
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('d') => out.push_str("[0-9]"),
            Some('D') => out.push_str("[^0-9]"),
            Some('w') => out.push_str("[0-9A-Za-z_]"),
            Some('W') => out.push_str("[^0-9A-Za-z_]"),
            Some('s') => out.push_str("[\\t\\n\\x0B\\x0C\\r ]"),
            Some('S') => out.push_str("[^\\t\\n\\x0B\\x0C\\r ]"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Generates `samples` strings from the pattern and checks each one regex-lite matches in full.
/// Returns how many were checked, or `None` when the generator cannot read the pattern (inner anchors).
fn assert_safe(pattern: &str, samples: usize) -> Option<usize> {
    let re = regex_lite::Regex::new(pattern).unwrap();
    let (scheme, host) = literal_origin(pattern);
    let strategy = proptest::string::string_regex(&for_generator(pattern)).ok()?;
    let mut runner = TestRunner::deterministic();
    let mut checked = 0;
    for _ in 0..samples {
        let s = strategy.new_tree(&mut runner).unwrap().current();
        if !re
            .find(&s)
            .is_some_and(|m| m.start() == 0 && m.end() == s.len())
        {
            continue;
        }
        checked += 1;
        // A string that is no URL at all is no redirect to another host.
        if let Ok(u) = url::Url::parse(&s) {
            assert_eq!(u.scheme(), scheme, "{pattern:?} matches {s:?}");
            assert_eq!(
                u.host_str(),
                Some(host.as_str()),
                "{pattern:?} matches {s:?}"
            );
            assert_eq!(u.username(), "", "{pattern:?} matches {s:?} with user info");
            assert_eq!(
                u.password(),
                None,
                "{pattern:?} matches {s:?} with user info"
            );
        }
    }
    Some(checked)
}

fn accepted(pattern: &str) -> bool {
    check_redirect_url(pattern, Template::Web).verdict != Verdict::Error
}

const HOSTS: &[&str] = &[
    r"https://app\.example\.com",
    r"https://sub-domain\.example\.org",
    r"https://xn--bcher-kva\.de",
    r"https://a\.b\.c\.example",
    r"http://127\.0\.0\.1",
    r"http://\[::1\]",
    r"https\://login\.partner-42\.example\.net",
];
const PORTS: &[&str] = &[
    "",
    ":8080",
    r"\:8443",
    r":\d+",
    r"(:\d+)?",
    r"(:[0-9]{2,5})?",
    r"(?::\d{4})?",
];
const PATHS: &[&str] = &[
    "/",
    "/cb",
    "/(cb|callback)",
    "/.*",
    "(/.*)?",
    "/[^?#]*",
    "/auth/[a-z]+/callback",
    r"/cb\?x=\d+",
    r"(/[\w-]+)*",
    "/cb(/.*)?",
    "",
];
const HAND_WRITTEN: &[&str] = &[
    r"^https://app\.example\.com(?i)/CB$",
    r"^https://app\.example\.com(?:/(?P<step>a|b))+$",
    r"^https://app\.example\.com\/cb$",
    r"^https://app\.example\.com:[[:digit:]]+/$",
    r"^https://app\.example\.com(:\d+)?(/|/cb)$",
    r"^https://app\.example\.com(|/cb)$",
    r"^https://app\.example\.com(:\d{1,5}){0,1}/x$",
    r"^https://app\.example\.com/\x41\u0042$",
    r"^https://app\.example\.com(?:(?::\d+)?/)$",
    r"^https://APP\.Example\.com/$",
    r"^http://localhost:\d+/cb$",
    r"^https://app\.example\.com(/\d+)*$",
    r"^https://app\.example\.com:\d*(/@evil\.example)?$",
    r"^https://app\.example\.com/[^/]*@evil\.example$",
    r"^https://app\.example\.com(((/)))x*$",
    r"^https://app\.example\.com(?:/|:\d+/)[\w.~-]*$",
    r"^http://127\.0\.0\.1:\d+(/[^?#]*)?$",
    r"^http://\[::1\]:[0-9]+/oauth2/callback$",
    r"^https://app\.example\.com/.{0,20}$",
    r"^https://app\.example\.com(/[a-z]{2}){1,3}$",
];

fn corpus() -> Vec<String> {
    let mut v: Vec<String> = HAND_WRITTEN.iter().map(|s| s.to_string()).collect();
    for h in HOSTS {
        for p in PORTS {
            for path in PATHS {
                v.push(format!("^{h}{p}{path}$"));
            }
        }
    }
    v
}

#[test]
fn every_corpus_pattern_is_accepted_and_every_string_it_matches_stays_on_its_host() {
    let corpus = corpus();
    let mut tested = 0;
    let mut strings = 0;
    for p in &corpus {
        let c = check_redirect_url(p, Template::Web);
        assert!(
            c.verdict != Verdict::Error,
            "{p:?} refused: {:?}",
            c.findings
        );
        if let Some(n) = assert_safe(p, 48) {
            tested += 1;
            strings += n;
        }
    }
    assert!(
        tested >= 200,
        "only {tested} of {} patterns were generated from",
        corpus.len()
    );
    assert!(
        strings >= 5_000,
        "only {strings} matching strings were checked"
    );
}

#[test]
fn the_issue_examples_are_refused_by_the_rule_that_explains_them() {
    let cases = [
        (
            r"^https://app\.example\.com/$|^http://evil\.example/$",
            Rule::RuPatternAlternation,
        ),
        (
            r"^https://app\.example\.com(/|\.evil\.example/)cb$",
            Rule::RuPatternHostEnd,
        ),
        (
            r"^https://app\.example\.com:[^/]*/cb$",
            Rule::RuPatternHostEnd,
        ),
        // A repetition after a flag directive repeats what came before it: `/(?i)*` is `/*`.
        (
            r"^https://app\.example\.com/(?i)*\.evil\.example/$",
            Rule::RuPatternHostEnd,
        ),
        (
            r"^https://app\.example\.com/(?i)?@evil\.example/$",
            Rule::RuPatternHostEnd,
        ),
    ];
    for (p, rule) in cases {
        let c = check_redirect_url(p, Template::Web);
        assert!(c.is_error() && c.has(rule), "{p:?}: {:?}", c.findings);
    }
    // The port message names the character that lets the host go: the class at character 28.
    let c = check_redirect_url(r"^https://app\.example\.com:[^/]*/cb$", Template::Web);
    let f = c
        .findings
        .iter()
        .find(|f| f.rule == Rule::RuPatternHostEnd)
        .unwrap();
    assert!(f.message.contains("character 28"), "{}", f.message);
}

#[test]
fn a_failing_pattern_is_compiled_at_most_twice_and_its_error_position_is_exact() {
    // 400 characters of \w{99} repeats that fail to compile only at the last character.
    let head = r"^https://a\.example\.com/";
    let mut p = head.to_string();
    while p.len() + 6 <= 399 {
        p.push_str(r"\w{99}");
    }
    while p.len() < 399 {
        p.push('a');
    }
    p.push('(');
    assert!(regex_lite::Regex::new(&p[..399]).is_ok());
    let before = pattern_compiles_on_this_thread();
    let c = check_redirect_url(&p, Template::Web);
    let compiles = pattern_compiles_on_this_thread() - before;
    assert!(compiles <= 2, "{compiles} compiles");
    let f = c
        .findings
        .iter()
        .find(|f| f.rule == Rule::RuPatternSyntax)
        .unwrap();
    assert!(f.message.contains("at character 400"), "{}", f.message);

    let c = check_redirect_url(r"^https://a\.example\.com/(cb$", Template::Web);
    let f = c
        .findings
        .iter()
        .find(|f| f.rule == Rule::RuPatternSyntax)
        .unwrap();
    assert!(f.message.contains("at character 26"), "{}", f.message);
}

#[test]
fn the_verbose_flag_and_deep_nesting_are_refused_without_panicking() {
    for p in [
        r"^https://a\.example\.com(?x)/ cb$".to_string(),
        format!(
            r"^https://a\.example\.com/{}x{}$",
            "(".repeat(100),
            ")".repeat(100)
        ),
        format!(r"^https://a\.example\.com/x{}$", "*".repeat(100)),
    ] {
        let c = check_redirect_url(&p, Template::Web);
        assert!(c.has(Rule::RuPatternSyntax), "{p:.60}: {:?}", c.findings);
    }
}

/// Patterns built from pieces an attacker would try after the host.
fn attack_pattern() -> impl Strategy<Value = String> {
    let host = prop::sample::select(vec![r"https://app\.example\.com", r"http://127\.0\.0\.1"]);
    let piece = prop::sample::select(vec![
        "/",
        ":",
        r"\d+",
        "[0-9]*",
        ".",
        ".*",
        r"\.evil",
        "@",
        "(",
        ")",
        "|",
        "?",
        "[^/]*",
        "evil",
        r"(:\d+)?",
        r"\:",
        r"\/",
        "[/:]",
        "[a-z]",
        "%40",
        r"\x2f",
        r"\x40",
        "(?i)",
        "{2}",
        "[[:punct:]]",
        r"\W",
        r"\S",
        "[^a]",
        "+",
        r"(\.|/)",
        "(?:",
        "[^0-9]",
        r"\\",
        "#",
        "(?i)*",
        "(?s)?",
        "(?-i){0,3}",
    ]);
    (host, prop::collection::vec(piece, 0..7))
        .prop_map(|(h, tail)| format!("^{h}{}$", tail.concat()))
}

/// 3,000 attack patterns by default; `PATTERN_CASES=100000` for a long run.
fn cases() -> usize {
    std::env::var("PATTERN_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000)
}

#[test]
fn any_attack_pattern_the_rules_accept_stays_on_its_host() {
    let mut runner = TestRunner::deterministic();
    let strategy = attack_pattern();
    let (mut accepted_n, mut strings) = (0, 0);
    for _ in 0..cases() {
        let p = strategy.new_tree(&mut runner).unwrap().current();
        if accepted(&p) {
            accepted_n += 1;
            strings += assert_safe(&p, 24).unwrap_or(0);
        }
    }
    // The generator must reach accepted patterns often enough for this to mean something.
    assert!(
        accepted_n >= 100,
        "only {accepted_n} accepted attack patterns"
    );
    assert!(strings >= 1000, "only {strings} matching strings checked");
    println!("{accepted_n} accepted attack patterns, {strings} matching strings checked");
}
