"""Bulk import vs online load into Neo4j, side by side in one run, and the same graph from both.

1. ``bulk_import``: check the data, write the import CSVs, run Neo4j's importer into a new
   server directory (each phase timed), then start the project's server on it (timed: the
   first start also creates orgnet's constraint and indexes) and time the queries there.
2. The online load of the same data into a running server (``--online-uri``; cleared first).
3. Counts of both compared; with ``--parity`` every node, relationship and property of both
   databases, and the answers of coverage/kpis/influence/chains/paths on the bulk-imported
   database against the embedded store.

Run from a checkout (it uses ``scripts/neo4j-server`` for the bulk-imported database)::

    ORGNET_NEO4J_HEAP=3g ORGNET_NEO4J_PAGECACHE=2g scripts/neo4j-server start --port 7704 --data /tmp/online
    python benchmarks/neo4j_bulk.py --scale district --dir /tmp/bulk-district --port 7714 \\
        --online-uri bolt://127.0.0.1:7704 --parity
    python benchmarks/neo4j_bulk.py --scale city --dir /tmp/bulk-city --port 7714 \\
        --online-uri bolt://127.0.0.1:7704
    python benchmarks/neo4j_bulk.py --scale city --dir /tmp/bulk-city --port 7714 --import-only

Prints check / CSV writing / importer / total, wall and CPU seconds, beside the
city target (end to end under 60 s).

``--dir`` must not exist yet. The bulk server is stopped at the end (``--keep`` leaves it).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orgnet
from orgnet.graph import neo4j_bulk
from orgnet.graph.neo4j import Neo4jStore

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "neo4j-server"
YEAR = 2023
TARGET_S = 60.0
"""Target for the city: bulk import end to end (check + CSVs + importer) under a minute."""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _queries(store: Neo4jStore, ds: Any) -> None:
    from orgnet.queries.chains import contact_chain
    from orgnet.queries.coverage import coverage
    from orgnet.queries.kpis import kpis

    households = [h["id"] for h in ds["households"]]
    for name, call in [
        ("coverage(2023)", lambda: coverage(store, YEAR)),
        ("kpis(2023)", lambda: kpis(store, YEAR)),
        ("coverage(2023) again", lambda: coverage(store, YEAR)),
        ("kpis(2023) again", lambda: kpis(store, YEAR)),
    ]:
        t = time.perf_counter()
        call()
        print(f"  {name}: {time.perf_counter() - t:.2f} s", flush=True)
    sample = households[:: max(1, len(households) // 1000)][:1000]
    t = time.perf_counter()
    for h in sample:
        contact_chain(store, h)
    per = (time.perf_counter() - t) / len(sample)
    print(f"  contact_chain: {per * 1000:.2f} ms each (mean of {len(sample)})", flush=True)


def _parity(bulk: Neo4jStore, online: Neo4jStore, ds: Any) -> None:
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "queries")]
    from test_parity import compare_all, dump  # the suite's own comparison

    from orgnet.graph.memory import MemoryStore
    from orgnet.io.load import load_records

    t = time.perf_counter()
    same = dump(bulk) == dump(online)
    print(f"every node, relationship and property equal to the online load: {same} "
          f"({time.perf_counter() - t:.1f} s)", flush=True)
    mem = MemoryStore()
    load_records(mem, ds)
    t = time.perf_counter()
    compare_all(mem, bulk, random.Random(0), areas=3, chains=40, paths=40)
    print(f"every query on the bulk-imported database equals the embedded store's: True "
          f"({time.perf_counter() - t:.1f} s)", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", default="district")
    ap.add_argument("--dir", required=True, type=Path, help="new server directory for the bulk import")
    ap.add_argument("--port", type=int, required=True, help="port to serve the bulk-imported database on")
    ap.add_argument("--heap", default="3g")
    ap.add_argument("--pagecache", default="2g")
    ap.add_argument("--online-uri", help="server for the online load (cleared first); leave out to skip")
    ap.add_argument("--parity", action="store_true", help="compare both databases and every query")
    ap.add_argument("--import-heap", default="1g", help="the importer's JVM heap")
    ap.add_argument("--import-memory", default="2g", help="the importer's --max-off-heap-memory")
    ap.add_argument("--threads", type=int, help="importer threads (default: the machine's processors)")
    ap.add_argument("--high-parallel-io", default="auto", choices=["auto", "on", "off"])
    ap.add_argument("--import-only", action="store_true",
                    help="stop after the import (no server start, no queries): the timing alone")
    ap.add_argument("--keep", action="store_true", help="leave the bulk server running")
    ap.add_argument("--online-only", action="store_true", help="only the online load into --online-uri")
    args = ap.parse_args()
    auth = ("neo4j", os.environ.get("ORGNET_NEO4J_PASSWORD", "orgnet-test-password"))
    if args.dir.exists() and not args.online_only:
        sys.exit(f"{args.dir} exists; bulk import needs a new directory")

    ds = orgnet.synth.city(args.scale, seed=0)
    print(f"{args.scale}: {ds.total():,} rows (load average {os.getloadavg()[0]:.1f}, "
          f"{os.cpu_count()} CPUs, shared machine)", flush=True)
    if args.online_only:  # the online half alone (when the two servers cannot run at once)
        from orgnet.io.load import load_records

        online = Neo4jStore(args.online_uri, auth=auth)
        online.clear()
        t = time.perf_counter()
        load_records(online, ds)
        online_s = time.perf_counter() - t
        print(f"online load: {online_s:.1f} s ({ds.total() / online_s:,.0f} rows/s), "
              f"load average {os.getloadavg()[0]:.1f}; counts {online.counts()}", flush=True)
        online.close()
        return

    load_before = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time() + _children_cpu()
    result = neo4j_bulk.bulk_import(ds, args.dir, heap=args.import_heap, max_memory=args.import_memory,
                                    threads=args.threads, high_parallel_io=args.high_parallel_io)
    bulk_total = time.perf_counter() - t0
    bulk_cpu = time.process_time() + _children_cpu() - c0
    entities = sum(result.files.counts.values())
    s, c = result.seconds, result.cpu
    own = neo4j_bulk.importer_seconds(args.dir)
    print(f"bulk import of {args.scale} ({ds.total():,} rows -> {entities:,} nodes + relationships), "
          f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f}:", flush=True)
    print(f"  {'step':<34} {'wall s':>8} {'CPU s':>8}", flush=True)
    for name, key in (("check", "check"), ("write the import CSVs", "write"), ("Neo4j importer (JVM included)", "import")):
        print(f"  {name:<34} {s[key]:>8.1f} {c[key]:>8.1f}", flush=True)
    if own is not None:
        print(f"  {'  of which its own IMPORT DONE':<34} {own:>8.1f}", flush=True)
    verdict = "MET" if bulk_total < TARGET_S else "NOT met"
    print(f"  {'total, end to end':<34} {bulk_total:>8.1f} {bulk_cpu:>8.1f}   target < {TARGET_S:.0f} s wall: "
          f"{verdict} ({ds.total() / bulk_total:,.0f} rows/s)", flush=True)

    if args.import_only:
        shutil.rmtree(args.dir, ignore_errors=True)
        return

    t = time.perf_counter()
    started = subprocess.run(
        [str(SCRIPT), "start", "--data", str(args.dir), "--port", str(args.port), "--heap", args.heap,
         "--pagecache", args.pagecache],
        capture_output=True, text=True, check=False,
    )
    if started.returncode != 0:
        sys.exit(started.stderr)
    print(f"first start of the server on it (creates the constraint and indexes): "
          f"{time.perf_counter() - t:.1f} s", flush=True)
    bulk = Neo4jStore(started.stdout.strip().splitlines()[-1], auth=auth)
    try:
        counts = bulk.counts()
        assert counts == result.files.counts, (counts, result.files.counts)
        print("queries on the bulk-imported database:", flush=True)
        _queries(bulk, ds)
        if args.online_uri:
            from orgnet.io.load import load_records

            if not args.parity and not args.keep:  # one server at a time: memory is shared
                bulk.close()
                subprocess.run([str(SCRIPT), "stop", "--data", str(args.dir)], capture_output=True, check=False)

            online = Neo4jStore(args.online_uri, auth=auth)
            online.clear()
            t = time.perf_counter()
            load_records(online, ds)
            online_s = time.perf_counter() - t
            print(f"online load of the same data: {online_s:.1f} s ({ds.total() / online_s:,.0f} rows/s); "
                  f"bulk import end to end is {online_s / bulk_total:.1f}x faster", flush=True)
            print(f"same counts: {online.counts() == counts}", flush=True)
            if args.parity:
                _parity(bulk, online, ds)
            online.close()
    finally:
        bulk.close()
        if not args.keep:
            subprocess.run([str(SCRIPT), "stop", "--data", str(args.dir)], capture_output=True, check=False)
            shutil.rmtree(args.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
