//! `appreg check` and `appreg validate` as a partner's CI would call them.

use crate::common;

use serde_json::Value;
use std::process::Command;

fn appreg(args: &[&str]) -> (i32, Vec<Value>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_appreg"))
        .args(args)
        .output()
        .expect("runs");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines = stdout
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (
        out.status.code().unwrap(),
        lines,
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn rules(line: &Value) -> Vec<String> {
    line["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn native_loopback_without_port_is_ok() {
    let (code, lines, _) = appreg(&[
        "check",
        "--template",
        "native",
        "--kind",
        "redirect",
        "http://127.0.0.1/cb",
    ]);
    assert_eq!(code, 0);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["verdict"], "ok");
    assert_eq!(lines[0]["input"], "http://127.0.0.1/cb");
    assert_eq!(lines[0]["canonical"], "http://127.0.0.1/cb");
}

#[test]
fn the_seed_loopback_pattern_is_refused_for_its_unescaped_dots() {
    let (code, lines, _) = appreg(&[
        "check",
        "--template",
        "native",
        "--kind",
        "redirect",
        r"^http://127.0.0.1\:\d{4,10}$",
    ]);
    assert_eq!(code, 1);
    assert_eq!(lines[0]["verdict"], "error");
    assert!(
        rules(&lines[0]).contains(&"RU-PATTERN-HOST".to_string()),
        "{}",
        lines[0]
    );
    assert_eq!(lines[0]["canonical"], Value::Null);
}

#[test]
fn idn_hosts_are_stored_in_punycode() {
    let (code, lines, _) = appreg(&[
        "check",
        "--template",
        "web",
        "--kind",
        "redirect",
        "https://bücher.de/cb",
    ]);
    assert_eq!(code, 0);
    assert_eq!(lines[0]["canonical"], "https://xn--bcher-kva.de/cb");
    assert!(rules(&lines[0]).contains(&"RU-IDN".to_string()));
}

#[test]
fn a_dot_in_a_name_is_an_error() {
    let (code, lines, _) = appreg(&["check", "--template", "web", "--kind", "name", "My.App"]);
    assert_eq!(code, 1);
    assert_eq!(rules(&lines[0]), vec!["NAME-CHAR"]);
    let f = &lines[0]["findings"][0];
    assert_eq!(f["severity"], "error");
    assert!(f["message"].as_str().unwrap().contains("position 3"), "{f}");
}

#[test]
fn redirect_values_are_checked_as_one_list() {
    let (code, lines, _) = appreg(&[
        "check",
        "--template",
        "web",
        "--kind",
        "redirect",
        "https://a.example.com/cb",
        "HTTPS://A.example.com/cb",
    ]);
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["verdict"], "ok");
    assert!(rules(&lines[1]).contains(&"RU-DUPLICATE".to_string()));
}

#[test]
fn warnings_exit_zero() {
    let (code, lines, _) = appreg(&[
        "check",
        "--template",
        "web",
        "--kind",
        "redirect",
        "http://localhost:3000/cb",
    ]);
    assert_eq!(code, 0);
    assert_eq!(lines[0]["verdict"], "warning");
}

#[test]
fn bad_usage_exits_two_with_a_message() {
    for args in [
        vec!["check", "--kind", "redirect", "https://a.example.com/"],
        vec!["check", "--template", "web", "--kind", "colour", "x"],
        vec!["check", "--template", "webby", "--kind", "name", "x"],
        vec!["check", "--template", "web", "--kind", "name"],
        vec![
            "check",
            "--template",
            "web",
            "--kind",
            "name",
            "--frobnicate",
            "x",
        ],
        vec!["validate"],
        vec!["validate", "/nonexistent/file.json"],
        vec!["frobnicate"],
    ] {
        let (code, lines, stderr) = appreg(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(lines.is_empty(), "{args:?}");
        assert!(
            stderr.contains("usage") || stderr.contains("cannot read"),
            "{args:?}: {stderr}"
        );
    }
}

fn validate_file(json: &str) -> (i32, Value) {
    let dir =
        std::env::temp_dir().join(format!("appreg-cli-{}-{}", std::process::id(), json.len()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("app.json");
    std::fs::write(&path, json).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_appreg"))
        .arg("validate")
        .arg(&path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

#[test]
fn validate_accepts_a_good_registration_and_prints_its_canonical_form() {
    let (code, v) = validate_file(
        r#"{"template":"web","app_type":"custom","name":"  Acme  Portal ","redirect_urls":["HTTPS://App.Example.com/cb"],
            "technical_contact":"Dev@Example.com"}"#,
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["valid"], true);
    assert_eq!(v["canonical"]["name"], "Acme Portal");
    assert_eq!(
        v["canonical"]["redirect_urls"][0],
        "https://app.example.com/cb"
    );
    assert_eq!(v["warnings"][0]["rule"], "NAME-SPACES");
}

#[test]
fn validate_reports_every_error_by_field() {
    let (code, v) = validate_file(
        r#"{"template":"erp","app_type":"custom","name":"My.App","redirect_urls":["http://x.example.com/"],
            "endpoints":{"erp_sync":{"url":"","enabled":true},"quote":{"url":"https://q.example.com/q","enabled":true}},
            "technical_contact":"nobody"}"#,
    );
    assert_eq!(code, 1);
    let fields = common::field_rules(&v);
    for want in [
        ("app_type", "APP-TYPE"),
        ("name", "NAME-CHAR"),
        ("redirect_urls[0]", "RU-HTTPS"),
        ("endpoints.erp_sync.url", "EP-REQUIRED"),
        ("technical_contact", "CONTACT-EMAIL"),
    ] {
        assert!(
            fields.contains(&(want.0.into(), want.1.into())),
            "missing {want:?} in {fields:?}"
        );
    }
}

#[test]
fn validate_rejects_unknown_fields_and_bad_json() {
    let (code, v) = validate_file(
        r#"{"template":"web","app_type":"custom","name":"A","technical_contact":"a@b.cd","colour":1}"#,
    );
    assert_eq!(code, 1);
    assert!(v["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("colour"));
    let (code, v) = validate_file("{not json");
    assert_eq!(code, 1);
    assert_eq!(v["valid"], false);
}

#[test]
fn rules_markdown_prints_the_catalogue_that_docs_rules_md_holds() {
    let out = Command::new(env!("CARGO_BIN_EXE_appreg"))
        .args(["rules", "--markdown"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let printed = String::from_utf8(out.stdout).unwrap();
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules.md"))
        .unwrap();
    assert_eq!(
        printed, doc,
        "run `appreg rules --markdown > docs/rules.md`"
    );
    for rule in appreg_core::Rule::ALL {
        assert!(printed.contains(&format!("| {} |", rule.id())), "{rule}");
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_appreg"))
        .args(["rules"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
