//! Check: rules over the resolved catalogue. Each file holds one family of rules; each rule
//! pushes diagnostics and never stops the others.
//!
//! Every rule judges one entity at a time (a release, a recording, a contract, a payee's
//! contracts, a party) and points its diagnostics into that entity's file, so rules can run
//! over a [`Scope`] of files: `sleeve watch` re-runs them for the files an edit can affect
//! ([`crate::incremental`]) and keeps the rest. What a rule needs to know about other
//! entities comes from the catalogue and its reverse references, [`Links`].

mod assets;
mod contracts;
mod dates;
mod deals;
mod links;
mod parties;
mod quality;
mod splits;
mod tracklist;

use crate::diag::Diagnostics;
use crate::lower::MediaTable;
use crate::model::{Catalogue, Contract, Recording, Release};
use crate::source::FileId;
use crate::world::World;
use std::collections::{BTreeMap, HashSet};

pub use links::Links;
/// W0213 unused-party, over the whole catalogue (from the use counts in [`Links`]); only
/// judged when nothing else is wrong (`errors` tells whether anything is).
pub use parties::check as unused_parties;
pub use quality::MediaCache;

/// Which entities the rules judge: all, or those declared in some files.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    All,
    Only(&'a Judged),
}

/// The entities declared in some files, by kind (ids in the catalogue's maps).
#[derive(Debug, Default)]
pub struct Judged {
    pub files: HashSet<FileId>,
    pub releases: Vec<String>,
    pub recordings: Vec<String>,
    pub contracts: Vec<String>,
}

impl<'a> Scope<'a> {
    /// Whether entities declared in `file` are judged.
    pub fn has(self, file: FileId) -> bool {
        match self {
            Scope::All => true,
            Scope::Only(j) => j.files.contains(&file),
        }
    }

    pub fn releases<'c>(self, cat: &'c Catalogue) -> Box<dyn Iterator<Item = &'c Release> + 'c>
    where
        'a: 'c,
    {
        select(&cat.releases, self, |j| &j.releases)
    }

    pub fn recordings<'c>(self, cat: &'c Catalogue) -> Box<dyn Iterator<Item = &'c Recording> + 'c>
    where
        'a: 'c,
    {
        select(&cat.recordings, self, |j| &j.recordings)
    }

    pub fn contracts<'c>(self, cat: &'c Catalogue) -> Box<dyn Iterator<Item = &'c Contract> + 'c>
    where
        'a: 'c,
    {
        select(&cat.contracts, self, |j| &j.contracts)
    }
}

fn select<'c, T>(
    map: &'c BTreeMap<String, Box<T>>,
    scope: Scope<'c>,
    ids: fn(&Judged) -> &Vec<String>,
) -> Box<dyn Iterator<Item = &'c T> + 'c> {
    match scope {
        Scope::All => Box::new(map.values().map(|b| &**b)),
        Scope::Only(j) => Box::new(ids(j).iter().filter_map(|id| map.get(id)).map(|b| &**b)),
    }
}

/// Run every rule. `world` is asked whether asset files exist and for their bytes (media
/// rules); what the media rules learnt is returned for `build`.
pub fn check(cat: &Catalogue, world: &dyn World, diags: &mut Diagnostics) -> MediaTable {
    let scope = Scope::All;
    // On two cores, in two steps (10,000 releases: links 0.26 s, the rules that need none
    // 0.12 s; then splits and contracts 0.25 s, quality 0.15 s): the rules that need no
    // links while the links are built, then the rules that read them side by side.
    let (links, other) = crate::beside(|| Links::build(cat), || other_rules(cat, world, scope));
    // Contracts take most of the second step (0.2 s, most of it judging each recording's
    // payees): their recordings are judged half beside splits and the contract terms, half
    // beside quality.
    let recordings: Vec<&crate::model::Recording> = scope.recordings(cat).collect();
    let (first, second) = recordings.split_at(recordings.len() / 2);
    let (linked, (quality, media)) = crate::beside(
        || {
            let mut d = Diagnostics::default();
            splits::check(cat, &links, scope, &mut d);
            contracts::terms(cat, &links, scope, &mut d);
            contracts::covering(cat, &links, first, &mut d);
            d
        },
        || {
            let (mut d, mut media) = (Diagnostics::default(), MediaCache::default());
            quality::check(cat, &links, world, scope, &mut media, &mut d);
            contracts::covering(cat, &links, second, &mut d);
            (d, media)
        },
    );
    diags.extend(linked);
    diags.extend(other);
    diags.extend(quality);
    // Last: it only runs when nothing else is wrong.
    unused_parties(cat, &links, diags.has_errors(), diags);
    media.table
}

/// Every rule but the unused-party one, for the entities in `scope`. Media files already in
/// `media` are not read again; the others are read, probed and added.
pub fn check_scoped(
    cat: &Catalogue,
    links: &Links,
    world: &dyn World,
    scope: Scope,
    media: &mut MediaCache,
    diags: &mut Diagnostics,
) {
    rules(cat, world, scope, diags, || {
        ((), linked_rules(cat, links, scope))
    });
    quality::check(cat, links, world, scope, media, diags);
}

/// Every rule family but quality into `diags`: `linked` (what also gives the rules that read
/// the links, with their findings) on another core beside the others, which are independent
/// of it, each into its own sink.
fn rules<T: Send>(
    cat: &Catalogue,
    world: &dyn World,
    scope: Scope,
    diags: &mut Diagnostics,
    linked: impl FnOnce() -> (T, Diagnostics) + Send,
) -> T {
    let (b, (t, a)) = crate::beside(|| other_rules(cat, world, scope), linked);
    diags.extend(a);
    diags.extend(b);
    t
}

/// The rule families that read the links: splits and contracts.
fn linked_rules(cat: &Catalogue, links: &Links, scope: Scope) -> Diagnostics {
    let mut d = Diagnostics::default();
    splits::check(cat, links, scope, &mut d);
    contracts::check(cat, links, scope, &mut d);
    d
}

/// The other rule families, but quality: dates, track lists, deals, asset files.
fn other_rules(cat: &Catalogue, world: &dyn World, scope: Scope) -> Diagnostics {
    let mut d = Diagnostics::default();
    dates::check(cat, scope, &mut d);
    tracklist::check(cat, scope, &mut d);
    deals::check(cat, scope, &mut d);
    assets::check(cat, world, scope, &mut d);
    d
}

/// `GB`, `IE` and 3 more — a short list of territory codes for messages.
pub(crate) fn list_codes(set: crate::model::iso::TerritorySet, max: usize) -> String {
    let everywhere = crate::model::iso::TerritorySet::all();
    if set == everywhere {
        return "every territory".to_string();
    }
    if set.len() * 2 > everywhere.len() {
        let rest = everywhere.difference(set);
        return format!("every territory except {}", list_codes(rest, max));
    }
    let all: Vec<&str> = set.iter().collect();
    let shown: Vec<String> = all.iter().take(max).map(|c| format!("`{c}`")).collect();
    if all.len() > max {
        format!("{} and {} more", shown.join(", "), all.len() - max)
    } else {
        shown.join(", ")
    }
}
