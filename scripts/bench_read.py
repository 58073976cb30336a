#!/usr/bin/env python3
"""GeoJSON files in, every settlement's walking time out: MedReach's command line against the
Python scipy pipeline (scripts/peers/scipy_walk_pipeline.py), timed alternately in one run on the
same files, with peak memory; and MedReach's GeoJSON reader alone (throughput, and peak memory
against the file's size).

usage: bench_read.py DIR --medreach BIN --bench-read BIN [--reps 5] [--json OUT]

DIR holds roads.geojson, facilities.geojson and settlements.geojson (made by
`bench_read make`, see examples/bench_read.rs). Each repetition runs, in turn:
  1. `medreach check --roads R --facilities F --settlements S --mode walk` (a fresh process:
     reading, network, joins, routing, rules, the JSON report written to /dev/null);
  2. `python scipy_walk_pipeline.py R F S OUT.json` (a fresh process: json, pyproj, cKDTree,
     csgraph Dijkstra; its times go to a file);
  3. `bench_read read R --reps 1` (MedReach reading the roads file once, for its peak memory).
Wall time and peak resident memory (getrusage of the child) of each; medians are printed. The
reader's throughput comes from one more `bench_read read R --reps 7` (the median of 7 reads in
one process, so it excludes start-up and the file read from disk).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd, stdout=subprocess.DEVNULL):
    """Runs cmd as a child and returns (wall seconds, peak RSS MB, stdout)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    out = proc.stdout.read().decode() if proc.stdout else None
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{err}")
    return seconds, usage.ru_maxrss / 1024.0, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--medreach", required=True)
    ap.add_argument("--bench-read", required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--json")
    a = ap.parse_args()
    roads, facs, setts = (os.path.join(a.dir, f"{n}.geojson") for n in ("roads", "facilities", "settlements"))
    size_mb = sum(os.path.getsize(p) for p in (roads, facs, setts)) / 1e6
    roads_mb = os.path.getsize(roads) / 1e6
    peer_out = os.path.join(a.dir, "scipy_times.json")
    medreach_cmd = [a.medreach, "check", "--roads", roads, "--facilities", facs, "--settlements", setts, "--mode", "walk"]
    scipy_cmd = [sys.executable, os.path.join(HERE, "peers", "scipy_walk_pipeline.py"), roads, facs, setts, peer_out]
    read_cmd = [a.bench_read, "read", roads, "--reps", "1"]
    runs = {"medreach": [], "scipy": [], "read": []}
    for _ in range(a.reps):
        runs["medreach"].append(timed(medreach_cmd)[:2])
        runs["scipy"].append(timed(scipy_cmd)[:2])
        runs["read"].append(timed(read_cmd, stdout=subprocess.PIPE)[:2])
    _, _, text = timed([a.bench_read, "read", roads, "--reps", "7"], stdout=subprocess.PIPE)
    fields = dict(line.split(": ", 1) for line in text.strip().splitlines())
    med = lambda k, i: statistics.median(r[i] for r in runs[k])
    mr_s, sp_s = med("medreach", 0), med("scipy", 0)
    res = {
        "files_mb": round(size_mb, 1),
        "roads_mb": round(roads_mb, 1),
        "reps": a.reps,
        "medreach_s": round(mr_s, 3),
        "medreach_peak_mb": round(med("medreach", 1), 0),
        "scipy_s": round(sp_s, 3),
        "scipy_peak_mb": round(med("scipy", 1), 0),
        "speedup": round(sp_s / mr_s, 2),
        "read_ms": float(fields["read_ms"]),
        "read_mb_per_s": float(fields["mb_per_s"]),
        "read_peak_mb": round(med("read", 1), 0),
        "read_peak_per_file_size": round(med("read", 1) / roads_mb, 2),
    }
    print(f"== GeoJSON in, walking times out ({size_mb:.1f} MB of GeoJSON; medians of {a.reps}, alternating)")
    print(f"MedReach CLI      {mr_s:7.3f} s   peak {res['medreach_peak_mb']:5.0f} MB")
    print(f"scipy pipeline    {sp_s:7.3f} s   peak {res['scipy_peak_mb']:5.0f} MB")
    print(f"MedReach is {res['speedup']:.2f}x faster than the scipy pipeline (target >= 5x)")
    print(f"== MedReach's GeoJSON reader on roads.geojson ({roads_mb:.1f} MB)")
    print(f"read {res['read_ms']:.1f} ms = {res['read_mb_per_s']:.0f} MB/s (target >= 300); "
          f"peak memory of a process reading it once {res['read_peak_mb']:.0f} MB = "
          f"{res['read_peak_per_file_size']:.2f}x the file (target <= 3x)")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(res, fh, indent=1)


if __name__ == "__main__":
    main()
