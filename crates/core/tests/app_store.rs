//! App Store information (APPSTORE-*): every rule flags a bad input with its gate and spares a
//! near-miss; which findings block saving and which publishing; images read from their bytes.

use appreg_core::app_store::{
    MAX_LOGO_BYTES, MAX_SCREENSHOT_BYTES, MAX_SCREENSHOT_PX, MIN_LOGO_PX, MIN_SCREENSHOT_PX,
};
use appreg_core::catalogue::describe;
use appreg_core::{
    app_store_name_taken, app_store_name_taken_finding, blocks_publish, blocks_save,
    check_app_store, check_logo, check_screenshot, sniff_image, AppStoreField, AppStoreInfo,
    AppStoreList, FieldPath, Gate, ImageRef, Rule, Severity, Verdict, CATEGORIES, LANGUAGES,
};
use std::collections::BTreeSet;

fn image(content_type: &str, width: u32, height: u32, bytes: u64) -> ImageRef {
    ImageRef {
        id: format!("img-{width}x{height}"),
        content_type: content_type.to_string(),
        width,
        height,
        bytes,
    }
}

fn png(width: u32, height: u32) -> ImageRef {
    image("image/png", width, height, 40_000)
}

fn jpeg(width: u32, height: u32) -> ImageRef {
    image("image/jpeg", width, height, 300_000)
}

fn svg(width: u32, height: u32) -> ImageRef {
    image("image/svg+xml", width, height, 2_000)
}

fn x(n: usize) -> String {
    "x".repeat(n)
}

/// Only what saving needs (the red fields).
fn minimal() -> AppStoreInfo {
    AppStoreInfo {
        listing_name: "Acme CRM sync".into(),
        short_description: "Keeps Acme and your CRM in step.".into(),
        ..AppStoreInfo::default()
    }
}

/// Everything publishing needs.
fn complete() -> AppStoreInfo {
    AppStoreInfo {
        long_description: "Acme CRM sync copies companies, contacts and sales both ways.".into(),
        homepage_url: "https://www.acme.example.com/".into(),
        support_url: "https://www.acme.example.com/support".into(),
        privacy_url: "https://www.acme.example.com/privacy".into(),
        terms_url: "https://www.acme.example.com/terms".into(),
        support_email: "support@acme.example.com".into(),
        categories: vec!["sales".into(), "integration".into()],
        languages: vec!["en".into(), "nb".into()],
        logo: Some(png(512, 512)),
        screenshots: vec![png(1280, 800), jpeg(1920, 1080)],
        ..minimal()
    }
}

/// (field, rule, gate) of every finding.
fn found(info: &AppStoreInfo) -> Vec<(String, Rule, Gate)> {
    check_app_store(info)
        .into_iter()
        .map(|f| (f.field.to_string(), f.rule, f.gate))
        .collect()
}

struct Case {
    rule: Rule,
    gate: Gate,
    what: &'static str,
    /// Changes a complete listing so that the rule flags it, with the gate.
    flagged: fn(&mut AppStoreInfo),
    /// A change just on the other side of the line: the rule says nothing.
    near_miss: fn(&mut AppStoreInfo),
}

use Gate::{Publish as P, Save as S};

fn cases() -> Vec<Case> {
    vec![
        // APPSTORE-NAME
        Case {
            rule: Rule::AppStoreName,
            gate: S,
            what: "empty vs one character",
            flagged: |i| i.listing_name = " \t ".into(),
            near_miss: |i| i.listing_name = "A".into(),
        },
        Case {
            rule: Rule::AppStoreName,
            gate: S,
            what: "81 vs 80 characters (not the app name's 64)",
            flagged: |i| i.listing_name = x(81),
            near_miss: |i| i.listing_name = format!("  {}  ", x(80)),
        },
        Case {
            rule: Rule::AppStoreName,
            gate: S,
            what: "a restricted character vs the allowed punctuation",
            flagged: |i| i.listing_name = "Acme.CRM".into(),
            near_miss: |i| i.listing_name = "Acme-CRM (beta) & co, [v2]!".into(),
        },
        Case {
            rule: Rule::AppStoreName,
            gate: S,
            what: "a zero-width space vs letters of other scripts",
            flagged: |i| i.listing_name = "Acme\u{200B}CRM".into(),
            near_miss: |i| i.listing_name = "Ærlig Kåre Синк".into(),
        },
        // APPSTORE-SHORT
        Case {
            rule: Rule::AppStoreShort,
            gate: S,
            what: "empty vs one character",
            flagged: |i| i.short_description = "   ".into(),
            near_miss: |i| i.short_description = "x".into(),
        },
        Case {
            rule: Rule::AppStoreShort,
            gate: S,
            what: "161 vs 160 characters (after trimming)",
            flagged: |i| i.short_description = x(161),
            near_miss: |i| i.short_description = format!(" {} ", "é".repeat(160)),
        },
        // APPSTORE-LONG
        Case {
            rule: Rule::AppStoreLong,
            gate: P,
            what: "empty vs one character",
            flagged: |i| i.long_description = "\n ".into(),
            near_miss: |i| i.long_description = "x".into(),
        },
        Case {
            rule: Rule::AppStoreLong,
            gate: S,
            what: "4,001 vs 4,000 characters",
            flagged: |i| i.long_description = x(4001),
            near_miss: |i| i.long_description = format!("{}\n", "ø".repeat(4000)),
        },
        // APPSTORE-URL
        Case {
            rule: Rule::AppStoreUrl,
            gate: S,
            what: "http vs https homepage",
            flagged: |i| i.homepage_url = "http://www.acme.example.com/".into(),
            near_miss: |i| i.homepage_url = "HTTPS://www.acme.example.com/".into(),
        },
        Case {
            rule: Rule::AppStoreUrl,
            gate: S,
            what: "http vs https support URL",
            flagged: |i| i.support_url = "http://acme.example.com/support".into(),
            near_miss: |i| i.support_url = "https://acme.example.com/support#contact".into(),
        },
        Case {
            rule: Rule::AppStoreUrl,
            gate: S,
            what: "no scheme vs https privacy URL",
            flagged: |i| i.privacy_url = "acme.example.com/privacy".into(),
            near_miss: |i| i.privacy_url = " https://acme.example.com/privacy ".into(),
        },
        Case {
            rule: Rule::AppStoreUrl,
            gate: S,
            what: "user info vs a plain host in the terms URL",
            flagged: |i| i.terms_url = "https://acme.example.com@evil.example.net/terms".into(),
            near_miss: |i| i.terms_url = "https://evil.example.net/terms?from=acme".into(),
        },
        Case {
            rule: Rule::AppStoreUrl,
            gate: S,
            what: "localhost vs a public host",
            flagged: |i| i.homepage_url = "https://localhost/".into(),
            near_miss: |i| i.homepage_url = "https://localhost.example.com/".into(),
        },
        Case {
            rule: Rule::AppStoreUrl,
            gate: S,
            what: "an IP address vs a host name",
            flagged: |i| i.support_url = "https://203.0.113.7/support".into(),
            near_miss: |i| i.support_url = "https://203-0-113-7.example.com/support".into(),
        },
        Case {
            rule: Rule::AppStoreUrl,
            gate: S,
            what: "white space inside vs %20",
            flagged: |i| i.terms_url = "https://acme.example.com/terms of use".into(),
            near_miss: |i| i.terms_url = "https://acme.example.com/terms%20of%20use".into(),
        },
        Case {
            rule: Rule::AppStoreUrl,
            gate: S,
            what: "javascript: vs https",
            flagged: |i| i.privacy_url = "javascript:alert(1)".into(),
            near_miss: |i| i.privacy_url = "https://acme.example.com/alert(1)".into(),
        },
        Case {
            rule: Rule::AppStoreUrl,
            gate: P,
            what: "a missing homepage",
            flagged: |i| i.homepage_url.clear(),
            near_miss: |i| i.homepage_url = "https://acme.example.com".into(),
        },
        Case {
            rule: Rule::AppStoreUrl,
            gate: P,
            what: "a missing support URL",
            flagged: |i| i.support_url = "  ".into(),
            near_miss: |i| i.support_url = "https://help.acme.example.com".into(),
        },
        Case {
            rule: Rule::AppStoreUrl,
            gate: P,
            what: "a missing privacy URL",
            flagged: |i| i.privacy_url.clear(),
            near_miss: |i| i.privacy_url = "https://acme.example.com/p".into(),
        },
        Case {
            rule: Rule::AppStoreUrl,
            gate: P,
            what: "a missing terms URL",
            flagged: |i| i.terms_url.clear(),
            near_miss: |i| i.terms_url = "https://acme.example.com/t".into(),
        },
        // APPSTORE-EMAIL
        Case {
            rule: Rule::AppStoreEmail,
            gate: S,
            what: "no domain vs an address",
            flagged: |i| i.support_email = "support@".into(),
            near_miss: |i| i.support_email = " Support@Acme.Example.COM ".into(),
        },
        Case {
            rule: Rule::AppStoreEmail,
            gate: S,
            what: "two dots vs one",
            flagged: |i| i.support_email = "help..desk@acme.example.com".into(),
            near_miss: |i| i.support_email = "help.desk@acme.example.com".into(),
        },
        Case {
            rule: Rule::AppStoreEmail,
            gate: P,
            what: "missing",
            flagged: |i| i.support_email.clear(),
            near_miss: |i| i.support_email = "a@b.co".into(),
        },
        // APPSTORE-CATEGORY
        Case {
            rule: Rule::AppStoreCategory,
            gate: P,
            what: "none vs one",
            flagged: |i| i.categories.clear(),
            near_miss: |i| i.categories = vec!["accounting".into()],
        },
        Case {
            rule: Rule::AppStoreCategory,
            gate: S,
            what: "an unknown ID (also by case) vs a known one",
            flagged: |i| i.categories = vec!["Sales".into()],
            near_miss: |i| i.categories = vec!["sales".into()],
        },
        Case {
            rule: Rule::AppStoreCategory,
            gate: S,
            what: "4 vs 3 categories",
            flagged: |i| {
                i.categories = vec![
                    "sales".into(),
                    "marketing".into(),
                    "analytics".into(),
                    "security".into(),
                ]
            },
            near_miss: |i| {
                i.categories = vec!["sales".into(), "marketing".into(), "analytics".into()]
            },
        },
        Case {
            rule: Rule::AppStoreCategory,
            gate: S,
            what: "the same category twice vs two different",
            flagged: |i| i.categories = vec!["sales".into(), "sales".into()],
            near_miss: |i| i.categories = vec!["sales".into(), "e_commerce".into()],
        },
        // APPSTORE-LANGUAGE
        Case {
            rule: Rule::AppStoreLanguage,
            gate: P,
            what: "none vs one",
            flagged: |i| i.languages.clear(),
            near_miss: |i| i.languages = vec!["fr".into()],
        },
        Case {
            rule: Rule::AppStoreLanguage,
            gate: S,
            what: "an unknown code vs a known one",
            flagged: |i| i.languages = vec!["no".into()],
            near_miss: |i| i.languages = vec!["nb".into()],
        },
        Case {
            rule: Rule::AppStoreLanguage,
            gate: S,
            what: "the same language twice vs all eight",
            flagged: |i| i.languages = vec!["sv".into(), "da".into(), "sv".into()],
            near_miss: |i| i.languages = LANGUAGES.iter().map(|(c, _)| c.to_string()).collect(),
        },
        // APPSTORE-LOGO
        Case {
            rule: Rule::AppStoreLogo,
            gate: P,
            what: "no logo vs an SVG",
            flagged: |i| i.logo = None,
            near_miss: |i| i.logo = Some(svg(24, 24)),
        },
        Case {
            rule: Rule::AppStoreLogo,
            gate: S,
            what: "a 255 vs 256 px PNG",
            flagged: |i| i.logo = Some(png(255, 255)),
            near_miss: |i| i.logo = Some(png(256, 256)),
        },
        Case {
            rule: Rule::AppStoreLogo,
            gate: S,
            what: "a non-square vs a square PNG",
            flagged: |i| i.logo = Some(png(512, 513)),
            near_miss: |i| i.logo = Some(png(513, 513)),
        },
        Case {
            rule: Rule::AppStoreLogo,
            gate: S,
            what: "a non-square vs a square SVG",
            flagged: |i| i.logo = Some(svg(300, 150)),
            near_miss: |i| i.logo = Some(svg(150, 150)),
        },
        Case {
            rule: Rule::AppStoreLogo,
            gate: S,
            what: "an SVG without a size vs with one",
            flagged: |i| i.logo = Some(svg(0, 0)),
            near_miss: |i| i.logo = Some(svg(1, 1)),
        },
        Case {
            rule: Rule::AppStoreLogo,
            gate: S,
            what: "1 MB + 1 byte vs 1 MB",
            flagged: |i| i.logo = Some(image("image/png", 256, 256, 1_048_577)),
            near_miss: |i| i.logo = Some(image("image/png", 256, 256, 1_048_576)),
        },
        Case {
            rule: Rule::AppStoreLogo,
            gate: S,
            what: "a GIF vs a PNG",
            flagged: |i| i.logo = Some(image("image/gif", 256, 256, 5_000)),
            near_miss: |i| i.logo = Some(image("image/png", 256, 256, 5_000)),
        },
        Case {
            rule: Rule::AppStoreLogo,
            gate: S,
            what: "a JPEG vs an SVG",
            flagged: |i| i.logo = Some(image("image/jpeg", 512, 512, 5_000)),
            near_miss: |i| i.logo = Some(image("image/svg+xml", 512, 512, 5_000)),
        },
        // APPSTORE-SCREENSHOTS
        Case {
            rule: Rule::AppStoreScreenshots,
            gate: P,
            what: "none vs one",
            flagged: |i| i.screenshots.clear(),
            near_miss: |i| i.screenshots = vec![png(320, 320)],
        },
        Case {
            rule: Rule::AppStoreScreenshots,
            gate: S,
            what: "6 vs 5 screenshots",
            flagged: |i| i.screenshots = vec![png(1280, 800); 6],
            near_miss: |i| i.screenshots = vec![png(1280, 800); 5],
        },
        Case {
            rule: Rule::AppStoreScreenshots,
            gate: S,
            what: "a GIF vs a JPEG",
            flagged: |i| i.screenshots = vec![image("image/gif", 1280, 800, 9_000)],
            near_miss: |i| i.screenshots = vec![image("image/jpeg", 1280, 800, 9_000)],
        },
        Case {
            rule: Rule::AppStoreScreenshots,
            gate: S,
            what: "an SVG vs a PNG",
            flagged: |i| i.screenshots = vec![image("image/svg+xml", 1280, 800, 9_000)],
            near_miss: |i| i.screenshots = vec![image("image/png", 1280, 800, 9_000)],
        },
        Case {
            rule: Rule::AppStoreScreenshots,
            gate: S,
            what: "a 319 vs 320 px side",
            flagged: |i| i.screenshots = vec![png(1280, 800), png(319, 800)],
            near_miss: |i| i.screenshots = vec![png(1280, 800), png(320, 800)],
        },
        Case {
            rule: Rule::AppStoreScreenshots,
            gate: S,
            what: "a 3,841 vs 3,840 px side",
            flagged: |i| i.screenshots = vec![jpeg(1080, 3841)],
            near_miss: |i| i.screenshots = vec![jpeg(2160, 3840)],
        },
        Case {
            rule: Rule::AppStoreScreenshots,
            gate: S,
            what: "5 MB + 1 byte vs 5 MB",
            flagged: |i| i.screenshots = vec![image("image/png", 1280, 800, 5_242_881)],
            near_miss: |i| i.screenshots = vec![image("image/png", 1280, 800, 5_242_880)],
        },
    ]
}

#[test]
fn every_appstore_rule_flags_its_input_and_spares_the_near_miss() {
    let mut failures = Vec::new();
    assert!(found(&complete()).is_empty(), "{:?}", found(&complete()));
    for case in cases() {
        let mut bad = complete();
        (case.flagged)(&mut bad);
        let got = found(&bad);
        if !got
            .iter()
            .any(|(_, r, g)| *r == case.rule && *g == case.gate)
        {
            failures.push(format!(
                "{} ({:?}) not flagged on {}: got {got:?}",
                case.rule, case.gate, case.what
            ));
        }
        let mut near = complete();
        (case.near_miss)(&mut near);
        let got = found(&near);
        if !got.is_empty() {
            failures.push(format!(
                "{}: near miss of {} flagged: {got:?}",
                case.rule, case.what
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_table_covers_every_appstore_rule_with_each_of_its_gates() {
    let mut covered: BTreeSet<(Rule, Gate)> = cases().iter().map(|c| (c.rule, c.gate)).collect();
    covered.insert((Rule::AppStoreNameTaken, S)); // needs the other listings: its own test below
    let missing: Vec<String> = Rule::ALL
        .iter()
        .filter(|r| r.id().starts_with("APPSTORE-"))
        .flat_map(|r| {
            let text = describe(*r).1;
            let mut gates = vec![];
            if text.contains("Red (blocks saving)") {
                gates.push(S);
            }
            if text.contains("Orange (blocks publishing)") {
                gates.push(P);
            }
            assert!(!gates.is_empty(), "{r}'s catalogue text names no gate");
            gates.into_iter().map(move |g| (*r, g))
        })
        .filter(|rg| !covered.contains(rg))
        .map(|(r, g)| format!("{r} {g:?}"))
        .collect();
    assert!(
        missing.is_empty(),
        "rule and gate without a case: {missing:?}"
    );
    // And no case tests a gate the catalogue does not document.
    for c in cases() {
        let text = describe(c.rule).1;
        let said = match c.gate {
            S => "Red (blocks saving)",
            P => "Orange (blocks publishing)",
        };
        assert!(text.contains(said), "{} {:?}: {text}", c.rule, c.gate);
    }
}

#[test]
fn the_catalogue_lists_every_category_and_language() {
    let cats = describe(Rule::AppStoreCategory).1;
    for (id, _) in CATEGORIES {
        assert!(cats.contains(&format!("`{id}`")), "{id}");
    }
    assert_eq!(cats.matches('`').count(), 2 * CATEGORIES.len());
    let langs = describe(Rule::AppStoreLanguage).1;
    for (code, _) in LANGUAGES {
        assert!(langs.contains(&format!("`{code}`")), "{code}");
    }
    assert_eq!(langs.matches('`').count(), 2 * LANGUAGES.len());
    for code in ["en", "nb", "sv", "da", "de", "nl", "fi", "fr"] {
        assert!(LANGUAGES.iter().any(|(l, _)| *l == code), "{code}");
    }
}

#[test]
fn an_empty_listing_cannot_be_saved() {
    let f = check_app_store(&AppStoreInfo::default());
    assert!(blocks_save(&f));
    assert!(blocks_publish(&f));
    let red: BTreeSet<Rule> = f.iter().filter(|f| f.gate == S).map(|f| f.rule).collect();
    assert_eq!(
        red,
        BTreeSet::from([Rule::AppStoreName, Rule::AppStoreShort]),
        "{f:?}"
    );
}

#[test]
fn a_listing_with_only_the_red_fields_saves_but_does_not_publish() {
    let f = check_app_store(&minimal());
    assert!(!blocks_save(&f), "{f:?}");
    assert!(blocks_publish(&f));
    assert!(f.iter().all(|f| f.gate == P));
    let fields: Vec<String> = f.iter().map(|f| f.field.to_string()).collect();
    assert_eq!(
        fields,
        [
            "long_description",
            "homepage_url",
            "support_url",
            "privacy_url",
            "terms_url",
            "support_email",
            "categories",
            "languages",
            "logo",
            "screenshots",
        ]
    );
}

#[test]
fn a_complete_listing_publishes() {
    let f = check_app_store(&complete());
    assert!(f.is_empty(), "{f:?}");
    assert!(!blocks_save(&f));
    assert!(!blocks_publish(&f));
}

#[test]
fn a_red_finding_blocks_both_actions_and_an_orange_one_only_publishing() {
    assert!(S.blocks(S) && S.blocks(P));
    assert!(!P.blocks(S) && P.blocks(P));
    let mut info = minimal();
    info.homepage_url = "http://acme.example.com".into();
    let f = check_app_store(&info);
    assert!(blocks_save(&f) && blocks_publish(&f));
    let homepage = f
        .iter()
        .find(|f| f.field == FieldPath::AppStore(AppStoreField::HomepageUrl))
        .unwrap();
    assert_eq!(homepage.gate, S);
    assert_eq!(homepage.to_field_error(S).severity, Severity::Error);
    let support = f
        .iter()
        .find(|f| f.field == FieldPath::AppStore(AppStoreField::SupportUrl))
        .unwrap();
    assert_eq!(support.gate, P);
    assert_eq!(support.to_field_error(S).severity, Severity::Warning);
    assert_eq!(support.to_field_error(P).severity, Severity::Error);
}

#[test]
fn findings_name_the_entry_they_belong_to() {
    let mut info = complete();
    info.categories = vec!["sales".into(), "games".into(), "sales".into()];
    info.languages = vec!["en".into(), "EN".into()];
    info.screenshots = vec![png(1280, 800), png(100, 100), png(1280, 800)];
    let f = found(&info);
    assert_eq!(
        f,
        [
            ("categories[1]".to_string(), Rule::AppStoreCategory, S),
            ("categories[2]".to_string(), Rule::AppStoreCategory, S),
            ("languages[1]".to_string(), Rule::AppStoreLanguage, S),
            ("screenshots[1]".to_string(), Rule::AppStoreScreenshots, S),
        ]
    );
    let all = check_app_store(&info);
    assert!(
        all[0].message.contains("\"games\" is not a category"),
        "{}",
        all[0].message
    );
    assert!(
        all[1].message.contains("already category 1"),
        "{}",
        all[1].message
    );
    assert_eq!(
        all[3].field,
        FieldPath::AppStoreEntry(AppStoreList::Screenshots, 1)
    );
    let json = serde_json::to_value(&all[3]).unwrap();
    assert_eq!(json["field"], "screenshots[1]");
    assert_eq!(json["rule"], "APPSTORE-SCREENSHOTS");
    assert_eq!(json["gate"], "save");
    let back: appreg_core::AppStoreFinding = serde_json::from_value(json).unwrap();
    assert_eq!(back, all[3]);
}

#[test]
fn messages_say_what_is_wrong_and_how_to_fix_it() {
    let mut info = complete();
    info.listing_name = "Acme: CRM".into();
    info.short_description = x(170);
    info.homepage_url = "www.acme.example.com".into();
    info.support_email = "support".into();
    info.logo = Some(png(300, 200));
    let by_field = |field: &str| -> Vec<String> {
        check_app_store(&info)
            .into_iter()
            .filter(|f| f.field.to_string() == field)
            .map(|f| f.message)
            .collect()
    };
    assert!(by_field("listing_name")[0].contains("':' at position 5"));
    assert!(by_field("short_description")[0].contains("170 characters"));
    assert!(by_field("homepage_url")[0].contains("Did you mean https://www.acme.example.com?"));
    assert!(by_field("support_email")[0].contains("no '@'"));
    let logo = by_field("logo");
    assert_eq!(logo.len(), 2, "{logo:?}");
    assert!(logo[0].contains("must be square. Crop it to 200 × 200 px"));
    assert!(logo[1].contains("at least 256 × 256 px"));
}

#[test]
fn the_listing_name_counts_characters_not_bytes() {
    let mut info = complete();
    info.listing_name = "ø".repeat(80);
    assert!(found(&info).is_empty());
    info.listing_name = "ø".repeat(81);
    assert_eq!(
        found(&info),
        [("listing_name".to_string(), Rule::AppStoreName, S)]
    );
}

#[test]
fn listing_names_are_unique_compared_as_app_names() {
    let others = ["Acme CRM", "Other app"];
    let taken = app_store_name_taken("  acme   crm ", others).expect("taken");
    assert_eq!(taken.rule, Rule::AppStoreNameTaken);
    assert_eq!(taken.gate, S);
    assert_eq!(taken.field, FieldPath::AppStore(AppStoreField::ListingName));
    assert!(taken.message.contains("\"Acme CRM\""), "{}", taken.message);
    assert_eq!(taken, app_store_name_taken_finding("Acme CRM"));
    assert!(app_store_name_taken("Acme CRM 2", others).is_none());
    assert!(app_store_name_taken("Acme-CRM", others).is_none());
    assert!(blocks_save(&[taken]));
}

#[test]
fn check_logo_and_check_screenshot_judge_one_image() {
    let ok = check_logo("image/png", MIN_LOGO_PX, MIN_LOGO_PX, MAX_LOGO_BYTES);
    assert_eq!(ok.verdict, Verdict::Ok);
    assert_eq!(ok.canonical.as_deref(), Some("image/png"));
    let bad = check_logo("image/gif", 100, 50, MAX_LOGO_BYTES + 1);
    assert!(bad.is_error());
    assert_eq!(bad.findings.len(), 2, "{bad:?}"); // the type and the size; no geometry for a GIF
    assert!(bad.findings.iter().all(|f| f.rule == Rule::AppStoreLogo));
    assert!(check_logo("", 512, 512, 10).findings[0]
        .message
        .contains("a file of unknown type"));
    assert_eq!(
        check_logo("image/svg+xml", 24, 24, 900).verdict,
        Verdict::Ok
    );

    let ok = check_screenshot(
        "image/jpeg",
        MIN_SCREENSHOT_PX,
        MAX_SCREENSHOT_PX,
        MAX_SCREENSHOT_BYTES,
    );
    assert_eq!(ok.verdict, Verdict::Ok);
    let bad = check_screenshot("image/webp", 0, 0, 0);
    assert_eq!(bad.findings.len(), 2, "{bad:?}");
    assert!(bad
        .findings
        .iter()
        .all(|f| f.rule == Rule::AppStoreScreenshots));
}

#[test]
fn json_uses_snake_case_defaults_lists_and_refuses_unknown_fields() {
    let json = serde_json::to_value(complete()).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    for f in AppStoreField::ALL {
        assert!(keys.contains(&f.id()), "{}", f.id());
    }
    assert_eq!(keys.len(), AppStoreField::ALL.len());
    assert_eq!(json["logo"]["content_type"], "image/png");
    let back: AppStoreInfo = serde_json::from_value(json).unwrap();
    assert_eq!(back, complete());

    let texts_only = serde_json::json!({
        "listing_name": "Acme", "short_description": "s", "long_description": "",
        "homepage_url": "", "support_url": "", "privacy_url": "", "terms_url": "",
        "support_email": ""
    });
    let info: AppStoreInfo = serde_json::from_value(texts_only.clone()).unwrap();
    assert!(info.categories.is_empty() && info.logo.is_none() && info.screenshots.is_empty());
    let mut extra = texts_only;
    extra["colour"] = "red".into();
    assert!(serde_json::from_value::<AppStoreInfo>(extra).is_err());
}

#[test]
fn the_canonical_form_trims_collapses_and_lower_cases() {
    let mut info = complete();
    info.listing_name = "  Acme   CRM  sync ".into();
    info.short_description = " Short. ".into();
    info.support_url = " https://acme.example.com/s ".into();
    info.support_email = " Support@Acme.Example.com ".into();
    let c = info.canonical();
    assert_eq!(c.listing_name, "Acme CRM sync");
    assert_eq!(c.short_description, "Short.");
    assert_eq!(c.support_url, "https://acme.example.com/s");
    assert_eq!(c.support_email, "support@acme.example.com");
    assert_eq!(c.canonical(), c);
    assert!(check_app_store(&c).is_empty());
}

// --- Images read from their bytes -------------------------------------------------------------------

/// A real 3 × 2 RGB PNG (signature, IHDR, IDAT, IEND; valid CRCs).
const PNG_3X2: &str =
    "89504e470d0a1a0a0000000d49484452000000030000000208020000001216f14d0000001049444154\
                       789c63f8cfc000410c70160041d205fb87f0b9480000000049454e44ae426082";

/// A real 2 × 2 greyscale baseline JPEG (JFIF, DQT, SOF0, DHT, SOS, EOI).
const JPEG_2X2: &str = "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d\
                        0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d3832\
                        3c2e333432ffc0000b080002000201011100ffc4001f0000010501010101010100000000000000000102\
                        030405060708090a0bffc400b5100002010303020403050504040000017d010203000411051221314106\
                        13516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a34353637\
                        38393a434445464748494a535455565758595a636465666768696a737475767778797a83848586878889\
                        8a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6\
                        d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f002bffd9";

/// A real 1 × 1 GIF.
const GIF_1X1: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The 2 × 2 JPEG with its frame made progressive (SOF2) and 640 × 480, after an extra APP1 segment
/// and fill bytes before the frame marker.
fn progressive_640x480() -> Vec<u8> {
    let mut b = hex(JPEG_2X2);
    let sof = b.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    b[sof + 1] = 0xC2;
    b[sof + 5..sof + 7].copy_from_slice(&480u16.to_be_bytes());
    b[sof + 7..sof + 9].copy_from_slice(&640u16.to_be_bytes());
    let app1 = [0xFF, 0xE1, 0x00, 0x06, b'E', b'x', 0xC0, 0x00]; // a C0 byte inside a segment
    b.splice(sof..sof, [0xFF, 0xFF]);
    b.splice(2..2, app1);
    b
}

#[test]
fn sniff_reads_a_real_png() {
    assert_eq!(sniff_image(&hex(PNG_3X2)), Some(("image/png", 3, 2)));
}

#[test]
fn sniff_reads_real_and_progressive_jpegs() {
    assert_eq!(sniff_image(&hex(JPEG_2X2)), Some(("image/jpeg", 2, 2)));
    assert_eq!(
        sniff_image(&progressive_640x480()),
        Some(("image/jpeg", 640, 480))
    );
}

#[test]
fn sniff_reads_svg_sizes() {
    let cases: &[(&str, (u32, u32))] = &[
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512"><rect/></svg>"#,
            (512, 512),
        ),
        (
            "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Generator: a tool -->\n\
             <!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n\
             <svg\n  version='1.1'\n  viewBox = '0 0 300 150'>\n</svg>",
            (300, 150),
        ),
        (r#"<svg viewBox="0,0,24.4,24.4"/>"#, (24, 24)),
        (r#"<svg width="256px" height="128px" viewBox="0 0 1 1"/>"#, (256, 128)),
        (r#"<svg width="600" viewBox="0 0 300 150"></svg>"#, (600, 300)),
        (r#"<svg height="100%" width="100%" viewBox="0 0 64 64"></svg>"#, (64, 64)),
        (r#"<svg width="10em" height="10em"></svg>"#, (0, 0)),
        ("<svg></svg>", (0, 0)),
        (r#"<svg viewBox="0 0 -5 10"></svg>"#, (0, 0)),
    ];
    for (text, (w, h)) in cases {
        assert_eq!(
            sniff_image(text.as_bytes()),
            Some(("image/svg+xml", *w, *h)),
            "{text}"
        );
    }
}

#[test]
fn sniff_refuses_what_is_not_png_jpeg_or_svg() {
    let not: &[&[u8]] = &[
        b"",
        GIF_1X1,
        b"RIFF\x24\x00\x00\x00WEBPVP8 ",
        b"<html><body><svg width='1' height='1'></svg></body></html>",
        b"<svgfoo width='1'/>",
        b"<svg width='1'", // the tag never ends
        b"<svg width='1>", // an unclosed value
        b"<!-- never closed <svg/>",
        b"<!DOCTYPE svg [<!ENTITY x \"y\">]><svg width='1' height='1'/>",
        b"text <svg/>",
        b"\x89PNG\r\n\x1a\n", // a signature and nothing else
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIDAT\x00\x00\x00\x01\x00\x00\x00\x01",
        b"\xff\xd8\xff\xd9",         // a JPEG that ends before any frame
        b"\xff\xd8\xff\xda\x00\x02", // image data before any frame
        b"\xff\xd8\xff\xe0\x00\x01", // a segment length below 2
        b"\xff\xfe<svg/>",           // UTF-16
    ];
    for bytes in not {
        assert_eq!(
            sniff_image(bytes),
            None,
            "{:?}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[test]
fn a_file_named_png_is_judged_by_its_bytes() {
    // "logo.png" that is really a GIF, or a JPEG: the name does not matter.
    assert_eq!(sniff_image(GIF_1X1), None);
    let (content_type, w, h) = sniff_image(&hex(JPEG_2X2)).unwrap();
    assert_eq!(content_type, "image/jpeg");
    assert!(check_logo(content_type, w, h, 331).is_error());
    let (content_type, w, h) = sniff_image(&hex(PNG_3X2)).unwrap();
    let logo = check_logo(content_type, w, h, 73);
    assert!(logo.findings.iter().any(|f| f.message.contains("square")));
}

#[test]
fn sniff_never_panics_on_a_cut_or_changed_file() {
    let samples = [
        hex(PNG_3X2),
        hex(JPEG_2X2),
        progressive_640x480(),
        GIF_1X1.to_vec(),
        "<?xml version='1.0'?><svg width='é' viewBox='0 0 1 1'>ø</svg>"
            .as_bytes()
            .to_vec(),
    ];
    for s in &samples {
        for end in 0..=s.len() {
            let _ = sniff_image(&s[..end]);
        }
        for i in 0..s.len() {
            for v in [0x00, 0x02, 0xFF, b'>', b'"'] {
                let mut c = s.clone();
                c[i] = v;
                let _ = sniff_image(&c);
            }
        }
    }
    // A head cut through a multi-byte character is still read.
    let mut big = b"<svg viewBox='0 0 8 8'>".to_vec();
    big.resize(64 * 1024 - 1, b' ');
    big.extend("é".as_bytes());
    assert_eq!(sniff_image(&big), Some(("image/svg+xml", 8, 8)));
}

#[test]
fn field_paths_read_back_from_their_text() {
    for f in AppStoreField::ALL {
        let p = FieldPath::AppStore(f);
        assert_eq!(p.to_string().parse::<FieldPath>(), Ok(p));
    }
    for l in AppStoreList::ALL {
        let p = FieldPath::AppStoreEntry(l, 3);
        assert_eq!(p.to_string().parse::<FieldPath>(), Ok(p));
        assert_eq!(p.to_string(), format!("{}[3]", l.field().id()));
    }
}
