//! The royalty chain, in the report's currency: pool → lines → fee and net → payees and the
//! label. Every step is one largest-remainder allocation of integer minor units, so every
//! unit of every pool ends in exactly one bucket.

use super::alloc::allocate;
use super::input::{Pool, Reader, Target};
use super::rates::{Ix, Plan, RateTable};
use crate::model::Channel;
use crate::model::date::Date;
use crate::model::ratio::Ratio;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A payee's earnings on one track, territory, service, month and channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DetailKey {
    pub payee: Ix,
    pub contract: Ix,
    pub rec: Ix,
    pub territory: u8,
    pub channel: u8,
    pub dsp: u32,
    pub service: u32,
    /// `year * 100 + month`.
    pub month: i32,
    pub currency: u32,
}

#[derive(Debug, Clone)]
pub struct DetailVal {
    pub units: i64,
    /// Line gross, before the fee (minor units; i64 keeps millions of rows small, and the
    /// conservation checks compare these sums with the i128 buckets).
    pub gross: i64,
    /// Net receipts the share applies to.
    pub net: i64,
    pub royalty: i64,
    /// split × rate: index into [`Accounts::shares`], `u32::MAX` when unset.
    pub share: u32,
}

impl Default for DetailVal {
    fn default() -> Self {
        DetailVal {
            units: 0,
            gross: 0,
            net: 0,
            royalty: 0,
            share: u32::MAX,
        }
    }
}

/// i128 minor units into a compact i64 (saturating; a sum that large fails the run's
/// conservation check rather than passing silently).
fn narrow(x: i128) -> i64 {
    i64::try_from(x).unwrap_or(if x < 0 { i64::MIN } else { i64::MAX })
}

/// What a fact row is about: a recording, or an unmatched identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    Recording(Ix),
    Unmatched(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactKey {
    pub subject: Subject,
    pub territory: u8,
    pub channel: u8,
    pub dsp: u32,
    pub service: u32,
    pub month: i32,
    pub currency: u32,
}

#[derive(Debug, Clone, Default)]
pub struct FactVal {
    pub units: i64,
    pub gross: i64,
    pub fees: i64,
    pub payees: i64,
    pub label: i64,
    pub suspense: i64,
}

/// Income held until it can be attributed; kept in the ledger until released.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuspenseItem {
    pub reason: String,
    pub isrc: String,
    pub upc: String,
    pub title: String,
    pub artist: String,
    pub territory: String,
    pub channel: String,
    pub dsp: String,
    pub service: String,
    /// `YYYY-MM`.
    pub usage_month: String,
    pub currency: String,
    pub amount: Decimal,
    pub units: i64,
    /// Statement period it was booked in.
    pub booked: String,
    /// Up to ten source lines: `path:line (sha256 prefix)`.
    pub sources: Vec<String>,
    /// Number of source lines.
    pub lines: u64,
}

/// Money buckets of one currency, in minor units (and the sub-minor rounding of pools).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Buckets {
    pub gross: i128,
    pub payees: i128,
    pub label: i128,
    pub fees: i128,
    pub suspense: i128,
    pub suspense_released: i128,
    pub rejected: i128,
    /// Reported digits finer than the currency's minor unit (exact).
    pub rounding: Decimal,
}

impl Buckets {
    /// gross == Σ buckets, exactly.
    pub fn balances(&self) -> bool {
        self.gross
            == self.payees
                + self.label
                + self.fees
                + self.suspense
                + self.suspense_released
                + self.rejected
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct SuspenseKey {
    subject: Subject,
    reason: u32,
    territory: u8,
    channel: u8,
    dsp: u32,
    service: u32,
    month: i32,
    currency: u32,
}

#[derive(Debug, Default)]
struct SuspenseAcc {
    amount: i128,
    units: i64,
    sources: Vec<(u32, u32)>,
    lines: u64,
}

/// Context of one line.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    currency: u32,
    territory: u8,
    channel: Channel,
    dsp: u32,
    service: u32,
    usage: Date,
    file: u32,
    line: u32,
}

/// Lines of one recording in one context shared by one plan: their payees' detail rows are
/// the plan's parts (kept once per group, not once per payee, while lines are accounted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct GroupKey {
    /// The recording's fact key (its subject is always a recording).
    fact: FactKey,
    plan: u32,
}

#[derive(Debug, Clone, Copy)]
struct GroupVal {
    units: i64,
    gross: i64,
    net: i64,
    /// The parts' royalties: `Accounts::group_roy[roy_at..roy_at + parts]`.
    roy_at: u32,
}

/// The accounts of one run, before currency conversion.
#[derive(Debug, Default)]
pub struct Accounts {
    /// Every payee's detail rows, sorted by key; filled by [`Accounts::seal`].
    pub detail: Vec<(DetailKey, DetailVal)>,
    groups: HashMap<GroupKey, GroupVal>,
    group_roy: Vec<i64>,
    pub facts: HashMap<FactKey, FactVal>,
    /// Per currency (interned in the reader).
    pub buckets: BTreeMap<u32, Buckets>,
    suspense: HashMap<SuspenseKey, SuspenseAcc>,
    reasons: super::input::Interner,
    /// (recording, rule set — or territory when none applies —, channel, day) → plan.
    plans: HashMap<(Ix, u32, u8, i64), u32>,
    /// Distinct plans: recordings of one release and payee share theirs.
    plan_list: Vec<std::sync::Arc<Plan>>,
    plan_ix: HashMap<std::sync::Arc<Plan>, u32>,
    /// Lines accounted.
    pub lines: u64,
    /// Ledger suspense items released in this run (their index in the open list).
    pub released: Vec<usize>,
    /// Reused by allocations, so accounting a line allocates nothing.
    scratch: Vec<i128>,
    /// Distinct split × rate shares, referred to by index from [`DetailVal::share`].
    pub shares: Vec<Ratio>,
    share_ix: HashMap<Ratio, u32>,
    /// One pool's sums by recording (indexed by recording): a pool has one territory,
    /// channel, service, DSP, day and currency, so only the recording varies, and the maps
    /// above are updated once per recording and pool instead of once per line.
    slots: Vec<Slot>,
    /// Recordings with a slot in use, in first-use order.
    touched: Vec<Ix>,
    /// Per-part royalty sums of the slots in use (`Slot::roy_at` .. + parts).
    roy: Vec<i64>,
}

/// A recording's sums within one pool (see [`Accounts::slots`]).
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// Index into the plan list; `u32::MAX` when unused.
    plan: u32,
    roy_at: u32,
    units: i64,
    /// Exact sums (minor units), narrowed once when moved into the maps.
    gross: i128,
    net: i128,
    fees: i128,
    paid: i128,
    label: i128,
}

impl Slot {
    const EMPTY: Slot = Slot {
        plan: u32::MAX,
        roy_at: 0,
        units: 0,
        gross: 0,
        net: 0,
        fees: 0,
        paid: 0,
        label: 0,
    };
}

fn channel_ix(c: Channel) -> u8 {
    c.index() as u8
}

pub fn channel_of_ix(i: u8) -> Channel {
    Channel::ALL
        .get(i as usize)
        .copied()
        .unwrap_or(Channel::Stream)
}

impl Ctx {
    fn of(pool: &Pool, line: u32) -> Ctx {
        Ctx {
            currency: pool.currency,
            territory: pool.territory,
            channel: pool.channel,
            dsp: pool.dsp,
            service: pool.service,
            usage: pool.usage,
            file: pool.file,
            line,
        }
    }

    fn fact_key(&self, subject: Subject) -> FactKey {
        FactKey {
            subject,
            territory: self.territory,
            channel: channel_ix(self.channel),
            dsp: self.dsp,
            service: self.service,
            month: month_of(self.usage),
            currency: self.currency,
        }
    }
}

/// How a pool's money is shared over its lines (largest remainder by weight). A pool of one
/// royalty-bearing line (a CSV row) is that line's money, whatever its units: returns are
/// negative, and some services report money on zero units.
pub fn share_pool(
    pool: &Pool,
    weights: &mut Vec<i128>,
) -> Result<Vec<i128>, super::alloc::AllocError> {
    if let [only] = pool.lines.as_slice()
        && only.bearing()
    {
        return Ok(vec![i128::from(pool.amount)]);
    }
    weights.clear();
    weights.extend(pool.lines.iter().map(|u| i128::from(u.weight())));
    allocate(i128::from(pool.amount), weights)
}

/// How a line's gross is shared: returns `(net, fee)` and leaves the net's split (payees in
/// order, then the label) in `buf`.
pub fn share_line(
    gross: i128,
    fee: &[i128; 2],
    weights: &[i128],
    buf: &mut Vec<i128>,
) -> (i128, i128) {
    let (net, fee_amount) = if fee[1] == 0 {
        (gross, 0)
    } else {
        match super::alloc::allocate_into(gross, fee, buf) {
            Ok(()) => (
                buf.first().copied().unwrap_or(gross),
                buf.get(1).copied().unwrap_or(0),
            ),
            Err(_) => (gross, 0),
        }
    };
    if super::alloc::allocate_into(net, weights, buf).is_err() {
        buf.clear();
        buf.resize(weights.len(), 0);
        if let Some(l) = buf.last_mut() {
            *l = net;
        }
    }
    (net, fee_amount)
}

fn month_of(d: Date) -> i32 {
    d.year * 100 + i32::from(d.month)
}

impl Accounts {
    /// Share every pool read by `reader` and account each line.
    pub fn account_pools(&mut self, reader: &mut Reader<'_>) {
        let pools = std::mem::take(&mut reader.pools);
        let mut weights: Vec<i128> = Vec::new();
        // Each pool's lines are freed once shared.
        for pool in pools {
            self.account_pool(reader, &pool, &mut weights);
        }
    }

    fn account_pool(&mut self, reader: &mut Reader<'_>, pool: &Pool, weights: &mut Vec<i128>) {
        let b = self.buckets.entry(pool.currency).or_default();
        b.gross += i128::from(pool.amount);
        b.rounding += pool.rounding;
        let parts = match share_pool(pool, weights) {
            Ok(p) => p,
            Err(e) => {
                // No line to share it over (every weight zero, or absurd numbers): the pool
                // is rejected as a whole, with a line in the rejects file.
                b.rejected += i128::from(pool.amount);
                reader.rejects.push(super::input::Reject {
                    file: pool.file,
                    line: pool.line,
                    reason: format!("the pool cannot be shared: {e}"),
                    text: String::new(),
                    amount: Some((pool.currency, pool.amount)),
                    booked: true,
                });
                reader.problems.push(super::input::Problem {
                    file: pool.file,
                    line: pool.line,
                    kind: super::input::ProblemKind::Rejected,
                    message: format!("the pool cannot be shared: {e}"),
                });
                // Usage counts still count as usage.
                for u in &pool.lines {
                    if let Target::Recording(r) = u.target() {
                        let key = Ctx::of(pool, u.line()).fact_key(Subject::Recording(r));
                        self.facts.entry(key).or_default().units += u.units;
                    }
                }
                return;
            }
        };
        let mut buf = std::mem::take(&mut self.scratch);
        for (u, gross) in pool.lines.iter().zip(parts) {
            let ctx = Ctx::of(pool, u.line());
            match u.target() {
                Target::Recording(r) => {
                    self.account_pooled(reader.table, r, gross, u.units, ctx, &mut buf)
                }
                t => self.account_line(reader, t, gross, u.units, ctx),
            }
        }
        self.scratch = buf;
        self.flush_slots(Ctx::of(pool, pool.line));
    }

    /// A recording's line of a pool: summed in its slot (see [`Accounts::slots`]).
    fn account_pooled(
        &mut self,
        table: &RateTable,
        rec: Ix,
        gross: i128,
        units: i64,
        ctx: Ctx,
        buf: &mut Vec<i128>,
    ) {
        if self.slots.len() < table.recordings.len() {
            self.slots.resize(table.recordings.len(), Slot::EMPTY);
        }
        let Some(plan_ix) = self.slots.get(rec as usize).map(|s| s.plan) else {
            self.lines += 1;
            self.account_recording(table, rec, gross, units, ctx, Subject::Recording(rec));
            return;
        };
        let plan_ix = if plan_ix == u32::MAX {
            let i = self.plan_id(table, rec, ctx.territory, ctx.channel, ctx.usage);
            let parts = match self.plan_list.get(i as usize).map(|p| &**p) {
                Some(Plan::Paid { parts, .. }) => parts.len(),
                _ => 0,
            };
            let roy_at = self.roy.len() as u32;
            self.roy.resize(self.roy.len() + parts, 0);
            if let Some(slot) = self.slots.get_mut(rec as usize) {
                slot.plan = i;
                slot.roy_at = roy_at;
            }
            self.touched.push(rec);
            i
        } else {
            plan_ix
        };
        self.lines += 1;
        let Some(plan) = self.plan_list.get(plan_ix as usize).cloned() else {
            return;
        };
        match &*plan {
            Plan::Suspense(reason) => {
                self.suspend(Subject::Recording(rec), reason, gross, units, ctx);
            }
            Plan::Paid {
                fee,
                parts,
                weights,
                ..
            } => {
                let (net, fee_amount) = share_line(gross, fee, weights, buf);
                let label = buf.last().copied().unwrap_or(0);
                let paid: i128 = buf.iter().take(parts.len()).sum();
                let Some(slot) = self.slots.get_mut(rec as usize) else {
                    return;
                };
                slot.units += units;
                slot.gross += gross;
                slot.net += net;
                slot.fees += fee_amount;
                slot.paid += paid;
                slot.label += label;
                let at = slot.roy_at as usize;
                if let Some(roy) = self.roy.get_mut(at..at + parts.len()) {
                    for (r, x) in roy.iter_mut().zip(buf.iter()) {
                        *r += narrow(*x);
                    }
                }
            }
        }
    }

    /// Add sums to a group (created with zero royalties on first use).
    fn add_group(&mut self, key: GroupKey, units: i64, gross: i64, net: i64, roy: &[i64]) {
        let next = self.group_roy.len() as u32;
        let g = self.groups.entry(key).or_insert(GroupVal {
            units: 0,
            gross: 0,
            net: 0,
            roy_at: next,
        });
        if g.roy_at == next {
            self.group_roy.resize(self.group_roy.len() + roy.len(), 0);
        }
        g.units += units;
        g.gross += gross;
        g.net += net;
        let at = g.roy_at as usize;
        if let Some(slots) = self.group_roy.get_mut(at..at + roy.len()) {
            for (a, r) in slots.iter_mut().zip(roy) {
                *a += *r;
            }
        }
    }

    /// Every payee's detail rows, from the groups (which are freed): sorted by key, rows of
    /// the same key merged (one payee's contract under two plans in one month).
    pub fn seal(&mut self) {
        // In key order, so that shares are numbered the same way on every run.
        let mut groups: Vec<(GroupKey, GroupVal)> =
            std::mem::take(&mut self.groups).into_iter().collect();
        groups.sort_unstable_by_key(|(k, _)| *k);
        let roy = std::mem::take(&mut self.group_roy);
        let mut detail: Vec<(DetailKey, DetailVal)> = Vec::with_capacity(groups.len() * 2);
        for (GroupKey { fact: k, plan }, g) in groups {
            let Subject::Recording(rec) = k.subject else {
                continue;
            };
            let Some(plan) = self.plan_list.get(plan as usize).cloned() else {
                continue;
            };
            let Plan::Paid { parts, shares, .. } = &*plan else {
                continue;
            };
            for (i, ((payee, contract), share)) in parts.iter().zip(shares.iter()).enumerate() {
                let next = self.shares.len() as u32;
                let ix = *self.share_ix.entry(*share).or_insert(next);
                if ix == next {
                    self.shares.push(*share);
                }
                detail.push((
                    DetailKey {
                        payee: *payee,
                        contract: *contract,
                        rec,
                        territory: k.territory,
                        channel: k.channel,
                        dsp: k.dsp,
                        service: k.service,
                        month: k.month,
                        currency: k.currency,
                    },
                    DetailVal {
                        units: g.units,
                        gross: g.gross,
                        net: g.net,
                        royalty: roy.get(g.roy_at as usize + i).copied().unwrap_or(0),
                        share: ix,
                    },
                ));
            }
        }
        drop(roy);
        // Equal keys (rare) keep the share of the plan that sorts first.
        detail.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.share.cmp(&b.1.share)));
        detail.dedup_by(|later, kept| {
            if later.0 != kept.0 {
                return false;
            }
            kept.1.units += later.1.units;
            kept.1.gross += later.1.gross;
            kept.1.net += later.1.net;
            kept.1.royalty += later.1.royalty;
            true
        });
        self.detail = detail;
    }

    /// Move a pool's slots into the detail, the facts and the buckets.
    fn flush_slots(&mut self, ctx: Ctx) {
        let touched = std::mem::take(&mut self.touched);
        for &rec in &touched {
            let Some(slot) = self
                .slots
                .get_mut(rec as usize)
                .map(|s| std::mem::replace(s, Slot::EMPTY))
            else {
                continue;
            };
            let Some(plan) = self.plan_list.get(slot.plan as usize).cloned() else {
                continue;
            };
            let Plan::Paid { parts, .. } = &*plan else {
                continue;
            };
            let b = self.buckets.entry(ctx.currency).or_default();
            b.fees += slot.fees;
            b.payees += slot.paid;
            b.label += slot.label;
            let at = slot.roy_at as usize;
            let fact = ctx.fact_key(Subject::Recording(rec));
            let roy = std::mem::take(&mut self.roy);
            self.add_group(
                GroupKey {
                    fact,
                    plan: slot.plan,
                },
                slot.units,
                narrow(slot.gross),
                narrow(slot.net),
                roy.get(at..at + parts.len()).unwrap_or_default(),
            );
            self.roy = roy;
            let f = self.facts.entry(fact).or_default();
            f.units += slot.units;
            f.gross += narrow(slot.gross);
            f.fees += narrow(slot.fees);
            f.payees += narrow(slot.paid);
            f.label += narrow(slot.label);
        }
        self.touched = touched;
        self.touched.clear();
        self.roy.clear();
    }

    fn account_line(
        &mut self,
        reader: &mut Reader<'_>,
        target: Target,
        gross: i128,
        units: i64,
        ctx: Ctx,
    ) {
        self.lines += 1;
        match target {
            Target::Rejected(ri) => {
                self.buckets.entry(ctx.currency).or_default().rejected += gross;
                if let Some(r) = reader.rejects.get_mut(ri as usize) {
                    let prev = r.amount.map_or(0, |(_, a)| a);
                    r.amount = Some((ctx.currency, prev + i64::try_from(gross).unwrap_or(0)));
                    r.booked = true;
                }
            }
            Target::Unmatched(ui) => {
                self.suspend(
                    Subject::Unmatched(ui),
                    "no recording or release in the catalogue has this identifier",
                    gross,
                    units,
                    ctx,
                );
            }
            Target::Release(ri) => {
                let tracks = reader
                    .table
                    .releases
                    .get(ri as usize)
                    .map(|r| r.tracks.clone())
                    .unwrap_or_default();
                if tracks.is_empty() {
                    self.suspend(
                        Subject::Unmatched(u32::MAX),
                        "the release has no tracks",
                        gross,
                        units,
                        ctx,
                    );
                    return;
                }
                let shares = allocate(gross, &vec![1; tracks.len()]).unwrap_or_default();
                for (k, (t, g)) in tracks.iter().zip(shares).enumerate() {
                    // Release-level units are counted once, on the first track.
                    let u = if k == 0 { units } else { 0 };
                    self.account_recording(reader.table, *t, g, u, ctx, Subject::Recording(*t));
                }
            }
            Target::Recording(r) => {
                self.account_recording(reader.table, r, gross, units, ctx, Subject::Recording(r))
            }
        }
    }

    /// The plan of a line, computed once per recording, rule set, channel and day, and kept
    /// once per distinct content.
    fn plan_id(
        &mut self,
        table: &RateTable,
        rec: Ix,
        territory: u8,
        channel: Channel,
        day: Date,
    ) -> u32 {
        let rules = table
            .recordings
            .get(rec as usize)
            .and_then(|r| r.ruleset_index(territory))
            .unwrap_or(0x8000_0000 | u32::from(territory));
        let key = (rec, rules, channel_ix(channel), day.days());
        if let Some(&i) = self.plans.get(&key) {
            return i;
        }
        let plan = std::sync::Arc::new(table.plan(rec, territory, channel, day));
        let next = self.plan_list.len() as u32;
        let i = *self.plan_ix.entry(plan.clone()).or_insert(next);
        if i == next {
            self.plan_list.push(plan);
        }
        self.plans.insert(key, i);
        i
    }

    fn suspend(&mut self, subject: Subject, reason: &str, gross: i128, units: i64, ctx: Ctx) {
        self.buckets.entry(ctx.currency).or_default().suspense += gross;
        let key = SuspenseKey {
            subject,
            reason: self.reasons.get(reason),
            territory: ctx.territory,
            channel: channel_ix(ctx.channel),
            dsp: ctx.dsp,
            service: ctx.service,
            month: month_of(ctx.usage),
            currency: ctx.currency,
        };
        let acc = self.suspense.entry(key).or_default();
        acc.amount += gross;
        acc.units += units;
        acc.lines += 1;
        if acc.sources.len() < 10 {
            acc.sources.push((ctx.file, ctx.line));
        }
        let f = self.facts.entry(ctx.fact_key(subject)).or_default();
        f.units += units;
        f.gross += narrow(gross);
        f.suspense += narrow(gross);
    }

    fn account_recording(
        &mut self,
        table: &RateTable,
        rec: Ix,
        gross: i128,
        units: i64,
        ctx: Ctx,
        subject: Subject,
    ) {
        let i = self.plan_id(table, rec, ctx.territory, ctx.channel, ctx.usage);
        let Some(plan) = self.plan_list.get(i as usize).cloned() else {
            return;
        };
        match &*plan {
            Plan::Suspense(reason) => {
                self.suspend(subject, reason, gross, units, ctx);
            }
            Plan::Paid {
                fee,
                parts,
                weights,
                ..
            } => {
                let mut buf = std::mem::take(&mut self.scratch);
                let (net, fee_amount) = share_line(gross, fee, weights, &mut buf);
                let split = &buf;
                let label = split.last().copied().unwrap_or(0);
                let paid: i128 = split.iter().take(parts.len()).sum();
                let b = self.buckets.entry(ctx.currency).or_default();
                b.fees += fee_amount;
                b.payees += paid;
                b.label += label;
                let roy: Vec<i64> = split.iter().take(parts.len()).map(|x| narrow(*x)).collect();
                self.add_group(
                    GroupKey {
                        fact: ctx.fact_key(subject),
                        plan: i,
                    },
                    units,
                    narrow(gross),
                    narrow(net),
                    &roy,
                );
                let f = self.facts.entry(ctx.fact_key(subject)).or_default();
                f.units += units;
                f.gross += narrow(gross);
                f.fees += narrow(fee_amount);
                f.payees += narrow(paid);
                f.label += narrow(label);
                self.scratch = buf;
            }
        }
    }

    /// Try to release open suspense items from earlier periods: those that now match the
    /// catalogue and have a split and contracts in force are accounted in this run.
    pub fn release_suspense(&mut self, reader: &mut Reader<'_>, open: &[SuspenseItem]) {
        for (i, item) in open.iter().enumerate() {
            let target = reader.match_line(&item.isrc, &item.upc, &item.title, &item.artist);
            let rec = match target {
                Target::Recording(r) => r,
                Target::Release(r) => match reader
                    .table
                    .releases
                    .get(r as usize)
                    .and_then(|r| r.tracks.first())
                {
                    Some(t) => *t,
                    None => continue,
                },
                _ => continue,
            };
            let (Some(territory), Some(channel), Some(mu)) = (
                crate::model::iso::territory_index(&item.territory),
                Channel::parse(&item.channel),
                crate::model::iso::currency_minor_units(&item.currency),
            ) else {
                continue;
            };
            let Some(usage) = Date::parse(&format!("{}-01", item.usage_month)) else {
                continue;
            };
            if !matches!(
                reader.table.plan(rec, territory, channel, usage),
                Plan::Paid { .. }
            ) {
                continue;
            }
            let Some((amount, _)) = super::input::to_minor(item.amount, u32::from(mu)) else {
                continue;
            };
            let ctx = Ctx {
                currency: reader.currencies.get(&item.currency),
                territory,
                channel,
                dsp: reader.dsps.get(&item.dsp),
                service: reader.services.get(&item.service),
                usage,
                file: u32::MAX,
                line: 0,
            };
            let gross = i128::from(amount);
            self.buckets
                .entry(ctx.currency)
                .or_default()
                .suspense_released -= gross;
            let target = match target {
                Target::Release(r) => Target::Release(r),
                _ => Target::Recording(rec),
            };
            // Usage was counted when the line was booked: release money only.
            match target {
                Target::Release(_) => self.account_line(reader, target, gross, 0, ctx),
                _ => self.account_recording(
                    reader.table,
                    rec,
                    gross,
                    0,
                    ctx,
                    Subject::Recording(rec),
                ),
            }
            self.released.push(i);
        }
    }

    /// The new suspense items of this run, in a stable order.
    pub fn suspense_items(&self, reader: &Reader<'_>, period: &str) -> Vec<SuspenseItem> {
        let mut keys: Vec<(&SuspenseKey, &SuspenseAcc)> = self.suspense.iter().collect();
        keys.sort_by_key(|(k, _)| **k);
        keys.into_iter()
            .map(|(k, acc)| {
                let (isrc, upc, title, artist) = match k.subject {
                    Subject::Recording(r) => reader
                        .table
                        .recordings
                        .get(r as usize)
                        .map(|rec| {
                            let upc = rec
                                .release
                                .and_then(|x| reader.table.releases.get(x as usize))
                                .map_or(String::new(), |x| x.upc.clone());
                            (rec.isrc.clone(), upc, rec.title.clone(), rec.artist.clone())
                        })
                        .unwrap_or_default(),
                    Subject::Unmatched(u) => reader
                        .unmatched_key(u)
                        .map(|m| {
                            (
                                m.isrc.clone(),
                                m.upc.clone(),
                                m.title.clone(),
                                m.artist.clone(),
                            )
                        })
                        .unwrap_or_default(),
                };
                let currency = reader.currencies.name(k.currency).to_string();
                let mu = super::input::minor_units(&currency);
                SuspenseItem {
                    reason: self.reasons.name(k.reason).to_string(),
                    isrc,
                    upc,
                    title,
                    artist,
                    territory: crate::model::iso::territory_code(k.territory)
                        .unwrap_or("")
                        .to_string(),
                    channel: channel_of_ix(k.channel).as_str().to_string(),
                    dsp: reader.dsps.name(k.dsp).to_string(),
                    service: reader.services.name(k.service).to_string(),
                    usage_month: format!("{:04}-{:02}", k.month / 100, k.month % 100),
                    currency,
                    amount: super::input::from_minor(acc.amount, mu),
                    units: acc.units,
                    booked: period.to_string(),
                    sources: acc
                        .sources
                        .iter()
                        .map(|(f, l)| match reader.files.get(*f as usize) {
                            Some(s) => {
                                format!("{}:{} ({})", s.path, l, s.sha256.get(..12).unwrap_or(""))
                            }
                            None => "released from suspense".to_string(),
                        })
                        .collect(),
                    lines: acc.lines,
                }
            })
            .collect()
    }
}
