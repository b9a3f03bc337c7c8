//! `ApiJson<T>`: axum's `Json` whose rejections become problem+json, and which reads only the shapes the
//! OpenAPI document allows.
//!
//! serde reads a struct from a JSON array too (its fields in order: `[null, null]` is a valid patch to
//! serde), which the document does not allow and schemathesis caught. Every request body is an object,
//! and the only lists in them are the string lists named in [`LIST_FIELDS`]; any other array is refused
//! before the body is read into its type.

use crate::error::ApiError;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub struct ApiJson<T>(pub T);

/// The keys whose values are lists in request bodies.
pub const LIST_FIELDS: &[&str] = &[
    "redirect_urls",
    "post_logout_urls",
    "cors_urls",
    "values",
    "capabilities",
    // `error_emails.recipients`
    "recipients",
    // App Store information (`screenshots`: a list of image objects)
    "categories",
    "languages",
    "screenshots",
    // `PUT /me/notifications` (a list of `{kind, enabled}` objects)
    "kinds",
];

/// Where the body has an array that is not one of the [`LIST_FIELDS`], its path (`$.endpoints`).
fn stray_array(v: &Value, path: &str, key: Option<&str>) -> Option<String> {
    match v {
        Value::Array(items) if key.is_some_and(|k| LIST_FIELDS.contains(&k)) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| stray_array(item, &format!("{path}[{i}]"), None)),
        Value::Array(_) => Some(path.to_string()),
        Value::Object(map) => map
            .iter()
            .find_map(|(k, item)| stray_array(item, &format!("{path}.{k}"), Some(k))),
        _ => None,
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(value) = axum::Json::<Value>::from_request(req, state)
            .await
            .map_err(ApiError::from)?;
        let unprocessable =
            |detail: String| ApiError::Json(StatusCode::UNPROCESSABLE_ENTITY, detail);
        if !value.is_object() {
            return Err(unprocessable(
                "The request body must be a JSON object.".into(),
            ));
        }
        if let Some(at) = stray_array(&value, "$", None) {
            return Err(unprocessable(format!(
                "{at} is a list where the API expects an object or a single value."
            )));
        }
        // axum's own reading, so its 400/422 split for type errors stays what it was.
        let bytes = serde_json::to_vec(&value).map_err(ApiError::internal)?;
        axum::Json::<T>::from_bytes(&bytes)
            .map(|axum::Json(v)| ApiJson(v))
            .map_err(ApiError::from)
    }
}

#[cfg(test)]
mod tests {
    use super::stray_array;
    use serde_json::json;

    #[test]
    fn arrays_are_allowed_only_as_the_string_lists() {
        let ok = json!({"redirect_urls": ["a"], "registration": {"redirect_urls": [], "endpoints": {"quote": null}}});
        assert_eq!(stray_array(&ok, "$", None), None);
        let patch = json!({"endpoints": [null, null]});
        assert_eq!(
            stray_array(&patch, "$", None).as_deref(),
            Some("$.endpoints")
        );
        let nested = json!({"values": [["x"]]});
        assert_eq!(
            stray_array(&nested, "$", None).as_deref(),
            Some("$.values[0]")
        );
    }
}
