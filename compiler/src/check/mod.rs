//! Check: rules over the resolved catalogue. Each file holds one family of rules; each rule
//! pushes diagnostics and never stops the others.

mod assets;
mod contracts;
mod dates;
mod deals;
mod parties;
mod quality;
mod splits;
mod tracklist;

use crate::diag::Diagnostics;
use crate::lower::MediaTable;
use crate::model::Catalogue;
use crate::world::World;

/// Run every rule. `world` is asked whether asset files exist and for their bytes (media
/// rules); what the media rules learnt is returned for `build`.
pub fn check(cat: &Catalogue, world: &dyn World, diags: &mut Diagnostics) -> MediaTable {
    // Rule families are independent: two groups run side by side, each into its own sink.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| {
            let mut d = Diagnostics::default();
            splits::check(cat, &mut d);
            contracts::check(cat, &mut d);
            d
        });
        let mut b = Diagnostics::default();
        dates::check(cat, &mut b);
        tracklist::check(cat, &mut b);
        deals::check(cat, &mut b);
        assets::check(cat, world, &mut b);
        (a.join(), b)
    });
    match a {
        Ok(a) => diags.extend(a),
        Err(panic) => std::panic::resume_unwind(panic),
    }
    diags.extend(b);
    let media = quality::check(cat, world, diags);
    // Last: it only runs when nothing else is wrong.
    parties::check(cat, diags);
    media
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
