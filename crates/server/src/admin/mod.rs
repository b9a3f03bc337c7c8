//! `appreg partner add`, `appreg user add` and `appreg user disable`: user administration on the server's
//! database (`--database-url URL`, else `DATABASE_URL`, else `sqlite://data/appreg.db`, like `serve`).
//! Each prints one JSON line on standard output; a failure also prints `{"error": …}` there, says why on
//! standard error and exits 1 (2 for bad usage). Passwords come from standard input, never from argv.

use crate::cli::USAGE;
use crate::db::{self, is_unique_violation, Db};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;

mod user;
pub use user::{user, MIN_PASSWORD_CHARS};

pub const PARTNER_USAGE: &str =
    "usage: appreg partner add --id ID --name NAME [--database-url URL]";
pub const USER_USAGE: &str = "usage:
  appreg user add --email E --name N --partner ID --role administrator|developer|marketing [--app-manager] [--database-url URL]
      (the password is read from standard input, one line, at least 12 characters)
  appreg user add --email E --name N --app-manager [--database-url URL]
  appreg user disable --email E [--database-url URL]";

const MAX_NAME_CHARS: usize = 200;

pub(crate) enum Failure {
    /// Bad usage: exit 2 with the usage text.
    Usage(String),
    /// The command could not be carried out: exit 1.
    Failed(String),
}
use Failure::{Failed, Usage};

pub(crate) type Outcome = Result<Value, Failure>;

/// `--flag value` / `--flag=value` options, each at most once; `switches` take no value.
pub(crate) fn options(
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

pub(crate) fn required(o: &BTreeMap<String, String>, flag: &str) -> Result<String, Failure> {
    o.get(flag)
        .cloned()
        .ok_or_else(|| Usage(format!("{flag} is required")))
}

/// A trimmed display name of 1 to 200 characters without control characters.
pub(crate) fn display_name(what: &str, raw: &str) -> Result<String, Failure> {
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

pub(crate) fn database_url(o: &BTreeMap<String, String>) -> String {
    o.get("--database-url").cloned().unwrap_or_else(|| {
        std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://data/appreg.db".into())
    })
}

/// Runs `work` on the database, on a small runtime of its own.
pub(crate) fn with_db<F, Fut>(url: &str, work: F) -> Outcome
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

pub(crate) fn db_failed(e: sqlx::Error) -> Failure {
    Failed(format!("database: {e}"))
}

/// Prints the outcome and returns the exit status.
pub(crate) fn finish(
    cmd: &str,
    usage: &str,
    r: Outcome,
    out: &mut impl Write,
    err: &mut impl Write,
) -> i32 {
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
