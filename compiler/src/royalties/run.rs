//! Finishing a run: prove conservation, close the period, convert facts to the label's
//! currency, and compute the balances the ledger will carry.

use super::engine::{Accounts, FactKey, Subject, SuspenseItem, channel_of_ix};
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
    /// Facts in compact form, amounts in the label's minor units (gross, fees, payees,
    /// label, suspense); named when written by [`facts_csv`].
    pub facts: Vec<(FactKey, [i128; 5])>,
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
pub fn finish(
    reader: &Reader<'_>,
    accounts: &Accounts,
    before: &Balances,
    period: Period,
    fx: &[FxRate],
    hashes: &[String],
) -> Result<RunResult, RunError> {
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

    let mut balances = before.clone();
    let statements = statement::close(table, accounts, reader, &mut balances, period, fx)?;

    // Facts, converted into the label's currency once per source currency and column.
    let label_cur = table.label_currency.clone();
    let lmu = mu(&label_cur);
    let mut keys: Vec<_> = accounts.facts.keys().copied().collect();
    keys.sort();
    let mut by_cur: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, k) in keys.iter().enumerate() {
        by_cur.entry(k.currency).or_default().push(i);
    }
    let mut conv = vec![[0i128; 5]; keys.len()];
    for (cur, idx) in &by_cur {
        let code = reader.currencies.name(*cur);
        let rate = if code == label_cur {
            None
        } else {
            Some(fx_rate(fx, code, &label_cur, period)?.0)
        };
        for col in 0..5 {
            let amounts: Vec<i128> = idx
                .iter()
                .map(|i| {
                    let v = keys
                        .get(*i)
                        .and_then(|k| accounts.facts.get(k))
                        .cloned()
                        .unwrap_or_default();
                    i128::from([v.gross, v.fees, v.payees, v.label, v.suspense][col])
                })
                .collect();
            let out = match rate {
                None => amounts,
                Some(r) => convert_spread(&amounts, mu(code), lmu, r),
            };
            for (i, v) in idx.iter().zip(out) {
                if let Some(c) = conv.get_mut(*i) {
                    c[col] = v;
                }
            }
        }
    }
    let facts: Vec<(FactKey, [i128; 5])> = keys.into_iter().zip(conv).collect();

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
    usage_month: String,
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
    accounts: &Accounts,
    reader: &Reader<'_>,
) -> Vec<u8> {
    let table = reader.table;
    let lmu = mu(&table.label_currency);
    let mut w = csv::Writer::from_writer(Vec::new());
    if run.facts.is_empty() {
        // The header alone, so an empty run still reads back.
        let _ = w.write_record([
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
        ]);
    }
    for (k, c) in &run.facts {
        let units = accounts.facts.get(k).map_or(0, |v| v.units);
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
        let _ = w.serialize(FactRow {
            period,
            usage_month: format!("{:04}-{:02}", k.month / 100, k.month % 100),
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
        });
    }
    w.into_inner().unwrap_or_default()
}
