//! Applications and their client IDs; partners' pages and members.

use super::rows::{AppNameRow, AppRow, ClientIdRow, PartnerRow, UserSummaryRow, APP_COLUMNS};
use super::{env_state, flag, json, parse, parse_with, plus_days, to_json};
use crate::db::{self, Db};
use crate::error::{ApiError, ApiResult};
use appreg_core::api::{
    AppStatus, Application, ClientIds, CreateApplication, EnvState, Environments, ErrorEmails,
    UserSummary, RESTORE_DAYS,
};
use appreg_core::{name_key, Capability, Environment};
use sqlx::AnyConnection;
use std::collections::HashMap;

/// An application and its version (the ETag).
pub type Versioned = (Application, i64);

/// Builds an application from its row and its client IDs (one per environment, all required).
pub fn to_app(row: AppRow, ids: &[ClientIdRow]) -> ApiResult<Versioned> {
    let mut client = HashMap::new();
    let mut states = HashMap::new();
    for r in ids {
        let env: Environment = parse("client_ids.environment", &r.environment)?;
        client.insert(env, r.client_id.clone());
        states.insert(env, env_state(&r.state)?);
    }
    let missing = |env: Environment| {
        ApiError::Internal(format!(
            "application {} has no {} client ID",
            row.id,
            env.id()
        ))
    };
    let mut take = |env| client.remove(&env).ok_or_else(|| missing(env));
    let client_ids = ClientIds {
        sod: take(Environment::Sod)?,
        stage: take(Environment::Stage)?,
        production: take(Environment::Production)?,
    };
    let state = |env| states.get(&env).copied().ok_or_else(|| missing(env));
    let environments = Environments {
        sod: state(Environment::Sod)?,
        stage: state(Environment::Stage)?,
        production: state(Environment::Production)?,
    };
    let restorable_until = match &row.deleted_at {
        Some(at) => Some(plus_days("applications.deleted_at", at, RESTORE_DAYS)?),
        None => None,
    };
    // A certificate without a stored expiry expires a year after its creation (as `store::keys` reads it).
    let legacy = match &row.legacy_certificate_created_at {
        Some(at) => Some(plus_days("certificates.created_at", at, 365)?),
        None => None,
    };
    // RFC 3339 UTC in one format: the earliest is the smallest text.
    let keys_expire_at = [row.secrets_expire_at, row.certificates_expire_at, legacy]
        .into_iter()
        .flatten()
        .min();
    let app = Application {
        error_emails: ErrorEmails {
            send: flag("applications.error_emails_send", row.error_emails_send)?,
            recipients: json(
                "applications.error_email_recipients",
                &row.error_email_recipients,
            )?,
        },
        keys_expire_at,
        status: parse_with("applications.status", &row.status, AppStatus::from_id)?,
        deleted_at: row.deleted_at,
        restorable_until,
        template: parse("applications.template", &row.template)?,
        app_type: parse("applications.app_type", &row.app_type)?,
        capabilities: json("applications.capabilities", &row.capabilities)?,
        client_ids,
        redirect_urls: json("applications.redirect_urls", &row.redirect_urls)?,
        post_logout_urls: json("applications.post_logout_urls", &row.post_logout_urls)?,
        cors_urls: json("applications.cors_urls", &row.cors_urls)?,
        endpoints: json("applications.endpoints", &row.endpoints)?,
        environments,
        id: row.id,
        partner_id: row.partner_id,
        name: row.name,
        technical_contact: row.technical_contact,
        created_at: row.created_at,
    };
    Ok((app, row.version))
}

/// Loads an application with its version (not a deleted one).
pub async fn load(db: &Db, app_id: &str) -> ApiResult<Option<Versioned>> {
    load_where(db, app_id, "AND status <> 'deleted'").await
}

/// Loads an application with its version, deleted or not (restoring).
pub async fn load_any(db: &Db, app_id: &str) -> ApiResult<Option<Versioned>> {
    load_where(db, app_id, "").await
}

async fn load_where(db: &Db, app_id: &str, and: &str) -> ApiResult<Option<Versioned>> {
    let sql = format!("SELECT {APP_COLUMNS} FROM applications WHERE id = $1 {and}");
    let Some(row) = sqlx::query_as::<_, AppRow>(&sql)
        .bind(app_id)
        .fetch_optional(db)
        .await?
    else {
        return Ok(None);
    };
    let ids = sqlx::query_as::<_, ClientIdRow>(
        "SELECT application_id, environment, client_id, state FROM client_ids WHERE application_id = $1",
    )
    .bind(app_id)
    .fetch_all(db)
    .await?;
    Ok(Some(to_app(row, &ids)?))
}

/// Which of a partner's apps a page lists.
pub struct Filter<'a> {
    /// A LIKE pattern on the name key.
    pub pattern: &'a str,
    pub template: Option<&'a str>,
    /// `pending`, `published`, `rejected` (in Stage or Production), `active` or `deactivated`.
    pub state: Option<&'a str>,
    /// Deleted and deactivated apps deleted after this time (restorable now), instead of the live ones.
    pub deleted_since: Option<&'a str>,
}

/// One page of a partner's apps that pass `filter`, after the cursor `(name_key, id)`: the apps with
/// their name keys, and whether more follow.
pub async fn page(
    db: &Db,
    pid: &str,
    filter: &Filter<'_>,
    after: (&str, &str),
    limit: i64,
) -> ApiResult<(Vec<(Application, String)>, bool)> {
    let mut binds: Vec<String> = vec![
        pid.into(),
        filter.pattern.into(),
        after.0.into(),
        after.1.into(),
    ];
    let mut sql = format!(
        "SELECT {APP_COLUMNS} FROM applications WHERE partner_id = $1 \
         AND (name_key > $3 OR (name_key = $3 AND id > $4))"
    );
    match filter.deleted_since {
        None => sql.push_str(" AND status <> 'deleted' AND name_key LIKE $2 ESCAPE '\\'"),
        Some(since) => {
            binds.push(since.into());
            sql.push_str(&format!(
                " AND status <> 'active' AND deleted_at > ${} \
                 AND COALESCE(deleted_name_key, name_key) LIKE $2 ESCAPE '\\'",
                binds.len()
            ));
        }
    }
    if let Some(t) = filter.template {
        binds.push(t.into());
        sql.push_str(&format!(" AND template = ${}", binds.len()));
    }
    match filter.state {
        None => {}
        Some(s @ ("active" | "deactivated")) => {
            binds.push(s.into());
            sql.push_str(&format!(" AND status = ${}", binds.len()));
        }
        Some(s) => {
            binds.push(s.into());
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM client_ids c WHERE c.application_id = applications.id \
                 AND c.environment <> 'sod' AND c.state = ${})",
                binds.len()
            ));
        }
    }
    sql.push_str(&format!(
        " ORDER BY name_key, id LIMIT ${}",
        binds.len() + 1
    ));
    let mut q = sqlx::query_as::<_, AppRow>(&sql);
    for b in binds {
        q = q.bind(b);
    }
    let mut rows = q.bind(limit + 1).fetch_all(db).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    // One query for the client IDs of the whole page.
    let mut ids_by_app: HashMap<String, Vec<ClientIdRow>> = HashMap::new();
    if !rows.is_empty() {
        let placeholders: Vec<String> = (1..=rows.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT application_id, environment, client_id, state FROM client_ids WHERE application_id IN ({})",
            placeholders.join(", ")
        );
        let mut q = sqlx::query_as::<_, ClientIdRow>(&sql);
        for row in &rows {
            q = q.bind(row.id.clone());
        }
        for r in q.fetch_all(db).await? {
            ids_by_app
                .entry(r.application_id.clone())
                .or_default()
                .push(r);
        }
    }
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let key = row.name_key.clone();
        let ids = ids_by_app.remove(&row.id).ok_or_else(|| {
            ApiError::Internal(format!("application {} has no client IDs", row.id))
        })?;
        items.push((to_app(row, &ids)?.0, key));
    }
    Ok((items, more))
}

/// The partner's name and number of apps.
pub async fn partner(db: &Db, pid: &str) -> ApiResult<PartnerRow> {
    Ok(sqlx::query_as::<_, PartnerRow>(
        "SELECT p.name, (SELECT COUNT(*) FROM applications a WHERE a.partner_id = p.id AND a.status <> 'deleted') AS n \
         FROM partners p WHERE p.id = $1",
    )
    .bind(pid)
    .fetch_one(db)
    .await?)
}

/// Up to 20 members of a partner whose email starts with `prefix`.
pub async fn members(db: &Db, pid: &str, prefix: &str) -> ApiResult<Vec<UserSummary>> {
    let rows = sqlx::query_as::<_, UserSummaryRow>(
        "SELECT u.id, u.email, u.name FROM users u JOIN memberships m ON m.user_id = u.id \
         WHERE m.partner_id = $1 AND substr(u.email, 1, length(CAST($2 AS TEXT))) = CAST($2 AS TEXT) ORDER BY u.email LIMIT 20",
    )
    .bind(pid)
    .bind(prefix)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| UserSummary {
            id: r.id,
            email: r.email,
            name: r.name,
        })
        .collect())
}

/// The name of the partner's app that has this name (by name key), other than `except`.
pub async fn name_owner(
    db: &Db,
    pid: &str,
    name: &str,
    except: Option<&str>,
) -> ApiResult<Option<String>> {
    let row = sqlx::query_as::<_, AppNameRow>(
        "SELECT id, name FROM applications WHERE partner_id = $1 AND name_key = $2",
    )
    .bind(pid)
    .bind(name_key(name))
    .fetch_optional(db)
    .await?;
    Ok(row
        .filter(|r| Some(r.id.as_str()) != except)
        .map(|r| r.name))
}

/// Whether `email` is a user of the partner.
pub async fn contact_is_member(db: &Db, pid: &str, email: &str) -> ApiResult<bool> {
    let row = sqlx::query(
        "SELECT 1 AS one FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.partner_id = $1 AND u.email = $2",
    )
    .bind(pid)
    .bind(email)
    .fetch_optional(db)
    .await?;
    Ok(row.is_some())
}

/// Inserts a new app (version 1) and its client IDs (SOD published, the others none). The app's insert
/// error is returned as is, so the caller can tell a taken name (a unique violation).
pub async fn insert(
    conn: &mut AnyConnection,
    app_id: &str,
    pid: &str,
    canon: &CreateApplication,
    now: &str,
) -> Result<Result<(), sqlx::Error>, ApiError> {
    let caps: Vec<Capability> = canon.template.capabilities().to_vec();
    let ins = sqlx::query(
        "INSERT INTO applications (id, partner_id, name, name_key, template, app_type, capabilities, technical_contact, \
         redirect_urls, post_logout_urls, cors_urls, endpoints, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '[]', '[]', $10, 1, $11, $11)",
    )
    .bind(app_id)
    .bind(pid)
    .bind(&canon.name)
    .bind(name_key(&canon.name))
    .bind(canon.template.id())
    .bind(canon.app_type.id())
    .bind(to_json(&caps)?)
    .bind(&canon.technical_contact)
    .bind(to_json(&canon.redirect_urls)?)
    .bind(to_json(&canon.endpoints)?)
    .bind(now)
    .execute(&mut *conn)
    .await;
    if let Err(e) = ins {
        return Ok(Err(e));
    }
    for env in Environment::ALL {
        let state = if env == Environment::Sod {
            EnvState::Published
        } else {
            EnvState::None
        };
        sqlx::query("INSERT INTO client_ids (application_id, environment, client_id, state) VALUES ($1, $2, $3, $4)")
            .bind(app_id)
            .bind(env.id())
            .bind(db::random_hex(16))
            .bind(state.id())
            .execute(&mut *conn)
            .await?;
    }
    Ok(Ok(()))
}

/// Writes an edited app if it is still at `version`; false when someone changed it meanwhile.
pub async fn update(
    conn: &mut AnyConnection,
    next: &Application,
    version: i64,
    now: &str,
) -> ApiResult<bool> {
    let done = sqlx::query(
        "UPDATE applications SET redirect_urls = $1, post_logout_urls = $2, cors_urls = $3, endpoints = $4, \
         technical_contact = $5, capabilities = $9, error_emails_send = $10, \
         error_email_recipients = $11, version = version + 1, updated_at = $6 \
         WHERE id = $7 AND version = $8 AND status = 'active'",
    )
    .bind(to_json(&next.redirect_urls)?)
    .bind(to_json(&next.post_logout_urls)?)
    .bind(to_json(&next.cors_urls)?)
    .bind(to_json(&next.endpoints)?)
    .bind(&next.technical_contact)
    .bind(now)
    .bind(&next.id)
    .bind(version)
    .bind(to_json(&next.capabilities)?)
    .bind(i64::from(next.error_emails.send))
    .bind(to_json(&next.error_emails.recipients)?)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A publish request changes what the app is (its state per environment), so it changes its ETag:
/// an edit loaded before the request is refused with 412, not applied to a locked configuration.
pub async fn bump_version(conn: &mut AnyConnection, app_id: &str, now: &str) -> ApiResult<()> {
    sqlx::query("UPDATE applications SET version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(app_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets an app's state in one environment; with `unless`, only when it is not already that state.
/// Returns whether a row changed.
pub async fn set_env_state(
    conn: &mut AnyConnection,
    app_id: &str,
    env: Environment,
    state: EnvState,
    unless_already: bool,
) -> ApiResult<bool> {
    let sql = if unless_already {
        "UPDATE client_ids SET state = $1 WHERE application_id = $2 AND environment = $3 AND state <> $1"
    } else {
        "UPDATE client_ids SET state = $1 WHERE application_id = $2 AND environment = $3"
    };
    let done = sqlx::query(sql)
        .bind(state.id())
        .bind(app_id)
        .bind(env.id())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
