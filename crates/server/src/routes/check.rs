//! `POST /check`: validation without saving, for clients that have no wasm.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::{limits, AppState};
use appreg_core::api::{CheckRequest, CheckResponse};
use appreg_core::{validate_registration, Template};
use axum::extract::State;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(check))
}

/// At most this many values per `/check`.
pub const CHECK_MAX_VALUES: usize = 500;
/// At most this many bytes of patterns (entries starting with `^`) per `/check`: each is compiled once.
pub const CHECK_MAX_PATTERN_BYTES: usize = 32 * 1024;

fn pattern_bytes<'a>(values: impl Iterator<Item = &'a String>) -> usize {
    values
        .filter(|v| v.trim_start().starts_with('^'))
        .map(String::len)
        .sum()
}

/// Validate values of one kind, or a whole registration, without saving (the same engine as the
/// browser and the CLI). Signed-in callers only, rate-limited per caller, capped in size, and run off
/// the async runtime behind the CPU semaphore. A read-only API token may call it.
#[utoipa::path(post, path = "/check", tag = "check", request_body = CheckRequest,
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses((status = 200, description = "The verdicts", body = CheckResponse),
        (status = 400, description = "Too many values or pattern bytes, or neither registration nor kind"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "X-Requested-With is missing"),
        (status = 429, description = "Too many checks; retry after Retry-After seconds"),
        (status = 503, description = "The server is busy; retry after Retry-After seconds")))]
pub async fn check(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CheckRequest>,
) -> ApiResult<Json<CheckResponse>> {
    limits::hit(&s.db, limits::CHECK, &limits::subject(&caller.user_id)).await?;
    let (count, patterns) = match &req.registration {
        Some(reg) => (
            reg.redirect_urls.len(),
            pattern_bytes(reg.redirect_urls.iter()),
        ),
        None => (req.values.len(), pattern_bytes(req.values.iter())),
    };
    if count > CHECK_MAX_VALUES {
        return Err(ApiError::BadRequest(format!(
            "Check at most {CHECK_MAX_VALUES} values at once; split the list."
        )));
    }
    if patterns > CHECK_MAX_PATTERN_BYTES {
        return Err(ApiError::BadRequest(format!(
            "The patterns (entries starting with ^) come to {patterns} bytes; check at most \
             {CHECK_MAX_PATTERN_BYTES} bytes of patterns at once."
        )));
    }
    if let Some(reg) = req.registration {
        let v = limits::cpu(move || validate_registration(&reg)).await?;
        return Ok(Json(CheckResponse {
            valid: v.is_valid(),
            checks: vec![],
            errors: v.findings,
        }));
    }
    let Some(kind) = req.kind else {
        return Err(ApiError::BadRequest(
            "Send either registration, or kind with values.".into(),
        ));
    };
    let template = req.template.unwrap_or(Template::Web);
    let values = req.values;
    let checks = limits::cpu(move || appreg_core::check_values(kind, template, &values)).await?;
    Ok(Json(CheckResponse {
        valid: !checks.iter().any(|c| c.is_error()),
        checks,
        errors: vec![],
    }))
}
