//! Two stateless server instances on one PostgreSQL database (run by `make test` when PostgreSQL is
//! available; reported as ignored in the SQLite run).

use crate::common::*;
use appreg_server::{app, db, demo, AppState, Config};
use axum::http::StatusCode;

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
        let r = attempt_sign_in(inst, "admin@demo.test", "nope").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = attempt_sign_in(&a, "admin@demo.test", "demo-password").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL: `make test` runs it with APPREG_TEST_PG_URL"]
async fn fifty_creates_with_one_key_over_two_instances_make_one_app() {
    let (a, b) = two_instances().await;
    let who = a.sign_in("dev@demo.test").await;
    the_one_app(creates_with_one_key(&[a, b.clone()], &who, 50, "Only once").await);
    let list = b.get(&who, "/api/v1/partners/demo/applications").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL: `make test` runs it with APPREG_TEST_PG_URL"]
async fn concurrent_patches_with_one_etag_over_two_instances_one_wins() {
    let (a, b) = two_instances().await;
    let who = a.sign_in("dev@demo.test").await;
    let app_id = id(&a.create(&who, web_app("Contended")).await);
    let statuses = patches_with_one_etag(&[a, b.clone()], &who, &app_id, 20).await;
    assert_eq!(count(&statuses, StatusCode::OK), 1, "{statuses:?}");
    assert_eq!(
        count(&statuses, StatusCode::PRECONDITION_FAILED),
        19,
        "{statuses:?}"
    );
    let r = b.get(&who, &format!("/api/v1/applications/{app_id}")).await;
    assert_eq!(r.headers.get("etag").unwrap(), "\"v2\"");
}

#[tokio::test]
#[ignore = "needs PostgreSQL: `make test` runs it with APPREG_TEST_PG_URL"]
async fn postgres_connections_use_tls_verified_against_the_tests_ca() {
    use sqlx::Connection;
    let admin = pg_admin_url().expect("set APPREG_TEST_PG_URL");
    assert!(admin.contains("sslmode=verify-full"), "{admin}");
    // The server's own pool speaks TLS.
    let (t, _) = two_instances().await;
    let ssl: bool = sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(&t.state.db)
        .await
        .unwrap();
    assert!(ssl);
    // The cluster refuses plain connections.
    let plain = admin.replace("sslmode=verify-full", "sslmode=disable");
    assert!(sqlx::AnyConnection::connect(&plain).await.is_err());
    // Without the CA the test generated, the server's certificate is not trusted.
    let (no_ca, _) = admin.split_once("&sslrootcert=").unwrap();
    assert!(sqlx::AnyConnection::connect(no_ca).await.is_err());
    assert!(sqlx::AnyConnection::connect(&admin).await.is_ok());
}
