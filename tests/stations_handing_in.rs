//! Handing boxes in from counting stations (issue #19, after an adversarial
//! review): the coordinator's laptop closes a box, and the count, only once
//! every admitted station has handed the box in *and* every entry it had in
//! the box has arrived; a box reopened on a station, a package that got
//! lost, a station admitted late and a station laptop set up again with the
//! same key each keep the count from closing or from losing a ballot.
#![allow(clippy::unwrap_used)] // tests may panic on what they did not expect

use std::path::Path;

use wijkstem::paper::ballot::{qr_payload, BallotStyle, EntryRules, Marks};
use wijkstem::paper::boxes::BoxInput;
use wijkstem::paper::{parse_marks, PaperSettings};
use wijkstem::session::Session;

mod common;
use common::codes;

const MUIDE: i64 = 1;

fn m(text: &str) -> Marks {
    parse_marks(text).unwrap()
}

/// A laptop: its database and its key folder, signed in, with the demo.
fn laptop(dir: &Path, db: &str, key: &str) -> Session {
    let mut s = Session::open(&dir.join(format!("{db}.db"))).unwrap();
    std::fs::create_dir_all(dir.join(key)).unwrap();
    s.use_key_dir(&dir.join(key));
    common::sign_in(&mut s, "Anna").unwrap();
    s.load_demo().unwrap();
    s
}

/// The coordinator: Muide with crosses (1 to 3), single entry, `n` ballots
/// printed and the boxes given; returns the ballots' QR texts.
fn coordinator(dir: &Path, n: u32, boxes: &[(&str, u64)]) -> (Session, Vec<String>) {
    let mut c = laptop(dir, "coordinator", "coordinator-key");
    let style = BallotStyle::Approval { min: 1, max: 3 };
    c.set_paper_settings(MUIDE, &PaperSettings { style, double_entry: false, rules: EntryRules::default() }).unwrap();
    let (serials, _) = c.print_ballots(MUIDE, n, 2, wijkstem::i18n::Lang::Nl).unwrap();
    let hash: String = c.store().conn().query_row("SELECT style_hash FROM ballot LIMIT 1", [], |r| r.get(0)).unwrap();
    // Without boxes a station could not hand its work in: no set-up.
    assert_eq!(codes(&c.export_setup(MUIDE, None).unwrap_err()), ["station.needs_boxes"]);
    for (name, expected) in boxes {
        c.create_box(MUIDE, &BoxInput { name: (*name).into(), location: String::new(), expected: *expected }).unwrap();
    }
    (c, serials.iter().map(|x| qr_payload(MUIDE, x, &hash)).collect())
}

fn box_id(s: &Session, sel: i64, name: &str) -> i64 {
    s.boxes(sel).unwrap().into_iter().find(|x| x.name == name).unwrap().id
}

fn handed_in(c: &Session, station: &str, bx: &str) -> bool {
    let view = c.stations(MUIDE).unwrap();
    view.iter().find(|s| s.name == station).unwrap().boxes.iter().find(|b| b.name == bx).unwrap().handed_in
}

#[test]
fn a_box_is_handed_in_only_with_all_its_entries() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, q) = coordinator(dir.path(), 6, &[("Bus 1", 3), ("Bus 2", 3)]);
    let setup = c.export_setup(MUIDE, None).unwrap();
    let mut a = laptop(dir.path(), "a", "a-key");
    let (sel, _) = a.import_setup(&setup, "opstart.wsp").unwrap();
    c.admit_station(MUIDE, &a.station_key_id(None).unwrap(), "Laptop A").unwrap();
    let enter = |a: &mut Session, bx: &str, i: usize| {
        let id = box_id(a, sel, bx);
        a.enter_ballot(sel, Some(id), &q[i], &m("MM01"), None).unwrap();
    };
    for (bx, i) in [("Bus 1", 0), ("Bus 1", 1), ("Bus 2", 3), ("Bus 2", 4), ("Bus 2", 5)] {
        enter(&mut a, bx, i);
    }
    // Bus 1 handed in with its two entries.
    let (p1, _) = a.export_station(sel, Some("Bus 1"), true, None).unwrap();
    c.import_station(MUIDE, &p1, "p1.wsp").unwrap();
    assert!(handed_in(&c, "Laptop A", "Bus 1"));
    // A ballot found later: Bus 1 reopened on the station, one more entry;
    // then only Bus 2 is handed in. That package still says Bus 1 is open.
    a.reopen_box(sel, box_id(&a, sel, "Bus 1"), "nog een biljet gevonden").unwrap();
    enter(&mut a, "Bus 1", 2);
    let (p2, _) = a.export_station(sel, Some("Bus 2"), true, None).unwrap();
    c.import_station(MUIDE, &p2, "p2.wsp").unwrap();
    assert!(!handed_in(&c, "Laptop A", "Bus 1"));
    assert!(handed_in(&c, "Laptop A", "Bus 2"));
    assert_eq!(
        codes(&c.close_box(MUIDE, box_id(&c, MUIDE, "Bus 1"), None).unwrap_err()),
        ["box.not_reconciled", "box.stations_not_done"]
    );
    // Bus 1 handed in again (p3, with the new entry), then a package of Bus
    // 2 alone (p4), which says Bus 1 is closed. Only p4 reaches the
    // coordinator: Bus 1's third entry is missing, so it is not handed in.
    let (p3, _) = a.export_station(sel, Some("Bus 1"), true, None).unwrap();
    let (p4, _) = a.export_station(sel, Some("Bus 2"), false, None).unwrap();
    c.import_station(MUIDE, &p4, "p4.wsp").unwrap();
    assert!(!handed_in(&c, "Laptop A", "Bus 1"));
    c.import_station(MUIDE, &p3, "p3.wsp").unwrap();
    assert!(handed_in(&c, "Laptop A", "Bus 1"));
    for bx in ["Bus 1", "Bus 2"] {
        c.close_box(MUIDE, box_id(&c, MUIDE, bx), None).unwrap();
    }
    // A station admitted after the boxes closed has handed nothing in: the
    // count does not close until it has.
    let mut b = laptop(dir.path(), "b", "b-key");
    let (sel_b, _) = b.import_setup(&setup, "opstart.wsp").unwrap();
    c.admit_station(MUIDE, &b.station_key_id(None).unwrap(), "Laptop B").unwrap();
    let err = c.close_count(MUIDE).unwrap_err();
    assert_eq!(codes(&err), ["count.stations_not_done", "count.stations_not_done"]);
    assert!(err.problems.iter().all(|p| p.params.get("stations").map(String::as_str) == Some("Laptop B")));
    let (pb, _) = b.export_station(sel_b, None, true, None).unwrap();
    c.import_station(MUIDE, &pb, "pb.wsp").unwrap();
    c.close_count(MUIDE).unwrap();
    assert_eq!(
        c.tally(MUIDE, &wijkstem::rules::Rule::parse("greedy").unwrap(), &wijkstem::rules::TieBreak::Lexicographic)
            .unwrap()
            .valid,
        6
    );
}

#[test]
fn a_station_set_up_again_with_the_same_key_loses_no_ballot() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, q) = coordinator(dir.path(), 4, &[("Bus 1", 2)]);
    let setup = c.export_setup(MUIDE, None).unwrap();
    let mut a = laptop(dir.path(), "a", "a-key");
    let (sel, _) = a.import_setup(&setup, "opstart.wsp").unwrap();
    c.admit_station(MUIDE, &a.station_key_id(None).unwrap(), "Laptop A").unwrap();
    a.enter_ballot(sel, Some(box_id(&a, sel, "Bus 1")), &q[0], &m("MM01"), None).unwrap();
    let (p1, _) = a.export_station(sel, None, false, None).unwrap();
    assert_eq!(c.import_station(MUIDE, &p1, "p1.wsp").unwrap().added, 1);
    // The laptop is set up again: a new database, the same key. Its first
    // entry has id 1 again, for another ballot.
    let mut a2 = laptop(dir.path(), "a-again", "a-key");
    let (sel2, _) = a2.import_setup(&setup, "opstart.wsp").unwrap();
    a2.enter_ballot(sel2, Some(box_id(&a2, sel2, "Bus 1")), &q[1], &m("MM02"), None).unwrap();
    // Its package 1 is not the package 1 seen before: refused whole.
    let (again1, n) = a2.export_station(sel2, None, false, None).unwrap();
    assert_eq!(n, 1);
    let head = c.chain_head().unwrap();
    assert_eq!(codes(&c.import_station(MUIDE, &again1, "again1.wsp").unwrap_err()), ["station.number_reused"]);
    assert_eq!(c.chain_head().unwrap(), head);
    // Its package 2 carries entry id 1 for another ballot: a conflict to
    // settle (the coordinator types that ballot), never taken for the old
    // entry; brought again, it is known.
    let (again2, _) = a2.export_station(sel2, None, true, None).unwrap();
    let r = c.import_station(MUIDE, &again2, "again2.wsp").unwrap();
    assert_eq!((r.added, r.repeated, r.conflicts), (0, 0, 1));
    let (again3, _) = a2.export_station(sel2, None, false, None).unwrap();
    let r = c.import_station(MUIDE, &again3, "again3.wsp").unwrap();
    assert_eq!((r.added, r.repeated, r.conflicts), (0, 1, 0));
    let conflicts = c.station_conflicts(MUIDE).unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!((conflicts[0].reason.as_str(), conflicts[0].marks.as_str()), ("station.id_reused", "MM02"));
    assert!(conflicts[0].serial == q[1].split(':').nth(2).unwrap(), "{conflicts:?}");
}

#[test]
fn a_station_cannot_take_a_vote_out_of_a_closed_box_or_slip_past_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, q) = coordinator(dir.path(), 6, &[("Bus 1", 2), ("Bus 2", 3)]);
    let setup = c.export_setup(MUIDE, None).unwrap();
    let mut a = laptop(dir.path(), "a", "a-key");
    let (sel, _) = a.import_setup(&setup, "opstart.wsp").unwrap();
    c.admit_station(MUIDE, &a.station_key_id(None).unwrap(), "Laptop A").unwrap();
    for qr in &q[..2] {
        a.enter_ballot(sel, Some(box_id(&a, sel, "Bus 1")), qr, &m("MM01"), None).unwrap();
    }
    let (p1, _) = a.export_station(sel, Some("Bus 1"), true, None).unwrap();
    c.import_station(MUIDE, &p1, "p1.wsp").unwrap();
    c.close_box(MUIDE, box_id(&c, MUIDE, "Bus 1"), None).unwrap();
    // On the station: reopened, the last entry taken back, handed in again.
    // Here the box is closed: the taking back is a conflict, not a vote lost.
    a.reopen_box(sel, box_id(&a, sel, "Bus 1"), "controle").unwrap();
    a.undo_last_entry(sel).unwrap();
    let (p2, _) = a.export_station(sel, Some("Bus 1"), true, None).unwrap();
    let r = c.import_station(MUIDE, &p2, "p2.wsp").unwrap();
    assert_eq!((r.withdrawn, r.conflicts), (0, 1));
    assert_eq!(c.station_conflicts(MUIDE).unwrap()[0].reason, "station.withdrawn_too_late");
    assert_eq!(c.boxes(MUIDE).unwrap().iter().find(|b| b.name == "Bus 1").unwrap().settled, 2);
    // Bus 2: one ballot here, one from A, and one a voter took home; closed
    // with that reason. A laptop admitted afterwards still has to hand in.
    c.enter_ballot(MUIDE, Some(box_id(&c, MUIDE, "Bus 2")), &q[2], &m("MM02"), None).unwrap();
    a.enter_ballot(sel, Some(box_id(&a, sel, "Bus 2")), &q[3], &m("MM02"), None).unwrap();
    let (p3, _) = a.export_station(sel, None, true, None).unwrap();
    c.import_station(MUIDE, &p3, "p3.wsp").unwrap();
    c.close_box(MUIDE, box_id(&c, MUIDE, "Bus 2"), Some("een kiezer nam een biljet mee naar huis")).unwrap();
    let mut b = laptop(dir.path(), "b", "b-key");
    let (sel_b, _) = b.import_setup(&setup, "opstart.wsp").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    c.admit_station(MUIDE, &b.station_key_id(None).unwrap(), "Laptop B").unwrap();
    let conflict = c.station_conflicts(MUIDE).unwrap()[0].id;
    c.settle_conflict(MUIDE, conflict, "biljet ligt in bus 1, telt mee").unwrap();
    let err = c.close_count(MUIDE).unwrap_err();
    let late: Vec<(&str, Option<&str>)> =
        err.problems.iter().map(|p| (p.code.as_str(), p.params.get("box").map(String::as_str))).collect();
    assert_eq!(late, [("count.stations_not_done", Some("Bus 1")), ("count.stations_not_done", Some("Bus 2"))]);
    let (pb, _) = b.export_station(sel_b, None, true, None).unwrap();
    c.import_station(MUIDE, &pb, "pb.wsp").unwrap();
    c.close_count(MUIDE).unwrap();
}

#[test]
fn a_ballot_taken_back_on_a_laptop_set_up_again_leaves_the_old_entry_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, q) = coordinator(dir.path(), 4, &[("Bus 1", 4)]);
    let setup = c.export_setup(MUIDE, None).unwrap();
    let mut a = laptop(dir.path(), "a", "a-key");
    let (sel, _) = a.import_setup(&setup, "opstart.wsp").unwrap();
    c.admit_station(MUIDE, &a.station_key_id(None).unwrap(), "Laptop A").unwrap();
    for (i, mk) in [(0, "MM01"), (1, "MM02")] {
        a.enter_ballot(sel, Some(box_id(&a, sel, "Bus 1")), &q[i], &m(mk), None).unwrap();
    }
    let (p1, _) = a.export_station(sel, None, false, None).unwrap();
    assert_eq!(c.import_station(MUIDE, &p1, "p1.wsp").unwrap().added, 2);
    // Set up again with the same key; ballot 0 typed again (the same marks)
    // and taken back, as "already sent"; then ballot 2.
    let mut a2 = laptop(dir.path(), "a-again", "a-key");
    let (sel2, _) = a2.import_setup(&setup, "opstart.wsp").unwrap();
    let bx = box_id(&a2, sel2, "Bus 1");
    a2.enter_ballot(sel2, Some(bx), &q[0], &m("MM01"), None).unwrap();
    a2.undo_last_entry(sel2).unwrap();
    a2.enter_ballot(sel2, Some(bx), &q[2], &m("MM03"), None).unwrap();
    let _refused = a2.export_station(sel2, None, false, None).unwrap();
    let (again, _) = a2.export_station(sel2, None, false, None).unwrap();
    let r = c.import_station(MUIDE, &again, "again.wsp").unwrap();
    assert_eq!((r.added, r.withdrawn, r.conflicts), (0, 0, 1));
    // The old laptop's ballot 0 still counts.
    let serial0 = q[0].split(':').nth(2).unwrap().to_string();
    let active: i64 = c
        .store()
        .conn()
        .query_row(
            "SELECT count(*) FROM ballot_entry WHERE serial = ?1 AND status = 'active' AND selection_id = 1",
            [&serial0],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(active, 1);
}
