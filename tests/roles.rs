//! Roles: who may decide. The roster, PIN sign-in, and coordinator-only
//! actions refused in the core, for the app's session and the CLI alike.
#![allow(clippy::unwrap_used)] // tests may panic on what they did not expect

use std::path::Path;

use wijkstem::i18n::Lang;
use wijkstem::paper::ballot::{qr_payload, BallotStyle, EntryRules};
use wijkstem::paper::review::Resolution;
use wijkstem::paper::{parse_marks, PaperSettings};
use wijkstem::roster::Role;
use wijkstem::session::Session;

mod common;
use common::codes;

/// The demo in a file, as the app makes it on first start: the demo's
/// roster (Sam coordinator, Lotte and Youssef volunteers), paper ballots
/// printed and two entered by a volunteer.
fn demo(db: &Path) -> (Session, Vec<String>) {
    let mut s = Session::open(db).unwrap();
    assert!(s.load_demo_if_empty().unwrap());
    s.sign_in("Sam", "2468").unwrap();
    s.set_paper_settings(
        1,
        &PaperSettings {
            style: BallotStyle::Approval { min: 1, max: 3 },
            double_entry: true,
            rules: EntryRules::default(),
        },
    )
    .unwrap();
    let (serials, _) = s.print_ballots(1, 4, 1, Lang::Nl).unwrap();
    let hash: String = s.store().conn().query_row("SELECT style_hash FROM ballot LIMIT 1", [], |r| r.get(0)).unwrap();
    let scans: Vec<String> = serials.iter().map(|x| qr_payload(1, x, &hash)).collect();
    s.sign_out().unwrap();
    (s, scans)
}

#[test]
fn the_demo_roster_is_shown_with_its_pins_until_a_pin_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = demo(&dir.path().join("w.sqlite"));
    let screen = s.sign_in_screen().unwrap();
    let names: Vec<(&str, Role)> = screen.roster.iter().map(|m| (m.name.as_str(), m.role)).collect();
    assert_eq!(names, [("Sam", Role::Coordinator), ("Lotte", Role::Volunteer), ("Youssef", Role::Volunteer)]);
    let pins: Vec<(&str, &str)> = screen.demo.iter().map(|d| (d.name.as_str(), d.pin.as_str())).collect();
    assert_eq!(pins, [("Sam", "2468"), ("Lotte", "1357"), ("Youssef", "8642")]);
    // Lotte changes her own PIN: the screen no longer offers the old one.
    s.sign_in("Lotte", "1357").unwrap();
    let id = s.own_roster_id().unwrap();
    s.set_roster_pin(id, "9911").unwrap();
    let shown: Vec<String> = s.sign_in_screen().unwrap().demo.into_iter().map(|d| d.name).collect();
    assert_eq!(shown, ["Sam", "Youssef"]);
    assert_eq!(codes(&s.sign_in("Lotte", "1357").unwrap_err()), ["roster.wrong_pin"]);
    s.sign_in("Lotte", "9911").unwrap();
}

#[test]
fn a_volunteer_enters_but_every_coordinator_action_is_refused_in_the_core() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, scans) = demo(&dir.path().join("w.sqlite"));
    let who = s.sign_in("  lotte ", "1357").unwrap();
    assert_eq!((who.name.as_str(), who.role), ("Lotte", Role::Volunteer));
    // Entry is a volunteer's work.
    s.enter_ballot(1, None, &scans[0], &parse_marks("MM01").unwrap(), None).unwrap();
    s.progress(1, "greedy", Lang::Nl).unwrap();
    let refused = |r: Result<(), wijkstem::problem::Failure>| {
        let e = r.unwrap_err();
        assert_eq!(codes(&e), ["session.coordinator_only"], "{e:?}");
        assert!(e.render(Lang::Nl).contains("coördinator"), "{}", e.render(Lang::Nl));
    };
    let input = wijkstem::selection::SelectionInput {
        edition: "E".into(),
        wijk: "W".into(),
        budget_cents: 100,
        method: wijkstem::selection::Method::Ballots,
    };
    refused(s.create_selection(&input).map(drop));
    refused(s.update_selection(1, &input).map(drop));
    refused(s.remove_plan(1));
    refused(s.set_paper_settings(1, &s.paper_settings(1).unwrap().unwrap()));
    refused(s.print_ballots(1, 2, 1, Lang::Nl).map(drop));
    refused(s.tally_view(1, "greedy", Lang::Nl).map(drop));
    refused(s.tally_view(1, "greedy", Lang::Nl).map(drop));
    refused(s.differences(1).map(drop));
    refused(s.reviews(1).map(drop));
    refused(s.resolve(1, "x", Resolution::DiscardBoth));
    refused(s.decide_doubtful(1, "x", true, "ok"));
    refused(s.close_count(1));
    refused(s.public_records(1).map(drop));
    refused(s.internal_records(1, Lang::Nl).map(drop));
    refused(s.signed_bundle(1, None, Lang::Nl).map(drop));
    refused(s.roster().map(drop));
    refused(s.add_to_roster("Mallory", Role::Coordinator, "1234").map(drop));
    refused(s.set_roster_member(1, Role::Volunteer, false).map(drop));
    refused(s.set_roster_pin(1, "0000"));
    refused(s.close_tables(2));
    refused(s.close_panel(3));
    refused(s.set_frozen(3, false));
    // Nothing of it reached the database: still one entry, still open.
    let entries: i64 = s.store().conn().query_row("SELECT count(*) FROM ballot_entry", [], |r| r.get(0)).unwrap();
    assert_eq!(entries, 1);
    assert_ne!(s.selection(1).unwrap().status, wijkstem::selection::Status::Closed);
    // The coordinator may.
    s.sign_in("Sam", "2468").unwrap();
    s.tally_view(1, "greedy", Lang::Nl).unwrap();
    s.differences(1).unwrap();
}

#[test]
fn the_cli_applies_the_same_roles() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    drop(demo(&db));
    let run = |who: Option<(&str, &str)>, args: &[&str]| {
        let mut env: Vec<(&str, &std::ffi::OsStr)> = Vec::new();
        if let Some((name, pin)) = who {
            env.push(("WIJKSTEM_OPERATOR", name.as_ref()));
            env.push(("WIJKSTEM_PIN", pin.as_ref()));
        }
        common::run_cli(Some(&db), None, "nl", args, None, &env)
    };
    // A volunteer closing the count or reading live results: refused, in Dutch.
    for args in [&["ballots", "close", "1"][..], &["ballots", "tally", "1"], &["ballots", "reconcile", "1"]] {
        let (ok, _, err) = run(Some(("Lotte", "1357")), args);
        assert!(!ok && err.contains("alleen een coördinator"), "{args:?}: {err}");
    }
    // Without sign-in, or with a wrong PIN.
    let (ok, _, err) = run(None, &["ballots", "close", "1"]);
    assert!(!ok && err.contains("--operator"), "{err}");
    let (ok, _, err) = run(Some(("Sam", "1111")), &["ballots", "close", "1"]);
    assert!(!ok && err.contains("pincode klopt niet"), "{err}");
    let (ok, _, err) =
        common::run_cli(Some(&db), None, "nl", &["--operator", "Sam", "ballots", "close", "1"], None, &[]);
    assert!(!ok && err.contains("pincode van Sam"), "{err}");
    // The coordinator may; the team is managed from the CLI too.
    let (ok, out, err) =
        run(Some(("Sam", "2468")), &["team", "add", "Chris", "--role", "vrijwilliger", "--new-pin", "4321"]);
    assert!(ok && out.contains("Chris\tvrijwilliger"), "{out}{err}");
    let (ok, out, _) = run(Some(("Sam", "2468")), &["team", "list"]);
    assert!(ok && out.lines().count() == 4, "{out}");
    let (ok, _, err) =
        run(Some(("Chris", "4321")), &["team", "add", "Eve", "--role", "coordinator", "--new-pin", "1234"]);
    assert!(!ok && err.contains("coördinator"), "{err}");
    let (ok, _, err) = run(Some(("Sam", "2468")), &["ballots", "reconcile", "1"]);
    assert!(ok, "{err}");
    let (ok, _, err) = run(Some(("Lotte", "1357")), &["ballots", "progress", "1"]);
    assert!(ok, "{err}");
}

#[test]
fn wrong_pins_are_logged_and_lock_the_name_for_a_while() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = demo(&dir.path().join("w.sqlite"));
    for left in [4, 3, 2] {
        let e = s.sign_in("Sam", "0000").unwrap_err();
        assert_eq!(codes(&e), ["roster.wrong_pin"]);
        assert_eq!(e.problems[0].params["left"], left.to_string());
    }
    let e = s.sign_in("sam", "0000").unwrap_err();
    assert_eq!(codes(&e), ["roster.wrong_pin_last"]);
    assert!(e.render(Lang::Nl).contains("Nog 1 poging,"), "{}", e.render(Lang::Nl));
    // The fifth wrong PIN says at once that the name is locked now.
    assert_eq!(codes(&s.sign_in(" SAM ", "0000").unwrap_err()), ["roster.locked"]);
    // Even the right PIN waits now; another name does not.
    let e = s.sign_in("Sam", "2468").unwrap_err();
    assert_eq!(codes(&e), ["roster.locked"]);
    assert!(e.render(Lang::Nl).contains("Wacht 2 minuten"), "{}", e.render(Lang::Nl));
    s.sign_in("Youssef", "8642").unwrap();
    let wrong = s.audit_log(100).unwrap().iter().filter(|e| e.action == "roster.pin_wrong").count();
    assert_eq!(wrong, 5);
    assert!(s.signed_in().unwrap().role == Role::Volunteer);
    // Unknown and retired names are told apart from a wrong PIN.
    assert_eq!(codes(&s.sign_in("Mallory", "1234").unwrap_err()), ["roster.unknown_name"]);
}

/// The lock-out window and every recorded time run on the store's one clock:
/// with the clock held still the name stays locked, two minutes later it opens,
/// and each event carries the clock's time.
#[test]
fn the_lock_out_window_and_the_log_run_on_the_one_clock() {
    use wijkstem::clock::Clock;
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = demo(&dir.path().join("w.sqlite"));
    let t = time::macros::datetime!(2027-03-14 19:30:00 UTC);
    s.set_clock(Clock::Fixed(t));
    for _ in 0..5 {
        assert!(s.sign_in("Sam", "0000").is_err());
    }
    assert_eq!(codes(&s.sign_in("Sam", "2468").unwrap_err()), ["roster.locked"]);
    s.set_clock(Clock::Fixed(t + time::Duration::seconds(119)));
    assert_eq!(codes(&s.sign_in("Sam", "2468").unwrap_err()), ["roster.locked"], "still within two minutes");
    s.set_clock(Clock::Fixed(t + time::Duration::seconds(121)));
    s.sign_in("Sam", "2468").unwrap();
    let log = s.audit_log(100).unwrap();
    let wrong: Vec<&str> = log.iter().filter(|e| e.action == "roster.pin_wrong").map(|e| e.at.as_str()).collect();
    assert_eq!(wrong, ["2027-03-14T19:30:00Z"; 5]);
    assert!(log.iter().any(|e| e.action == "operator.sign_in" && e.at == "2027-03-14T19:32:01Z"), "{log:?}");
}

#[test]
fn pins_are_stored_salted_and_slow_and_names_compared_as_people_read_them() {
    let mut s = Session::in_memory().unwrap();
    // An empty roster: nobody signs in; the first one set up is a coordinator.
    assert_eq!(codes(&s.sign_in("Anna", "1234").unwrap_err()), ["roster.empty"]);
    assert_eq!(codes(&s.set_up_roster("Anna", "12a4").unwrap_err()), ["roster.bad_pin"]);
    assert_eq!(codes(&s.set_up_roster("Anna", "123").unwrap_err()), ["roster.bad_pin"]);
    assert_eq!(codes(&s.set_up_roster("Anna\u{202E}", "1234").unwrap_err()), ["roster.bad_name"]);
    let anna = s.set_up_roster(" Anna ", "1234").unwrap();
    assert_eq!((anna.name.as_str(), anna.role), ("Anna", Role::Coordinator));
    assert_eq!(codes(&s.set_up_roster("Bram", "1234").unwrap_err()), ["roster.already_set_up"]);
    // "ANNA", "anna" and a full-width "Ａnna" are Anna.
    for twin in ["ANNA", " anna", "\u{FF21}nna"] {
        assert_eq!(
            codes(&s.add_to_roster(twin, Role::Volunteer, "5678").unwrap_err()),
            ["roster.name_taken"],
            "{twin}"
        );
    }
    s.add_to_roster("Bram", Role::Volunteer, "1234").unwrap();
    s.sign_in("\u{FF21}NNA", "1234").unwrap();
    assert_eq!(s.operator(), Some("Anna"));
    let hashes: Vec<String> = {
        let mut st = s.store().conn().prepare("SELECT pin_hash FROM roster ORDER BY id").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    // The same PIN, two different salts; no PIN in the clear.
    assert_eq!(hashes.len(), 2);
    assert_ne!(hashes[0], hashes[1]);
    for h in &hashes {
        // (A random hex digest may contain "1234" by chance: compare the parts.)
        let parts: Vec<&str> = h.split('$').collect();
        assert!(h.starts_with("scrypt$14$8$1$") && parts.len() == 6 && !parts.contains(&"1234"), "{h}");
        assert_eq!((parts[4].len(), parts[5].len()), (32, 64), "16 bytes of salt, 32 of hash: {h}");
    }
    // The last coordinator stays one.
    let id = s.own_roster_id().unwrap();
    assert_eq!(codes(&s.set_roster_member(id, Role::Volunteer, true).unwrap_err()), ["roster.last_coordinator"]);
    assert_eq!(codes(&s.set_roster_member(id, Role::Coordinator, false).unwrap_err()), ["roster.last_coordinator"]);
    // Taken off the roster: refused at sign-in, kept in the log.
    let bram = s.roster().unwrap().into_iter().find(|m| m.name == "Bram").unwrap();
    s.set_roster_member(bram.id, Role::Volunteer, false).unwrap();
    assert_eq!(codes(&s.sign_in("Bram", "1234").unwrap_err()), ["roster.inactive"]);
}

/// The demo at `db`, then a volunteer with the file makes herself
/// coordinator with sqlite3, outside Wijkstem.
fn lotte_made_coordinator_outside(db: &Path) {
    drop(demo(db));
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute("UPDATE roster SET role = 'coordinator' WHERE name = 'Lotte'", []).unwrap();
}

#[test]
fn a_role_changed_in_the_database_is_named_by_audit_verify() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    lotte_made_coordinator_outside(&db);
    let s = Session::open(&db).unwrap();
    let b = s.audit_verify().unwrap().broken_at.expect("found");
    assert_eq!(b.kind, "record_changed");
    assert!(b.record.unwrap().starts_with("roster "));
    // Deleting someone is refused outright.
    let c = rusqlite::Connection::open(&db).unwrap();
    assert!(c.execute("DELETE FROM roster WHERE name = 'Sam'", []).is_err());
}

#[test]
fn an_outside_edit_is_not_laundered_by_the_apps_next_change_of_that_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    lotte_made_coordinator_outside(&db);
    // Lotte changes her own PIN: the app would claim the edited row as its own.
    let mut s = Session::open(&db).unwrap();
    s.authenticate("Lotte", "1357").unwrap();
    let id = s.own_roster_id().unwrap();
    let e = s.set_roster_pin(id, "2222").unwrap_err();
    assert_eq!(codes(&e), ["store.changed_outside"]);
    assert!(e.render(Lang::Nl).contains("buiten Wijkstem veranderd"), "{}", e.render(Lang::Nl));
    // Nothing was written: audit verify still names the record, the old PIN still holds.
    assert_eq!(s.audit_verify().unwrap().broken_at.expect("found").kind, "record_changed");
    s.authenticate("Lotte", "1357").unwrap();
}

#[test]
fn a_busy_database_checks_no_pin_so_the_lock_out_cannot_be_bypassed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    drop(demo(&db));
    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut s = Session::open(&db).unwrap();
    // Wrong and right PIN alike: refused without an answer about the PIN.
    let wrong = s.sign_in("Sam", "0000").unwrap_err();
    let right = s.sign_in("Sam", "2468").unwrap_err();
    assert_eq!(codes(&wrong), codes(&right));
    assert!(!codes(&right).contains(&"roster.wrong_pin".to_string()), "{right:?}");
    other.execute_batch("ROLLBACK").unwrap();
    s.sign_in("Sam", "2468").unwrap();
}

#[test]
fn a_role_changed_meanwhile_counts_from_the_next_action() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    drop(demo(&db));
    let mut sam = Session::open(&db).unwrap();
    sam.sign_in("Sam", "2468").unwrap();
    sam.add_to_roster("Fatima", Role::Coordinator, "4711").unwrap();
    // Fatima signs in on the app; Sam makes her a volunteer from the CLI's session.
    let mut app = Session::open(&db).unwrap();
    app.sign_in("Fatima", "4711").unwrap();
    app.roster().unwrap();
    let id = sam.roster().unwrap().into_iter().find(|m| m.name == "Fatima").unwrap().id;
    sam.set_roster_member(id, Role::Volunteer, true).unwrap();
    assert_eq!(codes(&app.roster().unwrap_err()), ["session.coordinator_only"]);
    assert_eq!(app.signed_in().unwrap().role, Role::Volunteer);
    // Taken off the team: nothing at all any more.
    sam.set_roster_member(id, Role::Volunteer, false).unwrap();
    assert_eq!(codes(&app.progress(1, "greedy", Lang::Nl).unwrap_err()), ["roster.inactive"]);
}

#[test]
fn reading_progress_or_the_panel_needs_a_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = demo(&dir.path().join("w.sqlite"));
    assert_eq!(codes(&s.progress(1, "greedy", Lang::Nl).unwrap_err()), ["session.not_signed_in"]);
    assert_eq!(codes(&s.projector(3, Lang::Nl).unwrap_err()), ["session.not_signed_in"]);
    assert_eq!(codes(&s.panel_package(3, Lang::Nl).unwrap_err()), ["session.not_signed_in"]);
    // Members' names, table verdicts, boxes and rechecks alike.
    assert_eq!(codes(&s.panel_state(3).unwrap_err()), ["session.not_signed_in"]);
    assert_eq!(codes(&s.tables(2).unwrap_err()), ["session.not_signed_in"]);
    assert_eq!(codes(&s.boxes(1).unwrap_err()), ["session.not_signed_in"]);
    assert_eq!(codes(&s.rechecks(1).unwrap_err()), ["session.not_signed_in"]);
    // Making a backup on request too (the automatic one needs nobody).
    assert_eq!(codes(&s.backup_now().unwrap_err()), ["session.not_signed_in"]);
}

#[test]
fn a_real_selection_is_not_closed_while_the_demo_coordinator_pin_is_public() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = demo(&dir.path().join("w.sqlite"));
    s.sign_in("Sam", "2468").unwrap();
    s.add_to_roster("Fatima", Role::Coordinator, "4711").unwrap();
    // Fatima, with her own PIN, works on a real edition while Sam's PIN is still the demo's.
    s.sign_in("Fatima", "4711").unwrap();
    let real = s
        .create_selection(&wijkstem::selection::SelectionInput {
            edition: "Wijkbudget 2027".into(),
            wijk: "Muide".into(),
            budget_cents: 100_000,
            method: wijkstem::selection::Method::Ballots,
        })
        .unwrap();
    let e = s.close_count(real.id).unwrap_err();
    assert_eq!(codes(&e), ["roster.demo_pins_active"]);
    assert!(e.render(Lang::Nl).contains("Sam"), "{}", e.render(Lang::Nl));
    // With an own PIN for Sam the demo's public one no longer opens anything.
    let sam = s.roster().unwrap().into_iter().find(|m| m.name == "Sam").unwrap().id;
    s.set_roster_pin(sam, "8080").unwrap();
    assert_ne!(codes(&s.close_count(real.id).unwrap_err()), ["roster.demo_pins_active"]);
    // Names the log uses itself are not for people.
    for name in ["(onbekend)", "Wijkstem", "demo"] {
        assert_eq!(
            codes(&s.add_to_roster(name, Role::Volunteer, "1234").unwrap_err()),
            ["roster.reserved_name"],
            "{name}"
        );
    }
}

#[test]
fn with_a_real_edition_on_the_laptop_the_demo_pin_only_changes_itself() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = demo(&dir.path().join("w.sqlite"));
    s.sign_in("Sam", "2468").unwrap();
    let input = wijkstem::selection::SelectionInput {
        edition: "Wijkbudget 2027".into(),
        wijk: "Muide".into(),
        budget_cents: 100_000,
        method: wijkstem::selection::Method::Ballots,
    };
    // The first real selection may be made with it (that is how a laptop is set up) ...
    let real = s.create_selection(&input).unwrap();
    // ... but from then on the public PIN decides nothing: no team, no style, no boxes.
    for e in [
        s.add_to_roster("Eve", Role::Coordinator, "1234").map(drop).unwrap_err(),
        s.remove_plan(1).unwrap_err(),
        s.create_selection(&input).map(drop).unwrap_err(),
        s.differences(real.id).map(drop).unwrap_err(),
    ] {
        assert_eq!(codes(&e), ["roster.demo_pin_in_use"]);
    }
    assert!(s.roster().unwrap_err().render(Lang::Nl).contains("kies eerst een eigen pincode"));
    // Sam's own PIN, then everything again.
    let id = s.own_roster_id().unwrap();
    s.set_roster_pin(id, "9090").unwrap();
    s.add_to_roster("Eve", Role::Volunteer, "1234").unwrap();
    // Signing in again with the demo PIN no longer works either.
    assert_eq!(codes(&s.sign_in("Sam", "2468").unwrap_err()), ["roster.wrong_pin"]);
}

#[test]
fn exporting_the_public_key_never_makes_a_key_without_a_coordinator() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    drop(demo(&db));
    let keys = dir.path().join("keys");
    let env: Vec<(&str, &std::ffi::OsStr)> =
        vec![("WIJKSTEM_KEY_DIR", keys.as_os_str()), ("WIJKSTEM_KEY_PASSPHRASE", "van-de-aanvaller".as_ref())];
    let (ok, _, err) = common::run_cli(Some(&db), None, "nl", &["key", "export"], None, &env);
    assert!(!ok && err.contains("nog geen ondertekeningssleutel"), "{err}");
    assert!(!keys.join("wijkstem.key").exists(), "no key was made");
}

/// Sign-in reads the roster inside the transaction that records a wrong PIN:
/// a name removed or a PIN changed by another program in between is seen.
#[test]
fn sign_in_reads_the_roster_inside_its_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = demo(&dir.path().join("w.sqlite"));
    for (pin, ok) in [("0000", false), ("2468", true)] {
        s.trace_sql(Some(common::log_sql));
        common::take_sql();
        assert_eq!(s.sign_in("Sam", pin).is_ok(), ok);
        s.trace_sql(None);
        let log = common::take_sql();
        let begin = log.iter().position(|x| x == "BEGIN IMMEDIATE").expect("a write transaction");
        assert!(log[begin..].iter().any(|x| x.contains("FROM roster")), "the roster is read inside: {log:#?}");
        let before: Vec<&String> = log[..begin].iter().filter(|x| x.contains("roster")).collect();
        assert!(before.is_empty(), "read before the transaction: {before:#?}");
        s.sign_out().unwrap();
    }
}
