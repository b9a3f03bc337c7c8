//! `/applications/{app}/certificates`: RSA keys, generated (the private key returned once) or uploaded
//! (public key only); one per environment.

use super::applications::app_for;
use crate::auth::Caller;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::store::keys as store;
use crate::{keys, limits, AppState};
use appreg_core::api::{Certificate, FieldError, NewCertificateRequest};
use appreg_core::{check_certificate_request, FieldPath, Rule, Severity};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_certificates, create_certificate))
        .routes(routes!(delete_certificate))
}

/// The app's certificates (public keys).
#[utoipa::path(get, path = "/applications/{app}/certificates", tag = "certificates",
    params(("app" = String, Path, description = "The app's id")),
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "The certificates", body = Vec<Certificate>),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such app, or another partner's")))]
pub async fn list_certificates(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Certificate>>> {
    app_for(&s, &caller, &id, false).await?;
    Ok(Json(store::certificates(&s.db, &id).await?))
}

fn invalid(field: FieldPath, rule: Rule, message: &str) -> ApiError {
    ApiError::Validation(vec![FieldError {
        field,
        rule,
        severity: Severity::Error,
        message: message.into(),
    }])
}

/// Generate an RSA key pair (the private key, as PEM and RSA XML, in this response only) or upload a
/// public key; with an optional description (at most 200 characters) and validity (`expires_in_days`,
/// 1 to 730, default 365).
#[utoipa::path(post, path = "/applications/{app}/certificates", tag = "certificates",
    request_body = NewCertificateRequest,
    params(("app" = String, Path, description = "The app's id")),
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses((status = 201, description = "The certificate", body = Certificate),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "The role may not change apps, X-Requested-With is missing, or a read-only API token"),
        (status = 404, description = "No such app, or another partner's"),
        (status = 409, description = "The app has a certificate in this environment already, or the app is deactivated"),
        (status = 422, description = "The uploaded key is not an RSA public key of at least 2048 bits (CERT-KEY), the description is too long (CERT-DESCRIPTION) or the validity is not 1 to 730 days (CERT-EXPIRY)"),
        (status = 429, description = "Too many key generations; retry after Retry-After seconds"),
        (status = 503, description = "The server is busy; retry after Retry-After seconds")))]
pub async fn create_certificate(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewCertificateRequest>,
) -> ApiResult<(StatusCode, Json<Certificate>)> {
    app_for(&s, &caller, &id, true).await?;
    let errors = check_certificate_request(&req);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let description = req.description.trim().to_string();
    let one_per_env = || {
        ApiError::Conflict(format!(
            "This app already has a certificate in {}; remove it before adding another.",
            req.environment.title()
        ))
    };
    if store::has_certificate(&s.db, &id, req.environment).await? {
        return Err(one_per_env());
    }
    let (public_pem, private) = match &req.public_key_pem {
        Some(pem) => (
            keys::normalise_public_pem(pem)
                .map_err(|m| invalid(FieldPath::PublicKeyPem, Rule::CertKey, &m))?,
            None,
        ),
        None => {
            limits::hit(&s.db, limits::KEYGEN, &limits::subject(&caller.user_id)).await?;
            let kp = limits::cpu(keys::generate).await??;
            (kp.public_pem, Some((kp.private_pem, kp.private_xml)))
        }
    };
    let cert_id = db::new_id();
    let now = db::now();
    let expires_at = db::in_days(i64::from(req.expires_in_days));
    let row = store::NewCertificateRow {
        id: &cert_id,
        app_id: &id,
        environment: req.environment,
        public_pem: &public_pem,
        description: &description,
        created_at: &now,
        expires_at: &expires_at,
    };
    let mut tx = s.db.begin().await?;
    match store::insert_certificate(&mut tx, &row).await {
        Err(e) if db::is_unique_violation(&e) => return Err(one_per_env()),
        Err(e) => return Err(e.into()),
        Ok(()) => {}
    }
    let after = serde_json::json!({"environment": req.environment, "uploaded": private.is_none(),
        "description": description, "expires_at": expires_at});
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "create",
        "certificate",
        &cert_id,
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    let (private_key_pem, private_key_xml) = match private {
        Some((p, x)) => (Some(p), Some(x)),
        None => (None, None),
    };
    Ok((
        StatusCode::CREATED,
        Json(Certificate {
            id: cert_id,
            environment: req.environment,
            public_key_pem: public_pem,
            created_at: now,
            description,
            expires_at,
            private_key_pem,
            private_key_xml,
        }),
    ))
}

/// Remove a certificate.
#[utoipa::path(delete, path = "/applications/{app}/certificates/{cert}", tag = "certificates",
    params(("app" = String, Path, description = "The app's id"),
        ("cert" = String, Path, description = "The certificate's id")),
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses((status = 204, description = "Removed"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "The role may not change apps, X-Requested-With is missing, or a read-only API token"),
        (status = 404, description = "No such app or certificate")))]
pub async fn delete_certificate(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, cert_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app_for(&s, &caller, &id, true).await?;
    let mut tx = s.db.begin().await?;
    if !store::delete_certificate(&mut tx, &id, &cert_id).await? {
        return Err(ApiError::NotFound);
    }
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "delete",
        "certificate",
        &cert_id,
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
