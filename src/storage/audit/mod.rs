//! Append-only, hash-chained audit log. Each event's hash covers the previous
//! event's hash, so removing, reordering or editing any event breaks the chain
//! from that point on, and `verify` says where.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

mod action;
mod event;
mod records;
pub use action::Action;
pub use event::{AppEvent, Recordable, RecordsWrite};
pub use records::*;

/// The action of an event a public bundle shows by its hash only (another
/// selection's, one single ballot's or member's, a sign-in). The app never
/// writes it.
pub const REDACTED: &str = "~";

/// The chain starts from this value so an empty log has a defined head.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AuditEvent {
    #[ts(type = "number")]
    pub seq: i64,
    pub at: String,
    pub operator: String,
    pub action: String,
    pub entity: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// What the change wrote, as claims `[[table, rowid, sha256 of the row
    /// or null when it was deleted], …]` (JSON). Part of the event's hash, so
    /// a record edited outside the app no longer matches its claim.
    #[serde(default)]
    pub records: Option<String>,
}

/// The hash of one event. The fields are hashed as one JSON array so no two
/// different events can produce the same input bytes.
pub fn event_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    operator: &str,
    action: &str,
    entity: &str,
    before: Option<&str>,
    after: Option<&str>,
    records: Option<&str>,
) -> String {
    // Events from before records were claimed hash as they always did.
    let body = match records {
        None => serde_json::to_string(&(prev_hash, seq, at, operator, action, entity, before, after)),
        Some(r) => serde_json::to_string(&(prev_hash, seq, at, operator, action, entity, before, after, r)),
    }
    .expect("strings always serialise");
    hex::encode(Sha256::digest(body.as_bytes()))
}

pub(crate) fn append(
    tx: &Transaction<'_>,
    at: &str,
    operator: &str,
    action: &str,
    entity: &str,
    before: Option<&str>,
    after: Option<&str>,
    records: Option<&str>,
) -> rusqlite::Result<()> {
    // A merge appends thousands of events in one write: both statements
    // are prepared once per connection.
    let head: Option<(i64, String)> = tx
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev) = match head {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let hash = event_hash(&prev, seq, at, operator, action, entity, before, after, records);
    tx.prepare_cached(
        "INSERT INTO audit_log (seq, at, operator, action, entity, before, after, prev_hash, hash, records) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
    )?
    .execute(params![seq, at, operator, action, entity, before, after, prev, hash, records])?;
    Ok(())
}

pub fn list(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<AuditEvent>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, operator, action, entity, before, after, prev_hash, hash, records FROM audit_log ORDER BY seq DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], row_to_event)?;
    rows.collect()
}

fn row_to_event(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEvent> {
    Ok(AuditEvent {
        seq: r.get(0)?,
        at: r.get(1)?,
        operator: r.get(2)?,
        action: r.get(3)?,
        entity: r.get(4)?,
        before: r.get(5)?,
        after: r.get(6)?,
        prev_hash: r.get(7)?,
        hash: r.get(8)?,
        records: r.get(9)?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChainReport {
    #[ts(type = "number")]
    pub events: i64,
    pub head: String,
    /// The first event where the chain does not hold, and why.
    pub broken_at: Option<ChainBreak>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChainBreak {
    #[ts(type = "number")]
    pub seq: i64,
    /// `gap`, `prev_hash` or `hash`: which link failed; `record_changed`,
    /// `record_unclaimed`, `record_missing` or `records`: a stored record
    /// disagrees with what the chain says was written.
    pub kind: String,
    /// The record that disagrees, e.g. `ballot_entry 4619-5275-9 (entry 1)`.
    pub record: Option<String>,
}

/// Walk the whole log and check every link, then every stored record against
/// the chain's claims, in both directions.
pub fn verify(conn: &Connection) -> rusqlite::Result<ChainReport> {
    // A database (or a backup of one) from before records were claimed has
    // no `records` column: its chain is checked, its records cannot be.
    let claimed: bool =
        conn.query_row("SELECT count(*) > 0 FROM pragma_table_info('audit_log') WHERE name = 'records'", [], |r| {
            r.get(0)
        })?;
    let mut stmt = conn.prepare(if claimed {
        "SELECT seq, at, operator, action, entity, before, after, prev_hash, hash, records FROM audit_log ORDER BY seq"
    } else {
        "SELECT seq, at, operator, action, entity, before, after, prev_hash, hash, NULL FROM audit_log ORDER BY seq"
    })?;
    let events = stmt.query_map([], row_to_event)?.collect::<rusqlite::Result<Vec<_>>>()?;
    // A reduced event belongs in a public bundle, never in the database.
    let mut report = check_chain(&events, false);
    if claimed && report.broken_at.is_none() {
        report.broken_at = check_records(conn, &events)?;
    }
    Ok(report)
}

/// Check a chain given as events from a public bundle's `audit.jsonl`,
/// oldest first: a reduced event (`REDACTED`) is held in place by the next
/// event's `prev_hash`; every other event's hash is recomputed.
pub fn verify_events(events: &[AuditEvent]) -> ChainReport {
    check_chain(events, true)
}

fn check_chain(events: &[AuditEvent], reduced_allowed: bool) -> ChainReport {
    let mut prev = GENESIS.to_string();
    for (i, e) in events.iter().enumerate() {
        let brk = |kind: &str| ChainBreak { seq: e.seq, kind: kind.to_string(), record: None };
        let broken = if e.seq != i as i64 + 1 {
            Some(brk("gap"))
        } else if e.prev_hash != prev {
            Some(brk("prev_hash"))
        } else if e.action == REDACTED && reduced_allowed {
            // Shown by its hash only (a public bundle): the link to the
            // next event still holds it in place.
            None
        } else if event_hash(
            &prev,
            e.seq,
            &e.at,
            &e.operator,
            &e.action,
            &e.entity,
            e.before.as_deref(),
            e.after.as_deref(),
            e.records.as_deref(),
        ) != e.hash
        {
            Some(brk("hash"))
        } else {
            None
        };
        if broken.is_some() {
            return ChainReport { events: i as i64 + 1, head: prev, broken_at: broken };
        }
        prev = e.hash.clone();
    }
    ChainReport { events: events.len() as i64, head: prev, broken_at: None }
}

/// The event reduced to its place in the chain: sequence, hashes, nothing else.
pub fn redact(e: &AuditEvent) -> AuditEvent {
    AuditEvent {
        seq: e.seq,
        at: String::new(),
        operator: String::new(),
        action: REDACTED.to_string(),
        entity: String::new(),
        before: None,
        after: None,
        prev_hash: e.prev_hash.clone(),
        hash: e.hash.clone(),
        records: None,
    }
}

/// Whether a public bundle of `selection_id` shows the event in full: the
/// selection's own events (its plans, settings, boxes, prints, rounds,
/// closing), but not one ballot's, one member's or one operator's events,
/// whose order and time would tie a printed serial or a person to a vote.
pub fn public_for(e: &AuditEvent, selection_id: i64) -> bool {
    let own = format!("selection/{selection_id}");
    let about_selection = e.entity == own || e.entity.starts_with(&format!("{own}/"));
    let about_plan = e.entity.starts_with("plan/")
        && [e.before.as_deref(), e.after.as_deref()].iter().flatten().any(|j| {
            serde_json::from_str::<serde_json::Value>(j)
                .ok()
                .and_then(|v| v.get("selection_id").and_then(|i| i.as_i64()))
                == Some(selection_id)
        });
    let single = ["/ballot/", "/member/", "/operator/"].iter().any(|s| e.entity.contains(s));
    if !(about_selection || about_plan) || single {
        return false;
    }
    // A claim is the hash of a row; for a row holding a serial (a printed
    // ballot, an entry, a decision) or a vote, guessing the few unknown
    // values would recover the serial from the hash: such events are shown
    // by their hash only.
    let claims_secret = e.records.as_deref().is_some_and(|r| {
        serde_json::from_str::<Vec<(String, i64, Option<String>)>>(r)
            .map(|list| list.iter().any(|(t, _, _)| SECRET_ROWS.contains(&t.as_str())))
            .unwrap_or(true)
    });
    !claims_secret
}

/// Record tables whose rows hold a ballot serial or a vote.
const SECRET_ROWS: &[&str] = &[
    "ballot",
    "ballot_entry",
    "review",
    "recheck",
    "panel_voted",
    "panel_ballot",
    // A conflict holds a station's entry; an online vote its marks and voter.
    "station_conflict",
    "online_vote",
];

/// A hash as people read it off paper: the first 16 hex digits in groups
/// of four (`A3F9-1C2B-77D0-E4A5`); 64 bits, so no rewritten chain matches
/// it by chance.
pub fn short_hash(hash: &str) -> String {
    let h: String = hash.chars().take(16).collect::<String>().to_uppercase();
    h.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// The event a head someone wrote down or printed (full hash or its short
/// form, any case, dashes and spaces ignored) names, if the chain holds it.
/// `None` also when the text is too short to name one event.
pub fn find_head<'a>(events: &'a [AuditEvent], head: &str) -> Option<&'a AuditEvent> {
    let want: String = head.chars().filter(|c| c.is_ascii_hexdigit()).collect::<String>().to_lowercase();
    if want.len() < 16 || head.chars().any(|c| !(c.is_ascii_hexdigit() || c == '-' || c.is_whitespace())) {
        return None;
    }
    events.iter().find(|e| e.hash.starts_with(&want))
}

/// All events, oldest first.
pub fn all(conn: &Connection) -> rusqlite::Result<Vec<AuditEvent>> {
    let mut v = list(conn, i64::MAX)?;
    v.reverse();
    Ok(v)
}

/// A checkpoint: the chain's head at a moment worth anchoring (a box
/// closed), written beside the backups, signed when the signing key can be
/// used without a passphrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub format: String,
    pub at: String,
    pub wijk: String,
    pub what: String,
    /// Ballots settled in the selection when it was written.
    pub settled: i64,
    pub seq: i64,
    pub head: String,
}

pub const CHECKPOINT_FORMAT: &str = "wijkstem-checkpoint/1";
