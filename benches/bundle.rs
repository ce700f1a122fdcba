//! Result bundle targets (issue #5): export and verify of a selection with
//! 100,000 counted ballots, each under 2 s. Prints a table. The ballots are
//! written straight into the database (with their audit events) to set the
//! scene quickly; export and verify run the real code paths.
//!
//! Run: `cargo bench --bench bundle`.
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rusqlite::params;
use wijkstem::i18n::Lang;
use wijkstem::output::signing::Signer;
use wijkstem::paper::ballot::{BallotStyle, EntryRules, Serial};
use wijkstem::paper::PaperSettings;
use wijkstem::session::Session;
use wijkstem::storage::store::StoreError;

fn main() {
    let n: u32 = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-bundle");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut s = Session::open(&dir.join("bench.sqlite")).unwrap();
    s.set_up_roster("Bench", "2580").unwrap();
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
    let codes: Vec<String> = s.plans(1).unwrap().into_iter().map(|p| p.code).collect();
    let t = Instant::now();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut store = wijkstem::storage::store::Store::open(&dir.join("bench.sqlite")).unwrap();
    store
        .write("Bench", |c| {
            let mut entered = Vec::with_capacity(n as usize);
            {
            let mut ins_b = c.tx.prepare("INSERT INTO ballot (selection_id, serial, style_hash, batch) VALUES (1, ?1, 'BENCH000', 1)").map_err(|e| c.err(e))?;
            let mut ins_e = c
                .tx
                .prepare("INSERT INTO ballot_entry (selection_id, serial, entry_no, operator, at, marks, verdict, findings, doubtful) VALUES (1, ?1, 1, 'Bench', '2026-11-22T20:00:00Z', ?2, 'valid', '[]', NULL)")
                .map_err(|e| c.err(e))?;
            for i in 0..n {
                let serial = Serial::from_random(i * 7 + 13).0;
                let k = rng.random_range(1..=3usize);
                let mut picked: Vec<(String, u32)> = Vec::new();
                while picked.len() < k {
                    let code = codes[rng.random_range(0..codes.len())].clone();
                    if !picked.iter().any(|(c, _)| *c == code) {
                        picked.push((code, 1));
                    }
                }
                let marks = wijkstem::paper::canonical_marks(&wijkstem::paper::ballot::Marks { marks: picked });
                ins_b.execute(params![serial]).map_err(|e| c.err(e))?;
                ins_e.execute(params![serial, marks]).map_err(|e| c.err(e))?;
                entered.push(serial);
            }
            }
            for serial in entered {
                c.record(wijkstem::paper::PaperEvent::BallotEnter {
                    selection: 1,
                    serial: &serial,
                    entry_no: 1,
                    verdict: "valid",
                    doubtful: false,
                    double_entry: None,
                    box_id: None,
                })?;
            }
            c.tx.execute("UPDATE selection SET status = 'closed' WHERE id = 1", []).map_err(|e| c.err(e))?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    eprintln!("set-up: {n} ballots in {:.1} s", t.elapsed().as_secs_f64());

    let signer = Signer::load_or_create(&dir.join("key"), None).unwrap();
    let mut export = Vec::new();
    let mut verify = Vec::new();
    let mut check = Vec::new();
    let mut size = 0;
    for _ in 0..3 {
        // The check every export runs first: schema, chain, every record.
        let t = Instant::now();
        let c = wijkstem::storage::store::verify(s.store().conn()).unwrap();
        check.push(t.elapsed().as_secs_f64());
        assert!(c.broken_at.is_none(), "{:?}", c.broken_at);
        let t = Instant::now();
        let zip = wijkstem::output::bundle::export::export_bundle(
            s.store().db(),
            1,
            &signer,
            s.store().clock().stamp(),
            Lang::Nl,
        )
        .unwrap();
        export.push(t.elapsed().as_secs_f64());
        size = zip.len();
        let t = Instant::now();
        let r = wijkstem::output::bundle::verify(&zip, Some(&signer.pk));
        verify.push(t.elapsed().as_secs_f64());
        assert!(r.ok(), "{:?}", r.problems);
    }
    let med = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    println!("| measure ({n} ballots, {} audit events) | wijkstem (median of 3) | target |", n + 40);
    println!("|---|---:|---|");
    println!("| export signed bundle ({:.1} MB) | {:.2} s | < 2 s |", size as f64 / 1e6, med(&mut export));
    println!("| of which: check of schema, chain and every record | {:.2} s | |", med(&mut check));
    println!("| verify bundle (signature, hashes, audit chain, recount, report) | {:.2} s | < 2 s |", med(&mut verify));
}
