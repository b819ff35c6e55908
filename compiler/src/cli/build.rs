//! `sleeve build`: check, then write the DDEX packages into a temporary folder and move it
//! into place, so a failed build never leaves a half-written package.
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use super::Exit;
use super::check::report;
use super::printer::Printer;
use super::system_world::SystemWorld;
use crate::diag::render::Format;
use crate::world::World;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The catalogue's root folder (holding `sleeve.toml`).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Where to write the packages (default: `PATH/out`). Replaced as a whole.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Output format of diagnostics and the summary.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Copy resources instead of hard-linking them.
    #[arg(long)]
    copy: bool,
}

pub fn run(args: Args, printer: &Printer) -> Exit {
    let world = SystemWorld::new(args.path.clone());
    let mut checked = crate::check_catalogue(&world);
    let errors = checked.diagnostics.error_count();
    report(&mut checked, &args.path, args.format, printer, false);
    if errors > 0 {
        printer.err("error: the catalogue has errors, nothing was built\n");
        return Exit::Failure;
    }
    let Some(label) = checked.catalogue.label.as_ref() else {
        return Exit::Failure;
    };
    let output = crate::build::build(&checked.catalogue, label, &checked.media, world.now());
    let out = args.out.unwrap_or_else(|| args.path.join("out"));
    match write(&output, &args.path, &out, args.copy) {
        Ok(files) => {
            let dsps: std::collections::BTreeSet<&str> =
                output.packages.iter().map(|p| p.dsp.as_str()).collect();
            let takedowns = output.packages.iter().filter(|p| p.takedown).count();
            match args.format {
                Format::Json => {
                    let packages: Vec<_> = output
                        .packages
                        .iter()
                        .map(|p| {
                            serde_json::json!({
                                "dsp": p.dsp, "release": p.release, "upc": p.upc,
                                "folder": p.folder, "message_id": p.message_id,
                                "content_hash": p.content_hash, "takedown": p.takedown,
                                "resources": p.resources.len(),
                            })
                        })
                        .collect();
                    printer.out(&format!(
                        "{}\n",
                        serde_json::json!({ "out": out.display().to_string(), "packages": packages, "files": files })
                    ));
                }
                _ => printer.err(&format!(
                    "built {} packages for {} DSPs ({} takedowns, {files} files) in `{}`\n",
                    output.packages.len(),
                    dsps.len(),
                    takedowns,
                    out.display()
                )),
            }
            Exit::Success
        }
        Err(e) => {
            printer.err(&format!("error[E0501] write-failed: {e}\n  help: check that the output folder's parent exists, is writable and has free space\n"));
            Exit::Failure
        }
    }
}

fn io_err(path: &Path, e: std::io::Error) -> String {
    format!("cannot write `{}`: {e}", path.display())
}

/// Write everything under `<out>.tmp-<pid>`, then swap it in. Returns the number of files.
fn write(
    output: &crate::build::Output,
    root: &Path,
    out: &Path,
    copy: bool,
) -> Result<usize, String> {
    let name = out
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = out.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = write_into(output, root, &tmp, copy);
    match result {
        Ok(n) => {
            if out.exists() {
                std::fs::remove_dir_all(out).map_err(|e| io_err(out, e))?;
            }
            std::fs::rename(&tmp, out).map_err(|e| io_err(out, e))?;
            Ok(n)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

fn write_into(
    output: &crate::build::Output,
    root: &Path,
    dir: &Path,
    copy: bool,
) -> Result<usize, String> {
    let mut files = 0;
    for p in &output.packages {
        let folder = dir.join(&p.folder);
        std::fs::create_dir_all(folder.join("resources")).map_err(|e| io_err(&folder, e))?;
        for (rel, source) in &p.resources {
            let dest = folder.join(rel);
            let src = root.join(source);
            let linked = !copy && std::fs::hard_link(&src, &dest).is_ok();
            if !linked {
                std::fs::copy(&src, &dest).map_err(|e| io_err(&dest, e))?;
            }
            files += 1;
        }
        let xml = folder.join(&p.xml_name);
        std::fs::write(&xml, &p.xml).map_err(|e| io_err(&xml, e))?;
        files += 1;
    }
    for (rel, bytes) in &output.markers {
        let path = dir.join(rel);
        std::fs::write(&path, bytes).map_err(|e| io_err(&path, e))?;
        files += 1;
    }
    Ok(files)
}
