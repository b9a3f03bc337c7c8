//! Drafts and the offline queue.

use crate::harness::*;
use crate::server::*;
use appreg_core::api::{Application, CreateApplication};
use appreg_core::{AppType, Template};
use appreg_web::api::ApiError;
use appreg_web::outbox::{self, Queued, Sent};
use appreg_web::store;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen_test::*;
use web_sys::Event;

#[wasm_bindgen_test]
async fn the_draft_is_saved_and_offered_back_after_a_reload() {
    let (m, server) = signed_in().await;
    at_name_step(&m, "web").await;
    m.type_into("#app-name", "Half Done").await;
    let saved = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item(store::DRAFT_KEY)
        .unwrap()
        .expect("the draft is autosaved");
    assert!(saved.contains("Half Done"), "{saved}");
    drop(m);

    // "Reload": a new app instance on the partner page.
    go_to("#/");
    let m = start(&server, Rc::new(Cell::new(false)), None).await;
    m.wait_text("#resume-title", "Resume your draft?").await;
    assert!(m.text(".resume").contains("Half Done"));
    m.click("#resume-draft").await;
    m.heading("Redirect URLs").await;
    assert!(m.q(".resume").is_none());
    m.click("#back").await;
    m.heading("Name your application").await;
    assert_eq!(m.value("#app-name"), "Half Done");
    drop(m);

    // Discard removes it.
    go_to("#/");
    let m = start(&server, Rc::new(Cell::new(false)), None).await;
    m.click("#discard-draft").await;
    assert!(m.q(".resume").is_none());
    assert!(store::load_draft().is_none());
}

#[wasm_bindgen_test]
async fn offline_create_is_queued_and_sent_once_when_back_online() {
    reset_page();
    let server = Server::default();
    server.signed_in.set(true);
    let offline = Rc::new(Cell::new(false));
    let m = start(&server, offline.clone(), None).await;
    m.find("#create-app-start").await;
    set_offline(true);
    offline.set(true);
    web_sys::window()
        .unwrap()
        .dispatch_event(&Event::new("offline").unwrap())
        .unwrap();
    // Every step still validates offline.
    web_app_to_review(&m, "Offline App").await;
    assert!(m.q(".offline").is_some());
    let key = store::load_draft().unwrap().key;
    m.click("#create-app").await;
    m.find("#queued-notice").await;
    assert!(m.text("#queued-notice").contains("Queued"));
    assert!(m.disabled("#create-app"), "no second submit while queued");
    assert_eq!(outbox::load_queue().len(), 1);
    assert_eq!(outbox::load_queue()[0].key, key);
    assert!(server.requests("POST", "/applications").is_empty());

    // Back online: sent once, with the draft's idempotency key and the CSRF header.
    set_offline(false);
    offline.set(false);
    let w = web_sys::window().unwrap();
    w.dispatch_event(&Event::new("online").unwrap()).unwrap();
    w.dispatch_event(&Event::new("online").unwrap()).unwrap();
    m.wait_text("#client-id", "0123456789abcdef").await;
    w.dispatch_event(&Event::new("online").unwrap()).unwrap();
    sleep(50).await;
    let posts = server.requests("POST", "/partners/p1/applications");
    assert_eq!(posts.len(), 1, "sent exactly once");
    assert_eq!(posts[0].header("Idempotency-Key"), Some(key.as_str()));
    assert_eq!(posts[0].header("X-Requested-With"), Some("appreg"));
    let body: CreateApplication = serde_json::from_str(posts[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(body.name, "Offline App");
    assert_eq!(body.redirect_urls, vec!["https://app.example.com/callback"]);
    assert!(outbox::load_queue().is_empty());
    assert!(
        store::load_draft().is_none(),
        "the draft is gone once created"
    );
}

#[wasm_bindgen_test]
async fn a_stored_queue_that_cannot_be_read_is_dropped_and_nothing_is_shown_as_queued() {
    reset_page();
    // The main module only sees that something is stored; reading it (the rules' module) finds no
    // request in it.
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.set_item(outbox::QUEUE_KEY, "not a queue").unwrap();
    assert!(outbox::queued());
    let server = Server::default();
    server.signed_in.set(true);
    let m = start(&server, Rc::new(Cell::new(false)), None).await;
    m.find("#create-app-start").await;
    settle().await;
    assert!(!outbox::queued(), "the unreadable queue is removed");
    assert!(m.q("#queued-banner").is_none(), "no queued banner");
    assert!(server.requests("POST", "/applications").is_empty());
}

#[wasm_bindgen_test]
async fn the_queue_sends_each_request_once_and_keeps_it_on_network_errors() {
    reset_page();
    let item = |key: &str| Queued {
        partner: "p1".into(),
        key: key.into(),
        body: CreateApplication {
            template: Template::Empty,
            app_type: AppType::Custom,
            name: format!("App {key}"),
            redirect_urls: vec![],
            endpoints: Default::default(),
            technical_contact: "alice@example.com".into(),
        },
    };
    outbox::enqueue(item("k1"));
    outbox::enqueue(item("k1")); // the same key replaces, never duplicates
    outbox::enqueue(item("k2"));
    assert_eq!(outbox::load_queue().len(), 2);

    // The network fails: nothing leaves the queue.
    let calls = Rc::new(RefCell::new(Vec::<String>::new()));
    let c = calls.clone();
    let sent = outbox::flush(move |q: Queued| {
        c.borrow_mut().push(q.key.clone());
        async move { Err::<Application, _>(ApiError::Network("down".into())) }
    })
    .await;
    assert!(sent.is_empty());
    assert_eq!(
        *calls.borrow(),
        vec!["k1"],
        "stops at the first network error"
    );
    assert_eq!(outbox::load_queue().len(), 2);

    // Two flushes at once: each request is sent exactly once.
    calls.borrow_mut().clear();
    let sender = |calls: Rc<RefCell<Vec<String>>>| {
        move |q: Queued| {
            calls.borrow_mut().push(q.key.clone());
            async move {
                sleep(20).await;
                if q.key == "k2" {
                    Err(ApiError::Http {
                        status: 422,
                        problem: None,
                        body: String::new(),
                    })
                } else {
                    Ok(application("x", &q.body))
                }
            }
        }
    };
    let (a, b) = futures_join(
        outbox::flush(sender(calls.clone())),
        outbox::flush(sender(calls.clone())),
    )
    .await;
    assert_eq!(*calls.borrow(), vec!["k1", "k2"]);
    let all: Vec<Sent> = a.into_iter().chain(b).collect();
    assert_eq!(all.len(), 2);
    assert!(matches!(&all[0], Sent::Created(q, _) if q.key == "k1"));
    assert!(matches!(&all[1], Sent::Refused(q, e) if q.key == "k2" && e.status() == Some(422)));
    assert!(outbox::load_queue().is_empty());
}

/// Runs two futures concurrently on the single wasm thread.
async fn futures_join<A, B>(a: A, b: B) -> (A::Output, B::Output)
where
    A: std::future::Future + 'static,
    B: std::future::Future + 'static,
    A::Output: 'static,
    B::Output: 'static,
{
    let ra = Rc::new(RefCell::new(None));
    let r = ra.clone();
    wasm_bindgen_futures::spawn_local(async move {
        *r.borrow_mut() = Some(a.await);
    });
    let b = b.await;
    while ra.borrow().is_none() {
        sleep(5).await;
    }
    let a = ra.borrow_mut().take().unwrap();
    (a, b)
}
