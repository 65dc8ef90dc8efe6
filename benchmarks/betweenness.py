"""Betweenness of the city influence projection: exact and sampled, beside igraph.

The projection is the graph ``orgnet.queries.influence`` ranks actors on: undirected
edges PAIRED_WITH (actor-community), ORGANIZED (actor-activity) and MEMBER_OF
(actor-alliance), built here from the generated rows (the same edges a store
holds after loading them). Prints, in one process:

- exact :func:`orgnet.algorithms.betweenness` on the city projection (target < 60 s);
- sampled, with its stated error bound and the largest error actually measured
  against the exact values (target < 5 s);
- the baseline, igraph's exact Brandes on the same graph, in a child process
  stopped after ``--cap`` seconds, and on the district projection, where it
  finishes, with the ratio.

``--province`` instead measures ``synth.city("province")``: time, peak RSS,
nodes and rows.

Usage::

    python3 benchmarks/betweenness.py [--scale city] [--cap 180] [--epsilon 0.02]
    python3 benchmarks/betweenness.py --igraph-sources 1000   # the baseline's CPU time, extrapolated
    python3 benchmarks/betweenness.py --province
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import time
from typing import Any

import numpy as np


def projection(scale: str, seed: int = 0) -> tuple[np.ndarray, int]:
    """Edges (as integer pairs) and vertex count of the influence projection."""
    from orgnet import synth

    ds = synth.city(scale, seed=seed)
    pairs = {(r["source_id"], r["target_id"]) for r in ds["pairings"]}
    pairs |= {(r["organizer_id"], r["activity_id"]) for r in ds["organizers"]}
    pairs |= {(r["member_id"], r["alliance_id"]) for r in ds["alliance_members"]}
    names = sorted({x for p in pairs for x in p})
    index = {name: i for i, name in enumerate(names)}
    edges = np.array(sorted({tuple(sorted((index[u], index[v]))) for u, v in pairs}), dtype=np.int64)
    return edges, len(names)


def cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _igraph_exact(edges: np.ndarray, n: int, out: Any) -> None:
    import igraph as ig

    t = time.perf_counter()
    raw = ig.Graph(n=n, edges=edges.tolist()).betweenness(directed=False)
    out.put((time.perf_counter() - t, np.array(raw) * 2 / ((n - 1) * (n - 2))))


def igraph_capped(edges: np.ndarray, n: int, cap: float) -> tuple[float | None, np.ndarray | None]:
    """igraph's exact betweenness in a child process; (None, None) if not done within ``cap`` s."""
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    proc = ctx.Process(target=_igraph_exact, args=(edges, n, out))
    proc.start()
    try:
        seconds, values = out.get(timeout=cap)
    except Exception:  # queue.Empty: still running at the cap
        proc.terminate()
        proc.join()
        return None, None
    proc.join()
    return seconds, values


def bench_betweenness(scale: str, cap: float, epsilon: float) -> None:
    from orgnet.algorithms import betweenness

    t = time.perf_counter()
    edges, n = projection(scale)
    print(f"{scale} projection: {n:,} nodes, {len(edges):,} edges (built in {time.perf_counter() - t:.1f} s)")
    t = time.perf_counter()
    betweenness([[0, 1], [1, 2]], 3)
    betweenness([[0, 1], [1, 2]], 3, mode="sample")
    print(f"numba kernels ready (compiled or loaded from cache): {time.perf_counter() - t:.1f} s")

    t, c = time.perf_counter(), cpu()
    exact = betweenness(edges, n)
    t_exact, c_exact = time.perf_counter() - t, cpu() - c
    print(f"exact (trees folded, {exact.core:,} vertices left for Brandes): "
          f"{t_exact:.1f} s wall, {c_exact:.1f} s CPU (both threads)")

    for kwargs in ({"epsilon": epsilon}, {"samples": 1000}):
        t = time.perf_counter()
        est = betweenness(edges, n, mode="sample", seed=0, **kwargs)  # type: ignore[arg-type]
        t_est = time.perf_counter() - t
        err = float(np.abs(est.values - exact.values).max())
        print(f"sampled {est.samples:,} paths: {t_est:.2f} s; stated bound {est.error_bound:.4f} "
              f"(probability {1 - (est.delta or 0):.2f}); largest error measured {err:.4f}; "
              f"largest exact value {exact.values.max():.4f}")

    if scale != "district":
        d_edges, d_n = projection("district")
        t = time.perf_counter()
        d_ours = betweenness(d_edges, d_n)
        t_ours = time.perf_counter() - t
        d_sec, d_ig = igraph_capped(d_edges, d_n, cap)
        if d_sec is not None and d_ig is not None:
            print(f"district projection ({d_n:,} nodes, {len(d_edges):,} edges): ours {t_ours:.2f} s, "
                  f"igraph exact {d_sec:.2f} s ({d_sec / t_ours:.1f}x), "
                  f"max difference {np.abs(d_ours.values - d_ig).max():.1e}")
        else:
            print(f"district projection: ours {t_ours:.2f} s, igraph exact did not finish in {cap:.0f} s")

    sec, values = igraph_capped(edges, n, cap)
    if sec is None or values is None:
        print(f"baseline igraph exact on the {scale} projection: did not finish in {cap:.0f} s "
              f"(> {cap / t_exact:.1f}x ours)")
    else:
        print(f"baseline igraph exact on the {scale} projection: {sec:.1f} s ({sec / t_exact:.1f}x ours), "
              f"max difference {np.abs(values - exact.values).max():.1e}")


def digest(ds: Any) -> str:
    """A hash of every row, file by file (to compare two runs without holding both)."""
    import hashlib

    h = hashlib.sha256()
    for name in sorted(ds):
        h.update(name.encode())
        for row in ds[name]:
            h.update(repr(sorted(row.items())).encode())
    return h.hexdigest()


def bench_province() -> None:
    from orgnet import synth
    from orgnet.model import NODE_MODELS

    t, c = time.perf_counter(), cpu()
    ds = synth.city("province", seed=0)
    seconds, c_seconds = time.perf_counter() - t, cpu() - c
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    nodes = sum(len(ds[m.FILE]) for m in NODE_MODELS)
    rows = sum(ds.counts().values())
    cities = [a["id"] for a in ds["areas"] if a["level"] == "city"]
    ids = [row["id"] for m in NODE_MODELS for row in ds[m.FILE]]
    unique = len(ids) == len(set(ids))
    del ids
    print(f"province: {len(cities)} cities {cities}, {nodes:,} nodes, {rows:,} rows; "
          f"generated in {seconds:.1f} s ({c_seconds:.1f} s CPU), peak RSS {peak:.2f} GB; ids unique: {unique}", flush=True)
    first = digest(ds)
    del ds
    t = time.perf_counter()
    again = digest(synth.city("province", seed=0))
    print(f"again with the same seed ({time.perf_counter() - t:.1f} s with hashing): "
          f"identical rows {again == first}")


def bench_igraph_sources(scale: str, k: int) -> None:
    """igraph's Brandes from ``k`` sources, CPU time scaled to all ``n`` (the per-source cost is flat)."""
    import igraph as ig

    edges, n = projection(scale)
    graph = ig.Graph(n=n, edges=edges.tolist())
    picked = np.random.default_rng(0).choice(n, size=k, replace=False).tolist()
    t, c = time.perf_counter(), cpu()
    graph.betweenness(directed=False, sources=picked, targets=range(n))
    wall, used = time.perf_counter() - t, cpu() - c
    print(f"igraph exact Brandes from {k:,} of {n:,} sources: {wall:.1f} s wall, {used:.1f} s CPU; "
          f"all sources ≈ {used * n / k:.0f} s CPU (one thread)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="city")
    ap.add_argument("--cap", type=float, default=180.0, help="seconds the igraph baseline may run")
    ap.add_argument("--epsilon", type=float, default=0.02, help="error bound of the sampled run")
    ap.add_argument("--province", action="store_true", help="measure synth.city('province') instead")
    ap.add_argument("--igraph-sources", type=int, default=0,
                    help="instead: igraph's Brandes from this many sources, scaled to all (CPU time)")
    args = ap.parse_args()
    if args.province:
        bench_province()
    elif args.igraph_sources:
        bench_igraph_sources(args.scale, args.igraph_sources)
    else:
        bench_betweenness(args.scale, args.cap, args.epsilon)


if __name__ == "__main__":
    main()
