#!/usr/bin/env bash
# Sourced by launch.sh, test.sh, bench.sh and fuzz.sh: installs what is
# missing, nothing more. Safe to run again; each step checks before it
# installs and says what it will install first. Sourcing it installs nothing:
# only the functions below do, when a script calls them.

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  # Run on its own rather than sourced: explain, change nothing.
  usage() {
    cat <<'EOF'
Usage: scripts/setup.sh [-h|--help]

Shared set-up for launch.sh, test.sh, bench.sh and fuzz.sh, which source it.
Run on its own it only prints this help; it installs nothing.

What the scripts that source it install, each only when missing:
  - Debian/Ubuntu packages with apt-get (WebKitGTK and build tools, Xvfb,
    WebKitWebDriver, poppler-utils, zbar-tools, qpdf, minisign, fonts;
    the list is APT_PACKAGES in this file), through sudo when not root;
  - Node.js and npm (apt-get), then the front-end packages in ui/node_modules
    with `npm ci` (exact versions from ui/package-lock.json);
  - tauri-driver (test.sh, bench.sh) and cargo-fuzz (fuzz.sh) with
    `cargo install` into ~/.cargo/bin.
Rust (cargo) must already be installed.
EOF
  }
  case "${1:-}" in
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
fi

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

APT_PACKAGES=(
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev
  libayatana-appindicator3-dev build-essential pkg-config libssl-dev xvfb xauth
  webkit2gtk-driver poppler-utils zbar-tools qpdf minisign fonts-dejavu-core
  cmake g++ libclang-dev
)

say() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }

TAURI_DRIVER_VERSION=2.1.0
CARGO_FUZZ_VERSION=0.13.2

# For a script's --help: what the steps it calls install (apt, npm,
# tauri-driver, cargo-fuzz), in the words of the functions below.
installs_help() {
  echo "What it installs, each only when missing (it says what before it does):"
  local what
  for what in "$@"; do
    case "$what" in
      apt)
        echo "  - Debian/Ubuntu packages with apt-get, through sudo when not root"
        echo "    (WebKitGTK and build tools, Xvfb, WebKitWebDriver, poppler-utils,"
        echo "    zbar-tools, qpdf, minisign, ...; the list is APT_PACKAGES in scripts/setup.sh);"
        ;;
      npm)
        echo "  - Node.js and npm (apt-get), and the front-end packages in ui/node_modules"
        echo "    with \`npm ci\` (versions from ui/package-lock.json);"
        ;;
      tauri-driver) echo "  - tauri-driver $TAURI_DRIVER_VERSION with \`cargo install\` into ~/.cargo/bin;" ;;
      cargo-fuzz) echo "  - cargo-fuzz $CARGO_FUZZ_VERSION with \`cargo install\` into ~/.cargo/bin;" ;;
    esac
  done
  echo "Rust (cargo) must already be installed."
}

# For scripts that take no arguments: -h/--help prints the script's `usage`
# and exits; anything else is refused. Nothing is installed before this.
help_or_no_arguments() {
  case "${1:-}" in
    -h | --help) usage; exit 0 ;;
    "") ;;
    *) echo "Unknown argument: $1 (see $0 --help)" >&2; exit 2 ;;
  esac
}

# How system packages get installed: directly as root, else through sudo.
# Without either, apt_install stops with a clear message, but only when
# something is actually missing.
SUDO=""
NO_ROOT=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    NO_ROOT=1
  fi
fi
APT_UPDATED=""

# apt_install PACKAGE...: says what it installs, then installs it.
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "These packages are needed: $*" >&2
    echo "This script installs them with apt-get (Debian or Ubuntu), which is not here: install them yourself, then run this again." >&2
    exit 1
  fi
  if [ -n "$NO_ROOT" ]; then
    echo "These packages are needed: $*" >&2
    echo "Installing them needs root, and this user is not root and has no sudo." >&2
    echo "Ask an administrator to run: apt-get install $*  (or run this script as root), then run it again." >&2
    exit 1
  fi
  say "Installing system packages with apt-get${SUDO:+ (through sudo, which may ask for your password)}: $*"
  if [ -z "$APT_UPDATED" ]; then
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  # `env` so the setting survives sudo, which clears the environment.
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  apt_install "${missing[@]}"
}

ensure_rust() {
  command -v cargo >/dev/null && return 0
  echo "Rust (cargo) is needed: install it with your package manager or rustup, then run this again." >&2
  exit 1
}

# What the front-end packages are installed from: package.json and the lock file.
ui_stamp() {
  { cat "$ROOT/ui/package.json"; cat "$ROOT/ui/package-lock.json" 2>/dev/null || true; } | sha256sum
}

ensure_npm() {
  command -v npm >/dev/null || apt_install nodejs npm
  # The front end's build tool (vite 7) needs Node.js 20.19+ or 22.12+.
  local v major minor
  v="$(node --version 2>/dev/null || echo v0.0.0)"
  v="${v#v}"
  major="${v%%.*}"
  minor="${v#*.}"
  minor="${minor%%.*}"
  if ! { [ "$major" -eq 20 ] && [ "$minor" -ge 19 ]; } && ! { [ "$major" -eq 22 ] && [ "$minor" -ge 12 ]; } && [ "$major" -lt 23 ]; then
    echo "Node.js $v is too old for the front end (it needs 20.19 or newer, or 22.12 or newer)." >&2
    echo "Install a newer Node.js (for example from NodeSource or with nvm), then run this again." >&2
    exit 1
  fi
  # Install only when package.json or the lock file changed since the last
  # install. `npm ci` installs exactly the versions in ui/package-lock.json
  # and never rewrites it; the lock lists every platform's optional packages
  # (rollup's native builds), which `npm ci` requires.
  local stamp="$ROOT/ui/node_modules/.wijkstem-stamp"
  local want
  want="$(ui_stamp)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    local direct
    direct="$(cd "$ROOT/ui" && node -p 'const p = require("./package.json"); Object.keys({ ...p.dependencies, ...p.devDependencies }).join(" ")')"
    if [ -f "$ROOT/ui/package-lock.json" ]; then
      say "Installing front-end packages into ui/node_modules with npm ci (versions from ui/package-lock.json): $direct, and what they need"
      (cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error)
    else
      say "Installing front-end packages into ui/node_modules with npm install (no lock file yet): $direct, and what they need"
      (cd "$ROOT/ui" && npm install --no-audit --no-fund --loglevel=error)
      want="$(ui_stamp)"
    fi
    echo "$want" > "$stamp"
  fi
}

ensure_tauri_driver() {
  command -v tauri-driver >/dev/null && return 0
  say "Installing tauri-driver $TAURI_DRIVER_VERSION (WebDriver bridge for the end-to-end tests) with cargo install into ~/.cargo/bin"
  cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked --quiet
}

ensure_cargo_fuzz() {
  cargo fuzz --version >/dev/null 2>&1 && return 0
  say "Installing cargo-fuzz $CARGO_FUZZ_VERSION (fuzzing driver) with cargo install into ~/.cargo/bin"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --quiet
}

build_ui() {
  say "Building the user interface"
  (cd "$ROOT/ui" && npm run --silent build >/dev/null)
}

build_app() {
  say "Building the app"
  (cd "$ROOT" && cargo build --quiet -p wijkstem-app -p wijkstem "$@")
}
