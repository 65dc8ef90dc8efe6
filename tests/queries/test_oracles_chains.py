"""Contact chains from households, people and matters, and contact paths, against oracles.

The chain oracle (tests/oracles.py) walks the raw rows: a person's chain is
their household's, a matter's is the raising household's or the raiser's
household's and names the assignee; no household means no steps and a chain
broken at the household. The path oracle is networkx's
``min(all_shortest_paths)`` over every row's links, direction ignored.
"""

from __future__ import annotations

from typing import Any

import boundary
import networkx as nx
import oracles
import pytest
from hypothesis import example, given
from strategies import networks, oracle_settings

from orgnet.io import Dataset
from orgnet.io.load import load_records
from orgnet.queries.chains import contact_chain, contact_chains, contact_path

SETTINGS = oracle_settings(30)
Rows = dict[str, list[dict[str, Any]]]


def load(store: Any, rows: Rows) -> None:
    store.clear()
    report = load_records(store, Dataset(rows))
    assert report.ok, report.rejects


def starts(rows: Rows) -> list[str]:
    """Every person and matter, and a few households."""
    return ([p["id"] for p in rows.get("people", [])] + [m["id"] for m in rows.get("matters", [])]
            + [h["id"] for h in rows.get("households", [])[:4]])


@SETTINGS
@example(rows=boundary.ROWS)
@given(rows=networks())
def test_chains_from_people_and_matters_equal_oracle(store: Any, rows: Rows) -> None:
    load(store, rows)
    ids = starts(rows)
    expected = [oracles.chain(rows, i) for i in ids]
    assert [oracles.chain_fields(contact_chain(store, i)) for i in ids] == expected
    many = contact_chains(store, ids)
    frame = many.to_frame()  # from the columns, before any model is built; missing text is NaN
    assert frame.astype(object).where(frame.notna(), None).to_dict("records") == [
        {k: e[k] for k in ("start_id", "household_id", "broken_at", "assignee_id")} for e in expected]
    assert [oracles.chain_fields(c) for c in many] == expected


def test_boundary_chains_worked_by_hand(store: Any) -> None:
    load(store, boundary.ROWS)
    h1 = [("household", "H1", [], []),  # only a non-member (P5) contacts H1
          ("building", "B1", [], ["P1"]),
          ("grid", "G1", ["O1"], ["P1"]),  # P1 is O1's secretary
          ("community", "C1", [], ["P2"]),
          ("subdistrict", "S1", [], []), ("district", "D1", [], []), ("city", "Z", ["O0"], [])]
    cases = {
        "M1": {"household_id": "H1", "assignee_id": "O1", "steps": h1, "broken_at": "household"},
        "M2": {"household_id": "H1", "assignee_id": None, "steps": h1, "broken_at": "household"},  # raised by P1
        "M3": {"household_id": "H2", "assignee_id": None, "steps": [("household", "H2", [], [])],
               "broken_at": "household"},  # H2 is in no building
        "M4": {"household_id": None, "assignee_id": None, "steps": [], "broken_at": "household"},  # no raiser
        "M5": {"household_id": None, "assignee_id": None, "steps": [], "broken_at": "household"},  # P2: no home
        "P1": {"household_id": "H1", "assignee_id": None, "steps": h1, "broken_at": "household"},
        "P6": {"household_id": "H3", "assignee_id": None, "broken_at": "building", "steps": [
            ("household", "H3", [], ["P6"]), ("building", "B2", [], []), ("grid", "G2", [], ["P6"]),
            ("community", "C2", [], ["P4"]), ("subdistrict", "S2", [], []), ("district", "D2", [], []),
            ("city", "Z", ["O0"], [])]},
    }
    for start, expected in cases.items():
        want = {"start_id": start, **expected}
        assert oracles.chain(boundary.ROWS, start) == want, start
        assert oracles.chain_fields(contact_chain(store, start)) == want, start


@SETTINGS
@example(rows=boundary.ROWS)
@given(rows=networks())
def test_contact_paths_from_people_and_matters_equal_oracle(store: Any, rows: Rows) -> None:
    """Paths between every pair of people and matters (and a few more nodes): the smallest of the shortest."""
    load(store, rows)
    g = oracles.undirected(rows)
    ends = [p["id"] for p in rows.get("people", [])][:4] + [m["id"] for m in rows.get("matters", [])][:3]
    ends += sorted(g.nodes)[:2]
    for a in ends:
        for b in ends:
            expected = min(nx.all_shortest_paths(g, a, b)) if nx.has_path(g, a, b) else []
            assert contact_path(store, a, b) == expected, (a, b)


def test_boundary_path_ties_take_the_smallest_id(store: Any) -> None:
    """C1 and C2 are both paired with U1 and U3: of the two shortest paths, the one through U1."""
    load(store, boundary.ROWS)
    assert min(nx.all_shortest_paths(oracles.undirected(boundary.ROWS), "C1", "C2")) == ["C1", "U1", "C2"]
    assert contact_path(store, "C1", "C2") == ["C1", "U1", "C2"]
    assert contact_path(store, "C2", "C1") == ["C2", "U1", "C1"]
    assert contact_path(store, "M1", "M6") == min(nx.all_shortest_paths(oracles.undirected(boundary.ROWS), "M1", "M6"))


def test_path_never_steps_into_a_dead_end_with_a_smaller_id(store: Any) -> None:
    """From C1 the smallest neighbour (G0) leads away from C2, into a branch that goes on (B0, H0);
    C2's many grids make the search grow from C1's side twice, so the walk must pick S1."""
    rows: Rows = {
        "areas": [{"id": "Z", "level": "city"},
                  {"id": "D1", "level": "district", "parent_id": "Z"},
                  {"id": "D2", "level": "district", "parent_id": "Z"},
                  {"id": "S1", "level": "subdistrict", "parent_id": "D1"},
                  {"id": "S2", "level": "subdistrict", "parent_id": "D2"},
                  {"id": "C1", "level": "community", "parent_id": "S1"},
                  {"id": "C2", "level": "community", "parent_id": "S2"},
                  {"id": "G0", "level": "grid", "parent_id": "C1"},
                  *({"id": f"G2{i}", "level": "grid", "parent_id": "C2"} for i in range(5))],
        "buildings": [{"id": "B0", "grid_id": "G0"}],
        "households": [{"id": "H0", "building_id": "B0"}],
    }
    load(store, rows)
    expected = ["C1", "S1", "D1", "Z", "D2", "S2", "C2"]
    assert min(nx.all_shortest_paths(oracles.undirected(rows), "C1", "C2")) == expected
    assert contact_path(store, "C1", "C2") == expected
    assert contact_path(store, "C2", "C1") == expected[::-1]


def test_unknown_ids_and_wrong_starts(store: Any) -> None:
    from orgnet.errors import InvalidArgument, NotFound

    load(store, boundary.ROWS)
    for call in (lambda: contact_chain(store, "NOPE"), lambda: contact_path(store, "NOPE", "C1"),
                 lambda: contact_path(store, "C1", "NOPE"), lambda: contact_chains(store, ["H1", "NOPE"])):
        with pytest.raises(NotFound) as caught:
            call()
        assert caught.value.node_id == "NOPE" and "'NOPE'" in str(caught.value)
    with pytest.raises(InvalidArgument, match="'C1' is an Area; a contact chain starts from a Household, Person"):
        contact_chain(store, "C1")


def test_chain_frame_worked_by_hand(store: Any) -> None:
    """``Chain.to_frame``: one row per step, names where the store has them (an unnamed org reads
    as its id, an unnamed area as blank), lists joined by ", "; a chain without a household
    still has the six columns."""
    rows: Rows = {
        "areas": [{"id": "Z", "level": "city", "name": "镇江市"}, {"id": "G", "level": "grid", "parent_id": "Z"}],
        "orgs": [{"id": "OZ", "kind": "committee", "name": "市委", "area_id": "Z"},
                 {"id": "OG", "kind": "branch", "area_id": "G"}, {"id": "OG2", "kind": "branch", "area_id": "G",
                                                                    "name": "二支部"}],
        "buildings": [{"id": "B", "grid_id": "G", "name": "一号楼"}],
        "households": [{"id": "H", "building_id": "B"}],
        "people": [{"id": "P1", "is_member": True, "member_category": "in_service", "household_id": "H"},
                   {"id": "P2", "is_member": True, "member_category": "in_service"},
                   {"id": "P3", "is_member": True, "member_category": "in_service"}],
        "roles": [{"person_id": "P1", "role": "building_leader", "target_id": "B"},
                  {"person_id": "P3", "role": "building_leader", "target_id": "B"},
                  {"person_id": "P2", "role": "secretary", "target_id": "OZ"}],
        "contacts": [{"person_id": "P1", "household_id": "H"}],
        "matters": [{"id": "M", "category": "property", "created_at": "2023-05-01"}],
    }
    load(store, rows)
    frame = contact_chain(store, "H").to_frame()
    assert frame.to_dict("records") == [
        {"level": "household", "node_id": "H", "name": "", "orgs": "", "org_names": "", "people": "P1"},
        {"level": "building", "node_id": "B", "name": "一号楼", "orgs": "", "org_names": "", "people": "P1, P3"},
        {"level": "grid", "node_id": "G", "name": "", "orgs": "OG, OG2", "org_names": "OG, 二支部", "people": ""},
        {"level": "city", "node_id": "Z", "name": "镇江市", "orgs": "OZ", "org_names": "市委", "people": "P2"},
    ]
    empty = contact_chain(store, "M").to_frame()
    assert list(empty.columns) == ["level", "node_id", "name", "orgs", "org_names", "people"] and len(empty) == 0
