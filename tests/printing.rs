//! Printing at real sizes: ballots, table sheets and round cards for 5 to 60
//! plans with titles up to the longest a plan may have, checked with tools
//! that do not share our code: `pdftotext` (every code and full title, once
//! per ballot), `pdftotext -bbox` (every word inside the page, inside its own
//! ballot's half, no two words on top of each other) and `pdftoppm` +
//! `zbarimg` (the QR code on every sheet). Above the limit the CLI refuses
//! with the message and writes no file.
//!
//! `WIJKSTEM_KEEP_PDF=<dir>` keeps the PDFs to look at.
#![allow(clippy::unwrap_used)] // tests may panic on what they did not expect

use std::path::{Path, PathBuf};
use std::process::Command;

use wijkstem::i18n::Lang;
use wijkstem::paper::ballot::{qr_payload, BallotStyle, PrintedPlan, Serial};
use wijkstem::paper::PaperSettings;
use wijkstem::selection::{Method, PlanInput, SelectionInput, MAX_TITLE};
use wijkstem::session::Session;

mod common;
use common::{check_positions, count, count_token, text_of, words};

const WORDS: &[&str] = &[
    "Groene",
    "speelplek",
    "aan",
    "de",
    "Sleepstraat",
    "met",
    "bankjes",
    "voor",
    "café",
    "en",
    "overdekte",
    "fietsenstalling",
    "bij",
    "het",
    "Rabotpark",
    "veilige",
    "oversteek",
    "naar",
    "école",
    "buurtmoestuin",
    "Meulestedebrug",
    "zeventig",
    "bomen",
    "één",
    "straatfeest",
];

/// A title of about `len` characters that starts with a word no other title
/// has, so each can be searched for exactly.
fn title(i: usize, len: usize) -> String {
    let mut t = format!("Idee{i:02}");
    let mut k = i;
    while t.chars().count() < len {
        let w = WORDS[k % WORDS.len()];
        if t.chars().count() + 1 + w.chars().count() > len {
            break;
        }
        t.push(' ');
        t.push_str(w);
        k += 7;
    }
    t
}

fn plans(n: usize, len: usize) -> Vec<(String, String, i64)> {
    (1..=n).map(|i| (format!("P{i:02}"), title(i, len), 1_000_000 + i as i64 * 12_345)).collect()
}

fn session_with(db: Option<&Path>, n: usize, len: usize) -> (Session, i64) {
    let mut s = match db {
        Some(p) => Session::open(p).unwrap(),
        None => Session::in_memory().unwrap(),
    };
    common::sign_in(&mut s, "Anna").unwrap();
    let sel = s
        .create_selection(&SelectionInput {
            edition: "Wijkbudget 2026".into(),
            wijk: "Brugse Poort – Rabot".into(),
            budget_cents: 100_000_000,
            method: Method::Ballots,
        })
        .unwrap();
    for (code, title, cost) in plans(n, len) {
        s.add_plan(
            sel.id,
            &PlanInput { code, title, description: String::new(), cost_cents: cost, initiator: String::new() },
        )
        .unwrap();
    }
    s.set_paper_settings(
        sel.id,
        &PaperSettings {
            style: BallotStyle::Approval { min: 1, max: 3 },
            double_entry: false,
            rules: Default::default(),
        },
    )
    .unwrap();
    (s, sel.id)
}

fn keep(pdf: &[u8], name: &str, dir: &Path) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    if let Some(k) = std::env::var_os("WIJKSTEM_KEEP_PDF") {
        std::fs::create_dir_all(&k).unwrap();
        std::fs::write(Path::new(&k).join(name), pdf).unwrap();
    }
    path
}

/// The QR codes of each page, decoded from a 150 dpi rendering.
fn qr_per_page(pdf: &Path, work: &Path, pages: usize) -> Option<Vec<Vec<String>>> {
    if !(common::need("pdftoppm") && common::need("zbarimg")) {
        return None;
    }
    let mut out = Vec::new();
    for k in 1..=pages {
        let prefix = work.join(format!("qr-{k}"));
        let ok = Command::new("pdftoppm")
            .args(["-r", "150", "-png", "-singlefile", "-f", &k.to_string(), "-l", &k.to_string()])
            .arg(pdf)
            .arg(&prefix)
            .status()
            .unwrap();
        assert!(ok.success());
        let png = prefix.with_extension("png");
        let z = Command::new("zbarimg").args(["-q", "--raw"]).arg(&png).output().unwrap();
        let mut codes: Vec<String> =
            String::from_utf8_lossy(&z.stdout).lines().filter(|l| !l.is_empty()).map(String::from).collect();
        codes.sort();
        out.push(codes);
        std::fs::remove_file(png).unwrap();
    }
    Some(out)
}

#[test]
fn ballots_of_5_to_60_plans_print_whole_and_scan_on_every_sheet() {
    if !common::need("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (n, len) in [(5, 40), (15, 120), (30, 60), (30, 120), (45, 120), (60, 120), (60, MAX_TITLE)] {
        for per_page in [1u8, 2] {
            let (mut s, id) = session_with(None, n, len);
            let sel = s.selection(id).unwrap();
            let all = s.plans(id).unwrap();
            let fits_two =
                wijkstem::pdf::ballot_layout(&sel, &all, &BallotStyle::Approval { min: 1, max: 3 }, 2, Lang::Nl);
            let printed = s.print_ballots(id, 3, per_page, Lang::Nl);
            if per_page == 2 && fits_two.is_err() {
                let e = printed.unwrap_err();
                assert_eq!(e.problems[0].code, "print.two_per_page_too_many", "{n} plans");
                assert!(e.problems[0].render(Lang::Nl).contains("1 per blad"));
                continue;
            }
            let (serials, pdf) = printed.unwrap_or_else(|e| panic!("{n} plans of {len}, {per_page} per page: {e:?}"));
            let path = keep(&pdf, &format!("ballots-{n}-plans-{len}-chars-{per_page}-per-page.pdf"), dir.path());
            let (pages, ws) = words(&path);
            check_positions(&pages, &ws, per_page == 2);
            let printed_plans: Vec<PrintedPlan> = all
                .iter()
                .map(|p| PrintedPlan { code: p.code.clone(), title: p.title.clone(), cost_cents: p.cost_cents })
                .collect();
            let hash = wijkstem::paper::ballot::style_hash(&BallotStyle::Approval { min: 1, max: 3 }, &printed_plans);
            // Which page (and which half) holds which ballot.
            let sheets = if per_page == 2 { 1 } else { pages.len() / serials.len() };
            assert_eq!(pages.len(), if per_page == 2 { 2 } else { serials.len() * sheets }, "{n} plans");
            let codes = qr_per_page(&path, dir.path(), pages.len());
            for (b, serial) in serials.iter().enumerate() {
                let ph = pages[0].1;
                let text: String = if per_page == 2 {
                    let (top, bottom) = if b % 2 == 0 { (0.0, ph / 2.0) } else { (ph / 2.0, ph) };
                    text_of(&path, b / 2, Some((top, bottom)))
                } else {
                    (0..sheets).map(|k| text_of(&path, b * sheets + k, None)).collect::<Vec<_>>().join(" ")
                };
                for (i, p) in all.iter().enumerate() {
                    assert_eq!(count_token(&text, &p.code), 1, "{n} plans, ballot {b}: code {} once", p.code);
                    assert_eq!(count(&text, &p.title), 1, "{n} plans, ballot {b}: full title of {} once", p.code);
                    assert!(count_token(&text, &(i + 1).to_string()) >= 1, "row number {}", i + 1);
                }
                // Its own serial, once per sheet, and no other ballot's.
                assert_eq!(count(&text, &serial.display()), sheets, "{n} plans: serial on every sheet");
                for other in serials.iter().filter(|o| *o != serial) {
                    assert_eq!(count(&text, &other.display()), 0, "another ballot's serial inside ballot {b}");
                }
                if sheets > 1 {
                    assert_eq!(count(&text, "geldt voor alle bladen samen"), sheets, "the rule counts for all sheets");
                    for k in 1..=sheets {
                        assert!(text.contains(&format!("Blad {k} van {sheets}")), "{n} plans: sheet {k} of {sheets}");
                    }
                }
                assert!(text.contains("Vraag een nieuw stembiljet"), "what to do after a mistake");
                if let Some(codes) = &codes {
                    let payload = qr_payload(id, serial, &hash);
                    if per_page == 2 {
                        assert!(codes[b / 2].contains(&payload), "{n} plans: QR of ballot {b} decodes");
                        assert_eq!(codes[b / 2].len(), 2.min(serials.len() - b / 2 * 2));
                    } else {
                        for k in 0..sheets {
                            assert_eq!(codes[b * sheets + k], vec![payload.clone()], "QR on sheet {k} of ballot {b}");
                        }
                    }
                }
            }
            let _: Vec<Serial> = serials;
        }
    }
}

#[test]
fn beyond_the_limit_the_cli_refuses_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for (n, per_page, expect) in [(100, "1", "hoogstens 99 plannen"), (40, "2", "1 per blad")] {
        let db = dir.path().join(format!("w{n}.sqlite"));
        drop(session_with(Some(&db), n, 60));
        let out_pdf = dir.path().join(format!("ballots-{n}.pdf"));
        let out = Command::new(env!("CARGO_BIN_EXE_wijkstem"))
            .arg("--db")
            .arg(&db)
            .args(["ballots", "print", "1", "--count", "5", "--per-page", per_page, "--out"])
            .arg(&out_pdf)
            .env("WIJKSTEM_LANG", "nl")
            .env("WIJKSTEM_OPERATOR", "Anna")
            .env("WIJKSTEM_PIN", common::TEST_PIN)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{n} plans: refused");
        assert!(err.contains(expect), "{n} plans: {err}");
        assert!(!out_pdf.exists(), "no file written");
        let conn = rusqlite::Connection::open(&db).unwrap();
        let printed: i64 = conn.query_row("SELECT count(*) FROM ballot", [], |r| r.get(0)).unwrap();
        assert_eq!(printed, 0, "nothing recorded as printed");
    }
}

fn table_view(round: u32, name: &str, codes: &[String]) -> wijkstem::tables::TableView {
    wijkstem::tables::TableView {
        id: 1,
        round,
        name: name.into(),
        facilitator: "Fatima El Amrani".into(),
        location: "Wijkcentrum De Vlier, zaal 2".into(),
        plans: codes.to_vec(),
        verdict: None,
        entered_by: None,
        qr: format!("WST1:1:{round}:{name}"),
    }
}

#[test]
fn table_sheets_and_round_cards_print_whole_at_every_size() {
    if !common::need("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (n, len) in [(5, 40), (15, 120), (30, 120), (45, 120), (60, MAX_TITLE)] {
        let (s, id) = session_with(None, n, len);
        let sel = s.selection(id).unwrap();
        let all = s.plans(id).unwrap();
        let codes: Vec<String> = all.iter().map(|p| p.code.clone()).collect();
        // Two tables: one with every plan, one with the first half.
        let tables = vec![table_view(1, "A", &codes), table_view(1, "B", &codes[..n / 2])];
        let pdf = wijkstem::pdf::table_sheets(
            &sel,
            &tables,
            &all,
            &wijkstem::tables::VerdictFormat::Points { per_participant: 10 },
            Lang::Nl,
        )
        .unwrap();
        let path = keep(&pdf, &format!("tables-{n}-plans-{len}.pdf"), dir.path());
        let (pages, ws) = words(&path);
        check_positions(&pages, &ws, false);
        let all_text: String = (0..pages.len()).map(|k| text_of(&path, k, None)).collect::<Vec<_>>().join(" ");
        for (i, p) in all.iter().enumerate() {
            let times = if i < n / 2 { 2 } else { 1 };
            assert_eq!(count_token(&all_text, &p.code), times, "{n} plans: {}", p.code);
            assert_eq!(count(&all_text, &p.title), times, "{n} plans: title of {}", p.code);
        }
        if let Some(qr) = qr_per_page(&path, dir.path(), pages.len()) {
            for (k, codes) in qr.iter().enumerate() {
                assert_eq!(codes.len(), 1, "one table's QR on sheet {k}");
                assert!(codes[0] == tables[0].qr || codes[0] == tables[1].qr);
            }
            assert!(qr.iter().any(|c| c[0] == tables[1].qr));
        }

        let members = vec![("M01".to_string(), "Anouk".to_string()), ("M02".to_string(), "Mohamed".to_string())];
        let plan_list: Vec<(String, String, i64)> =
            all.iter().map(|p| (p.code.clone(), p.title.clone(), p.cost_cents)).collect();
        let pdf = wijkstem::pdf::round_cards(
            &sel,
            2,
            &members,
            &plan_list,
            &wijkstem::panel::RoundFormat::Points { per_member: 5 },
            Lang::Nl,
        )
        .unwrap();
        let path = keep(&pdf, &format!("cards-{n}-plans-{len}.pdf"), dir.path());
        let (pages, ws) = words(&path);
        let two_per_page = pages.len() == 1;
        check_positions(&pages, &ws, two_per_page);
        let text: String = (0..pages.len()).map(|k| text_of(&path, k, None)).collect::<Vec<_>>().join(" ");
        for p in &all {
            assert_eq!(count_token(&text, &p.code), 2, "{n} plans: {} on both cards", p.code);
            assert_eq!(count(&text, &p.title), 2, "{n} plans: title of {} on both cards", p.code);
        }
        if let Some(qr) = qr_per_page(&path, dir.path(), pages.len()) {
            let payloads: Vec<String> = qr.into_iter().flatten().collect();
            for (code, _) in &members {
                assert!(payloads.contains(&wijkstem::panel::card_payload(id, 2, code)), "{n} plans: card of {code}");
            }
        }
    }
    // Above the limit: refused with the limit, no PDF.
    let (s, id) = session_with(None, 100, 20);
    let sel = s.selection(id).unwrap();
    let all = s.plans(id).unwrap();
    let codes: Vec<String> = all.iter().map(|p| p.code.clone()).collect();
    let e = wijkstem::pdf::table_sheets(
        &sel,
        &[table_view(1, "A", &codes)],
        &all,
        &wijkstem::tables::VerdictFormat::Ranking,
        Lang::Nl,
    )
    .unwrap_err();
    assert!(e.render(Lang::Nl).contains("hoogstens 99 plannen"), "{}", e.render(Lang::Nl));
}

/// A proces-verbaal with 60 plans of long titles: every title whole, the
/// table header repeated, the funded list and total readable, "Blad N van M"
/// and the hash on every page, and no word outside the page.
#[test]
fn a_long_report_prints_every_plan_whole_with_page_numbers() {
    if !common::need("pdftotext") {
        return;
    }
    use wijkstem::output::report::{render, CountRecord, Footer, ReportData, ReportPlan};
    let plans: Vec<ReportPlan> = plans(60, 120)
        .into_iter()
        .enumerate()
        .map(|(i, (code, title, cost))| ReportPlan {
            code,
            title,
            score_text: None,
            cost_cents: cost,
            votes: 100 - i as u64,
            points: 100 - i as u64,
            online: None,
            funded: i % 3 == 0,
        })
        .collect();
    let funded: Vec<String> = plans.iter().filter(|p| p.funded).map(|p| p.code.clone()).collect();
    let funded_cost: i64 = plans.iter().filter(|p| p.funded).map(|p| p.cost_cents).sum();
    let data = ReportData {
        format: wijkstem::output::report::REPORT_FORMAT.into(),
        lang: "nl".into(),
        selection_id: 1,
        edition: "Wijkbudget 2026".into(),
        wijk: "Brugse Poort – Rabot".into(),
        method: "ballots".into(),
        budget_cents: 100_000_000,
        rule: "greedy".into(),
        rule_text: "Meeste stemmen eerst".into(),
        tie_break_text: "alfabetisch".into(),
        ballot_style: "Kruis 1 tot 3 plannen aan.".into(),
        counts: vec![("printed".into(), 300)],
        plans,
        funded: funded.clone(),
        funded_cost_cents: funded_cost,
        budget_left_cents: 100_000_000 - funded_cost,
        ties: vec![],
        explanation: vec!["Een stap (score 2,50) van € 10.000,00.".into()],
        boxes: vec![],
        notes: vec![],
        count: CountRecord {
            closed_at: "2026-11-30T20:05:00Z".into(),
            entered_by: vec!["Anna".into(), "Bert".into()],
            decided_by: vec!["Chloë".into()],
            closed_seq: 4711,
            closed_hash: "89db78adab8f085c".repeat(4),
        },
        box_counts: vec![],
    };
    let footer = Footer { content_hash: "ab".repeat(32), key_id: "0123456789ABCDEF".into() };
    let dir = tempfile::tempdir().unwrap();
    let path = keep(&render(&data, &footer), "report-60-plans.pdf", dir.path());
    let (pages, ws) = words(&path);
    assert!(pages.len() >= 3, "60 long plans take several pages");
    check_positions(&pages, &ws, false);
    let texts: Vec<String> = (0..pages.len()).map(|k| text_of(&path, k, None)).collect();
    for (k, t) in texts.iter().enumerate() {
        assert!(t.contains(&format!("Blad {} van {}", k + 1, pages.len())), "page {} numbered", k + 1);
        assert!(t.contains(&footer.content_hash) && t.contains(&footer.key_id), "hash and key on page {}", k + 1);
        if count_token(t, "ja") + count_token(t, "nee") > 0 {
            for head in ["Code", "Plan", "Kost", "Score", "Gefinancierd"] {
                assert_eq!(count_token(t, head), 1, "table header {head} on page {}", k + 1);
            }
        }
    }
    let all = texts.join(" ");
    for p in &data.plans {
        // Once in the table, and once more in the funded list when funded.
        let times = if p.funded { 2 } else { 1 };
        assert_eq!(count(&all, &p.title), times, "full title of {}", p.code);
        assert_eq!(count_token(&all, &p.code), times, "{} in the table", p.code);
        if p.funded {
            let cost = wijkstem::money::format_euro(p.cost_cents, Lang::Nl);
            assert!(all.contains(&format!("{} — {} — {cost}", p.code, p.title)), "funded line of {}", p.code);
        }
    }
    let total = format!(
        "{} plannen, samen {} van het budget van € 1.000.000,00; over: {}.",
        funded.len(),
        wijkstem::money::format_euro(funded_cost, Lang::Nl),
        wijkstem::money::format_euro(100_000_000 - funded_cost, Lang::Nl)
    );
    assert!(all.contains(&total), "the total: {total}");
    // 20:05 UTC in November is 21:05 in Ghent.
    assert!(all.contains("Telling afgesloten op: 30-11-2026 om 21:05 (Belgische tijd)"));
    assert!(all.contains("gebeurtenis 4711, kop 89DB-78AD-AB8F-085C"), "the anchor to sign");
    assert!(all.contains(&"89db78adab8f085c".repeat(4)), "the full head");
    assert!(all.contains("Ingevoerd door: Anna, Bert") && all.contains("Beslist door (coördinatie): Chloë"));
    assert!(all.contains("Chloë (coördinatie)") && all.contains("Anna (invoer)"), "names under the signature lines");
    assert!(!all.contains("drempel"), "no threshold sentence without a threshold");
}

/// A wrong output path, or a number per page other than 1 or 2, is refused
/// before any serial is recorded; the message names the file.
#[test]
fn a_print_that_cannot_be_written_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    drop(session_with(Some(&db), 5, 40));
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_wijkstem"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env("WIJKSTEM_LANG", "nl")
            .env("WIJKSTEM_OPERATOR", "Anna")
            .env("WIJKSTEM_PIN", common::TEST_PIN)
            .output()
            .unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    let printed = || -> i64 {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.query_row("SELECT count(*) FROM ballot", [], |r| r.get(0)).unwrap()
    };
    // A folder that cannot exist (its parent is a file), whoever runs the test.
    let bad = db.join("map").join("b.pdf");
    let (ok, err) = run(&["ballots", "print", "1", "--count", "5", "--out", bad.to_str().unwrap()]);
    assert!(!ok && err.contains(&format!("Kan {} niet schrijven", bad.display())), "{err}");
    assert_eq!(printed(), 0, "a wrong path records no printed ballot");
    for bad in ["0", "3"] {
        let out = dir.path().join("b.pdf");
        let (ok, err) =
            run(&["ballots", "print", "1", "--count", "5", "--per-page", bad, "--out", out.to_str().unwrap()]);
        assert!(!ok && err.contains("Eén of twee stembiljetten per blad"), "{err}");
        assert!(!out.exists());
    }
    assert_eq!(printed(), 0);
    let out = dir.path().join("b.pdf");
    let (ok, err) = run(&["ballots", "print", "1", "--count", "5", "--out", out.to_str().unwrap()]);
    assert!(ok && out.exists(), "{err}");
    assert_eq!(printed(), 5);
    assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with(".part")));
}

/// A ballot box's cover sheet with the longest name and location the app
/// accepts: everything on the page, nothing overlapping, the QR decodes;
/// a longer location is refused.
#[test]
fn a_box_cover_with_the_longest_location_stays_whole() {
    if !common::need("pdftotext") {
        return;
    }
    let (mut s, id) = session_with(None, 5, 40);
    let long = "Wijkcentrum Nieuw Gent, Jan Delvinlaan 108, ingang achterkant naast de fietsenstalling, eerste verdieping, zaal ";
    let location: String = long.chars().cycle().take(wijkstem::paper::boxes::MAX_LOCATION).collect();
    let name: String = "Stembus van de Sint-Amandsberg-Oost".chars().take(40).collect();
    let input = |location: &str| wijkstem::paper::boxes::BoxInput {
        name: name.clone(),
        location: location.into(),
        expected: 250,
    };
    let too_long: String = location.clone() + "x";
    let e = s.create_box(id, &input(&too_long)).unwrap_err();
    assert_eq!(e.problems[0].code, "box.bad_location");
    let b = s.create_box(id, &input(&location)).unwrap();
    let sel = s.selection(id).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = wijkstem::pdf::box_cover(&sel, b.id, &b.name, &b.location, b.expected, Lang::Nl);
    let path = keep(&pdf, "box-cover-longest.pdf", dir.path());
    let (pages, ws) = words(&path);
    check_positions(&pages, &ws, false);
    let text = text_of(&path, 0, None);
    assert!(text.contains(location.trim()), "the whole location");
    assert!(text.contains("Verwacht aantal stembiljetten: 250"));
    assert!(text.starts_with("Stembus van de Sint-Amandsberg-Oost"), "no 'Stembus Stembus': {text}");
    if let Some(qr) = qr_per_page(&path, dir.path(), 1) {
        assert_eq!(qr[0], vec![wijkstem::paper::ballot::box_payload(id, b.id)]);
    }
}
