//! Every real election in tests/data/pabulib, every rule in its
//! expected.json: our selected set must equal pabutools' exactly. And every
//! file with a `selected` column and a known META rule: our official
//! procedure must reproduce the city's announced set. No per-file cases.
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;
use wijkstem_rules::pabulib;
use wijkstem_rules::{self as rules, Rule, TieBreak};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/pabulib")
}

fn load(file: &str) -> pabulib::PbFile {
    let f = std::fs::File::open(data_dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    pabulib::read(std::io::BufReader::new(f), false).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn expected() -> Vec<Value> {
    let text = std::fs::read_to_string(data_dir().join("expected.json")).expect("tests/data/pabulib/expected.json");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_file_and_rule_matches_pabutools() {
    let cases = expected();
    assert!(cases.len() >= 50, "expected.json should list many cases");
    let only = std::env::var("PB_ONLY").ok();
    let mut files: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for c in &cases {
        files.entry(c["file"].as_str().unwrap().to_string()).or_default().push(c);
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for (file, rules_for_file) in &files {
        if only.as_deref().is_some_and(|o| !file.contains(o)) {
            continue;
        }
        let pb = load(file);
        let e = pb.election();
        for c in rules_for_file {
            let name = c["rule"].as_str().unwrap();
            let rule = Rule::parse(name).unwrap_or_else(|| panic!("unknown rule {name}"));
            let t = std::time::Instant::now();
            let out = rules::run(&e, &rule, &TieBreak::Lexicographic);
            let ours: BTreeSet<String> = out.ids(&e).into_iter().map(String::from).collect();
            let want: BTreeSet<String> =
                c["selected"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
            eprintln!(
                "{file:<60} {name:<22} {:>8.3}s {}",
                t.elapsed().as_secs_f64(),
                if ours == want { "ok" } else { "DIFF" }
            );
            if ours != want {
                failures.push(format!(
                    "{file} {name}: ours-only {:?}, pabutools-only {:?}",
                    ours.difference(&want).collect::<Vec<_>>(),
                    want.difference(&ours).collect::<Vec<_>>()
                ));
            }
            assert!(out.total_cost <= e.budget, "{file} {name}: over budget");
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{} of {checked} differ:\n{}", failures.len(), failures.join("\n"));
    assert!(checked > 0);
}

#[test]
fn official_procedure_reproduces_the_cities_funded_sets() {
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(data_dir())
        .unwrap()
        .map(|d| d.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".pb"))
        .collect();
    names.sort();
    for file in names {
        let pb = load(&file);
        let Some(official) = pb.official_selected() else { continue };
        let rule = pb.meta("rule").unwrap_or("unknown").to_string();
        if !["greedy", "greedy-no-skip", "greedy-threshold", "equalshares/add1", "equalshares/add1-comparison"]
            .contains(&rule.as_str())
        {
            continue;
        }
        let e = pb.election();
        let out = pb.official_outcome().unwrap();
        let ours: BTreeSet<String> = out.ids(&e).into_iter().map(String::from).collect();
        let want: BTreeSet<String> = official.into_iter().collect();
        if ours != want {
            failures.push(format!(
                "{file} ({rule}): ours-only {:?}, city-only {:?}",
                ours.difference(&want).collect::<Vec<_>>(),
                want.difference(&ours).collect::<Vec<_>>()
            ));
        }
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} files with an official outcome");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
