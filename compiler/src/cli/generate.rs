//! `sleeve generate` (hidden): a synthetic catalogue for benchmarks — by default 10,000
//! releases of 12 tracks (120,000 recordings), 2,000 parties, 4 DSPs, a contract per artist.
//! `sleeve generate dsr` writes a DDEX DSR sales report on such a catalogue (see [`dsr`]).
#![allow(clippy::disallowed_methods, reason = "IO edge")]

mod dsr;

use super::Exit;
use super::printer::Printer;
use crate::model::ident::upc_check_digit;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    mode: Option<Mode>,
    /// Folder to create (must not exist).
    #[arg(required = true)]
    out: Option<PathBuf>,
    #[arg(long, default_value_t = 10_000)]
    releases: usize,
    #[arg(long, default_value_t = 12)]
    tracks: usize,
    #[arg(long, default_value_t = 2_000)]
    parties: usize,
    /// Where recordings live: `inline` in their release's file (`[[recording]]`), or one
    /// file each under `recordings/`.
    #[arg(long, value_enum, default_value = "inline")]
    layout: Layout,
    /// An audio file every recording uses (copied once into `assets/`); durations follow it.
    #[arg(long)]
    audio: Option<PathBuf>,
    /// A cover image every release uses (copied once into `assets/`).
    #[arg(long)]
    artwork: Option<PathBuf>,
}

#[derive(Debug, clap::Subcommand)]
enum Mode {
    /// A DDEX DSR Basic Audio Profile 1.2 flat file of streams on a generated catalogue.
    Dsr(dsr::Args),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Layout {
    Inline,
    Files,
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text)
}

pub fn run(args: Args, printer: &Printer) -> Exit {
    if let Some(Mode::Dsr(a)) = args.mode {
        return dsr::run(a, printer);
    }
    let Some(out) = args.out.clone() else {
        printer.err("error: give the folder to create\n");
        return Exit::Failure;
    };
    if out.exists() {
        printer.err(&format!("error: `{}` already exists\n", out.display()));
        return Exit::Failure;
    }
    match generate(&args, &out) {
        Ok(n) => {
            printer.err(&format!("wrote {n} files to `{}`\n", out.display()));
            Exit::Success
        }
        Err(e) => {
            printer.err(&format!("error: {e}\n"));
            Exit::Failure
        }
    }
}

fn upc(i: usize) -> String {
    let payload = format!("084{:08}", i);
    let check = upc_check_digit(&payload).unwrap_or(0);
    format!("{payload}{check}")
}

/// The ISRC of the `i`-th generated recording (0-based, in release then track order).
fn isrc(i: usize) -> String {
    format!("ZZSLV{:02}{:05}", 10 + i / 100_000, i % 100_000)
}

fn generate(a: &Args, root: &Path) -> std::io::Result<usize> {
    let parties = a.parties.max(2);
    let mut files = 0;
    // Shared media: one file each, referenced by every recording or release.
    let mut audio_line = String::new();
    let mut duration_ms: Option<u64> = None;
    if let Some(src) = &a.audio {
        let bytes = std::fs::read(src)?;
        let info = crate::media::probe_audio(&bytes)
            .map_err(|e| std::io::Error::other(format!("{}: {e}", src.display())))?;
        let ext = src
            .extension()
            .map_or("flac".into(), |e| e.to_string_lossy().into_owned());
        write(&root.join(format!("assets/audio.{ext}")), "")?;
        std::fs::write(root.join(format!("assets/audio.{ext}")), &bytes)?;
        duration_ms = Some(info.duration_ms);
        audio_line = format!("audio = \"../../assets/audio.{ext}\"\n");
        files += 1;
    }
    let mut artwork_line = String::new();
    if let Some(src) = &a.artwork {
        let ext = src
            .extension()
            .map_or("jpg".into(), |e| e.to_string_lossy().into_owned());
        write(&root.join(format!("assets/cover.{ext}")), "")?;
        std::fs::copy(src, root.join(format!("assets/cover.{ext}")))?;
        artwork_line = format!("artwork = \"../../assets/cover.{ext}\"\n");
        files += 1;
    }
    write(
        &root.join("sleeve.toml"),
        r#"[label]
name = "Synthetic Records"
party-id = "PADPIDA2099010101X"
currency = "GBP"
copyright-owner = "Synthetic Records Ltd"

[imprints.alpha]
name = "Alpha"

[imprints.beta]
name = "Beta"

[territory-groups]
south-east-asia = ["ID", "MY", "PH", "SG", "TH", "VN"]
"#,
    )?;
    files += 1;
    for (id, dpid) in [
        ("dsp-a", "PADPIDA3897722461G"),
        ("dsp-b", "PADPIDA2013020802I"),
        ("dsp-c", "PADPIDA3897722461G"),
        ("dsp-d", "PADPIDA2013020802I"),
    ] {
        write(
            &root.join(format!("dsps/{id}.toml")),
            &format!(
                "name = \"{id}\"\nparty-id = \"{dpid}\"\n\n[transport]\ntype = \"folder\"\npath = \"out/deliveries/{id}\"\n"
            ),
        )?;
        files += 1;
    }
    for p in 0..parties {
        write(
            &root.join(format!("parties/{:02}/artist-{p}.toml", p / 1000)),
            &format!(
                "name = \"Artist {p}\"\nkind = \"group\"\n\n[payee]\ncurrency = \"GBP\"\nminimum-payout = \"50.00\"\n"
            ),
        )?;
        write(
            &root.join(format!("contracts/{:02}/artist-{p}.toml", p / 1000)),
            &format!(
                "payee = \"artist-{p}\"\nstart = 2020-01-01\n\n[rates.default]\nstream = \"50%\"\ndownload = \"50%\"\n\n[rates.US]\nstream = \"45%\"\n\n[[advance]]\namount = \"1000.00\"\ndate = 2020-01-01\n"
            ),
        )?;
        files += 2;
    }
    let mut rec = 0usize;
    for r in 0..a.releases {
        let artist = r % parties;
        let other = (r + 1) % parties;
        let mut tracks = String::new();
        let mut inline = String::new();
        for _ in 0..a.tracks {
            let id = format!("rec-{rec}");
            let _ = writeln!(tracks, "  \"{id}\",");
            let body = format!(
                "isrc = \"{}\"\ntitle = \"Harbour Song {rec}\"\nartist = \"artist-{artist}\"\nduration = \"{}\"\n{audio_line}genre = \"Electronic\"\nlanguage = \"en\"\nexplicit = false\np-line = \"2024 Synthetic Records Ltd\"\n\n[credits]\nartist-{other} = [\"Composer\", \"StudioProducer\"]\n\n[splits]\ndefault = {{ artist-{artist} = \"80%\", artist-{other} = \"20%\" }}\nUS = {{ artist-{artist} = \"1/3\", artist-{other} = \"2/3\" }}\n",
                isrc(rec),
                duration_ms.map_or_else(
                    || format!("3:{:02}", rec % 60),
                    crate::message::iso_duration
                )
            );
            match a.layout {
                Layout::Files => {
                    write(
                        &root.join(format!("recordings/{:03}/{id}.toml", rec / 1000)),
                        &body,
                    )?;
                    files += 1;
                }
                Layout::Inline => {
                    let body = body
                        .replace("[credits]", "[recording.credits]")
                        .replace("[splits]", "[recording.splits]");
                    let _ = write!(inline, "\n[[recording]]\nid = \"{id}\"\n{body}");
                }
            }
            rec += 1;
        }
        let imprint = if r % 2 == 0 { "alpha" } else { "beta" };
        write(
            &root.join(format!("releases/{:02}/release-{r}.toml", r / 1000)),
            &format!(
                "upc = \"{}\"\ntitle = \"Release {r}\"\ntype = \"album\"\nartist = \"artist-{artist}\"\nimprint = \"{imprint}\"\nrelease-date = 2024-{:02}-{:02}\ngenre = \"Electronic\"\n{artwork_line}tracks = [\n{tracks}]\n\n[[deal]]\ndsps = \"all\"\nterritories = \"Worldwide\"\nexcept = [\"JP\"]\nmodels = [\"subscription\", \"ad-supported\"]\n\n[[deal]]\ndsps = [\"dsp-a\"]\nterritories = \"south-east-asia\"\nmodels = \"pay-as-you-go\"\nprice-tier = \"FRONTLINE\"\n{inline}",
                upc(r),
                1 + r % 12,
                1 + r % 28
            ),
        )?;
        files += 1;
    }
    Ok(files)
}
