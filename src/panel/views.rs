//! What the panel's screens read: the moderator's state, the projector's
//! ranking with its budget line, and the package of the last closed round.

use super::*;
use crate::storage::store::Db;

impl Store {}

pub fn panel_state(db: Db<'_>, selection_id: i64) -> Result<PanelState, Failure> {
    crate::panel::store::panel_selection(db, selection_id)?;
    let mut stmt = db
        .conn
        .prepare("SELECT id, code, name FROM panel_member WHERE selection_id = ?1 ORDER BY code")
        .map_err(|e| db.err(e))?;
    let members: Vec<Member> = stmt
        .query_map([selection_id], |r| Ok(Member { id: r.get(0)?, code: r.get(1)?, name: r.get(2)? }))
        .map_err(|e| db.err(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| db.err(e))?;
    let quorum: Option<i64> = db
        .conn
        .query_row("SELECT panel_quorum FROM selection WHERE id = ?1", [selection_id], |r| r.get(0))
        .map_err(|e| db.err(e))?;
    let mut stmt = db
        .conn
        .prepare(
            "SELECT id, no, format, status, frozen, quorum_note FROM panel_round WHERE selection_id = ?1 ORDER BY no",
        )
        .map_err(|e| db.err(e))?;
    let rows: Vec<(i64, u32, String, String, i64, Option<String>)> = stmt
        .query_map([selection_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .map_err(|e| db.err(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| db.err(e))?;
    let codes_of = |sql: &str, rid: i64| -> Result<Vec<String>, Failure> {
        let mut st = db.conn.prepare(sql).map_err(|e| db.err(e))?;
        let v = st
            .query_map([rid], |r| r.get(0))
            .map_err(|e| db.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| db.err(e))?;
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
    let mut stmt = db
        .conn
        .prepare("SELECT after_round, plan, detail, reason FROM panel_amendment WHERE selection_id = ?1 ORDER BY id")
        .map_err(|e| db.err(e))?;
    let amendments = stmt
        .query_map([selection_id], |r| {
            let detail: serde_json::Value =
                serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or(serde_json::Value::Null);
            Ok(AmendmentView {
                after_round: r.get::<_, i64>(0)? as u32,
                plan: r.get(1)?,
                withdraw: detail["withdraw"].as_bool().unwrap_or(false),
                merge_from: detail["merge_from"].as_str().map(String::from),
                new_cost_cents: detail["new_cost_cents"].as_i64(),
                reason: r.get(3)?,
            })
        })
        .map_err(|e| db.err(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| db.err(e))?;
    Ok(PanelState { members, quorum: quorum.unwrap_or(0) as u32, rounds, amendments })
}

pub(super) fn round_votes(db: Db<'_>, selection_id: i64, no: u32) -> Result<Vec<Vec<(String, u32)>>, Failure> {
    let (rid, _, _) = crate::panel::store::round_row(db, selection_id, no)?;
    let mut st = db.conn.prepare("SELECT votes FROM panel_ballot WHERE round_id = ?1").map_err(|e| db.err(e))?;
    let v: Vec<String> =
        st.query_map([rid], |r| r.get(0)).map_err(|e| db.err(e))?.collect::<Result<_, _>>().map_err(|e| db.err(e))?;
    Ok(v.iter().map(|x| serde_json::from_str(x).unwrap_or_default()).collect())
}

pub(super) fn ranked(db: Db<'_>, selection_id: i64, no: u32) -> Result<Vec<(String, BigRational)>, Failure> {
    let (_, format, _) = crate::panel::store::round_row(db, selection_id, no)?;
    // A consent round is about the package of the round before it.
    if format == RoundFormat::Consent && no > 1 {
        return ranked(db, selection_id, no - 1);
    }
    let s = scores(&format, &round_votes(db, selection_id, no)?);
    let mut v: Vec<(String, BigRational)> = crate::panel::store::live_plans(db, selection_id)?
        .into_iter()
        .map(|(c, _, _)| (c.clone(), s.get(&c).cloned().unwrap_or_else(BigRational::zero)))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(v)
}

/// The ranking of the current round as it stands, for the projector.
pub fn projector_live(db: Db<'_>, selection_id: i64, _lang: Lang) -> Result<ProjectorView, Failure> {
    let sel = crate::panel::store::panel_selection(db, selection_id)?;
    let state = panel_state(db, selection_id)?;
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
    let now = ranked(db, selection_id, r.no)?;
    let before: Option<Vec<(String, BigRational)>> =
        if r.no > 1 { Some(ranked(db, selection_id, r.no - 1)?) } else { None };
    let live = crate::panel::store::live_plans(db, selection_id)?;
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
                .map(|t| (s * BigRational::from_integer(1000.into()) / t).floor().to_integer().try_into().unwrap_or(0))
                .unwrap_or(0);
            let moved =
                before.as_ref().and_then(|b| b.iter().position(|(c, _)| c == code)).map(|old| old as i32 - i as i32);
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
        db.conn.query_row("SELECT count(*) FROM panel_voted", [], |r| r.get(0)).map_err(|e| db.err(e))?;
    let consent = if r.format == RoundFormat::Consent {
        let (recs, _) = crate::panel::store::panel_records(db, selection_id)?;
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
pub fn projector(db: Db<'_>, selection_id: i64, lang: Lang) -> Result<ProjectorView, Failure> {
    let state = panel_state(db, selection_id)?;
    let live = projector_live(db, selection_id, lang)?;
    let Some(r) = state.rounds.last().filter(|r| r.frozen && !r.closed) else { return Ok(live) };
    if !r.present.is_empty() && r.voted.len() >= r.present.len() {
        return Ok(live);
    }
    let snap: Option<String> = db
        .conn
        .query_row(
            "SELECT snapshot FROM panel_round WHERE selection_id = ?1 AND no = ?2",
            params![selection_id, r.no],
            |x| x.get(0),
        )
        .map_err(|e| db.err(e))?;
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

/// The funded package from the last closed round: greedy by its scores.
pub fn panel_package(db: Db<'_>, selection_id: i64, lang: Lang) -> Result<(Vec<String>, i64, Vec<String>), Failure> {
    let sel = crate::panel::store::panel_selection(db, selection_id)?;
    let state = panel_state(db, selection_id)?;
    let last = state
        .rounds
        .iter()
        .rev()
        .find(|r| r.closed && r.format != RoundFormat::Consent)
        .ok_or_else(|| Failure::from(p("panel.no_closed_round")))?;
    let ranked: BTreeMap<String, BigRational> = ranked(db, selection_id, last.no)?.into_iter().collect();
    let costs: Vec<(String, i64)> =
        crate::panel::store::live_plans(db, selection_id)?.into_iter().map(|(c, _, cost)| (c, cost)).collect();
    let (e, out) = crate::tables::package(sel.budget_cents, &costs, &ranked, &[], &TieBreak::Lexicographic);
    let mut ids: Vec<String> = out.ids(&e).into_iter().map(String::from).collect();
    ids.sort();
    // Every step in words, then every tie and how it was broken.
    let mut explanation: Vec<String> = out.steps.iter().map(|s| crate::explain::render_euro(&e, s, lang)).collect();
    explanation.extend(out.ties.iter().map(|t| crate::explain::render_tie(t, lang)));
    Ok((ids, out.total_cost, explanation))
}
