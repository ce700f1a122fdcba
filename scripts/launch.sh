#!/usr/bin/env bash
# Installs what is missing, builds, and opens Wijkstem.
# Any arguments go to the app, e.g. `--db /media/usb/wijkbudget.sqlite`.
# With no database yet, the app opens on the built-in demo edition.
source "$(dirname "$0")/setup.sh"
usage() {
  cat <<'HELP'
Usage: scripts/launch.sh [--db FILE]

Installs what is missing, builds Wijkstem (release build) and opens it.
Without a screen (no DISPLAY), it starts on a virtual screen (Xvfb).

Options:
  --db FILE   use this database file (made when it does not exist yet).
              Default: wijkstem.sqlite in the app's data folder
              (~/.local/share/wijkstem/ on Linux). A new, empty database
              starts with the built-in demo edition.
  -h, --help  show this help and exit (installs and builds nothing).

HELP
  installs_help apt npm
  echo "The first build takes several minutes."
}
for arg in "$@"; do
  case "$arg" in
    -h | --help) usage; exit 0 ;;
  esac
done
ensure_apt
ensure_rust
ensure_npm
build_ui
build_app --release
APP="$ROOT/target/release/wijkstem-app"
say "Starting Wijkstem"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No screen found (DISPLAY is not set): starting on a virtual screen." >&2
  exec xvfb-run -a "$APP" "$@"
fi
exec "$APP" "$@"
