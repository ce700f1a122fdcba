//! Printing: the A4 canvas with an embedded font (full diacritics) and QR
//! codes drawn as vector squares (here), and the documents drawn on it:
//! ballots, box covers, table sheets, round cards (`sheets`).
//! What to print comes from the callers; where it goes is measured by
//! [`layout`], and a list that cannot be printed legibly is refused before
//! any page is drawn.

pub mod layout;
mod lottery;
mod sheets;

pub use lottery::lottery_table;
pub use sheets::{ballot_layout, ballots, box_cover, instruction, one, round_cards, table_sheets};

use std::sync::OnceLock;

use printpdf::{
    Color, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem,
};
use qrcode::{EcLevel, QrCode};
use sha2::Digest;

use crate::i18n::{tr, Lang};
use crate::money::format_euro;
use crate::paper::ballot::{qr_payload, BallotStyle, Serial};
use crate::problem::Problem;
use crate::selection::{Plan, Selection};

use layout::{line_height, paragraph, paragraph_height, place, Area, ListRow, MarkBox, Placement, PT_MM};

const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

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

    /// Text wrapped to `width` mm (measured); returns the y below the last line.
    pub fn wrapped(&mut self, x: f32, y: f32, width: f32, size: f32, bold: bool, s: &str) -> f32 {
        paragraph(self, x, y, width, size, bold, s)
    }

    /// One line of text in grey (`grey` 0 = black, 1 = white).
    pub fn text_grey(&mut self, x: f32, y: f32, size: f32, bold: bool, s: &str, grey: f32) {
        self.ops.push(Op::SetFillColor { col: Color::Rgb(Rgb { r: grey, g: grey, b: grey, icc_profile: None }) });
        self.text(x, y, size, bold, s);
        self.ops.push(Op::SetFillColor { col: Color::Rgb(Rgb { r: 0.0, g: 0.0, b: 0.0, icc_profile: None }) });
    }

    /// One line of text ending at `right`.
    pub fn text_right(&mut self, right: f32, y: f32, size: f32, bold: bool, s: &str) {
        self.text(right - layout::width(s, size, bold), y, size, bold, s);
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

    /// A QR code at level H, `size` mm wide including its 4-module quiet zone.
    pub fn qr(&mut self, x: f32, y: f32, size: f32, payload: &str) {
        self.qr_grid(x, y, size, &QrGrid::new(payload));
    }

    /// A QR code already encoded (see [`QrGrid`]).
    pub fn qr_grid(&mut self, x: f32, y: f32, size: f32, grid: &QrGrid) {
        let n = grid.width;
        let colors = &grid.dark;
        let module = size / (n as f32 + 8.0);
        let to_pt = |v: f32| Pt::from(Mm(v)).0;
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetTransformationMatrix {
            matrix: printpdf::CurTransMat::Raw([to_pt(module), 0.0, 0.0, to_pt(module), to_pt(x), to_pt(y)]),
        });
        let total = n as f32 + 8.0;
        for row in 0..n {
            let mut col = 0;
            while col < n {
                if !colors[row * n + col] {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < n && colors[row * n + col] {
                    col += 1;
                }
                self.ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(start as f32 + 4.0),
                        y: Pt(total - 5.0 - row as f32),
                        width: Pt((col - start) as f32),
                        // A hair taller so neighbouring rows leave no white seams.
                        height: Pt(1.05),
                        mode: Some(printpdf::PaintMode::Fill),
                        winding_order: None,
                    },
                });
            }
        }
        self.ops.push(Op::RestoreGraphicsState);
    }
}

/// An encoded QR code (level H): its width in modules and which are dark.
/// Encoding (with the best of the eight masks) costs far more than drawing,
/// so a document with many codes encodes them once, on every core.
pub struct QrGrid {
    width: usize,
    dark: Vec<bool>,
}

impl QrGrid {
    pub fn new(payload: &str) -> QrGrid {
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::H).expect("payload fits a QR code");
        QrGrid { width: code.width(), dark: code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect() }
    }

    /// Many codes, encoded in parallel, in the order given.
    pub fn many(payloads: &[String]) -> Vec<QrGrid> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
        let chunk = payloads.len().div_ceil(threads).max(1);
        std::thread::scope(|s| {
            let handles: Vec<_> = payloads
                .chunks(chunk)
                .map(|part| s.spawn(move || part.iter().map(|p| QrGrid::new(p)).collect::<Vec<_>>()))
                .collect();
            handles.into_iter().flat_map(|h| h.join().expect("QR encoding does not panic")).collect()
        })
    }
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
