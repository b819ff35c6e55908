//! The HTML report in a real headless Chromium (the distribution's package): it renders with
//! no script errors, a screenshot is taken, the table sorts, and every figure in the page
//! equals the JSON's. A missing Chromium fails the test: it never skips.

use crate::cli::tempdir::Dir;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;
use sleeve::report;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::{Duration, Instant};

fn chromium() -> PathBuf {
    for name in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(name).exists() {
            return PathBuf::from(name);
        }
    }
    panic!(
        "Chromium is not installed, and the report's browser test needs it: run `apt-get install -y chromium` (or `bash .ci/run`)"
    );
}

struct Run {
    stdout: String,
    stderr: String,
}

/// Run headless Chromium on `url` with `extra` flags and a fresh profile, killing it after
/// two minutes.
fn headless(work: &Dir, tag: &str, extra: &[String], url: &str) -> Run {
    let profile = work.path().join(format!("profile-{tag}"));
    let (out, err) = (
        work.path().join(format!("{tag}.out")),
        work.path().join(format!("{tag}.err")),
    );
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).expect("stdout file"))
        .stderr(std::fs::File::create(&err).expect("stderr file"))
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            let run = Run {
                stdout: std::fs::read_to_string(&out).unwrap_or_default(),
                stderr: std::fs::read_to_string(&err).unwrap_or_default(),
            };
            assert!(
                status.success(),
                "chromium failed ({status}):\n{}",
                run.stderr
            );
            return run;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Console messages Chromium logged for the page (`CONSOLE(…)` lines on stderr).
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

/// An element's tag name, its attributes, and the text right after its start tag.
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// Start tags of a serialised DOM, skipping the contents of `script` and `style`.
fn tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let start = i;
        while b
            .get(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'-')
        {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while b.get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            match b.get(i) {
                None => break,
                Some(b'>') => {
                    i += 1;
                    break;
                }
                Some(b'/') => {
                    i += 1;
                    continue;
                }
                _ => {}
            }
            let a = i;
            while b
                .get(i)
                .is_some_and(|c| !c.is_ascii_whitespace() && !b"=>/".contains(c))
            {
                i += 1;
            }
            let attr = html[a..i].to_ascii_lowercase();
            let mut value = String::new();
            if b.get(i) == Some(&b'=') {
                i += 1;
                match b.get(i) {
                    Some(q @ (b'"' | b'\'')) => {
                        let end = html[i + 1..]
                            .find(*q as char)
                            .map_or(html.len(), |e| i + 1 + e);
                        value = unescape(&html[i + 1..end]);
                        i = (end + 1).min(html.len());
                    }
                    _ => {
                        let v = i;
                        while b
                            .get(i)
                            .is_some_and(|c| !c.is_ascii_whitespace() && *c != b'>')
                        {
                            i += 1;
                        }
                        value = unescape(&html[v..i]);
                    }
                }
            }
            attrs.push((attr, value));
        }
        let text_end = html[i..].find('<').map_or(html.len(), |e| i + e);
        let text = unescape(&html[i..text_end]);
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            i = html[i..].find(&close).map_or(html.len(), |e| i + e);
        }
        out.push(Tag { name, attrs, text });
    }
    out
}

/// The JSON value a figure in the page names: section, key, period (empty for the whole
/// range) and measure.
fn lookup<'a>(json: &'a Value, s: &str, key: &str, period: &str, m: &str) -> Option<&'a Value> {
    match s {
        "report" => json.get(m),
        "total" => json.get("totals")?.get(m),
        _ => {
            let rows = json.get(format!("by_{s}"))?.as_array()?;
            let row = rows
                .iter()
                .find(|r| r.get("key").and_then(Value::as_str) == Some(key))?;
            if period.is_empty() {
                return row.get(m);
            }
            let cells = row.get("periods")?.as_array()?;
            cells
                .iter()
                .find(|c| c.get("period").and_then(Value::as_str) == Some(period))?
                .get(m)
        }
    }
}

/// A JSON value as a `data-v` attribute writes it: strings as they are, `null` empty.
fn raw(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn grouped(digits: &str) -> String {
    let (sign, digits) = digits.strip_prefix('-').map_or(("", digits), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().rev().enumerate() {
        if i > 0 && i % 3 == 0 {
            out.insert(0, ',');
        }
        out.insert(0, c);
    }
    format!("{sign}{out}")
}

/// How the page should show a JSON value of measure `m`.
fn shown(m: &str, v: &Value) -> String {
    match (m, v) {
        (_, Value::Null) => "–".to_string(),
        ("key" | "name" | "note", Value::String(s)) => s.clone(),
        (_, Value::Number(n)) => grouped(&n.to_string()),
        (_, Value::String(s)) => {
            let d = Decimal::from_str(s).expect("a decimal string");
            let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            r.rescale(2);
            if r.is_zero() {
                r.set_sign_positive(true);
            }
            let text = r.to_string();
            let (whole, frac) = text.split_once('.').expect("two decimals");
            let pct = if m.ends_with("_pct") { "%" } else { "" };
            format!("{}.{frac}{pct}", grouped(whole))
        }
        (_, other) => panic!("unexpected JSON value {other}"),
    }
}

#[test]
fn report_renders_in_chromium() {
    let work = Dir::new("report-browser");
    let rep = super::sample_report();
    let html = report::to_html(&rep);
    let json: Value = serde_json::from_str(&report::to_json(&rep)).expect("json");
    let page = work.path().join("report.html");
    std::fs::write(&page, &html).expect("write page");
    let url = format!("file://{}", page.display());

    // (a) A screenshot of the rendered page: a real PNG of the window's size, not a blank one.
    let shot = work.path().join("report.png");
    let run = headless(
        &work,
        "shot",
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".to_string(),
        ],
        &url,
    );
    let png =
        std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot ({e}):\n{}", run.stderr));
    assert_eq!(png.get(..8), Some(&b"\x89PNG\r\n\x1a\n"[..]), "not a PNG");
    let be32 = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().expect("4 bytes"));
    assert_eq!((be32(16), be32(20)), (1280, 2000), "screenshot size");
    assert!(
        png.len() > 40_000,
        "screenshot of {} bytes: the page looks empty",
        png.len()
    );
    assert!(
        console_lines(&run.stderr).is_empty(),
        "console output:\n{}",
        run.stderr
    );

    // (b) The DOM after the scripts ran, with the sorting self-test.
    let run = headless(
        &work,
        "dom",
        &["--dump-dom".to_string()],
        &format!("{url}#selftest"),
    );
    let dom = run.stdout;
    assert!(
        console_lines(&run.stderr).is_empty(),
        "console output:\n{}",
        run.stderr
    );
    let all = tags(&dom);
    let by_id = |id: &str| all.iter().find(|t| t.attr("id") == Some(id));
    let errors = by_id("js-errors").expect("#js-errors in the page");
    assert!(errors.text.is_empty(), "script errors: {}", errors.text);
    let selftest = by_id("selftest").expect("#selftest in the page");
    assert_eq!(
        selftest.attr("data-result"),
        Some("ok"),
        "{}",
        selftest.text
    );
    assert!(
        selftest
            .text
            .contains("gross desc ok, gross asc ok, territory asc ok"),
        "{}",
        selftest.text
    );
    assert!(by_id("periods-without-data").is_some_and(|t| t.text.contains("2025-Q3")));

    // Every figure in the page equals the JSON's, and text figures are shown as the JSON says.
    let mut checked = 0;
    let mut sections = std::collections::BTreeSet::new();
    let mut wrong = Vec::new();
    for t in all.iter().filter(|t| t.attr("data-m").is_some()) {
        let a = |n| t.attr(n).unwrap_or_default();
        let (s, key, period, m, v) = (
            a("data-s"),
            a("data-key"),
            a("data-p"),
            a("data-m"),
            a("data-v"),
        );
        let Some(expected) = lookup(&json, s, key, period, m) else {
            wrong.push(format!("{s}/{key}/{period}/{m}: not in the JSON"));
            continue;
        };
        if raw(expected) != v {
            wrong.push(format!(
                "{s}/{key}/{period}/{m}: page {v:?}, JSON {expected}"
            ));
        }
        if matches!(t.name.as_str(), "td" | "span" | "text") && t.text != shown(m, expected) {
            wrong.push(format!(
                "{s}/{key}/{period}/{m}: shown {:?}, JSON {expected}",
                t.text
            ));
        }
        sections.insert(s.to_string());
        checked += 1;
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} figures differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(checked > 500, "only {checked} figures found in the page");
    let expected_sections = [
        "channel",
        "dsp",
        "owner",
        "period",
        "release",
        "report",
        "service",
        "territory",
        "total",
        "track",
        "usage_month",
        "artist",
    ];
    for s in expected_sections {
        assert!(
            sections.contains(s),
            "no figures of section {s} in the page: {sections:?}"
        );
    }
    // The figures the issue names, shown where a reader looks for them.
    let shown_as = |s: &str, key: &str, p: &str, m: &str| {
        all.iter()
            .find(|t| {
                t.name == "td"
                    && t.attr("data-s") == Some(s)
                    && t.attr("data-key") == Some(key)
                    && t.attr("data-p") == Some(p)
                    && t.attr("data-m") == Some(m)
            })
            .map(|t| t.text.clone())
    };
    assert_eq!(
        shown_as("territory", "DE", "2025-Q2", "gross").as_deref(),
        Some("1,058.16")
    );
    assert_eq!(
        shown_as("service", "spotify/Premium", "", "per_1000").as_deref(),
        Some("3.02")
    );
    assert_eq!(
        shown_as("period", "2025-Q3", "", "gross").as_deref(),
        Some("0.00")
    );
    assert_eq!(
        shown_as("release", report::UNMATCHED, "", "suspense").as_deref(),
        Some("192.34")
    );

    // The error trap works: a page with a broken script shows the error in #js-errors.
    let broken = work.path().join("broken.html");
    std::fs::write(
        &broken,
        html.replace("</footer>", "</footer><script>notDefined();</script>"),
    )
    .expect("write broken page");
    let run = headless(
        &work,
        "broken",
        &["--dump-dom".to_string()],
        &format!("file://{}", broken.display()),
    );
    let errors = tags(&run.stdout)
        .into_iter()
        .find(|t| t.attr("id") == Some("js-errors"));
    assert!(
        errors.is_some_and(|e| e.text.contains("notDefined")),
        "the error trap missed a script error:\n{}",
        run.stdout
    );
}
