//! A station's package of its entries, and merging it on the coordinator's
//! laptop: each entry skipped when seen before, else admitted as if typed
//! there, else kept as a conflict.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

use super::setup::issued_setups;
use super::*;

/// A station's package of its entries for the selection (all boxes, or the
/// one named), signed by `signer` (the station's key), numbered on. With
/// `hand_in` the box (or every box) is closed here first: the package says
/// this laptop's work on it is done, and the coordinator may close it.
pub fn export_station(
    store: &mut Store,
    operator: &str,
    selection_id: i64,
    box_name: Option<&str>,
    hand_in: bool,
    signer: &Signer,
) -> Result<(Vec<u8>, i64), Failure> {
    store.write_with(operator, |_, c| {
        let db = c.db();
        let Some(o) = origin(db, selection_id)? else {
            return Err(Failure::from(p("station.not_station")));
        };
        let mut boxes = crate::paper::boxes::list_boxes(db, selection_id)?;
        if let Some(name) = box_name {
            if !boxes.iter().any(|b| b.name == name) {
                return Err(p("station.unknown_box").with("box", name).into());
            }
        }
        // Handing in: the boxes close here, so nothing more is typed into
        // them on this laptop unless one is reopened (with a reason), which
        // the next package then shows.
        let mut handed_in: Vec<String> = Vec::new();
        if hand_in {
            for b in boxes.iter_mut().filter(|b| !b.closed && box_name.is_none_or(|n| n == b.name)) {
                c.tx.execute(
                    "UPDATE ballot_box SET status = 'closed', closed_by = ?1, closed_at = ?2 WHERE id = ?3",
                    params![operator, c.at.clone(), b.id],
                )
                .map_err(|e| c.err(e))?;
                c.record(crate::paper::PaperEvent::BoxClose {
                    selection: selection_id,
                    id: b.id,
                    expected: b.expected,
                    entered: b.entered,
                    settled: b.settled,
                    override_reason: None,
                })?;
                b.closed = true;
                handed_in.push(b.name.clone());
            }
        }
        let db = c.db();
        let mut stmt = db
            .conn
            .prepare(
                "SELECT e.id, e.serial, e.entry_no, e.operator, e.at, e.marks, b.name, e.status \
                 FROM ballot_entry e LEFT JOIN ballot_box b ON b.id = e.box_id WHERE e.selection_id = ?1 ORDER BY e.id",
            )
            .map_err(|e| db.err(e))?;
        let rows = stmt
            .query_map([selection_id], |r| {
                Ok(PackedEntry {
                    id: r.get(0)?,
                    serial: r.get(1)?,
                    entry_no: r.get(2)?,
                    operator: r.get(3)?,
                    at: r.get(4)?,
                    marks: r.get(5)?,
                    box_name: r.get(6)?,
                    status: r.get(7)?,
                })
            })
            .map_err(|e| db.err(e))?;
        let mut lines = String::new();
        let mut n = 0usize;
        // Every entry's id per box, whatever this package carries: the
        // coordinator counts a box handed in only once all of them arrived.
        let mut ids: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for row in rows {
            let e = row.map_err(|e| db.err(e))?;
            if let Some(b) = &e.box_name {
                ids.entry(b.clone()).or_default().push(e.id);
            }
            if box_name.is_some_and(|b| e.box_name.as_deref() != Some(b)) {
                continue;
            }
            lines.push_str(&serde_json::to_string(&e).expect("serialises"));
            lines.push('\n');
            n += 1;
        }
        drop(stmt);
        // The state of every box, not only those this package carries: a
        // box reopened here after it was handed in shows as open again.
        let box_state: Vec<Value> = boxes
            .iter()
            .map(|b| json!({ "name": b.name, "closed": b.closed, "entries": ids.get(&b.name).cloned().unwrap_or_default() }))
            .collect();
        // The station's chain whole (so it can be checked), with every event
        // not about this selection shown by its hash only, as in a bundle.
        let audit = crate::output::bundle::export::export_audit(db, Some(selection_id))?;
        let number: i64 = db
            .conn
            .query_row(
                "SELECT coalesce(max(number), 0) + 1 FROM station_export WHERE selection_id = ?1",
                [selection_id],
                |r| r.get(0),
            )
            .map_err(|e| db.err(e))?;
        let mut files = BTreeMap::new();
        files.insert(ENTRIES.to_string(), lines.into_bytes());
        files.insert(BOXES.to_string(), serde_json::to_vec_pretty(&box_state).expect("serialises"));
        files.insert(AUDIT.to_string(), audit.into_bytes());
        let manifest = Manifest {
            format: STATION_FORMAT.into(),
            origin_key: o.coordinator_key.clone(),
            origin_selection_id: o.origin_selection_id,
            setup_hash: o.setup_hash.clone(),
            number,
            created_at: c.at.clone(),
            key_id: String::new(),
            public_key: String::new(),
            files: vec![],
        };
        let zip = package::write(manifest, &files, signer)?;
        let sha = package::sha(&zip);
        c.tx.execute(
            "INSERT INTO station_export (selection_id, number, sha256, at) VALUES (?1,?2,?3,?4)",
            params![selection_id, number, sha, c.at.clone()],
        )
        .map_err(|e| c.err(e))?;
        c.record(StationEvent::Export {
            selection: selection_id,
            number,
            sha256: &sha,
            entries: n,
            box_name,
            handed_in: &handed_in,
        })?;
        Ok((zip, number))
    })
}

/// The coordinator imports one station package into the selection: checked
/// whole first (signature, admitted station, this selection and set-up),
/// then written in one transaction.
pub fn import_station(
    store: &mut Store,
    operator: &str,
    selection_id: i64,
    my_key_id: &str,
    bytes: &[u8],
    file: &str,
) -> Result<PackageImport, Failure> {
    let opened = package::open(bytes, STATION_FORMAT, file)?;
    let m = opened.manifest;
    let bad = || Failure::from(p("station.not_a_package").with("file", file));
    let entries: Vec<PackedEntry> = std::str::from_utf8(opened.files.get(ENTRIES).ok_or_else(bad)?)
        .map_err(|_| bad())?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    #[derive(serde::Deserialize)]
    struct BoxState {
        name: String,
        closed: bool,
        #[serde(default)]
        entries: Vec<i64>,
    }
    let box_state: Vec<BoxState> = match opened.files.get(BOXES) {
        Some(b) => serde_json::from_slice(b).map_err(|_| bad())?,
        None => Vec::new(),
    };
    store.write_open_with(operator, selection_id, |st, c| {
        let db = st.db();
        if origin(db, selection_id)?.is_some() {
            return Err(Failure::from(p("station.is_station")));
        }
        if m.origin_key != my_key_id || m.origin_selection_id != selection_id {
            let wijk = crate::selection::read(db, selection_id)?.wijk;
            return Err(p("station.other_selection").with("file", file).with("this", wijk).into());
        }
        if !issued_setups(db, selection_id)?.contains(&m.setup_hash) {
            return Err(p("station.other_setup").with("file", file).into());
        }
        let station: Option<(i64, String)> = db
            .conn
            .query_row(
                "SELECT id, name FROM station WHERE selection_id = ?1 AND key_id = ?2",
                params![selection_id, m.key_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| db.err(e))?;
        let Some((station_id, station_name)) = station else {
            return Err(p("station.not_admitted").with("file", file).with("key", &m.key_id).into());
        };
        let mut report = PackageImport {
            file: file.to_string(),
            station: station_name.clone(),
            number: m.number,
            already: false,
            added: 0,
            repeated: 0,
            conflicts: 0,
            withdrawn: 0,
        };
        let seen: bool = db
            .conn
            .query_row(
                "SELECT count(*) > 0 FROM station_package WHERE selection_id = ?1 AND sha256 = ?2",
                params![selection_id, opened.sha256],
                |r| r.get(0),
            )
            .map_err(|e| db.err(e))?;
        if seen {
            report.already = true;
            return Ok(report);
        }
        // The same number with other content: this station's laptop was set
        // up again (or copied) with the same key, and its entries' ids
        // start over. Refused whole: nothing of it may be taken for entries
        // seen before.
        let reused: bool = db
            .conn
            .query_row(
                "SELECT count(*) > 0 FROM station_package WHERE station_id = ?1 AND number = ?2",
                params![station_id, m.number],
                |r| r.get(0),
            )
            .map_err(|e| db.err(e))?;
        if reused {
            return Err(p("station.number_reused")
                .with("file", file)
                .with("station", &station_name)
                .with("number", m.number)
                .into());
        }
        let sel = crate::selection::read(db, selection_id)?;
        if sel.method != Method::Ballots {
            return Err(Failure::from(p("paper.not_ballots")));
        }
        let settings = crate::paper::store::paper_settings(db, selection_id)?
            .ok_or_else(|| Failure::from(p("paper.no_style")))?;
        let plans = crate::selection::plans(db, selection_id)?;
        let codes: Vec<String> = plans.iter().map(|pl| pl.code.clone()).collect();
        for e in &entries {
            let known: Option<(i64, String, String, String, String)> = db
                                .conn
                .prepare_cached("SELECT id, status, marks, serial, at FROM ballot_entry WHERE selection_id = ?1 AND station_id = ?2 AND station_entry = ?3")
                    .map_err(|x| db.err(x))?
                    .query_row(params![selection_id, station_id, e.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
                .optional()
                .map_err(|e| db.err(e))?;
            // An id seen before for another ballot or other marks: not the
            // same entry (a station set up again with the same key). Kept
            // as a conflict under a fresh id, never taken for the old one.
            // (An entry is the same only with the same ballot, marks and
            // moment it was typed: a laptop set up again types the same
            // ballot again at another moment.)
            if known.as_ref().is_some_and(|(_, _, marks, serial, at)| {
                serial != &e.serial || at != &e.at || crate::paper::canonical_marks(&serde_json::from_str::<Marks>(&e.marks).unwrap_or(Marks { marks: vec![] })) != *marks
            }) {
                // Taken back on that laptop: it carries no vote, and its id
                // belongs to the other entry here.
                if e.status != "active" {
                    report.repeated += 1;
                    continue;
                }
                let kept: bool = db
                    .conn
                    .query_row(
                        "SELECT count(*) > 0 FROM station_conflict WHERE station_id = ?1 AND station_entry < 0 AND serial = ?2 AND marks = ?3 AND at = ?4",
                        params![station_id, e.serial, e.marks, e.at],
                        |r| r.get(0),
                    )
                    .map_err(|x| db.err(x))?;
                if kept {
                    report.repeated += 1;
                } else {
                    let id = -st_next_conflict_id(db, selection_id, station_id)?;
                    conflict(c, selection_id, station_id, &PackedEntry { id, ..e.clone() }, "station.id_reused")?;
                    report.conflicts += 1;
                }
                continue;
            }
            if let Some((row, status, _, _, _)) = known {
                if e.status == "discarded" && status == "active" {
                    // Taken back on the station after an earlier package:
                    // taken back here too while nothing builds on it.
                    let later: i64 = db
                        .conn
                        .query_row(
                            "SELECT (SELECT count(*) FROM ballot_entry WHERE selection_id = ?1 AND serial = ?2 AND id > ?3 AND status = 'active') \
                                  + (SELECT count(*) FROM review WHERE selection_id = ?1 AND serial = ?2) \
                                  + (SELECT count(*) FROM ballot_entry WHERE id = ?3 AND resolved = 1) \
                                  + (SELECT count(*) FROM ballot_entry x JOIN ballot_box b ON b.id = x.box_id WHERE x.id = ?3 AND b.status = 'closed')",
                            params![selection_id, e.serial, row],
                            |r| r.get(0),
                        )
                        .map_err(|e| db.err(e))?;
                    if later == 0 {
                        c.tx.execute("UPDATE ballot_entry SET status = 'discarded' WHERE id = ?1", [row])
                            .map_err(|e| c.err(e))?;
                        c.record(crate::paper::PaperEvent::BallotUndo {
                            selection: selection_id,
                            serial: &e.serial,
                            entry_no: e.entry_no,
                        })?;
                        report.withdrawn += 1;
                    } else {
                        // Brought again by a later package: already kept.
                        if in_conflict(db, selection_id, station_id, e.id)? {
                            report.repeated += 1;
                        } else {
                            conflict(c, selection_id, station_id, e, "station.withdrawn_too_late")?;
                            report.conflicts += 1;
                        }
                    }
                } else {
                    report.repeated += 1;
                }
                continue;
            }
            if in_conflict(db, selection_id, station_id, e.id)? {
                report.repeated += 1;
                continue;
            }
            if e.status != "active" {
                // Taken back on the station before it ever came here: kept
                // as taken back, so that an older package that still has it
                // does not bring it in.
                withdrawn_row(c, selection_id, &settings, &codes, station_id, &station_name, e)?;
                report.withdrawn += 1;
                continue;
            }
            match admit_entry(st, c, selection_id, &settings, &codes, station_id, &station_name, e)? {
                None => report.added += 1,
                Some(reason) => {
                    conflict(c, selection_id, station_id, e, &reason)?;
                    report.conflicts += 1;
                }
            }
        }
        c.tx.execute(
            "INSERT INTO station_package (selection_id, station_id, sha256, number, imported_at, added, repeated, conflicts, withdrawn) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
            params![selection_id, station_id, opened.sha256, m.number, c.at.clone(), report.added as i64, report.repeated as i64, report.conflicts as i64, report.withdrawn as i64],
        )
        .map_err(|e| c.err(e))?;
        let package_id = c.tx.last_insert_rowid();
        for b in &box_state {
            c.tx.execute(
                "INSERT OR IGNORE INTO station_box_state (selection_id, package_id, box_name, closed, entries) VALUES (?1,?2,?3,?4,?5)",
                params![selection_id, package_id, b.name, b.closed, serde_json::to_string(&b.entries).expect("serialises")],
            )
            .map_err(|e| c.err(e))?;
        }
        c.record(StationEvent::Import {
            selection: selection_id,
            station: &m.key_id,
            number: m.number,
            sha256: &opened.sha256,
            counts: [report.added, report.repeated, report.conflicts, report.withdrawn],
        })?;
        // The rows' claims go on an event of their own: the summary above
        // stays readable in the published chain.
        c.record(crate::storage::audit::RecordsWrite)?;
        Ok(report)
    })
}

fn conflict(
    c: &mut crate::storage::store::Change<'_>,
    selection_id: i64,
    station_id: i64,
    e: &PackedEntry,
    reason: &str,
) -> Result<(), Failure> {
    c.tx.execute(
        "INSERT INTO station_conflict (selection_id, station_id, station_entry, serial, marks, operator, at, reason) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
        params![selection_id, station_id, e.id, e.serial, e.marks, e.operator, e.at, reason],
    )
    .map_err(|err| c.err(err))?;
    Ok(())
}

/// Admit one entry from a station as if typed here: `None` when admitted,
/// else the problem code that keeps it out.
#[allow(clippy::too_many_arguments)]
fn admit_entry(
    st: &Store,
    c: &mut crate::storage::store::Change<'_>,
    selection_id: i64,
    settings: &PaperSettings,
    codes: &[String],
    station_id: i64,
    station_name: &str,
    e: &PackedEntry,
) -> Result<Option<String>, Failure> {
    let db = st.db();
    let Ok(serial) = ballot::Serial::parse(&e.serial) else {
        return Ok(Some("paper.unknown_serial".into()));
    };
    let printed: bool = db
        .conn
        .prepare_cached("SELECT count(*) > 0 FROM ballot WHERE selection_id = ?1 AND serial = ?2")
        .map_err(|x| db.err(x))?
        .query_row(params![selection_id, serial.0], |r| r.get(0))
        .map_err(|err| db.err(err))?;
    if !printed {
        return Ok(Some("paper.unknown_serial".into()));
    }
    let Ok(marks) = serde_json::from_str::<Marks>(&e.marks) else {
        return Ok(Some("station.bad_marks".into()));
    };
    let marks_json = crate::paper::canonical_marks(&marks);
    let box_id = match &e.box_name {
        None => None,
        Some(name) => {
            let b: Option<(i64, String)> = db
                .conn
                .prepare_cached("SELECT id, status FROM ballot_box WHERE selection_id = ?1 AND name = ?2")
                .map_err(|x| db.err(x))?
                .query_row(params![selection_id, name], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(|err| db.err(err))?;
            match b {
                None => return Ok(Some("station.unknown_box".into())),
                Some((_, status)) if status == "closed" => return Ok(Some("box.closed".into())),
                Some((id, _)) => Some(id),
            }
        }
    };
    let Ok((verdict, findings, rule_doubtful)) = ballot::judge_with(&settings.style, codes, &marks, &settings.rules)
    else {
        return Ok(Some("station.bad_marks".into()));
    };
    if crate::paper::review::recheck_pending(db, selection_id, &serial.0)? {
        return Ok(Some("paper.recheck_pending".into()));
    }
    // Who typed it, by name alone: the same volunteer on two laptops is
    // still one person for double entry.
    let prior: Vec<entry::Prior> = crate::paper::store::prior_entries(db, selection_id, &serial.0)?
        .into_iter()
        .map(|mut pr| {
            pr.operator = person(&pr.operator).to_string();
            pr
        })
        .collect();
    let admitted = match entry::admit(settings.double_entry, &prior, &e.operator, &marks_json, box_id) {
        Ok(a) => a,
        Err(entry::Refused::OtherBox { .. }) => return Ok(Some("paper.box_mismatch".into())),
        Err(entry::Refused::SameOperator) => return Ok(Some("paper.same_operator".into())),
        Err(entry::Refused::AlreadyEntered { .. }) => return Ok(Some("paper.already_entered".into())),
    };
    let (entry_no, double) = (admitted.entry_no(), admitted.double_entry());
    let verdict_s = crate::output::cvr::verdict_word(Some(verdict));
    let findings_json = serde_json::to_string(&findings).expect("plain data serialises");
    let doubtful = (!rule_doubtful.is_empty()).then(|| rule_doubtful.join(", "));
    let operator = format!("{} @ {station_name}", e.operator);
    c.tx.prepare_cached(
        "INSERT INTO ballot_entry (selection_id, serial, entry_no, operator, at, marks, verdict, findings, doubtful, box_id, station_id, station_entry) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
    )
    .map_err(|err| c.err(err))?
    .execute(params![selection_id, serial.0, entry_no, operator, e.at, marks_json, verdict_s, findings_json, doubtful, box_id, station_id, e.id],
    )
    .map_err(|err| c.err(err))?;
    c.record(StationEvent::Enter {
        selection: selection_id,
        serial: &serial.0,
        entry_no,
        verdict: verdict_s,
        double_entry: double,
        box_id,
        station: station_name,
        station_entry: e.id,
    })?;
    Ok(None)
}

/// An entry a station took back before any package brought it: stored as
/// taken back (claimed in the chain by the import's event), never counted.
fn withdrawn_row(
    c: &mut crate::storage::store::Change<'_>,
    selection_id: i64,
    settings: &PaperSettings,
    codes: &[String],
    station_id: i64,
    station_name: &str,
    e: &PackedEntry,
) -> Result<(), Failure> {
    let Ok(serial) = ballot::Serial::parse(&e.serial) else {
        return Ok(());
    };
    let marks = serde_json::from_str::<Marks>(&e.marks).unwrap_or(Marks { marks: vec![] });
    let verdict = match ballot::judge_with(&settings.style, codes, &marks, &settings.rules) {
        Ok((Verdict::Valid, _, _)) => "valid",
        Ok((Verdict::Blank, _, _)) => "blank",
        _ => "invalid",
    };
    let entry_no = if e.entry_no == 2 { 2 } else { 1 };
    c.tx.execute(
        "INSERT INTO ballot_entry (selection_id, serial, entry_no, operator, at, marks, verdict, findings, doubtful, box_id, status, station_id, station_entry) \
         VALUES (?1,?2,?3,?4,?5,?6,?7,'[]',NULL,NULL,'discarded',?8,?9)",
        params![selection_id, serial.0, entry_no, format!("{} @ {station_name}", e.operator), e.at, crate::paper::canonical_marks(&marks), verdict, station_id, e.id],
    )
    .map_err(|err| c.err(err))?;
    Ok(())
}

/// A fresh negative id for an entry kept as a conflict because its own id
/// was already taken by another entry of the same station.
fn st_next_conflict_id(db: Db<'_>, selection_id: i64, station_id: i64) -> Result<i64, Failure> {
    db.conn
        .query_row(
            "SELECT coalesce(max(-station_entry), 0) + 1 FROM station_conflict WHERE selection_id = ?1 AND station_id = ?2 AND station_entry < 0",
            params![selection_id, station_id],
            |r| r.get(0),
        )
        .map_err(|e| Failure::from(db.err(e)))
}

/// Whether this station's entry is already kept as a conflict.
fn in_conflict(db: Db<'_>, selection_id: i64, station_id: i64, entry: i64) -> Result<bool, Failure> {
    db.conn
        .prepare_cached(
            "SELECT count(*) > 0 FROM station_conflict WHERE selection_id = ?1 AND station_id = ?2 AND station_entry = ?3",
        )
        .map_err(|x| db.err(x))?
        .query_row(params![selection_id, station_id, entry], |r| r.get(0))
        .map_err(|x| Failure::from(db.err(x)))
}
