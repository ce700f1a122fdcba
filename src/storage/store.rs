//! The one SQLite file: opening it safely, migrations, and the write path.
//!
//! Every acknowledged write is one transaction committed with
//! `synchronous=FULL` in WAL mode: when `commit` returns, the entry survives a
//! power cut. Every write carries its audit event in the same transaction.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, Transaction};
use serde_json::Value;

use crate::problem::{Problem, ToProblem};
use crate::storage::audit;

/// Schema migrations, in order. `PRAGMA user_version` holds how many ran.
/// Never edit a released migration: append a new one. Each file's bytes
/// are those SQLite keeps in `sqlite_master`, which `schema_difference`
/// compares, so not even its whitespace may change.
const MIGRATIONS: &[&str] = &[
    // 1: selections, plans, append-only audit log
    include_str!("migrations/0001_selections_plans_audit.sql"),
    // 2: paper ballots: style per selection, printed serials, entries
    include_str!("migrations/0002_paper_ballots.sql"),
    // 3: ballot boxes, invalidity rules, pause, committee reviews, re-entry of
    // differing marks, an operator's unsaved ballot kept over a pause
    include_str!("migrations/0003_boxes_rules_reviews.sql"),
    // 4: the app's own state (where the operator was, whether the last run
    // ended cleanly, backup settings). Not election data, so not audited.
    include_str!("migrations/0004_app_state.sql"),
    // 5: gesprekstafels: verdict format, tables per round, verdicts, drop-outs
    include_str!("migrations/0005_gesprekstafels.sql"),
    // 6: gelote wijkpanels: members, rounds with attendance, votes, amendments
    include_str!("migrations/0006_wijkpanels.sql"),
    // 7: every record in the chain. An audit event claims, by hash, the rows
    // its write made or changed (`records`), and the record tables accept
    // only the changes the app makes: no deletes, no edits of what was
    // entered, decided or voted; statuses move one way. A closed count
    // keeps its plans, ballots and settings.
    include_str!("migrations/0007_records_in_chain.sql"),
    // 8: a panel member's vote is not linked to the member. Who has voted is
    // one table (`panel_voted`), the votes another (`panel_ballot`: a random
    // id, no time, no operator), like a ballot in a box. A round's votes are
    // claimed in the chain together when the round closes (`audit::BULK`).
    include_str!("migrations/0008_panel_vote_apart.sql"),
    // 9: the roster: who may sign in, with which role, and a salted scrypt
    // hash of their PIN (`roster/`). Nobody is deleted (the log keeps
    // their name); a name is never changed, only the role, PIN and whether
    // they are still on the roster.
    include_str!("migrations/0009_roster.sql"),
    // 10: a gelote wijkpanel drawn by lot: the quotas and the respondents'
    // codes and features as read (no names: the reader refuses any other
    // column), the computed chances and the numbered table of panels
    // (`panel_draw`), each print of that table (`panel_draw_print`: once
    // printed, it stands), the number drawn in public (`panel_draw_pick`), and
    // each member who declined and who was drawn instead (`panel_draw_replace`).
    // Neither is ever changed; a new computation is a new row.
    include_str!("migrations/0010_panel_draw.sql"),
    // 11: counting on several laptops (`station/`): a station's copy of the
    // coordinator's selection (`station_origin`: whose key signed the
    // set-up, the selection's id there, the set-up's hash), the stations a
    // coordinator admitted by key id, each package imported (its hash,
    // number and counts) or exported, an entry's station and its id there,
    // and the entries a package brought that could not be admitted
    // (`station_conflict`), settled once, with a note. The online vote of the
    // same selection (`paper/online.rs`): each file imported, by hash, and
    // its votes with a hash of the platform's voter pseudonym, never changed.
    include_str!("migrations/0011_stations.sql"),
    // 12: what each imported station package said of every box on that
    // laptop (`station_box_state`): closed there or not, and the ids of the
    // station's entries in it. A box is handed in by a station when its
    // newest package says closed and every one of those entries has arrived;
    // the coordinator closes a box, and the count, once every admitted
    // station has (`paper::store::stations_not_done`). On a station, each box's id on the coordinator's laptop
    // (`station_box_origin`), so the printed box covers scan there too.
    include_str!("migrations/0012_station_boxes.sql"),
];

/// The migration from which records are claimed in the chain: a database
/// older than this gets one event that claims every record it holds.
const RECORDS_CLAIMED_FROM: usize = 7;
/// The migration that stores panel votes apart from who cast them.
const PANEL_VOTES_APART: usize = 8;

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The whole check of a database: its schema is the one its migrations
/// made (no trigger dropped, added or changed: a trigger planted to alter
/// entries as they are saved would otherwise be claimed with them), then the
/// audit chain and every record against it (`audit::verify`).
pub fn verify(conn: &Connection) -> rusqlite::Result<audit::ChainReport> {
    if let Some(name) = schema_difference(conn)? {
        let events: i64 = conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?;
        return Ok(audit::ChainReport {
            events,
            head: String::new(),
            broken_at: Some(audit::ChainBreak { seq: 0, kind: "schema".into(), record: Some(name) }),
        });
    }
    audit::verify(conn)
}

/// The first table, index or trigger that differs from what the database's
/// migrations make, if any.
pub fn schema_difference(conn: &Connection) -> rusqlite::Result<Option<String>> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if !(1..=SCHEMA_VERSION).contains(&version) {
        return Ok(None);
    }
    // Every entry, SQLite's own included (a name like `sqlite_x` is no
    // excuse), compared exactly: both were written by the same SQLite.
    type Schema = std::collections::BTreeMap<String, String>;
    let read = |c: &Connection| -> rusqlite::Result<Schema> {
        let mut stmt = c.prepare_cached(
            "SELECT type || ' ' || name, tbl_name || char(10) || coalesce(sql, '') FROM main.sqlite_master",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        rows.collect()
    };
    let made = |version: i64| -> rusqlite::Result<Schema> {
        let expected = Connection::open_in_memory()?;
        for m in &MIGRATIONS[..version as usize] {
            expected.execute_batch(m)?;
        }
        read(&expected)
    };
    // The current schema is made once per process: every write compares with it.
    static CURRENT: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    let want = if version == SCHEMA_VERSION {
        match CURRENT.get() {
            Some(w) => w.clone(),
            None => CURRENT.get_or_init(|| made(SCHEMA_VERSION).unwrap_or_default()).clone(),
        }
    } else {
        made(version)?
    };
    let have = read(conn)?;
    let mut names: Vec<&String> = want.keys().chain(have.keys()).collect();
    names.sort();
    names.dedup();
    Ok(names.into_iter().find(|n| want.get(*n) != have.get(*n)).cloned())
}

/// The migrations' SQL, for tests that build a database as an older
/// Wijkstem left it.
#[doc(hidden)]
pub fn migrations() -> &'static [&'static str] {
    MIGRATIONS
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open database {path}: {detail}")]
    Open { path: String, detail: String },
    #[error("{path} is not a Wijkstem database")]
    NotADatabase { path: String },
    #[error("database {path} is damaged")]
    Corrupt { path: String },
    #[error("database was written by a newer Wijkstem (schema {found}, we know {known})")]
    TooNew { found: i64, known: i64 },
    #[error("database is read-only")]
    ReadOnly,
    #[error("disk is full")]
    DiskFull,
    #[error("database is in use by another Wijkstem")]
    Busy,
    #[error("not found: {what} {id}")]
    NotFound { what: &'static str, id: String },
    /// A record table's trigger refused a change that is never made to
    /// what was entered, decided or closed.
    #[error("refused: {0}")]
    Refused(String),
    /// The schema is not what the migrations make (a trigger planted or dropped).
    #[error("the schema differs at {0}")]
    SchemaChanged(String),
    /// A record about to be changed was changed outside Wijkstem first.
    #[error("record {0} was changed outside Wijkstem")]
    ChangedOutside(String),
    /// The selection's count is closed (checked inside the write's transaction).
    #[error("the count is closed")]
    Closed,
    #[error("database error: {0}")]
    Sql(String),
}

impl StoreError {
    pub(crate) fn from_sql(e: rusqlite::Error, path: &str) -> StoreError {
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            return match f.code {
                ErrorCode::NotADatabase => StoreError::NotADatabase { path: path.to_string() },
                ErrorCode::DatabaseCorrupt => StoreError::Corrupt { path: path.to_string() },
                ErrorCode::ReadOnly => StoreError::ReadOnly,
                ErrorCode::DiskFull => StoreError::DiskFull,
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Busy,
                ErrorCode::CannotOpen => StoreError::Open { path: path.to_string(), detail: e.to_string() },
                ErrorCode::ConstraintViolation if f.extended_code == 1811 /* SQLITE_CONSTRAINT_TRIGGER */ => {
                    StoreError::Refused(e.to_string())
                }
                _ => StoreError::Sql(e.to_string()),
            };
        }
        StoreError::Sql(e.to_string())
    }
}

impl ToProblem for StoreError {
    fn to_problem(&self) -> Problem {
        match self {
            StoreError::Open { path, detail } => Problem::new("store.open").with("path", path).with("detail", detail),
            StoreError::NotADatabase { path } => Problem::new("store.not_a_database").with("path", path),
            StoreError::Corrupt { path } => Problem::new("store.corrupt").with("path", path),
            StoreError::TooNew { found, known } => {
                Problem::new("store.too_new").with("found", found).with("known", known)
            }
            StoreError::ReadOnly => Problem::new("store.read_only"),
            StoreError::DiskFull => Problem::new("store.disk_full"),
            StoreError::Busy => Problem::new("store.busy"),
            StoreError::NotFound { what, id } => Problem::new("store.not_found").with("what", what).with("id", id),
            StoreError::Refused(d) if d.contains("a closed count is closed") => Problem::new("paper.count_closed"),
            StoreError::Refused(d) => Problem::new("store.refused").with("detail", d),
            StoreError::ChangedOutside(r) => Problem::new("store.changed_outside").with("record", r),
            StoreError::SchemaChanged(r) => Problem::new("store.schema_changed").with("name", r),
            StoreError::Closed => Problem::new("paper.count_closed"),
            StoreError::Sql(d) => Problem::new("store.sql").with("detail", d),
        }
    }
}

pub struct Store {
    conn: Connection,
    path: String,
    /// The highest rowid the chain has claimed per record table, kept up to
    /// date from the log (`audit::ClaimIndex`).
    claims: audit::ClaimIndex,
    /// What committed writes changed since the front end last asked
    /// (`take_changes`), so it can redraw what shows them instead of polling.
    changed: Vec<Changed>,
    /// The one clock every recorded time comes from.
    clock: crate::clock::Clock,
}

/// One committed change, as the windows that show it need to know: which
/// selection (none for the team or the app's own state) and what kind
/// (the audit action's area: `ballot`, `box`, `panel`, `tables`, `plan`, …).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct Changed {
    #[ts(type = "number | null")]
    pub selection_id: Option<i64>,
    pub kind: String,
}

impl Store {
    /// Where the app keeps its database when no `--db` is given.
    pub fn default_path() -> PathBuf {
        match directories::ProjectDirs::from("be", "Wijkstem", "wijkstem") {
            Some(d) => d.data_dir().join("wijkstem.sqlite"),
            None => PathBuf::from("wijkstem.sqlite"),
        }
    }

    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let shown = path.display().to_string();
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError::Open { path: shown.clone(), detail: e.to_string() })?;
            }
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::from_sql(e, &shown))?;
        Self::init(conn, shown)
    }

    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory().map_err(|e| StoreError::from_sql(e, ":memory:"))?;
        Self::init(conn, ":memory:".to_string())
    }

    fn init(conn: Connection, path: String) -> Result<Store, StoreError> {
        let map = |e| StoreError::from_sql(e, &path);
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(map)?;
        // Reading the header first turns "file is not a database" into a clear
        // message before we try to change anything in it.
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(map)?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew { found: version, known: SCHEMA_VERSION });
        }
        if version > 0 || table_count(&conn).map_err(map)? > 0 {
            let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(map)?;
            if app_id != APPLICATION_ID {
                return Err(StoreError::NotADatabase { path });
            }
        }
        if path != ":memory:" {
            conn.pragma_update(None, "journal_mode", "WAL").map_err(map)?;
        }
        conn.pragma_update(None, "synchronous", "FULL").map_err(map)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(map)?;
        let mut store =
            Store { conn, path, claims: audit::ClaimIndex::default(), changed: Vec::new(), clock: Default::default() };
        store.migrate(version)?;
        Ok(store)
    }

    fn migrate(&mut self, from: i64) -> Result<(), StoreError> {
        let path = self.path.clone();
        let map = |e| StoreError::from_sql(e, &path);
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
            let tx = self.conn.transaction().map_err(map)?;
            tx.execute_batch(sql).map_err(map)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64).map_err(map)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID).map_err(map)?;
            if i + 1 == RECORDS_CLAIMED_FROM && from > 0 {
                audit::install_seal_triggers(&tx).map_err(map)?;
                if let Some(claims) = audit::claim_all(&tx).map_err(map)? {
                    audit::append(
                        &tx,
                        &self.clock.stamp(),
                        "wijkstem",
                        audit::Action::RecordsSeal.as_str(),
                        "records",
                        None,
                        None,
                        Some(&claims),
                    )
                    .map_err(map)?;
                }
            }
            if i + 1 == PANEL_VOTES_APART && from > 0 {
                // The votes moved out of `panel_vote` are claimed where they are now.
                audit::install_seal_triggers(&tx).map_err(map)?;
                if let Some(claims) = audit::claim_tables(&tx, &["panel_voted", "panel_ballot"]).map_err(map)? {
                    audit::append(
                        &tx,
                        &self.clock.stamp(),
                        "wijkstem",
                        audit::Action::RecordsMove.as_str(),
                        "records",
                        None,
                        None,
                        Some(&claims),
                    )
                    .map_err(map)?;
                }
            }
            tx.commit().map_err(map)?;
        }
        audit::install_seal_triggers(&self.conn).map_err(map)?;
        Ok(())
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn sql_err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::from_sql(e, &self.path)
    }

    /// For tests and diagnostics: call `f` with every SQL statement run
    /// (`None` stops it).
    pub fn trace_sql(&mut self, f: Option<fn(&str)>) {
        self.conn.trace(f);
    }

    /// Read outside a write (a view). A write's checks read through
    /// `Change::db` instead, inside its transaction.
    pub fn db(&self) -> Db<'_> {
        Db { conn: &self.conn, path: &self.path }
    }

    /// Run one change and its audit event(s) atomically. The closure gets a
    /// `Change` to write through; it returns before anything is acknowledged.
    pub fn write<T, E>(&mut self, operator: &str, f: impl FnOnce(&mut Change<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.write_with(operator, |_, c| f(c))
    }

    /// `write`, where the closure also gets the store to read through: every
    /// read it makes (the checks the write depends on, with the store's own
    /// read methods) runs inside the write's transaction.
    pub fn write_with<T, E>(
        &mut self,
        operator: &str,
        f: impl FnOnce(&Store, &mut Change<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let path = self.path.clone();
        // IMMEDIATE: the write lock is taken before the checks run, so no other
        // writer (the CLI on the same file) can change what they read.
        // (`new_unchecked` so that the closure can read through `&Store`
        // meanwhile; a nested transaction would be refused by SQLite.)
        let tx = Transaction::new_unchecked(&self.conn, rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| StoreError::from_sql(e, &path))?;
        let at = self.clock.stamp();
        let mut change = Change { tx, operator: operator.to_string(), at, path: path.clone(), events: Vec::new() };
        let out = f(self, &mut change)?;
        let map = |e| StoreError::from_sql(e, &path);
        // The events go in last, the last one carrying the claims for every
        // record the change wrote (a write without an event still gets one).
        // Closing a count also claims the digest of all its records, so that
        // none can later be deleted, moved to another selection or added.
        let closing: Vec<i64> = change
            .events
            .iter()
            .filter(|e| audit::CLOSING.contains(&e.action.as_str()))
            .filter_map(|e| e.entity.strip_prefix("selection/").and_then(|x| x.parse().ok()))
            .collect();
        // A record the change altered or deleted must have been, until now,
        // what the chain last claimed for it: no claim vouches for an edit
        // made outside Wijkstem.
        // The schema is exactly what the migrations make: a trigger planted
        // for this one write (and taken out after) would alter what is claimed.
        if let Some(name) = schema_difference(&change.tx).map_err(map)? {
            return Err(StoreError::SchemaChanged(name).into());
        }
        // A new row must not take the place of a claimed row deleted outside.
        if let Some(record) = audit::check_inserted_rows(&change.tx, &mut self.claims).map_err(map)? {
            return Err(StoreError::ChangedOutside(record).into());
        }
        if let Some(record) = audit::check_rows_before_change(&change.tx).map_err(map)? {
            return Err(StoreError::ChangedOutside(record).into());
        }
        let claims = audit::take_claims_with(&change.tx, &closing).map_err(map)?;
        if change.events.is_empty() && claims.is_some() {
            change.events.push(Pending {
                action: audit::Action::RecordsWrite.as_str().into(),
                entity: "records".into(),
                before: None,
                after: None,
            });
        }
        let last = change.events.len().saturating_sub(1);
        for (i, e) in change.events.iter().enumerate() {
            let records = if i == last { claims.as_deref() } else { None };
            audit::append(
                &change.tx,
                &change.at,
                &change.operator,
                &e.action,
                &e.entity,
                e.before.as_deref(),
                e.after.as_deref(),
                records,
            )
            .map_err(map)?;
        }
        let events: Vec<Changed> = change
            .events
            .iter()
            .map(|e| Changed {
                selection_id: e
                    .entity
                    .strip_prefix("selection/")
                    .and_then(|rest| rest.split('/').next())
                    .and_then(|id| id.parse().ok()),
                kind: e.action.split('.').next().unwrap_or_default().to_string(),
            })
            .collect();
        change.tx.commit().map_err(map)?;
        for c in events {
            if !self.changed.contains(&c) {
                self.changed.push(c);
            }
        }
        Ok(out)
    }
}

impl Store {
    /// `write` for a change to one selection: inside the same transaction,
    /// before the change runs, an unknown selection is not found and a
    /// closed one refuses it (so the writes' own checks need not). So a count
    /// closed by another front end (the CLI on the same file) between a
    /// screen's checks and its write stays closed.
    pub fn write_open<T, E>(
        &mut self,
        operator: &str,
        selection_id: i64,
        f: impl FnOnce(&mut Change<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.write_open_with(operator, selection_id, |_, c| f(c))
    }

    /// `write_open` with the store to read through (see `write_with`).
    pub fn write_open_with<T, E>(
        &mut self,
        operator: &str,
        selection_id: i64,
        f: impl FnOnce(&Store, &mut Change<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.write_with(operator, |st, c| {
            let status: Option<String> =
                c.tx.query_row("SELECT status FROM selection WHERE id = ?1", [selection_id], |r| r.get(0))
                    .optional()
                    .map_err(|e| StoreError::from_sql(e, &c.path))?;
            match status.as_deref() {
                None => Err(StoreError::NotFound { what: "selection", id: selection_id.to_string() }.into()),
                Some("closed") => Err(StoreError::Closed.into()),
                Some(_) => f(st, c),
            }
        })
    }

    /// The clock every recorded time comes from.
    pub fn clock(&self) -> crate::clock::Clock {
        self.clock
    }

    /// Use another clock (tests fix it).
    pub fn set_clock(&mut self, clock: crate::clock::Clock) {
        self.clock = clock;
    }

    /// What committed writes changed since the last call (each once).
    pub fn take_changes(&mut self) -> Vec<Changed> {
        std::mem::take(&mut self.changed)
    }

    pub fn state(&self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        self.conn
            .query_row("SELECT value FROM app_state WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.sql_err(e))
    }

    pub fn set_state(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn
            .execute("INSERT INTO app_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value])
            .map(|_| ())
            .map_err(|e| self.sql_err(e))
    }
}

/// 'WkSt' — marks the file as ours so a foreign SQLite file is refused.
pub const APPLICATION_ID: i64 = 0x576b_5374;

fn table_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
}

/// An open write transaction with the operator who makes the change.
pub struct Change<'a> {
    pub tx: Transaction<'a>,
    pub operator: String,
    /// The change's time (read once from the store's clock): every row and
    /// event it writes carries it.
    pub at: String,
    path: String,
    events: Vec<Pending>,
}

/// An audit event of the open change, appended when the change commits.
struct Pending {
    action: String,
    entity: String,
    before: Option<String>,
    after: Option<String>,
}

/// The database to read from: either the store outside any write
/// (`Store::db`, for views) or a write's own transaction (`Change::db`), so
/// that a write's checks read what its lock holds still. Each domain's read
/// functions take a `Db`, and both kinds of caller share them.
#[derive(Clone, Copy)]
pub struct Db<'a> {
    pub conn: &'a Connection,
    path: &'a str,
}

impl Db<'_> {
    pub fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::from_sql(e, self.path)
    }
}

impl Change<'_> {
    pub fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::from_sql(e, &self.path)
    }

    /// Read inside this write's transaction (see `Db`).
    pub fn db(&self) -> Db<'_> {
        Db { conn: &self.tx, path: &self.path }
    }

    /// Append an audit event to this change (see `audit::Recordable`; each
    /// domain has its own typed events).
    pub fn record(&mut self, event: impl audit::Recordable) -> Result<(), StoreError> {
        let (before, after) = event.payload();
        self.audit(event.action(), &event.entity(), before.as_ref(), after.as_ref())
    }

    fn audit(
        &mut self,
        action: audit::Action,
        entity: &str,
        before: Option<&Value>,
        after: Option<&Value>,
    ) -> Result<(), StoreError> {
        self.events.push(Pending {
            action: action.as_str().to_string(),
            entity: entity.to_string(),
            before: before.map(|v| v.to_string()),
            after: after.map(|v| v.to_string()),
        });
        Ok(())
    }
}
