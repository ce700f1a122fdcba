//! How the report prints: an A4 PDF, byte-stable (fixed font ids, a
//! content-derived document id), every page with the bundle's hash and key.

use super::*;

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
    let local = crate::clock::belgian(at)?;
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
    // With an online vote the score reads "total (online)".
    let score = if d.plans.iter().any(|p| p.online.is_some()) { "score_online" } else { "score" };
    let head: Vec<String> =
        ["code", "title", "cost", score, "funded"].iter().map(|k| t(lang, &format!("report.col_{k}"))).collect();
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
                match (&p.score_text, p.online) {
                    (Some(s), _) => s.clone(),
                    (None, Some(o)) => format!("{} ({o})", p.points),
                    (None, None) => p.points.to_string(),
                },
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
