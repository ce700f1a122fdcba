//! # wijkstem-draw: drawing a panel by lot, as fairly as possible
//!
//! A gelote wijkpanel is drawn from the residents who answered the
//! invitation. Who answers is skewed, so the panel must meet quotas per
//! feature (gender, age band, part of the wijk, …). Among all ways to draw a
//! panel that meets them, this crate computes the **leximin** distribution of
//! Flanigan, Gölz, Gupta, Hennig and Procaccia ("Fair algorithms for
//! selecting citizens' assemblies", Nature 2021): the smallest selection
//! probability as large as possible, then the next smallest, and so on. It
//! then rounds that distribution to a **uniform lottery** over numbered
//! panels (Flanigan, Kehne and Procaccia, "Fair sortition made transparent",
//! 2021), so the final draw is a public draw of a number.
//!
//! - [`pool`]: the respondents and the quotas from CSV, with coded findings.
//! - [`panels`]: the integer program "a panel that meets the quotas"
//!   (HiGHS), feasibility and, when no panel exists, the smallest relaxation.
//! - [`leximin`]: column generation over panels with HiGHS' LP.
//! - [`lottery`]: the rounding to `m` panels and its checks.
//! - [`uniform`]: the baseline to compare with, every quota panel equally
//!   likely (estimated by a Markov chain, with its spread).
//!
//! Respondents with the same value of every feature are interchangeable for
//! the quotas; the computation works on these *types*, which keeps the
//! programs small (a pool of 1,000 has at most a few hundred types).
//!
//! ## What is exact and what is not
//! The probabilities come from floating-point LPs (to about 1e-9). No float
//! decides who sits on the panel: the lottery table lists whole panels, each
//! checked against the quotas with integers ([`Instance::meets_quotas`]),
//! and the number drawn in public picks one of them.
//!
//! No I/O, no clock, no randomness: the same inputs give the same table.
//!
//! The `solver` feature (on by default) builds HiGHS and everything that
//! computes; without it only the reading and the exact checks remain, for
//! builds that never draw (the fuzz targets).

#[cfg(feature = "solver")]
pub mod leximin;
pub mod lottery;
pub mod panels;
pub mod pool;
pub mod uniform;

use serde::Serialize;

#[cfg(feature = "solver")]
pub use leximin::{leximin, Distribution};
#[cfg(feature = "solver")]
pub use lottery::round_to_lottery;
pub use lottery::Lottery;
#[cfg(feature = "solver")]
pub use panels::feasibility;
pub use panels::{Infeasible, Instance, Relaxation};
pub use pool::{Feature, Pool, Quota, Quotas, Types};
pub use uniform::{uniform_baseline, Baseline};

/// Something wrong with the input, as data: a code and its values. The core
/// turns it into a sentence in the user's language (`draw.*` in the locales).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub params: Vec<(&'static str, String)>,
}

impl Finding {
    pub fn new(code: &'static str) -> Finding {
        Finding { code, params: Vec::new() }
    }

    pub fn with(mut self, name: &'static str, value: impl ToString) -> Finding {
        self.params.push((name, value.to_string()));
        self
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.code)?;
        for (k, v) in &self.params {
            write!(f, " {k}={v}")?;
        }
        Ok(())
    }
}
