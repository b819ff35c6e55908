//! Closing a period: convert earnings into each payee's currency, book advances, recoup,
//! withhold and release reserves, apply minimum payouts, and carry balances forward.

use super::engine::{Accounts, SuspenseItem, channel_of_ix};
use super::input::{Reader, from_minor, minor_units as mu};
use super::rates::RateTable;
use crate::model::FxRate;
use crate::model::iso;
use crate::model::period::Period;
use crate::model::ratio::Ratio;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What the ledger carries from one period to the next.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balances {
    pub version: u32,
    /// Periods accounted, in order.
    pub periods: Vec<String>,
    /// Recoupment group (`payee/first-contract`) → its balance.
    pub groups: BTreeMap<String, GroupBalance>,
    /// Advances already booked: `contract#index`.
    pub advances_booked: BTreeSet<String>,
    /// Report content hash → period it was accounted in.
    pub reports: BTreeMap<String, String>,
    /// DSR sender, `MessageId` and file number → period it was accounted in.
    #[serde(default)]
    pub messages: BTreeMap<String, String>,
    /// Open suspense items.
    pub suspense: Vec<SuspenseItem>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupBalance {
    pub payee: String,
    pub currency: String,
    pub contracts: Vec<String>,
    /// Negative while advances are unrecouped; positive amounts below the minimum payout
    /// carry forward.
    pub balance: Decimal,
    pub reserves: Vec<ReserveHeld>,
}

/// A reserve withheld in one period, released in equal parts over the next `periods`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReserveHeld {
    pub contract: String,
    pub booked: String,
    pub amount: Decimal,
    pub periods: u32,
    pub released: Decimal,
}

#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    pub payee: String,
    pub name: String,
    pub email: Option<String>,
    pub currency: String,
    pub period: String,
    pub minimum_payout: Decimal,
    pub groups: Vec<GroupStatement>,
    /// The detail in compact form: index into [`Accounts::detail`] and royalty in the
    /// payee's minor units.
    #[serde(skip)]
    pub detail: Vec<(u32, i128)>,
    pub earnings: Decimal,
    pub paid: Decimal,
    /// Balance carried to the next period (sum of group closings).
    pub carried: Decimal,
    pub reserves_held: Decimal,
    /// Exchange rates used: `EUR→GBP 0.8575 (source)`.
    pub fx: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupStatement {
    pub group: String,
    pub contracts: Vec<String>,
    pub opening: Decimal,
    pub advances: Decimal,
    pub earnings: Decimal,
    pub reserve_withheld: Decimal,
    pub reserve_released: Decimal,
    pub paid: Decimal,
    pub closing: Decimal,
    pub reserves_held: Decimal,
}

/// One detail line of a statement, borrowing its names from the rate table and the reader
/// (a large run writes millions of them, one payee at a time).
#[derive(Debug, Clone)]
pub struct StatementLine<'a> {
    pub contract: &'a str,
    pub isrc: &'a str,
    pub title: &'a str,
    pub release: &'a str,
    pub upc: &'a str,
    pub territory: &'static str,
    pub dsp: &'a str,
    pub service: &'a str,
    /// `year * 100 + month`; written `YYYY-MM`.
    pub usage_month: i32,
    pub channel: &'static str,
    pub units: i64,
    /// In the report's currency.
    pub source_currency: &'a str,
    pub gross: Decimal,
    pub net: Decimal,
    /// split × rate, exact (`0.4` or `1/3`).
    pub share: &'a str,
    pub royalty_source: Decimal,
    /// In the payee's currency.
    pub royalty: Decimal,
}

#[derive(Debug, thiserror::Error)]
pub enum CloseError {
    #[error("no exchange rate from {from} to {to} for {period}")]
    MissingFx {
        from: String,
        to: String,
        period: String,
    },
    #[error("{0}")]
    NotConserved(String),
}

/// The declared rate from → to for `period`.
pub fn fx_rate(
    fx: &[FxRate],
    from: &str,
    to: &str,
    period: Period,
) -> Result<(Decimal, String), CloseError> {
    fx.iter()
        .find(|r| r.from == from && r.to == to && r.period == period)
        .map(|r| {
            (
                r.rate,
                format!(
                    "{from}→{to} {}{}",
                    r.rate,
                    r.source
                        .as_ref()
                        .map(|s| format!(" ({s})"))
                        .unwrap_or_default()
                ),
            )
        })
        .ok_or_else(|| CloseError::MissingFx {
            from: from.into(),
            to: to.into(),
            period: period.to_string(),
        })
}

/// Convert amounts (minor units of a currency with `from_mu` digits) at `rate` into minor
/// units of `to_mu` digits: the total is converted once (half to even) and spread over the
/// amounts by largest remainder, so the converted parts add up to the converted total.
pub fn convert_spread(amounts: &[i128], from_mu: u32, to_mu: u32, rate: Decimal) -> Vec<i128> {
    let scale =
        |x: i128| -> Decimal { from_minor(x, from_mu) * rate * Decimal::from(10i64.pow(to_mu)) };
    let exact: Vec<Decimal> = amounts.iter().map(|a| scale(*a)).collect();
    let total: Decimal = exact.iter().copied().sum();
    let target = total
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointNearestEven)
        .mantissa();
    let floors: Vec<i128> = exact
        .iter()
        .map(|q| {
            let f = q.floor();
            f.mantissa() / 10i128.pow(f.scale())
        })
        .collect();
    let mut out = floors.clone();
    let leftover = target - floors.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|a, b| {
        let fa = exact[*a] - exact[*a].floor();
        let fb = exact[*b] - exact[*b].floor();
        fb.cmp(&fa).then(a.cmp(b))
    });
    for i in order
        .into_iter()
        .take(usize::try_from(leftover.max(0)).unwrap_or(0))
    {
        if let Some(o) = out.get_mut(i) {
            *o += 1;
        }
    }
    out
}

/// Close `period`: statements for every payee with earnings, advances, reserves or a balance.
pub fn close(
    table: &RateTable,
    accounts: &Accounts,
    reader: &Reader<'_>,
    balances: &mut Balances,
    period: Period,
    fx: &[FxRate],
) -> Result<Vec<Statement>, CloseError> {
    let pname = period.to_string();
    // Detail lines per payee, in a stable order.
    let mut contracts_of: std::collections::HashMap<u32, Vec<usize>> = Default::default();
    for (ci, c) in table.contracts.iter().enumerate() {
        contracts_of.entry(c.payee).or_default().push(ci);
    }
    let detail = &accounts.detail;
    let mut statements = Vec::new();
    for (pi, payee) in table.payees.iter().enumerate() {
        let pi = pi as u32;
        // The detail is sorted by payee first: this payee's rows are one slice.
        let from = detail.partition_point(|(k, _)| k.payee < pi);
        let to = detail.partition_point(|(k, _)| k.payee <= pi);
        let mine = detail.get(from..to).unwrap_or_default();
        let mut fx_used = BTreeSet::new();
        // Convert per source currency: one conversion of the total, spread over the lines.
        let mut converted: Vec<i128> = vec![0; mine.len()];
        let mut by_cur: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (j, (k, _)) in mine.iter().enumerate() {
            by_cur.entry(k.currency).or_default().push(j);
        }
        for (cur, ks) in &by_cur {
            let code = reader.currencies.name(*cur);
            let amounts: Vec<i128> = ks
                .iter()
                .map(|j| mine.get(*j).map_or(0, |(_, d)| i128::from(d.royalty)))
                .collect();
            let parts = if code == payee.currency {
                amounts
            } else {
                let (rate, label) = fx_rate(fx, code, &payee.currency, period)?;
                fx_used.insert(label);
                convert_spread(&amounts, mu(code), mu(&payee.currency), rate)
            };
            for (j, v) in ks.iter().zip(parts) {
                if let Some(c) = converted.get_mut(*j) {
                    *c = v;
                }
            }
        }
        // The converted lines of each contract.
        let mut by_contract: BTreeMap<u32, Vec<(super::engine::DetailKey, i128)>> = BTreeMap::new();
        for ((k, _), v) in mine.iter().zip(&converted) {
            by_contract.entry(k.contract).or_default().push((*k, *v));
        }
        // Group the payee's contracts.
        let mut groups: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for &ci in contracts_of.get(&pi).into_iter().flatten() {
            let Some(c) = table.contracts.get(ci) else {
                continue;
            };
            {
                let head = table
                    .contracts
                    .get(c.group as usize)
                    .map_or(&c.id, |g| &g.id);
                groups
                    .entry(format!("{}/{}", payee.id, head))
                    .or_default()
                    .push(ci as u32);
            }
        }
        let pmu = mu(&payee.currency);
        let mut group_statements = Vec::new();
        let mut any = !mine.is_empty();
        for (gid, contracts) in &groups {
            let prev = balances
                .groups
                .get(gid)
                .cloned()
                .unwrap_or_else(|| GroupBalance {
                    payee: payee.id.clone(),
                    currency: payee.currency.clone(),
                    ..Default::default()
                });
            let opening = prev.balance;
            // Advances dated up to the period's end, not booked yet.
            let mut advances = Decimal::ZERO;
            let mut newly_booked = Vec::new();
            for ci in contracts {
                let Some(c) = table.contracts.get(*ci as usize) else {
                    continue;
                };
                for (k, (amount, cur, date, _)) in c.advances.iter().enumerate() {
                    let key = format!("{}#{k}", c.id);
                    if *date > period.end() || balances.advances_booked.contains(&key) {
                        continue;
                    }
                    let amount = if *cur == payee.currency {
                        *amount
                    } else {
                        let (rate, label) = fx_rate(fx, cur, &payee.currency, period)?;
                        fx_used.insert(label);
                        (*amount * rate).round_dp_with_strategy(
                            pmu,
                            rust_decimal::RoundingStrategy::MidpointNearestEven,
                        )
                    };
                    advances += amount;
                    newly_booked.push(key);
                }
            }
            // Earnings per contract, and the reserve withheld from downloads and physical.
            let mut earnings = 0i128;
            let mut withheld_by_contract: Vec<(u32, i128)> = Vec::new();
            for ci in contracts {
                let mut returnable = 0i128;
                for (k, v) in by_contract.get(ci).into_iter().flatten() {
                    earnings += *v;
                    let ch = channel_of_ix(k.channel);
                    if matches!(
                        ch,
                        crate::model::Channel::Download | crate::model::Channel::Physical
                    ) {
                        returnable += *v;
                    }
                }
                if let Some(c) = table.contracts.get(*ci as usize)
                    && let Some((rate, _)) = c.reserve
                    && returnable > 0
                {
                    let w = super::rates::integer_weights(&[
                        rate,
                        Ratio::ONE.checked_sub(rate).unwrap_or(Ratio::ZERO),
                    ])
                    .unwrap_or_else(|| vec![0, 1]);
                    let parts = super::alloc::allocate(returnable, &w)
                        .unwrap_or_else(|_| vec![0, returnable]);
                    withheld_by_contract.push((*ci, parts.first().copied().unwrap_or(0)));
                }
            }
            // Reserves released this period.
            let mut reserves = prev.reserves.clone();
            let mut released = Decimal::ZERO;
            for r in &mut reserves {
                let Some(booked) = Period::parse(&r.booked) else {
                    continue;
                };
                let k = booked.distance(period).clamp(0, i64::from(r.periods)) as usize;
                let units = {
                    let s = r.amount * Decimal::from(10i64.pow(pmu));
                    s.mantissa() / 10i128.pow(s.scale())
                };
                let parts = super::alloc::allocate(units, &vec![1; r.periods.max(1) as usize])
                    .unwrap_or_default();
                let due = from_minor(parts.iter().take(k).sum(), pmu);
                let release = due - r.released;
                if release != Decimal::ZERO {
                    r.released += release;
                    released += release;
                }
            }
            reserves.retain(|r| r.released != r.amount);
            let mut withheld = Decimal::ZERO;
            for (ci, w) in &withheld_by_contract {
                if *w == 0 {
                    continue;
                }
                let amount = from_minor(*w, pmu);
                withheld += amount;
                if let Some(c) = table.contracts.get(*ci as usize) {
                    reserves.push(ReserveHeld {
                        contract: c.id.clone(),
                        booked: pname.clone(),
                        amount,
                        periods: c.reserve.map_or(1, |r| r.1.max(1)),
                        released: Decimal::ZERO,
                    });
                }
            }
            let earnings_d = from_minor(earnings, pmu);
            let before = opening - advances + earnings_d - withheld + released;
            if opening.is_zero()
                && advances.is_zero()
                && earnings == 0
                && released.is_zero()
                && prev.reserves.is_empty()
            {
                // Nothing happened in this group: no statement section, but keep booking.
                balances.advances_booked.extend(newly_booked);
                continue;
            }
            any = true;
            let held: Decimal = reserves.iter().map(|r| r.amount - r.released).sum();
            group_statements.push((
                GroupStatement {
                    group: gid.clone(),
                    contracts: contracts
                        .iter()
                        .filter_map(|c| table.contracts.get(*c as usize).map(|c| c.id.clone()))
                        .collect(),
                    opening,
                    advances,
                    earnings: earnings_d,
                    reserve_withheld: withheld,
                    reserve_released: released,
                    paid: Decimal::ZERO,
                    closing: before,
                    reserves_held: held,
                },
                reserves,
                newly_booked,
            ));
        }
        if !any {
            continue;
        }
        // Minimum payout over the payee's positive balances.
        let payable: Decimal = group_statements
            .iter()
            .map(|(g, _, _)| g.closing)
            .filter(|c| *c > Decimal::ZERO)
            .sum();
        let pay = payable > Decimal::ZERO && payable >= payee.minimum_payout;
        let mut paid = Decimal::ZERO;
        let mut carried = Decimal::ZERO;
        let mut held_total = Decimal::ZERO;
        let mut earnings_total = Decimal::ZERO;
        let mut out_groups = Vec::new();
        for (mut g, reserves, booked) in group_statements {
            if pay && g.closing > Decimal::ZERO {
                g.paid = g.closing;
                g.closing = Decimal::ZERO;
            }
            // The group's ledger balances: opening − advances + earnings − withheld +
            // released − paid = closing.
            if g.opening - g.advances + g.earnings - g.reserve_withheld + g.reserve_released
                - g.paid
                != g.closing
            {
                return Err(CloseError::NotConserved(format!(
                    "group {} does not balance",
                    g.group
                )));
            }
            paid += g.paid;
            carried += g.closing;
            held_total += g.reserves_held;
            earnings_total += g.earnings;
            balances.advances_booked.extend(booked);
            balances.groups.insert(
                g.group.clone(),
                GroupBalance {
                    payee: payee.id.clone(),
                    currency: payee.currency.clone(),
                    contracts: g.contracts.clone(),
                    balance: g.closing,
                    reserves,
                },
            );
            out_groups.push(g);
        }
        let converted_total: i128 = converted.iter().sum();
        if from_minor(converted_total, pmu) != earnings_total {
            return Err(CloseError::NotConserved(format!(
                "{}: statement lines ({}) differ from earnings ({earnings_total})",
                payee.id,
                from_minor(converted_total, pmu)
            )));
        }
        let detail: Vec<(u32, i128)> = converted
            .iter()
            .enumerate()
            .map(|(j, v)| ((from + j) as u32, *v))
            .collect();
        let sc = |d: Decimal| {
            let mut d = d;
            d.rescale(pmu);
            d
        };
        for g in &mut out_groups {
            for v in [
                &mut g.opening,
                &mut g.advances,
                &mut g.earnings,
                &mut g.reserve_withheld,
                &mut g.reserve_released,
                &mut g.paid,
                &mut g.closing,
                &mut g.reserves_held,
            ] {
                *v = sc(*v);
            }
        }
        let (earnings_total, paid, carried, held_total) =
            (sc(earnings_total), sc(paid), sc(carried), sc(held_total));
        statements.push(Statement {
            payee: payee.id.clone(),
            name: payee.name.clone(),
            email: payee.email.clone(),
            currency: payee.currency.clone(),
            period: pname.clone(),
            minimum_payout: sc(payee.minimum_payout),
            groups: out_groups,
            detail,
            earnings: earnings_total,
            paid,
            carried,
            reserves_held: held_total,
            fx: fx_used.into_iter().collect(),
        });
    }
    Ok(statements)
}

/// The statement's detail lines, named and in decimals (one payee at a time, when writing).
/// `shares` is [`Accounts::shares`] written out ([`share_strings`]).
pub fn lines<'a>(
    s: &Statement,
    table: &'a RateTable,
    accounts: &Accounts,
    reader: &'a Reader<'_>,
    shares: &'a [String],
) -> Vec<StatementLine<'a>> {
    let pmu = mu(&s.currency);
    s.detail
        .iter()
        .filter_map(|(i, royalty)| {
            accounts
                .detail
                .get(*i as usize)
                .map(|(k, d)| (k, d, royalty))
        })
        .map(|(k, d, royalty)| {
            let rec = table.recordings.get(k.rec as usize);
            let rel = rec
                .and_then(|r| r.release)
                .and_then(|r| table.releases.get(r as usize));
            let scur = reader.currencies.name(k.currency);
            let smu = mu(scur);
            StatementLine {
                contract: table
                    .contracts
                    .get(k.contract as usize)
                    .map_or("", |c| c.id.as_str()),
                isrc: rec.map_or("", |r| r.isrc.as_str()),
                title: rec.map_or("", |r| r.title.as_str()),
                release: rel.map_or("", |r| r.title.as_str()),
                upc: rel.map_or("", |r| r.upc.as_str()),
                territory: iso::territory_code(k.territory).unwrap_or(""),
                dsp: reader.dsps.name(k.dsp),
                service: reader.services.name(k.service),
                usage_month: k.month,
                channel: channel_of_ix(k.channel).as_str(),
                units: d.units,
                gross: from_minor(i128::from(d.gross), smu),
                net: from_minor(i128::from(d.net), smu),
                share: shares.get(d.share as usize).map_or("", |s| s.as_str()),
                royalty_source: from_minor(i128::from(d.royalty), smu),
                royalty: from_minor(*royalty, pmu),
                source_currency: scur,
            }
        })
        .collect()
}

/// Every distinct share of a run, written exactly, by index.
pub fn share_strings(accounts: &Accounts) -> Vec<String> {
    accounts.shares.iter().map(|s| s.exact_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_spreads_exactly() {
        // 1,234.01 EUR at 0.8575 is 1,058.163575 GBP: converted once, £1,058.16.
        let parts = convert_spread(&[61_879, 61_522], 2, 2, Decimal::new(8575, 4));
        assert_eq!(parts.iter().sum::<i128>(), 105_816);
        let parts = convert_spread(&[100, -40, 33], 2, 0, Decimal::new(1234, 1));
        let exact: Decimal = Decimal::new(93, 2) * Decimal::new(1234, 1);
        assert_eq!(
            Decimal::from(parts.iter().sum::<i128>() as i64),
            exact.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointNearestEven)
        );
    }
}
