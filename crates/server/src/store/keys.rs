//! Client secrets (stored as hashes) and certificates (public keys only).

use super::rows::{CertificateRow, IdRow, SecretRow};
use super::{parse, plus_days};
use crate::db::{self, is_unique_violation, Db};
use crate::error::ApiResult;
use appreg_core::api::{Certificate, SecretInfo};
use appreg_core::Environment;
use sqlx::{Acquire, AnyConnection};

fn secret_info(r: SecretRow) -> ApiResult<SecretInfo> {
    Ok(SecretInfo {
        environment: parse("client_secrets.environment", &r.environment)?,
        id: r.id,
        description: r.description,
        last4: r.last4,
        created_at: r.created_at,
        expires_at: r.expires_at,
    })
}

/// The app's live (not revoked) secrets.
pub async fn live_secrets(db: &Db, app_id: &str) -> ApiResult<Vec<SecretInfo>> {
    sqlx::query_as::<_, SecretRow>(
        "SELECT id, environment, description, last4, created_at, expires_at FROM client_secrets \
         WHERE application_id = $1 AND revoked_at IS NULL ORDER BY environment, created_at",
    )
    .bind(app_id)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(secret_info)
    .collect()
}

/// A new secret's row.
pub struct NewSecretRow<'a> {
    pub id: &'a str,
    pub app_id: &'a str,
    pub environment: Environment,
    pub description: &'a str,
    pub secret_hash: &'a str,
    pub last4: &'a str,
    pub created_at: &'a str,
    pub expires_at: &'a str,
}

/// Stores a secret in one of the environment's two live slots (expired secrets give theirs up first);
/// false when both are taken. Each slot is tried under a savepoint, so a taken one (a unique violation)
/// leaves the transaction usable on PostgreSQL too.
pub async fn insert_secret(conn: &mut AnyConnection, s: &NewSecretRow<'_>) -> ApiResult<bool> {
    sqlx::query("UPDATE client_secrets SET slot = NULL WHERE application_id = $1 AND environment = $2 AND expires_at <= $3")
        .bind(s.app_id)
        .bind(s.environment.id())
        .bind(s.created_at)
        .execute(&mut *conn)
        .await?;
    for slot in [0i64, 1] {
        let mut sp = conn.begin().await?;
        let r = sqlx::query(
            "INSERT INTO client_secrets (id, application_id, environment, slot, description, secret_hash, last4, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(s.id)
        .bind(s.app_id)
        .bind(s.environment.id())
        .bind(slot)
        .bind(s.description)
        .bind(s.secret_hash)
        .bind(s.last4)
        .bind(s.created_at)
        .bind(s.expires_at)
        .execute(&mut *sp)
        .await;
        match r {
            Ok(_) => {
                sp.commit().await?;
                return Ok(true);
            }
            Err(e) if is_unique_violation(&e) => sp.rollback().await?,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(false)
}

/// Revokes one of the app's live secrets; false when there is no such secret.
pub async fn revoke_secret(conn: &mut AnyConnection, app_id: &str, id: &str) -> ApiResult<bool> {
    let done = sqlx::query(
        "UPDATE client_secrets SET revoked_at = $3, slot = NULL \
         WHERE id = $1 AND application_id = $2 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(app_id)
    .bind(db::now())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

fn certificate(r: CertificateRow) -> ApiResult<Certificate> {
    let expires_at = match r.expires_at {
        Some(at) => at,
        None => plus_days("certificates.created_at", &r.created_at, 365)?,
    };
    Ok(Certificate {
        environment: parse("certificates.environment", &r.environment)?,
        description: r.description,
        expires_at,
        id: r.id,
        public_key_pem: r.public_key_pem,
        created_at: r.created_at,
        private_key_pem: None,
        private_key_xml: None,
    })
}

pub async fn certificates(db: &Db, app_id: &str) -> ApiResult<Vec<Certificate>> {
    sqlx::query_as::<_, CertificateRow>(
        "SELECT id, environment, public_key_pem, created_at, description, expires_at FROM certificates \
         WHERE application_id = $1 ORDER BY environment",
    )
    .bind(app_id)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(certificate)
    .collect()
}

/// Whether the app has a certificate in the environment.
pub async fn has_certificate(db: &Db, app_id: &str, env: Environment) -> ApiResult<bool> {
    let row = sqlx::query_as::<_, IdRow>(
        "SELECT id FROM certificates WHERE application_id = $1 AND environment = $2",
    )
    .bind(app_id)
    .bind(env.id())
    .fetch_optional(db)
    .await?;
    Ok(row.is_some())
}

/// A new certificate's row.
pub struct NewCertificateRow<'a> {
    pub id: &'a str,
    pub app_id: &'a str,
    pub environment: Environment,
    pub public_pem: &'a str,
    pub description: &'a str,
    pub created_at: &'a str,
    pub expires_at: &'a str,
}

/// Stores a certificate; the insert error is returned as is (a unique violation: one per environment).
pub async fn insert_certificate(
    conn: &mut AnyConnection,
    c: &NewCertificateRow<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO certificates (id, application_id, environment, public_key_pem, description, created_at, \
         expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(c.id)
    .bind(c.app_id)
    .bind(c.environment.id())
    .bind(c.public_pem)
    .bind(c.description)
    .bind(c.created_at)
    .bind(c.expires_at)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Deletes one of the app's certificates; false when there is no such certificate.
pub async fn delete_certificate(
    conn: &mut AnyConnection,
    app_id: &str,
    id: &str,
) -> ApiResult<bool> {
    let done = sqlx::query("DELETE FROM certificates WHERE id = $1 AND application_id = $2")
        .bind(id)
        .bind(app_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
