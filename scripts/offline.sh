#!/usr/bin/env bash
# Writes MedReach as ONE self-contained HTML file — the wasm, the worker, the JS glue, the styles
# and the demo data inside it — that works when double-clicked (opened as file://) and requests
# nothing: a copy to hand over on a USB stick or by mail.
#
#   bash scripts/offline.sh OUT.html
#
# Reuses dist/ when it is newer than everything the build reads; otherwise runs scripts/setup.sh
# (installs only what is missing) and `trunk build --release` first. Then scripts/offline.mjs
# packs dist/ into OUT.html (see there how the file starts). The same dist/ gives the same file.
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
  echo "usage: bash scripts/offline.sh OUT.html" >&2
  exit 2
fi
OUT="$(realpath -m -- "$1")"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# What the build reads: the sources, the demo data built into the wasm, the styles, the page,
# the configuration and the post-build hooks.
INPUTS=(src demo style pwa index.html Trunk.toml Cargo.toml Cargo.lock .cargo scripts/csp.mjs scripts/pwa.mjs)

stale() {
  [[ -f dist/index.html ]] || { echo "[offline] no dist/index.html"; return 0; }
  local existing=() newer
  for input in "${INPUTS[@]}"; do
    [[ -e "$input" ]] && existing+=("$input")
  done
  newer="$(find "${existing[@]}" -newer dist/index.html -print -quit)"
  if [[ -n "$newer" ]]; then
    echo "[offline] dist/ is older than $newer"
    return 0
  fi
  return 1
}

if stale; then
  bash scripts/setup.sh
  echo "[offline] trunk build --release"
  trunk build --release
else
  echo "[offline] dist/ is up to date: reusing it"
fi
mkdir -p "$(dirname "$OUT")"
node scripts/offline.mjs dist "$OUT"
