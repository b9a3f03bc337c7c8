//! Versions of an app and its change log (migration 0007). The newest version is the current one; the
//! applications row mirrors its configuration. Apps from before versions get version 1 ("Initial") the
//! first time a write touches their versions ([`ensure_initial`]); reads show it without writing.

use super::rows::{ChangeRow, EmailRow, VersionRow};
use super::{json, parse_with, to_json};
use crate::db;
use crate::error::{ApiError, ApiResult};
use appreg_core::api::{Application, EnvState};
use appreg_core::{
    version_editable, AppConfig, ChangeEntry, Environment, FieldChange, VersionInfo,
    VersionSnapshot, VersionState,
};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

/// The label of the version every app starts with.
pub const INITIAL: &str = "Initial";

/// One stored version.
#[derive(Clone, Debug)]
pub struct Version {
    pub number: u32,
    pub label: String,
    pub created_at: String,
    pub created_by: String,
    /// SOD, Stage, Production.
    pub states: [Option<VersionState>; 3],
    pub config: AppConfig,
}

fn slot(env: Environment) -> usize {
    match env {
        Environment::Sod => 0,
        Environment::Stage => 1,
        Environment::Production => 2,
    }
}

fn column(env: Environment) -> &'static str {
    match env {
        Environment::Sod => "sod_state",
        Environment::Stage => "stage_state",
        Environment::Production => "production_state",
    }
}

impl Version {
    pub fn state(&self, env: Environment) -> Option<VersionState> {
        self.states[slot(env)]
    }

    pub fn set(&mut self, env: Environment, state: Option<VersionState>) {
        self.states[slot(env)] = state;
    }

    /// As the API lists it; `current` for the newest.
    pub fn info(&self, current: bool) -> VersionInfo {
        let mut info = VersionInfo {
            number: self.number,
            label: self.label.clone(),
            created_at: self.created_at.clone(),
            created_by: self.created_by.clone(),
            sod: self.states[0],
            stage: self.states[1],
            production: self.states[2],
            current,
            editable: false,
        };
        info.editable = version_editable(&info);
        info
    }

    pub fn editable(&self) -> bool {
        self.info(true).editable
    }

    pub fn snapshot(&self, app_id: &str) -> VersionSnapshot {
        VersionSnapshot {
            application_id: app_id.to_string(),
            number: self.number,
            label: self.label.clone(),
            created_at: self.created_at.clone(),
            config: self.config.clone(),
        }
    }
}

fn state_of(column: &str, v: Option<String>) -> ApiResult<Option<VersionState>> {
    v.map(|s| parse_with(column, &s, VersionState::from_id))
        .transpose()
}

fn to_version(r: VersionRow) -> ApiResult<Version> {
    Ok(Version {
        number: u32::try_from(r.number)
            .map_err(|_| ApiError::Internal(format!("versions.number {}", r.number)))?,
        config: json("versions.config_json", &r.config_json)?,
        states: [
            state_of("versions.sod_state", r.sod_state)?,
            state_of("versions.stage_state", r.stage_state)?,
            state_of("versions.production_state", r.production_state)?,
        ],
        label: r.label,
        created_at: r.created_at,
        created_by: r.created_by,
    })
}

/// A version state from the app's state in an environment (`none` → never there).
fn from_env_state(s: EnvState) -> Option<VersionState> {
    match s {
        EnvState::None => None,
        EnvState::Pending => Some(VersionState::Pending),
        EnvState::Published => Some(VersionState::Published),
        EnvState::Rejected => Some(VersionState::Rejected),
    }
}

/// Version 1 of an app from before versions: its configuration and states now; who created the app.
async fn initial(conn: &mut AnyConnection, app: &Application) -> ApiResult<Version> {
    let by = sqlx::query_as::<_, EmailRow>(
        "SELECT u.email FROM audit_log a JOIN users u ON u.id = a.actor_id \
         WHERE a.entity = 'application' AND a.entity_id = $1 AND a.action = 'create'",
    )
    .bind(&app.id)
    .fetch_optional(&mut *conn)
    .await?;
    let e = &app.environments;
    Ok(Version {
        number: 1,
        label: INITIAL.into(),
        created_at: app.created_at.clone(),
        created_by: by.map(|r| r.email).unwrap_or_default(),
        states: [
            Some(VersionState::Published),
            from_env_state(e.stage),
            from_env_state(e.production),
        ],
        config: AppConfig::of(app),
    })
}

/// The app's versions, newest first (never empty: an app from before versions shows version 1).
pub async fn all(conn: &mut AnyConnection, app: &Application) -> ApiResult<Vec<Version>> {
    let rows = sqlx::query_as::<_, VersionRow>(
        "SELECT number, label, config_json, created_at, created_by, sod_state, stage_state, \
         production_state FROM versions WHERE application_id = $1 ORDER BY number DESC",
    )
    .bind(&app.id)
    .fetch_all(&mut *conn)
    .await?;
    if rows.is_empty() {
        return Ok(vec![initial(conn, app).await?]);
    }
    rows.into_iter().map(to_version).collect()
}

/// Stores version 1 of an app from before versions (no-op when it has versions).
pub async fn ensure_initial(conn: &mut AnyConnection, app: &Application) -> ApiResult<()> {
    let any = sqlx::query("SELECT 1 AS one FROM versions WHERE application_id = $1 LIMIT 1")
        .bind(&app.id)
        .fetch_optional(&mut *conn)
        .await?;
    if any.is_none() {
        let v = initial(conn, app).await?;
        insert(conn, &app.id, &v).await?;
    }
    Ok(())
}

/// Inserts a version.
pub async fn insert(conn: &mut AnyConnection, app_id: &str, v: &Version) -> ApiResult<()> {
    let state = |i: usize| v.states[i].map(|s| s.id().to_string());
    sqlx::query(
        "INSERT INTO versions (application_id, number, label, config_json, created_at, created_by, \
         sod_state, stage_state, production_state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(app_id)
    .bind(i64::from(v.number))
    .bind(&v.label)
    .bind(to_json(&v.config)?)
    .bind(&v.created_at)
    .bind(&v.created_by)
    .bind(state(0))
    .bind(state(1))
    .bind(state(2))
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces an editable version's configuration.
pub async fn set_config(
    conn: &mut AnyConnection,
    app_id: &str,
    number: u32,
    config: &AppConfig,
) -> ApiResult<()> {
    sqlx::query("UPDATE versions SET config_json = $1 WHERE application_id = $2 AND number = $3")
        .bind(to_json(config)?)
        .bind(app_id)
        .bind(i64::from(number))
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets a version's state in one environment.
pub async fn set_state(
    conn: &mut AnyConnection,
    app_id: &str,
    number: u32,
    env: Environment,
    state: Option<VersionState>,
) -> ApiResult<()> {
    sqlx::query(&format!(
        "UPDATE versions SET {} = $1 WHERE application_id = $2 AND number = $3",
        column(env)
    ))
    .bind(state.map(|s| s.id().to_string()))
    .bind(app_id)
    .bind(i64::from(number))
    .execute(conn)
    .await?;
    Ok(())
}

/// Publishes a version in one environment: every other version published there is no longer.
pub async fn publish(
    conn: &mut AnyConnection,
    app_id: &str,
    number: u32,
    env: Environment,
) -> ApiResult<()> {
    sqlx::query(&format!(
        "UPDATE versions SET {0} = NULL WHERE application_id = $1 AND number <> $2 AND {0} = 'published'",
        column(env)
    ))
    .bind(app_id)
    .bind(i64::from(number))
    .execute(&mut *conn)
    .await?;
    set_state(conn, app_id, number, env, Some(VersionState::Published)).await
}

/// Whether a version other than `number` is published in `env`.
pub async fn other_published(
    conn: &mut AnyConnection,
    app_id: &str,
    number: u32,
    env: Environment,
) -> ApiResult<bool> {
    let row = sqlx::query(&format!(
        "SELECT 1 AS one FROM versions WHERE application_id = $1 AND number <> $2 AND {} = 'published' LIMIT 1",
        column(env)
    ))
    .bind(app_id)
    .bind(i64::from(number))
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

/// Bumps the app's ETag if it is still at `version` (serialises writes to its versions); false when it
/// changed meanwhile.
pub async fn bump_if(
    conn: &mut AnyConnection,
    app_id: &str,
    version: i64,
    now: &str,
) -> ApiResult<bool> {
    let done = sqlx::query(
        "UPDATE applications SET version = version + 1, updated_at = $1 \
         WHERE id = $2 AND version = $3 AND status = 'active'",
    )
    .bind(now)
    .bind(app_id)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The stored diff of a change-log entry.
#[derive(Serialize, Deserialize)]
struct Diff {
    changes: Vec<FieldChange>,
    summary: Vec<String>,
}

/// One save for the change log.
pub struct Entry<'a> {
    pub app_id: &'a str,
    pub version: &'a Version,
    pub actor: &'a str,
    pub action: &'a str,
    pub changes: Vec<FieldChange>,
    pub summary: Vec<String>,
    pub at: &'a str,
}

/// Appends a change-log entry; call it after the write that updated the applications row.
pub async fn log(conn: &mut AnyConnection, e: Entry<'_>) -> ApiResult<()> {
    let diff = Diff {
        changes: e.changes,
        summary: e.summary,
    };
    sqlx::query(
        "INSERT INTO change_log (id, application_id, seq, version, actor, action, diff_json, snapshot_json, at) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM change_log WHERE application_id = $2), \
         $3, $4, $5, $6, $7, $8)",
    )
    .bind(db::new_id())
    .bind(e.app_id)
    .bind(i64::from(e.version.number))
    .bind(e.actor)
    .bind(e.action)
    .bind(to_json(&diff)?)
    .bind(to_json(&e.version.snapshot(e.app_id))?)
    .bind(e.at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The app's change log, newest first.
pub async fn changes(conn: &mut AnyConnection, app_id: &str) -> ApiResult<Vec<ChangeEntry>> {
    let rows = sqlx::query_as::<_, ChangeRow>(
        "SELECT id, version, actor, action, diff_json, at FROM change_log \
         WHERE application_id = $1 ORDER BY seq DESC",
    )
    .bind(app_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let diff: Diff = json("change_log.diff_json", &r.diff_json)?;
            Ok(ChangeEntry {
                snapshot_url: format!("/api/v1/applications/{app_id}/changes/{}", r.id),
                version: u32::try_from(r.version)
                    .map_err(|_| ApiError::Internal(format!("change_log.version {}", r.version)))?,
                id: r.id,
                at: r.at,
                by: r.actor,
                action: r.action,
                changes: diff.changes,
                summary: diff.summary,
            })
        })
        .collect()
}

/// The configuration as one change-log entry left it (its JSON snapshot), if the entry is the app's.
pub async fn change_snapshot(
    conn: &mut AnyConnection,
    app_id: &str,
    change_id: &str,
) -> ApiResult<Option<String>> {
    Ok(sqlx::query_scalar::<_, String>(
        "SELECT snapshot_json FROM change_log WHERE application_id = $1 AND id = $2",
    )
    .bind(app_id)
    .bind(change_id)
    .fetch_optional(conn)
    .await?)
}
