"""Concurrent loader PROCESSES against the real Neo4j: nothing doubled, nothing torn.

Each test starts 2 or 4 Python processes that connect, wait for a common start
signal, and load into the same database with small batches (so their
transactions interleave). Afterwards Cypher counts what must never be there:
duplicate relationships, a field relationship that is missing, doubled or
disagrees with its property, an id with two kinds. District scale runs in
``benchmarks/neo4j_concurrency.py``.

These attacks reproduced the bugs before the fix (issue "Hardening"): two
loaders of the same data left duplicate links; loaders of overlapping data left
two ``PART_OF`` / ``IN`` and ``IN`` disagreeing with ``building_id``; an id
loaded as Area and as Person became a Person with a ``PART_OF``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from orgnet.graph.memory import MemoryStore
from orgnet.graph.neo4j import Neo4jStore
from orgnet.graph.neo4j_integrity import violations
from orgnet.io import Dataset
from orgnet.io.load import load_records
from orgnet.model import LABELS, LINK_MODELS
from orgnet.synth import city

ROOT = Path(__file__).resolve().parents[2]
Server = tuple[str, tuple[str, str]]

LOADER = r"""
import json, os, sys, time
import orgnet
from orgnet.io import Dataset

uri, data, go, batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
auth = (os.environ["LOADER_USER"], os.environ["LOADER_PASSWORD"])
with open(data, encoding="utf-8") as f:
    ds = Dataset(json.load(f))
net = orgnet.connect(uri, auth=auth, batch_size=batch)
net.counts()  # connected and warm before the start signal
deadline = time.monotonic() + 60
while not os.path.exists(go) and time.monotonic() < deadline:
    time.sleep(0.002)
try:
    net.load(ds)
except orgnet.OrgnetError as exc:
    print("FAILED", type(exc).__name__, flush=True)
    print("FAILED", type(exc).__name__, exc, repr(exc.__cause__), file=sys.stderr, flush=True)
    sys.exit(3)
finally:
    net.close()
print("LOADED", flush=True)
"""


def run_loaders(server: Server, datasets: list[Dataset], tmp_path: Path, *, batch: int = 20) -> list[str]:
    """Load each data set from its own process, all released at the same moment; their last lines."""
    uri, (user, password) = server
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "LOADER_USER": user, "LOADER_PASSWORD": password}
    procs = []
    for i, ds in enumerate(datasets):
        path = tmp_path / f"data{i}.json"
        path.write_text(json.dumps({name: rows for name, rows in ds.items()}, ensure_ascii=False), encoding="utf-8")
        procs.append(subprocess.Popen(
            [sys.executable, "-c", LOADER, uri, str(path), str(go), str(batch)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        ))
    time.sleep(3.0)  # every process imported orgnet and connected
    go.touch()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        lines = out.strip().splitlines()
        assert lines and lines[-1].startswith(("LOADED", "FAILED")), err[-3000:]
        assert p.returncode == (0 if lines[-1] == "LOADED" else 3), err[-3000:]
        results.append(lines[-1])
        if lines[-1].startswith("FAILED"):
            print(err.strip().splitlines()[-1])  # why (shown with -s)
    go.unlink()
    return results


def dump(store: Any) -> dict[str, Any]:
    return {
        "counts": store.counts(),
        "nodes": {label: list(store.iter_nodes(label)) for label in sorted(LABELS)},
        "links": {m.TYPE: list(store.iter_links(m.TYPE)) for m in LINK_MODELS},
    }


@pytest.mark.parametrize("loaders", [2, 4])
def test_concurrent_loads_of_the_same_data_equal_one_load(
    loaders: int, neo4j_store: Neo4jStore, neo4j_server: Server, tmp_path: Path
) -> None:
    ds = city("tiny", seed=0)
    reference = MemoryStore()
    load_records(reference, ds)
    results = run_loaders(neo4j_server, [ds] * loaders, tmp_path)
    assert results == ["LOADED"] * loaders
    assert violations(neo4j_store) == {}
    assert dump(neo4j_store) == dump(reference)


@pytest.mark.parametrize("loaders", [2, 4])
def test_concurrent_loads_of_overlapping_data_never_tear(
    loaders: int, neo4j_store: Neo4jStore, neo4j_server: Server, tmp_path: Path
) -> None:
    # Seeds give the same ids different parents, buildings, households: the loads disagree.
    datasets = [city("tiny", seed=i % 2) for i in range(loaders)]
    versions: dict[str, list[dict[str, Any]]] = {}  # id -> the node as each data set would write it
    for ds in datasets[:2]:
        mem = MemoryStore()
        load_records(mem, ds)
        for label in sorted(LABELS):
            for node in mem.iter_nodes(label):
                versions.setdefault(node["id"], []).append(node)
    for _ in range(2):
        results = run_loaders(neo4j_server, datasets, tmp_path)
        assert all(r == "LOADED" or r in ("FAILED InvalidData", "FAILED InvalidInput", "FAILED LoadConflict") for r in results), results
        assert violations(neo4j_store) == {}
        # every node is one row, whole: never one load's name beside another's parent_id
        mixed = [node["id"] for label in sorted(LABELS) for node in neo4j_store.iter_nodes(label)
                 if node not in versions[node["id"]]]
        assert mixed == []
    # Afterwards a data set loads again cleanly over the mixture.
    assert run_loaders(neo4j_server, datasets[:1], tmp_path) == ["LOADED"]
    assert violations(neo4j_store) == {}


def test_one_id_as_two_kinds_at_once(neo4j_store: Neo4jStore, neo4j_server: Server, tmp_path: Path) -> None:
    """One process loads a city, another people whose ids are that city's area ids.

    Both data sets are about the same size, so both usually pass validation on an
    empty store and meet in the write phase (outcomes are printed with ``-s``).
    Whoever loses fails with InvalidData or its subclass InvalidInput (validation saw
    the other's nodes: an id the store holds as another kind) or LoadConflict (the write transaction did); never an id with two kinds, never a
    Person with a PART_OF.
    """
    whole = city("tiny", seed=0)
    clashing = [{"id": row["id"], "name": "x"} for row in whole["areas"]]
    filler = [{"id": f"ZZ-{i:04d}", "name": "y"} for i in range(1500)]
    people = Dataset({"people": clashing + filler})
    outcomes = []
    for _ in range(3):
        results = run_loaders(neo4j_server, [whole, people], tmp_path, batch=5)
        outcomes.append(results)
        assert any(r.startswith("FAILED") for r in results), results  # both cannot win
        assert all(r in ("LOADED", "FAILED InvalidData", "FAILED InvalidInput", "FAILED LoadConflict") for r in results), results
        assert violations(neo4j_store) == {}
        assert neo4j_store.run("MATCH (p:Person)-[r:PART_OF]-() RETURN count(r) AS n")[0]["n"] == 0
        neo4j_store.clear()
    print("outcomes (city loader, people loader):", outcomes)
