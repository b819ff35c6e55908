//! Exact shares and rates: a fraction of two integers, so `1/3` stays exact.

use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::fmt;

/// A non-normalised input is reduced on construction; the denominator is always positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ratio {
    num: i128,
    den: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

impl Ratio {
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    pub fn new(num: i128, den: i128) -> Option<Ratio> {
        if den == 0 || num == i128::MIN || den == i128::MIN {
            return None;
        }
        let g = gcd(num, den);
        let sign = if den < 0 { -1 } else { 1 };
        Some(Ratio {
            num: sign * num / g,
            den: sign * den / g,
        })
    }

    /// The largest denominator a written share may have: shares finer than a trillionth are
    /// typing mistakes, and sums of such shares must stay exact.
    pub const MAX_DENOMINATOR: i128 = 1_000_000_000_000;

    pub fn num(self) -> i128 {
        self.num
    }

    pub fn den(self) -> i128 {
        self.den
    }

    pub fn from_decimal(d: Decimal) -> Option<Ratio> {
        let den = 10_i128.checked_pow(d.scale())?;
        Ratio::new(d.mantissa(), den)
    }

    /// Parse `"50%"`, `"33.3333%"` or `"1/3"` into a fraction of one. Refuses values finer
    /// than [`Ratio::MAX_DENOMINATOR`] rather than rounding them.
    pub fn parse_share(s: &str) -> Result<Ratio, String> {
        let r = Ratio::parse_share_unchecked(s)?;
        if r.den > Ratio::MAX_DENOMINATOR {
            return Err(format!(
                "`{s}` is too precise: shares are exact to a trillionth"
            ));
        }
        Ok(r)
    }

    fn parse_share_unchecked(s: &str) -> Result<Ratio, String> {
        let t = s.trim();
        if let Some(p) = t.strip_suffix('%') {
            let d = exact_decimal(p.trim()).ok_or_else(|| format!("`{s}` is not a percentage"))?;
            return Ratio::from_decimal(d)
                .and_then(|r| r.checked_mul(Ratio { num: 1, den: 100 }))
                .ok_or_else(|| format!("`{s}` is too precise"));
        }
        if let Some((a, b)) = t.split_once('/') {
            let a: i128 = a
                .trim()
                .parse()
                .map_err(|_| format!("`{s}` is not a fraction"))?;
            let b: i128 = b
                .trim()
                .parse()
                .map_err(|_| format!("`{s}` is not a fraction"))?;
            return Ratio::new(a, b).ok_or_else(|| format!("`{s}` divides by zero"));
        }
        Err(format!("`{s}` is neither a percentage nor a fraction"))
    }

    pub fn checked_add(self, o: Ratio) -> Option<Ratio> {
        let num = self
            .num
            .checked_mul(o.den)?
            .checked_add(o.num.checked_mul(self.den)?)?;
        Ratio::new(num, self.den.checked_mul(o.den)?)
    }

    pub fn checked_sub(self, o: Ratio) -> Option<Ratio> {
        self.checked_add(Ratio {
            num: -o.num,
            den: o.den,
        })
    }

    pub fn checked_mul(self, o: Ratio) -> Option<Ratio> {
        let g1 = gcd(self.num, o.den);
        let g2 = gcd(o.num, self.den);
        Ratio::new(
            (self.num / g1).checked_mul(o.num / g2)?,
            (self.den / g2).checked_mul(o.den / g1)?,
        )
    }

    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    /// The exact value as a decimal (`0.4`), or as a fraction (`1/3`) when no decimal is exact.
    pub fn exact_string(self) -> String {
        let mut den = self.den;
        let mut scale = 0u32;
        while den % 10 == 0 {
            den /= 10;
            scale += 1;
        }
        // Multiply up to a power of ten when the denominator has only the factors 2 and 5.
        let mut rest = den;
        while rest % 2 == 0 {
            rest /= 2;
        }
        while rest % 5 == 0 {
            rest /= 5;
        }
        if rest == 1 {
            for extra in 0..40u32 {
                let Some(p) = 10i128.checked_pow(scale + extra) else {
                    break;
                };
                if p % self.den == 0
                    && let Some(n) = self.num.checked_mul(p / self.den)
                    && let Ok(d) = Decimal::try_from_i128_with_scale(n, scale + extra)
                {
                    return d.normalize().to_string();
                }
            }
        }
        self.to_string()
    }

    /// As a percentage with up to `dp` decimal places (rounded half to even), for messages.
    /// Values too large for a decimal are shown as a fraction.
    pub fn percent_string(self, dp: u32) -> String {
        let (Ok(n), Ok(den)) = (
            Decimal::try_from_i128_with_scale(self.num.saturating_mul(100), 0),
            Decimal::try_from_i128_with_scale(self.den, 0),
        ) else {
            return format!("{}/{} of 100%", self.num, self.den);
        };
        let d = n.checked_div(den).unwrap_or_default();
        let r = d.round_dp(dp).normalize();
        let exact = Ratio::from_decimal(r) == Ratio::new(self.num.saturating_mul(100), self.den);
        if exact {
            format!("{r}%")
        } else {
            format!("≈{r}%")
        }
    }
}

/// A decimal written in `text`, only if it is exactly representable: rust_decimal rounds
/// past 28 significant digits, which must not happen silently to money or shares.
pub fn exact_decimal(text: &str) -> Option<Decimal> {
    let digits = text
        .trim_start_matches(['-', '+'])
        .chars()
        .filter(char::is_ascii_digit)
        .skip_while(|c| *c == '0')
        .count();
    if digits > 28
        || !text
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
    {
        return None;
    }
    text.parse().ok()
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        // Cross-multiplication; saturates only for absurd inputs already refused upstream.
        let a = self.num.saturating_mul(other.den);
        let b = other.num.saturating_mul(self.den);
        a.cmp(&b)
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirds_sum_exactly() {
        let third = Ratio::parse_share("1/3").unwrap();
        let sum = third
            .checked_add(third)
            .unwrap()
            .checked_add(third)
            .unwrap();
        assert_eq!(sum, Ratio::ONE);
        let p = Ratio::parse_share("33.33%").unwrap();
        let sum = p.checked_add(p).unwrap().checked_add(p).unwrap();
        assert_eq!(sum.percent_string(4), "99.99%");
        assert_eq!(
            Ratio::parse_share("50%").unwrap(),
            Ratio::new(1, 2).unwrap()
        );
        assert!(Ratio::parse_share("0.5").is_err());
        assert_eq!(third.percent_string(2), "≈33.33%");
        // Too fine to be a share, and no silent rounding.
        assert!(Ratio::parse_share("1/100000000000000000000000000000").is_err());
        assert!(Ratio::parse_share("79.999999999999999999999999999999%").is_err());
        assert!(Ratio::parse_share("-170141183460469231731687303715884105728/1").is_err());
        let huge = Ratio::new(1, i128::MAX).unwrap();
        assert!(!huge.percent_string(2).is_empty());
        assert_eq!(exact_decimal("1.0000000000000000000000000000001"), None);
        assert!(exact_decimal("2000.00").is_some());
        assert_eq!(Ratio::new(2, 5).unwrap().exact_string(), "0.4");
        assert_eq!(Ratio::new(3, 8).unwrap().exact_string(), "0.375");
        assert_eq!(Ratio::ONE.exact_string(), "1");
        assert_eq!(third.exact_string(), "1/3");
    }
}
