//! Gesprekstafels: rounds of conversation tables, each table's verdict on the
//! plans it discussed, and the combination into one ranking and a funded
//! package. The combination (`combine`) is pure and exact.
//!
//! Combination rule (shown in the app and the report): every participant
//! weighs the same. A table with n participants hands out n shares over the
//! plans it discussed, in proportion to its verdict (points as given; a
//! ranking of k plans as k, k-1, ..., 1; support 2, support with conditions
//! 1, no support 0). A plan's score is the sum of its shares over all tables
//! and rounds. Plans dropped between rounds, and plans with no share at all,
//! are not funded; the rest are funded greedily by score within the budget,
//! ties broken by the selection's tie-breaking order.

use std::collections::BTreeMap;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::i18n::Lang;
use crate::problem::{Failure, Problem};
use crate::rules::{self, Election, GreedyMode, Project, TieBreak};
use crate::selection::Method;
use crate::storage::store::{Store, StoreError};

pub mod event;
pub mod store;
pub use event::TablesEvent;

fn p(code: &str) -> Problem {
    Problem::new(code)
}

/// How tables give their verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VerdictFormat {
    /// Each participant distributes `per_participant` points; the sheet holds the table's totals.
    Points { per_participant: u32 },
    /// The table ranks the plans it discussed, 1 = best.
    Ranking,
    /// Per plan: 2 support, 1 support with conditions (written down), 0 no support.
    Support,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TableSettings {
    pub format: VerdictFormat,
    pub min_participants: u32,
    pub max_participants: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TableInput {
    #[ts(type = "number")]
    pub round: u32,
    pub name: String,
    pub facilitator: String,
    pub location: String,
    /// Codes of the plans this table discusses; empty means all plans still in.
    pub plans: Vec<String>,
}

/// What a facilitator (or a volunteer from the sheet) enters for a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VerdictInput {
    #[ts(type = "number")]
    pub participants: u32,
    /// Per discussed plan: points total, rank, or support level.
    pub values: Vec<(String, u32)>,
    /// Conditions for "support with conditions".
    pub conditions: Vec<(String, String)>,
    pub notes: String,
    /// Optional, points format only: one anonymous row per participant with
    /// their own points. With rows from every table, the package is also
    /// computed with the Method of Equal Shares over the participants.
    #[serde(default)]
    pub rows: Vec<Vec<(String, u32)>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TableView {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub round: u32,
    pub name: String,
    pub facilitator: String,
    pub location: String,
    pub plans: Vec<String>,
    pub verdict: Option<VerdictInput>,
    pub entered_by: Option<String>,
    pub qr: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RankedPlan {
    pub code: String,
    pub title: String,
    #[ts(type = "number")]
    pub cost_cents: i64,
    /// Exact score as a fraction, and rounded for the eye.
    pub score: String,
    pub score_text: String,
    pub dropped: bool,
    /// In rank order, the plan still fits in what is left of the budget.
    pub fits: bool,
    pub funded: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RoundView {
    #[ts(type = "number")]
    pub round: u32,
    pub tables: Vec<String>,
    pub missing: Vec<String>,
    pub dropped: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TablesOverview {
    pub rounds: Vec<RoundView>,
    pub ranking: Vec<RankedPlan>,
    #[ts(type = "number")]
    pub budget_cents: i64,
    #[ts(type = "number")]
    pub funded_cost_cents: i64,
    pub explanation: Vec<String>,
    pub ties: Vec<String>,
    #[ts(type = "number")]
    pub participants: u64,
    /// The Method of Equal Shares over the participants' own rows, when every
    /// entered table has them (points format); shown beside greedy.
    pub mes_funded: Option<Vec<String>>,
}

/// The funded package from the combined scores: greedy by score within the
/// budget over the plans still in with a positive score. Pure.
pub fn package(
    budget_cents: i64,
    plans: &[(String, i64)],
    scores: &BTreeMap<String, BigRational>,
    dropped: &[String],
    tb: &TieBreak,
) -> (Election, rules::Outcome) {
    let eligible: Vec<&(String, i64)> =
        plans.iter().filter(|(c, _)| !dropped.contains(c) && scores.get(c).is_some_and(|s| !s.is_zero())).collect();
    let e = Election {
        budget: budget_cents,
        projects: eligible.iter().map(|(c, cost)| Project { id: c.clone(), cost: *cost }).collect(),
        ballots: vec![],
        unit_scale: 100,
    };
    let rank = tb.rank(&e);
    let sc: Vec<Option<BigRational>> = eligible.iter().map(|(c, _)| Some(scores[c].clone())).collect();
    let outcome = rules::greedy(&e, &sc, &rank, tb, GreedyMode::Skip, &[]);
    (e, outcome)
}

/// The Method of Equal Shares (points satisfaction) over the participants'
/// rows of all tables, plans dropped left out. `None` unless every table has rows.
pub fn mes_over_rows(
    budget_cents: i64,
    plans: &[(String, i64)],
    verdicts: &[&VerdictInput],
    dropped: &[String],
    tb: &TieBreak,
) -> Option<Vec<String>> {
    if verdicts.is_empty() || verdicts.iter().any(|v| v.rows.is_empty()) {
        return None;
    }
    let kept: Vec<&(String, i64)> = plans.iter().filter(|(c, _)| !dropped.contains(c)).collect();
    let index: BTreeMap<&str, u32> = kept.iter().enumerate().map(|(i, (c, _))| (c.as_str(), i as u32)).collect();
    let mut merged: BTreeMap<Vec<(u32, u64)>, u64> = BTreeMap::new();
    for v in verdicts {
        for row in &v.rows {
            let mut items: Vec<(u32, u64)> = row
                .iter()
                .filter(|(_, x)| *x > 0)
                .filter_map(|(c, x)| index.get(c.as_str()).map(|&i| (i, *x as u64)))
                .collect();
            items.sort();
            if !items.is_empty() {
                *merged.entry(items).or_default() += 1;
            }
        }
    }
    let e = Election {
        budget: budget_cents,
        projects: kept.iter().map(|(c, cost)| Project { id: c.clone(), cost: *cost }).collect(),
        ballots: merged.into_iter().map(|(items, weight)| rules::Ballot { weight, items }).collect(),
        unit_scale: 100,
    };
    let out = rules::mes(&e, rules::Satisfaction::Points, &tb.rank(&e), tb);
    let mut ids: Vec<String> = out.ids(&e).into_iter().map(String::from).collect();
    ids.sort();
    Some(ids)
}

/// One entered table for the combination: participants and its verdict.
pub struct Entered<'a> {
    pub participants: u32,
    pub values: &'a [(String, u32)],
}

/// The combination rule (see the module comment). Exact.
pub fn combine(format: &VerdictFormat, tables: &[Entered<'_>]) -> BTreeMap<String, BigRational> {
    let mut score: BTreeMap<String, BigRational> = BTreeMap::new();
    for t in tables {
        let k = t.values.len() as u64;
        let weights: Vec<(&str, u64)> = t
            .values
            .iter()
            .map(|(c, v)| {
                let w = match format {
                    VerdictFormat::Points { .. } | VerdictFormat::Support => *v as u64,
                    VerdictFormat::Ranking => (k + 1).saturating_sub(*v as u64),
                };
                (c.as_str(), w)
            })
            .collect();
        let total: u64 = weights.iter().map(|(_, w)| w).sum();
        for (c, w) in weights {
            let e = score.entry(c.to_string()).or_insert_with(BigRational::zero);
            if total > 0 {
                *e += BigRational::new(BigInt::from(t.participants as u64 * w), BigInt::from(total));
            }
        }
    }
    score
}

/// The sheet's QR text: `WST1:<selection>:<table id>:<check>`.
pub fn table_payload(selection_id: i64, table_id: i64) -> String {
    let body = format!("WST1:{selection_id}:{table_id}");
    format!("{body}:{}", hex::encode_upper(&Sha256::digest(body.as_bytes())[..2]))
}

pub fn parse_table_scan(text: &str) -> Option<(i64, i64)> {
    let up = text.trim().to_ascii_uppercase();
    let parts: Vec<&str> = up.split(':').collect();
    if parts.len() != 4 || parts[0] != "WST1" {
        return None;
    }
    let body = parts[..3].join(":");
    (hex::encode_upper(&Sha256::digest(body.as_bytes())[..2]) == parts[3]).then_some(())?;
    Some((parts[1].parse().ok()?, parts[2].parse().ok()?))
}

pub fn parse_threshold(text: &str) -> Option<BigRational> {
    let t = text.trim().replace(',', ".");
    let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
    if int.is_empty() && frac.is_empty() || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let digits: BigInt = format!("{int}{frac}").parse().ok()?;
    Some(BigRational::new(digits, BigInt::from(10u32).pow(frac.len() as u32)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    fn v(pairs: &[(&str, u32)]) -> Vec<(String, u32)> {
        pairs.iter().map(|(c, x)| (c.to_string(), *x)).collect()
    }

    #[test]
    fn every_participant_weighs_the_same_across_uneven_tables() {
        // Table 1: 4 people, 10 points each = 40: A 30, B 10. Table 2: 8 people: A 0, B 80.
        let t1 = v(&[("A", 30), ("B", 10)]);
        let t2 = v(&[("A", 0), ("B", 80)]);
        let s = combine(
            &VerdictFormat::Points { per_participant: 10 },
            &[Entered { participants: 4, values: &t1 }, Entered { participants: 8, values: &t2 }],
        );
        assert_eq!(s["A"], r(3, 1)); // 4 * 30/40
        assert_eq!(s["B"], r(9, 1)); // 4 * 10/40 + 8 * 80/80
        assert_eq!(&s["A"] + &s["B"], r(12, 1), "12 participants, 12 shares");
    }

    #[test]
    fn a_table_that_discussed_some_plans_shares_only_among_those() {
        // Ranking of 3 plans by 6 people: weights 3,2,1 of 6. A table of 5 ranks only C and D.
        let t1 = v(&[("A", 1), ("B", 2), ("C", 3)]);
        let t2 = v(&[("D", 1), ("C", 2)]);
        let s = combine(
            &VerdictFormat::Ranking,
            &[Entered { participants: 6, values: &t1 }, Entered { participants: 5, values: &t2 }],
        );
        assert_eq!(s["A"], r(3, 1));
        assert_eq!(s["B"], r(2, 1));
        assert_eq!(s["C"], r(1, 1) + r(5, 3));
        assert_eq!(s["D"], r(10, 3));
        assert!(!s.contains_key("E"));
    }

    #[test]
    fn support_levels_and_a_table_that_supports_nothing() {
        let t1 = v(&[("A", 2), ("B", 1), ("C", 0)]);
        let t2 = v(&[("A", 0), ("B", 0)]);
        let s = combine(
            &VerdictFormat::Support,
            &[Entered { participants: 6, values: &t1 }, Entered { participants: 4, values: &t2 }],
        );
        assert_eq!((s["A"].clone(), s["B"].clone(), s["C"].clone()), (r(4, 1), r(2, 1), r(0, 1)));
    }

    #[test]
    fn sheet_qr_is_checked() {
        let q = table_payload(2, 17);
        assert_eq!(parse_table_scan(&q.to_lowercase()), Some((2, 17)));
        assert_eq!(parse_table_scan(&q.replace("17", "18")), None);
        assert_eq!(parse_threshold("1,5"), Some(r(3, 2)));
        assert_eq!(parse_threshold("x"), None);
    }
}
