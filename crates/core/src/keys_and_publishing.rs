//! Rules of the after-creation requests: client secrets (SECRET-*), certificates (CERT-EXPIRY,
//! CERT-DESCRIPTION) and publish requests (PUBLISH-*).

use crate::api::{
    FieldError, NewApiToken, NewCertificateRequest, NewPublishRequest, NewSecretRequest,
    MAX_CERTIFICATE_DAYS, MAX_SECRET_DAYS, MAX_TOKEN_DAYS,
};
use crate::field::FieldPath;
use crate::finding::{Check, Finding, Rule};
use crate::registration::field_error;
use crate::template::Environment;

/// Longest client secret description, in characters.
pub const MAX_SECRET_DESCRIPTION: usize = 200;
/// Longest message to the reviewer, and longest rejection reason, in characters.
pub const MAX_PUBLISH_TEXT: usize = 2000;

/// SECRET-EXPIRY and SECRET-DESCRIPTION. The description is stored trimmed.
pub fn check_secret_request(req: &NewSecretRequest) -> Vec<FieldError> {
    let mut out = Vec::new();
    if !(1..=MAX_SECRET_DAYS).contains(&req.expires_in_days) {
        out.push(field_error(
            FieldPath::ExpiresInDays,
            &Finding::error(
                Rule::SecretExpiry,
                "A secret expires after 1 to 730 days (24 months) at most.",
            ),
        ));
    }
    if req.description.trim().chars().count() > MAX_SECRET_DESCRIPTION {
        out.push(field_error(
            FieldPath::Description,
            &Finding::error(
                Rule::SecretDescription,
                "Keep the description to 200 characters.",
            ),
        ));
    }
    out
}

/// CERT-EXPIRY and CERT-DESCRIPTION (the key itself, CERT-KEY, is the server's). The description is
/// stored trimmed.
pub fn check_certificate_request(req: &NewCertificateRequest) -> Vec<FieldError> {
    let mut out = Vec::new();
    if !(1..=MAX_CERTIFICATE_DAYS).contains(&req.expires_in_days) {
        out.push(field_error(
            FieldPath::ExpiresInDays,
            &Finding::error(
                Rule::CertExpiry,
                "A certificate is valid for 1 to 730 days (24 months) at most.",
            ),
        ));
    }
    if req.description.trim().chars().count() > MAX_SECRET_DESCRIPTION {
        out.push(field_error(
            FieldPath::Description,
            &Finding::error(
                Rule::CertDescription,
                "Keep the description to 200 characters.",
            ),
        ));
    }
    out
}

/// PUBLISH-ENV and PUBLISH-MESSAGE. The message is stored trimmed.
pub fn check_publish_request(req: &NewPublishRequest) -> Vec<FieldError> {
    let mut out = Vec::new();
    if req.environment == Environment::Sod {
        out.push(field_error(
            FieldPath::Environment,
            &Finding::error(
                Rule::PublishEnv,
                "SOD is published at once; request Stage or Production.",
            ),
        ));
    }
    if req.message.trim().chars().count() > MAX_PUBLISH_TEXT {
        out.push(field_error(
            FieldPath::Message,
            &Finding::error(
                Rule::PublishMessage,
                "Keep the message to 2,000 characters.",
            ),
        ));
    }
    out
}

/// PUBLISH-REASON: a rejection says why. The canonical form is trimmed.
pub fn check_reject_reason(input: &str) -> Check {
    let reason = input.trim();
    let n = reason.chars().count();
    let mut findings = Vec::new();
    if n == 0 || n > MAX_PUBLISH_TEXT {
        findings.push(Finding::error(
            Rule::PublishReason,
            "Say why the request is rejected (1 to 2,000 characters).",
        ));
    }
    Check::new(input, Some(reason.to_string()), findings)
}

/// TOKEN-NAME and TOKEN-EXPIRY. The name is stored trimmed; its length is counted as sent (what the
/// API document's `maxLength` says).
pub fn check_token_request(req: &NewApiToken) -> Vec<FieldError> {
    let mut out = Vec::new();
    if req.name.trim().is_empty() || req.name.chars().count() > 100 {
        out.push(field_error(
            FieldPath::Name,
            &Finding::error(
                Rule::TokenName,
                "Give the token a name of 1 to 100 characters.",
            ),
        ));
    }
    if !(1..=MAX_TOKEN_DAYS).contains(&req.expires_in_days) {
        out.push(field_error(
            FieldPath::ExpiresInDays,
            &Finding::error(
                Rule::TokenExpiry,
                format!("expires_in_days must be 1 to {MAX_TOKEN_DAYS}."),
            ),
        ));
    }
    out
}
