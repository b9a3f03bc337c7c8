//! Typed rows: one struct per query shape, read with `query_as` (`FromRow`). A column that does not
//! decode is an error (a 500 with a log line, see [`crate::error::ApiError`]), never a default.
//!
//! With the `Any` driver, flags stored as BIGINT decode as `i64` and timestamps are TEXT (RFC 3339).

use sqlx::FromRow;

/// `applications`, without the client IDs.
#[derive(Debug, FromRow)]
pub struct AppRow {
    pub id: String,
    pub partner_id: String,
    pub name: String,
    pub name_key: String,
    pub template: String,
    pub app_type: String,
    /// JSON arrays and objects, as text.
    pub capabilities: String,
    pub technical_contact: String,
    pub redirect_urls: String,
    pub post_logout_urls: String,
    pub cors_urls: String,
    pub endpoints: String,
    pub version: i64,
    pub created_at: String,
    /// `active`, `deactivated` or `deleted` (migration 0005).
    pub status: String,
    /// When it was deleted or deactivated; NULL while active.
    pub deleted_at: Option<String>,
    /// "Send error e-mails": 0 or 1, and the recipients as a JSON array (migration 0006).
    pub error_emails_send: i64,
    pub error_email_recipients: String,
    /// The earliest expiry of the app's live (not revoked) client secrets; NULL when it has none.
    pub secrets_expire_at: Option<String>,
    /// The earliest stored expiry of its certificates; NULL when none has one.
    pub certificates_expire_at: Option<String>,
    /// The creation of its oldest certificate without a stored expiry (from before migration 0005: it
    /// expires a year later); NULL when there is none.
    pub legacy_certificate_created_at: Option<String>,
}

/// The columns of [`AppRow`], for `SELECT … FROM applications` (the table not aliased: the key expiries
/// are correlated subqueries on `applications.id`, so a page of apps is still one query).
pub const APP_COLUMNS: &str = "id, partner_id, name, name_key, template, app_type, capabilities, \
     technical_contact, redirect_urls, post_logout_urls, cors_urls, endpoints, version, created_at, \
     status, deleted_at, error_emails_send, error_email_recipients, \
     (SELECT MIN(s.expires_at) FROM client_secrets s \
      WHERE s.application_id = applications.id AND s.revoked_at IS NULL) AS secrets_expire_at, \
     (SELECT MIN(c.expires_at) FROM certificates c \
      WHERE c.application_id = applications.id AND c.expires_at IS NOT NULL) AS certificates_expire_at, \
     (SELECT MIN(c.created_at) FROM certificates c \
      WHERE c.application_id = applications.id AND c.expires_at IS NULL) AS legacy_certificate_created_at";

/// `client_ids`: one per app and environment.
#[derive(Debug, FromRow)]
pub struct ClientIdRow {
    pub application_id: String,
    pub environment: String,
    pub client_id: String,
    pub state: String,
}

#[derive(Debug, FromRow)]
pub struct PartnerRow {
    pub name: String,
    /// The partner's number of applications.
    pub n: i64,
}

#[derive(Debug, FromRow)]
pub struct UserSummaryRow {
    pub id: String,
    pub email: String,
    pub name: String,
}

/// An app's id and name (the NAME-TAKEN check).
#[derive(Debug, FromRow)]
pub struct AppNameRow {
    pub id: String,
    pub name: String,
}

#[derive(Debug, FromRow)]
pub struct SecretRow {
    pub id: String,
    pub environment: String,
    pub description: String,
    pub last4: String,
    pub created_at: String,
    pub expires_at: String,
}

#[derive(Debug, FromRow)]
pub struct CertificateRow {
    pub id: String,
    pub environment: String,
    pub public_key_pem: String,
    pub created_at: String,
    pub description: String,
    /// NULL for certificates from before expiry existed: they expire a year after their creation.
    pub expires_at: Option<String>,
}

/// A publish request with its app's name.
#[derive(Debug, FromRow)]
pub struct PublishRow {
    pub id: String,
    pub application_id: String,
    pub application_name: String,
    pub environment: String,
    pub message: String,
    pub state: String,
    pub reason: Option<String>,
    pub requested_by: String,
    pub created_at: String,
    pub decided_at: Option<String>,
    /// The version requested; NULL for requests from before versions (migration 0007).
    pub version: Option<i64>,
    /// `configuration` or `app-store`, and the App Store version an `app-store` request asks for
    /// (migration 0008).
    pub kind: String,
    pub app_store_version: Option<i64>,
}

#[derive(Debug, FromRow)]
pub struct IdempotencyRow {
    pub request_hash: String,
    /// NULL while the first request is still being processed.
    pub application_id: Option<String>,
}

/// The live API token of a bearer.
#[derive(Debug, FromRow)]
pub struct TokenAuthRow {
    pub user_id: String,
    pub scope: String,
}

/// The live session of a cookie.
#[derive(Debug, FromRow)]
pub struct SessionAuthRow {
    pub user_id: String,
    /// NULL only for sessions from before sessions had ids (none survive migration 0003).
    pub id: Option<String>,
    pub last_seen_at: String,
}

/// An enabled user, as a request's caller.
#[derive(Debug, FromRow)]
pub struct CallerRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub app_manager: i64,
}

/// What sign-in needs of an enabled user.
#[derive(Debug, FromRow)]
pub struct SignInRow {
    pub id: String,
    pub password_hash: String,
    pub demo: i64,
}

#[derive(Debug, FromRow)]
pub struct RoleRow {
    pub role: String,
}

/// A partner the user belongs to, with their role.
#[derive(Debug, FromRow)]
pub struct MembershipRow {
    pub id: String,
    pub name: String,
    pub role: String,
}

#[derive(Debug, FromRow)]
pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub created_at: String,
    /// NULL for tokens from before expiry existed: they last a year from their creation.
    pub expires_at: Option<String>,
    pub scope: String,
}

#[derive(Debug, FromRow)]
pub struct SessionRow {
    pub id: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
    pub user_agent: String,
    pub ip: String,
}

/// `SELECT COUNT(*) AS n`.
#[derive(Debug, FromRow)]
pub struct CountRow {
    pub n: i64,
}

/// A user looked up by the `user disable` command.
#[derive(Debug, FromRow)]
pub struct UserStateRow {
    pub id: String,
    pub disabled_at: Option<String>,
}

/// `SELECT id` for existence checks.
#[derive(Debug, FromRow)]
pub struct IdRow {
    pub id: String,
}

/// `versions`: one version of an app (migration 0007).
#[derive(Debug, FromRow)]
pub struct VersionRow {
    pub number: i64,
    pub label: String,
    pub config_json: String,
    pub created_at: String,
    pub created_by: String,
    /// NULL (never there), `draft`, `published`, `pending` or `rejected`.
    pub sod_state: Option<String>,
    pub stage_state: Option<String>,
    pub production_state: Option<String>,
}

/// `change_log`: one save (migration 0007).
#[derive(Debug, FromRow)]
pub struct ChangeRow {
    pub id: String,
    pub version: i64,
    pub actor: String,
    pub action: String,
    pub diff_json: String,
    pub at: String,
}

/// `SELECT email`.
#[derive(Debug, FromRow)]
pub struct EmailRow {
    pub email: String,
}
