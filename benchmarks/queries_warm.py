"""Warm query times, memory vs Neo4j, and contact paths against a one-sided search.

``python benchmarks/queries_warm.py --scale district`` loads ``synth.city(scale, seed=0)``
into ``memory://`` and into the Neo4j server at ``ORGNET_NEO4J_URI`` (or ``--uri``; the
database is CLEARED first, so point it at a server of your own), runs every query once
to warm it, then prints the median of ``--repeat`` timed runs of each on both backends
and their ratio.

For ``contact_path`` it times ``--paths`` person-to-person paths on the embedded store
against a baseline in the same process: a one-sided breadth-first search from the first
person over an undirected networkx graph of the data set's rows, then a greedy walk
back along the smallest ids — the plain way to get the same answer. It checks the two
give the same paths and prints both times.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import networkx as nx

import orgnet

REFERENCES = ("parent_id", "area_id", "unit_id", "grid_id", "building_id", "household_id", "org_id",
              "raised_by", "assignee_id")
LINK_ENDS = {"roles": ("person_id", "target_id"), "contacts": ("person_id", "household_id"),
             "pairings": ("source_id", "target_id"), "registrations": ("source_id", "community_id"),
             "alliance_members": ("member_id", "alliance_id"), "organizers": ("organizer_id", "activity_id")}


def median_time(call: Callable[[], Any], repeat: int) -> float:
    call()  # warm
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def rows_graph(ds: Any) -> nx.Graph:
    """Every relationship of the data set, direction ignored."""
    g = nx.Graph()
    for file, rows in ds.items():
        for r in rows:
            if file in LINK_ENDS:
                a, b = LINK_ENDS[file]
                g.add_edge(r[a], r[b])
            else:
                g.add_node(r["id"])
                for f in REFERENCES:
                    if r.get(f) is not None:
                        g.add_edge(r["id"], r[f])
    return g


def one_sided_path(g: nx.Graph, a: str, b: str) -> list[str]:
    """Breadth-first from ``b`` over the whole component until ``a`` is reached, then the
    smallest next id one step closer to ``b`` at each step: the lexicographically smallest
    shortest path from ``a``."""
    if a == b:
        return [a]
    dist = {b: 0}
    layer = [b]
    while layer and a not in dist:
        nxt = []
        for n in layer:
            for m in g[n]:
                if m not in dist:
                    dist[m] = dist[n] + 1
                    nxt.append(m)
        layer = nxt
    if a not in dist:
        return []
    path = [a]
    while path[-1] != b:
        here = dist[path[-1]]
        path.append(min(m for m in g[path[-1]] if dist.get(m) == here - 1))
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", default="district", choices=["tiny", "district"])
    ap.add_argument("--uri", default=os.environ.get("ORGNET_NEO4J_URI"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--paths", type=int, default=50)
    args = ap.parse_args()
    ds = orgnet.synth.city(args.scale, seed=0)
    print(f"# synth.city({args.scale!r}, seed=0): {ds.total():,} rows; median of {args.repeat} warm runs")
    mem = orgnet.connect("memory://")
    mem.load(ds)
    nets = {"memory": mem}
    if args.uri:
        auth = ("neo4j", os.environ.get("ORGNET_NEO4J_PASSWORD", "orgnet-test-password"))
        neo = orgnet.connect(args.uri, auth=auth)
        neo.clear()
        neo.load(ds)
        nets["neo4j"] = neo
    else:
        print("no --uri / ORGNET_NEO4J_URI: memory only")
    district = sorted(a["id"] for a in ds["areas"] if a["level"] == "district")[0]
    queries: list[tuple[str, Callable[[Any], Any]]] = [
        ("coverage(2023)", lambda n: n.coverage(2023)),
        (f"coverage(2023, area={district!r})", lambda n: n.coverage(2023, area=district)),
        ("kpis(2023)", lambda n: n.kpis(2023)),
        ("influence() (exact betweenness)", lambda n: n.influence()),
        ("influence(betweenness='sample')", lambda n: n.influence(betweenness="sample")),
    ]
    for name, call in queries:
        times = {backend: median_time(lambda n=net, q=call: q(n), args.repeat) for backend, net in nets.items()}
        ratio = f" (neo4j / memory x{times['neo4j'] / times['memory']:.1f})" if "neo4j" in times else ""
        print(f"{name}: " + ", ".join(f"{b} {t:.3f} s" for b, t in times.items()) + ratio, flush=True)

    people = sorted(p["id"] for p in ds["people"])
    rng = random.Random(0)
    pairs = [(rng.choice(people), rng.choice(people)) for _ in range(args.paths)]
    g = rows_graph(ds)
    t = time.perf_counter()
    baseline = [one_sided_path(g, a, b) for a, b in pairs]
    t_base = time.perf_counter() - t
    t = time.perf_counter()
    ours = [mem.contact_path(a, b) for a, b in pairs]
    t_ours = time.perf_counter() - t
    assert ours == baseline, "contact_path and the one-sided search disagree"
    mean = sum(map(len, ours)) / max(1, len(ours))
    print(f"{len(pairs)} contact_path between people (mean length {mean:.1f}), same paths: "
          f"one-sided BFS over networkx {t_base:.3f} s, orgnet memory {t_ours:.3f} s (x{t_base / t_ours:.0f})")
    for net in nets.values():
        net.close()


if __name__ == "__main__":
    main()
