//! The panel's draw by lot in a bundle: its files, and the verifier's check
//! that anyone can repeat with the bundle alone — every numbered panel meets
//! the quotas, each respondent's tickets are within the promised bound of
//! the stated chance, the number drawn gives the panel that was seated, and
//! the table is the one the audit chain recorded before the number.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use wijkstem_draw::{Instance, Lottery, Pool, Quotas};

use crate::panel::draw::LotteryTable;
use crate::panel::lot::DrawRecord;
use crate::problem::Problem;
use crate::storage::audit::AuditEvent;

pub const DRAW: &str = "records/draw/draw.json";
pub const QUOTAS: &str = "records/draw/quotas.csv";
pub const RESPONDENTS: &str = "records/draw/respondents.csv";
pub const TABLE: &str = "records/draw/table.txt";

/// The draw's four files, when the panel was drawn by lot.
pub fn files(d: &DrawRecord, quotas: &str, respondents: &str, table: &LotteryTable) -> BTreeMap<String, Vec<u8>> {
    let mut f = BTreeMap::new();
    f.insert(DRAW.to_string(), serde_json::to_vec_pretty(d).expect("a draw serialises"));
    f.insert(QUOTAS.to_string(), quotas.as_bytes().to_vec());
    f.insert(RESPONDENTS.to_string(), respondents.as_bytes().to_vec());
    f.insert(TABLE.to_string(), table.text().into_bytes());
    f
}

fn sha(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

/// The table's text back into numbered panels of codes.
fn parse_table(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut lines = text.lines();
    if lines.next() != Some("wijkstem-lottery-v1") {
        return Err("table.txt: first line".into());
    }
    lines
        .enumerate()
        .map(|(j, l)| {
            let (n, codes) = l.split_once(':').ok_or_else(|| format!("table.txt: line {}", j + 2))?;
            if n != j.to_string() {
                return Err(format!("table.txt: panel {j} is numbered {n}"));
            }
            Ok(codes.split(',').filter(|c| !c.is_empty()).map(str::to_string).collect())
        })
        .collect()
}

/// `None` when the bundle has no draw; otherwise what passed, or the problems.
pub fn check(files: &BTreeMap<String, Vec<u8>>, events: &[AuditEvent]) -> Option<Result<Problem, Vec<Problem>>> {
    let raw = files.get(DRAW)?;
    let fail = |detail: String| Some(Err(vec![Problem::new("bundle.draw_broken").with("detail", detail)]));
    let text = |path: &str| files.get(path).map(|b| String::from_utf8_lossy(b).to_string());
    let d: DrawRecord = match serde_json::from_slice(raw) {
        Ok(d) => d,
        Err(e) => return fail(format!("{DRAW}: {e}")),
    };
    let (Some(quotas_csv), Some(pool_csv), Some(table_text)) = (text(QUOTAS), text(RESPONDENTS), text(TABLE)) else {
        return fail("records/draw: a file is missing".into());
    };
    let mut problems = Vec::new();
    let broken = |detail: String| Problem::new("bundle.draw_broken").with("detail", detail);
    // The files are the ones the draw names.
    if sha(table_text.as_bytes()) != d.table_sha256 {
        problems.push(broken("table.txt is not the table of draw.json".into()));
    }
    if sha(quotas_csv.as_bytes()) != d.quotas_sha256 || sha(pool_csv.as_bytes()) != d.pool_sha256 {
        problems.push(broken("quotas.csv or respondents.csv is not the one the draw read".into()));
    }
    let panels = match parse_table(&table_text) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let inst = match Quotas::parse(&quotas_csv)
        .and_then(|q| Pool::parse(&pool_csv, &q).map(|p| (q, p)))
        .and_then(|(q, p)| Instance::new(q, p, d.size))
    {
        Ok(i) => i,
        Err(f) => return fail(format!("records/draw: {f}")),
    };
    let index: BTreeMap<&str, usize> = inst.pool.codes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
    // 1. Every numbered panel meets the quotas (integers only).
    let m = panels.len();
    if m != d.lottery as usize {
        problems.push(broken(format!("the table has {m} panels, the draw says {}", d.lottery)));
    }
    let mut tickets = vec![0u32; inst.pool.len()];
    for (j, codes) in panels.iter().enumerate() {
        let members: Option<Vec<usize>> = codes.iter().map(|c| index.get(c.as_str()).copied()).collect();
        match members {
            Some(members) if inst.meets_quotas(&members) => members.iter().for_each(|&i| tickets[i] += 1),
            _ => problems.push(Problem::new("bundle.draw_panel_quotas").with("number", j)),
        }
    }
    // 2. Each respondent's share of the panels is the stated chance, within
    // the promised bound, and the tickets stated are the ones counted.
    let bound = Lottery::bound(&inst, m.max(1));
    let codes_match =
        d.chances.len() == inst.pool.len() && d.chances.iter().zip(&inst.pool.codes).all(|(c, code)| &c.code == code);
    if !codes_match {
        problems.push(broken("draw.json lists other respondents than respondents.csv".into()));
    } else {
        for (c, &t) in d.chances.iter().zip(&tickets) {
            let p: f64 = c.probability.parse().unwrap_or(f64::NAN);
            let share = f64::from(t) / m.max(1) as f64;
            // A chance that is not a number is wrong too.
            let within = p.is_finite() && (share - p).abs() <= bound + 1e-6;
            if c.tickets != t || !within {
                problems.push(
                    Problem::new("bundle.draw_chance")
                        .with("code", &c.code)
                        .with("tickets", t)
                        .with("chance", &c.probability),
                );
            }
        }
    }
    // 3. The number drawn gives the panel seated; a seed gives that number.
    let table = LotteryTable { panels: panels.clone(), ..LotteryTable::default() };
    match &d.pick {
        None => problems.push(broken("no number was drawn".into())),
        Some(pick) => {
            if panels.get(pick.number as usize) != Some(&pick.members) {
                problems.push(Problem::new("bundle.draw_pick").with("number", pick.number));
            }
            if let Some(seed) = pick.source.strip_prefix("seed:") {
                if table.number_for_seed(seed) != pick.number {
                    problems.push(Problem::new("bundle.draw_pick").with("number", pick.number));
                }
            }
            // 4. The chain recorded this table, then this number.
            let after = |action: &str| -> Vec<serde_json::Value> {
                events
                    .iter()
                    .filter(|e| e.action == action)
                    .filter_map(|e| e.after.as_deref().and_then(|a| serde_json::from_str(a).ok()))
                    .collect()
            };
            if !after("panel.draw").iter().any(|v| v["table_sha256"] == d.table_sha256.as_str()) {
                problems.push(broken("the audit chain has no draw with this table".into()));
            }
            if !after("panel.draw_pick")
                .iter()
                .any(|v| v["number"] == pick.number && v["members"] == serde_json::json!(pick.members))
            {
                problems.push(broken("the audit chain has no such number drawn".into()));
            }
            // 5. Each replacement, in order: the candidates recomputed from
            // the panel as it then was, the number (or the seed) giving the
            // one seated, and the chain's record of it.
            let find = |code: &str| inst.pool.codes.iter().position(|c| c.eq_ignore_ascii_case(code));
            let mut seated: Vec<usize> = pick.members.iter().filter_map(|c| find(c)).collect();
            let mut excluded = Vec::new();
            let replaced = after("panel.draw_replace");
            for r in &d.replacements {
                let wrong =
                    Problem::new("bundle.draw_replace").with("member", &r.member).with("replacement", &r.replacement);
                let Some(leaving) = find(&r.member).filter(|i| seated.contains(i)) else {
                    problems.push(wrong);
                    continue;
                };
                let cands = crate::panel::draw::candidates(&inst, &seated, leaving, &excluded);
                let drawn = cands.get(r.number as usize).map(|&i| inst.pool.codes[i].as_str());
                let by_seed = r.source.strip_prefix("seed:").map(|seed| {
                    crate::panel::draw::replacement_for_seed(&d.table_sha256, &r.member, seed, cands.len())
                });
                let in_chain = replaced.iter().any(|v| {
                    v["member"] == r.member.as_str()
                        && v["replacement"] == r.replacement.as_str()
                        && v["number"] == r.number
                });
                if cands.len() as u32 != r.candidates
                    || drawn != Some(r.replacement.as_str())
                    || by_seed.is_some_and(|n| n != r.number)
                    || !in_chain
                {
                    problems.push(wrong);
                }
                seated.retain(|&i| i != leaving);
                seated.extend(find(&r.replacement));
                excluded.push(leaving);
            }
        }
    }
    if problems.is_empty() {
        let number = d.pick.as_ref().map(|p| p.number).unwrap_or_default();
        Some(Ok(Problem::new("bundle.ok_draw")
            .with("panels", m)
            .with("number", number)
            .with("bound", format!("{bound:.6}"))))
    } else {
        Some(Err(problems))
    }
}
