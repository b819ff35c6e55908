//! E0302 split-shares-not-100, E0319 overlapping-split-rules, E0326 split-missing-territory.

use super::{Links, Scope, list_codes};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::iso::TerritorySet;
use crate::model::ratio::Ratio;
use crate::model::{Catalogue, Scope as SplitScope};

/// Territories where a recording is offered, by any deal of any release listing it; `None`
/// when no release lists it.
fn offered(cat: &Catalogue, links: &Links, rec: &str) -> Option<TerritorySet> {
    let releases = links.releases_of(rec);
    if releases.is_empty() {
        return None;
    }
    let deals = releases
        .iter()
        .filter_map(|r| cat.releases.get(r))
        .flat_map(|r| &r.deals);
    Some(deals.fold(TerritorySet::new(), |acc, d| acc.union(d.territories.set)))
}

pub fn check(cat: &Catalogue, links: &Links, scope: Scope, diags: &mut Diagnostics) {
    for rec in scope.recordings(cat) {
        for rule in rec.splits.iter().filter(|r| r.complete) {
            let mut sum = Some(Ratio::ZERO);
            for (_, share) in &rule.shares {
                sum = sum.and_then(|s| s.checked_add(share.value));
            }
            let Some(sum) = sum else {
                diags.push(
                    Diagnostic::new(
                        codes::SPLIT_SHARES_NOT_100,
                        rule.key.span,
                        "the shares of this rule are too fine to add up exactly",
                    )
                    .label("cannot be summed")
                    .help("write the shares as percentages with few decimals, or as simple fractions such as `\"1/3\"`"),
                );
                continue;
            };
            if sum != Ratio::ONE {
                let where_ = match &rule.scope {
                    SplitScope::Default => "the `default` split".to_string(),
                    SplitScope::Territory(_) => format!("the split for `{}`", rule.key.value),
                    SplitScope::Group(..) => format!("the split for group `{}`", rule.key.value),
                };
                let diff = if sum < Ratio::ONE {
                    Ratio::ONE.checked_sub(sum).map(|d| {
                        format!(
                            "give the remaining `{}` to a payee, so the shares add up to `100%`",
                            d.percent_string(4)
                        )
                    })
                } else {
                    sum.checked_sub(Ratio::ONE).map(|d| {
                        format!(
                            "reduce the shares by `{}` in total, so they add up to `100%`",
                            d.percent_string(4)
                        )
                    })
                };
                diags.push(
                    Diagnostic::new(
                        codes::SPLIT_SHARES_NOT_100,
                        rule.key.span,
                        format!(
                            "shares of {where_} add up to `{}`, not `100%`",
                            sum.percent_string(4)
                        ),
                    )
                    .label(format!("adds up to {}", sum.percent_string(4)))
                    .help_opt(diff),
                );
            }
        }

        // Two group rules covering the same territory, with no territory rule to decide.
        let explicit: TerritorySet = rec
            .splits
            .iter()
            .filter_map(|r| match r.scope {
                SplitScope::Territory(i) => Some(i),
                _ => None,
            })
            .collect();
        let groups: Vec<_> = rec
            .splits
            .iter()
            .filter(|r| matches!(r.scope, SplitScope::Group(..)))
            .collect();
        for (i, b) in groups.iter().enumerate() {
            for a in &groups[..i] {
                let common = a
                    .scope
                    .territories()
                    .intersection(b.scope.territories())
                    .difference(explicit);
                if !common.is_empty() {
                    diags.push(
                        Diagnostic::new(
                            codes::OVERLAPPING_SPLIT_RULES,
                            b.key.span,
                            format!(
                                "split rules `{}` and `{}` both cover {}",
                                a.key.value,
                                b.key.value,
                                list_codes(common, 5)
                            ),
                        )
                        .label("overlaps another group rule")
                        .secondary(a.key.span, "this rule covers the same territories")
                        .help(
                            "add a rule for each territory in common, or make the groups disjoint",
                        ),
                    );
                }
            }
        }

        // Territories where the recording is offered but no rule applies.
        if !rec.splits.iter().any(|r| r.scope == SplitScope::Default)
            && let Some(set) = offered(cat, links, &rec.id.value)
        {
            let covered = rec.splits.iter().fold(TerritorySet::new(), |acc, r| {
                acc.union(r.scope.territories())
            });
            let missing = set.difference(covered);
            if !missing.is_empty() {
                let span = rec.splits.first().map_or(rec.isrc.span, |r| r.key.span);
                diags.push(
                    Diagnostic::new(
                        codes::SPLIT_MISSING_TERRITORY,
                        span,
                        format!(
                            "no split rule covers {}, where the recording is offered",
                            list_codes(missing, 5)
                        ),
                    )
                    .label("splits start here")
                    .help("add a `default` rule to `[splits]`, or rules for these territories"),
                );
            }
        }
    }
}
