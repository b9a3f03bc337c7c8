//! The storage layer: every SQL statement of the API, over typed rows ([`rows`]). Values read from the
//! database are decoded strictly: a column that does not decode, or text that is not one of the values
//! the code writes (an unknown template, state or role), is [`ApiError::Internal`] — a 500 with a log
//! line — never a silent default.

pub mod app_store;
pub mod app_store_images;
pub mod applications;
pub mod credentials;
pub mod deletion;
pub mod keys;
pub mod publishing;
pub mod rows;
pub mod ticket_messages;
pub mod tickets;
pub mod users;
pub mod versions;

use crate::error::{ApiError, ApiResult};
use appreg_core::api::EnvState;
use std::fmt::Display;
use std::str::FromStr;

/// A stored identifier (`template`, `environment`, …) parsed back; unknown text is a 500.
pub fn parse<T>(column: &str, value: &str) -> ApiResult<T>
where
    T: FromStr,
    T::Err: Display,
{
    value
        .parse()
        .map_err(|e| ApiError::Internal(format!("column {column}: {e}")))
}

/// A stored JSON column parsed back; malformed JSON is a 500.
pub fn json<T: serde::de::DeserializeOwned>(column: &str, value: &str) -> ApiResult<T> {
    serde_json::from_str(value).map_err(|e| ApiError::Internal(format!("column {column}: {e}")))
}

/// A value as JSON text for a column.
pub fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> ApiResult<String> {
    serde_json::to_string(value).map_err(ApiError::internal)
}

/// A stored environment state (`none`, `pending`, `published`, `rejected`).
pub fn env_state(value: &str) -> ApiResult<EnvState> {
    EnvState::from_id(value)
        .ok_or_else(|| ApiError::Internal(format!("unknown environment state {value:?}")))
}

/// A stored BIGINT flag: 0 or 1, anything else is a 500.
pub fn flag(column: &str, value: i64) -> ApiResult<bool> {
    match value {
        0 => Ok(false),
        1 => Ok(true),
        v => Err(ApiError::Internal(format!("column {column}: flag {v}"))),
    }
}

/// A stored identifier read back with `from_id`; unknown text is a 500.
pub fn parse_with<T>(
    column: &str,
    value: &str,
    from_id: impl Fn(&str) -> Option<T>,
) -> ApiResult<T> {
    from_id(value)
        .ok_or_else(|| ApiError::Internal(format!("column {column}: unknown value {value:?}")))
}

/// A stored RFC 3339 timestamp plus `days`; text that is not a timestamp is a 500.
pub fn plus_days(column: &str, at: &str, days: i64) -> ApiResult<String> {
    let t = time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .map_err(|e| ApiError::Internal(format!("column {column}: {e}")))?;
    Ok(crate::db::fmt_time(t + time::Duration::days(days)))
}
