//! Statement period names (`2025-Q1`, `2025-H2`, `2025-04`, `2025`) and the `--periods` range
//! syntax (`A..B`, `A`, `A..`, `..B`).

use std::cmp::Ordering;

/// The most periods a closed range lists one by one (20 years of months); a longer range
/// still reports every period that has data, without listing the empty ones.
const MAX_LISTED: i64 = 240;

/// A statement period: its name and the months it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    name: String,
    /// First month covered, counted from January of year 0.
    start: i64,
    /// Months covered: 1, 3, 6 or 12.
    months: i64,
}

/// Why a period or range is not valid; the message names the bad text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error(
        "`{0}` is not a statement period: write `2025-Q1` (quarter), `2025-H1` (half year), `2025-04` (month) or `2025` (year)"
    )]
    Malformed(String),
    #[error(
        "`{from}..{to}` mixes two kinds of period: write both ends alike, such as `2025-Q1..2025-Q4`"
    )]
    MixedKinds { from: String, to: String },
    #[error("`{from}..{to}` ends before it starts: write the earlier period first")]
    Backwards { from: String, to: String },
    #[error(
        "`..` names no period: write `2025-Q1..2025-Q4`, `2025-Q1..`, `..2025-Q4` or `2025-Q2`"
    )]
    Empty,
}

impl Period {
    /// Parse `YYYY`, `YYYY-Qn`, `YYYY-Hn` or `YYYY-MM` (years 1000 to 9999).
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let bad = || PeriodError::Malformed(text.to_string());
        let (year, rest) = match text.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (text, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) || year.starts_with('0') {
            return Err(bad());
        }
        let y: i64 = year.parse().map_err(|_| bad())?;
        let (offset, months) = match rest {
            None => (0, 12),
            Some(r) => {
                let b = r.as_bytes();
                match b {
                    [b'Q', q @ b'1'..=b'4'] => (i64::from(q - b'1') * 3, 3),
                    [b'H', h @ b'1'..=b'2'] => (i64::from(h - b'1') * 6, 6),
                    [m1 @ b'0'..=b'1', m2 @ b'0'..=b'9'] => {
                        let m = i64::from(m1 - b'0') * 10 + i64::from(m2 - b'0');
                        if !(1..=12).contains(&m) {
                            return Err(bad());
                        }
                        (m - 1, 1)
                    }
                    _ => return Err(bad()),
                }
            }
        };
        Ok(Period {
            name: text.to_string(),
            start: y * 12 + offset,
            months,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn from_start(start: i64, months: i64) -> Period {
        let (y, m) = (start.div_euclid(12), start.rem_euclid(12));
        let name = match months {
            12 => format!("{y:04}"),
            6 => format!("{y:04}-H{}", m / 6 + 1),
            3 => format!("{y:04}-Q{}", m / 3 + 1),
            _ => format!("{y:04}-{:02}", m + 1),
        };
        Period {
            name,
            start,
            months,
        }
    }

    fn end(&self) -> i64 {
        self.start + self.months
    }
}

/// How period names sort: by first month, then length; names that do not parse (the ledger
/// is the authority on what it stores) come after, by name.
pub fn sort_key(name: &str) -> (u8, i64, i64, String) {
    match Period::parse(name) {
        Ok(p) => (0, p.start, p.months, String::new()),
        Err(_) => (1, 0, 0, name.to_string()),
    }
}

/// Compare two period names in report order (see [`sort_key`]).
pub fn compare(a: &str, b: &str) -> Ordering {
    sort_key(a).cmp(&sort_key(b)).then_with(|| a.cmp(b))
}

/// The `--periods` argument: inclusive, either end may be open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodRange {
    pub from: Option<Period>,
    pub to: Option<Period>,
}

impl PeriodRange {
    /// Every period, with no bounds.
    pub fn all() -> PeriodRange {
        PeriodRange::default()
    }

    /// Parse `A..B`, `A` (one period), `A..` or `..B`.
    pub fn parse(text: &str) -> Result<PeriodRange, PeriodError> {
        let text = text.trim();
        let (from, to) = match text.split_once("..") {
            None => {
                let p = Period::parse(text)?;
                return Ok(PeriodRange {
                    from: Some(p.clone()),
                    to: Some(p),
                });
            }
            Some((a, b)) => (a.trim(), b.trim()),
        };
        let from = (!from.is_empty())
            .then(|| Period::parse(from))
            .transpose()?;
        let to = (!to.is_empty()).then(|| Period::parse(to)).transpose()?;
        if let (Some(f), Some(t)) = (&from, &to) {
            if f.months != t.months {
                return Err(PeriodError::MixedKinds {
                    from: f.name.clone(),
                    to: t.name.clone(),
                });
            }
            if f.start > t.start {
                return Err(PeriodError::Backwards {
                    from: f.name.clone(),
                    to: t.name.clone(),
                });
            }
        }
        if from.is_none() && to.is_none() {
            return Err(PeriodError::Empty);
        }
        Ok(PeriodRange { from, to })
    }

    /// The range as written back: `2025-Q1..2025-Q4`, `2025-Q2`, `2025-Q1..`, or `all periods`.
    pub fn describe(&self) -> String {
        match (&self.from, &self.to) {
            (Some(f), Some(t)) if f == t => f.name.clone(),
            (None, None) => "all periods".to_string(),
            (f, t) => format!(
                "{}..{}",
                f.as_ref().map_or("", |p| p.name.as_str()),
                t.as_ref().map_or("", |p| p.name.as_str())
            ),
        }
    }

    /// Whether the period named `name` lies within the range. Names that do not parse are
    /// kept: the ledger chose them.
    pub fn contains(&self, name: &str) -> bool {
        let Ok(p) = Period::parse(name) else {
            return true;
        };
        self.from.as_ref().is_none_or(|f| p.start >= f.start)
            && self.to.as_ref().is_none_or(|t| p.end() <= t.end())
    }

    /// Every period of a closed range, in order (empty for an open or very long range).
    pub fn listed(&self) -> Vec<String> {
        let (Some(f), Some(t)) = (&self.from, &self.to) else {
            return Vec::new();
        };
        let count = (t.start - f.start) / f.months + 1;
        if count > MAX_LISTED {
            return Vec::new();
        }
        (0..count)
            .map(|i| Period::from_start(f.start + i * f.months, f.months).name)
            .collect()
    }
}
