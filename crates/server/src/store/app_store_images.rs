//! Uploaded App Store images (migration 0008): their bytes, the content type and size read from them,
//! and the clean-up of uploads no version uses.

use super::app_store::load;
use crate::db::{self, Db};
use crate::error::{ApiError, ApiResult};
use appreg_core::ImageRef;
use sqlx::{AnyConnection, FromRow};

fn number(column: &str, n: i64) -> ApiResult<u32> {
    u32::try_from(n).map_err(|_| ApiError::Internal(format!("{column} {n}")))
}

/// An uploaded image to store.
pub struct NewImage<'a> {
    pub image: &'a ImageRef,
    pub app_id: &'a str,
    pub kind: &'a str,
    pub data: &'a [u8],
    pub created_by: &'a str,
}

pub async fn insert_image(conn: &mut AnyConnection, n: &NewImage<'_>) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO app_store_images (id, application_id, kind, content_type, width, height, bytes, \
         data, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&n.image.id)
    .bind(n.app_id)
    .bind(n.kind)
    .bind(&n.image.content_type)
    .bind(i64::from(n.image.width))
    .bind(i64::from(n.image.height))
    .bind(i64::try_from(n.image.bytes).map_err(ApiError::internal)?)
    .bind(n.data.to_vec())
    .bind(db::now())
    .bind(n.created_by)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(FromRow)]
struct ImageRow {
    id: String,
    content_type: String,
    width: i64,
    height: i64,
    bytes: i64,
}

/// The app's image `id` as recorded at its upload; None when the app has no such image.
pub async fn image_ref(db: &Db, app_id: &str, id: &str) -> ApiResult<Option<ImageRef>> {
    let row = sqlx::query_as::<_, ImageRow>(
        "SELECT id, content_type, width, height, bytes FROM app_store_images \
         WHERE id = $1 AND application_id = $2",
    )
    .bind(id)
    .bind(app_id)
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(ImageRef {
            width: number("app_store_images.width", r.width)?,
            height: number("app_store_images.height", r.height)?,
            bytes: u64::try_from(r.bytes)
                .map_err(|_| ApiError::Internal(format!("app_store_images.bytes {}", r.bytes)))?,
            id: r.id,
            content_type: r.content_type,
        })
    })
    .transpose()
}

#[derive(FromRow)]
struct DataRow {
    content_type: String,
    data: Vec<u8>,
}

/// The app's image `id`: its content type and bytes.
pub async fn image_data(db: &Db, app_id: &str, id: &str) -> ApiResult<Option<(String, Vec<u8>)>> {
    Ok(sqlx::query_as::<_, DataRow>(
        "SELECT content_type, data FROM app_store_images WHERE id = $1 AND application_id = $2",
    )
    .bind(id)
    .bind(app_id)
    .fetch_optional(db)
    .await?
    .map(|r| (r.content_type, r.data)))
}

/// How many images the app has uploaded.
pub async fn image_count(db: &Db, app_id: &str) -> ApiResult<i64> {
    use sqlx::Row;
    let row = sqlx::query("SELECT COUNT(*) AS n FROM app_store_images WHERE application_id = $1")
        .bind(app_id)
        .fetch_one(db)
        .await?;
    Ok(row.try_get("n")?)
}

/// Deletes the app's images that no version refers to and that were uploaded before `before`.
pub async fn prune_images(conn: &mut AnyConnection, app_id: &str, before: &str) -> ApiResult<u64> {
    let stored = load(conn, app_id).await?;
    let used: Vec<&str> = stored
        .versions
        .iter()
        .flat_map(|v| v.info.logo.iter().chain(v.info.screenshots.iter()))
        .map(|i| i.id.as_str())
        .collect();
    let old = sqlx::query_as::<_, super::rows::IdRow>(
        "SELECT id FROM app_store_images WHERE application_id = $1 AND created_at < $2",
    )
    .bind(app_id)
    .bind(before)
    .fetch_all(&mut *conn)
    .await?;
    let mut n = 0;
    for id in old
        .into_iter()
        .map(|r| r.id)
        .filter(|id| !used.contains(&id.as_str()))
    {
        n += sqlx::query("DELETE FROM app_store_images WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    Ok(n)
}
