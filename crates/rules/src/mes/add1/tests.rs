//! The add1 search's unit tests: certificates and guesses checked step by
//! step, and searches split into parts against the literal procedure.

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

/// A random election with `np` plans costing 1 to 400 times `scale`, up to
/// `most` ballots approving each plan with probability 2/3 and 1 to 4
/// points, weights 1 to 3, and a budget below 600 times `scale`.
fn scaled_election(rnd: &mut impl FnMut(u64) -> u64, np: usize, most: u64, scale: i64) -> Election {
    let projects: Vec<Project> =
        (0..np).map(|i| Project { id: format!("p{i}"), cost: (1 + rnd(400) as i64) * scale }).collect();
    let mut ballots = Vec::new();
    for _ in 0..1 + rnd(most) {
        let mut items = Vec::new();
        for p in 0..np as u32 {
            if rnd(3) > 0 {
                items.push((p, 1 + rnd(4)));
            }
        }
        ballots.push(Ballot { weight: 1 + rnd(3), items });
    }
    Election { budget: rnd(600) as i64 * scale, projects, ballots, unit_scale: 1 }
}

/// A random tie-break order of `n` plans (each plan's place in it).
fn shuffled_rank(rnd: &mut impl FnMut(u64) -> u64, n: usize) -> Vec<usize> {
    let mut rank: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        rank.swap(i, rnd(i as u64 + 1) as usize);
    }
    rank
}

/// `choices` with two neighbouring ones swapped: a guess that fails in the
/// middle of a round's proof.
fn swapped(rnd: &mut impl FnMut(u64) -> u64, choices: &[usize]) -> Vec<usize> {
    let mut v = choices.to_vec();
    if v.len() >= 2 {
        let i = rnd(v.len() as u64 - 1) as usize;
        v.swap(i, i + 1);
    }
    v
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
        let e = scaled_election(&mut rnd, np, 25, 1);
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
/// A guess that fails part of the way through a round's proof gives
/// back the stretch it narrowed, so nothing it learnt may rest on the
/// narrower stretch. Found by `no_rule_ever_exceeds_the_budget`: plan
/// p1, shown unaffordable only up to the narrower end, was then taken to
/// be so over the whole stretch given back, and the run at step 2
/// reached step 6, where MES funds p1 (over budget).
#[test]
fn a_failed_guess_gives_back_nothing_it_learnt_on_a_narrower_stretch() {
    let projects = [27, 25, 1, 1, 5, 29].iter().enumerate();
    let projects = projects.map(|(i, &cost)| Project { id: format!("p{i}"), cost }).collect();
    let b = |weight: u64, items: &[u32]| Ballot { weight, items: items.iter().map(|&p| (p, 1)).collect() };
    let ballots =
        vec![b(1, &[1, 2, 4]), b(1, &[0, 1, 2]), b(3, &[1]), b(3, &[2, 3]), b(1, &[4]), b(1, &[0, 2]), b(3, &[0, 4])];
    let e = Election { budget: 7, projects, ballots, unit_scale: 1 };
    let rank = [5, 3, 0, 2, 1, 4];
    let tb = TieBreak::Lexicographic;
    let prep = Prep::new(&e, Satisfaction::Cost);
    let add1 = Add1::new(&prep, Add1Variant::Official);
    let chosen = choices(&add1, 8, &rank, &tb);
    assert_ne!(chosen[6], chosen[2], "the choices change at step 6");
    // Step 0's choices, tried at step 2: the second round's guess fails.
    let res = add1.run_certified(2, 50, false, true, chosen[0].clone(), &rank, &tb);
    assert!(res.guessed > 0 && res.reach.is_some_and(|r| (2..6).contains(&r)), "{:?}", res.reach);
}

/// The step-by-step check of certifying runs given guesses, on many tiny
/// elections (a few voters, costs up to 60, budgets below them): the shape
/// in which a try failing half-way through a round once kept a plan taken
/// to be unaffordable beyond where that was shown (see
/// `a_failed_guess_gives_back_nothing_it_learnt_on_a_narrower_stretch`);
/// end-to-end comparisons with the literal procedure seldom see such a slip.
#[test]
fn every_step_a_guessing_run_reaches_makes_the_same_choices_on_tiny_elections() {
    let mut rnd = xorshift(0xA0761D6478BD642Fu64);
    let mut guessed = 0usize;
    for i in 0..1500 {
        let np = 2 + rnd(6) as usize;
        let cmax = [10u64, 30, 60][rnd(3) as usize];
        let mut ballots = Vec::new();
        for _ in 0..1 + rnd(9) {
            let mut items = Vec::new();
            for p in 0..np as u32 {
                if rnd(5) < 2 {
                    items.push((p, if i % 2 == 0 { 1 } else { 1 + rnd(3) }));
                }
            }
            ballots.push(Ballot { weight: 1 + rnd(3), items });
        }
        let projects = (0..np).map(|p| Project { id: format!("p{p}"), cost: 1 + rnd(cmax) as i64 }).collect();
        let e = Election { budget: rnd(cmax) as i64, projects, ballots, unit_scale: 1 };
        if e.num_voters() == 0 {
            continue;
        }
        let rank = shuffled_rank(&mut rnd, np);
        let tb = TieBreak::Lexicographic;
        let sat = if i % 4 < 2 { Satisfaction::Cost } else { Satisfaction::Points };
        let prep = Prep::new(&e, sat);
        let variant = if i % 3 == 0 { Add1Variant::Official } else { Add1Variant::Pabutools };
        let add1 = Add1::new(&prep, variant);
        let last = add1.k_max.min(60);
        let chosen = choices(&add1, last, &rank, &tb);
        for k in 0..last {
            let swapped = swapped(&mut rnd, &chosen[k as usize]);
            let guesses = [chosen[0].clone(), chosen[(k - 1).max(0) as usize].clone(), swapped];
            for (aim, guess) in [2i64, 17, 64].into_iter().flat_map(|a| guesses.iter().map(move |g| (a, g))) {
                let res = add1.run_certified(k, k + aim, false, true, guess.clone(), &rank, &tb);
                guessed += res.guessed;
                assert_eq!(res.chosen.iter().map(|c| c.0).collect::<Vec<_>>(), chosen[k as usize]);
                let (_, stretch) = res.reach_parts.unwrap_or((k, k));
                for j in k..=stretch.min(last) {
                    assert_eq!(
                        chosen[j as usize], chosen[k as usize],
                        "{e:?} {sat:?} {variant:?} rank {rank:?}: run at {k} guessing {guess:?} reached {stretch}, step {j} differs"
                    );
                }
            }
        }
    }
    assert!(guessed > 10_000, "only {guessed} rounds were decided by a guess");
}

/// A search split into parts (see `split`) ends where the literal
/// procedure ends, with the same outcome and explanation as the search
/// split only where it is long: on elections whose add1 takes hundreds
/// of steps, split at once or after a single run, both variants and
/// satisfactions, including stops in the first part, in a later one,
/// and at the first step of a part.
#[test]
fn a_search_split_into_parts_ends_where_the_literal_procedure_does() {
    let mut rnd = xorshift(0xD1B54A32D192ED03u64);
    let mut parted = 0usize;
    for _ in 0..200 {
        let np = 2 + rnd(7) as usize;
        let scale = [7i64, 40, 300][rnd(3) as usize];
        let e = scaled_election(&mut rnd, np, 30, scale);
        let rank: Vec<usize> = (0..np).collect();
        let tb = TieBreak::Lexicographic;
        for sat in [Satisfaction::Cost, Satisfaction::Points] {
            for variant in [Add1Variant::Pabutools, Add1Variant::Official] {
                let whole = mes_add1(&e, sat, variant, &rank, &tb);
                let literal = mes_add1_linear(&e, sat, variant, &rank, &tb);
                // Split at the guess, at guesses far too short or too
                // long (stops in the first, a middle and the last part),
                // and with the first stopping step the first of a part.
                let prep = Prep::new(&e, sat);
                let add1 = Add1::new(&prep, variant);
                let first_stop =
                    (prep.n > 0).then(|| (0..).find(|&k| add1.stops_at(k, &rank, &tb)).expect("k_max stops"));
                let how = rnd(6);
                let guess = |probed: i64, from: i64| match how {
                    0 => probed,
                    1 => probed / 3,
                    2 => probed * 2 / 3,
                    3 => probed * 3,
                    4 => probed * 20,
                    _ => first_stop.map_or(probed, |k| from + 8 * (k - from)),
                };
                let (split, was) = mes_add1_solo(&e, sat, variant, &rank, &tb, rnd(2) as usize, &guess);
                parted += was as usize;
                let mut got = split.selected.clone();
                got.sort_unstable();
                let mut want = literal;
                want.sort_unstable();
                assert_eq!(got, want, "{e:?} {sat:?} {variant:?}");
                // Everything but the number of runs, which splitting changes.
                let strip = |o: &Outcome| {
                    let mut steps = o.steps.clone();
                    if let Some(Step::Add1 { runs, .. }) = steps.last_mut() {
                        *runs = 0;
                    }
                    (o.selected.clone(), o.ties.clone(), steps)
                };
                assert_eq!(strip(&split), strip(&whole), "{e:?} {sat:?} {variant:?}");
            }
        }
    }
    assert!(parted > 100, "only {parted} searches were split");
}

/// Wherever a certifying run reaches (the stretch certificate alone, and
/// all of them together), MES run at every step up to there makes the
/// same choices, in the same order: each certificate checked step by
/// step, on elections small enough to run every step, with budgets
/// scaled so that supporters change sides within a stretch. The
/// certifying run is MES's own run at its step (same plans, explanation
/// and ties), also when it is given the choices of another step to try
/// first. And the stretch certificate does reach (it is not always its
/// own step), and guesses do decide rounds.
#[test]
fn every_step_a_certificate_reaches_makes_the_same_choices() {
    let mut rnd = xorshift(0x2545F4914F6CDD1Du64);
    let (mut reached, mut steps, mut guessed) = (0usize, 0usize, 0usize);
    for _ in 0..120 {
        let np = 2 + rnd(6) as usize;
        let scale = [1i64, 7, 40][rnd(3) as usize];
        let e = scaled_election(&mut rnd, np, 30, scale);
        if e.num_voters() == 0 {
            continue;
        }
        let rank = shuffled_rank(&mut rnd, np);
        let tb = TieBreak::Lexicographic;
        for sat in [Satisfaction::Cost, Satisfaction::Points] {
            let prep = Prep::new(&e, sat);
            for variant in [Add1Variant::Pabutools, Add1Variant::Official] {
                let add1 = Add1::new(&prep, variant);
                let last = add1.k_max.min(120);
                let chosen = choices(&add1, last, &rank, &tb);
                for k in 0..last {
                    // The run at k itself, with its explanation.
                    let plain = add1.run(k, &rank, &tb, true);
                    // Guesses (see `guessed_round`): none, the choices of
                    // the step before, of a step further on, and of
                    // this step with two choices swapped.
                    let swapped = swapped(&mut rnd, &chosen[k as usize]);
                    let guesses = [
                        vec![],
                        chosen[(k - 1).max(0) as usize].clone(),
                        chosen[((k + 7) % (last + 1)) as usize].clone(),
                        swapped,
                    ];
                    for aim in [2i64, 5, 16, 60] {
                        for (classic, guess) in guesses.iter().map(|g| (false, g)).chain([(true, &vec![])]) {
                            let guess = guess.clone();
                            let res = add1.run_certified(k, k + aim, classic, true, guess, &rank, &tb);
                            guessed += res.guessed;
                            // The certifying run is MES's own run at k, whatever it guessed.
                            assert_eq!(
                                (&res.selected, &res.steps, &res.ties),
                                (&plain.selected, &plain.steps, &plain.ties),
                                "{e:?} {sat:?} {variant:?} classic {classic}: run at {k} aimed at {}",
                                k + aim
                            );
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
    assert!(guessed > 5000, "only {guessed} rounds were decided by a guess");
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
                    // Guesses as in `every_step_a_certificate_reaches_makes_the_same_choices`.
                    let swapped = swapped(&mut rnd, &chosen[k as usize]);
                    let guesses = [vec![], chosen[(k - 1).max(0) as usize].clone(), swapped];
                    for (aim, guess) in [2i64, 17, 70].into_iter().flat_map(|a| guesses.iter().map(move |g| (a, g))) {
                        let res = add1.run_certified(k, k + aim, false, true, guess.clone(), &rank, &tb);
                        assert_eq!(res.chosen.iter().map(|c| c.0).collect::<Vec<_>>(), chosen[k as usize]);
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
