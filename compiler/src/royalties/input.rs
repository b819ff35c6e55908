//! Reading sales reports into pools of money and the usage lines that share them.
//!
//! A DDEX DSR flat file (Basic Audio Profile) carries money on its summary records (`SY…`)
//! and counts on its usage records (`SU…`); each summary is one [`Pool`]. A CSV report
//! carries money on every row; each row is a pool of one line. Lines are matched to the
//! catalogue while they are read, so a pool holds only small integers.
//!
//! The readers take any `BufRead`: the edge opens files and gunzips them.

use super::rates::{Ix, RateTable, title_artist_key};
use crate::model::date::Date;
use crate::model::ident::{Isrc, Upc};
use crate::model::iso;
use crate::model::{Channel, ReportFormat};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as HashMap;
use std::io::BufRead;

/// What a usage line is matched to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Recording(Ix),
    /// A release-level line (UPC without a known ISRC): shared over the release's tracks.
    Release(Ix),
    /// Nothing in the catalogue: index into [`Reader::unmatched`].
    Unmatched(u32),
    /// A bad line whose weight is known: its share of the pool is rejected. Index into
    /// [`Reader::rejects`].
    Rejected(u32),
}

/// One usage line, packed into 16 bytes (a 10-million-line report keeps all of them until
/// its pools are shared): the target's kind in the top two bits of `target`, and whether the
/// line is royalty-bearing in the top bit of `line`.
#[derive(Debug, Clone)]
pub struct Usage {
    /// Streams or units, net of returns.
    pub units: i64,
    target: u32,
    line: u32,
}

const KIND_SHIFT: u32 = 30;
const INDEX_MASK: u32 = (1 << KIND_SHIFT) - 1;
const BEARING: u32 = 1 << 31;

impl Usage {
    /// `bearing`: the line shares the pool by its units (else it counts usage only).
    /// Indices above 2³⁰ and line numbers above 2³¹ are beyond any report this reads.
    pub fn new(target: Target, bearing: bool, units: i64, line: u32) -> Usage {
        let (kind, ix) = match target {
            Target::Recording(i) => (0, i),
            Target::Release(i) => (1, i),
            Target::Unmatched(i) => (2, i),
            Target::Rejected(i) => (3, i),
        };
        Usage {
            units,
            target: (kind << KIND_SHIFT) | (ix & INDEX_MASK),
            line: (line & !BEARING) | if bearing { BEARING } else { 0 },
        }
    }

    pub fn target(&self) -> Target {
        let ix = self.target & INDEX_MASK;
        match self.target >> KIND_SHIFT {
            0 => Target::Recording(ix),
            1 => Target::Release(ix),
            2 => Target::Unmatched(ix),
            _ => Target::Rejected(ix),
        }
    }

    pub fn bearing(&self) -> bool {
        self.line & BEARING != 0
    }

    pub fn set_bearing(&mut self, bearing: bool) {
        self.line = (self.line & !BEARING) | if bearing { BEARING } else { 0 };
    }

    pub fn line(&self) -> u32 {
        self.line & !BEARING
    }

    /// Share of the pool: the units (net of returns, never negative) when royalty-bearing.
    pub fn weight(&self) -> i64 {
        if self.bearing() { self.units.max(0) } else { 0 }
    }
}

/// Money to share and the lines that share it.
#[derive(Debug, Clone)]
pub struct Pool {
    pub file: u32,
    pub line: u32,
    pub currency: u32,
    /// Pool in minor units of `currency`.
    pub amount: i64,
    /// Reported amount minus `amount` (digits finer than the currency's minor unit).
    pub rounding: Decimal,
    pub territory: u8,
    pub channel: Channel,
    /// Interned service description.
    pub service: u32,
    /// Interned DSP (profile id or sender name).
    pub dsp: u32,
    /// First day of the usage.
    pub usage: Date,
    pub lines: Vec<Usage>,
}

/// An identifier the catalogue does not know, as reported.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Unmatched {
    pub isrc: String,
    pub upc: String,
    pub title: String,
    pub artist: String,
}

/// A line that could not be accounted, with why.
#[derive(Debug, Clone)]
pub struct Reject {
    pub file: u32,
    pub line: u32,
    pub reason: String,
    pub text: String,
    /// Its money, when known: `(currency, minor units)`. Filled in when a pool is shared.
    pub amount: Option<(u32, i64)>,
    /// Its money is already in the run's buckets (it was part of a pool that was shared).
    pub booked: bool,
}

/// A problem found while reading, for a diagnostic.
#[derive(Debug, Clone)]
pub struct Problem {
    pub file: u32,
    pub line: u32,
    pub kind: ProblemKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The whole file cannot be read (E0602).
    Unreadable,
    /// One line rejected (W0604).
    Rejected,
    /// Counts disagree (W0605).
    Counts,
    /// Indirect revenue not distributed (W0609).
    Indirect,
}

/// Identity of one report file.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SourceFile {
    pub path: String,
    pub sha256: String,
    /// `dsr` or the CSV format id.
    pub format: String,
    /// DSR `MessageId`, or empty.
    pub message_id: String,
    /// DSR file number (`1` of a one-file report), or empty.
    #[serde(default)]
    pub file_number: String,
    pub sender: String,
    pub lines: u64,
}

impl SourceFile {
    /// A report not read yet: its path and hash; the reader fills in the rest.
    pub fn new(path: &str, sha256: &str) -> SourceFile {
        SourceFile {
            path: path.to_string(),
            sha256: sha256.to_string(),
            format: String::new(),
            message_id: String::new(),
            file_number: String::new(),
            sender: String::new(),
            lines: 0,
        }
    }

    /// What identifies a DSR file across re-sends: sender, `MessageId` and file number (a
    /// corrected report keeps its `MessageId`, so a different hash does not make it new).
    pub fn message_key(&self) -> Option<String> {
        (self.format == "dsr" && !self.message_id.is_empty()).then(|| {
            format!(
                "{} {} file {}",
                self.sender, self.message_id, self.file_number
            )
        })
    }
}

/// Interns names to small integers.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    pub names: Vec<String>,
    map: HashMap<String, u32>,
}

impl Interner {
    pub fn get(&mut self, s: &str) -> u32 {
        if let Some(i) = self.map.get(s) {
            return *i;
        }
        let i = self.names.len() as u32;
        self.names.push(s.to_string());
        self.map.insert(s.to_string(), i);
        i
    }

    pub fn name(&self, i: u32) -> &str {
        self.names.get(i as usize).map_or("", String::as_str)
    }
}

/// Reads reports against a rate table, accumulating pools, rejects and problems.
pub struct Reader<'a> {
    pub table: &'a RateTable,
    pub fallback_title_artist: bool,
    /// DSP party id → DSP profile id.
    pub dsp_by_party: HashMap<String, String>,
    pub files: Vec<SourceFile>,
    pub pools: Vec<Pool>,
    pub rejects: Vec<Reject>,
    pub problems: Vec<Problem>,
    pub unmatched: Interner,
    unmatched_keys: Vec<Unmatched>,
    pub currencies: Interner,
    pub services: Interner,
    pub dsps: Interner,
}

/// Minor units of a currency, or `None` when the code is unknown.
fn minor(code: &str) -> Option<u32> {
    iso::currency_minor_units(code).map(u32::from)
}

/// Minor units of a known currency (2 for an unknown one, which the readers reject first).
pub fn minor_units(code: &str) -> u32 {
    minor(code).unwrap_or(2)
}

/// `amount` in minor units (half to even beyond them), and what the rounding dropped.
pub fn to_minor(amount: Decimal, minor_units: u32) -> Option<(i64, Decimal)> {
    let rounded = amount.round_dp_with_strategy(
        minor_units,
        rust_decimal::RoundingStrategy::MidpointNearestEven,
    );
    let scaled = rounded.checked_mul(Decimal::from(10i64.checked_pow(minor_units)?))?;
    let units =
        i64::try_from(scaled.trunc().mantissa() / 10i128.pow(scaled.trunc().scale())).ok()?;
    Some((units, amount - rounded))
}

/// Minor units back to a decimal.
pub fn from_minor(units: i128, minor_units: u32) -> Decimal {
    Decimal::try_from_i128_with_scale(units, minor_units).unwrap_or_default()
}

impl<'a> Reader<'a> {
    pub fn new(table: &'a RateTable, fallback_title_artist: bool) -> Self {
        Reader {
            table,
            fallback_title_artist,
            dsp_by_party: HashMap::default(),
            files: Vec::new(),
            pools: Vec::new(),
            rejects: Vec::new(),
            problems: Vec::new(),
            unmatched: Interner::default(),
            unmatched_keys: Vec::new(),
            currencies: Interner::default(),
            services: Interner::default(),
            dsps: Interner::default(),
        }
    }

    pub fn unmatched_key(&self, i: u32) -> Option<&Unmatched> {
        self.unmatched_keys.get(i as usize)
    }

    fn problem(&mut self, file: u32, line: u32, kind: ProblemKind, message: String) {
        self.problems.push(Problem {
            file,
            line,
            kind,
            message,
        });
    }

    fn reject(&mut self, file: u32, line: u32, reason: String, text: &str) -> u32 {
        self.problem(file, line, ProblemKind::Rejected, reason.clone());
        let i = self.rejects.len() as u32;
        self.rejects.push(Reject {
            file,
            line,
            reason,
            text: text.chars().take(2000).collect(),
            amount: None,
            booked: false,
        });
        i
    }

    /// A record with fewer cells than its type has: rejected (`true`).
    fn too_few_cells(
        &mut self,
        file: u32,
        line: u32,
        kind: &str,
        have: usize,
        need: usize,
        text: &str,
    ) -> bool {
        if have >= need {
            return false;
        }
        self.reject(
            file,
            line,
            format!("{kind} has {have} cells, not at least {need}"),
            text,
        );
        true
    }

    /// Match by ISRC, then UPC, then (when enabled) normalised title and artist.
    pub fn match_line(&mut self, isrc: &str, upc: &str, title: &str, artist: &str) -> Target {
        if let Ok(i) = Isrc::parse(isrc)
            && let Some(r) = self.table.by_isrc.get(i.as_str())
        {
            return Target::Recording(*r);
        }
        if let Ok(u) = Upc::parse(upc)
            && let Some(r) = self.table.by_upc.get(&u.gtin14())
        {
            // A track on a known release: find it by title among the release's tracks.
            if let Some(rel) = self.table.releases.get(*r as usize) {
                if !isrc.is_empty() || !title.is_empty() {
                    let key = title_artist_key(title, "");
                    if let Some(t) = rel.tracks.iter().find(|t| {
                        self.table
                            .recordings
                            .get(**t as usize)
                            .is_some_and(|rec| title_artist_key(&rec.title, "") == key)
                    }) {
                        return Target::Recording(*t);
                    }
                }
                if isrc.is_empty() {
                    return Target::Release(*r);
                }
            }
        }
        if self.fallback_title_artist
            && !title.is_empty()
            && let Some(Some(r)) = self
                .table
                .by_title_artist
                .get(&title_artist_key(title, artist))
        {
            return Target::Recording(*r);
        }
        let key = Unmatched {
            isrc: isrc.trim().to_string(),
            upc: upc.trim().to_string(),
            title: title.trim().to_string(),
            artist: artist.trim().to_string(),
        };
        let name = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}",
            key.isrc, key.upc, key.title, key.artist
        );
        let before = self.unmatched.names.len();
        let i = self.unmatched.get(&name);
        if self.unmatched.names.len() > before {
            self.unmatched_keys.push(key);
        }
        Target::Unmatched(i)
    }

    /// Read a DDEX DSR flat file (Basic Audio Profile).
    pub fn read_dsr(&mut self, mut source: SourceFile, input: &mut dyn BufRead) {
        let file = self.files.len() as u32;
        source.format = "dsr".into();
        let mut summaries: HashMap<String, usize> = HashMap::default();
        // block id → resource reference → target
        let mut blocks: HashMap<String, HashMap<String, Target>> = HashMap::default();
        let mut block_release: HashMap<String, (String, String, String)> = HashMap::default();
        let mut dsp = self.dsps.get("unknown");
        let mut usage = Date::new(1970, 1, 1).unwrap_or(Date {
            year: 1970,
            month: 1,
            day: 1,
        });
        let mut head = false;
        let mut foot: Option<(u32, Vec<String>)> = None;
        let (mut lines, mut n_summaries) = (0u64, 0u64);
        let mut block_ids: std::collections::HashSet<String> = Default::default();
        let first_pool = self.pools.len();
        let mut buf = String::new();
        let mut line_no: u32 = 0;
        // Pools with a usage line of unknown weight: `(pool, line)`.
        let mut unknown_weight: Vec<(usize, u32)> = Vec::new();
        // Pool → the summary's declared `Usages`.
        let mut declared_map: HashMap<usize, i64> = HashMap::default();
        loop {
            buf.clear();
            match input.read_line(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    self.problem(
                        file,
                        line_no + 1,
                        ProblemKind::Unreadable,
                        format!("cannot read past line {line_no}: {e}"),
                    );
                    break;
                }
            }
            line_no += 1;
            let text = buf.trim_end_matches(['\n', '\r']);
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            lines += 1;
            // Cells without allocating: DSR records have fewer than 32.
            let mut store = [""; 32];
            let mut count = 0usize;
            for c in text.split('\t') {
                if let Some(slot) = store.get_mut(count) {
                    *slot = c;
                }
                count += 1;
            }
            let cells = Cells {
                cells: store.get(..count.min(32)).unwrap_or_default(),
                count,
            };
            let kind = cells.first().copied().unwrap_or("");
            let cell = |i: usize| cells.get(i).copied().unwrap_or("").trim();
            if foot.is_some() {
                self.reject(file, line_no, "a record after FOOT".into(), text);
                continue;
            }
            match kind {
                "HEAD" => {
                    if head {
                        self.reject(file, line_no, "a second HEAD record".into(), text);
                        continue;
                    }
                    head = true;
                    if cells.len() < 15 {
                        self.problem(
                            file,
                            line_no,
                            ProblemKind::Unreadable,
                            format!("HEAD has {} cells, not at least 15", cells.len()),
                        );
                        return;
                    }
                    let profile = cell(2);
                    if profile != "BasicAudioProfile" {
                        self.problem(
                            file,
                            line_no,
                            ProblemKind::Unreadable,
                            format!(
                                "the DSR profile `{profile}` is not supported (only `BasicAudioProfile`)"
                            ),
                        );
                        return;
                    }
                    source.message_id = cell(4).to_string();
                    source.file_number = cell(6).to_string();
                    match Date::parse(cell(8)) {
                        Some(d) => usage = d,
                        None => {
                            self.problem(
                                file,
                                line_no,
                                ProblemKind::Unreadable,
                                format!("HEAD's UsageStartDate `{}` is not a date", cell(8)),
                            );
                            return;
                        }
                    }
                    let sender = cell(10).to_string();
                    source.sender = if cell(11).is_empty() {
                        sender.clone()
                    } else {
                        cell(11).to_string()
                    };
                    let name = self
                        .dsp_by_party
                        .get(&sender)
                        .cloned()
                        .unwrap_or_else(|| source.sender.clone());
                    dsp = self.dsps.get(&name);
                }
                _ if !head => {
                    self.problem(
                        file,
                        line_no,
                        ProblemKind::Unreadable,
                        "the file does not start with a HEAD record".into(),
                    );
                    return;
                }
                k if k.starts_with("SY") => {
                    n_summaries += 1;
                    let id = cell(1).to_string();
                    let allocated = k.starts_with("SY02");
                    if self.too_few_cells(file, line_no, k, cells.len(), 12, text) {
                        continue;
                    }
                    let currency = cell(10);
                    let Some(mu) = minor(currency) else {
                        self.reject(
                            file,
                            line_no,
                            format!("unknown currency `{currency}`"),
                            text,
                        );
                        continue;
                    };
                    let cur = self.currencies.get(currency);
                    let amount_text = if allocated && !cell(15).is_empty() {
                        cell(15)
                    } else {
                        cell(11)
                    };
                    let Some(amount) = crate::model::ratio::exact_decimal(amount_text) else {
                        self.reject(
                            file,
                            line_no,
                            format!("amount `{amount_text}` is not a number"),
                            text,
                        );
                        continue;
                    };
                    let Some((units, rounding)) = to_minor(amount, mu) else {
                        self.reject(
                            file,
                            line_no,
                            format!("amount `{amount_text}` is too large"),
                            text,
                        );
                        continue;
                    };
                    let fail = |r: &mut Self, why: String| {
                        let ri = r.reject(file, line_no, why, text);
                        if let Some(rj) = r.rejects.get_mut(ri as usize) {
                            rj.amount = Some((cur, units));
                        }
                    };
                    if summaries.contains_key(&id) {
                        fail(self, format!("summary `{id}` is declared twice"));
                        continue;
                    }
                    let Some(territory) = iso::territory_index(cell(6)) else {
                        fail(self, format!("unknown territory `{}`", cell(6)));
                        continue;
                    };
                    let Some(channel) = channel_of(cell(4), cell(5)) else {
                        fail(
                            self,
                            format!("no sales channel for `{}`/`{}`", cell(4), cell(5)),
                        );
                        continue;
                    };
                    let indirect = cell(12);
                    if !allocated
                        && !indirect.is_empty()
                        && crate::model::ratio::exact_decimal(indirect)
                            .is_some_and(|d| !d.is_zero())
                    {
                        self.problem(
                            file,
                            line_no,
                            ProblemKind::Indirect,
                            format!("summary `{id}` has IndirectNetRevenue {indirect} {currency}, which is not distributed"),
                        );
                    }
                    let declared = cell(8).parse::<i64>().ok();
                    let service = self.services.get(cell(7));
                    summaries.insert(id, self.pools.len());
                    self.pools.push(Pool {
                        file,
                        line: line_no,
                        currency: cur,
                        amount: units,
                        rounding,
                        territory,
                        channel,
                        service,
                        dsp,
                        usage,
                        lines: Vec::new(),
                    });
                    if let Some(d) = declared {
                        // Kept to compare with the lines at the end.
                        declared_map.insert(self.pools.len() - 1, d);
                    }
                }
                "RE01" => {
                    if self.too_few_cells(file, line_no, "RE01", cells.len(), 10, text) {
                        continue;
                    }
                    block_ids.insert(cell(1).to_string());
                    block_release.insert(
                        cell(1).to_string(),
                        (
                            cell(6).to_string(),
                            cell(9).to_string(),
                            cell(7).to_string(),
                        ),
                    );
                }
                k if k.starts_with("AS") => {
                    if self.too_few_cells(file, line_no, k, cells.len(), 8, text) {
                        continue;
                    }
                    let block = cell(1).to_string();
                    block_ids.insert(block.clone());
                    let upc = block_release
                        .get(&block)
                        .map_or("", |r| r.0.as_str())
                        .to_string();
                    let target = self.match_line(cell(4), &upc, cell(5), cell(7));
                    blocks
                        .entry(block)
                        .or_default()
                        .insert(cell(2).to_string(), target);
                }
                k if k.starts_with("SU") => {
                    if self.too_few_cells(file, line_no, k, cells.len(), 8, text) {
                        // Its summary (when the cell is there) lost a line of unknown weight.
                        if let Some(&pool) = summaries.get(cell(2)) {
                            unknown_weight.push((pool, line_no));
                        }
                        continue;
                    }
                    let Some(&pool) = summaries.get(cell(2)) else {
                        self.reject(
                            file,
                            line_no,
                            format!("usage line points at unknown summary `{}`", cell(2)),
                            text,
                        );
                        continue;
                    };
                    let count = |s: &str| -> Option<i64> {
                        if s.is_empty() {
                            Some(0)
                        } else {
                            s.parse::<i64>().ok().filter(|n| *n >= 0)
                        }
                    };
                    let (Some(usages), Some(returns)) = (
                        count(cell(7)),
                        if k.starts_with("SU01") {
                            count(cell(8))
                        } else {
                            Some(0)
                        },
                    ) else {
                        self.reject(
                            file,
                            line_no,
                            format!(
                                "usage count `{}` is not a non-negative whole number",
                                cell(7)
                            ),
                            text,
                        );
                        unknown_weight.push((pool, line_no));
                        continue;
                    };
                    let units = usages - returns;
                    let bearing = !cell(6).eq_ignore_ascii_case("false");
                    let resource = cell(5);
                    let target = if resource.is_empty() {
                        // A release-level line.
                        let upc = block_release
                            .get(cell(1))
                            .map(|r| r.0.clone())
                            .unwrap_or_default();
                        self.match_line("", &upc, "", "")
                    } else {
                        match blocks.get(cell(1)).and_then(|b| b.get(resource)) {
                            Some(t) => *t,
                            None => Target::Rejected(self.reject(
                                file,
                                line_no,
                                format!("usage line points at unknown resource `{resource}` in block `{}`", cell(1)),
                                text,
                            )),
                        }
                    };
                    if let Some(p) = self.pools.get_mut(pool) {
                        p.lines.push(Usage::new(target, bearing, units, line_no));
                    }
                }
                "FOOT" => {
                    foot = Some((
                        line_no,
                        cells.iter().map(|c| c.trim().to_string()).collect(),
                    ));
                }
                other => {
                    // Records the Basic Audio Profile does not need (works, rights lines).
                    let _ = other;
                }
            }
        }
        let file_pools = first_pool..self.pools.len();
        // Lines of unknown weight: their share is the summary's declared usages not on other
        // lines; without a declared total, the whole pool is rejected.
        let mut counted_unknown: HashMap<usize, u32> = HashMap::default();
        for (pool, _) in &unknown_weight {
            *counted_unknown.entry(*pool).or_default() += 1;
        }
        for pi in file_pools.clone() {
            let Some(p) = self.pools.get(pi) else {
                continue;
            };
            let sum: i64 = p.lines.iter().map(|u| u.units).sum();
            let declared = declared_map.get(&pi).copied();
            if counted_unknown.contains_key(&pi) {
                let (pline, pcur, pamount) = (p.line, p.currency, p.amount);
                match declared {
                    Some(d) if d >= sum => {
                        let ri = self.reject(
                            file,
                            pline,
                            format!(
                                "the share of {} usage line(s) that could not be read",
                                counted_unknown.get(&pi).copied().unwrap_or(0)
                            ),
                            "",
                        );
                        if let Some(p) = self.pools.get_mut(pi) {
                            p.lines
                                .push(Usage::new(Target::Rejected(ri), true, d - sum, pline));
                        }
                    }
                    _ => {
                        let ri = self.reject(
                            file,
                            pline,
                            "a usage line of this summary could not be read and the summary declares no usable Usages total: the whole pool is rejected".into(),
                            "",
                        );
                        if let Some(r) = self.rejects.get_mut(ri as usize) {
                            r.amount = Some((pcur, pamount));
                        }
                        if let Some(p) = self.pools.get_mut(pi) {
                            p.amount = 0;
                            for u in &mut p.lines {
                                u.set_bearing(false);
                            }
                        }
                    }
                }
            } else if let Some(d) = declared
                && d != sum
            {
                let msg =
                    format!("summary usages {d} differ from the sum of its usage lines, {sum}");
                let line = p.line;
                self.problem(file, line, ProblemKind::Counts, msg);
            }
        }
        match foot {
            None => self.problem(
                file,
                line_no,
                ProblemKind::Counts,
                "no FOOT record: the file may be truncated".into(),
            ),
            Some((fl, cells)) => {
                let num = |i: usize| cells.get(i).and_then(|c| c.parse::<u64>().ok());
                let blocks_n = block_ids.len() as u64;
                for (what, want, got) in [
                    ("lines in file", num(1), lines),
                    ("summary records", num(3), n_summaries),
                    ("blocks in file", num(4), blocks_n),
                ] {
                    match want {
                        Some(w) if w == got => {}
                        Some(w) => self.problem(
                            file,
                            fl,
                            ProblemKind::Counts,
                            format!("FOOT says {w} {what}, the file has {got}"),
                        ),
                        None => self.problem(
                            file,
                            fl,
                            ProblemKind::Counts,
                            format!("FOOT's count of {what} is missing or not a number"),
                        ),
                    }
                }
            }
        }
        source.lines = lines;
        self.files.push(source);
    }

    /// Read a CSV/TSV report in `format`.
    pub fn read_csv(
        &mut self,
        mut source: SourceFile,
        format: &ReportFormat,
        dsp_name: &str,
        input: &mut dyn BufRead,
    ) {
        let file = self.files.len() as u32;
        source.format = format.id.clone();
        source.sender = dsp_name.to_string();
        let dsp = self.dsps.get(&format.dsp);
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(format.delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(input);
        let headers = match rdr.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                self.problem(
                    file,
                    1,
                    ProblemKind::Unreadable,
                    format!("cannot read the header row: {e}"),
                );
                self.files.push(source);
                return;
            }
        };
        let col = |name: &Option<String>| -> Result<Option<usize>, String> {
            match name {
                None => Ok(None),
                Some(n) => headers
                    .iter()
                    .position(|h| h.trim().trim_start_matches('\u{feff}') == n)
                    .map(Some)
                    .ok_or_else(|| n.clone()),
            }
        };
        let c = &format.columns;
        let wanted = [
            &c.isrc,
            &c.upc,
            &c.title,
            &c.artist,
            &Some(c.territory.clone()),
            &c.service,
            &c.usage,
            &Some(c.units.clone()),
            &Some(c.amount.clone()),
            &c.currency,
            &Some(c.date.clone()),
            &c.transaction,
        ];
        let mut ix = Vec::new();
        let mut missing = Vec::new();
        for w in wanted {
            match col(w) {
                Ok(i) => ix.push(i),
                Err(name) => {
                    missing.push(name);
                    ix.push(None);
                }
            }
        }
        if !missing.is_empty() {
            self.problem(
                file,
                1,
                ProblemKind::Unreadable,
                format!(
                    "the header row has no column {} (format `{}`)",
                    missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    format.id
                ),
            );
            self.files.push(source);
            return;
        }
        let [
            isrc_c,
            upc_c,
            title_c,
            artist_c,
            terr_c,
            service_c,
            usage_c,
            units_c,
            amount_c,
            cur_c,
            date_c,
            _tx_c,
        ] = <[Option<usize>; 12]>::try_from(ix).unwrap_or([None; 12]);
        let mut record = csv::StringRecord::new();
        let mut lines = 0u64;
        loop {
            let line_no = rdr.position().line() as u32;
            match rdr.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    self.reject(file, line_no, format!("unreadable row: {e}"), "");
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        self.problem(
                            file,
                            line_no,
                            ProblemKind::Unreadable,
                            format!("cannot read past line {line_no}: {e}"),
                        );
                        break;
                    }
                    continue;
                }
            }
            let line_no = record.position().map_or(line_no, |p| p.line() as u32);
            lines += 1;
            let text: String = record
                .iter()
                .collect::<Vec<_>>()
                .join(if format.delimiter == b'\t' { "\t" } else { "," });
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if record.len() != headers.len() {
                self.reject(
                    file,
                    line_no,
                    format!(
                        "the row has {} cells, the header {}",
                        record.len(),
                        headers.len()
                    ),
                    &text,
                );
                continue;
            }
            let get = |c: Option<usize>| c.and_then(|i| record.get(i)).unwrap_or("").trim();
            let currency = match cur_c {
                Some(_) => get(cur_c).to_uppercase(),
                None => format.currency.clone().unwrap_or_default(),
            };
            let Some(mu) = minor(&currency) else {
                self.reject(
                    file,
                    line_no,
                    format!("unknown currency `{currency}`"),
                    &text,
                );
                continue;
            };
            let cur = self.currencies.get(&currency);
            let Some(mut amount) = parse_amount(get(amount_c), format.decimal_comma) else {
                self.reject(
                    file,
                    line_no,
                    format!("amount `{}` is not a number", get(amount_c)),
                    &text,
                );
                continue;
            };
            if format.negated {
                amount = -amount;
            }
            let Some((minor_units, rounding)) = to_minor(amount, mu) else {
                self.reject(
                    file,
                    line_no,
                    format!("amount `{}` is too large", get(amount_c)),
                    &text,
                );
                continue;
            };
            let fail = |r: &mut Self, why: String| {
                let ri = r.reject(file, line_no, why, &text);
                if let Some(rj) = r.rejects.get_mut(ri as usize) {
                    rj.amount = Some((cur, minor_units));
                }
            };
            let Some(units) = parse_amount(get(units_c), format.decimal_comma)
                .filter(|u| u.fract().is_zero())
                .and_then(|u| i64::try_from(u.mantissa() / 10i128.pow(u.scale())).ok())
            else {
                fail(
                    self,
                    format!("units `{}` is not a whole number", get(units_c)),
                );
                continue;
            };
            let terr_text = get(terr_c);
            let territory = format
                .territory_aliases
                .get(terr_text)
                .and_then(|c| iso::territory_index(c))
                .or_else(|| iso::territory_index(&terr_text.to_uppercase()));
            let Some(territory) = territory else {
                fail(self, format!("unknown territory `{terr_text}`"));
                continue;
            };
            let channel = match usage_c {
                Some(_) => format.channels.get(get(usage_c)).copied(),
                None => format.channel,
            };
            let Some(channel) = channel else {
                fail(
                    self,
                    format!(
                        "usage type `{}` is not mapped to a channel in `channels`",
                        get(usage_c)
                    ),
                );
                continue;
            };
            let Some(usage) = format.date_format.parse(get(date_c)) else {
                fail(
                    self,
                    format!(
                        "date `{}` does not match the format's date-format",
                        get(date_c)
                    ),
                );
                continue;
            };
            let service = self.services.get(get(service_c));
            let target = self.match_line(get(isrc_c), get(upc_c), get(title_c), get(artist_c));
            self.pools.push(Pool {
                file,
                line: line_no,
                currency: cur,
                amount: minor_units,
                rounding,
                territory,
                channel,
                service,
                dsp,
                usage,
                lines: vec![Usage::new(target, true, units, line_no)],
            });
        }
        source.lines = lines;
        self.files.push(source);
    }
}

/// The cells of one DSR line, and how many there were (more than were kept, for a
/// malformed line).
struct Cells<'a> {
    cells: &'a [&'a str],
    count: usize,
}

impl<'a> Cells<'a> {
    fn len(&self) -> usize {
        self.count
    }

    fn first(&self) -> Option<&&'a str> {
        self.cells.first()
    }

    fn get(&self, i: usize) -> Option<&&'a str> {
        self.cells.get(i)
    }

    fn iter(&self) -> std::slice::Iter<'_, &'a str> {
        self.cells.iter()
    }
}

/// The sales channel of a DDEX commercial model and use type.
pub fn channel_of(model: &str, use_type: &str) -> Option<Channel> {
    match use_type {
        "OnDemandStream"
        | "Stream"
        | "NonInteractiveStream"
        | "ConditionalDownload"
        | "TetheredDownload" => Some(Channel::Stream),
        "PermanentDownload" | "Download" => Some(Channel::Download),
        "UserMakeAvailableUserProvided" | "UserMakeAvailableLabelProvided" => Some(Channel::Ugc),
        _ => match model {
            "SubscriptionModel" | "AdvertisementSupportedModel" => Some(Channel::Stream),
            "PayAsYouGoModel" => Some(Channel::Download),
            _ => None,
        },
    }
}

/// An amount as services write it: thousands separators, a decimal comma, a sign.
pub fn parse_amount(s: &str, decimal_comma: bool) -> Option<Decimal> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let (thousands, point) = if decimal_comma {
        ('.', ',')
    } else {
        (',', '.')
    };
    let cleaned: String = t
        .chars()
        .filter(|c| *c != thousands && *c != ' ' && *c != '\u{a0}' && *c != '\'')
        .map(|c| if c == point { '.' } else { c })
        .collect();
    crate::model::ratio::exact_decimal(&cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_minor_units() {
        assert_eq!(
            parse_amount("1.234,56", true),
            Some(Decimal::new(123_456, 2))
        );
        assert_eq!(
            parse_amount("1,234.56", false),
            Some(Decimal::new(123_456, 2))
        );
        assert_eq!(parse_amount("-0.5", false), Some(Decimal::new(-5, 1)));
        assert_eq!(parse_amount("abc", false), None);
        assert_eq!(parse_amount("", false), None);
        assert_eq!(
            to_minor(Decimal::new(123_401, 2), 2),
            Some((123_401, Decimal::ZERO))
        );
        let (u, r) = to_minor(Decimal::new(12_340_125, 4), 2).unwrap();
        assert_eq!(u, 123_401);
        assert_eq!(r, Decimal::new(25, 4));
        assert_eq!(
            to_minor(Decimal::new(-505, 1), 0),
            Some((-50, Decimal::new(-5, 1)))
        );
        assert_eq!(from_minor(105_816, 2).to_string(), "1058.16");
    }
}
