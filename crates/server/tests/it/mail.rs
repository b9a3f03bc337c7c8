//! E-mail through the outbox (issue #14): one row per event and recipient, the preferences, the signed
//! unsubscribe link, no secret in any message, HTML escaping, the expiry reminders' thresholds, and the
//! worker's delivery (files), retries and leases.

use crate::common::*;
use appreg_server::mail::{self, outbox, reminders, Mailer};
use axum::http::{header, Method, StatusCode};
use serde_json::json;
use std::collections::BTreeMap;

#[derive(Debug, Clone, sqlx::FromRow)]
struct Row {
    event_key: String,
    kind: String,
    recipient: String,
    subject: String,
    text_body: String,
    html_body: String,
    unsubscribe_url: String,
    state: String,
    attempts: i64,
}

async fn rows(t: &TestApp) -> Vec<Row> {
    sqlx::query_as::<_, Row>(
        "SELECT event_key, kind, recipient, subject, text_body, html_body, unsubscribe_url, state, attempts \
         FROM outbox ORDER BY event_key",
    )
    .fetch_all(&t.state.db)
    .await
    .unwrap()
}

async fn user_id(t: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&t.state.db)
        .await
        .unwrap()
}

fn files_mailer(dir: &std::path::Path) -> Mailer {
    Mailer::files(
        dir,
        mail::parse_from("Developer Portal <portal@example.com>").unwrap(),
    )
}

/// dev creates an app and asks for Stage; returns (app id, request id).
async fn requested(t: &TestApp, dev: &As, name: &str, message: &str) -> (String, String) {
    let app = t.create(dev, web_app(name)).await;
    let app_id = id(&app);
    let r = t
        .post(
            dev,
            &format!("/api/v1/applications/{app_id}/publish-requests"),
            json!({"environment": "stage", "message": message}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    (app_id, id(&r.body))
}

#[tokio::test]
async fn publish_events_make_one_email_each_and_no_secret_is_ever_in_one() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let manager = t.sign_in("appmanager@demo.test").await;
    let app = t.create(&dev, web_app("Mail flow")).await;
    let app_id = id(&app);
    let secret = t
        .post(
            &dev,
            &format!("/api/v1/applications/{app_id}/secrets"),
            json!({"environment": "sod", "description": "CI"}),
        )
        .await;
    assert_eq!(secret.status, StatusCode::CREATED, "{}", secret.body);
    let secret_value = secret.body["secret"].as_str().unwrap().to_string();
    let r = t
        .post(
            &dev,
            &format!("/api/v1/applications/{app_id}/publish-requests"),
            json!({"environment": "stage", "message": "please"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let rid = id(&r.body);
    let r = t
        .post(
            &manager,
            &format!("/api/v1/publish-requests/{rid}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let dev_id = user_id(&t, "dev@demo.test").await;
    let manager_id = user_id(&t, "appmanager@demo.test").await;
    let keys: Vec<String> = rows(&t).await.into_iter().map(|r| r.event_key).collect();
    assert_eq!(
        keys,
        vec![
            format!("publish-approved:{rid}:{dev_id}"),
            format!("publish-received:{rid}:{dev_id}"),
            format!("publish-requested:{rid}:{manager_id}"),
        ],
        "the requester is also the technical contact: one e-mail each"
    );
    // The same event again (a retry, another instance): nothing new.
    let mut tx = t.state.db.begin().await.unwrap();
    assert_eq!(
        outbox::enqueue_publish_decided(&mut tx, &t.state, &rid, true)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        outbox::enqueue_publish_requested(&mut tx, &t.state, &rid)
            .await
            .unwrap(),
        0
    );
    tx.commit().await.unwrap();
    assert_eq!(rows(&t).await.len(), 3);
    // Also the reminders of the secret, so every kind of message is checked below.
    sqlx::query("UPDATE client_secrets SET expires_at = $1 WHERE application_id = $2")
        .bind(appreg_server::db::in_days(3))
        .bind(&app_id)
        .execute(&t.state.db)
        .await
        .unwrap();
    assert_eq!(
        reminders::scan(&t.state, time::OffsetDateTime::now_utc())
            .await
            .unwrap(),
        1
    );
    let all = rows(&t).await;
    assert_eq!(all.len(), 4);
    let hash = appreg_server::db::sha256_hex(&secret_value);
    let tail = &secret_value[secret_value.len() - 4..];
    for r in &all {
        for part in [&r.subject, &r.text_body, &r.html_body, &r.unsubscribe_url] {
            assert!(!part.contains(&secret_value), "{}: the secret", r.event_key);
            assert!(!part.contains(&hash), "{}: the secret's hash", r.event_key);
            assert!(!part.contains(tail), "{}: the secret's last 4", r.event_key);
        }
        assert!(r
            .text_body
            .contains("Unsubscribe: http://127.0.0.1:8080/api/v1/unsubscribe?token="));
        assert!(r.html_body.contains("Unsubscribe from these e-mails"));
        assert_eq!(r.state, "pending");
    }
    let reminder = all
        .iter()
        .find(|r| r.event_key.starts_with("expiry:"))
        .unwrap();
    assert_eq!(reminder.kind, "expiry-reminders");
    assert_eq!(reminder.recipient, "dev@demo.test");
    assert!(
        reminder.subject.contains("expires within 7 days"),
        "{}",
        reminder.subject
    );
}

#[tokio::test]
async fn interpolated_values_are_html_escaped() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let app = t.create(&dev, web_app("Harmless")).await;
    // Names cannot hold '<' today (NAME-CHAR); one from before that rule, or typed into the database,
    // is still escaped.
    sqlx::query("UPDATE applications SET name = $1 WHERE id = $2")
        .bind("Evil <script>alert(1)</script> & Co")
        .bind(id(&app))
        .execute(&t.state.db)
        .await
        .unwrap();
    let r = t
        .post(
            &dev,
            &format!("/api/v1/applications/{}/publish-requests", id(&app)),
            json!({"environment": "stage", "message": "<img src=x onerror=alert(2)>"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let all = rows(&t).await;
    assert_eq!(all.len(), 2);
    for r in &all {
        assert!(!r.html_body.contains("<script>"), "{}", r.html_body);
        assert!(!r.html_body.contains("<img"), "{}", r.html_body);
        assert!(r
            .html_body
            .contains("Evil &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"));
        // The plain-text part is text: it says what was typed.
        assert!(r.text_body.contains("Evil <script>alert(1)</script> & Co"));
    }
    let to_manager = all
        .iter()
        .find(|r| r.event_key.starts_with("publish-requested:"))
        .unwrap();
    assert!(to_manager
        .html_body
        .contains("&lt;img src=x onerror=alert(2)&gt;"));
}

#[tokio::test]
async fn preferences_filter_who_gets_what() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let manager = t.sign_in("appmanager@demo.test").await;
    let r = t.get(&dev, "/api/v1/me/notifications").await;
    assert_eq!(r.status, StatusCode::OK);
    let kinds: Vec<(String, bool)> = r.body["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            assert!(k["title"].as_str().is_some_and(|s| !s.is_empty()));
            (
                k["kind"].as_str().unwrap().into(),
                k["enabled"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "publish-requests",
            "publish-decisions",
            "ticket-replies",
            "expiry-reminders"
        ]
        .map(|k| (k.to_string(), true))
        .to_vec()
    );
    let r = t
        .send(
            &dev,
            Method::PUT,
            "/api/v1/me/notifications",
            Some(json!({"kinds": [{"kind": "publish-decisions", "enabled": false},
                                  {"kind": "publish-requests", "title": "ignored", "enabled": false}]})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["kinds"][0]["enabled"], false);
    assert_eq!(r.body["kinds"][1]["enabled"], false);
    assert_eq!(r.body["kinds"][2]["enabled"], true);
    // An unknown kind is refused.
    let bad = t
        .send(
            &dev,
            Method::PUT,
            "/api/v1/me/notifications",
            Some(json!({"kinds": [{"kind": "everything", "enabled": false}]})),
            &[],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.is_problem());
    // Without a session: 401.
    assert_eq!(
        t.get(&As::Nobody, "/api/v1/me/notifications").await.status,
        StatusCode::UNAUTHORIZED
    );

    let (_, rid) = requested(&t, &dev, "Prefs app", "").await;
    let r = t
        .post(
            &manager,
            &format!("/api/v1/publish-requests/{rid}/reject"),
            json!({"reason": "No logo"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let manager_id = user_id(&t, "appmanager@demo.test").await;
    let keys: Vec<String> = rows(&t).await.into_iter().map(|r| r.event_key).collect();
    assert_eq!(
        keys,
        vec![format!("publish-requested:{rid}:{manager_id}")],
        "dev turned off both kinds: no receipt, no decision"
    );
}

#[tokio::test]
async fn the_unsubscribe_link_turns_off_exactly_its_kind_without_signing_in() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let manager = t.sign_in("appmanager@demo.test").await;
    let (_, rid) = requested(&t, &dev, "Unsub app", "").await;
    let r = t
        .post(
            &manager,
            &format!("/api/v1/publish-requests/{rid}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let decision = rows(&t)
        .await
        .into_iter()
        .find(|r| r.event_key.starts_with("publish-approved:"))
        .unwrap();
    let url = decision.unsubscribe_url.clone();
    let path = url.strip_prefix("http://127.0.0.1:8080").unwrap();
    assert!(path.starts_with("/api/v1/unsubscribe?token="));
    let token = path.split_once("token=").unwrap().1.to_string();

    // A tampered token (another kind with the same signature, a flipped character, garbage): 400.
    let (payload, tag) = token.split_once('.').unwrap();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let subject_kind = String::from_utf8(b64.decode(payload).unwrap()).unwrap();
    let other_kind = subject_kind.replace("publish-decisions", "ticket-replies");
    assert_ne!(other_kind, subject_kind);
    let mut flipped = token.clone().into_bytes();
    let last = flipped.len() - 1;
    flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
    for bad in [
        format!("{}.{tag}", b64.encode(other_kind)),
        String::from_utf8(flipped).unwrap(),
        "garbage".to_string(),
        String::new(),
    ] {
        let r = t
            .get(&As::Nobody, &format!("/api/v1/unsubscribe?token={bad}"))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(r.is_problem());
    }
    assert_eq!(
        t.get(&As::Nobody, "/api/v1/unsubscribe").await.status,
        StatusCode::BAD_REQUEST
    );
    // Nothing changed so far.
    let r = t.get(&dev, "/api/v1/me/notifications").await;
    assert!(r.body["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .all(|k| k["enabled"] == true));

    // The real link, with no session: a small page without script, and exactly that kind off.
    let r = t.get(&As::Nobody, path).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    let page = String::from_utf8(r.raw.clone()).unwrap();
    assert!(page.contains("You are unsubscribed"));
    assert!(!page.to_lowercase().contains("<script"));
    let r = t.get(&dev, "/api/v1/me/notifications").await;
    let enabled: BTreeMap<String, bool> = r.body["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["kind"].as_str().unwrap().into(),
                k["enabled"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        enabled,
        BTreeMap::from([
            ("expiry-reminders".to_string(), true),
            ("publish-decisions".to_string(), false),
            ("publish-requests".to_string(), true),
            ("ticket-replies".to_string(), true),
        ])
    );
    // Again (a second click, or the one-click POST of RFC 8058): still fine.
    let r = t.send(&As::Nobody, Method::POST, path, None, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn reminders_go_out_once_per_threshold_30_7_1_and_on_expiry() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let app = t.create(&dev, web_app("Expiring")).await;
    let app_id = id(&app);
    let r = t
        .post(
            &dev,
            &format!("/api/v1/applications/{app_id}/secrets"),
            json!({"environment": "sod", "description": "Nightly job", "expires_in_days": 90}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let secret_id = id(&r.body);
    let expires = time::OffsetDateTime::parse(
        r.body["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let d = time::Duration::days;
    let h = time::Duration::hours;
    let mut seen = Vec::new();
    for (now, added) in [
        (expires - d(45), 0),
        (expires - d(29), 1),
        (expires - d(29), 0),
        (expires - d(20), 0),
        (expires - d(6), 1),
        (expires - d(5), 0),
        (expires - h(12), 1),
        (expires - h(1), 0),
        (expires + h(1), 1),
        (expires + d(2), 0),
        (expires + d(30), 0),
    ] {
        assert_eq!(
            reminders::scan(&t.state, now).await.unwrap(),
            added,
            "at {now}"
        );
        seen = rows(&t).await;
    }
    let dev_id = user_id(&t, "dev@demo.test").await;
    let keys: Vec<String> = seen.iter().map(|r| r.event_key.clone()).collect();
    let mut want: Vec<String> = ["1d", "30d", "7d", "expired"]
        .iter()
        .map(|th| format!("expiry:secret:{secret_id}:{th}:{dev_id}"))
        .collect();
    want.sort();
    assert_eq!(keys, want);
    assert!(seen.iter().all(|r| r.text_body.contains("“Nightly job”")));
    // A revoked secret is not reminded of.
    let r = t
        .delete(
            &dev,
            &format!("/api/v1/applications/{app_id}/secrets/{secret_id}"),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.status);
    sqlx::query("DELETE FROM outbox")
        .execute(&t.state.db)
        .await
        .unwrap();
    assert_eq!(reminders::scan(&t.state, expires - d(6)).await.unwrap(), 0);
}

#[tokio::test]
async fn the_worker_delivers_each_row_once_retries_failures_and_respects_leases() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    for i in 0..6 {
        requested(&t, &dev, &format!("Worker app {i}"), "").await;
    }
    assert_eq!(rows(&t).await.len(), 12);

    // A mailer that cannot write (its folder is a file): every row is retried later, none is lost.
    let broken = t.dir.join("not-a-dir");
    std::fs::write(&broken, "x").unwrap();
    let d = outbox::deliver(&t.state.db, &files_mailer(&broken), 10)
        .await
        .unwrap();
    assert_eq!((d.sent, d.retried, d.failed), (0, 10, 0), "one batch of 10");
    let all = rows(&t).await;
    assert_eq!(all.iter().filter(|r| r.attempts == 1).count(), 10);
    assert!(all.iter().all(|r| r.state == "pending"));
    // Retried rows wait for their backoff; the two never tried are due.
    let d = outbox::deliver(&t.state.db, &files_mailer(&broken), 100)
        .await
        .unwrap();
    assert_eq!(d.retried, 2);

    // Time passes; two workers at once (two instances) each send what they claimed: every row once.
    sqlx::query("UPDATE outbox SET next_attempt_at = $1")
        .bind(appreg_server::db::ago_secs(1))
        .execute(&t.state.db)
        .await
        .unwrap();
    let (a, b) = (t.dir.join("outbox-a"), t.dir.join("outbox-b"));
    let (ma, mb) = (files_mailer(&a), files_mailer(&b));
    let db = t.state.db.clone();
    let mut sent = 0;
    for _ in 0..3 {
        let (ra, rb) = tokio::join!(outbox::deliver(&db, &ma, 4), outbox::deliver(&db, &mb, 4));
        sent += ra.unwrap().sent + rb.unwrap().sent;
    }
    assert_eq!(sent, 12);
    let count = |dir: &std::path::Path| {
        std::fs::read_dir(dir)
            .map(|it| {
                it.filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .file_name()
                        .to_string_lossy()
                        .ends_with(".eml")
                })
                .count()
            })
            .unwrap_or(0)
    };
    assert_eq!(count(&a) + count(&b), 12);
    assert!(rows(&t).await.iter().all(|r| r.state == "sent"));
    assert_eq!(outbox::deliver(&db, &ma, 100).await.unwrap().sent, 0);

    // A .eml: RFC 5322 with both parts and the headers the fault test and mail clients read. Either
    // worker may have sent all twelve, so the file is taken from whichever folder has one.
    let file = [&a, &b]
        .into_iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flat_map(|it| it.map(|e| e.unwrap().path()))
        .find(|p| p.extension().is_some_and(|x| x == "eml"))
        .expect("an .eml in outbox-a or outbox-b");
    let eml = std::fs::read_to_string(file).unwrap();
    for needle in [
        "From: \"Developer Portal\" <portal@example.com>",
        "X-Appreg-Event: publish-",
        "List-Unsubscribe: <http://127.0.0.1:8080/api/v1/unsubscribe?token=",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "Message-ID: <",
    ] {
        assert!(eml.contains(needle), "{needle} in\n{eml}");
    }
}

#[tokio::test]
async fn a_leased_row_is_not_claimed_by_another_worker() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    requested(&t, &dev, "Leased", "").await;
    // Another instance holds both rows for the next minute.
    sqlx::query("UPDATE outbox SET lease_owner = 'other', lease_until = $1")
        .bind(appreg_server::db::in_days(1))
        .execute(&t.state.db)
        .await
        .unwrap();
    let dir = t.dir.join("outbox");
    let d = outbox::deliver(&t.state.db, &files_mailer(&dir), 10)
        .await
        .unwrap();
    assert_eq!(d.sent, 0);
    // Its lease ran out (it crashed): now they are sent.
    sqlx::query("UPDATE outbox SET lease_until = $1")
        .bind(appreg_server::db::ago_secs(1))
        .execute(&t.state.db)
        .await
        .unwrap();
    let d = outbox::deliver(&t.state.db, &files_mailer(&dir), 10)
        .await
        .unwrap();
    assert_eq!(d.sent, 2);
}

#[tokio::test]
async fn sent_and_failed_rows_are_purged_after_90_days_and_pending_ones_never() {
    use appreg_server::db::ago_secs;
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    requested(&t, &dev, "Purged one", "").await;
    requested(&t, &dev, "Purged two", "").await;
    let keys: Vec<String> = rows(&t).await.into_iter().map(|r| r.event_key).collect();
    assert_eq!(keys.len(), 4);
    let day = 24 * 3600;
    let cases = [
        ("sent", ago_secs(91 * day), false),
        ("failed", ago_secs(91 * day), false),
        ("pending", ago_secs(91 * day), true),
        ("sent", ago_secs(89 * day), true),
    ];
    for (key, (state, created, _)) in keys.iter().zip(&cases) {
        sqlx::query("UPDATE outbox SET state = $1, created_at = $2 WHERE event_key = $3")
            .bind(state)
            .bind(created)
            .bind(key)
            .execute(&t.state.db)
            .await
            .unwrap();
    }
    // The purge timer's run deletes the two old rows that are done with, and nothing else.
    let p = appreg_server::sessions::purge(&t.state.db, &t.state.cfg)
        .await
        .unwrap();
    assert_eq!(p.outbox, 2);
    let kept: Vec<String> = keys
        .iter()
        .zip(&cases)
        .filter(|(_, (_, _, kept))| *kept)
        .map(|(k, _)| k.clone())
        .collect();
    let left: Vec<String> = rows(&t).await.into_iter().map(|r| r.event_key).collect();
    assert_eq!(left, kept);
    // Again (another instance): nothing more.
    assert_eq!(outbox::purge(&t.state.db).await.unwrap(), 0);
}
