#!/usr/bin/env bash
# Fuzzes MedReach's readers with cargo-fuzz (libFuzzer): scripts/fuzz.sh [TARGET] [SECONDS]
# runs TARGET (every target when it is omitted or "all") for SECONDS each (default 180), one
# after the other, one job each. The targets (fuzz/fuzz_targets/): geojson, osm_pbf,
# shapefile_zip, shapefile_parts, csv, xlsx, xlsx_sheet, kml, kmz, crs_wkt. Each starts from its seeds
# (fuzz/seeds/TARGET, committed) and what earlier runs found (fuzz/corpus/TARGET, not
# committed); a crash, timeout or out-of-memory input lands in fuzz/artifacts/TARGET/ and
# stops that target's run. Keep every such input as a test in tests/fuzz_regressions.rs.
#
# Needs a nightly Rust toolchain (cargo-fuzz builds with flags only nightly has):
#   rustup toolchain install nightly
# cargo-fuzz itself is installed from crates.io when missing. CI does not fuzz; it runs
# tests/fuzz_regressions.rs with the other tests.
#
# FUZZ_TARGET_DIR sets the build folder (default fuzz/target); CARGO_BUILD_JOBS the build's
# jobs. Builds run under nice.
set -euo pipefail
cd "$(dirname "$0")/.."
ALL=(geojson osm_pbf shapefile_zip shapefile_parts csv xlsx xlsx_sheet kml kmz crs_wkt)
target="${1:-all}"
seconds="${2:-180}"
if [[ "$target" == "all" ]]; then
  targets=("${ALL[@]}")
elif [[ " ${ALL[*]} " == *" $target "* ]]; then
  targets=("$target")
else
  echo "scripts/fuzz.sh: no target \"$target\"; the targets are: ${ALL[*]}" >&2
  exit 2
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "scripts/fuzz.sh: fuzzing needs a nightly Rust toolchain: rustup toolchain install nightly" >&2
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "scripts/fuzz.sh: installing cargo-fuzz from crates.io" >&2
  nice -n 15 cargo install cargo-fuzz --locked
fi
# The readers are fuzzed with the very dependency versions the main package ships (osmpbf,
# calamine, zip, quick-xml …): its lock file, to which cargo adds libfuzzer-sys.
cp Cargo.lock fuzz/Cargo.lock
dir="${FUZZ_TARGET_DIR:-fuzz/target}"
# No sanitizer (the readers are safe Rust; panics, overflows, timeouts and memory are what is
# looked for), with debug assertions so that arithmetic overflow panics as in the test build.
flags=(-s none -a --target-dir "$dir")
nice -n 15 cargo +nightly fuzz build "${flags[@]}"
status=0
for t in "${targets[@]}"; do
  echo "== $t: ${seconds}s"
  mkdir -p "fuzz/corpus/$t"
  nice -n 15 cargo +nightly fuzz run "${flags[@]}" "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 || status=1
done
exit "$status"
