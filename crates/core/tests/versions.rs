//! Versions: the state machine per environment (every allowed and every refused transition), the diff
//! of two configurations, its words, and VERSION-LABEL.

use appreg_core::api::{Endpoint, Endpoints, ErrorEmails};
use appreg_core::{
    check_version_label, describe, diff, version_editable, version_transition, AppConfig,
    Capability, Environment, EnvironmentUrls, FieldChange, Rule, UrlSet, VersionEvent, VersionInfo,
    VersionState,
};

const STATES: [Option<VersionState>; 5] = [
    None,
    Some(VersionState::Draft),
    Some(VersionState::Published),
    Some(VersionState::Pending),
    Some(VersionState::Rejected),
];
const EVENTS: [VersionEvent; 5] = [
    VersionEvent::PublishSod,
    VersionEvent::Request,
    VersionEvent::Approve,
    VersionEvent::Reject,
    VersionEvent::Edit,
];

/// The allowed transitions, and nothing else.
fn allowed(
    state: Option<VersionState>,
    env: Environment,
    event: VersionEvent,
) -> Option<Option<VersionState>> {
    use VersionEvent as E;
    use VersionState as S;
    match (env, state, event) {
        (Environment::Sod, None | Some(S::Draft), E::PublishSod) => Some(Some(S::Published)),
        (Environment::Sod, None | Some(S::Draft) | Some(S::Published), E::Edit) => Some(state),
        (Environment::Sod, _, _) => None,
        (_, None | Some(S::Rejected), E::Request) => Some(Some(S::Pending)),
        (_, None | Some(S::Rejected), E::Edit) => Some(state),
        (_, Some(S::Pending), E::Approve) => Some(Some(S::Published)),
        (_, Some(S::Pending), E::Reject) => Some(Some(S::Rejected)),
        _ => None,
    }
}

#[test]
fn every_transition_is_allowed_or_refused_with_a_reason() {
    let mut allowed_count = 0;
    for env in Environment::ALL {
        for state in STATES {
            for event in EVENTS {
                let got = version_transition(state, env, event);
                match allowed(state, env, event) {
                    Some(next) => {
                        allowed_count += 1;
                        assert_eq!(got, Ok(next), "{env:?} {state:?} {event:?}");
                    }
                    None => {
                        let reason = got.expect_err(&format!("{env:?} {state:?} {event:?}"));
                        assert!(reason.ends_with('.') && reason.len() > 20, "{reason}");
                    }
                }
            }
        }
    }
    // SOD: 2 publish + 3 edit; Stage and Production: 2 request + 2 edit + approve + reject each.
    assert_eq!(allowed_count, 5 + 2 * 6);
}

#[test]
fn the_reasons_say_what_to_do() {
    let r = |s, e, ev| version_transition(s, e, ev).unwrap_err();
    let published = Some(VersionState::Published);
    let pending = Some(VersionState::Pending);
    assert!(r(None, Environment::Sod, VersionEvent::Request).contains("self-service"));
    assert!(r(None, Environment::Stage, VersionEvent::PublishSod).contains("request it"));
    assert!(r(published, Environment::Production, VersionEvent::Edit).contains("new version"));
    assert!(r(pending, Environment::Stage, VersionEvent::Edit).contains("locked"));
    assert!(r(pending, Environment::Stage, VersionEvent::Request).contains("already pending"));
    assert!(r(published, Environment::Sod, VersionEvent::PublishSod).contains("already"));
    assert!(r(None, Environment::Stage, VersionEvent::Approve).contains("pending"));
}

fn info(
    sod: Option<VersionState>,
    stage: Option<VersionState>,
    production: Option<VersionState>,
) -> VersionInfo {
    VersionInfo {
        number: 1,
        label: "Initial".into(),
        created_at: "2025-01-01T00:00:00Z".into(),
        created_by: "dev@example.com".into(),
        sod,
        stage,
        production,
        current: true,
        editable: true,
    }
}

#[test]
fn a_version_is_editable_until_requested_or_published_beyond_sod() {
    use VersionState::*;
    assert!(version_editable(&info(Some(Draft), None, None)));
    assert!(version_editable(&info(Some(Published), None, None)));
    assert!(version_editable(&info(
        Some(Published),
        Some(Rejected),
        None
    )));
    assert!(!version_editable(&info(
        Some(Published),
        Some(Pending),
        None
    )));
    assert!(!version_editable(&info(
        Some(Published),
        Some(Published),
        None
    )));
    assert!(!version_editable(&info(
        Some(Published),
        Some(Published),
        Some(Pending)
    )));
    assert!(!version_editable(&info(Some(Draft), None, Some(Published))));
}

fn base() -> AppConfig {
    AppConfig {
        capabilities: vec![Capability::WebApi],
        redirect_urls: vec!["https://a.example.com/cb".into()],
        post_logout_urls: vec![],
        cors_urls: vec!["https://a.example.com".into()],
        endpoints: Endpoints {
            erp_sync: Some(Endpoint {
                url: String::new(),
                enabled: false,
            }),
            ..Default::default()
        },
        technical_contact: "a@example.com".into(),
        error_emails: ErrorEmails::default(),
        environment_urls: EnvironmentUrls::default(),
    }
}

fn list(field: &str, added: &[&str], removed: &[&str]) -> FieldChange {
    FieldChange {
        field: field.into(),
        added: added.iter().map(|s| s.to_string()).collect(),
        removed: removed.iter().map(|s| s.to_string()).collect(),
        before: None,
        after: None,
    }
}

fn scalar(field: &str, before: Option<&str>, after: Option<&str>) -> FieldChange {
    FieldChange {
        field: field.into(),
        added: vec![],
        removed: vec![],
        before: before.map(String::from),
        after: after.map(String::from),
    }
}

#[test]
fn an_unchanged_configuration_has_no_diff() {
    assert!(diff(&base(), &base()).is_empty());
    assert!(diff(&AppConfig::default(), &AppConfig::default()).is_empty());
}

#[test]
fn lists_give_added_and_removed_entries() {
    let mut after = base();
    after.redirect_urls = vec!["https://b.example.com/cb".into()];
    after.post_logout_urls = vec!["https://a.example.com/bye".into()];
    after.cors_urls.push("https://b.example.com".into());
    after.capabilities = vec![Capability::Services88];
    after.error_emails.recipients = vec!["ops@example.com".into()];
    assert_eq!(
        diff(&base(), &after),
        vec![
            list("capabilities", &["services88"], &["webapi"]),
            list(
                "redirect_urls",
                &["https://b.example.com/cb"],
                &["https://a.example.com/cb"]
            ),
            list("post_logout_urls", &["https://a.example.com/bye"], &[]),
            list("cors_urls", &["https://b.example.com"], &[]),
            list("error_emails.recipients", &["ops@example.com"], &[]),
        ]
    );
}

#[test]
fn scalars_give_before_and_after() {
    let mut after = base();
    after.technical_contact = "b@example.com".into();
    after.error_emails.send = true;
    after.endpoints.erp_sync = Some(Endpoint {
        url: "https://erp.example.com/sync".into(),
        enabled: true,
    });
    after.endpoints.quote = Some(Endpoint {
        url: "https://erp.example.com/quote".into(),
        enabled: false,
    });
    assert_eq!(
        diff(&base(), &after),
        vec![
            scalar(
                "endpoints.erp_sync",
                Some("Off"),
                Some("On: https://erp.example.com/sync")
            ),
            scalar(
                "endpoints.quote",
                None,
                Some("Off (https://erp.example.com/quote)")
            ),
            scalar(
                "technical_contact",
                Some("a@example.com"),
                Some("b@example.com")
            ),
            scalar("error_emails.send", Some("Off"), Some("On")),
        ]
    );
}

#[test]
fn environment_urls_differ_per_environment_and_list() {
    let mut after = base();
    after.environment_urls.production = Some(UrlSet {
        redirect_urls: vec!["https://prod.example.com/cb".into()],
        cors_urls: vec![],
    });
    assert_eq!(
        diff(&base(), &after),
        vec![
            scalar(
                "environment_urls.production",
                Some("same as SOD"),
                Some("own URLs")
            ),
            list(
                "environment_urls.production.redirect_urls",
                &["https://prod.example.com/cb"],
                &[]
            ),
        ]
    );
    let mut later = after.clone();
    if let Some(p) = later.environment_urls.production.as_mut() {
        p.cors_urls.push("https://prod.example.com".into());
    }
    assert_eq!(
        diff(&after, &later),
        vec![list(
            "environment_urls.production.cors_urls",
            &["https://prod.example.com"],
            &[]
        )]
    );
    assert_eq!(
        after.urls_in(Environment::Production).redirect_urls,
        vec!["https://prod.example.com/cb"]
    );
    assert_eq!(
        after.urls_in(Environment::Stage).redirect_urls,
        base().redirect_urls
    );
    // The same rule from the URLs alone (the console has the app's lists, not a version's config):
    // SOD's own are SOD's lists, whatever Stage and Production hold.
    let (sod, cors) = (
        ["https://sod.example.com/cb".to_string()],
        ["https://sod.example.com".to_string()],
    );
    let prod = after
        .environment_urls
        .in_effect(Environment::Production, &sod, &cors);
    assert_eq!(prod.redirect_urls, vec!["https://prod.example.com/cb"]);
    assert!(prod.cors_urls.is_empty());
    let stage = after
        .environment_urls
        .in_effect(Environment::Stage, &sod, &cors);
    assert_eq!(
        (stage.redirect_urls, stage.cors_urls),
        (sod.to_vec(), cors.to_vec())
    );
    let dev = after
        .environment_urls
        .in_effect(Environment::Sod, &sod, &cors);
    assert_eq!(dev.redirect_urls, sod.to_vec());
}

#[test]
fn changes_in_words() {
    assert_eq!(
        describe(&list(
            "redirect_urls",
            &["https://b.example.com/cb"],
            &["https://a.example.com/cb"]
        )),
        vec![
            "Added redirect URL https://b.example.com/cb",
            "Removed redirect URL https://a.example.com/cb"
        ]
    );
    assert_eq!(
        describe(&list("cors_urls", &[], &["https://a.example.com"])),
        vec!["Removed CORS origin https://a.example.com"]
    );
    assert_eq!(
        describe(&list("capabilities", &["database_mirroring"], &[])),
        vec!["Added capability Database mirroring"]
    );
    assert_eq!(
        describe(&scalar(
            "technical_contact",
            Some("a@example.com"),
            Some("b@example.com")
        )),
        vec!["Technical contact: a@example.com → b@example.com"]
    );
    assert_eq!(
        describe(&scalar(
            "endpoints.erp_sync",
            Some("Off"),
            Some("On: https://erp.example.com/sync")
        )),
        vec!["ERP Sync endpoint: Off → On: https://erp.example.com/sync"]
    );
    assert_eq!(
        describe(&scalar("endpoints.quote", None, Some("Off"))),
        vec!["Quote endpoint: none → Off"]
    );
    assert_eq!(
        describe(&scalar("error_emails.send", Some("Off"), Some("On"))),
        vec!["Send error e-mails: Off → On"]
    );
    assert_eq!(
        describe(&list(
            "environment_urls.stage.cors_urls",
            &["https://stage.example.com"],
            &[]
        )),
        vec!["Added Stage CORS origin https://stage.example.com"]
    );
    assert_eq!(
        describe(&scalar(
            "environment_urls.production",
            Some("same as SOD"),
            Some("own URLs")
        )),
        vec!["Production URLs: same as SOD → own URLs"]
    );
    assert_eq!(
        describe(&list("error_emails.recipients", &["ops@example.com"], &[])),
        vec!["Added error e-mail recipient ops@example.com"]
    );
}

#[test]
fn every_diff_has_words() {
    let mut after = base();
    after.redirect_urls.clear();
    after.technical_contact = "b@example.com".into();
    after.environment_urls.stage = Some(UrlSet::default());
    for change in diff(&base(), &after) {
        assert!(!describe(&change).is_empty(), "{change:?}");
    }
}

#[test]
fn version_label_rule() {
    let ok = check_version_label("  Release 2  ");
    assert!(!ok.is_error());
    assert_eq!(ok.canonical.as_deref(), Some("Release 2"));
    assert!(!check_version_label(&"é".repeat(80)).is_error());
    for bad in ["", "  ", &"x".repeat(81), "Tab\there", "Zero\u{200B}width"] {
        let c = check_version_label(bad);
        assert!(c.is_error() && c.has(Rule::VersionLabel), "{bad:?}");
        assert!(c.canonical.is_none());
        let msg = &c.findings[0].message;
        assert!(
            msg.contains("80") || msg.contains("remove"),
            "says how to fix: {msg}"
        );
    }
    assert_eq!(Rule::from_id("VERSION-LABEL"), Some(Rule::VersionLabel));
}

#[test]
fn versions_serialise_with_the_contract_names() {
    let v = info(Some(VersionState::Published), None, None);
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["sod"], "published");
    assert!(json["stage"].is_null());
    // A configuration without environment_urls reads back (older snapshots).
    let mut c = serde_json::to_value(base()).unwrap();
    c.as_object_mut().unwrap().remove("environment_urls");
    assert_eq!(serde_json::from_value::<AppConfig>(c).unwrap(), base());
}
