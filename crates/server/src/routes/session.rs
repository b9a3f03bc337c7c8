//! `POST/DELETE /session` (sign in and out) and `GET /me`.

use crate::auth::{
    cookie_name, cookie_value, session_cookie, verify_password, Caller, PeerAddr, Via,
};
use crate::db::{self, Db};
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::store::{self, credentials, rows::SignInRow, users};
use crate::{sessions, throttle, AppState};
use appreg_core::api::{Me, SignIn, User};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::time::Duration;
use utoipa_axum::{router::OpenApiRouter, routes};

/// How long a sign-in waits for an Argon2 permit before the server says it is busy.
const ARGON2_QUEUE: Duration = Duration::from_secs(10);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in, sign_out))
        .routes(routes!(me))
}

pub async fn me_of(db: &Db, caller: &Caller) -> ApiResult<Me> {
    Ok(Me {
        user: User {
            id: caller.user_id.clone(),
            email: caller.email.clone(),
            name: caller.name.clone(),
        },
        partners: users::memberships(db, &caller.user_id).await?,
        app_manager: caller.app_manager,
    })
}

/// The signed-in user, their partners and roles.
#[utoipa::path(get, path = "/me", tag = "session",
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "The caller", body = Me),
        (status = 401, description = "Not signed in")))]
pub async fn me(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Me>> {
    Ok(Json(me_of(&state.db, &caller).await?))
}

/// Sign in: sets the HttpOnly, SameSite=Strict session cookie and ends the session this browser had.
#[utoipa::path(post, path = "/session", tag = "session", request_body = SignIn,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = Me,
            headers(("Set-Cookie" = String, description = "The session cookie"))),
        (status = 401, description = "The email or password is wrong"),
        (status = 403, description = "A demo account on a server started without --demo"),
        (status = 429, description = "Too many failed sign-ins; wait Retry-After seconds"),
        (status = 503, description = "Too many sign-ins at once; retry after Retry-After seconds")))]
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
    let row = users::for_sign_in(&state.db, &email).await?;
    let (user_id, hash) = match &row {
        Some(r) => (Some(r.id.clone()), r.password_hash.clone()),
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
        users::record_failures(&state.db, &[&acct, &addr]).await?;
        tracing::info!("failed sign-in");
        return Err(ApiError::Json(
            StatusCode::UNAUTHORIZED,
            "The email or password is wrong.".into(),
        ));
    };
    // The right password: the account starts afresh (its throttle state and failure records).
    throttle::succeeded(&state.db, &subjects).await?;
    users::clear_failures(&state.db, &acct).await?;
    refuse_demo(&state, row.as_ref())?;
    let (session_id, token) = start_session(&state, &user_id, &peer, &headers).await?;
    let cookie = session_cookie(&state.cfg, &token, state.cfg.session_lifetime.as_secs());
    let user = users::by_id(&state.db, &user_id).await?;
    let caller = Caller {
        app_manager: store::flag("users.app_manager", user.app_manager)?,
        user_id,
        email: user.email,
        name: user.name,
        via: Via::Cookie,
        session_id: Some(session_id),
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
        credentials::end_by_token(&state.db, &db::sha256_hex(&old)).await?;
    }
    credentials::drop_expired(&state.db, user_id, &sessions::idle_cutoff(&state.cfg)).await?;
    let (id, token) = (db::new_id(), db::random_hex(32));
    let now = time::OffsetDateTime::now_utc();
    // A request without a (readable) User-Agent is stored with an empty one.
    let user_agent: String = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    let session = credentials::NewSession {
        token_hash: &db::sha256_hex(&token),
        id: &id,
        user_id,
        created_at: &db::fmt_time(now),
        expires_at: &db::fmt_time(now + state.cfg.session_lifetime),
        user_agent: &user_agent,
        ip,
    };
    credentials::insert_session(&state.db, &session).await?;
    Ok((id, token))
}

/// A demo account (well-known password) on a server started without `--demo`: refused, and told why.
fn refuse_demo(state: &AppState, user: Option<&SignInRow>) -> ApiResult<()> {
    let demo = match user {
        Some(r) => store::flag("users.demo", r.demo)?,
        None => false,
    };
    if demo && !state.cfg.allow_demo_accounts {
        return Err(ApiError::Forbidden(
            "Demo accounts are refused: this server was started without --demo. Ask an administrator for an account (appreg user add)."
                .into(),
        ));
    }
    Ok(())
}

/// Sign out: ends this session and clears the cookie.
#[utoipa::path(delete, path = "/session", tag = "session",
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "Signed out; the cookie is cleared",
            headers(("Set-Cookie" = String, description = "The cleared session cookie"))),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Missing X-Requested-With: appreg, or a read-only API token")))]
pub async fn sign_out(
    State(state): State<AppState>,
    _caller: Caller,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if let Some(sid) = cookie_value(&headers, cookie_name(&state.cfg)) {
        credentials::end_by_token(&state.db, &db::sha256_hex(&sid)).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&session_cookie(&state.cfg, "", 0)).map_err(ApiError::internal)?,
    );
    Ok(res)
}
