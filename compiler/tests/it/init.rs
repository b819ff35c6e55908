//! `sleeve init`: a new catalogue that checks clean and plans a delivery, in a git repository;
//! refusals to overwrite.

use crate::cli::tempdir::Dir;
use crate::support::{files_under, repo_root, sleeve};
use sleeve::syntax::FileKind;
use std::path::Path;

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .expect("under root")
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn init_scaffolds_a_catalogue_that_checks_clean_and_plans() {
    let tmp = Dir::new("init");
    let out = sleeve(
        tmp.path(),
        &["init", "tide-and-moss", "--name", "Tide & \"Moss\" Records"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("new git repository"), "{}", out.stderr);
    let root = tmp.path().join("tide-and-moss");
    assert!(root.join(".git").is_dir(), "git init");
    let head = std::fs::read_to_string(root.join(".git/HEAD")).expect("HEAD");
    assert_eq!(head.trim(), "ref: refs/heads/main");

    let files: Vec<String> = files_under(&root)
        .iter()
        .map(|p| rel(&root, p))
        .filter(|p| !p.starts_with(".git/"))
        .collect();
    for expected in [
        "sleeve.toml",
        "parties/example-artist.toml",
        "recordings/first-light.toml",
        "releases/first-light.toml",
        "contracts/example-artist.toml",
        "dsps/example-dsp.toml",
        "assets/audio/first-light.flac",
        "assets/artwork/first-light.png",
        ".gitignore",
        ".github/workflows/sleeve.yml",
        ".pre-commit-config.yaml",
    ] {
        assert!(
            files.iter().any(|f| f == expected),
            "{expected} in {files:?}"
        );
    }

    // Clean: no error and no warning, media quality rules included.
    let check = sleeve(&root, &["check", "--deny", "warnings"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check.stderr.contains("checked 6 files: no problems"),
        "{}",
        check.stderr
    );
    let label = std::fs::read_to_string(root.join("sleeve.toml")).expect("read");
    assert!(
        label.contains(r#"name = "Tide & \"Moss\" Records""#),
        "{label}"
    );

    // One new release for the one DSP, from a repository without a commit yet.
    let plan = sleeve(&root, &["plan", "--format", "json"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let json: serde_json::Value = serde_json::from_str(&plan.stdout).expect("plan json");
    let changes = json["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{}", plan.stdout);
    assert_eq!(changes[0]["action"], "deliver", "{}", plan.stdout);
    assert_eq!(changes[0]["dsp"], "example-dsp", "{}", plan.stdout);
    assert_eq!(changes[0]["release"], "first-light", "{}", plan.stdout);
    assert!(plan.stderr.is_empty(), "no warning: {}", plan.stderr);

    // The repository around it.
    let gitignore = std::fs::read_to_string(root.join(".gitignore")).expect("read");
    assert!(gitignore.lines().any(|l| l == "/out/"), "{gitignore}");
    let workflow = std::fs::read_to_string(root.join(".github/workflows/sleeve.yml")).expect("wf");
    for needle in [
        "pull_request:",
        "branches: [main]",
        "sleeve check --format github",
        "sleeve plan --format markdown",
        "sleeve apply --yes",
        "refs/sleeve/",
    ] {
        assert!(workflow.contains(needle), "{needle} in\n{workflow}");
    }
    let hooks = std::fs::read_to_string(root.join(".pre-commit-config.yaml")).expect("hooks");
    assert!(hooks.contains("repo: local") && hooks.contains("entry: sleeve check"));
}

#[test]
fn init_files_declare_and_satisfy_their_schema() {
    let tmp = Dir::new("init-schema");
    assert_eq!(sleeve(tmp.path(), &["init", "label"]).code, 0);
    let root = tmp.path().join("label");
    let mut failures = Vec::new();
    let mut checked = 0;
    for f in files_under(&root) {
        let rel = rel(&root, &f);
        let Some(kind) = FileKind::of(&rel).filter(|_| rel.ends_with(".toml")) else {
            continue;
        };
        let text = std::fs::read_to_string(&f).expect("read");
        let expected = format!(
            "#:schema https://sleeve.example/schemas/{}.schema.json",
            kind.schema_name()
        );
        if text.lines().next() != Some(expected.as_str()) {
            failures.push(format!("{rel}: first line is not `{expected}`"));
        }
        let schema_path = repo_root().join(format!("schemas/{}.schema.json", kind.schema_name()));
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&schema_path).expect("schema"))
                .expect("json");
        // The directive names the schema by its `$id`.
        assert_eq!(
            schema["$id"].as_str(),
            Some(expected.trim_start_matches("#:schema ")),
            "{rel}"
        );
        let validator = jsonschema::draft7::new(&schema).expect("valid schema");
        let value: toml::Value = toml::from_str(&text).expect("toml");
        for e in validator.iter_errors(&crate::schema::to_json(&value)) {
            failures.push(format!("{rel}: {e} at {}", e.instance_path()));
        }
        checked += 1;
    }
    assert_eq!(checked, 6, "six catalogue files");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn init_refuses_a_catalogue_or_unknown_files_and_keeps_a_fresh_clone() {
    let tmp = Dir::new("init-refuse");
    // An existing catalogue is never overwritten.
    assert_eq!(sleeve(tmp.path(), &["init", "a"]).code, 0);
    let label = std::fs::read(tmp.path().join("a/sleeve.toml")).expect("read");
    let again = sleeve(tmp.path(), &["init", "a", "--name", "Other"]);
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.contains("error[E0506] write-failed:")
            && again.stderr.contains("already holds a catalogue")
            && again.stderr.contains("\n  help: "),
        "{}",
        again.stderr
    );
    assert_eq!(
        std::fs::read(tmp.path().join("a/sleeve.toml")).expect("read"),
        label
    );

    // A folder with files init does not know is left alone.
    tmp.write("b/notes.txt", "mine");
    tmp.write("b/parties/x.toml", "name = \"X\"\n");
    let refused = sleeve(tmp.path(), &["init", "b"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused
            .stderr
            .contains("holds `notes.txt` and 1 more, which `sleeve init` does not recognise"),
        "{}",
        refused.stderr
    );
    assert!(!tmp.path().join("b/sleeve.toml").exists());

    // A file, and an empty name.
    tmp.write("c", "a file");
    assert_eq!(sleeve(tmp.path(), &["init", "c"]).code, 1);
    let empty = sleeve(tmp.path(), &["init", "d", "--name", " "]);
    assert_eq!(empty.code, 1);
    assert!(
        empty.stderr.contains("`--name` is empty"),
        "{}",
        empty.stderr
    );

    // A fresh clone: README, LICENSE, .gitignore and .git stay; .gitignore gains `/out/` and
    // `/statements/` (royalty runs).
    tmp.write("e/README.md", "# E\n");
    tmp.write("e/LICENSE", "MIT\n");
    tmp.write("e/.gitignore", "*.bak");
    let ok = sleeve(tmp.path(), &["init", "e"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("e/.gitignore")).expect("read"),
        "*.bak\n/out/\n/statements/\n"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("e/README.md")).expect("read"),
        "# E\n"
    );
    // The label is named after the folder.
    let label = std::fs::read_to_string(tmp.path().join("e/sleeve.toml")).expect("read");
    assert!(label.contains("name = \"E\"\n"), "{label}");
}

#[test]
fn init_inside_a_repository_does_not_make_another() {
    let tmp = Dir::new("init-nested");
    let git = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(tmp.path())
        .status()
        .expect("git must be installed");
    assert!(git.success());
    let out = sleeve(tmp.path(), &["init", "labels/nightjar"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("inside an existing git repository"),
        "{}",
        out.stderr
    );
    let root = tmp.path().join("labels/nightjar");
    assert!(!root.join(".git").exists());
    let label = std::fs::read_to_string(root.join("sleeve.toml")).expect("read");
    assert!(label.contains("name = \"Nightjar\"\n"), "{label}");
    // The plan finds the enclosing repository.
    let plan = sleeve(&root, &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, 2, "{}{}", plan.stdout, plan.stderr);
}
