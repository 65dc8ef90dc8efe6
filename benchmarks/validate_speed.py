"""Checking speed: column-wise checks against the per-row check they replaced, in one process.

Run: ``python benchmarks/validate_speed.py [--scale city|district] [--repeat 1]``.

"Checking" is everything a load does before its first write: every value of every row
(:func:`orgnet.io.validate.validate_table`) and the structural rules
(:func:`orgnet.io.validate.plan_load`: unique ids, references, levels, roles, cycles), into
an empty ``memory://`` store. The baseline is the same two stages as they were before
(``benchmarks/_baseline_validate.py``: a pydantic ``TypeAdapter`` over every row, then a
Python loop per row and reference), run on the same data in the same process.

``--reload`` also checks the same data against a store that already holds it (a reload: no
area changes level), with the checks of areas against the stored area tree and without them
(``_Planner._areas`` replaced by a no-op in this process): what reading the stored tree and
looking for cycles and level changes adds to a reload.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _baseline_validate as baseline  # noqa: E402

import orgnet  # noqa: E402
from orgnet.graph.memory import MemoryStore  # noqa: E402
from orgnet.io import Dataset  # noqa: E402
from orgnet.io.validate import plan_load, validate_table  # noqa: E402


def check_now(ds: Dataset) -> tuple[int, int]:
    tables = []
    rejects = 0
    for name, rows in ds.items():
        table, bad = validate_table(name, name, rows, list(range(1, len(rows) + 1)))
        tables.append(table)
        rejects += len(bad)
    changes, _, problems = plan_load(tables, MemoryStore())
    return changes.size(), rejects + len(problems)


def check_against(ds: Dataset, store: Any) -> tuple[int, int]:
    tables = [validate_table(name, name, rows, list(range(1, len(rows) + 1)))[0] for name, rows in ds.items()]
    changes, _, problems = plan_load(tables, store)
    return changes.size(), len(problems)


def reload_figures(ds: Dataset, repeat: int) -> None:
    """The check of a reload with and without the stored-area checks, alternated, best of ``repeat``.

    Also the CPU time of the stored-area work itself (the tree read and ``_Planner._areas``),
    measured inside the runs with the checks on.
    """
    from orgnet.io import validate
    from orgnet.io.load import load_records

    store = MemoryStore()
    t, _ = timed(load_records, store, ds)
    print(f"reload: {len(store.area_tree()):,} stored areas, loaded in {t:.1f}s")
    areas, tree = validate._Planner._areas, MemoryStore.area_tree
    spent: list[float] = []

    def measured(fn: Any) -> Any:
        def run(*args: Any) -> Any:
            c = time.process_time()
            try:
                return fn(*args)
            finally:
                spent.append(time.process_time() - c)
        return run

    runs: dict[str, list[tuple[float, float]]] = {"with": [], "without": []}
    outs = {}
    area_cpu: list[float] = []
    for i in range(repeat):
        for name in ("with", "without") if i % 2 == 0 else ("without", "with"):
            spent.clear()
            if name == "without":
                validate._Planner._areas = lambda self, tree: None  # type: ignore[method-assign]
            else:
                validate._Planner._areas = measured(areas)  # type: ignore[method-assign]
                MemoryStore.area_tree = measured(tree)  # type: ignore[method-assign]
            try:
                wall, cpu, outs[name] = cpu_timed(check_against, ds, store)
            finally:
                validate._Planner._areas = areas  # type: ignore[method-assign]
                MemoryStore.area_tree = tree  # type: ignore[method-assign]
            runs[name].append((wall, cpu))
            if name == "with":
                area_cpu.append(sum(spent))
    assert outs["with"] == outs["without"], outs
    best = {name: (min(w for w, _ in r), min(c for _, c in r)) for name, r in runs.items()}
    print(f"reload check, with area checks:    {best['with'][0]:.2f} s wall, {best['with'][1]:.2f} s CPU")
    print(f"reload check, without area checks: {best['without'][0]:.2f} s wall, {best['without'][1]:.2f} s CPU")
    print(f"of which the stored area tree read and the area checks: {min(area_cpu) * 1000:.1f} ms CPU "
          f"({min(area_cpu) / best['with'][1]:.2%} of the check)")
    print(f"target: no slower without a level change (with / without: {best['with'][1] / best['without'][1]:.3f} "
          f"CPU, {best['with'][0] / best['without'][0]:.3f} wall; problems found: {outs['with'][1]})")


def check_before(ds: Dataset) -> tuple[int, int]:
    tables = []
    rejects = 0
    for name, rows in ds.items():
        table, bad = baseline.validate_table(name, name, rows, list(range(1, len(rows) + 1)))
        tables.append(table)
        rejects += len(bad)
    changes, _, problems = baseline.plan_load(tables, MemoryStore())
    return changes.size(), rejects + len(problems)


def timed(fn: Any, *args: Any) -> tuple[float, Any]:
    gc.collect()
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def cpu_timed(fn: Any, *args: Any) -> tuple[float, float, Any]:
    """Wall and CPU seconds (CPU time is steadier on a shared machine)."""
    gc.collect()
    t, c = time.perf_counter(), time.process_time()
    out = fn(*args)
    return time.perf_counter() - t, time.process_time() - c, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="city", choices=["tiny", "district", "city"])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--reload", action="store_true",
                        help="also time a reload's check (the data already stored) with and without the area checks")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}, {platform.node()}")
    t, ds = timed(orgnet.synth.city, args.scale, 0)
    print(f"synth.city({args.scale!r}): {ds.total():,} rows in {t:.1f}s")
    nows, befores, now_cpu, before_cpu = [], [], [], []
    for _ in range(args.repeat):
        t_now, c_now, out_now = cpu_timed(check_now, ds)
        nows.append(t_now)
        now_cpu.append(c_now)
        t_before, c_before, out_before = cpu_timed(check_before, ds)
        befores.append(t_before)
        before_cpu.append(c_before)
        assert out_now == out_before, (out_now, out_before)
    now, before = min(nows), min(befores)
    cnow, cbefore = min(now_cpu), min(before_cpu)
    print(f"writes planned: {out_now[0]:,}, problems: {out_now[1]} (both paths agree)")
    if args.repeat > 1:
        print("column-wise runs (wall s): " + ", ".join(f"{x:.2f}" for x in nows)
              + f"; first {nows[0]:.2f}, median {statistics.median(nows):.2f}, best {now:.2f}")
    print(f"check, column-wise (now):   {now:.2f} s wall, {cnow:.2f} s CPU  ({ds.total() / now:,.0f} rows/s)")
    print(f"check, per row (before):    {before:.2f} s wall, {cbefore:.2f} s CPU  ({ds.total() / before:,.0f} rows/s)")
    print("targets: column-wise check < 5 s, at least 5x the per-row check")
    print(f"speed-up: {before / now:.1f}x wall, {cbefore / cnow:.1f}x CPU; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    if args.reload:
        reload_figures(ds, max(args.repeat, 2))
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
