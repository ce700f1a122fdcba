//! Reading and writing the pabulib `.pb` format (META, PROJECTS, VOTES; each a
//! `;`-separated table with a header row), and turning a file into an
//! `Election` for the rules.
//!
//! The reader streams: it parses from any `Read` record by record and keeps
//! only the parsed values, merging identical ballots as it goes. Every error
//! names the line and what is wrong.

use std::collections::HashMap;
use std::io::{Read, Write};

use num_rational::BigRational;

use crate::{Ballot, Election, GreedyMode, GreedyScore, Outcome, Project, Rule, TieBreak};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteType {
    Approval,
    Cumulative,
    Ordinal,
    Choose1,
    Scoring,
}

impl VoteType {
    fn parse(s: &str) -> Option<VoteType> {
        Some(match s {
            "approval" => VoteType::Approval,
            "cumulative" => VoteType::Cumulative,
            "ordinal" => VoteType::Ordinal,
            "choose-1" => VoteType::Choose1,
            "scoring" => VoteType::Scoring,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            VoteType::Approval => "approval",
            VoteType::Cumulative => "cumulative",
            VoteType::Ordinal => "ordinal",
            VoteType::Choose1 => "choose-1",
            VoteType::Scoring => "scoring",
        }
    }
    fn has_points(self) -> bool {
        matches!(self, VoteType::Cumulative | VoteType::Scoring)
    }
}

/// What is wrong with a file: a stable code (the message key
/// `pabulib.<code>` in `locales/`) and its named values, so every word of
/// the message is in the user's language.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum PbError {
    #[error("line {line}: {code} {params:?}")]
    At { line: u64, code: &'static str, params: Vec<(&'static str, String)> },
    #[error("cannot read the file: {0}")]
    Io(String),
}

impl PbError {
    fn at(line: u64, code: &'static str, params: &[(&'static str, &dyn std::fmt::Display)]) -> PbError {
        PbError::At { line, code, params: params.iter().map(|(k, v)| (*k, v.to_string())).collect() }
    }
}

/// A parsed `.pb` file. Votes are kept merged (identical ballots counted once
/// with a weight) unless `keep_votes` was asked for (needed to write a file back).
#[derive(Debug, Clone)]
pub struct PbFile {
    pub meta: Vec<(String, String)>,
    pub project_columns: Vec<String>,
    /// Each project's cells, in `project_columns` order.
    pub project_rows: Vec<Vec<String>>,
    pub vote_type: VoteType,
    /// Merged ballots: (project index, points) in the order written in the vote.
    pub ballots: Vec<Ballot>,
    pub num_votes: u64,
    pub vote_columns: Vec<String>,
    /// All vote rows, only when read with `keep_votes`.
    pub vote_rows: Vec<Vec<String>>,
    /// What was read leniently, as the cities read it (each names its line).
    pub warnings: Vec<PbError>,
}

#[derive(PartialEq)]
enum Section {
    None,
    Meta,
    Projects,
    Votes,
}

pub fn read(input: impl Read, keep_votes: bool) -> Result<PbFile, PbError> {
    let mut rdr = csv::ReaderBuilder::new().delimiter(b';').has_headers(false).flexible(true).from_reader(input);
    let mut section = Section::None;
    let mut header: Option<Vec<String>> = None;
    let mut meta: Vec<(String, String)> = Vec::new();
    let mut project_columns = Vec::new();
    let mut project_rows: Vec<Vec<String>> = Vec::new();
    let mut vote_columns: Vec<String> = Vec::new();
    let mut vote_rows = Vec::new();
    let mut project_index: HashMap<String, u32> = HashMap::new();
    let mut merged: HashMap<Vec<(u32, u64)>, u64> = HashMap::new();
    let mut merged_order: Vec<Vec<(u32, u64)>> = Vec::new();
    let mut vote_type: Option<VoteType> = None;
    let mut num_votes = 0u64;
    let (mut vote_col, mut points_col) = (usize::MAX, None);
    let mut voter_ids: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut record = csv::StringRecord::new();
    let mut last_line = 0;
    let mut warnings: Vec<PbError> = Vec::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(last_line + 1);
                return Err(match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => PbError::at(line, "not_utf8", &[]),
                    csv::ErrorKind::Io(io) => PbError::Io(io.to_string()),
                    _ => PbError::at(line, "syntax", &[]),
                });
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(last_line + 1);
        last_line = line;
        if record.len() == 1 && record[0].trim().is_empty() {
            continue;
        }
        if record.len() == 1 {
            let next = match record[0].trim() {
                "META" => Some(Section::Meta),
                "PROJECTS" => Some(Section::Projects),
                "VOTES" => Some(Section::Votes),
                _ => None,
            };
            if let Some(next) = next {
                let expected = match section {
                    Section::None => Section::Meta,
                    Section::Meta => Section::Projects,
                    Section::Projects => Section::Votes,
                    Section::Votes => return Err(PbError::at(line, "section_after_votes", &[])),
                };
                if next != expected {
                    return Err(PbError::at(line, "section_order", &[("section", &record[0].trim())]));
                }
                if next == Section::Votes {
                    vote_type = Some(resolve_vote_type(&meta, line)?);
                }
                section = next;
                header = None;
                continue;
            }
        }
        if section == Section::None {
            return Err(PbError::at(line, "no_meta", &[]));
        }
        let Some(cols) = &header else {
            let h: Vec<String> = record.iter().map(|s| s.trim().to_string()).collect();
            match section {
                Section::Meta if h != ["key", "value"] => return Err(PbError::at(line, "meta_header", &[])),
                Section::Projects => {
                    for need in ["project_id", "cost"] {
                        if !h.iter().any(|c| c == need) {
                            return Err(PbError::at(
                                line,
                                "header_lacks",
                                &[("section", &"PROJECTS"), ("column", &need)],
                            ));
                        }
                    }
                    project_columns = h.clone();
                }
                Section::Votes => {
                    vote_col = h.iter().position(|c| c == "vote").ok_or_else(|| {
                        PbError::at(line, "header_lacks", &[("section", &"VOTES"), ("column", &"vote")])
                    })?;
                    if !h.iter().any(|c| c == "voter_id") {
                        return Err(PbError::at(
                            line,
                            "header_lacks",
                            &[("section", &"VOTES"), ("column", &"voter_id")],
                        ));
                    }
                    points_col = h.iter().position(|c| c == "points");
                    let vt = vote_type.expect("set when VOTES starts");
                    if vt.has_points() && points_col.is_none() {
                        return Err(PbError::at(line, "points_column", &[]));
                    }
                    vote_columns = h.clone();
                }
                _ => {}
            }
            header = Some(h);
            continue;
        };
        if record.len() != cols.len() {
            return Err(PbError::at(line, "columns", &[("cells", &record.len()), ("header", &cols.len())]));
        }
        match section {
            Section::Meta => meta.push((record[0].trim().to_string(), record[1].trim().to_string())),
            Section::Projects => {
                let row: Vec<String> = record.iter().map(|s| s.trim().to_string()).collect();
                let id_col = cols.iter().position(|c| c == "project_id").expect("header checked");
                let id = row[id_col].clone();
                if id.is_empty() {
                    return Err(PbError::at(line, "project_empty_id", &[]));
                }
                if project_index.insert(id.clone(), project_rows.len() as u32).is_some() {
                    return Err(PbError::at(line, "project_twice", &[("id", &id)]));
                }
                let cost_col = cols.iter().position(|c| c == "cost").expect("header checked");
                if parse_decimal(&row[cost_col]).is_none() {
                    let code = if row[cost_col].starts_with('-') && parse_decimal(&row[cost_col][1..]).is_some() {
                        "cost_negative"
                    } else {
                        "cost_not_number"
                    };
                    return Err(PbError::at(line, code, &[("id", &id), ("cost", &row[cost_col])]));
                }
                project_rows.push(row);
            }
            Section::Votes => {
                let vt = vote_type.expect("set when VOTES starts");
                let voter =
                    record[cols.iter().position(|c| c == "voter_id").expect("header checked")].trim().to_string();
                if !voter_ids.insert(voter.clone()) {
                    return Err(PbError::at(line, "voter_twice", &[("voter", &voter)]));
                }
                let list = record[vote_col].trim();
                let mut ids: Vec<u32> = Vec::new();
                if !list.is_empty() {
                    for id in list.split(',') {
                        let id = id.trim();
                        let p = *project_index
                            .get(id)
                            .ok_or_else(|| PbError::at(line, "unknown_project", &[("id", &id)]))?;
                        if ids.contains(&p) {
                            if vt.has_points() {
                                // Which of the two numbers of points counts is anybody's guess.
                                return Err(PbError::at(line, "project_twice_points", &[("id", &id)]));
                            }
                            // As pabutools and the cities read it: once.
                            warnings.push(PbError::at(line, "project_twice_in_vote", &[("id", &id)]));
                            continue;
                        }
                        ids.push(p);
                    }
                }
                if vt == VoteType::Choose1 && ids.len() != 1 {
                    return Err(PbError::at(line, "choose1", &[]));
                }
                let items: Vec<(u32, u64)> = if vt.has_points() {
                    let pts_text = record[points_col.expect("checked with the header")].trim();
                    let pts: Vec<&str> = if pts_text.is_empty() { vec![] } else { pts_text.split(',').collect() };
                    if pts.len() != ids.len() {
                        return Err(PbError::at(
                            line,
                            "points_count",
                            &[("projects", &ids.len()), ("points", &pts.len())],
                        ));
                    }
                    let mut items = Vec::with_capacity(ids.len());
                    for (p, t) in ids.iter().zip(pts) {
                        let v: u64 =
                            t.trim().parse().map_err(|_| PbError::at(line, "points_not_whole", &[("points", &t)]))?;
                        items.push((*p, v));
                    }
                    items
                } else {
                    ids.iter().map(|&p| (p, 1)).collect()
                };
                num_votes += 1;
                match merged.get_mut(&items) {
                    Some(w) => *w += 1,
                    None => {
                        merged.insert(items.clone(), 1);
                        merged_order.push(items);
                    }
                }
                if keep_votes {
                    vote_rows.push(record.iter().map(|s| s.to_string()).collect());
                }
            }
            Section::None => unreachable!(),
        }
    }
    let vote_type = match vote_type {
        Some(v) => v,
        None => return Err(PbError::at(last_line + 1, "no_votes", &[])),
    };
    // A file cut short must not give a result from what came before the cut.
    let counted = |key: &str| meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_string());
    for (key, read) in [("num_projects", project_rows.len() as u64), ("num_votes", num_votes)] {
        if let Some(said) = counted(key) {
            match said.parse::<u64>() {
                Ok(n) if n == read => {}
                Ok(n) => {
                    let code = match (key, n < read) {
                        ("num_votes", false) => "votes_missing",
                        ("num_votes", true) => "votes_extra",
                        (_, false) => "projects_missing",
                        (_, true) => "projects_extra",
                    };
                    return Err(PbError::at(last_line, code, &[("said", &n), ("read", &read)]));
                }
                Err(_) => return Err(PbError::at(0, "meta_count", &[("key", &key), ("value", &said)])),
            }
        }
    }
    let ballots = merged_order.into_iter().map(|items| Ballot { weight: merged[&items], items }).collect();
    Ok(PbFile { meta, project_columns, project_rows, vote_type, ballots, num_votes, vote_columns, vote_rows, warnings })
}

fn resolve_vote_type(meta: &[(String, String)], line: u64) -> Result<VoteType, PbError> {
    let vt = meta.iter().find(|(k, _)| k == "vote_type").map(|(_, v)| v.as_str()).unwrap_or("approval");
    let vt = VoteType::parse(vt).ok_or_else(|| PbError::at(line, "vote_type", &[("value", &vt)]))?;
    let budget = meta.iter().find(|(k, _)| k == "budget").map(|(_, v)| v.as_str());
    match budget {
        None => Err(PbError::at(line, "no_budget", &[])),
        Some(b) if parse_decimal(b).is_none() => Err(PbError::at(line, "budget_not_number", &[("value", &b)])),
        _ => Ok(vt),
    }
}

/// A non-negative decimal as (digits without the point, number of decimals).
fn parse_decimal(s: &str) -> Option<(i128, u32)> {
    let s = s.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 6
    {
        return None;
    }
    let digits: i128 = format!("{int}{frac}").parse().ok()?;
    Some((digits, frac.len() as u32))
}

impl PbFile {
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.project_columns.iter().position(|c| c == name)
    }

    pub fn project_ids(&self) -> Vec<&str> {
        let c = self.column("project_id").expect("checked when read");
        self.project_rows.iter().map(|r| r[c].as_str()).collect()
    }

    /// The plans the city funded (`selected` column = 1), if the file says.
    pub fn official_selected(&self) -> Option<Vec<String>> {
        let sel = self.column("selected")?;
        let id = self.column("project_id").expect("checked when read");
        Some(self.project_rows.iter().filter(|r| r[sel].trim() == "1").map(|r| r[id].clone()).collect())
    }

    /// The election for the rules. Amounts are scaled to whole numbers (a
    /// budget of 2372571.24 becomes 237257124 with `unit_scale` 100).
    pub fn election(&self) -> Election {
        let cost_col = self.column("cost").expect("checked when read");
        let budget_text = self.meta("budget").unwrap_or("0");
        let mut decimals = parse_decimal(budget_text).map(|d| d.1).unwrap_or(0);
        for r in &self.project_rows {
            decimals = decimals.max(parse_decimal(&r[cost_col]).map(|d| d.1).unwrap_or(0));
        }
        let scale = 10i128.pow(decimals);
        let scaled = |t: &str| -> i64 {
            let (digits, d) = parse_decimal(t).unwrap_or((0, 0));
            (digits * 10i128.pow(decimals - d)) as i64
        };
        let ids = self.project_ids();
        Election {
            budget: scaled(budget_text),
            projects: self
                .project_rows
                .iter()
                .zip(ids)
                .map(|(r, id)| Project { id: id.to_string(), cost: scaled(&r[cost_col]) })
                .collect(),
            ballots: self.ballots.clone(),
            unit_scale: scale as i64,
        }
    }

    /// The score the city ranked by: the `score` column if present, else `votes`.
    fn official_scores(&self, e: &Election) -> Vec<Option<BigRational>> {
        let col = self.column("score").or_else(|| self.column("votes"));
        let computed = match self.vote_type {
            VoteType::Cumulative | VoteType::Scoring => e.points(),
            _ => e.approvals(),
        };
        (0..e.projects.len())
            .map(|i| {
                let v: i64 = col
                    .and_then(|c| self.project_rows[i][c].trim().parse::<f64>().ok())
                    .map(|f| f as i64)
                    .unwrap_or(computed[i] as i64);
                Some(BigRational::from_integer(v.into()))
            })
            .collect()
    }

    /// The city's own procedure named by META `rule`, as pabulib-checker
    /// implements it: greedy variants rank by the file's score/votes column
    /// with ties in file order; equal shares uses the official add1 variant.
    pub fn official_outcome(&self) -> Result<Outcome, PbError> {
        let e = self.election();
        let rule = self.meta("rule").unwrap_or("unknown");
        let given = TieBreak::Given;
        let rank = given.rank(&e);
        let greedy = |mode| crate::greedy(&e, &self.official_scores(&e), &rank, &given, mode, &[]);
        Ok(match rule {
            "greedy" => greedy(GreedyMode::Skip),
            "greedy-no-skip" => greedy(GreedyMode::NoSkip),
            "greedy-threshold" => {
                let t = self.meta("min_project_score_threshold").and_then(|t| t.parse::<i64>().ok()).unwrap_or(0);
                greedy(GreedyMode::Threshold(BigRational::from_integer(t.into())))
            }
            "equalshares/add1" | "equalshares" | "equalshares/add1-comparison" | "equalshares-comparison" => {
                let sat = match self.vote_type {
                    VoteType::Cumulative | VoteType::Scoring => crate::Satisfaction::Points,
                    _ => crate::Satisfaction::Cost,
                };
                let tb = TieBreak::CostThenVotes;
                let r = if rule.contains("add1") {
                    crate::run(&e, &Rule::MesAdd1 { sat, variant: crate::Add1Variant::Official }, &tb)
                } else {
                    crate::run(&e, &Rule::Mes { sat }, &tb)
                };
                if rule.ends_with("-comparison") {
                    compare_with_greedy(&e, r, &tb)
                } else {
                    r
                }
            }
            other => return Err(PbError::at(0, "rule", &[("rule", &other)])),
        })
    }

    /// Write the file back in pabulib format (needs `keep_votes` when reading).
    pub fn write(&self, out: &mut impl Write) -> std::io::Result<()> {
        let mut w = csv::WriterBuilder::new().delimiter(b';').has_headers(false).flexible(true).from_writer(out);
        w.write_record(["META"])?;
        w.write_record(["key", "value"])?;
        for (k, v) in &self.meta {
            w.write_record([k, v])?;
        }
        w.write_record(["PROJECTS"])?;
        w.write_record(&self.project_columns)?;
        for r in &self.project_rows {
            w.write_record(r)?;
        }
        w.write_record(["VOTES"])?;
        w.write_record(&self.vote_columns)?;
        for r in &self.vote_rows {
            w.write_record(r)?;
        }
        w.flush()
    }
}

/// `-comparison`: keep the MES outcome unless more voters prefer the greedy
/// one (a voter prefers the outcome funding more of the cost they approved).
fn compare_with_greedy(e: &Election, mes: Outcome, tb: &TieBreak) -> Outcome {
    let g = crate::run(e, &Rule::Greedy { score: GreedyScore::Approvals }, tb);
    let value = |sel: &[usize], b: &Ballot| -> i64 {
        b.items.iter().filter(|(p, _)| sel.contains(&(*p as usize))).map(|(p, _)| e.projects[*p as usize].cost).sum()
    };
    let (mut for_mes, mut for_greedy) = (0u64, 0u64);
    for b in &e.ballots {
        let (m, gr) = (value(&mes.selected, b), value(&g.selected, b));
        if m > gr {
            for_mes += b.weight;
        } else if gr > m {
            for_greedy += b.weight;
        }
    }
    if for_greedy > for_mes {
        g
    } else {
        mes
    }
}
