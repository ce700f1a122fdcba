#!/usr/bin/env bash
# Builds the installable packages (.deb and .rpm) with the Tauri bundler.
source "$(dirname "$0")/setup.sh"
usage() {
  cat <<'USAGE'
Usage: scripts/package.sh [--debug]

Builds Wijkstem's installable Linux packages with the Tauri bundler (from the
npm package @tauri-apps/cli; nothing is downloaded from elsewhere):
  target/release/bundle/deb/Wijkstem_<version>_amd64.deb
  target/release/bundle/rpm/Wijkstem-<version>-1.x86_64.rpm
Each holds the app (wijkstem-app, with a menu entry in Dutch and English and
an icon) and the command line (wijkstem), and declares the system libraries
it needs (WebKitGTK 4.1, GTK 3). Windows and macOS installers are made by
.github/workflows/release.yml.

Options:
  --debug     package a debug build instead (faster to build; what the test
              command installs and starts); output under target/debug/bundle/.
  -h, --help  show this help and exit (installs and builds nothing).

USAGE
  installs_help apt npm
}
profile=release
for a in "$@"; do
  case "$a" in
    -h | --help) usage; exit 0 ;;
    --debug) profile=debug ;;
    *) usage >&2; exit 2 ;;
  esac
done
ensure_apt
ensure_rust
ensure_npm
build_ui

if [ "$profile" = release ]; then
  say "Building the command line and the app (release)"
  (cd "$ROOT" && cargo build --quiet --release -p wijkstem-app -p wijkstem)
  say "Bundling .deb and .rpm"
  (cd "$ROOT" && ui/node_modules/.bin/tauri build --ci --bundles deb,rpm)
else
  say "Building the command line and the app (debug)"
  (cd "$ROOT" && cargo build --quiet -p wijkstem-app -p wijkstem)
  say "Bundling .deb and .rpm (debug build)"
  files='{"/usr/bin/wijkstem":"../target/debug/wijkstem"}'
  (cd "$ROOT" && ui/node_modules/.bin/tauri build --ci --debug --bundles deb,rpm \
    --config "{\"bundle\":{\"linux\":{\"deb\":{\"files\":$files},\"rpm\":{\"files\":$files}}}}")
fi
ls -1 "$ROOT/target/$profile/bundle/deb/"*.deb "$ROOT/target/$profile/bundle/rpm/"*.rpm
