//! `sleeve explain`.

use super::Exit;
use super::printer::Printer;
use crate::diag::{codes, suggest};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A code (`E0302`) or name (`split-shares-not-100`).
    code: Option<String>,
    /// Print every code.
    #[arg(long, conflicts_with = "code")]
    all: bool,
}

pub fn run(args: Args, printer: &Printer) -> Exit {
    if args.all {
        for c in codes::ALL {
            printer.out(&explain(c));
            printer.out("\n");
        }
        return Exit::Success;
    }
    let Some(q) = args.code else {
        printer.err("error: name a code, such as `sleeve explain E0302`, or pass `--all`\n");
        return Exit::Failure;
    };
    match codes::find(&q) {
        Some(c) => {
            printer.out(&explain(c));
            Exit::Success
        }
        None => {
            let names = codes::ALL.iter().flat_map(|c| [c.code, c.name]);
            let hint = suggest::did_you_mean(&q, names)
                .map_or(String::new(), |h| format!("\n  help: {h}"));
            printer.err(&format!(
                "error: `{q}` is not a Sleeve diagnostic code{hint}\n"
            ));
            Exit::Failure
        }
    }
}

pub fn explain(c: &codes::Code) -> String {
    let sev = match c.severity {
        crate::diag::Severity::Error => "error",
        crate::diag::Severity::Warning => "warning",
    };
    format!(
        "{} {} ({sev})\n\n{}\n\nFix: {}\n",
        c.code, c.name, c.summary, c.fix
    )
}
