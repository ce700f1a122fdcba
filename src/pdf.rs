//! Printing: ballots and ballot-box cover sheets as PDF (A4), with an embedded
//! font (full diacritics) and QR codes drawn as vector squares.
//! Layout only; what to print comes from the callers.

use std::sync::OnceLock;

use printpdf::{
    Color, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem,
};
use qrcode::{EcLevel, QrCode};
use sha2::Digest;

use crate::ballot::{qr_payload, BallotStyle, Serial};
use crate::i18n::{tr, Lang};
use crate::money::format_euro;
use crate::selection::{Plan, Selection};

const REGULAR_TTF: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

fn fonts() -> &'static (ParsedFont, ParsedFont) {
    static F: OnceLock<(ParsedFont, ParsedFont)> = OnceLock::new();
    F.get_or_init(|| {
        let r = ParsedFont::from_bytes(REGULAR_TTF, 0, &mut Vec::new()).expect("embedded regular font parses");
        let b = ParsedFont::from_bytes(BOLD_TTF, 0, &mut Vec::new()).expect("embedded bold font parses");
        (r, b)
    })
}

pub const A4_W: f32 = 210.0;
pub const A4_H: f32 = 297.0;

fn pt(mm: f32) -> Pt {
    Mm(mm).into()
}

/// A page being drawn, coordinates in mm from the bottom-left corner.
pub struct Canvas {
    ops: Vec<Op>,
    regular: printpdf::FontId,
    bold: printpdf::FontId,
}

impl Canvas {
    /// One line of text. Each line gets its own text section: a second cursor
    /// move inside one section would be relative to the first.
    pub fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, s: &str) {
        let font = PdfFontHandle::External(if bold { self.bold.clone() } else { self.regular.clone() });
        self.ops.push(Op::StartTextSection);
        self.ops.push(Op::SetFont { font, size: Pt(size) });
        self.ops.push(Op::SetTextCursor { pos: Point { x: pt(x), y: pt(y) } });
        self.ops.push(Op::ShowText { items: vec![TextItem::Text(s.to_string())] });
        self.ops.push(Op::EndTextSection);
    }

    /// Text wrapped to `width` mm; returns the y below the last line.
    pub fn wrapped(&mut self, x: f32, mut y: f32, width: f32, size: f32, bold: bool, s: &str) -> f32 {
        for line in wrap(s, width, size) {
            self.text(x, y, size, bold, &line);
            y -= size * 0.3528 * 1.3;
        }
        y
    }

    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, grey: f32) {
        self.ops.push(Op::SetFillColor { col: Color::Rgb(Rgb { r: grey, g: grey, b: grey, icc_profile: None }) });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: pt(x),
                y: pt(y),
                width: pt(w),
                height: pt(h),
                mode: Some(printpdf::PaintMode::Fill),
                winding_order: None,
            },
        });
        self.ops.push(Op::SetFillColor { col: Color::Rgb(Rgb { r: 0.0, g: 0.0, b: 0.0, icc_profile: None }) });
    }

    pub fn stroke(&mut self, x: f32, y: f32, w: f32, h: f32, thickness: f32) {
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: pt(x),
                y: pt(y),
                width: pt(w),
                height: pt(h),
                mode: Some(printpdf::PaintMode::Stroke),
                winding_order: None,
            },
        });
    }

    /// A QR code at level H, `size` mm wide including its 4-module quiet zone,
    /// one filled square per dark module.
    pub fn qr(&mut self, x: f32, y: f32, size: f32, payload: &str) {
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::H).expect("payload fits a QR code");
        let n = code.width();
        let module = size / (n as f32 + 8.0);
        let colors = code.to_colors();
        self.ops.push(Op::SetFillColor { col: Color::Rgb(Rgb { r: 0.0, g: 0.0, b: 0.0, icc_profile: None }) });
        for row in 0..n {
            for col in 0..n {
                if colors[row * n + col] == qrcode::Color::Dark {
                    let mx = x + (col as f32 + 4.0) * module;
                    let my = y + size - (row as f32 + 5.0) * module;
                    self.ops.push(Op::DrawRectangle {
                        rectangle: Rect {
                            x: pt(mx),
                            y: pt(my),
                            // A hair wider so neighbouring squares leave no white seams.
                            width: pt(module * 1.02),
                            height: pt(module * 1.02),
                            mode: Some(printpdf::PaintMode::Fill),
                            winding_order: None,
                        },
                    });
                }
            }
        }
    }
}

/// Greedy word wrap by an estimate of DejaVu Sans' average glyph width.
pub fn wrap(s: &str, width_mm: f32, size_pt: f32) -> Vec<String> {
    let per_line = ((width_mm / (size_pt * 0.3528 * 0.55)).floor() as usize).max(8);
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > per_line {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// A document of A4 pages drawn with the embedded fonts.
pub struct Doc {
    pdf: PdfDocument,
    regular: printpdf::FontId,
    bold: printpdf::FontId,
    pages: Vec<PdfPage>,
}

impl Doc {
    pub fn new(title: &str) -> Doc {
        let mut pdf = PdfDocument::new(title);
        let (r, b) = fonts();
        // Fixed font ids (printpdf draws random ones) keep the output byte-stable.
        let regular = printpdf::FontId("F1WijkstemRegular".into());
        let bold = printpdf::FontId("F2WijkstemBold".into());
        pdf.resources.fonts.map.insert(regular.clone(), printpdf::font::PdfFont::new(r.clone()));
        pdf.resources.fonts.map.insert(bold.clone(), printpdf::font::PdfFont::new(b.clone()));
        Doc { pdf, regular, bold, pages: Vec::new() }
    }

    pub fn page(&mut self, draw: impl FnOnce(&mut Canvas)) {
        let mut c = Canvas { ops: Vec::new(), regular: self.regular.clone(), bold: self.bold.clone() };
        draw(&mut c);
        self.pages.push(PdfPage::new(Mm(A4_W), Mm(A4_H), c.ops));
    }

    /// A blank canvas for a page to be added with `push`.
    pub fn canvas(&self) -> Canvas {
        Canvas { ops: Vec::new(), regular: self.regular.clone(), bold: self.bold.clone() }
    }

    pub fn push(&mut self, c: Canvas) {
        self.pages.push(PdfPage::new(Mm(A4_W), Mm(A4_H), c.ops));
    }

    pub fn finish(mut self) -> Vec<u8> {
        let pages = std::mem::take(&mut self.pages);
        self.pdf.with_pages(pages);
        self.pdf.save(&PdfSaveOptions::default(), &mut Vec::new())
    }

    /// Like `finish`, but the same content always gives the same bytes:
    /// printpdf writes a random document id into the trailer, which is
    /// replaced by one derived from the content (same length, so no offset
    /// moves). A report can then be regenerated and compared byte for byte.
    pub fn finish_stable(self) -> Vec<u8> {
        let mut bytes = self.finish();
        if let Some(at) = find_last(&bytes, b"/ID") {
            let mut spans = Vec::new();
            let mut i = at;
            while spans.len() < 2 && i < bytes.len() {
                if bytes[i] == b'(' {
                    let start = i + 1;
                    let end = start + bytes[start..].iter().position(|&b| b == b')').unwrap_or(0);
                    spans.push((start, end));
                    i = end;
                }
                i += 1;
            }
            for &(s, e) in &spans {
                bytes[s..e].fill(b'0');
            }
            let digest = hex::encode(sha2::Sha256::digest(&bytes));
            for &(s, e) in &spans {
                let n = e - s;
                bytes[s..e].copy_from_slice(&digest.as_bytes()[..n.min(64)].repeat(n.div_ceil(64))[..n]);
            }
        }
        bytes
    }
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn p1(k: &str, v: impl ToString) -> std::collections::BTreeMap<String, String> {
    let mut m = std::collections::BTreeMap::new();
    m.insert(k.to_string(), v.to_string());
    m
}

pub fn instruction(style: &BallotStyle, lang: Lang) -> String {
    let mut m = std::collections::BTreeMap::new();
    let key = match style {
        BallotStyle::Approval { min, max } => {
            m.insert("min".to_string(), min.to_string());
            m.insert("max".to_string(), max.to_string());
            "print.instruction_approval"
        }
        BallotStyle::Points { total, max_per_plan } => {
            m.insert("total".to_string(), total.to_string());
            m.insert("max".to_string(), max_per_plan.to_string());
            "print.instruction_points"
        }
        BallotStyle::Ranking { top } => {
            m.insert("top".to_string(), top.to_string());
            "print.instruction_ranking"
        }
    };
    tr(lang, key, &m)
}

/// Draw one ballot in the band [y0, y0 + height) of the page.
fn draw_ballot(
    c: &mut Canvas,
    y0: f32,
    height: f32,
    sel: &Selection,
    plans: &[Plan],
    style: &BallotStyle,
    style_hash: &str,
    serial: &Serial,
    lang: Lang,
) {
    let top = y0 + height - 12.0;
    let left = 15.0;
    c.text(left, top, 16.0, true, &tr(lang, "print.ballot_title", &p1("edition", &sel.edition)));
    c.text(left, top - 7.0, 12.0, false, &sel.wijk);
    c.wrapped(left, top - 14.0, 140.0, 10.0, false, &instruction(style, lang));
    // QR and serial, top right.
    let qr_size = 32.0;
    c.qr(A4_W - 15.0 - qr_size, top - qr_size + 6.0, qr_size, &qr_payload(sel.id, serial, style_hash));
    c.text(
        A4_W - 15.0 - qr_size + 2.0,
        top - qr_size + 2.0,
        9.0,
        false,
        &tr(lang, "print.serial", &p1("serial", serial.display())),
    );

    // The plans, one row each, with a box to mark.
    let row_h = ((height - 68.0) / plans.len().max(1) as f32).clamp(6.0, 11.0);
    let size = if row_h < 8.0 { 9.0 } else { 11.0 };
    let mut y = top - 40.0;
    for (i, p) in plans.iter().enumerate() {
        if i % 2 == 0 {
            c.fill(left - 2.0, y - row_h + 4.0, A4_W - 2.0 * left + 4.0, row_h, 0.93);
        }
        c.fill(left, y - 1.5, 6.0, 6.0, 1.0);
        c.stroke(left, y - 1.5, 6.0, 6.0, 1.2);
        c.text(left + 10.0, y, size, true, &p.code);
        let title: String = wrap(&p.title, 110.0, size).into_iter().next().unwrap_or_default();
        let title = if title.chars().count() < p.title.chars().count() { format!("{title} …") } else { title };
        c.text(left + 28.0, y, size, false, &title);
        c.text(A4_W - left - 30.0, y, size, false, &format_euro(p.cost_cents, lang));
        y -= row_h;
    }
    c.text(left, y0 + 8.0, 9.0, false, &tr(lang, "print.fold", &Default::default()));
}

/// Ballots for `serials`, one or two per A4 page (two: cut along the line).
pub fn ballots(
    sel: &Selection,
    plans: &[Plan],
    style: &BallotStyle,
    style_hash: &str,
    serials: &[Serial],
    per_page: u8,
    lang: Lang,
) -> Vec<u8> {
    let mut doc = Doc::new(&tr(lang, "print.ballot_title", &p1("edition", &sel.edition)));
    let per_page = per_page.clamp(1, 2) as usize;
    for chunk in serials.chunks(per_page) {
        doc.page(|c| {
            let band = A4_H / per_page as f32;
            for (i, serial) in chunk.iter().enumerate() {
                let y0 = A4_H - band * (i as f32 + 1.0);
                draw_ballot(c, y0, band, sel, plans, style, style_hash, serial, lang);
                if per_page == 2 && i == 0 {
                    c.fill(5.0, y0 - 0.2, A4_W - 10.0, 0.4, 0.6);
                }
            }
        });
    }
    doc.finish()
}

/// A cover sheet for a ballot box: where it stood, how many ballots it should
/// hold, and a QR code naming the box.
pub fn box_cover(sel: &Selection, box_id: i64, box_name: &str, location: &str, expected: u64, lang: Lang) -> Vec<u8> {
    let mut doc = Doc::new(&tr(lang, "print.box_title", &p1("box", box_name)));
    doc.page(|c| {
        c.text(20.0, 270.0, 22.0, true, &tr(lang, "print.box_title", &p1("box", box_name)));
        c.text(20.0, 258.0, 14.0, false, &format!("{} — {}", sel.wijk, sel.edition));
        c.text(20.0, 246.0, 12.0, false, &tr(lang, "print.box_location", &p1("location", location)));
        c.text(20.0, 238.0, 12.0, false, &tr(lang, "print.box_expected", &p1("expected", expected)));
        c.qr(20.0, 150.0, 70.0, &crate::ballot::box_payload(sel.id, box_id));
        c.text(20.0, 140.0, 11.0, false, &tr(lang, "print.box_signatures", &Default::default()));
        c.stroke(20.0, 100.0, 80.0, 30.0, 0.8);
        c.stroke(110.0, 100.0, 80.0, 30.0, 0.8);
    });
    doc.finish()
}

/// One sheet per conversation table: round, table, facilitator, the plans it
/// discusses with a box for the table's value, room for conditions and
/// notes, and a QR code that opens this table in the entry screen.
pub fn table_sheets(
    sel: &Selection,
    tables: &[crate::tables::TableView],
    plans: &[Plan],
    format: &crate::tables::VerdictFormat,
    lang: Lang,
) -> Vec<u8> {
    let mut doc = Doc::new(&tr(lang, "print.table_title", &p1("wijk", &sel.wijk)));
    for t in tables {
        doc.page(|c| {
            let left = 18.0;
            let mut m = std::collections::BTreeMap::new();
            m.insert("round".to_string(), t.round.to_string());
            m.insert("table".to_string(), t.name.clone());
            c.text(left, 275.0, 18.0, true, &tr(lang, "print.table_heading", &m));
            c.text(left, 266.0, 12.0, false, &format!("{} — {}", sel.wijk, sel.edition));
            let mut m2 = std::collections::BTreeMap::new();
            m2.insert("facilitator".to_string(), t.facilitator.clone());
            m2.insert("location".to_string(), t.location.clone());
            c.text(left, 258.0, 10.0, false, &tr(lang, "print.table_facilitator", &m2));
            c.qr(A4_W - 18.0 - 36.0, 240.0, 36.0, &t.qr);
            let key = match format {
                crate::tables::VerdictFormat::Points { .. } => "print.table_points",
                crate::tables::VerdictFormat::Ranking => "print.table_ranking",
                crate::tables::VerdictFormat::Support => "print.table_support",
            };
            let per = if let crate::tables::VerdictFormat::Points { per_participant } = format {
                *per_participant
            } else {
                0
            };
            c.wrapped(left, 248.0, 125.0, 10.0, false, &tr(lang, key, &p1("per", per)));
            c.text(left, 228.0, 11.0, true, &tr(lang, "print.table_participants", &Default::default()));
            c.stroke(left + 60.0, 226.0, 20.0, 8.0, 1.0);
            let mut y = 212.0;
            for code in &t.plans {
                let Some(pl) = plans.iter().find(|x| &x.code == code) else { continue };
                c.text(left, y, 10.0, true, &pl.code);
                let title: String = wrap(&pl.title, 80.0, 10.0).into_iter().next().unwrap_or_default();
                c.text(left + 18.0, y, 10.0, false, &title);
                c.text(left + 100.0, y, 10.0, false, &format_euro(pl.cost_cents, lang));
                c.stroke(left + 132.0, y - 2.0, 14.0, 7.0, 1.0);
                c.fill(left + 150.0, y - 1.6, 24.0, 0.3, 0.5);
                y -= 10.0;
            }
            c.text(left, y - 4.0, 10.0, true, &tr(lang, "print.table_notes", &Default::default()));
            for i in 0..5 {
                c.fill(left, y - 14.0 - i as f32 * 9.0, A4_W - 2.0 * left, 0.3, 0.6);
            }
        });
    }
    doc.finish()
}

/// One card per present member for a panel round: member, round, the plans
/// with a box each, and a QR code that opens the member's row in the grid.
pub fn round_cards(
    sel: &Selection,
    round: u32,
    members: &[(String, String)],
    plans: &[(String, String, i64)],
    format: &crate::panel::RoundFormat,
    lang: Lang,
) -> Vec<u8> {
    let mut doc = Doc::new(&tr(lang, "print.card_title", &p1("round", round)));
    for chunk in members.chunks(2) {
        doc.page(|c| {
            for (i, (code, name)) in chunk.iter().enumerate() {
                let top = A4_H - 15.0 - i as f32 * (A4_H / 2.0);
                let mut m = std::collections::BTreeMap::new();
                m.insert("round".to_string(), round.to_string());
                m.insert("member".to_string(), format!("{code} {name}"));
                c.text(15.0, top, 15.0, true, &tr(lang, "print.card_heading", &m));
                c.text(15.0, top - 7.0, 11.0, false, &sel.wijk);
                let how = match format {
                    crate::panel::RoundFormat::Points { per_member } => {
                        tr(lang, "print.card_points", &p1("n", per_member))
                    }
                    crate::panel::RoundFormat::Approval { max } => tr(lang, "print.card_approval", &p1("n", max)),
                    crate::panel::RoundFormat::Ranking => tr(lang, "print.card_ranking", &Default::default()),
                    crate::panel::RoundFormat::Consent => tr(lang, "print.card_consent", &Default::default()),
                };
                c.wrapped(15.0, top - 14.0, 140.0, 10.0, false, &how);
                c.qr(A4_W - 15.0 - 30.0, top - 28.0, 30.0, &crate::panel::card_payload(sel.id, round, code));
                let mut y = top - 36.0;
                for (pc, title, cost) in plans {
                    c.stroke(15.0, y - 1.5, 10.0, 6.0, 1.0);
                    c.text(28.0, y, 10.0, true, pc);
                    let t1: String = wrap(title, 90.0, 10.0).into_iter().next().unwrap_or_default();
                    c.text(46.0, y, 10.0, false, &t1);
                    c.text(A4_W - 45.0, y, 10.0, false, &format_euro(*cost, lang));
                    y -= 8.5;
                }
            }
            c.fill(5.0, A4_H / 2.0 - 0.2, A4_W - 10.0, 0.4, 0.6);
        });
    }
    doc.finish()
}
