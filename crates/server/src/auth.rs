//! Who is calling: the `Caller` extractor (session cookie with the CSRF header, or an API token with its
//! scope), the partner role checks, session cookies, password hashing and the client's address.

use crate::db::{self, Db};
use crate::error::{ApiError, ApiResult};
use crate::store::{self, users};
use crate::{sessions, throttle, AppState, Config};
use appreg_core::api::{Role, TokenScope};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{ConnectInfo, FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, Uri};
use std::net::SocketAddr;
use std::time::Duration;

/// The session cookie over plain http (a loopback development server).
pub const COOKIE: &str = "appreg_session";
/// The session cookie under an https public URL: with the `__Host-` prefix the browser accepts it only
/// `Secure`, for `Path=/` and without `Domain`, so no sibling host can set or shadow it.
pub const COOKIE_HTTPS: &str = "__Host-appreg_session";

pub fn cookie_name(cfg: &Config) -> &'static str {
    if cfg.https() {
        COOKIE_HTTPS
    } else {
        COOKIE
    }
}

/// `Set-Cookie` for the session (an empty value with `Max-Age=0` clears it).
pub fn session_cookie(cfg: &Config, value: &str, max_age: u64) -> String {
    let secure = if cfg.https() { "; Secure" } else { "" };
    format!(
        "{}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}",
        cookie_name(cfg)
    )
}

/// Argon2id with the configured cost.
pub fn argon2(params: &argon2::Params) -> Argon2<'static> {
    Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        params.clone(),
    )
}

pub fn hash_password(params: &argon2::Params, password: &str) -> String {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2(params)
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes")
        .to_string()
}

pub fn verify_password(params: &argon2::Params, hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        argon2(params)
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// How the caller authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Cookie,
    Token,
}

/// The signed-in user of a request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: String,
    pub email: String,
    pub name: String,
    /// Never true for an API token: app-manager powers need a signed-in session.
    pub app_manager: bool,
    pub via: Via,
    /// The public id of the session of this request (cookie callers).
    pub session_id: Option<String>,
}

impl Caller {
    /// Managing API tokens and sessions needs a signed-in session: an API token cannot mint tokens.
    pub fn require_session(&self) -> ApiResult<()> {
        match self.via {
            Via::Cookie => Ok(()),
            Via::Token => Err(ApiError::Forbidden(
                "API tokens cannot create API tokens or manage sessions; sign in to do that."
                    .into(),
            )),
        }
    }
}

fn is_read(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// POSTs that change nothing (validation only): a read token may send them.
const READ_ONLY_POSTS: &[&str] = &["/api/v1/check"];

/// Whether a request may change state: any method but GET/HEAD/OPTIONS, except [`READ_ONLY_POSTS`].
fn changes_state(parts: &Parts) -> bool {
    if is_read(&parts.method) {
        return false;
    }
    let path = parts
        .extensions
        .get::<OriginalUri>()
        .map_or(parts.uri.path(), |u| u.0.path());
    !(parts.method == Method::POST && READ_ONLY_POSTS.contains(&path))
}

/// Slides a session's idle expiry: writes `last_seen_at` at most once a minute per session (more often
/// only when the idle timeout is under two minutes), not on every request.
async fn touch(state: &AppState, hash: &str, last_seen: &str, now: &str) -> ApiResult<()> {
    let every = (state.cfg.session_idle / 2).min(Duration::from_secs(60));
    let stale = db::fmt_time(time::OffsetDateTime::now_utc() - every);
    if last_seen < stale.as_str() {
        store::credentials::touch(&state.db, hash, now, &stale).await?;
    }
    Ok(())
}

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.split(';').find_map(|kv| {
                let (k, val) = kv.trim().split_once('=')?;
                (k == name).then(|| val.to_string())
            })
        })
}

/// A bearer token sent by a browser (the request has `Origin`) must come from a page of the portal itself
/// (Origin's host is the request's `Host`, or Origin is `--public-url`'s origin) or of an
/// `--embed-origin`; a token that leaked to another site's script stops working there. Requests without
/// `Origin` (the CLI, curl, CI) are not affected.
fn browser_origin_allowed(headers: &HeaderMap, uri: &Uri, cfg: &Config) -> ApiResult<()> {
    let Some(origin) = crate::cors::request_origin(headers) else {
        return Ok(());
    };
    if crate::cors::is_listed(&cfg.embed_origins, &origin) {
        return Ok(());
    }
    if cfg
        .public_url
        .as_deref()
        .and_then(crate::cors::origin_of)
        .is_some_and(|o| o == origin)
    {
        return Ok(());
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))
        .map(str::to_ascii_lowercase);
    if let (Some(host), Ok(own)) = (host, crate::cors::parse_origin(&origin)) {
        // Origin leaves out the scheme's default port; Host may carry it.
        let (scheme, authority) = own.split_once("://").unwrap_or_default();
        let default = if scheme == "https" { ":443" } else { ":80" };
        if host == authority || host.strip_suffix(default) == Some(authority) {
            return Ok(());
        }
    }
    Err(ApiError::Forbidden(format!(
        "API tokens are not accepted from pages of {origin}. If that site embeds this portal, its \
         operator adds it with `appreg serve --embed-origin {origin}`."
    )))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let now = db::now();
        let (user_id, via, session_id) = if let Some(token) = bearer {
            browser_origin_allowed(&parts.headers, &parts.uri, &state.cfg)?;
            let row = users::token_bearer(&state.db, &db::sha256_hex(token), &now)
                .await?
                .ok_or(ApiError::Unauthenticated)?;
            // The scope is enforced here, by method, for every endpoint: a read token only reads.
            if users::scope(&row.scope)? == TokenScope::Read && changes_state(parts) {
                return Err(ApiError::Forbidden(
                    "This API token has the scope read: it may only read. Create a token with the scope write to change things."
                        .into(),
                ));
            }
            (row.user_id, Via::Token, None)
        } else if let Some(sid) = cookie_value(&parts.headers, cookie_name(&state.cfg)) {
            // Live: within its absolute lifetime and used within the idle timeout.
            let hash = db::sha256_hex(&sid);
            let cutoff = sessions::idle_cutoff(&state.cfg);
            let row = users::live_session(&state.db, &hash, &now, &cutoff)
                .await?
                .ok_or(ApiError::Unauthenticated)?;
            touch(state, &hash, &row.last_seen_at, &now).await?;
            (row.user_id, Via::Cookie, row.id)
        } else {
            return Err(ApiError::Unauthenticated);
        };
        if via == Via::Cookie && !is_read(&parts.method) {
            let ok = parts
                .headers
                .get("x-requested-with")
                .is_some_and(|v| v.as_bytes() == b"appreg");
            if !ok {
                return Err(ApiError::Forbidden(
                    "State-changing requests with a session cookie must send the header X-Requested-With: appreg."
                        .into(),
                ));
            }
        }
        // A disabled user's sessions and tokens stop working; so do a demo user's without `--demo`.
        let row = users::caller(&state.db, &user_id, state.cfg.allow_demo_accounts)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        Ok(Caller {
            app_manager: via == Via::Cookie && store::flag("users.app_manager", row.app_manager)?,
            user_id,
            email: row.email,
            name: row.name,
            via,
            session_id,
        })
    }
}

/// The caller's role in a partner; 404 when not a member (never reveal another partner's existence).
pub async fn member(db: &Db, caller: &Caller, partner_id: &str) -> ApiResult<Role> {
    users::role_in(db, &caller.user_id, partner_id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Like [`member`], but the role must be allowed to configure apps (Administrator, Developer).
pub async fn configurer(db: &Db, caller: &Caller, partner_id: &str) -> ApiResult<Role> {
    let role = member(db, caller, partner_id).await?;
    if role.can_configure() {
        Ok(role)
    } else {
        Err(ApiError::Forbidden(
            "Your role (Marketing) may view applications but not create or change them.".into(),
        ))
    }
}

/// Reviewing publish requests is for the portal's app managers (signed in, never by API token).
pub fn app_manager_only(caller: &Caller) -> ApiResult<()> {
    if caller.app_manager {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only the portal's app managers review publish requests.".into(),
        ))
    }
}

/// The client's IP address: the peer's, or behind a `--trusted-proxy`, the one `X-Forwarded-For` names
/// (see [`throttle::client_ip`]); "unknown" when the server runs without connect info (tests).
pub struct PeerAddr(pub String);

impl FromRequestParts<AppState> for PeerAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let hops = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect::<Vec<_>>();
        let ip = throttle::client_ip(peer, hops.into_iter(), &state.cfg.trusted_proxies);
        Ok(PeerAddr(
            ip.map_or_else(|| "unknown".into(), |ip| ip.to_string()),
        ))
    }
}
