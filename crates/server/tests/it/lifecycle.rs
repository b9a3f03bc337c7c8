//! After creation: PATCH with ETags, secrets, certificates, publish requests, the check endpoint, users.

use crate::common::*;
use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};

async fn web(t: &TestApp, who: &As) -> String {
    t.create(who, web_app("Lifecycle")).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn patch_needs_a_fresh_etag_and_validates_every_list() {
    let t = test_app().await;
    let who = t.sign_in("dev@demo.test").await;
    let id = web(&t, &who).await;
    let path = format!("/api/v1/applications/{id}");
    let body = json!({"redirect_urls": ["https://app.example.com/callback", "https://App.example.com:443/other"],
                      "cors_urls": ["https://app.example.com/"], "post_logout_urls": ["https://app.example.com/bye"]});
    let r = t
        .send(&who, Method::PATCH, &path, Some(body.clone()), &[])
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
    let r = t
        .send(
            &who,
            Method::PATCH,
            &path,
            Some(body.clone()),
            &[("if-match", "\"v1\"")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers.get(header::ETAG).unwrap(), "\"v2\"");
    assert_eq!(r.body["redirect_urls"][1], "https://app.example.com/other");
    assert_eq!(r.body["cors_urls"], json!(["https://app.example.com"]));
    assert_eq!(
        r.body["post_logout_urls"],
        json!(["https://app.example.com/bye"])
    );
    // A second tab still holding v1 gets 412, and nothing is changed.
    let r = t
        .send(
            &who,
            Method::PATCH,
            &path,
            Some(json!({"cors_urls": []})),
            &[("if-match", "\"v1\"")],
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    assert!(r.is_problem());
    assert_eq!(
        t.get(&who, &path).await.body["cors_urls"],
        json!(["https://app.example.com"])
    );
    // Invalid values: 422 with rule IDs and field paths.
    let r = t
        .send(&who, Method::PATCH, &path,
              Some(json!({"cors_urls": ["https://a.example.com", "*"], "redirect_urls": ["https://a.example.com/x", "https://A.example.com/x"]})),
              &[("if-match", "\"v2\"")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = r.field_rules();
    assert!(
        fields.contains(&("cors_urls[1]".into(), "CORS-WILDCARD".into())),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("redirect_urls[1]".into(), "RU-DUPLICATE".into())),
        "{fields:?}"
    );
    // Technical contact must be a member.
    let r = t
        .send(
            &who,
            Method::PATCH,
            &path,
            Some(json!({"technical_contact": "other@demo.test"})),
            &[("if-match", "\"v2\"")],
        )
        .await;
    assert_eq!(r.rules(), ["CONTACT-MEMBER"]);
    let r = t
        .send(
            &who,
            Method::PATCH,
            &path,
            Some(json!({"technical_contact": "admin@demo.test"})),
            &[("if-match", "\"v2\"")],
        )
        .await;
    assert_eq!(r.body["technical_contact"], "admin@demo.test");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_patches_with_one_etag_one_wins_the_rest_get_412() {
    let t = test_app().await;
    let who = t.sign_in("dev@demo.test").await;
    let id = web(&t, &who).await;
    let statuses = patches_with_one_etag(std::slice::from_ref(&t), &who, &id, 10).await;
    assert_eq!(count(&statuses, StatusCode::OK), 1, "{statuses:?}");
    assert_eq!(
        count(&statuses, StatusCode::PRECONDITION_FAILED),
        9,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn secrets_are_shown_once_and_at_most_two_live_per_environment() {
    let t = test_app().await;
    let who = t.sign_in("dev@demo.test").await;
    let id = web(&t, &who).await;
    let path = format!("/api/v1/applications/{id}/secrets");
    let a = t
        .post(
            &who,
            &path,
            json!({"environment": "sod", "description": "first"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let secret = a.body["secret"].as_str().unwrap();
    assert!(secret.len() >= 43, "256 bits, URL-safe");
    assert!(secret
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    assert_eq!(
        a.body["last4"].as_str().unwrap(),
        &secret[secret.len() - 4..]
    );
    let b = t
        .post(
            &who,
            &path,
            json!({"environment": "sod", "description": "second", "expires_in_days": 730}),
        )
        .await;
    assert_eq!(b.status, StatusCode::CREATED);
    let c = t.post(&who, &path, json!({"environment": "sod"})).await;
    assert_eq!(c.status, StatusCode::CONFLICT);
    assert!(c.body["detail"]
        .as_str()
        .unwrap()
        .contains("two live client secrets"));
    // Another environment has its own two.
    assert_eq!(
        t.post(&who, &path, json!({"environment": "stage"}))
            .await
            .status,
        StatusCode::CREATED
    );
    let list = t.get(&who, &path).await;
    assert_eq!(list.body.as_array().unwrap().len(), 3);
    assert!(list
        .body
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s.get("secret").is_none()));
    // Revoke one: a new one fits again.
    let sid = a.body["id"].as_str().unwrap();
    let r = t.delete(&who, &format!("{path}/{sid}")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        t.post(&who, &path, json!({"environment": "sod"}))
            .await
            .status,
        StatusCode::CREATED
    );
    let r = t
        .post(
            &who,
            &path,
            json!({"environment": "production", "expires_in_days": 731}),
        )
        .await;
    assert_eq!(r.rules(), ["SECRET-EXPIRY"]);
    let r = t.delete(&who, &format!("{path}/{sid}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn certificates_generated_or_uploaded_one_per_environment() {
    let t = test_app().await;
    let who = t.sign_in("dev@demo.test").await;
    let id = web(&t, &who).await;
    let path = format!("/api/v1/applications/{id}/certificates");
    let r = t.post(&who, &path, json!({"environment": "sod"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(r.body["private_key_pem"]
        .as_str()
        .unwrap()
        .starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    let xml = r.body["private_key_xml"].as_str().unwrap();
    for tag in [
        "<RSAKeyValue>",
        "<Modulus>",
        "<Exponent>AQAB</Exponent>",
        "<P>",
        "<Q>",
        "<DP>",
        "<DQ>",
        "<InverseQ>",
        "<D>",
    ] {
        assert!(xml.contains(tag), "{tag} in {xml}");
    }
    let public = r.body["public_key_pem"].as_str().unwrap().to_string();
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"));
    let again = t.post(&who, &path, json!({"environment": "sod"})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let list = t.get(&who, &path).await;
    assert!(
        list.body[0].get("private_key_pem").is_none(),
        "the private key is shown once"
    );
    // Upload the public key of the first one to stage: accepted; garbage and private keys are refused.
    let r = t
        .post(
            &who,
            &path,
            json!({"environment": "stage", "public_key_pem": public}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert!(r.body.get("private_key_pem").is_none());
    let r = t
        .post(
            &who,
            &path,
            json!({"environment": "production", "public_key_pem": "hello"}),
        )
        .await;
    assert_eq!(r.rules(), ["CERT-KEY"]);
    let r = t.post(&who, &path, json!({"environment": "production", "public_key_pem": "-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----"})).await;
    assert_eq!(r.rules(), ["CERT-KEY"]);
    let cid = list.body[0]["id"].as_str().unwrap();
    assert_eq!(
        t.delete(&who, &format!("{path}/{cid}")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        t.post(
            &who,
            &path,
            json!({"environment": "sod", "public_key_pem": public})
        )
        .await
        .status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn publish_requests_flow_through_the_app_manager() {
    let t = test_app().await;
    let who = t.sign_in("dev@demo.test").await;
    let manager = t.sign_in("appmanager@demo.test").await;
    let id = web(&t, &who).await;
    let path = format!("/api/v1/applications/{id}/publish-requests");
    let r = t
        .post(
            &who,
            &path,
            json!({"environment": "stage", "message": "please"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let rid = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(
        t.post(&who, &path, json!({"environment": "stage"}))
            .await
            .status,
        StatusCode::CONFLICT
    );
    let app = t.get(&who, &format!("/api/v1/applications/{id}")).await;
    assert_eq!(app.body["environments"]["stage"], "pending");
    // The request changed the app's ETag (issue #10): an edit loaded before it gets 412.
    let stale = t
        .send(
            &who,
            Method::PATCH,
            &format!("/api/v1/applications/{id}"),
            Some(json!({"cors_urls": []})),
            &[("if-match", "\"v1\"")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let etag = app.headers[axum::http::header::ETAG]
        .to_str()
        .unwrap()
        .to_string();
    assert_ne!(etag, "\"v1\"");
    // Locked while pending, also with the current ETag.
    let r = t
        .send(
            &who,
            Method::PATCH,
            &format!("/api/v1/applications/{id}"),
            Some(json!({"cors_urls": []})),
            &[("if-match", etag.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // Only the app manager sees the queue and decides.
    assert_eq!(
        t.get(&who, "/api/v1/publish-requests?state=pending")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.post(
            &who,
            &format!("/api/v1/publish-requests/{rid}/approve"),
            json!({})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let q = t
        .get(&manager, "/api/v1/publish-requests?state=pending")
        .await;
    assert_eq!(q.body.as_array().unwrap().len(), 1);
    assert_eq!(q.body[0]["application_name"], "Lifecycle");
    let r = t
        .post(
            &manager,
            &format!("/api/v1/publish-requests/{rid}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(r.body["state"], "published");
    assert_eq!(
        t.post(
            &manager,
            &format!("/api/v1/publish-requests/{rid}/approve"),
            json!({})
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
    let app = t.get(&who, &format!("/api/v1/applications/{id}")).await;
    assert_eq!(app.body["environments"]["stage"], "published");
    // A custom app approved for Stage is published to Production as well (issue #13); a changed
    // configuration is a new draft version, requested for Production and rejected with a reason.
    assert_eq!(app.body["environments"]["production"], "published");
    let etag = app.headers[axum::http::header::ETAG].to_str().unwrap();
    let r = t
        .send(
            &who,
            Method::PATCH,
            &format!("/api/v1/applications/{id}"),
            Some(json!({"cors_urls": ["https://app.example.com"]})),
            &[("if-match", etag)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = t
        .post(&who, &path, json!({"environment": "production"}))
        .await;
    assert_eq!(r.body["version"], 2, "{}", r.body);
    let rid = r.body["id"].as_str().unwrap().to_string();
    let r = t
        .post(
            &manager,
            &format!("/api/v1/publish-requests/{rid}/reject"),
            json!({"reason": ""}),
        )
        .await;
    assert_eq!(r.rules(), ["PUBLISH-REASON"]);
    let r = t
        .post(
            &manager,
            &format!("/api/v1/publish-requests/{rid}/reject"),
            json!({"reason": "Missing privacy policy"}),
        )
        .await;
    assert_eq!(r.body["state"], "rejected");
    let list = t.get(&who, &path).await;
    assert_eq!(list.body[1]["reason"], "Missing privacy policy");
    let app = t.get(&who, &format!("/api/v1/applications/{id}")).await;
    // Version 1 is still live in Production; version 2 is rejected there.
    assert_eq!(app.body["environments"]["production"], "published");
    let versions = t
        .get(&who, &format!("/api/v1/applications/{id}/versions"))
        .await;
    assert_eq!(versions.body[0]["production"], "rejected");
    assert_eq!(versions.body[1]["production"], "published");
    // SOD is never requested; standard apps go to Stage first.
    assert_eq!(
        t.post(&who, &path, json!({"environment": "sod"}))
            .await
            .rules(),
        ["PUBLISH-ENV"]
    );
    let erp = t
        .create(&who, json!({"template": "erp", "app_type": "standard", "name": "Erp", "technical_contact": "dev@demo.test",
                              "endpoints": {"erp_sync": {"url": "https://erp.example.com/sync", "enabled": true}}}))
        .await;
    let r = t
        .post(
            &who,
            &format!(
                "/api/v1/applications/{}/publish-requests",
                erp["id"].as_str().unwrap()
            ),
            json!({"environment": "production"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        erp["endpoints"]["quote"],
        json!({"url": "", "enabled": false})
    );
}

#[tokio::test]
async fn check_endpoint_uses_the_same_engine() {
    let t = test_app().await;
    // Signed-in callers only (issue #10): anonymous checks are refused.
    let anonymous = t
        .post(
            &As::Nobody,
            "/api/v1/check",
            json!({"kind": "name", "values": ["A"]}),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let who = t.sign_in("dev@demo.test").await;
    let r = t.post(&who, "/api/v1/check", json!({"template": "native", "kind": "redirect", "values": ["myapp://cb", "http://127.0.0.1/cb"]})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["valid"], false);
    assert_eq!(
        r.body["checks"][0]["findings"][0]["rule"],
        "RU-PRIVATE-SCHEME"
    );
    assert_eq!(r.body["checks"][1]["verdict"], "ok");
    let reg = json!({"template": "web", "app_type": "custom", "name": "A", "redirect_urls": ["https://a.example.com/"], "technical_contact": "a@b.example"});
    let r = t
        .post(&who, "/api/v1/check", json!({"registration": reg}))
        .await;
    assert_eq!(r.body["valid"], true);
    let r = t.post(&who, "/api/v1/check", json!({})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.is_problem());
}

#[tokio::test]
async fn users_can_be_searched_by_email_prefix_within_the_partner() {
    let t = test_app().await;
    let who = t.sign_in("dev@demo.test").await;
    let r = t
        .get(&who, "/api/v1/partners/demo/users?email_prefix=")
        .await;
    let emails: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        emails,
        ["admin@demo.test", "dev@demo.test", "marketing@demo.test"]
    );
    let r = t
        .get(&who, "/api/v1/partners/demo/users?email_prefix=MA")
        .await;
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    let r = t
        .get(&who, "/api/v1/partners/demo/users?email_prefix=%25")
        .await;
    assert_eq!(r.body, Value::Array(vec![]), "no wildcard injection");
}

#[tokio::test]
async fn an_app_manager_cannot_approve_their_own_publish_request() {
    let t = test_app().await;
    // dev@demo.test is also an app manager here: the one who asks must not be the one who decides.
    sqlx::query("UPDATE users SET app_manager = 1 WHERE email = 'dev@demo.test'")
        .execute(&t.state.db)
        .await
        .unwrap();
    let dev = t.sign_in("dev@demo.test").await;
    let manager = t.sign_in("appmanager@demo.test").await;
    let id = web(&t, &dev).await;
    let r = t
        .post(
            &dev,
            &format!("/api/v1/applications/{id}/publish-requests"),
            json!({"environment": "production", "message": "mine"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let rid = r.body["id"].as_str().unwrap().to_string();
    for verb in ["approve", "reject"] {
        let own = t
            .post(
                &dev,
                &format!("/api/v1/publish-requests/{rid}/{verb}"),
                json!({"reason": "no"}),
            )
            .await;
        assert_eq!(own.status, StatusCode::FORBIDDEN, "{verb}: {}", own.body);
        assert!(own.body["detail"]
            .as_str()
            .unwrap()
            .contains("another app manager"));
    }
    let before = t.get(&dev, &format!("/api/v1/applications/{id}")).await;
    let r = t
        .post(
            &manager,
            &format!("/api/v1/publish-requests/{rid}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["state"], "published");
    // The decision changed the app's ETag too.
    let after = t.get(&dev, &format!("/api/v1/applications/{id}")).await;
    assert_ne!(
        before.headers[axum::http::header::ETAG],
        after.headers[axum::http::header::ETAG]
    );
}
