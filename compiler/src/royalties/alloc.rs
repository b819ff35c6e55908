//! Largest-remainder allocation: split an integer amount of minor units (pence, cents) over
//! weights so that the parts add up to exactly the amount — never a unit created or lost.
//!
//! DOMAIN §5: (1) pool P, weights wᵢ, W = Σwᵢ; (2) qᵢ = P·wᵢ/W exactly, give ⌊qᵢ⌋; (3) give
//! the P − Σ⌊qᵢ⌋ leftover units one each to the largest fractional parts, ties to the earlier
//! weight (declaration order). A negative pool is the negated allocation of |P|.

/// Why an allocation is impossible.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocError {
    #[error("there is money to share ({0} minor units) but every weight is zero")]
    NothingToShareOver(i128),
    #[error("a weight is negative")]
    NegativeWeight,
    #[error("the amounts are too large to allocate exactly")]
    Overflow,
}

/// Split `pool` over `weights` (non-negative). The result has one part per weight and sums to
/// `pool` exactly. All weights zero: all parts zero when the pool is zero, an error otherwise.
pub fn allocate(pool: i128, weights: &[i128]) -> Result<Vec<i128>, AllocError> {
    if weights.iter().any(|w| *w < 0) {
        return Err(AllocError::NegativeWeight);
    }
    if pool < 0 {
        let positive = pool.checked_neg().ok_or(AllocError::Overflow)?;
        return Ok(allocate(positive, weights)?
            .into_iter()
            .map(|p| -p)
            .collect());
    }
    let total = weights
        .iter()
        .try_fold(0i128, |acc, w| acc.checked_add(*w))
        .ok_or(AllocError::Overflow)?;
    if total == 0 {
        return if pool == 0 {
            Ok(vec![0; weights.len()])
        } else {
            Err(AllocError::NothingToShareOver(pool))
        };
    }
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    let mut given: i128 = 0;
    for (i, w) in weights.iter().enumerate() {
        let (floor, rem) = share_of(pool, *w, total)?;
        parts.push(floor);
        remainders.push((rem, i));
        given += floor;
    }
    // Largest remainder first; equal remainders to the earlier weight. Only the set of the
    // `leftover` first in that (total) order matters: a selection, not a sort.
    let leftover = usize::try_from(pool - given).unwrap_or(0);
    let order = |a: &(i128, usize), b: &(i128, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if leftover > 0 && leftover < remainders.len() {
        remainders.select_nth_unstable_by(leftover - 1, order);
    }
    for (_, i) in remainders.iter().take(leftover) {
        if let Some(p) = parts.get_mut(*i) {
            *p += 1;
        }
    }
    Ok(parts)
}

/// `⌊pool·w / total⌋` and the remainder, for `pool, w ≥ 0`, `total > 0`: in 64-bit
/// arithmetic when the product fits (every real report), else in 128 bits.
#[inline]
fn share_of(pool: i128, w: i128, total: i128) -> Result<(i128, i128), AllocError> {
    if let (Ok(p), Ok(w64), Ok(t)) = (u64::try_from(pool), u64::try_from(w), u64::try_from(total))
        && let Some(product) = p.checked_mul(w64)
    {
        return Ok((i128::from(product / t), i128::from(product % t)));
    }
    let product = pool.checked_mul(w).ok_or(AllocError::Overflow)?;
    Ok((product / total, product % total))
}

/// [`allocate`] into `out` (cleared first), reusing its memory: the engine calls this for
/// every line, twice.
pub fn allocate_into(pool: i128, weights: &[i128], out: &mut Vec<i128>) -> Result<(), AllocError> {
    out.clear();
    if weights.iter().any(|w| *w < 0) {
        return Err(AllocError::NegativeWeight);
    }
    let sign = if pool < 0 { -1 } else { 1 };
    let pool = pool.checked_abs().ok_or(AllocError::Overflow)?;
    let total = weights
        .iter()
        .try_fold(0i128, |acc, w| acc.checked_add(*w))
        .ok_or(AllocError::Overflow)?;
    if total == 0 {
        if pool == 0 {
            out.resize(weights.len(), 0);
            return Ok(());
        }
        return Err(AllocError::NothingToShareOver(pool * sign));
    }
    let mut given = 0i128;
    for w in weights {
        let (floor, _) = share_of(pool, *w, total)?;
        out.push(floor);
        given += floor;
    }
    // Leftover units, one each to the largest remainders (ties to the earlier weight): a
    // selection per unit, as there are fewer leftovers than parts and parts are few.
    let mut leftover = pool - given;
    if leftover > 0 {
        let rem = |i: usize| share_of(pool, weights[i], total).map_or(0, |(_, r)| r);
        // Parts already given a unit: a bit mask for the usual handful, a list beyond 64.
        let mut mask: u64 = 0;
        let mut many: Vec<bool> = if weights.len() > 64 {
            vec![false; weights.len()]
        } else {
            Vec::new()
        };
        while leftover > 0 {
            let mut best: Option<usize> = None;
            for i in 0..weights.len() {
                let taken = if i < 64 && many.is_empty() {
                    mask & (1 << i) != 0
                } else {
                    many[i]
                };
                if taken {
                    continue;
                }
                if best.is_none_or(|b| rem(i) > rem(b)) {
                    best = Some(i);
                }
            }
            let Some(b) = best else { break };
            if many.is_empty() {
                mask |= 1 << b;
            } else {
                many[b] = true;
            }
            out[b] += 1;
            leftover -= 1;
        }
    }
    if sign < 0 {
        for p in out.iter_mut() {
            *p = -*p;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// DOMAIN §6 worked example: £1,058.16 over 201,350 / 132,890 / 67,293 streams gives
    /// £530.62, £350.20 and £177.34 (rounding each line alone would create a penny).
    #[test]
    fn worked_example() {
        assert_eq!(
            allocate(105_816, &[201_350, 132_890, 67_293]).unwrap(),
            vec![53_062, 35_020, 17_734]
        );
        // A1's net split 40 % / 10 % / 50 % of 45,103 pence: ties go to earlier payees.
        assert_eq!(
            allocate(45_103, &[40, 10, 50]).unwrap(),
            vec![18_041, 4_510, 22_552]
        );
        assert_eq!(allocate(29_767, &[50, 50]).unwrap(), vec![14_884, 14_883]);
        assert_eq!(allocate(-5, &[1, 1]).unwrap(), vec![-3, -2]);
        assert_eq!(allocate(0, &[0, 0]).unwrap(), vec![0, 0]);
        assert!(allocate(1, &[0, 0]).is_err());
        assert!(allocate(1, &[-1, 2]).is_err());
    }

    proptest! {
        #[test]
        fn allocate_into_equals_allocate(
            pool in -10_000_000i128..10_000_000,
            weights in prop::collection::vec(0i128..1_000_000, 1..12),
        ) {
            let mut out = Vec::new();
            let a = allocate(pool, &weights);
            let b = allocate_into(pool, &weights, &mut out).map(|()| out.clone());
            prop_assert_eq!(a, b);
        }

        #[test]
        fn never_creates_or_loses_a_unit(
            pool in -10_000_000_000i128..10_000_000_000,
            weights in prop::collection::vec(0i128..1_000_000_000, 1..40),
        ) {
            match allocate(pool, &weights) {
                Ok(parts) => {
                    prop_assert_eq!(parts.len(), weights.len());
                    prop_assert_eq!(parts.iter().sum::<i128>(), pool);
                    let total: i128 = weights.iter().sum();
                    for (p, w) in parts.iter().zip(&weights) {
                        // Each part is within one unit of its exact share.
                        let exact_times_total = pool * w;
                        prop_assert!((p * total - exact_times_total).abs() < total);
                    }
                }
                Err(AllocError::NothingToShareOver(_)) => prop_assert!(weights.iter().all(|w| *w == 0)),
                Err(e) => prop_assert!(false, "{e}"),
            }
        }
    }
}
