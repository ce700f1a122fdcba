//! Offline stemmen end to end through the CLI: print ballots, check the PDF
//! with independent tools (pdftotext, pdftoppm + zbarimg), enter ballots
//! with every kind of problem, double entry with a planted difference, and
//! the tally.
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

use std::path::Path;
use std::process::Command;

use wijkstem::paper::ballot::{self, parse_scan, qr_payload, BallotError, Serial};

mod common;
use common::have;

fn cli(db: &Path, who: &str, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    common::run_cli(Some(db), Some(who), "nl", args, stdin, &[])
}

#[test]
fn golden_qr_payloads_are_byte_exact() {
    let golden: Vec<serde_json::Value> = serde_json::from_str(include_str!("golden/qr_v1.json")).unwrap();
    assert!(golden.len() >= 3);
    for g in golden {
        let serial = Serial::from_random(g["serial_random"].as_u64().unwrap() as u32);
        assert_eq!(serial.0, g["serial"].as_str().unwrap());
        let payload = qr_payload(g["selection_id"].as_i64().unwrap(), &serial, g["style_hash"].as_str().unwrap());
        assert_eq!(payload, g["payload"].as_str().unwrap());
        let back = parse_scan(&payload.to_lowercase(), 0).unwrap();
        assert_eq!(
            (back.selection_id, back.serial, back.style_hash.unwrap()),
            (g["selection_id"].as_i64().unwrap(), serial, g["style_hash"].as_str().unwrap().to_string())
        );
    }
}

#[test]
fn damaged_scans_are_refused_not_misread() {
    let p = qr_payload(3, &Serial::from_random(12345678), "0A1B2C3D");
    // Any single changed character breaks the check value.
    for i in 0..p.len() {
        let mut b = p.clone().into_bytes();
        if b[i] == b':' {
            continue;
        }
        b[i] = if b[i] == b'7' { b'8' } else { b'7' };
        let t = String::from_utf8(b).unwrap();
        if t == p {
            continue;
        }
        assert!(parse_scan(&t, 3).is_err(), "{t}");
    }
    assert_eq!(parse_scan("WS2:3:123456789:0A1B2C3D:FFFF", 3), Err(BallotError::UnknownVersion(2)));
    assert_eq!(parse_scan("&é\"'(§è!ç", 3), Err(BallotError::KeyboardLayout));
    assert_eq!(parse_scan("   ", 3), Err(BallotError::Empty));
    assert!(matches!(parse_scan("1234-5678-0", 3), Err(BallotError::SerialCheck(_))));
    let s = Serial::from_random(555);
    assert_eq!(parse_scan(&s.display(), 3).unwrap().serial, s);
    let _ = ballot::style_hash;
}

#[test]
fn print_enter_double_check_and_tally() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite");
    assert!(cli(&db, "Anna", &["demo"], None).0);
    // Selection 1 (Muide) uses paper ballots; selection 2 does not.
    let (ok, _, err) = cli(&db, "Anna", &["ballots", "style", "2", "--approval", "1", "3"], None);
    assert!(!ok && err.contains("geen papieren stembiljetten"), "{err}");
    let (ok, out, err) = cli(&db, "Anna", &["ballots", "style", "1", "--approval", "1", "3", "--double-entry"], None);
    assert!(ok, "{err}");
    assert!(out.contains("minstens 1 en hoogstens 3"));

    let pdf = dir.path().join("ballots.pdf");
    let (ok, _, err) = cli(
        &db,
        "Anna",
        &["ballots", "print", "1", "--count", "8", "--out", pdf.to_str().unwrap(), "--per-page", "2"],
        None,
    );
    assert!(ok, "{err}");

    // The serials the database holds are exactly the ones printed.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut stmt = conn.prepare("SELECT serial, style_hash FROM ballot WHERE selection_id = 1").unwrap();
    let stored: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(|r| r.unwrap()).collect();
    assert_eq!(stored.len(), 8);

    let mut payloads: Vec<String> = stored.iter().map(|(s, h)| qr_payload(1, &Serial(s.clone()), h)).collect();
    if let Some(mut decoded) = common::pdf_qr_codes(&pdf, dir.path()) {
        decoded.sort();
        payloads.sort();
        assert_eq!(decoded, payloads, "every QR code decodes to its stored payload");
    }
    if have("pdftotext") {
        let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
        // Titles wrap over lines: compare with the words joined by single spaces.
        let text = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("Repair Café met gereedschap"), "diacritics survive");
        assert!(text.contains("€ 28.500"));
        assert!(text.contains("Stembiljet Wijkbudget 2026 (demo)"));
        for (s, _) in &stored {
            assert!(text.contains(&Serial(s.clone()).display()), "serial {s} printed");
        }
    }

    payloads.sort();
    let (p0, p1, p2, p3) = (&payloads[0], &payloads[1], &payloads[2], &payloads[3]);
    let typed =
        Serial(stored.iter().find(|(s, h)| &qr_payload(1, &Serial(s.clone()), h) == p3).unwrap().0.clone()).display();
    let foreign = qr_payload(2, &Serial::from_random(1), "00000000");
    let input = format!(
        "{p0} MM01,MM03\n{p1} MM01,MM02,MM03,MM04\n{p2} -\n{typed} MM05 ! vlek op het biljet\n{p0} MM02\n{foreign} MM01\n0000-0000-1 MM01\n{p1} MM99\n"
    );
    let (ok, out, _) = cli(&db, "Bram", &["ballots", "enter", "1"], Some(&input));
    assert!(!ok, "some lines are refused");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("OK") && lines[0].contains("Valid") && lines[0].ends_with("waiting"), "{}", lines[0]);
    assert!(lines[1].contains("Invalid") && lines[1].contains("E_OVERVOTE"), "{}", lines[1]);
    assert!(lines[2].contains("Blank"), "{}", lines[2]);
    assert!(lines[3].starts_with("OK"), "{}", lines[3]);
    assert!(lines[4].starts_with("REFUSED") && lines[4].contains("paper.same_operator"), "{}", lines[4]);
    assert!(lines[5].contains("paper.other_selection") && lines[5].contains("Sluizeken"), "{}", lines[5]);
    assert!(lines[6].contains("ballot.serial_check") || lines[6].contains("paper.unknown_serial"), "{}", lines[6]);
    assert!(lines[7].contains("ballot.unknown_plan"), "{}", lines[7]);

    // The second operator enters the same ballots blind; one planted difference.
    let input2 = format!("{p0} MM01,MM03\n{p1} MM01,MM02,MM03,MM04\n{p2} -\n{typed} MM06 ! vlek\n");
    let (ok, out, _) = cli(&db, "Chris", &["ballots", "enter", "1"], Some(&input2));
    assert!(ok, "{out}");
    assert_eq!(out.matches("agreed").count(), 3, "{out}");
    assert_eq!(out.matches("differs").count(), 1, "{out}");
    // A third entry of an agreed ballot is a duplicate, naming who and when.
    let (_, out, _) = cli(&db, "Dirk", &["ballots", "enter", "1"], Some(&format!("{p0} MM01,MM03\n")));
    assert!(out.contains("paper.already_entered") && out.contains("Chris"), "{out}");

    let (_, queue, _) = cli(&db, "Anna", &["ballots", "reconcile", "1"], None);
    let serial_diff = Serial::parse(&typed).unwrap().0;
    // The difference with both entries beside it: who typed what, and where they differ.
    let fields: Vec<&str> = queue.trim().split('\t').collect();
    assert_eq!(fields[0], serial_diff, "{queue}");
    assert_eq!(fields.len(), 4, "{queue}");
    assert!(fields[1].starts_with("1 ") && fields[2].starts_with("2 "), "{queue}");
    assert!(!fields[3].is_empty(), "the differing plans: {queue}");
    let (_, tally, _) = cli(&db, "Anna", &["ballots", "tally", "1", "--json"], None);
    let t: serde_json::Value = serde_json::from_str(&tally).unwrap();
    assert_eq!(
        (t["valid"].as_u64(), t["invalid"].as_u64(), t["blank"].as_u64(), t["reconciliation_queue"].as_u64()),
        (Some(1), Some(1), Some(1), Some(1))
    );
    let (ok, _, err) = cli(&db, "Anna", &["ballots", "reconcile", "1", "--serial", &serial_diff, "--keep", "2"], None);
    assert!(ok, "{err}");
    let (_, tally, _) = cli(&db, "Anna", &["ballots", "tally", "1", "--json"], None);
    let t: serde_json::Value = serde_json::from_str(&tally).unwrap();
    assert_eq!(t["reconciliation_queue"].as_u64(), Some(0));
    assert_eq!(t["doubtful"].as_u64(), Some(1), "the kept entry was flagged doubtful");
    let votes: Vec<(String, u64)> = t["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["code"].as_str().unwrap().to_string(), p["votes"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        votes.iter().filter(|(_, v)| *v > 0).cloned().collect::<Vec<_>>(),
        [("MM01".to_string(), 1), ("MM03".to_string(), 1)]
    );
    let mut funded: Vec<String> =
        t["funded"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
    funded.sort();
    assert!(funded.contains(&"MM01".to_string()) && funded.contains(&"MM03".to_string()), "{funded:?}");
    assert!(t["total_cost_cents"].as_i64().unwrap() <= 12_000_000);

    // Changing the plan list makes the printed ballots outdated.
    let (ok, _, _) = cli(&db, "Anna", &["audit", "verify"], None);
    assert!(ok);
    conn.execute("UPDATE plan SET cost_cents = cost_cents + 100 WHERE code = 'MM01'", []).unwrap();
    let (_, out, _) = cli(&db, "Dirk", &["ballots", "enter", "1"], Some(&format!("{} MM01\n", payloads[5])));
    assert!(out.contains("paper.outdated_style"), "{out}");
}
