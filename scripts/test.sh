#!/usr/bin/env bash
# Runs every test: core (cargo test), front end (vitest), and the real desktop
# app end to end (tauri-driver + WebKitWebDriver under Xvfb), then a bounded
# fuzzing run of every parser (scripts/fuzz.sh).
source "$(dirname "$0")/setup.sh"
ensure_apt
ensure_rust
ensure_npm
ensure_tauri_driver

say "Front end: type check and unit tests"
(cd "$ROOT/ui" && npx tsc --noEmit && npx vitest run)

build_ui
say "Core: unit, integration and property tests"
(cd "$ROOT" && cargo test --quiet -p wijkstem)

build_app
say "Desktop app end to end under Xvfb"
(cd "$ROOT" && xvfb-run -a -s "-screen 0 1920x1200x24" python3 tests/e2e/run.py)
"$ROOT/scripts/fuzz.sh"
say "All tests passed"
