"""Both backends give the same answers: the hand-worked golden network, random networks, synth.

The golden tests run once per backend (the ``store`` fixture) against the
answers worked out by hand in ``golden.py``. The random and synthetic tests
load the same data into a memory store and a Neo4j store and require identical
results (floats within 1e-9 relative).
"""

from __future__ import annotations

import random
from typing import Any

import golden
import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import networks

from orgnet.errors import InvalidArgument, NotFound
from orgnet.graph.memory import MemoryStore
from orgnet.io import Dataset
from orgnet.io.load import load_records
from orgnet.model import LABELS, REL_TYPES
from orgnet.queries.chains import contact_chain, contact_path
from orgnet.queries.coverage import RULES, coverage
from orgnet.queries.influence import influence
from orgnet.queries.kpis import kpis

YEAR = 2023
REL = 1e-9


def same(a: Any, b: Any, where: str = "") -> None:
    """Assert two result structures are equal, floats within 1e-9 relative."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, (int, float)) and isinstance(b, (int, float)), where
        assert a == pytest.approx(b, rel=REL, abs=1e-15), where
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), where
        for k in a:
            same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


def dump(store: Any) -> dict[str, Any]:
    """Everything a store holds, as plain values."""
    return {
        "counts": store.counts(),
        "nodes": {label: list(store.iter_nodes(label)) for label in sorted(LABELS)},
        "links": {t: list(store.iter_links(t)) for t in sorted(REL_TYPES)},
    }


# ------------------------------------------------------------------ golden network


@pytest.fixture
def net(store: Any, golden_rows: dict[str, list[dict[str, Any]]]) -> Any:
    """The golden network loaded into each backend."""
    report = load_records(store, Dataset(golden_rows))
    assert report.rejects == []
    return store


def test_golden_coverage_totals(net: Any) -> None:
    report = coverage(net, YEAR)
    assert list(report.rules) == list(RULES)
    assert {r: (v.checked, v.gaps) for r, v in report.rules.items()} == golden.COVERAGE_2023
    for rule, (checked, gaps) in golden.COVERAGE_2023.items():
        assert report.rules[rule].rate == pytest.approx(1 - len(gaps) / checked, rel=REL)


def test_golden_coverage_rollups(net: Any) -> None:
    report = coverage(net, YEAR)
    assert {
        area: {rule: (c.checked, c.gaps) for rule, c in per_rule.items()}
        for area, per_rule in report.by_district.items()
    } == golden.BY_DISTRICT_2023
    assert {
        area: {rule: (c.checked, c.gaps) for rule, c in per_rule.items()}
        for area, per_rule in report.by_subdistrict.items()
    } == golden.BY_SUBDISTRICT_2023


def test_golden_coverage_in_d1(net: Any) -> None:
    report = coverage(net, YEAR, area="D1")
    assert report.area == "D1"
    assert {r: (v.checked, v.gaps) for r, v in report.rules.items()} == golden.COVERAGE_2023_D1
    assert list(report.by_district) == ["D1"]
    assert list(report.by_subdistrict) == ["S1"]


@pytest.mark.parametrize(("area", "expected"), [(None, golden.KPIS_2023), ("D2", golden.KPIS_2023_D2)])
def test_golden_kpis(net: Any, area: str | None, expected: dict[str, Any]) -> None:
    report = kpis(net, YEAR, area=area).model_dump()
    assert report.pop("year") == YEAR and report.pop("area") == area
    assert report.pop("denominators") == (golden.DENOMINATORS_2023 if area is None else golden.DENOMINATORS_2023_D2)
    assert list(report) == list(expected)
    for name, value in expected.items():
        if isinstance(value, float):
            assert report[name] == pytest.approx(value, rel=REL), name
        else:
            assert report[name] == value, name


def _steps(chain: Any) -> list[tuple[str, str, list[str], list[str]]]:
    return [(s.level, s.node_id, s.orgs, s.people) for s in chain.steps]


def test_golden_chain_household(net: Any) -> None:
    chain = contact_chain(net, "H1")
    assert (chain.start_id, chain.household_id, chain.assignee_id) == ("H1", "H1", None)
    assert _steps(chain) == golden.CHAIN_H1["steps"]
    assert chain.broken_at == golden.CHAIN_H1["broken_at"]


def test_golden_chain_matter(net: Any) -> None:
    chain = contact_chain(net, "M2")
    assert (chain.household_id, chain.assignee_id) == (golden.CHAIN_M2["household_id"], golden.CHAIN_M2["assignee_id"])
    assert _steps(chain) == golden.CHAIN_M2["steps"]
    assert chain.broken_at == golden.CHAIN_M2["broken_at"]


def test_golden_chain_person_without_household(net: Any) -> None:
    chain = contact_chain(net, "P6")
    assert chain.model_dump() == {
        "start_id": "P6", "household_id": None, "steps": [], "broken_at": "household", "assignee_id": None,
    }


def test_golden_chain_of_a_person_is_their_households(net: Any) -> None:
    chain = contact_chain(net, "P1")
    assert chain.household_id == "H1" and _steps(chain) == golden.CHAIN_H1["steps"]


@pytest.mark.parametrize(("pair", "expected"), list(golden.PATHS.items()))
def test_golden_paths(net: Any, pair: tuple[str, str], expected: list[str]) -> None:
    assert contact_path(net, *pair) == expected
    back = contact_path(net, pair[1], pair[0])
    assert len(back) == len(expected) and (back[0], back[-1]) == (pair[1], pair[0])


def test_golden_influence(net: Any) -> None:
    report = influence(net)
    graph = nx.Graph(golden.EXPECTED_PROJECTION)
    pagerank = nx.pagerank(graph, alpha=0.85)
    between = nx.betweenness_centrality(graph, normalized=True)
    assert {
        a.id: (a.pairings, a.subdistricts, a.districts, a.cross_district, a.activities) for a in report.actors
    } == golden.ACTORS
    for actor in report.actors:
        assert actor.pagerank == pytest.approx(pagerank[actor.id], rel=REL)
        assert actor.betweenness == pytest.approx(between[actor.id], rel=REL, abs=1e-15)
    assert [a.id for a in report.actors] == sorted(golden.ACTORS, key=lambda i: (-pagerank[i], i))
    assert {a.id: (a.members, a.communities, a.activities) for a in report.alliances} == golden.ALLIANCES
    assert [a.id for a in report.alliances] == sorted(golden.ALLIANCES)
    assert sorted((u, v) for u, v, _ in report.edges) == sorted(golden.EXPECTED_PROJECTION)


@pytest.mark.parametrize(
    "call",
    [
        lambda s: contact_chain(s, "NOPE"),
        lambda s: contact_path(s, "NOPE", "P1"),
        lambda s: contact_path(s, "P1", "NOPE"),
        lambda s: contact_path(s, "NOPE", "NOPE"),
        lambda s: coverage(s, YEAR, area="NOPE"),
        lambda s: kpis(s, YEAR, area="NOPE"),
    ],
    ids=["chain", "path-a", "path-b", "path-same", "coverage-area", "kpis-area"],
)
def test_unknown_ids_are_not_found(net: Any, call: Any) -> None:
    with pytest.raises(NotFound) as info:
        call(net)
    assert info.value.node_id == "NOPE"


def test_chain_from_another_kind_is_a_value_error(net: Any) -> None:
    with pytest.raises(ValueError, match="'U1' is a Unit"):
        contact_chain(net, "U1")


# -------------------------------------------------------------- both backends at once


def load_both(neo: Any, rows: dict[str, list[dict[str, Any]]]) -> MemoryStore:
    """Load the same rows into a fresh memory store and the (cleared) Neo4j store."""
    mem = MemoryStore()
    neo.clear()
    data = Dataset(rows)
    assert load_records(mem, data).rejects == []
    assert load_records(neo, data).rejects == []
    return mem


def compare_all(
    mem: MemoryStore, neo: Any, rng: random.Random, *, areas: int, chains: int, paths: int
) -> None:
    """Every query on both stores: identical results."""
    assert dump(mem) == dump(neo)
    tree = mem.area_tree()
    area_ids = sorted(tree)
    for area in [None, *rng.sample(area_ids, min(areas, len(area_ids)))]:
        same(coverage(mem, YEAR, area=area).model_dump(), coverage(neo, YEAR, area=area).model_dump(),
             f"coverage area={area}")
        same(kpis(mem, YEAR, area=area).model_dump(), kpis(neo, YEAR, area=area).model_dump(),
             f"kpis area={area}")
    same(coverage(mem).model_dump(), coverage(neo).model_dump(), "coverage default year")
    same(influence(mem).model_dump(), influence(neo).model_dump(), "influence")
    starts = [i for label in ("Household", "Person", "Matter") for i in mem.ids(label)]
    for start in rng.sample(starts, min(chains, len(starts))):
        assert contact_chain(mem, start) == contact_chain(neo, start), start
    everything = sorted(i for label in sorted(LABELS) for i in mem.ids(label))
    for _ in range(paths if everything else 0):
        a, b = rng.choice(everything), rng.choice(everything)
        assert contact_path(mem, a, b) == contact_path(neo, a, b), (a, b)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=networks(), seed=st.integers(0, 2**16))
def test_random_networks_agree(neo4j_module_store: Any, rows: dict[str, list[dict[str, Any]]], seed: int) -> None:
    mem = load_both(neo4j_module_store, rows)
    compare_all(mem, neo4j_module_store, random.Random(seed), areas=2, chains=4, paths=6)


@pytest.mark.slow
def test_synth_district_agrees(neo4j_module_store: Any) -> None:
    import orgnet

    rows = dict(orgnet.synth.city(scale="district", seed=0).items())
    mem = load_both(neo4j_module_store, rows)
    tree = mem.area_tree()
    district = next(a for a, (level, _) in sorted(tree.items()) if level == "district")
    rng = random.Random(0)
    compare_all(mem, neo4j_module_store, rng, areas=3, chains=40, paths=40)
    same(coverage(mem, YEAR, area=district).model_dump(), coverage(neo4j_module_store, YEAR, area=district).model_dump())
    same(kpis(mem, YEAR, area=district).model_dump(), kpis(neo4j_module_store, YEAR, area=district).model_dump())


def test_contact_chains_equal_one_by_one(net: Any) -> None:
    from orgnet.queries.chains import contact_chains

    starts = ["M2", "H1", "P6", "H3", "P1", "M1", "H1"]  # repeats and mixed kinds keep their order
    batch = contact_chains(net, starts)
    assert [c.start_id for c in batch] == starts
    assert batch == [contact_chain(net, s) for s in starts]
    assert _steps(batch[1]) == golden.CHAIN_H1["steps"] and batch[0].broken_at == golden.CHAIN_M2["broken_at"]
    assert contact_chains(net, []) == []
    with pytest.raises(NotFound):
        contact_chains(net, ["H1", "NOPE"])
    with pytest.raises(InvalidArgument, match="starts from a Household"):
        contact_chains(net, ["H1", "ZJ"])


def test_contact_chains_cost_one_query_per_batch(neo4j_store: Any, golden_rows: dict[str, Any]) -> None:
    from orgnet.queries import _neo4j_chains
    from orgnet.queries.chains import contact_chains

    load_records(neo4j_store, Dataset(golden_rows))
    households = [h["id"] for h in golden_rows["households"]]
    before = neo4j_store.queries_sent
    contact_chains(neo4j_store, households * 3)
    assert neo4j_store.queries_sent - before == 1
    old = _neo4j_chains.CHAIN_BATCH
    _neo4j_chains.CHAIN_BATCH = 2
    try:
        before = neo4j_store.queries_sent
        assert contact_chains(neo4j_store, households) == [contact_chain(neo4j_store, h) for h in households]
        assert neo4j_store.queries_sent - before == 2 + len(households)  # 4 ids in batches of 2, then one by one
    finally:
        _neo4j_chains.CHAIN_BATCH = old
