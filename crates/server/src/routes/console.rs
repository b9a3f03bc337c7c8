//! The app console: delete (or deactivate) and restore an app, and "Start coding" (where the app signs
//! in, per environment).

use super::applications::app_for;
use crate::auth::{member, Caller};
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::store::applications as apps;
use crate::store::deletion;
use crate::AppState;
use appreg_core::api::{
    AppStatus, Application, EnvironmentEndpoints, Role, StartCoding, RESTORE_DAYS,
};
use appreg_core::lifecycle::{deletion as on_delete, Deletion};
use appreg_core::Environment;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    // DELETE /applications/{app} is registered with GET and PATCH in `applications::router`.
    OpenApiRouter::new()
        .routes(routes!(restore_app))
        .routes(routes!(start_coding))
}

/// Delete an app. Never published beyond SOD (Stage and Production none or rejected): it is deleted —
/// gone from lists and reads, its name free again. Published to Stage or Production: it is deactivated
/// (still listed and readable with `status: deactivated`, its configuration read-only). Either way an
/// administrator of the partner can restore it for 30 days.
#[utoipa::path(delete, path = "/applications/{app}", tag = "applications",
    params(("app" = String, Path, description = "The app's id"),
        ("If-Match" = String, Header, description = "The ETag the app was loaded with")),
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "Deleted or deactivated"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "The role may not change apps, X-Requested-With is missing, or a read-only API token"),
        (status = 404, description = "No such app, or another partner's"),
        (status = 409, description = "A publish request is pending, or the app is deactivated already"),
        (status = 412, description = "The app changed since the ETag in If-Match"),
        (status = 428, description = "If-Match is missing")))]
pub async fn delete_app(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let (app, version) = app_for(&s, &caller, &id, true).await?;
    let Some(if_match) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) else {
        return Err(ApiError::PreconditionRequired);
    };
    if if_match.trim() != format!("\"v{version}\"") {
        return Err(ApiError::PreconditionFailed);
    }
    let pending = || {
        ApiError::Conflict(
            "A publish request is pending: wait for the app manager's decision before deleting the app."
                .into(),
        )
    };
    let what = on_delete(&app.environments).map_err(|_| pending())?;
    if super::app_store_publish::pending(&s, &id).await? {
        return Err(pending());
    }
    let now = db::now();
    let mut tx = s.db.begin().await?;
    let (done, action) = match what {
        Deletion::Delete => (
            deletion::delete(&mut tx, &id, version, &now).await?,
            "delete",
        ),
        Deletion::Deactivate => (
            deletion::deactivate(&mut tx, &id, version, &now).await?,
            "deactivate",
        ),
    };
    if !done {
        return Err(ApiError::PreconditionFailed);
    }
    let before = serde_json::to_value(&app).map_err(ApiError::internal)?;
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        action,
        "application",
        &id,
        Some(&before),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restore a deleted or deactivated app within 30 days of its deletion (the partner's administrators
/// only). After 30 days the answer is 410 Gone.
#[utoipa::path(post, path = "/applications/{app}/restore", tag = "applications",
    params(("app" = String, Path, description = "The app's id")),
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The restored app", body = Application,
            headers(("ETag" = String, description = "The app's version, for If-Match"))),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Only the partner's administrators restore apps; or X-Requested-With is missing, or a read-only API token"),
        (status = 404, description = "No such app, or another partner's"),
        (status = 409, description = "The app is not deleted, or another app has taken its name meanwhile"),
        (status = 410, description = "Deleted more than 30 days ago: it can no longer be restored")))]
pub async fn restore_app(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (app, _) = apps::load_any(&s.db, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if member(&s.db, &caller, &app.partner_id).await? != Role::Administrator {
        return Err(ApiError::Forbidden(
            "Only your partner's administrators can restore deleted applications.".into(),
        ));
    }
    if app.status == AppStatus::Active {
        return Err(ApiError::Conflict("This app is not deleted.".into()));
    }
    let since = deletion::restorable_since();
    if app
        .deleted_at
        .as_deref()
        .is_none_or(|at| at <= since.as_str())
    {
        return Err(ApiError::Json(
            StatusCode::GONE,
            format!("The app was deleted more than {RESTORE_DAYS} days ago and can no longer be restored."),
        ));
    }
    let mut tx = s.db.begin().await?;
    match deletion::restore(&mut tx, &id, &since, &db::now()).await {
        Err(e) if db::is_unique_violation(&e) => {
            return Err(ApiError::Conflict(format!(
                "Another app of your partner is called \"{}\" now; rename that app, then restore this one.",
                app.name
            )))
        }
        Err(e) => return Err(e.into()),
        Ok(false) => return Err(ApiError::Conflict("This app is not deleted.".into())),
        Ok(true) => {}
    }
    let before = serde_json::to_value(&app).map_err(ApiError::internal)?;
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "restore",
        "application",
        &id,
        Some(&before),
        None,
    )
    .await?;
    tx.commit().await?;
    let (app, version) = apps::load(&s.db, &id).await?.ok_or(ApiError::NotFound)?;
    let mut res = (StatusCode::OK, Json(app)).into_response();
    let etag = format!("\"v{version}\"")
        .parse()
        .map_err(ApiError::internal)?;
    res.headers_mut().insert(header::ETAG, etag);
    Ok(res)
}

/// "Start coding": per environment, the app's client ID, the authority, the discovery document and the
/// token endpoint (from the server's `--authority-*` options).
#[utoipa::path(get, path = "/applications/{app}/start-coding", tag = "applications",
    params(("app" = String, Path, description = "The app's id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "Where the app signs in", body = StartCoding),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such app, or another partner's")))]
pub async fn start_coding(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<StartCoding>> {
    let (app, _) = app_for(&s, &caller, &id, false).await?;
    let environments = Environment::ALL
        .into_iter()
        .map(|env| {
            let authority = s.cfg.authorities.of(env).to_string();
            EnvironmentEndpoints {
                environment: env,
                state: app.environments.get(env),
                client_id: match env {
                    Environment::Sod => app.client_ids.sod.clone(),
                    Environment::Stage => app.client_ids.stage.clone(),
                    Environment::Production => app.client_ids.production.clone(),
                },
                discovery_url: format!("{authority}/.well-known/openid-configuration"),
                token_endpoint: format!("{authority}/common/oauth/tokens"),
                authority,
            }
        })
        .collect();
    Ok(Json(StartCoding {
        application_id: app.id,
        environments,
    }))
}
