//! Whole-registration validation: the wizard's payload, the server's create endpoint and
//! `appreg validate` all use this.

use crate::api::{ApplicationPatch, CreateApplication, Endpoint, Endpoints, FieldError};
use crate::contact::check_contact_email;
use crate::cors::{check_cors_list, check_endpoint_url};
use crate::field::{FieldPath, UrlList};
use crate::finding::{Check, Finding, Rule, Severity};
use crate::name::check_name;
use crate::redirect::{check_redirect_list, required_finding};
use crate::template::{EndpointKind, Environment, RedirectStep, Template};
use crate::versions::{EnvironmentUrls, UrlSet};

/// The field findings of one check (warnings and errors; infos are left out).
pub fn field_findings(field: FieldPath, check: &Check) -> Vec<FieldError> {
    check
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| field_error(field, f))
        .collect()
}

pub fn field_error(field: FieldPath, f: &Finding) -> FieldError {
    FieldError {
        field,
        rule: f.rule,
        severity: f.severity,
        message: f.message.clone(),
    }
}

/// The outcome of validating a registration: every warning and error, by field, and the canonical
/// payload that would be stored (when there is no error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validated {
    pub findings: Vec<FieldError>,
    pub canonical: Option<CreateApplication>,
}

impl Validated {
    pub fn errors(&self) -> impl Iterator<Item = &FieldError> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }
    pub fn is_valid(&self) -> bool {
        self.errors().next().is_none()
    }
}

/// Checks the redirect URL list of a template, with the "at least one" rule where the template needs one.
pub fn redirect_list_findings(
    list: UrlList,
    urls: &[String],
    template: Template,
    required: bool,
) -> (Vec<FieldError>, Vec<String>) {
    let mut out = Vec::new();
    let checks = check_redirect_list(urls, template);
    if required && urls.is_empty() && template.redirect_step() == RedirectStep::Required {
        out.push(field_error(
            FieldPath::List(list),
            &required_finding(template),
        ));
    }
    let mut canon = Vec::new();
    for (i, c) in checks.iter().enumerate() {
        out.extend(field_findings(FieldPath::Entry(list, i), c));
        canon.push(c.canonical.clone().unwrap_or_default());
    }
    (out, canon)
}

/// Checks endpoints against the template (EP-*): those the template has, none that it lacks.
pub fn endpoint_findings(
    endpoints: &Endpoints,
    template: Template,
) -> (Vec<FieldError>, Endpoints) {
    let mut out = Vec::new();
    let mut canon = Endpoints::default();
    let allowed = template.endpoints();
    let slots: [(EndpointKind, &Option<Endpoint>, &mut Option<Endpoint>); 3] = [
        (
            EndpointKind::Mirroring,
            &endpoints.mirroring,
            &mut canon.mirroring,
        ),
        (
            EndpointKind::ErpSync,
            &endpoints.erp_sync,
            &mut canon.erp_sync,
        ),
        (EndpointKind::Quote, &endpoints.quote, &mut canon.quote),
    ];
    for (kind, given, slot) in slots {
        match given {
            Some(ep) if !allowed.contains(&kind) => out.push(field_error(
                FieldPath::Endpoint(kind),
                &Finding::error(
                    Rule::EpTemplate,
                    format!(
                        "A {} app has no {} endpoint; remove it.",
                        template.title(),
                        kind.title()
                    ),
                ),
            )),
            Some(ep) => {
                let c = check_endpoint_url(&ep.url, ep.enabled);
                out.extend(field_findings(FieldPath::EndpointUrl(kind), &c));
                *slot = Some(Endpoint {
                    url: c.canonical.unwrap_or_default(),
                    enabled: ep.enabled,
                });
            }
            None if allowed.contains(&kind) => *slot = Some(Endpoint::default()),
            None => {}
        }
    }
    (out, canon)
}

/// Validates a whole registration without the checks that need the database
/// (NAME-TAKEN, CONTACT-MEMBER).
pub fn validate_registration(req: &CreateApplication) -> Validated {
    let mut findings = Vec::new();
    if let Some(fixed) = req.template.fixed_app_type() {
        if req.app_type != fixed {
            findings.push(field_error(
                FieldPath::AppType,
                &Finding::error(
                    Rule::AppType,
                    format!(
                        "A {} app is always {}; choose {}.",
                        req.template.title(),
                        fixed.title(),
                        fixed.title()
                    ),
                ),
            ));
        }
    }
    let name = check_name(&req.name);
    findings.extend(field_findings(FieldPath::Name, &name));
    let (ru, redirect_urls) =
        redirect_list_findings(UrlList::Redirect, &req.redirect_urls, req.template, true);
    findings.extend(ru);
    let (ep, endpoints) = endpoint_findings(&req.endpoints, req.template);
    findings.extend(ep);
    let contact = check_contact_email(&req.technical_contact);
    findings.extend(field_findings(FieldPath::TechnicalContact, &contact));
    let valid = !findings.iter().any(|f| f.severity == Severity::Error);
    let canonical = valid.then(|| CreateApplication {
        template: req.template,
        app_type: req.app_type,
        name: name.canonical.clone().unwrap_or_default(),
        redirect_urls,
        endpoints,
        technical_contact: contact.canonical.clone().unwrap_or_default(),
    });
    Validated {
        findings,
        canonical,
    }
}

/// Validates a PATCH against the app's template; returns findings and the canonical patch.
pub fn validate_patch(
    patch: &ApplicationPatch,
    template: Template,
) -> (Vec<FieldError>, ApplicationPatch) {
    let mut findings = Vec::new();
    let mut canon = ApplicationPatch::default();
    if let Some(urls) = &patch.redirect_urls {
        let (f, c) = redirect_list_findings(UrlList::Redirect, urls, template, true);
        findings.extend(f);
        canon.redirect_urls = Some(c);
    }
    if let Some(urls) = &patch.post_logout_urls {
        let (f, c) = redirect_list_findings(UrlList::PostLogout, urls, template, false);
        findings.extend(f);
        canon.post_logout_urls = Some(c);
    }
    if let Some(urls) = &patch.cors_urls {
        let checks = check_cors_list(urls);
        let mut c = Vec::new();
        for (i, ch) in checks.iter().enumerate() {
            findings.extend(field_findings(FieldPath::Entry(UrlList::Cors, i), ch));
            c.push(ch.canonical.clone().unwrap_or_default());
        }
        canon.cors_urls = Some(c);
    }
    if let Some(eps) = &patch.endpoints {
        let (f, c) = endpoint_findings(eps, template);
        findings.extend(f);
        canon.endpoints = Some(c);
    }
    if let Some(tc) = &patch.technical_contact {
        let c = check_contact_email(tc);
        findings.extend(field_findings(FieldPath::TechnicalContact, &c));
        canon.technical_contact = c.canonical;
    }
    if let Some(caps) = &patch.capabilities {
        let (f, c) = crate::capabilities::check_capabilities(template, caps);
        findings.extend(f);
        canon.capabilities = Some(c);
    }
    if let Some(e) = &patch.error_emails {
        findings.extend(crate::error_emails::check_error_emails(template, e));
        canon.error_emails = Some(crate::error_emails::canonical_error_emails(e));
    }
    if let Some(e) = &patch.environment_urls {
        let (f, c) = environment_url_findings(e, template);
        findings.extend(f);
        canon.environment_urls = Some(c);
    }
    (findings, canon)
}

/// R4: Stage's and Production's own redirect and CORS URLs, checked as SOD's lists are (field paths
/// `environment_urls.stage.redirect_urls[i]`), and their canonical form.
pub fn environment_url_findings(
    urls: &EnvironmentUrls,
    template: Template,
) -> (Vec<FieldError>, EnvironmentUrls) {
    let mut findings = Vec::new();
    let mut canon = EnvironmentUrls::default();
    for env in [Environment::Stage, Environment::Production] {
        let Some(set) = urls.get(env) else { continue };
        let (mut f, redirect_urls) =
            redirect_list_findings(UrlList::Redirect, &set.redirect_urls, template, true);
        let mut cors_urls = Vec::new();
        for (i, ch) in check_cors_list(&set.cors_urls).iter().enumerate() {
            f.extend(field_findings(FieldPath::Entry(UrlList::Cors, i), ch));
            cors_urls.push(ch.canonical.clone().unwrap_or_default());
        }
        for e in &mut f {
            e.field = match e.field {
                FieldPath::List(l) => FieldPath::EnvList(env, l),
                FieldPath::Entry(l, i) => FieldPath::EnvEntry(env, l, i),
                other => other,
            };
        }
        findings.extend(f);
        let set = Some(UrlSet {
            redirect_urls,
            cors_urls,
        });
        match env {
            Environment::Stage => canon.stage = set,
            _ => canon.production = set,
        }
    }
    (findings, canon)
}
