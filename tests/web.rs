//! Browser tests: run in headless Chromium by `make test`
//! (`cargo test --target wasm32-unknown-unknown`, wasm-bindgen-test-runner + chromedriver).

use appreg_web::App;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Event, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

async fn tick() {
    // Let Leptos' effects run.
    let promise = js_sys::Promise::resolve(&wasm_bindgen::JsValue::NULL);
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn type_into(id: &str, value: &str) {
    let input: HtmlInputElement = document()
        .get_element_by_id(id)
        .unwrap()
        .dyn_into()
        .unwrap();
    input.set_value(value);
    input.dispatch_event(&Event::new("input").unwrap()).unwrap();
}

fn text_of(selector: &str) -> String {
    document()
        .query_selector(selector)
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_name_field_shows_the_core_rule_as_the_user_types() {
    let _handle = leptos::mount::mount_to_body(App);
    tick().await;
    type_into("app-name", "My.App");
    tick().await;
    assert!(
        text_of("#app-name-findings").contains("NAME-CHAR"),
        "{}",
        text_of("#app-name-findings")
    );
    assert_eq!(
        document()
            .query_selector(".verdict")
            .unwrap()
            .unwrap()
            .get_attribute("data-verdict")
            .as_deref(),
        Some("error")
    );
    type_into("app-name", "My App");
    tick().await;
    assert_eq!(text_of("#app-name-findings"), "");
    assert_eq!(
        document()
            .query_selector(".verdict")
            .unwrap()
            .unwrap()
            .get_attribute("data-verdict")
            .as_deref(),
        Some("ok")
    );
}
