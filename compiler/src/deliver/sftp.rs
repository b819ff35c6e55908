//! The `sftp` transport: the system OpenSSH client (`sftp -b -`), one session per package.
//!
//! OpenSSH brings host-key checking against a known_hosts file, the SSH agent and key
//! handling, and adds no C build. Each file is put under a temporary name (`.name.part`) and
//! renamed into place, so the DSP never sees a partial file.
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use super::{Content, OutFile, Transport};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The environment variable the askpass helper reads the password from (set on the child
/// only; the password is never written to disk).
const PASSWORD_VAR: &str = "SLEEVE_SFTP_PASSWORD";

/// A batch command with a recognisable output, sent before the final rename.
const MARKER: &str = "pwd";
const MARKER_OUTPUT: &str = "Remote working directory: ";

pub struct Sftp {
    host: String,
    port: u16,
    user: String,
    remote_root: String,
    key_file: Option<PathBuf>,
    password: Option<String>,
    known_hosts: Option<PathBuf>,
}

impl Sftp {
    pub fn new(
        host: String,
        port: u16,
        user: String,
        remote_root: String,
        key_file: Option<PathBuf>,
        password: Option<String>,
        known_hosts: Option<PathBuf>,
    ) -> Sftp {
        Sftp {
            host,
            port,
            user,
            remote_root,
            key_file,
            password,
            known_hosts,
        }
    }

    /// `remote_root/path`, as the server sees it.
    fn remote(&self, path: &str) -> String {
        let root = self.remote_root.trim_end_matches('/');
        let path = path.trim_start_matches('/');
        if root.is_empty() && self.remote_root.starts_with('/') {
            format!("/{path}")
        } else if root.is_empty() {
            path.to_string()
        } else {
            format!("{root}/{path}")
        }
    }

    /// The `sftp` command line, without the batch input.
    fn command(&self, askpass: Option<&Path>) -> Command {
        let mut c = Command::new("sftp");
        // Options before `-b`: ssh keeps the first value of an option, and `-b` adds
        // `BatchMode yes`, which a password login must override.
        match (&self.password, askpass) {
            (Some(pw), Some(script)) => {
                c.args(["-o", "BatchMode=no"]);
                c.args([
                    "-o",
                    "PreferredAuthentications=password,keyboard-interactive",
                ]);
                c.args(["-o", "NumberOfPasswordPrompts=1"]);
                c.env("SSH_ASKPASS", script)
                    .env("SSH_ASKPASS_REQUIRE", "force")
                    .env(PASSWORD_VAR, pw);
            }
            _ => {
                c.args(["-o", "BatchMode=yes"]);
            }
        }
        c.args(["-o", "StrictHostKeyChecking=yes"]);
        if let Some(kh) = &self.known_hosts {
            c.arg("-o")
                .arg(format!("UserKnownHostsFile={}", ssh_quote(kh)));
        }
        if let Some(key) = &self.key_file {
            c.arg("-i").arg(key);
            c.args(["-o", "IdentitiesOnly=yes"]);
        }
        c.args(["-o", "ConnectTimeout=10"]);
        c.args([
            "-o",
            "ServerAliveInterval=15",
            "-o",
            "ServerAliveCountMax=4",
        ]);
        c.arg("-P").arg(self.port.to_string());
        c.args(["-b", "-"]);
        c.arg(format!("{}@{}", self.user, bracket(&self.host)));
        c.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// Run one batch session. `steps` are the batch lines with, for each, the file it
    /// belongs to (for messages). The last step (the rename that makes the message visible)
    /// is sent only once every other step has succeeded: if sleeve dies before, sftp reads
    /// the end of its input and stops, instead of finishing a delivery nobody records.
    fn run(&self, steps: &[Step], askpass: Option<&Path>) -> Result<(), String> {
        let Some((last_step, body)) = steps.split_last() else {
            return Ok(());
        };
        let mut script: String = body.iter().map(|s| format!("{}\n", s.line)).collect();
        script.push_str(&format!("{MARKER}\n"));
        let mut child = self.command(askpass).spawn().map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                "the `sftp` program (OpenSSH client) is not installed: install `openssh-client`"
                    .to_string()
            } else {
                format!("cannot start `sftp`: {e}")
            }
        })?;
        let stdin = child.stdin.take();
        let writer = std::thread::spawn(move || {
            let mut stdin = stdin;
            if let Some(s) = stdin.as_mut() {
                // A closed pipe means sftp stopped early; its exit status tells why.
                let _ = s.write_all(script.as_bytes());
            }
            stdin
        });
        let stderr = child.stderr.take();
        let errors = std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut e) = stderr {
                let _ = std::io::Read::read_to_string(&mut e, &mut text);
            }
            text
        });
        let mut stdout = String::new();
        let mut writer = Some(writer);
        if let Some(out) = child.stdout.take() {
            for line in std::io::BufRead::lines(std::io::BufReader::new(out)) {
                let Ok(line) = line else { break };
                // In batch mode sftp stops at the first failing command, so the marker's
                // output means every step before it succeeded.
                if line.starts_with(MARKER_OUTPUT)
                    && let Some(w) = writer.take()
                    && let Ok(Some(mut stdin)) = w.join()
                {
                    let _ = stdin.write_all(format!("{}\n", last_step.line).as_bytes());
                }
                stdout.push_str(&line);
                stdout.push('\n');
            }
        }
        if let Some(w) = writer {
            let _ = w.join();
        }
        let status = child
            .wait()
            .map_err(|e| format!("`sftp` did not finish: {e}"))?;
        let stderr = errors.join().unwrap_or_default();
        if status.success() && !stdout.lines().any(|l| l.starts_with(MARKER_OUTPUT)) {
            return Err(format!(
                "sftp to {} stopped before the end of the batch",
                self.endpoint()
            ));
        }
        if status.success() {
            return Ok(());
        }
        // sftp echoes each command (`sftp> …`) before running it: the last one echoed is the
        // one that failed (lines starting with `-` may fail without stopping the batch).
        let last = stdout
            .lines()
            .filter_map(|l| l.strip_prefix("sftp> "))
            .next_back()
            .and_then(|echoed| steps.iter().rev().find(|s| s.line == echoed));
        Err(self.classify(&stderr, last, status.code()))
    }

    fn endpoint(&self) -> String {
        format!("{}@{}:{}", self.user, self.host, self.port)
    }

    fn credentials(&self) -> String {
        match (&self.key_file, &self.password) {
            (Some(k), _) => format!("the key `{}`", k.display()),
            (None, Some(_)) => "the password".into(),
            (None, None) => "the SSH agent's keys".into(),
        }
    }

    fn known_hosts_name(&self) -> String {
        match &self.known_hosts {
            Some(k) => format!("`{}`", k.display()),
            None => "your default known_hosts (~/.ssh/known_hosts)".into(),
        }
    }

    /// Turn sftp/ssh's stderr into a message that says what went wrong and where.
    fn classify(&self, stderr: &str, last: Option<&Step>, code: Option<i32>) -> String {
        let line_with = |needles: &[&str]| {
            stderr
                .lines()
                .map(str::trim)
                .find(|l| needles.iter().any(|n| l.contains(n)))
                .map(str::to_string)
        };
        let at = format!("{}:{}", self.host, self.port);
        if let Some(l) = line_with(&[
            "Connection refused",
            "Connection timed out",
            "Could not resolve hostname",
            "No route to host",
            "Network is unreachable",
            "Name or service not known",
            "Operation timed out",
        ]) {
            return format!("host unreachable: cannot connect to {at} ({l})");
        }
        // The most telling line first: ssh frames a changed key in a banner of `@`s.
        if let Some(l) = line_with(&["has changed and you have requested"])
            .or_else(|| line_with(&["host key is known for"]))
            .or_else(|| line_with(&["Host key verification failed", "HOST IDENTIFICATION HAS"]))
        {
            let why = if stderr.contains("HAS CHANGED") || stderr.contains("does not match") {
                "does not match the key recorded"
            } else {
                "is not recorded (unknown host)"
            };
            return format!(
                "host key mismatch or unknown host: the host key of {at} {why} in {} ({l}); \
                 add the server's key to that file (check its fingerprint with the DSP first)",
                self.known_hosts_name()
            );
        }
        let file = last.and_then(|s| s.file.as_deref());
        if last.is_none()
            && let Some(l) = line_with(&["Permission denied (", "Too many authentication failures"])
        {
            return format!(
                "wrong credentials: {} refused {} ({l})",
                self.endpoint(),
                self.credentials()
            );
        }
        // What the failing command said. A `-mkdir` of a folder that exists leaves
        // "Failure" behind, and sftp adds "Connection closed" when ssh ends: not causes.
        let errors: Vec<&str> = stderr
            .lines()
            .map(str::trim)
            .filter(|l| {
                let noise = l.is_empty()
                    || l.starts_with("Connection closed")
                    || l.contains("closed by remote host")
                    || (l.starts_with("remote mkdir") && l.ends_with(": Failure"));
                !noise
            })
            .collect();
        let has = |needle: &str| errors.iter().any(|l| l.contains(needle));
        let detail = errors.join("; ");
        let lost = stderr.contains("Connection closed")
            || stderr.contains("closed by remote host")
            || stderr.contains("Broken pipe")
            || stderr.contains("Connection reset")
            || stderr.contains("Timeout, server");
        match (file, last) {
            (Some(f), Some(step)) => {
                let why = if has("No space left") {
                    format!("the server is out of space ({detail})")
                } else if has("Permission denied") {
                    format!("permission denied on the server ({detail})")
                } else if lost && detail.is_empty() {
                    format!("the connection to {at} was lost")
                } else if has("Failure") {
                    format!("the server reported a failure ({detail})")
                } else if lost {
                    format!("the connection to {at} was lost ({detail})")
                } else if detail.is_empty() {
                    format!("sftp exited with {}", exit_text(code))
                } else {
                    detail.clone()
                };
                format!("cannot {} `{f}` on {}: {why}", step.verb, self.endpoint())
            }
            _ if lost && detail.is_empty() => format!("the connection to {at} was closed"),
            _ => format!(
                "sftp to {} failed ({}): {}",
                self.endpoint(),
                exit_text(code),
                if detail.is_empty() {
                    "no message".into()
                } else {
                    detail
                }
            ),
        }
    }
}

fn exit_text(code: Option<i32>) -> String {
    code.map_or_else(|| "killed by a signal".into(), |c| format!("exit {c}"))
}

/// `[::1]` for IPv6 literals in `user@host`.
fn bracket(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

/// A path inside an ssh `-o Key=value` option (spaces need quotes).
fn ssh_quote(p: &Path) -> String {
    let s = p.display().to_string();
    if s.contains([' ', '\t']) {
        format!("\"{s}\"")
    } else {
        s
    }
}

/// One batch line and what it is for.
struct Step {
    line: String,
    /// The package file this step uploads (remote path relative to the root), if any.
    file: Option<String>,
    verb: &'static str,
}

/// One argument of an sftp batch command: double-quoted, so spaces, `#` and glob characters
/// are literal. sftp cannot take a backslash or a line break reliably, so those are refused.
fn arg(s: &str) -> Result<String, String> {
    if s.contains(['\\', '\n', '\r']) {
        return Err(format!(
            "cannot send `{}` over sftp: the path contains a backslash or a line break",
            s.escape_debug()
        ));
    }
    // A leading `-` would be read as a command flag.
    let s = if s.starts_with('-') {
        format!("./{s}")
    } else {
        s.to_string()
    };
    Ok(format!("\"{}\"", s.replace('"', "\\\"")))
}

/// Files removed when the session ends (the local copies of in-memory content, the askpass
/// helper), whatever happens.
struct TempFiles(Vec<PathBuf>);

impl Drop for TempFiles {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn temp_path(what: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    std::env::temp_dir().join(format!(
        "sleeve-sftp-{}-{}-{nanos}-{what}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ))
}

/// Create `path` for writing only by this user (0600, or 0700 for a script).
fn create_private(path: &Path, exec: bool) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(if exec { 0o700 } else { 0o600 });
    }
    #[cfg(not(unix))]
    let _ = exec;
    o.open(path)
}

impl Transport for Sftp {
    fn describe(&self) -> String {
        let root = if self.remote_root.is_empty() {
            "."
        } else {
            &self.remote_root
        };
        format!("sftp {}/{root}", self.endpoint())
    }

    fn upload(&mut self, file: &OutFile) -> Result<(), String> {
        self.upload_all(std::slice::from_ref(file))
    }

    /// Download `acknowledgements/` (one batch: a recursive `get`, ignored when the folder
    /// does not exist) into a private temporary folder and read it.
    fn acknowledgements(&mut self) -> Result<Vec<(String, Vec<u8>)>, String> {
        let local = temp_path("acks");
        std::fs::create_dir_all(&local)
            .map_err(|e| format!("cannot create `{}`: {e}", local.display()))?;
        let local_str = local.to_string_lossy().into_owned();
        let steps = vec![
            Step {
                line: format!(
                    "-get -r {} {}",
                    arg(&self.remote(super::INBOX))?,
                    arg(&local_str)?
                ),
                file: None,
                verb: "download",
            },
            Step {
                line: "pwd".to_string(),
                file: None,
                verb: "check",
            },
        ];
        let mut temps = TempFiles(Vec::new());
        let askpass = self.askpass(&mut temps)?;
        let result = self.run(&steps, askpass.as_deref());
        drop(temps);
        let mut out = Vec::new();
        let inbox = local.join(super::INBOX);
        if let Ok(entries) = std::fs::read_dir(&inbox) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if let Ok(bytes) = std::fs::read(e.path())
                    && !name.starts_with('.')
                {
                    out.push((name, bytes));
                }
            }
        }
        let _ = std::fs::remove_dir_all(&local);
        result?;
        out.sort();
        Ok(out)
    }

    /// One sftp session for the whole package: the folders, then each file put under
    /// `.name.part` and renamed into place, in order (the message last, as given).
    fn upload_all(&mut self, files: &[OutFile]) -> Result<(), String> {
        if files.is_empty() {
            return Ok(());
        }
        let mut temps = TempFiles(Vec::new());
        let mut steps: Vec<Step> = Vec::new();
        let mut made: Vec<String> = Vec::new();
        for f in files {
            let dest = self.remote(&f.path);
            // Every ancestor folder, `-` so one that exists is not an error.
            let parts: Vec<&str> = dest.split('/').collect();
            for i in 1..parts.len() {
                let dir = parts[..i].join("/");
                if dir.is_empty() || dir == "." || made.contains(&dir) {
                    continue;
                }
                steps.push(Step {
                    line: format!("-mkdir {}", arg(&dir)?),
                    file: None,
                    verb: "create",
                });
                made.push(dir);
            }
            let local = match &f.content {
                Content::File(p) => p.clone(),
                Content::Bytes(b) => {
                    let p = temp_path("content");
                    let mut out = create_private(&p, false)
                        .map_err(|e| format!("cannot write `{}`: {e}", p.display()))?;
                    temps.0.push(p.clone());
                    out.write_all(b)
                        .map_err(|e| format!("cannot write `{}`: {e}", p.display()))?;
                    p
                }
            };
            let local = local.to_str().map(str::to_string).ok_or_else(|| {
                format!(
                    "cannot send `{}` over sftp: its path is not UTF-8",
                    local.display()
                )
            })?;
            let (dir, name) = match dest.rsplit_once('/') {
                Some((d, n)) => (format!("{d}/"), n.to_string()),
                None => (String::new(), dest.clone()),
            };
            let part = format!("{dir}.{name}.part");
            steps.push(Step {
                line: format!("put {} {}", arg(&local)?, arg(&part)?),
                file: Some(f.path.clone()),
                verb: "upload",
            });
            steps.push(Step {
                line: format!("rename {} {}", arg(&part)?, arg(&dest)?),
                file: Some(f.path.clone()),
                verb: "rename into place",
            });
        }
        let askpass = self.askpass(&mut temps)?;
        let result = self.run(&steps, askpass.as_deref());
        drop(temps);
        result
    }
}

impl Sftp {
    /// With a password, a private askpass script that prints it from the child's
    /// environment (the password itself is never written to disk).
    fn askpass(&self, temps: &mut TempFiles) -> Result<Option<PathBuf>, String> {
        if self.password.is_none() {
            return Ok(None);
        }
        let p = temp_path("askpass");
        let mut out =
            create_private(&p, true).map_err(|e| format!("cannot write `{}`: {e}", p.display()))?;
        temps.0.push(p.clone());
        out.write_all(format!("#!/bin/sh\nprintf '%s\\n' \"${PASSWORD_VAR}\"\n").as_bytes())
            .map_err(|e| format!("cannot write `{}`: {e}", p.display()))?;
        drop(out);
        Ok(Some(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sftp() -> Sftp {
        Sftp::new(
            "dsp.example".into(),
            2222,
            "label".into(),
            "incoming/".into(),
            Some(PathBuf::from("/keys/id")),
            None,
            Some(PathBuf::from("/cat/known_hosts")),
        )
    }

    #[test]
    fn remote_paths_join_the_root() {
        let s = sftp();
        assert_eq!(s.remote("a/b.xml"), "incoming/a/b.xml");
        let mut abs = sftp();
        abs.remote_root = "/".into();
        assert_eq!(abs.remote("a.xml"), "/a.xml");
        abs.remote_root = String::new();
        assert_eq!(abs.remote("a.xml"), "a.xml");
    }

    #[test]
    fn arguments_are_quoted() {
        assert_eq!(arg("a b/#c*").unwrap(), "\"a b/#c*\"");
        assert_eq!(arg("say \"hi\"").unwrap(), "\"say \\\"hi\\\"\"");
        assert_eq!(arg("-x").unwrap(), "\"./-x\"");
        assert!(arg("a\\b").is_err());
        assert!(arg("a\nb").is_err());
    }

    #[test]
    fn errors_are_classified() {
        let s = sftp();
        let refused = s.classify(
            "ssh: connect to host dsp.example port 2222: Connection refused\r\nConnection closed\n",
            None,
            Some(255),
        );
        assert!(refused.starts_with("host unreachable"), "{refused}");
        let hk = s.classify("No ED25519 host key is known for [dsp.example]:2222 and you have requested strict checking.\nHost key verification failed.\n", None, Some(255));
        assert!(
            hk.contains("unknown host") && hk.contains("/cat/known_hosts"),
            "{hk}"
        );
        let auth = s.classify(
            "label@dsp.example: Permission denied (publickey).\r\nConnection closed\n",
            None,
            Some(255),
        );
        assert!(
            auth.starts_with("wrong credentials") && auth.contains("/keys/id"),
            "{auth}"
        );
        let step = Step {
            line: "put a b".into(),
            file: Some("X/X.xml".into()),
            verb: "upload",
        };
        let full = s.classify(
            "dest open \"/incoming/X/.X.xml.part\": No space left on device\n",
            Some(&step),
            Some(1),
        );
        assert!(
            full.contains("`X/X.xml`") && full.contains("out of space"),
            "{full}"
        );
        let denied = s.classify(
            "dest open \"/incoming/X/.X.xml.part\": Permission denied\n",
            Some(&step),
            Some(1),
        );
        assert!(
            denied.contains("`X/X.xml`") && denied.contains("permission denied"),
            "{denied}"
        );
        let lost = s.classify("Connection closed\n", Some(&step), Some(1));
        assert!(
            lost.contains("`X/X.xml`") && lost.contains("lost"),
            "{lost}"
        );
    }
}
