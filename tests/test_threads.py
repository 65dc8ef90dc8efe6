"""One Network shared by 8 query threads while another thread loads (issue 9 point 6, issue 7).

Every answer a thread gets must equal the answer before the load or the one after
it, never a mix, and no thread may raise. Runs on both backends (the ``store``
fixture): the embedded store reads one immutable state per question, and the
Network's readers-writer lock keeps Neo4j questions out of a load's way.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from orgnet.io import Dataset
from orgnet.network import Network

LINKS = ("contacts", "roles", "registrations", "pairings")


def _answers(net: Network) -> dict[str, Any]:
    return {
        "coverage": net.coverage(2023).model_dump(),
        "kpis": net.kpis(2023).model_dump(),
        "chain": net.contact_chain("H1").model_dump(),
        "chains": [c.model_dump() for c in net.contact_chains(["H1", "P1", "M2"])],
        "path": net.contact_path("P3", "G1"),
        "influence": net.influence().model_dump(),
    }


def test_eight_readers_and_a_loader_see_before_or_after(store: Any, golden_rows: dict[str, Any]) -> None:
    net = Network(store)
    first = {k: v for k, v in golden_rows.items() if k not in LINKS}
    net.load(Dataset(first))
    before = _answers(net)
    got: list[dict[str, Any]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(9)
    rounds = 3 if store.backend == "neo4j" else 12

    def reader() -> None:
        try:
            start.wait()
            for _ in range(rounds):
                got.append(_answers(net))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def loader() -> None:
        try:
            start.wait()
            net.load(Dataset({k: v for k, v in golden_rows.items() if k in LINKS}))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(8)] + [threading.Thread(target=loader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors, errors[:3]
    after = _answers(net)
    assert before != after, "the load must change the answers, or the test proves nothing"
    assert len(got) == 8 * rounds
    for answer in got:
        for key, value in answer.items():
            assert value in (before[key], after[key]), f"{key}: a mix of before and after"


@pytest.mark.parametrize("uri", ["memory://"])
def test_the_store_alone_gives_whole_states(uri: str, golden_rows: dict[str, Any]) -> None:
    """Without the Network's lock, the embedded store still never shows half a write."""
    from orgnet.graph.memory import MemoryStore
    from orgnet.io.load import load_records
    from orgnet.queries.coverage import coverage

    store = MemoryStore()
    load_records(store, Dataset({k: v for k, v in golden_rows.items() if k not in LINKS}))
    before = coverage(store, 2023).model_dump()
    results: list[Any] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            results.append(coverage(store, 2023).model_dump())

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    load_records(store, Dataset({k: v for k, v in golden_rows.items() if k in LINKS}))
    stop.set()
    for t in threads:
        t.join()
    after = coverage(store, 2023).model_dump()
    assert results and all(r in (before, after) for r in results)
