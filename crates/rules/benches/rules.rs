//! Rules engine against the peer: for every real election and every rule in
//! tests/data/pabulib/expected.json, our time beside pabutools' time
//! (measured by the data set's authors on a machine of our kind, parsing
//! excluded, identical ballots merged, as here). Prints a table.
//!
//! Run: `cargo bench -p wijkstem-rules --bench rules` (add `-- FILTER` to run some files).
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

use std::time::Instant;

use wijkstem_rules::pabulib;
use wijkstem_rules::{self as rules, Rule, TieBreak};

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pabulib");
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let expected: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).expect("expected.json")).unwrap();
    println!("| file | voters | rule | parse s | wijkstem s | MES runs | pabutools s | speed-up | same set |");
    println!("|---|---:|---|---:|---:|---:|---:|---:|:---:|");
    let mut current: Option<(String, pabulib::PbFile, f64)> = None;
    let (mut worst, mut worst_name) = (0.0f64, String::new());
    for c in &expected {
        let file = c["file"].as_str().unwrap();
        if filter.as_deref().is_some_and(|f| !file.contains(f)) {
            continue;
        }
        if current.as_ref().map(|x| x.0.as_str()) != Some(file) {
            let t = Instant::now();
            let f =
                pabulib::read(std::io::BufReader::new(std::fs::File::open(dir.join(file)).unwrap()), false).unwrap();
            current = Some((file.to_string(), f, t.elapsed().as_secs_f64()));
        }
        let (_, pb, parse) = current.as_ref().unwrap();
        let e = pb.election();
        let name = c["rule"].as_str().unwrap();
        let rule = Rule::parse(name).unwrap();
        // Median of a few runs; at least one, more for the fast ones.
        let mut times = Vec::new();
        let mut selected = Vec::new();
        let mut runs = String::from("-");
        let start = Instant::now();
        while times.len() < 3 || (start.elapsed().as_secs_f64() < 0.3 && times.len() < 50) {
            let t = Instant::now();
            let out = rules::run(&e, &rule, &TieBreak::Lexicographic);
            times.push(t.elapsed().as_secs_f64());
            selected = out.ids(&e).into_iter().map(String::from).collect::<Vec<_>>();
            runs = add1_runs(&out);
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let ours = times[times.len() / 2];
        let peer = c["seconds"].as_f64().unwrap();
        let mut want: Vec<String> =
            c["selected"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        want.sort();
        selected.sort();
        if ours > worst {
            worst = ours;
            worst_name = format!("{file} {name}");
        }
        println!(
            "| {} | {} | {} | {:.3} | {:.4} | {} | {:.4} | {:.0}x | {} |",
            file.trim_end_matches(".pb"),
            e.num_voters(),
            name,
            parse,
            ours,
            runs,
            peer,
            peer / ours.max(1e-6),
            if selected == want { "yes" } else { "NO" }
        );
    }
    println!("\nslowest: {worst:.3} s ({worst_name}); target: every file and rule under 1 s");
    forint(&dir, filter.as_deref());
}

fn add1_runs(out: &rules::Outcome) -> String {
    out.steps
        .iter()
        .find_map(|s| if let rules::Step::Add1 { runs, .. } = s { Some(runs.to_string()) } else { None })
        .unwrap_or_else(|| "-".into())
}

/// The add1 completion with a budget of 1,000,000,000 units raised one unit
/// at a time (a city budgeting in forint): the largest real elections with
/// every amount scaled up so that the budget is 10^9, against the literal
/// procedure's number of MES runs (one per unit of per-voter increase).
fn forint(dir: &std::path::Path, filter: Option<&str>) {
    println!("\n| file (budget scaled to 1,000,000,000 units) | voters | rule | wijkstem s | MES runs | literal procedure: MES runs | peak memory MB |");
    println!("|---|---:|---|---:|---:|---:|---:|");
    for file in
        ["Poland_Lodz_2024.pb", "Poland_Katowice_2023.pb", "Poland_Wroclaw_2017.pb", "Poland_Warszawa_2018_rejon_6.pb"]
    {
        if filter.is_some_and(|f| !file.contains(f)) {
            continue;
        }
        let pb = pabulib::read(std::io::BufReader::new(std::fs::File::open(dir.join(file)).unwrap()), false).unwrap();
        let mut e = pb.election();
        let factor = (1_000_000_000 / e.budget.max(1)).max(1);
        e.budget *= factor;
        for p in &mut e.projects {
            p.cost *= factor;
        }
        e.unit_scale = 1;
        for name in ["mes_cost_add1", "mes_cost_add1_greedy"] {
            let rule = Rule::parse(name).unwrap();
            let t = Instant::now();
            // Some cases take minutes: give each one at most a minute.
            let (tx, rx) = std::sync::mpsc::channel();
            let job = e.clone();
            std::thread::spawn(move || {
                let _ = tx.send(rules::run(&job, &rule, &TieBreak::Lexicographic));
            });
            let Ok(out) = rx.recv_timeout(std::time::Duration::from_secs(60)) else {
                println!(
                    "| {} | {} | {} | > 60 (stopped) | - | - | {:.0} |",
                    file.trim_end_matches(".pb"),
                    e.num_voters(),
                    name,
                    peak_rss_mb()
                );
                break;
            };
            let secs = t.elapsed().as_secs_f64();
            let per_voter = out
                .steps
                .iter()
                .find_map(|s| {
                    if let rules::Step::Add1 { per_voter_budget, .. } = s {
                        Some(per_voter_budget.clone())
                    } else {
                        None
                    }
                })
                .unwrap_or_default();
            let start = e.budget as f64 / e.num_voters() as f64;
            let literal =
                per_voter.parse::<f64>().map(|b| format!("{:.0}", (b - start).max(0.0) + 1.0)).unwrap_or_default();
            println!(
                "| {} | {} | {} | {:.3} | {} | {} | {:.0} |",
                file.trim_end_matches(".pb"),
                e.num_voters(),
                name,
                secs,
                add1_runs(&out),
                literal,
                peak_rss_mb()
            );
        }
    }
    println!("target: under 2 s and 200 MB each");
    // A stopped case may still be running in its thread.
    std::process::exit(0);
}

/// The process's peak resident memory so far (VmHWM), in MB.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.to_string()))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}
