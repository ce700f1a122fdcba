//! The add1 completion: the outcome of raising the per-voter budget one
//! unit at a time until MES is exhaustive or over budget, computed by
//! skipping the steps a run has certified (`cert`), a long search in parts
//! on threads (`split`), and the literal procedure (`mes_add1_linear`) it
//! is tested against.

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
    ///
    /// `guess`: the plans a run at an earlier step chose, tried first (see
    /// `guessed_round`).
    #[allow(clippy::too_many_arguments)]
    fn run_certified(
        &self,
        k: i64,
        target: i64,
        classic: bool,
        stretch: bool,
        guess: Vec<usize>,
        rank: &[usize],
        tb: &TieBreak,
    ) -> RunResult {
        let mut run = Run::new(self.prep, self.budget_at(k));
        run.guess = guess;
        let base = match self.variant {
            Add1Variant::Pabutools => self.start.clone(),
            Add1Variant::Official => rat(self.whole),
        };
        let sched = cert::Schedule { k, k_max: self.k_max, bk: self.budget_at(k), base, inc: self.inc };
        // The stretch certificate sums weights as f64: exact below 2^53 only.
        let stretch = stretch && self.prep.small;
        run.cert =
            Some(cert::Cert::new(sched, self.prep.weights.len(), self.prep.e.projects.len(), target, classic, stretch));
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

    /// A guess of the first step where the procedure stops, from a few
    /// plain runs, for `split` to balance its parts: runs at steps 1, 2, 4,
    /// … until one stops, then the gap halved down to 1/32 of the way. Only
    /// the guess takes the outcome to move one way with the budget. Returns
    /// the guess and the number of runs made, or `None` when `quit` is set.
    fn guess_stop(&self, rank: &[usize], tb: &TieBreak, quit: &std::sync::atomic::AtomicBool) -> Option<(i64, usize)> {
        let mut runs = 0usize;
        let mut stops = |k: i64| {
            if quit.load(std::sync::atomic::Ordering::Relaxed) {
                return None;
            }
            runs += 1;
            Some(self.stops_at(k, rank, tb))
        };
        let (mut lo, mut d) = (0i64, 1i64);
        let mut hi = loop {
            let k = d.min(self.k_max);
            if stops(k)? {
                break k;
            }
            lo = k;
            d = d.saturating_mul(2);
        };
        let tol = (hi / 32).max(1);
        while hi - lo > tol {
            let m = lo + (hi - lo) / 2;
            if stops(m)? {
                hi = m;
            } else {
                lo = m;
            }
        }
        Some((hi, runs))
    }

    /// Does the procedure stop at step `k` (one plain run; every step from
    /// `k_max` on stops)?
    fn stops_at(&self, k: i64, rank: &[usize], tb: &TieBreak) -> bool {
        k >= self.k_max || self.stop(&self.run(k, rank, tb, false).selected)
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
///
/// A long search is cut in two halves searched at the same time (`split`):
/// the second half's first stop counts only once the first half has covered
/// every step before it without a stop, so the outcome is the same.
pub fn mes_add1(e: &Election, sat: Satisfaction, variant: Add1Variant, rank: &[usize], tb: &TieBreak) -> Outcome {
    mes_add1_solo(e, sat, variant, rank, tb, SOLO_RUNS, &|guess, _| guess).0
}

/// `mes_add1`, with the search alone for `solo` runs before it may be split,
/// and the guess of where it stops replaced by `guess(guess, paused at)`
/// (tests split small searches, and split them badly, this way); and
/// whether it was split.
fn mes_add1_solo(
    e: &Election,
    sat: Satisfaction,
    variant: Add1Variant,
    rank: &[usize],
    tb: &TieBreak,
    solo: usize,
    guess: &dyn Fn(i64, i64) -> i64,
) -> (Outcome, bool) {
    let prep = Prep::new(e, sat);
    if prep.n == 0 {
        return (Outcome { selected: vec![], total_cost: 0, ties: vec![], steps: vec![] }, false);
    }
    let add1 = Add1::new(&prep, variant);
    let mut first = Search::new(&add1, rank, tb, 0);
    // While the search starts alone, another thread guesses where it will
    // stop, for `split`; called off when the search stops on its own.
    let quit = std::sync::atomic::AtomicBool::new(false);
    let (end, probed) = std::thread::scope(|scope| {
        let probe = scope.spawn(|| add1.guess_stop(rank, tb, &quit));
        let end = first.go(None, Some(solo), None);
        if !matches!(end, End::Paused) {
            quit.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        (end, probe.join().expect("add1 probes"))
    });
    let (mut runs, stop, parted) = match (end, probed) {
        (End::Paused, Some((probed, probes))) => {
            let at = first.k;
            split(first, (guess(probed, at), probes), solo)
        }
        (End::Stop(stop), _) => (first.runs, stop, false),
        _ => unreachable!("a search without an end or a canceller stops; probes not called off end"),
    };
    let Stop { k: k_final, result, reason } = stop;
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
    (out, parted)
}

/// Runs the search makes alone before it considers cutting the rest into
/// parts (see `split`): a short search is not worth it.
const SOLO_RUNS: usize = 32;

/// Parts the rest of a long search is cut into (see `split`).
const PARTS: usize = 8;

/// The rest of a long search, from where `first` paused, in parts searched
/// at the same time: a guess of where the procedure stops (`guess_stop`) is
/// cut into `PARTS` equal parts, the last one open-ended; `first` goes on
/// through the first part, and a fresh search starts at the start of each
/// other one, each part taken by whichever thread is free. A part's first
/// stop is the procedure's first stop when every part before it covered
/// all its steps without a stop; the parts after it are called off and
/// count for nothing. The guess only balances the work: a wrong one costs
/// time, never changes the outcome. Where the parts start depends on the
/// election alone (not on the machine or on timing), so the number of runs
/// reported does too.
fn split(first: Search, (guess, probes): (i64, usize), solo: usize) -> (usize, Stop, bool) {
    let from = first.k;
    // No part starts past the last step (tests pass guesses beyond it).
    let guess = guess.min(first.add1.k_max);
    // Worth it when the rest looks like many more runs than made so far.
    let per_step = first.runs as f64 / from.max(1) as f64;
    let rest_runs = (guess - from) as f64 * per_step;
    if rest_runs < 4.0 * solo as f64 || guess < from.saturating_add(4 * PARTS as i64) {
        let mut first = first;
        let stop = match first.go(None, None, None) {
            End::Stop(stop) => stop,
            _ => unreachable!("a search without an end or a canceller stops"),
        };
        return (first.runs + probes, stop, false);
    }
    let starts: Vec<i64> = (0..PARTS).map(|i| from + (guess - from) * i as i64 / PARTS as i64).collect();
    // Per part: its runs, how it ended, and its last run (see `Stop::after`).
    type Done<'r> = (usize, End, Option<(i64, Option<RunResult>)>);
    let done: std::sync::Mutex<Vec<Option<Done>>> = std::sync::Mutex::new((0..PARTS).map(|_| None).collect());
    // The first part found to stop: parts after it are not needed.
    let stopped = std::sync::atomic::AtomicUsize::new(usize::MAX);
    // The next part to take (the first is `first`'s).
    let next = std::sync::atomic::AtomicUsize::new(1);
    // Every other part starts with what the first learnt about which
    // certificate leads and how far to aim.
    let template = first.at(first.k);
    let first = std::sync::Mutex::new(Some(first));
    let work = |me: usize| {
        let mut part = if me == 0 { 0 } else { next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) };
        while part < PARTS && part < stopped.load(std::sync::atomic::Ordering::Relaxed) {
            let until = starts.get(part + 1).copied();
            let mut search = if part == 0 {
                first.lock().expect("first part").take().expect("taken once")
            } else {
                template.at(starts[part])
            };
            let end = search.go(until, None, Some((&stopped, part)));
            if matches!(end, End::Stop(_)) {
                stopped.fetch_min(part, std::sync::atomic::Ordering::Relaxed);
            }
            done.lock().expect("parts")[part] = Some((search.runs, end, search.prev.take()));
            part = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    };
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, PARTS);
    std::thread::scope(|scope| {
        for me in 1..threads {
            let work = &work;
            scope.spawn(move || work(me));
        }
        work(0);
    });
    let mut runs = probes;
    let mut before: Option<(i64, Option<RunResult>)> = None;
    for part in done.into_inner().expect("parts") {
        let (more, end, prev) = part.expect("every part before the stopping one is searched");
        runs += more;
        match end {
            End::Reached => before = prev,
            End::Stop(stop) => return (runs, stop.after(before), true),
            End::Paused | End::Cancelled => {
                unreachable!("a part before the stopping one is neither paused nor called off")
            }
        }
    }
    unreachable!("the last part has no end: it stops")
}

/// Where the procedure stops, and the run it keeps.
struct Stop {
    k: i64,
    /// The run made at step `k`, when one was (else it is made again).
    result: Option<RunResult>,
    reason: &'static str,
}

impl Stop {
    /// A stop found by a search that started at a later step than 0: when
    /// it keeps the step before its own first one, the run kept is the
    /// earlier search's last one, if that was made at that step.
    fn after(mut self, earlier_prev: Option<(i64, Option<RunResult>)>) -> Stop {
        if self.result.is_none() {
            if let Some((pk, Some(res))) = earlier_prev {
                if pk == self.k {
                    self.result = Some(res);
                }
            }
        }
        self
    }
}

/// How a part of the search ended.
enum End {
    Stop(Stop),
    /// Every step before the end it was given is covered, without a stop.
    Reached,
    /// It made the number of runs it was given.
    Paused,
    /// Called off (another part stopped first).
    Cancelled,
}

/// The search over the add1 steps from some step on, with what it has
/// learnt so far about how far certificates reach.
struct Search<'s, 'p, 'a> {
    add1: &'s Add1<'p, 'a>,
    rank: &'s [usize],
    tb: &'s TieBreak,
    /// The first step not yet covered.
    k: i64,
    runs: usize,
    /// The run whose outcome reaches the step before k, and the step it was
    /// run at (its explanation's prices are that step's); `None` for a run
    /// made by `follow`, which records no explanation.
    prev: Option<(i64, Option<RunResult>)>,
    /// How far past the last covered step the next `follow` reaches: doubled
    /// when it holds, cut when it does not.
    stride: i64,
    /// A certifying run costs more than a plain one. Where even two steps
    /// cannot be certified (the outcome changes at almost every unit, as in
    /// the largest elections), the next steps are run plainly, two at a
    /// time, and a certificate is tried again after them; the stretch
    /// doubles while certificates stay that short.
    plain_left: i64,
    stretch: i64,
    /// How far the next certifying run aims (see `cert`): doubled when it
    /// holds, cut when it does not.
    jump: i64,
    /// Which certificate leads: the classic ones (affine and Lipschitz) or
    /// the stretch one (`stretch`). Each costs several plain runs on a large
    /// election, and usually one of them reaches as far as both: only the
    /// leader is worked out, the other is tried beside it after 8 certifying
    /// runs, then 16, 32, … while it does not reach further, and takes the
    /// lead when it does.
    lead_classic: bool,
    other_in: u32,
    other_every: u32,
}

impl<'s, 'p, 'a> Search<'s, 'p, 'a> {
    fn new(add1: &'s Add1<'p, 'a>, rank: &'s [usize], tb: &'s TieBreak, from: i64) -> Self {
        Search {
            add1,
            rank,
            tb,
            k: from,
            runs: 0,
            prev: None,
            stride: 16,
            plain_left: 0,
            stretch: 2,
            jump: 16,
            lead_classic: true,
            other_in: 0,
            other_every: 8,
        }
    }

    /// A search from step `from` on, with what this one has learnt about
    /// which certificate leads and how far to aim, but no run made.
    fn at(&self, from: i64) -> Self {
        Search { k: from, runs: 0, prev: None, plain_left: 0, ..*self }
    }

    /// Search on until the procedure stops, or every step before `until` is
    /// covered, or `pause_at` runs are made, or `cancel` names a part (see
    /// `split`) before this one.
    fn go(
        &mut self,
        until: Option<i64>,
        pause_at: Option<usize>,
        cancel: Option<(&std::sync::atomic::AtomicUsize, usize)>,
    ) -> End {
        let (add1, rank, tb) = (self.add1, self.rank, self.tb);
        loop {
            if until.is_some_and(|u| self.k >= u) {
                return End::Reached;
            }
            if pause_at.is_some_and(|n| self.runs >= n) {
                return End::Paused;
            }
            // Called off when a part before this one stops.
            if cancel.is_some_and(|(c, me)| c.load(std::sync::atomic::Ordering::Relaxed) < me) {
                return End::Cancelled;
            }
            let k = self.k;
            // Each entry: the run's step, the last step its outcome reaches, the run.
            let batch: Vec<(i64, i64, RunResult)> = if self.plain_left > 0 {
                let ks: Vec<i64> = (k..=(k + 1).min(add1.k_max)).collect();
                self.plain_left -= ks.len() as i64;
                self.runs += ks.len();
                std::thread::scope(|scope| {
                    let handles: Vec<_> =
                        ks.iter().map(|&k| scope.spawn(move || (k, k, add1.run(k, rank, tb, true)))).collect();
                    handles.into_iter().map(|h| h.join().expect("MES run")).collect()
                })
            } else {
                vec![self.certified(k)]
            };
            for (at, reach, res) in batch {
                if add1.stop(&res.selected) || self.k >= add1.k_max {
                    if add1.feasible(&res.selected) {
                        let reason =
                            if add1.variant == Add1Variant::Pabutools { "exhaustive" } else { "all plans funded" };
                        return End::Stop(Stop { k: self.k, result: Some(res), reason });
                    }
                    // Step 0 is plain MES, which never overspends, so k > 0
                    // here and the previous run's outcome reaches step k − 1
                    // (made by this search, or by the one before it).
                    // Its explanation shows that step's prices: rerun unless it was run there.
                    let keep = match self.prev.take() {
                        Some((pk, pres)) if pk == self.k - 1 => pres,
                        _ => None,
                    };
                    return End::Stop(Stop { k: self.k - 1, result: keep, reason: "next step over budget" });
                }
                debug_assert_eq!(at, self.k);
                self.prev = Some((at, Some(res)));
                self.k = reach + 1;
            }
            if self.plain_left > 0 {
                continue;
            }
            self.follow_on();
        }
    }

    /// One certifying run at step k, the leading certificate worked out
    /// (and now and then the other beside it), and what it teaches about
    /// how far the next one should aim.
    fn certified(&mut self, k: i64) -> (i64, i64, RunResult) {
        let add1 = self.add1;
        self.runs += 1;
        let aimed = self.jump;
        debug_assert!(k <= add1.k_max, "add1 stops at k_max at the latest");
        let both = self.other_in == 0;
        let (with_classic, with_stretch) = (self.lead_classic || both, !self.lead_classic || both);
        // The last run's choices, which the next run likely makes as well.
        let guess = match &self.prev {
            Some((_, Some(last))) if !with_classic => last.chosen.iter().map(|c| c.0).collect(),
            _ => Vec::new(),
        };
        let res = add1.run_certified(k, k.saturating_add(aimed), with_classic, with_stretch, guess, self.rank, self.tb);
        if both {
            match res.reach_parts {
                // Both were given up early: no news, try again next run.
                None => self.other_in = 1,
                Some((c, s)) => {
                    // Steps reached per unit of work, each certificate
                    // with the run's own work, counting no step past the
                    // aim (the stretch one stops there).
                    let top = k.saturating_add(aimed);
                    let [run, wc, ws] = res.work;
                    let classic_gain = (c.min(top) - k + 1) as u128 * (run + ws).max(1) as u128;
                    let stretch_gain = (s.min(top) - k + 1) as u128 * (run + wc).max(1) as u128;
                    let classic_leads =
                        if self.lead_classic { classic_gain >= stretch_gain } else { classic_gain > stretch_gain };
                    self.other_every =
                        if classic_leads == self.lead_classic { (self.other_every * 2).min(64) } else { 8 };
                    self.lead_classic = classic_leads;
                    self.other_in = self.other_every;
                }
            }
        }
        self.other_in = self.other_in.saturating_sub(1);
        let reach = res.reach.unwrap_or(k).clamp(k, add1.k_max);
        let held = reach >= k.saturating_add(aimed);
        self.jump = if held {
            aimed.saturating_mul(2)
        } else if self.lead_classic {
            (aimed / 4).max(2)
        } else {
            // The stretch certificate stops where the choices change (or
            // nearly tie): the next run starts a new stretch, aimed afresh.
            48
        };
        if !held && aimed <= 2 && reach - k < 2 {
            // Even two steps do not hold: the outcome changes densely here.
            self.plain_left = self.stretch;
            self.stretch = (self.stretch * 2).min(64);
        } else if held {
            self.stretch = 2;
        }
        (k, reach, res)
    }

    /// Stretch the last run's outcome with runs further on that follow its
    /// choices (`follow`), each the start of the next stretch. Only where
    /// the classic certificates lead: the stretch certificate reaches about
    /// as far as `follow` proves, at the cost of one run.
    fn follow_on(&mut self) {
        let add1 = self.add1;
        if !self.lead_classic {
            return;
        }
        let Some((_, Some(last))) = &self.prev else { return };
        let mut seq = last.chosen.clone();
        loop {
            // Never up to k_max: every plan is funded there, which stops add1.
            let hi = (self.k - 1).saturating_add(self.stride).min(add1.k_max - 1);
            if hi < self.k {
                break;
            }
            self.runs += 1;
            match add1.follow(hi, &seq, self.rank) {
                Some(at_hi) => {
                    seq = at_hi;
                    self.prev = Some((hi, None));
                    self.k = hi + 1;
                    self.stride = self.stride.saturating_mul(2);
                }
                None if self.stride > 1 => self.stride = (self.stride / 4).max(1),
                None => break,
            }
        }
    }
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
mod tests;
