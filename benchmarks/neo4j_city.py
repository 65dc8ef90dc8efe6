"""City scale in Neo4j: load time and query times.

Run against a server of your own (the project's: ``ORGNET_NEO4J_HEAP=4g ORGNET_NEO4J_PAGECACHE=4g
scripts/neo4j-server start --port 7699 --data /tmp/neo4j-city``), then
``python benchmarks/neo4j_city.py --uri bolt://127.0.0.1:7699``. It clears that database first.

``--queries-only`` leaves the database as it is (e.g. one bulk imported with
``benchmarks/neo4j_bulk.py --keep``) and times the queries only; ``--baseline REV`` also runs
the coverage and KPI facts as they were at git revision REV, alternating with today's on the
same database, checks both give the same facts and prints both revisions' db hits (PROFILE)::

    python benchmarks/neo4j_city.py --uri bolt://127.0.0.1:7744 --queries-only --baseline 0396d29 \
        --server-pid PID

Every target of the "queries at scale" point is printed beside its figure: city ``coverage`` and
``kpis`` warm under 5 s each, one ``contact_chain`` under 10 ms. ``--server-pid`` (the Neo4j
process on this machine) adds the server's CPU time per call: on a shared machine wall time
follows the load, CPU time much less.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

import orgnet


def _module_at(rev: str, name: str, imports: dict[str, str] | None = None) -> Any:
    """orgnet.queries.<name> as it was at git revision ``rev`` (its Cypher constants and functions).

    ``imports`` maps a module the old file imports from (``orgnet.queries._neo4j_coverage``) to the
    name an old copy was registered under, so the old KPI query is built from the old fragments.
    """
    import importlib.util
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    text = subprocess.run(["git", "-C", str(root), "show", f"{rev}:orgnet/queries/{name}.py"],
                          capture_output=True, text=True, check=True).stdout
    for imported, alias in (imports or {}).items():
        text = text.replace(f"from {imported} import", f"from {alias} import")
    path = Path(tempfile.mkdtemp()) / f"{name}_{rev}.py"
    path.write_text(text, encoding="utf-8")
    alias = f"baseline_{name}_{rev}"
    spec = importlib.util.spec_from_file_location(alias, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[alias] = module
    spec.loader.exec_module(module)
    return module


def _cypher_of(coverage_module: Any, kpi_module: Any) -> dict[str, str]:
    """Every query a coverage and a KPI call send (before this change: ``RULE_QUERIES``, one per rule)."""
    if hasattr(coverage_module, "QUERIES"):
        queries = {name: q for name, (_, q) in coverage_module.QUERIES.items()}
    else:
        queries = dict(coverage_module.RULE_QUERIES)
    queries["KPI_QUERY"] = kpi_module.KPI_QUERY
    return queries


def _params() -> dict[str, Any]:
    from orgnet.model import REGISTRATION_UNIT_CATEGORIES

    return {"year": 2023, "scope": None, "categories": list(REGISTRATION_UNIT_CATEGORIES), "lo": None, "hi": None}


def _print_db_hits(store: Any, label: str, queries: dict[str, str]) -> dict[str, int]:
    hits = {name: _db_hits(store, q, _params()) for name, q in queries.items()}
    cov = sum(v for k, v in hits.items() if k != "KPI_QUERY")
    print(f"  db hits ({label}, PROFILE): coverage queries {cov:,} in all, KPI query {hits['KPI_QUERY']:,}; "
          + ", ".join(f"{k} {v:,}" for k, v in hits.items() if k != "KPI_QUERY"), flush=True)
    return hits


def _regrouped(facts: Any) -> Any:
    """Coverage facts with rows of equal (anchors, gap anchors) merged: what the rollup sees.

    Revisions group subjects differently (registration and org rows were one per subject before
    they were grouped as the memory engine groups them); the answers depend only on this.
    """
    if not isinstance(facts, dict):
        return facts
    out = {}
    for rule, rows in facts.items():
        groups: dict[Any, list[Any]] = {}
        for row in rows:
            entry = groups.setdefault((row.anchors, row.gap_anchors), [0, []])
            entry[0] += row.checked
            entry[1].extend(row.gaps)
        out[rule] = sorted((k, n, sorted(g)) for k, (n, g) in groups.items())
    return out


def _baseline(store: Any, rev: str, rounds: int = 2) -> None:
    """Coverage and KPI facts at ``rev`` and today, alternating on one database; same facts required."""
    from orgnet.queries import _neo4j_coverage, _neo4j_kpis

    old_cov = _module_at(rev, "_neo4j_coverage")
    old_kpi = _module_at(rev, "_neo4j_kpis", {"orgnet.queries._neo4j_coverage": f"baseline__neo4j_coverage_{rev}"})
    print(f"Cypher at {rev} vs now (same database, alternating):", flush=True)
    _print_db_hits(store, rev, _cypher_of(old_cov, old_kpi))
    _print_db_hits(store, "now", _cypher_of(_neo4j_coverage, _neo4j_kpis))
    calls: dict[str, tuple[Callable[[Any], Any], Any, Any]] = {
        "coverage facts": (lambda m: m.facts_neo4j(store, 2023, None), old_cov, _neo4j_coverage),
        "KPI facts": (lambda m: m.kpi_facts_neo4j(store, None), old_kpi, _neo4j_kpis),
    }
    for name, (call, old, new) in calls.items():
        wall: dict[str, list[float]] = {"old": [], "new": []}
        cpu: dict[str, list[float]] = {"old": [], "new": []}
        answers: dict[str, Any] = {}
        for _ in range(rounds):
            for which, module in (("old", old), ("new", new)):
                t, c = time.perf_counter(), time.process_time()
                answer = call(module)
                wall[which].append(time.perf_counter() - t)
                cpu[which].append(time.process_time() - c)
                answers[which] = _regrouped(answer)
        o, n = min(wall["old"]), min(wall["new"])
        print(f"  {name}: {rev} {o:.2f} s (Python CPU {min(cpu['old']):.2f} s), now {n:.2f} s "
              f"(Python CPU {min(cpu['new']):.2f} s), best of {rounds}, x{o / n:.2f}; "
              f"same facts: {answers['old'] == answers['new']} (load {os.getloadavg()[0]:.1f})", flush=True)


def _db_hits(store: Any, query: str, params: dict[str, Any]) -> int:
    """Total db hits of a query's plan (PROFILE): the work, independent of the machine's load."""
    driver = store._driver  # the benchmark reads the plan, which Neo4jStore.run does not return

    def total(plan: Any) -> int:
        return int(plan.get("dbHits", 0)) + sum(total(c) for c in plan.get("children", []))

    # as the store's own sessions: no "property `until` does not exist" warning on data without it
    with driver.session(database=store.database, notifications_disabled_classifications=["UNRECOGNIZED"]) as session:
        result = session.run("PROFILE " + query, params)
        for _ in result:  # the profile is complete only once every row was read
            pass
        summary = result.consume()
    return total(summary.profile)


def _server_cpu(pid: int | None) -> float:
    """CPU seconds the server process has used (0 without ``--server-pid``): steadier than wall under load."""
    if not pid:
        return 0.0
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(call: Any, pid: int | None) -> tuple[float, float, float]:
    t, c, s = time.perf_counter(), time.process_time(), _server_cpu(pid)
    call()
    return time.perf_counter() - t, time.process_time() - c, _server_cpu(pid) - s


def _queries(net: Any, ids: list[str], pid: int | None, rounds: int = 3) -> None:
    """Whole calls, cold then warm; the targets of issue 10 beside each figure."""
    load = os.getloadavg()[0]
    server = " server CPU {:.2f} s," if pid else "{:.0s}"
    for name, call in [
        ("coverage(2023)", lambda: net.coverage(2023)),
        ("coverage(2023, area='RZ')", lambda: net.coverage(2023, area="RZ")),
        ("kpis(2023)", lambda: net.kpis(2023)),
        ("influence(betweenness='sample')", lambda: net.influence(betweenness="sample")),
    ]:
        runs = [_timed(call, pid) for _ in range(rounds if "RZ" not in name and "influence" not in name else 1)]
        wall, cpu, scpu = runs[0]
        line = f"{name}: first {wall:.2f} s (Python CPU {cpu:.2f} s," + server.format(scpu) + ")"
        if len(runs) > 1:
            w, c, sc = min(runs[1:], key=lambda r: r[0])
            line += f"; warm best of {len(runs) - 1}: {w:.2f} s (Python CPU {c:.2f} s," + server.format(sc) + ")"
            line += f"  [target: warm < 5 s: {'met' if w < 5 else 'NOT met'}]"
        print(line, flush=True)
    for h in ids[:10]:  # warm the plan cache and the pages the chains read
        net.contact_chain(h)
    wall, cpu, scpu = _timed(lambda: [net.contact_chain(h) for h in ids], pid)
    each = wall / len(ids) * 1000
    print(f"contact_chain: {each:.2f} ms each (mean of {len(ids):,}; Python CPU {cpu / len(ids) * 1000:.2f} ms"
          + (f", server CPU {scpu / len(ids) * 1000:.2f} ms" if pid else "")
          + f")  [target: < 10 ms: {'met' if each < 10 else 'NOT met'}]", flush=True)
    print(f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after ({os.cpu_count()} CPUs, shared machine)",
          flush=True)


def _current() -> tuple[Any, Any]:
    from orgnet.queries import _neo4j_coverage, _neo4j_kpis

    return _neo4j_coverage, _neo4j_kpis


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--uri", required=True)
    ap.add_argument("--scale", default="city")
    ap.add_argument("--queries-only", action="store_true", help="time the queries on the database as it is")
    ap.add_argument("--baseline", metavar="REV", help="also time the Cypher of git revision REV")
    ap.add_argument("--baseline-only", action="store_true", help="with --queries-only: only the baseline part")
    ap.add_argument("--server-pid", type=int, help="the server's process id: also report its CPU time per call")
    args = ap.parse_args()
    auth = ("neo4j", os.environ.get("ORGNET_NEO4J_PASSWORD", "orgnet-test-password"))
    if args.queries_only:
        net = orgnet.connect(args.uri, auth=auth)
        print(f"{net.counts()} (load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs, shared machine)",
              flush=True)
        ids = [r["id"] for r in net.store.run("MATCH (h:Household) RETURN h.id AS id")][::1000][:1000]  # type: ignore[attr-defined]
        if not args.baseline_only:
            _print_db_hits(net.store, "now", _cypher_of(*_current()))
            _queries(net, ids, args.server_pid)
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
    _print_db_hits(net.store, "now", _cypher_of(*_current()))
    _queries(net, [h["id"] for h in ds["households"]][::1000][:1000], args.server_pid)
    t = time.perf_counter()
    net.load(ds)
    print(f"second load of the same data (changes nothing): {time.perf_counter() - t:.1f} s", flush=True)
    print("node and relationship counts unchanged by the reload:", net.counts() == first)
    net.close()


if __name__ == "__main__":
    main()
