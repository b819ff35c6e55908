//! Golden cases: `golden/check/<case>/in/` is a catalogue, `expected.txt` the exact output of
//! `sleeve check in` (plus the arguments in `args`, one per line, if present).
//! Re-bless after a deliberate change with `SLEEVE_BLESS=1 cargo test`, then review the diff.

use crate::support::{compare_file, repo_root, sleeve};
use sleeve::diag::codes;
use std::path::Path;

/// The transcript compared byte for byte.
pub fn transcript(case: &Path) -> String {
    let extra = std::fs::read_to_string(case.join("args")).unwrap_or_default();
    let mut args = vec!["check", "in"];
    args.extend(extra.lines().map(str::trim).filter(|l| !l.is_empty()));
    let out = sleeve(case, &args);
    let mut t = format!("$ sleeve {}\nexit: {}\n", args.join(" "), out.code);
    if !out.stdout.is_empty() {
        t.push_str("--- stdout\n");
        t.push_str(&out.stdout);
    }
    if !out.stderr.is_empty() {
        t.push_str("--- stderr\n");
        t.push_str(&out.stderr);
    }
    t
}

pub fn cases() -> Vec<std::path::PathBuf> {
    let dir = repo_root().join("golden/check");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("golden/check exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("in").is_dir())
        .collect();
    cases.sort();
    cases
}

#[test]
fn golden_check_cases() {
    let mut failures = Vec::new();
    for case in cases() {
        let actual = transcript(&case);
        if let Some(diff) = compare_file(&case.join("expected.txt"), &actual) {
            failures.push(diff);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every diagnostic code of `check` has a golden case named after it, whose output shows that
/// code. (Codes that need the delivered state — `E05xx` and `W0412`, reported by `plan` and
/// `apply` — are tested in `deliver.rs` and `sftp.rs`.)
#[test]
fn every_code_has_a_golden_case() {
    let cases = cases();
    let mut missing = Vec::new();
    for c in codes::ALL.iter().filter(|c| {
        !c.code[1..].starts_with("05") && !c.code[1..].starts_with("06") && c.code != "W0412"
    }) {
        let name = format!("{}-{}", c.code, c.name);
        let found = cases
            .iter()
            .find(|p| p.file_name().is_some_and(|n| n == name.as_str()));
        match found {
            None => missing.push(format!("{name}: no golden/check/{name}/")),
            Some(p) => {
                let expected = std::fs::read_to_string(p.join("expected.txt")).unwrap_or_default();
                if !expected.contains(&format!("{} {}", c.code, c.name)) {
                    missing.push(format!("{name}: expected.txt does not show the code"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The example catalogue is clean.
#[test]
fn catalog_example_checks_clean() {
    let root = repo_root();
    let out = sleeve(&root, &["check", "catalog-example", "--deny", "warnings"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("no problems"), "{}", out.stderr);
}
