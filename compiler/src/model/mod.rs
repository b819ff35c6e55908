//! The checked catalogue: what every later stage (build, plan, royalties) reads.

pub mod date;
pub mod ddex_avs;
pub mod ident;
pub mod iso;
pub mod period;
pub mod ratio;
pub mod text;

use crate::diag::Code;
use crate::source::{FileId, Span};
use crate::syntax::contract::RoyaltyBasis;
use crate::syntax::decode::S;
use crate::syntax::dsp::{DeliveryMode, ErnVersion};
use crate::syntax::label::StatementPeriod;
use crate::syntax::party::PartyKind;
use crate::syntax::release::{CommercialModel, ReleaseKind, UseType};
use date::Date;
use ident::{Dpid, Grid, Isni, Isrc, Iswc, Upc};
use iso::TerritorySet;
use ratio::Ratio;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The resolved catalogue: every reference points at something that exists, every identifier
/// is valid. Maps are keyed by id and iterate in id order, so output built from them is
/// deterministic.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// `None` when `sleeve.toml` is missing or broken (an error was reported).
    pub label: Option<Label>,
    pub imprints: BTreeMap<String, Imprint>,
    pub clients: BTreeMap<String, Client>,
    pub territory_groups: BTreeMap<String, S<TerritorySet>>,
    // Entities are boxed: the maps stay small to build and walk, the entities never move.
    pub parties: BTreeMap<String, Box<Party>>,
    pub recordings: BTreeMap<String, Box<Recording>>,
    pub releases: BTreeMap<String, Box<Release>>,
    pub contracts: BTreeMap<String, Box<Contract>>,
    pub dsps: BTreeMap<String, Box<Dsp>>,
    /// `royalties.toml`; empty when absent.
    pub royalties: RoyaltySettings,
    /// Something could not be resolved (and was reported). Rules that judge what is *absent*
    /// (unused parties) don't run then: the missing piece might be what uses it.
    pub incomplete: bool,
}

#[derive(Debug, Clone)]
pub struct Label {
    pub file: FileId,
    pub name: String,
    pub party_id: Dpid,
    pub currency: String,
    pub copyright_owner: Option<String>,
    pub country: Option<String>,
    pub statement_period: StatementPeriod,
    pub language: String,
}

#[derive(Debug, Clone)]
pub struct Imprint {
    pub id: S<String>,
    pub name: String,
    pub copyright_owner: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Client {
    pub id: S<String>,
    pub name: String,
    pub copyright_owner: String,
    /// Share of the client's net receipts the label keeps.
    pub fee: Ratio,
    pub payee: String,
    pub party_id: Option<Dpid>,
}

#[derive(Debug, Clone)]
pub struct Party {
    pub id: S<String>,
    pub file: FileId,
    pub name: String,
    pub sort_name: Option<String>,
    pub kind: Option<PartyKind>,
    pub isni: Option<Isni>,
    /// IPI name number, compact; may have failed its (unofficial) check digits.
    pub ipi: Option<String>,
    pub country: Option<String>,
    pub payee: Option<Payee>,
}

#[derive(Debug, Clone)]
pub struct Payee {
    pub currency: String,
    pub minimum_payout: Decimal,
    pub email: Option<String>,
}

/// A territory rule key: the default, one territory, or a named group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Default,
    Territory(u8),
    Group(String, TerritorySet),
}

impl Scope {
    pub fn territories(&self) -> TerritorySet {
        match self {
            Scope::Default => TerritorySet::all(),
            Scope::Territory(i) => {
                let mut s = TerritorySet::new();
                s.insert(*i);
                s
            }
            Scope::Group(_, s) => *s,
        }
    }

    /// Rules for one territory beat group rules, which beat the default.
    pub fn rank(&self) -> u8 {
        match self {
            Scope::Territory(_) => 0,
            Scope::Group(..) => 1,
            Scope::Default => 2,
        }
    }
}

/// One split rule: who shares the artist royalty in the rule's territories.
#[derive(Debug, Clone)]
pub struct SplitRule {
    /// The rule's key in `[splits]`.
    pub key: S<String>,
    pub scope: Scope,
    /// Payee party id → share of one, in the order written (ties in rounding go to earlier payees).
    pub shares: Vec<(S<String>, S<Ratio>)>,
    /// Every share was resolved; when not, the sum is not judged (the bad share is reported).
    pub complete: bool,
}

#[derive(Debug, Clone)]
pub struct Rights {
    pub territories: Territories,
    pub start: Option<S<Date>>,
    pub end: Option<S<Date>>,
}

/// Territories as written (for DDEX, which distinguishes a list from "all but") and as a set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Territories {
    /// The effective set.
    pub set: TerritorySet,
    /// Written as `Worldwide` (possibly with exclusions).
    pub worldwide: bool,
    /// The excluded territories, when `worldwide`.
    pub excluded: TerritorySet,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Credit {
    pub party: S<String>,
    /// DDEX ContributorRole values.
    pub roles: Vec<S<String>>,
}

#[derive(Debug, Clone)]
pub struct CopyrightLine {
    pub year: u16,
    pub owner: String,
}

/// A file named by the catalogue, resolved against the naming file's folder.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Root-relative path.
    pub path: String,
    /// As written, with its span.
    pub written: S<String>,
}

#[derive(Debug, Clone)]
pub struct Recording {
    pub id: S<String>,
    pub file: FileId,
    pub isrc: S<Isrc>,
    pub title: S<String>,
    pub version: Option<S<String>>,
    pub artists: Vec<S<String>>,
    pub featuring: Vec<S<String>>,
    pub display_artist: Option<String>,
    pub duration_ms: S<u64>,
    pub genre: Option<S<String>>,
    pub language: Option<S<String>>,
    pub explicit: Option<S<bool>>,
    pub p_line: Option<S<CopyrightLine>>,
    pub iswc: Option<S<Iswc>>,
    pub audio: Option<Asset>,
    pub credits: Vec<Credit>,
    pub rights: Option<Rights>,
    pub splits: Vec<SplitRule>,
    /// Span of the `[splits]` table's first key, for messages about splits as a whole.
    pub file_start: Span,
}

impl Recording {
    /// The split rule in force in territory `t`: a territory rule, else a group rule, else
    /// the default. `None` when no rule covers `t`.
    pub fn split_for(&self, t: u8) -> Option<&SplitRule> {
        self.splits
            .iter()
            .filter(|r| r.scope.territories().contains(t))
            .min_by_key(|r| r.scope.rank())
    }
}

/// Who a release goes out under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Label,
    Imprint(String),
    Client(String),
}

#[derive(Debug, Clone)]
pub struct Release {
    pub id: S<String>,
    pub file: FileId,
    pub upc: S<Upc>,
    pub grid: Option<S<Grid>>,
    pub catalog_number: Option<String>,
    pub title: S<String>,
    pub version: Option<S<String>>,
    pub kind: S<ReleaseKind>,
    pub artists: Vec<S<String>>,
    pub various_artists: bool,
    pub display_artist: Option<String>,
    pub owner: Owner,
    pub release_date: S<Date>,
    pub original_release_date: Option<S<Date>>,
    pub genre: S<String>,
    pub subgenre: Option<String>,
    pub p_line: Option<S<CopyrightLine>>,
    pub c_line: Option<S<CopyrightLine>>,
    pub artwork: Option<Asset>,
    /// Discs of recording ids, in order. A single-disc release has one disc.
    pub discs: Vec<Disc>,
    pub deals: Vec<Deal>,
}

#[derive(Debug, Clone)]
pub struct Disc {
    /// Span of the disc (or of `tracks`), for "empty disc" messages.
    pub span: Span,
    /// Recording ids (resolved from ids or ISRCs), with the span of each entry.
    pub tracks: Vec<S<String>>,
    /// Entries as written, resolved or not.
    pub written: usize,
}

impl Release {
    /// Every track, in order, with its disc (1-based) and number on the disc (1-based).
    pub fn tracks(&self) -> impl Iterator<Item = (usize, usize, &S<String>)> {
        self.discs.iter().enumerate().flat_map(|(d, disc)| {
            disc.tracks
                .iter()
                .enumerate()
                .map(move |(n, t)| (d + 1, n + 1, t))
        })
    }

    pub fn track_count(&self) -> usize {
        self.discs.iter().map(|d| d.tracks.len()).sum()
    }
}

#[derive(Debug, Clone)]
pub struct Deal {
    pub span: Span,
    /// DSP profile ids, `all` expanded, sorted.
    pub dsps: Vec<S<String>>,
    pub territories: Territories,
    pub models: Vec<S<CommercialModel>>,
    /// As written, or derived from `models`.
    pub uses: Vec<UseType>,
    /// `uses` was written (else each model gets its default uses).
    pub uses_written: bool,
    /// As written, or the release date.
    pub start: S<Date>,
    pub end: Option<S<Date>>,
    pub price_tier: Option<String>,
    pub pre_order: Option<S<Date>>,
}

impl Deal {
    /// The use types model `m` goes out with: those written in the deal, exactly as written,
    /// else the model's own defaults (never a subscription crossed with a download).
    pub fn uses_of(&self, m: CommercialModel) -> &[UseType] {
        if self.uses_written {
            &self.uses
        } else {
            m.default_uses()
        }
    }

    /// The day model `m` goes on sale as a pre-order: only pay-as-you-go has one, from
    /// `pre-order` to the day before `start`.
    pub fn pre_order_of(&self, m: CommercialModel) -> Option<Date> {
        self.pre_order
            .as_ref()
            .map(|p| p.value)
            .filter(|p| m == CommercialModel::PayAsYouGo && *p < self.start.value)
    }
}

#[derive(Debug, Clone)]
pub struct Contract {
    pub id: S<String>,
    pub file: FileId,
    pub payee: S<String>,
    pub releases: Vec<S<String>>,
    pub recordings: Vec<S<String>>,
    pub basis: RoyaltyBasis,
    pub start: S<Date>,
    pub end: Option<S<Date>>,
    pub rates: Vec<RateRule>,
    pub advances: Vec<Advance>,
    pub recoup_with: Vec<S<String>>,
    pub reserve: Option<Reserve>,
}

/// Sales channels royalty rates are set by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    Stream,
    Download,
    Physical,
    Ugc,
    Sync,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Stream,
        Channel::Download,
        Channel::Physical,
        Channel::Ugc,
        Channel::Sync,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Stream => "stream",
            Channel::Download => "download",
            Channel::Physical => "physical",
            Channel::Ugc => "ugc",
            Channel::Sync => "sync",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RateRule {
    pub key: S<String>,
    pub scope: Scope,
    pub rates: BTreeMap<Channel, S<Ratio>>,
}

#[derive(Debug, Clone)]
pub struct Advance {
    pub amount: S<Decimal>,
    pub currency: String,
    pub date: Date,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Reserve {
    pub rate: S<Ratio>,
    pub periods: u32,
}

#[derive(Debug, Clone)]
pub struct Dsp {
    pub id: S<String>,
    pub file: FileId,
    pub name: String,
    pub party_id: Dpid,
    pub ern: ErnVersion,
    pub delivery: DeliveryMode,
    pub test: bool,
    pub transport: Transport,
    /// Quality rules that are errors for this DSP.
    pub deny: Vec<&'static Code>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// A local folder (root-relative path).
    Folder { path: String },
    Sftp {
        host: String,
        port: u16,
        user: String,
        path: String,
        key_env: Option<String>,
        password_env: Option<String>,
        known_hosts: Option<String>,
    },
}

/// `royalties.toml`, resolved: exchange rates, CSV report formats, matching.
#[derive(Debug, Clone, Default)]
pub struct RoyaltySettings {
    pub fx: Vec<FxRate>,
    pub formats: BTreeMap<String, ReportFormat>,
    /// Match by normalised title and artist when neither ISRC nor UPC matches.
    pub fallback_title_artist: bool,
}

#[derive(Debug, Clone)]
pub struct FxRate {
    pub from: String,
    pub to: String,
    pub period: period::Period,
    pub rate: Decimal,
    pub source: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ReportFormat {
    pub id: String,
    pub dsp: String,
    /// File-name pattern with `*` and `?`.
    pub files: String,
    pub delimiter: u8,
    pub decimal_comma: bool,
    pub date_format: DateFormat,
    pub currency: Option<String>,
    pub negated: bool,
    /// Alias → ISO code.
    pub territory_aliases: BTreeMap<String, String>,
    /// Usage type as written → channel.
    pub channels: BTreeMap<String, Channel>,
    pub channel: Option<Channel>,
    pub columns: Columns,
}

/// How a CSV report writes its usage dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFormat {
    YearMonth,
    Iso,
    DayMonthYear,
    MonthDayYear,
    Compact,
}

impl DateFormat {
    pub const ALL: [(&'static str, DateFormat); 5] = [
        ("YYYY-MM", DateFormat::YearMonth),
        ("YYYY-MM-DD", DateFormat::Iso),
        ("DD/MM/YYYY", DateFormat::DayMonthYear),
        ("MM/DD/YYYY", DateFormat::MonthDayYear),
        ("YYYYMMDD", DateFormat::Compact),
    ];

    /// The first day of the usage the text names.
    pub fn parse(self, s: &str) -> Option<date::Date> {
        let s = s.trim();
        let num = |t: &str| -> Option<u32> {
            (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse().ok())
                .flatten()
        };
        let (y, m, d) = match self {
            DateFormat::YearMonth => {
                let (y, m) = s.split_once('-')?;
                (num(y)?, num(m)?, 1)
            }
            DateFormat::Iso => return date::Date::parse(s),
            DateFormat::DayMonthYear | DateFormat::MonthDayYear => {
                let mut it = s.split('/');
                let (a, b, y) = (num(it.next()?)?, num(it.next()?)?, num(it.next()?)?);
                if it.next().is_some() {
                    return None;
                }
                if self == DateFormat::DayMonthYear {
                    (y, b, a)
                } else {
                    (y, a, b)
                }
            }
            DateFormat::Compact => {
                if s.len() != 8 {
                    return None;
                }
                (num(&s[..4])?, num(&s[4..6])?, num(&s[6..])?)
            }
        };
        date::Date::new(
            i32::try_from(y).ok()?,
            u8::try_from(m).ok()?,
            u8::try_from(d).ok()?,
        )
    }
}

/// Column names of a CSV report format.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    pub isrc: Option<String>,
    pub upc: Option<String>,
    pub title: Option<String>,
    pub artist: Option<String>,
    pub territory: String,
    pub service: Option<String>,
    pub usage: Option<String>,
    pub units: String,
    pub amount: String,
    pub currency: Option<String>,
    pub date: String,
    pub transaction: Option<String>,
}

impl Channel {
    /// Position in [`Channel::ALL`].
    pub fn index(self) -> usize {
        Channel::ALL.iter().position(|x| *x == self).unwrap_or(0)
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}
