//! The database: one sqlx `Any` pool over SQLite (default) or PostgreSQL, with versioned migrations;
//! time and id helpers; and the audit log, written in the same transaction as the change it records.

use rand::RngCore;
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use std::time::Duration;

pub type Db = AnyPool;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Connects (creating the SQLite file and its folder when missing) and applies migrations.
pub async fn connect(url: &str, max_connections: u32) -> Result<Db, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let sqlite = url.starts_with("sqlite:");
    let url = if sqlite {
        sqlite_url(url)
    } else {
        url.to_string()
    };
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    sqlx::query("PRAGMA foreign_keys = ON")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA busy_timeout = 10000")
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA synchronous = NORMAL")
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await?;
    if sqlite {
        sqlx::query("PRAGMA journal_mode = WAL")
            .execute(&pool)
            .await?;
    }
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// `sqlite://path` → `sqlite://path?mode=rwc`, creating the parent folder.
fn sqlite_url(url: &str) -> String {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path_only = path.split('?').next().unwrap_or(path);
    if let Some(parent) = std::path::Path::new(path_only).parent() {
        if !parent.as_os_str().is_empty() {
            let _ = std::fs::create_dir_all(parent);
        }
    }
    if path.contains('?') {
        format!("sqlite://{path}")
    } else {
        format!("sqlite://{path}?mode=rwc")
    }
}

/// Now, as RFC 3339 UTC with milliseconds (sorts as text).
pub fn now() -> String {
    fmt_time(time::OffsetDateTime::now_utc())
}

pub fn fmt_time(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

pub fn in_days(days: i64) -> String {
    fmt_time(time::OffsetDateTime::now_utc() + time::Duration::days(days))
}

pub fn ago_secs(secs: i64) -> String {
    fmt_time(time::OffsetDateTime::now_utc() - time::Duration::seconds(secs))
}

/// `n` random bytes from the OS CSPRNG, hex-encoded.
pub fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// A new opaque id.
pub fn new_id() -> String {
    random_hex(12)
}

/// SHA-256, hex.
pub fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

/// Whether a database error is a unique-constraint violation (both dialects).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            matches!(d.kind(), sqlx::error::ErrorKind::UniqueViolation)
                || d.code()
                    .is_some_and(|c| c == "23505" || c == "2067" || c == "1555")
        }
        _ => false,
    }
}

/// Writes one audit record: who, when, what, before/after as JSON.
pub async fn audit<'e, E>(
    exec: E,
    actor: Option<&str>,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO audit_log (id, actor_id, action, entity, entity_id, before_json, after_json, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(actor.map(str::to_string))
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(before.map(|v| v.to_string()))
    .bind(after.map(|v| v.to_string()))
    .bind(now())
    .execute(exec)
    .await?;
    Ok(())
}
