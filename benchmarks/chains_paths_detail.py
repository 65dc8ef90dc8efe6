"""Where the contact chains' and paths' time goes, beside the code before this work.

Run: ``python benchmarks/chains_paths_detail.py [--scale city|district|tiny] [--before 0396d29]``.

Prints, in one process on one synthetic city:
* 1,000 ``contact_path`` calls through ``net.contact_path`` and the same pairs through the
  shortest-path routine as it was at commit ``--before`` (its ``orgnet/queries/_paths.py``, read
  with ``git show``, over the same CSR), alternated three times, CPU beside CPU, and whether the
  paths are identical;
* the floor of building the chains' models: as many ``ChainStep`` objects as 10,000 chains need,
  built by setting their slots in a bare loop (no ids read, no lists filled);
* 10,000 ``contact_chains`` four times, with the CPU time Python's cyclic collector took inside
  each call (``gc.callbacks``).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

import orgnet
from orgnet.graph.memory import MemoryStore
from orgnet.network import Network


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="city", choices=["tiny", "district", "city"])
    ap.add_argument("--before", default="0396d29")
    args = ap.parse_args()
    root = Path(__file__).resolve().parent.parent
    old_source = subprocess.run(["git", "show", f"{args.before}:orgnet/queries/_paths.py"], cwd=root,
                                capture_output=True, text=True, check=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "paths_before.py"
        path.write_text(old_source)
        spec = importlib.util.spec_from_file_location("paths_before", path)
        assert spec is not None and spec.loader is not None
        before: Any = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(before)

    store = MemoryStore()
    net = Network(store)
    net.load(orgnet.synth.city(args.scale, seed=0))
    print(f"# scale={args.scale}, {sum(len(r) for r in store.state().rels.values()):,} relationships, "
          f"machine shared: load average {Path('/proc/loadavg').read_text().split()[0]}")

    people = store.ids("Person")
    picks = np.random.default_rng(0).choice(len(people), size=(1000, 2))
    pairs = [(people[a], people[b]) for a, b in picks.tolist()]
    net.contact_path(*pairs[0])
    s = store.state()
    indptr, nbrs = s.undirected()
    names = s.names()

    def expand_before(frontier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        starts, ends = indptr[frontier], indptr[frontier + 1]
        counts = ends - starts
        total = int(counts.sum())
        offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        return np.repeat(frontier, counts), nbrs[offsets + np.arange(total)]

    def path_before(a: str, b: str) -> list[str]:
        found = before.smallest_shortest_path(s.code(a), s.code(b), expand_before, lambda h: names[h], size=s.n)
        return names[found].tolist()  # type: ignore[no-any-return]

    def cpu(fn: Any) -> tuple[float, Any]:
        c = time.process_time()
        out = [fn(a, b) for a, b in pairs]
        return time.process_time() - c, out

    for _ in range(3):
        c_old, old = cpu(path_before)
        c_new, new = cpu(net.contact_path)
        print(f"1,000 paths: before {args.before} cpu {c_old:.3f} s, now cpu {c_new:.3f} s "
              f"(ratio {c_new / c_old:.2f}); identical paths: {old == new}")

    households = store.ids("Household")
    sample = households[:: max(1, len(households) // 10_000)][:10_000]
    chains = net.contact_chains(sample)
    steps = len({id(x) for ch in chains for x in ch.steps})
    del chains
    from orgnet.queries.chains import (
        _STEP_FIELDS,
        ChainStep,
        _new,
        _set_dict,
        _set_extra,
        _set_fields,
        _set_private,
    )

    def floor(n: int) -> list[ChainStep]:
        out = []
        for _ in range(n):
            o = _new(ChainStep)
            _set_dict(o, {"level": "x", "node_id": "y", "orgs": [], "people": []})
            _set_fields(o, _STEP_FIELDS)
            _set_extra(o, None)
            _set_private(o, None)
            out.append(o)
        return out

    n = len(sample) + steps
    gc.disable()
    best = min(cpu_of(lambda: floor(n)) for _ in range(5))
    gc.enable()
    print(f"floor: {n:,} bare models by setting slots (collector off), best of 5: cpu {best:.4f} s")

    spent: list[tuple[int, float]] = []
    began = [0.0]

    def watch(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            began[0] = time.process_time()
        else:
            spent.append((int(info["generation"]), time.process_time() - began[0]))

    gc.callbacks.append(watch)
    kept = []
    for i in range(4):
        spent.clear()
        c = time.process_time()
        kept.append(net.contact_chains(sample))
        c = time.process_time() - c
        print(f"contact_chains x{len(sample):,} call {i + 1}: cpu {c:.3f} s, of which the collector: "
              + (", ".join(f"generation {g} {t:.3f} s" for g, t in spent) or "none"))
    gc.callbacks.remove(watch)


def cpu_of(fn: Any) -> float:
    c = time.process_time()
    fn()
    return time.process_time() - c


if __name__ == "__main__":
    sys.exit(main())
