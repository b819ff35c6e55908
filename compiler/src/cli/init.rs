//! `sleeve init`: scaffold a label's catalogue repository.
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use super::Exit;
use super::deliver::fail;
use super::printer::Printer;
use super::system_world::SystemWorld;
use crate::diag::codes;
use crate::scaffold::{self, GITIGNORE_LINES};
use crate::world::World as _;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to create the catalogue in (created when missing).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// The label's name (default: from the folder's name).
    #[arg(long)]
    name: Option<String>,
}

/// Files a fresh repository may already hold (as a hosting site creates them): `init` adds the
/// catalogue beside them. Anything else means the folder is something else, left alone.
fn is_expected(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    matches!(name, ".git" | ".gitignore" | ".gitattributes")
        || ["README", "LICENSE", "LICENCE", "COPYING"]
            .iter()
            .any(|p| upper.starts_with(p))
}

/// Why `dir` cannot take a new catalogue, or `None` when it can.
fn refusal(dir: &Path) -> Option<(String, String)> {
    if dir.join("sleeve.toml").exists() {
        return Some((
            format!(
                "`{}` already holds a catalogue (`sleeve.toml`)",
                dir.display()
            ),
            "run `sleeve check` there, or choose another folder for a new catalogue".into(),
        ));
    }
    if dir.exists() && !dir.is_dir() {
        return Some((
            format!("`{}` is a file, not a folder", dir.display()),
            "choose a folder that does not exist yet, or an empty one".into(),
        ));
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            return Some((
                format!("cannot read `{}`: {e}", dir.display()),
                "check that the folder is readable".into(),
            ));
        }
    };
    let mut unexpected: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !is_expected(n))
        .collect();
    unexpected.sort();
    let first = unexpected.first()?;
    let more = match unexpected.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    Some((
        format!(
            "`{}` is not empty: it holds `{first}`{more}, which `sleeve init` does not recognise",
            dir.display()
        ),
        "run `sleeve init` in a new or empty folder (a README, LICENSE, .gitignore and .git may be there)".into(),
    ))
}

pub fn run(args: Args, printer: &Printer) -> Exit {
    let dir = &args.dir;
    if let Some((message, help)) = refusal(dir) {
        return fail(printer, codes::WRITE_FAILED, &message, &help);
    }
    let name = match &args.name {
        Some(n) if n.trim().is_empty() => {
            return fail(
                printer,
                codes::INVALID_VALUE,
                "`--name` is empty",
                "give the label's name, such as `--name \"Nightjar Records\"`",
            );
        }
        Some(n) => n.trim().to_string(),
        None => {
            let folder = std::fs::canonicalize(dir)
                .or_else(|_| std::path::absolute(dir))
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_default();
            scaffold::name_from_folder(&folder)
        }
    };
    let today = crate::model::date::Date::from_unix(SystemWorld::new(dir.clone()).now());
    let files = scaffold::files(&name, today);
    for f in &files {
        if let Err(e) = write(dir, f.path, &f.bytes) {
            return fail(
                printer,
                codes::WRITE_FAILED,
                &format!("cannot write `{}`: {e}", dir.join(f.path).display()),
                "check that the folder is writable and the disk not full",
            );
        }
    }
    let repo = match git2::Repository::discover(dir) {
        Ok(_) => "inside an existing git repository".to_string(),
        Err(_) => {
            let mut opts = git2::RepositoryInitOptions::new();
            opts.initial_head("main");
            if let Err(e) = git2::Repository::init_opts(dir, &opts) {
                return fail(
                    printer,
                    codes::GIT_FAILED,
                    &format!("cannot create a git repository in `{}`: {e}", dir.display()),
                    "run `git init` there yourself: `sleeve plan` keeps the delivered state in git",
                );
            }
            "in a new git repository (branch `main`)".to_string()
        }
    };
    let shown = dir.display();
    printer.err(&format!(
        "created the catalogue of `{name}` in `{shown}` ({} files), {repo}\n\
         \n\
         next:\n  \
         sleeve check {shown}    # no problems\n  \
         sleeve plan {shown}     # one release to deliver to each DSP\n  \
         git -C {shown} add -A && git -C {shown} commit -m \"catalogue\"\n\
         then replace the placeholders marked `# ←`, and the audio and artwork in `assets/`\n",
        files.len()
    ));
    Exit::Success
}

/// Write one scaffold file; an existing `.gitignore` gets the missing lines appended.
fn write(dir: &Path, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    if rel == ".gitignore"
        && let Ok(existing) = std::fs::read_to_string(&path)
    {
        let missing: Vec<&str> = GITIGNORE_LINES
            .iter()
            .copied()
            .filter(|l| !existing.lines().any(|e| e.trim() == *l))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let sep = if existing.is_empty() || existing.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        return std::fs::write(&path, format!("{existing}{sep}{}\n", missing.join("\n")));
    }
    std::fs::write(path, bytes)
}
