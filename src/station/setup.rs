//! The set-up package: made on the coordinator's laptop, imported on a
//! station; and admitting a station's key.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::*;

fn setup_files(db: Db<'_>, selection_id: i64) -> Result<BTreeMap<String, Vec<u8>>, Failure> {
    let sel = crate::selection::read(db, selection_id)?;
    if sel.method != Method::Ballots {
        return Err(p("paper.not_ballots").into());
    }
    let settings =
        crate::paper::store::paper_settings(db, selection_id)?.ok_or_else(|| Failure::from(p("paper.no_style")))?;
    let plans = crate::selection::plans(db, selection_id)?;
    let boxes = crate::paper::boxes::list_boxes(db, selection_id)?;
    let setup = SetupSelection {
        wijk: sel.wijk,
        edition: sel.edition,
        budget_cents: sel.budget_cents,
        plans: plans
            .iter()
            .map(|pl| PlanInput {
                code: pl.code.clone(),
                title: pl.title.clone(),
                description: pl.description.clone(),
                cost_cents: pl.cost_cents,
                initiator: pl.initiator.clone(),
            })
            .collect(),
        settings,
        boxes: boxes
            .iter()
            .map(|b| BoxInput { name: b.name.clone(), location: b.location.clone(), expected: b.expected })
            .collect(),
        box_ids: boxes.iter().map(|b| b.id).collect(),
    };
    let mut printed = String::from("serial,style_hash,batch\n");
    let mut stmt = db
        .conn
        .prepare("SELECT serial, style_hash, batch FROM ballot WHERE selection_id = ?1 ORDER BY serial")
        .map_err(|e| db.err(e))?;
    let rows = stmt
        .query_map([selection_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))
        .map_err(|e| db.err(e))?;
    for row in rows {
        let (s, h, b) = row.map_err(|e| db.err(e))?;
        printed.push_str(&format!("{s},{h},{b}\n"));
    }
    let mut files = BTreeMap::new();
    files.insert(SELECTION.to_string(), serde_json::to_vec_pretty(&setup).expect("serialises"));
    files.insert(PRINTED.to_string(), printed.into_bytes());
    Ok(files)
}

/// The set-up package of a paper-ballot selection, signed by `signer` (the
/// coordinator's key). Its export is in the chain, with the set-up's hash,
/// which station packages must name.
pub fn export_setup(store: &mut Store, operator: &str, selection_id: i64, signer: &Signer) -> Result<Vec<u8>, Failure> {
    store.write_open(operator, selection_id, |c| {
        if origin(c.db(), selection_id)?.is_some() {
            return Err(Failure::from(p("station.is_station")));
        }
        let files = setup_files(c.db(), selection_id)?;
        let setup_hash = package::content_hash(&files);
        let ballots = files[PRINTED].iter().filter(|&&b| b == b'\n').count() as u64 - 1;
        if ballots == 0 {
            return Err(Failure::from(p("station.no_ballots")));
        }
        // Stations hand their work in box by box: without boxes, a count
        // could not know it has all of a station's work.
        if crate::paper::boxes::list_boxes(c.db(), selection_id)?.is_empty() {
            return Err(Failure::from(p("station.needs_boxes")));
        }
        let manifest = Manifest {
            format: SETUP_FORMAT.into(),
            origin_key: signer.key_id(),
            origin_selection_id: selection_id,
            setup_hash: setup_hash.clone(),
            number: 0,
            created_at: c.at.clone(),
            key_id: String::new(),
            public_key: String::new(),
            files: vec![],
        };
        let zip = package::write(manifest, &files, signer)?;
        c.record(StationEvent::SetupExport { selection: selection_id, setup_hash: &setup_hash, ballots })?;
        Ok(zip)
    })
}

/// The set-up hashes this laptop has issued for a selection.
pub(super) fn issued_setups(db: Db<'_>, selection_id: i64) -> Result<Vec<String>, Failure> {
    let mut stmt =
        db.conn.prepare("SELECT after FROM audit_log WHERE action = ?1 AND entity = ?2").map_err(|e| db.err(e))?;
    let rows = stmt
        .query_map(params![Action::StationSetupExport.as_str(), format!("selection/{selection_id}")], |r| {
            r.get::<_, Option<String>>(0)
        })
        .map_err(|e| db.err(e))?;
    let mut out = Vec::new();
    for row in rows {
        let after = row.map_err(|e| db.err(e))?.unwrap_or_default();
        if let Some(h) =
            serde_json::from_str::<Value>(&after).ok().and_then(|v| v["setup_hash"].as_str().map(String::from))
        {
            out.push(h);
        }
    }
    Ok(out)
}

/// Make this laptop a counting station for the selection in a set-up
/// package: a new selection with the package's plans, style, rules, boxes
/// and printed serials, all in one transaction. Returns the new selection's
/// id and the coordinator's key id (to compare by eye with the coordinator's
/// About card).
pub fn import_setup(store: &mut Store, operator: &str, bytes: &[u8], file: &str) -> Result<(i64, String), Failure> {
    let opened = package::open(bytes, SETUP_FORMAT, file)?;
    let m = &opened.manifest;
    if m.key_id != m.origin_key || package::content_hash(&opened.files) != m.setup_hash {
        return Err(p("station.tampered").with("file", file).into());
    }
    let bad = || Failure::from(p("station.not_a_package").with("file", file));
    let setup: SetupSelection =
        serde_json::from_slice(opened.files.get(SELECTION).ok_or_else(bad)?).map_err(|_| bad())?;
    let printed = std::str::from_utf8(opened.files.get(PRINTED).ok_or_else(bad)?).map_err(|_| bad())?;
    let mut serials = Vec::new();
    for line in printed.lines().skip(1) {
        let parts: Vec<&str> = line.split(',').collect();
        let [s, h, b] = parts[..] else { return Err(bad()) };
        let serial = ballot::Serial::parse(s).map_err(|_| bad())?;
        serials.push((serial.0, h.to_string(), b.parse::<i64>().map_err(|_| bad())?));
    }
    let origin = Origin {
        coordinator_key: m.origin_key.clone(),
        origin_selection_id: m.origin_selection_id,
        setup_hash: m.setup_hash.clone(),
    };
    let public_key = m.public_key.clone();
    let id = store.write(operator, |c| {
        let known: Option<i64> = c
            .tx
            .query_row(
                "SELECT selection_id FROM station_origin WHERE coordinator_key = ?1 AND origin_selection_id = ?2",
                params![origin.coordinator_key, origin.origin_selection_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| c.err(e))?;
        if let Some(known) = known {
            return Err(Failure::from(p("station.setup_known").with("selection", known)));
        }
        let input = crate::selection::SelectionInput {
            edition: setup.edition.clone(),
            wijk: setup.wijk.clone(),
            budget_cents: setup.budget_cents,
            method: Method::Ballots,
        };
        let v = input.validated().map_err(|_| bad())?;
        c.tx.execute(
            "INSERT INTO selection (edition, wijk, budget_cents, method, status, created_at) VALUES (?1,?2,?3,'ballots','open',?4)",
            params![v.edition, v.wijk, v.budget_cents, c.at.clone()],
        )
        .map_err(|e| c.err(e))?;
        let id = c.tx.last_insert_rowid();
        for pl in &setup.plans {
            c.tx.execute(
                "INSERT INTO plan (selection_id, code, title, description, cost_cents, initiator) VALUES (?1,?2,?3,?4,?5,?6)",
                params![id, pl.code, pl.title, pl.description, pl.cost_cents, pl.initiator],
            )
            .map_err(|_| bad())?;
        }
        let style = serde_json::to_string(&setup.settings.style).expect("serialises");
        let rules = serde_json::to_string(&setup.settings.rules).expect("serialises");
        c.tx.execute(
            "UPDATE selection SET ballot_style = ?1, double_entry = ?2, entry_rules = ?3 WHERE id = ?4",
            params![style, setup.settings.double_entry as i64, rules, id],
        )
        .map_err(|e| c.err(e))?;
        for (k, b) in setup.boxes.iter().enumerate() {
            c.tx.execute(
                "INSERT INTO ballot_box (selection_id, name, location, expected) VALUES (?1,?2,?3,?4)",
                params![id, b.name, b.location, b.expected as i64],
            )
            .map_err(|_| bad())?;
            if let Some(origin_box) = setup.box_ids.get(k) {
                let box_id = c.tx.last_insert_rowid();
                c.tx.execute(
                    "INSERT INTO station_box_origin (box_id, selection_id, origin_box_id) VALUES (?1,?2,?3)",
                    params![box_id, id, origin_box],
                )
                .map_err(|_| bad())?;
            }
        }
        // The printed ballots must be those of these plans and this style:
        // the station judges them by what is printed on them.
        let plans = crate::selection::plans(c.db(), id)?;
        let current = ballot::style_hash(&setup.settings.style, &crate::paper::printed_plans(&plans));
        for (s, h, b) in &serials {
            c.tx.execute(
                "INSERT INTO ballot (selection_id, serial, style_hash, batch) VALUES (?1,?2,?3,?4)",
                params![id, s, h, b],
            )
            .map_err(|_| bad())?;
        }
        if !serials.iter().any(|(_, h, _)| *h == current) {
            return Err(bad());
        }
        c.tx.execute(
            "INSERT INTO station_origin (selection_id, coordinator_key, coordinator_public, origin_selection_id, setup_hash, imported_at) VALUES (?1,?2,?3,?4,?5,?6)",
            params![id, origin.coordinator_key, public_key, origin.origin_selection_id, origin.setup_hash, c.at.clone()],
        )
        .map_err(|e| c.err(e))?;
        c.record(StationEvent::Setup {
            selection: id,
            origin: &origin,
            wijk: &setup.wijk,
            plans: setup.plans.len(),
            boxes: setup.boxes.len(),
            ballots: serials.len(),
        })?;
        Ok::<_, Failure>(id)
    })?;
    Ok((id, origin.coordinator_key))
}

/// The coordinator admits a station's key for a selection, under a name.
pub fn admit(store: &mut Store, operator: &str, selection_id: i64, key_id: &str, name: &str) -> Result<(), Failure> {
    // As shown (in groups of four) or as typed: spaces do not count.
    let key_id: String = key_id.split_whitespace().collect::<String>().to_ascii_uppercase();
    let name = name.trim().to_string();
    if key_id.len() != 16 || !key_id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(p("station.bad_key_id").with("key", &key_id).into());
    }
    if name.is_empty() || name.chars().count() > 60 {
        return Err(p("station.bad_name").into());
    }
    store.write_open(operator, selection_id, |c| {
        if origin(c.db(), selection_id)?.is_some() {
            return Err(Failure::from(p("station.is_station")));
        }
        let taken: Option<(String, String)> =
            c.tx.query_row(
                "SELECT key_id, name FROM station WHERE selection_id = ?1 AND (key_id = ?2 OR name = ?3)",
                params![selection_id, key_id, name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| c.err(e))?;
        if let Some((k, n)) = taken {
            return Err(p("station.already_admitted").with("key", k).with("name", n).into());
        }
        c.tx.execute(
            "INSERT INTO station (selection_id, key_id, name, admitted_by, admitted_at) VALUES (?1,?2,?3,?4,?5)",
            params![selection_id, key_id, name, c.operator.clone(), c.at.clone()],
        )
        .map_err(|e| c.err(e))?;
        c.record(StationEvent::Admit { selection: selection_id, key_id: &key_id, name: &name })?;
        Ok(())
    })
}
