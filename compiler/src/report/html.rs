//! The report as one self-contained HTML page: inline CSS, inline SVG charts, a small inline
//! script that sorts the tables. No network (a Content-Security-Policy forbids it). Every
//! figure carries `data-s`/`data-key`/`data-p`/`data-m`/`data-v` naming its place in the JSON.

use super::format::{esc, fig, int, pct, two};
use super::svg::{self, Point, Series};
use super::{Measures, Report, Row, TrendRow};
use rust_decimal::Decimal;
use std::fmt::Write;

const CSS: &str = include_str!("page.css");
const ERRORS_JS: &str = include_str!("errors.js");
const SORT_JS: &str = include_str!("sort.js");

/// Rows shown per table; the JSON and CSV hold them all.
const MAX_ROWS: usize = 100;
/// Bars per bar chart.
const MAX_BARS: usize = 15;
/// Per-period columns are added to the ranked tables up to this many periods.
const MAX_PERIOD_COLUMNS: usize = 12;

fn opt_raw(d: Option<Decimal>) -> String {
    d.map_or(String::new(), |d| d.to_string())
}

fn opt_shown(d: Option<Decimal>, f: fn(Decimal) -> String) -> String {
    d.map_or("–".to_string(), f)
}

/// One figure cell.
fn num(out: &mut String, s: &str, key: &str, period: &str, m: &str, raw: &str, shown: &str) {
    let _ = write!(
        out,
        "<td class=\"n\"{}>{}</td>",
        fig(s, key, period, m, raw),
        esc(shown)
    );
}

/// One text cell tied to a JSON string field (`key`, `name`, `note`).
fn text(out: &mut String, s: &str, key: &str, m: &str, value: &str) {
    let _ = write!(out, "<td{}>{}</td>", fig(s, key, "", m, value), esc(value));
}

/// A header cell; `col` names the measure (the self-test finds columns by it).
fn th(out: &mut String, label: &str, col: &str, numeric: bool) {
    let _ = write!(
        out,
        "<th data-col=\"{}\" data-type=\"{}\"{}><button type=\"button\">{}</button></th>",
        esc(col),
        if numeric { "num" } else { "text" },
        if numeric { " class=\"n\"" } else { "" },
        esc(label)
    );
}

/// The measure cells shared by every table, in header order.
const MEASURE_HEADERS: &[(&str, &str)] = &[
    ("Streams", "streams"),
    ("Downloads", "downloads"),
    ("Gross", "gross"),
    ("Fees", "fees"),
    ("Net", "net"),
    ("Payees", "payees"),
    ("Label", "label"),
    ("Suspense", "suspense"),
    ("Per 1,000 streams", "per_1000"),
];

fn measure_cells(out: &mut String, s: &str, key: &str, period: &str, m: &Measures) {
    num(
        out,
        s,
        key,
        period,
        "streams",
        &m.streams.to_string(),
        &int(m.streams),
    );
    num(
        out,
        s,
        key,
        period,
        "downloads",
        &m.downloads.to_string(),
        &int(m.downloads),
    );
    for (name, v) in [
        ("gross", m.gross),
        ("fees", m.fees),
        ("net", m.net),
        ("payees", m.payees),
        ("label", m.label),
        ("suspense", m.suspense),
    ] {
        num(out, s, key, period, name, &v.to_string(), &two(v));
    }
    num(
        out,
        s,
        key,
        period,
        "per_1000",
        &opt_raw(m.per_1000),
        &opt_shown(m.per_1000, two),
    );
}

fn table_open(out: &mut String, id: &str) {
    let _ = write!(
        out,
        "<div class=\"table-wrap\"><table class=\"sortable\" id=\"{}\"><thead><tr>",
        esc(id)
    );
}

fn more_rows(out: &mut String, shown: usize, total: usize) {
    if total > shown {
        let _ = write!(
            out,
            "<p class=\"muted\">The first {shown} of {total} rows by gross; the CSV and JSON hold them all.</p>"
        );
    }
}

/// How a ranked section is labelled.
struct Labels {
    section: &'static str,
    heading: &'static str,
    key: &'static str,
    /// Header of the `name` column, when it differs from the key.
    name: Option<&'static str>,
    /// Header of the `note` column, when the section has notes.
    note: Option<&'static str>,
}

fn ranked_table(out: &mut String, l: &Labels, rows: &[Row], periods: &[String]) {
    let per_period = periods.len() > 1 && periods.len() <= MAX_PERIOD_COLUMNS;
    table_open(out, &format!("t-{}", l.section));
    th(out, "Rank", "rank", true);
    th(out, l.key, "key", false);
    if let Some(n) = l.name {
        th(out, n, "name", false);
    }
    if let Some(n) = l.note {
        th(out, n, "note", false);
    }
    for (label, col) in MEASURE_HEADERS {
        th(out, label, col, true);
    }
    th(out, "Share of gross", "share_pct", true);
    if per_period {
        for p in periods {
            th(out, &format!("Gross {p}"), &format!("gross@{p}"), true);
        }
    }
    out.push_str("</tr></thead><tbody>");
    let s = l.section;
    for r in rows.iter().take(MAX_ROWS) {
        out.push_str("<tr>");
        num(
            out,
            s,
            &r.key,
            "",
            "rank",
            &r.rank.to_string(),
            &r.rank.to_string(),
        );
        text(out, s, &r.key, "key", &r.key);
        if l.name.is_some() {
            text(out, s, &r.key, "name", &r.name);
        }
        if l.note.is_some() {
            text(out, s, &r.key, "note", &r.note);
        }
        measure_cells(out, s, &r.key, "", &r.measures);
        num(
            out,
            s,
            &r.key,
            "",
            "share_pct",
            &opt_raw(r.share_pct),
            &opt_shown(r.share_pct, pct),
        );
        if per_period {
            for p in periods {
                match r.periods.iter().find(|c| &c.period == p) {
                    Some(c) => num(
                        out,
                        s,
                        &r.key,
                        p,
                        "gross",
                        &c.measures.gross.to_string(),
                        &two(c.measures.gross),
                    ),
                    None => out.push_str("<td class=\"n\" data-v=\"\">–</td>"),
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    more_rows(out, rows.len().min(MAX_ROWS), rows.len());
}

fn trend_table(out: &mut String, section: &str, heading: &str, rows: &[TrendRow]) {
    table_open(out, &format!("t-{section}"));
    th(out, heading, "key", false);
    for (label, col) in MEASURE_HEADERS {
        th(out, label, col, true);
    }
    th(out, "Share of gross", "share_pct", true);
    th(out, "Gross change", "gross_change_pct", true);
    th(out, "Streams change", "streams_change_pct", true);
    th(out, "Suspense balance", "suspense_balance", true);
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        let k = &r.key;
        out.push_str("<tr>");
        text(out, section, k, "key", k);
        measure_cells(out, section, k, "", &r.measures);
        for (m, v) in [
            ("share_pct", r.share_pct),
            ("gross_change_pct", r.gross_change_pct),
            ("streams_change_pct", r.streams_change_pct),
        ] {
            num(out, section, k, "", m, &opt_raw(v), &opt_shown(v, pct));
        }
        let b = r.suspense_balance;
        num(
            out,
            section,
            k,
            "",
            "suspense_balance",
            &b.to_string(),
            &two(b),
        );
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
}

fn money_point<'a>(s: &'a str, key: &'a str, period: &'a str, m: &'a str, v: Decimal) -> Point<'a> {
    Point {
        section: s,
        key,
        period,
        measure: m,
        value: v,
        raw: v.to_string(),
        shown: two(v),
    }
}

fn figure(out: &mut String, caption: &str, chart: &str, legend: &[(&str, &str)]) {
    let _ = write!(
        out,
        "<figure><figcaption>{}</figcaption>{chart}",
        esc(caption)
    );
    if !legend.is_empty() {
        out.push_str("<ul class=\"legend\">");
        for (class, name) in legend {
            let _ = write!(out, "<li><span class=\"{class}\"></span>{}</li>", esc(name));
        }
        out.push_str("</ul>");
    }
    out.push_str("</figure>");
}

fn cards(out: &mut String, r: &Report) {
    let t = &r.totals;
    let c = esc(&r.currency);
    out.push_str("<section id=\"totals\"><h2>Totals</h2><div class=\"cards\">");
    let mut card = |label: String, m: &str, raw: String, shown: String| {
        let _ = write!(
            out,
            "<div class=\"card\"><span class=\"label\">{label}</span><span class=\"n\"{}>{}</span></div>",
            fig("total", "", "", m, &raw),
            esc(&shown)
        );
    };
    card(
        "Streams".into(),
        "streams",
        t.streams.to_string(),
        int(t.streams),
    );
    card(
        "Downloads".into(),
        "downloads",
        t.downloads.to_string(),
        int(t.downloads),
    );
    card(
        "Physical units".into(),
        "physical",
        t.physical.to_string(),
        int(t.physical),
    );
    for (label, m, v) in [
        ("Gross", "gross", t.gross),
        ("Fees", "fees", t.fees),
        ("Net", "net", t.net),
        ("Payees", "payees", t.payees),
        ("Label", "label", t.label),
        ("Suspense", "suspense", t.suspense),
    ] {
        card(format!("{label} ({c})"), m, v.to_string(), two(v));
    }
    card(
        format!("Per 1,000 streams ({c})"),
        "per_1000",
        opt_raw(t.per_1000),
        opt_shown(t.per_1000, two),
    );
    out.push_str("</div></section>");
}

fn trends(out: &mut String, r: &Report) {
    let c = &r.currency;
    out.push_str(
        "<section id=\"trends\"><h2>Trends by statement period</h2><div class=\"charts\">",
    );
    let series_of = |name, class, m: &'static str, get: fn(&Measures) -> Decimal| Series {
        name,
        class,
        points: r
            .by_period
            .iter()
            .map(|p| money_point("period", &p.key, "", m, get(&p.measures)))
            .collect(),
    };
    let series = [
        series_of("Gross", "c1", "gross", |m| m.gross),
        series_of("Payees", "c2", "payees", |m| m.payees),
        series_of("Label", "c3", "label", |m| m.label),
        series_of("Suspense", "c4", "suspense", |m| m.suspense),
    ];
    let chart = svg::lines(
        "chart-periods",
        &format!("Revenue by period ({c})"),
        &r.periods,
        &series,
        &|d| two(d),
    );
    let legend: Vec<(&str, &str)> = series.iter().map(|s| (s.class, s.name)).collect();
    figure(out, &format!("Revenue by period ({c})"), &chart, &legend);
    let streams: Vec<Point> = r
        .by_period
        .iter()
        .map(|p| Point {
            section: "period",
            key: &p.key,
            period: "",
            measure: "streams",
            value: Decimal::from(p.measures.streams),
            raw: p.measures.streams.to_string(),
            shown: int(p.measures.streams),
        })
        .collect();
    let chart = svg::columns(
        "chart-streams",
        "Streams by period",
        "c1",
        &r.periods,
        &streams,
        &|d| int(d.trunc().try_into().unwrap_or(0)),
    );
    figure(out, "Streams by period", &chart, &[]);
    out.push_str("</div>");
    trend_table(out, "period", "Period", &r.by_period);
    out.push_str("</section>");

    out.push_str("<section id=\"suspense\"><h2>Suspense over time</h2>");
    out.push_str("<p class=\"muted\">Income held in each period (unmatched, or no split or contract in force); a negative amount was released. The balance is the running total.</p><div class=\"charts\">");
    let held: Vec<Point> = r
        .by_period
        .iter()
        .map(|p| money_point("period", &p.key, "", "suspense", p.measures.suspense))
        .collect();
    let chart = svg::columns(
        "chart-suspense",
        &format!("Suspense by period ({c})"),
        "c4",
        &r.periods,
        &held,
        &|d| two(d),
    );
    figure(out, &format!("Suspense by period ({c})"), &chart, &[]);
    let balance = [Series {
        name: "Suspense balance",
        class: "c4",
        points: r
            .by_period
            .iter()
            .map(|p| money_point("period", &p.key, "", "suspense_balance", p.suspense_balance))
            .collect(),
    }];
    let chart = svg::lines(
        "chart-suspense-balance",
        &format!("Suspense balance ({c})"),
        &r.periods,
        &balance,
        &|d| two(d),
    );
    figure(out, &format!("Suspense balance ({c})"), &chart, &[]);
    out.push_str("</div></section>");
}

/// Bars of one measure over the first rows of a section.
fn bars_of(
    id: &str,
    caption: &str,
    section: &'static str,
    rows: &[&Row],
    m: &'static str,
    get: fn(&Measures) -> Option<Decimal>,
) -> String {
    let mut labels = Vec::new();
    let mut points = Vec::new();
    for r in rows.iter().take(MAX_BARS) {
        let Some(v) = get(&r.measures) else { continue };
        labels.push(if r.name.is_empty() {
            r.key.clone()
        } else {
            r.name.clone()
        });
        points.push(money_point(section, &r.key, "", m, v));
    }
    let mut out = String::new();
    if points.is_empty() {
        return out;
    }
    figure(
        &mut out,
        caption,
        &svg::bars(id, caption, &labels, &points),
        &[],
    );
    out
}

fn ranked(out: &mut String, r: &Report, l: &Labels, rows: &[Row], charts: &[String]) {
    let _ = write!(
        out,
        "<section id=\"{}\"><h2>{}</h2>",
        l.section,
        esc(l.heading)
    );
    if !charts.is_empty() {
        out.push_str("<div class=\"charts\">");
        for c in charts {
            out.push_str(c);
        }
        out.push_str("</div>");
    }
    ranked_table(out, l, rows, &r.periods);
    out.push_str("</section>");
}

fn all(rows: &[Row]) -> Vec<&Row> {
    rows.iter().collect()
}

fn sections(out: &mut String, r: &Report) {
    let c = &r.currency;
    let gross = |m: &Measures| Some(m.gross);
    let rate = |m: &Measures| m.per_1000;

    let ter = all(&r.by_territory);
    let mut by_rate: Vec<&Row> = r
        .by_territory
        .iter()
        .filter(|t| t.measures.per_1000.is_some())
        .collect();
    by_rate.sort_by(|a, b| {
        b.measures
            .per_1000
            .cmp(&a.measures.per_1000)
            .then_with(|| a.key.cmp(&b.key))
    });
    ranked(
        out,
        r,
        &Labels {
            section: "territory",
            heading: "Territories, ranked by gross",
            key: "Territory",
            name: None,
            note: None,
        },
        &r.by_territory,
        &[
            bars_of(
                "chart-territory-gross",
                &format!("Gross by territory ({c})"),
                "territory",
                &ter,
                "gross",
                gross,
            ),
            bars_of(
                "chart-territory-rate",
                &format!("Per 1,000 streams by territory ({c})"),
                "territory",
                &by_rate,
                "per_1000",
                rate,
            ),
        ],
    );

    let mut services: Vec<&Row> = r
        .by_service
        .iter()
        .filter(|s| s.measures.per_1000.is_some())
        .collect();
    services.sort_by(|a, b| {
        b.measures
            .per_1000
            .cmp(&a.measures.per_1000)
            .then_with(|| a.key.cmp(&b.key))
    });
    ranked(
        out,
        r,
        &Labels {
            section: "service",
            heading: "Services (DSP and tier)",
            key: "Key",
            name: Some("Service"),
            note: None,
        },
        &r.by_service,
        &[
            bars_of(
                "chart-service-rate",
                &format!("Per 1,000 streams by service ({c})"),
                "service",
                &services,
                "per_1000",
                rate,
            ),
            bars_of(
                "chart-service-gross",
                &format!("Gross by service ({c})"),
                "service",
                &all(&r.by_service),
                "gross",
                gross,
            ),
        ],
    );

    let top_releases: Vec<&Row> = r
        .by_release
        .iter()
        .filter(|x| r.top_releases.contains(&x.key))
        .collect();
    ranked(
        out,
        r,
        &Labels {
            section: "release",
            heading: "Releases",
            key: "Release",
            name: None,
            note: Some("UPC"),
        },
        &r.by_release,
        &[bars_of(
            "chart-top-releases",
            &format!("Top releases by gross ({c})"),
            "release",
            &top_releases,
            "gross",
            gross,
        )],
    );
    let top_tracks: Vec<&Row> = r
        .by_track
        .iter()
        .filter(|x| r.top_tracks.contains(&x.key))
        .collect();
    ranked(
        out,
        r,
        &Labels {
            section: "track",
            heading: "Tracks",
            key: "ISRC",
            name: Some("Title"),
            note: Some("Artist"),
        },
        &r.by_track,
        &[bars_of(
            "chart-top-tracks",
            &format!("Top tracks by gross ({c})"),
            "track",
            &top_tracks,
            "gross",
            gross,
        )],
    );
    for (l, rows) in [
        (
            Labels {
                section: "artist",
                heading: "Artists",
                key: "Artist",
                name: None,
                note: None,
            },
            &r.by_artist,
        ),
        (
            Labels {
                section: "owner",
                heading: "Label, imprints and clients",
                key: "Owner",
                name: None,
                note: None,
            },
            &r.by_owner,
        ),
        (
            Labels {
                section: "dsp",
                heading: "DSPs",
                key: "DSP",
                name: None,
                note: None,
            },
            &r.by_dsp,
        ),
        (
            Labels {
                section: "channel",
                heading: "Use types",
                key: "Use type",
                name: None,
                note: None,
            },
            &r.by_channel,
        ),
    ] {
        ranked(out, r, &l, rows, &[]);
    }

    out.push_str("<section id=\"usage_month\"><h2>By usage month</h2><p class=\"muted\">Reports lag usage: the month the streams happened, whatever period accounted them.</p>");
    trend_table(out, "usage_month", "Usage month", &r.by_usage_month);
    out.push_str("</section>");
}

/// The page. `report.currency` labels every amount.
pub fn to_html(report: &Report) -> String {
    let r = report;
    let mut out = String::with_capacity(64 * 1024);
    let title = format!("Royalty report {}", r.range);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n<title>{}</title>\n<script>\n{ERRORS_JS}</script>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        esc(&title)
    );
    let _ = writeln!(
        out,
        "<header><h1>Royalty report</h1><p>Statement periods <b id=\"range\">{}</b> · amounts in <b id=\"currency\">{}</b> · <span{}>{}</span> fact rows from the ledger</p></header>",
        esc(&r.range),
        esc(&r.currency),
        fig("report", "", "", "facts", &r.facts.to_string()),
        int(i64::try_from(r.facts).unwrap_or(i64::MAX))
    );
    out.push_str("<pre id=\"js-errors\"></pre><pre id=\"selftest\"></pre>\n");
    for w in &r.warnings {
        let _ = writeln!(out, "<p class=\"notice warning\">{}</p>", esc(w));
    }
    if r.empty {
        let _ = writeln!(
            out,
            "<p id=\"no-data\" class=\"notice\">No royalty data in the ledger for {}: no royalty run has stored facts for these periods.</p>",
            esc(&r.range)
        );
    } else {
        if !r.periods_without_data.is_empty() {
            let _ = writeln!(
                out,
                "<p id=\"periods-without-data\" class=\"notice\">No data for {}.</p>",
                esc(&r.periods_without_data.join(", "))
            );
        }
        cards(&mut out, r);
        trends(&mut out, r);
        sections(&mut out, r);
    }
    let _ = write!(
        out,
        "\n<footer><p>Made by <code>sleeve report</code> from the facts of the royalty runs kept in the ledger, so the figures tie to the statements. Per 1,000 streams is a ratio of sums: gross of the streams that earned ÷ those streams × 1,000.</p></footer>\n<script>\n{SORT_JS}</script>\n</body>\n</html>\n"
    );
    out
}
