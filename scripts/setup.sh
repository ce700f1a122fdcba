# Sourced by launch.sh and test.sh: installs what is missing, nothing more.
# Safe to run again; each step checks before it installs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

APT_PACKAGES=(
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev
  libayatana-appindicator3-dev build-essential pkg-config libssl-dev xvfb xauth
  webkit2gtk-driver poppler-utils zbar-tools qpdf minisign fonts-dejavu-core
)

say() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }

ensure_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing system packages: ${missing[*]}"
  local SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_rust() {
  command -v cargo >/dev/null && return 0
  echo "Rust (cargo) is needed: install it with your package manager or rustup, then run this again." >&2
  exit 1
}

ensure_npm() {
  command -v npm >/dev/null || { say "Installing Node.js and npm"; DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq nodejs npm >/dev/null; }
  # Install only when package.json or the lock file changed since the last
  # install. `npm install` (not `npm ci`): npm 11 writes lock files without the
  # other platforms' optional packages, which `npm ci` then refuses; the lock
  # still pins every version we use.
  local stamp="$ROOT/ui/node_modules/.wijkstem-stamp"
  local want
  want="$(cat "$ROOT/ui/package.json" "$ROOT/ui/package-lock.json" | sha256sum)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "Installing front-end packages (npm)"
    (cd "$ROOT/ui" && npm install --no-audit --no-fund --loglevel=error)
    want="$(cat "$ROOT/ui/package.json" "$ROOT/ui/package-lock.json" | sha256sum)"
    echo "$want" > "$stamp"
  fi
}

ensure_tauri_driver() {
  command -v tauri-driver >/dev/null && return 0
  say "Installing tauri-driver (WebDriver bridge for the end-to-end tests)"
  cargo install tauri-driver --version 2.1.0 --locked --quiet
}

build_ui() {
  say "Building the user interface"
  (cd "$ROOT/ui" && npm run --silent build >/dev/null)
}

build_app() {
  say "Building the app"
  (cd "$ROOT" && cargo build --quiet -p wijkstem-app -p wijkstem "$@")
}
