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

/// What the footer of every page prints: the bundle's content hash and the
/// signing key, also as a QR code (`WSRES1:<hash>:<key id>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Footer {
    pub content_hash: String,
    pub key_id: String,
}

const LEFT: f32 = 18.0;
const WIDTH: f32 = A4_W - 2.0 * LEFT;
/// Nothing is drawn below this line but the footer.
const BOTTOM: f32 = 42.0;

/// A flowing A4 layout: lines go down the page and a new page starts when
/// the space runs out. The footer ("blad N van M", hash, key) is drawn on
/// every page once the number of pages is known.
struct Flow {
    doc: Doc,
    pages: Vec<Canvas>,
    y: f32,
    /// A table header to repeat at the top of a new page.
    repeat: Option<(Vec<Col>, Vec<String>)>,
}

impl Flow {
    fn canvas(&mut self) -> &mut Canvas {
        if self.pages.is_empty() {
            self.new_page();
        }
        self.pages.last_mut().expect("a page is open")
    }

    fn new_page(&mut self) {
        self.pages.push(self.doc.canvas());
        self.y = A4_H - 20.0;
    }

    /// Room for `mm` more; a new page when there is not. True when a page was started.
    fn need(&mut self, mm: f32) -> bool {
        if self.pages.is_empty() || self.y - mm < BOTTOM {
            self.new_page();
            return true;
        }
        false
    }

    /// A paragraph, wrapped (measured) to the page width.
    fn line(&mut self, size: f32, bold: bool, text: &str) {
        self.line_at(0.0, size, bold, text);
    }

    fn line_at(&mut self, indent: f32, size: f32, bold: bool, text: &str) {
        let lh = size * PT_MM * 1.4;
        let lines = wrap(text, WIDTH - indent, size, bold);
        // A short paragraph is kept on one page.
        if lines.len() <= 4 {
            self.need(lh * lines.len() as f32);
        }
        for l in lines {
            self.need(lh);
            let y = self.y - size * PT_MM * 0.8;
            self.canvas().text(LEFT + indent, y, size, bold, &l);
            self.y -= lh;
        }
    }

    fn heading(&mut self, text: &str) {
        self.gap(3.0);
        // A heading never stands alone at the bottom of a page.
        self.need(20.0);
        self.line(12.0, true, text);
        self.gap(1.0);
    }

    fn gap(&mut self, mm: f32) {
        self.y -= mm;
    }

    fn finish(mut self, footer: &Footer, lang: Lang) -> Vec<u8> {
        let total = self.pages.len();
        for (i, mut c) in std::mem::take(&mut self.pages).into_iter().enumerate() {
            let mut p = std::collections::BTreeMap::new();
            p.insert("hash".to_string(), footer.content_hash.clone());
            p.insert("key".to_string(), footer.key_id.clone());
            p.insert("page".to_string(), (i + 1).to_string());
            p.insert("pages".to_string(), total.to_string());
            c.fill(LEFT, 36.0, WIDTH, 0.3, 0.5);
            c.text(LEFT, 31.0, 9.0, true, &tr(lang, "report.page_of", &p));
            c.wrapped(LEFT, 26.5, WIDTH - 32.0, 7.5, false, &tr(lang, "report.footer", &p));
            c.qr(
                A4_W - LEFT - 26.0,
                6.0,
                26.0,
                &format!("WSRES1:{}:{}", footer.content_hash.to_uppercase(), footer.key_id),
            );
            self.doc.push(c);
        }
        self.doc.finish_stable()
    }
}

/// A column of a table: left edge and width (mm from the left margin), right-aligned or not.
#[derive(Clone, Copy)]
struct Col {
    x: f32,
    w: f32,
    right: bool,
}

impl Flow {
    /// One table row: each cell wrapped to its column; the row is as tall as
    /// its tallest cell and moves to the next page whole, below the repeated
    /// header when one is set.
    fn row(&mut self, cols: &[Col], cells: &[String], size: f32, bold: bool, shade: Option<f32>) {
        let lh = size * PT_MM * 1.3;
        let lines: Vec<Vec<String>> = cols.iter().zip(cells).map(|(c, s)| wrap(s, c.w, size, bold)).collect();
        let n = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = n as f32 * lh + 1.6;
        let fresh = self.need(h);
        if fresh {
            if let Some((hc, hs)) = self.repeat.take() {
                self.row(&hc, &hs, size, true, None);
                self.rule(0.3, 0.4);
                self.repeat = Some((hc, hs));
            }
        }
        let top = self.y;
        let c = self.canvas();
        if let Some(g) = shade {
            c.fill(LEFT - 1.0, top - h, WIDTH + 2.0, h, g);
        }
        for (col, ls) in cols.iter().zip(&lines) {
            for (k, l) in ls.iter().enumerate() {
                let y = top - 0.8 - size * PT_MM * 0.8 - k as f32 * lh;
                if col.right {
                    c.text_right(LEFT + col.x + col.w, y, size, bold, l);
                } else {
                    c.text(LEFT + col.x, y, size, bold, l);
                }
            }
        }
        self.y -= h;
    }

    fn rule(&mut self, thickness: f32, grey: f32) {
        let y = self.y;
        self.canvas().fill(LEFT, y - thickness, WIDTH, thickness, grey);
        self.y -= thickness + 0.8;
    }
}

/// A date and time from the audit log (UTC, RFC 3339) in Belgian time:
/// `30-11-2026 om 18:05`. Belgium keeps CET (UTC+1) and CEST (UTC+2) from the
/// last Sunday of March to the last Sunday of October, 01:00 UTC; the rule is
/// written out so the same bundle prints the same report on any machine.
pub fn belgian_time(at: &str, lang: Lang) -> Option<String> {
    use time::{Date, Month, OffsetDateTime, Weekday};
    let utc = OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()?;
    let last_sunday = |month: Month| -> Option<OffsetDateTime> {
        let mut d = Date::from_calendar_date(utc.year(), month, 31).ok()?;
        while d.weekday() != Weekday::Sunday {
            d = d.previous_day()?;
        }
        Some(d.with_hms(1, 0, 0).ok()?.assume_utc())
    };
    let summer = utc >= last_sunday(Month::March)? && utc < last_sunday(Month::October)?;
    let local = utc.to_offset(time::UtcOffset::from_hms(if summer { 2 } else { 1 }, 0, 0).ok()?);
    let mut m = std::collections::BTreeMap::new();
    m.insert("date".to_string(), format!("{:02}-{:02}-{}", local.day(), u8::from(local.month()), local.year()));
    m.insert("time".to_string(), format!("{:02}:{:02}", local.hour(), local.minute()));
    Some(tr(lang, "report.datetime", &m))
}

/// The report as a byte-stable A4 PDF: the proces-verbaal a city files.
pub fn render(d: &ReportData, footer: &Footer) -> Vec<u8> {
    let lang = Lang::from_code(&d.lang);
    let mut p = std::collections::BTreeMap::new();
    p.insert("edition".to_string(), d.edition.clone());
    p.insert("wijk".to_string(), d.wijk.clone());
    let title = tr(lang, "report.title", &p);
    let mut f = Flow { doc: Doc::new(&title), pages: Vec::new(), y: 0.0, repeat: None };
    f.line(18.0, true, &title);
    f.line(13.0, false, &d.wijk);
    f.gap(2.0);
    let kv = |k: &str, v: &str| format!("{}: {v}", t(lang, k));
    let closed = belgian_time(&d.count.closed_at, lang).unwrap_or_else(|| t(lang, "report.not_closed"));
    f.line(10.0, false, &kv("report.closed_at", &closed));
    if !d.count.closed_hash.is_empty() {
        let mut p = std::collections::BTreeMap::new();
        p.insert("seq".to_string(), d.count.closed_seq.to_string());
        p.insert("short".to_string(), crate::storage::audit::short_hash(&d.count.closed_hash));
        f.line(10.0, false, &tr(lang, "report.anchor", &p));
        f.line(7.0, false, &d.count.closed_hash);
    }
    // The place is written in by hand when the count is signed.
    f.line(10.0, false, &kv("report.place", "……………………………………………………"));
    if !d.count.entered_by.is_empty() {
        f.line(10.0, false, &kv("report.entered_by", &d.count.entered_by.join(", ")));
    }
    if !d.count.decided_by.is_empty() {
        f.line(10.0, false, &kv("report.decided_by", &d.count.decided_by.join(", ")));
    }
    f.gap(1.5);
    f.line(10.0, false, &kv("report.method", &t(lang, &format!("method.{}", d.method))));
    if !d.ballot_style.is_empty() {
        f.line(10.0, false, &kv("report.style", &d.ballot_style));
    }
    f.line(10.0, false, &kv("report.rule", &d.rule_text));
    f.line(10.0, false, &kv("report.tie_break", &d.tie_break_text));
    f.line(10.0, false, &kv("report.budget", &format_euro(d.budget_cents, lang)));

    // The numbers: per box and in total (offline stemmen), or the rounds, tables and participants.
    f.heading(&t(lang, "report.numbers"));
    if d.box_counts.is_empty() {
        let counts: Vec<String> =
            d.counts.iter().map(|(k, v)| format!("{} {v}", t(lang, &format!("report.count_{k}")))).collect();
        f.line(10.0, false, &counts.join(" · "));
    } else {
        let printed = d.counts.iter().find(|(k, _)| k == "printed").map(|(_, v)| *v).unwrap_or(0);
        f.line(10.0, false, &tr(lang, "report.printed", &crate::pdf::one("count", printed)));
        let w = (WIDTH - 48.0) / 6.0;
        let mut cols = vec![Col { x: 0.0, w: 46.0, right: false }];
        cols.extend((0..6).map(|i| Col { x: 48.0 + i as f32 * w, w: w - 1.0, right: true }));
        let head: Vec<String> = ["box", "expected", "settled", "valid", "blank", "invalid", "doubtful"]
            .iter()
            .map(|k| t(lang, &format!("report.col_{k}")))
            .collect();
        f.row(&cols, &head, 9.0, true, None);
        f.rule(0.3, 0.4);
        f.repeat = Some((cols.clone(), head.clone()));
        let mut total = BoxCount { name: t(lang, "report.total"), ..Default::default() };
        for (i, b) in d.box_counts.iter().enumerate() {
            let cells = [b.name.clone(), b.expected.to_string(), b.settled.to_string(), b.valid.to_string()];
            let cells: Vec<String> =
                cells.into_iter().chain([b.blank, b.invalid, b.doubtful].iter().map(u64::to_string)).collect();
            f.row(&cols, &cells, 9.0, false, (i % 2 == 1).then_some(0.94));
            total.expected += b.expected;
            total.settled += b.settled;
            total.valid += b.valid;
            total.blank += b.blank;
            total.invalid += b.invalid;
            total.doubtful += b.doubtful;
        }
        f.repeat = None;
        f.rule(0.3, 0.4);
        let cells: Vec<String> = [total.name.clone()]
            .into_iter()
            .chain(
                [total.expected, total.settled, total.valid, total.blank, total.invalid, total.doubtful]
                    .iter()
                    .map(u64::to_string),
            )
            .collect();
        f.row(&cols, &cells, 9.0, true, None);
    }

    // Every plan: code, full title, cost, score, funded; funded first, then
    // the budget line, then the plans that were not funded.
    f.heading(&t(lang, "report.plans"));
    let cols = [
        Col { x: 0.0, w: 14.0, right: false },
        Col { x: 15.0, w: 76.0, right: false },
        Col { x: 92.0, w: 31.0, right: true },
        Col { x: 124.0, w: 20.0, right: true },
        Col { x: 148.0, w: WIDTH - 148.0, right: false },
    ];
    let head: Vec<String> =
        ["code", "title", "cost", "score", "funded"].iter().map(|k| t(lang, &format!("report.col_{k}"))).collect();
    f.row(&cols, &head, 9.0, true, None);
    f.rule(0.3, 0.4);
    f.repeat = Some((cols.to_vec(), head.clone()));
    let (yes, no) = (t(lang, "report.yes"), t(lang, "report.no"));
    let funded_rows: Vec<&ReportPlan> = d.plans.iter().filter(|p| p.funded).collect();
    let other_rows: Vec<&ReportPlan> = d.plans.iter().filter(|p| !p.funded).collect();
    for (group, rows) in [(0, &funded_rows), (1, &other_rows)] {
        if group == 1 {
            let mut m = std::collections::BTreeMap::new();
            m.insert("total".to_string(), format_euro(d.funded_cost_cents, lang));
            m.insert("budget".to_string(), format_euro(d.budget_cents, lang));
            f.need(9.0);
            f.gap(0.8);
            f.rule(0.9, 0.0);
            f.line(9.0, true, &tr(lang, "report.budget_line", &m));
            f.gap(0.8);
        }
        for (i, p) in rows.iter().enumerate() {
            let cells = [
                p.code.clone(),
                p.title.clone(),
                format_euro(p.cost_cents, lang),
                p.score_text.clone().unwrap_or_else(|| p.points.to_string()),
                if p.funded { yes.clone() } else { no.clone() },
            ];
            f.row(&cols, &cells, 9.0, false, (i % 2 == 1).then_some(0.94));
        }
    }

    f.repeat = None;
    // The funded package on its own lines, with the total.
    f.heading(&t(lang, "report.funded_heading"));
    if d.funded.is_empty() {
        f.line(10.0, false, &t(lang, "report.funded_none"));
    }
    for code in &d.funded {
        if let Some(p) = d.plans.iter().find(|p| &p.code == code) {
            f.line_at(4.0, 10.0, false, &format!("{} — {} — {}", p.code, p.title, format_euro(p.cost_cents, lang)));
        }
    }
    let mut m = std::collections::BTreeMap::new();
    m.insert("total".to_string(), format_euro(d.funded_cost_cents, lang));
    m.insert("left".to_string(), format_euro(d.budget_left_cents, lang));
    m.insert("budget".to_string(), format_euro(d.budget_cents, lang));
    m.insert("count".to_string(), d.funded.len().to_string());
    f.gap(1.0);
    f.line(11.0, true, &tr(lang, "report.funded_total", &m));

    if !d.ties.is_empty() {
        f.heading(&t(lang, "report.ties"));
        for l in &d.ties {
            f.line_at(2.0, 9.0, false, &format!("• {l}"));
        }
    }
    f.heading(&t(lang, "report.explanation"));
    for (i, l) in d.explanation.iter().enumerate() {
        f.line_at(2.0, 9.0, false, &format!("{}. {l}", i + 1));
    }
    let overrides: Vec<String> = d
        .boxes
        .iter()
        .filter_map(|(name, expected, settled, reason)| {
            let r = reason.as_ref()?;
            let mut bp = std::collections::BTreeMap::new();
            bp.insert("box".to_string(), name.clone());
            bp.insert("expected".to_string(), expected.to_string());
            bp.insert("settled".to_string(), settled.to_string());
            Some(format!("{} — {}: {r}", tr(lang, "report.box_line", &bp), t(lang, "report.override")))
        })
        .collect();
    if !d.notes.is_empty() || !overrides.is_empty() {
        f.heading(&t(lang, "report.notes"));
        for l in overrides.iter().chain(&d.notes) {
            f.line_at(2.0, 9.0, false, &format!("• {l}"));
        }
    }

    // Signatures: everyone who entered or decided, by name, and room for more.
    f.heading(&t(lang, "report.signatures"));
    f.line(9.0, false, &t(lang, "report.signatures_help"));
    let mut people: Vec<(String, String)> =
        d.count.decided_by.iter().map(|n| (n.clone(), t(lang, "report.role_decided"))).collect();
    for n in &d.count.entered_by {
        if !people.iter().any(|(p, _)| p == n) {
            people.push((n.clone(), t(lang, "report.role_entered")));
        }
    }
    let blank = 3 + (3 - people.len() % 3) % 3;
    let slots: Vec<Option<(String, String)>> =
        people.into_iter().map(Some).chain(std::iter::repeat_n(None, blank)).collect();
    for chunk in slots.chunks(3) {
        f.need(20.0);
        let y = f.y - 12.0;
        for (col, slot) in chunk.iter().enumerate() {
            let x = LEFT + col as f32 * 59.0;
            let c = f.canvas();
            c.fill(x, y, 53.0, 0.3, 0.0);
            match slot {
                Some((name, role)) => {
                    let lines = wrap(&format!("{name} ({role})"), 53.0, 8.0, false);
                    for (k, l) in lines.iter().take(2).enumerate() {
                        c.text(x, y - 3.5 - k as f32 * 3.4, 8.0, false, l);
                    }
                }
                None => c.text(x, y - 3.5, 8.0, false, &t(lang, "report.signature_line")),
            }
        }
        f.y -= 20.0;
    }
    f.finish(footer, lang)
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
    // Each drop-out must follow from the verdicts of its rounds: recomputed,
    // not taken on trust (a verdict edited for the drop and put back after
    // is found here, by the export and by the bundle's verifier).
    let zero_score = num_rational::BigRational::from_integer(0.into());
    for (k, (after, threshold, codes)) in drops.iter().enumerate() {
        let t = crate::tables::parse_threshold(threshold).ok_or_else(|| format!("threshold {threshold}"))?;
        let upto: Vec<Entered> = tables
            .iter()
            .filter(|x| x.round <= *after)
            .filter_map(|x| x.verdict.as_ref().map(|v| Entered { participants: v.participants, values: &v.values }))
            .collect();
        let s = combine(&settings.format, &upto);
        let before: Vec<&String> = drops[..k].iter().flat_map(|d| &d.2).collect();
        let mut want: Vec<&String> = def
            .plans
            .iter()
            .map(|p| &p.code)
            .filter(|c| !before.contains(c) && s.get(*c).unwrap_or(&zero_score) < &t)
            .collect();
        let mut have: Vec<&String> = codes.iter().collect();
        want.sort();
        have.sort();
        if want != have {
            return Err(format!(
                "drop after round {after} (threshold {threshold}): recorded {have:?}, the verdicts give {want:?}"
            ));
        }
    }
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
                    format!(
                        "{} ({})",
                        explain::decimal_for(&rules::decimal(&s, 2), lang),
                        t(lang, "tablesui.dropped_short")
                    )
                } else {
                    explain::decimal_for(&rules::decimal(&s, 2), lang)
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
        tie_break_text: explain::tie_break(&tb, lang),
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
        count: def.count.clone(),
        box_counts: vec![],
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
        tie_break_text: explain::tie_break(&tb, lang),
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
        count: def.count.clone(),
        box_counts: vec![],
    })
}
