//! `/partners/{partner}`: the partner page, its apps (by cursor), its users, and the name check.

use crate::auth::{member, Caller};
use crate::error::{ApiError, ApiResult};
use crate::store::applications::{self as apps, Filter};
use crate::store::deletion;
use crate::AppState;
use appreg_core::api::{ApplicationPage, NameAvailability, PartnerPage, Role, UserSummary};
use appreg_core::{check_name, name_key, name_taken_finding, Template};
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(partner))
        .routes(routes!(users))
        .routes(routes!(name_available))
}

/// Partner page data.
#[utoipa::path(get, path = "/partners/{partner}", tag = "partners",
    params(("partner" = String, Path, description = "The partner's id")),
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "The partner", body = PartnerPage),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such partner, or the caller is not a member")))]
pub async fn partner(
    State(s): State<AppState>,
    caller: Caller,
    Path(pid): Path<String>,
) -> ApiResult<Json<PartnerPage>> {
    let role = member(&s.db, &caller, &pid).await?;
    let row = apps::partner(&s.db, &pid).await?;
    let application_count = u64::try_from(row.n).map_err(ApiError::internal)?;
    Ok(Json(PartnerPage {
        id: pid,
        name: row.name,
        role,
        application_count,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only apps whose name contains this (case- and accent-insensitive).
    #[param(nullable = false)]
    query: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(nullable = false)]
    cursor: Option<String>,
    /// Apps per page, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200, nullable = false)]
    limit: Option<String>,
    /// Only apps of this template.
    #[param(value_type = Option<Template>, nullable = false)]
    template: Option<String>,
    /// Only apps in this state: `pending`, `published` or `rejected` in Stage or Production (SOD is
    /// published for every app), or `active` / `deactivated`.
    #[param(value_type = Option<StateFilter>, inline, nullable = false)]
    state: Option<String>,
    /// `true`: the deleted and deactivated apps that can be restored now, with `deleted_at` and
    /// `restorable_until` (the partner's administrators only).
    #[param(value_type = Option<bool>, nullable = false)]
    deleted: Option<String>,
}

/// The `state` filter of the app list.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum StateFilter {
    Pending,
    Published,
    Rejected,
    Active,
    Deactivated,
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

/// The partner's apps by name, paginated by cursor; filtered by name, template and state. With
/// `deleted=true`, the apps an administrator can restore now instead.
#[utoipa::path(get, path = "/partners/{partner}/applications", tag = "applications",
    params(("partner" = String, Path, description = "The partner's id"), ListQuery),
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "A page of apps", body = ApplicationPage),
        (status = 400, description = "The limit, the cursor, the template, the state or deleted is not valid"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "deleted=true is for the partner's administrators"),
        (status = 404, description = "No such partner, or the caller is not a member")))]
pub async fn list_apps(
    State(s): State<AppState>,
    caller: Caller,
    Path(pid): Path<String>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<ApplicationPage>> {
    let role = member(&s.db, &caller, &pid).await?;
    // An empty value is not one of the document's values either: 400, like any other.
    let template = match q.template.as_deref() {
        None => None,
        Some(t) => Some(t.parse::<Template>().map_err(ApiError::BadRequest)?.id()),
    };
    let state = match q.state.as_deref() {
        None => None,
        Some(v @ ("pending" | "published" | "rejected" | "active" | "deactivated")) => Some(v),
        Some(_) => {
            return Err(ApiError::BadRequest(
                "state must be pending, published, rejected, active or deactivated.".into(),
            ))
        }
    };
    let deleted = match q.deleted.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiError::BadRequest(
                "deleted must be true or false.".into(),
            ))
        }
    };
    if deleted && role != Role::Administrator {
        return Err(ApiError::Forbidden(
            "Only your partner's administrators see deleted applications.".into(),
        ));
    }
    let since = deleted.then(deletion::restorable_since);
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
    let filter = Filter {
        pattern: &pattern,
        template,
        state,
        deleted_since: since.as_deref(),
    };
    let (page, more) = apps::page(&s.db, &pid, &filter, (&after_key, &after_id), limit).await?;
    let next_cursor = match page.last() {
        Some((app, key)) if more => Some(hex::encode(format!("{key}\u{0}{}", app.id).as_bytes())),
        _ => None,
    };
    let items = page.into_iter().map(|(app, _)| app).collect();
    Ok(Json(ApplicationPage { items, next_cursor }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// The start of the email address (case-insensitive).
    #[param(nullable = false)]
    email_prefix: Option<String>,
}

/// Candidates for technical contact: up to 20 of the partner's users.
#[utoipa::path(get, path = "/partners/{partner}/users", tag = "partners",
    params(("partner" = String, Path, description = "The partner's id"), UsersQuery),
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "The users, by email", body = Vec<UserSummary>),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such partner, or the caller is not a member")))]
pub async fn users(
    State(s): State<AppState>,
    caller: Caller,
    Path(pid): Path<String>,
    Query(q): Query<UsersQuery>,
) -> ApiResult<Json<Vec<UserSummary>>> {
    member(&s.db, &caller, &pid).await?;
    let prefix = q
        .email_prefix
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_lowercase();
    Ok(Json(apps::members(&s.db, &pid, &prefix).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NameQuery {
    /// The name to check.
    #[param(nullable = false)]
    name: Option<String>,
}

/// The wizard's name check: the name rules and NAME-TAKEN.
#[utoipa::path(get, path = "/partners/{partner}/applications/name-available", tag = "applications",
    params(("partner" = String, Path, description = "The partner's id"), NameQuery),
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "Whether the name can be used, and why not", body = NameAvailability),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such partner, or the caller is not a member")))]
pub async fn name_available(
    State(s): State<AppState>,
    caller: Caller,
    Path(pid): Path<String>,
    Query(q): Query<NameQuery>,
) -> ApiResult<Json<NameAvailability>> {
    member(&s.db, &caller, &pid).await?;
    let name = q.name.as_deref().unwrap_or("");
    let mut check = check_name(name);
    let mut available = !check.is_error();
    if available {
        if let Some(other) = apps::name_owner(&s.db, &pid, name, None).await? {
            check.push(name_taken_finding(&other));
            available = false;
        }
    }
    Ok(Json(NameAvailability { available, check }))
}
