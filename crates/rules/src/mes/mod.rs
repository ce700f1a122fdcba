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
//!   (`cert`, and `stretch` for large elections, where supporters change
//!   sides at almost every unit), a run further on can prove that every step
//!   between makes the same choices (`follow`), and those steps are skipped; where
//!   certificates stay short the steps are run one by one, two at a time.
//!   A certifying run tries the run before it's choices first, and takes
//!   one without the scan over every plan when the certificate proves it
//!   (`stretch::guessed_round`); a long search runs in parts on threads
//!   (`add1::split`), with the same outcome and run count on any machine.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::ToPrimitive;
use serde::Serialize;

use super::{decimal, Election, Outcome, Step, Tie, TieAt, TieBreak};

mod add1;
mod afford;
mod cert;
mod follow;
mod iv;
mod stretch;

use iv::{div_iv, iv_cmp, Iv};

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

/// A supporter still holding money, as `affordability` sees it.
#[derive(Clone, Copy, Debug)]
struct Live {
    g: u32,
    /// The group's weight, as an f64 (exact: below 2^53).
    w: f64,
    /// The utility, as an integer and as an f64 (exact: below 2^53).
    s: u64,
    sf: f64,
    b: Iv,
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
    /// Every weight and utility is an integer below 2^53, so exact as an
    /// f64: `sum_bounds` and the fast interval checks may be used.
    small: bool,
}

impl<'a> Prep<'a> {
    fn new(e: &'a Election, sat: Satisfaction) -> Prep<'a> {
        let mut supporters = vec![Vec::new(); e.projects.len()];
        // Groups numbered in the order of their ballots' plans: ballots with
        // plans in common are near each other, and so is what a run keeps
        // per group, which the runs visit plan by plan (a speed matter only).
        let mut order: Vec<usize> = (0..e.ballots.len()).collect();
        let mut ballots_of = vec![0u64; e.projects.len()];
        for b in &e.ballots {
            for &(p, _) in &b.items {
                ballots_of[p as usize] += 1;
            }
        }
        let mut by_pop: Vec<u32> = (0..e.projects.len() as u32).collect();
        by_pop.sort_by_key(|&p| std::cmp::Reverse(ballots_of[p as usize]));
        let mut pop_rank = vec![0u32; e.projects.len()];
        for (r, &p) in by_pop.iter().enumerate() {
            pop_rank[p as usize] = r as u32;
        }
        let key = |i: usize| {
            let mut k: Vec<u32> = e.ballots[i].items.iter().map(|x| pop_rank[x.0 as usize]).collect();
            k.sort_unstable();
            k
        };
        let keys: Vec<Vec<u32>> = (0..e.ballots.len()).map(key).collect();
        order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
        for (g, b) in order.iter().map(|&i| &e.ballots[i]).enumerate() {
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
        let weights: Vec<u64> = order.iter().map(|&i| e.ballots[i].weight).collect();
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
        let small = weights.iter().all(|&w| w < 1 << 53)
            && supporters.iter().flatten().all(|&(_, s)| s < 1 << 53)
            && e.projects.iter().all(|p| p.cost.unsigned_abs() < 1 << 53);
        Prep { e, weights, supporters, eligible, free, total_sat, n: e.num_voters(), sat, small }
    }

    /// Per plan, a lower bound on its price in any round of any run: what it
    /// would cost per unit of utility if every supporter could pay its share.
    fn price_floors(&self) -> Vec<f64> {
        let mut floor = vec![f64::INFINITY; self.e.projects.len()];
        for &p in &self.eligible {
            floor[p] = div_iv(Iv::of_i128(self.e.projects[p].cost as i128), self.total_sat[p]).lo;
        }
        floor
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
    scratch: std::cell::RefCell<(Vec<Live>, Vec<bool>)>,
    /// When set, the run also works out how far along the add1 schedule its
    /// decisions stay the same (see `cert`).
    cert: Option<cert::Cert>,
    /// For a certifying run: the plans a run at an earlier step chose, round
    /// by round, tried first (see `guessed_round`).
    guess: Vec<usize>,
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
    /// For a certifying run: the reach of the classic certificates alone
    /// (affine and Lipschitz) and of the stretch certificate alone.
    reach_parts: Option<(i64, i64)>,
    /// For a certifying run: the work of the run, the classic certificates
    /// and the stretch one (see `cert::Cert::charge`).
    work: [u64; 3],
    /// The plans chosen round by round, with their prices (see `follow`).
    chosen: Vec<(usize, Iv)>,
    /// Rounds decided without the scan (see `guessed_round`); read by tests.
    #[cfg_attr(not(test), allow(dead_code))]
    guessed: usize,
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
            scratch: std::cell::RefCell::new((Vec::new(), Vec::new())),
            cert: None,
            guess: Vec::new(),
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

    /// Charge the supporters of `q` at its price: the poor pay all they have,
    /// the others ρ·s.
    fn pay(&mut self, q: usize, a: Afford) {
        if let Some(c) = &self.cert {
            c.charge(0, self.prep.supporters[q].len());
        }
        self.certify_pay(q, &a);
        let round = u16::try_from(self.rounds.len()).expect("fewer than 65,536 plans funded");
        // Both lists are by group: walk them together.
        let mut poor = a.poor.iter().peekable();
        // A price is positive: one rounded product per supporter errs outward.
        let (lo, hi) = a.iv.for_products();
        for &(g, s) in &self.prep.supporters[q] {
            while poor.next_if(|&&p| p < g).is_some() {}
            let g = g as usize;
            if self.exhausted[g] {
                continue;
            }
            if poor.next_if(|&&p| p as usize == g).is_some() {
                self.exhausted[g] = true;
                self.budget_iv[g] = Iv::exact(0.0);
            } else {
                self.spent.push(g, round, s);
                let price = if self.prep.small {
                    let sf = s as f64;
                    Iv { lo: lo * sf, hi: hi * sf }
                } else {
                    a.iv.scale(s)
                };
                self.budget_iv[g] = self.budget_iv[g].sub(price);
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

    /// One round decided the usual way: every plan still in the running
    /// examined in order of a lower bound of its price (`price_lo`, updated),
    /// until that bound exceeds the best price found; plans found
    /// unaffordable leave `remaining`, and so does the chosen one. `None`
    /// when no plan is affordable any more.
    fn scan_round(
        &mut self,
        remaining: &mut Vec<usize>,
        stale_lo: &mut [f64],
        rank: &[usize],
        tb: &TieBreak,
        ties: Option<&mut Vec<Tie>>,
    ) -> Option<(usize, Afford)> {
        let e = self.prep.e;
        remaining.sort_by(|&a, &b| stale_lo[a].total_cmp(&stale_lo[b]).then(rank[a].cmp(&rank[b])));
        let mut best_hi = f64::INFINITY;
        let mut cands: Vec<(usize, Afford)> = Vec::new();
        let mut gone: Vec<usize> = Vec::new();
        for &p in remaining.iter() {
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
            self.stretch_end();
            return None;
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
        if let Some(ties) = ties.filter(|_| tied.len() > 1) {
            ties.push(Tie {
                at: TieAt::MesRound { round: self.rounds.len() + 1 },
                order: tied.iter().map(|&p| e.projects[p].id.clone()).collect(),
                method: tb.clone(),
            });
        }
        remaining.retain(|&p| p != chosen);
        self.certify_round(chosen, &afford, remaining, rank);
        Some((chosen, afford))
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
        let mut stale_lo = prep.price_floors();
        let mut remaining: Vec<usize> = prep.eligible.clone();
        let mut spent_money: i64 = e.cost_of(&selected);
        // A run at an earlier step's choices, round by round: each round
        // first tries the first of them not yet funded, while the stretch
        // certificate shows that it is MES's own choice here (a few failed
        // tries, and the scan decides every later round).
        let guess = std::mem::take(&mut self.guess);
        let mut tries_left = if guess.is_empty() { 0 } else { 3u32 };
        // Whether rounds were decided without the scan since it last ran.
        let mut scan_behind = false;
        let mut guessed_rounds = 0usize;
        loop {
            let next = if tries_left > 0 { guess.iter().copied().find(|q| remaining.contains(q)) } else { None };
            let guessed = next.and_then(|q| self.guessed_round(q, &remaining, rank).map(|a| (q, a)));
            if next.is_some() && guessed.is_none() {
                tries_left -= 1;
            }
            let (chosen, afford) = if let Some((q, a)) = guessed {
                scan_behind = true;
                guessed_rounds += 1;
                remaining.retain(|&p| p != q);
                (q, a)
            } else {
                if std::mem::take(&mut scan_behind) {
                    self.catch_up(&mut remaining, &mut stale_lo);
                }
                match self.scan_round(&mut remaining, &mut stale_lo, rank, tb, record.then_some(&mut ties)) {
                    Some(x) => x,
                    None => break,
                }
            };
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
        let chosen = selected[prep.free.len()..].iter().zip(&self.rounds).map(|(&p, a)| (p, a.iv)).collect();
        let reach_parts = self.cert.as_ref().map(|c| c.reach_parts());
        let work = self.cert.as_ref().map(|c| c.work.each_ref().map(|w| w.get())).unwrap_or_default();
        RunResult {
            selected,
            steps,
            ties,
            reach: self.cert.as_ref().map(|c| c.reach()),
            reach_parts,
            work,
            chosen,
            guessed: guessed_rounds,
        }
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
