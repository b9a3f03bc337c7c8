//! `appreg partner add`, `appreg user add|disable` run as an operator would (the built binary on a database
//! file), then the accounts they make used through the router; and demo accounts on a server without --demo.

use crate::common;

use crate::common::{attempt_sign_in, As, TestApp};
use appreg_server::{app, db, demo, AppState, Config};
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const PASSWORD: &str = "correct horse battery";

struct Run {
    code: i32,
    lines: Vec<Value>,
    stderr: String,
}

/// Runs the binary with `stdin` on its standard input.
fn appreg(args: &[&str], stdin: &str) -> Run {
    appreg_env(args, stdin, &[])
}

fn appreg_env(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_appreg"))
        .args(args)
        .envs(env.iter().copied())
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    // A command refused before it reads standard input closes it: ignore the broken pipe.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    Run {
        code: out.status.code().unwrap(),
        lines: stdout
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// A temporary folder and a fresh, empty database (SQLite file, or PostgreSQL with APPREG_TEST_PG_URL).
async fn fresh() -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("appreg-admin-{}", db::random_hex(8)));
    std::fs::create_dir_all(dir.join("static")).unwrap();
    std::fs::write(dir.join("static/index.html"), "<!doctype html>").unwrap();
    let url = common::fresh_database(&dir).await;
    (dir, url)
}

/// The router over an existing database, as `serve` (with or without --demo) would build it.
async fn server(dir: &Path, url: &str, allow_demo_accounts: bool) -> TestApp {
    let pool = db::connect(url, 8).await.expect("database");
    let mut cfg = Config::new(dir.join("static"));
    cfg.argon2 = argon2::Params::new(8, 1, 1, None).unwrap();
    cfg.allow_demo_accounts = allow_demo_accounts;
    let state = AppState::new(pool, cfg);
    TestApp {
        router: app(state.clone()),
        state,
        dir: dir.to_path_buf(),
        url: url.to_string(),
    }
}

fn add_partner(url: &str, id: &str, name: &str) -> Run {
    appreg(
        &[
            "partner",
            "add",
            "--id",
            id,
            "--name",
            name,
            "--database-url",
            url,
        ],
        "",
    )
}

fn add_user(url: &str, email: &str, partner: &str, role: &str, password: &str) -> Run {
    appreg(
        &[
            "user",
            "add",
            "--email",
            email,
            "--name",
            "Pat Partner",
            "--partner",
            partner,
            "--role",
            role,
            "--database-url",
            url,
        ],
        &format!("{password}\n"),
    )
}

fn disable(url: &str, email: &str) -> Run {
    appreg(
        &["user", "disable", "--email", email, "--database-url", url],
        "",
    )
}

/// The session cookie of a successful sign-in.
fn cookie(r: &common::Reply) -> As {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let c = r.headers["set-cookie"].to_str().unwrap();
    As::Cookie(c.split(';').next().unwrap().to_string())
}

async fn audit_actions(t: &TestApp, entity: &str) -> Vec<String> {
    let rows = sqlx::query("SELECT action FROM audit_log WHERE entity = $1 ORDER BY at")
        .bind(entity)
        .fetch_all(&t.state.db)
        .await
        .unwrap();
    rows.iter()
        .map(|r| sqlx::Row::get::<String, _>(r, "action"))
        .collect()
}

#[tokio::test]
async fn partner_add_prints_one_json_line_and_refuses_a_duplicate_id() {
    let (dir, url) = fresh().await;
    // The database comes from DATABASE_URL when --database-url is not given, like `serve`.
    let r = appreg_env(
        &["partner", "add", "--id", "acme", "--name", "  Acme AS "],
        "",
        &[("DATABASE_URL", &url)],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.lines,
        vec![json!({"partner": {"id": "acme", "name": "Acme AS"}})]
    );

    let r = add_partner(&url, "acme", "Acme Again AS");
    assert_eq!(r.code, 1);
    assert_eq!(r.lines.len(), 1);
    assert!(
        r.lines[0]["error"]
            .as_str()
            .unwrap()
            .contains("already exists"),
        "{:?}",
        r.lines
    );
    assert!(
        r.stderr.contains("a partner with id 'acme' already exists"),
        "{}",
        r.stderr
    );

    let r = add_partner(&url, "Acme/../x", "Bad Id AS");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("lower-case letters"), "{}", r.stderr);

    for args in [
        vec!["partner", "add", "--id", "x"],
        vec!["partner", "add", "--name", "X"],
        vec!["partner", "remove", "--id", "x"],
        vec!["partner"],
    ] {
        let r = appreg(&args, "");
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.contains("usage"), "{args:?}: {}", r.stderr);
    }

    let t = server(&dir, &url, false).await;
    let name = sqlx::query("SELECT name FROM partners WHERE id = 'acme'")
        .fetch_one(&t.state.db)
        .await
        .unwrap();
    assert_eq!(sqlx::Row::get::<String, _>(&name, "name"), "Acme AS");
    assert_eq!(audit_actions(&t, "partner").await, vec!["create"]);
}

#[tokio::test]
async fn user_add_reads_the_password_from_stdin_and_the_user_signs_in() {
    let (dir, url) = fresh().await;
    assert_eq!(add_partner(&url, "acme", "Acme AS").code, 0);
    let r = add_user(&url, "  Pat@Acme.Example ", "acme", "developer", PASSWORD);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.lines.len(), 1);
    let user = &r.lines[0]["user"];
    assert_eq!(user["email"], "pat@acme.example");
    assert_eq!(user["name"], "Pat Partner");
    assert_eq!(user["partner"], "acme");
    assert_eq!(user["role"], "developer");
    assert_eq!(user["app_manager"], false);
    assert!(!format!("{:?}{}", r.lines, r.stderr).contains(PASSWORD));

    // A server without --demo, as in production.
    let t = server(&dir, &url, false).await;
    let stored =
        sqlx::query("SELECT password_hash, demo FROM users WHERE email = 'pat@acme.example'")
            .fetch_one(&t.state.db)
            .await
            .unwrap();
    let hash = sqlx::Row::get::<String, _>(&stored, "password_hash");
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(!hash.contains(PASSWORD));
    assert_eq!(sqlx::Row::try_get::<i64, _>(&stored, "demo").unwrap(), 0);

    let pat = cookie(&attempt_sign_in(&t, "pat@acme.example", PASSWORD).await);
    let me = t.get(&pat, "/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["partners"][0]["id"], "acme");
    assert_eq!(me.body["partners"][0]["role"], "developer");
    // A developer may create apps in their partner.
    let mut body = common::web_app("Pat App");
    body["technical_contact"] = json!("pat@acme.example");
    let r = t
        .post(&pat, "/api/v1/partners/acme/applications", body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(audit_actions(&t, "user").await, vec!["create"]);

    // An app manager needs no partner.
    let r = appreg(
        &[
            "user",
            "add",
            "--email",
            "am@acme.example",
            "--name",
            "Al Manager",
            "--app-manager",
            "--database-url",
            &url,
        ],
        &format!("{PASSWORD}\r\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.lines[0]["user"]["app_manager"], true);
    let am = cookie(&attempt_sign_in(&t, "am@acme.example", PASSWORD).await);
    let me = t.get(&am, "/api/v1/me").await;
    assert_eq!(me.body["app_manager"], true);
}

#[tokio::test]
async fn user_add_refuses_duplicates_unknown_partners_weak_passwords_and_bad_usage() {
    let (dir, url) = fresh().await;
    assert_eq!(add_partner(&url, "acme", "Acme AS").code, 0);
    assert_eq!(
        add_user(&url, "pat@acme.example", "acme", "developer", PASSWORD).code,
        0
    );

    let failed = |r: Run, why: &str| {
        assert_eq!(r.code, 1, "{why}: {}", r.stderr);
        assert!(r.stderr.contains(why), "{why}: {}", r.stderr);
        assert!(
            r.lines[0]["error"].as_str().unwrap().contains(why),
            "{:?}",
            r.lines
        );
    };
    failed(
        add_user(&url, "PAT@acme.example", "acme", "marketing", PASSWORD),
        "a user with email pat@acme.example already exists",
    );
    failed(
        add_user(&url, "new@acme.example", "nope", "developer", PASSWORD),
        "there is no partner with id 'nope'",
    );
    failed(
        add_user(&url, "new@acme.example", "acme", "developer", "short pw"),
        "at least 12",
    );
    failed(
        add_user(&url, "new@acme.example", "acme", "developer", ""),
        "no password",
    );
    failed(
        add_user(&url, "not-an-email", "acme", "developer", PASSWORD),
        "--email",
    );

    for args in [
        vec![
            "user",
            "add",
            "--email",
            "n@acme.example",
            "--name",
            "N",
            "--partner",
            "acme",
            "--role",
            "owner",
        ],
        vec![
            "user",
            "add",
            "--email",
            "n@acme.example",
            "--name",
            "N",
            "--partner",
            "acme",
        ],
        vec!["user", "add", "--email", "n@acme.example", "--name", "N"],
        vec![
            "user",
            "add",
            "--name",
            "N",
            "--partner",
            "acme",
            "--role",
            "developer",
        ],
        vec!["user", "disable"],
        vec!["user", "delete", "--email", "pat@acme.example"],
        vec!["user"],
    ] {
        let r = appreg(&args, &format!("{PASSWORD}\n"));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("usage"), "{args:?}: {}", r.stderr);
    }

    let t = server(&dir, &url, false).await;
    let n = sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(&t.state.db)
        .await
        .unwrap();
    assert_eq!(sqlx::Row::try_get::<i64, _>(&n, "n").unwrap(), 1);
}

#[tokio::test]
async fn the_password_is_never_accepted_from_the_command_line() {
    let (dir, url) = fresh().await;
    assert_eq!(add_partner(&url, "acme", "Acme AS").code, 0);
    let base = [
        "user",
        "add",
        "--email",
        "pat@acme.example",
        "--name",
        "Pat",
        "--partner",
        "acme",
        "--role",
        "developer",
        "--database-url",
        &url,
    ];
    for extra in [
        vec!["--password", PASSWORD],
        vec!["--password=correct-horse-battery"],
        vec!["--passwd", PASSWORD],
        vec![PASSWORD],
    ] {
        let args: Vec<&str> = base.iter().copied().chain(extra.iter().copied()).collect();
        // Even with a good password on standard input, the command is refused as bad usage.
        let r = appreg(&args, &format!("{PASSWORD}\n"));
        assert_eq!(r.code, 2, "{extra:?}: {}", r.stderr);
        assert!(r.lines.is_empty());
        assert!(r.stderr.contains("usage"), "{}", r.stderr);
        // Nor is it echoed back.
        assert!(!r.stderr.contains("correct"), "{}", r.stderr);
    }
    let r = appreg(&[base.as_slice(), &["--password", "x"]].concat(), "");
    assert!(r.stderr.contains("standard input"), "{}", r.stderr);

    let t = server(&dir, &url, false).await;
    assert_eq!(
        attempt_sign_in(&t, "pat@acme.example", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_disabled_user_cannot_sign_in_and_their_sessions_and_tokens_stop_working() {
    let (dir, url) = fresh().await;
    assert_eq!(add_partner(&url, "acme", "Acme AS").code, 0);
    assert_eq!(
        add_user(&url, "pat@acme.example", "acme", "administrator", PASSWORD).code,
        0
    );
    let t = server(&dir, &url, false).await;
    let pat = cookie(&attempt_sign_in(&t, "pat@acme.example", PASSWORD).await);
    let token = t.post(&pat, "/api/v1/tokens", json!({"name": "ci"})).await;
    assert_eq!(token.status, StatusCode::CREATED);
    let bearer = As::Bearer(token.body["token"].as_str().unwrap().to_string());
    assert_eq!(t.get(&bearer, "/api/v1/me").await.status, StatusCode::OK);
    assert_eq!(t.get(&pat, "/api/v1/me").await.status, StatusCode::OK);

    let r = disable(&url, "Pat@Acme.example");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.lines.len(), 1);
    assert_eq!(r.lines[0]["user"]["email"], "pat@acme.example");
    assert!(r.lines[0]["user"]["disabled_at"].is_string());
    assert_eq!(r.lines[0]["sessions_ended"], 1);
    assert_eq!(r.lines[0]["tokens_revoked"], 1);

    for who in [&pat, &bearer] {
        let r = t.get(who, "/api/v1/me").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = t
            .send(
                who,
                Method::POST,
                "/api/v1/partners/acme/applications",
                Some(common::web_app("X")),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Refused exactly like a wrong password: no way to tell a disabled account from a wrong guess.
    let right = attempt_sign_in(&t, "pat@acme.example", PASSWORD).await;
    let wrong = attempt_sign_in(&t, "nobody@acme.example", PASSWORD).await;
    assert_eq!(right.status, StatusCode::UNAUTHORIZED);
    assert_eq!(right.body, wrong.body);
    assert!(right.headers.get("set-cookie").is_none());

    // Disabling again changes nothing and says so; an unknown email is an error.
    let r = disable(&url, "pat@acme.example");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.lines[0]["already_disabled"], true);
    let r = disable(&url, "ghost@acme.example");
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("no user with email ghost@acme.example"),
        "{}",
        r.stderr
    );
    assert_eq!(audit_actions(&t, "user").await, vec!["create", "disable"]);
}

#[tokio::test]
async fn the_server_refuses_the_live_session_and_token_of_a_user_disabled_elsewhere() {
    // Another instance (or a hand-written UPDATE) disabled the user but their rows remain.
    let t = common::test_app().await;
    let dev = t.sign_in("dev@demo.test").await;
    let token = t.post(&dev, "/api/v1/tokens", json!({"name": "ci"})).await;
    let bearer = As::Bearer(token.body["token"].as_str().unwrap().to_string());
    sqlx::query("UPDATE users SET disabled_at = $1 WHERE email = 'dev@demo.test'")
        .bind(db::now())
        .execute(&t.state.db)
        .await
        .unwrap();
    assert_eq!(
        t.get(&dev, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.get(&bearer, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        attempt_sign_in(&t, "dev@demo.test", demo::DEMO_PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // Other users are not affected.
    t.sign_in("admin@demo.test").await;
}

#[tokio::test]
async fn demo_accounts_are_refused_without_demo_while_a_cli_user_signs_in() {
    let (dir, url) = fresh().await;
    // `serve --demo` seeded the database once and a session was opened then.
    let with_demo = server(&dir, &url, true).await;
    demo::seed(&with_demo.state).await.unwrap();
    let n = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE demo = 1")
        .fetch_one(&with_demo.state.db)
        .await
        .unwrap();
    assert_eq!(
        sqlx::Row::try_get::<i64, _>(&n, "n").unwrap(),
        demo::USERS.len() as i64
    );
    let old_session = with_demo.sign_in("dev@demo.test").await;
    assert_eq!(
        add_user(&url, "pat@demo.example", "demo", "developer", PASSWORD).code,
        0
    );

    // Now `serve` without --demo on the same database.
    let t = server(&dir, &url, false).await;
    let r = attempt_sign_in(&t, "dev@demo.test", demo::DEMO_PASSWORD).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.is_problem());
    let detail = r.body["detail"].as_str().unwrap();
    assert!(
        detail.contains("Demo accounts are refused") && detail.contains("--demo"),
        "{detail}"
    );
    assert!(r.headers.get("set-cookie").is_none());
    // A wrong password for a demo account is just a wrong password.
    let r = attempt_sign_in(&t, "dev@demo.test", "not the password").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // The session opened under --demo stops working too.
    assert_eq!(
        t.get(&old_session, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        with_demo.get(&old_session, "/api/v1/me").await.status,
        StatusCode::OK
    );

    let pat = cookie(&attempt_sign_in(&t, "pat@demo.example", PASSWORD).await);
    assert_eq!(
        t.get(&pat, "/api/v1/me").await.body["partners"][0]["id"],
        "demo"
    );
}

#[tokio::test]
async fn a_demo_database_seeded_before_migration_0004_gets_its_demo_users_marked() {
    let (dir, url) = fresh().await;
    // The schema as it was (0001 only), seeded by an old `--demo`, plus a real user.
    let old = dir.join("old-migrations");
    std::fs::create_dir_all(&old).unwrap();
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/0001_init.sql");
    std::fs::copy(here, old.join("0001_init.sql")).unwrap();
    sqlx::any::install_default_drivers();
    let sqlite = url.starts_with("sqlite:");
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&if sqlite {
            format!("{url}?mode=rwc")
        } else {
            url.clone()
        })
        .await
        .unwrap();
    sqlx::migrate::Migrator::new(old.as_path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    for (i, email) in ["dev@demo.test", "appmanager@demo.test", "real@acme.example"]
        .iter()
        .enumerate()
    {
        sqlx::query("INSERT INTO users (id, email, name, password_hash, app_manager, created_at) VALUES ($1, $2, 'N', 'x', 0, 'now')")
            .bind(format!("u{i}"))
            .bind(*email)
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;

    let t = server(&dir, &url, false).await;
    let rows = sqlx::query("SELECT email FROM users WHERE demo = 1 ORDER BY email")
        .fetch_all(&t.state.db)
        .await
        .unwrap();
    let marked: Vec<String> = rows
        .iter()
        .map(|r| sqlx::Row::get::<String, _>(r, "email"))
        .collect();
    assert_eq!(marked, vec!["appmanager@demo.test", "dev@demo.test"]);
}

/// Starts `appreg serve` (no --demo) on the database and returns the lines it printed before serving.
fn start_up_lines(dir: &Path, url: &str) -> Vec<String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_appreg"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--database-url",
            url,
            "--static",
        ])
        .arg(dir.join("static"))
        .env("RUST_LOG", "off")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let mut lines = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let serving = line.contains("serving on");
        lines.push(line);
        if serving {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(lines.iter().any(|l| l.contains("serving on")), "{lines:?}");
    lines
}

#[tokio::test]
async fn serve_without_demo_warns_at_start_up_when_demo_accounts_exist() {
    let (dir, url) = fresh().await;
    assert_eq!(add_partner(&url, "acme", "Acme AS").code, 0);
    let lines = start_up_lines(&dir, &url);
    assert!(!lines.iter().any(|l| l.contains("demo")), "{lines:?}");

    let t = server(&dir, &url, true).await;
    demo::seed(&t.state).await.unwrap();
    let lines = start_up_lines(&dir, &url);
    let warning = lines
        .iter()
        .find(|l| l.contains("warning"))
        .expect("a warning");
    assert!(
        warning.contains("5 demo account(s)")
            && warning.contains("refused")
            && warning.contains("--demo"),
        "{warning}"
    );
}
