//! The appreg portal server: REST API, static SPA, and the `appreg` command line.

pub mod cli;

use axum::{routing::get, Router};
use std::net::SocketAddr;
use std::path::PathBuf;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

/// Options of `appreg serve`.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub database_url: Option<String>,
    pub static_dir: PathBuf,
    pub demo: bool,
}

impl ServeOptions {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut o = ServeOptions {
            addr: "127.0.0.1:8080".parse().expect("valid default"),
            database_url: std::env::var("DATABASE_URL").ok(),
            static_dir: PathBuf::from("dist"),
            demo: false,
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
                "--database-url" => o.database_url = Some(value("--database-url")?),
                "--static" => o.static_dir = PathBuf::from(value("--static")?),
                "--demo" => o.demo = true,
                other => return Err(format!("unknown option {other}")),
            }
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

/// The router: the SPA from `static_dir` (index.html for client-side routes) and the health checks.
pub fn app(static_dir: PathBuf) -> Router {
    let index = static_dir.join("index.html");
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .fallback_service(ServeDir::new(&static_dir).fallback(ServeFile::new(index)))
        .layer(CompressionLayer::new())
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
        let listener = match tokio::net::TcpListener::bind(opts.addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("appreg serve: cannot listen on {}: {e}", opts.addr);
                return 1;
            }
        };
        tracing::info!("serving on http://{}", opts.addr);
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        match axum::serve(listener, app(opts.static_dir))
            .with_graceful_shutdown(shutdown)
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
