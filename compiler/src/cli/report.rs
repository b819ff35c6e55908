//! `sleeve report`: analytics over the facts kept in the ledger, as HTML, CSV or JSON.
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use super::Exit;
use super::printer::Printer;
use crate::report::{self, PeriodRange};
use crate::royalties::ledger;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Html,
    Csv,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The catalogue's root folder (inside a git repository).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Statement periods: `2025-Q1..2025-Q4`, one period (`2025-Q2`), or an open end
    /// (`2025-Q1..`, `..2025-Q4`). Quarters, halves (`2025-H1`), months (`2025-04`) or years.
    /// Default: every period in the ledger.
    #[arg(long, value_name = "RANGE")]
    periods: Option<String>,
    /// Write the report here. Default: `report.html` for HTML; standard output for CSV and
    /// JSON.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Default: from the extension of `--out` (`.html`, `.csv`, `.json`), else `html`.
    #[arg(long, value_enum)]
    format: Option<ReportFormat>,
}

fn error(printer: &Printer, message: &str, help: &str) -> Exit {
    printer.err(&format!("error: {message}\n  help: {help}\n"));
    Exit::Failure
}

fn format_of(args: &Args) -> ReportFormat {
    if let Some(f) = args.format {
        return f;
    }
    let ext = args
        .out
        .as_deref()
        .and_then(Path::extension)
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => ReportFormat::Csv,
        Some("json") => ReportFormat::Json,
        _ => ReportFormat::Html,
    }
}

/// The label's currency, from `[label] currency` in `sleeve.toml`.
fn currency(path: &Path) -> Result<String, String> {
    let file = path.join("sleeve.toml");
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("cannot read `{}`: {e}", file.display()))?;
    let table: toml::Table =
        toml::from_str(&text).map_err(|e| format!("cannot parse `{}`: {e}", file.display()))?;
    table
        .get("label")
        .and_then(|l| l.get("currency"))
        .and_then(|c| c.as_str())
        .map(str::to_string)
        .ok_or_else(|| format!("`{}` has no `[label] currency`", file.display()))
}

pub fn run(args: Args, printer: &Printer) -> Exit {
    let range = match args.periods.as_deref().map(PeriodRange::parse).transpose() {
        Ok(r) => r.unwrap_or_else(PeriodRange::all),
        Err(e) => {
            return error(
                printer,
                &e.to_string(),
                "pass `--periods` as `2025-Q1..2025-Q4`, or leave it out for every period",
            );
        }
    };
    let facts = match ledger::read_facts(
        &args.path,
        range.from.as_ref().map(|p| p.name()),
        range.to.as_ref().map(|p| p.name()),
    ) {
        Ok(f) => f,
        Err(e) => {
            return error(
                printer,
                &format!("cannot read the ledger of `{}`: {e}", args.path.display()),
                &e.help(),
            );
        }
    };
    if !facts.iter().any(|f| range.contains(&f.period)) {
        return error(
            printer,
            &format!("no royalty data in the ledger for {}", range.describe()),
            "run `sleeve royalties` for these periods, or widen `--periods`",
        );
    }
    let currency = match currency(&args.path) {
        Ok(c) => c,
        Err(e) => {
            return error(
                printer,
                &e,
                "set `currency` under `[label]` in `sleeve.toml`",
            );
        }
    };
    let rep = report::compute(&facts, &range, &currency);
    for w in &rep.warnings {
        printer.err(&format!("warning: {w}\n"));
    }
    let format = format_of(&args);
    let text = match format {
        ReportFormat::Html => report::to_html(&rep),
        ReportFormat::Csv => report::to_csv(&rep),
        ReportFormat::Json => report::to_json(&rep),
    };
    let out = match (&args.out, format) {
        (Some(o), _) => o.clone(),
        (None, ReportFormat::Html) => PathBuf::from("report.html"),
        (None, _) => {
            printer.out(&text);
            return Exit::Success;
        }
    };
    if let Err(e) = std::fs::write(&out, &text) {
        return error(
            printer,
            &format!("cannot write `{}`: {e}", out.display()),
            "choose a writable file with `--out`",
        );
    }
    let periods = rep
        .periods
        .len()
        .saturating_sub(rep.periods_without_data.len());
    printer.err(&format!(
        "wrote `{}`: {} fact rows, {periods} period{}, gross {} {}\n",
        out.display(),
        rep.facts,
        if periods == 1 { "" } else { "s" },
        rep.totals.gross,
        rep.currency
    ));
    Exit::Success
}
