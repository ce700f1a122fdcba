//! The lottery table: every numbered panel of a draw with its members'
//! codes, and how the number is drawn in public. The moderator prints it
//! before the draw; anyone can check afterwards that the number drawn gives
//! the panel that was seated.

use super::layout::{line_height, paragraph, wrap};
use super::{Doc, A4_H, A4_W};
use crate::i18n::{tr, Lang};
use crate::panel::draw::LotteryTable;

fn vars(pairs: &[(&str, String)]) -> std::collections::BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

/// The table as PDF (byte-stable: the same draw gives the same file).
pub fn lottery_table(t: &LotteryTable, lang: Lang) -> Vec<u8> {
    let m = t.panels.len();
    let digits = (m - 1).to_string().len().max(3);
    let number = |j: usize| format!("{j:0digits$}");
    let decimal = |s: &str| {
        if lang == Lang::Nl {
            s.replace('.', ",")
        } else {
            s.to_string()
        }
    };
    let title = tr(lang, "print.lottery_title", &Default::default());
    let intro = tr(
        lang,
        "print.lottery_intro",
        &vars(&[
            ("m", m.to_string()),
            ("size", t.size.to_string()),
            ("respondents", t.respondents.to_string()),
            ("min", decimal(&t.min_probability)),
            ("dev", decimal(&t.max_deviation)),
        ]),
    );
    let how = tr(
        lang,
        "print.lottery_how",
        &vars(&[("first", number(0)), ("last", number(m - 1)), ("dice", digits.to_string())]),
    );
    let hashes = tr(
        lang,
        "print.lottery_hashes",
        &vars(&[("pool", t.pool_sha256.clone()), ("quotas", t.quotas_sha256.clone()), ("table", t.sha256())]),
    );

    // The rows: a panel's number, then its members' codes, wrapped.
    let (size, left, top, bottom) = (8.5_f32, 18.0_f32, A4_H - 18.0, 20.0_f32);
    let num_w = super::layout::width(&number(0), size, true) + 4.0;
    let codes_w = A4_W - 2.0 * left - num_w;
    let lh = line_height(size);
    let rows: Vec<(String, Vec<String>)> = t
        .panels
        .iter()
        .enumerate()
        .map(|(j, codes)| (number(j), wrap(&codes.join("  "), codes_w, size, false)))
        .collect();

    // Where each page starts (the first after the heading), to number the
    // pages "N of M" before drawing them.
    let heading = |c: &mut super::Canvas| {
        let mut y = paragraph(c, left, top, A4_W - 2.0 * left, 16.0, true, &title) - 2.0;
        for text in [&intro, &how] {
            y = paragraph(c, left, y, A4_W - 2.0 * left, 10.0, false, text) - 2.0;
        }
        paragraph(c, left, y, A4_W - 2.0 * left, 7.5, false, &hashes) - 4.0
    };
    let mut doc = Doc::new(&title);
    let first_y = heading(&mut doc.canvas());
    let mut pages: Vec<Vec<usize>> = vec![Vec::new()];
    let mut y = first_y;
    for (j, (_, lines)) in rows.iter().enumerate() {
        let need = lines.len() as f32 * lh + 1.2;
        if y - need < bottom {
            pages.push(Vec::new());
            y = top;
        }
        pages.last_mut().expect("a page").push(j);
        y -= need;
    }
    let total = pages.len();
    for (p, on_page) in pages.iter().enumerate() {
        let mut c = doc.canvas();
        let mut y = if p == 0 { heading(&mut c) } else { top };
        for &j in on_page {
            let (n, lines) = &rows[j];
            c.text(left, y, size, true, n);
            for line in lines {
                c.text(left + num_w, y, size, false, line);
                y -= lh;
            }
            y -= 1.2;
        }
        let page = vars(&[("page", (p + 1).to_string()), ("pages", total.to_string())]);
        c.text(left, 10.0, 8.0, false, &tr(lang, "print.lottery_page", &page));
        doc.push(c);
    }
    doc.finish_stable()
}
