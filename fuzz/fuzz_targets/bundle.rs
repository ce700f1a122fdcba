#![no_main]
// The property lives in the library (wijkstem::fuzzing::bundle) so that
// tests/fuzz_regressions.rs replays saved inputs through the same check.
libfuzzer_sys::fuzz_target!(|data: &[u8]| wijkstem::fuzzing::bundle(data));
