//! What the coordinator and the committee decide about entered ballots:
//! doubtful ballots, explanations of accepted warnings, and differences sent
//! back to be re-entered. Every decision is a new row (the latest counts)
//! and an audit event; nothing is overwritten.

use std::collections::BTreeSet;

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::paper::ballot::{self, Marks, Serial, Verdict};
use crate::paper::canonical_marks;
use crate::problem::{Failure, Problem};
use crate::storage::store::{Db, Store};

fn p(code: &str) -> Problem {
    Problem::new(code)
}

/// One entry of a ballot: entry number, marks, doubt, box.
type EntryRow = (u8, Marks, Option<String>, Option<i64>);

/// A ballot the committee or coordinator looks at: doubtful, or counted with
/// a warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReviewItem {
    pub serial: String,
    /// `doubtful` or `warning`.
    pub kind: String,
    /// The finding code (`W_UNDERVOTE`, ...) or, for doubtful, the reason.
    pub code: String,
    pub detail: String,
    /// The committee's decision on a doubtful ballot: `valid` or `invalid`.
    pub decision: Option<String>,
    pub explanation: Option<String>,
    pub by: Option<String>,
}

/// The reviews as a public bundle shows them: without serials, sorted by
/// content, so a decision cannot be tied to a printed ballot number.
pub fn anonymous(items: Vec<ReviewItem>) -> Vec<ReviewItem> {
    let mut out: Vec<ReviewItem> = items.into_iter().map(|r| ReviewItem { serial: String::new(), ..r }).collect();
    out.sort_by(|a, b| {
        (&a.kind, &a.code, &a.detail, &a.decision, &a.explanation, &a.by).cmp(&(
            &b.kind,
            &b.code,
            &b.detail,
            &b.decision,
            &b.explanation,
            &b.by,
        ))
    });
    out
}

/// The plans on which two entries of one ballot differ, in code order.
pub fn differing(a: &Marks, b: &Marks) -> Vec<String> {
    let value = |m: &Marks, code: &str| m.marks.iter().find(|(c, _)| c == code).map(|(_, v)| *v).unwrap_or(0);
    let all: BTreeSet<&str> = a.marks.iter().chain(&b.marks).map(|(c, _)| c.as_str()).collect();
    all.into_iter().filter(|c| value(a, c) != value(b, c)).map(String::from).collect()
}

/// One entry of a ballot, as the coordinator sees it beside the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct EntrySide {
    pub operator: String,
    /// RFC 3339, UTC.
    pub at: String,
    /// The marks as plan code and value (1 for a cross, points or rank).
    pub marks: Vec<(String, u32)>,
    pub verdict: String,
    pub box_name: Option<String>,
}

/// A double-entry difference with both entries side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DifferenceView {
    /// The serial as stored (what `resolve` takes) and as printed.
    pub serial: String,
    pub shown: String,
    pub first: EntrySide,
    pub second: EntrySide,
    /// The plans whose marks differ.
    pub differing: Vec<String>,
}

/// A difference sent back: which plans must be read again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Recheck {
    pub serial: String,
    pub codes: Vec<String>,
    pub requested_by: String,
}

/// How the coordinator settles a double-entry difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    KeepFirst,
    KeepSecond,
    DiscardBoth,
    /// Only the plans whose marks differ are read again, blind to both entries.
    Recheck,
}

/// A ballot's active entries: (entry number, marks, doubtful reason, box).
fn active_entries(db: Db<'_>, selection_id: i64, serial: &str) -> Result<Vec<EntryRow>, Failure> {
    let mut stmt = db
        .conn
        .prepare_cached("SELECT entry_no, marks, doubtful, box_id FROM ballot_entry WHERE selection_id = ?1 AND serial = ?2 AND status = 'active' ORDER BY entry_no")
        .map_err(|e| db.err(e))?;
    let rows = stmt
        .query_map(params![selection_id, serial], |r| {
            let m: String = r.get(1)?;
            Ok((r.get(0)?, serde_json::from_str(&m).unwrap_or(Marks { marks: vec![] }), r.get(2)?, r.get(3)?))
        })
        .map_err(|e| db.err(e))?;
    Ok(rows.collect::<Result<_, _>>().map_err(|e| db.err(e))?)
}

/// The recheck of this ballot (by its stored serial) still waiting, if any.
pub(crate) fn open_recheck(db: Db<'_>, selection_id: i64, serial: &str) -> Result<Option<Recheck>, Failure> {
    Ok(db
        .conn
        .query_row(
            "SELECT serial, codes, requested_by FROM recheck WHERE selection_id = ?1 AND serial = ?2 AND done_at IS NULL",
            params![selection_id, serial],
            |r| {
                let codes: String = r.get(1)?;
                Ok(Recheck {
                    serial: Serial(r.get(0)?).display(),
                    codes: serde_json::from_str(&codes).unwrap_or_default(),
                    requested_by: r.get(2)?,
                })
            },
        )
        .optional()
        .map_err(|e| db.err(e))?)
}

/// Is a recheck of this ballot (by its stored serial) still waiting?
pub(crate) fn recheck_pending(db: Db<'_>, selection_id: i64, serial: &str) -> Result<bool, Failure> {
    // Asked once per ballot entered or merged: prepared once.
    Ok(db
        .conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM recheck WHERE selection_id = ?1 AND serial = ?2 AND done_at IS NULL)",
        )
        .map_err(|e| db.err(e))?
        .query_row(params![selection_id, serial], |r| r.get(0))
        .map_err(|e| db.err(e))?)
}

impl Store {
    /// The committee decides a doubtful ballot: it counts (`accept`) or is invalid.
    pub fn decide_doubtful(
        &mut self,
        operator: &str,
        selection_id: i64,
        serial: &str,
        accept: bool,
        explanation: &str,
    ) -> Result<(), Failure> {
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            let serial = Serial::parse(serial)?;
            let explanation = explanation.trim();
            if explanation.is_empty() {
                return Err(p("review.explanation_required").into());
            }
            let b = crate::paper::store::counted_entries(st.db(), selection_id)?.into_iter().find(|b| b.serial == serial.0);
            if b.is_none_or(|b| b.doubtful.is_none()) {
                return Err(p("review.not_doubtful").with("serial", serial.display()).into());
            }
            let decision = if accept { "valid" } else { "invalid" };
            c.tx.execute(
                "INSERT INTO review (selection_id, serial, kind, code, decision, explanation, operator, at) VALUES (?1, ?2, 'doubtful', '', ?3, ?4, ?5, ?6)",
                params![selection_id, serial.0, decision, explanation, operator, c.at.clone()],
            )
            .map_err(|e| c.err(e))?;
            c.record(crate::paper::PaperEvent::BallotDecide { selection: selection_id, serial: &serial.0, decision, explanation })?;
            Ok::<_, Failure>(())
        })?;
        Ok(())
    }

    /// The coordinator explains why a warning was accepted; it prints in the report.
    pub fn explain_warning(
        &mut self,
        operator: &str,
        selection_id: i64,
        serial: &str,
        code: &str,
        explanation: &str,
    ) -> Result<(), Failure> {
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            let serial = Serial::parse(serial)?;
            let explanation = explanation.trim();
            if explanation.is_empty() {
                return Err(p("review.explanation_required").into());
            }
            let has = reviews(st.db(), selection_id)?
                .iter()
                .any(|r| r.kind == "warning" && r.code == code && r.serial == serial.display());
            if !has {
                return Err(p("review.no_warning").with("serial", serial.display()).with("code", code).into());
            }
            c.tx.execute(
                "INSERT INTO review (selection_id, serial, kind, code, explanation, operator, at) VALUES (?1, ?2, 'warning', ?3, ?4, ?5, ?6)",
                params![selection_id, serial.0, code, explanation, operator, c.at.clone()],
            )
            .map_err(|e| c.err(e))?;
            c.record(crate::paper::PaperEvent::WarningExplain { selection: selection_id, serial: &serial.0, code, explanation })?;
            Ok::<_, Failure>(())
        })?;
        Ok(())
    }

    /// The coordinator settles a double-entry difference.
    pub fn resolve(&mut self, operator: &str, selection_id: i64, serial: &str, how: Resolution) -> Result<(), Failure> {
        match how {
            Resolution::KeepFirst => self.resolve_difference(operator, selection_id, serial, Some(1)),
            Resolution::KeepSecond => self.resolve_difference(operator, selection_id, serial, Some(2)),
            Resolution::DiscardBoth => self.resolve_difference(operator, selection_id, serial, None),
            Resolution::Recheck => {
                let serial = Serial::parse(serial)?;
                // The checks read inside the write's transaction.
                self.write_open_with(operator, selection_id, |st, c| {
                    if !crate::paper::store::reconciliation_queue(st.db(), selection_id)?.contains(&serial.0) {
                        return Err(p("paper.nothing_to_resolve").with("serial", serial.display()).into());
                    }
                    let entries = active_entries(c.db(), selection_id, &serial.0)?;
                    let codes = differing(&entries[0].1, &entries[1].1);
                    c.tx.execute(
                        "INSERT INTO recheck (selection_id, serial, codes, requested_by, requested_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![selection_id, serial.0, serde_json::to_string(&codes).expect("plain data serialises"), operator, c.at.clone()],
                    )
                    .map_err(|e| c.err(e))?;
                    c.record(crate::paper::PaperEvent::BallotRecheck { selection: selection_id, serial: &serial.0, codes: &codes })?;
                    Ok(())
                })
            }
        }
    }

    /// Re-enter the plans of a difference sent back. `marks` holds only those
    /// plans (a plan left out counts as unmarked). The re-read values settle
    /// them; the plans both entries agreed on keep their value. The result is
    /// judged afresh and becomes the ballot's one counted entry.
    pub fn recheck_entry(
        &mut self,
        operator: &str,
        selection_id: i64,
        serial: &str,
        marks: &Marks,
    ) -> Result<crate::paper::EntryReceipt, Failure> {
        let serial = Serial::parse(serial)?;
        // The checks read inside the write's transaction.
        self.write_open(operator, selection_id, |c| {
            let db = c.db();
            crate::paper::store::entry_open(db, selection_id)?;
            let Some(rc) = open_recheck(db, selection_id, &serial.0)? else {
                return Err(p("review.no_recheck").with("serial", serial.display()).into());
            };
            for (code, _) in &marks.marks {
                if !rc.codes.contains(code) {
                    return Err(p("review.not_asked").with("code", code).with("codes", rc.codes.join(", ")).into());
                }
            }
            let settings = crate::paper::store::settings(db, selection_id)?
                .ok_or_else(|| Failure::from(p("paper.no_style")))?;
            let entries = active_entries(db, selection_id, &serial.0)?;
            let (first, doubtful, box_id) = (&entries[0].1, entries.iter().find_map(|e| e.2.clone()), entries[0].3);
            let mut merged: Vec<(String, u32)> =
                first.marks.iter().filter(|(c, _)| !rc.codes.contains(c)).cloned().collect();
            merged.extend(marks.marks.iter().cloned());
            let merged = Marks { marks: merged };
            let codes: Vec<String> = crate::selection::plans(db, selection_id)?.into_iter().map(|p| p.code).collect();
            let (verdict, findings, rule_doubtful) =
                ballot::judge_with(&settings.style, &codes, &merged, &settings.rules)?;
            let doubtful = doubtful.or_else(|| (!rule_doubtful.is_empty()).then(|| rule_doubtful.join(", ")));
            let verdict_s = match verdict {
                Verdict::Valid => "valid",
                Verdict::Blank => "blank",
                Verdict::Invalid => "invalid",
            };
            let now = c.at.clone();
            c.tx.execute("UPDATE ballot_entry SET status = 'discarded' WHERE selection_id = ?1 AND serial = ?2 AND status = 'active'", params![selection_id, serial.0])
                .map_err(|e| c.err(e))?;
            c.tx.execute(
                "INSERT INTO ballot_entry (selection_id, serial, entry_no, operator, at, marks, verdict, findings, doubtful, box_id, resolved) VALUES (?1,?2,1,?3,?4,?5,?6,?7,?8,?9,1)",
                params![selection_id, serial.0, operator, now, canonical_marks(&merged), verdict_s, serde_json::to_string(&findings).expect("plain data serialises"), doubtful, box_id],
            )
            .map_err(|e| c.err(e))?;
            c.tx.execute("UPDATE recheck SET done_by = ?1, done_at = ?2 WHERE selection_id = ?3 AND serial = ?4 AND done_at IS NULL", params![operator, now, selection_id, serial.0])
                .map_err(|e| c.err(e))?;
            c.record(crate::paper::PaperEvent::BallotRecheckEnter { selection: selection_id, serial: &serial.0, codes: &rc.codes, verdict: verdict_s })?;
            Ok(crate::paper::EntryReceipt {
                serial: serial.display(),
                entry_no: 1,
                verdict,
                findings,
                double_entry: Some("agreed".into()),
                doubtful,
            })
        })
    }
}

/// Doubtful ballots and ballots with warnings, with what was decided.
pub fn reviews(db: Db<'_>, selection_id: i64) -> Result<Vec<ReviewItem>, Failure> {
    let counted = crate::paper::store::counted_entries(db, selection_id)?;
    reviews_with(db, selection_id, &counted)
}

/// `reviews` with the settled ballots already read.
pub fn reviews_with(
    db: Db<'_>,
    selection_id: i64,
    counted: &[crate::paper::CountedBallot],
) -> Result<Vec<ReviewItem>, Failure> {
    let decided = review_rows(db, selection_id)?;
    let latest = |serial: &str, kind: &str, code: &str| {
        decided.iter().rev().find(|r| r.0 == serial && r.1 == kind && (kind == "doubtful" || r.2 == code))
    };
    let mut out = Vec::new();
    for b in counted {
        if let Some(reason) = &b.doubtful {
            let d = latest(&b.serial, "doubtful", "");
            out.push(ReviewItem {
                serial: Serial(b.serial.clone()).display(),
                kind: "doubtful".into(),
                code: reason.clone(),
                detail: b.findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>().join(", "),
                decision: d.and_then(|d| d.3.clone()),
                explanation: d.map(|d| d.4.clone()),
                by: d.map(|d| d.5.clone()),
            });
        } else if b.verdict == Verdict::Valid {
            for f in b.findings.iter().filter(|f| f.code.starts_with("W_")) {
                let d = latest(&b.serial, "warning", &f.code);
                out.push(ReviewItem {
                    serial: Serial(b.serial.clone()).display(),
                    kind: "warning".into(),
                    code: f.code.clone(),
                    detail: f.detail.clone(),
                    decision: None,
                    explanation: d.map(|d| d.4.clone()),
                    by: d.map(|d| d.5.clone()),
                });
            }
        }
    }
    Ok(out)
}

#[allow(clippy::type_complexity)]
fn review_rows(
    db: Db<'_>,
    selection_id: i64,
) -> Result<Vec<(String, String, String, Option<String>, String, String)>, Failure> {
    let mut stmt = db
        .conn
        .prepare("SELECT serial, kind, code, decision, explanation, operator FROM review WHERE selection_id = ?1 ORDER BY id")
        .map_err(|e| db.err(e))?;
    let rows = stmt
        .query_map([selection_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .map_err(|e| db.err(e))?;
    Ok(rows.collect::<Result<_, _>>().map_err(|e| db.err(e))?)
}

/// Differences sent back and not yet re-entered.
pub fn rechecks(db: Db<'_>, selection_id: i64) -> Result<Vec<Recheck>, Failure> {
    let mut stmt = db
        .conn
        .prepare(
            "SELECT serial, codes, requested_by FROM recheck WHERE selection_id = ?1 AND done_at IS NULL ORDER BY id",
        )
        .map_err(|e| db.err(e))?;
    let rows = stmt
        .query_map([selection_id], |r| {
            let codes: String = r.get(1)?;
            Ok(Recheck {
                serial: Serial(r.get(0)?).display(),
                codes: serde_json::from_str(&codes).unwrap_or_default(),
                requested_by: r.get(2)?,
            })
        })
        .map_err(|e| db.err(e))?;
    Ok(rows.collect::<Result<_, _>>().map_err(|e| db.err(e))?)
}

/// Every open double-entry difference, both entries side by side: who
/// typed what, when, from which box, and the plans that differ.
pub fn differences(db: Db<'_>, selection_id: i64) -> Result<Vec<DifferenceView>, Failure> {
    let mut out = Vec::new();
    for serial in crate::paper::store::reconciliation_queue(db, selection_id)? {
        let mut stmt = db
            .conn
            .prepare(
                "SELECT e.operator, e.at, e.marks, e.verdict, b.name FROM ballot_entry e LEFT JOIN ballot_box b ON b.id = e.box_id \
                 WHERE e.selection_id = ?1 AND e.serial = ?2 AND e.status = 'active' ORDER BY e.entry_no",
            )
            .map_err(|e| db.err(e))?;
        let sides: Vec<EntrySide> = stmt
            .query_map(params![selection_id, serial], |r| {
                let m: String = r.get(2)?;
                Ok(EntrySide {
                    operator: r.get(0)?,
                    at: r.get(1)?,
                    marks: serde_json::from_str::<Marks>(&m).map(|m| m.marks).unwrap_or_default(),
                    verdict: r.get(3)?,
                    box_name: r.get(4)?,
                })
            })
            .map_err(|e| db.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| db.err(e))?;
        let [first, second] = <[EntrySide; 2]>::try_from(sides).map_err(|_| {
            Failure::from(p("paper.nothing_to_resolve").with("serial", Serial(serial.clone()).display()))
        })?;
        let differing = differing(&Marks { marks: first.marks.clone() }, &Marks { marks: second.marks.clone() });
        out.push(DifferenceView { shown: Serial(serial.clone()).display(), serial, first, second, differing });
    }
    Ok(out)
}
