"""Parallel write sessions (``write_sessions``) against the real Neo4j: the same graph as one session.

A load with several write sessions sends independent batches from several
threads (node labels of one dependency wave, links in ranges of start nodes).
It must write exactly what one session writes (and what the memory store
holds), double nothing when run again, and fail like one session: the first
error raised on the caller's thread, the rest of the work cancelled, no
thread left behind. Concurrent loader processes with several sessions each
are in ``test_neo4j_concurrency.py``.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from store_dump import dump, planned
from strategies import networks, oracle_settings

from orgnet.errors import InvalidArgument, LoadConflict
from orgnet.graph.base import ChangeSet
from orgnet.graph.neo4j import LABEL_ORDER, LABEL_WAVES, Neo4jStore
from orgnet.graph.neo4j_integrity import violations
from orgnet.model import FIELD_RELATIONSHIPS, LABELS
from orgnet.synth import city


def write_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("orgnet-write")]


@pytest.fixture
def sessions(neo4j_store: Neo4jStore) -> Iterator[Neo4jStore]:
    """The test store, set to write from 3 sessions (an odd number: lanes do not pair up evenly)."""
    before = neo4j_store.write_sessions
    neo4j_store.write_sessions = 3
    yield neo4j_store
    neo4j_store.write_sessions = before


def test_waves_only_point_backwards() -> None:
    """Every field relationship of a wave's label points at its own label or an earlier wave."""
    assert sorted(label for wave in LABEL_WAVES for label in wave) == sorted(LABEL_ORDER)
    seen: set[str] = set()
    for wave in LABEL_WAVES:
        for rel in FIELD_RELATIONSHIPS:
            if rel.label in wave:
                assert all(k == rel.label or k in seen for k in rel.target_kinds), rel
        seen.update(wave)
    assert len(LABEL_WAVES) < len(LABEL_ORDER)  # some labels do go together


def test_district_with_two_sessions_equals_the_memory_store(neo4j_store: Neo4jStore) -> None:
    changes, reference = planned(city("district", seed=0))
    neo4j_store.write_sessions = 2
    neo4j_store.apply(changes)
    expected = dump(reference)
    assert dump(neo4j_store) == expected
    assert violations(neo4j_store) == {}
    neo4j_store.apply(changes)  # a reload from two sessions changes nothing
    assert dump(neo4j_store) == expected
    assert violations(neo4j_store) == {}


@pytest.mark.parametrize("batch", [7, 50])
def test_many_small_batches_from_three_sessions_equal_one_session(sessions: Neo4jStore, batch: int) -> None:
    changes, reference = planned(city("tiny", seed=1))
    seen: list[int] = []
    sessions.apply(changes, batch_size=batch, progress=seen.append)
    parallel = dump(sessions)
    assert sum(seen) == changes.size()  # progress reaches the caller for every row
    assert parallel == dump(reference)
    assert violations(sessions) == {}
    assert write_threads() == []
    sessions.clear()
    sessions.write_sessions = 1
    sessions.apply(changes, batch_size=batch)
    assert dump(sessions) == parallel


def test_batches_that_depend_on_each_other_never_overlap(sessions: Neo4jStore) -> None:
    """A batch starts only after the batches holding its targets have ended; others do overlap.

    The server's locks often hide a child written beside its parent (a lookup of an id another
    transaction is creating waits for it), so the order is checked where it is decided: the
    start and end of every node batch, observed around the real write.
    """
    changes, reference = planned(city("tiny", seed=0))
    spans: list[tuple[str, float, float]] = []
    real = sessions._write_nodes

    def observed(label: str, rows: list[dict[str, Any]], rels: Any, checked: bool = False) -> None:
        assert len(rows) <= 7  # batch_size still bounds every transaction
        start = time.perf_counter()
        real(label, rows, rels, checked)
        spans.append((label, start, time.perf_counter()))

    sessions._write_nodes = observed  # type: ignore[method-assign]
    try:
        sessions.apply(changes, batch_size=7)
    finally:
        del sessions._write_nodes
    assert dump(sessions) == dump(reference)
    needs = {label: {k for r in FIELD_RELATIONSHIPS if r.label == label for k in r.target_kinds} for label in LABELS}
    for label, start, _ in spans:
        for other, _, end in spans:
            if other in needs[label] and other != label:
                assert end <= start, f"a {label} batch started before a {other} batch (its targets) ended"
    for label in ("Area", "Org"):  # they point at themselves: one batch after the other, parents first
        own = sorted((s, e) for lab, s, e in spans if lab == label)
        assert len(own) > 2 and all(e <= s2 for (_, e), (s2, _) in zip(own, own[1:])), label
    households = sorted((s, e) for lab, s, e in spans if lab == "Household")
    assert any(s2 < e for (_, e), (s2, _) in zip(households, households[1:]))  # sessions did write at once


@oracle_settings(max_examples=12)
@given(rows=networks())
def test_random_networks_with_parallel_sessions(neo4j_module_store: Neo4jStore, rows: Any) -> None:
    changes, reference = planned(rows)
    neo4j_module_store.clear()
    neo4j_module_store.write_sessions = 2
    try:
        neo4j_module_store.apply(changes, batch_size=2)
        assert dump(neo4j_module_store) == dump(reference)
        neo4j_module_store.apply(changes, batch_size=3)  # again, cut differently: nothing doubled
        assert dump(neo4j_module_store) == dump(reference)
    finally:
        neo4j_module_store.write_sessions = 2


def test_an_error_in_one_session_is_raised_and_the_rest_cancelled(sessions: Neo4jStore) -> None:
    """One household batch meets an id the store holds as an Area: LoadConflict, nothing else lands half."""
    sessions.apply(ChangeSet(nodes={"Area": [{"id": "H0500", "level": "grid"}]}))
    households = [{"id": f"H{i:04d}", "address": f"a{i}"} for i in range(1000)]
    people = [{"id": f"P{i:04d}", "household_id": f"H{i:04d}"} for i in range(1000)]
    changes = ChangeSet(nodes={"Household": households, "Person": people})
    with pytest.raises(LoadConflict, match="H0500"):
        sessions.apply(changes, batch_size=10)
    assert write_threads() == []
    counts = sessions.counts()
    assert counts.get("Person", 0) == 0  # the next wave never started
    stored = {n["id"] for n in sessions.iter_nodes("Household")}
    assert "H0500" not in stored and len(stored) < 1000 - 10
    batches = {f"H{i // 10:03d}" for i in range(1000)}  # every batch of 10 landed whole or not at all
    for batch in batches:
        landed = {f"{batch}{k}" for k in range(10)} & stored
        assert len(landed) in (0, 10), batch
    assert sessions.lookup(["H0500"])["H0500"].label == "Area"  # the id kept its one kind


def test_a_failing_progress_callback_stops_the_load(sessions: Neo4jStore) -> None:
    changes, reference = planned(city("tiny", seed=0))
    calls = 0

    def fail_at_the_fifth(n: int) -> None:
        nonlocal calls
        calls += 1
        assert threading.current_thread() is threading.main_thread()  # progress runs on the caller's thread
        if calls == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sessions.apply(changes, batch_size=5, progress=fail_at_the_fifth)
    assert calls == 5 and write_threads() == []
    assert violations(sessions) == {}
    sessions.apply(changes, batch_size=5)  # running it again completes the load
    assert violations(sessions) == {}
    assert dump(sessions) == dump(reference)


def test_a_deadlock_between_two_sessions_is_retried(neo4j_store: Neo4jStore, caplog: pytest.LogCaptureFixture) -> None:
    """Two write transactions lock X then Y and Y then X: the server kills one, the store runs it again."""
    neo4j_store.apply(ChangeSet(nodes={"Area": [{"id": "X", "level": "grid"}, {"id": "Y", "level": "grid"}]}))
    both_locked = threading.Barrier(2)
    attempts: collections.Counter[str] = collections.Counter()
    failures: list[BaseException] = []

    def write(first: str, second: str) -> None:
        def work(tx: Any) -> None:
            attempts[first] += 1
            tx.run("MATCH (n:Entity {id: $id}) SET n.mark = $mark", id=first, mark=first).consume()
            if attempts[first] == 1:
                both_locked.wait(timeout=30)  # each holds its first node's lock
            tx.run("MATCH (n:Entity {id: $id}) SET n.mark = $mark", id=second, mark=first).consume()

        try:
            neo4j_store._transact(work, "writing the test's marks")
        except BaseException as exc:
            failures.append(exc)

    with caplog.at_level("WARNING", logger="neo4j"):
        threads = [threading.Thread(target=write, args=pair) for pair in (("X", "Y"), ("Y", "X"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert failures == []
    assert sum(attempts.values()) >= 3  # one of the two ran again
    assert "DeadlockDetected" in caplog.text
    marks = {n["id"]: n["mark"] for n in neo4j_store.iter_nodes("Area")}
    assert marks in ({"X": "X", "Y": "X"}, {"X": "Y", "Y": "Y"})  # one transaction after the other, whole


@pytest.mark.parametrize("value", [0, -1, 65, True, 2.0, "2"])
def test_write_sessions_must_be_a_small_positive_number(neo4j_server: tuple[str, tuple[str, str]], value: Any) -> None:
    uri, auth = neo4j_server
    with pytest.raises(InvalidArgument, match="write_sessions"):
        Neo4jStore(uri, auth=auth, write_sessions=value)


def test_write_sessions_default_and_given(neo4j_server: tuple[str, tuple[str, str]]) -> None:
    uri, auth = neo4j_server
    with Neo4jStore(uri, auth=auth) as default, Neo4jStore(uri, auth=auth, write_sessions=1) as one:
        assert (default.write_sessions, one.write_sessions) == (2, 1)
