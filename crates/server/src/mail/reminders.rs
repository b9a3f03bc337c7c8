//! Expiry reminders: a scan (at start and every minute, on every instance) of the live client secrets
//! and certificates of active apps that expire within 30 days or expired within the last 7. Each gets
//! one e-mail per threshold it has reached (30, 7 and 1 days before, and on expiry; only the most urgent
//! one reached) and recipient: the app's technical contact, and its error e-mail recipients when "Send
//! error e-mails" is on. The outbox's event key (`expiry:<secret|certificate>:<id>:<threshold>:<who>`)
//! makes a second scan, another instance's scan or a restart add nothing.

use super::messages::{self, KeyFacts, Threshold};
use super::outbox::enqueue;
use crate::db;
use crate::error::ApiResult;
use crate::AppState;
use appreg_core::notifications::NotificationKind;
use appreg_core::Environment;
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Expired keys are reminded of for this long after their expiry (not for ever).
pub const EXPIRED_GRACE_DAYS: i64 = 7;

type KeyRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    i64,
    String,
);

/// Scans as of `now` and returns how many e-mails it added.
pub async fn scan(state: &AppState, now: OffsetDateTime) -> ApiResult<u64> {
    let from = db::fmt_time(now - time::Duration::days(EXPIRED_GRACE_DAYS));
    let to = db::fmt_time(now + time::Duration::days(30));
    let secrets: Vec<KeyRow> = sqlx::query_as(
        "SELECT 'secret', s.id, s.application_id, a.name, s.environment, s.expires_at, s.description, \
         a.technical_contact, a.error_emails_send, a.error_email_recipients \
         FROM client_secrets s JOIN applications a ON a.id = s.application_id \
         WHERE s.revoked_at IS NULL AND a.status = 'active' AND s.expires_at > $1 AND s.expires_at <= $2",
    )
    .bind(&from)
    .bind(&to)
    .fetch_all(&state.db)
    .await?;
    // Certificates from before expiry dates were stored (NULL) expire a year after their creation.
    let certificates: Vec<KeyRow> = sqlx::query_as(
        "SELECT 'certificate', c.id, c.application_id, a.name, c.environment, \
         COALESCE(c.expires_at, c.created_at), c.description, \
         a.technical_contact, a.error_emails_send, a.error_email_recipients \
         FROM certificates c JOIN applications a ON a.id = c.application_id \
         WHERE a.status = 'active' AND (c.expires_at IS NULL OR (c.expires_at > $1 AND c.expires_at <= $2))",
    )
    .bind(&from)
    .bind(&to)
    .fetch_all(&state.db)
    .await?;
    let legacy: std::collections::BTreeSet<String> =
        sqlx::query_scalar("SELECT id FROM certificates WHERE expires_at IS NULL")
            .fetch_all(&state.db)
            .await?
            .into_iter()
            .collect();
    let mut added = 0;
    for (what, id, app_id, app_name, env, expires_at, description, contact, send, recipients) in
        secrets.into_iter().chain(certificates)
    {
        let Some(expires_at) = expires_at else {
            continue;
        };
        let Ok(mut at) = OffsetDateTime::parse(&expires_at, &Rfc3339) else {
            tracing::warn!(key = %id, %expires_at, "an expiry that is not a timestamp");
            continue;
        };
        if what == "certificate" && legacy.contains(&id) {
            at += time::Duration::days(365);
        }
        let left = at - now;
        if left < -time::Duration::days(EXPIRED_GRACE_DAYS) {
            continue;
        }
        let Some(threshold) = Threshold::of(left) else {
            continue;
        };
        let mut to = vec![contact];
        if send == 1 {
            to.extend(serde_json::from_str::<Vec<String>>(&recipients).unwrap_or_default());
        }
        let env = env
            .parse::<Environment>()
            .map(|e| e.title().to_string())
            .unwrap_or(env);
        let expires = db::fmt_time(at);
        let facts = KeyFacts {
            what: if what == "secret" {
                "client secret"
            } else {
                "certificate"
            },
            description: &description,
            app_id: &app_id,
            app_name: &app_name,
            environment: &env,
            expires_at: &expires[..10],
        };
        let content = messages::expiry(&state.cfg.portal_url, &facts, threshold);
        let event = format!("expiry:{what}:{id}:{}", threshold.id());
        let mut tx = state.db.begin().await?;
        added += enqueue(
            &mut tx,
            state,
            NotificationKind::ExpiryReminders,
            &event,
            &to,
            &content,
        )
        .await?;
        tx.commit().await?;
    }
    Ok(added)
}

/// Runs [`scan`] now and then every `every`, until the runtime stops.
pub fn spawn_scanner(state: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match scan(&state, OffsetDateTime::now_utc()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "expiry reminders queued"),
                Err(e) => tracing::warn!(error = ?e, "the expiry reminder scan failed; retrying"),
            }
            tokio::time::sleep(every).await;
        }
    })
}
