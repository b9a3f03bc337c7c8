//! `Idempotency-Key` for creates: a retry with the same key and body answers with the first result; the
//! same key with another body is 409. A key is claimed by inserting its row inside the create's own
//! transaction (the primary key makes one claim win), so a crash before the commit leaves no key, and a
//! committed key always names the app it created. Keys are kept for [`TTL_SECS`] (see the purge).

use crate::db::{self, is_unique_violation, Db};
use crate::error::{ApiError, ApiResult};
use crate::store::rows::IdempotencyRow;
use axum::http::HeaderMap;
use sqlx::AnyConnection;
use std::time::Duration;

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// Keys are kept this long: a retry a day later creates a new app.
pub const TTL_SECS: i64 = 24 * 3600;
/// The longest key.
pub const MAX_KEY_BYTES: usize = 200;

/// A request's key (scoped to a partner) and the hash of its body.
#[derive(Clone, Debug)]
pub struct Key {
    pub partner_id: String,
    pub key: String,
    pub request_hash: String,
}

/// What an earlier request with the same key left.
#[derive(Debug, PartialEq, Eq)]
pub enum Earlier {
    /// No request used this key.
    None,
    /// The earlier request is still being processed (its transaction has not committed).
    InProgress,
    /// The earlier request created this app.
    Created(String),
}

/// The key of a request, if it sent one: 1 to 200 visible characters (trimmed), else 400.
pub fn key_of(
    headers: &HeaderMap,
    partner_id: &str,
    body: &impl serde::Serialize,
) -> ApiResult<Option<Key>> {
    let Some(v) = headers.get(HEADER) else {
        return Ok(None);
    };
    let key = v.to_str().map(str::trim).unwrap_or("");
    if key.is_empty() || key.len() > MAX_KEY_BYTES {
        return Err(ApiError::BadRequest(
            "Idempotency-Key must be 1 to 200 visible characters.".into(),
        ));
    }
    let json = serde_json::to_string(body).map_err(ApiError::internal)?;
    Ok(Some(Key {
        partner_id: partner_id.to_string(),
        key: key.to_string(),
        request_hash: db::sha256_hex(&json),
    }))
}

/// What an earlier request with this key left; 409 when it had another body.
pub async fn earlier(db: &Db, k: &Key) -> ApiResult<Earlier> {
    let row = sqlx::query_as::<_, IdempotencyRow>(
        "SELECT request_hash, application_id FROM idempotency_keys WHERE partner_id = $1 AND idem_key = $2",
    )
    .bind(&k.partner_id)
    .bind(&k.key)
    .fetch_optional(db)
    .await?;
    let Some(row) = row else {
        return Ok(Earlier::None);
    };
    if row.request_hash != k.request_hash {
        return Err(ApiError::Conflict(
            "This Idempotency-Key was already used with a different request body; use a new key for a new request."
                .into(),
        ));
    }
    Ok(match row.application_id {
        None => Earlier::InProgress,
        Some(app) => Earlier::Created(app),
    })
}

/// Claims the key inside the create's transaction: `Ok(false)` when another request holds it (then the
/// transaction is no longer usable: drop it and [`wait`]).
pub async fn claim(conn: &mut AnyConnection, k: &Key, now: &str) -> ApiResult<bool> {
    let ins = sqlx::query(
        "INSERT INTO idempotency_keys (partner_id, idem_key, request_hash, application_id, created_at) \
         VALUES ($1, $2, $3, NULL, $4)",
    )
    .bind(&k.partner_id)
    .bind(&k.key)
    .bind(&k.request_hash)
    .bind(now)
    .execute(conn)
    .await;
    match ins {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Records the app the claimed key created (in the same transaction).
pub async fn complete(conn: &mut AnyConnection, k: &Key, app_id: &str) -> ApiResult<()> {
    sqlx::query(
        "UPDATE idempotency_keys SET application_id = $1 WHERE partner_id = $2 AND idem_key = $3",
    )
    .bind(app_id)
    .bind(&k.partner_id)
    .bind(&k.key)
    .execute(conn)
    .await?;
    Ok(())
}

/// A concurrent request holds the key: waits (up to five seconds) until it commits, and returns the app
/// it created; 409 if it is still being processed by then.
pub async fn wait(db: &Db, k: &Key) -> ApiResult<String> {
    for _ in 0..200 {
        match earlier(db, k).await? {
            Earlier::Created(app) => return Ok(app),
            _ => tokio::time::sleep(Duration::from_millis(25)).await,
        }
    }
    Err(ApiError::Conflict(
        "A request with this Idempotency-Key is still being processed; retry shortly.".into(),
    ))
}

/// Deletes keys older than [`TTL_SECS`] (indexed by `created_at`).
pub async fn purge(db: &Db) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at <= $1")
            .bind(db::ago_secs(TTL_SECS))
            .execute(db)
            .await?
            .rows_affected(),
    )
}
