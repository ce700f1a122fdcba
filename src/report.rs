//! The result report (proces-verbaal): what it says (`ReportData`, computed
//! by a pure function from the selection and its records, so the bundle
//! verifier can recompute it) and how it prints (A4 PDF, byte-stable).

use serde::{Deserialize, Serialize};

use crate::ballot::{self, BallotStyle, EntryRules, Marks, Verdict};
use crate::batch::BoxView;
use crate::cvr::verdict_word;
use crate::i18n::{t, tr, Lang};
use crate::money::format_euro;
use crate::paper::{count_ballots, rule_by_name, PaperSettings};
use crate::pdf::{Canvas, Doc, A4_H, A4_W};
use crate::review::ReviewItem;
use crate::rules::{self, explain, TieBreak};
use crate::selection::Plan;

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
    if header.len() < 6 || header[..6] != ["serial", "box", "counts_as", "doubtful", "committee", "findings"] {
        return Err("header".into());
    }
    let codes = header[6..].to_vec();
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("row {}: {e}", i + 2))?;
        if rec.len() != header.len() {
            return Err(format!("row {}", i + 2));
        }
        let mut marks = Vec::new();
        for (j, code) in codes.iter().enumerate() {
            let cell = rec[6 + j].trim();
            if !cell.is_empty() {
                marks.push((code.clone(), cell.parse::<u32>().map_err(|_| format!("row {}, {code}", i + 2))?));
            }
        }
        rows.push(CvrRow {
            serial: rec[0].to_string(),
            box_name: rec[1].to_string(),
            counts_as: rec[2].to_string(),
            doubtful: rec[3].to_string(),
            committee: rec[4].to_string(),
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
}

pub const REPORT_FORMAT: &str = "wijkstem-report/1";

/// The report's content from the selection and its records. Pure. A record
/// whose `counts_as` disagrees with its marks is an error naming it.
pub fn compute(def: &SelectionDef, cvr: &[CvrRow], reviews: &[ReviewItem]) -> Result<ReportData, String> {
    let lang = Lang::from_code(&def.lang);
    let paper = def.paper.as_ref().ok_or("no ballot style")?;
    let plans = def.plans();
    let codes: Vec<String> = plans.iter().map(|p| p.code.clone()).collect();
    let mut counted = Vec::with_capacity(cvr.len());
    for row in cvr {
        let v = recount_row(&paper.style, &paper.rules, &codes, row).map_err(|e| format!("{}: {e}", row.serial))?;
        if verdict_word(v) != row.counts_as {
            return Err(format!(
                "{}: recorded as {}, its marks and decisions make it {}",
                row.serial,
                row.counts_as,
                verdict_word(v)
            ));
        }
        counted.push((v, &row.marks));
    }
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
            p.insert("serial".to_string(), r.serial.clone());
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
        tie_break_text: tb.describe(lang),
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
    })
}

/// What the footer of every page prints: the bundle's content hash and the
/// signing key, also as a QR code (`WSRES1:<hash>:<key id>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Footer {
    pub content_hash: String,
    pub key_id: String,
}

/// A flowing A4 layout: lines go down the page and a new page starts when
/// the space runs out. Every page gets the footer.
struct Flow<'a> {
    doc: Doc,
    page: Option<Canvas>,
    y: f32,
    footer: &'a Footer,
    lang: Lang,
    pages: u32,
}

const LEFT: f32 = 18.0;
const BOTTOM: f32 = 42.0;

impl Flow<'_> {
    fn canvas(&mut self) -> &mut Canvas {
        if self.page.is_none() {
            self.page = Some(self.doc.canvas());
            self.y = A4_H - 20.0;
            self.pages += 1;
        }
        self.page.as_mut().expect("a page is open")
    }

    fn need(&mut self, mm: f32) {
        if self.page.is_some() && self.y - mm < BOTTOM {
            self.end_page();
        }
        self.canvas();
    }

    fn end_page(&mut self) {
        if let Some(mut c) = self.page.take() {
            let f = self.footer;
            let mut p = std::collections::BTreeMap::new();
            p.insert("hash".to_string(), f.content_hash.clone());
            p.insert("key".to_string(), f.key_id.clone());
            p.insert("page".to_string(), self.pages.to_string());
            c.fill(LEFT, 36.0, A4_W - 2.0 * LEFT, 0.3, 0.5);
            c.wrapped(LEFT, 31.0, 140.0, 7.5, false, &tr(self.lang, "report.footer", &p));
            c.qr(A4_W - LEFT - 26.0, 6.0, 26.0, &format!("WSRES1:{}:{}", f.content_hash.to_uppercase(), f.key_id));
            self.doc.push(c);
        }
    }

    fn line(&mut self, size: f32, bold: bool, text: &str) {
        let lines = crate::pdf::layout::wrap(text, A4_W - 2.0 * LEFT, size, bold);
        for l in lines {
            let h = size * 0.3528 * 1.45;
            self.need(h);
            let y = self.y;
            self.canvas().text(LEFT, y, size, bold, &l);
            self.y -= h;
        }
    }

    fn gap(&mut self, mm: f32) {
        self.y -= mm;
    }
}

/// The report as a byte-stable A4 PDF.
pub fn render(d: &ReportData, footer: &Footer) -> Vec<u8> {
    let lang = Lang::from_code(&d.lang);
    let mut p = std::collections::BTreeMap::new();
    p.insert("edition".to_string(), d.edition.clone());
    p.insert("wijk".to_string(), d.wijk.clone());
    let title = tr(lang, "report.title", &p);
    let mut f = Flow { doc: Doc::new(&title), page: None, y: 0.0, footer, lang, pages: 0 };
    f.line(18.0, true, &title);
    f.line(13.0, false, &d.wijk);
    f.gap(3.0);
    let kv = |k: &str, v: &str| format!("{}: {v}", t(lang, k));
    f.line(10.0, false, &kv("report.method", &t(lang, &format!("method.{}", d.method))));
    f.line(10.0, false, &kv("report.style", &d.ballot_style));
    f.line(10.0, false, &kv("report.rule", &d.rule_text));
    f.line(10.0, false, &kv("report.tie_break", &d.tie_break_text));
    f.line(10.0, false, &kv("report.budget", &format_euro(d.budget_cents, lang)));
    f.gap(2.0);
    let counts: Vec<String> =
        d.counts.iter().map(|(k, v)| format!("{} {v}", t(lang, &format!("report.count_{k}")))).collect();
    f.line(10.0, true, &counts.join(" · "));
    f.gap(4.0);

    // The plans: table with a bar for each score.
    f.line(12.0, true, &t(lang, "report.plans"));
    // Points for a points ballot; for crosses and rankings each mark is one point.
    let max = d.plans.iter().map(|p| p.points).max().unwrap_or(0).max(1);
    for p in &d.plans {
        f.need(7.0);
        let y = f.y;
        let score = p.points;
        let c = f.canvas();
        if p.funded {
            c.fill(LEFT - 1.5, y - 2.0, A4_W - 2.0 * LEFT + 3.0, 6.2, 0.9);
        }
        c.text(LEFT, y, 9.0, p.funded, &p.code);
        let title: String =
            crate::pdf::layout::wrap(&p.title, 62.0, 9.0, p.funded).into_iter().next().unwrap_or_default();
        c.text(LEFT + 16.0, y, 9.0, p.funded, &title);
        c.text(LEFT + 86.0, y, 9.0, false, &format_euro(p.cost_cents, lang));
        let bar = 40.0 * score as f32 / max as f32;
        c.fill(LEFT + 116.0, y - 0.6, bar.max(0.3), 3.6, 0.35);
        c.text(LEFT + 118.0 + bar, y, 9.0, false, &p.score_text.clone().unwrap_or_else(|| score.to_string()));
        if p.funded {
            c.text(A4_W - LEFT - 10.0, y, 9.0, true, "✓");
        }
        f.y -= 6.4;
    }
    f.gap(3.0);
    let mut m = std::collections::BTreeMap::new();
    m.insert("total".to_string(), format_euro(d.funded_cost_cents, lang));
    m.insert("left".to_string(), format_euro(d.budget_left_cents, lang));
    m.insert("budget".to_string(), format_euro(d.budget_cents, lang));
    m.insert("plans".to_string(), d.funded.join(", "));
    f.line(11.0, true, &tr(lang, "report.funded", &m));
    f.line(10.0, false, &tr(lang, "report.budget_use", &m));
    f.gap(4.0);

    if !d.ties.is_empty() {
        f.line(12.0, true, &t(lang, "report.ties"));
        for l in &d.ties {
            f.line(9.0, false, &format!("• {l}"));
        }
        f.gap(3.0);
    }
    f.line(12.0, true, &t(lang, "report.explanation"));
    for (i, l) in d.explanation.iter().enumerate() {
        f.line(9.0, false, &format!("{}. {l}", i + 1));
    }
    if !d.boxes.is_empty() {
        f.gap(3.0);
        f.line(12.0, true, &t(lang, "report.boxes"));
        for (name, expected, settled, reason) in &d.boxes {
            let mut bp = std::collections::BTreeMap::new();
            bp.insert("box".to_string(), name.clone());
            bp.insert("expected".to_string(), expected.to_string());
            bp.insert("settled".to_string(), settled.to_string());
            let mut l = tr(lang, "report.box_line", &bp);
            if let Some(r) = reason {
                l.push_str(&format!(" — {}: {r}", t(lang, "report.override")));
            }
            f.line(9.0, false, &format!("• {l}"));
        }
    }
    if !d.notes.is_empty() {
        f.gap(3.0);
        f.line(12.0, true, &t(lang, "report.notes"));
        for l in &d.notes {
            f.line(9.0, false, &format!("• {l}"));
        }
    }
    // Signature lines for the people present.
    f.need(50.0);
    f.gap(4.0);
    f.line(12.0, true, &t(lang, "report.signatures"));
    f.line(9.0, false, &t(lang, "report.signatures_help"));
    for row in 0..2 {
        let y = f.y - 8.0 - row as f32 * 16.0;
        for col in 0..3 {
            let x = LEFT + col as f32 * 58.0;
            let c = f.canvas();
            c.fill(x, y, 52.0, 0.3, 0.0);
            c.text(x, y - 4.0, 7.5, false, &t(lang, "report.signature_line"));
        }
    }
    f.y -= 40.0;
    f.end_page();
    f.doc.finish_stable()
}

/// A confirmed drop-out between rounds: after which round, the threshold, the plans.
pub type Drop = (u32, String, Vec<String>);

/// The report of a gesprekstafels selection from its tables and drop-outs. Pure.
pub fn compute_tables(
    def: &SelectionDef,
    tables: &[crate::tables::TableView],
    drops: &[Drop],
) -> Result<ReportData, String> {
    use crate::tables::{combine, package, Entered, VerdictFormat};
    let lang = Lang::from_code(&def.lang);
    let settings = def.tables.as_ref().ok_or("no verdict format")?;
    let entered: Vec<Entered> = tables
        .iter()
        .filter_map(|t| t.verdict.as_ref().map(|v| Entered { participants: v.participants, values: &v.values }))
        .collect();
    if entered.len() != tables.len() {
        return Err("a table has no verdict".into());
    }
    let scores = combine(&settings.format, &entered);
    let dropped: Vec<String> = drops.iter().flat_map(|d| d.2.clone()).collect();
    let costs: Vec<(String, i64)> = def.plans.iter().map(|p| (p.code.clone(), p.cost_cents)).collect();
    let tb = def.tie_break();
    let (e, outcome) = package(def.budget_cents, &costs, &scores, &dropped, &tb);
    let funded_ids: Vec<&str> = outcome.ids(&e);
    let zero = num_rational::BigRational::from_integer(0.into());
    let mut rows: Vec<(num_rational::BigRational, ReportPlan)> = def
        .plans
        .iter()
        .map(|p| {
            let s = scores.get(&p.code).cloned().unwrap_or_else(|| zero.clone());
            let hundredths = (&s * num_rational::BigRational::from_integer(100.into())).floor().to_integer();
            let plan = ReportPlan {
                code: p.code.clone(),
                title: p.title.clone(),
                score_text: Some(if dropped.contains(&p.code) {
                    format!("{} ({})", rules::decimal(&s, 2), t(lang, "tablesui.dropped_short"))
                } else {
                    rules::decimal(&s, 2)
                }),
                cost_cents: p.cost_cents,
                votes: tables.iter().filter(|t| t.plans.contains(&p.code)).count() as u64,
                points: hundredths.try_into().unwrap_or(0),
                funded: funded_ids.contains(&p.code.as_str()),
            };
            (s, plan)
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.code.cmp(&b.1.code)));
    let mut funded: Vec<String> = funded_ids.iter().map(|s| s.to_string()).collect();
    funded.sort();
    let rounds = tables.iter().map(|t| t.round).max().unwrap_or(0);
    let participants: u64 = tables.iter().filter_map(|t| t.verdict.as_ref()).map(|v| v.participants as u64).sum();
    let mut notes = Vec::new();
    for (after, threshold, codes) in drops {
        let mut m = std::collections::BTreeMap::new();
        m.insert("round".to_string(), after.to_string());
        m.insert("threshold".to_string(), threshold.clone());
        m.insert("codes".to_string(), if codes.is_empty() { "—".into() } else { codes.join(", ") });
        notes.push(tr(lang, "report.note_drop", &m));
    }
    for tv in tables {
        if let Some(v) = &tv.verdict {
            for (code, cond) in &v.conditions {
                let mut m = std::collections::BTreeMap::new();
                m.insert("round".to_string(), tv.round.to_string());
                m.insert("table".to_string(), tv.name.clone());
                m.insert("code".to_string(), code.clone());
                m.insert("conditions".to_string(), cond.clone());
                notes.push(tr(lang, "report.note_conditions", &m));
            }
        }
    }
    let format_text = match settings.format {
        VerdictFormat::Points { per_participant } => {
            tr(lang, "print.table_points", &[("per".to_string(), per_participant.to_string())].into_iter().collect())
        }
        VerdictFormat::Ranking => t(lang, "print.table_ranking"),
        VerdictFormat::Support => t(lang, "print.table_support"),
    };
    Ok(ReportData {
        format: REPORT_FORMAT.into(),
        lang: def.lang.clone(),
        selection_id: def.id,
        edition: def.edition.clone(),
        wijk: def.wijk.clone(),
        method: def.method.clone(),
        budget_cents: def.budget_cents,
        rule: "tables".into(),
        rule_text: t(lang, "tablesui.rule"),
        tie_break_text: tb.describe(lang),
        ballot_style: format_text,
        counts: vec![
            ("rounds".into(), rounds as u64),
            ("tables".into(), tables.len() as u64),
            ("participants".into(), participants),
        ],
        plans: rows.into_iter().map(|(_, p)| p).collect(),
        funded,
        funded_cost_cents: outcome.total_cost,
        budget_left_cents: def.budget_cents - outcome.total_cost,
        ties: outcome.ties.iter().map(|t| explain::render_tie(t, lang)).collect(),
        explanation: outcome.steps.iter().map(|s| explain::render_euro(&e, s, lang)).collect(),
        boxes: vec![],
        notes,
    })
}

/// The report of a panel from its rounds (anonymous votes) and amendments. Pure.
pub fn compute_panel(
    def: &SelectionDef,
    rounds: &[crate::panel::RoundRecord],
    amendments: &[crate::panel::AmendmentRecord],
) -> Result<ReportData, String> {
    use crate::panel::{scores, RoundFormat};
    let lang = Lang::from_code(&def.lang);
    let last =
        rounds.iter().rev().find(|r| r.closed && r.format != RoundFormat::Consent).ok_or("no closed voting round")?;
    let gone: Vec<String> = amendments
        .iter()
        .flat_map(|a| (if a.withdraw { Some(a.plan.clone()) } else { None }).into_iter().chain(a.merge_from.clone()))
        .collect();
    let live: Vec<&PlanDef> = def.plans.iter().filter(|p| !gone.contains(&p.code)).collect();
    let sc = scores(&last.format, &last.votes);
    let costs: Vec<(String, i64)> = live.iter().map(|p| (p.code.clone(), p.cost_cents)).collect();
    let tb = def.tie_break();
    let (e, outcome) = crate::tables::package(def.budget_cents, &costs, &sc, &[], &tb);
    let funded_ids: Vec<&str> = outcome.ids(&e);
    let zero = num_rational::BigRational::from_integer(0.into());
    let mut plans: Vec<ReportPlan> = live
        .iter()
        .map(|p| {
            let s = sc.get(&p.code).cloned().unwrap_or_else(|| zero.clone());
            ReportPlan {
                code: p.code.clone(),
                title: p.title.clone(),
                score_text: None,
                cost_cents: p.cost_cents,
                votes: last.votes.iter().filter(|v| v.iter().any(|(c, x)| c == &p.code && *x > 0)).count() as u64,
                points: s.to_integer().try_into().unwrap_or(0),
                funded: funded_ids.contains(&p.code.as_str()),
            }
        })
        .collect();
    plans.sort_by(|a, b| b.points.cmp(&a.points).then(a.code.cmp(&b.code)));
    let mut funded: Vec<String> = funded_ids.iter().map(|s| s.to_string()).collect();
    funded.sort();
    let mut notes = Vec::new();
    for r in rounds {
        let mut m = std::collections::BTreeMap::new();
        m.insert("round".to_string(), r.no.to_string());
        m.insert("present".to_string(), r.present.to_string());
        m.insert(
            "votes".to_string(),
            if r.format == RoundFormat::Consent {
                (r.agreed as usize + r.objections.len()).to_string()
            } else {
                r.votes.len().to_string()
            },
        );
        notes.push(tr(lang, "report.note_round", &m));
        if let Some(q) = &r.quorum_note {
            m.insert("reason".to_string(), q.clone());
            notes.push(tr(lang, "report.note_quorum", &m));
        }
        if r.format == RoundFormat::Consent {
            m.insert("agreed".to_string(), r.agreed.to_string());
            m.insert(
                "objections".to_string(),
                if r.objections.is_empty() { "—".into() } else { r.objections.join("; ") },
            );
            notes.push(tr(lang, "report.note_consent", &m));
        }
    }
    for a in amendments {
        let mut m = std::collections::BTreeMap::new();
        m.insert("round".to_string(), a.after_round.to_string());
        m.insert("plan".to_string(), a.plan.clone());
        m.insert("reason".to_string(), a.reason.clone());
        let what = if a.withdraw {
            t(lang, "report.amend_withdraw")
        } else if let Some(mf) = &a.merge_from {
            format!("{} {mf}", t(lang, "report.amend_merge"))
        } else {
            t(lang, "report.amend_cost")
        };
        m.insert("what".to_string(), what);
        notes.push(tr(lang, "report.note_amend", &m));
    }
    let format_text = match last.format {
        RoundFormat::Points { per_member } => format!("{} ({per_member})", t(lang, "panelui.format_points")),
        RoundFormat::Approval { max } => format!("{} (≤ {max})", t(lang, "panelui.format_approval")),
        RoundFormat::Ranking => t(lang, "panelui.format_ranking"),
        RoundFormat::Consent => String::new(),
    };
    let participants = last.present as u64;
    Ok(ReportData {
        format: REPORT_FORMAT.into(),
        lang: def.lang.clone(),
        selection_id: def.id,
        edition: def.edition.clone(),
        wijk: def.wijk.clone(),
        method: def.method.clone(),
        budget_cents: def.budget_cents,
        rule: "panel".into(),
        rule_text: t(lang, "report.rule_panel"),
        tie_break_text: tb.describe(lang),
        ballot_style: format_text,
        counts: vec![
            ("rounds".into(), rounds.len() as u64),
            ("participants".into(), participants),
            ("panel_votes".into(), last.votes.len() as u64),
        ],
        plans,
        funded,
        funded_cost_cents: outcome.total_cost,
        budget_left_cents: def.budget_cents - outcome.total_cost,
        ties: outcome.ties.iter().map(|t| explain::render_tie(t, lang)).collect(),
        explanation: outcome.steps.iter().map(|s| explain::render_euro(&e, s, lang)).collect(),
        boxes: vec![],
        notes,
    })
}
