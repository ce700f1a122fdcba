//! Every record in the chain: which tables hold election records, the hash
//! of a stored row, the claims an event makes on the rows its write made or
//! changed, the write path's guards against edits made outside Wijkstem,
//! and checking rows against claims in both directions.

use super::*;

/// The tables whose rows are election records: every row written, changed or
/// deleted through the app is claimed, by hash, in the audit event of the
/// write. (`entry_draft` and `app_state` are the app's own working state.)
pub const SEALED: &[&str] = &[
    "selection",
    "plan",
    "ballot",
    "ballot_entry",
    "ballot_box",
    "review",
    "recheck",
    "conv_table",
    "table_verdict",
    "table_drop",
    "panel_member",
    "panel_round",
    "panel_attendance",
    "panel_voted",
    "panel_amendment",
    "panel_draw",
    "panel_draw_pick",
    "panel_draw_print",
    "panel_draw_replace",
    "roster",
    "station_origin",
    "station",
    "station_package",
    "station_export",
    "station_conflict",
    "station_box_state",
    "station_box_origin",
    "online_source",
    "online_vote",
];

/// Record tables claimed in bulk rather than per write: a panel round's
/// votes, claimed together by the event that closes the round, so that no
/// event ties one vote to the member whose `panel.vote` event it would be.
/// Until then `verify` holds an open round's votes to its count of voters.
pub const BULK: &[&str] = &["panel_ballot"];

/// Tables that no longer exist; the chain's claims on them are history.
const RETIRED: &[&str] = &["panel_vote"];

/// Connection-local (TEMP) triggers note which sealed rows this connection
/// writes. A change made by another program (`sqlite3` on the file) fires no
/// temp trigger, so it is never claimed and `verify` finds it.
pub(crate) fn install_seal_triggers(conn: &Connection) -> rusqlite::Result<()> {
    register_row_digest(conn)?;
    let mut sql = String::from(
        "CREATE TEMP TABLE IF NOT EXISTS seal_pending (tbl TEXT NOT NULL, row INTEGER NOT NULL, PRIMARY KEY (tbl, row));\
         CREATE TEMP TABLE IF NOT EXISTS seal_inserted (tbl TEXT NOT NULL, row INTEGER NOT NULL, PRIMARY KEY (tbl, row));\
         CREATE TEMP TABLE IF NOT EXISTS seal_old (tbl TEXT NOT NULL, row INTEGER NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (tbl, row));",
    );
    for t in SEALED {
        if !table_exists(conn, t)? {
            continue;
        }
        for (when, row) in [("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")] {
            sql.push_str(&format!(
                "CREATE TEMP TRIGGER IF NOT EXISTS seal_{t}_{w} AFTER {when} ON main.{t} \
                 BEGIN INSERT OR IGNORE INTO seal_pending (tbl, row) VALUES ('{t}', {row}.rowid);{also} END;",
                w = when.to_lowercase(),
                also = if when == "INSERT" {
                    format!(" INSERT OR IGNORE INTO seal_inserted (tbl, row) VALUES ('{t}', NEW.rowid);")
                } else {
                    String::new()
                }
            ));
        }
        // The row as it was before this transaction first changed it, with
        // the columns the table has now (dropped and made again each time).
        let columns: Vec<String> = {
            let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{t}') ORDER BY cid"))?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let args: String = columns.iter().map(|c| format!(", '{c}', OLD.\"{c}\"")).collect();
        for when in ["UPDATE", "DELETE"] {
            let name = format!("seal_{t}_before_{}", when.to_lowercase());
            sql.push_str(&format!(
                "DROP TRIGGER IF EXISTS temp.{name}; CREATE TEMP TRIGGER {name} BEFORE {when} ON main.{t} \
                 BEGIN INSERT OR IGNORE INTO seal_old (tbl, row, hash) \
                 VALUES ('{t}', OLD.rowid, wijkstem_row_digest('{t}', OLD.rowid{args})); END;"
            ));
        }
    }
    conn.execute_batch(&sql)
}

/// The hash of one stored row: its table, rowid and every column by name
/// and value, each length-prefixed (`wijkstem-row/1`), so no two different
/// rows hash the same input. Fed straight into the hash: it runs for every
/// record whenever the chain is checked.
fn row_digest(table: &str, rowid: i64, row: &rusqlite::Row<'_>, names: &[String]) -> rusqlite::Result<String> {
    let mut h = digest_start(table, rowid);
    for (i, n) in names.iter().enumerate() {
        digest_value(&mut h, n, row.get_ref(i + 1)?);
    }
    Ok(hex::encode(h.finalize()))
}

fn digest_put(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

fn digest_start(table: &str, rowid: i64) -> Sha256 {
    let mut h = Sha256::new();
    digest_put(&mut h, b"wijkstem-row/1");
    digest_put(&mut h, table.as_bytes());
    h.update(rowid.to_le_bytes());
    h
}

fn digest_value(h: &mut Sha256, name: &str, value: rusqlite::types::ValueRef<'_>) {
    use rusqlite::types::ValueRef;
    digest_put(h, name.as_bytes());
    match value {
        ValueRef::Null => h.update([0u8]),
        ValueRef::Integer(v) => {
            h.update([1u8]);
            h.update(v.to_le_bytes());
        }
        ValueRef::Real(v) => {
            h.update([2u8]);
            h.update(v.to_bits().to_le_bytes());
        }
        ValueRef::Text(t) => {
            h.update([3u8]);
            digest_put(h, t);
        }
        ValueRef::Blob(b) => {
            h.update([4u8]);
            digest_put(h, b);
        }
    }
}

/// `wijkstem_row_digest(table, rowid, name1, value1, …)`: the same digest as
/// `row_digest`, for the TEMP triggers that note a row's state before the
/// app changes or deletes it.
fn register_row_digest(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "wijkstem_row_digest",
        -1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let table: String = ctx.get(0)?;
            let rowid: i64 = ctx.get(1)?;
            let mut h = digest_start(&table, rowid);
            let mut i = 2;
            while i + 1 < ctx.len() {
                let name: String = ctx.get(i)?;
                digest_value(&mut h, &name, ctx.get_raw(i + 1));
                i += 2;
            }
            Ok(hex::encode(h.finalize()))
        },
    )
}

/// Before the app changes or deletes a record it already claimed, the row
/// must still be what the chain last claimed: otherwise the app's own claim
/// would vouch for an edit made outside it (a role changed with `sqlite3`,
/// then the person's PIN changed in the app). Returns the first record that
/// disagrees, named as `verify` names it.
pub(crate) fn check_rows_before_change(tx: &Transaction<'_>) -> rusqlite::Result<Option<String>> {
    let old: Vec<(String, i64, String)> = {
        let mut stmt = tx.prepare(
            "SELECT o.tbl, o.row, o.hash FROM seal_old o \
             WHERE NOT EXISTS (SELECT 1 FROM seal_inserted i WHERE i.tbl = o.tbl AND i.row = o.row) ORDER BY o.tbl, o.row",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    tx.execute_batch("DELETE FROM seal_old; DELETE FROM seal_inserted;")?;
    for (t, row, hash) in old {
        if last_claim(tx, &t, row)?.flatten().as_deref() != Some(hash.as_str()) {
            return Ok(Some(record_label(tx, &t, row)));
        }
    }
    Ok(None)
}

/// The highest rowid the chain has claimed per table, and the last event
/// read for it; brought up to date from the log before it is used, so
/// events written by another program (the CLI beside the app) count too.
#[derive(Default)]
pub struct ClaimIndex {
    seq: i64,
    max_row: HashMap<String, i64>,
}

impl ClaimIndex {
    fn refresh(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let mut stmt = conn.prepare_cached("SELECT seq, records FROM audit_log WHERE seq > ?1 ORDER BY seq")?;
        let mut rows = stmt.query([self.seq])?;
        while let Some(r) = rows.next()? {
            self.seq = r.get(0)?;
            let Some(text) = r.get::<_, Option<String>>(1)? else { continue };
            if let Ok(list) = serde_json::from_str::<Vec<(String, i64, Option<String>)>>(&text) {
                for (t, row, _) in list {
                    if t != SELECTION_ROWS {
                        let m = self.max_row.entry(t).or_insert(0);
                        *m = (*m).max(row);
                    }
                }
            }
        }
        Ok(())
    }
}

/// A row this change inserted must not take the rowid of a claimed row that
/// is gone: that row was deleted outside Wijkstem, and the new row's claim
/// would hide it. Rows the change itself deleted first are exempt (checked
/// by `check_rows_before_change`). Returns the record, named as `verify` does.
pub(crate) fn check_inserted_rows(tx: &Transaction<'_>, index: &mut ClaimIndex) -> rusqlite::Result<Option<String>> {
    let inserted: Vec<(String, i64)> = {
        let mut stmt = tx.prepare_cached(
            "SELECT i.tbl, i.row FROM seal_inserted i \
             WHERE NOT EXISTS (SELECT 1 FROM seal_old o WHERE o.tbl = i.tbl AND o.row = i.row)",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    if inserted.is_empty() {
        return Ok(None);
    }
    index.refresh(tx)?;
    for (t, row) in inserted {
        if row <= index.max_row.get(&t).copied().unwrap_or(0) && matches!(last_claim(tx, &t, row)?, Some(Some(_))) {
            return Ok(Some(record_label(tx, &t, row)));
        }
    }
    Ok(None)
}

/// The chain's last claim on one record: `None` when never claimed,
/// `Some(None)` when claimed as deleted.
fn last_claim(conn: &Connection, table: &str, row: i64) -> rusqlite::Result<Option<Option<String>>> {
    let needle = format!("[{},{row},", serde_json::Value::from(table));
    let mut stmt = conn.prepare_cached(
        "SELECT records FROM audit_log WHERE records IS NOT NULL AND instr(records, ?1) > 0 ORDER BY seq DESC",
    )?;
    let mut rows = stmt.query([&needle])?;
    while let Some(r) = rows.next()? {
        let text: String = r.get(0)?;
        if let Ok(list) = serde_json::from_str::<Vec<(String, i64, Option<String>)>>(&text) {
            if let Some((_, _, hash)) = list.into_iter().rev().find(|(t, r, _)| t == table && *r == row) {
                return Ok(Some(hash));
            }
        }
    }
    Ok(None)
}

fn column_names(stmt: &rusqlite::Statement<'_>) -> Vec<String> {
    stmt.column_names().iter().skip(1).map(|s| s.to_string()).collect()
}

/// The claims for every row this connection wrote in the open transaction
/// (`[[table, rowid, hash or null], …]` as JSON), emptying the list.
pub(crate) fn take_claims(tx: &Transaction<'_>) -> rusqlite::Result<Option<String>> {
    take_claims_with(tx, &[])
}

/// `take_claims`, and for each selection in `closing` the digest of all its
/// records as they are at its close (`[SELECTION_ROWS, id, digest]`).
pub(crate) fn take_claims_with(tx: &Transaction<'_>, closing: &[i64]) -> rusqlite::Result<Option<String>> {
    let pending: Vec<(String, i64)> = {
        let mut stmt = tx.prepare("SELECT tbl, row FROM seal_pending ORDER BY tbl, row")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    if pending.is_empty() && closing.is_empty() {
        return Ok(None);
    }
    let mut claims = Vec::with_capacity(pending.len() + closing.len());
    for id in closing {
        let rows = selection_rows(tx, &[*id])?;
        claims.push(serde_json::json!([SELECTION_ROWS, id, rows_digest(rows.get(id))]));
    }
    for (table, rowid) in pending {
        let t = SEALED.iter().chain(BULK).find(|t| **t == table).expect("only sealed tables are noted");
        let mut stmt = tx.prepare_cached(&format!("SELECT rowid, * FROM {t} WHERE rowid = ?1"))?;
        let names = column_names(&stmt);
        let hash = stmt.query_row([rowid], |r| row_digest(t, rowid, r, &names)).optional()?;
        claims.push(serde_json::json!([t, rowid, hash]));
    }
    tx.execute("DELETE FROM seal_pending", [])?;
    Ok(Some(serde_json::Value::Array(claims).to_string()))
}

/// Whether the database has this table (an older schema may not).
fn table_exists(conn: &Connection, table: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |r| r.get(0))
}

/// The claim of a closed count's whole record set: `[SELECTION_ROWS, id, digest]`.
pub const SELECTION_ROWS: &str = "selection_rows";

type RowSets = HashMap<i64, Vec<(String, i64, String)>>;

/// Every record row of these selections: (table, rowid, row hash).
fn selection_rows(conn: &Connection, ids: &[i64]) -> rusqlite::Result<RowSets> {
    let mut out: RowSets = HashMap::new();
    for t in SEALED.iter().chain(BULK) {
        if !table_exists(conn, t)? {
            continue;
        }
        let mut stmt = conn.prepare(&format!("SELECT rowid, * FROM {t}"))?;
        let names = column_names(&stmt);
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(id) = row_selection(conn, t, r)?.filter(|id| ids.contains(id)) {
                let rowid: i64 = r.get(0)?;
                out.entry(id).or_default().push((t.to_string(), rowid, row_digest(t, rowid, r, &names)?));
            }
        }
    }
    Ok(out)
}

fn rows_digest(rows: Option<&Vec<(String, i64, String)>>) -> String {
    let mut rows: Vec<&(String, i64, String)> = rows.map(|r| r.iter().collect()).unwrap_or_default();
    rows.sort();
    hex::encode(Sha256::digest(serde_json::to_string(&rows).expect("serialises").as_bytes()))
}

/// Claims for every sealed row as it is now (sealing a database written
/// before records were claimed).
pub(crate) fn claim_all(tx: &Transaction<'_>) -> rusqlite::Result<Option<String>> {
    claim_tables(tx, SEALED)
}

/// Claims for every row of these (existing) tables as they are now.
pub(crate) fn claim_tables(tx: &Transaction<'_>, tables: &[&str]) -> rusqlite::Result<Option<String>> {
    for t in tables {
        if table_exists(tx, t)? {
            tx.execute(&format!("INSERT OR IGNORE INTO seal_pending (tbl, row) SELECT '{t}', rowid FROM {t}"), [])?;
        }
    }
    take_claims(tx)
}

/// Claims for a closing panel round's votes, all together.
pub(crate) fn claim_round_ballots(tx: &Transaction<'_>, round_id: i64) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO seal_pending (tbl, row) SELECT 'panel_ballot', rowid FROM panel_ballot WHERE round_id = ?1",
        [round_id],
    )?;
    Ok(())
}

/// The events that close a count, by method.
pub const CLOSING: &[&str] = &[Action::CountClose.as_str(), Action::TablesClose.as_str(), Action::PanelClose.as_str()];

/// The selection a stored row belongs to.
fn row_selection(conn: &Connection, table: &str, row: &rusqlite::Row<'_>) -> rusqlite::Result<Option<i64>> {
    if table == "selection" {
        return row.get("id").map(Some);
    }
    if let Ok(id) = row.get::<_, i64>("selection_id") {
        return Ok(Some(id));
    }
    match row.get::<_, i64>("round_id") {
        Ok(round) => {
            conn.query_row("SELECT selection_id FROM panel_round WHERE id = ?1", [round], |r| r.get(0)).optional()
        }
        Err(_) => Ok(None),
    }
}

/// A serial as people read it (`1234-5678-9`), or as stored when it is not
/// nine digits: the rows checked here may have been changed by anyone.
fn serial_label(s: &str) -> String {
    if s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}-{}-{}", &s[..4], &s[4..8], &s[8..])
    } else {
        s.to_string()
    }
}

/// How a record is named to the user: its serial where it has one.
fn record_label(conn: &Connection, table: &str, rowid: i64) -> String {
    let serial: Option<String> = if ["ballot", "ballot_entry", "review", "recheck"].contains(&table) {
        conn.query_row(&format!("SELECT serial FROM {table} WHERE rowid = ?1"), [rowid], |r| r.get(0)).ok()
    } else {
        None
    };
    match serial {
        Some(s) => format!("{table} {rowid} ({})", serial_label(&s)),
        None => format!("{table} {rowid}"),
    }
}

use std::collections::HashMap;

/// Every stored record against the chain's last claim for it, both ways:
/// a row changed or added outside the app, and a claimed row that is gone.
/// The disagreement with the earliest claim is named.
pub(super) fn check_records(conn: &Connection, events: &[AuditEvent]) -> rusqlite::Result<Option<ChainBreak>> {
    let mut claims: HashMap<(&'static str, i64), (i64, Option<String>)> = HashMap::new();
    let known = |t: &str| SEALED.iter().chain(BULK).chain(RETIRED).find(|k| **k == t).copied();
    let mut digests: HashMap<i64, (i64, String)> = HashMap::new();
    // The events an upgrade writes claim what was already there, closed
    // counts included. They are only genuine as the first events that claim
    // anything (a database older than claims), the move right after the seal.
    let mut upgrade: Vec<i64> = Vec::new();
    let mut claimed_before = false;
    for e in events {
        let Some(text) = &e.records else { continue };
        let genuine = e.operator == "wijkstem"
            && match Action::parse(&e.action) {
                Some(Action::RecordsSeal) => !claimed_before,
                Some(Action::RecordsMove) => !claimed_before || upgrade.last() == Some(&(e.seq - 1)),
                _ => false,
            };
        if genuine {
            upgrade.push(e.seq);
        }
        claimed_before = true;
        let parsed: Result<Vec<(String, i64, Option<String>)>, _> = serde_json::from_str(text);
        match parsed {
            Ok(list) => {
                for (t, row, hash) in list {
                    if t == SELECTION_ROWS {
                        // The first is the close's; a later one cannot replace it.
                        digests.entry(row).or_insert((e.seq, hash.unwrap_or_default()));
                    } else if let Some(t) = known(&t) {
                        claims.insert((t, row), (e.seq, hash));
                    } else {
                        return Ok(Some(ChainBreak { seq: e.seq, kind: "records".into(), record: None }));
                    }
                }
            }
            Err(_) => return Ok(Some(ChainBreak { seq: e.seq, kind: "records".into(), record: None })),
        }
    }
    // A closed count is closed: no claim on its records may come after the
    // event that closed it (an event appended later to "claim" an edited
    // row is found here, even if the chain itself holds).
    let mut closed_at: HashMap<i64, i64> = HashMap::new();
    for e in events {
        if CLOSING.contains(&e.action.as_str()) {
            if let Some(id) = e.entity.strip_prefix("selection/").and_then(|x| x.parse::<i64>().ok()) {
                closed_at.entry(id).or_insert(e.seq);
            }
        }
    }
    let mut first: Option<(i64, String, String, i64)> = None; // (seq, kind, table, rowid)
    let mut note = |seq: i64, kind: &str, t: &str, row: i64| {
        if first.as_ref().is_none_or(|f| seq < f.0) {
            first = Some((seq, kind.to_string(), t.to_string(), row));
        }
    };
    let exists = |t: &str| table_exists(conn, t);
    // An open panel round's votes are claimed when it closes; until then
    // there must be exactly one per member who has voted.
    let open_rounds: Vec<(i64, i64, i64)> = if !exists("panel_ballot")? {
        Vec::new()
    } else {
        let mut stmt = conn.prepare(
            "SELECT r.id, (SELECT count(*) FROM panel_ballot b WHERE b.round_id = r.id), \
             (SELECT count(*) FROM panel_voted v WHERE v.round_id = r.id) FROM panel_round r WHERE r.status = 'open'",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (round, ballots, voters) in &open_rounds {
        if ballots != voters {
            note(i64::MAX, "record_unclaimed", "panel_round", *round);
        }
    }
    // One pass over every record: its hash against its claim, and, for the
    // closed counts, the rows as they are now (their digest is checked below).
    let mut now: RowSets = HashMap::new();
    for t in SEALED.iter().chain(BULK) {
        if !exists(t)? {
            continue;
        }
        let bulk = BULK.contains(t);
        let mut stmt = conn.prepare(&format!("SELECT rowid, * FROM {t}"))?;
        let names = column_names(&stmt);
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let rowid: i64 = r.get(0)?;
            let hash = row_digest(t, rowid, r, &names)?;
            let claim = claims.remove(&(*t, rowid));
            let selection = if claim.is_some() || !digests.is_empty() { row_selection(conn, t, r)? } else { None };
            if let Some(id) = selection.filter(|id| digests.contains_key(id)) {
                now.entry(id).or_default().push((t.to_string(), rowid, hash.clone()));
            }
            if let Some((seq, _)) = &claim {
                if !upgrade.contains(seq)
                    && selection.and_then(|id| closed_at.get(&id)).is_some_and(|closed| seq > closed)
                {
                    note(*seq, "record_after_close", t, rowid);
                    continue;
                }
            }
            match claim {
                Some((_, Some(h))) if h == hash => {}
                Some((seq, _)) => note(seq, "record_changed", t, rowid),
                None if bulk && open_rounds.iter().any(|(id, _, _)| r.get::<_, i64>("round_id").ok() == Some(*id)) => {}
                None => note(i64::MAX, "record_unclaimed", t, rowid),
            }
        }
    }
    for ((t, rowid), (seq, hash)) in claims {
        if hash.is_some() && !RETIRED.contains(&t) {
            note(seq, "record_missing", t, rowid);
        }
    }
    // A closed count's records are the ones it closed with: none deleted,
    // moved to another selection or added since (named as the selection
    // when no single record was named above).
    if first.is_none() {
        let mut changed: Vec<(i64, i64)> = digests
            .iter()
            .filter(|(id, (_, digest))| rows_digest(now.get(id)) != *digest)
            .map(|(id, (seq, _))| (*seq, *id))
            .collect();
        changed.sort();
        if let Some((seq, id)) = changed.first() {
            first = Some((*seq, "record_after_close".into(), "selection".into(), *id));
        }
    }
    Ok(first.map(|(seq, kind, t, rowid)| ChainBreak {
        seq: if seq == i64::MAX { events.len() as i64 } else { seq },
        record: Some(record_label(conn, &t, rowid)),
        kind,
    }))
}
