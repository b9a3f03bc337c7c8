//! Versions and the change log (issue #13): list, download, add ("Add New Configuration"), publish to
//! SOD or request Stage and Production for one version, and the change log. What creating, editing and
//! deciding an app do to its versions is in [`super::version_flow`].

use super::applications::app_for;
use super::version_flow::{self as flow, request_version};
use crate::auth::Caller;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::store::versions::{self as store, Version};
use crate::AppState;
use appreg_core::api::{NewPublishRequest, PublishRequest};
use appreg_core::{
    check_publish_request, check_version_label, field_findings, version_transition, ChangeEntry,
    Environment, FieldPath, NewVersion, PublishVersion, VersionEvent, VersionInfo, VersionSnapshot,
    VersionState,
};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_versions, new_version))
        .routes(routes!(get_version))
        .routes(routes!(publish_version))
        .routes(routes!(list_changes))
        .routes(routes!(get_change_snapshot))
}

/// The version of a path, or 404 (not a number, or no such version).
fn number(n: &str) -> ApiResult<u32> {
    n.parse().map_err(|_| ApiError::NotFound)
}

/// The app's versions, newest first, and the app (read access).
async fn versions_of(s: &AppState, caller: &Caller, app_id: &str) -> ApiResult<Vec<Version>> {
    let (app, _) = app_for(s, caller, app_id, false).await?;
    let mut conn = s.db.acquire().await?;
    store::all(&mut conn, &app).await
}

/// The app's versions, newest first: their states per environment, which one PATCH edits (`current`)
/// and whether it may still change (`editable`).
#[utoipa::path(get, path = "/applications/{app}/versions", tag = "versions",
    params(("app" = String, Path, description = "The app's id")),
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "The versions, newest first", body = Vec<VersionInfo>),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such app, or another partner's")))]
pub async fn list_versions(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<VersionInfo>>> {
    let versions = versions_of(&s, &caller, &id).await?;
    Ok(Json(
        versions
            .iter()
            .enumerate()
            .map(|(i, v)| v.info(i == 0))
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SnapshotQuery {
    /// `1` (or `true`): answer as a file to save (`Content-Disposition: attachment`).
    #[param(nullable = false)]
    download: Option<String>,
}

/// One version's configuration: the downloadable JSON snapshot.
#[utoipa::path(get, path = "/applications/{app}/versions/{n}", tag = "versions",
    params(("app" = String, Path, description = "The app's id"),
        ("n" = u32, Path, description = "The version's number"), SnapshotQuery),
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "The snapshot", body = VersionSnapshot,
            headers(("Content-Disposition" = Option<String>, description = "With download=1: attachment; filename=\"<app>-v<n>.json\""))),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such app or version, or another partner's app")))]
pub async fn get_version(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, n)): Path<(String, String)>,
    Query(q): Query<SnapshotQuery>,
) -> ApiResult<Response> {
    let n = number(&n)?;
    let versions = versions_of(&s, &caller, &id).await?;
    let v = versions
        .iter()
        .find(|v| v.number == n)
        .ok_or(ApiError::NotFound)?;
    let mut res = Json(v.snapshot(&id)).into_response();
    if matches!(q.download.as_deref(), Some("1" | "true")) {
        let name = format!("attachment; filename=\"{id}-v{n}.json\"");
        let value = HeaderValue::from_str(&name).map_err(ApiError::internal)?;
        res.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(res)
}

/// "Add New Configuration": a new draft version with a label, copied from the current version; it
/// becomes the current one (PATCH edits it). Refused (409) while the current version is a draft that
/// was never published anywhere: edit that one, or publish it to SOD first.
#[utoipa::path(post, path = "/applications/{app}/versions", tag = "versions",
    request_body = NewVersion,
    params(("app" = String, Path, description = "The app's id")),
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses((status = 201, description = "The new current version", body = VersionInfo),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "The role may not change apps, X-Requested-With is missing, or a read-only API token"),
        (status = 404, description = "No such app, or another partner's"),
        (status = 409, description = "The current version is an unpublished draft, the app is deactivated, or it changed meanwhile"),
        (status = 422, description = "The label is not valid (VERSION-LABEL)")))]
pub async fn new_version(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewVersion>,
) -> ApiResult<(StatusCode, Json<VersionInfo>)> {
    let (app, etag) = app_for(&s, &caller, &id, true).await?;
    let check = check_version_label(&req.label);
    let Some(label) = check.canonical.clone() else {
        return Err(ApiError::Validation(field_findings(
            FieldPath::Label,
            &check,
        )));
    };
    let now = db::now();
    let mut tx = s.db.begin().await?;
    if !store::bump_if(&mut tx, &id, etag, &now).await? {
        return Err(flow::changed_meanwhile());
    }
    store::ensure_initial(&mut tx, &app).await?;
    let current = store::all(&mut tx, &app).await?.remove(0);
    let unpublished = Environment::ALL
        .iter()
        .all(|e| matches!(current.state(*e), None | Some(VersionState::Draft)));
    if unpublished {
        return Err(ApiError::Conflict(format!(
            "Version {} is still an unpublished draft: edit it, or publish it to SOD first.",
            current.number
        )));
    }
    let v = Version {
        number: current.number + 1,
        label,
        created_at: now.clone(),
        created_by: caller.email.clone(),
        states: [Some(VersionState::Draft), None, None],
        config: current.config.clone(),
    };
    store::insert(&mut tx, &id, &v).await?;
    let summary = vec![format!(
        "Created version {} “{}” from version {}",
        v.number, v.label, current.number
    )];
    flow::record(
        &mut tx,
        &id,
        &v,
        &caller,
        "new-version",
        vec![],
        summary,
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(v.info(true))))
}

/// Publish a version: to SOD at once (self-service, 200 with the version); to Stage or Production by a
/// request to the app manager (201 with the request), under the publish lifecycle: one pending request
/// per environment, a standard app's version is published to Stage before Production, a version
/// published to (or pending for) an environment is not requested again.
#[utoipa::path(post, path = "/applications/{app}/versions/{n}/publish", tag = "versions",
    request_body = PublishVersion,
    params(("app" = String, Path, description = "The app's id"),
        ("n" = u32, Path, description = "The version's number")),
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses((status = 200, description = "Published to SOD", body = VersionInfo),
        (status = 201, description = "Stage or Production requested", body = PublishRequest),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "The role may not change apps, X-Requested-With is missing, or a read-only API token"),
        (status = 404, description = "No such app or version, or another partner's app"),
        (status = 409, description = "The lifecycle refuses it (already published or pending there, Stage comes first), the app is deactivated, or it changed meanwhile"),
        (status = 422, description = "The message is too long (PUBLISH-MESSAGE)")))]
pub async fn publish_version(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, n)): Path<(String, String)>,
    ApiJson(req): ApiJson<PublishVersion>,
) -> ApiResult<Response> {
    let n = number(&n)?;
    if req.environment != Environment::Sod {
        let req = NewPublishRequest {
            environment: req.environment,
            message: req.message,
        };
        let made = request_version(&s, &caller, &id, Some(n), req).await?;
        return Ok((StatusCode::CREATED, Json(made)).into_response());
    }
    let (app, etag) = app_for(&s, &caller, &id, true).await?;
    // PUBLISH-MESSAGE as for a request (SOD itself is fine here).
    let findings = check_publish_request(&NewPublishRequest {
        environment: Environment::Stage,
        message: req.message.clone(),
    });
    if !findings.is_empty() {
        return Err(ApiError::Validation(findings));
    }
    let now = db::now();
    let mut tx = s.db.begin().await?;
    if !store::bump_if(&mut tx, &id, etag, &now).await? {
        return Err(flow::changed_meanwhile());
    }
    store::ensure_initial(&mut tx, &app).await?;
    let versions = store::all(&mut tx, &app).await?;
    let current = versions.first().map(|v| v.number);
    let mut v = versions
        .into_iter()
        .find(|v| v.number == n)
        .ok_or(ApiError::NotFound)?;
    let next = version_transition(
        v.state(Environment::Sod),
        Environment::Sod,
        VersionEvent::PublishSod,
    )
    .map_err(ApiError::Conflict)?;
    store::publish(&mut tx, &id, n, Environment::Sod).await?;
    v.set(Environment::Sod, next);
    let mut summary = vec![format!("Published version {n} “{}” to SOD", v.label)];
    let message = req.message.trim();
    if !message.is_empty() {
        summary.push(message.to_string());
    }
    flow::record(&mut tx, &id, &v, &caller, "publish", vec![], summary, &now).await?;
    tx.commit().await?;
    Ok(Json(v.info(current == Some(n))).into_response())
}

/// The change log, newest first: who saved what and when, field by field and in words, with the link
/// to the version's snapshot.
#[utoipa::path(get, path = "/applications/{app}/changes", tag = "versions",
    params(("app" = String, Path, description = "The app's id")),
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "The entries, newest first", body = Vec<ChangeEntry>),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such app, or another partner's")))]
pub async fn list_changes(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ChangeEntry>>> {
    app_for(&s, &caller, &id, false).await?;
    let mut conn = s.db.acquire().await?;
    Ok(Json(store::changes(&mut conn, &id).await?))
}

/// The configuration as one change-log entry left it: the entry's downloadable JSON snapshot (a
/// draft's version snapshot may have changed since; this one never does).
#[utoipa::path(get, path = "/applications/{app}/changes/{change}", tag = "versions",
    params(("app" = String, Path, description = "The app's id"),
        ("change" = String, Path, description = "The change-log entry's id")),
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "The snapshot the entry left", body = VersionSnapshot,
            headers(("Content-Disposition" = String, description = "attachment; filename=\"<app>-change-<id>.json\""))),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such app or entry, or another partner's app")))]
pub async fn get_change_snapshot(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, change)): Path<(String, String)>,
) -> ApiResult<Response> {
    app_for(&s, &caller, &id, false).await?;
    let mut conn = s.db.acquire().await?;
    let json = store::change_snapshot(&mut conn, &id, &change)
        .await?
        .ok_or(ApiError::NotFound)?;
    // The entry exists, so `change` is one of our own ids (safe in a header).
    let name = format!("attachment; filename=\"{id}-change-{change}.json\"");
    let mut res = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        json,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&name) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
