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
async fn app_page_saves_urls_with_if_match_and_tests_a_redirect() {
    reset_page();
    let server = Server::default();
    server.signed_in.set(true);
    go_to("#/apps/new1/urls");
    let m = start(&server, Rc::new(Cell::new(false)), None).await;
    m.find("#app-redirects").await;
    settle().await;
    assert_eq!(
        document().active_element().map(|e| e.id()).as_deref(),
        Some("urls-title"),
        "the link's section gets the focus"
    );

    m.type_into(
        "#app-redirects",
        "https://a.example.com/cb\nhttps://a.example.com/cb",
    )
    .await;
    assert!(m.text("#app-redirects-findings").contains("RU-DUPLICATE"));
    assert!(m.disabled("#save-urls"));
    m.type_into("#app-cors", "https://a.example.com/path").await;
    assert!(m.text("#app-cors-findings").contains("CORS-FORM"));
    m.type_into("#app-redirects", "https://a.example.com/cb")
        .await;
    m.type_into("#app-cors", "https://a.example.com").await;
    assert!(!m.disabled("#save-urls"));
    m.click("#save-urls").await;
    m.wait_text("#save-status", "Saved").await;
    let patches = server.requests("PATCH", "/applications/new1");
    assert_eq!(patches.len(), 1);
    assert_eq!(patches[0].header("If-Match"), Some("\"v1\""));
    assert_eq!(patches[0].header("X-Requested-With"), Some("appreg"));
    assert!(patches[0]
        .body
        .as_deref()
        .unwrap()
        .contains("https://a.example.com/cb"));

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
}
