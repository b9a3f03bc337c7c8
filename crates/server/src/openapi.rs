//! The OpenAPI 3.1 document at `/api/v1/openapi.json`, built from the route table below.

use axum::Json;
use serde_json::{json, Map, Value};

/// (method, path, summary, request body type, success status)
pub const OPERATIONS: &[(&str, &str, &str, Option<&str>, u16)] = &[
    (
        "post",
        "/session",
        "Sign in; sets the session cookie",
        Some("SignIn"),
        200,
    ),
    ("delete", "/session", "Sign out", None, 204),
    (
        "get",
        "/me",
        "The user, their partners and roles",
        None,
        200,
    ),
    (
        "post",
        "/tokens",
        "Create an API token (returned once)",
        Some("NewApiToken"),
        201,
    ),
    ("get", "/tokens", "List API tokens", None, 200),
    ("delete", "/tokens/{id}", "Revoke an API token", None, 204),
    (
        "get",
        "/sessions",
        "My sessions (signed-in sessions only)",
        None,
        200,
    ),
    (
        "delete",
        "/sessions",
        "End all my other sessions",
        None,
        204,
    ),
    (
        "delete",
        "/sessions/{id}",
        "End one of my sessions",
        None,
        204,
    ),
    (
        "get",
        "/templates",
        "The six templates with default configuration and license notes",
        None,
        200,
    ),
    (
        "post",
        "/check",
        "Validate values or a registration without saving",
        Some("CheckRequest"),
        200,
    ),
    ("get", "/partners/{partner}", "Partner page data", None, 200),
    (
        "get",
        "/partners/{partner}/applications",
        "The partner's apps, by cursor",
        None,
        200,
    ),
    (
        "post",
        "/partners/{partner}/applications",
        "Create an app (Idempotency-Key)",
        Some("CreateApplication"),
        201,
    ),
    (
        "get",
        "/partners/{partner}/applications/name-available",
        "NAME-TAKEN check",
        None,
        200,
    ),
    (
        "get",
        "/partners/{partner}/users",
        "Technical contact candidates",
        None,
        200,
    ),
    (
        "get",
        "/applications/{app}",
        "An app, with an ETag",
        None,
        200,
    ),
    (
        "patch",
        "/applications/{app}",
        "Change URLs, endpoints, contact (If-Match)",
        Some("ApplicationPatch"),
        200,
    ),
    (
        "get",
        "/applications/{app}/secrets",
        "Live client secrets (never the secret)",
        None,
        200,
    ),
    (
        "post",
        "/applications/{app}/secrets",
        "New client secret, shown once",
        Some("NewSecretRequest"),
        201,
    ),
    (
        "delete",
        "/applications/{app}/secrets/{secret}",
        "Revoke a client secret",
        None,
        204,
    ),
    (
        "get",
        "/applications/{app}/certificates",
        "Certificates (public keys)",
        None,
        200,
    ),
    (
        "post",
        "/applications/{app}/certificates",
        "Generate or upload a key",
        Some("NewCertificateRequest"),
        201,
    ),
    (
        "delete",
        "/applications/{app}/certificates/{cert}",
        "Remove a certificate",
        None,
        204,
    ),
    (
        "get",
        "/applications/{app}/publish-requests",
        "The app's publish requests",
        None,
        200,
    ),
    (
        "post",
        "/applications/{app}/publish-requests",
        "Request to publish",
        Some("NewPublishRequest"),
        201,
    ),
    (
        "get",
        "/publish-requests",
        "The app manager's queue",
        None,
        200,
    ),
    (
        "post",
        "/publish-requests/{id}/approve",
        "Approve (app manager)",
        None,
        200,
    ),
    (
        "post",
        "/publish-requests/{id}/reject",
        "Reject with a reason (app manager)",
        Some("RejectRequest"),
        200,
    ),
];

pub fn build() -> Value {
    let mut paths = Map::new();
    for (method, path, summary, body, status) in OPERATIONS {
        let params: Vec<Value> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        let mut op = json!({
            "summary": summary,
            "parameters": params,
            "responses": {
                status.to_string(): {"description": "Success"},
                "default": {"description": "Problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            }
        });
        if let Some(b) = body {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{b}")}}}});
        }
        let entry = paths
            .entry(format!("/api/v1{path}"))
            .or_insert_with(|| json!({}));
        entry[*method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "appreg portal API", "version": env!("CARGO_PKG_VERSION")},
        "paths": paths,
        "components": {"schemas": {
            "Problem": {"type": "object", "required": ["type", "title", "status"], "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                "detail": {"type": "string"},
                "errors": {"type": "array", "items": {"type": "object", "properties": {
                    "field": {"type": "string"}, "rule": {"type": "string"},
                    "severity": {"enum": ["info", "warning", "error"]}, "message": {"type": "string"}}}}}},
            "SignIn": {"type": "object", "required": ["email", "password"], "additionalProperties": false,
                "properties": {"email": {"type": "string"}, "password": {"type": "string"}}},
            "CreateApplication": {"type": "object", "additionalProperties": false,
                "required": ["template", "app_type", "name", "technical_contact"],
                "properties": {
                    "template": {"enum": ["web", "native", "server-to-server", "mirroring", "erp", "empty"]},
                    "app_type": {"enum": ["custom", "standard"]},
                    "name": {"type": "string", "maxLength": 64},
                    "redirect_urls": {"type": "array", "items": {"type": "string"}, "maxItems": 100},
                    "endpoints": {"type": "object"},
                    "technical_contact": {"type": "string", "format": "email"}}},
            "ApplicationPatch": {"type": "object", "additionalProperties": false},
            "NewSecretRequest": {"type": "object", "required": ["environment"], "additionalProperties": false,
                "properties": {"environment": {"enum": ["sod", "stage", "production"]}, "description": {"type": "string"},
                    "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 730}}},
            "NewCertificateRequest": {"type": "object", "required": ["environment"], "additionalProperties": false},
            "NewPublishRequest": {"type": "object", "required": ["environment"], "additionalProperties": false},
            "RejectRequest": {"type": "object", "required": ["reason"], "additionalProperties": false},
            "NewApiToken": {"type": "object", "required": ["name"], "additionalProperties": false,
                "properties": {"name": {"type": "string", "maxLength": 100},
                    "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 365, "default": 90},
                    "scope": {"enum": ["read", "write"], "default": "write"}}},
            "CheckRequest": {"type": "object", "additionalProperties": false}
        }}
    })
}

pub async fn document() -> Json<Value> {
    Json(build())
}
