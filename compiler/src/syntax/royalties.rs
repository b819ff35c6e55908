//! `royalties.toml`: what the royalty engine needs beyond contracts: exchange rates, the
//! formats of sales reports that are not DDEX DSR, and how unmatched lines are matched.

use super::decode::{ExactText, KeyMap, S};
use crate::{toml_enum, toml_table};

toml_table! {
    /// Royalty accounting settings of the catalogue.
    pub struct TomlRoyaltiesFile {
        /// Exchange rates, one per currency pair and statement period.
        #[serde(default)]
        fx: Vec<S<TomlFxRate>> = "fx",
        /// Formats of CSV/TSV sales reports, keyed by id.
        #[serde(default)]
        formats: KeyMap<TomlReportFormat> = "formats",
        /// How report lines are matched to recordings.
        matching: Option<TomlMatching> = "matching",
    }
}

toml_table! {
    /// One exchange rate: 1 unit of `from` is `rate` units of `to`, for a statement period.
    pub struct TomlFxRate {
        /// ISO 4217 currency of the reports.
        from: S<String> = "from",
        /// ISO 4217 currency converted into (a payee's or the label's).
        to: S<String> = "to",
        /// Statement period (`2025-Q2`, `2025-H1`).
        period: S<String> = "period",
        /// Units of `to` for one unit of `from` (`"0.8575"`).
        rate: S<ExactText> = "rate",
        /// Where the rate comes from (for the audit trail).
        source: Option<S<String>> = "source",
    }
}

toml_table! {
    /// A CSV or TSV report format: which column holds which field.
    pub struct TomlReportFormat {
        /// DSP profile the reports come from.
        dsp: S<String> = "dsp",
        /// File-name pattern (`*` and `?` wildcards) of this format's reports.
        files: S<String> = "files",
        /// Cell separator: `","`, `";"` or `"\t"`.
        delimiter: Option<S<String>> = "delimiter",
        /// Decimal separator of amounts: `"."` or `","`.
        decimal_separator: Option<S<String>> = "decimal-separator",
        /// How the usage date is written: `YYYY-MM`, `YYYY-MM-DD`, `DD/MM/YYYY`, `MM/DD/YYYY` or `YYYYMMDD`.
        date_format: Option<S<String>> = "date-format",
        /// Currency of every amount, when there is no currency column.
        currency: Option<S<String>> = "currency",
        /// `as-is` (income positive) or `negated` (the service writes income negative).
        sign: Option<S<Sign>> = "sign",
        /// Territory names the service writes → ISO 3166-1 codes (`UK = "GB"`).
        #[serde(default)]
        territory_aliases: KeyMap<S<String>> = "territory-aliases",
        /// Usage types the service writes → channel (`stream`, `download`, `physical`, `ugc`, `sync`).
        #[serde(default)]
        channels: KeyMap<S<String>> = "channels",
        /// Channel of every line, when there is no usage-type column.
        channel: Option<S<String>> = "channel",
        /// Which column holds which field.
        columns: TomlColumns = "columns",
    }
}

toml_enum! {
    /// Sign convention of a report's amounts.
    pub enum Sign {
        /// Income is positive, returns negative.
        AsIs = "as-is",
        /// Income is written negative.
        Negated = "negated",
    }
}

toml_table! {
    /// Column names (as in the header row) for each field.
    pub struct TomlColumns {
        /// ISRC of the track.
        isrc: Option<S<String>> = "isrc",
        /// UPC/EAN of the release.
        upc: Option<S<String>> = "upc",
        /// Track title (for fallback matching).
        title: Option<S<String>> = "title",
        /// Artist (for fallback matching).
        artist: Option<S<String>> = "artist",
        /// Territory (ISO code or an alias).
        territory: S<String> = "territory",
        /// Service or tier.
        service: Option<S<String>> = "service",
        /// Usage type, mapped through `channels`.
        usage: Option<S<String>> = "use",
        /// Units (streams, downloads), net of returns.
        units: S<String> = "units",
        /// Amount payable to the label.
        amount: S<String> = "amount",
        /// Currency of the amount.
        currency: Option<S<String>> = "currency",
        /// Usage date or month.
        date: S<String> = "date",
        /// A transaction id, kept in the audit trail.
        transaction: Option<S<String>> = "transaction",
    }
}

toml_table! {
    /// Matching settings.
    pub struct TomlMatching {
        /// Match lines that have neither a known ISRC nor UPC by normalised title and artist.
        fallback: Option<S<Fallback>> = "fallback",
    }
}

toml_enum! {
    /// Fallback matching.
    pub enum Fallback {
        /// No fallback: such lines go to suspense.
        None = "none",
        /// Normalised title and artist (case, accents, punctuation and "feat." parts ignored).
        TitleArtist = "title-artist",
    }
}
