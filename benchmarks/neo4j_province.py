"""A province on Neo4j: ``synth.city("province")`` (about 5.8M nodes) bulk imported, then queried.

Steps, each timed (wall and CPU) and printed with the load average:

1. generate ``orgnet.synth.city("province", seed=0)`` (four cities of the ``city`` scale; steps
   1-3 run in a child process, so that all their memory is returned before the importer runs);
2. check it as a load would (:func:`orgnet.graph.neo4j_bulk.check`); the generated rows are
   dropped as soon as they are checked, to keep the peak memory down;
3. write the import CSVs (:func:`orgnet.graph.neo4j_bulk.write_import_files`); the checked rows
   are dropped before the importer runs;
4. run Neo4j's importer into a new server directory (:func:`orgnet.graph.neo4j_bulk.run_import`);
5. start the project's server on it (``scripts/neo4j-server start --data DIR``; the first start
   creates orgnet's constraint and indexes) and answer ``coverage(2023)``, ``kpis(2023)``, 1,000
   ``contact_chain`` (households spread over the province) and
   ``influence(betweenness="sample")``.

The counts in the database are checked against the counts written. The server is stopped and the
directory deleted at the end (``--keep`` leaves both). Memory: about 8 GB for Python at the peak
(steps 1-3), then the importer (``--import-heap`` + ``--import-memory``), then the server
(``--heap`` + ``--pagecache``).

Run from a checkout::

    python benchmarks/neo4j_province.py --dir /tmp/province --port 7745 --heap 3g --pagecache 3g
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "neo4j-server"
YEAR = 2023


def _cpu() -> float:
    """CPU seconds of this process and its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


SERVER_PID: list[int] = []
"""The pid of the server on the imported database, once started."""


def _server_cpu() -> float:
    """CPU seconds of the Neo4j server so far (0 before it starts): the queries' work is done there."""
    if not SERVER_PID:
        return 0.0
    try:
        fields = Path(f"/proc/{SERVER_PID[0]}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def timed(name: str, call: Callable[[], Any], target: str = "") -> Any:
    """Run ``call``, print its wall and CPU seconds (and the load average), return its result."""
    load = os.getloadavg()[0]
    t, c, s = time.perf_counter(), _cpu(), _server_cpu()
    result = call()
    wall, cpu, server = time.perf_counter() - t, _cpu() - c, _server_cpu() - s
    print(f"  {name:<44} {wall:>8.1f} {cpu:>8.1f} {server:>8.1f}   load {load:4.1f}  peak RSS {_peak_gb():.1f} GB (this process)"
          + (f"   {target}" if target else ""), flush=True)
    return result


def _prepare(scale: str, csv_dir: Path, chains: int) -> tuple[Any, int, list[str]]:
    """Generate, check and write the import CSVs; (ImportFiles, rows, sample of household ids)."""
    import orgnet
    from orgnet.graph import neo4j_bulk

    gc.disable()  # millions of rows without cycles (as the loaders do)
    data: dict[str, Any] = {}  # dropped step by step (pop) to keep the peak memory down
    data["ds"] = timed(f"generate synth.city({scale!r})", lambda: orgnet.synth.city(scale, seed=0))
    rows = data["ds"].total()
    households = [h["id"] for h in data["ds"]["households"]]
    sample = households[:: max(1, len(households) // chains)][:chains]
    del households
    data["changes"], report = timed("check (as a load)", lambda: neo4j_bulk.check(data.pop("ds")))
    assert report.ok
    del report
    files = timed("write the import CSVs", lambda: neo4j_bulk.write_import_files(data.pop("changes"), csv_dir))
    return files, rows, sample


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", required=True, type=Path, help="new server directory (must not exist)")
    ap.add_argument("--port", type=int, required=True, help="port to serve the imported database on")
    ap.add_argument("--heap", default="3g", help="the server's heap")
    ap.add_argument("--pagecache", default="3g", help="the server's page cache")
    ap.add_argument("--import-heap", default="1g")
    ap.add_argument("--import-memory", default="3g", help="the importer's --max-off-heap-memory")
    ap.add_argument("--chains", type=int, default=1000)
    ap.add_argument("--samples", type=int, default=40_000, help="influence: sampled shortest paths")
    ap.add_argument("--keep", action="store_true", help="leave the server running and the directory")
    ap.add_argument("--scale", default="province", help="another synth scale (a quick try of the script)")
    args = ap.parse_args()
    if args.dir.exists():
        sys.exit(f"{args.dir} exists; the import needs a new directory")
    auth = ("neo4j", os.environ.get("ORGNET_NEO4J_PASSWORD", "orgnet-test-password"))

    import logging

    from orgnet.graph import neo4j_bulk

    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)  # query deprecations: not this benchmark's
    from orgnet.graph.neo4j import Neo4jStore

    print(f"{args.scale} on Neo4j, {os.cpu_count()} CPUs (machine shared with other work: figures are noisy)")
    print(f"  {'step':<44} {'wall s':>8} {'CPU s':>8} {'server':>8}   (CPU: this process and its finished "
          "children; server: the Neo4j server's CPU seconds)", flush=True)
    # Steps 1-3 in a child process: its memory (several GB of rows) is all returned before the
    # importer and the server start.
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(1, mp_context=get_context("fork")) as pool:
        files, rows, sample = pool.submit(_prepare, args.scale, args.dir / "import", args.chains).result()
    entities = sum(files.counts.values())
    seconds = timed("Neo4j importer", lambda: neo4j_bulk.run_import(
        files, args.dir, heap=args.import_heap, max_memory=args.import_memory))
    own = neo4j_bulk.importer_seconds(args.dir)
    print(f"  {rows:,} rows -> {entities:,} nodes + relationships; importer {entities / seconds:,.0f}/s"
          + (f" (its own IMPORT DONE: {own:.1f} s)" if own is not None else ""), flush=True)

    started = timed("first server start (creates the schema)", lambda: subprocess.run(
        [str(SCRIPT), "start", "--data", str(args.dir), "--port", str(args.port), "--heap", args.heap,
         "--pagecache", args.pagecache], capture_output=True, text=True, check=False))
    if started.returncode != 0:
        print(started.stderr[-3000:], file=sys.stderr)
        return 1
    SERVER_PID.append(int((args.dir / "orgnet-neo4j.pid").read_text().strip()))
    store = Neo4jStore(started.stdout.strip().splitlines()[-1], auth=auth)
    try:
        from orgnet.queries.chains import contact_chain
        from orgnet.queries.coverage import coverage
        from orgnet.queries.influence import influence
        from orgnet.queries.kpis import kpis

        counts = timed("counts", store.counts)
        print(f"  counts equal to the files written: {counts == files.counts}", flush=True)
        assert counts == files.counts, (counts, files.counts)
        timed("coverage(2023), cold", lambda: coverage(store, YEAR))
        timed("coverage(2023), warm", lambda: coverage(store, YEAR))
        timed("kpis(2023), cold", lambda: kpis(store, YEAR))
        timed("kpis(2023), warm", lambda: kpis(store, YEAR))

        def chains() -> None:
            for h in sample:
                contact_chain(store, h)

        t = time.perf_counter()
        timed(f"{len(sample):,} contact_chain (households)", chains)
        per = (time.perf_counter() - t) / len(sample) * 1000
        print(f"  contact_chain: {per:.2f} ms each (mean of {len(sample):,})", flush=True)
        timed(f"influence(betweenness='sample', samples={args.samples:,})",
              lambda: influence(store, betweenness="sample", samples=args.samples))
    finally:
        store.close()
        if not args.keep:
            subprocess.run([str(SCRIPT), "stop", "--data", str(args.dir)], capture_output=True, check=False)
            shutil.rmtree(args.dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
