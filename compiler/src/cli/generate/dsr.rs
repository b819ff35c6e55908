//! `sleeve generate dsr` (hidden): a synthetic DDEX DSR sales report for benchmarks — a Basic
//! Audio Profile 1.2 flat file (tab-separated, one record per line, every cell present) of
//! on-demand streams of the recordings of a `sleeve generate` catalogue, in exactly the cell
//! layout of `HEAD`, `SY01.01`, `RE01`, `AS02.02`, `SU02` and `FOOT` of the profile's sample.
//!
//! One summary per territory × tier (8 territories, Premium and Free; `Usages` is the sum of
//! its lines, `NetRevenue` a per-stream price times that), one block per release with usage
//! (its `AS02.02` recordings, then its `SU02` lines), and a few percent of the lines on
//! recordings the catalogue does not have (ISRCs `ZZUNK…`, in blocks of their own spread
//! through the file) so that suspense is exercised. Deterministic for a seed.
//!
//! The file is streamed: summaries need the usage totals of their lines before any line is
//! written, so the lines are drawn twice from the same seeded generator — once to count, once
//! to write. Memory is one weight per recording, never one per line.

use crate::cli::Exit;
use crate::cli::printer::Printer;
use crate::royalties::alloc::allocate;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The generated catalogue the report is about (its `sleeve.toml` and DSP file are read).
    #[arg(long)]
    catalogue: PathBuf,
    /// File to write (must not exist).
    #[arg(long)]
    out: PathBuf,
    /// Usage lines (`SU02` records).
    #[arg(long)]
    lines: usize,
    /// Catalogue recordings with usage: the first N of the catalogue.
    #[arg(long, default_value_t = 100_000)]
    isrcs: usize,
    /// Percent of the lines on recordings that are not in the catalogue (→ suspense).
    #[arg(long, default_value_t = 3)]
    unknown_percent: usize,
    /// Releases the catalogue was generated with (`sleeve generate --releases`).
    #[arg(long, default_value_t = 10_000)]
    releases: usize,
    /// Tracks per release the catalogue was generated with.
    #[arg(long, default_value_t = 12)]
    tracks: usize,
    /// Parties the catalogue was generated with (only for artist names).
    #[arg(long, default_value_t = 2_000)]
    parties: usize,
    /// The sending DSP: a file `dsps/<ID>.toml` of the catalogue.
    #[arg(long, default_value = "dsp-a")]
    dsp: String,
    /// Usage month, `YYYY-MM`.
    #[arg(long, default_value = "2025-04")]
    month: String,
    /// Seed of the generator: the same seed and arguments give the same file.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Gzip the file (name it `….tsv.gz`; `sleeve royalties` reads it transparently).
    #[arg(long)]
    gzip: bool,
}

/// Territory, share of the lines (percent), price per stream in millionths of the currency
/// unit: Premium (`SubscriptionModel`), Free (`AdvertisementSupportedModel`).
const TERRITORIES: [(&str, u64, u64, u64); 8] = [
    ("GB", 20, 4_000, 900),
    ("US", 30, 4_200, 1_000),
    ("DE", 12, 3_800, 800),
    ("FR", 8, 3_600, 700),
    ("SE", 5, 3_900, 850),
    ("NL", 5, 3_700, 800),
    ("JP", 10, 3_500, 600),
    ("BR", 10, 1_200, 250),
];
/// Percent of a territory's lines on the Premium tier.
const PREMIUM_PERCENT: u64 = 60;

pub fn run(args: Args, printer: &Printer) -> Exit {
    if args.out.exists() {
        printer.err(&format!("error: `{}` already exists\n", args.out.display()));
        return Exit::Failure;
    }
    match generate(&args) {
        Ok(c) => {
            printer.err(&format!(
                "wrote `{}`: {} lines in the file, {} summaries, {} blocks, {} usage lines\n",
                args.out.display(),
                c.file_lines,
                TERRITORIES.len() * 2,
                c.blocks,
                c.usage_lines
            ));
            Exit::Success
        }
        Err(e) => {
            printer.err(&format!("error: {e}\n"));
            Exit::Failure
        }
    }
}

/// SplitMix64: a small, fast, well-mixed generator (no dependency for a benchmark file).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What the report's sender and recipient are, read from the catalogue.
struct Parties {
    label_name: String,
    label_id: String,
    currency: String,
    dsp_name: String,
    dsp_id: String,
}

fn table(path: &Path) -> std::io::Result<toml::Table> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| std::io::Error::other(format!("{}: {e}", path.display())))
}

fn text(t: &toml::Table, key: &str, path: &Path) -> std::io::Result<String> {
    t.get(key)
        .and_then(toml::Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| std::io::Error::other(format!("{}: no `{key}`", path.display())))
}

fn parties(a: &Args) -> std::io::Result<Parties> {
    let path = a.catalogue.join("sleeve.toml");
    let root = table(&path)?;
    let label = root
        .get("label")
        .and_then(toml::Value::as_table)
        .ok_or_else(|| std::io::Error::other(format!("{}: no [label]", path.display())))?;
    let dsp_path = a.catalogue.join(format!("dsps/{}.toml", a.dsp));
    let dsp = table(&dsp_path)?;
    Ok(Parties {
        label_name: text(label, "name", &path)?,
        label_id: text(label, "party-id", &path)?,
        currency: text(label, "currency", &path)?,
        dsp_name: text(&dsp, "name", &dsp_path)?,
        dsp_id: text(&dsp, "party-id", &dsp_path)?,
    })
}

/// First and last day of a `YYYY-MM` month, and the 15th of the next (the report's date).
fn month_days(month: &str) -> Option<(String, String, String)> {
    let (y, m) = month.split_once('-')?;
    let (y, m): (u32, u32) = (y.parse().ok()?, m.parse().ok()?);
    if !(1..=12).contains(&m) || !(1000..=9998).contains(&y) {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let last = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    Some((
        format!("{y:04}-{m:02}-01"),
        format!("{y:04}-{m:02}-{last:02}"),
        format!("{ny:04}-{nm:02}-15"),
    ))
}

/// One block of the report: a catalogue release (its first `tracks` recordings with index
/// below `isrcs`) or a release the catalogue does not have.
#[derive(Clone, Copy)]
enum Block {
    Known(usize),
    Unknown(usize),
}

/// The shape of the report, drawn before anything is written.
struct Plan {
    /// Usage lines per catalogue recording (index = recording number).
    known: Vec<usize>,
    /// Usage lines per unknown recording.
    unknown: Vec<usize>,
    /// Blocks in file order.
    blocks: Vec<Block>,
}

fn plan(a: &Args) -> std::io::Result<Plan> {
    let known_isrcs = a.isrcs;
    let unknown_lines = a.lines * a.unknown_percent.min(100) / 100;
    let known_lines = a.lines - unknown_lines;
    let unknown_isrcs = if unknown_lines == 0 {
        0
    } else {
        (known_isrcs * a.unknown_percent).div_ceil(100).max(1)
    };
    // Popularity: a weight in 1..=226 per recording, skewed (a few recordings get most lines).
    let popularity = |salt: u64, n: usize| -> Vec<i128> {
        (0..n as u64)
            .map(|i| {
                let h = mix(a.seed ^ salt ^ i.wrapping_mul(0x2545_F491_4F6C_DD1D));
                i128::from(1 + (h % 16) * (h % 16))
            })
            .collect()
    };
    let spread = |lines: usize, weights: &[i128]| -> std::io::Result<Vec<usize>> {
        if weights.is_empty() {
            return Ok(Vec::new());
        }
        let parts = allocate(lines as i128, weights).map_err(std::io::Error::other)?;
        Ok(parts
            .into_iter()
            .map(|p| usize::try_from(p).unwrap_or(0))
            .collect())
    };
    let known = spread(known_lines, &popularity(0x51EE_7E00, known_isrcs))?;
    let unknown = spread(unknown_lines, &popularity(0xDEAD_BEEF, unknown_isrcs))?;
    let known_blocks = known_isrcs.div_ceil(a.tracks);
    let unknown_blocks = unknown_isrcs.div_ceil(a.tracks);
    let total = known_blocks + unknown_blocks;
    let (mut k, mut u) = (0, 0);
    let mut blocks = Vec::with_capacity(total);
    for i in 0..total {
        // Spread the unknown blocks evenly through the file.
        if (i + 1) * unknown_blocks / total > i * unknown_blocks / total {
            blocks.push(Block::Unknown(u));
            u += 1;
        } else {
            blocks.push(Block::Known(k));
            k += 1;
        }
    }
    Ok(Plan {
        known,
        unknown,
        blocks,
    })
}

/// The file, gzipped or not; `finish` writes the gzip trailer and reports any error.
enum Sink {
    Plain(std::fs::File),
    Gzip(flate2::write::GzEncoder<std::fs::File>),
}

impl Sink {
    fn finish(self) -> std::io::Result<()> {
        match self {
            Sink::Plain(mut f) => f.flush(),
            Sink::Gzip(g) => g.finish()?.flush(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Plain(f) => f.write(buf),
            Sink::Gzip(g) => g.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Plain(f) => f.flush(),
            Sink::Gzip(g) => g.flush(),
        }
    }
}

#[derive(Default)]
struct Counts {
    file_lines: usize,
    blocks: usize,
    usage_lines: usize,
}

fn generate(a: &Args) -> std::io::Result<Counts> {
    if a.tracks == 0 || a.releases == 0 {
        return Err(std::io::Error::other(
            "--releases and --tracks must be at least 1",
        ));
    }
    if a.isrcs > a.releases * a.tracks {
        return Err(std::io::Error::other(format!(
            "--isrcs {} is more than the catalogue's {} recordings",
            a.isrcs,
            a.releases * a.tracks
        )));
    }
    // The catalogue must be the one the arguments describe: its last release and no more.
    let release_file = |r: usize| {
        a.catalogue
            .join(format!("releases/{:02}/release-{r}.toml", r / 1000))
    };
    if !release_file(a.releases - 1).exists() || release_file(a.releases).exists() {
        return Err(std::io::Error::other(format!(
            "`{}` is not a catalogue generated with --releases {}",
            a.catalogue.display(),
            a.releases
        )));
    }
    let parties = parties(a)?;
    let (start, end, created) = month_days(&a.month)
        .ok_or_else(|| std::io::Error::other(format!("--month `{}`: not YYYY-MM", a.month)))?;
    let plan = plan(a)?;
    let summaries = TERRITORIES.len() * 2;

    // Pass 1: usage per summary, and the counts the footer needs.
    let mut usages = vec![0u64; summaries];
    blocks(a, &plan, &parties, &mut usages, None::<&mut std::io::Sink>)?;

    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&a.out)
        .map_err(|e| std::io::Error::other(format!("{}: {e}", a.out.display())))?;
    let sink = if a.gzip {
        Sink::Gzip(flate2::write::GzEncoder::new(
            file,
            flate2::Compression::fast(),
        ))
    } else {
        Sink::Plain(file)
    };
    let mut w = BufWriter::with_capacity(1 << 20, sink);
    let message_id = format!(
        "SYN-{}-{}-{}-{}",
        a.dsp.to_uppercase(),
        a.month,
        a.seed,
        a.lines
    );
    writeln!(
        w,
        "HEAD\tdsrf/1.2/1.4/1.2\tBasicAudioProfile\t1.2\t{message_id}\t{created}T03:15:00Z\t1\t1\t{start}\t{end}\t{}\t{}\t\t{}\t{}\t",
        parties.dsp_id, parties.dsp_name, parties.label_id, parties.label_name
    )?;
    for (t, (territory, _, premium, free)) in TERRITORIES.iter().enumerate() {
        for (tier, (model, service, price)) in [
            ("SubscriptionModel", "Premium", premium),
            ("AdvertisementSupportedModel", "Free", free),
        ]
        .into_iter()
        .enumerate()
        {
            let s = t * 2 + tier;
            let usage = usages[s];
            // millionths of a unit per stream → hundredths (minor units), rounded down
            let minor = usage * price / 10_000;
            writeln!(
                w,
                "SY01.01\tS{}\t\t\t{model}\tOnDemandStream\t{territory}\t{service}\t{usage}\t\t{}\t{}.{:02}\t\t\t",
                s + 1,
                parties.currency,
                minor / 100,
                minor % 100
            )?;
        }
    }
    // Pass 2: the same draws, written.
    let mut again = vec![0u64; summaries];
    let written = blocks(a, &plan, &parties, &mut again, Some(&mut w))?;
    debug_assert_eq!(again, usages);
    let lines_in_file = 1 + summaries + written.file_lines + 1;
    writeln!(
        w,
        "FOOT\t{lines_in_file}\t{lines_in_file}\t{summaries}\t{}\t{}",
        written.blocks, written.blocks
    )?;
    w.into_inner().map_err(|e| e.into_error())?.finish()?;
    Ok(Counts {
        file_lines: lines_in_file,
        ..written
    })
}

/// Walk the blocks in file order, drawing each usage line's summary and streams from a
/// generator seeded afresh (so both passes draw the same), adding streams to `usages`;
/// write the records when `out` is given. Counts the block records and lines.
fn blocks<W: Write>(
    a: &Args,
    plan: &Plan,
    parties: &Parties,
    usages: &mut [u64],
    mut out: Option<&mut W>,
) -> std::io::Result<Counts> {
    let mut rng = Rng(mix(a.seed ^ 0x0005_A1E5));
    let mut c = Counts::default();
    let parties_n = a.parties.max(2);
    let mut transaction = 0usize;
    let mut resources: Vec<(usize, String, usize)> = Vec::with_capacity(a.tracks);
    for block in &plan.blocks {
        // (track number, ISRC, lines) of the block's recordings with usage
        resources.clear();
        match *block {
            Block::Known(r) => {
                for t in 0..a.tracks {
                    let rec = r * a.tracks + t;
                    if let Some(&n) = plan.known.get(rec)
                        && n > 0
                    {
                        resources.push((t, super::isrc(rec), n));
                    }
                }
            }
            Block::Unknown(u) => {
                for t in 0..a.tracks {
                    let j = u * a.tracks + t;
                    if let Some(&n) = plan.unknown.get(j)
                        && n > 0
                    {
                        let isrc = format!("ZZUNK{:02}{:05}", 25 + j / 100_000, j % 100_000);
                        resources.push((t, isrc, n));
                    }
                }
            }
        }
        if resources.is_empty() {
            continue;
        }
        c.blocks += 1;
        let b = c.blocks;
        c.file_lines += 1 + resources.len();
        if let Some(w) = out.as_deref_mut() {
            match *block {
                Block::Known(r) => writeln!(
                    w,
                    "RE01\tB{b}\tR1\tsyn:album:{r}\t\tSYN{r:05}\t{}\tArtist {}\t\tRelease {r}\t\tAlbum\t{}\t2024 {}\t{}",
                    super::upc(r),
                    r % parties_n,
                    parties.label_name,
                    parties.label_name,
                    parties.label_name
                )?,
                Block::Unknown(u) => writeln!(
                    w,
                    "RE01\tB{b}\tR1\tsyn:album:unknown-{u}\t\t\t{}\tUnknown Artist {u}\t\tUnknown Release {u}\t\tAlbum\tUnknown Label\t2024 Unknown Label\tUnknown Label",
                    super::upc(900_000 + u)
                )?,
            }
            for (t, isrc, _) in &resources {
                let (artist, other, rec) = match *block {
                    Block::Known(r) => (
                        format!("Artist {}", r % parties_n),
                        format!("Artist {}", (r + 1) % parties_n),
                        r * a.tracks + t,
                    ),
                    Block::Unknown(u) => (
                        format!("Unknown Artist {u}"),
                        String::new(),
                        u * a.tracks + t,
                    ),
                };
                writeln!(
                    w,
                    "AS02.02\tB{b}\tA{}\tsyn:track:{isrc}\t{isrc}\tHarbour Song {rec}\t\t{artist}\t\tPT3M{}S\tSoundRecording\t\t{other}\t\t\t\t\t\t\t\t\t",
                    t + 1,
                    rec % 60
                )?;
            }
        }
        for (t, _, n) in &resources {
            for _ in 0..*n {
                let r = rng.next();
                let mut pick = r % 100;
                let mut territory = 0;
                for (i, (_, share, _, _)) in TERRITORIES.iter().enumerate() {
                    territory = i;
                    if pick < *share {
                        break;
                    }
                    pick -= share;
                }
                let tier = usize::from((r >> 32) % 100 >= PREMIUM_PERCENT);
                let s = territory * 2 + tier;
                let r2 = rng.next();
                let mut streams = 1 + r2 % 500;
                if (r2 >> 40) % 10 == 0 {
                    streams *= 40;
                }
                usages[s] += streams;
                transaction += 1;
                if let Some(w) = out.as_deref_mut() {
                    writeln!(
                        w,
                        "SU02\tB{b}\tS{}\tT{transaction:08}\t\tA{}\ttrue\t{streams}\t\t",
                        s + 1,
                        t + 1
                    )?;
                }
            }
            c.file_lines += n;
            c.usage_lines += n;
        }
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        assert_eq!(
            month_days("2025-04"),
            Some((
                "2025-04-01".into(),
                "2025-04-30".into(),
                "2025-05-15".into()
            ))
        );
        assert_eq!(
            month_days("2024-02").map(|d| d.1),
            Some("2024-02-29".into())
        );
        assert_eq!(
            month_days("2025-12").map(|d| d.2),
            Some("2026-01-15".into())
        );
        assert_eq!(month_days("2025-13"), None);
    }
}
