//! Facts: what one royalty run earned, aggregated by every cut analytics needs. The run
//! stores them in the ledger (one set per statement period); `sleeve report` reads them back,
//! so the report's figures tie to the statements.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One aggregate row: a track (or an unmatched identifier) on one service, in one territory,
/// for one usage month, accounted in one statement period. Amounts are in the label's
/// currency (converted once per source currency and run, see `docs/royalties.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    /// Statement period the income was accounted in (`2025-Q2`).
    pub period: String,
    /// Month the usage happened (`2025-04`).
    pub usage_month: String,
    /// DSP profile id (`spotify`), or the report's sender name when no profile matches.
    pub dsp: String,
    /// Service tier as reported (`Premium`, `Free`); may be empty.
    pub service: String,
    /// ISO 3166-1 alpha-2 territory of the usage.
    pub territory: String,
    /// `stream`, `download`, `physical`, `ugc` or `sync`.
    pub channel: String,
    /// ISRC as reported (or as matched); may be empty for release-level lines.
    pub isrc: String,
    /// UPC of the release, when known.
    pub upc: String,
    /// Release id in the catalogue; empty when unmatched.
    pub release: String,
    /// Recording id in the catalogue; empty when unmatched.
    pub recording: String,
    /// Track title (catalogue's when matched, else as reported).
    pub title: String,
    /// Display artist (catalogue's when matched, else as reported).
    pub artist: String,
    /// `label`, an imprint id, or a white-label client id; empty when unmatched.
    pub owner: String,
    /// Streams (stream, ugc) or units sold (download, physical), net of returns.
    pub units: i64,
    /// Gross income reported, in the label's currency.
    pub gross: Decimal,
    /// Distribution fees kept by the label (white-label clients).
    pub fees: Decimal,
    /// Royalties earned by payees (before recoupment and reserves).
    pub payees: Decimal,
    /// The label's share.
    pub label: Decimal,
    /// Held in suspense (unmatched, no split or contract in force).
    pub suspense: Decimal,
}
