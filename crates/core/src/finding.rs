//! Findings, severities and verdicts: the common output of every check.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, )*) => {
        /// A stable rule ID from `rules.md`. Serialised as its ID string (`"RU-FRAGMENT"`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule { $( $(#[$doc])* $variant, )* }

        impl Rule {
            /// Every rule, in the order of `rules.md`.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The stable ID, e.g. `"NAME-CHAR"`.
            pub const fn id(self) -> &'static str {
                match self { $( Rule::$variant => $id, )* }
            }

            /// Looks a rule up by its ID.
            pub fn from_id(id: &str) -> Option<Rule> {
                match id { $( $id => Some(Rule::$variant), )* _ => None }
            }
        }
    };
}

rules! {
    NameTrim = "NAME-TRIM",
    NameEmpty = "NAME-EMPTY",
    NameLength = "NAME-LENGTH",
    NameChar = "NAME-CHAR",
    NameControl = "NAME-CONTROL",
    NameSpaces = "NAME-SPACES",
    NameTaken = "NAME-TAKEN",
    RuTrim = "RU-TRIM",
    RuEmpty = "RU-EMPTY",
    RuLength = "RU-LENGTH",
    RuWhitespace = "RU-WHITESPACE",
    RuParse = "RU-PARSE",
    RuSchemeDangerous = "RU-SCHEME-DANGEROUS",
    RuFragment = "RU-FRAGMENT",
    RuUserinfo = "RU-USERINFO",
    RuWildcard = "RU-WILDCARD",
    RuDotSegment = "RU-DOT-SEGMENT",
    RuPercent = "RU-PERCENT",
    RuHttps = "RU-HTTPS",
    RuLoopbackName = "RU-LOOPBACK-NAME",
    RuLoopbackAddr = "RU-LOOPBACK-ADDR",
    RuIpHost = "RU-IP-HOST",
    RuOpenRedirect = "RU-OPEN-REDIRECT",
    RuResponseParam = "RU-RESPONSE-PARAM",
    RuIdn = "RU-IDN",
    RuCanonical = "RU-CANONICAL",
    RuDuplicate = "RU-DUPLICATE",
    RuNearDuplicate = "RU-NEAR-DUPLICATE",
    RuCount = "RU-COUNT",
    RuDevOnly = "RU-DEV-ONLY",
    RuPrivateScheme = "RU-PRIVATE-SCHEME",
    RuOob = "RU-OOB",
    RuPatternAnchor = "RU-PATTERN-ANCHOR",
    RuPatternSyntax = "RU-PATTERN-SYNTAX",
    RuPatternHost = "RU-PATTERN-HOST",
    RuPatternHostEnd = "RU-PATTERN-HOST-END",
    /// A `|` outside a group: the part after it is another pattern that escapes every check.
    RuPatternAlternation = "RU-PATTERN-ALTERNATION",
    RuPatternPolicy = "RU-PATTERN-POLICY",
    CorsForm = "CORS-FORM",
    CorsHttps = "CORS-HTTPS",
    CorsWildcard = "CORS-WILDCARD",
    CorsDuplicate = "CORS-DUPLICATE",
    CorsCount = "CORS-COUNT",
    /// The endpoint is switched On but has no URL.
    EpRequired = "EP-REQUIRED",
    /// Not an absolute URL, or white space inside.
    EpParse = "EP-PARSE",
    /// Longer than 2,048 characters.
    EpLength = "EP-LENGTH",
    /// Not `https://`.
    EpHttps = "EP-HTTPS",
    /// Loopback or IP-literal host: the portal's servers call it.
    EpHost = "EP-HOST",
    /// A host name only a private network resolves: one label, `.internal`, `.local`, `.localhost`.
    EpInternal = "EP-INTERNAL",
    /// User name or password in the URL.
    EpUserinfo = "EP-USERINFO",
    /// A fragment.
    EpFragment = "EP-FRAGMENT",
    /// The template has no such integration point.
    EpTemplate = "EP-TEMPLATE",
    /// "Send error e-mails": a recipient that is not a valid email address, a duplicate, more than 10,
    /// On with no recipient, or any of it on a template without integration endpoints.
    EpErrorEmail = "EP-ERROR-EMAIL",
    /// Not a syntactically valid email address.
    ContactEmail = "CONTACT-EMAIL",
    /// Not a user of the app's partner (server).
    ContactMember = "CONTACT-MEMBER",
    /// The app type is fixed by the template (Mirroring is Custom, ERP sync and quote is Standard).
    AppType = "APP-TYPE",
    /// A capability the app's template does not allow (changing capabilities after the wizard).
    AppCapability = "APP-CAPABILITY",
    /// A client secret lives 1 to 730 days (24 months).
    SecretExpiry = "SECRET-EXPIRY",
    /// A client secret's description is at most 200 characters.
    SecretDescription = "SECRET-DESCRIPTION",
    /// Publishing is requested for Stage or Production (SOD is published at once).
    PublishEnv = "PUBLISH-ENV",
    /// The message to the reviewer is at most 2,000 characters.
    PublishMessage = "PUBLISH-MESSAGE",
    /// A rejection says why, in 1 to 2,000 characters.
    PublishReason = "PUBLISH-REASON",
    /// An uploaded certificate key is not an RSA public key of at least 2,048 bits in PEM form (server).
    CertKey = "CERT-KEY",
    /// A certificate's description is at most 200 characters.
    CertDescription = "CERT-DESCRIPTION",
    /// A certificate is valid for 1 to 730 days (24 months).
    CertExpiry = "CERT-EXPIRY",
    /// An API token's name is 1 to 100 characters, not only white space.
    TokenName = "TOKEN-NAME",
    /// An API token lives 1 to 365 days.
    TokenExpiry = "TOKEN-EXPIRY",
    /// A version's label is 1 to 80 characters after trimming, with no control characters.
    VersionLabel = "VERSION-LABEL",
    /// App Store listing name: empty, over 80 characters, or a character an app name may not have (Save).
    AppStoreName = "APPSTORE-NAME",
    /// App Store listing name used by another listing (server; Save).
    AppStoreNameTaken = "APPSTORE-NAME-TAKEN",
    /// Short description: empty or over 160 characters (Save).
    AppStoreShort = "APPSTORE-SHORT",
    /// Long description: over 4,000 characters (Save); empty (Publish).
    AppStoreLong = "APPSTORE-LONG",
    /// Homepage, support, privacy or terms URL: not a public https URL (Save); missing (Publish).
    AppStoreUrl = "APPSTORE-URL",
    /// Support e-mail: not a valid address (Save); missing (Publish).
    AppStoreEmail = "APPSTORE-EMAIL",
    /// Categories: unknown, twice or more than 3 (Save); none (Publish).
    AppStoreCategory = "APPSTORE-CATEGORY",
    /// Languages: unknown or twice (Save); none (Publish).
    AppStoreLanguage = "APPSTORE-LANGUAGE",
    /// Logo: not a square PNG ≥ 256 px or square SVG of at most 1 MB (Save); missing (Publish).
    AppStoreLogo = "APPSTORE-LOGO",
    /// Screenshots: more than 5, or one not a PNG/JPEG of 320–3,840 px a side and ≤ 5 MB (Save); none
    /// (Publish).
    AppStoreScreenshots = "APPSTORE-SCREENSHOTS",
    /// A ticket's message is 1 to 10,000 characters after trimming.
    TicketMessage = "TICKET-MESSAGE",
    /// A ticket's attachments: at most 3, each a PNG, JPEG or GIF by its bytes, at most 5 MB.
    TicketAttachment = "TICKET-ATTACHMENT",
    /// A request body or registration file is not valid JSON of the expected shape.
    Payload = "PAYLOAD",
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Rule::from_id(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown rule {s}")))
    }
}

/// The OpenAPI schema of a rule: its ID, one of [`Rule::ALL`].
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Rule {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Rule::ALL.iter().map(|r| r.id())))
            .description(Some("A rule ID of rules.md"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Rule {}

/// How bad a finding is. Warnings never block saving; errors always do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// The overall result of a check: the worst finding (`info` counts as `ok`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ok,
    Warning,
    Error,
}

impl Verdict {
    pub fn of(findings: &[Finding]) -> Verdict {
        findings.iter().fold(Verdict::Ok, |v, f| {
            v.max(match f.severity {
                Severity::Info => Verdict::Ok,
                Severity::Warning => Verdict::Warning,
                Severity::Error => Verdict::Error,
            })
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Warning => "warning",
            Verdict::Error => "error",
        }
    }
}

/// One thing a rule found about one input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// What is wrong and how to fix it.
    pub message: String,
    /// The standard the rule comes from, where one exists (e.g. "RFC 6749 §3.1.2").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<String>,
}

impl Finding {
    pub fn new(rule: Rule, severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity,
            message: message.into(),
            standard: None,
        }
    }
    pub fn error(rule: Rule, message: impl Into<String>) -> Self {
        Self::new(rule, Severity::Error, message)
    }
    pub fn warning(rule: Rule, message: impl Into<String>) -> Self {
        Self::new(rule, Severity::Warning, message)
    }
    pub fn info(rule: Rule, message: impl Into<String>) -> Self {
        Self::new(rule, Severity::Info, message)
    }
    pub fn std(mut self, standard: &str) -> Self {
        self.standard = Some(standard.to_string());
        self
    }
}

/// The result of checking one input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Check {
    pub input: String,
    pub verdict: Verdict,
    /// The form that would be stored; `None` when the input is not usable (has an error).
    pub canonical: Option<String>,
    pub findings: Vec<Finding>,
}

impl Check {
    /// Builds a check; the canonical form is dropped when any finding is an error.
    pub fn new(input: &str, canonical: Option<String>, findings: Vec<Finding>) -> Self {
        let verdict = Verdict::of(&findings);
        Check {
            input: input.to_string(),
            canonical: if verdict == Verdict::Error {
                None
            } else {
                canonical
            },
            verdict,
            findings,
        }
    }

    pub fn is_error(&self) -> bool {
        self.verdict == Verdict::Error
    }

    /// This check as JSON.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// These checks as a JSON array: the answer of the browser's exported validators. Written here rather
    /// than by the page, so that the writer is compiled at the core's optimization level (the root
    /// `Cargo.toml`'s `wasm-release` profile) rather than at the page's smaller, slower one.
    pub fn list_json(checks: &[Check]) -> String {
        serde_json::to_string(checks).unwrap_or_default()
    }

    pub fn has(&self, rule: Rule) -> bool {
        self.findings.iter().any(|f| f.rule == rule)
    }

    /// Adds a finding and recomputes the verdict.
    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
        self.verdict = Verdict::of(&self.findings);
        if self.verdict == Verdict::Error {
            self.canonical = None;
        }
    }

    /// The most severe finding, for a one-line summary next to a field.
    pub fn worst(&self) -> Option<&Finding> {
        self.findings.iter().rev().max_by_key(|f| f.severity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check_redirect_list, Template};

    #[test]
    fn json_is_the_serde_form_and_reads_back() {
        let checks = check_redirect_list(
            &[
                "https://App.example.com:443/cb",
                "javascript:x",
                "https://a\"b.example/\\",
            ],
            Template::Web,
        );
        let back: Vec<Check> = serde_json::from_str(&Check::list_json(&checks)).unwrap();
        assert_eq!(back, checks);
        let one: Check = serde_json::from_str(&checks[0].json()).unwrap();
        assert_eq!(one, checks[0]);
        assert!(checks[0]
            .json()
            .contains("\"canonical\":\"https://app.example.com/cb\""));
    }
}
