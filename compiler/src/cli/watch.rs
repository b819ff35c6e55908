//! `sleeve watch`: check again on every save.
//!
//! File-system events (notify) are debounced: a re-check starts once no event has come for
//! 50 ms, so an editor's save — write a temporary file, rename it over the old one, touch a
//! backup — is one re-check. Whatever state the files are in then is what is checked: a file
//! caught half-written gives diagnostics, and the next save's re-check clears them. Files
//! that did not change are not read again ([`WatchWorld`]), and an edit of release and
//! recording files is checked incrementally ([`crate::incremental`]): only the edited files
//! are parsed and resolved, and only the files they can affect are judged again.
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use super::Exit;
use super::build::Purpose;
use super::deliver::fail;
use super::printer::Printer;
use super::system_world::SystemWorld;
use super::watch_world::WatchWorld;
use crate::diag::codes;
use crate::diag::render::{self, PathStyle};
use crate::incremental::{Session, Update};
use crate::world::World as _;
use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{Event, EventKind, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The catalogue's root folder (holding `sleeve.toml`).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Stop after this many re-checks (after the first check), exiting with the last check's
    /// status (for tests and benchmarks).
    #[arg(long, hide = true)]
    exit_after: Option<usize>,
    /// How long the files must be quiet before a re-check, in milliseconds.
    #[arg(long, hide = true, default_value_t = 50)]
    debounce_ms: u64,
    /// Add how long each stage took to each summary line (for benchmarks).
    #[arg(long, hide = true)]
    timings: bool,
    /// Also keep the build output up to date: after each check without errors, rebuild the
    /// packages the change can affect (as `sleeve build` would, without the rate table).
    #[arg(long)]
    build: bool,
    /// With `--build`: where the packages go (default: `PATH/out`).
    #[arg(long, requires = "build")]
    out: Option<PathBuf>,
    /// Stop the watch of the catalogue (one that `sleeve build` started in the background,
    /// or one running in another terminal), and exit.
    #[arg(long, conflicts_with_all = ["build", "out", "background"])]
    stop: bool,
    /// Run as the background watch `sleeve build` starts: answer before the first check,
    /// log summary lines only, stop after 3 hours without a change or a question, when the
    /// catalogue's folder is gone, or when a newer Sleeve asks.
    #[arg(long, hide = true)]
    background: bool,
    /// Stop after this many seconds without a change or a question (for tests).
    #[arg(long, hide = true)]
    idle_secs: Option<u64>,
}

/// Top-level folders whose changes never matter (build output and tooling, as the loader
/// skips them) are not watched at all, so a build's 100,000 files cost nothing.
use crate::incremental::SKIPPED;

/// A re-check waits at most this long for a burst of events to end (a `git checkout` of
/// many files), then checks anyway; the events after it cause another re-check.
const MAX_WAIT: Duration = Duration::from_millis(500);

pub fn run(args: Args, printer: &Printer) -> Exit {
    let root = args.path.clone();
    if args.stop {
        return stop(&root, printer);
    }
    // Which binary this is, worked out now: an upgrade while it runs must not change it.
    super::serve::binary();
    if !root.is_dir() {
        return fail(
            printer,
            codes::UNREADABLE_FILE,
            &format!("`{}` is not a folder", root.display()),
            "give the catalogue's root folder, the one holding `sleeve.toml`",
        );
    }
    // Events name absolute paths; diagnostics keep the path as given.
    let abs = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
    let (tx, rx) = std::sync::mpsc::channel();
    let events = tx.clone();
    let handler = move |event| {
        let _ = events.send(Msg::Event(event));
    };
    let mut watcher = match notify::recommended_watcher(handler) {
        Ok(w) => w,
        Err(e) => return cannot_watch(printer, &root, &e),
    };
    if let Err(e) = watcher.watch(&abs, RecursiveMode::NonRecursive) {
        return cannot_watch(printer, &root, &e);
    }
    let mut watched = BTreeSet::new();
    resync(&mut watcher, &abs, &mut watched);

    let world = WatchWorld::new(SystemWorld::new(root.clone()));
    let screen = Screen {
        printer,
        paths: PathStyle::new(&root.to_string_lossy()),
        timings: args.timings,
        background: args.background,
    };
    printer.out(&format!(
        "watching `{}` for changes ({})\n",
        root.display(),
        if args.background {
            format!("`sleeve watch --stop {}` to stop", root.display())
        } else {
            "Ctrl-C to stop".into()
        }
    ));
    let mut live = args.build.then(|| {
        let out = args.out.clone().unwrap_or_else(|| root.join("out"));
        super::build::Live::new(root.clone(), out)
    });
    // One-shot `check` and `build` ask this watch from now on; a question asked during the
    // first check is answered after it. The sync cookies' folder is watched by itself:
    // without it no question can be answered.
    let cache_dir = abs.join(super::media_store::FOLDER);
    let listening = super::media_store::ensure_folder(&cache_dir)
        .map_err(|e| format!("cannot create `{}`: {e}", cache_dir.display()))
        .and_then(|()| {
            watcher
                .watch(&cache_dir, RecursiveMode::NonRecursive)
                .map_err(|e| format!("cannot watch `{}`: {e}", cache_dir.display()))
        })
        .and_then(|()| {
            let deliver = move |q| drop(tx.send(Msg::Question(q)));
            super::serve::listen(&root, args.background, deliver)
        });
    if let (true, Err(why)) = (args.background, &listening) {
        printer.out(&format!("not answering `sleeve build`: {why}; stopping\n"));
        return Exit::Failure;
    }
    // The socket bound, to tell it from one a later watch bound after it was deleted.
    let socket = listening.as_ref().ok().map(|s| (s.clone(), file_id(s)));
    let (mut session, mut ok) = screen.first(&world);
    if let Some(live) = live.as_mut() {
        screen.build(live, &session, ok, None, world.now());
        world.media_linked(&live.take_linked());
    }
    // Media facts learnt are written now: `watch` ends when it is killed.
    world.save_media();
    match &listening {
        Ok(socket) => printer.out(&format!(
            "answering `sleeve check`{} on `{}`\n",
            if live.is_some() {
                " and `sleeve build`"
            } else {
                ""
            },
            socket.display()
        )),
        Err(why) => printer.out(&format!("not answering `sleeve check`: {why}\n")),
    }
    let debounce = Duration::from_millis(args.debounce_ms);
    let idle = match (args.idle_secs, args.background) {
        (Some(s), _) => Some(Duration::from_secs(s)),
        (None, true) => Some(super::serve::BACKGROUND_IDLE),
        (None, false) => None,
    };
    let mut rechecks = 0usize;
    let mut questions = Vec::new();
    let mut cookies = 0u64;
    let mut active = Instant::now();
    while args.exit_after.is_none_or(|n| rechecks < n) {
        let until = idle.map(|idle| active + idle);
        let Some(mut change) = next_change(&rx, &abs, debounce, until, &mut questions) else {
            if let Some(idle) = idle.filter(|_| until.is_some_and(|t| Instant::now() >= t)) {
                printer.out(&format!(
                    "stopping: no change and no question for {} s\n",
                    idle.as_secs()
                ));
            }
            break;
        };
        active = Instant::now();
        // In the background, a watch whose socket was deleted (or taken by a later watch)
        // can no longer be asked or stopped: it stops before it builds again.
        if args.background && socket.as_ref().is_some_and(|(p, id)| file_id(p) != *id) {
            printer.out("stopping: its socket is gone\n");
            break;
        }
        // A question is answered once every change saved before it was asked is checked;
        // questions that come during the sync wait for the next one.
        let asked = std::mem::take(&mut questions);
        let synced = asked.is_empty() || sync(&rx, &abs, &mut cookies, &mut change, &mut questions);
        if !asked.is_empty() {
            // Media no event can name (outside the root, hidden) are looked at again, as a
            // one-shot command would.
            change.paths.extend(session.stale_unreported(&world));
        }
        let mut built = 0;
        if !change.paths.is_empty() {
            if args.background && !abs.is_dir() {
                printer.out("stopping: the catalogue's folder is gone\n");
                break;
            }
            // Another build wrote the output (`--copy`, another clock, `--no-watch`): a
            // background watch does not write over it unasked.
            if args.background && live.as_ref().is_some_and(|l| l.written_elsewhere()) {
                printer.out("stopping: the output changed on disk (another build wrote it)\n");
                break;
            }
            world.forget(&change.paths, change.structural);
            // Folders may have appeared or gone: watch what is there now, before reading
            // it, so nothing written from here on goes unseen.
            resync(&mut watcher, &abs, &mut watched);
            let state = (&mut session, &mut ok);
            built = on_change(&screen, &world, &abs, &change.paths, state, live.as_mut());
            rechecks += 1;
        }
        let mut stopping = None;
        for q in asked {
            let stop = q.stops(args.background);
            answer(&screen, &world, q, synced, &session, live.as_mut(), built);
            world.media_linked(&live.as_mut().map(|l| l.take_linked()).unwrap_or_default());
            // A question may have built (the rate table): it is counted once.
            built = 0;
            world.save_media();
            stopping = stopping.or(stop);
        }
        if let Some(why) = stopping {
            printer.out(&format!("stopping: {why}\n"));
            break;
        }
    }
    // The socket goes with the watch, unless a later watch bound its own there.
    if let Some((path, id)) = &socket
        && file_id(path) == *id
    {
        let _ = std::fs::remove_file(path);
    }
    if ok { Exit::Success } else { Exit::Failure }
}

/// A file's device and inode (on Unix), to tell a file from another later at the same path.
fn file_id(path: &Path) -> Option<(u64, u64)> {
    let m = std::fs::symlink_metadata(path).ok()?;
    #[cfg(unix)]
    return Some((
        std::os::unix::fs::MetadataExt::dev(&m),
        std::os::unix::fs::MetadataExt::ino(&m),
    ));
    #[cfg(not(unix))]
    Some((m.len(), 0))
}

/// `sleeve watch --stop`: stop the watch of `root`, if one runs.
fn stop(root: &Path, printer: &Printer) -> Exit {
    match super::serve::stop(root) {
        Ok(true) => {
            printer.err(&format!("stopped the watch of `{}`\n", root.display()));
            Exit::Success
        }
        Ok(false) => {
            printer.err(&format!("no watch runs for `{}`\n", root.display()));
            Exit::Success
        }
        Err(why) => fail(
            printer,
            codes::UNREADABLE_FILE,
            &why,
            "stop the `sleeve watch` process by hand (it is named in its log, `.sleeve-cache/watch.log`)",
        ),
    }
}

/// Check (and build) again after `changed` (forgotten by the world already); returns how
/// many packages were built.
fn on_change(
    screen: &Screen<'_>,
    world: &WatchWorld,
    abs: &Path,
    changed: &BTreeSet<String>,
    (session, ok): (&mut Session, &mut bool),
    live: Option<&mut super::build::Live>,
) -> usize {
    // Name what is there now: an editor's save by rename also touched a temporary file.
    let present: BTreeSet<String> = changed
        .iter()
        .filter(|p| !p.is_empty() && abs.join(p).exists())
        .cloned()
        .collect();
    let shown = if present.is_empty() {
        changed
    } else {
        &present
    };
    let how;
    (*ok, how) = screen.recheck(world, session, changed, shown);
    let mut built = 0;
    if let Some(live) = live {
        built = match &how {
            Update::Unchanged => 0,
            Update::Incremental { judged, .. } => {
                screen.build(live, session, *ok, Some(judged), world.now())
            }
            Update::Full(_) => screen.build(live, session, *ok, None, world.now()),
        };
        world.media_linked(&live.take_linked());
    }
    world.save_media();
    built
}

/// Where the sync cookies go: the cache folder, watched by itself (not recursively) so that
/// its events share the queue of the catalogue's.
const COOKIES: &str = ".sleeve-cache/sync-";

/// Make sure every change saved before now has arrived: create a cookie file in the cache
/// folder and wait for its event (one watcher's events arrive in order, as watchman relies
/// on), adding what arrives before it to `change`, and questions to `questions`. `false`:
/// the cookie could not be written, or its event did not come within 5 seconds.
fn sync(
    rx: &Receiver<Msg>,
    root: &Path,
    cookies: &mut u64,
    change: &mut Change,
    questions: &mut Vec<super::serve::Question>,
) -> bool {
    *cookies += 1;
    let name = format!("{COOKIES}{}-{cookies}", std::process::id());
    let path = root.join(&name);
    if std::fs::write(&path, b"").is_err() {
        return false;
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    let seen = loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(Msg::Event(e)) => {
                if relevant(e, root, change).contains(&name) {
                    break true;
                }
            }
            Ok(Msg::Question(q)) => questions.push(q),
            Err(_) => break false,
        }
    };
    let _ = std::fs::remove_file(&path);
    seen
}

/// Answer a one-shot command's question from the checked session, as the command would
/// have printed it; `built`: packages the change before it built.
fn answer(
    screen: &Screen<'_>,
    world: &WatchWorld,
    q: super::serve::Question,
    synced: bool,
    session: &Session,
    live: Option<&mut super::build::Live>,
    built: usize,
) {
    use super::serve::Command;
    let start = Instant::now();
    if let Some(why) = q.request.refusal() {
        return q.refuse(why);
    }
    if q.request.command == Command::Stop {
        q.answer(&super::serve::Reply::default());
        return screen.printer.out("answered `sleeve watch --stop`\n");
    }
    // A command that stopped waiting runs by itself: building for it too would write the
    // same output twice at once.
    if q.abandoned() {
        screen
            .printer
            .out("not answered: the command stopped waiting and ran by itself\n");
        return;
    }
    if !synced {
        return q.refuse("the watch could not make sure it saw every change".into());
    }
    let format = q.request.format;
    let printer = Printer::capture(q.request.color);
    let root = q.request.root.clone();
    let diagnostics = session.diagnostics();
    let (errors, warnings) = (diagnostics.error_count(), diagnostics.warning_count());
    let sources = session.sources();
    let (name, exit) = match &q.request.command {
        Command::Check { deny_warnings } => {
            super::check::show(diagnostics, sources, &root, format, &printer, true);
            (
                "check",
                super::check::exit(errors, warnings, *deny_warnings),
            )
        }
        Command::Build { out, out_full } => {
            let Some(live) = live.filter(|l| l.writes_to(out_full)) else {
                return q.refuse("this watch does not build into that folder".into());
            };
            super::check::show(diagnostics, sources, &root, format, &printer, false);
            let exit = if errors > 0 {
                super::build::nothing_built(&printer)
            } else {
                let none = BTreeSet::new();
                let now = world.now();
                match live.update(session, Some(&none), now, &printer, Purpose::Command) {
                    Ok(n) => {
                        let written = if screen.background {
                            let written = live.written_since_report();
                            live.mark_reported();
                            written
                        } else {
                            built + n
                        };
                        live.summary(written, out, format, &printer);
                        Exit::Success
                    }
                    Err(e) => {
                        printer.err(&super::build::write_failed(&e));
                        Exit::Failure
                    }
                }
            };
            ("build", exit)
        }
        Command::Ping => ("ping", Exit::Success),
        Command::Stop => return,
    };
    q.answer(&super::serve::reply(&printer, exit));
    screen.printer.out(&format!(
        "answered `sleeve {name}` ({} ms)\n",
        start.elapsed().as_millis()
    ));
}

fn cannot_watch(printer: &Printer, root: &Path, e: &notify::Error) -> Exit {
    fail(
        printer,
        codes::UNREADABLE_FILE,
        &format!("cannot watch `{}` for changes: {e}", root.display()),
        "check that the folder is readable; on Linux, raise `fs.inotify.max_user_watches` if it is exhausted",
    )
}

/// Watch every top-level folder that the loader reads (recursively; notify adds folders
/// created inside them), and stop watching those that are gone.
fn resync(watcher: &mut impl Watcher, root: &Path, watched: &mut BTreeSet<PathBuf>) {
    let now: BTreeSet<PathBuf> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            !name.starts_with('.') && !SKIPPED.contains(&name.as_str())
        })
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    for gone in watched.difference(&now) {
        let _ = watcher.unwatch(gone);
    }
    watched.retain(|p| now.contains(p));
    for new in now {
        if !watched.contains(&new) && watcher.watch(&new, RecursiveMode::Recursive).is_ok() {
            watched.insert(new);
        }
    }
}

/// What the watch loop receives: file-system events, and one-shot commands' questions.
enum Msg {
    Event(notify::Result<Event>),
    Question(super::serve::Question),
}

/// What changed between two checks.
#[derive(Default)]
struct Change {
    /// Root-relative paths; `""` for the root, or for events that were lost.
    paths: BTreeSet<String>,
    /// Something was created, removed or renamed: the listing changed.
    structural: bool,
}

/// Wait for the next relevant change and the quiet after it, or for a question (which ends
/// the wait at once: it is answered after what changed is checked). `None` when the watcher
/// stopped, or when nothing that matters came by `until` (events that change nothing, such
/// as a file opened, do not count).
fn next_change(
    rx: &Receiver<Msg>,
    root: &Path,
    debounce: Duration,
    until: Option<Instant>,
    questions: &mut Vec<super::serve::Question>,
) -> Option<Change> {
    let mut changed = Change::default();
    while changed.paths.is_empty() && questions.is_empty() {
        let msg = match until {
            Some(t) => rx
                .recv_timeout(t.saturating_duration_since(Instant::now()))
                .ok()?,
            None => rx.recv().ok()?,
        };
        match msg {
            Msg::Event(e) => drop(relevant(e, root, &mut changed)),
            Msg::Question(q) => questions.push(q),
        }
    }
    let start = Instant::now();
    while questions.is_empty() {
        match rx.recv_timeout(debounce) {
            Ok(Msg::Event(e)) => drop(relevant(e, root, &mut changed)),
            Ok(Msg::Question(q)) => questions.push(q),
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => return None,
        }
        if start.elapsed() > MAX_WAIT {
            break;
        }
    }
    Some(changed)
}

/// Add the paths of `event` that can change the check's result to `changed`; returns the
/// sync cookies it created ([`sync`]). A watcher error, or events lost to an overflowing
/// queue (notify reports those as a rescan), count as a change of the root: read everything.
fn relevant(event: notify::Result<Event>, root: &Path, changed: &mut Change) -> Vec<String> {
    let event = match event {
        Ok(e) if !e.need_rescan() => e,
        _ => {
            changed.paths.insert(String::new());
            changed.structural = true;
            return Vec::new();
        }
    };
    let structural = match event.kind {
        // Opening and reading change nothing; closing a file written to ends a save.
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => false,
        EventKind::Access(_) => return Vec::new(),
        EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Metadata(_)) => false,
        // Created, removed, renamed, or a kind the platform does not tell.
        _ => true,
    };
    let created = matches!(event.kind, EventKind::Create(_));
    let mut cookies = Vec::new();
    let mut any = false;
    for path in &event.paths {
        let rel = path.strip_prefix(root).unwrap_or(path);
        let rel = rel.to_string_lossy().replace('\\', "/");
        if created && rel.starts_with(COOKIES) {
            cookies.push(rel);
            continue;
        }
        // Hidden files (`.git`, editors' `.x.toml.swp`) and backups (`x.toml~`) never matter.
        if crate::incremental::reported(&rel) {
            changed.paths.insert(rel);
            any = true;
        }
    }
    changed.structural |= structural && any;
    cookies
}

/// Where a check's result is shown: standard output, redrawn on a terminal.
struct Screen<'a> {
    printer: &'a Printer,
    paths: PathStyle,
    timings: bool,
    /// A background watch: its log has the summary lines, not the diagnostics (the
    /// commands it answers show those), and an answered build counts as written what was
    /// built since the last one ([`super::build::Live::written_since_report`]).
    background: bool,
}

impl Screen<'_> {
    /// The first check, of everything.
    fn first(&self, world: &WatchWorld) -> (Session, bool) {
        let (start, mut stages) = (Instant::now(), Stages::new());
        let session = Session::new(world, &mut |stage| stages.done(stage));
        let (parsed, reused) = session.last_load();
        let ok = self.show(&session, None, start, (parsed, reused), stages.joined());
        (session, ok)
    }

    /// Bring `session` up to date after `changed`, and show it; `shown` names what changed.
    fn recheck(
        &self,
        world: &WatchWorld,
        session: &mut Session,
        changed: &BTreeSet<String>,
        shown: &BTreeSet<String>,
    ) -> (bool, Update) {
        let (start, mut stages) = (Instant::now(), Stages::new());
        let how = session.update(world, changed, &mut |stage| stages.done(stage));
        let files = session.sources().len();
        let (counts, mode) = match &how {
            Update::Unchanged => ((0, files), "nothing changed".to_string()),
            Update::Incremental { parsed, judged } => (
                (*parsed, files - (*parsed).min(files)),
                format!(
                    "incremental, rules on {} file{}",
                    judged.len(),
                    if judged.len() == 1 { "" } else { "s" }
                ),
            ),
            Update::Full(reason) => (session.last_load(), format!("full: {reason}")),
        };
        let ok = self.show(
            session,
            Some(shown),
            start,
            counts,
            format!("{mode}; {}", stages.joined()),
        );
        (ok, how)
    }

    /// With `--build`: bring the output up to date after a check, when it had no errors.
    /// Returns how many packages were built.
    fn build(
        &self,
        live: &mut super::build::Live,
        session: &Session,
        ok: bool,
        judged: Option<&BTreeSet<crate::source::FileId>>,
        now: i64,
    ) -> usize {
        if !ok {
            live.skip(judged);
            self.printer
                .out("not built: the catalogue has errors; the output is as last built\n");
            return 0;
        }
        match live.update(session, judged, now, self.printer, Purpose::Save) {
            Ok(built) => {
                self.printer.out(&live.line(built));
                built
            }
            Err(e) => {
                self.printer.out(&super::build::write_failed(&e));
                0
            }
        }
    }

    /// Show the diagnostics and a summary; `changed` names what triggered the check (the first
    /// check has nothing). Returns whether there were no errors.
    fn show(
        &self,
        session: &Session,
        changed: Option<&BTreeSet<String>>,
        start: Instant,
        (parsed, reused): (usize, usize),
        timings: String,
    ) -> bool {
        let diagnostics = session.diagnostics();
        let errors = diagnostics.error_count();
        let warnings = diagnostics.warning_count();
        let mut out = String::new();
        if self.printer.stdout_is_tty {
            // Clear the screen and the scrollback, cursor home: only the current state shows.
            out.push_str("\x1b[H\x1b[2J\x1b[3J");
        } else if let Some(changed) = changed {
            out.push_str(&separator(changed));
        }
        for d in diagnostics
            .sorted()
            .into_iter()
            .filter(|_| !self.background)
        {
            out.push_str(&render::human(
                &d,
                session.sources(),
                &self.paths,
                self.printer.stdout_color,
                80,
            ));
        }
        let summary = super::check::summary(session.sources().len(), errors, warnings);
        let timings = if self.timings {
            format!("; {timings}")
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{} ({} ms; {parsed} parsed, {reused} unchanged{timings})\n",
            summary.trim_end(),
            start.elapsed().as_millis()
        ));
        self.printer.out(&out);
        errors == 0
    }
}

/// How long each stage of a check took, for `--timings`.
struct Stages {
    last: Instant,
    done: Vec<String>,
}

impl Stages {
    fn new() -> Stages {
        Stages {
            last: Instant::now(),
            done: Vec::new(),
        }
    }

    fn done(&mut self, stage: &str) {
        let now = Instant::now();
        self.done
            .push(format!("{stage} {} ms", (now - self.last).as_millis()));
        self.last = now;
    }

    fn joined(&self) -> String {
        self.done.join(", ")
    }
}

/// The line between two checks' output when it is not a terminal (a log, a pipe).
fn separator(changed: &BTreeSet<String>) -> String {
    let what = match changed.len() {
        0 => "files".to_string(),
        1 => match changed.first().map(String::as_str) {
            Some("") | None => "the catalogue".to_string(),
            Some(p) => format!("`{p}`"),
        },
        n => format!("{n} paths"),
    };
    format!("──── {what} changed ────\n")
}
