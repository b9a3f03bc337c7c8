//! What creating, editing, requesting and deciding an app do to its versions and change log, in the
//! caller's transaction. The rules are the core's (`appreg_core::versions`, `lifecycle`); this module
//! applies them to the stored versions.
//!
//! - Creating an app stores version 1, "Initial", published to SOD.
//! - PATCH edits the current version while it is editable; when it is published to Stage or Production
//!   it saves into a new draft ("Draft n") instead, so a published snapshot never changes. While the
//!   current version is pending, PATCH is refused (409): add a new version to keep working.
//! - A request (Stage, Production) is for one version; approval publishes exactly that version in the
//!   environment (a custom app's Stage approval publishes it to Production too), rejection marks it
//!   rejected there (editable again).

use super::applications::app_for;
use crate::auth::Caller;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::store::applications::{bump_version, set_env_state};
use crate::store::publishing::{self as requests, NewRequest};
use crate::store::versions::{self as store, Entry, Version, INITIAL};
use crate::AppState;
use appreg_core::api::{
    Application, CreateApplication, EnvState, NewPublishRequest, PublishRequest,
};
use appreg_core::{
    check_publish_request, describe, diff, lifecycle, version_transition, AppConfig, AppType,
    Capability, Environment, EnvironmentUrls, FieldChange, VersionEvent, VersionState,
};
use sqlx::AnyConnection;

/// 409 when a guarded write found the app changed by someone else.
pub fn changed_meanwhile() -> ApiError {
    ApiError::Conflict(
        "The application was changed by someone else meanwhile; reload it and try again.".into(),
    )
}

/// Every change in words.
pub fn words(changes: &[FieldChange]) -> Vec<String> {
    changes.iter().flat_map(describe).collect()
}

/// Appends a change-log entry by the caller for version `v`.
#[allow(clippy::too_many_arguments)]
pub async fn record(
    conn: &mut AnyConnection,
    app_id: &str,
    v: &Version,
    caller: &Caller,
    action: &str,
    changes: Vec<FieldChange>,
    summary: Vec<String>,
    at: &str,
) -> ApiResult<()> {
    store::log(
        conn,
        Entry {
            app_id,
            version: v,
            actor: &caller.email,
            action,
            changes,
            summary,
            at,
        },
    )
    .await
}

/// A new app's version 1 ("Initial", published to SOD) and its "create" entry.
pub async fn on_create(
    conn: &mut AnyConnection,
    app_id: &str,
    canon: &CreateApplication,
    caller: &Caller,
    now: &str,
) -> ApiResult<()> {
    let caps: Vec<Capability> = canon.template.capabilities().to_vec();
    let config = AppConfig {
        capabilities: caps,
        redirect_urls: canon.redirect_urls.clone(),
        endpoints: canon.endpoints.clone(),
        technical_contact: canon.technical_contact.clone(),
        ..AppConfig::default()
    };
    let v = Version {
        number: 1,
        label: INITIAL.into(),
        created_at: now.to_string(),
        created_by: caller.email.clone(),
        states: [Some(VersionState::Published), None, None],
        config,
    };
    store::insert(conn, app_id, &v).await?;
    let changes = diff(&AppConfig::default(), &v.config);
    let mut summary = vec!["Created the app: version 1 “Initial”, published to SOD".to_string()];
    summary.extend(words(&changes));
    record(conn, app_id, &v, caller, "create", changes, summary, now).await
}

fn pending_somewhere(v: &Version) -> bool {
    Environment::ALL
        .iter()
        .any(|e| v.state(*e) == Some(VersionState::Pending))
}

fn locked() -> ApiError {
    ApiError::Conflict(
        "A publish request is pending: the configuration is locked until the app manager decides. \
         Add a new version to keep working meanwhile."
            .into(),
    )
}

/// PATCH's early refusal: the current version is pending (locked).
pub async fn check_not_pending(s: &AppState, app: &Application) -> ApiResult<()> {
    let mut conn = s.db.acquire().await?;
    let versions = store::all(&mut conn, app).await?;
    if pending_somewhere(&versions[0]) {
        return Err(locked());
    }
    Ok(())
}

/// Saves an edit of the app (`before` → `after`, the applications row already updated in this
/// transaction; `env_urls` R4's URLs when the patch sets them) into its versions: into the current
/// version while it is editable, else into a new draft. A save that changes nothing adds no version
/// and no entry.
pub async fn on_edit(
    conn: &mut AnyConnection,
    before: &Application,
    after: &Application,
    env_urls: Option<EnvironmentUrls>,
    caller: &Caller,
    now: &str,
) -> ApiResult<()> {
    store::ensure_initial(conn, before).await?;
    let current = store::all(conn, before).await?.remove(0);
    if pending_somewhere(&current) {
        return Err(locked());
    }
    let mut config = AppConfig::of(after);
    config.environment_urls = env_urls.unwrap_or_else(|| current.config.environment_urls.clone());
    let changes = diff(&current.config, &config);
    if changes.is_empty() {
        return Ok(());
    }
    let mut summary = Vec::new();
    let v = if current.editable() {
        store::set_config(conn, &before.id, current.number, &config).await?;
        Version { config, ..current }
    } else {
        let number = current.number + 1;
        let v = Version {
            number,
            label: format!("Draft {number}"),
            created_at: now.to_string(),
            created_by: caller.email.clone(),
            states: [Some(VersionState::Draft), None, None],
            config,
        };
        store::insert(conn, &before.id, &v).await?;
        summary.push(format!(
            "Saved as the new draft version {number}: version {} is published beyond SOD and does not change",
            current.number
        ));
        v
    };
    summary.extend(words(&changes));
    record(conn, &before.id, &v, caller, "edit", changes, summary, now).await
}

fn already_pending(env: Environment) -> ApiError {
    ApiError::Conflict(format!(
        "A request to publish to {} is already pending.",
        env.title()
    ))
}

/// Asks the app manager to publish a version (the current one when `number` is None) to Stage or
/// Production: `POST …/publish-requests` and `POST …/versions/{n}/publish`.
pub async fn request_version(
    s: &AppState,
    caller: &Caller,
    id: &str,
    number: Option<u32>,
    req: NewPublishRequest,
) -> ApiResult<PublishRequest> {
    let (app, _) = app_for(s, caller, id, true).await?;
    let findings = check_publish_request(&req);
    if !findings.is_empty() {
        return Err(ApiError::Validation(findings));
    }
    let env = req.environment;
    // The lifecycle is the core's (Stage before Production for a standard app, one pending request).
    lifecycle::may_request(app.app_type, &app.environments, env)
        .map_err(|refusal| ApiError::Conflict(refusal.message(env)))?;
    let message = req.message.trim().to_string();
    let rid = db::new_id();
    let now = db::now();
    let mut tx = s.db.begin().await?;
    if !set_env_state(&mut tx, id, env, EnvState::Pending, true).await? {
        return Err(already_pending(env));
    }
    bump_version(&mut tx, id, &now).await?;
    store::ensure_initial(&mut tx, &app).await?;
    let versions = store::all(&mut tx, &app).await?;
    let n = number.unwrap_or(versions[0].number);
    let mut v = versions
        .into_iter()
        .find(|v| v.number == n)
        .ok_or(ApiError::NotFound)?;
    if env == Environment::Production
        && app.app_type == AppType::Standard
        && v.state(Environment::Stage) != Some(VersionState::Published)
    {
        return Err(ApiError::Conflict(format!(
            "A standard app's version is published to Stage before Production: request Stage for version {n} first."
        )));
    }
    let next =
        version_transition(v.state(env), env, VersionEvent::Request).map_err(ApiError::Conflict)?;
    store::set_state(&mut tx, id, n, env, next).await?;
    v.set(env, next);
    let row = NewRequest {
        id: &rid,
        app_id: id,
        environment: env,
        message: &message,
        requested_by: &caller.user_id,
        created_at: &now,
        version: n,
    };
    requests::insert(&mut tx, &row).await?;
    crate::mail::outbox::enqueue_publish_requested(&mut tx, s, &rid).await?;
    let after = serde_json::json!({"environment": env, "state": "pending", "version": n});
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
    let mut summary = vec![format!(
        "Requested {} for version {n} “{}”",
        env.title(),
        v.label
    )];
    if !message.is_empty() {
        summary.push(message.clone());
    }
    record(&mut tx, id, &v, caller, "request", vec![], summary, &now).await?;
    tx.commit().await?;
    Ok(PublishRequest {
        id: rid,
        application_id: id.to_string(),
        application_name: app.name,
        environment: env,
        message,
        state: EnvState::Pending,
        reason: None,
        created_at: now,
        decided_at: None,
        version: Some(n),
        kind: PublishRequest::CONFIGURATION.into(),
    })
}

/// What a decision does to the versions: approval publishes exactly the requested version in its
/// environment (and a custom app's Stage approval in Production too, unless a Production request is
/// pending); rejection marks it rejected there. Returns the app's state in the request's environment:
/// after a rejection it stays published when another version is published there.
pub async fn on_decision(
    conn: &mut AnyConnection,
    app: &Application,
    req: &PublishRequest,
    approve: bool,
    reason: Option<&str>,
    caller: &Caller,
    now: &str,
) -> ApiResult<EnvState> {
    let env = req.environment;
    store::ensure_initial(conn, app).await?;
    let versions = store::all(conn, app).await?;
    let n = req.version.unwrap_or(versions[0].number);
    let Some(mut v) = versions.into_iter().find(|v| v.number == n) else {
        return Err(ApiError::Internal(format!(
            "publish request {} is for version {n}, which does not exist",
            req.id
        )));
    };
    let event = if approve {
        VersionEvent::Approve
    } else {
        VersionEvent::Reject
    };
    // A request from before versions may find its version in another state: the decision still counts.
    let next = version_transition(v.state(env), env, event).unwrap_or(Some(if approve {
        VersionState::Published
    } else {
        VersionState::Rejected
    }));
    let mut summary = Vec::new();
    let app_state = if approve {
        store::publish(conn, &app.id, n, env).await?;
        v.set(env, next);
        summary.push(format!(
            "Approved version {n} “{}” for {}",
            v.label,
            env.title()
        ));
        let also_production = env == Environment::Stage
            && app.app_type == AppType::Custom
            && app.environments.production != EnvState::Pending;
        if also_production {
            store::publish(conn, &app.id, n, Environment::Production).await?;
            set_env_state(
                conn,
                &app.id,
                Environment::Production,
                EnvState::Published,
                false,
            )
            .await?;
            v.set(Environment::Production, Some(VersionState::Published));
            summary
                .push("A custom app approved for Stage is published to Production as well".into());
        }
        EnvState::Published
    } else {
        store::set_state(conn, &app.id, n, env, next).await?;
        v.set(env, next);
        summary.push(format!(
            "Rejected version {n} “{}” for {}",
            v.label,
            env.title()
        ));
        summary.extend(reason.map(str::to_string));
        if store::other_published(conn, &app.id, n, env).await? {
            EnvState::Published
        } else {
            EnvState::Rejected
        }
    };
    let action = if approve { "approve" } else { "reject" };
    record(conn, &app.id, &v, caller, action, vec![], summary, now).await?;
    Ok(app_state)
}
