//! `sleeve royalties` and `sleeve trace`: sales reports in, statements, suspense, ledger out.
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use super::Exit;
use super::check::report;
use super::printer::Printer;
use super::system_world::SystemWorld;
use crate::diag::codes;
use crate::diag::render::Format;
use crate::model::period::Period;
use crate::model::{Catalogue, ReportFormat};
use crate::royalties::engine::{self, Accounts};
use crate::royalties::input::{ProblemKind, Reader, SourceFile};
use crate::royalties::ledger::{Ledger, LedgerError};
use crate::royalties::rates::{self, RateTable};
use crate::royalties::run::{self, RunResult};
use crate::royalties::{output, statement};
use sha2::Digest;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoyaltyFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The catalogue's root folder (inside a git repository: the ledger lives there).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Statement period: `2025-Q2` (quarterly labels) or `2025-H1` (semi-annual).
    #[arg(long)]
    period: String,
    /// Report files or folders (read recursively); gzipped files are read transparently.
    #[arg(long, num_args = 1.., required = true)]
    reports: Vec<PathBuf>,
    /// Where statements go; default `PATH/statements/<period>` (beside `out/`, which `build` replaces).
    #[arg(long)]
    out: Option<PathBuf>,
    /// `human`: a summary on standard error; `json`: one object on standard output (the
    /// reconciliation contract is in docs/royalties.md).
    #[arg(long, value_enum, default_value = "human")]
    format: RoyaltyFormat,
    /// Account the ledger's last period again: its run is reversed and re-posted.
    #[arg(long)]
    replace: bool,
    /// Compute and write statements, but do not record the run in the ledger.
    #[arg(long)]
    dry_run: bool,
    /// Print the time each stage took (for benchmarks).
    #[arg(long, hide = true)]
    timings: bool,
}

#[derive(Debug, clap::Args)]
pub struct TraceArgs {
    /// Payee (party id).
    payee: String,
    /// ISRC of the track.
    isrc: String,
    /// The catalogue's root folder.
    #[arg(long, default_value = ".")]
    path: PathBuf,
    /// Statement period in the ledger.
    #[arg(long)]
    period: String,
}

use super::deliver::fail;

/// A reader for `table` that knows the catalogue's DSPs by their party ids.
fn reader_for<'a>(cat: &Catalogue, table: &'a RateTable) -> Reader<'a> {
    let mut reader = Reader::new(table, cat.royalties.fallback_title_artist);
    for (id, d) in &cat.dsps {
        reader
            .dsp_by_party
            .insert(d.party_id.as_str().to_string(), id.clone());
    }
    reader
}

fn ledger_fail(printer: &Printer, e: &LedgerError) -> Exit {
    let code = match e {
        LedgerError::State(crate::state::git::StateError::NotARepository(_)) => {
            codes::NOT_A_REPOSITORY
        }
        _ => codes::LEDGER_FAILED,
    };
    fail(printer, code, &e.to_string(), &e.help())
}

/// Maps of the catalogue that can be emptied once the rate table is compiled.
trait Clear {
    fn clear_all(&mut self);
}

impl<K, V> Clear for std::collections::BTreeMap<K, V> {
    fn clear_all(&mut self) {
        self.clear();
    }
}

/// Where a report's hash and size land once it has been read.
type HashSlot = std::rc::Rc<std::cell::RefCell<Option<(String, u64)>>>;

/// Counts bytes and hashes them as they are read.
struct Tee<R> {
    inner: R,
    hasher: sha2::Sha256,
    read: u64,
    bar: Option<indicatif::ProgressBar>,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(b) = buf.get(..n) {
            self.hasher.update(b);
        }
        self.read += n as u64;
        if let Some(bar) = &self.bar {
            bar.set_position(self.read);
        }
        Ok(n)
    }
}

/// Every file under the given paths, sorted within each folder.
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    fn walk(p: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        let meta = std::fs::metadata(p).map_err(|e| format!("`{}`: {e}", p.display()))?;
        if meta.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("`{}`: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    !p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                })
                .collect();
            entries.sort();
            for e in entries {
                walk(&e, out)?;
            }
        } else {
            out.push(p.to_path_buf());
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        walk(p, &mut out)?;
    }
    Ok(out)
}

/// `*` and `?` wildcards over a file name.
fn glob(pattern: &str, name: &str) -> bool {
    fn m(p: &[u8], n: &[u8]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => m(&p[1..], n) || (!n.is_empty() && m(p, &n[1..])),
            (Some(b'?'), Some(_)) => m(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => m(&p[1..], &n[1..]),
            _ => false,
        }
    }
    m(pattern.as_bytes(), name.as_bytes())
}

fn open_report(
    path: &Path,
    bar: Option<indicatif::ProgressBar>,
) -> std::io::Result<(Box<dyn BufRead>, HashSlot)> {
    let file = std::fs::File::open(path)?;
    let tee = Tee {
        inner: file,
        hasher: sha2::Sha256::new(),
        read: 0,
        bar,
    };
    // The hash is taken when the reader is dropped at the end of the file.
    let slot = std::rc::Rc::new(std::cell::RefCell::new(None));
    let tee = Finish {
        tee: Some(tee),
        slot: slot.clone(),
    };
    let mut buffered = BufReader::with_capacity(1 << 16, tee);
    let gz = buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn BufRead> = if gz {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(buffered),
        ))
    } else {
        Box::new(buffered)
    };
    Ok((reader, slot))
}

/// Reads through, then leaves the hash and size in `slot` when dropped.
struct Finish<R> {
    tee: Option<Tee<R>>,
    slot: HashSlot,
}

impl<R: Read> Read for Finish<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match &mut self.tee {
            Some(t) => t.read(buf),
            None => Ok(0),
        }
    }
}

impl<R> Drop for Finish<R> {
    fn drop(&mut self) {
        if let Some(t) = self.tee.take() {
            let hex = crate::lower::hex(&t.hasher.finalize());
            *self.slot.borrow_mut() = Some((hex, t.read));
        }
    }
}

/// Hash of the whole file (what is left after reading is hashed too).
fn drain_hash(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(buf.get(..n).unwrap_or_default());
    }
    Ok(crate::lower::hex(&h.finalize()))
}

struct Loaded<'a> {
    reader: Reader<'a>,
    accounts: Accounts,
    hashes: Vec<String>,
}

/// Read every report and account its lines, file by file (a file's pools are dropped once
/// shared, so memory follows the largest file, not the sum).
fn load<'a>(
    cat: &Catalogue,
    table: &'a RateTable,
    files: &[PathBuf],
    root: &Path,
    open_suspense: &[crate::royalties::engine::SuspenseItem],
    printer: &Printer,
    progress: bool,
) -> Result<Loaded<'a>, Exit> {
    let mut reader = reader_for(cat, table);
    let mut accounts = Accounts::default();
    accounts.release_suspense(&mut reader, open_suspense);
    let mut hashes: Vec<String> = Vec::new();
    let formats: Vec<&ReportFormat> = cat.royalties.formats.values().collect();
    for path in files {
        let shown = path
            .strip_prefix(root)
            .map_or_else(|_| path.display().to_string(), |p| p.display().to_string());
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let bar = progress.then(|| {
            let b = indicatif::ProgressBar::new(size);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg:40!} {bar:30} {bytes}/{total_bytes} {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b.set_message(shown.clone());
            b
        });
        if !progress {
            printer.err(&format!("reading {shown}\n"));
        }
        let (mut input, slot) = match open_report(path, bar.clone()) {
            Ok(r) => r,
            Err(e) => {
                return Err(fail(
                    printer,
                    codes::REPORT_UNREADABLE,
                    &format!("cannot open `{shown}`: {e}"),
                    "check the path and the file's permissions",
                ));
            }
        };
        let head = input
            .fill_buf()
            .map(|b| b.starts_with(b"HEAD\t"))
            .unwrap_or(false);
        let source = SourceFile::new(&shown, "");
        let file_index = reader.files.len();
        if head {
            reader.read_dsr(source, &mut *input);
        } else if let Some(f) = formats.iter().find(|f| glob(&f.files, &name)) {
            let dsp = cat
                .dsps
                .get(&f.dsp)
                .map_or(f.dsp.clone(), |d| d.name.clone());
            reader.read_csv(source, f, &dsp, &mut *input);
        } else {
            return Err(fail(
                printer,
                codes::REPORT_UNREADABLE,
                &format!(
                    "`{shown}` is neither a DDEX DSR file (first record `HEAD`) nor matched by a format's `files` pattern"
                ),
                "add a `[formats.<id>]` table to `royalties.toml` whose `files` pattern matches the file name",
            ));
        }
        drop(input);
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        let hash = match slot.borrow_mut().take() {
            Some((h, read)) if read == size => h,
            _ => drain_hash(path).unwrap_or_default(),
        };
        if let Some(f) = reader.files.get_mut(file_index) {
            f.sha256 = hash.clone();
        }
        if hashes.contains(&hash) {
            return Err(fail(
                printer,
                codes::REPORT_DUPLICATE,
                &format!(
                    "`{shown}` has the same content as another report given (sha256 {})",
                    hash.get(..12).unwrap_or("")
                ),
                "give each report once",
            ));
        }
        hashes.push(hash);
        accounts.account_pools(&mut reader);
    }
    Ok(Loaded {
        reader,
        accounts,
        hashes,
    })
}

/// Print problems found in the reports; `true` when one stops the run.
fn report_problems(reader: &Reader<'_>, printer: &Printer) -> bool {
    let mut fatal = false;
    let mut shown_per_file: std::collections::HashMap<u32, usize> = Default::default();
    let mut hidden = 0usize;
    for p in &reader.problems {
        let (code, sev) = match p.kind {
            ProblemKind::Unreadable => (codes::REPORT_UNREADABLE, "error"),
            ProblemKind::Rejected => (codes::REPORT_LINE_REJECTED, "warning"),
            ProblemKind::Counts => (codes::REPORT_COUNTS_MISMATCH, "warning"),
            ProblemKind::Indirect => (codes::INDIRECT_REVENUE, "warning"),
        };
        if p.kind == ProblemKind::Unreadable {
            fatal = true;
        }
        let n = shown_per_file.entry(p.file).or_default();
        *n += 1;
        if *n > 20 && p.kind == ProblemKind::Rejected {
            hidden += 1;
            continue;
        }
        let file = reader
            .files
            .get(p.file as usize)
            .map_or("?", |f| f.path.as_str());
        let help = match p.kind {
            ProblemKind::Unreadable => {
                "check the file is complete (a gzip stream may be truncated) and is the report you meant"
            }
            ProblemKind::Rejected => {
                "the line is in `rejects.tsv` and its amount in `rejected`; ask the service for a corrected report"
            }
            ProblemKind::Counts => "ask the service for the complete file",
            ProblemKind::Indirect => {
                "indirect revenue needs a contractual policy; it is not distributed"
            }
        };
        printer.err(&format!(
            "{sev}[{}] {}: {file}:{}: {}\n  help: {help}\n",
            code.code, code.name, p.line, p.message
        ));
    }
    if hidden > 0 {
        printer.err(&format!(
            "… and {hidden} more rejected lines, all in `rejects.tsv`\n"
        ));
    }
    fatal
}

/// Resident and peak memory, for `--timings` (Linux; empty elsewhere).
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().trim_end_matches(" kB").trim().to_string())
            .and_then(|v| v.parse::<u64>().ok())
    };
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let ticks: Vec<u64> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse().ok())
        .collect();
    // Clock ticks (1/100 s) as seconds.
    let secs = |t: Option<&u64>| {
        let t = t.copied().unwrap_or(0);
        format!("{}.{:02}", t / 100, t % 100)
    };
    let (user, sys) = (secs(ticks.first()), secs(ticks.get(1)));
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(rss), Some(peak)) => format!(
            " (cpu so far {user} s user + {sys} s system, resident {} MB, peak {} MB)",
            rss / 1024,
            peak / 1024
        ),
        _ => String::new(),
    }
}

pub fn run(args: Args, printer: &Printer) -> Exit {
    let mut clock = std::time::Instant::now();
    let mut stage = |name: &str| {
        if args.timings {
            printer.err(&format!(
                "timing {name}: {:.3} s{}\n",
                clock.elapsed().as_secs_f64(),
                memory()
            ));
            clock = std::time::Instant::now();
        }
    };
    let world = SystemWorld::new(args.path.clone());
    let mut checked = crate::check_catalogue(&world);
    let errors = checked.diagnostics.error_count();
    report(&mut checked, &args.path, Format::Human, printer, false);
    let Some(label) = checked.catalogue.label.clone() else {
        return Exit::Failure;
    };
    if errors > 0 {
        printer.err("error: the catalogue has errors; fix them before accounting royalties\n");
        return Exit::Failure;
    }
    let Some(period) = Period::parse(&args.period) else {
        return fail(
            printer,
            codes::INVALID_PERIOD,
            &format!("`{}` is not a statement period", args.period),
            "write a quarter such as `2025-Q2` or a half-year such as `2025-H1`",
        );
    };
    if period.kind != label.statement_period {
        return fail(
            printer,
            codes::PERIOD_REFUSED,
            &format!(
                "{period} is not a {} period, as `statement-period` in sleeve.toml says",
                label.statement_period.as_str()
            ),
            "give a period of the label's kind: quarters (`2025-Q2`) or halves (`2025-H1`)",
        );
    }
    let ledger = match Ledger::open(&args.path) {
        Ok(l) => l,
        Err(e) => return ledger_fail(printer, &e),
    };
    let head = match ledger.head() {
        Ok(h) => h,
        Err(e) => return ledger_fail(printer, &e),
    };
    let pname = period.to_string();
    let last = head.balances.periods.last().and_then(|p| Period::parse(p));
    let before = if head.balances.periods.contains(&pname) {
        if !args.replace {
            return fail(
                printer,
                codes::PERIOD_REFUSED,
                &format!("{pname} is already in the ledger"),
                "run the next period; to account this one again (reversing its run), add `--replace`",
            );
        }
        if last != Some(period) {
            return fail(
                printer,
                codes::PERIOD_REFUSED,
                &format!("{pname} is not the ledger's last period; later periods continue from it"),
                "only the last period can be replaced",
            );
        }
        match head.before.clone() {
            Some(b) => b,
            None => {
                return fail(
                    printer,
                    codes::LEDGER_FAILED,
                    "the ledger has no `before.json` to replace the last run from",
                    "inspect the ledger with `git log`",
                );
            }
        }
    } else {
        if let Some(l) = last
            && period < l
        {
            return fail(
                printer,
                codes::PERIOD_REFUSED,
                &format!("{pname} comes before the ledger's last period, {l}"),
                "closed statements are never rewritten: account late income in the current period",
            );
        }
        head.balances.clone()
    };
    stage("check");
    let table = rates::compile(&checked.catalogue);
    stage("compile");
    // The rate table holds what the run needs: free the catalogue's files and entities
    // before the reports are read (peak memory is what a large run is bounded by).
    let catalogue_files = checked.sources.len();
    checked.sources = crate::source::SourceMap::default();
    checked.media = Default::default();
    for map in [
        &mut checked.catalogue.parties as &mut dyn Clear,
        &mut checked.catalogue.recordings,
        &mut checked.catalogue.releases,
        &mut checked.catalogue.contracts,
    ] {
        map.clear_all();
    }
    let cat = &checked.catalogue;
    stage("rate table");
    let files = match collect(&args.reports) {
        Ok(f) if !f.is_empty() => f,
        Ok(_) => {
            return fail(
                printer,
                codes::REPORT_UNREADABLE,
                "no report files under the given paths",
                "give report files or folders with `--reports`",
            );
        }
        Err(e) => {
            return fail(
                printer,
                codes::REPORT_UNREADABLE,
                &format!("cannot read {e}"),
                "check the paths given to `--reports`",
            );
        }
    };
    let progress = std::io::stderr().is_terminal() && args.format == RoyaltyFormat::Human;
    let mut loaded = match load(
        cat,
        &table,
        &files,
        &args.path,
        &before.suspense,
        printer,
        progress,
    ) {
        Ok(l) => l,
        Err(e) => return e,
    };
    stage("read and account");
    if report_problems(&loaded.reader, printer) {
        printer.err("error: a report could not be read; nothing was recorded\n");
        return Exit::Failure;
    }
    let mut seen = std::collections::BTreeSet::new();
    for f in &loaded.reader.files {
        let Some(k) = f.message_key() else { continue };
        if let Some(p) = before.messages.get(&k) {
            return fail(
                printer,
                codes::REPORT_DUPLICATE,
                &format!(
                    "`{}` is DSR message {} (file {}) from {}, already accounted in {p}",
                    f.path, f.message_id, f.file_number, f.sender
                ),
                "a corrected report replaces the original: run that period again with `--replace`, giving the corrected file instead",
            );
        }
        if !seen.insert(k) {
            return fail(
                printer,
                codes::REPORT_DUPLICATE,
                &format!(
                    "`{}` repeats DSR message {} (file {}) from {}, given twice",
                    f.path, f.message_id, f.file_number, f.sender
                ),
                "give each report file once (keep the corrected one)",
            );
        }
    }
    for (h, f) in loaded.hashes.iter().zip(&loaded.reader.files) {
        if let Some(p) = before.reports.get(h) {
            return fail(
                printer,
                codes::REPORT_DUPLICATE,
                &format!("`{}` was already accounted in {p}", f.path),
                "remove it from `--reports`; to account that period again, use `--replace`",
            );
        }
    }
    let result = match run::finish(
        &loaded.reader,
        &mut loaded.accounts,
        &before,
        period,
        &cat.royalties.fx,
        &loaded.hashes,
    ) {
        Ok(r) => r,
        Err(run::RunError::Close(statement::CloseError::MissingFx { from, to, period })) => {
            return fail(
                printer,
                codes::MISSING_FX_RATE,
                &format!("no exchange rate from {from} to {to} for {period}"),
                &format!(
                    "add to royalties.toml: [[fx]] from = \"{from}\", to = \"{to}\", period = \"{period}\", rate = \"…\""
                ),
            );
        }
        Err(run::RunError::Close(statement::CloseError::NotConserved(why))) => {
            return fail(
                printer,
                codes::MONEY_NOT_CONSERVED,
                &why,
                "nothing was recorded; please report this bug",
            );
        }
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.path.join("statements").join(&pname));
    stage("close");
    let written = match write_outputs(&out, &result, &loaded.accounts, &loaded.reader, &label.name)
    {
        Ok(w) => w,
        Err(e) => {
            return fail(
                printer,
                codes::WRITE_FAILED,
                &e,
                "check that the output folder is writable and has free space",
            );
        }
    };
    stage("write");
    let mut commit = None;
    if !args.dry_run {
        let run_json = serde_json::json!({
            "version": 1,
            "period": pname,
            "replaced": args.replace && head.balances.periods.contains(&pname),
            "reports": loaded.reader.files,
            "catalogue_files": catalogue_files,
            "reconciliation": output::reconciliation_json(&result.reconciliation),
        });
        let files = vec![
            (
                "run.json".to_string(),
                (serde_json::to_string_pretty(&run_json).unwrap_or_default() + "\n").into_bytes(),
            ),
            (
                "facts.csv".to_string(),
                // As written into the output folder a moment ago.
                match std::fs::read(out.join("facts.csv")) {
                    Ok(b) => b,
                    Err(e) => {
                        return fail(
                            printer,
                            codes::WRITE_FAILED,
                            &format!(
                                "cannot read back `{}`: {e}",
                                out.join("facts.csv").display()
                            ),
                            "check that nothing else writes into the output folder",
                        );
                    }
                },
            ),
            (
                "statements.json".to_string(),
                (serde_json::to_string_pretty(&result.statements).unwrap_or_default() + "\n")
                    .into_bytes(),
            ),
            (
                "suspense.json".to_string(),
                (serde_json::to_string_pretty(&result.suspense_new).unwrap_or_default() + "\n")
                    .into_bytes(),
            ),
        ];
        let message = if args.replace && head.balances.periods.contains(&pname) {
            format!("royalties {pname} (replaces the earlier run)")
        } else {
            format!("royalties {pname}")
        };
        match ledger.record(
            head.commit,
            &before,
            &result.balances,
            &pname,
            files,
            &message,
        ) {
            Ok(c) => commit = Some(c.to_string()),
            Err(e) => return ledger_fail(printer, &e),
        }
    }
    summary(
        &args,
        &result,
        &loaded.reader,
        &out,
        &written,
        commit.as_deref(),
        printer,
    );
    Exit::Success
}

/// Write every output into a fresh folder and swap it in.
fn write_outputs(
    out: &Path,
    r: &RunResult,
    accounts: &Accounts,
    reader: &Reader<'_>,
    label: &str,
) -> Result<usize, String> {
    let parent = out.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
    let tmp = parent.join(format!(
        ".{}.tmp",
        out.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(tmp.join("statements"))
        .map_err(|e| format!("cannot create `{}`: {e}", tmp.display()))?;
    let n = std::sync::atomic::AtomicUsize::new(0);
    let put = |rel: String, bytes: &[u8]| -> Result<(), String> {
        let p = tmp.join(&rel);
        std::fs::write(&p, bytes).map_err(|e| format!("cannot write `{}`: {e}", p.display()))?;
        n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    };
    // Statements on both cores: half the payees each (they are independent files).
    let shares = statement::share_strings(accounts);
    let write_statements = |part: &[statement::Statement]| -> Result<(), String> {
        for s in part {
            let lines = statement::lines(s, reader.table, accounts, reader, &shares);
            put(
                format!("statements/{}.csv", s.payee),
                &output::statement_csv(s, &lines),
            )?;
            put(
                format!("statements/{}.html", s.payee),
                output::statement_html(s, &lines, label).as_bytes(),
            )?;
            // The JSON is the statement without its lines: every line is in the CSV.
            put(
                format!("statements/{}.json", s.payee),
                (serde_json::to_string_pretty(s).unwrap_or_default() + "\n").as_bytes(),
            )?;
        }
        Ok(())
    };
    // facts.csv (streamed) and the first statements on one core, the rest on the other,
    // split so that both write about as many rows.
    let write_facts = || -> Result<(), String> {
        let p = tmp.join("facts.csv");
        let file = std::fs::File::create(&p)
            .map_err(|e| format!("cannot write `{}`: {e}", p.display()))?;
        run::facts_csv(r, &r.period, reader, std::io::BufWriter::new(file))
            .map_err(|e| format!("cannot write `{}`: {e}", p.display()))?;
        n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    };
    let rows: usize = r.statements.iter().map(|s| s.detail.len()).sum::<usize>() + r.facts.len();
    let mut split = 0;
    let mut first = r.facts.len();
    while let Some(s) = r.statements.get(split)
        && first + s.detail.len() <= rows / 2
    {
        first += s.detail.len();
        split += 1;
    }
    let (a, b) = r.statements.split_at(split);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| write_facts().and_then(|()| write_statements(a)));
        let mine = write_statements(b);
        other
            .join()
            .unwrap_or_else(|_| Err("a statement writer failed".to_string()))
            .and(mine)
    })?;
    put("label-summary.csv".into(), &output::label_summary_csv(r))?;
    put(
        "suspense.csv".into(),
        &output::suspense_csv(&r.suspense_new, &r.released),
    )?;
    put("rejects.tsv".into(), &output::rejects_tsv(reader))?;
    let recon = serde_json::json!({ "period": r.statements.first().map(|s| s.period.clone()), "reconciliation": output::reconciliation_json(&r.reconciliation) });
    put(
        "reconciliation.json".into(),
        (serde_json::to_string_pretty(&recon).unwrap_or_default() + "\n").as_bytes(),
    )?;
    if out.exists() {
        std::fs::remove_dir_all(out)
            .map_err(|e| format!("cannot replace `{}`: {e}", out.display()))?;
    }
    std::fs::rename(&tmp, out).map_err(|e| format!("cannot move into `{}`: {e}", out.display()))?;
    Ok(n.into_inner())
}

fn summary(
    args: &Args,
    r: &RunResult,
    reader: &Reader<'_>,
    out: &Path,
    written: &usize,
    commit: Option<&str>,
    printer: &Printer,
) {
    let lines: u64 = reader.files.iter().map(|f| f.lines).sum();
    match args.format {
        RoyaltyFormat::Json => {
            let payees: Vec<_> = r
                .statements
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "payee": s.payee, "currency": s.currency, "royalties": s.earnings.to_string(),
                        "paid": s.paid.to_string(), "carried": s.carried.to_string(),
                        "reserves_held": s.reserves_held.to_string(),
                    })
                })
                .collect();
            let suspense: Vec<_> = output::suspense_by_identifier(&r.suspense_new)
                .into_iter()
                .map(|(id, cur, reason, amount, n)| serde_json::json!({"identifier": id, "currency": cur, "reason": reason, "amount": amount.to_string(), "lines": n}))
                .collect();
            let v = serde_json::json!({
                "period": args.period,
                "reconciliation": output::reconciliation_json(&r.reconciliation),
                "payees": payees,
                "suspense": suspense,
                "released_from_suspense": r.released.len(),
                "reports": reader.files,
                "lines": lines,
                "rejected_lines": reader.rejects.len(),
                "out": out.display().to_string(),
                "ledger_commit": commit,
            });
            printer.out(&format!("{v}\n"));
        }
        RoyaltyFormat::Human => {
            let mut t = String::new();
            t.push_str(&format!(
                "{} reports, {} lines, period {}\n\n",
                reader.files.len(),
                lines,
                args.period
            ));
            t.push_str(
                "Reconciliation (every amount of every report ends in exactly one bucket):\n",
            );
            for c in &r.reconciliation {
                t.push_str(&format!(
                    "  {}  gross {}  = payees {} + label {} + fees {} + suspense {} + released {} + rejected {} + rounding {}\n",
                    c.currency, c.gross, c.payees, c.label, c.fees, c.suspense, c.suspense_released, c.rejected, c.rounding
                ));
            }
            t.push_str("\nStatements:\n");
            for s in &r.statements {
                t.push_str(&format!(
                    "  {:<28} earned {:>12} {}  paid {:>12}  carried {:>12}\n",
                    s.payee, s.earnings, s.currency, s.paid, s.carried
                ));
            }
            let susp = output::suspense_by_identifier(&r.suspense_new);
            if !susp.is_empty() {
                t.push_str("\nSuspense (held until the catalogue can attribute it):\n");
                for (id, cur, reason, amount, n) in susp.iter().take(10) {
                    t.push_str(&format!(
                        "  {id:<28} {amount:>12} {cur}  {n} lines  ({reason})\n"
                    ));
                }
                if susp.len() > 10 {
                    t.push_str(&format!("  … {} more in suspense.csv\n", susp.len() - 10));
                }
            }
            if !r.released.is_empty() {
                t.push_str(&format!(
                    "\n{} suspense items from earlier periods released to payees\n",
                    r.released.len()
                ));
            }
            t.push_str(&format!("\nwrote {written} files to `{}`\n", out.display()));
            match commit {
                Some(c) => t.push_str(&format!(
                    "recorded {} in the ledger (commit {})\n",
                    args.period,
                    c.get(..12).unwrap_or(c)
                )),
                None => t.push_str("dry run: nothing recorded in the ledger\n"),
            }
            printer.err(&t);
        }
    }
}

/// `sleeve trace`: the chain behind one payee's earnings on one track in one period.
pub fn trace(args: TraceArgs, printer: &Printer) -> Exit {
    let world = SystemWorld::new(args.path.clone());
    let mut checked = crate::check_catalogue(&world);
    let errors = checked.diagnostics.error_count();
    report(&mut checked, &args.path, Format::Human, printer, false);
    if errors > 0 {
        printer.err("error: the catalogue has errors\n");
        return Exit::Failure;
    }
    let cat = &checked.catalogue;
    let table = rates::compile(cat);
    let Some(payee) = table.find_payee(&args.payee) else {
        return fail(
            printer,
            codes::UNKNOWN_PAYEE,
            &format!("`{}` is not a payee of this catalogue", args.payee),
            "use a party id with a `[payee]` table",
        );
    };
    let isrc = crate::model::ident::Isrc::parse(&args.isrc).ok();
    let Some(rec) = isrc
        .as_ref()
        .and_then(|i| table.by_isrc.get(i.as_str()))
        .copied()
    else {
        return fail(
            printer,
            codes::UNKNOWN_PAYEE,
            &format!("no recording has ISRC `{}`", args.isrc),
            "give the ISRC of a recording in the catalogue",
        );
    };
    let ledger = match Ledger::open(&args.path) {
        Ok(l) => l,
        Err(e) => return ledger_fail(printer, &e),
    };
    let run_json = match ledger.period_file(&args.period, "run.json") {
        Ok(Some(b)) => b,
        Ok(None) => {
            return fail(
                printer,
                codes::PERIOD_REFUSED,
                &format!("{} is not in the ledger", args.period),
                "run `sleeve royalties` for it first",
            );
        }
        Err(e) => return ledger_fail(printer, &e),
    };
    let run: serde_json::Value = serde_json::from_slice(&run_json).unwrap_or_default();
    let reports: Vec<SourceFile> =
        serde_json::from_value(run.get("reports").cloned().unwrap_or_default()).unwrap_or_default();
    let Some(period) = Period::parse(&args.period) else {
        return fail(
            printer,
            codes::INVALID_PERIOD,
            &format!("`{}` is not a statement period", args.period),
            "write a period such as `2025-Q2`",
        );
    };
    let r = table.recordings.get(rec as usize);
    let mut t = format!(
        "{} · {} ({}) · {}\n",
        args.payee,
        r.map_or("", |r| r.title.as_str()),
        r.map_or("", |r| r.isrc.as_str()),
        args.period
    );
    // Re-read the reports of the run, keeping only this recording's lines.
    let paths: Vec<PathBuf> = reports
        .iter()
        .map(|f| args.path.join(&f.path))
        .map(|p| if p.exists() { p } else { PathBuf::from(&p) })
        .collect();
    let mut reader = reader_for(cat, &table);
    let formats: Vec<&ReportFormat> = cat.royalties.formats.values().collect();
    let mut totals: std::collections::BTreeMap<String, rust_decimal::Decimal> = Default::default();
    for (src, path) in reports.iter().zip(&paths) {
        let path = if path.exists() {
            path.clone()
        } else {
            PathBuf::from(&src.path)
        };
        match drain_hash(&path) {
            Ok(h) if h == src.sha256 => {}
            Ok(_) => {
                t.push_str(&format!(
                    "  ! {} changed since the run (hash differs); skipped\n",
                    src.path
                ));
                continue;
            }
            Err(e) => {
                t.push_str(&format!("  ! {} cannot be read ({e}); skipped\n", src.path));
                continue;
            }
        }
        let Ok((mut input, _)) = open_report(&path, None) else {
            continue;
        };
        let sf = SourceFile::new(&src.path, &src.sha256);
        if src.format == "dsr" {
            reader.read_dsr(sf, &mut *input);
        } else if let Some(f) = formats.iter().find(|f| f.id == src.format) {
            reader.read_csv(sf, f, &f.dsp, &mut *input);
        }
        let pools = std::mem::take(&mut reader.pools);
        let mut weights = Vec::new();
        let mut split = Vec::new();
        for pool in &pools {
            // The engine's own sharing, so the trace shows what was paid.
            let Ok(parts) = engine::share_pool(pool, &mut weights) else {
                continue;
            };
            let w_total: i128 = pool.lines.iter().map(|u| i128::from(u.weight())).sum();
            let cur = reader.currencies.name(pool.currency).to_string();
            let m = crate::royalties::input::minor_units(&cur);
            for (u, gross) in pool.lines.iter().zip(parts) {
                if u.target() != crate::royalties::input::Target::Recording(rec) {
                    continue;
                }
                if pool.lines.len() > 1 {
                    t.push_str(&format!(
                        "\n  {}:{}  {} units; summary at line {}: {} {cur} over {} units\n",
                        src.path,
                        u.line(),
                        u.units,
                        pool.line,
                        crate::royalties::input::from_minor(i128::from(pool.amount), m),
                        w_total
                    ));
                } else {
                    t.push_str(&format!(
                        "\n  {}:{}  {} units\n",
                        src.path,
                        u.line(),
                        u.units
                    ));
                }
                t.push_str(&format!(
                    "    allocation   {} × {}/{} → {} {cur} (largest remainder)\n",
                    crate::royalties::input::from_minor(i128::from(pool.amount), m),
                    u.weight(),
                    w_total,
                    crate::royalties::input::from_minor(gross, m)
                ));
                match table.plan(rec, pool.territory, pool.channel, pool.usage) {
                    rates::Plan::Suspense(why) => t.push_str(&format!("    suspense     {why}\n")),
                    rates::Plan::Paid {
                        fee,
                        parts: who,
                        weights,
                        shares,
                    } => {
                        let (net, fee_amount) =
                            engine::share_line(gross, &fee, &weights, &mut split);
                        if fee_amount != 0 {
                            t.push_str(&format!(
                                "    fee          {} {cur} → net {} {cur}\n",
                                crate::royalties::input::from_minor(fee_amount, m),
                                crate::royalties::input::from_minor(net, m)
                            ));
                        }
                        for (k, ((p, c), share)) in who.iter().zip(&shares).enumerate() {
                            if *p != payee {
                                continue;
                            }
                            let amount = crate::royalties::input::from_minor(
                                split.get(k).copied().unwrap_or(0),
                                m,
                            );
                            *totals.entry(cur.clone()).or_default() += amount;
                            let rs = table
                                .recordings
                                .get(rec as usize)
                                .and_then(|r| r.ruleset_index(pool.territory))
                                .and_then(|i| table.rulesets.get(i as usize))
                                .map_or("", |r| r.split_key.as_str());
                            t.push_str(&format!(
                                "    rate × split share {} (split rule `{rs}`, contract `{}`, {} in {})\n    royalty      {amount} {cur}\n",
                                share.exact_string(),
                                table.contracts.get(*c as usize).map_or("", |c| c.id.as_str()),
                                pool.channel.as_str(),
                                crate::model::iso::territory_code(pool.territory).unwrap_or("")
                            ));
                        }
                    }
                }
            }
        }
    }
    for (cur, total) in &totals {
        t.push_str(&format!(
            "\n  total royalty on this track in {}: {total} {cur} (before conversion)\n",
            args.period
        ));
    }
    // Recoupment position from the statement recorded in the ledger.
    if let Ok(Some(bytes)) = ledger.period_file(&args.period, "statements.json")
        && let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes)
        && let Some(s) = v.as_array().and_then(|a| {
            a.iter()
                .find(|s| s.get("payee").and_then(|p| p.as_str()) == Some(args.payee.as_str()))
        })
    {
        t.push_str("\n  recoupment position:\n");
        for g in s
            .get("groups")
            .and_then(|g| g.as_array())
            .into_iter()
            .flatten()
        {
            let f = |k: &str| g.get(k).and_then(|v| v.as_str()).unwrap_or("0").to_string();
            t.push_str(&format!(
                "    {}: opening {} − advances {} + earnings {} − reserve {} + released {} − paid {} = closing {}\n",
                f("group"), f("opening"), f("advances"), f("earnings"), f("reserve_withheld"), f("reserve_released"), f("paid"), f("closing")
            ));
        }
    }
    let _ = period;
    printer.out(&t);
    Exit::Success
}
