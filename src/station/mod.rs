//! Counting on several laptops (`docs/stations.md`).
//!
//! The coordinator's laptop signs a *set-up package* of a paper-ballot
//! selection (plans, ballot style, rules, boxes, printed serials); a
//! counting station imports it and becomes a copy of that selection that
//! accepts the coordinator's ballots (their QR codes carry the coordinator's
//! selection id). A station signs *station packages* of its entries; the
//! coordinator admits each station's key once and imports its packages, in
//! any order and as often as they come: an entry is named by its station
//! and its id there, so an entry seen before is skipped, and a new one is
//! judged by the coordinator's rules and admitted through `entry::admit`
//! exactly as one typed on the coordinator's laptop, so a first entry on
//! one laptop and a second on another are compared as double entry. An
//! entry that cannot be admitted is kept as a conflict for the coordinator.
//! A package is checked whole before anything of it is written, and
//! written in one transaction: all of it or none of it.

mod merge;
pub mod package;
mod setup;
mod views;

pub use merge::{export_station, import_station};
pub use setup::{admit, export_setup, import_setup};
pub use views::{conflicts, open_conflicts, person, settle, stations};

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use crate::output::signing::Signer;
use crate::paper::ballot::{self, Marks, Verdict};
use crate::paper::boxes::BoxInput;
use crate::paper::{entry, PaperSettings};
use crate::problem::{Failure, Problem};
use crate::selection::{Method, PlanInput};
use crate::storage::audit::{Action, Recordable};
use crate::storage::store::{Db, Store};
use package::{Manifest, SETUP_FORMAT, STATION_FORMAT};

const SELECTION: &str = "selection.json";
const PRINTED: &str = "printed.csv";
const ENTRIES: &str = "entries.jsonl";
const BOXES: &str = "boxes.json";
const AUDIT: &str = "audit.jsonl";

fn p(code: &str) -> Problem {
    Problem::new(code)
}

/// What a set-up package says of the selection.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SetupSelection {
    wijk: String,
    edition: String,
    budget_cents: i64,
    plans: Vec<PlanInput>,
    settings: PaperSettings,
    boxes: Vec<BoxInput>,
    /// Each box's id here, in the order of `boxes`: what its cover's QR code says.
    #[serde(default)]
    box_ids: Vec<i64>,
}

/// One entry in a station package, as the station stored it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackedEntry {
    /// The entry's id on the station: with the station's key, its name.
    pub id: i64,
    pub serial: String,
    pub entry_no: i64,
    pub operator: String,
    pub at: String,
    /// Canonical JSON, as stored.
    pub marks: String,
    #[serde(rename = "box")]
    pub box_name: Option<String>,
    /// `active`, or `discarded` (taken back on the station).
    pub status: String,
}

/// What importing one station package did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PackageImport {
    pub file: String,
    pub station: String,
    #[ts(type = "number")]
    pub number: i64,
    /// The same package was imported before: nothing changed.
    pub already: bool,
    #[ts(type = "number")]
    pub added: u64,
    #[ts(type = "number")]
    pub repeated: u64,
    #[ts(type = "number")]
    pub conflicts: u64,
    #[ts(type = "number")]
    pub withdrawn: u64,
}

/// An entry a package brought that could not be admitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConflictView {
    #[ts(type = "number")]
    pub id: i64,
    pub station: String,
    pub serial: String,
    pub marks: String,
    pub operator: String,
    pub at: String,
    /// The problem code that kept it out (`paper.already_entered`, …).
    pub reason: String,
    /// Who entered this ballot on the coordinator's side so far, with their laptops.
    pub others: Vec<String>,
    pub settled: bool,
}

/// Per admitted station: its key, name and what came from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StationView {
    pub key_id: String,
    pub name: String,
    #[ts(type = "number")]
    pub packages: i64,
    pub last_import: Option<String>,
    #[ts(type = "number")]
    pub last_number: i64,
    #[ts(type = "number")]
    pub entries: i64,
    /// Per box of the selection.
    pub boxes: Vec<StationBoxView>,
}

/// One station's work on one box, as its packages brought it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StationBoxView {
    pub name: String,
    /// Its entries in the box counted here (active).
    #[ts(type = "number")]
    pub entries: i64,
    /// Its newest package that brought the box had it closed on the station.
    pub handed_in: bool,
    /// When a package last brought the box.
    pub last_import: Option<String>,
}

/// A station's copy of a coordinator's selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Origin {
    pub coordinator_key: String,
    #[ts(type = "number")]
    pub origin_selection_id: i64,
    pub setup_hash: String,
}

/// The audit events of this domain.
#[derive(Debug)]
pub enum StationEvent<'a> {
    SetupExport {
        selection: i64,
        setup_hash: &'a str,
        ballots: u64,
    },
    Setup {
        selection: i64,
        origin: &'a Origin,
        wijk: &'a str,
        plans: usize,
        boxes: usize,
        ballots: usize,
    },
    Admit {
        selection: i64,
        key_id: &'a str,
        name: &'a str,
    },
    Export {
        selection: i64,
        number: i64,
        sha256: &'a str,
        entries: usize,
        box_name: Option<&'a str>,
        /// The boxes closed on the station with this package: its work on them handed in.
        handed_in: &'a [String],
    },
    Import {
        selection: i64,
        station: &'a str,
        number: i64,
        sha256: &'a str,
        counts: [u64; 4],
    },
    Enter {
        selection: i64,
        serial: &'a str,
        entry_no: u8,
        verdict: &'a str,
        double_entry: Option<&'a str>,
        box_id: Option<i64>,
        station: &'a str,
        station_entry: i64,
    },
    Settle {
        selection: i64,
        conflict: i64,
        note: &'a str,
    },
}

impl Recordable for StationEvent<'_> {
    fn action(&self) -> Action {
        use StationEvent as E;
        match self {
            E::SetupExport { .. } => Action::StationSetupExport,
            E::Setup { .. } => Action::StationSetup,
            E::Admit { .. } => Action::StationAdmit,
            E::Export { .. } => Action::StationExport,
            E::Import { .. } => Action::StationImport,
            E::Enter { .. } => Action::BallotEnter,
            E::Settle { .. } => Action::StationConflictSettle,
        }
    }

    fn entity(&self) -> String {
        use StationEvent as E;
        match self {
            E::SetupExport { selection, .. } | E::Setup { selection, .. } | E::Export { selection, .. } => {
                format!("selection/{selection}")
            }
            E::Admit { selection, key_id, .. } => format!("selection/{selection}/station/{key_id}"),
            E::Import { selection, station, .. } => format!("selection/{selection}/station/{station}"),
            E::Enter { selection, serial, .. } => format!("selection/{selection}/ballot/{serial}"),
            E::Settle { selection, conflict, .. } => format!("selection/{selection}/conflict/{conflict}"),
        }
    }

    fn payload(&self) -> (Option<Value>, Option<Value>) {
        use StationEvent as E;
        let v = match self {
            E::SetupExport { setup_hash, ballots, .. } => json!({ "setup_hash": setup_hash, "ballots": ballots }),
            E::Setup { origin, wijk, plans, boxes, ballots, .. } => json!({
                "coordinator_key": origin.coordinator_key, "origin_selection": origin.origin_selection_id,
                "setup_hash": origin.setup_hash, "wijk": wijk, "plans": plans, "boxes": boxes, "ballots": ballots
            }),
            E::Admit { key_id, name, .. } => json!({ "key_id": key_id, "name": name }),
            E::Export { number, sha256, entries, box_name, handed_in, .. } => json!({
                "number": number, "sha256": sha256, "entries": entries, "box": box_name, "handed_in": handed_in
            }),
            E::Import { number, sha256, counts, .. } => json!({
                "number": number, "sha256": sha256, "added": counts[0], "repeated": counts[1],
                "conflicts": counts[2], "withdrawn": counts[3]
            }),
            // As `ballot.enter` from the keyboard, plus where it was typed.
            E::Enter { entry_no, verdict, double_entry, box_id, station, station_entry, .. } => json!({
                "entry_no": entry_no, "verdict": verdict, "doubtful": false,
                "double_entry": double_entry, "box": box_id, "station": station, "station_entry": station_entry
            }),
            E::Settle { note, .. } => json!({ "note": note }),
        };
        (None, Some(v))
    }
}

/// The station's copy's origin, if this selection is one.
pub fn origin(db: Db<'_>, selection_id: i64) -> Result<Option<Origin>, Failure> {
    Ok(db
        .conn
        .query_row(
            "SELECT coordinator_key, origin_selection_id, setup_hash FROM station_origin WHERE selection_id = ?1",
            [selection_id],
            |r| Ok(Origin { coordinator_key: r.get(0)?, origin_selection_id: r.get(1)?, setup_hash: r.get(2)? }),
        )
        .optional()
        .map_err(|e| db.err(e))?)
}
