//! The panel's draw by lot in a bundle: its files, and the verifier's check
//! that anyone can repeat with the bundle alone — every numbered panel meets
//! the quotas, each respondent's tickets are within the promised bound of
//! the stated chance, the number drawn gives the panel that was seated, and
//! the table is the one the audit chain recorded before the number.

use std::collections::BTreeMap;

use wijkstem_draw::{Instance, Lottery};

use super::sha;
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

/// The events of one action, with their place in the chain and payload.
fn chain(events: &[AuditEvent], action: &str) -> Vec<(i64, serde_json::Value)> {
    events
        .iter()
        .filter(|e| e.action == action)
        .filter_map(|e| e.after.as_deref().and_then(|a| serde_json::from_str(a).ok()).map(|v| (e.seq, v)))
        .collect()
}

/// `None` when the bundle has no draw and the chain drew none; otherwise
/// what passed, or the problems.
pub fn check(files: &BTreeMap<String, Vec<u8>>, events: &[AuditEvent]) -> Option<Result<Problem, Vec<Problem>>> {
    let code = |c: &str| Problem::new(c);
    let Some(raw) = files.get(DRAW) else {
        // A panel drawn by lot whose bundle leaves the draw out.
        return (!chain(events, "panel.draw_pick").is_empty()).then(|| Err(vec![code("bundle.draw_missing")]));
    };
    let fail = |p: Problem| Some(Err(vec![p]));
    let text = |path: &str| files.get(path).map(|b| String::from_utf8_lossy(b).to_string());
    let d: DrawRecord = match serde_json::from_slice(raw) {
        Ok(d) => d,
        Err(e) => return fail(code("bundle.draw_unreadable").with("detail", format!("{DRAW}: {e}"))),
    };
    let (Some(quotas_csv), Some(pool_csv), Some(table_text)) = (text(QUOTAS), text(RESPONDENTS), text(TABLE)) else {
        return fail(code("bundle.draw_missing"));
    };
    let mut problems = Vec::new();
    // The files are the ones the draw names, and the chain recorded that
    // draw (its table and both files) and printed that table.
    if sha(table_text.as_bytes()) != d.table_sha256 {
        problems.push(code("bundle.draw_table_differs"));
    }
    if sha(quotas_csv.as_bytes()) != d.quotas_sha256 || sha(pool_csv.as_bytes()) != d.pool_sha256 {
        problems.push(code("bundle.draw_files_differ"));
    }
    let drawn = chain(events, "panel.draw");
    if !drawn.iter().any(|(_, v)| {
        v["table_sha256"] == d.table_sha256.as_str()
            && v["pool_sha256"] == d.pool_sha256.as_str()
            && v["quotas_sha256"] == d.quotas_sha256.as_str()
    }) {
        problems.push(code("bundle.draw_not_in_chain"));
    }
    let printed: Vec<i64> = chain(events, "panel.draw_print")
        .into_iter()
        .filter(|(_, v)| v["table_sha256"] == d.table_sha256.as_str())
        .map(|(seq, _)| seq)
        .collect();
    let panels = match parse_table(&table_text) {
        Ok(p) => p,
        Err(e) => return fail(code("bundle.draw_unreadable").with("detail", e)),
    };
    let inst = match Instance::from_csv(&quotas_csv, &pool_csv, d.size) {
        Ok(i) => i,
        Err(f) => return fail(code("bundle.draw_unreadable").with("detail", format!("records/draw: {f}"))),
    };
    let index: BTreeMap<&str, usize> = inst.pool.codes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
    // 1. Every numbered panel meets the quotas (integers only).
    let m = panels.len();
    if m != d.lottery as usize {
        problems.push(code("bundle.draw_table_size").with("panels", m).with("stated", d.lottery));
    }
    let mut tickets = vec![0u32; inst.pool.len()];
    for (j, codes) in panels.iter().enumerate() {
        let members: Option<Vec<usize>> = codes.iter().map(|c| index.get(c.as_str()).copied()).collect();
        match members {
            Some(members) if inst.meets_quotas(&members) => members.iter().for_each(|&i| tickets[i] += 1),
            _ => problems.push(code("bundle.draw_panel_quotas").with("number", j)),
        }
    }
    // 2. Each respondent's share of the panels is the stated chance, within
    // the deviation the draw states (itself within the promised bound), and
    // the tickets stated are the ones counted.
    let bound = Lottery::bound(&inst, m.max(1));
    let stated: f64 = d.max_deviation.parse().unwrap_or(f64::NAN);
    if !(stated.is_finite() && stated <= bound + 1e-9) {
        problems
            .push(code("bundle.draw_deviation").with("stated", &d.max_deviation).with("bound", format!("{bound:.6}")));
    }
    let codes_match =
        d.chances.len() == inst.pool.len() && d.chances.iter().zip(&inst.pool.codes).all(|(c, code)| &c.code == code);
    if !codes_match {
        problems.push(code("bundle.draw_respondents_differ"));
    } else {
        for (c, &t) in d.chances.iter().zip(&tickets) {
            let p: f64 = c.probability.parse().unwrap_or(f64::NAN);
            let share = f64::from(t) / m.max(1) as f64;
            // A chance that is not a number is wrong too.
            let within = p.is_finite() && (share - p).abs() <= stated.min(bound) + 1e-6;
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
    // 3. The number drawn gives the panel seated; a seed gives that number;
    // the chain has the table printed before the number was drawn.
    let table = LotteryTable { panels: panels.clone(), ..LotteryTable::default() };
    let Some(pick) = &d.pick else {
        problems.push(code("bundle.draw_no_pick"));
        return Some(Err(problems));
    };
    if panels.get(pick.number as usize) != Some(&pick.members) {
        problems.push(code("bundle.draw_pick").with("number", pick.number));
    }
    if let Some(seed) = pick.source.strip_prefix("seed:") {
        if table.number_for_seed(seed) != pick.number {
            problems.push(code("bundle.draw_pick").with("number", pick.number));
        }
    }
    let picked: Vec<i64> = chain(events, "panel.draw_pick")
        .into_iter()
        .filter(|(_, v)| v["number"] == pick.number && v["members"] == serde_json::json!(pick.members))
        .map(|(seq, _)| seq)
        .collect();
    match (picked.first(), printed.first()) {
        (None, _) => problems.push(code("bundle.draw_not_in_chain")),
        (Some(_), None) => problems.push(code("bundle.draw_not_printed")),
        (Some(pick_seq), Some(print_seq)) if print_seq > pick_seq => problems.push(code("bundle.draw_not_printed")),
        _ => {}
    }
    // 4. Each replacement, in order: the candidates recomputed from the
    // panel as it then was, the number (or the seed) giving the one seated,
    // and the chain's record of it; the chain has no other replacement.
    let find = |code: &str| inst.pool.codes.iter().position(|c| c.eq_ignore_ascii_case(code));
    let mut seated: Vec<usize> = pick.members.iter().filter_map(|c| find(c)).collect();
    let mut excluded = Vec::new();
    let replaced = chain(events, "panel.draw_replace");
    if replaced.len() != d.replacements.len() {
        problems.push(
            code("bundle.draw_replacements_count").with("chain", replaced.len()).with("stated", d.replacements.len()),
        );
    }
    for r in &d.replacements {
        let wrong = code("bundle.draw_replace").with("member", &r.member).with("replacement", &r.replacement);
        let Some(leaving) = find(&r.member).filter(|i| seated.contains(i)) else {
            problems.push(wrong);
            continue;
        };
        let cands = crate::panel::draw::candidates(&inst, &seated, leaving, &excluded);
        let drawn = cands.get(r.number as usize).map(|&i| inst.pool.codes[i].as_str());
        let by_seed = r
            .source
            .strip_prefix("seed:")
            .map(|seed| crate::panel::draw::replacement_for_seed(&d.table_sha256, &r.member, seed, cands.len()));
        let in_chain = replaced.iter().any(|(_, v)| {
            v["member"] == r.member.as_str() && v["replacement"] == r.replacement.as_str() && v["number"] == r.number
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
    // 5. No round had more members present than the lot seated.
    let rounds: Vec<crate::panel::RoundRecord> =
        text("records/rounds.json").and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
    for r in rounds.iter().filter(|r| r.present as usize > seated.len()) {
        problems.push(
            code("bundle.draw_more_present")
                .with("round", r.no)
                .with("present", r.present)
                .with("seated", seated.len()),
        );
    }
    if problems.is_empty() {
        Some(Ok(Problem::new("bundle.ok_draw")
            .with("panels", m)
            .with("number", pick.number)
            .with("bound", &d.max_deviation)))
    } else {
        Some(Err(problems))
    }
}
