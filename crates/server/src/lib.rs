//! The appreg portal server: REST API, the built SPA, and the `appreg` command line.

pub mod admin;
pub mod apps;
pub mod auth;
pub mod cli;
pub mod db;
pub mod demo;
pub mod error;
pub mod headers;
pub mod json;
pub mod keys;
pub mod limits;
pub mod openapi;
pub mod sessions;
pub mod throttle;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Request bodies above this are refused with 413.
pub const BODY_LIMIT: usize = 256 * 1024;

pub struct Config {
    /// Argon2id cost for passwords.
    pub argon2: argon2::Params,
    /// `--public-url`: where users reach the server. When it is https, the session cookie is `Secure`
    /// and named `__Host-…`, and HSTS is sent.
    pub public_url: Option<String>,
    /// `--frame-ancestors`: CSP source expressions of who may frame the pages (default `'none'`).
    pub frame_ancestors: Vec<String>,
    /// A session unused this long ends (`--session-idle`, default 30 minutes).
    pub session_idle: Duration,
    /// A session ends this long after sign-in, used or not (`--session-lifetime`, default 12 hours).
    pub session_lifetime: Duration,
    /// `--trusted-proxy`: peers whose `X-Forwarded-For` names the client (none by default).
    pub trusted_proxies: Vec<throttle::Cidr>,
    /// Sign-in throttling: the first wait once a limit is reached, doubling per failure up to the cap.
    pub sign_in_delay: Duration,
    pub sign_in_max_delay: Duration,
    /// At most this many Argon2 verifications at once (default: the number of CPUs).
    pub argon2_concurrency: usize,
    /// Where the built SPA lives.
    pub static_dir: PathBuf,
    /// Whether accounts marked `demo` may sign in and use their sessions and tokens. `appreg serve` sets it
    /// from `--demo`; [`Config::new`] allows them (tests and embedders seed the demo data).
    pub allow_demo_accounts: bool,
}

impl Config {
    /// Production cost: OWASP's Argon2id recommendation (19 MiB, 2 passes).
    pub fn new(static_dir: PathBuf) -> Self {
        Config {
            argon2: argon2::Params::default(),
            public_url: None,
            frame_ancestors: vec!["'none'".into()],
            session_idle: Duration::from_secs(30 * 60),
            session_lifetime: Duration::from_secs(12 * 3600),
            trusted_proxies: Vec::new(),
            sign_in_delay: Duration::from_secs(1),
            sign_in_max_delay: Duration::from_secs(60),
            argon2_concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            static_dir,
            allow_demo_accounts: true,
        }
    }

    /// Whether users reach the server over https (`--public-url https://…`).
    pub fn https(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| {
            u.get(..8)
                .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
        })
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: db::Db,
    pub cfg: Arc<Config>,
    /// A hash to verify against for unknown accounts, so they take as long as known ones.
    pub dummy_hash: String,
    /// Permits for Argon2 verifications (`Config::argon2_concurrency`).
    pub argon2_slots: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    pub fn new(db: db::Db, cfg: Config) -> Self {
        let dummy_hash = auth::hash_password(&cfg.argon2, "not a real password");
        let argon2_slots = Arc::new(tokio::sync::Semaphore::new(cfg.argon2_concurrency.max(1)));
        AppState {
            db,
            cfg: Arc::new(cfg),
            dummy_hash,
            argon2_slots,
        }
    }
}

async fn api_not_found() -> error::ApiError {
    error::ApiError::NotFound
}

async fn method_not_allowed() -> Response {
    error::ApiError::Json(
        StatusCode::METHOD_NOT_ALLOWED,
        "This method is not allowed here.".into(),
    )
    .into_response()
}

async fn readyz(State(s): State<AppState>) -> Response {
    match sqlx::query("SELECT 1 AS one").fetch_one(&s.db).await {
        Ok(_) => "ready".into_response(),
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// The REST API under `/api/v1`.
pub fn api_router() -> Router<AppState> {
    use apps::*;
    Router::new()
        .route("/session", post(auth::sign_in).delete(auth::sign_out))
        .route("/me", get(auth::me))
        .route("/tokens", post(auth::create_token).get(auth::list_tokens))
        .route("/tokens/{id}", delete(auth::revoke_token))
        .route(
            "/sessions",
            get(sessions::list).delete(sessions::end_others),
        )
        .route("/sessions/{id}", delete(sessions::end))
        .route("/templates", get(templates))
        .route("/openapi.json", get(openapi::document))
        .route("/check", post(check))
        .route("/partners/{partner}", get(partner))
        .route(
            "/partners/{partner}/applications",
            get(list_apps).post(create_app),
        )
        .route(
            "/partners/{partner}/applications/name-available",
            get(name_available),
        )
        .route("/partners/{partner}/users", get(users))
        .route("/applications/{app}", get(get_app).patch(patch_app))
        .route(
            "/applications/{app}/secrets",
            get(list_secrets).post(create_secret),
        )
        .route(
            "/applications/{app}/secrets/{secret}",
            delete(revoke_secret),
        )
        .route(
            "/applications/{app}/certificates",
            get(list_certificates).post(create_certificate),
        )
        .route(
            "/applications/{app}/certificates/{cert}",
            delete(delete_certificate),
        )
        .route(
            "/applications/{app}/publish-requests",
            get(list_app_publish_requests).post(request_publish),
        )
        .route("/publish-requests", get(publish_queue))
        .route("/publish-requests/{id}/approve", post(approve))
        .route("/publish-requests/{id}/reject", post(reject))
        .fallback(api_not_found)
        .method_not_allowed_fallback(method_not_allowed)
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
        .nest("/api/v1", api_router())
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

/// Options of `appreg serve`.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub database_url: String,
    pub static_dir: PathBuf,
    pub demo: bool,
    /// `--public-url URL`: https makes the session cookie `Secure` and `__Host-`, and sends HSTS.
    pub public_url: Option<String>,
    /// `--frame-ancestors VALUE` (repeatable, or several separated by spaces); default `'none'`.
    pub frame_ancestors: Vec<String>,
    /// `--session-idle 30m` and `--session-lifetime 12h`.
    pub session_idle: Duration,
    pub session_lifetime: Duration,
    /// `--trusted-proxy CIDR` (repeatable).
    pub trusted_proxies: Vec<throttle::Cidr>,
}

/// `90`, `90s`, `30m`, `12h`, `7d`, or sums such as `1h30m`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("{s:?} is not a duration (like 90s, 30m, 12h, 1d)");
    let mut total: u64 = 0;
    let mut digits = String::new();
    let mut any = false;
    for c in s.trim().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        let n: u64 = digits.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
        digits.clear();
        any = true;
    }
    if !digits.is_empty() {
        total = digits
            .parse::<u64>()
            .ok()
            .and_then(|n| total.checked_add(n))
            .ok_or_else(bad)?;
        any = true;
    }
    if !any || total == 0 {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

/// One `frame-ancestors` source expression: `'none'`, `'self'`, a scheme or a host source. Nothing that
/// could end the directive or the header.
fn check_frame_ancestor(v: &str) -> Result<(), String> {
    let ok = !v.is_empty()
        && v.bytes()
            .all(|b| b.is_ascii_graphic() && b != b';' && b != b',')
        && (!v.starts_with('\'') || matches!(v, "'none'" | "'self'"));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "--frame-ancestors: {v:?} is not a source ('none', 'self', https://portal.example.com)"
        ))
    }
}

impl ServeOptions {
    /// Copies the options that live in [`Config`].
    pub fn configure(&self, cfg: &mut Config) {
        cfg.public_url = self.public_url.clone();
        cfg.frame_ancestors = self.frame_ancestors.clone();
        cfg.session_idle = self.session_idle;
        cfg.session_lifetime = self.session_lifetime;
        cfg.trusted_proxies = self.trusted_proxies.clone();
    }

    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut o = ServeOptions {
            addr: "127.0.0.1:8080".parse().expect("valid default"),
            database_url: std::env::var("DATABASE_URL")
                .unwrap_or_else(|_| "sqlite://data/appreg.db".into()),
            static_dir: PathBuf::from("dist"),
            demo: false,
            public_url: None,
            frame_ancestors: Vec::new(),
            session_idle: Duration::from_secs(30 * 60),
            session_lifetime: Duration::from_secs(12 * 3600),
            trusted_proxies: Vec::new(),
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match a.as_str() {
                "--addr" => {
                    o.addr = value("--addr")?
                        .parse()
                        .map_err(|e| format!("--addr: {e}"))?
                }
                "--database-url" => o.database_url = value("--database-url")?,
                "--static" => o.static_dir = PathBuf::from(value("--static")?),
                "--demo" => o.demo = true,
                "--public-url" => {
                    let u = value("--public-url")?;
                    let rest = u
                        .strip_prefix("https://")
                        .or_else(|| u.strip_prefix("http://"));
                    if !rest.is_some_and(|r| {
                        !r.is_empty()
                            && !r.starts_with('/')
                            && r.bytes().all(|b| b.is_ascii_graphic())
                    }) {
                        return Err(format!(
                            "--public-url: {u:?} is not an http(s) URL like https://portal.example.com"
                        ));
                    }
                    o.public_url = Some(u);
                }
                "--frame-ancestors" => {
                    for v in value("--frame-ancestors")?.split_ascii_whitespace() {
                        check_frame_ancestor(v)?;
                        o.frame_ancestors.push(v.to_string());
                    }
                }
                "--session-idle" => {
                    o.session_idle = parse_duration(&value("--session-idle")?)
                        .map_err(|e| format!("--session-idle: {e}"))?
                }
                "--session-lifetime" => {
                    o.session_lifetime = parse_duration(&value("--session-lifetime")?)
                        .map_err(|e| format!("--session-lifetime: {e}"))?
                }
                "--trusted-proxy" => o.trusted_proxies.push(
                    value("--trusted-proxy")?
                        .parse()
                        .map_err(|e| format!("--trusted-proxy: {e}"))?,
                ),
                other => return Err(format!("unknown option {other}")),
            }
        }
        if o.frame_ancestors.is_empty() {
            o.frame_ancestors.push("'none'".into());
        } else if o.frame_ancestors.len() > 1 && o.frame_ancestors.iter().any(|v| v == "'none'") {
            return Err("--frame-ancestors: 'none' cannot be combined with other sources".into());
        }
        if o.session_idle > o.session_lifetime {
            return Err("--session-idle cannot be longer than --session-lifetime".into());
        }
        if o.demo && !o.addr.ip().is_loopback() {
            return Err(format!(
                "--demo seeds well-known passwords and refuses the non-loopback address {}",
                o.addr
            ));
        }
        Ok(o)
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

/// `appreg serve`: returns the exit status.
pub fn serve_main(args: &[String]) -> i32 {
    let opts = match ServeOptions::parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("appreg serve: {e}");
            return cli::USAGE;
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    rt.block_on(async move {
        let pool = match db::connect(&opts.database_url, 16).await {
            Ok(p) => p,
            Err(e) => {
                eprintln!("appreg serve: cannot open the database: {e}");
                return 1;
            }
        };
        let mut cfg = Config::new(opts.static_dir.clone());
        cfg.allow_demo_accounts = opts.demo;
        opts.configure(&mut cfg);
        if !opts.demo {
            match demo::count_accounts(&pool).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::warn!(demo_accounts = n, "demo accounts will be refused");
                    println!("{}", demo::refusal_warning(n));
                }
                Err(e) => {
                    eprintln!("appreg serve: cannot read the users: {e}");
                    return 1;
                }
            }
        }
        let state = AppState::new(pool, cfg);
        if opts.demo {
            match demo::seed(&state).await {
                Ok(()) => demo::print_credentials(),
                Err(e) => {
                    eprintln!("appreg serve: seeding demo data failed: {e:?}");
                    return 1;
                }
            }
        }
        // Expired sessions, old failures and idempotency keys: on a timer, on every instance.
        sessions::spawn_purger(state.clone(), Duration::from_secs(60));
        let listener = match tokio::net::TcpListener::bind(opts.addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("appreg serve: cannot listen on {}: {e}", opts.addr);
                return 1;
            }
        };
        tracing::info!("serving on http://{}", opts.addr);
        println!("appreg: serving on http://{}", opts.addr);
        let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
        match axum::serve(listener, service)
            .with_graceful_shutdown(shutdown_signal())
            .await
        {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("appreg serve: {e}");
                1
            }
        }
    })
}
