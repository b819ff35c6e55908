//! How figures are shown in the page: thousands separators, two decimals, escaped text.

use rust_decimal::{Decimal, RoundingStrategy};

/// Text for HTML content and attribute values (also inside SVG).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in HTML text; show them as a replacement.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `1234567` → `1,234,567`.
pub fn int(n: i64) -> String {
    group(&n.to_string())
}

/// An amount or ratio shown with 2 decimals, midpoint away from zero: `1058.163` → `1,058.16`.
pub fn two(d: Decimal) -> String {
    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    if r.is_zero() {
        // `-0.001` rounds to zero: show `0.00`, not `-0.00`.
        r.set_sign_positive(true);
    }
    let s = r.to_string();
    match s.split_once('.') {
        Some((whole, frac)) => format!("{}.{frac}", group(whole)),
        None => group(&s),
    }
}

/// A percentage: `41.2` → `41.20%`.
pub fn pct(d: Decimal) -> String {
    format!("{}%", two(d))
}

/// Thousands separators in a run of digits with an optional leading minus.
fn group(digits: &str) -> String {
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", digits),
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// The attributes that tie a figure in the page to the JSON: section, key, period (empty for
/// the whole range), measure, and the exact value as the JSON writes it (empty for `null`).
pub fn fig(section: &str, key: &str, period: &str, measure: &str, value: &str) -> String {
    format!(
        " data-s=\"{}\" data-key=\"{}\" data-p=\"{}\" data-m=\"{}\" data-v=\"{}\"",
        esc(section),
        esc(key),
        esc(period),
        esc(measure),
        esc(value)
    )
}
