//! The wizard's steps.

use crate::harness::*;
use crate::server::*;
use appreg_core::{Capability, Template};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

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
    // The header's unread count is read once the browser is idle after the first screen is drawn.
    let unread = || server.requests("GET", "/tickets/unread").len();
    for _ in 0..300 {
        if unread() > 0 {
            break;
        }
        sleep(10).await;
    }
    assert_eq!(unread(), 1, "read once for the partner page");
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
    // The header's unread count was read for the partner page and once for the wizard, not again
    // at each of its steps.
    assert_eq!(unread(), 2);
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
