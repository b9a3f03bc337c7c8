//! The change log of issue #13 (an entry per save, with the diff and its words), version labels, and
//! who may see and change versions.

use crate::common::*;
use crate::versions::{app_path, create, decide, patch, publish};
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_change_log_has_an_entry_per_save_with_the_diff() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let manager = t.sign_in("appmanager@demo.test").await;
    let id = create(&t, &dev, "Logged", "custom").await;
    let r = patch(&t, &dev, &id, json!({"redirect_urls": ["https://b.example.com/cb"], "technical_contact": "admin@demo.test"})).await;
    assert_eq!(r.status, StatusCode::OK);
    decide(
        &t,
        &manager,
        &publish(&t, &dev, &id, 1, "stage").await,
        "reject",
    )
    .await;
    let r = t
        .post(
            &dev,
            &format!("{}/versions", app_path(&id)),
            json!({"label": "Second"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(
        publish(&t, &dev, &id, 2, "sod").await.status,
        StatusCode::OK
    );
    let log = t
        .get(&dev, &format!("{}/changes", app_path(&id)))
        .await
        .body;
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "publish",
            "new-version",
            "reject",
            "request",
            "edit",
            "create"
        ]
    );
    let edit = &log[4];
    assert_eq!(edit["version"], 1);
    assert_eq!(edit["by"], "dev@demo.test");
    assert_eq!(
        edit["changes"],
        json!([
            {"field": "redirect_urls", "added": ["https://b.example.com/cb"], "removed": ["https://app.example.com/callback"], "before": null, "after": null},
            {"field": "technical_contact", "added": [], "removed": [], "before": "dev@demo.test", "after": "admin@demo.test"}
        ])
    );
    assert_eq!(
        edit["summary"],
        json!([
            "Added redirect URL https://b.example.com/cb",
            "Removed redirect URL https://app.example.com/callback",
            "Technical contact: dev@demo.test → admin@demo.test"
        ])
    );
    assert_eq!(log[2]["by"], "appmanager@demo.test");
    assert!(log[2]["summary"]
        .as_array()
        .unwrap()
        .contains(&json!("Not yet")));
    assert_eq!(
        log[0]["snapshot_url"],
        format!(
            "/api/v1/applications/{id}/changes/{}",
            log[0]["id"].as_str().unwrap()
        )
    );
}

#[tokio::test]
async fn each_entry_keeps_the_snapshot_it_left_even_when_its_draft_changes_later() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let other = t.sign_in("other@demo.test").await;
    let id = create(&t, &dev, "Snapshots", "custom").await;
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"redirect_urls": ["https://first.example.com/cb"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"redirect_urls": ["https://second.example.com/cb"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let log = t
        .get(&dev, &format!("{}/changes", app_path(&id)))
        .await
        .body;
    // Both edits are of version 1 (a draft in SOD); each entry's snapshot is the one it left.
    let (second, first) = (&log[0], &log[1]);
    assert_eq!(
        (first["action"].clone(), second["action"].clone()),
        (json!("edit"), json!("edit"))
    );
    let path = |e: &serde_json::Value| e["snapshot_url"].as_str().unwrap().to_string();
    let old = t.get(&dev, &path(first)).await;
    assert_eq!(old.status, StatusCode::OK);
    assert_eq!(
        old.body["config"]["redirect_urls"],
        json!(["https://first.example.com/cb"])
    );
    assert_eq!(old.body["number"], 1);
    let new = t.get(&dev, &path(second)).await;
    assert_eq!(
        new.body["config"]["redirect_urls"],
        json!(["https://second.example.com/cb"])
    );
    // Another partner's user gets 404, as for every other part of the app.
    assert_eq!(
        t.get(&other, &path(first)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get(&dev, &format!("{}/changes/no-such-entry", app_path(&id)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn labels_roles_and_partners() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let marketing = t.sign_in("marketing@demo.test").await;
    let other = t.sign_in("other@demo.test").await;
    let id = create(&t, &dev, "Guarded", "custom").await;
    let path = format!("{}/versions", app_path(&id));
    for bad in ["", "   ", &"x".repeat(81), "Tab\there"] {
        let r = t.post(&dev, &path, json!({"label": bad})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        assert_eq!(
            r.field_rules(),
            [("label".to_string(), "VERSION-LABEL".to_string())]
        );
    }
    let r = t.post(&dev, &path, json!({"label": "x".repeat(80)})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // The new draft was never published: no second draft on top of it.
    let r = t.post(&dev, &path, json!({"label": "Third"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // Marketing reads, never writes; another partner sees nothing.
    assert_eq!(t.get(&marketing, &path).await.status, StatusCode::OK);
    assert_eq!(
        t.get(&marketing, &format!("{}/changes", app_path(&id)))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        t.post(&marketing, &path, json!({"label": "M"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        publish(&t, &marketing, &id, 2, "sod").await.status,
        StatusCode::FORBIDDEN
    );
    for p in [
        path.clone(),
        format!("{path}/1"),
        format!("{}/changes", app_path(&id)),
    ] {
        assert_eq!(t.get(&other, &p).await.status, StatusCode::NOT_FOUND, "{p}");
    }
    assert_eq!(
        t.post(&other, &path, json!({"label": "O"})).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        publish(&t, &other, &id, 2, "sod").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn stage_and_production_may_have_their_own_urls_in_the_version() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let id = create(&t, &dev, "Per Environment", "custom").await;
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"environment_urls": {"production": {"redirect_urls": ["https://prod.example.com/cb#no"], "cors_urls": []}}}),
    )
    .await;
    assert_eq!(
        r.field_rules(),
        [(
            "environment_urls.production.redirect_urls[0]".to_string(),
            "RU-FRAGMENT".to_string()
        )]
    );
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"environment_urls": {"stage": null, "production": {"redirect_urls": ["https://Prod.example.com/cb"], "cors_urls": ["https://prod.example.com"]}}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.get("environment_urls").is_none(),
        "kept in the version, not on the app"
    );
    let v = t
        .get(&dev, &format!("{}/versions/1", app_path(&id)))
        .await
        .body;
    assert_eq!(
        v["config"]["environment_urls"],
        json!({"stage": null, "production": {"redirect_urls": ["https://prod.example.com/cb"], "cors_urls": ["https://prod.example.com"]}})
    );
    let log = t
        .get(&dev, &format!("{}/changes", app_path(&id)))
        .await
        .body;
    assert!(log[0]["summary"].as_array().unwrap().contains(&json!(
        "Added Production redirect URL https://prod.example.com/cb"
    )));
    // A later patch without environment_urls keeps them.
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"cors_urls": ["https://app.example.com"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let v = t
        .get(&dev, &format!("{}/versions/1", app_path(&id)))
        .await
        .body;
    assert!(v["config"]["environment_urls"]["production"].is_object());
}

#[tokio::test]
async fn an_app_from_before_versions_gets_version_1_from_its_configuration() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let manager = t.sign_in("appmanager@demo.test").await;
    let id = create(&t, &dev, "Old Timer", "custom").await;
    let request = t
        .post(
            &dev,
            &format!("{}/publish-requests", app_path(&id)),
            json!({"environment": "stage"}),
        )
        .await;
    // As before migration 0007: no versions, no change log, a request without a version.
    for sql in [
        "DELETE FROM versions WHERE application_id = $1",
        "DELETE FROM change_log WHERE application_id = $1",
        "UPDATE publish_requests SET version = NULL WHERE application_id = $1",
    ] {
        sqlx::query(sql)
            .bind(&id)
            .execute(&t.state.db)
            .await
            .unwrap();
    }
    let v = t
        .get(&dev, &format!("{}/versions", app_path(&id)))
        .await
        .body;
    assert_eq!(
        (
            v[0]["number"].clone(),
            v[0]["label"].clone(),
            v[0]["created_by"].clone()
        ),
        (json!(1), json!("Initial"), json!("dev@demo.test"))
    );
    assert_eq!(
        (v[0]["sod"].clone(), v[0]["stage"].clone()),
        (json!("published"), json!("pending"))
    );
    let r = patch(
        &t,
        &dev,
        &id,
        json!({"cors_urls": ["https://app.example.com"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "locked while pending");
    decide(&t, &manager, &request, "approve").await;
    let v = t
        .get(&dev, &format!("{}/versions", app_path(&id)))
        .await
        .body;
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(
        (v[0]["stage"].clone(), v[0]["production"].clone()),
        (json!("published"), json!("published"))
    );
    let log = t
        .get(&dev, &format!("{}/changes", app_path(&id)))
        .await
        .body;
    assert_eq!(log[0]["action"], "approve");
}
