//! The report as one long ("tidy") CSV: one row per group per period, the same figures as
//! the JSON. Columns are documented in `docs/cli.md`.

use super::{Measures, Report, Row, TrendRow};
use rust_decimal::Decimal;

/// The header, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "section",
    "key",
    "name",
    "note",
    "period",
    "rank",
    "share_pct",
    "streams",
    "paid_streams",
    "downloads",
    "physical",
    "gross",
    "stream_gross",
    "fees",
    "net",
    "payees",
    "label",
    "suspense",
    "per_1000",
    "gross_change_pct",
    "streams_change_pct",
    "suspense_balance",
];

/// A text field: quoted when it holds a comma, quote or line break; a leading `=`, `+`, `-`
/// or `@` gets a `'` first, so a spreadsheet does not run a title as a formula.
fn text(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn opt(d: Option<Decimal>) -> String {
    d.map_or(String::new(), |d| d.to_string())
}

struct Line<'a> {
    section: &'a str,
    key: &'a str,
    name: &'a str,
    note: &'a str,
    period: &'a str,
    rank: Option<usize>,
    share: Option<Decimal>,
    m: &'a Measures,
    gross_change: Option<Decimal>,
    streams_change: Option<Decimal>,
    balance: Option<Decimal>,
}

impl Line<'_> {
    fn write(&self, out: &mut String) {
        let m = self.m;
        let fields = [
            text(self.section),
            text(self.key),
            text(self.name),
            text(self.note),
            text(self.period),
            self.rank.map_or(String::new(), |r| r.to_string()),
            opt(self.share),
            m.streams.to_string(),
            m.paid_streams.to_string(),
            m.downloads.to_string(),
            m.physical.to_string(),
            m.gross.to_string(),
            m.stream_gross.to_string(),
            m.fees.to_string(),
            m.net.to_string(),
            m.payees.to_string(),
            m.label.to_string(),
            m.suspense.to_string(),
            opt(m.per_1000),
            opt(self.gross_change),
            opt(self.streams_change),
            opt(self.balance),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
}

fn trend(out: &mut String, section: &str, rows: &[TrendRow]) {
    for r in rows {
        Line {
            section,
            key: &r.key,
            name: &r.key,
            note: "",
            period: if section == "period" { &r.key } else { "" },
            rank: None,
            share: r.share_pct,
            m: &r.measures,
            gross_change: r.gross_change_pct,
            streams_change: r.streams_change_pct,
            balance: Some(r.suspense_balance),
        }
        .write(out);
    }
}

fn ranked(out: &mut String, section: &str, rows: &[Row]) {
    for r in rows {
        let mut line = Line {
            section,
            key: &r.key,
            name: &r.name,
            note: &r.note,
            period: "",
            rank: Some(r.rank),
            share: r.share_pct,
            m: &r.measures,
            gross_change: None,
            streams_change: None,
            balance: None,
        };
        line.write(out);
        for c in &r.periods {
            line.period = &c.period;
            line.rank = None;
            line.share = None;
            line.m = &c.measures;
            line.write(out);
        }
    }
}

/// The CSV: a header, a `total` row (empty `period`: the whole range), then the `period`,
/// `usage_month`, `release`, `track`, `artist`, `owner`, `territory`, `dsp`, `service` and
/// `channel` sections. A ranked group has its whole-range row (with `rank` and `share_pct`)
/// followed by one row per period with data.
pub fn to_csv(report: &Report) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push('\n');
    Line {
        section: "total",
        key: "",
        name: "",
        note: "",
        period: "",
        rank: None,
        share: None,
        m: &report.totals,
        gross_change: None,
        streams_change: None,
        balance: None,
    }
    .write(&mut out);
    trend(&mut out, "period", &report.by_period);
    trend(&mut out, "usage_month", &report.by_usage_month);
    for (section, rows) in [
        ("release", &report.by_release),
        ("track", &report.by_track),
        ("artist", &report.by_artist),
        ("owner", &report.by_owner),
        ("territory", &report.by_territory),
        ("dsp", &report.by_dsp),
        ("service", &report.by_service),
        ("channel", &report.by_channel),
    ] {
        ranked(&mut out, section, rows);
    }
    out
}
