//! The partner page's list reads apps as `ApplicationRow`s: from the JSON of a whole `Application`
//! (what the server sends), every field a row shows comes through, and the fields it does not show
//! are skipped, not refused.

use appreg_core::api::{
    AppStatus, Application, ApplicationPage, ApplicationRowPage, ClientIds, Endpoint, Endpoints,
    EnvState, Environments, ErrorEmails,
};
use appreg_core::{AppType, Capability, Template};

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
