//! Paper ballots' SQL: style, printing serials, entry (single and double),
//! reconciliation and the tally read from the records.

use super::*;
use crate::storage::store::Db;

/// A selection's ballot style, double entry and entry rules (`None`: no
/// style yet).
pub(crate) fn settings(db: Db<'_>, selection_id: i64) -> Result<Option<PaperSettings>, Failure> {
    let row: Option<(Option<String>, i64, Option<String>)> = db
        .conn
        .query_row("SELECT ballot_style, double_entry, entry_rules FROM selection WHERE id = ?1", [selection_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()
        .map_err(|e| db.err(e))?;
    let Some((style, double, rules)) = row else {
        return Err(StoreError::NotFound { what: "selection", id: selection_id.to_string() }.into());
    };
    let rules: EntryRules = rules.and_then(|r| serde_json::from_str(&r).ok()).unwrap_or_default();
    Ok(style.and_then(|s| serde_json::from_str(&s).ok()).map(|style| PaperSettings {
        style,
        double_entry: double != 0,
        rules,
    }))
}

/// Entry is refused while it is paused (and once the count is closed, which
/// `Store::write_open` refuses before any entry's checks run).
pub(crate) fn entry_open(db: Db<'_>, selection_id: i64) -> Result<(), Failure> {
    let paused: i64 = db
        .conn
        .query_row("SELECT entry_paused FROM selection WHERE id = ?1", [selection_id], |r| r.get(0))
        .map_err(|e| db.err(e))?;
    if paused != 0 {
        return Err(p("paper.paused").into());
    }
    Ok(())
}

/// The ballot's active entries, in entry order.
pub(crate) fn prior_entries(db: Db<'_>, selection_id: i64, serial: &str) -> Result<Vec<entry::Prior>, Failure> {
    let mut stmt = db
        .conn
        .prepare_cached(
            "SELECT entry_no, operator, at, marks, box_id FROM ballot_entry \
             WHERE selection_id = ?1 AND serial = ?2 AND status = 'active' ORDER BY entry_no",
        )
        .map_err(|e| db.err(e))?;
    let rows = stmt
        .query_map(params![selection_id, serial], |row| {
            Ok(entry::Prior {
                entry_no: row.get(0)?,
                operator: row.get(1)?,
                at: row.get(2)?,
                marks: row.get(3)?,
                box_id: row.get(4)?,
            })
        })
        .map_err(|e| db.err(e))?;
    Ok(rows.collect::<Result<_, _>>().map_err(|e| db.err(e))?)
}

impl Store {
    pub fn set_paper_settings(
        &mut self,
        operator: &str,
        selection_id: i64,
        settings: &PaperSettings,
    ) -> Result<(), Failure> {
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            let (sel, plans) = sel_plans(st.db(), selection_id)?;
            if sel.method != Method::Ballots {
                return Err(p("paper.not_ballots").into());
            }
            // A counting station reads the ballots as the coordinator set them up.
            if is_station_copy(st.db(), selection_id)? {
                return Err(p("station.keeps_setup").into());
            }
            let n = plans.len() as u32;
            let ok = match settings.style {
                BallotStyle::Approval { min, max } => min <= max && max >= 1 && (n == 0 || max <= n),
                BallotStyle::Points { total, max_per_plan } => total >= 1 && max_per_plan >= 1 && max_per_plan <= total,
                BallotStyle::Ranking { top } => top >= 1 && (n == 0 || top <= n),
            };
            if !ok {
                return Err(p("paper.bad_style").with("plans", n).into());
            }
            if !settings.rules.is_allowed() {
                return Err(p("paper.bad_rules").into());
            }
            let before = paper_settings(st.db(), selection_id)?;
            // Once ballots are entered, changing how they are read would make
            // earlier and later entries count by different rules.
            if before.as_ref().is_some_and(|b| b != settings) && entry_count(st.db(), selection_id)? > 0 {
                return Err(p("paper.settings_locked").into());
            }
            let style = serde_json::to_string(&settings.style).expect("plain data serialises");
            let rules = serde_json::to_string(&settings.rules).expect("plain data serialises");
            c.tx.execute(
                "UPDATE selection SET ballot_style = ?1, double_entry = ?2, entry_rules = ?3 WHERE id = ?4",
                params![style, settings.double_entry as i64, rules, selection_id],
            )
            .map_err(|e| c.err(e))?;
            c.record(crate::paper::PaperEvent::PaperSettings {
                selection: selection_id,
                before: before.as_ref(),
                after: settings,
            })?;
            Ok::<_, Failure>(())
        })?;
        Ok(())
    }

    /// Draw `count` new random serials, store them, and print them.
    /// Refused once the count is closed: the signed result states how many
    /// ballots were printed.
    /// Serials are drawn at random and printed in that order, so the print
    /// order says nothing about who got which ballot. `render` makes the
    /// PDF (the caller's printing, so this domain does not depend on it).
    pub fn print_ballots(
        &mut self,
        operator: &str,
        selection_id: i64,
        count: u32,
        render: impl FnOnce(&Selection, &[Plan], &BallotStyle, &str, &[Serial]) -> Result<Vec<u8>, Failure>,
    ) -> Result<(Vec<Serial>, Vec<u8>), Failure> {
        // The checks read inside the write's transaction (the PDF is made
        // there too: it is printed only if the serials are stored).
        self.write_open_with(operator, selection_id, |st, c| {
            let (sel, plans) = sel_plans(st.db(), selection_id)?;
            if is_station_copy(st.db(), selection_id)? {
                return Err(p("station.no_printing").into());
            }
            let settings = paper_settings(st.db(), selection_id)?.ok_or_else(|| Failure::from(p("paper.no_style")))?;
            if plans.is_empty() {
                return Err(p("paper.no_plans").into());
            }
            if count == 0 || count > 100_000 {
                return Err(p("paper.bad_count").into());
            }
            let hash = ballot::style_hash(&settings.style, &printed(&plans));
            let mut existing: HashSet<String> = {
                let mut stmt = st
                    .conn()
                    .prepare("SELECT serial FROM ballot WHERE selection_id = ?1")
                    .map_err(|e| st.sql_err(e))?;
                let rows = stmt.query_map([selection_id], |r| r.get::<_, String>(0)).map_err(|e| st.sql_err(e))?;
                rows.collect::<Result<_, _>>().map_err(|e| st.sql_err(e))?
            };
            if existing.len() as u64 + count as u64 > 10_000_000 {
                return Err(p("paper.bad_count").into());
            }
            let mut rng = rand::rng();
            let mut serials = Vec::with_capacity(count as usize);
            while serials.len() < count as usize {
                let s = Serial::from_random(rng.random_range(0..100_000_000));
                if existing.insert(s.0.clone()) {
                    serials.push(s);
                }
            }
            let batch: i64 = st
                .conn()
                .query_row(
                    "SELECT coalesce(max(batch), 0) + 1 FROM ballot WHERE selection_id = ?1",
                    [selection_id],
                    |r| r.get(0),
                )
                .map_err(|e| st.sql_err(e))?;
            let pdf = render(&sel, &plans, &settings.style, &hash, &serials)?;
            {
                let mut ins = c
                    .tx
                    .prepare("INSERT INTO ballot (selection_id, serial, style_hash, batch) VALUES (?1, ?2, ?3, ?4)")
                    .map_err(|e| c.err(e))?;
                for s in &serials {
                    ins.execute(params![selection_id, s.0, hash, batch]).map_err(|e| c.err(e))?;
                }
            }
            c.record(crate::paper::PaperEvent::BallotsPrint {
                selection: selection_id,
                batch,
                count,
                style_hash: &hash,
            })?;
            Ok::<_, Failure>((serials, pdf))
        })
    }

    /// Enter one ballot from what was scanned or typed and the marks read,
    /// into a ballot box when the selection has boxes.
    /// Every check reads inside the write's transaction (`BEGIN IMMEDIATE`:
    /// no other program writes between the checks and the entry), and a
    /// refused ballot leaves no trace but the message. Whether the ballot
    /// may take one more entry, and as what, is `entry::admit`.
    pub fn enter_ballot(
        &mut self,
        operator: &str,
        selection_id: i64,
        box_id: Option<i64>,
        scan: &str,
        marks: &Marks,
        doubtful: Option<&str>,
    ) -> Result<EntryReceipt, Failure> {
        let marks_json = canonical_marks(marks);
        // A volunteer's reason comes first; a rule that sends the ballot to
        // the committee names its finding codes (below).
        let reason = doubtful.map(str::trim).filter(|d| !d.is_empty()).map(String::from);
        self.write_open(operator, selection_id, |c| {
            let db = c.db();
            let sel = crate::selection::read(db, selection_id)?;
            let plans = crate::selection::plans(db, selection_id)?;
            let settings = settings(db, selection_id)?.ok_or_else(|| Failure::from(p("paper.no_style")))?;
            entry_open(db, selection_id)?;
            // On a counting station the ballots carry the coordinator's id.
            let printed_for = ballot_selection_id(db, selection_id)?;
            let r = ballot::parse_scan(scan, printed_for)?;
            if r.selection_id != printed_for {
                let other = if printed_for == selection_id {
                    crate::selection::read(db, r.selection_id).map(|s| s.wijk).unwrap_or_else(|_| "?".into())
                } else {
                    "?".into()
                };
                return Err(p("paper.other_selection").with("other", other).with("this", &sel.wijk).into());
            }
            let serial = r.serial.0.clone();
            let printed_hash: Option<String> = db
                .conn
                .query_row(
                    "SELECT style_hash FROM ballot WHERE selection_id = ?1 AND serial = ?2",
                    params![selection_id, serial],
                    |row| row.get(0),
                )
                .optional()
                .map_err(|e| db.err(e))?;
            let Some(printed_hash) = printed_hash else {
                return Err(p("paper.unknown_serial").with("serial", r.serial.display()).into());
            };
            let current = ballot::style_hash(&settings.style, &printed(&plans));
            if printed_hash != current || r.style_hash.as_ref().is_some_and(|h| *h != printed_hash) {
                return Err(p("paper.outdated_style").with("serial", r.serial.display()).into());
            }
            let box_id = boxes::entry_box(db, selection_id, box_id)?;
            let codes: Vec<String> = plans.iter().map(|p| p.code.clone()).collect();
            let (verdict, findings, rule_doubtful) =
                ballot::judge_with(&settings.style, &codes, marks, &settings.rules)?;
            if review::recheck_pending(db, selection_id, &serial)? {
                return Err(p("paper.recheck_pending").with("serial", r.serial.display()).into());
            }
            let prior = prior_entries(db, selection_id, &serial)?;
            let admitted = match entry::admit(settings.double_entry, &prior, operator, &marks_json, box_id) {
                Ok(a) => a,
                Err(entry::Refused::OtherBox { first_box }) => {
                    let name = first_box.and_then(|b| boxes::box_name(db, b).ok()).unwrap_or_else(|| "—".into());
                    return Err(p("paper.box_mismatch").with("serial", r.serial.display()).with("box", name).into());
                }
                Err(entry::Refused::SameOperator) => {
                    return Err(p("paper.same_operator").with("serial", r.serial.display()).into());
                }
                Err(entry::Refused::AlreadyEntered { who, at }) => {
                    return Err(p("paper.already_entered")
                        .with("serial", r.serial.display())
                        .with("who", who.unwrap_or_else(|| "?".into()))
                        .with("at", at.map(|at| crate::clock::belgian_hhmm(&at)).unwrap_or_else(|| "?".into()))
                        .into());
                }
            };
            let (entry_no, double) = (admitted.entry_no(), admitted.double_entry().map(String::from));
            let verdict_s = match verdict {
                Verdict::Valid => "valid",
                Verdict::Blank => "blank",
                Verdict::Invalid => "invalid",
            };
            let findings_json = serde_json::to_string(&findings).expect("plain data serialises");
            let doubtful = reason.clone().or_else(|| (!rule_doubtful.is_empty()).then(|| rule_doubtful.join(", ")));
            c.tx.execute(
                "INSERT INTO ballot_entry (selection_id, serial, entry_no, operator, at, marks, verdict, findings, doubtful, box_id) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
                params![selection_id, serial, entry_no, operator, c.at.clone(), marks_json, verdict_s, findings_json, doubtful, box_id],
            )
            .map_err(|e| c.err(e))?;
            // The log records that an entry happened and its outcome, not the marks:
            // the marks live in one place, the entry table.
            c.tx.execute("DELETE FROM entry_draft WHERE selection_id = ?1 AND operator = ?2", params![selection_id, operator]).map_err(|e| c.err(e))?;
            c.record(crate::paper::PaperEvent::BallotEnter { selection: selection_id, serial: &serial, entry_no, verdict: verdict_s, doubtful: doubtful.is_some(), double_entry: double.as_deref(), box_id })?;
            Ok(EntryReceipt { serial: r.serial.display(), entry_no, verdict, findings, double_entry: double, doubtful })
        })
    }

    /// Take back the operator's own last entry of this selection (a typo
    /// seen on the receipt), while nothing builds on it yet: it is still the
    /// last entry of its ballot, not resolved, reviewed or sent back for a
    /// recheck, and its box is open. The entry is discarded, not deleted,
    /// and the undo is in the chain; the ballot can be entered again.
    /// Returns the ballot's serial as printed.
    pub fn undo_last_entry(&mut self, operator: &str, selection_id: i64) -> Result<String, Failure> {
        self.write_open(operator, selection_id, |c| {
            let last: Option<(i64, String, i64, i64, Option<i64>)> =
                c.tx.query_row(
                    "SELECT id, serial, entry_no, resolved, box_id FROM ballot_entry \
                     WHERE selection_id = ?1 AND operator = ?2 ORDER BY id DESC LIMIT 1",
                    params![selection_id, operator],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .optional()
                .map_err(|e| c.err(e))?;
            let Some((id, serial, entry_no, resolved, box_id)) = last else {
                return Err(Failure::from(p("paper.nothing_to_undo")));
            };
            let shown = crate::paper::ballot::Serial(serial.clone()).display();
            let active: bool =
                c.tx.query_row("SELECT status = 'active' FROM ballot_entry WHERE id = ?1", [id], |r| r.get(0))
                    .map_err(|e| c.err(e))?;
            let later: i64 =
                c.tx.query_row(
                    "SELECT count(*) FROM ballot_entry WHERE selection_id = ?1 AND serial = ?2 AND id > ?3",
                    params![selection_id, serial, id],
                    |r| r.get(0),
                )
                .map_err(|e| c.err(e))?;
            let decided: i64 =
                c.tx.query_row(
                    "SELECT (SELECT count(*) FROM review WHERE selection_id = ?1 AND serial = ?2) \
                          + (SELECT count(*) FROM recheck WHERE selection_id = ?1 AND serial = ?2)",
                    params![selection_id, serial],
                    |r| r.get(0),
                )
                .map_err(|e| c.err(e))?;
            let box_closed: bool = match box_id {
                Some(b) => {
                    c.tx.query_row("SELECT status = 'closed' FROM ballot_box WHERE id = ?1", [b], |r| r.get(0))
                        .map_err(|e| c.err(e))?
                }
                None => false,
            };
            if !active || later > 0 || resolved == 1 || decided > 0 || box_closed {
                return Err(p("paper.undo_too_late").with("serial", &shown).into());
            }
            c.tx.execute("UPDATE ballot_entry SET status = 'discarded' WHERE id = ?1", [id]).map_err(|e| c.err(e))?;
            c.record(crate::paper::PaperEvent::BallotUndo { selection: selection_id, serial: &serial, entry_no })?;
            Ok(shown)
        })
    }

    /// The coordinator settles a difference: keep entry 1 or 2, or discard
    /// both (the ballot is then entered again, twice).
    pub fn resolve_difference(
        &mut self,
        operator: &str,
        selection_id: i64,
        serial: &str,
        keep: Option<u8>,
    ) -> Result<(), Failure> {
        let serial = Serial::parse(serial)?.0;
        // The check reads inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            if !reconciliation_queue(st.db(), selection_id)?.contains(&serial) {
                return Err(p("paper.nothing_to_resolve").with("serial", &serial).into());
            }
            match keep {
                Some(k) => {
                    c.tx.execute("UPDATE ballot_entry SET status = 'discarded' WHERE selection_id = ?1 AND serial = ?2 AND status = 'active' AND entry_no <> ?3", params![selection_id, serial, k])
                        .map_err(|e| c.err(e))?;
                    c.tx.execute("UPDATE ballot_entry SET resolved = 1, entry_no = 1 WHERE selection_id = ?1 AND serial = ?2 AND status = 'active'", params![selection_id, serial])
                        .map_err(|e| c.err(e))?;
                }
                None => {
                    c.tx.execute("UPDATE ballot_entry SET status = 'discarded' WHERE selection_id = ?1 AND serial = ?2 AND status = 'active'", params![selection_id, serial]).map_err(|e| c.err(e))?;
                }
            }
            c.record(crate::paper::PaperEvent::BallotResolve { selection: selection_id, serial: &serial, keep })?;
            Ok::<_, Failure>(())
        })
    }
}

/// The selection id the ballots of this selection carry in their QR code:
/// on a counting station (see the station module) the coordinator's, else its own.
pub(crate) fn ballot_selection_id(db: Db<'_>, selection_id: i64) -> Result<i64, Failure> {
    Ok(db
        .conn
        .query_row("SELECT origin_selection_id FROM station_origin WHERE selection_id = ?1", [selection_id], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|e| db.err(e))?
        .unwrap_or(selection_id))
}

/// Whether this selection is a counting station's copy of a coordinator's.
pub(crate) fn is_station_copy(db: Db<'_>, selection_id: i64) -> Result<bool, Failure> {
    Ok(db
        .conn
        .query_row("SELECT count(*) > 0 FROM station_origin WHERE selection_id = ?1", [selection_id], |r| r.get(0))
        .map_err(|e| db.err(e))?)
}

/// The box of this selection a box cover's QR code names: its own covers,
/// and on a counting station the coordinator's covers of the same boxes.
pub fn box_for_scan(db: Db<'_>, selection_id: i64, scan: &str) -> Result<Option<i64>, Failure> {
    let Some((sel, box_id)) = crate::paper::ballot::parse_box_scan(scan) else {
        return Ok(None);
    };
    let sql = if sel == selection_id {
        "SELECT id FROM ballot_box WHERE selection_id = ?1 AND id = ?2"
    } else if ballot_selection_id(db, selection_id)? == sel {
        "SELECT box_id FROM station_box_origin WHERE selection_id = ?1 AND origin_box_id = ?2"
    } else {
        return Ok(None);
    };
    Ok(db.conn.query_row(sql, params![selection_id, box_id], |r| r.get(0)).optional().map_err(|e| db.err(e))?)
}

/// Whether a counting station handed a box in: its newest package that
/// spoke of the box had it closed on the station, and every entry the
/// station had in the box then has arrived here (as an entry or a conflict).
pub(crate) fn station_done(db: Db<'_>, selection_id: i64, station_id: i64, box_name: &str) -> Result<bool, Failure> {
    let newest: Option<(bool, String)> = db
        .conn
        .prepare_cached(
            "SELECT b.closed, b.entries FROM station_box_state b JOIN station_package k ON k.id = b.package_id \
             WHERE k.station_id = ?1 AND b.box_name = ?2 ORDER BY k.number DESC, k.id DESC LIMIT 1",
        )
        .map_err(|e| db.err(e))?
        .query_row(params![station_id, box_name], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(|e| db.err(e))?;
    let Some((true, entries)) = newest else {
        return Ok(false);
    };
    let ids: Vec<i64> = serde_json::from_str(&entries).unwrap_or_default();
    let mut arrived = db
        .conn
        .prepare_cached(
            "SELECT (SELECT count(*) FROM ballot_entry WHERE selection_id = ?1 AND station_id = ?2 AND station_entry = ?3) \
                  + (SELECT count(*) FROM station_conflict WHERE selection_id = ?1 AND station_id = ?2 AND station_entry = ?3)",
        )
        .map_err(|e| db.err(e))?;
    for id in ids {
        let n: i64 = arrived.query_row(params![selection_id, station_id, id], |r| r.get(0)).map_err(|e| db.err(e))?;
        if n == 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The stations admitted after a moment (a box closed with a reason).
pub(crate) fn stations_admitted_after(db: Db<'_>, selection_id: i64, at: &str) -> Result<Vec<String>, Failure> {
    db.conn
        .prepare_cached("SELECT name FROM station WHERE selection_id = ?1 AND admitted_at > ?2")
        .map_err(|e| db.err(e))?
        .query_map(params![selection_id, at], |r| r.get(0))
        .map_err(|e| db.err(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::from(db.err(e)))
}

/// The admitted counting stations that have not handed a box in (`station_done`).
pub(crate) fn stations_not_done(db: Db<'_>, selection_id: i64, box_name: &str) -> Result<Vec<String>, Failure> {
    let stations: Vec<(i64, String)> = db
        .conn
        .prepare_cached("SELECT id, name FROM station WHERE selection_id = ?1 ORDER BY id")
        .map_err(|e| db.err(e))?
        .query_map([selection_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(|e| db.err(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| db.err(e))?;
    let mut out = Vec::new();
    for (id, name) in stations {
        if !station_done(db, selection_id, id, box_name)? {
            out.push(name);
        }
    }
    Ok(out)
}

pub fn paper_settings(db: Db<'_>, selection_id: i64) -> Result<Option<PaperSettings>, Failure> {
    settings(db, selection_id)
}

pub(crate) fn entry_count(db: Db<'_>, selection_id: i64) -> Result<i64, Failure> {
    Ok(db
        .conn
        .query_row("SELECT count(*) FROM ballot_entry WHERE selection_id = ?1", [selection_id], |r| r.get(0))
        .map_err(|e| db.err(e))?)
}

/// Double entry: the serials whose two entries differ.
pub fn reconciliation_queue(db: Db<'_>, selection_id: i64) -> Result<Vec<String>, Failure> {
    let mut stmt = db
        .conn
        .prepare(
            "SELECT a.serial FROM ballot_entry a JOIN ballot_entry b ON a.selection_id = b.selection_id AND a.serial = b.serial \
             WHERE a.selection_id = ?1 AND a.entry_no = 1 AND b.entry_no = 2 AND a.status = 'active' AND b.status = 'active' AND a.marks <> b.marks \
             AND NOT EXISTS (SELECT 1 FROM recheck r WHERE r.selection_id = a.selection_id AND r.serial = a.serial AND r.done_at IS NULL) ORDER BY a.serial",
        )
        .map_err(|e| db.err(e))?;
    let rows = stmt.query_map([selection_id], |r| r.get::<_, String>(0)).map_err(|e| db.err(e))?;
    rows.collect::<Result<_, _>>().map_err(|e| Failure::from(db.err(e)))
}

/// The entries that count: single entry, or two agreeing entries, or one
/// kept by the coordinator.
pub fn counted_entries(db: Db<'_>, selection_id: i64) -> Result<Vec<CountedBallot>, Failure> {
    // No style yet means nothing can have been entered.
    let Some(settings) = paper_settings(db, selection_id)? else {
        return Ok(vec![]);
    };
    // A doubtful flag from either entry sends the ballot to the committee;
    // the committee's latest decision on it counts.
    let cond = if settings.double_entry {
        "(a.resolved = 1 OR EXISTS (SELECT 1 FROM ballot_entry b WHERE b.selection_id = a.selection_id AND b.serial = a.serial AND b.entry_no = 2 AND b.status = 'active' AND b.marks = a.marks))"
    } else {
        "1"
    };
    let sql = format!(
        "SELECT a.serial, a.marks, a.verdict, \
           coalesce(a.doubtful, (SELECT b.doubtful FROM ballot_entry b WHERE b.selection_id = a.selection_id AND b.serial = a.serial AND b.entry_no = 2 AND b.status = 'active')), \
           a.box_id, \
           (SELECT r.decision FROM review r WHERE r.selection_id = a.selection_id AND r.serial = a.serial AND r.kind = 'doubtful' ORDER BY r.id DESC LIMIT 1), \
           a.findings \
         FROM ballot_entry a WHERE a.selection_id = ?1 AND a.status = 'active' AND a.entry_no = 1 AND {cond} ORDER BY a.serial"
    );
    let mut stmt = db.conn.prepare(&sql).map_err(|e| db.err(e))?;
    let rows = stmt
        .query_map([selection_id], |r| {
            let marks: String = r.get(1)?;
            let verdict: String = r.get(2)?;
            Ok(CountedBallot {
                serial: r.get(0)?,
                marks: serde_json::from_str::<Marks>(&marks).unwrap_or(Marks { marks: vec![] }),
                verdict: match verdict.as_str() {
                    "valid" => Verdict::Valid,
                    "blank" => Verdict::Blank,
                    _ => Verdict::Invalid,
                },
                doubtful: r.get(3)?,
                box_id: r.get(4)?,
                decision: r.get::<_, Option<String>>(5)?.map(|d| {
                    if d == "valid" {
                        Verdict::Valid
                    } else {
                        Verdict::Invalid
                    }
                }),
                findings: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or_default(),
            })
        })
        .map_err(|e| db.err(e))?;
    rows.collect::<Result<_, _>>().map_err(|e| Failure::from(db.err(e)))
}

pub fn tally(db: Db<'_>, selection_id: i64, rule: &Rule, tb: &TieBreak) -> Result<Tally, Failure> {
    let (sel, plans) = sel_plans(db, selection_id)?;
    let settings = paper_settings(db, selection_id)?.ok_or_else(|| Failure::from(p("paper.no_style")))?;
    let mut counted = counted_entries(db, selection_id)?;
    let online = super::online::counted(db, selection_id)?;
    // The online vote alone, to show beside paper (the same counting).
    let (online_election, online_counts) =
        count_ballots(sel.budget_cents, &plans, &settings.style, online.iter().map(|b| (b.counts_as(), &b.marks)));
    counted.extend(online);
    let printed: i64 = db
        .conn
        .query_row("SELECT count(*) FROM ballot WHERE selection_id = ?1", [selection_id], |r| r.get(0))
        .map_err(|e| db.err(e))?;
    let queue = reconciliation_queue(db, selection_id)?.len();
    let (election, counts) =
        count_ballots(sel.budget_cents, &plans, &settings.style, counted.iter().map(|b| (b.counts_as(), &b.marks)));
    let Counts { valid, blank, invalid, doubtful } = counts;
    let outcome = rules::run(&election, rule, tb);
    Ok(Tally {
        printed: printed as u64,
        valid,
        blank,
        invalid,
        doubtful,
        reconciliation_queue: queue as u64,
        votes: election.approvals(),
        points: election.points(),
        online_valid: online_counts.valid,
        online_votes: online_election.approvals(),
        outcome,
        election,
    })
}
