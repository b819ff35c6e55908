//! `sleeve plan`, `sleeve apply`, `sleeve log`, `sleeve force-unlock`: delivery against the
//! delivered state kept in the catalogue's git repository.
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use super::Exit;
use super::check::report;
use super::printer::Printer;
use super::system_world::SystemWorld;
use super::timings::Timings;
use crate::deliver::{Content, OutFile, Transport, folder::Folder, sftp::Sftp};
use crate::diag::codes::{self, Code};
use crate::diag::render::Format;
use crate::lower::{Lowering, content_hash, timestamp};
use crate::model::{Catalogue, Dsp, Transport as TransportSpec};
use crate::plan::{Action, Intended, Plan};
use crate::state::git::{LockInfo, StateError, StateRepo};
use crate::state::{Delivery, Fingerprint, InFlight, InboxDigest, State, Status, summarise};
use crate::world::World;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The catalogue's root folder (inside a git repository).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Exit 0 for no changes, 2 for changes, 1 for errors.
    #[arg(long)]
    detailed_exitcode: bool,
    /// Save the plan (JSON) for `sleeve apply PATH PLAN`.
    #[arg(long)]
    out: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    format: PlanFormat,
    /// Print how long each step took and which way the plan went (for benchmarks).
    #[arg(long, hide = true)]
    timings: bool,
}

#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// The catalogue's root folder (inside a git repository).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// A plan saved with `sleeve plan --out`; without it, a fresh plan is shown first.
    plan: Option<PathBuf>,
    /// Do not ask for confirmation (CI).
    #[arg(long)]
    yes: bool,
    /// Deliver to this many DSPs at once.
    #[arg(long, default_value_t = 2)]
    parallelism: usize,
}

#[derive(Debug, clap::Args)]
pub struct PathArgs {
    /// The catalogue's root folder (inside a git repository).
    #[arg(default_value = ".")]
    path: PathBuf,
}

/// Report a delivery failure: `error[E05xx] name: message` and a help line.
pub(super) fn fail(printer: &Printer, code: &'static Code, message: &str, help: &str) -> Exit {
    printer.err(&format!(
        "error[{}] {}: {message}\n  help: {help}\n",
        code.code, code.name
    ));
    Exit::Failure
}

fn state_fail(printer: &Printer, e: &StateError) -> Exit {
    let code = match e {
        StateError::NotARepository(_) => codes::NOT_A_REPOSITORY,
        StateError::Corrupt { .. } => codes::STATE_CORRUPT,
        StateError::Moved(_) => codes::STATE_MOVED,
        StateError::StaleGitLock(_) => codes::STATE_LOCKED,
        StateError::Git(_) => codes::GIT_FAILED,
    };
    fail(printer, code, &e.to_string(), &e.help())
}

/// Everything plan and apply share: the checked catalogue, its hash, the state.
struct Session {
    world: SystemWorld,
    checked: crate::Checked,
    /// SHA-256 of each source file, by `FileId`: the inputs of release hashes.
    file_hashes: Vec<String>,
    /// Hash of every catalogue file (paths and contents): what a saved plan was made from.
    hash: String,
    /// How many warnings the check reported (printed already).
    warnings: usize,
    repo: StateRepo,
}

fn session(path: &std::path::Path, printer: &Printer) -> Result<Session, Exit> {
    let world = SystemWorld::new(path.to_path_buf());
    let mut checked = crate::check_catalogue(&world);
    let errors = checked.diagnostics.error_count();
    let warnings = checked.diagnostics.warning_count();
    report(&mut checked, path, Format::Human, printer, false);
    if errors > 0 || checked.catalogue.label.is_none() {
        printer.err("error: the catalogue has errors; fix them before planning a delivery\n");
        return Err(Exit::Failure);
    }
    let file_hashes = crate::build::file_hashes(&checked.sources);
    let paths: Vec<&str> = checked
        .sources
        .files()
        .map(|(_, f)| f.path.as_str())
        .collect();
    let hash = content_hash(&(paths, &file_hashes));
    let repo = StateRepo::open(path).map_err(|e| state_fail(printer, &e))?;
    Ok(Session {
        world,
        checked,
        file_hashes,
        hash,
        warnings,
        repo,
    })
}

fn lowering<'a>(s: &'a Session) -> Option<Lowering<'a>> {
    Some(Lowering {
        cat: &s.checked.catalogue,
        label: s.checked.catalogue.label.as_ref()?,
        media: &s.checked.media,
        now: s.world.now(),
        sequence: 0,
    })
}

fn intended(s: &Session, l: &Lowering<'_>, state: Option<&State>) -> Vec<Intended> {
    let today = crate::model::date::Date::from_unix(l.now);
    crate::build::units(l.cat)
        .into_iter()
        .filter_map(|(dsp, rel)| {
            let input = crate::build::input_hash(l, &s.file_hashes, dsp, rel, today);
            let key = format!("{}/{}", dsp.id.value, rel.upc.value.as_str());
            // Unchanged inputs: what the DSP has is what it would get.
            let intended = |content_hash: String, summary, takedown, input| Intended {
                dsp: dsp.id.value.clone(),
                release: rel.id.value.clone(),
                upc: rel.upc.value.as_str().to_string(),
                content_hash,
                summary,
                takedown,
                input,
            };
            if let Some(d) = state.and_then(|st| st.deliveries.get(&key))
                && d.input == input
                && !d.purged
                && d.status != Status::Rejected
            {
                return Some(intended(
                    d.content_hash.clone(),
                    d.summary.clone(),
                    d.taken_down,
                    input,
                ));
            }
            let msg = l.message(rel, dsp)?;
            let takedown = msg.body.all_deals_ended(today);
            Some(intended(
                msg.content_hash.clone(),
                summarise(&msg),
                takedown,
                input,
            ))
        })
        .collect()
}

fn make_plan(s: &Session, state: Option<&State>) -> Option<Plan> {
    let l = lowering(s)?;
    let cat = &s.checked.catalogue;
    Some(crate::plan::diff(
        state,
        &intended(s, &l, state),
        &|id| cat.releases.contains_key(id),
        &s.hash,
    ))
}

/// W0412: a release delivered for the first time anywhere whose release date is past.
fn warn_past_release_dates(s: &Session, state: Option<&State>, plan: &Plan, printer: &Printer) {
    let today = crate::model::date::Date::from_unix(s.world.now());
    let delivered: std::collections::BTreeSet<&str> = state
        .map(|st| st.deliveries.values().map(|d| d.upc.as_str()).collect())
        .unwrap_or_default();
    let mut warned = std::collections::BTreeSet::new();
    let paths = crate::diag::render::PathStyle::new(&s.world.root().to_string_lossy());
    for c in plan.changes.iter().filter(|c| c.action == Action::Deliver) {
        let Some(rel) = s.checked.catalogue.releases.get(&c.release) else {
            continue;
        };
        if delivered.contains(c.upc.as_str())
            || rel.original_release_date.is_some()
            || rel.release_date.value >= today
            || !warned.insert(c.release.as_str())
        {
            continue;
        }
        let d = crate::diag::Diagnostic::new(
            codes::RELEASE_DATE_PAST,
            rel.release_date.span,
            format!(
                "`{}` is delivered for the first time, but its release date {} is past",
                c.release, rel.release_date.value
            ),
        )
        .label("already past")
        .help(codes::RELEASE_DATE_PAST.fix);
        printer.err(&crate::diag::render::human(
            &d,
            &s.checked.sources,
            &paths,
            printer.color,
            80,
        ));
    }
}

/// What each DSP left in its acknowledgement inbox: (name, bytes), or why it was not read.
type Inbox = Result<Vec<(String, Vec<u8>)>, String>;

/// The DSPs whose acknowledgements a plan reads: those delivered to that have a profile.
fn ack_dsps<'a>(cat: &'a Catalogue, state: &State) -> Vec<&'a Dsp> {
    let ids: std::collections::BTreeSet<&str> =
        state.deliveries.values().map(|d| d.dsp.as_str()).collect();
    ids.into_iter()
        .filter_map(|id| cat.dsps.get(id))
        .map(|d| &**d)
        .collect()
}

/// Read the DSPs' acknowledgements into `state` (see [`apply_acks`]). An inbox that cannot
/// be read is a note, not a failure.
fn read_acks(s: &Session, state: &mut State, printer: &Printer) -> Vec<String> {
    let inboxes: Vec<(String, Inbox)> = ack_dsps(&s.checked.catalogue, state)
        .into_iter()
        .map(|dsp| {
            let files = transport(s.world.root(), dsp).and_then(|mut t| t.acknowledgements());
            (dsp.id.value.clone(), files)
        })
        .collect();
    let mut notes = Vec::new();
    let changed = apply_acks(state, inboxes, &mut notes);
    for n in notes {
        printer.err(&n);
    }
    changed
}

/// Apply acknowledgements to `state`: each names a message id; the delivery that sent it
/// becomes accepted or rejected (with the DSP's reason). Returns the keys of the deliveries
/// that changed; what could not be read goes to `notes`.
fn apply_acks(
    state: &mut State,
    inboxes: Vec<(String, Inbox)>,
    notes: &mut Vec<String>,
) -> Vec<String> {
    let mut changed = Vec::new();
    for (id, files) in inboxes {
        let files = match files {
            Ok(f) => f,
            Err(e) => {
                notes.push(format!("note: acknowledgements of `{id}` not read: {e}\n"));
                continue;
            }
        };
        for (name, bytes) in files {
            let known = |m: &str| state.deliveries.values().any(|d| d.message_id == m);
            let acks = match crate::ack::parse(&name, &bytes, &known) {
                Ok(a) => a,
                Err(e) => {
                    notes.push(format!("note: acknowledgement of `{id}` skipped: {e}\n"));
                    continue;
                }
            };
            for ack in acks {
                let status = if ack.accepted {
                    Status::Accepted
                } else {
                    Status::Rejected
                };
                if let Some((key, d)) = state
                    .deliveries
                    .iter_mut()
                    .find(|(_, d)| d.dsp == id && d.message_id == ack.message_id)
                    && (d.status != status || d.reason != ack.reason)
                {
                    d.status = status;
                    d.reason = ack.reason.clone();
                    d.accepted_once |= ack.accepted;
                    changed.push(key.clone());
                }
            }
        }
    }
    changed
}

/// Print a plan in `format`: what a full plan and the shortcuts all print.
fn render(plan: &Plan, format: PlanFormat, printer: &Printer) {
    match format {
        PlanFormat::Human => printer.out(&crate::plan::render_human(plan)),
        PlanFormat::Json => {
            printer.out(&(serde_json::to_string_pretty(plan).unwrap_or_default() + "\n"))
        }
        PlanFormat::Markdown => printer.out(&crate::plan::render_markdown(plan)),
    }
}

pub fn plan(args: PlanArgs, printer: &Printer) -> Exit {
    let mut timings = Timings::new(args.timings);
    let now = SystemWorld::new(args.path.clone()).now();
    let today = crate::model::date::Date::from_unix(now);
    let day = today.to_string();
    let options = format!(
        "{:?}|{}|{}",
        args.format, args.detailed_exitcode, printer.color
    );
    let mut cache = None;
    if args.out.is_none()
        && let Ok(repo) = StateRepo::open(&args.path)
    {
        // The last apply's fingerprint proves there is nothing to plan (see `fingerprint`).
        let shortcut = super::fingerprint::shortcut(&repo, &args.path, today, &mut |stage| {
            timings.step(stage.to_string());
        });
        match shortcut {
            Ok(plan) => {
                timings.step("fingerprint used: no changes since the last apply".into());
                render(&plan, args.format, printer);
                timings.print(printer);
                return Exit::Success;
            }
            Err(why) => timings.step(format!("fingerprint not used: {why}")),
        }
        // A no-op plan whose inputs did not change is replayed (see `plan_cache`).
        let head = repo
            .head_of(&repo.state_ref)
            .ok()
            .flatten()
            .map(|o| o.to_string())
            .unwrap_or_default();
        let files = super::plan_cache::files(&args.path);
        if let (Some(files), Some(entry)) = (
            &files,
            super::plan_cache::load(&repo.cache_dir(), &repo.state_ref),
        ) && super::plan_cache::key(&args.path, files, &head, &day, &options, &entry.inboxes)
            == entry.key
        {
            timings.step("plan cache: replayed".into());
            printer.err(&entry.stderr);
            printer.out(&entry.stdout);
            timings.print(printer);
            return Exit::Success;
        }
        timings.step("plan cache: miss".into());
        if let Some(files) = files {
            cache = Some((repo.cache_dir(), repo.state_ref.clone(), head, files));
        }
        printer.record();
    }
    let s = match session(&args.path, printer) {
        Ok(s) => s,
        Err(e) => return e,
    };
    timings.step("check".into());
    let mut state = match s.repo.load() {
        Ok(st) => st.map(|(st, _)| st),
        Err(e) => return state_fail(printer, &e),
    };
    if let Some(st) = state.as_mut() {
        read_acks(&s, st, printer);
    }
    let Some(plan) = make_plan(&s, state.as_ref()) else {
        return Exit::Failure;
    };
    timings.step("plan".into());
    if let Some(out) = &args.out {
        let json = serde_json::to_string_pretty(&plan).unwrap_or_default() + "\n";
        if let Err(e) = std::fs::write(out, &json) {
            return fail(
                printer,
                codes::WRITE_FAILED,
                &format!("cannot write `{}`: {e}", out.display()),
                "check that the folder exists and is writable",
            );
        }
    }
    // Machine-readable output stays clean: the warnings are for people.
    if args.format != PlanFormat::Json {
        warn_past_release_dates(&s, state.as_ref(), &plan, printer);
    }
    render(&plan, args.format, printer);
    let recording = printer.take_recording();
    // Keep a plan without changes, when every DSP delivered to has a local inbox and no file
    // changed while the plan ran.
    if plan.is_empty()
        && let Some((dir, state_ref, head, files)) = cache
        && let Some((stdout, stderr)) = recording
    {
        let delivered: std::collections::BTreeSet<&str> = state
            .as_ref()
            .map(|st| st.deliveries.values().map(|d| d.dsp.as_str()).collect())
            .unwrap_or_default();
        let mut inboxes = Vec::new();
        let mut local = true;
        for (id, dsp) in &s.checked.catalogue.dsps {
            match &dsp.transport {
                TransportSpec::Folder { path } => {
                    inboxes.push(format!("{path}/{}", crate::deliver::INBOX));
                }
                TransportSpec::Sftp { .. } => local &= !delivered.contains(id.as_str()),
            }
        }
        if local && super::plan_cache::files(&args.path).as_deref() == Some(files.as_str()) {
            let key = super::plan_cache::key(&args.path, &files, &head, &day, &options, &inboxes);
            super::plan_cache::save(
                &dir,
                &state_ref,
                &super::plan_cache::Entry {
                    version: 1,
                    key,
                    inboxes,
                    stdout,
                    stderr,
                },
            );
        }
    }
    timings.print(printer);
    // The session is not freed (it is large and the process ends), so the media facts it
    // learnt are written now.
    s.world.save_media();
    std::mem::forget(s);
    if args.detailed_exitcode && !plan.is_empty() {
        Exit::Changes
    } else {
        Exit::Success
    }
}

fn transport(cat_root: &std::path::Path, dsp: &Dsp) -> Result<Box<dyn Transport>, String> {
    match &dsp.transport {
        TransportSpec::Folder { path } => Ok(Box::new(Folder {
            root: cat_root.join(path),
        })),
        TransportSpec::Sftp {
            host,
            port,
            user,
            path,
            key_env,
            password_env,
            known_hosts,
        } => {
            let env = |name: &Option<String>| -> Result<Option<String>, String> {
                name.as_ref()
                    .map(|n| {
                        std::env::var(n)
                            .map_err(|_| format!("environment variable `{n}` is not set"))
                    })
                    .transpose()
            };
            Ok(Box::new(Sftp::new(
                host.clone(),
                *port,
                user.clone(),
                path.clone(),
                env(key_env)?.map(PathBuf::from),
                env(password_env)?,
                known_hosts.as_ref().map(|k| cat_root.join(k)),
            )))
        }
    }
}

/// Every folder DSP's inbox: DSP id → (the transport's path, its files).
fn folder_inboxes(s: &Session) -> std::collections::BTreeMap<String, (String, Inbox)> {
    s.checked
        .catalogue
        .dsps
        .iter()
        .filter_map(|(id, dsp)| match &dsp.transport {
            TransportSpec::Folder { path } => Some((
                id.clone(),
                (
                    path.clone(),
                    super::fingerprint::folder_inbox(s.world.root(), path),
                ),
            )),
            TransportSpec::Sftp { .. } => None,
        })
        .collect()
}

/// The fingerprint of the catalogue delivered with `state` (recorded at `serial`), or why
/// none can be recorded. It is proved, not assumed: a plan against `state`, with the
/// acknowledgements `inboxes` held, must find no changes and print nothing but the plan, and
/// every file the check read must be HEAD's.
fn fingerprint(
    s: &Session,
    state: &State,
    serial: u64,
    inboxes: &std::collections::BTreeMap<String, (String, Inbox)>,
) -> Result<Fingerprint, String> {
    use super::fingerprint::{differing_input, inbox_digest, inputs_id};
    if s.warnings > 0 {
        return Err("the check reported warnings, which a plan prints".into());
    }
    if !state.in_flight.is_empty() || !state.open_batches.is_empty() {
        return Err("an upload or a batch is unfinished".into());
    }
    let cat = &s.checked.catalogue;
    let mut acks = Vec::new();
    let mut digests = Vec::new();
    for dsp in ack_dsps(cat, state) {
        let id = &dsp.id.value;
        if let TransportSpec::Sftp { .. } = dsp.transport {
            return Err(format!(
                "`{id}` is delivered by SFTP, whose acknowledgements cannot be read without connecting"
            ));
        }
        let Some((path, Ok(files))) = inboxes.get(id) else {
            return Err(format!("the acknowledgements of `{id}` were not read"));
        };
        digests.push(InboxDigest {
            path: path.clone(),
            digest: inbox_digest(files),
        });
        acks.push((id.clone(), Ok(files.clone())));
    }
    // The state as a plan sees it: with the acknowledgements applied (a copy only when
    // there are any).
    let mut with_acks = None;
    if acks
        .iter()
        .any(|(_, files)| files.as_ref().is_ok_and(|f| !f.is_empty()))
    {
        let mut proved = state.clone();
        let mut notes = Vec::new();
        apply_acks(&mut proved, acks, &mut notes);
        if let Some(note) = notes.first() {
            return Err(note.trim_start_matches("note: ").trim_end().to_string());
        }
        with_acks = Some(proved);
    }
    let plan = make_plan(s, Some(with_acks.as_ref().unwrap_or(state)))
        .ok_or("the catalogue has no label")?;
    if !plan.is_empty() {
        return Err(format!(
            "a plan against the new state still finds {} changes",
            plan.changes.len()
        ));
    }
    let mut assets: Vec<String> = cat
        .releases
        .values()
        .filter_map(|r| r.artwork.as_ref().map(|a| a.path.clone()))
        .chain(
            cat.recordings
                .values()
                .filter_map(|r| r.audio.as_ref().map(|a| a.path.clone())),
        )
        .collect();
    assets.sort_unstable();
    assets.dedup();
    let inputs = s.repo.head_inputs(&assets, &SystemWorld::sees)?;
    if let Some(path) = differing_input(&s.repo, s.world.root(), &assets)? {
        return Err(format!("`{path}` differs from HEAD"));
    }
    // Every file the check read is HEAD's, byte for byte, and no other (the work tree may
    // have changed back and forth since).
    let read = s.checked.sources.files().all(|(_, f)| {
        inputs.tomls.get(&f.path).copied() == crate::state::git::blob_id(f.text.as_bytes())
    });
    if !read || inputs.tomls.len() != s.checked.sources.len() {
        return Err("the catalogue that was checked is not the one in HEAD".into());
    }
    let today = crate::model::date::Date::from_unix(s.world.now());
    Ok(Fingerprint {
        version: crate::state::FINGERPRINT_VERSION,
        sleeve: env!("CARGO_PKG_VERSION").to_string(),
        lineage: state.lineage.clone(),
        serial,
        path: s.repo.catalogue_path.clone(),
        inputs: inputs_id(&inputs),
        assets,
        catalogue: s.hash.clone(),
        day: today.to_string(),
        valid_until: crate::lower::next_deal_change(cat, today).map(|d| d.to_string()),
        inboxes: digests,
        seal: String::new(),
    }
    .sealed())
}

fn no_fingerprint(why: &str, printer: &Printer) {
    printer.err(&format!(
        "note: no plan fingerprint recorded ({why}): the next plan in a fresh clone checks the catalogue\n"
    ));
}

/// An apply with nothing to deliver: when the state holds no fingerprint that stands for
/// this catalogue today, one commit records it (with a snapshot), so the next plan in a fresh
/// clone need not check what this apply checked.
fn record_unchanged(
    s: &Session,
    mut state: State,
    tip: Option<git2::Oid>,
    inboxes: &std::collections::BTreeMap<String, (String, Inbox)>,
    printer: &Printer,
) -> Exit {
    // Nothing was ever delivered: a plan compares with no state.
    let Some(parent) = tip else {
        return Exit::Success;
    };
    let fresh = match fingerprint(s, &state, state.serial + 1, inboxes) {
        Ok(f) => f,
        Err(why) => {
            no_fingerprint(&why, printer);
            return Exit::Success;
        }
    };
    let today = crate::model::date::Date::from_unix(s.world.now());
    let stands = s
        .repo
        .file_at(parent, crate::state::git::FINGERPRINT_FILE)
        .ok()
        .flatten()
        .and_then(|b| Fingerprint::parse(&b))
        .is_some_and(|old| {
            old.serial == state.serial
                && old.valid_on(today) == Some(true)
                && Fingerprint {
                    serial: old.serial,
                    day: old.day.clone(),
                    valid_until: old.valid_until.clone(),
                    ..fresh.clone()
                }
                .sealed()
                    == old
        });
    if stands {
        return Exit::Success;
    }
    state.serial += 1;
    match s.repo.save(
        &state,
        &[],
        None,
        "snapshot after 0 changes (plan fingerprint)",
        Some(parent),
        true,
        Some(&fresh),
    ) {
        Ok(_) => {
            printer.err(&format!(
                "recorded the plan fingerprint; state serial {}\n",
                state.serial
            ));
            Exit::Success
        }
        Err(e) => state_fail(printer, &e),
    }
}

fn holder() -> String {
    let user = std::env::var("USER").unwrap_or_else(|_| "someone".into());
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "unknown-host".into());
    format!("{user}@{host} (pid {})", std::process::id())
}

pub fn apply(args: ApplyArgs, printer: &Printer) -> Exit {
    let s = match session(&args.path, printer) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let now = s.world.now();
    let info = LockInfo {
        holder: holder(),
        since: timestamp(now),
    };
    match s.repo.lock(&info) {
        Ok(Ok(())) => {}
        Ok(Err(other)) => {
            return fail(
                printer,
                codes::STATE_LOCKED,
                &format!(
                    "another apply holds the lock: {} since {}",
                    other.holder, other.since
                ),
                "wait for it to finish; if it died, run `sleeve force-unlock`",
            );
        }
        Err(e) => return state_fail(printer, &e),
    }
    let exit = apply_locked(&args, &s, printer);
    if let Err(e) = s.repo.unlock() {
        state_fail(printer, &e);
    }
    exit
}

fn apply_locked(args: &ApplyArgs, s: &Session, printer: &Printer) -> Exit {
    let (mut state, mut tip) = match s.repo.load() {
        Ok(Some((st, oid))) => (st, Some(oid)),
        Ok(None) => {
            let lineage = content_hash(&(&s.repo.state_ref, s.world.now(), std::process::id()));
            (
                State::new(lineage.get(..16).unwrap_or(&lineage).to_string()),
                None,
            )
        }
        Err(e) => return state_fail(printer, &e),
    };
    let fresh = state.serial == 0 && tip.is_none();
    // The folder inboxes, as they are before their acknowledgements are read: what the
    // fingerprint this apply records is proved against.
    let inboxes = folder_inboxes(s);
    // What the DSPs said since the last apply is recorded first.
    let acked = if fresh {
        Vec::new()
    } else {
        read_acks(s, &mut state, printer)
    };
    if !acked.is_empty() {
        state.serial += 1;
        match s.repo.save(
            &state,
            &acked,
            None,
            &format!("acknowledgements: {} deliveries", acked.len()),
            tip,
            true,
            None,
        ) {
            Ok(oid) => tip = Some(oid),
            Err(e) => return state_fail(printer, &e),
        }
    }
    let Some(current) = make_plan(s, (!fresh).then_some(&state)) else {
        return Exit::Failure;
    };
    let plan = match &args.plan {
        Some(file) => {
            let saved: Plan = match std::fs::read_to_string(file)
                .map_err(|e| e.to_string())
                .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
            {
                Ok(p) => p,
                Err(e) => {
                    return fail(
                        printer,
                        codes::PLAN_UNREADABLE,
                        &format!("cannot read plan `{}`: {e}", file.display()),
                        "make a new one with `sleeve plan --out plan.json`",
                    );
                }
            };
            let state_lineage = (!fresh).then(|| state.lineage.clone());
            // Applying a plan a second time: everything in it is already the state.
            let done = !saved.changes.is_empty()
                && saved.lineage.as_ref().is_none_or(|l| *l == state.lineage)
                && saved.changes.iter().all(|c| {
                    state
                        .deliveries
                        .get(&format!("{}/{}", c.dsp, c.upc))
                        .is_some_and(|d| {
                            (c.action == Action::Purge && d.purged)
                                || (!c.content_hash.is_empty() && d.content_hash == c.content_hash)
                                || (c.action == Action::Takedown && d.taken_down)
                        })
                });
            if done {
                printer.err("this plan is already applied: nothing to do\n");
                return Exit::Success;
            }
            if saved.lineage != state_lineage || saved.serial != state.serial {
                return fail(
                    printer,
                    codes::STALE_PLAN,
                    &format!(
                        "the plan was made against state serial {} but the state is now at serial {}",
                        saved.serial, state.serial
                    ),
                    "run `sleeve plan` again and review the new plan",
                );
            }
            if saved.catalogue != s.hash {
                return fail(
                    printer,
                    codes::STALE_PLAN,
                    "the catalogue changed after the plan was made",
                    "run `sleeve plan` again and review the new plan",
                );
            }
            saved
        }
        None => {
            printer.out(&crate::plan::render_human(&current));
            // Nothing to deliver, unless a dead apply left a batch without its marker.
            if current.is_empty() && state.open_batches.is_empty() {
                return record_unchanged(s, state, tip, &inboxes, printer);
            }
            if !args.yes {
                if !std::io::stdin().is_terminal() {
                    return fail(
                        printer,
                        codes::NOT_CONFIRMED,
                        "refusing to apply without confirmation",
                        "pass `--yes` (CI), or run `sleeve apply` in a terminal",
                    );
                }
                printer.err("apply this plan? [y/N] ");
                let mut answer = String::new();
                let _ = std::io::stdin().read_line(&mut answer);
                if !matches!(answer.trim(), "y" | "Y" | "yes") {
                    printer.err("nothing applied\n");
                    return Exit::Success;
                }
            }
            current
        }
    };
    let Some(l) = lowering(s) else {
        return Exit::Failure;
    };
    let cat: &Catalogue = &s.checked.catalogue;
    let plan_json = serde_json::to_string_pretty(&plan).unwrap_or_default() + "\n";
    let plan_hash = content_hash(&plan_json);
    let stamp = crate::build::batch_id(l.now);

    // Every transport is resolved before the first upload: a bad profile fails fast.
    let mut transports: std::collections::BTreeMap<String, Box<dyn Transport>> = Default::default();
    let dsp_ids: std::collections::BTreeSet<&str> = plan
        .changes
        .iter()
        .map(|c| c.dsp.as_str())
        .chain(state.open_batches.keys().map(String::as_str))
        .collect();
    for id in dsp_ids {
        let Some(dsp) = cat.dsps.get(id) else {
            return fail(
                printer,
                codes::DSP_GONE,
                &format!("the plan names DSP `{id}`, which has no profile any more"),
                "run `sleeve plan` again",
            );
        };
        match transport(&args.path, dsp) {
            Ok(t) => {
                transports.insert(id.to_string(), t);
            }
            Err(e) => {
                return fail(
                    printer,
                    codes::TRANSPORT_UNAVAILABLE,
                    &e,
                    "change the DSP profile's transport",
                );
            }
        }
    }
    // The state and its repository, shared by the workers: every write is one commit.
    let writer = match StateRepo::open(&args.path) {
        Ok(repo) => Mutex::new(Writer {
            repo,
            state,
            tip,
            plan_json: Some(plan_json.clone()),
        }),
        Err(e) => return state_fail(printer, &e),
    };
    // One queue per DSP, in plan order; DSPs are delivered side by side.
    let mut queues: Vec<(String, Vec<&crate::plan::Change>, Box<dyn Transport>)> = Vec::new();
    for change in &plan.changes {
        match queues.iter_mut().find(|(d, _, _)| *d == change.dsp) {
            Some((_, list, _)) => list.push(change),
            None => {
                let Some(t) = transports.remove(&change.dsp) else {
                    return Exit::Failure;
                };
                queues.push((change.dsp.clone(), vec![change], t));
            }
        }
    }
    let progress = Progress::new(printer, &queues);
    let queue = Mutex::new(queues.into_iter().enumerate().collect::<Vec<_>>());
    let failed: Mutex<Option<Exit>> = Mutex::new(None);
    let returned: Mutex<Vec<(String, Box<dyn Transport>)>> = Mutex::new(Vec::new());
    let ctx = Ctx {
        l,
        cat,
        root: &args.path,
        stamp: &stamp,
        plan_hash: &plan_hash,
        writer: &writer,
        printer,
    };
    let workers = args.parallelism.max(1);
    std::thread::scope(|sc| {
        for _ in 0..workers {
            sc.spawn(|| {
                loop {
                    let next = queue.lock().ok().and_then(|mut q| q.pop());
                    let Some((bar, (dsp_id, changes, mut t))) = next else {
                        break;
                    };
                    for change in changes {
                        if failed.lock().is_ok_and(|f| f.is_some()) {
                            return;
                        }
                        match deliver_one(&ctx, change, t.as_mut()) {
                            Ok(()) => progress.step(bar, change, t.as_ref()),
                            Err(exit) => {
                                if let Ok(mut f) = failed.lock() {
                                    f.get_or_insert(exit);
                                }
                                return;
                            }
                        }
                    }
                    // Hand the transport back for the batch markers.
                    if let Ok(mut back) = returned.lock() {
                        back.push((dsp_id, t));
                    }
                }
            });
        }
    });
    progress.finish();
    if let Some(exit) = failed.into_inner().ok().flatten() {
        return exit;
    }
    let Ok(mut w) = writer.into_inner() else {
        return Exit::Failure;
    };
    transports.extend(returned.into_inner().unwrap_or_default());
    let total = plan.changes.len();
    // Batch markers land last, and are recorded: a batch left open by a dead apply is
    // completed by the next one.
    let open: Vec<(String, String)> = w
        .state
        .open_batches
        .iter()
        .map(|(d, b)| (d.clone(), b.clone()))
        .collect();
    for (dsp_id, b) in open {
        let Some(t) = transports.get_mut(&dsp_id) else {
            continue;
        };
        if let Err(e) = t.upload_all(&[OutFile {
            path: format!("{b}/BatchComplete_{b}.xml"),
            content: Content::Bytes(Vec::new()),
        }]) {
            return fail(
                printer,
                codes::DELIVERY_FAILED,
                &format!("batch marker to {}: {e}", t.describe()),
                "run `sleeve apply` again: the batch stays open until its marker arrives",
            );
        }
        w.state.open_batches.remove(&dsp_id);
        if let Err(e) = w.save(&[], &format!("batch {dsp_id} {b} complete")) {
            return state_fail(printer, &e);
        }
    }
    // One file with every delivery, so the next plan reads the state in one go; with the
    // fingerprint of what is now delivered, so the next plan may skip the check.
    let fingerprint = fingerprint(s, &w.state, w.state.serial + 1, &inboxes);
    if let Err(why) = &fingerprint {
        no_fingerprint(why, printer);
    }
    if let Err(e) = w.snapshot(
        &format!("snapshot after {total} changes"),
        fingerprint.as_ref().ok(),
    ) {
        return state_fail(printer, &e);
    }
    printer.err(&format!(
        "applied {total} changes; state serial {}\n",
        w.state.serial
    ));
    Exit::Success
}

/// The state and its repository, behind one lock: every write is one commit.
struct Writer {
    repo: StateRepo,
    state: State,
    tip: Option<git2::Oid>,
    /// Written with the first commit of the apply, then shared by the later ones.
    plan_json: Option<String>,
}

impl Writer {
    /// One commit: `changed` deliveries (none for intent and batch records) and the meta.
    fn save(&mut self, changed: &[String], message: &str) -> Result<(), StateError> {
        self.commit(changed, message, false, None)
    }

    /// A commit that also rewrites the one-file snapshot of every delivery (end of apply),
    /// and records the fingerprint when there is one.
    fn snapshot(
        &mut self,
        message: &str,
        fingerprint: Option<&Fingerprint>,
    ) -> Result<(), StateError> {
        self.commit(&[], message, true, fingerprint)
    }

    fn commit(
        &mut self,
        changed: &[String],
        message: &str,
        snapshot: bool,
        fingerprint: Option<&Fingerprint>,
    ) -> Result<(), StateError> {
        self.state.serial += 1;
        let oid = self.repo.save(
            &self.state,
            changed,
            self.plan_json.as_deref(),
            message,
            self.tip,
            snapshot,
            fingerprint,
        )?;
        if snapshot {
            self.state.snapshot = self.state.serial;
        }
        self.plan_json = None;
        self.tip = Some(oid);
        Ok(())
    }
}

/// What every delivery worker shares.
struct Ctx<'a> {
    l: Lowering<'a>,
    cat: &'a Catalogue,
    root: &'a std::path::Path,
    stamp: &'a str,
    plan_hash: &'a str,
    writer: &'a Mutex<Writer>,
    printer: &'a Printer,
}

/// Deliver one change: record the intent, upload the files, record the result.
fn deliver_one(
    ctx: &Ctx<'_>,
    change: &crate::plan::Change,
    t: &mut dyn Transport,
) -> Result<(), Exit> {
    let printer = ctx.printer;
    let Some(dsp) = ctx.cat.dsps.get(&change.dsp) else {
        return Err(Exit::Failure);
    };
    let lock_failed = || {
        fail(
            printer,
            codes::GIT_FAILED,
            "the state lock was poisoned",
            "run `sleeve apply` again",
        )
    };
    let key = format!("{}/{}", change.dsp, change.upc);
    let identity = format!("{} {}", change.action.symbol(), change.content_hash);
    // Decide the folder and record the intent, under the state lock.
    let (folder, files, summary, message_id, hash) = {
        let mut w = ctx.writer.lock().map_err(|_| lock_failed())?;
        // The same change that an earlier apply started goes to the same folder.
        let folder = match w.state.in_flight.get(&key) {
            Some(f) if f.change == identity => f.folder.clone(),
            _ => match crate::build::batch_of(dsp, ctx.l.now) {
                Some(fresh) => {
                    let b = w
                        .state
                        .open_batches
                        .entry(change.dsp.clone())
                        .or_insert(fresh)
                        .clone();
                    format!("{b}/{}", change.upc)
                }
                None => format!("{}_{}", change.upc, ctx.stamp),
            },
        };
        // A new message id for every delivery, even with a fixed clock.
        let mut l = ctx.l;
        l.sequence = w.state.serial;
        let (files, summary, message_id, hash) =
            match (change.action, ctx.cat.releases.get(&change.release)) {
                (Action::Purge, _) | (_, None) => {
                    let prior = w.state.deliveries.get(&key);
                    let (title, artist) = prior.map_or((String::new(), String::new()), |d| {
                        (d.summary.title.clone(), d.summary.display_artist.clone())
                    });
                    let xml = l.purge(dsp, &change.upc, &title, &artist);
                    let summary = prior.map(|d| d.summary.clone()).unwrap_or_default();
                    let id = crate::lower::hex(&sha2_digest(&xml));
                    (
                        vec![OutFile {
                            path: format!("{folder}/{}.xml", change.upc),
                            content: Content::Bytes(xml),
                        }],
                        summary,
                        format!("SLV-purge-{}", id.get(..16).unwrap_or(&id)),
                        String::new(),
                    )
                }
                (_, Some(rel)) => {
                    let mut msg = match l.message(rel, dsp) {
                        Some(m) => m,
                        None => l.takedown(rel, dsp),
                    };
                    // ERN 3 says whether the DSP has the release already.
                    msg.header.update = w
                        .state
                        .deliveries
                        .get(&key)
                        .is_some_and(crate::state::Delivery::dsp_has_release);
                    let mut files: Vec<OutFile> = msg
                        .body
                        .sound_recordings
                        .iter()
                        .filter_map(|r| r.technical.as_ref().map(|t| &t.file))
                        .chain(
                            msg.body
                                .images
                                .iter()
                                .filter_map(|i| i.technical.as_ref().map(|t| &t.file)),
                        )
                        .map(|f| OutFile {
                            path: format!("{folder}/{}", f.uri),
                            content: Content::File(ctx.root.join(&f.source)),
                        })
                        .collect();
                    // Resources first, then the message: a DSP never sees a message before its files.
                    files.push(OutFile {
                        path: format!("{folder}/{}.xml", change.upc),
                        content: Content::Bytes(crate::ddex::write(&msg, dsp.ern)),
                    });
                    (
                        files,
                        summarise(&msg),
                        msg.header.message_id.clone(),
                        msg.content_hash.clone(),
                    )
                }
            };
        // Intent first: if this process dies during or right after the upload, the next
        // apply resumes into the same folder.
        w.state.in_flight.insert(
            key.clone(),
            InFlight {
                folder: folder.clone(),
                change: identity,
                started_at: timestamp(ctx.l.now),
            },
        );
        w.save(
            &[],
            &format!(
                "{} {} {} (in flight)\n\nfolder {folder}",
                change.action.symbol(),
                change.dsp,
                change.upc
            ),
        )
        .map_err(|e| state_fail(printer, &e))?;
        (folder, files, summary, message_id, hash)
    };
    t.upload_all(&files).map_err(|e| {
        fail(
            printer,
            codes::DELIVERY_FAILED,
            &format!("{} to {}: {e}", change.upc, t.describe()),
            "fix the cause and run `sleeve apply` again: what was delivered is recorded, the rest resumes",
        )
    })?;
    let mut w = ctx.writer.lock().map_err(|_| lock_failed())?;
    w.state.in_flight.remove(&key);
    let accepted_before = w
        .state
        .deliveries
        .get(&key)
        .is_some_and(|d| d.accepted_once || d.status == Status::Accepted);
    let key_done = key.clone();
    w.state.deliveries.insert(
        key,
        Delivery {
            dsp: change.dsp.clone(),
            release: change.release.clone(),
            upc: change.upc.clone(),
            message_id: message_id.clone(),
            content_hash: if hash.is_empty() {
                change.content_hash.clone()
            } else {
                hash
            },
            input: change.input.clone(),
            summary,
            delivered_at: timestamp(ctx.l.now),
            status: Status::Delivered,
            reason: None,
            taken_down: change.action == Action::Takedown || change.action == Action::Purge,
            purged: change.action == Action::Purge,
            accepted_once: accepted_before && change.action != Action::Purge,
        },
    );
    let message = format!(
        "{} {} {} {}\n\nmessage {message_id}\nfolder {folder}\nplan {}",
        change.action.symbol(),
        change.dsp,
        change.release,
        change.upc,
        ctx.plan_hash.get(..16).unwrap_or_default()
    );
    w.save(std::slice::from_ref(&key_done), &message)
        .map_err(|e| state_fail(printer, &e))
}

/// Progress: a bar per DSP on a terminal, a plain line per delivery otherwise.
struct Progress<'a> {
    printer: &'a Printer,
    bars: Option<(indicatif::MultiProgress, Vec<indicatif::ProgressBar>)>,
    done: std::sync::atomic::AtomicUsize,
    total: usize,
}

impl<'a> Progress<'a> {
    fn new(
        printer: &'a Printer,
        queues: &[(String, Vec<&crate::plan::Change>, Box<dyn Transport>)],
    ) -> Self {
        let total = queues.iter().map(|(_, c, _)| c.len()).sum();
        let bars = printer.stderr_is_tty.then(|| {
            let multi = indicatif::MultiProgress::new();
            let style = indicatif::ProgressStyle::with_template(
                "{prefix:>12} [{bar:30}] {pos}/{len} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> ");
            let bars = queues
                .iter()
                .map(|(dsp, changes, _)| {
                    let b = multi.add(indicatif::ProgressBar::new(changes.len() as u64));
                    b.set_style(style.clone());
                    b.set_prefix(dsp.clone());
                    b
                })
                .collect();
            (multi, bars)
        });
        Progress {
            printer,
            bars,
            done: std::sync::atomic::AtomicUsize::new(0),
            total,
        }
    }

    fn step(&self, bar: usize, change: &crate::plan::Change, t: &dyn Transport) {
        let n = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        match &self.bars {
            Some((_, bars)) => {
                if let Some(b) = bars.get(bar) {
                    b.set_message(format!("{} {}", change.action.symbol(), change.upc));
                    b.inc(1);
                }
            }
            None => self.printer.err(&format!(
                "[{n}/{}] {} {} {} → {}\n",
                self.total,
                change.action.symbol(),
                change.dsp,
                change.upc,
                t.describe()
            )),
        }
    }

    fn finish(&self) {
        if let Some((_, bars)) = &self.bars {
            for b in bars {
                b.finish();
            }
        }
    }
}

fn sha2_digest(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

pub fn log(args: PathArgs, printer: &Printer) -> Exit {
    let repo = match StateRepo::open(&args.path) {
        Ok(r) => r,
        Err(e) => return state_fail(printer, &e),
    };
    match repo.log() {
        Ok(entries) if entries.is_empty() => {
            printer.out("no deliveries yet\n");
            Exit::Success
        }
        Ok(entries) => {
            for (id, time, message) in entries {
                let first = message.lines().next().unwrap_or_default();
                // An upload's intent is followed by its result; the result is the entry.
                // Snapshots are bookkeeping.
                if first.ends_with("(in flight)") || first.starts_with("snapshot after") {
                    continue;
                }
                printer.out(&format!(
                    "{} {} {first}\n",
                    id.get(..10).unwrap_or(&id),
                    timestamp(time)
                ));
            }
            Exit::Success
        }
        Err(e) => state_fail(printer, &e),
    }
}

pub fn force_unlock(args: PathArgs, printer: &Printer) -> Exit {
    let repo = match StateRepo::open(&args.path) {
        Ok(r) => r,
        Err(e) => return state_fail(printer, &e),
    };
    // A crash while git wrote the state ref leaves git's own lock file: remove it too.
    match repo.remove_stale_git_lock() {
        Ok(true) => printer.err("removed a stale git lock file on the state ref\n"),
        Ok(false) => {}
        Err(e) => return state_fail(printer, &e),
    }
    match repo.unlock() {
        Ok(true) => {
            printer.err("warning: lock removed; if an apply was still running, its deliveries are recorded up to where it stopped, and two applies may now overlap\n");
            Exit::Success
        }
        Ok(false) => {
            printer.err("no lock was held\n");
            Exit::Success
        }
        Err(e) => state_fail(printer, &e),
    }
}
