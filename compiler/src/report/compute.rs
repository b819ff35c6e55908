//! Facts → [`Report`]: one pass summing every cut, then ranking and ratios.

use super::period::{PeriodRange, compare};
use super::{Measures, PeriodCell, Report, Row, TOP, TrendRow, UNMATCHED};
use crate::royalties::facts::Fact;
use rust_decimal::{Decimal, RoundingStrategy};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Sums of one group; `overflow` is set when a sum left `Decimal`'s or `i64`'s range (the
/// sum then saturates and the report carries a warning).
#[derive(Debug, Clone, Default)]
struct Sums {
    streams: i64,
    paid_streams: i64,
    downloads: i64,
    physical: i64,
    gross: Decimal,
    stream_gross: Decimal,
    fees: Decimal,
    payees: Decimal,
    label: Decimal,
    suspense: Decimal,
    overflow: bool,
}

fn add_units(sum: &mut i64, n: i64, overflow: &mut bool) {
    *sum = sum.checked_add(n).unwrap_or_else(|| {
        *overflow = true;
        sum.saturating_add(n)
    });
}

fn add_money(sum: &mut Decimal, n: Decimal, overflow: &mut bool) {
    *sum = sum.checked_add(n).unwrap_or_else(|| {
        *overflow = true;
        sum.saturating_add(n)
    });
}

impl Sums {
    fn add(&mut self, f: &Fact) {
        let o = &mut self.overflow;
        match f.channel.to_ascii_lowercase().as_str() {
            "stream" | "ugc" => {
                add_units(&mut self.streams, f.units, o);
                add_money(&mut self.stream_gross, f.gross, o);
                if !f.gross.is_zero() {
                    add_units(&mut self.paid_streams, f.units, o);
                }
            }
            "download" => add_units(&mut self.downloads, f.units, o),
            "physical" => add_units(&mut self.physical, f.units, o),
            _ => {}
        }
        add_money(&mut self.gross, f.gross, o);
        add_money(&mut self.fees, f.fees, o);
        add_money(&mut self.payees, f.payees, o);
        add_money(&mut self.label, f.label, o);
        add_money(&mut self.suspense, f.suspense, o);
    }

    fn measures(&self) -> Measures {
        let per_1000 = (self.paid_streams != 0)
            .then(|| {
                self.stream_gross
                    .checked_mul(Decimal::ONE_THOUSAND)?
                    .checked_div(Decimal::from(self.paid_streams))
            })
            .flatten()
            .map(|r| fixed(r, 4));
        Measures {
            streams: self.streams,
            paid_streams: self.paid_streams,
            downloads: self.downloads,
            physical: self.physical,
            gross: money(self.gross),
            stream_gross: money(self.stream_gross),
            fees: money(self.fees),
            net: money(self.gross.saturating_sub(self.fees)),
            payees: money(self.payees),
            label: money(self.label),
            suspense: money(self.suspense),
            per_1000,
        }
    }
}

/// An exact amount with at least two decimals (`5` → `5.00`), never rounded.
fn money(d: Decimal) -> Decimal {
    let mut d = d.normalize();
    if d.scale() < 2 {
        d.rescale(2);
    }
    if d.is_zero() {
        d.set_sign_positive(true);
    }
    d
}

/// A ratio rounded to `dp` decimals, midpoint away from zero, always showing them.
fn fixed(d: Decimal, dp: u32) -> Decimal {
    let mut r = d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(dp);
    if r.is_zero() {
        r.set_sign_positive(true);
    }
    r
}

/// `part ÷ whole × 100`, 2 decimals; none when `whole` is zero.
fn percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    let r = part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(whole)?;
    Some(fixed(r, 2))
}

/// `(now − before) ÷ |before| × 100`, 2 decimals; none when `before` is zero.
fn change(now: Decimal, before: Decimal) -> Option<Decimal> {
    percent(now.checked_sub(before)?, before.abs())
}

/// One group of a ranked section while summing.
#[derive(Default)]
struct Group {
    name: String,
    note: String,
    /// Which fact gave the name: names from catalogue-matched facts win, then the smallest,
    /// so the result does not depend on the order of the facts.
    name_rank: Option<(bool, String, String)>,
    sums: Sums,
    periods: BTreeMap<String, Sums>,
}

impl Group {
    fn add(&mut self, f: &Fact, name: &str, note: &str, matched: bool) {
        let candidate = (!matched, name.to_string(), note.to_string());
        if self.name_rank.as_ref().is_none_or(|r| candidate < *r) {
            self.name = name.to_string();
            self.note = note.to_string();
            self.name_rank = Some(candidate);
        }
        self.sums.add(f);
        self.periods.entry(f.period.clone()).or_default().add(f);
    }
}

/// A ranked section while summing, keyed by group key.
#[derive(Default)]
struct Section(BTreeMap<String, Group>);

impl Section {
    fn add(&mut self, key: &str, name: &str, note: &str, matched: bool, f: &Fact) {
        self.0
            .entry(key.to_string())
            .or_default()
            .add(f, name, note, matched);
    }

    fn rows(self, total_gross: Decimal, overflow: &mut bool) -> Vec<Row> {
        let mut rows: Vec<Row> = self
            .0
            .into_iter()
            .map(|(key, g)| {
                *overflow |= g.sums.overflow;
                let mut periods: Vec<PeriodCell> = g
                    .periods
                    .into_iter()
                    .map(|(period, s)| {
                        *overflow |= s.overflow;
                        PeriodCell {
                            period,
                            measures: s.measures(),
                        }
                    })
                    .collect();
                periods.sort_by(|a, b| compare(&a.period, &b.period));
                let measures = g.sums.measures();
                Row {
                    key,
                    name: g.name,
                    note: g.note,
                    rank: 0,
                    share_pct: percent(measures.gross, total_gross),
                    measures,
                    periods,
                }
            })
            .collect();
        rows.sort_by(ranking);
        for (i, r) in rows.iter_mut().enumerate() {
            r.rank = i + 1;
        }
        rows
    }
}

/// Highest gross first, then most streams, then by key.
fn ranking(a: &Row, b: &Row) -> Ordering {
    b.measures
        .gross
        .cmp(&a.measures.gross)
        .then_with(|| b.measures.streams.cmp(&a.measures.streams))
        .then_with(|| a.key.cmp(&b.key))
}

fn or_unmatched(s: &str) -> &str {
    if s.trim().is_empty() { UNMATCHED } else { s }
}

/// Trend rows for `keys` (in order), from the sums per key.
fn trend(
    keys: &[String],
    sums: &BTreeMap<String, Sums>,
    total_gross: Decimal,
    overflow: &mut bool,
) -> Vec<TrendRow> {
    let mut rows: Vec<TrendRow> = Vec::with_capacity(keys.len());
    let mut balance = Decimal::ZERO;
    for key in keys {
        let s = sums.get(key).cloned().unwrap_or_default();
        *overflow |= s.overflow;
        let m = s.measures();
        add_money(&mut balance, m.suspense, overflow);
        let before = rows.last().map(|r| &r.measures);
        rows.push(TrendRow {
            key: key.clone(),
            has_data: sums.contains_key(key),
            share_pct: percent(m.gross, total_gross),
            gross_change_pct: before.and_then(|b| change(m.gross, b.gross)),
            streams_change_pct: before
                .and_then(|b| change(Decimal::from(m.streams), Decimal::from(b.streams))),
            suspense_balance: money(balance),
            measures: m,
        });
    }
    rows
}

/// Every figure of the report over `facts` (those outside `range` are left out), amounts in
/// `currency`. Never fails: odd input gives odd rows, and sums beyond range a warning.
pub fn compute(facts: &[Fact], range: &PeriodRange, currency: &str) -> Report {
    let mut total = Sums::default();
    let mut by_period: BTreeMap<String, Sums> = BTreeMap::new();
    let mut by_month: BTreeMap<String, Sums> = BTreeMap::new();
    let mut release = Section::default();
    let mut track = Section::default();
    let mut artist = Section::default();
    let mut owner = Section::default();
    let mut territory = Section::default();
    let mut dsp = Section::default();
    let mut service = Section::default();
    let mut channel = Section::default();
    let mut count = 0;
    for f in facts.iter().filter(|f| range.contains(&f.period)) {
        count += 1;
        total.add(f);
        by_period.entry(f.period.clone()).or_default().add(f);
        by_month.entry(f.usage_month.clone()).or_default().add(f);
        let matched = !f.recording.is_empty();
        let rel = or_unmatched(&f.release);
        release.add(rel, rel, &f.upc, !f.release.is_empty(), f);
        let isrc = if f.isrc.trim().is_empty() {
            "(no ISRC)"
        } else {
            &f.isrc
        };
        track.add(isrc, &f.title, &f.artist, matched, f);
        let who = if f.artist.trim().is_empty() {
            "(no artist)"
        } else {
            &f.artist
        };
        artist.add(who, who, "", matched, f);
        let own = or_unmatched(&f.owner);
        owner.add(own, own, "", !f.owner.is_empty(), f);
        let ter = if f.territory.trim().is_empty() {
            "(unknown)"
        } else {
            &f.territory
        };
        territory.add(ter, ter, "", true, f);
        let d = if f.dsp.trim().is_empty() {
            "(unknown)"
        } else {
            &f.dsp
        };
        dsp.add(d, d, "", true, f);
        let (skey, sname) = if f.service.trim().is_empty() {
            (d.to_string(), d.to_string())
        } else {
            (format!("{d}/{}", f.service), format!("{d} {}", f.service))
        };
        service.add(&skey, &sname, "", true, f);
        channel.add(&f.channel, &f.channel, "", true, f);
    }

    let mut overflow = total.overflow;
    let totals = total.measures();
    let g = totals.gross;

    let mut periods = range.listed();
    periods.extend(by_period.keys().cloned());
    periods.sort_by(|a, b| compare(a, b));
    periods.dedup();
    let periods_without_data: Vec<String> = periods
        .iter()
        .filter(|p| !by_period.contains_key(*p))
        .cloned()
        .collect();
    let mut months: Vec<String> = by_month.keys().cloned().collect();
    months.sort_by(|a, b| compare(a, b));

    let by_release = release.rows(g, &mut overflow);
    let by_track = track.rows(g, &mut overflow);
    let top_releases = by_release
        .iter()
        .filter(|r| r.key != UNMATCHED)
        .take(TOP)
        .map(|r| r.key.clone())
        .collect();
    let top_tracks = by_track.iter().take(TOP).map(|r| r.key.clone()).collect();
    let mut report = Report {
        format: "sleeve-report/1",
        currency: currency.to_string(),
        range: range.describe(),
        by_period: trend(&periods, &by_period, g, &mut overflow),
        by_usage_month: trend(&months, &by_month, g, &mut overflow),
        periods,
        periods_without_data,
        empty: count == 0,
        facts: count,
        warnings: Vec::new(),
        totals,
        by_release,
        by_track,
        by_artist: artist.rows(g, &mut overflow),
        by_owner: owner.rows(g, &mut overflow),
        by_territory: territory.rows(g, &mut overflow),
        by_dsp: dsp.rows(g, &mut overflow),
        by_service: service.rows(g, &mut overflow),
        by_channel: channel.rows(g, &mut overflow),
        top_releases,
        top_tracks,
    };
    if overflow {
        report.warnings.push(
            "some sums went beyond the largest amount Sleeve can hold and were capped: check the ledger's amounts"
                .to_string(),
        );
    }
    report
}
