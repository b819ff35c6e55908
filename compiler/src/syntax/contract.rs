//! `contracts/<id>.toml`: a payee's royalty contract.

use super::decode::{ExactText, KeyMap, OneOrMany, S};
use crate::model::date::Date;
use crate::{toml_enum, toml_table};

toml_table! {
    /// A royalty contract between the label and one payee.
    pub struct TomlContract {
        /// Party paid under this contract (must have a `[payee]` table).
        payee: S<String> = "payee",
        /// Releases whose recordings the contract covers.
        #[serde(default)]
        releases: OneOrMany<S<String>> = "releases",
        /// Recordings the contract covers. With neither `releases` nor `recordings`, the
        /// contract covers every recording whose splits name the payee.
        #[serde(default)]
        recordings: OneOrMany<S<String>> = "recordings",
        /// What the royalty rate applies to.
        basis: Option<S<RoyaltyBasis>> = "basis",
        /// First day of the term.
        start: S<Date> = "start",
        /// Last day of the term (inclusive); open-ended when not given.
        end: Option<S<Date>> = "end",
        /// Royalty rates: `default` and per-territory or per-group rules, each channel → rate.
        #[serde(default)]
        rates: KeyMap<TomlChannelRates> = "rates",
        /// Advances paid to the payee, recouped from royalties.
        #[serde(default)]
        advance: Vec<S<TomlAdvance>> = "advance",
        /// Other contracts whose balances recoup together with this one (cross-collateralisation).
        #[serde(default)]
        recoup_with: OneOrMany<S<String>> = "recoup-with",
        /// Reserve against returns.
        reserve: Option<TomlReserve> = "reserve",
    }
}

toml_enum! {
    /// The royalty base.
    pub enum RoyaltyBasis {
        /// What the label receives after third-party fees.
        NetReceipts = "net-receipts",
        /// Published price to dealers.
        Ppd = "ppd",
    }
}

toml_table! {
    /// Royalty rate per sales channel; a channel left out is not paid in this rule's territories
    /// (for `default`) or keeps the default rate (for a territory rule).
    pub struct TomlChannelRates {
        /// Subscription and ad-supported streams.
        stream: Option<S<ExactText>> = "stream",
        /// Permanent downloads.
        download: Option<S<ExactText>> = "download",
        /// Physical sales.
        physical: Option<S<ExactText>> = "physical",
        /// User-generated content (YouTube, TikTok).
        ugc: Option<S<ExactText>> = "ugc",
        /// Synchronisation licences.
        sync: Option<S<ExactText>> = "sync",
    }
}

toml_table! {
    /// An advance, recoupable from the contract's royalties.
    pub struct TomlAdvance {
        /// Amount (`"2000.00"`).
        amount: S<ExactText> = "amount",
        /// ISO 4217 currency; the payee's when not given.
        currency: Option<S<String>> = "currency",
        /// Date paid.
        date: S<Date> = "date",
        /// What it was for.
        note: Option<S<String>> = "note",
    }
}

toml_table! {
    /// A reserve: a share of royalties withheld, then liquidated.
    pub struct TomlReserve {
        /// Share withheld (`"20%"`).
        rate: S<ExactText> = "rate",
        /// Number of statement periods after which the reserve is released.
        periods: S<u32> = "periods",
    }
}
