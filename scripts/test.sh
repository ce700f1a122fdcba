#!/usr/bin/env bash
# Runs every test: core (cargo test), front end (vitest), and the real desktop
# app end to end (tauri-driver + WebKitWebDriver under Xvfb), then a bounded
# fuzzing run of every parser (scripts/fuzz.sh).
source "$(dirname "$0")/setup.sh"
usage() {
  cat <<'HELP'
Usage: scripts/test.sh

Runs every test: front end (Biome format and lint, tsc, vitest), formatting and lints (cargo fmt
--check, cargo clippy with warnings as errors), core (cargo test: unit,
integration and property tests), the real desktop app end to end under Xvfb
(tauri-driver + WebKitWebDriver), the installable .deb (built from the debug
build, installed, its `wijkstem --version` run and its app started), then a
bounded fuzzing run of every parser (scripts/fuzz.sh). Stops at the first
failure.

Options:
  -h, --help  show this help and exit (installs and builds nothing).
Environment:
  FUZZ_SECONDS  seconds of fuzzing per target (default 15).

HELP
  installs_help apt npm tauri-driver cargo-fuzz
}
help_or_no_arguments "$@"
ensure_apt
ensure_rust
ensure_npm
ensure_tauri_driver

say "Front end: format and lint (Biome), type check and unit tests"
(cd "$ROOT/ui" && npx biome ci --colors=off . && npx tsc --noEmit && npx vitest run)

build_ui
say "Formatting and lints (cargo fmt --check, cargo clippy -D warnings)"
(cd "$ROOT" && cargo fmt --all --check && (cd fuzz && cargo fmt --check))
(cd "$ROOT" && cargo clippy --workspace --all-targets --quiet -- -D warnings)

say "Core: unit, integration and property tests"
(cd "$ROOT" && cargo test --quiet -p wijkstem-rules -p wijkstem-draw -p wijkstem -p wijkstem-app)

build_app
say "Desktop app end to end under Xvfb"
(cd "$ROOT" && xvfb-run -a -s "-screen 0 1920x1200x24" python3 tests/e2e/run.py)

say "Installable package: build the .deb (of the debug build), install it, start it"
"$ROOT/scripts/package.sh" --debug
deb="$(ls -t "$ROOT"/target/debug/bundle/deb/*.deb | head -1)"
(cd "$ROOT" && xvfb-run -a -s "-screen 0 1366x768x24" python3 tests/package/check_installed.py "$deb")

"$ROOT/scripts/fuzz.sh"
say "All tests passed"
