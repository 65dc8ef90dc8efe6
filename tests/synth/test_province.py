"""Multi-city (province) networks: several cities from one generator, ids unique.

The province itself (four city-scale cities, ≈5.8M nodes) is measured in
``benchmarks/betweenness.py --province``; here a scaled-down three-city network
of ``tiny`` cities checks the same properties.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from orgnet import synth
from orgnet.errors import InvalidArgument
from orgnet.io import Dataset
from orgnet.model import LINK_MODELS, NODE_MODELS
from orgnet.synth import zhenjiang

THREE = dataclasses.replace(synth.SCALES["tiny"], name="three", cities=3)
EVERY = dataclasses.replace(synth.SCALES["tiny"], name="every", cities=len(zhenjiang.CITIES),
                            bare_districts=True)


@pytest.fixture(scope="module")
def three() -> Dataset:
    return synth.city(THREE, seed=3)


def test_ids_are_unique_across_cities(three: Dataset) -> None:
    ids = [row["id"] for m in NODE_MODELS for row in three[m.FILE]]
    assert len(ids) == len(set(ids))
    cities = [a for a in three["areas"] if a["level"] == "city"]
    assert [(a["id"], a["name"]) for a in cities] == [("ZJ", "镇江市"), ("NJ", "南京市"), ("CZ", "常州市")]


def test_ids_are_unique_with_every_city_and_district() -> None:
    # every district code of every city: a city code equal to a district code collides
    ds = synth.city(EVERY, seed=0)
    ids = [row["id"] for m in NODE_MODELS for row in ds[m.FILE]]
    assert len(ids) == len(set(ids))
    assert sum(1 for a in ds["areas"] if a["level"] == "city") == len(zhenjiang.CITIES)


def test_the_first_city_is_the_one_city_network_of_the_same_seed(three: Dataset) -> None:
    one = synth.city("tiny", seed=3)
    for name in one:
        assert three[name][:len(one[name])] == one[name], name
    # and the other two cities are as big as a tiny city, not copies of it
    counts = Counter(a["level"] for a in three["areas"])
    assert counts["city"] == 3
    assert counts["grid"] > sum(1 for a in one["areas"] if a["level"] == "grid")
    assert three["people"][len(one["people"]):] != one["people"]


def test_every_area_and_org_stays_inside_its_city(three: Dataset) -> None:
    parent = {a["id"]: a.get("parent_id") for a in three["areas"]}

    def city_of(area: str) -> str:
        while parent[area] is not None:
            area = parent[area]
        return area

    org_parent = {o["id"]: o.get("parent_id") for o in three["orgs"]}
    org_area = {o["id"]: o.get("area_id") for o in three["orgs"]}
    roots = {city_of(a["id"]) for a in three["areas"]}
    assert roots == {"ZJ", "NJ", "CZ"}
    for org in three["orgs"]:
        top = org["id"]
        while org_parent.get(top) is not None:
            top = org_parent[top]
        if top in ("O-ZJ", "O-NJ", "O-CZ") and org.get("area_id"):
            assert city_of(org["area_id"]) == top[2:], org["id"]
        assert org_area.get(top) is None or org_area[top] in parent


def test_references_point_at_rows_that_exist(three: Dataset) -> None:
    ids = {row["id"] for m in NODE_MODELS for row in three[m.FILE]}
    for model in (*NODE_MODELS, *LINK_MODELS):
        for row in three[model.FILE]:
            for key, value in row.items():
                if key.endswith("_id") or key == "raised_by":
                    assert value in ids, (model.FILE, key, value)


def test_same_seed_same_rows_and_seeds_differ() -> None:
    a, b = synth.city(THREE, seed=5), synth.city(THREE, seed=5)
    assert {n: a[n] for n in a} == {n: b[n] for n in b}
    assert synth.city(THREE, seed=6)["people"] != a["people"]


def test_province_scale_is_four_city_scale_cities() -> None:
    assert synth.PROVINCE.cities == 4
    assert dataclasses.replace(synth.PROVINCE, name="city", cities=1) == synth.SCALES["city"]


def test_too_many_cities_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="cities"):
        synth.city(dataclasses.replace(synth.SCALES["tiny"], cities=99))
