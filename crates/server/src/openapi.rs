//! The OpenAPI 3.1 document at `/api/v1/openapi.json`, derived from the handlers' `#[utoipa::path]`
//! attributes (the same ones [`crate::routes::api`] registers the routes from) and the core's types.
//!
//! The attributes list each operation's statuses; this module adds what every operation shares: the
//! `application/problem+json` body (the core's `Problem`) on every 4xx/5xx, `Retry-After` on 429 and 503,
//! the statuses of a rejected JSON body (400, 413, 415, 422) where there is one, 500, and the security
//! schemes.

use crate::routes;
use crate::AppState;
use appreg_core::api::{FieldError, Problem};
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{json, Map, Value};
use std::sync::LazyLock;
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Where the API lives.
pub const BASE: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(title = "appreg portal API", description = "Register an app: partners, applications, client secrets, certificates and publishing."),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "session", description = "Sign in and out"),
        (name = "tokens", description = "API tokens for the CLI and CI"),
        (name = "sessions", description = "The signed-in user's sessions"),
        (name = "templates", description = "App templates"),
        (name = "check", description = "Validation without saving"),
        (name = "partners", description = "Partners"),
        (name = "applications", description = "Applications"),
        (name = "secrets", description = "Client secrets"),
        (name = "certificates", description = "Certificates"),
        (name = "publishing", description = "Publish requests"),
        (name = "app-store", description = "App Store information of standard apps: its versions, images and requests to publish"),
        (name = "versions", description = "Versions of an app's configuration and its change log"),
        (name = "tickets", description = "The Messaging Center: every publish request is a ticket, a conversation between the partner's users and the app managers"),
        (name = "meta", description = "This document"),
    )
)]
struct ApiDoc;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(document))
}

/// Statuses of a rejected JSON body, with what they mean.
const BODY_ERRORS: [(&str, &str); 4] = [
    ("400", "The body is not valid JSON"),
    ("413", "The body is larger than 256 KiB"),
    (
        "415",
        "The body is not sent as Content-Type: application/json",
    ),
    (
        "422",
        "The body does not match the schema (a missing or unknown field, a wrong type)",
    ),
];

fn problem_response(description: &str, retry: bool) -> Value {
    let mut r = json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    });
    if retry {
        r["headers"] = json!({"Retry-After": {
            "description": "Seconds to wait before trying again",
            "schema": {"type": "integer", "minimum": 1}
        }});
    }
    r
}

fn finish_operation(op: &mut Map<String, Value>) {
    let has_body = op.contains_key("requestBody");
    if let Some(body) = op.get_mut("requestBody") {
        body["required"] = Value::Bool(true);
    }
    let responses = op
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("responses is an object");
    if has_body {
        for (status, description) in BODY_ERRORS {
            responses
                .entry(status)
                .or_insert_with(|| json!({"description": description}));
        }
    }
    responses.entry("500").or_insert_with(
        || json!({"description": "Something went wrong on our side (the details are in the log)"}),
    );
    for (status, response) in responses.iter_mut() {
        if status.as_str() >= "400" {
            let description = response["description"].as_str().unwrap_or("").to_string();
            *response = problem_response(&description, status == "429" || status == "503");
        }
    }
}

/// What the types alone cannot say, stated where the server enforces it (found by schemathesis):
/// `/check` needs a registration or a kind, and an `Idempotency-Key` is 1 to 200 visible characters
/// without surrounding spaces.
fn refine(doc: &mut Value) {
    let schemas = &mut doc["components"]["schemas"];
    if let Some(check) = schemas
        .get_mut("CheckRequest")
        .and_then(Value::as_object_mut)
    {
        check.insert(
            "anyOf".into(),
            json!([
                {"required": ["registration"],
                 "properties": {"registration": {"$ref": "#/components/schemas/CreateApplication"}}},
                {"required": ["kind"],
                 "properties": {"kind": {"$ref": "#/components/schemas/CheckKind"}}}
            ]),
        );
    }
    for_each_operation(doc, |op| {
        let params = op.get_mut("parameters").and_then(Value::as_array_mut);
        for param in params.into_iter().flatten() {
            if param["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case("idempotency-key"))
            {
                param["schema"] = json!({
                    "type": "string", "minLength": 1, "maxLength": 200,
                    "pattern": "^[\\x21-\\x7E]([\\x20-\\x7E]*[\\x21-\\x7E])?$"
                });
            }
        }
    });
}

/// Calls `f` with every operation object of the document.
fn for_each_operation(doc: &mut Value, mut f: impl FnMut(&mut Map<String, Value>)) {
    let items = doc["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|p| p.values_mut());
    for item in items {
        let ops = item
            .as_object_mut()
            .into_iter()
            .flat_map(|i| i.values_mut());
        for op in ops.filter_map(Value::as_object_mut) {
            f(op);
        }
    }
}

/// The document, built from the routes.
pub fn build() -> Value {
    let (_, doc) = OpenApiRouter::<AppState>::with_openapi(ApiDoc::openapi())
        .nest(BASE, routes::api())
        .split_for_parts();
    let mut doc = serde_json::to_value(&doc).expect("the document serialises");
    doc["info"]["version"] = json!(env!("CARGO_PKG_VERSION"));
    for_each_operation(&mut doc, finish_operation);
    refine(&mut doc);
    doc["components"]["securitySchemes"] = json!({
        "session": {
            "type": "apiKey", "in": "cookie", "name": crate::auth::COOKIE,
            "description": "The session cookie set by POST /api/v1/session (named __Host-appreg_session when the server's public URL is https)."
        },
        "csrf": {
            "type": "apiKey", "in": "header", "name": "X-Requested-With",
            "description": "With a session cookie, every request but GET, HEAD and OPTIONS sends X-Requested-With: appreg."
        },
        "bearer": {
            "type": "http", "scheme": "bearer",
            "description": "An API token (POST /api/v1/tokens): scope read allows GET and POST /check, write everything an API token may do."
        }
    });
    doc
}

static DOCUMENT: LazyLock<String> = LazyLock::new(|| build().to_string());

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object)))]
pub async fn document() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.as_str(),
    )
}
