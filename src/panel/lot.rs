//! A gelote wijkpanel drawn by lot inside its selection: the computed draw
//! (`panel::draw::compute`) stored with its numbered table, the number drawn
//! in public, and the respondents of that panel made the panel's members —
//! each in one write, with its audit event, before the first round.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use ts_rs::TS;

use super::draw::{DrawOutcome, LotteryTable};
use super::p;
use crate::problem::Failure;
use crate::storage::store::{Db, Store};

/// One respondent's chance, as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Chance {
    pub code: String,
    /// The computed (leximin) probability, six decimals.
    pub probability: String,
    /// Numbered panels that seat this respondent.
    #[ts(type = "number")]
    pub tickets: u32,
    /// The chance if every quota panel were equally likely (estimated), for comparison.
    #[serde(default)]
    pub uniform: String,
}

/// The number drawn in public and the panel it gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DrawPick {
    #[ts(type = "number")]
    pub number: u32,
    /// `dice`, or `seed:` and the seed typed in.
    pub source: String,
    pub members: Vec<String>,
    pub at: String,
    pub operator: String,
}

/// A drawn member who declined, and who was drawn in their place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Replacement {
    pub member: String,
    pub replacement: String,
    /// The number drawn among the candidates (from 0), and how many there were.
    #[ts(type = "number")]
    pub number: u32,
    #[ts(type = "number")]
    pub candidates: u32,
    pub source: String,
    pub reason: String,
    pub at: String,
    pub operator: String,
}

/// A selection's draw, as the screen, the report and the bundle read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DrawRecord {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub size: u32,
    /// Numbered panels in the table (100, 1,000 or 10,000).
    #[ts(type = "number")]
    pub lottery: u32,
    pub min_probability: String,
    #[ts(type = "number")]
    pub at_min: u32,
    pub max_deviation: String,
    /// The uniform baseline's smallest chance, how many have it (within its
    /// spread), and the spread of its estimate.
    #[serde(default)]
    pub uniform_min: String,
    #[serde(default)]
    #[ts(type = "number")]
    pub uniform_at_min: u32,
    #[serde(default)]
    pub uniform_spread: String,
    /// In the respondents' file order.
    pub chances: Vec<Chance>,
    pub pool_sha256: String,
    pub quotas_sha256: String,
    pub table_sha256: String,
    pub at: String,
    pub operator: String,
    pub pick: Option<DrawPick>,
    /// The table has been printed: it stands, and the number may be drawn.
    #[serde(default)]
    pub printed: bool,
    /// In the order they were made.
    #[serde(default)]
    pub replacements: Vec<Replacement>,
}

/// How the number is chosen: thrown with dice, or from a public seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Pick {
    Number {
        #[ts(type = "number")]
        number: u32,
    },
    Seed {
        seed: String,
    },
}

/// What `panel_draw.outcome` holds.
#[derive(Serialize, Deserialize)]
struct Stored {
    chances: Vec<Chance>,
    at_min: u32,
    table: LotteryTable,
    #[serde(default)]
    uniform_min: String,
    #[serde(default)]
    uniform_at_min: u32,
    #[serde(default)]
    uniform_spread: String,
}

impl Store {
    /// Keep a computed draw (with its lottery table) for this panel. A new
    /// computation replaces the last one only until a number is drawn.
    pub fn record_draw(
        &mut self,
        operator: &str,
        selection_id: i64,
        out: &DrawOutcome,
        quotas_csv: &str,
        pool_csv: &str,
    ) -> Result<DrawRecord, Failure> {
        let lottery = out.lottery.as_ref().ok_or_else(|| p("draw.no_table"))?;
        let table = LotteryTable::of(out, lottery);
        // The drawn become members: their codes must be member codes.
        if let Some(bad) = out.codes.iter().find(|c| !member_code(c)) {
            return Err(p("draw.bad_code").with("code", bad).into());
        }
        let chances: Vec<Chance> = out
            .codes
            .iter()
            .zip(&out.probabilities)
            .zip(&lottery.tickets)
            .zip(&out.uniform)
            .map(|(((code, pr), &tickets), u)| Chance {
                code: code.clone(),
                probability: format!("{pr:.6}"),
                tickets,
                uniform: format!("{u:.6}"),
            })
            .collect();
        let umin = out.uniform.iter().copied().fold(f64::INFINITY, f64::min);
        let stored = Stored {
            chances,
            at_min: out.at_min as u32,
            table,
            uniform_min: format!("{umin:.6}"),
            uniform_at_min: out.uniform.iter().filter(|&&u| u - umin <= out.uniform_spread).count() as u32,
            uniform_spread: format!("{:.6}", out.uniform_spread),
        };
        let table_sha256 = stored.table.sha256();
        self.write_open_with(operator, selection_id, |st, c| {
            super::store::panel_selection(st.db(), selection_id)?;
            before_the_panel_sits(st.db(), selection_id)?;
            // A printed table has been seen: it stands, or a new one could be
            // computed until a chosen person sits in the panel the dice named.
            if printed(st.db(), selection_id)? {
                return Err(p("draw.printed").into());
            }
            c.tx.execute(
                "INSERT INTO panel_draw (selection_id, size, lottery, quotas, respondents, outcome, table_hash, \
                 operator, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    selection_id,
                    out.size,
                    lottery.size() as i64,
                    quotas_csv,
                    pool_csv,
                    serde_json::to_string(&stored).expect("a draw serialises"),
                    table_sha256,
                    operator,
                    c.at.clone()
                ],
            )
            .map_err(|e| c.err(e))?;
            let draw = c.tx.last_insert_rowid();
            c.record(super::PanelEvent::PanelDraw {
                selection: selection_id,
                draw,
                size: out.size,
                lottery: lottery.size() as u32,
                pool_sha256: &out.pool_hash,
                quotas_sha256: &out.quotas_hash,
                table_sha256: &table_sha256,
                min_probability: &stored.table.min_probability,
            })?;
            Ok::<_, Failure>(())
        })?;
        draw_record(self.db(), selection_id)?.ok_or_else(|| p("draw.none").into())
    }

    /// Record the number drawn in public (or the one a public seed gives)
    /// and seat that panel: its respondents become the panel's members.
    pub fn pick_panel(&mut self, operator: &str, selection_id: i64, pick: &Pick) -> Result<DrawPick, Failure> {
        self.write_open_with(operator, selection_id, |st, c| {
            super::store::panel_selection(st.db(), selection_id)?;
            let (id, table) = latest_table(st.db(), selection_id)?.ok_or_else(|| p("draw.none"))?;
            before_the_panel_sits(st.db(), selection_id)?;
            // The number is drawn after the table is out, never before.
            if !printed(st.db(), selection_id)? {
                return Err(p("draw.not_printed").into());
            }
            let m = table.panels.len() as u32;
            let (number, source) = match pick {
                Pick::Number { number } => (*number, "dice".to_string()),
                Pick::Seed { seed } => {
                    let seed = public_seed(seed)?;
                    (table.number_for_seed(&seed), format!("seed:{seed}"))
                }
            };
            if number >= m {
                return Err(p("draw.bad_number").with("number", number).with("last", m - 1).into());
            }
            let members = table.panels[number as usize].clone();
            c.tx.execute(
                "INSERT INTO panel_draw_pick (draw_id, number, source, operator, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, number, source, operator, c.at.clone()],
            )
            .map_err(|e| c.err(e))?;
            for code in &members {
                // Their name on this laptop is their code until the moderator
                // knows who came; names never leave the laptop.
                super::store::seat_member(c, selection_id, &code.to_uppercase(), code)?;
            }
            c.record(super::PanelEvent::PanelDrawPick {
                selection: selection_id,
                draw: id,
                number,
                source: &source,
                members: &members,
            })?;
            Ok::<_, Failure>(DrawPick { number, source, members, at: c.at.clone(), operator: operator.to_string() })
        })
    }
}

impl Store {
    /// A drawn member declines before the first round: who takes the seat
    /// is drawn (dice or a public seed) among the respondents with whom the
    /// panel still meets every quota, numbered in the order of their codes
    /// (`replacement_candidates`). Recorded with the reason.
    pub fn replace_member(
        &mut self,
        operator: &str,
        selection_id: i64,
        member: &str,
        pick: &Pick,
        reason: &str,
    ) -> Result<Replacement, Failure> {
        self.write_open_with(operator, selection_id, |st, c| {
            super::store::panel_selection(st.db(), selection_id)?;
            let reason = crate::selection::check_free_text(reason, "reason", crate::selection::MAX_SHORT, true)?;
            let seat = seat_to_fill(st.db(), selection_id, member)?;
            let n = seat.candidates.len() as u32;
            let (number, source) = match pick {
                Pick::Number { number } => (*number, "dice".to_string()),
                Pick::Seed { seed } => {
                    let seed = public_seed(seed)?;
                    let k = super::draw::replacement_for_seed(&seat.table_sha256, &seat.member, &seed, n as usize);
                    (k, format!("seed:{seed}"))
                }
            };
            if number >= n {
                return Err(p("draw.bad_candidate_number").with("number", number).with("last", n - 1).into());
            }
            let replacement = seat.candidates[number as usize].clone();
            c.tx.execute(
                "DELETE FROM panel_member WHERE selection_id = ?1 AND code = ?2",
                params![selection_id, seat.member],
            )
            .map_err(|e| c.err(e))?;
            super::store::seat_member(c, selection_id, &replacement.to_uppercase(), &replacement)?;
            c.tx.execute(
                "INSERT INTO panel_draw_replace (draw_id, member, replacement, number, candidates, source, reason, \
                 operator, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![seat.draw, seat.member, replacement, number, n, source, reason.trim(), operator, c.at.clone()],
            )
            .map_err(|e| c.err(e))?;
            c.record(super::PanelEvent::PanelDrawReplace {
                selection: selection_id,
                draw: seat.draw,
                member: &seat.member,
                replacement: &replacement,
                number,
                candidates: n,
                source: &source,
                reason_sha256: &hex::encode(sha2::Sha256::digest(reason.trim().as_bytes())),
            })?;
            Ok::<_, Failure>(Replacement {
                member: seat.member,
                replacement,
                number,
                candidates: n,
                source,
                reason: reason.trim().to_string(),
                at: c.at.clone(),
                operator: operator.to_string(),
            })
        })
    }
}

/// A seat to fill: the draw, the leaving member (their stored code), the
/// table's hash, and who may take the seat, numbered from 0.
pub struct Seat {
    pub draw: i64,
    pub member: String,
    pub table_sha256: String,
    pub candidates: Vec<String>,
}

/// Who may take `member`'s seat (the numbered list the moderator draws
/// from), with the checks that a replacement is possible now.
pub fn seat_to_fill(db: Db<'_>, selection_id: i64, member: &str) -> Result<Seat, Failure> {
    let record = draw_record(db, selection_id)?.ok_or_else(|| p("draw.none"))?;
    if record.pick.is_none() {
        return Err(p("draw.not_picked").into());
    }
    let rounds: i64 = db
        .conn
        .query_row("SELECT count(*) FROM panel_round WHERE selection_id = ?1", [selection_id], |r| r.get(0))
        .map_err(|e| db.err(e))?;
    if rounds > 0 {
        return Err(p("draw.replace_after_rounds").into());
    }
    let (quotas, respondents) = draw_sources(db, record.id)?;
    let inst = wijkstem_draw::Instance::from_csv(&quotas, &respondents, record.size)
        .map_err(|f| p("draw.damaged").with("detail", f))?;
    let index = |code: &str| inst.pool.codes.iter().position(|c| c.eq_ignore_ascii_case(code.trim()));
    let mut stmt = db.conn.prepare("SELECT code FROM panel_member WHERE selection_id = ?1").map_err(|e| db.err(e))?;
    let seated: Vec<String> = stmt
        .query_map([selection_id], |r| r.get(0))
        .map_err(|e| db.err(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| db.err(e))?;
    let stored = seated
        .iter()
        .find(|c| c.eq_ignore_ascii_case(member.trim()))
        .ok_or_else(|| p("draw.not_member").with("member", member.trim()))?;
    let leaving = index(stored).ok_or_else(|| p("draw.not_member").with("member", stored))?;
    let seated: Vec<usize> = seated.iter().filter_map(|c| index(c)).collect();
    let excluded: Vec<usize> = record.replacements.iter().filter_map(|r| index(&r.member)).collect();
    let candidates = super::draw::candidates(&inst, &seated, leaving, &excluded);
    if candidates.is_empty() {
        return Err(p("draw.no_candidate").with("member", stored).into());
    }
    Ok(Seat {
        draw: record.id,
        member: stored.clone(),
        table_sha256: record.table_sha256,
        candidates: candidates.into_iter().map(|i| inst.pool.codes[i].clone()).collect(),
    })
}

/// A respondent's code can be a panel member's code: ASCII letters and
/// digits, `-` and `_`, so that upper and lower case are one code everywhere.
fn member_code(code: &str) -> bool {
    !code.is_empty() && code.len() <= 12 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A seed as typed from a public source, in the one form that gives its
/// number: every run of spaces (of any kind) one plain space, trimmed, and
/// only printable ASCII — so that no look-alike or invisible character
/// gives another number for what reads as the same seed.
pub fn public_seed(seed: &str) -> Result<String, Failure> {
    let folded = seed.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.is_empty() {
        return Err(p("draw.seed_empty").into());
    }
    if folded.len() > 200 || !folded.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
        return Err(p("draw.seed_ascii").into());
    }
    Ok(folded)
}

/// Has the selection's lottery table been printed?
fn printed(db: Db<'_>, selection_id: i64) -> Result<bool, Failure> {
    let n: i64 = db
        .conn
        .query_row(
            "SELECT count(*) FROM panel_draw_print k JOIN panel_draw d ON d.id = k.draw_id WHERE d.selection_id = ?1",
            [selection_id],
            |r| r.get(0),
        )
        .map_err(|e| db.err(e))?;
    Ok(n > 0)
}

impl Store {
    /// The lottery table is printed: record it (from now on the table
    /// stands) and give it back to print.
    pub fn print_draw(&mut self, operator: &str, selection_id: i64) -> Result<LotteryTable, Failure> {
        self.write_open_with(operator, selection_id, |st, c| {
            super::store::panel_selection(st.db(), selection_id)?;
            let (id, table) = latest_table(st.db(), selection_id)?.ok_or_else(|| p("draw.none"))?;
            c.tx.execute(
                "INSERT INTO panel_draw_print (draw_id, operator, at) VALUES (?1, ?2, ?3)",
                params![id, operator, c.at.clone()],
            )
            .map_err(|e| c.err(e))?;
            c.record(super::PanelEvent::PanelDrawPrint {
                selection: selection_id,
                draw: id,
                table_sha256: &table.sha256(),
            })?;
            Ok::<_, Failure>(table)
        })
    }
}

/// A draw is made and picked before anyone sits on the panel: no members
/// yet, no round, no number drawn.
fn before_the_panel_sits(db: Db<'_>, selection_id: i64) -> Result<(), Failure> {
    let count = |sql: &str| -> Result<i64, Failure> {
        db.conn.query_row(sql, [selection_id], |r| r.get(0)).map_err(|e| db.err(e).into())
    };
    if count("SELECT count(*) FROM panel_draw_pick k JOIN panel_draw d ON d.id = k.draw_id WHERE d.selection_id = ?1")?
        > 0
    {
        return Err(p("draw.picked").into());
    }
    if count("SELECT count(*) FROM panel_member WHERE selection_id = ?1")? > 0 {
        return Err(p("draw.members_exist").into());
    }
    if count("SELECT count(*) FROM panel_round WHERE selection_id = ?1")? > 0 {
        return Err(p("draw.rounds_exist").into());
    }
    Ok(())
}

/// A draw's row: id, size, outcome (JSON), operator, time.
type DrawRow = (i64, u32, String, String, String);

fn latest_row(db: Db<'_>, selection_id: i64) -> Result<Option<DrawRow>, Failure> {
    use rusqlite::OptionalExtension;
    db.conn
        .query_row(
            "SELECT id, size, outcome, operator, at FROM panel_draw WHERE selection_id = ?1 ORDER BY id DESC LIMIT 1",
            [selection_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()
        .map_err(|e| db.err(e).into())
}

fn parse(outcome: &str) -> Result<Stored, Failure> {
    serde_json::from_str(outcome).map_err(|e| p("draw.damaged").with("detail", e).into())
}

/// The selection's last draw's numbered table.
pub fn latest_table(db: Db<'_>, selection_id: i64) -> Result<Option<(i64, LotteryTable)>, Failure> {
    match latest_row(db, selection_id)? {
        Some((id, _, outcome, _, _)) => Ok(Some((id, parse(&outcome)?.table))),
        None => Ok(None),
    }
}

/// The two files a draw read, as read: quotas and respondents.
pub fn draw_sources(db: Db<'_>, draw_id: i64) -> Result<(String, String), Failure> {
    db.conn
        .query_row("SELECT quotas, respondents FROM panel_draw WHERE id = ?1", [draw_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(|e| db.err(e).into())
}

/// The selection's last draw, with the number drawn if there is one.
pub fn draw_record(db: Db<'_>, selection_id: i64) -> Result<Option<DrawRecord>, Failure> {
    use rusqlite::OptionalExtension;
    let Some((id, size, outcome, operator, at)) = latest_row(db, selection_id)? else {
        return Ok(None);
    };
    let stored = parse(&outcome)?;
    let pick = db
        .conn
        .query_row("SELECT number, source, operator, at FROM panel_draw_pick WHERE draw_id = ?1", [id], |r| {
            Ok((r.get::<_, u32>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })
        .optional()
        .map_err(|e| db.err(e))?
        .map(|(number, source, operator, at)| DrawPick {
            number,
            source,
            members: stored.table.panels.get(number as usize).cloned().unwrap_or_default(),
            at,
            operator,
        });
    let table_sha256 = stored.table.sha256();
    let mut stmt = db
        .conn
        .prepare(
            "SELECT member, replacement, number, candidates, source, reason, at, operator FROM panel_draw_replace \
             WHERE draw_id = ?1 ORDER BY id",
        )
        .map_err(|e| db.err(e))?;
    let replacements: Vec<Replacement> = stmt
        .query_map([id], |r| {
            Ok(Replacement {
                member: r.get(0)?,
                replacement: r.get(1)?,
                number: r.get(2)?,
                candidates: r.get(3)?,
                source: r.get(4)?,
                reason: r.get(5)?,
                at: r.get(6)?,
                operator: r.get(7)?,
            })
        })
        .map_err(|e| db.err(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| db.err(e))?;
    Ok(Some(DrawRecord {
        id,
        size,
        lottery: stored.table.panels.len() as u32,
        min_probability: stored.table.min_probability.clone(),
        at_min: stored.at_min,
        max_deviation: stored.table.max_deviation.clone(),
        uniform_min: stored.uniform_min,
        uniform_at_min: stored.uniform_at_min,
        uniform_spread: stored.uniform_spread,
        chances: stored.chances,
        pool_sha256: stored.table.pool_sha256,
        quotas_sha256: stored.table.quotas_sha256,
        table_sha256,
        at,
        operator,
        pick,
        printed: printed(db, selection_id)?,
        replacements,
    }))
}
