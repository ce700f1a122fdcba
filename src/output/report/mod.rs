//! The result report (proces-verbaal): what it says (`ReportData`, computed
//! by a pure function from the selection and its records, so the bundle
//! verifier can recompute it) and how it prints (A4 PDF, byte-stable).

use serde::{Deserialize, Serialize};

use crate::explain;
use crate::i18n::{t, tr, Lang};
use crate::money::format_euro;
use crate::output::cvr::verdict_word;
use crate::paper::ballot::{self, BallotStyle, EntryRules, Marks, Verdict};
use crate::paper::boxes::BoxView;
use crate::paper::review::ReviewItem;
use crate::paper::{count_ballots, rule_by_name, PaperSettings};
use crate::pdf::layout::{wrap, PT_MM};
use crate::pdf::{Canvas, Doc, A4_H, A4_W};
use crate::rules::{self, TieBreak};
use crate::selection::Plan;

mod methods;
mod render;

pub use methods::{compute_panel, compute_tables, Drop};
pub use render::{belgian_time, render, Footer};

/// A plan as the selection defined it (what the bundle's `selection.json` holds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDef {
    pub code: String,
    pub title: String,
    pub description: String,
    pub cost_cents: i64,
    pub initiator: String,
}

/// Everything about a selection the result depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectionDef {
    pub format: String,
    pub id: i64,
    pub edition: String,
    pub wijk: String,
    pub method: String,
    pub budget_cents: i64,
    pub status: String,
    pub plans: Vec<PlanDef>,
    pub paper: Option<PaperSettings>,
    pub printed: u64,
    pub boxes: Vec<BoxView>,
    /// The rule by name (`greedy`, `mes`, ...) and the tie-breaking order.
    pub rule: String,
    pub tie_break: String,
    pub lang: String,
    /// Gesprekstafels: the verdict format.
    #[serde(default)]
    pub tables: Option<crate::tables::TableSettings>,
    /// When the count was closed and who entered and decided (from the audit log).
    #[serde(default)]
    pub count: CountRecord,
}

/// When a count was closed, who entered the records and who decided
/// (differences, doubtful ballots, boxes, drop-outs, closing), as the audit
/// log names them, each name once in order of first appearance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountRecord {
    /// RFC 3339, UTC, as the audit log stores it; empty while open.
    pub closed_at: String,
    pub entered_by: Vec<String>,
    pub decided_by: Vec<String>,
    /// The audit event that closed the count: its place in the chain and
    /// its hash, printed on the proces-verbaal as the anchor the committee
    /// signs (`wijkstem audit verify --head` checks a chain against it).
    #[serde(default)]
    pub closed_seq: i64,
    #[serde(default)]
    pub closed_hash: String,
}

/// One ballot box's numbers in the proces-verbaal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoxCount {
    pub name: String,
    pub expected: u64,
    pub settled: u64,
    pub valid: u64,
    pub blank: u64,
    pub invalid: u64,
    pub doubtful: u64,
}

impl SelectionDef {
    pub fn plans(&self) -> Vec<Plan> {
        self.plans
            .iter()
            .enumerate()
            .map(|(i, p)| Plan {
                id: i as i64,
                selection_id: self.id,
                code: p.code.clone(),
                title: p.title.clone(),
                description: p.description.clone(),
                cost_cents: p.cost_cents,
                initiator: p.initiator.clone(),
            })
            .collect()
    }

    pub fn tie_break(&self) -> TieBreak {
        match self.tie_break.as_str() {
            "cost_then_votes" => TieBreak::CostThenVotes,
            "given" => TieBreak::Given,
            s => s
                .strip_prefix("lottery:")
                .map(|seed| TieBreak::Lottery { seed: seed.to_string() })
                .unwrap_or(TieBreak::Lexicographic),
        }
    }
}

/// One cast-vote record as exported (`records/ballots.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CvrRow {
    pub serial: String,
    pub box_name: String,
    /// `valid`, `blank`, `invalid` or `doubtful`.
    pub counts_as: String,
    pub doubtful: String,
    pub committee: String,
    pub marks: Marks,
}

/// Read `records/ballots.csv`; `Err` names the row that cannot be read.
pub fn parse_cvr(text: &str) -> Result<Vec<CvrRow>, String> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rdr.headers().map_err(|e| e.to_string())?.iter().map(String::from).collect();
    // Public records have no serial column (see `cvr::Records`).
    const COLUMNS: [&str; 5] = ["box", "counts_as", "doubtful", "committee", "findings"];
    let k = if header.first().map(String::as_str) == Some("serial") { 1 } else { 0 };
    if header.len() < k + 5 || header[k..k + 5] != COLUMNS {
        return Err("header".into());
    }
    let codes = header[k + 5..].to_vec();
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("row {}: {e}", i + 2))?;
        if rec.len() != header.len() {
            return Err(format!("row {}", i + 2));
        }
        let mut marks = Vec::new();
        for (j, code) in codes.iter().enumerate() {
            let cell = rec[k + 5 + j].trim();
            if !cell.is_empty() {
                marks.push((code.clone(), cell.parse::<u32>().map_err(|_| format!("row {}, {code}", i + 2))?));
            }
        }
        rows.push(CvrRow {
            serial: if k == 1 { rec[0].to_string() } else { format!("#{}", i + 1) },
            box_name: rec[k].to_string(),
            counts_as: rec[k + 1].to_string(),
            doubtful: rec[k + 2].to_string(),
            committee: rec[k + 3].to_string(),
            marks: Marks { marks },
        });
    }
    Ok(rows)
}

/// How a record counts, worked out again from its marks and the selection's
/// rules, the volunteer's doubt and the committee's decision.
pub fn recount_row(
    style: &BallotStyle,
    rules: &EntryRules,
    codes: &[String],
    row: &CvrRow,
) -> Result<Option<Verdict>, String> {
    let (verdict, _, rule_doubt) = ballot::judge_with(style, codes, &row.marks, rules).map_err(|e| e.to_string())?;
    let doubtful = !row.doubtful.is_empty() || !rule_doubt.is_empty();
    Ok(match (doubtful, row.committee.as_str()) {
        (false, _) => Some(verdict),
        (true, "") => None,
        (true, "invalid") => Some(Verdict::Invalid),
        (true, _) => Some(if row.marks.marks.iter().any(|(_, v)| *v > 0) { Verdict::Valid } else { Verdict::Blank }),
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportPlan {
    pub code: String,
    pub title: String,
    /// The exact score as shown, when it is not a whole number of votes or
    /// points (gesprekstafels); `points` then holds hundredths, for the bar.
    #[serde(default)]
    pub score_text: Option<String>,
    pub cost_cents: i64,
    pub votes: u64,
    pub points: u64,
    /// Of `points`, the online vote's, when the count had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online: Option<u64>,
    pub funded: bool,
}

/// What the report says, in its language. `results.json` in the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportData {
    pub format: String,
    pub lang: String,
    pub selection_id: i64,
    pub edition: String,
    pub wijk: String,
    pub method: String,
    pub budget_cents: i64,
    pub rule: String,
    pub rule_text: String,
    pub tie_break_text: String,
    pub ballot_style: String,
    /// (key, value): printed, settled, valid, blank, invalid, doubtful.
    pub counts: Vec<(String, u64)>,
    /// Highest score first.
    pub plans: Vec<ReportPlan>,
    pub funded: Vec<String>,
    pub funded_cost_cents: i64,
    pub budget_left_cents: i64,
    pub ties: Vec<String>,
    pub explanation: Vec<String>,
    /// Ballot boxes: name, expected, settled, and why it closed anyway.
    pub boxes: Vec<(String, u64, u64, Option<String>)>,
    /// Committee decisions and explained warnings, one line each.
    pub notes: Vec<String>,
    /// When the count closed and who entered and decided.
    #[serde(default)]
    pub count: CountRecord,
    /// Offline stemmen: the numbers per ballot box (ballots without a box under "—").
    #[serde(default)]
    pub box_counts: Vec<BoxCount>,
}

pub const REPORT_FORMAT: &str = "wijkstem-report/2";

/// The report's content from the selection and its records. Pure. A record
/// whose `counts_as` disagrees with its marks is an error naming it.
pub fn compute(def: &SelectionDef, cvr: &[CvrRow], reviews: &[ReviewItem]) -> Result<ReportData, String> {
    let lang = Lang::from_code(&def.lang);
    let paper = def.paper.as_ref().ok_or("no ballot style")?;
    let plans = def.plans();
    let codes: Vec<String> = plans.iter().map(|p| p.code.clone()).collect();
    let mut counted = Vec::with_capacity(cvr.len());
    let mut online = Vec::new();
    let mut box_counts: Vec<BoxCount> = def
        .boxes
        .iter()
        .map(|b| BoxCount { name: b.name.clone(), expected: b.expected, ..Default::default() })
        .collect();
    for row in cvr {
        let v = recount_row(&paper.style, &paper.rules, &codes, row).map_err(|e| format!("{}: {e}", row.serial))?;
        let name = if row.box_name.is_empty() { "—" } else { row.box_name.as_str() };
        let at = match box_counts.iter().position(|b| b.name == name) {
            Some(i) => i,
            None => {
                box_counts.push(BoxCount { name: name.to_string(), ..Default::default() });
                box_counts.len() - 1
            }
        };
        let b = &mut box_counts[at];
        b.settled += 1;
        match row.counts_as.as_str() {
            "valid" => b.valid += 1,
            "blank" => b.blank += 1,
            "invalid" => b.invalid += 1,
            _ => b.doubtful += 1,
        }
        if verdict_word(v) != row.counts_as {
            return Err(format!(
                "{}: recorded as {}, its marks and decisions make it {}",
                row.serial,
                row.counts_as,
                verdict_word(v)
            ));
        }
        if row.box_name == crate::paper::online::ONLINE {
            online.push((v, &row.marks));
        }
        counted.push((v, &row.marks));
    }
    // The online vote's part of each plan's score, shown beside the total.
    let online_points = (!online.is_empty())
        .then(|| count_ballots(def.budget_cents, &plans, &paper.style, online.into_iter()).0.points());
    let (election, c) = count_ballots(def.budget_cents, &plans, &paper.style, counted.into_iter());
    let rule = rule_by_name(&def.rule, &paper.style).ok_or_else(|| format!("unknown rule {}", def.rule))?;
    let tb = def.tie_break();
    let outcome = rules::run(&election, &rule, &tb);
    let (votes, points) = (election.approvals(), election.points());
    let mut rows: Vec<ReportPlan> = plans
        .iter()
        .enumerate()
        .map(|(i, p)| ReportPlan {
            code: p.code.clone(),
            title: p.title.clone(),
            score_text: None,
            cost_cents: p.cost_cents,
            votes: votes[i],
            points: points[i],
            online: online_points.as_ref().map(|o| o[i]),
            funded: outcome.selected.contains(&i),
        })
        .collect();
    rows.sort_by(|a, b| b.points.cmp(&a.points).then(b.votes.cmp(&a.votes)).then(a.code.cmp(&b.code)));
    let mut funded: Vec<String> = outcome.ids(&election).into_iter().map(String::from).collect();
    funded.sort();
    let notes = reviews
        .iter()
        .filter_map(|r| {
            let mut p = std::collections::BTreeMap::new();
            p.insert("code".to_string(), r.code.clone());
            p.insert("explanation".to_string(), r.explanation.clone().unwrap_or_default());
            p.insert("by".to_string(), r.by.clone().unwrap_or_default());
            match (r.kind.as_str(), r.decision.as_deref()) {
                ("doubtful", Some(d)) => {
                    Some(tr(lang, if d == "valid" { "report.note_accepted" } else { "report.note_rejected" }, &p))
                }
                ("warning", _) if r.explanation.is_some() => Some(tr(lang, "report.note_warning", &p)),
                _ => None,
            }
        })
        .collect();
    Ok(ReportData {
        format: REPORT_FORMAT.into(),
        lang: def.lang.clone(),
        selection_id: def.id,
        edition: def.edition.clone(),
        wijk: def.wijk.clone(),
        method: def.method.clone(),
        budget_cents: def.budget_cents,
        rule: def.rule.clone(),
        rule_text: t(lang, &format!("report.rule_{}", def.rule)),
        tie_break_text: explain::tie_break(&tb, lang),
        ballot_style: crate::pdf::instruction(&paper.style, lang),
        counts: vec![
            ("printed".into(), def.printed),
            ("settled".into(), cvr.len() as u64),
            ("valid".into(), c.valid),
            ("blank".into(), c.blank),
            ("invalid".into(), c.invalid),
            ("doubtful".into(), c.doubtful),
        ],
        plans: rows,
        funded,
        funded_cost_cents: outcome.total_cost,
        budget_left_cents: def.budget_cents - outcome.total_cost,
        ties: outcome.ties.iter().map(|t| explain::render_tie(t, lang)).collect(),
        explanation: outcome.steps.iter().map(|s| explain::render_euro(&election, s, lang)).collect(),
        boxes: def.boxes.iter().map(|b| (b.name.clone(), b.expected, b.settled, b.override_reason.clone())).collect(),
        notes,
        count: def.count.clone(),
        box_counts,
    })
}
