//! The compiled rate table: for every recording, territory and channel, who is paid what.
//!
//! `sleeve build` writes it to `out/rates/` for review; `sleeve royalties` computes the same
//! table from the same catalogue, so what a reviewer reads is what gets paid.

use crate::model::date::Date;
use crate::model::iso;
use crate::model::ratio::Ratio;
use crate::model::{Catalogue, Channel, Owner, Scope};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Index of a recording, payee or contract in the table.
pub type Ix = u32;

#[derive(Debug, Clone)]
pub struct RateTable {
    pub label_currency: String,
    pub recordings: Vec<RecRates>,
    /// Compact ISRC → recording.
    pub by_isrc: FxHashMap<String, Ix>,
    /// GTIN-14 of the UPC → release.
    pub by_upc: FxHashMap<String, Ix>,
    /// Normalised "title|artist" → recording; `None` when several recordings share it.
    pub by_title_artist: FxHashMap<String, Option<Ix>>,
    pub releases: Vec<ReleaseInfo>,
    pub payees: Vec<PayeeInfo>,
    pub contracts: Vec<ContractInfo>,
    /// Distinct rule sets, shared by the recordings that have the same split and contracts.
    pub rulesets: Vec<RuleSet>,
    /// Distinct per-channel rate arrays (in `Channel::ALL` order; no rate = not paid).
    pub rates: Vec<[Option<Ratio>; 5]>,
}

#[derive(Debug, Clone)]
pub struct ReleaseInfo {
    pub id: String,
    pub upc: String,
    pub title: String,
    pub tracks: Vec<Ix>,
}

#[derive(Debug, Clone, Hash)]
pub struct PayeeInfo {
    pub id: String,
    pub name: String,
    pub currency: String,
    pub minimum_payout: Decimal,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Hash)]
pub struct ContractInfo {
    pub id: String,
    pub payee: Ix,
    pub start: Date,
    pub end: Option<Date>,
    /// Recoupment group: the smallest contract index of its cross-collateralised set.
    pub group: Ix,
    pub advances: Vec<(Decimal, String, Date, Option<String>)>,
    /// Share withheld from download and physical royalties, and over how many periods it
    /// is released.
    pub reserve: Option<(Ratio, u32)>,
}

#[derive(Debug, Clone, Hash)]
pub struct RecRates {
    pub id: String,
    /// Display form of the ISRC (`GB-SLV-25-00001`).
    pub isrc: String,
    pub title: String,
    pub artist: String,
    /// First release (in id order) that carries the recording.
    pub release: Option<Ix>,
    /// `label`, an imprint id or a client id.
    pub owner: String,
    /// White-label distribution fee: share of gross the label keeps.
    pub fee: Ratio,
    /// Territories with a rule of their own, sorted, and the rule set (index into
    /// [`RateTable::rulesets`]) that applies there.
    pub special: Vec<(u8, u32)>,
    /// Rule set of every other territory; `None` when no split covers them.
    pub rest: Option<u32>,
}

/// Who shares a line's net receipts in some territories.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RuleSet {
    /// Key of the split rule in force.
    pub split_key: String,
    pub terms: Vec<Term>,
}

/// One payee of a split, with the contracts that may cover the recording for them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Term {
    pub payee: Ix,
    pub split: Ratio,
    /// Contract and its rates per channel (index into [`RateTable::rates`]).
    pub contracts: Vec<(Ix, u32)>,
}

impl RecRates {
    /// Index into [`RateTable::rulesets`] of the rule set in force in `territory`.
    pub fn ruleset_index(&self, territory: u8) -> Option<u32> {
        match self.special.binary_search_by_key(&territory, |(t, _)| *t) {
            Ok(i) => self.special.get(i).map(|(_, r)| *r),
            Err(_) => self.rest,
        }
    }
}

/// How one line's net receipts are shared, or why it cannot be.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Plan {
    Paid {
        /// Weights of `[net, fee]`.
        fee: [i128; 2],
        /// `(payee, contract, weight)`, then the label's weight last in `weights`.
        parts: Vec<(Ix, Ix)>,
        /// One weight per part, then the label's.
        weights: Vec<i128>,
        /// Exact share of net per part (split × rate), for statements.
        shares: Vec<Ratio>,
    },
    Suspense(String),
}

impl RateTable {
    /// The plan for a line of recording `rec` in `territory`, on `channel`, used on `date`.
    pub fn plan(&self, rec: Ix, territory: u8, channel: Channel, date: Date) -> Plan {
        let Some(r) = self.recordings.get(rec as usize) else {
            return Plan::Suspense("unknown recording".into());
        };
        let Some(rules) = r
            .ruleset_index(territory)
            .and_then(|i| self.rulesets.get(i as usize))
        else {
            return Plan::Suspense(format!(
                "no split rule for {}",
                iso::territory_code(territory).unwrap_or("?")
            ));
        };
        let mut parts = Vec::with_capacity(rules.terms.len());
        let mut shares = Vec::with_capacity(rules.terms.len() + 1);
        for t in &rules.terms {
            let found = t.contracts.iter().find(|(c, _)| {
                self.contracts
                    .get(*c as usize)
                    .is_some_and(|c| c.start <= date && c.end.is_none_or(|e| date <= e))
            });
            let Some((c, rates)) = found else {
                let payee = self.payees.get(t.payee as usize).map_or("?", |p| &p.id);
                return Plan::Suspense(format!("no contract in force for {payee} on {date}"));
            };
            let rate = self
                .rates
                .get(*rates as usize)
                .and_then(|r| r.get(channel.index()).copied().flatten())
                .unwrap_or(Ratio::ZERO);
            parts.push((t.payee, *c));
            shares.push(t.split.checked_mul(rate).unwrap_or(Ratio::ZERO));
        }
        let paid = shares
            .iter()
            .try_fold(Ratio::ZERO, |a, s| a.checked_add(*s))
            .unwrap_or(Ratio::ONE);
        let label = Ratio::ONE.checked_sub(paid).unwrap_or(Ratio::ZERO);
        let mut all = shares.clone();
        all.push(label);
        let Some(weights) = integer_weights(&all) else {
            return Plan::Suspense("shares too fine to allocate exactly".into());
        };
        let fee = integer_weights(&[Ratio::ONE.checked_sub(r.fee).unwrap_or(Ratio::ONE), r.fee])
            .and_then(|w| <[i128; 2]>::try_from(w).ok())
            .unwrap_or([1, 0]);
        Plan::Paid {
            fee,
            parts,
            weights,
            shares,
        }
    }

    pub fn find_payee(&self, id: &str) -> Option<Ix> {
        self.payees.iter().position(|p| p.id == id).map(|i| i as Ix)
    }
}

/// Ratios scaled to integers with one common denominator.
pub fn integer_weights(rs: &[Ratio]) -> Option<Vec<i128>> {
    let mut lcm: i128 = 1;
    for r in rs {
        let g = gcd(lcm, r.den());
        lcm = (lcm / g).checked_mul(r.den())?;
    }
    rs.iter()
        .map(|r| r.num().checked_mul(lcm / r.den()))
        .collect()
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.abs().max(1)
}

/// Where a featured-artist part of a lowercased title or artist begins.
const FEATURED_MARKERS: [&str; 7] = [
    " feat.",
    " feat ",
    " ft.",
    " ft ",
    " featuring ",
    "(feat",
    "(ft",
];

/// Normalised "title|artist" for fallback matching: lowercase letters and digits only, with
/// any "feat." part dropped.
pub fn title_artist_key(title: &str, artist: &str) -> String {
    /// `s` lowercased, cut before a featured-artist marker, its letters and digits only,
    /// pushed onto `out`.
    fn norm(s: &str, out: &mut String) {
        let lower = s.to_lowercase();
        // The first byte where a marker starts (each starts with a space or a parenthesis,
        // so on a character boundary): one pass instead of a substring search per marker.
        let bytes = lower.as_bytes();
        let cut = (0..bytes.len())
            .find(|&i| {
                matches!(bytes.get(i), Some(b' ' | b'('))
                    && FEATURED_MARKERS
                        .iter()
                        .any(|m| bytes.get(i..).is_some_and(|b| b.starts_with(m.as_bytes())))
            })
            .unwrap_or(bytes.len());
        out.extend(
            lower
                .get(..cut)
                .unwrap_or(&lower)
                .chars()
                .filter(|c| c.is_alphanumeric()),
        );
    }
    let mut key = String::with_capacity(title.len() + artist.len() + 1);
    norm(title, &mut key);
    key.push('|');
    norm(artist, &mut key);
    key
}

/// Compile the table. The catalogue must have passed `check` without errors.
pub fn compile(cat: &Catalogue) -> RateTable {
    let label_currency = cat
        .label
        .as_ref()
        .map_or_else(|| "GBP".to_string(), |l| l.currency.clone());
    let mut payees = Vec::new();
    let mut payee_ix: FxHashMap<&str, Ix> = FxHashMap::default();
    for (id, p) in &cat.parties {
        if let Some(pay) = &p.payee {
            payee_ix.insert(id, payees.len() as Ix);
            payees.push(PayeeInfo {
                id: id.clone(),
                name: p.name.clone(),
                currency: pay.currency.clone(),
                minimum_payout: pay.minimum_payout,
                email: pay.email.clone(),
            });
        }
    }

    // Contracts, with their recoupment groups (union-find over `recoup-with`).
    let contract_ids: Vec<&String> = cat.contracts.keys().collect();
    let contract_ix: FxHashMap<&str, Ix> = contract_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i as Ix))
        .collect();
    let mut parent: Vec<usize> = (0..contract_ids.len()).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for (i, c) in cat.contracts.values().enumerate() {
        for other in &c.recoup_with {
            if let Some(j) = contract_ix.get(other.value.as_str()) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, *j as usize));
                let (lo, hi) = (a.min(b), a.max(b));
                parent[hi] = lo;
            }
        }
    }
    let mut contracts = Vec::new();
    for (i, c) in cat.contracts.values().enumerate() {
        let group = find(&mut parent, i) as Ix;
        contracts.push(ContractInfo {
            id: c.id.value.clone(),
            payee: payee_ix.get(c.payee.value.as_str()).copied().unwrap_or(0),
            start: c.start.value,
            end: c.end.as_ref().map(|e| e.value),
            group,
            advances: c
                .advances
                .iter()
                .map(|a| (a.amount.value, a.currency.clone(), a.date, a.note.clone()))
                .collect(),
            reserve: c.reserve.as_ref().map(|r| (r.rate.value, r.periods)),
        });
    }

    // Which recordings each contract covers explicitly.
    let mut listed: Vec<Option<BTreeSet<&str>>> = Vec::new();
    for c in cat.contracts.values() {
        if c.releases.is_empty() && c.recordings.is_empty() {
            listed.push(None);
            continue;
        }
        let mut set: BTreeSet<&str> = c.recordings.iter().map(|r| r.value.as_str()).collect();
        for rel in &c.releases {
            if let Some(r) = cat.releases.get(&rel.value) {
                set.extend(r.tracks().map(|(_, _, t)| t.value.as_str()));
            }
        }
        listed.push(Some(set));
    }
    let mut by_payee: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (i, c) in cat.contracts.values().enumerate() {
        by_payee.entry(c.payee.value.as_str()).or_default().push(i);
    }

    // Releases, and the first release of each recording.
    let rec_ids: Vec<&String> = cat.recordings.keys().collect();
    let rec_ix: FxHashMap<&str, Ix> = rec_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i as Ix))
        .collect();
    let mut releases = Vec::new();
    let mut by_upc = FxHashMap::default();
    let mut first_release: FxHashMap<&str, (Ix, &Owner)> = FxHashMap::default();
    for r in cat.releases.values() {
        let ix = releases.len() as Ix;
        by_upc.insert(r.upc.value.gtin14(), ix);
        let tracks: Vec<Ix> = r
            .tracks()
            .filter_map(|(_, _, t)| rec_ix.get(t.value.as_str()).copied())
            .collect();
        for (_, _, t) in r.tracks() {
            first_release
                .entry(t.value.as_str())
                .or_insert((ix, &r.owner));
        }
        releases.push(ReleaseInfo {
            id: r.id.value.clone(),
            upc: r.upc.value.as_str().to_string(),
            title: r.title.value.clone(),
            tracks,
        });
    }

    let contract_list: Vec<&crate::model::Contract> =
        cat.contracts.values().map(|b| &**b).collect();
    let mut recordings = Vec::with_capacity(rec_ids.len());
    let mut by_isrc = FxHashMap::default();
    by_isrc.reserve(rec_ids.len());
    let mut by_title_artist: FxHashMap<String, Option<Ix>> = FxHashMap::default();
    let mut rulesets: Vec<RuleSet> = Vec::new();
    let mut ruleset_ix: FxHashMap<RuleSet, u32> = FxHashMap::default();
    let mut rate_sets: Vec<[Option<Ratio>; 5]> = Vec::new();
    let mut rate_ix: FxHashMap<[Option<Ratio>; 5], u32> = FxHashMap::default();
    for (ix, (id, rec)) in cat.recordings.iter().enumerate() {
        let artist = rec.display_artist.clone().unwrap_or_else(|| {
            rec.artists
                .iter()
                .map(|a| {
                    cat.parties
                        .get(&a.value)
                        .map_or(a.value.clone(), |p| p.name.clone())
                })
                .collect::<Vec<_>>()
                .join(" & ")
        });
        let (release, owner) = match first_release.get(id.as_str()) {
            Some((r, o)) => (Some(*r), (*o).clone()),
            None => (None, Owner::Label),
        };
        let (owner_name, fee) = match &owner {
            Owner::Label => ("label".to_string(), Ratio::ZERO),
            Owner::Imprint(i) => (i.clone(), Ratio::ZERO),
            Owner::Client(c) => (c.clone(), cat.clients.get(c).map_or(Ratio::ZERO, |c| c.fee)),
        };
        // Contracts that may pay each payee of this recording.
        let contracts_of = |payee: &str| -> Vec<usize> {
            by_payee
                .get(payee)
                .map(|cs| {
                    cs.iter()
                        .copied()
                        .filter(|ci| {
                            listed
                                .get(*ci)
                                .is_some_and(|l| l.as_ref().is_none_or(|s| s.contains(id.as_str())))
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        // Territories with a rule of their own: non-default split rules and rate rules.
        let mut special = iso::TerritorySet::new();
        let mut payee_contracts: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for rule in &rec.splits {
            if rule.scope != Scope::Default {
                special = special.union(rule.scope.territories());
            }
            for (p, _) in &rule.shares {
                payee_contracts
                    .entry(p.value.as_str())
                    .or_insert_with(|| contracts_of(&p.value));
            }
        }
        for cs in payee_contracts.values() {
            for ci in cs {
                if let Some(c) = contract_list.get(*ci) {
                    for rr in &c.rates {
                        if rr.scope != Scope::Default {
                            special = special.union(rr.scope.territories());
                        }
                    }
                }
            }
        }
        // Recordings share rule sets: a known one is looked up, not cloned.
        let mut intern = |rs: RuleSet| -> u32 {
            if let Some(i) = ruleset_ix.get(&rs) {
                return *i;
            }
            let next = rulesets.len() as u32;
            ruleset_ix.insert(rs.clone(), next);
            rulesets.push(rs);
            next
        };
        let mut ruleset_at = |t: Option<u8>| -> Option<RuleSet> {
            let rule = match t {
                Some(t) => rec.split_for(t)?,
                None => rec.splits.iter().find(|r| r.scope == Scope::Default)?,
            };
            let terms = rule
                .shares
                .iter()
                .map(|(p, share)| Term {
                    payee: payee_ix.get(p.value.as_str()).copied().unwrap_or(0),
                    split: share.value,
                    contracts: payee_contracts
                        .get(p.value.as_str())
                        .map(|cs| {
                            cs.iter()
                                .filter_map(|ci| {
                                    let c = contract_list.get(*ci)?;
                                    let mut rates = [None; 5];
                                    for (k, ch) in Channel::ALL.iter().enumerate() {
                                        rates[k] = c
                                            .rates
                                            .iter()
                                            .filter(|r| match t {
                                                Some(t) => r.scope.territories().contains(t),
                                                None => r.scope == Scope::Default,
                                            })
                                            .filter(|r| r.rates.contains_key(ch))
                                            .min_by_key(|r| r.scope.rank())
                                            .and_then(|r| r.rates.get(ch))
                                            .map(|s| s.value);
                                    }
                                    let next = rate_sets.len() as u32;
                                    let ri = *rate_ix.entry(rates).or_insert(next);
                                    if ri == next {
                                        rate_sets.push(rates);
                                    }
                                    Some((*ci as Ix, ri))
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect();
            Some(RuleSet {
                split_key: rule.key.value.clone(),
                terms,
            })
        };
        let mut special_list = Vec::new();
        for t in special.indices() {
            if let Some(rs) = ruleset_at(Some(t)) {
                special_list.push((t, intern(rs)));
            }
        }
        special_list.sort_by_key(|(t, _)| *t);
        let rest = ruleset_at(None).map(&mut intern);
        by_isrc.insert(rec.isrc.value.as_str().to_string(), ix as Ix);
        by_title_artist
            .entry(title_artist_key(&rec.title.value, &artist))
            .and_modify(|v| *v = None)
            .or_insert(Some(ix as Ix));
        recordings.push(RecRates {
            id: id.clone(),
            isrc: rec.isrc.value.display_form(),
            title: rec.title.value.clone(),
            artist,
            release,
            owner: owner_name,
            fee,
            special: special_list,
            rest,
        });
    }
    RateTable {
        label_currency,
        recordings,
        by_isrc,
        by_upc,
        by_title_artist,
        releases,
        payees,
        contracts,
        rulesets,
        rates: rate_sets,
    }
}

/// What the written rate table and statement configurations ([`to_csv`],
/// [`statement_config`]) read from the releases and recordings of each source file, hashed
/// per file (only the files in `only`, when given): a release's id, owner and track list, a
/// recording's id, ISRC and split rules. An edit that leaves its file's hash the same (a
/// title, a deal, artwork, credits) cannot change what is written. What contracts, parties,
/// clients and the label say is not covered: an edit of those is a full check, which
/// compiles the tables again. The hashes (SipHash with fixed keys) are the same for one build
/// of Sleeve; another toolchain may give others, which only compiles the tables once more.
pub fn table_inputs(
    cat: &Catalogue,
    only: Option<&BTreeSet<crate::source::FileId>>,
) -> HashMap<crate::source::FileId, u64> {
    use std::hash::{Hash as _, Hasher as _};
    let wanted = |f: &crate::source::FileId| only.is_none_or(|o| o.contains(f));
    let mut by_file: HashMap<crate::source::FileId, std::hash::DefaultHasher> = HashMap::new();
    for r in cat.releases.values().filter(|r| wanted(&r.file)) {
        let h = by_file.entry(r.file).or_default();
        (0u8, &r.id.value).hash(h);
        match &r.owner {
            Owner::Label => 0u8.hash(h),
            Owner::Imprint(i) => (1u8, i).hash(h),
            Owner::Client(c) => (2u8, c).hash(h),
        }
        for (_, _, t) in r.tracks() {
            t.value.hash(h);
        }
    }
    for r in cat.recordings.values().filter(|r| wanted(&r.file)) {
        let h = by_file.entry(r.file).or_default();
        (1u8, &r.id.value, r.isrc.value.as_str()).hash(h);
        for rule in &r.splits {
            (&rule.key.value, rule.scope.rank(), rule.scope.territories()).hash(h);
            for (payee, share) in &rule.shares {
                (&payee.value, share.value).hash(h);
            }
        }
    }
    by_file.into_iter().map(|(f, h)| (f, h.finish())).collect()
}

/// What the tables are compiled from, as one hash: each source file's path with its
/// [`table_inputs`] where it declares releases or recordings, else the hash of its text
/// (`file_hashes`, by file). Equal hashes, equal written tables: `build` compiles them again
/// only when this changes.
pub fn tables_from(
    sources: &crate::source::SourceMap,
    file_hashes: &[String],
    inputs: &HashMap<crate::source::FileId, u64>,
) -> String {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    for (id, file) in sources.files() {
        h.update(file.path.as_bytes());
        h.update([0]);
        match inputs.get(&id) {
            Some(v) => h.update(format!("{v:016x}")),
            None => h.update(file_hashes.get(id.0 as usize).map_or("", String::as_str)),
        }
        h.update([b'\n']);
    }
    crate::lower::hex(&h.finalize())
}

/// `out/rates/rates.csv`: one row per recording × territory × channel × payee × contract,
/// ISRCs in their compact form (as in sales reports).
/// `territory` `*` stands for every territory without rows of its own for that ISRC.
/// A hash of everything `out/rates/` and `out/statements/` are written from (with the
/// statement period): equal hashes, equal files.
pub fn table_hash(t: &RateTable, period: &str) -> String {
    use sha2::Digest as _;
    use std::hash::Hash as _;
    /// SHA-256 behind the `Hash` derives: the same on every run and toolchain.
    struct Sha(sha2::Sha256);
    impl std::hash::Hasher for Sha {
        fn write(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }
        fn finish(&self) -> u64 {
            0
        }
    }
    let mut h = Sha(sha2::Sha256::new());
    (&t.label_currency, &t.recordings, &t.payees, &t.contracts).hash(&mut h);
    (&t.rulesets, &t.rates, period).hash(&mut h);
    crate::lower::hex(&h.0.finalize())
}

pub fn to_csv(t: &RateTable, out: &mut impl std::io::Write) -> std::io::Result<()> {
    out.write_all(
        b"isrc,recording,territory,channel,payee,contract,start,end,split,rate,share,fee\n",
    )?;
    let mut result = Ok(());
    let mut line: Vec<u8> = Vec::with_capacity(256);
    for_each_row(t, |row| {
        if result.is_err() {
            return;
        }
        line.clear();
        // Identifiers, codes, dates and numbers: nothing to quote.
        for (i, field) in [
            row.isrc,
            row.recording,
            row.territory,
            row.channel,
            row.payee,
            row.contract,
            row.start,
            row.end,
            row.split,
            row.rate,
            row.share,
            row.fee,
        ]
        .into_iter()
        .enumerate()
        {
            if i > 0 {
                line.push(b',');
            }
            line.extend_from_slice(field.as_bytes());
        }
        line.push(b'\n');
        result = out.write_all(&line);
    });
    result
}

/// One row of the rate table, as written.
#[derive(Debug, serde::Serialize)]
pub struct Row<'a> {
    pub isrc: &'a str,
    pub recording: &'a str,
    pub territory: &'a str,
    pub channel: &'static str,
    pub payee: &'a str,
    pub contract: &'a str,
    pub start: &'a str,
    pub end: &'a str,
    pub split: &'a str,
    pub rate: &'a str,
    pub share: &'a str,
    pub fee: &'a str,
}

/// What a rule set's rows say whatever the recording: from the channel on, fee aside.
struct Tail<'a> {
    channel: &'static str,
    payee: &'a str,
    contract: &'a str,
    start: String,
    end: String,
    split: String,
    rate: String,
    share: String,
}

/// The rows of rule set `rs`, by channel (those any contract of the rule names), term and
/// contract (a term without contracts gives one row without rate).
fn tails<'a>(t: &'a RateTable, rs: &RuleSet) -> Vec<Tail<'a>> {
    let mut out = Vec::new();
    for (k, ch) in Channel::ALL.iter().enumerate() {
        let named = rs.terms.iter().any(|term| {
            term.contracts.iter().any(|(_, ri)| {
                t.rates
                    .get(*ri as usize)
                    .is_some_and(|rates| rates[k].is_some())
            })
        });
        if !named {
            continue;
        }
        for term in &rs.terms {
            let payee = t.payees.get(term.payee as usize).map_or("", |p| &p.id);
            let split = term.split.exact_string();
            if term.contracts.is_empty() {
                out.push(Tail {
                    channel: ch.as_str(),
                    payee,
                    contract: "",
                    start: String::new(),
                    end: String::new(),
                    split: split.clone(),
                    rate: String::new(),
                    share: String::new(),
                });
            }
            for (ci, ri) in &term.contracts {
                let Some(c) = t.contracts.get(*ci as usize) else {
                    continue;
                };
                let rate = t
                    .rates
                    .get(*ri as usize)
                    .and_then(|rates| rates[k])
                    .unwrap_or(Ratio::ZERO);
                out.push(Tail {
                    channel: ch.as_str(),
                    payee,
                    contract: &c.id,
                    start: c.start.to_string(),
                    end: c.end.map(|e| e.to_string()).unwrap_or_default(),
                    split: split.clone(),
                    rate: rate.exact_string(),
                    share: term
                        .split
                        .checked_mul(rate)
                        .unwrap_or(Ratio::ZERO)
                        .exact_string(),
                });
            }
        }
    }
    out
}

/// Every row, in recording, territory (`*` last), channel, split order. Recordings share
/// rule sets, so each rule set's rows are worked out once.
pub fn for_each_row(t: &RateTable, mut f: impl FnMut(&Row<'_>)) {
    let mut memo: Vec<Option<Vec<Tail<'_>>>> = Vec::new();
    memo.resize_with(t.rulesets.len(), || None);
    for r in &t.recordings {
        let fee = r.fee.exact_string();
        // The compact form, as sales reports carry it (`GBNJR2500001`).
        let isrc: String = r.isrc.chars().filter(|c| *c != '-').collect();
        let mut sets: Vec<(&str, u32)> = r
            .special
            .iter()
            .map(|(code, rs)| (iso::territory_code(*code).unwrap_or("?"), *rs))
            .collect();
        if let Some(rest) = r.rest {
            sets.push(("*", rest));
        }
        for (territory, rs) in sets {
            let (Some(ruleset), Some(slot)) =
                (t.rulesets.get(rs as usize), memo.get_mut(rs as usize))
            else {
                continue;
            };
            for tail in slot.get_or_insert_with(|| tails(t, ruleset)).iter() {
                f(&Row {
                    isrc: &isrc,
                    recording: &r.id,
                    territory,
                    channel: tail.channel,
                    payee: tail.payee,
                    contract: tail.contract,
                    start: &tail.start,
                    end: &tail.end,
                    split: &tail.split,
                    rate: &tail.rate,
                    share: &tail.share,
                    fee: &fee,
                });
            }
        }
    }
}

/// `out/statements/<payee>.json`: what a payee's statement is computed from.
pub fn statement_config(t: &RateTable, payee: Ix, period: &str) -> String {
    let Some(p) = t.payees.get(payee as usize) else {
        return String::new();
    };
    let contracts: Vec<serde_json::Value> = t
        .contracts
        .iter()
        .filter(|c| c.payee == payee)
        .map(|c| {
            serde_json::json!({
                "id": c.id,
                "start": c.start.to_string(),
                "end": c.end.map(|e| e.to_string()),
                "recoupment_group": t.contracts.get(c.group as usize).map(|g| g.id.clone()),
                "advances": c.advances.iter().map(|(a, cur, d, note)| serde_json::json!({
                    "amount": a.to_string(), "currency": cur, "date": d.to_string(), "note": note,
                })).collect::<Vec<_>>(),
                "reserve": c.reserve.map(|(r, n)| serde_json::json!({"rate": r.exact_string(), "periods": n})),
            })
        })
        .collect();
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in t.contracts.iter().filter(|c| c.payee == payee) {
        if let Some(g) = t.contracts.get(c.group as usize) {
            groups.entry(g.id.clone()).or_default().push(c.id.clone());
        }
    }
    let v = serde_json::json!({
        "version": 1,
        "payee": p.id,
        "name": p.name,
        "currency": p.currency,
        "minimum_payout": p.minimum_payout.to_string(),
        "email": p.email,
        "statement_period": period,
        "contracts": contracts,
        "recoupment_groups": groups.into_values().collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::MemoryWorld;

    /// The key as first written: a substring search for each marker.
    fn title_artist_key_by_search(title: &str, artist: &str) -> String {
        let norm = |s: &str| -> String {
            let lower = s.to_lowercase();
            let cut = FEATURED_MARKERS
                .iter()
                .filter_map(|m| lower.find(m))
                .min()
                .unwrap_or(lower.len());
            lower[..cut]
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect()
        };
        format!("{}|{}", norm(title), norm(artist))
    }

    #[test]
    fn title_artist_key_cuts_at_the_first_featured_marker() {
        let titles = [
            "",
            "Night Bus",
            "Night Bus (feat. Ana)",
            "Night Bus feat. Ana ft. Bo",
            "Night Bus ft Bo (feat Ana)",
            "NIGHT BUS FEATURING ANA",
            "Night Bus (Ft. Ana) feat. Bo",
            "Craft Beer",
            "Defeat",
            "İstanbul Ft. Ana",
            "Ǆungla (feat Ana)",
            "Köln — Ümlaut ft.",
            " feat.",
            "(ft",
            "x (f",
            "Track 1 ft",
            "12 Bars featuring  Ana",
        ];
        for title in titles {
            for artist in ["Ana & Bo", "Ana feat. Bo", "", "BJÖRK ft. X"] {
                assert_eq!(
                    title_artist_key(title, artist),
                    title_artist_key_by_search(title, artist),
                    "{title:?} / {artist:?}"
                );
            }
        }
    }

    /// A label, a client, two payees with contracts, one release of two recordings.
    fn catalogue(release: &str, first: &str) -> Catalogue {
        let mut w = MemoryWorld::new()
            .file(
                "sleeve.toml",
                "[label]\nname = \"L\"\nparty-id = \"PADPIDA2099010101X\"\ncurrency = \"GBP\"\n\n[clients.c]\nname = \"C\"\ncopyright-owner = \"C Ltd\"\nfee = \"15%\"\npayee = \"p0\"\n",
            )
            .file(
                "dsps/d.toml",
                "name = \"D\"\nparty-id = \"PADPIDA2011072101T\"\n[transport]\ntype = \"folder\"\npath = \"out/d\"\n",
            )
            .file("releases/r.toml", release)
            .file("recordings/a.toml", first)
            .file(
                "recordings/b.toml",
                "isrc = \"ZZSLV2500002\"\ntitle = \"B\"\nartist = \"p0\"\nduration = \"3:00\"\nexplicit = false\n[splits.default]\np0 = \"100%\"\n",
            );
        for p in ["p0", "p1"] {
            w.insert(
                &format!("parties/{p}.toml"),
                format!("name = \"{p}\"\n[payee]\ncurrency = \"GBP\"\n"),
            );
            w.insert(
                &format!("contracts/{p}.toml"),
                format!("payee = \"{p}\"\nstart = 2024-01-01\n[rates.default]\nstream = \"50%\"\n[rates.US]\nstream = \"40%\"\n"),
            );
        }
        let checked = crate::check_catalogue(&w);
        assert!(
            !checked.diagnostics.has_errors(),
            "{:?}",
            checked.diagnostics
        );
        checked.catalogue
    }

    const RELEASE: &str = "upc = \"5060987600018\"\ntitle = \"R\"\ntype = \"album\"\nartist = \"p0\"\nrelease-date = 2025-01-10\ngenre = \"Pop\"\ntracks = [\"a\", \"b\"]\n";
    const FIRST: &str = "isrc = \"ZZSLV2500001\"\ntitle = \"A\"\nartist = \"p0\"\nduration = \"3:00\"\nexplicit = false\n[splits.default]\np0 = \"50%\"\np1 = \"50%\"\n";

    /// Everything `build` writes from the table.
    fn written(cat: &Catalogue) -> String {
        let t = compile(cat);
        let mut csv = Vec::new();
        to_csv(&t, &mut csv).expect("csv");
        let mut all = String::from_utf8(csv).expect("utf-8");
        for i in 0..t.payees.len() {
            all.push_str(&statement_config(&t, i as Ix, "quarterly"));
        }
        all
    }

    #[test]
    fn table_inputs_change_whenever_the_written_tables_do() {
        let base = catalogue(RELEASE, FIRST);
        let (inputs, tables) = (table_inputs(&base, None), written(&base));
        let edits: [(&str, String, String, bool); 7] = [
            (
                "release title",
                RELEASE.replace("\"R\"", "\"S\""),
                FIRST.into(),
                true,
            ),
            ("genre", RELEASE.replace("Pop", "Jazz"), FIRST.into(), true),
            (
                "recording title",
                RELEASE.into(),
                FIRST.replace("\"A\"", "\"Z\""),
                true,
            ),
            (
                "split",
                RELEASE.into(),
                FIRST.replace("50%\"\np1 = \"50%", "60%\"\np1 = \"40%"),
                false,
            ),
            (
                "territory split",
                RELEASE.into(),
                format!("{FIRST}[splits.US]\np1 = \"100%\"\n"),
                false,
            ),
            (
                "track order",
                RELEASE.replace("[\"a\", \"b\"]", "[\"b\", \"a\"]"),
                FIRST.into(),
                false,
            ),
            (
                "owner",
                RELEASE.replace("genre", "client = \"c\"\ngenre"),
                FIRST.into(),
                false,
            ),
        ];
        for (what, release, first, same) in edits {
            let edited = catalogue(&release, &first);
            let same_inputs = table_inputs(&edited, None) == inputs;
            // Sound: equal inputs, equal tables.
            assert!(!same_inputs || written(&edited) == tables, "{what}");
            assert_eq!(same_inputs, same, "{what}");
        }
    }
}
