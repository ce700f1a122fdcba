//! Guaranteed float intervals: every exact quantity MES compares is first
//! known by an interval that surely contains it, and only when two
//! intervals overlap is the exact rational computed.

use num_rational::BigRational;

use super::to_f64;

/// A closed float interval that surely contains an exact value: every
/// operation is rounded to nearest and then widened by one ulp outward.
#[derive(Clone, Copy, Debug)]
pub(super) struct Iv {
    pub lo: f64,
    pub hi: f64,
}

impl Iv {
    pub(super) fn of(r: &BigRational) -> Iv {
        let f = to_f64(r);
        // to_f64 is within one ulp; two ulps either way is certainly safe.
        Iv { lo: f.next_down().next_down(), hi: f.next_up().next_up() }
    }
    #[inline]
    pub(super) fn exact(x: f64) -> Iv {
        Iv { lo: x, hi: x }
    }
    #[inline]
    pub(super) fn sub(self, o: Iv) -> Iv {
        Iv { lo: (self.lo - o.hi).next_down(), hi: (self.hi - o.lo).next_up() }
    }
    #[inline]
    pub(super) fn add(self, o: Iv) -> Iv {
        Iv { lo: (self.lo + o.lo).next_down(), hi: (self.hi + o.hi).next_up() }
    }
    /// An integer, exactly when it fits an f64 and within an ulp otherwise.
    pub(super) fn of_i128(c: i128) -> Iv {
        let f = c as f64;
        if c.unsigned_abs() < (1u128 << 53) {
            Iv::exact(f)
        } else {
            Iv { lo: f.next_down(), hi: f.next_up() }
        }
    }
    /// A non-negative integer of any size (above i128::MAX it rounds to the
    /// same f64 as i128::MAX does).
    pub(super) fn of_u128(k: u128) -> Iv {
        Iv::of_i128(k.min(i128::MAX as u128) as i128)
    }
    /// Multiply by a non-negative integer.
    #[inline]
    pub(super) fn mul_u128(self, k: u128) -> Iv {
        let kf = Iv::of_u128(k);
        let lo = if self.lo >= 0.0 { self.lo * kf.lo } else { self.lo * kf.hi };
        let hi = if self.hi >= 0.0 { self.hi * kf.hi } else { self.hi * kf.lo };
        Iv { lo: lo.next_down(), hi: hi.next_up() }
    }
    /// Ends of a positive value to multiply, each by one plain f64 product,
    /// by exact integers below 2^53, still erring outward: moved out by a
    /// few roundings, so `fl(lo·s) < value·s < fl(hi·s)` for every such `s`
    /// (subnormal ends included). MES's inner loops use them instead of
    /// `scale` per supporter.
    #[inline]
    pub(super) fn for_products(self) -> (f64, f64) {
        ((self.lo * (1.0 - 2.0 * f64::EPSILON)).next_down(), (self.hi * (1.0 + 2.0 * f64::EPSILON)).next_up())
    }
    /// Multiply by a non-negative integer (exact as f64 below 2^53).
    #[inline]
    pub(super) fn scale(self, k: u64) -> Iv {
        if k >= 1 << 53 {
            return self.mul_u128(k as u128);
        }
        let k = k as f64;
        Iv { lo: (self.lo * k).next_down(), hi: (self.hi * k).next_up() }
    }
}

/// A guaranteed interval around `Σ w_j·x_j` over `m` non-negative terms,
/// from the same sum computed plainly in f64 over the terms' lower ends
/// (`lo`) and upper ends (`hi`), every `w_j` and `x_j` an f64 and every
/// `w_j` an integer below 2^53. Each term then carries at most `m` roundings
/// of relative size `u = 2^-53` (one product, at most `m − 1` additions), so
/// the computed sum is within `γ_m = m·u/(1 − m·u) ≤ 2·m·u` of the exact one
/// relative to it (Higham, *Accuracy and Stability of Numerical Algorithms*,
/// §4.2, for non-negative terms); the bound used is twice as wide and allows
/// for terms that underflow. One pass of plain multiply-adds instead of
/// interval arithmetic per term: this is MES's inner loop.
pub(super) fn sum_bounds(lo: f64, hi: f64, m: usize) -> Iv {
    let rel = (m as f64 + 4.0) * f64::EPSILON; // 2·(m + 2)·u
    const TINY: f64 = 1e-290;
    Iv { lo: (lo * (1.0 - rel) - TINY).next_down(), hi: (hi * (1.0 + rel) + TINY).next_up() }
}

/// Compare an exact quantity known by interval `a` with interval `b`:
/// `Some(ordering)` when the intervals decide it, `None` when they overlap.
pub(super) fn iv_cmp(a: Iv, b: Iv) -> Option<std::cmp::Ordering> {
    if a.hi < b.lo {
        Some(std::cmp::Ordering::Less)
    } else if a.lo > b.hi {
        Some(std::cmp::Ordering::Greater)
    } else {
        None
    }
}

/// x / d as a guaranteed interval (d may be too large for an exact f64).
pub(super) fn div_iv(x: Iv, d: u128) -> Iv {
    // d as f64 is within half an ulp; above 2^53 take both neighbours.
    let df = Iv::of_u128(d);
    let lo = if x.lo >= 0.0 { x.lo / df.hi } else { x.lo / df.lo };
    let hi = if x.hi >= 0.0 { x.hi / df.lo } else { x.hi / df.hi };
    Iv { lo: lo.next_down().next_down(), hi: hi.next_up().next_up() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigInt;
    use num_traits::FromPrimitive;

    fn exact(x: f64) -> BigRational {
        BigRational::from_f64(x).expect("finite")
    }

    /// `sum_bounds` holds the exact sum of the products, on sums of many
    /// terms of very different sizes (where plain f64 sums lose digits).
    #[test]
    fn sum_bounds_contains_the_exact_sum() {
        let mut state = 0x9E3779B97F4A7C15u64;
        let mut rnd = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for case in 0..300 {
            let m = 1 + (rnd() % 2000) as usize;
            let (mut lo, mut hi) = (0.0f64, 0.0f64);
            let mut exact_sum = BigRational::from_integer(BigInt::from(0));
            for _ in 0..m {
                let w = (1 + rnd() % 100_000) as f64;
                // Budgets from 1e-300 to 1e12, and exact zeros.
                let x = match rnd() % 5 {
                    0 => 0.0,
                    1 => f64::from_bits(rnd() % (1 << 52)) * 1e-280,
                    _ => (rnd() % 1_000_000_000) as f64 / (1 + rnd() % 1000) as f64,
                };
                lo += w * x;
                hi += w * x;
                exact_sum += exact(w) * exact(x);
            }
            let iv = sum_bounds(lo, hi, m);
            assert!(exact(iv.lo) <= exact_sum && exact_sum <= exact(iv.hi), "case {case}: {iv:?}");
        }
    }

    /// The worst case for a plain sum: every addition rounds the same way
    /// (1 added to 2^53 is lost each time, ties to even), so the computed sum
    /// is short by almost m·u of the exact one; the bound still holds it.
    #[test]
    fn sum_bounds_holds_a_sum_that_rounds_down_every_time() {
        for m in [2usize, 10, 1000, 100_000] {
            let big = (1u64 << 53) as f64;
            let mut sum = big;
            for _ in 1..m {
                sum += 1.0;
            }
            assert_eq!(sum, big, "every addition was lost");
            let exact_sum = exact(big) + BigRational::from_integer(BigInt::from(m - 1));
            let iv = sum_bounds(sum, sum, m);
            assert!(exact(iv.lo) <= exact_sum && exact_sum <= exact(iv.hi), "m = {m}: {iv:?}");
        }
    }

    #[test]
    fn division_and_scaling_err_outward() {
        for (n, d) in [(1i64, 3u128), (2, 7), (10_000_000_000, 3), (1, (1 << 60) + 1)] {
            let x = Iv::of_i128(n as i128);
            let q = div_iv(x, d);
            let exact_q = BigRational::new(BigInt::from(n), BigInt::from(d));
            assert!(exact(q.lo) <= exact_q && exact_q <= exact(q.hi));
            let s = q.scale(3);
            let exact_s = exact_q * BigRational::from_integer(BigInt::from(3));
            assert!(exact(s.lo) <= exact_s && exact_s <= exact(s.hi));
        }
    }
}
