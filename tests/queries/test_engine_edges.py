"""Edges of the engines that random networks rarely reach, each worked out by hand (both backends).

Each test was written for a mutant that survived ``make mutate`` (docs/mutation.md): the first
node loaded (internal code 0) as an actor's own area, an org with neither area nor unit, roles
dated in a store without pairings, the window of "today", a store holding only areas, and the
store and argument checks every question starts with.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import pytest

from orgnet.errors import EmptyStoreWarning, InvalidArgument
from orgnet.io import Dataset
from orgnet.io.load import load_records
from orgnet.network import Network


def loaded(store: Any, rows: dict[str, list[dict[str, Any]]]) -> Network:
    store.clear()
    report = load_records(store, Dataset(rows))
    assert report.ok, report.rejects
    return Network(store)


def test_own_district_of_an_actor_in_the_first_area_loaded(store: Any) -> None:
    """D1 is the first row loaded (its code is 0 in the embedded store); U1 lies in D1 and pairs in
    D1: own district D1, not cross-district. U2 lies nowhere: no own district, cross-district."""
    net = loaded(store, {
        "areas": [{"id": "D1", "level": "district", "parent_id": "ZJ"}, {"id": "ZJ", "level": "city"},
                  {"id": "C1", "level": "community", "parent_id": "D1"}],
        "units": [{"id": "U1", "area_id": "D1"}, {"id": "U2"}],
        "pairings": [{"source_id": "U1", "target_id": "C1"}, {"source_id": "U2", "target_id": "C1"}],
    })
    actors = {a.id: (a.own_district, a.cross_district, a.districts) for a in net.influence().actors}
    assert actors == {"U1": ("D1", False, 1), "U2": (None, True, 1)}
    # a district loaded last (the highest code): still no own district for U2
    assert load_records(store, Dataset({"areas": [{"id": "D9", "level": "district", "parent_id": "ZJ"}]})).ok
    actors = {a.id: (a.own_district, a.cross_district, a.districts) for a in net.influence().actors}
    assert actors == {"U1": ("D1", False, 1), "U2": (None, True, 1)}


def test_a_member_of_an_org_without_area_or_unit_is_anchored_nowhere(store: Any) -> None:
    """P1 has no household and belongs to O1, which covers no area and has no unit: P1 lies in no
    area, so no area's count holds P1 (the whole network's does)."""
    net = loaded(store, {
        "areas": [{"id": "ZJ", "level": "city"}, {"id": "D1", "level": "district", "parent_id": "ZJ"}],
        "orgs": [{"id": "O1"}],
        "people": [{"id": "P1", "is_member": True, "org_id": "O1"}],
    })
    assert net.coverage(2023).rules["member_org"].checked == 1
    for area in ("ZJ", "D1"):
        assert net.coverage(2023, area=area).rules["member_org"].checked == 0, area


def test_roles_are_dated_in_a_store_without_pairings(store: Any) -> None:
    """No pairing at all, one building leader whose role ended in 2021: B1 has no leader in 2023."""
    net = loaded(store, {
        "areas": [{"id": "ZJ", "level": "city"}, {"id": "C1", "level": "community", "parent_id": "ZJ"},
                  {"id": "G1", "level": "grid", "parent_id": "C1"}],
        "buildings": [{"id": "B1", "grid_id": "G1"}],
        "people": [{"id": "P1", "is_member": True}],
        "roles": [{"person_id": "P1", "role": "building_leader", "target_id": "B1", "until": "2021-12-31"}],
    })
    assert net.coverage(2023).rules["building_leader"].gaps == ["B1"]
    assert net.coverage(2021).rules["building_leader"].gaps == []


def test_without_a_year_the_relationships_of_today_count(store: Any) -> None:
    """Today's window: a pairing ending today or starting today counts, one that ended yesterday
    or starts tomorrow does not (critical_actors without a year)."""
    today = dt.date.today()
    day = dt.timedelta(days=1)
    net = loaded(store, {
        "areas": [{"id": "ZJ", "level": "city"}] + [
            {"id": c, "level": "community", "parent_id": "ZJ"} for c in ("C1", "C2", "C3", "C4")],
        "units": [{"id": "U1"}, {"id": "U2"}, {"id": "U3"}, {"id": "U4"}],
        "pairings": [{"source_id": "U1", "target_id": "C1", "until": today.isoformat()},
                     {"source_id": "U2", "target_id": "C2", "until": (today - day).isoformat()},
                     {"source_id": "U3", "target_id": "C3", "since": (today + day).isoformat()},
                     {"source_id": "U4", "target_id": "C4", "since": today.isoformat()}],
    })
    assert [(a.id, a.sole_communities) for a in net.critical_actors()] == [("U1", ["C1"]), ("U4", ["C4"])]


@pytest.mark.parametrize("rows", [{"areas": [{"id": "ZJ", "level": "city"}]},
                                  {"activities": [{"id": "A1", "date": "2023-05-01"}]}], ids=["areas", "activities"])
def test_a_store_of_one_kind_only_is_not_empty(store: Any, rows: dict[str, list[dict[str, Any]]]) -> None:
    """The empty-store warning is for a store without any node; areas alone, or activities alone
    (the first kind in the embedded store's order), are data."""
    net = loaded(store, rows)
    with warnings.catch_warnings():
        warnings.simplefilter("error", EmptyStoreWarning)
        assert net.coverage(2023).year == 2023
        assert net.kpis(2023).year == 2023
        net.influence()
        net.critical_actors(2023)
    store.clear()
    for ask in (lambda: Network(store).influence(), lambda: Network(store).coverage(2023)):
        with pytest.warns(EmptyStoreWarning, match="holds no data"):
            ask()


@pytest.mark.parametrize("bad", [object(), "memory://", None])
def test_a_question_of_something_that_is_not_a_store(bad: Any) -> None:
    from orgnet.queries.coverage import coverage

    with pytest.raises(InvalidArgument, match=f"^store must be an orgnet store .*not {type(bad).__name__}$"):
        coverage(bad, 2023)


def test_influence_argument_bounds(memory_store: Any) -> None:
    net = loaded(memory_store, {"areas": [{"id": "ZJ", "level": "city"}]})
    for kwargs, name in [({"samples": 10**9 + 1}, "samples"), ({"seed": 2**32}, "seed")]:
        with pytest.raises(InvalidArgument, match=f"^{name} "):
            net.influence(betweenness="sample", **kwargs)
    assert net.influence(betweenness="sample", seed=2**32 - 1).actors == []


def test_a_numpy_year_is_a_year(memory_store: Any) -> None:
    """A year taken from a pandas frame is a numpy integer: accepted as that year; a numpy or
    Python float, or a bool, is not."""
    import numpy as np

    net = loaded(memory_store, {"areas": [{"id": "ZJ", "level": "city"}]})
    assert net.coverage(np.int64(2022)).year == 2022
    assert net.kpis(np.int32(2021)).year == 2021
    for bad in (np.float64(2023), 2023.0, True, np.bool_(True)):
        with pytest.raises(InvalidArgument, match="^year "):
            net.coverage(bad)
