//! The printed documents: ballots (one or two per sheet, plan lists over
//! columns and sheets), ballot-box covers, gesprekstafels' table sheets and
//! the panel's round cards. A list that cannot be printed legibly is refused
//! before any page is drawn.

use super::*;

/// One named parameter for a translation.
pub fn one(k: &str, v: impl ToString) -> std::collections::BTreeMap<String, String> {
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

/// Most plans one printed list shows (row numbers stay two digits).
pub const MAX_LIST_PLANS: usize = 99;
/// Most sheets one ballot, table sheet or round card may take.
pub const MAX_SHEETS: usize = 6;
const MARGIN: f32 = 12.0;
const TOP_MARGIN: f32 = 9.0;
const QR_SIZE: f32 = 28.0;
/// The tick box on a ballot: at least 6 mm, as the standard for hand marks asks.
const TICK: MarkBox = MarkBox { w: 6.5, h: 6.5 };
/// A box to write a number in (points, a rank).
const NUMBER_BOX: MarkBox = MarkBox { w: 11.0, h: 7.0 };
const SMALL: f32 = 8.5;

/// The fixed parts of one printed item with a plan list (a ballot, a table's
/// sheet, a member's card), repeated on each of its sheets.
struct Item {
    title: String,
    subtitle: String,
    instruction: String,
    /// A label with a box to write a number in (a table's participants).
    field: Option<String>,
    /// Ruled lines for notes, above the small print.
    ruled: usize,
    /// Small print at the bottom: what to do after a mistake, how to hand it in.
    foot: Vec<String>,
    qr: String,
    /// `qr` already encoded, when the caller encoded many at once.
    qr_grid: Option<QrGrid>,
    /// Under the QR code: the serial, ...
    under_qr: Vec<String>,
}

/// Where an item's parts go, in mm from the bottom of its band.
struct Frame {
    band_h: f32,
    placement: Placement,
}

fn text_w() -> f32 {
    A4_W - 2.0 * MARGIN - QR_SIZE - 6.0
}

impl Item {
    fn header_h(&self) -> f32 {
        let w = text_w();
        let mut left = paragraph_height(&self.title, w, 15.0, true)
            + paragraph_height(&self.subtitle, w, 11.0, false)
            + 1.5
            + paragraph_height(&self.instruction, w, 9.5, false);
        if self.field.is_some() {
            left += 10.0;
        }
        let right = QR_SIZE + 1.0 + (self.under_qr.len() + 1) as f32 * line_height(9.0);
        TOP_MARGIN + left.max(right) + 3.0
    }

    fn footer_h(&self) -> f32 {
        let w = A4_W - 2.0 * MARGIN;
        let small: f32 = self.foot.iter().map(|s| paragraph_height(s, w, SMALL, false)).sum();
        let ruled = if self.ruled > 0 { 9.0 + self.ruled as f32 * 8.0 } else { 0.0 };
        6.0 + small + ruled + 2.0
    }

    /// Place `rows` in a band of `band_h` mm on at most `max_sheets` sheets.
    fn frame(&self, band_h: f32, rows: &[ListRow], mark: MarkBox, max_sheets: usize) -> Option<Frame> {
        let header_h = self.header_h();
        let area =
            Area { x: MARGIN, top: band_h - header_h, w: A4_W - 2.0 * MARGIN, h: band_h - header_h - self.footer_h() };
        if area.h < 20.0 {
            return None;
        }
        place(rows, mark, area, max_sheets).map(|placement| Frame { band_h, placement })
    }

    /// Make this (ballot) item the one for `serial`, its QR code already encoded.
    fn for_ballot(&mut self, serial: &Serial, grid: QrGrid, lang: Lang) {
        self.qr_grid = Some(grid);
        self.under_qr = vec![tr(lang, "print.serial", &one("serial", serial.display()))];
    }

    /// Draw sheet `k` of this item in the band starting `y0` mm from the page's bottom.
    fn draw(&self, c: &mut Canvas, y0: f32, frame: &Frame, k: usize, rows: &[ListRow], lang: Lang) {
        let top = y0 + frame.band_h - TOP_MARGIN;
        let w = text_w();
        let mut y = top - 15.0 * PT_MM * 0.8;
        y = paragraph(c, MARGIN, y, w, 15.0, true, &self.title);
        y = paragraph(c, MARGIN, y, w, 11.0, false, &self.subtitle) - 1.5;
        y = paragraph(c, MARGIN, y, w, 9.5, false, &self.instruction);
        if let Some(label) = &self.field {
            let y = y - 5.0;
            c.text(MARGIN, y, 10.0, true, label);
            let lw = layout::width(label, 10.0, true);
            c.stroke(MARGIN + lw + 3.0, y - 2.0, 20.0, 8.0, 1.0);
        }
        let qx = A4_W - MARGIN - QR_SIZE;
        match &self.qr_grid {
            Some(g) => c.qr_grid(qx, top - QR_SIZE, QR_SIZE, g),
            None => c.qr(qx, top - QR_SIZE, QR_SIZE, &self.qr),
        }
        let n = frame.placement.sheets.len();
        let mut under = self.under_qr.clone();
        if n > 1 {
            let mut m = std::collections::BTreeMap::new();
            m.insert("sheet".to_string(), (k + 1).to_string());
            m.insert("sheets".to_string(), n.to_string());
            under.push(tr(lang, "print.sheet_of", &m));
        }
        let mut uy = top - QR_SIZE - 1.0 - 9.0 * PT_MM;
        for s in &under {
            c.text_right(A4_W - MARGIN - 1.0, uy, 9.0, true, s);
            uy -= line_height(9.0);
        }

        frame.placement.draw(c, k, rows, y0);

        let fw = A4_W - 2.0 * MARGIN;
        let mut fy = y0 + 6.0;
        for s in self.foot.iter().rev() {
            let h = paragraph_height(s, fw, SMALL, false);
            paragraph(c, MARGIN, fy + h - SMALL * PT_MM * 0.9, fw, SMALL, false, s);
            fy += h;
        }
        if self.ruled > 0 && k + 1 == n {
            for i in 0..self.ruled {
                c.fill(MARGIN, fy + 2.0 + i as f32 * 8.0, fw, 0.3, 0.6);
            }
            c.text(
                MARGIN,
                fy + 2.0 + self.ruled as f32 * 8.0,
                10.0,
                true,
                &tr(lang, "print.table_notes", &Default::default()),
            );
        }
    }
}

/// The rows of a printed plan list. Costs in whole euros print without
/// ",00" (narrower columns), unless one cost has cents: one format per list.
fn list_rows(plans: impl Iterator<Item = (String, String, i64)>, numbered: bool, lang: Lang) -> Vec<ListRow> {
    let plans: Vec<(String, String, i64)> = plans.collect();
    let whole = plans.iter().all(|(_, _, cost)| cost % 100 == 0);
    plans
        .into_iter()
        .enumerate()
        .map(|(i, (code, title, cost))| ListRow {
            number: numbered.then_some(i + 1),
            code,
            title,
            right: if whole { crate::money::format_euro_short(cost, lang) } else { format_euro(cost, lang) },
        })
        .collect()
}

fn too_many(rows: &[ListRow]) -> Result<(), Problem> {
    if rows.len() > MAX_LIST_PLANS {
        return Err(Problem::new("print.too_many_plans").with("count", rows.len()).with("max", MAX_LIST_PLANS));
    }
    Ok(())
}

fn too_long(rows: &[ListRow]) -> Problem {
    Problem::new("print.too_long").with("count", rows.len()).with("sheets", MAX_SHEETS)
}

/// What the ballot says around its list; the serial is filled in per
/// ballot. A ballot of more than one sheet says on each that its rule counts
/// for all sheets together.
fn ballot_item(sel: &Selection, style: &BallotStyle, sheets: usize, lang: Lang) -> Item {
    let mut foot = vec![tr(lang, "print.mistake", &Default::default()), tr(lang, "print.fold", &Default::default())];
    if sheets > 1 {
        foot.insert(0, tr(lang, "print.all_sheets", &one("sheets", sheets)));
    }
    Item {
        title: tr(lang, "print.ballot_title", &one("edition", &sel.edition)),
        subtitle: sel.wijk.clone(),
        instruction: instruction(style, lang),
        field: None,
        ruled: 0,
        foot,
        qr: String::new(),
        qr_grid: None,
        under_qr: vec![tr(lang, "print.serial", &one("serial", "0000-0000-0"))],
    }
}

/// How ballots of this selection would be laid out, or why they cannot be
/// printed: more than [`MAX_LIST_PLANS`] plans, more than [`MAX_SHEETS`]
/// sheets per ballot, or two per page when the plans do not fit half a page.
pub fn ballot_layout(
    sel: &Selection,
    plans: &[Plan],
    style: &BallotStyle,
    per_page: u8,
    lang: Lang,
) -> Result<(usize, usize), Problem> {
    let rows = list_rows(plans.iter().map(|p| (p.code.clone(), p.title.clone(), p.cost_cents)), true, lang);
    let (f, _) = ballot_frame(sel, &rows, style, per_page, lang)?;
    Ok((f.placement.columns, f.placement.sheets.len()))
}

/// The frame of a ballot and the sheet count its footer was written for.
fn ballot_frame(
    sel: &Selection,
    rows: &[ListRow],
    style: &BallotStyle,
    per_page: u8,
    lang: Lang,
) -> Result<(Frame, usize), Problem> {
    too_many(rows)?;
    if per_page >= 2 {
        let frame = ballot_item(sel, style, 1, lang)
            .frame(A4_H / 2.0, rows, TICK, 1)
            .ok_or_else(|| Problem::new("print.two_per_page_too_many").with("count", rows.len()))?;
        return Ok((frame, 1));
    }
    // With more than one sheet the footer says so, a line more, which may take another sheet.
    let mut sheets = 1;
    for _ in 0..4 {
        let item = ballot_item(sel, style, sheets, lang);
        let frame = item.frame(A4_H, rows, TICK, MAX_SHEETS).ok_or_else(|| too_long(rows))?;
        let n = frame.placement.sheets.len();
        if n == sheets {
            return Ok((frame, n));
        }
        sheets = n;
    }
    Err(too_long(rows))
}

/// Ballots for `serials`, one or two per A4 page (two: cut along the line).
/// A ballot whose plans need more than one sheet gets continuation sheets
/// with the same serial and QR code ("blad 1 van 2"), so entry still takes
/// one scan. Refused (no PDF) when the plans cannot be printed legibly.
pub fn ballots(
    sel: &Selection,
    plans: &[Plan],
    style: &BallotStyle,
    style_hash: &str,
    serials: &[Serial],
    per_page: u8,
    lang: Lang,
) -> Result<Vec<u8>, Problem> {
    let rows = list_rows(plans.iter().map(|p| (p.code.clone(), p.title.clone(), p.cost_cents)), true, lang);
    let per_page = per_page.clamp(1, 2);
    let (frame, said) = ballot_frame(sel, &rows, style, per_page, lang)?;
    let mut item = ballot_item(sel, style, said, lang);
    let mut doc = Doc::new(&item.title);
    let sheets = frame.placement.sheets.len();
    let payloads: Vec<String> = serials.iter().map(|s| qr_payload(sel.id, s, style_hash)).collect();
    let grids = QrGrid::many(&payloads);
    let mut ballots = serials.iter().zip(grids);
    if per_page == 2 {
        while let Some((serial, grid)) = ballots.next() {
            let mut c = doc.canvas();
            item.for_ballot(serial, grid, lang);
            item.draw(&mut c, A4_H / 2.0, &frame, 0, &rows, lang);
            if let Some((serial, grid)) = ballots.next() {
                item.for_ballot(serial, grid, lang);
                item.draw(&mut c, 0.0, &frame, 0, &rows, lang);
            }
            c.fill(5.0, A4_H / 2.0 - 0.2, A4_W - 10.0, 0.4, 0.6);
            doc.push(c);
        }
    } else {
        for (serial, grid) in ballots {
            item.for_ballot(serial, grid, lang);
            for k in 0..sheets {
                let mut c = doc.canvas();
                item.draw(&mut c, 0.0, &frame, k, &rows, lang);
                doc.push(c);
            }
        }
    }
    Ok(doc.finish())
}

/// A cover sheet for a ballot box: where it stood, how many ballots it should
/// hold, and a QR code naming the box, below the text whatever its length
/// (names and locations are limited, see `batch::MAX_LOCATION`).
pub fn box_cover(sel: &Selection, box_id: i64, box_name: &str, location: &str, expected: u64, lang: Lang) -> Vec<u8> {
    // "Stembus 2", not "Stembus Stembus 2".
    let word = tr(lang, "print.box_title", &one("box", "")).trim().to_lowercase();
    let title = if box_name.to_lowercase().starts_with(&word) {
        box_name.to_string()
    } else {
        tr(lang, "print.box_title", &one("box", box_name))
    };
    let mut doc = Doc::new(&title);
    doc.page(|c| {
        let w = A4_W - 40.0;
        let mut y = paragraph(c, 20.0, 270.0, w, 22.0, true, &title);
        y = paragraph(c, 20.0, y - 2.0, w, 14.0, false, &format!("{} — {}", sel.wijk, sel.edition));
        y = paragraph(c, 20.0, y - 2.0, w, 12.0, false, &tr(lang, "print.box_location", &one("location", location)));
        y = paragraph(c, 20.0, y, w, 12.0, false, &tr(lang, "print.box_expected", &one("expected", expected)));
        let qr_top = y - 6.0;
        c.qr(20.0, qr_top - 70.0, 70.0, &crate::paper::ballot::box_payload(sel.id, box_id));
        let sy = qr_top - 82.0;
        c.text(20.0, sy, 11.0, false, &tr(lang, "print.box_signatures", &Default::default()));
        for (x, key) in [(20.0, "print.box_opened"), (110.0, "print.box_closed")] {
            c.text(x, sy - 7.0, 10.0, true, &tr(lang, key, &Default::default()));
            c.stroke(x, sy - 40.0, 80.0, 30.0, 0.8);
        }
    });
    doc.finish()
}

/// One sheet per conversation table (continued on more sheets when its plans
/// need them): round, table, facilitator, the plans it discusses with a box
/// for the table's value, room for conditions and notes, and a QR code that
/// opens this table in the entry screen.
pub fn table_sheets(
    sel: &Selection,
    tables: &[crate::tables::TableView],
    plans: &[Plan],
    format: &crate::tables::VerdictFormat,
    lang: Lang,
) -> Result<Vec<u8>, Problem> {
    let key = match format {
        crate::tables::VerdictFormat::Points { .. } => "print.table_points",
        crate::tables::VerdictFormat::Ranking => "print.table_ranking",
        crate::tables::VerdictFormat::Support => "print.table_support",
    };
    let per = if let crate::tables::VerdictFormat::Points { per_participant } = format { *per_participant } else { 0 };
    let mut items = Vec::new();
    for t in tables {
        let rows = list_rows(
            t.plans
                .iter()
                .filter_map(|code| plans.iter().find(|x| &x.code == code))
                .map(|p| (p.code.clone(), p.title.clone(), p.cost_cents)),
            false,
            lang,
        );
        too_many(&rows)?;
        let mut m = std::collections::BTreeMap::new();
        m.insert("round".to_string(), t.round.to_string());
        m.insert("table".to_string(), t.name.clone());
        let mut m2 = std::collections::BTreeMap::new();
        m2.insert("facilitator".to_string(), t.facilitator.clone());
        m2.insert("location".to_string(), t.location.clone());
        let item = Item {
            title: tr(lang, "print.table_heading", &m),
            subtitle: format!("{} — {}. {}", sel.wijk, sel.edition, tr(lang, "print.table_facilitator", &m2)),
            instruction: tr(lang, key, &one("per", per)),
            field: Some(tr(lang, "print.table_participants", &Default::default())),
            ruled: 5,
            foot: vec![],
            qr: t.qr.clone(),
            qr_grid: None,
            under_qr: vec![],
        };
        let frame = item.frame(A4_H, &rows, NUMBER_BOX, MAX_SHEETS).ok_or_else(|| too_long(&rows))?;
        items.push((item, frame, rows));
    }
    let mut doc = Doc::new(&tr(lang, "print.table_title", &one("wijk", &sel.wijk)));
    for (item, frame, rows) in &items {
        for k in 0..frame.placement.sheets.len() {
            let mut c = doc.canvas();
            item.draw(&mut c, 0.0, frame, k, rows, lang);
            doc.push(c);
        }
    }
    Ok(doc.finish())
}

/// One card per present member for a panel round: member, round, the plans
/// with a box each, and a QR code that opens the member's row in the grid.
/// Two cards per page when the plans fit half a page, otherwise one per page
/// (continued on more sheets when needed).
pub fn round_cards(
    sel: &Selection,
    round: u32,
    members: &[(String, String)],
    plans: &[(String, String, i64)],
    format: &crate::panel::RoundFormat,
    lang: Lang,
) -> Result<Vec<u8>, Problem> {
    let rows = list_rows(plans.iter().cloned(), false, lang);
    too_many(&rows)?;
    let how = match format {
        crate::panel::RoundFormat::Points { per_member } => tr(lang, "print.card_points", &one("n", per_member)),
        crate::panel::RoundFormat::Approval { max } => tr(lang, "print.card_approval", &one("n", max)),
        crate::panel::RoundFormat::Ranking => tr(lang, "print.card_ranking", &Default::default()),
        crate::panel::RoundFormat::Consent => tr(lang, "print.card_consent", &Default::default()),
    };
    let mark = match format {
        crate::panel::RoundFormat::Approval { .. } | crate::panel::RoundFormat::Consent => TICK,
        _ => NUMBER_BOX,
    };
    let card = |code: &str, name: &str| {
        let mut m = std::collections::BTreeMap::new();
        m.insert("round".to_string(), round.to_string());
        m.insert("member".to_string(), format!("{code} {name}"));
        Item {
            title: tr(lang, "print.card_heading", &m),
            subtitle: format!("{} — {}", sel.wijk, sel.edition),
            instruction: how.clone(),
            field: None,
            ruled: 0,
            foot: vec![],
            qr: crate::panel::card_payload(sel.id, round, code),
            qr_grid: None,
            under_qr: vec![],
        }
    };
    // The longest member name decides whether two cards fit on a page.
    let widest = members.iter().max_by_key(|(c, n)| c.chars().count() + n.chars().count());
    let probe = widest.map(|(c, n)| card(c, n)).unwrap_or_else(|| card("", ""));
    let two = probe.frame(A4_H / 2.0, &rows, mark, 1).is_some();
    let mut doc = Doc::new(&tr(lang, "print.card_title", &one("round", round)));
    if two {
        for chunk in members.chunks(2) {
            let mut c = doc.canvas();
            for (i, (code, name)) in chunk.iter().enumerate() {
                let item = card(code, name);
                let frame = item.frame(A4_H / 2.0, &rows, mark, 1).ok_or_else(|| too_long(&rows))?;
                item.draw(&mut c, A4_H / 2.0 * (1 - i) as f32, &frame, 0, &rows, lang);
            }
            c.fill(5.0, A4_H / 2.0 - 0.2, A4_W - 10.0, 0.4, 0.6);
            doc.push(c);
        }
    } else {
        for (code, name) in members {
            let item = card(code, name);
            let frame = item.frame(A4_H, &rows, mark, MAX_SHEETS).ok_or_else(|| too_long(&rows))?;
            for k in 0..frame.placement.sheets.len() {
                let mut c = doc.canvas();
                item.draw(&mut c, 0.0, &frame, k, &rows, lang);
                doc.push(c);
            }
        }
    }
    Ok(doc.finish())
}
