//! The rules crate stays pure: it may depend only on number, hashing,
//! serialisation and parsing crates, and its sources touch no files, network,
//! clock, environment, processes or randomness. A new dependency or call of
//! that kind fails here and has to be argued for. (Threads are allowed: the
//! add1 search runs two independent MES runs side by side with
//! `std::thread::scope`, each deterministic, and takes their results in order.)
#![allow(clippy::unwrap_used)] // tests may panic on what they did not expect

use std::path::Path;

const ALLOWED_DEPENDENCIES: &[&str] =
    &["num-bigint", "num-rational", "num-traits", "serde", "sha2", "csv", "thiserror"];

const FORBIDDEN_IN_SOURCES: &[&str] = &[
    "std::fs",
    "std::net",
    "std::env",
    "std::time",
    "std::process",
    "SystemTime",
    "Instant::now",
    "rusqlite",
    "rand::",
    "println!",
    "eprintln!",
    "wijkstem::",
    "i18n",
];

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The names in `[dependencies]` of the crate's Cargo.toml.
fn dependencies() -> Vec<String> {
    let text = std::fs::read_to_string(manifest_dir().join("Cargo.toml")).unwrap();
    let mut in_deps = false;
    let mut names = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps && !line.is_empty() && !line.starts_with('#') {
            names.push(line.split('=').next().unwrap().trim().to_string());
        }
    }
    names
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn depends_only_on_pure_crates() {
    let deps = dependencies();
    assert!(deps.contains(&"num-rational".to_string()), "the manifest was read: {deps:?}");
    let extra: Vec<&String> = deps.iter().filter(|d| !ALLOWED_DEPENDENCIES.contains(&d.as_str())).collect();
    assert!(extra.is_empty(), "dependencies outside the pure set: {extra:?}");
}

#[test]
fn sources_do_no_io_and_read_no_clock() {
    let mut files = Vec::new();
    sources(&manifest_dir().join("src"), &mut files);
    assert!(files.len() >= 5, "the sources were found: {files:?}");
    let mut found = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for bad in FORBIDDEN_IN_SOURCES {
                if code.contains(bad) {
                    found.push(format!("{}:{}: {bad}", f.display(), n + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "impure calls in the rules crate:\n{}", found.join("\n"));
}
