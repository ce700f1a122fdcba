//! The draw's speed beside the peer, in one run: our leximin (and the
//! rounding to a 1,000-panel lottery) against the Sortition Foundation's
//! `sortition-algorithms` maximin on the same pools, with the two smallest
//! probabilities of each side by side. Targets (issue #18): 20 of 150 with
//! three features under 1 s; 40 of 1,000 with five features under 10 s.
//!
//! The peer runs when `WIJKSTEM_PEER_PYTHON` names a Python that has
//! `sortition-algorithms` (scripts/bench.sh makes such a venv in target/).
#![allow(clippy::unwrap_used)] // benchmarks may panic on what they did not expect

use std::path::Path;
use std::time::Instant;

use wijkstem_draw::{leximin, round_to_lottery, Instance, Pool, Quotas};

struct Lcg(u64);
impl Lcg {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick(&mut self, shares: &[f64]) -> usize {
        let x = self.unit() * shares.iter().sum::<f64>();
        let mut s = 0.0;
        for (i, w) in shares.iter().enumerate() {
            s += w;
            if x < s {
                return i;
            }
        }
        shares.len() - 1
    }
}

/// A feature: its name and, per value, (name, share in the pool, share in the population).
type FeatureSpec<'a> = (&'a str, &'a [(&'a str, f64, f64)]);

/// A pool skewed against the population (fewer young people, fewer tenants,
/// …) and quotas from the population's shares with a seat of slack.
fn generated(n: usize, k: u32, features: &[FeatureSpec<'_>], seed: u64) -> (String, String) {
    let mut rng = Lcg(seed);
    let mut quotas = String::from("feature,value,min,max\n");
    for (f, values) in features {
        for (v, _, population) in values.iter() {
            let share = population * f64::from(k);
            let min = (share.floor() as u32).saturating_sub(1);
            let max = share.ceil() as u32 + 1;
            quotas.push_str(&format!("{f},{v},{min},{max}\n"));
        }
    }
    let mut pool = String::from("code");
    for (f, _) in features {
        pool.push_str(&format!(",{f}"));
    }
    pool.push('\n');
    for i in 0..n {
        pool.push_str(&format!("R{:04}", i + 1));
        for (_, values) in features {
            let shares: Vec<f64> = values.iter().map(|v| v.1).collect();
            pool.push_str(&format!(",{}", values[rng.pick(&shares)].0));
        }
        pool.push('\n');
    }
    (quotas, pool)
}

fn two_smallest(p: &[f64]) -> String {
    let mut s = p.to_vec();
    s.sort_by(f64::total_cmp);
    format!("{:.6} {:.6}", s[0], s[1])
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let fixture = |name: &str| std::fs::read_to_string(root.join("tests/fixtures/draw").join(name)).unwrap();
    let five: &[FeatureSpec<'_>] = &[
        ("geslacht", &[("vrouw", 0.56, 0.50), ("man", 0.42, 0.48), ("x", 0.02, 0.02)]),
        ("leeftijd", &[("16-29", 0.09, 0.22), ("30-49", 0.31, 0.33), ("50-64", 0.30, 0.24), ("65+", 0.30, 0.21)]),
        ("wijkdeel", &[("noord", 0.40, 0.34), ("midden", 0.35, 0.33), ("zuid", 0.25, 0.33)]),
        ("woning", &[("eigenaar", 0.62, 0.45), ("huurder", 0.33, 0.45), ("sociaal", 0.05, 0.10)]),
        ("opleiding", &[("laag", 0.15, 0.30), ("midden", 0.35, 0.37), ("hoog", 0.50, 0.33)]),
    ];
    let only = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let mut cases: Vec<(&str, String, String, u32)> =
        vec![("20 of 150, 3 features", fixture("quotas.csv"), fixture("respondents.csv"), 20), {
            let (q, p) = generated(1000, 40, five, 1000);
            ("40 of 1,000, 5 features", q, p, 40)
        }];
    if let Some(only) = &only {
        cases.retain(|c| c.0.contains(only.as_str()));
    }
    let peer = std::env::var("WIJKSTEM_PEER_PYTHON").ok().filter(|p| Path::new(p).exists());
    let dir = std::env::temp_dir().join(format!("wijkstem-draw-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    println!(
        "| pool | types | ours: leximin | ours: lottery of 1,000 | panels | ours: two smallest | peer: maximin | peer: two smallest |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (name, q, p, k) in &cases {
        let inst =
            Instance::new(Quotas::parse(q).unwrap(), Pool::parse(p, &Quotas::parse(q).unwrap()).unwrap(), *k).unwrap();
        let t = Instant::now();
        let d = leximin(&inst).unwrap();
        let lex_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let l = round_to_lottery(&inst, &d, 1000);
        let lot_s = t.elapsed().as_secs_f64();
        l.check(&inst).unwrap();
        let (peer_s, peer_min) = match &peer {
            None => ("not installed".to_string(), "–".to_string()),
            Some(py) => {
                let (qp, pp) = (dir.join("q.csv"), dir.join("p.csv"));
                std::fs::write(&qp, q).unwrap();
                std::fs::write(&pp, p).unwrap();
                let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peer.py");
                let out = std::process::Command::new(py)
                    .arg(&script)
                    .arg(&qp)
                    .arg(&pp)
                    .arg(k.to_string())
                    .stderr(std::process::Stdio::null())
                    .output()
                    .unwrap();
                let text = String::from_utf8_lossy(&out.stdout);
                match text.lines().last().and_then(|l| serde_json::from_str::<serde_json::Value>(l).ok()) {
                    Some(v) => (
                        format!("{:.2} s", v["maximin"]["seconds"].as_f64().unwrap()),
                        format!(
                            "{:.6} {:.6}",
                            v["maximin"]["smallest"][0].as_f64().unwrap(),
                            v["maximin"]["smallest"][1].as_f64().unwrap()
                        ),
                    ),
                    None => ("failed".to_string(), "–".to_string()),
                }
            }
        };
        eprintln!("{name}: {} integer programs, {} LPs", d.ip_solves, d.lp_solves);
        println!(
            "| {name} | {} | {lex_s:.2} s | {lot_s:.2} s (max. deviation {:.4}) | {} | {} | {peer_s} | {peer_min} |",
            inst.type_count(),
            l.max_deviation,
            d.panels.len(),
            two_smallest(&d.probabilities),
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
