//! Append-only, hash-chained audit log. Each event's hash covers the previous
//! event's hash, so removing, reordering or editing any event breaks the chain
//! from that point on, and `verify` says where.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use ts_rs::TS;

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
) -> String {
    let body = serde_json::to_string(&(prev_hash, seq, at, operator, action, entity, before, after))
        .expect("strings always serialise");
    hex::encode(Sha256::digest(body.as_bytes()))
}

pub fn now() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).expect("UTC time formats")
}

pub(crate) fn append(
    tx: &Transaction<'_>,
    operator: &str,
    action: &str,
    entity: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> rusqlite::Result<()> {
    let head: Option<(i64, String)> = tx
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev) = match head {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let at = now();
    let before_s = before.map(|v| v.to_string());
    let after_s = after.map(|v| v.to_string());
    let hash = event_hash(&prev, seq, &at, operator, action, entity, before_s.as_deref(), after_s.as_deref());
    tx.execute(
        "INSERT INTO audit_log (seq, at, operator, action, entity, before, after, prev_hash, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
        params![seq, at, operator, action, entity, before_s, after_s, prev, hash],
    )?;
    Ok(())
}

pub fn list(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<AuditEvent>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, operator, action, entity, before, after, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT ?1",
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
    /// `gap`, `prev_hash` or `hash`: which link failed.
    pub kind: String,
}

/// Walk the whole log and check every link.
pub fn verify(conn: &Connection) -> rusqlite::Result<ChainReport> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, operator, action, entity, before, after, prev_hash, hash FROM audit_log ORDER BY seq",
    )?;
    let events = stmt.query_map([], row_to_event)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(verify_events(&events))
}

/// Check a chain given as events (from a bundle's `audit.jsonl`), oldest first.
pub fn verify_events(events: &[AuditEvent]) -> ChainReport {
    let mut prev = GENESIS.to_string();
    for (i, e) in events.iter().enumerate() {
        let brk = |kind: &str| ChainBreak { seq: e.seq, kind: kind.to_string() };
        let broken = if e.seq != i as i64 + 1 {
            Some(brk("gap"))
        } else if e.prev_hash != prev {
            Some(brk("prev_hash"))
        } else if event_hash(
            &prev,
            e.seq,
            &e.at,
            &e.operator,
            &e.action,
            &e.entity,
            e.before.as_deref(),
            e.after.as_deref(),
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
