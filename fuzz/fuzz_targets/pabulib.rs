#![no_main]
// The property lives in the library (wijkstem_rules::fuzzing::pabulib) so that
// tests/fuzz_regressions.rs replays saved inputs through the same check.
libfuzzer_sys::fuzz_target!(|data: &[u8]| wijkstem_rules::fuzzing::pabulib(data));
