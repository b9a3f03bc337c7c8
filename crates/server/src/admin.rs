//! `appreg partner add`, `appreg user add` and `appreg user disable`: user administration on the server's
//! database (`--database-url URL`, else `DATABASE_URL`, else `sqlite://data/appreg.db`, like `serve`).
//! Each prints one JSON line on standard output; a failure also prints `{"error": …}` there, says why on
//! standard error and exits 1 (2 for bad usage). Passwords come from standard input, never from argv.

use crate::auth::hash_password;
use crate::cli::USAGE;
use crate::db::{self, get_opt, get_s, is_unique_violation, Db};
use appreg_core::api::Role;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};

pub const PARTNER_USAGE: &str =
    "usage: appreg partner add --id ID --name NAME [--database-url URL]";
pub const USER_USAGE: &str = "usage:
  appreg user add --email E --name N --partner ID --role administrator|developer|marketing [--app-manager] [--database-url URL]
      (the password is read from standard input, one line, at least 12 characters)
  appreg user add --email E --name N --app-manager [--database-url URL]
  appreg user disable --email E [--database-url URL]";

/// Shortest accepted password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_CHARS: usize = 1024;
const MAX_NAME_CHARS: usize = 200;

enum Failure {
    /// Bad usage: exit 2 with the usage text.
    Usage(String),
    /// The command could not be carried out: exit 1.
    Failed(String),
}
use Failure::{Failed, Usage};

type Outcome = Result<Value, Failure>;

/// `--flag value` / `--flag=value` options, each at most once; `switches` take no value.
fn options(
    args: &[String],
    valued: &[&str],
    switches: &[&str],
) -> Result<BTreeMap<String, String>, Failure> {
    let mut o = BTreeMap::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let value = if switches.contains(&flag) && inline.is_none() {
            String::new()
        } else if valued.contains(&flag) {
            inline
                .or_else(|| it.next().cloned())
                .ok_or_else(|| Usage(format!("{flag} needs a value")))?
        } else if flag.starts_with("--pass") {
            return Err(Usage(
                "the password is never taken from the command line: give it on standard input"
                    .into(),
            ));
        } else if flag.starts_with('-') {
            return Err(Usage(format!("unknown option {flag}")));
        } else {
            // Not echoed: it may be a password typed where it does not belong.
            return Err(Usage(
                "unexpected argument (values follow their option; a password goes on standard input)"
                    .into(),
            ));
        };
        if o.insert(flag.to_string(), value).is_some() {
            return Err(Usage(format!("{flag} given twice")));
        }
    }
    Ok(o)
}

fn required(o: &BTreeMap<String, String>, flag: &str) -> Result<String, Failure> {
    o.get(flag)
        .cloned()
        .ok_or_else(|| Usage(format!("{flag} is required")))
}

/// A trimmed display name of 1 to 200 characters without control characters.
fn display_name(what: &str, raw: &str) -> Result<String, Failure> {
    let name = raw.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(Failed(format!(
            "the {what} name must be 1 to {MAX_NAME_CHARS} characters without control characters"
        )));
    }
    Ok(name.to_string())
}

fn database_url(o: &BTreeMap<String, String>) -> String {
    o.get("--database-url").cloned().unwrap_or_else(|| {
        std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://data/appreg.db".into())
    })
}

/// Runs `work` on the database, on a small runtime of its own.
fn with_db<F, Fut>(url: &str, work: F) -> Outcome
where
    F: FnOnce(Db) -> Fut,
    Fut: std::future::Future<Output = Outcome>,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failed(format!("cannot start: {e}")))?;
    rt.block_on(async move {
        let pool = db::connect(url, 2)
            .await
            .map_err(|e| Failed(format!("cannot open the database {url}: {e}")))?;
        let out = work(pool.clone()).await;
        pool.close().await;
        out
    })
}

fn db_failed(e: sqlx::Error) -> Failure {
    Failed(format!("database: {e}"))
}

/// Prints the outcome and returns the exit status.
fn finish(cmd: &str, usage: &str, r: Outcome, out: &mut impl Write, err: &mut impl Write) -> i32 {
    match r {
        Ok(v) => {
            let _ = writeln!(out, "{v}");
            0
        }
        Err(Usage(m)) => {
            let _ = writeln!(err, "appreg {cmd}: {m}\n{usage}");
            USAGE
        }
        Err(Failed(m)) => {
            let _ = writeln!(out, "{}", json!({ "error": m }));
            let _ = writeln!(err, "appreg {cmd}: {m}");
            1
        }
    }
}

/// `appreg partner …`: returns the exit status.
pub fn partner(args: &[String], out: &mut impl Write, err: &mut impl Write) -> i32 {
    let r = match args.split_first() {
        Some((sub, rest)) if sub == "add" => partner_add(rest),
        Some((sub, _)) if sub == "-h" || sub == "--help" => {
            let _ = writeln!(out, "{PARTNER_USAGE}");
            return 0;
        }
        _ => Err(Usage("give a subcommand: add".into())),
    };
    finish("partner add", PARTNER_USAGE, r, out, err)
}

/// A partner id: it appears in URLs (`/partners/{id}`), so 1 to 63 of `a-z`, `0-9` and `-`, not first.
fn valid_partner_id(id: &str) -> bool {
    (1..=63).contains(&id.len())
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn partner_add(args: &[String]) -> Outcome {
    let o = options(args, &["--id", "--name", "--database-url"], &[])?;
    let id = required(&o, "--id")?;
    let name = required(&o, "--name")?;
    if !valid_partner_id(&id) {
        return Err(Failed(format!(
            "the partner id '{id}' must be 1 to 63 lower-case letters, digits and hyphens, not starting with a hyphen"
        )));
    }
    let name = display_name("partner", &name)?;
    with_db(&database_url(&o), |pool| async move {
        let mut tx = pool.begin().await.map_err(db_failed)?;
        let ins = sqlx::query("INSERT INTO partners (id, name) VALUES ($1, $2)")
            .bind(&id)
            .bind(&name)
            .execute(&mut *tx)
            .await;
        match ins {
            Err(e) if is_unique_violation(&e) => {
                return Err(Failed(format!("a partner with id '{id}' already exists")))
            }
            r => r.map_err(db_failed)?,
        };
        let partner = json!({ "id": id, "name": name });
        let after = json!({ "id": id, "name": name, "via": "cli" });
        db::audit(&mut *tx, None, "create", "partner", &id, None, Some(&after))
            .await
            .map_err(db_failed)?;
        tx.commit().await.map_err(db_failed)?;
        Ok(json!({ "partner": partner }))
    })
}

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
        None => Ok(check.canonical.unwrap_or_default()),
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
            let exists = sqlx::query("SELECT id FROM partners WHERE id = $1")
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
        let row = sqlx::query("SELECT id, disabled_at FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_failed)?
            .ok_or_else(|| Failed(format!("there is no user with email {email}")))?;
        let id = get_s(&row, "id");
        if let Some(at) = get_opt(&row, "disabled_at") {
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
