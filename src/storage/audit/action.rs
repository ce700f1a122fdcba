//! Every kind of audit event, as one closed type: an action the app does not
//! know cannot be written, and each action's stored name is written once.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    BackupRestore,
    BackupSettings,
    BallotDecide,
    BallotEnter,
    BallotRecheck,
    BallotRecheckEnter,
    BallotResolve,
    BallotUndo,
    BallotsPrint,
    BoxClose,
    BoxCreate,
    BoxReopen,
    CountClose,
    EntryDraft,
    EntryPause,
    EntryResume,
    OperatorSignIn,
    OperatorSignOut,
    PanelAmend,
    PanelClose,
    PanelConsent,
    PanelDraw,
    PanelDrawPick,
    PanelDrawPrint,
    PanelDrawReplace,
    PanelMember,
    PanelQuorum,
    PanelRoundClose,
    PanelRoundOpen,
    PanelVote,
    PanelFreeze,
    PanelReveal,
    PaperSettings,
    PlanAdd,
    PlanRemove,
    PlanUpdate,
    PlansImport,
    RecordsMove,
    RecordsSeal,
    RecordsWrite,
    RosterAdd,
    RosterChange,
    RosterPinSet,
    RosterPinWrong,
    SelectionCreate,
    SelectionUpdate,
    TablesAdd,
    TablesClose,
    TablesDrop,
    TablesSettings,
    TablesVerdict,
    WarningExplain,
}

impl Action {
    /// Every action, in the order above.
    pub const ALL: &'static [Action] = &[
        Action::BackupRestore,
        Action::BackupSettings,
        Action::BallotDecide,
        Action::BallotEnter,
        Action::BallotRecheck,
        Action::BallotRecheckEnter,
        Action::BallotResolve,
        Action::BallotUndo,
        Action::BallotsPrint,
        Action::BoxClose,
        Action::BoxCreate,
        Action::BoxReopen,
        Action::CountClose,
        Action::EntryDraft,
        Action::EntryPause,
        Action::EntryResume,
        Action::OperatorSignIn,
        Action::OperatorSignOut,
        Action::PanelAmend,
        Action::PanelClose,
        Action::PanelConsent,
        Action::PanelDraw,
        Action::PanelDrawPick,
        Action::PanelDrawPrint,
        Action::PanelDrawReplace,
        Action::PanelMember,
        Action::PanelQuorum,
        Action::PanelRoundClose,
        Action::PanelRoundOpen,
        Action::PanelVote,
        Action::PanelFreeze,
        Action::PanelReveal,
        Action::PaperSettings,
        Action::PlanAdd,
        Action::PlanRemove,
        Action::PlanUpdate,
        Action::PlansImport,
        Action::RecordsMove,
        Action::RecordsSeal,
        Action::RecordsWrite,
        Action::RosterAdd,
        Action::RosterChange,
        Action::RosterPinSet,
        Action::RosterPinWrong,
        Action::SelectionCreate,
        Action::SelectionUpdate,
        Action::TablesAdd,
        Action::TablesClose,
        Action::TablesDrop,
        Action::TablesSettings,
        Action::TablesVerdict,
        Action::WarningExplain,
    ];

    /// The name stored in the log (`area.verb`); never changed once released.
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::BackupRestore => "backup.restore",
            Action::BackupSettings => "backup.settings",
            Action::BallotDecide => "ballot.decide",
            Action::BallotEnter => "ballot.enter",
            Action::BallotRecheck => "ballot.recheck",
            Action::BallotRecheckEnter => "ballot.recheck_enter",
            Action::BallotResolve => "ballot.resolve",
            Action::BallotUndo => "ballot.undo",
            Action::BallotsPrint => "ballots.print",
            Action::BoxClose => "box.close",
            Action::BoxCreate => "box.create",
            Action::BoxReopen => "box.reopen",
            Action::CountClose => "count.close",
            Action::EntryDraft => "entry.draft",
            Action::EntryPause => "entry.pause",
            Action::EntryResume => "entry.resume",
            Action::OperatorSignIn => "operator.sign_in",
            Action::OperatorSignOut => "operator.sign_out",
            Action::PanelAmend => "panel.amend",
            Action::PanelClose => "panel.close",
            Action::PanelConsent => "panel.consent",
            Action::PanelDraw => "panel.draw",
            Action::PanelDrawPick => "panel.draw_pick",
            Action::PanelDrawPrint => "panel.draw_print",
            Action::PanelDrawReplace => "panel.draw_replace",
            Action::PanelMember => "panel.member",
            Action::PanelQuorum => "panel.quorum",
            Action::PanelRoundClose => "panel.round_close",
            Action::PanelRoundOpen => "panel.round_open",
            Action::PanelVote => "panel.vote",
            Action::PanelFreeze => "panel.freeze",
            Action::PanelReveal => "panel.reveal",
            Action::PaperSettings => "paper.settings",
            Action::PlanAdd => "plan.add",
            Action::PlanRemove => "plan.remove",
            Action::PlanUpdate => "plan.update",
            Action::PlansImport => "plans.import",
            Action::RecordsMove => "records.move",
            Action::RecordsSeal => "records.seal",
            Action::RecordsWrite => "records.write",
            Action::RosterAdd => "roster.add",
            Action::RosterChange => "roster.change",
            Action::RosterPinSet => "roster.pin_set",
            Action::RosterPinWrong => "roster.pin_wrong",
            Action::SelectionCreate => "selection.create",
            Action::SelectionUpdate => "selection.update",
            Action::TablesAdd => "tables.add",
            Action::TablesClose => "tables.close",
            Action::TablesDrop => "tables.drop",
            Action::TablesSettings => "tables.settings",
            Action::TablesVerdict => "tables.verdict",
            Action::WarningExplain => "warning.explain",
        }
    }

    /// The action of a stored name, if the app knows it.
    pub fn parse(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_its_own_name_and_reads_back() {
        let mut seen = std::collections::HashSet::new();
        for a in Action::ALL {
            assert!(seen.insert(a.as_str()), "{a:?} shares its name");
            assert_eq!(Action::parse(a.as_str()), Some(*a));
            assert!(a.as_str().split_once('.').is_some_and(|(x, y)| !x.is_empty() && !y.is_empty()));
        }
        assert_eq!(Action::parse("ballot.erase"), None);
    }
}
