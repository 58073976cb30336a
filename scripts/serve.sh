#!/usr/bin/env bash
# Builds MedReach and serves it, rebuilding on change, at http://127.0.0.1:8080/
# (the app opens with its demo loaded).
#
#   bash scripts/serve.sh [extra trunk serve options, e.g. --port 8081]
#
# Runs scripts/setup.sh first (installs only what is missing), then `trunk serve --release`
# with the settings in Trunk.toml (offline, pinned wasm-bindgen and wasm-opt, 127.0.0.1:8080).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

bash scripts/setup.sh
echo "[serve] trunk serve --release on http://127.0.0.1:8080/ (Ctrl-C to stop)"
exec trunk serve --release "$@"
