//! Panels that meet the quotas: the integer program that finds the best one
//! for given weights (HiGHS), the exact check of a panel, and what to relax
//! when no panel meets the quotas.

#[cfg(feature = "solver")]
use highs::{HighsModelStatus, RowProblem, Sense};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::pool::{Pool, Quotas, Types};
use crate::Finding;

/// A checked draw: the quotas, the respondents grouped into types, the size.
#[derive(Debug, Clone)]
pub struct Instance {
    pub quotas: Quotas,
    pub pool: Pool,
    pub types: Types,
    pub size: u32,
    /// Per respondent: its type.
    pub type_of: Vec<usize>,
}

/// A panel at the level of types: how many of each type sit on it.
pub type Counts = Vec<u32>;

impl Instance {
    pub fn new(quotas: Quotas, pool: Pool, size: u32) -> Result<Instance, Finding> {
        if size > 0 && (pool.len() as u64) < u64::from(size) {
            return Err(Finding::new("draw.pool_too_small").with("respondents", pool.len()).with("size", size));
        }
        quotas.check_size(size)?;
        let types = pool.types();
        let mut type_of = vec![0; pool.len()];
        for (t, members) in types.members.iter().enumerate() {
            for &i in members {
                type_of[i] = t;
            }
        }
        Ok(Instance { quotas, pool, types, size, type_of })
    }

    /// The two files' texts read and checked in one go: the quotas, the
    /// respondents against them, and the size.
    pub fn from_csv(quotas_csv: &str, pool_csv: &str, size: u32) -> Result<Instance, Finding> {
        let quotas = Quotas::parse(quotas_csv)?;
        let pool = Pool::parse(pool_csv, &quotas)?;
        Instance::new(quotas, pool, size)
    }

    pub fn type_count(&self) -> usize {
        self.types.members.len()
    }

    /// Respondents of type `t`.
    pub fn type_size(&self, t: usize) -> u32 {
        self.types.members[t].len() as u32
    }

    /// Does this set of respondents (indices) meet the size and every quota?
    /// Integers only: this is the check that decides, not the solver.
    pub fn meets_quotas(&self, members: &[usize]) -> bool {
        let mut sorted = members.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != members.len() || sorted.len() as u64 != u64::from(self.size) {
            return false;
        }
        if sorted.iter().any(|&i| i >= self.pool.len()) {
            return false;
        }
        self.quotas.features.iter().enumerate().all(|(f, feature)| {
            feature.values.iter().enumerate().all(|(v, q)| {
                let n = members.iter().filter(|&&i| self.pool.traits[i][f] == v).count() as u64;
                u64::from(q.min) <= n && n <= u64::from(q.max)
            })
        })
    }

    /// The same check for a panel given as counts per type.
    pub fn counts_meet_quotas(&self, counts: &[u32]) -> bool {
        if counts.len() != self.type_count()
            || counts.iter().enumerate().any(|(t, &c)| c > self.type_size(t))
            || counts.iter().map(|&c| u64::from(c)).sum::<u64>() != u64::from(self.size)
        {
            return false;
        }
        self.quotas.features.iter().enumerate().all(|(f, feature)| {
            feature.values.iter().enumerate().all(|(v, q)| {
                let n: u64 =
                    (0..counts.len()).filter(|&t| self.types.traits[t][f] == v).map(|t| u64::from(counts[t])).sum();
                u64::from(q.min) <= n && n <= u64::from(q.max)
            })
        })
    }

    /// Per type: its respondents in the order seats go round them — by
    /// SHA-256 of the pool's codes and features (sorted) together with each
    /// code, so the order follows from the pool's content, not from who is
    /// listed first in the file.
    pub fn rotation_order(&self) -> Vec<Vec<usize>> {
        let mut rows: Vec<(&String, &Vec<usize>)> = self.pool.codes.iter().zip(&self.pool.traits).collect();
        rows.sort();
        let mut pool_hash = Sha256::new();
        for (code, traits) in rows {
            pool_hash.update(code.as_bytes());
            for t in traits {
                pool_hash.update(t.to_le_bytes());
            }
            pool_hash.update(b"\n");
        }
        let salt = pool_hash.finalize();
        let key = |i: usize| Sha256::new().chain_update(salt).chain_update(self.pool.codes[i].as_bytes()).finalize();
        self.types
            .members
            .iter()
            .map(|members| {
                let mut m = members.clone();
                m.sort_by_cached_key(|&i| (key(i), i));
                m
            })
            .collect()
    }

    /// Respondents' indices for counts per type: the next ones of each type
    /// in `order` from `offset[t]`, wrapping round.
    pub fn members_for(&self, counts: &[u32], order: &[Vec<usize>], offset: &mut [usize]) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.size as usize);
        for (t, &c) in counts.iter().enumerate() {
            let members = &order[t];
            for _ in 0..c {
                out.push(members[offset[t] % members.len()]);
                offset[t] = (offset[t] + 1) % members.len();
            }
        }
        out.sort_unstable();
        out
    }
}

/// The solver's side of an instance (HiGHS; the `solver` feature).
#[cfg(feature = "solver")]
impl Instance {
    /// The panel (as counts per type) that maximises `Σ weight[t]·count[t]`,
    /// or `None` when no panel meets the quotas.
    pub fn best_panel(&self, weight: &[f64]) -> Option<Counts> {
        match self.best_panel_above(weight, f64::NEG_INFINITY) {
            Priced::Panel(c) => Some(c),
            Priced::NoneAbove | Priced::Failed => None,
        }
    }

    /// The best panel for `weight` when its value is above `above`, or word
    /// that no panel's is: the program prunes what cannot beat `above`.
    pub fn best_panel_above(&self, weight: &[f64], above: f64) -> Priced {
        let mut pb = RowProblem::default();
        // Minimised, negated: HiGHS' cutoff (`objective_bound`) is then an
        // upper limit on the objective.
        let cols: Vec<_> = (0..self.type_count())
            .map(|t| pb.add_integer_column(-weight[t], 0.0..=f64::from(self.type_size(t))))
            .collect();
        pb.add_row(f64::from(self.size)..=f64::from(self.size), cols.iter().map(|&c| (c, 1.0)));
        for (f, feature) in self.quotas.features.iter().enumerate() {
            for (v, q) in feature.values.iter().enumerate() {
                let row: Vec<_> =
                    (0..self.type_count()).filter(|&t| self.types.traits[t][f] == v).map(|t| (cols[t], 1.0)).collect();
                pb.add_row(f64::from(q.min)..=f64::from(q.max), row);
            }
        }
        let mut model = pb.optimise(Sense::Minimise);
        model.make_quiet();
        if above.is_finite() {
            model.set_option("objective_bound", -above);
        }
        // The pricing step of the column generation needs the true optimum.
        model.set_option("mip_rel_gap", 0.0);
        model.set_option("mip_abs_gap", 1e-10);
        model.set_option("presolve", "off");
        // These programs are small and many (one per column): the primal
        // heuristics and reliable pseudo-costs cost more than they save here
        // (on the benchmark's 40 of 1,000 the programs took 19 s with them
        // and under 5 s without). The optimum is still proven.
        model.set_option("mip_heuristic_effort", 0.0);
        for heuristic in ["feasibility_jump", "root_reduced_cost", "rins", "rens", "zi_round", "shifting"] {
            model.set_option(format!("mip_heuristic_run_{heuristic}"), false);
        }
        model.set_option("mip_pscost_minreliable", 0);
        model.set_option("threads", 1);
        let solved = model.solve();
        match solved.status() {
            HighsModelStatus::Optimal => {}
            HighsModelStatus::ObjectiveBound | HighsModelStatus::Infeasible if above.is_finite() => {
                return Priced::NoneAbove
            }
            _ => return Priced::Failed,
        }
        let counts: Counts = solved.get_solution().columns().iter().map(|&x| x.round().max(0.0) as u32).collect();
        // The solver's answer is taken only once the integers check out.
        if self.counts_meet_quotas(&counts) {
            Priced::Panel(counts)
        } else {
            Priced::Failed
        }
    }
}

/// What pricing found: the best panel, or that none is above the bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Priced {
    Panel(Counts),
    NoneAbove,
    /// The solver gave no usable answer.
    Failed,
}

/// One quota to relax so that a panel exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relaxation {
    pub feature: String,
    pub value: String,
    pub min: u32,
    pub max: u32,
    pub new_min: u32,
    pub new_max: u32,
}

/// No panel meets the quotas: the smallest change that makes one exist
/// (fewest seats moved over all quotas together).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Infeasible {
    pub relax: Vec<Relaxation>,
}

/// `Ok` when some panel meets the quotas; otherwise the smallest relaxation.
#[cfg(feature = "solver")]
pub fn feasibility(inst: &Instance) -> Result<(), Infeasible> {
    if inst.best_panel(&vec![0.0; inst.type_count()]).is_some() {
        return Ok(());
    }
    // The same program with slack on every quota, minimising the total slack.
    let mut pb = RowProblem::default();
    let cols: Vec<_> =
        (0..inst.type_count()).map(|t| pb.add_integer_column(0.0, 0.0..=f64::from(inst.type_size(t)))).collect();
    pb.add_row(f64::from(inst.size)..=f64::from(inst.size), cols.iter().map(|&c| (c, 1.0)));
    let mut slacks = Vec::new();
    for (f, feature) in inst.quotas.features.iter().enumerate() {
        for (v, q) in feature.values.iter().enumerate() {
            let below = pb.add_integer_column(1.0, 0.0..=f64::from(q.min));
            let above = pb.add_integer_column(1.0, 0.0..=f64::from(inst.size));
            let members: Vec<_> = (0..inst.type_count()).filter(|&t| inst.types.traits[t][f] == v).collect();
            // count + below ≥ min, count − above ≤ max
            pb.add_row(f64::from(q.min).., members.iter().map(|&t| (cols[t], 1.0)).chain([(below, 1.0)]));
            pb.add_row(..=f64::from(q.max), members.iter().map(|&t| (cols[t], 1.0)).chain([(above, -1.0)]));
            slacks.push((f, v, below.index(), above.index()));
        }
    }
    let mut model = pb.optimise(Sense::Minimise);
    model.make_quiet();
    model.set_option("threads", 1);
    let solved = model.solve();
    let x = solved.get_solution().columns().to_vec();
    let mut relax = Vec::new();
    for (f, v, below, above) in slacks {
        let (b, a) = (x[below].round() as u32, x[above].round() as u32);
        if b > 0 || a > 0 {
            let feature = &inst.quotas.features[f];
            let q = &feature.values[v];
            relax.push(Relaxation {
                feature: feature.name.clone(),
                value: q.value.clone(),
                min: q.min,
                max: q.max,
                new_min: q.min - b,
                new_max: q.max + a,
            });
        }
    }
    Err(Infeasible { relax })
}
