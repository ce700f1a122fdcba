//! A working session at the laptop: the open database and who is signed in.
//! This is the API the desktop shell and the CLI call; it returns `Failure`
//! (codes plus parameters) so each front end renders it in its language.

use std::path::{Path, PathBuf};

use crate::demo;
use crate::paper::boxes::{BoxInput, BoxView, ProgressView};
use crate::paper::review::{Recheck, Resolution, ReviewItem};
use crate::paper::{EntryReceipt, PaperSettings};
use crate::problem::{Failure, Problem};
use crate::roster::{Role, RosterMember, SignInScreen, SignedIn};
use crate::selection::csv_import::{CsvError, ImportReport};
use crate::selection::{Plan, PlanInput, Selection, SelectionInput};
use crate::storage::audit::{self, AuditEvent, ChainReport};
use crate::storage::store::Store;

mod backups;
mod files;
mod output;
mod panel;
mod paper;
mod stations;
mod tables;

pub use backups::{backups_for_broken_db, BackupStatus};
use files::{file_name, read_picked};
pub use files::{open_export, slug, write_export, OutFile};
pub use output::{verify_bundle, verify_bundle_files, BundleExport, VerifyView};
pub use stations::{PackageFile, SetupImported};

pub struct Session {
    store: Store,
    operator: Option<SignedIn>,
    /// Signed in with the demo's public PIN (see `coordinator`).
    demo_pin: bool,
    /// The last automatic backup's problem, shown until a backup succeeds.
    backup_warning: Option<Problem>,
    /// Where this session's signing key lives when not the installation's
    /// (`use_key_dir`: tests that play several laptops in one process).
    key_dir: Option<PathBuf>,
}

pub type Res<T> = Result<T, Failure>;

impl Session {
    pub fn open(path: &Path) -> Res<Session> {
        Ok(Session { store: Store::open(path)?, operator: None, demo_pin: false, backup_warning: None, key_dir: None })
    }

    pub fn in_memory() -> Res<Session> {
        Ok(Session {
            store: Store::open_in_memory()?,
            operator: None,
            demo_pin: false,
            backup_warning: None,
            key_dir: None,
        })
    }

    /// What committed writes changed since the last call, for the front end
    /// to tell the windows that show it (pushed, not polled).
    pub fn take_changes(&mut self) -> Vec<crate::storage::store::Changed> {
        self.store.take_changes()
    }

    /// The clock every recorded time comes from (the system's unless set).
    pub fn set_clock(&mut self, clock: crate::clock::Clock) {
        self.store.set_clock(clock);
    }

    /// Read-only access to the database, for tests and diagnostics; every
    /// change goes through the methods above and below.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// For tests and diagnostics: every SQL statement run (`Store::trace_sql`).
    pub fn trace_sql(&mut self, f: Option<fn(&str)>) {
        self.store.trace_sql(f);
    }

    pub fn operator(&self) -> Option<&str> {
        self.operator.as_ref().map(|o| o.name.as_str())
    }

    /// Whoever is signed in, with their role as the roster has it now.
    pub fn signed_in(&self) -> Option<SignedIn> {
        self.current().ok()
    }

    /// What the sign-in screen shows: the roster's names (an empty roster
    /// asks for the first coordinator) and the demo's PINs while unchanged.
    pub fn sign_in_screen(&self) -> Res<SignInScreen> {
        let roster = crate::roster::roster(self.store.db())?.into_iter().filter(|m| m.active).collect();
        Ok(SignInScreen { roster, demo: crate::roster::demo_sign_ins(self.store.db())? })
    }

    /// Check a name and PIN against the roster and act as that person from
    /// now on, without an event of its own (the CLI: each change it makes is
    /// recorded under the name). A wrong PIN is recorded.
    pub fn authenticate(&mut self, name: &str, pin: &str) -> Res<SignedIn> {
        let who = self.store.authenticate(name, pin)?;
        self.demo_pin = is_demo_pin(&who.name, pin);
        self.operator = Some(who.clone());
        Ok(who)
    }

    /// Operators sign in with their name and PIN at the start of a shift;
    /// every change after that is recorded under their name.
    pub fn sign_in(&mut self, name: &str, pin: &str) -> Res<SignedIn> {
        let who = self.store.authenticate(name, pin)?;
        self.demo_pin = is_demo_pin(&who.name, pin);
        self.store.write(&who.name, |c| {
            c.record(crate::roster::RosterEvent::OperatorSignIn { name: &who.name, role: who.role.as_str() })
        })?;
        self.operator = Some(who.clone());
        Ok(who)
    }

    /// The first person on a laptop without a roster sets it up: they become
    /// its first coordinator and are signed in.
    pub fn set_up_roster(&mut self, name: &str, pin: &str) -> Res<SignedIn> {
        if !crate::roster::roster(self.store.db())?.is_empty() {
            return Err(Problem::new("roster.already_set_up").into());
        }
        let m = self.store.add_to_roster(name.trim(), name, Role::Coordinator, pin)?;
        self.sign_in(&m.name, pin)
    }

    pub fn sign_out(&mut self) -> Res<()> {
        if let Some(who) = self.operator.take() {
            self.store
                .write(&who.name, |c| c.record(crate::roster::RosterEvent::OperatorSignOut { name: &who.name }))?;
        }
        Ok(())
    }

    /// Whoever is signed in, as the roster has them now: a role changed or a
    /// person taken off since they signed in counts from the next action.
    fn current(&self) -> Res<SignedIn> {
        let Some(o) = &self.operator else { return Err(Problem::new("session.not_signed_in").into()) };
        match crate::roster::roster_now(self.store.db(), &o.name)? {
            Some(m) if m.active => Ok(SignedIn { name: m.name, role: m.role }),
            _ => Err(Problem::new("roster.inactive").with("name", &o.name).into()),
        }
    }

    /// Whoever is signed in, for what any operator may do.
    fn who(&self) -> Res<String> {
        Ok(self.current()?.name)
    }

    /// Whoever is signed in, for what only a coordinator may do: set-up,
    /// differences and doubtful ballots, boxes, closing, results, exports.
    /// Checked here, so the app and the CLI apply the same roles.
    fn coordinator(&self) -> Res<String> {
        let o = self.current()?;
        if o.role != Role::Coordinator {
            return Err(Problem::new("session.coordinator_only").with("name", &o.name).into());
        }
        // The demo's PIN is public: once a real edition is on the laptop,
        // whoever signed in with it may only change it.
        if self.demo_pin
            && crate::selection::list_selections(self.store.db())?.iter().any(|s| s.edition != demo::DEMO_EDITION)
        {
            return Err(Problem::new("roster.demo_pin_in_use").with("name", &o.name).into());
        }
        Ok(o.name)
    }

    pub fn roster(&self) -> Res<Vec<RosterMember>> {
        self.coordinator()?;
        Ok(crate::roster::roster(self.store.db())?)
    }

    pub fn add_to_roster(&mut self, name: &str, role: Role, pin: &str) -> Res<RosterMember> {
        let who = self.coordinator()?;
        self.store.add_to_roster(&who, name, role, pin)
    }

    /// The roster id of whoever is signed in.
    pub fn own_roster_id(&self) -> Res<i64> {
        let who = self.who()?;
        let key = crate::roster::name_key(&who);
        crate::roster::roster(self.store.db())?
            .into_iter()
            .find(|m| crate::roster::name_key(&m.name) == key)
            .map(|m| m.id)
            .ok_or_else(|| Problem::new("roster.unknown_name").with("name", &who).into())
    }

    /// A new PIN: anyone for themselves, a coordinator for anyone.
    pub fn set_roster_pin(&mut self, id: i64, pin: &str) -> Res<()> {
        let who = self.who()?;
        let own = self.own_roster_id().ok() == Some(id);
        if !own {
            self.coordinator()?;
        }
        self.store.set_roster_pin(&who, id, pin)?;
        if own {
            self.demo_pin = is_demo_pin(&who, pin);
        }
        Ok(())
    }

    pub fn set_roster_member(&mut self, id: i64, role: Role, active: bool) -> Res<RosterMember> {
        let who = self.coordinator()?;
        self.store.set_roster_member(&who, id, role, active)
    }

    /// Load the demo edition if the database has never held anything.
    /// Returns whether it did.
    pub fn load_demo_if_empty(&mut self) -> Res<bool> {
        let empty = crate::selection::list_selections(self.store.db())?.is_empty()
            && crate::storage::store::verify(self.store.conn()).map(|r| r.events == 0).unwrap_or(false);
        if empty {
            demo::load(&mut self.store, demo::DEMO_OPERATOR)?;
        }
        Ok(empty)
    }

    /// Load the demo edition; refused (nothing added) when it is there already.
    pub fn load_demo(&mut self) -> Res<Vec<Selection>> {
        let there: Vec<String> = crate::selection::list_selections(self.store.db())?
            .iter()
            .filter(|s| s.edition == demo::DEMO_EDITION)
            .map(|s| s.id.to_string())
            .collect();
        if !there.is_empty() {
            return Err(Problem::new("demo.already_loaded").with("ids", there.join(", ")).into());
        }
        // On a laptop with a roster only a coordinator adds the demo.
        let who = if crate::roster::roster(self.store.db())?.is_empty() {
            demo::DEMO_OPERATOR.to_string()
        } else {
            self.coordinator()?
        };
        Ok(demo::load(&mut self.store, &who)?)
    }

    pub fn selections(&self) -> Res<Vec<Selection>> {
        Ok(crate::selection::list_selections(self.store.db())?)
    }

    pub fn selection(&self, id: i64) -> Res<Selection> {
        Ok(crate::selection::read(self.store.db(), id)?)
    }

    pub fn plans(&self, selection_id: i64) -> Res<Vec<Plan>> {
        Ok(crate::selection::list_plans(self.store.db(), selection_id)?)
    }

    pub fn create_selection(&mut self, input: &SelectionInput) -> Res<Selection> {
        let who = self.coordinator()?;
        Ok(self.store.create_selection(&who, input)?)
    }

    pub fn update_selection(&mut self, id: i64, input: &SelectionInput) -> Res<Selection> {
        let who = self.coordinator()?;
        Ok(self.store.update_selection(&who, id, input)?)
    }

    pub fn add_plan(&mut self, selection_id: i64, input: &PlanInput) -> Res<Plan> {
        let who = self.coordinator()?;
        Ok(self.store.add_plan(&who, selection_id, input)?)
    }

    pub fn update_plan(&mut self, plan_id: i64, input: &PlanInput) -> Res<Plan> {
        let who = self.coordinator()?;
        Ok(self.store.update_plan(&who, plan_id, input)?)
    }

    pub fn remove_plan(&mut self, plan_id: i64) -> Res<()> {
        let who = self.coordinator()?;
        Ok(self.store.remove_plan(&who, plan_id)?)
    }

    pub fn import_plans_csv(&mut self, selection_id: i64, bytes: &[u8], file_name: &str) -> Res<ImportReport> {
        let who = self.coordinator()?;
        self.store
            .import_plans_csv(&who, selection_id, bytes, file_name)
            .map_err(|e: CsvError| Failure { problems: e.problems() })
    }

    /// `import_plans_csv` for a file the app read as bytes and sent as
    /// base64, so the file's own encoding is checked here as for the CLI.
    pub fn import_plans_csv_base64(
        &mut self,
        selection_id: i64,
        base64_bytes: &str,
        file_name: &str,
    ) -> Res<ImportReport> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(base64_bytes.trim())
            .map_err(|_| Failure::from(Problem::new("csv.not_text")))?;
        self.import_plans_csv(selection_id, &bytes, file_name)
    }

    /// Import a plans CSV the user picked in a file dialog (the bytes as
    /// they are on disk, so the encoding check applies).
    pub fn import_plans_csv_file(&mut self, selection_id: i64, path: &str) -> Res<ImportReport> {
        let bytes = read_picked(path)?;
        self.import_plans_csv(selection_id, &bytes, &file_name(path))
    }
}

/// Whether `pin` is the demo's public PIN for the demo name `name`.
fn is_demo_pin(name: &str, pin: &str) -> bool {
    let key = crate::roster::name_key(name);
    demo::DEMO_ROSTER.iter().any(|(n, _, p)| crate::roster::name_key(n) == key && *p == pin.trim())
}
/// The audit chain's head: the last event's place and hash, and the hash's
/// short form to write down.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct ChainHead {
    #[ts(type = "number")]
    pub seq: i64,
    pub hash: String,
    pub short: String,
}

/// Where things are: for the "Over Wijkstem" view and `wijkstem about`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct AboutInfo {
    pub version: String,
    pub db_path: String,
    /// The backup folder chosen in the backup settings, if any.
    pub backup_dir: Option<String>,
    /// The signing key's files (secret and public key).
    pub key_file: String,
    pub public_key_file: String,
    /// The signing key's id (as minisign prints it), once a key exists.
    pub key_id: Option<String>,
    /// Where printed PDFs and exports go.
    pub export_dir: String,
    /// The audit chain's head now, to write down (and check later with
    /// `wijkstem audit verify --head`).
    pub chain_head: Option<ChainHead>,
}

impl Session {
    pub fn about(&self) -> AboutInfo {
        let dir = crate::output::signing::key_dir();
        let public = dir.join(crate::output::signing::PUBLIC);
        let key_id = std::fs::read_to_string(&public)
            .ok()
            .and_then(|t| crate::output::signing::public_key_from_file_text(&t))
            .map(|pk| crate::output::signing::key_id(&pk));
        AboutInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            db_path: self.store.path().to_string(),
            backup_dir: self.store.backup_settings().dir,
            key_file: dir.join(crate::output::signing::SECRET).display().to_string(),
            public_key_file: public.display().to_string(),
            key_id,
            export_dir: crate::paper::export_dir().display().to_string(),
            chain_head: self.chain_head().ok(),
        }
    }
}

/// What the front end needs to know when it starts.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct StartupInfo {
    pub db_path: String,
    pub demo_loaded: bool,
    /// Set when the database could not be opened; the UI shows it instead of the app.
    pub failure: Option<Failure>,
    /// Set when the previous run did not end normally (crash, power cut, killed).
    pub recovered: Option<Recovery>,
}

/// Where the operator was when the app stopped unexpectedly, and what was
/// left unfinished. Everything acknowledged is in the database.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Recovery {
    pub operator: Option<String>,
    pub location: Option<Location>,
    /// One problem-style line per unfinished thing (codes under `recovery.`).
    pub unfinished: Vec<Problem>,
}

/// A place in the app the UI can return to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Location {
    #[ts(type = "number | null")]
    pub selection_id: Option<i64>,
    pub tab: String,
}

impl Session {
    /// Open the database for the desktop app, loading the demo into a new one.
    /// A failure is kept (not raised) so the window can explain it.
    pub fn start(path: &Path) -> (Result<Session, Failure>, StartupInfo) {
        let db_path = path.display().to_string();
        match Session::open(path).and_then(|mut s| s.load_demo_if_empty().map(|d| (s, d))) {
            Ok((mut s, demo_loaded)) => {
                let recovered = s.begin_run().unwrap_or(None);
                (Ok(s), StartupInfo { db_path, demo_loaded, failure: None, recovered })
            }
            Err(f) => (Err(f.clone()), StartupInfo { db_path, demo_loaded: false, failure: Some(f), recovered: None }),
        }
    }

    /// Mark the run as started; if the previous one never said goodbye,
    /// say where it was and what is unfinished.
    pub fn begin_run(&mut self) -> Res<Option<Recovery>> {
        let crashed = self.store.state("running")?.as_deref() == Some("1");
        self.store.set_state("running", "1")?;
        if !crashed {
            return Ok(None);
        }
        let location: Option<Location> = self.store.state("location")?.and_then(|l| serde_json::from_str(&l).ok());
        let operator = self.store.state("operator")?;
        let mut unfinished = Vec::new();
        for sel in crate::selection::list_selections(self.store.db())? {
            if sel.method != crate::selection::Method::Ballots || sel.status == crate::selection::Status::Closed {
                continue;
            }
            let Ok(v) = crate::paper::boxes::progress(self.store.db(), sel.id, "greedy", crate::i18n::Lang::Nl) else {
                continue;
            };
            let line = |code: &str, n: u64| Problem::new(code).with("wijk", &sel.wijk).with("count", n);
            if v.entered > 0 {
                unfinished.push(line("recovery.entered", v.settled));
            }
            if v.waiting > 0 {
                unfinished.push(line("recovery.waiting", v.waiting));
            }
            if v.queue > 0 {
                unfinished.push(line("recovery.queue", v.queue));
            }
            if v.doubtful_open > 0 {
                unfinished.push(line("recovery.doubtful", v.doubtful_open));
            }
            for b in v.boxes.iter().filter(|b| !b.closed) {
                unfinished.push(
                    Problem::new("recovery.box_open")
                        .with("wijk", &sel.wijk)
                        .with("box", &b.name)
                        .with("entered", b.entered)
                        .with("expected", b.expected),
                );
            }
            if v.paused {
                unfinished.push(Problem::new("recovery.paused").with("wijk", &sel.wijk));
            }
            let drafts: Vec<String> = {
                let mut stmt = self
                    .store
                    .conn()
                    .prepare("SELECT operator FROM entry_draft WHERE selection_id = ?1")
                    .map_err(|e| Failure::from(self.store.sql_err(e)))?;
                let rows = stmt.query_map([sel.id], |r| r.get(0)).map_err(|e| Failure::from(self.store.sql_err(e)))?;
                rows.filter_map(Result::ok).collect()
            };
            for who in drafts {
                unfinished.push(Problem::new("recovery.draft").with("wijk", &sel.wijk).with("who", who));
            }
        }
        Ok(Some(Recovery { operator, location, unfinished }))
    }

    /// The app is closing normally.
    pub fn end_run(&mut self) -> Res<()> {
        Ok(self.store.set_state("running", "0")?)
    }

    /// Remember where the operator is, to come back after a crash.
    pub fn set_location(&mut self, location: &Location) -> Res<()> {
        self.store.set_state("location", &serde_json::to_string(location).expect("serialises"))?;
        if let Some(op) = &self.operator {
            self.store.set_state("operator", &op.name)?;
        }
        Ok(())
    }
}
