"""Concurrent loads at district scale: time taken, and what Cypher finds wrong afterwards.

Runs ``net.load(orgnet.synth.city("district", seed=S))`` from 1, 2 and 4 separate
processes at once (same data), then from 2 processes with different seeds (the
same ids with different parents, buildings and households), and counts with
Cypher, in the database: duplicate relationships, reference-field
relationships missing, doubled or disagreeing with their property, ids with two
kinds. Every count must be 0. The database is cleared between runs: point it
at a scratch server.

Run::

    python benchmarks/neo4j_concurrency.py --uri bolt://127.0.0.1:7687 --clear
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from orgnet.graph.neo4j import Neo4jStore
from orgnet.graph.neo4j_integrity import violations

ROOT = Path(__file__).resolve().parents[1]

LOADER = r"""
import os, sys, time
import orgnet
uri, scale, seed, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ds = orgnet.synth.city(scale, seed=seed)
net = orgnet.connect(uri, auth=(os.environ["BENCH_USER"], os.environ["BENCH_PASSWORD"]))
net.counts()
while not os.path.exists(go):
    time.sleep(0.002)
start = time.perf_counter()
try:
    net.load(ds)
    print(f"LOADED {time.perf_counter() - start:.1f}", flush=True)
except orgnet.OrgnetError as exc:
    print(f"FAILED {type(exc).__name__} {time.perf_counter() - start:.1f}", flush=True)
"""


def run_loaders(uri: str, user: str, password: str, scale: str, seeds: list[int]) -> tuple[float, list[str]]:
    """Wall seconds for all loaders together, and each one's outcome line."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "BENCH_USER": user, "BENCH_PASSWORD": password}
    with tempfile.TemporaryDirectory() as tmp:
        go = Path(tmp) / "go"
        procs = [subprocess.Popen([sys.executable, "-c", LOADER, uri, scale, str(seed), str(go)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                 for seed in seeds]
        time.sleep(8.0 if scale != "tiny" else 3.0)  # every loader generated its data and connected
        start = time.perf_counter()
        go.touch()
        outs = [p.communicate(timeout=3600) for p in procs]
        wall = time.perf_counter() - start
    lines = [(out.strip().splitlines() or [f"CRASHED {err[-300:]}"])[-1] for out, err in outs]
    return wall, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uri", default=os.environ.get("ORGNET_NEO4J_URI")
                        or os.environ.get("NEO4J_URI") or "bolt://127.0.0.1:7687")
    parser.add_argument("--user", default=os.environ.get("ORGNET_NEO4J_USERNAME")
                        or os.environ.get("NEO4J_USERNAME") or "neo4j")
    parser.add_argument("--scale", default="district", choices=["tiny", "district", "city"])
    parser.add_argument("--clear", action="store_true", help="clear a database that already holds orgnet data")
    args = parser.parse_args(argv)
    password = (os.environ.get("ORGNET_NEO4J_PASSWORD") or os.environ.get("NEO4J_PASSWORD")
                or "orgnet-test-password")
    store = Neo4jStore(args.uri, auth=(args.user, password))
    if store.counts() and not args.clear:
        print(f"{store!r} already holds orgnet data; pass --clear to let the benchmark wipe it", file=sys.stderr)
        return 2
    print(f"server: Neo4j {store.server_version} at {store.uri}; synth.city({args.scale!r})")
    reference: dict[str, int] | None = None
    for name, seeds in (("1 loader", [0]), ("2 loaders, same data", [0, 0]),
                        ("4 loaders, same data", [0, 0, 0, 0]), ("2 loaders, seeds 0 and 1", [0, 1])):
        store.clear()
        wall, lines = run_loaders(args.uri, args.user, password, args.scale, seeds)
        counts = store.counts()
        bad = violations(store)
        if reference is None:
            reference = counts
        same = "counts equal to 1 loader" if counts == reference else "counts differ from 1 loader"
        print(f"{name:>26}: {wall:6.1f} s wall; outcomes {lines}; {same if len(set(seeds)) == 1 else ''} "
              f"violations {bad or 'none'}")
    store.clear()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
