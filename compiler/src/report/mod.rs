//! `sleeve report`: analytics over the facts the royalty runs keep in the ledger, so the
//! figures tie to the statements. Pure: facts in, [`Report`] out, rendered as JSON, one tidy
//! CSV or one self-contained HTML page. The command line reads the ledger and writes the file.
//!
//! Money stays exact (`Decimal` sums of the ledger's amounts, in the label's currency);
//! ratios are ratios of sums, rounded once with a named strategy. Every list has a fixed
//! order, so the same facts give the same bytes.

mod compute;
mod csv;
mod format;
mod html;
mod period;
mod svg;

pub use compute::compute;
pub use csv::{CSV_COLUMNS, to_csv};
pub use html::to_html;
pub use period::{Period, PeriodError, PeriodRange};

use rust_decimal::Decimal;
use serde::Serialize;

/// The key of the row that gathers income not matched to the catalogue (empty `release`,
/// `owner` or `recording` in the facts). Catalogue ids never contain parentheses.
pub const UNMATCHED: &str = "(unmatched)";

/// How many rows `top_releases` and `top_tracks` name.
pub const TOP: usize = 10;

/// Every figure of a report. Serialised as is by [`to_json`]; documented in `docs/cli.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// `sleeve-report/1`: bumped when a field changes meaning.
    pub format: &'static str,
    /// ISO 4217 code of every amount (the label's currency).
    pub currency: String,
    /// The range asked for, as written back (`2025-Q1..2025-Q4`, `all periods`).
    pub range: String,
    /// Every period shown: those of a closed range, and those with data, in order.
    pub periods: Vec<String>,
    /// Periods of `periods` with no facts at all.
    pub periods_without_data: Vec<String>,
    /// No facts in the whole range: the page says so instead of showing zeros.
    pub empty: bool,
    /// How many fact rows were read.
    pub facts: usize,
    /// Figures that could not be computed exactly (a sum beyond `Decimal`'s range).
    pub warnings: Vec<String>,
    /// The whole range.
    pub totals: Measures,
    /// One row per statement period (all of `periods`), with changes from the one before.
    pub by_period: Vec<TrendRow>,
    /// One row per usage month (reports lag usage: chart by usage month).
    pub by_usage_month: Vec<TrendRow>,
    /// Ranked sections: by gross, then streams, descending; then by key.
    pub by_release: Vec<Row>,
    pub by_track: Vec<Row>,
    pub by_artist: Vec<Row>,
    pub by_owner: Vec<Row>,
    pub by_territory: Vec<Row>,
    pub by_dsp: Vec<Row>,
    pub by_service: Vec<Row>,
    pub by_channel: Vec<Row>,
    /// Keys of the first [`TOP`] matched releases of `by_release`.
    pub top_releases: Vec<String>,
    /// Keys (ISRCs) of the first [`TOP`] tracks of `by_track`.
    pub top_tracks: Vec<String>,
}

/// The measures of a group of facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Measures {
    /// Units on `stream` and `ugc` rows.
    pub streams: i64,
    /// Streams on rows that earned something (gross ≠ 0): the per-1,000 denominator.
    pub paid_streams: i64,
    /// Units on `download` rows.
    pub downloads: i64,
    /// Units on `physical` rows.
    pub physical: i64,
    pub gross: Decimal,
    /// Gross of `stream` and `ugc` rows: the per-1,000 numerator.
    pub stream_gross: Decimal,
    pub fees: Decimal,
    /// Gross less fees.
    pub net: Decimal,
    pub payees: Decimal,
    pub label: Decimal,
    pub suspense: Decimal,
    /// `stream_gross ÷ paid_streams × 1000`, 4 decimals (midpoint away from zero); none
    /// without paid streams.
    pub per_1000: Option<Decimal>,
}

/// One group of a ranked section, with its figures per period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// What the group is keyed by: release id, ISRC, artist, owner, territory, DSP,
    /// `dsp/service`, channel; [`UNMATCHED`] for income not matched to the catalogue.
    pub key: String,
    /// What to call it: the track title for a track, `dsp service` for a service, else the key.
    pub name: String,
    /// A second line: the artist of a track, the UPC of a release; often empty.
    pub note: String,
    /// 1 for the highest gross.
    pub rank: usize,
    /// Share of the report's gross, percent, 2 decimals; none when that gross is zero.
    pub share_pct: Option<Decimal>,
    #[serde(flatten)]
    pub measures: Measures,
    /// The periods in which the group has facts, in order.
    pub periods: Vec<PeriodCell>,
}

/// One group's figures in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodCell {
    pub period: String,
    #[serde(flatten)]
    pub measures: Measures,
}

/// One statement period (or usage month) in order, compared with the one before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrendRow {
    pub key: String,
    /// Whether any fact falls in it.
    pub has_data: bool,
    /// Share of the report's gross, percent, 2 decimals.
    pub share_pct: Option<Decimal>,
    #[serde(flatten)]
    pub measures: Measures,
    /// Change of gross from the row before, percent, 2 decimals; none for the first row or
    /// when the row before had no gross.
    pub gross_change_pct: Option<Decimal>,
    /// Change of streams from the row before, percent, 2 decimals.
    pub streams_change_pct: Option<Decimal>,
    /// Suspense accumulated up to and including this row (income held, less released).
    pub suspense_balance: Decimal,
}

/// The report as pretty JSON, with a final newline.
pub fn to_json(report: &Report) -> String {
    // Serialising plain structs of strings and numbers cannot fail; say so if it ever does.
    let mut s = serde_json::to_string_pretty(report)
        .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }).to_string());
    s.push('\n');
    s
}
