//! `/sessions`: the signed-in user's sessions (a signed-in session only; API tokens cannot manage them).

use crate::auth::Caller;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::sessions::idle_cutoff;
use crate::store::credentials;
use crate::AppState;
use appreg_core::api::SessionInfo;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, end_others))
        .routes(routes!(end))
}

/// My live sessions, most recently used first.
#[utoipa::path(get, path = "/sessions", tag = "sessions",
    security(("session" = [])),
    responses((status = 200, description = "The sessions", body = Vec<SessionInfo>),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "An API token cannot manage sessions")))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<SessionInfo>>> {
    caller.require_session()?;
    let cutoff = idle_cutoff(&state.cfg);
    let current = caller.session_id.as_deref();
    Ok(Json(
        credentials::sessions(&state.db, &caller.user_id, &cutoff, current).await?,
    ))
}

/// End one of my sessions; another user's (or an unknown) id answers 404.
#[utoipa::path(delete, path = "/sessions/{id}", tag = "sessions",
    params(("id" = String, Path, description = "The session's public id")),
    security(("session" = [], "csrf" = [])),
    responses((status = 204, description = "Ended"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "An API token cannot manage sessions, or X-Requested-With is missing"),
        (status = 404, description = "No such session of mine")))]
pub async fn end(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require_session()?;
    let mut tx = state.db.begin().await?;
    if !credentials::end(&mut tx, &caller.user_id, &id).await? {
        return Err(ApiError::NotFound);
    }
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "end",
        "session",
        &id,
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End all my sessions but this one.
#[utoipa::path(delete, path = "/sessions", tag = "sessions",
    security(("session" = [], "csrf" = [])),
    responses((status = 204, description = "The other sessions ended"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "An API token cannot manage sessions, or X-Requested-With is missing")))]
pub async fn end_others(State(state): State<AppState>, caller: Caller) -> ApiResult<StatusCode> {
    caller.require_session()?;
    // A cookie caller's session always has an id (sessions without one ended in migration 0003).
    let current = caller
        .session_id
        .clone()
        .ok_or_else(|| ApiError::Internal("a session caller without a session id".into()))?;
    let mut tx = state.db.begin().await?;
    credentials::end_others(&mut tx, &caller.user_id, &current).await?;
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "end-others",
        "session",
        &current,
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
