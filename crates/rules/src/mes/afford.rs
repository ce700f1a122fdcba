//! A plan's affordability in one MES run: the price per unit of utility at
//! which its supporters can pay for it, the poorest paying all they have,
//! found on guaranteed float intervals and settled exactly when they cannot
//! decide.

use num_rational::BigRational;

use super::iv::{div_iv, iv_cmp, sum_bounds, Iv};
use super::{rat, Afford, Live, Run};

impl Run<'_, '_> {
    /// The affordability ρ of plan `q` (the smallest price per unit of
    /// utility at which its supporters can pay for it, the poorest paying all
    /// they have), or `None` if its supporters together cannot afford it.
    pub(super) fn affordability(&self, q: usize) -> Option<Afford> {
        // Buffers reused across calls: a large election calls this
        // thousands of times per run.
        let (mut live, mut is_poor) = std::mem::take(&mut *self.scratch.borrow_mut());
        live.clear();
        for &(g, s) in &self.prep.supporters[q] {
            if !self.exhausted[g as usize] {
                let w = self.prep.weights[g as usize] as f64;
                live.push(Live { g, w, s, sf: s as f64, b: self.budget_iv[g as usize] });
            }
        }
        if let Some(c) = &self.cert {
            c.charge(0, live.len());
        }
        let out = self.affordability_of(q, &live, &mut is_poor);
        *self.scratch.borrow_mut() = (live, is_poor);
        out
    }

    /// Σ weight·budget over `live` (where `pick` holds) as a guaranteed interval.
    fn money(&self, live: &[Live], pick: impl Fn(usize) -> bool) -> Iv {
        if self.prep.small {
            let (mut lo, mut hi, mut m) = (0.0f64, 0.0f64, 0usize);
            for (i, x) in live.iter().enumerate() {
                if pick(i) {
                    // A budget is never negative: its interval's lower end may be.
                    lo += x.w * x.b.lo.max(0.0);
                    hi += x.w * x.b.hi;
                    m += 1;
                }
            }
            return sum_bounds(lo, hi, m);
        }
        let mut sum = Iv::exact(0.0);
        for (i, x) in live.iter().enumerate() {
            if pick(i) {
                sum = sum.add(x.b.scale(self.prep.weights[x.g as usize]));
            }
        }
        sum
    }

    fn affordability_of(&self, q: usize, live: &[Live], is_poor: &mut Vec<bool>) -> Option<Afford> {
        let cost = self.prep.e.projects[q].cost;

        // Can they pay for it at all?
        let affordable = match iv_cmp(self.money(live, |_| true), Iv::of_i128(cost as i128)) {
            Some(o) => o != std::cmp::Ordering::Less,
            None => self.exact_sum(live.iter().map(|x| x.g as usize)) >= rat(cost),
        };
        if !affordable {
            return None;
        }

        // Guess who pays everything (pabutools' poor/rich iteration, on
        // interval midpoints), then prove the guess with intervals.
        let mid = |b: Iv| (b.lo + b.hi) * 0.5;
        is_poor.clear();
        is_poor.resize(live.len(), false);
        let mut den: f64 = live.iter().map(|x| x.w * x.sf).sum();
        let mut paid = 0.0f64;
        loop {
            if den <= 0.0 {
                break;
            }
            let rho = (cost as f64 - paid) / den;
            let mut changed = false;
            for (x, p) in live.iter().zip(is_poor.iter_mut()) {
                if !*p && mid(x.b) < rho * x.sf {
                    *p = true;
                    den -= x.w * x.sf;
                    paid += x.w * mid(x.b);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        if let Some(a) = self.proven_by_intervals(cost, live, is_poor) {
            return Some(a);
        }
        // The intervals cannot decide (a near or exact tie of a budget with
        // the price): settle it exactly.
        let exact = match self.verify_partition(cost, live, is_poor) {
            Some(x) => x,
            None => {
                let mut is_poor = vec![false; live.len()];
                loop {
                    let rho = self.rho_for(cost, live, &is_poor)?;
                    let rho_iv = Iv::of(&rho);
                    let mut changed = false;
                    for (i, x) in live.iter().enumerate() {
                        if !is_poor[i] && self.cmp_budget(x.g as usize, &rho, rho_iv, x.s) == std::cmp::Ordering::Less {
                            is_poor[i] = true;
                            changed = true;
                        }
                    }
                    if !changed {
                        break (rho, is_poor);
                    }
                }
            }
        };
        let (rho, is_poor) = exact;
        let den = self.utility_of(live, &is_poor);
        let mut poor: Vec<u32> = live.iter().zip(&is_poor).filter(|(_, &p)| p).map(|(x, _)| x.g).collect();
        poor.sort_unstable();
        Some(Afford { iv: Iv::of(&rho), cost, den, poor, exact: Some(rho) })
    }

    /// Interval proof of a partition: every poor supporter has at most ρ·s and
    /// every other at least ρ·s, for every ρ in the interval. Then the exact ρ
    /// (in the interval) solves Σ min(b, ρ·s) = cost, whose solution is unique.
    fn proven_by_intervals(&self, cost: i64, live: &[Live], is_poor: &[bool]) -> Option<Afford> {
        let den = self.utility_of(live, is_poor);
        if den == 0 {
            return None;
        }
        let paid = self.money(live, |i| is_poor[i]);
        let rho = div_iv(Iv::of_i128(cost as i128).sub(paid), den);
        if rho.lo <= 0.0 {
            return None;
        }
        if self.prep.small {
            // ρ > 0 (checked above): one rounded product per supporter errs outward.
            let (lo, hi) = rho.for_products();
            for (x, &p) in live.iter().zip(is_poor) {
                let ok = if p { x.b.hi <= lo * x.sf } else { x.b.lo >= hi * x.sf };
                if !ok {
                    return None;
                }
            }
        } else {
            for (x, &p) in live.iter().zip(is_poor) {
                let price = rho.scale(x.s);
                let ok = if p { x.b.hi <= price.lo } else { x.b.lo >= price.hi };
                if !ok {
                    return None;
                }
            }
        }
        // In `live`'s order, which is the supporters' order: by group.
        let poor: Vec<u32> = live.iter().zip(is_poor).filter(|(_, &p)| p).map(|(x, _)| x.g).collect();
        debug_assert!(poor.windows(2).all(|w| w[0] < w[1]));
        Some(Afford { iv: rho, cost, den, poor, exact: None })
    }

    /// Σ weight·utility of the supporters not paying all they have.
    pub(super) fn utility_of(&self, live: &[Live], is_poor: &[bool]) -> u128 {
        live.iter()
            .zip(is_poor)
            .filter(|(_, &p)| !p)
            .map(|(x, _)| self.prep.weights[x.g as usize] as u128 * x.s as u128)
            .sum()
    }

    /// ρ = (cost − what the poor pay) / (utility of the rest), exactly.
    pub(super) fn rho_for(&self, cost: i64, live: &[Live], is_poor: &[bool]) -> Option<BigRational> {
        let den = self.utility_of(live, is_poor);
        if den == 0 {
            return None;
        }
        let contrib = self.exact_sum(live.iter().zip(is_poor).filter(|(_, &p)| p).map(|(x, _)| x.g as usize));
        Some((rat(cost) - contrib) / rat(den))
    }

    /// Exact check of a partition (see `proven_by_intervals`).
    fn verify_partition(&self, cost: i64, live: &[Live], is_poor: &[bool]) -> Option<(BigRational, Vec<bool>)> {
        let rho = self.rho_for(cost, live, is_poor)?;
        if rho <= rat(0) {
            return None;
        }
        let rho_iv = Iv::of(&rho);
        for (i, x) in live.iter().enumerate() {
            let o = self.cmp_budget(x.g as usize, &rho, rho_iv, x.s);
            let ok = if is_poor[i] { o != std::cmp::Ordering::Greater } else { o != std::cmp::Ordering::Less };
            if !ok {
                return None;
            }
        }
        Some((rho, is_poor.to_vec()))
    }
}
