//! The one place that knows the REST API: every path, every fetch (gloo-net). The SPA's own hash
//! routes are in [`crate::routes`].
//!
//! Requests go through a [`Transport`]. The default one is the browser's `fetch` (through gloo-net); tests (and a host
//! portal that wants to proxy calls) install another with [`set_transport`], so the whole app can run
//! against a fake server.

use appreg_core::api::{
    Application, ApplicationPatch, ApplicationRow, ApplicationRowPage, Certificate,
    CreateApplication, FieldError, Me, NameAnswer, NewCertificateRequest, NewPublishRequest,
    NewSecret, NewSecretRequest, Problem, ProblemHead, PublishRequest, RejectRequest, SecretInfo,
    SessionInfo, SignIn, StartCoding, UserSummary,
};
use appreg_core::notifications::{
    NotificationKind, NotificationPrefs, SetNotificationPref, SetNotificationPrefs,
};
use appreg_core::tickets::{
    NewTicketMessage, Ticket, TicketFilter, TicketMessage, TicketSummary, UnreadCounts,
};
use appreg_core::versions::{
    ChangeEntry, EnvironmentUrls, NewVersion, PublishVersion, VersionInfo, VersionSnapshot,
};
use appreg_core::{AppStoreInfo, AppStoreState, ImageRef};
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// One HTTP request, as the transport sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
    pub etag: Option<String>,
    /// `x-appreg-stored-at`: the service worker answered from its offline copy received then.
    pub stored_at: Option<String>,
}

pub type TransportFuture = Pin<Box<dyn Future<Output = Result<HttpResponse, String>>>>;
/// Sends a request; `Err` means the network failed (offline, DNS, CORS), not an HTTP error.
pub type Transport = Rc<dyn Fn(HttpRequest) -> TransportFuture>;

/// Where an embedded wizard gets the host's bearer token before each request (`None`: no token).
pub type TokenSource = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Option<String>>>>>;

thread_local! {
    static TRANSPORT: RefCell<Option<Transport>> = const { RefCell::new(None) };
    static BASE: RefCell<String> = const { RefCell::new(String::new()) };
    static TOKEN: RefCell<Option<TokenSource>> = const { RefCell::new(None) };
}

/// Signs every request with the host page's bearer token instead of the portal's session cookie
/// (an embedded wizard on another origin: no cookies cross sites, no CSRF header needed).
pub fn set_token_source(t: Option<TokenSource>) {
    TOKEN.with(|c| *c.borrow_mut() = t);
}

/// Whether requests carry the host's bearer token (the host owns sign-in and sign-out).
pub fn uses_token() -> bool {
    TOKEN.with(|c| c.borrow().is_some())
}

/// Replaces the network layer (`None` restores the browser's `fetch`).
pub fn set_transport(t: Option<Transport>) {
    TRANSPORT.with(|c| *c.borrow_mut() = t);
}

/// Sets the API origin (the host's `data-api-base`; empty means the page's own origin).
pub fn set_base(base: &str) {
    BASE.with(|b| *b.borrow_mut() = base.trim_end_matches('/').to_string());
}

/// An API failure: the network, an HTTP error with its problem+json body, or an unreadable body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    Network(String),
    /// `problem` is what every page shows of the problem+json body; `body` keeps the rest, for the
    /// forms that show its field errors ([`ApiError::field_errors`]).
    Http {
        status: u16,
        problem: Option<ProblemHead>,
        body: String,
    },
    Decode(String),
}

impl ApiError {
    pub fn is_network(&self) -> bool {
        matches!(self, ApiError::Network(_))
    }
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }
    /// An HTTP error from its status and body.
    pub fn http(status: u16, body: String) -> ApiError {
        ApiError::Http {
            status,
            problem: serde_json::from_str(&body).ok(),
            body,
        }
    }
    /// The field errors of the problem+json body, read when asked for.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            ApiError::Http { body, .. } => serde_json::from_str::<Problem>(body)
                .map(|p| p.errors)
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }
    /// A sentence for the user.
    pub fn message(&self) -> String {
        match self {
            ApiError::Network(_) => {
                "The server could not be reached. Check your connection and try again.".into()
            }
            ApiError::Http {
                problem: Some(p), ..
            } => {
                if p.detail.is_empty() {
                    p.title.clone()
                } else {
                    format!("{} {}", p.title, p.detail)
                }
            }
            ApiError::Http { status, .. } => format!("The server answered with status {status}."),
            ApiError::Decode(_) => "The server sent an answer this page cannot read.".into(),
        }
    }
}

fn url(path: &str) -> String {
    BASE.with(|b| format!("{}/api/v1{path}", b.borrow()))
}

fn enc(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

async fn send(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let custom = TRANSPORT.with(|t| t.borrow().clone());
    let res = match custom {
        Some(t) => t(req).await,
        None => browser_fetch(req).await,
    };
    res.map_err(ApiError::Network)
}

/// With the host's bearer token no cookie is sent (the token is the whole sign-in); else the session
/// cookie goes along.
fn credentials(headers: &[(&'static str, String)]) -> web_sys::RequestCredentials {
    if headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("Authorization"))
    {
        web_sys::RequestCredentials::Omit
    } else {
        web_sys::RequestCredentials::Include
    }
}

/// The default transport: the browser's `fetch` through gloo-net, with the session cookie.
async fn browser_fetch(req: HttpRequest) -> Result<HttpResponse, String> {
    let resp = match early(&req) {
        Some(Early::Written(body)) => {
            return Ok(HttpResponse {
                status: 200,
                etag: None,
                stored_at: None,
                body,
            })
        }
        Some(Early::Sent(pending)) => wasm_bindgen_futures::JsFuture::from(pending)
            .await
            .map(|r| gloo_net::http::Response::from(r.unchecked_into::<web_sys::Response>()))
            .map_err(|_| "fetch failed".to_string())?,
        None => gloo_request(req)?.send().await.map_err(|e| e.to_string())?,
    };
    Ok(HttpResponse {
        status: resp.status(),
        etag: resp.headers().get("ETag"),
        stored_at: resp.headers().get("x-appreg-stored-at"),
        body: resp.text().await.map_err(|e| e.to_string())?,
    })
}

/// `req` as a gloo-net request: JSON accepted, a JSON body if it has one, the cookie unless it carries
/// a host's token.
fn gloo_request(req: HttpRequest) -> Result<gloo_net::http::Request, String> {
    let builder = builder(req.method, &req.url, &req.headers).header("Accept", "application/json");
    match req.body {
        Some(body) => builder
            .header("Content-Type", "application/json")
            .body(body),
        None => builder.build(),
    }
    .map_err(|e| e.to_string())
}

/// The page's answer to one of the app's first requests.
enum Early {
    /// Written into the page by the server (signed in: `<script type="application/json"
    /// id="appreg-me">`, crates/server/src/page.rs): the app draws the signed-in screen without waiting.
    Written(String),
    /// Asked for by `index.html` as soon as it could, so that the answer is read while the wasm
    /// compiles: `GET /api/v1/me` when the page has no answer written in, and the partner page's first
    /// page of apps when the page opened on it (a promise of the response, its body read already).
    Sent(js_sys::Promise),
}

/// The page's answer to `req`, taken once (the element is removed, the entry of `appregEarly`, kept by
/// address, cleared). `None` for any other request, and when there is none to take (another page, an
/// API on another origin, a host's token, or taken already): then the request is sent now.
fn early(req: &HttpRequest) -> Option<Early> {
    if req.method != "GET" || req.header("Authorization").is_some() {
        return None;
    }
    let window = web_sys::window()?;
    if req.url == "/api/v1/me" {
        if let Some(el) = window.document()?.get_element_by_id("appreg-me") {
            el.remove();
            return el.text_content().map(Early::Written);
        }
    }
    let sent = js_sys::Reflect::get(&window, &"appregEarly".into()).ok()?;
    let key = wasm_bindgen::JsValue::from_str(&req.url);
    let pending = js_sys::Reflect::get(&sent, &key).ok()?.dyn_into().ok()?;
    js_sys::Reflect::set(&sent, &key, &wasm_bindgen::JsValue::UNDEFINED).ok()?;
    Some(Early::Sent(pending))
}

/// The host's bearer token when embedded with one, else the CSRF header on state-changing requests
/// (the session cookie goes with them).
async fn auth_headers(method: &str) -> Vec<(&'static str, String)> {
    let source = TOKEN.with(|c| c.borrow().clone());
    match source {
        Some(get) => get()
            .await
            .map(|t| ("Authorization", format!("Bearer {t}")))
            .into_iter()
            .collect(),
        None if method != "GET" => vec![("X-Requested-With", "appreg".into())],
        None => vec![],
    }
}

/// Sends a request: signs it ([`auth_headers`]), maps errors.
async fn request(
    method: &'static str,
    path: String,
    mut headers: Vec<(&'static str, String)>,
    body: Option<String>,
) -> Result<HttpResponse, ApiError> {
    headers.extend(auth_headers(method).await);
    let resp = send(HttpRequest {
        method,
        url: url(&path),
        headers,
        body,
    })
    .await?;
    if resp.status >= 400 {
        return Err(ApiError::http(resp.status, resp.body));
    }
    Ok(resp)
}

fn decode<T: DeserializeOwned>(resp: &HttpResponse) -> Result<T, ApiError> {
    serde_json::from_str(&resp.body).map_err(|e| ApiError::Decode(e.to_string()))
}

fn json<T: serde::Serialize>(v: &T) -> Option<String> {
    serde_json::to_string(v).ok()
}

/// `POST /api/v1/session`
pub async fn sign_in(body: &SignIn) -> Result<(), ApiError> {
    request("POST", "/session".into(), vec![], json(body)).await?;
    Ok(())
}

/// `DELETE /api/v1/session`
pub async fn sign_out() -> Result<(), ApiError> {
    request("DELETE", "/session".into(), vec![], None).await?;
    Ok(())
}

/// `GET /api/v1/me`'s answer, and when it was stored if the service worker answered from its offline
/// copy (`x-appreg-stored-at`, RFC 3339).
#[derive(Clone)]
pub struct MeAnswer {
    pub me: Me,
    pub stored_at: Option<String>,
}

/// `GET /api/v1/me`
pub async fn me() -> Result<MeAnswer, ApiError> {
    let resp = request("GET", "/me".into(), vec![], None).await?;
    Ok(MeAnswer {
        me: decode(&resp)?,
        stored_at: resp.stored_at,
    })
}

/// `GET /api/v1/sessions`: my sessions, this one marked `current`.
pub async fn sessions() -> Result<Vec<SessionInfo>, ApiError> {
    decode(&request("GET", "/sessions".into(), vec![], None).await?)
}

/// `DELETE /api/v1/sessions/{id}`: ends one of my sessions.
pub async fn end_session(id: &str) -> Result<(), ApiError> {
    request("DELETE", format!("/sessions/{}", enc(id)), vec![], None).await?;
    Ok(())
}

/// What the partner page asks the app list for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppQuery {
    /// Part of the name.
    pub query: String,
    /// A template id, or empty for all.
    pub template: String,
    /// `pending`, `published`, `rejected`, `active`, `deactivated`, or empty for all.
    pub state: String,
    /// The apps an administrator can restore, instead of the live ones.
    pub deleted: bool,
}

/// `GET /api/v1/partners/{partner}/applications?query=&template=&state=&deleted=&cursor=`: one page.
pub async fn applications(
    partner: &str,
    q: &AppQuery,
    cursor: Option<&str>,
) -> Result<ApplicationRowPage, ApiError> {
    let mut path = format!("/partners/{}/applications?limit=50", enc(partner));
    let params = [
        ("query", q.query.trim()),
        ("template", q.template.as_str()),
        ("state", q.state.as_str()),
        ("deleted", if q.deleted { "true" } else { "" }),
        ("cursor", cursor.unwrap_or("")),
    ];
    for (k, v) in params.into_iter().filter(|(_, v)| !v.is_empty()) {
        path.push_str(&format!("&{k}={}", enc(v)));
    }
    decode(&request("GET", path, vec![], None).await?)
}

/// `GET /api/v1/partners/{partner}/applications/name-available?name=`
pub async fn name_available(partner: &str, name: &str) -> Result<NameAnswer, ApiError> {
    let path = format!(
        "/partners/{}/applications/name-available?name={}",
        enc(partner),
        enc(name)
    );
    decode(&request("GET", path, vec![], None).await?)
}

/// `GET /api/v1/partners/{partner}/users?email_prefix=`
pub async fn users(partner: &str, email_prefix: &str) -> Result<Vec<UserSummary>, ApiError> {
    let path = format!(
        "/partners/{}/users?email_prefix={}",
        enc(partner),
        enc(email_prefix)
    );
    decode(&request("GET", path, vec![], None).await?)
}

/// `POST /api/v1/partners/{partner}/applications` with its `Idempotency-Key`.
pub async fn create_application(
    partner: &str,
    idempotency_key: &str,
    body: &CreateApplication,
) -> Result<Application, ApiError> {
    let path = applications_path(partner);
    let headers = vec![("Idempotency-Key", idempotency_key.to_string())];
    decode(&request("POST", path, headers, json(body)).await?)
}

fn applications_path(partner: &str) -> String {
    format!("/partners/{}/applications", enc(partner))
}

/// Where [`create_application`] posts, and its body: for the service worker's Background Sync of a
/// queued create (`None` when the body cannot be serialised).
pub fn create_request(partner: &str, body: &CreateApplication) -> Option<(String, String)> {
    Some((url(&applications_path(partner)), json(body)?))
}

/// `GET /api/v1/applications/{app}` with its `ETag`.
pub async fn application(app: &str) -> Result<(Application, Option<String>), ApiError> {
    let resp = request("GET", format!("/applications/{}", enc(app)), vec![], None).await?;
    Ok((decode(&resp)?, resp.etag))
}

/// `PATCH /api/v1/applications/{app}` with `If-Match`.
pub async fn patch_application(
    app: &str,
    etag: &str,
    patch: &ApplicationPatch,
) -> Result<(Application, Option<String>), ApiError> {
    let headers = vec![("If-Match", etag.to_string())];
    let path = format!("/applications/{}", enc(app));
    let resp = request("PATCH", path, headers, json(patch)).await?;
    Ok((decode(&resp)?, resp.etag))
}

/// `DELETE /api/v1/applications/{app}` with `If-Match`: deleted, or deactivated once published beyond SOD.
pub async fn delete_application(app: &str, etag: &str) -> Result<(), ApiError> {
    let headers = vec![("If-Match", etag.to_string())];
    request(
        "DELETE",
        format!("/applications/{}", enc(app)),
        headers,
        None,
    )
    .await?;
    Ok(())
}

/// `POST /api/v1/applications/{app}/restore` (the partner's administrators, within 30 days).
pub async fn restore_application(app: &str) -> Result<ApplicationRow, ApiError> {
    let path = format!("/applications/{}/restore", enc(app));
    decode(&request("POST", path, vec![], None).await?)
}

/// `GET /api/v1/applications/{app}/start-coding`
pub async fn start_coding(app: &str) -> Result<StartCoding, ApiError> {
    let path = format!("/applications/{}/start-coding", enc(app));
    decode(&request("GET", path, vec![], None).await?)
}

/// `POST /api/v1/applications/{app}/secrets`
pub async fn new_secret(app: &str, req: &NewSecretRequest) -> Result<NewSecret, ApiError> {
    let path = format!("/applications/{}/secrets", enc(app));
    decode(&request("POST", path, vec![], json(req)).await?)
}

/// `GET /api/v1/applications/{app}/secrets`
pub async fn secrets(app: &str) -> Result<Vec<SecretInfo>, ApiError> {
    decode(
        &request(
            "GET",
            format!("/applications/{}/secrets", enc(app)),
            vec![],
            None,
        )
        .await?,
    )
}

/// `DELETE /api/v1/applications/{app}/secrets/{secret}`
pub async fn revoke_secret(app: &str, secret: &str) -> Result<(), ApiError> {
    let path = format!("/applications/{}/secrets/{}", enc(app), enc(secret));
    request("DELETE", path, vec![], None).await?;
    Ok(())
}

/// `GET /api/v1/applications/{app}/certificates`
pub async fn certificates(app: &str) -> Result<Vec<Certificate>, ApiError> {
    let path = format!("/applications/{}/certificates", enc(app));
    decode(&request("GET", path, vec![], None).await?)
}

/// `POST /api/v1/applications/{app}/certificates`: generate a key pair, or upload a public key.
pub async fn new_certificate(
    app: &str,
    req: &NewCertificateRequest,
) -> Result<Certificate, ApiError> {
    let path = format!("/applications/{}/certificates", enc(app));
    decode(&request("POST", path, vec![], json(req)).await?)
}

/// `DELETE /api/v1/applications/{app}/certificates/{cert}`
pub async fn delete_certificate(app: &str, cert: &str) -> Result<(), ApiError> {
    let path = format!("/applications/{}/certificates/{}", enc(app), enc(cert));
    request("DELETE", path, vec![], None).await?;
    Ok(())
}

/// `GET /api/v1/applications/{app}/publish-requests`
pub async fn publish_requests(app: &str) -> Result<Vec<PublishRequest>, ApiError> {
    let path = format!("/applications/{}/publish-requests", enc(app));
    decode(&request("GET", path, vec![], None).await?)
}

/// `POST /api/v1/applications/{app}/publish-requests`
pub async fn request_publish(
    app: &str,
    req: &NewPublishRequest,
) -> Result<PublishRequest, ApiError> {
    let path = format!("/applications/{}/publish-requests", enc(app));
    decode(&request("POST", path, vec![], json(req)).await?)
}

/// `GET /api/v1/publish-requests?state=` (app managers only): the review queue.
pub async fn publish_queue(state: &str) -> Result<Vec<PublishRequest>, ApiError> {
    let path = format!("/publish-requests?state={}", enc(state));
    decode(&request("GET", path, vec![], None).await?)
}

/// `POST /api/v1/publish-requests/{id}/approve` (app managers only)
pub async fn approve_publish(id: &str) -> Result<PublishRequest, ApiError> {
    let path = format!("/publish-requests/{}/approve", enc(id));
    decode(&request("POST", path, vec![], None).await?)
}

/// `POST /api/v1/publish-requests/{id}/reject` with the reason (app managers only)
pub async fn reject_publish(id: &str, reason: &str) -> Result<PublishRequest, ApiError> {
    let path = format!("/publish-requests/{}/reject", enc(id));
    let body = RejectRequest {
        reason: reason.to_string(),
    };
    decode(&request("POST", path, vec![], json(&body)).await?)
}

/// `GET /api/v1/applications/{app}/versions`: newest first.
pub async fn versions(app: &str) -> Result<Vec<VersionInfo>, ApiError> {
    let path = format!("/applications/{}/versions", enc(app));
    decode(&request("GET", path, vec![], None).await?)
}

/// `GET /api/v1/applications/{app}/versions/{n}`: the version's JSON snapshot, as the server sends it.
pub async fn version_snapshot(app: &str, n: u32) -> Result<String, ApiError> {
    let path = format!("/applications/{}/versions/{n}", enc(app));
    Ok(request("GET", path, vec![], None).await?.body)
}

/// `GET /api/v1/applications/{app}/versions/{n}`, read.
pub async fn version(app: &str, n: u32) -> Result<VersionSnapshot, ApiError> {
    let path = format!("/applications/{}/versions/{n}", enc(app));
    decode(&request("GET", path, vec![], None).await?)
}

/// The current version's own Stage and Production URLs (R4): `GET …/versions`, then the current one's
/// `GET …/versions/{n}`. The default (both the same as SOD's) for an app without versions.
pub async fn environment_urls(app: &str) -> Result<EnvironmentUrls, ApiError> {
    let current = versions(app).await?.into_iter().find(|v| v.current);
    match current {
        Some(v) => Ok(version(app, v.number).await?.config.environment_urls),
        None => Ok(EnvironmentUrls::default()),
    }
}

/// `POST /api/v1/applications/{app}/versions {label}`: a new draft from the current version.
pub async fn new_version(app: &str, label: &str) -> Result<VersionInfo, ApiError> {
    let path = format!("/applications/{}/versions", enc(app));
    let body = NewVersion {
        label: label.to_string(),
    };
    decode(&request("POST", path, vec![], json(&body)).await?)
}

/// `POST /api/v1/applications/{app}/versions/{n}/publish {environment, message}`: SOD at once,
/// Stage or Production as a publish request.
pub async fn publish_version(app: &str, n: u32, req: &PublishVersion) -> Result<(), ApiError> {
    let path = format!("/applications/{}/versions/{n}/publish", enc(app));
    request("POST", path, vec![], json(req)).await?;
    Ok(())
}

/// A snapshot the change log links to (`snapshot_url`, a path under `/api/v1/applications/`).
pub async fn snapshot_at(snapshot_url: &str) -> Result<String, ApiError> {
    let Some(path) = snapshot_url.strip_prefix("/api/v1") else {
        return Err(ApiError::Decode(format!(
            "unexpected snapshot link {snapshot_url}"
        )));
    };
    if !path.starts_with("/applications/") {
        return Err(ApiError::Decode(format!(
            "unexpected snapshot link {snapshot_url}"
        )));
    }
    Ok(request("GET", path.to_string(), vec![], None).await?.body)
}

/// `GET /api/v1/applications/{app}/changes`: the change log, newest first.
pub async fn changes(app: &str) -> Result<Vec<ChangeEntry>, ApiError> {
    let path = format!("/applications/{}/changes", enc(app));
    decode(&request("GET", path, vec![], None).await?)
}

/// `GET /api/v1/applications/{app}/app-store` with its `ETag` (standard apps only).
pub async fn app_store(app: &str) -> Result<(AppStoreState, Option<String>), ApiError> {
    let resp = request(
        "GET",
        format!("/applications/{}/app-store", enc(app)),
        vec![],
        None,
    )
    .await?;
    Ok((decode(&resp)?, resp.etag))
}

/// `PUT /api/v1/applications/{app}/app-store` with `If-Match`: saves the draft.
pub async fn save_app_store(
    app: &str,
    etag: &str,
    info: &AppStoreInfo,
) -> Result<(AppStoreState, Option<String>), ApiError> {
    let headers = vec![("If-Match", etag.to_string())];
    let path = format!("/applications/{}/app-store", enc(app));
    let resp = request("PUT", path, headers, json(info)).await?;
    Ok((decode(&resp)?, resp.etag))
}

/// `POST /api/v1/applications/{app}/app-store/publish`: asks to publish the listing (Production).
pub async fn publish_app_store(app: &str, message: &str) -> Result<PublishRequest, ApiError> {
    let path = format!("/applications/{}/app-store/publish", enc(app));
    let body = NewPublishRequest {
        environment: appreg_core::Environment::Production,
        message: message.to_string(),
    };
    decode(&request("POST", path, vec![], json(&body)).await?)
}

/// Where an uploaded App Store image is served (for [`object_url`]).
pub fn image_url(app: &str, image: &str) -> String {
    url(&format!(
        "/applications/{}/app-store/images/{}",
        enc(app),
        enc(image)
    ))
}

/// `POST /api/v1/applications/{app}/app-store/images` as `multipart/form-data` (`kind`, `file`). A
/// file cannot pass through the text [`Transport`], so this one goes to the browser's `fetch` directly.
pub async fn upload_image(
    app: &str,
    kind: &str,
    file: &web_sys::File,
) -> Result<ImageRef, ApiError> {
    let form = web_sys::FormData::new().map_err(|_| ApiError::Network("FormData".into()))?;
    let _ = form.append_with_str("kind", kind);
    let _ = form.append_with_blob_and_filename("file", file, &file.name());
    multipart(
        &format!("/applications/{}/app-store/images", enc(app)),
        form,
    )
    .await
}

/// What the portal serves at `href` (an image, an attachment) as a `blob:` URL, fetched signed like every
/// request: an `<img src>` or a link pointing at the portal would go without an embedding host's token
/// (and a host on another site has no portal cookie to send). Revoke it (`Url::revoke_object_url`) once it
/// is used no more.
pub async fn object_url(href: &str) -> Result<String, ApiError> {
    let net = |e: &str| ApiError::Network(e.into());
    let resp = signed("GET", href)
        .await
        .send()
        .await
        .map_err(|e| net(&e.to_string()))?;
    let status = resp.status();
    if status >= 400 {
        return Err(ApiError::http(
            status,
            resp.text().await.unwrap_or_default(),
        ));
    }
    let blob = web_sys::Response::from(resp)
        .blob()
        .map_err(|_| net("blob"))?;
    let blob: web_sys::Blob = wasm_bindgen_futures::JsFuture::from(blob)
        .await
        .map_err(|_| net("blob"))?
        .unchecked_into();
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| net("blob URL"))
}

/// A gloo-net request with `headers`, sending the cookie unless they carry a host's token.
fn builder(
    method: &str,
    url: &str,
    headers: &[(&'static str, String)],
) -> gloo_net::http::RequestBuilder {
    use gloo_net::http::Method;
    let method = match method {
        "POST" => Method::POST,
        "PATCH" => Method::PATCH,
        "PUT" => Method::PUT,
        "DELETE" => Method::DELETE,
        _ => Method::GET,
    };
    let mut builder = gloo_net::http::RequestBuilder::new(url)
        .method(method)
        .credentials(credentials(headers));
    for (k, v) in headers {
        builder = builder.header(k, v);
    }
    builder
}

/// A request to `url` signed as every request is (the host's token, or the cookie and CSRF header), for
/// what the text [`Transport`] cannot carry (files in, images out).
async fn signed(method: &str, url: &str) -> gloo_net::http::RequestBuilder {
    builder(method, url, &auth_headers(method).await)
}

/// Sends a form with files (POST, signed like every request) and decodes the answer.
async fn multipart<T: DeserializeOwned>(
    path: &str,
    form: web_sys::FormData,
) -> Result<T, ApiError> {
    let resp = signed("POST", &url(path))
        .await
        .header("Accept", "application/json")
        .body(form)
        .map_err(|e| ApiError::Network(e.to_string()))?
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let status = resp.status();
    let body = resp
        .text()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if status >= 400 {
        return Err(ApiError::http(status, body));
    }
    serde_json::from_str(&body).map_err(|e| ApiError::Decode(e.to_string()))
}

/// `GET /api/v1/tickets?state=`: the Messaging Center's list, newest first.
pub async fn tickets(filter: TicketFilter) -> Result<Vec<TicketSummary>, ApiError> {
    decode(
        &request(
            "GET",
            format!("/tickets?state={}", filter.id()),
            vec![],
            None,
        )
        .await?,
    )
}

/// `GET /api/v1/tickets/unread`: unread tickets per list (the header's count).
pub async fn unread_tickets() -> Result<UnreadCounts, ApiError> {
    decode(&request("GET", "/tickets/unread".into(), vec![], None).await?)
}

/// `GET /api/v1/tickets/{id}`: the conversation (reading it marks it read).
pub async fn ticket(id: &str) -> Result<Ticket, ApiError> {
    decode(&request("GET", format!("/tickets/{}", enc(id)), vec![], None).await?)
}

/// `POST /api/v1/tickets/{id}/messages {body}`: a reply without attachments.
pub async fn reply(id: &str, body: &str) -> Result<TicketMessage, ApiError> {
    let path = format!("/tickets/{}/messages", enc(id));
    let msg = NewTicketMessage {
        body: body.to_string(),
    };
    decode(&request("POST", path, vec![], json(&msg)).await?)
}

/// `POST /api/v1/tickets/{id}/messages` as `multipart/form-data`: a reply with image attachments
/// (`body` and up to three `file` parts). Files go to the browser's `fetch`, past the text [`Transport`].
pub async fn reply_with_files(
    id: &str,
    body: &str,
    files: &[web_sys::File],
) -> Result<TicketMessage, ApiError> {
    let form = web_sys::FormData::new().map_err(|_| ApiError::Network("FormData".into()))?;
    let _ = form.append_with_str("body", body);
    for f in files {
        let _ = form.append_with_blob_and_filename("file", f, &f.name());
    }
    multipart(&format!("/tickets/{}/messages", enc(id)), form).await
}

/// `POST /api/v1/tickets/{id}/answered`: the partner has answered (the app managers' turn).
pub async fn mark_answered(id: &str) -> Result<(), ApiError> {
    request(
        "POST",
        format!("/tickets/{}/answered", enc(id)),
        vec![],
        None,
    )
    .await?;
    Ok(())
}

/// An attachment's address (served as a download), from the `url` the server gave.
pub fn attachment_href(server_url: &str) -> String {
    BASE.with(|b| format!("{}{server_url}", b.borrow()))
}

/// `GET /api/v1/me/notifications`: which e-mails I get.
pub async fn notifications() -> Result<NotificationPrefs, ApiError> {
    decode(&request("GET", "/me/notifications".into(), vec![], None).await?)
}

/// `PUT /api/v1/me/notifications`: turns one kind of e-mail on or off.
pub async fn set_notification(
    kind: NotificationKind,
    enabled: bool,
) -> Result<NotificationPrefs, ApiError> {
    let body = SetNotificationPrefs {
        kinds: vec![SetNotificationPref {
            kind,
            enabled,
            title: None,
        }],
    };
    decode(&request("PUT", "/me/notifications".into(), vec![], json(&body)).await?)
}
