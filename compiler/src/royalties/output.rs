//! What a run writes: statements (CSV and HTML), the label summary, suspense, rejects and
//! the reconciliation. Pure functions from the run to bytes; the CLI writes the files.

use super::engine::SuspenseItem;
use super::input::Reader;
use super::run::{Reconciliation, RunResult};
use super::statement::{Statement, StatementLine};

/// Detail rows an HTML statement shows (largest first); the CSV has them all.
const HTML_DETAIL_ROWS: usize = 200;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt::Write as _;

fn csv_bytes<F: FnOnce(&mut csv::Writer<Vec<u8>>) -> csv::Result<()>>(f: F) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = f(&mut w);
    w.into_inner().unwrap_or_default()
}

/// `statements/<payee>.csv`: one row per track × territory × service × month × channel.
pub fn statement_csv(s: &Statement, lines: &[StatementLine<'_>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(lines.len() * 160 + 256));
    let _ = w.write_record([
        "period",
        "contract",
        "isrc",
        "title",
        "release",
        "upc",
        "territory",
        "dsp",
        "service",
        "usage_month",
        "channel",
        "units",
        "source_currency",
        "gross",
        "net",
        "share",
        "royalty_source",
        "currency",
        "royalty",
    ]);
    // Numbers go through one reused buffer: no allocation per field.
    let mut n = String::new();
    let mut num = |w: &mut csv::Writer<Vec<u8>>, v: &dyn std::fmt::Display| {
        n.clear();
        let _ = write!(n, "{v}");
        let _ = w.write_field(n.as_bytes());
    };
    for l in lines {
        for f in [
            s.period.as_str(),
            l.contract,
            l.isrc,
            l.title,
            l.release,
            l.upc,
        ] {
            let _ = w.write_field(f);
        }
        for f in [l.territory, l.dsp, l.service] {
            let _ = w.write_field(f);
        }
        num(&mut w, &Month(l.usage_month));
        let _ = w.write_field(l.channel);
        num(&mut w, &l.units);
        let _ = w.write_field(l.source_currency);
        num(&mut w, &l.gross);
        num(&mut w, &l.net);
        let _ = w.write_field(l.share);
        num(&mut w, &l.royalty_source);
        let _ = w.write_field(s.currency.as_str());
        num(&mut w, &l.royalty);
        let _ = w.write_record(None::<&[u8]>);
    }
    w.into_inner().unwrap_or_default()
}

/// `year * 100 + month`, written `YYYY-MM`.
pub struct Month(pub i32);

impl serde::Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.0 / 100, self.0 % 100)
    }
}

/// `suspense.csv`: open income, grouped by identifier, with its reason and sources.
pub fn suspense_csv(new: &[SuspenseItem], released: &[SuspenseItem]) -> Vec<u8> {
    csv_bytes(|w| {
        w.write_record([
            "status",
            "reason",
            "isrc",
            "upc",
            "title",
            "artist",
            "territory",
            "channel",
            "dsp",
            "service",
            "usage_month",
            "currency",
            "amount",
            "units",
            "booked",
            "lines",
            "sources",
        ])?;
        for (status, items) in [("held", new), ("released", released)] {
            for i in items {
                w.write_record([
                    status,
                    &i.reason,
                    &i.isrc,
                    &i.upc,
                    &i.title,
                    &i.artist,
                    &i.territory,
                    &i.channel,
                    &i.dsp,
                    &i.service,
                    &i.usage_month,
                    &i.currency,
                    &i.amount.to_string(),
                    &i.units.to_string(),
                    &i.booked,
                    &i.lines.to_string(),
                    &i.sources.join("; "),
                ])?;
            }
        }
        Ok(())
    })
}

/// Suspense totals by identifier and currency, largest first.
pub fn suspense_by_identifier(
    items: &[SuspenseItem],
) -> Vec<(String, String, String, Decimal, u64)> {
    let mut m: BTreeMap<(String, String), (String, Decimal, u64)> = BTreeMap::new();
    for i in items {
        let id = if !i.isrc.is_empty() {
            format!("ISRC {}", i.isrc)
        } else if !i.upc.is_empty() {
            format!("UPC {}", i.upc)
        } else {
            format!("\"{}\" by {}", i.title, i.artist)
        };
        let e = m
            .entry((id, i.currency.clone()))
            .or_insert((i.reason.clone(), Decimal::ZERO, 0));
        e.1 += i.amount;
        e.2 += i.lines;
    }
    let mut v: Vec<_> = m
        .into_iter()
        .map(|((id, cur), (reason, a, n))| (id, cur, reason, a, n))
        .collect();
    v.sort_by(|a, b| b.3.cmp(&a.3).then(a.0.cmp(&b.0)));
    v
}

/// `rejects.tsv`: every line that could not be accounted, with why.
pub fn rejects_tsv(reader: &Reader<'_>) -> Vec<u8> {
    let mut out = String::from("file\tline\treason\tcurrency\tamount\ttext\n");
    for r in &reader.rejects {
        let file = reader
            .files
            .get(r.file as usize)
            .map_or("", |f| f.path.as_str());
        let (cur, amount) = match r.amount {
            Some((c, a)) => {
                let code = reader.currencies.name(c);
                let m = super::input::minor_units(code);
                (
                    code.to_string(),
                    super::input::from_minor(i128::from(a), m).to_string(),
                )
            }
            None => (String::new(), String::new()),
        };
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}",
            clean(file),
            r.line,
            clean(&r.reason),
            cur,
            amount,
            clean(&r.text)
        );
    }
    out.into_bytes()
}

/// `label-summary.csv`: per currency, the reconciliation; then per payee, the statement totals.
pub fn label_summary_csv(run: &RunResult) -> Vec<u8> {
    csv_bytes(|w| {
        w.write_record([
            "section",
            "key",
            "currency",
            "gross",
            "payees",
            "label",
            "fees",
            "suspense",
            "suspense_released",
            "rejected",
            "rounding",
            "earnings",
            "paid",
            "carried",
            "reserves_held",
        ])?;
        for r in &run.reconciliation {
            w.write_record([
                "reconciliation",
                "",
                &r.currency,
                &r.gross.to_string(),
                &r.payees.to_string(),
                &r.label.to_string(),
                &r.fees.to_string(),
                &r.suspense.to_string(),
                &r.suspense_released.to_string(),
                &r.rejected.to_string(),
                &r.rounding.to_string(),
                "",
                "",
                "",
                "",
            ])?;
        }
        for s in &run.statements {
            w.write_record([
                "payee",
                &s.payee,
                &s.currency,
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                &s.earnings.to_string(),
                &s.paid.to_string(),
                &s.carried.to_string(),
                &s.reserves_held.to_string(),
            ])?;
        }
        Ok(())
    })
}

/// The reconciliation as JSON values (amounts as strings).
pub fn reconciliation_json(r: &[Reconciliation]) -> serde_json::Value {
    serde_json::Value::Array(
        r.iter()
            .map(|r| {
                serde_json::json!({
                    "currency": r.currency,
                    "gross": r.gross.to_string(),
                    "payees": r.payees.to_string(),
                    "label": r.label.to_string(),
                    "fees": r.fees.to_string(),
                    "suspense": r.suspense.to_string(),
                    "suspense_released": r.suspense_released.to_string(),
                    "rejected": r.rejected.to_string(),
                    "rounding": r.rounding.to_string(),
                })
            })
            .collect(),
    )
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn money(d: Decimal, cur: &str) -> String {
    let m = super::input::minor_units(cur);
    let d = d.round_dp(m);
    // No "-0.00": a negated zero is zero.
    let d = if d.is_zero() { Decimal::ZERO } else { d };
    let s = format!("{:.*}", m as usize, d);
    // Thousands separators for reading.
    let (sign, body) = s.strip_prefix('-').map_or(("", s.as_str()), |b| ("-", b));
    let (int, frac) = body
        .split_once('.')
        .map_or((body, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f} {cur}"),
        None => format!("{sign}{grouped} {cur}"),
    }
}

/// A horizontal bar chart as inline SVG.
fn bars(title: &str, rows: &[(String, Decimal)], cur: &str) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let max = rows
        .iter()
        .map(|(_, v)| v.abs())
        .max()
        .unwrap_or(Decimal::ONE)
        .max(Decimal::new(1, 2));
    let h = 22 * rows.len() + 10;
    let mut svg = format!(
        "<figure><figcaption>{}</figcaption><svg role=\"img\" aria-label=\"{}\" viewBox=\"0 0 640 {h}\" width=\"640\" height=\"{h}\">",
        esc(title),
        esc(title)
    );
    for (i, (k, v)) in rows.iter().enumerate() {
        let w = (v.abs() / max * Decimal::from(380)).round().to_string();
        let y = 5 + 22 * i;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" class=\"l\">{}</text><rect x=\"160\" y=\"{y}\" width=\"{w}\" height=\"16\" class=\"b\"/><text x=\"{}\" y=\"{}\" class=\"v\">{}</text>",
            y + 13,
            esc(k),
            170 + w.parse::<u32>().unwrap_or(0),
            y + 13,
            esc(&money(*v, cur))
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

/// `statements/<payee>.html`: one self-contained page.
pub fn statement_html(s: &Statement, lines: &[StatementLine<'_>], label: &str) -> String {
    let cur = s.currency.as_str();
    let mut by_territory: BTreeMap<&str, Decimal> = BTreeMap::new();
    let mut by_dsp_service: BTreeMap<(&str, &str), Decimal> = BTreeMap::new();
    let mut by_track: BTreeMap<&str, Decimal> = BTreeMap::new();
    for l in lines {
        *by_territory.entry(l.territory).or_default() += l.royalty;
        *by_dsp_service.entry((l.dsp, l.service)).or_default() += l.royalty;
        *by_track.entry(l.title).or_default() += l.royalty;
    }
    let mut by_service: BTreeMap<String, Decimal> = BTreeMap::new();
    for ((dsp, service), v) in by_dsp_service {
        *by_service
            .entry(format!("{dsp} {service}").trim().to_string())
            .or_default() += v;
    }
    let owned = |m: BTreeMap<&str, Decimal>| -> BTreeMap<String, Decimal> {
        m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    };
    let (by_territory, by_track) = (owned(by_territory), owned(by_track));
    let top = |m: BTreeMap<String, Decimal>| {
        let mut v: Vec<_> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(12);
        v
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{label} — statement {period} — {name}</title><style>\
body{{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d1d1f}}\
h1{{font-size:1.5rem;margin-bottom:.2rem}}.sub{{color:#666;margin-top:0}}\
table{{border-collapse:collapse;width:100%;margin:1rem 0}}th,td{{padding:.3rem .5rem;border-bottom:1px solid #ddd;text-align:left}}\
td.n,th.n{{text-align:right;font-variant-numeric:tabular-nums}}.cards{{display:flex;gap:1rem;flex-wrap:wrap}}\
.card{{border:1px solid #ddd;border-radius:8px;padding:.7rem 1rem;min-width:10rem}}.card b{{display:block;font-size:1.3rem}}\
figure{{margin:1rem 0}}figcaption{{font-weight:600;margin-bottom:.3rem}}svg .b{{fill:#3b6ea8}}svg text{{font-size:12px}}svg .v{{fill:#333}}\
@media (prefers-color-scheme:dark){{body{{background:#111;color:#eee}}th,td{{border-color:#333}}.card{{border-color:#333}}svg text{{fill:#ddd}}}}\
</style></head><body>",
        label = esc(label),
        period = esc(&s.period),
        name = esc(&s.name)
    );
    let _ = write!(
        h,
        "<h1>{}</h1><p class=\"sub\">Royalty statement {} from {} · payee <code>{}</code> · all amounts in {}</p>",
        esc(&s.name),
        esc(&s.period),
        esc(label),
        esc(&s.payee),
        esc(cur)
    );
    let _ = write!(
        h,
        "<div class=\"cards\"><div class=\"card\">Earnings<b id=\"earnings\">{}</b></div><div class=\"card\">Paid this period<b id=\"paid\">{}</b></div><div class=\"card\">Balance carried<b id=\"carried\">{}</b></div><div class=\"card\">Reserves held<b id=\"reserves\">{}</b></div></div>",
        money(s.earnings, cur),
        money(s.paid, cur),
        money(s.carried, cur),
        money(s.reserves_held, cur)
    );
    h.push_str("<h2>Recoupment position</h2><table><thead><tr><th>Contracts</th><th class=\"n\">Opening</th><th class=\"n\">Advances</th><th class=\"n\">Earnings</th><th class=\"n\">Reserve withheld</th><th class=\"n\">Reserve released</th><th class=\"n\">Paid</th><th class=\"n\">Closing</th></tr></thead><tbody>");
    for g in &s.groups {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&g.contracts.join(" + ")),
            money(g.opening, cur),
            money(-g.advances, cur),
            money(g.earnings, cur),
            money(-g.reserve_withheld, cur),
            money(g.reserve_released, cur),
            money(-g.paid, cur),
            money(g.closing, cur)
        );
    }
    h.push_str("</tbody></table>");
    let paid_note = if s.paid > Decimal::ZERO {
        format!("{} is paid this period.", money(s.paid, cur))
    } else if s.carried > Decimal::ZERO {
        format!(
            "The balance is below the minimum payout of {} and carries forward.",
            money(s.minimum_payout, cur)
        )
    } else if s.carried < Decimal::ZERO {
        "Advances are not yet recouped: nothing is payable, the balance carries forward."
            .to_string()
    } else {
        "Nothing is payable this period.".to_string()
    };
    let _ = write!(h, "<p>{}</p>", esc(&paid_note));
    if !s.fx.is_empty() {
        let _ = write!(
            h,
            "<p class=\"sub\">Exchange rates: {}</p>",
            esc(&s.fx.join("; "))
        );
    }
    h.push_str(&bars("Earnings by track", &top(by_track), cur));
    h.push_str(&bars("Earnings by territory", &top(by_territory), cur));
    h.push_str(&bars("Earnings by service", &top(by_service), cur));
    h.push_str("<h2>Detail</h2><table><thead><tr><th>Track</th><th>ISRC</th><th>Territory</th><th>Service</th><th>Month</th><th>Channel</th><th class=\"n\">Units</th><th class=\"n\">Net receipts</th><th class=\"n\">Share</th><th class=\"n\">Royalty</th></tr></thead><tbody>");
    // The largest lines; the CSV has every one.
    let mut shown: Vec<&StatementLine<'_>> = lines.iter().collect();
    shown.sort_by_key(|l| std::cmp::Reverse(l.royalty));
    shown.truncate(HTML_DETAIL_ROWS);
    for l in &shown {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(l.title),
            esc(l.isrc),
            esc(l.territory),
            esc(l.dsp),
            esc(l.service),
            Month(l.usage_month),
            esc(l.channel),
            l.units,
            money(l.net, l.source_currency),
            esc(l.share),
            money(l.royalty, cur)
        );
    }
    h.push_str("</tbody></table>");
    if lines.len() > HTML_DETAIL_ROWS {
        let _ = write!(
            h,
            "<p class=\"sub\">The {HTML_DETAIL_ROWS} largest of {} lines; every line is in <code>{}.csv</code>.</p>",
            lines.len(),
            esc(&s.payee)
        );
    }
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_and_never_negative_zero() {
        assert_eq!(money(-Decimal::ZERO, "GBP"), "0.00 GBP");
        assert_eq!(money(Decimal::new(-0, 2), "GBP"), "0.00 GBP");
        assert_eq!(
            money(Decimal::new(123_456_750, 2), "GBP"),
            "1,234,567.50 GBP"
        );
        assert_eq!(money(Decimal::new(-105_958, 2), "EUR"), "-1,059.58 EUR");
        assert_eq!(money(Decimal::new(1500, 0), "JPY"), "1,500 JPY");
    }
}
