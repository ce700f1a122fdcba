//! How far one MES run's outcome reaches along the add1 schedule.
//!
//! A MES run at per-voter budget `b` is a sequence of decisions: in each
//! round one plan is chosen, at a price found from a split of its supporters
//! into those who pay all they have and those who pay the price per unit of
//! utility; every other plan is either too expensive for its supporters or
//! dearer (or as dear and later in the tie-break order). With those
//! decisions held fixed, every budget and every price is an affine function
//! of `b` (`α + β·b`), so each decision is an inequality between affine
//! functions of `b`, and the set of `b` where all of them hold is an
//! interval. Wherever they all hold, MES makes exactly the same decisions,
//! so the outcome is the same.
//!
//! The certificate collects those inequalities during the run (with
//! guaranteed float intervals first and exact rationals whenever the
//! intervals cannot decide), and reports the last step `k` of the add1
//! schedule that still lies in the interval. The add1 procedure can then jump
//! straight past it: the number of MES runs is the number of different
//! decision sequences met on the way, not the number of currency units. No
//! assumption about how the outcome changes with `b` is made anywhere.
//!
//! The inequalities, for round `r` with chosen plan `c` at price `ρ_c`:
//! - every live supporter `i` of `c` stays on its side of the split:
//!   `B_i ≤ ρ_c·u_i` if it pays all it has, `B_i ≥ ρ_c·u_i` otherwise
//!   (this makes `ρ_c` the exact price, and budgets stay non-negative);
//! - a plan found unaffordable stays so: `Σ w·B_i < cost` over its live
//!   supporters (budgets only fall afterwards);
//! - every other remaining plan `q` is not preferred. With
//!   `f_q(ρ) = Σ w·min(B_i, ρ·u_i)`, `q`'s price exceeds `ρ_c` exactly when
//!   `f_q(ρ_c) < cost_q`, and for any fixed subset `A` of supporters
//!   `g_A(ρ) = Σ_A w·B_i + ρ·Σ_{not A} w·u_i ≥ f_q(ρ)`. So `g_A(ρ_c) < cost_q`
//!   (affine in `b`) proves it. For a tie that `c` wins on the tie-break,
//!   `g_A(ρ_c) ≤ cost_q` with `Σ_{not A} w·u_i > 0` proves `ρ_q ≥ ρ_c`
//!   (`g_A` is then strictly increasing, so `f_q < cost_q` below `ρ_c`).
//!   A cheaper sufficient test is tried first: `ρ_q ≥ cost_q / Σ w·u_i`
//!   always, so `cost_q − ρ_c·Σ w·u_i > 0` (or `≥ 0` for a won tie) proves it
//!   as well.

//!
//! A second, independent certificate covers large elections, where some
//! supporter changes sides at almost every unit and the affine one stays
//! short. It proves that the sequence of chosen plans stays the same up to
//! a target step `K` (per-voter budget `b + Δ`). Holding that sequence
//! fixed, every budget only rises with the start budget (more money, lower
//! prices), so each group's rise `δ_i` has an upper bound `D_i`: `Δ` at the
//! start; in a round with price ρ, split P/R and `U_R = Σ_R w·u`, the price
//! falls by at most `dρ = Σ_{not R} w·D / U_R` (the supporters pay the same
//! cost), a supporter in R rises by at most `D_i + u_i·dρ`, and one who paid
//! all it had by at most `max(0, D_i + u_i·dρ − (ρ·u_i − B_i))`. Plan `q`
//! is then still not chosen while `Σ w·min(B_i + D_i, ρ_c·u_i) < cost_q`
//! (the chosen price only falls), and an unaffordable plan stays so while
//! `Σ w·(B_i + D_i) < cost_q`. The bounds rise with `Δ`, so what holds at
//! `K` holds before it. The reach is the larger of the two certificates.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Signed;

use super::{rat, Afford, Iv, Run};

/// `a + b·x` with both coefficients known by guaranteed intervals.
#[derive(Clone, Copy, Debug)]
pub(super) struct Aff {
    pub a: Iv,
    pub b: Iv,
}

impl Aff {
    pub const ZERO: Aff = Aff { a: Iv { lo: 0.0, hi: 0.0 }, b: Iv { lo: 0.0, hi: 0.0 } };
    /// The start budget itself: `0 + 1·b`.
    pub const IDENT: Aff = Aff { a: Iv { lo: 0.0, hi: 0.0 }, b: Iv { lo: 1.0, hi: 1.0 } };

    #[inline]
    pub(super) fn konst(c: i128) -> Aff {
        Aff { a: Iv::of_i128(c), b: Iv::exact(0.0) }
    }
    #[inline]
    pub(super) fn add(self, o: Aff) -> Aff {
        Aff { a: self.a.add(o.a), b: self.b.add(o.b) }
    }
    #[inline]
    pub(super) fn sub(self, o: Aff) -> Aff {
        Aff { a: self.a.sub(o.a), b: self.b.sub(o.b) }
    }
    /// Multiply by a signed integer.
    #[inline]
    pub(super) fn mul(self, k: i128) -> Aff {
        if k.unsigned_abs() < 1 << 53 {
            // Exact as an f64: one rounded product per end, widened outward.
            // End by end (a band's two lines may cross: see `stretch`).
            let kf = k as i64 as f64;
            let m = |x: Iv| {
                let (p, q) = if kf >= 0.0 { (x.lo * kf, x.hi * kf) } else { (x.hi * kf, x.lo * kf) };
                Iv { lo: p.next_down(), hi: q.next_up() }
            };
            return Aff { a: m(self.a), b: m(self.b) };
        }
        let m = k.unsigned_abs();
        let s = Aff { a: self.a.mul_u128(m), b: self.b.mul_u128(m) };
        if k < 0 {
            Aff::ZERO.sub(s)
        } else {
            s
        }
    }
    #[inline]
    pub fn div(self, d: u128) -> Aff {
        Aff { a: super::div_iv(self.a, d), b: super::div_iv(self.b, d) }
    }
}

/// An exact affine function `α + β·b`.
type Exact = (BigRational, BigRational);

/// The add1 schedule as the certificate needs it: the current step, its
/// budget, and the line `base + k·inc` that steps `k ≥ 1` lie on (step 0 is
/// on it too for pabutools; for the cities' variant step 0 is `B/n`, at or
/// below the line's first point).
pub(super) struct Schedule {
    pub k: i64,
    pub k_max: i64,
    pub bk: BigRational,
    pub base: BigRational,
    pub inc: i64,
}

/// The certificate's state during one run.
pub(super) struct Cert {
    pub(super) sched: Schedule,
    bk_iv: Iv,
    base_iv: Iv,
    /// The greatest step known to give the same decisions (≥ sched.k).
    pub hi: i64,
    /// Per group: its budget as an affine function of b.
    pub aff: Vec<Aff>,
    /// Per round: the price paid, as an affine function of b.
    pub round_aff: Vec<Aff>,
    round_exact: std::cell::RefCell<Vec<Option<Exact>>>,
    /// The step the second certificate aims at, and whether it still holds.
    target: i64,
    target_holds: bool,
    /// Per group: the bound `D_i` on its budget's rise at the target step.
    rise: Vec<f64>,
    /// The third certificate (`stretch`): the last step it still covers,
    /// each group's budget band, whether a group is exhausted at every
    /// budget it covers, and the band of the current round's price.
    pub(super) s_hi: i64,
    pub(super) band: Vec<Aff>,
    pub(super) dead: Vec<bool>,
    pub(super) s_rho: Aff,
    /// Plans found unaffordable at this step but not shown to stay so over
    /// the stretch: each later round shows it is not preferred, and the
    /// run's end that it is unaffordable then (see `stretch`).
    pub(super) s_open_gone: Vec<usize>,
    /// Per plan: a floor of its price over the stretch, found in an earlier
    /// round and good for every later one (see `stretch_round`).
    pub(super) s_floor: Vec<Option<Aff>>,
    /// Per plan: shown unaffordable over the whole stretch in an earlier
    /// round, so in every later one (budgets only fall).
    pub(super) s_broke: Vec<bool>,
    /// Supporters visited by the run itself, the classic certificates and
    /// the stretch one: a count of their work that does not depend on the
    /// machine, to choose which certificate leads (`mes_add1`).
    pub(super) work: [std::cell::Cell<u64>; 3],
}

/// One inequality `konst + rho·ρ_c + Σ m·B_g  (> 0 | ≥ 0)`.
struct Cond {
    konst: i128,
    rho: i128,
    groups: Vec<(usize, i128)>,
    strict: bool,
}

impl Cert {
    /// `classic`: whether the affine and Lipschitz certificates are worked
    /// out, `stretch`: whether the third one is (see `stretch`).
    pub fn new(sched: Schedule, groups: usize, plans: usize, target: i64, classic: bool, stretch: bool) -> Cert {
        let bk_iv = Iv::of(&sched.bk);
        let base_iv = Iv::of(&sched.base);
        let hi = if classic { sched.k_max.max(sched.k) } else { sched.k };
        let target = target.clamp(sched.k, sched.k_max.max(sched.k));
        // Δ = b_target − b_k, rounded up.
        let delta = ((base_iv.hi + target as f64 * sched.inc as f64).next_up() - bk_iv.lo).next_up().max(0.0);
        let target_holds = classic && target >= sched.k + 2 && delta.is_finite();
        let sched_k = sched.k;
        Cert {
            sched,
            bk_iv,
            base_iv,
            hi,
            // Without the classic certificates their per-group state is never read.
            aff: if classic { vec![Aff::IDENT; groups] } else { Vec::new() },
            round_aff: Vec::new(),
            round_exact: std::cell::RefCell::new(Vec::new()),
            target,
            target_holds,
            rise: if target_holds { vec![delta; groups] } else { Vec::new() },
            s_hi: if stretch && target >= sched_k + 2 { target } else { sched_k },
            band: if stretch { vec![Aff::IDENT; groups] } else { Vec::new() },
            dead: if stretch { vec![false; groups] } else { Vec::new() },
            s_rho: Aff::ZERO,
            s_open_gone: Vec::new(),
            s_floor: if stretch { vec![None; plans] } else { Vec::new() },
            s_broke: if stretch { vec![false; plans] } else { Vec::new() },
            work: Default::default(),
        }
    }

    /// The last step certified: only a certificate that was followed to the
    /// end counts; a closed one certifies the run's own step alone.
    pub fn reach(&self) -> i64 {
        let (classic, stretch) = self.reach_parts();
        classic.max(stretch)
    }

    /// The reach of the affine and Lipschitz certificates, and of the
    /// stretch certificate.
    pub fn reach_parts(&self) -> (i64, i64) {
        let affine = if self.aff_closed() { self.sched.k } else { self.hi };
        let lip = if self.lip_closed() { self.sched.k } else { self.target };
        let stretch = if self.stretch_closed() { self.sched.k } else { self.s_hi };
        let top = self.sched.k_max.max(self.sched.k);
        (affine.max(lip).min(top), stretch.min(top))
    }

    /// No certificate is worth going on with: all are down to the current
    /// step and the next (the caller then runs steps one by one).
    pub fn closed(&self) -> bool {
        self.aff_closed() && self.lip_closed() && self.stretch_closed()
    }

    /// Count `n` supporters visited by the run (0), the classic
    /// certificates (1) or the stretch one (2).
    pub(super) fn charge(&self, who: usize, n: usize) {
        self.work[who].set(self.work[who].get() + n as u64);
    }

    pub(super) fn stretch_closed(&self) -> bool {
        self.s_hi <= self.sched.k
    }

    /// The per-voter budget at step `k`, as a guaranteed interval.
    pub(super) fn b_at(&self, k: i64) -> Iv {
        if k == self.sched.k {
            return self.bk_iv;
        }
        // k·inc may round (above 2^53): one ulp more either way.
        let d = k as f64 * self.sched.inc as f64;
        Iv { lo: (self.base_iv.lo + d.next_down()).next_down(), hi: (self.base_iv.hi + d.next_up()).next_up() }
    }

    /// Only the stretch certificate is worked out in this run.
    pub(super) fn classic_off(&self) -> bool {
        self.aff_closed() && self.lip_closed()
    }

    fn aff_closed(&self) -> bool {
        self.hi <= self.sched.k + 1
    }

    fn lip_closed(&self) -> bool {
        !self.target_holds
    }

    /// The last step whose budget is ≤ x (or < x when strict), exactly.
    fn k_below_exact(&self, x: &BigRational, strict: bool) -> i64 {
        let t = (x - &self.sched.base) / rat(self.sched.inc);
        let k = if strict {
            // greatest integer strictly below t
            let c = t.ceil().to_integer();
            c - BigInt::from(1)
        } else {
            t.floor().to_integer()
        };
        let k: i64 = k.clamp(BigInt::from(-1), BigInt::from(self.sched.k_max)).try_into().unwrap_or(-1);
        k.max(self.sched.k)
    }

    /// The last step whose budget is surely ≤ x (a float lower bound).
    fn k_below_float(&self, x: f64) -> Option<i64> {
        if !x.is_finite() {
            return None;
        }
        let inc = self.sched.inc as f64;
        let t = ((x - self.base_iv.hi).next_down() / inc).next_down().floor();
        if t.is_nan() || t < -1.0 {
            return None;
        }
        let mut k = if t > self.sched.k_max as f64 { self.sched.k_max } else { t as i64 };
        // Make sure: base + k·inc (rounded up) ≤ x.
        while k >= 0 && (self.base_iv.hi + k as f64 * inc).next_up().next_up() > x {
            k -= 1;
        }
        Some(k)
    }

    /// The reach of an exact inequality `α + β·b > 0` (or `≥ 0`).
    fn exact_reach(&self, alpha: BigRational, beta: BigRational, strict: bool) -> i64 {
        let at_k = &alpha + &beta * &self.sched.bk;
        let holds = if strict { at_k.is_positive() } else { !at_k.is_negative() };
        if !holds {
            // Cannot happen when the run decided as recorded; stay safe.
            self.sched.k
        } else if !beta.is_negative() {
            self.sched.k_max
        } else {
            let x = -(alpha / beta);
            self.k_below_exact(&x, strict)
        }
    }

    /// Reach proven with floats alone: `h(b) ≥ a.lo + b.lo·b` for b ≥ 0.
    pub(super) fn float_reach(&self, f: Aff, strict: bool) -> Option<i64> {
        let (a, b) = (f.a.lo, f.b.lo);
        if !(a.is_finite() && b.is_finite()) {
            return None;
        }
        if b >= 0.0 {
            let at = (a + (b * self.bk_iv.lo).next_down()).next_down();
            let ok = if strict { at > 0.0 } else { at >= 0.0 };
            return ok.then_some(self.sched.k_max);
        }
        if a <= 0.0 {
            return None;
        }
        // h(x) > 0 for every x ≤ a/(−b), with margin.
        let x = (a / -b).next_down().next_down();
        if x < self.bk_iv.hi {
            return None;
        }
        let k = self.k_below_float(x)?;
        Some(k.max(self.sched.k))
    }
}

impl Run<'_, '_> {
    pub(super) fn cert(&self) -> &Cert {
        self.cert.as_ref().expect("certifying run")
    }

    /// Exact (α, β) of round r's price, computed once, on demand.
    fn exact_round_aff(&self, r: usize) -> Exact {
        if let Some(x) = self.cert().round_exact.borrow().get(r).cloned().flatten() {
            return x;
        }
        let x = self.exact_price_aff(&self.rounds[r]);
        let c = self.cert();
        let mut v = c.round_exact.borrow_mut();
        if v.len() <= r {
            v.resize(r + 1, None);
        }
        v[r] = Some(x.clone());
        x
    }

    /// Exact Σ m·B_g over the given (group, multiplier) pairs, as (α, β).
    /// With `now`, exhausted groups count as 0 (their budget now); without,
    /// every listed group counts with all it paid (the budgets of a past
    /// round's poor supporters, which stopped paying once exhausted).
    fn exact_groups(&self, groups: &[(usize, i128)], now: bool) -> Exact {
        let mut m_total: i128 = 0;
        let mut per_round: Vec<i128> = vec![0; self.rounds.len()];
        for &(g, m) in groups {
            if now && self.exhausted[g] {
                continue;
            }
            m_total += m;
            for (r, s) in self.spent.of(g) {
                per_round[r as usize] += m * s as i128;
            }
        }
        let mut alpha = rat(0);
        let mut beta = rat(m_total);
        for (r, t) in per_round.iter().enumerate() {
            if *t != 0 {
                let (a, c) = self.exact_round_aff(r);
                alpha -= a * rat(*t);
                beta -= c * rat(*t);
            }
        }
        (alpha, beta)
    }

    /// Exact price of a plan with the given split, as (α, β):
    /// ρ = (cost − Σ_poor w·B) / den.
    fn exact_price_aff(&self, a: &Afford) -> Exact {
        let groups: Vec<(usize, i128)> =
            a.poor.iter().map(|&g| (g as usize, self.prep.weights[g as usize] as i128)).collect();
        let (pa, pb) = self.exact_groups(&groups, false);
        let den = rat(a.den as i128);
        ((rat(a.cost) - pa) / &den, -pb / den)
    }

    /// The price of a plan with the given split, as an affine enclosure.
    pub(super) fn price_aff(&self, a: &Afford) -> Aff {
        let c = self.cert();
        let mut paid = Aff::ZERO;
        for &g in &a.poor {
            paid = paid.add(c.aff[g as usize].mul(self.prep.weights[g as usize] as i128));
        }
        Aff::konst(a.cost as i128).sub(paid).div(a.den)
    }

    fn float_of(&self, cond: &Cond, rho: Aff) -> Aff {
        let c = self.cert();
        let mut f = Aff::konst(cond.konst).add(rho.mul(cond.rho));
        for &(g, m) in &cond.groups {
            f = f.add(c.aff[g].mul(m));
        }
        f
    }

    /// Narrow the certificate by one inequality about the current round,
    /// whose chosen plan's price is `rho` (floats) and `chosen` (for the
    /// exact price, computed at most once per round into `rho_exact`).
    fn narrow_by(&mut self, cond: &Cond, rho: Aff, chosen: Option<&Afford>, rho_exact: &mut Option<Exact>) {
        if self.cert().aff_closed() {
            return;
        }
        if self.float_settles(cond, rho) {
            return;
        }
        let (mut alpha, mut beta) = self.exact_groups(&cond.groups, true);
        alpha += rat(cond.konst);
        if cond.rho != 0 {
            let chosen = chosen.expect("a price needs its plan");
            if rho_exact.is_none() {
                *rho_exact = Some(self.exact_price_aff(chosen));
            }
            let (ra, rb) = rho_exact.as_ref().expect("just set");
            alpha += ra * rat(cond.rho);
            beta += rb * rat(cond.rho);
        }
        let reach = self.cert().exact_reach(alpha, beta, cond.strict);
        let c = self.cert.as_mut().expect("certifying run");
        c.hi = c.hi.min(reach);
    }

    /// Record that plan `q` was found unaffordable: it stays so while
    /// `cost − Σ w·B` over its live supporters stays positive.
    pub(super) fn certify_gone(&mut self, q: usize) {
        if self.cert.as_ref().is_none_or(|c| c.closed()) {
            return;
        }
        let prep = self.prep;
        if !self.cert().lip_closed() {
            let c = self.cert();
            c.charge(1, prep.supporters[q].len());
            let mut have = 0.0f64;
            for &(g, _) in &prep.supporters[q] {
                let g = g as usize;
                let b = if self.exhausted[g] { 0.0 } else { self.budget_iv[g].hi };
                have = (have + (prep.weights[g] as f64 * (b + c.rise[g]).next_up()).next_up()).next_up();
            }
            // Not surely below (NaN included): the target does not hold.
            let cost_lo = Iv::of_i128(prep.e.projects[q].cost as i128).lo;
            if have.partial_cmp(&cost_lo) != Some(std::cmp::Ordering::Less) {
                self.cert.as_mut().expect("certifying run").target_holds = false;
            }
        }
        self.stretch_gone(q);
        if self.cert().aff_closed() {
            return;
        }
        self.cert().charge(1, prep.supporters[q].len());
        let groups: Vec<(usize, i128)> = prep.supporters[q]
            .iter()
            .filter(|&&(g, _)| !self.exhausted[g as usize])
            .map(|&(g, _)| (g as usize, -(prep.weights[g as usize] as i128)))
            .collect();
        let cond = Cond { konst: prep.e.projects[q].cost as i128, rho: 0, groups, strict: true };
        self.narrow_by(&cond, Aff::ZERO, None, &mut None);
    }

    /// Record round's decision: `chosen` at price `a` (before paying), with
    /// `others` the plans still in the running.
    pub(super) fn certify_round(&mut self, chosen: usize, a: &Afford, others: &[usize], rank: &[usize]) {
        if self.cert.as_ref().is_none_or(|c| c.closed()) {
            return;
        }
        let prep = self.prep;
        let rho = if self.cert().aff_closed() { Aff::ZERO } else { self.price_aff(a) };
        let mut rho_exact: Option<Exact> = None;
        self.lip_round(a, others);
        self.stretch_round(chosen, a, others, rank, false);
        if !self.cert().aff_closed() {
            self.cert().charge(1, prep.supporters[chosen].len());
        }
        // The chosen plan's split holds.
        for &(g, s) in &prep.supporters[chosen] {
            if self.cert().aff_closed() {
                break;
            }
            let g = g as usize;
            if self.exhausted[g] {
                continue;
            }
            let poor = a.poor.binary_search(&(g as u32)).is_ok();
            let s = s as i128;
            // Floats first, without building the inequality.
            let f = if poor { rho.mul(s).sub(self.cert().aff[g]) } else { self.cert().aff[g].sub(rho.mul(s)) };
            if self.float_settles_aff(f, false) {
                continue;
            }
            let cond = if poor {
                Cond { konst: 0, rho: s, groups: vec![(g, -1)], strict: false }
            } else {
                Cond { konst: 0, rho: -s, groups: vec![(g, 1)], strict: false }
            };
            self.narrow_by(&cond, rho, Some(a), &mut rho_exact);
        }
        if self.cert().aff_closed() {
            return;
        }
        // No other plan is preferred.
        let rho_mid = 0.5 * (a.iv.lo + a.iv.hi);
        for &q in others {
            let won_tie = rank[q] > rank[chosen];
            let cost = prep.e.projects[q].cost as i128;
            // Cheap: ρ_q ≥ cost / Σ w·u.
            let cheap = Cond { konst: cost, rho: -(prep.total_sat[q] as i128), groups: vec![], strict: !won_tie };
            if self.float_settles(&cheap, rho) {
                continue;
            }
            // g_A(ρ_c) against the cost, A split on float midpoints.
            let cond = self.competitor(q, won_tie, |run, g, s| {
                let b = run.budget_iv[g];
                0.5 * (b.lo + b.hi) < rho_mid * s as f64
            });
            if self.float_settles(&cond, rho) {
                continue;
            }
            // Near a tie: split exactly.
            let rho_now = self.exact_of(a);
            let rho_now_iv = Iv::of(&rho_now);
            let cond = self.competitor(q, won_tie, |run, g, s| {
                run.cmp_budget(g, &rho_now, rho_now_iv, s) == std::cmp::Ordering::Less
            });
            self.narrow_by(&cond, rho, Some(a), &mut rho_exact);
            if self.cert().aff_closed() {
                return;
            }
        }
    }

    /// `cost_q − Σ_A w·B − ρ_c·Σ_{not A} w·u` for plan `q`, with A the live
    /// supporters `in_a` picks (those paying all they have at ρ_c); strict
    /// unless `c` wins a tie with `q` and the rest is not empty.
    fn competitor(&self, q: usize, won_tie: bool, in_a: impl Fn(&Self, usize, u64) -> bool) -> Cond {
        let prep = self.prep;
        self.cert().charge(1, prep.supporters[q].len());
        let mut groups = Vec::new();
        let mut u_rest: i128 = 0;
        for &(g, s) in &prep.supporters[q] {
            let g = g as usize;
            if self.exhausted[g] {
                continue;
            }
            let w = prep.weights[g] as i128;
            if in_a(self, g, s) {
                groups.push((g, -w));
            } else {
                u_rest += w * s as i128;
            }
        }
        let cost = prep.e.projects[q].cost as i128;
        Cond { konst: cost, rho: -u_rest, groups, strict: !(won_tie && u_rest > 0) }
    }

    /// The second certificate's part of a round (see the module text).
    fn lip_round(&mut self, a: &Afford, others: &[usize]) {
        let prep = self.prep;
        let rho_hi = a.iv.hi;
        for &q in others {
            let c = self.cert();
            if c.lip_closed() {
                return;
            }
            let cost = Iv::of_i128(prep.e.projects[q].cost as i128).lo;
            // Cheap: Σ w·min(·, ρ·u) ≤ ρ·Σ w·u.
            if Iv::exact(rho_hi).mul_u128(prep.total_sat[q]).hi < cost {
                continue;
            }
            c.charge(1, prep.supporters[q].len());
            let mut f = 0.0f64;
            for &(g, s) in &prep.supporters[q] {
                let g = g as usize;
                let b = if self.exhausted[g] { 0.0 } else { self.budget_iv[g].hi };
                let term = (b + c.rise[g]).next_up().min((rho_hi * s as f64).next_up());
                f = (f + (prep.weights[g] as f64 * term).next_up()).next_up();
            }
            if f.partial_cmp(&cost) != Some(std::cmp::Ordering::Less) {
                self.cert.as_mut().expect("certifying run").target_holds = false;
                return;
            }
        }
    }

    /// Floats alone: narrow by `cond` if they can, and say whether nothing
    /// more is to be learnt from it.
    fn float_settles(&mut self, cond: &Cond, rho: Aff) -> bool {
        let f = self.float_of(cond, rho);
        self.float_settles_aff(f, cond.strict)
    }

    /// `float_settles` for an inequality `f > 0` (or `≥ 0`) already built.
    fn float_settles_aff(&mut self, f: Aff, strict: bool) -> bool {
        let c = self.cert();
        match c.float_reach(f, strict) {
            Some(k) if k >= c.hi => true,
            Some(k) if k > c.sched.k => {
                self.cert.as_mut().expect("certifying run").hi = k;
                true
            }
            _ => false,
        }
    }

    /// Keep the affine budgets up to date when round's plan is paid for.
    pub(super) fn certify_pay(&mut self, q: usize, a: &Afford) {
        if self.cert.is_none() {
            return;
        }
        self.stretch_pay(q, a);
        let prep = self.prep;
        let rho = if self.cert().aff_closed() { Aff::ZERO } else { self.price_aff(a) };
        let c = self.cert.as_mut().expect("certifying run");
        let visits = if c.lip_closed() { 0 } else { 2 } + if c.aff_closed() { 0 } else { 2 };
        c.charge(1, visits * prep.supporters[q].len());
        if !c.lip_closed() {
            // dρ ≤ Σ_{not rich} w·D / Σ_{rich} w·u; then each supporter's bound.
            let mut moved = 0.0f64;
            for &(g, _) in &prep.supporters[q] {
                let g = g as usize;
                if self.exhausted[g] || a.poor.binary_search(&(g as u32)).is_ok() {
                    moved = (moved + (prep.weights[g] as f64 * c.rise[g]).next_up()).next_up();
                }
            }
            let drho = (moved / (a.den as f64).next_down()).next_up();
            let rho_lo = a.iv.lo;
            for &(g, s) in &prep.supporters[q] {
                let g = g as usize;
                let up = (c.rise[g] + (s as f64 * drho).next_up()).next_up();
                let rich = !self.exhausted[g] && a.poor.binary_search(&(g as u32)).is_err();
                c.rise[g] = if rich {
                    up
                } else {
                    let b = if self.exhausted[g] { 0.0 } else { self.budget_iv[g].hi };
                    let gap = ((rho_lo * s as f64).next_down() - b).next_down().max(0.0);
                    let v = (up - gap).next_up();
                    if v.is_nan() {
                        f64::INFINITY
                    } else {
                        v.max(0.0)
                    }
                };
                if !c.rise[g].is_finite() {
                    c.target_holds = false;
                }
            }
        }
        if c.aff_closed() {
            c.round_aff.push(Aff::ZERO);
            return;
        }
        for &(g, s) in &prep.supporters[q] {
            let g = g as usize;
            if self.exhausted[g] {
                continue;
            }
            if a.poor.binary_search(&(g as u32)).is_ok() {
                c.aff[g] = Aff::ZERO;
            } else {
                c.aff[g] = c.aff[g].sub(rho.mul(s as i128));
            }
        }
        c.round_aff.push(rho);
    }
}
