//! The messages of the Messaging Center's tickets and their attachments (migration 0009).

use super::flag;
use crate::db::{self, Db};
use crate::error::{ApiError, ApiResult};
use appreg_core::{Attachment, TicketMessage, TicketState};
use sqlx::{AnyConnection, FromRow, Row};

#[derive(FromRow)]
struct MessageRow {
    id: String,
    author_name: String,
    author_email: String,
    from_app_manager: i64,
    is_system: i64,
    body: String,
    created_at: String,
}

#[derive(FromRow)]
struct AttachmentRow {
    id: String,
    message_id: String,
    file_name: String,
    content_type: String,
    bytes: i64,
}

/// Where an attachment is served.
pub fn attachment_url(ticket_id: &str, attachment_id: &str) -> String {
    format!(
        "{}/tickets/{ticket_id}/attachments/{attachment_id}",
        crate::openapi::BASE
    )
}

/// A ticket's messages with their attachments, oldest first.
pub async fn messages(db: &Db, ticket_id: &str) -> ApiResult<Vec<TicketMessage>> {
    let rows = sqlx::query_as::<_, MessageRow>(
        "SELECT id, author_name, author_email, from_app_manager, is_system, body, created_at \
         FROM ticket_messages WHERE ticket_id = $1 ORDER BY seq",
    )
    .bind(ticket_id)
    .fetch_all(db)
    .await?;
    let files = sqlx::query_as::<_, AttachmentRow>(
        "SELECT id, message_id, file_name, content_type, bytes FROM ticket_attachments \
         WHERE ticket_id = $1 ORDER BY ord",
    )
    .bind(ticket_id)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|m| {
            let attachments = files
                .iter()
                .filter(|f| f.message_id == m.id)
                .map(|f| {
                    Ok(Attachment {
                        url: attachment_url(ticket_id, &f.id),
                        id: f.id.clone(),
                        file_name: f.file_name.clone(),
                        content_type: f.content_type.clone(),
                        bytes: u64::try_from(f.bytes).map_err(ApiError::internal)?,
                    })
                })
                .collect::<ApiResult<Vec<_>>>()?;
            Ok(TicketMessage {
                from_app_manager: flag("ticket_messages.from_app_manager", m.from_app_manager)?,
                system: flag("ticket_messages.is_system", m.is_system)?,
                id: m.id,
                author: m.author_name,
                author_email: m.author_email,
                body: m.body,
                created_at: m.created_at,
                attachments,
            })
        })
        .collect()
}

/// Who writes a message.
pub struct Author<'a> {
    pub user_id: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub app_manager: bool,
}

/// Adds a message to a ticket and moves it to `state`; returns the message's id.
pub async fn add_message(
    conn: &mut AnyConnection,
    ticket_id: &str,
    author: &Author<'_>,
    system: bool,
    body: &str,
    state: TicketState,
    now: &str,
) -> ApiResult<String> {
    let done = sqlx::query(
        "UPDATE tickets SET last_seq = last_seq + 1, state = $1, updated_at = $2 WHERE id = $3",
    )
    .bind(state.id())
    .bind(now)
    .bind(ticket_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::NotFound);
    }
    let seq: i64 = sqlx::query("SELECT last_seq FROM tickets WHERE id = $1")
        .bind(ticket_id)
        .fetch_one(&mut *conn)
        .await?
        .try_get("last_seq")?;
    let id = db::new_id();
    sqlx::query(
        "INSERT INTO ticket_messages (id, ticket_id, seq, author_id, author_name, author_email, \
         from_app_manager, is_system, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(ticket_id)
    .bind(seq)
    .bind(author.user_id)
    .bind(author.name)
    .bind(author.email)
    .bind(i64::from(author.app_manager))
    .bind(i64::from(system))
    .bind(body)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// An image sent with a message.
pub struct NewAttachment<'a> {
    pub ticket_id: &'a str,
    pub message_id: &'a str,
    pub position: usize,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub data: &'a [u8],
    pub now: &'a str,
}

pub async fn add_attachment(conn: &mut AnyConnection, a: &NewAttachment<'_>) -> ApiResult<String> {
    let id = db::new_id();
    sqlx::query(
        "INSERT INTO ticket_attachments (id, ticket_id, message_id, ord, file_name, content_type, \
         bytes, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(a.ticket_id)
    .bind(a.message_id)
    .bind(i64::try_from(a.position).map_err(ApiError::internal)?)
    .bind(a.file_name)
    .bind(a.content_type)
    .bind(i64::try_from(a.data.len()).map_err(ApiError::internal)?)
    .bind(a.data.to_vec())
    .bind(a.now)
    .execute(conn)
    .await?;
    Ok(id)
}

#[derive(FromRow)]
struct DataRow {
    file_name: String,
    content_type: String,
    data: Vec<u8>,
}

/// An attachment of the ticket: its file name, content type and bytes.
pub async fn attachment_data(
    db: &Db,
    ticket_id: &str,
    id: &str,
) -> ApiResult<Option<(String, String, Vec<u8>)>> {
    Ok(sqlx::query_as::<_, DataRow>(
        "SELECT file_name, content_type, data FROM ticket_attachments WHERE id = $1 AND ticket_id = $2",
    )
    .bind(id)
    .bind(ticket_id)
    .fetch_optional(db)
    .await?
    .map(|r| (r.file_name, r.content_type, r.data)))
}
