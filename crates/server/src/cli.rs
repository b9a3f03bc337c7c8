//! `appreg check` and `appreg validate`: offline validation with the core rules.

use appreg_core::api::{CheckKind, CreateApplication, FieldError};
use appreg_core::{check_values, validate_registration, Check, Template};
use serde::Serialize;
use std::io::Write;

/// Exit status for bad usage.
pub const USAGE: i32 = 2;

#[derive(Serialize)]
struct FindingLine<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct CheckLine<'a> {
    input: &'a str,
    verdict: &'a str,
    canonical: Option<&'a str>,
    findings: Vec<FindingLine<'a>>,
}

/// One JSON object per line per value, in the shape of api.md.
pub fn check_line(c: &Check) -> String {
    let line = CheckLine {
        input: &c.input,
        verdict: c.verdict.as_str(),
        canonical: c.canonical.as_deref(),
        findings: c
            .findings
            .iter()
            .map(|f| FindingLine {
                rule: f.rule.id(),
                severity: f.severity.as_str(),
                message: &f.message,
            })
            .collect(),
    };
    serde_json::to_string(&line).expect("check lines serialise")
}

pub const CHECK_USAGE: &str =
    "usage: appreg check --template <web|native|server-to-server|mirroring|erp|empty> \
--kind <redirect|cors|endpoint|name> VALUE...";

/// `appreg check`: returns the exit status.
pub fn check(args: &[String], out: &mut impl Write, err: &mut impl Write) -> i32 {
    let mut template: Option<Template> = None;
    let mut kind: Option<CheckKind> = None;
    let mut values: Vec<String> = Vec::new();
    let mut it = args.iter();
    let mut only_values = false;
    while let Some(a) = it.next() {
        if only_values {
            values.push(a.clone());
            continue;
        }
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        match flag {
            "--" => only_values = true,
            "--template" | "--kind" => {
                let Some(v) = inline.or_else(|| it.next().cloned()) else {
                    let _ = writeln!(err, "appreg check: {flag} needs a value\n{CHECK_USAGE}");
                    return USAGE;
                };
                let parsed = if flag == "--template" {
                    v.parse().map(|t| template = Some(t))
                } else {
                    v.parse().map(|k| kind = Some(k))
                };
                if let Err(e) = parsed {
                    let _ = writeln!(err, "appreg check: {e}\n{CHECK_USAGE}");
                    return USAGE;
                }
            }
            "-h" | "--help" => {
                let _ = writeln!(out, "{CHECK_USAGE}");
                return 0;
            }
            f if f.starts_with("--") => {
                let _ = writeln!(err, "appreg check: unknown option {f}\n{CHECK_USAGE}");
                return USAGE;
            }
            _ => values.push(a.clone()),
        }
    }
    let Some(kind) = kind else {
        let _ = writeln!(err, "appreg check: --kind is required\n{CHECK_USAGE}");
        return USAGE;
    };
    let template = match (template, kind) {
        (Some(t), _) => t,
        (None, CheckKind::Redirect) => {
            let _ = writeln!(
                err,
                "appreg check: --template is required for --kind redirect\n{CHECK_USAGE}"
            );
            return USAGE;
        }
        (None, _) => Template::Web,
    };
    if values.is_empty() {
        let _ = writeln!(err, "appreg check: give at least one VALUE\n{CHECK_USAGE}");
        return USAGE;
    }
    let checks = check_values(kind, template, &values);
    for c in &checks {
        let _ = writeln!(out, "{}", check_line(c));
    }
    i32::from(checks.iter().any(Check::is_error))
}

#[derive(Serialize)]
struct ValidateOutput<'a> {
    valid: bool,
    errors: Vec<&'a FieldError>,
    warnings: Vec<&'a FieldError>,
    canonical: Option<&'a CreateApplication>,
}

pub const VALIDATE_USAGE: &str = "usage: appreg validate FILE.json   (- reads standard input)";

/// `appreg validate FILE.json`: returns the exit status.
pub fn validate(args: &[String], out: &mut impl Write, err: &mut impl Write) -> i32 {
    let [path] = args else {
        let _ = writeln!(err, "{VALIDATE_USAGE}");
        return USAGE;
    };
    let text = if path == "-" {
        let mut s = String::new();
        match std::io::Read::read_to_string(&mut std::io::stdin(), &mut s) {
            Ok(_) => s,
            Err(e) => {
                let _ = writeln!(err, "appreg validate: cannot read standard input: {e}");
                return USAGE;
            }
        }
    } else {
        match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => {
                let _ = writeln!(err, "appreg validate: cannot read {path}: {e}");
                return USAGE;
            }
        }
    };
    let req: CreateApplication = match serde_json::from_str(&text) {
        Ok(r) => r,
        Err(e) => {
            let out_err = FieldError {
                field: if e.is_syntax() || e.is_eof() {
                    appreg_core::FieldPath::Body
                } else {
                    appreg_core::FieldPath::Payload
                },
                rule: appreg_core::Rule::Payload,
                severity: appreg_core::Severity::Error,
                message: format!("The file is not a valid registration: {e}."),
            };
            let o = ValidateOutput {
                valid: false,
                errors: vec![&out_err],
                warnings: vec![],
                canonical: None,
            };
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&o).expect("serialises")
            );
            return 1;
        }
    };
    let v = validate_registration(&req);
    let o = ValidateOutput {
        valid: v.is_valid(),
        errors: v.errors().collect(),
        warnings: v
            .findings
            .iter()
            .filter(|f| f.severity == appreg_core::Severity::Warning)
            .collect(),
        canonical: v.canonical.as_ref(),
    };
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&o).expect("serialises")
    );
    i32::from(!v.is_valid())
}

/// `appreg rules --markdown`: the rule catalogue as Markdown (`docs/rules.md`).
pub fn rules(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    if args != ["--markdown"] {
        let _ = writeln!(err, "usage: appreg rules --markdown");
        return USAGE;
    }
    let _ = write!(out, "{}", appreg_core::rules_markdown());
    0
}
