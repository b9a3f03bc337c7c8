//! Partners, applications, keys and publish requests.

use crate::auth::{configurer, member, Caller};
use crate::db::{self, get_opt, get_s, is_unique_violation, Db};
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::limits;
use crate::AppState;
use appreg_core::api::*;
use appreg_core::{
    check_name, check_publish_request, check_reject_reason, check_secret_request, field_error,
    field_findings, name_key, name_taken_finding, validate_patch, validate_registration, AppType,
    Capability, Environment, Finding, Rule, Template,
};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use sqlx::any::AnyRow;
use std::collections::HashMap;

fn env_state(s: &str) -> EnvState {
    EnvState::from_id(s).unwrap_or(EnvState::None)
}

/// Loads an application with its version and partner.
async fn load(db: &Db, app_id: &str) -> ApiResult<Option<(Application, i64)>> {
    let Some(row) = sqlx::query("SELECT * FROM applications WHERE id = $1")
        .bind(app_id)
        .fetch_optional(db)
        .await?
    else {
        return Ok(None);
    };
    let ids = sqlx::query(
        "SELECT environment, client_id, state FROM client_ids WHERE application_id = $1",
    )
    .bind(app_id)
    .fetch_all(db)
    .await?;
    Ok(Some(row_to_app(&row, &ids)?))
}

fn row_to_app(row: &AnyRow, ids: &[AnyRow]) -> ApiResult<(Application, i64)> {
    use sqlx::Row;
    let mut client = HashMap::new();
    let mut states = HashMap::new();
    for r in ids {
        client.insert(get_s(r, "environment"), get_s(r, "client_id"));
        states.insert(get_s(r, "environment"), env_state(&get_s(r, "state")));
    }
    let json = |col: &str| -> ApiResult<serde_json::Value> {
        serde_json::from_str(&get_s(row, col)).map_err(ApiError::internal)
    };
    let parse = |col: &str| -> ApiResult<Vec<String>> {
        serde_json::from_value(json(col)?).map_err(ApiError::internal)
    };
    let template: Template = get_s(row, "template").parse().map_err(ApiError::internal)?;
    let app_type: AppType = get_s(row, "app_type").parse().map_err(ApiError::internal)?;
    let app = Application {
        id: get_s(row, "id"),
        partner_id: get_s(row, "partner_id"),
        name: get_s(row, "name"),
        template,
        app_type,
        capabilities: serde_json::from_value(json("capabilities")?).map_err(ApiError::internal)?,
        client_ids: ClientIds {
            sod: client.remove("sod").unwrap_or_default(),
            stage: client.remove("stage").unwrap_or_default(),
            production: client.remove("production").unwrap_or_default(),
        },
        redirect_urls: parse("redirect_urls")?,
        post_logout_urls: parse("post_logout_urls")?,
        cors_urls: parse("cors_urls")?,
        endpoints: serde_json::from_value(json("endpoints")?).map_err(ApiError::internal)?,
        technical_contact: get_s(row, "technical_contact"),
        environments: Environments {
            sod: *states.get("sod").unwrap_or(&EnvState::Published),
            stage: *states.get("stage").unwrap_or(&EnvState::None),
            production: *states.get("production").unwrap_or(&EnvState::None),
        },
        created_at: get_s(row, "created_at"),
    };
    Ok((app, row.try_get::<i64, _>("version").unwrap_or(0)))
}

/// The app, if the caller is a member of its partner; 404 otherwise (also for another partner's app).
async fn app_for(
    db: &Db,
    caller: &Caller,
    app_id: &str,
    configure: bool,
) -> ApiResult<(Application, i64)> {
    let (app, version) = load(db, app_id).await?.ok_or(ApiError::NotFound)?;
    if configure {
        configurer(db, caller, &app.partner_id).await?;
    } else {
        member(db, caller, &app.partner_id).await?;
    }
    Ok((app, version))
}

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"v{version}\"")).expect("ascii")
}

fn with_etag(app: Application, version: i64, status: StatusCode) -> Response {
    let mut res = (status, Json(app)).into_response();
    res.headers_mut().insert(header::ETAG, etag(version));
    res
}

pub async fn templates() -> Json<Vec<TemplateInfo>> {
    Json(Template::ALL.into_iter().map(TemplateInfo::of).collect())
}

pub async fn partner(
    State(s): State<AppState>,
    caller: Caller,
    Path(pid): Path<String>,
) -> ApiResult<Json<PartnerPage>> {
    use sqlx::Row;
    let role = member(&s.db, &caller, &pid).await?;
    let row = sqlx::query(
        "SELECT p.name, (SELECT COUNT(*) FROM applications a WHERE a.partner_id = p.id) AS n FROM partners p WHERE p.id = $1",
    )
    .bind(&pid)
    .fetch_one(&s.db)
    .await?;
    Ok(Json(PartnerPage {
        id: pid,
        name: get_s(&row, "name"),
        role,
        application_count: row.try_get::<i64, _>("n").unwrap_or(0) as u64,
    }))
}

#[derive(Deserialize)]
pub struct ListQuery {
    query: Option<String>,
    cursor: Option<String>,
    limit: Option<String>,
}

fn like_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub async fn list_apps(
    State(s): State<AppState>,
    caller: Caller,
    Path(pid): Path<String>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<ApplicationPage>> {
    member(&s.db, &caller, &pid).await?;
    let limit: i64 = match q.limit.as_deref() {
        None | Some("") => 50,
        Some(l) => l
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=200).contains(n))
            .ok_or_else(|| {
                ApiError::BadRequest("limit must be a whole number from 1 to 200.".into())
            })?,
    };
    let (after_key, after_id) = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => (String::new(), String::new()),
        Some(c) => {
            let raw = hex::decode(c).ok().and_then(|b| String::from_utf8(b).ok());
            let Some((k, i)) = raw.as_deref().and_then(|r| r.split_once('\u{0}')) else {
                return Err(ApiError::BadRequest(
                    "The cursor is not valid; start again without it.".into(),
                ));
            };
            (k.to_string(), i.to_string())
        }
    };
    let pattern = format!(
        "%{}%",
        like_escape(&name_key(q.query.as_deref().unwrap_or("")))
    );
    let rows = sqlx::query(
        "SELECT * FROM applications WHERE partner_id = $1 AND name_key LIKE $2 ESCAPE '\\' \
         AND (name_key > $3 OR (name_key = $3 AND id > $4)) ORDER BY name_key, id LIMIT $5",
    )
    .bind(&pid)
    .bind(&pattern)
    .bind(&after_key)
    .bind(&after_id)
    .bind(limit + 1)
    .fetch_all(&s.db)
    .await?;
    let more = rows.len() as i64 > limit;
    let page: Vec<&AnyRow> = rows.iter().take(limit as usize).collect();
    // One query for the client IDs of the whole page.
    let mut ids_by_app: HashMap<String, Vec<AnyRow>> = HashMap::new();
    if !page.is_empty() {
        let placeholders: Vec<String> = (1..=page.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT application_id, environment, client_id, state FROM client_ids WHERE application_id IN ({})",
            placeholders.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for row in &page {
            q = q.bind(get_s(row, "id"));
        }
        for r in q.fetch_all(&s.db).await? {
            ids_by_app
                .entry(get_s(&r, "application_id"))
                .or_default()
                .push(r);
        }
    }
    let mut items = Vec::new();
    let mut last = None;
    for row in page {
        let id = get_s(row, "id");
        last = Some(format!("{}\u{0}{}", get_s(row, "name_key"), id));
        items.push(row_to_app(row, ids_by_app.get(&id).map_or(&[][..], |v| v.as_slice()))?.0);
    }
    let next_cursor = if more {
        last.map(|l| hex::encode(l.as_bytes()))
    } else {
        None
    };
    Ok(Json(ApplicationPage { items, next_cursor }))
}

#[derive(Deserialize)]
pub struct UsersQuery {
    email_prefix: Option<String>,
}

pub async fn users(
    State(s): State<AppState>,
    caller: Caller,
    Path(pid): Path<String>,
    Query(q): Query<UsersQuery>,
) -> ApiResult<Json<Vec<UserSummary>>> {
    member(&s.db, &caller, &pid).await?;
    let prefix = q.email_prefix.unwrap_or_default().trim().to_lowercase();
    let rows = sqlx::query(
        "SELECT u.id, u.email, u.name FROM users u JOIN memberships m ON m.user_id = u.id \
         WHERE m.partner_id = $1 AND substr(u.email, 1, length(CAST($2 AS TEXT))) = CAST($2 AS TEXT) ORDER BY u.email LIMIT 20",
    )
    .bind(&pid)
    .bind(&prefix)
    .fetch_all(&s.db)
    .await?;
    Ok(Json(
        rows.iter()
            .map(|r| UserSummary {
                id: get_s(r, "id"),
                email: get_s(r, "email"),
                name: get_s(r, "name"),
            })
            .collect(),
    ))
}

#[derive(Deserialize)]
pub struct NameQuery {
    name: Option<String>,
}

async fn name_owner(
    db: &Db,
    pid: &str,
    name: &str,
    except: Option<&str>,
) -> ApiResult<Option<String>> {
    let row =
        sqlx::query("SELECT id, name FROM applications WHERE partner_id = $1 AND name_key = $2")
            .bind(pid)
            .bind(name_key(name))
            .fetch_optional(db)
            .await?;
    Ok(row
        .filter(|r| Some(get_s(r, "id").as_str()) != except)
        .map(|r| get_s(&r, "name")))
}

pub async fn name_available(
    State(s): State<AppState>,
    caller: Caller,
    Path(pid): Path<String>,
    Query(q): Query<NameQuery>,
) -> ApiResult<Json<NameAvailability>> {
    member(&s.db, &caller, &pid).await?;
    let name = q.name.unwrap_or_default();
    let mut check = check_name(&name);
    let mut available = !check.is_error();
    if available {
        if let Some(other) = name_owner(&s.db, &pid, &name, None).await? {
            check.push(name_taken_finding(&other));
            available = false;
        }
    }
    Ok(Json(NameAvailability { available, check }))
}

async fn contact_is_member(db: &Db, pid: &str, email: &str) -> ApiResult<bool> {
    let row = sqlx::query(
        "SELECT 1 AS one FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.partner_id = $1 AND u.email = $2",
    )
    .bind(pid)
    .bind(email)
    .fetch_optional(db)
    .await?;
    Ok(row.is_some())
}

fn contact_member_error() -> ApiError {
    ApiError::Validation(vec![field_error(
        "technical_contact",
        &Finding::error(
            Rule::ContactMember,
            "The technical contact must be a user of your partner; pick someone from the list.",
        ),
    )])
}

fn name_taken_error(other: &str) -> ApiError {
    ApiError::Validation(vec![field_error("name", &name_taken_finding(other))])
}

pub async fn create_app(
    State(s): State<AppState>,
    caller: Caller,
    Path(pid): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<CreateApplication>,
) -> ApiResult<Response> {
    configurer(&s.db, &caller, &pid).await?;
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => {
            let k = v.to_str().unwrap_or("").trim().to_string();
            if k.is_empty() || k.len() > 200 {
                return Err(ApiError::BadRequest(
                    "Idempotency-Key must be 1 to 200 visible characters.".into(),
                ));
            }
            Some(k)
        }
    };
    let request_hash = db::sha256_hex(&serde_json::to_string(&req).map_err(ApiError::internal)?);
    if let Some(k) = &key {
        if let Some(res) = replay(&s.db, &pid, k, &request_hash).await? {
            return Ok(res);
        }
    }
    let to_check = req.clone();
    let validated = limits::cpu(move || validate_registration(&to_check)).await?;
    let Some(canon) = validated.canonical.clone() else {
        return Err(ApiError::Validation(validated.findings));
    };
    if !contact_is_member(&s.db, &pid, &canon.technical_contact).await? {
        return Err(contact_member_error());
    }
    let app_id = db::new_id();
    let now = db::now();
    let mut tx = s.db.begin().await?;
    if let Some(k) = &key {
        let ins = sqlx::query(
            "INSERT INTO idempotency_keys (partner_id, idem_key, request_hash, application_id, created_at) \
             VALUES ($1, $2, $3, NULL, $4)",
        )
        .bind(&pid)
        .bind(k)
        .bind(&request_hash)
        .bind(&now)
        .execute(&mut *tx)
        .await;
        if let Err(e) = ins {
            drop(tx);
            if is_unique_violation(&e) {
                return wait_for_replay(&s.db, &pid, k, &request_hash).await;
            }
            return Err(e.into());
        }
    }
    let caps: Vec<Capability> = canon.template.capabilities().to_vec();
    let ins = sqlx::query(
        "INSERT INTO applications (id, partner_id, name, name_key, template, app_type, capabilities, technical_contact, \
         redirect_urls, post_logout_urls, cors_urls, endpoints, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '[]', '[]', $10, 1, $11, $11)",
    )
    .bind(&app_id)
    .bind(&pid)
    .bind(&canon.name)
    .bind(name_key(&canon.name))
    .bind(canon.template.id())
    .bind(canon.app_type.id())
    .bind(serde_json::to_string(&caps).map_err(ApiError::internal)?)
    .bind(&canon.technical_contact)
    .bind(serde_json::to_string(&canon.redirect_urls).map_err(ApiError::internal)?)
    .bind(serde_json::to_string(&canon.endpoints).map_err(ApiError::internal)?)
    .bind(&now)
    .execute(&mut *tx)
    .await;
    if let Err(e) = ins {
        if is_unique_violation(&e) {
            return Err(name_taken_error(&canon.name));
        }
        return Err(e.into());
    }
    for env in Environment::ALL {
        let state = if env == Environment::Sod {
            "published"
        } else {
            "none"
        };
        sqlx::query("INSERT INTO client_ids (application_id, environment, client_id, state) VALUES ($1, $2, $3, $4)")
            .bind(&app_id)
            .bind(env.id())
            .bind(db::random_hex(16))
            .bind(state)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(k) = &key {
        sqlx::query("UPDATE idempotency_keys SET application_id = $1 WHERE partner_id = $2 AND idem_key = $3")
            .bind(&app_id)
            .bind(&pid)
            .bind(k)
            .execute(&mut *tx)
            .await?;
    }
    let after = serde_json::to_value(&canon).map_err(ApiError::internal)?;
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "create",
        "application",
        &app_id,
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(application = %app_id, "application created");
    let (app, version) = load(&s.db, &app_id).await?.ok_or(ApiError::NotFound)?;
    Ok(with_etag(app, version, StatusCode::CREATED))
}

/// The first result for an idempotency key, or 409 when the key was used with another body.
async fn replay(db: &Db, pid: &str, key: &str, hash: &str) -> ApiResult<Option<Response>> {
    let row = sqlx::query("SELECT request_hash, application_id FROM idempotency_keys WHERE partner_id = $1 AND idem_key = $2")
        .bind(pid)
        .bind(key)
        .fetch_optional(db)
        .await?;
    let Some(row) = row else { return Ok(None) };
    if get_s(&row, "request_hash") != hash {
        return Err(ApiError::Conflict(
            "This Idempotency-Key was already used with a different request body; use a new key for a new request."
                .into(),
        ));
    }
    let Some(app_id) = get_opt(&row, "application_id") else {
        return Ok(Some(StatusCode::ACCEPTED.into_response())); // in progress (marker, replaced by wait loop)
    };
    let (app, version) = load(db, &app_id).await?.ok_or(ApiError::NotFound)?;
    let mut res = with_etag(app, version, StatusCode::CREATED);
    res.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(Some(res))
}

/// A concurrent request holds the key: wait until it commits, then answer with its result.
async fn wait_for_replay(db: &Db, pid: &str, key: &str, hash: &str) -> ApiResult<Response> {
    for _ in 0..200 {
        match replay(db, pid, key, hash).await? {
            Some(res) if res.status() != StatusCode::ACCEPTED => return Ok(res),
            _ => tokio::time::sleep(std::time::Duration::from_millis(25)).await,
        }
    }
    Err(ApiError::Conflict(
        "A request with this Idempotency-Key is still being processed; retry shortly.".into(),
    ))
}

pub async fn get_app(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (app, version) = app_for(&s.db, &caller, &id, false).await?;
    Ok(with_etag(app, version, StatusCode::OK))
}

fn pending_any(app: &Application) -> bool {
    [
        app.environments.sod,
        app.environments.stage,
        app.environments.production,
    ]
    .contains(&EnvState::Pending)
}

pub async fn patch_app(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(patch): ApiJson<ApplicationPatch>,
) -> ApiResult<Response> {
    let (app, version) = app_for(&s.db, &caller, &id, true).await?;
    let Some(if_match) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) else {
        return Err(ApiError::PreconditionRequired);
    };
    if if_match.trim() != etag(version).to_str().unwrap_or_default() {
        return Err(ApiError::PreconditionFailed);
    }
    if pending_any(&app) {
        return Err(ApiError::Conflict(
            "A publish request is pending: the configuration is locked until the app manager decides.".into(),
        ));
    }
    let template = app.template;
    let to_check = patch.clone();
    let (findings, canon) = limits::cpu(move || validate_patch(&to_check, template)).await?;
    if findings
        .iter()
        .any(|f| f.severity == appreg_core::Severity::Error)
    {
        return Err(ApiError::Validation(findings));
    }
    if let Some(tc) = &canon.technical_contact {
        if !contact_is_member(&s.db, &app.partner_id, tc).await? {
            return Err(contact_member_error());
        }
    }
    let mut next = app.clone();
    if let Some(v) = canon.redirect_urls {
        next.redirect_urls = v;
    }
    if let Some(v) = canon.post_logout_urls {
        next.post_logout_urls = v;
    }
    if let Some(v) = canon.cors_urls {
        next.cors_urls = v;
    }
    if let Some(v) = canon.endpoints {
        next.endpoints = v;
    }
    if let Some(v) = canon.technical_contact {
        next.technical_contact = v;
    }
    let j = |v: &Vec<String>| serde_json::to_string(v).map_err(ApiError::internal);
    let mut tx = s.db.begin().await?;
    let done = sqlx::query(
        "UPDATE applications SET redirect_urls = $1, post_logout_urls = $2, cors_urls = $3, endpoints = $4, \
         technical_contact = $5, version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8",
    )
    .bind(j(&next.redirect_urls)?)
    .bind(j(&next.post_logout_urls)?)
    .bind(j(&next.cors_urls)?)
    .bind(serde_json::to_string(&next.endpoints).map_err(ApiError::internal)?)
    .bind(&next.technical_contact)
    .bind(db::now())
    .bind(&id)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::PreconditionFailed);
    }
    let before = serde_json::to_value(&app).map_err(ApiError::internal)?;
    let after = serde_json::to_value(&next).map_err(ApiError::internal)?;
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "update",
        "application",
        &id,
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    let (app, version) = load(&s.db, &id).await?.ok_or(ApiError::NotFound)?;
    Ok(with_etag(app, version, StatusCode::OK))
}

// ---- client secrets -------------------------------------------------------------------------

fn secret_info(r: &AnyRow) -> ApiResult<SecretInfo> {
    Ok(SecretInfo {
        id: get_s(r, "id"),
        environment: get_s(r, "environment")
            .parse()
            .map_err(ApiError::internal)?,
        description: get_s(r, "description"),
        last4: get_s(r, "last4"),
        created_at: get_s(r, "created_at"),
        expires_at: get_s(r, "expires_at"),
    })
}

pub async fn list_secrets(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<SecretInfo>>> {
    app_for(&s.db, &caller, &id, false).await?;
    let rows = sqlx::query(
        "SELECT * FROM client_secrets WHERE application_id = $1 AND revoked_at IS NULL ORDER BY environment, created_at",
    )
    .bind(&id)
    .fetch_all(&s.db)
    .await?;
    Ok(Json(
        rows.iter().map(secret_info).collect::<ApiResult<_>>()?,
    ))
}

fn invalid(field: &str, rule: &str, message: &str) -> ApiError {
    ApiError::Validation(vec![FieldError {
        field: field.into(),
        rule: rule.into(),
        severity: appreg_core::Severity::Error,
        message: message.into(),
    }])
}

pub async fn create_secret(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewSecretRequest>,
) -> ApiResult<(StatusCode, Json<NewSecret>)> {
    use base64::Engine;
    use rand::RngCore;
    app_for(&s.db, &caller, &id, true).await?;
    let findings = check_secret_request(&req);
    if !findings.is_empty() {
        return Err(ApiError::Validation(findings));
    }
    let description = req.description.trim().to_string();
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let last4 = secret[secret.len() - 4..].to_string();
    let now = db::now();
    let expires_at = db::in_days(i64::from(req.expires_in_days));
    let secret_id = db::new_id();
    // Expired secrets no longer hold one of the two live slots.
    sqlx::query("UPDATE client_secrets SET slot = NULL WHERE application_id = $1 AND environment = $2 AND expires_at <= $3")
        .bind(&id)
        .bind(req.environment.id())
        .bind(&now)
        .execute(&s.db)
        .await?;
    let mut placed = false;
    for slot in [0i64, 1] {
        let r = sqlx::query(
            "INSERT INTO client_secrets (id, application_id, environment, slot, description, secret_hash, last4, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&secret_id)
        .bind(&id)
        .bind(req.environment.id())
        .bind(slot)
        .bind(&description)
        .bind(db::sha256_hex(&secret))
        .bind(&last4)
        .bind(&now)
        .bind(&expires_at)
        .execute(&s.db)
        .await;
        match r {
            Ok(_) => {
                placed = true;
                break;
            }
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    if !placed {
        return Err(ApiError::Conflict(format!(
            "This app already has two live client secrets in {}. Revoke the one you no longer use, then create a new one.",
            req.environment.title()
        )));
    }
    let after = serde_json::json!({"environment": req.environment, "description": description, "last4": last4});
    db::audit(
        &s.db,
        Some(&caller.user_id),
        "create",
        "client_secret",
        &secret_id,
        None,
        Some(&after),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(NewSecret {
            id: secret_id,
            environment: req.environment,
            description,
            secret,
            last4,
            created_at: now,
            expires_at,
        }),
    ))
}

pub async fn revoke_secret(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, secret_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let sql = "UPDATE client_secrets SET revoked_at = $3, slot = NULL \
               WHERE id = $1 AND application_id = $2 AND revoked_at IS NULL";
    remove_child(
        &s,
        &caller,
        &id,
        &secret_id,
        sql,
        true,
        ("revoke", "client_secret"),
    )
    .await
}

/// Revokes or deletes one secret or certificate of an app: 404 unless it is this app's; audited.
/// `sql` binds the child's id as $1, the app's as $2 and, when `with_time`, now as $3.
async fn remove_child(
    s: &AppState,
    caller: &Caller,
    app_id: &str,
    child_id: &str,
    sql: &str,
    with_time: bool,
    (action, entity): (&str, &str),
) -> ApiResult<StatusCode> {
    app_for(&s.db, caller, app_id, true).await?;
    let mut q = sqlx::query(sql)
        .bind(child_id.to_string())
        .bind(app_id.to_string());
    if with_time {
        q = q.bind(db::now());
    }
    if q.execute(&s.db).await?.rows_affected() == 0 {
        return Err(ApiError::NotFound);
    }
    db::audit(
        &s.db,
        Some(&caller.user_id),
        action,
        entity,
        child_id,
        None,
        None,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- certificates ---------------------------------------------------------------------------

fn cert_of(r: &AnyRow) -> ApiResult<Certificate> {
    Ok(Certificate {
        id: get_s(r, "id"),
        environment: get_s(r, "environment")
            .parse()
            .map_err(ApiError::internal)?,
        public_key_pem: get_s(r, "public_key_pem"),
        created_at: get_s(r, "created_at"),
        private_key_pem: None,
        private_key_xml: None,
    })
}

pub async fn list_certificates(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Certificate>>> {
    app_for(&s.db, &caller, &id, false).await?;
    let rows =
        sqlx::query("SELECT * FROM certificates WHERE application_id = $1 ORDER BY environment")
            .bind(&id)
            .fetch_all(&s.db)
            .await?;
    Ok(Json(rows.iter().map(cert_of).collect::<ApiResult<_>>()?))
}

pub async fn create_certificate(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewCertificateRequest>,
) -> ApiResult<(StatusCode, Json<Certificate>)> {
    app_for(&s.db, &caller, &id, true).await?;
    let exists =
        sqlx::query("SELECT id FROM certificates WHERE application_id = $1 AND environment = $2")
            .bind(&id)
            .bind(req.environment.id())
            .fetch_optional(&s.db)
            .await?;
    let one_per_env = || {
        ApiError::Conflict(format!(
            "This app already has a certificate in {}; remove it before adding another.",
            req.environment.title()
        ))
    };
    if exists.is_some() {
        return Err(one_per_env());
    }
    let (public_pem, private) = match &req.public_key_pem {
        Some(pem) => (
            crate::keys::normalise_public_pem(pem)
                .map_err(|m| invalid("public_key_pem", "CERT-KEY", &m))?,
            None,
        ),
        None => {
            limits::hit(&s.db, limits::KEYGEN, &limits::subject(&caller.user_id)).await?;
            let kp = limits::cpu(crate::keys::generate).await??;
            (kp.public_pem, Some((kp.private_pem, kp.private_xml)))
        }
    };
    let cert_id = db::new_id();
    let now = db::now();
    let r = sqlx::query(
        "INSERT INTO certificates (id, application_id, environment, public_key_pem, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&cert_id)
    .bind(&id)
    .bind(req.environment.id())
    .bind(&public_pem)
    .bind(&now)
    .execute(&s.db)
    .await;
    match r {
        Err(e) if is_unique_violation(&e) => return Err(one_per_env()),
        Err(e) => return Err(e.into()),
        Ok(_) => {}
    }
    let after = serde_json::json!({"environment": req.environment, "uploaded": private.is_none()});
    db::audit(
        &s.db,
        Some(&caller.user_id),
        "create",
        "certificate",
        &cert_id,
        None,
        Some(&after),
    )
    .await?;
    let (private_key_pem, private_key_xml) = match private {
        Some((p, x)) => (Some(p), Some(x)),
        None => (None, None),
    };
    Ok((
        StatusCode::CREATED,
        Json(Certificate {
            id: cert_id,
            environment: req.environment,
            public_key_pem: public_pem,
            created_at: now,
            private_key_pem,
            private_key_xml,
        }),
    ))
}

pub async fn delete_certificate(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, cert_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let sql = "DELETE FROM certificates WHERE id = $1 AND application_id = $2";
    remove_child(
        &s,
        &caller,
        &id,
        &cert_id,
        sql,
        false,
        ("delete", "certificate"),
    )
    .await
}

// ---- publish requests -----------------------------------------------------------------------

fn publish_of(r: &AnyRow) -> ApiResult<PublishRequest> {
    Ok(PublishRequest {
        id: get_s(r, "id"),
        application_id: get_s(r, "application_id"),
        application_name: get_s(r, "application_name"),
        environment: get_s(r, "environment")
            .parse()
            .map_err(ApiError::internal)?,
        message: get_s(r, "message"),
        state: env_state(&get_s(r, "state")),
        reason: get_opt(r, "reason"),
        created_at: get_s(r, "created_at"),
        decided_at: get_opt(r, "decided_at"),
    })
}

const PUBLISH_SELECT: &str = "SELECT r.*, a.name AS application_name FROM publish_requests r \
     JOIN applications a ON a.id = r.application_id";

pub async fn list_app_publish_requests(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<PublishRequest>>> {
    app_for(&s.db, &caller, &id, false).await?;
    let rows = sqlx::query(&format!(
        "{PUBLISH_SELECT} WHERE r.application_id = $1 ORDER BY r.created_at"
    ))
    .bind(&id)
    .fetch_all(&s.db)
    .await?;
    Ok(Json(rows.iter().map(publish_of).collect::<ApiResult<_>>()?))
}

pub async fn request_publish(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewPublishRequest>,
) -> ApiResult<(StatusCode, Json<PublishRequest>)> {
    let (app, _) = app_for(&s.db, &caller, &id, true).await?;
    let findings = check_publish_request(&req);
    if !findings.is_empty() {
        return Err(ApiError::Validation(findings));
    }
    let env = req.environment;
    if env == Environment::Production
        && app.app_type == AppType::Standard
        && app.environments.stage != EnvState::Published
    {
        return Err(ApiError::Conflict(
            "A standard app is published to Stage first; request Stage, then Production.".into(),
        ));
    }
    let current = if env == Environment::Stage {
        app.environments.stage
    } else {
        app.environments.production
    };
    if current == EnvState::Pending {
        return Err(ApiError::Conflict(format!(
            "A request to publish to {} is already pending.",
            env.title()
        )));
    }
    let message = req.message.trim().to_string();
    let rid = db::new_id();
    let now = db::now();
    let mut tx = s.db.begin().await?;
    let done = sqlx::query("UPDATE client_ids SET state = 'pending' WHERE application_id = $1 AND environment = $2 AND state <> 'pending'")
        .bind(&id)
        .bind(env.id())
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::Conflict(format!(
            "A request to publish to {} is already pending.",
            env.title()
        )));
    }
    bump_version(&mut tx, &id, &now).await?;
    sqlx::query(
        "INSERT INTO publish_requests (id, application_id, environment, message, state, requested_by, created_at) \
         VALUES ($1, $2, $3, $4, 'pending', $5, $6)",
    )
    .bind(&rid)
    .bind(&id)
    .bind(env.id())
    .bind(&message)
    .bind(&caller.user_id)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    let after = serde_json::json!({"environment": env, "state": "pending"});
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "request",
        "publish_request",
        &rid,
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(PublishRequest {
            id: rid,
            application_id: id,
            application_name: app.name,
            environment: env,
            message,
            state: EnvState::Pending,
            reason: None,
            created_at: now,
            decided_at: None,
        }),
    ))
}

#[derive(Deserialize)]
pub struct QueueQuery {
    state: Option<String>,
}

fn app_manager_only(caller: &Caller) -> ApiResult<()> {
    if caller.app_manager {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only the portal's app managers review publish requests.".into(),
        ))
    }
}

pub async fn publish_queue(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<QueueQuery>,
) -> ApiResult<Json<Vec<PublishRequest>>> {
    app_manager_only(&caller)?;
    let state = q.state.unwrap_or_else(|| "pending".into());
    if EnvState::from_id(&state).is_none() {
        return Err(ApiError::BadRequest(
            "state must be pending, published, rejected or none.".into(),
        ));
    }
    let rows = sqlx::query(&format!(
        "{PUBLISH_SELECT} WHERE r.state = $1 ORDER BY r.created_at"
    ))
    .bind(&state)
    .fetch_all(&s.db)
    .await?;
    Ok(Json(rows.iter().map(publish_of).collect::<ApiResult<_>>()?))
}

/// A publish request changes what the app is (its state per environment), so it changes its ETag:
/// an edit loaded before the request is refused with 412, not applied to a locked configuration.
async fn bump_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    app_id: &str,
    now: &str,
) -> ApiResult<()> {
    sqlx::query("UPDATE applications SET version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(app_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn decide(
    s: &AppState,
    caller: &Caller,
    rid: &str,
    approve: bool,
    reason: Option<String>,
) -> ApiResult<Json<PublishRequest>> {
    app_manager_only(caller)?;
    let row = sqlx::query(&format!("{PUBLISH_SELECT} WHERE r.id = $1"))
        .bind(rid)
        .fetch_optional(&s.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let req = publish_of(&row)?;
    let requested_by: String = sqlx::Row::try_get(&row, "requested_by")?;
    if requested_by == caller.user_id {
        return Err(ApiError::Forbidden(
            "You asked for this publication yourself; another app manager must approve or reject it.".into(),
        ));
    }
    if req.state != EnvState::Pending {
        return Err(ApiError::Conflict(format!(
            "This request was already {}.",
            req.state.id()
        )));
    }
    let new_state = if approve { "published" } else { "rejected" };
    let now = db::now();
    let mut tx = s.db.begin().await?;
    let done = sqlx::query(
        "UPDATE publish_requests SET state = $1, reason = $2, decided_by = $3, decided_at = $4 WHERE id = $5 AND state = 'pending'",
    )
    .bind(new_state)
    .bind(reason.clone())
    .bind(&caller.user_id)
    .bind(&now)
    .bind(rid)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::Conflict(
            "This request was decided by someone else meanwhile.".into(),
        ));
    }
    sqlx::query("UPDATE client_ids SET state = $1 WHERE application_id = $2 AND environment = $3")
        .bind(new_state)
        .bind(&req.application_id)
        .bind(req.environment.id())
        .execute(&mut *tx)
        .await?;
    bump_version(&mut tx, &req.application_id, &now).await?;
    let after = serde_json::json!({"state": new_state, "reason": reason});
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        new_state,
        "publish_request",
        rid,
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(PublishRequest {
        state: env_state(new_state),
        reason,
        decided_at: Some(now),
        ..req
    }))
}

pub async fn approve(
    State(s): State<AppState>,
    caller: Caller,
    Path(rid): Path<String>,
) -> ApiResult<Json<PublishRequest>> {
    decide(&s, &caller, &rid, true, None).await
}

pub async fn reject(
    State(s): State<AppState>,
    caller: Caller,
    Path(rid): Path<String>,
    ApiJson(body): ApiJson<RejectRequest>,
) -> ApiResult<Json<PublishRequest>> {
    app_manager_only(&caller)?;
    let check = check_reject_reason(&body.reason);
    // The canonical (trimmed) reason exists only when the check has no error.
    let Some(reason) = check.canonical.clone() else {
        return Err(ApiError::Validation(field_findings("reason", &check)));
    };
    decide(&s, &caller, &rid, false, Some(reason)).await
}

// ---- offline check --------------------------------------------------------------------------

/// At most this many values per `/check`.
pub const CHECK_MAX_VALUES: usize = 500;
/// At most this many bytes of patterns (entries starting with `^`) per `/check`: each is compiled once.
pub const CHECK_MAX_PATTERN_BYTES: usize = 32 * 1024;

fn pattern_bytes<'a>(values: impl Iterator<Item = &'a String>) -> usize {
    values
        .filter(|v| v.trim_start().starts_with('^'))
        .map(String::len)
        .sum()
}

/// `POST /check`: signed-in callers only, rate-limited per caller, capped in size, and run off the
/// async runtime behind the CPU semaphore.
pub async fn check(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CheckRequest>,
) -> ApiResult<Json<CheckResponse>> {
    limits::hit(&s.db, limits::CHECK, &limits::subject(&caller.user_id)).await?;
    let (count, patterns) = match &req.registration {
        Some(reg) => (reg.redirect_urls.len(), pattern_bytes(reg.redirect_urls.iter())),
        None => (req.values.len(), pattern_bytes(req.values.iter())),
    };
    if count > CHECK_MAX_VALUES {
        return Err(ApiError::BadRequest(format!(
            "Check at most {CHECK_MAX_VALUES} values at once; split the list."
        )));
    }
    if patterns > CHECK_MAX_PATTERN_BYTES {
        return Err(ApiError::BadRequest(format!(
            "The patterns (entries starting with ^) come to {patterns} bytes; check at most \
             {CHECK_MAX_PATTERN_BYTES} bytes of patterns at once."
        )));
    }
    if let Some(reg) = req.registration {
        let v = limits::cpu(move || validate_registration(&reg)).await?;
        return Ok(Json(CheckResponse {
            valid: v.is_valid(),
            checks: vec![],
            errors: v.findings,
        }));
    }
    let Some(kind) = req.kind else {
        return Err(ApiError::BadRequest(
            "Send either registration, or kind with values.".into(),
        ));
    };
    let template = req.template.unwrap_or(Template::Web);
    let values = req.values;
    let checks = limits::cpu(move || appreg_core::check_values(kind, template, &values)).await?;
    Ok(Json(CheckResponse {
        valid: !checks.iter().any(|c| c.is_error()),
        checks,
        errors: vec![],
    }))
}
