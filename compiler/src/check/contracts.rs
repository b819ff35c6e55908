//! E0321 overlapping-contracts, W0322 no-contract.

use super::deals::dates_overlap;
use super::{Links, Scope};
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

pub fn check(cat: &Catalogue, links: &Links, scope: Scope, diags: &mut Diagnostics) {
    let mut by_payee: BTreeMap<&str, Vec<&Contract>> = BTreeMap::new();
    for c in cat.contracts.values() {
        by_payee.entry(c.payee.value.as_str()).or_default().push(c);
    }

    // Overlaps: only payees with two or more contracts need their coverage computed. A
    // diagnostic points at the later contract of a pair, so a pair is judged when that one is
    // in scope.
    let empty = BTreeSet::new();
    let judged = by_payee
        .iter()
        .filter(|(_, l)| l.len() > 1 && l.iter().any(|c| scope.has(c.file)));
    for (payee, list) in judged {
        let covered: Vec<BTreeSet<&str>> = list
            .iter()
            .map(|c| {
                if is_blanket(c) {
                    links
                        .recordings_paying(payee)
                        .unwrap_or(&empty)
                        .iter()
                        .map(String::as_str)
                        .collect()
                } else {
                    named(cat, c)
                }
            })
            .collect();
        for (i, b) in list.iter().enumerate().filter(|(_, b)| scope.has(b.file)) {
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
    // What each payee's explicit contracts name, computed for the payees met.
    let mut explicit: HashMap<&str, HashSet<&str>> = HashMap::new();
    for rec in scope.recordings(cat) {
        let mut warned: Vec<&str> = Vec::new();
        for rule in &rec.splits {
            for (payee, _) in &rule.shares {
                let p = payee.value.as_str();
                if blanket.contains(p) || warned.contains(&p) {
                    continue;
                }
                let named_by = explicit.entry(p).or_insert_with(|| {
                    by_payee
                        .get(p)
                        .into_iter()
                        .flatten()
                        .filter(|c| !is_blanket(c))
                        .flat_map(|c| named(cat, c))
                        .collect()
                });
                if named_by.contains(rec.id.value.as_str()) {
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
