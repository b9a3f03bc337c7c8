//! The appreg portal server: REST API, the built SPA, and the `appreg` command line.

pub mod admin;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod headers;
pub mod idempotency;
pub mod json;
pub mod keys;
pub mod limits;
pub mod mail;
pub mod openapi;
pub mod routes;
pub mod serve;
pub mod sessions;
pub mod store;
pub mod throttle;

pub use config::{AppState, Config};
pub use routes::api_router;
pub use serve::{parse_duration, serve_main, ServeOptions};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Request bodies above this are refused with 413.
pub const BODY_LIMIT: usize = 256 * 1024;

async fn readyz(State(s): State<AppState>) -> Response {
    match sqlx::query("SELECT 1 AS one").fetch_one(&s.db).await {
        Ok(_) => "ready".into_response(),
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Hashed build outputs are cached for a year; everything else (index.html) is revalidated.
async fn cache_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    let hashed = path.rsplit('/').next().is_some_and(|f| {
        f.rsplit_once('.')
            .is_some_and(|(stem, _)| stem.rsplit_once('-').is_some_and(|(_, h)| h.len() >= 16))
    });
    let value = if hashed && res.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

/// The whole application: API, health checks, and the SPA (with `index.html` for client-side routes).
pub fn app(state: AppState) -> Router {
    let dir = state.cfg.static_dir.clone();
    let security = Arc::new(headers::SecurityHeaders::new(&state.cfg));
    // `make web` writes .br (quality 11) and .gz next to the hashed files; without them, responses are
    // compressed on the fly by the CompressionLayer below.
    let spa = ServeDir::new(&dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(ServeFile::new(dir.join("index.html")));
    let static_files = Router::new()
        .fallback_service(spa)
        .layer(middleware::from_fn(cache_headers));
    Router::new()
        .nest(openapi::BASE, api_router())
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .merge(static_files)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(middleware::from_fn_with_state(security, headers::security_headers))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
