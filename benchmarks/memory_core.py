"""The columnar embedded store at scale: the issue-9 targets, each beside a plain baseline.

Run: ``python benchmarks/memory_core.py [--scale city|district|tiny] [--chains 10000] [--paths 1000]``.

Prints, in one process:
* ``net.load`` into ``memory://`` (checking included) and the store's own ``apply`` inside it;
  the process RSS after the load and its peak;
* ``coverage(2023)`` and ``kpis(2023)`` next to a bare numpy computation of the household rule
  (households without a member contact, counted per grid) on the store's own arrays;
* ``contact_chains`` of many households, ``contact_path`` between many pairs of people;
* saving the store to a ``file:`` snapshot and reopening it (memory-mapped), then a coverage on it.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

import orgnet
from orgnet.graph.memory import MemoryStore
from orgnet.network import Network


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


class TimedStore(MemoryStore):
    """A memory store that records how long its own ``apply`` took."""

    apply_seconds = 0.0

    def apply(self, changes: Any, **options: Any) -> None:
        t = time.perf_counter()
        super().apply(changes, **options)
        self.apply_seconds += time.perf_counter() - t


def household_rule_numpy(store: MemoryStore) -> tuple[int, int]:
    """The baseline: household_contact per grid with bare numpy on the store's arrays."""
    s = store.state()
    n = s.n
    into = np.full(n, -1, dtype=np.int64)
    r = s.rels["IN"]
    into[r.src] = r.dst
    hh = s.nodes["Household"].codes
    bld = into[hh]
    grid = np.where(bld >= 0, into[np.maximum(bld, 0)], -1)
    member = np.zeros(n, dtype=bool)
    member[s.nodes["Person"].codes] = s.nodes["Person"].table.column("is_member").to_numpy(zero_copy_only=False)
    c = s.rels["CONTACTS"]
    contacted = np.bincount(c.dst[member[c.src]], minlength=n) > 0
    gap = ~contacted[hh]
    per_grid = np.bincount(np.maximum(grid, 0), minlength=n)
    gaps_per_grid = np.bincount(np.maximum(grid[gap], 0), minlength=n)
    return int(per_grid.sum()), int(gaps_per_grid.sum())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="city", choices=["tiny", "district", "city"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--chains", type=int, default=10_000)
    ap.add_argument("--paths", type=int, default=1_000)
    args = ap.parse_args()
    print(f"# columnar memory store, scale={args.scale}, {platform.platform()}, python "
          f"{platform.python_version()}, {os.cpu_count()} cpus (shared)")
    t_gen, ds = timed(lambda: orgnet.synth.city(args.scale, seed=args.seed))
    print(f"generate: {t_gen:.1f} s, {ds.total():,} rows, rss {rss_mb():,.0f} MB")

    store = TimedStore()
    net = Network(store)
    cpu = time.process_time()
    t_load, report = timed(partial(net.load, ds))
    cpu = time.process_time() - cpu
    print(f"net.load (checking included): {t_load:.1f} s wall, {cpu:.1f} s CPU (target < 10 s); "
          f"the store's apply: {store.apply_seconds:.2f} s; rejects {len(report.rejects)}")
    del ds, report
    print(f"rss after load: {rss_mb():,.0f} MB; peak rss so far: {peak_mb():,.0f} MB (target < 2,500 MB)")
    nodes = int((store.state().label >= 0).sum())
    print(f"nodes {nodes:,}, relationships {sum(len(r) for r in store.state().rels.values()):,}")

    t_base, base = timed(lambda: household_rule_numpy(store))
    t_base2, _ = timed(lambda: household_rule_numpy(store))
    t_base = min(t_base, t_base2)
    print(f"baseline numpy household rule: {t_base:.4f} s (checked {base[0]:,}, gaps {base[1]:,})")
    t_cov_cold, cov = timed(lambda: net.coverage(2023))
    t_cov, cov = timed(lambda: net.coverage(2023))
    hc = cov.rules["household_contact"]
    print(f"coverage(2023): first {t_cov_cold:.3f} s, again {t_cov:.3f} s (x{t_cov / t_base:.1f} the baseline); "
          f"household_contact {hc.checked:,} checked, {len(hc.gaps):,} gaps")
    t_kpi, _ = timed(lambda: net.kpis(2023))
    print(f"kpis(2023): {t_kpi:.3f} s (x{t_kpi / t_base:.1f} the baseline)")
    district = sorted(cov.by_district)[0] if cov.by_district else None
    if district:
        t, _ = timed(lambda: net.coverage(2023, area=district))
        print(f"coverage(2023, area={district}): {t:.3f} s")

    households = store.ids("Household")
    step = max(1, len(households) // args.chains)
    sample = households[::step][: args.chains]
    t_cold, _ = timed(lambda: net.contact_chains(sample))
    t, chains = timed(lambda: net.contact_chains(sample))
    print(f"contact_chains x{len(sample):,}: first {t_cold:.3f} s, again {t:.3f} s")

    people = store.ids("Person")
    rng = np.random.default_rng(0)
    picks = rng.choice(len(people), size=(args.paths, 2))
    pairs = [(people[a], people[b]) for a, b in picks.tolist()]
    t_cold, _ = timed(lambda: net.contact_path(*pairs[0]))
    t, paths = timed(lambda: [net.contact_path(a, b) for a, b in pairs])
    print(f"contact_path x{len(pairs):,}: {t:.3f} s (first call, building the CSR: {t_cold:.3f} s; "
          f"mean length {np.mean([len(p) for p in paths]):.1f})")

    from orgnet.graph.snapshot import SnapshotFile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "city.orgnet"
        snap = SnapshotFile(path)
        t_save, _ = timed(lambda: snap.save(store.state()))
        print(f"save file: snapshot: {t_save:.2f} s, {path.stat().st_size / 1e6:,.0f} MB")
        t_open, again = timed(lambda: MemoryStore(path))
        print(f"reopen file: snapshot (memory-mapped): {t_open:.2f} s")
        t, cov2 = timed(lambda: orgnet.queries.coverage.coverage(again, 2023))
        print(f"coverage(2023) on the reopened store: {t:.3f} s; equal: {cov2 == cov}")
        # the store's own footprint: a fresh process that opens the snapshot and answers coverage
        import subprocess
        import sys

        code = (
            "import orgnet, pathlib; net = orgnet.connect('file:" + str(path) + "'); net.coverage(2023); "
            "net.kpis(2023); print([l for l in pathlib.Path('/proc/self/status').read_text().splitlines() "
            "if l.startswith(('VmRSS', 'VmHWM'))])"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        print(f"fresh process, reopened store after coverage and kpis (target: the store < 1,000 MB): {out.strip()}")
    print(f"peak rss at the end: {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
