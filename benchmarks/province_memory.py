"""A province in the embedded store: generate, load into ``memory://``, answer coverage; peak RSS.

Run: ``python benchmarks/province_memory.py [--scale province] [--seed 0] [--no-reopen]``.

Target (issue 9): a province (``synth.city("province")``, ≈5.8M nodes) loads into
``memory://`` and answers coverage with peak RSS under 8 GB.

The generated rows are Python dicts (several GB at this scale) and live until the load
returns, so the process's peak counts the generator's output as well as the load. The
script prints both honestly: the process peak (generation included), the load's rise
above the generated data, and — in a fresh process that opens the saved store and
answers coverage — the store's own peak without the generated rows (``--no-reopen``
skips that part, which also writes the snapshot to a temporary file).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orgnet
from orgnet.graph.memory import MemoryStore
from orgnet.network import Network

TARGET_PEAK_MB = 8 * 1024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="province", choices=["tiny", "district", "city", "province"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-reopen", action="store_true")
    args = ap.parse_args()
    print(f"# province in memory://, scale={args.scale}, {platform.platform()}, python "
          f"{platform.python_version()}, {os.cpu_count()} cpus (shared), load average "
          f"{os.getloadavg()[0]:.1f}")

    w, c = time.perf_counter(), time.process_time()
    ds = orgnet.synth.city(args.scale, seed=args.seed)
    gen_wall, gen_cpu = time.perf_counter() - w, time.process_time() - c
    rss_gen, peak_gen = rss_mb(), peak_mb()
    print(f"generate: {gen_wall:.1f} s wall, {gen_cpu:.1f} s CPU; {ds.total():,} rows; "
          f"rss {rss_gen:,.0f} MB (the generated rows), peak {peak_gen:,.0f} MB")

    store = MemoryStore()
    net = Network(store)
    w, c = time.perf_counter(), time.process_time()
    report = net.load(ds)
    load_wall, load_cpu = time.perf_counter() - w, time.process_time() - c
    peak_load = peak_mb()
    print(f"net.load (checking included): {load_wall:.1f} s wall, {load_cpu:.1f} s CPU; "
          f"rejects {len(report.rejects)}; rss {rss_mb():,.0f} MB; peak {peak_load:,.0f} MB "
          f"(+{peak_load - rss_gen:,.0f} MB above the generated rows)")
    del ds, report
    gc.collect()
    s = store.state()
    nodes = int((s.label >= 0).sum())
    print(f"nodes {nodes:,}, relationships {sum(len(r) for r in s.rels.values()):,}; "
          f"rss with the rows freed: {rss_mb():,.0f} MB")

    w, c = time.perf_counter(), time.process_time()
    cov = net.coverage(2023)
    cov_wall, cov_cpu = time.perf_counter() - w, time.process_time() - c
    w = time.perf_counter()
    cov = net.coverage(2023)
    again = time.perf_counter() - w
    hc = cov.rules["household_contact"]
    share = "—" if hc.rate is None else f"{hc.rate:.4f}"
    print(f"coverage(2023): first {cov_wall:.2f} s wall ({cov_cpu:.2f} s CPU), again {again:.2f} s")
    print(f"household rule (household_contact): {hc.checked:,} households checked, {len(hc.gaps):,} gaps, "
          f"covered {share}")
    peak = peak_mb()
    verdict = "met" if peak < TARGET_PEAK_MB else "NOT met"
    print(f"process peak rss (generation included): {peak:,.0f} MB; target < {TARGET_PEAK_MB:,} MB: {verdict}")

    if not args.no_reopen:
        from orgnet.graph.snapshot import SnapshotFile

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "province.orgnet"
            w = time.perf_counter()
            SnapshotFile(path).save(store.state())
            print(f"saved the store: {time.perf_counter() - w:.1f} s, {path.stat().st_size / 1e6:,.0f} MB")
            del net, store, s, cov
            gc.collect()
            code = (
                "import orgnet, pathlib, time; t = time.perf_counter(); "
                f"net = orgnet.connect('file:{path}'); c = net.coverage(2023); "
                "hc = c.rules['household_contact']; "
                "hwm = [int(l.split()[1]) for l in pathlib.Path('/proc/self/status').read_text().splitlines() "
                "if l.startswith('VmHWM')][0]; "
                "print(f'{time.perf_counter() - t:.2f} s, household_contact {hc.checked:,} checked, "
                "{len(hc.gaps):,} gaps; peak rss {hwm / 1024:,.0f} MB')"
            )
            # VmHWM, not getrusage: a child's ru_maxrss starts from its parent's at the fork
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
            print(f"fresh process, the store alone (open the snapshot + coverage): {out.strip()}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
