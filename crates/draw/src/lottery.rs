//! From a distribution to a uniform lottery over `m` numbered panels
//! (Flanigan, Kehne and Procaccia, "Fair sortition made transparent", 2021).
//!
//! Each panel `c` of the distribution gets `N_c` tickets, `N_c` the floor or
//! the ceiling of `m·λ_c`, `Σ N_c = m`, chosen by an integer program that
//! makes the largest change of any type's probability as small as it can.
//! Such a choice with a change below `(k+1)/m` exists (Beck and Fiala's
//! rounding: each panel's column has `k` seats plus the one of `Σ N_c = m`),
//! so the program's optimum is at least that good. The program first runs
//! with a fixed amount of work (HiGHS on one thread, 20 nodes: the same
//! table on any machine), and the plain largest-remainder rounding is kept
//! when that is closer; only when neither is within the bound below does
//! the program run to its optimum. Within a type, the tickets' seats go
//! round the type's respondents in the pool's order, so each gets the floor
//! or the ceiling of the type's share: at most `1/m` more.
//!
//! The bound this module promises, and its tests check: every respondent's
//! lottery probability (tickets / m) is within `(k+2)/m` of the leximin one.

#[cfg(feature = "solver")]
use highs::{HighsSolutionStatus, RowProblem, Sense};
use serde::Serialize;

#[cfg(feature = "solver")]
use crate::leximin::Distribution;
use crate::panels::Instance;

/// `m` numbered panels; the number drawn in public picks one.
#[derive(Debug, Clone, Serialize)]
pub struct Lottery {
    /// Panel `j` (number `j`): its respondents' indices, ascending.
    pub panels: Vec<Vec<usize>>,
    /// Per respondent: how many of the `m` panels seat them.
    pub tickets: Vec<u32>,
    /// The largest `|tickets/m − leximin probability|` over respondents.
    pub max_deviation: f64,
}

impl Lottery {
    pub fn size(&self) -> usize {
        self.panels.len()
    }

    /// Each respondent's probability in the lottery: `tickets / m`.
    pub fn probability(&self, i: usize) -> f64 {
        f64::from(self.tickets[i]) / self.panels.len() as f64
    }

    /// The promise of this module: `(k+2)/m`.
    pub fn bound(inst: &Instance, m: usize) -> f64 {
        (f64::from(inst.size) + 2.0) / m as f64
    }

    /// Every panel meets the quotas, and the tickets are counted right.
    pub fn check(&self, inst: &Instance) -> Result<(), String> {
        let mut tickets = vec![0u32; inst.pool.len()];
        for (j, p) in self.panels.iter().enumerate() {
            if !inst.meets_quotas(p) {
                return Err(format!("panel {j} does not meet the quotas"));
            }
            for &i in p {
                tickets[i] += 1;
            }
        }
        if tickets != self.tickets {
            return Err("tickets differ from the panels".into());
        }
        Ok(())
    }
}

/// Round `d` to a uniform lottery over `m` panels.
#[cfg(feature = "solver")]
pub fn round_to_lottery(inst: &Instance, d: &Distribution, m: usize) -> Lottery {
    let n = inst.type_count();
    let mf = m as f64;
    let mut pb = RowProblem::default();
    let counts: Vec<_> = d
        .weights
        .iter()
        .map(|&w| {
            let x = w * mf;
            pb.add_integer_column(0.0, x.floor()..=x.ceil())
        })
        .collect();
    let dev = pb.add_column(1.0, 0.0..);
    pb.add_row(mf..=mf, counts.iter().map(|&c| (c, 1.0)));
    for t in 0..n {
        let s = f64::from(inst.type_size(t));
        let target = mf * s * d.type_probability[t];
        let seats: Vec<_> =
            d.panels.iter().zip(&counts).filter(|(p, _)| p[t] > 0).map(|(p, &c)| (c, f64::from(p[t]))).collect();
        // |seats − target| ≤ s·dev
        pb.add_row(..=target, seats.iter().copied().chain([(dev, -s)]));
        pb.add_row(target.., seats.iter().copied().chain([(dev, s)]));
    }
    // The program's best integer point within `nodes` (it may stop before
    // proving that point optimal).
    let solve = |nodes: Option<i32>| -> Option<Vec<usize>> {
        let mut model = pb.clone().optimise(Sense::Minimise);
        model.make_quiet();
        model.set_option("threads", 1);
        model.set_option("mip_rel_gap", 1e-3);
        // A limit on work, not on time: the same inputs give the same table
        // on any machine (HiGHS on one thread is deterministic).
        if let Some(nodes) = nodes {
            model.set_option("mip_max_nodes", nodes);
        }
        model.set_option("mip_heuristic_run_feasibility_jump", false);
        let solved = model.solve();
        let x = solved.get_solution().columns().to_vec();
        (solved.primal_solution_status() == HighsSolutionStatus::Feasible && x.len() > counts.len())
            .then(|| x[..counts.len()].iter().map(|v| v.round().max(0.0) as usize).collect::<Vec<_>>())
            .filter(|n_c| n_c.iter().sum::<usize>() == m)
    };
    let closer = |a: Lottery, b: Option<Lottery>| match b {
        Some(b) if b.max_deviation <= a.max_deviation => b,
        _ => a,
    };
    let plain = assign(inst, d, &largest_remainders(&d.weights, m), m);
    let quick = closer(plain, solve(Some(20)).map(|n_c| assign(inst, d, &n_c, m)));
    if quick.max_deviation <= Lottery::bound(inst, m) {
        return quick;
    }
    // The caller checks the bound again.
    closer(quick, solve(None).map(|n_c| assign(inst, d, &n_c, m)))
}

/// Number the panels: `n_c[c]` copies of panel `c`, in order; the seats of a
/// type go round its respondents, in an order fixed by the pool's content
/// (a hash of the pool and each code), not by the file's order, so that
/// being listed first gives no extra ticket.
#[cfg(feature = "solver")]
fn assign(inst: &Instance, d: &Distribution, n_c: &[usize], m: usize) -> Lottery {
    let mf = m as f64;
    let order = inst.rotation_order();
    let mut offset = vec![0usize; inst.type_count()];
    let mut panels = Vec::with_capacity(m);
    for (c, &k) in n_c.iter().enumerate() {
        for _ in 0..k {
            panels.push(inst.members_for(&d.panels[c], &order, &mut offset));
        }
    }
    let mut tickets = vec![0u32; inst.pool.len()];
    for p in &panels {
        for &i in p {
            tickets[i] += 1;
        }
    }
    let max_deviation =
        (0..inst.pool.len()).map(|i| (f64::from(tickets[i]) / mf - d.probabilities[i]).abs()).fold(0.0, f64::max);
    Lottery { panels, tickets, max_deviation }
}

/// Floors, then one more for the largest remainders until the sum is `m`.
#[cfg(feature = "solver")]
fn largest_remainders(weights: &[f64], m: usize) -> Vec<usize> {
    let mut n: Vec<usize> = weights.iter().map(|w| (w * m as f64).floor() as usize).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = weights[a] * m as f64 - n[a] as f64;
        let rb = weights[b] * m as f64 - n[b] as f64;
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let mut left = m.saturating_sub(n.iter().sum());
    for &c in order.iter().cycle().take(left.max(1) * weights.len().max(1)) {
        if left == 0 {
            break;
        }
        n[c] += 1;
        left -= 1;
    }
    n
}
