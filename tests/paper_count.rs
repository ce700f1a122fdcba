//! The counting room around the entry screen: ballot boxes that must
//! reconcile, invalidity rules, the committee's decisions, differences sent
//! back for re-entry, pause with a kept draft, the progress view that shows
//! no result until the count is closed, and the exports.
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

use wijkstem::output::cvr::Records;
use wijkstem::paper::ballot::{qr_payload, BallotStyle, EntryRules, Marks, Serial, Treat, Verdict};
use wijkstem::paper::boxes::BoxInput;
use wijkstem::paper::review::Resolution;
use wijkstem::paper::{parse_marks, PaperSettings};
use wijkstem::session::Session;

mod common;
use common::codes;

const MUIDE: i64 = 1;

fn setup(double: bool, rules: EntryRules) -> (Session, Vec<String>) {
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "Anna").unwrap();
    s.load_demo().unwrap();
    s.set_paper_settings(
        MUIDE,
        &PaperSettings { style: BallotStyle::Approval { min: 2, max: 3 }, double_entry: double, rules },
    )
    .unwrap();
    let (serials, _) = s.print_ballots(MUIDE, 12, 2, wijkstem::i18n::Lang::Nl).unwrap();
    let hash: String = s.store().conn().query_row("SELECT style_hash FROM ballot LIMIT 1", [], |r| r.get(0)).unwrap();
    (s, serials.iter().map(|x| qr_payload(MUIDE, x, &hash)).collect())
}

fn m(text: &str) -> Marks {
    parse_marks(text).unwrap()
}

fn as_op(s: &mut Session, who: &str) {
    s.sign_out().unwrap();
    common::sign_in(s, who).unwrap();
}

#[test]
fn boxes_must_reconcile_before_closing_and_the_count_before_results() {
    let (mut s, q) = setup(false, EntryRules::default());
    let a =
        s.create_box(MUIDE, &BoxInput { name: "Bus 1".into(), location: "Wijkcentrum".into(), expected: 3 }).unwrap();
    let b =
        s.create_box(MUIDE, &BoxInput { name: "Bus 2".into(), location: "Bibliotheek".into(), expected: 2 }).unwrap();
    assert_eq!(
        codes(
            &s.create_box(MUIDE, &BoxInput { name: "Bus 1".into(), location: String::new(), expected: 1 }).unwrap_err()
        ),
        ["box.name_taken"]
    );
    // Once a selection has boxes, an entry must name one.
    assert_eq!(codes(&s.enter_ballot(MUIDE, None, &q[0], &m("MM01,MM02"), None).unwrap_err()), ["box.required"]);
    s.enter_ballot(MUIDE, Some(a.id), &q[0], &m("MM01,MM02"), None).unwrap();
    s.enter_ballot(MUIDE, Some(a.id), &q[1], &m("MM01,MM03"), None).unwrap();
    // Only two of the three expected: closing needs an explanation.
    let err = s.close_box(MUIDE, a.id, None).unwrap_err();
    assert_eq!(codes(&err), ["box.not_reconciled"]);
    assert!(
        err.render(wijkstem::i18n::Lang::Nl).contains("verwacht 3, ingevoerd 2"),
        "{}",
        err.render(wijkstem::i18n::Lang::Nl)
    );
    let closed = s.close_box(MUIDE, a.id, Some("Eén kiezer nam het biljet mee naar huis")).unwrap();
    assert!(closed.closed && closed.override_reason.as_deref() == Some("Eén kiezer nam het biljet mee naar huis"));
    assert_eq!(codes(&s.enter_ballot(MUIDE, Some(a.id), &q[2], &m("MM01,MM02"), None).unwrap_err()), ["box.closed"]);

    s.enter_ballot(MUIDE, Some(b.id), &q[2], &m("MM02,MM03"), None).unwrap();
    // Progress shows the state of the room, but no result yet.
    let p = s.progress(MUIDE, "greedy", wijkstem::i18n::Lang::Nl).unwrap();
    assert_eq!((p.printed, p.entered, p.settled, p.closed), (12, 3, 3, false));
    assert!(p.results.is_none(), "no results while counting");
    assert_eq!(codes(&s.close_count(MUIDE).unwrap_err()), ["count.box_open"]);
    s.enter_ballot(MUIDE, Some(b.id), &q[3], &m("MM02"), None).unwrap();
    let closed = s.close_box(MUIDE, b.id, None).unwrap();
    assert!(closed.closed && closed.override_reason.is_none(), "a reconciled box closes without a reason");
    s.close_count(MUIDE).unwrap();
    let p = s.progress(MUIDE, "greedy", wijkstem::i18n::Lang::Nl).unwrap();
    let r = p.results.expect("results once closed");
    assert_eq!((r.valid, r.invalid), (4, 0), "an under-vote counts as valid by default");
    assert_eq!(
        codes(&s.enter_ballot(MUIDE, Some(b.id), &q[4], &m("MM01,MM02"), None).unwrap_err()),
        ["paper.count_closed"]
    );
    // A plan nobody voted for is not funded, even though it would fit.
    let funded: Vec<&str> = r.plans.iter().filter(|p| p.funded).map(|p| p.code.as_str()).collect();
    assert!(r.plans.iter().filter(|p| p.votes == 0).all(|p| !p.funded), "{funded:?}");
    assert!(!funded.is_empty());
    assert!(s.audit_verify().unwrap().broken_at.is_none());
}

#[test]
fn invalidity_rules_and_the_committee_decide() {
    let rules = EntryRules { undervote: Treat::Invalid, overvote: Treat::Doubtful, ..EntryRules::default() };
    let (mut s, q) = setup(false, rules);
    let r = s.enter_ballot(MUIDE, None, &q[0], &m("MM01"), None).unwrap();
    assert_eq!(r.verdict, Verdict::Invalid, "under-vote invalid under these rules");
    let r = s.enter_ballot(MUIDE, None, &q[1], &m("MM01,MM02,MM03,MM04"), None).unwrap();
    assert_eq!(r.doubtful.as_deref(), Some("E_OVERVOTE"), "the rule sends it to the committee");
    let r = s.enter_ballot(MUIDE, None, &q[2], &m("MM01,MM02"), Some("  scheur in het biljet ")).unwrap();
    assert_eq!(r.doubtful.as_deref(), Some("scheur in het biljet"));
    s.enter_ballot(MUIDE, None, &q[3], &m("MM02,MM03"), None).unwrap();
    // Rules cannot change once ballots are in.
    let changed = PaperSettings {
        style: BallotStyle::Approval { min: 2, max: 3 },
        double_entry: false,
        rules: EntryRules::default(),
    };
    assert_eq!(codes(&s.set_paper_settings(MUIDE, &changed).unwrap_err()), ["paper.settings_locked"]);

    let t = s.tally_view(MUIDE, "greedy", wijkstem::i18n::Lang::Nl).unwrap();
    assert_eq!((t.valid, t.invalid, t.doubtful), (1, 1, 2));
    assert_eq!(codes(&s.close_count(MUIDE).unwrap_err()), ["count.doubtful"]);
    let serial = |i: usize| wijkstem::paper::ballot::parse_scan(&q[i], MUIDE).unwrap().serial.display();
    assert_eq!(codes(&s.decide_doubtful(MUIDE, &serial(1), true, "").unwrap_err()), ["review.explanation_required"]);
    assert_eq!(codes(&s.decide_doubtful(MUIDE, &serial(3), true, "x").unwrap_err()), ["review.not_doubtful"]);
    s.decide_doubtful(MUIDE, &serial(1), false, "Vier kruisjes: de keuze is niet duidelijk").unwrap();
    s.decide_doubtful(MUIDE, &serial(2), true, "Scheur raakt geen vakje").unwrap();
    let t = s.tally_view(MUIDE, "greedy", wijkstem::i18n::Lang::Nl).unwrap();
    assert_eq!((t.valid, t.invalid, t.doubtful), (2, 2, 0));
    let reviews = s.reviews(MUIDE).unwrap();
    let d: Vec<_> = reviews
        .iter()
        .filter(|r| r.kind == "doubtful")
        .map(|r| (r.serial.clone(), r.decision.clone().unwrap()))
        .collect();
    assert_eq!(d.len(), 2);
    assert!(d.contains(&(serial(1), "invalid".into())) && d.contains(&(serial(2), "valid".into())));
    s.close_count(MUIDE).unwrap();
    assert_eq!(codes(&s.decide_doubtful(MUIDE, &serial(1), true, "toch").unwrap_err()), ["paper.count_closed"]);
}

#[test]
fn accepted_warnings_carry_the_coordinators_explanation() {
    let (mut s, q) = setup(false, EntryRules::default());
    let serial = wijkstem::paper::ballot::parse_scan(&q[0], MUIDE).unwrap().serial.display();
    s.enter_ballot(MUIDE, None, &q[0], &m("MM01"), None).unwrap();
    let w = s.reviews(MUIDE).unwrap();
    assert_eq!(w.len(), 1);
    assert_eq!((w[0].kind.as_str(), w[0].code.as_str(), w[0].explanation.as_ref()), ("warning", "W_UNDERVOTE", None));
    assert_eq!(codes(&s.explain_warning(MUIDE, &serial, "E_OVERVOTE", "x").unwrap_err()), ["review.no_warning"]);
    s.explain_warning(MUIDE, &serial, "W_UNDERVOTE", "Kiezer koos bewust maar één plan").unwrap();
    let w = s.reviews(MUIDE).unwrap();
    assert_eq!(w[0].explanation.as_deref(), Some("Kiezer koos bewust maar één plan"));
    assert_eq!(w[0].by.as_deref(), Some("Anna"));
}

#[test]
fn differing_marks_are_sent_back_and_re_entered_blind() {
    let (mut s, q) = setup(true, EntryRules::default());
    let bx = s.create_box(MUIDE, &BoxInput { name: "Bus 1".into(), location: String::new(), expected: 2 }).unwrap();
    s.enter_ballot(MUIDE, Some(bx.id), &q[0], &m("MM01,MM02,MM05"), None).unwrap();
    s.enter_ballot(MUIDE, Some(bx.id), &q[1], &m("MM03,MM04"), None).unwrap();
    as_op(&mut s, "Bram");
    s.enter_ballot(MUIDE, Some(bx.id), &q[0], &m("MM01,MM03,MM05"), None).unwrap();
    let b = s.boxes(MUIDE).unwrap().remove(0);
    assert_eq!((b.entered, b.settled, b.waiting, b.differences), (2, 0, 1, 1));
    let serial = wijkstem::paper::ballot::parse_scan(&q[0], MUIDE).unwrap().serial;
    // The coordinator sees both entries side by side before deciding.
    let d = s.differences(MUIDE).unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].serial.as_str(), d[0].shown.clone()), (serial.0.as_str(), serial.display()));
    assert_eq!((d[0].first.operator.as_str(), d[0].second.operator.as_str()), ("Anna", "Bram"));
    assert_eq!(d[0].first.marks, [("MM01".to_string(), 1), ("MM02".to_string(), 1), ("MM05".to_string(), 1)]);
    assert_eq!(d[0].second.marks, [("MM01".to_string(), 1), ("MM03".to_string(), 1), ("MM05".to_string(), 1)]);
    assert_eq!(d[0].differing, ["MM02", "MM03"]);
    assert_eq!(d[0].first.box_name.as_deref(), Some("Bus 1"));
    s.resolve(MUIDE, &serial.0, Resolution::Recheck).unwrap();
    assert!(s.differences(MUIDE).unwrap().is_empty());
    let rc = s.rechecks(MUIDE).unwrap();
    assert_eq!(rc.len(), 1);
    assert_eq!(rc[0].codes, ["MM02", "MM03"], "only the plans that differ are asked again");
    assert!(s.reconciliation_queue(MUIDE).unwrap().is_empty(), "it left the coordinator's queue");
    let b = s.boxes(MUIDE).unwrap().remove(0);
    assert_eq!(
        (b.settled, b.waiting, b.differences),
        (0, 1, 1),
        "a ballot waiting for re-entry is still a difference in its box"
    );
    assert!(!b.reconciles());
    // While it waits, it cannot be entered normally, and only the asked plans can be re-entered.
    as_op(&mut s, "Chris");
    assert_eq!(
        codes(&s.enter_ballot(MUIDE, Some(bx.id), &q[0], &m("MM01"), None).unwrap_err()),
        ["paper.recheck_pending"]
    );
    assert_eq!(codes(&s.recheck_entry(MUIDE, &serial.display(), &m("MM01")).unwrap_err()), ["review.not_asked"]);
    let r = s.recheck_entry(MUIDE, &serial.display(), &m("MM02")).unwrap();
    assert_eq!(r.verdict, Verdict::Valid);
    assert!(s.rechecks(MUIDE).unwrap().is_empty());
    let t = s
        .tally(
            MUIDE,
            &wijkstem::paper::default_rule(&BallotStyle::Approval { min: 2, max: 3 }),
            &wijkstem::rules::TieBreak::Lexicographic,
        )
        .unwrap();
    // Agreed MM01, MM05 kept; MM02 re-read as marked, MM03 as not.
    let counted = wijkstem::paper::store::counted_entries(s.store().db(), MUIDE).unwrap();
    assert_eq!(counted.len(), 1);
    assert_eq!(counted[0].marks, Marks { marks: vec![("MM01".into(), 1), ("MM02".into(), 1), ("MM05".into(), 1)] });
    assert_eq!(t.valid, 1);
    // The other ballot still waits for its second entry, so the box does not reconcile.
    let b = s.boxes(MUIDE).unwrap().remove(0);
    assert_eq!((b.entered, b.settled, b.waiting, b.differences), (2, 1, 1, 0));
    s.enter_ballot(MUIDE, Some(bx.id), &q[1], &m("MM03,MM04"), None).unwrap();
    assert!(s.boxes(MUIDE).unwrap()[0].reconciles());
    // A second entry must come from the same box.
    let other = s.create_box(MUIDE, &BoxInput { name: "Bus 2".into(), location: String::new(), expected: 1 }).unwrap();
    as_op(&mut s, "Anna");
    s.enter_ballot(MUIDE, Some(other.id), &q[2], &m("MM03,MM04"), None).unwrap();
    as_op(&mut s, "Bram");
    assert_eq!(
        codes(&s.enter_ballot(MUIDE, Some(bx.id), &q[2], &m("MM03,MM04"), None).unwrap_err()),
        ["paper.box_mismatch"]
    );
    assert!(s.audit_verify().unwrap().broken_at.is_none());
    let actions: Vec<String> = s.audit_log(200).unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"ballot.recheck".to_string()) && actions.contains(&"ballot.recheck_enter".to_string()));
}

#[test]
fn pause_keeps_the_unsaved_ballot_and_refuses_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    let q = {
        let mut s = Session::open(&db).unwrap();
        common::sign_in(&mut s, "Anna").unwrap();
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
        let (serials, _) = s.print_ballots(MUIDE, 2, 1, wijkstem::i18n::Lang::Nl).unwrap();
        let hash: String =
            s.store().conn().query_row("SELECT style_hash FROM ballot LIMIT 1", [], |r| r.get(0)).unwrap();
        let q: Vec<String> = serials.iter().map(|x| qr_payload(MUIDE, x, &hash)).collect();
        s.save_draft(MUIDE, &format!("{{\"scan\":\"{}\",\"marks\":\"MM01\"}}", q[0])).unwrap();
        s.set_entry_paused(MUIDE, true).unwrap();
        q
        // The app goes away here (lid closed).
    };
    let mut s = Session::open(&db).unwrap();
    common::sign_in(&mut s, "Anna").unwrap();
    assert!(s.progress(MUIDE, "greedy", wijkstem::i18n::Lang::Nl).unwrap().paused);
    assert_eq!(codes(&s.enter_ballot(MUIDE, None, &q[0], &m("MM01"), None).unwrap_err()), ["paper.paused"]);
    let draft = s.draft(MUIDE).unwrap().expect("the draft survived");
    assert!(draft.contains(&q[0]));
    as_op(&mut s, "Bram");
    assert_eq!(s.draft(MUIDE).unwrap(), None, "a draft belongs to its operator");
    as_op(&mut s, "Anna");
    s.set_entry_paused(MUIDE, false).unwrap();
    s.enter_ballot(MUIDE, None, &q[0], &m("MM01"), None).unwrap();
    assert_eq!(s.draft(MUIDE).unwrap(), None, "saving the ballot clears the draft");
}

#[test]
fn exports_hold_the_counted_ballots_and_read_back() {
    let (mut s, q) = setup(false, EntryRules::default());
    s.enter_ballot(MUIDE, None, &q[0], &m("MM01,MM02"), None).unwrap();
    s.enter_ballot(MUIDE, None, &q[1], &m("MM02,MM03,MM04"), None).unwrap();
    s.enter_ballot(MUIDE, None, &q[2], &m("MM01,MM02,MM03,MM04"), None).unwrap();
    s.enter_ballot(MUIDE, None, &q[3], &m("-"), None).unwrap();
    // The committee's records carry the serial; the public ones do not.
    let internal = wijkstem::output::cvr::export_cvr(s.store().db(), MUIDE, Records::WithSerials).unwrap();
    assert!(internal.starts_with("serial,box,counts_as"));
    let cvr = wijkstem::output::cvr::export_cvr(s.store().db(), MUIDE, Records::Public).unwrap();
    let mut rdr = csv::Reader::from_reader(cvr.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..2], ["box", "counts_as"]);
    assert!(header.contains(&"MM11".to_string()));
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 4);
    let counts: Vec<&str> = rows.iter().map(|r| r.get(1).unwrap()).collect();
    assert_eq!(counts.iter().filter(|c| **c == "valid").count(), 2);
    assert_eq!(counts.iter().filter(|c| **c == "invalid").count(), 1);
    assert_eq!(counts.iter().filter(|c| **c == "blank").count(), 1);

    // The pabulib file holds the valid ballots; read back by the pabulib
    // reader, every rule gives the same set as the count itself.
    let pb = wijkstem::output::cvr::export_pabulib(s.store().db(), MUIDE).unwrap();
    let file = wijkstem::pabulib::read(pb.as_bytes(), false).unwrap();
    assert_eq!(file.num_votes, 2);
    let e = file.election();
    let tb = wijkstem::rules::TieBreak::Lexicographic;
    for rule in ["greedy", "mes", "mes_add1"] {
        let ours = s
            .tally(MUIDE, &wijkstem::paper::rule_by_name(rule, &BallotStyle::Approval { min: 2, max: 3 }).unwrap(), &tb)
            .unwrap();
        let back = wijkstem::rules::run(
            &e,
            &wijkstem::paper::rule_by_name(rule, &BallotStyle::Approval { min: 2, max: 3 }).unwrap(),
            &tb,
        );
        assert_eq!(back.ids(&e), ours.outcome.ids(&ours.election), "{rule}");
    }
    let sel = file.official_selected().unwrap();
    assert!(!sel.is_empty());
    assert_eq!(file.meta("vote_type"), Some("approval"));
    assert_eq!(file.meta("budget"), Some("120000"));
}

#[test]
fn box_cover_qr_switches_the_box_and_is_byte_exact() {
    let golden: Vec<serde_json::Value> = serde_json::from_str(include_str!("golden/box_v1.json")).unwrap();
    for g in golden {
        let (sel, b) = (g["selection_id"].as_i64().unwrap(), g["box_id"].as_i64().unwrap());
        assert_eq!(wijkstem::paper::ballot::box_payload(sel, b), g["payload"].as_str().unwrap());
        assert_eq!(
            wijkstem::paper::ballot::parse_box_scan(&g["payload"].as_str().unwrap().to_lowercase()),
            Some((sel, b))
        );
        let mut damaged = g["payload"].as_str().unwrap().to_string();
        damaged.pop();
        damaged.push('Z');
        assert_eq!(wijkstem::paper::ballot::parse_box_scan(&damaged), None);
    }
    let _ = Serial::from_random(1);
}

#[test]
fn the_cast_vote_records_never_hand_a_spreadsheet_a_formula() {
    let (mut s, q) = setup(false, EntryRules::default());
    s.enter_ballot(MUIDE, None, &q[0], &m("MM01,MM02"), Some("=HYPERLINK(\"http://x\",\"klik\")")).unwrap();
    s.enter_ballot(MUIDE, None, &q[1], &m("MM02,MM03"), Some("+X1")).unwrap();
    s.enter_ballot(MUIDE, None, &q[2], &m("MM02,MM03"), Some("@SUM(A1)")).unwrap();
    s.enter_ballot(MUIDE, None, &q[3], &m("MM02,MM03"), Some("gewoon een vlek")).unwrap();
    let cvr = wijkstem::output::cvr::export_cvr(s.store().db(), MUIDE, Records::WithSerials).unwrap();
    let mut rdr = csv::Reader::from_reader(cvr.as_bytes());
    let doubts: Vec<String> = rdr.records().map(|r| r.unwrap().get(3).unwrap().to_string()).collect();
    assert!(doubts.contains(&"'=HYPERLINK(\"http://x\",\"klik\")".to_string()), "{doubts:?}");
    assert!(doubts.contains(&"'+X1".to_string()), "{doubts:?}");
    assert!(doubts.contains(&"'@SUM(A1)".to_string()), "{doubts:?}");
    assert!(doubts.contains(&"gewoon een vlek".to_string()), "{doubts:?}");
    for cell in cvr.split([',', '\n']) {
        let c = cell.trim_start_matches('"');
        assert!(!c.starts_with(['=', '+', '@']), "formula cell {cell:?} in {cvr}");
    }
    assert_eq!(wijkstem::output::cvr::spreadsheet_safe("-1"), "'-1");
    assert_eq!(wijkstem::output::cvr::spreadsheet_safe("\tx"), "'\tx");
    assert_eq!(wijkstem::output::cvr::spreadsheet_safe("4619-5275-9"), "4619-5275-9");
}

#[test]
fn anna_and_anna_in_lower_case_are_one_volunteer_for_double_entry() {
    let (mut s, q) = setup(true, EntryRules::default());
    s.enter_ballot(MUIDE, None, &q[0], &m("MM01,MM02"), None).unwrap();
    for same in ["anna", " ANNA ", "Anna"] {
        as_op(&mut s, same);
        assert_eq!(
            codes(&s.enter_ballot(MUIDE, None, &q[0], &m("MM01,MM02"), None).unwrap_err()),
            ["paper.same_operator"],
            "{same}"
        );
    }
    as_op(&mut s, "Anne");
    s.enter_ballot(MUIDE, None, &q[0], &m("MM01,MM02"), None).unwrap();
    assert!(wijkstem::paper::same_person("Jan  de Wit", "jan de wit"));
    assert!(!wijkstem::paper::same_person("Jan de Wit", "Jan de Wilde"));
    // One name typed with a composed or a decomposed letter is one person.
    assert!(wijkstem::paper::same_person("Chlo\u{eb}", "chloe\u{308}"));
    assert!(!wijkstem::paper::same_person("Chlo\u{eb}", "Chloe"));
}

#[test]
fn a_volunteer_takes_back_their_own_last_entry_until_work_builds_on_it() {
    let (mut s, q) = setup(true, EntryRules::default());
    assert_eq!(codes(&s.undo_last_entry(MUIDE).unwrap_err()), ["paper.nothing_to_undo"]);
    s.enter_ballot(MUIDE, None, &q[0], &m("MM01,MM02"), None).unwrap();
    s.enter_ballot(MUIDE, None, &q[1], &m("MM01,MM04"), None).unwrap();
    // Anna saw MM04 on the receipt but the paper says MM03: undo, enter again.
    let serial = s.undo_last_entry(MUIDE).unwrap();
    assert!(q[1].contains(&serial.replace('-', "")), "{serial} is the second ballot");
    s.enter_ballot(MUIDE, None, &q[1], &m("MM01,MM03"), None).unwrap();
    let log = s.audit_log(20).unwrap();
    assert!(log.iter().any(|e| e.action == "ballot.undo"), "the undo is in the chain");
    let kept: i64 = s
        .store()
        .conn()
        .query_row("SELECT count(*) FROM ballot_entry WHERE status = 'discarded'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 1, "the taken-back entry is kept, discarded");
    // Once Bram has entered that ballot too, Anna's entry is no longer hers alone to take back.
    as_op(&mut s, "Bram");
    s.enter_ballot(MUIDE, None, &q[1], &m("MM01,MM03"), None).unwrap();
    as_op(&mut s, "Anna");
    assert_eq!(codes(&s.undo_last_entry(MUIDE).unwrap_err()), ["paper.undo_too_late"]);
    // Bram's own last entry (the second of that ballot) he can take back.
    as_op(&mut s, "Bram");
    s.undo_last_entry(MUIDE).unwrap();
    assert!(s.audit_verify().unwrap().broken_at.is_none());
}

/// Every read that a ballot's entry depends on (the selection, its plans
/// and style, the printed serial, the box, the ballot's earlier entries, a
/// pending recheck) runs inside the entry's own `BEGIN IMMEDIATE`
/// transaction, so no other program (the CLI on the same file) can change
/// them between the checks and the write; a refused entry rolls back.
#[test]
fn an_entry_checks_and_writes_in_one_immediate_transaction() {
    let (mut s, q) = setup(true, EntryRules::default());
    let bx = s.create_box(MUIDE, &BoxInput { name: "Bus 1".into(), location: String::new(), expected: 2 }).unwrap();
    s.trace_sql(Some(common::log_sql));
    common::take_sql();
    s.enter_ballot(MUIDE, Some(bx.id), &q[0], &m("MM01,MM02"), None).unwrap();
    let accepted = common::take_sql();
    // The same volunteer again: refused (double entry needs someone else).
    assert_eq!(
        codes(&s.enter_ballot(MUIDE, Some(bx.id), &q[0], &m("MM01,MM02"), None).unwrap_err()),
        ["paper.same_operator"]
    );
    let refused = common::take_sql();
    as_op(&mut s, "Bram");
    common::take_sql();
    s.enter_ballot(MUIDE, Some(bx.id), &q[0], &m("MM01,MM03"), None).unwrap();
    let second = common::take_sql();
    s.trace_sql(None);
    let domain = ["selection", "plan", "ballot", "ballot_box", "recheck"];
    for (what, log, end) in
        [("accepted", &accepted, "COMMIT"), ("refused", &refused, "ROLLBACK"), ("second", &second, "COMMIT")]
    {
        let begin = log.iter().position(|x| x == "BEGIN IMMEDIATE").unwrap_or_else(|| panic!("{what}: {log:#?}"));
        let finish = log.iter().rposition(|x| x == end).unwrap_or_else(|| panic!("{what}: no {end} in {log:#?}"));
        assert_eq!(log.iter().filter(|x| x.starts_with("BEGIN")).count(), 1, "{what}: one transaction");
        for (i, stmt) in log.iter().enumerate() {
            let lower = stmt.to_lowercase();
            let touches = domain.iter().any(|t| {
                lower.contains(&format!("from {t} "))
                    || lower.contains(&format!("from {t}\n"))
                    || lower.ends_with(&format!("from {t}"))
            }) || lower.contains("ballot_entry");
            assert!(!touches || (begin < i && i < finish), "{what}: outside the transaction: {stmt}");
        }
        // The checks did read inside: the ballot's earlier entries at least.
        assert!(log[begin..finish].iter().any(|x| x.contains("FROM ballot_entry")), "{what}: {log:#?}");
    }
    println!("one accepted entry: {} SQL statements, {} inside its transaction", accepted.len(), {
        let b = accepted.iter().position(|x| x == "BEGIN IMMEDIATE").unwrap();
        let e = accepted.iter().rposition(|x| x == "COMMIT").unwrap();
        e - b - 1
    });
}

/// Every write of the counting room (boxes, entries, differences sent back
/// and re-entered, the committee's decision, closing a box and the count)
/// reads what it checks inside its own transaction, refused or not.
#[test]
fn every_counting_write_checks_inside_its_transaction() {
    let (mut s, q) = setup(true, EntryRules::default());
    let mut walk = common::WriteWalk::start(&mut s);
    let bx = s.create_box(MUIDE, &BoxInput { name: "Bus 1".into(), location: String::new(), expected: 1 }).unwrap();
    walk.call("box", true);
    let serial = wijkstem::paper::ballot::parse_scan(&q[0], MUIDE).unwrap().serial;
    walk.call("enter", s.enter_ballot(MUIDE, Some(bx.id), &q[0], &m("MM01,MM02"), None).is_ok());
    walk.call("enter refused", s.enter_ballot(MUIDE, Some(bx.id), &q[0], &m("MM01"), None).is_err());
    as_op(&mut s, "Bram");
    common::take_sql();
    walk.call("second entry", s.enter_ballot(MUIDE, Some(bx.id), &q[0], &m("MM01,MM03"), None).is_ok());
    as_op(&mut s, "Anna");
    common::take_sql();
    walk.call("send back", s.resolve(MUIDE, &serial.0, Resolution::Recheck).is_ok());
    as_op(&mut s, "Chris");
    common::take_sql();
    walk.call("re-enter", s.recheck_entry(MUIDE, &serial.display(), &m("MM02")).is_ok());
    walk.call("enter elsewhere", s.enter_ballot(MUIDE, None, &q[1], &m("MM01,MM02"), None).is_err());
    as_op(&mut s, "Anna");
    common::take_sql();
    walk.call("close box refused", s.close_box(MUIDE, bx.id + 1, None).is_err());
    walk.call("close box", s.close_box(MUIDE, bx.id, None).is_ok());
    walk.call("pause", s.set_entry_paused(MUIDE, true).is_ok());
    walk.finish(&mut s);
}

/// A write to a selection that does not exist says so (the check every
/// selection write shares, `Store::write_open`), for entry and set-up alike.
#[test]
fn a_write_to_an_unknown_selection_is_not_found() {
    let (mut s, q) = setup(false, EntryRules::default());
    let box_input = BoxInput { name: "Bus 1".into(), location: String::new(), expected: 2 };
    assert_eq!(codes(&s.enter_ballot(99, None, &q[0], &m("MM01,MM02"), None).unwrap_err()), ["store.not_found"]);
    assert_eq!(codes(&s.create_box(99, &box_input).unwrap_err()), ["store.not_found"]);
    assert_eq!(codes(&s.set_entry_paused(99, true).unwrap_err()), ["store.not_found"]);
    // A known one is entered as before.
    assert!(s.enter_ballot(MUIDE, None, &q[0], &m("MM01,MM02"), None).is_ok());
}
