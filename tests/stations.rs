//! Counting on several laptops (issue #19): one coordinator and two
//! counting stations, each its own database and signing key, with packages
//! carried between them as bytes. The merged count must equal a count of
//! the same ballots typed on one laptop: nothing lost, nothing doubled.
#![allow(clippy::unwrap_used)] // tests may panic on what they did not expect

use std::io::{Read, Write};
use std::path::Path;

use wijkstem::paper::ballot::{qr_payload, BallotStyle, EntryRules, Marks};
use wijkstem::paper::boxes::BoxInput;
use wijkstem::paper::{parse_marks, PaperSettings};
use wijkstem::rules::{Rule, TieBreak};
use wijkstem::session::Session;

mod common;
use common::codes;

const MUIDE: i64 = 1;

fn m(text: &str) -> Marks {
    parse_marks(text).unwrap()
}

fn laptop(dir: &Path, name: &str) -> Session {
    let mut s = Session::open(&dir.join(format!("{name}.db"))).unwrap();
    std::fs::create_dir_all(dir.join(format!("{name}-key"))).unwrap();
    s.use_key_dir(&dir.join(format!("{name}-key")));
    common::sign_in(&mut s, "Anna").unwrap();
    s.load_demo().unwrap();
    s
}

fn as_op(s: &mut Session, who: &str) {
    s.sign_out().unwrap();
    common::sign_in(s, who).unwrap();
}

/// A zip rewritten with one file's bytes changed (the manifest and its
/// signature left as they were).
fn tampered(zip: &[u8], file: &str) -> Vec<u8> {
    let mut input = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..input.len() {
        let mut f = input.by_index(i).unwrap();
        let name = f.name().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name == file {
            let text = String::from_utf8(bytes).unwrap().replacen("MM01", "MM04", 1);
            bytes = text.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// What counts, as a sorted list of (serial, marks): the count of record.
fn counted(s: &Session, sel: i64) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = s
        .store()
        .conn()
        .prepare(
            "SELECT serial, marks FROM ballot_entry WHERE selection_id = ?1 AND status = 'active' AND entry_no = 1",
        )
        .unwrap()
        .query_map([sel], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    out.sort();
    out
}

#[test]
fn three_laptops_count_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut coord = laptop(dir.path(), "coordinator");
    coord
        .set_paper_settings(
            MUIDE,
            &PaperSettings {
                style: BallotStyle::Approval { min: 1, max: 3 },
                double_entry: true,
                rules: EntryRules::default(),
            },
        )
        .unwrap();
    let (serials, _) = coord.print_ballots(MUIDE, 10, 2, wijkstem::i18n::Lang::Nl).unwrap();
    let hash: String =
        coord.store().conn().query_row("SELECT style_hash FROM ballot LIMIT 1", [], |r| r.get(0)).unwrap();
    let q: Vec<String> = serials.iter().map(|x| qr_payload(MUIDE, x, &hash)).collect();
    for (name, n) in [("Bus 1", 5), ("Bus 2", 5)] {
        coord.create_box(MUIDE, &BoxInput { name: name.into(), location: "Wijkcentrum".into(), expected: n }).unwrap();
    }
    let db_before = dir.path().join("one-laptop.db");
    coord.store().conn().execute("VACUUM INTO ?1", [db_before.to_str().unwrap()]).unwrap();
    let setup = coord.export_setup(MUIDE, None).unwrap();

    // Two stations take the selection over. Their own demo already holds
    // selections 1 and 2, so their copy has another id; the ballots still
    // carry the coordinator's.
    let mut a = laptop(dir.path(), "station-a");
    let mut b = laptop(dir.path(), "station-b");
    let (sel_a, key_seen) = a.import_setup(&setup, "setup.wsp").unwrap();
    let (sel_b, _) = b.import_setup(&setup, "setup.wsp").unwrap();
    assert_ne!(sel_a, MUIDE);
    assert_eq!(key_seen, coord.station_key_id(None).unwrap());
    // The coordinator's printed box covers name the station's copies of the boxes.
    for bx in coord.boxes(MUIDE).unwrap() {
        let cover = wijkstem::paper::ballot::box_payload(MUIDE, bx.id);
        let here = a.box_for_scan(sel_a, &cover).unwrap().expect("the cover names a box on the station");
        assert_eq!(a.boxes(sel_a).unwrap().into_iter().find(|x| x.id == here).unwrap().name, bx.name);
        // A station's copy is not the coordinator's selection on this laptop.
        assert_eq!(a.box_for_scan(MUIDE, &cover).unwrap(), None);
    }
    // The same set-up twice is refused, and nothing is added.
    assert_eq!(codes(&a.import_setup(&setup, "setup.wsp").unwrap_err()), ["station.setup_known"]);
    // A station keeps the coordinator's style and boxes.
    assert_eq!(
        codes(
            &a.set_paper_settings(
                sel_a,
                &PaperSettings {
                    style: BallotStyle::Approval { min: 1, max: 2 },
                    double_entry: true,
                    rules: EntryRules::default()
                }
            )
            .unwrap_err()
        ),
        ["station.keeps_setup"]
    );
    assert_eq!(
        codes(&a.create_box(sel_a, &BoxInput { name: "Z".into(), location: String::new(), expected: 1 }).unwrap_err()),
        ["station.keeps_setup"]
    );
    // A station neither prints nor closes the count.
    assert_eq!(codes(&a.print_ballots(sel_a, 1, 2, wijkstem::i18n::Lang::Nl).unwrap_err()), ["station.no_printing"]);
    // A set-up package is not a station package, and the reverse.
    assert_eq!(codes(&coord.import_station(MUIDE, &setup, "setup.wsp").unwrap_err()), ["station.wrong_kind"]);

    // What the residents marked, ballot by ballot.
    let marks = ["MM01", "MM01,MM02", "MM03", "MM02,MM04", "MM01,MM05", "MM04", "MM02", "MM01,MM03", "MM05", "MM03"];
    let bus = |i: usize| if i < 5 { "Bus 1" } else { "Bus 2" };
    let box_id =
        |s: &Session, sel: i64, name: &str| s.boxes(sel).unwrap().into_iter().find(|x| x.name == name).unwrap().id;
    // (laptop, person, ballot, marks typed). First entries of Bus 1 on A
    // (Bert), of Bus 2 on B (Carla); second entries crosswise, so the two
    // entries of a ballot meet only on the coordinator's laptop. Els types
    // ballot 7 wrong; Frank types ballot 9 a third time, on B.
    let first: Vec<(char, &str, usize, &str)> =
        (0..5).map(|i| ('a', "Bert", i, marks[i])).chain((5..10).map(|i| ('b', "Carla", i, marks[i]))).collect();
    let second: Vec<(char, &str, usize, &str)> = (0..5)
        .map(|i| ('b', "Dirk", i, marks[i]))
        .chain((5..10).map(|i| ('a', "Els", i, if i == 7 { "MM01" } else { marks[i] })))
        .chain(std::iter::once(('b', "Frank", 9, marks[9])))
        .collect();
    let type_in = |a: &mut Session, b: &mut Session, list: &[(char, &str, usize, &str)]| {
        for &(at, who, i, mk) in list {
            let (s, sel) = if at == 'a' { (&mut *a, sel_a) } else { (&mut *b, sel_b) };
            as_op(s, who);
            let bx = box_id(s, sel, bus(i));
            s.enter_ballot(sel, Some(bx), &q[i], &m(mk), None).unwrap();
        }
    };
    type_in(&mut a, &mut b, &first);
    as_op(&mut a, "Anna");
    let (a1, n1) = a.export_station(sel_a, None, false, None).unwrap();
    // A slip seen on the receipt after that package left: Bert takes his last
    // entry back and types it again. The next package withdraws the first.
    as_op(&mut a, "Bert");
    a.undo_last_entry(sel_a).unwrap();
    a.enter_ballot(sel_a, Some(box_id(&a, sel_a, "Bus 1")), &q[4], &m(marks[4]), None).unwrap();
    type_in(&mut a, &mut b, &second);
    as_op(&mut a, "Anna");
    // Laptop A is done: its last package hands in both boxes, which close
    // there (nothing more is typed into them on A).
    let (a2, n2) = a.export_station(sel_a, None, true, None).unwrap();
    let late = a.enter_ballot(sel_a, Some(box_id(&a, sel_a, "Bus 1")), &q[0], &m(marks[0]), None);
    assert_eq!(codes(&late.unwrap_err()), ["box.closed"]);
    as_op(&mut b, "Anna");
    let (b1, _) = b.export_station(sel_b, None, false, None).unwrap();
    assert_eq!((n1, n2), (1, 2));
    assert_eq!(codes(&a.close_count(sel_a).unwrap_err()).last().unwrap(), "station.no_closing");

    // Before admission: refused whole, naming the key.
    let key_b = b.station_key_id(None).unwrap();
    let err = coord.import_station(MUIDE, &b1, "b1.wsp").unwrap_err();
    assert_eq!(codes(&err), ["station.not_admitted"]);
    assert_eq!(err.problems[0].params.get("key"), Some(&key_b));
    assert_eq!(counted(&coord, MUIDE), vec![]);
    coord.admit_station(MUIDE, &a.station_key_id(None).unwrap(), "Laptop A").unwrap();
    coord.admit_station(MUIDE, &key_b.to_lowercase(), "Laptop B").unwrap();
    assert_eq!(codes(&coord.admit_station(MUIDE, &key_b, "Laptop C").unwrap_err()), ["station.already_admitted"]);

    // Tampered and signed by no one we know: refused, nothing imported.
    let head = coord.chain_head().unwrap();
    assert_eq!(
        codes(&coord.import_station(MUIDE, &tampered(&a2, "entries.jsonl"), "x.wsp").unwrap_err()),
        ["station.tampered"]
    );
    assert_eq!(codes(&coord.import_station(MUIDE, b"not a zip", "y.wsp").unwrap_err()), ["station.not_a_package"]);
    // A package for another selection: station B's copy of a second one.
    let other = coord
        .create_selection(&wijkstem::selection::SelectionInput {
            edition: "2026".into(),
            wijk: "Ledeberg".into(),
            budget_cents: 10_000_000,
            method: wijkstem::selection::Method::Ballots,
        })
        .unwrap()
        .id;
    coord
        .add_plan(
            other,
            &wijkstem::selection::PlanInput {
                code: "LB01".into(),
                title: "Bankjes".into(),
                description: String::new(),
                cost_cents: 500_000,
                initiator: "Buurt".into(),
            },
        )
        .unwrap();
    coord
        .set_paper_settings(
            other,
            &PaperSettings {
                style: BallotStyle::Approval { min: 1, max: 1 },
                double_entry: false,
                rules: EntryRules::default(),
            },
        )
        .unwrap();
    coord.print_ballots(other, 2, 2, wijkstem::i18n::Lang::Nl).unwrap();
    coord.create_box(other, &BoxInput { name: "Bus L".into(), location: String::new(), expected: 2 }).unwrap();
    let head = {
        // Those were chain events of their own.
        let _ = head;
        coord.chain_head().unwrap()
    };
    let other_setup = coord.export_setup(other, None).unwrap();
    let (other_b, _) = b.import_setup(&other_setup, "setup2.wsp").unwrap();
    let (other_pkg, _) = b.export_station(other_b, None, false, None).unwrap();
    assert_eq!(codes(&coord.import_station(MUIDE, &other_pkg, "z.wsp").unwrap_err()), ["station.other_selection"]);
    let head2 = coord.chain_head().unwrap();
    // Only the set-up export was written since; no refused package left a trace.
    assert_eq!(head2.seq, head.seq + 1);
    assert_eq!(counted(&coord, MUIDE), vec![]);

    // Out of order, and twice.
    let r = coord.import_station(MUIDE, &a2, "a2.wsp").unwrap();
    assert_eq!((r.added, r.repeated, r.conflicts, r.withdrawn, r.already), (10, 0, 0, 1, false));
    let r = coord.import_station(MUIDE, &b1, "b1.wsp").unwrap();
    assert_eq!((r.added, r.conflicts), (10, 1));
    let r = coord.import_station(MUIDE, &a1, "a1.wsp").unwrap();
    assert_eq!((r.added, r.repeated, r.conflicts), (0, 5, 0));
    assert!(coord.import_station(MUIDE, &a2, "a2-again.wsp").unwrap().already);
    assert!(coord.import_station(MUIDE, &b1, "b1-again.wsp").unwrap().already);

    // Ballot 7: its two entries came from two laptops and differ: in the
    // differences queue, with both laptops named. Carla read it right.
    let diffs = coord.differences(MUIDE).unwrap();
    assert_eq!(diffs.len(), 1);
    assert_eq!(diffs[0].serial, serials[7].0);
    let ops = [diffs[0].first.operator.clone(), diffs[0].second.operator.clone()];
    assert!(ops.contains(&"Carla @ Laptop B".to_string()) && ops.contains(&"Els @ Laptop A".to_string()), "{ops:?}");
    let keep = if ops[0].starts_with("Carla") {
        wijkstem::paper::review::Resolution::KeepFirst
    } else {
        wijkstem::paper::review::Resolution::KeepSecond
    };
    coord.resolve(MUIDE, &serials[7].0, keep).unwrap();

    // Ballot 9's third entry (Frank on B) is not admitted: a conflict, with
    // who has it here, that must be settled before the count closes.
    let conflicts = coord.station_conflicts(MUIDE).unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(
        (conflicts[0].serial.as_str(), conflicts[0].reason.as_str()),
        (serials[9].0.as_str(), "paper.already_entered")
    );
    assert_eq!((conflicts[0].station.as_str(), conflicts[0].operator.as_str()), ("Laptop B", "Frank"));
    assert_eq!(conflicts[0].others.len(), 2);
    // Laptop B has not handed its boxes in: no box closes without a reason.
    let bx = |name: &str| coord.boxes(MUIDE).unwrap().into_iter().find(|x| x.name == name).unwrap().id;
    let (bus1, bus2) = (bx("Bus 1"), bx("Bus 2"));
    let err = coord.close_box(MUIDE, bus2, None).unwrap_err();
    assert_eq!(codes(&err), ["box.stations_not_done"]);
    assert_eq!(err.problems[0].params.get("stations").map(String::as_str), Some("Laptop B"));
    // B hands in Bus 2 (a package of that box alone): it closes.
    as_op(&mut b, "Anna");
    let (b2, _) = b.export_station(sel_b, Some("Bus 2"), true, None).unwrap();
    let r = coord.import_station(MUIDE, &b2, "b2.wsp").unwrap();
    // Carla's five and Frank's third entry (a conflict already): all known.
    assert_eq!((r.added, r.repeated, r.conflicts), (0, 6, 0));
    let view = coord.stations(MUIDE).unwrap();
    let per_box =
        |i: usize| view[i].boxes.iter().map(|b| (b.name.as_str(), b.entries, b.handed_in)).collect::<Vec<_>>();
    assert_eq!(per_box(0), [("Bus 1", 5, true), ("Bus 2", 4, true)]);
    assert_eq!(per_box(1), [("Bus 1", 5, false), ("Bus 2", 5, true)]);
    coord.close_box(MUIDE, bus2, None).unwrap();
    // Bus 1 is still open on B (say B broke down after its first package):
    // the coordinator closes it with the reason, which is kept.
    assert_eq!(codes(&coord.close_box(MUIDE, bus1, None).unwrap_err()), ["box.stations_not_done"]);
    let closed =
        coord.close_box(MUIDE, bus1, Some("Laptop B viel uit; haar invoer van bus 1 kwam in pakket 1")).unwrap();
    assert!(closed.closed);
    assert!(codes(&coord.close_count(MUIDE).unwrap_err()).contains(&"count.station_conflicts".to_string()));
    assert_eq!(codes(&coord.settle_conflict(MUIDE, conflicts[0].id, " ").unwrap_err()), ["station.note_needed"]);
    coord
        .settle_conflict(MUIDE, conflicts[0].id, "Derde invoer van hetzelfde papier; twee invoeren stemmen overeen")
        .unwrap();
    assert_eq!(
        codes(&coord.settle_conflict(MUIDE, conflicts[0].id, "nog eens").unwrap_err()),
        ["station.no_such_conflict"]
    );
    // Active entries per laptop: Els's misread of ballot 7 was set aside.
    let stations = coord.stations(MUIDE).unwrap();
    assert_eq!(
        stations.iter().map(|s| (s.name.as_str(), s.packages, s.entries)).collect::<Vec<_>>(),
        [("Laptop A", 2, 9), ("Laptop B", 2, 10)]
    );

    // The same ballots typed on one laptop give the same count.
    let mut one = Session::open(&db_before).unwrap();
    one.use_key_dir(&dir.path().join("coordinator-key"));
    for &(_, who, i, mk) in first.iter().chain(&second) {
        as_op(&mut one, who);
        let bx = box_id(&one, MUIDE, bus(i));
        // Frank's third entry is refused here as it is from a package.
        let typed = one.enter_ballot(MUIDE, Some(bx), &q[i], &m(mk), None);
        assert_eq!(typed.is_err(), who == "Frank");
    }
    as_op(&mut one, "Anna");
    one.resolve(MUIDE, &serials[7].0, wijkstem::paper::review::Resolution::KeepFirst).unwrap();
    assert_eq!(counted(&coord, MUIDE), counted(&one, MUIDE));
    let rule = Rule::parse("greedy").unwrap();
    let t1 = coord.tally(MUIDE, &rule, &TieBreak::Lexicographic).unwrap();
    let t2 = one.tally(MUIDE, &rule, &TieBreak::Lexicographic).unwrap();
    assert_eq!(
        (t1.valid, t1.votes.clone(), t1.outcome.selected.clone()),
        (t2.valid, t2.votes.clone(), t2.outcome.selected.clone())
    );
    assert_eq!(t1.valid, 10);
    coord.close_count(MUIDE).unwrap();
    assert!(coord.audit_verify().unwrap().broken_at.is_none());
    // The signed bundle names the stations and every package imported, each
    // found in the chain by the verifier.
    let signer = wijkstem::output::signing::Signer::load_or_create(&dir.path().join("coordinator-key"), None).unwrap();
    let zip = wijkstem::output::bundle::export::export_bundle(
        coord.store().db(),
        MUIDE,
        &signer,
        "2026-12-02T00:00:00Z".into(),
        wijkstem::i18n::Lang::Nl,
    )
    .unwrap();
    let report = wijkstem::output::bundle::verify(&zip, Some(&signer.pk));
    assert!(report.ok(), "{:?}", report.problems);
    let ok_sources = report.passed.iter().find(|p| p.code == "bundle.ok_sources").expect("sources checked");
    assert_eq!(ok_sources.params.get("packages").map(String::as_str), Some("4"));
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&zip)).unwrap();
    let mut sources = String::new();
    z.by_name("records/sources.json").unwrap().read_to_string(&mut sources).unwrap();
    for (pkg, _) in [(&a1, 0), (&a2, 0), (&b1, 0), (&b2, 0)] {
        assert!(sources.contains(&sha256_hex(pkg)), "{sources}");
    }
    // No serial and no mark travels in it.
    assert!(!serials.iter().any(|s| sources.contains(&s.0)));
    // Nothing more comes in once the count is closed.
    assert!(coord.import_station(MUIDE, &a1, "late.wsp").is_err());
}

/// The same through the command line, two laptops, in Dutch: set-up out and
/// in, entries typed on the station, its package refused before admission
/// and imported after, twice.
#[test]
fn the_command_line_carries_a_count_between_laptops() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    let (coord_db, station_db) = (path("c.db"), path("s.db"));
    std::fs::create_dir_all(path("c-key")).unwrap();
    std::fs::create_dir_all(path("s-key")).unwrap();
    let qr: Vec<String> = {
        let mut s = Session::open(&coord_db).unwrap();
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
        let (serials, _) = s.print_ballots(MUIDE, 3, 2, wijkstem::i18n::Lang::Nl).unwrap();
        let hash: String =
            s.store().conn().query_row("SELECT style_hash FROM ballot LIMIT 1", [], |r| r.get(0)).unwrap();
        s.create_box(MUIDE, &BoxInput { name: "Bus 1".into(), location: "Bib".into(), expected: 3 }).unwrap();
        serials.iter().map(|x| qr_payload(MUIDE, x, &hash)).collect()
    };
    {
        let mut s = Session::open(&station_db).unwrap();
        common::sign_in(&mut s, "Ann").unwrap();
        s.load_demo().unwrap();
    }
    let cli = |db: &Path, key: &str, args: &[&str], stdin: Option<&str>| {
        common::run_cli(Some(db), Some("Ann"), "nl", args, stdin, &[("WIJKSTEM_KEY_DIR", path(key).as_os_str())])
    };
    let setup = path("opstart.wsp");
    let (ok, out, err) =
        cli(&coord_db, "c-key", &["station", "export-setup", "1", "--out", setup.to_str().unwrap()], None);
    assert!(ok, "{err}");
    assert!(out.contains("Opstartpakket geschreven"), "{out}");
    let (ok, out, err) = cli(&station_db, "s-key", &["station", "import-setup", setup.to_str().unwrap()], None);
    assert!(ok, "{err}");
    let copy: i64 = out.split("selectie ").nth(1).unwrap().split('.').next().unwrap().parse().unwrap();
    assert_ne!(copy, 1, "{out}");
    let station_key = cli(&station_db, "s-key", &["station", "key"], None).1.trim().to_string();
    assert!(out.contains(&station_key), "{out}");
    let bx = {
        let mut s = Session::open(&station_db).unwrap();
        common::sign_in(&mut s, "Ann").unwrap();
        s.boxes(copy).unwrap()[0].id
    };
    let lines = format!("{} MM01\n{} MM02,MM03\n{} MM04\n", qr[0], qr[1], qr[2]);
    let (ok, out, err) =
        cli(&station_db, "s-key", &["ballots", "enter", &copy.to_string(), "--box", &bx.to_string()], Some(&lines));
    assert!(ok && out.matches("OK\t").count() == 3, "{out}{err}");
    let pkg = path("bus1.wsp");
    let (ok, out, err) = cli(
        &station_db,
        "s-key",
        &["station", "export", &copy.to_string(), "--box", "Bus 1", "--out", pkg.to_str().unwrap()],
        None,
    );
    assert!(ok && out.contains("Pakket 1"), "{out}{err}");

    // Not admitted yet: refused in Dutch, naming the key, non-zero exit.
    let (ok, _, err) = cli(&coord_db, "c-key", &["station", "import", "1", pkg.to_str().unwrap()], None);
    assert!(!ok);
    assert!(err.contains("niet toegelaten") && err.contains(&station_key), "{err}");
    let (ok, _, err) = cli(&coord_db, "c-key", &["station", "admit", "1", "12345", "--name", "Laptop 2"], None);
    assert!(!ok && err.contains("geen sleutel-id"), "{err}");
    let (ok, out, err) = cli(&coord_db, "c-key", &["station", "admit", "1", &station_key, "--name", "Laptop 2"], None);
    assert!(ok && out.contains("Laptop 2"), "{out}{err}");
    let (ok, out, err) =
        cli(&coord_db, "c-key", &["station", "import", "1", pkg.to_str().unwrap(), pkg.to_str().unwrap()], None);
    assert!(ok, "{err}");
    assert!(out.contains("nieuw 3,") && out.contains("al ingelezen"), "{out}");
    let (ok, out, _) = cli(&coord_db, "c-key", &["station", "list", "1"], None);
    assert!(ok && out.contains("Laptop 2") && out.contains("invoer 3"), "{out}");
    let (ok, out, _) = cli(&coord_db, "c-key", &["ballots", "progress", "1"], None);
    assert!(ok && out.contains("ingevoerd 3"), "{out}");
    // A package that is not one: refused, nothing else said.
    std::fs::write(path("leeg.wsp"), b"PK").unwrap();
    let (ok, _, err) = cli(&coord_db, "c-key", &["station", "import", "1", path("leeg.wsp").to_str().unwrap()], None);
    assert!(!ok && err.contains("geen pakket van Wijkstem"), "{err}");
    // A file that is not there: said as a file, not as the database.
    let (ok, _, err) = cli(&coord_db, "c-key", &["station", "import", "1", path("weg.wsp").to_str().unwrap()], None);
    assert!(!ok && err.contains("kan niet gelezen worden") && !err.contains("databasebestand"), "{err}");
    // The box is not handed in until the station says it is done with it.
    let cbx = {
        let mut s = Session::open(&coord_db).unwrap();
        common::sign_in(&mut s, "Ann").unwrap();
        s.boxes(1).unwrap().into_iter().find(|b| b.name == "Bus 1").unwrap().id.to_string()
    };
    let (_, out, _) = cli(&coord_db, "c-key", &["station", "list", "1"], None);
    assert!(out.contains("Bus 1: nog niet ingeleverd, 3 invoer"), "{out}");
    let (ok, _, err) = cli(&coord_db, "c-key", &["ballots", "box", "close", "1", "--box", &cbx], None);
    assert!(!ok && err.contains("nog niet ingeleverd door: Laptop 2"), "{err}");
    let last = path("bus1-klaar.wsp");
    let (ok, out, err) = cli(
        &station_db,
        "s-key",
        &["station", "export", &copy.to_string(), "--hand-in", "--out", last.to_str().unwrap()],
        None,
    );
    assert!(ok && out.contains("Pakket 2"), "{out}{err}");
    let (ok, out, err) = cli(&coord_db, "c-key", &["station", "import", "1", last.to_str().unwrap()], None);
    assert!(ok && out.contains("nieuw 0, al bekend 3"), "{out}{err}");
    let (_, out, _) = cli(&coord_db, "c-key", &["station", "list", "1"], None);
    assert!(out.contains("Bus 1: ingeleverd, 3 invoer"), "{out}");
    let (ok, _, err) = cli(&coord_db, "c-key", &["ballots", "box", "close", "1", "--box", &cbx], None);
    assert!(ok, "{err}");
    // The online vote beside it: the tally says paper and online apart.
    std::fs::write(path("online.csv"), "pseudoniem;stem\nw1;MM01,MM04\n").unwrap();
    let (ok, out, err) =
        cli(&coord_db, "c-key", &["online", "import", "1", path("online.csv").to_str().unwrap()], None);
    assert!(ok && out.contains("1 online stemmen"), "{out}{err}");
    let (ok, out, err) = cli(&coord_db, "c-key", &["ballots", "tally", "1"], None);
    assert!(ok && out.contains("paper 3 online 1"), "{out}{err}");
    assert!(out.lines().any(|l| l.starts_with("MM04\t2\t2\tpaper 1\tonline 1")), "{out}");
}

/// The crash harness over an import: the CLI imports a station package of
/// 300 entries and is killed with SIGKILL at random moments. After each
/// kill the coordinator's database holds all of the package or none of
/// it, passes its integrity check, and its chain verifies; importing again
/// then brings exactly what is missing.
#[test]
fn an_import_killed_at_random_moments_leaves_all_or_nothing() {
    use rand::{Rng, SeedableRng};
    let seed: u64 = std::env::var("WIJKSTEM_CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(rand::random);
    eprintln!("import crash harness: seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    let n = 300usize;
    std::fs::create_dir_all(path("c-key")).unwrap();
    std::fs::create_dir_all(path("s-key")).unwrap();
    let pristine = path("pristine.db");
    let pkg = path("pakket.wsp");
    {
        let mut c = Session::open(&pristine).unwrap();
        c.use_key_dir(&path("c-key"));
        common::sign_in(&mut c, "Ann").unwrap();
        c.load_demo().unwrap();
        c.set_paper_settings(
            MUIDE,
            &PaperSettings {
                style: BallotStyle::Approval { min: 1, max: 3 },
                double_entry: false,
                rules: EntryRules::default(),
            },
        )
        .unwrap();
        let (serials, _) = c.print_ballots(MUIDE, n as u32, 2, wijkstem::i18n::Lang::Nl).unwrap();
        let hash: String =
            c.store().conn().query_row("SELECT style_hash FROM ballot LIMIT 1", [], |r| r.get(0)).unwrap();
        c.create_box(MUIDE, &BoxInput { name: "Bus 1".into(), location: String::new(), expected: n as u64 }).unwrap();
        let setup = c.export_setup(MUIDE, None).unwrap();
        let mut s = Session::open(&path("s.db")).unwrap();
        s.use_key_dir(&path("s-key"));
        common::sign_in(&mut s, "Ann").unwrap();
        let (copy, _) = s.import_setup(&setup, "setup.wsp").unwrap();
        let bx = s.boxes(copy).unwrap()[0].id;
        for (i, serial) in serials.iter().enumerate() {
            let mk = ["MM01", "MM02,MM03", "MM04"][i % 3];
            s.enter_ballot(copy, Some(bx), &qr_payload(MUIDE, serial, &hash), &m(mk), None).unwrap();
        }
        let (zip, _) = s.export_station(copy, None, false, None).unwrap();
        std::fs::write(&pkg, zip).unwrap();
        c.admit_station(MUIDE, &s.station_key_id(None).unwrap(), "Laptop 2").unwrap();
    }
    let import = |db: &Path| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_wijkstem"));
        cmd.arg("--db")
            .arg(db)
            .args(["station", "import", "1"])
            .arg(&pkg)
            .env("WIJKSTEM_LANG", "nl")
            .env("WIJKSTEM_OPERATOR", "Ann")
            .env("WIJKSTEM_PIN", common::pin_of("Ann"))
            .env("WIJKSTEM_KEY_DIR", path("c-key"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        cmd
    };
    // How long a whole import takes here, to spread the kills over it.
    let db = path("c.db");
    std::fs::copy(&pristine, &db).unwrap();
    let t = std::time::Instant::now();
    assert!(import(&db).status().unwrap().success());
    let whole = t.elapsed();
    let state = |db: &Path| -> (i64, i64) {
        let conn = rusqlite::Connection::open(db).unwrap();
        let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(integrity, "ok", "seed {seed}");
        let chain = wijkstem::storage::audit::verify(&conn).unwrap();
        assert!(chain.broken_at.is_none(), "seed {seed}: chain broken at {:?}", chain.broken_at);
        let entries: i64 =
            conn.query_row("SELECT count(*) FROM ballot_entry WHERE station_id IS NOT NULL", [], |r| r.get(0)).unwrap();
        let packages: i64 = conn.query_row("SELECT count(*) FROM station_package", [], |r| r.get(0)).unwrap();
        (entries, packages)
    };
    assert_eq!(state(&db), (n as i64, 1));
    let (mut none, mut all) = (0, 0);
    for round in 0..12 {
        std::fs::copy(&pristine, &db).unwrap();
        let _ = std::fs::remove_file(path("c.db-wal"));
        let _ = std::fs::remove_file(path("c.db-shm"));
        let mut child = import(&db).spawn().unwrap();
        let wait = whole.mul_f64(rng.random_range(0.0..1.2));
        std::thread::sleep(wait);
        let _ = child.kill();
        child.wait().unwrap();
        match state(&db) {
            (0, 0) => none += 1,
            (e, 1) if e == n as i64 => all += 1,
            other => panic!("seed {seed}, kill {round} after {wait:?}: half an import {other:?}"),
        }
        // Importing again completes it, once.
        assert!(import(&db).status().unwrap().success());
        assert_eq!(state(&db), (n as i64, 1), "seed {seed}, kill {round}");
    }
    eprintln!("import crash harness: {none} kills left nothing, {all} left all (import takes {whole:?})");
}
