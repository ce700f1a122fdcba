//! Drawing a panel by lot from the respondents (`wijkstem-draw`): the core's
//! side — the findings in the user's language, and one call that reads the
//! two CSV texts, computes the leximin probabilities and, when asked, the
//! lottery of numbered panels. Nothing here touches the database yet.

use serde::Serialize;
use sha2::{Digest, Sha256};
#[cfg(feature = "draw-solver")]
use wijkstem_draw::{leximin, round_to_lottery};
use wijkstem_draw::{Finding, Instance, Lottery};

#[cfg(feature = "draw-solver")]
use crate::problem::Failure;
use crate::problem::{Problem, ToProblem};

impl ToProblem for Finding {
    fn to_problem(&self) -> Problem {
        self.params.iter().fold(Problem::new(self.code), |p, (k, v)| p.with(k, v))
    }
}

/// The outcome of a draw's computation, for the CLI, the app and the PDF.
#[derive(Debug, Clone, Serialize)]
pub struct DrawOutcome {
    pub size: u32,
    pub respondents: usize,
    pub features: usize,
    pub types: usize,
    /// Respondents' codes and leximin probabilities, in the file's order.
    pub codes: Vec<String>,
    pub probabilities: Vec<f64>,
    pub min_probability: f64,
    /// How many respondents have the smallest probability.
    pub at_min: usize,
    /// Panels in the leximin distribution.
    pub panels: usize,
    /// SHA-256 of the respondents' and the quotas' files, as read.
    pub pool_hash: String,
    pub quotas_hash: String,
    #[serde(skip)]
    pub lottery: Option<Lottery>,
    #[serde(skip)]
    pub instance: Instance,
    /// The baseline to compare with: every quota panel equally likely
    /// (estimated; `uniform_spread` is how far four chains differ).
    pub uniform: Vec<f64>,
    pub uniform_spread: f64,
}

#[cfg(feature = "draw-solver")]
fn sha(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Read the quotas and the respondents, compute the leximin probabilities
/// and, with `lottery = Some(m)`, round them to `m` numbered panels. When no
/// panel meets the quotas, the problems say which quotas to relax.
/// Proposals per chain of the uniform baseline (four chains).
#[cfg(feature = "draw-solver")]
const UNIFORM_STEPS: u64 = 1_000_000;

#[cfg(feature = "draw-solver")]
pub fn compute(quotas_csv: &str, pool_csv: &str, size: u32, lottery: Option<usize>) -> Result<DrawOutcome, Failure> {
    // 100, 1,000 or 10,000 panels: two, three or four ten-sided dice, and
    // every throw names a panel.
    if let Some(m) = lottery {
        if ![100, 1_000, 10_000].contains(&m) {
            return Err(Problem::new("draw.lottery_size").with("m", m).into());
        }
    }
    let inst = Instance::from_csv(quotas_csv, pool_csv, size).map_err(|f| f.to_problem())?;
    let features = inst.quotas.features.len();
    let d = leximin(&inst).map_err(|inf| {
        let mut problems = vec![Problem::new("draw.infeasible")];
        for r in &inf.relax {
            let p = if r.new_min < r.min {
                Problem::new("draw.relax_min").with("new", r.new_min)
            } else {
                Problem::new("draw.relax_max").with("new", r.new_max)
            };
            problems.push(p.with("feature", &r.feature).with("value", &r.value).with("min", r.min).with("max", r.max));
        }
        Failure { problems }
    })?;
    let lottery = lottery.map(|m| round_to_lottery(&inst, &d, m));
    if let Some(l) = &lottery {
        // Never hand out a table with a panel that breaks a quota, or with
        // chances further from the computed ones than promised.
        l.check(&inst).map_err(|_| Problem::new("draw.lottery_broken"))?;
        if l.max_deviation > Lottery::bound(&inst, l.size()) {
            return Err(Problem::new("draw.lottery_deviation")
                .with("deviation", format!("{:.6}", l.max_deviation))
                .with("bound", format!("{:.6}", Lottery::bound(&inst, l.size())))
                .into());
        }
        // Nobody who has a chance may be left without a ticket.
        let left_out = (0..inst.pool.len()).filter(|&i| l.tickets[i] == 0 && d.probabilities[i] > 1e-9).count();
        if left_out > 0 {
            return Err(Problem::new("draw.lottery_too_small").with("m", l.size()).with("count", left_out).into());
        }
    }
    let min = d.min_probability();
    // The baseline starts from a panel of the distribution.
    let start = inst.members_for(&d.panels[0], &inst.rotation_order(), &mut vec![0; inst.type_count()]);
    let baseline = wijkstem_draw::uniform_baseline(&inst, &start, UNIFORM_STEPS);
    Ok(DrawOutcome {
        size,
        respondents: inst.pool.len(),
        features,
        types: inst.type_count(),
        codes: inst.pool.codes.clone(),
        at_min: d.probabilities.iter().filter(|&&p| p - min < 5e-7).count(),
        min_probability: min,
        probabilities: d.probabilities,
        panels: d.panels.len(),
        pool_hash: sha(pool_csv),
        quotas_hash: sha(quotas_csv),
        lottery,
        instance: inst,
        uniform: baseline.probabilities,
        uniform_spread: baseline.spread,
    })
}

/// A lottery table as printed and stored: every numbered panel as its
/// members' codes, with what the PDF says about it. Made from a fresh
/// computation ([`LotteryTable::of`]) or read back from the database.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct LotteryTable {
    pub size: u32,
    pub respondents: usize,
    /// Six decimals, as computed.
    pub min_probability: String,
    pub max_deviation: String,
    pub pool_sha256: String,
    pub quotas_sha256: String,
    /// Panel `j` is number `j` (from 0).
    pub panels: Vec<Vec<String>>,
}

impl LotteryTable {
    pub fn of(out: &DrawOutcome, l: &Lottery) -> LotteryTable {
        LotteryTable {
            size: out.size,
            respondents: out.respondents,
            min_probability: format!("{:.6}", out.min_probability),
            max_deviation: format!("{:.6}", l.max_deviation),
            pool_sha256: out.pool_hash.clone(),
            quotas_sha256: out.quotas_hash.clone(),
            panels: l.panels.iter().map(|p| p.iter().map(|&i| out.codes[i].clone()).collect()).collect(),
        }
    }

    /// The table as text, one line per panel (`number: code,code,…`), the
    /// form its hash is taken of: anyone can rebuild it from the PDF.
    pub fn text(&self) -> String {
        let mut s = String::from("wijkstem-lottery-v1\n");
        for (j, p) in self.panels.iter().enumerate() {
            s.push_str(&format!("{j}:{}\n", p.join(",")));
        }
        s
    }

    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(self.text().as_bytes()))
    }

    /// The panel a seed typed in from a public source picks: SHA-256 of the
    /// table's hash and the seed, its first eight bytes modulo the number of
    /// panels. The table's hash is in it, so a seed chosen before the table
    /// was printed cannot be aimed at a panel.
    pub fn number_for_seed(&self, seed: &str) -> u32 {
        seed_number(&["wijkstem-pick-v1", &self.sha256(), seed.trim()], self.panels.len())
    }
}

/// The first eight bytes of SHA-256 over `lines` (each ended by a newline
/// but the last), modulo `m`: a number anyone can recompute from a seed.
fn seed_number(lines: &[&str], m: usize) -> u32 {
    let d = Sha256::digest(lines.join("\n").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&d[..8]);
    (u64::from_be_bytes(first) % m.max(1) as u64) as u32
}

/// Who may take the seat of `leaving` (an index into the pool) on the panel
/// `seated` so that the panel still meets every quota: respondents not on
/// the panel and not in `excluded` (who declined before), in the order of
/// their codes. The replacement is drawn among them, numbered from 0.
pub fn candidates(inst: &Instance, seated: &[usize], leaving: usize, excluded: &[usize]) -> Vec<usize> {
    let rest: Vec<usize> = seated.iter().copied().filter(|&i| i != leaving).collect();
    let mut out: Vec<usize> = (0..inst.pool.len())
        .filter(|i| !seated.contains(i) && !excluded.contains(i) && *i != leaving)
        .filter(|&i| {
            let mut p = rest.clone();
            p.push(i);
            inst.meets_quotas(&p)
        })
        .collect();
    out.sort_by(|&a, &b| inst.pool.codes[a].cmp(&inst.pool.codes[b]));
    out
}

/// The candidate a public seed picks for the seat of `member`: SHA-256 of
/// the table's hash, the member and the seed, modulo the candidates.
pub fn replacement_for_seed(table_sha256: &str, member: &str, seed: &str, candidates: usize) -> u32 {
    seed_number(&["wijkstem-replace-v1", table_sha256, &member.to_uppercase(), seed.trim()], candidates)
}
