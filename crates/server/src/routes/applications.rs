//! `/partners/{partner}/applications` (create, with `Idempotency-Key`) and `/applications/{app}` (read
//! with an `ETag`, change with `If-Match`).

use super::console::{__path_delete_app, delete_app};
use super::partners::{__path_list_apps, list_apps};
use super::version_flow;
use crate::auth::{configurer, member, Caller};
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, Earlier};
use crate::json::ApiJson;
use crate::limits;
use crate::store::applications::{self as apps, Versioned};
use crate::store::publishing;
use crate::AppState;
use appreg_core::api::{AppStatus, Application, ApplicationPatch, CreateApplication};
use appreg_core::{
    consent_required, field_error, name_taken_finding, validate_patch, validate_registration,
    FieldPath,
};
use appreg_core::{Finding, Rule, Severity};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_apps, create_app))
        .routes(routes!(get_app, patch_app, delete_app))
}

/// The app, if the caller is a member of its partner (a configurer when `configure`, and then the app
/// must be active: a deactivated app is read-only, 409); 404 otherwise (also for another partner's app
/// and a deleted one). An app manager (signed in) reads any app that has a publish request.
pub async fn app_for(
    s: &AppState,
    caller: &Caller,
    app_id: &str,
    configure: bool,
) -> ApiResult<Versioned> {
    let (app, version) = apps::load(&s.db, app_id).await?.ok_or(ApiError::NotFound)?;
    if configure {
        configurer(&s.db, caller, &app.partner_id).await?;
        if app.status != AppStatus::Active {
            return Err(ApiError::Conflict(
                "This app is deactivated: its configuration is read-only. An administrator of your \
                 partner can restore it within 30 days of its deactivation."
                    .into(),
            ));
        }
    } else if let Err(e) = member(&s.db, caller, &app.partner_id).await {
        let reviewer = caller.app_manager
            && matches!(e, ApiError::NotFound)
            && publishing::any_for_app(&s.db, app_id).await?;
        if !reviewer {
            return Err(e);
        }
    }
    Ok((app, version))
}

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"v{version}\"")).expect("ascii")
}

fn with_etag(app: Application, version: i64, status: StatusCode) -> Response {
    let mut res = (status, Json(app)).into_response();
    res.headers_mut().insert(header::ETAG, etag(version));
    res
}

fn contact_member_error() -> ApiError {
    ApiError::Validation(vec![field_error(
        FieldPath::TechnicalContact,
        &Finding::error(
            Rule::ContactMember,
            "The technical contact must be a user of your partner; pick someone from the list.",
        ),
    )])
}

/// The app an idempotent create made, as a replayed 201.
async fn replayed(s: &AppState, app_id: &str) -> ApiResult<Response> {
    let (app, version) = apps::load(&s.db, app_id).await?.ok_or(ApiError::NotFound)?;
    let mut res = with_etag(app, version, StatusCode::CREATED);
    res.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(res)
}

/// Create an app from the wizard's payload. With `Idempotency-Key`, a retry with the same key and body
/// answers with the first result (`Idempotent-Replayed: true`); the same key with another body is 409.
#[utoipa::path(post, path = "/partners/{partner}/applications", tag = "applications",
    request_body = CreateApplication,
    params(("partner" = String, Path, description = "The partner's id"),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, description = "1 to 200 visible characters; a retry with the same key and body returns the first result")),
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses(
        (status = 201, description = "Created (or replayed); its client IDs", body = Application,
            headers(("ETag" = String, description = "The app's version, for If-Match"),
                ("Idempotent-Replayed" = Option<String>, description = "`true` when this is the first result of the same key"))),
        (status = 202, description = "A request with this Idempotency-Key is still being processed; retry"),
        (status = 400, description = "The Idempotency-Key is not valid"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "The role may not create apps, X-Requested-With is missing, or a read-only API token"),
        (status = 404, description = "No such partner, or the caller is not a member"),
        (status = 409, description = "The Idempotency-Key was used with another body, or is still being processed"),
        (status = 422, description = "Some values are not valid (rule IDs in errors)"),
        (status = 503, description = "The server is busy; retry after Retry-After seconds")))]
pub async fn create_app(
    State(s): State<AppState>,
    caller: Caller,
    Path(pid): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<CreateApplication>,
) -> ApiResult<Response> {
    configurer(&s.db, &caller, &pid).await?;
    let key = idempotency::key_of(&headers, &pid, &req)?;
    if let Some(k) = &key {
        match idempotency::earlier(&s.db, k).await? {
            Earlier::None => {}
            Earlier::InProgress => return Ok(StatusCode::ACCEPTED.into_response()),
            Earlier::Created(app_id) => return replayed(&s, &app_id).await,
        }
    }
    let to_check = req.clone();
    let validated = limits::cpu(move || validate_registration(&to_check)).await?;
    let Some(canon) = validated.canonical.clone() else {
        return Err(ApiError::Validation(validated.findings));
    };
    if !apps::contact_is_member(&s.db, &pid, &canon.technical_contact).await? {
        return Err(contact_member_error());
    }
    let app_id = db::new_id();
    let now = db::now();
    let mut tx = s.db.begin().await?;
    if let Some(k) = &key {
        if !idempotency::claim(&mut tx, k, &now).await? {
            drop(tx);
            let app_id = idempotency::wait(&s.db, k).await?;
            return replayed(&s, &app_id).await;
        }
    }
    if let Err(e) = apps::insert(&mut tx, &app_id, &pid, &canon, &now).await? {
        if db::is_unique_violation(&e) {
            return Err(ApiError::Validation(vec![field_error(
                FieldPath::Name,
                &name_taken_finding(&canon.name),
            )]));
        }
        return Err(e.into());
    }
    if let Some(k) = &key {
        idempotency::complete(&mut tx, k, &app_id).await?;
    }
    version_flow::on_create(&mut tx, &app_id, &canon, &caller, &now).await?;
    let after = serde_json::to_value(&canon).map_err(ApiError::internal)?;
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "create",
        "application",
        &app_id,
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(application = %app_id, "application created");
    let (app, version) = apps::load(&s.db, &app_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(with_etag(app, version, StatusCode::CREATED))
}

/// An app, with its `ETag`.
#[utoipa::path(get, path = "/applications/{app}", tag = "applications",
    params(("app" = String, Path, description = "The app's id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The app", body = Application,
            headers(("ETag" = String, description = "The app's version, for If-Match"))),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such app, or another partner's")))]
pub async fn get_app(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (app, version) = app_for(&s, &caller, &id, false).await?;
    Ok(with_etag(app, version, StatusCode::OK))
}

/// Change redirect, post-logout and CORS URLs, endpoints, the technical contact, the capabilities (the
/// full set after the change, APP-CAPABILITY) or "Send error e-mails" (EP-ERROR-EMAIL); absent fields
/// stay. When the change adds Database mirroring or Webhook agent, the response says so in
/// `Consent-Required`: tenant administrators must consent to the app again. The change is saved in the
/// current version while it is editable; when that version is published to Stage or Production, in a
/// new draft version ("Draft n"), so a published snapshot never changes. `environment_urls` (R4) sets
/// Stage's and Production's own redirect and CORS URLs in the version (they are not on the app).
#[utoipa::path(patch, path = "/applications/{app}", tag = "applications",
    request_body = ApplicationPatch,
    params(("app" = String, Path, description = "The app's id"),
        ("If-Match" = String, Header, description = "The ETag the app was loaded with")),
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The changed app", body = Application,
            headers(("ETag" = String, description = "The app's new version"),
                ("Consent-Required" = String, description = "Only when the change added capabilities that tenant administrators must consent to again: their IDs, comma-separated (database_mirroring, webhook_agent)"))),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "The role may not change apps, X-Requested-With is missing, or a read-only API token"),
        (status = 404, description = "No such app, or another partner's"),
        (status = 409, description = "The current version's publish request is pending (the configuration is locked; add a new version to keep working), or the app is deactivated (read-only)"),
        (status = 412, description = "The app changed since the ETag in If-Match"),
        (status = 422, description = "Some values are not valid (rule IDs in errors)"),
        (status = 428, description = "If-Match is missing"),
        (status = 503, description = "The server is busy; retry after Retry-After seconds")))]
pub async fn patch_app(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(patch): ApiJson<ApplicationPatch>,
) -> ApiResult<Response> {
    let (app, version) = app_for(&s, &caller, &id, true).await?;
    let Some(if_match) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) else {
        return Err(ApiError::PreconditionRequired);
    };
    if if_match.trim().as_bytes() != etag(version).as_bytes() {
        return Err(ApiError::PreconditionFailed);
    }
    // Locked while the current version is pending; a published one is edited in a new draft.
    version_flow::check_not_pending(&s, &app).await?;
    let template = app.template;
    let to_check = patch.clone();
    let (findings, canon) = limits::cpu(move || validate_patch(&to_check, template)).await?;
    if findings.iter().any(|f| f.severity == Severity::Error) {
        return Err(ApiError::Validation(findings));
    }
    if let Some(tc) = &canon.technical_contact {
        if !apps::contact_is_member(&s.db, &app.partner_id, tc).await? {
            return Err(contact_member_error());
        }
    }
    let mut next = app.clone();
    if let Some(v) = canon.redirect_urls {
        next.redirect_urls = v;
    }
    if let Some(v) = canon.post_logout_urls {
        next.post_logout_urls = v;
    }
    if let Some(v) = canon.cors_urls {
        next.cors_urls = v;
    }
    if let Some(v) = canon.endpoints {
        next.endpoints = v;
    }
    if let Some(v) = canon.technical_contact {
        next.technical_contact = v;
    }
    if let Some(v) = canon.capabilities {
        next.capabilities = v;
    }
    if let Some(v) = canon.error_emails {
        next.error_emails = v;
    }
    let consent = consent_required(&app.capabilities, &next.capabilities);
    let now = db::now();
    let mut tx = s.db.begin().await?;
    if !apps::update(&mut tx, &next, version, &now).await? {
        return Err(ApiError::PreconditionFailed);
    }
    let env_urls = canon.environment_urls;
    version_flow::on_edit(&mut tx, &app, &next, env_urls, &caller, &now).await?;
    let before = serde_json::to_value(&app).map_err(ApiError::internal)?;
    let after = serde_json::to_value(&next).map_err(ApiError::internal)?;
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "update",
        "application",
        &id,
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    let (app, version) = apps::load(&s.db, &id).await?.ok_or(ApiError::NotFound)?;
    let mut res = with_etag(app, version, StatusCode::OK);
    if !consent.is_empty() {
        let ids: Vec<String> = consent
            .iter()
            .filter_map(|c| serde_json::to_value(c).ok())
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let value = HeaderValue::from_str(&ids.join(", ")).map_err(ApiError::internal)?;
        res.headers_mut().insert("consent-required", value);
    }
    Ok(res)
}
