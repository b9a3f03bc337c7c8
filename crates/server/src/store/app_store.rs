//! App Store information of standard apps (migration 0008): its versions, the revision that is its
//! ETag, the listing names in use, and its publish requests (the images: [`super::app_store_images`]).

use super::{json, parse_with, to_json};
use crate::db;
use crate::error::{ApiError, ApiResult};
use appreg_core::api::PublishRequest;
use appreg_core::{name_key, AppStoreInfo, VersionState};
use sqlx::{AnyConnection, FromRow};

/// One stored version of an app's App Store information.
#[derive(Clone, Debug)]
pub struct Version {
    pub number: u32,
    pub info: AppStoreInfo,
    /// None: published once, replaced by a newer published version since.
    pub state: Option<VersionState>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
}

/// An app's App Store information: the revision (0 before the first write) and the versions, newest
/// (the current one) first.
#[derive(Clone, Debug, Default)]
pub struct Stored {
    pub revision: i64,
    pub versions: Vec<Version>,
}

impl Stored {
    pub fn current(&self) -> Option<&Version> {
        self.versions.first()
    }

    /// The version published to the App Store.
    pub fn published(&self) -> Option<&Version> {
        self.versions
            .iter()
            .find(|v| v.state == Some(VersionState::Published))
    }

    /// The version waiting for the app manager.
    pub fn pending(&self) -> Option<&Version> {
        self.versions
            .iter()
            .find(|v| v.state == Some(VersionState::Pending))
    }
}

#[derive(FromRow)]
struct RevisionRow {
    revision: i64,
}

#[derive(FromRow)]
struct VersionRow {
    number: i64,
    info_json: String,
    state: Option<String>,
    created_at: String,
    created_by: String,
    updated_at: String,
}

fn number(column: &str, n: i64) -> ApiResult<u32> {
    u32::try_from(n).map_err(|_| ApiError::Internal(format!("{column} {n}")))
}

fn to_version(r: VersionRow) -> ApiResult<Version> {
    Ok(Version {
        number: number("app_store_versions.number", r.number)?,
        info: json("app_store_versions.info_json", &r.info_json)?,
        state: r
            .state
            .map(|s| parse_with("app_store_versions.state", &s, VersionState::from_id))
            .transpose()?,
        created_at: r.created_at,
        created_by: r.created_by,
        updated_at: r.updated_at,
    })
}

/// The app's App Store information as stored.
pub async fn load(conn: &mut AnyConnection, app_id: &str) -> ApiResult<Stored> {
    let revision = sqlx::query_as::<_, RevisionRow>(
        "SELECT revision FROM app_store WHERE application_id = $1",
    )
    .bind(app_id)
    .fetch_optional(&mut *conn)
    .await?
    .map_or(0, |r| r.revision);
    let versions = sqlx::query_as::<_, VersionRow>(
        "SELECT number, info_json, state, created_at, created_by, updated_at FROM app_store_versions \
         WHERE application_id = $1 ORDER BY number DESC",
    )
    .bind(app_id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(to_version)
    .collect::<ApiResult<_>>()?;
    Ok(Stored { revision, versions })
}

/// Moves the revision on from `revision` (0: creates it); false when it is no longer `revision` (a
/// concurrent write won).
pub async fn bump_if(
    conn: &mut AnyConnection,
    app_id: &str,
    revision: i64,
    now: &str,
) -> ApiResult<bool> {
    if revision == 0 {
        let made = sqlx::query(
            "INSERT INTO app_store (application_id, revision, updated_at) VALUES ($1, 1, $2)",
        )
        .bind(app_id)
        .bind(now)
        .execute(conn)
        .await;
        return match made {
            Ok(_) => Ok(true),
            Err(e) if db::is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e.into()),
        };
    }
    let done = sqlx::query(
        "UPDATE app_store SET revision = revision + 1, updated_at = $1 \
         WHERE application_id = $2 AND revision = $3",
    )
    .bind(now)
    .bind(app_id)
    .bind(revision)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Moves the revision on whatever it is (a decision: an edit loaded before it gets 412).
pub async fn bump(conn: &mut AnyConnection, app_id: &str, now: &str) -> ApiResult<()> {
    sqlx::query(
        "UPDATE app_store SET revision = revision + 1, updated_at = $1 WHERE application_id = $2",
    )
    .bind(now)
    .bind(app_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores a new version.
pub async fn insert(conn: &mut AnyConnection, app_id: &str, v: &Version) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO app_store_versions (application_id, number, info_json, state, created_at, \
         created_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(app_id)
    .bind(i64::from(v.number))
    .bind(to_json(&v.info)?)
    .bind(v.state.map(|s| s.id()))
    .bind(&v.created_at)
    .bind(&v.created_by)
    .bind(&v.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces a version's information; it becomes a draft again.
pub async fn update(
    conn: &mut AnyConnection,
    app_id: &str,
    number: u32,
    info: &AppStoreInfo,
    now: &str,
) -> ApiResult<()> {
    sqlx::query(
        "UPDATE app_store_versions SET info_json = $1, state = 'draft', updated_at = $2 \
         WHERE application_id = $3 AND number = $4",
    )
    .bind(to_json(info)?)
    .bind(now)
    .bind(app_id)
    .bind(i64::from(number))
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves a version from state `from` to `to`; false when it is not in `from` (any more).
pub async fn set_state(
    conn: &mut AnyConnection,
    app_id: &str,
    number: u32,
    from: VersionState,
    to: VersionState,
) -> ApiResult<bool> {
    let done = sqlx::query(
        "UPDATE app_store_versions SET state = $1 WHERE application_id = $2 AND number = $3 AND state = $4",
    )
    .bind(to.id())
    .bind(app_id)
    .bind(i64::from(number))
    .bind(from.id())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Publishes a pending version: the version published before is replaced (its state becomes NULL).
/// False when the version is not pending (any more).
pub async fn publish(conn: &mut AnyConnection, app_id: &str, number: u32) -> ApiResult<bool> {
    sqlx::query(
        "UPDATE app_store_versions SET state = NULL \
         WHERE application_id = $1 AND number <> $2 AND state = 'published'",
    )
    .bind(app_id)
    .bind(i64::from(number))
    .execute(&mut *conn)
    .await?;
    set_state(
        conn,
        app_id,
        number,
        VersionState::Pending,
        VersionState::Published,
    )
    .await
}

#[derive(FromRow)]
struct NameRow {
    application_id: String,
    listing_name: String,
}

/// Who lists under `name` (compared as app names are): the app and its listing name.
pub async fn name_holder(
    conn: &mut AnyConnection,
    name: &str,
) -> ApiResult<Option<(String, String)>> {
    Ok(sqlx::query_as::<_, NameRow>(
        "SELECT application_id, listing_name FROM app_store_names WHERE name_key = $1",
    )
    .bind(name_key(name))
    .fetch_optional(conn)
    .await?
    .map(|r| (r.application_id, r.listing_name)))
}

/// Takes the listing name `name` for the app: `Ok(Err(other))` when another app lists under it (its
/// listing name). The primary key decides a race; after a refusal the transaction is to be dropped.
pub async fn claim_name(
    conn: &mut AnyConnection,
    app_id: &str,
    name: &str,
) -> ApiResult<Result<(), String>> {
    match name_holder(conn, name).await? {
        Some((holder, _)) if holder == app_id => return Ok(Ok(())),
        Some((_, other)) => return Ok(Err(other)),
        None => {}
    }
    let made = sqlx::query(
        "INSERT INTO app_store_names (name_key, application_id, listing_name) VALUES ($1, $2, $3)",
    )
    .bind(name_key(name))
    .bind(app_id)
    .bind(name)
    .execute(conn)
    .await;
    match made {
        Ok(_) => Ok(Ok(())),
        Err(e) if db::is_unique_violation(&e) => Ok(Err(name.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// Frees the app's listing names but those of its current, pending and published versions.
pub async fn release_names(conn: &mut AnyConnection, app_id: &str) -> ApiResult<()> {
    let stored = load(conn, app_id).await?;
    let keep: Vec<String> = [stored.current(), stored.pending(), stored.published()]
        .into_iter()
        .flatten()
        .map(|v| name_key(&v.info.listing_name))
        .collect();
    let held = sqlx::query_as::<_, super::rows::IdRow>(
        "SELECT name_key AS id FROM app_store_names WHERE application_id = $1",
    )
    .bind(app_id)
    .fetch_all(&mut *conn)
    .await?;
    for key in held.into_iter().map(|r| r.id).filter(|k| !keep.contains(k)) {
        sqlx::query("DELETE FROM app_store_names WHERE name_key = $1 AND application_id = $2")
            .bind(key)
            .bind(app_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A request to publish App Store version `version` to Production.
pub async fn insert_request(
    conn: &mut AnyConnection,
    req: &PublishRequest,
    requested_by: &str,
) -> ApiResult<()> {
    let version = req.version.map(i64::from);
    sqlx::query(
        "INSERT INTO publish_requests (id, application_id, environment, message, state, requested_by, \
         created_at, kind, app_store_version) VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8)",
    )
    .bind(&req.id)
    .bind(&req.application_id)
    .bind(req.environment.id())
    .bind(&req.message)
    .bind(requested_by)
    .bind(&req.created_at)
    .bind(PublishRequest::APP_STORE)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    // Every publish request is a ticket of the Messaging Center, made in the same transaction.
    super::tickets::open_for_request(conn, &req.id).await
}
