//! `appreg serve`: its options and the server's main loop.

use crate::{app, cli, db, demo, mail, sessions, throttle, AppState, Config};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

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
    /// `--embed-origin https://host[:port]` (repeatable): pages of these origins may embed the portal
    /// (CORS without credentials, bearer tokens, `frame-ancestors`).
    pub embed_origins: Vec<String>,
    /// `--session-idle 30m` and `--session-lifetime 12h`.
    pub session_idle: Duration,
    pub session_lifetime: Duration,
    /// `--trusted-proxy CIDR` (repeatable).
    pub trusted_proxies: Vec<throttle::Cidr>,
    /// `--authority-sod URL`, `--authority-stage URL`, `--authority-production URL` (https; defaults are
    /// SuperOffice's).
    pub authorities: crate::config::Authorities,
    /// `--smtp-url smtp://host:port` (`?tls=required` for STARTTLS) or `smtps://host:port`: e-mails go to
    /// this SMTP server; without it they are written as `.eml` files to `--outbox-dir`.
    pub smtp_url: Option<String>,
    /// `--mail-from "Developer Portal <portal@example.com>"`.
    pub mail_from: String,
    /// `--outbox-dir DIR` (default `data/outbox/`).
    pub outbox_dir: PathBuf,
}

/// An authority: an https URL without query or fragment; stored without a trailing `/`.
fn authority(flag: &str, u: String) -> Result<String, String> {
    let rest = u.strip_prefix("https://").unwrap_or("");
    if rest.is_empty()
        || rest.starts_with('/')
        || !rest
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'?' && b != b'#')
    {
        return Err(format!(
            "{flag}: {u:?} is not an https URL like https://sod.superoffice.com/login"
        ));
    }
    Ok(u.trim_end_matches('/').to_string())
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
        cfg.embed_origins = self.embed_origins.clone();
        cfg.session_idle = self.session_idle;
        cfg.session_lifetime = self.session_lifetime;
        cfg.trusted_proxies = self.trusted_proxies.clone();
        cfg.authorities = self.authorities.clone();
        cfg.portal_url = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.addr));
    }

    /// Where e-mails go: the SMTP server of `--smtp-url`, else `.eml` files in `--outbox-dir`.
    pub fn mailer(&self) -> Result<crate::mail::Mailer, String> {
        let from = crate::mail::parse_from(&self.mail_from)?;
        match &self.smtp_url {
            Some(url) => crate::mail::Mailer::smtp(url, from),
            None => Ok(crate::mail::Mailer::files(&self.outbox_dir, from)),
        }
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
            embed_origins: Vec::new(),
            session_idle: Duration::from_secs(30 * 60),
            session_lifetime: Duration::from_secs(12 * 3600),
            trusted_proxies: Vec::new(),
            authorities: Default::default(),
            smtp_url: None,
            mail_from: crate::mail::DEFAULT_FROM.into(),
            outbox_dir: PathBuf::from(crate::mail::DEFAULT_OUTBOX_DIR),
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
                "--embed-origin" => {
                    let origin = crate::cors::parse_origin(&value("--embed-origin")?)?;
                    if !o.embed_origins.contains(&origin) {
                        o.embed_origins.push(origin);
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
                "--authority-sod" => {
                    o.authorities.sod = authority(a, value(a)?)?;
                }
                "--authority-stage" => {
                    o.authorities.stage = authority(a, value(a)?)?;
                }
                "--authority-production" => {
                    o.authorities.production = authority(a, value(a)?)?;
                }
                "--smtp-url" => o.smtp_url = Some(value("--smtp-url")?),
                "--mail-from" => {
                    o.mail_from = value("--mail-from")?;
                    crate::mail::parse_from(&o.mail_from)?;
                }
                "--outbox-dir" => o.outbox_dir = PathBuf::from(value("--outbox-dir")?),
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
        o.mailer()?;
        if o.demo && !o.addr.ip().is_loopback() {
            return Err(format!(
                "--demo seeds well-known passwords and refuses the non-loopback address {}",
                o.addr
            ));
        }
        Ok(o)
    }
}

/// A number of milliseconds from the environment (test knobs), else `default`.
fn env_ms(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|ms| *ms > 0)
        .unwrap_or(default)
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
        // E-mail: the outbox worker and the expiry reminders' scan, on every instance (leases and the
        // outbox's event keys keep them from sending anything twice).
        let mailer = match opts.mailer() {
            Ok(m) => m,
            Err(e) => {
                eprintln!("appreg serve: {e}");
                return cli::USAGE;
            }
        };
        if opts.smtp_url.is_some() {
            tracing::info!("e-mail: SMTP (--smtp-url)");
        } else {
            tracing::info!(dir = %opts.outbox_dir.display(), "e-mail: .eml files (no --smtp-url)");
        }
        mail::outbox::spawn_worker(
            state.db.clone(),
            mailer,
            Duration::from_millis(env_ms("APPREG_OUTBOX_POLL_MS", 1000)),
        );
        mail::reminders::spawn_scanner(
            state.clone(),
            Duration::from_millis(env_ms("APPREG_REMINDER_SCAN_MS", 60_000)),
        );
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
