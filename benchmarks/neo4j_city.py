"""City scale in Neo4j: load time and query times.

Run against a server of your own (the project's: ``ORGNET_NEO4J_HEAP=4g ORGNET_NEO4J_PAGECACHE=4g
scripts/neo4j-server start --port 7699 --data /tmp/neo4j-city``), then
``python benchmarks/neo4j_city.py --uri bolt://127.0.0.1:7699``. It clears that database first.

``--queries-only`` leaves the database as it is (e.g. one bulk imported with
``benchmarks/neo4j_bulk.py --keep``) and times the queries only; ``--baseline REV`` also runs
the Cypher of the coverage rules and the KPI query as they were at git revision REV, alternating
with today's on the same database, and checks both give the same rows::

    python benchmarks/neo4j_city.py --uri bolt://127.0.0.1:7714 --queries-only --baseline 15c1caf
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import orgnet


def _module_at(rev: str, name: str) -> Any:
    """orgnet.queries.<name> as it was at git revision ``rev`` (its Cypher constants)."""
    import importlib.util
    import subprocess
    import tempfile
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    text = subprocess.run(["git", "-C", str(root), "show", f"{rev}:orgnet/queries/{name}.py"],
                          capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / f"{name}_{rev}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"baseline_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _baseline(store: Any, rev: str, rounds: int = 2) -> None:
    """Each rule query and the KPI query, at ``rev`` and today, alternating; same rows required."""
    from orgnet.model import REGISTRATION_UNIT_CATEGORIES
    from orgnet.queries import _neo4j_coverage, _neo4j_kpis

    old_cov, old_kpi = _module_at(rev, "_neo4j_coverage"), _module_at(rev, "_neo4j_kpis")
    params = {"year": 2023, "scope": None, "categories": list(REGISTRATION_UNIT_CATEGORIES)}

    def rows(records: list[Any]) -> list[Any]:
        return sorted(repr(sorted((k, sorted(v) if k == "gaps" else v) for k, v in r.items()))
                      for r in records)

    pairs = [(rule, old_cov.RULE_QUERIES[rule], q) for rule, q in _neo4j_coverage.RULE_QUERIES.items()
             if old_cov.RULE_QUERIES.get(rule) != q]
    if old_kpi.KPI_QUERY != _neo4j_kpis.KPI_QUERY:
        pairs.append(("KPI_QUERY", old_kpi.KPI_QUERY, _neo4j_kpis.KPI_QUERY))
    print(f"Cypher changed since {rev}: {', '.join(p[0] for p in pairs) or 'nothing'}", flush=True)
    for name, old, new in pairs:
        times: dict[str, list[float]] = {"old": [], "new": []}
        answers = {}
        for _ in range(rounds):
            for which, query in (("old", old), ("new", new)):
                t = time.perf_counter()
                records = store.run(query, **params)
                times[which].append(time.perf_counter() - t)
                answers[which] = rows(records)
        same = answers["old"] == answers["new"]
        o, n = min(times["old"]), min(times["new"])
        hits = {which: _db_hits(store, query, params) for which, query in (("old", old), ("new", new))}
        print(f"  {name}: {rev} {o:.2f} s, now {n:.2f} s (best of {rounds}; x{o / n:.2f}); "
              f"db hits {hits['old']:,} -> {hits['new']:,} (PROFILE); same rows: {same}", flush=True)


def _db_hits(store: Any, query: str, params: dict[str, Any]) -> int:
    """Total db hits of a query's plan (PROFILE): the work, independent of the machine's load."""
    driver = store._driver  # the benchmark reads the plan, which Neo4jStore.run does not return

    def total(plan: Any) -> int:
        return int(plan.get("dbHits", 0)) + sum(total(c) for c in plan.get("children", []))

    with driver.session(database=store.database) as session:
        result = session.run("PROFILE " + query, params)
        for _ in result:  # the profile is complete only once every row was read
            pass
        summary = result.consume()
    return total(summary.profile)


def _queries(net: Any, ids: list[str]) -> None:
    for name, call in [
        ("coverage(2023)", lambda: net.coverage(2023)),
        ("coverage(2023, area='RZ')", lambda: net.coverage(2023, area="RZ")),
        ("kpis(2023)", lambda: net.kpis(2023)),
        ("influence(betweenness='sample')", lambda: net.influence(betweenness="sample")),
        ("coverage(2023) again", lambda: net.coverage(2023)),
        ("kpis(2023) again", lambda: net.kpis(2023)),
    ]:
        t = time.perf_counter()
        call()
        print(f"{name}: {time.perf_counter() - t:.2f} s", flush=True)
    t = time.perf_counter()
    for h in ids:
        net.contact_chain(h)
    print(f"{len(ids)} contact_chain: {time.perf_counter() - t:.2f} s "
          f"({(time.perf_counter() - t) / len(ids) * 1000:.2f} ms each)", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--uri", required=True)
    ap.add_argument("--scale", default="city")
    ap.add_argument("--queries-only", action="store_true", help="time the queries on the database as it is")
    ap.add_argument("--baseline", metavar="REV", help="also time the Cypher of git revision REV")
    ap.add_argument("--baseline-only", action="store_true", help="with --queries-only: only the baseline part")
    args = ap.parse_args()
    auth = ("neo4j", os.environ.get("ORGNET_NEO4J_PASSWORD", "orgnet-test-password"))
    if args.queries_only:
        net = orgnet.connect(args.uri, auth=auth)
        print(f"{net.counts()} (load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs, shared machine)",
              flush=True)
        ids = [r["id"] for r in net.store.run("MATCH (h:Household) RETURN h.id AS id")][::1000][:1000]  # type: ignore[attr-defined]
        if not args.baseline_only:
            _queries(net, ids)
        if args.baseline:
            _baseline(net.store, args.baseline)
        net.close()
        return
    ds = orgnet.synth.city(args.scale, seed=0)
    net = orgnet.connect(args.uri, auth=auth)
    net.clear()
    t = time.perf_counter()
    report = net.load(ds)
    load = time.perf_counter() - t
    print(f"{args.scale}: {ds.total():,} rows loaded in {load:.1f} s ({ds.total() / load:,.0f} rows/s), "
          f"rejects {len(report.rejects)}", flush=True)
    first = net.counts()
    for name, call in [
        ("coverage(2023)", lambda: net.coverage(2023)),
        ("coverage(2023, area='RZ')", lambda: net.coverage(2023, area="RZ")),
        ("kpis(2023)", lambda: net.kpis(2023)),
        ("influence(betweenness='sample')", lambda: net.influence(betweenness="sample")),
        ("100 contact_chain", lambda: [net.contact_chain(h["id"]) for h in ds["households"][::10_000][:100]]),
    ]:
        t = time.perf_counter()
        call()
        print(f"{name}: {time.perf_counter() - t:.2f} s", flush=True)
    t = time.perf_counter()
    net.load(ds)
    print(f"second load of the same data (changes nothing): {time.perf_counter() - t:.1f} s", flush=True)
    print("node and relationship counts unchanged by the reload:", net.counts() == first)
    net.close()


if __name__ == "__main__":
    main()
