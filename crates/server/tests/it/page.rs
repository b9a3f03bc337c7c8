//! The page (`/`, `/index.html`, every client-side route): signed in, a browser's navigation gets it with
//! `GET /api/v1/me`'s answer written in (crates/server/src/page.rs); everything else gets the shared page.

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use std::io::Read;

/// The shape of the built page: the character set, the head, a short body with the early script.
const PAGE: &str = "<!doctype html>\n<html lang=\"en\">\n  <head>\n    <meta charset=\"utf-8\" />\n    \
    <title>Register an app</title>\n    <style>.appreg{color:#111}</style>\n  </head>\n  <body>\n    \
    <noscript>JavaScript</noscript>\n    <script>early()</script>\n  </body>\n</html>\n";

const DATA_BLOCK: &str = "<script type=\"application/json\" id=\"appreg-me\">";

async fn with_page() -> TestApp {
    test_app_with(|cfg| std::fs::write(cfg.static_dir.join("index.html"), PAGE).unwrap()).await
}

/// A navigation (what a browser sends for the address bar, a link or a reload), with extra headers.
async fn navigate(t: &TestApp, who: &As, uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut b = Request::builder()
        .uri(uri)
        .header("sec-fetch-mode", "navigate")
        .header("sec-fetch-dest", "document");
    match who {
        As::Cookie(c) | As::CookieNoCsrf(c) => b = b.header(header::COOKIE, c.as_str()),
        As::Bearer(tok) => b = b.header(header::AUTHORIZATION, format!("Bearer {tok}")),
        As::Nobody => {}
    }
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    t.raw(b.body(Body::empty()).unwrap()).await
}

fn text(r: &Reply) -> String {
    match r
        .headers
        .get(header::CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap())
    {
        Some("br") => {
            let mut out = Vec::new();
            brotli_decompressor::Decompressor::new(&r.raw[..], 4096)
                .read_to_end(&mut out)
                .expect("a valid brotli stream");
            String::from_utf8(out).unwrap()
        }
        None => String::from_utf8(r.raw.clone()).unwrap(),
        Some(other) => panic!("unexpected encoding {other}"),
    }
}

/// The JSON of the page's data block, if it has one.
fn data_block(page: &str) -> Option<Value> {
    let start = page.find(DATA_BLOCK)? + DATA_BLOCK.len();
    let end = start + page[start..].find("</script>")?;
    Some(serde_json::from_str(&page[start..end]).expect("the data block is JSON"))
}

fn vary(r: &Reply) -> String {
    r.headers
        .get_all(header::VARY)
        .iter()
        .map(|v| v.to_str().unwrap().to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(", ")
}

#[tokio::test]
async fn a_signed_in_navigation_gets_the_page_with_me_written_in() {
    let t = with_page().await;
    let dev = t.sign_in("dev@demo.test").await;
    let me = t.get(&dev, "/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK);
    for uri in ["/", "/index.html", "/apps/new/template"] {
        for encoding in ["gzip, deflate, br", "identity"] {
            let r = navigate(&t, &dev, uri, &[("accept-encoding", encoding)]).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}");
            let page = text(&r);
            // GET /api/v1/me's answer, first in the body, before the early script that looks for it;
            // the rest of the page as it is.
            assert_eq!(data_block(&page), Some(me.body.clone()), "{uri} {encoding}");
            let at = |s: &str| page.find(s).unwrap_or_else(|| panic!("{s} in {page}"));
            assert!(at("<body>") < at(DATA_BLOCK) && at(DATA_BLOCK) < at("<script>early()"));
            assert_eq!(
                page.replacen(
                    &page[at("\n    <script type")..at("\n    <noscript>")],
                    "",
                    1
                ),
                PAGE
            );
            // Personal: never stored, and not handed to another cookie by a cache.
            assert_eq!(
                r.headers.get(header::CACHE_CONTROL).unwrap(),
                "no-store",
                "{uri}"
            );
            assert!(
                r.headers.get(header::ETAG).is_none()
                    && r.headers.get(header::LAST_MODIFIED).is_none()
            );
            assert!(vary(&r).contains("cookie"), "{}", vary(&r));
            // Brotli or not by Accept-Encoding: a cache must keep them apart.
            assert!(vary(&r).contains("accept-encoding"), "{}", vary(&r));
            assert_eq!(
                r.headers.get(header::CONTENT_TYPE).unwrap(),
                "text/html; charset=utf-8"
            );
            // The same policy as the shared page: a data block is not run, so it needs no hash.
            let shared = t.get(&As::Nobody, uri).await;
            assert_eq!(
                r.headers.get(header::CONTENT_SECURITY_POLICY),
                shared.headers.get(header::CONTENT_SECURITY_POLICY)
            );
        }
        // Brotli when accepted: one stream of the compressed head and the stored rest.
        let r = navigate(&t, &dev, uri, &[("accept-encoding", "gzip, br")]).await;
        assert_eq!(r.headers.get(header::CONTENT_ENCODING).unwrap(), "br");
    }
}

#[tokio::test]
async fn the_written_answer_cannot_end_its_element() {
    let t = with_page().await;
    let dev = t.sign_in("dev@demo.test").await;
    let name = "</script><script>alert(1)</script><!-- & -->";
    sqlx::query("UPDATE users SET name = $1 WHERE email = $2")
        .bind(name)
        .bind("dev@demo.test")
        .execute(&t.state.db)
        .await
        .unwrap();
    let page = text(&navigate(&t, &dev, "/", &[("accept-encoding", "br")]).await);
    // One data block, one early script, no other script: the name is inside the JSON, escaped.
    assert_eq!(page.matches("<script").count(), 2, "{page}");
    assert_eq!(page.matches("</script>").count(), 2, "{page}");
    assert!(!page.contains("<!--"));
    assert_eq!(data_block(&page).unwrap()["user"]["name"], json!(name));
}

#[tokio::test]
async fn everything_else_gets_the_shared_page() {
    let t = with_page().await;
    let dev = t.sign_in("dev@demo.test").await;
    // A fetch (a service worker's precache, a script's fetch("/")): not a navigation.
    let fetch = Request::builder()
        .uri("/")
        .header(header::COOKIE, cookie_of(&dev))
        .header("sec-fetch-mode", "cors")
        .body(Body::empty())
        .unwrap();
    let mut cases = vec![("a fetch with the cookie", t.raw(fetch).await)];
    // A browser that sends no Sec-Fetch-Mode, with the cookie.
    cases.push(("no Sec-Fetch-Mode", t.get(&dev, "/").await));
    // Signed out, and with a cookie whose session has ended.
    cases.push(("no cookie", navigate(&t, &As::Nobody, "/", &[]).await));
    cases.push((
        "an unknown session",
        navigate(
            &t,
            &As::Cookie("appreg_session=not-a-session".into()),
            "/",
            &[],
        )
        .await,
    ));
    let ended = t.sign_in("dev@demo.test").await;
    assert_eq!(
        t.delete(&ended, "/api/v1/session").await.status,
        StatusCode::NO_CONTENT
    );
    cases.push(("an ended session", navigate(&t, &ended, "/", &[]).await));
    // An API token is no browser session.
    let r = t.post(&dev, "/api/v1/tokens", json!({"name": "CI"})).await;
    let token = r.body["token"].as_str().unwrap().to_string();
    cases.push((
        "a bearer token",
        navigate(&t, &As::Bearer(token), "/", &[]).await,
    ));
    for (what, r) in cases {
        assert_eq!(r.status, StatusCode::OK, "{what}");
        assert_eq!(text(&r), PAGE, "{what}: the shared page");
        assert_eq!(
            r.headers.get(header::CACHE_CONTROL).unwrap(),
            "no-cache",
            "{what}"
        );
        assert!(vary(&r).contains("cookie"), "{what}: {}", vary(&r));
    }
}
