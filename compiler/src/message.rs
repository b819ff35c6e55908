//! The message model: what a DDEX release message says, independent of the ERN version.
//! `lower` builds it from the catalogue; `ddex::ern43` (and later other writers) write it.
//! References (`P…`, `A…`, `R…`, `T…`) are assigned here, so every writer agrees on them.

use serde::Serialize;

/// Which message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Kind {
    /// Creates, updates or (without deals) takes down a release.
    NewRelease,
    /// Removes a release and its files from the DSP entirely.
    Purge,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MessageParty {
    /// DDEX party id (DPID), compact.
    pub dpid: String,
    pub name: String,
}

/// The header: everything that differs between two sends of the same content.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Header {
    /// Links the messages about one release: `<UPC>`.
    pub thread_id: String,
    /// Unique per sender: derived from the content hash, so re-sending the same content is a
    /// retry and anything regenerated gets a new id.
    pub message_id: String,
    pub sender: MessageParty,
    pub sent_on_behalf_of: Option<MessageParty>,
    pub recipient: MessageParty,
    /// `YYYY-MM-DDThh:mm:ssZ`, from the world's clock.
    pub created: String,
    pub test: bool,
    /// The DSP has the release already (an update or takedown): ERN 3's `UpdateIndicator`.
    /// `build` writes first deliveries; `apply` sets it from the plan.
    pub update: bool,
}

/// A complete message: header plus body. The body alone is what the content hash covers.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub kind: Kind,
    pub header: Header,
    pub body: Body,
    /// SHA-256 of recipient and body: equal hashes, equal content (the header aside).
    #[serde(skip)]
    pub content_hash: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Body {
    /// BCP 47 language of the metadata.
    pub language: String,
    /// `Audio` or `SimpleAudioSingle`.
    pub profile: &'static str,
    pub parties: Vec<Party>,
    pub sound_recordings: Vec<SoundRecording>,
    pub images: Vec<Image>,
    pub release: Release,
    pub track_releases: Vec<TrackRelease>,
    /// Empty: a takedown (no `DealList`). Last: `lower::Shared` hashes the rest once per
    /// release (it falls back to the whole body otherwise, at a cost).
    pub deals: Vec<Deal>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Party {
    pub reference: String,
    pub name: String,
    pub sort_name: Option<String>,
    pub isni: Option<String>,
    pub dpid: Option<String>,
    pub ipi: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CopyrightLine {
    pub year: u16,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DisplayArtist {
    pub party: String,
    /// `MainArtist` or `FeaturedArtist`.
    pub role: &'static str,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Contributor {
    pub party: String,
    pub roles: Vec<String>,
}

/// A file delivered with the message.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileRef {
    /// Relative to the release folder: `resources/<UPC>_T1_SoundRecording_01-01.flac`.
    pub uri: String,
    pub md5: String,
    pub size: u64,
    /// Root-relative path of the source file in the catalogue.
    #[serde(skip)]
    pub source: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AudioDetails {
    pub reference: String,
    /// DDEX AudioCodecType: `FLAC` or `PCM`.
    pub codec: &'static str,
    pub channels: u16,
    /// Hz.
    pub sample_rate: u32,
    pub bits_per_sample: u16,
    pub duration_ms: u64,
    pub file: FileRef,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SoundRecording {
    pub reference: String,
    pub isrc: String,
    pub iswc: Option<String>,
    pub p_line: CopyrightLine,
    pub technical: Option<AudioDetails>,
    pub title: String,
    pub version: Option<String>,
    pub display_artist_name: String,
    pub display_artists: Vec<DisplayArtist>,
    pub contributors: Vec<Contributor>,
    pub duration_ms: u64,
    /// `Explicit`, `NotExplicit` or `Unknown`.
    pub parental_warning: &'static str,
    pub instrumental: bool,
    pub language: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ImageDetails {
    pub reference: String,
    /// DDEX ImageCodecType: `JPEG` or `PNG`.
    pub codec: &'static str,
    pub width: u32,
    pub height: u32,
    pub file: FileRef,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Image {
    pub reference: String,
    /// ProprietaryId (namespace: the sender's DPID).
    pub proprietary_id: String,
    pub technical: Option<ImageDetails>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReleaseId {
    pub grid: Option<String>,
    pub icpn: Option<String>,
    pub catalog_number: Option<String>,
    pub proprietary_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Release {
    pub reference: String,
    /// DDEX ReleaseType: `Single`, `EP`, `Album`.
    pub release_type: &'static str,
    pub id: ReleaseId,
    pub title: String,
    pub version: Option<String>,
    pub display_artist_name: String,
    pub display_artists: Vec<DisplayArtist>,
    pub label_party: String,
    pub p_line: CopyrightLine,
    pub c_line: CopyrightLine,
    pub duration_ms: u64,
    pub genre: String,
    pub subgenre: Option<String>,
    pub release_date: String,
    pub original_release_date: Option<String>,
    pub parental_warning: &'static str,
    pub multi_artist_compilation: bool,
    /// Discs of resource references, in order.
    pub discs: Vec<Vec<String>>,
    pub cover: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TrackRelease {
    pub reference: String,
    pub proprietary_id: String,
    pub resource: String,
    pub label_party: String,
    pub genre: String,
    pub subgenre: Option<String>,
}

/// Where a deal applies: a list of territories, or everywhere but some.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub enum Territories {
    /// `TerritoryCode`s (`Worldwide` is one of them).
    Included(Vec<String>),
    /// `ExcludedTerritoryCode`s: everywhere but these.
    Excluded(Vec<String>),
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Deal {
    pub territories: Territories,
    /// `YYYY-MM-DD`.
    pub start: String,
    pub end: Option<String>,
    pub commercial_models: Vec<&'static str>,
    pub use_types: Vec<&'static str>,
    /// DSP price tier (`PriceCode`, namespace: the recipient's DPID).
    pub price_code: Option<String>,
    pub pre_order: bool,
}

impl Body {
    /// Every deal has ended before `today` (none is live or to come): the message takes the
    /// release down.
    pub fn all_deals_ended(&self, today: crate::model::date::Date) -> bool {
        deals_ended(&self.deals, today)
    }
}

/// Every one of `deals` has ended before `today` ([`Body::all_deals_ended`]).
pub fn deals_ended(deals: &[Deal], today: crate::model::date::Date) -> bool {
    deals.iter().all(|d| {
        d.end
            .as_deref()
            .and_then(crate::model::date::Date::parse)
            .is_some_and(|e| e < today)
    })
}

/// A purge: remove the release and its files.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Purge {
    pub id: ReleaseId,
    pub title: String,
    pub display_artist_name: String,
}

/// `PT3M41S`, `PT3M41.500S`.
pub fn iso_duration(ms: u64) -> String {
    let h = ms / 3_600_000;
    let m = ms / 60_000 % 60;
    let s = ms / 1000 % 60;
    let frac = ms % 1000;
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 || h > 0 {
        out.push_str(&format!("{m}M"));
    }
    if frac > 0 {
        out.push_str(&format!("{s}.{frac:03}S"));
    } else {
        out.push_str(&format!("{s}S"));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::iso_duration(221_000), "PT3M41S");
        assert_eq!(super::iso_duration(5_000), "PT5S");
        assert_eq!(super::iso_duration(3_723_500), "PT1H2M3.500S");
    }
}
