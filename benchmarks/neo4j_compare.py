"""Load speed of two versions of orgnet, alternating, against one Neo4j: before vs after a change.

Each run is a fresh process that imports orgnet from the given source tree,
plans ``synth.city(scale, seed=0)`` once, clears the database and times
``Neo4jStore.apply`` (the write phase of ``net.load``). Runs alternate
before, after, before, after, … so both see the same machine load; the medians
and their ratio are printed.

Run (e.g. with the tree of an older commit from ``git archive``)::

    git archive <old-commit> | tar -x -C /tmp/orgnet-before
    python benchmarks/neo4j_compare.py --before /tmp/orgnet-before --after . --uri bolt://127.0.0.1:7687
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

RUN = r"""
import os, sys, time
from orgnet.graph.base import ChangeSet
from orgnet.graph.memory import MemoryStore
from orgnet.graph.neo4j import Neo4jStore
from orgnet.io.load import load_records
import orgnet

class Capture(MemoryStore):
    def apply(self, changes, **options):
        self.changes = changes

capture = Capture()
load_records(capture, orgnet.synth.city(sys.argv[2], seed=0))
store = Neo4jStore(sys.argv[1], auth=(os.environ["BENCH_USER"], os.environ["BENCH_PASSWORD"]))
store.clear()
store.ensure_schema()
start = time.perf_counter()
store.apply(capture.changes)
seconds = time.perf_counter() - start
print(f"{capture.changes.size()} {seconds:.3f}")
store.clear()
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="source tree of the old version")
    parser.add_argument("--after", default=".", help="source tree of the new version")
    parser.add_argument("--uri", default=os.environ.get("ORGNET_NEO4J_URI") or "bolt://127.0.0.1:7687")
    parser.add_argument("--scale", default="district")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    env = {**os.environ, "BENCH_USER": os.environ.get("ORGNET_NEO4J_USERNAME") or "neo4j",
           "BENCH_PASSWORD": os.environ.get("ORGNET_NEO4J_PASSWORD") or "orgnet-test-password"}
    times: dict[str, list[float]] = {"before": [], "after": []}
    total = 0
    for _ in range(args.repeat):
        for name in ("before", "after"):
            tree = str(Path(getattr(args, name)).resolve())
            out = subprocess.run([sys.executable, "-c", RUN, args.uri, args.scale],
                                 env={**env, "PYTHONPATH": tree}, capture_output=True, text=True, check=True)
            size, seconds = out.stdout.split()
            total = int(size)
            times[name].append(float(seconds))
            print(f"  {name:>6}: {float(seconds):6.1f} s  {total / float(seconds):>8,.0f} entities/s", flush=True)
    b, a = statistics.median(times["before"]), statistics.median(times["after"])
    print(f"synth.city({args.scale!r}): {total:,} entities; median before {b:.1f} s ({total / b:,.0f}/s), "
          f"after {a:.1f} s ({total / a:,.0f}/s): after/before speed = {b / a:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
