//! W0213 unused-party.

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::Catalogue;
use std::collections::HashSet;

pub fn check(cat: &Catalogue, diags: &mut Diagnostics) {
    // A tidy-up warning: only judged once everything else resolves, since an entity that
    // failed to load may be what uses the party.
    if cat.incomplete || diags.has_errors() {
        return;
    }
    let mut used: HashSet<&str> = HashSet::new();
    for r in cat.recordings.values() {
        used.extend(r.artists.iter().map(|a| a.value.as_str()));
        used.extend(r.featuring.iter().map(|a| a.value.as_str()));
        used.extend(r.credits.iter().map(|c| c.party.value.as_str()));
        for rule in &r.splits {
            used.extend(rule.shares.iter().map(|(p, _)| p.value.as_str()));
        }
    }
    for r in cat.releases.values() {
        used.extend(r.artists.iter().map(|a| a.value.as_str()));
    }
    used.extend(cat.contracts.values().map(|c| c.payee.value.as_str()));
    used.extend(cat.clients.values().map(|c| c.payee.as_str()));
    for p in cat.parties.values() {
        if !used.contains(p.id.value.as_str()) {
            diags.push(
                Diagnostic::new(
                    codes::UNUSED_PARTY,
                    p.id.span,
                    format!("party `{}` is not referenced anywhere", p.id.value),
                )
                .help("reference the party from a recording, release, split or contract, or delete the file"),
            );
        }
    }
}
