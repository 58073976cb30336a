#!/usr/bin/env python3
"""Times scipy, igraph and networkx on the graph MedReach exported, and prints the ratios.

    python3 scripts/bench_peers.py [DIR] [--reps N] [--json OUT]

DIR (default target/bench/porto) is what `cargo run --release --example bench_route` wrote:
the reversed routing graph in CSR form (row = arc head, column = arc tail, weight = minutes),
the source nodes (the facilities), MedReach's result and its timing (meta.json). Every peer
solves the identical problem — the least time from every node to its nearest source — and must
agree with MedReach to 1e-9 min on every node (unreached nodes: infinity on both sides).

- scipy:    scipy.sparse.csgraph.dijkstra(graph, directed=True, indices=sources, min_only=True)
            on the CSR array built from the exported arrays as they are (parallel arcs kept;
            csgraph takes the cheapest).
- igraph:   Graph.distances(source=sources, weights=..., mode="out"), then the minimum over
            the sources (igraph has no multi-source search: one Dijkstra per source).
- igraph, virtual source: the same graph plus one node with a 0-minute arc to every source,
            one Graph.distances from it (the usual way to get a multi-source search in igraph).
- networkx: multi_source_dijkstra_path_length(G, sources, weight="weight") on a DiGraph
            (parallel arcs merged to the cheapest, which gives the same times).

Times are medians of repeated calls on the prebuilt graph (graph construction is not timed),
in the same process, one after the other. Ratios are peer time / MedReach time, of the
medians and of the minimums (the minimum is the steadier figure on a busy machine).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

TOLERANCE_MIN = 1e-9


def load(dir_: Path):
    arrays = {
        name: np.load(dir_ / f"{name}.npy")
        for name in ("indptr", "indices", "weights", "sources", "minutes", "labels")
    }
    meta = json.loads((dir_ / "meta.json").read_text())
    return arrays, meta


def timed(fn, reps):
    """Runs fn reps times; returns (median s, min s, last result)."""
    times = []
    result = None
    for _ in range(reps):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times), result


def agree(name, got, expected):
    """Checks got against MedReach's minutes; returns the largest difference on reached nodes."""
    got = np.asarray(got, dtype=np.float64)
    if got.shape != expected.shape:
        sys.exit(f"{name}: {got.shape[0]} values for {expected.shape[0]} nodes")
    inf_got, inf_exp = np.isinf(got), np.isinf(expected)
    if not np.array_equal(inf_got, inf_exp):
        bad = int(np.count_nonzero(inf_got != inf_exp))
        sys.exit(f"{name}: {bad} nodes reached on one side only")
    diff = np.abs(got[~inf_exp] - expected[~inf_exp])
    worst = float(diff.max()) if diff.size else 0.0
    if worst > TOLERANCE_MIN:
        sys.exit(f"{name}: differs from MedReach by up to {worst:.3g} min (tolerance 1e-9)")
    return worst


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", nargs="?", default="target/bench/porto")
    ap.add_argument("--reps", type=int, default=20, help="scipy repetitions (default 20)")
    ap.add_argument("--igraph-reps", type=int, default=3)
    ap.add_argument("--networkx-reps", type=int, default=3)
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()

    import igraph
    import networkx as nx
    import scipy
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import dijkstra

    arrays, meta = load(Path(args.dir))
    indptr, indices, weights = arrays["indptr"], arrays["indices"], arrays["weights"]
    sources, expected, labels = arrays["sources"], arrays["minutes"], arrays["labels"]
    n, m = len(indptr) - 1, len(indices)
    if (n, m) != (meta["nodes"], meta["arcs"]):
        sys.exit("meta.json does not describe the arrays")
    if not np.all(weights > 0):
        sys.exit("non-positive arc weights: csgraph would read a zero as no arc")
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    src_list = [int(s) for s in sources]
    results = []

    def row(name, version, med, best, reps, worst):
        results.append(
            {"engine": name, "version": version, "median_ms": med * 1e3, "min_ms": best * 1e3,
             "reps": reps, "max_abs_diff_min": worst}
        )

    mr = meta["medreach"]
    results.append(
        {"engine": "MedReach nearest_origin", "version": "this repo", "median_ms": mr["median_ms"],
         "min_ms": mr["min_ms"], "reps": mr["reps"], "max_abs_diff_min": 0.0}
    )

    # scipy: the exact arrays, as a CSR array.
    graph = csr_array((weights, indices, indptr), shape=(n, n))
    med, best, dist = timed(
        lambda: dijkstra(graph, directed=True, indices=sources, min_only=True), args.reps
    )
    worst = agree("scipy", dist, expected)
    _, _, nearest = dijkstra(
        graph, directed=True, indices=sources, min_only=True, return_predecessors=True
    )
    reached = labels != np.iinfo(np.uint32).max
    same = int(np.count_nonzero(sources[labels[reached]] == nearest[reached]))
    label_note = f"scipy's nearest source equals MedReach's on {same:,} of {int(reached.sum()):,} reached nodes"
    row("scipy csgraph.dijkstra(min_only=True)", scipy.__version__, med, best, args.reps, worst)

    # igraph: one Dijkstra per source, then the minimum.
    edges = np.column_stack((rows, indices.astype(np.int64)))
    g = igraph.Graph(n=n, edges=edges.tolist(), directed=True)
    g.es["weight"] = weights.tolist()

    def igraph_min():
        d = g.distances(source=src_list, weights="weight", mode="out")
        return np.min(np.array(d, dtype=np.float64), axis=0)

    med, best, dist = timed(igraph_min, args.igraph_reps)
    worst = agree("igraph", dist, expected)
    row("igraph distances(sources) + min", igraph.__version__, med, best, args.igraph_reps, worst)

    # igraph with a virtual source: one Dijkstra.
    gv = g.copy()
    gv.add_vertices(1)
    gv.add_edges([(n, s) for s in src_list], attributes={"weight": [0.0] * len(src_list)})

    def igraph_virtual():
        return gv.distances(source=[n], weights="weight", mode="out")[0][:n]

    med, best, dist = timed(igraph_virtual, args.igraph_reps)
    worst = agree("igraph (virtual source)", dist, expected)
    row("igraph distances(virtual source)", igraph.__version__, med, best, args.igraph_reps, worst)

    # networkx: DiGraph, parallel arcs merged to the cheapest.
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    cheapest = {}
    for u, v, w in zip(rows.tolist(), indices.tolist(), weights.tolist()):
        if w < cheapest.get((u, v), float("inf")):
            cheapest[(u, v)] = w
    G.add_weighted_edges_from((u, v, w) for (u, v), w in cheapest.items())

    def networkx_pass():
        d = nx.multi_source_dijkstra_path_length(G, src_list, weight="weight")
        out = np.full(n, np.inf)
        out[np.fromiter(d.keys(), dtype=np.int64, count=len(d))] = np.fromiter(
            d.values(), dtype=np.float64, count=len(d)
        )
        return out

    med, best, dist = timed(networkx_pass, args.networkx_reps)
    worst = agree("networkx", dist, expected)
    row("networkx multi_source_dijkstra_path_length", nx.__version__, med, best,
        args.networkx_reps, worst)

    for r in results:
        r["ratio_to_medreach"] = r["median_ms"] / mr["median_ms"]
        r["ratio_of_minimums"] = r["min_ms"] / mr["min_ms"]

    load1, load5, _ = os.getloadavg()
    print(
        f"graph: {Path(meta['input']).name}, {meta['mode']} mode, {n:,} nodes, {m:,} arcs, "
        f"{len(sources)} sources (seed {meta['seed']}), {meta['reached']:,} nodes reached"
    )
    print(f"machine: {os.cpu_count()} cores, load average {load1:.2f} (1 min) {load5:.2f} (5 min)")
    print()
    print(
        f"| {'engine':<43} | {'version':<9} | {'median ms':>9} | {'min ms':>9} | {'runs':>4} "
        f"| {'× MedReach (median)':>19} | {'× MedReach (min)':>16} |"
    )
    print(f"|{'-' * 45}|{'-' * 11}|{'-' * 11}|{'-' * 11}|{'-' * 6}|{'-' * 21}|{'-' * 18}|")
    for r in results:
        print(
            f"| {r['engine']:<43} | {r['version']:<9} | {r['median_ms']:>9.1f} | {r['min_ms']:>9.1f} "
            f"| {r['reps']:>4} | {r['ratio_to_medreach']:>18.2f}× | {r['ratio_of_minimums']:>15.2f}× |"
        )
    print()
    print(f"all agree with MedReach to 1e-9 min on every node; {label_note}")
    scipy_ratio = results[1]["ratio_to_medreach"]
    verdict = "meets" if scipy_ratio >= 2.0 else "misses"
    print(
        f"MedReach is {scipy_ratio:.2f}× as fast as scipy by medians, "
        f"{results[1]['ratio_of_minimums']:.2f}× by minimums ({verdict} the 2× target)"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"graph": meta, "load_average": [load1, load5], "results": results}, indent=2)
            + "\n"
        )


if __name__ == "__main__":
    main()
