//! `sleeve schema` (hidden): write the JSON Schemas.
#![allow(clippy::disallowed_methods, reason = "IO edge")]

use super::Exit;
use super::printer::Printer;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write the schemas into this folder instead of printing their names.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(args: Args, printer: &Printer) -> Exit {
    let schemas = crate::schema::all();
    match args.out {
        None => {
            for (name, text) in schemas {
                printer.out(&format!("// {name}\n{text}"));
            }
            Exit::Success
        }
        Some(dir) => {
            if let Err(e) = std::fs::create_dir_all(&dir) {
                printer.err(&format!("error: cannot create `{}`: {e}\n", dir.display()));
                return Exit::Failure;
            }
            for (name, text) in schemas {
                let path = dir.join(&name);
                if let Err(e) = std::fs::write(&path, text) {
                    printer.err(&format!("error: cannot write `{}`: {e}\n", path.display()));
                    return Exit::Failure;
                }
            }
            Exit::Success
        }
    }
}
