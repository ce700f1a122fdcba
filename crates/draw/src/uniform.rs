//! The baseline to compare the leximin with: every panel that meets the
//! quotas equally likely ("uniform among quota panels"). Counting those
//! panels exactly is out of reach for real pools (a dynamic program over
//! the quota counts has over a million states for 150 respondents and three
//! features), so the chances are estimated by a Markov chain over quota
//! panels: from a panel, propose moving one seat from a member to a
//! non-member, both drawn uniformly; take the move when the panel still
//! meets every quota. The proposal is symmetric and every accepted state is
//! a quota panel, so the chain's long-run distribution is uniform over the
//! quota panels its moves connect. Four chains from one start, each with its
//! own seed, give the estimate (their mean) and its spread (the largest
//! difference between two chains for any respondent), which the results
//! state beside it.
//!
//! No float here decides anything: the baseline is printed for comparison
//! only. Deterministic: the seeds come from the pool's content.

use sha2::{Digest, Sha256};

use crate::panels::Instance;

/// The estimated chances under a uniform draw among quota panels.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    /// Per respondent, in the pool's order.
    pub probabilities: Vec<f64>,
    /// The largest difference between two chains' estimates of one chance.
    pub spread: f64,
    /// Steps taken, over all chains.
    pub steps: u64,
}

/// SplitMix64: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const CHAINS: usize = 4;

/// Estimate the uniform baseline from `start`, a panel (respondents'
/// indices) that meets the quotas, with `steps` proposals per chain.
pub fn uniform_baseline(inst: &Instance, start: &[usize], steps: u64) -> Baseline {
    let n = inst.pool.len();
    debug_assert!(inst.meets_quotas(start));
    // Seeds from the pool's content: the same pool gives the same estimate.
    let mut h = Sha256::new();
    for (code, traits) in inst.pool.codes.iter().zip(&inst.pool.traits) {
        h.update(code.as_bytes());
        for t in traits {
            h.update(t.to_le_bytes());
        }
    }
    let salt = h.finalize();
    let mut per_chain: Vec<Vec<f64>> = Vec::with_capacity(CHAINS);
    for chain in 0..CHAINS {
        let mut seed = [0u8; 8];
        seed.copy_from_slice(&salt[chain * 8..chain * 8 + 8]);
        let mut rng = Rng(u64::from_le_bytes(seed));
        per_chain.push(run_chain(inst, start, steps, &mut rng));
    }
    let probabilities: Vec<f64> = (0..n).map(|i| per_chain.iter().map(|c| c[i]).sum::<f64>() / CHAINS as f64).collect();
    let spread = (0..n)
        .map(|i| {
            let (lo, hi) =
                per_chain.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| (lo.min(c[i]), hi.max(c[i])));
            hi - lo
        })
        .fold(0.0, f64::max);
    Baseline { probabilities, spread, steps: steps * CHAINS as u64 }
}

/// One chain: the share of its states (after a burn-in of a fifth) in
/// which each respondent sits on the panel.
fn run_chain(inst: &Instance, start: &[usize], steps: u64, rng: &mut Rng) -> Vec<f64> {
    let n = inst.pool.len();
    let features = &inst.quotas.features;
    let traits = &inst.pool.traits;
    let mut members: Vec<usize> = start.to_vec();
    let mut outside: Vec<usize> = (0..n).filter(|i| !start.contains(i)).collect();
    let mut seats: Vec<Vec<u32>> = features.iter().map(|f| vec![0; f.values.len()]).collect();
    for &i in &members {
        for (f, &v) in traits[i].iter().enumerate() {
            seats[f][v] += 1;
        }
    }
    // Time on the panel, counted in whole steps: when someone leaves, the
    // steps since they joined are added.
    let mut since: Vec<Option<u64>> = vec![None; n];
    let mut total = vec![0u64; n];
    let burn = steps / 5;
    let counted = steps - burn;
    if outside.is_empty() || members.is_empty() {
        return (0..n).map(|i| if start.contains(&i) { 1.0 } else { 0.0 }).collect();
    }
    for step in 0..steps {
        if step == burn {
            for &i in &members {
                since[i] = Some(step);
            }
        }
        let (a, b) = (rng.below(members.len()), rng.below(outside.len()));
        let (out, into) = (members[a], outside[b]);
        let fits = features.iter().enumerate().all(|(f, feature)| {
            let (va, vb) = (traits[out][f], traits[into][f]);
            va == vb || (seats[f][va] > feature.values[va].min && seats[f][vb] < feature.values[vb].max)
        });
        if !fits {
            continue;
        }
        for f in 0..features.len() {
            seats[f][traits[out][f]] -= 1;
            seats[f][traits[into][f]] += 1;
        }
        members[a] = into;
        outside[b] = out;
        if step >= burn {
            if let Some(s) = since[out].take() {
                total[out] += step - s;
            }
            since[into] = Some(step);
        }
    }
    for &i in &members {
        if let Some(s) = since[i].take() {
            total[i] += steps - s;
        }
    }
    total.iter().map(|&t| t as f64 / counted.max(1) as f64).collect()
}
