#!/usr/bin/env bash
# Installs what building and testing MedReach needs, and only what is missing.
#
#   bash scripts/setup.sh
#
# Idempotent: a second run checks versions, installs nothing and takes a few seconds.
# Installs (each only when missing or at the wrong version):
#   - rustup target wasm32-unknown-unknown, components rustfmt and clippy
#   - Trunk 0.21.14                (cargo install --locked; 8 to 14 min on 2 cores)
#   - wasm-bindgen CLI at exactly the `wasm-bindgen` version in Cargo.lock
#                                  (cargo install, not --locked; about 3.5 min); it also provides
#                                  wasm-bindgen-test-runner, the wasm32 test runner
#   - node_modules from package-lock.json (npm ci): binaryen 132 (wasm-opt), playwright-core,
#                                  pdfjs-dist (reads the printed report's text; pure JavaScript:
#                                  .npmrc's omit=optional leaves out its native canvas binary),
#                                  puppeteer-core (drives Firefox over WebDriver BiDi; downloads
#                                  no browser)
#   - Debian chromium, chromium-driver, fonts-noto-cjk, and the other engines of the cross-engine
#     tests (tests/e2e/engines.test.mjs): firefox-esr, webkit2gtk-driver (WebKitWebDriver and
#     WebKitGTK's MiniBrowser) and xvfb (the MiniBrowser has no headless mode)
#                                  (apt-get; sudo only when not root)
# Nothing is downloaded from anywhere but crates.io, the npm registry and Debian's archive.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION="0.21.14"
WASM_OPT_VERSION="version_132"
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"

log() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# Runs "$@" and reports how long it took.
timed() {
  local start=$SECONDS
  "$@"
  log "  ... took $((SECONDS - start)) s"
}

# The version a tool prints as its second word ("trunk 0.21.14", "wasm-bindgen 0.2.130"),
# or nothing when the tool is missing or fails.
tool_version() {
  command -v "$1" >/dev/null 2>&1 || return 0
  "$1" --version 2>/dev/null | awk 'NR == 1 { print $2 }' || true
}

setup_start=$SECONDS

# --- PATH: cargo-installed tools, then our node tools first ----------------------------------
case ":$PATH:" in
  *":$CARGO_BIN:"*) ;;
  *)
    log "adding $CARGO_BIN to PATH (for this script; scripts/test.sh and serve.sh do the same)"
    export PATH="$CARGO_BIN:$PATH"
    ;;
esac
export PATH="$ROOT/node_modules/.bin:$PATH"

command -v cargo >/dev/null 2>&1 || die "cargo not found (looked on PATH and in $CARGO_BIN)"
command -v rustup >/dev/null 2>&1 || die "rustup not found"
command -v node >/dev/null 2>&1 || die "node not found"
command -v npm >/dev/null 2>&1 || die "npm not found"
command -v python3 >/dev/null 2>&1 || die "python3 not found (scripts/test.sh serves dist/ with it)"

# --- Rust target and components ---------------------------------------------------------------
if rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
  log "ok: rust target wasm32-unknown-unknown"
else
  log "installing rust target wasm32-unknown-unknown"
  timed rustup target add wasm32-unknown-unknown
fi

installed_components="$(rustup component list --installed)"
for component in rustfmt clippy; do
  if grep -q "^${component}\(-\|$\)" <<<"$installed_components"; then
    log "ok: rustup component $component"
  else
    log "installing rustup component $component"
    timed rustup component add "$component"
  fi
done

# --- Trunk --------------------------------------------------------------------------------------
have="$(tool_version trunk)"
if [[ "$have" == "$TRUNK_VERSION" ]]; then
  log "ok: trunk $have"
else
  log "installing trunk $TRUNK_VERSION (found: ${have:-none}); takes 8 to 14 min on 2 cores"
  timed nice -n 10 cargo install trunk --version "$TRUNK_VERSION" --locked
  have="$(tool_version trunk)"
  [[ "$have" == "$TRUNK_VERSION" ]] || die "trunk --version says '${have:-nothing}', wanted $TRUNK_VERSION (is another trunk earlier on PATH?)"
fi

# --- wasm-bindgen CLI at Cargo.lock's version ---------------------------------------------------
if [[ ! -f Cargo.lock ]]; then
  log "no Cargo.lock: cargo generate-lockfile"
  timed cargo generate-lockfile
fi
WASM_BINDGEN_VERSION="$(awk '
  $0 == "name = \"wasm-bindgen\"" { found = 1; next }
  found && /^version = / { gsub(/"/, "", $3); print $3; exit }
  /^\[\[package\]\]/ { found = 0 }
' Cargo.lock)"
[[ -n "$WASM_BINDGEN_VERSION" ]] || die "no wasm-bindgen package in Cargo.lock"

trunk_wb="$(sed -n 's/^[[:space:]]*wasm_bindgen[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' Trunk.toml)"
[[ "$trunk_wb" == "$WASM_BINDGEN_VERSION" ]] ||
  die "Trunk.toml [tools] wasm_bindgen = \"$trunk_wb\" but Cargo.lock has wasm-bindgen $WASM_BINDGEN_VERSION: make them equal"

have="$(tool_version wasm-bindgen)"
have_runner="$(tool_version wasm-bindgen-test-runner)"
if [[ "$have" == "$WASM_BINDGEN_VERSION" && "$have_runner" == "$WASM_BINDGEN_VERSION" ]]; then
  log "ok: wasm-bindgen $have, wasm-bindgen-test-runner $have_runner"
else
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (found: ${have:-none}); takes about 3.5 min"
  # Not --locked: the crate's own lock names a dependency version that is not on crates.io.
  timed nice -n 10 cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  have="$(tool_version wasm-bindgen)"
  [[ "$have" == "$WASM_BINDGEN_VERSION" ]] || die "wasm-bindgen --version says '${have:-nothing}', wanted $WASM_BINDGEN_VERSION"
fi

# --- Node packages: wasm-opt (binaryen), playwright-core, pdfjs-dist, puppeteer-core -------------
# npm writes node_modules/.package-lock.json on every install: use it as the stamp.
stamp="node_modules/.package-lock.json"
if [[ -f "$stamp" && ! package-lock.json -nt "$stamp" && ! package.json -nt "$stamp" \
      && -x node_modules/.bin/wasm-opt && -d node_modules/playwright-core \
      && -d node_modules/pdfjs-dist && -d node_modules/puppeteer-core ]]; then
  log "ok: node_modules up to date with package-lock.json"
else
  # npm ci empties node_modules first: through a symlink (a git worktree sharing another
  # checkout's packages) it would empty that checkout's too, under whatever runs there.
  [[ -L node_modules ]] && die "node_modules is a symlink ($(readlink node_modules)): give this checkout its own (rm node_modules) before setup installs into it"
  log "npm ci (node_modules missing or older than package-lock.json)"
  timed npm ci --no-audit --no-fund
fi
wasm_opt_out="$(node_modules/.bin/wasm-opt --version)"
[[ "$wasm_opt_out" == *"($WASM_OPT_VERSION)"* ]] ||
  die "node_modules/.bin/wasm-opt says '$wasm_opt_out', wanted $WASM_OPT_VERSION"
log "ok: $wasm_opt_out"

# --- Browsers, their drivers and a CJK font (Debian) --------------------------------------------
# fonts-noto-cjk: without it headless Chromium draws the Chinese UI as empty boxes.
# firefox-esr, webkit2gtk-driver and xvfb: the other engines of tests/e2e/engines.test.mjs.
missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'install ok installed' || missing+=(fonts-noto-cjk)
[[ -x /usr/bin/firefox-esr ]] || missing+=(firefox-esr)
[[ -x /usr/bin/WebKitWebDriver ]] || missing+=(webkit2gtk-driver)
[[ -x /usr/bin/Xvfb ]] || missing+=(xvfb)
if [[ ${#missing[@]} -eq 0 ]]; then
  log "ok: /usr/bin/chromium, /usr/bin/chromedriver, fonts-noto-cjk, /usr/bin/firefox-esr, /usr/bin/WebKitWebDriver, /usr/bin/Xvfb"
else
  SUDO=""
  if [[ "$(id -u)" != 0 ]]; then SUDO="sudo"; fi
  log "installing Debian packages: ${missing[*]} (chromium: about 70 s; firefox-esr and webkit2gtk-driver with WebKitGTK: about 115 MB more to fetch)"
  apt_start=$SECONDS
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y "${missing[@]}"
  log "  ... took $((SECONDS - apt_start)) s"
  for bin in chromium chromedriver firefox-esr WebKitWebDriver Xvfb; do
    [[ -x "/usr/bin/$bin" ]] || die "/usr/bin/$bin still missing after apt-get install"
  done
fi

log "ready in $((SECONDS - setup_start)) s"
