//! `releases/<id>.toml`: a release with its tracklist and territory deals.

use super::decode::{OneOrMany, S};

use crate::model::date::Date;
use crate::{toml_enum, toml_table};

toml_table! {
    /// A release (single, EP, album, compilation) and where it is offered.
    pub struct TomlRelease {
        /// UPC-A (12 digits) or EAN-13; check digit verified.
        upc: S<String> = "upc",
        /// GRid, when the label has an issuer code.
        grid: Option<S<String>> = "grid",
        /// The label's own catalogue number.
        catalog_number: Option<S<String>> = "catalog-number",
        /// Title, without version or featured artists.
        title: S<String> = "title",
        /// Version (`Deluxe Edition`).
        version: Option<S<String>> = "version",
        /// Release type.
        kind: S<ReleaseKind> = "type",
        /// Main artist party id(s); omit for a various-artists compilation.
        #[serde(default)]
        artist: OneOrMany<S<String>> = "artist",
        /// `true` for a compilation of various artists (display artist "Various Artists").
        various_artists: Option<S<bool>> = "various-artists",
        /// Display artist text, when joining the artists' names is not right.
        display_artist: Option<S<String>> = "display-artist",
        /// Imprint id from `sleeve.toml`; the label itself when neither imprint nor client is given.
        imprint: Option<S<String>> = "imprint",
        /// White-label client id from `sleeve.toml`.
        client: Option<S<String>> = "client",
        /// Street date.
        release_date: S<Date> = "release-date",
        /// First release anywhere, for re-releases.
        original_release_date: Option<S<Date>> = "original-release-date",
        /// Genre (free text; DSPs map it).
        genre: S<String> = "genre",
        /// Subgenre.
        subgenre: Option<S<String>> = "subgenre",
        /// P-line (`"2025 Nightjar Records Ltd"`); release year + copyright owner when not given.
        p_line: Option<S<String>> = "p-line",
        /// C-line; release year + copyright owner when not given.
        c_line: Option<S<String>> = "c-line",
        /// Cover art file, relative to this file.
        artwork: Option<S<String>> = "artwork",
        /// Tracklist of a single-disc release: recording ids or ISRCs, in order.
        tracks: Option<S<Vec<S<String>>>> = "tracks",
        /// Discs of a multi-disc release, in order.
        #[serde(default)]
        disc: Vec<S<TomlDisc>> = "disc",
        /// Territory deals: where, when and how each DSP may offer the release.
        #[serde(default)]
        deal: Vec<S<TomlDeal>> = "deal",
        /// Recordings declared in this file (each with an `id`), for albums whose recordings
        /// belong with the release. Referenced from tracklists like any other recording.
        #[serde(default)]
        recording: Vec<S<Box<crate::syntax::recording::TomlRecording>>> = "recording",
    }
}

toml_enum! {
    /// The release type, as DSPs classify it.
    pub enum ReleaseKind {
        Single = "single",
        Ep = "ep",
        Album = "album",
        Compilation = "compilation",
    }
}

toml_table! {
    /// One disc of a multi-disc release.
    pub struct TomlDisc {
        /// Recording ids or ISRCs, in order.
        tracks: S<Vec<S<String>>> = "tracks",
    }
}

toml_table! {
    /// A deal: the release may be offered by these DSPs, in these territories, under these
    /// commercial models, from `start` to `end`. End or remove a deal to take the release down.
    pub struct TomlDeal {
        /// DSP profile ids, or `"all"` for every DSP profile.
        dsps: OneOrMany<S<String>> = "dsps",
        /// Territory codes or groups, or `Worldwide`.
        territories: OneOrMany<S<String>> = "territories",
        /// Territories excluded from the above (`except = ["JP"]`).
        #[serde(default)]
        except: OneOrMany<S<String>> = "except",
        /// How the consumer pays.
        models: OneOrMany<S<CommercialModel>> = "models",
        /// What the consumer may do; derived from `models` when not given.
        #[serde(default)]
        uses: OneOrMany<S<UseType>> = "uses",
        /// First day (inclusive); the release date when not given.
        start: Option<S<Date>> = "start",
        /// Last day (inclusive); after it the release is taken down.
        end: Option<S<Date>> = "end",
        /// DSP price tier code (`FRONTLINE`, `MID`, `BUDGET`).
        price_tier: Option<S<String>> = "price-tier",
        /// Pre-order start date, before `start`.
        pre_order: Option<S<Date>> = "pre-order",
    }
}

toml_enum! {
    /// DDEX CommercialModelType.
    pub enum CommercialModel {
        Subscription = "subscription",
        AdSupported = "ad-supported",
        PayAsYouGo = "pay-as-you-go",
        FreeOfCharge = "free-of-charge",
    }
}

toml_enum! {
    /// DDEX UseType.
    pub enum UseType {
        OnDemandStream = "on-demand-stream",
        NonInteractiveStream = "non-interactive-stream",
        PermanentDownload = "permanent-download",
        ConditionalDownload = "conditional-download",
        TetheredDownload = "tethered-download",
    }
}

impl CommercialModel {
    /// The DDEX value.
    pub fn ddex(self) -> &'static str {
        match self {
            CommercialModel::Subscription => "SubscriptionModel",
            CommercialModel::AdSupported => "AdvertisementSupportedModel",
            CommercialModel::PayAsYouGo => "PayAsYouGoModel",
            CommercialModel::FreeOfCharge => "FreeOfChargeModel",
        }
    }

    /// Use types a deal gets when it names none.
    pub fn default_uses(self) -> &'static [UseType] {
        match self {
            CommercialModel::Subscription
            | CommercialModel::AdSupported
            | CommercialModel::FreeOfCharge => {
                &[UseType::OnDemandStream, UseType::NonInteractiveStream]
            }
            CommercialModel::PayAsYouGo => &[UseType::PermanentDownload],
        }
    }
}

impl UseType {
    /// The DDEX value.
    pub fn ddex(self) -> &'static str {
        match self {
            UseType::OnDemandStream => "OnDemandStream",
            UseType::NonInteractiveStream => "NonInteractiveStream",
            UseType::PermanentDownload => "PermanentDownload",
            UseType::ConditionalDownload => "ConditionalDownload",
            UseType::TetheredDownload => "TetheredDownload",
        }
    }
}
