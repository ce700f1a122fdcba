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

pub mod draw;
pub mod export;

pub const BUNDLE_FORMAT: &str = "wijkstem-bundle/1";
pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.json.minisig";
pub const REPORT: &str = "report.pdf";
/// A paper count's other sources: counting stations and the online vote.
pub const SOURCES: &str = "records/sources.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sources {
    pub stations: Vec<SourceStation>,
    pub online: Vec<SourceOnline>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceStation {
    pub name: String,
    pub key_id: String,
    pub packages: Vec<SourcePackage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourcePackage {
    pub number: i64,
    pub sha256: String,
    pub added: i64,
    pub repeated: i64,
    pub conflicts: i64,
    pub withdrawn: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceOnline {
    pub file: String,
    pub sha256: String,
    pub format: String,
    pub votes: i64,
}

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

pub fn sha(bytes: &[u8]) -> String {
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
            let draw: Option<crate::panel::lot::DrawRecord> = text(draw::DRAW)
                .map(|t| serde_json::from_str(&t).map_err(|e| format!("{}: {e}", draw::DRAW)))
                .transpose()?;
            return Ok((report::compute_panel(&def, &rounds, &amendments, draw.as_ref())?, recorded));
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
    // 6. The panel's draw by lot, when it was drawn: quotas, chances, the
    // number and the chain, from the bundle alone.
    let events: Vec<AuditEvent> = files
        .get("audit.jsonl")
        .map(|b| String::from_utf8_lossy(b).lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
        .unwrap_or_default();
    match draw::check(&files, &events) {
        None => {}
        Some(Ok(passed)) => r.passed.push(passed),
        Some(Err(problems)) => r.problems.extend(problems),
    }
    // 7. A paper count's other sources: every package and online file it
    // names was imported in the chain, and the online votes in the records
    // are as many as the files brought.
    if let Some(bytes) = files.get(SOURCES) {
        match serde_json::from_slice::<Sources>(bytes) {
            Err(e) => r.problems.push(p("bundle.sources_unreadable").with("detail", e)),
            Ok(sources) => {
                let imported = |action: &str, sha: &str| {
                    events.iter().any(|e| e.action == action && e.after.as_deref().is_some_and(|a| a.contains(sha)))
                };
                let mut ok = true;
                for s in &sources.stations {
                    for pk in &s.packages {
                        if !imported("station.import", &pk.sha256) {
                            ok = false;
                            r.problems.push(
                                p("bundle.source_not_in_chain").with("what", format!("{} #{}", s.name, pk.number)),
                            );
                        }
                    }
                }
                for o in &sources.online {
                    if !imported("online.import", &o.sha256) {
                        ok = false;
                        r.problems.push(p("bundle.source_not_in_chain").with("what", &o.file));
                    }
                }
                let online_rows = text("records/ballots.csv")
                    .map(|t| t.lines().filter(|l| l.starts_with(&format!("{},", crate::paper::online::ONLINE))).count())
                    .unwrap_or(0) as i64;
                let online_votes: i64 = sources.online.iter().map(|o| o.votes).sum();
                if online_rows != online_votes {
                    ok = false;
                    r.problems
                        .push(p("bundle.online_count").with("records", online_rows).with("imported", online_votes));
                }
                if ok {
                    r.passed.push(
                        p("bundle.ok_sources")
                            .with("stations", sources.stations.len())
                            .with("packages", sources.stations.iter().map(|s| s.packages.len()).sum::<usize>())
                            .with("online", online_votes),
                    );
                }
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
