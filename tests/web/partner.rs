//! Sign-in, the partner page, sessions.

use crate::harness::*;
use crate::server::*;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Event;

#[wasm_bindgen_test]
async fn sign_in_sends_the_csrf_header_and_opens_the_partner_page() {
    reset_page();
    let server = Server::default();
    server.apps.set(3);
    let m = start(&server, Rc::new(Cell::new(false)), None).await;
    m.find("#sign-in-email").await;
    m.type_into("#sign-in-email", "alice@example.com").await;
    m.type_into("#sign-in-password", "correct horse").await;
    m.click("#sign-in").await;
    m.find("#create-app-start").await;
    let posts = server.requests("POST", "/api/v1/session");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].header("X-Requested-With"), Some("appreg"));
    assert!(posts[0]
        .body
        .as_deref()
        .unwrap()
        .contains("alice@example.com"));
    // Three apps: tiles.
    m.wait_text("#app-tiles", "p1 app 2").await;
    assert_eq!(m.all("#app-tiles .tile").len(), 3);
    // Two partners: a switcher; the other partner has 12 apps, shown as a filterable list.
    let select: web_sys::HtmlSelectElement = m.find("#partner-switcher").await.dyn_into().unwrap();
    select.set_value("p2");
    select
        .dispatch_event(&Event::new("change").unwrap())
        .unwrap();
    m.find("#app-list").await;
    assert!(m.q("#app-tiles").is_none());
    assert_eq!(m.all("#app-list tbody tr").len(), 12);
    m.type_into("#app-filter", "app 1").await;
    // The server searches: "p2 app 1", "p2 app 10", "p2 app 11".
    for _ in 0..100 {
        if m.all("#app-list tbody tr").len() == 3 {
            break;
        }
        sleep(10).await;
    }
    assert_eq!(m.all("#app-list tbody tr").len(), 3);
    let searched = server.requests("GET", "/api/v1/partners/p2/applications");
    assert!(
        searched.iter().any(|r| r.url.contains("query=app%201")),
        "{searched:?}"
    );
    // Sign out: DELETE with the CSRF header.
    server.signed_in.set(false);
    m.click("header .link").await;
    m.find("#sign-in-email").await;
    let del = server.requests("DELETE", "/api/v1/session");
    assert_eq!(del.len(), 1);
    assert_eq!(del[0].header("X-Requested-With"), Some("appreg"));
}

#[wasm_bindgen_test]
async fn the_user_menu_lists_my_sessions_and_ends_another_one() {
    let (m, server) = signed_in().await;
    m.click("#sessions-link").await;
    m.wait_text("#session-list", "(this device)").await;
    assert_eq!(m.all("#session-list li").len(), 2);
    assert!(m.text("#session-list").contains("Safari on iPhone"));
    // "End" for the other device only.
    assert_eq!(m.all("#session-list button").len(), 1);
    m.click("#session-list button").await;
    let ended = server.requests("DELETE", "/api/v1/sessions/s2");
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].header("X-Requested-With"), Some("appreg"));
    for _ in 0..300 {
        if m.all("#session-list li").len() == 1 {
            break;
        }
        sleep(10).await;
    }
    assert_eq!(m.all("#session-list li").len(), 1);
    assert!(m.q("#session-list button").is_none());
}
