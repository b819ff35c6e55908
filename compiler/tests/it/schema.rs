//! `schemas/` equals the schemas generated from the `Toml*` types, and every catalogue file
//! of `catalog-example/` declares the schema of its kind.

use crate::support::{compare_file, repo_root};
use sleeve::syntax::FileKind;

#[test]
fn committed_schemas_match_the_types() {
    let dir = repo_root().join("schemas");
    let mut failures = Vec::new();
    for (name, text) in sleeve::schema::all() {
        if let Some(d) = compare_file(&dir.join(&name), &text) {
            failures.push(d);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The catalogue files under `root`, without build output.
fn toml_files(root: &std::path::Path) -> Vec<std::path::PathBuf> {
    crate::support::files_under(root)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter(|p| {
            !p.strip_prefix(root)
                .is_ok_and(|r| r.components().any(|c| c.as_os_str() == "out"))
        })
        .collect()
}

#[test]
fn example_files_declare_their_schema() {
    let root = repo_root().join("catalog-example");
    let files = toml_files(&root);
    assert!(files.len() > 20, "catalog-example has too few files");
    let mut failures = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(&root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        let Some(kind) = FileKind::of(&rel) else {
            continue;
        };
        let text = std::fs::read_to_string(&f).expect("read");
        let first = text.lines().next().unwrap_or_default();
        let depth = rel.matches('/').count();
        let expected = format!(
            "#:schema {}schemas/{}.schema.json",
            "../".repeat(depth + 1),
            kind.schema_name()
        );
        if first != expected {
            failures.push(format!(
                "{rel}: first line is `{first}`, expected `{expected}`"
            ));
        }
        let target = f
            .parent()
            .expect("parent")
            .join(first.trim_start_matches("#:schema ").trim());
        if !target.is_file() {
            failures.push(format!(
                "{rel}: schema `{}` does not exist",
                target.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

pub(crate) fn to_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            J::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

/// Editors validate catalogue files with these schemas: the example must pass them.
#[test]
fn example_files_validate_against_their_schema() {
    let root = repo_root().join("catalog-example");
    let files = toml_files(&root);
    let mut failures = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(&root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        let Some(kind) = FileKind::of(&rel) else {
            continue;
        };
        let schema_path = repo_root().join(format!("schemas/{}.schema.json", kind.schema_name()));
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&schema_path).expect("schema"))
                .expect("json");
        let validator = jsonschema::draft7::new(&schema).expect("valid schema");
        let text = std::fs::read_to_string(&f).expect("read");
        let value: toml::Value = toml::from_str(&text).expect("toml");
        let json = to_json(&value);
        for e in validator.iter_errors(&json) {
            failures.push(format!("{rel}: {e} at {}", e.instance_path()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A schema rejects what `check` rejects at the key level: unknown keys and floats for shares.
#[test]
fn schemas_reject_unknown_keys_and_float_shares() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("schemas/recording.schema.json"))
            .expect("schema"),
    )
    .expect("json");
    let v = jsonschema::draft7::new(&schema).expect("valid schema");
    let ok = serde_json::json!({"isrc": "ZZSLV2500001", "title": "T", "artist": "a", "duration": "3:00",
        "splits": {"default": {"a": "100%"}}});
    assert!(v.is_valid(&ok));
    let unknown = serde_json::json!({"isrc": "ZZSLV2500001", "title": "T", "artist": "a", "duration": "3:00",
        "shar": "1", "splits": {"default": {"a": "100%"}}});
    assert!(!v.is_valid(&unknown));
    let float = serde_json::json!({"isrc": "ZZSLV2500001", "title": "T", "artist": "a", "duration": "3:00",
        "splits": {"default": {"a": 100.5}}});
    assert!(!v.is_valid(&float));
}
