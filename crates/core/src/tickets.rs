//! The Messaging Center (issue #14): every publish request is a ticket, a conversation between the
//! partner's users and the app managers. The types of its API, the ticket states and what moves them,
//! TICKET-MESSAGE (the text of a message) and TICKET-ATTACHMENT (the images sent with it, told by their
//! bytes).

use crate::api::FieldError;
use crate::app_store::{sniff_image, JPEG, PNG};
use crate::field::FieldPath;
use crate::finding::{Check, Finding, Rule};
use crate::registration::field_error;
use crate::template::Environment;
use serde::{Deserialize, Serialize};

/// A message is 1 to 10,000 characters after trimming (TICKET-MESSAGE).
pub const MAX_TICKET_MESSAGE: usize = 10_000;
/// At most 3 images per message (TICKET-ATTACHMENT).
pub const MAX_ATTACHMENTS: usize = 3;
/// Each image at most 5 MB (TICKET-ATTACHMENT).
pub const MAX_ATTACHMENT_BYTES: u64 = 5 * 1024 * 1024;
/// `image/gif`
pub const GIF: &str = "image/gif";

/// Where a ticket stands: with the app managers (`open`), with the partner (`waiting_for_partner`), or
/// done (`closed`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketState {
    Open,
    WaitingForPartner,
    Closed,
}

impl TicketState {
    pub const ALL: [TicketState; 3] = [
        TicketState::Open,
        TicketState::WaitingForPartner,
        TicketState::Closed,
    ];

    /// The stored and sent text.
    pub fn id(self) -> &'static str {
        match self {
            TicketState::Open => "open",
            TicketState::WaitingForPartner => "waiting_for_partner",
            TicketState::Closed => "closed",
        }
    }

    pub fn from_id(s: &str) -> Option<TicketState> {
        TicketState::ALL.into_iter().find(|t| t.id() == s)
    }

    pub fn title(self) -> &'static str {
        match self {
            TicketState::Open => "Open",
            TicketState::WaitingForPartner => "Waiting for partner",
            TicketState::Closed => "Closed",
        }
    }
}

/// The lists of the Messaging Center: `all`, `open`, `waiting` (for the partner) or `closed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TicketFilter {
    #[default]
    All,
    Open,
    Waiting,
    Closed,
}

impl TicketFilter {
    pub const ALL: [TicketFilter; 4] = [
        TicketFilter::All,
        TicketFilter::Open,
        TicketFilter::Waiting,
        TicketFilter::Closed,
    ];

    pub fn id(self) -> &'static str {
        match self {
            TicketFilter::All => "all",
            TicketFilter::Open => "open",
            TicketFilter::Waiting => "waiting",
            TicketFilter::Closed => "closed",
        }
    }

    pub fn from_id(s: &str) -> Option<TicketFilter> {
        TicketFilter::ALL.into_iter().find(|f| f.id() == s)
    }

    /// The state it lists; None for all.
    pub fn state(self) -> Option<TicketState> {
        match self {
            TicketFilter::All => None,
            TicketFilter::Open => Some(TicketState::Open),
            TicketFilter::Waiting => Some(TicketState::WaitingForPartner),
            TicketFilter::Closed => Some(TicketState::Closed),
        }
    }
}

/// What happens to a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketEvent {
    /// The publish request was made: the ticket opens.
    Requested,
    /// An app manager replied: the partner's turn.
    AppManagerReply,
    /// One of the partner's users replied: the app managers' turn.
    PartnerReply,
    /// The partner marked the ticket as answered (without a message): the app managers' turn.
    MarkedAnswered,
    /// The request was approved: done.
    Approved,
    /// The request was rejected: the partner's turn (fix it and ask again, or reply).
    Rejected,
}

/// The state after an event. A reply reopens a closed ticket (the conversation goes on); marking a
/// closed ticket as answered is refused (`Err`). A decision always applies (a request is decided once).
pub fn ticket_transition(from: TicketState, event: TicketEvent) -> Result<TicketState, String> {
    use TicketEvent::*;
    use TicketState::*;
    match (from, event) {
        (_, Requested) => Ok(Open),
        (_, AppManagerReply) => Ok(WaitingForPartner),
        (_, PartnerReply) => Ok(Open),
        (Closed, MarkedAnswered) => {
            Err("This ticket is closed; reply to it to start the conversation again.".into())
        }
        (_, MarkedAnswered) => Ok(Open),
        (_, Approved) => Ok(Closed),
        (_, Rejected) => Ok(WaitingForPartner),
    }
}

/// A ticket in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketSummary {
    pub id: String,
    /// "Publish <app> to <Environment>" or "Publish the App Store listing of <app>".
    pub subject: String,
    pub application_id: String,
    pub application_name: String,
    pub partner_id: String,
    pub publish_request_id: String,
    /// The publish request's kind: `configuration` or `app-store`.
    #[cfg_attr(feature = "openapi", schema(example = "configuration"))]
    pub kind: String,
    pub environment: Environment,
    pub state: TicketState,
    pub created_at: String,
    /// When the last message was written or the state changed (lists are newest first by it).
    pub updated_at: String,
    /// Messages of others the caller has not read yet.
    pub unread: u32,
}

/// An image sent with a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: String,
    /// The name it was uploaded with (shown, never trusted: the type comes from the bytes).
    pub file_name: String,
    /// `image/png`, `image/jpeg` or `image/gif`, read from its bytes.
    pub content_type: String,
    pub bytes: u64,
    /// Where it is served: `/api/v1/tickets/{ticket}/attachments/{attachment}` (always as a download).
    pub url: String,
}

/// A message of a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketMessage {
    pub id: String,
    /// The author's display name.
    pub author: String,
    pub author_email: String,
    /// Written by an app manager (else by one of the partner's users).
    pub from_app_manager: bool,
    pub body: String,
    pub created_at: String,
    /// Written by the portal for a request, an approval or a rejection.
    pub system: bool,
    pub attachments: Vec<Attachment>,
}

/// A ticket with its messages, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticket {
    pub summary: TicketSummary,
    pub messages: Vec<TicketMessage>,
}

/// How many tickets the caller may see have messages they have not read, per state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnreadCounts {
    pub open: u32,
    pub waiting: u32,
    pub closed: u32,
    pub total: u32,
}

/// A reply as JSON (`POST /tickets/{id}/messages`); with images it is sent as `multipart/form-data`
/// with the same `body` part and up to 3 `file` parts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTicketMessage {
    /// 1 to 10,000 characters after trimming (TICKET-MESSAGE).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 10000))]
    pub body: String,
}

/// The subject of a ticket.
pub fn ticket_subject(app_name: &str, kind: &str, environment: Environment) -> String {
    if kind == crate::api::PublishRequest::APP_STORE {
        format!("Publish the App Store listing of {app_name}")
    } else {
        format!("Publish {app_name} to {}", environment.title())
    }
}

/// TICKET-MESSAGE: 1 to 10,000 characters after trimming; the canonical form is trimmed.
pub fn check_ticket_message(input: &str) -> Check {
    let body = input.trim();
    let n = body.chars().count();
    let mut findings = Vec::new();
    if n == 0 {
        findings.push(Finding::error(
            Rule::TicketMessage,
            "Write a message (1 to 10,000 characters).",
        ));
    } else if n > MAX_TICKET_MESSAGE {
        findings.push(Finding::error(
            Rule::TicketMessage,
            format!("The message has {n} characters; shorten it to at most 10,000."),
        ));
    }
    Check::new(input, Some(body.to_string()), findings)
}

/// The content type of an attachment, read from its bytes: a PNG or a JPEG as [`sniff_image`] reads
/// them, or a GIF (`GIF87a`/`GIF89a` and a logical screen). None for anything else, SVG included.
pub fn sniff_attachment(bytes: &[u8]) -> Option<&'static str> {
    if (bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a")) && bytes.len() >= 13 {
        return Some(GIF);
    }
    match sniff_image(bytes) {
        Some((t @ (PNG | JPEG), _, _)) => Some(t),
        _ => None,
    }
}

/// TICKET-ATTACHMENT: at most 3 files (field `file`), each a PNG, JPEG or GIF by its bytes of at most
/// 5 MB (field `file[i]`). Returns the content type of each file when there is no finding.
pub fn check_attachments(files: &[&[u8]]) -> Result<Vec<&'static str>, Vec<FieldError>> {
    let mut errors = Vec::new();
    if files.len() > MAX_ATTACHMENTS {
        errors.push(field_error(
            FieldPath::File,
            &Finding::error(
                Rule::TicketAttachment,
                format!(
                    "{} files were sent; a message may have at most 3 images.",
                    files.len()
                ),
            ),
        ));
    }
    let mut types = Vec::new();
    for (i, data) in files.iter().enumerate() {
        let bytes = data.len() as u64;
        if bytes > MAX_ATTACHMENT_BYTES {
            errors.push(field_error(
                FieldPath::FileEntry(i),
                &Finding::error(
                    Rule::TicketAttachment,
                    format!("The file has {bytes} bytes; an image may have at most 5 MB (5,242,880 bytes)."),
                ),
            ));
        }
        match sniff_attachment(data) {
            Some(t) => types.push(t),
            None => errors.push(field_error(
                FieldPath::FileEntry(i),
                &Finding::error(
                    Rule::TicketAttachment,
                    "The file is not a PNG, JPEG or GIF image (its bytes say so, whatever its name).",
                ),
            )),
        }
    }
    if errors.is_empty() {
        Ok(types)
    } else {
        Err(errors)
    }
}
