//! Gelote wijkpanels: members drawn by lot (code and display name), rounds
//! with attendance and a quorum, each present member's vote per round, plan
//! amendments between rounds, and the projector's ranking with the budget
//! line and movement since the previous round. Scores are exact.

use std::collections::BTreeMap;

use num_rational::BigRational;
use num_traits::Zero;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::i18n::Lang;
use crate::problem::{Failure, Problem};
use crate::rules::TieBreak;
use crate::selection::Method;
use crate::storage::store::{Store, StoreError};

pub mod draw;
pub mod event;
pub mod lot;
pub use event::PanelEvent;
pub mod store;
pub mod views;

fn p(code: &str) -> Problem {
    Problem::new(code)
}

/// How members vote in a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RoundFormat {
    /// Up to `per_member` points each, spread over the plans.
    Points { per_member: u32 },
    /// Mark up to `max` plans.
    Approval { max: u32 },
    /// Rank plans 1, 2, 3, … (k plans ranked give k, k−1, …, 1).
    Ranking,
    /// The final round: consent (no objection) on the package of the last
    /// voting round; objections are written down.
    Consent,
}

/// One round as the bundle keeps it: its format and its votes, without
/// who cast them (sorted, so the order says nothing either).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundRecord {
    pub no: u32,
    pub format: RoundFormat,
    pub closed: bool,
    pub present: u32,
    pub quorum_note: Option<String>,
    pub votes: Vec<Vec<(String, u32)>>,
    /// Consent rounds: how many agreed, and the objections written down.
    pub agreed: u32,
    pub objections: Vec<String>,
}

/// An amendment as the moderator's screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AmendmentView {
    #[ts(type = "number")]
    pub after_round: u32,
    pub plan: String,
    pub withdraw: bool,
    pub merge_from: Option<String>,
    #[ts(type = "number | null")]
    pub new_cost_cents: Option<i64>,
    pub reason: String,
}

/// An amendment as the bundle keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendmentRecord {
    pub after_round: u32,
    pub plan: String,
    pub withdraw: bool,
    pub merge_from: Option<String>,
    pub detail: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Member {
    #[ts(type = "number")]
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RoundState {
    #[ts(type = "number")]
    pub no: u32,
    pub format: RoundFormat,
    pub present: Vec<String>,
    /// Member codes who voted, never what they voted.
    pub voted: Vec<String>,
    pub closed: bool,
    pub frozen: bool,
    pub quorum_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PanelState {
    pub members: Vec<Member>,
    #[ts(type = "number")]
    pub quorum: u32,
    pub rounds: Vec<RoundState>,
    pub amendments: Vec<AmendmentView>,
}

/// One line of the projected ranking. No member's vote is in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProjectedPlan {
    pub code: String,
    pub title: String,
    #[ts(type = "number")]
    pub cost_cents: i64,
    pub score_text: String,
    /// Bar length, 0..=1000 of the highest score.
    #[ts(type = "number")]
    pub bar: u32,
    /// Above the budget line: fits in rank order.
    pub fits: bool,
    /// Places gained (+) or lost (−) since the previous round; none in round 1.
    #[ts(type = "number | null")]
    pub moved: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProjectorView {
    pub wijk: String,
    #[ts(type = "number")]
    pub round: u32,
    #[ts(type = "number")]
    pub votes: u32,
    #[ts(type = "number")]
    pub present: u32,
    #[ts(type = "number")]
    pub budget_cents: i64,
    pub plans: Vec<ProjectedPlan>,
    /// Frozen by the moderator: this is the last revealed picture.
    pub frozen: bool,
    /// A consent round: (agreed, objections) so far.
    #[ts(type = "[number, number] | null")]
    pub consent: Option<(u32, u32)>,
    /// Changes with every saved vote, so a screen can tell it is current.
    #[ts(type = "number")]
    pub version: i64,
}

/// The funded package from the last closed round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PanelPackage {
    pub funded: Vec<String>,
    #[ts(type = "number")]
    pub total_cost_cents: i64,
    pub explanation: Vec<String>,
}

/// A round card's QR text: `WSP1:<selection>:<round>:<member>:<check>`.
pub fn card_payload(selection_id: i64, round: u32, member: &str) -> String {
    use sha2::Digest;
    let body = format!("WSP1:{selection_id}:{round}:{}", member.to_uppercase());
    format!("{body}:{}", hex::encode_upper(&sha2::Sha256::digest(body.as_bytes())[..2]))
}

/// `Some((selection, round, member))` for a valid round card scan.
pub fn parse_card(text: &str) -> Option<(i64, u32, String)> {
    let up = text.trim().to_ascii_uppercase();
    let parts: Vec<&str> = up.split(':').collect();
    if parts.len() != 5 || parts[0] != "WSP1" {
        return None;
    }
    let (sel, round): (i64, u32) = (parts[1].parse().ok()?, parts[2].parse().ok()?);
    (card_payload(sel, round, parts[3]) == up).then(|| (sel, round, parts[3].to_string()))
}

/// A round's scores from its votes. Pure.
pub fn scores(format: &RoundFormat, votes: &[Vec<(String, u32)>]) -> BTreeMap<String, BigRational> {
    let mut s: BTreeMap<String, BigRational> = BTreeMap::new();
    for v in votes {
        let k = v.len() as u64;
        for (code, x) in v {
            let w: u64 = match format {
                RoundFormat::Points { .. } => *x as u64,
                RoundFormat::Approval { .. } => u64::from(*x > 0),
                RoundFormat::Ranking => (k + 1).saturating_sub(*x as u64),
                RoundFormat::Consent => 0,
            };
            *s.entry(code.clone()).or_insert_with(BigRational::zero) += BigRational::from_integer(w.into());
        }
    }
    s
}

/// Record that a member voted and put the vote, apart, in the round's box:
/// a random id, no time, no operator, so neither the order of the rows nor
/// anything in them leads back to the member.
fn put_vote(
    c: &crate::storage::store::Change<'_>,
    round_id: i64,
    member_id: i64,
    votes: &str,
) -> Result<(), StoreError> {
    c.tx.execute(
        "INSERT INTO panel_voted (round_id, member_id, operator, at) VALUES (?1, ?2, ?3, ?4)",
        params![round_id, member_id, c.operator, c.at.clone()],
    )
    .map_err(|e| c.err(e))?;
    loop {
        let id: i64 = rand::random_range(1..=9_007_199_254_740_991);
        match c.tx.execute(
            "INSERT OR IGNORE INTO panel_ballot (id, round_id, votes) VALUES (?1, ?2, ?3)",
            params![id, round_id, votes],
        ) {
            Ok(1) => return Ok(()),
            Ok(_) => continue, // that id was taken: draw again
            Err(e) => return Err(c.err(e)),
        }
    }
}
