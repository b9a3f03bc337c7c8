//! The current build of the SPA, read from the served `index.html` when the router is built, and the two
//! scripts generated from it: the service worker (`GET /sw.js`) and the one-tag embedding loader
//! (`GET /embed.js`).
//!
//! Their templates (`crates/server/assets/sw.js`, `assets/embed.js`) hold the JavaScript string literal
//! `"__APPREG_BUILD__"`, quotes included, once; it is replaced by the build as a JSON object:
//!
//! ```json
//! {"id":"<16 hex>","js":"/appreg-web-<hash>.js","wasm":"/appreg-web-<hash>_bg.wasm",
//!  "css":"/main-<hash>.css","files":["/","/main-<hash>.css","/appreg-web-<hash>.js",…]}
//! ```
//!
//! `js`, `wasm` and `css` are the first quoted path of `index.html` that starts with `/` and ends with
//! `.js`, `_bg.wasm` and `.css` (`null` when there is none; a release build's page, which carries the glue
//! and the CSS inline, names them in `<meta name="appreg-glue|appreg-css|appreg-loader" content="…">`);
//! `files` is `/` (the page itself) and every
//! distinct such path, in the order they first appear; `id` is the first 8 bytes, in hex, of the SHA-256
//! over each of `files` in order: its path, a NUL byte, its bytes (`index.html` for `/`; nothing for a
//! file that is missing). A new build changes the id, so the service worker knows to update its cache.

use axum::body::Bytes;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::Digest;
use std::io::Read;
use std::path::Path;
use tower_http::services::ServeFile;

/// The service worker's template.
pub const SW_TEMPLATE: &str = include_str!("../assets/sw.js");
/// The embedding loader's template.
pub const EMBED_TEMPLATE: &str = include_str!("../assets/embed.js");
/// What the templates carry once, quotes included.
pub const PLACEHOLDER: &str = "\"__APPREG_BUILD__\"";

/// The built SPA's files, as the scripts see them (serialised in this field order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Build {
    pub id: String,
    pub js: Option<String>,
    pub wasm: Option<String>,
    pub css: Option<String>,
    pub files: Vec<String>,
}

/// Each quoted (`'…'` or `"…"`) absolute path of a page that ends with one of the build's suffixes, in
/// order, once. A path is plain: printable ASCII without quotes, `\`, `<`, `>`, `..` or a leading `//`.
pub fn build_paths(html: &str) -> Vec<String> {
    let b = html.as_bytes();
    let mut out: Vec<String> = Vec::new();
    for (i, &q) in b.iter().enumerate() {
        if q != b'\'' && q != b'"' {
            continue;
        }
        let start = i + 1;
        if b.get(start) != Some(&b'/') {
            continue;
        }
        let len = b[start..]
            .iter()
            .position(|&c| !c.is_ascii_graphic() || matches!(c, b'\'' | b'"' | b'\\' | b'<' | b'>'))
            .unwrap_or(b.len() - start);
        if b.get(start + len) != Some(&q) {
            continue;
        }
        let path = &html[start..start + len];
        let kind = [".js", "_bg.wasm", ".css"]
            .iter()
            .any(|s| path.ends_with(s) && path.len() > s.len() + 1);
        if kind && !path.starts_with("//") && !path.contains("..") && !out.iter().any(|p| p == path)
        {
            out.push(path.to_string());
        }
    }
    out
}

/// The wasm modules a split build's loader (`/__wasm_split.js`, written by `wasm-split-cli` and staged
/// by `scripts/wasm-split/stage.sh`) fetches: each `"./<name>.wasm"` in it, as `/<name>.wasm`, once,
/// when the name is plain (`[A-Za-z0-9_.-]`, no `..`).
pub fn split_modules(loader: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for piece in loader.split("\"./").skip(1) {
        let Some(end) = piece.find('"') else { continue };
        let name = &piece[..end];
        let plain = name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'));
        if plain && name.ends_with(".wasm") && !name.contains("..") && name.len() > 5 {
            let path = format!("/{name}");
            if !out.contains(&path) {
                out.push(path);
            }
        }
    }
    out
}

impl Build {
    /// From the page's text and a reader of the other files' bytes (`None`: missing).
    pub fn from_index(html: &str, read: impl Fn(&str) -> Option<Vec<u8>>) -> Build {
        let paths = build_paths(html);
        let first = |suffix: &str| paths.iter().find(|p| p.ends_with(suffix)).cloned();
        let wasm = first("_bg.wasm");
        // The glue is the wasm's own (`X_bg.wasm`, `X.js`); a split build's loader, which index.html
        // asks for first, is not it.
        let js = wasm
            .as_deref()
            .and_then(|w| w.strip_suffix("_bg.wasm"))
            .map(|stem| format!("{stem}.js"))
            .filter(|js| paths.contains(js))
            .or_else(|| {
                paths
                    .iter()
                    .find(|p| p.ends_with(".js") && !p.ends_with("/__wasm_split.js"))
                    .cloned()
            });
        let css = first(".css");
        let mut files = vec!["/".to_string()];
        files.extend(paths.iter().cloned());
        // A split build's loader names the modules it fetches on demand; they belong to the build.
        for loader in paths.iter().filter(|p| p.ends_with("/__wasm_split.js")) {
            let text = read(loader).map(|b| String::from_utf8_lossy(&b).into_owned());
            for module in split_modules(text.as_deref().unwrap_or("")) {
                if !files.contains(&module) {
                    files.push(module);
                }
            }
        }
        let mut hash = sha2::Sha256::new();
        for f in &files {
            hash.update(f.as_bytes());
            hash.update([0u8]);
            if f == "/" {
                hash.update(html.as_bytes());
            } else if let Some(bytes) = read(f) {
                hash.update(&bytes);
            }
        }
        let id = hex::encode(&hash.finalize()[..8]);
        Build {
            id,
            js,
            wasm,
            css,
            files,
        }
    }

    /// Reads `<static_dir>/index.html` and the files it names; `None` without an `index.html`.
    pub fn read(static_dir: &Path) -> Option<Build> {
        let index = static_dir.join("index.html");
        let html = match std::fs::read_to_string(&index) {
            Ok(h) => h,
            Err(e) => {
                tracing::warn!(path = %index.display(), error = %e, "no index.html: /sw.js and /embed.js answer 404");
                return None;
            }
        };
        Some(Build::from_index(&html, |path| {
            let file = static_dir.join(path.trim_start_matches('/'));
            match std::fs::read(&file) {
                Ok(b) => Some(b),
                Err(e) => {
                    tracing::warn!(path = %file.display(), error = %e, "index.html names a file that cannot be read");
                    None
                }
            }
        }))
    }

    /// The build as JSON (also a JavaScript expression).
    pub fn json(&self) -> String {
        serde_json::to_string(self).expect("a build serialises")
    }

    /// A template with its placeholder replaced by [`Build::json`].
    pub fn fill(&self, template: &str) -> String {
        if !template.contains(PLACEHOLDER) {
            tracing::warn!("a script template lacks the placeholder \"__APPREG_BUILD__\"");
        }
        template.replacen(PLACEHOLDER, &self.json(), 1)
    }
}

/// The two generated scripts, built once.
#[derive(Clone, Debug)]
pub struct Scripts {
    pub sw: Bytes,
    pub embed: Bytes,
}

impl Scripts {
    pub fn new(static_dir: &Path) -> Option<Scripts> {
        let build = Build::read(static_dir)?;
        Some(Scripts {
            sw: Bytes::from(build.fill(SW_TEMPLATE)),
            embed: Bytes::from(build.fill(EMBED_TEMPLATE)),
        })
    }
}

/// The service that serves the page (`/` and every client-side route), with its precompressed copies
/// (`index.html.br`, `.gz`, written by `make web`) only when each decodes to `index.html` itself. The
/// security policy carries the hashes of the page's inline script and style as read from `index.html`
/// at start-up, so a stale copy (an `index.html` changed by hand after `make web`) would be a page whose
/// script and style the browser refuses: it is left out, with a warning, and the page is compressed on
/// the fly instead.
pub fn page_service(static_dir: &Path) -> ServeFile {
    let index = static_dir.join("index.html");
    let mut page = ServeFile::new(&index);
    let Ok(html) = std::fs::read(&index) else {
        return page;
    };
    if same_page(&static_dir.join("index.html.br"), &html, |b| {
        let mut out = Vec::new();
        brotli_decompressor::Decompressor::new(b, 4096)
            .read_to_end(&mut out)
            .map(|_| out)
    }) {
        page = page.precompressed_br();
    }
    if same_page(&static_dir.join("index.html.gz"), &html, |b| {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(b)
            .read_to_end(&mut out)
            .map(|_| out)
    }) {
        page = page.precompressed_gzip();
    }
    page
}

/// Whether the file `copy` exists and decodes to `html`; a copy that does not is reported.
fn same_page(copy: &Path, html: &[u8], decode: impl Fn(&[u8]) -> std::io::Result<Vec<u8>>) -> bool {
    let Ok(bytes) = std::fs::read(copy) else {
        return false;
    };
    let same = decode(&bytes).is_ok_and(|page| page == html);
    if !same {
        tracing::warn!(path = %copy.display(), "not index.html compressed (stale? run `make web` again): not served; the page is compressed on the fly");
    }
    same
}

/// A generated script with its caching rule.
pub fn script(body: Bytes, cache: &'static str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of Trunk's `dist/index.html` (stylesheet link, inline loader, preloads), with a comment
    /// that has apostrophes and a quoted non-path.
    const INDEX: &str = r#"<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Register an app · Developer Portal</title>
    <link rel="stylesheet" href="/main-47847a9b267d3149.css" integrity="sha384-ekBr"/>
    <!-- wasm-bindgen's externref table ("WebAssembly.Table.set(): Argument 1 is invalid"), rustc's opt-level -->
<script type="module">
import init, * as bindings from '/appreg-web-27817fe5ceaa7f2d.js';
const wasm = await init({ module_or_path: '/appreg-web-27817fe5ceaa7f2d_bg.wasm' });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent("TrunkApplicationStarted", {detail: {wasm}}));
</script>
  <link rel="modulepreload" href="/appreg-web-27817fe5ceaa7f2d.js" crossorigin="anonymous" integrity="sha384-Ilh"><link rel="preload" href="/appreg-web-27817fe5ceaa7f2d_bg.wasm" crossorigin="anonymous" integrity="sha384-j/07" as="fetch" type="application/wasm"></head>
  <body>
    <noscript>Registering an app needs JavaScript and WebAssembly.</noscript>
  </body>
</html>"#;

    fn files(extra: &str) -> impl Fn(&str) -> Option<Vec<u8>> + '_ {
        move |p: &str| Some(format!("{p}{extra}").into_bytes())
    }

    /// A reader of a split build: the loader's text for `/__wasm_split.js`, each other file its path.
    fn split_files(loader: &str) -> impl Fn(&str) -> Option<Vec<u8>> + '_ {
        move |p: &str| {
            Some(if p == "/__wasm_split.js" {
                loader.as_bytes().to_vec()
            } else {
                p.as_bytes().to_vec()
            })
        }
    }

    /// The glue, wasm and CSS of the test pages.
    fn assert_names(b: &Build) {
        assert_eq!(b.js.as_deref(), Some("/appreg-web-27817fe5ceaa7f2d.js"));
        assert_eq!(
            b.wasm.as_deref(),
            Some("/appreg-web-27817fe5ceaa7f2d_bg.wasm")
        );
        assert_eq!(b.css.as_deref(), Some("/main-47847a9b267d3149.css"));
    }

    #[test]
    fn reads_the_build_from_trunks_index() {
        let b = Build::from_index(INDEX, files(""));
        assert_names(&b);
        assert_eq!(
            b.files,
            [
                "/",
                "/main-47847a9b267d3149.css",
                "/appreg-web-27817fe5ceaa7f2d.js",
                "/appreg-web-27817fe5ceaa7f2d_bg.wasm"
            ]
        );
        // The id: SHA-256 over path, NUL, bytes of each file in order; its first 8 bytes in hex.
        let mut h = sha2::Sha256::new();
        for f in &b.files {
            h.update(f.as_bytes());
            h.update([0u8]);
            if f == "/" {
                h.update(INDEX.as_bytes());
            } else {
                h.update(f.as_bytes());
            }
        }
        assert_eq!(b.id, hex::encode(&h.finalize()[..8]));
        assert_eq!(b.id.len(), 16);
        assert!(b
            .id
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        // A changed file, or a changed page, is a new build.
        assert_ne!(Build::from_index(INDEX, files("!")).id, b.id);
        assert_ne!(
            Build::from_index(&INDEX.replace("<title>", "<title> "), files("")).id,
            b.id
        );
        assert_eq!(Build::from_index(INDEX, files("")), b);
    }

    #[test]
    fn a_split_builds_on_demand_modules_belong_to_it() {
        // As scripts/wasm-split/stage.sh leaves it: the loader named before Trunk's module script.
        let index = INDEX.replace(
            "<script type=\"module\">",
            "<meta name=\"appreg-loader\" content=\"/__wasm_split.js\" />\n<script type=\"module\">",
        );
        // The loader as scripts/wasm-split/stage.sh leaves it (abridged): the glue, then two modules,
        // one named twice; a path that is not plain is not a module of the build.
        let loader = r#"import { initSync } from "./appreg-web-27817fe5ceaa7f2d.js";
const a = () => fetch(new URL("./chunk_1-0123456789abcdef.wasm", import.meta.url));
const b = () => fetch(new URL("./split_later-a7e65d009a09e308.wasm", import.meta.url));
const c = () => fetch(new URL("./split_later-a7e65d009a09e308.wasm", import.meta.url));
const d = () => fetch(new URL("./../evil.wasm", import.meta.url));"#;
        let read = split_files(loader);
        let b = Build::from_index(&index, &read);
        assert_names(&b);
        assert_eq!(
            b.files,
            [
                "/",
                "/main-47847a9b267d3149.css",
                "/__wasm_split.js",
                "/appreg-web-27817fe5ceaa7f2d.js",
                "/appreg-web-27817fe5ceaa7f2d_bg.wasm",
                "/chunk_1-0123456789abcdef.wasm",
                "/split_later-a7e65d009a09e308.wasm",
            ]
        );
        // A new on-demand module is a new build.
        let other = |p: &str| {
            read(p).map(|bytes| {
                if p.ends_with("later-a7e65d009a09e308.wasm") {
                    b"!".to_vec()
                } else {
                    bytes
                }
            })
        };
        assert_ne!(Build::from_index(&index, other).id, b.id);
        // Without the loader the modules are unknown; a plain build has none.
        assert_eq!(split_modules(""), Vec::<String>::new());
        assert_eq!(Build::from_index(INDEX, read).files.len(), 4);
    }

    #[test]
    fn a_page_with_its_first_screen_inline_names_the_build_by_meta_elements() {
        // As scripts/wasm-split/inline.py leaves a release build's page (abridged): the wasm preloaded
        // first, the glue, the loader and the CSS inline, and named by <meta> (which fetches nothing).
        let index = r#"<!doctype html><html lang="en"><head><meta charset="utf-8" />
    <title>Register an app · Developer Portal</title>
    <link rel="preload" href="/appreg-web-27817fe5ceaa7f2d_bg.wasm" crossorigin="anonymous" as="fetch" type="application/wasm">
    <meta name="appreg-glue" content="/appreg-web-27817fe5ceaa7f2d.js" />
    <meta name="appreg-css" content="/main-47847a9b267d3149.css" />
    <meta name="appreg-loader" content="/__wasm_split.js" />
    <style>.appreg{color:red}</style>
<script type="module">var l=c(()=>fetch(new URL("./chunk_1-0123456789abcdef.wasm",location.origin)));const w=await P({module_or_path:"/appreg-web-27817fe5ceaa7f2d_bg.wasm"});</script></head>
  <body><script>{appregEarly={};appregEarly["/api/v1/me"]=fetch("/api/v1/me")}</script></body></html>"#;
        let loader = r#"import{initSync as u}from"./appreg-web-27817fe5ceaa7f2d.js";const l=c(()=>fetch(new URL("./chunk_1-0123456789abcdef.wasm",import.meta.url)));"#;
        let read = split_files(loader);
        let b = Build::from_index(index, read);
        assert_names(&b);
        assert_eq!(
            b.files,
            [
                "/",
                "/appreg-web-27817fe5ceaa7f2d_bg.wasm",
                "/appreg-web-27817fe5ceaa7f2d.js",
                "/main-47847a9b267d3149.css",
                "/__wasm_split.js",
                "/chunk_1-0123456789abcdef.wasm",
            ]
        );
    }

    #[test]
    fn the_placeholder_becomes_the_json_quotes_included() {
        let b = Build::from_index(INDEX, files(""));
        let filled = b.fill("const BUILD = \"__APPREG_BUILD__\";\nself.x = '__APPREG_BUILD__';");
        let json = filled
            .strip_prefix("const BUILD = ")
            .and_then(|s| s.split_once(";\n"))
            .unwrap()
            .0;
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(v["id"], b.id.as_str());
        assert_eq!(v["js"], "/appreg-web-27817fe5ceaa7f2d.js");
        assert_eq!(v["wasm"], "/appreg-web-27817fe5ceaa7f2d_bg.wasm");
        assert_eq!(v["css"], "/main-47847a9b267d3149.css");
        assert_eq!(v["files"].as_array().unwrap().len(), 4);
        assert!(filled.ends_with("self.x = '__APPREG_BUILD__';"));
        // A page without a build's files: nulls, and only the page itself.
        let b = Build::from_index("<!doctype html><title>appreg</title>", files(""));
        assert_eq!(
            b.json(),
            format!(
                r#"{{"id":"{}","js":null,"wasm":null,"css":null,"files":["/"]}}"#,
                b.id
            )
        );
    }

    #[test]
    fn only_plain_quoted_paths_count() {
        let html = r#"<a href="//evil.example/x.js"></a><a href='/../x.js'></a><a href="/a b.js"></a>
            <a href="/x.js?v=1"></a><a href="/y.js'></a><p>'/z.css'</p><a href="/.js"></a>"#;
        assert_eq!(build_paths(html), ["/z.css"]);
    }

    #[test]
    fn the_templates_carry_the_placeholder_once() {
        for (name, t) in [("sw.js", SW_TEMPLATE), ("embed.js", EMBED_TEMPLATE)] {
            assert_eq!(t.matches(PLACEHOLDER).count(), 1, "assets/{name}");
        }
    }
}
