//! Property tests of the rules engine on random small elections, checked
//! against invariants and against independent, deliberately naive reference
//! implementations (no intervals, no lazy evaluation, no search).
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

use num_bigint::BigInt;
use num_rational::BigRational;
use proptest::prelude::*;
use wijkstem_rules::{
    self as rules, Add1Variant, Ballot, Election, GreedyScore, Project, Rule, Satisfaction, Step, TieBreak,
};

fn r(n: i64) -> BigRational {
    BigRational::from_integer(BigInt::from(n))
}

/// pabutools' `naive_mes`, transcribed: recompute every affordability every
/// round with the poor/rich iteration, all in exact rationals.
fn naive_mes(e: &Election, sat: Satisfaction, b0: BigRational) -> Vec<usize> {
    let util = |p: usize, pts: u64| -> i64 {
        match sat {
            Satisfaction::Cost => {
                if pts > 0 {
                    e.projects[p].cost
                } else {
                    0
                }
            }
            Satisfaction::Points => pts as i64,
        }
    };
    // One entry per voter (ballots expanded), as pabutools sees them.
    let mut voters: Vec<Vec<(usize, i64)>> = Vec::new();
    for b in &e.ballots {
        for _ in 0..b.weight {
            voters.push(
                b.items.iter().map(|&(p, pts)| (p as usize, util(p as usize, pts))).filter(|x| x.1 > 0).collect(),
            );
        }
    }
    let mut budget: Vec<BigRational> = vec![b0; voters.len()];
    let s = |v: usize, p: usize| voters[v].iter().find(|x| x.0 == p).map(|x| x.1).unwrap_or(0);
    let mut selected: Vec<usize> =
        (0..e.projects.len()).filter(|&p| e.projects[p].cost == 0 && (0..voters.len()).any(|v| s(v, p) > 0)).collect();
    let mut remaining: Vec<usize> =
        (0..e.projects.len()).filter(|&p| e.projects[p].cost > 0 && (0..voters.len()).any(|v| s(v, p) > 0)).collect();
    loop {
        let mut best: Option<(BigRational, usize)> = None;
        remaining.retain(|&p| {
            let supp: Vec<usize> = (0..voters.len()).filter(|&v| s(v, p) > 0).collect();
            let avail: BigRational = supp.iter().map(|&v| budget[v].clone()).sum();
            avail >= r(e.projects[p].cost)
        });
        for &p in &remaining {
            let supp: Vec<usize> = (0..voters.len()).filter(|&v| s(v, p) > 0).collect();
            let mut poor: Vec<usize> = vec![];
            let mut rich: Vec<usize> = supp.clone();
            let rho = loop {
                let pb: BigRational = poor.iter().map(|&v| budget[v].clone()).sum();
                let den: i64 = rich.iter().map(|&v| s(v, p)).sum();
                let rho = (r(e.projects[p].cost) - pb) / r(den);
                let newp: Vec<usize> = rich.iter().copied().filter(|&v| budget[v] < &rho * r(s(v, p))).collect();
                if newp.is_empty() {
                    break rho;
                }
                rich.retain(|v| !newp.contains(v));
                poor.extend(newp);
            };
            let better = match &best {
                None => true,
                Some((b, q)) => rho < *b || (rho == *b && e.projects[p].id < e.projects[*q].id),
            };
            if better {
                best = Some((rho, p));
            }
        }
        let Some((rho, p)) = best else { return selected };
        selected.push(p);
        remaining.retain(|&q| q != p);
        for (v, b) in budget.iter_mut().enumerate() {
            let pay = &rho * r(s(v, p));
            let pay = if pay > *b { b.clone() } else { pay };
            *b -= pay;
        }
    }
}

fn sorted(mut v: Vec<usize>) -> Vec<usize> {
    v.sort();
    v
}

fn arb_election(points: bool) -> impl Strategy<Value = Election> {
    (2usize..7, 1i64..40).prop_flat_map(move |(np, bscale)| {
        let projects = prop::collection::vec(0i64..60, np);
        let ballots = prop::collection::vec((1u64..4, prop::collection::vec((0..np as u32, 1u64..4), 0..np)), 1..12);
        (projects, ballots, 0i64..(bscale * 10)).prop_map(move |(costs, ballots, budget)| {
            let projects = costs.iter().enumerate().map(|(i, &c)| Project { id: format!("p{i}"), cost: c }).collect();
            let ballots = ballots
                .into_iter()
                .map(|(w, mut items)| {
                    items.sort_by_key(|x| x.0);
                    items.dedup_by_key(|x| x.0);
                    if !points {
                        for it in &mut items {
                            it.1 = 1;
                        }
                    }
                    Ballot { weight: w, items }
                })
                .collect();
            Election { budget, projects, ballots, unit_scale: 1 }
        })
    })
}

fn all_rules() -> Vec<Rule> {
    let mut v = vec![
        Rule::Greedy { score: GreedyScore::Approvals },
        Rule::Greedy { score: GreedyScore::Points },
        Rule::Greedy { score: GreedyScore::PointsPerCost },
        Rule::GreedyNoSkip { score: GreedyScore::Approvals },
        Rule::GreedyThreshold { score: GreedyScore::Approvals, min_score: 2 },
    ];
    for sat in [Satisfaction::Cost, Satisfaction::Points] {
        v.push(Rule::Mes { sat });
        for variant in [Add1Variant::Pabutools, Add1Variant::Official] {
            v.push(Rule::MesAdd1 { sat, variant });
            v.push(Rule::MesAdd1Greedy { sat, variant });
        }
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn no_rule_ever_exceeds_the_budget(e in arb_election(true)) {
        for rule in all_rules() {
            for tb in [TieBreak::Lexicographic, TieBreak::Lottery { seed: "4-2-6".into() }] {
                let out = rules::run(&e, &rule, &tb);
                prop_assert!(out.total_cost <= e.budget, "{rule:?}: {} > {}", out.total_cost, e.budget);
                prop_assert_eq!(out.total_cost, e.cost_of(&out.selected));
                let mut s = out.selected.clone();
                s.sort();
                s.dedup();
                prop_assert_eq!(s.len(), out.selected.len(), "a plan funded twice");
            }
        }
    }

    #[test]
    fn mes_equals_the_naive_exact_reference(e in arb_election(true)) {
        prop_assume!(e.num_voters() > 0);
        for sat in [Satisfaction::Cost, Satisfaction::Points] {
            let ours = rules::run(&e, &Rule::Mes { sat }, &TieBreak::Lexicographic);
            let b0 = BigRational::new(e.budget.into(), e.num_voters().into());
            prop_assert_eq!(ours.selected.clone(), naive_mes(&e, sat, b0), "{:?}", sat);
        }
    }

    /// The add1 completion equals the one-run-per-unit procedure on every
    /// election, whether or not its stop condition is monotone in the
    /// per-voter budget (`non_monotone_add1_elections_are_exact` makes sure
    /// such elections are among those checked).
    #[test]
    fn add1_equals_one_run_per_unit(e in arb_election(true)) {
        for sat in [Satisfaction::Cost, Satisfaction::Points] {
            for variant in [Add1Variant::Pabutools, Add1Variant::Official] {
                let rank = TieBreak::Lexicographic.rank(&e);
                let fast = sorted(rules::mes_add1(&e, sat, variant, &rank, &TieBreak::Lexicographic).selected);
                let slow = sorted(rules::mes_add1_linear(&e, sat, variant, &rank, &TieBreak::Lexicographic));
                prop_assert_eq!(fast, slow, "{:?} {:?}", sat, variant);
            }
        }
    }

    #[test]
    fn permuting_or_splitting_ballots_changes_nothing(e in arb_election(true), seed in any::<u64>()) {
        let mut shuffled = e.clone();
        // A deterministic shuffle, then split every merged ballot into single voters.
        let mut state = seed | 1;
        let mut expanded: Vec<Ballot> = Vec::new();
        for b in &e.ballots {
            for _ in 0..b.weight {
                expanded.push(Ballot { weight: 1, items: b.items.clone() });
            }
        }
        for i in (1..expanded.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            expanded.swap(i, (state % (i as u64 + 1)) as usize);
        }
        shuffled.ballots = expanded;
        for rule in all_rules() {
            let a = rules::run(&e, &rule, &TieBreak::Lexicographic);
            let b = rules::run(&shuffled, &rule, &TieBreak::Lexicographic);
            prop_assert_eq!(sorted(a.selected), sorted(b.selected), "{:?}", rule);
        }
    }

    #[test]
    fn an_extra_voter_for_x_never_removes_x_from_greedy(e in arb_election(false), pick in any::<prop::sample::Index>()) {
        let x = pick.index(e.projects.len());
        let rule = Rule::Greedy { score: GreedyScore::Approvals };
        for tb in [TieBreak::Lexicographic, TieBreak::Lottery { seed: "dobbelsteen 3 5".into() }] {
            let before = rules::run(&e, &rule, &tb);
            let mut more = e.clone();
            more.ballots.push(Ballot { weight: 1, items: vec![(x as u32, 1)] });
            let after = rules::run(&more, &rule, &tb);
            if before.selected.contains(&x) {
                prop_assert!(after.selected.contains(&x), "{:?}: x={x} dropped", tb);
            }
        }
    }
}

/// Random elections with a longer add1 schedule than proptest's, drawn from a
/// fixed seed, until enough of them have a stop condition that is not
/// monotone in the per-voter budget (the procedure stops at some step, and
/// would not stop at a later one: over budget at k, within budget again
/// after). On every one of them, and on all the others drawn, the add1
/// completion equals the literal one-run-per-unit procedure.
#[test]
fn non_monotone_add1_elections_are_exact() {
    let mut state = 88172645463325252u64;
    let mut rnd = move |m: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % m
    };
    let (mut non_monotone, mut over_then_within, mut checked) = (0, 0, 0);
    while non_monotone < 40 {
        assert!(checked < 40_000, "only {non_monotone} non-monotone elections in {checked}");
        let np = 2 + rnd(6) as usize;
        let projects: Vec<Project> =
            (0..np).map(|i| Project { id: format!("p{i}"), cost: 1 + rnd(60) as i64 }).collect();
        let mut ballots = Vec::new();
        for _ in 0..1 + rnd(10) {
            let mut items = Vec::new();
            for p in 0..np as u32 {
                if rnd(2) == 0 {
                    items.push((p, 1 + rnd(3)));
                }
            }
            ballots.push(Ballot { weight: 1 + rnd(3), items });
        }
        let e = Election { budget: rnd(150) as i64, projects, ballots, unit_scale: 1 };
        if e.num_voters() == 0 {
            continue;
        }
        for sat in [Satisfaction::Cost, Satisfaction::Points] {
            for variant in [Add1Variant::Pabutools, Add1Variant::Official] {
                let rank = TieBreak::Lexicographic.rank(&e);
                let fast = sorted(rules::mes_add1(&e, sat, variant, &rank, &TieBreak::Lexicographic).selected);
                let slow = sorted(rules::mes_add1_linear(&e, sat, variant, &rank, &TieBreak::Lexicographic));
                assert_eq!(fast, slow, "{e:?} {sat:?} {variant:?}");
                checked += 1;
                let stops = rules::add1_stop_profile(&e, sat, variant, &rank);
                if stops.windows(2).any(|w| w[0] && !w[1]) {
                    non_monotone += 1;
                    // Is the first stop an over-budget one, with a later step within budget and not stopping?
                    if let Some(k) = stops.iter().position(|&s| s) {
                        if stops[k + 1..].iter().any(|&s| !s) {
                            over_then_within += 1;
                        }
                    }
                }
            }
        }
    }
    println!("{checked} elections checked, {non_monotone} non-monotone, {over_then_within} stopping before a non-stopping step");
    assert!(over_then_within > 0);
}

#[test]
fn add1_with_a_billion_in_cents_takes_a_few_runs_not_one_per_cent() {
    // 1,000,000,000 euro in cents: pabutools would rerun MES once per unit
    // step of the per-voter budget. The search needs a few dozen runs.
    let projects: Vec<Project> =
        (0..12).map(|i| Project { id: format!("P{i:02}"), cost: (5 + i * 7) * 1_000_000_000 }).collect();
    let ballots: Vec<Ballot> = (0..40u32)
        .map(|v| Ballot {
            weight: 1 + (v % 3) as u64,
            items: (0..12).filter(|p| (v + p) % 3 != 0).map(|p| (p, 1)).collect(),
        })
        .collect();
    let e = Election { budget: 100_000_000_000, projects, ballots, unit_scale: 100 };
    for variant in [Add1Variant::Pabutools, Add1Variant::Official] {
        let rank = TieBreak::Lexicographic.rank(&e);
        let out = rules::mes_add1(&e, Satisfaction::Cost, variant, &rank, &TieBreak::Lexicographic);
        let runs =
            out.steps.iter().find_map(|s| if let Step::Add1 { runs, .. } = s { Some(*runs) } else { None }).unwrap();
        assert!(runs <= 80, "{variant:?}: {runs} MES runs");
        assert!(out.total_cost <= e.budget);
        let plain = rules::run(&e, &Rule::Mes { sat: Satisfaction::Cost }, &TieBreak::Lexicographic);
        assert!(out.total_cost >= plain.total_cost, "the completion never spends less than plain MES");
    }
}

#[test]
fn ties_are_recorded_and_the_lottery_is_reproducible() {
    let projects = vec![
        Project { id: "A".into(), cost: 50 },
        Project { id: "B".into(), cost: 50 },
        Project { id: "C".into(), cost: 50 },
    ];
    let ballots = vec![Ballot { weight: 2, items: vec![(0, 1), (1, 1), (2, 1)] }];
    let e = Election { budget: 100, projects, ballots, unit_scale: 1 };
    let rule = Rule::Greedy { score: GreedyScore::Approvals };
    let lex = rules::run(&e, &rule, &TieBreak::Lexicographic);
    assert_eq!(lex.ids(&e), ["A", "B"]);
    assert_eq!(lex.ties.len(), 1);
    assert_eq!(lex.ties[0].order, ["A", "B", "C"]);
    let seeds: Vec<Vec<String>> = ["1-1-1", "6-6-6", "3-4-5", "2-5-1"]
        .iter()
        .map(|s| rules::run(&e, &rule, &TieBreak::Lottery { seed: s.to_string() }).ties[0].order.clone())
        .collect();
    // The same seed gives the same order; different seeds give different orders.
    assert_eq!(seeds[0], rules::run(&e, &rule, &TieBreak::Lottery { seed: "1-1-1".into() }).ties[0].order);
    assert!(seeds.iter().any(|o| o != &seeds[0]), "{seeds:?}");
    let mes = rules::run(&e, &Rule::Mes { sat: Satisfaction::Cost }, &TieBreak::Lexicographic);
    assert_eq!(mes.ids(&e), ["A", "B"]);
    assert!(!mes.ties.is_empty());
}

/// Larger elections than the proptest ones (up to 300 voters, long add1
/// schedules of up to a few thousand steps), where the search skips most
/// steps through its certificates (`cert`, `follow`): still the literal
/// procedure's outcome, for both variants and both satisfactions.
#[test]
fn add1_equals_one_run_per_unit_on_longer_schedules() {
    let mut state = 0x2545F4914F6CDD1Du64;
    let mut rnd = move |m: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % m
    };
    let mut skipped = 0usize;
    for _ in 0..24 {
        let np = 3 + rnd(8) as usize;
        let projects: Vec<Project> =
            (0..np).map(|i| Project { id: format!("p{i}"), cost: 50 * (50 + rnd(900) as i64) }).collect();
        let popular: Vec<u64> = (0..np).map(|_| 1 + rnd(6)).collect();
        let mut ballots = Vec::new();
        for _ in 0..20 + rnd(280) {
            let mut items = Vec::new();
            for p in 0..np as u32 {
                if rnd(7) < popular[p as usize] {
                    items.push((p, 1 + rnd(4)));
                }
            }
            ballots.push(Ballot { weight: 1 + rnd(2), items });
        }
        let e = Election { budget: 50 * (200 + rnd(2500) as i64), projects, ballots, unit_scale: 1 };
        if e.num_voters() == 0 {
            continue;
        }
        let start = e.budget as f64 / e.num_voters() as f64;
        for sat in [Satisfaction::Cost, Satisfaction::Points] {
            for variant in [Add1Variant::Pabutools, Add1Variant::Official] {
                let rank = TieBreak::Lexicographic.rank(&e);
                let out = rules::mes_add1(&e, sat, variant, &rank, &TieBreak::Lexicographic);
                let slow = sorted(rules::mes_add1_linear(&e, sat, variant, &rank, &TieBreak::Lexicographic));
                assert_eq!(sorted(out.selected.clone()), slow, "{e:?} {sat:?} {variant:?}");
                let (runs, per_voter) = out
                    .steps
                    .iter()
                    .find_map(|s| match s {
                        Step::Add1 { runs, per_voter_budget, .. } => {
                            Some((*runs, per_voter_budget.parse::<f64>().unwrap()))
                        }
                        _ => None,
                    })
                    .unwrap();
                // The literal procedure ran once per step up to the one kept.
                let steps = (per_voter - start).max(0.0).round() as usize + 1;
                skipped += steps.saturating_sub(runs);
            }
        }
    }
    // The certificates were used, not only one run per step.
    assert!(skipped > 10_000, "only {skipped} steps skipped");
}
