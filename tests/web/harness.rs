//! Mounting the SPA against the fake server, and DOM helpers.

use crate::server::Server;
use appreg_web::api::{self};
use appreg_web::{App, Config};
use leptos::prelude::*;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event, HtmlElement, HtmlInputElement};
pub(crate) fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

pub(crate) async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Resolves at the next animation frame (when the app moves focus: see `ui::focus_at_next_frame`).
pub(crate) async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .request_animation_frame(&resolve)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

thread_local! {
    /// The app of a test that failed (a wasm panic does not unwind, so its `Mounted` is never dropped).
    static LIVE: RefCell<Option<(Owner, Element)>> = const { RefCell::new(None) };
}

pub(crate) struct Mounted {
    pub(crate) root: Element,
    pub(crate) owner: Owner,
    pub(crate) handle: Option<Box<dyn Any>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        // Unmount, then dispose of the app's reactive tree (its window listeners go with it).
        self.handle.take();
        self.owner.cleanup();
        self.root.remove();
        LIVE.with(|l| l.borrow_mut().take());
        api::set_transport(None);
    }
}

impl Mounted {
    pub(crate) fn q(&self, sel: &str) -> Option<Element> {
        self.root.query_selector(sel).unwrap()
    }

    pub(crate) fn all(&self, sel: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(sel).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into().ok())
            .collect()
    }

    pub(crate) fn text(&self, sel: &str) -> String {
        self.q(sel)
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    }

    /// Waits (up to 3 s) until the selector matches.
    pub(crate) async fn find(&self, sel: &str) -> Element {
        for _ in 0..300 {
            if let Some(e) = self.q(sel) {
                return e;
            }
            sleep(10).await;
        }
        panic!("{sel} never appeared; page: {}", self.root.inner_html());
    }

    /// Waits (up to 3 s) until the selector's text contains `needle`.
    pub(crate) async fn wait_text(&self, sel: &str, needle: &str) {
        for _ in 0..300 {
            if self.text(sel).contains(needle) {
                return;
            }
            sleep(10).await;
        }
        panic!(
            "{sel} never contained {needle:?}; it says {:?}; page: {}",
            self.text(sel),
            self.root.inner_html()
        );
    }

    pub(crate) async fn click(&self, sel: &str) {
        let e: HtmlElement = self.find(sel).await.dyn_into().unwrap();
        e.click();
        settle().await;
    }

    /// Types into an input or a textarea.
    pub(crate) async fn type_into(&self, sel: &str, value: &str) {
        let field = self.find(sel).await;
        js_sys::Reflect::set(&field, &"value".into(), &value.into()).unwrap();
        field.dispatch_event(&Event::new("input").unwrap()).unwrap();
        settle().await;
    }

    pub(crate) fn value(&self, sel: &str) -> String {
        let Some(e) = self.q(sel) else {
            return String::new();
        };
        match e.dyn_into::<HtmlInputElement>() {
            Ok(i) => i.value(),
            Err(e) => e
                .dyn_into::<web_sys::HtmlTextAreaElement>()
                .map(|t| t.value())
                .unwrap_or_default(),
        }
    }

    pub(crate) fn disabled(&self, sel: &str) -> bool {
        self.q(sel)
            .unwrap_or_else(|| panic!("no {sel}"))
            .has_attribute("disabled")
    }

    pub(crate) async fn heading(&self, title: &str) {
        self.wait_text("#step-title", title).await;
        settle().await;
        // The heading is focused at the frame after it is drawn.
        next_frame().await;
        let active = document().active_element().map(|e| e.id());
        assert_eq!(
            active.as_deref(),
            Some("step-title"),
            "focus moves to the step heading"
        );
    }
}

pub(crate) async fn settle() {
    sleep(5).await;
}

pub(crate) fn reset_page() {
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    go_to("#/");
    set_offline(false);
}

/// Puts `hash` in the address bar without a navigation event, as a reload at that address would find it.
pub(crate) fn go_to(hash: &str) {
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(hash))
        .unwrap();
}

/// Simulates the browser's network state: `navigator.onLine` and the `online` event.
pub(crate) fn set_offline(offline: bool) {
    let nav = web_sys::window().unwrap().navigator();
    if offline {
        let desc = js_sys::Object::new();
        js_sys::Reflect::set(&desc, &"configurable".into(), &JsValue::TRUE).unwrap();
        js_sys::Reflect::set(
            &desc,
            &"get".into(),
            &js_sys::Function::new_no_args("return false"),
        )
        .unwrap();
        js_sys::Object::define_property(&nav, &"onLine".into(), &desc);
    } else {
        js_sys::Reflect::delete_property(&nav, &"onLine".into()).unwrap();
    }
}

/// Mounts the SPA into a fresh `<div>` (with the given id), signed in unless `signed_in` is false.
pub(crate) async fn start(
    server: &Server,
    offline: Rc<Cell<bool>>,
    host_id: Option<&str>,
) -> Mounted {
    if let Some((owner, root)) = LIVE.with(|l| l.borrow_mut().take()) {
        owner.cleanup();
        root.remove();
    }
    server.install(offline);
    let root = document().create_element("div").unwrap();
    if let Some(id) = host_id {
        root.set_id(id);
    }
    document().body().unwrap().append_child(&root).unwrap();
    let host: HtmlElement = root.clone().dyn_into().unwrap();
    let el = root.clone();
    let config = Config {
        api_base: String::new(),
        partner: Some("p1".into()),
        ..Default::default()
    };
    let owner = Owner::new();
    let handle = owner
        .with(|| leptos::mount::mount_to(host, move || view! { <App config=config host=el /> }));
    LIVE.with(|l| *l.borrow_mut() = Some((owner.clone(), root.clone())));
    let m = Mounted {
        root,
        owner,
        handle: Some(Box::new(handle)),
    };
    settle().await;
    m
}

pub(crate) async fn signed_in() -> (Mounted, Server) {
    reset_page();
    let server = Server::default();
    server.signed_in.set(true);
    server.apps.set(3);
    let m = start(&server, Rc::new(Cell::new(false)), None).await;
    m.find("#create-app-start").await;
    (m, server)
}

pub(crate) async fn open_wizard(m: &Mounted) {
    m.click("#create-app-start").await;
    m.heading("Choose a template").await;
}

/// Opens the wizard, picks `template` and goes on to the name step.
pub(crate) async fn at_name_step(m: &Mounted, template: &str) {
    open_wizard(m).await;
    m.click(&format!("#template-{template}")).await;
    m.click("#next").await;
    m.heading("Name your application").await;
}

/// Opens the wizard, picks `template`, names the app and goes on to step 3.
pub(crate) async fn past_name_step(m: &Mounted, template: &str, name: &str) {
    at_name_step(m, template).await;
    m.type_into("#app-name", name).await;
    m.click("#next").await;
}

/// Walks a Web app to the review step.
pub(crate) async fn web_app_to_review(m: &Mounted, name: &str) {
    past_name_step(m, "web", name).await;
    m.heading("Redirect URLs").await;
    m.type_into(".redirect-url", "https://app.example.com/callback")
        .await;
    m.click("#next").await;
    m.heading("Technical contact").await;
    m.click("#next").await;
    m.heading("Review and create").await;
}
