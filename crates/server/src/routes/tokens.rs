//! `/tokens`: the signed-in user's API tokens (for the CLI and CI).

use crate::auth::Caller;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::store::credentials::{self, NewToken};
use crate::AppState;
use appreg_core::api::{ApiToken, NewApiToken};
use appreg_core::check_token_request;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_token, list_tokens))
        .routes(routes!(revoke_token))
}

/// Create an API token; the token is in this response only. Needs a signed-in session.
#[utoipa::path(post, path = "/tokens", tag = "tokens", request_body = NewApiToken,
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 201, description = "The new token, shown once", body = ApiToken),
        (status = 400, description = "A name of 1 to 100 characters and 1 to 365 days are needed"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "An API token cannot create tokens, or X-Requested-With is missing")))]
pub async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewApiToken>,
) -> ApiResult<(StatusCode, Json<ApiToken>)> {
    caller.require_session()?;
    // TOKEN-NAME, TOKEN-EXPIRY: answered with 400, as the API always has for tokens.
    if let Some(e) = check_token_request(&body).into_iter().next() {
        return Err(ApiError::BadRequest(e.message));
    }
    let name = body.name.trim();
    let token = format!("appreg_{}", db::random_hex(32));
    let id = db::new_id();
    let created_at = db::now();
    let expires_at = db::in_days(i64::from(body.expires_in_days));
    let mut tx = state.db.begin().await?;
    let row = NewToken {
        id: &id,
        user_id: &caller.user_id,
        name,
        token_hash: &db::sha256_hex(&token),
        created_at: &created_at,
        expires_at: &expires_at,
        scope: body.scope,
    };
    credentials::insert_token(&mut tx, &row).await?;
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "create",
        "api_token",
        &id,
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiToken {
            id,
            name: name.to_string(),
            created_at,
            expires_at,
            scope: body.scope,
            token: Some(token),
        }),
    ))
}

/// The caller's unrevoked API tokens (never the token itself).
#[utoipa::path(get, path = "/tokens", tag = "tokens",
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "The tokens, oldest first", body = Vec<ApiToken>),
        (status = 401, description = "Not signed in")))]
pub async fn list_tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<ApiToken>>> {
    Ok(Json(credentials::tokens(&state.db, &caller.user_id).await?))
}

/// Revoke one of the caller's API tokens.
#[utoipa::path(delete, path = "/tokens/{id}", tag = "tokens",
    params(("id" = String, Path, description = "The token's id")),
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses((status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Missing X-Requested-With: appreg, or a read-only API token"),
        (status = 404, description = "No such live token of the caller")))]
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.begin().await?;
    if !credentials::revoke_token(&mut tx, &caller.user_id, &id).await? {
        return Err(ApiError::NotFound);
    }
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "revoke",
        "api_token",
        &id,
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
