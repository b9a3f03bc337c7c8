//! Embedding in a host page, and the validators exported to JavaScript.

use crate::harness::*;
use crate::server::*;
use appreg_web::store;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::Element;

fn listen(target: &Element, name: &str) -> Rc<RefCell<Vec<JsValue>>> {
    let got = Rc::new(RefCell::new(Vec::new()));
    let g = got.clone();
    let cb = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::CustomEvent)>::new(
        move |e: web_sys::CustomEvent| g.borrow_mut().push(e.detail()),
    );
    target
        .add_event_listener_with_callback(name, cb.as_ref().unchecked_ref())
        .unwrap();
    cb.forget();
    got
}

fn prop(v: &JsValue, name: &str) -> Option<String> {
    js_sys::Reflect::get(v, &name.into()).ok()?.as_string()
}

#[wasm_bindgen_test]
async fn embedding_dispatches_created_and_cancelled_on_the_host_element() {
    reset_page();
    let server = Server::default();
    server.signed_in.set(true);
    let m = start(&server, Rc::new(Cell::new(false)), Some("appreg")).await;
    m.find("#create-app-start").await;
    assert!(
        m.root.query_selector(":scope > .appreg").unwrap().is_some(),
        "root class"
    );
    let created = listen(&m.root, "appreg:created");
    let cancelled = listen(&m.root, "appreg:cancelled");

    open_wizard(&m).await;
    m.click("#template-web").await;
    // Entered data: Cancel asks first; nothing is dropped until "Discard registration".
    m.click("#cancel").await;
    assert!(
        m.q("#cancel-dialog:not([hidden])").is_some(),
        "the question is shown"
    );
    assert_eq!(cancelled.borrow().len(), 0);
    m.click("#cancel-dialog button.danger").await;
    m.find("#create-app-start").await;
    assert_eq!(cancelled.borrow().len(), 1);
    assert!(store::load_draft().is_none(), "cancel drops the draft");

    web_app_to_review(&m, "Embedded").await;
    m.click("#create-app").await;
    m.wait_text("#client-id", "0123456789abcdef0123456789abcdef")
        .await;
    let got = created.borrow();
    assert_eq!(got.len(), 1);
    assert_eq!(prop(&got[0], "id").as_deref(), Some("new1"));
    assert_eq!(
        prop(&got[0], "client_id").as_deref(),
        Some("0123456789abcdef0123456789abcdef")
    );
}

#[wasm_bindgen_test]
fn validators_are_exported_to_javascript() {
    let out = appreg_web::embed::validate_redirect_urls(
        "web",
        r#"["https://a.example.com/cb#x","https://b.example.com/cb","https://b.example.com/cb"]"#,
    )
    .unwrap();
    let checks: Vec<appreg_core::Check> = serde_json::from_str(&out).unwrap();
    assert_eq!(checks.len(), 3);
    assert!(checks[0].has(appreg_core::Rule::RuFragment));
    assert!(!checks[1].is_error());
    assert!(checks[2].has(appreg_core::Rule::RuDuplicate));
    assert!(appreg_web::embed::validate_redirect_urls("nope", "[]").is_err());

    let cors: appreg_core::Check = serde_json::from_str(
        &appreg_web::embed::validate_cors_origin("https://x.example.com/path").unwrap(),
    )
    .unwrap();
    assert!(cors.has(appreg_core::Rule::CorsForm));
    let name: appreg_core::Check =
        serde_json::from_str(&appreg_web::embed::validate_name("a<b")).unwrap();
    assert!(name.has(appreg_core::Rule::NameChar));
}

#[wasm_bindgen_test]
async fn with_the_hosts_token_every_request_is_signed_by_it_and_each_step_is_announced() {
    reset_page();
    let server = Server::default();
    server.signed_in.set(true);
    let asked = Rc::new(Cell::new(0u32));
    let a = asked.clone();
    appreg_web::api::set_token_source(Some(Rc::new(move || {
        a.set(a.get() + 1);
        Box::pin(async { Some("tok-1".to_string()) })
    })));
    let m = start(&server, Rc::new(Cell::new(false)), Some("appreg")).await;
    let steps = listen(&m.root, "appreg:step");
    let verdicts = listen(&m.root, "appreg:validity");
    let no_sign_out = m.q("header button.link").is_none();
    web_app_to_review(&m, "Signed by the host").await;
    m.click("#create-app").await;
    m.wait_text("#client-id", "0123456789abcdef0123456789abcdef")
        .await;
    // The next test must not inherit the token, whatever is asserted below.
    appreg_web::api::set_token_source(None);

    assert!(no_sign_out, "signing out is the host's business");
    let posts = server.requests("POST", "/applications");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].header("Authorization"), Some("Bearer tok-1"));
    assert_eq!(posts[0].header("X-Requested-With"), None, "no CSRF header");
    let gets = server.requests("GET", "/me");
    assert!(gets
        .iter()
        .all(|r| r.header("Authorization") == Some("Bearer tok-1")));
    assert!(
        asked.get() as usize >= posts.len() + gets.len(),
        "asked per request"
    );

    let shown: Vec<String> = steps
        .borrow()
        .iter()
        .filter_map(|d| prop(d, "step"))
        .collect();
    assert_eq!(
        shown,
        ["template", "name", "redirect-urls", "contact", "review"]
    );
    let verdicts: Vec<(String, bool)> = verdicts
        .borrow()
        .iter()
        .map(|d| {
            let valid = js_sys::Reflect::get(d, &"valid".into()).unwrap();
            (prop(d, "step").unwrap(), valid.as_bool().unwrap())
        })
        .collect();
    // Each step starts with its verdict and is left valid; the name step was invalid before typing.
    for step in &shown {
        let of: Vec<bool> = verdicts
            .iter()
            .filter(|(s, _)| s == step)
            .map(|v| v.1)
            .collect();
        assert_eq!(of.last(), Some(&true), "{step}: {verdicts:?}");
    }
    assert!(verdicts.contains(&("name".into(), false)), "{verdicts:?}");
}
