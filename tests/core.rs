//! Integration tests of the core: storage, audit chain, selections, CSV import, CLI.
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

use rusqlite::Connection;
use wijkstem::selection::{Method, PlanInput, SelectionInput};
use wijkstem::session::Session;

mod common;
use common::codes;

fn signed_in() -> Session {
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "Anna").unwrap();
    s
}

fn input(wijk: &str, budget: i64) -> SelectionInput {
    SelectionInput {
        edition: "Wijkbudget 2026".into(),
        wijk: wijk.into(),
        budget_cents: budget,
        method: Method::Ballots,
    }
}

#[test]
fn changes_need_a_signed_in_operator_and_record_who() {
    let mut s = Session::in_memory().unwrap();
    let err = s.create_selection(&input("Muide", 100)).unwrap_err();
    assert_eq!(codes(&err), ["session.not_signed_in"]);
    common::sign_in(&mut s, "  Bram  ").unwrap();
    let sel = s.create_selection(&input("Muide", 100)).unwrap();
    let log = s.audit_log(10).unwrap();
    let create = log.iter().find(|e| e.action == "selection.create").unwrap();
    assert_eq!(create.operator, "Bram");
    assert_eq!(create.entity, format!("selection/{}", sel.id));
}

#[test]
fn selection_budget_edit_and_plan_crud_keep_totals_right() {
    let mut s = signed_in();
    let sel = s.create_selection(&input("Ham", 5_000_000)).unwrap();
    let a = s
        .add_plan(
            sel.id,
            &PlanInput {
                code: "A1".into(),
                title: "Bankjes".into(),
                description: "".into(),
                cost_cents: 120_000,
                initiator: "X".into(),
            },
        )
        .unwrap();
    s.add_plan(
        sel.id,
        &PlanInput {
            code: "A2".into(),
            title: "Bomen".into(),
            description: "".into(),
            cost_cents: 80_050,
            initiator: "".into(),
        },
    )
    .unwrap();
    let dup = s
        .add_plan(
            sel.id,
            &PlanInput {
                code: "A1".into(),
                title: "Nog eens".into(),
                description: "".into(),
                cost_cents: 1,
                initiator: "".into(),
            },
        )
        .unwrap_err();
    assert_eq!(codes(&dup), ["selection.code_taken"]);
    assert_eq!(s.selection(sel.id).unwrap().total_cost_cents, 200_050);

    s.update_plan(
        a.id,
        &PlanInput {
            code: "A1".into(),
            title: "Bankjes".into(),
            description: "d".into(),
            cost_cents: 100_000,
            initiator: "X".into(),
        },
    )
    .unwrap();
    assert_eq!(s.selection(sel.id).unwrap().total_cost_cents, 180_050);
    s.remove_plan(a.id).unwrap();
    let after = s.selection(sel.id).unwrap();
    assert_eq!((after.plan_count, after.total_cost_cents), (1, 80_050));

    let mut edited = input("Ham", 7_500_000);
    edited.method = Method::Tables;
    let e = s.update_selection(sel.id, &edited).unwrap();
    assert_eq!((e.budget_cents, e.method), (7_500_000, Method::Tables));

    let bad = s.update_selection(sel.id, &input("  ", 1)).unwrap_err();
    assert_eq!(codes(&bad), ["selection.empty"]);
    let bad = s.update_selection(sel.id, &input("Ham", -1)).unwrap_err();
    assert_eq!(codes(&bad), ["selection.amount_out_of_range"]);
    assert!(s.audit_verify().unwrap().broken_at.is_none());
}

const GOOD_CSV: &str = "code;titel;beschrijving;kosten;indiener\n\
P1;Groene speelplaats;Tegels eruit;12.500;Buurtcomité\n\
P2;\"Zitbanken; met leuning\";Tien banken;9800,50;Seniorenraad\n\
P3;Buurtfeest;Met muziek;€ 6.500;Vzw\n";

#[test]
fn csv_import_adds_every_row_with_exact_costs() {
    let mut s = signed_in();
    let sel = s.create_selection(&input("Muide", 10_000_000)).unwrap();
    let r = s.import_plans_csv(sel.id, GOOD_CSV.as_bytes(), "plannen.csv").unwrap();
    assert_eq!(r.imported, 3);
    let plans = s.plans(sel.id).unwrap();
    let got: Vec<(&str, &str, i64)> = plans.iter().map(|p| (p.code.as_str(), p.title.as_str(), p.cost_cents)).collect();
    assert_eq!(
        got,
        [
            ("P1", "Groene speelplaats", 1_250_000),
            ("P2", "Zitbanken; met leuning", 980_050),
            ("P3", "Buurtfeest", 650_000)
        ]
    );
    assert_eq!(s.selection(sel.id).unwrap().total_cost_cents, 2_880_050);
}

#[test]
fn csv_import_reports_every_bad_row_and_imports_nothing() {
    let mut s = signed_in();
    let sel = s.create_selection(&input("Muide", 10_000_000)).unwrap();
    let csv = "code,title,description,cost,initiator\n\
A,Goed plan,,1000,x\n\
B,,leeg,2000,x\n\
C,Duur,,twaalf euro,x\n\
A,Dubbel,,5,x\n";
    let err = s.import_plans_csv(sel.id, csv.as_bytes(), "f.csv").unwrap_err();
    let got: Vec<(String, String, String)> = err
        .problems
        .iter()
        .map(|p| {
            (
                p.code.clone(),
                p.params.get("row").cloned().unwrap_or_default(),
                p.params.get("column").cloned().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("csv.empty_cell".into(), "3".into(), "title".into()),
            ("csv.bad_cost".into(), "4".into(), "cost".into()),
            ("csv.duplicate_code".into(), "5".into(), "code".into()),
        ]
    );
    // The Dutch message names the row and column.
    let nl = err.problems[1].render(wijkstem::i18n::Lang::Nl);
    assert!(nl.contains("Rij 4") && nl.contains("twaalf euro"), "{nl}");
    assert!(s.plans(sel.id).unwrap().is_empty(), "nothing half-imported");
}

#[test]
fn csv_import_refuses_missing_columns_binary_files_and_existing_codes() {
    let mut s = signed_in();
    let sel = s.create_selection(&input("Muide", 10_000_000)).unwrap();
    let e = s.import_plans_csv(sel.id, b"code;title\nA;B\n", "f.csv").unwrap_err();
    assert_eq!(codes(&e), ["csv.missing_column"]);
    assert_eq!(e.problems[0].params["column"], "cost");
    let e = s.import_plans_csv(sel.id, &[0xff, 0xfe, 0x00, 0x41], "f.xlsx").unwrap_err();
    assert_eq!(codes(&e), ["csv.not_text"]);
    let e = s.import_plans_csv(sel.id, b"", "f.csv").unwrap_err();
    assert_eq!(codes(&e), ["csv.empty"]);
    s.import_plans_csv(sel.id, GOOD_CSV.as_bytes(), "a.csv").unwrap();
    let events_before = s.audit_verify().unwrap().events;
    let e = s.import_plans_csv(sel.id, GOOD_CSV.as_bytes(), "a.csv").unwrap_err();
    assert_eq!(codes(&e), ["csv.code_exists", "csv.code_exists", "csv.code_exists"]);
    assert_eq!(s.plans(sel.id).unwrap().len(), 3);
    assert_eq!(s.audit_verify().unwrap().events, events_before, "a refused import leaves no trace but the refusal");
}

#[test]
fn audit_chain_detects_an_edited_or_removed_event() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.sqlite");
    {
        let mut s = Session::open(&path).unwrap();
        common::sign_in(&mut s, "Anna").unwrap();
        s.load_demo().unwrap();
        let r = s.audit_verify().unwrap();
        assert!(r.broken_at.is_none());
        assert!(r.events > 20);
    }
    // An attacker with the file drops the guard trigger and edits one event.
    let conn = Connection::open(&path).unwrap();
    let edit = conn.execute("UPDATE audit_log SET operator = 'Mallory' WHERE seq = 5", []);
    assert!(edit.is_err(), "the append-only trigger refuses edits");
    conn.execute_batch("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET operator = 'Mallory' WHERE seq = 5;")
        .unwrap();
    // The missing trigger alone is found; put back, the edited event is.
    let b = Session::open(&path).unwrap().audit_verify().unwrap().broken_at.expect("dropped trigger detected");
    assert_eq!((b.kind.as_str(), b.record.as_deref()), ("schema", Some("trigger audit_log_no_update")));
    conn.execute_batch(&trigger_sql("audit_log_no_update")).unwrap();
    drop(conn);
    let s = Session::open(&path).unwrap();
    let r = s.audit_verify().unwrap();
    let b = r.broken_at.expect("edit detected");
    assert_eq!((b.seq, b.kind.as_str()), (5, "hash"));

    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET operator = 'Anna' WHERE seq = 5; DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 7;").unwrap();
    conn.execute_batch(&trigger_sql("audit_log_no_update")).unwrap();
    conn.execute_batch(&trigger_sql("audit_log_no_delete")).unwrap();
    drop(conn);
    let r = Session::open(&path).unwrap().audit_verify().unwrap();
    let b = r.broken_at.expect("removal detected");
    assert_eq!((b.seq, b.kind.as_str()), (8, "gap"));
}

#[test]
fn foreign_corrupt_and_newer_files_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    // Not SQLite at all.
    let junk = dir.path().join("junk.sqlite");
    std::fs::write(&junk, b"this is a spreadsheet, not a database, and it is long enough to matter........").unwrap();
    let before = std::fs::read(&junk).unwrap();
    let e = Session::open(&junk).err().unwrap();
    assert_eq!(codes(&e), ["store.not_a_database"]);
    assert_eq!(std::fs::read(&junk).unwrap(), before, "file untouched");

    // Another program's SQLite database.
    let foreign = dir.path().join("foreign.sqlite");
    Connection::open(&foreign).unwrap().execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
    let e = Session::open(&foreign).err().unwrap();
    assert_eq!(codes(&e), ["store.not_a_database"]);

    // A database from a newer Wijkstem.
    let newer = dir.path().join("newer.sqlite");
    drop(Session::open(&newer).unwrap());
    Connection::open(&newer).unwrap().pragma_update(None, "user_version", 999).unwrap();
    let e = Session::open(&newer).err().unwrap();
    assert_eq!(codes(&e), ["store.too_new"]);
    assert!(e.render(wijkstem::i18n::Lang::Nl).contains("nieuwere versie"));
}

#[test]
fn demo_loads_once_on_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.sqlite");
    let mut s = Session::open(&path).unwrap();
    assert!(s.load_demo_if_empty().unwrap());
    assert!(!s.load_demo_if_empty().unwrap());
    let sels = s.selections().unwrap();
    assert_eq!(sels.len(), 3);
    for sel in &sels {
        assert!((8..=15).contains(&sel.plan_count), "{sel:?}");
        assert!(sel.budget_cents > 0);
    }
    let wijken: Vec<&str> = sels.iter().map(|s| s.wijk.as_str()).collect();
    assert_eq!(wijken, ["Muide-Meulestede-Afrikalaan", "Sluizeken-Tolhuis-Ham", "Watersportbaan-Ekkergem"]);
    // Members' names are for someone signed in (the demo's coordinator).
    s.sign_in("Sam", "2468").unwrap();
    assert_eq!(s.panel_state(3).unwrap().members.len(), 20);
}

fn cli(db: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    common::run_cli(Some(db), Some("coördinator"), "nl", args, None, &[])
}

#[test]
fn cli_demo_selections_import_and_audit_verify() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    let (ok, out, _) = cli(&db, &["demo"]);
    assert!(ok);
    assert!(out.contains("Muide-Meulestede-Afrikalaan"));
    // A mistyped --db makes nothing: no folder, no empty database.
    let typo = dir.path().join("tyop").join("w.sqlite");
    let (ok, out, err) = cli(&typo, &["selections"]);
    assert!(!ok && out.is_empty(), "{out}");
    assert!(err.contains("Er is geen databank"), "{err}");
    assert!(!typo.parent().unwrap().exists());
    // A second `demo` adds nothing and says so.
    let (ok, out, err) = cli(&db, &["demo"]);
    assert!(!ok && out.is_empty(), "{out}");
    assert!(err.contains("al geladen"), "{err}");
    let (ok, out, _) = cli(&db, &["selections"]);
    assert!(ok);
    let line = out.lines().find(|l| l.contains("Sluizeken")).unwrap();
    let id = line.split('\t').next().unwrap().to_string();

    let csv = dir.path().join("plannen.csv");
    std::fs::write(&csv, "code,title,description,cost,initiator\nX1,Extra plan,,\"1.000,00\",Iemand\n").unwrap();
    let (ok, out, err) = cli(&db, &["plans", "import", &id, csv.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("1 plannen geïmporteerd"), "{out}");
    let (_, out, _) = cli(&db, &["plans", "list", &id]);
    assert!(out.contains("X1\tExtra plan\t€ 1.000,00"), "{out}");

    std::fs::write(&csv, "code,title,cost\nY1,Kapot,abc\n").unwrap();
    let (ok, _, err) = cli(&db, &["plans", "import", &id, csv.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("Rij 2, kolom ‘cost’"), "{err}");

    let (ok, out, _) = cli(&db, &["audit", "verify"]);
    assert!(ok, "{out}");
    assert!(out.contains("ongewijzigd"));
    let conn = Connection::open(&db).unwrap();
    let who: String =
        conn.query_row("SELECT operator FROM audit_log WHERE action = 'plans.import'", [], |r| r.get(0)).unwrap();
    assert_eq!(who, "coördinator");
    conn.execute_batch("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET after = '{}' WHERE seq = 3;").unwrap();
    conn.execute_batch(&trigger_sql("audit_log_no_update")).unwrap();
    let (ok, _, err) = cli(&db, &["audit", "verify"]);
    assert!(!ok);
    assert!(err.contains("gebeurtenis 3"), "{err}");
}

/// Every problem code the core can raise has words in Dutch and English:
/// scan the sources for `Problem::new("…")` and `p("…")`.
#[test]
fn every_problem_code_in_the_sources_is_translated() {
    // The draw crate's findings (`Finding::new`, `finding`) become problems too.
    let re = regex::Regex::new(r#"(?:Problem::new|\bp|Finding::new|\bfinding)\("([a-z_]+\.[a-z_]+)"\)"#).unwrap();
    let mut found = std::collections::BTreeSet::new();
    for path in ["src", "src-tauri/src", "crates/draw/src"].iter().flat_map(|d| rust_files(d)) {
        let text = std::fs::read_to_string(&path).unwrap();
        found.extend(re.captures_iter(&text).map(|c| c[1].to_string()));
    }
    assert!(found.len() > 40, "the scan finds the codes ({})", found.len());
    for lang in [wijkstem::i18n::Lang::Nl, wijkstem::i18n::Lang::En] {
        let keys = wijkstem::i18n::keys(lang);
        let missing: Vec<&String> = found.iter().filter(|c| !keys.contains(&format!("problem.{c}"))).collect();
        assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
    }
}

#[test]
fn control_and_direction_characters_and_odd_codes_are_refused() {
    let mut s = signed_in();
    let sel = s.create_selection(&input("Ledeberg", 1_000_000)).unwrap();
    let plan = |code: &str, title: &str, description: &str| PlanInput {
        code: code.into(),
        title: title.into(),
        description: description.into(),
        cost_cents: 1000,
        initiator: String::new(),
    };
    // U+202E shows the title reversed on the ballot; NUL and other control
    // characters break files; a zero-width space hides in a code.
    for (p, field, ch) in [
        (plan("A1", "Bankjes \u{202E}tkraM", ""), "title", "U+202E"),
        (plan("A1", "Bank\u{0}jes", ""), "title", "U+0000"),
        (plan("A1", "Bankjes", "lijn\u{7}"), "description", "U+0007"),
        (plan("A\u{200B}1", "Bankjes", ""), "code", "U+200B"),
    ] {
        let f = s.add_plan(sel.id, &p).unwrap_err();
        assert_eq!(codes(&f), ["selection.bad_char"]);
        assert_eq!(f.problems[0].params["field"], field);
        assert_eq!(f.problems[0].params["char"], ch);
        assert!(f.render(wijkstem::i18n::Lang::Nl).contains("onzichtbaar of stuurteken"));
    }
    for code in ["A,B", "A B", "A;1", "A'1"] {
        let f = s.add_plan(sel.id, &plan(code, "Bankjes", "")).unwrap_err();
        assert_eq!(codes(&f), ["selection.bad_code"], "{code}");
    }
    // A wijk name with a direction mark is refused as well.
    assert_eq!(codes(&s.create_selection(&input("Lede\u{202E}berg", 1)).unwrap_err()), ["selection.bad_char"]);
    // What is fine stays fine: accents, a line break in a description, - and _.
    s.add_plan(sel.id, &plan("LB-01_a", "Café ‘De Hoek’ – zitbanken", "Twee lijnen\nin de uitleg")).unwrap();
    assert_eq!(s.plans(sel.id).unwrap().len(), 1);
}

/// A trigger's statement exactly as the migrations create it (an adversary
/// who puts a dropped trigger back leaves the schema as it was).
fn trigger_sql(name: &str) -> String {
    let m = wijkstem::storage::store::migrations()[0];
    let start = m.find(&format!("CREATE TRIGGER {name} ")).unwrap();
    let end = start + m[start..].find("END;").unwrap() + 4;
    m[start..end].to_string()
}

/// The rules crate gives steps as data; the core says them in both languages.
#[test]
fn explanation_reads_as_sentences_in_both_languages() {
    use wijkstem::i18n::Lang;
    use wijkstem::rules::{self, Ballot, Election, GreedyScore, Project, Rule, TieBreak};
    let projects = vec![Project { id: "Bankjes".into(), cost: 300 }, Project { id: "Bomen".into(), cost: 900 }];
    let ballots = vec![Ballot { weight: 3, items: vec![(0, 1)] }, Ballot { weight: 1, items: vec![(1, 1)] }];
    let e = Election { budget: 1000, projects, ballots, unit_scale: 1 };
    let out = rules::run(&e, &Rule::Greedy { score: GreedyScore::Approvals }, &TieBreak::Lexicographic);
    let nl: Vec<String> = out.steps.iter().map(|s| wijkstem::explain::render(&e, s, Lang::Nl)).collect();
    assert_eq!(nl[0], "Bankjes (score 3) kost 300; er is nog 1000, dus het plan komt er. Over: 700.");
    assert!(nl[1].contains("past niet"), "{}", nl[1]);
    let en = wijkstem::explain::render(&e, &out.steps[1], Lang::En);
    assert!(en.contains("does not fit"), "{en}");
}

/// Plans, budget and method are set up before anyone votes: once ballots are
/// printed, tables set up or a panel round opened, they are fixed (the votes
/// refer to them). And a plan code is one code whatever its case.
#[test]
fn plans_are_fixed_once_counting_starts_and_codes_ignore_case() {
    use wijkstem::i18n::Lang;
    use wijkstem::panel::RoundFormat;
    use wijkstem::paper::ballot::{BallotStyle, EntryRules};
    use wijkstem::paper::PaperSettings;
    use wijkstem::tables::{TableInput, TableSettings, VerdictFormat};
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "Anna").unwrap();
    s.load_demo().unwrap();
    let plan = |code: &str| PlanInput {
        code: code.into(),
        title: "Nieuw".into(),
        description: String::new(),
        cost_cents: 100_000,
        initiator: String::new(),
    };
    // Case: "mm01" is the demo's MM01.
    assert_eq!(codes(&s.add_plan(1, &plan("mm01")).unwrap_err()), ["selection.code_taken"]);
    // Paper ballots: printing fixes the plans, the budget and the method.
    s.add_plan(1, &plan("MM99")).unwrap();
    let style = BallotStyle::Approval { min: 1, max: 3 };
    s.set_paper_settings(1, &PaperSettings { style, double_entry: false, rules: EntryRules::default() }).unwrap();
    s.print_ballots(1, 2, 2, Lang::Nl).unwrap();
    assert_eq!(codes(&s.add_plan(1, &plan("MM98")).unwrap_err()), ["selection.counting_started_ballots"]);
    let mm99 = s.plans(1).unwrap().into_iter().find(|p| p.code == "MM99").unwrap();
    assert_eq!(codes(&s.remove_plan(mm99.id).unwrap_err()), ["selection.counting_started_ballots"]);
    let sel = s.selection(1).unwrap();
    let input =
        SelectionInput { edition: sel.edition.clone(), wijk: sel.wijk.clone(), budget_cents: 1, method: sel.method };
    assert_eq!(codes(&s.update_selection(1, &input).unwrap_err()), ["selection.counting_started_ballots"]);
    assert_eq!(s.selection(1).unwrap().budget_cents, sel.budget_cents, "nothing changed");
    // Gesprekstafels: a table set up fixes them.
    s.set_table_settings(
        2,
        &TableSettings {
            format: VerdictFormat::Points { per_participant: 5 },
            min_participants: 1,
            max_participants: 9,
        },
    )
    .unwrap();
    s.add_plan(2, &plan("ST99")).unwrap();
    let table =
        TableInput { round: 1, name: "T1".into(), facilitator: String::new(), location: String::new(), plans: vec![] };
    s.add_table(2, &table).unwrap();
    assert_eq!(codes(&s.add_plan(2, &plan("ST98")).unwrap_err()), ["selection.counting_started_tables"]);
    // Panel: an opened round fixes them (amendments go through `amend`).
    let present: Vec<String> = (1..=12).map(|i| format!("P{i:02}")).collect();
    s.open_round(3, &RoundFormat::Points { per_member: 5 }, &present).unwrap();
    assert_eq!(codes(&s.add_plan(3, &plan("WE99")).unwrap_err()), ["selection.counting_started_panel"]);
}

/// Every file ending in `.ext` under `dir` (relative to the package).
fn source_files(dir: &str, ext: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    out
}

fn rust_files(dir: &str) -> Vec<std::path::PathBuf> {
    source_files(dir, "rs")
}

/// Domains reach each other's data by import: what a domain reads is a free
/// function taking a `Db`, so `paper` calling `selection` shows as an import
/// and no call runs back up through one shared type. A domain's `impl Store`
/// holds only its writes (`&mut self`); the store's own plumbing lives in
/// `storage/`.
#[test]
fn domains_read_through_functions_not_store_methods() {
    let fn_re =
        regex::Regex::new(r"^    (?:pub(?:\([a-z]+\))? )?fn (\w+)(?:<[^>]*>)?\(\s*(&mut self|&self|self)?").unwrap();
    let mut found = Vec::new();
    let mut writes = 0;
    for path in rust_files("src") {
        if path.components().any(|c| c.as_os_str() == "storage") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut inside = false;
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.starts_with("impl Store {") {
                inside = true;
            } else if *line == "}" {
                inside = false;
            } else if inside {
                if let Some(m) = fn_re.captures(line) {
                    // The receiver may sit on the next line.
                    let receiver = m.get(2).map(|r| r.as_str()).or_else(|| {
                        let next = lines.get(i + 1)?.trim();
                        ["&mut self", "&self"].into_iter().find(|r| next.starts_with(r))
                    });
                    match receiver {
                        Some("&mut self") => writes += 1,
                        _ => found.push(format!("{}: {}", path.display(), &m[1])),
                    }
                }
            }
        }
    }
    assert!(writes > 30, "the scan finds the domains' writes ({writes})");
    assert!(found.is_empty(), "reads belong in free functions taking a Db, not on Store: {found:#?}");
}

/// No source file grows past what a newcomer reads in one sitting.
#[test]
fn no_source_file_is_over_700_lines() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<std::path::PathBuf> =
        ["src", "src-tauri/src", "crates/rules/src", "crates/draw/src"].iter().flat_map(|d| rust_files(d)).collect();
    files.extend(source_files("ui/src", "ts").into_iter().filter(|p| !p.ends_with("bindings.ts")));
    assert!(files.len() > 80, "the scan finds the sources ({})", files.len());
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 700).then(|| format!("{} ({n} lines)", f.strip_prefix(root).unwrap().display()))
        })
        .collect();
    assert!(long.is_empty(), "split these: {long:#?}");
}

/// The core's top-level modules (`storage`, `selection`, `paper`, …) import
/// each other without a cycle: every arrow runs down, so each module can be
/// read with only the ones below it in mind (ARCHITECTURE.md, "floors").
/// An arrow is a `crate::name` path outside the module's `#[cfg(test)]` part.
#[test]
fn no_import_runs_back_up_between_the_cores_modules() {
    use std::collections::{BTreeMap, BTreeSet};
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let path_re = regex::Regex::new(r"crate::([a-z_]+)").unwrap();
    let mut modules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let top = |p: &std::path::Path| -> String {
        let first = p.strip_prefix(&src).unwrap().components().next().unwrap();
        first.as_os_str().to_string_lossy().trim_end_matches(".rs").to_string()
    };
    let files = rust_files("src");
    for f in &files {
        modules.entry(top(f)).or_default();
    }
    for f in &files {
        let m = top(f);
        if ["lib", "main", "cli"].contains(&m.as_str()) {
            continue; // the crate's root and the binary sit above everything
        }
        let text = std::fs::read_to_string(f).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        for c in path_re.captures_iter(code) {
            let to = c[1].to_string();
            if to != m && modules.contains_key(&to) {
                modules.get_mut(&m).unwrap().insert(to);
            }
        }
    }
    assert!(modules["paper"].contains("selection"), "the scan sees imports: {modules:#?}");
    // A module is on a cycle when it reaches itself.
    let reaches = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<String> = modules[from].iter().cloned().collect();
        while let Some(m) = stack.pop() {
            if seen.insert(m.clone()) {
                stack.extend(modules[&m].iter().cloned());
            }
        }
        seen
    };
    let on_cycle: Vec<String> = modules.keys().filter(|m| reaches(m).contains(*m)).cloned().collect();
    assert!(on_cycle.is_empty(), "these modules import each other round in a circle: {on_cycle:?}\n{modules:#?}");
}
