//! `sleeve.toml`: the label, its imprints, white-label clients and territory groups.

use super::decode::{ExactText, KeyMap, OneOrMany, S};
use crate::{toml_enum, toml_table};

toml_table! {
    /// `sleeve.toml` at the catalogue root.
    pub struct TomlLabelFile {
        /// The label that owns the catalogue and sends the DDEX messages.
        label: TomlLabel = "label",
        /// Imprints: brands of the label itself, keyed by id.
        #[serde(default)]
        imprints: KeyMap<TomlImprint> = "imprints",
        /// White-label clients: external labels distributed under their own brand, keyed by id.
        #[serde(default)]
        clients: KeyMap<TomlClient> = "clients",
        /// Named sets of ISO 3166-1 territory codes, usable wherever a territory is expected.
        #[serde(default)]
        territory_groups: KeyMap<OneOrMany<S<String>>> = "territory-groups",
    }
}

toml_table! {
    /// The label.
    pub struct TomlLabel {
        /// Display name, as DSPs show it (`Nightjar Records`).
        name: S<String> = "name",
        /// DDEX party id (DPID) of the label, the `MessageSender` of every message.
        party_id: S<String> = "party-id",
        /// ISO 4217 currency the label accounts in.
        currency: S<String> = "currency",
        /// Owner named in P-lines and C-lines when a release gives none (`Nightjar Records Ltd`).
        copyright_owner: Option<S<String>> = "copyright-owner",
        /// ISO 3166-1 code of the label's home country.
        country: Option<S<String>> = "country",
        /// How often statements are made.
        statement_period: Option<S<StatementPeriod>> = "statement-period",
        /// Default language of metadata (BCP 47), `en` when not given.
        language: Option<S<String>> = "language",
    }
}

toml_enum! {
    /// Statement period length.
    pub enum StatementPeriod {
        Quarterly = "quarterly",
        SemiAnnual = "semi-annual",
    }
}

toml_table! {
    /// An imprint of the label.
    pub struct TomlImprint {
        /// Label name shown on the imprint's releases.
        name: S<String> = "name",
        /// Owner in P-/C-lines of the imprint's releases; the label's when not given.
        copyright_owner: Option<S<String>> = "copyright-owner",
    }
}

toml_table! {
    /// A white-label client: an external label or artist the label distributes under the
    /// client's own brand, keeping a distribution fee.
    pub struct TomlClient {
        /// Brand name shown as the label of the client's releases.
        name: S<String> = "name",
        /// Owner in P-/C-lines of the client's releases.
        copyright_owner: S<String> = "copyright-owner",
        /// Share of the client's net receipts the label keeps (`"15%"`).
        fee: S<ExactText> = "fee",
        /// Party that receives the client's income (must have a `[payee]` table).
        payee: S<String> = "payee",
        /// The client's own DDEX party id, sent as `SentOnBehalfOf` when it has one.
        party_id: Option<S<String>> = "party-id",
    }
}
