//! Notification e-mails: my preferences (`/me/notifications`), and the unsubscribe link every e-mail
//! carries (`/unsubscribe?token=…`, no sign-in: the token is signed and turns off exactly its kind).

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::mail;
use crate::AppState;
use appreg_core::notifications::{NotificationPrefs, SetNotificationPrefs};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_prefs, set_prefs))
        .routes(routes!(unsubscribe, unsubscribe_one_click))
}

/// Which e-mails I get: every kind, on unless turned off.
#[utoipa::path(get, path = "/me/notifications", tag = "notifications",
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "Every kind and whether I get it", body = NotificationPrefs),
        (status = 401, description = "Not signed in")))]
pub async fn get_prefs(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<NotificationPrefs>> {
    Ok(Json(mail::prefs(&s.db, &caller.user_id).await?))
}

/// Turn kinds of e-mail on or off: the kinds listed are set, the others stay as they are.
#[utoipa::path(put, path = "/me/notifications", tag = "notifications",
    request_body = SetNotificationPrefs,
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses((status = 200, description = "Every kind and whether I get it now", body = NotificationPrefs),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "X-Requested-With is missing, or a read-only API token")))]
pub async fn set_prefs(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<SetNotificationPrefs>,
) -> ApiResult<Json<NotificationPrefs>> {
    if body.kinds.len() > 16 {
        return Err(ApiError::BadRequest("At most 16 changes at once.".into()));
    }
    let mut tx = s.db.begin().await?;
    for k in &body.kinds {
        mail::set_pref(&mut tx, &caller.user_id, k.kind, k.enabled).await?;
    }
    let after = serde_json::json!({"kinds": body.kinds});
    crate::db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "set",
        "notification_prefs",
        &caller.user_id,
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(mail::prefs(&s.db, &caller.user_id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnsubscribeQuery {
    /// The signed token of the e-mail's link.
    #[param(min_length = 1, max_length = 2048)]
    token: String,
}

/// A small page without script, with a policy of its own that allows nothing else.
fn page(title: &str, text: &str) -> Response {
    let esc = mail::messages::escape;
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t}</title></head>\n<body><main><h1>{t}</h1><p>{p}</p></main></body></html>\n",
        t = esc(title),
        p = esc(text)
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            ),
        ],
        html,
    )
        .into_response()
}

async fn turn_off(s: &AppState, token: &str) -> ApiResult<Response> {
    let mut conn = s.db.acquire().await?;
    let key = mail::key(s, &mut conn).await?;
    let Some((subject, kind)) = mail::verify_unsubscribe_token(&key, token) else {
        return Err(ApiError::BadRequest(
            "This unsubscribe link is not valid; change your notification settings in the portal instead."
                .into(),
        ));
    };
    mail::set_pref(&mut conn, &subject, kind, false).await?;
    crate::db::audit(
        &mut *conn,
        None,
        "unsubscribe",
        "notification_prefs",
        &subject,
        None,
        Some(&serde_json::json!({"kind": kind, "enabled": false})),
    )
    .await?;
    Ok(page(
        "You are unsubscribed",
        &format!(
            "You will no longer get e-mails about “{}”. Your other notification settings are unchanged; you can turn this one on again in the portal.",
            kind.title()
        ),
    ))
}

/// The unsubscribe link of an e-mail (no sign-in): turns off exactly the kind of e-mail it came with,
/// for its recipient, and answers a small HTML page.
#[utoipa::path(get, path = "/unsubscribe", tag = "notifications",
    params(UnsubscribeQuery),
    responses((status = 200, description = "Unsubscribed: a small HTML page", content_type = "text/html", body = String),
        (status = 400, description = "The token is missing, malformed or not signed by this portal")))]
pub async fn unsubscribe(
    State(s): State<AppState>,
    Query(q): Query<UnsubscribeQuery>,
) -> ApiResult<Response> {
    turn_off(&s, &q.token).await
}

/// RFC 8058 one-click unsubscribe (`List-Unsubscribe-Post`): the same as the link; the body is ignored.
#[utoipa::path(post, path = "/unsubscribe", tag = "notifications",
    params(UnsubscribeQuery),
    responses((status = 200, description = "Unsubscribed: a small HTML page", content_type = "text/html", body = String),
        (status = 400, description = "The token is missing, malformed or not signed by this portal")))]
pub async fn unsubscribe_one_click(
    State(s): State<AppState>,
    Query(q): Query<UnsubscribeQuery>,
) -> ApiResult<Response> {
    turn_off(&s, &q.token).await
}
