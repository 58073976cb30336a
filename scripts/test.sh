#!/usr/bin/env bash
# Runs every check of MedReach, in order, stopping at the first failure.
#
#   bash scripts/test.sh
#
# Steps: fmt, no web crate outside src/ui, clippy (native and wasm32), native tests (with doc
# tests), rustdoc with -D warnings, wasm32 tests in headless Chromium, trunk release build, the
# one-file build made from it (scripts/offline.sh), end-to-end tests against dist/ served on a
# free loopback port and against the one file opened from disk: all of them in Chromium
# (Playwright), and a smoke subset in Firefox ESR and WebKitGTK too (tests/e2e/engines.test.mjs).
# Ends with one summary line "N passed, M failed". Exit status is non-zero on any failure.
# Needs no stdin and no terminal (CI=true is fine). The test data are in the repository
# (tests/data/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
exec </dev/null

export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/medreach-test.XXXXXX")"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PASSED=0
FAILED=0
ALL_START=$SECONDS

header() { printf '\n========== %s ==========\n' "$*"; }

# step NAME COMMAND...: runs one check; on failure prints the summary and exits.
step() {
  local name="$1"
  shift
  header "[$((PASSED + 1))] $name"
  local start=$SECONDS rc=0
  "$@" || rc=$?
  if [[ $rc -eq 0 ]]; then
    PASSED=$((PASSED + 1))
    printf -- '---------- ok: %s (%d s)\n' "$name" "$((SECONDS - start))"
  else
    FAILED=$((FAILED + 1))
    printf -- '---------- FAILED: %s (exit %d, %d s)\n' "$name" "$rc" "$((SECONDS - start))"
    printf '\n%d passed, %d failed\n' "$PASSED" "$FAILED"
    exit 1
  fi
}

# Serves dist/ on a free loopback port and runs every tests/e2e/*.test.mjs against it: Chromium
# through Playwright; Firefox ESR (puppeteer-core, WebDriver BiDi) and WebKitGTK (WebKitWebDriver
# under an Xvfb display of its own) in engines.test.mjs, about a minute.
e2e() {
  if [[ ! -f dist/index.html ]]; then
    echo "dist/index.html missing: trunk build did not produce the app" >&2
    return 1
  fi
  local port
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$ROOT/dist" >"$WORK/http.log" 2>&1 &
  SERVER_PID=$!
  local url="http://127.0.0.1:$port/" ready=0
  for _ in $(seq 1 100); do
    if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$url" 2>/dev/null; then
      ready=1
      break
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if [[ $ready -ne 1 ]]; then
    echo "http.server on port $port did not come up:" >&2
    cat "$WORK/http.log" >&2
    return 1
  fi
  echo "serving dist/ at $url"
  local rc=0
  MEDREACH_URL="$url" MEDREACH_OFFLINE_HTML="$WORK/MedReach.html" \
    node --test --test-concurrency=1 tests/e2e/ || rc=$?
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  return $rc
}

# The engine, and what the page and the command line share above it, are pure Rust: only src/ui
# (and src/main.rs, which starts it) may name a web crate.
web_free() {
  local hits
  hits="$(grep -rnwE 'leptos|web_sys|js_sys|wasm_bindgen' src/engine src/app src/devtools src/cli || true)"
  if [[ -n "$hits" ]]; then
    echo "web crates named outside src/ui (the engine must build and test natively):" >&2
    echo "$hits" >&2
    return 1
  fi
  echo "src/engine, src/app, src/devtools, src/cli name no web crate"
}

header "setup (scripts/setup.sh)"
bash scripts/setup.sh

step "cargo fmt --check" cargo fmt --check
step "engine free of web crates" web_free
step "cargo clippy (native)" cargo clippy --all-targets -- -D warnings
step "cargo clippy (wasm32)" cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings
step "cargo test (native, with doc tests)" cargo test
# The criterion benchmarks, built and run once each as tests, so they never rot.
step "benchmarks compile and run once" cargo test --benches
step "cargo doc (-D warnings)" env RUSTDOCFLAGS="-D warnings" cargo doc --no-deps
# The runner (.cargo/config.toml) is wasm-bindgen-test-runner 0.2.130: it finds chromedriver on
# PATH and always passes Chromium headless, no-sandbox and disable-dev-shm-usage. Further
# WebDriver capabilities come from the file named by WASM_BINDGEN_TEST_WEBDRIVER_JSON (default:
# webdriver.json in the crate root). Unless the repo has its own webdriver.json, give it one with
# the flags this closed network needs (no background connections to Google's hosts).
if [[ -z "${WASM_BINDGEN_TEST_WEBDRIVER_JSON:-}" && ! -f webdriver.json ]]; then
  cat >"$WORK/webdriver.json" <<'JSON'
{
  "goog:chromeOptions": {
    "binary": "/usr/bin/chromium",
    "args": [
      "disable-gpu",
      "disable-quic",
      "no-first-run",
      "disable-background-networking",
      "disable-component-update",
      "disable-sync"
    ]
  }
}
JSON
  export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$WORK/webdriver.json"
fi
step "cargo test (wasm32, headless Chromium)" cargo test --target wasm32-unknown-unknown
step "trunk build --release" trunk build --release
# From the dist/ just built (offline.sh reuses it when it is newer than the sources).
step "one-file build (scripts/offline.sh)" bash scripts/offline.sh "$WORK/MedReach.html"
step "end-to-end tests (Chromium; smoke subset in Firefox and WebKit)" e2e

printf '\nall checks passed in %d s\n' "$((SECONDS - ALL_START))"
printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
