//! Layout that measures, for every PDF the app prints.
//!
//! Text is measured with the embedded font's own advance widths (printpdf
//! writes glyphs without kerning, so the sum of the advances is the printed
//! width), wrapped on word boundaries and never drawn outside its box. A list
//! of plans (ballot, table sheet, round card) is placed in one or two columns
//! over as many sheets as it needs; the placement is computed, and checked
//! against the limits, before anything is drawn.

use super::{fonts, Canvas};

/// One point in millimetres.
pub const PT_MM: f32 = 0.352_778;

/// Line height for text of `size` pt, in mm.
pub fn line_height(size: f32) -> f32 {
    size * PT_MM * 1.25
}

/// The printed width of `s` in mm at `size` pt.
pub fn width(s: &str, size: f32, bold: bool) -> f32 {
    let (regular, heavy) = fonts();
    let f = if bold { heavy } else { regular };
    let upem = f32::from(f.units_per_em.max(1));
    let notdef = f.get_glyph_width(0).unwrap_or(0);
    let units: u64 = s
        .chars()
        .map(|c| u64::from(f.lookup_glyph_index(c as u32).and_then(|g| f.get_glyph_width(g)).unwrap_or(notdef)))
        .sum();
    units as f32 / upem * size * PT_MM
}

/// `s` in lines no wider than `max_w` mm, broken between words. Only a single
/// word wider than the whole line is broken inside (there is no other way to
/// keep it in its box).
pub fn wrap(s: &str, max_w: f32, size: f32, bold: bool) -> Vec<String> {
    let space = width(" ", size, bold);
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut cur_w = 0.0;
    // "€" stays with its amount.
    let mut words: Vec<String> = Vec::new();
    for w in s.split_whitespace() {
        match words.last_mut() {
            Some(last) if last == "€" => {
                last.push(' ');
                last.push_str(w);
            }
            _ => words.push(w.to_string()),
        }
    }
    for word in &words {
        let word = word.as_str();
        let ww = width(word, size, bold);
        if !cur.is_empty() && cur_w + space + ww <= max_w {
            cur.push(' ');
            cur.push_str(word);
            cur_w += space + ww;
            continue;
        }
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
            cur_w = 0.0;
        }
        if ww <= max_w {
            cur.push_str(word);
            cur_w = ww;
            continue;
        }
        for ch in word.chars() {
            let cw = width(ch.encode_utf8(&mut [0; 4]), size, bold);
            if !cur.is_empty() && cur_w + cw > max_w {
                lines.push(std::mem::take(&mut cur));
                cur_w = 0.0;
            }
            cur.push(ch);
            cur_w += cw;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// One plan in a printed list: its row number (what the entry screen
/// accepts), code, full title and the text on the right (the cost).
#[derive(Debug, Clone)]
pub struct ListRow {
    pub number: Option<usize>,
    pub code: String,
    pub title: String,
    pub right: String,
}

/// The box drawn on each row for the resident's mark (mm).
#[derive(Debug, Clone, Copy)]
pub struct MarkBox {
    pub w: f32,
    pub h: f32,
}

/// Where the rows go on each sheet: left edge, top, width and height (mm).
#[derive(Debug, Clone, Copy)]
pub struct Area {
    pub x: f32,
    pub top: f32,
    pub w: f32,
    pub h: f32,
}

/// The horizontal offsets of a row's parts inside its column (mm).
#[derive(Debug, Clone, Copy)]
struct Columns {
    number_right: f32,
    mark: f32,
    code: f32,
    title: f32,
    title_w: f32,
}

/// One row on a sheet: which row, where its column starts, its top, its
/// height and its title's lines.
#[derive(Debug, Clone)]
pub struct Placed {
    pub row: usize,
    pub x: f32,
    pub top: f32,
    pub h: f32,
    pub lines: Vec<String>,
}

/// A list placed on sheets.
#[derive(Debug, Clone)]
pub struct Placement {
    pub columns: usize,
    pub size: f32,
    pub col_w: f32,
    pub sheets: Vec<Vec<Placed>>,
    geometry: Columns,
    mark: MarkBox,
}

/// The gap between two columns (mm).
const GUTTER: f32 = 8.0;
/// Clear space above and below a row's content (mm), so neighbouring boxes never touch.
const ROW_PAD: f32 = 1.6;
/// Narrowest title column that is still readable (mm).
const MIN_TITLE_W: f32 = 30.0;

/// Place `rows` in `area` on at most `max_sheets` sheets, in one column or,
/// when that takes more sheets, two. `None` when they do not fit.
pub fn place(rows: &[ListRow], mark: MarkBox, area: Area, max_sheets: usize) -> Option<Placement> {
    let mut best: Option<Placement> = None;
    for columns in [1usize, 2] {
        let size = if columns == 1 { 10.5 } else { 9.5 };
        let col_w = (area.w - GUTTER * (columns as f32 - 1.0)) / columns as f32;
        let numbered = rows.iter().any(|r| r.number.is_some());
        let number_right = if numbered { width("99", size, true) + 0.5 } else { 0.0 };
        let mark_x = if numbered { number_right + 2.0 } else { 0.0 };
        let code_x = mark_x + mark.w + 2.5;
        let code_w = rows.iter().map(|r| width(&r.code, size, true)).fold(0.0, f32::max);
        let right_w = rows.iter().map(|r| width(&r.right, size, false)).fold(0.0, f32::max);
        let title_x = code_x + code_w + 2.5;
        let title_w = col_w - title_x - right_w - 3.0;
        if title_w < MIN_TITLE_W {
            continue;
        }
        let lh = line_height(size);
        let mut sheets: Vec<Vec<Placed>> = vec![Vec::new()];
        let (mut col, mut y) = (0usize, area.top);
        let mut fits = true;
        for (i, r) in rows.iter().enumerate() {
            let lines = wrap(&r.title, title_w, size, false);
            let h = (mark.h.max(lh * lines.len().max(1) as f32)) + 2.0 * ROW_PAD;
            if h > area.h {
                fits = false;
                break;
            }
            if y - h < area.top - area.h {
                col += 1;
                y = area.top;
                if col == columns {
                    col = 0;
                    sheets.push(Vec::new());
                }
            }
            let x = area.x + col as f32 * (col_w + GUTTER);
            sheets.last_mut().expect("a sheet").push(Placed { row: i, x, top: y, h, lines });
            y -= h;
        }
        if !fits || sheets.len() > max_sheets {
            continue;
        }
        let geometry = Columns { number_right, mark: mark_x, code: code_x, title: title_x, title_w };
        let candidate = Placement { columns, size, col_w, sheets, geometry, mark };
        if best.as_ref().is_none_or(|b| candidate.sheets.len() < b.sheets.len()) {
            best = Some(candidate);
        }
    }
    best
}

impl Placement {
    /// Draw the rows of sheet `sheet`, `dy` mm higher than placed: number,
    /// mark box, code, the title on as many lines as it needs, and the
    /// right-hand text; every other row shaded.
    pub fn draw(&self, c: &mut Canvas, sheet: usize, rows: &[ListRow], dy: f32) {
        let g = self.geometry;
        let size = self.size;
        let lh = line_height(size);
        for p in &self.sheets[sheet] {
            let r = &rows[p.row];
            let top = p.top + dy;
            if p.row % 2 == 1 {
                c.fill(p.x - 1.0, top - p.h, self.col_w + 2.0, p.h, 0.93);
            }
            let base = top - ROW_PAD - size * PT_MM * 0.8;
            // The row number (what the entry screen accepts) small and grey,
            // so it is not taken for a rank or points written in the box.
            if let Some(n) = r.number {
                let s = n.to_string();
                let ns = size * 0.8;
                c.text_grey(p.x + g.number_right - width(&s, ns, false), base, ns, false, &s, 0.45);
            }
            let box_top = top - ROW_PAD;
            c.fill(p.x + g.mark, box_top - self.mark.h, self.mark.w, self.mark.h, 1.0);
            c.stroke(p.x + g.mark, box_top - self.mark.h, self.mark.w, self.mark.h, 1.2);
            c.text(p.x + g.code, base, size, true, &r.code);
            for (k, line) in p.lines.iter().enumerate() {
                c.text(p.x + g.title, base - k as f32 * lh, size, false, line);
            }
            let rw = width(&r.right, size, false);
            c.text(p.x + self.col_w - rw, base, size, false, &r.right);
        }
    }

    /// The width left for a title in this placement (mm).
    pub fn title_width(&self) -> f32 {
        self.geometry.title_w
    }
}

/// Draw `s` wrapped to `w` mm from baseline `y` down; returns the y below it.
pub fn paragraph(c: &mut Canvas, x: f32, y: f32, w: f32, size: f32, bold: bool, s: &str) -> f32 {
    let lh = line_height(size);
    let mut y = y;
    for line in wrap(s, w, size, bold) {
        c.text(x, y, size, bold, &line);
        y -= lh;
    }
    y
}

/// The height `s` takes wrapped to `w` mm (mm).
pub fn paragraph_height(s: &str, w: f32, size: f32, bold: bool) -> f32 {
    wrap(s, w, size, bold).len() as f32 * line_height(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_come_from_the_font() {
        // DejaVu Sans: 'i' is narrower than 'W', bold wider than regular.
        assert!(width("i", 10.0, false) < width("W", 10.0, false));
        assert!(width("Wijkbudget", 10.0, true) > width("Wijkbudget", 10.0, false));
        // Twice the size, twice the width.
        let a = width("Buurtfeest", 10.0, false);
        assert!((width("Buurtfeest", 20.0, false) - 2.0 * a).abs() < 1e-3);
    }

    #[test]
    fn wrapping_keeps_words_whole_and_inside() {
        let s = "Veilige oversteek aan de Meulestedebrug met verlichting en een zebrapad voor de school";
        for w in [35.0, 60.0, 200.0] {
            let lines = wrap(s, w, 10.0, false);
            assert_eq!(lines.join(" "), s, "nothing lost or changed at {w} mm");
            for l in &lines {
                assert!(width(l, 10.0, false) <= w + 1e-3, "{l:?} wider than {w} mm");
            }
        }
        // A word longer than the line is the only thing broken inside.
        // A euro sign is never left at the end of a line.
        for w in [30.0, 40.0, 50.0] {
            for l in wrap("Samen € 272.835,50 van het budget van € 1.000.000,00; over: € 727.164,50.", w, 11.0, true)
            {
                assert!(!l.ends_with('€'), "{l:?}");
            }
        }
        let long = "Overstromingsbeveiligingsinstallatiebeheersysteem";
        let lines = wrap(long, 20.0, 10.0, false);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), long);
    }

    #[test]
    fn a_list_takes_one_column_then_two_then_more_sheets() {
        let rows = |n: usize, title: &str| -> Vec<ListRow> {
            (1..=n)
                .map(|i| ListRow {
                    number: Some(i),
                    code: format!("P{i:02}"),
                    title: title.into(),
                    right: "€ 12.500,00".into(),
                })
                .collect()
        };
        let area = Area { x: 12.0, top: 240.0, w: 186.0, h: 200.0 };
        let mark = MarkBox { w: 6.5, h: 6.5 };
        let p = place(&rows(10, "Kort"), mark, area, 4).unwrap();
        assert_eq!((p.columns, p.sheets.len()), (1, 1));
        let p = place(&rows(30, "Kort"), mark, area, 4).unwrap();
        assert_eq!((p.columns, p.sheets.len()), (2, 1));
        let long = "Een heel lange titel van een plan ".repeat(3);
        let p = place(&rows(60, &long), mark, area, 4).unwrap();
        assert!(p.sheets.len() > 1);
        assert!(place(&rows(60, &long), mark, area, 1).is_none(), "over the sheet limit");
        // Every row placed once, none below the area.
        let placed: Vec<usize> = p.sheets.iter().flatten().map(|x| x.row).collect();
        assert_eq!(placed, (0..60).collect::<Vec<_>>());
        assert!(p.sheets.iter().flatten().all(|x| x.top - x.h >= area.top - area.h - 1e-3));
    }
}
