//! API tokens and sessions (stored by the hash of their secret, never the secret).

use super::rows::{SessionRow, TokenRow};
use super::users::scope;
use crate::db::{self, Db};
use crate::error::{ApiError, ApiResult};
use appreg_core::api::{ApiToken, SessionInfo, TokenScope, MAX_TOKEN_DAYS};
use sqlx::AnyConnection;

pub struct NewToken<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub created_at: &'a str,
    pub expires_at: &'a str,
    pub scope: TokenScope,
}

pub async fn insert_token(conn: &mut AnyConnection, t: &NewToken<'_>) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at, scope) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(t.id)
    .bind(t.user_id)
    .bind(t.name)
    .bind(t.token_hash)
    .bind(t.created_at)
    .bind(t.expires_at)
    .bind(t.scope.id())
    .execute(conn)
    .await?;
    Ok(())
}

/// A token from before expiry existed lasts a year from its creation.
fn legacy_expiry(created_at: &str) -> ApiResult<String> {
    let t = time::OffsetDateTime::parse(created_at, &time::format_description::well_known::Rfc3339)
        .map_err(|e| ApiError::Internal(format!("column api_tokens.created_at: {e}")))?;
    Ok(db::fmt_time(
        t + time::Duration::days(i64::from(MAX_TOKEN_DAYS)),
    ))
}

/// The user's unrevoked tokens (never the token itself), oldest first.
pub async fn tokens(db: &Db, user_id: &str) -> ApiResult<Vec<ApiToken>> {
    sqlx::query_as::<_, TokenRow>(
        "SELECT id, name, created_at, expires_at, scope FROM api_tokens \
         WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| {
        let expires_at = match r.expires_at {
            Some(at) => at,
            None => legacy_expiry(&r.created_at)?,
        };
        Ok(ApiToken {
            scope: scope(&r.scope)?,
            id: r.id,
            name: r.name,
            created_at: r.created_at,
            expires_at,
            token: None,
        })
    })
    .collect()
}

/// Revokes one of the user's tokens; false when there is no such live token.
pub async fn revoke_token(conn: &mut AnyConnection, user_id: &str, id: &str) -> ApiResult<bool> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(db::now())
    .bind(id)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The user's live sessions, most recently used first; `current` marks the one with this id.
pub async fn sessions(
    db: &Db,
    user_id: &str,
    idle_cutoff: &str,
    current: Option<&str>,
) -> ApiResult<Vec<SessionInfo>> {
    let rows = sqlx::query_as::<_, SessionRow>(
        "SELECT id, created_at, last_seen_at, expires_at, user_agent, ip FROM sessions \
         WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3 AND id IS NOT NULL \
         ORDER BY last_seen_at DESC, created_at DESC",
    )
    .bind(user_id)
    .bind(db::now())
    .bind(idle_cutoff)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SessionInfo {
            current: current == Some(r.id.as_str()),
            id: r.id,
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
            expires_at: r.expires_at,
            user_agent: r.user_agent,
            ip: r.ip,
        })
        .collect())
}

/// A new session.
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub id: &'a str,
    pub user_id: &'a str,
    pub created_at: &'a str,
    pub expires_at: &'a str,
    pub user_agent: &'a str,
    pub ip: &'a str,
}

pub async fn insert_session(db: &Db, s: &NewSession<'_>) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, id, user_id, created_at, last_seen_at, expires_at, user_agent, ip) \
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
    )
    .bind(s.token_hash)
    .bind(s.id)
    .bind(s.user_id)
    .bind(s.created_at)
    .bind(s.expires_at)
    .bind(s.user_agent)
    .bind(s.ip)
    .execute(db)
    .await?;
    Ok(())
}

/// Ends the session of a token (sign-out; the old session at sign-in).
pub async fn end_by_token(db: &Db, token_hash: &str) -> ApiResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Drops the user's expired sessions (absolute or idle).
pub async fn drop_expired(db: &Db, user_id: &str, idle_cutoff: &str) -> ApiResult<()> {
    sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1 AND (expires_at <= $2 OR last_seen_at <= $3)",
    )
    .bind(user_id)
    .bind(db::now())
    .bind(idle_cutoff)
    .execute(db)
    .await?;
    Ok(())
}

/// Ends one of the user's sessions by its public id; false when there is none.
pub async fn end(conn: &mut AnyConnection, user_id: &str, id: &str) -> ApiResult<bool> {
    let done = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Ends all the user's sessions but `keep` (by public id).
pub async fn end_others(conn: &mut AnyConnection, user_id: &str, keep: &str) -> ApiResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND (id IS NULL OR id <> $2)")
        .bind(user_id)
        .bind(keep)
        .execute(conn)
        .await?;
    Ok(())
}

/// Slides a session's idle expiry (only if `last_seen_at` is older than `stale`).
pub async fn touch(db: &Db, token_hash: &str, now: &str, stale: &str) -> ApiResult<()> {
    sqlx::query(
        "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at < $3",
    )
    .bind(now)
    .bind(token_hash)
    .bind(stale)
    .execute(db)
    .await?;
    Ok(())
}
