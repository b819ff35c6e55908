//! `sleeve import ddex`: read ERN 4.3 or 3.8.2 messages (files or folders of deliveries), write a
//! catalogue. The mapping is pure (`crate::import`); this is its IO edge.
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use super::Exit;
use super::printer::Printer;
use crate::import::{Content, Input};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    kind: ImportKind,
}

#[derive(Debug, clap::Subcommand)]
enum ImportKind {
    /// DDEX ERN 4.3 `NewReleaseMessage`s: XML files, or folders searched for them.
    Ddex {
        /// Message files or folders (a `sleeve build` output, a distributor's export).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The catalogue folder to write; existing catalogue files are never overwritten.
        #[arg(long)]
        into: PathBuf,
    },
}

fn is_manifest(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("BatchComplete_"))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")) && !is_manifest(&p) {
            out.push(p);
        }
    }
    Ok(())
}

/// A batch delivery: `<batch>/<release>/<release>.xml` with `<batch>/BatchComplete_*.xml`.
fn in_batch(xml: &Path) -> bool {
    let Some(batch) = xml.parent().and_then(Path::parent) else {
        return false;
    };
    std::fs::read_dir(batch).is_ok_and(|rd| rd.flatten().any(|e| is_manifest(&e.path())))
}

pub fn run(args: Args, printer: &Printer) -> Exit {
    let ImportKind::Ddex { files, into } = args.kind;
    let mut paths = Vec::new();
    for f in &files {
        if f.is_dir() {
            if let Err(e) = walk(f, &mut paths) {
                printer.err(&format!("error: {e}\n"));
                return Exit::Failure;
            }
        } else if f.is_file() {
            paths.push(f.clone());
        } else {
            printer.err(&format!("error: `{}` does not exist\n", f.display()));
            return Exit::Failure;
        }
    }
    if paths.is_empty() {
        printer.err("error: no XML messages found in the given paths\n");
        return Exit::Failure;
    }
    let mut inputs = Vec::new();
    for p in &paths {
        match std::fs::read(p) {
            Ok(bytes) => inputs.push(Input {
                name: p.display().to_string(),
                dir: p
                    .parent()
                    .map(|d| d.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                bytes,
                batch: in_batch(p),
            }),
            Err(e) => {
                printer.err(&format!("error: cannot read `{}`: {e}\n", p.display()));
                return Exit::Failure;
            }
        }
    }
    let exists = |s: &str| Path::new(s).is_file();
    let output = crate::import::import(&inputs, &exists);
    if !output.errors.is_empty() {
        for e in &output.errors {
            printer.err(&format!("error: {e}\n"));
        }
        printer.err("error: nothing was imported\n");
        return Exit::Failure;
    }
    let clashes: Vec<String> = output
        .files
        .keys()
        .filter(|k| into.join(k).exists())
        .cloned()
        .collect();
    if !clashes.is_empty() {
        printer.err(&format!(
            "error: `{}` already has {} of the files to write ({}{}); nothing was written\n  help: import into a new or empty folder, then merge by hand\n",
            into.display(),
            clashes.len(),
            clashes.iter().take(3).map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "),
            if clashes.len() > 3 { ", …" } else { "" }
        ));
        return Exit::Failure;
    }
    for (rel, content) in &output.files {
        let dest = into.join(rel);
        if let Some(dir) = dest.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            printer.err(&format!("error: cannot create `{}`: {e}\n", dir.display()));
            return Exit::Failure;
        }
        let result = match content {
            Content::Text(t) => std::fs::write(&dest, t),
            Content::Copy(src) => std::fs::copy(src, &dest).map(|_| ()),
        };
        if let Err(e) = result {
            printer.err(&format!("error: cannot write `{}`: {e}\n", dest.display()));
            return Exit::Failure;
        }
    }
    let notes = output.grouped_notes();
    for n in &notes {
        printer.err(&format!("note: {n}\n"));
    }
    let count = |prefix: &str| {
        output
            .files
            .keys()
            .filter(|k| k.starts_with(prefix))
            .count()
    };
    printer.err(&format!(
        "imported {} messages into `{}`: {} releases, {} recordings, {} parties, {} DSPs, {} resource files ({} notes: what could not be mapped)\n",
        inputs.len(),
        into.display(),
        count("releases/"),
        count("recordings/"),
        count("parties/"),
        count("dsps/"),
        count("assets/"),
        notes.len(),
    ));
    Exit::Success
}
