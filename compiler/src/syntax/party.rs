//! `parties/<id>.toml`: artists, writers, publishers, producers and payees.

use super::decode::{ExactText, S};
use crate::{toml_enum, toml_table};

toml_table! {
    /// One person, group or company. A party with a `[payee]` table can receive royalties.
    pub struct TomlParty {
        /// Name as credited (`The Lantern Choir`).
        name: S<String> = "name",
        /// Name for sorting (`Lantern Choir, The`).
        sort_name: Option<S<String>> = "sort-name",
        /// What the party is.
        kind: Option<S<PartyKind>> = "kind",
        /// ISNI (16 characters, check character may be `X`).
        isni: Option<S<String>> = "isni",
        /// CISAC IPI name number (11 digits) of a writer or publisher.
        ipi: Option<S<String>> = "ipi",
        /// ISO 3166-1 code of the party's country.
        country: Option<S<String>> = "country",
        /// Payment details; present when the party receives royalties.
        payee: Option<TomlPayee> = "payee",
    }
}

toml_enum! {
    /// What a party is.
    pub enum PartyKind {
        Person = "person",
        Group = "group",
        Organisation = "organisation",
    }
}

toml_table! {
    /// How a payee is paid.
    pub struct TomlPayee {
        /// ISO 4217 currency of the payee's statements.
        currency: S<String> = "currency",
        /// Balances below this carry forward instead of being paid (`"50.00"`).
        minimum_payout: Option<S<ExactText>> = "minimum-payout",
        /// Where statements are sent.
        email: Option<S<String>> = "email",
    }
}
