//! Templates, app types, environments, capabilities, the default-configuration table and license notes.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The corrected loopback pattern shipped as the Native template's default redirect URL.
///
/// The seed's `^http://127.0.0.1\:\d{4,10}$` leaves its dots unescaped (it also matches
/// `http://127x0x0x1:1234`) and allows ports above 65535.
pub const NATIVE_LOOPBACK_PATTERN: &str = r"^http://127\.0\.0\.1:\d{4,5}(/[^?#]*)?$";

/// The seed portal's original native default, kept for tests and explanations.
pub const SEED_LOOPBACK_PATTERN: &str = r"^http://127.0.0.1\:\d{4,10}$";

/// At most this many redirect URLs (and CORS origins) per list.
pub const MAX_URLS: usize = 100;

/// One of the six templates. JSON: `web|native|server-to-server|mirroring|erp|empty`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Template {
    #[serde(rename = "web")]
    Web,
    #[serde(rename = "native")]
    Native,
    #[serde(rename = "server-to-server")]
    ServerToServer,
    #[serde(rename = "mirroring")]
    Mirroring,
    #[serde(rename = "erp")]
    Erp,
    #[serde(rename = "empty")]
    Empty,
}

impl Template {
    pub const ALL: [Template; 6] = [
        Template::Web,
        Template::Native,
        Template::ServerToServer,
        Template::Mirroring,
        Template::Erp,
        Template::Empty,
    ];

    /// The JSON / CLI identifier.
    pub fn id(self) -> &'static str {
        match self {
            Template::Web => "web",
            Template::Native => "native",
            Template::ServerToServer => "server-to-server",
            Template::Mirroring => "mirroring",
            Template::Erp => "erp",
            Template::Empty => "empty",
        }
    }

    /// The label users of the portal know.
    pub fn title(self) -> &'static str {
        match self {
            Template::Web => "Web app",
            Template::Native => "Native app",
            Template::ServerToServer => "Server-to-server",
            Template::Mirroring => "Custom database mirroring",
            Template::Erp => "Standard ERP sync and quote",
            Template::Empty => "Empty (DIY)",
        }
    }

    /// The one-line description on the template card.
    pub fn description(self) -> &'static str {
        match self {
            Template::Web => "A web application that signs users in with a client secret and calls the REST API.",
            Template::Native => "A desktop or mobile app that signs in through the system browser with PKCE. \
                Its default redirect pattern escapes every dot and limits the port to 4–5 digits, \
                unlike the old default that also matched look-alike hosts.",
            Template::ServerToServer => "A background service that calls the REST and SOAP APIs with a system user token.",
            Template::Mirroring => "Mirrors a customer's CRM database into your own, through the Database Mirroring Service.",
            Template::Erp => "Connects an ERP system through the ERP sync connector and provides quotes.",
            Template::Empty => "Starts with the basic API access and no redirect URLs; configure everything yourself.",
        }
    }

    /// The capabilities this template configures by default (the table in `product.md`).
    pub fn capabilities(self) -> &'static [Capability] {
        use Capability::*;
        match self {
            Template::Web => &[WebApi, WebhookAgent],
            Template::Native => &[
                WebApi,
                WebhookAgent,
                LoopbackRedirectPattern,
                NativeOrMobile,
            ],
            Template::ServerToServer => &[WebApi, Services88, WebhookAgent, SystemTokenClaim],
            Template::Mirroring => &[],
            Template::Erp => &[
                WebApi,
                Services88,
                WebhookAgent,
                SystemTokenClaim,
                ErpSyncAgent,
            ],
            Template::Empty => &[WebApi, Services88, WebhookAgent],
        }
    }

    /// The app type when the template fixes it (Mirroring is always Custom, ERP always Standard).
    pub fn fixed_app_type(self) -> Option<AppType> {
        match self {
            Template::Mirroring => Some(AppType::Custom),
            Template::Erp => Some(AppType::Standard),
            _ => None,
        }
    }

    /// The app type preselected in the wizard.
    pub fn default_app_type(self) -> AppType {
        self.fixed_app_type().unwrap_or(AppType::Custom)
    }

    /// How the redirect-URL step behaves for this template.
    pub fn redirect_step(self) -> RedirectStep {
        match self {
            Template::Web => RedirectStep::Required,
            Template::Native => RedirectStep::Required,
            Template::ServerToServer => RedirectStep::Optional,
            Template::Mirroring => RedirectStep::Endpoints,
            Template::Erp => RedirectStep::Endpoints,
            Template::Empty => RedirectStep::Skipped,
        }
    }

    /// Whether redirect URLs may be registered at all (Mirroring has none).
    pub fn allows_redirect_urls(self) -> bool {
        self != Template::Mirroring
    }

    /// The integration points of this template.
    pub fn endpoints(self) -> &'static [EndpointKind] {
        match self {
            Template::Mirroring => &[EndpointKind::Mirroring],
            Template::Erp => &[EndpointKind::ErpSync, EndpointKind::Quote],
            _ => &[],
        }
    }

    /// The redirect URLs the wizard starts with.
    pub fn default_redirect_urls(self) -> Vec<String> {
        match self {
            Template::Native => vec![NATIVE_LOOPBACK_PATTERN.to_string()],
            _ => Vec::new(),
        }
    }

    /// The name the wizard suggests, if any.
    pub fn suggested_name(self, company: &str) -> Option<String> {
        match self {
            Template::Mirroring => Some(format!("Data mirroring for {company}")),
            _ => None,
        }
    }

    /// Whether a plain-http loopback redirect URL earns the "development only" warning.
    pub(crate) fn warns_dev_only(self) -> bool {
        self == Template::Web
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Template {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Template::ALL
            .into_iter()
            .find(|t| t.id() == s)
            .ok_or_else(|| {
                format!("unknown template '{s}': use web, native, server-to-server, mirroring, erp or empty")
            })
    }
}

/// How the third wizard step looks for a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RedirectStep {
    /// Redirect URLs, at least one.
    Required,
    /// Redirect URLs, may be left empty.
    Optional,
    /// Integration endpoints instead of redirect URLs.
    Endpoints,
    /// The step is skipped.
    Skipped,
}

/// "Custom" or "Standard".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum AppType {
    Custom,
    Standard,
}

impl AppType {
    pub fn id(self) -> &'static str {
        match self {
            AppType::Custom => "custom",
            AppType::Standard => "standard",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            AppType::Custom => "Custom",
            AppType::Standard => "Standard",
        }
    }
}

impl FromStr for AppType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "custom" => Ok(AppType::Custom),
            "standard" => Ok(AppType::Standard),
            _ => Err(format!("unknown app type '{s}': use custom or standard")),
        }
    }
}

/// SOD (development sandbox), Stage, Production.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Sod,
    Stage,
    Production,
}

impl Environment {
    pub const ALL: [Environment; 3] = [
        Environment::Sod,
        Environment::Stage,
        Environment::Production,
    ];
    pub fn id(self) -> &'static str {
        match self {
            Environment::Sod => "sod",
            Environment::Stage => "stage",
            Environment::Production => "production",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            Environment::Sod => "SOD (development)",
            Environment::Stage => "Stage",
            Environment::Production => "Production",
        }
    }
}

impl FromStr for Environment {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Environment::ALL
            .into_iter()
            .find(|e| e.id() == s)
            .ok_or_else(|| format!("unknown environment '{s}': use sod, stage or production"))
    }
}

/// A capability from the default-configuration table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    #[serde(rename = "webapi")]
    WebApi,
    Services88,
    WebhookAgent,
    SystemTokenClaim,
    ErpSyncAgent,
    LoopbackRedirectPattern,
    NativeOrMobile,
    /// Added after the wizard: the app mirrors tenants' databases (tenant administrators consent again).
    DatabaseMirroring,
}

impl Capability {
    pub const ALL: [Capability; 8] = [
        Capability::WebApi,
        Capability::Services88,
        Capability::WebhookAgent,
        Capability::SystemTokenClaim,
        Capability::ErpSyncAgent,
        Capability::LoopbackRedirectPattern,
        Capability::NativeOrMobile,
        Capability::DatabaseMirroring,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Capability::WebApi => "WebAPI",
            Capability::Services88 => "Services88",
            Capability::WebhookAgent => "Webhook agent",
            Capability::SystemTokenClaim => "SystemToken claim",
            Capability::ErpSyncAgent => "ERPSync agent",
            Capability::LoopbackRedirectPattern => "loopback redirect pattern",
            Capability::NativeOrMobile => "Is native or mobile",
            Capability::DatabaseMirroring => "Database mirroring",
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Capability::WebApi => "the REST API endpoint",
            Capability::Services88 => "the SOAP services endpoint (v88)",
            Capability::WebhookAgent => "may subscribe to CRM events",
            Capability::SystemTokenClaim => {
                "the ID token carries the system-user token for server-to-server access"
            }
            Capability::ErpSyncAgent => "access to the ERP sync connector API",
            Capability::LoopbackRedirectPattern => {
                "a loopback redirect pattern is registered by default"
            }
            Capability::NativeOrMobile => "native-app flow with PKCE instead of a client secret",
            Capability::DatabaseMirroring => {
                "may mirror the tenant's database through the Database Mirroring Service"
            }
        }
    }
}

/// An integration point of the Mirroring and ERP templates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EndpointKind {
    Mirroring,
    ErpSync,
    Quote,
}

impl EndpointKind {
    pub fn id(self) -> &'static str {
        match self {
            EndpointKind::Mirroring => "mirroring",
            EndpointKind::ErpSync => "erp_sync",
            EndpointKind::Quote => "quote",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            EndpointKind::Mirroring => "Mirroring endpoint",
            EndpointKind::ErpSync => "ERP Sync",
            EndpointKind::Quote => "Quote",
        }
    }
}

/// A license message shown for a template and app type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LicenseNote {
    pub id: String,
    pub text: String,
    /// `true` when it only informs (nothing for the customer to buy).
    pub informational: bool,
}

/// The license messages for a choice (product.md, step 1).
pub fn license_notes(template: Template, app_type: AppType) -> Vec<LicenseNote> {
    let app_type = template.fixed_app_type().unwrap_or(app_type);
    let mut notes = Vec::new();
    if app_type == AppType::Custom {
        notes.push(LicenseNote {
            id: "development-tools".into(),
            text: "A custom app needs the Development Tools license in the customer's production tenant \
                   (development tenants already have it)."
                .into(),
            informational: false,
        });
    }
    if template == Template::Mirroring {
        notes.push(LicenseNote {
            id: "database-mirroring".into(),
            text: "The customer also needs a Database Mirroring Service subscription.".into(),
            informational: false,
        });
    }
    if template == Template::Erp {
        notes.push(LicenseNote {
            id: "integration-server".into(),
            text: "The app is granted the Integration server license.".into(),
            informational: true,
        });
    }
    notes
}
