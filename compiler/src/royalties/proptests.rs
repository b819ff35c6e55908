//! Property tests of the whole chain: random catalogues (splits, rates, fees, contracts in and
//! out of force, payees in other currencies) and random reports (DSR pools with zero,
//! unknown and bad lines; CSV rows with negative amounts and sub-cent digits). Every run
//! must balance to the unit, and every payee's statement lines must add up to its earnings.

use super::engine::Accounts;
use super::input::{Reader, SourceFile};
use super::rates;
use super::run::finish;
use super::statement::Balances;
use crate::model::period::Period;
use crate::world::MemoryWorld;
use proptest::prelude::*;
use rust_decimal::Decimal;

/// A DSR summary: pool in pence, lines (recording or unknown, weight).
type TestPool = (i64, Vec<(Option<usize>, i64)>);

#[derive(Debug, Clone)]
struct Case {
    /// Per recording: split shares in percent (each row sums to 100) over payees 0..3.
    splits: Vec<Vec<(usize, u32)>>,
    /// Per payee: stream rate in percent, and whether its contract is in force.
    rates: Vec<(u32, bool)>,
    /// Client fee in percent for odd recordings' release.
    fee: u32,
    /// DSR summaries: (pool in pence, lines (recording or unknown, weight)).
    pools: Vec<TestPool>,
    /// CSV rows: (recording or unknown, amount in ten-thousandths, may be negative).
    rows: Vec<(Option<usize>, i64)>,
    /// Add a malformed usage line to the first pool.
    bad_line: bool,
}

fn split_strategy() -> impl Strategy<Value = Vec<(usize, u32)>> {
    prop_oneof![
        Just(vec![(0, 100)]),
        (1u32..100).prop_map(|a| vec![(0, a), (1, 100 - a)]),
        (1u32..50, 1u32..50).prop_map(|(a, b)| vec![(1, a), (2, b), (0, 100 - a - b)]),
    ]
}

fn case_strategy() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(split_strategy(), 1..6),
        prop::collection::vec((0u32..=100, prop::bool::weighted(0.85)), 3),
        0u32..40,
        prop::collection::vec(
            (
                -50_000i64..2_000_000,
                prop::collection::vec(
                    (prop::option::weighted(0.9, 0usize..6), 0i64..100_000),
                    1..8,
                ),
            ),
            1..5,
        ),
        prop::collection::vec(
            (prop::option::weighted(0.9, 0usize..6), -9_999i64..999_999),
            0..6,
        ),
        any::<bool>(),
    )
        .prop_map(|(splits, rates, fee, pools, rows, bad_line)| Case {
            splits,
            rates,
            fee,
            pools,
            rows,
            bad_line,
        })
}

fn isrc(i: usize) -> String {
    format!("ZZSLV25{:05}", i + 1)
}

fn world(c: &Case) -> MemoryWorld {
    let payees = ["p0", "p1", "p2"];
    let mut w = MemoryWorld::new()
        .file(
            "sleeve.toml",
            format!(
                "[label]\nname = \"L\"\nparty-id = \"PADPIDA2099010101X\"\ncurrency = \"GBP\"\n\n[clients.c]\nname = \"C\"\ncopyright-owner = \"C Ltd\"\nfee = \"{}%\"\npayee = \"p0\"\n",
                c.fee
            ),
        )
        .file(
            "royalties.toml",
            "[[fx]]\nfrom = \"GBP\"\nto = \"EUR\"\nperiod = \"2025-Q2\"\nrate = \"1.1662\"\n\n[[fx]]\nfrom = \"USD\"\nto = \"GBP\"\nperiod = \"2025-Q2\"\nrate = \"0.7296\"\n\n[[fx]]\nfrom = \"USD\"\nto = \"EUR\"\nperiod = \"2025-Q2\"\nrate = \"0.8507\"\n\n[formats.f]\ndsp = \"d\"\nfiles = \"*.csv\"\ncurrency = \"USD\"\nchannel = \"stream\"\n[formats.f.columns]\nisrc = \"ISRC\"\nterritory = \"T\"\nunits = \"U\"\namount = \"A\"\ndate = \"M\"\n",
        )
        .file(
            "dsps/d.toml",
            "name = \"D\"\nparty-id = \"PADPIDA2011072101T\"\n[transport]\ntype = \"folder\"\npath = \"out/d\"\n",
        );
    for (i, p) in payees.iter().enumerate() {
        let cur = if i == 2 { "EUR" } else { "GBP" };
        w.insert(
            &format!("parties/{p}.toml"),
            format!("name = \"P{i}\"\n[payee]\ncurrency = \"{cur}\"\nminimum-payout = \"10.00\"\n"),
        );
        let (rate, live) = c.rates.get(i).copied().unwrap_or((50, true));
        let start = if live { "2024-01-01" } else { "2026-01-01" };
        w.insert(
            &format!("contracts/{p}.toml"),
            format!(
                "payee = \"{p}\"\nstart = {start}\n[rates.default]\nstream = \"{rate}%\"\n[[advance]]\namount = \"25.00\"\ndate = 2024-02-01\n[reserve]\nrate = \"10%\"\nperiods = 2\n"
            ),
        );
    }
    let mut own = Vec::new();
    let mut client = Vec::new();
    for (r, split) in c.splits.iter().enumerate() {
        let mut t = format!(
            "isrc = \"{}\"\ntitle = \"T{r}\"\nartist = \"p0\"\nduration = \"3:00\"\nexplicit = false\n[splits.default]\n",
            isrc(r)
        );
        for (p, share) in split {
            t.push_str(&format!("{} = \"{share}%\"\n", payees[*p]));
        }
        w.insert(&format!("recordings/r{r}.toml"), t);
        if r % 2 == 1 {
            client.push(format!("\"r{r}\""))
        } else {
            own.push(format!("\"r{r}\""))
        }
    }
    for (name, tracks, owner) in [("own", own, ""), ("cli", client, "client = \"c\"\n")] {
        if tracks.is_empty() {
            continue;
        }
        w.insert(
            &format!("releases/{name}.toml"),
            format!(
                "upc = \"{}\"\ntitle = \"R\"\ntype = \"album\"\nartist = \"p0\"\n{owner}release-date = 2025-01-10\ngenre = \"Pop\"\ntracks = [{}]\n",
                if name == "own" { "5060987600018" } else { "5060987600025" },
                tracks.join(", ")
            ),
        );
    }
    w
}

fn dsr(c: &Case) -> String {
    let mut s = String::from(
        "HEAD\tdsrf/1.2/1.4/1.2\tBasicAudioProfile\t1.2\tM\t2025-05-15T03:15:00Z\t1\t1\t2025-04-01\t2025-04-30\tPADPIDA2011072101T\tD\t\tPADPIDA2099010101X\tL\t\n",
    );
    let mut body = String::from("RE01\tB1\tR1\tx\t\t\t\tA\t\tR\t\tAlbum\tL\t\t\n");
    for r in 0..7 {
        let i = if r < 6 {
            isrc(r)
        } else {
            "ZZSLV2599999".to_string()
        };
        body.push_str(&format!(
            "AS02.02\tB1\tA{r}\tx{r}\t{i}\tT\t\tA\t\tPT3M\tSoundRecording\t\t\t\t\t\t\t\t\t\t\t\n"
        ));
    }
    let mut n = 0;
    for (k, (pool, lines)) in c.pools.iter().enumerate() {
        let total: i64 = lines.iter().map(|(_, w)| w).sum();
        let extra = if c.bad_line && k == 0 { 7 } else { 0 };
        s.push_str(&format!(
            "SY01.01\tS{k}\t\t\tSubscriptionModel\tOnDemandStream\tGB\tPremium\t{}\t\tGBP\t{}\t\t\n",
            total + extra,
            Decimal::new(*pool, 2)
        ));
        for (r, w) in lines {
            n += 1;
            // Recordings beyond the catalogue's are unknown.
            let res = match r {
                Some(r) if *r < c.splits.len() => format!("A{r}"),
                _ => "A6".to_string(),
            };
            body.push_str(&format!("SU02\tB1\tS{k}\tT{n}\t\t{res}\ttrue\t{w}\t\n"));
        }
        if extra > 0 {
            body.push_str(&format!("SU02\tB1\tS{k}\tX\t\tA0\ttrue\tseven\t\n"));
        }
    }
    s.push_str(&body);
    s.push_str("FOOT\t0\t0\t0\t1\t1\n");
    s
}

fn csv(c: &Case) -> String {
    let mut s = String::from("M,T,ISRC,U,A\n");
    for (r, a) in &c.rows {
        let i = match r {
            Some(r) => isrc(*r),
            None => "QQQQQ0000000".into(),
        };
        s.push_str(&format!("2025-04,US,{i},3,{}\n", Decimal::new(*a, 4)));
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_unit_is_accounted(c in case_strategy()) {
        let w = world(&c);
        let checked = crate::check_catalogue(&w);
        prop_assert!(!checked.diagnostics.has_errors(), "{:?}", checked.diagnostics.iter().map(|d| d.message.clone()).collect::<Vec<_>>());
        let cat = &checked.catalogue;
        let table = rates::compile(cat);
        let mut reader = Reader::new(&table, false);
        reader.dsp_by_party.insert("PADPIDA2011072101T".into(), "d".into());
        let mut accounts = Accounts::default();
        let src = |p: &str| SourceFile::new(p, p);
        let d = dsr(&c);
        reader.read_dsr(src("a.tsv"), &mut d.as_bytes());
        accounts.account_pools(&mut reader);
        let fmt = cat.royalties.formats.get("f").cloned();
        prop_assert!(fmt.is_some());
        if let Some(f) = fmt {
            let t = csv(&c);
            reader.read_csv(src("b.csv"), &f, "D", &mut t.as_bytes());
        }
        accounts.account_pools(&mut reader);
        let period = Period::parse("2025-Q2").unwrap_or_else(|| unreachable!());
        let before = Balances { version: 1, ..Default::default() };
        let run = finish(&reader, &mut accounts, &before, period, &cat.royalties.fx, &[]);
        let run = match run {
            Ok(r) => r,
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        };
        for r in &run.reconciliation {
            prop_assert!(r.balances(), "{r:?}");
        }
        // The DSR's money: gross is exactly what the pools and rejected summaries held.
        let pools: i64 = c.pools.iter().map(|(p, _)| p).sum();
        if let Some(gbp) = run.reconciliation.iter().find(|r| r.currency == "GBP") {
            prop_assert_eq!(gbp.gross, Decimal::new(pools, 2));
        }
        let rows: i64 = c.rows.iter().map(|(_, a)| a).sum();
        if let Some(usd) = run.reconciliation.iter().find(|r| r.currency == "USD") {
            prop_assert_eq!(usd.gross, Decimal::new(rows, 4));
        }
        for s in &run.statements {
            let lines: Decimal = super::statement::lines(s, &table, &accounts, &reader, &super::statement::share_strings(&accounts)).iter().map(|l| l.royalty).sum();
            prop_assert_eq!(lines, s.earnings, "{}", s.payee);
            let g: Decimal = s.groups.iter().map(|g| g.closing).sum();
            prop_assert_eq!(g, s.carried);
        }
        // Facts carry the same money as the buckets (GBP only: no conversion).
        if let Some(gbp) = run.reconciliation.iter().find(|r| r.currency == "GBP") {
            let usd = run.reconciliation.iter().any(|r| r.currency == "USD");
            if !usd {
                let facts: Decimal = run.facts.iter().map(|(_, c)| super::input::from_minor(i128::from(c.gross), 2)).sum();
                let rejected = gbp.rejected;
                prop_assert_eq!(facts + rejected, gbp.gross);
            }
        }
    }
}
