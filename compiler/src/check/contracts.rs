//! E0321 overlapping-contracts, W0322 no-contract.

use super::deals::dates_overlap;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{Catalogue, Contract};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Whether a contract covers every recording whose splits name its payee.
pub fn is_blanket(c: &Contract) -> bool {
    c.releases.is_empty() && c.recordings.is_empty()
}

/// The recordings a contract names explicitly (through `recordings` or `releases`).
pub fn named<'a>(cat: &'a Catalogue, c: &'a Contract) -> BTreeSet<&'a str> {
    let mut out: BTreeSet<&str> = c.recordings.iter().map(|r| r.value.as_str()).collect();
    for rel in &c.releases {
        if let Some(rel) = cat.releases.get(&rel.value) {
            out.extend(rel.tracks().map(|(_, _, t)| t.value.as_str()));
        }
    }
    out
}

/// Payee → the recordings whose splits name it.
fn split_recordings(cat: &Catalogue, payees: &HashSet<&str>) -> HashMap<String, BTreeSet<String>> {
    let mut out: HashMap<String, BTreeSet<String>> = HashMap::new();
    for r in cat.recordings.values() {
        for rule in &r.splits {
            for (p, _) in &rule.shares {
                if payees.contains(p.value.as_str()) {
                    out.entry(p.value.clone())
                        .or_default()
                        .insert(r.id.value.clone());
                }
            }
        }
    }
    out
}

pub fn check(cat: &Catalogue, diags: &mut Diagnostics) {
    let mut by_payee: BTreeMap<&str, Vec<&Contract>> = BTreeMap::new();
    for c in cat.contracts.values() {
        by_payee.entry(c.payee.value.as_str()).or_default().push(c);
    }

    // Overlaps: only payees with two or more contracts need their coverage computed.
    let multi: HashSet<&str> = by_payee
        .iter()
        .filter(|(_, l)| l.len() > 1)
        .map(|(p, _)| *p)
        .collect();
    let splits = split_recordings(cat, &multi);
    let empty = BTreeSet::new();
    for (payee, list) in by_payee.iter().filter(|(p, _)| multi.contains(*p)) {
        let covered: Vec<BTreeSet<&str>> = list
            .iter()
            .map(|c| {
                if is_blanket(c) {
                    splits
                        .get(*payee)
                        .unwrap_or(&empty)
                        .iter()
                        .map(String::as_str)
                        .collect()
                } else {
                    named(cat, c)
                }
            })
            .collect();
        for (i, b) in list.iter().enumerate() {
            for (j, a) in list[..i].iter().enumerate() {
                let range = |c: &Contract| (c.start.value, c.end.as_ref().map(|e| e.value));
                if !dates_overlap(range(a), range(b)) {
                    continue;
                }
                let (Some(aset), Some(bset)) = (covered.get(j), covered.get(i)) else {
                    continue;
                };
                if let Some(rec) = aset.intersection(bset).next() {
                    diags.push(
                        Diagnostic::new(
                            codes::OVERLAPPING_CONTRACTS,
                            b.start.span,
                            format!(
                                "contracts `{}` and `{}` of payee `{}` both cover `{rec}` on overlapping dates",
                                a.id.value, b.id.value, b.payee.value
                            ),
                        )
                        .label("term overlaps")
                        .secondary(a.start.span, "other contract's term")
                        .help("end one contract before the other starts, or narrow what each covers"),
                    );
                }
            }
        }
    }

    // Split payees without a contract covering the recording. A blanket contract covers
    // everything its payee shares in; explicit ones are looked up.
    let blanket: HashSet<&str> = cat
        .contracts
        .values()
        .filter(|c| is_blanket(c))
        .map(|c| c.payee.value.as_str())
        .collect();
    let mut explicit: HashMap<&str, HashSet<&str>> = HashMap::new();
    for c in cat.contracts.values().filter(|c| !is_blanket(c)) {
        explicit
            .entry(c.payee.value.as_str())
            .or_default()
            .extend(named(cat, c));
    }
    for rec in cat.recordings.values() {
        let mut warned: Vec<&str> = Vec::new();
        for rule in &rec.splits {
            for (payee, _) in &rule.shares {
                let p = payee.value.as_str();
                if blanket.contains(p) || warned.contains(&p) {
                    continue;
                }
                if explicit
                    .get(p)
                    .is_some_and(|set| set.contains(rec.id.value.as_str()))
                {
                    continue;
                }
                let is_payee = cat.parties.get(p).is_some_and(|x| x.payee.is_some());
                if !is_payee {
                    continue;
                }
                warned.push(p);
                diags.push(
                    Diagnostic::new(
                        codes::NO_CONTRACT,
                        payee.span,
                        format!(
                            "payee `{p}` has no contract covering `{}`; its royalties would go to suspense",
                            rec.id.value
                        ),
                    )
                    .label("no contract")
                    .help(format!(
                        "add a contract for `{p}` covering this recording or its release"
                    )),
                );
            }
        }
    }
}
