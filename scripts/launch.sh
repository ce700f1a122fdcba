#!/usr/bin/env bash
# Installs what is missing, builds, and opens Wijkstem.
# Any arguments go to the app, e.g. `--db /media/usb/wijkbudget.sqlite`.
# With no database yet, the app opens on the built-in demo edition.
source "$(dirname "$0")/setup.sh"
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
