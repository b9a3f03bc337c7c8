//! `/tickets`: the Messaging Center. Every publish request is a ticket (made with the request, in its
//! transaction); approval and rejection write into it. The partner's users read their partners'
//! tickets, Administrators and Developers also reply and mark them as answered (Marketing: 403); app
//! managers read and reply to every ticket; everyone else gets 404. Replies and their attachments are
//! in [`super::ticket_attachments`].

use crate::auth::Caller;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::store::tickets::{self as store, Author, Stored};
use crate::store::users;
use crate::AppState;
use appreg_core::api::PublishRequest;
use appreg_core::{
    ticket_transition, AppType, Environment, Ticket, TicketEvent, TicketFilter, TicketState,
    TicketSummary, UnreadCounts,
};
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;
use sqlx::AnyConnection;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The longest list: the newest tickets.
pub const MAX_LIST: i64 = 500;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tickets))
        .routes(routes!(unread_counts))
        .routes(routes!(get_ticket))
        .routes(routes!(mark_answered))
        .merge(super::ticket_attachments::router())
}

/// On which side of a ticket the caller is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// One of the ticket's partner's users; `writes`: Administrator or Developer.
    Partner { writes: bool },
    /// An app manager who is not a user of the partner.
    AppManager,
}

impl Side {
    pub fn is_app_manager(self) -> bool {
        self == Side::AppManager
    }
}

/// The ticket as the caller sees it, and their side; 404 when they may not see it, 403 when they may
/// see but not write (`write`) it.
pub async fn access(
    s: &AppState,
    caller: &Caller,
    id: &str,
    write: bool,
) -> ApiResult<(Stored, Side)> {
    let ticket = store::get(&s.db, id, &caller.user_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let side = match users::role_in(&s.db, &caller.user_id, &ticket.summary.partner_id).await? {
        Some(role) => Side::Partner {
            writes: role.can_configure(),
        },
        None if caller.app_manager => Side::AppManager,
        None => return Err(ApiError::NotFound),
    };
    if write && side == (Side::Partner { writes: false }) {
        return Err(ApiError::Forbidden(
            "Your role (Marketing) may read tickets but not reply to them.".into(),
        ));
    }
    Ok((ticket, side))
}

/// The author of a message the caller writes.
pub fn author(caller: &Caller, side: Side) -> Author<'_> {
    Author {
        user_id: &caller.user_id,
        name: &caller.name,
        email: &caller.email,
        app_manager: side.is_app_manager(),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketsQuery {
    /// Which tickets (default all).
    #[param(value_type = Option<TicketFilter>, nullable = false)]
    state: Option<TicketFilter>,
}

/// The tickets the caller may see, newest first (by their last message or change), at most 500: a
/// partner's users see their partners' tickets, app managers every ticket.
#[utoipa::path(get, path = "/tickets", tag = "tickets",
    params(TicketsQuery),
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "The tickets, newest first", body = Vec<TicketSummary>),
        (status = 400, description = "state is not all, open, waiting or closed"),
        (status = 401, description = "Not signed in")))]
pub async fn list_tickets(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<TicketsQuery>,
) -> ApiResult<Json<Vec<TicketSummary>>> {
    let filter = q.state.unwrap_or_default().state();
    Ok(Json(
        store::list(&s.db, &caller.user_id, caller.app_manager, filter, MAX_LIST).await?,
    ))
}

/// How many of the caller's tickets have messages they have not read, per state (for the header).
#[utoipa::path(get, path = "/tickets/unread", tag = "tickets",
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "Tickets with unread messages", body = UnreadCounts),
        (status = 401, description = "Not signed in")))]
pub async fn unread_counts(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<UnreadCounts>> {
    let mut counts = UnreadCounts::default();
    for (state, n) in store::unread_by_state(&s.db, &caller.user_id, caller.app_manager).await? {
        match state {
            TicketState::Open => counts.open += n,
            TicketState::WaitingForPartner => counts.waiting += n,
            TicketState::Closed => counts.closed += n,
        }
        counts.total += n;
    }
    Ok(Json(counts))
}

/// A ticket with its messages, oldest first. Reading it marks its messages read for the caller (the
/// answer still counts them as unread, once).
#[utoipa::path(get, path = "/tickets/{ticket}", tag = "tickets",
    params(("ticket" = String, Path, description = "The ticket's id")),
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "The ticket", body = Ticket),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such ticket, or one the caller may not see")))]
pub async fn get_ticket(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Ticket>> {
    let (ticket, _) = access(&s, &caller, &id, false).await?;
    let messages = store::messages(&s.db, &id).await?;
    store::mark_read(&s.db, &id, &caller.user_id, ticket.last_seq).await?;
    Ok(Json(Ticket {
        summary: ticket.summary,
        messages,
    }))
}

/// "Mark as answered": the partner says they have answered (replied elsewhere, or changed the app as
/// asked), and the ticket goes back to the app managers (`open`) without a message. Administrators and
/// Developers of the ticket's partner only.
#[utoipa::path(post, path = "/tickets/{ticket}/answered", tag = "tickets",
    params(("ticket" = String, Path, description = "The ticket's id")),
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses((status = 200, description = "The ticket, now open", body = TicketSummary),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Marketing, an app manager, X-Requested-With is missing, or a read-only API token"),
        (status = 404, description = "No such ticket, or one the caller may not see"),
        (status = 409, description = "The ticket is closed")))]
pub async fn mark_answered(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<TicketSummary>> {
    let (ticket, side) = access(&s, &caller, &id, true).await?;
    if side.is_app_manager() {
        return Err(ApiError::Forbidden(
            "Only the partner's users mark a ticket as answered; reply to it instead.".into(),
        ));
    }
    let next = ticket_transition(ticket.summary.state, TicketEvent::MarkedAnswered)
        .map_err(ApiError::Conflict)?;
    let now = db::now();
    let mut tx = s.db.begin().await?;
    store::set_state(&mut tx, &id, next, &now).await?;
    let after = serde_json::json!({"state": next});
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "answered",
        "ticket",
        &id,
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(TicketSummary {
        state: next,
        updated_at: now,
        ..ticket.summary
    }))
}

/// What a decision writes into the request's ticket (in the decision's transaction): a system message
/// by the app manager, and the state (approved: closed; rejected: waiting for the partner).
pub async fn on_decision(
    conn: &mut AnyConnection,
    req: &PublishRequest,
    app_type: AppType,
    approve: bool,
    reason: Option<&str>,
    caller: &Caller,
    now: &str,
) -> ApiResult<()> {
    let Some(ticket) = store::of_request(conn, &req.id).await? else {
        return Ok(()); // a request from before tickets whose ticket is gone: nothing to write into
    };
    let body = if !approve {
        format!("Rejected: {}", reason.unwrap_or_default())
    } else if req.is_app_store() {
        "Approved: the App Store listing is published.".to_string()
    } else {
        let version = req
            .version
            .map(|n| format!(" version {n}"))
            .unwrap_or_default();
        let also = if req.environment == Environment::Stage && app_type == AppType::Custom {
            " and Production"
        } else {
            ""
        };
        format!(
            "Approved:{version} published to {}{also}.",
            req.environment.title()
        )
    };
    let event = if approve {
        TicketEvent::Approved
    } else {
        TicketEvent::Rejected
    };
    // A decision always applies (a request is decided once).
    let state = ticket_transition(TicketState::Open, event).map_err(ApiError::Internal)?;
    store::add_message(
        conn,
        &ticket,
        &author(caller, Side::AppManager),
        true,
        &body,
        state,
        now,
    )
    .await?;
    Ok(())
}
