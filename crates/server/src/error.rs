//! One error type, turned into one response shape: RFC 9457 `application/problem+json`.

use appreg_core::api::{FieldError, Problem};
use axum::extract::rejection::JsonRejection;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(Debug)]
pub enum ApiError {
    /// 400 with a detail.
    BadRequest(String),
    /// 401: no or an expired session/token.
    Unauthenticated,
    /// 403 with a detail (CSRF header missing, role too low).
    Forbidden(String),
    /// 404: also for another partner's resources.
    NotFound,
    /// 409 with a detail.
    Conflict(String),
    /// 409 with a detail and the findings that block the action (App Store information that is not
    /// ready to publish).
    Blocked(String, Vec<FieldError>),
    /// 412: the `If-Match` ETag is stale.
    PreconditionFailed,
    /// 428: `If-Match` is required.
    PreconditionRequired,
    /// 422 with field findings carrying rule IDs.
    Validation(Vec<FieldError>),
    /// 429 with seconds to wait.
    TooManyRequests(u64),
    /// 429 from a per-caller rate limit, with seconds to wait.
    RateLimited(u64),
    /// 503: the CPU-heavy work queue is full; retry after the seconds given.
    Busy(u64),
    /// A rejected JSON body (400/413/415/422).
    Json(StatusCode, String),
    /// 500: the detail goes to the log, never to the client.
    Internal(String),
}

impl ApiError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::Internal(format!("database: {e}"))
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let status = r.status();
        let detail = match &r {
            JsonRejection::MissingJsonContentType(_) => {
                "Send the body as JSON with the header Content-Type: application/json.".to_string()
            }
            JsonRejection::BytesRejection(_) if status == StatusCode::PAYLOAD_TOO_LARGE => {
                "The request body is larger than 256 KiB.".to_string()
            }
            _ => r.body_text(),
        };
        ApiError::Json(status, detail)
    }
}

fn problem(status: StatusCode, detail: String, errors: Vec<FieldError>) -> Problem {
    let title = status.canonical_reason().unwrap_or("Error").to_string();
    let slug = title.to_ascii_lowercase().replace(' ', "-");
    Problem {
        type_: format!("https://appreg.dev/problems/{slug}"),
        title,
        status: status.as_u16(),
        detail,
        errors,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut retry_after = None;
        let (status, detail, errors) = match self {
            ApiError::BadRequest(d) => (StatusCode::BAD_REQUEST, d, vec![]),
            ApiError::Unauthenticated => {
                (StatusCode::UNAUTHORIZED, "Sign in first, or send a valid API token.".into(), vec![])
            }
            ApiError::Forbidden(d) => (StatusCode::FORBIDDEN, d, vec![]),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "Not found.".into(), vec![]),
            ApiError::Conflict(d) => (StatusCode::CONFLICT, d, vec![]),
            ApiError::Blocked(d, errors) => (StatusCode::CONFLICT, d, errors),
            ApiError::PreconditionFailed => (
                StatusCode::PRECONDITION_FAILED,
                "The application was changed by someone else since you loaded it. Reload it, then apply your \
                 change again."
                    .into(),
                vec![],
            ),
            ApiError::PreconditionRequired => (
                StatusCode::PRECONDITION_REQUIRED,
                "Send the If-Match header with the ETag you loaded the application with.".into(),
                vec![],
            ),
            ApiError::Validation(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Some values are not valid; see errors.".into(),
                errors,
            ),
            ApiError::TooManyRequests(secs) => {
                retry_after = Some(secs);
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    format!("Too many failed sign-ins. Try again in {secs} seconds."),
                    vec![],
                )
            }
            ApiError::RateLimited(secs) => {
                retry_after = Some(secs);
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    format!("Too many requests of this kind. Try again in {secs} seconds."),
                    vec![],
                )
            }
            ApiError::Busy(secs) => {
                retry_after = Some(secs);
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("The server is busy checking other requests. Try again in {secs} seconds."),
                    vec![],
                )
            }
            ApiError::Json(status, d) => (status, d, vec![]),
            ApiError::Internal(d) => {
                tracing::error!(error = %d, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side.".into(), vec![])
            }
        };
        let body = serde_json::to_vec(&problem(status, detail, errors)).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Middleware for the API: an error response that is not problem+json yet (axum's own rejections of a
/// query string or a path, for instance, are plain text) is rewritten as one, its text as the detail.
pub async fn problems_only(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return res;
    }
    let retry_after = res.headers().get(header::RETRY_AFTER).cloned();
    // Error texts are short; anything unreadable becomes a generic detail.
    let bytes = axum::body::to_bytes(res.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).trim().to_string();
    let detail = if text.is_empty() || status.is_server_error() {
        status.canonical_reason().unwrap_or("Error").to_string()
    } else {
        text
    };
    let mut out = ApiError::Json(status, detail).into_response();
    if let Some(v) = retry_after {
        out.headers_mut().insert(header::RETRY_AFTER, v);
    }
    out
}
