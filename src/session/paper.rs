//! Paper ballots: style, printing, entry, differences, reviews, boxes,
//! progress, closing the count; and the audit chain's head and checks.

use super::*;

impl Session {
    pub fn paper_settings(&self, selection_id: i64) -> Res<Option<PaperSettings>> {
        crate::paper::store::paper_settings(self.store.db(), selection_id)
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
    ) -> Res<(Vec<crate::paper::ballot::Serial>, Vec<u8>)> {
        let who = self.coordinator()?;
        self.store.print_ballots(&who, selection_id, count, |sel, plans, style, hash, serials| {
            if !(1..=2).contains(&per_page) {
                return Err(crate::problem::Problem::new("print.bad_per_page").with("value", per_page).into());
            }
            Ok(crate::pdf::ballots(sel, plans, style, hash, serials, per_page, lang)?)
        })
    }

    pub fn enter_ballot(
        &mut self,
        selection_id: i64,
        box_id: Option<i64>,
        scan: &str,
        marks: &crate::paper::ballot::Marks,
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
        let sel = crate::selection::read(self.store.db(), selection_id)?;
        let out = OutFile::export(&format!(
            "stembiljetten-{}-{}-{}.pdf",
            slug(&sel.wijk),
            count,
            self.store.clock().stamp().replace(':', "")
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
        crate::paper::boxes::tally_view(self.store.db(), selection_id, rule_name, lang)
    }

    pub fn reconciliation_queue(&self, selection_id: i64) -> Res<Vec<String>> {
        self.coordinator()?;
        crate::paper::store::reconciliation_queue(self.store.db(), selection_id)
    }

    /// The open double-entry differences with both entries side by side.
    pub fn differences(&self, selection_id: i64) -> Res<Vec<crate::paper::review::DifferenceView>> {
        self.coordinator()?;
        crate::paper::review::differences(self.store.db(), selection_id)
    }

    pub fn resolve(&mut self, selection_id: i64, serial: &str, how: Resolution) -> Res<()> {
        let who = self.coordinator()?;
        self.store.resolve(&who, selection_id, serial, how)
    }

    /// The entry screen's reads in one: style, progress, boxes, rechecks.
    pub fn entry_screen(&self, selection_id: i64, lang: crate::i18n::Lang) -> Res<crate::paper::EntryScreen> {
        self.who()?;
        Ok(crate::paper::EntryScreen {
            settings: crate::paper::store::paper_settings(self.store.db(), selection_id)?,
            progress: crate::paper::boxes::progress(self.store.db(), selection_id, "greedy", lang)?,
            boxes: crate::paper::boxes::list_boxes(self.store.db(), selection_id)?,
            rechecks: crate::paper::review::rechecks(self.store.db(), selection_id)?,
        })
    }

    pub fn rechecks(&self, selection_id: i64) -> Res<Vec<Recheck>> {
        self.who()?;
        crate::paper::review::rechecks(self.store.db(), selection_id)
    }

    pub fn recheck_entry(
        &mut self,
        selection_id: i64,
        serial: &str,
        marks: &crate::paper::ballot::Marks,
    ) -> Res<EntryReceipt> {
        let who = self.who()?;
        self.store.recheck_entry(&who, selection_id, serial, marks)
    }

    pub fn reviews(&self, selection_id: i64) -> Res<Vec<ReviewItem>> {
        self.coordinator()?;
        crate::paper::review::reviews(self.store.db(), selection_id)
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
        self.who()?;
        crate::paper::boxes::list_boxes(self.store.db(), selection_id)
    }

    /// The box of this selection a scanned box cover names, if any (on a
    /// counting station the coordinator's covers name its copies of the boxes).
    pub fn box_for_scan(&self, selection_id: i64, scan: &str) -> Res<Option<i64>> {
        self.who()?;
        crate::paper::store::box_for_scan(self.store.db(), selection_id, scan)
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
            let _ = self.make_backup();
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
        let sel = crate::selection::read(self.store.db(), selection_id)?;
        let head = self.chain_head()?;
        let settled = crate::paper::boxes::progress(self.store.db(), selection_id, "greedy", crate::i18n::Lang::Nl)?
            .settled as i64;
        let cp = audit::Checkpoint {
            format: audit::CHECKPOINT_FORMAT.into(),
            at: self.store.clock().stamp(),
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
        let key_dir = crate::output::signing::key_dir();
        if key_dir.join(crate::output::signing::SECRET).exists() {
            if let Ok(signer) = crate::output::signing::Signer::load_or_create(&key_dir, None) {
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
            let pk_text =
                std::fs::read_to_string(crate::output::signing::key_dir().join(crate::output::signing::PUBLIC))
                    .map_err(|e| bad(e.to_string()))?;
            let pk =
                crate::output::signing::public_key_from_file_text(&pk_text).ok_or_else(|| bad("public key".into()))?;
            crate::output::signing::verify(&pk, &bytes, &sig).map_err(bad)?;
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
        let sel = crate::selection::read(self.store.db(), selection_id)?;
        let b = crate::paper::boxes::get_box(self.store.db(), selection_id, box_id)?;
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
        crate::paper::boxes::draft(self.store.db(), &who, selection_id)
    }

    pub fn clear_draft(&mut self, selection_id: i64) -> Res<()> {
        let who = self.who()?;
        self.store.clear_draft(&who, selection_id)
    }

    pub fn progress(&self, selection_id: i64, rule_name: &str, lang: crate::i18n::Lang) -> Res<ProgressView> {
        self.who()?;
        crate::paper::boxes::progress(self.store.db(), selection_id, rule_name, lang)
    }

    pub fn close_count(&mut self, selection_id: i64) -> Res<()> {
        let who = self.coordinator()?;
        self.store.close_count(&who, selection_id)
    }

    /// Write the public cast-vote records (CSV, no serials) and the pabulib
    /// file into the export folder; returns both paths.
    pub fn export_records(&self, selection_id: i64) -> Res<Vec<String>> {
        self.coordinator()?;
        let sel = crate::selection::read(self.store.db(), selection_id)?;
        let stem = format!("{}-{}", slug(&sel.wijk), self.store.clock().stamp().replace(':', ""));
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
        crate::output::bundle::export::require_intact(self.store.db())?;
        Ok((
            crate::output::cvr::export_cvr(self.store.db(), selection_id, crate::output::cvr::Records::Public)?,
            crate::output::cvr::export_pabulib(self.store.db(), selection_id)?,
        ))
    }

    /// The committee's internal records (zip bytes); see `export_internal`.
    pub fn internal_records(&self, selection_id: i64, lang: crate::i18n::Lang) -> Res<Vec<u8>> {
        self.coordinator()?;
        crate::output::bundle::export::export_internal(self.store.db(), selection_id, lang)
    }

    /// Write the committee's internal records (serials, entries, decisions,
    /// the whole chain) into the export folder under a name that says not
    /// to publish it; returns its path.
    pub fn export_internal(&self, selection_id: i64, lang: crate::i18n::Lang) -> Res<String> {
        self.coordinator()?;
        let sel = crate::selection::read(self.store.db(), selection_id)?;
        let stem = format!("{}-{}", slug(&sel.wijk), self.store.clock().stamp().replace(':', ""));
        let zip = crate::output::bundle::export::export_internal(self.store.db(), selection_id, lang)?;
        write_export(&format!("INTERN-niet-publiceren-{stem}.zip"), &zip)
    }

    pub fn tally(
        &self,
        selection_id: i64,
        rule: &crate::rules::Rule,
        tb: &crate::rules::TieBreak,
    ) -> Res<crate::paper::Tally> {
        self.coordinator()?;
        crate::paper::store::tally(self.store.db(), selection_id, rule, tb)
    }

    pub fn audit_log(&self, limit: i64) -> Res<Vec<AuditEvent>> {
        audit::list(self.store.conn(), limit).map_err(|e| Failure::from(self.store.sql_err(e)))
    }

    pub fn audit_verify(&self) -> Res<ChainReport> {
        crate::storage::store::verify(self.store.conn()).map_err(|e| Failure::from(self.store.sql_err(e)))
    }
}
