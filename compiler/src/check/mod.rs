//! Check: rules over the resolved catalogue. Each file holds one family of rules; each rule
//! pushes diagnostics and never stops the others.

mod assets;
mod contracts;
mod dates;
mod deals;
mod parties;
mod splits;
mod tracklist;

use crate::diag::Diagnostics;
use crate::model::Catalogue;
use crate::world::World;

/// Run every rule. `world` is asked only whether asset files exist.
pub fn check(cat: &Catalogue, world: &dyn World, diags: &mut Diagnostics) {
    splits::check(cat, diags);
    dates::check(cat, diags);
    tracklist::check(cat, diags);
    deals::check(cat, diags);
    assets::check(cat, world, diags);
    contracts::check(cat, diags);
    parties::check(cat, diags);
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
