//! Two stateless server instances on one PostgreSQL database (run by `make test` when PostgreSQL is
//! available; reported as ignored in the SQLite run).

mod common;

use appreg_server::{app, db, demo, AppState, Config};
use axum::http::{Method, StatusCode};
use common::*;
use serde_json::json;

/// Two instances: separate pools, separate state, one database.
async fn two_instances() -> (TestApp, TestApp) {
    let dir = std::env::temp_dir().join(format!("appreg-scale-{}", db::random_hex(8)));
    std::fs::create_dir_all(&dir).unwrap();
    let url = fresh_database(&dir).await;
    assert!(
        url.starts_with("postgres"),
        "set APPREG_TEST_PG_URL: these tests need PostgreSQL"
    );
    let mut out = Vec::new();
    for _ in 0..2 {
        let pool = db::connect(&url, 16).await.expect("database");
        let mut cfg = Config::new(dir.join("static"));
        cfg.argon2 = argon2::Params::new(8, 1, 1, None).unwrap();
        let state = AppState::new(pool, cfg);
        demo::seed(&state)
            .await
            .expect("seed is idempotent across instances");
        out.push(TestApp {
            router: app(state.clone()),
            state,
            dir: dir.clone(),
            url: url.clone(),
        });
    }
    let b = out.pop().unwrap();
    (out.pop().unwrap(), b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL: `make test` runs it with APPREG_TEST_PG_URL"]
async fn a_session_created_on_one_instance_works_on_the_other() {
    let (a, b) = two_instances().await;
    let who = a.sign_in("dev@demo.test").await;
    let me = b.get(&who, "/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["user"]["email"], "dev@demo.test");
    let app = b.create(&who, web_app("Across")).await;
    let r = a
        .get(
            &who,
            &format!("/api/v1/applications/{}", app["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(r.body["name"], "Across");
    // Sign-in throttling is shared too.
    for i in 0..5 {
        let inst = if i % 2 == 0 { &a } else { &b };
        let r = inst
            .post(
                &As::Nobody,
                "/api/v1/session",
                json!({"email": "admin@demo.test", "password": "nope"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = a
        .post(
            &As::Nobody,
            "/api/v1/session",
            json!({"email": "admin@demo.test", "password": "demo-password"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL: `make test` runs it with APPREG_TEST_PG_URL"]
async fn fifty_creates_with_one_key_over_two_instances_make_one_app() {
    let (a, b) = two_instances().await;
    let who = a.sign_in("dev@demo.test").await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let inst = if i % 2 == 0 { a.clone() } else { b.clone() };
        let who = who.clone();
        tasks.push(tokio::spawn(async move {
            let r = inst
                .send(
                    &who,
                    Method::POST,
                    "/api/v1/partners/demo/applications",
                    Some(web_app("Only once")),
                    &[("idempotency-key", "one-key")],
                )
                .await;
            (r.status, r.body["id"].as_str().map(str::to_string))
        }));
    }
    let mut ids = std::collections::BTreeSet::new();
    for t in tasks {
        let (status, id) = t.await.unwrap();
        assert_eq!(status, StatusCode::CREATED);
        ids.insert(id.unwrap());
    }
    assert_eq!(ids.len(), 1);
    let list = b.get(&who, "/api/v1/partners/demo/applications").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL: `make test` runs it with APPREG_TEST_PG_URL"]
async fn concurrent_patches_with_one_etag_over_two_instances_one_wins() {
    let (a, b) = two_instances().await;
    let who = a.sign_in("dev@demo.test").await;
    let id = a.create(&who, web_app("Contended")).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let inst = if i % 2 == 0 { a.clone() } else { b.clone() };
        let (who, id) = (who.clone(), id.clone());
        tasks.push(tokio::spawn(async move {
            let body = json!({"cors_urls": [format!("https://tab{i}.example.com")]});
            inst.send(
                &who,
                Method::PATCH,
                &format!("/api/v1/applications/{id}"),
                Some(body),
                &[("if-match", "\"v1\"")],
            )
            .await
            .status
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::PRECONDITION_FAILED)
            .count(),
        19,
        "{statuses:?}"
    );
    let r = b.get(&who, &format!("/api/v1/applications/{id}")).await;
    assert_eq!(r.headers.get("etag").unwrap(), "\"v2\"");
}
