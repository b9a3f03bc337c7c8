//! Versions and the change log (issue #13): published snapshots never change, approval publishes exactly
//! the requested version, the lifecycle per version, the change log, and who may do what.

use crate::common::*;
use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};

pub(crate) fn app_path(id: &str) -> String {
    format!("/api/v1/applications/{id}")
}

pub(crate) async fn create(t: &TestApp, who: &As, name: &str, app_type: &str) -> String {
    let mut body = web_app(name);
    body["app_type"] = json!(app_type);
    t.create(who, body).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// PATCH with the app's current ETag.
pub(crate) async fn patch(t: &TestApp, who: &As, id: &str, body: Value) -> Reply {
    let r = t.get(who, &app_path(id)).await;
    let etag = r.headers[header::ETAG].to_str().unwrap().to_string();
    t.send(
        who,
        Method::PATCH,
        &app_path(id),
        Some(body),
        &[("if-match", etag.as_str())],
    )
    .await
}

pub(crate) async fn publish(t: &TestApp, who: &As, id: &str, n: u32, env: &str) -> Reply {
    t.post(
        who,
        &format!("{}/versions/{n}/publish", app_path(id)),
        json!({"environment": env, "message": "please"}),
    )
    .await
}

pub(crate) async fn decide(t: &TestApp, manager: &As, request: &Reply, verb: &str) -> Reply {
    assert_eq!(request.status, StatusCode::CREATED, "{}", request.body);
    let rid = request.body["id"].as_str().unwrap();
    let body = if verb == "reject" {
        json!({"reason": "Not yet"})
    } else {
        json!({})
    };
    let r = t
        .post(
            manager,
            &format!("/api/v1/publish-requests/{rid}/{verb}"),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r
}

pub(crate) async fn versions(t: &TestApp, who: &As, id: &str) -> Value {
    let r = t.get(who, &format!("{}/versions", app_path(id))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

pub(crate) async fn snapshot(t: &TestApp, who: &As, id: &str, n: u32) -> Reply {
    t.get(who, &format!("{}/versions/{n}", app_path(id))).await
}

#[tokio::test]
async fn a_new_app_has_version_1_published_to_sod_and_a_create_entry() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let id = create(&t, &dev, "Versioned", "custom").await;
    let v = versions(&t, &dev, &id).await;
    assert_eq!(
        v,
        json!([{"number": 1, "label": "Initial", "created_at": v[0]["created_at"], "created_by": "dev@demo.test",
                "sod": "published", "stage": null, "production": null, "current": true, "editable": true}])
    );
    let s = snapshot(&t, &dev, &id, 1).await;
    assert_eq!(
        s.body["config"]["redirect_urls"],
        json!(["https://app.example.com/callback"])
    );
    assert!(s.headers.get(header::CONTENT_DISPOSITION).is_none());
    let d = t
        .get(&dev, &format!("{}/versions/1?download=1", app_path(&id)))
        .await;
    assert_eq!(
        d.headers[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"{id}-v1.json\"").as_str()
    );
    assert_eq!(d.raw, s.raw);
    assert_eq!(
        snapshot(&t, &dev, &id, 2).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get(&dev, &format!("{}/versions/x", app_path(&id)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let log = t.get(&dev, &format!("{}/changes", app_path(&id))).await;
    assert_eq!(log.body.as_array().unwrap().len(), 1);
    assert_eq!(log.body[0]["action"], "create");
    assert_eq!(log.body[0]["by"], "dev@demo.test");
    assert_eq!(
        log.body[0]["snapshot_url"],
        format!(
            "/api/v1/applications/{id}/changes/{}",
            log.body[0]["id"].as_str().unwrap()
        )
    );
    assert!(log.body[0]["summary"].as_array().unwrap().contains(&json!(
        "Added redirect URL https://app.example.com/callback"
    )));
}

#[tokio::test]
async fn editing_a_version_published_to_production_edits_a_draft_and_keeps_the_snapshot() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let manager = t.sign_in("appmanager@demo.test").await;
    let id = create(&t, &dev, "Live One", "custom").await;
    // A custom app approved for Stage is in Production as well.
    decide(
        &t,
        &manager,
        &publish(&t, &dev, &id, 1, "stage").await,
        "approve",
    )
    .await;
    let app = t.get(&dev, &app_path(&id)).await;
    assert_eq!(app.body["environments"]["production"], "published");
    let v = versions(&t, &dev, &id).await;
    assert_eq!(
        (v[0]["stage"].clone(), v[0]["production"].clone()),
        (json!("published"), json!("published"))
    );
    assert_eq!(v[0]["editable"], false);
    let before = snapshot(&t, &dev, &id, 1).await.raw;
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"cors_urls": ["https://app.example.com"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body["cors_urls"],
        json!(["https://app.example.com"]),
        "the app shows the draft"
    );
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"technical_contact": "admin@demo.test"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        snapshot(&t, &dev, &id, 1).await.raw,
        before,
        "byte-identical"
    );
    let v = versions(&t, &dev, &id).await;
    assert_eq!(v.as_array().unwrap().len(), 2, "one draft for both edits");
    assert_eq!(v[0]["label"], "Draft 2");
    assert_eq!(
        (
            v[0]["sod"].clone(),
            v[0]["current"].clone(),
            v[0]["editable"].clone()
        ),
        (json!("draft"), json!(true), json!(true))
    );
    let draft = snapshot(&t, &dev, &id, 2).await.body;
    assert_eq!(
        draft["config"]["cors_urls"],
        json!(["https://app.example.com"])
    );
    assert_eq!(draft["config"]["technical_contact"], "admin@demo.test");
    // A save that changes nothing adds nothing.
    let log_len = |b: &Value| b.as_array().unwrap().len();
    let n = log_len(
        &t.get(&dev, &format!("{}/changes", app_path(&id)))
            .await
            .body,
    );
    assert_eq!(patch(&t, &dev, &id, json!({})).await.status, StatusCode::OK);
    assert_eq!(
        log_len(
            &t.get(&dev, &format!("{}/changes", app_path(&id)))
                .await
                .body
        ),
        n
    );
}

#[tokio::test]
async fn approval_publishes_the_requested_version_not_a_later_draft() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let manager = t.sign_in("appmanager@demo.test").await;
    let id = create(&t, &dev, "Exactly This", "standard").await;
    let request = publish(&t, &dev, &id, 1, "stage").await;
    assert_eq!(request.body["version"], 1);
    // Locked while pending: PATCH is refused, a new version is the way to keep working.
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"cors_urls": ["https://x.example.com"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = t
        .post(
            &dev,
            &format!("{}/versions", app_path(&id)),
            json!({"label": "  Next release "}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        (r.body["number"].clone(), r.body["label"].clone()),
        (json!(2), json!("Next release"))
    );
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"redirect_urls": ["https://changed.example.com/cb"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v1 = snapshot(&t, &dev, &id, 1).await.raw;
    decide(&t, &manager, &request, "approve").await;
    let v = versions(&t, &dev, &id).await;
    assert_eq!(v[1]["stage"], "published", "version 1 is published");
    assert_eq!(v[0]["stage"], Value::Null, "the draft is not");
    assert_eq!(
        v[1]["production"],
        Value::Null,
        "a standard app is not in Production yet"
    );
    assert_eq!(snapshot(&t, &dev, &id, 1).await.raw, v1);
    // Publishing version 2 to SOD (self-service) takes SOD from version 1.
    let r = publish(&t, &dev, &id, 2, "sod").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["sod"], "published");
    assert_eq!(
        publish(&t, &dev, &id, 2, "sod").await.status,
        StatusCode::CONFLICT
    );
    let v = versions(&t, &dev, &id).await;
    assert_eq!(v[1]["sod"], Value::Null);
    // A standard app: Production only for a version published to Stage; version 2 goes to Stage first.
    assert_eq!(
        publish(&t, &dev, &id, 2, "production").await.status,
        StatusCode::CONFLICT
    );
    decide(
        &t,
        &manager,
        &publish(&t, &dev, &id, 2, "stage").await,
        "approve",
    )
    .await;
    let v = versions(&t, &dev, &id).await;
    assert_eq!(
        (v[0]["stage"].clone(), v[1]["stage"].clone()),
        (json!("published"), Value::Null)
    );
    decide(
        &t,
        &manager,
        &publish(&t, &dev, &id, 2, "production").await,
        "approve",
    )
    .await;
    assert_eq!(versions(&t, &dev, &id).await[0]["production"], "published");
}

#[tokio::test]
async fn a_standard_app_requests_stage_before_production() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let id = create(&t, &dev, "Standard", "standard").await;
    let r = publish(&t, &dev, &id, 1, "production").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.is_problem());
    let r = t
        .post(
            &dev,
            &format!("{}/publish-requests", app_path(&id)),
            json!({"environment": "production"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        publish(&t, &dev, &id, 7, "stage").await.status,
        StatusCode::NOT_FOUND
    );
    let r = publish(&t, &dev, &id, 1, "stage").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        publish(&t, &dev, &id, 1, "stage").await.status,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn a_url_change_on_a_standard_app_in_stage_lands_in_a_draft_that_needs_approval() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let manager = t.sign_in("appmanager@demo.test").await;
    let id = create(&t, &dev, "Whitelisted", "standard").await;
    decide(
        &t,
        &manager,
        &publish(&t, &dev, &id, 1, "stage").await,
        "approve",
    )
    .await;
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"redirect_urls": ["https://new.example.com/cb"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let stage = snapshot(&t, &dev, &id, 1).await.body;
    assert_eq!(
        stage["config"]["redirect_urls"],
        json!(["https://app.example.com/callback"])
    );
    let v = versions(&t, &dev, &id).await;
    assert_eq!(
        (v[0]["number"].clone(), v[0]["stage"].clone()),
        (json!(2), Value::Null)
    );
    // Requested through the existing endpoint (the current version), rejected, then fixed and approved.
    let request = t
        .post(
            &dev,
            &format!("{}/publish-requests", app_path(&id)),
            json!({"environment": "stage"}),
        )
        .await;
    assert_eq!(request.body["version"], 2);
    decide(&t, &manager, &request, "reject").await;
    let v = versions(&t, &dev, &id).await;
    assert_eq!(
        (v[0]["stage"].clone(), v[0]["editable"].clone()),
        (json!("rejected"), json!(true))
    );
    assert_eq!(
        v[1]["stage"], "published",
        "version 1 is still live in Stage"
    );
    assert_eq!(
        t.get(&dev, &app_path(&id)).await.body["environments"]["stage"],
        "published"
    );
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"cors_urls": ["https://new.example.com"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        versions(&t, &dev, &id).await.as_array().unwrap().len(),
        2,
        "fixed in place"
    );
    decide(
        &t,
        &manager,
        &publish(&t, &dev, &id, 2, "stage").await,
        "approve",
    )
    .await;
    let v = versions(&t, &dev, &id).await;
    assert_eq!(
        (v[0]["stage"].clone(), v[1]["stage"].clone()),
        (json!("published"), Value::Null)
    );
}
