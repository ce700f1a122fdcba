//! A working session at the laptop: the open database and who is signed in.
//! This is the API the desktop shell and the CLI call; it returns `Failure`
//! (codes plus parameters) so each front end renders it in its language.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::audit::{self, AuditEvent, ChainReport};
use crate::batch::{BoxInput, BoxView, ProgressView};
use crate::csv_import::{CsvError, ImportReport};
use crate::demo;
use crate::paper::{EntryReceipt, PaperSettings};
use crate::problem::{Failure, Problem};
use crate::review::{Recheck, Resolution, ReviewItem};
use crate::roster::{Role, RosterMember, SignInScreen, SignedIn};
use crate::selection::{Plan, PlanInput, Selection, SelectionInput};
use crate::store::Store;

pub struct Session {
    store: Store,
    operator: Option<SignedIn>,
    /// Signed in with the demo's public PIN (see `coordinator`).
    demo_pin: bool,
    /// The last automatic backup's problem, shown until a backup succeeds.
    backup_warning: Option<Problem>,
}

pub type Res<T> = Result<T, Failure>;

impl Session {
    pub fn open(path: &Path) -> Res<Session> {
        Ok(Session { store: Store::open(path)?, operator: None, demo_pin: false, backup_warning: None })
    }

    pub fn in_memory() -> Res<Session> {
        Ok(Session { store: Store::open_in_memory()?, operator: None, demo_pin: false, backup_warning: None })
    }

    pub fn store(&self) -> &Store {
        &self.store
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
        let roster = self.store.roster()?.into_iter().filter(|m| m.active).collect();
        Ok(SignInScreen { roster, demo: self.store.demo_sign_ins()? })
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
            c.audit(
                "operator.sign_in",
                &format!("operator/{}", who.name),
                None,
                Some(&json!({ "name": who.name, "role": who.role.as_str() })),
            )
        })?;
        self.operator = Some(who.clone());
        Ok(who)
    }

    /// The first person on a laptop without a roster sets it up: they become
    /// its first coordinator and are signed in.
    pub fn set_up_roster(&mut self, name: &str, pin: &str) -> Res<SignedIn> {
        if !self.store.roster()?.is_empty() {
            return Err(Problem::new("roster.already_set_up").into());
        }
        let m = self.store.add_to_roster(name.trim(), name, Role::Coordinator, pin)?;
        self.sign_in(&m.name, pin)
    }

    pub fn sign_out(&mut self) -> Res<()> {
        if let Some(who) = self.operator.take() {
            self.store
                .write(&who.name, |c| c.audit("operator.sign_out", &format!("operator/{}", who.name), None, None))?;
        }
        Ok(())
    }

    /// Whoever is signed in, as the roster has them now: a role changed or a
    /// person taken off since they signed in counts from the next action.
    fn current(&self) -> Res<SignedIn> {
        let Some(o) = &self.operator else { return Err(Problem::new("session.not_signed_in").into()) };
        match self.store.roster_now(&o.name)? {
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
        if self.demo_pin && self.store.list_selections()?.iter().any(|s| s.edition != demo::DEMO_EDITION) {
            return Err(Problem::new("roster.demo_pin_in_use").with("name", &o.name).into());
        }
        Ok(o.name)
    }

    /// A real selection is not closed or signed while a coordinator can still
    /// sign in with the demo's public PIN.
    fn no_demo_pins(&self, selection_id: i64) -> Res<()> {
        if self.store.get_selection(selection_id)?.edition == demo::DEMO_EDITION {
            return Ok(());
        }
        let open: Vec<String> =
            self.store.demo_sign_ins()?.into_iter().filter(|d| d.role == Role::Coordinator).map(|d| d.name).collect();
        if open.is_empty() {
            Ok(())
        } else {
            Err(Problem::new("roster.demo_pins_active").with("names", open.join(", ")).into())
        }
    }

    pub fn roster(&self) -> Res<Vec<RosterMember>> {
        self.coordinator()?;
        Ok(self.store.roster()?)
    }

    pub fn add_to_roster(&mut self, name: &str, role: Role, pin: &str) -> Res<RosterMember> {
        let who = self.coordinator()?;
        self.store.add_to_roster(&who, name, role, pin)
    }

    /// The roster id of whoever is signed in.
    pub fn own_roster_id(&self) -> Res<i64> {
        let who = self.who()?;
        let key = crate::roster::name_key(&who);
        self.store
            .roster()?
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
        let empty = self.store.list_selections()?.is_empty()
            && crate::store::verify(self.store.conn()).map(|r| r.events == 0).unwrap_or(false);
        if empty {
            demo::load(&mut self.store, demo::DEMO_OPERATOR)?;
        }
        Ok(empty)
    }

    /// Load the demo edition; refused (nothing added) when it is there already.
    pub fn load_demo(&mut self) -> Res<Vec<Selection>> {
        let there: Vec<String> = self
            .store
            .list_selections()?
            .iter()
            .filter(|s| s.edition == demo::DEMO_EDITION)
            .map(|s| s.id.to_string())
            .collect();
        if !there.is_empty() {
            return Err(Problem::new("demo.already_loaded").with("ids", there.join(", ")).into());
        }
        // On a laptop with a roster only a coordinator adds the demo.
        let who = if self.store.roster()?.is_empty() { demo::DEMO_OPERATOR.to_string() } else { self.coordinator()? };
        Ok(demo::load(&mut self.store, &who)?)
    }

    pub fn selections(&self) -> Res<Vec<Selection>> {
        Ok(self.store.list_selections()?)
    }

    pub fn selection(&self, id: i64) -> Res<Selection> {
        Ok(self.store.get_selection(id)?)
    }

    pub fn plans(&self, selection_id: i64) -> Res<Vec<Plan>> {
        Ok(self.store.list_plans(selection_id)?)
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
        let name = Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        self.import_plans_csv(selection_id, &bytes, &name)
    }

    pub fn paper_settings(&self, selection_id: i64) -> Res<Option<PaperSettings>> {
        self.store.paper_settings(selection_id)
    }

    pub fn set_paper_settings(&mut self, selection_id: i64, settings: &PaperSettings) -> Res<()> {
        let who = self.coordinator()?;
        self.store.set_paper_settings(&who, selection_id, settings)
    }

    pub fn print_ballots(
        &mut self,
        selection_id: i64,
        count: u32,
        per_page: u8,
        lang: crate::i18n::Lang,
    ) -> Res<(Vec<crate::ballot::Serial>, Vec<u8>)> {
        let who = self.coordinator()?;
        self.store.print_ballots(&who, selection_id, count, per_page, lang)
    }

    pub fn enter_ballot(
        &mut self,
        selection_id: i64,
        box_id: Option<i64>,
        scan: &str,
        marks: &crate::ballot::Marks,
        doubtful: Option<&str>,
    ) -> Res<EntryReceipt> {
        let who = self.who()?;
        self.store.enter_ballot(&who, selection_id, box_id, scan, marks, doubtful)
    }

    /// Print ballots into the export folder; returns the PDF's path.
    /// Take back one's own last entry (a typo seen on the receipt); see `Store::undo_last_entry`.
    pub fn undo_last_entry(&mut self, selection_id: i64) -> Res<String> {
        let who = self.who()?;
        self.store.undo_last_entry(&who, selection_id)
    }

    pub fn print_ballots_to_file(
        &mut self,
        selection_id: i64,
        count: u32,
        per_page: u8,
        lang: crate::i18n::Lang,
    ) -> Res<String> {
        self.coordinator()?;
        let sel = self.store.get_selection(selection_id)?;
        let out = OutFile::export(&format!(
            "stembiljetten-{}-{}-{}.pdf",
            slug(&sel.wijk),
            count,
            crate::audit::now().replace(':', "")
        ))?;
        let (_, pdf) = self.print_ballots(selection_id, count, per_page, lang)?;
        out.finish(&pdf)
    }

    pub fn tally_view(
        &self,
        selection_id: i64,
        rule_name: &str,
        lang: crate::i18n::Lang,
    ) -> Res<crate::paper::TallyView> {
        self.coordinator()?;
        self.store.tally_view(selection_id, rule_name, lang)
    }

    pub fn reconciliation_queue(&self, selection_id: i64) -> Res<Vec<String>> {
        self.coordinator()?;
        self.store.reconciliation_queue(selection_id)
    }

    /// The open double-entry differences with both entries side by side.
    pub fn differences(&self, selection_id: i64) -> Res<Vec<crate::review::DifferenceView>> {
        self.coordinator()?;
        self.store.differences(selection_id)
    }

    pub fn resolve(&mut self, selection_id: i64, serial: &str, how: Resolution) -> Res<()> {
        let who = self.coordinator()?;
        self.store.resolve(&who, selection_id, serial, how)
    }

    pub fn rechecks(&self, selection_id: i64) -> Res<Vec<Recheck>> {
        self.store.rechecks(selection_id)
    }

    pub fn recheck_entry(
        &mut self,
        selection_id: i64,
        serial: &str,
        marks: &crate::ballot::Marks,
    ) -> Res<EntryReceipt> {
        let who = self.who()?;
        self.store.recheck_entry(&who, selection_id, serial, marks)
    }

    pub fn reviews(&self, selection_id: i64) -> Res<Vec<ReviewItem>> {
        self.coordinator()?;
        self.store.reviews(selection_id)
    }

    pub fn decide_doubtful(&mut self, selection_id: i64, serial: &str, accept: bool, explanation: &str) -> Res<()> {
        let who = self.coordinator()?;
        self.store.decide_doubtful(&who, selection_id, serial, accept, explanation)
    }

    pub fn explain_warning(&mut self, selection_id: i64, serial: &str, code: &str, explanation: &str) -> Res<()> {
        let who = self.coordinator()?;
        self.store.explain_warning(&who, selection_id, serial, code, explanation)
    }

    pub fn boxes(&self, selection_id: i64) -> Res<Vec<BoxView>> {
        self.store.list_boxes(selection_id)
    }

    pub fn create_box(&mut self, selection_id: i64, input: &BoxInput) -> Res<BoxView> {
        let who = self.coordinator()?;
        self.store.create_box(&who, selection_id, input)
    }

    pub fn close_box(&mut self, selection_id: i64, box_id: i64, override_reason: Option<&str>) -> Res<BoxView> {
        let who = self.coordinator()?;
        let b = self.store.close_box(&who, selection_id, box_id, override_reason)?;
        // Every closed box is a moment worth a backup and a checkpoint of the
        // chain's head beside it; a failing backup only warns.
        if let Some(dir) = self.store.backup_settings().dir {
            let _ = self.backup_now();
            let _ = self.write_checkpoint(Path::new(&dir), selection_id, &b.name);
        }
        Ok(b)
    }

    /// The chain's head now: what the app shows to write down, and what a
    /// checkpoint holds.
    pub fn chain_head(&self) -> Res<ChainHead> {
        let (seq, hash): (i64, String) = self
            .store
            .conn()
            .query_row("SELECT coalesce(max(seq), 0), coalesce((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '') FROM audit_log", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| Failure::from(self.store.sql_err(e)))?;
        Ok(ChainHead { seq, short: audit::short_hash(&hash), hash })
    }

    /// Write a checkpoint (head, count, time) into `dir`, signed with the
    /// signing key when it exists and needs no passphrase (a key is never
    /// made here). Returns the checkpoint's path.
    pub fn write_checkpoint(&self, dir: &Path, selection_id: i64, what: &str) -> Res<PathBuf> {
        let sel = self.store.get_selection(selection_id)?;
        let head = self.chain_head()?;
        let settled = self.store.progress(selection_id, "greedy", crate::i18n::Lang::Nl)?.settled as i64;
        let cp = audit::Checkpoint {
            format: audit::CHECKPOINT_FORMAT.into(),
            at: audit::now(),
            wijk: sel.wijk.clone(),
            what: what.to_string(),
            settled,
            seq: head.seq,
            head: head.hash,
        };
        let bytes = serde_json::to_vec_pretty(&cp).expect("serialises");
        let path = dir.join(format!("checkpoint-{}-{}-{}.json", slug(&sel.wijk), slug(what), cp.at.replace(':', "")));
        let io = |e: std::io::Error| {
            Failure::from(crate::Problem::new("export.write").with("path", path.display()).with("detail", e))
        };
        std::fs::write(&path, &bytes).map_err(io)?;
        let key_dir = crate::signing::key_dir();
        if key_dir.join(crate::signing::SECRET).exists() {
            if let Ok(signer) = crate::signing::Signer::load_or_create(&key_dir, None) {
                if let Ok(sig) = signer.sign(&bytes, &format!("{} seq={}", audit::CHECKPOINT_FORMAT, cp.seq)) {
                    let sig_path = PathBuf::from(format!("{}.minisig", path.display()));
                    std::fs::write(sig_path, sig).map_err(io)?;
                }
            }
        }
        Ok(path)
    }

    /// Whether this database's chain verifies and still holds `head` (a full
    /// hash or its short form, as printed on a proces-verbaal or read from a
    /// checkpoint). Returns the event it names.
    pub fn audit_verify_head(&self, head: &str) -> Res<AuditEvent> {
        let report = self.audit_verify()?;
        if let Some(b) = report.broken_at {
            return Err(crate::Problem::new("audit.chain_broken").with("seq", b.seq).with("kind", b.kind).into());
        }
        let events = audit::all(self.store.conn()).map_err(|e| Failure::from(self.store.sql_err(e)))?;
        audit::find_head(&events, head)
            .cloned()
            .ok_or_else(|| crate::Problem::new("audit.head_missing").with("head", head.trim()).into())
    }

    /// `audit_verify_head` for a checkpoint file: its head must be in the
    /// chain at its place. A signature beside it (`.minisig`) must verify
    /// with this laptop's public key.
    /// Also says whether the checkpoint was signed.
    pub fn audit_verify_checkpoint(&self, file: &Path) -> Res<(AuditEvent, bool)> {
        let bad = |d: String| {
            Failure::from(crate::Problem::new("audit.checkpoint_bad").with("path", file.display()).with("detail", d))
        };
        let bytes = std::fs::read(file).map_err(|e| bad(e.to_string()))?;
        let cp: audit::Checkpoint = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
        if cp.format != audit::CHECKPOINT_FORMAT {
            return Err(bad(cp.format));
        }
        let sig_path = PathBuf::from(format!("{}.minisig", file.display()));
        let signed = sig_path.exists();
        if let Ok(sig) = std::fs::read_to_string(&sig_path) {
            let pk_text = std::fs::read_to_string(crate::signing::key_dir().join(crate::signing::PUBLIC))
                .map_err(|e| bad(e.to_string()))?;
            let pk = crate::signing::public_key_from_file_text(&pk_text).ok_or_else(|| bad("public key".into()))?;
            crate::signing::verify(&pk, &bytes, &sig).map_err(bad)?;
        }
        let e = self.audit_verify_head(&cp.head)?;
        if e.seq != cp.seq {
            return Err(crate::Problem::new("audit.head_missing").with("head", audit::short_hash(&cp.head)).into());
        }
        Ok((e, signed))
    }

    pub fn reopen_box(&mut self, selection_id: i64, box_id: i64, reason: &str) -> Res<BoxView> {
        let who = self.coordinator()?;
        self.store.reopen_box(&who, selection_id, box_id, reason)
    }

    /// Print a box's cover sheet into the export folder; returns its path.
    pub fn print_box_cover_to_file(&self, selection_id: i64, box_id: i64, lang: crate::i18n::Lang) -> Res<String> {
        self.coordinator()?;
        let sel = self.store.get_selection(selection_id)?;
        let b = self.store.get_box(selection_id, box_id)?;
        let pdf = crate::pdf::box_cover(&sel, b.id, &b.name, &b.location, b.expected, lang);
        write_export(&format!("stembus-{}-{}.pdf", slug(&sel.wijk), slug(&b.name)), &pdf)
    }

    pub fn set_entry_paused(&mut self, selection_id: i64, paused: bool) -> Res<()> {
        let who = self.who()?;
        self.store.set_entry_paused(&who, selection_id, paused)
    }

    pub fn save_draft(&mut self, selection_id: i64, draft: &str) -> Res<()> {
        let who = self.who()?;
        self.store.save_draft(&who, selection_id, draft)
    }

    /// The signed-in operator's unsaved ballot, if one was kept.
    pub fn draft(&self, selection_id: i64) -> Res<Option<String>> {
        let who = self.who()?;
        self.store.draft(&who, selection_id)
    }

    pub fn clear_draft(&mut self, selection_id: i64) -> Res<()> {
        let who = self.who()?;
        self.store.clear_draft(&who, selection_id)
    }

    pub fn progress(&self, selection_id: i64, rule_name: &str, lang: crate::i18n::Lang) -> Res<ProgressView> {
        self.who()?;
        self.store.progress(selection_id, rule_name, lang)
    }

    pub fn close_count(&mut self, selection_id: i64) -> Res<()> {
        let who = self.coordinator()?;
        self.no_demo_pins(selection_id)?;
        self.store.close_count(&who, selection_id)
    }

    /// Write the public cast-vote records (CSV, no serials) and the pabulib
    /// file into the export folder; returns both paths.
    pub fn export_records(&self, selection_id: i64) -> Res<Vec<String>> {
        self.coordinator()?;
        let sel = self.store.get_selection(selection_id)?;
        let stem = format!("{}-{}", slug(&sel.wijk), crate::audit::now().replace(':', ""));
        let (cvr, pb) = self.public_records(selection_id)?;
        Ok(vec![
            write_export(&format!("stemmen-{stem}.csv"), cvr.as_bytes())?,
            write_export(&format!("pabulib-{stem}.pb"), pb.as_bytes())?,
        ])
    }

    /// The public cast-vote records (CSV, no serials) and the pabulib file,
    /// as text: for the CLI, which writes them where it is told.
    pub fn public_records(&self, selection_id: i64) -> Res<(String, String)> {
        self.coordinator()?;
        self.store.require_intact()?;
        Ok((
            self.store.export_cvr(selection_id, crate::cvr::Records::Public)?,
            self.store.export_pabulib(selection_id)?,
        ))
    }

    /// The committee's internal records (zip bytes); see `export_internal`.
    pub fn internal_records(&self, selection_id: i64, lang: crate::i18n::Lang) -> Res<Vec<u8>> {
        self.coordinator()?;
        self.store.export_internal(selection_id, lang)
    }

    /// Write the committee's internal records (serials, entries, decisions,
    /// the whole chain) into the export folder under a name that says not
    /// to publish it; returns its path.
    pub fn export_internal(&self, selection_id: i64, lang: crate::i18n::Lang) -> Res<String> {
        self.coordinator()?;
        let sel = self.store.get_selection(selection_id)?;
        let stem = format!("{}-{}", slug(&sel.wijk), crate::audit::now().replace(':', ""));
        let zip = self.store.export_internal(selection_id, lang)?;
        write_export(&format!("INTERN-niet-publiceren-{stem}.zip"), &zip)
    }

    pub fn tally(
        &self,
        selection_id: i64,
        rule: &crate::rules::Rule,
        tb: &crate::rules::TieBreak,
    ) -> Res<crate::paper::Tally> {
        self.coordinator()?;
        self.store.tally(selection_id, rule, tb)
    }

    pub fn audit_log(&self, limit: i64) -> Res<Vec<AuditEvent>> {
        audit::list(self.store.conn(), limit).map_err(|e| Failure::from(self.store.sql_err(e)))
    }

    pub fn audit_verify(&self) -> Res<ChainReport> {
        crate::store::verify(self.store.conn()).map_err(|e| Failure::from(self.store.sql_err(e)))
    }
}

impl Session {
    pub fn table_settings(&self, selection_id: i64) -> Res<Option<crate::tables::TableSettings>> {
        self.store.table_settings(selection_id)
    }

    pub fn set_table_settings(&mut self, selection_id: i64, settings: &crate::tables::TableSettings) -> Res<()> {
        let who = self.coordinator()?;
        self.store.set_table_settings(&who, selection_id, settings)
    }

    pub fn add_table(&mut self, selection_id: i64, input: &crate::tables::TableInput) -> Res<crate::tables::TableView> {
        let who = self.coordinator()?;
        self.store.add_table(&who, selection_id, input)
    }

    pub fn tables(&self, selection_id: i64) -> Res<Vec<crate::tables::TableView>> {
        self.store.tables(selection_id)
    }

    pub fn enter_verdict(
        &mut self,
        selection_id: i64,
        table_id: i64,
        verdict: &crate::tables::VerdictInput,
    ) -> Res<crate::tables::TableView> {
        let who = self.who()?;
        self.store.enter_verdict(&who, selection_id, table_id, verdict)
    }

    /// What a scanned table sheet names: the table id, if it is one of this selection's.
    pub fn table_scan(&self, selection_id: i64, scan: &str) -> Res<i64> {
        match crate::tables::parse_table_scan(scan) {
            Some((sel, id)) if sel == selection_id => Ok(id),
            Some((sel, _)) => {
                let other = self.store.get_selection(sel).map(|s| s.wijk).unwrap_or_else(|_| "?".into());
                let this = self.store.get_selection(selection_id)?.wijk;
                Err(Problem::new("paper.other_selection").with("other", other).with("this", this).into())
            }
            None => Err(Problem::new("ballot.unreadable").into()),
        }
    }

    pub fn drop_preview(&self, selection_id: i64, after_round: u32, threshold: &str) -> Res<Vec<String>> {
        self.coordinator()?;
        self.store.drop_preview(selection_id, after_round, threshold)
    }

    pub fn confirm_drop(&mut self, selection_id: i64, after_round: u32, threshold: &str) -> Res<Vec<String>> {
        let who = self.coordinator()?;
        self.store.confirm_drop(&who, selection_id, after_round, threshold)
    }

    pub fn close_tables(&mut self, selection_id: i64) -> Res<()> {
        let who = self.coordinator()?;
        self.no_demo_pins(selection_id)?;
        self.store.close_tables(&who, selection_id)
    }

    pub fn tables_overview(&self, selection_id: i64, lang: crate::i18n::Lang) -> Res<crate::tables::TablesOverview> {
        self.coordinator()?;
        self.store.tables_overview(selection_id, lang)
    }

    /// Print the table sheets of a round (or all rounds) into the export folder.
    pub fn print_table_sheets(&self, selection_id: i64, round: Option<u32>, lang: crate::i18n::Lang) -> Res<String> {
        self.coordinator()?;
        let sel = self.store.get_selection(selection_id)?;
        let settings = self
            .store
            .table_settings(selection_id)?
            .ok_or_else(|| Failure::from(Problem::new("tables.no_settings")))?;
        let tables: Vec<_> =
            self.store.tables(selection_id)?.into_iter().filter(|t| round.is_none_or(|r| t.round == r)).collect();
        if tables.is_empty() {
            return Err(Problem::new("tables.bad_table").into());
        }
        let pdf =
            crate::pdf::table_sheets(&sel, &tables, &self.store.list_plans(selection_id)?, &settings.format, lang)?;
        write_export(
            &format!(
                "tafelbladen-{}-{}.pdf",
                slug(&sel.wijk),
                round.map(|r| format!("ronde{r}")).unwrap_or_else(|| "alle".into())
            ),
            &pdf,
        )
    }
}

impl Session {
    pub fn add_member(&mut self, selection_id: i64, code: &str, name: &str) -> Res<crate::panel::Member> {
        let who = self.coordinator()?;
        self.store.add_member(&who, selection_id, code, name)
    }

    pub fn set_quorum(&mut self, selection_id: i64, quorum: u32) -> Res<()> {
        let who = self.coordinator()?;
        self.store.set_quorum(&who, selection_id, quorum)
    }

    pub fn open_round(
        &mut self,
        selection_id: i64,
        format: &crate::panel::RoundFormat,
        present: &[String],
    ) -> Res<u32> {
        let who = self.coordinator()?;
        self.store.open_round(&who, selection_id, format, present)
    }

    pub fn cast_vote(&mut self, selection_id: i64, round: u32, member: &str, votes: &[(String, u32)]) -> Res<()> {
        let who = self.who()?;
        self.store.cast_vote(&who, selection_id, round, member, votes)
    }

    pub fn close_round(&mut self, selection_id: i64, round: u32, override_reason: Option<&str>) -> Res<()> {
        let who = self.coordinator()?;
        self.store.close_round(&who, selection_id, round, override_reason)
    }

    pub fn set_frozen(&mut self, selection_id: i64, frozen: bool) -> Res<()> {
        let who = self.coordinator()?;
        self.store.set_frozen(&who, selection_id, frozen)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn amend(
        &mut self,
        selection_id: i64,
        plan: &str,
        new_cost_cents: Option<i64>,
        withdraw: bool,
        merge_from: Option<&str>,
        reason: &str,
    ) -> Res<()> {
        let who = self.coordinator()?;
        self.store.amend(&who, selection_id, plan, new_cost_cents, withdraw, merge_from, reason)
    }

    pub fn record_consent(
        &mut self,
        selection_id: i64,
        round: u32,
        member: &str,
        agree: bool,
        objection: &str,
    ) -> Res<()> {
        let who = self.who()?;
        self.store.record_consent(&who, selection_id, round, member, agree, objection)
    }

    /// Print the cards of the open round, one per present member.
    pub fn print_round_cards(&self, selection_id: i64, lang: crate::i18n::Lang) -> Res<String> {
        self.coordinator()?;
        let sel = self.store.get_selection(selection_id)?;
        let st = self.store.panel_state(selection_id)?;
        let r = st
            .rounds
            .last()
            .filter(|r| !r.closed)
            .ok_or_else(|| Failure::from(Problem::new("panel.unknown_round").with("round", st.rounds.len() + 1)))?;
        let members: Vec<(String, String)> = st
            .members
            .iter()
            .filter(|m| r.present.contains(&m.code))
            .map(|m| (m.code.clone(), m.name.clone()))
            .collect();
        let pdf =
            crate::pdf::round_cards(&sel, r.no, &members, &self.store.live_plans(selection_id)?, &r.format, lang)?;
        write_export(&format!("stemkaarten-{}-ronde{}.pdf", slug(&sel.wijk), r.no), &pdf)
    }

    pub fn close_panel(&mut self, selection_id: i64) -> Res<()> {
        let who = self.coordinator()?;
        self.no_demo_pins(selection_id)?;
        self.store.close_panel(&who, selection_id)
    }

    pub fn panel_state(&self, selection_id: i64) -> Res<crate::panel::PanelState> {
        self.store.panel_state(selection_id)
    }

    pub fn projector(&self, selection_id: i64, lang: crate::i18n::Lang) -> Res<crate::panel::ProjectorView> {
        self.who()?;
        self.store.projector(selection_id, lang)
    }

    pub fn panel_package(&self, selection_id: i64, lang: crate::i18n::Lang) -> Res<crate::panel::PanelPackage> {
        self.who()?;
        let (funded, total_cost_cents, explanation) = self.store.panel_package(selection_id, lang)?;
        Ok(crate::panel::PanelPackage { funded, total_cost_cents, explanation })
    }
}

/// The state of automatic backups, for the screen.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct BackupStatus {
    pub settings: crate::backup::BackupSettings,
    pub last_backup: Option<String>,
    pub warning: Option<Problem>,
}

impl Session {
    pub fn backup_settings(&self) -> crate::backup::BackupSettings {
        self.store.backup_settings()
    }

    pub fn set_backup_settings(&mut self, settings: &crate::backup::BackupSettings) -> Res<()> {
        let who = self.coordinator()?;
        self.store.set_backup_settings(&who, settings)?;
        self.backup_warning = None;
        Ok(())
    }

    /// Make a backup now into the chosen folder.
    pub fn backup_now(&mut self) -> Res<crate::backup::BackupInfo> {
        let settings = self.store.backup_settings();
        let dir = settings.dir.clone().ok_or(crate::backup::BackupError::NoDir)?;
        match self.store.backup_to(Path::new(&dir), settings.keep) {
            Ok(info) => {
                self.backup_warning = None;
                Ok(info)
            }
            Err(e) => {
                let f = Failure::from(e);
                self.backup_warning = f.problems.first().cloned();
                Err(f)
            }
        }
    }

    /// Called regularly by the app: makes a backup when one is due while a
    /// count is open. Never fails: a problem becomes the warning shown.
    pub fn backup_tick(&mut self) -> BackupStatus {
        let settings = self.store.backup_settings();
        let open = self
            .store
            .list_selections()
            .map(|l| l.iter().any(|s| s.status != crate::selection::Status::Closed))
            .unwrap_or(false);
        let last = self.store.state("last_backup").ok().flatten();
        let due = match (&settings.dir, &last) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(_), Some(at)) => time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
                .map(|t| (time::OffsetDateTime::now_utc() - t).whole_seconds() >= settings.every_minutes as i64 * 60)
                .unwrap_or(true),
        };
        if due && open {
            let _ = self.backup_now();
        }
        BackupStatus {
            settings,
            last_backup: self.store.state("last_backup").ok().flatten(),
            warning: self.backup_warning.clone(),
        }
    }

    /// The backups in the chosen folder (or `dir`), newest first, each with what it holds.
    pub fn list_backups(&self, dir: Option<&str>) -> Vec<crate::backup::BackupInfo> {
        let dir = dir.map(String::from).or(self.store.backup_settings().dir);
        dir.map(|d| crate::backup::list(Path::new(&d))).unwrap_or_default()
    }

    /// Put a backup in place of the open database. The current file is kept
    /// beside it; the restore itself is recorded in the audit log.
    pub fn restore_backup(&mut self, backup: &str) -> Res<String> {
        let who = self.coordinator()?;
        let db = std::path::PathBuf::from(self.store.path());
        if self.store.path() == ":memory:" {
            return Err(Problem::new("backup.in_memory").into());
        }
        // Close the file before replacing it.
        self.store = Store::open_in_memory()?;
        let restored = crate::backup::restore_file(Path::new(backup), &db);
        self.store = Store::open(&db)?;
        let kept = restored?;
        self.store.write(&who, |c| {
            c.audit(
                "backup.restore",
                "app/backup",
                None,
                Some(&json!({ "from": backup, "previous_kept_as": kept.display().to_string() })),
            )
        })?;
        Ok(kept.display().to_string())
    }
}

/// Backups beside a database that does not open: the folder named in the
/// location file next to it, if any.
pub fn backups_for_broken_db(db: &Path, dir: Option<&str>) -> Vec<crate::backup::BackupInfo> {
    let dir = dir.map(String::from).or_else(|| {
        std::fs::read_to_string(db.parent().unwrap_or(Path::new(".")).join(crate::backup::LOCATION_FILE))
            .ok()
            .map(|s| s.trim().to_string())
    });
    dir.map(|d| crate::backup::list(Path::new(&d))).unwrap_or_default()
}

/// What an export of the result wrote.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct BundleExport {
    pub bundle_path: String,
    pub report_path: String,
    pub key_id: String,
    pub content_hash: String,
}

/// The outcome of checking a bundle, for the screen.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct VerifyView {
    pub ok: bool,
    pub passed: Vec<Problem>,
    pub problems: Vec<Problem>,
}

impl Session {
    /// The proces-verbaal (PDF bytes) of a closed count and the content hash
    /// printed on it, as the signed bundle holds it.
    pub fn report_pdf(
        &self,
        selection_id: i64,
        passphrase: Option<&str>,
        lang: crate::i18n::Lang,
    ) -> Res<(Vec<u8>, String)> {
        self.coordinator()?;
        let signer =
            crate::signing::Signer::load_or_create(&crate::signing::key_dir(), passphrase.filter(|p| !p.is_empty()))?;
        let mut parts = self.store.bundle_parts(selection_id, &signer.key_id(), lang)?;
        let pdf = parts.files.remove(crate::bundle::REPORT).expect("the bundle's parts hold the report");
        Ok((pdf, parts.footer.content_hash))
    }

    /// The signed bundle (zip bytes) of a closed count, checked with the
    /// verifier before it is handed out (the app and the CLI alike), and the
    /// manifest it verified with.
    pub fn signed_bundle(
        &self,
        selection_id: i64,
        passphrase: Option<&str>,
        lang: crate::i18n::Lang,
    ) -> Res<(Vec<u8>, crate::bundle::Manifest)> {
        self.coordinator()?;
        self.no_demo_pins(selection_id)?;
        let signer =
            crate::signing::Signer::load_or_create(&crate::signing::key_dir(), passphrase.filter(|p| !p.is_empty()))?;
        let zip = self.store.export_bundle(selection_id, &signer, lang)?;
        let files = crate::bundle::verify(&zip, Some(&signer.pk));
        // Never hand out a bundle that does not verify.
        if !files.ok() {
            return Err(Failure { problems: files.problems });
        }
        Ok((zip, files.manifest.expect("a verified bundle has a manifest")))
    }

    /// Sign and export the result of a closed count: the bundle (zip) and
    /// the report (PDF), into the export folder.
    pub fn export_bundle_to_files(
        &self,
        selection_id: i64,
        passphrase: Option<&str>,
        lang: crate::i18n::Lang,
    ) -> Res<BundleExport> {
        self.coordinator()?;
        let (zip, manifest) = self.signed_bundle(selection_id, passphrase, lang)?;
        let sel = self.store.get_selection(selection_id)?;
        let stem = format!("{}-{}", slug(&sel.wijk), crate::audit::now().replace(':', ""));
        let report = {
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(&zip)).expect("our own zip");
            let mut f = z.by_name(crate::bundle::REPORT).expect("report in bundle");
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut b).expect("readable");
            b
        };
        Ok(BundleExport {
            bundle_path: write_export(&format!("uitslag-{stem}.zip"), &zip)?,
            report_path: write_export(&format!("proces-verbaal-{stem}.pdf"), &report)?,
            key_id: manifest.key_id,
            content_hash: manifest.content_hash,
        })
    }

    /// Write this laptop's public key (minisign format) into the export folder.
    /// The public key is public: anyone may export it; but making the key
    /// (the first time) is a coordinator's.
    pub fn export_public_key(&self, passphrase: Option<&str>) -> Res<String> {
        if !crate::signing::key_dir().join(crate::signing::SECRET).exists() {
            self.coordinator()?;
        }
        let signer =
            crate::signing::Signer::load_or_create(&crate::signing::key_dir(), passphrase.filter(|p| !p.is_empty()))?;
        write_export(
            &format!("wijkstem-{}.pub", signer.key_id()),
            crate::signing::public_key_file(&signer.pk).as_bytes(),
        )
    }
}

/// Check a bundle given as base64 (from a file the user picked) against a
/// given public key, else this laptop's own.
pub fn verify_bundle(bundle_base64: &str, pubkey: Option<&str>) -> Res<VerifyView> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(bundle_base64.trim())
        .map_err(|e| Failure::from(Problem::new("bundle.not_zip").with("detail", e)))?;
    let key_text = match pubkey.filter(|k| !k.trim().is_empty()) {
        Some(k) => Some(k.to_string()),
        None => std::fs::read_to_string(crate::signing::key_dir().join(crate::signing::PUBLIC)).ok(),
    };
    let pk = match key_text {
        Some(t) => Some(
            crate::signing::public_key_from_file_text(&t)
                .ok_or_else(|| Failure::from(Problem::new("key.damaged").with("path", "")))?,
        ),
        None => None,
    };
    let r = crate::bundle::verify(&bytes, pk.as_ref());
    Ok(VerifyView { ok: r.ok(), passed: r.passed, problems: r.problems })
}

/// Whether `pin` is the demo's public PIN for the demo name `name`.
fn is_demo_pin(name: &str, pin: &str) -> bool {
    let key = crate::roster::name_key(name);
    demo::DEMO_ROSTER.iter().any(|(n, _, p)| crate::roster::name_key(n) == key && *p == pin.trim())
}

/// Check a bundle and (optionally) a public key picked in file dialogs.
pub fn verify_bundle_files(bundle: &str, pubkey: Option<&str>) -> Res<VerifyView> {
    use base64::Engine;
    let bytes = read_picked(bundle)?;
    let key = match pubkey.filter(|k| !k.trim().is_empty()) {
        Some(k) => Some(String::from_utf8_lossy(&read_picked(k)?).into_owned()),
        None => None,
    };
    verify_bundle(&base64::engine::general_purpose::STANDARD.encode(bytes), key.as_deref())
}

/// A file the user picked, read whole (refused above 200 MB: no plans CSV,
/// key or result bundle is that large).
fn read_picked(path: &str) -> Res<Vec<u8>> {
    const LIMIT: u64 = 200 * 1024 * 1024;
    let failed = |e: std::io::Error| Failure::from(Problem::new("store.open").with("path", path).with("detail", e));
    let meta = std::fs::metadata(path).map_err(failed)?;
    if !meta.is_file() || meta.len() > LIMIT {
        return Err(Problem::new("export.not_a_file").with("path", path).into());
    }
    std::fs::read(path).map_err(failed)
}

/// Open a file Wijkstem wrote, or the folder it is in, with the laptop's
/// own program (PDF viewer, file manager). Only inside the export folder:
/// the app's window cannot have anything else opened. `WIJKSTEM_OPENER`
/// names another program to open with (tests use it).
pub fn open_export(path: &str, folder: bool) -> Res<()> {
    let refused = || Failure::from(Problem::new("export.open_outside").with("path", path));
    let root = std::fs::canonicalize(crate::paper::export_dir()).map_err(|_| refused())?;
    let file = std::fs::canonicalize(path).map_err(|_| refused())?;
    if !file.starts_with(&root) {
        return Err(refused());
    }
    let target = if folder { file.parent().map(Path::to_path_buf).unwrap_or(root) } else { file };
    let program = std::env::var("WIJKSTEM_OPENER").ok().filter(|p| !p.is_empty()).unwrap_or_else(|| {
        if cfg!(target_os = "windows") {
            "explorer".into()
        } else if cfg!(target_os = "macos") {
            "open".into()
        } else {
            "xdg-open".into()
        }
    });
    std::process::Command::new(&program)
        .arg(&target)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| Failure::from(Problem::new("export.open_failed").with("path", target.display()).with("detail", e)))
}

/// A file name part from a wijk name: lower case, dashes for the rest.
pub fn slug(text: &str) -> String {
    text.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

/// Write a file into the export folder; a full or read-only disk gets a
/// clear message and the data stays in the database.
/// A file to be written after something is recorded: made (empty, as
/// `.<name>.part` beside it) before, so a folder that cannot be written is
/// refused while nothing has been recorded yet; `finish` writes it and moves
/// it into place. Dropped unfinished, the part file is removed.
pub struct OutFile {
    path: std::path::PathBuf,
    part: std::path::PathBuf,
}

impl OutFile {
    pub fn create(path: &Path) -> Res<OutFile> {
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "uitvoer".into());
        let part = path.with_file_name(format!(".{name}.part"));
        let failed = |e: std::io::Error| {
            Failure::from(Problem::new("export.write").with("path", path.display()).with("detail", e))
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(failed)?;
        }
        std::fs::File::create(&part).map_err(failed)?;
        Ok(OutFile { path: path.to_path_buf(), part })
    }

    /// In the export folder (see `paper::export_dir`).
    pub fn export(name: &str) -> Res<OutFile> {
        OutFile::create(&crate::paper::export_dir().join(name))
    }

    pub fn finish(self, bytes: &[u8]) -> Res<String> {
        let failed = |e: std::io::Error| {
            Failure::from(Problem::new("export.write").with("path", self.path.display()).with("detail", e))
        };
        std::fs::write(&self.part, bytes).map_err(failed)?;
        std::fs::rename(&self.part, &self.path).map_err(failed)?;
        Ok(self.path.display().to_string())
    }
}

impl Drop for OutFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.part);
    }
}

/// Write a file into the export folder (through a part file, see [`OutFile`]).
pub fn write_export(name: &str, bytes: &[u8]) -> Res<String> {
    OutFile::export(name)?.finish(bytes)
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
        let dir = crate::signing::key_dir();
        let public = dir.join(crate::signing::PUBLIC);
        let key_id = std::fs::read_to_string(&public)
            .ok()
            .and_then(|t| crate::signing::public_key_from_file_text(&t))
            .map(|pk| crate::signing::key_id(&pk));
        AboutInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            db_path: self.store.path().to_string(),
            backup_dir: self.store.backup_settings().dir,
            key_file: dir.join(crate::signing::SECRET).display().to_string(),
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
        for sel in self.store.list_selections()? {
            if sel.method != crate::selection::Method::Ballots || sel.status == crate::selection::Status::Closed {
                continue;
            }
            let Ok(v) = self.store.progress(sel.id, "greedy", crate::i18n::Lang::Nl) else { continue };
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
