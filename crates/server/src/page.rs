//! The page: `index.html`, for `/`, `/index.html` and every client-side route.
//!
//! Signed in, a browser's navigation gets the page with the answer to `GET /api/v1/me` written into it,
//! as a JSON data block (`<script type="application/json" id="appreg-me">`, the first thing in the body),
//! so that the app draws the signed-in screen as soon as it starts, without a request of its own
//! (`src/api.rs`, `early`). Such a page is personal:
//! - only a navigation (`Sec-Fetch-Mode: navigate`) with a live session cookie and no bearer token gets
//!   it; a service worker's precache, `fetch("/")` and every other request get the shared page;
//! - it is sent `Cache-Control: no-store` and `Vary: Cookie`, with no validators;
//! - it costs no compression per request: with brotli, it is the page up to `<body>` compressed once at
//!   quality 11 (ended at a byte boundary, not finished), then the rest (the data block and the page's
//!   last few hundred bytes) as stored meta-blocks, then the stream's end (RFC 7932: one stream that
//!   any decoder reads); without brotli it is compressed on the fly;
//! - the JSON is escaped for HTML (`<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`), so no text in it
//!   can end the element; a data block is not run, so the security policy needs no hash for it.
//!
//! Without a session, with one that has ended, or when reading the user fails, the shared page is served
//! (with its precompressed copies, `build::page_service`) and the app asks `/api/v1/me` itself, as it
//! does on a page the service worker serves.

use crate::auth::{cookie_name, cookie_value, Caller, Via};
use crate::{build, cors, routes, AppState};
use axum::extract::{FromRequestParts, Request};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::future::Future;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// The element the personal page carries `/me` in.
pub const ME_ID: &str = "appreg-me";

/// Where the data block goes: first in the body, before the early script (which looks for the block,
/// and asks `/api/v1/me` itself only without one).
const ANCHOR: &str = "<body>";

/// The shared page and, when it has the anchor, its text split where the data block goes.
#[derive(Clone)]
pub struct Page {
    file: ServeFile,
    parts: Option<Arc<Split>>,
}

/// The page before and after the data block, and the part before as the start of a brotli stream.
struct Split {
    head: String,
    tail: String,
    head_br: Vec<u8>,
}

impl Page {
    /// Reads `<static_dir>/index.html` once (like the policy's hashes, see `headers.rs`), and compresses
    /// its head then (tens of milliseconds at start-up rather than in a request).
    pub fn new(static_dir: &Path) -> Page {
        let parts = std::fs::read_to_string(static_dir.join("index.html"))
            .ok()
            .and_then(|html| {
                let split = html.find(ANCHOR).map(|i| i + ANCHOR.len());
                if split.is_none() {
                    tracing::warn!(
                        "index.html has no {ANCHOR}: signed-in pages will not carry /api/v1/me"
                    );
                }
                let (head, tail) = html.split_at(split?);
                Some(Arc::new(Split {
                    head_br: brotli_unfinished(head.as_bytes()),
                    head: head.to_string(),
                    tail: tail.to_string(),
                }))
            });
        Page {
            file: build::page_service(static_dir),
            parts,
        }
    }

    /// What follows the shared head in a page for `me` (JSON): the data block and the page's tail.
    fn rest(split: &Split, me: &str) -> String {
        format!(
            "\n    <script type=\"application/json\" id=\"{ME_ID}\">{}</script>{}",
            escape_for_html(me),
            split.tail
        )
    }

    /// The page with `me` (JSON) written in; `None` for a page without the anchor.
    pub fn with_me(&self, me: &str) -> Option<String> {
        let split = self.parts.as_deref()?;
        Some(format!("{}{}", split.head, Self::rest(split, me)))
    }

    /// [`Page::with_me`] as one brotli stream: the head compressed (at start-up), the rest stored.
    pub fn with_me_br(&self, me: &str) -> Option<Vec<u8>> {
        let split = self.parts.as_deref()?;
        let mut out = split.head_br.clone();
        brotli_stored(Self::rest(split, me).as_bytes(), &mut out);
        out.push(BROTLI_END);
        Some(out)
    }

    /// Serves `req`: the personal page when it may, else the shared one.
    pub async fn serve(self, state: AppState, req: Request) -> Response {
        let (mut parts, body) = req.into_parts();
        if let Some(me) = self.personal(&state, &mut parts).await {
            let page = if accepts_br(&parts.headers) {
                self.with_me_br(&me).map(|b| (b, Some("br")))
            } else {
                self.with_me(&me).map(|t| (t.into_bytes(), None))
            };
            if let Some((bytes, encoding)) = page {
                let mut res = bytes.into_response();
                let h = res.headers_mut();
                h.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                if let Some(e) = encoding {
                    // Set here, the compression layer leaves the body as it is.
                    h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
                }
                // (`Vary: Accept-Encoding` is added to every answer, by `cache_headers`.)
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                cors::add_vary(h, "cookie");
                return res;
            }
        }
        let Ok(res) = self.file.oneshot(Request::from_parts(parts, body)).await;
        let mut res = res.into_response();
        // The same address answers differently signed in: a cache must not hand one to the other.
        cors::add_vary(res.headers_mut(), "cookie");
        res
    }

    /// `/me` (JSON) for a signed-in browser's navigation, else `None`.
    async fn personal(&self, state: &AppState, parts: &mut Parts) -> Option<String> {
        self.parts.as_ref()?;
        let navigation = parts
            .headers
            .get("sec-fetch-mode")
            .is_some_and(|v| v.as_bytes() == b"navigate");
        if parts.method != Method::GET
            || !navigation
            || parts.headers.contains_key(header::AUTHORIZATION)
            || cookie_value(&parts.headers, cookie_name(&state.cfg)).is_none()
        {
            return None;
        }
        // The same checks as the API's (a live session, touched; an enabled user).
        let caller = Caller::from_request_parts(parts, state).await.ok()?;
        if caller.via != Via::Cookie {
            return None;
        }
        let me = match routes::session::me_of(&state.db, &caller).await {
            Ok(me) => me,
            Err(e) => {
                tracing::warn!(error = ?e, "reading the user for the page failed: the shared page is served");
                return None;
            }
        };
        serde_json::to_string(&me).ok()
    }
}

/// Whether the request accepts brotli (`br`, not with `q=0`).
fn accepts_br(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut params = item.split(';');
            let name = params.next().unwrap_or_default().trim();
            name.eq_ignore_ascii_case("br")
                && !params.any(|p| {
                    let p = p.trim();
                    p.strip_prefix("q=")
                        .is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
                })
        })
}

/// The last meta-block of a brotli stream: ISLAST and ISLASTEMPTY set (RFC 7932, 9.2).
const BROTLI_END: u8 = 0x03;

/// `text` as the start of a brotli stream (quality 11): every byte of it, ending at a byte boundary
/// between meta-blocks (the encoder's flush), without the last meta-block, so more can follow.
fn brotli_unfinished(text: &[u8]) -> Vec<u8> {
    let mut w = brotli::CompressorWriter::new(Vec::new(), 4096, 11, 22);
    // Writing into a Vec cannot fail.
    let _ = w.write_all(text).and_then(|()| w.flush());
    w.get_ref().clone()
}

/// Appends `data` to an unfinished brotli stream as stored (uncompressed) meta-blocks of at most 64 KiB
/// (RFC 7932, 9.2): ISLAST 0, MNIBBLES 4, MLEN - 1 in 16 bits, ISUNCOMPRESSED 1, padding to the byte,
/// then the bytes.
fn brotli_stored(data: &[u8], out: &mut Vec<u8>) {
    for chunk in data.chunks(1 << 16) {
        let header = ((chunk.len() as u32 - 1) << 3) | (1 << 19);
        out.extend_from_slice(&header.to_le_bytes()[..3]);
        out.extend_from_slice(chunk);
    }
}

/// JSON that cannot end the `<script>` element it is written into, nor start a comment in it: `<`, `>`
/// and `&` become `\u003c`, `\u003e` and `\u0026` (they only occur inside strings, where these escapes
/// mean the same).
fn escape_for_html(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// The page as a service, for the router (`/index.html` and the SPA's fallback).
pub fn service(
    page: Page,
    state: AppState,
) -> impl tower::Service<
    Request,
    Response = Response,
    Error = Infallible,
    Future = impl Future<Output = Result<Response, Infallible>> + Send,
> + Clone
       + Send
       + Sync
       + 'static {
    tower::service_fn(move |req: Request| {
        let (page, state) = (page.clone(), state.clone());
        async move { Ok::<_, Infallible>(page.serve(state, req).await) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn unbrotli(b: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        brotli_decompressor::Decompressor::new(b, 4096)
            .read_to_end(&mut out)
            .expect("a valid brotli stream");
        out
    }

    fn page(html: &str) -> Page {
        let dir = std::env::temp_dir().join(format!("appreg-page-{}", crate::db::random_hex(8)));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), html).unwrap();
        let page = Page::new(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        page
    }

    #[test]
    fn the_brotli_page_is_the_page() {
        let html = format!(
            "<!doctype html><html><head><style>{}</style></head><body>\n<script>x()</script></body></html>\n",
            ".a{color:red}".repeat(500)
        );
        let p = page(&html);
        // A small answer, and one longer than a stored meta-block (several of them).
        for me in [
            r#"{"name":"Dev"}"#.to_string(),
            format!(r#"{{"name":"{}"}}"#, "x".repeat(150_000)),
        ] {
            let text = p.with_me(&me).unwrap();
            assert!(text.starts_with(&html[..html.find("<body>").unwrap() + 6]));
            assert!(text.contains(&format!(
                r#"<script type="application/json" id="appreg-me">{me}</script>"#
            )));
            assert!(text.ends_with("<script>x()</script></body></html>\n"));
            assert_eq!(unbrotli(&p.with_me_br(&me).unwrap()), text.as_bytes());
        }
        // The head is compressed, the answer stored as it is.
        let br = p.with_me_br("{}").unwrap();
        assert!(br.len() < 600, "{} bytes", br.len());
    }

    #[test]
    fn a_page_without_a_body_tag_carries_nothing() {
        let p = page("<!doctype html><title>appreg</title>");
        assert_eq!(p.with_me("{}"), None);
        assert_eq!(p.with_me_br("{}"), None);
    }

    #[test]
    fn brotli_is_accepted_unless_refused() {
        let accepts = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            accepts_br(&h)
        };
        assert!(accepts("gzip, deflate, br, zstd"));
        assert!(accepts("BR;q=0.5"));
        assert!(!accepts("gzip, deflate"));
        assert!(!accepts("br;q=0, gzip"));
        assert!(!accepts("brotli"));
        assert!(!accepts_br(&HeaderMap::new()));
    }

    #[test]
    fn escaped_json_ends_no_element_and_means_the_same() {
        let me = serde_json::json!({"name": "</script><!-- & <b>"});
        let text = escape_for_html(&me.to_string());
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, me);
    }
}
