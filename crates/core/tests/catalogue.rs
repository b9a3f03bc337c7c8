//! The rule catalogue: every rule is described, and `docs/rules.md` is exactly what the core generates.

use appreg_core::catalogue::{cell, describe, group_of};
use appreg_core::{rules_markdown, Rule};

const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules.md");

#[test]
fn every_rule_has_a_row_in_its_group() {
    let md = rules_markdown();
    for rule in Rule::ALL {
        let (severity, text) = describe(*rule);
        assert!(["info", "warning", "error"].contains(&severity), "{rule}");
        assert!(text.ends_with('.'), "{rule}: {text}");
        let row = format!("| {} | {severity} | {} |", rule.id(), cell(text));
        assert!(md.contains(&row), "{rule} has no row");
        assert!(rule.id().starts_with(group_of(*rule).prefix), "{rule}");
    }
}

/// `APPREG_WRITE_DOCS=1 cargo test -p appreg-core --test catalogue` rewrites the file; so does
/// `appreg rules --markdown > docs/rules.md`.
#[test]
fn docs_rules_md_is_not_stale() {
    let want = rules_markdown();
    if std::env::var_os("APPREG_WRITE_DOCS").is_some() {
        std::fs::write(DOC, &want).unwrap();
    }
    let on_disk = std::fs::read_to_string(DOC).unwrap_or_default();
    assert!(
        on_disk == want,
        "docs/rules.md is stale: run `appreg rules --markdown > docs/rules.md`"
    );
}
