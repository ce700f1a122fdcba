//! Greedy by score: plans in order of score (ties by the tie-breaking order),
//! each funded if it still fits.

use num_rational::BigRational;

use super::{decimal, Election, GreedyDecision, Outcome, Step, Tie, TieAt, TieBreak};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GreedyMode {
    /// Skip plans that no longer fit (pabulib `greedy`).
    Skip,
    /// Stop at the first plan that does not fit (pabulib `greedy-no-skip`).
    /// A cost of 999,999,999 currency units marks a withdrawn plan, passed over.
    NoSkip,
    /// Only plans scoring at least this much (pabulib `greedy-threshold`).
    Threshold(BigRational),
}

/// Marks a withdrawn plan in pabulib files, in currency units.
pub const WITHDRAWN_COST: i64 = 999_999_999;

/// `scores[p]`: `None` means infinitely good (a supported plan that costs nothing).
/// `already`: plans funded before greedy starts (e.g. by MES); they are kept.
pub fn greedy(
    e: &Election,
    scores: &[Option<BigRational>],
    rank: &[usize],
    tb: &TieBreak,
    mode: GreedyMode,
    already: &[usize],
) -> Outcome {
    let mut order: Vec<usize> = (0..e.projects.len()).filter(|p| !already.contains(p)).collect();
    // Higher score first; None (infinite) before everything; ties by rank.
    order.sort_by(|&a, &b| {
        let by_score = match (&scores[a], &scores[b]) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => y.cmp(x),
        };
        by_score.then(rank[a].cmp(&rank[b]))
    });

    let mut ties = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && scores[order[j]] == scores[order[i]] {
            j += 1;
        }
        if j - i > 1 {
            ties.push(Tie {
                at: TieAt::GreedyScore { score: score_text(&scores[order[i]]) },
                order: order[i..j].iter().map(|&p| e.projects[p].id.clone()).collect(),
                method: tb.clone(),
            });
        }
        i = j;
    }

    let mut selected: Vec<usize> = already.to_vec();
    let mut remaining = e.budget - e.cost_of(already);
    let mut steps = Vec::new();
    let mut stopped = false;
    for &p in &order {
        let cost = e.projects[p].cost;
        let decision = if stopped {
            GreedyDecision::Stopped
        } else if let (GreedyMode::Threshold(min), Some(s)) = (&mode, &scores[p]) {
            if s < min {
                GreedyDecision::BelowThreshold
            } else if cost <= remaining {
                GreedyDecision::Funded
            } else {
                GreedyDecision::DoesNotFit
            }
        } else if mode == GreedyMode::NoSkip && cost == WITHDRAWN_COST * e.unit_scale {
            GreedyDecision::Withdrawn
        } else if cost <= remaining {
            GreedyDecision::Funded
        } else if mode == GreedyMode::NoSkip {
            stopped = true;
            GreedyDecision::Stopped
        } else {
            GreedyDecision::DoesNotFit
        };
        steps.push(Step::Greedy {
            project: e.projects[p].id.clone(),
            score: score_text(&scores[p]),
            cost,
            remaining_before: remaining,
            decision,
        });
        if decision == GreedyDecision::Funded {
            selected.push(p);
            remaining -= cost;
        }
    }
    Outcome { total_cost: e.cost_of(&selected), selected, ties, steps }
}

fn score_text(s: &Option<BigRational>) -> String {
    match s {
        None => "∞".into(),
        Some(r) if r.is_integer() => r.to_integer().to_string(),
        Some(r) => decimal(r, 6),
    }
}
