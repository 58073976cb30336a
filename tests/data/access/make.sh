#!/usr/bin/env bash
# Makes the capacity-limited coverage fixture (see make.py and README.md here): a cut of the demo
# county, MedReach's own travel times within each catchment (`medreach access --times`), and the
# 2SFCA / E2SFCA / G2SFCA ratios PySAL's `access` computes from them.
#
# Run from anywhere: bash tests/data/access/make.sh
# It builds medreach (cargo, into $CARGO_TARGET_DIR or target/) and installs PySAL's access at
# the pinned version into a virtual environment ($ACCESS_VENV, by default under the target dir)
# from PyPI.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="${ACCESS_VENV:-$TARGET/access-venv}"
ACCESS_VERSION=1.1.10.post3

(cd "$ROOT" && cargo build --quiet --bin medreach)
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet "access==$ACCESS_VERSION"
"$VENV/bin/python" "$HERE/make.py" "$TARGET/debug/medreach"
