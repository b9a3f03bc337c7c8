//! `GET/DELETE /api/v1/sessions`: the signed-in user's sessions; and the purge of expired state, which a
//! timer runs (never the sign-in path).

use crate::auth::Caller;
use crate::db::{self, get_s, Db};
use crate::error::{ApiError, ApiResult};
use crate::{AppState, Config};
use appreg_core::api::SessionInfo;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use std::time::Duration;

/// Idempotency keys are kept this long: a retry a day later creates a new app.
pub const IDEMPOTENCY_TTL_SECS: i64 = 24 * 3600;
/// Failed sign-ins are kept this long (for the operator; throttling uses `sign_in_throttle`).
pub const FAILURE_LOG_SECS: i64 = 24 * 3600;

/// The earliest `last_seen_at` of a live session.
pub fn idle_cutoff(cfg: &Config) -> String {
    db::ago_secs(cfg.session_idle.as_secs() as i64)
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<SessionInfo>>> {
    caller.require_session()?;
    let rows = sqlx::query(
        "SELECT id, created_at, last_seen_at, expires_at, user_agent, ip FROM sessions \
         WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3 AND id IS NOT NULL \
         ORDER BY last_seen_at DESC, created_at DESC",
    )
    .bind(&caller.user_id)
    .bind(db::now())
    .bind(idle_cutoff(&state.cfg))
    .fetch_all(&state.db)
    .await?;
    Ok(Json(
        rows.iter()
            .map(|r| {
                let id = get_s(r, "id");
                SessionInfo {
                    current: caller.session_id.as_deref() == Some(id.as_str()),
                    id,
                    created_at: get_s(r, "created_at"),
                    last_seen_at: get_s(r, "last_seen_at"),
                    expires_at: get_s(r, "expires_at"),
                    user_agent: get_s(r, "user_agent"),
                    ip: get_s(r, "ip"),
                }
            })
            .collect(),
    ))
}

/// Ends one of my sessions; another user's (or an unknown) id answers 404.
pub async fn end(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require_session()?;
    let done = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
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
        "end",
        "session",
        &id,
        None,
        None,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends all my sessions but this one.
pub async fn end_others(State(state): State<AppState>, caller: Caller) -> ApiResult<StatusCode> {
    caller.require_session()?;
    let current = caller.session_id.clone().unwrap_or_default();
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND (id IS NULL OR id <> $2)")
        .bind(&caller.user_id)
        .bind(&current)
        .execute(&state.db)
        .await?;
    db::audit(
        &state.db,
        Some(&caller.user_id),
        "end-others",
        "session",
        &current,
        None,
        None,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What one [`purge`] deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub failures: u64,
    pub throttles: u64,
    pub idempotency_keys: u64,
    /// Rate-limit windows that are over ([`crate::limits::purge`]).
    pub rate_limits: u64,
}

/// Deletes expired sessions (absolute or idle), throttle rows whose failures are forgotten, the failure
/// log and idempotency keys older than a day, and past rate-limit windows. Each is one indexed `DELETE … WHERE <indexed column> <= $1`:
/// idempotent, so every instance may run it at any time.
pub async fn purge(db: &Db, cfg: &Config) -> Result<Purged, sqlx::Error> {
    let now = db::now();
    let mut p = Purged::default();
    p.sessions += sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(&now)
        .execute(db)
        .await?
        .rows_affected();
    p.sessions += sqlx::query("DELETE FROM sessions WHERE last_seen_at <= $1")
        .bind(idle_cutoff(cfg))
        .execute(db)
        .await?
        .rows_affected();
    p.throttles = sqlx::query("DELETE FROM sign_in_throttle WHERE last_at <= $1 AND next_at <= $2")
        .bind(db::ago_secs(crate::throttle::WINDOW_SECS))
        .bind(&now)
        .execute(db)
        .await?
        .rows_affected();
    p.failures = sqlx::query("DELETE FROM sign_in_failures WHERE at <= $1")
        .bind(db::ago_secs(FAILURE_LOG_SECS))
        .execute(db)
        .await?
        .rows_affected();
    p.idempotency_keys = sqlx::query("DELETE FROM idempotency_keys WHERE created_at <= $1")
        .bind(db::ago_secs(IDEMPOTENCY_TTL_SECS))
        .execute(db)
        .await?
        .rows_affected();
    p.rate_limits = crate::limits::purge(db).await?;
    Ok(p)
}

/// Runs [`purge`] now and then every `every` (with up to 10% jitter, so instances spread out), until the
/// runtime stops.
pub fn spawn_purger(state: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match purge(&state.db, &state.cfg).await {
                Ok(p) if p != Purged::default() => tracing::info!(?p, "purged expired state"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "purge failed; retrying on the next tick"),
            }
            let jitter = every.mul_f64(rand::random::<f64>() * 0.1);
            tokio::time::sleep(every + jitter).await;
        }
    })
}
