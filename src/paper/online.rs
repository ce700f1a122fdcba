//! The online vote of a paper-ballot selection (`docs/stations.md`): the
//! city platform's export, a pabulib `.pb` file or a CSV of one row per
//! voter (`pseudoniem,stem`: the platform's voter pseudonym, then the plan
//! codes marked, as typed at the entry screen: `MM01,MM03` or
//! `MM01=3,MM02=2`), imported as a second source of the same count.
//!
//! Every vote is judged by the ballot style and rules, as a paper ballot
//! is, and must be valid; one that is not refuses the whole file, naming
//! its line. A voter pseudonym twice (in the file, or in one imported
//! before) refuses it too. The pseudonym is kept only as a hash, for that
//! check. Imported votes count as ballots from one more line of the count,
//! named [`ONLINE`]: the tally, the cast-vote records, the report and the
//! bundle show paper per box, online, and the total.

use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::ballot::{self, Marks, Verdict};
use super::*;
use crate::problem::ToProblem;
use crate::storage::audit::{Action, Recordable};
use crate::storage::store::Db;

/// The name the online vote is counted under, as a line beside the boxes.
pub const ONLINE: &str = "online";
/// The box id online votes carry in `CountedBallot`: no real box has it.
pub const ONLINE_BOX: i64 = -1;
/// No platform export comes near this.
const MAX_FILE: usize = 64 * 1024 * 1024;

/// What one import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OnlineReport {
    pub file: String,
    #[ts(type = "number")]
    pub votes: u64,
    /// The same file was imported before: nothing changed.
    pub already: bool,
    pub sha256: String,
}

/// What comparing an offline desk's list with the online voters found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DeskCheck {
    pub file: String,
    /// Pseudonyms on the desk's list (each counted once).
    #[ts(type = "number")]
    pub listed: u64,
    /// Those of them that also voted online, as written on the list: for
    /// the coordinator's eyes only (the chain keeps only their number).
    pub also_online: Vec<String>,
    /// Lines that named a pseudonym already on the list (counted once).
    #[ts(type = "number")]
    pub repeated: u64,
}

/// The check in the chain: its numbers only. Not even the list's hash: a
/// short list's hash would let anyone try names until one fits.
#[derive(Debug)]
pub struct DeskChecked {
    pub selection: i64,
    pub listed: u64,
    pub matches: u64,
}

impl Recordable for DeskChecked {
    fn action(&self) -> Action {
        Action::OnlineDeskCheck
    }
    fn entity(&self) -> String {
        format!("selection/{}", self.selection)
    }
    fn payload(&self) -> (Option<Value>, Option<Value>) {
        (None, Some(json!({ "listed": self.listed, "matches": self.matches })))
    }
}

#[derive(Debug)]
pub struct OnlineImport<'a> {
    pub selection: i64,
    pub file: &'a str,
    pub sha256: &'a str,
    pub format: &'a str,
    pub votes: u64,
}

impl Recordable for OnlineImport<'_> {
    fn action(&self) -> Action {
        Action::OnlineImport
    }
    fn entity(&self) -> String {
        format!("selection/{}", self.selection)
    }
    fn payload(&self) -> (Option<Value>, Option<Value>) {
        (None, Some(json!({ "file": self.file, "sha256": self.sha256, "format": self.format, "votes": self.votes })))
    }
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The hash a voter pseudonym is kept as, per selection.
fn voter_hash(selection_id: i64, pseudonym: &str) -> String {
    sha(format!("wijkstem-online/1\n{selection_id}\n{}", pseudonym.trim()).as_bytes())
}

/// One vote as read: its line in the file, the pseudonym and the marks.
type Read = (u64, String, Marks);

fn bad(file: &str, line: u64, code: &str) -> Problem {
    p(code).with("file", file).with("line", line)
}

/// A `.pb` file's votes, with its project ids as plan codes.
fn read_pb(bytes: &[u8], file: &str, codes: &[String]) -> Result<Vec<Read>, Failure> {
    let pb = crate::pabulib::read(bytes, true).map_err(|e| Failure::from(e.to_problem().with("file", file)))?;
    let id_col = pb.project_columns.iter().position(|c| c == "project_id").unwrap_or(0);
    for row in &pb.project_rows {
        let id = row.get(id_col).map(String::as_str).unwrap_or("");
        if !codes.iter().any(|c| c == id) {
            return Err(p("online.unknown_plan").with("file", file).with("plan", id).into());
        }
    }
    let col = |name: &str| pb.vote_columns.iter().position(|c| c == name);
    let (Some(voter), Some(vote)) = (col("voter_id"), col("vote")) else {
        return Err(p("online.no_columns").with("file", file).into());
    };
    let points = col("points");
    let mut out = Vec::with_capacity(pb.vote_rows.len());
    for (i, row) in pb.vote_rows.iter().enumerate() {
        // The line as the file has it is not kept by the reader: the vote's number.
        let n = i as u64 + 1;
        let ids: Vec<&str> =
            row.get(vote).map(String::as_str).unwrap_or("").split(',').filter(|s| !s.is_empty()).collect();
        let pts: Vec<&str> = points.and_then(|c| row.get(c)).map(|s| s.split(',').collect()).unwrap_or_default();
        let mut marks = Vec::with_capacity(ids.len());
        for (k, id) in ids.iter().enumerate() {
            let v = match pts.get(k) {
                Some(x) => x.trim().parse::<u32>().map_err(|_| bad(file, n, "online.bad_vote"))?,
                None => 1,
            };
            marks.push((id.trim().to_string(), v));
        }
        out.push((n, row.get(voter).cloned().unwrap_or_default(), Marks { marks }));
    }
    Ok(out)
}

/// A CSV of `pseudoniem,stem` (or `pseudonym,vote`), `,` or `;` between them.
fn read_csv(bytes: &[u8], file: &str) -> Result<Vec<Read>, Failure> {
    let text = std::str::from_utf8(bytes).map_err(|_| Failure::from(p("online.not_utf8").with("file", file)))?;
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.contains(';') { b';' } else { b',' };
    let mut rdr = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .map_err(|_| Failure::from(bad(file, 1, "online.no_columns")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let find = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
    let (Some(voter), Some(vote)) = (find(&["pseudoniem", "pseudonym"]), find(&["stem", "vote"])) else {
        return Err(p("online.no_columns").with("file", file).into());
    };
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Failure::from(bad(file, line, "online.bad_line"))
        })?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // `v1,MM01,MM03` is two columns too many: the marks were not quoted,
        // and reading the first would lose the rest.
        if rec.len() != header.len() {
            return Err(bad(file, line, "online.columns")
                .with("found", rec.len())
                .with("expected", header.len())
                .into());
        }
        let marks_text: Vec<&str> =
            rec.get(vote).unwrap_or("").split([',', ' ', '\t']).map(str::trim).filter(|s| !s.is_empty()).collect();
        let marks = parse_marks(&marks_text.join(","))
            .map_err(|_| Failure::from(bad(file, line, "online.bad_vote").with("vote", rec.get(vote).unwrap_or(""))))?;
        out.push((line, rec.get(voter).unwrap_or("").to_string(), marks));
    }
    Ok(out)
}

impl Store {
    /// Import the online vote from the platform's export, all or nothing.
    pub fn import_online(
        &mut self,
        operator: &str,
        selection_id: i64,
        bytes: &[u8],
        file: &str,
    ) -> Result<OnlineReport, Failure> {
        if bytes.len() > MAX_FILE {
            return Err(p("online.too_big").with("file", file).into());
        }
        let hash = sha(bytes);
        self.write_open_with(operator, selection_id, |st, c| {
            let db = st.db();
            let (sel, plans) = sel_plans(db, selection_id)?;
            if sel.method != Method::Ballots {
                return Err(p("paper.not_ballots").into());
            }
            if store::is_station_copy(db, selection_id)? {
                return Err(p("online.on_station").into());
            }
            let settings = store::paper_settings(db, selection_id)?.ok_or_else(|| Failure::from(p("paper.no_style")))?;
            let known: Option<i64> = db
                .conn
                .query_row(
                    "SELECT votes FROM online_source WHERE selection_id = ?1 AND sha256 = ?2",
                    params![selection_id, hash],
                    |r| r.get(0),
                )
                .optional()
                .map_err(|e| db.err(e))?;
            if let Some(votes) = known {
                return Ok(OnlineReport { file: file.to_string(), votes: votes as u64, already: true, sha256: hash.clone() });
            }
            let codes: Vec<String> = plans.iter().map(|pl| pl.code.clone()).collect();
            let is_pb = String::from_utf8_lossy(&bytes[..bytes.len().min(64)]).trim_start_matches('\u{feff}').trim_start().starts_with("META");
            let votes = if is_pb { read_pb(bytes, file, &codes)? } else { read_csv(bytes, file)? };
            if votes.is_empty() {
                return Err(p("online.empty").with("file", file).into());
            }
            c.tx.execute(
                "INSERT INTO online_source (selection_id, file_name, sha256, format, votes, imported_by, imported_at) VALUES (?1,?2,?3,?4,?5,?6,?7)",
                params![selection_id, file, hash, if is_pb { "pb" } else { "csv" }, votes.len() as i64, c.operator.clone(), c.at.clone()],
            )
            .map_err(|e| c.err(e))?;
            let source = c.tx.last_insert_rowid();
            let mut seen = std::collections::HashSet::new();
            {
                let mut taken = db
                    .conn
                    .prepare_cached("SELECT count(*) > 0 FROM online_vote WHERE selection_id = ?1 AND voter = ?2")
                    .map_err(|e| db.err(e))?;
                let mut ins = c
                    .tx
                    .prepare_cached("INSERT INTO online_vote (selection_id, source_id, voter, marks) VALUES (?1,?2,?3,?4)")
                    .map_err(|e| c.err(e))?;
                for (line, pseudonym, marks) in &votes {
                    if pseudonym.trim().is_empty() {
                        return Err(bad(file, *line, "online.no_pseudonym").into());
                    }
                    let voter = voter_hash(selection_id, pseudonym);
                    let twice: bool = taken.query_row(params![selection_id, voter], |r| r.get(0)).map_err(|e| db.err(e))?;
                    if !seen.insert(voter.clone()) || twice {
                        return Err(bad(file, *line, "online.twice").with("voter", pseudonym.trim()).into());
                    }
                    match ballot::judge_with(&settings.style, &codes, marks, &settings.rules) {
                        Ok((Verdict::Valid, _, _)) => {}
                        Ok((_, findings, _)) => {
                            let why: Vec<String> = findings.iter().map(|f| f.code.clone()).collect();
                            return Err(bad(file, *line, "online.invalid_vote").with("findings", why.join(", ")).into());
                        }
                        // The line, then what is wrong with it in the entry screen's words.
                        Err(e) => {
                            return Err(Failure { problems: vec![bad(file, *line, "online.refused_line"), e.to_problem()] })
                        }
                    }
                    ins.execute(params![selection_id, source, voter, canonical_marks(marks)]).map_err(|e| c.err(e))?;
                }
            }
            c.record(OnlineImport { selection: selection_id, file, sha256: &hash, format: if is_pb { "pb" } else { "csv" }, votes: votes.len() as u64 })?;
            // The votes' claims on an event of their own: the summary stays public.
            c.record(crate::storage::audit::RecordsWrite)?;
            Ok(OnlineReport { file: file.to_string(), votes: votes.len() as u64, already: false, sha256: hash.clone() })
        })
    }
}

/// The pseudonyms of an offline desk's list, each once, and how many lines
/// repeated one: one pseudonym per line; or a CSV (`;`, tab or `,`, quotes
/// as spreadsheets write them) whose header names the column
/// `pseudoniem`/`pseudonym`. Blank lines are skipped; a line with several
/// fields and no such header, or with a control character, refuses the list
/// (a pseudonym must never be half read).
fn desk_list(bytes: &[u8], file: &str) -> Result<(Vec<String>, u64), Failure> {
    let text = std::str::from_utf8(bytes).map_err(|_| Failure::from(p("online.not_utf8").with("file", file)))?;
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.contains(';') {
        b';'
    } else if first.contains('\t') {
        b'\t'
    } else {
        b','
    };
    let mut rdr =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let refuse = |line: u64| Failure::from(p("online.desk_bad_line").with("file", file).with("line", line));
    let mut column: Option<usize> = None;
    let mut seen = std::collections::BTreeSet::new();
    let (mut out, mut repeated) = (Vec::new(), 0u64);
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| refuse(e.position().map(|p| p.line()).unwrap_or(i as u64 + 1)))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(i as u64 + 1);
        let fields: Vec<String> = rec.iter().map(|f| f.trim().to_string()).collect();
        if fields.iter().any(|f| f.chars().any(char::is_control)) {
            return Err(refuse(line));
        }
        if i == 0 {
            column = fields.iter().position(|f| ["pseudoniem", "pseudonym"].contains(&f.to_lowercase().as_str()));
            if column.is_some() {
                continue;
            }
        }
        let name = match column {
            Some(k) => fields.get(k).cloned().unwrap_or_default(),
            None if fields.iter().filter(|f| !f.is_empty()).count() > 1 => return Err(refuse(line)),
            None => fields.into_iter().find(|f| !f.is_empty()).unwrap_or_default(),
        };
        if name.is_empty() {
            continue;
        }
        if seen.insert(name.clone()) {
            out.push(name);
        } else {
            repeated += 1;
        }
    }
    if out.is_empty() {
        return Err(p("online.desk_empty").with("file", file).into());
    }
    Ok((out, repeated))
}

impl Store {
    /// Compare an offline desk's list of pseudonyms with those who voted
    /// online (by the same salted hash), to find anyone who voted both
    /// ways. Changes no vote; the chain records the two numbers only.
    pub fn check_desk_list(
        &mut self,
        operator: &str,
        selection_id: i64,
        bytes: &[u8],
        file: &str,
    ) -> Result<DeskCheck, Failure> {
        if bytes.len() > MAX_FILE {
            return Err(p("online.too_big").with("file", file).into());
        }
        let (names, repeated) = desk_list(bytes, file)?;
        self.write_open_with(operator, selection_id, |st, c| {
            let db = st.db();
            let (sel, _) = sel_plans(db, selection_id)?;
            if sel.method != Method::Ballots {
                return Err(p("paper.not_ballots").into());
            }
            let online: i64 = db
                .conn
                .query_row("SELECT count(*) FROM online_vote WHERE selection_id = ?1", [selection_id], |r| r.get(0))
                .map_err(|e| db.err(e))?;
            if online == 0 {
                return Err(p("online.none_yet").into());
            }
            let mut taken = db
                .conn
                .prepare_cached("SELECT count(*) > 0 FROM online_vote WHERE selection_id = ?1 AND voter = ?2")
                .map_err(|e| db.err(e))?;
            let mut also_online = Vec::new();
            for name in &names {
                let hit: bool = taken
                    .query_row(params![selection_id, voter_hash(selection_id, name)], |r| r.get(0))
                    .map_err(|e| db.err(e))?;
                if hit {
                    also_online.push(name.clone());
                }
            }
            drop(taken);
            c.record(DeskChecked {
                selection: selection_id,
                listed: names.len() as u64,
                matches: also_online.len() as u64,
            })?;
            Ok(DeskCheck { file: file.to_string(), listed: names.len() as u64, also_online, repeated })
        })
    }
}

/// The imported online votes, as ballots that count (valid, checked at import).
pub fn counted(db: Db<'_>, selection_id: i64) -> Result<Vec<CountedBallot>, Failure> {
    let mut stmt = db
        .conn
        .prepare("SELECT marks FROM online_vote WHERE selection_id = ?1 ORDER BY marks, id")
        .map_err(|e| db.err(e))?;
    let rows = stmt
        .query_map([selection_id], |r| {
            let marks: String = r.get(0)?;
            Ok(CountedBallot {
                serial: String::new(),
                marks: serde_json::from_str::<Marks>(&marks).unwrap_or(Marks { marks: vec![] }),
                verdict: Verdict::Valid,
                doubtful: None,
                box_id: Some(ONLINE_BOX),
                decision: None,
                findings: vec![],
            })
        })
        .map_err(|e| db.err(e))?;
    rows.collect::<Result<_, _>>().map_err(|e| Failure::from(db.err(e)))
}
