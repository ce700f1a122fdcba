//! The audit events of the team: who is added, who signs in and out, PINs and roles, each one typed value: the action, the
//! entity's path and the payload's JSON are made here, once per kind, and
//! `Change::record` appends it (through [`Recordable`]). The stored form is
//! the chain's: it must not change (`an_entry_is_stored_as_before` in
//! `paper/event.rs` pins one to the byte).

use serde_json::{json, Value};

use crate::storage::audit::{Action, Recordable};

/// One audit event of this domain, before it is appended.
#[derive(Debug)]
pub enum RosterEvent<'a> {
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
}

impl Recordable for RosterEvent<'_> {
    fn action(&self) -> Action {
        use RosterEvent as E;
        match self {
            E::OperatorSignIn { .. } => Action::OperatorSignIn,
            E::OperatorSignOut { .. } => Action::OperatorSignOut,
            E::RosterAdd { .. } => Action::RosterAdd,
            E::RosterPinSet { .. } => Action::RosterPinSet,
            E::RosterPinWrong { .. } => Action::RosterPinWrong,
            E::RosterChange { .. } => Action::RosterChange,
        }
    }

    fn entity(&self) -> String {
        use RosterEvent as E;
        match self {
            E::OperatorSignIn { name, .. } | E::OperatorSignOut { name } => format!("operator/{name}"),
            E::RosterAdd { id, .. }
            | E::RosterPinSet { id }
            | E::RosterPinWrong { id }
            | E::RosterChange { id, .. } => {
                format!("roster/{id}")
            }
        }
    }

    fn payload(&self) -> (Option<Value>, Option<Value>) {
        use RosterEvent as E;
        let after = |v: Value| (None, Some(v));
        match self {
            E::OperatorSignIn { name, role } => after(json!({ "name": name, "role": role })),
            E::RosterAdd { name, role, .. } => after(json!({ "name": name, "role": role })),
            E::RosterChange { old_role, old_active, role, active, .. } => (
                Some(json!({ "role": old_role, "active": old_active })),
                Some(json!({ "role": role, "active": active })),
            ),
            // The event says that it happened, nothing more.
            E::OperatorSignOut { .. } | E::RosterPinSet { .. } | E::RosterPinWrong { .. } => (None, None),
        }
    }
}
