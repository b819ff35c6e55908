//! The delivered state: what each DSP last received of each release. Kept in the
//! catalogue's git repository under a ref (`state/git.rs`), never in the work tree.
//!
//! `serial` grows by one on every write; `lineage` is set when the state is created, so a
//! plan made against another state (or an older one) is refused.

pub mod git;

use crate::message::{Message, Territories};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const STATE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    pub lineage: String,
    pub serial: u64,
    /// Keyed by `<dsp>/<UPC>`: what each DSP has. Stored one file per delivery, not in
    /// `meta.json` (see `git.rs`).
    #[serde(default, skip_serializing)]
    pub deliveries: BTreeMap<String, Delivery>,
    /// Keyed by `<dsp>/<UPC>`: uploads started but not known to have finished. Recorded
    /// before the first byte goes out, so a resumed apply sends the same package to the same
    /// folder (overwriting in place) instead of delivering it twice.
    #[serde(default)]
    pub in_flight: BTreeMap<String, InFlight>,
    /// DSP → batch id of a batch whose `BatchComplete_` marker is not yet delivered.
    #[serde(default)]
    pub open_batches: BTreeMap<String, String>,
    /// The serial at which `snapshot.json` (every delivery in one file) was last written;
    /// when it equals `serial`, the snapshot is current and loading reads it alone.
    #[serde(default)]
    pub snapshot: u64,
}

/// An upload in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InFlight {
    /// Folder on the transport, relative to its root.
    pub folder: String,
    /// `+`, `~`, `-` or `!`, and the content hash: the same change resumes in the same folder.
    pub change: String,
    pub started_at: String,
}

impl State {
    pub fn new(lineage: String) -> Self {
        State {
            version: STATE_VERSION,
            lineage,
            serial: 0,
            deliveries: BTreeMap::new(),
            in_flight: BTreeMap::new(),
            open_batches: BTreeMap::new(),
            snapshot: 0,
        }
    }
}

/// Whether the DSP took the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Uploaded; no acknowledgement yet.
    Delivered,
    Accepted,
    /// The DSP refused it: `plan` proposes it again.
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub dsp: String,
    pub release: String,
    pub upc: String,
    pub message_id: String,
    /// Hash of the message without its header.
    pub content_hash: String,
    /// Hash of the catalogue files and media the message was made from: when it is
    /// unchanged, `plan` need not build the message again.
    #[serde(default)]
    pub input: String,
    pub summary: Summary,
    /// `YYYY-MM-DDThh:mm:ssZ`.
    pub delivered_at: String,
    pub status: Status,
    /// The DSP's reason, when rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What was sent last: a takedown (no live deal) or a purge.
    pub taken_down: bool,
    pub purged: bool,
    /// The DSP accepted this or an earlier delivery of the release (an acknowledgement said
    /// so): it has the release even if a later update is refused.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub accepted_once: bool,
}

impl Delivery {
    /// Whether the DSP has the release: something was sent that it did not refuse (or it
    /// accepted an earlier delivery), and no purge since. ERN 3's `UpdateIndicator` says
    /// `UpdateMessage` only then.
    pub fn dsp_has_release(&self) -> bool {
        !self.purged && (self.status != Status::Rejected || self.accepted_once)
    }
}

/// What a reviewer compares between two deliveries of a release.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub title: String,
    pub display_artist: String,
    pub release_date: String,
    /// ISRCs in track order.
    pub tracks: Vec<String>,
    /// One line per DDEX deal: `Worldwide except JP · SubscriptionModel · 2025-01-01..`.
    pub deals: Vec<String>,
    /// Every territory code with a deal (expanded), or `Worldwide`.
    pub territories: Vec<String>,
}

fn territories_text(t: &Territories) -> String {
    match t {
        Territories::Included(c) => c.join(" "),
        Territories::Excluded(c) => format!("Worldwide except {}", c.join(" ")),
    }
}

/// The summary of a message, for field-level plan diffs.
pub fn summarise(m: &Message) -> Summary {
    let b = &m.body;
    let mut territories: Vec<String> = Vec::new();
    for d in &b.deals {
        match &d.territories {
            Territories::Included(c) => territories.extend(c.iter().cloned()),
            Territories::Excluded(c) => {
                territories.push(format!("Worldwide-{}", c.join("-")));
            }
        }
    }
    territories.sort();
    territories.dedup();
    Summary {
        title: match &b.release.version {
            Some(v) => format!("{} ({v})", b.release.title),
            None => b.release.title.clone(),
        },
        display_artist: b.release.display_artist_name.clone(),
        release_date: b.release.release_date.clone(),
        tracks: b
            .release
            .discs
            .iter()
            .flatten()
            .filter_map(|r| b.sound_recordings.iter().find(|s| &s.reference == r))
            .map(|s| s.isrc.clone())
            .collect(),
        deals: b
            .deals
            .iter()
            .map(|d| {
                format!(
                    "{} · {} · {}..{}{}{}",
                    territories_text(&d.territories),
                    d.commercial_models.join("+"),
                    d.start,
                    d.end.as_deref().unwrap_or(""),
                    d.price_code
                        .as_deref()
                        .map_or(String::new(), |p| format!(" · {p}")),
                    if d.pre_order { " · pre-order" } else { "" }
                )
            })
            .collect(),
        territories,
    }
}

pub const FINGERPRINT_VERSION: u32 = 1;

/// What the last complete `apply` proved about the catalogue it delivered, stored as
/// `fingerprint.json` in the state commit the apply ended with: a plan of these inputs, on a
/// day in `day..valid_until`, finds no changes. Only things that are the same in every clone
/// go in, so the first `plan` in a fresh clone can use it without checking the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fingerprint {
    pub version: u32,
    /// Sleeve's version: another one may plan differently.
    pub sleeve: String,
    /// The state it was recorded in: any later write (a higher serial) makes it stale.
    pub lineage: String,
    pub serial: u64,
    /// The catalogue folder in the repository (`""` at its root).
    pub path: String,
    /// SHA-256 of the path and git blob id of every input: each `.toml` file the catalogue
    /// reads and each asset file it names.
    pub inputs: String,
    /// The asset files the catalogue names (their blob ids are in `inputs`).
    pub assets: Vec<String>,
    /// The plan's `catalogue` hash (what `--format json` prints).
    pub catalogue: String,
    /// The apply's day, `YYYY-MM-DD`.
    pub day: String,
    /// The first day on which a plan could differ (a deal ends the day before); none: no
    /// such day.
    pub valid_until: Option<String>,
    /// The acknowledgement inboxes a plan reads, with a digest of their files.
    pub inboxes: Vec<InboxDigest>,
    /// SHA-256 of the fields above: an edited record is not trusted.
    pub seal: String,
}

/// A DSP's acknowledgement inbox (its folder transport's path) and a digest of every file
/// in it: names and contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboxDigest {
    pub path: String,
    pub digest: String,
}

impl Fingerprint {
    fn digest(&self) -> String {
        crate::lower::content_hash(&Fingerprint {
            seal: String::new(),
            ..self.clone()
        })
    }

    /// Set the seal over the other fields.
    pub fn sealed(mut self) -> Self {
        self.seal = self.digest();
        self
    }

    /// Whether a plan on `today` may rely on it: `day <= today < valid_until`. `None`: a
    /// date does not parse.
    pub fn valid_on(&self, today: crate::model::date::Date) -> Option<bool> {
        use crate::model::date::Date;
        let from = Date::parse(&self.day)?;
        let until = match &self.valid_until {
            Some(d) => Some(Date::parse(d)?),
            None => None,
        };
        Some(from <= today && until.is_none_or(|u| today < u))
    }

    /// Parse a stored record: `None` unless it parses, has this version and its seal matches.
    pub fn parse(bytes: &[u8]) -> Option<Fingerprint> {
        let f: Fingerprint = serde_json::from_slice(bytes).ok()?;
        (f.version == FINGERPRINT_VERSION && f.seal == f.digest()).then_some(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dsp_has_release_unless_refused_first_or_purged() {
        let sent = Delivery {
            dsp: "joox".into(),
            release: "r".into(),
            upc: "0840000000019".into(),
            message_id: "SLV-1".into(),
            content_hash: String::new(),
            input: String::new(),
            summary: Summary::default(),
            delivered_at: "2025-11-25T00:00:00Z".into(),
            status: Status::Delivered,
            reason: None,
            taken_down: false,
            purged: false,
            accepted_once: false,
        };
        // Sent without an answer, or accepted: the DSP has it (some never acknowledge).
        assert!(sent.dsp_has_release());
        let accepted = Delivery {
            status: Status::Accepted,
            ..sent.clone()
        };
        assert!(accepted.dsp_has_release());
        // A first delivery refused: it does not; an update refused after an acceptance: it does.
        let refused = Delivery {
            status: Status::Rejected,
            ..sent.clone()
        };
        assert!(!refused.dsp_has_release());
        let refused_update = Delivery {
            accepted_once: true,
            ..refused
        };
        assert!(refused_update.dsp_has_release());
        // Purged: gone.
        let purged = Delivery {
            purged: true,
            ..accepted
        };
        assert!(!purged.dsp_has_release());
    }
}
