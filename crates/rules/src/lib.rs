//! The rules that turn votes into a funded package within a budget, and the
//! pabulib `.pb` format they are tested against.
//!
//! Pure and exact: no I/O, no clock, no floats in any decision. Amounts are
//! integers in the election's smallest unit (euro cents for Wijkstem's own
//! selections; for a pabulib file, its currency unit times `unit_scale`).
//! Ratios (MES prices, points per cost) are exact rationals.

pub mod fuzzing;
mod greedy;
mod mes;
pub mod pabulib;
pub mod tiebreak;

use num_rational::BigRational;
use serde::Serialize;

pub use greedy::{greedy, GreedyMode};
pub use mes::{add1_stop_profile, mes, mes_add1, mes_add1_linear, Add1Variant, Satisfaction};
pub use tiebreak::TieBreak;

/// One plan as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub id: String,
    pub cost: i64,
}

/// Identical ballots merged, with how many voters cast them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    pub weight: u64,
    /// (project index, points); approval and ranking ballots carry 1 point per plan.
    pub items: Vec<(u32, u64)>,
}

#[derive(Debug, Clone)]
pub struct Election {
    pub budget: i64,
    pub projects: Vec<Project>,
    pub ballots: Vec<Ballot>,
    /// How many smallest units make one currency unit (1 for whole-unit files, 100 for cents).
    pub unit_scale: i64,
}

impl Election {
    pub fn num_voters(&self) -> u64 {
        self.ballots.iter().map(|b| b.weight).sum()
    }

    /// Number of voters who support each project (listed it with points > 0).
    pub fn approvals(&self) -> Vec<u64> {
        let mut v = vec![0u64; self.projects.len()];
        for b in &self.ballots {
            for &(p, pts) in &b.items {
                if pts > 0 {
                    v[p as usize] += b.weight;
                }
            }
        }
        v
    }

    /// Total points each project received.
    pub fn points(&self) -> Vec<u64> {
        let mut v = vec![0u64; self.projects.len()];
        for b in &self.ballots {
            for &(p, pts) in &b.items {
                v[p as usize] += b.weight * pts;
            }
        }
        v
    }

    pub fn cost_of(&self, set: &[usize]) -> i64 {
        set.iter().map(|&p| self.projects[p].cost).sum()
    }
}

/// What a greedy rule ranks plans by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GreedyScore {
    /// Number of supporters (pabutools `Cost_Sat`).
    Approvals,
    /// Total points (pabutools `Points_Cost_Sat`).
    Points,
    /// Total points per unit of cost (pabutools `Additive_Cardinal_Sat`).
    PointsPerCost,
}

/// A rule with every parameter that changes its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    Greedy { score: GreedyScore },
    GreedyNoSkip { score: GreedyScore },
    GreedyThreshold { score: GreedyScore, min_score: u64 },
    Mes { sat: Satisfaction },
    MesAdd1 { sat: Satisfaction, variant: Add1Variant },
    MesAdd1Greedy { sat: Satisfaction, variant: Add1Variant },
}

impl Rule {
    /// Every name `parse` accepts, for messages that list the choices.
    pub const NAMES: &'static [&'static str] = &[
        "greedy",
        "greedy_cost",
        "greedy_points",
        "greedy_card",
        "greedy-no-skip",
        "greedy_no_skip",
        "mes",
        "mes_cost",
        "mes_card",
        "mes_add1",
        "mes_cost_add1",
        "mes_card_add1",
        "mes_add1_greedy",
        "mes_cost_add1_greedy",
        "mes_card_add1_greedy",
    ];

    /// The names used by the reference outcomes (`expected.json`) and the CLI.
    pub fn parse(name: &str) -> Option<Rule> {
        use Add1Variant::Pabutools as P;
        use Satisfaction::{Cost, Points};
        Some(match name {
            "greedy_cost" | "greedy" => Rule::Greedy { score: GreedyScore::Approvals },
            "greedy_points" => Rule::Greedy { score: GreedyScore::Points },
            "greedy_card" => Rule::Greedy { score: GreedyScore::PointsPerCost },
            "greedy-no-skip" | "greedy_no_skip" => Rule::GreedyNoSkip { score: GreedyScore::Approvals },
            "mes_cost" | "mes" => Rule::Mes { sat: Cost },
            "mes_card" => Rule::Mes { sat: Points },
            "mes_cost_add1" | "mes_add1" => Rule::MesAdd1 { sat: Cost, variant: P },
            "mes_card_add1" => Rule::MesAdd1 { sat: Points, variant: P },
            "mes_cost_add1_greedy" | "mes_add1_greedy" => Rule::MesAdd1Greedy { sat: Cost, variant: P },
            "mes_card_add1_greedy" => Rule::MesAdd1Greedy { sat: Points, variant: P },
            _ => return None,
        })
    }
}

/// How one tie was broken, for the record and the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tie {
    /// Where the tie arose: MES round number, or the greedy score shared.
    pub at: TieAt,
    /// The tied plans, in the order the tie-breaking put them.
    pub order: Vec<String>,
    pub method: TieBreak,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum TieAt {
    MesRound { round: usize },
    GreedyScore { score: String },
}

/// One step of a rule, in words a moderator can read aloud (rendered by `explain`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    /// Greedy looked at a plan.
    Greedy { project: String, score: String, cost: i64, remaining_before: i64, decision: GreedyDecision },
    /// MES funded a plan: each supporter paid at most `price_per_supporter`.
    Mes {
        round: usize,
        project: String,
        supporters: u64,
        price_per_supporter: String,
        affordability: String,
        cost: i64,
        remaining_after: i64,
    },
    /// Plans that cost nothing and have support are funded first.
    Free { project: String },
    /// The add1 completion settled on this budget per voter.
    Add1 { per_voter_budget: String, runs: usize, reason: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GreedyDecision {
    Funded,
    DoesNotFit,
    /// greedy-no-skip stops at the first plan that does not fit.
    Stopped,
    BelowThreshold,
    Withdrawn,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// Project indices in the order they were funded.
    pub selected: Vec<usize>,
    pub total_cost: i64,
    pub ties: Vec<Tie>,
    pub steps: Vec<Step>,
}

impl Outcome {
    pub fn ids<'a>(&self, e: &'a Election) -> Vec<&'a str> {
        self.selected.iter().map(|&p| e.projects[p].id.as_str()).collect()
    }
}

/// Run a rule. Scores for greedy come from the ballots.
pub fn run(e: &Election, rule: &Rule, tb: &TieBreak) -> Outcome {
    let rank = tb.rank(e);
    match rule {
        Rule::Greedy { score } => greedy(e, &greedy_scores(e, *score), &rank, tb, GreedyMode::Skip, &[]),
        Rule::GreedyNoSkip { score } => greedy(e, &greedy_scores(e, *score), &rank, tb, GreedyMode::NoSkip, &[]),
        Rule::GreedyThreshold { score, min_score } => {
            let s = greedy_scores(e, *score);
            greedy(e, &s, &rank, tb, GreedyMode::Threshold(BigRational::from_integer((*min_score).into())), &[])
        }
        Rule::Mes { sat } => mes(e, *sat, &rank, tb),
        Rule::MesAdd1 { sat, variant } => mes_add1(e, *sat, *variant, &rank, tb),
        Rule::MesAdd1Greedy { sat, variant } => {
            let first = mes_add1(e, *sat, *variant, &rank, tb);
            let score = match sat {
                Satisfaction::Cost => GreedyScore::Approvals,
                Satisfaction::Points => GreedyScore::PointsPerCost,
            };
            let rest = greedy(e, &greedy_scores(e, score), &rank, tb, GreedyMode::Skip, &first.selected);
            let mut out = first;
            out.selected = rest.selected;
            out.total_cost = rest.total_cost;
            out.ties.extend(rest.ties);
            out.steps.extend(rest.steps);
            out
        }
    }
}

/// Per-project greedy score. `None` is infinite (supported and free).
pub fn greedy_scores(e: &Election, score: GreedyScore) -> Vec<Option<BigRational>> {
    let approvals = e.approvals();
    let points = e.points();
    e.projects
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (total_sat_positive, value) = match score {
                GreedyScore::Approvals => (approvals[i] > 0, BigRational::from_integer(approvals[i].into())),
                GreedyScore::Points => (points[i] > 0, BigRational::from_integer(points[i].into())),
                GreedyScore::PointsPerCost => {
                    if p.cost > 0 {
                        (points[i] > 0, BigRational::new(points[i].into(), p.cost.into()))
                    } else {
                        (points[i] > 0, BigRational::from_integer(0.into()))
                    }
                }
            };
            // pabutools: density = total satisfaction / cost; a supported free
            // plan has infinite density, an unsupported plan density 0.
            if total_sat_positive && p.cost == 0 {
                None
            } else if !total_sat_positive {
                Some(BigRational::from_integer(0.into()))
            } else {
                Some(value)
            }
        })
        .collect()
}

/// Exact rational as a short decimal for explanations (never used in decisions).
pub fn decimal(r: &BigRational, places: usize) -> String {
    use num_traits::{Signed, Zero};
    let neg = r.is_negative();
    let r = r.abs();
    let scale = num_bigint::BigInt::from(10u32).pow(places as u32);
    let scaled = (r * BigRational::from_integer(scale.clone())).round().to_integer();
    let int = &scaled / &scale;
    let frac = &scaled % &scale;
    let mut s = if neg && !(int.is_zero() && frac.is_zero()) { "-".to_string() } else { String::new() };
    s.push_str(&int.to_string());
    if places > 0 {
        s.push('.');
        s.push_str(&format!("{:0>width$}", frac.to_string(), width = places));
    }
    s
}
