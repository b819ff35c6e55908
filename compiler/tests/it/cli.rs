//! The command line: exit codes, formats, help, explain.

use crate::support::{repo_root, sleeve};

fn bad_catalogue() -> tempdir::Dir {
    let dir = tempdir::Dir::new("bad");
    dir.write(
        "sleeve.toml",
        "[label]\nname = \"L\"\nparty-id = \"PADPIDA2099010101X\"\ncurrency = \"GBP\"\n",
    );
    dir.write(
        "parties/a.toml",
        "name = \"A\"\n[payee]\ncurrency = \"GBP\"\n",
    );
    dir.write(
        "recordings/r.toml",
        "isrc = \"ZZSLV2500001\"\ntitle = \"R\"\nartist = \"a\"\nduration = \"3:00\"\nexplicit = false\n[splits]\ndefault = { a = \"90%\" }\n",
    );
    dir
}

pub mod tempdir {
    use std::path::{Path, PathBuf};

    /// A temporary folder removed on drop.
    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new(tag: &str) -> Dir {
            use std::sync::atomic::{AtomicUsize, Ordering};
            static N: AtomicUsize = AtomicUsize::new(0);
            let p = std::env::temp_dir().join(format!(
                "sleeve-test-{tag}-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst)
            ));
            let _ = std::fs::remove_dir_all(&p);
            std::fs::create_dir_all(&p).expect("mkdir");
            Dir(p)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
        pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
            let p = self.0.join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[test]
fn errors_exit_1_and_clean_exits_0() {
    let dir = bad_catalogue();
    let out = sleeve(dir.path(), &["check", "."]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("E0302 split-shares-not-100"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("recordings/r.toml:7:1"),
        "{}",
        out.stderr
    );
    dir.write(
        "recordings/r.toml",
        "isrc = \"ZZSLV2500001\"\ntitle = \"R\"\nartist = \"a\"\nduration = \"3:00\"\nexplicit = false\n[splits]\ndefault = { a = \"100%\" }\n",
    );
    dir.write(
        "contracts/a.toml",
        "payee = \"a\"\nstart = 2024-01-01\n[rates.default]\nstream = \"50%\"\n",
    );
    let out = sleeve(dir.path(), &["check", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn warnings_fail_only_with_deny() {
    let dir = bad_catalogue();
    dir.write(
        "recordings/r.toml",
        "isrc = \"ZZSLV2500001\"\ntitle = \"R\"\nartist = \"a\"\nduration = \"3:00\"\nexplicit = false\n[splits]\ndefault = { a = \"100%\" }\n",
    );
    // No contract for `a`: W0322.
    let out = sleeve(dir.path(), &["check", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("W0322"), "{}", out.stderr);
    let out = sleeve(dir.path(), &["check", ".", "--deny", "warnings"]);
    assert_eq!(out.code, 1);
}

#[test]
fn json_lines_have_file_line_column() {
    let dir = bad_catalogue();
    let out = sleeve(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(out.code, 1);
    let first = out.stdout.lines().next().expect("a diagnostic");
    let v: serde_json::Value = serde_json::from_str(first).expect("json");
    assert_eq!(v["code"], "E0302");
    assert_eq!(v["name"], "split-shares-not-100");
    assert_eq!(v["severity"], "error");
    assert_eq!(v["file"], "recordings/r.toml");
    assert_eq!(v["line"], 7);
    assert_eq!(v["column"], 1);
    assert!(v["help"].as_str().is_some_and(|h| h.contains("10%")), "{v}");
}

#[test]
fn github_annotations() {
    let dir = bad_catalogue();
    let out = sleeve(dir.path(), &["check", ".", "--format", "github"]);
    assert!(
        out.stdout
            .starts_with("::error file=recordings/r.toml,line=7,col=1,"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("title=E0302 split-shares-not-100::"));
}

#[test]
fn paths_are_shown_as_given() {
    let dir = bad_catalogue();
    let parent = dir.path().parent().expect("parent");
    let name = dir
        .path()
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let out = sleeve(parent, &["check", &name]);
    assert!(
        out.stderr
            .contains(&format!("{name}/recordings/r.toml:7:1")),
        "{}",
        out.stderr
    );
}

#[test]
fn usage_errors_exit_1_and_help_exits_0() {
    let root = repo_root();
    let out = sleeve(&root, &["check", "--format", "yaml"]);
    assert_eq!(out.code, 1);
    let out = sleeve(&root, &["--help"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("Examples:"), "{}", out.stdout);
    assert!(out.stdout.contains("Exit codes"), "{}", out.stdout);
    let out = sleeve(&root, &["check", "--help"]);
    assert!(out.stdout.contains("--format"), "{}", out.stdout);
}

#[test]
fn explain_prints_docs_and_suggests() {
    let root = repo_root();
    let out = sleeve(&root, &["explain", "E0302"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("E0302 split-shares-not-100 (error)"));
    let out = sleeve(&root, &["explain", "split-shares-not-10"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("did you mean `split-shares-not-100`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn no_color_means_no_escape_codes() {
    let dir = bad_catalogue();
    let out = sleeve(dir.path(), &["check", ".", "--color", "never"]);
    assert!(!out.stderr.contains('\u{1b}'));
    let out = sleeve(dir.path(), &["check", ".", "--color", "always"]);
    assert!(out.stderr.contains('\u{1b}'));
}

#[test]
fn missing_catalogue_folder_is_a_diagnostic() {
    let root = repo_root();
    let out = sleeve(&root, &["check", "no/such/folder"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("E0100"), "{}", out.stderr);
}
