//! The add1 completion: the outcome of raising the per-voter budget one
//! unit at a time until MES is exhaustive or over budget, computed by
//! skipping the steps a run has certified (`cert`), and the literal
//! procedure (`mes_add1_linear`) it is tested against.

use super::*;

/// The add1 completion's schedule and stop rule, shared by the fast search,
/// the literal one-unit-at-a-time procedure and the diagnostics.
struct Add1<'p, 'a> {
    prep: &'p Prep<'a>,
    variant: Add1Variant,
    start: BigRational,
    inc: i64,
    whole: i64,
    /// Beyond this step every voter alone can pay for every plan: the
    /// outcome is all supported plans and cannot change any more.
    k_max: i64,
}

impl<'p, 'a> Add1<'p, 'a> {
    fn new(prep: &'p Prep<'a>, variant: Add1Variant) -> Self {
        let e = prep.e;
        let inc = e.unit_scale.max(1);
        let eligible_cost: i64 = prep.eligible.iter().map(|&p| e.projects[p].cost).sum();
        Add1 {
            prep,
            variant,
            start: BigRational::new(e.budget.into(), prep.n.into()),
            inc,
            whole: (e.budget / (prep.n as i64)) / inc * inc,
            k_max: eligible_cost / inc + 1,
        }
    }

    /// The per-voter budget at step k.
    fn budget_at(&self, k: i64) -> BigRational {
        match self.variant {
            Add1Variant::Pabutools => &self.start + rat(k * self.inc),
            Add1Variant::Official if k == 0 => self.start.clone(),
            Add1Variant::Official => rat(self.whole + k * self.inc),
        }
    }

    fn run(&self, k: i64, rank: &[usize], tb: &TieBreak, record: bool) -> RunResult {
        Run::new(self.prep, self.budget_at(k)).execute(rank, tb, record)
    }

    /// A run at step k that also reports the last step with the same
    /// decisions (so the same outcome).
    fn run_certified(
        &self,
        k: i64,
        target: i64,
        classic: bool,
        stretch: bool,
        rank: &[usize],
        tb: &TieBreak,
    ) -> RunResult {
        let mut run = Run::new(self.prep, self.budget_at(k));
        let base = match self.variant {
            Add1Variant::Pabutools => self.start.clone(),
            Add1Variant::Official => rat(self.whole),
        };
        let sched = cert::Schedule { k, k_max: self.k_max, bk: self.budget_at(k), base, inc: self.inc };
        // The stretch certificate sums weights as f64: exact below 2^53 only.
        let stretch = stretch && self.prep.small;
        run.cert = Some(cert::Cert::new(sched, self.prep.weights.len(), target, classic, stretch));
        run.execute(rank, tb, true)
    }

    /// MES at step `hi` with the choices `seq` made at an earlier step (see
    /// `follow`): `Some` with the prices at `hi` when every step between
    /// makes the same choices.
    fn follow(&self, hi: i64, seq: &[(usize, Iv)], rank: &[usize]) -> Option<Vec<(usize, Iv)>> {
        // `follow` needs the budget to rise with the step (see there).
        debug_assert!(hi == 0 || self.budget_at(hi - 1) < self.budget_at(hi));
        Run::new(self.prep, self.budget_at(hi)).follow(seq, rank)
    }

    fn feasible(&self, sel: &[usize]) -> bool {
        self.prep.e.cost_of(sel) <= self.prep.e.budget
    }

    /// Would the one-unit-at-a-time procedure stop at this outcome?
    fn stop(&self, sel: &[usize]) -> bool {
        let e = self.prep.e;
        !self.feasible(sel)
            || match self.variant {
                Add1Variant::Pabutools => {
                    let left = e.budget - e.cost_of(sel);
                    self.prep.eligible.iter().all(|p| sel.contains(p) || e.projects[*p].cost > left)
                }
                Add1Variant::Official => sel.len() == self.prep.eligible.len() + self.prep.free.len(),
            }
    }
}

/// MES with the add1 completion: the outcome of the literal procedure (raise
/// the per-voter budget one unit at a time, stop at the first step whose
/// outcome is over budget, keeping the step before, or, for pabutools,
/// exhaustive), without one MES run per unit.
///
/// Each run certifies the last step up to which its decisions, hence its
/// outcome, stay the same (`cert`, `stretch`), runs further on that follow
/// its choices stretch that (`follow`), and the next run starts just past it.
/// Every step from 0 up to the stopping step is covered by a run or by a
/// certificate, in order, so the first stopping step is found exactly as
/// the literal procedure finds it, however the outcome moves with the
/// budget; `mes_add1_linear` is that procedure, the reference in tests.
pub fn mes_add1(e: &Election, sat: Satisfaction, variant: Add1Variant, rank: &[usize], tb: &TieBreak) -> Outcome {
    let prep = Prep::new(e, sat);
    if prep.n == 0 {
        return Outcome { selected: vec![], total_cost: 0, ties: vec![], steps: vec![] };
    }
    let add1 = Add1::new(&prep, variant);
    let mut runs = 0usize;
    let mut k = 0i64;
    // The run whose outcome reaches the step before k, and the step it was
    // run at (its explanation's prices are that step's); `None` for a run
    // made by `follow`, which records no explanation.
    let mut prev: Option<(i64, Option<RunResult>)> = None;
    // How far past the last covered step the next `follow` reaches: doubled
    // when it holds, cut when it does not.
    let mut stride = 16i64;
    // A certifying run costs more than a plain one. Where even two steps
    // cannot be certified (the outcome changes at almost every unit, as in
    // the largest elections), the next steps are run plainly, two at a
    // time, and a certificate is tried again after them; the stretch
    // doubles while certificates stay that short.
    let mut plain_left = 0i64;
    let mut stretch = 2i64;
    // How far the next certifying run aims (see `cert`): doubled when it
    // holds, cut when it does not.
    let mut jump = 16i64;
    // Which certificate leads: the classic ones (affine and Lipschitz) or the
    // stretch one (`stretch`). Each costs several plain runs on a large
    // election, and usually one of them reaches as far as both: only the
    // leader is worked out, the other is tried beside it after 8 certifying
    // runs, then 16, 32, … while it does not reach further, and takes the
    // lead when it does.
    let mut lead_classic = true;
    let mut other_in = 0u32;
    let mut other_every = 8u32;
    let (k_final, result, reason) = 'search: loop {
        // Each entry: the run's step, the last step its outcome reaches, the run.
        let batch: Vec<(i64, i64, RunResult)> = if plain_left > 0 {
            let ks: Vec<i64> = (k..=(k + 1).min(add1.k_max)).collect();
            plain_left -= ks.len() as i64;
            runs += ks.len();
            std::thread::scope(|scope| {
                let handles: Vec<_> = ks
                    .iter()
                    .map(|&k| {
                        let add1 = &add1;
                        scope.spawn(move || (k, k, add1.run(k, rank, tb, true)))
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().expect("MES run")).collect()
            })
        } else {
            runs += 1;
            let aimed = jump;
            debug_assert!(k <= add1.k_max, "add1 stops at k_max at the latest");
            let both = other_in == 0;
            let (with_classic, with_stretch) = (lead_classic || both, !lead_classic || both);
            let res = add1.run_certified(k, k.saturating_add(aimed), with_classic, with_stretch, rank, tb);
            if both {
                match res.reach_parts {
                    // Both were given up early: no news, try again next run.
                    None => other_in = 1,
                    Some((c, s)) => {
                        // Steps reached per unit of work, each certificate
                        // with the run's own work, counting no step past the
                        // aim (the stretch one stops there).
                        let top = k.saturating_add(aimed);
                        let [run, wc, ws] = res.work;
                        let classic_gain = (c.min(top) - k + 1) as u128 * (run + ws).max(1) as u128;
                        let stretch_gain = (s.min(top) - k + 1) as u128 * (run + wc).max(1) as u128;
                        let classic_leads =
                            if lead_classic { classic_gain >= stretch_gain } else { classic_gain > stretch_gain };
                        other_every = if classic_leads == lead_classic { (other_every * 2).min(64) } else { 8 };
                        lead_classic = classic_leads;
                        other_in = other_every;
                    }
                }
            }
            other_in = other_in.saturating_sub(1);
            let reach = res.reach.unwrap_or(k).clamp(k, add1.k_max);
            let held = reach >= k.saturating_add(aimed);
            jump = if held {
                aimed.saturating_mul(2)
            } else if lead_classic {
                (aimed / 4).max(2)
            } else {
                // The stretch certificate stops where the choices change (or
                // nearly tie): the next run starts a new stretch, aimed afresh.
                32
            };
            if !held && aimed <= 2 && reach - k < 2 {
                // Even two steps do not hold: the outcome changes densely here.
                plain_left = stretch;
                stretch = (stretch * 2).min(64);
            } else if held {
                stretch = 2;
            }
            vec![(k, reach, res)]
        };
        for (at, reach, res) in batch {
            if add1.stop(&res.selected) || k >= add1.k_max {
                if add1.feasible(&res.selected) {
                    let reason = if variant == Add1Variant::Pabutools { "exhaustive" } else { "all plans funded" };
                    break 'search (k, Some(res), reason);
                }
                // Step 0 is plain MES, which never overspends, so k > 0 here
                // and the previous run's outcome reaches step k − 1.
                // Its explanation shows that step's prices: rerun unless it was run there.
                let (pk, pres) = prev.take().expect("plain MES stays within budget");
                let keep = if pk == k - 1 { pres } else { None };
                break 'search (k - 1, keep, "next step over budget");
            }
            debug_assert_eq!(at, k);
            prev = Some((at, Some(res)));
            k = reach + 1;
        }
        if plain_left > 0 {
            continue;
        }
        // Stretch the last run's outcome with runs further on that follow its
        // choices (`follow`), each the start of the next stretch.
        // Only where the classic certificates lead: the stretch certificate
        // reaches about as far as `follow` proves, at the cost of one run.
        if !lead_classic {
            continue;
        }
        let Some((_, Some(last))) = &prev else { continue };
        let mut seq = last.chosen.clone();
        loop {
            // Never up to k_max: every plan is funded there, which stops add1.
            let hi = (k - 1).saturating_add(stride).min(add1.k_max - 1);
            if hi < k {
                break;
            }
            runs += 1;
            match add1.follow(hi, &seq, rank) {
                Some(at_hi) => {
                    seq = at_hi;
                    prev = Some((hi, None));
                    k = hi + 1;
                    stride = stride.saturating_mul(2);
                }
                None if stride > 1 => stride = (stride / 4).max(1),
                None => break,
            }
        }
    };
    // The explanation's prices are those of the step kept.
    let result = match result {
        Some(r) => r,
        None => {
            runs += 1;
            add1.run(k_final, rank, tb, true)
        }
    };
    let per_voter = decimal(&add1.budget_at(k_final), 4);
    let mut out = outcome(e, result);
    out.steps.push(Step::Add1 { per_voter_budget: per_voter, runs, reason: reason.to_string() });
    out
}

/// The add1 completion exactly as specified, one MES run per unit: the
/// reference the fast search is tested against on small elections.
pub fn mes_add1_linear(
    e: &Election,
    sat: Satisfaction,
    variant: Add1Variant,
    rank: &[usize],
    tb: &TieBreak,
) -> Vec<usize> {
    let prep = Prep::new(e, sat);
    if prep.n == 0 {
        return vec![];
    }
    let add1 = Add1::new(&prep, variant);
    let mut prev: Option<Vec<usize>> = None;
    let mut k = 0i64;
    loop {
        let sel = add1.run(k, rank, tb, false).selected;
        if !add1.feasible(&sel) {
            return prev.unwrap_or_default();
        }
        if add1.stop(&sel) {
            return sel;
        }
        prev = Some(sel);
        k += 1;
    }
}

/// For tests and diagnostics: whether the add1 procedure would stop at each
/// step k = 0..=k_max, on a small election.
pub fn add1_stop_profile(e: &Election, sat: Satisfaction, variant: Add1Variant, rank: &[usize]) -> Vec<bool> {
    let prep = Prep::new(e, sat);
    if prep.n == 0 {
        return vec![];
    }
    let add1 = Add1::new(&prep, variant);
    (0..=add1.k_max).map(|k| add1.stop(&add1.run(k, rank, &TieBreak::Lexicographic, false).selected)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Ballot, Project};

    /// A small xorshift generator, `rnd(m)` in `0..m`: the same elections on
    /// every run.
    fn xorshift(mut state: u64) -> impl FnMut(u64) -> u64 {
        move |m| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m.max(1)
        }
    }

    /// The plans MES chooses, in order, at every step up to `last`.
    fn choices(add1: &Add1, last: i64, rank: &[usize], tb: &TieBreak) -> Vec<Vec<usize>> {
        (0..=last).map(|k| add1.run(k, rank, tb, false).chosen.iter().map(|c| c.0).collect()).collect()
    }

    /// Wherever `follow` proves a stretch of steps, MES run at every step of
    /// it makes the same choices, in the same order, as at its start: the
    /// certificate checked step by step, not only through the outcome add1
    /// keeps. And it does prove stretches (it is not always `None`).
    #[test]
    fn every_stretch_follow_proves_makes_the_same_choices() {
        let mut rnd = xorshift(0x853C49E6748FEA9Bu64);
        let (mut proven, mut steps) = (0usize, 0usize);
        for _ in 0..150 {
            let np = 2 + rnd(6) as usize;
            let projects: Vec<Project> =
                (0..np).map(|i| Project { id: format!("p{i}"), cost: 1 + rnd(400) as i64 }).collect();
            let mut ballots = Vec::new();
            for _ in 0..1 + rnd(25) {
                let mut items = Vec::new();
                for p in 0..np as u32 {
                    if rnd(3) > 0 {
                        items.push((p, 1 + rnd(4)));
                    }
                }
                ballots.push(Ballot { weight: 1 + rnd(3), items });
            }
            let e = Election { budget: rnd(600) as i64, projects, ballots, unit_scale: 1 };
            if e.num_voters() == 0 {
                continue;
            }
            let rank: Vec<usize> = (0..e.projects.len()).collect();
            let tb = TieBreak::Lexicographic;
            for sat in [Satisfaction::Cost, Satisfaction::Points] {
                let prep = Prep::new(&e, sat);
                for variant in [Add1Variant::Pabutools, Add1Variant::Official] {
                    let add1 = Add1::new(&prep, variant);
                    let last = add1.k_max.min(60);
                    let chosen: Vec<Vec<usize>> = (0..=last).map(|k| add1.run(k, &rank, &tb, false).selected).collect();
                    for lo in 0..last {
                        let seq = add1.run(lo, &rank, &tb, false).chosen;
                        for hi in lo + 1..=last {
                            if add1.follow(hi, &seq, &rank).is_some() {
                                proven += 1;
                                steps += (hi - lo) as usize;
                                for k in lo..=hi {
                                    assert_eq!(
                                        chosen[k as usize], chosen[lo as usize],
                                        "{e:?} {sat:?} {variant:?}: follow proved {lo}..={hi}, step {k} differs"
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(proven > 1000 && steps > 5000, "follow proved only {proven} stretches ({steps} steps)");
    }
    /// Wherever a certifying run reaches (the stretch certificate alone, and
    /// all of them together), MES run at every step up to there makes the
    /// same choices, in the same order: each certificate checked step by
    /// step, on elections small enough to run every step, with budgets
    /// scaled so that supporters change sides within a stretch. And the
    /// stretch certificate does reach (it is not always its own step).
    #[test]
    fn every_step_a_certificate_reaches_makes_the_same_choices() {
        let mut rnd = xorshift(0x2545F4914F6CDD1Du64);
        let (mut reached, mut steps) = (0usize, 0usize);
        for _ in 0..120 {
            let np = 2 + rnd(6) as usize;
            let scale = [1i64, 7, 40][rnd(3) as usize];
            let projects: Vec<Project> =
                (0..np).map(|i| Project { id: format!("p{i}"), cost: (1 + rnd(400) as i64) * scale }).collect();
            let mut ballots = Vec::new();
            for _ in 0..1 + rnd(30) {
                let mut items = Vec::new();
                for p in 0..np as u32 {
                    if rnd(3) > 0 {
                        items.push((p, 1 + rnd(4)));
                    }
                }
                ballots.push(Ballot { weight: 1 + rnd(3), items });
            }
            let e = Election { budget: rnd(600) as i64 * scale, projects, ballots, unit_scale: 1 };
            if e.num_voters() == 0 {
                continue;
            }
            let rank: Vec<usize> = (0..e.projects.len()).collect();
            let tb = TieBreak::Lexicographic;
            for sat in [Satisfaction::Cost, Satisfaction::Points] {
                let prep = Prep::new(&e, sat);
                for variant in [Add1Variant::Pabutools, Add1Variant::Official] {
                    let add1 = Add1::new(&prep, variant);
                    let last = add1.k_max.min(120);
                    let chosen = choices(&add1, last, &rank, &tb);
                    for k in 0..last {
                        for aim in [2i64, 5, 16, 60] {
                            for classic in [false, true] {
                                let res = add1.run_certified(k, k + aim, classic, true, &rank, &tb);
                                let (_, stretch) = res.reach_parts.unwrap_or((k, k));
                                let reach = res.reach.unwrap_or(k).min(last);
                                if !classic && stretch > k {
                                    reached += 1;
                                    steps += (stretch - k) as usize;
                                }
                                for j in k..=reach.max(stretch.min(last)) {
                                    assert_eq!(
                                        chosen[j as usize], chosen[k as usize],
                                        "{e:?} {sat:?} {variant:?} classic {classic}: run at {k} aimed at {} reached {reach} (stretch {stretch}), step {j} differs",
                                        k + aim
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(reached > 1000 && steps > 5000, "the stretch certificate reached only {reached} times ({steps} steps)");
    }

    /// The same step-by-step check on the shapes where the stretch
    /// certificate's special cases matter (from an adversarial review):
    /// plans with identical supporters (prices tie exactly, won and lost on
    /// the tie-break order), and plans that become affordable within the
    /// stretch (their cost is what their supporters hold a few units past the
    /// start).
    #[test]
    fn certified_reaches_hold_on_exact_ties_and_plans_becoming_affordable() {
        let mut rnd = xorshift(0x9E3779B97F4A7C15u64);
        let mut checked = 0usize;
        for i in 0..60 {
            let np = 2 + rnd(5) as usize;
            let mut ballots = Vec::new();
            for _ in 0..1 + rnd(25) {
                let mut items = Vec::new();
                for p in 0..np as u32 {
                    if rnd(3) > 0 {
                        items.push((p, 1 + rnd(4)));
                    }
                }
                let most = if rnd(2) == 0 { 3 } else { 300 };
                ballots.push(Ballot { weight: 1 + rnd(most), items });
            }
            let n: i64 = ballots.iter().map(|b| b.weight as i64).sum();
            let b0 = 1 + rnd(3000) as i64;
            let mut projects = Vec::new();
            for p in 0..np as u32 {
                let w: i64 = ballots.iter().filter(|b| b.items.iter().any(|x| x.0 == p)).map(|b| b.weight as i64).sum();
                let held = w.max(1) * (b0 + rnd(400) as i64 - 30);
                let cost = held.max(1) / [1, 1, 2, 3][rnd(4) as usize] + rnd(5) as i64;
                projects.push(Project { id: format!("p{p}"), cost });
            }
            if i % 2 == 0 {
                // Plan 1 gets plan 0's supporters (same or doubled points), and
                // its cost or twice it.
                projects[1].cost = projects[0].cost * (1 + rnd(2) as i64);
                let double = rnd(2) == 0;
                for b in &mut ballots {
                    let pts = b.items.iter().find(|x| x.0 == 0).map(|x| x.1);
                    b.items.retain(|x| x.0 != 1);
                    if let Some(pts) = pts {
                        b.items.push((1, if double { 2 * pts } else { pts }));
                    }
                    b.items.sort_unstable();
                }
            }
            let e = Election { budget: n * b0 + rnd(n as u64) as i64, projects, ballots, unit_scale: 1 };
            let mut rank: Vec<usize> = (0..np).collect();
            if i % 4 >= 2 {
                rank.reverse();
            }
            let tb = TieBreak::Lexicographic;
            for sat in [Satisfaction::Cost, Satisfaction::Points] {
                let prep = Prep::new(&e, sat);
                for variant in [Add1Variant::Pabutools, Add1Variant::Official] {
                    let add1 = Add1::new(&prep, variant);
                    let last = add1.k_max.min(150);
                    let chosen = choices(&add1, last, &rank, &tb);
                    for k in 0..last {
                        for aim in [2i64, 17, 70] {
                            let res = add1.run_certified(k, k + aim, false, true, &rank, &tb);
                            let (_, stretch) = res.reach_parts.unwrap_or((k, k));
                            for j in k..=stretch.min(last) {
                                checked += 1;
                                assert_eq!(
                                    chosen[j as usize], chosen[k as usize],
                                    "{e:?} {sat:?} {variant:?} rank {rank:?}: run at {k} aimed at {} reached {stretch}, step {j} differs",
                                    k + aim
                                );
                            }
                        }
                    }
                }
            }
        }
        assert!(checked > 20_000, "only {checked} certified steps checked");
    }
}
