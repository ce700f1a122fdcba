//! What came from the stations, and the conflicts left to settle.

use rusqlite::params;

use super::*;

/// The person in an operator as stored: `Sam @ Laptop 2` is Sam.
pub fn person(operator: &str) -> &str {
    operator.split(" @ ").next().unwrap_or(operator)
}

/// The admitted stations and what came from each.
pub fn stations(db: Db<'_>, selection_id: i64) -> Result<Vec<StationView>, Failure> {
    let mut stmt = db
        .conn
        .prepare(
            "SELECT s.key_id, s.name, \
               (SELECT count(*) FROM station_package k WHERE k.station_id = s.id), \
               (SELECT max(imported_at) FROM station_package k WHERE k.station_id = s.id), \
               (SELECT coalesce(max(number), 0) FROM station_package k WHERE k.station_id = s.id), \
               (SELECT count(*) FROM ballot_entry e WHERE e.station_id = s.id AND e.status = 'active') \
             FROM station s WHERE s.selection_id = ?1 ORDER BY s.name",
        )
        .map_err(|e| db.err(e))?;
    let rows = stmt
        .query_map([selection_id], |r| {
            Ok(StationView {
                key_id: r.get(0)?,
                name: r.get(1)?,
                packages: r.get(2)?,
                last_import: r.get(3)?,
                last_number: r.get(4)?,
                entries: r.get(5)?,
                boxes: Vec::new(),
            })
        })
        .map_err(|e| db.err(e))?;
    let mut out: Vec<StationView> = rows.collect::<Result<_, _>>().map_err(|e| Failure::from(db.err(e)))?;
    drop(stmt);
    // Per station and box: what its entries in the box are here, and what
    // its newest package that brought the box said of it.
    let names: Vec<String> = db
        .conn
        .prepare("SELECT name FROM ballot_box WHERE selection_id = ?1 ORDER BY id")
        .and_then(|mut q| q.query_map([selection_id], |r| r.get(0))?.collect())
        .map_err(|e| db.err(e))?;
    let mut per_box = db
        .conn
        .prepare(
            "SELECT (SELECT count(*) FROM ballot_entry e LEFT JOIN ballot_box x ON x.id = e.box_id \
                 WHERE e.station_id = s.id AND e.status = 'active' AND x.name = ?3), \
               s.id, \
               (SELECT max(k.imported_at) FROM station_box_state b JOIN station_package k ON k.id = b.package_id \
                 WHERE k.station_id = s.id AND b.box_name = ?3) \
             FROM station s WHERE s.selection_id = ?1 AND s.key_id = ?2",
        )
        .map_err(|e| db.err(e))?;
    for st in &mut out {
        for name in &names {
            let (entries, station_id, at): (i64, i64, Option<String>) = per_box
                .query_row(params![selection_id, st.key_id, name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(|e| db.err(e))?;
            st.boxes.push(StationBoxView {
                name: name.clone(),
                entries,
                handed_in: crate::paper::store::station_done(db, selection_id, station_id, name)?,
                last_import: at,
            });
        }
    }
    Ok(out)
}

/// The entries packages brought that could not be admitted.
pub fn conflicts(db: Db<'_>, selection_id: i64) -> Result<Vec<ConflictView>, Failure> {
    let mut stmt = db
        .conn
        .prepare(
            "SELECT c.id, s.name, c.serial, c.marks, c.operator, c.at, c.reason, c.settled_at IS NOT NULL \
             FROM station_conflict c JOIN station s ON s.id = c.station_id WHERE c.selection_id = ?1 ORDER BY c.id",
        )
        .map_err(|e| db.err(e))?;
    let rows = stmt
        .query_map([selection_id], |r| {
            Ok(ConflictView {
                id: r.get(0)?,
                station: r.get(1)?,
                serial: r.get(2)?,
                marks: r.get(3)?,
                operator: r.get(4)?,
                at: r.get(5)?,
                reason: r.get(6)?,
                others: vec![],
                settled: r.get(7)?,
            })
        })
        .map_err(|e| db.err(e))?;
    let mut out: Vec<ConflictView> = rows.collect::<Result<_, _>>().map_err(|e| Failure::from(db.err(e)))?;
    for cv in &mut out {
        cv.marks = marks_text(&cv.marks);
        cv.others = crate::paper::store::prior_entries(db, selection_id, &cv.serial)?
            .into_iter()
            .map(|pr| format!("{} ({})", pr.operator, marks_text(&pr.marks)))
            .collect();
    }
    Ok(out)
}

/// Marks as typed at the entry screen: `MM01, MM03`, `MM01=3`; blank as `—`.
fn marks_text(stored: &str) -> String {
    let Ok(m) = serde_json::from_str::<Marks>(stored) else {
        return stored.to_string();
    };
    let parts: Vec<String> = m
        .marks
        .iter()
        .filter(|(_, v)| *v > 0)
        .map(|(c, v)| if *v == 1 { c.clone() } else { format!("{c}={v}") })
        .collect();
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(", ")
    }
}

/// The number of conflicts not yet settled (closing the count needs none).
pub fn open_conflicts(db: Db<'_>, selection_id: i64) -> Result<i64, Failure> {
    Ok(db
        .conn
        .query_row(
            "SELECT count(*) FROM station_conflict WHERE selection_id = ?1 AND settled_at IS NULL",
            [selection_id],
            |r| r.get(0),
        )
        .map_err(|e| db.err(e))?)
}

/// The coordinator settles a conflict after looking at the ballot, with a note
/// of what was done (the entry itself is never admitted by settling it: a
/// ballot that needs it is entered again, on this laptop).
pub fn settle(
    store: &mut Store,
    operator: &str,
    selection_id: i64,
    conflict_id: i64,
    note: &str,
) -> Result<(), Failure> {
    let note = note.trim();
    if note.is_empty() {
        return Err(p("station.note_needed").into());
    }
    store.write_open(operator, selection_id, |c| {
        let n = c
            .tx
            .execute(
                "UPDATE station_conflict SET settled_by = ?1, settled_at = ?2, settled_note = ?3 WHERE id = ?4 AND selection_id = ?5 AND settled_at IS NULL",
                params![c.operator.clone(), c.at.clone(), note, conflict_id, selection_id],
            )
            .map_err(|e| c.err(e))?;
        if n == 0 {
            return Err(Failure::from(p("station.no_such_conflict").with("id", conflict_id)));
        }
        c.record(StationEvent::Settle { selection: selection_id, conflict: conflict_id, note })?;
        Ok(())
    })
}
