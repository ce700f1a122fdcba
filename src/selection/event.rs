//! The audit events of selections and their plans, each one typed value: the action, the
//! entity's path and the payload's JSON are made here, once per kind, and
//! `Change::record` appends it (through [`Recordable`]). The stored form is
//! the chain's: it must not change (`an_entry_is_stored_as_before` in
//! `paper/event.rs` pins one to the byte).

use serde_json::{json, Value};

use super::{Plan, Selection};
use crate::storage::audit::{Action, Recordable};

/// One audit event of this domain, before it is appended.
#[derive(Debug)]
pub enum SelectionEvent<'a> {
    SelectionCreate { selection: &'a Selection },
    SelectionUpdate { before: &'a Selection, after: &'a Selection },
    PlanAdd { plan: &'a Plan },
    PlanUpdate { before: &'a Plan, after: &'a Plan },
    PlanRemove { before: &'a Plan },
    PlansImport { selection: i64, file: &'a str, rows: usize },
}

impl Recordable for SelectionEvent<'_> {
    fn action(&self) -> Action {
        use SelectionEvent as E;
        match self {
            E::SelectionCreate { .. } => Action::SelectionCreate,
            E::SelectionUpdate { .. } => Action::SelectionUpdate,
            E::PlanAdd { .. } => Action::PlanAdd,
            E::PlanUpdate { .. } => Action::PlanUpdate,
            E::PlanRemove { .. } => Action::PlanRemove,
            E::PlansImport { .. } => Action::PlansImport,
        }
    }

    fn entity(&self) -> String {
        use SelectionEvent as E;
        match self {
            E::SelectionCreate { selection } => format!("selection/{}", selection.id),
            E::SelectionUpdate { after, .. } => format!("selection/{}", after.id),
            E::PlanAdd { plan } => format!("plan/{}", plan.id),
            E::PlanUpdate { after, .. } => format!("plan/{}", after.id),
            E::PlanRemove { before } => format!("plan/{}", before.id),
            E::PlansImport { selection, .. } => format!("selection/{selection}"),
        }
    }

    fn payload(&self) -> (Option<Value>, Option<Value>) {
        use SelectionEvent as E;
        let after = |v: Value| (None, Some(v));
        match self {
            E::SelectionCreate { selection } => after(json!(selection)),
            E::SelectionUpdate { before, after: a } => (Some(json!(before)), Some(json!(a))),
            E::PlanAdd { plan } => after(json!(plan)),
            E::PlanUpdate { before, after: a } => (Some(json!(before)), Some(json!(a))),
            E::PlanRemove { before } => (Some(json!(before)), None),
            E::PlansImport { file, rows, .. } => after(json!({ "file": file, "rows": rows })),
        }
    }
}
