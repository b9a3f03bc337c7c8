//! Bounded cost per request (issue #10, section 2): `/check` is for signed-in callers, capped in size
//! and rate-limited per caller across instances; key generation is rate-limited too.

use crate::common::*;
use appreg_server::routes::check::{CHECK_MAX_PATTERN_BYTES, CHECK_MAX_VALUES};
use appreg_server::{app, db, limits, AppState, Config};
use axum::http::{header, StatusCode};
use serde_json::json;

/// The worst case of the issue: 400 characters of `\w{99}` repeats that fail to compile only at the
/// last character.
fn hostile_pattern() -> String {
    let mut p = r"^https://a\.example\.com/".to_string();
    while p.len() + 6 <= 399 {
        p.push_str(r"\w{99}");
    }
    while p.len() < 399 {
        p.push('a');
    }
    p.push('(');
    p
}

#[tokio::test]
async fn check_refuses_anonymous_callers_and_accepts_sessions_and_tokens() {
    let t = test_app().await;
    let body = json!({"kind": "name", "values": ["Acme"]});
    let r = t.post(&As::Nobody, "/api/v1/check", body.clone()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.is_problem());
    let who = t.sign_in("dev@demo.test").await;
    assert_eq!(
        t.post(&who, "/api/v1/check", body.clone()).await.status,
        StatusCode::OK
    );
    let tok = t.post(&who, "/api/v1/tokens", json!({"name": "ci"})).await;
    assert_eq!(tok.status, StatusCode::CREATED, "{}", tok.body);
    let bearer = As::Bearer(tok.body["token"].as_str().unwrap().to_string());
    assert_eq!(
        t.post(&bearer, "/api/v1/check", body).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn check_caps_values_and_pattern_bytes_per_request() {
    let t = test_app().await;
    let who = t.sign_in("dev@demo.test").await;
    let too_many: Vec<String> = (0..=CHECK_MAX_VALUES).map(|i| format!("App {i}")).collect();
    let r = t
        .post(
            &who,
            "/api/v1/check",
            json!({"kind": "name", "values": too_many}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body["detail"].as_str().unwrap().contains("at most"));

    // Just under the pattern budget is checked; one more pattern is refused before any compile.
    let p = hostile_pattern();
    let fits = CHECK_MAX_PATTERN_BYTES / p.len();
    let r = t
        .post(
            &who,
            "/api/v1/check",
            json!({"kind": "redirect", "values": vec![p.clone(); fits]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body["checks"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "RU-PATTERN-SYNTAX"
            && f["message"].as_str().unwrap().contains("at character 400")));
    let r = t
        .post(
            &who,
            "/api/v1/check",
            json!({"kind": "redirect", "values": vec![p.clone(); fits + 1]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body["detail"]
        .as_str()
        .unwrap()
        .contains("bytes of patterns"));

    // The same budget holds for a whole registration.
    let reg = json!({"template": "web", "app_type": "custom", "name": "A",
        "redirect_urls": vec![p; fits + 1], "technical_contact": "dev@demo.test"});
    let r = t
        .post(&who, "/api/v1/check", json!({"registration": reg}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_issues_250_kb_request_is_refused_without_being_checked() {
    let t = test_app().await;
    let who = t.sign_in("dev@demo.test").await;
    let values = vec![hostile_pattern(); 560];
    let r = t
        .post(
            &who,
            "/api/v1/check",
            json!({"kind": "redirect", "values": values}),
        )
        .await;
    assert!(
        r.status == StatusCode::BAD_REQUEST || r.status == StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        r.status
    );
    assert!(r.body["checks"].is_null());
}

/// Two instances (own pools, own state) over one database file.
async fn second_instance(t: &TestApp) -> TestApp {
    let pool = db::connect(&t.url, 4).await.unwrap();
    let mut cfg = Config::new(t.dir.join("static"));
    cfg.argon2 = argon2::Params::new(8, 1, 1, None).unwrap();
    let state = AppState::new(pool, cfg);
    TestApp {
        router: app(state.clone()),
        state,
        dir: t.dir.clone(),
        url: t.url.clone(),
    }
}

#[tokio::test]
async fn check_is_rate_limited_per_caller_across_instances() {
    let a = test_app().await;
    let b = second_instance(&a).await;
    let dev = a.sign_in("dev@demo.test").await;
    let admin = a.sign_in("admin@demo.test").await;
    let body = json!({"kind": "name", "values": ["Acme"]});
    let mut statuses = Vec::new();
    for i in 0..=limits::CHECK.max {
        let inst = if i % 2 == 0 { &a } else { &b };
        statuses.push(inst.post(&dev, "/api/v1/check", body.clone()).await);
    }
    let last = statuses.pop().unwrap();
    assert!(statuses.iter().all(|r| r.status == StatusCode::OK));
    assert_eq!(last.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(last.is_problem());
    let retry: u64 = last.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // Another caller has a budget of its own.
    assert_eq!(
        b.post(&admin, "/api/v1/check", body).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn key_generation_is_rate_limited_per_caller() {
    let t = test_app().await;
    let who = t.sign_in("dev@demo.test").await;
    let created = t.create(&who, web_app("Keys")).await;
    let app_id = id(&created);
    let me = t.get(&who, "/api/v1/me").await;
    let user = me.body["user"]["id"].as_str().unwrap().to_string();
    // Spend the caller's budget, as ten generations in this window would.
    for _ in 0..limits::KEYGEN.max {
        limits::hit(&t.state.db, limits::KEYGEN, &limits::subject(&user))
            .await
            .unwrap();
    }
    let r = t
        .post(
            &who,
            &format!("/api/v1/applications/{app_id}/certificates"),
            json!({"environment": "sod"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body["private_key_pem"].is_null());
    // Nothing was stored for the refused request.
    let list = t
        .get(&who, &format!("/api/v1/applications/{app_id}/certificates"))
        .await;
    assert_eq!(list.body.as_array().map(Vec::len), Some(0), "{}", list.body);
}

#[tokio::test]
async fn rate_limit_windows_are_purged_once_over() {
    let t = test_app().await;
    limits::hit(&t.state.db, limits::CHECK, "user:x")
        .await
        .unwrap();
    sqlx::query("INSERT INTO rate_limits (bucket, subject, window_start, hits) VALUES ('check', 'user:y', 0, 3)")
        .execute(&t.state.db)
        .await
        .unwrap();
    assert_eq!(limits::purge(&t.state.db).await.unwrap(), 1);
    let left: i64 = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM rate_limits")
        .fetch_one(&t.state.db)
        .await
        .unwrap();
    assert_eq!(left, 1);
}
