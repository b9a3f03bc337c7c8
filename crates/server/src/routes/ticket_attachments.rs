//! Replies to a ticket, with or without images, and the images served back.
//!
//! `POST /tickets/{ticket}/messages` takes JSON `{body}`, or `multipart/form-data` with a `body` part
//! and up to 3 `file` parts: one request makes the message and its attachments, or nothing. An image's
//! type comes from its bytes (PNG, JPEG, GIF: `sniff_attachment`), never from its name or the part's
//! content type, and is served only as a download (`Content-Disposition: attachment`, `nosniff`, a
//! policy that lets it run nothing).

use super::tickets::{access, author};
use crate::auth::Caller;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::limits::{self, Limit};
use crate::store::tickets::{self as store, attachment_url, NewAttachment};
use crate::AppState;
use appreg_core::{
    check_attachments, check_ticket_message, field_findings, ticket_transition, Attachment,
    FieldPath, NewTicketMessage, TicketEvent, TicketMessage, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES,
};
use axum::body::Body;
use axum::extract::multipart::MultipartError;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The largest reply: 3 images of 5 MB and room for the form and its text around them.
pub const MESSAGE_LIMIT: usize = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES as usize + 256 * 1024;
/// Replies per caller: 120 in 10 minutes.
pub const REPLIES: Limit = Limit {
    bucket: "ticket-reply",
    max: 120,
    window_secs: 600,
};
/// An attachment can run nothing, load nothing and is never a page.
const ATTACHMENT_CSP: &str = "default-src 'none'; sandbox";

pub fn router() -> OpenApiRouter<AppState> {
    // Only a reply accepts a body larger than the API's 256 KiB (JSON replies keep that limit).
    OpenApiRouter::new()
        .routes(routes!(post_message))
        .layer(DefaultBodyLimit::max(MESSAGE_LIMIT))
        .merge(OpenApiRouter::new().routes(routes!(get_attachment)))
}

/// A reply with images (`multipart/form-data`). Other parts are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documents the form; the handler reads the parts one by one
pub struct TicketMessageForm {
    /// 1 to 10,000 characters after trimming (TICKET-MESSAGE).
    #[schema(min_length = 1, max_length = 10000)]
    body: String,
    /// Up to 3 images, each a PNG, JPEG or GIF of at most 5 MB, told by its bytes (TICKET-ATTACHMENT).
    #[schema(value_type = Option<Vec<String>>, format = Binary, content_media_type = "application/octet-stream", max_items = 3)]
    file: Option<Vec<Vec<u8>>>,
}

/// An attachment's bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // documents the response body
pub struct AttachmentFile(Vec<u8>);

fn multipart_error(e: MultipartError) -> ApiError {
    let status = e.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::Json(
            status,
            "The message is larger than 3 images of 5 MB each and its text.".into(),
        );
    }
    ApiError::Json(status, e.body_text())
}

/// A file of a reply: its name as sent and its bytes (an oversized one cut after the limit).
struct File {
    name: String,
    data: Vec<u8>,
}

/// The form's body and files; refuses a fourth file before reading it.
async fn read_form(mut form: Multipart) -> ApiResult<(Option<String>, Vec<File>)> {
    let (mut body, mut files) = (None, Vec::new());
    while let Some(mut part) = form.next_field().await.map_err(multipart_error)? {
        match part.name() {
            Some("body") => body = Some(part.text().await.map_err(multipart_error)?),
            Some("file") => {
                let name = part.file_name().unwrap_or("").to_string();
                if files.len() == MAX_ATTACHMENTS {
                    // TICKET-ATTACHMENT on the field `file`, without reading more images.
                    let mut all: Vec<&[u8]> =
                        files.iter().map(|f: &File| f.data.as_slice()).collect();
                    all.push(&[]);
                    let errors = check_attachments(&all).err().unwrap_or_default();
                    return Err(ApiError::Validation(
                        errors
                            .into_iter()
                            .filter(|e| e.field == FieldPath::File)
                            .collect(),
                    ));
                }
                let mut data = Vec::new();
                while let Some(chunk) = part.chunk().await.map_err(multipart_error)? {
                    data.extend_from_slice(&chunk);
                    if data.len() as u64 > MAX_ATTACHMENT_BYTES {
                        break; // enough to say it is too large
                    }
                }
                files.push(File { name, data });
            }
            other => {
                // As a JSON reply's unknown fields: refused, so a misspelt part is not lost silently.
                let name = other.unwrap_or("").chars().take(60).collect::<String>();
                return Err(ApiError::Json(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("Unknown part {name:?}: send the parts body and file only."),
                ));
            }
        }
    }
    Ok((body, files))
}

/// A JSON reply, within the API's usual 256 KiB.
async fn read_json(req: Request) -> ApiResult<String> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, crate::BODY_LIMIT)
        .await
        .map_err(|_| {
            ApiError::Json(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The request body is larger than 256 KiB.".into(),
            )
        })?;
    let req = Request::from_parts(parts, Body::from(bytes));
    let ApiJson(m) = ApiJson::<NewTicketMessage>::from_request(req, &()).await?;
    Ok(m.body)
}

/// A name to show and to download under: the sent name's last path segment without control
/// characters, at most 120 characters.
fn clean_name(sent: &str) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = last.chars().filter(|c| !c.is_control()).take(120).collect();
    let name = name.trim().to_string();
    if name.is_empty() {
        "image".into()
    } else {
        name
    }
}

fn content_type_of(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim_start()
        .to_ascii_lowercase()
}

/// Reply to a ticket: JSON `{body}`, or `multipart/form-data` with the part `body` and up to 3 parts
/// `file` (images). An app manager's reply makes the ticket wait for the partner; a partner's reply
/// opens it for the app managers (also a closed one).
#[utoipa::path(post, path = "/tickets/{ticket}/messages", tag = "tickets",
    request_body(content((NewTicketMessage = "application/json"), (TicketMessageForm = "multipart/form-data"))),
    params(("ticket" = String, Path, description = "The ticket's id")),
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses(
        (status = 201, description = "The message as recorded", body = TicketMessage),
        (status = 400, description = "The body is not valid JSON or not a valid multipart form"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Marketing, X-Requested-With is missing, or a read-only API token"),
        (status = 404, description = "No such ticket, or one the caller may not see"),
        (status = 413, description = "The body is larger than 256 KiB (JSON) or than 3 images of 5 MB and the text (a form)"),
        (status = 415, description = "The body is neither application/json nor multipart/form-data"),
        (status = 422, description = "The text or a file is not allowed (TICKET-MESSAGE, TICKET-ATTACHMENT in errors), or the JSON does not match the schema"),
        (status = 429, description = "Too many replies; retry after Retry-After seconds")))]
pub async fn post_message(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    req: Request,
) -> ApiResult<Response> {
    let (ticket, side) = access(&s, &caller, &id, true).await?;
    limits::hit(&s.db, REPLIES, &limits::subject(&caller.user_id)).await?;
    let content_type = content_type_of(req.headers());
    let (body, files) = if content_type.starts_with("multipart/form-data") {
        let form = Multipart::from_request(req, &s)
            .await
            .map_err(|r| ApiError::Json(r.status(), r.body_text()))?;
        let (body, files) = read_form(form).await?;
        (body.unwrap_or_default(), files)
    } else if content_type.starts_with("application/json") {
        (read_json(req).await?, Vec::new())
    } else {
        return Err(ApiError::Json(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the reply as application/json {body}, or as multipart/form-data with the part body \
             and up to 3 parts file."
                .into(),
        ));
    };
    let check = check_ticket_message(&body);
    let mut errors = field_findings(FieldPath::TicketBody, &check);
    let data: Vec<&[u8]> = files.iter().map(|f| f.data.as_slice()).collect();
    let types = match check_attachments(&data) {
        Ok(types) => types,
        Err(found) => {
            errors.extend(found);
            Vec::new()
        }
    };
    let Some(text) = check.canonical.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let event = if side.is_app_manager() {
        TicketEvent::AppManagerReply
    } else {
        TicketEvent::PartnerReply
    };
    let next = ticket_transition(ticket.summary.state, event).map_err(ApiError::Conflict)?;
    let now = db::now();
    let who = author(&caller, side);
    let mut tx = s.db.begin().await?;
    let message_id = store::add_message(&mut tx, &id, &who, false, &text, next, &now).await?;
    let mut attachments = Vec::new();
    for (i, (file, content_type)) in files.iter().zip(types).enumerate() {
        let name = clean_name(&file.name);
        let new = NewAttachment {
            ticket_id: &id,
            message_id: &message_id,
            position: i,
            file_name: &name,
            content_type,
            data: &file.data,
            now: &now,
        };
        let aid = store::add_attachment(&mut tx, &new).await?;
        attachments.push(Attachment {
            url: attachment_url(&id, &aid),
            id: aid,
            file_name: name,
            content_type: content_type.to_string(),
            bytes: file.data.len() as u64,
        });
    }
    // E-mail (outbox, this transaction): the other side hears of the reply (crate::mail).
    let reply = crate::mail::TicketReply {
        ticket_id: &id,
        message_id: &message_id,
        publish_request_id: &ticket.summary.publish_request_id,
        subject: &ticket.summary.subject,
        author_user_id: &caller.user_id,
        author_name: &caller.name,
        from_app_manager: side.is_app_manager(),
        body: &text,
    };
    crate::mail::enqueue_ticket_reply(&mut tx, &s, &reply).await?;
    let after = serde_json::json!({"ticket": id, "state": next, "attachments": attachments.len()});
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "reply",
        "ticket_message",
        &message_id,
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    let message = TicketMessage {
        id: message_id,
        author: caller.name.clone(),
        author_email: caller.email.clone(),
        from_app_manager: side.is_app_manager(),
        body: text,
        created_at: now,
        system: false,
        attachments,
    };
    Ok((StatusCode::CREATED, Json(message)).into_response())
}

/// The download name: the sent name's letters, digits, `-` and `_` (at most 80), and the extension of
/// the type read from the bytes.
fn download_name(file_name: &str, content_type: &str) -> String {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    let stem = if stem.trim_matches('_').is_empty() {
        "attachment".to_string()
    } else {
        stem
    };
    format!("{stem}.{}", crate::headers::image_extension(content_type))
}

/// An image sent with a message, always as a download: the content type read from its bytes,
/// `X-Content-Type-Options: nosniff`, `Content-Disposition: attachment` and a policy that runs nothing.
#[utoipa::path(get, path = "/tickets/{ticket}/attachments/{attachment}", tag = "tickets",
    params(("ticket" = String, Path, description = "The ticket's id"),
        ("attachment" = String, Path, description = "The attachment's id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The image as a download, with X-Content-Type-Options: nosniff and Content-Security-Policy: default-src 'none'; sandbox",
            content((AttachmentFile = "image/png"), (AttachmentFile = "image/jpeg"), (AttachmentFile = "image/gif")),
            headers(("Cache-Control" = String, description = "private"),
                ("Content-Disposition" = String, description = "attachment, with a file name"))),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such ticket or attachment, or one the caller may not see")))]
pub async fn get_attachment(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, attachment)): Path<(String, String)>,
) -> ApiResult<Response> {
    access(&s, &caller, &id, false).await?;
    let (file_name, content_type, data) = store::attachment_data(&s.db, &id, &attachment)
        .await?
        .ok_or(ApiError::NotFound)?;
    let name = download_name(&file_name, &content_type);
    crate::headers::uploaded_file(
        data,
        &content_type,
        "private",
        ATTACHMENT_CSP,
        &format!("attachment; filename=\"{name}\""),
    )
}
