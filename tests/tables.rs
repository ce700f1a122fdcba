//! Gesprekstafels through the store: set-up, every entry check, the
//! combination on a hand-checked example (uneven tables, a subset of plans,
//! a drop-out between rounds, a tie), and the printed table sheets' QR codes.
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

mod common;
use common::codes;

use wijkstem::i18n::Lang;
use wijkstem::session::Session;
use wijkstem::tables::{TableInput, TableSettings, VerdictFormat, VerdictInput};

const ST: i64 = 2;

fn verdict(participants: u32, values: &[(&str, u32)]) -> VerdictInput {
    VerdictInput {
        participants,
        values: values.iter().map(|(c, v)| (c.to_string(), *v)).collect(),
        conditions: vec![],
        notes: String::new(),
        rows: vec![],
    }
}

fn table(s: &mut Session, round: u32, name: &str, plans: &[&str]) -> i64 {
    s.add_table(
        ST,
        &TableInput {
            round,
            name: name.into(),
            facilitator: "Fatima".into(),
            location: "Oud Begijnhof".into(),
            plans: plans.iter().map(|c| c.to_string()).collect(),
        },
    )
    .unwrap()
    .id
}

#[test]
fn two_rounds_of_tables_combine_into_a_funded_package() {
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "Moderator").unwrap();
    s.load_demo().unwrap();
    assert_eq!(
        codes(
            &s.set_table_settings(
                1,
                &TableSettings { format: VerdictFormat::Ranking, min_participants: 2, max_participants: 8 }
            )
            .unwrap_err()
        ),
        ["tables.not_tables"]
    );
    s.set_table_settings(
        ST,
        &TableSettings {
            format: VerdictFormat::Points { per_participant: 10 },
            min_participants: 2,
            max_participants: 8,
        },
    )
    .unwrap();
    // Round 1: three tables over subsets of the plans.
    let t1 = table(&mut s, 1, "1", &["ST01", "ST02", "ST03"]);
    let t2 = table(&mut s, 1, "2", &["ST03", "ST04", "ST05"]);
    let t3 = table(&mut s, 1, "3", &["ST06", "ST07", "ST08", "ST09", "ST10"]);
    assert_eq!(
        codes(
            &s.add_table(
                ST,
                &TableInput {
                    round: 1,
                    name: "1".into(),
                    facilitator: String::new(),
                    location: String::new(),
                    plans: vec![]
                }
            )
            .unwrap_err()
        ),
        ["tables.name_taken"]
    );

    // Every check, nothing saved on a refusal.
    let e = s.enter_verdict(ST, t1, &verdict(4, &[("ST01", 20), ("ST02", 10), ("ST03", 5)])).unwrap_err();
    assert_eq!(codes(&e), ["tables.points_sum"]);
    assert!(e.render(Lang::Nl).contains("4 deelnemers × 10 punten = 40"));
    assert_eq!(
        codes(&s.enter_verdict(ST, t1, &verdict(4, &[("ST01", 30), ("ST02", 10)])).unwrap_err()),
        ["tables.plan_missing"]
    );
    assert_eq!(
        codes(
            &s.enter_verdict(ST, t1, &verdict(4, &[("ST01", 30), ("ST02", 5), ("ST03", 0), ("ST09", 5)])).unwrap_err()
        ),
        ["tables.plan_not_discussed"]
    );
    assert_eq!(
        codes(&s.enter_verdict(ST, t1, &verdict(9, &[("ST01", 90), ("ST02", 0), ("ST03", 0)])).unwrap_err()),
        ["tables.participants"]
    );
    assert!(s.tables(ST).unwrap().iter().all(|t| t.verdict.is_none()));

    // Hand-checked: T1 4 people: ST01 30, ST02 10, ST03 0 -> ST01 3, ST02 1.
    // T2 8 people: ST03 40, ST04 20, ST05 20 -> ST03 4, ST04 2, ST05 2.
    s.enter_verdict(ST, t1, &verdict(4, &[("ST01", 30), ("ST02", 10), ("ST03", 0)])).unwrap();
    s.enter_verdict(ST, t2, &verdict(8, &[("ST03", 40), ("ST04", 20), ("ST05", 20)])).unwrap();
    let e = s.enter_verdict(ST, t1, &verdict(4, &[("ST01", 30), ("ST02", 10), ("ST03", 0)])).unwrap_err();
    assert_eq!(codes(&e), ["tables.already_entered"]);
    assert!(e.render(Lang::Nl).contains("Moderator"));
    let o = s.tables_overview(ST, Lang::Nl).unwrap();
    assert_eq!(o.rounds[0].missing, ["3"], "table 3 still missing");
    // T3 6 people: ST06 30, ST07 30, ST08 0, ST09 0, ST10 0 -> ST06 3, ST07 3 (a tie with ST01).
    s.enter_verdict(ST, t3, &verdict(6, &[("ST06", 30), ("ST07", 30), ("ST08", 0), ("ST09", 0), ("ST10", 0)])).unwrap();
    let o = s.tables_overview(ST, Lang::Nl).unwrap();
    let score = |c: &str| o.ranking.iter().find(|r| r.code == c).unwrap().score.clone();
    assert_eq!(
        (score("ST03"), score("ST01"), score("ST06"), score("ST07"), score("ST04"), score("ST02")),
        ("4".into(), "3".into(), "3".into(), "3".into(), "2".into(), "1".into())
    );
    assert_eq!(o.participants, 18);
    assert!(o.ties.iter().any(|t| t.contains("ST01") && t.contains("ST06") && t.contains("ST07")), "{:?}", o.ties);

    // Between rounds: plans under 2 drop out, after the moderator confirms.
    assert_eq!(s.drop_preview(ST, 1, "2").unwrap(), ["ST02", "ST08", "ST09", "ST10"]);
    assert_eq!(codes(&s.drop_preview(ST, 1, "twee").unwrap_err()), ["tables.bad_threshold"]);
    // A round without tables, or a threshold that drops every plan, is no decision.
    assert_eq!(codes(&s.drop_preview(ST, 0, "5").unwrap_err()), ["tables.no_round"]);
    assert_eq!(codes(&s.drop_preview(ST, 9, "5").unwrap_err()), ["tables.no_round"]);
    assert_eq!(codes(&s.confirm_drop(ST, 1, "99999999999999999999").unwrap_err()), ["tables.drop_all"]);
    s.confirm_drop(ST, 1, "2").unwrap();
    // One decision per round: not again with a higher threshold.
    assert_eq!(codes(&s.confirm_drop(ST, 1, "3").unwrap_err()), ["tables.already_dropped"]);
    assert_eq!(
        codes(
            &s.add_table(
                ST,
                &TableInput {
                    round: 2,
                    name: "A".into(),
                    facilitator: String::new(),
                    location: String::new(),
                    plans: vec!["ST02".into()]
                }
            )
            .unwrap_err()
        ),
        ["tables.plan_dropped"]
    );
    // Round 2: one table of 5 over all plans still in (empty list = all).
    let r2 = s
        .add_table(
            ST,
            &TableInput {
                round: 2,
                name: "A".into(),
                facilitator: "Jan".into(),
                location: String::new(),
                plans: vec![],
            },
        )
        .unwrap();
    assert_eq!(r2.plans, ["ST01", "ST03", "ST04", "ST05", "ST06", "ST07"]);
    s.enter_verdict(
        ST,
        r2.id,
        &verdict(5, &[("ST01", 0), ("ST03", 0), ("ST04", 25), ("ST05", 25), ("ST06", 0), ("ST07", 0)]),
    )
    .unwrap();
    let o = s.tables_overview(ST, Lang::Nl).unwrap();
    // ST04 2 + 2.5 = 4.5, ST05 2 + 2.5 = 4.5, ST03 4, then ST01/ST06/ST07 3.
    let order: Vec<&str> = o.ranking.iter().filter(|r| !r.dropped).map(|r| r.code.as_str()).collect();
    assert_eq!(&order[..3], ["ST04", "ST05", "ST03"]);
    assert_eq!(o.rounds[0].dropped, ["ST02", "ST08", "ST09", "ST10"]);
    let funded: Vec<&str> = o.ranking.iter().filter(|r| r.funded).map(|r| r.code.as_str()).collect();
    assert!(o.funded_cost_cents <= o.budget_cents);
    assert!(!funded.contains(&"ST02"), "a dropped plan is never funded");
    // Costs: ST04 5.600, ST05 31.000, ST03 3.900, ST01 16.800, ST06 8.250, ST07 9.900 = 75.450 <= 90.000.
    assert_eq!(funded.len(), 6, "{funded:?}");
    assert_eq!(o.funded_cost_cents, 7_545_000);
    assert!(s.audit_verify().unwrap().broken_at.is_none());
}

#[test]
fn ranking_and_support_formats_check_their_sheets() {
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "M").unwrap();
    s.load_demo().unwrap();
    s.set_table_settings(
        ST,
        &TableSettings { format: VerdictFormat::Support, min_participants: 2, max_participants: 8 },
    )
    .unwrap();
    let t = table(&mut s, 1, "1", &["ST01", "ST02"]);
    assert_eq!(
        codes(&s.enter_verdict(ST, t, &verdict(4, &[("ST01", 1), ("ST02", 3)])).unwrap_err()),
        ["tables.conditions_missing", "tables.support_level"]
    );
    let mut v = verdict(4, &[("ST01", 1), ("ST02", 2)]);
    v.conditions.push(("ST01".into(), "Alleen met onderhoud door de buren".into()));
    s.enter_verdict(ST, t, &v).unwrap();
    let o = s.tables_overview(ST, Lang::Nl).unwrap();
    assert_eq!(o.ranking[0].code, "ST02");
    assert!(
        s.set_table_settings(
            ST,
            &TableSettings { format: VerdictFormat::Ranking, min_participants: 2, max_participants: 8 }
        )
        .is_err(),
        "locked once tables are in"
    );

    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "M").unwrap();
    s.load_demo().unwrap();
    s.set_table_settings(
        ST,
        &TableSettings { format: VerdictFormat::Ranking, min_participants: 2, max_participants: 8 },
    )
    .unwrap();
    let t = table(&mut s, 1, "1", &["ST01", "ST02", "ST03"]);
    assert_eq!(
        codes(&s.enter_verdict(ST, t, &verdict(4, &[("ST01", 1), ("ST02", 1), ("ST03", 3)])).unwrap_err()),
        ["tables.ranks"]
    );
    s.enter_verdict(ST, t, &verdict(4, &[("ST01", 2), ("ST02", 1), ("ST03", 3)])).unwrap();
    let o = s.tables_overview(ST, Lang::Nl).unwrap();
    assert_eq!(o.ranking.iter().take(3).map(|r| r.code.as_str()).collect::<Vec<_>>(), ["ST02", "ST01", "ST03"]);
}

#[test]
fn table_sheets_print_with_a_qr_per_table_that_opens_it() {
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("WIJKSTEM_EXPORT_DIR", dir.path());
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "M").unwrap();
    s.load_demo().unwrap();
    s.set_table_settings(
        ST,
        &TableSettings {
            format: VerdictFormat::Points { per_participant: 10 },
            min_participants: 2,
            max_participants: 8,
        },
    )
    .unwrap();
    let ids: Vec<i64> = (1..=3).map(|i| table(&mut s, 1, &i.to_string(), &["ST01", "ST02", "ST03"])).collect();
    let pdf = s.print_table_sheets(ST, Some(1), Lang::Nl).unwrap();
    if let Some(codes) = common::pdf_qr_codes(std::path::Path::new(&pdf), dir.path()) {
        let mut found: Vec<i64> = codes.iter().map(|line| s.table_scan(ST, line).unwrap()).collect();
        found.sort();
        assert_eq!(found, ids);
    }
    if let Some(text) = common::pdf_text(std::path::Path::new(&pdf)) {
        assert!(text.contains("Ronde 1 — tafel 2") && text.contains("Buurtmoestuin op het Sluizekenplein"));
    }
    assert_eq!(
        codes(&s.table_scan(ST, &wijkstem::tables::table_payload(1, 5)).unwrap_err()),
        ["paper.other_selection"]
    );
}

#[test]
fn participant_rows_are_checked_and_give_an_equal_shares_package() {
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "M").unwrap();
    s.load_demo().unwrap();
    s.set_table_settings(
        ST,
        &TableSettings {
            format: VerdictFormat::Points { per_participant: 10 },
            min_participants: 2,
            max_participants: 8,
        },
    )
    .unwrap();
    let t1 = table(&mut s, 1, "1", &["ST01", "ST03", "ST05"]);
    let t2 = table(&mut s, 1, "2", &["ST01", "ST03", "ST05"]);
    let row = |a: u32, b: u32, c: u32| vec![("ST01".to_string(), a), ("ST03".to_string(), b), ("ST05".to_string(), c)];
    let mut v = verdict(3, &[("ST01", 10), ("ST03", 0), ("ST05", 20)]);
    v.rows = vec![row(10, 0, 0), row(0, 0, 10), row(0, 0, 9)];
    let e = s.enter_verdict(ST, t1, &v).unwrap_err();
    assert_eq!(codes(&e), ["tables.row_sum", "tables.rows_total"], "{e:?}");
    v.rows = vec![row(10, 0, 0), row(0, 0, 10), row(0, 0, 10)];
    s.enter_verdict(ST, t1, &v).unwrap();
    let o = s.tables_overview(ST, Lang::Nl).unwrap();
    // So far (one table, three participants with 30,000 each): ST05 by two, ST01 by one.
    assert_eq!(o.mes_funded, Some(vec!["ST01".to_string(), "ST05".to_string()]));
    let mut v2 = verdict(2, &[("ST01", 0), ("ST03", 20), ("ST05", 0)]);
    v2.rows = vec![row(0, 10, 0), row(0, 10, 0)];
    s.enter_verdict(ST, t2, &v2).unwrap();
    let o = s.tables_overview(ST, Lang::Nl).unwrap();
    // Five participants, budget 90,000: each has 18,000. ST05 (31,000) is
    // wanted by two (36,000 together), ST03 (3,900) by two, ST01 (16,800) by one.
    assert_eq!(o.mes_funded, Some(vec!["ST01".to_string(), "ST03".to_string(), "ST05".to_string()]));
}

#[test]
fn a_closed_tables_selection_gives_a_bundle_that_verifies_and_recounts() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "M").unwrap();
    s.load_demo().unwrap();
    s.set_table_settings(
        ST,
        &TableSettings { format: VerdictFormat::Support, min_participants: 2, max_participants: 8 },
    )
    .unwrap();
    let t1 = table(&mut s, 1, "1", &["ST01", "ST02", "ST03"]);
    let t2 = table(&mut s, 1, "2", &["ST01", "ST02", "ST03"]);
    let mut v = verdict(6, &[("ST01", 2), ("ST02", 1), ("ST03", 0)]);
    v.conditions.push(("ST02".into(), "Enkel ledlampen".into()));
    s.enter_verdict(ST, t1, &v).unwrap();
    assert_eq!(codes(&s.close_tables(ST).unwrap_err()), ["tables.not_complete"]);
    s.enter_verdict(ST, t2, &verdict(4, &[("ST01", 2), ("ST02", 0), ("ST03", 2)])).unwrap();
    s.close_tables(ST).unwrap();
    assert_eq!(
        codes(&s.enter_verdict(ST, t2, &verdict(4, &[("ST01", 2), ("ST02", 0), ("ST03", 2)])).unwrap_err()),
        ["paper.count_closed"]
    );
    let signer = wijkstem::output::signing::Signer::load_or_create(dir.path(), None).unwrap();
    let zip = wijkstem::output::bundle::export::export_bundle(
        s.store().db(),
        ST,
        &signer,
        s.store().clock().stamp(),
        Lang::Nl,
    )
    .unwrap();
    let r = wijkstem::output::bundle::verify(&zip, Some(&signer.pk));
    assert!(r.ok(), "{:?}", r.problems);
    let parts = wijkstem::output::bundle::export::bundle_parts(s.store().db(), ST, &signer.key_id(), Lang::Nl).unwrap();
    assert!(parts.report.notes.iter().any(|n| n.contains("Enkel ledlampen")));
    // Scores: T1 6 people over weights 2,1,0 -> ST01 4, ST02 2; T2 4 people over 2,2 -> ST01 2, ST03 2.
    let score = |c: &str| parts.report.plans.iter().find(|p| p.code == c).unwrap().score_text.clone().unwrap();
    assert_eq!((score("ST01"), score("ST02"), score("ST03")), ("6,00".into(), "2,00".into(), "2,00".into()));
    // A verdict edited in the records (and re-hashed, re-signed) no longer recounts to the result.
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&zip)).unwrap();
    let mut files = std::collections::BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut b).unwrap();
        files.insert(f.name().to_string(), b);
    }
    let edited = String::from_utf8(files["records/tables.json"].clone()).unwrap().replacen(
        "\"participants\": 4",
        "\"participants\": 8",
        1,
    );
    files.insert("records/tables.json".into(), edited.into_bytes());
    let mut manifest: wijkstem::output::bundle::Manifest = serde_json::from_slice(&files["manifest.json"]).unwrap();
    let data: std::collections::BTreeMap<String, Vec<u8>> =
        files.iter().filter(|(k, _)| !k.starts_with("manifest")).map(|(k, v)| (k.clone(), v.clone())).collect();
    for f in &mut manifest.files {
        f.sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&data[&f.path]));
        f.size = data[&f.path].len() as u64;
    }
    manifest.content_hash = wijkstem::output::bundle::content_hash(&data);
    let m = serde_json::to_vec_pretty(&manifest).unwrap();
    files.insert("manifest.json.minisig".into(), signer.sign(&m, "edited").unwrap().into_bytes());
    files.insert("manifest.json".into(), m);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (n, b) in &files {
        w.start_file(n.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut w, b).unwrap();
    }
    let r = wijkstem::output::bundle::verify(&w.finish().unwrap().into_inner(), Some(&signer.pk));
    assert!(r.problems.iter().any(|p| p.code == "bundle.result_differs"), "{:?}", r.problems);
}

#[test]
fn equal_shares_needs_rows_from_every_entered_table() {
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "M").unwrap();
    s.load_demo().unwrap();
    s.set_table_settings(
        ST,
        &TableSettings {
            format: VerdictFormat::Points { per_participant: 10 },
            min_participants: 2,
            max_participants: 8,
        },
    )
    .unwrap();
    let t1 = table(&mut s, 1, "1", &["ST01", "ST03"]);
    s.enter_verdict(ST, t1, &verdict(2, &[("ST01", 10), ("ST03", 10)])).unwrap();
    assert_eq!(
        s.tables_overview(ST, Lang::Nl).unwrap().mes_funded,
        None,
        "a table without rows: no equal shares package"
    );
}

#[test]
fn a_drop_out_must_follow_from_the_verdicts_of_complete_rounds() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    let mut s = Session::open(&db).unwrap();
    common::sign_in(&mut s, "M").unwrap();
    s.load_demo().unwrap();
    s.set_table_settings(
        ST,
        &TableSettings {
            format: VerdictFormat::Points { per_participant: 10 },
            min_participants: 2,
            max_participants: 8,
        },
    )
    .unwrap();
    let t1 = table(&mut s, 1, "1", &["ST01", "ST02", "ST03"]);
    let t2 = table(&mut s, 1, "2", &["ST01", "ST02", "ST03"]);
    s.enter_verdict(ST, t1, &verdict(4, &[("ST01", 20), ("ST02", 10), ("ST03", 10)])).unwrap();
    // A drop on an incomplete round is refused, naming the missing table.
    let e = s.confirm_drop(ST, 1, "1,5").unwrap_err();
    assert_eq!(codes(&e), ["tables.drop_incomplete"]);
    assert!(e.render(Lang::Nl).contains("Nog niet ingevoerd: 2"), "{}", e.render(Lang::Nl));
    s.enter_verdict(ST, t2, &verdict(4, &[("ST01", 20), ("ST02", 10), ("ST03", 10)])).unwrap();
    // Someone with the file lowers ST02 in a verdict, lets the moderator
    // confirm the drop, and puts the verdict back before anyone looks.
    let original: String = s
        .store()
        .conn()
        .query_row("SELECT verdict FROM table_verdict WHERE table_id = ?1", [t1], |r| r.get(0))
        .unwrap();
    let lowered = original.replacen("[\"ST02\",10]", "[\"ST02\",0]", 1).replacen("[\"ST01\",20]", "[\"ST01\",30]", 1);
    assert_ne!(lowered, original, "the edit took: {original}");
    let set = |text: &str| {
        let c = rusqlite::Connection::open(&db).unwrap();
        let trig: Vec<(String, String)> = c
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'table_verdict'")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (n, _) in &trig {
            c.execute_batch(&format!("DROP TRIGGER {n};")).unwrap();
        }
        c.execute("UPDATE table_verdict SET verdict = ?1 WHERE table_id = ?2", rusqlite::params![text, t1]).unwrap();
        for (_, sql) in &trig {
            c.execute_batch(&format!("{sql};")).unwrap();
        }
    };
    set(&lowered);
    // Scores then: ST01 5, ST03 2, ST02 1 (really 2): ST02 drops below 1,5 with the plans no table had.
    let dropped = s.confirm_drop(ST, 1, "1,5").unwrap();
    assert!(dropped.contains(&"ST02".to_string()) && !dropped.contains(&"ST03".to_string()), "{dropped:?}");
    set(&original);
    // A round settled by a drop takes no new table.
    let e = s
        .add_table(
            ST,
            &TableInput {
                round: 1,
                name: "9".into(),
                facilitator: String::new(),
                location: String::new(),
                plans: vec![],
            },
        )
        .unwrap_err();
    assert_eq!(codes(&e), ["tables.round_decided"]);
    // Every record matches its claim again: the chain alone cannot tell.
    assert!(s.audit_verify().unwrap().broken_at.is_none());
    s.close_tables(ST).unwrap();
    // But the recount does not take the drop on trust: nothing is signed.
    let signer = wijkstem::output::signing::Signer::load_or_create(&dir.path().join("key"), None).unwrap();
    let e = wijkstem::output::bundle::export::export_bundle(
        s.store().db(),
        ST,
        &signer,
        s.store().clock().stamp(),
        Lang::Nl,
    )
    .unwrap_err();
    assert_eq!(codes(&e), ["bundle.recompute_failed"]);
    assert!(e.render(Lang::Nl).contains("ST02"), "{}", e.render(Lang::Nl));
}

/// A whole gesprekstafels selection from the command line only: set-up,
/// tables, verdicts (a wrong sum refused), the overview's package checked by
/// hand, sheets printed, closing by a coordinator only, nothing after closing.
#[test]
fn cli_runs_a_whole_gesprekstafels_selection() {
    let room = common::CliRoom::new();
    let mut s = Session::open(&room.db).unwrap();
    common::sign_in(&mut s, "Ann").unwrap();
    s.add_to_roster("Vera", wijkstem::roster::Role::Volunteer, common::TEST_PIN).unwrap();
    drop(s);
    let run = |who: &str, args: &[&str]| room.run(who, args);
    let ok = |args: &[&str]| room.ok(args);
    let sel = room.selection("Ledeberg", "tables");
    let (bad, _, err) = run("Ann", &["plans", "add", &sel, "D", "Kapot", "veel"]);
    assert!(!bad && err.contains("‘veel’ is geen bedrag"), "{err}");
    ok(&["tables", "settings", &sel, "--format", "points:5", "--min", "2", "--max", "10"]);
    let t1: serde_json::Value =
        serde_json::from_str(&ok(&["tables", "add", &sel, "--round", "1", "--name", "T1"])).unwrap();
    let t2: serde_json::Value =
        serde_json::from_str(&ok(&["tables", "add", &sel, "--round", "1", "--name", "T2"])).unwrap();
    let (t1, t2) = (t1["id"].to_string(), t2["id"].to_string());
    // A volunteer enters verdicts; 2 participants × 5 points are 10, not 11.
    let (bad, _, err) =
        run("Vera", &["tables", "verdict", &sel, &t2, "--participants", "2", "--values", "A=2,B=6,C=3"]);
    assert!(!bad && err.contains("tellen op tot 11"), "{err}");
    assert!(run("Vera", &["tables", "verdict", &sel, &t1, "--participants", "3", "--values", "A=8,B=4,C=3"]).0);
    assert!(run("Vera", &["tables", "verdict", &sel, &t2, "--participants", "2", "--values", "A=2,B=6,C=2"]).0);
    // A=10, B=10, C=5 points: A and B (€ 9.000) fit in € 10.000, C does not.
    let overview: serde_json::Value = serde_json::from_str(&ok(&["tables", "overview", &sel])).unwrap();
    assert_eq!(overview["funded_cost_cents"], 900_000, "{overview}");
    let funded: Vec<&str> = overview["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["funded"] == true)
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(funded, ["A", "B"]);
    let sheets = ok(&["tables", "sheets", &sel]);
    assert!(std::path::Path::new(&sheets).exists(), "{sheets}");
    // Closing is the coordinator's, for the CLI as for the app.
    let (closed, _, err) = run("Vera", &["tables", "close", &sel]);
    assert!(!closed && err.contains("coördinator"), "{err}");
    ok(&["tables", "close", &sel]);
    let (again, _, err) =
        run("Vera", &["tables", "verdict", &sel, &t2, "--participants", "2", "--values", "A=2,B=6,C=2"]);
    assert!(!again && err.contains("afgesloten"), "{err}");
}

/// Rounds follow each other, and a table's name is checked like every name.
#[test]
fn table_rounds_follow_each_other_and_names_are_checked() {
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "Anna").unwrap();
    s.load_demo().unwrap();
    let settings = TableSettings {
        format: VerdictFormat::Points { per_participant: 5 },
        min_participants: 1,
        max_participants: 9,
    };
    s.set_table_settings(ST, &settings).unwrap();
    let table = |round: u32, name: &str| TableInput {
        round,
        name: name.into(),
        facilitator: String::new(),
        location: String::new(),
        plans: vec![],
    };
    assert_eq!(codes(&s.add_table(ST, &table(2, "T1")).unwrap_err()), ["tables.round_gap"]);
    s.add_table(ST, &table(1, "T9")).unwrap();
    assert_eq!(codes(&s.add_table(ST, &table(1, "T\u{200b}9")).unwrap_err()), ["selection.bad_char"]);
    assert_eq!(codes(&s.add_table(ST, &table(1, " ")).unwrap_err()), ["selection.empty"]);
    assert_eq!(s.tables(ST).unwrap().len(), 1);
}

/// Every write of a tables evening (settings, tables, verdicts, a refused
/// verdict, a drop-out, closing) reads what it checks inside its own
/// transaction.
#[test]
fn every_tables_write_checks_inside_its_transaction() {
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "Moderator").unwrap();
    s.load_demo().unwrap();
    let mut walk = common::WriteWalk::start(&mut s);
    let settings = TableSettings {
        format: VerdictFormat::Points { per_participant: 10 },
        min_participants: 2,
        max_participants: 8,
    };
    walk.call("settings", s.set_table_settings(ST, &settings).is_ok());
    let t1 = table(&mut s, 1, "Tafel 1", &["ST01", "ST02", "ST03"]);
    walk.call("table", true);
    let counted = verdict(4, &[("ST01", 30), ("ST02", 10), ("ST03", 0)]);
    walk.call("verdict", s.enter_verdict(ST, t1, &counted).is_ok());
    walk.call("verdict twice", s.enter_verdict(ST, t1, &counted).is_err());
    walk.call("drop", s.confirm_drop(ST, 1, "2").is_ok());
    walk.call("close", s.close_tables(ST).is_ok());
    walk.finish(&mut s);
}
