//! `/applications/{app}/secrets`: client secrets (the secret is shown once; stored as a hash).

use super::applications::app_for;
use crate::auth::Caller;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::store::keys::{self, NewSecretRow};
use crate::AppState;
use appreg_core::api::{NewSecret, NewSecretRequest, SecretInfo};
use appreg_core::check_secret_request;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_secrets, create_secret))
        .routes(routes!(revoke_secret))
}

/// The app's live client secrets (never the secret).
#[utoipa::path(get, path = "/applications/{app}/secrets", tag = "secrets",
    params(("app" = String, Path, description = "The app's id")),
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "The live secrets", body = Vec<SecretInfo>),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such app, or another partner's")))]
pub async fn list_secrets(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<SecretInfo>>> {
    app_for(&s, &caller, &id, false).await?;
    Ok(Json(keys::live_secrets(&s.db, &id).await?))
}

/// A new client secret, shown once; at most two live per environment.
#[utoipa::path(post, path = "/applications/{app}/secrets", tag = "secrets",
    request_body = NewSecretRequest,
    params(("app" = String, Path, description = "The app's id")),
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses((status = 201, description = "The secret, in this response only", body = NewSecret),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "The role may not change apps, X-Requested-With is missing, or a read-only API token"),
        (status = 404, description = "No such app, or another partner's"),
        (status = 409, description = "Two live secrets in this environment already"),
        (status = 422, description = "Some values are not valid (rule IDs in errors)")))]
pub async fn create_secret(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewSecretRequest>,
) -> ApiResult<(StatusCode, Json<NewSecret>)> {
    use base64::Engine;
    use rand::RngCore;
    app_for(&s, &caller, &id, true).await?;
    let findings = check_secret_request(&req);
    if !findings.is_empty() {
        return Err(ApiError::Validation(findings));
    }
    let description = req.description.trim().to_string();
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let last4 = secret[secret.len() - 4..].to_string();
    let now = db::now();
    let expires_at = db::in_days(i64::from(req.expires_in_days));
    let secret_id = db::new_id();
    let row = NewSecretRow {
        id: &secret_id,
        app_id: &id,
        environment: req.environment,
        description: &description,
        secret_hash: &db::sha256_hex(&secret),
        last4: &last4,
        created_at: &now,
        expires_at: &expires_at,
    };
    let mut tx = s.db.begin().await?;
    if !keys::insert_secret(&mut tx, &row).await? {
        return Err(ApiError::Conflict(format!(
            "This app already has two live client secrets in {}. Revoke the one you no longer use, then create a new one.",
            req.environment.title()
        )));
    }
    let after = serde_json::json!({"environment": req.environment, "description": description, "last4": last4});
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "create",
        "client_secret",
        &secret_id,
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(NewSecret {
            id: secret_id,
            environment: req.environment,
            description,
            secret,
            last4,
            created_at: now,
            expires_at,
        }),
    ))
}

/// Revoke a client secret.
#[utoipa::path(delete, path = "/applications/{app}/secrets/{secret}", tag = "secrets",
    params(("app" = String, Path, description = "The app's id"),
        ("secret" = String, Path, description = "The secret's id")),
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses((status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "The role may not change apps, X-Requested-With is missing, or a read-only API token"),
        (status = 404, description = "No such app or live secret")))]
pub async fn revoke_secret(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, secret_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app_for(&s, &caller, &id, true).await?;
    let mut tx = s.db.begin().await?;
    if !keys::revoke_secret(&mut tx, &id, &secret_id).await? {
        return Err(ApiError::NotFound);
    }
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "revoke",
        "client_secret",
        &secret_id,
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
