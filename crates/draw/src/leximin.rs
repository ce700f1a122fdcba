//! The leximin distribution over panels, by column generation (after
//! Flanigan et al. 2021, with HiGHS in place of Gurobi).
//!
//! Stage by stage, some types' probabilities are *fixed*. A stage maximises
//! the smallest probability `z` of the types not fixed yet, keeping the fixed
//! ones at least at their value. Its dual, over the panels found so far, is
//!
//! ```text
//! minimise  ŷ − Σ_{t fixed} f_t·y_t
//! such that Σ_t (c_t / s_t)·y_t ≤ ŷ   for every panel c      (c_t seats of type t, s_t its size)
//!           Σ_{t not fixed} y_t = 1,   y ≥ 0
//! ```
//!
//! A panel whose constraint is violated is found by the integer program
//! "maximise `Σ_t c_t·y_t/s_t` over panels that meet the quotas"
//! ([`Instance::best_panel`]); when none is, the stage is optimal and its
//! value is `z*` (the program is first asked at smoothed prices, which
//! finds panels in fewer rounds; only the LP's own duals end a stage). By
//! complementary slackness every type with `y_t > 0` has
//! probability exactly `z*` in every optimal distribution, so those are fixed
//! at `z*` and the next stage begins. Respondents of one type are
//! interchangeable, so the leximin gives them one probability: working on
//! types loses nothing.

use highs::{HighsModelStatus, RowProblem, Sense};
use serde::Serialize;

use crate::panels::{feasibility, Counts, Infeasible, Instance, Priced};

/// A distribution over panels (counts per type) and what it gives everyone.
#[derive(Debug, Clone, Serialize)]
pub struct Distribution {
    pub panels: Vec<Counts>,
    pub weights: Vec<f64>,
    /// Per type: its members' selection probability.
    pub type_probability: Vec<f64>,
    /// Per respondent (in the pool's order).
    pub probabilities: Vec<f64>,
    /// Integer programs solved (pricing), and LPs.
    pub ip_solves: usize,
    pub lp_solves: usize,
}

impl Distribution {
    pub fn min_probability(&self) -> f64 {
        self.probabilities.iter().copied().fold(f64::INFINITY, f64::min)
    }

    /// The probabilities the panels and weights give (to compare with the
    /// stated ones).
    pub fn marginals(&self, inst: &Instance) -> Vec<f64> {
        let mut m = vec![0.0; inst.type_count()];
        for (c, w) in self.panels.iter().zip(&self.weights) {
            for t in 0..m.len() {
                m[t] += w * f64::from(c[t]) / f64::from(inst.type_size(t));
            }
        }
        m
    }
}

const PRICE_EPS: f64 = 1e-9;
const FIX_EPS: f64 = 1e-7;
/// How far the prices lean towards the best duals so far (see `leximin`).
const SMOOTH: f64 = 0.7;
/// How far below the bound the pricing program's cutoff sits (relative).
const CUTOFF_MARGIN: f64 = 1e-6;

/// The leximin distribution, or what to relax when no panel meets the quotas.
pub fn leximin(inst: &Instance) -> Result<Distribution, Infeasible> {
    feasibility(inst)?;
    let n = inst.type_count();
    let size = |t: usize| f64::from(inst.type_size(t));
    let mut fixed: Vec<Option<f64>> = vec![None; n];
    let mut panels: Vec<Counts> = Vec::new();
    let mut ip_solves = 0;
    let mut lp_solves = 0;

    // Start with panels that together seat every type that can be seated;
    // a type no panel can seat has probability 0.
    let mut covered = vec![false; n];
    for t in 0..n {
        if covered[t] {
            continue;
        }
        let weight: Vec<f64> = (0..n)
            .map(|u| {
                if u == t {
                    f64::from(inst.size) + 1.0
                } else if covered[u] {
                    0.0
                } else {
                    1.0
                }
            })
            .collect();
        ip_solves += 1;
        let p = inst.best_panel(&weight).expect("feasible");
        if p[t] == 0 {
            fixed[t] = Some(0.0);
            covered[t] = true;
            continue;
        }
        for u in 0..n {
            covered[u] |= p[u] > 0;
        }
        if !panels.contains(&p) {
            panels.push(p);
        }
    }

    while fixed.iter().any(Option::is_none) {
        // Column generation for this stage: one LP, a row added per panel
        // found, each solve starting from the last basis.
        let mut stage = Stage::new(inst, &panels, &fixed);
        // Prices are smoothed (Wentges): the integer program is first asked
        // at a point between the LP's duals and the duals with the best
        // bound so far, which cuts the number of rounds (on the benchmark's
        // 40 of 1,000: about 500 LPs instead of 748). A panel found there is taken
        // when it gains at the LP's own duals; otherwise those duals are
        // priced, and they alone end the stage, as before.
        let fixed_part = |y: &[f64]| -> f64 { (0..n).filter_map(|t| fixed[t].map(|f| f * y[t])).sum() };
        let gain_at = |y: &[f64], c: &Counts| -> f64 { (0..n).map(|t| y[t] / size(t) * f64::from(c[t])).sum() };
        // The duals with the smallest bound on the stage's value so far:
        // `max over panels of Σ_t y_t·c_t/s_t − Σ_{t fixed} f_t·y_t`.
        let mut center: Option<(Vec<f64>, f64)> = None;
        let (y, value) = loop {
            lp_solves += 1;
            let (y, y_hat, value) = stage.solve();
            // The best panel at prices `at` when it beats `above` (the
            // program prunes the rest), with the bound those prices give.
            let mut price = |at: Vec<f64>, above: f64, center: &mut Option<(Vec<f64>, f64)>| -> Option<Counts> {
                ip_solves += 1;
                let weight: Vec<f64> = (0..n).map(|t| at[t] / size(t)).collect();
                // The cutoff sits a little below `above`, beyond the solver's
                // tolerances: no panel that beats `above` is pruned.
                let cutoff = above - CUTOFF_MARGIN * (1.0 + above.abs());
                let (found, top) = match inst.best_panel_above(&weight, cutoff) {
                    Priced::Panel(best) => {
                        let top = gain_at(&at, &best).max(above);
                        (Some(best), top)
                    }
                    Priced::NoneAbove => (None, above),
                    Priced::Failed => panic!("the pricing program has a panel (the quotas are feasible)"),
                };
                let bound = top - fixed_part(&at);
                if center.as_ref().is_none_or(|c| bound < c.1) {
                    *center = Some((at, bound));
                }
                found
            };
            let improves = |c: &Counts| gain_at(&y, c) > y_hat + PRICE_EPS && !panels.contains(c);
            let smoothed: Option<Vec<f64>> =
                center.as_ref().map(|(yc, _)| (0..n).map(|t| SMOOTH * yc[t] + (1.0 - SMOOTH) * y[t]).collect());
            let at_smoothed = smoothed.and_then(|ys| {
                // A panel is worth adding only when it beats every one the LP has.
                let above = panels.iter().map(|c| gain_at(&ys, c)).fold(f64::NEG_INFINITY, f64::max);
                price(ys, above, &mut center)
            });
            let best = match at_smoothed.filter(improves) {
                Some(best) => best,
                None => match price(y.clone(), y_hat + PRICE_EPS, &mut center).filter(improves) {
                    Some(best) => best,
                    None => break (y, value),
                },
            };
            stage.add_panel(inst, &best);
            panels.push(best);
        };
        let z = value.clamp(0.0, 1.0);
        let open: Vec<usize> = (0..n).filter(|&t| fixed[t].is_none()).collect();
        let mut any = false;
        for &t in &open {
            if y[t] > FIX_EPS {
                fixed[t] = Some(z);
                any = true;
            }
        }
        if !any {
            // Numerically every dual is tiny: fix the largest, which is tight.
            let t = *open.iter().max_by(|&&a, &&b| y[a].total_cmp(&y[b])).expect("open types");
            fixed[t] = Some(z);
        }
    }

    // The distribution itself: weights on the panels that give every type
    // at least its fixed probability.
    lp_solves += 1;
    let f: Vec<f64> = fixed.iter().map(|x| x.expect("all fixed")).collect();
    let weights = solve_primal(inst, &panels, &f);
    let keep: Vec<usize> = (0..panels.len()).filter(|&c| weights[c] > 1e-12).collect();
    let total: f64 = keep.iter().map(|&c| weights[c]).sum();
    let mut d = Distribution {
        panels: keep.iter().map(|&c| panels[c].clone()).collect(),
        weights: keep.iter().map(|&c| weights[c] / total).collect(),
        type_probability: Vec::new(),
        probabilities: Vec::new(),
        ip_solves,
        lp_solves,
    };
    d.type_probability = d.marginals(inst);
    d.probabilities = inst.type_of.iter().map(|&t| d.type_probability[t]).collect();
    Ok(d)
}

/// A stage's dual LP over the panels found so far (see the module text):
/// columns `y_t` then `ŷ`, a row per panel.
struct Stage {
    model: Option<highs::Model>,
    y: Vec<highs::Col>,
    y_hat: highs::Col,
}

impl Stage {
    fn new(inst: &Instance, panels: &[Counts], fixed: &[Option<f64>]) -> Stage {
        let n = inst.type_count();
        let mut pb = RowProblem::default();
        let y: Vec<_> = (0..n).map(|t| pb.add_column(-fixed[t].unwrap_or(0.0), 0.0..)).collect();
        let y_hat = pb.add_column::<f64, _>(1.0, ..);
        pb.add_row(1.0..=1.0, (0..n).filter(|&t| fixed[t].is_none()).map(|t| (y[t], 1.0)));
        for c in panels {
            pb.add_row(..=0.0, panel_row(inst, c, &y, y_hat));
        }
        let mut model = pb.optimise(Sense::Minimise);
        model.make_quiet();
        model.set_option("threads", 1);
        // Each solve after the first starts from the last basis.
        model.set_option("presolve", "off");
        Stage { model: Some(model), y, y_hat }
    }

    fn add_panel(&mut self, inst: &Instance, c: &Counts) {
        let row = panel_row(inst, c, &self.y, self.y_hat);
        self.model.as_mut().expect("a model between solves").add_row(..=0.0, row);
    }

    /// `(y, ŷ, objective)`.
    fn solve(&mut self) -> (Vec<f64>, f64, f64) {
        let solved = self.model.take().expect("a model between solves").solve();
        assert_eq!(solved.status(), HighsModelStatus::Optimal, "the stage LP is bounded and feasible");
        let x = solved.get_solution().columns().to_vec();
        let value = solved.objective_value();
        self.model = Some(highs::Model::from(solved));
        let n = self.y.len();
        (x[..n].to_vec(), x[n], value)
    }
}

fn panel_row(inst: &Instance, c: &Counts, y: &[highs::Col], y_hat: highs::Col) -> Vec<(highs::Col, f64)> {
    (0..y.len())
        .filter(|&t| c[t] > 0)
        .map(|t| (y[t], f64::from(c[t]) / f64::from(inst.type_size(t))))
        .chain([(y_hat, -1.0)])
        .collect()
}

/// Weights on `panels` (summing to 1) that give every type at least `f`,
/// as nearly as the LP allows.
fn solve_primal(inst: &Instance, panels: &[Counts], f: &[f64]) -> Vec<f64> {
    let n = inst.type_count();
    let mut pb = RowProblem::default();
    let lambda: Vec<_> = panels.iter().map(|_| pb.add_column(0.0, 0.0..)).collect();
    let short = pb.add_column(1.0, 0.0..);
    pb.add_row(1.0..=1.0, lambda.iter().map(|&l| (l, 1.0)));
    for t in 0..n {
        let row: Vec<_> = panels
            .iter()
            .zip(&lambda)
            .filter(|(c, _)| c[t] > 0)
            .map(|(c, &l)| (l, f64::from(c[t]) / f64::from(inst.type_size(t))))
            .chain([(short, 1.0)])
            .collect();
        pb.add_row(f[t].., row);
    }
    let mut model = pb.optimise(Sense::Minimise);
    model.make_quiet();
    model.set_option("threads", 1);
    let solved = model.solve();
    assert_eq!(solved.status(), HighsModelStatus::Optimal, "the final LP is feasible");
    let x = solved.get_solution().columns().to_vec();
    x[..panels.len()].iter().map(|&w| w.max(0.0)).collect()
}
