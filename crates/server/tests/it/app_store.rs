//! App Store information (issue #13): only standard apps have it; red findings refuse a save, orange
//! ones a request to publish; images are judged by their bytes; approval publishes exactly the
//! requested version; who may do what.

use crate::app_store_images::{png, upload};
use crate::common::*;
use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};

pub(crate) fn store_path(app: &str) -> String {
    format!("/api/v1/applications/{app}/app-store")
}

pub(crate) async fn create(t: &TestApp, who: &As, name: &str, app_type: &str) -> String {
    let mut body = web_app(name);
    body["app_type"] = json!(app_type);
    id(&t.create(who, body).await)
}

/// A standard app of the other partner.
pub(crate) async fn create_other(t: &TestApp, who: &As, name: &str) -> String {
    let mut body = web_app(name);
    body["app_type"] = json!("standard");
    body["technical_contact"] = json!("other@demo.test");
    let r = t
        .post(who, "/api/v1/partners/other/applications", body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    id(&r.body)
}

/// Only the red (save) fields: a draft that can be saved but not published.
pub(crate) fn red_only(name: &str) -> Value {
    json!({"listing_name": name, "short_description": "Keeps your CRM in sync.", "long_description": "",
           "homepage_url": "", "support_url": "", "privacy_url": "", "terms_url": "", "support_email": ""})
}

pub(crate) fn complete(name: &str, logo: &Value, shot: &Value) -> Value {
    json!({"listing_name": name, "short_description": "Keeps your CRM in sync.",
           "long_description": "Every contact, every deal, both ways.",
           "homepage_url": "https://www.example.com/", "support_url": "https://www.example.com/support",
           "privacy_url": "https://www.example.com/privacy", "terms_url": "https://www.example.com/terms",
           "support_email": "Support@Example.com", "categories": ["sales"], "languages": ["en", "nb"],
           "logo": logo, "screenshots": [shot]})
}

/// GET, then PUT with the ETag just read.
pub(crate) async fn save(t: &TestApp, who: &As, app: &str, info: Value) -> Reply {
    let etag = t.get(who, &store_path(app)).await.headers[header::ETAG]
        .to_str()
        .unwrap()
        .to_string();
    put(t, who, app, info, Some(&etag)).await
}

pub(crate) async fn put(
    t: &TestApp,
    who: &As,
    app: &str,
    info: Value,
    etag: Option<&str>,
) -> Reply {
    let headers: Vec<(&str, &str)> = etag.map(|e| ("if-match", e)).into_iter().collect();
    t.send(who, Method::PUT, &store_path(app), Some(info), &headers)
        .await
}

fn gates(r: &Reply) -> Vec<(String, String)> {
    r.body["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().into(),
                f["gate"].as_str().unwrap().into(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_custom_app_has_no_app_store_information() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let app = create(&t, &dev, "Custom Only", "custom").await;
    let r = t.get(&dev, &store_path(&app)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.is_problem());
    assert!(r.body["detail"]
        .as_str()
        .unwrap()
        .contains("only for standard apps"));
    let r = put(&t, &dev, &app, red_only("Custom"), Some("\"as0\"")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let body = json!({"environment": "production", "message": ""});
    let r = t
        .post(&dev, &format!("{}/publish", store_path(&app)), body)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let logo = png(256, 256);
    let r = upload(&t, &dev, &app, "logo", ("logo.png", "image/png", &logo)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

#[tokio::test]
async fn red_fields_are_enough_to_save_and_orange_ones_block_publishing() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let app = create(&t, &dev, "Listed", "standard").await;
    let r = t.get(&dev, &store_path(&app)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers[header::ETAG], "\"as0\"");
    assert_eq!(
        (r.body["version"].clone(), r.body["state"].clone()),
        (json!(0), Value::Null)
    );
    assert_eq!(r.body["can_save"], false);

    // If-Match: required, and current.
    let r = put(&t, &dev, &app, red_only("Acme Sync"), None).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
    let r = put(&t, &dev, &app, red_only("Acme Sync"), Some("\"as7\"")).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);

    // Red: the listing name is required.
    let r = save(&t, &dev, &app, red_only("  ")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .field_rules()
        .contains(&("listing_name".into(), "APPSTORE-NAME".into())));

    let r = save(&t, &dev, &app, red_only("  Acme   Sync ")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers[header::ETAG], "\"as1\"");
    assert_eq!(r.body["info"]["listing_name"], "Acme Sync");
    assert_eq!(
        (r.body["version"].clone(), r.body["state"].clone()),
        (json!(1), json!("draft"))
    );
    assert_eq!(
        (r.body["can_save"].clone(), r.body["can_publish"].clone()),
        (json!(true), json!(false))
    );
    let found = gates(&r);
    assert!(found.iter().all(|(_, gate)| gate == "publish"), "{found:?}");
    for rule in [
        "APPSTORE-LONG",
        "APPSTORE-URL",
        "APPSTORE-EMAIL",
        "APPSTORE-CATEGORY",
        "APPSTORE-LANGUAGE",
        "APPSTORE-LOGO",
        "APPSTORE-SCREENSHOTS",
    ] {
        assert!(found.iter().any(|(r, _)| r == rule), "{rule}: {found:?}");
    }
    // Orange findings refuse the request to publish, listed as errors.
    let body = json!({"environment": "production", "message": ""});
    let r = t
        .post(&dev, &format!("{}/publish", store_path(&app)), body)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.rules().contains(&"APPSTORE-LOGO".to_string()),
        "{}",
        r.body
    );

    // The name is the App Store's: another partner's app cannot list under it, in any case.
    let other = t.sign_in("other@demo.test").await;
    let theirs = create_other(&t, &other, "Theirs").await;
    let r = save(&t, &other, &theirs, red_only("ACME sync")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.rules()[0], "APPSTORE-NAME-TAKEN", "{}", r.body);
    // Renaming frees the old name.
    assert_eq!(
        save(&t, &dev, &app, red_only("Acme Sync Pro")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        save(&t, &other, &theirs, red_only("ACME sync"))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn approval_publishes_exactly_the_requested_app_store_version() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let manager = t.sign_in("appmanager@demo.test").await;
    let app = create(&t, &dev, "Store Bound", "standard").await;
    let logo = upload(
        &t,
        &dev,
        &app,
        "logo",
        ("l.png", "image/png", &png(256, 256)),
    )
    .await
    .body;
    let shot = upload(
        &t,
        &dev,
        &app,
        "screenshot",
        ("s.png", "image/png", &png(640, 400)),
    )
    .await
    .body;
    let r = save(&t, &dev, &app, complete("Store Bound", &logo, &shot)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["findings"], json!([]));
    assert_eq!(r.body["can_publish"], true);
    assert_eq!(r.body["info"]["support_email"], "support@example.com");

    let publish = format!("{}/publish", store_path(&app));
    let r = t
        .post(
            &dev,
            &publish,
            json!({"environment": "stage", "message": ""}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.rules(), ["PUBLISH-ENV"]);
    let asked = t
        .post(
            &dev,
            &publish,
            json!({"environment": "production", "message": "v1 please"}),
        )
        .await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.body);
    assert_eq!(
        (asked.body["kind"].clone(), asked.body["version"].clone()),
        (json!("app-store"), json!(1))
    );
    let again = t
        .post(&dev, &publish, json!({"environment": "production"}))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let queue = t
        .get(&manager, "/api/v1/publish-requests?state=pending")
        .await;
    let mine: Vec<&Value> = queue
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["application_id"] == app.as_str())
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0]["kind"].clone(), mine[0]["environment"].clone()),
        (json!("app-store"), json!("production"))
    );

    // An edit while pending is a new draft; the request stays for version 1.
    let mut changed = complete("Store Bound", &logo, &shot);
    changed["short_description"] = json!("Changed after the request.");
    let r = save(&t, &dev, &app, changed).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.body["version"].clone(), r.body["state"].clone()),
        (json!(2), json!("draft"))
    );
    let rid = asked.body["id"].as_str().unwrap();
    let r = t
        .post(
            &manager,
            &format!("/api/v1/publish-requests/{rid}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["kind"], "app-store");
    let r = t.get(&dev, &store_path(&app)).await;
    assert_eq!(r.body["published_version"], 1);
    assert_eq!(
        (r.body["version"].clone(), r.body["state"].clone()),
        (json!(2), json!("draft"))
    );
    assert_eq!(
        r.body["info"]["short_description"],
        "Changed after the request."
    );
    // Listed only once the app's configuration is in Production too.
    assert_eq!(r.body["listed"], false);
    // The app's own configuration is untouched by the App Store decision.
    let a = t.get(&dev, &format!("/api/v1/applications/{app}")).await;
    assert_eq!(a.body["environments"]["production"], "none");
    let all = t
        .get(
            &dev,
            &format!("/api/v1/applications/{app}/publish-requests"),
        )
        .await;
    assert_eq!(all.body[0]["kind"], "app-store");
    assert_eq!(all.body[0]["state"], "published");
}

/// Uploads a logo and a screenshot and saves complete information.
async fn ready(t: &TestApp, who: &As, app: &str, name: &str) -> Reply {
    let logo = upload(t, who, app, "logo", ("l.png", "image/png", &png(256, 256))).await;
    let shot = upload(
        t,
        who,
        app,
        "screenshot",
        ("s.png", "image/png", &png(640, 400)),
    )
    .await;
    let r = save(t, who, app, complete(name, &logo.body, &shot.body)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r
}

async fn decide(t: &TestApp, manager: &As, request: &Reply, verb: &str) {
    assert_eq!(request.status, StatusCode::CREATED, "{}", request.body);
    let rid = request.body["id"].as_str().unwrap();
    let body = if verb == "reject" {
        json!({"reason": "The screenshot shows test data."})
    } else {
        json!({})
    };
    let path = format!("/api/v1/publish-requests/{rid}/{verb}");
    let r = t.post(manager, &path, body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn a_rejection_unlocks_the_version_and_the_app_is_listed_once_both_are_approved() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let manager = t.sign_in("appmanager@demo.test").await;
    let app = create(&t, &dev, "Both Ways", "standard").await;
    let saved = ready(&t, &dev, &app, "Both Ways").await;
    let publish = format!("{}/publish", store_path(&app));
    let production = json!({"environment": "production", "message": ""});
    let asked = t.post(&dev, &publish, production.clone()).await;
    // While it is pending the app cannot be deleted.
    let app_path = format!("/api/v1/applications/{app}");
    let etag = t.get(&dev, &app_path).await.headers[header::ETAG].clone();
    let etag = etag.to_str().unwrap();
    let r = t
        .send(&dev, Method::DELETE, &app_path, None, &[("if-match", etag)])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    // A PUT with the ETag from before the request is stale.
    let stale = saved.headers[header::ETAG].to_str().unwrap();
    let r = put(&t, &dev, &app, red_only("Both Ways"), Some(stale)).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);

    decide(&t, &manager, &asked, "reject").await;
    let r = t.get(&dev, &store_path(&app)).await;
    assert_eq!(
        (r.body["version"].clone(), r.body["state"].clone()),
        (json!(1), json!("rejected"))
    );
    assert_eq!(r.body["can_publish"], true);
    let mut fixed = r.body["info"].clone();
    fixed["long_description"] = json!("Fixed after the review.");
    let r = save(&t, &dev, &app, fixed).await;
    assert_eq!(
        (r.body["version"].clone(), r.body["state"].clone()),
        (json!(1), json!("draft"))
    );
    let asked = t.post(&dev, &publish, production.clone()).await;
    decide(&t, &manager, &asked, "approve").await;
    let r = t.get(&dev, &store_path(&app)).await;
    assert_eq!(r.body["published_version"], 1);
    assert_eq!(r.body["listed"], false, "the app is not in Production yet");
    assert_eq!(r.body["can_publish"], false, "published already");
    let r = t.post(&dev, &publish, production.clone()).await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // The app's configuration: Stage, then Production; then the listing is in the App Store.
    for env in ["stage", "production"] {
        let body = json!({"environment": env, "message": ""});
        let asked = t
            .post(&dev, &format!("{app_path}/publish-requests"), body)
            .await;
        decide(&t, &manager, &asked, "approve").await;
    }
    let r = t.get(&dev, &store_path(&app)).await;
    assert_eq!(r.body["listed"], true, "{}", r.body);
    // App managers read the App Store information of an app with a request, but do not change it.
    let r = t.get(&manager, &store_path(&app)).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = save(&t, &manager, &app, red_only("Manager")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}
