//! The property the pabulib fuzz target checks (`fuzz/fuzz_targets/pabulib.rs`),
//! kept here so the regression test replays saved inputs through the same
//! check on the stable toolchain. Panics only when the property is broken.

/// A pabulib file: never a panic; a file that reads gives an election the
/// rules can run on without going over budget, and writes back readably.
pub fn pabulib(data: &[u8]) {
    let Ok(f) = crate::pabulib::read(data, true) else { return };
    let e = f.election();
    if e.projects.len() > 200 || e.ballots.len() > 2000 {
        return;
    }
    let out =
        crate::run(&e, &crate::Rule::Greedy { score: crate::GreedyScore::Approvals }, &crate::TieBreak::Lexicographic);
    assert!(out.total_cost <= e.budget.max(0) || e.budget < 0, "greedy stays within the budget");
    let mut bytes = Vec::new();
    f.write(&mut bytes).expect("writes to memory");
    let again = crate::pabulib::read(bytes.as_slice(), true);
    assert!(again.is_ok(), "a file we read, we can write and read again: {:?}", again.err());
}
