//! The online vote beside the paper count (issue #19): the platform's
//! export read as a CSV or a pabulib file, every vote judged by the ballot's
//! rules, all or nothing, each voter once; counted with the paper ballots,
//! shown as its own line, and recounted by the bundle's verifier.
#![allow(clippy::unwrap_used)] // tests may panic on what they did not expect

use std::collections::BTreeMap;
use std::io::Read;

use wijkstem::i18n::Lang;
use wijkstem::paper::ballot::{qr_payload, BallotStyle, EntryRules};
use wijkstem::paper::{parse_marks, PaperSettings};
use wijkstem::rules::{Rule, TieBreak};
use wijkstem::session::Session;

mod common;
use common::codes;

const MUIDE: i64 = 1;

fn online_rows(s: &Session) -> i64 {
    s.store().conn().query_row("SELECT count(*) FROM online_vote", [], |r| r.get(0)).unwrap()
}

#[test]
fn the_online_vote_counts_beside_the_paper_ballots() {
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "Ann").unwrap();
    s.load_demo().unwrap();
    s.set_paper_settings(
        MUIDE,
        &PaperSettings {
            style: BallotStyle::Approval { min: 1, max: 3 },
            double_entry: false,
            rules: EntryRules::default(),
        },
    )
    .unwrap();
    let (serials, _) = s.print_ballots(MUIDE, 4, 2, Lang::Nl).unwrap();
    let hash: String = s.store().conn().query_row("SELECT style_hash FROM ballot LIMIT 1", [], |r| r.get(0)).unwrap();
    let paper = ["MM01", "MM01,MM02", "MM03", "MM02"];
    for (serial, m) in serials.iter().zip(paper) {
        s.enter_ballot(MUIDE, None, &qr_payload(MUIDE, serial, &hash), &parse_marks(m).unwrap(), None).unwrap();
    }
    let rule = Rule::parse("greedy").unwrap();
    let before = s.tally(MUIDE, &rule, &TieBreak::Lexicographic).unwrap();

    // Refused whole, naming the line; nothing of it kept.
    let refused = |s: &mut Session, text: &str| {
        let err = s.import_online(MUIDE, text.as_bytes(), "stemmen.csv").unwrap_err();
        assert_eq!(online_rows(s), 0, "{text}");
        err
    };
    let e = refused(&mut s, "pseudoniem;stem\nv1;MM01\nv2;MM01,MM02,MM03,MM04\n");
    assert_eq!(codes(&e), ["online.invalid_vote"]);
    assert_eq!(e.problems[0].params.get("line").map(String::as_str), Some("3"));
    let e = refused(&mut s, "pseudoniem;stem\nv1;MM01\nv1;MM02\n");
    assert_eq!(codes(&e), ["online.twice"]);
    assert_eq!(codes(&refused(&mut s, "pseudoniem;stem\nv1;XX99\n")), ["online.refused_line", "ballot.unknown_plan"]);
    // Crosses only: a number is refused, not read as a cross.
    assert_eq!(codes(&refused(&mut s, "pseudoniem;stem\nv1;MM02=5\n")), ["online.refused_line", "ballot.not_points"]);
    // Marks not quoted in a comma file: more columns than the header, refused
    // rather than read as the first plan only.
    let e = refused(&mut s, "pseudoniem,stem\nv1,MM01\nv2,MM01,MM03\n");
    assert_eq!(codes(&e), ["online.columns"]);
    assert_eq!(e.problems[0].params.get("line").map(String::as_str), Some("3"));
    assert_eq!(codes(&refused(&mut s, "pseudoniem;stem\n;MM01\n")), ["online.no_pseudonym"]);
    assert_eq!(codes(&refused(&mut s, "naam;plannen\nv1;MM01\n")), ["online.no_columns"]);
    assert_eq!(codes(&refused(&mut s, "pseudoniem;stem\nv1;MM01=x\n")), ["online.bad_vote"]);
    assert_eq!(codes(&refused(&mut s, "pseudoniem;stem\n")), ["online.empty"]);
    assert_eq!(codes(&s.import_online(MUIDE, b"\xff\xfe", "x.csv").unwrap_err()), ["online.not_utf8"]);

    // A CSV as a spreadsheet writes it, and the same file again.
    let csv = "pseudoniem,stem\nv1,\"MM01,MM03\"\nv2,MM02 MM03\nv3,MM03\n";
    let r = s.import_online(MUIDE, csv.as_bytes(), "stemmen.csv").unwrap();
    assert_eq!((r.votes, r.already), (3, false));
    let again = s.import_online(MUIDE, csv.as_bytes(), "stemmen-kopie.csv").unwrap();
    assert!(again.already);
    assert_eq!(online_rows(&s), 3);

    // A pabulib file from the platform; a voter already in the CSV refuses it.
    let pb = |projects: &[&str], voters: &[(&str, &str)]| {
        let mut t = format!(
            "META\nkey;value\ndescription;online\ncountry;Belgium\nunit;Gent\ninstance;2026\nnum_projects;{}\nnum_votes;{}\nbudget;100000\nvote_type;approval\nrule;greedy\nPROJECTS\nproject_id;cost\n",
            projects.len(),
            voters.len()
        );
        for p in projects {
            t.push_str(&format!("{p};1000\n"));
        }
        t.push_str("VOTES\nvoter_id;vote\n");
        for (v, m) in voters {
            t.push_str(&format!("{v};{m}\n"));
        }
        t
    };
    let three = ["MM01", "MM02", "MM03"];
    let e = s.import_online(MUIDE, pb(&three, &[("p1", "MM01"), ("v2", "MM02")]).as_bytes(), "online.pb").unwrap_err();
    assert_eq!(codes(&e), ["online.twice"]);
    let e = s.import_online(MUIDE, pb(&["MM01", "ZZ09"], &[("p1", "MM01")]).as_bytes(), "online.pb").unwrap_err();
    assert_eq!(codes(&e), ["online.unknown_plan"]);
    // A file cut short is the pabulib reader's refusal, with its line.
    let cut = pb(&three, &[("p1", "MM01"), ("p2", "MM02")]);
    let e = s.import_online(MUIDE, &cut.as_bytes()[..cut.len() - 8], "online.pb").unwrap_err();
    assert!(codes(&e)[0].starts_with("pabulib."), "{e:?}");
    assert_eq!(online_rows(&s), 3);
    let r = s.import_online(MUIDE, pb(&three, &[("p1", "MM01,MM02"), ("p2", "MM02")]).as_bytes(), "online.pb").unwrap();
    assert_eq!(r.votes, 2);

    // Counted with the paper ballots: 4 on paper, 5 online.
    let after = s.tally(MUIDE, &rule, &TieBreak::Lexicographic).unwrap();
    assert_eq!((before.valid, after.valid), (4, 9));
    let code_at = |code: &str| s.plans(MUIDE).unwrap().iter().position(|p| p.code == code).unwrap();
    // MM01: paper 2, online 2 (v1, p1); MM02: paper 2, online 3 (v2, p1, p2); MM03: paper 1, online 3 (v1, v2, v3).
    for (code, paper, online) in [("MM01", 2, 2), ("MM02", 2, 3), ("MM03", 1, 3)] {
        assert_eq!(before.votes[code_at(code)], paper, "{code}");
        assert_eq!(after.votes[code_at(code)], paper + online, "{code}");
        assert_eq!(after.online_votes[code_at(code)], online, "{code}");
    }
    assert_eq!((before.online_valid, after.online_valid), (0, 5));
    // The desk's list of paper voters, compared by the same salted hash: v2
    // and p1 voted both ways. No vote changes; the chain keeps the numbers only.
    let desk_dir = tempfile::tempdir().unwrap();
    let desk = desk_dir.path().join("balie.csv");
    std::fs::write(&desk, "naam;pseudoniem\nAn;v2\nBo;zz9\n\nBert;p1\nAn;v2\n").unwrap();
    let r = s.check_desk_list_file(MUIDE, desk.to_str().unwrap()).unwrap();
    assert_eq!((r.listed, r.also_online.clone(), r.repeated), (3, vec!["v2".to_string(), "p1".to_string()], 1));
    // Without a header: one pseudonym per line, and a line of two is refused, not half read.
    std::fs::write(&desk, "v1\nv3,p2\n").unwrap();
    let e = s.check_desk_list_file(MUIDE, desk.to_str().unwrap()).unwrap_err();
    assert_eq!(
        (codes(&e), e.problems[0].params.get("line").map(String::as_str)),
        (vec!["online.desk_bad_line".to_string()], Some("2"))
    );
    std::fs::write(&desk, "v1\n").unwrap();
    assert_eq!(s.check_desk_list_file(MUIDE, desk.to_str().unwrap()).unwrap().also_online, ["v1"]);
    // As a spreadsheet writes it: tabs, and a quoted name with a comma.
    std::fs::write(&desk, "naam\tpseudoniem\nAn\tv3\n").unwrap();
    assert_eq!(s.check_desk_list_file(MUIDE, desk.to_str().unwrap()).unwrap().also_online, ["v3"]);
    std::fs::write(&desk, "naam,pseudoniem\n\"Peeters, An\",p2\n").unwrap();
    assert_eq!(s.check_desk_list_file(MUIDE, desk.to_str().unwrap()).unwrap().also_online, ["p2"]);
    std::fs::write(&desk, "v3\tMM01\n").unwrap();
    assert_eq!(codes(&s.check_desk_list_file(MUIDE, desk.to_str().unwrap()).unwrap_err()), ["online.desk_bad_line"]);
    assert_eq!(s.tally(MUIDE, &rule, &TieBreak::Lexicographic).unwrap().valid, 9);
    let event: String = s
        .store()
        .conn()
        .query_row("SELECT after FROM audit_log WHERE action = 'online.desk_check' ORDER BY seq LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    // Its numbers only: no pseudonym, and no hash of the list (a short
    // list's hash would let anyone guess who is on it).
    assert_eq!(event, r#"{"listed":3,"matches":2}"#);
    std::fs::write(&desk, "pseudoniem\n\n").unwrap();
    assert_eq!(codes(&s.check_desk_list_file(MUIDE, desk.to_str().unwrap()).unwrap_err()), ["online.desk_empty"]);
    // The count's screen shows each plan's paper and online votes apart.
    let view = s.tally_view(MUIDE, "greedy", wijkstem::i18n::Lang::Nl).unwrap();
    assert_eq!(view.online_valid, 5);
    let mm02 = view.plans.iter().find(|p| p.code == "MM02").unwrap();
    assert_eq!((mm02.votes, mm02.online_votes), (5, 3));

    // The signed bundle: the records hold the online votes as their own
    // line (no pseudonym), and the verifier's recount agrees.
    s.close_count(MUIDE).unwrap();
    let keys = tempfile::tempdir().unwrap();
    let signer = wijkstem::output::signing::Signer::load_or_create(keys.path(), None).unwrap();
    let zip = wijkstem::output::bundle::export::export_bundle(
        s.store().db(),
        MUIDE,
        &signer,
        "2026-12-02T00:00:00Z".into(),
        Lang::Nl,
    )
    .unwrap();
    let report = wijkstem::output::bundle::verify(&zip, Some(&signer.pk));
    assert!(report.ok(), "{:?}", report.problems);
    let passed: Vec<&str> = report.passed.iter().map(|p| p.code.as_str()).collect();
    assert!(passed.contains(&"bundle.ok_sources"), "{passed:?}");
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&zip)).unwrap();
    let mut files = BTreeMap::new();
    for name in ["records/ballots.csv", "selection.pb"] {
        let mut t = String::new();
        z.by_name(name).unwrap().read_to_string(&mut t).unwrap();
        files.insert(name, t);
    }
    let cvr = &files["records/ballots.csv"];
    assert_eq!(cvr.lines().filter(|l| l.starts_with("online,")).count(), 5, "{cvr}");
    for pseudonym in ["v1", "v2", "v3", "p1", "p2"] {
        assert!(!cvr.contains(pseudonym) && !files["selection.pb"].contains(&format!("{pseudonym};")));
    }
    assert!(files["selection.pb"].contains("num_votes;9"), "{}", files["selection.pb"]);
    // And the report shows the line.
    if common::need("pdftotext") {
        let dir = tempfile::tempdir().unwrap();
        let mut pdf = Vec::new();
        z.by_name("report.pdf").unwrap().read_to_end(&mut pdf).unwrap();
        std::fs::write(dir.path().join("r.pdf"), &pdf).unwrap();
        let text = common::pdf_text(&dir.path().join("r.pdf")).unwrap();
        assert!(text.contains("online"), "{text}");
        // Each plan's score with the online part beside it: MM02 has 5, 3 of them online.
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("Score (online)"), "{flat}");
        assert!(flat.contains("MM02 Zitbanken langs het Houtdok € 9.800,00 5 (3)"), "{flat}");
    }
    // Nothing more comes in once the count is closed.
    assert!(s.import_online(MUIDE, b"pseudoniem;stem\nz;MM01\n", "laat.csv").is_err());
}
