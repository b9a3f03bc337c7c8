//! Request and response types of the REST API (`api.md`). JSON field names are part of the contract.

use crate::field::FieldPath;
use crate::finding::{Check, Finding, Rule, Severity};
use crate::template::{AppType, Capability, Environment, LicenseNote, RedirectStep, Template};
use serde::{Deserialize, Serialize};

/// `POST /api/v1/session`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
}

/// A partner user's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Administrator,
    Developer,
    Marketing,
}

impl Role {
    /// Administrators and Developers may create and configure apps; Marketing may only read.
    pub fn can_configure(self) -> bool {
        matches!(self, Role::Administrator | Role::Developer)
    }
    pub fn id(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Developer => "developer",
            Role::Marketing => "marketing",
        }
    }
    pub fn from_id(s: &str) -> Option<Role> {
        match s {
            "administrator" => Some(Role::Administrator),
            "developer" => Some(Role::Developer),
            "marketing" => Some(Role::Marketing),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerMembership {
    pub id: String,
    pub name: String,
    pub role: Role,
}

/// `GET /api/v1/me`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub user: User,
    pub partners: Vec<PartnerMembership>,
    pub app_manager: bool,
}

/// One integration endpoint with its Off/On toggle.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub url: String,
    pub enabled: bool,
}

/// The integration points; absent where the template has none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Endpoints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirroring: Option<Endpoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erp_sync: Option<Endpoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<Endpoint>,
}

impl Endpoints {
    pub fn is_empty(&self) -> bool {
        self.mirroring.is_none() && self.erp_sync.is_none() && self.quote.is_none()
    }
}

/// "Send error e-mails": whether integration errors are mailed, and to whom. Only templates with
/// integration endpoints (Mirroring, ERP sync and quote) may switch it on or list recipients
/// (EP-ERROR-EMAIL); at most [`MAX_ERROR_EMAIL_RECIPIENTS`] distinct addresses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ErrorEmails {
    pub send: bool,
    #[serde(default)]
    pub recipients: Vec<String>,
}

impl ErrorEmails {
    /// Off, with no recipients: what every app starts with.
    pub fn is_off(&self) -> bool {
        !self.send && self.recipients.is_empty()
    }
}

/// At most this many error e-mail recipients per app.
pub const MAX_ERROR_EMAIL_RECIPIENTS: usize = 10;

/// The wizard's payload (`POST /api/v1/partners/{partner}/applications`) and the file format of
/// `appreg validate`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateApplication {
    pub template: Template,
    pub app_type: AppType,
    pub name: String,
    #[serde(default)]
    pub redirect_urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Endpoints::is_empty")]
    pub endpoints: Endpoints,
    pub technical_contact: String,
}

/// Client IDs per environment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientIds {
    pub sod: String,
    pub stage: String,
    pub production: String,
}

/// The state of an app in one environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum EnvState {
    None,
    Pending,
    Published,
    Rejected,
}

impl EnvState {
    pub fn id(self) -> &'static str {
        match self {
            EnvState::None => "none",
            EnvState::Pending => "pending",
            EnvState::Published => "published",
            EnvState::Rejected => "rejected",
        }
    }
    pub fn from_id(s: &str) -> Option<EnvState> {
        match s {
            "none" => Some(EnvState::None),
            "pending" => Some(EnvState::Pending),
            "published" => Some(EnvState::Published),
            "rejected" => Some(EnvState::Rejected),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Environments {
    pub sod: EnvState,
    pub stage: EnvState,
    pub production: EnvState,
}

/// An application as the API returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Application {
    pub id: String,
    pub partner_id: String,
    pub name: String,
    pub template: Template,
    pub app_type: AppType,
    pub capabilities: Vec<Capability>,
    pub client_ids: ClientIds,
    pub redirect_urls: Vec<String>,
    pub post_logout_urls: Vec<String>,
    pub cors_urls: Vec<String>,
    pub endpoints: Endpoints,
    pub technical_contact: String,
    pub environments: Environments,
    pub created_at: String,
    /// `active`; `deactivated` (read-only, restorable for [`RESTORE_DAYS`] days by an administrator);
    /// `deleted` (only in the list of deleted apps).
    #[serde(default)]
    pub status: AppStatus,
    /// When the app was deleted or deactivated; null while active.
    #[serde(default)]
    pub deleted_at: Option<String>,
    /// Until when an administrator may restore it; null while active.
    #[serde(default)]
    pub restorable_until: Option<String>,
    /// "Send error e-mails" of an integration app; off with no recipients elsewhere.
    #[serde(default)]
    pub error_emails: ErrorEmails,
    /// The earliest `expires_at` among the app's client secrets and certificates; null when it has
    /// none.
    #[serde(default)]
    pub keys_expire_at: Option<String>,
}

/// What a list of apps shows of each: the fields of an [`Application`] that the partner page reads.
/// It is read from an `Application`'s JSON (the other fields are skipped), so that a client listing
/// apps carries no decoder for the fields it does not show; the SPA's first download is smaller.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ApplicationRow {
    pub id: String,
    pub name: String,
    pub template: Template,
    pub app_type: AppType,
    pub environments: Environments,
    #[serde(default)]
    pub status: AppStatus,
    #[serde(default)]
    pub deleted_at: Option<String>,
    #[serde(default)]
    pub restorable_until: Option<String>,
    #[serde(default)]
    pub keys_expire_at: Option<String>,
}

/// An [`ApplicationPage`] read as [`ApplicationRow`]s.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ApplicationRowPage {
    pub items: Vec<ApplicationRow>,
    pub next_cursor: Option<String>,
}

/// Whether an app is in use, deactivated or deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum AppStatus {
    #[default]
    Active,
    Deactivated,
    Deleted,
}

impl AppStatus {
    pub fn id(self) -> &'static str {
        match self {
            AppStatus::Active => "active",
            AppStatus::Deactivated => "deactivated",
            AppStatus::Deleted => "deleted",
        }
    }
    pub fn from_id(s: &str) -> Option<AppStatus> {
        match s {
            "active" => Some(AppStatus::Active),
            "deactivated" => Some(AppStatus::Deactivated),
            "deleted" => Some(AppStatus::Deleted),
            _ => None,
        }
    }
}

/// A deleted or deactivated app can be restored this many days after its deletion.
pub const RESTORE_DAYS: i64 = 30;

/// `GET /api/v1/applications/{app}/start-coding`: where the app signs in, per environment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartCoding {
    pub application_id: String,
    /// SOD, Stage and Production, in that order.
    pub environments: Vec<EnvironmentEndpoints>,
}

/// The OpenID Connect endpoints of one environment, with the app's client ID there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnvironmentEndpoints {
    pub environment: Environment,
    pub state: EnvState,
    pub client_id: String,
    /// e.g. `https://sod.superoffice.com/login`
    pub authority: String,
    /// `{authority}/.well-known/openid-configuration`
    pub discovery_url: String,
    /// `{authority}/common/oauth/tokens`
    pub token_endpoint: String,
}

/// A page of applications.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationPage {
    pub items: Vec<Application>,
    pub next_cursor: Option<String>,
}

/// `PATCH /api/v1/applications/{app}`: every field optional; absent fields are left as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplicationPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_urls: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_logout_urls: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors_urls: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Endpoints>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technical_contact: Option<String>,
    /// The full set of capabilities after the change (APP-CAPABILITY: only what the template allows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Vec<Capability>>,
    /// "Send error e-mails" as a whole (EP-ERROR-EMAIL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_emails: Option<ErrorEmails>,
    /// R4: Stage's and Production's own redirect and CORS URLs as a whole (null: the same as SOD's),
    /// checked as SOD's lists are; kept in the current version (not on the app).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment_urls: Option<crate::versions::EnvironmentUrls>,
}

/// `POST /api/v1/applications/{app}/secrets`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSecretRequest {
    pub environment: Environment,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_expiry_days")]
    pub expires_in_days: u32,
}

/// Default client secret lifetime: 12 months.
pub fn default_expiry_days() -> u32 {
    365
}

/// The longest client secret lifetime: 24 months.
pub const MAX_SECRET_DAYS: u32 = 730;

/// A new client secret; `secret` appears only in this response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewSecret {
    pub id: String,
    pub environment: Environment,
    pub description: String,
    pub secret: String,
    pub last4: String,
    pub created_at: String,
    pub expires_at: String,
}

/// A client secret as listed later (never the secret itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecretInfo {
    pub id: String,
    pub environment: Environment,
    pub description: String,
    pub last4: String,
    pub created_at: String,
    pub expires_at: String,
}

/// `POST /api/v1/applications/{app}/certificates`: generate (no key) or upload a public key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCertificateRequest {
    pub environment: Environment,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_pem: Option<String>,
    /// At most 200 characters (CERT-DESCRIPTION); stored trimmed.
    #[serde(default)]
    pub description: String,
    /// 1 to 730 (CERT-EXPIRY); default 365.
    #[serde(default = "default_expiry_days")]
    pub expires_in_days: u32,
}

/// The longest certificate lifetime: 24 months.
pub const MAX_CERTIFICATE_DAYS: u32 = 730;

/// A certificate; the private key fields appear only in the response that generated it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Certificate {
    pub id: String,
    pub environment: Environment,
    pub public_key_pem: String,
    pub created_at: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub expires_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key_pem: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key_xml: Option<String>,
}

/// `POST /api/v1/applications/{app}/publish-requests`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPublishRequest {
    pub environment: Environment,
    #[serde(default)]
    pub message: String,
}

/// `POST /api/v1/publish-requests/{id}/reject`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishRequest {
    pub id: String,
    pub application_id: String,
    pub application_name: String,
    pub environment: Environment,
    pub message: String,
    pub state: EnvState,
    pub reason: Option<String>,
    pub created_at: String,
    pub decided_at: Option<String>,
    /// The version requested (approval publishes exactly its snapshot); null for requests made before
    /// versions existed. For a request of kind `app-store`, the App Store information's version.
    #[serde(default)]
    pub version: Option<u32>,
    /// What is to be published: `configuration` (the app's configuration, to Stage or Production) or
    /// `app-store` (its App Store information, to Production).
    #[serde(default = "PublishRequest::configuration_kind")]
    #[cfg_attr(feature = "openapi", schema(example = "configuration"))]
    pub kind: String,
}

impl PublishRequest {
    /// The kind of a request to publish an app's configuration.
    pub const CONFIGURATION: &'static str = "configuration";
    /// The kind of a request to publish an app's App Store information.
    pub const APP_STORE: &'static str = "app-store";

    fn configuration_kind() -> String {
        Self::CONFIGURATION.to_string()
    }

    /// Whether it asks to publish App Store information.
    pub fn is_app_store(&self) -> bool {
        self.kind == Self::APP_STORE
    }
}

/// A template as `GET /api/v1/templates` returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemplateInfo {
    pub id: Template,
    pub title: String,
    pub description: String,
    pub capabilities: Vec<Capability>,
    pub fixed_app_type: Option<AppType>,
    pub default_app_type: AppType,
    pub redirect_step: RedirectStep,
    pub default_redirect_urls: Vec<String>,
    pub license_notes: Vec<LicenseNote>,
}

impl TemplateInfo {
    pub fn of(t: Template) -> Self {
        TemplateInfo {
            id: t,
            title: t.title().into(),
            description: t.description().into(),
            capabilities: t.capabilities().to_vec(),
            fixed_app_type: t.fixed_app_type(),
            default_app_type: t.default_app_type(),
            redirect_step: t.redirect_step(),
            default_redirect_urls: t.default_redirect_urls(),
            license_notes: crate::template::license_notes(t, t.default_app_type()),
        }
    }
}

/// A candidate technical contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: String,
    pub email: String,
    pub name: String,
}

/// `GET .../name-available`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NameAvailability {
    pub available: bool,
    pub check: Check,
}

/// What the wizard reads of a [`NameAvailability`]: whether the name is free, and the messages of the
/// server's findings by rule ID (NAME-TAKEN names the app that has the name). It is read from the same
/// JSON, without decoding the whole check, whose other findings the browser's own `check_name`
/// already gives.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct NameAnswer {
    pub available: bool,
    pub check: NameAnswerCheck,
}

/// The findings of a [`NameAnswer`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct NameAnswerCheck {
    pub findings: Vec<FindingText>,
}

/// A finding read as its rule ID and message.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct FindingText {
    pub rule: String,
    pub message: String,
}

impl NameAnswer {
    /// The server's NAME-TAKEN finding, when the name is taken and it gave one.
    pub fn taken(&self) -> Option<crate::Finding> {
        if self.available {
            return None;
        }
        self.check
            .findings
            .iter()
            .find(|f| f.rule == crate::Rule::NameTaken.id())
            .map(|f| crate::Finding::error(crate::Rule::NameTaken, f.message.clone()))
    }
}

/// The kind of value `POST /api/v1/check` and `appreg check` validate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CheckKind {
    Redirect,
    Cors,
    Endpoint,
    Name,
}

impl std::str::FromStr for CheckKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "redirect" => Ok(CheckKind::Redirect),
            "cors" => Ok(CheckKind::Cors),
            "endpoint" => Ok(CheckKind::Endpoint),
            "name" => Ok(CheckKind::Name),
            _ => Err(format!(
                "unknown kind '{s}': use redirect, cors, endpoint or name"
            )),
        }
    }
}

/// `POST /api/v1/check`: values of one kind, or a whole registration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<Template>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<CheckKind>,
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<CreateApplication>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckResponse {
    pub valid: bool,
    pub checks: Vec<Check>,
    pub errors: Vec<FieldError>,
}

/// One field finding in a problem+json body and in a registration check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field path, e.g. `name`, `redirect_urls[2]`, `endpoints.quote.url`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "redirect_urls[2]"))]
    pub field: FieldPath,
    /// Serialised as its ID, e.g. `"RU-FRAGMENT"`.
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
}

impl FieldError {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The findings among `errors` about `field`, as a form shows them beside that field.
    pub fn findings_at<'a>(
        errors: impl IntoIterator<Item = &'a FieldError>,
        field: FieldPath,
    ) -> Vec<Finding> {
        errors
            .into_iter()
            .filter(|e| e.field == field)
            .map(|e| Finding::new(e.rule, e.severity, e.message.clone()))
            .collect()
    }
}

/// What every page reads of a [`Problem`]: its title and detail (the sentence for the user). The field
/// errors, which only the forms that show them need, are read from the same body when asked for
/// ([`Problem`] itself), so the first download carries no decoder for them.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ProblemHead {
    pub title: String,
    #[serde(default)]
    pub detail: String,
}

/// RFC 9457 problem details: every 4xx/5xx body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    #[serde(default)]
    pub detail: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// What an API token may do: `read` allows GET and HEAD only; `write` also changes things. No token has
/// app-manager powers or may create tokens, whatever its scope.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    Read,
    #[default]
    Write,
}

impl TokenScope {
    pub fn id(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }
    pub fn from_id(s: &str) -> Option<TokenScope> {
        match s {
            "read" => Some(TokenScope::Read),
            "write" => Some(TokenScope::Write),
            _ => None,
        }
    }
}

/// An API token as listed; `token` only in the response that created it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub created_at: String,
    #[serde(default)]
    pub expires_at: String,
    #[serde(default)]
    pub scope: TokenScope,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// `POST /api/v1/tokens`; `expires_in_days` and `scope` may be left out (90 days, `write`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewApiToken {
    /// 1 to 100 characters, not only white space.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub name: String,
    /// 1 to 365.
    #[serde(default = "default_token_days")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 365))]
    pub expires_in_days: u32,
    #[serde(default)]
    pub scope: TokenScope,
}

/// Default API token lifetime: 90 days.
pub fn default_token_days() -> u32 {
    90
}

/// The longest API token lifetime: one year.
pub const MAX_TOKEN_DAYS: u32 = 365;

/// `GET /api/v1/sessions`: one of the signed-in user's sessions (never its token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: String,
    pub created_at: String,
    pub last_seen_at: String,
    /// The absolute end; an idle session ends earlier.
    pub expires_at: String,
    pub user_agent: String,
    pub ip: String,
    /// The session of this request ("this device").
    pub current: bool,
}

/// `GET /api/v1/partners/{partner}`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerPage {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub application_count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::UrlList;

    #[test]
    fn findings_at_keeps_the_field_errors_of_one_field_in_order() {
        let at = |field, rule, severity: Severity| FieldError {
            field,
            rule,
            severity,
            message: format!("{rule:?}"),
        };
        let list = FieldPath::List(UrlList::Redirect);
        let errors = [
            at(list, Rule::RuEmpty, Severity::Error),
            at(
                FieldPath::Entry(UrlList::Redirect, 0),
                Rule::RuFragment,
                Severity::Error,
            ),
            at(list, Rule::RuDevOnly, Severity::Warning),
        ];
        let found = FieldError::findings_at(&errors, list);
        assert_eq!(
            found,
            vec![
                Finding::new(Rule::RuEmpty, Severity::Error, "RuEmpty"),
                Finding::new(Rule::RuDevOnly, Severity::Warning, "RuDevOnly"),
            ]
        );
        assert!(FieldError::findings_at(&errors, FieldPath::Name).is_empty());
        assert!(errors[0].is_error() && !errors[2].is_error());
    }
}
