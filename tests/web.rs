//! Browser tests: run in headless Chromium by `make test`
//! (`cargo test --target wasm32-unknown-unknown`, wasm-bindgen-test-runner + chromedriver).
//!
//! The SPA runs against a fake server installed with `api::set_transport`, so every request it makes
//! is recorded and can be asserted on.

use appreg_core::api::{
    Application, ApplicationPage, ClientIds, CreateApplication, EnvState, Environments, Me,
    NameAvailability, NewSecret, PartnerMembership, Role, SessionInfo, User, UserSummary,
};
use appreg_core::{check_name, name_taken_finding, AppType, Capability, Environment, Template};
use appreg_web::api::{self, ApiError, HttpRequest, HttpResponse};
use appreg_web::store::{self, Queued, Sent};
use appreg_web::{App, Config};
use leptos::prelude::*;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, Event, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

// ----------------------------------------------------------------------------------------------
// A fake server.

fn me() -> Me {
    Me {
        user: User {
            id: "u1".into(),
            email: "alice@example.com".into(),
            name: "Alice Admin".into(),
        },
        partners: vec![
            PartnerMembership {
                id: "p1".into(),
                name: "Acme".into(),
                role: Role::Administrator,
            },
            PartnerMembership {
                id: "p2".into(),
                name: "Globex".into(),
                role: Role::Developer,
            },
        ],
        app_manager: false,
    }
}

fn application(id: &str, body: &CreateApplication) -> Application {
    Application {
        id: id.into(),
        partner_id: "p1".into(),
        name: body.name.clone(),
        template: body.template,
        app_type: body.app_type,
        capabilities: body.template.capabilities().to_vec(),
        client_ids: ClientIds {
            sod: "0123456789abcdef0123456789abcdef".into(),
            stage: "1123456789abcdef0123456789abcdef".into(),
            production: "2123456789abcdef0123456789abcdef".into(),
        },
        redirect_urls: body.redirect_urls.clone(),
        post_logout_urls: vec![],
        cors_urls: vec![],
        endpoints: body.endpoints.clone(),
        technical_contact: body.technical_contact.clone(),
        environments: Environments {
            sod: EnvState::Published,
            stage: EnvState::None,
            production: EnvState::None,
        },
        created_at: "2026-11-27T10:00:00Z".into(),
    }
}

fn existing(n: usize, partner: &str) -> ApplicationPage {
    let items = (0..n)
        .map(|i| {
            let mut a = application(
                &format!("a{i}"),
                &CreateApplication {
                    template: Template::Web,
                    app_type: AppType::Custom,
                    name: format!("{partner} app {i}"),
                    redirect_urls: vec!["https://app.example.com/cb".into()],
                    endpoints: Default::default(),
                    technical_contact: "alice@example.com".into(),
                },
            );
            a.partner_id = partner.into();
            a
        })
        .collect();
    ApplicationPage {
        items,
        next_cursor: None,
    }
}

fn ok<T: serde::Serialize>(status: u16, v: &T) -> HttpResponse {
    HttpResponse {
        status,
        body: serde_json::to_string(v).unwrap(),
        etag: Some("\"v1\"".into()),
    }
}

fn query_param(url: &str, name: &str) -> String {
    let u = web_sys::Url::new_with_base(url, "http://x.invalid").unwrap();
    u.search_params().get(name).unwrap_or_default()
}

#[derive(Clone, Default)]
struct Server {
    log: Rc<RefCell<Vec<HttpRequest>>>,
    signed_in: Rc<Cell<bool>>,
    apps: Rc<Cell<usize>>,
    /// The other device's session was ended.
    ended: Rc<Cell<bool>>,
}

impl Server {
    fn requests(&self, method: &str, path_part: &str) -> Vec<HttpRequest> {
        self.log
            .borrow()
            .iter()
            .filter(|r| r.method == method && r.url.contains(path_part))
            .cloned()
            .collect()
    }

    fn handle(&self, req: &HttpRequest) -> HttpResponse {
        let path = req.url.split('?').next().unwrap_or_default().to_string();
        let path = path.trim_start_matches("/api/v1");
        match (req.method, path) {
            ("POST", "/session") => {
                self.signed_in.set(true);
                HttpResponse {
                    status: 204,
                    body: String::new(),
                    etag: None,
                }
            }
            ("GET", "/me") if self.signed_in.get() => ok(200, &me()),
            ("GET", "/me") => HttpResponse {
                status: 401,
                body: r#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":""}"#
                    .into(),
                etag: None,
            },
            ("GET", "/sessions") => {
                let session = |id: &str, agent: &str, current: bool| SessionInfo {
                    id: id.into(),
                    created_at: "2026-11-27T08:00:00.000Z".into(),
                    last_seen_at: "2026-11-27T09:00:00.000Z".into(),
                    expires_at: "2026-11-27T20:00:00.000Z".into(),
                    user_agent: agent.into(),
                    ip: "192.0.2.1".into(),
                    current,
                };
                let mut list = vec![session("s1", "Firefox on Linux", true)];
                if !self.ended.get() {
                    list.push(session("s2", "Safari on iPhone", false));
                }
                ok(200, &list)
            }
            ("DELETE", "/sessions/s2") => {
                self.ended.set(true);
                HttpResponse {
                    status: 204,
                    body: String::new(),
                    etag: None,
                }
            }
            ("GET", "/partners/p1/applications") => ok(200, &existing(self.apps.get(), "p1")),
            ("GET", "/partners/p2/applications") => ok(200, &existing(12, "p2")),
            ("GET", "/partners/p1/applications/name-available") => {
                let name = query_param(&req.url, "name");
                let taken = name.eq_ignore_ascii_case("Taken App");
                let mut check = check_name(&name);
                if taken {
                    check.push(name_taken_finding("Taken App"));
                }
                ok(
                    200,
                    &NameAvailability {
                        available: !taken,
                        check,
                    },
                )
            }
            ("GET", "/partners/p1/users") => {
                let prefix = query_param(&req.url, "email_prefix");
                let users: Vec<UserSummary> = [("u2", "bob@example.com", "Bob Builder")]
                    .into_iter()
                    .filter(|(_, e, _)| e.starts_with(&prefix))
                    .map(|(id, email, name)| UserSummary {
                        id: id.into(),
                        email: email.into(),
                        name: name.into(),
                    })
                    .collect();
                ok(200, &users)
            }
            ("POST", "/partners/p1/applications") => {
                let body: CreateApplication =
                    serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
                ok(201, &application("new1", &body))
            }
            ("GET", "/applications/new1") => ok(
                200,
                &application(
                    "new1",
                    &CreateApplication {
                        template: Template::Web,
                        app_type: AppType::Standard,
                        name: "Reloaded".into(),
                        redirect_urls: vec![],
                        endpoints: Default::default(),
                        technical_contact: "alice@example.com".into(),
                    },
                ),
            ),
            ("PATCH", "/applications/new1") => {
                if req.header("If-Match") != Some("\"v1\"") {
                    return HttpResponse {
                        status: 412,
                        body: r#"{"type":"about:blank","title":"Precondition Failed","status":412,"detail":""}"#.into(),
                        etag: None,
                    };
                }
                let patch: appreg_core::api::ApplicationPatch =
                    serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
                let mut app = application(
                    "new1",
                    &CreateApplication {
                        template: Template::Web,
                        app_type: AppType::Standard,
                        name: "Reloaded".into(),
                        redirect_urls: patch.redirect_urls.unwrap_or_default(),
                        endpoints: Default::default(),
                        technical_contact: "alice@example.com".into(),
                    },
                );
                app.cors_urls = patch.cors_urls.unwrap_or_default();
                let mut r = ok(200, &app);
                r.etag = Some("\"v2\"".into());
                r
            }
            ("GET", "/applications/new1/secrets")
            | ("GET", "/applications/new1/certificates")
            | ("GET", "/applications/new1/publish-requests") => HttpResponse {
                status: 200,
                body: "[]".into(),
                etag: None,
            },
            ("POST", "/applications/new1/secrets") => ok(
                201,
                &NewSecret {
                    id: "s1".into(),
                    environment: Environment::Sod,
                    description: String::new(),
                    secret: "S3CRET-value-shown-once".into(),
                    last4: "once".into(),
                    created_at: "2026-11-27T10:00:00Z".into(),
                    expires_at: "2027-11-27T10:00:00Z".into(),
                },
            ),
            _ => HttpResponse {
                status: 404,
                body: r#"{"type":"about:blank","title":"Not Found","status":404,"detail":""}"#
                    .into(),
                etag: None,
            },
        }
    }

    /// Installs this fake as the SPA's network layer; while `offline` is set, requests fail as
    /// network errors.
    fn install(&self, offline: Rc<Cell<bool>>) {
        let me = self.clone();
        api::set_transport(Some(Rc::new(move |req: HttpRequest| {
            let me = me.clone();
            let offline = offline.clone();
            Box::pin(async move {
                if offline.get() {
                    return Err("Failed to fetch".to_string());
                }
                me.log.borrow_mut().push(req.clone());
                Ok(me.handle(&req))
            })
        })));
    }
}

// ----------------------------------------------------------------------------------------------
// DOM helpers.

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

thread_local! {
    /// The app of a test that failed (a wasm panic does not unwind, so its `Mounted` is never dropped).
    static LIVE: RefCell<Option<(Owner, Element)>> = const { RefCell::new(None) };
}

struct Mounted {
    root: Element,
    owner: Owner,
    handle: Option<Box<dyn Any>>,
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
    fn q(&self, sel: &str) -> Option<Element> {
        self.root.query_selector(sel).unwrap()
    }

    fn all(&self, sel: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(sel).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into().ok())
            .collect()
    }

    fn text(&self, sel: &str) -> String {
        self.q(sel)
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    }

    /// Waits (up to 3 s) until the selector matches.
    async fn find(&self, sel: &str) -> Element {
        for _ in 0..300 {
            if let Some(e) = self.q(sel) {
                return e;
            }
            sleep(10).await;
        }
        panic!("{sel} never appeared; page: {}", self.root.inner_html());
    }

    /// Waits (up to 3 s) until the selector's text contains `needle`.
    async fn wait_text(&self, sel: &str, needle: &str) {
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

    async fn click(&self, sel: &str) {
        let e: HtmlElement = self.find(sel).await.dyn_into().unwrap();
        e.click();
        settle().await;
    }

    /// Types into an input or a textarea.
    async fn type_into(&self, sel: &str, value: &str) {
        let field = self.find(sel).await;
        js_sys::Reflect::set(&field, &"value".into(), &value.into()).unwrap();
        field.dispatch_event(&Event::new("input").unwrap()).unwrap();
        settle().await;
    }

    fn value(&self, sel: &str) -> String {
        self.q(sel)
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
            .map(|i| i.value())
            .unwrap_or_default()
    }

    fn disabled(&self, sel: &str) -> bool {
        self.q(sel)
            .unwrap_or_else(|| panic!("no {sel}"))
            .has_attribute("disabled")
    }

    async fn heading(&self, title: &str) {
        self.wait_text("#step-title", title).await;
        settle().await;
        let active = document().active_element().map(|e| e.id());
        assert_eq!(
            active.as_deref(),
            Some("step-title"),
            "focus moves to the step heading"
        );
    }
}

async fn settle() {
    sleep(5).await;
}

fn reset_page() {
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
fn go_to(hash: &str) {
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(hash))
        .unwrap();
}

/// Simulates the browser's network state: `navigator.onLine` and the `online` event.
fn set_offline(offline: bool) {
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
async fn start(server: &Server, offline: Rc<Cell<bool>>, host_id: Option<&str>) -> Mounted {
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

async fn signed_in() -> (Mounted, Server) {
    reset_page();
    let server = Server::default();
    server.signed_in.set(true);
    server.apps.set(3);
    let m = start(&server, Rc::new(Cell::new(false)), None).await;
    m.find("#create-app-start").await;
    (m, server)
}

async fn open_wizard(m: &Mounted) {
    m.click("#create-app-start").await;
    m.heading("Choose a template").await;
}

/// Opens the wizard, picks `template` and goes on to the name step.
async fn at_name_step(m: &Mounted, template: &str) {
    open_wizard(m).await;
    m.click(&format!("#template-{template}")).await;
    m.click("#next").await;
    m.heading("Name your application").await;
}

/// Opens the wizard, picks `template`, names the app and goes on to step 3.
async fn past_name_step(m: &Mounted, template: &str, name: &str) {
    at_name_step(m, template).await;
    m.type_into("#app-name", name).await;
    m.click("#next").await;
}

/// Walks a Web app to the review step.
async fn web_app_to_review(m: &Mounted, name: &str) {
    past_name_step(m, "web", name).await;
    m.heading("Redirect URLs").await;
    m.type_into(".redirect-url", "https://app.example.com/callback")
        .await;
    m.click("#next").await;
    m.heading("Technical contact").await;
    m.click("#next").await;
    m.heading("Review and create").await;
}

// ----------------------------------------------------------------------------------------------
// Sign-in, partner page.

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
    // "p2 app 1", "p2 app 10", "p2 app 11"
    assert_eq!(m.all("#app-list tbody tr").len(), 3);
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

// ----------------------------------------------------------------------------------------------
// The steps.

#[wasm_bindgen_test]
async fn template_step_needs_a_choice_and_fixes_the_app_type() {
    let (m, _s) = signed_in().await;
    open_wizard(&m).await;
    assert!(
        m.disabled("#next"),
        "Next is disabled before a template is chosen"
    );
    assert!(m.text("#next-reason").contains("Choose a template"));
    let titles: Vec<String> = m
        .all(".card-title")
        .iter()
        .filter_map(|e| e.text_content())
        .collect();
    let expected: Vec<String> = Template::ALL
        .iter()
        .map(|t| t.title().to_string())
        .collect();
    assert_eq!(titles, expected);

    m.click("#template-mirroring").await;
    assert!(!m.disabled("#next"));
    let custom: HtmlInputElement = m.q("#app-type-custom").unwrap().dyn_into().unwrap();
    assert!(custom.checked(), "mirroring is always Custom");
    assert!(m.disabled("#app-type-standard"));
    assert!(m.q("[data-note=development-tools]").is_some());
    assert!(m.q("[data-note=database-mirroring]").is_some());
    assert!(m.text("#app-type-note").contains("always Custom"));

    m.click("#template-erp").await;
    let standard: HtmlInputElement = m.q("#app-type-standard").unwrap().dyn_into().unwrap();
    assert!(standard.checked(), "ERP sync and quote is always Standard");
    assert!(m.disabled("#app-type-custom"));
    assert!(m.q("[data-note=integration-server]").is_some());
    assert!(m.q("[data-note=development-tools]").is_none());
    // The default configuration table marks ERP's capabilities.
    assert_eq!(
        m.all("table.config tr.on").len(),
        Template::Erp.capabilities().len()
    );
    assert!(m
        .text("table.config tr.on")
        .contains(Capability::WebApi.title()));

    m.click("#template-web").await;
    assert!(!m.disabled("#app-type-standard"));
    m.click("#app-type-standard").await;
    assert!(
        m.q("[data-note=development-tools]").is_none(),
        "no license note for a standard web app"
    );
}

#[wasm_bindgen_test]
async fn name_step_shows_the_rule_and_blocks_next_until_valid() {
    let (m, server) = signed_in().await;
    at_name_step(&m, "mirroring").await;
    // Mirroring suggests a name for the partner.
    assert_eq!(m.value("#app-name"), "Data mirroring for Acme");

    m.type_into("#app-name", "My.App").await;
    assert!(
        m.text("#app-name-findings").contains("NAME-CHAR"),
        "{}",
        m.text("#app-name-findings")
    );
    assert!(m.disabled("#next"));
    let input = m.q("#app-name").unwrap();
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(input
        .get_attribute("aria-describedby")
        .unwrap()
        .contains("app-name-findings"));
    assert!(
        !m.text("#next-reason").is_empty(),
        "the reason is next to Next"
    );

    m.type_into("#app-name", "My App").await;
    assert_eq!(m.text("#app-name-findings"), "");
    assert!(!m.disabled("#next"));
    assert_eq!(
        m.q("#app-name")
            .unwrap()
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("false")
    );
    m.wait_text("#app-name-availability", "free").await;

    // NAME-TAKEN comes from the server after the debounce.
    m.type_into("#app-name", "Taken App").await;
    m.wait_text("#app-name-findings", "NAME-TAKEN").await;
    assert!(m.disabled("#next"));
    let asked: Vec<String> = server
        .requests("GET", "name-available")
        .iter()
        .map(|r| query_param(&r.url, "name"))
        .collect();
    assert!(asked.contains(&"Taken App".to_string()), "{asked:?}");
    assert!(
        !asked.contains(&"My.App".to_string()),
        "an invalid name is not sent"
    );

    // Back keeps the value.
    m.type_into("#app-name", "Kept Name").await;
    m.click("#back").await;
    m.heading("Choose a template").await;
    m.click("#next").await;
    m.heading("Name your application").await;
    assert_eq!(m.value("#app-name"), "Kept Name");
}

#[wasm_bindgen_test]
async fn redirect_list_editor_adds_removes_counts_and_finds_duplicates() {
    let (m, _s) = signed_in().await;
    past_name_step(&m, "web", "List App").await;
    m.heading("Redirect URLs").await;

    assert_eq!(m.text("#url-count"), "1 / 100");
    assert!(m.disabled("#next"), "a web app needs a redirect URL");
    m.type_into(".redirect-url", "https://app.example.com/cb#x")
        .await;
    assert!(m.text(".url-row .findings").contains("RU-FRAGMENT"));
    assert!(m.disabled("#next"));
    m.type_into(".redirect-url", "HTTPS://App.Example.com:443/cb")
        .await;
    assert!(!m.disabled("#next"));
    assert!(m
        .text(".url-row .canonical")
        .contains("https://app.example.com/cb"));

    m.click("#add-url").await;
    m.wait_text("#url-count", "2 / 100").await;
    assert_eq!(m.all(".redirect-url").len(), 2);
    assert!(m.disabled("#next"), "the new empty entry is an error");
    let second = m.all(".redirect-url")[1].id();
    m.type_into(&format!("#{second}"), "https://app.example.com/cb")
        .await;
    let rows = m.all(".url-row");
    let second_findings = rows[1].query_selector(".findings").unwrap().unwrap();
    assert!(
        second_findings
            .text_content()
            .unwrap()
            .contains("RU-DUPLICATE"),
        "{}",
        second_findings.text_content().unwrap()
    );
    assert!(m.disabled("#next"));
    let second_input = m.q(&format!("#{second}")).unwrap();
    let described = second_input.get_attribute("aria-describedby").unwrap();
    assert!(described.contains(&second_findings.id()));

    m.type_into(&format!("#{second}"), "https://app.example.com/cb/")
        .await;
    let rows = m.all(".url-row");
    assert!(rows[1]
        .text_content()
        .unwrap()
        .contains("RU-NEAR-DUPLICATE"));
    assert!(!m.disabled("#next"), "a warning does not block");

    // Remove the first entry; the second keeps its value and becomes number 1.
    let remove: HtmlElement = m.all(".url-row .remove")[0].clone().dyn_into().unwrap();
    remove.click();
    settle().await;
    assert_eq!(m.text("#url-count"), "1 / 100");
    assert_eq!(m.value(".redirect-url"), "https://app.example.com/cb/");
    assert!(m.text(".url-row label").contains("Redirect URL 1"));
    assert!(!m.text(".url-row .findings").contains("RU-NEAR-DUPLICATE"));

    // Remove the last one: the list-level rule says one is needed.
    m.click(".url-row .remove").await;
    assert_eq!(m.text("#url-count"), "0 / 100");
    assert!(m.text("#redirect-urls-findings").contains("RU-COUNT"));
    assert!(m.disabled("#next"));
}

#[wasm_bindgen_test]
async fn native_starts_with_the_loopback_pattern() {
    let (m, _s) = signed_in().await;
    past_name_step(&m, "native", "Desktop").await;
    m.heading("Redirect URLs").await;
    assert_eq!(
        m.value(".redirect-url"),
        appreg_core::NATIVE_LOOPBACK_PATTERN
    );
    assert!(!m.disabled("#next"));
    m.type_into(".redirect-url", "myapp://cb").await;
    assert!(m.text(".url-row .findings").contains("RU-PRIVATE-SCHEME"));
    assert!(m.disabled("#next"));
}

#[wasm_bindgen_test]
async fn endpoints_need_a_url_when_switched_on() {
    let (m, _s) = signed_in().await;
    past_name_step(&m, "erp", "ERP link").await;
    m.heading("Integration points").await;
    assert!(m.q("#ep-erp_sync").is_some() && m.q("#ep-quote").is_some());
    assert!(!m.disabled("#next"), "both Off: nothing required");
    m.click("#ep-quote-toggle").await;
    assert_eq!(
        m.q("#ep-quote-toggle")
            .unwrap()
            .get_attribute("aria-checked")
            .as_deref(),
        Some("true")
    );
    assert!(m.text("#ep-quote-findings").contains("EP-REQUIRED"));
    assert!(m.disabled("#next"));
    m.type_into("#ep-quote", "http://127.0.0.1/quote").await;
    assert!(m.disabled("#next"));
    assert!(!m.text("#ep-quote-findings").is_empty());
    m.type_into("#ep-quote", "https://erp.example.com/quote")
        .await;
    assert_eq!(m.text("#ep-quote-findings"), "");
    assert!(!m.disabled("#next"));
}

#[wasm_bindgen_test]
async fn empty_template_skips_the_redirect_step() {
    let (m, _s) = signed_in().await;
    past_name_step(&m, "empty", "DIY").await;
    m.heading("Technical contact").await;
    assert_eq!(m.all(".stepper li").len(), 4);
    m.click("#back").await;
    m.heading("Name your application").await;
}

#[wasm_bindgen_test]
async fn a_later_step_is_not_reachable_by_url_before_the_earlier_ones_are_valid() {
    let (m, _s) = signed_in().await;
    open_wizard(&m).await;
    web_sys::window()
        .unwrap()
        .location()
        .set_hash("#/new/review")
        .unwrap();
    m.heading("Choose a template").await;
    sleep(50).await;
    assert_eq!(
        web_sys::window().unwrap().location().hash().unwrap(),
        "#/new/template"
    );
}

#[wasm_bindgen_test]
async fn contact_defaults_to_me_and_can_be_searched() {
    let (m, server) = signed_in().await;
    past_name_step(&m, "server-to-server", "Sync").await;
    m.heading("Redirect URLs").await;
    assert_eq!(m.text("#url-count"), "0 / 100");
    assert!(!m.disabled("#next"), "server-to-server may have none");
    m.click("#next").await;
    m.heading("Technical contact").await;
    assert!(m
        .text("#contact-me")
        .contains("You will be set as the technical contact"));
    assert!(!m.disabled("#next"));

    m.click("#contact-clear").await;
    assert!(m.disabled("#next"));
    m.type_into("#contact-email", "bob@").await;
    assert!(m.text("#contact-findings").contains("CONTACT-EMAIL"));
    assert!(m.disabled("#next"));
    m.wait_text("#contact-options", "bob@example.com").await;
    assert!(!server.requests("GET", "email_prefix=bob%40").is_empty());
    m.click("#contact-options button").await;
    assert_eq!(m.value("#contact-email"), "bob@example.com");
    assert_eq!(m.text("#contact-findings"), "");
    assert!(!m.disabled("#next"));
    m.click("#next").await;
    m.heading("Review and create").await;
    assert!(m.text("#summary").contains("bob@example.com"));
}

// ----------------------------------------------------------------------------------------------
// Drafts, the offline queue, embedding.

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
    assert_eq!(store::load_queue().len(), 1);
    assert_eq!(store::load_queue()[0].key, key);
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
    assert!(store::load_queue().is_empty());
    assert!(
        store::load_draft().is_none(),
        "the draft is gone once created"
    );
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
    store::enqueue(item("k1"));
    store::enqueue(item("k1")); // the same key replaces, never duplicates
    store::enqueue(item("k2"));
    assert_eq!(store::load_queue().len(), 2);

    // The network fails: nothing leaves the queue.
    let calls = Rc::new(RefCell::new(Vec::<String>::new()));
    let c = calls.clone();
    let sent = store::flush(move |q: Queued| {
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
    assert_eq!(store::load_queue().len(), 2);

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
                    })
                } else {
                    Ok(application("x", &q.body))
                }
            }
        }
    };
    let (a, b) = futures_join(
        store::flush(sender(calls.clone())),
        store::flush(sender(calls.clone())),
    )
    .await;
    assert_eq!(*calls.borrow(), vec!["k1", "k2"]);
    let all: Vec<Sent> = a.into_iter().chain(b).collect();
    assert_eq!(all.len(), 2);
    assert!(matches!(&all[0], Sent::Created(q, _) if q.key == "k1"));
    assert!(matches!(&all[1], Sent::Refused(q, e) if q.key == "k2" && e.status() == Some(422)));
    assert!(store::load_queue().is_empty());
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
    m.click("#cancel").await;
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

    let cors: appreg_core::Check = serde_json::from_str(&appreg_web::embed::validate_cors_origin(
        "https://x.example.com/path",
    ))
    .unwrap();
    assert!(cors.has(appreg_core::Rule::CorsForm));
    let name: appreg_core::Check =
        serde_json::from_str(&appreg_web::embed::validate_name("a<b")).unwrap();
    assert!(name.has(appreg_core::Rule::NameChar));
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
