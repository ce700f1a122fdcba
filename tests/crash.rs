//! Crash harness: the CLI enters ballots in a stream and is killed with
//! SIGKILL at random moments, again and again. After every kill: every
//! entry acknowledged before the kill is present exactly once, the database
//! passes `PRAGMA integrity_check`, every entry has its audit event and the
//! audit chain verifies. The seed is printed so a failure can be replayed
//! (`WIJKSTEM_CRASH_SEED`); `WIJKSTEM_CRASH_KILLS` sets the number of kills.
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

mod common;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use wijkstem::paper::ballot::{qr_payload, style_hash, BallotStyle, EntryRules, PrintedPlan, Serial};
use wijkstem::paper::PaperSettings;
use wijkstem::session::Session;

#[test]
fn sigkill_at_random_moments_loses_no_acknowledged_entry() {
    let kills: usize = std::env::var("WIJKSTEM_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(60);
    let seed: u64 = std::env::var("WIJKSTEM_CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(rand::random);
    eprintln!("crash harness: {kills} kills, seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.sqlite");
    let style = BallotStyle::Approval { min: 1, max: 3 };
    let serials: Vec<Serial> = {
        let mut s = Session::open(&db).unwrap();
        common::sign_in(&mut s, "Opzet").unwrap();
        s.load_demo().unwrap();
        s.set_paper_settings(
            1,
            &PaperSettings { style: style.clone(), double_entry: false, rules: EntryRules::default() },
        )
        .unwrap();
        let plans: Vec<PrintedPlan> = s
            .plans(1)
            .unwrap()
            .into_iter()
            .map(|p| PrintedPlan { code: p.code, title: p.title, cost_cents: p.cost_cents })
            .collect();
        let hash = style_hash(&style, &plans);
        // Serials straight into the table through the store's write path
        // (claimed in the audit chain): printing 12,000 PDF ballots is not
        // what is tested here.
        let mut store = wijkstem::storage::store::Store::open(&db).unwrap();
        let serials: Vec<Serial> = (0..12_000u32).map(|i| Serial::from_random(i * 8_111 + 7)).collect();
        store
            .write("Opzet", |c| -> Result<(), wijkstem::storage::store::StoreError> {
                for s in &serials {
                    c.tx.execute(
                        "INSERT INTO ballot (selection_id, serial, style_hash, batch) VALUES (1, ?1, ?2, 1)",
                        [&s.0, &hash],
                    )
                    .unwrap();
                }
                c.record(wijkstem::paper::PaperEvent::BallotsPrint {
                    selection: 1,
                    batch: 1,
                    count: serials.len() as u32,
                    style_hash: &hash,
                })
            })
            .unwrap();
        serials.into_iter().map(|s| Serial(qr_payload(1, &s, &hash))).collect()
    };
    for n in 0..3 {
        common::on_roster(&db, &format!("Vrijwilliger {n}"));
    }
    let marks = ["MM01", "MM02,MM03", "MM04,MM05,MM06", "-", "MM01,MM02,MM03,MM04"];

    let mut acked: Vec<String> = Vec::new();
    let (mut killed_mid_stream, mut next) = (0, 0usize);
    for round in 0..kills {
        // Feed the ballots not yet in the database.
        let entered = entered_serials(&db);
        while next < serials.len() && entered.contains(&display(&serials[next].0)) {
            next += 1;
        }
        assert!(next < serials.len(), "ran out of ballots; raise the count ({} entered)", entered.len());
        let mut child = Command::new(env!("CARGO_BIN_EXE_wijkstem"))
            .args(["--db", db.to_str().unwrap(), "ballots", "enter", "1"])
            .env("WIJKSTEM_OPERATOR", format!("Vrijwilliger {}", round % 3))
            .env("WIJKSTEM_PIN", common::TEST_PIN)
            .env("WIJKSTEM_LANG", "nl")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let lines: Vec<String> = serials[next..(next + 400).min(serials.len())]
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{} {}\n", s.0, marks[i % marks.len()]))
            .collect();
        // Lines arrive at a volunteer's pace (well, a fast one), and the input
        // stays open, so the kill always lands while the CLI is at work.
        let pace: u64 = rng.random();
        let writer = std::thread::spawn(move || {
            let mut rng = rand::rngs::StdRng::seed_from_u64(pace);
            for l in lines {
                if stdin.write_all(l.as_bytes()).and_then(|_| stdin.flush()).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_micros(rng.random_range(0..3000)));
            }
            std::thread::sleep(Duration::from_secs(3));
        });
        let stdout = child.stdout.take().unwrap();
        let (first_ack, acked_once) = std::sync::mpsc::channel::<()>();
        let reader = std::thread::spawn(move || {
            let mut ok = Vec::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // The CLI prints OK only after the entry's transaction committed.
                if let Some(rest) = line.strip_prefix("OK\t") {
                    ok.push(rest.split('\t').next().unwrap().to_string());
                    let _ = first_ack.send(());
                }
            }
            ok
        });
        // Odd rounds kill at a random moment from the start, start-up and
        // sign-in included. Even rounds first wait for one acknowledged entry
        // (a slow machine may need seconds to start a debug build), so the
        // kill lands in the stream of writes however fast the machine is.
        if round % 2 == 0 {
            let _ = acked_once.recv_timeout(Duration::from_secs(30));
        }
        std::thread::sleep(Duration::from_millis(rng.random_range(5..120)));
        if child.try_wait().unwrap().is_none() {
            killed_mid_stream += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let _ = writer.join();
        let ok = reader.join().unwrap();
        acked.extend(ok);
        check(&db, &acked, round, seed);
    }
    eprintln!("{} entries acknowledged over {kills} kills ({killed_mid_stream} while writing)", acked.len());
    assert!(killed_mid_stream >= kills / 2, "most kills must land while the CLI is writing");
    assert!(acked.len() >= kills / 2, "entries were acknowledged between kills");
}

fn display(payload: &str) -> String {
    wijkstem::paper::ballot::parse_scan(payload, 1).unwrap().serial.display()
}

fn entered_serials(db: &std::path::Path) -> HashSet<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT serial FROM ballot_entry WHERE status = 'active'").unwrap();
    let rows: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
    rows.into_iter().map(|s| Serial(s).display()).collect()
}

fn check(db: &std::path::Path, acked: &[String], round: usize, seed: u64) {
    let ctx = format!("after kill {round} (seed {seed})");
    let conn = rusqlite::Connection::open(db).unwrap();
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok", "{ctx}");
    let entered = entered_serials(db);
    for a in acked {
        assert!(entered.contains(a), "{ctx}: acknowledged ballot {a} is missing");
    }
    let dupes: i64 = conn
        .query_row("SELECT count(*) FROM (SELECT serial FROM ballot_entry WHERE status = 'active' GROUP BY serial HAVING count(*) > 1)", [], |r| r.get(0))
        .unwrap();
    assert_eq!(dupes, 0, "{ctx}: a ballot was stored twice");
    let entries: i64 = conn.query_row("SELECT count(*) FROM ballot_entry", [], |r| r.get(0)).unwrap();
    let events: i64 =
        conn.query_row("SELECT count(*) FROM audit_log WHERE action = 'ballot.enter'", [], |r| r.get(0)).unwrap();
    assert_eq!(entries, events, "{ctx}: every entry has exactly its audit event");
    let chain = wijkstem::storage::audit::verify(&conn).unwrap();
    assert!(chain.broken_at.is_none(), "{ctx}: audit chain broken at {:?}", chain.broken_at);
}

#[test]
fn after_a_crash_the_app_says_where_it_was_and_what_is_unfinished() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    let (s, info) = Session::start(&db);
    let mut s = s.unwrap();
    assert!(info.demo_loaded && info.recovered.is_none(), "a first start is not a recovery");
    common::sign_in(&mut s, "Anna").unwrap();
    s.set_paper_settings(
        1,
        &PaperSettings {
            style: BallotStyle::Approval { min: 1, max: 3 },
            double_entry: true,
            rules: EntryRules::default(),
        },
    )
    .unwrap();
    let (serials, _) = s.print_ballots(1, 2, 1, wijkstem::i18n::Lang::Nl).unwrap();
    let hash: String = s.store().conn().query_row("SELECT style_hash FROM ballot LIMIT 1", [], |r| r.get(0)).unwrap();
    s.enter_ballot(1, None, &qr_payload(1, &serials[0], &hash), &wijkstem::paper::parse_marks("MM01").unwrap(), None)
        .unwrap();
    s.set_location(&wijkstem::session::Location { selection_id: Some(1), tab: "entry".into() }).unwrap();
    drop(s); // no end_run: the power went out

    let (s, info) = Session::start(&db);
    let r = info.recovered.expect("the crash is noticed");
    assert_eq!(r.operator.as_deref(), Some("Anna"));
    assert_eq!(r.location, Some(wijkstem::session::Location { selection_id: Some(1), tab: "entry".into() }));
    let lines: Vec<String> = r.unfinished.iter().map(|p| p.render(wijkstem::i18n::Lang::Nl)).collect();
    assert!(lines.iter().any(|l| l.contains("1 stembiljetten wachten nog op hun tweede invoer")), "{lines:?}");
    let mut s = s.unwrap();
    s.end_run().unwrap();
    drop(s);
    let (_, info) = Session::start(&db);
    assert!(info.recovered.is_none(), "a clean exit is not a crash");
}
