//! Trust: each attack from the adversary's report, replayed. Records are
//! changed the way someone with the laptop would (a second SQLite connection,
//! like `sqlite3` on the file, dropping triggers where they are in the way),
//! and the app must refuse the change or name the record when it checks.
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

use std::path::Path;

use wijkstem::i18n::Lang;
use wijkstem::paper::ballot::{qr_payload, BallotStyle, EntryRules, Serial};
use wijkstem::paper::{parse_marks, PaperSettings};
use wijkstem::session::Session;

mod common;
use common::codes;

/// `open_count`, closed: the printed serials.
fn closed_count(db: &Path) -> Vec<Serial> {
    let (mut s, serials, _) = open_count(db);
    s.close_count(1).unwrap();
    assert!(s.audit_verify().unwrap().broken_at.is_none());
    serials
}

fn cli(db: &Path, args: &[&str]) -> (bool, String, String) {
    let keys = db.with_file_name("keys");
    common::run_cli(Some(db), Some("Anna"), "nl", args, None, &[("WIJKSTEM_KEY_DIR", keys.as_os_str())])
}

/// What an adversary with `sqlite3` does: a plain connection to the file.
fn tamper(db: &Path, sql: &str) -> rusqlite::Result<usize> {
    let c = rusqlite::Connection::open(db)?;
    c.execute_batch(sql)?;
    Ok(c.changes() as usize)
}

/// What an adversary who knows the triggers does: take them all out, run
/// `f`, put them back exactly as they were (so the schema looks untouched).
fn without_triggers<T>(db: &Path, f: impl FnOnce(&rusqlite::Connection) -> T) -> T {
    let c = rusqlite::Connection::open(db).unwrap();
    let triggers: Vec<(String, String)> = c
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    for (name, _) in &triggers {
        c.execute_batch(&format!("DROP TRIGGER {name};")).unwrap();
    }
    let out = f(&c);
    for (_, sql) in &triggers {
        c.execute_batch(&format!("{sql};")).unwrap();
    }
    out
}

/// `sql` run with the triggers out of the way.
fn force(db: &Path, sql: &str) {
    without_triggers(db, |c| c.execute_batch(sql).unwrap());
}

#[test]
fn a_marks_edit_is_refused_and_once_forced_named_by_serial_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    let serials = closed_count(&db);
    let target = serials[1].clone();
    let edit = format!("UPDATE ballot_entry SET marks = 'MM03,MM04,MM05' WHERE serial = '{}'", target.0);
    // The record table refuses the edit itself.
    let refused = tamper(&db, &edit).unwrap_err().to_string();
    assert!(refused.contains("never edited"), "{refused}");
    // With the trigger dropped the edit goes through, and every check names it.
    force(&db, &edit);
    let (ok, _, err) = cli(&db, &["audit", "verify"]);
    assert!(!ok, "audit verify passed a changed record");
    assert!(err.contains(&target.display()), "the serial is named: {err}");
    assert!(err.contains("klopt niet met het logboek"), "{err}");
    let s = Session::open(&db).unwrap();
    let b = s.audit_verify().unwrap().broken_at.expect("detected");
    assert_eq!(b.kind, "record_changed");
    assert!(b.record.unwrap().contains(&target.display()));
    // No result is handed out from it, in the core (the app and the CLI).
    let signer = wijkstem::output::signing::Signer::load_or_create(&dir.path().join("k"), None).unwrap();
    let e = wijkstem::output::bundle::export::export_bundle(
        s.store().db(),
        1,
        &signer,
        s.store().clock().stamp(),
        Lang::Nl,
    )
    .unwrap_err();
    assert_eq!(codes(&e), ["bundle.records_disagree"]);
    assert!(e.problems[0].render(Lang::Nl).contains(&target.display()));
    let (ok, _, err) = cli(&db, &["report", "1", "--out", dir.path().join("r.pdf").to_str().unwrap()]);
    assert!(!ok && err.contains(&target.display()), "{err}");
    assert!(!dir.path().join("r.pdf").exists());
}

#[test]
fn a_deleted_or_smuggled_record_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    let serials = closed_count(&db);
    // Deleting an entry: refused, then forced.
    let del = format!("DELETE FROM ballot_entry WHERE serial = '{}'", serials[0].0);
    assert!(tamper(&db, &del).unwrap_err().to_string().contains("never deleted"));
    force(&db, &del);
    let b = Session::open(&db).unwrap().audit_verify().unwrap().broken_at.expect("deletion detected");
    assert_eq!(b.kind, "record_missing");

    // A ballot entry added behind the app's back (the closed count refuses
    // it first; with that trigger gone it goes in, unclaimed).
    let dir2 = tempfile::tempdir().unwrap();
    let db2 = dir2.path().join("w.sqlite");
    let serials = closed_count(&db2);
    let add = format!(
        "INSERT INTO ballot_entry (selection_id, serial, entry_no, operator, at, marks, verdict, findings) \
         VALUES (1, '{}', 1, 'Anna', '2026-11-30T20:00:00Z', 'MM04', 'valid', '[]')",
        serials[5].0
    );
    assert!(tamper(&db2, &add).unwrap_err().to_string().contains("closed"));
    force(&db2, &add);
    let b = Session::open(&db2).unwrap().audit_verify().unwrap().broken_at.expect("added entry detected");
    assert_eq!(b.kind, "record_unclaimed");
    assert!(b.record.unwrap().contains(&serials[5].display()));
}

#[test]
fn record_tables_allow_only_the_changes_the_app_makes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    closed_count(&db);
    for sql in [
        "UPDATE ballot SET batch = 9",
        "DELETE FROM ballot",
        "UPDATE ballot_entry SET status = 'discarded'",
        "UPDATE selection SET budget_cents = 1",
        "UPDATE plan SET cost_cents = 1",
        "DELETE FROM plan",
        "DELETE FROM selection WHERE id = 1",
    ] {
        // A closed count refuses even the status changes an open one allows.
        let e = tamper(&db, sql);
        assert!(e.is_err(), "{sql} went through");
    }
    assert!(Session::open(&db).unwrap().audit_verify().unwrap().broken_at.is_none());
}

#[test]
fn every_write_claims_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    closed_count(&db);
    let c = rusqlite::Connection::open(&db).unwrap();
    // Every row of every record table has a claim in the chain.
    let claimed: i64 = c
        .query_row(
            "SELECT count(*) FROM (SELECT DISTINCT j.value ->> 0, j.value ->> 1 FROM audit_log, json_each(audit_log.records) j WHERE j.value ->> 0 <> 'selection_rows')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut rows = 0i64;
    for t in wijkstem::storage::audit::SEALED {
        rows += c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get::<_, i64>(0)).unwrap();
    }
    assert!(rows > 30);
    assert_eq!(claimed, rows, "claims and rows");
    // And the events without claims are only those that wrote no record.
    let entries_claimed: i64 = c
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'ballot.enter' AND records LIKE '%ballot_entry%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(entries_claimed, 4);
}

#[test]
fn a_database_from_before_claims_is_sealed_once_on_upgrade() {
    use wijkstem::storage::audit::{event_hash, GENESIS};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.sqlite");
    {
        // As Wijkstem with schema 6 left it: a selection, a plan, its events.
        let c = rusqlite::Connection::open(&db).unwrap();
        for m in &wijkstem::storage::store::migrations()[..6] {
            c.execute_batch(m).unwrap();
        }
        c.pragma_update(None, "user_version", 6).unwrap();
        c.pragma_update(None, "application_id", wijkstem::storage::store::APPLICATION_ID).unwrap();
        c.execute_batch(
            "INSERT INTO selection (id, edition, wijk, budget_cents, method, status, created_at) \
             VALUES (1, '2026', 'Muide', 100000, 'ballots', 'draft', '2026-01-01T00:00:00Z'); \
             INSERT INTO plan (selection_id, code, title, description, cost_cents, initiator) \
             VALUES (1, 'P1', 'Bankjes', '', 50000, 'Jan'); \
             INSERT INTO selection (id, edition, wijk, budget_cents, method, status, created_at) \
             VALUES (2, '2026', 'Panel', 100000, 'panel', 'open', '2026-01-01T00:00:00Z'); \
             INSERT INTO panel_member (id, selection_id, code, name) VALUES (1, 2, 'P01', 'Jan'), (2, 2, 'P02', 'Mia'); \
             INSERT INTO panel_round (id, selection_id, no, format) VALUES (1, 2, 1, '\"ranking\"'); \
             INSERT INTO panel_vote (round_id, member_id, votes, operator, at) \
             VALUES (1, 1, '[[\"P1\",1]]', 'Anna', '2026-01-01T00:00:00Z'), (1, 2, '[]', 'Anna', '2026-01-01T00:00:01Z');",
        )
        .unwrap();
        let mut prev = GENESIS.to_string();
        for (seq, action) in [(1i64, "selection.create"), (2, "plan.add")] {
            let at = "2026-01-01T00:00:00Z";
            let h = event_hash(&prev, seq, at, "Anna", action, "selection/1", None, None, None);
            c.execute(
                "INSERT INTO audit_log (seq, at, operator, action, entity, before, after, prev_hash, hash) VALUES (?1, ?2, 'Anna', ?3, 'selection/1', NULL, NULL, ?4, ?5)",
                rusqlite::params![seq, at, action, prev, h],
            )
            .unwrap();
            prev = h;
        }
    }
    let s = Session::open(&db).unwrap();
    let r = s.audit_verify().unwrap();
    assert!(r.broken_at.is_none(), "{:?}", r.broken_at);
    assert_eq!(r.events, 4, "one sealing event and one for the panel votes moved apart");
    let moved: (i64, i64) = s
        .store()
        .conn()
        .query_row("SELECT (SELECT count(*) FROM panel_voted), (SELECT count(*) FROM panel_ballot)", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(moved, (2, 2));
    drop(s);
    // Opening again seals nothing more.
    assert_eq!(Session::open(&db).unwrap().audit_verify().unwrap().events, 4);
    // From now on the old records are held to their claims too.
    force(&db, "UPDATE plan SET cost_cents = 1");
    let b = Session::open(&db).unwrap().audit_verify().unwrap().broken_at.expect("detected");
    assert_eq!((b.kind.as_str(), b.record.as_deref()), ("record_changed", Some("plan 1")));
}

/// Every file of a zip, by name.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut b).unwrap();
            (f.name().to_string(), b)
        })
        .collect()
}

#[test]
fn a_printed_serial_is_found_in_no_file_of_the_public_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    let serials = closed_count(&db);
    let s = Session::open(&db).unwrap();
    let signer = wijkstem::output::signing::Signer::load_or_create(&dir.path().join("k"), None).unwrap();
    let zip = wijkstem::output::bundle::export::export_bundle(
        s.store().db(),
        1,
        &signer,
        s.store().clock().stamp(),
        Lang::Nl,
    )
    .unwrap();
    let report = wijkstem::output::bundle::verify(&zip, Some(&signer.pk));
    assert!(report.ok(), "{:?}", report.problems);
    let files = unzip(&zip);
    assert!(!files.iter().any(|(n, _)| n.contains("entries")), "no entry log in the public bundle");
    for (name, bytes) in &files {
        let mut texts = vec![String::from_utf8_lossy(bytes).to_string()];
        if name.ends_with(".pdf") {
            let pdf = dir.path().join("report.pdf");
            std::fs::write(&pdf, bytes).unwrap();
            if let Some(t) = common::pdf_text(&pdf) {
                texts.push(t);
            }
        }
        for serial in &serials {
            for form in [serial.0.clone(), serial.display()] {
                assert!(!texts.iter().any(|t| t.contains(&form)), "serial {form} found in {name}");
            }
        }
    }
    // The audit log shows this selection's own events and the chain; no
    // single ballot's entry, no sign-in, nothing of another wijk.
    let audit = &files.iter().find(|(n, _)| n == "audit.jsonl").unwrap().1;
    let events: Vec<wijkstem::storage::audit::AuditEvent> =
        String::from_utf8_lossy(audit).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let full = s.audit_log(i64::MAX).unwrap();
    assert_eq!(events.len(), full.len(), "every event keeps its place in the chain");
    assert_eq!(events.last().unwrap().hash, s.audit_verify().unwrap().head, "the same head");
    let shown: Vec<&str> = events.iter().filter(|e| e.action != "~").map(|e| e.action.as_str()).collect();
    assert!(shown.contains(&"count.close") && shown.contains(&"paper.settings"), "{shown:?}");
    // The print's claims are hashes of rows holding serials: a guess of the
    // few unknown values would recover the printed serials from them.
    for hidden in ["ballot.enter", "operator.sign_in", "records.seal", "ballots.print"] {
        assert!(!shown.contains(&hidden), "{hidden} shown in {shown:?}");
    }
    for e in events.iter().filter(|e| e.action != "~") {
        assert!(e.entity.starts_with("selection/1") || e.entity.starts_with("plan/"), "{}", e.entity);
    }
    assert!(!String::from_utf8_lossy(audit).contains("Sluizeken"), "another wijk's events are hashes only");

    // The public exports (CSV and pabulib) carry no serial either; the
    // internal export does, under a name that says so.
    let cvr = wijkstem::output::cvr::export_cvr(s.store().db(), 1, wijkstem::output::cvr::Records::Public).unwrap();
    let pb = wijkstem::output::cvr::export_pabulib(s.store().db(), 1).unwrap();
    let internal = unzip(&wijkstem::output::bundle::export::export_internal(s.store().db(), 1, Lang::Nl).unwrap());
    let internal_text: String = internal.iter().map(|(_, b)| String::from_utf8_lossy(b).to_string()).collect();
    for serial in &serials[..4] {
        assert!(!cvr.contains(&serial.display()) && !pb.contains(&serial.0), "serial in a public export");
        assert!(internal_text.contains(&serial.display()), "the committee's export names every entered ballot");
    }
    assert_eq!(internal[0].0, wijkstem::output::bundle::INTERNAL_README);
    assert!(String::from_utf8_lossy(&internal[0].1).contains("NIET PUBLICEREN"));
}

/// Rewrite the whole chain as someone holding the file would: drop the
/// audit log's triggers, rename an operator, remove one event, recompute
/// every hash so the chain verifies again.
fn rewrite_chain(db: &Path) {
    use wijkstem::storage::audit::{event_hash, GENESIS};
    without_triggers(db, |c| {
        let events = wijkstem::storage::audit::all(c).unwrap();
        let victim = events.iter().find(|e| e.action == "operator.sign_in").unwrap().seq;
        c.execute("DELETE FROM audit_log", []).unwrap();
        let mut prev = GENESIS.to_string();
        let mut seq = 0;
        for mut e in events.into_iter().filter(|e| e.seq != victim) {
            seq += 1;
            e.seq = seq;
            e.operator = e.operator.replace("Anna", "Bert");
            e.prev_hash = prev.clone();
            e.hash = event_hash(
                &prev,
                e.seq,
                &e.at,
                &e.operator,
                &e.action,
                &e.entity,
                e.before.as_deref(),
                e.after.as_deref(),
                e.records.as_deref(),
            );
            c.execute(
            "INSERT INTO audit_log (seq, at, operator, action, entity, before, after, prev_hash, hash, records) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
            rusqlite::params![e.seq, e.at, e.operator, e.action, e.entity, e.before, e.after, e.prev_hash, e.hash, e.records],
        )
        .unwrap();
            prev = e.hash;
        }
    });
}

#[test]
fn a_rewritten_chain_fails_against_the_printed_head_and_the_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    let backups = dir.path().join("usb");
    std::fs::create_dir_all(&backups).unwrap();
    let keys = db.with_file_name("keys");
    std::env::set_var("WIJKSTEM_KEY_DIR", &keys);
    let _ = wijkstem::output::signing::Signer::load_or_create(&keys, None).unwrap();
    {
        let mut s = Session::open(&db).unwrap();
        common::sign_in(&mut s, "Anna").unwrap();
        s.load_demo().unwrap();
        s.set_backup_settings(&wijkstem::storage::backup::BackupSettings {
            dir: Some(backups.display().to_string()),
            keep: 5,
            every_minutes: 10,
        })
        .unwrap();
        s.set_paper_settings(
            1,
            &PaperSettings {
                style: BallotStyle::Approval { min: 1, max: 3 },
                double_entry: false,
                rules: EntryRules::default(),
            },
        )
        .unwrap();
        let b = s
            .create_box(
                1,
                &wijkstem::paper::boxes::BoxInput { name: "Bus 1".into(), location: "Zaal".into(), expected: 2 },
            )
            .unwrap();
        let (serials, _) = s.print_ballots(1, 2, 1, Lang::Nl).unwrap();
        let hash: String =
            s.store().conn().query_row("SELECT style_hash FROM ballot LIMIT 1", [], |r| r.get(0)).unwrap();
        for (i, m) in ["MM01", "MM02"].iter().enumerate() {
            s.enter_ballot(1, Some(b.id), &qr_payload(1, &serials[i], &hash), &parse_marks(m).unwrap(), None).unwrap();
        }
        s.close_box(1, b.id, None).unwrap();
        s.close_count(1).unwrap();
    }
    let checkpoint = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name().unwrap().to_string_lossy().starts_with("checkpoint-") && p.extension().unwrap() == "json"
        })
        .expect("a checkpoint beside the backups");
    assert!(std::path::PathBuf::from(format!("{}.minisig", checkpoint.display())).exists(), "signed");
    // The proces-verbaal prints the closing event's head; checked with pdftotext.
    let s = Session::open(&db).unwrap();
    let signer = wijkstem::output::signing::Signer::load_or_create(&keys, None).unwrap();
    let parts = wijkstem::output::bundle::export::bundle_parts(s.store().db(), 1, &signer.key_id(), Lang::Nl).unwrap();
    let closed = parts.report.count.clone();
    assert!(closed.closed_seq > 0 && closed.closed_hash.len() == 64);
    let printed = wijkstem::storage::audit::short_hash(&closed.closed_hash);
    let pdf = dir.path().join("pv.pdf");
    std::fs::write(&pdf, &parts.files[wijkstem::output::bundle::REPORT]).unwrap();
    if let Some(keep) = std::env::var_os("WIJKSTEM_KEEP_PDF") {
        std::fs::copy(&pdf, Path::new(&keep).join("trust-pv.pdf")).unwrap();
    }
    if let Some(text) = common::pdf_text(&pdf) {
        assert!(text.contains(&printed), "the head {printed} is on the proces-verbaal");
        assert!(text.contains(&closed.closed_hash[..32]), "and the full hash");
    }
    drop(s);
    // Before the rewrite both anchors hold.
    let (ok, out, err) = cli(&db, &["audit", "verify", "--head", &printed.to_lowercase()]);
    assert!(ok, "{out}{err}");
    assert!(out.contains(&printed), "{out}");
    let (ok, _, err) = cli(&db, &["audit", "verify", "--checkpoint", checkpoint.to_str().unwrap()]);
    assert!(ok, "{err}");

    rewrite_chain(&db);
    // The rewritten chain verifies on its own...
    let (ok, _, err) = cli(&db, &["audit", "verify"]);
    assert!(ok, "a consistent rewrite passes the plain check: {err}");
    // ...but not against what was written down or stored elsewhere.
    let (ok, _, err) = cli(&db, &["audit", "verify", "--head", &printed]);
    assert!(!ok && err.contains("bevat de kop"), "{err}");
    let (ok, _, err) = cli(&db, &["audit", "verify", "--checkpoint", checkpoint.to_str().unwrap()]);
    assert!(!ok && err.contains("bevat de kop"), "{err}");
    // A head too short to name one event is refused, not matched.
    let (ok, _, _) = cli(&db, &["audit", "verify", "--head", &printed[..4]]);
    assert!(!ok);
}

#[test]
fn a_panel_vote_is_stored_apart_from_who_cast_it() {
    use wijkstem::panel::RoundFormat;
    const BP: i64 = 3; // the demo's gelote wijkpanel
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    let mut s = Session::open(&db).unwrap();
    common::sign_in(&mut s, "Moderator").unwrap();
    s.load_demo().unwrap();
    let present: Vec<String> = (1..=4).map(|i| format!("P{i:02}")).collect();
    s.open_round(BP, &RoundFormat::Points { per_member: 5 }, &present).unwrap();
    s.cast_vote(BP, 1, "P01", &[("WE01".to_string(), 5)]).unwrap();
    let before = s.projector(BP, Lang::Nl).unwrap();
    s.cast_vote(BP, 1, "P02", &[("WE03".to_string(), 5)]).unwrap();
    let after = s.projector(BP, Lang::Nl).unwrap();
    // Two screens around one vote differ only in the counter.
    assert_eq!(before.plans, after.plans);
    assert_eq!((before.votes, after.votes), (1, 2));
    // Stored: who voted, and the votes apart: no member, time or operator
    // beside a vote, and the rows' order is not the voting order.
    let c = rusqlite::Connection::open(&db).unwrap();
    let cols: Vec<String> = c
        .prepare("SELECT name FROM pragma_table_info('panel_ballot')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(cols, ["id", "round_id", "votes"]);
    // No audit event of a vote claims the vote itself.
    let claimed_by_vote: i64 = c
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'panel.vote' AND records LIKE '%panel_ballot%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(claimed_by_vote, 0);
    assert!(s.audit_verify().unwrap().broken_at.is_none(), "an open round's votes are held to its voters");
    // A vote smuggled into the open round's box is found.
    tamper(
        &db,
        "INSERT INTO panel_ballot (id, round_id, votes) SELECT 77, id, '[[\"WE02\",5]]' FROM panel_round LIMIT 1",
    )
    .unwrap();
    let b = s.audit_verify().unwrap().broken_at.expect("smuggled vote found");
    assert_eq!(b.kind, "record_unclaimed");
    drop(c);
}

#[test]
fn a_closed_round_claims_its_votes_together() {
    use wijkstem::panel::RoundFormat;
    const BP: i64 = 3;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    let mut s = Session::open(&db).unwrap();
    common::sign_in(&mut s, "Moderator").unwrap();
    s.load_demo().unwrap();
    let present: Vec<String> = (1..=12).map(|i| format!("P{i:02}")).collect();
    s.open_round(BP, &RoundFormat::Points { per_member: 5 }, &present).unwrap();
    for m in &present {
        s.cast_vote(BP, 1, m, &[("WE01".to_string(), 3), ("WE02".to_string(), 2)]).unwrap();
    }
    s.close_round(BP, 1, None).unwrap();
    assert!(s.audit_verify().unwrap().broken_at.is_none());
    let c = rusqlite::Connection::open(&db).unwrap();
    let in_close: i64 = c
        .query_row(
            "SELECT count(*) FROM audit_log, json_each(audit_log.records) j WHERE action = 'panel.round_close' AND j.value ->> 0 = 'panel_ballot'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(in_close, 12, "every vote of the round claimed by its closing event");
    drop(c);
    // Changing a closed round's vote is refused, and forced, found.
    assert!(tamper(&db, "UPDATE panel_ballot SET votes = '[]'").is_err());
    force(
        &db,
        "UPDATE panel_ballot SET votes = '[[\"WE09\",5]]' WHERE rowid IN (SELECT rowid FROM panel_ballot LIMIT 1)",
    );
    assert_eq!(s.audit_verify().unwrap().broken_at.expect("found").kind, "record_changed");
}

#[test]
fn the_app_sends_csv_bytes_so_a_latin1_file_is_refused_as_in_the_cli() {
    use base64::Engine;
    let mut s = Session::in_memory().unwrap();
    common::sign_in(&mut s, "Anna").unwrap();
    s.load_demo().unwrap();
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let latin1 = b"code,title,cost\nK1,Caf\xe9,100\n";
    let e = s.import_plans_csv_base64(1, &b64(latin1), "latin1.csv").unwrap_err();
    assert_eq!(codes(&e), ["csv.not_text"]);
    let e = s.import_plans_csv_base64(1, "not base64 at all!", "x.csv").unwrap_err();
    assert_eq!(codes(&e), ["csv.not_text"]);
    let before = s.plans(1).unwrap().len();
    let r = s.import_plans_csv_base64(1, &b64("code,title,cost\nK1,Café,100\n".as_bytes()), "ok.csv").unwrap();
    assert_eq!(r.imported, 1);
    assert_eq!(s.plans(1).unwrap().len(), before + 1);
    assert!(s.plans(1).unwrap().iter().any(|p| p.title == "Café"));
}

#[test]
fn a_reduced_event_in_the_database_is_a_broken_chain() {
    // Only a public bundle may show an event by its hash only; in the
    // database it would skip the hash check of an edited event.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    closed_count(&db);
    force(
        &db,
        "UPDATE audit_log SET action = '~', entity = '', operator = '', after = NULL \
         WHERE seq = (SELECT max(seq) FROM audit_log WHERE action = 'ballot.enter');",
    );
    let b = Session::open(&db).unwrap().audit_verify().unwrap().broken_at.expect("found");
    assert_eq!(b.kind, "hash");
}

#[test]
fn an_event_appended_after_the_close_cannot_vouch_for_an_edited_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    let serials = closed_count(&db);
    // The edit made through Wijkstem's own write path with the triggers out
    // of the way (put back afterwards): the row and a fresh, well-formed
    // event claiming it, appended after the close.
    edit_and_claim(
        &db,
        &format!("UPDATE ballot_entry SET marks = 'MM04' WHERE serial = '{}'", serials[0].0),
        ("ballot_entry", &format!("SELECT id FROM ballot_entry WHERE serial = '{}'", serials[0].0)),
    );
    let b = Session::open(&db).unwrap().audit_verify().unwrap().broken_at.expect("found");
    assert_eq!(b.kind, "record_after_close");
    assert!(b.record.unwrap().contains(&serials[0].display()));
}

#[test]
fn a_trigger_planted_before_counting_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    closed_count(&db);
    tamper(
        &db,
        "CREATE TRIGGER zz AFTER INSERT ON ballot_entry WHEN NEW.marks LIKE '%MM06%' \
         BEGIN UPDATE ballot_entry SET marks = replace(NEW.marks, 'MM06', 'MM08') WHERE id = NEW.id; END;",
    )
    .unwrap();
    let (ok, _, err) = cli(&db, &["audit", "verify"]);
    assert!(!ok && err.contains("trigger zz"), "{err}");
    // Nothing is written to such a database, not even a sign-in; so nothing
    // is exported from it either.
    let mut s = Session::open(&db).unwrap();
    let e = s.authenticate("Anna", common::TEST_PIN).unwrap_err();
    assert_eq!(codes(&e), ["store.schema_changed"]);
    assert!(e.render(Lang::Nl).contains("trigger zz"), "{}", e.render(Lang::Nl));
}

/// The strongest edit short of rewriting the chain: `sql` run with every
/// trigger out of the way (put back after), then a fresh, well-formed event
/// appended through Wijkstem's own write path that claims the row `claim`
/// (table, SQL giving its rowid) as it now is. (Wijkstem's write path itself
/// refuses to run while the triggers are out: the schema is checked first.)
fn edit_and_claim(db: &Path, sql: &str, claim: (&str, &str)) {
    let rowid: i64 = without_triggers(db, |c| {
        c.execute_batch(sql).unwrap();
        c.query_row(claim.1, [], |r| r.get(0)).unwrap()
    });
    let mut store = wijkstem::storage::store::Store::open(db).unwrap();
    store
        .write("Anna", |w| -> Result<(), wijkstem::storage::store::StoreError> {
            w.tx.execute("INSERT INTO temp.seal_pending (tbl, row) VALUES (?1, ?2)", rusqlite::params![claim.0, rowid])
                .unwrap();
            w.record(wijkstem::roster::RosterEvent::OperatorSignOut { name: "Anna" })
        })
        .unwrap();
}

#[test]
fn a_closed_count_keeps_the_records_it_closed_with() {
    for (what, sql, claim) in [
        (
            "moved to another selection",
            "UPDATE ballot_entry SET selection_id = 2 WHERE id = 1",
            ("ballot_entry", "SELECT 1"),
        ),
        ("deleted", "DELETE FROM ballot_entry WHERE id = 1", ("ballot_entry", "SELECT 1")),
        (
            "added",
            "INSERT INTO ballot_box (selection_id, name, location, expected) VALUES (1, 'Extra', 'x', 0)",
            ("ballot_box", "SELECT max(id) FROM ballot_box"),
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("w.sqlite");
        closed_count(&db);
        edit_and_claim(&db, sql, claim);
        let b = Session::open(&db).unwrap().audit_verify().unwrap().broken_at.expect(what);
        assert_eq!(b.kind, "record_after_close", "{what}");
    }
}

#[test]
fn a_trigger_under_an_sqlite_like_name_is_found_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    closed_count(&db);
    tamper(&db, "CREATE TRIGGER sqlitex_swap BEFORE INSERT ON plan BEGIN SELECT 1; END;").unwrap();
    let b = Session::open(&db).unwrap().audit_verify().unwrap().broken_at.expect("found");
    assert_eq!((b.kind.as_str(), b.record.as_deref()), ("schema", Some("trigger sqlitex_swap")));
}

/// An open paper count of the demo's Muide selection in a file (single
/// entry), four of its six printed ballots entered: the session, the
/// printed serials and their QR texts.
fn open_count(db: &Path) -> (Session, Vec<Serial>, Vec<String>) {
    let mut s = Session::open(db).unwrap();
    common::sign_in(&mut s, "Anna").unwrap();
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
    let (serials, _) = s.print_ballots(1, 6, 1, Lang::Nl).unwrap();
    let hash: String = s.store().conn().query_row("SELECT style_hash FROM ballot LIMIT 1", [], |r| r.get(0)).unwrap();
    let scans: Vec<String> = serials.iter().map(|x| qr_payload(1, x, &hash)).collect();
    for (i, m) in ["MM01,MM03", "MM02", "MM01,MM02", "MM05"].iter().enumerate() {
        s.enter_ballot(1, None, &scans[i], &parse_marks(m).unwrap(), None).unwrap();
    }
    (s, serials, scans)
}

#[test]
fn a_row_deleted_outside_is_not_hidden_by_the_next_row_taking_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    let (mut s, _, scans) = open_count(&db);
    // The newest entry deleted with the triggers out of the way: the next
    // entry would get its rowid, and its claim would replace the old one.
    without_triggers(&db, |c| {
        c.execute_batch("DELETE FROM ballot_entry WHERE id = (SELECT max(id) FROM ballot_entry)").unwrap()
    });
    let e = s.enter_ballot(1, None, &scans[4], &parse_marks("MM05,MM08").unwrap(), None).unwrap_err();
    assert_eq!(codes(&e), ["store.changed_outside"]);
    // Nothing was written; verify still names the missing record.
    assert_eq!(s.audit_verify().unwrap().broken_at.expect("found").kind, "record_missing");
}

#[test]
fn nothing_is_written_while_a_trigger_is_planted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    let (mut s, _, scans) = open_count(&db);
    // A trigger that rewrites marks as the app saves them (to be taken out
    // again before anyone checks): the app refuses to write at all.
    let guard: String = s
        .store()
        .conn()
        .query_row("SELECT sql FROM sqlite_master WHERE name = 'ballot_entry_update'", [], |r| r.get(0))
        .unwrap();
    tamper(
        &db,
        "DROP TRIGGER ballot_entry_update; CREATE TRIGGER zz AFTER INSERT ON ballot_entry \
         BEGIN UPDATE ballot_entry SET marks = '{\"marks\":[[\"MM09\",1]]}' WHERE id = NEW.id; END;",
    )
    .unwrap();
    let e = s.enter_ballot(1, None, &scans[4], &parse_marks("MM01").unwrap(), None).unwrap_err();
    assert_eq!(codes(&e), ["store.schema_changed"]);
    tamper(&db, &format!("DROP TRIGGER zz; {guard};")).unwrap();
    let entries: i64 = s.store().conn().query_row("SELECT count(*) FROM ballot_entry", [], |r| r.get(0)).unwrap();
    assert_eq!(entries, 4);
    // Once the schema is what it should be, work goes on.
    s.enter_ballot(1, None, &scans[4], &parse_marks("MM01").unwrap(), None).unwrap();
    assert!(s.audit_verify().unwrap().broken_at.is_none());
}
