//! Sign-in, sessions, API tokens, the CSRF header, throttling, and the `Caller` extractor.

use crate::db::{self, get_s, Db};
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::{sessions, throttle, AppState, Config};
use appreg_core::api::{
    ApiToken, Me, NewApiToken, PartnerMembership, Role, SignIn, TokenScope, User, MAX_TOKEN_DAYS,
};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{ConnectInfo, FromRequestParts, OriginalUri, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sqlx::Row;
use std::net::SocketAddr;
use std::time::Duration;

/// The session cookie over plain http (a loopback development server).
pub const COOKIE: &str = "appreg_session";
/// The session cookie under an https public URL: with the `__Host-` prefix the browser accepts it only
/// `Secure`, for `Path=/` and without `Domain`, so no sibling host can set or shadow it.
pub const COOKIE_HTTPS: &str = "__Host-appreg_session";
/// How long a sign-in waits for an Argon2 permit before the server says it is busy.
const ARGON2_QUEUE: Duration = Duration::from_secs(10);

pub fn cookie_name(cfg: &Config) -> &'static str {
    if cfg.https() {
        COOKIE_HTTPS
    } else {
        COOKIE
    }
}

/// `Set-Cookie` for the session (an empty value with `Max-Age=0` clears it).
fn session_cookie(cfg: &Config, value: &str, max_age: u64) -> String {
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

fn verify_password(params: &argon2::Params, hash: &str, password: &str) -> bool {
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
        sqlx::query(
            "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at < $3",
        )
        .bind(now)
        .bind(hash)
        .bind(&stale)
        .execute(&state.db)
        .await?;
    }
    Ok(())
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
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
            // Tokens from before expiry existed (expires_at NULL) last a year from their creation.
            let row = sqlx::query(
                "SELECT user_id, scope FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL \
                 AND (expires_at > $2 OR (expires_at IS NULL AND created_at > $3))",
            )
            .bind(db::sha256_hex(token))
            .bind(&now)
            .bind(db::ago_secs(i64::from(MAX_TOKEN_DAYS) * 86_400))
            .fetch_optional(&state.db)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
            // The scope is enforced here, by method, for every endpoint: a read token only reads.
            let scope = TokenScope::from_id(&get_s(&row, "scope")).unwrap_or(TokenScope::Read);
            if scope == TokenScope::Read && changes_state(parts) {
                return Err(ApiError::Forbidden(
                    "This API token has the scope read: it may only read. Create a token with the scope write to change things."
                        .into(),
                ));
            }
            (get_s(&row, "user_id"), Via::Token, None)
        } else if let Some(sid) = cookie_value(&parts.headers, cookie_name(&state.cfg)) {
            // Live: within its absolute lifetime and used within the idle timeout.
            let hash = db::sha256_hex(&sid);
            let row = sqlx::query(
                "SELECT user_id, id, last_seen_at FROM sessions WHERE token_hash = $1 \
                 AND expires_at > $2 AND last_seen_at > $3",
            )
            .bind(&hash)
            .bind(&now)
            .bind(sessions::idle_cutoff(&state.cfg))
            .fetch_optional(&state.db)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
            touch(state, &hash, &get_s(&row, "last_seen_at"), &now).await?;
            (get_s(&row, "user_id"), Via::Cookie, db::get_opt(&row, "id"))
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
        let row = sqlx::query(
            "SELECT id, email, name, app_manager FROM users WHERE id = $1 AND disabled_at IS NULL \
             AND (demo = 0 OR $2 = 1)",
        )
        .bind(&user_id)
        .bind(i64::from(state.cfg.allow_demo_accounts))
        .fetch_optional(&state.db)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
        Ok(Caller {
            user_id,
            email: get_s(&row, "email"),
            name: get_s(&row, "name"),
            app_manager: via == Via::Cookie
                && row.try_get::<i64, _>("app_manager").unwrap_or(0) != 0,
            via,
            session_id,
        })
    }
}

/// The caller's role in a partner, if a member.
pub async fn role_in(db: &Db, user_id: &str, partner_id: &str) -> ApiResult<Option<Role>> {
    let row = sqlx::query("SELECT role FROM memberships WHERE user_id = $1 AND partner_id = $2")
        .bind(user_id)
        .bind(partner_id)
        .fetch_optional(db)
        .await?;
    Ok(row.and_then(|r| Role::from_id(&get_s(&r, "role"))))
}

/// The caller's role in a partner; 404 when not a member (never reveal another partner's existence).
pub async fn member(db: &Db, caller: &Caller, partner_id: &str) -> ApiResult<Role> {
    role_in(db, &caller.user_id, partner_id)
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

pub async fn me_of(db: &Db, caller: &Caller) -> ApiResult<Me> {
    let rows = sqlx::query(
        "SELECT p.id, p.name, m.role FROM memberships m JOIN partners p ON p.id = m.partner_id \
         WHERE m.user_id = $1 ORDER BY p.name",
    )
    .bind(&caller.user_id)
    .fetch_all(db)
    .await?;
    let partners = rows
        .iter()
        .filter_map(|r| {
            Some(PartnerMembership {
                id: get_s(r, "id"),
                name: get_s(r, "name"),
                role: Role::from_id(&get_s(r, "role"))?,
            })
        })
        .collect();
    Ok(Me {
        user: User {
            id: caller.user_id.clone(),
            email: caller.email.clone(),
            name: caller.name.clone(),
        },
        partners,
        app_manager: caller.app_manager,
    })
}

pub async fn me(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Me>> {
    Ok(Json(me_of(&state.db, &caller).await?))
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

pub async fn sign_in(
    State(state): State<AppState>,
    PeerAddr(peer): PeerAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignIn>,
) -> ApiResult<Response> {
    let email = body.email.trim().to_lowercase();
    let acct = format!("account:{email}");
    let addr = format!("address:{peer}");
    // Claim the attempt before verifying it (atomically; see crate::throttle): a throttled attempt waits
    // seconds, never a quarter of an hour, and is never verified.
    let subjects = throttle::Subjects::new(&email, &peer);
    let delays = throttle::Delays {
        base: state.cfg.sign_in_delay,
        cap: state.cfg.sign_in_max_delay,
    };
    if let throttle::Claim::Wait(secs) = throttle::claim(&state.db, &subjects, delays).await? {
        tracing::info!(wait_secs = secs, "sign-in throttled");
        return Err(ApiError::TooManyRequests(secs));
    }
    // A disabled user is refused exactly like an unknown one (no account enumeration).
    let row = sqlx::query(
        "SELECT id, password_hash, demo FROM users WHERE email = $1 AND disabled_at IS NULL",
    )
    .bind(&email)
    .fetch_optional(&state.db)
    .await?;
    let (user_id, hash) = match &row {
        Some(r) => (Some(get_s(r, "id")), get_s(r, "password_hash")),
        // Verify against a dummy hash so unknown accounts take as long as known ones.
        None => (None, state.dummy_hash.clone()),
    };
    let params = state.cfg.argon2.clone();
    let password = body.password.clone();
    // Argon2 is memory-hard: at most `argon2_concurrency` verifications run at once, the rest queue.
    let permit =
        tokio::time::timeout(ARGON2_QUEUE, state.argon2_slots.clone().acquire_owned()).await;
    let Ok(Ok(permit)) = permit else {
        throttle::release(&state.db, &subjects).await?;
        return Err(ApiError::Busy(1));
    };
    let ok = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        verify_password(&params, &hash, &password)
    })
    .await
    .map_err(ApiError::internal)?;
    let Some(user_id) = user_id.filter(|_| ok) else {
        for subject in [&acct, &addr] {
            sqlx::query("INSERT INTO sign_in_failures (subject, at) VALUES ($1, $2)")
                .bind(subject)
                .bind(db::now())
                .execute(&state.db)
                .await?;
        }
        tracing::info!("failed sign-in");
        return Err(ApiError::Json(
            StatusCode::UNAUTHORIZED,
            "The email or password is wrong.".into(),
        ));
    };
    // The right password: the account starts afresh (its throttle state and failure records).
    throttle::succeeded(&state.db, &subjects).await?;
    sqlx::query("DELETE FROM sign_in_failures WHERE subject = $1")
        .bind(&acct)
        .execute(&state.db)
        .await?;
    refuse_demo(&state, row.as_ref())?;
    let (session_id, token) = start_session(&state, &user_id, &peer, &headers).await?;
    let cookie = session_cookie(&state.cfg, &token, state.cfg.session_lifetime.as_secs());
    let caller = Caller {
        user_id,
        email: String::new(),
        name: String::new(),
        app_manager: false,
        via: Via::Cookie,
        session_id: Some(session_id),
    };
    let row = sqlx::query("SELECT email, name, app_manager FROM users WHERE id = $1")
        .bind(&caller.user_id)
        .fetch_one(&state.db)
        .await?;
    let caller = Caller {
        email: get_s(&row, "email"),
        name: get_s(&row, "name"),
        app_manager: row.try_get::<i64, _>("app_manager").unwrap_or(0) != 0,
        ..caller
    };
    let me = me_of(&state.db, &caller).await?;
    let mut res = Json(me).into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(ApiError::internal)?,
    );
    Ok(res)
}

/// Opens a session with a new id and token (the session this browser had before ends: no fixation), and
/// drops the user's own expired ones. Returns (public id, token).
async fn start_session(
    state: &AppState,
    user_id: &str,
    ip: &str,
    headers: &HeaderMap,
) -> ApiResult<(String, String)> {
    if let Some(old) = cookie_value(headers, cookie_name(&state.cfg)) {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(db::sha256_hex(&old))
            .execute(&state.db)
            .await?;
    }
    sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1 AND (expires_at <= $2 OR last_seen_at <= $3)",
    )
    .bind(user_id)
    .bind(db::now())
    .bind(sessions::idle_cutoff(&state.cfg))
    .execute(&state.db)
    .await?;
    let (id, token) = (db::new_id(), db::random_hex(32));
    let now = time::OffsetDateTime::now_utc();
    let user_agent: String = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    sqlx::query(
        "INSERT INTO sessions (token_hash, id, user_id, created_at, last_seen_at, expires_at, user_agent, ip) \
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
    )
    .bind(db::sha256_hex(&token))
    .bind(&id)
    .bind(user_id)
    .bind(db::fmt_time(now))
    .bind(db::fmt_time(now + state.cfg.session_lifetime))
    .bind(user_agent)
    .bind(ip)
    .execute(&state.db)
    .await?;
    Ok((id, token))
}

/// A demo account (well-known password) on a server started without `--demo`: refused, and told why.
fn refuse_demo(state: &AppState, user: Option<&sqlx::any::AnyRow>) -> ApiResult<()> {
    let demo = user.is_some_and(|r| r.try_get::<i64, _>("demo").unwrap_or(0) != 0);
    if demo && !state.cfg.allow_demo_accounts {
        return Err(ApiError::Forbidden(
            "Demo accounts are refused: this server was started without --demo. Ask an administrator for an account (appreg user add)."
                .into(),
        ));
    }
    Ok(())
}

pub async fn sign_out(
    State(state): State<AppState>,
    _caller: Caller,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if let Some(sid) = cookie_value(&headers, cookie_name(&state.cfg)) {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(db::sha256_hex(&sid))
            .execute(&state.db)
            .await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&session_cookie(&state.cfg, "", 0)).map_err(ApiError::internal)?,
    );
    Ok(res)
}

pub async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewApiToken>,
) -> ApiResult<(StatusCode, Json<ApiToken>)> {
    caller.require_session()?;
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::BadRequest(
            "Give the token a name of 1 to 100 characters.".into(),
        ));
    }
    if !(1..=MAX_TOKEN_DAYS).contains(&body.expires_in_days) {
        return Err(ApiError::BadRequest(format!(
            "expires_in_days must be 1 to {MAX_TOKEN_DAYS}."
        )));
    }
    let token = format!("appreg_{}", db::random_hex(32));
    let id = db::new_id();
    let created_at = db::now();
    let expires_at = db::in_days(i64::from(body.expires_in_days));
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at, scope) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(&caller.user_id)
    .bind(name)
    .bind(db::sha256_hex(&token))
    .bind(&created_at)
    .bind(&expires_at)
    .bind(body.scope.id())
    .execute(&state.db)
    .await?;
    db::audit(
        &state.db,
        Some(&caller.user_id),
        "create",
        "api_token",
        &id,
        None,
        None,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiToken {
            id,
            name: name.to_string(),
            created_at,
            expires_at,
            scope: body.scope,
            token: Some(token),
        }),
    ))
}

pub async fn list_tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<ApiToken>>> {
    let rows = sqlx::query(
        "SELECT id, name, created_at, expires_at, scope FROM api_tokens \
         WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at",
    )
    .bind(&caller.user_id)
    .fetch_all(&state.db)
    .await?;
    Ok(Json(
        rows.iter()
            .map(|r| {
                let created_at = get_s(r, "created_at");
                ApiToken {
                    id: get_s(r, "id"),
                    name: get_s(r, "name"),
                    expires_at: db::get_opt(r, "expires_at")
                        .unwrap_or_else(|| legacy_expiry(&created_at)),
                    created_at,
                    scope: TokenScope::from_id(&get_s(r, "scope")).unwrap_or(TokenScope::Read),
                    token: None,
                }
            })
            .collect(),
    ))
}

/// A token from before expiry existed lasts a year from its creation.
fn legacy_expiry(created_at: &str) -> String {
    time::OffsetDateTime::parse(created_at, &time::format_description::well_known::Rfc3339)
        .map(|t| db::fmt_time(t + time::Duration::days(i64::from(MAX_TOKEN_DAYS))))
        .unwrap_or_default()
}

pub async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
        .bind(db::now())
        .bind(&id)
        .bind(&caller.user_id)
        .execute(&state.db)
        .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::NotFound);
    }
    db::audit(
        &state.db,
        Some(&caller.user_id),
        "revoke",
        "api_token",
        &id,
        None,
        None,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
