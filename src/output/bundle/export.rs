//! Making the bundle from a closed count's records (the SQL side); the
//! format and its verifier are in `mod.rs`.

use super::*;
use crate::storage::store::Db;

impl Store {}

/// Everything the result depends on, as `selection.json` holds it.
pub fn selection_def(db: Db<'_>, selection_id: i64, rule: &str, lang: Lang) -> Result<SelectionDef, Failure> {
    let ci = crate::output::cvr::count_inputs(db, selection_id)?;
    selection_def_with(db, selection_id, rule, lang, &ci)
}

fn selection_def_with(
    db: Db<'_>,
    selection_id: i64,
    rule: &str,
    lang: Lang,
    ci: &crate::output::cvr::CountInputs,
) -> Result<SelectionDef, Failure> {
    let printed: i64 = db
        .conn
        .query_row("SELECT count(*) FROM ballot WHERE selection_id = ?1", [selection_id], |r| r.get(0))
        .map_err(|e| db.err(e))?;
    Ok(SelectionDef {
        paper: Some(ci.settings.clone()),
        printed: printed as u64,
        boxes: crate::paper::boxes::list_boxes_with(db, selection_id, &ci.counted)?,
        ..plain_def(db, selection_id, rule, lang)?
    })
}

/// Every entry ever made for the selection, kept or discarded: who, when, what.
pub fn export_entries(db: Db<'_>, selection_id: i64) -> Result<String, Failure> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| Failure::from(p("export.failed").with("detail", e));
    w.write_record([
        "serial", "entry_no", "operator", "at", "marks", "verdict", "findings", "doubtful", "status", "resolved",
        "box_id",
    ])
    .map_err(io)?;
    let mut stmt = db
        .conn
        .prepare("SELECT serial, entry_no, operator, at, marks, verdict, findings, coalesce(doubtful, ''), status, resolved, coalesce(box_id, '') FROM ballot_entry WHERE selection_id = ?1 ORDER BY id")
        .map_err(|e| db.err(e))?;
    let rows = stmt
        .query_map([selection_id], |r| {
            (0..11).map(|i| r.get::<_, rusqlite::types::Value>(i)).collect::<Result<Vec<_>, _>>()
        })
        .map_err(|e| db.err(e))?;
    for row in rows {
        let row = row.map_err(|e| db.err(e))?;
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
pub fn require_intact(db: Db<'_>) -> Result<crate::storage::audit::ChainReport, Failure> {
    let chain = crate::storage::store::verify(db.conn).map_err(|e| Failure::from(db.err(e)))?;
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
pub fn export_audit(db: Db<'_>, public_for: Option<i64>) -> Result<String, Failure> {
    let events = crate::storage::audit::list(db.conn, i64::MAX).map_err(|e| Failure::from(db.err(e)))?;
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
pub fn bundle_parts(db: Db<'_>, selection_id: i64, key_id: &str, lang: Lang) -> Result<Parts, Failure> {
    let sel = crate::selection::read(db, selection_id)?;
    if sel.status != crate::selection::Status::Closed {
        return Err(p("bundle.not_closed").into());
    }
    // A result is only handed out from records the chain vouches for.
    require_intact(db)?;
    if sel.method == Method::Tables {
        return tables_bundle_parts(db, selection_id, key_id, lang);
    }
    if sel.method == Method::Panel {
        return panel_bundle_parts(db, selection_id, key_id, lang);
    }
    let ci = crate::output::cvr::count_inputs(db, selection_id)?;
    let def = selection_def_with(db, selection_id, "greedy", lang, &ci)?;
    let cvr = crate::output::cvr::cvr_csv(&ci, crate::output::cvr::Records::Public)?;
    let reviews = crate::paper::review::anonymous(crate::paper::review::reviews_with(db, selection_id, &ci.counted)?);
    let rows = report::parse_cvr(&cvr).map_err(|d| Failure::from(p("bundle.recompute_failed").with("detail", d)))?;
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
    files.insert("audit.jsonl".to_string(), export_audit(db, Some(selection_id))?.into_bytes());
    files.insert("selection.pb".to_string(), crate::output::cvr::pabulib_text(&ci)?.into_bytes());
    if let Some(sources) = sources(db, selection_id)? {
        files.insert(SOURCES.to_string(), serde_json::to_vec_pretty(&sources).expect("serialises"));
    }
    let footer = Footer { content_hash: content_hash(&files), key_id: key_id.to_string() };
    files.insert(REPORT.to_string(), report::render(&data, &footer));
    Ok(Parts { files, report: data, footer })
}

/// Where a paper count's records came from besides this laptop's keyboard:
/// the counting stations (key id, and each package imported: its hash,
/// number and counts) and the online vote (each file's hash and votes).
/// `None` when everything was typed here.
fn sources(db: Db<'_>, selection_id: i64) -> Result<Option<Sources>, Failure> {
    let q = |e: rusqlite::Error| Failure::from(db.err(e));
    let mut stations = Vec::new();
    let mut st =
        db.conn.prepare("SELECT id, name, key_id FROM station WHERE selection_id = ?1 ORDER BY name").map_err(q)?;
    let rows: Vec<(i64, String, String)> = st
        .query_map([selection_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(q)?
        .collect::<Result<_, _>>()
        .map_err(q)?;
    for (id, name, key_id) in rows {
        let mut pk = db
            .conn
            .prepare("SELECT number, sha256, added, repeated, conflicts, withdrawn FROM station_package WHERE station_id = ?1 ORDER BY id")
            .map_err(q)?;
        let packages = pk
            .query_map([id], |r| {
                Ok(SourcePackage {
                    number: r.get(0)?,
                    sha256: r.get(1)?,
                    added: r.get(2)?,
                    repeated: r.get(3)?,
                    conflicts: r.get(4)?,
                    withdrawn: r.get(5)?,
                })
            })
            .map_err(q)?
            .collect::<Result<_, _>>()
            .map_err(q)?;
        stations.push(SourceStation { name, key_id, packages });
    }
    let mut on = db
        .conn
        .prepare("SELECT file_name, sha256, format, votes FROM online_source WHERE selection_id = ?1 ORDER BY id")
        .map_err(q)?;
    let online: Vec<SourceOnline> = on
        .query_map([selection_id], |r| {
            Ok(SourceOnline { file: r.get(0)?, sha256: r.get(1)?, format: r.get(2)?, votes: r.get(3)? })
        })
        .map_err(q)?
        .collect::<Result<_, _>>()
        .map_err(q)?;
    Ok((!stations.is_empty() || !online.is_empty()).then_some(Sources { stations, online }))
}

fn panel_bundle_parts(db: Db<'_>, selection_id: i64, key_id: &str, lang: Lang) -> Result<Parts, Failure> {
    let def = plain_def(db, selection_id, "panel", lang)?;
    let (rounds, amendments) = crate::panel::store::panel_records(db, selection_id)?;
    // A panel drawn by lot carries its draw: files anyone can check.
    // Why someone declined stays on the laptop (the chain has its hash).
    let draw = crate::panel::lot::draw_record(db, selection_id)?.filter(|d| d.pick.is_some()).map(|mut d| {
        d.replacements.iter_mut().for_each(|r| r.reason.clear());
        d
    });
    let data = report::compute_panel(&def, &rounds, &amendments, draw.as_ref())
        .map_err(|d| Failure::from(p("bundle.recompute_failed").with("detail", d)))?;
    let mut files = BTreeMap::new();
    if let Some(d) = &draw {
        let (quotas, respondents) = crate::panel::lot::draw_sources(db, d.id)?;
        let (_, table) = crate::panel::lot::latest_table(db, selection_id)?.ok_or_else(|| p("draw.none"))?;
        files.extend(super::draw::files(d, &quotas, &respondents, &table));
    }
    files.insert("selection.json".to_string(), serde_json::to_vec_pretty(&def).expect("serialises"));
    files.insert("records/rounds.json".to_string(), serde_json::to_vec_pretty(&rounds).expect("serialises"));
    files.insert("records/amendments.json".to_string(), serde_json::to_vec_pretty(&amendments).expect("serialises"));
    files.insert("results.json".to_string(), serde_json::to_vec_pretty(&data).expect("serialises"));
    files.insert("audit.jsonl".to_string(), export_audit(db, Some(selection_id))?.into_bytes());
    let footer = Footer { content_hash: content_hash(&files), key_id: key_id.to_string() };
    files.insert(REPORT.to_string(), report::render(&data, &footer));
    Ok(Parts { files, report: data, footer })
}

fn plain_def(db: Db<'_>, selection_id: i64, rule: &str, lang: Lang) -> Result<SelectionDef, Failure> {
    let sel = crate::selection::read(db, selection_id)?;
    let plans = crate::selection::list_plans(db, selection_id)?;
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
        count: count_record(db, selection_id)?,
    })
}

/// When the selection's count was closed, who entered its records and
/// who decided, read from the audit log (each name once, in order of
/// first appearance).
pub fn count_record(db: Db<'_>, selection_id: i64) -> Result<report::CountRecord, Failure> {
    use crate::storage::audit::{self, Action};
    const ENTERED: &[&str] = &[
        Action::BallotEnter.as_str(),
        Action::BallotRecheckEnter.as_str(),
        Action::TablesVerdict.as_str(),
        Action::PanelVote.as_str(),
        Action::PanelConsent.as_str(),
    ];
    const DECIDED: &[&str] = &[
        Action::BallotResolve.as_str(),
        Action::BallotDecide.as_str(),
        Action::WarningExplain.as_str(),
        Action::BoxClose.as_str(),
        Action::BoxReopen.as_str(),
        Action::CountClose.as_str(),
        Action::TablesDrop.as_str(),
        Action::TablesClose.as_str(),
        Action::PanelRoundClose.as_str(),
        Action::PanelAmend.as_str(),
        Action::PanelClose.as_str(),
    ];
    const CLOSED: &[&str] = audit::CLOSING;
    let own = format!("selection/{selection_id}");
    let mut stmt = db
        .conn
        .prepare(
            "SELECT at, operator, action, seq, hash FROM audit_log WHERE entity = ?1 OR entity LIKE ?1 || '/%' ORDER BY seq",
        )
        .map_err(|e| db.err(e))?;
    let rows = stmt
        .query_map([&own], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?))
        })
        .map_err(|e| db.err(e))?;
    let mut rec = report::CountRecord::default();
    for row in rows {
        let (at, operator, action, seq, hash) = row.map_err(|e| db.err(e))?;
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
    // Entries from counting stations were typed there: their people, with
    // their laptop (`Sam @ Laptop 2`), in the order they came in.
    let mut stmt = db
        .conn
        .prepare("SELECT operator FROM ballot_entry WHERE selection_id = ?1 AND station_id IS NOT NULL AND status = 'active' ORDER BY id")
        .map_err(|e| db.err(e))?;
    let typed: Vec<String> = stmt
        .query_map([selection_id], |r| r.get(0))
        .map_err(|e| db.err(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| db.err(e))?;
    for operator in typed {
        if !rec.entered_by.contains(&operator) {
            rec.entered_by.push(operator);
        }
    }
    Ok(rec)
}

fn tables_bundle_parts(db: Db<'_>, selection_id: i64, key_id: &str, lang: Lang) -> Result<Parts, Failure> {
    let mut def = plain_def(db, selection_id, "tables", lang)?;
    def.tables = crate::tables::store::table_settings(db, selection_id)?;
    let tables = crate::tables::store::tables(db, selection_id)?;
    let drops = crate::tables::store::table_drops(db, selection_id)?;
    let data = report::compute_tables(&def, &tables, &drops)
        .map_err(|d| Failure::from(p("bundle.recompute_failed").with("detail", d)))?;
    let mut files = BTreeMap::new();
    files.insert("selection.json".to_string(), serde_json::to_vec_pretty(&def).expect("serialises"));
    files.insert("records/tables.json".to_string(), serde_json::to_vec_pretty(&tables).expect("serialises"));
    files.insert("records/drops.json".to_string(), serde_json::to_vec_pretty(&drops).expect("serialises"));
    files.insert("results.json".to_string(), serde_json::to_vec_pretty(&data).expect("serialises"));
    files.insert("audit.jsonl".to_string(), export_audit(db, Some(selection_id))?.into_bytes());
    let footer = Footer { content_hash: content_hash(&files), key_id: key_id.to_string() };
    files.insert(REPORT.to_string(), report::render(&data, &footer));
    Ok(Parts { files, report: data, footer })
}

/// The signed bundle (zip bytes) of a closed count.
pub fn export_bundle(
    db: Db<'_>,
    selection_id: i64,
    signer: &Signer,
    created_at: String,
    lang: Lang,
) -> Result<Vec<u8>, Failure> {
    let parts = bundle_parts(db, selection_id, &signer.key_id(), lang)?;
    let sel = crate::selection::read(db, selection_id)?;
    let manifest = Manifest {
        format: BUNDLE_FORMAT.into(),
        selection_id,
        wijk: sel.wijk,
        edition: sel.edition,
        created_at,
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
    signed_zip(&manifest_bytes, &signature, &parts.files)
}

/// A signed zip as the bundle and the station packages write it: the
/// manifest, its signature, then the files.
pub fn signed_zip(manifest: &[u8], signature: &str, files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<u8>, Failure> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    // Fast deflate: the bundle is written while people wait; size matters less.
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    let zerr = |e: zip::result::ZipError| Failure::from(p("export.failed").with("detail", e));
    let ioerr = |e: std::io::Error| Failure::from(p("export.failed").with("detail", e));
    for (name, bytes) in [(MANIFEST, manifest), (SIGNATURE, signature.as_bytes())]
        .into_iter()
        .chain(files.iter().map(|(k, v)| (k.as_str(), v.as_slice())))
    {
        zip.start_file(name, opts).map_err(zerr)?;
        zip.write_all(bytes).map_err(ioerr)?;
    }
    Ok(zip.finish().map_err(zerr)?.into_inner())
}

/// The committee's internal records of a paper count (zip): every entry
/// with its serial, operator and time, the cast-vote records with
/// serials, the decisions with serials, and the whole audit chain. For
/// checking ballots against the box, never for publication: it links
/// printed serials to votes.
pub fn export_internal(db: Db<'_>, selection_id: i64, lang: Lang) -> Result<Vec<u8>, Failure> {
    let chain = require_intact(db)?;
    let ci = crate::output::cvr::count_inputs(db, selection_id)?;
    let reviews = crate::paper::review::reviews_with(db, selection_id, &ci.counted)?;
    let mut params = std::collections::BTreeMap::new();
    params.insert("wijk".to_string(), ci.sel.wijk.clone());
    params.insert("head".to_string(), chain.head.clone());
    let files: Vec<(&str, Vec<u8>)> = vec![
        (INTERNAL_README, crate::i18n::tr(lang, "export.internal_readme", &params).into_bytes()),
        (
            "stemmen-met-nummers.csv",
            crate::output::cvr::cvr_csv(&ci, crate::output::cvr::Records::WithSerials)?.into_bytes(),
        ),
        ("invoer.csv", export_entries(db, selection_id)?.into_bytes()),
        ("beslissingen.json", serde_json::to_vec_pretty(&reviews).expect("serialises")),
        ("audit.jsonl", export_audit(db, None)?.into_bytes()),
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
