//! Statement periods: `2025-Q2` (quarterly) or `2025-H1` (semi-annual).

use super::date::Date;
use crate::syntax::label::StatementPeriod;
use std::fmt;

/// One statement period. Ordered chronologically within a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    /// 1–4 for quarters, 1–2 for halves.
    pub index: u8,
    pub kind: StatementPeriod,
}

impl Period {
    /// Parse `YYYY-Qn` or `YYYY-Hn`.
    pub fn parse(s: &str) -> Option<Period> {
        let (y, p) = s.split_once('-')?;
        if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let mut chars = p.chars();
        let kind = match chars.next()? {
            'Q' => StatementPeriod::Quarterly,
            'H' => StatementPeriod::SemiAnnual,
            _ => return None,
        };
        let rest = chars.as_str();
        if rest.len() != 1 {
            return None;
        }
        let index: u8 = rest.parse().ok()?;
        let max = match kind {
            StatementPeriod::Quarterly => 4,
            StatementPeriod::SemiAnnual => 2,
        };
        (1..=max)
            .contains(&index)
            .then_some(Period { year, index, kind })
    }

    fn months(self) -> u8 {
        match self.kind {
            StatementPeriod::Quarterly => 3,
            StatementPeriod::SemiAnnual => 6,
        }
    }

    /// First day of the period.
    pub fn start(self) -> Date {
        let m = (self.index - 1) * self.months() + 1;
        Date::new(self.year, m, 1).unwrap_or(Date {
            year: self.year,
            month: 1,
            day: 1,
        })
    }

    /// Last day of the period.
    pub fn end(self) -> Date {
        self.next().start().pred()
    }

    /// The period after this one.
    pub fn next(self) -> Period {
        let max = 12 / self.months();
        if self.index == max {
            Period {
                year: self.year + 1,
                index: 1,
                kind: self.kind,
            }
        } else {
            Period {
                index: self.index + 1,
                ..self
            }
        }
    }

    /// How many periods `later` comes after `self` (0 when equal; negative when before).
    pub fn distance(self, later: Period) -> i64 {
        let per_year = i64::from(12 / self.months());
        (i64::from(later.year) * per_year + i64::from(later.index))
            - (i64::from(self.year) * per_year + i64::from(self.index))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = match self.kind {
            StatementPeriod::Quarterly => 'Q',
            StatementPeriod::SemiAnnual => 'H',
        };
        write!(f, "{}-{c}{}", self.year, self.index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_walks() {
        let q = Period::parse("2025-Q4").unwrap();
        assert_eq!(q.start().to_string(), "2025-10-01");
        assert_eq!(q.end().to_string(), "2025-12-31");
        assert_eq!(q.next().to_string(), "2026-Q1");
        let h = Period::parse("2024-H1").unwrap();
        assert_eq!(h.end().to_string(), "2024-06-30");
        assert_eq!(h.distance(Period::parse("2025-H2").unwrap()), 3);
        for bad in [
            "2025-Q5", "2025-Q0", "25-Q1", "2025Q1", "2025-H3", "2025-M1", "2025-Q12",
        ] {
            assert!(Period::parse(bad).is_none(), "{bad}");
        }
    }
}
