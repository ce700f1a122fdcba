//! The Method of Equal Shares (MES), exact, with the add1 completion.
//!
//! Same outcome as pabutools' `method_of_equal_shares` (it is tested against
//! it on real elections), computed differently for speed:
//! - identical ballots are merged (a `group` has a weight);
//! - a group's budget is never stored as a growing fraction: it is either
//!   exhausted (exactly 0) or `b0 - Σ ρ_r·s` over the rounds `r` it paid in,
//!   so an exact value is assembled only when a decision needs it;
//! - every comparison is first made on a guaranteed float interval around the
//!   exact value and falls back to exact rationals only when the interval
//!   cannot decide. No float ever decides an outcome.
//! - the add1 completion gives the outcome of the literal procedure (one MES
//!   run per currency unit of per-voter budget) without assuming anything
//!   about how the outcome moves with the budget: each certifying run also
//!   proves how many further steps its decisions stay the same for
//!   (`cert`), and those steps are skipped; where certificates stay short
//!   the steps are run one by one, two at a time.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::ToPrimitive;
use serde::Serialize;

use super::{decimal, Election, Outcome, Step, Tie, TieAt, TieBreak};

mod add1;
mod cert;

pub use add1::{add1_stop_profile, mes_add1, mes_add1_linear};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    /// A supporter's utility for a plan is its cost (pabutools `Cost_Sat`).
    Cost,
    /// A supporter's utility is the points they gave (pabutools `Additive_Cardinal_Sat`).
    Points,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Add1Variant {
    /// pabutools 1.2.3: start at B/n, raise by one unit until the outcome is
    /// exhaustive (keep it) or over budget (keep the previous one).
    Pabutools,
    /// The cities' procedure (pabulib-checker `equalshares/add1`): first B/n,
    /// then ⌊B/n⌋+k; keep raising while the outcome stays within budget.
    Official,
}

fn rat(n: impl Into<BigInt>) -> BigRational {
    BigRational::from_integer(n.into())
}

fn to_f64(r: &BigRational) -> f64 {
    r.to_f64().unwrap_or(f64::INFINITY)
}

/// A closed float interval that surely contains an exact value: every
/// operation is rounded to nearest and then widened by one ulp outward.
#[derive(Clone, Copy, Debug)]
struct Iv {
    lo: f64,
    hi: f64,
}

impl Iv {
    fn of(r: &BigRational) -> Iv {
        let f = to_f64(r);
        // to_f64 is within one ulp; two ulps either way is certainly safe.
        Iv { lo: f.next_down().next_down(), hi: f.next_up().next_up() }
    }
    fn exact(x: f64) -> Iv {
        Iv { lo: x, hi: x }
    }
    fn sub(self, o: Iv) -> Iv {
        Iv { lo: (self.lo - o.hi).next_down(), hi: (self.hi - o.lo).next_up() }
    }
    fn add(self, o: Iv) -> Iv {
        Iv { lo: (self.lo + o.lo).next_down(), hi: (self.hi + o.hi).next_up() }
    }
    /// An integer, exactly when it fits an f64 and within an ulp otherwise.
    fn of_i128(c: i128) -> Iv {
        let f = c as f64;
        if c.unsigned_abs() < (1u128 << 53) {
            Iv::exact(f)
        } else {
            Iv { lo: f.next_down(), hi: f.next_up() }
        }
    }
    /// A non-negative integer of any size (above i128::MAX it rounds to the
    /// same f64 as i128::MAX does).
    fn of_u128(k: u128) -> Iv {
        Iv::of_i128(k.min(i128::MAX as u128) as i128)
    }
    /// Multiply by a non-negative integer.
    fn mul_u128(self, k: u128) -> Iv {
        let kf = Iv::of_u128(k);
        let lo = if self.lo >= 0.0 { self.lo * kf.lo } else { self.lo * kf.hi };
        let hi = if self.hi >= 0.0 { self.hi * kf.hi } else { self.hi * kf.lo };
        Iv { lo: lo.next_down(), hi: hi.next_up() }
    }
    /// Multiply by a non-negative integer (exact as f64 below 2^53).
    fn scale(self, k: u64) -> Iv {
        if k >= 1 << 53 {
            return self.mul_u128(k as u128);
        }
        let k = k as f64;
        Iv { lo: (self.lo * k).next_down(), hi: (self.hi * k).next_up() }
    }
}

/// Compare an exact quantity known by interval `a` with interval `b`:
/// `Some(ordering)` when the intervals decide it, `None` when they overlap.
fn iv_cmp(a: Iv, b: Iv) -> Option<std::cmp::Ordering> {
    if a.hi < b.lo {
        Some(std::cmp::Ordering::Less)
    } else if a.lo > b.hi {
        Some(std::cmp::Ordering::Greater)
    } else {
        None
    }
}

/// Everything about an election that does not change between MES runs.
struct Prep<'a> {
    e: &'a Election,
    weights: Vec<u64>,
    /// Per project: (group, utility) for every group with utility > 0.
    supporters: Vec<Vec<(u32, u64)>>,
    /// Plans MES considers: supported and not free.
    eligible: Vec<usize>,
    /// Supported plans that cost nothing: funded up front.
    free: Vec<usize>,
    total_sat: Vec<u128>,
    n: u64,
    sat: Satisfaction,
}

impl<'a> Prep<'a> {
    fn new(e: &'a Election, sat: Satisfaction) -> Prep<'a> {
        let mut supporters = vec![Vec::new(); e.projects.len()];
        for (g, b) in e.ballots.iter().enumerate() {
            for &(p, pts) in &b.items {
                let cost = e.projects[p as usize].cost;
                let s = match sat {
                    Satisfaction::Cost if pts > 0 => cost.max(0) as u64,
                    Satisfaction::Cost => 0,
                    Satisfaction::Points => pts,
                };
                if s > 0 {
                    supporters[p as usize].push((g as u32, s));
                }
            }
        }
        let weights: Vec<u64> = e.ballots.iter().map(|b| b.weight).collect();
        let total_sat: Vec<u128> = supporters
            .iter()
            .map(|sup| sup.iter().map(|&(g, s)| weights[g as usize] as u128 * s as u128).sum())
            .collect();
        let mut eligible = Vec::new();
        let mut free = Vec::new();
        for (p, &sat_p) in total_sat.iter().enumerate() {
            if sat_p > 0 {
                if e.projects[p].cost > 0 {
                    eligible.push(p);
                } else {
                    free.push(p);
                }
            }
        }
        Prep { e, weights, supporters, eligible, free, total_sat, n: e.num_voters(), sat }
    }
}

/// A price ρ and how it was found: which live supporters pay all they have
/// (`poor`). From that, the exact ρ can be assembled later, and only when a
/// decision needs it; until then a guaranteed interval stands in for it.
#[derive(Clone, Debug)]
struct Afford {
    iv: Iv,
    cost: i64,
    /// Total utility of the supporters who pay ρ·s (the rest pay all they have).
    den: u128,
    /// Groups paying all they have, sorted.
    poor: Vec<u32>,
    exact: Option<BigRational>,
}

/// One MES run with a given exact budget per voter.
struct Run<'p, 'a> {
    prep: &'p Prep<'a>,
    b0: BigRational,
    exhausted: Vec<bool>,
    /// Per group: (round, utility) for each round it paid ρ·s in. Kept after
    /// the group is exhausted: a round's exact price may need it later.
    spent: Spent,
    budget_iv: Vec<Iv>,
    /// The funded plan's price of each round.
    rounds: Vec<Afford>,
    rho_exact: std::cell::RefCell<Vec<Option<BigRational>>>,
    /// A reused buffer for `affordability`.
    scratch: std::cell::RefCell<Vec<(usize, u64, Iv)>>,
    /// When set, the run also works out how far along the add1 schedule its
    /// decisions stay the same (see `cert`).
    cert: Option<cert::Cert>,
}

/// Per group, the (round, utility) of each round it paid ρ·s in: one list per
/// group, all kept in one flat vector (a run on a large election would
/// otherwise allocate and free a small vector per group).
struct Spent {
    head: Vec<u32>,
    nodes: Vec<(u16, u64, u32)>,
}

impl Spent {
    const NONE: u32 = u32::MAX;

    fn new(groups: usize) -> Spent {
        Spent { head: vec![Spent::NONE; groups], nodes: Vec::new() }
    }

    fn push(&mut self, g: usize, round: u16, s: u64) {
        let at = u32::try_from(self.nodes.len()).expect("fewer than 2^32 payments in one run");
        self.nodes.push((round, s, self.head[g]));
        self.head[g] = at;
    }

    fn of(&self, g: usize) -> impl Iterator<Item = (u16, u64)> + '_ {
        let mut at = self.head[g];
        std::iter::from_fn(move || {
            if at == Spent::NONE {
                return None;
            }
            let (r, s, next) = self.nodes[at as usize];
            at = next;
            Some((r, s))
        })
    }
}

struct RunResult {
    selected: Vec<usize>,
    steps: Vec<Step>,
    ties: Vec<Tie>,
    /// For a certifying run: the last add1 step with the same decisions.
    reach: Option<i64>,
}

/// x / d as a guaranteed interval (d may be too large for an exact f64).
fn div_iv(x: Iv, d: u128) -> Iv {
    // d as f64 is within half an ulp; above 2^53 take both neighbours.
    let df = Iv::of_u128(d);
    let lo = if x.lo >= 0.0 { x.lo / df.hi } else { x.lo / df.lo };
    let hi = if x.hi >= 0.0 { x.hi / df.lo } else { x.hi / df.hi };
    Iv { lo: lo.next_down().next_down(), hi: hi.next_up().next_up() }
}

impl<'p, 'a> Run<'p, 'a> {
    fn new(prep: &'p Prep<'a>, b0: BigRational) -> Self {
        let groups = prep.weights.len();
        let b0_iv = Iv::of(&b0);
        Run {
            prep,
            b0,
            exhausted: vec![false; groups],
            spent: Spent::new(groups),
            budget_iv: vec![b0_iv; groups],
            rounds: Vec::new(),
            rho_exact: std::cell::RefCell::new(Vec::new()),
            scratch: std::cell::RefCell::new(Vec::new()),
            cert: None,
        }
    }

    /// The exact price of round `r`, computed once, on demand.
    fn exact_rho(&self, r: usize) -> BigRational {
        if let Some(x) = self.rho_exact.borrow()[r].clone() {
            return x;
        }
        let x = self.exact_of(&self.rounds[r]);
        self.rho_exact.borrow_mut()[r] = Some(x.clone());
        x
    }

    fn exact_of(&self, a: &Afford) -> BigRational {
        match &a.exact {
            Some(x) => x.clone(),
            None => (rat(a.cost) - self.exact_sum(a.poor.iter().map(|&g| g as usize))) / rat(a.den),
        }
    }

    fn exact_budget(&self, g: usize) -> BigRational {
        if self.exhausted[g] {
            return rat(0);
        }
        let mut b = self.b0.clone();
        for (r, s) in self.spent.of(g) {
            b -= self.exact_rho(r as usize) * rat(s);
        }
        b
    }

    /// Exact Σ weight·(b0 − Σ ρ_r·s) over the given groups, assembled from
    /// integer totals per round: one exact multiplication per round.
    fn exact_sum(&self, groups: impl Iterator<Item = usize>) -> BigRational {
        let mut w_total: u128 = 0;
        let mut per_round = vec![0u128; self.rounds.len()];
        for g in groups {
            let w = self.prep.weights[g] as u128;
            w_total += w;
            for (r, s) in self.spent.of(g) {
                per_round[r as usize] += w * s as u128;
            }
        }
        let mut sum = &self.b0 * rat(w_total);
        for (r, t) in per_round.iter().enumerate() {
            if *t > 0 {
                sum -= self.exact_rho(r) * rat(*t);
            }
        }
        sum
    }

    /// Is `budget(g)` compared to `rho·s` Less, Equal or Greater? Exact.
    fn cmp_budget(&self, g: usize, rho: &BigRational, rho_iv: Iv, s: u64) -> std::cmp::Ordering {
        if self.exhausted[g] {
            return std::cmp::Ordering::Less; // 0 < rho·s with rho, s > 0
        }
        if let Some(o) = iv_cmp(self.budget_iv[g], rho_iv.scale(s)) {
            return o;
        }
        self.exact_budget(g).cmp(&(rho * rat(s)))
    }

    /// The affordability ρ of plan `q` (the smallest price per unit of
    /// utility at which its supporters can pay for it, the poorest paying all
    /// they have), or `None` if its supporters together cannot afford it.
    fn affordability(&self, q: usize) -> Option<Afford> {
        // One buffer reused across calls: a large election calls this
        // thousands of times per run.
        let mut live = std::mem::take(&mut *self.scratch.borrow_mut());
        live.clear();
        live.extend(
            self.prep.supporters[q]
                .iter()
                .filter(|&&(g, _)| !self.exhausted[g as usize])
                .map(|&(g, s)| (g as usize, s, self.budget_iv[g as usize])),
        );
        let out = self.affordability_of(q, &live);
        *self.scratch.borrow_mut() = live;
        out
    }

    fn affordability_of(&self, q: usize, live: &[(usize, u64, Iv)]) -> Option<Afford> {
        let cost = self.prep.e.projects[q].cost;
        let w = &self.prep.weights;

        // Can they pay for it at all?
        let mut avail = Iv::exact(0.0);
        for &(g, _, b) in live {
            avail = avail.add(b.scale(w[g]));
        }
        let affordable = match iv_cmp(avail, Iv::of_i128(cost as i128)) {
            Some(o) => o != std::cmp::Ordering::Less,
            None => self.exact_sum(live.iter().map(|x| x.0)) >= rat(cost),
        };
        if !affordable {
            return None;
        }

        // Guess who pays everything (pabutools' poor/rich iteration, on
        // interval midpoints), then prove the guess with intervals.
        let mid = |b: Iv| (b.lo + b.hi) * 0.5;
        let mut is_poor = vec![false; live.len()];
        loop {
            let den: u128 =
                live.iter().zip(&is_poor).filter(|(_, &p)| !p).map(|(&(g, s, _), _)| w[g] as u128 * s as u128).sum();
            if den == 0 {
                break;
            }
            let paid: f64 =
                live.iter().zip(&is_poor).filter(|(_, &p)| p).map(|(&(g, _, b), _)| w[g] as f64 * mid(b)).sum();
            let rho = (cost as f64 - paid) / den as f64;
            let mut changed = false;
            for (i, &(_, s, b)) in live.iter().enumerate() {
                if !is_poor[i] && mid(b) < rho * s as f64 {
                    is_poor[i] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        if let Some(a) = self.proven_by_intervals(cost, live, &is_poor) {
            return Some(a);
        }
        // The intervals cannot decide (a near or exact tie of a budget with
        // the price): settle it exactly.
        let exact = match self.verify_partition(cost, live, &is_poor) {
            Some(x) => x,
            None => {
                let mut is_poor = vec![false; live.len()];
                loop {
                    let rho = self.rho_for(cost, live, &is_poor)?;
                    let rho_iv = Iv::of(&rho);
                    let mut changed = false;
                    for (i, &(g, s, _)) in live.iter().enumerate() {
                        if !is_poor[i] && self.cmp_budget(g, &rho, rho_iv, s) == std::cmp::Ordering::Less {
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
        let den = live.iter().zip(&is_poor).filter(|(_, &p)| !p).map(|(&(g, s, _), _)| w[g] as u128 * s as u128).sum();
        let mut poor: Vec<u32> =
            live.iter().zip(&is_poor).filter(|(_, &p)| p).map(|(&(g, _, _), _)| g as u32).collect();
        poor.sort_unstable();
        Some(Afford { iv: Iv::of(&rho), cost, den, poor, exact: Some(rho) })
    }

    /// Interval proof of a partition: every poor supporter has at most ρ·s and
    /// every other at least ρ·s, for every ρ in the interval. Then the exact ρ
    /// (in the interval) solves Σ min(b, ρ·s) = cost, whose solution is unique.
    fn proven_by_intervals(&self, cost: i64, live: &[(usize, u64, Iv)], is_poor: &[bool]) -> Option<Afford> {
        let w = &self.prep.weights;
        let mut den: u128 = 0;
        let mut paid = Iv::exact(0.0);
        for (&(g, s, b), &p) in live.iter().zip(is_poor) {
            if p {
                paid = paid.add(b.scale(w[g]));
            } else {
                den += w[g] as u128 * s as u128;
            }
        }
        if den == 0 {
            return None;
        }
        let rho = div_iv(Iv::of_i128(cost as i128).sub(paid), den);
        if rho.lo <= 0.0 {
            return None;
        }
        for (&(_, s, b), &p) in live.iter().zip(is_poor) {
            let price = rho.scale(s);
            let ok = if p { b.hi <= price.lo } else { b.lo >= price.hi };
            if !ok {
                return None;
            }
        }
        let mut poor: Vec<u32> = live.iter().zip(is_poor).filter(|(_, &p)| p).map(|(&(g, _, _), _)| g as u32).collect();
        poor.sort_unstable();
        Some(Afford { iv: rho, cost, den, poor, exact: None })
    }

    /// ρ = (cost − what the poor pay) / (utility of the rest), exactly.
    fn rho_for(&self, cost: i64, live: &[(usize, u64, Iv)], is_poor: &[bool]) -> Option<BigRational> {
        let w = &self.prep.weights;
        let den: u128 =
            live.iter().zip(is_poor).filter(|(_, &p)| !p).map(|(&(g, s, _), _)| w[g] as u128 * s as u128).sum();
        if den == 0 {
            return None;
        }
        let contrib = self.exact_sum(live.iter().zip(is_poor).filter(|(_, &p)| p).map(|(&(g, _, _), _)| g));
        Some((rat(cost) - contrib) / rat(den))
    }

    /// Exact check of a partition (see `proven_by_intervals`).
    fn verify_partition(
        &self,
        cost: i64,
        live: &[(usize, u64, Iv)],
        is_poor: &[bool],
    ) -> Option<(BigRational, Vec<bool>)> {
        let rho = self.rho_for(cost, live, is_poor)?;
        if rho <= rat(0) {
            return None;
        }
        let rho_iv = Iv::of(&rho);
        for (i, &(g, s, _)) in live.iter().enumerate() {
            let o = self.cmp_budget(g, &rho, rho_iv, s);
            let ok = if is_poor[i] { o != std::cmp::Ordering::Greater } else { o != std::cmp::Ordering::Less };
            if !ok {
                return None;
            }
        }
        Some((rho, is_poor.to_vec()))
    }

    /// Charge the supporters of `q` at its price: the poor pay all they have,
    /// the others ρ·s.
    fn pay(&mut self, q: usize, a: Afford) {
        self.certify_pay(q, &a);
        let round = u16::try_from(self.rounds.len()).expect("fewer than 65,536 plans funded");
        for &(g, s) in &self.prep.supporters[q] {
            let g = g as usize;
            if self.exhausted[g] {
                continue;
            }
            if a.poor.binary_search(&(g as u32)).is_ok() {
                self.exhausted[g] = true;
                self.budget_iv[g] = Iv::exact(0.0);
            } else {
                self.spent.push(g, round, s);
                self.budget_iv[g] = self.budget_iv[g].sub(a.iv.scale(s));
            }
        }
        self.rho_exact.borrow_mut().push(a.exact.clone());
        self.rounds.push(a);
    }

    /// A value for the explanation, to `places` decimals: from the interval
    /// when both ends round alike, else from the exact value.
    fn shown(&self, iv: Iv, exact: impl FnOnce() -> BigRational, places: usize) -> String {
        let (lo, hi) = (format!("{:.*}", places, iv.lo), format!("{:.*}", places, iv.hi));
        if lo == hi && iv.hi - iv.lo < 10f64.powi(-(places as i32) - 3) {
            lo
        } else {
            decimal(&exact(), places)
        }
    }

    fn execute(mut self, rank: &[usize], tb: &TieBreak, record: bool) -> RunResult {
        let prep = self.prep;
        let e = prep.e;
        let mut selected: Vec<usize> = prep.free.clone();
        let mut steps: Vec<Step> = Vec::new();
        let mut ties = Vec::new();
        if record {
            steps.extend(prep.free.iter().map(|&p| Step::Free { project: e.projects[p].id.clone() }));
        }
        // Affordability only rises as budgets fall, so an earlier value is a
        // lower bound: plans are re-examined in order of it, and the scan
        // stops once the bound exceeds the best found (the same result as
        // recomputing every plan each round).
        let mut stale_lo: Vec<f64> = vec![f64::INFINITY; e.projects.len()];
        for &p in &prep.eligible {
            stale_lo[p] = div_iv(Iv::of_i128(e.projects[p].cost as i128), prep.total_sat[p]).lo;
        }
        let mut remaining: Vec<usize> = prep.eligible.clone();
        let mut spent_money: i64 = e.cost_of(&selected);
        loop {
            remaining.sort_by(|&a, &b| stale_lo[a].total_cmp(&stale_lo[b]).then(rank[a].cmp(&rank[b])));
            let mut best_hi = f64::INFINITY;
            let mut cands: Vec<(usize, Afford)> = Vec::new();
            let mut gone: Vec<usize> = Vec::new();
            for &p in &remaining {
                if stale_lo[p] > best_hi {
                    break;
                }
                match self.affordability(p) {
                    None => gone.push(p),
                    Some(a) => {
                        stale_lo[p] = a.iv.lo;
                        best_hi = best_hi.min(a.iv.hi);
                        cands.push((p, a));
                    }
                }
            }
            for &q in &gone {
                self.certify_gone(q);
            }
            remaining.retain(|p| !gone.contains(p));
            if cands.is_empty() {
                break;
            }
            // Plans whose price may be the lowest; intervals usually leave one.
            let mut close: Vec<(usize, Afford)> = cands.into_iter().filter(|(_, a)| a.iv.lo <= best_hi).collect();
            let mut tied: Vec<usize> = if close.len() == 1 {
                vec![close[0].0]
            } else {
                for (_, a) in close.iter_mut() {
                    let x = self.exact_of(a);
                    a.iv = Iv::of(&x);
                    a.exact = Some(x);
                }
                let min = close.iter().filter_map(|(_, a)| a.exact.clone()).min().expect("exact prices were just set");
                close.iter().filter(|(_, a)| a.exact.as_ref() == Some(&min)).map(|(p, _)| *p).collect()
            };
            tied.sort_by_key(|&p| rank[p]);
            let chosen = tied[0];
            let afford = close
                .into_iter()
                .find(|(p, _)| *p == chosen)
                .map(|(_, a)| a)
                .expect("the chosen plan is among the close ones");
            if tied.len() > 1 && record {
                ties.push(Tie {
                    at: TieAt::MesRound { round: self.rounds.len() + 1 },
                    order: tied.iter().map(|&p| e.projects[p].id.clone()).collect(),
                    method: tb.clone(),
                });
            }
            remaining.retain(|&p| p != chosen);
            self.certify_round(chosen, &afford, &remaining, rank);
            if self.cert.as_ref().is_some_and(|c| c.closed()) {
                // Short: give up the certificate (the run's own step stands).
                self.cert = None;
            }
            selected.push(chosen);
            spent_money += e.projects[chosen].cost;
            if record {
                let supporters: u64 = prep.supporters[chosen].iter().map(|&(g, _)| prep.weights[g as usize]).sum();
                let unit: u64 = match prep.sat {
                    Satisfaction::Cost => e.projects[chosen].cost as u64,
                    Satisfaction::Points => 1,
                };
                let price = self.shown(afford.iv.scale(unit), || self.exact_of(&afford) * rat(unit), 2);
                let rho_text = self.shown(afford.iv, || self.exact_of(&afford), 9);
                steps.push(Step::Mes {
                    round: self.rounds.len() + 1,
                    project: e.projects[chosen].id.clone(),
                    supporters,
                    price_per_supporter: price,
                    affordability: rho_text,
                    cost: e.projects[chosen].cost,
                    remaining_after: e.budget - spent_money,
                });
            }
            self.pay(chosen, afford);
        }
        RunResult { selected, steps, ties, reach: self.cert.as_ref().map(|c| c.reach()) }
    }
}

fn outcome(e: &Election, r: RunResult) -> Outcome {
    Outcome { total_cost: e.cost_of(&r.selected), selected: r.selected, ties: r.ties, steps: r.steps }
}

/// Plain MES: every voter starts with B/n.
pub fn mes(e: &Election, sat: Satisfaction, rank: &[usize], tb: &TieBreak) -> Outcome {
    let prep = Prep::new(e, sat);
    if prep.n == 0 {
        return Outcome { selected: vec![], total_cost: 0, ties: vec![], steps: vec![] };
    }
    let b0 = BigRational::new(e.budget.into(), prep.n.into());
    outcome(e, Run::new(&prep, b0).execute(rank, tb, true))
}
