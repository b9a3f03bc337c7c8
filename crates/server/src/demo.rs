//! `--demo`: seeds, once, a demo partner with users of every role, another partner and an app manager.
//! Its users are marked `demo = 1`: a server started without `--demo` refuses them.

use crate::auth::hash_password;
use crate::db;
use crate::error::ApiResult;
use crate::AppState;

pub const DEMO_PASSWORD: &str = "demo-password";
pub const DEMO_PARTNER: &str = "demo";
pub const OTHER_PARTNER: &str = "other";

/// (email, name, partner, role, app manager)
pub const USERS: &[(&str, &str, Option<&str>, &str, bool)] = &[
    (
        "admin@demo.test",
        "Ada Admin",
        Some(DEMO_PARTNER),
        "administrator",
        false,
    ),
    (
        "dev@demo.test",
        "Dev Developer",
        Some(DEMO_PARTNER),
        "developer",
        false,
    ),
    (
        "marketing@demo.test",
        "Mia Marketing",
        Some(DEMO_PARTNER),
        "marketing",
        false,
    ),
    (
        "other@demo.test",
        "Otto Other",
        Some(OTHER_PARTNER),
        "administrator",
        false,
    ),
    ("appmanager@demo.test", "Alma Appmanager", None, "", true),
];

pub async fn seed(state: &AppState) -> ApiResult<()> {
    let exists =
        sqlx::query_as::<_, crate::store::rows::IdRow>("SELECT id FROM partners WHERE id = $1")
            .bind(DEMO_PARTNER)
            .fetch_optional(&state.db)
            .await?;
    if exists.is_some() {
        return Ok(());
    }
    let mut tx = state.db.begin().await?;
    for (id, name) in [
        (DEMO_PARTNER, "Demo Partner AS"),
        (OTHER_PARTNER, "Other Partner AS"),
    ] {
        sqlx::query("INSERT INTO partners (id, name) VALUES ($1, $2)")
            .bind(id)
            .bind(name)
            .execute(&mut *tx)
            .await?;
    }
    for (email, name, partner, role, manager) in USERS {
        let uid = db::new_id();
        sqlx::query(
            "INSERT INTO users (id, email, name, password_hash, app_manager, created_at, demo) VALUES ($1, $2, $3, $4, $5, $6, 1)",
        )
        .bind(&uid)
        .bind(*email)
        .bind(*name)
        .bind(hash_password(&state.cfg.argon2, DEMO_PASSWORD))
        .bind(i64::from(*manager))
        .bind(db::now())
        .execute(&mut *tx)
        .await?;
        if let Some(p) = partner {
            sqlx::query("INSERT INTO memberships (user_id, partner_id, role) VALUES ($1, $2, $3)")
                .bind(&uid)
                .bind(*p)
                .bind(*role)
                .execute(&mut *tx)
                .await?;
        }
    }
    db::audit(&mut *tx, None, "seed", "demo", DEMO_PARTNER, None, None).await?;
    tx.commit().await?;
    Ok(())
}

/// How many demo accounts (not disabled) the database holds.
pub async fn count_accounts(db: &db::Db) -> Result<i64, sqlx::Error> {
    let row = sqlx::query_as::<_, crate::store::rows::CountRow>(
        "SELECT COUNT(*) AS n FROM users WHERE demo = 1 AND disabled_at IS NULL",
    )
    .fetch_one(db)
    .await?;
    Ok(row.n)
}

/// What `appreg serve` without `--demo` says at start-up when demo accounts exist.
pub fn refusal_warning(n: i64) -> String {
    format!(
        "appreg: warning: this database holds {n} demo account(s) (password '{DEMO_PASSWORD}'); \
         they will be refused because the server was started without --demo"
    )
}

pub fn print_credentials() {
    println!("appreg demo data — sign in with password '{DEMO_PASSWORD}' as:");
    for (email, _, partner, role, manager) in USERS {
        let what = if *manager {
            "app manager".to_string()
        } else {
            format!("{role} of partner '{}'", partner.unwrap_or(""))
        };
        println!("  {email:<22} {what}");
    }
}
