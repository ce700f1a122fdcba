//! The pabulib reader and writer: malformed files are refused with the line
//! and what is wrong; a file written back reads the same.
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

mod common;
use std::process::Command;

use wijkstem::pabulib::{self, PbError};
use wijkstem::problem::ToProblem;

const GOOD: &str = "META\nkey;value\ndescription;Test\nnum_projects;3\nnum_votes;4\nbudget;100.50\nvote_type;cumulative\nmax_sum_points;5\nrule;greedy\n\
PROJECTS\nproject_id;cost;votes;score;name;selected\nA;50;3;7;\"Bankjes; met leuning\";1\nB;60.25;2;4;Bomen;0\nC;40;1;1;Café \"De Hoek\";1\n\
VOTES\nvoter_id;vote;points\n1;A,B;3,2\n2;A,C;4,1\n3;B,A;2,1\n4;A;1\n";

fn read(s: &str) -> Result<pabulib::PbFile, PbError> {
    pabulib::read(s.as_bytes(), true)
}

fn err_line(s: &str) -> (u64, String) {
    match read(s).unwrap_err() {
        e @ PbError::At { line, .. } => (line, e.to_problem().render(wijkstem::i18n::Lang::En)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn reads_a_cumulative_file_with_quotes_decimals_and_merged_ballots() {
    let f = read(GOOD).unwrap();
    assert_eq!(f.project_ids(), ["A", "B", "C"]);
    assert_eq!(f.num_votes, 4);
    let e = f.election();
    // 100.50 and 60.25 force cents: everything is scaled by 100.
    assert_eq!((e.budget, e.unit_scale), (10050, 100));
    assert_eq!(e.projects.iter().map(|p| p.cost).collect::<Vec<_>>(), [5000, 6025, 4000]);
    assert_eq!(e.points(), [9, 4, 1]);
    assert_eq!(e.approvals(), [4, 2, 1]);
    assert_eq!(f.official_selected().unwrap(), ["A", "C"]);
    assert_eq!(f.project_rows[0][4], "Bankjes; met leuning");
    assert_eq!(f.project_rows[2][4], "Café \"De Hoek\"");
}

#[test]
fn writing_back_reads_the_same() {
    let f = read(GOOD).unwrap();
    let mut out = Vec::new();
    f.write(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("\"Bankjes; met leuning\""), "{text}");
    let g = read(&text).unwrap();
    assert_eq!(g.meta, f.meta);
    assert_eq!(g.project_rows, f.project_rows);
    assert_eq!(g.vote_rows, f.vote_rows);
    assert_eq!(g.ballots, f.ballots);
}

#[test]
fn real_files_round_trip() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/rules/tests/data/pabulib");
    for name in [
        "Poland_Gdansk_2020_Olszynka.pb",
        "Worldwide_Mechanical_Turk_Ranking_value_money_3.pb",
        "Poland_Zabrze_2020_Konczyce.pb",
    ] {
        let f = pabulib::read(std::fs::File::open(dir.join(name)).unwrap(), true).unwrap();
        let mut out = Vec::new();
        f.write(&mut out).unwrap();
        let g = pabulib::read(&out[..], true).unwrap();
        assert_eq!(
            (g.meta.clone(), g.project_rows.clone(), g.ballots.clone()),
            (f.meta.clone(), f.project_rows.clone(), f.ballots.clone()),
            "{name}"
        );
    }
}

#[test]
fn malformed_files_name_the_line_and_the_problem() {
    let cases: Vec<(String, u64, &str)> = vec![
        (GOOD.replace("1;A,B;3,2", "1;A,Z;3,2"), 17, "unknown project \"Z\""),
        (GOOD.replace("1;A,B;3,2", "1;A,B;3"), 17, "2 projects but 1 points"),
        (GOOD.replace("2;A,C;4,1", "2;A,C;4,x"), 18, "points \"x\" are not"),
        (GOOD.replace("B;60.25;", "B;zestig;"), 13, "cost ‘zestig’ of project B is not a number"),
        (GOOD.replace("C;40;1;1;", "A;40;1;1;"), 14, "project A appears twice"),
        (GOOD.replace("4;A;1", "1;A;1"), 20, "voter 1 appears twice"),
        (GOOD.replace("key;value", "sleutel;waarde"), 2, "key;value"),
        (GOOD.replace("budget;100.50\n", ""), 14, "no budget"),
        (GOOD.replace("3;B,A;2,1", "3;B;A;2,1"), 19, "cells where the header has"),
        (GOOD.replace("PROJECTS\n", "VOTES\n"), 10, "out of order"),
        (GOOD.replace("1;A,B;3,2", "1;A,A;3,2"), 17, "twice"),
        ("hello\n".to_string(), 1, "starts with a line META"),
        (GOOD.split("VOTES").next().unwrap().to_string(), 15, "no VOTES"),
        (GOOD.replace("B;60.25;", "B;-60.25;"), 13, "cost ‘-60.25’ of project B is negative"),
        // Cut short in VOTES: META's count gives it away.
        (GOOD.split("3;B,A").next().unwrap().to_string(), 18, "META says 4 votes, the file holds 2"),
        (GOOD.replace("num_projects;3", "num_projects;4"), 20, "META says 4 projects, the file holds 3"),
        (GOOD.replace("num_votes;4", "num_votes;vier"), 0, "num_votes ‘vier’ is not a whole number"),
    ];
    for (text, line, needle) in cases {
        let (got_line, what) = err_line(&text);
        assert_eq!(got_line, line, "{needle}: {what}");
        assert!(what.contains(needle), "wanted {needle:?} in {what:?}");
    }
    let p = read(&GOOD.replace("1;A,B;3,2", "1;A,Z;3,2")).unwrap_err().to_problem();
    assert!(p.render(wijkstem::i18n::Lang::Nl).starts_with("Regel 17:"));
    let bytes = [b"META\nkey;value\ndescription;".as_slice(), &[0xff, 0xfe], b"\n"].concat();
    assert!(matches!(pabulib::read(&bytes[..], false), Err(PbError::At { code: "not_utf8", .. })));
}

#[test]
fn a_vote_naming_a_plan_twice_counts_it_once_with_a_warning_naming_the_line() {
    let approval = "META\nkey;value\nnum_projects;2\nnum_votes;3\nbudget;100\nvote_type;approval\n\
PROJECTS\nproject_id;cost\nA;60\nB;50\nVOTES\nvoter_id;vote\n1;A,B,A\n2;A,B\n3;B\n";
    let f = read(approval).unwrap();
    // Read as "A,B": merged with voter 2's identical ballot.
    assert_eq!(f.ballots.len(), 2);
    assert_eq!(f.ballots[0].items, [(0, 1), (1, 1)]);
    assert_eq!(f.ballots[0].weight, 2);
    assert_eq!(f.warnings.len(), 1);
    let nl = wijkstem::problem::ToProblem::to_problem(&f.warnings[0]).render(wijkstem::i18n::Lang::Nl);
    assert!(nl.starts_with("Regel 13:") && nl.contains("project A twee keer"), "{nl}");
    // With points, which number counts is unclear: refused.
    let cumulative = approval.replace("approval", "cumulative").replace("voter_id;vote\n", "voter_id;vote;points\n");
    let cumulative = cumulative.replace("1;A,B,A\n2;A,B\n3;B\n", "1;A,B,A;1,1,1\n2;A,B;1,1\n3;B;2\n");
    let (line, what) = err_line(&cumulative);
    assert_eq!(line, 13);
    assert!(what.contains("names project A twice with points"), "{what}");
}

#[test]
fn every_word_of_a_pabulib_message_is_dutch_by_default() {
    let bad = [
        GOOD.replace("B;60.25;", "B;-60.25;"),
        GOOD.replace("1;A,B;3,2", "1;A,Z;3,2"),
        GOOD.replace("num_votes;4", "num_votes;7"),
        GOOD.replace("3;B,A;2,1", "3;B;A;2,1"),
        GOOD.replace("vote_type;cumulative", "vote_type;borda"),
        GOOD.replace("key;value", "sleutel;waarde"),
    ];
    for text in bad {
        let p = read(&text).unwrap_err().to_problem();
        let nl = p.render(wijkstem::i18n::Lang::Nl);
        let en = p.render(wijkstem::i18n::Lang::En);
        assert!(nl.starts_with("Regel "), "{nl}");
        for english in [" the ", " not ", " of project", " where ", " says ", "unknown", " cost ", " appears"] {
            assert!(!nl.contains(english), "English {english:?} in {nl:?}");
        }
        assert_ne!(nl, en);
    }
    // The CLI with no language set speaks Dutch.
    let tmp = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(tmp.path(), GOOD.replace("B;60.25;", "B;-60.25;")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wijkstem"))
        .args(["pb", "tally", tmp.path().to_str().unwrap(), "--rule", "greedy"])
        .env_remove("WIJKSTEM_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("Regel 13: de kost ‘-60.25’ van project B is negatief."), "{err}");
}

#[test]
fn cli_refuses_unknown_variants_and_lists_every_rule_name() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/rules/tests/data/pabulib");
    let assen = dir.join("Netherlands_Assen_2024.pb");
    let assen = assen.to_str().unwrap();
    let (ok, out, err) = cli(&["pb", "tally", assen, "--rule", "mes_cost_add1", "--variant", "offical"], "nl");
    assert!(!ok && out.is_empty(), "{out}");
    assert!(err.contains("‘offical’: kies --variant pabutools of official."), "{err}");
    let (ok, _, err) = cli(&["pb", "tally", assen, "--rule", "mes-add1"], "en");
    assert!(!ok);
    for name in wijkstem::rules::Rule::NAMES.iter().chain(&["greedy-threshold", "official"]) {
        assert!(err.contains(name), "{name} missing from {err}");
        if *name != "greedy-threshold" && *name != "greedy_threshold" && *name != "official" {
            assert!(wijkstem::rules::Rule::parse(name).is_some(), "{name} is listed but not accepted");
        }
    }
}

#[test]
fn cli_output_into_a_closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/rules/tests/data/pabulib");
    let file = dir.join("Poland_Warszawa_2018_rejon_6.pb");
    let mut child = Command::new(env!("CARGO_BIN_EXE_wijkstem"))
        .args(["pb", "tally", file.to_str().unwrap(), "--rule", "mes_cost_add1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Like `| head -1`: read one line, then go away.
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(!first.is_empty());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
    assert!(out.status.success(), "{:?} {err}", out.status);
}

fn cli(args: &[&str], lang: &str) -> (bool, String, String) {
    common::run_cli(None, None, lang, args, None, &[])
}

#[test]
fn cli_pb_tally_prints_plans_total_and_explanation() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/rules/tests/data/pabulib");
    let assen = dir.join("Netherlands_Assen_2024.pb");
    let (ok, out, err) = cli(&["pb", "tally", assen.to_str().unwrap(), "--rule", "mes_cost_add1", "--json"], "nl");
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut sel: Vec<&str> = v["selected"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
    sel.sort();
    assert_eq!(sel, ["11", "12", "13", "14", "2", "3", "5", "6", "9"]);
    assert!(v["explanation"][0].as_str().unwrap().starts_with("Ronde 1:"));

    let (ok, out, _) = cli(&["pb", "tally", assen.to_str().unwrap(), "--rule", "official"], "en");
    assert!(ok);
    assert!(out.contains("Funded plans:") && out.contains("Total: 76700 (9 plans)"), "{out}");
    assert!(out.contains("decided by lowest cost"), "{out}");

    let (ok, _, err) = cli(&["pb", "tally", assen.to_str().unwrap(), "--rule", "borda"], "nl");
    assert!(!ok);
    assert!(err.contains("Onbekende regel ‘borda’"), "{err}");
    let tmp = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(tmp.path(), GOOD.replace("1;A,B;3,2", "1;A,Z;3,2")).unwrap();
    let (ok, _, err) = cli(&["pb", "tally", tmp.path().to_str().unwrap(), "--rule", "greedy"], "nl");
    assert!(!ok);
    assert!(err.contains("Regel 17") && err.contains("\"Z\""), "{err}");
}

/// A command line clap cannot read is refused in the user's language, with
/// the usage line, and nothing of clap's English (`error:`, `Usage:`…).
#[test]
fn cli_argument_mistakes_are_told_in_dutch() {
    let cases: &[(&[&str], &str, &str)] = &[
        (&["draw"], "Er ontbreekt nog: --size <SIZE>, <QUOTAS>, <RESPONDENTS>.", "Still missing: --size"),
        (
            &["draw", "q.csv", "r.csv", "--sise", "3"],
            "‘--sise’ kent wijkstem hier niet. Bedoelde u ‘--size’?",
            "Did you mean ‘--size’?",
        ),
        (
            &["selectoin"],
            "‘selectoin’ is geen opdracht van wijkstem. Bedoelde u ‘selections’ of ‘selection’?",
            "‘selections’ or ‘selection’",
        ),
        (
            &["draw", "q.csv", "r.csv", "--size", "twintig"],
            "‘twintig’ is geen geldige waarde voor --size <SIZE>: typ een geheel getal.",
            "type a whole number",
        ),
        (&["draw", "q.csv", "r.csv", "--size"], "--size <SIZE> heeft een waarde nodig", "needs a value"),
        (
            &["draw", "q.csv", "r.csv", "--size", "3", "--size", "4"],
            "--size <SIZE> mag maar één keer.",
            "may be given only once",
        ),
    ];
    for (args, nl, en) in cases {
        let (ok, out, err) = cli(args, "nl");
        assert!(!ok && out.is_empty(), "{args:?}: {out}");
        assert!(err.contains(nl), "{args:?}: {err}");
        assert!(err.contains("Meer uitleg"), "{args:?}: {err}");
        for english in ["error:", "Usage:", "the following", "unexpected", "invalid", "For more information"] {
            assert!(!err.contains(english), "{args:?}: clap's English ‘{english}’ in {err}");
        }
        let (ok, _, err) = cli(args, "en");
        assert!(!ok && err.contains(en), "{args:?}: {err}");
    }
    let (ok, _, err) = cli(&["draw"], "nl");
    assert!(!ok && err.contains("Gebruik: wijkstem draw --size <SIZE> <QUOTAS> <RESPONDENTS>"), "{err}");
    // Help is still clap's, and says so first when a command is missing.
    let (_, _, err) = cli(&["pb"], "nl");
    assert!(err.starts_with("Welke opdracht?") && err.contains("tally"), "{err}");
}
