//! `sleeve report`: the figures (on hand-made facts), the golden JSON, CSV and HTML, the page in
//! a real headless Chromium, and the command line. The facts come in through the in-process API
//! until the ledger is written; an end-to-end test through the ledger belongs with it.

use crate::cli::tempdir::Dir;
use crate::support::{compare_file, repo_root, sleeve};
use proptest::prelude::*;
use rust_decimal::Decimal;
use sleeve::report::{self, PeriodError, PeriodRange, Report, Row};
use sleeve::royalties::facts::Fact;
use std::str::FromStr;

mod browser;

/// A track as the facts name it.
pub struct Track {
    pub isrc: &'static str,
    pub upc: &'static str,
    pub release: &'static str,
    pub recording: &'static str,
    pub title: &'static str,
    pub artist: &'static str,
    pub owner: &'static str,
}

const A1: Track = Track {
    isrc: "ZZSLV2500001",
    upc: "5012345678900",
    release: "harbour-lights",
    recording: "harbour-lights-a1",
    title: "Harbour Lights",
    artist: "The Lantern Choir",
    owner: "label",
};
const A2: Track = Track {
    isrc: "ZZSLV2500002",
    recording: "low-tide",
    title: "Low Tide",
    ..A1
};
/// On an imprint, with text that must be escaped in HTML and quoted in CSV.
const B1: Track = Track {
    isrc: "ZZSLV2500010",
    upc: "5012345678917",
    release: "night-bus",
    recording: "night-bus",
    title: "Night Bus <Live>, \"Take 2\"",
    artist: "Aurora Vale & Co",
    owner: "nocturne",
};
/// A white-label client's track: the label keeps a distribution fee.
const C1: Track = Track {
    isrc: "ZZSLV2500020",
    upc: "5012345678924",
    release: "kelp-forest",
    recording: "kelp-forest",
    title: "Kelp Forest",
    artist: "Mara Vell",
    owner: "tidewater-music",
};
/// Not in the catalogue when reported: its income is held in suspense.
const UNMATCHED: Track = Track {
    isrc: "ZZSLV2500099",
    upc: "",
    release: "",
    recording: "",
    title: "Driftwood (as reported)",
    artist: "Lantern Choir",
    owner: "",
};
/// The same ISRC once added to the catalogue: the suspense is released.
const MATCHED_LATER: Track = Track {
    isrc: "ZZSLV2500099",
    upc: "5012345678900",
    release: "harbour-lights",
    recording: "driftwood",
    title: "Driftwood",
    artist: "The Lantern Choir",
    owner: "label",
};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

/// One fact: `when` = (period, usage month), `sold` = (DSP, service, territory, channel),
/// `money` = [gross, fees, payees, label, suspense].
pub fn fact(
    when: (&str, &str),
    sold: (&str, &str, &str, &str),
    t: &Track,
    units: i64,
    money: [&str; 5],
) -> Fact {
    Fact {
        period: when.0.into(),
        usage_month: when.1.into(),
        dsp: sold.0.into(),
        service: sold.1.into(),
        territory: sold.2.into(),
        channel: sold.3.into(),
        isrc: t.isrc.into(),
        upc: t.upc.into(),
        release: t.release.into(),
        recording: t.recording.into(),
        title: t.title.into(),
        artist: t.artist.into(),
        owner: t.owner.into(),
        units,
        gross: dec(money[0]),
        fees: dec(money[1]),
        payees: dec(money[2]),
        label: dec(money[3]),
        suspense: dec(money[4]),
    }
}

/// The fixed facts of the golden files and the browser test: a year by quarter, with Q3
/// missing, streams, downloads, physical, UGC and sync, an imprint, a white-label client, a
/// South-East-Asia push (SG, MY, TH, ID), a late report, a track that earned nothing, and an
/// unmatched ISRC whose suspense is released once it is matched.
pub fn sample() -> Vec<Fact> {
    let q1 = |m| ("2025-Q1", m);
    let q2 = |m| ("2025-Q2", m);
    let q4 = |m| ("2025-Q4", m);
    let premium = |t| ("spotify", "Premium", t, "stream");
    vec![
        fact(
            q1("2025-01"),
            premium("GB"),
            &A1,
            120_000,
            ["480.00", "0", "240.00", "240.00", "0"],
        ),
        fact(
            q1("2025-02"),
            ("spotify", "Free", "GB", "stream"),
            &A1,
            80_000,
            ["96.00", "0", "48.00", "48.00", "0"],
        ),
        fact(
            q1("2025-02"),
            premium("SG"),
            &A1,
            20_000,
            ["40.00", "0", "20.00", "20.00", "0"],
        ),
        fact(
            q1("2025-03"),
            ("apple-music", "", "US", "stream"),
            &B1,
            50_000,
            ["350.00", "0", "175.00", "175.00", "0"],
        ),
        fact(
            q1("2025-03"),
            ("bandcamp", "", "GB", "download"),
            &B1,
            300,
            ["2100.00", "0", "1050.00", "1050.00", "0"],
        ),
        fact(
            q1("2025-03"),
            premium("MY"),
            &C1,
            10_000,
            ["20.00", "3.00", "8.50", "8.50", "0"],
        ),
        fact(
            q1("2025-03"),
            premium("DE"),
            &UNMATCHED,
            5_000,
            ["15.00", "0", "0", "0", "15.00"],
        ),
        // DOMAIN.md's worked example: one pool, three lines, one unmatched.
        fact(
            q2("2025-04"),
            premium("DE"),
            &A1,
            201_350,
            ["530.62", "0", "225.51", "305.11", "0"],
        ),
        fact(
            q2("2025-04"),
            premium("DE"),
            &A2,
            132_890,
            ["350.20", "0", "148.84", "201.36", "0"],
        ),
        fact(
            q2("2025-04"),
            premium("DE"),
            &UNMATCHED,
            67_293,
            ["177.34", "0", "0", "0", "177.34"],
        ),
        fact(
            q2("2025-05"),
            premium("GB"),
            &A1,
            130_000,
            ["520.00", "0", "260.00", "260.00", "0"],
        ),
        fact(
            q2("2025-05"),
            premium("SG"),
            &A1,
            35_000,
            ["70.00", "0", "35.00", "35.00", "0"],
        ),
        fact(
            q2("2025-05"),
            premium("TH"),
            &A2,
            15_000,
            ["22.50", "0", "11.25", "11.25", "0"],
        ),
        fact(
            q2("2025-06"),
            premium("ID"),
            &C1,
            12_000,
            ["14.40", "2.16", "6.12", "6.12", "0"],
        ),
        // Streams that earned nothing: counted, but not in the per-1,000 denominator.
        fact(
            q2("2025-06"),
            ("spotify", "Free", "ID", "stream"),
            &B1,
            900,
            ["0", "0", "0", "0", "0"],
        ),
        fact(
            q2("2025-06"),
            ("youtube", "", "US", "ugc"),
            &B1,
            40_000,
            ["16.00", "0", "8.00", "8.00", "0"],
        ),
        fact(
            q2("2025-06"),
            ("bandcamp", "", "GB", "download"),
            &B1,
            150,
            ["1050.00", "0", "525.00", "525.00", "0"],
        ),
        fact(
            q2("2025-06"),
            ("bandcamp", "", "GB", "physical"),
            &A1,
            20,
            ["300.00", "0", "150.00", "150.00", "0"],
        ),
        // A late report: March usage accounted in Q2.
        fact(
            q2("2025-03"),
            ("apple-music", "", "US", "stream"),
            &B1,
            10_000,
            ["70.00", "0", "35.00", "35.00", "0"],
        ),
        fact(
            q4("2025-10"),
            premium("GB"),
            &A1,
            140_000,
            ["560.00", "0", "280.00", "280.00", "0"],
        ),
        fact(
            q4("2025-10"),
            premium("SG"),
            &A1,
            60_000,
            ["126.00", "0", "63.00", "63.00", "0"],
        ),
        fact(
            q4("2025-11"),
            premium("MY"),
            &C1,
            25_000,
            ["55.00", "8.25", "23.37", "23.38", "0"],
        ),
        fact(
            q4("2025-11"),
            premium("TH"),
            &A2,
            30_000,
            ["48.00", "0", "24.00", "24.00", "0"],
        ),
        fact(
            q4("2025-12"),
            ("apple-music", "", "US", "stream"),
            &B1,
            45_000,
            ["315.00", "0", "157.50", "157.50", "0"],
        ),
        fact(
            q4("2025-12"),
            ("filmhouse", "", "GB", "sync"),
            &A2,
            1,
            ["750.00", "0", "375.00", "375.00", "0"],
        ),
        // Matched at last: the Q2 suspense moves to the payees and the label.
        fact(
            q4("2025-12"),
            premium("DE"),
            &MATCHED_LATER,
            0,
            ["0", "0", "88.67", "88.67", "-177.34"],
        ),
    ]
}

pub fn year() -> PeriodRange {
    PeriodRange::parse("2025-Q1..2025-Q4").expect("range")
}

pub fn sample_report() -> Report {
    report::compute(&sample(), &year(), "GBP")
}

fn row<'a>(rows: &'a [Row], key: &str) -> &'a Row {
    rows.iter()
        .find(|r| r.key == key)
        .unwrap_or_else(|| panic!("no row {key}"))
}

#[test]
fn report_per_1000_is_a_ratio_of_sums() {
    let t = |units, gross: &str| {
        fact(
            ("2025-Q1", "2025-01"),
            ("spotify", "Premium", "SG", "stream"),
            &A1,
            units,
            [gross, "0", "0", gross, "0"],
        )
    };
    let facts = vec![
        t(1_000, "10.00"),
        t(99_000, "90.00"),
        // Earned nothing: not royalty-bearing, so not in the denominator.
        t(50_000, "0"),
        // A download's money is not streaming revenue.
        fact(
            ("2025-Q1", "2025-01"),
            ("bandcamp", "", "SG", "download"),
            &A1,
            10,
            ["99.00", "0", "0", "99.00", "0"],
        ),
    ];
    let r = report::compute(&facts, &year(), "GBP");
    let sg = row(&r.by_territory, "SG");
    // (10 + 90) ÷ (1,000 + 99,000) × 1,000 = 1.0000; a mean of the two rates would be 5.4545.
    assert_eq!(sg.measures.per_1000, Some(dec("1.0000")));
    assert_eq!(sg.measures.streams, 150_000);
    assert_eq!(sg.measures.paid_streams, 100_000);
    assert_eq!(sg.measures.stream_gross, dec("100.00"));
    assert_eq!(sg.measures.gross, dec("199.00"));
    assert_eq!(
        row(&r.by_service, "spotify/Premium").measures.per_1000,
        Some(dec("1.0000"))
    );
    assert_eq!(row(&r.by_service, "bandcamp").measures.per_1000, None);
    assert_eq!(
        row(&r.by_service, "spotify/Premium").name,
        "spotify Premium"
    );
    // The worked example of DOMAIN.md: £1,058.16 over 401,533 streams ≈ £2.6353 per 1,000.
    let s = sample_report();
    let de_q2 = row(&s.by_territory, "DE")
        .periods
        .iter()
        .find(|c| c.period == "2025-Q2")
        .expect("DE in Q2");
    assert_eq!(de_q2.measures.gross, dec("1058.16"));
    assert_eq!(de_q2.measures.streams, 401_533);
    assert_eq!(de_q2.measures.per_1000, Some(dec("2.6353")));
}

#[test]
fn report_ranks_by_gross_then_streams_then_key() {
    let t = |ter, units, gross: &str| {
        fact(
            ("2025-Q1", "2025-01"),
            ("spotify", "Premium", ter, "stream"),
            &A1,
            units,
            [gross, "0", "0", gross, "0"],
        )
    };
    let facts = vec![
        t("TH", 100, "5.00"),
        t("MY", 300, "7.00"),
        t("SG", 200, "7.00"),
        t("ID", 200, "7.00"),
        t("GB", 1, "20.00"),
    ];
    let r = report::compute(&facts, &year(), "GBP");
    let order: Vec<(&str, usize)> = r
        .by_territory
        .iter()
        .map(|t| (t.key.as_str(), t.rank))
        .collect();
    assert_eq!(
        order,
        [("GB", 1), ("MY", 2), ("ID", 3), ("SG", 4), ("TH", 5)]
    );
    assert_eq!(row(&r.by_territory, "GB").share_pct, Some(dec("43.48")));
    // The same facts in another order give the same report.
    let mut shuffled = facts.clone();
    shuffled.reverse();
    assert_eq!(report::compute(&shuffled, &year(), "GBP"), r);

    // The sample's South-East-Asia push: each territory's rank, share and growth by period.
    let s = sample_report();
    let sg = row(&s.by_territory, "SG");
    let by_period: Vec<(&str, Decimal)> = sg
        .periods
        .iter()
        .map(|c| (c.period.as_str(), c.measures.gross))
        .collect();
    assert_eq!(
        by_period,
        [
            ("2025-Q1", dec("40.00")),
            ("2025-Q2", dec("70.00")),
            ("2025-Q4", dec("126.00"))
        ]
    );
    let ranks: Vec<&str> = s.by_territory.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(ranks, ["GB", "DE", "US", "SG", "MY", "TH", "ID"]);
    assert_eq!(
        s.top_releases,
        ["night-bus", "harbour-lights", "kelp-forest"]
    );
    assert_eq!(
        s.top_tracks.first().map(String::as_str),
        Some("ZZSLV2500010")
    );
}

#[test]
fn report_trends_compare_each_period_with_the_one_before() {
    let s = sample_report();
    assert_eq!(s.periods, ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]);
    assert_eq!(s.periods_without_data, ["2025-Q3"]);
    let p: Vec<(&str, bool, Decimal, Option<Decimal>)> = s
        .by_period
        .iter()
        .map(|r| {
            (
                r.key.as_str(),
                r.has_data,
                r.measures.gross,
                r.gross_change_pct,
            )
        })
        .collect();
    assert_eq!(
        p,
        [
            ("2025-Q1", true, dec("3101.00"), None),
            ("2025-Q2", true, dec("3121.06"), Some(dec("0.65"))),
            ("2025-Q3", false, dec("0.00"), Some(dec("-100.00"))),
            // Nothing to compare with after an empty period.
            ("2025-Q4", true, dec("1854.00"), None),
        ]
    );
    // Usage months are kept apart from statement periods: the late March report is in March.
    let march = s
        .by_usage_month
        .iter()
        .find(|m| m.key == "2025-03")
        .expect("March");
    assert_eq!(march.measures.gross, dec("2555.00"));
    assert_eq!(s.totals.gross, dec("8076.06"));
    let per_period: Decimal = s.by_period.iter().map(|r| r.measures.gross).sum();
    assert_eq!(per_period, s.totals.gross);
}

#[test]
fn report_suspense_has_its_own_row_and_a_balance() {
    let s = sample_report();
    let unmatched = row(&s.by_release, report::UNMATCHED);
    assert_eq!(unmatched.measures.suspense, dec("192.34"));
    assert_eq!(
        row(&s.by_owner, report::UNMATCHED).measures.gross,
        dec("192.34")
    );
    assert!(!s.top_releases.iter().any(|k| k == report::UNMATCHED));
    let held: Vec<(&str, Decimal, Decimal)> = s
        .by_period
        .iter()
        .map(|r| (r.key.as_str(), r.measures.suspense, r.suspense_balance))
        .collect();
    assert_eq!(
        held,
        [
            ("2025-Q1", dec("15.00"), dec("15.00")),
            ("2025-Q2", dec("177.34"), dec("192.34")),
            ("2025-Q3", dec("0.00"), dec("192.34")),
            ("2025-Q4", dec("-177.34"), dec("15.00")),
        ]
    );
    // The ISRC is named after the catalogue once matched.
    assert_eq!(row(&s.by_track, "ZZSLV2500099").name, "Driftwood");
    // Every amount adds up: gross = fees + payees + label + suspense.
    let t = &s.totals;
    assert_eq!(t.gross, t.fees + t.payees + t.label + t.suspense);
    assert_eq!(t.net, t.gross - t.fees);
}

#[test]
fn report_over_periods_without_data_says_so() {
    let range = PeriodRange::parse("2026-Q1..2026-Q2").expect("range");
    let r = report::compute(&sample(), &range, "GBP");
    assert!(r.empty);
    assert_eq!(r.facts, 0);
    assert_eq!(r.periods_without_data, ["2026-Q1", "2026-Q2"]);
    let html = report::to_html(&r);
    assert!(html.contains("id=\"no-data\""), "{html}");
    assert!(html.contains("No royalty data in the ledger for 2026-Q1..2026-Q2"));
    assert!(!html.contains("id=\"t-territory\""));
    let csv = report::to_csv(&r);
    assert_eq!(csv.lines().count(), 1 + 1 + 2, "{csv}");
    // A range that holds some of the facts leaves the others out.
    let r = report::compute(
        &sample(),
        &PeriodRange::parse("2025-Q4").expect("range"),
        "GBP",
    );
    assert_eq!(r.periods, ["2025-Q4"]);
    assert_eq!(r.facts, 7);
    assert_eq!(r.totals.gross, dec("1854.00"));
}

#[test]
fn report_period_ranges_parse_or_say_why_not() {
    let ok = |s: &str| PeriodRange::parse(s).expect(s).describe();
    assert_eq!(ok("2025-Q1..2025-Q4"), "2025-Q1..2025-Q4");
    assert_eq!(ok(" 2025-Q2 "), "2025-Q2");
    assert_eq!(ok("2025-H1..2026-H2"), "2025-H1..2026-H2");
    assert_eq!(ok("2025-01.."), "2025-01..");
    assert_eq!(ok("..2025"), "..2025");
    assert_eq!(
        PeriodRange::parse("2024-11..2025-02")
            .expect("months")
            .listed(),
        ["2024-11", "2024-12", "2025-01", "2025-02"]
    );
    for bad in [
        "",
        "2025-Q5",
        "2025-Q0",
        "2025-13",
        "2025-00",
        "25-Q1",
        "0999",
        "2025-q1",
        "2025-Q1..2025-Q2..",
        "Q1",
        "2025-Q1-",
        "２０２５",
    ] {
        assert!(
            matches!(PeriodRange::parse(bad), Err(PeriodError::Malformed(_))),
            "{bad:?}"
        );
    }
    assert!(matches!(
        PeriodRange::parse("2025-Q4..2025-Q1"),
        Err(PeriodError::Backwards { .. })
    ));
    assert!(matches!(
        PeriodRange::parse("2025-Q1..2025-06"),
        Err(PeriodError::MixedKinds { .. })
    ));
    assert!(matches!(PeriodRange::parse(".."), Err(PeriodError::Empty)));
    // A very long range still works, listing only the periods with data.
    let long = PeriodRange::parse("1000-01..9999-12").expect("long");
    assert!(long.listed().is_empty());
    assert_eq!(
        report::compute(&sample(), &long, "GBP").periods,
        ["2025-Q1", "2025-Q2", "2025-Q4"]
    );
}

#[test]
fn report_golden_json_csv_html() {
    let r = sample_report();
    let dir = repo_root().join("golden/report");
    let mut failures = Vec::new();
    for (file, text) in [
        ("report.json", report::to_json(&r)),
        ("report.csv", report::to_csv(&r)),
        ("report.html", report::to_html(&r)),
    ] {
        failures.extend(compare_file(&dir.join(file), &text));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // CSV and JSON hold the same figures: spot-check the whole-range total row.
    let csv = report::to_csv(&r);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(report::CSV_COLUMNS.join(",").as_str()));
    let total = lines.next().expect("total row");
    assert!(
        total.starts_with(&format!("total,,,,,,,{},", r.totals.streams)),
        "{total}"
    );
    assert!(total.contains(&format!(",{},", r.totals.gross)), "{total}");
    assert!(
        csv.contains("\"Night Bus <Live>, \"\"Take 2\"\"\""),
        "CSV quotes text"
    );
}

#[test]
fn report_escapes_text_from_the_ledger() {
    let evil = Track {
        title: "</script><script>alert(1)</script>",
        artist: "\"><img src=x onerror=alert(1)>",
        owner: "=HYPERLINK(\"http://x\")",
        ..A1
    };
    let f = fact(
        ("2025-Q1", "2025-01"),
        ("sp<o>t", "Pre'mium", "G&B", "stream"),
        &evil,
        10,
        ["1.00", "0", "0", "1.00", "0"],
    );
    let r = report::compute(&[f], &year(), "GB<P");
    let html = report::to_html(&r);
    assert!(!html.contains("<script>alert"), "raw script in the page");
    assert!(!html.contains("<img"), "raw tag in the page");
    assert!(html.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(
        html.matches("<script>").count(),
        2,
        "only the page's own scripts"
    );
    let csv = report::to_csv(&r);
    assert!(csv.contains("'=HYPERLINK(\"\"http://x\"\")"), "{csv}");
}

/// Amounts from the whole of `Decimal`'s range, and arbitrary text.
fn amount() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::MAX),
        Just(Decimal::MIN),
        Just(Decimal::ZERO),
        (any::<i64>(), 0u32..=28).prop_map(|(n, s)| Decimal::new(n, s)),
    ]
}

fn odd_fact() -> impl Strategy<Value = Fact> {
    let text = "\\PC{0,12}";
    (
        (
            prop_oneof![
                Just("2025-Q1".to_string()),
                Just("2025-Q2".to_string()),
                "\\PC{0,8}"
            ],
            text,
            text,
            text,
            text,
        ),
        (
            prop_oneof![
                Just("stream".to_string()),
                Just("download".to_string()),
                "\\PC{0,8}"
            ],
            text,
            text,
            text,
        ),
        any::<i64>(),
        (amount(), amount(), amount(), amount(), amount()),
    )
        .prop_map(
            |(
                (period, usage_month, dsp, service, territory),
                (channel, isrc, release, title),
                units,
                (gross, fees, payees, label, suspense),
            )| Fact {
                period,
                usage_month,
                dsp,
                service,
                territory,
                channel,
                recording: release.clone(),
                owner: release.clone(),
                artist: title.clone(),
                upc: isrc.clone(),
                isrc,
                release,
                title,
                units,
                gross,
                fees,
                payees,
                label,
                suspense,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Odd facts (huge amounts, arbitrary text, bad periods) give a report, never a panic.
    #[test]
    fn report_never_panics_on_odd_facts(facts in prop::collection::vec(odd_fact(), 0..12)) {
        for range in [PeriodRange::all(), year()] {
            let r = report::compute(&facts, &range, "GBP");
            let json = report::to_json(&r);
            prop_assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
            let _ = report::to_csv(&r);
            let html = report::to_html(&r);
            prop_assert_eq!(html.matches("<script>").count(), 2);
        }
    }
}

#[test]
fn report_cli_rejects_a_bad_period() {
    let dir = Dir::new("report-bad-period");
    let out = sleeve(
        dir.path(),
        &["report", ".", "--periods", "2025-Q4..2025-Q1"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("error: `2025-Q4..2025-Q1` ends before it starts"),
        "{}",
        out.stderr
    );
    let out = sleeve(dir.path(), &["report", ".", "--periods", "2025-Q5"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("`2025-Q5` is not a statement period"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn report_cli_writes_nothing_without_facts() {
    // Outside git, then without any royalty run: a clear error, exit 1, no file.
    let dir = Dir::new("report-no-facts");
    dir.write(
        "sleeve.toml",
        "[label]\nname = \"L\"\nparty-id = \"PADPIDA2099010101X\"\ncurrency = \"GBP\"\n",
    );
    let out = sleeve(
        dir.path(),
        &["report", ".", "--periods", "2025-Q1..2025-Q4"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    assert!(
        out.stderr.contains("help: run `git init`"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
    assert!(!dir.path().join("report.html").exists());
    // In a repository whose ledger has no run yet: said so.
    crate::deliver::git(dir.path(), &["init", "-q"]);
    let out = sleeve(
        dir.path(),
        &["report", ".", "--periods", "2025-Q1..2025-Q4"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("no royalty data"), "{}", out.stderr);
    assert!(!dir.path().join("report.html").exists());
}
