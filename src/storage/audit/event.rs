//! Every audit event the app writes, as one typed value: its action, the
//! thing it is about (`entity`) and its payload's fields, with their types.
//! A write appends an `Event` (`Change::record`); the entity's path and the
//! payload's JSON are made here, once per kind, so two places that record
//! the same action cannot write it two ways. The stored form (action name,
//! entity, `before`/`after` JSON with these keys) is what the chain, the
//! bundle and the verifier read; it is unchanged from when each call site
//! built it by hand.

use serde_json::{json, Value};

use super::Action;
use crate::paper::boxes::BoxInput;
use crate::paper::PaperSettings;
use crate::selection::{Plan, Selection};
use crate::storage::backup::BackupSettings;
use crate::tables::{TableInput, TableSettings, VerdictInput};

/// One audit event, before it is appended.
#[derive(Debug)]
pub enum Event<'a> {
    // The team and who is signed in.
    OperatorSignIn {
        name: &'a str,
        role: &'a str,
    },
    OperatorSignOut {
        name: &'a str,
    },
    RosterAdd {
        id: i64,
        name: &'a str,
        role: &'a str,
    },
    RosterPinSet {
        id: i64,
    },
    /// Recorded under no one's name: whoever typed it is not known.
    RosterPinWrong {
        id: i64,
    },
    RosterChange {
        id: i64,
        old_role: &'a str,
        old_active: bool,
        role: &'a str,
        active: bool,
    },
    // Selections and plans.
    SelectionCreate {
        selection: &'a Selection,
    },
    SelectionUpdate {
        before: &'a Selection,
        after: &'a Selection,
    },
    PlanAdd {
        plan: &'a Plan,
    },
    PlanUpdate {
        before: &'a Plan,
        after: &'a Plan,
    },
    PlanRemove {
        before: &'a Plan,
    },
    PlansImport {
        selection: i64,
        file: &'a str,
        rows: usize,
    },
    // Paper ballots.
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
    // Gesprekstafels.
    TablesSettings {
        selection: i64,
        settings: &'a TableSettings,
    },
    TablesAdd {
        selection: i64,
        id: i64,
        input: &'a TableInput,
    },
    TablesVerdict {
        selection: i64,
        table: i64,
        verdict: &'a VerdictInput,
    },
    TablesDrop {
        selection: i64,
        after_round: u32,
        threshold: &'a str,
        codes: &'a [String],
    },
    TablesClose {
        selection: i64,
        tables: usize,
    },
    // Gelote wijkpanels.
    PanelMember {
        selection: i64,
        code: &'a str,
        name: &'a str,
    },
    PanelQuorum {
        selection: i64,
        quorum: u32,
    },
    PanelRoundOpen {
        selection: i64,
        round: u32,
        format: &'a crate::panel::RoundFormat,
        present: &'a [String],
    },
    PanelVote {
        selection: i64,
        round: u32,
        member: &'a str,
    },
    PanelConsent {
        selection: i64,
        round: u32,
        member: &'a str,
    },
    PanelRoundClose {
        selection: i64,
        round: u32,
        present: usize,
        voted: usize,
        quorum_note: Option<&'a str>,
    },
    PanelFrozen {
        selection: i64,
        round: u32,
        frozen: bool,
    },
    PanelAmend {
        selection: i64,
        code: &'a str,
        detail: &'a Value,
        reason: &'a str,
    },
    PanelClose {
        selection: i64,
    },
    // The app itself.
    BackupSettings {
        settings: &'a BackupSettings,
    },
    BackupRestore {
        from: &'a str,
        previous_kept_as: &'a str,
    },
}

impl Event<'_> {
    /// The action as stored.
    pub fn action(&self) -> Action {
        use Event as E;
        match self {
            E::OperatorSignIn { .. } => Action::OperatorSignIn,
            E::OperatorSignOut { .. } => Action::OperatorSignOut,
            E::RosterAdd { .. } => Action::RosterAdd,
            E::RosterPinSet { .. } => Action::RosterPinSet,
            E::RosterPinWrong { .. } => Action::RosterPinWrong,
            E::RosterChange { .. } => Action::RosterChange,
            E::SelectionCreate { .. } => Action::SelectionCreate,
            E::SelectionUpdate { .. } => Action::SelectionUpdate,
            E::PlanAdd { .. } => Action::PlanAdd,
            E::PlanUpdate { .. } => Action::PlanUpdate,
            E::PlanRemove { .. } => Action::PlanRemove,
            E::PlansImport { .. } => Action::PlansImport,
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
            E::TablesSettings { .. } => Action::TablesSettings,
            E::TablesAdd { .. } => Action::TablesAdd,
            E::TablesVerdict { .. } => Action::TablesVerdict,
            E::TablesDrop { .. } => Action::TablesDrop,
            E::TablesClose { .. } => Action::TablesClose,
            E::PanelMember { .. } => Action::PanelMember,
            E::PanelQuorum { .. } => Action::PanelQuorum,
            E::PanelRoundOpen { .. } => Action::PanelRoundOpen,
            E::PanelVote { .. } => Action::PanelVote,
            E::PanelConsent { .. } => Action::PanelConsent,
            E::PanelRoundClose { .. } => Action::PanelRoundClose,
            E::PanelFrozen { frozen: true, .. } => Action::PanelFreeze,
            E::PanelFrozen { frozen: false, .. } => Action::PanelReveal,
            E::PanelAmend { .. } => Action::PanelAmend,
            E::PanelClose { .. } => Action::PanelClose,
            E::BackupSettings { .. } => Action::BackupSettings,
            E::BackupRestore { .. } => Action::BackupRestore,
        }
    }

    /// What the event is about, as a path (`selection/3/ballot/…`): the
    /// bundle decides from it what a public record may show.
    pub fn entity(&self) -> String {
        use Event as E;
        match self {
            E::OperatorSignIn { name, .. } | E::OperatorSignOut { name } => format!("operator/{name}"),
            E::RosterAdd { id, .. }
            | E::RosterPinSet { id }
            | E::RosterPinWrong { id }
            | E::RosterChange { id, .. } => {
                format!("roster/{id}")
            }
            E::SelectionCreate { selection } => format!("selection/{}", selection.id),
            E::SelectionUpdate { after, .. } => format!("selection/{}", after.id),
            E::PlanAdd { plan } => format!("plan/{}", plan.id),
            E::PlanUpdate { after, .. } => format!("plan/{}", after.id),
            E::PlanRemove { before } => format!("plan/{}", before.id),
            E::PlansImport { selection, .. }
            | E::PaperSettings { selection, .. }
            | E::BallotsPrint { selection, .. }
            | E::EntryPaused { selection, .. }
            | E::CountClose { selection, .. }
            | E::TablesSettings { selection, .. }
            | E::TablesDrop { selection, .. }
            | E::TablesClose { selection, .. }
            | E::PanelQuorum { selection, .. }
            | E::PanelClose { selection } => format!("selection/{selection}"),
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
            E::TablesAdd { selection, id, .. } => format!("selection/{selection}/table/{id}"),
            E::TablesVerdict { selection, table, .. } => format!("selection/{selection}/table/{table}"),
            E::PanelMember { selection, code, .. } => format!("selection/{selection}/member/{code}"),
            E::PanelRoundOpen { selection, round, .. }
            | E::PanelRoundClose { selection, round, .. }
            | E::PanelFrozen { selection, round, .. } => format!("selection/{selection}/round/{round}"),
            E::PanelVote { selection, round, member } | E::PanelConsent { selection, round, member } => {
                format!("selection/{selection}/round/{round}/member/{member}")
            }
            E::PanelAmend { selection, code, .. } => format!("selection/{selection}/plan/{code}"),
            E::BackupSettings { .. } | E::BackupRestore { .. } => "app/backup".to_string(),
        }
    }

    /// The payload: what was there before (for changes and removals) and
    /// what is there after.
    pub fn payload(&self) -> (Option<Value>, Option<Value>) {
        use Event as E;
        let after = |v: Value| (None, Some(v));
        match self {
            E::OperatorSignIn { name, role } => after(json!({ "name": name, "role": role })),
            E::RosterAdd { name, role, .. } => after(json!({ "name": name, "role": role })),
            E::RosterChange { old_role, old_active, role, active, .. } => (
                Some(json!({ "role": old_role, "active": old_active })),
                Some(json!({ "role": role, "active": active })),
            ),
            E::SelectionCreate { selection } => after(json!(selection)),
            E::SelectionUpdate { before, after: a } => (Some(json!(before)), Some(json!(a))),
            E::PlanAdd { plan } => after(json!(plan)),
            E::PlanUpdate { before, after: a } => (Some(json!(before)), Some(json!(a))),
            E::PlanRemove { before } => (Some(json!(before)), None),
            E::PlansImport { file, rows, .. } => after(json!({ "file": file, "rows": rows })),
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
            E::TablesSettings { settings, .. } => after(json!(settings)),
            E::TablesAdd { input, .. } => after(json!(input)),
            E::TablesVerdict { verdict, .. } => after(json!(verdict)),
            E::TablesDrop { after_round, threshold, codes, .. } => {
                after(json!({ "after_round": after_round, "threshold": threshold, "codes": codes }))
            }
            E::TablesClose { tables, .. } => after(json!({ "tables": tables })),
            E::PanelMember { name, .. } => after(json!({ "name": name })),
            E::PanelQuorum { quorum, .. } => after(json!({ "quorum": quorum })),
            E::PanelRoundOpen { format, present, .. } => after(json!({ "format": format, "present": present })),
            E::PanelRoundClose { present, voted, quorum_note, .. } => {
                after(json!({ "present": present, "voted": voted, "quorum_note": quorum_note }))
            }
            E::PanelAmend { detail, reason, .. } => after(json!({ "detail": detail, "reason": reason })),
            E::BackupSettings { settings } => after(json!(settings)),
            E::BackupRestore { from, previous_kept_as } => {
                after(json!({ "from": from, "previous_kept_as": previous_kept_as }))
            }
            // The event says that it happened; a vote itself is never in the log.
            E::OperatorSignOut { .. }
            | E::RosterPinSet { .. }
            | E::RosterPinWrong { .. }
            | E::EntryPaused { .. }
            | E::EntryDraft { .. }
            | E::PanelVote { .. }
            | E::PanelConsent { .. }
            | E::PanelFrozen { .. }
            | E::PanelClose { .. } => (None, None),
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
        let e = Event::BallotEnter {
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
    fn pause_and_freeze_name_their_action_by_the_flag() {
        assert_eq!(Event::EntryPaused { selection: 1, paused: true }.action().as_str(), "entry.pause");
        assert_eq!(Event::EntryPaused { selection: 1, paused: false }.action().as_str(), "entry.resume");
        assert_eq!(Event::PanelFrozen { selection: 3, round: 2, frozen: true }.action().as_str(), "panel.freeze");
        assert_eq!(Event::PanelFrozen { selection: 3, round: 2, frozen: false }.entity(), "selection/3/round/2");
        // A vote's event says that a member voted, never how.
        assert_eq!(Event::PanelVote { selection: 3, round: 2, member: "P01" }.payload(), (None, None));
    }
}
