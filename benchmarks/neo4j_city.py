"""City scale in Neo4j: load time and query times.

Run against a server of your own (the project's: ``ORGNET_NEO4J_HEAP=4g ORGNET_NEO4J_PAGECACHE=4g
scripts/neo4j-server start --port 7699 --data /tmp/neo4j-city``), then
``python benchmarks/neo4j_city.py --uri bolt://127.0.0.1:7699``. It clears that database first.
"""

from __future__ import annotations

import argparse
import os
import time

import orgnet


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--uri", required=True)
    ap.add_argument("--scale", default="city")
    args = ap.parse_args()
    auth = ("neo4j", os.environ.get("ORGNET_NEO4J_PASSWORD", "orgnet-test-password"))
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
