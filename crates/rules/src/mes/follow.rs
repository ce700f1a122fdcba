//! A certificate from two runs, one at each end of a stretch of the add1
//! schedule: it proves that every per-voter budget between them makes the
//! same choices, so gives the same outcome.
//!
//! Hold a sequence of chosen plans fixed. Then every group's budget, after
//! any round, only rises with the start budget `b`: a supporter that pays
//! all it has keeps 0, one that pays `ρ·u` keeps `B − ρ·u`, and `ρ` (the
//! smallest price at which the supporters can pay) only falls when their
//! budgets rise. So every plan's price, in every round, only falls as `b`
//! rises. For `lo < b < hi`:
//! - the plan `c` chosen in round `t` at `lo` costs at most `ρ_c(lo)` at `b`
//!   (and its supporters can still pay for it);
//! - every other plan `q` costs at least `ρ_q(hi)` at `b` (computed at `hi`
//!   with the same choices before it), and is unaffordable at `b` if it is at
//!   `hi`.
//!
//! So if `ρ_q(hi) > ρ_c(lo)` (or `≥`, when `c` comes first in the tie-break
//! order) for every other plan in every round, and every plan left after the
//! last round is unaffordable at `hi`, then by induction over the rounds MES
//! at any `b` in `[lo, hi]` makes the same choices as at `lo`: the same
//! outcome. No assumption on how the outcome moves with `b` is made. The
//! run at `hi` that checks this is then MES's own run at `hi`, so its prices
//! serve as the `lo` end of the next stretch.
//!
//! It relies on two things about its caller: the add1 schedule's budget
//! never falls from one step to the next (`Add1::budget_at`, checked in
//! `Add1::follow`), and ties are broken by one fixed order (`rank`), the one
//! `execute` uses; a tie-break drawn afresh at each tie would break it.
//!
//! Unlike the affine certificate (`cert`), this one does not care which
//! supporters pay all they have, which on large elections changes at almost
//! every unit of budget while the choices stay the same for thousands.

use super::*;

impl<'p, 'a> Run<'p, 'a> {
    /// Run at this run's budget (`hi`) with the choices `seq` made at a lower
    /// budget `lo` (each with its price there), checking the conditions
    /// above. `Some` with this run's own prices when every budget in
    /// `[lo, hi]` makes those choices; `None` when that is not proven (it may
    /// still be so: the caller then tries a shorter stretch).
    pub(super) fn follow(mut self, seq: &[(usize, Iv)], rank: &[usize]) -> Option<Vec<(usize, Iv)>> {
        let prep = self.prep;
        // A lower bound on each plan's price at `hi` in the current round
        // (prices only rise from round to round within a run).
        let mut floor = prep.price_floors();
        let mut remaining: Vec<usize> = prep.eligible.clone();
        let mut out = Vec::with_capacity(seq.len());
        for &(c, at_lo) in seq {
            let a = self.affordability(c)?;
            remaining.retain(|&p| p != c);
            remaining.sort_by(|&x, &y| floor[x].total_cmp(&floor[y]).then(rank[x].cmp(&rank[y])));
            // `q` surely costs more than `c` anywhere in the stretch (or as
            // much, and loses the tie-break).
            let dearer = |q: usize, lo: f64| lo > at_lo.hi || (lo >= at_lo.hi && rank[c] < rank[q]);
            let mut gone = Vec::new();
            for &q in &remaining {
                if floor[q] > at_lo.hi {
                    break; // sorted: every plan after it is dearer too
                }
                if dearer(q, floor[q]) {
                    continue;
                }
                match self.affordability(q) {
                    None => gone.push(q),
                    Some(aq) => {
                        floor[q] = aq.iv.lo;
                        if !dearer(q, aq.iv.lo) {
                            return None;
                        }
                    }
                }
            }
            remaining.retain(|p| !gone.contains(p));
            out.push((c, a.iv));
            self.pay(c, a);
        }
        // At `lo` nothing else was affordable after the last round; it must
        // not be at `hi` either.
        if remaining.iter().any(|&q| self.affordability(q).is_some()) {
            return None;
        }
        Some(out)
    }
}
