//! The success page and the app page.

use crate::harness::document;
use crate::harness::*;
use crate::server::*;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn success_page_shows_a_new_secret_once_with_a_warning() {
    let (m, server) = signed_in().await;
    web_app_to_review(&m, "Secretive").await;
    m.click("#create-app").await;
    m.wait_text("#created-name", "Secretive").await;
    assert!(m.q("#link-publish").is_some());
    assert!(m.q("#link-urls").is_some());
    assert!(m.q("#link-certificate").is_some());
    assert!(
        m.q("#link-app-store").is_none(),
        "a custom app has no App Store information"
    );
    assert!(m.q("#client-secret").is_none());
    m.click("#new-secret").await;
    m.find("#client-secret").await;
    assert_eq!(m.value("#client-secret"), "S3CRET-value-shown-once");
    assert!(m.text("#secret-warning").contains("shown only this once"));
    let posts = server.requests("POST", "/applications/new1/secrets");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].header("X-Requested-With"), Some("appreg"));
    assert!(posts[0]
        .body
        .as_deref()
        .unwrap()
        .contains("\"environment\":\"sod\""));
    drop(m);

    // After a reload the app is fetched, the secret is not there any more, and a standard app
    // links to its App Store information.
    go_to("#/apps/new1/created");
    let m = start(&server, Rc::new(Cell::new(false)), None).await;
    m.wait_text("#created-name", "Reloaded").await;
    assert!(m.q("#client-secret").is_none());
    assert!(m.q("#link-app-store").is_some());
}

#[wasm_bindgen_test]
async fn app_console_saves_urls_with_if_match_and_tests_a_redirect() {
    reset_page();
    let server = Server::default();
    server.signed_in.set(true);
    // The older address of the URLs still leads to their section.
    go_to("#/apps/new1/urls");
    let m = start(&server, Rc::new(Cell::new(false)), None).await;
    m.find("#app-redirect-add").await;
    settle().await;
    assert_eq!(
        document().active_element().map(|e| e.id()).as_deref(),
        Some("section-title"),
        "the section's heading gets the focus"
    );
    let current: Vec<String> = m
        .all("nav.sections a[aria-current=page]")
        .iter()
        .map(|a| a.text_content().unwrap_or_default())
        .collect();
    assert_eq!(current, vec!["Authentication".to_string()]);

    // One input per entry, checked as typed against the whole list.
    m.click("#app-redirect-add").await;
    m.click("#app-redirect-add").await;
    assert_eq!(m.text("#app-redirect-count"), "2 / 100");
    m.type_into("#app-redirect-0", "https://a.example.com/cb")
        .await;
    m.type_into("#app-redirect-1", "https://a.example.com/cb")
        .await;
    assert!(m.text("#app-redirect-1-findings").contains("RU-DUPLICATE"));
    assert!(m.disabled("#save-urls"));
    m.click("#app-cors-add").await;
    m.type_into("#app-cors-0", "https://a.example.com/path")
        .await;
    assert!(m.text("#app-cors-0-findings").contains("CORS-FORM"));
    m.click("[aria-label='Remove redirect URL 2']").await;
    m.type_into("#app-cors-0", "https://a.example.com").await;
    m.click("#app-logout-add").await;
    m.type_into("#app-logout-0", "HTTPS://A.example.com/bye")
        .await;
    assert!(m.text("#app-logout-0-canonical").contains("Stored as"));
    assert!(!m.disabled("#save-urls"));
    m.click("#save-urls").await;
    m.wait_text("#save-status", "Saved").await;
    let patches = server.requests("PATCH", "/applications/new1");
    assert_eq!(patches.len(), 1);
    assert_eq!(patches[0].header("If-Match"), Some("\"v1\""));
    assert_eq!(patches[0].header("X-Requested-With"), Some("appreg"));
    let body = patches[0].body.as_deref().unwrap();
    assert!(
        body.contains("\"redirect_urls\":[\"https://a.example.com/cb\"]"),
        "{body}"
    );
    assert!(
        body.contains("\"cors_urls\":[\"https://a.example.com\"]"),
        "{body}"
    );
    assert!(body.contains("post_logout_urls"), "{body}");

    // The tester uses the saved list.
    m.type_into("#probe", "https://a.example.com/cb").await;
    m.wait_text("#probe-result", "Accepted").await;
    m.type_into("#probe", "https://a.example.com/cb/").await;
    m.wait_text("#probe-result", "Rejected").await;

    // A second save carries the new ETag; the fake answers 412 to it, and the page says why.
    m.click("#save-urls").await;
    m.wait_text("#save-status", "Someone else changed this app")
        .await;
    let patches = server.requests("PATCH", "/applications/new1");
    assert_eq!(patches[1].header("If-Match"), Some("\"v2\""));
    m.find("#conflict-theirs").await;
}

#[wasm_bindgen_test]
async fn relative_times_say_how_far_and_which_way() {
    use appreg_web::time::{absolute, phrased, relative, Expiry};
    let day = 86_400_000.0;
    let now = 1_800_000_000_000.0;
    assert_eq!(relative(now, now + 12.0 * day + 5.0), "in 12 days");
    assert_eq!(relative(now, now - 3.0 * day), "3 days ago");
    assert_eq!(relative(now, now + day), "in 1 day");
    assert_eq!(relative(now, now - 2.0 * 3_600_000.0), "2 hours ago");
    assert_eq!(relative(now, now + 10.0), "just now");
    assert_eq!(
        phrased(now, now + 12.0 * day, ("expires", "expired")),
        "expires in 12 days"
    );
    assert_eq!(
        phrased(now, now - 3.0 * day, ("expires", "expired")),
        "expired 3 days ago"
    );
    assert_eq!(absolute("2026-12-10T14:05:00Z"), "2026-12-10 14:05 UTC");
    assert_eq!(Expiry::of(now, now - 1.0), Expiry::Expired);
    assert_eq!(Expiry::of(now, now + 30.0 * day), Expiry::Soon);
    assert_eq!(Expiry::of(now, now + 31.0 * day), Expiry::Later);
    assert_eq!(Expiry::Later.badge(), None);
}
