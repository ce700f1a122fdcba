//! Tie-breaking, explicit and recorded. Every method resolves to one total
//! order of the plans (`rank`); a tie goes to the plan ranked first.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Election;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum TieBreak {
    /// Plan id compared as a string, first wins (pabutools' default).
    Lexicographic,
    /// A public lottery: plans ordered by SHA-256 of `seed:id`. The seed is
    /// typed in at the session (e.g. dice thrown in public), so anyone can
    /// recompute the order.
    Lottery { seed: String },
    /// Lower cost first, then more supporters, then id (pabulib-checker's
    /// MES tie-breaking for cities' equal-shares procedures).
    CostThenVotes,
    /// The order of the plans as given (a file's order; cities' greedy sorts are stable).
    Given,
}

impl TieBreak {
    /// `rank[p]`: position of plan `p` in the tie-breaking order (0 wins).
    pub fn rank(&self, e: &Election) -> Vec<usize> {
        let n = e.projects.len();
        let mut order: Vec<usize> = (0..n).collect();
        match self {
            TieBreak::Lexicographic => order.sort_by(|&a, &b| e.projects[a].id.cmp(&e.projects[b].id)),
            TieBreak::Lottery { seed } => {
                let key = |p: usize| Sha256::digest(format!("{seed}:{}", e.projects[p].id).as_bytes());
                order.sort_by_cached_key(|&p| (key(p), e.projects[p].id.clone()));
            }
            TieBreak::CostThenVotes => {
                let votes = e.approvals();
                order.sort_by(|&a, &b| {
                    e.projects[a]
                        .cost
                        .cmp(&e.projects[b].cost)
                        .then(votes[b].cmp(&votes[a]))
                        .then(e.projects[a].id.cmp(&e.projects[b].id))
                })
            }
            TieBreak::Given => {}
        }
        let mut rank = vec![0; n];
        for (pos, &p) in order.iter().enumerate() {
            rank[p] = pos;
        }
        rank
    }
}
