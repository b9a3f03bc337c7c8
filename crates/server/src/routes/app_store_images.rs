//! `/applications/{app}/app-store/images`: logos and screenshots of a standard app's App Store
//! information, uploaded as `multipart/form-data` and served back for `<img>` previews.
//!
//! The type and size of an upload come from its bytes (`sniff_image`), never from its file name or the
//! part's content type; the core's `check_logo`/`check_screenshot` judge them. Images are served with
//! the content type recorded then, `nosniff`, and a policy that lets an SVG run nothing.

use super::app_store::standard_app;
use crate::auth::Caller;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::limits::{self, Limit};
use crate::store::app_store_images::{self as store, NewImage};
use crate::AppState;
use appreg_core::app_store::MAX_SCREENSHOT_BYTES;
use appreg_core::{
    check_logo, check_screenshot, field_findings, sniff_image, AppStoreField, FieldPath, ImageRef,
};
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// The largest upload body: the largest screenshot and room for the form around it.
pub const UPLOAD_LIMIT: usize = MAX_SCREENSHOT_BYTES as usize + 64 * 1024;
/// Uploads per caller: 60 in 10 minutes.
pub const UPLOADS: Limit = Limit {
    bucket: "app-store-upload",
    max: 60,
    window_secs: 600,
};
/// Images an app keeps; past this, uploads older than an hour that no version uses are deleted.
pub const MAX_IMAGES_PER_APP: i64 = 60;
/// How long a browser may keep an image (ids never change their bytes).
const CACHE: &str = "private, max-age=3600";
/// An image cannot run scripts, load anything or be framed as a page: it is only ever an image.
const IMAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

pub fn router() -> OpenApiRouter<AppState> {
    // Only the upload accepts a body larger than the API's 256 KiB (the route's limit wins).
    OpenApiRouter::new()
        .routes(routes!(upload_image))
        .layer(DefaultBodyLimit::max(UPLOAD_LIMIT))
        .merge(OpenApiRouter::new().routes(routes!(get_image)))
}

/// What an image is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ImageKind {
    /// A square PNG of at least 256 × 256 px or an SVG, at most 1 MB (APPSTORE-LOGO).
    Logo,
    /// A PNG or JPEG of 320 to 3,840 px a side, at most 5 MB (APPSTORE-SCREENSHOTS).
    Screenshot,
}

/// The form of an upload (`multipart/form-data`). Other parts are ignored, but the document allows
/// none: a fuzzer's extra parts with names that are not valid header text are a 400.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documents the form; the handler reads the parts one by one
pub struct ImageUpload {
    kind: ImageKind,
    /// The image file: PNG, JPEG or SVG, told by its bytes (its name and part content type are ignored).
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}

/// An image file's bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // documents the response body
pub struct ImageFile(Vec<u8>);

fn unprocessable(detail: &str) -> ApiError {
    ApiError::Json(StatusCode::UNPROCESSABLE_ENTITY, detail.into())
}

fn multipart_error(e: MultipartError) -> ApiError {
    let status = e.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::Json(
            status,
            "The upload is larger than 5 MB, the largest image allowed (a logo: 1 MB).".into(),
        );
    }
    ApiError::Json(status, e.body_text())
}

/// The form's kind and file.
async fn read_form(mut form: Multipart) -> ApiResult<(ImageKind, Vec<u8>)> {
    let (mut kind, mut file) = (None, None);
    while let Some(part) = form.next_field().await.map_err(multipart_error)? {
        match part.name() {
            Some("kind") => {
                let text = part.text().await.map_err(multipart_error)?;
                kind = Some(match text.trim() {
                    "logo" => ImageKind::Logo,
                    "screenshot" => ImageKind::Screenshot,
                    _ => return Err(unprocessable("kind must be logo or screenshot.")),
                });
            }
            Some("file") => {
                if file.is_some() {
                    return Err(unprocessable("Send one file per upload."));
                }
                file = Some(part.bytes().await.map_err(multipart_error)?.to_vec());
            }
            _ => {} // other parts are skipped
        }
    }
    let kind = kind.ok_or_else(|| unprocessable("Add the part kind: logo or screenshot."))?;
    let file = file.ok_or_else(|| unprocessable("Add the image as the part file."))?;
    Ok((kind, file))
}

/// Upload a logo or a screenshot for the App Store information (then name its id in `logo` or
/// `screenshots` and save). Its type and size are read from its bytes.
#[utoipa::path(post, path = "/applications/{app}/app-store/images", tag = "app-store",
    request_body(content = ImageUpload, content_type = "multipart/form-data"),
    params(("app" = String, Path, description = "The app's id")),
    security(("session" = [], "csrf" = []), ("bearer" = [])),
    responses(
        (status = 201, description = "The image as recorded", body = ImageRef,
            headers(("Location" = String, description = "Where the image is served"))),
        (status = 400, description = "The body is not a valid multipart form"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "The role may not change apps (Marketing), X-Requested-With is missing, or a read-only API token"),
        (status = 404, description = "No such app, another partner's, or a custom app"),
        (status = 409, description = "The app keeps too many images, or it is deactivated"),
        (status = 413, description = "The body is larger than 5 MB and 64 KiB"),
        (status = 415, description = "The body is not sent as multipart/form-data"),
        (status = 422, description = "The kind or file part is missing or wrong, or the image is not allowed (APPSTORE-LOGO, APPSTORE-SCREENSHOTS in errors)"),
        (status = 429, description = "Too many uploads; retry after Retry-After seconds")))]
pub async fn upload_image(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    limits::hit(&s.db, UPLOADS, &limits::subject(&caller.user_id)).await?;
    standard_app(&s, &caller, &id, true).await?;
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    if !multipart {
        return Err(ApiError::Json(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the image as multipart/form-data with the parts kind (logo or screenshot) and file."
                .into(),
        ));
    }
    let form = form.map_err(|r| ApiError::Json(r.status(), r.body_text()))?;
    let (kind, data) = read_form(form).await?;
    let (content_type, width, height) = sniff_image(&data).unwrap_or(("", 0, 0));
    let bytes = data.len() as u64;
    let (check, field) = match kind {
        ImageKind::Logo => (
            check_logo(content_type, width, height, bytes),
            AppStoreField::Logo,
        ),
        ImageKind::Screenshot => (
            check_screenshot(content_type, width, height, bytes),
            AppStoreField::Screenshots,
        ),
    };
    let errors = field_findings(FieldPath::AppStore(field), &check);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if store::image_count(&s.db, &id).await? >= MAX_IMAGES_PER_APP {
        let mut tx = s.db.begin().await?;
        store::prune_images(&mut tx, &id, &db::ago_secs(3600)).await?;
        tx.commit().await?;
        if store::image_count(&s.db, &id).await? >= MAX_IMAGES_PER_APP {
            return Err(ApiError::Conflict(format!(
                "This app keeps {MAX_IMAGES_PER_APP} uploaded images already; save the App Store \
                 information without the ones you do not need and try again in an hour."
            )));
        }
    }
    let image = ImageRef {
        id: db::new_id(),
        content_type: content_type.to_string(),
        width,
        height,
        bytes,
    };
    let kind_id = match kind {
        ImageKind::Logo => "logo",
        ImageKind::Screenshot => "screenshot",
    };
    let mut tx = s.db.begin().await?;
    let new = NewImage {
        image: &image,
        app_id: &id,
        kind: kind_id,
        data: &data,
        created_by: &caller.email,
    };
    store::insert_image(&mut tx, &new).await?;
    let after = serde_json::json!({"application_id": id, "kind": kind_id, "image": image});
    db::audit(
        &mut *tx,
        Some(&caller.user_id),
        "upload",
        "app_store_image",
        &image.id,
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    let location = format!(
        "{}/applications/{id}/app-store/images/{}",
        crate::openapi::BASE,
        image.id
    );
    let mut res = (StatusCode::CREATED, Json(image)).into_response();
    res.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(&location).map_err(ApiError::internal)?,
    );
    Ok(res)
}

/// An uploaded image, for previews: its bytes with the content type the server read from them.
#[utoipa::path(get, path = "/applications/{app}/app-store/images/{image}", tag = "app-store",
    params(("app" = String, Path, description = "The app's id"),
        ("image" = String, Path, description = "The image's id")),
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The image, served with X-Content-Type-Options: nosniff and a Content-Security-Policy that lets it run nothing",
            content((ImageFile = "image/png"), (ImageFile = "image/jpeg"), (ImageFile = "image/svg+xml")),
            headers(("Cache-Control" = String, description = "private, max-age=3600"),
                ("Content-Disposition" = String, description = "inline, with a file name"))),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such app or image, another partner's, or a custom app")))]
pub async fn get_image(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, image)): Path<(String, String)>,
) -> ApiResult<Response> {
    standard_app(&s, &caller, &id, false).await?;
    let (content_type, data) = store::image_data(&s.db, &id, &image)
        .await?
        .ok_or(ApiError::NotFound)?;
    let ext = crate::headers::image_extension(&content_type);
    // Ids are hex (db::new_id); anything else never reaches here, but the name is built from ours.
    let name: String = image.chars().filter(char::is_ascii_alphanumeric).collect();
    crate::headers::uploaded_file(
        data,
        &content_type,
        CACHE,
        IMAGE_CSP,
        &format!("inline; filename=\"app-store-{name}.{ext}\""),
    )
}
