"""``net.influence()`` end to end on the embedded store: the issue-9 influence targets.

Run: ``python benchmarks/influence_city.py [--scale city] [--limit 600]``.

Loads ``synth.city(scale, seed=0)`` into ``memory://`` and prints, in one process:

* ``net.influence(2023)`` with exact betweenness (target < 60 s at city scale), run first, alone,
  in a child process stopped after ``--limit`` seconds;
* ``net.influence(2023, betweenness="sample")`` with its stated error bound (target < 5 s);
* the baseline beside them: :func:`orgnet.algorithms.betweenness` alone on the same projection
  (``report.edges``), so the ratio is what ``influence()`` adds (reading the projection from the
  store, PageRank, the per-actor fields) on top of the algorithm;
* the largest difference between the sampled and the exact values, against the stated bound.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import resource
import time
from typing import Any

import numpy as np

import orgnet
from orgnet.algorithms import betweenness


def cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _exact_child(scale: str, year: int, out: Any) -> None:
    net = orgnet.connect("memory://")
    net.load(orgnet.synth.city(scale, seed=0))
    betweenness(np.array([[0, 1], [1, 2]]), 3)  # the numba kernels, outside the timing
    t, c = time.perf_counter(), cpu()
    report = net.influence(year=year)
    out.put((time.perf_counter() - t, cpu() - c, {a.id: a.betweenness for a in report.actors}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", default="city", choices=["tiny", "district", "city"])
    ap.add_argument("--year", type=int, default=2023)
    ap.add_argument("--limit", type=float, default=600.0, help="seconds before the exact run is stopped")
    args = ap.parse_args()
    print(f"# influence(), scale={args.scale}, {platform.platform()}, python {platform.python_version()}, "
          f"{os.cpu_count()} cpus, load average {os.getloadavg()[0]:.1f}")

    # The exact run first, alone, in a child process that can be stopped at the limit. It is
    # spawned, not forked: forking a process whose numba kernels already ran on GNU OpenMP
    # threads is unsafe (the child is terminated), see docs/threads.md.
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_exact_child, args=(args.scale, args.year, out))
    proc.start()
    try:
        exact_run: tuple[float, float, dict[str, float]] | None = out.get(timeout=args.limit)
    except Exception:  # queue.Empty: still running at the limit
        proc.terminate()
        exact_run = None
    proc.join()

    net = orgnet.connect("memory://")
    t = time.perf_counter()
    net.load(orgnet.synth.city(args.scale, seed=0))
    print(f"generate + load: {time.perf_counter() - t:.1f} s")
    betweenness(np.array([[0, 1], [1, 2]]), 3)  # compile (or load) the numba kernels outside the timings

    t, c = time.perf_counter(), cpu()
    sampled = net.influence(year=args.year, betweenness="sample")
    s_wall, s_cpu = time.perf_counter() - t, cpu() - c
    index = {name: i for i, name in enumerate(sorted({x for u, v, _ in sampled.edges for x in (u, v)}))}
    edges = np.array([(index[u], index[v]) for u, v, _ in sampled.edges], dtype=np.int64)
    print(f"projection: {len(index):,} nodes, {len(edges):,} edges; {len(sampled.actors):,} actors")
    print(f'influence(betweenness="sample"): {s_wall:.2f} s wall, {s_cpu:.2f} s CPU (target < 5 s); '
          f"{sampled.betweenness_method}")

    t, c = time.perf_counter(), cpu()
    alone = betweenness(edges, len(index))
    a_wall, a_cpu = time.perf_counter() - t, cpu() - c
    print(f"baseline, orgnet.algorithms.betweenness alone on the projection: {a_wall:.1f} s wall, "
          f"{a_cpu:.1f} s CPU (this process)")

    if exact_run is None:
        print(f"influence() exact: did not finish within {args.limit:.0f} s (target < 60 s)")
        return
    e_wall, e_cpu, exact = exact_run
    print(f"influence() exact: {e_wall:.1f} s wall, {e_cpu:.1f} s CPU (all its threads; target < 60 s); "
          f"x{e_wall / a_wall:.2f} the algorithm alone")
    same = max(abs(exact[name] - alone.values[i]) for name, i in index.items() if name in exact)
    err = max(abs(a.betweenness - exact[a.id]) for a in sampled.actors)
    print(f"exact from influence() vs the algorithm alone: max difference {same:.1e}")
    print(f"sampled vs exact: largest error {err:.4f}, stated bound {sampled.betweenness_error_bound:.4f}")


if __name__ == "__main__":
    main()
