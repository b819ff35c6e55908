//! `sleeve build`: check, then write the DDEX packages into a temporary folder and move it
//! into place, so a failed build never leaves a half-written package.
//!
//! Packages are generated and written on all cores, one at a time per core, so memory stays
//! bounded whatever the catalogue's size. Resources are hard-linked once per release into
//! `.resources/<UPC>/`, and each package's `resources` is a relative link to that folder
//! (`--copy` copies them into every package instead).
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use super::Exit;
use super::check::report;
use super::printer::Printer;
use super::system_world::SystemWorld;
use crate::build::Package;
use crate::diag::render::Format;
use crate::lower::Lowering;
use crate::world::World;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

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
    /// Copy resources into every package instead of linking them.
    #[arg(long)]
    copy: bool,
}

/// What one package left on disk, for the summary.
struct Written {
    dsp: String,
    release: String,
    upc: String,
    folder: String,
    message_id: String,
    content_hash: String,
    takedown: bool,
    resources: usize,
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
    let lowering = Lowering {
        cat: &checked.catalogue,
        label,
        media: &checked.media,
        now: world.now(),
        sequence: 0,
    };
    let out = args.out.clone().unwrap_or_else(|| args.path.join("out"));
    let result = write(&lowering, &args.path, &out, args.copy, printer);
    let exit = match result {
        Ok(mut written) => {
            written.sort_by(|a, b| a.folder.cmp(&b.folder));
            summary(&written, &out, args.format, printer);
            Exit::Success
        }
        Err(e) => {
            printer.err(&format!(
                "error[E0506] write-failed: {e}\n  help: check that the output folder's parent exists, is writable and has free space\n"
            ));
            Exit::Failure
        }
    };
    std::mem::forget(checked);
    exit
}

fn summary(written: &[Written], out: &Path, format: Format, printer: &Printer) {
    let dsps: std::collections::BTreeSet<&str> = written.iter().map(|p| p.dsp.as_str()).collect();
    let takedowns = written.iter().filter(|p| p.takedown).count();
    match format {
        Format::Json => {
            let packages: Vec<_> = written
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "dsp": p.dsp, "release": p.release, "upc": p.upc,
                        "folder": p.folder, "message_id": p.message_id,
                        "content_hash": p.content_hash, "takedown": p.takedown,
                        "resources": p.resources,
                    })
                })
                .collect();
            printer.out(&format!(
                "{}\n",
                serde_json::json!({ "out": out.display().to_string(), "packages": packages })
            ));
        }
        _ => printer.err(&format!(
            "built {} packages for {} DSPs ({} takedowns) in `{}`\n",
            written.len(),
            dsps.len(),
            takedowns,
            out.display()
        )),
    }
}

fn io_err(path: &Path, e: std::io::Error) -> String {
    format!("cannot write `{}`: {e}", path.display())
}

/// Marks a folder as Sleeve's build output, so a rebuild may replace it.
const MARKER: &str = ".sleeve-build";

/// Whether replacing `out` could destroy something that is not a previous build: the
/// catalogue itself, a folder holding it, or a folder Sleeve did not write.
/// Entries of `out` that are DSP drop folders of the folder transport (`out/deliveries` in
/// catalog-example): `apply` writes them, `build` keeps them.
fn transport_folders(
    cat: &crate::model::Catalogue,
    root: &Path,
    out: &Path,
) -> std::collections::BTreeSet<String> {
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    let (Some(root), Some(out)) = (
        canon(root),
        canon(out).or_else(|| {
            let parent = out.parent().and_then(|p| {
                canon(if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                })
            })?;
            Some(parent.join(out.file_name()?))
        }),
    ) else {
        return Default::default();
    };
    cat.dsps
        .values()
        .filter_map(|d| match &d.transport {
            crate::model::Transport::Folder { path } => {
                let full = root.join(path);
                let rest = full.strip_prefix(&out).ok()?;
                rest.components()
                    .next()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
            }
            _ => None,
        })
        .collect()
}

fn refuse_out(
    root: &Path,
    out: &Path,
    keep: &std::collections::BTreeSet<String>,
) -> Option<String> {
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    let (Some(root_abs), out_abs) = (canon(root), canon(out)) else {
        return None;
    };
    if let Some(out_abs) = &out_abs {
        if root_abs.starts_with(out_abs) {
            return Some(format!(
                "`{}` is the catalogue or holds it; a build replaces its output folder",
                out.display()
            ));
        }
        // Not empty, beyond the folder transport's drops.
        let non_empty = std::fs::read_dir(out_abs).is_ok_and(|d| {
            d.flatten()
                .any(|e| !keep.contains(e.file_name().to_string_lossy().as_ref()))
        });
        if non_empty && !out_abs.join(MARKER).exists() {
            return Some(format!(
                "`{}` is not empty and was not written by `sleeve build`",
                out.display()
            ));
        }
    }
    None
}

/// Write everything under a temporary sibling of `out`, then swap it in: the old output is
/// moved aside first and deleted only once the new one is in place.
fn write(
    lowering: &Lowering<'_>,
    root: &Path,
    out: &Path,
    copy: bool,
    printer: &Printer,
) -> Result<Vec<Written>, String> {
    let keep = transport_folders(lowering.cat, root, out);
    if let Some(why) = refuse_out(root, out, &keep) {
        return Err(format!("{why}; choose another `--out`"));
    }
    let name = out
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = out.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let old = out.with_file_name(format!(".{name}.old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let written = write_into(lowering, root, &tmp, copy, printer).and_then(|w| {
        write_tables(lowering.cat, &tmp)?;
        // The marker lists what the build wrote, so the next build replaces exactly that and
        // keeps the rest (a folder transport's drop under `out/deliveries`, say).
        let mut names: Vec<String> = std::fs::read_dir(&tmp)
            .map_err(|e| io_err(&tmp, e))?
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        names.sort();
        let mut marker = String::from("written by `sleeve build`; replaced by the next build\n");
        for n in &names {
            marker.push_str(&format!("wrote: {n}\n"));
        }
        std::fs::write(tmp.join(MARKER), marker).map_err(|e| io_err(&tmp, e))?;
        Ok(w)
    });
    match written {
        Ok(w) => {
            let had_old = out.exists();
            if had_old {
                std::fs::rename(out, &old).map_err(|e| io_err(out, e))?;
            }
            if let Err(e) = std::fs::rename(&tmp, out) {
                if had_old {
                    let _ = std::fs::rename(&old, out);
                }
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(io_err(out, e));
            }
            if had_old {
                // Keep what the earlier build did not write (its marker lists what it did);
                // the old folder is deleted only once everything else is moved across.
                let previous = std::fs::read_to_string(old.join(MARKER)).unwrap_or_default();
                let owned: std::collections::BTreeSet<&str> = previous
                    .lines()
                    .filter_map(|l| l.strip_prefix("wrote: "))
                    .collect();
                {
                    for e in std::fs::read_dir(&old)
                        .map_err(|e| io_err(&old, e))?
                        .flatten()
                    {
                        let n = e.file_name().to_string_lossy().into_owned();
                        // Without a list (an older build, or only `apply` wrote here), only
                        // the folder transport's drops are kept.
                        let foreign = if owned.is_empty() {
                            keep.contains(&n)
                        } else {
                            !owned.contains(n.as_str())
                        };
                        if n != MARKER && foreign && !out.join(&n).exists() {
                            std::fs::rename(e.path(), out.join(&n)).map_err(|err| {
                                format!(
                                    "{}; the previous output is kept in `{}`",
                                    io_err(&e.path(), err),
                                    old.display()
                                )
                            })?;
                        }
                    }
                }
                let _ = std::fs::remove_dir_all(&old);
            }
            Ok(w)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

fn write_into(
    lowering: &Lowering<'_>,
    root: &Path,
    dir: &Path,
    copy: bool,
    printer: &Printer,
) -> Result<Vec<Written>, String> {
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    let units = crate::build::units(lowering.cat);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let shared: Mutex<std::collections::HashSet<String>> = Mutex::new(Default::default());
    let failure: Mutex<Option<String>> = Mutex::new(None);
    let results: Mutex<Vec<Written>> = Mutex::new(Vec::with_capacity(units.len()));
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let total = units.len();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((dsp, rel)) = units.get(i) else {
                        break;
                    };
                    if failure.lock().is_ok_and(|f| f.is_some()) {
                        break;
                    }
                    let Some(p) = crate::build::package_for(lowering, dsp, rel) else {
                        continue;
                    };
                    match write_package(&p, root, dir, copy, &shared) {
                        Ok(()) => {
                            if let Ok(mut r) = results.lock() {
                                r.push(Written {
                                    dsp: p.dsp.clone(),
                                    release: p.release.clone(),
                                    upc: p.upc.clone(),
                                    folder: p.folder.clone(),
                                    message_id: p.message_id.clone(),
                                    content_hash: p.content_hash.clone(),
                                    takedown: p.takedown,
                                    resources: p.resources.len(),
                                });
                            }
                        }
                        Err(e) => {
                            if let Ok(mut f) = failure.lock() {
                                f.get_or_insert(e);
                            }
                        }
                    }
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if printer.stderr_is_tty && (n % 500 == 0 || n == total) {
                        printer.err(&format!("\r  building {n}/{total} packages"));
                    }
                }
            });
        }
    });
    if printer.stderr_is_tty && total > 0 {
        printer.err("\n");
    }
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(e);
    }
    // The batch manifests land last.
    for (rel, bytes) in crate::build::markers(lowering.cat, lowering.now) {
        let path = dir.join(rel);
        std::fs::write(&path, bytes).map_err(|e| io_err(&path, e))?;
    }
    Ok(results.into_inner().unwrap_or_default())
}

fn link_or_copy(src: &Path, dest: &Path, copy: bool) -> Result<(), String> {
    if !copy && std::fs::hard_link(src, dest).is_ok() {
        return Ok(());
    }
    std::fs::copy(src, dest)
        .map(|_| ())
        .map_err(|e| io_err(dest, e))
}

fn write_package(
    p: &Package,
    root: &Path,
    dir: &Path,
    copy: bool,
    shared: &Mutex<std::collections::HashSet<String>>,
) -> Result<(), String> {
    let folder = dir.join(&p.folder);
    std::fs::create_dir_all(&folder).map_err(|e| io_err(&folder, e))?;
    if !p.resources.is_empty() {
        if copy {
            std::fs::create_dir_all(folder.join("resources")).map_err(|e| io_err(&folder, e))?;
            for (rel, source) in &p.resources {
                link_or_copy(&root.join(source), &folder.join(rel), true)?;
            }
        } else {
            // One shared folder of links per release, whatever the number of DSPs.
            let store = dir.join(".resources").join(&p.upc);
            let first = shared.lock().is_ok_and(|mut s| s.insert(p.upc.clone()));
            if first {
                std::fs::create_dir_all(&store).map_err(|e| io_err(&store, e))?;
                for (rel, source) in &p.resources {
                    let name = rel.trim_start_matches("resources/");
                    let dest = store.join(name);
                    if !dest.exists() {
                        link_or_copy(&root.join(source), &dest, false)?;
                    }
                }
            }
            // A link to a folder another thread may still be filling: the build only
            // becomes visible (renamed into place) once every thread is done.
            let depth = p.folder.matches('/').count() + 1;
            let target = format!("{}.resources/{}", "../".repeat(depth), p.upc);
            symlink_dir(Path::new(&target), &folder.join("resources"))?;
        }
    }
    let xml = folder.join(&p.xml_name);
    std::fs::write(&xml, &p.xml).map_err(|e| io_err(&xml, e))
}

#[cfg(unix)]
fn symlink_dir(target: &Path, link: &Path) -> Result<(), String> {
    std::os::unix::fs::symlink(target, link).map_err(|e| io_err(link, e))
}

#[cfg(not(unix))]
fn symlink_dir(_target: &Path, link: &Path) -> Result<(), String> {
    Err(format!(
        "cannot link `{}`: use `--copy` on this system",
        link.display()
    ))
}

/// `out/rates/` (the compiled rate table, CSV and JSON) and `out/statements/` (one statement
/// configuration per payee): what `sleeve royalties` will apply, for review.
fn write_tables(cat: &crate::model::Catalogue, dir: &Path) -> Result<(), String> {
    let table = crate::royalties::rates::compile(cat);
    let rates = dir.join("rates");
    std::fs::create_dir_all(&rates).map_err(|e| io_err(&rates, e))?;
    let put = |p: PathBuf, text: String| std::fs::write(&p, text).map_err(|e| io_err(&p, e));
    put(
        rates.join("rates.csv"),
        crate::royalties::rates::to_csv(&table),
    )?;
    put(
        rates.join("rates.json"),
        crate::royalties::rates::to_json(&table),
    )?;
    let statements = dir.join("statements");
    std::fs::create_dir_all(&statements).map_err(|e| io_err(&statements, e))?;
    let period = cat
        .label
        .as_ref()
        .map_or("quarterly", |l| l.statement_period.as_str());
    for (i, p) in table.payees.iter().enumerate() {
        put(
            statements.join(format!("{}.json", p.id)),
            crate::royalties::rates::statement_config(&table, i as u32, period),
        )?;
    }
    Ok(())
}
