"""Many chains at once: the engines' chain tables and their assembly into models.

``contact_chains`` reads every distinct step once (the embedded engine caches the
areas' steps until the next write, per year asked) and builds one model per
step, shared by the chains through it. These tests check what that sharing and
caching could get wrong: a chain read after a write, after another year's
chain, or after the caller changed an earlier answer; many households of one
building and grid against the oracle; a ``PART_OF`` cycle entered at either
end (the loader refuses one, so the table is written by hand); the garbage
collector, paused while models are built, is left as it was found.
"""

from __future__ import annotations

import copy
import gc
import threading
from typing import Any

import boundary
import oracles
import pytest

import orgnet
from orgnet.errors import NotFound
from orgnet.io import Dataset
from orgnet.io.load import load_records
from orgnet.queries._facts import ChainTable
from orgnet.queries.chains import ChainList, assemble, contact_chain, contact_chains

Rows = dict[str, list[dict[str, Any]]]


def load(store: Any, rows: Rows) -> None:
    report = load_records(store, Dataset(rows))
    assert report.ok, report.rejects


STARTS = ["H1", "H2", "H3", "P1", "P5", "P6", "P7", "M1", "M2", "M3", "M4", "M5", "M6"]


def test_chains_after_a_write_see_the_new_data(store: Any) -> None:
    """Chains read, then a load that changes a household's building, an area's orgs and roles,
    and adds a household: the next chains are the oracle's on the rows after the load."""
    store.clear()
    load(store, boundary.ROWS)
    before = [oracles.chain(boundary.ROWS, s) for s in STARTS]
    assert [oracles.chain_fields(c) for c in contact_chains(store, STARTS)] == before
    more: Rows = {
        "orgs": [{"id": "O9", "kind": "branch", "parent_id": "O0", "area_id": "C2"}],
        "buildings": [{"id": "B3", "grid_id": "G2"}],
        "households": [{"id": "H1", "building_id": "B3"}, {"id": "H4", "building_id": "B1"}],
        "people": [{"id": "P8", "is_member": True, "member_category": "in_service", "household_id": "H4"}],
        "roles": [{"person_id": "P8", "role": "secretary", "target_id": "O9"},
                  {"person_id": "P8", "role": "grid_leader", "target_id": "G1"},
                  {"person_id": "P7", "role": "building_leader", "target_id": "B3"}],
        "contacts": [{"person_id": "P8", "household_id": "H4"}, {"person_id": "P6", "household_id": "H1"}],
    }
    load(store, more)
    after = {k: [*v] for k, v in boundary.ROWS.items()}
    for kind, rows in more.items():
        replaced = {r["id"] for r in rows if "id" in r}
        after[kind] = [r for r in after.get(kind, []) if r.get("id") not in replaced] + rows
    starts = [*STARTS, "H4", "P8"]
    expected = [oracles.chain(after, s) for s in starts]
    assert expected[:len(STARTS)] != before  # the load changed chains already read
    assert [oracles.chain_fields(c) for c in contact_chains(store, starts)] == expected
    assert [oracles.chain_fields(contact_chain(store, s)) for s in starts] == expected


def test_each_year_reads_its_own_roles(store: Any) -> None:
    """An area's role holders change with the year asked, whatever year was asked before."""
    store.clear()
    rows = copy.deepcopy(boundary.ROWS)
    rows["roles"] += [{"person_id": "P7", "role": "grid_leader", "target_id": "G1", "until": "2022-12-31"},
                      {"person_id": "P4", "role": "secretary", "target_id": "O0", "since": "2023-01-01"}]
    load(store, rows)

    def people(year: int | None) -> dict[str, list[str]]:
        return {s.node_id: s.people for s in contact_chains(store, ["H1"], year)[0].steps}

    for year in (2022, 2023, 2022, None, 2023):
        got = people(year)
        assert got["G1"] == (["P1", "P7"] if year == 2022 else ["P1"]), year
        assert got["Z"] == ([] if year == 2022 else ["P4"]), year


def test_changing_an_answer_does_not_change_the_next(store: Any) -> None:
    store.clear()
    load(store, boundary.ROWS)
    first = contact_chains(store, STARTS)
    kept = copy.deepcopy(first)
    for chain in first:
        for step in chain.steps:
            step.people.append("X")
            step.orgs.append("X")
        chain.steps.extend(chain.steps[:1])
        chain.steps.reverse()
    assert contact_chains(store, STARTS) == kept
    assert [contact_chain(store, s) for s in STARTS] == kept


def test_steps_are_shared_within_one_answer_only(store: Any) -> None:
    """H1 and P1 (who lives in H1) share their steps in one answer; a second answer has its own."""
    store.clear()
    load(store, boundary.ROWS)
    h1, p1 = contact_chains(store, ["H1", "P1"])
    assert h1.steps == p1.steps and h1.steps is not p1.steps
    assert all(a is b for a, b in zip(h1.steps, p1.steps))
    again = contact_chains(store, ["H1"])[0]
    assert again == h1 and not any(a is b for a, b in zip(again.steps, h1.steps))


def test_many_households_of_shared_buildings_equal_the_oracle(store: Any) -> None:
    """The tiny synthetic city: many households per building, buildings per grid, people and
    matters, all at once and in a shuffled order with repeats, against the oracle."""
    import random

    store.clear()
    ds = orgnet.synth.city("tiny", seed=3)
    rows: Rows = {k: [dict(r) for r in ds[k]] for k in ds}
    rows["people"].append({"id": "PX", "is_member": True, "member_category": "retired"})  # no household
    rows["matters"].append({"id": "MX", "category": "property", "created_at": "2023-05-01"})  # no raiser
    load(store, rows)
    starts = ([h["id"] for h in rows["households"][:150]] + [p["id"] for p in rows["people"]]
              + [m["id"] for m in rows["matters"]])
    random.Random(0).shuffle(starts)
    starts += starts[:50]
    expected = [oracles.chain(rows, s) for s in starts]
    assert any(len(e["steps"]) == 7 for e in expected) and any(not e["steps"] for e in expected)
    assert len({e["steps"][1][1] for e in expected if len(e["steps"]) > 1}) > 10  # many buildings
    chains = contact_chains(store, starts)
    assert chains.broken_at == [e["broken_at"] for e in expected]  # from the columns, no model built
    assert [oracles.chain_fields(c) for c in chains] == expected


def test_chains_read_before_a_write_are_the_answers_of_before_it(store: Any) -> None:
    """A ChainList builds its models when read, from what was read from the store before
    ``contact_chains`` returned: a load in between changes nothing in it."""
    store.clear()
    load(store, boundary.ROWS)
    before = [oracles.chain(boundary.ROWS, s) for s in STARTS]
    chains = contact_chains(store, STARTS)
    load(store, {"roles": [{"person_id": "P6", "role": "grid_leader", "target_id": "G1"},
                           {"person_id": "P6", "role": "building_leader", "target_id": "B1"}],
                 "contacts": [{"person_id": "P6", "household_id": "H2"}],
                 "households": [{"id": "H1", "building_id": "B2"}]})
    assert [oracles.chain_fields(c) for c in contact_chains(store, STARTS)] != before  # the load changed them
    assert chains.broken_at == [e["broken_at"] for e in before]
    assert [oracles.chain_fields(c) for c in chains] == before


def test_a_chain_list_is_a_sequence_of_chains_built_once(store: Any) -> None:
    store.clear()
    load(store, boundary.ROWS)
    chains = contact_chains(store, STARTS)
    eager = [contact_chain(store, s) for s in STARTS]
    assert repr(chains) == f"ChainList({len(STARTS)} chains)" and len(chains) == len(STARTS)
    assert chains[-1] is chains[len(STARTS) - 1] and chains[-1] == eager[-1]
    assert chains[2:5] == eager[2:5] and chains[::-1] == eager[::-1] and chains[5:2] == []
    assert chains == eager and eager == chains and chains == tuple(eager) and chains == chains
    assert chains != eager[:-1] and chains != [*eager[:-1], eager[0]] and chains != "H1"
    assert list(reversed(chains)) == eager[::-1] and chains.index(eager[3]) == 3 and eager[4] in chains
    for bad in (len(STARTS), -len(STARTS) - 1):
        with pytest.raises(IndexError, match=f"chain index {bad} out of range for {len(STARTS)} chains"):
            chains[bad]
    with pytest.raises(TypeError):
        chains["H1"]  # type: ignore[call-overload]
    assert all(a is b for a, b in zip(chains, chains))  # built once, then kept
    for chain in chains:  # built without validation, yet every field counts as set, as in a validated model
        assert chain.model_fields_set == {"start_id", "household_id", "steps", "broken_at", "assignee_id", "names"}
        assert chain.model_dump(exclude_unset=True) == chain.model_dump() == eager[chains.index(chain)].model_dump()
        assert all(step.model_fields_set == {"level", "node_id", "orgs", "people"} for step in chain.steps)
    with pytest.raises(TypeError):
        hash(chains)
    assert contact_chains(store, []) == [] and not contact_chains(store, [])


def test_a_chain_list_survives_pickling(store: Any) -> None:
    import pickle

    store.clear()
    load(store, boundary.ROWS)
    chains = contact_chains(store, STARTS)
    chains[1]
    again = pickle.loads(pickle.dumps(chains))
    assert isinstance(again, ChainList) and again == chains and again.broken_at == chains.broken_at


def test_threads_reading_one_chain_list_get_the_same_models(store: Any) -> None:
    """Eight threads read one ChainList at once, in different orders: every thread sees the
    same objects, equal to the chains built one by one."""
    store.clear()
    ds = orgnet.synth.city("tiny", seed=5)
    load(store, {k: [dict(r) for r in ds[k]] for k in ds})
    starts = [h["id"] for h in ds["households"]] * 3
    chains = contact_chains(store, starts)
    seen: list[list[int]] = [[] for _ in range(8)]
    barrier = threading.Barrier(8)

    def read(k: int) -> None:
        barrier.wait()
        order = range(len(starts)) if k % 2 else range(len(starts) - 1, -1, -1)
        got = {i: id(chains[i]) for i in order}
        seen[k] = [got[i] for i in range(len(starts))]

    threads = [threading.Thread(target=read, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(s == seen[0] for s in seen) and len(seen[0]) == len(starts)
    assert list(chains) == [contact_chain(store, s) for s in starts]


def test_broken_at_an_empty_grid_below_levels_already_walked(store: Any) -> None:
    """G2 has nobody, every other step of H2's chain has someone: H2 is broken at the grid,
    also when H1's chain (through G1 and the same community) was walked first."""
    store.clear()
    levels = [("Z", "city", None), ("D", "district", "Z"), ("S", "subdistrict", "D"),
              ("C", "community", "S"), ("G1", "grid", "C"), ("G2", "grid", "C")]
    rows: Rows = {
        "areas": [{"id": a, "level": lv, **({"parent_id": p} if p else {})} for a, lv, p in levels],
        "orgs": [{"id": f"O{a}", "kind": "branch", "area_id": a} for a in ("Z", "D", "S", "C")],
        "buildings": [{"id": "B1", "grid_id": "G1"}, {"id": "B2", "grid_id": "G2"}],
        "households": [{"id": "H1", "building_id": "B1"}, {"id": "H2", "building_id": "B2"}],
        "people": [{"id": f"P{i}", "is_member": True, "member_category": "in_service", "household_id": f"H{i}"}
                   for i in (1, 2)],
        "roles": [{"person_id": "P1", "role": "building_leader", "target_id": "B1"},
                  {"person_id": "P2", "role": "building_leader", "target_id": "B2"},
                  {"person_id": "P1", "role": "grid_leader", "target_id": "G1"},
                  *({"person_id": "P1", "role": "secretary", "target_id": f"O{a}"} for a in ("Z", "D", "S", "C"))],
        "contacts": [{"person_id": "P1", "household_id": "H1"}, {"person_id": "P2", "household_id": "H2"}],
    }
    load(store, rows)
    for starts in (["H1", "H2"], ["H2", "H1"], ["P1", "H1", "P2"]):
        got = {c.start_id: c.broken_at for c in contact_chains(store, starts)}
        assert got == {s: oracles.chain(rows, s)["broken_at"] for s in starts} and got.get("H2", "grid") == "grid"


def _cycle_table() -> ChainTable:
    """Steps 0 (A) and 1 (B) point at each other; 2 is a building on A, 3 one on B;
    households 4 (on 2), 5 (on 3) and 6 (on 2)."""
    return ChainTable(
        start_ids=["h4", "h5", "h6", "none"], households=["H4", "H5", "H6", None],
        assignees=[None, None, None, "W"], first=[4, 5, 6, -1],
        levels=["grid", "community", "building", "building", "household", "household", "household"],
        node_ids=["A", "B", "BA", "BB", "H4", "H5", "H6"],
        orgs=[["O"], [], [], [], [], [], []],
        people=[["p"], [], ["q"], ["q"], ["r"], ["r"], []],
        up=[1, 0, 0, 1, 2, 3, 2],
    )


def test_a_cycle_stops_where_it_would_repeat_from_either_end() -> None:
    h4, h5, h6, none = assemble(_cycle_table())
    assert [s.node_id for s in h4.steps] == ["H4", "BA", "A", "B"] and h4.broken_at == "community"
    assert [s.node_id for s in h5.steps] == ["H5", "BB", "B", "A"] and h5.broken_at == "community"
    assert [s.node_id for s in h6.steps] == ["H6", "BA", "A", "B"] and h6.broken_at == "household"
    assert none.steps == [] and none.broken_at == "household" and none.assignee_id == "W"
    assert h4.steps[1] is h6.steps[1] and h4.steps[2] is h5.steps[3]
    assert ChainList(_cycle_table()).broken_at == ["community", "community", "household", "household"]


def test_broken_levels_when_a_household_or_the_step_above_it_is_step_0() -> None:
    """Step numbers are positions, 0 included: a household that is step 0, and a step 0 above a
    household, are read like any other (the building has nobody: broken there)."""
    home_first = ChainTable(["h"], ["H"], [None], [0], ["household", "building"], ["H", "B"],
                            [[], []], [["p"], []], [1, -1])
    above_first = ChainTable(["h"], ["H"], [None], [1], ["building", "household"], ["B", "H"],
                             [[], []], [[], ["p"]], [-1, 0])
    for table in (home_first, above_first):
        (chain,) = assemble(table)
        assert [s.node_id for s in chain.steps] == ["H", "B"] and chain.broken_at == "building"
        assert ChainList(table).broken_at == ["building"]
    staffed = above_first._replace(people=[["q"], ["p"]])  # a building with no grid above it, and someone
    (chain,) = assemble(staffed)
    assert [s.node_id for s in chain.steps] == ["H", "B"] and chain.broken_at is None
    assert ChainList(staffed).broken_at == [None]


def test_a_building_in_a_cycle_with_its_area() -> None:
    """A building whose area's parent is the building: the walk stops before the building again."""
    table = ChainTable(["h"], ["H"], [None], [2], ["grid", "building", "household"], ["G", "B", "H"],
                       [[], [], []], [["p"], ["p"], ["p"]], [1, 0, 1])
    (chain,) = assemble(table)
    assert [s.node_id for s in chain.steps] == ["H", "B", "G"] and chain.broken_at is None
    assert ChainList(table).broken_at == [None]
    table = table._replace(people=[[], ["p"], ["p"]])  # the grid has nobody: met before the walk repeats
    assert assemble(table)[0].broken_at == "grid" and ChainList(table).broken_at == ["grid"]


def test_the_collector_is_left_as_found(store: Any) -> None:
    store.clear()
    load(store, boundary.ROWS)
    assert gc.isenabled()
    assert len(list(contact_chains(store, STARTS))) == len(STARTS)  # the models are built (collector paused)
    assert gc.isenabled()
    with pytest.raises(NotFound):
        contact_chains(store, ["H1", "NOPE"])
    assert gc.isenabled()
    gc.disable()
    try:
        chains = contact_chains(store, STARTS)
        chains[3]
        list(chains)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_threads_pausing_the_collector_together_turn_it_back_on() -> None:
    """Threads enter and leave the pause interleaved: the last one out turns the collector on."""
    from orgnet.queries.chains import _collector_paused

    inside, release = threading.Barrier(4), threading.Event()

    def work() -> None:
        with _collector_paused():
            inside.wait()
            release.wait()

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    inside.wait()
    assert not gc.isenabled()
    release.set()
    for t in threads:
        t.join()
    assert gc.isenabled()


def test_models_built_without_validation_behave_as_validated_ones(store: Any) -> None:
    """The chains' models are built by setting their slots: they compare, dump, copy, pickle,
    take new values and show themselves as models built by validation do."""
    import pickle

    from orgnet.queries.chains import Chain

    store.clear()
    load(store, boundary.ROWS)
    fast = contact_chains(store, ["H1", "P6", "M4"])
    for chain in fast:
        slow = Chain.model_validate(chain.model_dump())
        assert chain == slow and repr(chain) == repr(slow) and chain.model_dump_json() == slow.model_dump_json()
        assert chain.model_fields_set == slow.model_fields_set | {"names"}
        assert pickle.loads(pickle.dumps(chain)) == chain and copy.deepcopy(chain) == chain
        assert chain.model_copy(update={"broken_at": None}).broken_at is None and chain == slow
    fast[0].broken_at = "grid"
    fast[0].steps[0].level = "x"
    assert fast[0].broken_at == "grid" and fast[1].broken_at == "building" and fast[1].steps[0].level == "household"
