#!/usr/bin/env bash
# Benchmarks print tables; they are never timed tests.
source "$(dirname "$0")/setup.sh"
usage() {
  cat <<'HELP'
Usage: scripts/bench.sh

Runs the benchmarks and prints tables (they are never timed tests):
desktop start-up time and memory, the rules engine against pabutools
(peer times from crates/rules/tests/data/pabulib/expected.json), the panel
draw against sortition-algorithms (installed with pip into a venv in
target/bench-venv), paper-ballot entry and
printing, result bundle export/verify with 100,000 ballots, and a saved
panel vote to the projector. Builds the app in release mode first.

Options:
  -h, --help  show this help and exit (installs and builds nothing).
Environment:
  RUNS   start-ups measured (default 5);  VOTES  panel votes timed (default 15).

HELP
  installs_help apt npm tauri-driver
}
help_or_no_arguments "$@"
ensure_apt
ensure_rust
ensure_npm
ensure_tauri_driver
build_ui
build_app --release
say "Desktop start-up and memory"
WIJKSTEM_APP="$ROOT/target/release/wijkstem-app" xvfb-run -a -s "-screen 0 1280x900x24" python3 "$ROOT/benches/startup.py"
say "Rules engine against pabutools (peer times from crates/rules/tests/data/pabulib/expected.json)"
(cd "$ROOT" && cargo bench --quiet -p wijkstem-rules --bench rules)
say "Panel draw against sortition-algorithms (its maximin, in a venv in target/, never a dependency of the app)"
if [ ! -x "$ROOT/target/bench-venv/bin/python" ]; then
  python3 -m venv "$ROOT/target/bench-venv" && "$ROOT/target/bench-venv/bin/pip" install -q "sortition-algorithms==0.12.15" \
    || echo "(the peer could not be installed: its column shows 'not installed')"
fi
(cd "$ROOT" && WIJKSTEM_PEER_PYTHON="$ROOT/target/bench-venv/bin/python" cargo bench --quiet -p wijkstem-draw --bench draw)
say "Paper ballots: durable save of one entry, printing 1,000 ballots"
(cd "$ROOT" && cargo bench --quiet --bench paper)
say "Result bundle: export and verify with 100,000 ballots"
(cd "$ROOT" && cargo bench --quiet --bench bundle)
say "Panel: saved vote to projector (two windows of the real app)"
WIJKSTEM_APP="$ROOT/target/release/wijkstem-app" xvfb-run -a -s "-screen 0 1920x1200x24" python3 "$ROOT/benches/projector.py"
