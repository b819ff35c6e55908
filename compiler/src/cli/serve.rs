//! One-shot commands answered by a running `sleeve watch`.
//!
//! `watch` keeps the checked catalogue in memory and brings it up to date on every save, in
//! milliseconds where a one-shot `check` parses all files again. While it runs, it listens
//! on a Unix socket in the catalogue's cache folder (`.sleeve-cache/watch.sock`), and
//! `sleeve check` and `sleeve build` ask it first, as Gradle's client asks its daemon:
//!
//! 1. the client sends one JSON line: the command and everything its output depends on
//!    (format, colour, the paths as typed, `SOURCE_DATE_EPOCH`, the Sleeve binary);
//! 2. the watch's listening thread acknowledges it at once (a watch that is stopped or hung
//!    does not, and the client runs the command itself after 2 s);
//! 3. the watch makes sure it has seen every change saved before the question (a cookie
//!    file whose event it waits for, see `watch.rs`), checks and builds what changed at once,
//!    and answers with exactly what the one-shot command would print, and its exit status.
//!
//! A client that finds no socket, cannot connect (a watch that was killed), gets no
//! acknowledgement, or whose question the watch cannot answer as the one-shot would (another
//! Sleeve binary, another output folder, `--copy`, another `SOURCE_DATE_EPOCH`) runs the
//! command itself; so does `--no-watch`, or `SLEEVE_NO_WATCH=1`.
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use super::Exit;
use super::printer::Printer;
use crate::diag::render::Format;
use std::io::{BufRead, BufReader, Read, Write};
#[cfg(unix)]
use std::os::unix::net::{UnixListener, UnixStream as Stream};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where there are no Unix sockets, nothing listens and no stream is ever made.
#[cfg(not(unix))]
type Stream = std::net::TcpStream;

/// The socket's name in the cache folder.
const SOCKET: &str = "watch.sock";

/// How long a client waits for the watch to acknowledge its question.
const ACKNOWLEDGE_WITHIN: Duration = Duration::from_secs(2);

/// How long a client waits for the answer once acknowledged: a full check and update of a
/// large catalogue after a `git checkout` takes seconds, but a watch that hangs must not hang
/// the command forever.
const ANSWER_WITHIN: Duration = Duration::from_secs(600);

/// The longest question read (a question is a few hundred bytes).
const QUESTION_MAX: u64 = 64 * 1024;

/// The command a client asks the watch to run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Command {
    Check {
        deny_warnings: bool,
    },
    Build {
        /// The output folder, as typed (for the summary) and as a full path (to compare).
        out: PathBuf,
        out_full: PathBuf,
    },
    /// Is a watch answering here? (Acknowledged by the listening thread alone.)
    Ping,
    /// Stop watching (`sleeve watch --stop`): answered by any Sleeve binary.
    Stop,
}

/// One question, as one line of JSON.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Request {
    /// [`binary`]: only the same Sleeve answers.
    pub binary: String,
    pub command: Command,
    /// The catalogue's root as typed: diagnostics name files under it.
    pub root: PathBuf,
    pub format: Format,
    /// Colours in the human output (the client's terminal and `NO_COLOR` decide).
    pub color: bool,
    /// The client's `SOURCE_DATE_EPOCH`: the watch answers only with the same clock.
    pub epoch: Option<String>,
}

/// The first line of every exchange's answer: the question was read.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Ack {
    ack: bool,
}

/// The answer: what to print, and the exit status; or why the watch cannot answer.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Reply {
    pub refused: Option<String>,
    pub stdout: String,
    pub stderr: String,
    pub exit: i32,
    /// In the answer to a ping: the watch runs in the background (`sleeve build` started
    /// it), and a watch started by hand takes over from it.
    #[serde(default)]
    pub background: bool,
}

/// This Sleeve binary: its version, the protocol's, and the executable's size and time (two
/// builds of one version differ).
pub fn binary() -> String {
    static BINARY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BINARY
        .get_or_init(|| {
            let exe = std::env::current_exe()
                .and_then(std::fs::metadata)
                .map(|m| {
                    let t = m
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
                    format!("{}-{}", m.len(), t.map_or(0, |t| t.as_nanos()))
                })
                .unwrap_or_default();
            format!("{}/serve-2/{exe}", env!("CARGO_PKG_VERSION"))
        })
        .clone()
}

impl Request {
    pub fn new(command: Command, root: &Path, format: Format, color: bool) -> Request {
        Request {
            binary: binary(),
            command,
            root: root.to_path_buf(),
            format,
            color,
            epoch: std::env::var("SOURCE_DATE_EPOCH").ok(),
        }
    }

    /// Why this watch cannot answer as the one-shot command would, if it cannot.
    pub fn refusal(&self) -> Option<String> {
        if self.command == Command::Stop {
            return None;
        }
        if self.binary != binary() {
            return Some("the watch runs another Sleeve binary".into());
        }
        if self.epoch != std::env::var("SOURCE_DATE_EPOCH").ok() {
            return Some("the command's SOURCE_DATE_EPOCH differs from the watch's".into());
        }
        None
    }
}

/// The socket of the watch of the catalogue at `root`.
pub fn socket(root: &Path) -> PathBuf {
    root.join(super::media_store::FOLDER).join(SOCKET)
}

/// Ask the watch of `root`, if one runs and answers: print its answer with `printer` and
/// return the exit status. `None`: no watch answered; run the command here.
pub fn ask(root: &Path, request: &Request, printer: &Printer) -> Option<Exit> {
    if no_watch() {
        return None;
    }
    let path = socket(root);
    if !path.exists() {
        return None;
    }
    let reply = connect(&path)
        .and_then(|s| exchange_showing(s, request, Some(printer)))
        .ok()?;
    show(&reply, printer)
}

/// `SLEEVE_NO_WATCH=1`: never ask a watch, nor start one.
fn no_watch() -> bool {
    std::env::var("SLEEVE_NO_WATCH").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Print an answer; `None` when it was refused.
fn show(reply: &Reply, printer: &Printer) -> Option<Exit> {
    if reply.refused.is_some() {
        return None;
    }
    printer.out(&reply.stdout);
    printer.err(&reply.stderr);
    Some(match reply.exit {
        0 => Exit::Success,
        _ => Exit::Failure,
    })
}

/// The background watch's log, in the cache folder.
pub const LOG: &str = "watch.log";

/// How long a background watch lives without a change or a question.
pub const BACKGROUND_IDLE: Duration = Duration::from_secs(3 * 60 * 60);

/// Whether `sleeve build`, finding no watch, starts one in the background: when asked to
/// (`SLEEVE_BACKGROUND_WATCH=1`, `true`, `yes`), else at a terminal outside CI (`CI` unset,
/// empty, `0` or `false`); never with `SLEEVE_BACKGROUND_WATCH=0` (`false`, `no`) or
/// `SLEEVE_NO_WATCH=1`.
pub fn background_wanted(printer: &Printer) -> bool {
    // Without Unix sockets a watch cannot answer.
    if no_watch() || cfg!(not(unix)) {
        return false;
    }
    let var = |name: &str| std::env::var(name).map(|v| v.trim().to_ascii_lowercase());
    match var("SLEEVE_BACKGROUND_WATCH").as_deref() {
        Ok("1" | "true" | "yes" | "on") => true,
        Ok("0" | "false" | "no" | "off") => false,
        _ => {
            let ci = var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false" | "no"));
            printer.stderr_is_tty && !ci
        }
    }
}

/// Start `sleeve watch --build --background` of `root` into `out`, as Gradle's client starts
/// its daemon, once the command has built here, and wait (up to 2 s) until it listens, so
/// that a build run right after this one is answered rather than run beside its first
/// check. It checks the catalogue again, finds the output up to date, and answers the next
/// builds in milliseconds. Nothing is started when `root` is not a catalogue, a watch
/// answers there (for another binary or folder), or `out` is inside `root` (but not in a
/// folder the loader skips): the watch would watch its own output.
pub fn start_background(root: &Path, out: &Path, printer: &Printer) {
    let path = socket(root);
    if !root.join("sleeve.toml").is_file() || connect(&path).is_ok() {
        return;
    }
    // The output exists: the command has just built it.
    let (Ok(root_abs), Ok(out_abs)) = (std::fs::canonicalize(root), std::fs::canonicalize(out))
    else {
        return;
    };
    let inside = out_abs.strip_prefix(&root_abs).ok().and_then(|rel| {
        let first = rel
            .components()
            .next()?
            .as_os_str()
            .to_string_lossy()
            .into_owned();
        Some(!crate::incremental::SKIPPED.contains(&first.as_str()))
    });
    if inside == Some(true) {
        return;
    }
    let cache = root.join(super::media_store::FOLDER);
    let log = cache.join(LOG);
    let started = (|| {
        super::media_store::ensure_folder(&cache)?;
        // Every background watch appends to the log: past 1 MB it becomes `watch.log.1`
        // (replacing the one before) and a new log begins, so it never grows past about 2 MB.
        if std::fs::metadata(&log).is_ok_and(|m| m.len() > 1 << 20) {
            std::fs::rename(&log, cache.join(format!("{LOG}.1")))?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)?;
        let mut command = detached(std::env::current_exe()?);
        command
            .arg("watch")
            .arg(root)
            .arg("--build")
            .arg("--out")
            .arg(out)
            .arg("--background")
            .stdin(std::process::Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file);
        command.spawn()
    })();
    let mut child = match started {
        Ok(child) => child,
        Err(e) => {
            return printer.err(&format!(
                "warning: could not start a background `sleeve watch`: {e}\n"
            ));
        }
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    while connect(&path).is_err()
        && matches!(child.try_wait(), Ok(None))
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    printer.err(&format!(
        "started a background `sleeve watch --build` (process {pid}): it keeps `{root}` \
         checked, so the next builds take milliseconds; it stops after {hours} hours \
         unused, or with `sleeve watch --stop {root}` (log: `{log}`)\n",
        root = root.display(),
        pid = child.id(),
        hours = BACKGROUND_IDLE.as_secs() / 3600,
        log = log.display(),
    ));
}

/// A command for `exe` that runs apart from this process: in its own process group (a
/// Ctrl-C at the terminal stops a command, not the watch), and, on Unix, through `sh`
/// closing the descriptors 3 to 9 this process inherited (a pipe held open for hours would
/// keep whoever reads it waiting; `sh` cannot name higher ones, and closing them here
/// would take `unsafe`). Descriptors this process opened itself close on exec already.
fn detached(exe: PathBuf) -> std::process::Command {
    #[cfg(unix)]
    {
        let inherited: Vec<String> = std::fs::read_dir("/dev/fd")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
            .filter(|fd| (3..=9).contains(fd))
            .map(|fd| format!(" {fd}>&-"))
            .collect();
        let mut command = std::process::Command::new("sh");
        command
            .arg("-c")
            .arg(format!("exec \"$0\" \"$@\"{}", inherited.concat()))
            .arg(exe);
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        command
    }
    #[cfg(not(unix))]
    std::process::Command::new(exe)
}

/// Ask the watch of `root` to stop. `Ok(false)`: no watch answers there.
pub fn stop(root: &Path) -> Result<bool, String> {
    let path = socket(root);
    if !path.exists() {
        return Ok(false);
    }
    let stream = match connect(&path) {
        Ok(s) => s,
        // Left by a watch that was killed.
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            let _ = std::fs::remove_file(&path);
            return Ok(false);
        }
        Err(e) => {
            return Err(format!(
                "cannot reach the watch on `{}`: {e}",
                path.display()
            ));
        }
    };
    let request = Request::new(Command::Stop, root, Format::Human, false);
    match exchange(stream, &request) {
        Ok(Reply { refused: None, .. }) => Ok(true),
        Ok(Reply {
            refused: Some(why), ..
        }) => Err(format!("the watch did not stop: {why}")),
        Err(e) => Err(format!("the watch did not answer: {e}")),
    }
}

/// A Unix socket address holds about 100 bytes: the shorter of `path` and its form relative
/// to the working folder.
fn short(path: &Path) -> PathBuf {
    let relative = (|| {
        let dir = std::fs::canonicalize(path.parent()?).ok()?;
        let cwd = std::fs::canonicalize(std::env::current_dir().ok()?).ok()?;
        let common = dir
            .components()
            .zip(cwd.components())
            .take_while(|(a, b)| a == b)
            .count();
        let mut rel = PathBuf::new();
        for _ in cwd.components().skip(common) {
            rel.push("..");
        }
        rel.extend(dir.components().skip(common));
        Some(rel.join(path.file_name()?))
    })();
    match relative {
        Some(r) if r.as_os_str().len() < path.as_os_str().len() => r,
        _ => path.to_path_buf(),
    }
}

fn connect(path: &Path) -> std::io::Result<Stream> {
    #[cfg(unix)]
    return Stream::connect(short(path));
    #[cfg(not(unix))]
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        format!("no Unix sockets for `{}`", path.display()),
    ))
}

/// Send `request` on `stream`; wait for the acknowledgement, then the answer.
fn exchange(stream: Stream, request: &Request) -> std::io::Result<Reply> {
    exchange_showing(stream, request, None)
}

/// How long an answer may take before the command says what it waits for.
const SAY_WAITING_AFTER: Duration = Duration::from_millis(500);

/// [`exchange`]; with a printer at a terminal, an answer that takes longer than
/// [`SAY_WAITING_AFTER`] (a `git checkout` checked and built again) shows a status line
/// until it comes, as the command's own progress bar would.
fn exchange_showing(
    mut stream: Stream,
    request: &Request,
    printer: Option<&Printer>,
) -> std::io::Result<Reply> {
    stream.set_read_timeout(Some(ACKNOWLEDGE_WITHIN))?;
    write_line(&mut stream, request)?;
    let mut reader = BufReader::new(stream);
    let mut ack = String::new();
    reader.read_line(&mut ack)?;
    serde_json::from_str::<Ack>(&ack).map_err(std::io::Error::other)?;
    let mut waiting = false;
    if let Some(printer) = printer.filter(|p| p.stderr_is_tty)
        && reader.buffer().is_empty()
    {
        // Wait for the answer's first bytes (buffered, read below).
        reader.get_ref().set_read_timeout(Some(SAY_WAITING_AFTER))?;
        let pending = reader.fill_buf().err().map(|e| e.kind());
        if matches!(
            pending,
            Some(std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)
        ) {
            printer.status("the running `sleeve watch` is bringing the catalogue up to date…");
            waiting = true;
        }
    }
    reader.get_ref().set_read_timeout(Some(ANSWER_WITHIN))?;
    let mut answer = String::new();
    let read = reader.read_line(&mut answer);
    if let (true, Some(printer)) = (waiting, printer) {
        // The status line goes before the answer is printed.
        printer.status("\r\x1b[2K");
    }
    read?;
    serde_json::from_str(&answer).map_err(std::io::Error::other)
}

/// A question received, with the connection to answer on.
pub struct Question {
    pub request: Request,
    stream: Stream,
}

impl Question {
    pub fn answer(mut self, reply: &Reply) {
        send(&mut self.stream, reply);
    }

    /// Whether the client stopped waiting (it gave up on a watch that was stopped or slow,
    /// and runs the command itself): nothing must be done for it then. A waiting client has
    /// nothing more to send, so a read would block; a client that left gives end of file.
    pub fn abandoned(&self) -> bool {
        if self.stream.set_nonblocking(true).is_err() {
            return false;
        }
        let gone = matches!((&self.stream).read(&mut [0u8; 1]), Ok(0));
        let _ = self.stream.set_nonblocking(false);
        gone
    }

    /// Why the watch stops once this is answered, if it does: `sleeve watch --stop`; or, for
    /// a watch in the background, a question from a newer Sleeve binary (an upgrade: that
    /// command runs by itself, and the next `sleeve build` starts a watch of the new one).
    pub fn stops(&self, background: bool) -> Option<String> {
        if self.request.command == Command::Stop {
            return Some("asked to (`sleeve watch --stop`)".into());
        }
        let stamp = |b: &str| b.rsplit('-').next().and_then(|t| t.parse::<u128>().ok());
        let newer = stamp(&self.request.binary)
            .zip(stamp(&binary()))
            .is_some_and(|(theirs, ours)| theirs > ours);
        (background && newer).then(|| "a newer Sleeve binary asked".into())
    }

    pub fn refuse(self, why: String) {
        self.answer(&Reply {
            refused: Some(why),
            ..Reply::default()
        });
    }
}

/// Write `value` as one line of JSON.
fn write_line(stream: &mut Stream, value: &impl serde::Serialize) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    line.push(b'\n');
    stream.write_all(&line)
}

/// Write one line of JSON; a client that does not read it within 5 s is given up on.
/// `false`: it could not be written (the client is gone).
fn send(stream: &mut Stream, value: &impl serde::Serialize) -> bool {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    write_line(stream, value).is_ok()
}

/// What a captured printer wrote, and the exit status, as a reply.
pub fn reply(printer: &Printer, exit: Exit) -> Reply {
    let (stdout, stderr) = printer.take_recording().unwrap_or_default();
    Reply {
        refused: None,
        stdout,
        stderr,
        exit: exit as i32,
        background: false,
    }
}

/// Listen for questions about the catalogue at `root` (its cache folder exists), passing
/// each to `deliver`; `background`: this is the watch `sleeve build` started. `Err`: why
/// this watch cannot answer (said once; it then watches without answering). A watch
/// started by hand takes over from a background one: it stops it first, so that two
/// watches never build into one folder.
pub fn listen(
    root: &Path,
    background: bool,
    deliver: impl Fn(Question) + Send + Sync + 'static,
) -> Result<PathBuf, String> {
    let path = socket(root);
    if path.exists() {
        let ping = Request::new(Command::Ping, root, Format::Human, false);
        match connect(&path) {
            Ok(stream) => match exchange(stream, &ping) {
                Ok(reply) if reply.background && !background => {
                    stop(root)?;
                    // It removes its socket as it ends.
                    let deadline = std::time::Instant::now() + Duration::from_secs(5);
                    while path.exists() && std::time::Instant::now() < deadline {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                }
                Ok(_) => return Err("another `sleeve watch` answers for this catalogue".into()),
                // Not acknowledged: the watch holding it is stopped.
                Err(_) => {}
            },
            // A watch that was killed left its socket.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {}
            Err(e) => return Err(format!("cannot use `{}`: {e}", path.display())),
        }
        let _ = std::fs::remove_file(&path);
    }
    accept(&path, background, deliver)?;
    Ok(path)
}

/// Bind the socket at `path` (only its owner may connect) and read each question on a
/// thread of its own, passing it to `deliver` (a question the watch no longer takes is
/// dropped, closing its connection: the command then runs by itself).
#[cfg(unix)]
fn accept(
    path: &Path,
    background: bool,
    deliver: impl Fn(Question) + Send + Sync + 'static,
) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt as _;
    let listener = UnixListener::bind(short(path))
        .map_err(|e| format!("cannot listen on `{}`: {e}", path.display()))?;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    let deliver = std::sync::Arc::new(deliver);
    std::thread::spawn(move || {
        loop {
            let stream = match listener.accept() {
                Ok((s, _)) => s,
                // Out of file descriptors, say: try again shortly rather than spin.
                Err(_) => {
                    std::thread::sleep(Duration::from_millis(100));
                    continue;
                }
            };
            let deliver = std::sync::Arc::clone(&deliver);
            std::thread::spawn(move || read_question(stream, background, &*deliver));
        }
    });
    Ok(())
}

#[cfg(not(unix))]
fn accept(
    _path: &Path,
    _background: bool,
    _deliver: impl Fn(Question) + Send + Sync + 'static,
) -> Result<(), String> {
    Err("this system has no Unix sockets".into())
}

/// Read one question (at most [`QUESTION_MAX`] bytes, within 5 s), acknowledge it, and
/// deliver it; a ping is answered here.
fn read_question(mut stream: Stream, background: bool, deliver: &dyn Fn(Question)) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Ok(read) = stream.try_clone() else {
        return;
    };
    let mut line = String::new();
    if BufReader::new(read.take(QUESTION_MAX))
        .read_line(&mut line)
        .is_err()
    {
        return;
    }
    let request = match serde_json::from_str::<Request>(&line) {
        Ok(r) => r,
        Err(e) => {
            send(&mut stream, &Ack { ack: true });
            let refused = Some(format!("unreadable question: {e}"));
            let reply = Reply {
                refused,
                ..Reply::default()
            };
            send(&mut stream, &reply);
            return;
        }
    };
    // A client that gave up before the acknowledgement is not answered.
    if !send(&mut stream, &Ack { ack: true }) {
        return;
    }
    if request.command == Command::Ping {
        let reply = Reply {
            background,
            ..Reply::default()
        };
        send(&mut stream, &reply);
        return;
    }
    deliver(Question { request, stream });
}
