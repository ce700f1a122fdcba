//! Exports of a paper count: the cast-vote records (one row per counted
//! ballot, as the committee counted it) and a pabulib `.pb` file that other
//! tools (pabutools, pabulib) read.

use crate::storage::store::Db;
use std::collections::BTreeMap;

use crate::pabulib::{PbFile, VoteType};
use crate::paper::ballot::{BallotStyle, Serial, Verdict};
use crate::paper::{CountedBallot, PaperSettings};
use crate::problem::{Failure, Problem};
use crate::selection::{Plan, Selection};
use crate::storage::store::Store;

/// Euro cents as pabulib writes amounts: whole euros, or with two decimals.
fn pb_amount(cents: i64) -> String {
    if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{}.{:02}", cents / 100, cents % 100)
    }
}

/// How a record's `counts_as` column names a verdict (`None` = doubtful).
pub fn verdict_word(v: Option<Verdict>) -> &'static str {
    match v {
        Some(Verdict::Valid) => "valid",
        Some(Verdict::Blank) => "blank",
        Some(Verdict::Invalid) => "invalid",
        None => "doubtful",
    }
}

/// What the exports are made from, read once.
pub struct CountInputs {
    pub sel: Selection,
    pub plans: Vec<Plan>,
    pub settings: PaperSettings,
    pub counted: Vec<CountedBallot>,
    pub box_names: BTreeMap<i64, String>,
}

impl Store {}

pub fn count_inputs(db: Db<'_>, selection_id: i64) -> Result<CountInputs, Failure> {
    let mut stmt = db.conn.prepare("SELECT id, name FROM ballot_box WHERE selection_id = ?1").map_err(|e| db.err(e))?;
    let box_names = stmt
        .query_map([selection_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(|e| db.err(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| db.err(e))?;
    Ok(CountInputs {
        sel: crate::selection::read(db, selection_id)?,
        plans: crate::selection::list_plans(db, selection_id)?,
        settings: crate::paper::store::paper_settings(db, selection_id)?
            .ok_or_else(|| Failure::from(Problem::new("paper.no_style")))?,
        counted: {
            // Paper, then the online vote (its own line, `paper::online`).
            let mut c = crate::paper::store::counted_entries(db, selection_id)?;
            c.extend(crate::paper::online::counted(db, selection_id)?);
            c
        },
        box_names: {
            let mut names: BTreeMap<i64, String> = box_names;
            names.insert(crate::paper::online::ONLINE_BOX, crate::paper::online::ONLINE.to_string());
            names
        },
    })
}

/// Cast-vote records as CSV (see `cvr_csv`).
pub fn export_cvr(db: Db<'_>, selection_id: i64, which: Records) -> Result<String, Failure> {
    cvr_csv(&count_inputs(db, selection_id)?, which)
}

/// The counted valid ballots as a pabulib file (see `pabulib_text`).
pub fn export_pabulib(db: Db<'_>, selection_id: i64) -> Result<String, Failure> {
    pabulib_text(&count_inputs(db, selection_id)?)
}

/// A cell a spreadsheet would take as a formula (`=`, `+`, `-`, `@`, tab,
/// carriage return first) gets a leading apostrophe, so opening the export
/// never runs what someone typed into a box name or a doubt.
pub fn spreadsheet_safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Which cast-vote records: the public ones, in which nobody who knows a
/// printed serial can find that ballot, or the committee's, with serials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Records {
    /// No serial; rows sorted by their content, so neither the entry order
    /// nor a serial ties a row to a ballot.
    Public,
    /// With the serial of each ballot, in entry order (internal export).
    WithSerials,
}

/// Cast-vote records as CSV: (serial,) box, how it counts, the committee's
/// decision and the volunteer's doubt, the finding codes, and one column
/// per plan (1 for a cross, the points, or the rank). Ballots whose
/// double entry is not settled are not records yet and are left out.
pub fn cvr_csv(ci: &CountInputs, which: Records) -> Result<String, Failure> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut header = vec![
        "serial".to_string(),
        "box".into(),
        "counts_as".into(),
        "doubtful".into(),
        "committee".into(),
        "findings".into(),
    ];
    header.extend(ci.plans.iter().map(|p| p.code.clone()));
    let io = |e: csv::Error| Failure::from(Problem::new("export.failed").with("detail", e));
    if which == Records::Public {
        header.remove(0);
    }
    w.write_record(header.iter().map(|c| spreadsheet_safe(c))).map_err(io)?;
    let mut rows = Vec::with_capacity(ci.counted.len());
    for b in &ci.counted {
        let box_name = b.box_id.and_then(|id| ci.box_names.get(&id)).cloned().unwrap_or_default();
        let mut row = vec![
            // An online vote has no serial (`paper::online`).
            if b.serial.is_empty() { String::new() } else { Serial(b.serial.clone()).display() },
            box_name,
            verdict_word(b.counts_as()).to_string(),
            b.doubtful.clone().unwrap_or_default(),
            b.decision.map(|d| verdict_word(Some(d)).to_string()).unwrap_or_default(),
            b.findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>().join(" "),
        ];
        row.extend(
            ci.plans.iter().map(|p| {
                b.marks.marks.iter().find(|(c, _)| *c == p.code).map(|(_, v)| v.to_string()).unwrap_or_default()
            }),
        );
        if which == Records::Public {
            row.remove(0);
        }
        rows.push(row);
    }
    if which == Records::Public {
        rows.sort();
    }
    for row in rows {
        w.write_record(row.iter().map(|c| spreadsheet_safe(c))).map_err(io)?;
    }
    Ok(String::from_utf8(w.into_inner().map_err(|e| Failure::from(Problem::new("export.failed").with("detail", e)))?)
        .expect("csv of strings"))
}

/// The counted valid ballots as a pabulib file. Votes are sorted by content
/// and numbered 1, 2, …: no serial, no entry order.
pub fn pabulib_text(ci: &CountInputs) -> Result<String, Failure> {
    let (sel, plans, settings) = (&ci.sel, &ci.plans, &ci.settings);
    let (election, _) = crate::paper::count_ballots(
        sel.budget_cents,
        plans,
        &settings.style,
        ci.counted.iter().map(|b| (b.counts_as(), &b.marks)),
    );
    let outcome = crate::rules::run(
        &election,
        &crate::paper::default_rule(&settings.style),
        &crate::rules::TieBreak::Lexicographic,
    );
    let (votes, points) = (election.approvals(), election.points());
    let (vote_type, extra_meta) = match settings.style {
        BallotStyle::Approval { min, max } => (
            VoteType::Approval,
            vec![("min_length".to_string(), min.to_string()), ("max_length".into(), max.to_string())],
        ),
        BallotStyle::Points { total, max_per_plan } => (
            VoteType::Cumulative,
            vec![("max_sum_points".to_string(), total.to_string()), ("max_points".into(), max_per_plan.to_string())],
        ),
        BallotStyle::Ranking { top } => (VoteType::Ordinal, vec![("max_length".to_string(), top.to_string())]),
    };
    let mut vote_rows = Vec::new();
    for b in &ci.counted {
        if b.counts_as() != Some(Verdict::Valid) {
            continue;
        }
        let mut marks: Vec<(String, u32)> = b.marks.marks.iter().filter(|(_, v)| *v > 0).cloned().collect();
        match vote_type {
            // An ordinal vote lists plans best first.
            VoteType::Ordinal => marks.sort_by_key(|(_, v)| *v),
            _ => marks.sort(),
        }
        let ids = marks.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(",");
        let mut row = vec![String::new(), ids];
        if vote_type == VoteType::Cumulative {
            row.push(marks.iter().map(|(_, v)| v.to_string()).collect::<Vec<_>>().join(","));
        }
        vote_rows.push(row);
    }
    vote_rows.sort();
    for (i, row) in vote_rows.iter_mut().enumerate() {
        row[0] = (i + 1).to_string();
    }
    let mut meta = vec![
        ("description".to_string(), format!("Wijkbudget {} — {}", sel.edition, sel.wijk)),
        ("country".into(), "Belgium".into()),
        ("unit".into(), "Gent".into()),
        ("subunit".into(), sel.wijk.clone()),
        ("instance".into(), sel.edition.clone()),
        ("num_projects".into(), plans.len().to_string()),
        ("num_votes".into(), vote_rows.len().to_string()),
        ("budget".into(), pb_amount(sel.budget_cents)),
        ("vote_type".into(), vote_type.as_str().to_string()),
        ("rule".into(), "greedy-threshold".into()),
        ("currency".into(), "EUR".into()),
        ("language".into(), "nl".into()),
    ];
    meta.extend(extra_meta);
    let mut vote_columns = vec!["voter_id".to_string(), "vote".to_string()];
    if vote_type == VoteType::Cumulative {
        vote_columns.push("points".into());
    }
    let file = PbFile {
        meta,
        project_columns: vec![
            "project_id".into(),
            "cost".into(),
            "votes".into(),
            "score".into(),
            "name".into(),
            "selected".into(),
        ],
        project_rows: plans
            .iter()
            .enumerate()
            .map(|(i, p)| {
                vec![
                    p.code.clone(),
                    pb_amount(p.cost_cents),
                    votes[i].to_string(),
                    points[i].to_string(),
                    p.title.clone(),
                    if outcome.selected.contains(&i) { "1" } else { "0" }.to_string(),
                ]
            })
            .collect(),
        vote_type,
        ballots: vec![],
        num_votes: vote_rows.len() as u64,
        vote_columns,
        vote_rows,
        warnings: Vec::new(),
    };
    let mut out = Vec::new();
    file.write(&mut out).map_err(|e| Failure::from(Problem::new("export.failed").with("detail", e)))?;
    Ok(String::from_utf8(out).expect("utf-8 cells"))
}
