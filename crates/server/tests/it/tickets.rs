//! The Messaging Center (issue #14): every publish request is a ticket; who sees and writes it; how
//! replies, "Mark as answered" and decisions move it; unread counts; image attachments.

use crate::app_store_images::png;
use crate::common::*;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};

/// Creates a custom web app as `who` and asks for Stage; returns (app id, request id).
pub(crate) async fn requested(t: &TestApp, who: &As, name: &str) -> (String, String) {
    let app = id(&t.create(who, web_app(name)).await);
    let r = t
        .post(
            who,
            &format!("/api/v1/applications/{app}/publish-requests"),
            json!({"environment": "stage", "message": "Please have a look."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    (app, id(&r.body))
}

/// The ticket of publish request `rid` in `who`'s list.
pub(crate) async fn ticket_of(t: &TestApp, who: &As, rid: &str) -> Value {
    let list = t.get(who, "/api/v1/tickets").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    list.body
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["publish_request_id"] == rid)
        .cloned()
        .unwrap_or_else(|| panic!("no ticket for {rid} in {}", list.body))
}

pub(crate) async fn reply(t: &TestApp, who: &As, ticket: &str, body: &str) -> Reply {
    t.post(
        who,
        &format!("/api/v1/tickets/{ticket}/messages"),
        json!({ "body": body }),
    )
    .await
}

/// POST …/messages as multipart/form-data with a body part and `files` as (name, bytes).
pub(crate) async fn reply_with_files(
    t: &TestApp,
    who: &As,
    ticket: &str,
    text: &str,
    files: &[(&str, &[u8])],
) -> Reply {
    let boundary = "----appreg-ticket-boundary";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n{text}\r\n")
            .into_bytes();
    for (name, bytes) in files {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: image/png\r\n\r\n"
            )
            .into_bytes(),
        );
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").into_bytes());
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/tickets/{ticket}/messages"))
        .header(header::COOKIE, cookie_of(who))
        .header("x-requested-with", "appreg")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    t.raw(req).await
}

pub(crate) async fn unread(t: &TestApp, who: &As) -> Value {
    let r = t.get(who, "/api/v1/tickets/unread").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

#[tokio::test]
async fn a_publish_request_is_a_ticket_only_the_partner_and_the_app_managers_see() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let (app, rid) = requested(&t, &dev, "Ticketed").await;
    let ticket = ticket_of(&t, &dev, &rid).await;
    assert_eq!(ticket["subject"], "Publish Ticketed to Stage");
    assert_eq!(ticket["application_id"], app.as_str());
    assert_eq!(ticket["partner_id"], "demo");
    assert_eq!(ticket["kind"], "configuration");
    assert_eq!(ticket["environment"], "stage");
    assert_eq!(ticket["state"], "open");
    assert_eq!(ticket["unread"], 0, "the requester wrote the first message");
    let tid = id(&ticket);
    for email in [
        "admin@demo.test",
        "marketing@demo.test",
        "appmanager@demo.test",
    ] {
        let who = t.sign_in(email).await;
        let seen = ticket_of(&t, &who, &rid).await;
        assert_eq!(seen["id"], tid.as_str(), "{email}");
        assert_eq!(seen["unread"], 1, "{email}");
    }
    let full = t.get(&dev, &format!("/api/v1/tickets/{tid}")).await;
    assert_eq!(full.status, StatusCode::OK, "{}", full.body);
    let first = &full.body["messages"][0];
    assert_eq!(first["system"], true);
    assert_eq!(first["from_app_manager"], false);
    assert_eq!(first["author_email"], "dev@demo.test");
    assert_eq!(first["author"], "Dev Developer");
    assert_eq!(
        first["body"],
        "Requested Stage for version 1.\n\nPlease have a look."
    );

    // Another partner's user: 404 everywhere, and an empty list.
    let other = t.sign_in("other@demo.test").await;
    assert_eq!(t.get(&other, "/api/v1/tickets").await.body, json!([]));
    assert_eq!(
        unread(&t, &other).await,
        json!({"open": 0, "waiting": 0, "closed": 0, "total": 0})
    );
    let sent = reply_with_files(&t, &dev, &tid, "A picture", &[("a.png", &png(2, 2))]).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    let url = sent.body["attachments"][0]["url"]
        .as_str()
        .unwrap()
        .to_string();
    for r in [
        t.get(&other, &format!("/api/v1/tickets/{tid}")).await,
        reply(&t, &other, &tid, "Hi").await,
        t.post(
            &other,
            &format!("/api/v1/tickets/{tid}/answered"),
            json!({}),
        )
        .await,
        t.get(&other, &url).await,
        reply_with_files(&t, &other, &tid, "x", &[("a.png", &png(2, 2))]).await,
    ] {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        assert!(r.is_problem());
    }
    assert_eq!(
        t.get(&dev, "/api/v1/tickets/nope").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn marketing_reads_tickets_but_cannot_write_and_app_managers_cannot_mark_answered() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let (_, rid) = requested(&t, &dev, "Read only").await;
    let tid = id(&ticket_of(&t, &dev, &rid).await);
    let marketing = t.sign_in("marketing@demo.test").await;
    let read = t.get(&marketing, &format!("/api/v1/tickets/{tid}")).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    let r = reply(&t, &marketing, &tid, "May I?").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = reply_with_files(&t, &marketing, &tid, "May I?", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let answered = format!("/api/v1/tickets/{tid}/answered");
    let r = t.post(&marketing, &answered, json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let manager = t.sign_in("appmanager@demo.test").await;
    let r = t.post(&manager, &answered, json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // The CSRF header is required like everywhere else.
    let r = t
        .send(
            &As::CookieNoCsrf(cookie_of(&dev)),
            Method::POST,
            &format!("/api/v1/tickets/{tid}/messages"),
            Some(json!({"body": "x"})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn replies_and_mark_as_answered_move_the_state_and_the_unread_counts() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let manager = t.sign_in("appmanager@demo.test").await;
    let (_, rid) = requested(&t, &dev, "Chatty").await;
    let tid = id(&ticket_of(&t, &dev, &rid).await);
    let path = format!("/api/v1/tickets/{tid}");
    assert_eq!(
        unread(&t, &manager).await,
        json!({"open": 1, "waiting": 0, "closed": 0, "total": 1})
    );
    assert_eq!(unread(&t, &dev).await["total"], 0);
    // Reading marks it read.
    assert_eq!(t.get(&manager, &path).await.body["summary"]["unread"], 1);
    assert_eq!(unread(&t, &manager).await["total"], 0);
    assert_eq!(t.get(&manager, &path).await.body["summary"]["unread"], 0);

    let r = reply(&t, &manager, &tid, "  Which redirect URL is production?  ").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["from_app_manager"], true);
    assert_eq!(r.body["system"], false);
    assert_eq!(r.body["body"], "Which redirect URL is production?");
    assert_eq!(r.body["author"], "Alma Appmanager");
    let seen = t.get(&dev, &path).await;
    assert_eq!(seen.body["summary"]["state"], "waiting_for_partner");
    assert_eq!(seen.body["summary"]["unread"], 1);
    assert_eq!(seen.body["messages"].as_array().unwrap().len(), 2);
    assert_eq!(unread(&t, &dev).await["total"], 0, "read by the GET");
    assert_eq!(unread(&t, &manager).await["total"], 0, "its own reply");

    let r = reply(&t, &dev, &tid, "The second one.").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["from_app_manager"], false);
    assert_eq!(ticket_of(&t, &dev, &rid).await["state"], "open");
    assert_eq!(
        unread(&t, &manager).await,
        json!({"open": 1, "waiting": 0, "closed": 0, "total": 1})
    );
    // The admin of the partner has never opened it: three unread messages of others.
    let admin = t.sign_in("admin@demo.test").await;
    assert_eq!(ticket_of(&t, &admin, &rid).await["unread"], 3);

    // "Mark as answered": back to the app managers without a message.
    reply(&t, &manager, &tid, "Thanks, checking.").await;
    let r = t.post(&dev, &format!("{path}/answered"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["state"], "open");
    let full = t.get(&dev, &path).await;
    assert_eq!(full.body["summary"]["state"], "open");
    assert_eq!(full.body["messages"].as_array().unwrap().len(), 4);

    // Empty and overlong messages are TICKET-MESSAGE.
    for body in ["   ".to_string(), "x".repeat(10_001)] {
        let r = reply(&t, &dev, &tid, &body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(
            r.field_rules(),
            vec![("body".to_string(), "TICKET-MESSAGE".to_string())]
        );
    }
    assert_eq!(
        reply(&t, &dev, &tid, &"x".repeat(10_000)).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn approval_closes_the_ticket_and_rejection_waits_for_the_partner() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let manager = t.sign_in("appmanager@demo.test").await;
    let (_, approved) = requested(&t, &dev, "Approved app").await;
    let (_, rejected) = requested(&t, &dev, "Rejected app").await;
    let r = t
        .post(
            &manager,
            &format!("/api/v1/publish-requests/{approved}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = t
        .post(
            &manager,
            &format!("/api/v1/publish-requests/{rejected}/reject"),
            json!({"reason": "The redirect URL points at a test server."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // The decisions are unread for the partner's users.
    assert_eq!(
        unread(&t, &dev).await,
        json!({"open": 0, "waiting": 1, "closed": 1, "total": 2})
    );
    let closed = ticket_of(&t, &dev, &approved).await;
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["unread"], 1);
    let full = t
        .get(&dev, &format!("/api/v1/tickets/{}", id(&closed)))
        .await;
    let last = &full.body["messages"][1];
    assert_eq!(last["system"], true);
    assert_eq!(last["from_app_manager"], true);
    assert_eq!(last["author_email"], "appmanager@demo.test");
    assert_eq!(
        last["body"],
        "Approved: version 1 published to Stage and Production."
    );
    // A closed ticket cannot be marked as answered, but a reply opens it again.
    let answered = format!("/api/v1/tickets/{}/answered", id(&closed));
    assert_eq!(
        t.post(&dev, &answered, json!({})).await.status,
        StatusCode::CONFLICT
    );

    let waiting = ticket_of(&t, &dev, &rejected).await;
    assert_eq!(waiting["state"], "waiting_for_partner");
    let full = t
        .get(&dev, &format!("/api/v1/tickets/{}", id(&waiting)))
        .await;
    assert_eq!(
        full.body["messages"][1]["body"],
        "Rejected: The redirect URL points at a test server."
    );
    assert_eq!(
        unread(&t, &dev).await,
        json!({"open": 0, "waiting": 0, "closed": 0, "total": 0}),
        "both read by now"
    );
    let r = reply(&t, &dev, &id(&closed), "One more question.").await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(ticket_of(&t, &dev, &approved).await["state"], "open");
}

#[tokio::test]
async fn lists_filter_by_state_newest_first() {
    let t = test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let manager = t.sign_in("appmanager@demo.test").await;
    let (_, first) = requested(&t, &dev, "First").await;
    let (_, second) = requested(&t, &dev, "Second").await;
    let order = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x["publish_request_id"].as_str().unwrap().to_string())
            .collect()
    };
    let all = t.get(&manager, "/api/v1/tickets?state=all").await;
    assert_eq!(order(&all.body), vec![second.clone(), first.clone()]);
    // A reply makes a ticket the newest.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let tid = id(&ticket_of(&t, &dev, &first).await);
    reply(&t, &manager, &tid, "A question.").await;
    let all = t.get(&dev, "/api/v1/tickets").await;
    assert_eq!(order(&all.body), vec![first.clone(), second.clone()]);
    let waiting = t.get(&dev, "/api/v1/tickets?state=waiting").await;
    assert_eq!(order(&waiting.body), vec![first.clone()]);
    let open = t.get(&dev, "/api/v1/tickets?state=open").await;
    assert_eq!(order(&open.body), vec![second.clone()]);
    let closed = t.get(&dev, "/api/v1/tickets?state=closed").await;
    assert_eq!(closed.body, json!([]));
    let bad = t.get(&dev, "/api/v1/tickets?state=pending").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.is_problem());
}
