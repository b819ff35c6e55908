//! E0321 overlapping-contracts, W0322 no-contract, W0330 no-contract-in-force,
//! W0331 channel-not-paid.

use super::deals::dates_overlap;
use super::{Links, Scope};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::date::Date;
use crate::model::iso::TerritorySet;
use crate::model::{Catalogue, Channel, Contract, Recording};
use crate::syntax::release::CommercialModel;
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
    terms(cat, links, scope, diags);
    let recordings: Vec<&Recording> = scope.recordings(cat).collect();
    covering(cat, links, &recordings, diags);
}

/// Each payee's contracts, in catalogue order.
fn by_payee(cat: &Catalogue) -> BTreeMap<&str, Vec<&Contract>> {
    let mut by_payee: BTreeMap<&str, Vec<&Contract>> = BTreeMap::new();
    for c in cat.contracts.values() {
        by_payee.entry(c.payee.value.as_str()).or_default().push(c);
    }
    by_payee
}

/// What [`check`] judges on the contracts in `scope` (E0321, W0331).
pub fn terms(cat: &Catalogue, links: &Links, scope: Scope, diags: &mut Diagnostics) {
    let by_payee = by_payee(cat);

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

    for c in scope.contracts(cat) {
        channels_not_paid(cat, links, c, diags);
    }
}

/// What [`check`] judges on `recordings`: split payees without a contract covering the
/// recording (W0322), or whose contracts covering it leave months it is sold in uncovered
/// (W0330). A blanket contract covers everything its payee shares in; explicit ones are
/// looked up. Independent for each recording, so the recordings may be judged in parts.
pub fn covering(
    cat: &Catalogue,
    links: &Links,
    recordings: &[&Recording],
    diags: &mut Diagnostics,
) {
    let by_payee = by_payee(cat);
    let mut names: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for rec in recordings.iter().copied() {
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
                // Only the deals where a split rule naming the payee applies pay the payee.
                let paid = paid_territories(rec, p);
                let theirs: Vec<&Offer<'_>> = offered
                    .iter()
                    .filter(|o| !o.territories.intersection(paid).is_empty())
                    .collect();
                if let Some(gap) = first_gap(&theirs, &covering) {
                    diags.push(no_contract_in_force(p, payee.span, &rec.id.value, &gap));
                }
            }
        }
    }
}

/// W0331: the channels deals offer a recording through that contract `c` pays its payee
/// nothing for, in territories where the payee is paid, while `c` is in force. Judged on the
/// contract (once per channel, naming the first recording and release, by id).
fn channels_not_paid(cat: &Catalogue, links: &Links, c: &Contract, diags: &mut Diagnostics) {
    // Where the contract pays each channel deals can sell through: everywhere when the
    // default names it, else where a territory or group rule does.
    let paid_in = |ch: Channel| {
        c.rates
            .iter()
            .filter(|r| r.rates.contains_key(&ch))
            .fold(TerritorySet::new(), |set, r| {
                set.union(r.scope.territories())
            })
    };
    let unpaid: Vec<(Channel, TerritorySet)> = [Channel::Stream, Channel::Download]
        .into_iter()
        .map(|ch| (ch, paid_in(ch)))
        .filter(|(_, set)| *set != TerritorySet::all())
        .collect();
    if unpaid.is_empty() || c.rates.is_empty() {
        return;
    }
    let (first, last) = covered_months(c);
    if first > last {
        return;
    }
    let payee = c.payee.value.as_str();
    let mut recordings: Vec<&str> = if is_blanket(c) {
        links
            .recordings_paying(payee)
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect()
    } else {
        named(cat, c).into_iter().collect()
    };
    // Per channel: the territories left unpaid, the first (recording, release) and how many
    // recordings.
    struct Found<'a> {
        territories: TerritorySet,
        example: Option<(&'a str, &'a str)>,
        releases: BTreeSet<&'a str>,
        count: usize,
    }
    let mut found: Vec<Found<'_>> = unpaid
        .iter()
        .map(|_| Found {
            territories: TerritorySet::new(),
            example: None,
            releases: BTreeSet::new(),
            count: 0,
        })
        .collect();
    recordings.sort_unstable();
    for id in recordings {
        let Some(rec) = cat.recordings.get(id) else {
            continue;
        };
        let paid = paid_territories(rec, payee);
        if paid.is_empty() {
            continue;
        }
        let mut offers = offers(cat, links, id);
        offers.sort_by(|a, b| a.release.cmp(b.release));
        for ((ch, paid_ch), slot) in unpaid.iter().zip(found.iter_mut()) {
            let mut selling = false;
            for o in &offers {
                let sold = o
                    .channels
                    .iter()
                    .any(|(c2, (s, e))| c2 == ch && *s <= last && first <= *e);
                let missing = o.territories.intersection(paid).difference(*paid_ch);
                if !sold || missing.is_empty() {
                    continue;
                }
                slot.territories = slot.territories.union(missing);
                slot.releases.insert(o.release);
                slot.example.get_or_insert((id, o.release));
                selling = true;
            }
            slot.count += usize::from(selling);
        }
    }
    let at = c
        .rates
        .iter()
        .find(|r| r.key.value == "default")
        .or(c.rates.first())
        .map_or(c.payee.span, |r| r.key.span);
    for ((ch, _), f) in unpaid.iter().zip(found) {
        let Some((rec, release)) = f.example else {
            continue;
        };
        let ch = ch.as_str();
        let plural = |n: usize, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        let sold = if f.count == 1 && f.releases.len() == 1 {
            format!(
                "release `{release}` sells `{rec}` through {ch}s while the contract is in force"
            )
        } else {
            let verb = if f.releases.len() == 1 {
                "sells"
            } else {
                "sell"
            };
            format!(
                "{} {verb} {} it covers through {ch}s while the contract is in force (the first: `{rec}` on release `{release}`)",
                plural(f.releases.len(), "release", "releases"),
                plural(f.count, "recording", "recordings"),
            )
        };
        diags.push(
            Diagnostic::new(
                codes::CHANNEL_NOT_PAID,
                at,
                format!(
                    "contract `{}` gives payee `{payee}` no `{ch}` rate in {}, where {sold}; `{payee}` would earn nothing on those sales",
                    c.id.value,
                    super::list_codes(f.territories, 5)
                ),
            )
            .label(format!("no `{ch}` rate"))
            .help(format!(
                "add `{ch} = \"…%\"` to `[rates.default]` (or to a territory or group rule), or write `{ch} = \"0%\"` if `{payee}` is not paid for {ch}s"
            )),
        );
    }
}

/// The months a recording is sold in by one deal of a release listing it (a pay-as-you-go
/// pre-order included; free of charge left out), as month numbers ([`month`]), the last one
/// inclusive (`i64::MAX`: no end), and where.
struct Offer<'a> {
    months: (i64, i64),
    release: &'a str,
    territories: TerritorySet,
    /// The sales channels of its commercial models and use types, as the royalty run reads
    /// them from sales lines, each with its months (downloads start with a pre-order).
    channels: Vec<(Channel, (i64, i64))>,
}

/// Months, not days: the royalty run pays a sale under the contract in force on the first day
/// of the period it is reported for (a DSR's usage start, a CSV's month), so a month is
/// covered when a contract is in force on its first day.
fn month(d: Date) -> i64 {
    i64::from(d.year) * 12 + i64::from(d.month) - 1
}

fn month_text(m: i64) -> String {
    format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
}

/// The months whose first day a contract is in force on (empty when first > last).
fn covered_months(c: &Contract) -> (i64, i64) {
    let start = c.start.value;
    let first = month(start) + i64::from(start.day != 1);
    (first, c.end.as_ref().map_or(i64::MAX, |e| month(e.value)))
}

fn offers<'a>(cat: &'a Catalogue, links: &Links, rec: &str) -> Vec<Offer<'a>> {
    let mut out = Vec::new();
    for id in links.releases_of(rec) {
        let Some((id, rel)) = cat.releases.get_key_value(id) else {
            continue;
        };
        for deal in &rel.deals {
            let end = deal.end.as_ref().map(|e| e.value);
            // A deal ending before it starts is an error of its own (E0311).
            if end.is_some_and(|e| e < deal.start.value) {
                continue;
            }
            let last = end.map_or(i64::MAX, month);
            let mut channels: Vec<(Channel, (i64, i64))> = Vec::new();
            for m in &deal.models {
                // Free of charge earns nothing: no royalty to pay or to hold.
                if m.value == CommercialModel::FreeOfCharge {
                    continue;
                }
                // Only pay-as-you-go sells before the street date, as a pre-order.
                let start = deal.pre_order_of(m.value).unwrap_or(deal.start.value);
                for u in deal.uses_of(m.value) {
                    if let Some(ch) = crate::royalties::input::channel_of(m.value.ddex(), u.ddex())
                    {
                        channels.push((ch, (month(start), last)));
                    }
                }
            }
            channels.sort_unstable();
            channels.dedup_by(|a, b| {
                a.0 == b.0 && {
                    b.1.0 = b.1.0.min(a.1.0);
                    true
                }
            });
            let Some(first) = channels.iter().map(|(_, (s, _))| *s).min() else {
                continue;
            };
            out.push(Offer {
                months: (first, last),
                release: id,
                territories: deal.territories.set,
                channels,
            });
        }
    }
    out
}

/// The territories where a split rule naming `payee` is the rule in force
/// ([`crate::model::Recording::split_for`]: a territory rule, else a group rule, else the
/// default; the first of equals).
fn paid_territories(rec: &crate::model::Recording, payee: &str) -> TerritorySet {
    let mut paid = TerritorySet::new();
    for (i, rule) in rec.splits.iter().enumerate() {
        if !rule.shares.iter().any(|(p, _)| p.value == payee) {
            continue;
        }
        let before = rec.splits.iter().enumerate().filter(|(j, r)| {
            r.scope.rank() < rule.scope.rank() || (r.scope.rank() == rule.scope.rank() && *j < i)
        });
        let mut own = rule.scope.territories();
        for (_, r) in before {
            own = own.difference(r.scope.territories());
        }
        paid = paid.union(own);
    }
    paid
}

/// The first run of offered months no covering contract is in force on the first day of.
struct Gap<'a> {
    from: i64,
    /// Inclusive; `i64::MAX`: on, without end.
    to: i64,
    /// The release (first by id) offering the recording in month `from`.
    release: &'a str,
    /// The covering contract in force from the month after the gap, or else one in force
    /// until the month before.
    next: Option<&'a Contract>,
    previous: Option<&'a Contract>,
}

/// Merge month ranges that overlap or meet; `ranges` need not be sorted.
fn merged(mut ranges: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    ranges.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match out.last_mut() {
            Some(last) if s <= last.1.saturating_add(1) => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// The earliest offered month no contract in `covering` is in force on the first day of,
/// and how long the run of such months lasts across all offers.
fn first_gap<'a>(offered: &[&Offer<'a>], covering: &[&'a Contract]) -> Option<Gap<'a>> {
    let terms = merged(
        covering
            .iter()
            .map(|c| covered_months(c))
            .filter(|(s, e)| s <= e)
            .collect(),
    );
    let offers = merged(offered.iter().map(|o| o.months).collect());
    let mut gap = None;
    'offers: for (s, e) in offers {
        let mut m = s;
        for &(ts, te) in &terms {
            if te < m {
                continue;
            }
            if ts > m {
                gap = Some((m, e.min(ts - 1)));
                break 'offers;
            }
            if te >= e {
                continue 'offers;
            }
            m = te + 1;
        }
        gap = Some((m, e));
        break;
    }
    let (from, to) = gap?;
    let release = offered
        .iter()
        .filter(|o| o.months.0 <= from && from <= o.months.1)
        .map(|o| o.release)
        .min()?;
    let covered = |c: &&&Contract| {
        let (first, last) = covered_months(c);
        (first <= last).then_some((first, last))
    };
    Some(Gap {
        from,
        to,
        release,
        next: covering
            .iter()
            .find(|c| to != i64::MAX && covered(c).is_some_and(|(first, _)| first == to + 1))
            .copied(),
        previous: covering
            .iter()
            .find(|c| covered(c).is_some_and(|(_, last)| last == from - 1))
            .copied(),
    })
}

fn no_contract_in_force(
    payee: &str,
    span: crate::source::Span,
    rec: &str,
    gap: &Gap<'_>,
) -> Diagnostic {
    let when = if gap.to == i64::MAX {
        format!("from {} on", month_text(gap.from))
    } else if gap.to == gap.from {
        format!("in {}", month_text(gap.from))
    } else {
        format!("from {} to {}", month_text(gap.from), month_text(gap.to))
    };
    let mut d = Diagnostic::new(
        codes::NO_CONTRACT_IN_FORCE,
        span,
        format!(
            "payee `{payee}` has no contract in force for `{rec}` for sales {when}, while release `{}` offers it; they would go to suspense",
            gap.release
        ),
    )
    .label("no contract in force");
    if let Some(c) = gap.next {
        d = d.secondary(c.start.span, "the contract starts here");
    } else if let Some(e) = gap.previous.and_then(|c| c.end.as_ref()) {
        d = d.secondary(e.span, "the contract ends here");
    }
    d.note("a sale is paid under the contract in force on the first day of the month (or period) it is reported for")
        .help(if gap.to == i64::MAX {
            "extend the contract's `end` (or add a contract from then on), or end the deals when the contract ends"
        } else {
            "start the contract on the 1st of the first month named or earlier (or end it later), start the deals later, or add a contract for those months"
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
    fn contract_terms_against_offered_months() {
        let mut world = MemoryWorld::example();
        assert_eq!(gaps(&world), Vec::<String>::new());
        let path = "contracts/juno-okafor-2024.toml";
        let text = String::from_utf8(world.read(path).unwrap()).unwrap();
        let term = |t: &str| text.replace("start = 2024-03-01", t);
        let gap = |when: &str, note: &str| {
            format!(
                "payee `juno-okafor` has no contract in force for `paper-boats` for sales {when}, while release `paper-boats` offers it; they would go to suspense [{note}]"
            )
        };

        world.insert(path, term("start = 2024-03-01\nend = 2025-06-30"));
        assert_eq!(
            gaps(&world),
            [gap("from 2025-07 on", "the contract ends here")]
        );
        // A contract from the next day on: the terms meet, nothing is left uncovered.
        let next = "contracts/juno-okafor-2025.toml";
        world.insert(
            next,
            "payee = \"juno-okafor\"\nstart = 2025-07-01\n\n[rates.default]\nstream = \"50%\"\n",
        );
        assert_eq!(gaps(&world), Vec::<String>::new());
        // Sales are matched on the first day of their month: June is paid under the first
        // contract even if it ends on the 29th ...
        world.insert(path, term("start = 2024-03-01\nend = 2025-06-29"));
        assert_eq!(gaps(&world), Vec::<String>::new());
        // ... but not if it ends in May.
        world.insert(path, term("start = 2024-03-01\nend = 2025-05-31"));
        assert_eq!(
            gaps(&world),
            [gap("in 2025-06", "the contract starts here")]
        );
        // Signed after the release (2024-09-20), or on a day of its month after the 1st.
        world.remove(next);
        world.insert(path, term("start = 2024-11-01"));
        assert_eq!(
            gaps(&world),
            [gap("from 2024-09 to 2024-10", "the contract starts here")]
        );
        world.insert(path, term("start = 2024-09-20"));
        assert_eq!(
            gaps(&world),
            [gap("in 2024-09", "the contract starts here")]
        );
        // Deals that end with the contract leave no gap.
        let release = "releases/paper-boats.toml";
        let rel = String::from_utf8(world.read(release).unwrap()).unwrap();
        world.insert(path, term("start = 2024-09-01\nend = 2025-06-30"));
        world.insert(
            release,
            rel.replace("[[deal]]\n", "[[deal]]\nend = 2025-06-30\n"),
        );
        assert_eq!(gaps(&world), Vec::<String>::new());
        // One of two releases still offers it: the gap runs on with the open deal.
        world.insert(
            "releases/paper-boats-again.toml",
            "upc = \"5060987600049\"\ntitle = \"Paper Boats (Again)\"\ntype = \"single\"\nartist = \"juno-okafor\"\n\
             release-date = 2024-09-20\ngenre = \"Singer/Songwriter\"\np-line = \"2024 Nightjar Records Ltd\"\n\
             c-line = \"2024 Nightjar Records Ltd\"\ntracks = [\"paper-boats\"]\n\n[[deal]]\ndsps = \"all\"\n\
             territories = \"Worldwide\"\nmodels = [\"subscription\"]\nend = 2025-09-30\n\n[[deal]]\ndsps = \"all\"\n\
             territories = [\"GB\"]\nmodels = [\"subscription\"]\nstart = 2025-10-01\n",
        );
        let again = |when: &str| {
            gap(when, "the contract ends here")
                .replace("release `paper-boats`", "release `paper-boats-again`")
        };
        assert_eq!(gaps(&world), [again("from 2025-07 on")]);
        // A payee paid only where no deal offers it is not judged there: here only in JP.
        let rec = "recordings/paper-boats.toml";
        let recording = String::from_utf8(world.read(rec).unwrap()).unwrap();
        world.insert(
            rec,
            recording.replace(
                "[splits.default]\njuno-okafor = \"90%\"\nowen-marsh = \"10%\"",
                "[splits.default]\nowen-marsh = \"100%\"\n\n[splits.GB]\njuno-okafor = \"100%\"",
            ),
        );
        assert_eq!(gaps(&world), [again("from 2025-07 on")]);
        world.insert(
            rec,
            recording.replace(
                "[splits.default]\njuno-okafor = \"90%\"\nowen-marsh = \"10%\"",
                "[splits.default]\nowen-marsh = \"100%\"\n\n[splits.JP]\njuno-okafor = \"100%\"",
            ),
        );
        assert_eq!(gaps(&world), [again("from 2025-07 to 2025-09")]);
    }

    /// The W0331 messages, and any error (none is expected).
    fn not_paid(world: &MemoryWorld) -> Vec<String> {
        crate::check_catalogue(world)
            .diagnostics
            .sorted()
            .into_iter()
            .filter(|d| d.code == codes::CHANNEL_NOT_PAID || d.is_error())
            .map(|d| d.message)
            .collect()
    }

    #[test]
    #[allow(clippy::unwrap_used)]
    fn channels_a_contract_does_not_pay() {
        let mut world = MemoryWorld::example();
        assert_eq!(not_paid(&world), Vec::<String>::new());
        let path = "contracts/owen-marsh-producer.toml";
        let text = String::from_utf8(world.read(path).unwrap()).unwrap();
        let rates = |with: &str| text.replace("download = \"50%\"\n", with);
        world.insert(path, rates(""));
        assert_eq!(
            not_paid(&world),
            [
                "contract `owen-marsh-producer` gives payee `owen-marsh` no `download` rate in every territory, where 4 releases sell 3 recordings it covers through downloads while the contract is in force (the first: `harbour-lights` on release `harbour-lights`); `owen-marsh` would earn nothing on those sales"
            ]
        );
        // Paid in some territories by a territory rule: the others are named.
        world.insert(path, rates("\n[rates.US]\ndownload = \"40%\"\n"));
        let got = not_paid(&world);
        assert_eq!(got.len(), 1);
        assert!(
            got[0].contains("no `download` rate in every territory except `US`"),
            "{got:?}"
        );
        // An explicit 0% says the payee is not paid for it.
        world.insert(path, rates("download = \"0%\"\n"));
        assert_eq!(not_paid(&world), Vec::<String>::new());
    }

    /// The golden case's catalogue: a contract paying streams everywhere and downloads in the
    /// US only, a single sold by subscription worldwide and by download in GB, IE and US.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn channels_follow_the_deals_models_and_months() {
        let mut world = MemoryWorld::from_folder("../golden/check/W0331-channel-not-paid/in");
        let rel = "releases/midnight-lines.toml";
        let release = String::from_utf8(world.read(rel).unwrap()).unwrap();
        let contract = "contracts/ada-lovelace.toml";
        let terms = String::from_utf8(world.read(contract).unwrap()).unwrap();
        let one = "contract `ada-lovelace` gives payee `ada-lovelace` no `download` rate in `GB`, `IE`, where release `midnight-lines` sells `midnight-lines` through downloads while the contract is in force; `ada-lovelace` would earn nothing on those sales";
        assert_eq!(not_paid(&world), [one]);
        // Streams only: nothing to say.
        let streams_only = release
            .rsplit_once("\n[[deal]]")
            .map_or(release.clone(), |(head, _)| format!("{head}\n"));
        world.insert(rel, streams_only.as_bytes());
        assert_eq!(not_paid(&world), Vec::<String>::new());
        // A contract paying downloads only, ended before the street date (2025-03-14): a
        // pay-as-you-go pre-order sells downloads in its window, subscriptions sell nothing.
        let downloads = terms.replace("stream = \"25%\"", "download = \"25%\"");
        world.insert(
            contract,
            downloads.replace("start = 2025-01-01", "start = 2025-01-01\nend = 2025-02-28"),
        );
        world.insert(
            rel,
            streams_only.replace(
                "models = [\"subscription\", \"ad-supported\"]",
                "models = [\"subscription\", \"pay-as-you-go\"]\npre-order = 2025-02-01",
            ),
        );
        assert_eq!(not_paid(&world), Vec::<String>::new());
        // Free of charge earns nothing: no rate is needed for it.
        world.insert(contract, downloads.as_bytes());
        world.insert(
            rel,
            streams_only.replace("[\"subscription\", \"ad-supported\"]", "\"free-of-charge\""),
        );
        assert_eq!(not_paid(&world), Vec::<String>::new());
        world.insert(rel, streams_only.as_bytes());
        let got = not_paid(&world);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].contains("no `stream` rate in every territory, where release"),
            "{got:?}"
        );
    }
}
