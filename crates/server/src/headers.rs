//! Security headers on every response, the SPA's and the API's: a Content-Security-Policy that lets the
//! wasm SPA run and nothing else, `frame-ancestors` from `--frame-ancestors` and `--embed-origin`,
//! `nosniff`, no referrer, HSTS under an https public URL, and `Cache-Control: no-store` on the API (unless
//! the handler set its own caching and policy: the App Store images).
//!
//! Trunk puts one inline `<script type="module">` into `dist/index.html` (it imports the wasm-bindgen glue
//! and calls `init`); a release build carries the glue itself there, bundled, and the stylesheet as a
//! `<style>` element (`scripts/wasm-split/inline.py`). Instead of `'unsafe-inline'`, the policy carries the
//! SHA-256 of every inline script and every `<style>` element of the served `index.html`, computed when
//! the router is built. `'wasm-unsafe-eval'` lets the page compile WebAssembly and nothing more (no
//! `eval`); style attributes stay forbidden.

use crate::Config;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::Digest;
use std::sync::Arc;

/// The headers, built once.
#[derive(Clone, Debug)]
pub struct SecurityHeaders {
    pub csp: HeaderValue,
    pub hsts: Option<HeaderValue>,
    pub frame_options: Option<HeaderValue>,
}

/// `'sha256-…'` of each inline `<script>` (one without `src`) of an HTML page, in order.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    inline_hashes(html, "script")
}

/// `'sha256-…'` of each `<style>` element of an HTML page, in order.
pub fn inline_style_hashes(html: &str) -> Vec<String> {
    inline_hashes(html, "style")
}

/// `'sha256-…'` of the text of each `<{element}>` of an HTML page without a `src`, in order.
fn inline_hashes(html: &str, element: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let (open, end) = (format!("<{element}"), format!("</{element}"));
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = lower[at..].find(&open).map(|i| at + i) {
        // Text inside a comment is not an element, even when it reads like one.
        if let Some(comment) = lower[at..start].find("<!--").map(|i| at + i) {
            let Some(comment_end) = lower[comment + 4..].find("-->") else {
                break;
            };
            at = comment + 4 + comment_end + 3;
            continue;
        }
        let Some(tag_end) = lower[start..].find('>').map(|i| start + i + 1) else {
            break;
        };
        // `<styles>` or `<scripted>` is another element.
        if !lower[start + open.len()..]
            .starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        {
            at = tag_end;
            continue;
        }
        let Some(close) = lower[tag_end..].find(&end).map(|i| tag_end + i) else {
            break;
        };
        let tag = &lower[start..tag_end];
        let external = tag
            .split(|c: char| c.is_ascii_whitespace() || c == '>')
            .any(|attr| attr.starts_with("src="));
        if !external {
            // The browser hashes the element's text as parsed: newlines normalised to \n.
            let body = html[tag_end..close]
                .replace("\r\n", "\n")
                .replace('\r', "\n");
            let digest = sha2::Sha256::digest(body.as_bytes());
            out.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        at = close;
    }
    out
}

/// The policy, with `frame-ancestors` (source expressions separated by spaces) and the hashes of the
/// page's inline scripts and styles.
pub fn content_security_policy(
    frame_ancestors: &str,
    script_hashes: &[String],
    style_hashes: &[String],
) -> String {
    let with = |first: &str, hashes: &[String]| {
        let mut out = String::from(first);
        for h in hashes {
            out.push(' ');
            out.push_str(h);
        }
        out
    };
    let script = with("'self' 'wasm-unsafe-eval'", script_hashes);
    let style = with("'self'", style_hashes);
    format!(
        "default-src 'self'; script-src {script}; style-src {style}; img-src 'self' data: blob:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors {frame_ancestors}"
    )
}

/// The `frame-ancestors` sources: `--frame-ancestors` (default `'none'`) and every `--embed-origin`; the
/// origins replace a lone `'none'`.
pub fn frame_ancestors(sources: &[String], embed_origins: &[String]) -> String {
    let mut out: Vec<&str> = sources
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty() && (embed_origins.is_empty() || *s != "'none'"))
        .collect();
    for o in embed_origins {
        if !out.contains(&o.as_str()) {
            out.push(o);
        }
    }
    if out.is_empty() {
        "'none'".to_string()
    } else {
        out.join(" ")
    }
}

impl SecurityHeaders {
    /// Reads `index.html` of the static folder (when there is one) for its inline scripts.
    pub fn new(cfg: &Config) -> Self {
        let index = cfg.static_dir.join("index.html");
        let (scripts, styles) = match std::fs::read_to_string(&index) {
            Ok(html) => (inline_script_hashes(&html), inline_style_hashes(&html)),
            Err(e) => {
                tracing::warn!(path = %index.display(), error = %e, "no index.html: the CSP allows no inline script or style");
                (Vec::new(), Vec::new())
            }
        };
        let ancestors = frame_ancestors(&cfg.frame_ancestors, &cfg.embed_origins);
        let csp = content_security_policy(&ancestors, &scripts, &styles);
        // X-Frame-Options cannot name other origins: with embed origins (or any list) only the CSP speaks.
        let frame_options = match ancestors.as_str() {
            "'none'" => Some(HeaderValue::from_static("DENY")),
            "'self'" => Some(HeaderValue::from_static("SAMEORIGIN")),
            _ => None,
        };
        SecurityHeaders {
            // Options are checked when parsed (no control characters); fall back to the strictest.
            csp: HeaderValue::from_str(&csp).unwrap_or_else(|_| {
                HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'")
            }),
            hsts: cfg
                .https()
                .then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains")),
            frame_options,
        }
    }
}

/// The middleware: sets the headers on every response (existing ones of the same name are replaced).
pub async fn security_headers(
    State(h): State<Arc<SecurityHeaders>>,
    req: Request,
    next: Next,
) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    // An API response may bring a stricter policy and its own caching (an uploaded App Store image).
    if !(api && headers.contains_key(header::CONTENT_SECURITY_POLICY)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, h.csp.clone());
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if let Some(v) = &h.frame_options {
        headers.insert(header::X_FRAME_OPTIONS, v.clone());
    }
    if let Some(v) = &h.hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, v.clone());
    }
    if api && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// The usual file extension of an image type the server read from a file's bytes.
pub fn image_extension(content_type: &str) -> &'static str {
    match content_type {
        "image/svg+xml" => "svg",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        _ => "png",
    }
}

/// A file a user uploaded, served back: the content type the server read from its bytes,
/// `X-Content-Type-Options: nosniff`, a policy that lets it run nothing, the cache rule and the
/// `Content-Disposition` (inline for previews, attachment for downloads). App Store images and ticket
/// attachments both go out through here.
pub fn uploaded_file(
    data: Vec<u8>,
    content_type: &str,
    cache: &'static str,
    csp: &'static str,
    disposition: &str,
) -> crate::error::ApiResult<Response> {
    use axum::response::IntoResponse;
    let value = |v: &str| HeaderValue::from_str(v).map_err(crate::error::ApiError::internal);
    let mut res = data.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, value(content_type)?);
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    h.insert(header::CONTENT_DISPOSITION, value(disposition)?);
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_element_named_in_a_comment_is_not_one() {
        let html = "<!-- a <script type=\"application/json\"> goes here --><script>x()</script>\
                    <!--<style>--><style>a{}</style><!-- <script> -->";
        let want = |text: &str| {
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(text))
            )
        };
        assert_eq!(inline_script_hashes(html), vec![want("x()")]);
        assert_eq!(inline_style_hashes(html), vec![want("a{}")]);
    }

    #[test]
    fn hashes_inline_scripts_only() {
        let html = "<html><head><script type=\"module\">\nimport init from '/a.js';\nawait init();\n</script>\
                    <script src=\"/x.js\"></script><SCRIPT>1</SCRIPT></head></html>";
        let h = inline_script_hashes(html);
        assert_eq!(h.len(), 2);
        let want = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(
            b"\nimport init from '/a.js';\nawait init();\n",
        ));
        assert_eq!(h[0], format!("'sha256-{want}'"));
        assert!(inline_script_hashes("<p>no scripts</p>").is_empty());
    }

    #[test]
    fn hashes_style_elements_only() {
        let html = "<head><link rel=\"stylesheet\" href=\"/a.css\"><style>.a{color:red}</style>\
                    <styles>x</styles><STYLE media=\"print\">\r\n.b{}</STYLE></head>";
        let sha = |t: &[u8]| {
            let d = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(t));
            format!("'sha256-{d}'")
        };
        assert_eq!(
            inline_style_hashes(html),
            [sha(b".a{color:red}"), sha(b"\n.b{}")]
        );
        assert!(inline_style_hashes("<p style=\"color:red\">no styles</p>").is_empty());
        let csp = content_security_policy("'none'", &[sha(b"1")], &[sha(b".a{color:red}")]);
        assert!(csp.contains(&format!(
            "script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self' {};",
            sha(b"1"),
            sha(b".a{color:red}")
        )));
    }

    #[test]
    fn embed_origins_join_the_frame_ancestors() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let embed = s(&["https://a.example.com", "http://localhost:8081"]);
        assert_eq!(frame_ancestors(&s(&["'none'"]), &[]), "'none'");
        assert_eq!(frame_ancestors(&[], &[]), "'none'");
        assert_eq!(
            frame_ancestors(&s(&["'none'"]), &embed),
            "https://a.example.com http://localhost:8081"
        );
        assert_eq!(
            frame_ancestors(&s(&["'self'", "https://a.example.com"]), &embed),
            "'self' https://a.example.com http://localhost:8081"
        );
    }
}
