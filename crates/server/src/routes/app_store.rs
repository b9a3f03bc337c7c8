//! `/applications/{app}/app-store`: the App Store information of a standard app (custom apps have none:
//! 404), in versions of its own with a request to publish of its own (kind `app-store`, Production only).
//!
//! - GET answers the current version with its findings and an `ETag`; PUT saves with `If-Match`. A save
//!   edits the current version while it is a draft or rejected, and adds a new draft while it is pending
//!   or published, so approval publishes exactly the requested version.
//! - Red findings (`gate: save`) refuse a save with 422; orange ones (`gate: publish`) only come back in
//!   `findings` and refuse the request to publish (409).
//! - Images are uploaded apart ([`super::app_store_images`]); the information refers to them by id.
//! - The request to publish and the decisions on it: [`super::app_store_publish`].

use super::applications::app_for;
use super::{app_store_images, app_store_publish};
use crate::auth::Caller;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::store::app_store::{self as store, Stored, Version};
use crate::store::app_store_images::image_ref;
use crate::AppState;
use appreg_core::api::{Application, EnvState, FieldError};
use appreg_core::{
    app_store_name_taken_finding, blocks_save, check_app_store, field_error, AppStoreField,
    AppStoreFinding, AppStoreInfo, AppStoreList, AppStoreState, AppType, FieldPath, Finding, Gate,
    Rule, VersionState,
};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sqlx::AnyConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_app_store, put_app_store))
        .merge(app_store_publish::router())
        .merge(app_store_images::router())
}

/// 404 for a custom app's App Store information.
pub fn only_standard() -> ApiError {
    ApiError::Json(
        StatusCode::NOT_FOUND,
        "App Store information exists only for standard apps; this app is a custom app.".into(),
    )
}

/// The app, when it is a standard app the caller may read (or, with `configure`, change).
pub async fn standard_app(
    s: &AppState,
    caller: &Caller,
    app_id: &str,
    configure: bool,
) -> ApiResult<Application> {
    let (app, _) = app_for(s, caller, app_id, configure).await?;
    if app.app_type != AppType::Standard {
        return Err(only_standard());
    }
    Ok(app)
}

fn etag(revision: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"as{revision}\"")).expect("ascii")
}

/// The core's findings plus APPSTORE-NAME-TAKEN when another app lists under the name.
async fn findings_of(
    conn: &mut AnyConnection,
    app_id: &str,
    info: &AppStoreInfo,
) -> ApiResult<Vec<AppStoreFinding>> {
    let mut findings = check_app_store(info);
    if !info.listing_name.trim().is_empty() {
        if let Some((holder, other)) = store::name_holder(conn, &info.listing_name).await? {
            if holder != app_id {
                findings.insert(0, app_store_name_taken_finding(&other));
            }
        }
    }
    Ok(findings)
}

/// The app's App Store information as the API answers it, and its revision.
pub async fn state_of(s: &AppState, app: &Application) -> ApiResult<(AppStoreState, i64)> {
    let mut conn = s.db.acquire().await?;
    let stored = store::load(&mut conn, &app.id).await?;
    let current = stored.current();
    let info = current.map(|v| v.info.clone()).unwrap_or_default();
    let findings = findings_of(&mut conn, &app.id, &info).await?;
    let state = current.and_then(|v| v.state);
    let published_version = stored.published().map(|v| v.number);
    let state = AppStoreState {
        version: current.map_or(0, |v| v.number),
        can_save: !blocks_save(&findings),
        can_publish: current.is_some()
            && findings.is_empty()
            && matches!(state, Some(VersionState::Draft | VersionState::Rejected)),
        listed: published_version.is_some() && app.environments.production == EnvState::Published,
        updated_at: current.map(|v| v.updated_at.clone()),
        info,
        state,
        published_version,
        findings,
    };
    Ok((state, stored.revision))
}

fn with_etag(state: AppStoreState, revision: i64) -> Response {
    let mut res = Json(state).into_response();
    res.headers_mut().insert(header::ETAG, etag(revision));
    res
}

/// An app's App Store information: the current version (an empty one before the first save), its
/// findings, whether it can be saved and requested for publishing, and the published version.
#[utoipa::path(get, path = "/applications/{app}/app-store", tag = "app-store",
    params(("app" = String, Path, description = "The app's id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The App Store information", body = AppStoreState,
            headers(("ETag" = String, description = "The App Store information's revision, for If-Match"))),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such app, another partner's, or a custom app (App Store information exists only for standard apps)")))]
pub async fn get_app_store(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let app = standard_app(&s, &caller, &id, false).await?;
    let (state, revision) = state_of(&s, &app).await?;
    Ok(with_etag(state, revision))
}

/// The information with its images as this app uploaded them (the client's sizes and types are not
/// trusted); an error for each id that is not an image of this app.
async fn resolve_images(
    s: &AppState,
    app_id: &str,
    info: &mut AppStoreInfo,
) -> ApiResult<Vec<FieldError>> {
    let mut errors = Vec::new();
    let unknown = |field, rule, what: &str| {
        field_error(
            field,
            &Finding::error(
                rule,
                format!("The {what} is not an image uploaded for this app; upload it again."),
            ),
        )
    };
    if let Some(logo) = info.logo.as_mut() {
        match image_ref(&s.db, app_id, &logo.id).await? {
            Some(stored) => *logo = stored,
            None => errors.push(unknown(
                FieldPath::AppStore(AppStoreField::Logo),
                Rule::AppStoreLogo,
                "logo",
            )),
        }
    }
    // More screenshots than allowed is a red finding of its own; their ids are not looked up.
    if info.screenshots.len() <= appreg_core::app_store::MAX_SCREENSHOTS {
        for (i, shot) in info.screenshots.iter_mut().enumerate() {
            match image_ref(&s.db, app_id, &shot.id).await? {
                Some(stored) => *shot = stored,
                None => errors.push(unknown(
                    FieldPath::AppStoreEntry(AppStoreList::Screenshots, i),
                    Rule::AppStoreScreenshots,
                    "screenshot",
                )),
            }
        }
    }
    Ok(errors)
}

fn save_errors(findings: &[AppStoreFinding]) -> Vec<FieldError> {
    findings
        .iter()
        .map(|f| f.to_field_error(Gate::Save))
        .collect()
}

/// Save the App Store information (the whole of it). Red findings refuse it (422); orange ones come
/// back in `findings`. The listing name must be unique in the App Store (APPSTORE-NAME-TAKEN, compared
/// as app names are). `logo` and `screenshots` name images uploaded for this app.
#[utoipa::path(put, path = "/applications/{app}/app-store", tag = "app-store",
    request_body = AppStoreInfo,
    params(("app" = String, Path, description = "The app's id"),
        ("If-Match" = String, Header, description = "The ETag the App Store information was loaded with")),
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The saved App Store information", body = AppStoreState,
            headers(("ETag" = String, description = "The new revision"))),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "The role may not change apps (Marketing), X-Requested-With is missing, or a read-only API token"),
        (status = 404, description = "No such app, another partner's, or a custom app"),
        (status = 409, description = "The app is deactivated (read-only)"),
        (status = 412, description = "The App Store information changed since the ETag in If-Match"),
        (status = 422, description = "A value blocks saving (APPSTORE-* rule IDs in errors; orange findings as warnings)"),
        (status = 428, description = "If-Match is missing")))]
pub async fn put_app_store(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(info): ApiJson<AppStoreInfo>,
) -> ApiResult<Response> {
    let (app, _) = app_for(&s, &caller, &id, true).await?;
    let Some(if_match) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) else {
        return Err(ApiError::PreconditionRequired);
    };
    if app.app_type != AppType::Standard {
        return Err(only_standard());
    }
    let stored = store::load(&mut *s.db.acquire().await?, &id).await?;
    if if_match.trim().as_bytes() != etag(stored.revision).as_bytes() {
        return Err(ApiError::PreconditionFailed);
    }
    let mut canon = info.canonical();
    let mut errors = resolve_images(&s, &id, &mut canon).await?;
    let findings = check_app_store(&canon);
    if !errors.is_empty() || blocks_save(&findings) {
        errors.extend(save_errors(&findings));
        return Err(ApiError::Validation(errors));
    }
    if stored.current().is_some_and(|v| v.info == canon) {
        // Nothing changed: no new version, no audit row.
        let (state, revision) = state_of(&s, &app).await?;
        return Ok(with_etag(state, revision));
    }
    let now = db::now();
    let mut tx = s.db.begin().await?;
    if !store::bump_if(&mut tx, &id, stored.revision, &now).await? {
        return Err(ApiError::PreconditionFailed);
    }
    if let Err(other) = store::claim_name(&mut tx, &id, &canon.listing_name).await? {
        let mut errors = vec![app_store_name_taken_finding(&other).to_field_error(Gate::Save)];
        errors.extend(save_errors(&findings));
        return Err(ApiError::Validation(errors));
    }
    let stored = store::load(&mut tx, &id).await?;
    let before = stored.current().cloned();
    let number = save(&mut tx, &id, &stored, &canon, &caller, &now).await?;
    store::release_names(&mut tx, &id).await?;
    let after = serde_json::json!({"version": number, "info": canon});
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "update",
        "app_store",
        &id,
        before
            .map(|v| serde_json::json!({"version": v.number, "info": v.info}))
            .as_ref(),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    let (state, revision) = state_of(&s, &app).await?;
    Ok(with_etag(state, revision))
}

/// Writes `info` into the current version while it is editable (a draft or rejected), else into a
/// new draft; returns the version's number.
async fn save(
    conn: &mut AnyConnection,
    app_id: &str,
    stored: &Stored,
    info: &AppStoreInfo,
    caller: &Caller,
    now: &str,
) -> ApiResult<u32> {
    match stored.current() {
        Some(v) if matches!(v.state, Some(VersionState::Draft | VersionState::Rejected)) => {
            store::update(conn, app_id, v.number, info, now).await?;
            Ok(v.number)
        }
        current => {
            let v = Version {
                number: current.map_or(1, |v| v.number + 1),
                info: info.clone(),
                state: Some(VersionState::Draft),
                created_at: now.to_string(),
                created_by: caller.email.clone(),
                updated_at: now.to_string(),
            };
            store::insert(conn, app_id, &v).await?;
            Ok(v.number)
        }
    }
}
