//! Sign-in, sessions, API tokens, the CSRF header, throttling, and the `Caller` extractor.

use crate::db::{self, get_s, Db};
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::AppState;
use appreg_core::api::{ApiToken, Me, NewApiToken, PartnerMembership, Role, SignIn, User};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sqlx::Row;
use std::net::SocketAddr;

pub const COOKIE: &str = "appreg_session";
const SESSION_DAYS: i64 = 7;
/// Failed sign-ins allowed per account, and per address, in the window.
const MAX_FAILS_ACCOUNT: i64 = 5;
const MAX_FAILS_ADDRESS: i64 = 20;
const FAIL_WINDOW_SECS: i64 = 15 * 60;

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
    pub app_manager: bool,
    pub via: Via,
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
        let (user_id, via) = if let Some(token) = bearer {
            let row = sqlx::query(
                "SELECT user_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
            )
            .bind(db::sha256_hex(token))
            .fetch_optional(&state.db)
            .await?;
            (
                row.map(|r| get_s(&r, "user_id"))
                    .ok_or(ApiError::Unauthenticated)?,
                Via::Token,
            )
        } else if let Some(sid) = cookie_value(&parts.headers, COOKIE) {
            let row = sqlx::query(
                "SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2",
            )
            .bind(db::sha256_hex(&sid))
            .bind(db::now())
            .fetch_optional(&state.db)
            .await?;
            (
                row.map(|r| get_s(&r, "user_id"))
                    .ok_or(ApiError::Unauthenticated)?,
                Via::Cookie,
            )
        } else {
            return Err(ApiError::Unauthenticated);
        };
        if via == Via::Cookie
            && !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS)
        {
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
        let row = sqlx::query("SELECT id, email, name, app_manager FROM users WHERE id = $1")
            .bind(&user_id)
            .fetch_optional(&state.db)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        Ok(Caller {
            user_id,
            email: get_s(&row, "email"),
            name: get_s(&row, "name"),
            app_manager: row.try_get::<i64, _>("app_manager").unwrap_or(0) != 0,
            via,
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

async fn failures(db: &Db, subject: &str) -> ApiResult<i64> {
    let row =
        sqlx::query("SELECT COUNT(*) AS n FROM sign_in_failures WHERE subject = $1 AND at > $2")
            .bind(subject)
            .bind(db::ago_secs(FAIL_WINDOW_SECS))
            .fetch_one(db)
            .await?;
    Ok(row.try_get::<i64, _>("n").unwrap_or(0))
}

/// Drops sign-in failures older than the throttling window and expired sessions. Runs on every sign-in,
/// so no instance needs a background job and the tables stay small.
async fn purge(db: &Db) -> ApiResult<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE at <= $1")
        .bind(db::ago_secs(FAIL_WINDOW_SECS))
        .execute(db)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(db::now())
        .execute(db)
        .await?;
    Ok(())
}

/// The peer's IP address, when the server was started with connect info (tests may not have it).
pub struct PeerAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PeerAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        Ok(PeerAddr(ip.unwrap_or_else(|| "unknown".into())))
    }
}

pub async fn sign_in(
    State(state): State<AppState>,
    PeerAddr(peer): PeerAddr,
    ApiJson(body): ApiJson<SignIn>,
) -> ApiResult<Response> {
    let email = body.email.trim().to_lowercase();
    let acct = format!("account:{email}");
    let addr = format!("address:{peer}");
    purge(&state.db).await?;
    if failures(&state.db, &acct).await? >= MAX_FAILS_ACCOUNT
        || failures(&state.db, &addr).await? >= MAX_FAILS_ADDRESS
    {
        return Err(ApiError::TooManyRequests(FAIL_WINDOW_SECS as u64));
    }
    let row = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1")
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
    let ok = tokio::task::spawn_blocking(move || verify_password(&params, &hash, &password))
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
    let token = db::random_hex(32);
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(db::sha256_hex(&token))
        .bind(&user_id)
        .bind(db::now())
        .bind(db::in_days(SESSION_DAYS))
        .execute(&state.db)
        .await?;
    let secure = if state.cfg.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        SESSION_DAYS * 86_400
    );
    let caller = Caller {
        user_id,
        email: String::new(),
        name: String::new(),
        app_manager: false,
        via: Via::Cookie,
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

pub async fn sign_out(
    State(state): State<AppState>,
    _caller: Caller,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if let Some(sid) = cookie_value(&headers, COOKIE) {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(db::sha256_hex(&sid))
            .execute(&state.db)
            .await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("appreg_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    Ok(res)
}

pub async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewApiToken>,
) -> ApiResult<(StatusCode, Json<ApiToken>)> {
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::BadRequest(
            "Give the token a name of 1 to 100 characters.".into(),
        ));
    }
    let token = format!("appreg_{}", db::random_hex(32));
    let id = db::new_id();
    let created_at = db::now();
    sqlx::query("INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(&caller.user_id)
        .bind(name)
        .bind(db::sha256_hex(&token))
        .bind(&created_at)
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
            token: Some(token),
        }),
    ))
}

pub async fn list_tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<ApiToken>>> {
    let rows = sqlx::query(
        "SELECT id, name, created_at FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at",
    )
    .bind(&caller.user_id)
    .fetch_all(&state.db)
    .await?;
    Ok(Json(
        rows.iter()
            .map(|r| ApiToken {
                id: get_s(r, "id"),
                name: get_s(r, "name"),
                created_at: get_s(r, "created_at"),
                token: None,
            })
            .collect(),
    ))
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
