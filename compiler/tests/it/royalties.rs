//! `sleeve royalties` and `sleeve trace` on real report files, in real git repositories.

use crate::cli::tempdir::Dir;
use crate::deliver::{git, repo_with_catalogue};
use crate::support::{Output, compare_file, repo_root, sleeve};
use rust_decimal::Decimal;
use std::path::Path;
use std::str::FromStr;

fn run(dir: &Path, args: &[&str]) -> Output {
    sleeve(dir, args)
}

fn json(o: &Output) -> serde_json::Value {
    assert_eq!(o.code, 0, "stderr:\n{}", o.stderr);
    serde_json::from_str(&o.stdout).expect("royalties json")
}

fn dec(v: &serde_json::Value) -> Decimal {
    Decimal::from_str(v.as_str().expect("amount string")).expect("decimal")
}

/// Every reconciliation object's buckets add up to its gross, exactly.
fn assert_balances(v: &serde_json::Value) {
    let recon = v["reconciliation"].as_array().expect("reconciliation list");
    assert!(!recon.is_empty());
    for r in recon {
        let obj = r.as_object().expect("object");
        let gross = dec(&obj["gross"]);
        let sum: Decimal = obj
            .iter()
            .filter(|(k, _)| *k != "currency" && *k != "gross")
            .map(|(_, v)| dec(v))
            .sum();
        assert_eq!(
            gross, sum,
            "buckets of {} do not sum to gross: {r}",
            obj["currency"]
        );
    }
}

fn payee<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["payees"]
        .as_array()
        .expect("payees")
        .iter()
        .find(|p| p["payee"] == id)
        .unwrap_or_else(|| panic!("no payee {id} in {v}"))
}

fn royalties(dir: &Path, period: &str, extra: &[&str]) -> Output {
    let reports = format!("reports/{period}");
    let mut args = vec![
        "royalties",
        ".",
        "--period",
        period,
        "--reports",
        &reports,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    run(dir, &args)
}

/// Two quarters of catalog-example's sample reports: the second continues from the first,
/// outputs match `golden/royalties/`, re-running a period is refused, `--replace` reproduces it.
#[test]
fn two_quarters_continue_and_balance() {
    let dir = repo_with_catalogue("royalties");
    let q2 = json(&royalties(dir.path(), "2025-Q2", &[]));
    assert_balances(&q2);
    let gbp = q2["reconciliation"]
        .as_array()
        .expect("list")
        .iter()
        .find(|r| r["currency"] == "GBP")
        .expect("GBP");
    assert_eq!(
        gbp["suspense"], "76.48",
        "the unknown ISRC's income is held"
    );
    assert_eq!(
        payee(&q2, "mara-vell")["paid"],
        "60.84",
        "above her £50 minimum"
    );
    assert_eq!(
        payee(&q2, "the-lantern-choir")["carried"],
        "-1059.58",
        "−2000 advance + 940.42"
    );

    // Outputs, byte for byte.
    let out = dir.path().join("statements/2025-Q2");
    let mut diffs = Vec::new();
    for rel in [
        "reconciliation.json",
        "label-summary.csv",
        "suspense.csv",
        "rejects.tsv",
        "statements/mara-vell.csv",
        "statements/the-lantern-choir.csv",
        "statements/juno-okafor.json",
        "statements/silt.csv",
    ] {
        let actual = std::fs::read_to_string(out.join(rel)).expect(rel);
        if let Some(d) = compare_file(
            &repo_root().join("golden/royalties/2025-Q2").join(rel),
            &actual,
        ) {
            diffs.push(d);
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n\n"));

    let q3 = json(&royalties(dir.path(), "2025-Q3", &[]));
    assert_balances(&q3);
    let lantern = payee(&q3, "the-lantern-choir");
    assert_eq!(
        dec(&lantern["carried"]),
        Decimal::from_str("-1059.58").expect("d") + dec(&lantern["royalties"]),
        "Q3 continues from Q2's balance"
    );
    // Owen's £28.71 carried from Q2 plus Q3 passes his minimum: both are paid.
    let owen = payee(&q3, "owen-marsh");
    assert_eq!(
        dec(&owen["paid"]),
        Decimal::from_str("28.71").expect("d") + dec(&owen["royalties"])
    );
    // The white-label client's fee is the label's.
    let gbp3 = q3["reconciliation"]
        .as_array()
        .expect("list")
        .iter()
        .find(|r| r["currency"] == "GBP")
        .expect("GBP");
    assert_ne!(gbp3["fees"], "0.00");

    // Re-running a period is refused; a report already accounted is refused.
    let again = royalties(dir.path(), "2025-Q3", &[]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("E0601"), "{}", again.stderr);
    let dup = run(
        dir.path(),
        &[
            "royalties",
            ".",
            "--period",
            "2025-Q4",
            "--reports",
            "reports/2025-Q3",
        ],
    );
    assert_eq!(dup.code, 1);
    assert!(
        dup.stderr.contains("E0603") && dup.stderr.contains("already accounted in 2025-Q3"),
        "{}",
        dup.stderr
    );
    // A corrected re-send of an accounted DSR (same sender, MessageId and file, other bytes)
    // is refused too: it would pay the same usage twice.
    let q2_dsr = "DSR_PADPIDA2099010101X_PADPIDA2011072101T_Premium-Free_2025-04_GB_1of1_20250515T031500.tsv";
    let text =
        std::fs::read_to_string(dir.path().join("reports/2025-Q2").join(q2_dsr)).expect("dsr");
    dir.write(
        &format!("reports/2025-Q4/{q2_dsr}"),
        text.replace("1842.37", "1842.38"),
    );
    let resent = run(
        dir.path(),
        &[
            "royalties",
            ".",
            "--period",
            "2025-Q4",
            "--reports",
            "reports/2025-Q4",
        ],
    );
    assert_eq!(resent.code, 1);
    assert!(
        resent.stderr.contains("E0603") && resent.stderr.contains("SPOT-NJR-2025-04-GB-001"),
        "{}",
        resent.stderr
    );
    // An earlier period than the ledger's last is refused.
    let early = run(
        dir.path(),
        &[
            "royalties",
            ".",
            "--period",
            "2025-Q1",
            "--reports",
            "reports/2025-Q2",
        ],
    );
    assert!(
        early.code == 1 && early.stderr.contains("E0601"),
        "{}",
        early.stderr
    );

    // --replace re-posts the last period from the balances before it: same figures.
    let replaced = json(&royalties(dir.path(), "2025-Q3", &["--replace"]));
    assert_eq!(replaced["payees"], q3["payees"]);
    assert_eq!(replaced["reconciliation"], q3["reconciliation"]);
    let log = std::process::Command::new("git")
        .args(["log", "--format=%s", "refs/sleeve/ledger/root"])
        .current_dir(dir.path())
        .output()
        .expect("git");
    let log = String::from_utf8_lossy(&log.stdout);
    assert_eq!(
        log.lines().collect::<Vec<_>>(),
        [
            "royalties 2025-Q3 (replaces the earlier run)",
            "royalties 2025-Q3",
            "royalties 2025-Q2"
        ]
    );

    // The report reads the ledger: each period's gross is the sum of that run's facts.
    let rep = run(dir.path(), &["report", ".", "--format", "json"]);
    let rep = json(&rep);
    for (period, folder) in [("2025-Q2", "2025-Q2"), ("2025-Q3", "2025-Q3")] {
        let facts =
            std::fs::read_to_string(dir.path().join(format!("statements/{folder}/facts.csv")))
                .expect("facts");
        let mut r = csv::Reader::from_reader(facts.as_bytes());
        let gross_col = r
            .headers()
            .expect("header")
            .iter()
            .position(|h| h == "gross")
            .expect("gross column");
        let sum: Decimal = r
            .records()
            .map(|rec| {
                Decimal::from_str(rec.expect("row").get(gross_col).expect("cell")).expect("gross")
            })
            .sum();
        let row = rep["by_period"]
            .as_array()
            .expect("by_period")
            .iter()
            .find(|r| r["key"] == period)
            .expect("period row");
        assert_eq!(dec(&row["gross"]), sum, "{period}");
    }

    // The trace names the source line, the allocation, the rate and split, and the balance.
    let t = run(
        dir.path(),
        &[
            "trace",
            "mara-vell",
            "ZZSLV2500001",
            "--path",
            ".",
            "--period",
            "2025-Q3",
        ],
    );
    assert_eq!(t.code, 0, "{}", t.stderr);
    for want in [
        "DSR_PADPIDA2099010101X_PADPIDA2011072101T",
        "largest remainder",
        "contract `mara-vell-2024`",
        "recoupment position",
        "JOOX_NJR_2025Q3.csv:",
    ] {
        assert!(
            t.stdout.contains(want),
            "trace lacks {want:?}:\n{}",
            t.stdout
        );
    }
}

/// Income held in suspense for an unknown ISRC is released to the payee once the catalogue
/// knows the recording.
#[test]
fn suspense_is_released_when_the_catalogue_is_fixed() {
    let dir = repo_with_catalogue("suspense");
    let q2 = json(&royalties(dir.path(), "2025-Q2", &[]));
    let mara_q2 = dec(&payee(&q2, "mara-vell")["royalties"]);
    // The acoustic version is added, all Mara Vell's.
    dir.write(
        "recordings/harbour-lights-acoustic.toml",
        "isrc = \"GB-NJR-25-00099\"\ntitle = \"Harbour Lights\"\nversion = \"Acoustic\"\nartist = \"mara-vell\"\nduration = \"3:50\"\nexplicit = false\np-line = \"2025 Nightjar Records Ltd\"\n\n[splits.default]\nmara-vell = \"100%\"\n",
    );
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "add the acoustic version"]);
    let q3 = json(&royalties(dir.path(), "2025-Q3", &[]));
    assert_balances(&q3);
    assert_eq!(q3["released_from_suspense"], 2, "{q3}");
    let gbp = q3["reconciliation"]
        .as_array()
        .expect("list")
        .iter()
        .find(|r| r["currency"] == "GBP")
        .expect("GBP");
    assert_eq!(gbp["suspense_released"], "-76.48");
    // Q3's own lines for that ISRC now match too: nothing is held for it.
    assert!(q3["suspense"].as_array().expect("list").iter().all(|s| {
        !s["identifier"]
            .as_str()
            .unwrap_or("")
            .contains("GBNJR2500099")
    }));
    let mara_q3 = dec(&payee(&q3, "mara-vell")["royalties"]);
    assert!(
        mara_q3 > mara_q2,
        "released income reaches Mara Vell: {mara_q3}"
    );
    let csv = std::fs::read_to_string(dir.path().join("statements/2025-Q3/suspense.csv"))
        .expect("suspense.csv");
    assert!(csv.contains("released,"), "{csv}");
}

/// DOMAIN §6's worked example, figure for figure: £1,058.16 over three lines, a 15% fee,
/// a 50% rate, an 80/20 split, an unknown ISRC, an unrecouped advance, a minimum payout.
#[test]
fn domain_worked_example() {
    let dir = Dir::new("worked");
    dir.write(
        "sleeve.toml",
        "[label]\nname = \"Nightjar Records\"\nparty-id = \"PADPIDA2099010101X\"\ncurrency = \"GBP\"\nstatement-period = \"quarterly\"\n\n[clients.example]\nname = \"Example\"\ncopyright-owner = \"Example Ltd\"\nfee = \"15%\"\npayee = \"the-lantern-choir\"\n",
    );
    for (id, name, min) in [
        ("the-lantern-choir", "The Lantern Choir", "50.00"),
        ("mara-vell", "Mara Vell", "50.00"),
    ] {
        dir.write(
            &format!("parties/{id}.toml"),
            format!("name = \"{name}\"\n[payee]\ncurrency = \"GBP\"\nminimum-payout = \"{min}\"\n"),
        );
    }
    dir.write(
        "recordings/harbour-lights.toml",
        "isrc = \"ZZSLV2500001\"\ntitle = \"Harbour Lights\"\nartist = \"the-lantern-choir\"\nduration = \"3:45\"\nexplicit = false\n[splits.default]\nthe-lantern-choir = \"80%\"\nmara-vell = \"20%\"\n",
    );
    dir.write(
        "recordings/low-tide.toml",
        "isrc = \"ZZSLV2500002\"\ntitle = \"Low Tide\"\nartist = \"the-lantern-choir\"\nduration = \"4:02\"\nexplicit = false\n[splits.default]\nthe-lantern-choir = \"100%\"\n",
    );
    dir.write(
        "releases/harbour-lights.toml",
        "upc = \"0840000000019\"\ntitle = \"Harbour Lights\"\ntype = \"album\"\nartist = \"the-lantern-choir\"\nclient = \"example\"\nrelease-date = 2025-04-04\ngenre = \"Folk\"\ntracks = [\"harbour-lights\", \"low-tide\"]\n",
    );
    dir.write(
        "contracts/lantern.toml",
        "payee = \"the-lantern-choir\"\nstart = 2024-06-01\n[rates.default]\nstream = \"50%\"\n[[advance]]\namount = \"2000.00\"\ndate = 2024-06-01\n",
    );
    dir.write(
        "contracts/mara.toml",
        "payee = \"mara-vell\"\nstart = 2024-01-01\n[rates.default]\nstream = \"50%\"\n",
    );
    let dsr = "HEAD\tdsrf/1.2/1.4/1.2\tBasicAudioProfile\t1.2\tEX-1\t2025-05-15T03:15:00Z\t1\t1\t2025-04-01\t2025-04-30\tPADPIDA2099010102V\tExample DSP\t\tPADPIDA2099010101X\tNightjar Records\t\n\
SY01.01\tS1\t\t\tSubscriptionModel\tOnDemandStream\tDE\tPremium\t401533\t\tGBP\t1058.16\t\t\n\
RE01\tB1\tR1\tex:1\t\t\t0840000000019\tThe Lantern Choir\t\tHarbour Lights\t\tAlbum\tNightjar Records\t\t\n\
AS02.02\tB1\tA1\tex:t1\tZZSLV2500001\tHarbour Lights\t\tThe Lantern Choir\t\tPT3M45S\tSoundRecording\t\t\t\t\t\t\t\t\t\t\t\n\
AS02.02\tB1\tA2\tex:t2\tZZSLV2500002\tLow Tide\t\tThe Lantern Choir\t\tPT4M2S\tSoundRecording\t\t\t\t\t\t\t\t\t\t\t\n\
AS02.02\tB1\tA3\tex:t3\tZZSLV2500099\tUnknown\t\tThe Lantern Choir\t\tPT4M2S\tSoundRecording\t\t\t\t\t\t\t\t\t\t\t\n\
SU02\tB1\tS1\tT1\t\tA1\ttrue\t201350\t\n\
SU02\tB1\tS1\tT2\t\tA2\ttrue\t132890\t\n\
SU02\tB1\tS1\tT3\t\tA3\ttrue\t67293\t\n\
FOOT\t10\t10\t1\t1\t1\n";
    dir.write("in/DSR_example.tsv", dsr);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "c"]);
    let o = run(
        dir.path(),
        &[
            "royalties",
            ".",
            "--period",
            "2025-Q2",
            "--reports",
            "in",
            "--format",
            "json",
        ],
    );
    let v = json(&o);
    assert_balances(&v);
    let r = &v["reconciliation"][0];
    assert_eq!(
        (
            r["gross"].as_str(),
            r["fees"].as_str(),
            r["payees"].as_str(),
            r["label"].as_str(),
            r["suspense"].as_str()
        ),
        (
            Some("1058.16"),
            Some("132.12"),
            Some("374.35"),
            Some("374.35"),
            Some("177.34")
        )
    );
    let lantern = payee(&v, "the-lantern-choir");
    assert_eq!(
        (lantern["royalties"].as_str(), lantern["carried"].as_str()),
        (Some("329.25"), Some("-1670.75"))
    );
    let mara = payee(&v, "mara-vell");
    assert_eq!(
        (
            mara["royalties"].as_str(),
            mara["paid"].as_str(),
            mara["carried"].as_str()
        ),
        (Some("45.10"), Some("0.00"), Some("45.10"))
    );
    let csv = std::fs::read_to_string(
        dir.path()
            .join("statements/2025-Q2/statements/the-lantern-choir.csv"),
    )
    .expect("csv");
    assert!(
        csv.contains(",201350,GBP,530.62,451.03,0.4,180.41,GBP,180.41"),
        "{csv}"
    );
    assert!(
        csv.contains(",132890,GBP,350.20,297.67,0.5,148.84,GBP,148.84"),
        "{csv}"
    );
}

fn small_catalogue(tag: &str) -> Dir {
    let dir = Dir::new(tag);
    dir.write(
        "sleeve.toml",
        "[label]\nname = \"L\"\nparty-id = \"PADPIDA2099010101X\"\ncurrency = \"GBP\"\nstatement-period = \"quarterly\"\n",
    );
    dir.write(
        "parties/a.toml",
        "name = \"A\"\n[payee]\ncurrency = \"GBP\"\n",
    );
    dir.write(
        "recordings/r.toml",
        "isrc = \"ZZSLV2500001\"\ntitle = \"R\"\nartist = \"a\"\nduration = \"3:00\"\nexplicit = false\n[splits.default]\na = \"100%\"\n",
    );
    dir.write(
        "contracts/a.toml",
        "payee = \"a\"\nstart = 2024-01-01\n[rates.default]\nstream = \"50%\"\n",
    );
    dir.write(
        "royalties.toml",
        "[formats.csv]\ndsp = \"x\"\nfiles = \"*.csv\"\ncurrency = \"GBP\"\nchannel = \"stream\"\n[formats.csv.columns]\nisrc = \"ISRC\"\nterritory = \"Country\"\nunits = \"Units\"\namount = \"Amount\"\ndate = \"Month\"\n",
    );
    dir.write(
        "dsps/x.toml",
        "name = \"X\"\nparty-id = \"PADPIDA2011072101T\"\n[transport]\ntype = \"folder\"\npath = \"out/x\"\n",
    );
    git(dir.path(), &["init", "-q", "-b", "main"]);
    dir
}

/// Bad lines never vanish: each is a warning with file and line, its money is `rejected`,
/// and the line is in `rejects.tsv`; the reconciliation still balances.
#[test]
fn bad_lines_are_rejected_not_dropped() {
    let dir = small_catalogue("bad-lines");
    let head = "HEAD\tdsrf/1.2/1.4/1.2\tBasicAudioProfile\t1.2\tM1\t2025-05-15T03:15:00Z\t1\t1\t2025-04-01\t2025-04-30\tPADPIDA2011072101T\tX\t\tPADPIDA2099010101X\tL\t\n";
    let dsr = format!(
        "{head}SY01.01\tS1\t\t\tSubscriptionModel\tOnDemandStream\tGB\tPremium\t300\t\tGBP\t9.00\t\t\n\
SY01.01\tS2\t\t\tSubscriptionModel\tOnDemandStream\tGB\tPremium\t10\t\tXXX\t1.00\t\t\n\
RE01\tB1\tR1\tx:1\t\t\t\tA\t\tR\t\tAlbum\tL\t\t\n\
AS02.02\tB1\tA1\tx:t1\tZZSLV2500001\tR\t\tA\t\tPT3M\tSoundRecording\t\t\t\t\t\t\t\t\t\t\t\n\
SU02\tB1\tS1\tT1\t\tA1\ttrue\t100\t\n\
SU02\tB1\tS1\tT2\t\tA1\ttrue\tlots\t\n\
SU02\tB1\tS1\tT3\t\tA9\ttrue\t100\t\n\
SU02\tB1\tS1\n\
FOOT\t99\t99\t2\t1\t1\n"
    );
    dir.write("in/DSR_bad.tsv", dsr);
    dir.write("in/sales.csv", "Month,Country,ISRC,Units,Amount\n2025-04,GB,ZZSLV2500001,10,1.50\n2025-04,Atlantis,ZZSLV2500001,3,0.30\n2025-04,GB,ZZSLV2500001,ten,0.20\n2025-04,GB,ZZSLV2500001,2,abc\n2025-04,GB\n");
    let o = run(
        dir.path(),
        &[
            "royalties",
            ".",
            "--period",
            "2025-Q2",
            "--reports",
            "in",
            "--format",
            "json",
            "--dry-run",
        ],
    );
    let v = json(&o);
    assert_balances(&v);
    for want in [
        "W0604] report-line-rejected: in/DSR_bad.tsv:3: unknown currency `XXX`",
        "in/DSR_bad.tsv:7: usage count `lots`",
        "in/DSR_bad.tsv:8: usage line points at unknown resource `A9`",
        "in/DSR_bad.tsv:9: SU02 has 3 cells",
        "W0605] report-counts-mismatch: in/DSR_bad.tsv:10: FOOT says 99 lines in file, the file has 10",
        "in/sales.csv:3: unknown territory `Atlantis`",
        "in/sales.csv:4: units `ten`",
        "in/sales.csv:5: amount `abc` is not a number",
        "in/sales.csv:6: the row has 2 cells",
    ] {
        assert!(
            o.stderr.contains(want),
            "missing {want:?} in:\n{}",
            o.stderr
        );
    }
    let gbp = &v["reconciliation"][0];
    assert_eq!(gbp["currency"], "GBP");
    // S1's £9.00 over 300 declared usages: 100 read, 100 on an unknown resource, 100
    // unreadable (its share is the declared total not on other lines): £6.00 rejected;
    // plus the CSV rows whose amount could be read (0.30 and 0.20).
    assert_eq!(gbp["rejected"], "6.50", "{v}");
    assert_eq!(gbp["gross"], "11.00");
    let rejects = std::fs::read_to_string(dir.path().join("statements/2025-Q2/rejects.tsv"))
        .expect("rejects");
    assert_eq!(rejects.lines().count(), 1 + 9, "{rejects}");
    assert!(
        rejects.contains("the share of 2 usage line(s) that could not be read\tGBP\t3.00"),
        "{rejects}"
    );
}

/// A truncated gzip, a CSV without a mapped column, a file of no known format: errors, and
/// nothing is recorded.
#[test]
fn unreadable_reports_stop_the_run() {
    let dir = small_catalogue("unreadable");
    let dsr = std::fs::read(repo_root().join("catalog-example/reports/2025-Q3/DSR_PADPIDA2099010101X_PADPIDA2011072101T_Premium-Free_2025-07_GB_1of1_20250814T031500.tsv.gz")).expect("gz");
    dir.write("a/DSR_cut.tsv.gz", &dsr[..dsr.len() / 2]);
    let o = run(
        dir.path(),
        &["royalties", ".", "--period", "2025-Q3", "--reports", "a"],
    );
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("E0602] report-unreadable") && o.stderr.contains("a/DSR_cut.tsv.gz"),
        "{}",
        o.stderr
    );

    dir.write(
        "b/sales.csv",
        "Month,Country,Units,Amount\n2025-04,GB,1,1.00\n",
    );
    let o = run(
        dir.path(),
        &["royalties", ".", "--period", "2025-Q2", "--reports", "b"],
    );
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("the header row has no column `ISRC`"),
        "{}",
        o.stderr
    );

    dir.write("c/notes.txt", "hello\n");
    let o = run(
        dir.path(),
        &["royalties", ".", "--period", "2025-Q2", "--reports", "c"],
    );
    assert!(
        o.code == 1 && o.stderr.contains("neither a DDEX DSR file"),
        "{}",
        o.stderr
    );

    dir.write(
        "d/x.csv",
        "Month,Country,ISRC,Units,Amount\n2025-04,GB,ZZSLV2500001,1,1.00\n",
    );
    dir.write(
        "d/y.csv",
        "Month,Country,ISRC,Units,Amount\n2025-04,GB,ZZSLV2500001,1,1.00\n",
    );
    let o = run(
        dir.path(),
        &["royalties", ".", "--period", "2025-Q2", "--reports", "d"],
    );
    assert!(o.code == 1 && o.stderr.contains("E0603"), "{}", o.stderr);

    // A EUR report with no EUR → GBP rate.
    dir.write(
        "e/eur.csv",
        "Month,Country,ISRC,Units,Amount\n2025-04,GB,ZZSLV2500001,1,1.00\n",
    );
    let toml = std::fs::read_to_string(dir.path().join("royalties.toml"))
        .expect("toml")
        .replace("currency = \"GBP\"", "currency = \"EUR\"");
    dir.write("royalties.toml", toml);
    let o = run(
        dir.path(),
        &["royalties", ".", "--period", "2025-Q2", "--reports", "e"],
    );
    assert!(
        o.code == 1 && o.stderr.contains("E0606] missing-fx-rate"),
        "{}",
        o.stderr
    );

    // Semi-annual period for a quarterly label; no git repository.
    let o = run(
        dir.path(),
        &[
            "royalties",
            ".",
            "--period",
            "2025-H1",
            "--reports",
            "d/x.csv",
        ],
    );
    assert!(o.code == 1 && o.stderr.contains("E0601"), "{}", o.stderr);
    let plain = Dir::new("no-git");
    crate::deliver::copy_dir(&repo_root().join("catalog-example"), plain.path());
    let o = run(
        plain.path(),
        &[
            "royalties",
            ".",
            "--period",
            "2025-Q2",
            "--reports",
            "reports/2025-Q2",
        ],
    );
    assert!(o.code == 1 && o.stderr.contains("E0501"), "{}", o.stderr);
    // Nothing was recorded by any of the failures above.
    let refs = std::process::Command::new("git")
        .args(["for-each-ref", "refs/sleeve"])
        .current_dir(dir.path())
        .output()
        .expect("git");
    assert!(
        refs.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&refs.stdout)
    );
}
