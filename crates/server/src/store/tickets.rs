//! The Messaging Center's tickets (migration 0009): one per publish request, its messages, their
//! attachments ([`super::ticket_messages`]), and how far each user has read.

pub use super::ticket_messages::{
    add_attachment, add_message, attachment_data, attachment_url, messages, Author, NewAttachment,
};
use super::{parse, parse_with};
use crate::db::{self, Db};
use crate::error::{ApiError, ApiResult};
use appreg_core::api::PublishRequest;
use appreg_core::{ticket_subject, TicketState, TicketSummary};
use sqlx::{AnyConnection, FromRow, Row};

/// Tickets of apps that are not deleted (a deleted app's tickets go with it at the purge).
const SUMMARY: &str = "SELECT t.id, t.subject, t.application_id, a.name AS application_name, \
     t.partner_id, t.publish_request_id, t.kind, t.environment, t.state, t.created_at, t.updated_at, \
     t.last_seq, (SELECT COUNT(*) FROM ticket_messages m WHERE m.ticket_id = t.id AND m.author_id <> $1 \
     AND m.seq > COALESCE((SELECT r.last_seq FROM ticket_reads r WHERE r.ticket_id = t.id \
     AND r.user_id = $1), 0)) AS unread \
     FROM tickets t JOIN applications a ON a.id = t.application_id WHERE a.status <> 'deleted'";

/// Who a list is for: every ticket (an app manager), or those of the user's partners.
fn visible(app_manager: bool) -> &'static str {
    if app_manager {
        ""
    } else {
        " AND t.partner_id IN (SELECT partner_id FROM memberships WHERE user_id = $1)"
    }
}

#[derive(FromRow)]
struct SummaryRow {
    id: String,
    subject: String,
    application_id: String,
    application_name: String,
    partner_id: String,
    publish_request_id: String,
    kind: String,
    environment: String,
    state: String,
    created_at: String,
    updated_at: String,
    last_seq: i64,
    unread: i64,
}

/// A ticket as stored, with the number of its last message.
pub struct Stored {
    pub summary: TicketSummary,
    pub last_seq: i64,
}

fn state(value: &str) -> ApiResult<TicketState> {
    parse_with("tickets.state", value, TicketState::from_id)
}

fn count(column: &str, n: i64) -> ApiResult<u32> {
    u32::try_from(n).map_err(|_| ApiError::Internal(format!("{column} {n}")))
}

fn to_stored(r: SummaryRow) -> ApiResult<Stored> {
    Ok(Stored {
        summary: TicketSummary {
            environment: parse("tickets.environment", &r.environment)?,
            state: state(&r.state)?,
            unread: count("unread", r.unread)?,
            id: r.id,
            subject: r.subject,
            application_id: r.application_id,
            application_name: r.application_name,
            partner_id: r.partner_id,
            publish_request_id: r.publish_request_id,
            kind: r.kind,
            created_at: r.created_at,
            updated_at: r.updated_at,
        },
        last_seq: r.last_seq,
    })
}

/// The tickets `user` may see, newest first (by their last change), at most `limit`.
pub async fn list(
    db: &Db,
    user_id: &str,
    app_manager: bool,
    filter: Option<TicketState>,
    limit: i64,
) -> ApiResult<Vec<TicketSummary>> {
    let in_state = if filter.is_some() {
        " AND t.state = $2"
    } else {
        ""
    };
    let sql = format!(
        "{SUMMARY}{}{in_state} ORDER BY t.updated_at DESC, t.id DESC LIMIT {limit}",
        visible(app_manager)
    );
    let mut q = sqlx::query_as::<_, SummaryRow>(&sql).bind(user_id);
    if let Some(s) = filter {
        q = q.bind(s.id());
    }
    q.fetch_all(db)
        .await?
        .into_iter()
        .map(|r| to_stored(r).map(|s| s.summary))
        .collect()
}

/// How many tickets `user` may see have unread messages, per state.
pub async fn unread_by_state(
    db: &Db,
    user_id: &str,
    app_manager: bool,
) -> ApiResult<Vec<(TicketState, u32)>> {
    let sql = format!(
        "SELECT u.state, COUNT(*) AS n FROM ({SUMMARY}{}) u WHERE u.unread > 0 GROUP BY u.state",
        visible(app_manager)
    );
    let rows = sqlx::query(&sql).bind(user_id).fetch_all(db).await?;
    rows.iter()
        .map(|r| {
            Ok((
                state(&r.try_get::<String, _>("state")?)?,
                count("n", r.try_get("n")?)?,
            ))
        })
        .collect()
}

/// One ticket of an app that is not deleted, with `user`'s unread count; None when there is none.
pub async fn get(db: &Db, id: &str, user_id: &str) -> ApiResult<Option<Stored>> {
    sqlx::query_as::<_, SummaryRow>(&format!("{SUMMARY} AND t.id = $2"))
        .bind(user_id)
        .bind(id)
        .fetch_optional(db)
        .await?
        .map(to_stored)
        .transpose()
}

/// Records that `user` has read the ticket up to message `seq` (never backwards).
pub async fn mark_read(db: &Db, ticket_id: &str, user_id: &str, seq: i64) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO ticket_reads (ticket_id, user_id, last_seq) VALUES ($1, $2, $3) \
         ON CONFLICT (ticket_id, user_id) DO UPDATE SET last_seq = CASE \
         WHEN excluded.last_seq > ticket_reads.last_seq THEN excluded.last_seq \
         ELSE ticket_reads.last_seq END",
    )
    .bind(ticket_id)
    .bind(user_id)
    .bind(seq)
    .execute(db)
    .await?;
    Ok(())
}

/// Moves a ticket to `state` without a message.
pub async fn set_state(
    conn: &mut AnyConnection,
    ticket_id: &str,
    state: TicketState,
    now: &str,
) -> ApiResult<()> {
    sqlx::query("UPDATE tickets SET state = $1, updated_at = $2 WHERE id = $3")
        .bind(state.id())
        .bind(now)
        .bind(ticket_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The ticket of a publish request, if it has one.
pub async fn of_request(conn: &mut AnyConnection, request_id: &str) -> ApiResult<Option<String>> {
    let row = sqlx::query_as::<_, super::rows::IdRow>(
        "SELECT id FROM tickets WHERE publish_request_id = $1",
    )
    .bind(request_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| r.id))
}

#[derive(FromRow)]
struct RequestRow {
    application_id: String,
    partner_id: String,
    application_name: String,
    environment: String,
    kind: String,
    message: String,
    version: Option<i64>,
    app_store_version: Option<i64>,
    created_at: String,
    user_id: String,
    user_name: String,
    user_email: String,
}

/// Opens the ticket of a publish request just inserted, in its transaction: the subject, and the
/// request with the requester's message as the first (system) message.
pub async fn open_for_request(conn: &mut AnyConnection, request_id: &str) -> ApiResult<()> {
    let r = sqlx::query_as::<_, RequestRow>(
        "SELECT r.application_id, a.partner_id, a.name AS application_name, r.environment, r.kind, \
         r.message, r.version, r.app_store_version, r.created_at, u.id AS user_id, u.name AS user_name, \
         u.email AS user_email FROM publish_requests r JOIN applications a ON a.id = r.application_id \
         JOIN users u ON u.id = r.requested_by WHERE r.id = $1",
    )
    .bind(request_id)
    .fetch_one(&mut *conn)
    .await?;
    let environment: appreg_core::Environment =
        parse("publish_requests.environment", &r.environment)?;
    let id = db::new_id();
    sqlx::query(
        "INSERT INTO tickets (id, application_id, partner_id, publish_request_id, kind, environment, \
         subject, state, last_seq, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $9)",
    )
    .bind(&id)
    .bind(&r.application_id)
    .bind(&r.partner_id)
    .bind(request_id)
    .bind(&r.kind)
    .bind(&r.environment)
    .bind(ticket_subject(&r.application_name, &r.kind, environment))
    .bind(TicketState::Open.id())
    .bind(&r.created_at)
    .execute(&mut *conn)
    .await?;
    let what = if r.kind == PublishRequest::APP_STORE {
        match r.app_store_version {
            Some(n) => {
                format!("Requested to publish the App Store listing (App Store version {n}).")
            }
            None => "Requested to publish the App Store listing.".to_string(),
        }
    } else {
        match r.version {
            Some(n) => format!("Requested {} for version {n}.", environment.title()),
            None => format!("Requested {}.", environment.title()),
        }
    };
    let body = if r.message.trim().is_empty() {
        what
    } else {
        format!("{what}\n\n{}", r.message.trim())
    };
    let author = Author {
        user_id: &r.user_id,
        name: &r.user_name,
        email: &r.user_email,
        app_manager: false,
    };
    add_message(
        conn,
        &id,
        &author,
        true,
        &body,
        TicketState::Open,
        &r.created_at,
    )
    .await?;
    Ok(())
}
