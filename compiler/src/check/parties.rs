//! W0213 unused-party.

use super::Links;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::Catalogue;

/// `errors`: whether anything else is wrong.
pub fn check(cat: &Catalogue, links: &Links, errors: bool, diags: &mut Diagnostics) {
    // A tidy-up warning: only judged once everything else resolves, since an entity that
    // failed to load may be what uses the party.
    if cat.incomplete || errors {
        return;
    }
    for p in cat.parties.values() {
        if !links.is_used(&p.id.value) {
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
