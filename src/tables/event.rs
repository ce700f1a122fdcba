//! The audit events of gesprekstafels: settings, tables, their verdicts, drop-outs and closing, each one typed value: the action, the
//! entity's path and the payload's JSON are made here, once per kind, and
//! `Change::record` appends it (through [`Recordable`]). The stored form is
//! the chain's: it must not change (`an_entry_is_stored_as_before` in
//! `paper/event.rs` pins one to the byte).

use serde_json::{json, Value};

use super::{TableInput, TableSettings, VerdictInput};
use crate::storage::audit::{Action, Recordable};

/// One audit event of this domain, before it is appended.
#[derive(Debug)]
pub enum TablesEvent<'a> {
    TablesSettings { selection: i64, settings: &'a TableSettings },
    TablesAdd { selection: i64, id: i64, input: &'a TableInput },
    TablesVerdict { selection: i64, table: i64, verdict: &'a VerdictInput },
    TablesDrop { selection: i64, after_round: u32, threshold: &'a str, codes: &'a [String] },
    TablesClose { selection: i64, tables: usize },
}

impl Recordable for TablesEvent<'_> {
    fn action(&self) -> Action {
        use TablesEvent as E;
        match self {
            E::TablesSettings { .. } => Action::TablesSettings,
            E::TablesAdd { .. } => Action::TablesAdd,
            E::TablesVerdict { .. } => Action::TablesVerdict,
            E::TablesDrop { .. } => Action::TablesDrop,
            E::TablesClose { .. } => Action::TablesClose,
        }
    }

    fn entity(&self) -> String {
        use TablesEvent as E;
        match self {
            E::TablesSettings { selection, .. }
            | E::TablesDrop { selection, .. }
            | E::TablesClose { selection, .. } => format!("selection/{selection}"),
            E::TablesAdd { selection, id, .. } => format!("selection/{selection}/table/{id}"),
            E::TablesVerdict { selection, table, .. } => format!("selection/{selection}/table/{table}"),
        }
    }

    fn payload(&self) -> (Option<Value>, Option<Value>) {
        use TablesEvent as E;
        let after = |v: Value| (None, Some(v));
        match self {
            E::TablesSettings { settings, .. } => after(json!(settings)),
            E::TablesAdd { input, .. } => after(json!(input)),
            E::TablesVerdict { verdict, .. } => after(json!(verdict)),
            E::TablesDrop { after_round, threshold, codes, .. } => {
                after(json!({ "after_round": after_round, "threshold": threshold, "codes": codes }))
            }
            E::TablesClose { tables, .. } => after(json!({ "tables": tables })),
        }
    }
}
