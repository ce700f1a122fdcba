//! The audit events of gelote wijkpanels: members, quorum, rounds, votes (that they happened, never how), amendments and closing, each one typed value: the action, the
//! entity's path and the payload's JSON are made here, once per kind, and
//! `Change::record` appends it (through [`Recordable`]). The stored form is
//! the chain's: it must not change (`an_entry_is_stored_as_before` in
//! `paper/event.rs` pins one to the byte).

use serde_json::{json, Value};

use super::RoundFormat;
use crate::storage::audit::{Action, Recordable};

/// One audit event of this domain, before it is appended.
#[derive(Debug)]
pub enum PanelEvent<'a> {
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
        format: &'a RoundFormat,
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
    /// The chances and the numbered table of a draw by lot, computed.
    PanelDraw {
        selection: i64,
        draw: i64,
        size: u32,
        lottery: u32,
        pool_sha256: &'a str,
        quotas_sha256: &'a str,
        table_sha256: &'a str,
        min_probability: &'a str,
    },
    /// The lottery table printed: from now on it stands.
    PanelDrawPrint {
        selection: i64,
        draw: i64,
        table_sha256: &'a str,
    },
    /// A drawn member who declined, and who was drawn in their place.
    PanelDrawReplace {
        selection: i64,
        draw: i64,
        member: &'a str,
        replacement: &'a str,
        number: u32,
        candidates: u32,
        source: &'a str,
        /// The reason stays on the laptop; the chain holds its hash.
        reason_sha256: &'a str,
    },
    /// The number drawn in public and the panel it gives.
    PanelDrawPick {
        selection: i64,
        draw: i64,
        number: u32,
        source: &'a str,
        members: &'a [String],
    },
}

impl Recordable for PanelEvent<'_> {
    fn action(&self) -> Action {
        use PanelEvent as E;
        match self {
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
            E::PanelDraw { .. } => Action::PanelDraw,
            E::PanelDrawPick { .. } => Action::PanelDrawPick,
            E::PanelDrawReplace { .. } => Action::PanelDrawReplace,
            E::PanelDrawPrint { .. } => Action::PanelDrawPrint,
        }
    }

    fn entity(&self) -> String {
        use PanelEvent as E;
        match self {
            E::PanelQuorum { selection, .. } | E::PanelClose { selection } => format!("selection/{selection}"),
            E::PanelDraw { selection, draw, .. }
            | E::PanelDrawPick { selection, draw, .. }
            | E::PanelDrawReplace { selection, draw, .. }
            | E::PanelDrawPrint { selection, draw, .. } => {
                format!("selection/{selection}/draw/{draw}")
            }
            E::PanelMember { selection, code, .. } => format!("selection/{selection}/member/{code}"),
            E::PanelRoundOpen { selection, round, .. }
            | E::PanelRoundClose { selection, round, .. }
            | E::PanelFrozen { selection, round, .. } => format!("selection/{selection}/round/{round}"),
            E::PanelVote { selection, round, member } | E::PanelConsent { selection, round, member } => {
                format!("selection/{selection}/round/{round}/member/{member}")
            }
            E::PanelAmend { selection, code, .. } => format!("selection/{selection}/plan/{code}"),
        }
    }

    fn payload(&self) -> (Option<Value>, Option<Value>) {
        use PanelEvent as E;
        let after = |v: Value| (None, Some(v));
        match self {
            E::PanelMember { name, .. } => after(json!({ "name": name })),
            E::PanelQuorum { quorum, .. } => after(json!({ "quorum": quorum })),
            E::PanelRoundOpen { format, present, .. } => after(json!({ "format": format, "present": present })),
            E::PanelRoundClose { present, voted, quorum_note, .. } => {
                after(json!({ "present": present, "voted": voted, "quorum_note": quorum_note }))
            }
            E::PanelAmend { detail, reason, .. } => after(json!({ "detail": detail, "reason": reason })),
            // The event says that it happened; a vote itself is never in the log.
            E::PanelDraw { size, lottery, pool_sha256, quotas_sha256, table_sha256, min_probability, .. } => {
                after(json!({
                    "size": size, "lottery": lottery, "pool_sha256": pool_sha256, "quotas_sha256": quotas_sha256,
                    "table_sha256": table_sha256, "min_probability": min_probability
                }))
            }
            E::PanelDrawReplace { member, replacement, number, candidates, source, reason_sha256, .. } => {
                after(json!({
                    "member": member, "replacement": replacement, "number": number, "candidates": candidates,
                    "source": source, "reason_sha256": reason_sha256
                }))
            }
            E::PanelDrawPrint { table_sha256, .. } => after(json!({ "table_sha256": table_sha256 })),
            E::PanelDrawPick { number, source, members, .. } => {
                after(json!({ "number": number, "source": source, "members": members }))
            }
            E::PanelVote { .. } | E::PanelConsent { .. } | E::PanelFrozen { .. } | E::PanelClose { .. } => (None, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One event, two actions: the flag picks which; a vote's event says
    /// that a member voted, never how.
    #[test]
    fn freeze_names_its_action_by_the_flag_and_a_vote_shows_nothing() {
        assert_eq!(PanelEvent::PanelFrozen { selection: 3, round: 2, frozen: true }.action().as_str(), "panel.freeze");
        assert_eq!(PanelEvent::PanelFrozen { selection: 3, round: 2, frozen: false }.action().as_str(), "panel.reveal");
        assert_eq!(PanelEvent::PanelFrozen { selection: 3, round: 2, frozen: false }.entity(), "selection/3/round/2");
        assert_eq!(PanelEvent::PanelVote { selection: 3, round: 2, member: "P01" }.payload(), (None, None));
        assert_eq!(
            PanelEvent::PanelVote { selection: 3, round: 2, member: "P01" }.entity(),
            "selection/3/round/2/member/P01"
        );
    }
}
