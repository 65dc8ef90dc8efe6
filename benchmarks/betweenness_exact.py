"""Exact betweenness of the influence projection, with a time limit.

``python benchmarks/betweenness_exact.py --scale district --limit 600`` loads
``synth.city(scale, seed=0)`` into ``memory://``, takes the influence projection (the
PAIRED_WITH, ORGANIZED and MEMBER_OF edges, from ``net.influence(betweenness="sample")``),
and computes its exact betweenness the way ``influence()`` does (``orgnet.queries.influence
.betweenness``: igraph from 2,000 nodes) in a child process. It prints the time, or that the
computation did not finish within ``--limit`` seconds (the child is then stopped), and for
comparison the time of the default sampled estimate.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time

import networkx as nx

import orgnet


def _exact(edges: list[tuple[str, str]], out: mp.Queue) -> None:  # type: ignore[type-arg]
    from orgnet.queries.influence import betweenness

    g = nx.Graph(edges)
    t = time.perf_counter()
    betweenness(g)
    out.put(time.perf_counter() - t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", default="district", choices=["tiny", "district", "city"])
    ap.add_argument("--limit", type=float, default=600.0, help="seconds before the exact run is stopped")
    args = ap.parse_args()
    net = orgnet.connect("memory://")
    net.load(orgnet.synth.city(args.scale, seed=0))
    t = time.perf_counter()
    report = net.influence(betweenness="sample", samples=1000)
    t_sample = time.perf_counter() - t
    edges = sorted({(u, v) for u, v, _ in report.edges})
    g = nx.Graph(edges)
    print(f"# synth.city({args.scale!r}, seed=0): projection {g.number_of_nodes():,} nodes, "
          f"{g.number_of_edges():,} edges")
    print(f"influence(betweenness='sample', samples=1000): {t_sample:.2f} s ({report.betweenness_method})")
    out: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    child = mp.Process(target=_exact, args=(edges, out))
    child.start()
    child.join(args.limit)
    if child.is_alive():
        child.terminate()
        child.join()
        print(f"exact betweenness (orgnet.queries.influence.betweenness, igraph from 2,000 nodes): "
              f"did not finish in {args.limit:.0f} s")
    else:
        print(f"exact betweenness (orgnet.queries.influence.betweenness, igraph from 2,000 nodes): "
              f"{out.get():.2f} s")
    net.close()


if __name__ == "__main__":
    main()
