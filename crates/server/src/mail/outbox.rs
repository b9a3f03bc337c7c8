//! The durable outbox: e-mails are rows written in the transaction of the change they tell about (so a
//! change that rolls back sends nothing, and one that commits is sent at least once), deduplicated by
//! their event key (so the same event never makes a second e-mail), and sent by [`spawn_worker`] on
//! every instance. A worker claims due rows with a lease (`lease_owner`, `lease_until`), renews the lease
//! of each row right before sending it, marks it sent only while it still holds the lease, and on a
//! failure counts an attempt and waits: `APPREG_OUTBOX_BACKOFF_MS` (default 5 s) doubled per attempt, at
//! most 7 doublings and 10 minutes. A refusal for good (SMTP 5xx) or [`MAX_ATTEMPTS`] failures make the
//! row `failed`.

use super::messages::{self, Content, RequestFacts};
use super::{key, render_for, Email, Mailer};
use crate::db::{self, Db};
use crate::error::ApiResult;
use crate::AppState;
use appreg_core::notifications::NotificationKind;
use appreg_core::Environment;
use sqlx::AnyConnection;
use std::time::Duration;

/// A row whose sends failed this often is given up (`failed`).
pub const MAX_ATTEMPTS: i64 = 25;
/// How long a claim holds a row; a send times out well before (20 s).
pub const LEASE_SECS: i64 = 60;
/// Rows claimed at once.
pub const BATCH: i64 = 10;

/// Sent and failed rows are kept this long after they were written, then deleted by [`purge`]. A row's
/// event key only has to outlive every way its event can be fired again: an expiry reminder's threshold
/// is reached at most 37 days after the first one (30 days before the expiry to 7 after it, the scan's
/// window), and every other event is made once by one action (a publish request received or decided, a
/// ticket's message). Ninety days is well past both, and gives the operator a quarter to look back.
pub const RETENTION_DAYS: i64 = 90;

/// Deletes the sent and failed rows older than [`RETENTION_DAYS`] (pending ones are still to be sent)
/// and returns how many. One indexed `DELETE` (migration 0011): every instance may run it at any time.
pub async fn purge(db: &Db) -> Result<u64, sqlx::Error> {
    let before =
        db::fmt_time(time::OffsetDateTime::now_utc() - time::Duration::days(RETENTION_DAYS));
    Ok(
        sqlx::query("DELETE FROM outbox WHERE created_at <= $1 AND state <> 'pending'")
            .bind(before)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// The first retry's wait: `APPREG_OUTBOX_BACKOFF_MS`, default 5 seconds.
pub fn backoff_base() -> Duration {
    std::env::var("APPREG_OUTBOX_BACKOFF_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|ms| *ms > 0)
        .map_or(Duration::from_secs(5), Duration::from_millis)
}

/// The wait after the `attempts`-th failure: the base doubled per earlier failure, at most 7 doublings
/// and 10 minutes.
pub fn backoff(attempts: i64) -> Duration {
    let doublings = attempts.clamp(1, 8) - 1;
    (backoff_base() * (1u32 << doublings)).min(Duration::from_secs(600))
}

/// Adds one e-mail per recipient (in the caller's transaction): the same content, each with its own
/// unsubscribe link. A recipient who turned the kind off gets none; an address already given this event
/// (`event` plus the recipient) gets none again. Returns how many rows were added.
pub async fn enqueue(
    conn: &mut AnyConnection,
    state: &AppState,
    kind: NotificationKind,
    event: &str,
    recipients: &[String],
    content: &Content,
) -> ApiResult<u64> {
    let k = key(state, conn).await?;
    let mut seen = std::collections::BTreeSet::new();
    let mut added = 0;
    for to in recipients {
        let to = to.trim();
        if to.is_empty() || !seen.insert(to.to_lowercase()) {
            continue;
        }
        let subject = super::subject_of(conn, to).await?;
        if !super::wants(conn, &subject, kind).await? {
            continue;
        }
        let e = render_for(
            state,
            &k,
            kind,
            &format!("{event}:{subject}"),
            to,
            &subject,
            content,
        );
        added += insert(conn, kind, &e).await?;
    }
    Ok(added)
}

/// Inserts one row unless its event key exists (0 or 1).
pub async fn insert(conn: &mut AnyConnection, kind: NotificationKind, e: &Email) -> ApiResult<u64> {
    let now = db::now();
    Ok(sqlx::query(
        "INSERT INTO outbox (id, event_key, kind, recipient, subject, text_body, html_body, unsubscribe_url, \
         state, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $10) ON CONFLICT (event_key) DO NOTHING",
    )
    .bind(&e.id)
    .bind(&e.event_key)
    .bind(kind.id())
    .bind(&e.recipient)
    .bind(&e.subject)
    .bind(&e.text_body)
    .bind(&e.html_body)
    .bind(&e.unsubscribe_url)
    .bind(&now)
    .bind(&now)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// The enabled app managers' addresses.
async fn app_managers(conn: &mut AnyConnection) -> ApiResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT email FROM users WHERE app_manager = 1 AND disabled_at IS NULL ORDER BY email",
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// A user's address (None for an unknown id).
async fn email_of(conn: &mut AnyConnection, user_id: &str) -> ApiResult<Option<String>> {
    Ok(sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// A user's name and address.
async fn user(conn: &mut AnyConnection, user_id: &str) -> ApiResult<Option<(String, String)>> {
    Ok(
        sqlx::query_as("SELECT name, email FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// A publish request and its app, as the messages about it need them.
#[derive(sqlx::FromRow)]
struct RequestRow {
    app_id: String,
    app_name: String,
    environment: String,
    message: String,
    kind: String,
    version: Option<i64>,
    app_store_version: Option<i64>,
    requested_by: String,
    technical_contact: String,
    reason: Option<String>,
}

impl RequestRow {
    /// The request in words, for the messages: `environment` is the environment's title, `requester`
    /// and `message` what the message shows of them (empty: nothing).
    fn facts<'a>(
        &'a self,
        request_id: &'a str,
        environment: &'a str,
        requester: &'a str,
        message: &'a str,
    ) -> RequestFacts<'a> {
        let app_store = self.kind == appreg_core::api::PublishRequest::APP_STORE;
        RequestFacts {
            request_id,
            app_id: &self.app_id,
            app_name: &self.app_name,
            environment,
            app_store,
            version: if app_store {
                self.app_store_version
            } else {
                self.version
            },
            requester,
            message,
        }
    }
}

/// A publish request with its app, when it exists.
async fn request(conn: &mut AnyConnection, rid: &str) -> ApiResult<Option<RequestRow>> {
    Ok(sqlx::query_as(
        "SELECT r.application_id AS app_id, a.name AS app_name, r.environment, r.message, r.kind, \
         r.version, r.app_store_version, r.requested_by, a.technical_contact, r.reason \
         FROM publish_requests r JOIN applications a ON a.id = r.application_id WHERE r.id = $1",
    )
    .bind(rid)
    .fetch_optional(&mut *conn)
    .await?)
}

fn env_title(id: &str) -> String {
    id.parse::<Environment>()
        .map(|e| e.title().to_string())
        .unwrap_or_else(|_| id.to_string())
}

/// "Publish request received": to the app managers (the request waits for them) and a receipt to the
/// requester. Call it in the transaction that inserts the request, after the insert.
pub async fn enqueue_publish_requested(
    conn: &mut AnyConnection,
    state: &AppState,
    rid: &str,
) -> ApiResult<u64> {
    let Some(r) = request(conn, rid).await? else {
        return Ok(0);
    };
    let (requester_name, requester_email) = user(conn, &r.requested_by)
        .await?
        .unwrap_or_else(|| ("Someone".into(), String::new()));
    let env = env_title(&r.environment);
    let facts = r.facts(rid, &env, &requester_name, r.message.trim());
    let base = &state.cfg.portal_url;
    let kind = NotificationKind::PublishRequests;
    let event = format!("publish-requested:{rid}");
    let managers = app_managers(conn).await?;
    let mut n = enqueue(
        conn,
        state,
        kind,
        &event,
        &managers,
        &messages::publish_requested(base, &facts),
    )
    .await?;
    n += enqueue(
        conn,
        state,
        kind,
        &format!("publish-received:{rid}"),
        &[requester_email],
        &messages::publish_request_received(base, &facts),
    )
    .await?;
    Ok(n)
}

/// "Approved" or "rejected": to the requester and the app's technical contact. Call it in the
/// decision's transaction, after the request's row is decided.
pub async fn enqueue_publish_decided(
    conn: &mut AnyConnection,
    state: &AppState,
    rid: &str,
    approved: bool,
) -> ApiResult<u64> {
    let Some(r) = request(conn, rid).await? else {
        return Ok(0);
    };
    let requester = email_of(conn, &r.requested_by).await?.unwrap_or_default();
    let env = env_title(&r.environment);
    let facts = r.facts(rid, &env, "", "");
    let event = format!(
        "publish-{}:{rid}",
        if approved { "approved" } else { "rejected" }
    );
    let content =
        messages::publish_decided(&state.cfg.portal_url, &facts, approved, r.reason.as_deref());
    enqueue(
        conn,
        state,
        NotificationKind::PublishDecisions,
        &event,
        &[requester, r.technical_contact.clone()],
        &content,
    )
    .await
}

/// A new reply in a Messaging Center ticket, for [`enqueue_ticket_reply`].
pub struct TicketReply<'a> {
    pub ticket_id: &'a str,
    /// The new message's id (the dedupe key: one e-mail per message and recipient).
    pub message_id: &'a str,
    /// The publish request the ticket is about (its requester and the app's technical contact are the
    /// partner side).
    pub publish_request_id: &'a str,
    /// The ticket's subject.
    pub subject: &'a str,
    /// Who wrote the reply (never e-mailed about it).
    pub author_user_id: &'a str,
    pub author_name: &'a str,
    /// An app manager's reply goes to the partner side; a partner's reply to the app managers.
    pub from_app_manager: bool,
    /// The reply's text (quoted in the e-mail).
    pub body: &'a str,
}

/// "A new reply in a ticket": call it in the transaction that inserts the reply. An app manager's reply
/// goes to the request's requester and the app's technical contact; a partner's reply to the app
/// managers; never to its author.
pub async fn enqueue_ticket_reply(
    conn: &mut AnyConnection,
    state: &AppState,
    reply: &TicketReply<'_>,
) -> ApiResult<u64> {
    let mut to = if reply.from_app_manager {
        match request(conn, reply.publish_request_id).await? {
            Some(r) => vec![
                email_of(conn, &r.requested_by).await?.unwrap_or_default(),
                r.technical_contact,
            ],
            None => Vec::new(),
        }
    } else {
        app_managers(conn).await?
    };
    if let Some(author) = email_of(conn, reply.author_user_id).await? {
        to.retain(|e| !e.trim().eq_ignore_ascii_case(author.trim()));
    }
    let content = messages::ticket_reply(
        &state.cfg.portal_url,
        reply.ticket_id,
        reply.subject,
        reply.author_name,
        reply.body,
    );
    enqueue(
        conn,
        state,
        NotificationKind::TicketReplies,
        &format!("ticket-reply:{}", reply.message_id),
        &to,
        &content,
    )
    .await
}

/// What one [`deliver`] round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: u64,
    /// Failed now, to be retried later.
    pub retried: u64,
    /// Given up (refused for good, or too many attempts).
    pub failed: u64,
}

type ClaimedRow = (String, String, String, String, String, String, String, i64);

/// Claims up to `batch` due rows for a new lease owner and returns the owner. Two steps, the same on
/// SQLite and PostgreSQL: read the due ids, then lease those of them that are still due and unleased
/// (the conditions are checked again on each row as it is updated, so of two instances that read the
/// same ids, each row goes to one). One `UPDATE … WHERE id IN (SELECT … LIMIT n)` is not used: on
/// PostgreSQL with `SKIP LOCKED` its subquery may run more than once and lease more than `n` rows.
async fn claim(db: &Db, batch: i64, now: time::OffsetDateTime) -> Result<String, sqlx::Error> {
    let owner = db::random_hex(12);
    let at = db::fmt_time(now);
    let until = db::fmt_time(now + time::Duration::seconds(LEASE_SECS));
    let ids: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $1 \
         AND (lease_until IS NULL OR lease_until < $2) ORDER BY next_attempt_at LIMIT {batch}"
    ))
    .bind(&at)
    .bind(&at)
    .fetch_all(db)
    .await?;
    if ids.is_empty() {
        return Ok(owner);
    }
    let list = (0..ids.len())
        .map(|i| format!("${}", i + 5))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "UPDATE outbox SET lease_owner = $1, lease_until = $2 \
         WHERE state = 'pending' AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until < $4) \
         AND id IN ({list})"
    );
    let mut q = sqlx::query(&sql)
        .bind(&owner)
        .bind(&until)
        .bind(&at)
        .bind(&at);
    for id in &ids {
        q = q.bind(id);
    }
    q.execute(db).await?;
    Ok(owner)
}

/// Claims due rows and sends them: one round of the worker.
pub async fn deliver(db: &Db, mailer: &Mailer, batch: i64) -> Result<Delivered, sqlx::Error> {
    let owner = claim(db, batch, time::OffsetDateTime::now_utc()).await?;
    let rows: Vec<ClaimedRow> = sqlx::query_as(
        "SELECT id, event_key, recipient, subject, text_body, html_body, unsubscribe_url, attempts \
         FROM outbox WHERE lease_owner = $1 AND state = 'pending' ORDER BY next_attempt_at",
    )
    .bind(&owner)
    .fetch_all(db)
    .await?;
    let mut done = Delivered::default();
    for (id, event_key, recipient, subject, text_body, html_body, unsubscribe_url, attempts) in rows
    {
        // Renew the lease right before sending: a row whose lease ran out (another instance may have
        // it now) is not sent by this one.
        let now = time::OffsetDateTime::now_utc();
        let renewed = sqlx::query(
            "UPDATE outbox SET lease_until = $1 WHERE id = $2 AND lease_owner = $3 AND state = 'pending'",
        )
        .bind(db::fmt_time(now + time::Duration::seconds(LEASE_SECS)))
        .bind(&id)
        .bind(&owner)
        .execute(db)
        .await?;
        if renewed.rows_affected() == 0 {
            continue;
        }
        let email = Email {
            id: id.clone(),
            event_key,
            recipient,
            subject,
            text_body,
            html_body,
            unsubscribe_url,
        };
        match mailer.send(&email).await {
            Ok(()) => {
                sqlx::query(
                    "UPDATE outbox SET state = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL, \
                     lease_owner = NULL, lease_until = NULL WHERE id = $2 AND lease_owner = $3",
                )
                .bind(db::now())
                .bind(&id)
                .bind(&owner)
                .execute(db)
                .await?;
                done.sent += 1;
            }
            Err(e) => {
                let attempts = attempts + 1;
                let give_up = e.permanent || attempts >= MAX_ATTEMPTS;
                let next = time::OffsetDateTime::now_utc()
                    + time::Duration::try_from(backoff(attempts)).unwrap_or(time::Duration::MINUTE);
                tracing::warn!(outbox_id = %id, attempts, give_up, error = %e.text, "sending an e-mail failed");
                sqlx::query(
                    "UPDATE outbox SET state = $1, attempts = $2, next_attempt_at = $3, last_error = $4, \
                     lease_owner = NULL, lease_until = NULL WHERE id = $5 AND lease_owner = $6",
                )
                .bind(if give_up { "failed" } else { "pending" })
                .bind(attempts)
                .bind(db::fmt_time(next))
                .bind(e.text.chars().take(1000).collect::<String>())
                .bind(&id)
                .bind(&owner)
                .execute(db)
                .await?;
                if give_up {
                    done.failed += 1;
                } else {
                    done.retried += 1;
                }
            }
        }
    }
    Ok(done)
}

/// Runs [`deliver`] every `every` (at once again while full batches come back), until the runtime
/// stops.
pub fn spawn_worker(db: Db, mailer: Mailer, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match deliver(&db, &mailer, BATCH).await {
                Ok(d) if d == Delivered::default() => {}
                Ok(d) => {
                    tracing::info!(
                        sent = d.sent,
                        retried = d.retried,
                        failed = d.failed,
                        "outbox delivered"
                    );
                    if d.sent + d.retried + d.failed >= BATCH as u64 {
                        continue;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "the outbox worker failed; retrying"),
            }
            tokio::time::sleep(every).await;
        }
    })
}
