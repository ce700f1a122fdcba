//! The project stands alone: no test, benchmark, script or fuzz target reads
//! a path outside the repository (a fresh clone has nothing beside it).
#![allow(clippy::unwrap_used)] // tests and benchmarks may panic on what they did not expect

fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if p.is_dir() {
            if !["target", "node_modules", "data", "corpus", "golden", "fixtures", "artifacts"].contains(&name.as_str())
            {
                files(&p, out);
            }
        } else if ["rs", "sh", "py", "ts", "toml", "json"].iter().any(|e| name.ends_with(&format!(".{e}"))) {
            out.push(p);
        }
    }
}

#[test]
fn nothing_reads_outside_the_repository() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    for d in ["tests", "benches", "scripts", "src", "crates", "fuzz", "src-tauri/src", "ui/src", ".ci"] {
        if root.join(d).exists() {
            files(&root.join(d), &mut all);
        }
    }
    assert!(all.len() > 20, "only {} files found", all.len());
    let this = std::path::Path::new(file!()).file_name().unwrap().to_owned();
    let mut bad = Vec::new();
    for f in all {
        if f.file_name() == Some(this.as_os_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            if line.contains("shared/data") || line.contains("../shared") || line.contains("/work/") {
                bad.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(bad.is_empty(), "paths outside the repository:\n{}", bad.join("\n"));
}
