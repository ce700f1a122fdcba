//! The signed result bundle: one zip anyone can check years later without
//! trusting the laptop. `manifest.json` lists the SHA-256 of every other
//! file and is signed with minisign (Ed25519); `verify` checks the
//! signature, every hash, the audit chain, recomputes the result from the
//! raw records and regenerates the report byte for byte.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use minisign::PublicKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::i18n::Lang;
use crate::output::report::{self, Footer, ReportData, SelectionDef};
use crate::output::signing::{self, Signer};
use crate::paper::review::ReviewItem;
use crate::problem::{Failure, Problem};
use crate::selection::Method;
use crate::storage::audit::AuditEvent;
use crate::storage::store::Store;

pub const BUNDLE_FORMAT: &str = "wijkstem-bundle/1";
pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.json.minisig";
pub const REPORT: &str = "report.pdf";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub selection_id: i64,
    pub wijk: String,
    pub edition: String,
    pub created_at: String,
    /// SHA-256 over the data files (all but the report): printed on the report.
    pub content_hash: String,
    pub key_id: String,
    pub public_key: String,
    pub files: Vec<FileEntry>,
}

/// The first file of the internal export: what it is and that it is not public.
pub const INTERNAL_README: &str = "LEESMIJ-INTERN-NIET-PUBLICEREN.txt";

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The content hash: SHA-256 of `sha256  path` lines of the data files, sorted by path.
pub fn content_hash(files: &BTreeMap<String, Vec<u8>>) -> String {
    let mut lines = String::new();
    for (path, bytes) in files.iter().filter(|(p, _)| p.as_str() != REPORT) {
        lines.push_str(&format!("{}  {path}\n", sha(bytes)));
    }
    sha(lines.as_bytes())
}

fn p(code: &str) -> Problem {
    Problem::new(code)
}

/// The files of a bundle before signing, and what the report footer prints.
pub struct Parts {
    pub files: BTreeMap<String, Vec<u8>>,
    pub report: ReportData,
    pub footer: Footer,
}

impl Store {
    /// Everything the result depends on, as `selection.json` holds it.
    pub fn selection_def(&self, selection_id: i64, rule: &str, lang: Lang) -> Result<SelectionDef, Failure> {
        let ci = self.count_inputs(selection_id)?;
        self.selection_def_with(selection_id, rule, lang, &ci)
    }

    fn selection_def_with(
        &self,
        selection_id: i64,
        rule: &str,
        lang: Lang,
        ci: &crate::output::cvr::CountInputs,
    ) -> Result<SelectionDef, Failure> {
        let printed: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM ballot WHERE selection_id = ?1", [selection_id], |r| r.get(0))
            .map_err(|e| self.sql_err(e))?;
        Ok(SelectionDef {
            paper: Some(ci.settings.clone()),
            printed: printed as u64,
            boxes: self.list_boxes_with(selection_id, &ci.counted)?,
            ..self.plain_def(selection_id, rule, lang)?
        })
    }

    /// Every entry ever made for the selection, kept or discarded: who, when, what.
    pub fn export_entries(&self, selection_id: i64) -> Result<String, Failure> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let io = |e: csv::Error| Failure::from(p("export.failed").with("detail", e));
        w.write_record([
            "serial", "entry_no", "operator", "at", "marks", "verdict", "findings", "doubtful", "status", "resolved",
            "box_id",
        ])
        .map_err(io)?;
        let mut stmt = self
            .conn()
            .prepare("SELECT serial, entry_no, operator, at, marks, verdict, findings, coalesce(doubtful, ''), status, resolved, coalesce(box_id, '') FROM ballot_entry WHERE selection_id = ?1 ORDER BY id")
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([selection_id], |r| {
                (0..11).map(|i| r.get::<_, rusqlite::types::Value>(i)).collect::<Result<Vec<_>, _>>()
            })
            .map_err(|e| self.sql_err(e))?;
        for row in rows {
            let row = row.map_err(|e| self.sql_err(e))?;
            let cells: Vec<String> = row
                .into_iter()
                .map(|v| match v {
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    rusqlite::types::Value::Real(f) => f.to_string(),
                    _ => String::new(),
                })
                .collect();
            w.write_record(&cells).map_err(io)?;
        }
        Ok(String::from_utf8(w.into_inner().map_err(|e| Failure::from(p("export.failed").with("detail", e)))?)
            .expect("utf-8"))
    }

    /// Refuse to make anything from records the chain does not vouch for
    /// (every export, report and bundle): the schema, the chain and every
    /// record must hold. Returns the chain's report.
    pub fn require_intact(&self) -> Result<crate::storage::audit::ChainReport, Failure> {
        let chain = crate::storage::store::verify(self.conn()).map_err(|e| Failure::from(self.sql_err(e)))?;
        if let Some(b) = chain.broken_at {
            let record = b.record.unwrap_or_else(|| format!("#{}", b.seq));
            return Err(p("bundle.records_disagree").with("record", record).with("kind", b.kind).into());
        }
        Ok(chain)
    }

    /// The whole audit log as JSON lines, oldest first (the chain needs all
    /// of it). With a selection, as a public bundle shows it: that
    /// selection's own events in full, every other event by its hash only
    /// (`audit::public_for`), so the chain still verifies to the same head.
    pub fn export_audit(&self, public_for: Option<i64>) -> Result<String, Failure> {
        let events = crate::storage::audit::list(self.conn(), i64::MAX).map_err(|e| Failure::from(self.sql_err(e)))?;
        let mut out = String::new();
        for e in events.iter().rev() {
            let shown = match public_for {
                Some(id) if !crate::storage::audit::public_for(e, id) => crate::storage::audit::redact(e),
                _ => e.clone(),
            };
            out.push_str(&serde_json::to_string(&shown).expect("event serialises"));
            out.push('\n');
        }
        Ok(out)
    }

    /// Build the bundle's files and the report for a closed count.
    pub fn bundle_parts(&self, selection_id: i64, key_id: &str, lang: Lang) -> Result<Parts, Failure> {
        let sel = self.get_selection(selection_id)?;
        if sel.status != crate::selection::Status::Closed {
            return Err(p("bundle.not_closed").into());
        }
        // A result is only handed out from records the chain vouches for.
        self.require_intact()?;
        if sel.method == Method::Tables {
            return self.tables_bundle_parts(selection_id, key_id, lang);
        }
        if sel.method == Method::Panel {
            return self.panel_bundle_parts(selection_id, key_id, lang);
        }
        let ci = self.count_inputs(selection_id)?;
        let def = self.selection_def_with(selection_id, "greedy", lang, &ci)?;
        let cvr = crate::output::cvr::cvr_csv(&ci, crate::output::cvr::Records::Public)?;
        let reviews = crate::paper::review::anonymous(self.reviews_with(selection_id, &ci.counted)?);
        let rows =
            report::parse_cvr(&cvr).map_err(|d| Failure::from(p("bundle.recompute_failed").with("detail", d)))?;
        let data = report::compute(&def, &rows, &reviews)
            .map_err(|d| Failure::from(p("bundle.recompute_failed").with("detail", d)))?;
        // The report is computed from the exported records; it must agree
        // with the count straight from the stored entries.
        let (live, counts) = crate::paper::count_ballots(
            ci.sel.budget_cents,
            &ci.plans,
            &ci.settings.style,
            ci.counted.iter().map(|b| (b.counts_as(), &b.marks)),
        );
        let rule = crate::paper::rule_by_name(&def.rule, &ci.settings.style).expect("known rule");
        let outcome = crate::rules::run(&live, &rule, &def.tie_break());
        let mut live_funded: Vec<String> = outcome.ids(&live).into_iter().map(String::from).collect();
        live_funded.sort();
        if live_funded != data.funded || counts.valid != data.counts[2].1 {
            return Err(p("bundle.recompute_failed").with("detail", "export and live count differ").into());
        }
        let mut files = BTreeMap::new();
        files.insert("selection.json".to_string(), serde_json::to_vec_pretty(&def).expect("serialises"));
        files.insert("records/ballots.csv".to_string(), cvr.into_bytes());
        files.insert("records/reviews.json".to_string(), serde_json::to_vec_pretty(&reviews).expect("serialises"));
        files.insert("results.json".to_string(), serde_json::to_vec_pretty(&data).expect("serialises"));
        files.insert("audit.jsonl".to_string(), self.export_audit(Some(selection_id))?.into_bytes());
        files.insert("selection.pb".to_string(), crate::output::cvr::pabulib_text(&ci)?.into_bytes());
        let footer = Footer { content_hash: content_hash(&files), key_id: key_id.to_string() };
        files.insert(REPORT.to_string(), report::render(&data, &footer));
        Ok(Parts { files, report: data, footer })
    }

    fn panel_bundle_parts(&self, selection_id: i64, key_id: &str, lang: Lang) -> Result<Parts, Failure> {
        let def = self.plain_def(selection_id, "panel", lang)?;
        let (rounds, amendments) = self.panel_records(selection_id)?;
        let data = report::compute_panel(&def, &rounds, &amendments)
            .map_err(|d| Failure::from(p("bundle.recompute_failed").with("detail", d)))?;
        let mut files = BTreeMap::new();
        files.insert("selection.json".to_string(), serde_json::to_vec_pretty(&def).expect("serialises"));
        files.insert("records/rounds.json".to_string(), serde_json::to_vec_pretty(&rounds).expect("serialises"));
        files
            .insert("records/amendments.json".to_string(), serde_json::to_vec_pretty(&amendments).expect("serialises"));
        files.insert("results.json".to_string(), serde_json::to_vec_pretty(&data).expect("serialises"));
        files.insert("audit.jsonl".to_string(), self.export_audit(Some(selection_id))?.into_bytes());
        let footer = Footer { content_hash: content_hash(&files), key_id: key_id.to_string() };
        files.insert(REPORT.to_string(), report::render(&data, &footer));
        Ok(Parts { files, report: data, footer })
    }

    fn plain_def(&self, selection_id: i64, rule: &str, lang: Lang) -> Result<SelectionDef, Failure> {
        let sel = self.get_selection(selection_id)?;
        let plans = self.list_plans(selection_id)?;
        Ok(SelectionDef {
            format: "wijkstem-selection/1".into(),
            id: sel.id,
            edition: sel.edition,
            wijk: sel.wijk,
            method: sel.method.as_str().to_string(),
            budget_cents: sel.budget_cents,
            status: sel.status.as_str().to_string(),
            plans: plans
                .into_iter()
                .map(|p| report::PlanDef {
                    code: p.code,
                    title: p.title,
                    description: p.description,
                    cost_cents: p.cost_cents,
                    initiator: p.initiator,
                })
                .collect(),
            paper: None,
            printed: 0,
            boxes: vec![],
            rule: rule.into(),
            tie_break: "lexicographic".into(),
            lang: lang.code().to_string(),
            tables: None,
            count: self.count_record(selection_id)?,
        })
    }

    /// When the selection's count was closed, who entered its records and
    /// who decided, read from the audit log (each name once, in order of
    /// first appearance).
    pub fn count_record(&self, selection_id: i64) -> Result<report::CountRecord, Failure> {
        const ENTERED: &[&str] =
            &["ballot.enter", "ballot.recheck_enter", "tables.verdict", "panel.vote", "panel.consent"];
        const DECIDED: &[&str] = &[
            "ballot.resolve",
            "ballot.decide",
            "warning.explain",
            "box.close",
            "box.reopen",
            "count.close",
            "tables.drop",
            "tables.close",
            "panel.round_close",
            "panel.amend",
            "panel.close",
        ];
        const CLOSED: &[&str] = &["count.close", "tables.close", "panel.close"];
        let own = format!("selection/{selection_id}");
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT at, operator, action, seq, hash FROM audit_log WHERE entity = ?1 OR entity LIKE ?1 || '/%' ORDER BY seq",
            )
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([&own], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?))
            })
            .map_err(|e| self.sql_err(e))?;
        let mut rec = report::CountRecord::default();
        for row in rows {
            let (at, operator, action, seq, hash) = row.map_err(|e| self.sql_err(e))?;
            if CLOSED.contains(&action.as_str()) {
                (rec.closed_seq, rec.closed_hash) = (seq, hash);
            }
            let list = if ENTERED.contains(&action.as_str()) {
                &mut rec.entered_by
            } else if DECIDED.contains(&action.as_str()) {
                &mut rec.decided_by
            } else {
                continue;
            };
            if !list.contains(&operator) {
                list.push(operator);
            }
            if CLOSED.contains(&action.as_str()) {
                rec.closed_at = at;
            }
        }
        Ok(rec)
    }

    fn tables_bundle_parts(&self, selection_id: i64, key_id: &str, lang: Lang) -> Result<Parts, Failure> {
        let mut def = self.plain_def(selection_id, "tables", lang)?;
        def.tables = self.table_settings(selection_id)?;
        let tables = self.tables(selection_id)?;
        let drops = self.table_drops(selection_id)?;
        let data = report::compute_tables(&def, &tables, &drops)
            .map_err(|d| Failure::from(p("bundle.recompute_failed").with("detail", d)))?;
        let mut files = BTreeMap::new();
        files.insert("selection.json".to_string(), serde_json::to_vec_pretty(&def).expect("serialises"));
        files.insert("records/tables.json".to_string(), serde_json::to_vec_pretty(&tables).expect("serialises"));
        files.insert("records/drops.json".to_string(), serde_json::to_vec_pretty(&drops).expect("serialises"));
        files.insert("results.json".to_string(), serde_json::to_vec_pretty(&data).expect("serialises"));
        files.insert("audit.jsonl".to_string(), self.export_audit(Some(selection_id))?.into_bytes());
        let footer = Footer { content_hash: content_hash(&files), key_id: key_id.to_string() };
        files.insert(REPORT.to_string(), report::render(&data, &footer));
        Ok(Parts { files, report: data, footer })
    }

    /// The signed bundle (zip bytes) of a closed count.
    pub fn export_bundle(&self, selection_id: i64, signer: &Signer, lang: Lang) -> Result<Vec<u8>, Failure> {
        let parts = self.bundle_parts(selection_id, &signer.key_id(), lang)?;
        let sel = self.get_selection(selection_id)?;
        let manifest = Manifest {
            format: BUNDLE_FORMAT.into(),
            selection_id,
            wijk: sel.wijk,
            edition: sel.edition,
            created_at: crate::storage::audit::now(),
            content_hash: parts.footer.content_hash.clone(),
            key_id: signer.key_id(),
            public_key: signer.pk.to_base64(),
            files: parts
                .files
                .iter()
                .map(|(path, b)| FileEntry { path: path.clone(), sha256: sha(b), size: b.len() as u64 })
                .collect(),
        };
        let manifest_bytes = serde_json::to_vec_pretty(&manifest).expect("serialises");
        let comment = format!("{BUNDLE_FORMAT} selection={selection_id} content={}", manifest.content_hash);
        let signature = signer.sign(&manifest_bytes, &comment)?;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        // Fast deflate: the bundle is written while people wait; size matters less.
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1));
        let zerr = |e: zip::result::ZipError| Failure::from(p("export.failed").with("detail", e));
        let ioerr = |e: std::io::Error| Failure::from(p("export.failed").with("detail", e));
        for (name, bytes) in
            [(MANIFEST.to_string(), manifest_bytes.clone()), (SIGNATURE.to_string(), signature.into_bytes())]
                .into_iter()
                .chain(parts.files)
        {
            zip.start_file(name, opts).map_err(zerr)?;
            zip.write_all(&bytes).map_err(ioerr)?;
        }
        Ok(zip.finish().map_err(zerr)?.into_inner())
    }

    /// The committee's internal records of a paper count (zip): every entry
    /// with its serial, operator and time, the cast-vote records with
    /// serials, the decisions with serials, and the whole audit chain. For
    /// checking ballots against the box, never for publication: it links
    /// printed serials to votes.
    pub fn export_internal(&self, selection_id: i64, lang: Lang) -> Result<Vec<u8>, Failure> {
        let chain = self.require_intact()?;
        let ci = self.count_inputs(selection_id)?;
        let reviews = self.reviews_with(selection_id, &ci.counted)?;
        let mut params = std::collections::BTreeMap::new();
        params.insert("wijk".to_string(), ci.sel.wijk.clone());
        params.insert("head".to_string(), chain.head.clone());
        let files: Vec<(&str, Vec<u8>)> = vec![
            (INTERNAL_README, crate::i18n::tr(lang, "export.internal_readme", &params).into_bytes()),
            (
                "stemmen-met-nummers.csv",
                crate::output::cvr::cvr_csv(&ci, crate::output::cvr::Records::WithSerials)?.into_bytes(),
            ),
            ("invoer.csv", self.export_entries(selection_id)?.into_bytes()),
            ("beslissingen.json", serde_json::to_vec_pretty(&reviews).expect("serialises")),
            ("audit.jsonl", self.export_audit(None)?.into_bytes()),
        ];
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let zerr = |e: zip::result::ZipError| Failure::from(p("export.failed").with("detail", e));
        for (name, bytes) in files {
            zip.start_file(name, opts).map_err(zerr)?;
            zip.write_all(&bytes).map_err(|e| Failure::from(p("export.failed").with("detail", e)))?;
        }
        Ok(zip.finish().map_err(zerr)?.into_inner())
    }
}

/// The largest manifest or signature a reader accepts (a real one is a few KiB).
const MAX_MANIFEST: u64 = 16 * 1024 * 1024;

/// The number of entries the zip's end-of-central-directory record states
/// (zip64 when the 16-bit count is saturated), or `None` if there is none.
fn central_directory_entries(bytes: &[u8]) -> Option<u64> {
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    const ZIP64_LOCATOR: [u8; 4] = [0x50, 0x4b, 0x06, 0x07];
    const ZIP64_EOCD: [u8; 4] = [0x50, 0x4b, 0x06, 0x06];
    if bytes.len() < 22 {
        return None;
    }
    // The record is at most 22 bytes plus a 65,535-byte comment from the end.
    let from = bytes.len().saturating_sub(22 + 65_535);
    let at = (from..=bytes.len() - 22).rev().find(|&i| bytes[i..i + 4] == EOCD)?;
    let le16 = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
    let total = le16(at + 10);
    if total != 0xFFFF {
        return Some(total as u64);
    }
    let loc = at.checked_sub(20)?;
    if bytes[loc..loc + 4] != ZIP64_LOCATOR {
        return Some(total as u64);
    }
    let le64 = |i: usize| -> Option<u64> { Some(u64::from_le_bytes(bytes.get(i..i + 8)?.try_into().ok()?)) };
    let rec = usize::try_from(le64(loc + 8)?).ok()?;
    if bytes.get(rec..rec + 4)? != ZIP64_EOCD {
        return None;
    }
    le64(rec + 32)
}

/// The outcome of checking a bundle: what held, and every problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub passed: Vec<Problem>,
    pub problems: Vec<Problem>,
    pub manifest: Option<Manifest>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty() && !self.passed.is_empty()
    }
}

/// Check a bundle against the public key the checker trusts (the one printed
/// on the report or published by the organisers).
pub fn verify(bytes: &[u8], trusted: Option<&PublicKey>) -> VerifyReport {
    let mut r = VerifyReport { passed: vec![], problems: vec![], manifest: None };
    let mut zip = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(z) => z,
        Err(e) => {
            r.problems.push(p("bundle.not_zip").with("detail", e));
            return r;
        }
    };
    // The zip reader keeps one entry per name: a second entry of the same name
    // (a forged file first, the original last) would go unseen. The central
    // directory's own count of entries must match the names read.
    match central_directory_entries(bytes) {
        Some(n) if n == zip.len() as u64 => {}
        Some(n) => {
            r.problems.push(p("bundle.entries_twice").with("entries", n).with("names", zip.len()));
            return r;
        }
        None => {
            r.problems.push(p("bundle.not_zip").with("detail", "end of central directory"));
            return r;
        }
    }
    // The manifest and its signature first (small), then only the files it
    // names, each read to at most its stated size plus one byte.
    let read_entry = |zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str, limit: u64| -> Result<Vec<u8>, Problem> {
        let f = zip.by_name(name).map_err(|e| p("bundle.file_unreadable").with("path", name).with("detail", e))?;
        let mut buf = Vec::new();
        f.take(limit.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| p("bundle.file_unreadable").with("path", name).with("detail", e))?;
        Ok(buf)
    };
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    let (Some(manifest_bytes), Some(signature)) = (
        names
            .iter()
            .any(|n| n == MANIFEST)
            .then(|| read_entry(&mut zip, MANIFEST, MAX_MANIFEST))
            .transpose()
            .ok()
            .flatten(),
        names
            .iter()
            .any(|n| n == SIGNATURE)
            .then(|| read_entry(&mut zip, SIGNATURE, MAX_MANIFEST))
            .transpose()
            .ok()
            .flatten(),
    ) else {
        r.problems.push(p("bundle.no_manifest"));
        return r;
    };
    if manifest_bytes.len() as u64 > MAX_MANIFEST || signature.len() as u64 > MAX_MANIFEST {
        r.problems.push(p("bundle.bad_manifest").with("detail", "too large"));
        return r;
    }
    // Parsed once: the sizes steer the reading; a bad manifest is reported
    // below, after the signature.
    let parsed: Result<Manifest, serde_json::Error> = serde_json::from_slice(&manifest_bytes);
    let stated = parsed.as_ref().ok();
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for name in names.iter().filter(|n| *n != MANIFEST && *n != SIGNATURE) {
        let size = stated.and_then(|m| m.files.iter().find(|f| &f.path == name)).map(|f| f.size);
        let Some(size) = size else {
            // Not in the manifest: named as extra below, never read.
            files.insert(name.clone(), Vec::new());
            continue;
        };
        match read_entry(&mut zip, name, size) {
            Ok(buf) => {
                files.insert(name.clone(), buf);
            }
            Err(problem) => r.problems.push(problem),
        }
    }
    let signature = String::from_utf8_lossy(&signature).to_string();

    // 1. The signature, by the trusted key.
    let signed_by = signing::signature_key_id(&signature).unwrap_or_else(|| "?".into());
    match trusted {
        None => r.problems.push(p("bundle.no_trusted_key").with("signed_by", &signed_by)),
        Some(pk) if signing::key_id(pk) != signed_by => {
            r.problems.push(p("bundle.wrong_key").with("signed_by", &signed_by).with("expected", signing::key_id(pk)));
        }
        Some(pk) => match signing::verify(pk, &manifest_bytes, &signature) {
            Ok(_) => r.passed.push(p("bundle.ok_signature").with("key", signing::key_id(pk))),
            Err(e) => r.problems.push(p("bundle.bad_signature").with("detail", e)),
        },
    }
    let manifest: Manifest = match parsed {
        Ok(m) => m,
        Err(e) => {
            r.problems.push(p("bundle.bad_manifest").with("detail", e));
            return r;
        }
    };

    // 2. Every file: listed, present, unchanged; nothing extra.
    let before = r.problems.len();
    for f in &manifest.files {
        match files.get(&f.path) {
            None => r.problems.push(p("bundle.file_missing").with("path", &f.path)),
            Some(b) if sha(b) != f.sha256 || b.len() as u64 != f.size => {
                r.problems.push(p("bundle.file_changed").with("path", &f.path))
            }
            Some(_) => {}
        }
    }
    for path in files.keys() {
        if !manifest.files.iter().any(|f| &f.path == path) {
            r.problems.push(p("bundle.file_extra").with("path", path));
        }
    }
    let data_files: BTreeMap<String, Vec<u8>> = files
        .iter()
        .filter(|(k, _)| manifest.files.iter().any(|f| &f.path == *k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if content_hash(&data_files) != manifest.content_hash {
        r.problems.push(p("bundle.content_hash"));
    }
    if r.problems.len() == before {
        r.passed.push(p("bundle.ok_files").with("count", manifest.files.len()));
    }

    // 3. The audit chain.
    match files.get("audit.jsonl").map(|b| {
        String::from_utf8_lossy(b).lines().map(serde_json::from_str::<AuditEvent>).collect::<Result<Vec<_>, _>>()
    }) {
        None => {}
        Some(Err(e)) => r.problems.push(p("bundle.audit_unreadable").with("detail", e)),
        Some(Ok(events)) => {
            let chain = crate::storage::audit::verify_events(&events);
            match chain.broken_at {
                Some(b) => r.problems.push(p("bundle.audit_broken").with("seq", b.seq).with("kind", b.kind)),
                None => r.passed.push(p("bundle.ok_audit").with("events", chain.events)),
            }
            // The closing event printed on the proces-verbaal is in this chain, in its place.
            let closed = files
                .get("results.json")
                .and_then(|b| serde_json::from_slice::<ReportData>(b).ok())
                .map(|d| (d.count.closed_seq, d.count.closed_hash));
            if let Some((seq, hash)) = closed.filter(|(_, h)| !h.is_empty()) {
                if !events.iter().any(|e| e.seq == seq && e.hash == hash) {
                    r.problems.push(
                        p("bundle.anchor_missing")
                            .with("seq", seq)
                            .with("head", crate::storage::audit::short_hash(&hash)),
                    );
                }
            }
        }
    }

    // 4. The result, recomputed from the raw records.
    let text = |path: &str| files.get(path).map(|b| String::from_utf8_lossy(b).to_string());
    let recomputed = (|| -> Result<(ReportData, ReportData), String> {
        let def: SelectionDef = serde_json::from_str(&text("selection.json").ok_or("selection.json")?)
            .map_err(|e| format!("selection.json: {e}"))?;
        if def.method == "panel" {
            let rounds: Vec<crate::panel::RoundRecord> =
                serde_json::from_str(&text("records/rounds.json").ok_or("records/rounds.json")?)
                    .map_err(|e| format!("records/rounds.json: {e}"))?;
            let amendments: Vec<crate::panel::AmendmentRecord> =
                serde_json::from_str(&text("records/amendments.json").ok_or("records/amendments.json")?)
                    .map_err(|e| format!("records/amendments.json: {e}"))?;
            let recorded: ReportData = serde_json::from_str(&text("results.json").ok_or("results.json")?)
                .map_err(|e| format!("results.json: {e}"))?;
            return Ok((report::compute_panel(&def, &rounds, &amendments)?, recorded));
        }
        if def.method == "tables" {
            let tables: Vec<crate::tables::TableView> =
                serde_json::from_str(&text("records/tables.json").ok_or("records/tables.json")?)
                    .map_err(|e| format!("records/tables.json: {e}"))?;
            let drops: Vec<report::Drop> =
                serde_json::from_str(&text("records/drops.json").ok_or("records/drops.json")?)
                    .map_err(|e| format!("records/drops.json: {e}"))?;
            let recorded: ReportData = serde_json::from_str(&text("results.json").ok_or("results.json")?)
                .map_err(|e| format!("results.json: {e}"))?;
            return Ok((report::compute_tables(&def, &tables, &drops)?, recorded));
        }
        let rows = report::parse_cvr(&text("records/ballots.csv").ok_or("records/ballots.csv")?)
            .map_err(|e| format!("records/ballots.csv: {e}"))?;
        let reviews: Vec<ReviewItem> =
            serde_json::from_str(&text("records/reviews.json").ok_or("records/reviews.json")?)
                .map_err(|e| format!("records/reviews.json: {e}"))?;
        let recorded: ReportData = serde_json::from_str(&text("results.json").ok_or("results.json")?)
            .map_err(|e| format!("results.json: {e}"))?;
        Ok((report::compute(&def, &rows, &reviews)?, recorded))
    })();
    match recomputed {
        Err(d) => r.problems.push(p("bundle.recompute_failed").with("detail", d)),
        Ok((again, recorded)) => {
            let diffs = differences(&recorded, &again);
            if diffs.is_empty() {
                r.passed.push(p("bundle.ok_result").with("funded", again.funded.join(", ")));
            }
            r.problems.extend(diffs);
            // 5. The report, regenerated from the recorded result, byte for byte.
            let footer = Footer { content_hash: manifest.content_hash.clone(), key_id: manifest.key_id.clone() };
            match files.get(REPORT) {
                Some(pdf) if *pdf == report::render(&recorded, &footer) => r.passed.push(p("bundle.ok_report")),
                Some(_) => r.problems.push(p("bundle.report_differs")),
                None => {}
            }
        }
    }
    if manifest.key_id != signed_by {
        r.problems.push(p("bundle.manifest_key").with("manifest", &manifest.key_id).with("signed_by", &signed_by));
    }
    r.manifest = Some(manifest);
    r
}

/// Every way the recorded result differs from the recomputed one, in words.
fn differences(recorded: &ReportData, again: &ReportData) -> Vec<Problem> {
    let mut out = Vec::new();
    let diff = |what: String, rec: String, new: String| {
        p("bundle.result_differs").with("what", what).with("recorded", rec).with("recomputed", new)
    };
    for ((k, a), (_, b)) in recorded.counts.iter().zip(&again.counts) {
        if a != b {
            out.push(diff(k.clone(), a.to_string(), b.to_string()));
        }
    }
    for plan in &again.plans {
        match recorded.plans.iter().find(|x| x.code == plan.code) {
            None => out.push(diff(plan.code.clone(), "—".into(), "plan".into())),
            Some(x) => {
                if x.votes != plan.votes {
                    out.push(diff(format!("{} votes", plan.code), x.votes.to_string(), plan.votes.to_string()));
                }
                if x.points != plan.points {
                    out.push(diff(format!("{} points", plan.code), x.points.to_string(), plan.points.to_string()));
                }
                if x.cost_cents != plan.cost_cents {
                    out.push(diff(
                        format!("{} cost", plan.code),
                        x.cost_cents.to_string(),
                        plan.cost_cents.to_string(),
                    ));
                }
            }
        }
    }
    if recorded.funded != again.funded {
        out.push(diff("funded".into(), recorded.funded.join(", "), again.funded.join(", ")));
    }
    if recorded.funded_cost_cents != again.funded_cost_cents {
        out.push(diff(
            "funded cost".into(),
            recorded.funded_cost_cents.to_string(),
            again.funded_cost_cents.to_string(),
        ));
    }
    if out.is_empty() && recorded != again {
        out.push(diff("text".into(), "…".into(), "…".into()));
    }
    out
}
