//! E0321 overlapping-contracts, W0322 no-contract.

use super::deals::dates_overlap;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{Catalogue, Contract};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Payee → the recordings whose splits name it.
pub fn split_payees(cat: &Catalogue) -> HashMap<&str, BTreeSet<&str>> {
    let mut out: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for r in cat.recordings.values() {
        for rule in &r.splits {
            for (p, _) in &rule.shares {
                out.entry(p.value.as_str())
                    .or_default()
                    .insert(r.id.value.as_str());
            }
        }
    }
    out
}

/// The recordings a contract covers. `by_payee` is [`split_payees`].
pub fn covered<'a>(
    cat: &'a Catalogue,
    c: &'a Contract,
    by_payee: &HashMap<&str, BTreeSet<&'a str>>,
) -> BTreeSet<&'a str> {
    if c.releases.is_empty() && c.recordings.is_empty() {
        return by_payee
            .get(c.payee.value.as_str())
            .cloned()
            .unwrap_or_default();
    }
    let mut out = BTreeSet::new();
    out.extend(c.recordings.iter().map(|r| r.value.as_str()));
    for rel in &c.releases {
        if let Some(rel) = cat.releases.get(&rel.value) {
            out.extend(rel.tracks().map(|(_, _, t)| t.value.as_str()));
        }
    }
    out
}

pub fn check(cat: &Catalogue, diags: &mut Diagnostics) {
    let split_index = split_payees(cat);
    let mut by_payee: BTreeMap<&str, Vec<(&Contract, BTreeSet<&str>)>> = BTreeMap::new();
    for c in cat.contracts.values() {
        by_payee
            .entry(c.payee.value.as_str())
            .or_default()
            .push((c, covered(cat, c, &split_index)));
    }
    for list in by_payee.values() {
        for (i, (b, bset)) in list.iter().enumerate() {
            for (a, aset) in &list[..i] {
                let range = |c: &Contract| (c.start.value, c.end.as_ref().map(|e| e.value));
                if !dates_overlap(range(a), range(b)) {
                    continue;
                }
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

    // Split payees without a contract covering the recording.
    for rec in cat.recordings.values() {
        let mut warned = BTreeSet::new();
        for rule in &rec.splits {
            for (payee, _) in &rule.shares {
                let is_payee = cat
                    .parties
                    .get(&payee.value)
                    .is_some_and(|p| p.payee.is_some());
                if !is_payee || warned.contains(payee.value.as_str()) {
                    continue;
                }
                let has = by_payee.get(payee.value.as_str()).is_some_and(|list| {
                    list.iter()
                        .any(|(_, set)| set.contains(rec.id.value.as_str()))
                });
                if !has {
                    warned.insert(payee.value.as_str());
                    diags.push(
                        Diagnostic::new(
                            codes::NO_CONTRACT,
                            payee.span,
                            format!(
                                "payee `{}` has no contract covering `{}`; its royalties would go to suspense",
                                payee.value, rec.id.value
                            ),
                        )
                        .label("no contract")
                        .help(format!(
                            "add a contract for `{}` covering this recording or its release",
                            payee.value
                        )),
                    );
                }
            }
        }
    }
}
