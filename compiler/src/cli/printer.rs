//! The only place that writes to the terminal, like cargo's `Shell`.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "the printer is the output edge"
)]

use std::io::{IsTerminal, Write};

/// Whether to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub struct Printer {
    /// Colours on standard error (diagnostics, progress).
    pub color: bool,
    pub stderr_is_tty: bool,
    /// Colours on standard output (`watch`, which shows its diagnostics there).
    pub stdout_color: bool,
    pub stdout_is_tty: bool,
    /// While recording (`plan`'s cache), a copy of what was written: (stdout, stderr).
    recorded: std::sync::Mutex<Option<(String, String)>>,
    /// Only record, write nothing ([`Printer::capture`]).
    captured: bool,
}

impl Printer {
    #[allow(clippy::disallowed_methods, reason = "IO edge: reads NO_COLOR")]
    pub fn new(choice: ColorChoice) -> Self {
        let stderr_is_tty = std::io::stderr().is_terminal();
        let stdout_is_tty = std::io::stdout().is_terminal();
        let no_color = std::env::var("NO_COLOR").is_ok_and(|v| !v.is_empty());
        let color_if = |tty: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        Printer {
            color: color_if(stderr_is_tty),
            stderr_is_tty,
            stdout_color: color_if(stdout_is_tty),
            stdout_is_tty,
            recorded: std::sync::Mutex::new(None),
            captured: false,
        }
    }

    /// A printer that keeps what is written instead of writing it, for another process to
    /// print (`watch` answering a command): colours when `color`, never a terminal.
    pub fn capture(color: bool) -> Self {
        Printer {
            color,
            stderr_is_tty: false,
            stdout_color: color,
            stdout_is_tty: false,
            recorded: std::sync::Mutex::new(Some(Default::default())),
            captured: true,
        }
    }

    /// Keep a copy of everything written from now on.
    pub fn record(&self) {
        if let Ok(mut r) = self.recorded.lock() {
            *r = Some(Default::default());
        }
    }

    /// What was written since [`Printer::record`]: (stdout, stderr).
    pub fn take_recording(&self) -> Option<(String, String)> {
        self.recorded.lock().ok().and_then(|mut r| r.take())
    }

    /// Machine-readable or primary output.
    pub fn out(&self, text: &str) {
        if let Ok(mut r) = self.recorded.lock()
            && let Some((out, _)) = r.as_mut()
        {
            out.push_str(text);
        }
        if self.captured {
            return;
        }
        let mut o = std::io::stdout().lock();
        let _ = o.write_all(text.as_bytes());
        let _ = o.flush();
    }

    /// A transient status on the terminal (a line to be cleared): never recorded, and
    /// written only when standard error is a terminal.
    pub fn status(&self, text: &str) {
        if self.captured || !self.stderr_is_tty {
            return;
        }
        let mut e = std::io::stderr().lock();
        let _ = e.write_all(text.as_bytes());
        let _ = e.flush();
    }

    /// Messages for people: diagnostics, progress, summaries.
    pub fn err(&self, text: &str) {
        if let Ok(mut r) = self.recorded.lock()
            && let Some((_, err)) = r.as_mut()
        {
            err.push_str(text);
        }
        if self.captured {
            return;
        }
        let mut e = std::io::stderr().lock();
        let _ = e.write_all(text.as_bytes());
        let _ = e.flush();
    }
}
