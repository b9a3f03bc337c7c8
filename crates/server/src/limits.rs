//! Bounded cost per request: CPU-heavy work (validation, RSA key generation) off the async runtime
//! behind a small semaphore, and per-caller rate limits kept in the database, so every instance
//! behind a load balancer counts the same requests.

use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use sqlx::Row;
use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// Blocking threads that may run CPU-heavy work at once: all cores but one, so the runtime's
/// threads (health checks, reads) always have a core.
static CPU_SLOTS: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Semaphore::new(cores.saturating_sub(1).max(1))
});
/// Requests that may wait for a slot; past this the server answers 503 at once instead of queueing
/// without bound. Each waiting request holds at most one body (256 KiB), so this bounds memory too;
/// it is well above a burst of legitimate creates (the scale tests send 200 at once).
static CPU_QUEUE: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(1024));

/// Runs `work` on a blocking thread once a CPU slot is free.
pub async fn cpu<T, F>(work: F) -> ApiResult<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let Ok(_queued) = CPU_QUEUE.try_acquire() else {
        return Err(ApiError::Busy(5));
    };
    let _slot = CPU_SLOTS.acquire().await.map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(ApiError::internal)
}

/// A limit: at most `max` requests per `window_secs` for one caller.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub bucket: &'static str,
    pub max: i64,
    pub window_secs: i64,
}

/// `POST /api/v1/check`: 120 a minute per caller.
pub const CHECK: Limit = Limit {
    bucket: "check",
    max: 120,
    window_secs: 60,
};
/// Generated key pairs: 10 in 10 minutes per caller.
pub const KEYGEN: Limit = Limit {
    bucket: "keygen",
    max: 10,
    window_secs: 600,
};

/// Counts one request of `subject` against `limit` (one atomic upsert in a fixed window) and refuses
/// it with 429 and the seconds until the window ends once the count is past the limit.
pub async fn hit(db: &Db, limit: Limit, subject: &str) -> ApiResult<()> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let window = now - now.rem_euclid(limit.window_secs);
    let row = sqlx::query(
        "INSERT INTO rate_limits (bucket, subject, window_start, hits) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (bucket, subject, window_start) DO UPDATE SET hits = rate_limits.hits + 1 \
         RETURNING hits",
    )
    .bind(limit.bucket)
    .bind(subject)
    .bind(window)
    .fetch_one(db)
    .await?;
    let hits: i64 = row.try_get("hits")?;
    if hits > limit.max {
        let retry = (window + limit.window_secs - now).max(1);
        return Err(ApiError::RateLimited(retry as u64));
    }
    Ok(())
}

/// Deletes windows that have ended (the longest window is ten minutes); indexed by `window_start`.
pub async fn purge(db: &Db) -> Result<u64, sqlx::Error> {
    let cutoff = time::OffsetDateTime::now_utc().unix_timestamp() - 3600;
    let done = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
        .bind(cutoff)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// A caller's subject for the limits: the user, whether by cookie or token.
pub fn subject(user_id: &str) -> String {
    format!("user:{user_id}")
}
