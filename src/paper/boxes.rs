//! Ballot boxes (batches) of a paper count, pausing entry, an operator's
//! unsaved ballot kept over a pause, the read-only progress view, and closing
//! the count. Storage side; the counting itself is in `paper`.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::i18n::Lang;
use crate::paper::ballot::Serial;
use crate::paper::TallyView;
use crate::problem::{Failure, Problem};
use crate::selection::Status;
use crate::storage::store::{Db, Store, StoreError};

/// A box's name.
pub(crate) fn box_name(db: Db<'_>, box_id: i64) -> Result<String, Failure> {
    Ok(db.conn.query_row("SELECT name FROM ballot_box WHERE id = ?1", [box_id], |r| r.get(0)).map_err(|e| db.err(e))?)
}

/// The box an entry goes into: required once a selection has boxes, and
/// it must be open.
pub(crate) fn entry_box(db: Db<'_>, selection_id: i64, box_id: Option<i64>) -> Result<Option<i64>, Failure> {
    let boxes: i64 = db
        .conn
        .query_row("SELECT count(*) FROM ballot_box WHERE selection_id = ?1", [selection_id], |r| r.get(0))
        .map_err(|e| db.err(e))?;
    let Some(id) = box_id else {
        return if boxes > 0 { Err(p("box.required").into()) } else { Ok(None) };
    };
    let row: Option<(String, String)> = db
        .conn
        .query_row(
            "SELECT name, status FROM ballot_box WHERE id = ?1 AND selection_id = ?2",
            params![id, selection_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(|e| db.err(e))?;
    match row {
        None => Err(p("box.unknown").with("box", id).into()),
        Some((name, status)) if status == "closed" => Err(p("box.closed").with("box", name).into()),
        Some(_) => Ok(Some(id)),
    }
}

fn p(code: &str) -> Problem {
    Problem::new(code)
}

/// One ballot box as the screens show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BoxView {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub location: String,
    /// Ballots the box should hold (from the polling station's count).
    #[ts(type = "number")]
    pub expected: u64,
    /// Distinct ballots with at least one entry.
    #[ts(type = "number")]
    pub entered: u64,
    /// Ballots whose entry is final (single entry, or two agreeing entries).
    #[ts(type = "number")]
    pub settled: u64,
    /// Double entry: ballots still waiting for their second entry.
    #[ts(type = "number")]
    pub waiting: u64,
    /// Double entry: ballots whose entries differ (coordinator or re-entry).
    #[ts(type = "number")]
    pub differences: u64,
    pub closed: bool,
    pub override_reason: Option<String>,
}

impl BoxView {
    /// A box reconciles when every expected ballot is settled and nothing waits.
    pub fn reconciles(&self) -> bool {
        self.settled == self.expected && self.entered == self.expected && self.waiting == 0 && self.differences == 0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BoxInput {
    pub name: String,
    pub location: String,
    #[ts(type = "number")]
    pub expected: u64,
}

/// What a projector or second screen shows while tallying. Results appear
/// only once the count is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProgressView {
    pub edition: String,
    pub wijk: String,
    pub closed: bool,
    pub paused: bool,
    pub boxes: Vec<BoxView>,
    #[ts(type = "number")]
    pub printed: u64,
    #[ts(type = "number")]
    pub entered: u64,
    #[ts(type = "number")]
    pub settled: u64,
    #[ts(type = "number")]
    pub waiting: u64,
    /// Differences waiting for the coordinator or for re-entry.
    #[ts(type = "number")]
    pub queue: u64,
    /// Doubtful ballots the committee has not decided yet.
    #[ts(type = "number")]
    pub doubtful_open: u64,
    pub results: Option<TallyView>,
}

/// The longest location a ballot box may have (it is printed on its cover sheet).
pub const MAX_LOCATION: usize = 120;

impl Store {
    pub fn create_box(&mut self, operator: &str, selection_id: i64, input: &BoxInput) -> Result<BoxView, Failure> {
        // The checks read inside the write's transaction.
        let id = self.write_open(operator, selection_id, |c| {
            let name = input.name.trim();
            if name.is_empty()
                || name.chars().count() > 40
                || name.chars().any(|c| crate::selection::forbidden(c, false))
            {
                return Err(p("box.bad_name").into());
            }
            // The location is printed on the box's cover sheet: a line or two, no control characters.
            let location = input.location.trim();
            if location.chars().count() > MAX_LOCATION
                || location.chars().any(|c| crate::selection::forbidden(c, false))
            {
                return Err(p("box.bad_location").with("max", MAX_LOCATION).into());
            }
            if input.expected > 1_000_000 {
                return Err(p("box.bad_expected").into());
            }
            let taken: i64 =
                c.tx.query_row(
                    "SELECT count(*) FROM ballot_box WHERE selection_id = ?1 AND name = ?2",
                    params![selection_id, name],
                    |r| r.get(0),
                )
                .map_err(|e| c.err(e))?;
            if crate::paper::store::is_station_copy(c.db(), selection_id)? {
                return Err(p("station.keeps_setup").into());
            }
            // The online vote is counted as its own line under this name.
            if taken > 0 || name.eq_ignore_ascii_case(crate::paper::online::ONLINE) {
                return Err(p("box.name_taken").with("box", name).into());
            }
            c.tx.execute(
                "INSERT INTO ballot_box (selection_id, name, location, expected) VALUES (?1, ?2, ?3, ?4)",
                params![selection_id, name, location, input.expected as i64],
            )
            .map_err(|e| c.err(e))?;
            let id = c.tx.last_insert_rowid();
            c.record(crate::paper::PaperEvent::BoxCreate { selection: selection_id, id, input })?;
            Ok::<_, Failure>(id)
        })?;
        get_box(self.db(), selection_id, id)
    }

    /// Close a box. Its counts must reconcile, or the coordinator writes why
    /// it closes anyway (for example a ballot taken home by a voter).
    pub fn close_box(
        &mut self,
        operator: &str,
        selection_id: i64,
        box_id: i64,
        override_reason: Option<&str>,
    ) -> Result<BoxView, Failure> {
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            let b = get_box(st.db(), selection_id, box_id)?;
            if b.closed {
                return Err(p("box.closed").with("box", &b.name).into());
            }
            let reason = override_reason.map(str::trim).filter(|r| !r.is_empty());
            // On a counting station, closing a box hands in that laptop's
            // work on it: the count reconciles on the coordinator's laptop.
            let station = crate::paper::store::is_station_copy(st.db(), selection_id)?;
            let reconciles = station || b.reconciles();
            // On the coordinator's: every admitted station has handed the box
            // in, or the coordinator writes why it closes anyway (a laptop
            // that broke down, its ballots typed again here).
            let not_done = crate::paper::store::stations_not_done(st.db(), selection_id, &b.name)?;
            let mut problems = Vec::new();
            if !reconciles && reason.is_none() {
                problems.push(
                    p("box.not_reconciled")
                        .with("box", &b.name)
                        .with("expected", b.expected)
                        .with("entered", b.entered)
                        .with("settled", b.settled)
                        .with("waiting", b.waiting)
                        .with("differences", b.differences),
                );
            }
            if !not_done.is_empty() && reason.is_none() {
                problems.push(p("box.stations_not_done").with("box", &b.name).with("stations", not_done.join(", ")));
            }
            if !problems.is_empty() {
                return Err(Failure { problems });
            }
            let reason = if reconciles && not_done.is_empty() { None } else { reason };
            c.tx.execute(
                "UPDATE ballot_box SET status = 'closed', closed_by = ?1, closed_at = ?2, override_reason = ?3 WHERE id = ?4",
                params![operator, c.at.clone(), reason, box_id],
            )
            .map_err(|e| c.err(e))?;
            c.record(crate::paper::PaperEvent::BoxClose { selection: selection_id, id: box_id, expected: b.expected, entered: b.entered, settled: b.settled, override_reason: reason })?;
            Ok::<_, Failure>(())
        })?;
        get_box(self.db(), selection_id, box_id)
    }

    /// Reopen a closed box, with the reason (for example a ballot found later).
    pub fn reopen_box(
        &mut self,
        operator: &str,
        selection_id: i64,
        box_id: i64,
        reason: &str,
    ) -> Result<BoxView, Failure> {
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            let b = get_box(st.db(), selection_id, box_id)?;
            if reason.trim().is_empty() {
                return Err(p("box.reason_required").into());
            }
            if !b.closed {
                return Ok(b);
            }
            c.tx.execute("UPDATE ballot_box SET status = 'open', closed_by = NULL, closed_at = NULL, override_reason = NULL WHERE id = ?1", [box_id])
                .map_err(|e| c.err(e))?;
            c.record(crate::paper::PaperEvent::BoxReopen { selection: selection_id, id: box_id, reason: reason.trim() })?;
            Ok::<_, Failure>(b)
        })?;
        get_box(self.db(), selection_id, box_id)
    }

    /// Pause or resume entry for a selection (a break, a shift change).
    pub fn set_entry_paused(&mut self, operator: &str, selection_id: i64, paused: bool) -> Result<(), Failure> {
        self.write_open(operator, selection_id, |c| {
            c.tx.execute("UPDATE selection SET entry_paused = ?1 WHERE id = ?2", params![paused as i64, selection_id])
                .map_err(|e| c.err(e))?;
            c.record(crate::paper::PaperEvent::EntryPaused { selection: selection_id, paused })
        })?;
        Ok(())
    }

    /// Keep what an operator had typed but not saved, so a pause or a closed
    /// lid loses nothing. One draft per operator and selection.
    pub fn save_draft(&mut self, operator: &str, selection_id: i64, draft: &str) -> Result<(), Failure> {
        self.write(operator, |c| {
            c.tx.execute(
                "INSERT INTO entry_draft (selection_id, operator, draft, at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (selection_id, operator) DO UPDATE SET draft = excluded.draft, at = excluded.at",
                params![selection_id, operator, draft, c.at.clone()],
            )
            .map_err(|e| c.err(e))?;
            c.record(crate::paper::PaperEvent::EntryDraft { selection: selection_id, operator })
        })?;
        Ok(())
    }

    pub fn clear_draft(&mut self, operator: &str, selection_id: i64) -> Result<(), Failure> {
        self.write(operator, |c| {
            c.tx.execute(
                "DELETE FROM entry_draft WHERE selection_id = ?1 AND operator = ?2",
                params![selection_id, operator],
            )
            .map_err(|e| c.err(e))?;
            Ok::<_, StoreError>(())
        })?;
        Ok(())
    }

    /// Close the count: every box closed, no difference, second entry or
    /// doubtful ballot left. After this no ballot can be entered and the
    /// result is shown.
    pub fn close_count(&mut self, operator: &str, selection_id: i64) -> Result<(), Failure> {
        // The checks read inside the write's transaction.
        self.write_open_with(operator, selection_id, |st, c| {
            // Not while a demo coordinator's PIN is public (`demo_pins_block`).
            crate::roster::demo_pins_block(st.db(), selection_id)?;
            let v = progress(st.db(), selection_id, "greedy", Lang::Nl)?;
            let mut problems = Vec::new();
            for b in v.boxes.iter().filter(|b| !b.closed) {
                problems.push(p("count.box_open").with("box", &b.name));
            }
            if v.queue > 0 {
                problems.push(p("count.differences").with("count", v.queue));
            }
            if v.waiting > 0 {
                problems.push(p("count.waiting").with("count", v.waiting));
            }
            if v.doubtful_open > 0 {
                problems.push(p("count.doubtful").with("count", v.doubtful_open));
            }
            if v.settled == 0 {
                problems.push(p("count.empty"));
            }
            // Every admitted station has handed every box in, checked again
            // now: a station admitted, or a box reopened on a station, after
            // the box closed here. A box the coordinator closed with a
            // written reason stands as closed.
            // A box closed with a written reason excuses the stations admitted
            // then, not those admitted after it closed.
            for b in &v.boxes {
                let since: Option<String> = match &b.override_reason {
                    None => None,
                    Some(_) => {
                        c.tx.query_row("SELECT closed_at FROM ballot_box WHERE id = ?1", [b.id], |r| r.get(0))
                            .map_err(|e| c.err(e))?
                    }
                };
                let not_done = crate::paper::store::stations_not_done(st.db(), selection_id, &b.name)?;
                let not_done: Vec<String> = match since {
                    None => not_done,
                    Some(at) => {
                        let late = crate::paper::store::stations_admitted_after(st.db(), selection_id, &at)?;
                        not_done.into_iter().filter(|n| late.contains(n)).collect()
                    }
                };
                if !not_done.is_empty() {
                    problems
                        .push(p("count.stations_not_done").with("box", &b.name).with("stations", not_done.join(", ")));
                }
                // A closed box still adds up (an entry a station took back
                // after it closed would otherwise drop out unseen).
                if b.closed && b.override_reason.is_none() && !b.reconciles() {
                    problems.push(
                        p("count.box_changed")
                            .with("box", &b.name)
                            .with("expected", b.expected)
                            .with("settled", b.settled),
                    );
                }
            }
            // Entries from counting stations that could not be admitted
            // (see the station module) are settled first.
            let conflicts: i64 =
                c.tx.query_row(
                    "SELECT count(*) FROM station_conflict WHERE selection_id = ?1 AND settled_at IS NULL",
                    [selection_id],
                    |r| r.get(0),
                )
                .map_err(|e| c.err(e))?;
            if conflicts > 0 {
                problems.push(p("count.station_conflicts").with("count", conflicts));
            }
            // A station's copy is never the count of record: its entries go
            // to the coordinator in a package.
            if crate::paper::store::is_station_copy(st.db(), selection_id)? {
                problems.push(p("station.no_closing"));
            }
            if !problems.is_empty() {
                return Err(Failure { problems });
            }
            c.tx.execute("UPDATE selection SET status = 'closed' WHERE id = ?1", [selection_id])
                .map_err(|e| c.err(e))?;
            c.record(crate::paper::PaperEvent::CountClose {
                selection: selection_id,
                settled: v.settled,
                entered: v.entered,
            })?;
            Ok(())
        })
    }
}

pub fn list_boxes(db: Db<'_>, selection_id: i64) -> Result<Vec<BoxView>, Failure> {
    let counted = crate::paper::store::counted_entries(db, selection_id)?;
    list_boxes_with(db, selection_id, &counted)
}

/// `list_boxes` with the settled ballots already read.
pub fn list_boxes_with(
    db: Db<'_>,
    selection_id: i64,
    counted: &[crate::paper::CountedBallot],
) -> Result<Vec<BoxView>, Failure> {
    let n: i64 = db
        .conn
        .query_row("SELECT count(*) FROM ballot_box WHERE selection_id = ?1", [selection_id], |r| r.get(0))
        .map_err(|e| db.err(e))?;
    if n == 0 {
        return Ok(vec![]);
    }
    let double = crate::paper::store::paper_settings(db, selection_id)?.is_some_and(|s| s.double_entry);
    let queue = crate::paper::store::reconciliation_queue(db, selection_id)?;
    let rechecks: Vec<String> = crate::paper::review::rechecks(db, selection_id)?
        .into_iter()
        .map(|r| Serial::parse(&r.serial).map(|s| s.0).unwrap_or(r.serial))
        .collect();
    let settled: Vec<(String, Option<i64>)> = counted.iter().map(|b| (b.serial.clone(), b.box_id)).collect();
    // Per serial: its box and how many active entries it has.
    let mut stmt = db
        .conn
        .prepare("SELECT serial, max(box_id), count(*) FROM ballot_entry WHERE selection_id = ?1 AND status = 'active' GROUP BY serial")
        .map_err(|e| db.err(e))?;
    let entries: Vec<(String, Option<i64>, i64)> = stmt
        .query_map([selection_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(|e| db.err(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| db.err(e))?;
    let resolved: std::collections::HashSet<String> = settled.iter().map(|(s, _)| s.clone()).collect();
    let queue: std::collections::HashSet<String> = queue.into_iter().collect();
    let rechecks: std::collections::HashSet<String> = rechecks.into_iter().collect();
    let mut stmt = db
        .conn
        .prepare("SELECT id, name, location, expected, status, override_reason FROM ballot_box WHERE selection_id = ?1 ORDER BY id")
        .map_err(|e| db.err(e))?;
    let rows: Vec<(i64, String, String, i64, String, Option<String>)> = stmt
        .query_map([selection_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .map_err(|e| db.err(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| db.err(e))?;
    Ok(rows
        .into_iter()
        .map(|(id, name, location, expected, status, override_reason)| {
            let mine = entries.iter().filter(|(_, b, _)| *b == Some(id));
            let entered = mine.clone().count() as u64;
            let waiting = if double {
                mine.clone().filter(|(s, _, n)| *n == 1 && !resolved.contains(s) && !rechecks.contains(s)).count()
                    as u64
            } else {
                0
            };
            let differences = mine.filter(|(s, _, _)| queue.contains(s) || rechecks.contains(s)).count() as u64;
            BoxView {
                id,
                name,
                location,
                expected: expected as u64,
                entered,
                settled: settled.iter().filter(|(_, b)| *b == Some(id)).count() as u64,
                waiting,
                differences,
                closed: status == "closed",
                override_reason,
            }
        })
        .collect())
}

pub fn get_box(db: Db<'_>, selection_id: i64, box_id: i64) -> Result<BoxView, Failure> {
    list_boxes(db, selection_id)?
        .into_iter()
        .find(|b| b.id == box_id)
        .ok_or_else(|| StoreError::NotFound { what: "box", id: box_id.to_string() }.into())
}

pub fn draft(db: Db<'_>, operator: &str, selection_id: i64) -> Result<Option<String>, Failure> {
    Ok(db
        .conn
        .query_row(
            "SELECT draft FROM entry_draft WHERE selection_id = ?1 AND operator = ?2",
            params![selection_id, operator],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| db.err(e))?)
}

pub fn progress(db: Db<'_>, selection_id: i64, rule_name: &str, lang: Lang) -> Result<ProgressView, Failure> {
    let sel = crate::selection::read(db, selection_id)?;
    let paused: i64 = db
        .conn
        .query_row("SELECT entry_paused FROM selection WHERE id = ?1", [selection_id], |r| r.get(0))
        .map_err(|e| db.err(e))?;
    let printed: i64 = db
        .conn
        .query_row("SELECT count(*) FROM ballot WHERE selection_id = ?1", [selection_id], |r| r.get(0))
        .map_err(|e| db.err(e))?;
    let settings = crate::paper::store::paper_settings(db, selection_id)?;
    let entered: i64 = db
        .conn
        .query_row(
            "SELECT count(DISTINCT serial) FROM ballot_entry WHERE selection_id = ?1 AND status = 'active'",
            [selection_id],
            |r| r.get(0),
        )
        .map_err(|e| db.err(e))?;
    let (counted, queue, rechecks) = if settings.is_some() {
        (
            crate::paper::store::counted_entries(db, selection_id)?,
            crate::paper::store::reconciliation_queue(db, selection_id)?.len(),
            crate::paper::review::rechecks(db, selection_id)?.len(),
        )
    } else {
        (vec![], 0, 0)
    };
    let waiting = if settings.as_ref().is_some_and(|s| s.double_entry) {
        (entered as usize).saturating_sub(counted.len() + queue + rechecks) as u64
    } else {
        0
    };
    let closed = sel.status == Status::Closed;
    let results = if closed { Some(tally_view(db, selection_id, rule_name, lang)?) } else { None };
    Ok(ProgressView {
        edition: sel.edition,
        wijk: sel.wijk,
        closed,
        paused: paused != 0,
        boxes: list_boxes_with(db, selection_id, &counted)?,
        printed: printed as u64,
        entered: entered as u64,
        settled: counted.len() as u64,
        waiting,
        queue: (queue + rechecks) as u64,
        doubtful_open: counted.iter().filter(|b| b.counts_as().is_none()).count() as u64,
        results,
    })
}

pub fn tally_view(db: Db<'_>, selection_id: i64, rule_name: &str, lang: Lang) -> Result<TallyView, Failure> {
    let settings =
        crate::paper::store::paper_settings(db, selection_id)?.ok_or_else(|| Failure::from(p("paper.no_style")))?;
    let rule = crate::paper::rule_by_name(rule_name, &settings.style).ok_or_else(|| {
        Failure::from(p("cli.unknown_rule").with("rule", rule_name).with("choices", "greedy, mes, mes_add1"))
    })?;
    let t = crate::paper::store::tally(db, selection_id, &rule, &crate::rules::TieBreak::Lexicographic)?;
    Ok(t.view(&crate::selection::list_plans(db, selection_id)?, lang))
}
