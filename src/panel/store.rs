//! The panel's writes: members, quorum, rounds, votes kept apart from who
//! cast them, consent, amendments, closing.

use super::*;
use crate::storage::store::Db;

impl Store {
    pub fn add_member(&mut self, operator: &str, selection_id: i64, code: &str, name: &str) -> Result<Member, Failure> {
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            panel_selection(st.db(), selection_id)?;
            // A panel drawn by lot seats whom the lot named, nobody else.
            if crate::panel::lot::draw_record(st.db(), selection_id)?.is_some() {
                return Err(p("draw.members_by_lot").into());
            }
            let code = code.trim().to_uppercase();
            if code.is_empty() || code.len() > 12 || !code.chars().all(crate::selection::code_char) {
                return Err(p("panel.bad_member").into());
            }
            // The name stays on this laptop (cards, the moderator's grid); it is
            // checked like every name.
            let name = crate::selection::check_free_text(name, "name", crate::selection::MAX_SHORT, true)?;
            let name = name.as_str();
            let taken: i64 = st
                .conn()
                .query_row(
                    "SELECT count(*) FROM panel_member WHERE selection_id = ?1 AND code = ?2",
                    params![selection_id, code],
                    |r| r.get(0),
                )
                .map_err(|e| st.sql_err(e))?;
            if taken > 0 {
                return Err(p("panel.member_taken").with("member", &code).into());
            }
            let id = seat_member(c, selection_id, &code, name.trim())?;
            Ok::<_, Failure>(Member { id, code, name: name.trim().to_string() })
        })
    }

    pub fn set_quorum(&mut self, operator: &str, selection_id: i64, quorum: u32) -> Result<(), Failure> {
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            panel_selection(st.db(), selection_id)?;
            let members = crate::panel::views::panel_state(st.db(), selection_id)?.members.len();
            if quorum == 0 || quorum as usize > members {
                return Err(p("panel.bad_quorum").with("quorum", quorum).with("members", members).into());
            }
            c.tx.execute("UPDATE selection SET panel_quorum = ?1 WHERE id = ?2", params![quorum, selection_id])
                .map_err(|e| c.err(e))?;
            c.record(crate::panel::PanelEvent::PanelQuorum { selection: selection_id, quorum })?;
            Ok::<_, Failure>(())
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
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            panel_selection(st.db(), selection_id)?;
            let state = crate::panel::views::panel_state(st.db(), selection_id)?;
            if state.rounds.last().is_some_and(|r| !r.closed) {
                return Err(p("panel.round_open")
                    .with("round", state.rounds.last().expect("an open round exists").no)
                    .into());
            }
            let plans = live_plans(st.db(), selection_id)?.len() as u32;
            match format {
                RoundFormat::Points { per_member } if *per_member == 0 || *per_member > 1000 => {
                    return Err(p("panel.bad_points").with("value", per_member).into());
                }
                RoundFormat::Approval { max } if *max == 0 || *max > plans => {
                    return Err(p("panel.bad_approval").with("value", max).with("plans", plans).into());
                }
                _ => {}
            }
            if present.is_empty() {
                return Err(p("panel.nobody_present").into());
            }
            let mut seen = std::collections::BTreeSet::new();
            for code in present {
                if !state.members.iter().any(|m| &m.code == code) {
                    return Err(p("panel.unknown_member").with("member", code).into());
                }
                if !seen.insert(code) {
                    return Err(p("panel.present_twice").with("member", code).into());
                }
            }
            let no = state.rounds.len() as u32 + 1;
            let fmt = serde_json::to_string(format).expect("serialises");
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
            c.record(crate::panel::PanelEvent::PanelRoundOpen { selection: selection_id, round: no, format, present })?;
            Ok::<_, Failure>(no)
        })
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
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            panel_selection(st.db(), selection_id)?;
            let (rid, format, closed) = round_row(st.db(), selection_id, round)?;
            if closed {
                return Err(p("panel.round_closed").with("round", round).into());
            }
            let member = member.trim().to_uppercase();
            let mid = present_member(st.db(), selection_id, rid, round, &member)?;
            let already: Option<String> = st
                .conn()
                .query_row(
                    "SELECT at FROM panel_voted WHERE round_id = ?1 AND member_id = ?2",
                    params![rid, mid],
                    |r| r.get(0),
                )
                .optional()
                .map_err(|e| st.sql_err(e))?;
            if let Some(at) = already {
                return Err(p("panel.voted_twice")
                    .with("member", &member)
                    .with("round", round)
                    .with("at", crate::clock::belgian_hhmm(&at))
                    .into());
            }
            let live = live_plans(st.db(), selection_id)?;
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
                    if let Some((code, x)) = votes.iter().find(|(_, x)| *x > 1) {
                        return Err(p("panel.approval_value").with("code", code).with("value", x).into());
                    }
                    if marked.len() as u32 > *max {
                        return Err(p("panel.approval_over").with("count", marked.len()).with("max", max).into());
                    }
                }
                RoundFormat::Ranking => {
                    if let Some((code, _)) = votes.iter().find(|(_, x)| *x == 0) {
                        return Err(p("panel.rank_zero").with("code", code).into());
                    }
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
            put_vote(c, rid, mid, &text)?;
            c.record(crate::panel::PanelEvent::PanelVote { selection: selection_id, round, member: &member })?;
            Ok::<_, Failure>(())
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
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            let (rid, format, closed) = round_row(st.db(), selection_id, round)?;
            if format != RoundFormat::Consent {
                return Err(p("panel.not_consent_round").with("round", round).into());
            }
            if closed {
                return Err(p("panel.round_closed").with("round", round).into());
            }
            if !agree && objection.trim().is_empty() {
                return Err(p("panel.objection_required").into());
            }
            if agree && !objection.trim().is_empty() {
                return Err(p("panel.agree_or_object").into());
            }
            crate::selection::check_free_text(objection, "objection", crate::selection::MAX_DESCRIPTION, false)?;
            let member = member.trim().to_uppercase();
            let mid = present_member(st.db(), selection_id, rid, round, &member)?;
            let text = json!({ "agree": agree, "objection": objection.trim() }).to_string();
            put_vote(c, rid, mid, &text).map_err(|e| match e {
                StoreError::Sql(d) if d.contains("UNIQUE") => {
                    Failure::from(p("panel.answered_twice").with("member", &member).with("round", round))
                }
                e => Failure::from(e),
            })?;
            c.record(crate::panel::PanelEvent::PanelConsent { selection: selection_id, round, member: &member })?;
            Ok::<_, Failure>(())
        })
    }

    /// Close a round: its quorum must be met, or the moderator writes why not.
    pub fn close_round(
        &mut self,
        operator: &str,
        selection_id: i64,
        round: u32,
        override_reason: Option<&str>,
    ) -> Result<(), Failure> {
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            let state = crate::panel::views::panel_state(st.db(), selection_id)?;
            let r = state
                .rounds
                .iter()
                .find(|r| r.no == round)
                .ok_or_else(|| Failure::from(p("panel.unknown_round").with("round", round)))?;
            if r.closed {
                return Err(p("panel.round_closed").with("round", round).into());
            }
            if r.voted.is_empty() {
                return Err(p("panel.no_votes").with("round", round).into());
            }
            if let Some(r) = override_reason {
                crate::selection::check_free_text(r, "reason", crate::selection::MAX_DESCRIPTION, false)?;
            }
            let reason = override_reason.map(str::trim).filter(|x| !x.is_empty());
            if (r.present.len() as u32) < state.quorum && reason.is_none() {
                return Err(p("panel.no_quorum").with("present", r.present.len()).with("quorum", state.quorum).into());
            }
            let reason = if (r.present.len() as u32) < state.quorum { reason } else { None };
            let (rid, _, _) = round_row(st.db(), selection_id, round)?;
            // The round's votes are claimed in the chain now, all together.
            crate::storage::audit::claim_round_ballots(&c.tx, rid).map_err(|e| c.err(e))?;
            c.tx.execute("UPDATE panel_round SET status = 'closed', frozen = 0, quorum_note = ?1 WHERE selection_id = ?2 AND no = ?3", params![reason, selection_id, round])
                .map_err(|e| c.err(e))?;
            c.record(crate::panel::PanelEvent::PanelRoundClose { selection: selection_id, round, present: r.present.len(), voted: r.voted.len(), quorum_note: reason })?;
            Ok::<_, Failure>(())
        })?;
        Ok(())
    }

    /// Freeze the projector on what it shows now (while entering), or reveal.
    pub fn set_frozen(&mut self, operator: &str, selection_id: i64, frozen: bool) -> Result<(), Failure> {
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            let state = crate::panel::views::panel_state(st.db(), selection_id)?;
            let Some(r) = state.rounds.last() else { return Err(p("panel.unknown_round").with("round", 1).into()) };
            let snapshot = if frozen {
                Some(
                    serde_json::to_string(&crate::panel::views::projector_live(st.db(), selection_id, Lang::Nl)?)
                        .expect("serialises"),
                )
            } else {
                None
            };
            c.tx.execute(
                "UPDATE panel_round SET frozen = ?1, snapshot = ?2 WHERE selection_id = ?3 AND no = ?4",
                params![frozen as i64, snapshot, selection_id, r.no],
            )
            .map_err(|e| c.err(e))?;
            c.record(crate::panel::PanelEvent::PanelFrozen { selection: selection_id, round: r.no, frozen })?;
            Ok::<_, Failure>(())
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
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            panel_selection(st.db(), selection_id)?;
            if reason.trim().is_empty() {
                return Err(p("panel.reason_required").into());
            }
            crate::selection::check_free_text(reason, "reason", crate::selection::MAX_DESCRIPTION, true)?;
            // A change at all: a new cost, withdrawing, or merging (a merged plan
            // may get the joint cost); withdrawing goes alone.
            if (new_cost_cents.is_none() && !withdraw && merge_from.is_none())
                || (withdraw && (new_cost_cents.is_some() || merge_from.is_some()))
            {
                return Err(p("panel.amend_one_change").into());
            }
            let state = crate::panel::views::panel_state(st.db(), selection_id)?;
            if state.rounds.last().is_some_and(|r| !r.closed) {
                return Err(p("panel.amend_during_round").into());
            }
            let live = live_plans(st.db(), selection_id)?;
            let find = |c: &str| live.iter().find(|(x, _, _)| x == c).cloned();
            let Some((code, _, old_cost)) = find(plan) else {
                return Err(p("panel.plan_not_in").with("code", plan).into());
            };
            if let Some(m) = merge_from {
                if m == plan {
                    return Err(p("panel.merge_self").with("code", m).into());
                }
                if find(m).is_none() {
                    return Err(p("panel.plan_not_in").with("code", m).into());
                }
            }
            if new_cost_cents.is_some_and(|c| !(0..=crate::money::MAX_CENTS).contains(&c)) {
                return Err(p("selection.amount_out_of_range").into());
            }
            let after_round = state.rounds.len() as u32;
            let detail = json!({ "new_cost_cents": new_cost_cents, "old_cost_cents": old_cost, "withdraw": withdraw, "merge_from": merge_from });
            if let Some(cost) = new_cost_cents {
                c.tx.execute("UPDATE plan SET cost_cents = ?1 WHERE selection_id = ?2 AND code = ?3", params![cost, selection_id, code]).map_err(|e| c.err(e))?;
            }
            c.tx.execute(
                "INSERT INTO panel_amendment (selection_id, after_round, plan, withdraw, merge_from, detail, reason, operator, at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
                params![selection_id, after_round, code, withdraw as i64, merge_from, detail.to_string(), reason.trim(), operator, c.at.clone()],
            )
            .map_err(|e| c.err(e))?;
            c.record(crate::panel::PanelEvent::PanelAmend { selection: selection_id, code: &code, detail: &detail, reason: reason.trim() })?;
            Ok::<_, Failure>(())
        })?;
        Ok(())
    }

    /// End the panel: every round closed and a voting round among them.
    pub fn close_panel(&mut self, operator: &str, selection_id: i64) -> Result<(), Failure> {
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            // Not while a demo coordinator's PIN is public (`demo_pins_block`).
            crate::roster::demo_pins_block(st.db(), selection_id)?;
            panel_selection(st.db(), selection_id)?;
            let state = crate::panel::views::panel_state(st.db(), selection_id)?;
            if let Some(r) = state.rounds.iter().find(|r| !r.closed) {
                return Err(p("panel.round_open").with("round", r.no).into());
            }
            crate::panel::views::panel_package(st.db(), selection_id, Lang::Nl)?;
            c.tx.execute("UPDATE selection SET status = 'closed' WHERE id = ?1", [selection_id])
                .map_err(|e| c.err(e))?;
            c.record(crate::panel::PanelEvent::PanelClose { selection: selection_id })?;
            Ok::<_, Failure>(())
        })?;
        Ok(())
    }
}

/// Seat a member on the panel, with its event: by hand (`add_member`), by
/// the lot or as a replacement (`lot.rs`). The code as stored; its row id.
pub(super) fn seat_member(
    c: &mut crate::storage::store::Change<'_>,
    selection_id: i64,
    code: &str,
    name: &str,
) -> Result<i64, Failure> {
    c.tx.execute(
        "INSERT INTO panel_member (selection_id, code, name) VALUES (?1, ?2, ?3)",
        params![selection_id, code, name],
    )
    .map_err(|e| c.err(e))?;
    let id = c.tx.last_insert_rowid();
    c.record(crate::panel::PanelEvent::PanelMember { selection: selection_id, code, name })?;
    Ok(id)
}

pub fn panel_selection(db: Db<'_>, id: i64) -> Result<crate::selection::Selection, Failure> {
    let sel = crate::selection::read(db, id)?;
    if sel.method != Method::Panel {
        return Err(p("panel.not_panel").into());
    }
    Ok(sel)
}

pub(super) fn round_row(db: Db<'_>, selection_id: i64, no: u32) -> Result<(i64, RoundFormat, bool), Failure> {
    let row: Option<(i64, String, String)> = db
        .conn
        .query_row(
            "SELECT id, format, status FROM panel_round WHERE selection_id = ?1 AND no = ?2",
            params![selection_id, no],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(|e| db.err(e))?;
    let (id, f, status) = row.ok_or_else(|| Failure::from(p("panel.unknown_round").with("round", no)))?;
    Ok((id, serde_json::from_str(&f).map_err(|e| Failure::from(p("store.sql").with("detail", e)))?, status == "closed"))
}

/// The member's id, if the member exists and is present in the round.
pub(super) fn present_member(
    db: Db<'_>,
    selection_id: i64,
    round_id: i64,
    round: u32,
    member: &str,
) -> Result<i64, Failure> {
    let row: Option<(i64, i64)> = db
        .conn
        .query_row(
            "SELECT m.id, (SELECT count(*) FROM panel_attendance a WHERE a.round_id = ?1 AND a.member_id = m.id) FROM panel_member m WHERE m.selection_id = ?2 AND m.code = ?3",
            params![round_id, selection_id, member],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(|e| db.err(e))?;
    match row {
        None => Err(p("panel.unknown_member").with("member", member).into()),
        Some((_, 0)) => Err(p("panel.absent").with("member", member).with("round", round).into()),
        Some((id, _)) => Ok(id),
    }
}

/// The bundle's records of every round, anonymous, and the amendments.
pub fn panel_records(db: Db<'_>, selection_id: i64) -> Result<(Vec<RoundRecord>, Vec<AmendmentRecord>), Failure> {
    let state = crate::panel::views::panel_state(db, selection_id)?;
    let mut rounds = Vec::new();
    for r in &state.rounds {
        let (rid, _, _) = round_row(db, selection_id, r.no)?;
        let mut st = db.conn.prepare("SELECT votes FROM panel_ballot WHERE round_id = ?1").map_err(|e| db.err(e))?;
        let raw: Vec<String> = st
            .query_map([rid], |x| x.get(0))
            .map_err(|e| db.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| db.err(e))?;
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
    let mut st = db.conn.prepare("SELECT after_round, plan, withdraw, merge_from, detail, reason FROM panel_amendment WHERE selection_id = ?1 ORDER BY id").map_err(|e| db.err(e))?;
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
        .map_err(|e| db.err(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| db.err(e))?;
    Ok((rounds, amendments))
}

/// Plans still in the panel's choice (not withdrawn or merged away): code, title, cost.
pub fn live_plans(db: Db<'_>, selection_id: i64) -> Result<Vec<(String, String, i64)>, Failure> {
    let mut stmt = db
        .conn
        .prepare("SELECT plan, withdraw, merge_from FROM panel_amendment WHERE selection_id = ?1")
        .map_err(|e| db.err(e))?;
    let gone: Vec<String> = stmt
        .query_map([selection_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, Option<String>>(2)?))
        })
        .map_err(|e| db.err(e))?
        .filter_map(Result::ok)
        .flat_map(|(plan, w, m)| (if w != 0 { Some(plan) } else { None }).into_iter().chain(m))
        .collect();
    Ok(crate::selection::list_plans(db, selection_id)?
        .into_iter()
        .filter(|x| !gone.contains(&x.code))
        .map(|x| (x.code, x.title, x.cost_cents))
        .collect())
}
