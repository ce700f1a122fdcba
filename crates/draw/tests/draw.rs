//! The draw against independent computations: brute-force leximin over every
//! panel on small pools, the maximin LP over every panel (as counts per type)
//! on larger ones, the lottery's quotas and bound, and the input findings.
#![allow(clippy::unwrap_used)] // tests may panic on what they did not expect

use highs::{HighsModelStatus, RowProblem, Sense};
use wijkstem_draw::{feasibility, leximin, round_to_lottery, Instance, Lottery, Pool, Quotas};

/// A small deterministic generator (no randomness crate needed).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// A random pool and quotas around each value's share of the pool.
fn random_instance(rng: &mut Lcg, n: usize, k: u32, features: usize) -> (String, String) {
    let values: Vec<u64> = (0..features).map(|_| 2 + rng.next(2)).collect();
    let traits: Vec<Vec<u64>> = (0..n).map(|_| values.iter().map(|&v| rng.next(v + 1).min(v - 1)).collect()).collect();
    // Quotas from the population, not the pool: who answers is skewed, so
    // some values are scarce in the pool and their respondents must be
    // drawn more often (a random target share per value, one seat of slack).
    let mut quotas = String::from("feature,value,min,max\n");
    for (f, &nv) in values.iter().enumerate() {
        let target: Vec<u64> = (0..nv).map(|_| 1 + rng.next(4)).collect();
        let total: u64 = target.iter().sum();
        for v in 0..nv {
            let share = target[v as usize] as f64 / total as f64 * f64::from(k);
            let min = (share.floor() as u32).saturating_sub(rng.next(2) as u32);
            let max = (share.ceil() as u32 + rng.next(2) as u32).min(k);
            quotas.push_str(&format!("f{f},v{v},{min},{max}\n"));
        }
    }
    let mut pool = String::from("code");
    for f in 0..features {
        pool.push_str(&format!(",f{f}"));
    }
    pool.push('\n');
    for (i, t) in traits.iter().enumerate() {
        pool.push_str(&format!("R{i:03}"));
        for v in t {
            pool.push_str(&format!(",v{v}"));
        }
        pool.push('\n');
    }
    (quotas, pool)
}

fn instance(quotas: &str, pool: &str, k: u32) -> Instance {
    Instance::from_csv(quotas, pool, k).unwrap()
}

/// Every set of `k` respondents that meets the quotas.
fn all_panels(inst: &Instance) -> Vec<Vec<usize>> {
    let n = inst.pool.len();
    let k = inst.size as usize;
    let mut out = Vec::new();
    for mask in 0u32..(1 << n) {
        if mask.count_ones() as usize == k {
            let p: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
            if inst.meets_quotas(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// Distributions over `panels` (weights λ ≥ 0 summing to 1) where each fixed
/// respondent keeps `floor[i]` and every open one gets at least `open_floor`
/// (or at least the variable `z` when `open_floor` is `None`). Maximises `z`,
/// or respondent `target`'s probability.
fn agent_lp(
    n: usize,
    panels: &[Vec<usize>],
    floor: &[Option<f64>],
    open_floor: Option<f64>,
    target: Option<usize>,
) -> f64 {
    let mut pb = RowProblem::default();
    let lambda: Vec<_> = panels
        .iter()
        .map(|p| pb.add_column(if target.is_some_and(|i| p.contains(&i)) { 1.0 } else { 0.0 }, 0.0..))
        .collect();
    let z = pb.add_column(if target.is_none() { 1.0 } else { 0.0 }, 0.0..);
    pb.add_row(1.0..=1.0, lambda.iter().map(|&l| (l, 1.0)));
    for (i, f) in floor.iter().enumerate().take(n) {
        let seats = panels.iter().zip(&lambda).filter(|(p, _)| p.contains(&i)).map(|(_, &l)| (l, 1.0));
        match (*f, open_floor) {
            (Some(f), _) | (None, Some(f)) => pb.add_row(f - 1e-9.., seats),
            (None, None) => pb.add_row(0.0.., seats.chain([(z, -1.0)])),
        };
    }
    let mut m = pb.optimise(Sense::Maximise);
    m.make_quiet();
    let s = m.solve();
    assert_eq!(s.status(), HighsModelStatus::Optimal);
    s.objective_value()
}

/// Leximin by brute force: every panel listed, and the textbook procedure
/// (maximise the floor of the open respondents; fix those who cannot rise
/// above it; repeat).
fn brute_leximin(inst: &Instance) -> Vec<f64> {
    let n = inst.pool.len();
    let panels = all_panels(inst);
    let mut floor: Vec<Option<f64>> = vec![None; n];
    // Nobody on any panel: probability 0.
    for (i, f) in floor.iter_mut().enumerate() {
        if !panels.iter().any(|p| p.contains(&i)) {
            *f = Some(0.0);
        }
    }
    while floor.iter().any(Option::is_none) {
        let z = agent_lp(n, &panels, &floor, None, None);
        let open: Vec<usize> = (0..n).filter(|&i| floor[i].is_none()).collect();
        let mut fixed_any = false;
        for &i in &open {
            let best = agent_lp(n, &panels, &floor, Some(z), Some(i));
            if best <= z + 1e-7 {
                floor[i] = Some(z);
                fixed_any = true;
            }
        }
        assert!(fixed_any, "some respondent is tight at the floor");
    }
    floor.into_iter().map(|f| f.unwrap()).collect()
}

#[test]
fn leximin_equals_brute_force_on_small_pools() {
    let mut rng = Lcg(20261201);
    let (mut compared, mut levels3) = (0, 0);
    while compared < 150 {
        let n = 7 + rng.next(6) as usize; // 7..=12
        let k = 2 + rng.next(4) as u32; // 2..=5
        let features = 2 + rng.next(2) as usize;
        let (q, p) = random_instance(&mut rng, n, k, features);
        let Ok(inst) = Instance::from_csv(&q, &p, k) else {
            continue;
        };
        if feasibility(&inst).is_err() {
            continue;
        }
        let d = leximin(&inst).unwrap();
        let want = brute_leximin(&inst);
        let mut got_sorted = d.probabilities.clone();
        let mut want_sorted = want.clone();
        got_sorted.sort_by(f64::total_cmp);
        want_sorted.sort_by(f64::total_cmp);
        for (g, w) in got_sorted.iter().zip(&want_sorted) {
            assert!((g - w).abs() < 1e-6, "profile differs:\n got {got_sorted:?}\nwant {want_sorted:?}\n{q}\n{p}");
        }
        // Leximin probabilities are unique per respondent, not only as a profile.
        for (i, w) in want.iter().enumerate() {
            assert!((d.probabilities[i] - w).abs() < 1e-6, "respondent {i}: {} vs {w}", d.probabilities[i]);
        }
        // The stated probabilities are what the panels and weights give.
        let m = d.marginals(&inst);
        for (t, &x) in m.iter().enumerate() {
            assert!((x - d.type_probability[t]).abs() < 1e-9);
        }
        assert!(d.panels.iter().all(|c| inst.counts_meet_quotas(c)));
        assert!((d.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let sum: f64 = d.probabilities.iter().sum();
        assert!((sum - f64::from(k)).abs() < 1e-6, "expected panel size {sum}");
        let mut levels = want.clone();
        levels.sort_by(f64::total_cmp);
        levels.dedup_by(|a, b| (*a - *b).abs() < 1e-6);
        levels3 += usize::from(levels.len() >= 3);
        compared += 1;
    }
    assert!(levels3 >= 5, "the pools must test later stages too: {levels3} of 25 had three levels or more");
}

/// Every panel as counts per type (few types: enumerable).
fn all_counts(inst: &Instance) -> Vec<Vec<u32>> {
    let n = inst.type_count();
    let mut out = Vec::new();
    let mut c = vec![0u32; n];
    fn rec(inst: &Instance, t: usize, left: u32, c: &mut Vec<u32>, out: &mut Vec<Vec<u32>>) {
        if t == c.len() {
            if left == 0 && inst.counts_meet_quotas(c) {
                out.push(c.clone());
            }
            return;
        }
        for x in 0..=left.min(inst.type_size(t)) {
            c[t] = x;
            rec(inst, t + 1, left - x, c, out);
        }
        c[t] = 0;
    }
    rec(inst, 0, inst.size, &mut c, &mut out);
    out
}

#[test]
fn the_smallest_probability_equals_an_independent_maximin_lp() {
    let mut rng = Lcg(7);
    let mut compared = 0;
    while compared < 8 {
        let n = 60 + rng.next(90) as usize;
        let k = 6 + rng.next(10) as u32;
        let (q, p) = random_instance(&mut rng, n, k, 2);
        let Ok(inst) = Instance::from_csv(&q, &p, k) else {
            continue;
        };
        if feasibility(&inst).is_err() || inst.type_count() > 9 {
            continue;
        }
        let d = leximin(&inst).unwrap();
        // Maximin over every panel: maximise z, every type's probability ≥ z.
        let panels = all_counts(&inst);
        let mut pb = RowProblem::default();
        let lambda: Vec<_> = panels.iter().map(|_| pb.add_column(0.0, 0.0..)).collect();
        let z = pb.add_column(1.0, 0.0..);
        pb.add_row(1.0..=1.0, lambda.iter().map(|&l| (l, 1.0)));
        for t in 0..inst.type_count() {
            let s = f64::from(inst.type_size(t));
            let row: Vec<_> = panels
                .iter()
                .zip(&lambda)
                .filter(|(c, _)| c[t] > 0)
                .map(|(c, &l)| (l, f64::from(c[t]) / s))
                .chain([(z, -1.0)])
                .collect();
            pb.add_row(0.0.., row);
        }
        let mut m = pb.optimise(Sense::Maximise);
        m.make_quiet();
        let s = m.solve();
        assert_eq!(s.status(), HighsModelStatus::Optimal);
        let maximin = s.objective_value();
        assert!((d.min_probability() - maximin).abs() < 1e-7, "{} vs maximin {maximin}", d.min_probability());
        compared += 1;
    }
}

#[test]
fn the_lottery_meets_the_quotas_and_the_bound() {
    let mut rng = Lcg(99);
    let mut checked = 0;
    while checked < 6 {
        let n = 80 + rng.next(120) as usize;
        let k = 10 + rng.next(11) as u32;
        let (q, p) = random_instance(&mut rng, n, k, 3);
        let Ok(inst) = Instance::from_csv(&q, &p, k) else {
            continue;
        };
        let Ok(d) = leximin(&inst) else { continue };
        let lottery = round_to_lottery(&inst, &d, 1000);
        assert_eq!(lottery.size(), 1000);
        lottery.check(&inst).unwrap();
        assert!(lottery.max_deviation <= Lottery::bound(&inst, 1000), "{} over the bound", lottery.max_deviation);
        let seats: u32 = lottery.tickets.iter().sum();
        assert_eq!(seats, 1000 * k);
        for i in 0..inst.pool.len() {
            assert!((lottery.probability(i) - d.probabilities[i]).abs() <= lottery.max_deviation + 1e-12);
        }
        checked += 1;
    }
}

#[test]
fn the_same_pool_gives_the_same_table_whatever_the_file_order() {
    let mut rng = Lcg(4242);
    let (q, p) = loop {
        let (q, p) = random_instance(&mut rng, 300, 20, 4);
        if let Ok(inst) = Instance::from_csv(&q, &p, 20) {
            if feasibility(&inst).is_ok() {
                break (q, p);
            }
        }
    };
    let inst = instance(&q, &p, 20);
    let d = leximin(&inst).unwrap();
    let a = round_to_lottery(&inst, &d, 1000);
    let b = round_to_lottery(&inst, &leximin(&inst).unwrap(), 1000);
    assert_eq!(a.panels, b.panels, "deterministic");
    // Who gets a type's extra ticket does not follow the file's order: with
    // the rows reversed, each code keeps its tickets.
    let mut lines: Vec<&str> = p.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    let reversed = format!("{header}\n{}\n", lines.join("\n"));
    let inst_r = instance(&q, &reversed, 20);
    let r = round_to_lottery(&inst_r, &leximin(&inst_r).unwrap(), 1000);
    let tickets = |inst: &Instance, l: &Lottery| -> std::collections::BTreeMap<String, u32> {
        inst.pool.codes.iter().cloned().zip(l.tickets.iter().copied()).collect()
    };
    assert_eq!(tickets(&inst, &a), tickets(&inst_r, &r));
}

#[test]
fn a_panel_breaking_a_quota_is_caught_by_the_check() {
    let q = "feature,value,min,max\ngender,v,1,2\ngender,m,1,2\n";
    let p = "code,gender\nA,v\nB,v\nC,m\nD,m\n";
    let inst = instance(q, p, 2);
    assert!(inst.meets_quotas(&[0, 2]));
    assert!(!inst.meets_quotas(&[0, 1]), "two women, no man");
    assert!(!inst.meets_quotas(&[0, 0]), "one person twice");
    assert!(!inst.meets_quotas(&[0, 2, 3]), "three seats");
    let d = leximin(&inst).unwrap();
    let mut lottery = round_to_lottery(&inst, &d, 10);
    lottery.check(&inst).unwrap();
    lottery.panels[3] = vec![0, 1];
    assert!(lottery.check(&inst).is_err());
}

#[test]
fn conflicting_quotas_get_the_smallest_relaxation() {
    // Four seats; at least three young, at least three women, but only one
    // young woman: no panel. Lowering one minimum by one seat is enough.
    let q = "feature,value,min,max\nage,jong,3,4\nage,oud,0,4\ngender,v,3,4\ngender,m,0,4\n";
    let p = "code,age,gender\nA,jong,v\nB,jong,m\nC,jong,m\nD,oud,v\nE,oud,v\nF,oud,m\n";
    let inst = instance(q, p, 4);
    let infeasible = feasibility(&inst).unwrap_err();
    let moved: u32 = infeasible.relax.iter().map(|r| (r.min - r.new_min) + (r.new_max - r.max)).sum();
    assert_eq!(moved, 1, "{infeasible:?}");
    assert!(leximin(&inst).is_err());
    // Applying the advice makes a panel exist.
    let mut relaxed = String::from("feature,value,min,max\n");
    for f in &inst.quotas.features {
        for v in &f.values {
            let r = infeasible.relax.iter().find(|r| r.feature == f.name && r.value == v.value);
            let (min, max) = r.map_or((v.min, v.max), |r| (r.new_min, r.new_max));
            relaxed.push_str(&format!("{},{},{min},{max}\n", f.name, v.value));
        }
    }
    assert!(feasibility(&instance(&relaxed, p, 4)).is_ok());
}

#[test]
fn bad_inputs_are_named() {
    let q = "feature,value,min,max\ngender,v,1,3\ngender,m,1,3\nage,jong,0,4\nage,oud,0,4\n";
    let cases: &[(&str, &str, u32, &str)] = &[
        ("", "code,gender,age\n", 2, "draw.quotas_empty"),
        ("feat,val,mn,mx\ngender,v,1,2\n", "code\n", 2, "draw.quotas_header"),
        ("feature,value,min,max\ngender,v,x,2\n", "", 2, "draw.quota_bad_number"),
        ("feature,value,min,max\ngender,v,3,2\n", "", 2, "draw.quota_min_over_max"),
        ("feature,value,min,max\ngender,v,1,2\nGender,V,1,2\n", "", 2, "draw.quota_duplicate"),
        (q, "naam,gender,age\nA,v,jong\n", 2, "draw.pool_header_code"),
        (q, "code,gender,age,naam\nA,v,jong,Anna\n", 2, "draw.pool_unknown_column"),
        (q, "code,gender\nA,v\n", 2, "draw.pool_missing_feature"),
        (q, "code,gender,age\nA,v,jong\nB,x,oud\n", 2, "draw.pool_unknown_value"),
        (q, "code,gender,age\nA,v,\n", 2, "draw.pool_missing_value"),
        (q, "code,gender,age\nA,v,jong\na,m,oud\n", 2, "draw.pool_duplicate_code"),
        (q, "code,gender,age\nA,v,jong\n", 2, "draw.pool_too_small"),
        (q, "code,gender,age\n\"A,v,jong\nB,m,oud\nC,m,oud\n", 2, "draw.csv_quote"),
        (q, "code,gender,age\nA,v,jong\nB,m,oud\n", 0, "draw.size_zero"),
        (
            q,
            "code,gender,age\nA,v,jong\nB,m,oud\nC,m,oud\nD,m,oud\nE,m,oud\nF,m,oud\nG,m,oud\n",
            7,
            "draw.quotas_cannot_add_up",
        ),
    ];
    for (quotas, pool, k, code) in cases {
        let got = Quotas::parse(quotas)
            .and_then(|q| Pool::parse(pool, &q).map(|p| (q, p)))
            .and_then(|(q, p)| Instance::new(q, p, *k));
        match got {
            Ok(_) => panic!("{code}: accepted"),
            Err(f) => assert_eq!(f.code, *code, "{quotas:?} / {pool:?}: {f}"),
        }
    }
    // Line numbers are the file's, blank lines counted.
    let f = Pool::parse("code,gender,age\n\nA,v,jong\n\n\nB,x,oud\n", &Quotas::parse(q).unwrap()).unwrap_err();
    assert_eq!(f.params[0], ("line", "6".to_string()), "{f}");
    // Separators and case as people type them.
    let ok = instance("feature;value;min;max\nGender;V;1;1\nGender;M;1;1\n", "Code;gender\nA; v \nB;m\n", 2);
    assert_eq!(ok.type_count(), 2);
}

/// The uniform baseline's estimate against the exact one on small pools:
/// every quota panel listed, each respondent's share of them counted.
#[test]
fn the_uniform_baseline_matches_counting_every_panel() {
    let mut rng = Lcg(20261202);
    let mut compared = 0;
    while compared < 15 {
        let n = 7 + rng.next(6) as usize; // 7..=12
        let k = 2 + rng.next(4) as u32; // 2..=5
        let features = 2 + rng.next(2) as usize;
        let (q, p) = random_instance(&mut rng, n, k, features);
        let Ok(inst) = Instance::from_csv(&q, &p, k) else { continue };
        let panels = all_panels(&inst);
        let Some(start) = panels.first() else { continue };
        let exact: Vec<f64> = (0..inst.pool.len())
            .map(|i| panels.iter().filter(|pnl| pnl.contains(&i)).count() as f64 / panels.len() as f64)
            .collect();
        let b = wijkstem_draw::uniform_baseline(&inst, start, 200_000);
        let sum: f64 = b.probabilities.iter().sum();
        assert!((sum - f64::from(k)).abs() < 1e-9, "every state seats k: {sum}");
        for (i, (e, got)) in exact.iter().zip(&b.probabilities).enumerate() {
            assert!(
                (e - got).abs() < 0.02,
                "respondent {i}: exact {e}, estimated {got} (spread {})\n{q}\n{p}",
                b.spread
            );
        }
        assert!(b.spread < 0.05, "four chains agree: {}", b.spread);
        // The same pool gives the same estimate.
        assert_eq!(wijkstem_draw::uniform_baseline(&inst, start, 200_000), b);
        compared += 1;
    }
}
