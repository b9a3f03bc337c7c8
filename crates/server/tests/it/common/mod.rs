//! Test harness: the real router over a fresh SQLite file per test, with the demo data seeded.
#![allow(dead_code)]

use appreg_server::{app, db, demo, AppState, Config};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::path::PathBuf;
use tower::ServiceExt;

#[derive(Clone)]
pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub dir: PathBuf,
    /// The database URL of this test.
    pub url: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
    pub raw: Vec<u8>,
}

impl Reply {
    pub fn rules(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["rule"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }
    /// The `(field, rule)` pair of each error.
    pub fn field_rules(&self) -> Vec<(String, String)> {
        field_rules(&self.body)
    }
    pub fn is_problem(&self) -> bool {
        self.headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v == "application/problem+json")
            && self.body["status"].as_u64() == Some(u64::from(self.status.as_u16()))
            && self.body["title"].is_string()
            && self.body["type"].is_string()
    }
}

/// Who sends a request.
#[derive(Clone)]
pub enum As {
    Nobody,
    /// A session cookie, with the CSRF header.
    Cookie(String),
    /// A session cookie without the CSRF header.
    CookieNoCsrf(String),
    Bearer(String),
}

/// The PostgreSQL admin URL when the suite runs against PostgreSQL (`APPREG_TEST_PG_URL`).
pub fn pg_admin_url() -> Option<String> {
    std::env::var("APPREG_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A new, empty database for one test: a SQLite file in `dir`, or a new PostgreSQL database.
pub async fn fresh_database(dir: &std::path::Path) -> String {
    match pg_admin_url() {
        None => format!("sqlite://{}", dir.join("appreg.db").display()),
        Some(admin) => {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let name = format!("appreg_t_{}", db::random_hex(8));
            let mut conn = sqlx::AnyConnection::connect(&admin)
                .await
                .expect("PostgreSQL admin connection");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create database");
            // Keep the query (sslmode, sslrootcert): only the database name changes.
            let (path, query) = admin.split_once('?').unwrap_or((admin.as_str(), ""));
            let (base, _) = path.rsplit_once('/').expect("URL with a database");
            let query = if query.is_empty() {
                String::new()
            } else {
                format!("?{query}")
            };
            format!("{base}/{name}{query}")
        }
    }
}

pub async fn test_app() -> TestApp {
    test_app_with(|_| {}).await
}

/// [`test_app`] with the configuration changed by `configure` (its static folder already exists).
pub async fn test_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let dir = std::env::temp_dir().join(format!("appreg-test-{}", db::random_hex(8)));
    std::fs::create_dir_all(dir.join("static")).unwrap();
    std::fs::write(
        dir.join("static/index.html"),
        "<!doctype html><title>appreg</title>",
    )
    .unwrap();
    std::fs::write(
        dir.join("static/appreg-web-0123456789abcdef.js"),
        "console.log('hashed')",
    )
    .unwrap();
    std::fs::write(
        dir.join("static/appreg-web-0123456789abcdef.js.br"),
        "precompressed-br",
    )
    .unwrap();
    let url = fresh_database(&dir).await;
    let pool = db::connect(&url, 16).await.expect("database");
    let mut cfg = Config::new(dir.join("static"));
    // Argon2id still, at the lowest cost, so tests stay fast.
    cfg.argon2 = argon2::Params::new(8, 1, 1, None).unwrap();
    configure(&mut cfg);
    let state = AppState::new(pool, cfg);
    demo::seed(&state).await.expect("seed");
    TestApp {
        router: app(state.clone()),
        state,
        dir,
        url,
    }
}

impl TestApp {
    pub async fn send(
        &self,
        who: &As,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut b = Request::builder().method(method).uri(path);
        match who {
            As::Nobody => {}
            As::Cookie(c) => {
                b = b
                    .header(header::COOKIE, c.as_str())
                    .header("x-requested-with", "appreg")
            }
            As::CookieNoCsrf(c) => b = b.header(header::COOKIE, c.as_str()),
            As::Bearer(t) => b = b.header(header::AUTHORIZATION, format!("Bearer {t}")),
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let req = match body {
            Some(v) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        self.raw(req).await
    }

    pub async fn raw(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let raw = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            raw,
        }
    }

    pub async fn get(&self, who: &As, path: &str) -> Reply {
        self.send(who, Method::GET, path, None, &[]).await
    }
    pub async fn delete(&self, who: &As, path: &str) -> Reply {
        self.send(who, Method::DELETE, path, None, &[]).await
    }
    pub async fn post(&self, who: &As, path: &str, body: Value) -> Reply {
        self.send(who, Method::POST, path, Some(body), &[]).await
    }

    /// Signs in and returns the session cookie.
    pub async fn sign_in(&self, email: &str) -> As {
        let r = self
            .post(
                &As::Nobody,
                "/api/v1/session",
                json!({"email": email, "password": demo::DEMO_PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "sign in {email}: {}", r.body);
        let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
        As::Cookie(cookie.split(';').next().unwrap().to_string())
    }

    /// Creates an app as `who` and returns it.
    pub async fn create(&self, who: &As, body: Value) -> Value {
        let r = self
            .post(who, "/api/v1/partners/demo/applications", body)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body
    }
}

pub fn web_app(name: &str) -> Value {
    json!({"template": "web", "app_type": "custom", "name": name,
           "redirect_urls": ["https://app.example.com/callback"], "technical_contact": "dev@demo.test"})
}

pub fn cookie_of(who: &As) -> String {
    match who {
        As::Cookie(c) | As::CookieNoCsrf(c) => c.clone(),
        _ => panic!("not a cookie"),
    }
}

/// The `(field, rule)` pair of each entry of a body's `errors` (a 422 problem or a `validate` report).
pub fn field_rules(v: &Value) -> Vec<(String, String)> {
    v["errors"]
        .as_array()
        .expect("an errors array")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().into(),
                e["rule"].as_str().unwrap().into(),
            )
        })
        .collect()
}

/// The `id` field of a JSON body.
pub fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}

/// Sends `n` creates of the same app with one idempotency key, round-robin over `instances`, all at
/// once; returns each answer's status and app id.
pub async fn creates_with_one_key(
    instances: &[TestApp],
    who: &As,
    n: usize,
    name: &str,
) -> Vec<(StatusCode, Option<String>)> {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (inst, who, body) = (
                instances[i % instances.len()].clone(),
                who.clone(),
                web_app(name),
            );
            tokio::spawn(async move {
                let r = inst
                    .send(
                        &who,
                        Method::POST,
                        "/api/v1/partners/demo/applications",
                        Some(body),
                        &[("idempotency-key", "one-key")],
                    )
                    .await;
                (r.status, r.body["id"].as_str().map(str::to_string))
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Asserts that every answer of [`creates_with_one_key`] is a 201 naming the same app; returns its id.
pub fn the_one_app(answers: Vec<(StatusCode, Option<String>)>) -> String {
    assert!(
        answers
            .iter()
            .all(|(status, _)| *status == StatusCode::CREATED),
        "{answers:?}"
    );
    let ids: std::collections::BTreeSet<_> =
        answers.into_iter().map(|(_, id)| id.unwrap()).collect();
    assert_eq!(ids.len(), 1, "every retry answers with the same app");
    ids.into_iter().next().unwrap()
}

/// Sends `n` PATCHes of app `id`, all with `If-Match: "v1"`, round-robin over `instances`, all at once.
pub async fn patches_with_one_etag(
    instances: &[TestApp],
    who: &As,
    id: &str,
    n: usize,
) -> Vec<StatusCode> {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (inst, who, path) = (
                instances[i % instances.len()].clone(),
                who.clone(),
                format!("/api/v1/applications/{id}"),
            );
            tokio::spawn(async move {
                let body = json!({"cors_urls": [format!("https://tab{i}.example.com")]});
                inst.send(
                    &who,
                    Method::PATCH,
                    &path,
                    Some(body),
                    &[("if-match", "\"v1\"")],
                )
                .await
                .status
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// How many answers have `status`.
pub fn count(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

/// A sign-in attempt with the given password.
pub async fn attempt_sign_in(t: &TestApp, email: &str, password: &str) -> Reply {
    t.post(
        &As::Nobody,
        "/api/v1/session",
        json!({"email": email, "password": password}),
    )
    .await
}
