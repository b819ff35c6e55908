//! Reverse references of the catalogue, for rules that judge an entity by what refers to it:
//! the releases listing a recording, the recordings whose splits name a payee, how often a
//! party is referenced. Built once over the catalogue; [`crate::incremental`] keeps them up
//! to date as releases and recordings are replaced.

use crate::model::{Catalogue, Recording, Release};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Default)]
pub struct Links {
    /// Recording id → the ids of the releases listing it (once per release).
    rec_releases: HashMap<String, Vec<String>>,
    /// Party id → the recordings whose splits name it.
    payee_recs: HashMap<String, BTreeSet<String>>,
    /// Party id → how many references recordings, releases, contracts and clients make to it.
    party_uses: HashMap<String, u32>,
}

static NONE: Vec<String> = Vec::new();

impl Links {
    pub fn build(cat: &Catalogue) -> Links {
        let mut links = Links::default();
        for rel in cat.releases.values() {
            links.add_release(rel);
        }
        for rec in cat.recordings.values() {
            links.add_recording(rec);
        }
        for c in cat.contracts.values() {
            links.use_party(&c.payee.value, true);
        }
        for c in cat.clients.values() {
            links.use_party(&c.payee, true);
        }
        links
    }

    /// The releases listing recording `rec`.
    pub fn releases_of(&self, rec: &str) -> &[String] {
        self.rec_releases.get(rec).unwrap_or(&NONE)
    }

    /// The recordings whose splits name `payee`.
    pub fn recordings_paying(&self, payee: &str) -> Option<&BTreeSet<String>> {
        self.payee_recs.get(payee)
    }

    /// Whether anything references party `id`.
    pub fn is_used(&self, id: &str) -> bool {
        self.party_uses.get(id).is_some_and(|n| *n > 0)
    }

    fn use_party(&mut self, id: &str, add: bool) {
        match self.party_uses.get_mut(id) {
            Some(n) if add => *n += 1,
            Some(n) => *n = n.saturating_sub(1),
            None if add => {
                self.party_uses.insert(id.to_string(), 1);
            }
            None => {}
        }
    }

    fn release(&mut self, rel: &Release, add: bool) {
        let tracks: BTreeSet<&str> = rel.tracks().map(|(_, _, t)| t.value.as_str()).collect();
        for t in tracks {
            let list = self.rec_releases.entry(t.to_string()).or_default();
            if add {
                list.push(rel.id.value.clone());
            } else if let Some(i) = list.iter().position(|r| *r == rel.id.value) {
                list.swap_remove(i);
            }
        }
        for a in &rel.artists {
            self.use_party(&a.value, add);
        }
    }

    fn recording(&mut self, rec: &Recording, add: bool) {
        let parties = rec
            .artists
            .iter()
            .chain(&rec.featuring)
            .chain(rec.credits.iter().map(|c| &c.party))
            .chain(
                rec.splits
                    .iter()
                    .flat_map(|r| r.shares.iter().map(|(p, _)| p)),
            );
        for p in parties {
            self.use_party(&p.value, add);
        }
        let payees: BTreeSet<&str> = rec
            .splits
            .iter()
            .flat_map(|r| r.shares.iter().map(|(p, _)| p.value.as_str()))
            .collect();
        for p in payees {
            if add {
                self.payee_recs
                    .entry(p.to_string())
                    .or_default()
                    .insert(rec.id.value.clone());
            } else if let Some(set) = self.payee_recs.get_mut(p) {
                set.remove(&rec.id.value);
            }
        }
    }

    pub fn add_release(&mut self, rel: &Release) {
        self.release(rel, true);
    }

    pub fn remove_release(&mut self, rel: &Release) {
        self.release(rel, false);
    }

    pub fn add_recording(&mut self, rec: &Recording) {
        self.recording(rec, true);
    }

    pub fn remove_recording(&mut self, rec: &Recording) {
        self.recording(rec, false);
    }
}
