"""Every ActorInfluence field and every AllianceSummary against an oracle over the raw rows.

The oracle (tests/oracles.py) builds the projection itself from the pairing,
organizer and alliance member rows and runs networkx on it; districts come from
the area rows: a unit's own district is where it is located, an org's the area
it covers or else its unit's. Both backends, random networks (which draw orgs
that cover one area and belong to a unit located in another) and the boundary
network of tests/boundary.py.
"""

from __future__ import annotations

from typing import Any

import boundary
import oracles
import pytest
from hypothesis import example, given
from strategies import networks, oracle_settings

from orgnet.io import Dataset
from orgnet.io.load import load_records
from orgnet.queries.influence import influence

SETTINGS = oracle_settings(30)
EXACT = ("kind", "name", "pairings", "subdistricts", "districts", "cross_district", "own_district", "activities")

Rows = dict[str, list[dict[str, Any]]]


def load(store: Any, rows: Rows) -> None:
    store.clear()
    report = load_records(store, Dataset(rows))
    assert report.ok, report.rejects


def check(store: Any, rows: Rows) -> None:
    actors, alliances = oracles.influence(rows)
    report = influence(store)
    assert sorted(a.id for a in report.actors) == sorted(actors)
    for a in report.actors:
        expected = actors[a.id]
        assert {k: getattr(a, k) for k in EXACT} == {k: expected[k] for k in EXACT}, a.id
        assert a.pagerank == pytest.approx(expected["pagerank"], rel=1e-9, abs=1e-12), a.id
        assert a.betweenness == pytest.approx(expected["betweenness"], rel=1e-9, abs=1e-12), a.id
    order = [(-a.pagerank, a.id) for a in report.actors]
    assert order == sorted(order)
    assert {s.id: {"name": s.name, "members": s.members, "communities": s.communities, "activities": s.activities}
            for s in report.alliances} == alliances
    assert [s.id for s in report.alliances] == sorted(alliances)
    assert report.betweenness_method == "exact"
    assert report.edges == oracles.projection_edges(rows)
    assert report.district_names == {a["id"]: a["name"] for a in rows.get("areas", [])
                                     if a["level"] == "district" and a.get("name")}
    raw = oracles.Raw(rows)
    paired = {p["target_id"] for p in rows.get("pairings", [])}
    assert report.districts == {**{c: raw.ancestor_at(c, "district") for c in paired},
                                **{a: actors[a]["own_district"] for a in actors}}


@SETTINGS
@example(rows=boundary.ROWS)
@given(rows=networks())
def test_influence_equals_oracle(store: Any, rows: Rows) -> None:
    load(store, rows)
    check(store, rows)


def test_boundary_influence_worked_by_hand(store: Any) -> None:
    """O1 covers G1 (D1) and belongs to U1 (located in D2): its own district is D1, so its one pairing
    (C1, in D1) is not cross-district. O2 covers nothing: its own district is its unit U3's, D2."""
    load(store, boundary.ROWS)
    actors, alliances = oracles.influence(boundary.ROWS)
    by_id = {a.id: a for a in influence(store).actors}
    fields = ("own_district", "cross_district", "pairings", "subdistricts", "districts", "activities")
    hand = {
        "O1": ("D1", False, 1, 1, 1, 2),
        "O2": ("D2", False, 1, 1, 1, 0),
        "U1": ("D2", True, 2, 2, 2, 0),
        "U2": ("D1", False, 0, 0, 0, 1),  # organises only: no pairing, so never cross-district
        "U3": ("D2", True, 2, 2, 2, 0),
    }
    assert {a: tuple(actors[a][f] for f in fields) for a in actors} == hand
    assert {a: tuple(getattr(by_id[a], f) for f in fields) for a in by_id} == hand
    assert alliances == {"L1": {"name": "润州党建联盟", "members": 2, "communities": 2, "activities": 2},
                         "L2": {"name": None, "members": 0, "communities": 0, "activities": 0}}
    check(store, boundary.ROWS)


def test_sampled_betweenness_through_influence(store: Any) -> None:
    """``betweenness="sample"`` samples ``samples`` shortest paths with ``seed`` (Riondato and
    Kornaropoulos; ``orgnet.algorithms.betweenness``, checked against networkx in its own tests):
    the method text names the paths and the error bound it states, every estimate lies within that
    bound of the exact value here, and the same seed gives the same report, seed 0 by default.
    (The sampler never silently turns exact: even ``samples`` >= nodes is a sample with a bound.)"""
    from orgnet.algorithms.betweenness import betweenness as sampled
    from orgnet.errors import InvalidArgument

    load(store, boundary.ROWS)
    actors, _ = oracles.influence(boundary.ROWS)
    exact = influence(store, samples=3)  # samples only count with betweenness="sample"
    assert exact.betweenness_method == "exact" and exact.betweenness_error_bound is None
    assert {a.id: a.betweenness for a in exact.actors} == pytest.approx(
        {a: v["betweenness"] for a, v in actors.items()}, rel=1e-9, abs=1e-12)
    proj = oracles.projection(boundary.ROWS)
    names = sorted(proj.nodes)  # influence numbers the projection's nodes in id order
    index = {name: i for i, name in enumerate(names)}
    edges = [(index[u], index[v]) for u, v in sorted(tuple(sorted(e)) for e in proj.edges)]
    for samples, seed in ((len(names), 0), (20_000, 1), (3, 2)):
        report = influence(store, betweenness="sample", samples=samples, seed=seed)
        bound = report.betweenness_error_bound
        assert bound is not None and bound > 0
        assert report.betweenness_method == f"sample of {samples} paths, error <= {bound:.2g} with probability 0.9"
        ours = sampled(edges, len(names), mode="sample", samples=samples, seed=seed)
        assert ours.error_bound == pytest.approx(bound, rel=1e-12)
        assert {a.id: a.betweenness for a in report.actors} == pytest.approx(
            {a: float(ours.values[index[a]]) for a in actors}, rel=1e-9, abs=1e-12), (samples, seed)
        if samples >= 20_000:  # a bound below the spread of the values: the estimate is near the truth
            assert bound < 0.1
            for a in report.actors:
                assert abs(a.betweenness - actors[a.id]["betweenness"]) <= bound, a.id
    assert influence(store, betweenness="sample", samples=3) == influence(store, betweenness="sample", samples=3,
                                                                           seed=0)
    # the default of the signature and the docs: 40,000 paths
    assert influence(store, betweenness="sample").betweenness_method.startswith("sample of 40000 paths, ")
    with pytest.raises(InvalidArgument, match="betweenness must be one of 'exact', 'sample', not 'nope'"):
        influence(store, betweenness="nope")
