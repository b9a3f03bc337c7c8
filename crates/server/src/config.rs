//! The server's configuration and the state every handler shares.

use crate::{auth, db, throttle};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub struct Config {
    /// Argon2id cost for passwords.
    pub argon2: argon2::Params,
    /// `--public-url`: where users reach the server. When it is https, the session cookie is `Secure`
    /// and named `__Host-…`, and HSTS is sent.
    pub public_url: Option<String>,
    /// `--frame-ancestors`: CSP source expressions of who may frame the pages (default `'none'`).
    pub frame_ancestors: Vec<String>,
    /// `--embed-origin`: origins (`https://host[:port]`, lowercase, no default port) whose pages may load
    /// the portal (`/embed.js`, the built files) and call the API with a bearer token: CORS without
    /// credentials, and `frame-ancestors` (empty by default).
    pub embed_origins: Vec<String>,
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
    /// The OpenID Connect authority of each environment (`--authority-sod`, `--authority-stage`,
    /// `--authority-production`); the start-coding page derives the discovery document and the token
    /// endpoint from it.
    pub authorities: Authorities,
    /// Where e-mails link to: `--public-url`, else the address `appreg serve` listens on.
    pub portal_url: String,
}

/// The sign-in authority per environment, without a trailing `/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorities {
    pub sod: String,
    pub stage: String,
    pub production: String,
}

impl Default for Authorities {
    /// SuperOffice's: `https://sod.superoffice.com/login`, `https://qaonline.superoffice.com/login`,
    /// `https://online.superoffice.com/login`.
    fn default() -> Self {
        Authorities {
            sod: "https://sod.superoffice.com/login".into(),
            stage: "https://qaonline.superoffice.com/login".into(),
            production: "https://online.superoffice.com/login".into(),
        }
    }
}

impl Authorities {
    pub fn of(&self, env: appreg_core::Environment) -> &str {
        match env {
            appreg_core::Environment::Sod => &self.sod,
            appreg_core::Environment::Stage => &self.stage,
            appreg_core::Environment::Production => &self.production,
        }
    }
}

impl Config {
    /// Production cost: OWASP's Argon2id recommendation (19 MiB, 2 passes).
    pub fn new(static_dir: PathBuf) -> Self {
        Config {
            argon2: argon2::Params::default(),
            public_url: None,
            frame_ancestors: vec!["'none'".into()],
            embed_origins: Vec::new(),
            session_idle: Duration::from_secs(30 * 60),
            session_lifetime: Duration::from_secs(12 * 3600),
            trusted_proxies: Vec::new(),
            sign_in_delay: Duration::from_secs(1),
            sign_in_max_delay: Duration::from_secs(60),
            argon2_concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            static_dir,
            allow_demo_accounts: true,
            authorities: Authorities::default(),
            portal_url: "http://127.0.0.1:8080".into(),
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
    /// The unsubscribe links' HMAC key, read (or made) once from the database ([`crate::mail::key`]).
    pub mail_key: Arc<tokio::sync::OnceCell<Vec<u8>>>,
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
            mail_key: Arc::default(),
        }
    }
}
