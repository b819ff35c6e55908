//! `docs/diagnostics.md` is generated from the code table and the golden cases: each code's
//! summary, its smallest failing catalogue file, the exact output, and the fix.

use crate::golden::{cases, transcript};
use crate::support::{compare_file, repo_root};
use sleeve::diag::{Severity, codes};

/// The `in/`-relative file the case's first diagnostic of `code` points at.
fn example_file(expected: &str, code: &str) -> Option<String> {
    let mut lines = expected.lines().skip_while(|l| !l.contains(code));
    lines.next()?;
    for l in lines {
        if let Some(rest) = l.trim_start().strip_prefix("╭─[in/") {
            return rest.split(':').next().map(str::to_string);
        }
        if l.contains(" E0") || l.contains(" W0") {
            break;
        }
    }
    None
}

pub fn generate() -> String {
    let cases = cases();
    let mut md = String::from(
        "# Diagnostics\n\n\
         Every problem Sleeve reports has a stable code and a kebab-case name. `E` codes are errors \
         (exit 1); `W` codes are warnings (exit 0 unless `--deny warnings`; a DSP profile can make \
         a quality rule an error with `deny`). The hundreds follow the pipeline stage: `01xx` loading \
         and syntax, `02xx` references, `03xx` catalogue rules, `04xx` DSP profiles and media, \
         `05xx` plan and delivery (reported by `plan`, `apply`, `build`; tested in \
         `compiler/tests/it/deliver.rs` and `sftp.rs`).\n\n\
         `sleeve explain CODE` prints the same text. This page is generated from \
         `compiler/src/diag/codes.rs` and the golden cases in `golden/check/` \
         (`SLEEVE_BLESS=1 cargo test` regenerates it): each example is the smallest catalogue that \
         triggers the code, and the output below it is exactly what `sleeve check` prints.\n\n\
         | Code | Name | Severity |\n| --- | --- | --- |\n",
    );
    for c in codes::ALL {
        let sev = if c.severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        md.push_str(&format!(
            "| [{}](#{}) | `{}` | {sev} |\n",
            c.code,
            format!("{}-{}", c.code, c.name).to_lowercase(),
            c.name
        ));
    }
    for c in codes::ALL {
        let sev = if c.severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        let dir_name = format!("{}-{}", c.code, c.name);
        md.push_str(&format!("\n## {dir_name}\n\n*{sev}* — {}\n\n", c.summary));
        if let Some(case) = cases
            .iter()
            .find(|p| p.file_name().is_some_and(|n| n == dir_name.as_str()))
        {
            // The transcript itself, not `expected.txt`: the golden test may be re-blessing it
            // concurrently.
            let expected = transcript(case);
            md.push_str(&format!("**Example** (`golden/check/{dir_name}/`):\n\n"));
            if let Some(file) = example_file(&expected, c.code) {
                let text = std::fs::read(case.join("in").join(&file)).unwrap_or_default();
                let text = String::from_utf8_lossy(&text);
                md.push_str(&format!("```toml\n# {file}\n{}\n```\n\n", text.trim_end()));
            }
            let shown: String = expected
                .lines()
                .filter(|l| !l.starts_with("--- "))
                .collect::<Vec<_>>()
                .join("\n");
            md.push_str(&format!("```text\n{}\n```\n\n", shown.trim_end()));
        }
        md.push_str(&format!("**Fix:** {}\n", c.fix));
    }
    md
}

#[test]
fn diagnostics_doc_is_generated() {
    let path = repo_root().join("docs/diagnostics.md");
    if let Some(diff) = compare_file(&path, &generate()) {
        panic!("{diff}");
    }
}
