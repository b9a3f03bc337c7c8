//! `GET /templates`: the six templates with their default configuration and license notes.

use crate::AppState;
use appreg_core::api::TemplateInfo;
use appreg_core::Template;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(templates))
}

/// The six templates with their default configuration and license notes (no sign-in needed).
#[utoipa::path(get, path = "/templates", tag = "templates",
    responses((status = 200, description = "The templates, in wizard order", body = Vec<TemplateInfo>)))]
pub async fn templates() -> Json<Vec<TemplateInfo>> {
    Json(Template::ALL.into_iter().map(TemplateInfo::of).collect())
}
