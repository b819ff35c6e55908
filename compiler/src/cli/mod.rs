//! The command line: arguments, commands, exit codes. Everything here may touch the disk,
//! the environment and the terminal; the core below does not.

pub mod printer;
pub mod system_world;

mod build;
mod check;
mod deliver;
mod explain;
mod fingerprint;
mod generate;
mod import;
mod init;
mod media_store;
mod plan_cache;
mod report;
mod royalties;
mod schema;
mod serve;
mod timings;
mod watch;
mod watch_world;

use clap::{Parser, Subcommand};
use printer::{ColorChoice, Printer};

/// Exit codes, one meaning each (documented in `docs/cli.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success; for `plan --detailed-exitcode`, no changes.
    Success = 0,
    /// Errors were found, or the command failed (also: a usage error).
    Failure = 1,
    /// `plan --detailed-exitcode` only: changes are proposed.
    Changes = 2,
    /// An internal error (a panic): a bug in Sleeve.
    Internal = 101,
}

const EXAMPLES: &str = "\
Examples:
  sleeve init my-label                    start a catalogue (with a git repository and CI)
  sleeve check catalog-example            check a catalogue, report every problem
  sleeve watch                            check again on every save
  sleeve check . --format github          annotate a pull request from CI
  sleeve check . --format json | jq .     diagnostics as JSON Lines
  sleeve explain E0302                    what a diagnostic means and how to fix it

Exit codes: 0 success, 1 problems found or failure, 2 changes proposed (plan
--detailed-exitcode), 101 internal error.";

/// Sleeve: catalogue-as-code for record labels.
#[derive(Debug, Parser)]
#[command(name = "sleeve", version, about, after_help = EXAMPLES, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to use colours (`NO_COLOR` is honoured with `auto`).
    #[arg(long, global = true, value_enum, default_value = "auto")]
    color: ColorChoice,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check the catalogue: every problem in one run, with file, line and column.
    #[command(after_help = "Examples:
  sleeve check                            check the catalogue in the current folder
  sleeve check catalog-example --deny warnings
  sleeve check . --format github          GitHub Actions annotations

While `sleeve watch` runs for the catalogue, it answers in milliseconds with what this
command would print; `--no-watch` (or SLEEVE_NO_WATCH=1) checks here.")]
    Check(check::Args),
    /// Check again on every save: the diagnostics of the files as they are now.
    #[command(after_help = "Examples:
  sleeve watch                            watch the catalogue in the current folder
  sleeve watch catalog-example | tee log  a log of every check
  sleeve watch --build                    also rebuild the packages each save changes
  sleeve watch --stop                     stop the watch of this catalogue (one that
                                          `sleeve build` started in the background)

On a terminal each check replaces the last on screen; otherwise a line separates them.
Each check ends with a summary: counts, the time it took, and how many files were parsed
again. Edits of release and recording files are checked incrementally: only what they can
affect is judged again. Stop with Ctrl-C, or `sleeve watch --stop` from anywhere.")]
    Watch(watch::Args),
    /// Create a label's catalogue: label, artist, release, contract, DSP, CI, git repository.
    #[command(after_help = "Examples:
  sleeve init my-label                            the label `My Label`, in a new folder
  sleeve init . --name \"Nightjar Records\"       here (empty, or a fresh clone)
  sleeve init my-label && sleeve check my-label   checks clean, ready to edit

Writes sleeve.toml, parties/, recordings/, releases/, contracts/, dsps/, placeholder audio
and artwork in assets/, .gitignore, .github/workflows/sleeve.yml (check and plan on pull
requests, apply on main) and .pre-commit-config.yaml, and runs `git init` unless the folder
is already inside a git repository. Refuses a folder holding a catalogue or other files.")]
    Init(init::Args),
    /// Check, then write DDEX ERN 4.3 packages: one per release per DSP.
    #[command(after_help = "Examples:
  sleeve build catalog-example            packages in catalog-example/out/
  sleeve build . --out /tmp/out --copy    copy resources instead of hard-linking
  SOURCE_DATE_EPOCH=1735689600 sleeve build .   a fixed clock: byte-identical output

While `sleeve watch --build` runs for the catalogue into the same folder, it answers with
the output brought up to date; `--no-watch` (or SLEEVE_NO_WATCH=1) builds here. At a
terminal (outside CI), a build that finds no watch starts one in the background once it
has built, so the next builds take milliseconds; it stops after 3 hours unused, or with
`sleeve watch --stop`. SLEEVE_BACKGROUND_WATCH=0 never starts one; =1 also off a terminal.")]
    Build(build::Args),
    /// Compare what would be delivered now with the delivered state.
    #[command(after_help = "Examples:
  sleeve plan catalog-example                     human-readable plan
  sleeve plan . --detailed-exitcode               exit 2 when there are changes (CI)
  sleeve plan . --format markdown                 a pull-request comment
  sleeve plan . --out plan.json                   save it for `sleeve apply . plan.json`")]
    Plan(deliver::PlanArgs),
    /// Deliver a plan (a saved one, or a fresh one after confirmation) and record the state.
    #[command(after_help = "Examples:
  sleeve apply . --yes                            plan and deliver (CI)
  sleeve apply . plan.json                        deliver exactly a reviewed plan")]
    Apply(deliver::ApplyArgs),
    /// Show the delivery log: one entry per delivered package.
    Log(deliver::PathArgs),
    /// Remove the apply lock left by a crashed apply.
    ForceUnlock(deliver::PathArgs),
    /// Account sales reports: statements, suspense, a reconciliation, and the ledger.
    #[command(after_help = "Examples:
  sleeve royalties catalog-example --period 2025-Q2 --reports catalog-example/reports/2025-Q2
  sleeve royalties . --period 2025-Q2 --reports in/ --format json     reconciliation as JSON
  sleeve royalties . --period 2025-Q2 --reports in/ --replace          re-run the last period
  sleeve royalties . --period 2025-Q2 --reports in/ --dry-run          statements, no ledger entry")]
    Royalties(royalties::Args),
    /// Trace a payee's earnings on one track: report lines → allocation → rate → split → recoupment.
    #[command(after_help = "Examples:
  sleeve trace the-lantern-choir GB-SLV-25-00001 --path catalog-example --period 2025-Q1")]
    Trace(royalties::TraceArgs),
    /// Explain a diagnostic code: what it flags, why, and how to fix it.
    #[command(after_help = "Examples:
  sleeve explain E0302
  sleeve explain split-shares-not-100
  sleeve explain --all                    every code, as markdown")]
    Explain(explain::Args),
    /// Import a catalogue from DDEX ERN 4.3 or 3.8.2 messages, noting what could not be mapped.
    #[command(after_help = "Examples:
  sleeve import ddex export/ --into my-label           every message under export/
  sleeve import ddex a.xml b.xml --into my-label       named messages")]
    Import(import::Args),
    /// Analytics from the royalty runs kept in the ledger: HTML, CSV or JSON.
    #[command(after_help = "Examples:
  sleeve report                                   every period, into report.html
  sleeve report . --periods 2025-Q1..2025-Q4      one year, by quarter
  sleeve report . --periods 2025-Q2 --format json | jq .totals
  sleeve report . --out report.csv                one tidy CSV for a spreadsheet

Exits 1 when the ledger holds no facts for the periods (nothing is written).")]
    Report(report::Args),
    /// Print or check the JSON Schemas of the catalogue file kinds.
    #[command(hide = true)]
    Schema(schema::Args),
    /// Generate a synthetic catalogue for benchmarks.
    #[command(hide = true)]
    Generate(generate::Args),
}

/// Parse arguments and run. Usage errors exit 1 (not clap's 2), so 2 means one thing.
pub fn run(args: Vec<String>) -> Exit {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Failure
            } else {
                Exit::Success
            };
        }
    };
    let printer = Printer::new(cli.color);
    match cli.command {
        Command::Check(a) => check::run(a, &printer),
        Command::Watch(a) => watch::run(a, &printer),
        Command::Init(a) => init::run(a, &printer),
        Command::Build(a) => build::run(a, &printer),
        Command::Plan(a) => deliver::plan(a, &printer),
        Command::Apply(a) => deliver::apply(a, &printer),
        Command::Log(a) => deliver::log(a, &printer),
        Command::ForceUnlock(a) => deliver::force_unlock(a, &printer),
        Command::Royalties(a) => royalties::run(a, &printer),
        Command::Trace(a) => royalties::trace(a, &printer),
        Command::Explain(a) => explain::run(a, &printer),
        Command::Import(a) => import::run(a, &printer),
        Command::Report(a) => report::run(a, &printer),
        Command::Schema(a) => schema::run(a, &printer),
        Command::Generate(a) => generate::run(a, &printer),
    }
}
