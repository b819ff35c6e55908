//! E0321 overlapping-contracts, W0322 no-contract, W0330 no-contract-in-force.

use super::deals::dates_overlap;
use super::{Links, Scope};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{Catalogue, Contract};
use std::collections::{BTreeMap, BTreeSet, HashMap};

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

    // Split payees without a contract covering the recording (W0322), or whose contracts
    // covering it leave days it is offered on uncovered (W0330). A blanket contract covers
    // everything its payee shares in; explicit ones are looked up.
    let mut names: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for rec in scope.recordings(cat) {
        let mut judged: Vec<&str> = Vec::new();
        let mut offered: Option<Vec<Offer<'_>>> = None;
        for rule in &rec.splits {
            for (payee, _) in &rule.shares {
                let p = payee.value.as_str();
                if judged.contains(&p) || cat.parties.get(p).is_none_or(|x| x.payee.is_none()) {
                    continue;
                }
                judged.push(p);
                let mut covering: Vec<&Contract> = Vec::new();
                for c in by_payee.get(p).into_iter().flatten() {
                    if is_blanket(c)
                        || names
                            .entry(c.id.value.as_str())
                            .or_insert_with(|| named(cat, c))
                            .contains(rec.id.value.as_str())
                    {
                        covering.push(c);
                    }
                }
                if covering.is_empty() {
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
                    continue;
                }
                // A contract ending before it starts is an error of its own (E0323).
                if covering
                    .iter()
                    .any(|c| c.end.as_ref().is_some_and(|e| e.value < c.start.value))
                {
                    continue;
                }
                let offered = offered.get_or_insert_with(|| offers(cat, links, &rec.id.value));
                if let Some(gap) = first_gap(offered, &covering) {
                    diags.push(no_contract_in_force(p, payee.span, &rec.id.value, &gap));
                }
            }
        }
    }
}

/// Days a recording is offered on: one deal of a release listing it (pre-orders included),
/// as day numbers, the last one inclusive (`i64::MAX`: no end).
struct Offer<'a> {
    days: (i64, i64),
    release: &'a str,
}

fn offers<'a>(cat: &'a Catalogue, links: &Links, rec: &str) -> Vec<Offer<'a>> {
    let mut out = Vec::new();
    for id in links.releases_of(rec) {
        let Some((id, rel)) = cat.releases.get_key_value(id) else {
            continue;
        };
        for deal in &rel.deals {
            let (start, end) = super::deals::range(deal);
            out.push(Offer {
                days: (start.days(), end.map_or(i64::MAX, |e| e.days())),
                release: id,
            });
        }
    }
    out.sort_by_key(|o| o.days);
    out
}

/// Offered days no covering contract is in force on: the first run of them.
struct Gap<'a> {
    from: i64,
    /// Inclusive; `i64::MAX`: on, without end.
    to: i64,
    release: &'a str,
    /// The covering contract starting the day after the gap, or else one ending the day before.
    next: Option<&'a Contract>,
    previous: Option<&'a Contract>,
}

/// The earliest offered day no contract in `covering` is in force on, and how far the gap runs.
fn first_gap<'a>(offered: &[Offer<'a>], covering: &[&'a Contract]) -> Option<Gap<'a>> {
    let mut terms: Vec<(i64, i64)> = covering
        .iter()
        .map(|c| {
            let end = c.end.as_ref().map_or(i64::MAX, |e| e.value.days());
            (c.start.value.days(), end)
        })
        .collect();
    terms.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(terms.len());
    for (s, e) in terms {
        match merged.last_mut() {
            Some(last) if s <= last.1.saturating_add(1) => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    // Offers are sorted by their first day: the first one with a gap has the earliest gap,
    // unless a later offer starts before this one's gap does.
    let mut best: Option<(i64, i64, &str)> = None;
    for o in offered {
        let (s, e) = o.days;
        if best.is_some_and(|(from, _, _)| from <= s) {
            break;
        }
        let mut day = s;
        let mut gap = None;
        for &(ts, te) in &merged {
            if te < day {
                continue;
            }
            if ts > day {
                gap = Some((day, e.min(ts - 1)));
                break;
            }
            if te >= e {
                day = i64::MAX;
                break;
            }
            day = te + 1;
        }
        let gap = gap.or((day <= e && day != i64::MAX).then_some((day, e)));
        if let Some((from, to)) = gap
            && best.is_none_or(|(b, _, _)| from < b)
        {
            best = Some((from, to, o.release));
        }
    }
    let (from, to, release) = best?;
    let starts = |c: &&Contract| to != i64::MAX && c.start.value.days() == to + 1;
    let ends = |c: &&Contract| c.end.as_ref().is_some_and(|e| e.value.days() == from - 1);
    Some(Gap {
        from,
        to,
        release,
        next: covering.iter().copied().find(|c| starts(c)),
        previous: covering.iter().copied().find(|c| ends(c)),
    })
}

fn no_contract_in_force(
    payee: &str,
    span: crate::source::Span,
    rec: &str,
    gap: &Gap<'_>,
) -> Diagnostic {
    let day = crate::model::date::Date::from_days;
    let when = if gap.to == i64::MAX {
        format!("from {} on", day(gap.from))
    } else if gap.to == gap.from {
        format!("on {}", day(gap.from))
    } else {
        format!("from {} to {}", day(gap.from), day(gap.to))
    };
    let mut d = Diagnostic::new(
        codes::NO_CONTRACT_IN_FORCE,
        span,
        format!(
            "payee `{payee}` has no contract in force for `{rec}` {when}, while release `{}` offers it; sales on those days would go to suspense",
            gap.release
        ),
    )
    .label("no contract in force");
    if let Some(c) = gap.next {
        d = d.secondary(c.start.span, "the contract starts here");
    } else if let Some(e) = gap.previous.and_then(|c| c.end.as_ref()) {
        d = d.secondary(e.span, "the contract ends here");
    }
    d.help(if gap.to == i64::MAX {
        "extend the contract's `end` (or add a contract from then on), or end the deals when the contract ends"
    } else {
        "move the contract's `start` or `end` to cover these days, or add a contract for them"
    })
}

#[cfg(test)]
mod tests {
    use crate::diag::codes;
    use crate::world::{MemoryWorld, World as _};

    /// The W0330 messages about `paper-boats` (Juno Okafor's EP, released 2024-09-20), with
    /// the secondary label's text.
    fn gaps(world: &MemoryWorld) -> Vec<String> {
        crate::check_catalogue(world)
            .diagnostics
            .sorted()
            .into_iter()
            .filter(|d| d.code == codes::NO_CONTRACT_IN_FORCE)
            .filter(|d| d.message.contains("for `paper-boats` "))
            .map(|d| {
                let note = d.secondary.first().map_or("", |l| l.text.as_str());
                format!("{} [{note}]", d.message)
            })
            .collect()
    }

    #[test]
    #[allow(clippy::unwrap_used)]
    fn contract_terms_against_offered_days() {
        let mut world = MemoryWorld::example();
        assert_eq!(gaps(&world), Vec::<String>::new());
        let path = "contracts/juno-okafor-2024.toml";
        let text = String::from_utf8(world.read(path).unwrap()).unwrap();
        let term = |t: &str| text.replace("start = 2024-03-01", t);
        let offers =
            "while release `paper-boats` offers it; sales on those days would go to suspense";

        world.insert(path, term("start = 2024-03-01\nend = 2025-06-30"));
        assert_eq!(
            gaps(&world),
            [format!(
                "payee `juno-okafor` has no contract in force for `paper-boats` from 2025-07-01 on, {offers} [the contract ends here]"
            )]
        );
        // A contract from the next day on: the terms meet, nothing is left uncovered.
        let next = "contracts/juno-okafor-2025.toml";
        world.insert(
            next,
            "payee = \"juno-okafor\"\nstart = 2025-07-01\n\n[rates.default]\nstream = \"50%\"\n",
        );
        assert_eq!(gaps(&world), Vec::<String>::new());
        // One day missing between them.
        world.insert(path, term("start = 2024-03-01\nend = 2025-06-29"));
        assert_eq!(
            gaps(&world),
            [format!(
                "payee `juno-okafor` has no contract in force for `paper-boats` on 2025-06-30, {offers} [the contract starts here]"
            )]
        );
        // Signed after the release: the days before the start.
        world.remove(next);
        world.insert(path, term("start = 2024-10-01"));
        assert_eq!(
            gaps(&world),
            [format!(
                "payee `juno-okafor` has no contract in force for `paper-boats` from 2024-09-20 to 2024-09-30, {offers} [the contract starts here]"
            )]
        );
        // Deals that end with the contract leave no gap.
        let release = "releases/paper-boats.toml";
        let rel = String::from_utf8(world.read(release).unwrap()).unwrap();
        world.insert(path, term("start = 2024-09-20\nend = 2025-06-30"));
        world.insert(
            release,
            rel.replace("[[deal]]\n", "[[deal]]\nend = 2025-06-30\n"),
        );
        assert_eq!(gaps(&world), Vec::<String>::new());
    }
}
