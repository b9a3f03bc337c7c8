//! Session lifetimes, and the purge of expired state (sessions, sign-in throttling and failures,
//! idempotency keys, rate-limit windows, apps deleted more than 30 days ago, sent and failed e-mails
//! older than 90 days), which a timer runs on every instance (never the sign-in path).
//! The session endpoints are in [`crate::routes::sessions`].

use crate::db::{self, Db};
use crate::{AppState, Config};
use std::time::Duration;

/// Idempotency keys are kept this long: a retry a day later creates a new app.
pub const IDEMPOTENCY_TTL_SECS: i64 = crate::idempotency::TTL_SECS;
/// Failed sign-ins are kept this long (for the operator; throttling uses `sign_in_throttle`).
pub const FAILURE_LOG_SECS: i64 = 24 * 3600;

/// The earliest `last_seen_at` of a live session.
pub fn idle_cutoff(cfg: &Config) -> String {
    db::ago_secs(cfg.session_idle.as_secs() as i64)
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
    /// Apps deleted longer ago than they can be restored, with their rows
    /// ([`crate::store::deletion::purge`]).
    pub applications: u64,
    /// Sent and failed e-mails older than [`crate::mail::outbox::RETENTION_DAYS`]
    /// ([`crate::mail::outbox::purge`]).
    pub outbox: u64,
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
    p.idempotency_keys = crate::idempotency::purge(db).await?;
    p.rate_limits = crate::limits::purge(db).await?;
    p.applications = crate::store::deletion::purge(db).await?;
    p.outbox = crate::mail::outbox::purge(db).await?;
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
