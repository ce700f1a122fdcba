//! Paper-ballot targets (issue #4), printed as a table:
//! - durable save of one ballot entry, through the real entry path (all
//!   checks, the entry row, its audit event, one transaction committed with
//!   synchronous=FULL in WAL mode), median and p99 — target under 5 ms.
//!   Beside it, on the same disk in the same run: a bare SQLite insert with
//!   the same durability settings, the floor any design pays.
//! - printing 1,000 ballots to PDF: time and size — targets under 3 s and 5 MB.
//!
//! Run: `cargo bench --bench paper`. The database lives in the target
//! directory (a real disk), not in /tmp (often RAM).
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

use std::time::Instant;

use wijkstem::i18n::Lang;
use wijkstem::paper::ballot::{qr_payload, BallotStyle, EntryRules};
use wijkstem::paper::{parse_marks, PaperSettings};
use wijkstem::session::Session;

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-paper");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let n = 500;

    let mut s = Session::open(&dir.join("bench.sqlite")).unwrap();
    s.set_up_roster("Bench", "2580").unwrap();
    s.load_demo().unwrap();
    s.set_paper_settings(
        1,
        &PaperSettings {
            style: BallotStyle::Approval { min: 1, max: 3 },
            double_entry: false,
            rules: EntryRules::default(),
        },
    )
    .unwrap();
    let (serials, _) = s.print_ballots(1, n, 2, Lang::Nl).unwrap();
    let hash: String = s.store().conn().query_row("SELECT style_hash FROM ballot LIMIT 1", [], |r| r.get(0)).unwrap();
    let marks = parse_marks("MM01,MM03,MM07").unwrap();
    let mut ours = Vec::with_capacity(n as usize);
    for serial in &serials {
        let scan = qr_payload(1, serial, &hash);
        let t = Instant::now();
        s.enter_ballot(1, None, &scan, &marks, None).unwrap();
        ours.push(t.elapsed().as_secs_f64() * 1000.0);
    }

    let conn = rusqlite::Connection::open(dir.join("bare.sqlite")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute("CREATE TABLE e (id INTEGER PRIMARY KEY, serial TEXT, marks TEXT)", []).unwrap();
    let mut bare = Vec::with_capacity(n as usize);
    for serial in &serials {
        let t = Instant::now();
        conn.execute("INSERT INTO e (serial, marks) VALUES (?1, ?2)", [&serial.0, "[[\"MM01\",1]]"]).unwrap();
        bare.push(t.elapsed().as_secs_f64() * 1000.0);
    }

    println!("| measure | wijkstem | bare SQLite insert (same disk, WAL, FULL) | target |");
    println!("|---|---:|---:|---|");
    println!(
        "| durable save of one entry, median ({n} entries) | {:.2} ms | {:.2} ms | < 5 ms |",
        pct(&mut ours, 0.5),
        pct(&mut bare, 0.5)
    );
    println!(
        "| durable save of one entry, p99 | {:.2} ms | {:.2} ms | < 5 ms |",
        pct(&mut ours, 0.99),
        pct(&mut bare, 0.99)
    );

    let mut s = Session::in_memory().unwrap();
    s.set_up_roster("Bench", "2580").unwrap();
    s.load_demo().unwrap();
    s.set_paper_settings(
        1,
        &PaperSettings {
            style: BallotStyle::Approval { min: 1, max: 3 },
            double_entry: false,
            rules: EntryRules::default(),
        },
    )
    .unwrap();
    for per_page in [1u8, 2] {
        let t = Instant::now();
        let (_, pdf) = s.print_ballots(1, 1000, per_page, Lang::Nl).unwrap();
        let secs = t.elapsed().as_secs_f64();
        println!(
            "| print 1,000 ballots, {per_page} per page | {secs:.2} s, {:.2} MB | — | < 3 s, < 5 MB |",
            pdf.len() as f64 / 1e6
        );
    }
    // Thirty plans (Ghent's wijken have twenty or thirty), one ballot per
    // page: with titles of about 40 characters (the demo's length) a ballot
    // takes one sheet in two columns; with titles of about 70 it is
    // continued on a second sheet, so 1,000 ballots are 2,000 sheets.
    for (title_len, name) in [(40usize, "about 40"), (70, "about 70")] {
        let sel = s
            .create_selection(&wijkstem::selection::SelectionInput {
                edition: "Wijkbudget 2026".into(),
                wijk: "Brugse Poort – Rabot".into(),
                budget_cents: 100_000_000,
                method: wijkstem::selection::Method::Ballots,
            })
            .unwrap();
        for i in 1..=30 {
            let words = "groene speelplek met bankjes en een overdekte fietsenstalling aan de school";
            let mut title = format!("Plan {i}:");
            for w in words.split(' ') {
                if title.len() + 1 + w.len() > title_len {
                    break;
                }
                title.push(' ');
                title.push_str(w);
            }
            s.add_plan(
                sel.id,
                &wijkstem::selection::PlanInput {
                    code: format!("BP{i:02}"),
                    title,
                    description: String::new(),
                    cost_cents: 1_000_000 + i * 10_000,
                    initiator: String::new(),
                },
            )
            .unwrap();
        }
        s.set_paper_settings(
            sel.id,
            &PaperSettings {
                style: BallotStyle::Approval { min: 1, max: 3 },
                double_entry: false,
                rules: EntryRules::default(),
            },
        )
        .unwrap();
        let t = Instant::now();
        let (_, pdf) = s.print_ballots(sel.id, 1000, 1, Lang::Nl).unwrap();
        let secs = t.elapsed().as_secs_f64();
        let sel_v = s.selection(sel.id).unwrap();
        let (_, sheets) = wijkstem::pdf::ballot_layout(
            &sel_v,
            &s.plans(sel.id).unwrap(),
            &BallotStyle::Approval { min: 1, max: 3 },
            1,
            Lang::Nl,
        )
        .unwrap();
        let target = if sheets == 1 { "< 3 s, < 5 MB" } else { "(2 sheets per ballot: no target)" };
        println!(
            "| print 1,000 ballots of 30 plans, titles {name} characters ({} sheet(s) each) | {secs:.2} s, {:.2} MB | — | {target} |",
            sheets,
            pdf.len() as f64 / 1e6
        );
    }
}
