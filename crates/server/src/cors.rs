//! Cross-origin access for the pages of `--embed-origin` origins, and only for them: the embedding loader
//! (`/embed.js`), the built files and the API may be read from those pages, never with credentials (no
//! `Access-Control-Allow-Credentials`: the session cookie stays on the portal's own pages). The API is
//! called from there with a bearer token ([`crate::auth`] refuses tokens sent from other origins).
//!
//! Preflights (`OPTIONS` with `Access-Control-Request-Method`) are answered here and never reach a
//! handler: 204 for a listed origin, 403 problem+json for any other. Without embed origins the middleware
//! changes nothing.

use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The methods a listed origin may use.
pub const ALLOW_METHODS: &str = "GET, POST, PUT, PATCH, DELETE";
/// The request headers a listed origin may send. Not `x-requested-with`: the cookie callers' CSRF header
/// is never granted across origins.
pub const ALLOW_HEADERS: &str =
    "authorization, content-type, idempotency-key, if-match, if-none-match";
/// The API response headers a listed origin's script may read.
pub const EXPOSE_HEADERS: &str = "etag, location, retry-after, x-request-id";
/// How long a browser may keep a preflight's answer (seconds).
pub const MAX_AGE: &str = "600";

/// `http(s)://host[:port]` as a browser sends it in `Origin`: scheme and host lowercased, the scheme's
/// default port left out, one trailing `/` allowed. No `*`, user info, path, query or fragment. The host
/// is a DNS name (letters, digits, `-`, dots between labels) or an `[IPv6]` literal.
pub fn parse_origin(v: &str) -> Result<String, String> {
    let bad = || format!("--embed-origin: {v:?} is not an origin like https://portal.example.com");
    let s = v.strip_suffix('/').unwrap_or(v).to_ascii_lowercase();
    let (scheme, rest) = if let Some(r) = s.strip_prefix("https://") {
        ("https", r)
    } else if let Some(r) = s.strip_prefix("http://") {
        ("http", r)
    } else {
        return Err(bad());
    };
    // The host and the optional port (after the IPv6 literal's `]`, if any).
    let (host, port) = if let Some(inner) = rest.strip_prefix('[') {
        let (addr, after) = inner.split_once(']').ok_or_else(bad)?;
        if addr.is_empty()
            || !addr
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return Err(bad());
        }
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or_else(bad)?),
        };
        (&rest[..addr.len() + 2], port)
    } else {
        match rest.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        }
    };
    let dns = |h: &str| {
        h.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
    };
    if host.is_empty() || !(host.starts_with('[') || dns(host)) {
        return Err(bad());
    }
    let port = match port {
        None => None,
        Some(p) => {
            let n: u16 = (!p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
                .filter(|n| *n > 0)
                .ok_or_else(bad)?;
            // `https://x:443` arrives as `https://x`.
            let default = if scheme == "https" { 443 } else { 80 };
            (n != default).then_some(n)
        }
    };
    Ok(match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    })
}

/// The origin of an http(s) URL (`--public-url`): scheme and authority, lowercased, without the default
/// port; `None` when it is not one.
pub fn origin_of(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let scheme_end = lower.find("://")? + 3;
    let end = lower[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(lower.len(), |i| scheme_end + i);
    parse_origin(&lower[..end]).ok()
}

/// The request's `Origin`, lowercased (`None` without one, or when it is not text).
pub fn request_origin(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
}

/// Whether `origin` (lowercased) is one of the embed origins.
pub fn is_listed(embed_origins: &[String], origin: &str) -> bool {
    embed_origins.iter().any(|o| o == origin)
}

/// The embed origins, for the middleware.
#[derive(Clone, Debug, Default)]
pub struct Cors {
    pub origins: Vec<String>,
}

impl Cors {
    pub fn new(cfg: &crate::Config) -> Self {
        Cors {
            origins: cfg.embed_origins.clone(),
        }
    }
}

/// Adds `token` to the response's `Vary` once, keeping what is there (one header, values joined).
pub fn add_vary(headers: &mut HeaderMap, token: &str) {
    let existing: Vec<String> = headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if existing
        .iter()
        .any(|t| t == "*" || t.eq_ignore_ascii_case(token))
    {
        return;
    }
    let mut all = existing;
    all.push(token.into());
    if let Ok(v) = HeaderValue::from_str(&all.join(", ")) {
        headers.insert(header::VARY, v);
    }
}

/// The middleware (outside the handlers and the compression, inside the security headers).
pub async fn cors(State(c): State<Arc<Cors>>, req: Request, next: Next) -> Response {
    if c.origins.is_empty() {
        return next.run(req).await;
    }
    let origin = request_origin(req.headers());
    let listed = origin
        .as_deref()
        .filter(|o| is_listed(&c.origins, o))
        .and_then(|o| HeaderValue::from_str(o).ok());
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight {
        if let Some(o) = origin.as_deref() {
            let mut res = match listed {
                Some(allow) => {
                    let mut res = StatusCode::NO_CONTENT.into_response();
                    let h = res.headers_mut();
                    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow);
                    h.insert(
                        header::ACCESS_CONTROL_ALLOW_METHODS,
                        HeaderValue::from_static(ALLOW_METHODS),
                    );
                    h.insert(
                        header::ACCESS_CONTROL_ALLOW_HEADERS,
                        HeaderValue::from_static(ALLOW_HEADERS),
                    );
                    h.insert(
                        header::ACCESS_CONTROL_MAX_AGE,
                        HeaderValue::from_static(MAX_AGE),
                    );
                    res
                }
                None => ApiError::Forbidden(format!(
                    "The origin {o} is not allowed to call this portal; its operator adds it with \
                     `appreg serve --embed-origin {o}`."
                ))
                .into_response(),
            };
            add_vary(res.headers_mut(), "Origin");
            return res;
        }
    }
    let api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // The answer depends on Origin whenever embed origins exist (a shared cache must not hand one
    // origin's answer to another).
    add_vary(h, "Origin");
    if let Some(allow) = listed {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow);
        if api {
            h.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static(EXPOSE_HEADERS),
            );
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_read_like_a_browser_writes_them() {
        for (given, want) in [
            ("https://portal.example.com", "https://portal.example.com"),
            ("https://portal.example.com/", "https://portal.example.com"),
            ("HTTPS://Portal.Example.COM", "https://portal.example.com"),
            ("http://localhost:8081", "http://localhost:8081"),
            ("https://a.example.com:443", "https://a.example.com"),
            ("http://a.example.com:80", "http://a.example.com"),
            ("http://a.example.com:443", "http://a.example.com:443"),
            ("http://127.0.0.1:3000", "http://127.0.0.1:3000"),
            ("http://[::1]:3000", "http://[::1]:3000"),
        ] {
            assert_eq!(parse_origin(given).as_deref(), Ok(want), "{given}");
        }
        for bad in [
            "",
            "portal.example.com",
            "ftp://portal.example.com",
            "https://",
            "https://*.example.com",
            "*",
            "https://portal.example.com//",
            "https://portal.example.com/app",
            "https://portal.example.com?x=1",
            "https://portal.example.com#top",
            "https://user@portal.example.com",
            "https://portal .example.com",
            "https://portal.example.com\n",
            "https://portal.example.com:",
            "https://portal.example.com:0",
            "https://portal.example.com:65536",
            "https://portal..example.com",
            "https://[::1",
            "https://[]",
            "null",
        ] {
            let e = parse_origin(bad).unwrap_err();
            assert!(
                e.starts_with("--embed-origin: ") && e.contains("https://portal.example.com"),
                "{bad:?}: {e}"
            );
        }
    }

    #[test]
    fn the_origin_of_a_public_url() {
        assert_eq!(
            origin_of("https://Portal.example.com/dev/").as_deref(),
            Some("https://portal.example.com")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin_of("portal.example.com"), None);
    }

    #[test]
    fn vary_keeps_what_is_there() {
        let mut h = HeaderMap::new();
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        add_vary(&mut h, "Origin");
        assert_eq!(h.get(header::VARY).unwrap(), "accept-encoding, Origin");
        add_vary(&mut h, "Origin");
        assert_eq!(h.get_all(header::VARY).iter().count(), 1);
        assert_eq!(h.get(header::VARY).unwrap(), "accept-encoding, Origin");
        let mut h = HeaderMap::new();
        add_vary(&mut h, "Origin");
        assert_eq!(h.get(header::VARY).unwrap(), "Origin");
    }
}
