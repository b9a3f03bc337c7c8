//! `appreg user add` and `appreg user disable`.

use super::{
    database_url, db_failed, display_name, finish, options, required, with_db, Failure, Outcome,
    USER_USAGE,
};
use crate::auth::hash_password;
use crate::db::{self, is_unique_violation};
use crate::store::rows::{IdRow, UserStateRow};
use appreg_core::api::Role;
use serde_json::json;
use std::io::{BufRead, Write};
use Failure::{Failed, Usage};

/// Shortest accepted password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_CHARS: usize = 1024;

/// `appreg user …`: returns the exit status. `input` is standard input (the password); `prompt` asks for
/// it on `err` first (when standard input is a terminal).
pub fn user(
    args: &[String],
    input: &mut impl BufRead,
    prompt: bool,
    out: &mut impl Write,
    err: &mut impl Write,
) -> i32 {
    let (cmd, r) = match args.split_first() {
        Some((sub, rest)) if sub == "add" => ("user add", user_add(rest, input, prompt, err)),
        Some((sub, rest)) if sub == "disable" => ("user disable", user_disable(rest)),
        Some((sub, _)) if sub == "-h" || sub == "--help" => {
            let _ = writeln!(out, "{USER_USAGE}");
            return 0;
        }
        _ => (
            "user",
            Err(Usage("give a subcommand: add or disable".into())),
        ),
    };
    finish(cmd, USER_USAGE, r, out, err)
}

/// One line of standard input, without its line ending.
fn read_password(
    input: &mut impl BufRead,
    prompt: bool,
    err: &mut impl Write,
) -> Result<String, Failure> {
    if prompt {
        let _ = write!(
            err,
            "Password for the new user (at least {MIN_PASSWORD_CHARS} characters): "
        );
        let _ = err.flush();
    }
    let mut line = String::new();
    input
        .read_line(&mut line)
        .map_err(|e| Failed(format!("cannot read the password from standard input: {e}")))?;
    let password = line
        .strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(&line);
    let n = password.chars().count();
    if n == 0 {
        return Err(Failed(
            "no password on standard input: give it as one line, e.g. printf '%s\\n' \"$PASSWORD\" | appreg user add …"
                .into(),
        ));
    }
    if n < MIN_PASSWORD_CHARS {
        return Err(Failed(format!(
            "the password is {n} characters long; it must have at least {MIN_PASSWORD_CHARS}"
        )));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(Failed(format!(
            "the password is longer than {MAX_PASSWORD_CHARS} characters"
        )));
    }
    Ok(password.to_string())
}

fn email_of(raw: &str) -> Result<String, Failure> {
    let check = appreg_core::check_contact_email(raw);
    match check.findings.first() {
        Some(f) => Err(Failed(format!("--email: {}", f.message))),
        None => check
            .canonical
            .ok_or_else(|| Failed("--email: not a valid email address".into())),
    }
}

fn user_add(
    args: &[String],
    input: &mut impl BufRead,
    prompt: bool,
    err: &mut impl Write,
) -> Outcome {
    let o = options(
        args,
        &["--email", "--name", "--partner", "--role", "--database-url"],
        &["--app-manager"],
    )?;
    let email = required(&o, "--email")?;
    let name = required(&o, "--name")?;
    let app_manager = o.contains_key("--app-manager");
    let membership = match (o.get("--partner"), o.get("--role")) {
        (Some(p), Some(r)) => {
            let role = Role::from_id(r).ok_or_else(|| {
                Usage(format!(
                    "--role must be administrator, developer or marketing, not '{r}'"
                ))
            })?;
            Some((p.clone(), role))
        }
        (None, None) if app_manager => None,
        (None, None) => return Err(Usage("--partner and --role are required".into())),
        (Some(_), None) => return Err(Usage("--role is required with --partner".into())),
        (None, Some(_)) => return Err(Usage("--partner is required with --role".into())),
    };
    let email = email_of(&email)?;
    let name = display_name("user", &name)?;
    let password = read_password(input, prompt, err)?;
    // The server's production cost (Config::new): OWASP's Argon2id recommendation.
    let hash = hash_password(&argon2::Params::default(), &password);
    drop(password);
    with_db(&database_url(&o), |pool| async move {
        let mut tx = pool.begin().await.map_err(db_failed)?;
        if let Some((pid, _)) = &membership {
            let exists = sqlx::query_as::<_, IdRow>("SELECT id FROM partners WHERE id = $1")
                .bind(pid)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_failed)?;
            if exists.is_none() {
                return Err(Failed(format!(
                    "there is no partner with id '{pid}' (create it with: appreg partner add --id {pid} --name NAME)"
                )));
            }
        }
        let id = db::new_id();
        let ins = sqlx::query(
            "INSERT INTO users (id, email, name, password_hash, app_manager, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(&email)
        .bind(&name)
        .bind(&hash)
        .bind(i64::from(app_manager))
        .bind(db::now())
        .execute(&mut *tx)
        .await;
        match ins {
            Err(e) if is_unique_violation(&e) => {
                return Err(Failed(format!("a user with email {email} already exists")))
            }
            r => r.map_err(db_failed)?,
        };
        if let Some((pid, role)) = &membership {
            sqlx::query("INSERT INTO memberships (user_id, partner_id, role) VALUES ($1, $2, $3)")
                .bind(&id)
                .bind(pid)
                .bind(role.id())
                .execute(&mut *tx)
                .await
                .map_err(db_failed)?;
        }
        let user = json!({
            "id": id,
            "email": email,
            "name": name,
            "partner": membership.as_ref().map(|(p, _)| p),
            "role": membership.as_ref().map(|(_, r)| r.id()),
            "app_manager": app_manager,
        });
        let mut after = user.clone();
        after["via"] = json!("cli");
        db::audit(&mut *tx, None, "create", "user", &id, None, Some(&after))
            .await
            .map_err(db_failed)?;
        tx.commit().await.map_err(db_failed)?;
        Ok(json!({ "user": user }))
    })
}

/// Disables a user: sign-in is refused like a wrong password, their sessions end and their API tokens are
/// revoked (and the server refuses a disabled user's session or token even if one remained).
fn user_disable(args: &[String]) -> Outcome {
    let o = options(args, &["--email", "--database-url"], &[])?;
    let email = required(&o, "--email")?.trim().to_lowercase();
    with_db(&database_url(&o), |pool| async move {
        let mut tx = pool.begin().await.map_err(db_failed)?;
        let row =
            sqlx::query_as::<_, UserStateRow>("SELECT id, disabled_at FROM users WHERE email = $1")
                .bind(&email)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_failed)?
                .ok_or_else(|| Failed(format!("there is no user with email {email}")))?;
        let id = row.id;
        if let Some(at) = row.disabled_at {
            let user = json!({ "id": id, "email": email, "disabled_at": at });
            return Ok(json!({ "user": user, "already_disabled": true }));
        }
        let now = db::now();
        sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
            .bind(&now)
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(db_failed)?;
        let sessions = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(db_failed)?
            .rows_affected();
        let tokens = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(&now)
        .bind(&id)
        .execute(&mut *tx)
        .await
        .map_err(db_failed)?
        .rows_affected();
        let before = json!({ "disabled_at": null });
        let after = json!({
            "disabled_at": now, "sessions_ended": sessions, "tokens_revoked": tokens, "via": "cli",
        });
        db::audit(
            &mut *tx,
            None,
            "disable",
            "user",
            &id,
            Some(&before),
            Some(&after),
        )
        .await
        .map_err(db_failed)?;
        tx.commit().await.map_err(db_failed)?;
        let user = json!({ "id": id, "email": email, "disabled_at": now });
        Ok(json!({ "user": user, "sessions_ended": sessions, "tokens_revoked": tokens }))
    })
}
