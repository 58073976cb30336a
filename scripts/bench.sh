#!/usr/bin/env bash
# Measures MedReach's nearest-facility pass against scipy, igraph and networkx on the identical
# graph, in one run on this machine, and prints the times and ratios.
#
#   bash scripts/bench.sh [bench_route options]
#
# Default: Porto (tests/data/osm/porto.osm.pbf), drive mode, 30 facilities on road nodes
# drawn with a fixed seed. Any option is passed to the example, e.g.
#   bash scripts/bench.sh --roads demo/andorra/roads.geojson --mode walk
#   bash scripts/bench.sh --synthetic 1000000       # a generated network (src/synthetic.rs)
#
# Steps: a virtual environment in target/bench-venv with the peers from PyPI (pinned; installed
# once), `cargo build --release --example bench_route`, the example (loads the network, builds
# the routing graph, times nearest_origin, exports the graph and its result to
# target/bench/<name>/), then scripts/bench_peers.py (times the peers on that graph, checks they
# agree with MedReach to 1e-9 min, prints the table; also target/bench/<name>/results.json).
# Close other work first: the numbers are only as steady as the machine is idle.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
exec </dev/null
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

VENV="$ROOT/target/bench-venv"
PEERS=(scipy==1.17.1 numpy==2.4.6 igraph==1.0.0 networkx==3.6.1 spopt==0.7.0 pulp==3.3.2 pyproj==3.7.2)

# The output folder: --out if given, else target/bench/<input file name without extensions>.
OUT=""
INPUT="porto"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --out) OUT="${args[$((i + 1))]:-}" ;;
    --pbf | --roads)
      INPUT="$(basename "${args[$((i + 1))]:-}")"
      INPUT="${INPUT%%.*}"
      [[ "${args[$i]}" == --roads ]] && INPUT="$(basename "$(dirname "${args[$((i + 1))]}")")-$INPUT"
      ;;
    --synthetic) INPUT="synthetic-${args[$((i + 1))]:-}" ;;
  esac
done
if [[ -z "$OUT" ]]; then
  OUT="$ROOT/target/bench/$INPUT"
  args+=(--out "$OUT")
fi

if ! "$VENV/bin/python" -c 'import scipy, numpy, igraph, networkx, spopt, pulp, pyproj' 2>/dev/null; then
  echo "== installing ${PEERS[*]} into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PEERS[@]}"
fi

echo "== cargo build --release --example bench_route"
nice -n 10 cargo build --release --example bench_route

echo "== machine: $(nproc) cores; $(uptime | sed 's/.*load average/load average/'); compilers running (rustc, clippy-driver): $(ps -eo comm= | grep -c -E "^(rustc|clippy-driver)$" || true)"
echo "== MedReach"
"$ROOT/target/release/examples/bench_route" "${args[@]}"
echo "== peers"
"$VENV/bin/python" "$ROOT/scripts/bench_peers.py" "$OUT" --json "$OUT/results.json"

# Site suggestion against PySAL spopt's MCLP solved by CBC (PuLP's bundled binary), on Porto
# walking: 30 clinics, 20,000 settlements, 300 candidates, K = 10 (the same problem exported);
# then 2,000 candidates, MedReach alone (its proven gap). Only for the default input; skip with
# MEDREACH_BENCH_PLAN=0.
if [[ "${MEDREACH_BENCH_PLAN:-1}" == 1 && -z "$(printf '%s\n' "${args[@]}" | grep -E '^--(roads|synthetic|mode|facilities|seed|pbf)$' || true)" ]]; then
  echo "== site suggestion: MedReach against spopt MCLP + CBC"
  nice -n 10 cargo build --release --example bench_plan
  "$ROOT/target/release/examples/bench_plan" --out "$ROOT/target/bench/plan-porto"
  "$VENV/bin/python" "$ROOT/scripts/bench_plan_peers.py" "$ROOT/target/bench/plan-porto" \
    --json "$ROOT/target/bench/plan-porto/results.json"
  "$ROOT/target/release/examples/bench_plan" --candidates 2000 --no-export \
    --out "$ROOT/target/bench/plan-porto-2000"
  echo "== travel-time surface: a synthetic county of 5,000 km² at 50 m (medreach synthetic)"
  nice -n 10 cargo build --release
  "$ROOT/target/release/medreach" synthetic --junctions 500000 >"$ROOT/target/bench/synthetic-500000.json"
  "$VENV/bin/python" - "$ROOT/target/bench/synthetic-500000.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s, cells = d["seconds"], d["surface_cells"]
print(f"{cells} cells: surface {s['surface_50m']:.2f} s ({cells / s['surface_50m'] / 1e6:.2f} M cells/s natively), "
      f"isochrones of 5 bands {s['isochrones']:.2f} s")
PY
fi

# GeoJSON in, walking times out: the command line against the Python scipy pipeline on Porto's
# roads, 30 clinics and 20,000 settlements written as GeoJSON (examples/bench_read.rs), with the
# GeoJSON reader's throughput and peak memory. Only for the default input; skip with
# MEDREACH_BENCH_READ=0.
GEOJSON_DIR="$ROOT/target/bench/porto-geojson"
if [[ "${MEDREACH_BENCH_READ:-1}" == 1 && -z "$(printf '%s\n' "${args[@]}" | grep -E '^--(roads|synthetic|mode|facilities|seed|pbf)$' || true)" ]]; then
  echo "== GeoJSON in, times out: MedReach's command line against the scipy pipeline"
  nice -n 10 cargo build --release --example bench_read
  nice -n 10 cargo build --release
  "$ROOT/target/release/examples/bench_read" make --out "$GEOJSON_DIR"
  "$VENV/bin/python" "$ROOT/scripts/bench_read.py" "$GEOJSON_DIR" --medreach "$ROOT/target/release/medreach" \
    --bench-read "$ROOT/target/release/examples/bench_read" --json "$GEOJSON_DIR/results.json"
  # One what-if edit (a facility added) recomputed, on the demo county and on the same Porto
  # files (examples/bench_edit.rs); issue 12's targets: 16 ms and 100 ms.
  echo "== one what-if edit, recomputed"
  nice -n 10 cargo build --release --example bench_edit
  BENCH_EDIT_STAGES=1 "$ROOT/target/release/examples/bench_edit" --porto "$GEOJSON_DIR"
fi

# The same pass in WebAssembly, in headless Chromium (the page's timing view), then Porto end to
# end in the page and a synthetic network of MEDREACH_BENCH_JUNCTIONS junctions (default 2M).
# Only for the default input (the timing view reads an .osm.pbf); skip with MEDREACH_BENCH_WASM=0.
if [[ "${MEDREACH_BENCH_WASM:-1}" == 1 && -z "$(printf '%s\n' "${args[@]}" | grep -E '^--(roads|synthetic|mode|facilities|seed)$' || true)" ]]; then
  export PATH="$ROOT/node_modules/.bin:$PATH"
  # Trunk, wasm-bindgen, wasm-opt, playwright-core and Chromium: installs what is missing (on a
  # fresh clone), else only checks versions (a few seconds).
  echo "== bash scripts/setup.sh (the page's tools)"
  bash "$ROOT/scripts/setup.sh"
  echo "== trunk build --release (the page)"
  nice -n 10 trunk build --release >/dev/null
  PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$ROOT/dist" >/dev/null 2>&1 &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null || true' EXIT
  sleep 1
  PBF="$ROOT/tests/data/osm/porto.osm.pbf"
  for ((i = 0; i < ${#args[@]}; i++)); do [[ "${args[$i]}" == --pbf ]] && PBF="${args[$((i + 1))]}"; done
  echo "== WebAssembly in headless Chromium"
  node "$ROOT/scripts/bench_wasm.mjs" "http://127.0.0.1:$PORT/" "$PBF" \
    --junctions "${MEDREACH_BENCH_JUNCTIONS:-2000000}" --json "$OUT/wasm.json" \
    $([[ -f "$GEOJSON_DIR/results.json" ]] && echo --geojson "$GEOJSON_DIR")
  # What-if edits in the page: the worker's time per facility added and the map's redraw
  # (issue 12's targets: 16 ms on the demo county, 100 ms on Porto).
  echo "== what-if edits in the page: the demo county"
  node "$ROOT/scripts/bench_edit_page.mjs" "http://127.0.0.1:$PORT/" --edits 12
  if [[ -f "$GEOJSON_DIR/roads.geojson" ]]; then
    echo "== what-if edits in the page: Porto"
    node "$ROOT/scripts/bench_edit_page.mjs" "http://127.0.0.1:$PORT/" --edits 6 --geojson "$GEOJSON_DIR"
  fi
  "$VENV/bin/python" - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
res = json.load(open(f"{out}/results.json"))
wasm = json.load(open(f"{out}/wasm.json"))
by = {r["engine"].split()[0] + (" virtual" if "virtual" in r["engine"] else ""): r for r in res["results"]}
w = float(wasm["wasm_pass_median_ms"])
native = by["MedReach"]["median_ms"]
scipy = by["scipy"]["median_ms"]
print(f"== WebAssembly pass: median {w:.1f} ms; native MedReach {native:.1f} ms ({w / native:.2f}x native); "
      f"scipy native {scipy:.1f} ms: wasm is {scipy / w:.2f}x scipy's speed "
      f"({'no slower than scipy' if w <= scipy else 'SLOWER than scipy'})")
import os
geo = f"{os.path.dirname(out)}/porto-geojson/results.json"
if "geojson_end_to_end_ms" in wasm and os.path.exists(geo):
    g = json.load(open(geo))
    page = float(wasm["geojson_end_to_end_ms"]) / 1000
    figures = float(wasm.get("geojson_figures_ms", wasm["geojson_end_to_end_ms"])) / 1000
    print(f"== GeoJSON in the page: {page:.2f} s end to end (files dropped -> map drawn), "
          f"{figures:.2f} s to the figures; scipy pipeline {g['scipy_s']:.2f} s: the page is "
          f"{g['scipy_s'] / page:.2f}x faster to the map, {g['scipy_s'] / figures:.2f}x to the figures (target >= 2x)")
PY
fi
