//! Authorisation across partners and roles, bad input, secrets at rest, static files.

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
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
    // The fixture's publish request changed the ETag (issue #10); record it before the intruder acts.
    let etag_before = t
        .get(&dev, &format!("/api/v1/applications/{a}"))
        .await
        .headers[header::ETAG]
        .clone();
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
    assert_eq!(app.headers.get(header::ETAG).unwrap(), etag_before);
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

/// `index.html`'s precompressed copies (`make web` writes them: a release build's page carries the first
/// screen's script and style) are served for `/`, `/index.html` and every route, but only a copy that is
/// that page: the
/// policy's hashes come from `index.html`, so a stale copy would be a page the browser refuses to run.
#[tokio::test]
async fn the_page_is_served_precompressed_only_when_the_copy_is_that_page() {
    use std::io::{Read, Write};
    const PAGE: &str = "<!doctype html><title>appreg</title><style>.a{}</style>";
    let gzip = |b: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    };
    let unbrotli = |b: &[u8]| {
        let mut out = Vec::new();
        brotli_decompressor::Decompressor::new(b, 4096)
            .read_to_end(&mut out)
            .unwrap();
        out
    };
    async fn get(t: &TestApp, uri: &str, accept: &str) -> Reply {
        let req = Request::builder()
            .uri(uri)
            .header(header::ACCEPT_ENCODING, accept)
            .body(Body::empty())
            .unwrap();
        t.raw(req).await
    }
    // A fresh .gz and a stale .br (the page was changed after it was written).
    let t = test_app_with(|cfg| {
        std::fs::write(cfg.static_dir.join("index.html"), PAGE).unwrap();
        std::fs::write(cfg.static_dir.join("index.html.gz"), gzip(PAGE.as_bytes())).unwrap();
        std::fs::write(
            cfg.static_dir.join("index.html.br"),
            b"\x0b\x02\x80stale\x03",
        )
        .unwrap();
    })
    .await;
    for uri in ["/", "/index.html", "/apps/new/template"] {
        let r = get(&t, uri, "gzip").await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert_eq!(
            r.headers.get(header::CONTENT_ENCODING).unwrap(),
            "gzip",
            "{uri}"
        );
        assert_eq!(
            r.raw,
            gzip(PAGE.as_bytes()),
            "{uri}: the file written at build time"
        );
        assert_eq!(
            r.headers.get(header::CACHE_CONTROL).unwrap(),
            "no-cache",
            "{uri}"
        );
        // The stale brotli copy is not served: the page is compressed on the fly, and is the page.
        let r = get(&t, uri, "br").await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert_eq!(
            r.headers.get(header::CONTENT_ENCODING).unwrap(),
            "br",
            "{uri}"
        );
        assert_eq!(unbrotli(&r.raw), PAGE.as_bytes(), "{uri}");
        let r = get(&t, uri, "identity").await;
        assert_eq!(r.raw, PAGE.as_bytes(), "{uri}");
    }
    // A copy that is the page is served as written (bytes this test can tell from an on-the-fly one).
    let t = test_app_with(|cfg| {
        std::fs::write(cfg.static_dir.join("index.html"), PAGE).unwrap();
        // A brotli stream of PAGE as uncompressed meta-blocks: valid, and unlike any encoder's output.
        std::fs::write(
            cfg.static_dir.join("index.html.br"),
            raw_brotli(PAGE.as_bytes()),
        )
        .unwrap();
    })
    .await;
    let r = get(&t, "/", "gzip, br").await;
    assert_eq!(r.headers.get(header::CONTENT_ENCODING).unwrap(), "br");
    assert_eq!(r.raw, raw_brotli(PAGE.as_bytes()));
    assert_eq!(unbrotli(&r.raw), PAGE.as_bytes());
}

/// `data` as a brotli stream of one uncompressed meta-block (RFC 7932, 9.2), for data under 64 KiB.
fn raw_brotli(data: &[u8]) -> Vec<u8> {
    assert!(!data.is_empty() && data.len() <= 65536);
    // Bits, least significant first: WBITS 16 ("0"), ISLAST 0, MNIBBLES 4 ("00"), MLEN-1 in 16 bits,
    // ISUNCOMPRESSED 1; then byte-aligned data; then an empty last meta-block (ISLAST 1, ISLASTEMPTY 1).
    let mut bits: Vec<u8> = vec![0, 0, 0, 0];
    let m = data.len() - 1;
    bits.extend((0..16).map(|i| ((m >> i) & 1) as u8));
    bits.push(1);
    let mut out = Vec::new();
    for chunk in bits.chunks(8) {
        out.push(
            chunk
                .iter()
                .enumerate()
                .fold(0u8, |b, (i, &bit)| b | (bit << i)),
        );
    }
    out.extend_from_slice(data);
    out.push(0b11);
    out
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

// ---------------------------------------------------------------------------------------------
// HTTP and session hardening (issue #10, section 3).

use appreg_server::{sessions, throttle, Config, ServeOptions};
use axum::extract::ConnectInfo;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// The `name=value` part of a reply's `Set-Cookie`.
fn set_cookie(r: &Reply) -> String {
    r.headers
        .get(header::SET_COOKIE)
        .expect("a Set-Cookie")
        .to_str()
        .unwrap()
        .to_string()
}

fn cookie_pair(r: &Reply) -> As {
    As::Cookie(set_cookie(r).split(';').next().unwrap().to_string())
}

/// A sign-in from the client address `ip` (as the server sees its peer), with a user agent.
async fn sign_in_from(t: &TestApp, ip: &str, email: &str, password: &str) -> Reply {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::USER_AGENT, format!("test-agent {ip}"))
        .body(Body::from(
            json!({"email": email, "password": password}).to_string(),
        ))
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::new(ip.parse().unwrap(), 40_000)));
    t.raw(req).await
}

fn header_str<'a>(r: &'a Reply, name: &str) -> &'a str {
    r.headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

fn retry_after(r: &Reply) -> u64 {
    header_str(r, "retry-after").parse().unwrap()
}

async fn scalar(t: &TestApp, sql: &str, bind: &str) -> i64 {
    sqlx::query(sql)
        .bind(bind)
        .fetch_one(&t.state.db)
        .await
        .unwrap()
        .try_get::<i64, _>("n")
        .unwrap()
}

async fn user_id(t: &TestApp, email: &str) -> String {
    sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&t.state.db)
        .await
        .unwrap()
        .try_get("id")
        .unwrap()
}

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn security_headers_on_the_spa_and_the_api() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let replies = [
        ("SPA", t.get(&As::Nobody, "/").await),
        ("SPA route", t.get(&As::Nobody, "/apps/new/template").await),
        (
            "hashed file",
            t.get(&As::Nobody, "/appreg-web-0123456789abcdef.js").await,
        ),
        ("API", t.get(&dev, "/api/v1/me").await),
        ("API error", t.get(&As::Nobody, "/api/v1/me").await),
        ("API 404", t.get(&dev, "/api/v1/nothing-here").await),
        ("health", t.get(&As::Nobody, "/healthz").await),
    ];
    for (what, r) in &replies {
        let csp = header_str(r, "content-security-policy");
        for directive in [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{what}: {directive} in {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
        assert!(!csp.contains("'unsafe-eval'"), "{what}: {csp}");
        assert_eq!(header_str(r, "x-content-type-options"), "nosniff", "{what}");
        assert_eq!(header_str(r, "referrer-policy"), "no-referrer", "{what}");
        assert_eq!(header_str(r, "x-frame-options"), "DENY", "{what}");
        // Plain http (no https public URL): no HSTS.
        assert!(
            r.headers.get("strict-transport-security").is_none(),
            "{what}"
        );
    }
    for (what, r) in &replies[3..6] {
        assert_eq!(header_str(r, "cache-control"), "no-store", "{what}");
    }
    // The SPA keeps its own caching (index revalidated, hashed files immutable).
    assert_eq!(header_str(&replies[0].1, "cache-control"), "no-cache");
    assert_eq!(
        header_str(&replies[2].1, "cache-control"),
        "public, max-age=31536000, immutable"
    );
}

/// What Trunk 0.21 writes into `dist/index.html`: the glue is loaded by one inline module script.
const TRUNK_INDEX: &str = r#"<!DOCTYPE html><html lang="en"><head>
    <meta charset="utf-8">
    <title>Register an app · Developer Portal</title>
    <link rel="stylesheet" href="/main-0123456789abcdef.css" integrity="sha384-abc"/>
<link rel="modulepreload" href="/appreg-web-0123456789abcdef.js" crossorigin="anonymous" integrity="sha384-def"><link rel="preload" href="/appreg-web-0123456789abcdef_bg.wasm" crossorigin="anonymous" integrity="sha384-ghi" as="fetch" type="application/wasm"></head>
  <body>
    <noscript>Registering an app needs JavaScript and WebAssembly.</noscript>
  
<script type="module">
import init, * as bindings from '/appreg-web-0123456789abcdef.js';
const wasm = await init({ module_or_path: '/appreg-web-0123456789abcdef_bg.wasm' });


window.wasmBindings = bindings;


dispatchEvent(new CustomEvent("TrunkApplicationStarted", {detail: {wasm}}));

</script></body>
</html>"#;

#[tokio::test]
async fn frame_ancestors_follow_the_option_and_the_csp_hashes_trunks_inline_loader() {
    use base64::Engine;
    use sha2::Digest;
    let opts = ServeOptions::parse(&args(&[
        "--frame-ancestors",
        "'self'",
        "--frame-ancestors",
        "https://portal.example.com https://*.example.net",
    ]))
    .unwrap();
    let t = test_app_with(|cfg| {
        opts.configure(cfg);
        std::fs::write(cfg.static_dir.join("index.html"), TRUNK_INDEX).unwrap();
    })
    .await;
    let loader = TRUNK_INDEX
        .split("<script type=\"module\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(loader));
    for path in ["/", "/api/v1/templates"] {
        let r = t.get(&As::Nobody, path).await;
        let csp = header_str(&r, "content-security-policy");
        assert!(
            csp.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}';"
            )),
            "{path}: {csp}"
        );
        assert!(
            csp.ends_with(
                "frame-ancestors 'self' https://portal.example.com https://*.example.net"
            ),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"));
        // X-Frame-Options cannot express a list: left out, the CSP decides.
        assert!(r.headers.get("x-frame-options").is_none());
    }
    // Only 'self': the old header says SAMEORIGIN too.
    let opts = ServeOptions::parse(&args(&["--frame-ancestors", "'self'"])).unwrap();
    let t = test_app_with(|cfg| opts.configure(cfg)).await;
    let r = t.get(&As::Nobody, "/").await;
    assert_eq!(header_str(&r, "x-frame-options"), "SAMEORIGIN");
    assert!(header_str(&r, "content-security-policy").ends_with("frame-ancestors 'self'"));
    // A missing index.html (no SPA built) still gives a policy, without hashes.
    let t = test_app_with(|cfg| cfg.static_dir = cfg.static_dir.join("missing")).await;
    let r = t.get(&As::Nobody, "/api/v1/templates").await;
    assert!(header_str(&r, "content-security-policy")
        .contains("script-src 'self' 'wasm-unsafe-eval'; style-src"));
}

/// A release build's page carries its stylesheet inline (scripts/wasm-split/inline.py): the policy allows
/// that `<style>` by its hash, and no other inline style.
#[tokio::test]
async fn the_csp_allows_the_pages_own_inline_style_by_its_hash() {
    use base64::Engine;
    use sha2::Digest;
    let css = ".appreg{color:#1b1f24}";
    let index = TRUNK_INDEX.replace("<title>", &format!("<style>{css}</style>\n    <title>"));
    let t = test_app_with(|cfg| {
        std::fs::write(cfg.static_dir.join("index.html"), &index).unwrap();
    })
    .await;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(css));
    for path in ["/", "/api/v1/templates"] {
        let r = t.get(&As::Nobody, path).await;
        let csp = header_str(&r, "content-security-policy");
        assert!(
            csp.contains(&format!("; style-src 'self' 'sha256-{hash}'; img-src")),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
    }
    // Without a <style> in the page, only the stylesheet files of the origin.
    let t = test_app_with(|cfg| {
        std::fs::write(cfg.static_dir.join("index.html"), TRUNK_INDEX).unwrap();
    })
    .await;
    let r = t.get(&As::Nobody, "/").await;
    assert!(header_str(&r, "content-security-policy").contains("; style-src 'self'; img-src"));
}

#[tokio::test]
async fn https_public_url_gives_a_secure_host_cookie_and_hsts() {
    let opts = ServeOptions::parse(&args(&["--public-url", "https://portal.example.com"])).unwrap();
    let t = test_app_with(|cfg| opts.configure(cfg)).await;
    let r = attempt_sign_in(&t, "dev@demo.test", "demo-password").await;
    assert_eq!(r.status, StatusCode::OK);
    let cookie = set_cookie(&r);
    assert!(cookie.starts_with("__Host-appreg_session="), "{cookie}");
    for attr in ["; Secure", "; HttpOnly", "; SameSite=Strict", "; Path=/"] {
        assert!(cookie.contains(attr), "{attr} in {cookie}");
    }
    assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");
    assert_eq!(
        header_str(&r, "strict-transport-security"),
        "max-age=31536000; includeSubDomains"
    );
    let who = cookie_pair(&r);
    let me = t.get(&who, "/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(me.headers.contains_key("strict-transport-security"));
    let spa = t.get(&As::Nobody, "/").await;
    assert!(spa.headers.contains_key("strict-transport-security"));
    // The same token under the plain name is not a session here.
    let plain = cookie_of(&who).replacen("__Host-", "", 1);
    assert_eq!(
        t.get(&As::Cookie(plain), "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    // Signing out clears the __Host- cookie with the same attributes.
    let r = t.delete(&who, "/api/v1/session").await;
    let cleared = set_cookie(&r);
    assert!(
        cleared.starts_with("__Host-appreg_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    assert!(cleared.contains("; Secure"));

    // Without an https public URL (plain http on loopback): today's cookie, no HSTS.
    for opts in [
        ServeOptions::parse(&[]).unwrap(),
        ServeOptions::parse(&args(&["--public-url", "http://127.0.0.1:8080"])).unwrap(),
    ] {
        let t = test_app_with(|cfg| opts.configure(cfg)).await;
        let r = attempt_sign_in(&t, "dev@demo.test", "demo-password").await;
        let cookie = set_cookie(&r);
        assert!(cookie.starts_with("appreg_session="), "{cookie}");
        assert!(!cookie.contains("Secure"), "{cookie}");
        assert!(r.headers.get("strict-transport-security").is_none());
    }
}

#[tokio::test]
async fn sessions_end_after_the_idle_timeout_and_the_absolute_lifetime() {
    let t = test_app().await;
    let db = &t.state.db;
    let set = |col: &'static str, secs_ago: i64, who: &As| {
        let hash = appreg_server::db::sha256_hex(cookie_of(who).split_once('=').unwrap().1);
        async move {
            sqlx::query(&format!(
                "UPDATE sessions SET {col} = $1 WHERE token_hash = $2"
            ))
            .bind(appreg_server::db::ago_secs(secs_ago))
            .bind(hash)
            .execute(db)
            .await
            .unwrap();
        }
    };
    // The cookie lives as long as the absolute lifetime (12 h by default).
    let r = attempt_sign_in(&t, "dev@demo.test", "demo-password").await;
    assert!(
        set_cookie(&r).contains("Max-Age=43200"),
        "{}",
        set_cookie(&r)
    );
    // Idle for 31 minutes (default timeout 30): gone.
    let idle = cookie_pair(&r);
    set("last_seen_at", 31 * 60, &idle).await;
    assert_eq!(
        t.get(&idle, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    // Idle for 29 minutes: still there, and the use slides the idle timeout.
    let busy = t.sign_in("dev@demo.test").await;
    set("last_seen_at", 29 * 60, &busy).await;
    assert_eq!(t.get(&busy, "/api/v1/me").await.status, StatusCode::OK);
    let n = scalar(
        &t,
        "SELECT COUNT(*) AS n FROM sessions WHERE last_seen_at > $1",
        &appreg_server::db::ago_secs(60),
    )
    .await;
    assert_eq!(n, 1, "the busy session was touched");
    // Used a moment ago but past its absolute end: gone.
    let old = t.sign_in("dev@demo.test").await;
    set("expires_at", 1, &old).await;
    assert_eq!(
        t.get(&old, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );

    // Both are options: a 1-minute idle timeout ends a session idle for 2 minutes…
    let t = test_app_with(|cfg| cfg.session_idle = Duration::from_secs(60)).await;
    let db = &t.state.db;
    let who = t.sign_in("dev@demo.test").await;
    let hash = appreg_server::db::sha256_hex(cookie_of(&who).split_once('=').unwrap().1);
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(appreg_server::db::ago_secs(120))
        .bind(&hash)
        .execute(db)
        .await
        .unwrap();
    assert_eq!(
        t.get(&who, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    // …and a 2-second lifetime ends a busy session after 2 seconds, in real time.
    let t = test_app_with(|cfg| {
        cfg.session_lifetime = Duration::from_secs(2);
        cfg.session_idle = Duration::from_secs(2);
    })
    .await;
    let r = attempt_sign_in(&t, "dev@demo.test", "demo-password").await;
    assert!(set_cookie(&r).contains("Max-Age=2"));
    let who = cookie_pair(&r);
    for _ in 0..3 {
        assert_eq!(t.get(&who, "/api/v1/me").await.status, StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        t.get(&who, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn sign_in_starts_a_new_session_and_ends_the_one_the_browser_had() {
    let t = test_app().await;
    let first = t.sign_in("dev@demo.test").await;
    let r = t
        .send(
            &first,
            Method::POST,
            "/api/v1/session",
            Some(json!({"email": "dev@demo.test", "password": "demo-password"})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let second = cookie_pair(&r);
    assert_ne!(cookie_of(&first), cookie_of(&second));
    assert_eq!(
        t.get(&first, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(t.get(&second, "/api/v1/me").await.status, StatusCode::OK);
}

#[tokio::test]
async fn sessions_are_listed_and_other_sessions_ended() {
    let t = test_app().await;
    let laptop =
        cookie_pair(&sign_in_from(&t, "192.0.2.1", "dev@demo.test", "demo-password").await);
    let phone = cookie_pair(&sign_in_from(&t, "192.0.2.2", "dev@demo.test", "demo-password").await);
    let r = t.get(&laptop, "/api/v1/sessions").await;
    assert_eq!(r.status, StatusCode::OK);
    let list = r.body.as_array().unwrap().clone();
    assert_eq!(list.len(), 2, "{list:?}");
    let mine: Vec<_> = list.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["user_agent"], "test-agent 192.0.2.1");
    assert_eq!(mine[0]["ip"], "192.0.2.1");
    for s in &list {
        for field in ["id", "created_at", "last_seen_at", "expires_at"] {
            assert!(s[field].as_str().is_some_and(|v| !v.is_empty()), "{s}");
        }
    }
    let other = list.iter().find(|s| s["current"] == false).unwrap();
    let phone_id = other["id"].as_str().unwrap().to_string();
    // The public id is neither the token nor its hash.
    let phone_token = cookie_of(&phone).split_once('=').unwrap().1.to_string();
    assert_ne!(phone_id, phone_token);
    assert_ne!(phone_id, appreg_server::db::sha256_hex(&phone_token));
    assert!(!r
        .raw
        .windows(16)
        .any(|w| phone_token.as_bytes().starts_with(w)));

    // Another user cannot end my session: 404, and it still works.
    let intruder = t.sign_in("other@demo.test").await;
    let r = t
        .delete(&intruder, &format!("/api/v1/sessions/{phone_id}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.is_problem());
    assert_eq!(t.get(&phone, "/api/v1/me").await.status, StatusCode::OK);
    // I can: that session is 401 from then on; mine still works.
    let r = t
        .delete(&laptop, &format!("/api/v1/sessions/{phone_id}"))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        t.get(&phone, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(t.get(&laptop, "/api/v1/me").await.status, StatusCode::OK);
    let r = t
        .delete(&laptop, &format!("/api/v1/sessions/{phone_id}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // "End all other sessions": two more devices end, this one stays, other users are untouched.
    let tablet = t.sign_in("dev@demo.test").await;
    let desktop = t.sign_in("dev@demo.test").await;
    let r = t.delete(&laptop, "/api/v1/sessions").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    for gone in [&tablet, &desktop] {
        assert_eq!(
            t.get(gone, "/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(t.get(&laptop, "/api/v1/me").await.status, StatusCode::OK);
    assert_eq!(t.get(&intruder, "/api/v1/me").await.status, StatusCode::OK);
    let r = t.get(&laptop, "/api/v1/sessions").await;
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    // Cookie rules apply (CSRF header), and an API token cannot see or end sessions.
    let bare = As::CookieNoCsrf(cookie_of(&laptop));
    let r = t.delete(&bare, "/api/v1/sessions").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let token = t
        .post(&laptop, "/api/v1/tokens", json!({"name": "ci"}))
        .await
        .body["token"]
        .as_str()
        .unwrap()
        .to_string();
    let bearer = As::Bearer(token);
    assert_eq!(
        t.get(&bearer, "/api/v1/sessions").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.delete(&bearer, "/api/v1/sessions").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(t.get(&laptop, "/api/v1/me").await.status, StatusCode::OK);
}

/// Fires `n` sign-ins at once; `ip(i)` is the address of the i-th.
async fn storm(
    t: &TestApp,
    n: usize,
    ip: impl Fn(usize) -> String,
    password: &str,
) -> Vec<StatusCode> {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (t, ip, password) = (t.clone(), ip(i), password.to_string());
            tokio::spawn(async move {
                sign_in_from(&t, &ip, "admin@demo.test", &password)
                    .await
                    .status
            })
        })
        .collect();
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

/// Signs in with the right password, waiting out each 429's Retry-After; returns the time it took.
async fn real_user_signs_in(t: &TestApp, ip: &str) -> Duration {
    let start = Instant::now();
    for _ in 0..5 {
        let r = sign_in_from(t, ip, "admin@demo.test", "demo-password").await;
        if r.status == StatusCode::OK {
            return start.elapsed();
        }
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
        let wait = retry_after(&r);
        assert!(wait <= 60, "Retry-After {wait}");
        tokio::time::sleep(Duration::from_millis(wait * 1000 + 50)).await;
    }
    panic!("the real user could not sign in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_stop_at_the_limit_and_the_real_user_still_signs_in() {
    // A 3-second first wait, so that the whole burst falls within it on a slow machine.
    let t = test_app_with(|cfg| cfg.sign_in_delay = Duration::from_secs(3)).await;
    let statuses = storm(&t, 40, |_| "198.51.100.66".into(), "wrong").await;
    let verified = count(&statuses, StatusCode::UNAUTHORIZED);
    assert_eq!(
        verified + count(&statuses, StatusCode::TOO_MANY_REQUESTS),
        40,
        "{statuses:?}"
    );
    assert!(
        (1..=throttle::PAIR_BUDGET as usize).contains(&verified),
        "{verified} wrong passwords were verified: {statuses:?}"
    );
    let logged = scalar(
        &t,
        "SELECT COUNT(*) AS n FROM sign_in_failures WHERE subject = $1",
        "account:admin@demo.test",
    )
    .await;
    assert_eq!(logged as usize, verified);
    // The real user, from another address: at once.
    let took = real_user_signs_in(&t, "203.0.113.10").await;
    assert!(took < Duration::from_secs(2), "{took:?}");
    // And from the attacked address, after a wait of seconds (not 15 minutes).
    let statuses = storm(&t, 10, |_| "198.51.100.66".into(), "wrong").await;
    assert!(count(&statuses, StatusCode::UNAUTHORIZED) <= throttle::PAIR_BUDGET as usize);
    let took = real_user_signs_in(&t, "198.51.100.66").await;
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_distributed_attack_delays_the_account_by_seconds_not_a_lock_out() {
    let t = test_app_with(|cfg| cfg.sign_in_delay = Duration::from_secs(3)).await;
    let statuses = storm(
        &t,
        40,
        |i| format!("10.9.{}.{}", i / 200, i % 200 + 1),
        "wrong",
    )
    .await;
    let verified = count(&statuses, StatusCode::UNAUTHORIZED);
    assert!(
        (1..=throttle::ACCOUNT_BUDGET as usize).contains(&verified),
        "{verified} verified: {statuses:?}"
    );
    let took = real_user_signs_in(&t, "203.0.113.20").await;
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[tokio::test]
async fn a_long_attack_never_waits_more_than_the_cap() {
    // Small delays so that the test runs the whole ladder quickly: 20 ms doubling to at most 200 ms.
    let t = test_app_with(|cfg| {
        cfg.sign_in_delay = Duration::from_millis(20);
        cfg.sign_in_max_delay = Duration::from_millis(200);
    })
    .await;
    let mut failures = 0;
    while failures < 15 {
        let r = sign_in_from(&t, "198.51.100.7", "admin@demo.test", "wrong").await;
        match r.status {
            StatusCode::UNAUTHORIZED => failures += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert_eq!(retry_after(&r), 1, "rounded up to a whole second");
                tokio::time::sleep(Duration::from_millis(10)).await
            }
            s => panic!("{s}: {}", r.body),
        }
    }
    // The attacker keeps going; the real user at the same address gets in within the cap.
    let start = Instant::now();
    loop {
        let r = sign_in_from(&t, "198.51.100.7", "admin@demo.test", "demo-password").await;
        if r.status == StatusCode::OK {
            break;
        }
        assert!(start.elapsed() < Duration::from_millis(1500));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // With the defaults the cap is a minute: Retry-After never says more.
    let t = test_app().await;
    sqlx::query(
        "INSERT INTO sign_in_throttle (subject, failures, next_at, last_at) VALUES ($1, 0, $2, $2)",
    )
    .bind("account:admin@demo.test")
    .bind("1970-01-01T00:00:00.000Z")
    .execute(&t.state.db)
    .await
    .unwrap();
    sqlx::query("UPDATE sign_in_throttle SET failures = 500, last_at = $1")
        .bind(appreg_server::db::now())
        .execute(&t.state.db)
        .await
        .unwrap();
    let r = sign_in_from(&t, "198.51.100.8", "admin@demo.test", "wrong").await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "the 501st failure is verified"
    );
    let r = sign_in_from(&t, "198.51.100.9", "admin@demo.test", "demo-password").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!((1..=60).contains(&retry_after(&r)), "{}", retry_after(&r));
}

#[tokio::test]
async fn x_forwarded_for_counts_only_behind_a_trusted_proxy() {
    let opts = ServeOptions::parse(&args(&["--trusted-proxy", "10.0.0.0/8"])).unwrap();
    let t = test_app_with(|cfg| opts.configure(cfg)).await;
    let send = |peer: &'static str, xff: &'static str| {
        let t = t.clone();
        async move {
            let mut req = Request::builder()
                .method(Method::POST)
                .uri("/api/v1/session")
                .header(header::CONTENT_TYPE, "application/json")
                .header("x-forwarded-for", xff)
                .body(Body::from(
                    json!({"email": "dev@demo.test", "password": "wrong"}).to_string(),
                ))
                .unwrap();
            req.extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(peer.parse().unwrap(), 1)));
            assert_eq!(t.raw(req).await.status, StatusCode::UNAUTHORIZED);
        }
    };
    // Through the proxy: the client it names (the right-most hop it did not add itself).
    send("10.0.0.5", "6.6.6.6, 198.51.100.23").await;
    // Straight from the internet: the header is the client's own claim, ignored.
    send("203.0.113.77", "198.51.100.99").await;
    let subjects: Vec<String> = sqlx::query(
        "SELECT subject FROM sign_in_failures WHERE subject LIKE 'address:%' ORDER BY at",
    )
    .fetch_all(&t.state.db)
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get("subject").unwrap())
    .collect();
    assert_eq!(subjects, ["address:198.51.100.23", "address:203.0.113.77"]);
}

#[tokio::test]
async fn argon2_verifications_wait_for_a_permit() {
    let t = test_app_with(|cfg| cfg.argon2_concurrency = 1).await;
    assert_eq!(t.state.argon2_slots.available_permits(), 1);
    let held = t.state.argon2_slots.clone().acquire_owned().await.unwrap();
    let t2 = t.clone();
    let pending =
        tokio::spawn(async move { attempt_sign_in(&t2, "dev@demo.test", "demo-password").await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!pending.is_finished(), "the sign-in waits for the permit");
    drop(held);
    assert_eq!(pending.await.unwrap().status, StatusCode::OK);
    assert_eq!(t.state.argon2_slots.available_permits(), 1);
}

#[tokio::test]
async fn api_tokens_expire_and_a_read_token_only_reads() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let app = id(&t.create(&dev, web_app("Scoped")).await);
    let secret = id(&t
        .post(
            &dev,
            &format!("/api/v1/applications/{app}/secrets"),
            json!({"environment": "sod"}),
        )
        .await
        .body);
    // Defaults: 90 days, write.
    let r = t.post(&dev, "/api/v1/tokens", json!({"name": "ci"})).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.body["scope"], "write");
    let expires = r.body["expires_at"].as_str().unwrap();
    assert!(
        expires > appreg_server::db::in_days(89).as_str()
            && expires < appreg_server::db::in_days(91).as_str()
    );
    // At most a year.
    for days in [0, 366, 10_000] {
        let r = t
            .post(
                &dev,
                "/api/v1/tokens",
                json!({"name": "long", "expires_in_days": days}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{days}");
        assert!(r.is_problem());
    }
    let r = t
        .post(
            &dev,
            "/api/v1/tokens",
            json!({"name": "year", "expires_in_days": 365, "scope": "write"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = t
        .post(
            &dev,
            "/api/v1/tokens",
            json!({"name": "x", "scope": "admin"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A read token reads, and gets 403 on every method that changes something.
    let r = t
        .post(
            &dev,
            "/api/v1/tokens",
            json!({"name": "dashboard", "scope": "read", "expires_in_days": 7}),
        )
        .await;
    assert_eq!(r.body["scope"], "read");
    let read = As::Bearer(r.body["token"].as_str().unwrap().to_string());
    let read_id = id(&r.body);
    for path in [
        "/api/v1/me".to_string(),
        "/api/v1/partners/demo/applications".into(),
        format!("/api/v1/applications/{app}"),
        format!("/api/v1/applications/{app}/secrets"),
        "/api/v1/tokens".into(),
    ] {
        assert_eq!(t.get(&read, &path).await.status, StatusCode::OK, "{path}");
    }
    let writes: Vec<Attempt> = vec![
        (
            Method::POST,
            "/api/v1/partners/demo/applications".into(),
            Some(web_app("By read token")),
            vec![],
        ),
        (
            Method::PATCH,
            format!("/api/v1/applications/{app}"),
            Some(json!({"cors_urls": []})),
            vec![("if-match", "\"v1\"")],
        ),
        (
            Method::POST,
            format!("/api/v1/applications/{app}/secrets"),
            Some(json!({"environment": "stage"})),
            vec![],
        ),
        (
            Method::DELETE,
            format!("/api/v1/applications/{app}/secrets/{secret}"),
            None,
            vec![],
        ),
        (
            Method::POST,
            format!("/api/v1/applications/{app}/publish-requests"),
            Some(json!({"environment": "stage"})),
            vec![],
        ),
        (
            Method::DELETE,
            format!("/api/v1/tokens/{read_id}"),
            None,
            vec![],
        ),
        (Method::DELETE, "/api/v1/session".into(), None, vec![]),
    ];
    for (method, path, body, headers) in &writes {
        let r = t
            .send(&read, method.clone(), path, body.clone(), headers)
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{method} {path}: {}",
            r.body
        );
        assert!(r.is_problem());
        assert!(r.body["detail"].as_str().unwrap().contains("scope read"));
    }
    // Validating changes nothing: a read token may.
    let r = t
        .post(
            &read,
            "/api/v1/check",
            json!({"kind": "name", "values": ["Acme"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Nothing changed.
    assert_eq!(
        t.get(&dev, &format!("/api/v1/applications/{app}"))
            .await
            .headers
            .get(header::ETAG)
            .unwrap(),
        "\"v1\""
    );
    assert_eq!(
        t.get(&dev, &format!("/api/v1/applications/{app}/secrets"))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let list = t.get(&dev, "/api/v1/tokens").await.body;
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["expires_at"].is_string()
            && t["scope"].is_string()
            && t.get("token").is_none()));

    // Expired: 401.
    sqlx::query("UPDATE api_tokens SET expires_at = $1 WHERE id = $2")
        .bind(appreg_server::db::ago_secs(1))
        .bind(&read_id)
        .execute(&t.state.db)
        .await
        .unwrap();
    let r = t.get(&read, "/api/v1/me").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.is_problem());
    // Tokens from before expiry existed (no expires_at) last a year from their creation.
    let uid = user_id(&t, "dev@demo.test").await;
    for (secret, created, want) in [
        (
            "appreg_legacy_new",
            appreg_server::db::ago_secs(86_400),
            StatusCode::OK,
        ),
        (
            "appreg_legacy_old",
            appreg_server::db::ago_secs(366 * 86_400),
            StatusCode::UNAUTHORIZED,
        ),
    ] {
        sqlx::query("INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, 'legacy', $3, $4)")
            .bind(appreg_server::db::new_id())
            .bind(&uid)
            .bind(appreg_server::db::sha256_hex(secret))
            .bind(created)
            .execute(&t.state.db)
            .await
            .unwrap();
        assert_eq!(
            t.get(&As::Bearer(secret.into()), "/api/v1/me").await.status,
            want,
            "{secret}"
        );
    }
}

#[tokio::test]
async fn a_token_cannot_mint_tokens_or_use_app_manager_powers() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let f = demo_resources(&t, &dev).await;
    let token = t
        .post(&dev, "/api/v1/tokens", json!({"name": "ci"}))
        .await
        .body["token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = t
        .post(
            &As::Bearer(token),
            "/api/v1/tokens",
            json!({"name": "child"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.is_problem());
    assert_eq!(
        t.get(&dev, "/api/v1/tokens")
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let manager = t.sign_in("appmanager@demo.test").await;
    let r = t
        .post(
            &manager,
            "/api/v1/tokens",
            json!({"name": "manager ci", "scope": "write"}),
        )
        .await;
    let bearer = As::Bearer(r.body["token"].as_str().unwrap().to_string());
    assert_eq!(
        t.get(&bearer, "/api/v1/me").await.body["app_manager"],
        false
    );
    assert_eq!(
        t.get(&bearer, "/api/v1/publish-requests").await.status,
        StatusCode::FORBIDDEN
    );
    for action in ["approve", "reject"] {
        let r = t
            .post(
                &bearer,
                &format!("/api/v1/publish-requests/{}/{action}", f.publish),
                json!({"reason": "no"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{action}");
    }
    // The same user's session keeps the powers.
    assert_eq!(
        t.get(&manager, "/api/v1/me").await.body["app_manager"],
        true
    );
    assert_eq!(
        t.get(&manager, "/api/v1/publish-requests").await.status,
        StatusCode::OK
    );
}

/// Expired and idle sessions, an old failure, an old throttle row and an old idempotency key, with a
/// live one of each next to them.
async fn stale_and_live_rows(t: &TestApp) {
    use appreg_server::db::{ago_secs, in_days, now};
    let uid = user_id(t, "dev@demo.test").await;
    let db = &t.state.db;
    for (hash, last_seen, expires) in [
        ("expired", now(), ago_secs(5)),
        ("idle", ago_secs(3600), in_days(1)),
        ("live", now(), in_days(1)),
    ] {
        sqlx::query("INSERT INTO sessions (token_hash, id, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $1, $2, $3, $4, $5)")
            .bind(hash).bind(&uid).bind(ago_secs(7200)).bind(last_seen).bind(expires)
            .execute(db).await.unwrap();
    }
    for (subject, at) in [("account:old", ago_secs(25 * 3600)), ("account:new", now())] {
        sqlx::query("INSERT INTO sign_in_failures (subject, at) VALUES ($1, $2)")
            .bind(subject)
            .bind(at)
            .execute(db)
            .await
            .unwrap();
        sqlx::query("INSERT INTO sign_in_throttle (subject, failures, next_at, last_at) VALUES ($1, 3, $2, $2)")
            .bind(subject).bind(if subject == "account:old" { ago_secs(3600) } else { now() })
            .execute(db).await.unwrap();
    }
    for (key, at) in [("old-key", ago_secs(25 * 3600)), ("new-key", now())] {
        sqlx::query("INSERT INTO idempotency_keys (partner_id, idem_key, request_hash, created_at) VALUES ('demo', $1, 'h', $2)")
            .bind(key).bind(at).execute(db).await.unwrap();
    }
    let unix = time::OffsetDateTime::now_utc().unix_timestamp();
    for (subject, start) in [("user:old", unix - 7200), ("user:new", unix)] {
        sqlx::query("INSERT INTO rate_limits (bucket, subject, window_start, hits) VALUES ('check', $1, $2, 1)")
            .bind(subject)
            .bind(start)
            .execute(db)
            .await
            .unwrap();
    }
}

async fn remaining(t: &TestApp) -> Vec<String> {
    let mut out = Vec::new();
    for (sql, col) in [
        (
            "SELECT token_hash AS v FROM sessions WHERE token_hash IN ('expired', 'idle', 'live')",
            "v",
        ),
        (
            "SELECT subject AS v FROM sign_in_failures WHERE subject LIKE 'account:%'",
            "v",
        ),
        (
            "SELECT subject AS v FROM sign_in_throttle WHERE subject LIKE 'account:%'",
            "v",
        ),
        (
            "SELECT idem_key AS v FROM idempotency_keys WHERE idem_key LIKE '%-key'",
            "v",
        ),
        (
            "SELECT subject AS v FROM rate_limits WHERE subject LIKE 'user:%'",
            "v",
        ),
    ] {
        let mut vals: Vec<String> = sqlx::query(sql)
            .fetch_all(&t.state.db)
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String, _>(col).unwrap())
            .collect();
        vals.sort();
        out.push(vals.join(","));
    }
    out
}

const AFTER_PURGE: [&str; 5] = ["live", "account:new", "account:new", "new-key", "user:new"];

#[tokio::test]
async fn the_purge_deletes_expired_state_and_runs_on_a_timer() {
    let t = test_app().await;
    stale_and_live_rows(&t).await;
    // Not on the sign-in path: another user's stale rows survive a sign-in.
    t.sign_in("admin@demo.test").await;
    assert_eq!(remaining(&t).await[0], "expired,idle,live");
    let p = sessions::purge(&t.state.db, &t.state.cfg).await.unwrap();
    assert_eq!(
        p,
        sessions::Purged {
            sessions: 2,
            failures: 1,
            throttles: 1,
            idempotency_keys: 1,
            rate_limits: 1,
            applications: 0,
            outbox: 0,
        }
    );
    assert_eq!(remaining(&t).await, AFTER_PURGE);
    // Idempotent: a second run (another instance) finds nothing.
    assert_eq!(
        sessions::purge(&t.state.db, &t.state.cfg).await.unwrap(),
        sessions::Purged::default()
    );
    // The timer task does the same by itself.
    sqlx::query("DELETE FROM sessions WHERE token_hash = 'live'")
        .execute(&t.state.db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM sign_in_failures")
        .execute(&t.state.db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM sign_in_throttle")
        .execute(&t.state.db)
        .await
        .unwrap();
    for table in ["idempotency_keys", "rate_limits"] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&t.state.db)
            .await
            .unwrap();
    }
    stale_and_live_rows(&t).await;
    let timer = sessions::spawn_purger(t.state.clone(), Duration::from_millis(50));
    let start = Instant::now();
    while remaining(&t).await != AFTER_PURGE {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            remaining(&t).await
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    timer.abort();
}

#[tokio::test]
async fn appreg_serve_starts_the_purge_timer() {
    let t = test_app().await;
    stale_and_live_rows(&t).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_appreg"))
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &t.url,
        ])
        .arg("--static")
        .arg(t.dir.join("static"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("appreg serve starts");
    let start = Instant::now();
    let mut last = Vec::new();
    while start.elapsed() < Duration::from_secs(30) {
        last = remaining(&t).await;
        if last == AFTER_PURGE {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(last, AFTER_PURGE);
}

#[test]
fn serve_options_parse_the_hardening_flags() {
    let o = ServeOptions::parse(&args(&[
        "--public-url",
        "https://portal.example.com",
        "--frame-ancestors",
        "'self' https://a.example.com",
        "--frame-ancestors",
        "https://b.example.com",
        "--session-idle",
        "15m",
        "--session-lifetime",
        "8h",
        "--trusted-proxy",
        "10.0.0.0/8",
        "--trusted-proxy",
        "::1",
    ]))
    .unwrap();
    assert_eq!(o.public_url.as_deref(), Some("https://portal.example.com"));
    assert_eq!(
        o.frame_ancestors,
        ["'self'", "https://a.example.com", "https://b.example.com"]
    );
    assert_eq!(o.session_idle, Duration::from_secs(15 * 60));
    assert_eq!(o.session_lifetime, Duration::from_secs(8 * 3600));
    assert_eq!(o.trusted_proxies.len(), 2);
    let mut cfg = Config::new("dist".into());
    assert!(!cfg.https());
    o.configure(&mut cfg);
    assert!(cfg.https());
    assert_eq!(cfg.session_idle, Duration::from_secs(900));
    // Defaults.
    let d = ServeOptions::parse(&[]).unwrap();
    assert_eq!(d.frame_ancestors, ["'none'"]);
    assert_eq!(d.session_idle, Duration::from_secs(30 * 60));
    assert_eq!(d.session_lifetime, Duration::from_secs(12 * 3600));
    assert!(d.public_url.is_none() && d.trusted_proxies.is_empty());
    for (a, b) in [
        ("90", 90),
        ("90s", 90),
        ("30m", 1800),
        ("12h", 43_200),
        ("1d", 86_400),
        ("1h30m", 5400),
    ] {
        assert_eq!(
            appreg_server::parse_duration(a),
            Ok(Duration::from_secs(b)),
            "{a}"
        );
    }
    for bad in [
        vec!["--public-url", "portal.example.com"],
        vec!["--public-url", "https://"],
        vec!["--frame-ancestors", "'none' https://a.example.com"],
        vec!["--frame-ancestors", "https://a.example.com;script-src"],
        vec!["--frame-ancestors", "'unsafe-inline'"],
        vec!["--session-idle", "soon"],
        vec!["--session-idle", "0"],
        vec!["--session-idle", "13h"],
        vec!["--trusted-proxy", "10.0.0.0/40"],
        vec!["--trusted-proxy", "proxy.internal"],
    ] {
        assert!(ServeOptions::parse(&args(&bad)).is_err(), "{bad:?}");
    }
}

/// Found by schemathesis: serde reads a struct from a JSON array (its fields in order), and axum's own
/// query and path rejections are plain text. Both now answer problem+json with a 4xx.
#[tokio::test]
async fn arrays_for_objects_and_bad_query_strings_are_refused_as_problems() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let app = id(&t.create(&dev, web_app("Shapes")).await);
    let got = t.get(&dev, &format!("/api/v1/applications/{app}")).await;
    let etag = got.headers[header::ETAG].to_str().unwrap().to_string();
    let r = t
        .send(
            &dev,
            Method::PATCH,
            &format!("/api/v1/applications/{app}"),
            Some(json!([null, null])),
            &[("if-match", etag.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.is_problem());
    let reg = json!({"template": "erp", "app_type": "standard", "name": "A", "technical_contact": "dev@demo.test", "endpoints": [null, null]});
    let r = t
        .post(&dev, "/api/v1/check", json!({"registration": reg}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body["detail"]
        .as_str()
        .unwrap()
        .contains("$.registration.endpoints"));
    // The app is unchanged: the patch was not read as an empty one.
    let after = t.get(&dev, &format!("/api/v1/applications/{app}")).await;
    assert_eq!(after.headers[header::ETAG].to_str().unwrap(), etag);
    let r = t
        .get(&dev, "/api/v1/partners/demo/applications?limit=5&limit=6")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.is_problem(), "{:?}", r.headers.get(header::CONTENT_TYPE));
}

/// Seen in `make bench-abuse`: parallel sign-ins with the right password from one address were refused
/// with 429, because each claim moved the subject's next allowed time to its own "now". Under the budget
/// a claim leaves that time alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_correct_sign_ins_from_one_address_all_succeed() {
    let t = test_app().await;
    let users = [
        "dev@demo.test",
        "admin@demo.test",
        "marketing@demo.test",
        "other@demo.test",
    ];
    for _round in 0..3 {
        let tasks: Vec<_> = users
            .iter()
            .map(|u| {
                let (t, u) = (t.clone(), u.to_string());
                tokio::spawn(async move {
                    let r = attempt_sign_in(&t, &u, appreg_server::demo::DEMO_PASSWORD).await;
                    (u, r.status, r.body)
                })
            })
            .collect();
        for task in tasks {
            let (u, status, body) = task.await.unwrap();
            assert_eq!(status, StatusCode::OK, "{u}: {body}");
        }
    }
}
