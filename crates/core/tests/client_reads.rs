//! What the SPA reads of the API's answers with types of its own, smaller to decode than the whole
//! answer: from the JSON the server sends (the whole type, serialized), every field the SPA shows comes
//! through, and the fields it does not read are skipped, not refused.
//! - the partner page's list reads apps as `ApplicationRow`s;
//! - the wizard reads `name-available` as a `NameAnswer`;
//! - every page reads an error's problem+json as a `ProblemHead` (the field errors are read, as the
//!   whole `Problem`, only by the form that shows them).

use appreg_core::api::{
    AppStatus, Application, ApplicationPage, ApplicationRowPage, ClientIds, Endpoint, Endpoints,
    EnvState, Environments, ErrorEmails, FieldError, NameAnswer, NameAvailability, Problem,
    ProblemHead,
};
use appreg_core::{check_name, name_taken_finding, AppType, Capability, Rule, Severity, Template};

fn app(id: &str, status: AppStatus, expires: Option<&str>) -> Application {
    Application {
        id: id.into(),
        partner_id: "p1".into(),
        name: format!("App {id}"),
        template: Template::Erp,
        app_type: AppType::Standard,
        capabilities: vec![Capability::WebApi, Capability::ErpSyncAgent],
        client_ids: ClientIds {
            sod: "c-sod".into(),
            stage: "c-stage".into(),
            production: "c-prod".into(),
        },
        redirect_urls: vec!["https://app.example.com/callback".into()],
        post_logout_urls: vec!["https://app.example.com/".into()],
        cors_urls: vec!["https://app.example.com".into()],
        endpoints: Endpoints {
            erp_sync: Some(Endpoint {
                url: "https://erp.example.com/sync".into(),
                enabled: true,
            }),
            ..Endpoints::default()
        },
        technical_contact: "dev@example.com".into(),
        environments: Environments {
            sod: EnvState::Published,
            stage: EnvState::Pending,
            production: EnvState::Rejected,
        },
        created_at: "2026-11-01T10:00:00Z".into(),
        status,
        deleted_at: (status != AppStatus::Active).then(|| "2026-11-20T09:00:00Z".into()),
        restorable_until: (status != AppStatus::Active).then(|| "2026-12-20T09:00:00Z".into()),
        error_emails: ErrorEmails {
            send: true,
            recipients: vec!["ops@example.com".into()],
        },
        keys_expire_at: expires.map(Into::into),
    }
}

#[test]
fn a_page_of_whole_apps_reads_as_rows_with_every_field_a_row_shows() {
    let page = ApplicationPage {
        items: vec![
            app("a1", AppStatus::Active, Some("2027-01-01T00:00:00Z")),
            app("a2", AppStatus::Deactivated, None),
            app("a3", AppStatus::Deleted, None),
        ],
        next_cursor: Some("next".into()),
    };
    let json = serde_json::to_string(&page).unwrap();
    let rows: ApplicationRowPage = serde_json::from_str(&json).unwrap();
    assert_eq!(rows.next_cursor.as_deref(), Some("next"));
    assert_eq!(rows.items.len(), 3);
    for (row, app) in rows.items.iter().zip(&page.items) {
        assert_eq!(row.id, app.id);
        assert_eq!(row.name, app.name);
        assert_eq!(row.template, app.template);
        assert_eq!(row.app_type, app.app_type);
        assert_eq!(row.environments, app.environments);
        assert_eq!(row.status, app.status);
        assert_eq!(row.deleted_at, app.deleted_at);
        assert_eq!(row.restorable_until, app.restorable_until);
        assert_eq!(row.keys_expire_at, app.keys_expire_at);
    }
}

#[test]
fn a_row_without_the_optional_fields_is_an_active_app_with_none_of_them() {
    let json = r#"{"id":"a1","name":"N","template":"web","app_type":"standard",
        "environments":{"sod":"published","stage":"none","production":"none"}}"#;
    let row: appreg_core::api::ApplicationRow = serde_json::from_str(json).unwrap();
    assert_eq!(row.status, AppStatus::Active);
    assert_eq!(
        (row.deleted_at, row.restorable_until, row.keys_expire_at),
        (None, None, None)
    );
    // A row needs what it shows: without the environments it is refused, as an Application is.
    let without = r#"{"id":"a1","name":"N","template":"web","app_type":"standard"}"#;
    assert!(serde_json::from_str::<appreg_core::api::ApplicationRow>(without).is_err());
}

#[test]
fn a_taken_name_reads_as_the_servers_name_taken_finding_and_a_free_one_as_none() {
    // As the server answers: the name's own check, plus NAME-TAKEN naming the app that has it.
    let mut check = check_name("my app");
    check.push(name_taken_finding("My App"));
    let taken = NameAvailability {
        available: false,
        check,
    };
    let answer: NameAnswer = serde_json::from_str(&serde_json::to_string(&taken).unwrap()).unwrap();
    assert!(!answer.available);
    let finding = answer.taken().expect("the server's NAME-TAKEN finding");
    assert_eq!(finding, name_taken_finding("My App"));
    assert_eq!(finding.rule, Rule::NameTaken);
    assert_eq!(finding.severity, Severity::Error);
    assert!(
        finding.message.contains("\"My App\""),
        "{}",
        finding.message
    );

    let free = NameAvailability {
        available: true,
        check: check_name("Another app"),
    };
    let answer: NameAnswer = serde_json::from_str(&serde_json::to_string(&free).unwrap()).unwrap();
    assert!(answer.available);
    assert_eq!(answer.taken(), None);

    // Not available for a reason of its own (the name breaks a rule): no NAME-TAKEN to show.
    let invalid = NameAvailability {
        available: false,
        check: check_name("bad/name"),
    };
    let answer: NameAnswer =
        serde_json::from_str(&serde_json::to_string(&invalid).unwrap()).unwrap();
    assert_eq!(answer.taken(), None);
}

#[test]
fn a_problem_reads_as_its_title_and_detail_and_its_field_errors_stay_in_the_body() {
    let problem = Problem {
        type_: "https://appreg.example/problems/validation".into(),
        title: "The registration has errors.".into(),
        status: 422,
        detail: "Fix the fields below.".into(),
        errors: vec![FieldError {
            field: "redirect_urls[0]".parse().unwrap(),
            rule: Rule::RuFragment,
            severity: Severity::Error,
            message: "Remove the fragment.".into(),
        }],
    };
    let body = serde_json::to_string(&problem).unwrap();
    let head: ProblemHead = serde_json::from_str(&body).unwrap();
    assert_eq!(head.title, problem.title);
    assert_eq!(head.detail, problem.detail);
    // The same body still gives the whole problem, field errors included.
    let whole: Problem = serde_json::from_str(&body).unwrap();
    assert_eq!(whole, problem);
    // A problem without a detail reads with an empty one.
    let bare: ProblemHead =
        serde_json::from_str(r#"{"type":"about:blank","title":"Not found","status":404}"#).unwrap();
    assert_eq!(
        (bare.title.as_str(), bare.detail.as_str()),
        ("Not found", "")
    );
}
