//! E0316 missing-asset.

use super::Scope;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{Asset, Catalogue};
use crate::world::{EntryKind, World};

pub fn check(cat: &Catalogue, world: &dyn World, scope: Scope, diags: &mut Diagnostics) {
    let assets = scope
        .releases(cat)
        .filter_map(|r| r.artwork.as_ref().map(|a| (a, "artwork")))
        .chain(
            scope
                .recordings(cat)
                .filter_map(|r| r.audio.as_ref().map(|a| (a, "audio file"))),
        );
    // A file many entities use (one cover for a series) is looked at once.
    let mut kinds: rustc_hash::FxHashMap<&str, Option<EntryKind>> = Default::default();
    for (asset, what) in assets {
        let kind = *kinds
            .entry(asset.path.as_str())
            .or_insert_with(|| world.kind(&asset.path));
        check_one(asset, what, kind, diags);
    }
}

fn check_one(asset: &Asset, what: &str, kind: Option<EntryKind>, diags: &mut Diagnostics) {
    match kind {
        Some(EntryKind::File) => {}
        found => {
            let problem = match found {
                Some(EntryKind::Dir) => "is a folder, not a file",
                _ => "does not exist",
            };
            diags.push(
                Diagnostic::new(
                    codes::MISSING_ASSET,
                    asset.written.span,
                    format!("{what} `{}` {problem}", asset.path),
                )
                .label("not found")
                .help("correct the path (it is relative to this file), or add the file"),
            );
        }
    }
}
