//! The audit events of paper ballots: the ballot style, printing, entry, review, boxes and closing the count, each one typed value: the action, the
//! entity's path and the payload's JSON are made here, once per kind, and
//! `Change::record` appends it (through [`Recordable`]). The stored form is
//! the chain's: it must not change (`an_entry_is_stored_as_before` in
//! `paper/event.rs` pins one to the byte).

use serde_json::{json, Value};

use super::boxes::BoxInput;
use super::PaperSettings;
use crate::storage::audit::{Action, Recordable};

/// One audit event of this domain, before it is appended.
#[derive(Debug)]
pub enum PaperEvent<'a> {
    PaperSettings {
        selection: i64,
        before: Option<&'a PaperSettings>,
        after: &'a PaperSettings,
    },
    BallotsPrint {
        selection: i64,
        batch: i64,
        count: u32,
        style_hash: &'a str,
    },
    BallotEnter {
        selection: i64,
        serial: &'a str,
        entry_no: u8,
        verdict: &'a str,
        doubtful: bool,
        double_entry: Option<&'a str>,
        box_id: Option<i64>,
    },
    BallotUndo {
        selection: i64,
        serial: &'a str,
        entry_no: i64,
    },
    BallotResolve {
        selection: i64,
        serial: &'a str,
        keep: Option<u8>,
    },
    BallotRecheck {
        selection: i64,
        serial: &'a str,
        codes: &'a [String],
    },
    BallotRecheckEnter {
        selection: i64,
        serial: &'a str,
        codes: &'a [String],
        verdict: &'a str,
    },
    BallotDecide {
        selection: i64,
        serial: &'a str,
        decision: &'a str,
        explanation: &'a str,
    },
    WarningExplain {
        selection: i64,
        serial: &'a str,
        code: &'a str,
        explanation: &'a str,
    },
    BoxCreate {
        selection: i64,
        id: i64,
        input: &'a BoxInput,
    },
    BoxClose {
        selection: i64,
        id: i64,
        expected: u64,
        entered: u64,
        settled: u64,
        override_reason: Option<&'a str>,
    },
    BoxReopen {
        selection: i64,
        id: i64,
        reason: &'a str,
    },
    EntryPaused {
        selection: i64,
        paused: bool,
    },
    EntryDraft {
        selection: i64,
        operator: &'a str,
    },
    CountClose {
        selection: i64,
        settled: u64,
        entered: u64,
    },
}

impl Recordable for PaperEvent<'_> {
    fn action(&self) -> Action {
        use PaperEvent as E;
        match self {
            E::PaperSettings { .. } => Action::PaperSettings,
            E::BallotsPrint { .. } => Action::BallotsPrint,
            E::BallotEnter { .. } => Action::BallotEnter,
            E::BallotUndo { .. } => Action::BallotUndo,
            E::BallotResolve { .. } => Action::BallotResolve,
            E::BallotRecheck { .. } => Action::BallotRecheck,
            E::BallotRecheckEnter { .. } => Action::BallotRecheckEnter,
            E::BallotDecide { .. } => Action::BallotDecide,
            E::WarningExplain { .. } => Action::WarningExplain,
            E::BoxCreate { .. } => Action::BoxCreate,
            E::BoxClose { .. } => Action::BoxClose,
            E::BoxReopen { .. } => Action::BoxReopen,
            E::EntryPaused { paused: true, .. } => Action::EntryPause,
            E::EntryPaused { paused: false, .. } => Action::EntryResume,
            E::EntryDraft { .. } => Action::EntryDraft,
            E::CountClose { .. } => Action::CountClose,
        }
    }

    fn entity(&self) -> String {
        use PaperEvent as E;
        match self {
            E::PaperSettings { selection, .. }
            | E::BallotsPrint { selection, .. }
            | E::EntryPaused { selection, .. }
            | E::CountClose { selection, .. } => format!("selection/{selection}"),
            E::BallotEnter { selection, serial, .. }
            | E::BallotUndo { selection, serial, .. }
            | E::BallotResolve { selection, serial, .. }
            | E::BallotRecheck { selection, serial, .. }
            | E::BallotRecheckEnter { selection, serial, .. }
            | E::BallotDecide { selection, serial, .. }
            | E::WarningExplain { selection, serial, .. } => format!("selection/{selection}/ballot/{serial}"),
            E::BoxCreate { selection, id, .. }
            | E::BoxClose { selection, id, .. }
            | E::BoxReopen { selection, id, .. } => {
                format!("selection/{selection}/box/{id}")
            }
            E::EntryDraft { selection, operator } => format!("selection/{selection}/operator/{operator}"),
        }
    }

    fn payload(&self) -> (Option<Value>, Option<Value>) {
        use PaperEvent as E;
        let after = |v: Value| (None, Some(v));
        match self {
            E::PaperSettings { before, after: a, .. } => (before.map(|b| json!(b)), Some(json!(a))),
            E::BallotsPrint { batch, count, style_hash, .. } => {
                after(json!({ "batch": batch, "count": count, "style_hash": style_hash }))
            }
            // The marks are not in the log: they live in one place, the entry table.
            E::BallotEnter { entry_no, verdict, doubtful, double_entry, box_id, .. } => after(json!({
                "entry_no": entry_no, "verdict": verdict, "doubtful": doubtful,
                "double_entry": double_entry, "box": box_id
            })),
            E::BallotUndo { entry_no, .. } => after(json!({ "entry_no": entry_no })),
            E::BallotResolve { keep, .. } => after(json!({ "keep": keep })),
            E::BallotRecheck { codes, .. } => after(json!({ "codes": codes })),
            E::BallotRecheckEnter { codes, verdict, .. } => after(json!({ "codes": codes, "verdict": verdict })),
            E::BallotDecide { decision, explanation, .. } => {
                after(json!({ "decision": decision, "explanation": explanation }))
            }
            E::WarningExplain { code, explanation, .. } => after(json!({ "code": code, "explanation": explanation })),
            E::BoxCreate { input, .. } => after(json!(input)),
            E::BoxClose { expected, entered, settled, override_reason, .. } => after(json!({
                "expected": expected, "entered": entered, "settled": settled, "override_reason": override_reason
            })),
            E::BoxReopen { reason, .. } => after(json!({ "reason": reason })),
            E::CountClose { settled, entered, .. } => after(json!({ "settled": settled, "entered": entered })),
            // The event says that it happened, nothing more.
            E::EntryPaused { .. } | E::EntryDraft { .. } => (None, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stored form of an entry's event, to the byte: what chains and
    /// bundles written before the events were typed also hold.
    #[test]
    fn an_entry_is_stored_as_before() {
        let e = PaperEvent::BallotEnter {
            selection: 1,
            serial: "569797906",
            entry_no: 2,
            verdict: "valid",
            doubtful: false,
            double_entry: Some("agreed"),
            box_id: Some(3),
        };
        assert_eq!(e.action().as_str(), "ballot.enter");
        assert_eq!(e.entity(), "selection/1/ballot/569797906");
        let (before, after) = e.payload();
        assert_eq!(before, None);
        assert_eq!(
            after.map(|v| v.to_string()).as_deref(),
            Some(r#"{"box":3,"double_entry":"agreed","doubtful":false,"entry_no":2,"verdict":"valid"}"#)
        );
    }

    /// One event, two actions: the flag picks which.
    #[test]
    fn pause_names_its_action_by_the_flag() {
        assert_eq!(PaperEvent::EntryPaused { selection: 1, paused: true }.action().as_str(), "entry.pause");
        assert_eq!(PaperEvent::EntryPaused { selection: 1, paused: false }.action().as_str(), "entry.resume");
        assert_eq!(PaperEvent::EntryPaused { selection: 1, paused: false }.entity(), "selection/1");
    }
}
