//! `sleeve build`: check, then write the DDEX packages. A first build writes into a temporary
//! folder and moves it into place; a rebuild updates the output in place, package by package,
//! each written beside it and swapped in whole. Either way a failed build never leaves a
//! half-written package.
//!
//! **Rebuilds.** The output's manifest (`.sleeve-build.json`) records each package's input
//! hash ([`crate::build::input_hash`]: the files it is made from, its media, the day) and the
//! rate table's hash and what it was compiled from. A rebuild by the same Sleeve with the
//! same `--copy` keeps every package whose input hash is unchanged, without building its
//! message, compiles the tables only when what they are compiled from changed
//! ([`crate::royalties::rates::tables_from`]) and writes them only when they changed;
//! packages no longer built are removed.
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
use super::timings::Timings;
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
    /// Print how long each step took (for benchmarks; always builds here).
    #[arg(long, hide = true)]
    timings: bool,
    /// Build here, even when a `sleeve watch --build` of this catalogue into the same
    /// folder runs (by default it is asked, and answers in milliseconds).
    #[arg(long)]
    no_watch: bool,
}

/// What one package left on disk: for the summary, and kept in the manifest.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Written {
    dsp: String,
    release: String,
    upc: String,
    folder: String,
    message_id: String,
    content_hash: String,
    takedown: bool,
    resources: usize,
    /// What the package was built from ([`crate::build::input_hash`]).
    input: String,
}

/// The output's manifest: what the last build wrote, for the next build to keep.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Manifest {
    /// Sleeve's version: another version rebuilds everything.
    sleeve: String,
    copy: bool,
    /// [`crate::royalties::rates::table_hash`] of `rates/` and `statements/`.
    tables: String,
    /// [`Inputs::sources`] the tables stand for: while the source files are the same, the
    /// tables are neither compiled nor written again.
    #[serde(default)]
    sources: String,
    /// [`Inputs::tables_from`] when the tables were compiled: when the source files changed
    /// but not this (a title, a deal or artwork was edited), the tables stand for them too.
    #[serde(default)]
    tables_from: String,
    /// Batch-complete markers written (paths relative to the output root).
    markers: Vec<String>,
    packages: Vec<Written>,
}

const MANIFEST: &str = ".sleeve-build.json";

/// What a build needs besides the lowering: the source files' hashes, what the tables are
/// compiled from, the day. `linked` collects the media files it hard-linked (root-relative),
/// whose change time that changed.
struct Inputs<'a> {
    lowering: &'a Lowering<'a>,
    sources: &'a crate::source::SourceMap,
    file_hashes: &'a [String],
    /// [`crate::royalties::rates::table_inputs`] of every file, when known.
    table_inputs: Option<&'a std::collections::HashMap<crate::source::FileId, u64>>,
    /// [`Inputs::tables_from`], computed when first asked for.
    tables_from: std::sync::OnceLock<String>,
    today: crate::model::date::Date,
    linked: Mutex<Vec<String>>,
}

impl<'a> Inputs<'a> {
    fn new(
        lowering: &'a Lowering<'a>,
        sources: &'a crate::source::SourceMap,
        file_hashes: &'a [String],
        table_inputs: Option<&'a std::collections::HashMap<crate::source::FileId, u64>>,
    ) -> Self {
        Inputs {
            lowering,
            sources,
            file_hashes,
            table_inputs,
            tables_from: std::sync::OnceLock::new(),
            today: crate::model::date::Date::from_unix(lowering.now),
            linked: Mutex::default(),
        }
    }

    fn input(&self, dsp: &crate::model::Dsp, rel: &crate::model::Release) -> String {
        crate::build::input_hash(self.lowering, self.file_hashes, dsp, rel, self.today)
    }

    /// [`Inputs::input`] for each of `dsps`.
    fn inputs(&self, rel: &crate::model::Release, dsps: &[&crate::model::Dsp]) -> Vec<String> {
        crate::build::input_hashes(self.lowering, self.file_hashes, rel, dsps, self.today)
    }

    /// A hash of every source file, in load order.
    fn sources(&self) -> String {
        crate::lower::content_hash(&self.file_hashes)
    }

    /// What the tables are compiled from ([`crate::royalties::rates::tables_from`]): about
    /// 0.1 s on 10,000 releases, so asked for only when the source files changed.
    fn tables_from(&self) -> &str {
        self.tables_from.get_or_init(|| {
            let computed;
            let inputs = match self.table_inputs {
                Some(t) => t,
                None => {
                    computed = crate::royalties::rates::table_inputs(self.lowering.cat, None);
                    &computed
                }
            };
            crate::royalties::rates::tables_from(self.sources, self.file_hashes, inputs)
        })
    }
}

pub fn run(args: Args, printer: &Printer) -> Exit {
    let out = args.out.clone().unwrap_or_else(|| args.path.join("out"));
    if !(args.no_watch || args.copy || args.timings) {
        let command = super::serve::Command::Build {
            out_full: std::path::absolute(&out).unwrap_or_else(|_| out.clone()),
            out: out.clone(),
        };
        let request = super::serve::Request::new(command, &args.path, args.format, printer.color);
        if let Some(exit) = super::serve::ask(&args.path, &request, printer) {
            return exit;
        }
        if super::serve::background_wanted(printer) {
            let exit = build_here(&args, &out, printer);
            super::serve::start_background(&args.path, &out, printer);
            return exit;
        }
    }
    build_here(&args, &out, printer)
}

/// Check and build in this process.
fn build_here(args: &Args, out: &Path, printer: &Printer) -> Exit {
    let mut timings = Timings::new(args.timings);
    let world = SystemWorld::new(args.path.clone());
    let mut checked = crate::check_catalogue(&world);
    timings.step("check".into());
    let errors = checked.diagnostics.error_count();
    report(&mut checked, &args.path, args.format, printer, false);
    if errors > 0 {
        return nothing_built(printer);
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
    let file_hashes = crate::build::file_hashes(&checked.sources);
    // The diagnostics are out and the texts hashed: their memory serves the packages.
    checked.sources.drop_texts();
    timings.step("file hashes".into());
    let inputs = Inputs::new(&lowering, &checked.sources, &file_hashes, None);
    let result = write(&inputs, &args.path, out, args.copy, printer, &mut timings);
    world.media_linked(&inputs.linked.lock().map(|l| l.clone()).unwrap_or_default());
    let exit = match result {
        Ok((manifest, rebuilt)) => {
            summary(&manifest.packages, rebuilt, out, args.format, printer);
            Exit::Success
        }
        Err(e) => {
            printer.err(&write_failed(&e));
            Exit::Failure
        }
    };
    timings.print(printer);
    std::mem::forget(checked);
    exit
}

/// `rebuilt`: how many packages this build wrote (the others were kept as they were).
fn summary(written: &[Written], rebuilt: usize, out: &Path, format: Format, printer: &Printer) {
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
                serde_json::json!({
                    "out": out.display().to_string(),
                    "written": rebuilt,
                    "unchanged": written.len().saturating_sub(rebuilt),
                    "packages": packages,
                })
            ));
        }
        _ => printer.err(&format!(
            "built {} packages for {} DSPs ({} takedowns) in `{}`: {rebuilt} written, {} unchanged\n",
            written.len(),
            dsps.len(),
            takedowns,
            out.display(),
            written.len().saturating_sub(rebuilt),
        )),
    }
}

/// A build refused for the catalogue's errors (shown before).
pub fn nothing_built(printer: &Printer) -> Exit {
    printer.err("error: the catalogue has errors, nothing was built\n");
    Exit::Failure
}

/// The diagnostic of a build that could not write its output.
pub fn write_failed(e: &str) -> String {
    format!(
        "error[E0506] write-failed: {e}\n  help: check that the output folder's parent exists, is writable and has free space\n"
    )
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

/// Write the build into `out`: in place when `out` holds a build this one can update, else
/// everything under a temporary sibling of `out`, then swapped in: the old output is moved
/// aside first and deleted only once the new one is in place.
fn write(
    inputs: &Inputs<'_>,
    root: &Path,
    out: &Path,
    copy: bool,
    printer: &Printer,
    timings: &mut Timings,
) -> Result<(Manifest, usize), String> {
    let keep = transport_folders(inputs.lowering.cat, root, out);
    if let Some(why) = refuse_out(root, out, &keep) {
        return Err(format!("{why}; choose another `--out`"));
    }
    if let Some(manifest) = read_manifest(out, copy) {
        let mut manifest = manifest;
        timings.step("manifest read".into());
        let decision = decide(inputs, out, &mut manifest);
        timings.step(format!("decide ({} to build)", decision.todo.len()));
        let r = update(inputs, root, out, copy, manifest, decision, printer);
        timings.step("update".into());
        return r;
    }
    let name = out
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = out.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let old = out.with_file_name(format!(".{name}.old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let units = crate::build::units(inputs.lowering.cat);
    let written = std::fs::create_dir_all(&tmp)
        .map_err(|e| io_err(&tmp, e))
        .and_then(|()| {
            // The packages on all cores, the rate table on one more, with what the manifest
            // says the sources and the table are made from (which would otherwise be worked
            // out after the packages, on one core).
            let (w, (tables, sources)) = crate::beside(
                || write_into(inputs, &units, root, &tmp, copy, printer),
                || {
                    let tables = write_tables(inputs.lowering.cat, &tmp, None);
                    inputs.tables_from();
                    (tables, inputs.sources())
                },
            );
            let (w, tables) = (w?, tables?);
            timings.step("packages and rate table".into());
            let lowering = inputs.lowering;
            let markers = crate::build::markers(lowering.cat, lowering.now);
            let markers = write_markers(&tmp, markers)?;
            let from = (tables, sources, inputs.tables_from().to_string());
            finish(&tmp, copy, from, markers, w)
        });
    timings.step("markers and manifest".into());
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
                let owned = owned_before(&old);
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
                            !owned.contains(&n)
                        };
                        let ours = n == MARKER || n == MANIFEST || n.starts_with(".sleeve-");
                        if !ours && foreign && !out.join(&n).exists() {
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
            let n = w.packages.len();
            Ok((w, n))
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

/// The manifest of the build in `out`, when this build can update it in place: written by
/// this version of Sleeve, with the same `copy`, and marked as a build.
fn read_manifest(out: &Path, copy: bool) -> Option<Manifest> {
    if !out.join(MARKER).is_file() {
        return None;
    }
    let text = std::fs::read(out.join(MANIFEST)).ok()?;
    let m: Manifest = serde_json::from_slice(&text).ok()?;
    (m.sleeve == env!("CARGO_PKG_VERSION") && m.copy == copy).then_some(m)
}

/// The top-level names of the output a build owns.
fn owned_names(
    copy: bool,
    markers: &[String],
    packages: &[Written],
) -> std::collections::BTreeSet<String> {
    let mut names: std::collections::BTreeSet<String> = packages
        .iter()
        .filter_map(|p| p.folder.split('/').next().map(str::to_string))
        .collect();
    names.extend(
        markers
            .iter()
            .filter_map(|m| m.split('/').next().map(str::to_string)),
    );
    names.extend(["rates".to_string(), "statements".to_string()]);
    if !copy && packages.iter().any(|p| p.resources > 0) {
        names.insert(".resources".to_string());
    }
    names
}

/// The top-level names the build in `out` owned, as its marker lists them.
fn owned_before(out: &Path) -> std::collections::BTreeSet<String> {
    std::fs::read_to_string(out.join(MARKER))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.strip_prefix("wrote: "))
        .map(str::to_string)
        .collect()
}

/// Write the marker (the top-level names the build owns) and the manifest, last.
/// `tables`: the tables' hash, the sources they stand for and what they were compiled from.
fn finish(
    dir: &Path,
    copy: bool,
    (tables, sources, tables_from): (String, String, String),
    markers: Vec<String>,
    mut packages: Vec<Written>,
) -> Result<Manifest, String> {
    let names = owned_names(copy, &markers, &packages);
    let mut marker = String::from("written by `sleeve build`; replaced by the next build\n");
    for n in &names {
        marker.push_str(&format!("wrote: {n}\n"));
    }
    packages.sort_by(|a, b| a.folder.cmp(&b.folder));
    let manifest = Manifest {
        sleeve: env!("CARGO_PKG_VERSION").to_string(),
        copy,
        tables,
        sources,
        tables_from,
        markers,
        packages,
    };
    let json = serde_json::to_vec(&manifest).map_err(|e| e.to_string())?;
    put_atomic(&dir.join(MARKER), marker.as_bytes())?;
    put_atomic(&dir.join(MANIFEST), &json)?;
    Ok(manifest)
}

/// Write a file beside its place, then rename it there.
fn put_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".sleeve-tmp-{}-{name}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| io_err(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io_err(path, e))
}

/// Write the batch-complete markers (last); returns their paths.
fn write_markers(dir: &Path, markers: Vec<(String, Vec<u8>)>) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    for (rel, bytes) in markers {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_err(parent, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| io_err(&path, e))?;
        written.push(rel);
    }
    Ok(written)
}

/// Which packages an update keeps as they are and which it builds again, and whether it
/// compiles the rate table again.
struct Decision<'c> {
    kept: Vec<Written>,
    todo: Vec<(&'c crate::model::Dsp, &'c crate::model::Release)>,
    /// The last build's packages that are not kept (built again, or gone).
    dropped: Vec<Written>,
    tables: bool,
    /// Folders of packages built again although their input is unchanged: their message is
    /// missing on disk.
    missing: Vec<String>,
}

/// Every package whose input hash changed (or whose message is missing) is built again.
fn decide<'c>(inputs: &Inputs<'c>, out: &Path, manifest: &mut Manifest) -> Decision<'c> {
    let lowering = inputs.lowering;
    let mut old: std::collections::HashMap<String, Written> =
        std::mem::take(&mut manifest.packages)
            .into_iter()
            .map(|p| (p.folder.clone(), p))
            .collect();
    let units = crate::build::units(lowering.cat);
    // Each package's folder, input hash and whether its message is on disk, on all cores,
    // by release (what its DSPs' input hashes share is gathered once).
    let groups = crate::build::by_release(&units);
    let facts = crate::par_map(&groups, 8, |(rel, dsps)| {
        let upc = rel.upc.value.as_str();
        let mut input = inputs.inputs(rel, dsps);
        dsps.iter()
            .enumerate()
            .map(|(i, dsp)| {
                let folder = crate::build::folder_of(dsp, rel, lowering.now);
                let input = old
                    .get(&folder)
                    .and_then(|_| input.get_mut(i).map(std::mem::take))
                    .map(|h| {
                        let present = out.join(&folder).join(format!("{upc}.xml")).is_file();
                        (h, present)
                    });
                ((*dsp, *rel), (folder, input))
            })
            .collect::<Vec<_>>()
    });
    let (mut kept, mut todo, mut dropped) = (Vec::new(), Vec::new(), Vec::new());
    let mut missing = Vec::new();
    for (unit, (folder, input)) in facts.into_iter().flatten() {
        let same = old
            .get(&folder)
            .zip(input.as_ref())
            .is_some_and(|(w, (h, _))| w.input == *h);
        match (old.remove(&folder), input) {
            (Some(w), Some((_, true))) if same => kept.push(w),
            (other, _) => {
                if same {
                    missing.push(folder);
                }
                dropped.extend(other);
                todo.push(unit);
            }
        }
    }
    dropped.extend(old.into_values());
    Decision {
        kept,
        todo,
        dropped,
        tables: stale_tables(inputs, out, manifest),
        missing,
    }
}

/// Whether the rate table and statement configurations must be compiled again: what they
/// are compiled from changed, or they were deleted (their hash is then forgotten, so they are
/// written). Source files that changed in nothing the tables read (a title, a deal, artwork)
/// keep them, which the manifest then records.
fn stale_tables(inputs: &Inputs<'_>, out: &Path, manifest: &mut Manifest) -> bool {
    if !(out.join("rates/rates.csv").is_file() && out.join("statements").is_dir()) {
        manifest.tables.clear();
    }
    tables_stale(inputs, manifest)
}

/// [`stale_tables`], as the manifest says, without looking at the disk.
fn tables_stale(inputs: &Inputs<'_>, manifest: &mut Manifest) -> bool {
    if manifest.tables.is_empty() {
        return true;
    }
    let sources = inputs.sources();
    if manifest.sources == sources {
        return false;
    }
    if manifest.tables_from == inputs.tables_from() {
        manifest.sources = sources;
        return false;
    }
    true
}

/// Update the build in `out` in place: keep what `decision` keeps, build the rest into a
/// staging folder inside `out` and swap each package in whole, remove what is no longer
/// built. On failure the manifest is removed, so the next build starts afresh; every package
/// on disk is whole, old or new. Returns every package, and how many were built.
fn update(
    inputs: &Inputs<'_>,
    root: &Path,
    out: &Path,
    copy: bool,
    manifest: Manifest,
    decision: Decision<'_>,
    printer: &Printer,
) -> Result<(Manifest, usize), String> {
    let pid = std::process::id();
    let stage = out.join(format!(".sleeve-stage-{pid}"));
    let trash = out.join(format!(".sleeve-trash-{pid}"));
    // What an update that was killed left behind (not another running build's).
    for e in std::fs::read_dir(out).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = ["stage", "trash", "tmp"]
            .iter()
            .find_map(|k| name.strip_prefix(&format!(".sleeve-{k}-")))
        else {
            continue;
        };
        let owner = rest.split('-').next().unwrap_or_default();
        if !process_alive(owner) {
            let _ = std::fs::remove_dir_all(e.path());
            let _ = std::fs::remove_file(e.path());
        }
    }
    let places = Places {
        out,
        stage: &stage,
        trash: &trash,
    };
    // Until the new manifest is written, none: an update killed half-way leaves no manifest
    // describing files it replaced, and the next build starts afresh.
    let _ = std::fs::remove_file(out.join(MANIFEST));
    let result = update_into(inputs, root, copy, manifest, decision, places, printer);
    let _ = std::fs::remove_dir_all(&stage);
    let _ = std::fs::remove_dir_all(&trash);
    if result.is_err() {
        let _ = std::fs::remove_file(out.join(MANIFEST));
    }
    result
}

/// The output folder, and the staging and trash folders of an update inside it.
struct Places<'a> {
    out: &'a Path,
    stage: &'a Path,
    trash: &'a Path,
}

fn update_into(
    inputs: &Inputs<'_>,
    root: &Path,
    copy: bool,
    manifest: Manifest,
    decision: Decision<'_>,
    places: Places<'_>,
    printer: &Printer,
) -> Result<(Manifest, usize), String> {
    let Places { out, stage, trash } = places;
    let lowering = inputs.lowering;
    let Decision {
        kept,
        todo,
        dropped,
        tables,
        missing: _,
    } = decision;
    std::fs::create_dir_all(stage).map_err(|e| io_err(stage, e))?;
    // The tables (when asked for) are compiled beside the packages.
    let compiled = tables;
    let (built, tables) = crate::beside(
        || write_into(inputs, &todo, root, stage, copy, printer),
        || {
            if tables {
                write_tables(lowering.cat, stage, Some(&manifest.tables))
            } else {
                Ok(manifest.tables.clone())
            }
        },
    );
    let (built, tables) = (built?, tables?);

    // Swap the new packages in, and the releases' resource folders they link to.
    let mut trash = Trash {
        dir: trash,
        moved: 0,
    };
    let swap = |rel: &str, trash: &mut Trash| -> Result<(), String> {
        let (from, to) = (stage.join(rel), out.join(rel));
        let aside = trash.put(&to)?;
        let moved = to
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::rename(&from, &to));
        moved.map_err(|e| {
            // The old one goes back: the package is old or new, never missing.
            if let Some(aside) = aside {
                let _ = std::fs::rename(aside, &to);
            }
            io_err(&to, e)
        })
    };
    let mut stores = std::collections::BTreeSet::new();
    for p in &built {
        swap(&p.folder, &mut trash)?;
        if !copy && p.resources > 0 {
            stores.insert(p.upc.clone());
        }
    }
    for upc in &stores {
        swap(&format!(".resources/{upc}"), &mut trash)?;
    }
    // What is no longer built: packages, resource folders, batch markers.
    let built_folders: std::collections::HashSet<&str> =
        built.iter().map(|p| p.folder.as_str()).collect();
    let gone_packages: Vec<&Written> = dropped
        .iter()
        .filter(|p| !built_folders.contains(p.folder.as_str()))
        .collect();
    let mut gone = Vec::new();
    if !gone_packages.is_empty() {
        let linked: std::collections::HashSet<&str> = kept
            .iter()
            .chain(&built)
            .filter(|p| p.resources > 0)
            .map(|p| p.upc.as_str())
            .collect();
        for p in gone_packages {
            gone.push(p.folder.clone());
            if !copy && !linked.contains(p.upc.as_str()) {
                gone.push(format!(".resources/{}", p.upc));
            }
        }
    }
    let markers = crate::build::markers(lowering.cat, lowering.now);
    gone.extend(
        manifest
            .markers
            .iter()
            .filter(|m| !markers.iter().any(|(n, _)| n == *m))
            .cloned(),
    );
    gone.sort();
    gone.dedup();
    for rel in &gone {
        let path = out.join(rel);
        trash.put(&path)?;
        // Folders left empty (an old batch, a DSP no longer delivered to) go too.
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != out && d.starts_with(out)) {
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    let markers = write_markers(out, markers)?;

    // The tables, when what they are written from changed.
    if tables != manifest.tables {
        swap("rates", &mut trash)?;
        swap("statements", &mut trash)?;
    }
    let rebuilt = built.len();
    let mut all: Vec<Written> = kept;
    all.extend(built);
    // Top-level folders the last build wrote and this one does not (a DSP gone) go too.
    let owned = owned_names(copy, &markers, &all);
    for name in owned_before(out).difference(&owned) {
        if name != MARKER && name != MANIFEST && !name.contains('/') && !name.starts_with("..") {
            trash.put(&out.join(name))?;
        }
    }
    let (sources, tables_from) = if compiled {
        (inputs.sources(), inputs.tables_from().to_string())
    } else {
        (manifest.sources.clone(), manifest.tables_from.clone())
    };
    let from = (tables, sources, tables_from);
    Ok((finish(out, copy, from, markers, all)?, rebuilt))
}

/// Whether process `pid` (a decimal string) is running, as far as this system tells.
fn process_alive(pid: &str) -> bool {
    !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && Path::new("/proc").join(pid).exists()
}

/// Where an update moves what it replaces or removes, deleted at the end.
struct Trash<'a> {
    dir: &'a Path,
    moved: usize,
}

impl Trash<'_> {
    /// Move `path` (if anything is there) into the trash.
    /// Move `path` (if anything is there) into the trash; returns where it went.
    fn put(&mut self, path: &Path) -> Result<Option<PathBuf>, String> {
        if !(path.exists() || path.is_symlink()) {
            return Ok(None);
        }
        self.moved += 1;
        std::fs::create_dir_all(self.dir).map_err(|e| io_err(self.dir, e))?;
        let aside = self.dir.join(self.moved.to_string());
        std::fs::rename(path, &aside).map_err(|e| io_err(path, e))?;
        Ok(Some(aside))
    }
}

fn write_into(
    inputs: &Inputs<'_>,
    units: &[(&crate::model::Dsp, &crate::model::Release)],
    root: &Path,
    dir: &Path,
    copy: bool,
    printer: &Printer,
) -> Result<Vec<Written>, String> {
    let lowering = inputs.lowering;
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let placed = Placed::default();
    let failure: Mutex<Option<String>> = Mutex::new(None);
    let results: Mutex<Vec<Written>> = Mutex::new(Vec::with_capacity(units.len()));
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let total = units.len();
    // A worker takes a release with all its DSPs: lowered once, its lists written once.
    let groups = crate::build::by_release(units);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((rel, dsps)) = groups.get(i) else {
                        break;
                    };
                    if failure.lock().is_ok_and(|f| f.is_some()) {
                        break;
                    }
                    let mut input = inputs.inputs(rel, dsps);
                    for p in crate::build::packages_of(lowering, rel, dsps) {
                        if let Err(e) = write_package(&p, root, dir, copy, &placed) {
                            if let Ok(mut f) = failure.lock() {
                                f.get_or_insert(e);
                            }
                            break;
                        }
                        let Some(i) = dsps.iter().position(|d| d.id.value == p.dsp) else {
                            continue;
                        };
                        let written = Written {
                            input: input.get_mut(i).map(std::mem::take).unwrap_or_default(),
                            resources: p.resources.len(),
                            dsp: p.dsp,
                            release: p.release,
                            upc: p.upc,
                            folder: p.folder,
                            message_id: p.message_id,
                            content_hash: p.content_hash,
                            takedown: p.takedown,
                        };
                        if let Ok(mut r) = results.lock() {
                            r.push(written);
                        }
                        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                        if printer.stderr_is_tty && (n % 500 == 0 || n == total) {
                            printer.err(&format!("\r  building {n}/{total} packages"));
                        }
                    }
                }
            });
        }
    });
    if printer.stderr_is_tty && total > 0 {
        printer.err("\n");
    }
    if let (Ok(mut all), Ok(these)) = (inputs.linked.lock(), placed.linked.into_inner()) {
        all.extend(these);
    }
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(e);
    }
    Ok(results.into_inner().unwrap_or_default())
}

/// Where resources are placed from, shared by the threads of one build: which releases'
/// `.resources/<UPC>/` folders are filled, and for each source file that could not be
/// hard-linked, the copy to link to instead.
#[derive(Default)]
struct Placed {
    stores: Mutex<std::collections::HashSet<String>>,
    bases: Mutex<std::collections::HashMap<PathBuf, PathBuf>>,
    /// Source files linked (root-relative), once each: the link changed their change time.
    linked: Mutex<std::collections::HashSet<String>>,
}

impl Placed {
    /// Hard-link `src` at `dest`. When the link fails (another file system, or a file system's
    /// limit of links to one file, 65,000 on ext4: one cover or audio file shared by many
    /// releases reaches it), `src` is copied once and later resources are linked to that
    /// copy, so a build copies each source file at most once per limit reached.
    /// `key`: the source's root-relative path. A `dest` already there (placed by the build this
    /// one updates) is kept.
    fn link(&self, src: &Path, key: &str, dest: &Path) -> Result<(), String> {
        let base = self.bases.lock().ok().and_then(|b| b.get(src).cloned());
        match std::fs::hard_link(base.as_deref().unwrap_or(src), dest) {
            Ok(()) => {
                if base.is_none()
                    && let Ok(mut l) = self.linked.lock()
                    && !l.contains(key)
                {
                    l.insert(key.to_string());
                }
                return Ok(());
            }
            // Placed by an earlier build this one updates: kept, as the folder is.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
            Err(_) => {}
        }
        // One thread at a time from here: another may have made the copy meanwhile.
        let mut bases = self
            .bases
            .lock()
            .map_err(|_| "a build thread failed".to_string())?;
        if let Some(newer) = bases.get(src).filter(|b| Some(*b) != base.as_ref())
            && std::fs::hard_link(newer, dest).is_ok()
        {
            return Ok(());
        }
        std::fs::copy(src, dest).map_err(|e| io_err(dest, e))?;
        bases.insert(src.to_path_buf(), dest.to_path_buf());
        Ok(())
    }
}

fn write_package(
    p: &Package,
    root: &Path,
    dir: &Path,
    copy: bool,
    placed: &Placed,
) -> Result<(), String> {
    let folder = dir.join(&p.folder);
    std::fs::create_dir_all(&folder).map_err(|e| io_err(&folder, e))?;
    if !p.resources.is_empty() {
        if copy {
            std::fs::create_dir_all(folder.join("resources")).map_err(|e| io_err(&folder, e))?;
            for (rel, source) in &p.resources {
                let dest = folder.join(rel);
                std::fs::copy(root.join(source), &dest).map_err(|e| io_err(&dest, e))?;
            }
        } else {
            // One shared folder of links per release, whatever the number of DSPs.
            let store = dir.join(".resources").join(&p.upc);
            let first = placed
                .stores
                .lock()
                .is_ok_and(|mut s| s.insert(p.upc.clone()));
            if first {
                std::fs::create_dir_all(&store).map_err(|e| io_err(&store, e))?;
                for (rel, source) in &p.resources {
                    let name = rel.trim_start_matches("resources/");
                    placed.link(&root.join(source), source, &store.join(name))?;
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
/// configuration per payee): what `sleeve royalties` will apply, for review. Returns the
/// table's hash; nothing is written when it equals `unchanged`.
fn write_tables(
    cat: &crate::model::Catalogue,
    dir: &Path,
    unchanged: Option<&str>,
) -> Result<String, String> {
    let table = crate::royalties::rates::compile(cat);
    let period = cat
        .label
        .as_ref()
        .map_or("quarterly", |l| l.statement_period.as_str());
    let hash = crate::royalties::rates::table_hash(&table, period);
    if unchanged == Some(hash.as_str()) {
        return Ok(hash);
    }
    let rates = dir.join("rates");
    std::fs::create_dir_all(&rates).map_err(|e| io_err(&rates, e))?;
    let put = |p: PathBuf, text: String| std::fs::write(&p, text).map_err(|e| io_err(&p, e));
    // The rate table of a large catalogue is hundreds of MB: streamed to its files.
    let stream =
        |p: PathBuf,
         write: &dyn Fn(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>| {
            let file = std::fs::File::create(&p).map_err(|e| io_err(&p, e))?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
            write(&mut w)
                .and_then(|()| std::io::Write::flush(&mut w))
                .map_err(|e| io_err(&p, e))
        };
    stream(rates.join("rates.csv"), &|w| {
        crate::royalties::rates::to_csv(&table, w)
    })?;
    let statements = dir.join("statements");
    std::fs::create_dir_all(&statements).map_err(|e| io_err(&statements, e))?;
    for (i, p) in table.payees.iter().enumerate() {
        put(
            statements.join(format!("{}.json", p.id)),
            crate::royalties::rates::statement_config(&table, i as u32, period),
        )?;
    }
    Ok(hash)
}

/// What a [`Live`] update is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// After a save: the packages the edit can change.
    Save,
    /// Answering `sleeve build`: the output as the command would leave it — also the
    /// packages missing on disk, and the tables when what they are compiled from changed.
    Command,
}

/// A build kept up to date by `sleeve watch --build`. After a check without errors, an
/// incremental check's edit rebuilds only the packages of the releases it can have changed
/// (the releases of the judged files, and those listing their recordings), compared by input
/// hash with the manifest kept in memory; anything else updates the whole output as
/// `sleeve build` does. An incremental update leaves the rate table and statement
/// configurations to `sleeve build` (answered by the watch, or run by itself; a full update
/// here writes them): compiling the table takes about a second on a large catalogue, and
/// most edits (titles, deals, artwork) do not change what it is compiled from.
pub struct Live {
    root: PathBuf,
    out: PathBuf,
    /// [`crate::build::file_hashes`] of the session's sources, as of the last update.
    file_hashes: Vec<String>,
    /// The output's manifest, as of the last update, with the size and time of its file
    /// then: when the file differs (another build wrote there), it is read again.
    manifest: Option<(Manifest, Option<(u64, std::time::SystemTime)>)>,
    /// Files judged by checks whose build was skipped (they had errors): rebuilt with the
    /// next edit's. `None` inside: a full check was skipped, so everything is compared.
    pending: Option<Option<std::collections::BTreeSet<crate::source::FileId>>>,
    /// Media files hard-linked by updates, for the world's media store ([`Live::take_linked`]).
    linked: Vec<String>,
    /// The day of the last update: on another day every package is compared again (deals
    /// start and end by date), whatever an edit judged.
    day: Option<crate::model::date::Date>,
    /// The batch id of the last update, when a DSP takes batch deliveries.
    batch: Option<String>,
    /// How long the last update took.
    took: std::time::Duration,
    /// [`crate::royalties::rates::table_inputs`] of every file, as of the last update: an
    /// edit that leaves them the same keeps the tables as compiled.
    table_inputs: std::collections::HashMap<crate::source::FileId, u64>,
    /// Each package's input hash as the last answered `sleeve build` reported the output
    /// (at first, as the manifest on disk said), and the packages built since although
    /// their input was unchanged (missing on disk, or all of a fresh output): what a
    /// one-shot build run now would count as written ([`Live::written_since_report`]).
    reported: Option<std::collections::HashMap<String, String>>,
    forced: std::collections::HashSet<String>,
}

impl Live {
    /// The media files updates hard-linked since the last call.
    pub fn take_linked(&mut self) -> Vec<String> {
        std::mem::take(&mut self.linked)
    }

    pub fn new(root: PathBuf, out: PathBuf) -> Live {
        Live {
            root,
            out,
            file_hashes: Vec::new(),
            manifest: None,
            pending: None,
            linked: Vec::new(),
            day: None,
            batch: None,
            took: std::time::Duration::ZERO,
            table_inputs: std::collections::HashMap::new(),
            reported: None,
            forced: std::collections::HashSet::new(),
        }
    }

    /// How many packages a one-shot `sleeve build` run now would write, had nothing built
    /// since the last answered build ([`Live::reported`]): those whose input hash differs
    /// from the one reported then, or that were built again although it did not. A package
    /// edited and edited back counts as unchanged, as it would for that build.
    pub fn written_since_report(&self) -> usize {
        let packages = self.manifest.as_ref().map_or(&[][..], |(m, _)| &m.packages);
        let empty = std::collections::HashMap::new();
        let reported = self.reported.as_ref().unwrap_or(&empty);
        packages
            .iter()
            .filter(|p| {
                reported.get(&p.folder) != Some(&p.input) || self.forced.contains(&p.folder)
            })
            .count()
    }

    /// The output as it is now was reported by an answered build.
    pub fn mark_reported(&mut self) {
        let packages = self.manifest.as_ref().map_or(&[][..], |(m, _)| &m.packages);
        self.reported = Some(inputs_of(packages));
        self.forced.clear();
    }

    /// A check had errors, so nothing was built: what it judged is built with the next.
    pub fn skip(&mut self, judged: Option<&std::collections::BTreeSet<crate::source::FileId>>) {
        self.pending = Some(self.with_pending(judged));
    }

    /// `judged` with what skipped checks judged (taken); `None` when either is everything.
    fn with_pending(
        &mut self,
        judged: Option<&std::collections::BTreeSet<crate::source::FileId>>,
    ) -> Option<std::collections::BTreeSet<crate::source::FileId>> {
        match (self.pending.take(), judged) {
            (None, j) => j.cloned(),
            (Some(Some(mut p)), Some(j)) => {
                p.extend(j.iter().copied());
                Some(p)
            }
            _ => None,
        }
    }

    /// Whether the output's manifest changed on disk since the last update: another build
    /// wrote it (or it was deleted).
    pub fn written_elsewhere(&self) -> bool {
        self.manifest
            .as_ref()
            .is_some_and(|(_, stamp)| *stamp != self.stamp())
    }

    /// The manifest file's size and time, to tell whether another build wrote it.
    fn stamp(&self) -> Option<(u64, std::time::SystemTime)> {
        let m = std::fs::metadata(self.out.join(MANIFEST)).ok()?;
        Some((m.len(), m.modified().ok()?))
    }

    /// Bring the output up to date with `session`; `judged` is what its last update judged
    /// again (`None` after a full check). Returns how many packages were built.
    pub fn update(
        &mut self,
        session: &crate::incremental::Session,
        judged: Option<&std::collections::BTreeSet<crate::source::FileId>>,
        now: i64,
        printer: &Printer,
        purpose: Purpose,
    ) -> Result<usize, String> {
        let start = std::time::Instant::now();
        let cat = session.catalogue();
        let label = cat.label.as_ref().ok_or("the catalogue has no label")?;
        let lowering = Lowering {
            cat,
            label,
            media: session.media(),
            now,
            sequence: 0,
        };
        let sources = session.sources();
        // What skipped checks judged is judged now too; a skipped full check, everything.
        let judged = self.with_pending(judged);
        let ours = self
            .manifest
            .as_ref()
            .is_some_and(|(_, stamp)| stamp.is_some() && *stamp == self.stamp());
        let today = crate::model::date::Date::from_unix(now);
        let same_day = self.day == Some(today);
        // A batch DSP's packages go into a folder named by the time: a new batch moves them
        // all, as `sleeve build` does.
        let batch = cat
            .dsps
            .values()
            .find_map(|d| crate::build::batch_of(d, now));
        let same_batch = self.batch == batch;
        let incremental = judged
            .filter(|_| ours && same_day && same_batch && self.file_hashes.len() == sources.len());
        let (result, linked, missing, fresh) = match incremental {
            Some(judged) => {
                let judged = &judged;
                for f in judged {
                    self.table_inputs.remove(f);
                }
                let table_inputs = crate::royalties::rates::table_inputs(cat, Some(judged));
                self.table_inputs.extend(table_inputs);
                for f in judged {
                    if let (Some(h), Some(src)) =
                        (self.file_hashes.get_mut(f.0 as usize), sources.get(*f))
                    {
                        *h = crate::build::file_hash(&src.text);
                    }
                }
                let inputs = Inputs::new(
                    &lowering,
                    sources,
                    &self.file_hashes,
                    Some(&self.table_inputs),
                );
                let (mut manifest, _) = self.manifest.take().ok_or("no manifest")?;
                let mut decision = decide_edited(&inputs, &mut manifest, judged);
                let recorded = manifest.sources.clone();
                let mut markers_missing = false;
                if purpose == Purpose::Command {
                    missing_on_disk(&mut decision, cat, &self.out);
                    decision.tables = stale_tables(&inputs, &self.out, &mut manifest);
                    markers_missing = crate::build::markers(cat, now)
                        .iter()
                        .any(|(path, _)| !self.out.join(path).is_file());
                } else {
                    // When the tables stand for the edited files too, the manifest written
                    // now says so, and the `sleeve build` answered next need not write it.
                    tables_stale(&inputs, &mut manifest);
                }
                // The tables stand for the edited files too: the manifest says so.
                let carried = manifest.sources != recorded;
                let idle = decision.todo.is_empty()
                    && decision.dropped.is_empty()
                    && !carried
                    && !markers_missing;
                let missing = std::mem::take(&mut decision.missing);
                let result = if idle && !decision.tables {
                    // Nothing to write: the output and its manifest are as they were.
                    manifest.packages = decision.kept;
                    manifest.packages.sort_by(|a, b| a.folder.cmp(&b.folder));
                    Ok((manifest, 0))
                } else {
                    update(
                        &inputs, &self.root, &self.out, false, manifest, decision, printer,
                    )
                };
                (result, inputs.linked, missing, false)
            }
            None => {
                self.file_hashes = crate::build::file_hashes(sources);
                self.table_inputs = crate::royalties::rates::table_inputs(cat, None);
                let inputs = Inputs::new(
                    &lowering,
                    sources,
                    &self.file_hashes,
                    Some(&self.table_inputs),
                );
                let on_disk = read_manifest(&self.out, false);
                if self.reported.is_none() {
                    self.reported = Some(
                        on_disk
                            .as_ref()
                            .map(|m| inputs_of(&m.packages))
                            .unwrap_or_default(),
                    );
                }
                let (result, missing, fresh) = match on_disk {
                    Some(mut m) => {
                        let mut decision = decide(&inputs, &self.out, &mut m);
                        let missing = std::mem::take(&mut decision.missing);
                        let r = update(&inputs, &self.root, &self.out, false, m, decision, printer);
                        (r, missing, false)
                    }
                    None => {
                        let mut timings = Timings::new(false);
                        let r = write(&inputs, &self.root, &self.out, false, printer, &mut timings);
                        (r, Vec::new(), true)
                    }
                };
                (result, inputs.linked, missing, fresh)
            }
        };
        self.linked.extend(linked.into_inner().unwrap_or_default());
        let (manifest, built) = result?;
        self.forced.extend(missing);
        if fresh {
            self.forced
                .extend(manifest.packages.iter().map(|p| p.folder.clone()));
        }
        self.manifest = Some((manifest, self.stamp()));
        self.day = Some(today);
        self.batch = batch;
        self.took = start.elapsed();
        Ok(built)
    }

    /// The watch's line after an update that built `built` packages.
    pub fn line(&self, built: usize) -> String {
        let total = self.manifest.as_ref().map_or(0, |(m, _)| m.packages.len());
        format!(
            "built {built} of {total} packages in `{}` ({} ms)\n",
            self.out.display(),
            self.took.as_millis()
        )
    }

    /// Whether this build writes to `out` as `sleeve build --out OUT` would (no `--copy`).
    pub fn writes_to(&self, out: &Path) -> bool {
        let canon = |p: &Path| std::fs::canonicalize(p).ok();
        canon(&self.out).is_some_and(|o| Some(o) == canon(out))
    }

    /// `sleeve build`'s summary of the output as last updated, `rebuilt` packages of it just
    /// built; `out` is the folder as the command named it.
    pub fn summary(&self, rebuilt: usize, out: &Path, format: Format, printer: &Printer) {
        let packages = self.manifest.as_ref().map_or(&[][..], |(m, _)| &m.packages);
        summary(packages, rebuilt, out, format, printer);
    }
}

/// Each package's folder → its input hash.
fn inputs_of(packages: &[Written]) -> std::collections::HashMap<String, String> {
    packages
        .iter()
        .map(|p| (p.folder.clone(), p.input.clone()))
        .collect()
}

/// Packages `decision` keeps whose message is missing on disk are built again, as
/// [`decide`] finds them (the output folder is not watched: it may have been deleted).
fn missing_on_disk<'c>(decision: &mut Decision<'c>, cat: &'c crate::model::Catalogue, out: &Path) {
    let present = crate::par_map(&decision.kept, 8, |w| {
        out.join(&w.folder).join(format!("{}.xml", w.upc)).is_file()
    });
    let kept = std::mem::take(&mut decision.kept);
    for (w, present) in kept.into_iter().zip(present) {
        if present {
            decision.kept.push(w);
            continue;
        }
        if let (Some(dsp), Some(rel)) = (cat.dsps.get(&w.dsp), cat.releases.get(&w.release)) {
            decision.todo.push((&**dsp, &**rel));
            decision.missing.push(w.folder.clone());
        }
        decision.dropped.push(w);
    }
}

/// After an edit of `judged` files: the packages of the releases declared in them or listing
/// recordings declared in them are compared by input hash; every other package is kept.
fn decide_edited<'c>(
    inputs: &Inputs<'c>,
    manifest: &mut Manifest,
    judged: &std::collections::BTreeSet<crate::source::FileId>,
) -> Decision<'c> {
    let lowering = inputs.lowering;
    let cat = lowering.cat;
    let recordings: std::collections::HashSet<&str> = cat
        .recordings
        .values()
        .filter(|r| judged.contains(&r.file))
        .map(|r| r.id.value.as_str())
        .collect();
    let touched: std::collections::BTreeSet<&str> = cat
        .releases
        .values()
        .filter(|r| {
            judged.contains(&r.file)
                || (!recordings.is_empty()
                    && r.tracks()
                        .any(|(_, _, t)| recordings.contains(t.value.as_str())))
        })
        .map(|r| r.id.value.as_str())
        .collect();
    let (mut old, kept): (Vec<Written>, Vec<Written>) = std::mem::take(&mut manifest.packages)
        .into_iter()
        .partition(|p| touched.contains(p.release.as_str()));
    let mut kept = kept;
    let mut todo = Vec::new();
    for id in &touched {
        let Some(rel) = cat.releases.get(*id) else {
            continue;
        };
        for dsp in cat.dsps.values() {
            if crate::lower::deals_for(rel, &dsp.id.value).is_empty() {
                continue;
            }
            let folder = crate::build::folder_of(dsp, rel, lowering.now);
            let same = old.iter().position(|w| w.folder == folder);
            match same {
                Some(i) if old[i].input == inputs.input(dsp, rel) => kept.push(old.swap_remove(i)),
                _ => todo.push((&**dsp, &**rel)),
            }
        }
    }
    Decision {
        kept,
        todo,
        dropped: old,
        tables: false,
        missing: Vec::new(),
    }
}
