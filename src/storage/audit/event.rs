//! What an audit event is, as a trait, and the app's own events (backups).
//! Every domain has its own typed events beside its code
//! (`roster::RosterEvent`, `selection::SelectionEvent`, `paper::PaperEvent`,
//! `tables::TablesEvent`, `panel::PanelEvent`); each makes its action, the
//! path of the thing it is about (`entity`) and its payload's JSON once per
//! kind, so two places that record the same action cannot write it two
//! ways, and `storage` names no domain's types. A write appends one with
//! `Change::record`. The stored form (action name, entity, `before`/`after`
//! JSON with these keys) is what the chain, the bundle and the verifier
//! read; it is unchanged from when each call site built it by hand.

use serde_json::{json, Value};

use super::Action;
use crate::storage::backup::BackupSettings;

/// An audit event before it is appended: what `Change::record` takes.
pub trait Recordable {
    /// The action as stored.
    fn action(&self) -> Action;
    /// What the event is about, as a path (`selection/3/ballot/…`): the
    /// bundle decides from it what a public record may show.
    fn entity(&self) -> String;
    /// The payload: what was there before (for changes and removals) and
    /// what is there after.
    fn payload(&self) -> (Option<Value>, Option<Value>);
}

/// The app's own events, about no selection.
#[derive(Debug)]
pub enum AppEvent<'a> {
    BackupSettings { settings: &'a BackupSettings },
    BackupRestore { from: &'a str, previous_kept_as: &'a str },
}

impl Recordable for AppEvent<'_> {
    fn action(&self) -> Action {
        use AppEvent as E;
        match self {
            E::BackupSettings { .. } => Action::BackupSettings,
            E::BackupRestore { .. } => Action::BackupRestore,
        }
    }

    fn entity(&self) -> String {
        use AppEvent as E;
        match self {
            E::BackupSettings { .. } | E::BackupRestore { .. } => "app/backup".to_string(),
        }
    }

    fn payload(&self) -> (Option<Value>, Option<Value>) {
        use AppEvent as E;
        let after = |v: Value| (None, Some(v));
        match self {
            E::BackupSettings { settings } => after(json!(settings)),
            E::BackupRestore { from, previous_kept_as } => {
                after(json!({ "from": from, "previous_kept_as": previous_kept_as }))
            }
        }
    }
}

/// The event that carries a write's claims on its rows when the write's
/// own events must stay readable in a published chain: a write's last event
/// claims its rows, and an event claiming a secret row (an entry, a vote) is
/// published by its hash only. An import records its summary first and
/// this last, so the summary (a package's hash, its counts) stays public.
#[derive(Debug)]
pub struct RecordsWrite;

impl Recordable for RecordsWrite {
    fn action(&self) -> Action {
        Action::RecordsWrite
    }
    fn entity(&self) -> String {
        "records".to_string()
    }
    fn payload(&self) -> (Option<Value>, Option<Value>) {
        (None, None)
    }
}
