//! Publish requests: an app's requests, and the app managers' queue and decisions.

use super::applications::app_for;
use super::version_flow::{on_decision, request_version};
use crate::auth::{app_manager_only, Caller};
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::store::applications::{self as apps, bump_version, set_env_state};
use crate::store::publishing as store;
use crate::AppState;
use appreg_core::api::{EnvState, NewPublishRequest, PublishRequest, RejectRequest};
use appreg_core::lifecycle;
use appreg_core::{check_reject_reason, field_findings, FieldPath};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_app_publish_requests, request_publish))
        .routes(routes!(publish_queue))
        .routes(routes!(approve))
        .routes(routes!(reject))
}

/// The app's publish requests, oldest first.
#[utoipa::path(get, path = "/applications/{app}/publish-requests", tag = "publishing",
    params(("app" = String, Path, description = "The app's id")),
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "The requests", body = Vec<PublishRequest>),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such app, or another partner's")))]
pub async fn list_app_publish_requests(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<PublishRequest>>> {
    app_for(&s, &caller, &id, false).await?;
    Ok(Json(store::of_app(&s.db, &id).await?))
}

/// Ask to publish the app's current version to Stage or Production (a standard app: Stage first).
#[utoipa::path(post, path = "/applications/{app}/publish-requests", tag = "publishing",
    request_body = NewPublishRequest,
    params(("app" = String, Path, description = "The app's id")),
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses((status = 201, description = "The pending request", body = PublishRequest),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "The role may not change apps, X-Requested-With is missing, or a read-only API token"),
        (status = 404, description = "No such app, or another partner's"),
        (status = 409, description = "A request is already pending, Stage comes first, or the current version is already published there"),
        (status = 422, description = "Some values are not valid (rule IDs in errors)")))]
pub async fn request_publish(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewPublishRequest>,
) -> ApiResult<(StatusCode, Json<PublishRequest>)> {
    // The current version; the lifecycle and the versions' rules are in `version_flow`.
    let made = request_version(&s, &caller, &id, None, req).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Which requests (default pending).
    #[param(value_type = Option<EnvState>, nullable = false)]
    state: Option<String>,
}

/// The app managers' queue.
#[utoipa::path(get, path = "/publish-requests", tag = "publishing",
    params(QueueQuery),
    security(("session" = [])),
    responses((status = 200, description = "The requests in that state, oldest first", body = Vec<PublishRequest>),
        (status = 400, description = "Not a state"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an app manager (API tokens never are)")))]
pub async fn publish_queue(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<QueueQuery>,
) -> ApiResult<Json<Vec<PublishRequest>>> {
    app_manager_only(&caller)?;
    let state = match q.state.as_deref() {
        None => EnvState::Pending,
        Some(v) => EnvState::from_id(v).ok_or_else(|| {
            ApiError::BadRequest("state must be pending, published, rejected or none.".into())
        })?,
    };
    Ok(Json(store::in_state(&s.db, state).await?))
}

async fn decide(
    s: &AppState,
    caller: &Caller,
    rid: &str,
    approve: bool,
    reason: Option<String>,
) -> ApiResult<Json<PublishRequest>> {
    app_manager_only(caller)?;
    let (req, requested_by) = store::get(&s.db, rid).await?.ok_or(ApiError::NotFound)?;
    if requested_by == caller.user_id {
        return Err(ApiError::Forbidden(
            "You asked for this publication yourself; another app manager must approve or reject it.".into(),
        ));
    }
    let Ok(new_state) = lifecycle::decided(req.state, approve) else {
        return Err(ApiError::Conflict(format!(
            "This request was already {}.",
            req.state.id()
        )));
    };
    let (app, _) = apps::load(&s.db, &req.application_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let now = db::now();
    let mut tx = s.db.begin().await?;
    if !store::decide(
        &mut tx,
        rid,
        new_state,
        reason.as_deref(),
        &caller.user_id,
        &now,
    )
    .await?
    {
        return Err(ApiError::Conflict(
            "This request was decided by someone else meanwhile.".into(),
        ));
    }
    if req.is_app_store() {
        // App Store information: exactly the requested App Store version; the app's states stay.
        super::app_store_publish::on_decision(&mut tx, &req, approve, &now).await?;
    } else {
        // Exactly the requested version is published (or rejected); the app's state follows.
        let app_state = on_decision(
            &mut tx,
            &app,
            &req,
            approve,
            reason.as_deref(),
            caller,
            &now,
        )
        .await?;
        set_env_state(
            &mut tx,
            &req.application_id,
            req.environment,
            app_state,
            false,
        )
        .await?;
        bump_version(&mut tx, &req.application_id, &now).await?;
    }
    // The request's ticket gets the decision as a system message (approved: closed; rejected: waiting).
    super::tickets::on_decision(
        &mut tx,
        &req,
        app.app_type,
        approve,
        reason.as_deref(),
        caller,
        &now,
    )
    .await?;
    // The e-mails (outbox, this transaction): to the requester and the technical contact.
    crate::mail::outbox::enqueue_publish_decided(&mut tx, s, rid, approve).await?;
    let after = serde_json::json!({"state": new_state, "reason": reason});
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        new_state.id(),
        "publish_request",
        rid,
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(PublishRequest {
        state: new_state,
        reason,
        decided_at: Some(now),
        ..req
    }))
}

/// Approve a publish request (an app manager other than the one who asked).
#[utoipa::path(post, path = "/publish-requests/{id}/approve", tag = "publishing",
    params(("id" = String, Path, description = "The request's id")),
    security(("session" = [], "csrf" = [])),
    responses((status = 200, description = "The approved request", body = PublishRequest),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an app manager, the caller asked for it, or X-Requested-With is missing"),
        (status = 404, description = "No such request"),
        (status = 409, description = "Already decided")))]
pub async fn approve(
    State(s): State<AppState>,
    caller: Caller,
    Path(rid): Path<String>,
) -> ApiResult<Json<PublishRequest>> {
    decide(&s, &caller, &rid, true, None).await
}

/// Reject a publish request, saying why.
#[utoipa::path(post, path = "/publish-requests/{id}/reject", tag = "publishing",
    request_body = RejectRequest,
    params(("id" = String, Path, description = "The request's id")),
    security(("session" = [], "csrf" = [])),
    responses((status = 200, description = "The rejected request", body = PublishRequest),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not an app manager, the caller asked for it, or X-Requested-With is missing"),
        (status = 404, description = "No such request"),
        (status = 409, description = "Already decided"),
        (status = 422, description = "The reason is empty or too long (PUBLISH-REASON)")))]
pub async fn reject(
    State(s): State<AppState>,
    caller: Caller,
    Path(rid): Path<String>,
    ApiJson(body): ApiJson<RejectRequest>,
) -> ApiResult<Json<PublishRequest>> {
    app_manager_only(&caller)?;
    let check = check_reject_reason(&body.reason);
    // The canonical (trimmed) reason exists only when the check has no error.
    let Some(reason) = check.canonical.clone() else {
        return Err(ApiError::Validation(field_findings(
            FieldPath::Reason,
            &check,
        )));
    };
    decide(&s, &caller, &rid, false, Some(reason)).await
}
