//! Authorisation across partners and roles, bad input, secrets at rest, static files.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::*;
use serde_json::{json, Value};
use sqlx::Row;

/// One request of the authorisation table: method, path, body, extra headers.
type Attempt<'a> = (Method, String, Option<Value>, Vec<(&'a str, &'a str)>);

struct Fixture {
    app: String,
    secret: String,
    cert: String,
    publish: String,
}

async fn demo_resources(t: &TestApp, dev: &As) -> Fixture {
    let app = id(&t.create(dev, web_app("Private")).await);
    let child = |what: &'static str, env: &'static str| {
        let path = format!("/api/v1/applications/{app}/{what}");
        async move { id(&t.post(dev, &path, json!({"environment": env})).await.body) }
    };
    Fixture {
        secret: child("secrets", "sod").await,
        cert: child("certificates", "sod").await,
        publish: child("publish-requests", "stage").await,
        app,
    }
}

#[tokio::test]
async fn another_partners_user_gets_404_on_every_endpoint() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let f = demo_resources(&t, &dev).await;
    let other = t.sign_in("other@demo.test").await;
    let a = &f.app;
    let table: Vec<Attempt> = vec![
        (Method::GET, "/api/v1/partners/demo".into(), None, vec![]),
        (
            Method::GET,
            "/api/v1/partners/demo/applications".into(),
            None,
            vec![],
        ),
        (
            Method::POST,
            "/api/v1/partners/demo/applications".into(),
            Some(web_app("Intruder")),
            vec![],
        ),
        (
            Method::GET,
            "/api/v1/partners/demo/applications/name-available?name=Private".into(),
            None,
            vec![],
        ),
        (
            Method::GET,
            "/api/v1/partners/demo/users?email_prefix=".into(),
            None,
            vec![],
        ),
        (
            Method::GET,
            format!("/api/v1/applications/{a}"),
            None,
            vec![],
        ),
        (
            Method::PATCH,
            format!("/api/v1/applications/{a}"),
            Some(json!({"cors_urls": []})),
            vec![("if-match", "\"v1\"")],
        ),
        (
            Method::GET,
            format!("/api/v1/applications/{a}/secrets"),
            None,
            vec![],
        ),
        (
            Method::POST,
            format!("/api/v1/applications/{a}/secrets"),
            Some(json!({"environment": "sod"})),
            vec![],
        ),
        (
            Method::DELETE,
            format!("/api/v1/applications/{a}/secrets/{}", f.secret),
            None,
            vec![],
        ),
        (
            Method::GET,
            format!("/api/v1/applications/{a}/certificates"),
            None,
            vec![],
        ),
        (
            Method::POST,
            format!("/api/v1/applications/{a}/certificates"),
            Some(json!({"environment": "stage"})),
            vec![],
        ),
        (
            Method::DELETE,
            format!("/api/v1/applications/{a}/certificates/{}", f.cert),
            None,
            vec![],
        ),
        (
            Method::GET,
            format!("/api/v1/applications/{a}/publish-requests"),
            None,
            vec![],
        ),
        (
            Method::POST,
            format!("/api/v1/applications/{a}/publish-requests"),
            Some(json!({"environment": "production"})),
            vec![],
        ),
    ];
    for (method, path, body, headers) in &table {
        let r = t
            .send(&other, method.clone(), path, body.clone(), headers)
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            r.body
        );
        assert!(r.is_problem(), "{method} {path}");
    }
    // Nothing changed.
    let app = t.get(&dev, &format!("/api/v1/applications/{a}")).await;
    assert_eq!(app.headers.get(header::ETAG).unwrap(), "\"v1\"");
    assert_eq!(
        t.get(&dev, &format!("/api/v1/applications/{a}/secrets"))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        t.get(&dev, &format!("/api/v1/applications/{a}/certificates"))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // And the publish queue is the app manager's alone.
    let r = t
        .post(
            &other,
            &format!("/api/v1/publish-requests/{}/approve", f.publish),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn marketing_reads_but_cannot_create_or_change() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let f = demo_resources(&t, &dev).await;
    let mk = t.sign_in("marketing@demo.test").await;
    assert_eq!(
        t.get(&mk, "/api/v1/partners/demo/applications")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        t.get(&mk, &format!("/api/v1/applications/{}", f.app))
            .await
            .status,
        StatusCode::OK
    );
    let r = t
        .post(
            &mk,
            "/api/v1/partners/demo/applications",
            web_app("Marketing App"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body["detail"].as_str().unwrap().contains("Marketing"));
    let r = t
        .post(
            &mk,
            &format!("/api/v1/applications/{}/secrets", f.app),
            json!({"environment": "stage"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t
        .send(
            &mk,
            Method::PATCH,
            &format!("/api/v1/applications/{}", f.app),
            Some(json!({})),
            &[("if-match", "\"v1\"")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn only_the_app_manager_approves_or_rejects() {
    let t = test_app().await;
    let admin = t.sign_in("admin@demo.test").await;
    let f = demo_resources(&t, &admin).await;
    for who in [
        "admin@demo.test",
        "dev@demo.test",
        "marketing@demo.test",
        "other@demo.test",
    ] {
        let s = t.sign_in(who).await;
        assert_eq!(
            t.post(
                &s,
                &format!("/api/v1/publish-requests/{}/approve", f.publish),
                json!({})
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            t.post(
                &s,
                &format!("/api/v1/publish-requests/{}/reject", f.publish),
                json!({"reason": "x"})
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
    }
    let m = t.sign_in("appmanager@demo.test").await;
    assert_eq!(
        t.post(
            &m,
            &format!("/api/v1/publish-requests/{}/approve", f.publish),
            json!({})
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        t.post(&m, "/api/v1/publish-requests/nope/approve", json!({}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

fn raw_req(
    method: Method,
    path: &str,
    cookie: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, cookie)
        .header("x-requested-with", "appreg");
    if let Some(ct) = content_type {
        b = b.header(header::CONTENT_TYPE, ct);
    }
    b.body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn bad_input_never_yields_a_5xx_and_always_problem_json() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let cookie = cookie_of(&dev);
    let path = "/api/v1/partners/demo/applications";
    let json_ct = Some("application/json");
    let cases: Vec<(&str, Request<Body>, StatusCode)> = vec![
        ("malformed JSON", raw_req(Method::POST, path, &cookie, json_ct, b"{\"template\": ".to_vec()), StatusCode::BAD_REQUEST),
        ("invalid UTF-8", raw_req(Method::POST, path, &cookie, json_ct, b"{\"name\": \"\xff\xfe\"}".to_vec()), StatusCode::BAD_REQUEST),
        ("wrong types", raw_req(Method::POST, path, &cookie, json_ct, br#"{"template": "web", "app_type": "custom", "name": {}, "technical_contact": null}"#.to_vec()), StatusCode::UNPROCESSABLE_ENTITY),
        ("number for an enum", raw_req(Method::POST, path, &cookie, json_ct, br#"{"template": 7}"#.to_vec()), StatusCode::BAD_REQUEST),
        ("unknown template", raw_req(Method::POST, path, &cookie, json_ct, br#"{"template": "desktop", "app_type": "custom", "name": "A", "technical_contact": "dev@demo.test"}"#.to_vec()), StatusCode::UNPROCESSABLE_ENTITY),
        ("unknown field", raw_req(Method::POST, path, &cookie, json_ct, serde_json::to_vec(&{ let mut v = web_app("U"); v["colour"] = json!("red"); v }).unwrap()), StatusCode::UNPROCESSABLE_ENTITY),
        ("missing content type", raw_req(Method::POST, path, &cookie, None, serde_json::to_vec(&web_app("C")).unwrap()), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("wrong content type", raw_req(Method::POST, path, &cookie, Some("text/plain"), serde_json::to_vec(&web_app("C")).unwrap()), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("oversized body", raw_req(Method::POST, path, &cookie, json_ct, { let mut v = web_app("Big"); v["name"] = json!("x".repeat(300 * 1024)); serde_json::to_vec(&v).unwrap() }), StatusCode::PAYLOAD_TOO_LARGE),
        ("empty body", raw_req(Method::POST, path, &cookie, json_ct, vec![]), StatusCode::BAD_REQUEST),
        ("unknown API path", raw_req(Method::GET, "/api/v1/nothing-here", &cookie, None, vec![]), StatusCode::NOT_FOUND),
        ("wrong method", raw_req(Method::PUT, "/api/v1/templates", &cookie, None, vec![]), StatusCode::METHOD_NOT_ALLOWED),
        ("bad limit", raw_req(Method::GET, "/api/v1/partners/demo/applications?limit=abc", &cookie, None, vec![]), StatusCode::BAD_REQUEST),
        ("bad cursor", raw_req(Method::GET, "/api/v1/partners/demo/applications?cursor=zz", &cookie, None, vec![]), StatusCode::BAD_REQUEST),
        ("sign-in with huge password", Request::builder().method(Method::POST).uri("/api/v1/session").header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({"email": "dev@demo.test", "password": "p".repeat(200 * 1024)}).to_string())).unwrap(), StatusCode::UNAUTHORIZED),
        ("no session", Request::builder().method(Method::GET).uri("/api/v1/me").body(Body::empty()).unwrap(), StatusCode::UNAUTHORIZED),
        ("garbage bearer", Request::builder().method(Method::GET).uri("/api/v1/me").header(header::AUTHORIZATION, "Bearer not-a-token").body(Body::empty()).unwrap(), StatusCode::UNAUTHORIZED),
    ];
    for (what, req, want) in cases {
        let r = t.raw(req).await;
        assert_eq!(
            r.status,
            want,
            "{what}: {}",
            String::from_utf8_lossy(&r.raw[..r.raw.len().min(300)])
        );
        assert!(
            r.is_problem(),
            "{what}: {:?} {}",
            r.headers.get(header::CONTENT_TYPE),
            r.body
        );
    }
    // Missing headers: idempotency key empty, If-Match missing.
    let r = t
        .send(
            &dev,
            Method::POST,
            path,
            Some(web_app("K")),
            &[("idempotency-key", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let id = t.create(&dev, web_app("K")).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = t
        .send(
            &dev,
            Method::PATCH,
            &format!("/api/v1/applications/{id}"),
            Some(json!({})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
    assert!(r.is_problem());
}

#[tokio::test]
async fn no_client_secret_or_private_key_is_stored_in_clear() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let app = t.create(&dev, web_app("Keys")).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let secret = t
        .post(
            &dev,
            &format!("/api/v1/applications/{app}/secrets"),
            json!({"environment": "sod"}),
        )
        .await
        .body["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let cert = t
        .post(
            &dev,
            &format!("/api/v1/applications/{app}/certificates"),
            json!({"environment": "sod"}),
        )
        .await
        .body;
    let token = t
        .post(&dev, "/api/v1/tokens", json!({"name": "ci"}))
        .await
        .body["token"]
        .as_str()
        .unwrap()
        .to_string();
    let pem = cert["private_key_pem"].as_str().unwrap();
    // A chunk of the private key's base64 body, and the private exponent from the XML form.
    let pem_chunk: String = pem.lines().nth(5).unwrap().to_string();
    let xml = cert["private_key_xml"].as_str().unwrap();
    let d = xml
        .split("<D>")
        .nth(1)
        .unwrap()
        .split("</D>")
        .next()
        .unwrap()
        .to_string();
    let needles = [
        secret.as_str(),
        pem_chunk.as_str(),
        &d[..40],
        token.as_str(),
        "demo-password",
    ];
    let mut scanned = 0;
    for (table, col, value) in every_text_value(&t).await {
        scanned += 1;
        for n in &needles {
            assert!(!value.contains(n), "{table}.{col} holds a secret in clear");
        }
    }
    assert!(scanned > 50, "the scan read the data ({scanned} values)");
}

#[tokio::test]
async fn the_spa_is_served_with_fallback_and_cache_headers() {
    let t = test_app().await;
    let r = t.get(&As::Nobody, "/apps/new/template").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&r.raw).contains("<title>appreg</title>"));
    assert_eq!(r.headers.get(header::CACHE_CONTROL).unwrap(), "no-cache");
    assert!(r.headers.contains_key("x-request-id"));
    let r = t.get(&As::Nobody, "/appreg-web-0123456789abcdef.js").await;
    assert_eq!(r.raw, b"console.log('hashed')");
    assert_eq!(
        r.headers.get(header::CACHE_CONTROL).unwrap(),
        "public, max-age=31536000, immutable"
    );
    // The brotli file written at build time is served to browsers that accept it.
    let req = Request::builder()
        .uri("/appreg-web-0123456789abcdef.js")
        .header(header::ACCEPT_ENCODING, "gzip, br")
        .body(Body::empty())
        .unwrap();
    let r = t.raw(req).await;
    assert_eq!(r.headers.get(header::CONTENT_ENCODING).unwrap(), "br");
    assert_eq!(r.raw, b"precompressed-br");
    assert_eq!(
        r.headers.get(header::CACHE_CONTROL).unwrap(),
        "public, max-age=31536000, immutable"
    );
}

/// Every stored value as text, with its table and column, read with the database's own driver.
async fn every_text_value(t: &TestApp) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let url = t.url.clone();
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        let cols: Vec<(String, String)> = sqlx::query(
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns WHERE table_schema = 'public'",
        )
        .fetch_all(&pool).await.unwrap().iter()
        .map(|r| (r.try_get::<String, _>("t").unwrap(), r.try_get::<String, _>("c").unwrap())).collect();
        assert!(
            cols.iter()
                .map(|c| &c.0)
                .collect::<std::collections::BTreeSet<_>>()
                .len()
                >= 12
        );
        for (table, col) in cols {
            let rows = sqlx::query(&format!(
                "SELECT CAST(\"{col}\" AS TEXT) AS v FROM \"{table}\""
            ))
            .fetch_all(&pool)
            .await
            .unwrap();
            for row in rows {
                if let Some(v) = row.try_get::<Option<String>, _>("v").unwrap() {
                    out.push((table.clone(), col.clone(), v));
                }
            }
        }
    } else {
        let file =
            sqlx::SqlitePool::connect(&format!("sqlite://{}", t.dir.join("appreg.db").display()))
                .await
                .unwrap();
        let tables: Vec<String> =
            sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table'")
                .fetch_all(&file)
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get::<String, _>("name").unwrap())
                .collect();
        assert!(tables.len() >= 12, "{tables:?}");
        for table in tables {
            let cols: Vec<String> =
                sqlx::query(&format!("SELECT name FROM pragma_table_info('{table}')"))
                    .fetch_all(&file)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.try_get::<String, _>("name").unwrap())
                    .collect();
            for col in cols {
                let rows = sqlx::query(&format!(
                    "SELECT CAST(\"{col}\" AS TEXT) AS v FROM \"{table}\""
                ))
                .fetch_all(&file)
                .await
                .unwrap();
                for row in rows {
                    if let Some(v) = row.try_get::<Option<String>, _>("v").unwrap_or(None) {
                        out.push((table.clone(), col.clone(), v));
                    }
                }
            }
        }
    }
    out
}
