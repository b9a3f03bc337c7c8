//! Property tests: no validator panics on arbitrary input, and canonical forms are fixed points.

use appreg_core::{
    check_contact_email, check_cors_list, check_cors_origin, check_endpoint_url, check_name,
    check_redirect_list, check_redirect_url, match_redirect, Template,
};
use proptest::prelude::*;

/// Strings that look like URLs often enough to reach the deep rules, with control characters,
/// Unicode and URL punctuation mixed in.
fn urlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("https://".to_string()),
        Just("http://".to_string()),
        Just("com.example.app:/".to_string()),
        Just("^https://".to_string()),
        Just("127.0.0.1".to_string()),
        Just("[::1]".to_string()),
        Just("localhost".to_string()),
        Just("bücher.de".to_string()),
        Just("app.example.com".to_string()),
        Just(r"\.".to_string()),
        Just(":8080".to_string()),
        Just("/cb".to_string()),
        Just("?next=https://x".to_string()),
        Just("%2e%2E".to_string()),
        Just("%".to_string()),
        Just("#".to_string()),
        Just("@".to_string()),
        Just("$".to_string()),
        Just("(/.*)?".to_string()),
        Just("\\".to_string()),
        "[\\x00-\\x7f]{0,4}",
        "\\PC{0,3}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

/// 2,000 cases per property by default; `PROPTEST_CASES=200000` for a long run.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

fn templates() -> impl Strategy<Value = Template> {
    prop::sample::select(Template::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn redirect_never_panics_and_canonical_is_a_fixed_point(s in urlish(), t in templates()) {
        let c = check_redirect_url(&s, t);
        if let Some(canon) = c.canonical {
            let again = check_redirect_url(&canon, t);
            prop_assert!(!again.is_error(), "canonical {canon:?} of {s:?} has errors: {:?}", again.findings);
            prop_assert_eq!(again.canonical.as_deref(), Some(canon.as_str()));
        }
    }

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>(), t in templates()) {
        let _ = check_redirect_url(&s, t);
        let _ = check_cors_origin(&s);
        let _ = check_endpoint_url(&s, true);
        let _ = check_name(&s);
        let _ = check_contact_email(&s);
        let _ = match_redirect(std::slice::from_ref(&s), &s);
    }

    #[test]
    fn lists_never_panic(v in prop::collection::vec(urlish(), 0..8), t in templates()) {
        let _ = check_redirect_list(&v, t);
        let _ = check_cors_list(&v);
    }

    #[test]
    fn cors_canonical_is_a_fixed_point(s in urlish()) {
        let c = check_cors_origin(&s);
        if let Some(canon) = c.canonical {
            let again = check_cors_origin(&canon);
            prop_assert!(!again.is_error(), "{canon:?}: {:?}", again.findings);
            prop_assert_eq!(again.canonical.as_deref(), Some(canon.as_str()));
        }
    }

    #[test]
    fn endpoint_canonical_is_a_fixed_point(s in urlish()) {
        let c = check_endpoint_url(&s, true);
        if let Some(canon) = c.canonical {
            let again = check_endpoint_url(&canon, true);
            prop_assert!(!again.is_error(), "{canon:?}: {:?}", again.findings);
            prop_assert_eq!(again.canonical.as_deref(), Some(canon.as_str()));
        }
    }

    #[test]
    fn name_canonical_is_a_fixed_point(s in "[ -~\\u{80}-\\u{2030}]{0,80}") {
        let c = check_name(&s);
        if let Some(canon) = c.canonical {
            let again = check_name(&canon);
            prop_assert!(!again.is_error());
            prop_assert_eq!(again.canonical.as_deref(), Some(canon.as_str()));
            prop_assert!(again.findings.is_empty(), "{:?}", again.findings);
        }
    }

    #[test]
    fn email_canonical_is_a_fixed_point(s in "[a-zA-Z0-9.@+ -]{0,30}") {
        let c = check_contact_email(&s);
        if let Some(canon) = c.canonical {
            let again = check_contact_email(&canon);
            prop_assert!(!again.is_error());
            prop_assert_eq!(again.canonical.as_deref(), Some(canon.as_str()));
        }
    }
}

#[test]
fn huge_inputs_are_refused_quickly_without_panicking() {
    let huge = format!("https://a.example.com/{}", "a".repeat(5_000_000));
    let start = std::time::Instant::now();
    let c = check_redirect_url(&huge, Template::Web);
    assert!(c.has(appreg_core::Rule::RuLength));
    let pattern = format!("^https://a\\.example\\.com/{}$", "(a|b)*".repeat(2000));
    let c = check_redirect_url(&pattern, Template::Web);
    assert!(c.is_error());
    let nul = "\0".repeat(100_000);
    assert!(check_name(&nul).is_error());
    assert!(check_cors_origin(&nul).is_error());
    assert!(check_endpoint_url(&nul, true).is_error());
    // Not a timing assertion: just a guard that nothing here is quadratic on megabytes.
    assert!(start.elapsed().as_secs() < 30);
}
