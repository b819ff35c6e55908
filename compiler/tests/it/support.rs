//! Helpers: run the real `sleeve` binary, compare with files, re-bless with `SLEEVE_BLESS=1`.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// catalog-example copied into a fresh folder (without its build output and media store,
/// which `copy_dir` leaves out): the folder, the catalogue and an output folder beside it.
pub fn example(tag: &str) -> (crate::cli::tempdir::Dir, PathBuf, PathBuf) {
    let dir = crate::cli::tempdir::Dir::new(tag);
    let cat = dir.path().join("cat");
    crate::deliver::copy_dir(&repo_root().join("catalog-example"), &cat);
    let out = dir.path().join("out");
    (dir, cat, out)
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run `sleeve` with `args` in `cwd`, no colours, a fixed clock (2025-01-01).
pub fn sleeve(cwd: &Path, args: &[&str]) -> Output {
    sleeve_at(cwd, args, "1735689600")
}

/// Run `sleeve` with `args` in `cwd`, no colours, the clock at `epoch` (Unix seconds).
pub fn sleeve_at<S: AsRef<std::ffi::OsStr>>(cwd: &Path, args: &[S], epoch: &str) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_sleeve"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", epoch)
        // Off a terminal no background watch is started anyway; a developer's setting
        // must not start one either.
        .env_remove("SLEEVE_BACKGROUND_WATCH")
        .output()
        .expect("run sleeve");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn blessing() -> bool {
    std::env::var("SLEEVE_BLESS").is_ok_and(|v| v == "1")
}

/// Compare `actual` with the file at `path`; with `SLEEVE_BLESS=1`, rewrite the file instead.
/// Returns a description of the difference, if any.
pub fn compare_file(path: &Path, actual: &str) -> Option<String> {
    if blessing() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create dir");
        }
        std::fs::write(path, actual).expect("bless");
        return None;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return None;
    }
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    Some(format!(
        "{} differs from the output at line {} (run with SLEEVE_BLESS=1 to accept, then review the diff)\n--- expected\n{}\n--- actual\n{}",
        path.display(),
        line + 1,
        expected
            .lines()
            .skip(line)
            .take(5)
            .collect::<Vec<_>>()
            .join("\n"),
        actual
            .lines()
            .skip(line)
            .take(5)
            .collect::<Vec<_>>()
            .join("\n"),
    ))
}

/// Every file under `dir`, recursively, sorted; nothing when `dir` does not exist.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(p: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}
