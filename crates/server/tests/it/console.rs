//! The app console (issue #12): delete, deactivate and restore; certificates with a description and an
//! expiry; capabilities after the wizard; the app manager's read-only view; "Start coding"; the
//! partner page's filters at scale; "Send error e-mails"; the earliest key expiry for badges.

use crate::common::*;
use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};

fn app_path(id: &str) -> String {
    format!("/api/v1/applications/{id}")
}

async fn etag(t: &TestApp, who: &As, id: &str) -> String {
    let r = t.get(who, &app_path(id)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.headers[header::ETAG].to_str().unwrap().to_string()
}

async fn delete(t: &TestApp, who: &As, id: &str, if_match: Option<&str>) -> Reply {
    let headers: Vec<(&str, &str)> = if_match.map(|e| ("if-match", e)).into_iter().collect();
    t.send(who, Method::DELETE, &app_path(id), None, &headers)
        .await
}

async fn restore(t: &TestApp, who: &As, id: &str) -> Reply {
    t.post(who, &format!("{}/restore", app_path(id)), json!({}))
        .await
}

async fn audit_actions(t: &TestApp, id: &str) -> Vec<String> {
    sqlx::query_scalar::<_, String>(
        "SELECT action FROM audit_log WHERE entity = 'application' AND entity_id = $1 ORDER BY at",
    )
    .bind(id)
    .fetch_all(&t.state.db)
    .await
    .unwrap()
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect()
}

/// Requests Stage for the app and lets the app manager approve it.
async fn publish_to_stage(t: &TestApp, who: &As, id: &str) {
    let r = t
        .post(
            who,
            &format!("{}/publish-requests", app_path(id)),
            json!({"environment": "stage"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let manager = t.sign_in("appmanager@demo.test").await;
    let r = t
        .post(
            &manager,
            &format!("/api/v1/publish-requests/{}/approve", id_of(&r.body)),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn deleting_a_sod_only_app_frees_its_name_and_an_administrator_restores_it() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let admin = t.sign_in("admin@demo.test").await;
    let marketing = t.sign_in("marketing@demo.test").await;
    let id = id_of(&t.create(&dev, web_app("Short Lived")).await);
    assert_eq!(
        delete(&t, &dev, &id, None).await.status,
        StatusCode::PRECONDITION_REQUIRED
    );
    assert_eq!(
        delete(&t, &dev, &id, Some("\"v0\"")).await.status,
        StatusCode::PRECONDITION_FAILED
    );
    assert_eq!(
        delete(&t, &marketing, &id, Some("\"v1\"")).await.status,
        StatusCode::FORBIDDEN
    );
    let r = delete(&t, &dev, &id, Some("\"v1\"")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    // Gone from reads and lists; its name is free.
    assert_eq!(
        t.get(&dev, &app_path(id.as_str())).await.status,
        StatusCode::NOT_FOUND
    );
    let list = t.get(&dev, "/api/v1/partners/demo/applications").await;
    assert!(!names(&list.body).contains(&"Short Lived".to_string()));
    let avail = t
        .get(
            &dev,
            "/api/v1/partners/demo/applications/name-available?name=short%20lived",
        )
        .await;
    assert_eq!(avail.body["available"], true, "{}", avail.body);
    // Administrators see it among the restorable apps, with when it was deleted; others may not look.
    let deleted = t
        .get(&admin, "/api/v1/partners/demo/applications?deleted=true")
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_eq!(deleted.body["items"][0]["id"], id.as_str());
    assert_eq!(deleted.body["items"][0]["status"], "deleted");
    assert!(deleted.body["items"][0]["deleted_at"].is_string());
    assert!(deleted.body["items"][0]["restorable_until"].is_string());
    assert_eq!(
        t.get(&dev, "/api/v1/partners/demo/applications?deleted=true")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Only an administrator restores; not while another app has taken the name.
    assert_eq!(restore(&t, &dev, &id).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        restore(&t, &marketing, &id).await.status,
        StatusCode::FORBIDDEN
    );
    let other = t.sign_in("other@demo.test").await;
    assert_eq!(restore(&t, &other, &id).await.status, StatusCode::NOT_FOUND);
    let twin = id_of(&t.create(&dev, web_app("SHORT LIVED")).await);
    let r = restore(&t, &admin, &id).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.is_problem());
    assert!(r.body["detail"].as_str().unwrap().contains("Short Lived"));
    assert_eq!(
        delete(&t, &dev, &twin, Some("\"v1\"")).await.status,
        StatusCode::NO_CONTENT
    );
    let r = restore(&t, &admin, &id).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["status"], "active");
    assert_eq!(r.body["name"], "Short Lived");
    assert!(r.headers.get(header::ETAG).is_some());
    assert_eq!(t.get(&dev, &app_path(&id)).await.status, StatusCode::OK);
    assert_eq!(restore(&t, &admin, &id).await.status, StatusCode::CONFLICT);
    assert_eq!(
        audit_actions(&t, &id).await,
        ["create", "delete", "restore"]
    );
}

#[tokio::test]
async fn deleting_a_published_app_deactivates_it_read_only_until_restored() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let admin = t.sign_in("admin@demo.test").await;
    let id = id_of(&t.create(&dev, web_app("Published One")).await);
    let r = t
        .post(
            &dev,
            &format!("{}/publish-requests", app_path(&id)),
            json!({"environment": "stage"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    // While the request is pending: 409.
    let e = etag(&t, &dev, &id).await;
    let r = delete(&t, &dev, &id, Some(&e)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let manager = t.sign_in("appmanager@demo.test").await;
    let queue = t
        .get(&manager, "/api/v1/publish-requests?state=pending")
        .await;
    let rid = queue.body[0]["id"].as_str().unwrap().to_string();
    let r = t
        .post(
            &manager,
            &format!("/api/v1/publish-requests/{rid}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let e = etag(&t, &dev, &id).await;
    assert_eq!(
        delete(&t, &dev, &id, Some(&e)).await.status,
        StatusCode::NO_CONTENT
    );
    // Still listed and readable, deactivated, read-only; the name stays taken.
    let r = t.get(&dev, &app_path(&id)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["status"], "deactivated");
    assert!(r.body["deleted_at"].is_string());
    let e = r.headers[header::ETAG].to_str().unwrap().to_string();
    let r = t
        .send(
            &dev,
            Method::PATCH,
            &app_path(&id),
            Some(json!({"cors_urls": []})),
            &[("if-match", e.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body["detail"].as_str().unwrap().contains("deactivated"));
    assert_eq!(
        delete(&t, &dev, &id, Some(&e)).await.status,
        StatusCode::CONFLICT
    );
    let r = t
        .post(
            &dev,
            &format!("{}/secrets", app_path(&id)),
            json!({"environment": "sod"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let listed = t
        .get(&dev, "/api/v1/partners/demo/applications?state=deactivated")
        .await;
    assert_eq!(names(&listed.body), ["Published One"]);
    let r = t
        .post(
            &dev,
            "/api/v1/partners/demo/applications",
            web_app("published one"),
        )
        .await;
    assert_eq!(r.rules(), ["NAME-TAKEN"]);
    let deleted = t
        .get(&admin, "/api/v1/partners/demo/applications?deleted=true")
        .await;
    assert_eq!(deleted.body["items"][0]["status"], "deactivated");
    let r = restore(&t, &admin, &id).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["status"], "active");
    assert_eq!(r.body["environments"]["stage"], "published");
    let e = r.headers[header::ETAG].to_str().unwrap().to_string();
    let r = t
        .send(
            &dev,
            Method::PATCH,
            &app_path(&id),
            Some(json!({"cors_urls": []})),
            &[("if-match", e.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        audit_actions(&t, &id).await,
        ["create", "deactivate", "restore", "update"]
    );
}

async fn count(t: &TestApp, table: &str, id: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(&format!(
        "SELECT COUNT(*) FROM {table} WHERE application_id = $1"
    ))
    .bind(id)
    .fetch_one(&t.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn after_30_days_restore_is_gone_and_the_purge_leaves_no_orphans() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let admin = t.sign_in("admin@demo.test").await;
    let r = t
        .send(
            &dev,
            Method::POST,
            "/api/v1/partners/demo/applications",
            Some(web_app("Old Deleted")),
            &[("idempotency-key", "old-deleted")],
        )
        .await;
    let id = id_of(&r.body);
    let kept = id_of(&t.create(&dev, web_app("Kept")).await);
    for app in [&id, &kept] {
        let r = t
            .post(
                &dev,
                &format!("{}/secrets", app_path(app)),
                json!({"environment": "sod"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let r = t
        .post(
            &dev,
            &format!("{}/publish-requests", app_path(&id)),
            json!({"environment": "stage"}),
        )
        .await;
    let manager = t.sign_in("appmanager@demo.test").await;
    t.post(
        &manager,
        &format!("/api/v1/publish-requests/{}/reject", id_of(&r.body)),
        json!({"reason": "no"}),
    )
    .await;
    let e = etag(&t, &dev, &id).await;
    assert_eq!(
        delete(&t, &dev, &id, Some(&e)).await.status,
        StatusCode::NO_CONTENT,
        "rejected is not published"
    );
    // Not yet due: the purge keeps it.
    let p = appreg_server::sessions::purge(&t.state.db, &t.state.cfg)
        .await
        .unwrap();
    assert_eq!(p.applications, 0);
    sqlx::query("UPDATE applications SET deleted_at = $1 WHERE id = $2")
        .bind(appreg_server::db::ago_secs(31 * 86_400))
        .bind(&id)
        .execute(&t.state.db)
        .await
        .unwrap();
    let r = restore(&t, &admin, &id).await;
    assert_eq!(r.status, StatusCode::GONE, "{}", r.body);
    assert!(r.is_problem());
    let deleted = t
        .get(&admin, "/api/v1/partners/demo/applications?deleted=true")
        .await;
    assert!(names(&deleted.body).is_empty(), "{}", deleted.body);
    let p = appreg_server::sessions::purge(&t.state.db, &t.state.cfg)
        .await
        .unwrap();
    assert_eq!(p.applications, 1);
    for table in [
        "client_ids",
        "client_secrets",
        "certificates",
        "publish_requests",
        "idempotency_keys",
    ] {
        assert_eq!(count(&t, table, &id).await, 0, "{table}");
    }
    assert_eq!(count(&t, "client_ids", &kept).await, 3);
    assert_eq!(count(&t, "client_secrets", &kept).await, 1);
    assert_eq!(restore(&t, &admin, &id).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn certificates_have_a_description_and_an_expiry() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let id = id_of(&t.create(&dev, web_app("Certified")).await);
    let path = format!("{}/certificates", app_path(&id));
    let r = t
        .post(
            &dev,
            &path,
            json!({"environment": "sod", "description": "  signing key  ", "expires_in_days": 30}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["description"], "signing key");
    let in_30 = appreg_server::db::in_days(30);
    let expires = r.body["expires_at"].as_str().unwrap();
    assert_eq!(&expires[..10], &in_30[..10], "{expires}");
    let public = r.body["public_key_pem"].as_str().unwrap().to_string();
    // An upload without either gets the defaults: no description, a year.
    let r = t
        .post(
            &dev,
            &path,
            json!({"environment": "stage", "public_key_pem": public}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["description"], "");
    assert_eq!(
        &r.body["expires_at"].as_str().unwrap()[..10],
        &appreg_server::db::in_days(365)[..10]
    );
    let list = t.get(&dev, &path).await;
    assert_eq!(list.body[0]["description"], "signing key");
    assert_eq!(list.body[0]["expires_at"], expires);
    // Out of range: 422 with the rule IDs, for generated and uploaded keys alike.
    let long = "x".repeat(201);
    for body in [
        json!({"environment": "production", "expires_in_days": 0}),
        json!({"environment": "production", "public_key_pem": public, "expires_in_days": 731}),
    ] {
        let r = t.post(&dev, &path, body).await;
        assert_eq!(
            r.field_rules(),
            [("expires_in_days".to_string(), "CERT-EXPIRY".to_string())]
        );
    }
    let r = t
        .post(
            &dev,
            &path,
            json!({"environment": "production", "public_key_pem": public, "description": long}),
        )
        .await;
    assert_eq!(
        r.field_rules(),
        [("description".to_string(), "CERT-DESCRIPTION".to_string())]
    );
    let r = t
        .post(&dev, &path, json!({"environment": "production", "public_key_pem": public, "description": "x".repeat(200), "expires_in_days": 730}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

async fn patch(t: &TestApp, who: &As, id: &str, body: Value) -> Reply {
    let e = etag(t, who, id).await;
    t.send(
        who,
        Method::PATCH,
        &app_path(id),
        Some(body),
        &[("if-match", e.as_str())],
    )
    .await
}

#[tokio::test]
async fn capabilities_are_changed_within_the_template_and_new_consents_are_announced() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let id = id_of(&t.create(&dev, web_app("Capable")).await);
    // Adding Services88 needs no new consent; the set comes back sorted.
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"capabilities": ["services88", "webapi", "webhook_agent", "webapi"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body["capabilities"],
        json!(["webapi", "services88", "webhook_agent"])
    );
    assert!(r.headers.get("consent-required").is_none());
    let r = patch(&t, &dev, &id, json!({"capabilities": ["webapi"]})).await;
    assert_eq!(r.body["capabilities"], json!(["webapi"]));
    assert!(r.headers.get("consent-required").is_none());
    // Adding the Webhook agent again: tenant administrators consent again.
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"capabilities": ["webapi", "webhook_agent"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["consent-required"], "webhook_agent");
    // Not for a web app: SystemToken, ERPSync, database mirroring.
    let r = patch(&t, &dev, &id, json!({"capabilities": ["webapi", "system_token_claim", "erp_sync_agent", "database_mirroring"]})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.rules(),
        ["APP-CAPABILITY", "APP-CAPABILITY", "APP-CAPABILITY"]
    );
    assert!(r.field_rules().iter().all(|(f, _)| f == "capabilities"));
    assert_eq!(
        t.get(&dev, &app_path(&id)).await.body["capabilities"],
        json!(["webapi", "webhook_agent"])
    );
    // A server-to-server app may add database mirroring (consent again); Mirroring keeps its set.
    let s2s = id_of(
        &t.create(
            &dev,
            json!({"template": "server-to-server", "app_type": "custom", "name": "Backend",
        "technical_contact": "dev@demo.test"}),
        )
        .await,
    );
    let r = patch(&t, &dev, &s2s, json!({"capabilities": ["webapi", "services88", "webhook_agent", "system_token_claim", "database_mirroring"]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers["consent-required"], "database_mirroring");
    let mirror = id_of(
        &t.create(
            &dev,
            json!({"template": "mirroring", "app_type": "custom", "name": "Mirror",
        "endpoints": {"mirroring": {"url": "https://mirror.example.com/in", "enabled": true}},
        "technical_contact": "dev@demo.test"}),
        )
        .await,
    );
    let r = patch(&t, &dev, &mirror, json!({"capabilities": ["webapi"]})).await;
    assert_eq!(r.rules(), ["APP-CAPABILITY"]);
    assert_eq!(
        patch(&t, &dev, &mirror, json!({"capabilities": []}))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn app_managers_read_apps_with_a_publish_request_but_change_nothing() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let manager = t.sign_in("appmanager@demo.test").await;
    let id = id_of(&t.create(&dev, web_app("Under Review")).await);
    let reads = [
        "",
        "/secrets",
        "/certificates",
        "/publish-requests",
        "/start-coding",
    ];
    for sub in reads {
        let path = format!("{}{sub}", app_path(&id));
        assert_eq!(
            t.get(&manager, &path).await.status,
            StatusCode::NOT_FOUND,
            "{path} before a request"
        );
    }
    let r = t
        .post(
            &dev,
            &format!("{}/publish-requests", app_path(&id)),
            json!({"environment": "stage"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    for sub in reads {
        let path = format!("{}{sub}", app_path(&id));
        let r = t.get(&manager, &path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    }
    let e = etag(&t, &manager, &id).await;
    let r = t
        .send(
            &manager,
            Method::PATCH,
            &app_path(&id),
            Some(json!({"cors_urls": []})),
            &[("if-match", e.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = t
        .post(
            &manager,
            &format!("{}/secrets", app_path(&id)),
            json!({"environment": "sod"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        delete(&t, &manager, &id, Some(&e)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        restore(&t, &manager, &id).await.status,
        StatusCode::NOT_FOUND
    );
    // Another partner's user still sees nothing.
    let other = t.sign_in("other@demo.test").await;
    assert_eq!(
        t.get(&other, &app_path(&id)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn start_coding_names_the_authority_discovery_and_token_endpoint_per_environment() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let app = t.create(&dev, web_app("Coder")).await;
    let id = id_of(&app);
    let r = t
        .get(&dev, &format!("{}/start-coding", app_path(&id)))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let envs = r.body["environments"].as_array().unwrap();
    let want = [
        ("sod", "https://sod.superoffice.com/login"),
        ("stage", "https://qaonline.superoffice.com/login"),
        ("production", "https://online.superoffice.com/login"),
    ];
    for (e, (env, authority)) in envs.iter().zip(want) {
        assert_eq!(e["environment"], env);
        assert_eq!(e["client_id"], app["client_ids"][env]);
        assert_eq!(e["authority"], authority);
        assert_eq!(
            e["discovery_url"],
            format!("{authority}/.well-known/openid-configuration")
        );
        assert_eq!(
            e["token_endpoint"],
            format!("{authority}/common/oauth/tokens")
        );
    }
    assert_eq!(envs[0]["state"], "published");
    // From the server's options.
    let args: Vec<String> = [
        "--authority-sod",
        "https://id.example.com/dev/",
        "--authority-production",
        "https://id.example.com/login",
    ]
    .map(String::from)
    .to_vec();
    let opts = appreg_server::ServeOptions::parse(&args).unwrap();
    assert_eq!(opts.authorities.sod, "https://id.example.com/dev");
    assert_eq!(
        opts.authorities.stage,
        "https://qaonline.superoffice.com/login"
    );
    for bad in [
        "http://id.example.com/login",
        "https://",
        "https://id.example.com/?x=1",
    ] {
        let args = vec!["--authority-stage".to_string(), bad.to_string()];
        assert!(appreg_server::ServeOptions::parse(&args).is_err(), "{bad}");
    }
    let t = test_app_with(|cfg| opts.configure(cfg)).await;
    let dev = t.sign_in("dev@demo.test").await;
    let id = id_of(&t.create(&dev, web_app("Coder")).await);
    let r = t
        .get(&dev, &format!("{}/start-coding", app_path(&id)))
        .await;
    assert_eq!(
        r.body["environments"][0]["token_endpoint"],
        "https://id.example.com/dev/common/oauth/tokens"
    );
    assert_eq!(
        r.body["environments"][2]["authority"],
        "https://id.example.com/login"
    );
}

async fn all_pages(t: &TestApp, who: &As, query: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/partners/demo/applications?limit=40{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let r = t.get(who, &path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        out.extend(r.body["items"].as_array().unwrap().iter().map(id_of));
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return out,
        }
    }
}

#[tokio::test]
async fn a_hundred_and_fifty_apps_are_reachable_page_by_page_and_filter_by_template_and_state() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let mut web = Vec::new();
    let mut native = Vec::new();
    for i in 0..150 {
        if i % 3 == 0 {
            let body = json!({"template": "native", "app_type": "custom", "name": format!("Scale app {i:03}"),
                "redirect_urls": ["http://127.0.0.1/cb"], "technical_contact": "dev@demo.test"});
            native.push(id_of(&t.create(&dev, body).await));
        } else {
            web.push(id_of(
                &t.create(&dev, web_app(&format!("Scale app {i:03}"))).await,
            ));
        }
    }
    let every = all_pages(&t, &dev, "").await;
    assert_eq!(every.len(), 150);
    let unique: std::collections::BTreeSet<_> = every.iter().collect();
    assert_eq!(unique.len(), 150, "no app twice");
    let natives = all_pages(&t, &dev, "&template=native").await;
    let mut want = native.clone();
    want.sort();
    let mut got = natives.clone();
    got.sort();
    assert_eq!(got, want);
    assert_eq!(
        all_pages(&t, &dev, "&template=web&query=app%2014")
            .await
            .len(),
        7,
        "140–149 but 141, 144, 147"
    );
    // State: pending in Stage, published in Stage, deactivated.
    let r = t
        .post(
            &dev,
            &format!("{}/publish-requests", app_path(&web[0])),
            json!({"environment": "stage"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    publish_to_stage(&t, &dev, &web[1]).await;
    publish_to_stage(&t, &dev, &web[2]).await;
    let e = etag(&t, &dev, &web[2]).await;
    assert_eq!(
        delete(&t, &dev, &web[2], Some(&e)).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        all_pages(&t, &dev, "&state=pending").await,
        [web[0].clone()]
    );
    let published = all_pages(&t, &dev, "&state=published").await;
    assert_eq!(published.len(), 2, "Stage published, deactivated or not");
    assert_eq!(
        all_pages(&t, &dev, "&state=deactivated").await,
        [web[2].clone()]
    );
    assert_eq!(all_pages(&t, &dev, "&state=active").await.len(), 149);
    assert_eq!(
        all_pages(&t, &dev, "&state=published&template=native")
            .await
            .len(),
        0
    );
    for bad in [
        "&state=bogus",
        "&template=bogus",
        "&deleted=maybe",
        "&state=",
        "&template=",
        "&deleted=",
    ] {
        let r = t
            .get(&dev, &format!("/api/v1/partners/demo/applications?{bad}"))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(r.is_problem());
    }
    assert_eq!(
        t.get(&dev, "/api/v1/partners/demo").await.body["application_count"],
        150
    );
}

fn erp_app(name: &str) -> Value {
    json!({"template": "erp", "app_type": "standard", "name": name,
        "endpoints": {"erp_sync": {"url": "https://erp.example.com/sync", "enabled": true},
                      "quote": {"url": "https://erp.example.com/quote", "enabled": false}},
        "technical_contact": "dev@demo.test"})
}

/// The app as the partner's list shows it.
async fn listed(t: &TestApp, who: &As, id: &str) -> Value {
    let r = t.get(who, "/api/v1/partners/demo/applications").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .cloned()
        .expect("the app is listed")
}

async fn last_audit_after(t: &TestApp, id: &str) -> Value {
    let after = sqlx::query_scalar::<_, String>(
        "SELECT after_json FROM audit_log WHERE entity = 'application' AND entity_id = $1 \
         AND action = 'update' ORDER BY at DESC",
    )
    .bind(id)
    .fetch_all(&t.state.db)
    .await
    .unwrap();
    serde_json::from_str(&after[0]).unwrap()
}

#[tokio::test]
async fn error_emails_start_off_and_are_set_by_patch_on_integration_apps() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let created = t.create(&dev, erp_app("Erp mailer")).await;
    let off = json!({"send": false, "recipients": []});
    assert_eq!(created["error_emails"], off);
    let id = id_of(&created);
    assert_eq!(t.get(&dev, &app_path(&id)).await.body["error_emails"], off);
    assert_eq!(listed(&t, &dev, &id).await["error_emails"], off);
    // Switched on with two recipients: stored trimmed and lower-cased, shown by GET and the list.
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"error_emails": {"send": true, "recipients": [" Ops@Example.com ", "dev@demo.test"]}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let on = json!({"send": true, "recipients": ["ops@example.com", "dev@demo.test"]});
    assert_eq!(r.body["error_emails"], on);
    assert_eq!(t.get(&dev, &app_path(&id)).await.body["error_emails"], on);
    assert_eq!(listed(&t, &dev, &id).await["error_emails"], on);
    // Audited like every change.
    assert_eq!(audit_actions(&t, &id).await, ["create", "update"]);
    assert_eq!(last_audit_after(&t, &id).await["error_emails"], on);
    // Another field's PATCH leaves it as it is.
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"technical_contact": "admin@demo.test"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["error_emails"], on);
    // Off again, keeping the recipients for later.
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"error_emails": {"send": false, "recipients": ["ops@example.com"]}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body["error_emails"],
        json!({"send": false, "recipients": ["ops@example.com"]})
    );
    // If-Match like every PATCH: a stale ETag is 412, none is 428.
    let stale = etag(&t, &dev, &id).await;
    assert_eq!(
        patch(&t, &dev, &id, json!({"error_emails": off}))
            .await
            .status,
        StatusCode::OK
    );
    let body = json!({"error_emails": {"send": true, "recipients": ["x@example.com"]}});
    let r = t
        .send(
            &dev,
            Method::PATCH,
            &app_path(&id),
            Some(body.clone()),
            &[("if-match", stale.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let r = t
        .send(&dev, Method::PATCH, &app_path(&id), Some(body), &[])
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(t.get(&dev, &app_path(&id)).await.body["error_emails"], off);
}

#[tokio::test]
async fn invalid_error_emails_are_refused_with_422_and_their_fields() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let id = id_of(&t.create(&dev, erp_app("Erp strict")).await);
    let rule = "EP-ERROR-EMAIL".to_string();
    let cases = [
        (
            json!({"send": true, "recipients": ["ops@example.com", "not-an-address"]}),
            vec![("error_emails.recipients[1]".to_string(), rule.clone())],
        ),
        (
            json!({"send": true, "recipients": ["ops@example.com", "OPS@example.COM"]}),
            vec![("error_emails.recipients[1]".to_string(), rule.clone())],
        ),
        (
            json!({"send": true, "recipients": []}),
            vec![("error_emails".to_string(), rule.clone())],
        ),
        (
            json!({"send": true, "recipients": (0..11).map(|i| format!("ops{i}@example.com")).collect::<Vec<_>>()}),
            vec![("error_emails".to_string(), rule.clone())],
        ),
    ];
    for (value, want) in cases {
        let r = patch(&t, &dev, &id, json!({"error_emails": value})).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{value}: {}",
            r.body
        );
        assert!(r.is_problem());
        assert_eq!(r.field_rules(), want, "{value}");
    }
    // Ten distinct recipients are fine.
    let ten: Vec<String> = (0..10).map(|i| format!("ops{i}@example.com")).collect();
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"error_emails": {"send": true, "recipients": ten}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // An unknown field is the schema's 422.
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"error_emails": {"send": true, "to": []}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A web app has no integration endpoints: no error e-mails, but "off" is accepted.
    let web = id_of(&t.create(&dev, web_app("Web mailer")).await);
    let r = patch(
        &t,
        &dev,
        &web,
        json!({"error_emails": {"send": true, "recipients": ["ops@example.com"]}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field_rules(), [("error_emails".to_string(), rule)]);
    let r = patch(
        &t,
        &dev,
        &web,
        json!({"error_emails": {"send": false, "recipients": []}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Marketing may not change it.
    let marketing = t.sign_in("marketing@demo.test").await;
    let r = patch(
        &t,
        &marketing,
        &id,
        json!({"error_emails": {"send": false, "recipients": []}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn keys_expire_at_is_the_earliest_expiry_of_live_secrets_and_certificates() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let created = t.create(&dev, web_app("Keyed")).await;
    assert_eq!(created["keys_expire_at"], Value::Null);
    let id = id_of(&created);
    assert_eq!(
        t.get(&dev, &app_path(&id)).await.body["keys_expire_at"],
        Value::Null
    );
    assert_eq!(listed(&t, &dev, &id).await["keys_expire_at"], Value::Null);
    let secret = t
        .post(
            &dev,
            &format!("{}/secrets", app_path(&id)),
            json!({"environment": "sod", "expires_in_days": 10}),
        )
        .await;
    assert_eq!(secret.status, StatusCode::CREATED, "{}", secret.body);
    let cert = t
        .post(
            &dev,
            &format!("{}/certificates", app_path(&id)),
            json!({"environment": "sod", "expires_in_days": 40}),
        )
        .await;
    assert_eq!(cert.status, StatusCode::CREATED, "{}", cert.body);
    let secret_expiry = secret.body["expires_at"].clone();
    let cert_expiry = cert.body["expires_at"].clone();
    assert!(secret_expiry.as_str().unwrap() < cert_expiry.as_str().unwrap());
    assert_eq!(
        t.get(&dev, &app_path(&id)).await.body["keys_expire_at"],
        secret_expiry
    );
    assert_eq!(listed(&t, &dev, &id).await["keys_expire_at"], secret_expiry);
    // A PATCH answers with it too.
    let r = patch(&t, &dev, &id, json!({"cors_urls": []})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["keys_expire_at"], secret_expiry);
    // A revoked secret no longer counts: the certificate's expiry.
    let sid = secret.body["id"].as_str().unwrap();
    let r = t
        .delete(&dev, &format!("{}/secrets/{sid}", app_path(&id)))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(
        t.get(&dev, &app_path(&id)).await.body["keys_expire_at"],
        cert_expiry
    );
    assert_eq!(listed(&t, &dev, &id).await["keys_expire_at"], cert_expiry);
    // Neither: null again.
    let cid = cert.body["id"].as_str().unwrap();
    let r = t
        .delete(&dev, &format!("{}/certificates/{cid}", app_path(&id)))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(
        t.get(&dev, &app_path(&id)).await.body["keys_expire_at"],
        Value::Null
    );
    assert_eq!(listed(&t, &dev, &id).await["keys_expire_at"], Value::Null);
    // A certificate from before expiries were stored expires a year after its creation.
    let cert = t
        .post(
            &dev,
            &format!("{}/certificates", app_path(&id)),
            json!({"environment": "stage", "expires_in_days": 400}),
        )
        .await;
    assert_eq!(cert.status, StatusCode::CREATED, "{}", cert.body);
    sqlx::query("UPDATE certificates SET expires_at = NULL WHERE application_id = $1")
        .bind(&id)
        .execute(&t.state.db)
        .await
        .unwrap();
    let legacy = appreg_server::db::in_days(365);
    let got = t.get(&dev, &app_path(&id)).await.body["keys_expire_at"].clone();
    assert_eq!(&got.as_str().unwrap()[..10], &legacy[..10], "{got}");
    assert_eq!(listed(&t, &dev, &id).await["keys_expire_at"], got);
}
