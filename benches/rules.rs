//! Rules engine against the peer: for every real election and every rule in
//! ../shared/data/pabulib/expected.json, our time beside pabutools' time
//! (measured by the data set's authors on a machine of our kind, parsing
//! excluded, identical ballots merged, as here). Prints a table.
//!
//! Run: `cargo bench --bench rules` (add `-- FILTER` to run some files).

use std::time::Instant;

use wijkstem::pabulib;
use wijkstem::rules::{self, Rule, TieBreak};

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/pabulib");
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let expected: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).expect("expected.json")).unwrap();
    println!("| file | voters | rule | parse s | wijkstem s | pabutools s | speed-up | same set |");
    println!("|---|---:|---|---:|---:|---:|---:|:---:|");
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
        let start = Instant::now();
        while times.len() < 3 || (start.elapsed().as_secs_f64() < 0.3 && times.len() < 50) {
            let t = Instant::now();
            let out = rules::run(&e, &rule, &TieBreak::Lexicographic);
            times.push(t.elapsed().as_secs_f64());
            selected = out.ids(&e).into_iter().map(String::from).collect::<Vec<_>>();
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
            "| {} | {} | {} | {:.3} | {:.4} | {:.4} | {:.0}x | {} |",
            file.trim_end_matches(".pb"),
            e.num_voters(),
            name,
            parse,
            ours,
            peer,
            peer / ours.max(1e-6),
            if selected == want { "yes" } else { "NO" }
        );
    }
    println!("\nslowest: {worst:.3} s ({worst_name}); target: every file and rule under 1 s");
}
