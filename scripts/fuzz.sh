#!/usr/bin/env bash
# Fuzzes each target for a bounded time (FUZZ_SECONDS, default 15) with
# cargo fuzz (a development build) on the stable toolchain (RUSTC_BOOTSTRAP lets stable accept the
# flags cargo fuzz passes; no sanitizer, so no nightly runtime is needed).
# Seeds are read from fuzz/corpus/<target>; what the fuzzer learns goes to a
# scratch folder. A crash is copied to fuzz/regressions/<target>/, where
# tests/fuzz_regressions.rs replays it from then on, and fails this script.
source "$(dirname "$0")/setup.sh"
usage() {
  cat <<'HELP'
Usage: scripts/fuzz.sh

Fuzzes each parser (qr, serial, pabulib, csv, bundle) for a bounded time with
cargo fuzz on the stable toolchain. Seeds come from fuzz/corpus/<target>;
a crash is copied to fuzz/regressions/<target>/ (replayed by
tests/fuzz_regressions.rs from then on) and makes this script fail.
Called by scripts/test.sh.

Options:
  -h, --help  show this help and exit (installs and builds nothing).
Environment:
  FUZZ_SECONDS  seconds per target (default 15).

HELP
  installs_help cargo-fuzz
}
help_or_no_arguments "$@"
ensure_rust
ensure_cargo_fuzz
export RUSTC_BOOTSTRAP=1
seconds="${FUZZ_SECONDS:-15}"
targets=(qr serial pabulib csv bundle)
cd "$ROOT"
say "Building the fuzz targets"
# A development build: 3 minutes on 2 cores against 16 for an optimised
# one, for a bounded run whose job is to find shallow crashes on every
# test run (a long fuzzing session can use --release).
cargo fuzz build -s none --dev >/dev/null
status=0
for t in "${targets[@]}"; do
  scratch="$ROOT/fuzz/corpus-run/$t"
  rm -rf "$scratch" "$ROOT/fuzz/artifacts/$t"
  mkdir -p "$scratch"
  max_len=4096
  [ "$t" = bundle ] && max_len=65536
  if cargo fuzz run -s none --dev "$t" "$scratch" "fuzz/corpus/$t" -- \
       -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -print_final_stats=1 >"$scratch.log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$scratch.log" | grep -o '[0-9]*$' || true)
    say "fuzz $t: ${runs:-?} inputs in ${seconds}s, no crash"
  else
    mkdir -p "$ROOT/fuzz/regressions/$t"
    cp "$ROOT/fuzz/artifacts/$t"/* "$ROOT/fuzz/regressions/$t/" 2>/dev/null || true
    say "fuzz $t: CRASH, input kept in fuzz/regressions/$t/ (see $scratch.log)"
    tail -30 "$scratch.log"
    status=1
  fi
done
exit $status
