//! `sleeve check`.

use super::Exit;
use super::printer::Printer;
use super::system_world::SystemWorld;
use crate::diag::render::{self, Format, PathStyle};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The catalogue's root folder (holding `sleeve.toml`).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Output format of diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Treat warnings as errors: `--deny warnings`.
    #[arg(long, value_parser = ["warnings"])]
    deny: Option<String>,
    /// Print how long each stage took (for benchmarks; always checks here).
    #[arg(long, hide = true)]
    timings: bool,
    /// Check here, even when a `sleeve watch` of this catalogue runs (by default it is
    /// asked, and answers in milliseconds).
    #[arg(long)]
    no_watch: bool,
}

pub fn run(args: Args, printer: &Printer) -> Exit {
    if !(args.no_watch || args.timings) {
        let command = super::serve::Command::Check {
            deny_warnings: args.deny.is_some(),
        };
        let request = super::serve::Request::new(command, &args.path, args.format, printer.color);
        if let Some(exit) = super::serve::ask(&args.path, &request, printer) {
            return exit;
        }
    }
    let world = SystemWorld::new(args.path.clone());
    let start = std::time::Instant::now();
    let mut last = start;
    let mut timings = Vec::new();
    let mut checked = crate::check_catalogue_timed(&world, &mut |stage| {
        let now = std::time::Instant::now();
        timings.push(format!("{stage}: {} ms", (now - last).as_millis()));
        last = now;
    });
    if args.timings {
        printer.err(&format!(
            "timings: {} (total {} ms)\n",
            timings.join(", "),
            start.elapsed().as_millis()
        ));
    }
    let errors = checked.diagnostics.error_count();
    let warnings = checked.diagnostics.warning_count();
    report(&mut checked, &args.path, args.format, printer, true);
    // The process is about to exit: freeing a large catalogue piece by piece only costs time.
    std::mem::forget(checked);
    exit(errors, warnings, args.deny.is_some())
}

/// `check`'s exit status: failure on errors, or on warnings when they are denied.
pub fn exit(errors: usize, warnings: usize, deny_warnings: bool) -> Exit {
    if errors > 0 || (deny_warnings && warnings > 0) {
        Exit::Failure
    } else {
        Exit::Success
    }
}

/// Print the diagnostics (taking them out of `checked`) in `format`; with `summary`, end
/// human output with the count line.
pub fn report(
    checked: &mut crate::Checked,
    root: &std::path::Path,
    format: Format,
    printer: &Printer,
    summary_line: bool,
) {
    let diagnostics = std::mem::take(&mut checked.diagnostics);
    show(
        diagnostics,
        &checked.sources,
        root,
        format,
        printer,
        summary_line,
    );
}

/// Print `diagnostics` of `sources` in `format`, as [`report`] does.
pub fn show(
    diagnostics: crate::diag::Diagnostics,
    sources: &crate::source::SourceMap,
    root: &std::path::Path,
    format: Format,
    printer: &Printer,
    summary_line: bool,
) {
    let paths = PathStyle::new(&root.to_string_lossy());
    let errors = diagnostics.error_count();
    let warnings = diagnostics.warning_count();
    let files = sources.len();
    for d in diagnostics.sorted() {
        match format {
            Format::Human => printer.err(&render::human(&d, sources, &paths, printer.color, 80)),
            Format::Json => printer.out(&format!("{}\n", render::json(&d, sources, &paths))),
            Format::Github => printer.out(&format!("{}\n", render::github(&d, sources, &paths))),
        }
    }
    if format == Format::Human && (summary_line || errors + warnings > 0) {
        printer.err(&summary(files, errors, warnings));
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

pub fn summary(files: usize, errors: usize, warnings: usize) -> String {
    let files = plural(files, "file");
    match (errors, warnings) {
        (0, 0) => format!("checked {files}: no problems\n"),
        (e, 0) => format!("checked {files}: {}\n", plural(e, "error")),
        (0, w) => format!("checked {files}: {}\n", plural(w, "warning")),
        (e, w) => format!(
            "checked {files}: {}, {}\n",
            plural(e, "error"),
            plural(w, "warning")
        ),
    }
}
