//! Versions and the change log (issue #13): a version is a labelled snapshot of an app's configuration,
//! with a state per environment. All changes happen in SOD: a version is edited while it is a draft (or
//! published to SOD only), and is frozen once it is requested for, or published to, Stage or Production.
//! Each save adds a change-log entry with the field-by-field [`diff`] and its words ([`describe`]).
//!
//! The state machine, per environment ([`version_transition`]):
//!
//! | env | state | event | next |
//! |---|---|---|---|
//! | SOD | none, draft | publish-sod | published |
//! | SOD | none, draft, published | edit | unchanged (SOD is self-service: a save is live there) |
//! | Stage, Production | none, rejected | request | pending |
//! | Stage, Production | pending | approve | published |
//! | Stage, Production | pending | reject | rejected (unlocked to fix) |
//! | Stage, Production | none, rejected | edit | unchanged |
//!
//! Every other pair is refused with a reason: SOD is never requested, approved or rejected; Stage and
//! Production are never published self-service; a pending version is locked; a version published to
//! Stage or Production is never edited again (a new draft is made from it instead).

use crate::api::{Application, Endpoints, ErrorEmails};
use crate::finding::{Check, Finding, Rule};
use crate::template::{Capability, Environment};
use serde::{Deserialize, Serialize};

mod diff;
pub use diff::{describe, diff};

/// What a version holds: the configuration the wizard and the console set (not the name).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppConfig {
    pub capabilities: Vec<Capability>,
    pub redirect_urls: Vec<String>,
    pub post_logout_urls: Vec<String>,
    pub cors_urls: Vec<String>,
    pub endpoints: Endpoints,
    pub technical_contact: String,
    pub error_emails: ErrorEmails,
    #[serde(default)]
    pub environment_urls: EnvironmentUrls,
}

impl AppConfig {
    /// The configuration an app shows (its current version's); `environment_urls` is not on the app
    /// and stays the default (same as SOD).
    pub fn of(app: &Application) -> AppConfig {
        AppConfig {
            capabilities: app.capabilities.clone(),
            redirect_urls: app.redirect_urls.clone(),
            post_logout_urls: app.post_logout_urls.clone(),
            cors_urls: app.cors_urls.clone(),
            endpoints: app.endpoints.clone(),
            technical_contact: app.technical_contact.clone(),
            error_emails: app.error_emails.clone(),
            environment_urls: EnvironmentUrls::default(),
        }
    }

    /// Writes this configuration into an app (every field but `environment_urls`).
    pub fn apply_to(&self, app: &mut Application) {
        app.capabilities = self.capabilities.clone();
        app.redirect_urls = self.redirect_urls.clone();
        app.post_logout_urls = self.post_logout_urls.clone();
        app.cors_urls = self.cors_urls.clone();
        app.endpoints = self.endpoints.clone();
        app.technical_contact = self.technical_contact.clone();
        app.error_emails = self.error_emails.clone();
    }

    /// The redirect and CORS URLs in effect in one environment (R4).
    pub fn urls_in(&self, env: Environment) -> UrlSet {
        self.environment_urls
            .in_effect(env, &self.redirect_urls, &self.cors_urls)
    }
}

/// R4: redirect and CORS URLs for Stage and Production when they differ from SOD's (None = same as SOD).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnvironmentUrls {
    #[serde(default)]
    pub stage: Option<UrlSet>,
    #[serde(default)]
    pub production: Option<UrlSet>,
}

impl EnvironmentUrls {
    /// The own URLs of Stage or Production; `None` for SOD and when the environment uses SOD's.
    pub fn get(&self, env: Environment) -> Option<&UrlSet> {
        match env {
            Environment::Sod => None,
            Environment::Stage => self.stage.as_ref(),
            Environment::Production => self.production.as_ref(),
        }
    }

    /// The redirect and CORS URLs in effect in `env` (R4): its own, else SOD's (`redirect_urls` and
    /// `cors_urls`).
    pub fn in_effect(
        &self,
        env: Environment,
        redirect_urls: &[String],
        cors_urls: &[String],
    ) -> UrlSet {
        self.get(env).cloned().unwrap_or_else(|| UrlSet {
            redirect_urls: redirect_urls.to_vec(),
            cors_urls: cors_urls.to_vec(),
        })
    }
}

/// Redirect and CORS URLs of one environment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UrlSet {
    #[serde(default)]
    pub redirect_urls: Vec<String>,
    #[serde(default)]
    pub cors_urls: Vec<String>,
}

/// The state of a version in one environment (`None` in [`VersionInfo`]: never there).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum VersionState {
    /// Being edited in SOD, not published there yet.
    Draft,
    Published,
    /// Requested, waiting for the app manager: the version is locked.
    Pending,
    /// The app manager said no: unlocked to fix and request again.
    Rejected,
}

impl VersionState {
    pub fn id(self) -> &'static str {
        match self {
            VersionState::Draft => "draft",
            VersionState::Published => "published",
            VersionState::Pending => "pending",
            VersionState::Rejected => "rejected",
        }
    }
    pub fn from_id(s: &str) -> Option<VersionState> {
        [
            VersionState::Draft,
            VersionState::Published,
            VersionState::Pending,
            VersionState::Rejected,
        ]
        .into_iter()
        .find(|v| v.id() == s)
    }
}

/// A version as listed (`GET /api/v1/applications/{app}/versions`, newest first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionInfo {
    pub number: u32,
    pub label: String,
    pub created_at: String,
    /// The e-mail address of who made it.
    pub created_by: String,
    pub sod: Option<VersionState>,
    pub stage: Option<VersionState>,
    pub production: Option<VersionState>,
    /// PATCH edits this version (the newest).
    pub current: bool,
    /// [`version_editable`].
    pub editable: bool,
}

impl VersionInfo {
    /// The state in one environment.
    pub fn state(&self, env: Environment) -> Option<VersionState> {
        match env {
            Environment::Sod => self.sod,
            Environment::Stage => self.stage,
            Environment::Production => self.production,
        }
    }
    /// Sets the state in one environment.
    pub fn set_state(&mut self, env: Environment, state: Option<VersionState>) {
        match env {
            Environment::Sod => self.sod = state,
            Environment::Stage => self.stage = state,
            Environment::Production => self.production = state,
        }
    }
}

/// `GET /api/v1/applications/{app}/versions/{n}`: the downloadable JSON snapshot of a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionSnapshot {
    pub application_id: String,
    pub number: u32,
    pub label: String,
    pub created_at: String,
    pub config: AppConfig,
}

/// `POST /api/v1/applications/{app}/versions` ("Add New Configuration").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewVersion {
    /// 1 to 80 characters after trimming, no control characters (VERSION-LABEL).
    pub label: String,
}

/// `POST /api/v1/applications/{app}/versions/{n}/publish`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublishVersion {
    pub environment: Environment,
    /// To the reviewer (Stage and Production); at most 2,000 characters (PUBLISH-MESSAGE).
    #[serde(default)]
    pub message: String,
}

/// One changed field. `field` is e.g. `redirect_urls`, `technical_contact`, `endpoints.erp_sync`,
/// `error_emails.send`, `environment_urls.stage.cors_urls`. List fields fill `added`/`removed`, the
/// others `before`/`after` (`None`: absent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    pub field: String,
    #[serde(default)]
    pub added: Vec<String>,
    #[serde(default)]
    pub removed: Vec<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One entry of the change log (`GET /api/v1/applications/{app}/changes`, newest first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeEntry {
    pub id: String,
    pub version: u32,
    pub at: String,
    /// The e-mail address of who saved.
    pub by: String,
    /// `create`, `edit`, `new-version`, `publish`, `request`, `approve` or `reject`.
    pub action: String,
    pub changes: Vec<FieldChange>,
    /// Each change in words (and what a publish, request or decision did).
    pub summary: Vec<String>,
    /// The version's snapshot: `/api/v1/applications/{app}/versions/{n}`.
    pub snapshot_url: String,
}

/// The longest version label, in characters after trimming.
pub const MAX_VERSION_LABEL: usize = 80;

fn is_control(c: char) -> bool {
    c.is_control() || matches!(c as u32, 0x200B..=0x200F | 0x2028..=0x202E | 0xFEFF)
}

/// VERSION-LABEL: 1 to 80 characters after trimming, no control characters. The canonical form is
/// trimmed.
pub fn check_version_label(label: &str) -> Check {
    let trimmed = label.trim();
    let n = trimmed.chars().count();
    let mut findings = Vec::new();
    if n == 0 {
        findings.push(Finding::error(
            Rule::VersionLabel,
            "Give the version a label, such as \"Release 2\" (1 to 80 characters).",
        ));
    } else if n > MAX_VERSION_LABEL {
        findings.push(Finding::error(
            Rule::VersionLabel,
            format!("The label has {n} characters; shorten it to 80 at most."),
        ));
    }
    if let Some((i, c)) = trimmed.chars().enumerate().find(|(_, c)| is_control(*c)) {
        findings.push(Finding::error(
            Rule::VersionLabel,
            format!(
                "The label contains an invisible control character (U+{:04X}) at position {}; remove it.",
                c as u32,
                i + 1
            ),
        ));
    }
    Check::new(label, Some(trimmed.to_string()), findings)
}

/// What happens to a version in one environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VersionEvent {
    /// Publish to SOD (self-service).
    PublishSod,
    /// Ask the app manager to publish to Stage or Production.
    Request,
    Approve,
    Reject,
    /// Save a change to the version.
    Edit,
}

/// The state of a version in `env` after `event`, or why the event is refused there.
pub fn version_transition(
    state: Option<VersionState>,
    env: Environment,
    event: VersionEvent,
) -> Result<Option<VersionState>, String> {
    use VersionEvent as E;
    use VersionState as S;
    let title = env.title();
    if env == Environment::Sod {
        return match (state, event) {
            (None | Some(S::Draft), E::PublishSod) => Ok(Some(S::Published)),
            (Some(S::Published), E::PublishSod) => {
                Err("This version is already published to SOD.".into())
            }
            (None | Some(S::Draft) | Some(S::Published), E::Edit) => Ok(state),
            (_, E::Request | E::Approve | E::Reject) => Err(
                "SOD is self-service: publish the version to SOD yourself; only Stage and Production are requested."
                    .into(),
            ),
            (Some(s), _) => Err(format!("A version is never {} in SOD.", s.id())),
        };
    }
    match (state, event) {
        (_, E::PublishSod) => Err(format!(
            "{title} is published by the app manager's approval: request it."
        )),
        (None | Some(S::Rejected), E::Request) => Ok(Some(S::Pending)),
        (None | Some(S::Rejected), E::Edit) => Ok(state),
        (Some(S::Pending), E::Approve) => Ok(Some(S::Published)),
        (Some(S::Pending), E::Reject) => Ok(Some(S::Rejected)),
        (Some(S::Pending), E::Request) => Err(format!(
            "A request to publish to {title} is already pending."
        )),
        (Some(S::Pending), E::Edit) => Err(format!(
            "The version is locked while its request for {title} is pending."
        )),
        (Some(S::Published), E::Request) => {
            Err(format!("This version is already published to {title}."))
        }
        (Some(S::Published), E::Edit) => Err(format!(
            "This version is published to {title} and cannot change; edit a new version instead."
        )),
        (_, E::Approve | E::Reject) => Err(format!(
            "Only a pending request for {title} is approved or rejected."
        )),
        (Some(S::Draft), _) => Err(format!("A version is never a draft in {title}.")),
    }
}

/// Whether a version may be edited: not pending anywhere and not published to Stage or Production.
pub fn version_editable(v: &VersionInfo) -> bool {
    Environment::ALL
        .iter()
        .all(|e| version_transition(v.state(*e), *e, VersionEvent::Edit).is_ok())
}
