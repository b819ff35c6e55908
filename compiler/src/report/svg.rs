//! Inline SVG charts, drawn here so the page needs no script or network to show them.
//! Coordinates are computed with `Decimal` (no floats) and rounded to 0.1 px.

use super::format::{esc, fig};
use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt::Write;

/// One figure drawn in a chart, with what ties it to the JSON.
pub struct Point<'a> {
    pub section: &'a str,
    pub key: &'a str,
    pub period: &'a str,
    pub measure: &'a str,
    pub value: Decimal,
    /// The exact JSON value (`data-v`).
    pub raw: String,
    /// The value as shown (`1,058.16`).
    pub shown: String,
}

impl Point<'_> {
    fn attrs(&self) -> String {
        fig(self.section, self.key, self.period, self.measure, &self.raw)
    }
}

/// A named series of a line chart; `class` picks its colour (`c1`…`c5`).
pub struct Series<'a> {
    pub name: &'a str,
    pub class: &'a str,
    pub points: Vec<Point<'a>>,
}

fn d(n: i64) -> Decimal {
    Decimal::from(n)
}

/// `v` placed on `[0, px]` between `lo` and `hi`, rounded to 0.1.
fn place(v: Decimal, lo: Decimal, hi: Decimal, px: i64) -> Decimal {
    // Amounts near `Decimal`'s limits must not panic: any overflow draws at zero.
    let placed = || {
        let span = hi.checked_sub(lo).filter(|s| *s > Decimal::ZERO)?;
        v.clamp(lo, hi)
            .checked_sub(lo)?
            .checked_div(span)?
            .checked_mul(d(px))
    };
    placed()
        .unwrap_or_default()
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
}

/// The lowest and highest value to draw, always including zero and never equal.
fn bounds<'a>(values: impl Iterator<Item = &'a Decimal>) -> (Decimal, Decimal) {
    let (mut lo, mut hi) = (Decimal::ZERO, Decimal::ZERO);
    for v in values {
        lo = lo.min(*v);
        hi = hi.max(*v);
    }
    if hi == lo {
        hi = lo + Decimal::ONE;
    }
    (lo, hi)
}

/// A label cut to `max` characters, with an ellipsis.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

const W: i64 = 720;
const LEFT: i64 = 90;
const RIGHT: i64 = 20;
const TOP: i64 = 16;
const PLOT_H: i64 = 200;

/// Axis and grid: lines at the lowest value, zero and the highest, labelled with `tick`.
fn axis(svg: &mut String, lo: Decimal, hi: Decimal, tick: &dyn Fn(Decimal) -> String) {
    let mut marks = vec![lo, hi];
    // Zero gets its own line only when it is not too close to the others to read.
    let gap = |a: Decimal, b: Decimal| (place(a, lo, hi, PLOT_H) - place(b, lo, hi, PLOT_H)).abs();
    if lo < Decimal::ZERO && gap(Decimal::ZERO, lo) > d(14) && gap(hi, Decimal::ZERO) > d(14) {
        marks.push(Decimal::ZERO);
    }
    for m in marks {
        let y = d(TOP + PLOT_H) - place(m, lo, hi, PLOT_H);
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/><text class=\"axis\" x=\"{}\" y=\"{y}\" dy=\"4\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 6,
            esc(&tick(m))
        );
    }
}

/// X labels under the plot, thinned to about twelve.
fn x_labels(svg: &mut String, labels: &[String], xs: &[Decimal]) {
    let step = labels.len().div_ceil(12).max(1);
    for (i, (l, x)) in labels.iter().zip(xs).enumerate() {
        if i % step == 0 {
            let _ = write!(
                svg,
                "<text class=\"axis\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                TOP + PLOT_H + 18,
                esc(l)
            );
        }
    }
}

fn x_positions(n: usize) -> Vec<Decimal> {
    let plot_w = d(W - LEFT - RIGHT);
    let n_d = Decimal::from(n.max(1));
    (0..n)
        .map(|i| {
            (d(LEFT) + (Decimal::from(i) + Decimal::new(5, 1)) * plot_w / n_d)
                .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
        })
        .collect()
}

fn open(svg: &mut String, id: &str, title: &str, height: i64) {
    let _ = write!(
        svg,
        "<svg id=\"{}\" class=\"chart\" viewBox=\"0 0 {W} {height}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title>",
        esc(id),
        esc(title),
        esc(title)
    );
}

/// Lines over `labels` (periods), one per series, each point a circle with its figure.
pub fn lines(
    id: &str,
    title: &str,
    labels: &[String],
    series: &[Series<'_>],
    tick: &dyn Fn(Decimal) -> String,
) -> String {
    let (lo, hi) = bounds(
        series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| &p.value)),
    );
    let xs = x_positions(labels.len());
    let mut svg = String::new();
    open(&mut svg, id, title, TOP + PLOT_H + 28);
    axis(&mut svg, lo, hi, tick);
    x_labels(&mut svg, labels, &xs);
    for s in series {
        let coords: Vec<(Decimal, Decimal)> = s
            .points
            .iter()
            .zip(&xs)
            .map(|(p, x)| (*x, d(TOP + PLOT_H) - place(p.value, lo, hi, PLOT_H)))
            .collect();
        let path: Vec<String> = coords.iter().map(|(x, y)| format!("{x},{y}")).collect();
        let _ = write!(
            svg,
            "<g class=\"series {}\"><polyline fill=\"none\" points=\"{}\"/>",
            esc(s.class),
            path.join(" ")
        );
        for (p, (x, y)) in s.points.iter().zip(&coords) {
            let _ = write!(
                svg,
                "<circle cx=\"{x}\" cy=\"{y}\" r=\"3.5\"{}><title>{} {}: {}</title></circle>",
                p.attrs(),
                esc(s.name),
                esc(p.period),
                esc(&p.shown)
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    svg
}

/// Columns over `labels`, one per point, each labelled with its figure; `class` picks the
/// colour.
pub fn columns(
    id: &str,
    title: &str,
    class: &str,
    labels: &[String],
    points: &[Point<'_>],
    tick: &dyn Fn(Decimal) -> String,
) -> String {
    let (lo, hi) = bounds(points.iter().map(|p| &p.value));
    let xs = x_positions(labels.len());
    let plot_w = d(W - LEFT - RIGHT);
    let bar_w = (plot_w / Decimal::from(labels.len().max(1)) * Decimal::new(6, 1))
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    let zero_y = d(TOP + PLOT_H) - place(Decimal::ZERO, lo, hi, PLOT_H);
    let mut svg = String::new();
    open(&mut svg, id, title, TOP + PLOT_H + 28);
    axis(&mut svg, lo, hi, tick);
    x_labels(&mut svg, labels, &xs);
    let _ = write!(svg, "<g class=\"series {}\">", esc(class));
    for (p, x) in points.iter().zip(&xs) {
        let y = d(TOP + PLOT_H) - place(p.value, lo, hi, PLOT_H);
        let (top, h) = if y <= zero_y {
            (y, zero_y - y)
        } else {
            (zero_y, y - zero_y)
        };
        let left = x - bar_w / d(2);
        let label_y = (top - d(4)).max(d(10));
        let _ = write!(
            svg,
            "<rect x=\"{left}\" y=\"{top}\" width=\"{bar_w}\" height=\"{h}\"><title>{}: {}</title></rect><text class=\"n\" x=\"{x}\" y=\"{label_y}\" text-anchor=\"middle\"{}>{}</text>",
            esc(p.period),
            esc(&p.shown),
            p.attrs(),
            esc(&p.shown)
        );
    }
    svg.push_str("</g></svg>");
    svg
}

/// Horizontal bars, one per point (labelled by `labels`), longest first as given.
pub fn bars(id: &str, title: &str, labels: &[String], points: &[Point<'_>]) -> String {
    const ROW: i64 = 24;
    const LABEL_W: i64 = 220;
    const VALUE_W: i64 = 110;
    let (_, hi) = bounds(points.iter().map(|p| &p.value));
    let mut svg = String::new();
    let height = ROW * i64::try_from(points.len()).unwrap_or(0) + 8;
    open(&mut svg, id, title, height);
    svg.push_str("<g class=\"series c1\">");
    for (i, (p, l)) in points.iter().zip(labels).enumerate() {
        let y = ROW * i64::try_from(i).unwrap_or(0) + 4;
        let w = place(
            p.value.max(Decimal::ZERO),
            Decimal::ZERO,
            hi,
            W - LABEL_W - VALUE_W,
        );
        let _ = write!(
            svg,
            "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{LABEL_W}\" y=\"{y}\" width=\"{w}\" height=\"{}\"><title>{}: {}</title></rect><text class=\"n\" x=\"{}\" y=\"{}\"{}>{}</text>",
            LABEL_W - 8,
            y + 15,
            esc(&cut(l, 30)),
            ROW - 6,
            esc(l),
            esc(&p.shown),
            d(LABEL_W + 6) + w,
            y + 15,
            p.attrs(),
            esc(&p.shown)
        );
    }
    svg.push_str("</g></svg>");
    svg
}
