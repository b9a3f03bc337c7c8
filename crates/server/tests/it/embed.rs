//! Embedding from other origins: `--embed-origin`, CORS for the listed origins only (never with
//! credentials), bearer tokens from browsers, `frame-ancestors`, and the generated `/sw.js` and
//! `/embed.js`.

use crate::common::*;
use appreg_server::build::{EMBED_TEMPLATE, PLACEHOLDER, SW_TEMPLATE};
use appreg_server::{app, Config, ServeOptions};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};

const LISTED: &str = "https://host.example.com";
const LISTED_LOCAL: &str = "http://localhost:8081";
const UNLISTED: &str = "https://evil.example";

/// A Trunk-shaped `index.html` naming the files `test_app_with` writes (and the two written here).
const INDEX: &str = r#"<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Register an app · Developer Portal</title>
    <link rel="stylesheet" href="/main-0123456789abcdef.css" integrity="sha384-abc"/>
<script type="module">
import init, * as bindings from '/appreg-web-0123456789abcdef.js';
const wasm = await init({ module_or_path: '/appreg-web-0123456789abcdef_bg.wasm' });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent("TrunkApplicationStarted", {detail: {wasm}}));
</script>
  <link rel="modulepreload" href="/appreg-web-0123456789abcdef.js" crossorigin="anonymous" integrity="sha384-def"><link rel="preload" href="/appreg-web-0123456789abcdef_bg.wasm" crossorigin="anonymous" integrity="sha384-ghi" as="fetch" type="application/wasm"></head>
  <body></body>
</html>"#;

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

fn hdr<'a>(r: &'a Reply, name: &str) -> &'a str {
    r.headers.get(name).map_or("", |v| v.to_str().unwrap_or(""))
}

fn access_control_headers(r: &Reply) -> Vec<String> {
    r.headers
        .keys()
        .map(|k| k.as_str().to_string())
        .filter(|k| k.starts_with("access-control-"))
        .collect()
}

fn varies_by(r: &Reply, token: &str) -> bool {
    r.headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// An app with the two embed origins and a built SPA (index, JS, wasm, CSS).
async fn embedding_app(configure: impl FnOnce(&mut Config)) -> TestApp {
    test_app_with(|cfg| {
        cfg.embed_origins = vec![LISTED.into(), LISTED_LOCAL.into()];
        std::fs::write(cfg.static_dir.join("index.html"), INDEX).unwrap();
        std::fs::write(
            cfg.static_dir.join("appreg-web-0123456789abcdef_bg.wasm"),
            b"\0asm wasm v1",
        )
        .unwrap();
        std::fs::write(
            cfg.static_dir.join("main-0123456789abcdef.css"),
            "body{margin:0}",
        )
        .unwrap();
        configure(cfg);
    })
    .await
}

async fn request(t: &TestApp, method: Method, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut b = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    t.raw(b.body(Body::empty()).unwrap()).await
}

async fn preflight(t: &TestApp, path: &str, origin: &str) -> Reply {
    request(
        t,
        Method::OPTIONS,
        path,
        &[
            ("origin", origin),
            ("access-control-request-method", "POST"),
            (
                "access-control-request-headers",
                "authorization, content-type",
            ),
        ],
    )
    .await
}

#[test]
fn embed_origins_are_parsed_strictly_and_copied_into_the_config() {
    let o = ServeOptions::parse(&args(&[
        "--embed-origin",
        "https://Host.Example.com/",
        "--embed-origin",
        "http://localhost:8081",
        "--embed-origin",
        "https://host.example.com:443",
        "--embed-origin",
        "http://[::1]:3000",
    ]))
    .unwrap();
    assert_eq!(
        o.embed_origins,
        [
            "https://host.example.com",
            "http://localhost:8081",
            "http://[::1]:3000"
        ]
    );
    let mut cfg = Config::new("dist".into());
    assert!(cfg.embed_origins.is_empty());
    o.configure(&mut cfg);
    assert_eq!(cfg.embed_origins, o.embed_origins);
    assert!(ServeOptions::parse(&[]).unwrap().embed_origins.is_empty());
    for bad in [
        "host.example.com",
        "https://",
        "https://*.example.com",
        "*",
        "https://host.example.com/embed",
        "https://host.example.com//",
        "https://host.example.com?a=1",
        "https://host.example.com#x",
        "https://host.example.com:99999",
        "https://user@host.example.com",
        "https://host example.com",
        " https://host.example.com",
        "https://host.example.com\t",
        "https://host.example.com\u{7f}",
        "ftp://host.example.com",
        "null",
    ] {
        let e = ServeOptions::parse(&args(&["--embed-origin", bad])).unwrap_err();
        assert_eq!(
            e,
            format!("--embed-origin: {bad:?} is not an origin like https://portal.example.com"),
        );
    }
    assert_eq!(
        ServeOptions::parse(&args(&["--embed-origin"])).unwrap_err(),
        "--embed-origin needs a value"
    );
}

#[tokio::test]
async fn preflights_from_listed_origins_get_204_and_others_403() {
    let t = embedding_app(|_| {}).await;
    for (path, origin) in [
        ("/api/v1/partners/demo/applications", LISTED),
        ("/api/v1/me", LISTED_LOCAL),
        ("/embed.js", LISTED),
        ("/appreg-web-0123456789abcdef_bg.wasm", LISTED),
    ] {
        let r = preflight(&t, path, origin).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{path}");
        assert!(r.raw.is_empty(), "{path}");
        assert_eq!(hdr(&r, "access-control-allow-origin"), origin, "{path}");
        assert_eq!(
            hdr(&r, "access-control-allow-methods"),
            "GET, POST, PUT, PATCH, DELETE"
        );
        assert_eq!(
            hdr(&r, "access-control-allow-headers"),
            "authorization, content-type, idempotency-key, if-match, if-none-match"
        );
        assert!(!hdr(&r, "access-control-allow-headers").contains("x-requested-with"));
        assert_eq!(hdr(&r, "access-control-max-age"), "600");
        assert!(varies_by(&r, "origin"), "{path}");
        assert!(r.headers.get("access-control-allow-credentials").is_none());
        assert!(r.headers.get("access-control-expose-headers").is_none());
        // The preflight never reaches a handler, and still carries the security headers.
        assert!(r.headers.get(header::CONTENT_TYPE).is_none(), "{path}");
        assert!(hdr(&r, "content-security-policy").contains("default-src 'self'"));
        assert_eq!(hdr(&r, "x-content-type-options"), "nosniff");
        assert_eq!(
            access_control_headers(&r).len(),
            4,
            "{path}: {:?}",
            r.headers
        );
    }
    for origin in [UNLISTED, "null", "https://host.example.com.evil.example"] {
        let r = preflight(&t, "/api/v1/partners/demo/applications", origin).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{origin}");
        assert!(r.is_problem(), "{origin}: {:?}", r.headers);
        assert_eq!(
            r.body["detail"],
            format!(
                "The origin {origin} is not allowed to call this portal; its operator adds it with \
                 `appreg serve --embed-origin {origin}`."
            )
        );
        assert!(
            access_control_headers(&r).is_empty(),
            "{origin}: {:?}",
            r.headers
        );
    }
    // Without embed origins nothing changes: the API answers OPTIONS as before, with no CORS header.
    let plain = test_app().await;
    let r = preflight(&plain, "/api/v1/me", LISTED).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(access_control_headers(&r).is_empty());
    assert!(!varies_by(&r, "origin"));
}

#[tokio::test]
async fn bearer_tokens_from_browsers_need_a_listed_or_the_portals_own_origin() {
    let t = embedding_app(|cfg| cfg.public_url = Some("https://portal.example.com".into())).await;
    let dev = t.sign_in("dev@demo.test").await;
    let r = t
        .post(&dev, "/api/v1/tokens", json!({"name": "embed"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let bearer = As::Bearer(r.body["token"].as_str().unwrap().to_string());
    let me = |headers: &'static [(&'static str, &'static str)]| {
        let t = t.clone();
        let bearer = bearer.clone();
        async move {
            t.send(&bearer, Method::GET, "/api/v1/me", None, headers)
                .await
        }
    };

    // A listed origin: the answer, readable by its script, with the headers it needs.
    let r = me(&[("origin", LISTED)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["user"]["email"], "dev@demo.test");
    assert_eq!(hdr(&r, "access-control-allow-origin"), LISTED);
    assert_eq!(
        hdr(&r, "access-control-expose-headers"),
        "etag, location, retry-after, x-request-id"
    );
    assert!(varies_by(&r, "origin"));
    assert!(r.headers.get("access-control-allow-credentials").is_none());
    assert_eq!(hdr(&r, "cache-control"), "no-store");

    // Any other site: refused before the token is looked at, and nothing for its script to read.
    let r = me(&[("origin", UNLISTED)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.is_problem());
    let detail = r.body["detail"].as_str().unwrap();
    assert!(
        detail.contains(UNLISTED) && detail.contains(&format!("--embed-origin {UNLISTED}")),
        "{detail}"
    );
    assert!(access_control_headers(&r).is_empty(), "{:?}", r.headers);
    let r = t
        .send(
            &As::Bearer("appreg_not-a-token".into()),
            Method::GET,
            "/api/v1/me",
            None,
            &[("origin", UNLISTED)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // No Origin (the CLI, curl, CI): as before.
    let r = me(&[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(access_control_headers(&r).is_empty());

    // The portal's own pages: Origin is the request's host, or the public URL's origin.
    for headers in [
        &[
            ("origin", "http://portal.test:8080"),
            ("host", "portal.test:8080"),
        ][..],
        &[
            ("origin", "https://portal.test"),
            ("host", "portal.test:443"),
        ][..],
        &[
            ("origin", "https://portal.example.com"),
            ("host", "10.0.0.5:8080"),
        ][..],
    ] {
        let r = t
            .send(&bearer, Method::GET, "/api/v1/me", None, headers)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{headers:?}: {}", r.body);
        assert!(access_control_headers(&r).is_empty(), "{headers:?}");
    }
    for headers in [
        &[
            ("origin", "http://portal.test:8081"),
            ("host", "portal.test:8080"),
        ][..],
        &[("origin", "http://evil.example"), ("host", "portal.test")][..],
        &[("origin", "null"), ("host", "portal.test")][..],
    ] {
        let r = t
            .send(&bearer, Method::GET, "/api/v1/me", None, headers)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{headers:?}");
    }

    // A listed origin may write with a write token (the CORS answer carries the Location header name).
    let r = t
        .send(
            &bearer,
            Method::POST,
            "/api/v1/partners/demo/applications",
            Some(web_app("Embedded create")),
            &[("origin", LISTED)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(hdr(&r, "access-control-allow-origin"), LISTED);

    // Cookie callers are unchanged: the session works from its own pages, whatever Origin says.
    let r = t
        .send(
            &dev,
            Method::GET,
            "/api/v1/me",
            None,
            &[("origin", UNLISTED)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(access_control_headers(&r).is_empty());
}

/// The JSON that replaced the placeholder of `template` in a served script.
fn build_of(r: &Reply, template: &str) -> Value {
    let body = String::from_utf8(r.raw.clone()).unwrap();
    let at = template
        .find(PLACEHOLDER)
        .expect("the template has the placeholder");
    let (before, after) = (&template[..at], &template[at + PLACEHOLDER.len()..]);
    assert!(body.starts_with(before) && body.ends_with(after), "{body}");
    let json = &body[before.len()..body.len() - after.len()];
    assert!(!json.contains("__APPREG_BUILD__"));
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

#[tokio::test]
async fn sw_js_and_embed_js_carry_the_current_build() {
    let t = embedding_app(|_| {}).await;
    let sw = t.get(&As::Nobody, "/sw.js").await;
    assert_eq!(sw.status, StatusCode::OK);
    assert_eq!(hdr(&sw, "content-type"), "text/javascript; charset=utf-8");
    assert_eq!(hdr(&sw, "cache-control"), "no-cache");
    assert!(hdr(&sw, "content-security-policy").contains("default-src 'self'"));
    assert_eq!(hdr(&sw, "x-content-type-options"), "nosniff");
    assert!(sw.headers.get("service-worker-allowed").is_none());
    let embed = t.get(&As::Nobody, "/embed.js").await;
    assert_eq!(embed.status, StatusCode::OK);
    assert_eq!(
        hdr(&embed, "content-type"),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(hdr(&embed, "cache-control"), "public, max-age=60");
    assert!(hdr(&embed, "content-security-policy").contains("default-src 'self'"));

    let build = build_of(&sw, SW_TEMPLATE);
    assert_eq!(build, build_of(&embed, EMBED_TEMPLATE));
    assert_eq!(
        build["files"],
        json!([
            "/",
            "/main-0123456789abcdef.css",
            "/appreg-web-0123456789abcdef.js",
            "/appreg-web-0123456789abcdef_bg.wasm"
        ])
    );
    assert_eq!(build["js"], "/appreg-web-0123456789abcdef.js");
    assert_eq!(build["wasm"], "/appreg-web-0123456789abcdef_bg.wasm");
    assert_eq!(build["css"], "/main-0123456789abcdef.css");
    let id = build["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 16);
    assert!(id
        .bytes()
        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
    // Every file the scripts name is served.
    for f in build["files"].as_array().unwrap() {
        let r = t.get(&As::Nobody, f.as_str().unwrap()).await;
        assert_eq!(r.status, StatusCode::OK, "{f}");
    }

    // The same bytes are the same build; a new wasm file is a new one (read when the router is built).
    let id_of = |t: &TestApp| {
        let router = app(t.state.clone());
        let t = TestApp {
            router,
            ..t.clone()
        };
        async move {
            let r = t.get(&As::Nobody, "/sw.js").await;
            build_of(&r, SW_TEMPLATE)["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    assert_eq!(id_of(&t).await, id);
    std::fs::write(
        t.dir.join("static/appreg-web-0123456789abcdef_bg.wasm"),
        b"\0asm wasm v2",
    )
    .unwrap();
    let id2 = id_of(&t).await;
    assert_ne!(id2, id);
    std::fs::write(
        t.dir.join("static/index.html"),
        INDEX.replace("<body>", "<body> "),
    )
    .unwrap();
    assert_ne!(id_of(&t).await, id2);

    // Without index.html there is no build: both are 404.
    let none = test_app_with(|cfg| cfg.static_dir = cfg.static_dir.join("missing")).await;
    for path in ["/sw.js", "/embed.js"] {
        let r = none.get(&As::Nobody, path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn scripts_and_built_files_are_shared_with_listed_origins_only() {
    let t = embedding_app(|_| {}).await;
    let hashed = "/appreg-web-0123456789abcdef.js";
    for path in ["/embed.js", "/sw.js", hashed, "/", "/api/v1/templates"] {
        let r = request(&t, Method::GET, path, &[("origin", LISTED)]).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(hdr(&r, "access-control-allow-origin"), LISTED, "{path}");
        assert!(r.headers.get("access-control-allow-credentials").is_none());
        assert!(varies_by(&r, "origin"), "{path}");
        // Only the API exposes its response headers.
        assert_eq!(
            r.headers.contains_key("access-control-expose-headers"),
            path.starts_with("/api/"),
            "{path}"
        );
        for origin in [UNLISTED, "null"] {
            let r = request(&t, Method::GET, path, &[("origin", origin)]).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            assert!(access_control_headers(&r).is_empty(), "{path} {origin}");
        }
        let r = request(&t, Method::GET, path, &[]).await;
        assert!(access_control_headers(&r).is_empty(), "{path}");
    }
    // The precompressed file keeps its Vary: accept-encoding and its caching; Origin is added.
    let r = request(
        &t,
        Method::GET,
        hashed,
        &[("origin", LISTED), ("accept-encoding", "gzip, br")],
    )
    .await;
    assert_eq!(hdr(&r, "content-encoding"), "br");
    assert_eq!(r.raw, b"precompressed-br");
    assert!(varies_by(&r, "accept-encoding"), "{:?}", r.headers);
    assert!(varies_by(&r, "origin"), "{:?}", r.headers);
    assert_eq!(r.headers.get_all(header::VARY).iter().count(), 1);
    assert_eq!(hdr(&r, "access-control-allow-origin"), LISTED);
    assert_eq!(
        hdr(&r, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    // The generated scripts keep their own caching, compressed or not.
    for (path, cache) in [("/sw.js", "no-cache"), ("/embed.js", "public, max-age=60")] {
        let r = request(
            &t,
            Method::GET,
            path,
            &[("origin", LISTED), ("accept-encoding", "gzip")],
        )
        .await;
        assert_eq!(hdr(&r, "cache-control"), cache, "{path}");
        assert_eq!(hdr(&r, "access-control-allow-origin"), LISTED, "{path}");
    }
}

#[tokio::test]
async fn embed_origins_may_frame_the_pages_and_x_frame_options_is_left_out() {
    let opts = ServeOptions::parse(&args(&[
        "--embed-origin",
        LISTED,
        "--embed-origin",
        LISTED_LOCAL,
    ]))
    .unwrap();
    let t = test_app_with(|cfg| opts.configure(cfg)).await;
    for path in ["/", "/api/v1/templates", "/embed.js"] {
        let r = t.get(&As::Nobody, path).await;
        let csp = hdr(&r, "content-security-policy");
        assert!(
            csp.ends_with(&format!("frame-ancestors {LISTED} {LISTED_LOCAL}")),
            "{path}: {csp}"
        );
        assert!(!csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(r.headers.get("x-frame-options").is_none(), "{path}");
    }
    let opts = ServeOptions::parse(&args(&[
        "--frame-ancestors",
        "'self'",
        "--embed-origin",
        LISTED,
    ]))
    .unwrap();
    let t = test_app_with(|cfg| opts.configure(cfg)).await;
    let r = t.get(&As::Nobody, "/").await;
    assert!(
        hdr(&r, "content-security-policy").ends_with(&format!("frame-ancestors 'self' {LISTED}"))
    );
    assert!(r.headers.get("x-frame-options").is_none());
    // Without embed origins: as before.
    let t = test_app().await;
    let r = t.get(&As::Nobody, "/").await;
    assert!(hdr(&r, "content-security-policy").ends_with("frame-ancestors 'none'"));
    assert_eq!(hdr(&r, "x-frame-options"), "DENY");
}
