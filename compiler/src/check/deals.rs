//! E0315 conflicting-deals, E0317 deal-outside-rights.

use super::{Scope, list_codes};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::date::Date;
use crate::model::{Catalogue, Deal};

/// Whether two inclusive date ranges (open end = forever) overlap.
pub(crate) fn dates_overlap(a: (Date, Option<Date>), b: (Date, Option<Date>)) -> bool {
    let a_before_b = a.1.is_some_and(|end| end < b.0);
    let b_before_a = b.1.is_some_and(|end| end < a.0);
    !(a_before_b || b_before_a)
}

/// When a deal is live, its pre-order window included (pay-as-you-go pre-orders are sent
/// as their own deal, from `pre-order` to the day before `start`).
fn range(d: &Deal) -> (Date, Option<Date>) {
    let start = d
        .pre_order
        .as_ref()
        .filter(|p| p.value < d.start.value)
        .map_or(d.start.value, |p| p.value);
    (start, d.end.as_ref().map(|e| e.value))
}

pub fn check(cat: &Catalogue, scope: Scope, diags: &mut Diagnostics) {
    for rel in scope.releases(cat) {
        // Conflicting deals: same DSP, territory, model and use on overlapping dates.
        for (i, b) in rel.deals.iter().enumerate() {
            for a in &rel.deals[..i] {
                if !dates_overlap(range(a), range(b)) {
                    continue;
                }
                let common_t = a.territories.set.intersection(b.territories.set);
                if common_t.is_empty() {
                    continue;
                }
                let dsps: Vec<&str> = b
                    .dsps
                    .iter()
                    .filter(|d| a.dsps.iter().any(|x| x.value == d.value))
                    .map(|d| d.value.as_str())
                    .collect();
                let models: Vec<&str> = b
                    .models
                    .iter()
                    .filter(|m| a.models.iter().any(|x| x.value == m.value))
                    .map(|m| m.value.as_str())
                    .collect();
                let uses_overlap = b.uses.iter().any(|u| a.uses.contains(u));
                if dsps.is_empty() || models.is_empty() || !uses_overlap {
                    continue;
                }
                diags.push(
                    Diagnostic::new(
                        codes::CONFLICTING_DEALS,
                        b.span,
                        format!(
                            "this deal and an earlier one both offer `{}` on `{}` in {} on overlapping dates",
                            models.join("`, `"),
                            dsps.join("`, `"),
                            list_codes(common_t, 5)
                        ),
                    )
                    .label("overlaps an earlier deal")
                    .secondary(a.span, "earlier deal")
                    .help("narrow one deal's territories or dates, or merge the two deals"),
                );
            }
        }

        // Deals inside the master rights of every track.
        for deal in &rel.deals {
            for (_, _, t) in rel.tracks() {
                let Some(rec) = cat.recordings.get(&t.value) else {
                    continue;
                };
                let Some(rights) = &rec.rights else { continue };
                let outside = deal.territories.set.difference(rights.territories.set);
                if !outside.is_empty() {
                    diags.push(
                        Diagnostic::new(
                            codes::DEAL_OUTSIDE_RIGHTS,
                            deal.territories.span,
                            format!(
                                "the deal offers `{}` in {}, outside the label's rights in the recording",
                                rec.id.value,
                                list_codes(outside, 5)
                            ),
                        )
                        .label("outside the rights")
                        .help("narrow the deal with `except`, or widen the recording's `[rights]` if the licence allows"),
                    );
                }
                let starts_early = rights.start.as_ref().filter(|s| range(deal).0 < s.value);
                let ends_late = rights
                    .end
                    .as_ref()
                    .filter(|e| deal.end.as_ref().is_none_or(|de| de.value > e.value));
                if let Some(s) = starts_early {
                    diags.push(
                        Diagnostic::new(
                            codes::DEAL_OUTSIDE_RIGHTS,
                            deal.start.span,
                            format!(
                                "the deal (with its pre-order) starts on {} but the rights in `{}` start on {}",
                                range(deal).0, rec.id.value, s.value
                            ),
                        )
                        .label("before the rights start")
                        .help(format!("start the deal on or after {}", s.value)),
                    );
                }
                if let Some(e) = ends_late {
                    diags.push(
                        Diagnostic::new(
                            codes::DEAL_OUTSIDE_RIGHTS,
                            deal.end.as_ref().map_or(deal.span, |d| d.span),
                            format!(
                                "the deal runs past {}, when the rights in `{}` end",
                                e.value, rec.id.value
                            ),
                        )
                        .label("after the rights end")
                        .help(format!("set the deal's `end` to {} or earlier", e.value)),
                    );
                }
            }
        }
    }
}
