//! Integration tests: the real router over a real SQLite file, every endpoint.

use crate::common::*;
use axum::http::{header, Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn health_readiness_templates_and_openapi() {
    let t = test_app().await;
    let r = t.get(&As::Nobody, "/healthz").await;
    assert_eq!((r.status, r.raw.as_slice()), (StatusCode::OK, &b"ok"[..]));
    let r = t.get(&As::Nobody, "/readyz").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = t.get(&As::Nobody, "/api/v1/templates").await;
    let ids: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "web",
            "native",
            "server-to-server",
            "mirroring",
            "erp",
            "empty"
        ]
    );
    assert_eq!(
        r.body[1]["default_redirect_urls"][0],
        appreg_core::NATIVE_LOOPBACK_PATTERN
    );
    assert_eq!(r.body[3]["fixed_app_type"], "custom");
    let r = t.get(&As::Nobody, "/api/v1/openapi.json").await;
    assert_eq!(r.body["openapi"], "3.1.0");
    assert!(r.body["paths"]["/api/v1/partners/{partner}/applications"]["post"].is_object());
}

#[tokio::test]
async fn sign_in_me_and_sign_out() {
    let t = test_app().await;
    let r = t
        .post(
            &As::Nobody,
            "/api/v1/session",
            json!({"email": "Dev@Demo.test", "password": "demo-password"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let cookie = r
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert_eq!(r.body["user"]["email"], "dev@demo.test");
    assert_eq!(
        r.body["partners"][0],
        json!({"id": "demo", "name": "Demo Partner AS", "role": "developer"})
    );
    assert_eq!(r.body["app_manager"], false);
    let who = As::Cookie(cookie.split(';').next().unwrap().to_string());
    assert_eq!(
        t.get(&who, "/api/v1/me").await.body["user"]["name"],
        "Dev Developer"
    );
    let r = t.delete(&who, "/api/v1/session").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = t.get(&who, "/api/v1/me").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.is_problem());
    let r = t
        .post(
            &As::Nobody,
            "/api/v1/session",
            json!({"email": "dev@demo.test", "password": "wrong"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.is_problem());
    let m = t.sign_in("appmanager@demo.test").await;
    assert_eq!(t.get(&m, "/api/v1/me").await.body["app_manager"], true);
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_account() {
    let t = test_app().await;
    for _ in 0..5 {
        let r = attempt_sign_in(&t, "admin@demo.test", "nope").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused while throttled.
    let r = attempt_sign_in(&t, "admin@demo.test", "demo-password").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    assert!(r.is_problem());
    // Another account is not affected.
    t.sign_in("dev@demo.test").await;
}

#[tokio::test]
async fn cookie_requests_that_change_state_need_the_csrf_header() {
    let t = test_app().await;
    let who = t.sign_in("dev@demo.test").await;
    let bare = As::CookieNoCsrf(cookie_of(&who));
    let r = t
        .post(
            &bare,
            "/api/v1/partners/demo/applications",
            web_app("Csrf App"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body["detail"]
        .as_str()
        .unwrap()
        .contains("X-Requested-With"));
    // Reads need no header.
    assert_eq!(t.get(&bare, "/api/v1/me").await.status, StatusCode::OK);
    t.create(&who, web_app("Csrf App")).await;
}

#[tokio::test]
async fn api_tokens_work_without_csrf_header_and_can_be_revoked() {
    let t = test_app().await;
    let who = t.sign_in("dev@demo.test").await;
    let r = t.post(&who, "/api/v1/tokens", json!({"name": "CI"})).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let token = r.body["token"].as_str().unwrap().to_string();
    let id = r.body["id"].as_str().unwrap().to_string();
    let bearer = As::Bearer(token.clone());
    let r = t
        .post(
            &bearer,
            "/api/v1/partners/demo/applications",
            web_app("Token App"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let list = t.get(&who, "/api/v1/tokens").await;
    assert_eq!(list.body.as_array().unwrap().len(), 1);
    assert!(
        list.body[0].get("token").is_none(),
        "the token is shown only once"
    );
    let r = t.delete(&who, &format!("/api/v1/tokens/{id}")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        t.get(&bearer, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn create_and_read_an_app_with_client_ids_per_environment() {
    let t = test_app().await;
    let who = t.sign_in("dev@demo.test").await;
    let app = t
        .create(
            &who,
            json!({"template": "native", "app_type": "custom", "name": "  Ærlig  Kåre AS ",
                   "redirect_urls": [appreg_core::NATIVE_LOOPBACK_PATTERN, "com.example.app:/oauth2redirect"],
                   "technical_contact": "ADMIN@demo.test"}),
        )
        .await;
    assert_eq!(app["name"], "Ærlig Kåre AS");
    assert_eq!(app["technical_contact"], "admin@demo.test");
    assert_eq!(
        app["capabilities"],
        json!([
            "webapi",
            "webhook_agent",
            "loopback_redirect_pattern",
            "native_or_mobile"
        ])
    );
    assert_eq!(
        app["environments"],
        json!({"sod": "published", "stage": "none", "production": "none"})
    );
    let ids: Vec<String> = ["sod", "stage", "production"]
        .iter()
        .map(|e| app["client_ids"][e].as_str().unwrap().to_string())
        .collect();
    for id in &ids {
        assert!(
            id.len() == 32
                && id
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
            "{id}"
        );
    }
    assert!(ids[0] != ids[1] && ids[1] != ids[2]);
    let r = t
        .get(
            &who,
            &format!("/api/v1/applications/{}", app["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers.get(header::ETAG).unwrap(), "\"v1\"");
    assert_eq!(r.body, app);
}

#[tokio::test]
async fn validation_failures_are_422_with_rule_ids() {
    let t = test_app().await;
    let who = t.sign_in("dev@demo.test").await;
    let r = t
        .post(
            &who,
            "/api/v1/partners/demo/applications",
            json!({"template": "web", "app_type": "custom", "name": "<img src=x onerror=alert(1)>",
                   "redirect_urls": ["http://app.example.com/cb", "https://a.example.com/#x"], "technical_contact": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.is_problem());
    let rules = r.rules();
    for want in ["NAME-CHAR", "RU-HTTPS", "RU-FRAGMENT", "CONTACT-EMAIL"] {
        assert!(
            rules.contains(&want.to_string()),
            "{want} missing in {rules:?}"
        );
    }
    assert_eq!(r.body["errors"][0]["field"], "name");
    // A web app needs a redirect URL; a mirroring app has none; types fixed by template.
    let r = t
        .post(&who, "/api/v1/partners/demo/applications",
              json!({"template": "web", "app_type": "custom", "name": "No URLs", "technical_contact": "dev@demo.test"}))
        .await;
    assert_eq!(r.rules(), ["RU-COUNT"]);
    let r = t
        .post(&who, "/api/v1/partners/demo/applications",
              json!({"template": "erp", "app_type": "custom", "name": "Erp", "technical_contact": "dev@demo.test",
                     "endpoints": {"erp_sync": {"url": "", "enabled": true}}}))
        .await;
    assert_eq!(r.rules(), ["APP-TYPE", "EP-REQUIRED"]);
    // The contact must belong to the partner.
    let r = t
        .post(&who, "/api/v1/partners/demo/applications",
              json!({"template": "empty", "app_type": "custom", "name": "Contact", "technical_contact": "other@demo.test"}))
        .await;
    assert_eq!(r.rules(), ["CONTACT-MEMBER"]);
}

#[tokio::test]
async fn names_are_unique_per_partner_ignoring_case() {
    let t = test_app().await;
    let who = t.sign_in("dev@demo.test").await;
    t.create(&who, web_app("Acme Sync")).await;
    let r = t
        .post(
            &who,
            "/api/v1/partners/demo/applications",
            web_app("ACME   sync"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.rules(), ["NAME-TAKEN"]);
    let r = t
        .get(
            &who,
            "/api/v1/partners/demo/applications/name-available?name=acme%20SYNC",
        )
        .await;
    assert_eq!(r.body["available"], false);
    assert_eq!(r.body["check"]["findings"][0]["rule"], "NAME-TAKEN");
    let r = t
        .get(
            &who,
            "/api/v1/partners/demo/applications/name-available?name=Acme%20Sync%202",
        )
        .await;
    assert_eq!(r.body["available"], true);
    // Another partner may use the same name.
    let other = t.sign_in("other@demo.test").await;
    let mut body = web_app("Acme Sync");
    body["technical_contact"] = json!("other@demo.test");
    let r = t
        .post(&other, "/api/v1/partners/other/applications", body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

#[tokio::test]
async fn idempotency_key_replays_the_first_result_and_refuses_another_body() {
    let t = test_app().await;
    let who = t.sign_in("dev@demo.test").await;
    let path = "/api/v1/partners/demo/applications";
    let key = [("idempotency-key", "abc-123")];
    let a = t
        .send(&who, Method::POST, path, Some(web_app("Idem")), &key)
        .await;
    let b = t
        .send(&who, Method::POST, path, Some(web_app("Idem")), &key)
        .await;
    assert_eq!(
        (a.status, b.status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert_eq!(a.body, b.body);
    assert_eq!(b.headers.get("idempotent-replayed").unwrap(), "true");
    let c = t
        .send(&who, Method::POST, path, Some(web_app("Idem 2")), &key)
        .await;
    assert_eq!(c.status, StatusCode::CONFLICT);
    assert!(c.is_problem());
    let list = t.get(&who, "/api/v1/partners/demo/applications").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_creates_with_one_key_make_one_app() {
    let t = test_app().await;
    let who = t.sign_in("dev@demo.test").await;
    the_one_app(creates_with_one_key(std::slice::from_ref(&t), &who, 50, "Once").await);
    let list = t
        .get(&who, "/api/v1/partners/demo/applications?limit=200")
        .await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_creates_with_distinct_keys_make_two_hundred_apps() {
    let t = test_app().await;
    let who = t.sign_in("dev@demo.test").await;
    let mut tasks = Vec::new();
    for i in 0..200 {
        let (t2, who) = (t.clone(), who.clone());
        tasks.push(tokio::spawn(async move {
            let key = format!("key-{i}");
            let r = t2
                .send(
                    &who,
                    Method::POST,
                    "/api/v1/partners/demo/applications",
                    Some(web_app(&format!("App {i:03}"))),
                    &[("idempotency-key", key.as_str())],
                )
                .await;
            r.status
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::CREATED);
    }
    // Walk every page of the cursor-paginated list.
    let mut names = Vec::new();
    let mut cursor = String::new();
    loop {
        let r = t
            .get(
                &who,
                &format!("/api/v1/partners/demo/applications?limit=64&cursor={cursor}"),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        names.extend(
            r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["name"].as_str().unwrap().to_string()),
        );
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    assert_eq!(names.len(), 200);
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, names, "pages are ordered and never repeat an app");
    let r = t
        .get(&who, "/api/v1/partners/demo/applications?query=app%2019")
        .await;
    assert_eq!(
        r.body["items"].as_array().unwrap().len(),
        10,
        "App 190..199"
    );
    let r = t.get(&who, "/api/v1/partners/demo").await;
    assert_eq!(r.body["application_count"], 200);
}

#[tokio::test]
async fn sign_in_purges_old_failures_and_expired_sessions() {
    use sqlx::Row;
    let t = test_app().await;
    let db = &t.state.db;
    let old = appreg_server::db::ago_secs(3600);
    for _ in 0..10 {
        sqlx::query("INSERT INTO sign_in_failures (subject, at) VALUES ($1, $2)")
            .bind("account:admin@demo.test")
            .bind(&old)
            .execute(db)
            .await
            .unwrap();
    }
    let uid: String = sqlx::query("SELECT id FROM users WHERE email = 'admin@demo.test'")
        .fetch_one(db)
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('stale', $1, $2, $2)")
        .bind(&uid)
        .bind(&old)
        .execute(db)
        .await
        .unwrap();
    // Ten failures an hour ago do not throttle today's sign-in, and both tables are cleaned.
    let who = t.sign_in("admin@demo.test").await;
    let count = |sql: &'static str| async move {
        sqlx::query(sql)
            .fetch_one(db)
            .await
            .unwrap()
            .try_get::<i64, _>("n")
            .unwrap()
    };
    assert_eq!(count("SELECT COUNT(*) AS n FROM sign_in_failures").await, 0);
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM sessions WHERE token_hash = 'stale'").await,
        0
    );
    assert_eq!(count("SELECT COUNT(*) AS n FROM sessions").await, 1);
    assert_eq!(t.get(&who, "/api/v1/me").await.status, StatusCode::OK);
}
