//! The REST API under `/api/v1`, by resource. Each module's `router()` registers its handlers from their
//! `#[utoipa::path]` attributes (`routes!`), so every endpoint is defined once: the route and its
//! OpenAPI operation come from the same attribute ([`crate::openapi`]).

pub mod app_store;
pub mod app_store_images;
pub mod app_store_publish;
pub mod applications;
pub mod certificates;
pub mod check;
pub mod console;
pub mod notifications;
pub mod partners;
pub mod publishing;
pub mod secrets;
pub mod session;
pub mod sessions;
pub mod templates;
pub mod ticket_attachments;
pub mod tickets;
pub mod tokens;
pub mod version_flow;
pub mod versions;

use crate::error::ApiError;
use crate::AppState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use utoipa_axum::router::OpenApiRouter;

/// Every endpoint of the API, with its operation (paths relative to `/api/v1`).
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(session::router())
        .merge(tokens::router())
        .merge(sessions::router())
        .merge(templates::router())
        .merge(check::router())
        .merge(partners::router())
        .merge(applications::router())
        .merge(console::router())
        .merge(secrets::router())
        .merge(certificates::router())
        .merge(publishing::router())
        .merge(app_store::router())
        .merge(versions::router())
        .merge(notifications::router())
        .merge(tickets::router())
        .merge(crate::openapi::router())
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound
}

async fn method_not_allowed() -> Response {
    ApiError::Json(
        StatusCode::METHOD_NOT_ALLOWED,
        "This method is not allowed here.".into(),
    )
    .into_response()
}

/// The API as an axum router, to nest under `/api/v1`: unknown paths are 404 and unknown methods 405,
/// both as problem+json.
pub fn api_router() -> Router<AppState> {
    let (router, _) = api().split_for_parts();
    router
        .fallback(api_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(crate::error::problems_only))
}
