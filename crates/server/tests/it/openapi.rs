//! The OpenAPI document against the router: the same operations both ways, and what the document says
//! about errors, security and headers.

use crate::common::*;
use appreg_server::openapi::BASE;
use appreg_server::AppState;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use std::collections::BTreeSet;
use tower::ServiceExt;

/// Every path the API router has, read from its `Debug` form (axum lists each route's path there), from
/// its path router only (not the fallbacks). An empty result means the form changed: the test then fails.
fn router_paths(router: &Router<AppState>) -> BTreeSet<String> {
    let debug = format!("{router:?}");
    let routes = debug
        .split_once("path_router:")
        .and_then(|(_, rest)| rest.split_once("fallback_router:"))
        .map_or("", |(routes, _)| routes);
    let mut paths = BTreeSet::new();
    for piece in routes.split('"').skip(1).step_by(2) {
        if piece.starts_with('/') && !piece.contains("__private__") {
            paths.insert(piece.to_string());
        }
    }
    paths
}

/// Every (method, path) of the document, paths relative to `/api/v1`.
fn document_operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let rel = path
            .strip_prefix(BASE)
            .expect("every path is under /api/v1");
        for method in item.as_object().expect("path item").keys() {
            if [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ]
            .contains(&method.as_str())
            {
                ops.insert((method.to_uppercase(), rel.to_string()));
            }
        }
    }
    ops
}

/// Which methods each path answers: anything but 405 reached a handler (HEAD follows GET in axum).
async fn routed_operations(
    router: Router<AppState>,
    state: &AppState,
    paths: &BTreeSet<String>,
) -> BTreeSet<(String, String)> {
    let router = router.with_state(state.clone());
    let mut routed = BTreeSet::new();
    for path in paths {
        let concrete: String = path
            .split('/')
            .map(|seg| if seg.starts_with('{') { "x" } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
            Method::TRACE,
        ] {
            let req = Request::builder()
                .method(method.clone())
                .uri(&concrete)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let res = router.clone().oneshot(req).await.unwrap();
            if res.status() != StatusCode::METHOD_NOT_ALLOWED {
                routed.insert((method.as_str().to_string(), path.clone()));
            }
        }
    }
    routed
}

#[tokio::test]
async fn openapi_document_and_router_have_the_same_operations() {
    let t = test_app().await;
    let doc = appreg_server::openapi::build();
    let documented = document_operations(&doc);
    let paths = router_paths(&appreg_server::api_router());
    assert!(
        paths.len() > 10,
        "the router's paths could not be read: {paths:?}"
    );
    let documented_paths: BTreeSet<String> = documented.iter().map(|(_, p)| p.clone()).collect();
    assert_eq!(paths, documented_paths, "router paths vs document paths");
    let routed = routed_operations(appreg_server::api_router(), &t.state, &paths).await;
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routes the document lacks: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "documented operations without a route: {unrouted:?}"
    );

    // The comparison sees a route added beside the document: a new path, and a new method on a path.
    use axum::routing::{get, post};
    let extra = appreg_server::api_router()
        .route("/undocumented", get(|| async { "x" }))
        .route("/templates", post(|| async { "x" }));
    let extra_paths = router_paths(&extra);
    assert!(extra_paths.contains("/undocumented"));
    let extra_routed = routed_operations(extra, &t.state, &paths).await;
    assert!(extra_routed.contains(&("POST".to_string(), "/templates".to_string())));
}

#[tokio::test]
async fn openapi_errors_are_problems_and_operations_say_how_to_authenticate() {
    let t = test_app().await;
    let r = t.get(&As::Nobody, "/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.body;
    assert_eq!(doc["openapi"], "3.1.0");
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["csrf"]["name"], "X-Requested-With");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("500"), "{method} {path}: no 500");
            for (status, res) in responses {
                if status.as_str() >= "400" {
                    assert_eq!(
                        res["content"]["application/problem+json"]["schema"]["$ref"],
                        "#/components/schemas/Problem",
                        "{method} {path} {status}"
                    );
                }
            }
            if op.get("requestBody").is_some() {
                for s in ["400", "413", "415", "422"] {
                    assert!(responses.contains_key(s), "{method} {path}: no {s}");
                }
            }
            let public = matches!(
                (method.as_str(), path.as_str()),
                ("post", "/api/v1/session")
                    | ("get", "/api/v1/templates")
                    | ("get", "/api/v1/openapi.json")
                    | ("get", "/api/v1/unsubscribe")
                    | ("post", "/api/v1/unsubscribe")
            );
            assert_eq!(
                op.get("security").is_none(),
                public,
                "{method} {path}: security"
            );
            if !public {
                assert!(responses.contains_key("401"), "{method} {path}: no 401");
            }
        }
    }
    let create = &doc["paths"]["/api/v1/partners/{partner}/applications"]["post"];
    assert!(create["responses"]["201"]["headers"]["ETag"].is_object());
    assert!(create["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"));
    let patch = &doc["paths"]["/api/v1/applications/{app}"]["patch"];
    assert!(patch["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "If-Match" && p["required"] == true));
    for s in ["412", "428"] {
        assert!(patch["responses"][s].is_object());
    }
    let rule = &doc["components"]["schemas"]["Rule"]["enum"];
    assert!(rule.as_array().unwrap().iter().any(|r| r == "RU-FRAGMENT"));
}
