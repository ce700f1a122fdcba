//! A third certificate, for large elections: how far a run's choices stay
//! the same along the add1 schedule while supporters change sides.
//!
//! On a large election some supporter moves from paying all it has to
//! paying the price at almost every unit of budget, so the affine
//! certificate (`cert`) stays short, while the choices stay the same for
//! dozens of units. The Lipschitz certificate and `follow` cover such
//! stretches, but lose the fact that all prices fall together as the budget
//! rises: near the budget where two plans swap places they prove only a
//! small part of the way each time.
//!
//! This one keeps that fact. It aims at a stretch of steps `[k, K]` and
//! encloses every quantity, for every budget `b` of the stretch, in a band
//! between two lines, `[α_lo + β_lo·b, α_hi + β_hi·b]` (an `Aff` read as a
//! band; budgets are positive). The run at step `k` is MES's own run there.
//! By induction over the rounds, with the choices of the rounds before held
//! fixed on the stretch (proven before), every budget only rises with `b`
//! and every price only falls (see `follow`), so for a supporter `i` of the
//! round's chosen plan `c` at price `ρ`, `B_i − ρ·u_i` only rises:
//! - one that pays `ρ·u_i` at step `k` does so over the whole stretch: its
//!   band loses `u_i·ρ`;
//! - one that pays all it has at `K` does so over the whole stretch: it is
//!   exhausted (`dead`);
//! - any other one (paying all it has at `k`, not shown to at `K`) pays
//!   `min(B_i, ρ·u_i)`: either `ρ·u_i − e` with `0 ≤ e ≤ max(0, ρ(k)·u_i −
//!   B_i)`, or `B_i − e` with `0 ≤ e ≤ max(0, B_i − ρ·u_i)`. With the bands
//!   each bound is `max(0, ·)` of a line in `b`, which is convex, so under
//!   its chord over the stretch: a line again (`chord`). The smaller one
//!   goes into the price's band as an error, and what the supporter keeps,
//!   `max(0, B_i − ρ·u_i)`, is enclosed the same way.
//!
//! A lower band of the price, for those bounds, takes every supporter that
//! pays all it has at `k` to pay all it has (`min(B, ρ·u) ≤ B`). The price's
//! band is then `(cost − Σ_paying-all w·B + Σ w·e) / U`, `U` the utility of
//! the others. When every supporter pays the price over the whole stretch,
//! the price is exactly `cost / U`, a constant, and exact ties with it are
//! settled with integers.
//!
//! Every other plan is shown not to be preferred by the same inequalities
//! as the affine certificate, on the bands. A plan found unaffordable at
//! `k` is shown to stay so; where that cannot be shown over the stretch, it
//! is treated as a competitor in every later round, and shown unaffordable
//! when the run ends (budgets only fall from round to round). A plan or
//! supporter that cannot be shown over the whole stretch cuts it short,
//! down to the last step where everything shown holds. Bands computed for
//! a longer stretch hold on a shorter one, so the certificate only ever
//! shrinks `K`. No assumption about how the outcome moves with the budget
//! is made: what is assumed is proven for the rounds before, over the same
//! stretch. `every_step_a_certificate_reaches_makes_the_same_choices`
//! checks it step by step.
//!
//! Two facts spare work in later rounds, both because budgets only fall
//! from round to round (at every budget of the stretch, the earlier rounds'
//! choices being proven): a plan shown unaffordable over the stretch stays
//! so (`s_broke`), and a floor of a plan's price, `(cost − Σ_A w·B) /
//! Σ_{not A} w·u` for the split `A` of a round's `g_A` test (since
//! `g_A(ρ_q) ≥ f_q(ρ_q) = cost`), stays a floor (`s_floor`).
//!
//! The same proof decides a round without MES's scan over every plan
//! (`guessed_round`): given the plan a run at another step chose in this
//! round, when every inequality is shown strictly at this run's own step
//! (no tie, whatever the tie-break), that plan is MES's own choice here. A
//! try that fails gives back the stretch it narrowed, so what it learnt is
//! kept only where it holds on the stretch as it was before the try.

use super::cert::Aff;
use super::{Afford, Iv, Run};

/// The band's lowest value at a budget in `x` (x ≥ 0).
fn lower(f: Aff, x: Iv) -> f64 {
    let t = (f.b.lo * x.lo).min(f.b.lo * x.hi).next_down();
    (f.a.lo + t).next_down()
}

/// The band's highest value at a budget in `x` (x ≥ 0).
#[inline]
fn upper(f: Aff, x: Iv) -> f64 {
    let t = (f.b.hi * x.lo).max(f.b.hi * x.hi).next_up();
    (f.a.hi + t).next_up()
}

/// `Σ w·f` over bands `f` with positive integer weights `w` below 2^53, in
/// one pass of plain products and sums over each coefficient's ends, then
/// widened by a bound on the rounding: each of the `m` terms carries at
/// most `m` roundings of relative size `u = 2^-53` (one product, at most
/// `m − 1` additions), so each sum is within `γ_m·Σ|terms| ≤ 2·m·u·Σ|terms|`
/// of the exact one (Higham, *Accuracy and Stability of Numerical
/// Algorithms*, §4.2); the bound used is twice as wide, as in `sum_bounds`,
/// and allows for terms that underflow. The stretch certificate's inner loop.
#[derive(Default)]
struct BandSum {
    alo: f64,
    ahi: f64,
    blo: f64,
    bhi: f64,
    /// Σ of the terms' absolute values, for the rounding bound.
    abs: f64,
    m: usize,
}

impl BandSum {
    #[inline]
    fn add(&mut self, w: f64, f: Aff) {
        let (alo, ahi, blo, bhi) = (w * f.a.lo, w * f.a.hi, w * f.b.lo, w * f.b.hi);
        self.alo += alo;
        self.ahi += ahi;
        self.blo += blo;
        self.bhi += bhi;
        self.abs += alo.abs().max(ahi.abs()) + blo.abs().max(bhi.abs());
        self.m += 1;
    }

    fn total(&self) -> Aff {
        const TINY: f64 = 1e-290;
        let err = ((self.m as f64 + 4.0) * f64::EPSILON * self.abs + TINY).next_up();
        if ![err, self.alo, self.ahi, self.blo, self.bhi].iter().all(|v| v.is_finite()) {
            let inf = Iv { lo: f64::NEG_INFINITY, hi: f64::INFINITY };
            return Aff { a: inf, b: inf };
        }
        Aff {
            a: Iv { lo: (self.alo - err).next_down(), hi: (self.ahi + err).next_up() },
            b: Iv { lo: (self.blo - err).next_down(), hi: (self.bhi + err).next_up() },
        }
    }
}

/// A band `[0, line]` over the stretch's budgets `[xl, xr]` enclosing
/// `max(0, h)` for every `h` under `f`'s upper line: `max(0, ·)` of a line is
/// convex, so it lies under its chord between the two ends, and the line
/// returned lies on or above the chord at both ends, so above it between.
/// `None` when a value is not finite.
fn chord(f: Aff, xl: f64, xr: f64) -> Option<Aff> {
    let (v0, v1) = (upper(f, Iv::exact(xl)), upper(f, Iv::exact(xr)));
    if !(v0.is_finite() && v1.is_finite()) {
        return None;
    }
    let (v0, v1) = (v0.max(0.0), v1.max(0.0));
    let slope = if xr > xl { (v1 - v0) / (xr - xl) } else { 0.0 };
    let at = |v: f64, x: f64| (v - (slope * x).next_down()).next_up();
    let a = at(v0, xl).max(at(v1, xr));
    let ok = [v0, v1, slope, a].iter().all(|v| v.is_finite());
    ok.then_some(Aff { a: Iv { lo: 0.0, hi: a }, b: Iv { lo: 0.0, hi: slope } })
}

impl Run<'_, '_> {
    fn stretch_open(&self) -> bool {
        self.cert.as_ref().is_some_and(|c| !c.stretch_closed())
    }

    /// Cut the stretch to the last step where `f > 0` (or `≥ 0`) is shown
    /// for every budget (`None`: only the run's own step).
    fn stretch_narrow(&mut self, f: Aff, strict: bool) {
        let c = self.cert.as_mut().expect("certifying run");
        let reach = c.float_reach(f, strict).unwrap_or(c.sched.k);
        c.s_hi = c.s_hi.min(reach);
    }

    /// Per supporter of plan `q` (split `a` at this run's step): is it paying
    /// all it has? Both lists are by group: one walk through them.
    fn poor_here(&self, q: usize, a: &Afford) -> Vec<bool> {
        let mut poor = a.poor.iter().peekable();
        self.prep.supporters[q]
            .iter()
            .map(|&(g, _)| {
                while poor.next_if(|&&p| p < g).is_some() {}
                poor.next_if(|&&p| p == g).is_some() || self.exhausted[g as usize]
            })
            .collect()
    }

    /// The stretch's lowest budget and its last step's budget: every budget
    /// of the stretch lies in `[lowest, end.hi]`.
    fn domain(&self) -> (f64, Iv) {
        let c = self.cert();
        (c.b_at(c.sched.k).lo, c.b_at(c.s_hi))
    }

    /// The band of round's price for plan `q` (split `a` at this step), and
    /// when every supporter pays the price over the whole stretch (none pays
    /// all it has, none changes sides), the utility `U` it is exactly
    /// `cost / U` over.
    fn stretch_price(&self, q: usize, a: &Afford) -> Option<(Aff, Option<u128>)> {
        let prep = self.prep;
        let c = self.cert();
        c.charge(2, 2 * prep.supporters[q].len());
        let (xl, end) = self.domain();
        let xr = end.hi;
        let cost = Aff::konst(prep.e.projects[q].cost as i128);
        let poor = self.poor_here(q, a);
        // A lower bound of the price: everyone paying all at this step taken
        // to pay all over the whole stretch.
        let mut paid = BandSum::default();
        let mut u_rich: u128 = 0;
        for (&(g, s), &poor) in prep.supporters[q].iter().zip(&poor) {
            let g = g as usize;
            if c.dead[g] {
                continue;
            }
            let w = prep.weights[g];
            if poor {
                paid.add(w as f64, c.band[g]);
            } else {
                u_rich += w as u128 * s as u128;
            }
        }
        if u_rich == 0 {
            return None;
        }
        let rho_fixed = cost.sub(paid.total()).div(u_rich);
        // The price's band, each supporter changing sides counted the way
        // whose error is smaller.
        let rho_k_hi = a.iv.for_products().1;
        let mut paid = BandSum::default();
        let mut errors = BandSum::default();
        let mut u: u128 = u_rich;
        for (&(g, s), &poor) in prep.supporters[q].iter().zip(&poor) {
            let g = g as usize;
            if c.dead[g] || !poor {
                continue;
            }
            let w = prep.weights[g] as f64;
            // Above B − ρ·u: pays all it has over the whole stretch when ≤ 0 at its end.
            let over = c.band[g].sub(rho_fixed.mul(s as i128));
            if upper(over, end) <= 0.0 {
                paid.add(w, c.band[g]);
                continue;
            }
            // Taken to pay all it has, it pays B − max(0, B − ρ·u); taken to
            // pay the price, ρ·u − max(0, ρ·u − B), with ρ at most this step's.
            let as_poor = chord(over, xl, xr)?;
            let price_k = Iv { lo: (rho_k_hi * s as f64).next_down(), hi: (rho_k_hi * s as f64).next_up() };
            let short = Aff { a: price_k, b: Iv::exact(0.0) }.sub(c.band[g]);
            let as_rich = chord(short, xl, xr)?;
            let size = |e: Aff| upper(e, Iv::exact(xl)) + upper(e, Iv::exact(xr));
            if size(as_rich) <= size(as_poor) {
                u += w as u128 * s as u128;
                errors.add(w, as_rich);
            } else {
                paid.add(w, c.band[g]);
                errors.add(w, as_poor);
            }
        }
        let constant = (paid.m == 0 && errors.m == 0).then_some(u);
        let rho = cost.sub(paid.total()).add(errors.total()).div(u);
        let ok = [rho.a.lo, rho.a.hi, rho.b.lo, rho.b.hi].iter().all(|v| v.is_finite());
        ok.then_some((rho, constant))
    }

    /// The stretch's part of a round: the chosen plan's price band, and no
    /// other plan preferred (see the module text). Returns whether every
    /// inequality was shown at least at this run's own step; with `trial`,
    /// strictly (no tie, whatever the tie-break), and it stops at the first
    /// one that was not.
    pub(super) fn stretch_round(
        &mut self,
        chosen: usize,
        a: &Afford,
        others: &[usize],
        rank: &[usize],
        trial: bool,
    ) -> bool {
        if !self.stretch_open() {
            return false;
        }
        let prep = self.prep;
        let Some((rho, constant)) = self.stretch_price(chosen, a) else {
            let c = self.cert.as_mut().expect("certifying run");
            c.s_hi = c.sched.k;
            return false;
        };
        self.cert.as_mut().expect("certifying run").s_rho = rho;
        let rho_mid = 0.5 * (a.iv.lo + a.iv.hi);
        let cost_c = prep.e.projects[chosen].cost as i128;
        let open_gone = self.cert().s_open_gone.clone();
        let s_hi_before = self.cert().s_hi;
        let mut proven = true;
        for &q in others.iter().chain(&open_gone) {
            if !self.stretch_open() {
                return false;
            }
            let won_tie = !trial && rank[q] > rank[chosen];
            let cost = prep.e.projects[q].cost as i128;
            self.cert().charge(2, 1);
            // Cheap: ρ_q ≥ cost / Σ w·u; exactly, when ρ_c is a constant
            // (two plans every supporter pays in full tie exactly).
            if let Some(u) = constant {
                let lhs = cost.checked_mul(u as i128);
                let rhs = cost_c.checked_mul(prep.total_sat[q] as i128);
                if let (Some(l), Some(r)) = (lhs, rhs) {
                    if l > r || (l == r && won_tie) {
                        continue;
                    }
                }
            }
            // Each reach: `None` when not shown even at this step.
            let cheap = Aff::konst(cost).sub(rho.mul(prep.total_sat[q] as i128));
            let c = self.cert();
            if c.s_broke[q] {
                continue;
            }
            let mut best = c.float_reach(cheap, !won_tie);
            if best.is_some_and(|r| r >= c.s_hi) {
                continue;
            }
            // A floor of q's price found in an earlier round still holds.
            if let Some(floor) = c.s_floor[q] {
                let reach = c.float_reach(floor.sub(rho), !won_tie);
                if reach.is_some_and(|r| r >= c.s_hi) {
                    continue;
                }
                best = best.max(reach);
            }
            // g_A(ρ_c) against the cost, A split on this step's midpoints.
            c.charge(2, prep.supporters[q].len());
            let mut in_a_sum = BandSum::default();
            let mut rest_sum = BandSum::default();
            let mut u_rest: i128 = 0;
            for &(g, s) in &prep.supporters[q] {
                let g = g as usize;
                if c.dead[g] {
                    continue;
                }
                let w = prep.weights[g] as i128;
                let in_a = self.exhausted[g] || {
                    let b = self.budget_iv[g];
                    0.5 * (b.lo + b.hi) < rho_mid * s as f64
                };
                if in_a {
                    in_a_sum.add(w as f64, c.band[g]);
                } else {
                    rest_sum.add(w as f64, c.band[g]);
                    u_rest += w * s as i128;
                }
            }
            let in_a = in_a_sum.total();
            // Unaffordable over the whole stretch as it was when the round
            // began (a failed trial gives it back): so in every later round.
            let shortfall = Aff::konst(cost).sub(in_a).sub(rest_sum.total());
            if c.float_reach(shortfall, true).is_some_and(|r| r >= s_hi_before) {
                self.cert.as_mut().expect("certifying run").s_broke[q] = true;
                continue;
            }
            let f = Aff::konst(cost).sub(in_a).sub(rho.mul(u_rest));
            let strict = !(won_tie && u_rest > 0);
            best = best.max(c.float_reach(f, strict));
            let c = self.cert.as_mut().expect("certifying run");
            c.s_hi = c.s_hi.min(best.unwrap_or(c.sched.k));
            if u_rest > 0 {
                // ρ_q ≥ (cost − Σ_A w·B) / Σ_{not A} w·u (g_A(ρ_q) ≥ cost),
                // and ρ_q only rises in later rounds (budgets only fall).
                c.s_floor[q] = Some(Aff::konst(cost).sub(in_a).div(u_rest as u128));
            }
            if best.is_none() {
                proven = false;
                if trial {
                    return false;
                }
            }
        }
        proven
    }

    /// A round decided without looking at every plan's price: plan `q` (the
    /// one a run at an earlier step chose in this round), when the stretch
    /// certificate alone is worked out and shows, strictly, at this step and
    /// over the stretch, that no other plan is preferred. That is a proof of
    /// MES's own choice at this step, so the scan over every plan is not
    /// needed. `None` when it cannot show it (nothing learnt is lost: the
    /// stretch is as before); the round is then decided as usual.
    pub(super) fn guessed_round(&mut self, q: usize, remaining: &[usize], rank: &[usize]) -> Option<Afford> {
        if !self.stretch_open() || !self.cert().classic_off() {
            return None;
        }
        let a = self.affordability(q)?;
        let others: Vec<usize> = remaining.iter().copied().filter(|&p| p != q).collect();
        let saved = self.cert().s_hi;
        if self.stretch_round(q, &a, &others, rank, true) {
            Some(a)
        } else {
            self.cert.as_mut().expect("certifying run").s_hi = saved;
            None
        }
    }

    /// Before the scan decides a round that follows rounds decided without
    /// it (`guessed_round`): what the stretch certificate learnt about the
    /// other plans there holds at this step too. Plans shown unaffordable
    /// are gone (as the scan would find them), and each floor of a plan's
    /// price, read at this step's budget, is a lower bound of its price
    /// now, as the scan's bounds are (it examines plans in their order).
    pub(super) fn catch_up(&self, remaining: &mut Vec<usize>, price_lo: &mut [f64]) {
        let Some(c) = &self.cert else { return };
        if c.s_broke.is_empty() {
            return;
        }
        remaining.retain(|&p| !c.s_broke[p]);
        for &p in remaining.iter() {
            if let Some(floor) = c.s_floor[p] {
                let lo = lower(floor, c.b_at(c.sched.k));
                if lo.is_finite() {
                    price_lo[p] = price_lo[p].max(lo);
                }
            }
        }
    }

    /// Plan `q` was found unaffordable: it stays so while the money of its
    /// supporters stays below its cost.
    pub(super) fn stretch_gone(&mut self, q: usize) {
        if !self.stretch_open() {
            return;
        }
        self.cert().charge(2, self.prep.supporters[q].len());
        let f = self.shortfall(q);
        let c = self.cert();
        if c.float_reach(f, true).is_some_and(|k| k >= c.s_hi) {
            return;
        }
        // It may become affordable within the stretch: from now on a
        // competitor, and unaffordable at the end.
        self.cert.as_mut().expect("certifying run").s_open_gone.push(q);
    }

    /// At the run's end (no plan affordable at this step): every plan found
    /// unaffordable earlier and not shown to stay so is unaffordable now,
    /// over the whole stretch.
    pub(super) fn stretch_end(&mut self) {
        if !self.stretch_open() {
            return;
        }
        let open_gone = std::mem::take(&mut self.cert.as_mut().expect("certifying run").s_open_gone);
        for q in open_gone {
            let f = self.shortfall(q);
            self.stretch_narrow(f, true);
        }
    }

    /// The band of what plan `q`'s supporters lack to pay for it: its cost
    /// less their money (unaffordable while above 0).
    fn shortfall(&self, q: usize) -> Aff {
        let prep = self.prep;
        let c = self.cert();
        let mut money = BandSum::default();
        for &(g, _) in &prep.supporters[q] {
            let g = g as usize;
            if !c.dead[g] {
                money.add(prep.weights[g] as f64, c.band[g]);
            }
        }
        Aff::konst(prep.e.projects[q].cost as i128).sub(money.total())
    }

    /// Update the bands when round's plan `q` is paid for (before the run
    /// itself pays: `exhausted` is still this round's start).
    pub(super) fn stretch_pay(&mut self, q: usize, a: &Afford) {
        if !self.stretch_open() {
            return;
        }
        let prep = self.prep;
        let poor_here = self.poor_here(q, a);
        let (xl, end) = self.domain();
        let xr = end.hi;
        let c = self.cert.as_mut().expect("certifying run");
        c.charge(2, prep.supporters[q].len());
        let rho = c.s_rho;
        for (&(g, s), &poor) in prep.supporters[q].iter().zip(&poor_here) {
            let g = g as usize;
            if c.dead[g] {
                continue;
            }
            let after = c.band[g].sub(rho.mul(s as i128));
            if !poor {
                c.band[g] = after;
                continue;
            }
            // It keeps max(0, B − ρ·u).
            if upper(after, end) <= 0.0 {
                c.dead[g] = true;
                c.band[g] = Aff::ZERO;
                continue;
            }
            match chord(after, xl, xr) {
                Some(kept) => c.band[g] = kept,
                None => {
                    c.s_hi = c.sched.k;
                    return;
                }
            }
        }
    }
}
