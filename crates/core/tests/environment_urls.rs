//! R4 of issue #13: Stage's and Production's own redirect and CORS URLs in a version, checked as SOD's
//! lists are, with their own field paths.

use appreg_core::{EnvironmentUrls, UrlSet};

#[test]
fn environment_urls_are_checked_as_sods_lists_with_their_own_paths() {
    use appreg_core::api::ApplicationPatch;
    use appreg_core::{validate_patch, Template};
    let patch = ApplicationPatch {
        environment_urls: Some(EnvironmentUrls {
            stage: None,
            production: Some(UrlSet {
                redirect_urls: vec!["https://prod.example.com/cb#x".into()],
                cors_urls: vec!["https://Prod.example.com/".into(), "*".into()],
            }),
        }),
        ..Default::default()
    };
    let (findings, canon) = validate_patch(&patch, Template::Web);
    let paths: Vec<(String, &str)> = findings
        .iter()
        .filter(|f| f.severity == appreg_core::Severity::Error)
        .map(|f| (f.field.to_string(), f.rule.id()))
        .collect();
    assert_eq!(
        paths,
        [
            (
                "environment_urls.production.redirect_urls[0]".to_string(),
                "RU-FRAGMENT"
            ),
            (
                "environment_urls.production.cors_urls[1]".to_string(),
                "CORS-WILDCARD"
            ),
        ]
    );
    let prod = canon.environment_urls.unwrap().production.unwrap();
    assert_eq!(prod.cors_urls[0], "https://prod.example.com");
    // Own URLs on a template that requires redirect URLs need at least one.
    let empty = ApplicationPatch {
        environment_urls: Some(EnvironmentUrls {
            stage: Some(UrlSet::default()),
            production: None,
        }),
        ..Default::default()
    };
    let (findings, _) = validate_patch(&empty, Template::Web);
    assert_eq!(
        findings[0].field.to_string(),
        "environment_urls.stage.redirect_urls"
    );
}
