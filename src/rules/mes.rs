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
//! - the add1 completion searches the per-voter budget instead of raising it
//!   one currency unit per MES run.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::ToPrimitive;
use serde::Serialize;

use super::{decimal, Election, Outcome, Step, Tie, TieBreak};

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
    /// Multiply by a non-negative integer (exact as f64 below 2^53).
    fn scale(self, k: u64) -> Iv {
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
        for p in 0..e.projects.len() {
            if total_sat[p] > 0 {
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

/// One MES run with a given exact budget per voter.
struct Run<'p, 'a> {
    prep: &'p Prep<'a>,
    b0: BigRational,
    exhausted: Vec<bool>,
    /// Per group: (round, utility) for each round it paid in without being exhausted.
    spent: Vec<Vec<(u16, u64)>>,
    budget_iv: Vec<Iv>,
    rho: Vec<BigRational>,
    rho_iv: Vec<Iv>,
}

struct RunResult {
    selected: Vec<usize>,
    steps: Vec<Step>,
    ties: Vec<Tie>,
}

impl<'p, 'a> Run<'p, 'a> {
    fn new(prep: &'p Prep<'a>, b0: BigRational) -> Self {
        let groups = prep.weights.len();
        let b0_iv = Iv::of(&b0);
        Run { prep, b0, exhausted: vec![false; groups], spent: vec![Vec::new(); groups], budget_iv: vec![b0_iv; groups], rho: Vec::new(), rho_iv: Vec::new() }
    }

    fn exact_budget(&self, g: usize) -> BigRational {
        if self.exhausted[g] {
            return rat(0);
        }
        let mut b = self.b0.clone();
        for &(r, s) in &self.spent[g] {
            b -= &self.rho[r as usize] * rat(s);
        }
        b
    }

    /// Exact Σ weight·budget over non-exhausted groups, assembled from integer
    /// totals per round so only one multiplication per round is exact work.
    fn exact_sum(&self, groups: impl Iterator<Item = usize>) -> BigRational {
        let mut w_total: u128 = 0;
        let mut per_round = vec![0u128; self.rho.len()];
        for g in groups {
            if self.exhausted[g] {
                continue;
            }
            let w = self.prep.weights[g] as u128;
            w_total += w;
            for &(r, s) in &self.spent[g] {
                per_round[r as usize] += w * s as u128;
            }
        }
        let mut sum = &self.b0 * rat(w_total);
        for (r, t) in per_round.iter().enumerate() {
            if *t > 0 {
                sum -= &self.rho[r] * rat(*t);
            }
        }
        sum
    }

    /// Is `budget(g)` compared to `rho·s` Less, Equal or Greater?
    fn cmp_budget(&self, g: usize, rho: &BigRational, rho_iv: Iv, s: u64) -> std::cmp::Ordering {
        if self.exhausted[g] {
            return std::cmp::Ordering::Less; // 0 < rho·s with rho, s > 0
        }
        if let Some(o) = iv_cmp(self.budget_iv[g], rho_iv.scale(s)) {
            return o;
        }
        self.exact_budget(g).cmp(&(rho * rat(s)))
    }

    /// The exact affordability ρ of plan `q` (the smallest price per unit of
    /// utility at which its supporters can pay for it, the poorest paying all
    /// they have), or `None` if its supporters together cannot afford it.
    fn affordability(&self, q: usize) -> Option<BigRational> {
        let cost = self.prep.e.projects[q].cost;
        let w = &self.prep.weights;
        // Live supporters with their budget interval.
        let live: Vec<(usize, u64, Iv)> = self.prep.supporters[q]
            .iter()
            .filter(|&&(g, _)| !self.exhausted[g as usize])
            .map(|&(g, s)| (g as usize, s, self.budget_iv[g as usize]))
            .collect();

        // Can they pay for it at all?
        let mut avail = Iv::exact(0.0);
        for &(g, _, b) in &live {
            avail = avail.add(b.scale(w[g]));
        }
        let c_iv = Iv::exact(cost as f64);
        let affordable = match iv_cmp(avail, c_iv) {
            Some(o) => o != std::cmp::Ordering::Less,
            None => self.exact_sum(live.iter().map(|x| x.0)) >= rat(cost),
        };
        if !affordable {
            return None;
        }

        // Float walk to guess who pays everything they have (the "poor").
        let mut order: Vec<usize> = (0..live.len()).collect();
        let key = |i: usize| {
            let (_, s, b) = live[i];
            (b.lo + b.hi) * 0.5 / s as f64
        };
        order.sort_by(|&a, &b| key(a).partial_cmp(&key(b)).unwrap_or(std::cmp::Ordering::Equal));
        let mut den: u128 = live.iter().map(|&(g, s, _)| w[g] as u128 * s as u128).sum();
        let mut contrib = 0.0f64;
        let mut k = 0;
        while k < order.len() {
            let (g, s, b) = live[order[k]];
            let rho = (cost as f64 - contrib) / den as f64;
            if rho * s as f64 <= (b.lo + b.hi) * 0.5 {
                break;
            }
            contrib += w[g] as f64 * (b.lo + b.hi) * 0.5;
            den -= w[g] as u128 * s as u128;
            k += 1;
        }
        let mut is_poor = vec![false; live.len()];
        for &i in &order[..k] {
            is_poor[i] = true;
        }
        if let Some(rho) = self.verify_partition(cost, &live, &is_poor) {
            return Some(rho);
        }

        // The float guess was off: pabutools' poor/rich iteration, exact.
        let mut is_poor = vec![false; live.len()];
        loop {
            let rho = self.rho_for(cost, &live, &is_poor)?;
            let rho_iv = Iv::of(&rho);
            let mut changed = false;
            for (i, &(g, s, _)) in live.iter().enumerate() {
                if !is_poor[i] && self.cmp_budget(g, &rho, rho_iv, s) == std::cmp::Ordering::Less {
                    is_poor[i] = true;
                    changed = true;
                }
            }
            if !changed {
                return Some(rho);
            }
        }
    }

    /// ρ = (cost − what the poor pay) / (utility of the rest), exactly.
    fn rho_for(&self, cost: i64, live: &[(usize, u64, Iv)], is_poor: &[bool]) -> Option<BigRational> {
        let w = &self.prep.weights;
        let den: u128 = live.iter().zip(is_poor).filter(|(_, &p)| !p).map(|(&(g, s, _), _)| w[g] as u128 * s as u128).sum();
        if den == 0 {
            return None;
        }
        let contrib = self.exact_sum(live.iter().zip(is_poor).filter(|(_, &p)| p).map(|(&(g, _, _), _)| g));
        Some((rat(cost) - contrib) / rat(den))
    }

    /// The partition is right exactly when every poor supporter has at most
    /// ρ·s and every other at least ρ·s; then ρ solves Σ min(b, ρ·s) = cost,
    /// whose solution is unique.
    fn verify_partition(&self, cost: i64, live: &[(usize, u64, Iv)], is_poor: &[bool]) -> Option<BigRational> {
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
        Some(rho)
    }

    /// Charge the supporters of `q` at price ρ: each pays min(budget, ρ·s).
    fn pay(&mut self, q: usize, rho: BigRational) {
        let round = self.rho.len() as u16;
        let rho_iv = Iv::of(&rho);
        for &(g, s) in &self.prep.supporters[q] {
            let g = g as usize;
            if self.exhausted[g] {
                continue;
            }
            if self.cmp_budget(g, &rho, rho_iv, s) != std::cmp::Ordering::Greater {
                self.exhausted[g] = true;
                self.spent[g].clear();
                self.budget_iv[g] = Iv::exact(0.0);
            } else {
                self.spent[g].push((round, s));
                self.budget_iv[g] = self.budget_iv[g].sub(rho_iv.scale(s));
            }
        }
        self.rho.push(rho);
        self.rho_iv.push(rho_iv);
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
        // Affordability only rises as budgets fall, so a stale value is a lower
        // bound: plans are re-examined in order of it, and the scan stops once
        // the bound exceeds the best found (the same result as recomputing all).
        let mut stale: Vec<Option<BigRational>> = vec![None; e.projects.len()];
        for &p in &prep.eligible {
            stale[p] = Some(BigRational::new(BigInt::from(e.projects[p].cost), BigInt::from(prep.total_sat[p])));
        }
        let mut remaining: Vec<usize> = prep.eligible.clone();
        let mut spent_money: i64 = e.cost_of(&selected);
        loop {
            remaining.sort_by(|&a, &b| stale[a].cmp(&stale[b]).then(rank[a].cmp(&rank[b])));
            let mut best: Option<BigRational> = None;
            let mut tied: Vec<usize> = Vec::new();
            let mut gone: Vec<usize> = Vec::new();
            for &p in &remaining {
                if let Some(b) = &best {
                    if stale[p].as_ref().is_some_and(|s| s > b) {
                        break;
                    }
                }
                match self.affordability(p) {
                    None => gone.push(p),
                    Some(a) => {
                        match &best {
                            Some(b) if a > *b => {}
                            Some(b) if a == *b => tied.push(p),
                            _ => {
                                best = Some(a.clone());
                                tied = vec![p];
                            }
                        }
                        stale[p] = Some(a);
                    }
                }
            }
            remaining.retain(|p| !gone.contains(p));
            let Some(rho) = best else { break };
            tied.sort_by_key(|&p| rank[p]);
            let chosen = tied[0];
            if tied.len() > 1 && record {
                ties.push(Tie {
                    context: format!("mes round {}", self.rho.len() + 1),
                    order: tied.iter().map(|&p| e.projects[p].id.clone()).collect(),
                    method: tb.describe(),
                });
            }
            remaining.retain(|&p| p != chosen);
            selected.push(chosen);
            spent_money += e.projects[chosen].cost;
            if record {
                let supporters: u64 = prep.supporters[chosen].iter().map(|&(g, _)| prep.weights[g as usize]).sum();
                let unit = match prep.sat {
                    Satisfaction::Cost => rat(e.projects[chosen].cost),
                    Satisfaction::Points => rat(1),
                };
                steps.push(Step::Mes {
                    round: self.rho.len() + 1,
                    project: e.projects[chosen].id.clone(),
                    supporters,
                    price_per_supporter: decimal(&(&rho * unit), 2),
                    affordability: decimal(&rho, 9),
                    cost: e.projects[chosen].cost,
                    remaining_after: e.budget - spent_money,
                });
            }
            self.pay(chosen, rho);
        }
        RunResult { selected, steps, ties }
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

/// MES with the add1 completion, searching the per-voter budget.
pub fn mes_add1(e: &Election, sat: Satisfaction, variant: Add1Variant, rank: &[usize], tb: &TieBreak) -> Outcome {
    let prep = Prep::new(e, sat);
    if prep.n == 0 {
        return Outcome { selected: vec![], total_cost: 0, ties: vec![], steps: vec![] };
    }
    let start = BigRational::new(e.budget.into(), prep.n.into());
    let inc = e.unit_scale.max(1);
    // The per-voter budget for step k of the completion.
    let at = |k: i64| -> BigRational {
        match variant {
            Add1Variant::Pabutools => &start + rat(k * inc),
            Add1Variant::Official if k == 0 => start.clone(),
            Add1Variant::Official => {
                let whole_units = (e.budget / (prep.n as i64)) / inc * inc;
                rat(whole_units + k * inc)
            }
        }
    };
    let mut runs = 0usize;
    let mut run_at = |k: i64| -> Vec<usize> {
        runs += 1;
        Run::new(&prep, at(k)).execute(rank, tb, false).selected
    };
    let eligible_cost: i64 = prep.eligible.iter().map(|&p| e.projects[p].cost).sum();
    // Beyond this step every voter alone can pay for every plan: the outcome
    // is all supported plans and cannot change any more.
    let k_max = eligible_cost / inc + 1;
    let feasible = |sel: &[usize]| e.cost_of(sel) <= e.budget;
    let exhaustive = |sel: &[usize]| {
        let left = e.budget - e.cost_of(sel);
        prep.eligible.iter().all(|p| sel.contains(p) || e.projects[*p].cost > left)
    };
    // `stop(k)`: the first step at which the linear procedure would stop.
    let stop = |sel: &[usize]| match variant {
        Add1Variant::Pabutools => !feasible(sel) || exhaustive(sel),
        Add1Variant::Official => !feasible(sel) || sel.len() == prep.eligible.len() + prep.free.len(),
    };

    let first = run_at(0);
    let (k_found, sel_found) = if stop(&first) {
        (0, first)
    } else {
        // Gallop, then bisect, for the first step where the procedure stops.
        let mut lo = 0i64; // known not to stop
        let mut hi = 1i64;
        let mut hi_sel;
        loop {
            hi = hi.min(k_max);
            hi_sel = run_at(hi);
            if stop(&hi_sel) || hi == k_max {
                break;
            }
            lo = hi;
            hi *= 2;
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            let sel = run_at(mid);
            if stop(&sel) {
                hi = mid;
                hi_sel = sel;
            } else {
                lo = mid;
            }
        }
        (hi, hi_sel)
    };
    let (k_final, reason) = if feasible(&sel_found) {
        (k_found, if variant == Add1Variant::Pabutools { "exhaustive" } else { "all plans funded" })
    } else {
        (k_found - 1, "next step over budget")
    };
    let final_run = Run::new(&prep, at(k_final.max(0))).execute(rank, tb, true);
    runs += 1;
    let mut out = outcome(e, final_run);
    out.steps.push(Step::Add1 { per_voter_budget: decimal(&at(k_final.max(0)), 4), runs, reason: reason.to_string() });
    out
}

/// The add1 completion exactly as specified, one MES run per unit: the
/// reference the fast search is tested against on small elections.
pub fn mes_add1_linear(e: &Election, sat: Satisfaction, variant: Add1Variant, rank: &[usize], tb: &TieBreak) -> Vec<usize> {
    let prep = Prep::new(e, sat);
    if prep.n == 0 {
        return vec![];
    }
    let start = BigRational::new(e.budget.into(), prep.n.into());
    let inc = e.unit_scale.max(1);
    let whole = (e.budget / (prep.n as i64)) / inc * inc;
    let all = prep.eligible.len() + prep.free.len();
    let mut prev: Option<Vec<usize>> = None;
    let mut k = 0i64;
    loop {
        let b = match variant {
            Add1Variant::Pabutools => &start + rat(k * inc),
            Add1Variant::Official if k == 0 => start.clone(),
            Add1Variant::Official => rat(whole + k * inc),
        };
        let sel = Run::new(&prep, b).execute(rank, tb, false).selected;
        let cost = e.cost_of(&sel);
        if cost > e.budget {
            return prev.unwrap_or_default();
        }
        let left = e.budget - cost;
        let exhaustive = prep.eligible.iter().all(|p| sel.contains(p) || e.projects[*p].cost > left);
        match variant {
            Add1Variant::Pabutools if exhaustive => return sel,
            Add1Variant::Official if sel.len() == all => return sel,
            _ => {}
        }
        prev = Some(sel);
        k += 1;
    }
}
