"""A delete and a load, or two deletes, at the same moment against the real Neo4j: whatever order
the server puts them in, the database stays sound (every reference field agrees with its
relationship, no id without a kind: ``orgnet.graph.neo4j_integrity.violations``).

A delete clears the reference fields naming what it deletes in the same transaction. A load sending
those nodes again at the same moment lands before the delete (whose clearing then covers it), or
finds the grid gone: when it checks (refused whole, ``InvalidData``) or when it writes (the batch
rolled back, ``LoadConflict``). Before the write counted what it wrote, a relationship to the
deleted grid was silently not made while ``grid_id`` was set: 3 of 8 rounds left 100 buildings
naming a grid that was not there."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from orgnet.errors import InvalidData, LoadConflict
from orgnet.graph.neo4j import Neo4jStore
from orgnet.graph.neo4j_integrity import violations
from orgnet.io import Dataset
from orgnet.io.load import load_records

ROUNDS = 8


def _district(n: int) -> dict[str, list[dict[str, Any]]]:
    return {"areas": [{"id": "ZJ", "level": "city"}, {"id": "D1", "level": "district", "parent_id": "ZJ"},
                      {"id": "G1", "level": "grid", "parent_id": "D1"}, {"id": "G2", "level": "grid", "parent_id": "D1"}],
            "buildings": [{"id": f"B{i}", "grid_id": "G1" if i % 2 else "G2"} for i in range(n)],
            "households": [{"id": f"H{i}", "building_id": f"B{i}"} for i in range(n)]}


def _race(*calls: Any) -> list[BaseException]:
    start = threading.Barrier(len(calls))
    failures: list[BaseException] = []

    def run(call: Any) -> None:
        start.wait(timeout=30)
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 - collected and judged by the test
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return failures


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_delete_and_a_load_of_what_refers_to_it_leave_the_database_sound(neo4j_store: Neo4jStore,
                                                                            round_: int) -> None:
    rows = _district(200)
    load_records(neo4j_store, Dataset(rows))
    # every building sent again: in even rounds each stays in its grid, in odd rounds G2's move to G1
    # (new relationships into the grid being deleted)
    again = {"buildings": [{**b, "grid_id": "G1"} if round_ % 2 else b for b in rows["buildings"]]}
    failures = _race(lambda: neo4j_store.delete(["G1"]), lambda: load_records(neo4j_store, Dataset(again)))
    # the load may find G1 gone when it checks (refused whole) or when it writes (a conflict)
    assert all(isinstance(f, (InvalidData, LoadConflict)) for f in failures), failures
    assert violations(neo4j_store) == {}
    assert neo4j_store.lookup(["G1"]) == {}
    in_g1 = [b["id"] for b in neo4j_store.iter_nodes("Building") if b.get("grid_id") == "G1"]
    assert in_g1 == []


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_deletes_at_once_leave_the_database_sound(neo4j_store: Neo4jStore, round_: int) -> None:
    load_records(neo4j_store, Dataset(_district(200)))
    buildings = [f"B{i}" for i in range(0, 200, 3)]
    failures = _race(lambda: neo4j_store.delete(["G1", "G2"]), lambda: neo4j_store.delete(buildings))
    assert failures == []
    assert violations(neo4j_store) == {}
    assert neo4j_store.counts()["Building"] == 200 - len(buildings)
    assert all("grid_id" not in b for b in neo4j_store.iter_nodes("Building"))
    kept = {b["id"] for b in neo4j_store.iter_nodes("Building")}
    assert all(h.get("building_id") in kept or "building_id" not in h for h in neo4j_store.iter_nodes("Household"))


def test_a_planned_write_whose_end_was_deleted_after_the_check_is_rolled_back(neo4j_store: Neo4jStore) -> None:
    # the race made deterministic: the plan is made while G1 exists, G1 is deleted, then the plan
    # is written: the batch fails whole (no building is updated) and says what to do
    from orgnet.io.validate import plan_load, validate_table

    rows = _district(6)
    load_records(neo4j_store, Dataset(rows))
    moved = [{**b, "grid_id": "G1", "name": "新"} for b in rows["buildings"]]
    table, rejects = validate_table("buildings", "buildings", moved, list(range(1, 7)))
    assert rejects == []
    changes, _, _ = plan_load([table], neo4j_store)
    neo4j_store.delete(["G1"])
    sessions, neo4j_store.write_sessions = neo4j_store.write_sessions, 1  # one batch of six
    try:
        with pytest.raises(LoadConflict, match=r"6 of 6 relationship\(s\) found an end missing: a node this "
                                               r"load refers to was deleted at this moment") as info:
            neo4j_store.apply(changes)
    finally:
        neo4j_store.write_sessions = sessions
    assert info.value.ids == []
    assert violations(neo4j_store) == {}
    assert [b.get("name") for b in neo4j_store.iter_nodes("Building")] == [None] * 6  # nothing written
    # a hand-built change set (no planner) still skips a relationship whose end is not there
    from orgnet.graph.base import ChangeSet, FieldRelBatch

    neo4j_store.apply(ChangeSet(field_rels=[FieldRelBatch("IN", False, ["B0"], [("B0", "G1")])]))


def test_a_planned_link_whose_end_was_deleted_after_the_check_is_rolled_back(neo4j_store: Neo4jStore) -> None:
    from orgnet.io.validate import plan_load, validate_table

    rows = _district(2)
    rows["people"] = [{"id": "P1", "is_member": True}]
    load_records(neo4j_store, Dataset(rows))
    table, rejects = validate_table("roles", "roles", [{"person_id": "P1", "role": "grid_leader", "target_id": "G2"}],
                                    [1])
    assert rejects == []
    changes, _, _ = plan_load([table], neo4j_store)
    neo4j_store.delete(["G2"])
    with pytest.raises(LoadConflict, match=r"while writing HOLDS_ROLE links, 1 of 1 relationship\(s\) found an end "
                                           r"missing"):
        neo4j_store.apply(changes)
    assert list(neo4j_store.iter_links("HOLDS_ROLE")) == [] and violations(neo4j_store) == {}
