//! `POST /applications/{app}/app-store/publish`: the App Store information's own request to publish
//! (kind `app-store`, to Production only), and what an app manager's decision on it does.

use super::app_store::{standard_app, state_of};
use crate::auth::Caller;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::store::app_store as store;
use crate::AppState;
use appreg_core::api::{EnvState, NewPublishRequest, PublishRequest};
use appreg_core::{
    check_publish_request, field_error, Environment, FieldPath, Finding, Gate, Rule, VersionState,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(request_app_store))
}

/// Ask the app managers to publish the current version of the App Store information to Production
/// (a publish request of kind `app-store` in their queue). A standard app is in the App Store once both
/// this and its Production configuration are approved.
#[utoipa::path(post, path = "/applications/{app}/app-store/publish", tag = "app-store",
    request_body = NewPublishRequest,
    params(("app" = String, Path, description = "The app's id")),
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses((status = 201, description = "The pending request (kind app-store, version: the App Store version)", body = PublishRequest),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "The role may not change apps, X-Requested-With is missing, or a read-only API token"),
        (status = 404, description = "No such app, another partner's, or a custom app"),
        (status = 409, description = "Nothing saved yet, a request is pending, the version is published already, or findings block publishing (listed in errors); or the app is deactivated"),
        (status = 422, description = "The environment is not production (PUBLISH-ENV), or the message is too long (PUBLISH-MESSAGE)")))]
pub async fn request_app_store(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewPublishRequest>,
) -> ApiResult<(StatusCode, Json<PublishRequest>)> {
    let app = standard_app(&s, &caller, &id, true).await?;
    let mut errors = check_publish_request(&req);
    if req.environment != Environment::Production && errors.is_empty() {
        errors.push(field_error(
            FieldPath::Environment,
            &Finding::error(
                Rule::PublishEnv,
                "App Store information is published to Production only; send environment production.",
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let (state, revision) = state_of(&s, &app).await?;
    let n = state.version;
    match state.state {
        None => {
            return Err(ApiError::Conflict(
                "There is no App Store information yet; save it first.".into(),
            ))
        }
        Some(VersionState::Pending) => {
            return Err(ApiError::Conflict(
                "A request to publish the App Store information is already pending.".into(),
            ))
        }
        Some(VersionState::Published) => {
            return Err(ApiError::Conflict(format!(
                "Version {n} of the App Store information is published already; save a change to request it again."
            )))
        }
        Some(VersionState::Draft | VersionState::Rejected) => {}
    }
    if !state.findings.is_empty() {
        return Err(ApiError::Blocked(
            "The App Store information is not ready to publish; complete what errors lists.".into(),
            state
                .findings
                .iter()
                .map(|f| f.to_field_error(Gate::Publish))
                .collect(),
        ));
    }
    let from = state.state.unwrap_or(VersionState::Draft);
    let now = db::now();
    let made = PublishRequest {
        id: db::new_id(),
        application_id: id.clone(),
        application_name: app.name.clone(),
        environment: Environment::Production,
        message: req.message.trim().to_string(),
        state: EnvState::Pending,
        reason: None,
        created_at: now.clone(),
        decided_at: None,
        version: Some(n),
        kind: PublishRequest::APP_STORE.into(),
    };
    let mut tx = s.db.begin().await?;
    let changed = || {
        ApiError::Conflict(
            "The App Store information was changed meanwhile; reload it and ask again.".into(),
        )
    };
    if !store::bump_if(&mut tx, &id, revision, &now).await? {
        return Err(changed());
    }
    if !store::set_state(&mut tx, &id, n, from, VersionState::Pending).await? {
        return Err(changed());
    }
    store::insert_request(&mut tx, &made, &caller.user_id).await?;
    crate::mail::outbox::enqueue_publish_requested(&mut tx, &s, &made.id).await?;
    let after = serde_json::json!({"kind": made.kind, "environment": made.environment, "state": "pending", "version": n});
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "request",
        "publish_request",
        &made.id,
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// What an app manager's decision on an `app-store` request does, in the decision's transaction:
/// approval publishes exactly the requested version (a later draft stays a draft), rejection marks it
/// rejected (editable again).
pub async fn on_decision(
    conn: &mut AnyConnection,
    req: &PublishRequest,
    approve: bool,
    now: &str,
) -> ApiResult<()> {
    let app_id = &req.application_id;
    let Some(n) = req.version else {
        return Err(ApiError::Internal(format!(
            "app-store publish request {} has no version",
            req.id
        )));
    };
    let done = if approve {
        store::publish(conn, app_id, n).await?
    } else {
        store::set_state(
            conn,
            app_id,
            n,
            VersionState::Pending,
            VersionState::Rejected,
        )
        .await?
    };
    if !done {
        return Err(ApiError::Conflict(format!(
            "Version {n} of the App Store information is no longer pending."
        )));
    }
    store::bump(conn, app_id, now).await?;
    store::release_names(conn, app_id).await
}

/// Whether the app has an App Store request waiting for a decision.
pub async fn pending(s: &AppState, app_id: &str) -> ApiResult<bool> {
    let stored = store::load(&mut *s.db.acquire().await?, app_id).await?;
    Ok(stored.pending().is_some())
}
