"""Embedded store at scale: load speed and memory, query times, each next to the plain approach.

Run: ``python benchmarks/memory_load.py [--scale city|district] [--sample 200000]``.

Prints, for the same process:
* generation and load time of ``synth.city(scale)`` into ``memory://`` and the peak RSS;
* load throughput on a sample, orgnet's loader vs the plain approach (a pydantic model
  per row, then a networkx insert with the garbage collector on);
* query times (coverage, KPIs, influence, 1,000 contact chains, 100 contact paths), and
  100 chains by undirected ``nx.shortest_path`` (the plain approach) vs orgnet's walk.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
from collections.abc import Callable
from typing import Any

import networkx as nx

import orgnet
from orgnet.io import Dataset
from orgnet.model import FIELD_RELATIONSHIPS, FILES, Link, Node


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def sample_of(ds: Dataset, n: int) -> Dataset:
    """The first rows of every node file up to ``n`` in all (no links: they would dangle)."""
    tables: dict[str, list[dict[str, Any]]] = {}
    left = n
    for name in ds:
        if issubclass(FILES[name], Link) or left <= 0:
            continue
        rows = [{k: v for k, v in r.items() if k == "id" or not k.endswith(("_id", "raised_by"))}
                for r in ds[name][:left]]
        tables[name] = rows
        left -= len(rows)
    return Dataset(tables)


def plain_load(ds: Dataset) -> nx.MultiDiGraph:
    """The plain approach: one pydantic model per row, a networkx insert, gc on."""
    g = nx.MultiDiGraph()
    for name in ds:
        model = FILES[name]
        for row in ds[name]:
            obj = model.model_validate(row)
            assert isinstance(obj, Node)
            g.add_node(obj.id, label=obj.LABEL, **obj.record())
            for rel in FIELD_RELATIONSHIPS:
                if rel.label == obj.LABEL and getattr(obj, rel.field, None):
                    g.add_edge(obj.id, getattr(obj, rel.field), key=rel.type, type=rel.type)
    return g


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="city", choices=["tiny", "district", "city"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sample", type=int, default=200_000)
    args = ap.parse_args()
    print(f"# memory backend, scale={args.scale}, {platform.platform()}, python {platform.python_version()}")

    t_gen, ds = timed(lambda: orgnet.synth.city(args.scale, seed=args.seed))
    nodes = sum(len(ds[n]) for n in ds if issubclass(FILES[n], Node))
    print(f"generate: {t_gen:.1f} s, {nodes:,} nodes, {ds.total():,} rows, rss {rss_mb():,.0f} MB")

    sample = sample_of(ds, args.sample)
    t_plain, _ = timed(lambda: plain_load(sample))
    t_ours, _ = timed(lambda: orgnet.connect("memory://").load(sample))
    n = sample.total()
    print(f"sample load ({n:,} node rows): plain {n / t_plain:,.0f} rows/s, orgnet {n / t_ours:,.0f} rows/s "
          f"(x{t_plain / t_ours:.2f})")

    net = orgnet.connect("memory://")
    rss_before = rss_mb()
    t_load, report = timed(lambda: net.load(ds))
    print(f"load: {t_load:.1f} s ({ds.total() / t_load:,.0f} rows/s), peak rss {rss_mb():,.0f} MB "
          f"(was {rss_before:,.0f} MB before the load), rejects {len(report.rejects)}")

    t, cov = timed(lambda: net.coverage(2023))
    print(f"coverage(2023): {t:.2f} s  (households checked {cov.rules['household_contact'].checked:,})")
    district = sorted(cov.by_district)[0] if cov.by_district else None
    if district:
        t, _ = timed(lambda: net.coverage(2023, area=district))
        print(f"coverage(2023, area={district}): {t:.2f} s")
    t, _ = timed(lambda: net.kpis(2023))
    print(f"kpis(2023): {t:.2f} s")
    if args.scale == "city":
        t, inf = timed(lambda: net.influence(betweenness="sample", samples=1000))
        print(f"influence(betweenness='sample', samples=1000): {t:.2f} s ({len(inf.actors):,} actors); "
              "exact betweenness: benchmarks/influence_city.py")
    else:
        t, inf = timed(net.influence)
        print(f"influence(): {t:.2f} s ({len(inf.actors):,} actors)")

    households = [r["id"] for r in ds["households"][:: max(1, len(ds["households"]) // 1000)]][:1000]
    t, _ = timed(lambda: [net.contact_chain(h) for h in households])
    print(f"contact_chain x{len(households)}: {t:.3f} s")
    city = next(r["id"] for r in ds["areas"] if r["level"] == "city")
    if args.scale != "city":  # the plain approach needs the whole graph in networkx
        undirected = net.to_networkx().to_undirected(as_view=True)
        t_plain, _ = timed(lambda: [nx.shortest_path(undirected, h, city) for h in households[:100]])
        t_ours, _ = timed(lambda: [net.contact_chain(h) for h in households[:100]])
        print(f"100 chains: undirected nx.shortest_path {t_plain:.3f} s, orgnet {t_ours:.3f} s "
              f"(x{t_plain / t_ours:.0f})")

    people = [r["id"] for r in ds["people"][:: max(1, len(ds["people"]) // 200)]]
    pairs = list(zip(people[:100], reversed(people[-100:])))
    t, paths = timed(lambda: [net.contact_path(a, b) for a, b in pairs])
    print(f"contact_path x{len(pairs)}: {t:.2f} s (mean length {sum(map(len, paths)) / max(1, len(paths)):.1f})")
    print(f"peak rss at the end: {rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
