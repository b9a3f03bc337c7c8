//! The wizard's draft: what the user entered, the steps, and which step each core finding belongs to.
//! Every check is a core function; this module only maps their findings onto the steps.

use appreg_core::api::{CreateApplication, Endpoint, Endpoints};
use appreg_core::{AppType, EndpointKind, RedirectStep, Template, Validated};
use appreg_core::{FieldPath, UrlList};
use serde::{Deserialize, Serialize};

/// One wizard step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Step {
    Template,
    Name,
    Urls,
    Contact,
    Review,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Template,
        Step::Name,
        Step::Urls,
        Step::Contact,
        Step::Review,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Step::Template => "template",
            Step::Name => "name",
            Step::Urls => "redirect-urls",
            Step::Contact => "contact",
            Step::Review => "review",
        }
    }

    pub fn from_slug(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|st| st.slug() == s)
    }

    /// The stepper label; step 3 depends on the template.
    pub fn title(self, template: Option<Template>) -> &'static str {
        match self {
            Step::Template => "Template",
            Step::Name => "Name",
            Step::Urls => match template.map(Template::redirect_step) {
                Some(RedirectStep::Endpoints) => "Integration points",
                _ => "Redirect URLs",
            },
            Step::Contact => "Technical contact",
            Step::Review => "Review and create",
        }
    }

    /// The step a payload field belongs to (`name`, `redirect_urls[2]`, `endpoints.quote.url`, …).
    pub fn of_field(field: &FieldPath) -> Step {
        match field {
            FieldPath::Name => Step::Name,
            FieldPath::List(UrlList::Redirect)
            | FieldPath::Entry(UrlList::Redirect, _)
            | FieldPath::Endpoint(_)
            | FieldPath::EndpointUrl(_) => Step::Urls,
            FieldPath::TechnicalContact => Step::Contact,
            _ => Step::Template,
        }
    }
}

/// The steps a template walks through (Empty (DIY) skips the redirect step).
pub fn steps_for(template: Option<Template>) -> Vec<Step> {
    Step::ALL
        .into_iter()
        .filter(|s| {
            *s != Step::Urls || template.map(Template::redirect_step) != Some(RedirectStep::Skipped)
        })
        .collect()
}

/// One redirect URL row; the id keeps each input stable while rows are added and removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UrlEntry {
    pub id: u32,
    pub url: String,
}

/// Everything the wizard holds; autosaved to localStorage on every change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub partner: String,
    pub template: Option<Template>,
    pub app_type: AppType,
    pub name: String,
    pub urls: Vec<UrlEntry>,
    pub endpoints: Endpoints,
    pub contact: String,
    /// The `Idempotency-Key` of this registration: a retry (or the offline queue) sends the same one.
    pub key: String,
    pub next_id: u32,
}

impl Draft {
    pub fn new(partner: &str, contact: &str) -> Draft {
        Draft {
            partner: partner.to_string(),
            template: None,
            app_type: AppType::Custom,
            name: String::new(),
            urls: Vec::new(),
            endpoints: Endpoints::default(),
            contact: contact.to_string(),
            key: new_key(),
            next_id: 1,
        }
    }

    /// Nothing entered yet: not worth saving or offering back.
    pub fn is_pristine(&self) -> bool {
        self.template.is_none() && self.name.trim().is_empty()
    }

    /// Picks a template: sets its starting values (app type, redirect URLs, endpoints, name suggestion).
    pub fn choose_template(&mut self, t: Template, company: &str) {
        if self.template == Some(t) {
            return;
        }
        let was = self.template;
        self.template = Some(t);
        if let Some(fixed) = t.fixed_app_type() {
            self.app_type = fixed;
        } else if was.and_then(Template::fixed_app_type).is_some() || was.is_none() {
            self.app_type = t.default_app_type();
        }
        // URLs the user entered are kept (and checked again by the new template's rules) when the new
        // template takes redirect URLs; otherwise the list starts from the new template's defaults.
        let takes_urls = matches!(
            t.redirect_step(),
            RedirectStep::Required | RedirectStep::Optional
        );
        if !takes_urls || self.entered_urls(was).is_empty() {
            self.urls.clear();
            for url in t.default_redirect_urls() {
                self.push_url(url);
            }
        }
        if self.urls.is_empty() && t.redirect_step() == RedirectStep::Required {
            self.push_url(String::new());
        }
        self.endpoints = Endpoints::default();
        for kind in t.endpoints() {
            *self.endpoint_slot(*kind) = Some(Endpoint::default());
        }
        let suggested_before = was.and_then(|w| w.suggested_name(company));
        if self.name.trim().is_empty() || suggested_before.as_deref() == Some(self.name.as_str()) {
            self.name = t.suggested_name(company).unwrap_or_default();
        }
    }

    /// The redirect URLs the user entered: non-blank, and not just the defaults of template `was`.
    pub fn entered_urls(&self, was: Option<Template>) -> Vec<String> {
        let entered: Vec<String> = self
            .url_values()
            .into_iter()
            .filter(|u| !u.trim().is_empty())
            .collect();
        let defaults = was.map(Template::default_redirect_urls).unwrap_or_default();
        if entered == defaults {
            Vec::new()
        } else {
            entered
        }
    }

    /// How many entered redirect URLs switching to template `t` would drop (it takes none).
    pub fn urls_dropped_by(&self, t: Template) -> usize {
        match t.redirect_step() {
            RedirectStep::Required | RedirectStep::Optional => 0,
            _ => self.entered_urls(self.template).len(),
        }
    }

    pub fn push_url(&mut self, url: String) {
        self.urls.push(UrlEntry {
            id: self.next_id,
            url,
        });
        self.next_id += 1;
    }

    pub fn endpoint_slot(&mut self, kind: EndpointKind) -> &mut Option<Endpoint> {
        match kind {
            EndpointKind::Mirroring => &mut self.endpoints.mirroring,
            EndpointKind::ErpSync => &mut self.endpoints.erp_sync,
            EndpointKind::Quote => &mut self.endpoints.quote,
        }
    }

    pub fn endpoint(&self, kind: EndpointKind) -> Endpoint {
        match kind {
            EndpointKind::Mirroring => &self.endpoints.mirroring,
            EndpointKind::ErpSync => &self.endpoints.erp_sync,
            EndpointKind::Quote => &self.endpoints.quote,
        }
        .clone()
        .unwrap_or_default()
    }

    pub fn url_values(&self) -> Vec<String> {
        self.urls.iter().map(|u| u.url.clone()).collect()
    }

    /// The create request this draft would send (`None` before a template is chosen).
    pub fn payload(&self) -> Option<CreateApplication> {
        let t = self.template?;
        let step = t.redirect_step();
        Some(CreateApplication {
            template: t,
            app_type: self.app_type,
            name: self.name.clone(),
            redirect_urls: if matches!(step, RedirectStep::Required | RedirectStep::Optional) {
                self.url_values()
            } else {
                Vec::new()
            },
            endpoints: if step == RedirectStep::Endpoints {
                self.endpoints.clone()
            } else {
                Endpoints::default()
            },
            technical_contact: self.contact.clone(),
        })
    }

    /// The core's verdict on the whole draft (`None` without a template, or while the rules load).
    pub fn validate(&self) -> Option<Validated> {
        self.payload().and_then(crate::rules::registration)
    }
}

/// Whether a step has no error, given the core's verdict and the server's NAME-TAKEN answer.
pub fn step_ok(
    step: Step,
    template: Option<Template>,
    v: Option<&Validated>,
    name_taken: bool,
) -> bool {
    match step {
        Step::Template => {
            template.is_some()
                && v.is_some_and(|v| {
                    v.errors()
                        .all(|e| Step::of_field(&e.field) != Step::Template)
                })
        }
        Step::Review => steps_for(template)
            .into_iter()
            .filter(|s| *s != Step::Review)
            .all(|s| step_ok(s, template, v, name_taken)),
        Step::Name if name_taken => false,
        s => v.is_some_and(|v| v.errors().all(|e| Step::of_field(&e.field) != s)),
    }
}

/// The first step with an error (where a user arriving by URL is sent), or Review when all are fine.
pub fn first_open_step(
    template: Option<Template>,
    v: Option<&Validated>,
    name_taken: bool,
) -> Step {
    steps_for(template)
        .into_iter()
        .find(|s| *s == Step::Review || !step_ok(*s, template, v, name_taken))
        .unwrap_or(Step::Review)
}

/// A random UUID-like key (version 4 layout) from the browser's CSPRNG.
pub fn new_key() -> String {
    let mut b = [0u8; 16];
    let ok = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut b).is_ok());
    if !ok {
        for x in b.iter_mut() {
            *x = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
