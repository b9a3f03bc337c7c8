//! Users, their partner memberships, and what authenticating a request reads.

use super::parse_with;
use super::rows::{CallerRow, MembershipRow, RoleRow, SessionAuthRow, SignInRow, TokenAuthRow};
use crate::db::{self, Db};
use crate::error::ApiResult;
use appreg_core::api::{PartnerMembership, Role, TokenScope, MAX_TOKEN_DAYS};

/// A stored role (`administrator`, `developer`, `marketing`).
pub fn role(value: &str) -> ApiResult<Role> {
    parse_with("memberships.role", value, Role::from_id)
}

/// A stored token scope (`read`, `write`).
pub fn scope(value: &str) -> ApiResult<TokenScope> {
    parse_with("api_tokens.scope", value, TokenScope::from_id)
}

/// The user and scope of a live (unrevoked, unexpired) API token, by its hash.
pub async fn token_bearer(db: &Db, token_hash: &str, now: &str) -> ApiResult<Option<TokenAuthRow>> {
    // Tokens from before expiry existed (expires_at NULL) last a year from their creation.
    Ok(sqlx::query_as::<_, TokenAuthRow>(
        "SELECT user_id, scope FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL \
         AND (expires_at > $2 OR (expires_at IS NULL AND created_at > $3))",
    )
    .bind(token_hash)
    .bind(now)
    .bind(db::ago_secs(i64::from(MAX_TOKEN_DAYS) * 86_400))
    .fetch_optional(db)
    .await?)
}

/// A live session (within its lifetime, used since `idle_cutoff`), by its token's hash.
pub async fn live_session(
    db: &Db,
    token_hash: &str,
    now: &str,
    idle_cutoff: &str,
) -> ApiResult<Option<SessionAuthRow>> {
    Ok(sqlx::query_as::<_, SessionAuthRow>(
        "SELECT user_id, id, last_seen_at FROM sessions WHERE token_hash = $1 \
         AND expires_at > $2 AND last_seen_at > $3",
    )
    .bind(token_hash)
    .bind(now)
    .bind(idle_cutoff)
    .fetch_optional(db)
    .await?)
}

/// An enabled user who may sign in here (a demo user only when demo accounts are allowed).
pub async fn caller(db: &Db, user_id: &str, allow_demo: bool) -> ApiResult<Option<CallerRow>> {
    Ok(sqlx::query_as::<_, CallerRow>(
        "SELECT id, email, name, app_manager FROM users WHERE id = $1 AND disabled_at IS NULL \
         AND (demo = 0 OR $2 = 1)",
    )
    .bind(user_id)
    .bind(i64::from(allow_demo))
    .fetch_optional(db)
    .await?)
}

/// Any user by id (after a successful sign-in).
pub async fn by_id(db: &Db, user_id: &str) -> ApiResult<CallerRow> {
    Ok(sqlx::query_as::<_, CallerRow>(
        "SELECT id, email, name, app_manager FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_one(db)
    .await?)
}

/// An enabled user by email, for sign-in (a disabled user is like an unknown one).
pub async fn for_sign_in(db: &Db, email: &str) -> ApiResult<Option<SignInRow>> {
    Ok(sqlx::query_as::<_, SignInRow>(
        "SELECT id, password_hash, demo FROM users WHERE email = $1 AND disabled_at IS NULL",
    )
    .bind(email)
    .fetch_optional(db)
    .await?)
}

/// The user's role in a partner, if a member.
pub async fn role_in(db: &Db, user_id: &str, partner_id: &str) -> ApiResult<Option<Role>> {
    sqlx::query_as::<_, RoleRow>(
        "SELECT role FROM memberships WHERE user_id = $1 AND partner_id = $2",
    )
    .bind(user_id)
    .bind(partner_id)
    .fetch_optional(db)
    .await?
    .map(|r| role(&r.role))
    .transpose()
}

/// The user's partners with their roles, by partner name.
pub async fn memberships(db: &Db, user_id: &str) -> ApiResult<Vec<PartnerMembership>> {
    sqlx::query_as::<_, MembershipRow>(
        "SELECT p.id, p.name, m.role FROM memberships m JOIN partners p ON p.id = m.partner_id \
         WHERE m.user_id = $1 ORDER BY p.name",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| {
        Ok(PartnerMembership {
            role: role(&r.role)?,
            id: r.id,
            name: r.name,
        })
    })
    .collect()
}

/// Records a failed sign-in for each subject (the operator's log; throttling has its own table).
pub async fn record_failures(db: &Db, subjects: &[&str]) -> ApiResult<()> {
    let mut tx = db.begin().await?;
    for subject in subjects {
        sqlx::query("INSERT INTO sign_in_failures (subject, at) VALUES ($1, $2)")
            .bind(*subject)
            .bind(db::now())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Forgets a subject's failed sign-ins.
pub async fn clear_failures(db: &Db, subject: &str) -> ApiResult<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE subject = $1")
        .bind(subject)
        .execute(db)
        .await?;
    Ok(())
}
