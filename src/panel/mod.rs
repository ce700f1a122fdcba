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
use crate::selection::{Method, Status};
use crate::storage::store::{Store, StoreError};

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
    pub amendments: Vec<String>,
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

impl Store {
    fn panel_selection(&self, id: i64) -> Result<crate::selection::Selection, Failure> {
        let sel = self.get_selection(id)?;
        if sel.method != Method::Panel {
            return Err(p("panel.not_panel").into());
        }
        Ok(sel)
    }

    pub fn add_member(&mut self, operator: &str, selection_id: i64, code: &str, name: &str) -> Result<Member, Failure> {
        self.panel_selection(selection_id)?;
        let code = code.trim().to_uppercase();
        if code.is_empty() || code.len() > 12 {
            return Err(p("panel.bad_member").into());
        }
        let taken: i64 = self
            .conn()
            .query_row(
                "SELECT count(*) FROM panel_member WHERE selection_id = ?1 AND code = ?2",
                params![selection_id, code],
                |r| r.get(0),
            )
            .map_err(|e| self.sql_err(e))?;
        if taken > 0 {
            return Err(p("panel.member_taken").with("member", &code).into());
        }
        let id = self.write(operator, |c| {
            c.tx.execute(
                "INSERT INTO panel_member (selection_id, code, name) VALUES (?1, ?2, ?3)",
                params![selection_id, code, name.trim()],
            )
            .map_err(|e| c.err(e))?;
            let id = c.tx.last_insert_rowid();
            c.audit(
                "panel.member",
                &format!("selection/{selection_id}/member/{code}"),
                None,
                Some(&json!({ "name": name.trim() })),
            )?;
            Ok::<_, StoreError>(id)
        })?;
        Ok(Member { id, code, name: name.trim().to_string() })
    }

    pub fn set_quorum(&mut self, operator: &str, selection_id: i64, quorum: u32) -> Result<(), Failure> {
        self.panel_selection(selection_id)?;
        self.write(operator, |c| {
            c.tx.execute("UPDATE selection SET panel_quorum = ?1 WHERE id = ?2", params![quorum, selection_id])
                .map_err(|e| c.err(e))?;
            c.audit("panel.quorum", &format!("selection/{selection_id}"), None, Some(&json!({ "quorum": quorum })))
        })?;
        Ok(())
    }

    /// Open the next round with its format and who is present.
    pub fn open_round(
        &mut self,
        operator: &str,
        selection_id: i64,
        format: &RoundFormat,
        present: &[String],
    ) -> Result<u32, Failure> {
        let sel = self.panel_selection(selection_id)?;
        if sel.status == Status::Closed {
            return Err(p("paper.count_closed").into());
        }
        let state = self.panel_state(selection_id)?;
        if state.rounds.last().is_some_and(|r| !r.closed) {
            return Err(p("panel.round_open")
                .with("round", state.rounds.last().expect("an open round exists").no)
                .into());
        }
        for code in present {
            if !state.members.iter().any(|m| &m.code == code) {
                return Err(p("panel.unknown_member").with("member", code).into());
            }
        }
        let no = state.rounds.len() as u32 + 1;
        let fmt = serde_json::to_string(format).expect("serialises");
        self.write(operator, |c| {
            // Frozen from the start: see `projector`.
            c.tx.execute("INSERT INTO panel_round (selection_id, no, format, frozen) VALUES (?1, ?2, ?3, 1)", params![selection_id, no, fmt]).map_err(|e| c.err(e))?;
            let rid = c.tx.last_insert_rowid();
            for code in present {
                c.tx.execute(
                    "INSERT INTO panel_attendance (round_id, member_id) SELECT ?1, id FROM panel_member WHERE selection_id = ?2 AND code = ?3",
                    params![rid, selection_id, code],
                )
                .map_err(|e| c.err(e))?;
            }
            c.audit("panel.round_open", &format!("selection/{selection_id}/round/{no}"), None, Some(&json!({ "format": format, "present": present })))
        })?;
        Ok(no)
    }

    fn round_row(&self, selection_id: i64, no: u32) -> Result<(i64, RoundFormat, bool), Failure> {
        let row: Option<(i64, String, String)> = self
            .conn()
            .query_row(
                "SELECT id, format, status FROM panel_round WHERE selection_id = ?1 AND no = ?2",
                params![selection_id, no],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(|e| self.sql_err(e))?;
        let (id, f, status) = row.ok_or_else(|| Failure::from(p("panel.unknown_round").with("round", no)))?;
        Ok((
            id,
            serde_json::from_str(&f).map_err(|e| Failure::from(p("store.sql").with("detail", e)))?,
            status == "closed",
        ))
    }

    /// The member's id, if the member exists and is present in the round.
    fn present_member(&self, selection_id: i64, round_id: i64, round: u32, member: &str) -> Result<i64, Failure> {
        let row: Option<(i64, i64)> = self
            .conn()
            .query_row(
                "SELECT m.id, (SELECT count(*) FROM panel_attendance a WHERE a.round_id = ?1 AND a.member_id = m.id) FROM panel_member m WHERE m.selection_id = ?2 AND m.code = ?3",
                params![round_id, selection_id, member],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.sql_err(e))?;
        match row {
            None => Err(p("panel.unknown_member").with("member", member).into()),
            Some((_, 0)) => Err(p("panel.absent").with("member", member).with("round", round).into()),
            Some((id, _)) => Ok(id),
        }
    }

    /// One member's vote in a round: present, once, within the round's limits.
    pub fn cast_vote(
        &mut self,
        operator: &str,
        selection_id: i64,
        round: u32,
        member: &str,
        votes: &[(String, u32)],
    ) -> Result<(), Failure> {
        let sel = self.panel_selection(selection_id)?;
        if sel.status == Status::Closed {
            return Err(p("paper.count_closed").into());
        }
        let (rid, format, closed) = self.round_row(selection_id, round)?;
        if closed {
            return Err(p("panel.round_closed").with("round", round).into());
        }
        let member = member.trim().to_uppercase();
        let mid = self.present_member(selection_id, rid, round, &member)?;
        let already: Option<String> = self
            .conn()
            .query_row("SELECT at FROM panel_voted WHERE round_id = ?1 AND member_id = ?2", params![rid, mid], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.sql_err(e))?;
        if let Some(at) = already {
            return Err(p("panel.voted_twice").with("member", &member).with("round", round).with("at", at).into());
        }
        let live = self.live_plans(selection_id)?;
        let mut seen = std::collections::BTreeSet::new();
        for (code, _) in votes {
            if !live.iter().any(|(c, _, _)| c == code) {
                return Err(p("panel.plan_not_in").with("code", code).into());
            }
            if !seen.insert(code) {
                return Err(p("ballot.plan_twice").with("code", code).into());
            }
        }
        let marked: Vec<&(String, u32)> = votes.iter().filter(|(_, x)| *x > 0).collect();
        match &format {
            RoundFormat::Points { per_member } => {
                let sum: u32 = marked.iter().map(|(_, x)| *x).sum();
                if sum > *per_member {
                    return Err(p("panel.points_over").with("sum", sum).with("max", per_member).into());
                }
            }
            RoundFormat::Approval { max } => {
                if marked.len() as u32 > *max {
                    return Err(p("panel.approval_over").with("count", marked.len()).with("max", max).into());
                }
            }
            RoundFormat::Ranking => {
                let mut r: Vec<u32> = marked.iter().map(|(_, x)| *x).collect();
                r.sort();
                if r.iter().enumerate().any(|(i, x)| *x != i as u32 + 1) {
                    return Err(p("tables.ranks").with("count", r.len()).into());
                }
            }
            RoundFormat::Consent => return Err(p("panel.consent_round").into()),
        }
        let kept: Vec<(String, u32)> = marked.into_iter().cloned().collect();
        let text = serde_json::to_string(&kept).expect("serialises");
        // The audit event records that the member voted, not how: the vote
        // itself goes in the round's box, apart from who cast it.
        self.write(operator, |c| {
            put_vote(c, rid, mid, &text)?;
            c.audit("panel.vote", &format!("selection/{selection_id}/round/{round}/member/{member}"), None, None)
        })?;
        Ok(())
    }

    /// A consent round: the member agrees with the proposed package, or
    /// objects and the objection is written down.
    pub fn record_consent(
        &mut self,
        operator: &str,
        selection_id: i64,
        round: u32,
        member: &str,
        agree: bool,
        objection: &str,
    ) -> Result<(), Failure> {
        let (rid, format, closed) = self.round_row(selection_id, round)?;
        if format != RoundFormat::Consent {
            return Err(p("panel.not_consent_round").with("round", round).into());
        }
        if closed {
            return Err(p("panel.round_closed").with("round", round).into());
        }
        if !agree && objection.trim().is_empty() {
            return Err(p("panel.objection_required").into());
        }
        let member = member.trim().to_uppercase();
        let mid = self.present_member(selection_id, rid, round, &member)?;
        let text = json!({ "agree": agree, "objection": objection.trim() }).to_string();
        self.write(operator, |c| {
            put_vote(c, rid, mid, &text).map_err(|e| match e {
                StoreError::Sql(d) if d.contains("UNIQUE") => StoreError::Sql("UNIQUE".into()),
                e => e,
            })?;
            c.audit("panel.consent", &format!("selection/{selection_id}/round/{round}/member/{member}"), None, None)
        })
        .map_err(|e| {
            if matches!(&e, StoreError::Sql(d) if d == "UNIQUE") {
                Failure::from(p("panel.voted_twice").with("member", &member).with("round", round).with("at", ""))
            } else {
                Failure::from(e)
            }
        })?;
        Ok(())
    }

    /// The bundle's records of every round, anonymous, and the amendments.
    pub fn panel_records(&self, selection_id: i64) -> Result<(Vec<RoundRecord>, Vec<AmendmentRecord>), Failure> {
        let state = self.panel_state(selection_id)?;
        let mut rounds = Vec::new();
        for r in &state.rounds {
            let (rid, _, _) = self.round_row(selection_id, r.no)?;
            let mut st = self
                .conn()
                .prepare("SELECT votes FROM panel_ballot WHERE round_id = ?1")
                .map_err(|e| self.sql_err(e))?;
            let raw: Vec<String> = st
                .query_map([rid], |x| x.get(0))
                .map_err(|e| self.sql_err(e))?
                .collect::<Result<_, _>>()
                .map_err(|e| self.sql_err(e))?;
            let (mut votes, mut agreed, mut objections) = (Vec::new(), 0, Vec::new());
            for v in raw {
                if r.format == RoundFormat::Consent {
                    let c: serde_json::Value = serde_json::from_str(&v).unwrap_or_default();
                    if c["agree"].as_bool() == Some(true) {
                        agreed += 1;
                    } else {
                        objections.push(c["objection"].as_str().unwrap_or_default().to_string());
                    }
                } else {
                    votes.push(serde_json::from_str::<Vec<(String, u32)>>(&v).unwrap_or_default());
                }
            }
            votes.sort();
            objections.sort();
            rounds.push(RoundRecord {
                no: r.no,
                format: r.format.clone(),
                closed: r.closed,
                present: r.present.len() as u32,
                quorum_note: r.quorum_note.clone(),
                votes,
                agreed,
                objections,
            });
        }
        let mut st = self.conn().prepare("SELECT after_round, plan, withdraw, merge_from, detail, reason FROM panel_amendment WHERE selection_id = ?1 ORDER BY id").map_err(|e| self.sql_err(e))?;
        let amendments = st
            .query_map([selection_id], |r| {
                Ok(AmendmentRecord {
                    after_round: r.get(0)?,
                    plan: r.get(1)?,
                    withdraw: r.get::<_, i64>(2)? != 0,
                    merge_from: r.get(3)?,
                    detail: r.get(4)?,
                    reason: r.get(5)?,
                })
            })
            .map_err(|e| self.sql_err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sql_err(e))?;
        Ok((rounds, amendments))
    }

    /// Close a round: its quorum must be met, or the moderator writes why not.
    pub fn close_round(
        &mut self,
        operator: &str,
        selection_id: i64,
        round: u32,
        override_reason: Option<&str>,
    ) -> Result<(), Failure> {
        let state = self.panel_state(selection_id)?;
        let r = state
            .rounds
            .iter()
            .find(|r| r.no == round)
            .ok_or_else(|| Failure::from(p("panel.unknown_round").with("round", round)))?;
        if r.closed {
            return Err(p("panel.round_closed").with("round", round).into());
        }
        let reason = override_reason.map(str::trim).filter(|x| !x.is_empty());
        if (r.present.len() as u32) < state.quorum && reason.is_none() {
            return Err(p("panel.no_quorum").with("present", r.present.len()).with("quorum", state.quorum).into());
        }
        let reason = if (r.present.len() as u32) < state.quorum { reason } else { None };
        let (rid, _, _) = self.round_row(selection_id, round)?;
        self.write(operator, |c| {
            // The round's votes are claimed in the chain now, all together.
            crate::storage::audit::claim_round_ballots(&c.tx, rid).map_err(|e| c.err(e))?;
            c.tx.execute("UPDATE panel_round SET status = 'closed', frozen = 0, quorum_note = ?1 WHERE selection_id = ?2 AND no = ?3", params![reason, selection_id, round])
                .map_err(|e| c.err(e))?;
            c.audit("panel.round_close", &format!("selection/{selection_id}/round/{round}"), None, Some(&json!({ "present": r.present.len(), "voted": r.voted.len(), "quorum_note": reason })))
        })?;
        Ok(())
    }

    /// Freeze the projector on what it shows now (while entering), or reveal.
    pub fn set_frozen(&mut self, operator: &str, selection_id: i64, frozen: bool) -> Result<(), Failure> {
        let state = self.panel_state(selection_id)?;
        let Some(r) = state.rounds.last() else { return Err(p("panel.unknown_round").with("round", 1).into()) };
        let snapshot = if frozen {
            Some(serde_json::to_string(&self.projector_live(selection_id, Lang::Nl)?).expect("serialises"))
        } else {
            None
        };
        self.write(operator, |c| {
            c.tx.execute(
                "UPDATE panel_round SET frozen = ?1, snapshot = ?2 WHERE selection_id = ?3 AND no = ?4",
                params![frozen as i64, snapshot, selection_id, r.no],
            )
            .map_err(|e| c.err(e))?;
            c.audit(
                if frozen { "panel.freeze" } else { "panel.reveal" },
                &format!("selection/{selection_id}/round/{}", r.no),
                None,
                None,
            )
        })?;
        Ok(())
    }

    /// Amend a plan between rounds: a new cost, a withdrawal, or a merge of
    /// `other` into `plan` at a new cost. Always with a reason.
    pub fn amend(
        &mut self,
        operator: &str,
        selection_id: i64,
        plan: &str,
        new_cost_cents: Option<i64>,
        withdraw: bool,
        merge_from: Option<&str>,
        reason: &str,
    ) -> Result<(), Failure> {
        let sel = self.panel_selection(selection_id)?;
        if sel.status == Status::Closed {
            return Err(p("paper.count_closed").into());
        }
        if reason.trim().is_empty() {
            return Err(p("panel.reason_required").into());
        }
        let state = self.panel_state(selection_id)?;
        if state.rounds.last().is_some_and(|r| !r.closed) {
            return Err(p("panel.amend_during_round").into());
        }
        let live = self.live_plans(selection_id)?;
        let find = |c: &str| live.iter().find(|(x, _, _)| x == c).cloned();
        let Some((code, _, old_cost)) = find(plan) else {
            return Err(p("panel.plan_not_in").with("code", plan).into());
        };
        if let Some(m) = merge_from {
            if find(m).is_none() || m == plan {
                return Err(p("panel.plan_not_in").with("code", m).into());
            }
        }
        if new_cost_cents.is_some_and(|c| !(0..=crate::money::MAX_CENTS).contains(&c)) {
            return Err(p("selection.amount_out_of_range").into());
        }
        let after_round = state.rounds.len() as u32;
        let detail = json!({ "new_cost_cents": new_cost_cents, "old_cost_cents": old_cost, "withdraw": withdraw, "merge_from": merge_from });
        self.write(operator, |c| {
            if let Some(cost) = new_cost_cents {
                c.tx.execute("UPDATE plan SET cost_cents = ?1 WHERE selection_id = ?2 AND code = ?3", params![cost, selection_id, code]).map_err(|e| c.err(e))?;
            }
            c.tx.execute(
                "INSERT INTO panel_amendment (selection_id, after_round, plan, withdraw, merge_from, detail, reason, operator, at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
                params![selection_id, after_round, code, withdraw as i64, merge_from, detail.to_string(), reason.trim(), operator, crate::storage::audit::now()],
            )
            .map_err(|e| c.err(e))?;
            c.audit("panel.amend", &format!("selection/{selection_id}/plan/{code}"), None, Some(&json!({ "detail": detail, "reason": reason.trim() })))
        })?;
        Ok(())
    }

    /// Plans still in the panel's choice (not withdrawn or merged away): code, title, cost.
    pub fn live_plans(&self, selection_id: i64) -> Result<Vec<(String, String, i64)>, Failure> {
        let mut stmt = self
            .conn()
            .prepare("SELECT plan, withdraw, merge_from FROM panel_amendment WHERE selection_id = ?1")
            .map_err(|e| self.sql_err(e))?;
        let gone: Vec<String> = stmt
            .query_map([selection_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, Option<String>>(2)?))
            })
            .map_err(|e| self.sql_err(e))?
            .filter_map(Result::ok)
            .flat_map(|(plan, w, m)| (if w != 0 { Some(plan) } else { None }).into_iter().chain(m))
            .collect();
        Ok(self
            .list_plans(selection_id)?
            .into_iter()
            .filter(|x| !gone.contains(&x.code))
            .map(|x| (x.code, x.title, x.cost_cents))
            .collect())
    }

    pub fn panel_state(&self, selection_id: i64) -> Result<PanelState, Failure> {
        self.panel_selection(selection_id)?;
        let mut stmt = self
            .conn()
            .prepare("SELECT id, code, name FROM panel_member WHERE selection_id = ?1 ORDER BY code")
            .map_err(|e| self.sql_err(e))?;
        let members: Vec<Member> = stmt
            .query_map([selection_id], |r| Ok(Member { id: r.get(0)?, code: r.get(1)?, name: r.get(2)? }))
            .map_err(|e| self.sql_err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sql_err(e))?;
        let quorum: Option<i64> = self
            .conn()
            .query_row("SELECT panel_quorum FROM selection WHERE id = ?1", [selection_id], |r| r.get(0))
            .map_err(|e| self.sql_err(e))?;
        let mut stmt = self
            .conn()
            .prepare("SELECT id, no, format, status, frozen, quorum_note FROM panel_round WHERE selection_id = ?1 ORDER BY no")
            .map_err(|e| self.sql_err(e))?;
        let rows: Vec<(i64, u32, String, String, i64, Option<String>)> = stmt
            .query_map([selection_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
            .map_err(|e| self.sql_err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sql_err(e))?;
        let codes_of = |sql: &str, rid: i64| -> Result<Vec<String>, Failure> {
            let mut st = self.conn().prepare(sql).map_err(|e| self.sql_err(e))?;
            let v = st
                .query_map([rid], |r| r.get(0))
                .map_err(|e| self.sql_err(e))?
                .collect::<Result<_, _>>()
                .map_err(|e| self.sql_err(e))?;
            Ok(v)
        };
        let mut rounds = Vec::new();
        for (rid, no, f, status, frozen, note) in rows {
            rounds.push(RoundState {
                no,
                format: serde_json::from_str(&f).unwrap_or(RoundFormat::Ranking),
                present: codes_of("SELECT m.code FROM panel_attendance a JOIN panel_member m ON m.id = a.member_id WHERE a.round_id = ?1 ORDER BY m.code", rid)?,
                voted: codes_of("SELECT m.code FROM panel_voted v JOIN panel_member m ON m.id = v.member_id WHERE v.round_id = ?1 ORDER BY m.code", rid)?,
                closed: status == "closed",
                frozen: frozen != 0,
                quorum_note: note,
            });
        }
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT after_round, plan, detail, reason FROM panel_amendment WHERE selection_id = ?1 ORDER BY id",
            )
            .map_err(|e| self.sql_err(e))?;
        let amendments = stmt
            .query_map([selection_id], |r| {
                Ok(format!(
                    "{}|{}|{}|{}",
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?
                ))
            })
            .map_err(|e| self.sql_err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sql_err(e))?;
        Ok(PanelState { members, quorum: quorum.unwrap_or(0) as u32, rounds, amendments })
    }

    fn round_votes(&self, selection_id: i64, no: u32) -> Result<Vec<Vec<(String, u32)>>, Failure> {
        let (rid, _, _) = self.round_row(selection_id, no)?;
        let mut st =
            self.conn().prepare("SELECT votes FROM panel_ballot WHERE round_id = ?1").map_err(|e| self.sql_err(e))?;
        let v: Vec<String> = st
            .query_map([rid], |r| r.get(0))
            .map_err(|e| self.sql_err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sql_err(e))?;
        Ok(v.iter().map(|x| serde_json::from_str(x).unwrap_or_default()).collect())
    }

    fn ranked(&self, selection_id: i64, no: u32) -> Result<Vec<(String, BigRational)>, Failure> {
        let (_, format, _) = self.round_row(selection_id, no)?;
        // A consent round is about the package of the round before it.
        if format == RoundFormat::Consent && no > 1 {
            return self.ranked(selection_id, no - 1);
        }
        let s = scores(&format, &self.round_votes(selection_id, no)?);
        let mut v: Vec<(String, BigRational)> = self
            .live_plans(selection_id)?
            .into_iter()
            .map(|(c, _, _)| (c.clone(), s.get(&c).cloned().unwrap_or_else(BigRational::zero)))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(v)
    }

    /// The ranking of the current round as it stands, for the projector.
    pub fn projector_live(&self, selection_id: i64, _lang: Lang) -> Result<ProjectorView, Failure> {
        let sel = self.panel_selection(selection_id)?;
        let state = self.panel_state(selection_id)?;
        let Some(r) = state.rounds.last() else {
            return Ok(ProjectorView {
                wijk: sel.wijk,
                round: 0,
                votes: 0,
                present: 0,
                budget_cents: sel.budget_cents,
                plans: vec![],
                frozen: false,
                consent: None,
                version: 0,
            });
        };
        let now = self.ranked(selection_id, r.no)?;
        let before: Option<Vec<(String, BigRational)>> =
            if r.no > 1 { Some(self.ranked(selection_id, r.no - 1)?) } else { None };
        let live = self.live_plans(selection_id)?;
        let top = now.first().map(|x| x.1.clone()).filter(|x| !x.is_zero());
        let mut left = sel.budget_cents;
        let plans = now
            .iter()
            .enumerate()
            .map(|(i, (code, s))| {
                let (_, title, cost) = live.iter().find(|(c, _, _)| c == code).cloned().unwrap_or_default();
                let fits = !s.is_zero() && cost <= left;
                if fits {
                    left -= cost;
                }
                let bar = top
                    .as_ref()
                    .map(|t| {
                        (s * BigRational::from_integer(1000.into()) / t).floor().to_integer().try_into().unwrap_or(0)
                    })
                    .unwrap_or(0);
                let moved = before
                    .as_ref()
                    .and_then(|b| b.iter().position(|(c, _)| c == code))
                    .map(|old| old as i32 - i as i32);
                ProjectedPlan {
                    code: code.clone(),
                    title,
                    cost_cents: cost,
                    score_text: crate::rules::decimal(s, 0),
                    bar,
                    fits,
                    moved,
                }
            })
            .collect();
        let version: i64 =
            self.conn().query_row("SELECT count(*) FROM panel_voted", [], |r| r.get(0)).map_err(|e| self.sql_err(e))?;
        let consent = if r.format == RoundFormat::Consent {
            let (recs, _) = self.panel_records(selection_id)?;
            recs.iter().find(|x| x.no == r.no).map(|x| (x.agreed, x.objections.len() as u32))
        } else {
            None
        };
        Ok(ProjectorView {
            wijk: sel.wijk,
            round: r.no,
            votes: r.voted.len() as u32,
            present: r.present.len() as u32,
            budget_cents: sel.budget_cents,
            plans,
            frozen: false,
            consent,
            version,
        })
    }

    /// What the projector shows. A round opens frozen: while its votes are
    /// entered the projector shows how many are in and the last revealed
    /// picture (none in a new round: the plans without scores), so no two
    /// screens differ by one member's vote. The scores show when every
    /// present member has voted, when the round closes, or when the
    /// moderator reveals them.
    pub fn projector(&self, selection_id: i64, lang: Lang) -> Result<ProjectorView, Failure> {
        let state = self.panel_state(selection_id)?;
        let live = self.projector_live(selection_id, lang)?;
        let Some(r) = state.rounds.last().filter(|r| r.frozen && !r.closed) else { return Ok(live) };
        if !r.present.is_empty() && r.voted.len() >= r.present.len() {
            return Ok(live);
        }
        let snap: Option<String> = self
            .conn()
            .query_row(
                "SELECT snapshot FROM panel_round WHERE selection_id = ?1 AND no = ?2",
                params![selection_id, r.no],
                |x| x.get(0),
            )
            .map_err(|e| self.sql_err(e))?;
        let picture = match snap.and_then(|s| serde_json::from_str::<ProjectorView>(&s).ok()) {
            Some(v) => v.plans,
            None => {
                let mut plans: Vec<ProjectedPlan> = live
                    .plans
                    .iter()
                    .map(|p| ProjectedPlan { score_text: String::new(), bar: 0, fits: false, moved: None, ..p.clone() })
                    .collect();
                plans.sort_by(|a, b| a.code.cmp(&b.code));
                plans
            }
        };
        Ok(ProjectorView { plans: picture, frozen: true, consent: None, ..live })
    }

    /// End the panel: every round closed and a voting round among them.
    pub fn close_panel(&mut self, operator: &str, selection_id: i64) -> Result<(), Failure> {
        let sel = self.panel_selection(selection_id)?;
        if sel.status == Status::Closed {
            return Err(p("paper.count_closed").into());
        }
        let state = self.panel_state(selection_id)?;
        if let Some(r) = state.rounds.iter().find(|r| !r.closed) {
            return Err(p("panel.round_open").with("round", r.no).into());
        }
        self.panel_package(selection_id, Lang::Nl)?;
        self.write(operator, |c| {
            c.tx.execute("UPDATE selection SET status = 'closed' WHERE id = ?1", [selection_id])
                .map_err(|e| c.err(e))?;
            c.audit("panel.close", &format!("selection/{selection_id}"), None, None)
        })?;
        Ok(())
    }

    /// The funded package from the last closed round: greedy by its scores.
    pub fn panel_package(&self, selection_id: i64, lang: Lang) -> Result<(Vec<String>, i64, Vec<String>), Failure> {
        let sel = self.panel_selection(selection_id)?;
        let state = self.panel_state(selection_id)?;
        let last = state
            .rounds
            .iter()
            .rev()
            .find(|r| r.closed && r.format != RoundFormat::Consent)
            .ok_or_else(|| Failure::from(p("panel.no_closed_round")))?;
        let ranked: BTreeMap<String, BigRational> = self.ranked(selection_id, last.no)?.into_iter().collect();
        let costs: Vec<(String, i64)> =
            self.live_plans(selection_id)?.into_iter().map(|(c, _, cost)| (c, cost)).collect();
        let (e, out) = crate::tables::package(sel.budget_cents, &costs, &ranked, &[], &TieBreak::Lexicographic);
        let mut ids: Vec<String> = out.ids(&e).into_iter().map(String::from).collect();
        ids.sort();
        Ok((ids, out.total_cost, out.steps.iter().map(|s| crate::explain::render_euro(&e, s, lang)).collect()))
    }
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
        params![round_id, member_id, c.operator, crate::storage::audit::now()],
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
