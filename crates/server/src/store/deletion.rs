//! Deleting, deactivating and restoring apps, and the purge of apps deleted longer ago than they can
//! be restored (migration 0005 describes the columns).

use crate::db::{self, Db};
use crate::error::ApiResult;
use appreg_core::api::RESTORE_DAYS;
use sqlx::AnyConnection;

/// Deletes an app softly if it is still at `version`: its name key moves to a tombstone that no name can
/// have (`:` is never in a name), so the name is free again. False when it changed meanwhile.
pub async fn delete(
    conn: &mut AnyConnection,
    app_id: &str,
    version: i64,
    now: &str,
) -> ApiResult<bool> {
    let done = sqlx::query(
        "UPDATE applications SET status = 'deleted', deleted_at = $1, deleted_name_key = name_key, \
         name_key = name_key || ':deleted:' || id, version = version + 1, updated_at = $1 \
         WHERE id = $2 AND version = $3 AND status = 'active'",
    )
    .bind(now)
    .bind(app_id)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Deactivates an app if it is still at `version`; false when it changed meanwhile.
pub async fn deactivate(
    conn: &mut AnyConnection,
    app_id: &str,
    version: i64,
    now: &str,
) -> ApiResult<bool> {
    let done = sqlx::query(
        "UPDATE applications SET status = 'deactivated', deleted_at = $1, version = version + 1, \
         updated_at = $1 WHERE id = $2 AND version = $3 AND status = 'active'",
    )
    .bind(now)
    .bind(app_id)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Restores a deleted or deactivated app deleted after `since`: `Ok(false)` when it is not (any more)
/// restorable; the update's error as is, so the caller can tell a name taken meanwhile (a unique
/// violation).
pub async fn restore(
    conn: &mut AnyConnection,
    app_id: &str,
    since: &str,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE applications SET status = 'active', name_key = COALESCE(deleted_name_key, name_key), \
         deleted_name_key = NULL, deleted_at = NULL, version = version + 1, updated_at = $1 \
         WHERE id = $2 AND status <> 'active' AND deleted_at > $3",
    )
    .bind(now)
    .bind(app_id)
    .bind(since)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The earliest deletion time that can still be restored.
pub fn restorable_since() -> String {
    db::ago_secs(RESTORE_DAYS * 86_400)
}

/// The rows that point at a ticket (migration 0009), children first: they go before the tickets.
const TICKET_CHILDREN: [&str; 3] = ["ticket_attachments", "ticket_reads", "ticket_messages"];

/// The rows that point at an application, children first.
const CHILDREN: [&str; 12] = [
    "tickets",
    "app_store_images",
    "app_store_names",
    "app_store_versions",
    "app_store",
    "versions",
    "change_log",
    "client_ids",
    "client_secrets",
    "certificates",
    "publish_requests",
    "idempotency_keys",
];

/// Removes apps deleted (not deactivated) more than [`RESTORE_DAYS`] days ago, with every row that
/// points at them, in one transaction: no orphans. Indexed by `(status, deleted_at)` and each child's
/// `application_id`; idempotent, so every instance may run it. Returns how many apps went.
pub async fn purge(db: &Db) -> Result<u64, sqlx::Error> {
    const DUE: &str = "SELECT id FROM applications WHERE status = 'deleted' AND deleted_at <= $1";
    let cutoff = restorable_since();
    let mut tx = db.begin().await?;
    for table in TICKET_CHILDREN {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE ticket_id IN (SELECT id FROM tickets WHERE application_id IN ({DUE}))"
        ))
        .bind(&cutoff)
        .execute(&mut *tx)
        .await?;
    }
    for table in CHILDREN {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE application_id IN ({DUE})"
        ))
        .bind(&cutoff)
        .execute(&mut *tx)
        .await?;
    }
    let n = sqlx::query("DELETE FROM applications WHERE status = 'deleted' AND deleted_at <= $1")
        .bind(&cutoff)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(n)
}
