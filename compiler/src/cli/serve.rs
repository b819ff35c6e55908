//! One-shot commands answered by a running `sleeve watch`.
//!
//! `watch` keeps the checked catalogue in memory and brings it up to date on every save, in
//! milliseconds where a one-shot `check` parses all files again. While it runs, it listens
//! on a Unix socket in the catalogue's cache folder (`.sleeve-cache/watch.sock`), and
//! `sleeve check` and `sleeve build` ask it first, as Gradle's client asks its daemon:
//!
//! 1. the client sends one JSON line: the command and everything its output depends on
//!    (format, colour, the paths as typed, `SOURCE_DATE_EPOCH`, the version of Sleeve);
//! 2. the watch makes sure it has seen every change saved before the question: it creates
//!    a cookie file in the root and waits for its event (file-system events of one watcher
//!    arrive in order, so every earlier save has arrived by then — watchman's technique),
//!    and checks (and builds) what changed at once, without the debounce;
//! 3. it answers with exactly what the one-shot command would print, and its exit status.
//!
//! A client that finds no socket, cannot connect (a watch that was killed), or whose
//! question the watch cannot answer as the one-shot would (another version, another output
//! folder, `--copy`, another `SOURCE_DATE_EPOCH`) runs the command itself. `--no-watch`
//! always runs it itself.
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use super::Exit;
use super::printer::Printer;
use crate::diag::render::Format;
use std::io::{BufRead, BufReader, Write};
#[cfg(unix)]
use std::os::unix::net::{UnixListener, UnixStream as Stream};
/// Where there are no Unix sockets, nothing listens and no stream is ever made.
#[cfg(not(unix))]
type Stream = std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Sleeve's version and the protocol's: a watch of another version does not answer.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "/serve-1");

/// The socket's name in the cache folder.
const SOCKET: &str = "watch.sock";

/// How long a client waits for an answer (a full check and rebuild of a large catalogue
/// takes seconds; a watch that hangs must not hang the command forever).
const ANSWER_WITHIN: Duration = Duration::from_secs(600);

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
}

/// One question, as one line of JSON.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Request {
    pub version: String,
    pub command: Command,
    /// The catalogue's root as typed: diagnostics name files under it.
    pub root: PathBuf,
    /// `human`, `json` or `github`.
    pub format: String,
    /// Colours in the human output (the client's terminal and `NO_COLOR` decide).
    pub color: bool,
    /// The client's `SOURCE_DATE_EPOCH`: the watch answers only with the same clock.
    pub epoch: Option<String>,
}

/// The answer: what to print, and the exit status; or why the watch cannot answer.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Reply {
    pub refused: Option<String>,
    pub stdout: String,
    pub stderr: String,
    pub exit: i32,
}

impl Request {
    pub fn new(command: Command, root: &Path, format: Format, color: bool) -> Request {
        let format = match format {
            Format::Human => "human",
            Format::Json => "json",
            Format::Github => "github",
        };
        Request {
            version: VERSION.to_string(),
            command,
            root: root.to_path_buf(),
            format: format.to_string(),
            color,
            epoch: std::env::var("SOURCE_DATE_EPOCH").ok(),
        }
    }

    pub fn format(&self) -> Option<Format> {
        <Format as clap::ValueEnum>::from_str(&self.format, false).ok()
    }

    /// Why this watch cannot answer as the one-shot command would, if it cannot.
    pub fn refusal(&self) -> Option<String> {
        if self.version != VERSION {
            return Some(format!(
                "the watch runs Sleeve {VERSION}, the command {}",
                self.version
            ));
        }
        if self.epoch != std::env::var("SOURCE_DATE_EPOCH").ok() {
            return Some("the command's SOURCE_DATE_EPOCH differs from the watch's".into());
        }
        if self.format().is_none() {
            return Some(format!("unknown format `{}`", self.format));
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
    let path = socket(root);
    if !path.exists() {
        return None;
    }
    let reply = exchange(&path, request).ok()?;
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

fn connect(path: &Path) -> std::io::Result<Stream> {
    #[cfg(unix)]
    return Stream::connect(path);
    #[cfg(not(unix))]
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        format!("no Unix sockets for `{}`", path.display()),
    ))
}

fn exchange(path: &Path, request: &Request) -> std::io::Result<Reply> {
    let mut stream = connect(path)?;
    stream.set_read_timeout(Some(ANSWER_WITHIN))?;
    let mut line = serde_json::to_vec(request).map_err(std::io::Error::other)?;
    line.push(b'\n');
    stream.write_all(&line)?;
    let mut answer = String::new();
    BufReader::new(stream).read_line(&mut answer)?;
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

    pub fn refuse(self, why: String) {
        self.answer(&Reply {
            refused: Some(why),
            ..Reply::default()
        });
    }
}

fn send(stream: &mut Stream, reply: &Reply) {
    if let Ok(mut line) = serde_json::to_vec(reply) {
        line.push(b'\n');
        let _ = stream.write_all(&line);
    }
}

/// What a captured printer wrote, and the exit status, as a reply.
pub fn reply(printer: &Printer, exit: Exit) -> Reply {
    let (stdout, stderr) = printer.take_recording().unwrap_or_default();
    Reply {
        refused: None,
        stdout,
        stderr,
        exit: exit as i32,
    }
}

/// Listen for questions about the catalogue at `root`, passing each to `deliver` (on a
/// thread of its own). `Err`: why this watch cannot answer (said once, then it watches
/// without answering).
pub fn listen(
    root: &Path,
    deliver: impl Fn(Question) -> bool + Send + 'static,
) -> Result<PathBuf, String> {
    let path = socket(root);
    let dir = root.join(super::media_store::FOLDER);
    super::media_store::ensure_folder(&dir)
        .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    if path.exists() {
        if connect(&path).is_ok() {
            return Err("another `sleeve watch` answers for this catalogue".into());
        }
        // A watch that was killed left its socket.
        let _ = std::fs::remove_file(&path);
    }
    accept(&path, deliver)?;
    Ok(path)
}

/// Bind the socket at `path` and pass each question received on it to `deliver`, on a
/// thread of its own, until `deliver` says stop.
#[cfg(unix)]
fn accept(path: &Path, deliver: impl Fn(Question) -> bool + Send + 'static) -> Result<(), String> {
    let listener = UnixListener::bind(path)
        .map_err(|e| format!("cannot listen on `{}`: {e}", path.display()))?;
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut line = String::new();
            let Ok(read) = stream.try_clone() else {
                continue;
            };
            let _ = read.set_read_timeout(Some(Duration::from_secs(5)));
            if BufReader::new(read).read_line(&mut line).is_err() {
                continue;
            }
            let _ = stream.set_read_timeout(None);
            match serde_json::from_str::<Request>(&line) {
                Ok(request) => {
                    if !deliver(Question { request, stream }) {
                        return;
                    }
                }
                Err(e) => {
                    let refused = Some(format!("unreadable question: {e}"));
                    let reply = Reply {
                        refused,
                        ..Reply::default()
                    };
                    send(&mut stream, &reply);
                }
            }
        }
    });
    Ok(())
}

#[cfg(not(unix))]
fn accept(
    _path: &Path,
    _deliver: impl Fn(Question) -> bool + Send + 'static,
) -> Result<(), String> {
    Err("this system has no Unix sockets".into())
}

/// The cookie files `watch` creates in the root to know it has seen every earlier event.
pub const COOKIE_PREFIX: &str = ".sleeve-sync-";
