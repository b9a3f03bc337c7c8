//! Publish requests and their decisions.

use super::rows::PublishRow;
use super::{env_state, parse, parse_with};
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use appreg_core::api::{EnvState, PublishRequest};
use appreg_core::Environment;
use sqlx::AnyConnection;

const SELECT: &str =
    "SELECT r.id, r.application_id, a.name AS application_name, r.environment, r.message, \
     r.state, r.reason, r.requested_by, r.created_at, r.decided_at, r.version, r.kind, \
     r.app_store_version FROM publish_requests r \
     JOIN applications a ON a.id = r.application_id";

/// A publish request and who asked for it.
pub fn to_request(r: PublishRow) -> ApiResult<(PublishRequest, String)> {
    // An App Store request's version is the App Store information's (migration 0008).
    let version = if r.kind == PublishRequest::APP_STORE {
        r.app_store_version
    } else {
        r.version
    };
    let req = PublishRequest {
        kind: parse_with("publish_requests.kind", &r.kind, |k| {
            [PublishRequest::CONFIGURATION, PublishRequest::APP_STORE]
                .contains(&k)
                .then(|| k.to_string())
        })?,
        environment: parse("publish_requests.environment", &r.environment)?,
        state: env_state(&r.state)?,
        id: r.id,
        application_id: r.application_id,
        application_name: r.application_name,
        message: r.message,
        reason: r.reason,
        created_at: r.created_at,
        decided_at: r.decided_at,
        version: version
            .map(|v| {
                u32::try_from(v)
                    .map_err(|_| ApiError::Internal(format!("publish_requests.version {v}")))
            })
            .transpose()?,
    };
    Ok((req, r.requested_by))
}

async fn list(db: &Db, filter: &str, value: &str) -> ApiResult<Vec<PublishRequest>> {
    sqlx::query_as::<_, PublishRow>(&format!(
        "{SELECT} WHERE {filter} = $1 ORDER BY r.created_at"
    ))
    .bind(value)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| to_request(r).map(|(req, _)| req))
    .collect()
}

/// An app's publish requests, oldest first.
pub async fn of_app(db: &Db, app_id: &str) -> ApiResult<Vec<PublishRequest>> {
    list(db, "r.application_id", app_id).await
}

/// Whether the app has any publish request (app managers may then read it).
pub async fn any_for_app(db: &Db, app_id: &str) -> ApiResult<bool> {
    let row =
        sqlx::query("SELECT 1 AS one FROM publish_requests WHERE application_id = $1 LIMIT 1")
            .bind(app_id)
            .fetch_optional(db)
            .await?;
    Ok(row.is_some())
}

/// Every publish request in a state, oldest first (the app manager's queue).
pub async fn in_state(db: &Db, state: EnvState) -> ApiResult<Vec<PublishRequest>> {
    list(db, "r.state", state.id()).await
}

/// One request and who asked for it.
pub async fn get(db: &Db, id: &str) -> ApiResult<Option<(PublishRequest, String)>> {
    sqlx::query_as::<_, PublishRow>(&format!("{SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .map(to_request)
        .transpose()
}

pub struct NewRequest<'a> {
    pub id: &'a str,
    pub app_id: &'a str,
    pub environment: Environment,
    pub message: &'a str,
    pub requested_by: &'a str,
    pub created_at: &'a str,
    pub version: u32,
}

pub async fn insert(conn: &mut AnyConnection, r: &NewRequest<'_>) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO publish_requests (id, application_id, environment, message, state, requested_by, created_at, version) \
         VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7)",
    )
    .bind(r.id)
    .bind(r.app_id)
    .bind(r.environment.id())
    .bind(r.message)
    .bind(r.requested_by)
    .bind(r.created_at)
    .bind(i64::from(r.version))
    .execute(&mut *conn)
    .await?;
    // Every publish request is a ticket of the Messaging Center, made in the same transaction.
    super::tickets::open_for_request(conn, r.id).await
}

/// Decides a pending request; false when it is no longer pending (decided meanwhile).
pub async fn decide(
    conn: &mut AnyConnection,
    id: &str,
    state: EnvState,
    reason: Option<&str>,
    by: &str,
    at: &str,
) -> ApiResult<bool> {
    let done = sqlx::query(
        "UPDATE publish_requests SET state = $1, reason = $2, decided_by = $3, decided_at = $4 WHERE id = $5 AND state = 'pending'",
    )
    .bind(state.id())
    .bind(reason.map(str::to_string))
    .bind(by)
    .bind(at)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}
