//! Finishing a run: prove conservation, close the period, convert facts to the label's
//! currency, and compute the balances the ledger will carry.

use super::engine::{Accounts, FactKey, FactVal, Subject, SuspenseItem, channel_of_ix};
use super::input::{Reader, from_minor, minor_units as mu};
use super::statement::{self, Balances, CloseError, Statement, convert_spread, fx_rate};
use crate::model::FxRate;
use crate::model::iso;
use crate::model::period::Period;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// One currency's reconciliation: the buckets add up to `gross` exactly.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Reconciliation {
    pub currency: String,
    pub gross: Decimal,
    pub payees: Decimal,
    pub label: Decimal,
    pub fees: Decimal,
    pub suspense: Decimal,
    pub suspense_released: Decimal,
    pub rejected: Decimal,
    pub rounding: Decimal,
}

impl Reconciliation {
    pub fn balances(&self) -> bool {
        self.gross
            == self.payees
                + self.label
                + self.fees
                + self.suspense
                + self.suspense_released
                + self.rejected
                + self.rounding
    }
}

pub struct RunResult {
    pub period: String,
    pub statements: Vec<Statement>,
    /// Facts in compact form, sorted, amounts converted into the label's minor units;
    /// named when written by [`facts_csv`].
    pub facts: Vec<(FactKey, FactVal)>,
    /// Suspense booked in this run.
    pub suspense_new: Vec<SuspenseItem>,
    /// Items from earlier periods released in this run.
    pub released: Vec<SuspenseItem>,
    pub reconciliation: Vec<Reconciliation>,
    /// Balances after the run.
    pub balances: Balances,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Close(#[from] CloseError),
}

/// Everything after the lines are accounted.
/// The accounts' facts move into the result (their map is freed first: a large run is
/// bounded by its peak memory).
pub fn finish(
    reader: &Reader<'_>,
    accounts: &mut Accounts,
    before: &Balances,
    period: Period,
    fx: &[FxRate],
    hashes: &[String],
) -> Result<RunResult, RunError> {
    accounts.seal();
    let table = reader.table;
    let pname = period.to_string();
    // Reconciliation per currency, with rejected lines never shared through a pool.
    let mut buckets = accounts.buckets.clone();
    for r in &reader.rejects {
        if let Some((cur, a)) = r.amount
            && !r.booked
        {
            let b = buckets.entry(cur).or_default();
            b.gross += i128::from(a);
            b.rejected += i128::from(a);
        }
    }
    let mut reconciliation = Vec::new();
    for (cur, b) in &buckets {
        let code = reader.currencies.name(*cur).to_string();
        let m = mu(&code);
        if !b.balances() {
            return Err(CloseError::NotConserved(format!(
                "{code}: the buckets do not add up to the gross"
            ))
            .into());
        }
        let payees_detail: i128 = accounts
            .detail
            .iter()
            .filter(|(k, _)| k.currency == *cur)
            .map(|(_, d)| i128::from(d.royalty))
            .sum();
        if payees_detail != b.payees {
            return Err(CloseError::NotConserved(format!(
                "{code}: statement lines differ from the payees' bucket"
            ))
            .into());
        }
        let f = |x: i128| from_minor(x, m);
        let r = Reconciliation {
            currency: code.clone(),
            gross: f(b.gross) + b.rounding,
            payees: f(b.payees),
            label: f(b.label),
            fees: f(b.fees),
            suspense: f(b.suspense),
            suspense_released: f(b.suspense_released),
            rejected: f(b.rejected),
            rounding: b.rounding,
        };
        if !r.balances() {
            return Err(CloseError::NotConserved(format!(
                "{code}: the reconciliation does not balance"
            ))
            .into());
        }
        reconciliation.push(r);
    }

    // Facts, converted into the label's currency once per source currency and column.
    let label_cur = table.label_currency.clone();
    let lmu = mu(&label_cur);
    let mut facts: Vec<(FactKey, FactVal)> =
        std::mem::take(&mut accounts.facts).into_iter().collect();
    facts.sort_unstable_by_key(|(k, _)| *k);
    let mut by_cur: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (i, (k, _)) in facts.iter().enumerate() {
        by_cur.entry(k.currency).or_default().push(i as u32);
    }
    type Column = fn(&mut FactVal) -> &mut i64;
    let columns: [Column; 5] = [
        |v| &mut v.gross,
        |v| &mut v.fees,
        |v| &mut v.payees,
        |v| &mut v.label,
        |v| &mut v.suspense,
    ];
    for (cur, idx) in &by_cur {
        let code = reader.currencies.name(*cur);
        if code == label_cur {
            continue;
        }
        let rate = fx_rate(fx, code, &label_cur, period)?.0;
        for col in columns {
            let amounts: Vec<i128> = idx
                .iter()
                .map(|i| {
                    facts
                        .get_mut(*i as usize)
                        .map_or(0, |(_, v)| i128::from(*col(v)))
                })
                .collect();
            let out = convert_spread(&amounts, mu(code), lmu, rate);
            for (i, x) in idx.iter().zip(out) {
                if let Some((_, v)) = facts.get_mut(*i as usize) {
                    *col(v) = i64::try_from(x).unwrap_or(i64::MAX);
                }
            }
        }
    }
    drop(by_cur);

    let mut balances = before.clone();
    let statements = statement::close(table, accounts, reader, &mut balances, period, fx)?;

    let suspense_new = accounts.suspense_items(reader, &pname);
    let mut released = Vec::new();
    let mut open = Vec::new();
    let released_ix: std::collections::HashSet<usize> = accounts.released.iter().copied().collect();
    for (i, item) in before.suspense.iter().enumerate() {
        if released_ix.contains(&i) {
            released.push(item.clone());
        } else {
            open.push(item.clone());
        }
    }
    open.extend(suspense_new.iter().cloned());
    balances.suspense = open;
    balances.periods.retain(|p| *p != pname);
    balances.periods.push(pname.clone());
    for h in hashes {
        balances.reports.insert(h.clone(), pname.clone());
    }
    for f in &reader.files {
        if let Some(k) = f.message_key() {
            balances.messages.insert(k, pname.clone());
        }
    }
    Ok(RunResult {
        period: pname.clone(),
        statements,
        facts,
        suspense_new,
        released,
        reconciliation,
        balances,
    })
}

/// One row of `facts.csv`, borrowed: the same columns as [`super::facts::Fact`].
#[derive(Serialize)]
struct FactRow<'a> {
    period: &'a str,
    usage_month: super::output::Month,
    dsp: &'a str,
    service: &'a str,
    territory: &'a str,
    channel: &'a str,
    isrc: &'a str,
    upc: &'a str,
    release: &'a str,
    recording: &'a str,
    title: &'a str,
    artist: &'a str,
    owner: &'a str,
    units: i64,
    gross: Decimal,
    fees: Decimal,
    payees: Decimal,
    label: Decimal,
    suspense: Decimal,
}

/// `facts.csv`, written row by row from the compact facts.
pub fn facts_csv(
    run: &RunResult,
    period: &str,
    reader: &Reader<'_>,
    out: impl std::io::Write,
) -> csv::Result<()> {
    let table = reader.table;
    let lmu = mu(&table.label_currency);
    let mut w = csv::Writer::from_writer(out);
    if run.facts.is_empty() {
        // The header alone, so an empty run still reads back.
        w.write_record([
            "period",
            "usage_month",
            "dsp",
            "service",
            "territory",
            "channel",
            "isrc",
            "upc",
            "release",
            "recording",
            "title",
            "artist",
            "owner",
            "units",
            "gross",
            "fees",
            "payees",
            "label",
            "suspense",
        ])?;
    }
    for (k, v) in &run.facts {
        let c = [v.gross, v.fees, v.payees, v.label, v.suspense].map(i128::from);
        let units = v.units;
        let (isrc, upc, release, recording, title, artist, owner) = match k.subject {
            Subject::Recording(r) => {
                let rec = table.recordings.get(r as usize);
                let rel = rec
                    .and_then(|x| x.release)
                    .and_then(|x| table.releases.get(x as usize));
                (
                    rec.map_or("", |x| x.isrc.as_str()),
                    rel.map_or("", |x| x.upc.as_str()),
                    rel.map_or("", |x| x.id.as_str()),
                    rec.map_or("", |x| x.id.as_str()),
                    rec.map_or("", |x| x.title.as_str()),
                    rec.map_or("", |x| x.artist.as_str()),
                    rec.map_or("", |x| x.owner.as_str()),
                )
            }
            Subject::Unmatched(u) => match reader.unmatched_key(u) {
                Some(m) => (
                    m.isrc.as_str(),
                    m.upc.as_str(),
                    "",
                    "",
                    m.title.as_str(),
                    m.artist.as_str(),
                    "",
                ),
                None => ("", "", "", "", "", "", ""),
            },
        };
        let f = |x: i128| from_minor(x, lmu);
        w.serialize(FactRow {
            period,
            usage_month: super::output::Month(k.month),
            dsp: reader.dsps.name(k.dsp),
            service: reader.services.name(k.service),
            territory: iso::territory_code(k.territory).unwrap_or(""),
            channel: channel_of_ix(k.channel).as_str(),
            isrc,
            upc,
            release,
            recording,
            title,
            artist,
            owner,
            units,
            gross: f(c[0]),
            fees: f(c[1]),
            payees: f(c[2]),
            label: f(c[3]),
            suspense: f(c[4]),
        })?;
    }
    w.flush()?;
    Ok(())
}
