//! The appreg portal server: REST API, the built SPA, and the `appreg` command line.

pub mod admin;
pub mod auth;
pub mod build;
pub mod cli;
pub mod config;
pub mod cors;
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
pub mod page;
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
use tower_http::services::ServeDir;
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

/// Hashed build outputs are cached for a year; everything else (index.html) is revalidated, unless the
/// answer has its own rule (a signed-in page is `no-store`, see [`page`]). The files may be served from
/// their precompressed `.br`/`.gz`, so every answer varies by `Accept-Encoding`.
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
    if !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    cors::add_vary(res.headers_mut(), "accept-encoding");
    res
}

/// The whole application: API, health checks, the generated scripts (`/sw.js`, `/embed.js`), and the SPA
/// (with `index.html` for client-side routes).
pub fn app(state: AppState) -> Router {
    let dir = state.cfg.static_dir.clone();
    let security = Arc::new(headers::SecurityHeaders::new(&state.cfg));
    let cors = Arc::new(cors::Cors::new(&state.cfg));
    // Built once from the served index.html; outside `cache_headers`, each with its own caching: the
    // service worker is re-checked on every update check, the loader points at the current build.
    let scripts = Arc::new(build::Scripts::new(&dir));
    let generated = Router::new()
        .route(
            "/sw.js",
            get({
                let s = scripts.clone();
                move || async move {
                    match s.as_ref() {
                        Some(s) => build::script(s.sw.clone(), "no-cache"),
                        None => error::ApiError::NotFound.into_response(),
                    }
                }
            }),
        )
        .route(
            "/embed.js",
            get(move || async move {
                match scripts.as_ref() {
                    Some(s) => build::script(s.embed.clone(), "public, max-age=60"),
                    None => error::ApiError::NotFound.into_response(),
                }
            }),
        );
    // `make web` writes .br (quality 11) and .gz next to the hashed files and index.html (which carries
    // the first screen's script and style inline); without them, responses are compressed on the fly by
    // the CompressionLayer below. The page is served by `index` alone (`/` and `/index.html` too), whose
    // copies are checked against it once (build::page_service); signed in, it carries /api/v1/me (page).
    let index = page::service(page::Page::new(&dir), state.clone());
    let shell = index.clone();
    let shell_or_404 = tower::service_fn(move |req: Request| {
        let index = shell.clone();
        async move {
            // A missing file (its name has an extension) is a 404, never the app shell: a page of one
            // build must not get HTML where it asked for another build's script or stylesheet.
            let file_like = req
                .uri()
                .path()
                .rsplit('/')
                .next()
                .is_some_and(|name| name.contains('.'));
            if file_like {
                return Ok::<_, std::convert::Infallible>(StatusCode::NOT_FOUND.into_response());
            }
            let Ok(res) = tower::ServiceExt::oneshot(index, req).await;
            Ok(res.into_response())
        }
    });
    let spa = ServeDir::new(&dir)
        .append_index_html_on_directories(false)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(shell_or_404);
    let static_files = Router::new()
        .route_service("/index.html", index)
        .fallback_service(spa)
        .layer(middleware::from_fn(cache_headers));
    Router::new()
        .nest(openapi::BASE, api_router())
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .merge(generated)
        .merge(static_files)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(middleware::from_fn_with_state(cors, cors::cors))
        .layer(middleware::from_fn_with_state(security, headers::security_headers))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
