//! Offline stemmen: ballot style, printing serials, entering ballots (single
//! or double entry), and the tally. Storage side of `ballot`.

pub mod ballot;
pub mod boxes;
pub mod entry;
pub mod event;
pub mod online;
pub mod review;

use std::collections::{BTreeMap, HashSet};

use rand::Rng;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::i18n::Lang;
use crate::paper::ballot::{BallotStyle, EntryRules, Finding, Marks, PrintedPlan, Serial, Verdict};
use crate::problem::{Failure, Problem};
use crate::rules::{self, Ballot, Election, GreedyScore, Outcome, Project, Rule, Satisfaction, TieBreak};
use crate::selection::{Method, Plan, Selection};
use crate::storage::store::{Store, StoreError};

pub mod store;
pub use event::PaperEvent;

/// A volunteer's entry as stored: the receipt the screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct EntryReceipt {
    pub serial: String,
    pub entry_no: u8,
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    /// Double entry: `waiting` for the second entry, `agreed`, or `differs`.
    pub double_entry: Option<String>,
    /// Set aside for the committee: the volunteer's reason or the finding codes.
    pub doubtful: Option<String>,
}

/// Everything the entry screen shows, read in one call: after each ballot
/// the screen asks for this alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct EntryScreen {
    /// `None`: no ballot style yet, so nothing can be entered.
    pub settings: Option<PaperSettings>,
    pub progress: boxes::ProgressView,
    pub boxes: Vec<boxes::BoxView>,
    pub rechecks: Vec<review::Recheck>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PaperSettings {
    pub style: BallotStyle,
    pub double_entry: bool,
    /// Which findings make a ballot invalid or doubtful.
    #[serde(default)]
    pub rules: EntryRules,
}

fn p(code: &str) -> Problem {
    Problem::new(code)
}

fn sel_plans(db: crate::storage::store::Db<'_>, selection_id: i64) -> Result<(Selection, Vec<Plan>), Failure> {
    let sel = crate::selection::read(db, selection_id)?;
    let plans = crate::selection::plans(db, selection_id)?;
    Ok((sel, plans))
}

pub(crate) fn printed_plans(plans: &[Plan]) -> Vec<PrintedPlan> {
    printed(plans)
}

fn printed(plans: &[Plan]) -> Vec<PrintedPlan> {
    plans
        .iter()
        .map(|p| PrintedPlan { code: p.code.clone(), title: p.title.clone(), cost_cents: p.cost_cents })
        .collect()
}

/// How many ballots counted which way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub valid: u64,
    pub blank: u64,
    pub invalid: u64,
    /// Waiting for the committee: not counted.
    pub doubtful: u64,
}

/// The election the rules see from settled ballots, each with how it counts
/// (`None` = doubtful, undecided). Pure: the bundle verifier recomputes a
/// result with the same function from the exported records.
pub fn count_ballots<'a>(
    budget_cents: i64,
    plans: &[Plan],
    style: &BallotStyle,
    ballots: impl Iterator<Item = (Option<Verdict>, &'a Marks)>,
) -> (Election, Counts) {
    let index: BTreeMap<&str, u32> = plans.iter().enumerate().map(|(i, p)| (p.code.as_str(), i as u32)).collect();
    let mut merged: BTreeMap<Vec<(u32, u64)>, u64> = BTreeMap::new();
    let mut c = Counts::default();
    for (verdict, marks) in ballots {
        match verdict {
            // The committee decides doubtful ballots; until then they do not count.
            None => c.doubtful += 1,
            Some(Verdict::Blank) => c.blank += 1,
            Some(Verdict::Invalid) => c.invalid += 1,
            Some(Verdict::Valid) => {
                c.valid += 1;
                let mut items: Vec<(u32, u64)> = marks
                    .marks
                    .iter()
                    .filter(|(_, v)| *v > 0)
                    .filter_map(|(code, v)| {
                        index
                            .get(code.as_str())
                            .map(|&i| (i, if matches!(style, BallotStyle::Points { .. }) { *v as u64 } else { 1 }))
                    })
                    .collect();
                items.sort();
                *merged.entry(items).or_default() += 1;
            }
        }
    }
    let election = Election {
        budget: budget_cents,
        projects: plans.iter().map(|p| Project { id: p.code.clone(), cost: p.cost_cents }).collect(),
        ballots: merged.into_iter().map(|(items, weight)| Ballot { weight, items }).collect(),
        unit_scale: 100,
    };
    (election, c)
}

/// Marks in one canonical form (sorted by code, zero marks dropped), so two
/// entries of the same ballot compare equal exactly when they agree.
pub fn canonical_marks(m: &Marks) -> String {
    let mut v: Vec<(String, u32)> = m.marks.iter().filter(|(_, x)| *x > 0).cloned().collect();
    v.sort();
    serde_json::to_string(&Marks { marks: v }).expect("plain data serialises")
}

#[derive(Debug, Clone)]
pub struct CountedBallot {
    pub serial: String,
    pub marks: Marks,
    pub verdict: Verdict,
    pub doubtful: Option<String>,
    pub box_id: Option<i64>,
    /// The committee's decision on a doubtful ballot.
    pub decision: Option<Verdict>,
    pub findings: Vec<Finding>,
}

impl CountedBallot {
    /// How the ballot counts now: doubtful ballots wait for the committee
    /// (`None`); an accepted one counts as its marks read (blank stays blank).
    pub fn counts_as(&self) -> Option<Verdict> {
        match (&self.doubtful, self.decision) {
            (None, _) => Some(self.verdict),
            (Some(_), None) => None,
            (Some(_), Some(Verdict::Invalid)) => Some(Verdict::Invalid),
            (Some(_), Some(_)) => {
                Some(if self.marks.marks.iter().any(|(_, v)| *v > 0) { Verdict::Valid } else { Verdict::Blank })
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Tally {
    pub printed: u64,
    pub valid: u64,
    pub blank: u64,
    pub invalid: u64,
    pub doubtful: u64,
    pub reconciliation_queue: u64,
    pub votes: Vec<u64>,
    pub points: Vec<u64>,
    /// Of those, the online vote's (`paper::online`): valid ballots and votes per plan.
    pub online_valid: u64,
    pub online_votes: Vec<u64>,
    pub outcome: Outcome,
    pub election: Election,
}

/// The default rule for a paper-ballot selection: greedy by votes (or
/// points), funding only plans that at least one resident voted for. (The
/// pabulib `greedy` would also fund an unvoted plan that still fits; a
/// neighbourhood would not call that chosen.)
pub fn default_rule(style: &BallotStyle) -> Rule {
    let score = match style {
        BallotStyle::Points { .. } => GreedyScore::Points,
        _ => GreedyScore::Approvals,
    };
    Rule::GreedyThreshold { score, min_score: 1 }
}

pub fn rule_by_name(name: &str, style: &BallotStyle) -> Option<Rule> {
    let sat = if matches!(style, BallotStyle::Points { .. }) { Satisfaction::Points } else { Satisfaction::Cost };
    Some(match name {
        "greedy" => default_rule(style),
        "mes" => Rule::Mes { sat },
        "mes_add1" => Rule::MesAdd1 { sat, variant: rules::Add1Variant::Pabutools },
        "mes_add1_greedy" => Rule::MesAdd1Greedy { sat, variant: rules::Add1Variant::Pabutools },
        other => return Rule::parse(other),
    })
}

/// Parse a marks list as typed in bulk entry: `MM01,MM03` or `MM01=3,MM02=2`; `-` is blank.
pub fn parse_marks(text: &str) -> Result<Marks, Failure> {
    let t = text.trim();
    if t.is_empty() || t == "-" {
        return Ok(Marks { marks: vec![] });
    }
    let mut marks = Vec::new();
    for part in t.split(',') {
        let part = part.trim();
        let (code, v) = match part.split_once('=') {
            Some((c, v)) => (
                c.trim(),
                v.trim().parse::<u32>().map_err(|_| Failure::from(p("paper.bad_marks").with("marks", part)))?,
            ),
            None => (part, 1),
        };
        if code.is_empty() {
            return Err(p("paper.bad_marks").with("marks", part).into());
        }
        marks.push((code.to_string(), v));
    }
    Ok(Marks { marks })
}

/// The tally as the screens show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TallyView {
    #[ts(type = "number")]
    pub printed: u64,
    #[ts(type = "number")]
    pub valid: u64,
    #[ts(type = "number")]
    pub blank: u64,
    #[ts(type = "number")]
    pub invalid: u64,
    #[ts(type = "number")]
    pub doubtful: u64,
    #[ts(type = "number")]
    pub reconciliation_queue: u64,
    /// Of `valid`, the online vote's.
    #[ts(type = "number")]
    pub online_valid: u64,
    pub plans: Vec<TallyPlan>,
    #[ts(type = "number")]
    pub funded_cost_cents: i64,
    #[ts(type = "number")]
    pub budget_cents: i64,
    pub explanation: Vec<String>,
    pub ties: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TallyPlan {
    pub code: String,
    pub title: String,
    #[ts(type = "number")]
    pub cost_cents: i64,
    #[ts(type = "number")]
    pub votes: u64,
    #[ts(type = "number")]
    pub points: u64,
    /// Of `votes`, those of the online vote (the rest are paper).
    #[ts(type = "number")]
    pub online_votes: u64,
    pub funded: bool,
}

impl Tally {
    pub fn view(&self, plans: &[Plan], lang: Lang) -> TallyView {
        let e = &self.election;
        let mut rows: Vec<TallyPlan> = e
            .projects
            .iter()
            .enumerate()
            .map(|(i, p)| TallyPlan {
                code: p.id.clone(),
                title: plans.iter().find(|x| x.code == p.id).map(|x| x.title.clone()).unwrap_or_default(),
                cost_cents: p.cost,
                votes: self.votes[i],
                points: self.points[i],
                online_votes: self.online_votes.get(i).copied().unwrap_or(0),
                funded: self.outcome.selected.contains(&i),
            })
            .collect();
        rows.sort_by(|a, b| b.points.cmp(&a.points).then(b.votes.cmp(&a.votes)).then(a.code.cmp(&b.code)));
        TallyView {
            printed: self.printed,
            valid: self.valid,
            blank: self.blank,
            invalid: self.invalid,
            doubtful: self.doubtful,
            reconciliation_queue: self.reconciliation_queue,
            online_valid: self.online_valid,
            plans: rows,
            funded_cost_cents: self.outcome.total_cost,
            budget_cents: e.budget,
            explanation: self.outcome.steps.iter().map(|s| crate::explain::render_euro(e, s, lang)).collect(),
            ties: self.outcome.ties.iter().map(|t| crate::explain::render_tie(t, lang)).collect(),
        }
    }
}

/// Where printed PDFs go: `WIJKSTEM_EXPORT_DIR`, else Documents/Wijkstem
/// (the home folder's Wijkstem when there is no Documents folder).
pub fn export_dir() -> std::path::PathBuf {
    if let Some(d) = std::env::var_os("WIJKSTEM_EXPORT_DIR") {
        return d.into();
    }
    // Documents/Wijkstem; without a Documents folder, Wijkstem in the home
    // folder (never the temporary folder, which a restart empties).
    directories::UserDirs::new()
        .and_then(|u| u.document_dir().map(|d| d.join("Wijkstem")).or_else(|| Some(u.home_dir().join("Wijkstem"))))
        .unwrap_or_else(|| std::env::temp_dir().join("Wijkstem"))
}

/// Two sign-in names of one person: "Anna", "anna" and " Anna  " are the same
/// volunteer for double entry, and so are "Chloë" typed as one character or
/// as "e" and a combining diaeresis (compared after trimming, folding runs of
/// spaces, Unicode normalisation NFKC and case).
pub fn same_person(a: &str, b: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let norm = |s: &str| s.nfkc().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    norm(a) == norm(b)
}
