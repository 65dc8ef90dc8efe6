"""Huge values against a Neo4j with a small heap: does the server survive a load?

Two attacks, each into an empty database:

1. ``--rows 100 --value-kib 3072``: 100 households with 3 MB addresses in one
   batch (this once ended a 1 GiB server with ``OutOfMemoryError`` after the
   rows were committed). Now refused before anything is written (a value holds
   at most ``orgnet.limits.MAX_TEXT_BYTES``).
2. ``--rows 5000 --value-kib 63``: values just under that limit, 5,000 of them
   (about 315 MB) in what used to be one 5,000-row transaction. Now cut into
   transactions of at most ``orgnet.limits.MAX_BATCH_BYTES``.

After each it checks that the server still answers and deletes what was written
(``delete`` in bounded batches). Run it against a server of its own with a
small heap, e.g.::

    ORGNET_NEO4J_HEAP=384m ORGNET_NEO4J_PORT=7723 ORGNET_NEO4J_HOME=/tmp/neo4j-small scripts/neo4j-server start
    python benchmarks/neo4j_big_values.py --uri bolt://127.0.0.1:7723 --rows 100 --value-kib 3072
    python benchmarks/neo4j_big_values.py --uri bolt://127.0.0.1:7723 --rows 5000 --value-kib 63
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from orgnet.graph.base import ChangeSet
from orgnet.graph.neo4j import Neo4jStore


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uri", required=True)
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--value-kib", type=int, default=3072)
    args = parser.parse_args(argv)
    auth = ("neo4j", os.environ.get("ORGNET_NEO4J_PASSWORD") or "orgnet-test-password")
    store = Neo4jStore(args.uri, auth=auth, max_retry_time=5.0)
    store.clear()
    value = "x" * (args.value_kib * 1024)
    rows = [{"id": f"H{i:05d}", "address": value} for i in range(args.rows)]
    print(f"{args.rows:,} households with {args.value_kib:,} KiB addresses "
          f"({args.rows * args.value_kib / 1024:,.0f} MiB) into {store.uri}")
    start = time.perf_counter()
    before = store.queries_sent
    try:
        store.apply(ChangeSet(nodes={"Household": rows}), batch_size=5_000)
        print(f"  loaded in {time.perf_counter() - start:.1f} s, {store.queries_sent - before} transactions")
    except Exception as exc:  # noqa: BLE001 - the outcome is what this script reports
        print(f"  refused/failed after {time.perf_counter() - start:.1f} s: {type(exc).__name__}: {str(exc)[:200]}")
    store.close()
    try:
        again = Neo4jStore(args.uri, auth=auth, max_retry_time=5.0, connection_timeout=5.0)
        print(f"  server alive afterwards: {again.counts()}")
        removed = again.delete([r["id"] for r in rows])
        print(f"  deleted {removed:,} (in batches); now {again.counts()}")
        again.close()
    except Exception as exc:  # noqa: BLE001
        print(f"  server NOT answering afterwards: {type(exc).__name__}: {str(exc)[:200]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
