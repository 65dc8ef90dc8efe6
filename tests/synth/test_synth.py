"""Tests of orgnet.synth: determinism, validity, structure, gaps, sizes and KPIs.

The coverage gaps and KPIs are recomputed here from the rows, one small
computation per rule of the documented coverage table, independently of orgnet.queries.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest

from orgnet import synth
from orgnet.io import Dataset
from orgnet.model import (
    FIELD_RELATIONSHIPS,
    FILES,
    LEVEL_RANK,
    LINK_MODELS,
    NODE_MODELS,
    PROPERTY_CATEGORIES,
    REGISTRATION_UNIT_CATEGORIES,
)

YEAR = 2023


@pytest.fixture(scope="module")
def tiny() -> Dataset:
    return synth.city("tiny", seed=0)


@pytest.fixture(scope="module")
def district() -> Dataset:
    return synth.city("district", seed=0)


def nodes(ds: Dataset) -> int:
    return sum(len(ds[m.FILE]) for m in NODE_MODELS)


def kinds(ds: Dataset) -> dict[str, str]:
    """Node id -> label."""
    return {row["id"]: m.LABEL for m in NODE_MODELS for row in ds[m.FILE]}


# ------------------------------------------------------------------ coverage, by hand


def coverage(ds: Dataset, year: int = YEAR) -> dict[str, tuple[int, list[str]]]:
    """Rule -> (checked, gap ids), following the documented coverage table (orgnet.queries.coverage)."""
    areas, orgs, people, units = ds["areas"], ds["orgs"], ds["people"], ds["units"]
    grids = [a["id"] for a in areas if a["level"] == "grid"]
    communities = [a["id"] for a in areas if a["level"] == "community"]
    city = next(a["id"] for a in areas if a["level"] == "city")
    covered = {o["area_id"] for o in orgs if "area_id" in o}
    roles = {(r["role"], r["target_id"]) for r in ds["roles"]}
    paired = {p["target_id"] for p in ds["pairings"]}
    contacted = {c["household_id"] for c in ds["contacts"]}
    members = [p for p in people if p["is_member"]]
    in_service = [p["id"] for p in members if p.get("member_category") == "in_service"]
    regs_now = [r for r in ds["registrations"] if r["year"] == year]
    registered = {r["source_id"] for r in regs_now}
    reg_units = [u["id"] for u in units if u.get("category") in REGISTRATION_UNIT_CATEGORIES]
    property_units = [u["id"] for u in units if u.get("category") == "property_company"]
    of_unit = {o["unit_id"] for o in orgs if "unit_id" in o}
    standardized = {s["area_id"] for s in ds["sites"] if s["standardized"]}
    return {
        "grid_party_org": (len(grids), [g for g in grids if g not in covered]),
        "community_pairing": (len(communities), [c for c in communities if c not in paired]),
        "building_leader": (
            len(ds["buildings"]),
            [b["id"] for b in ds["buildings"] if ("building_leader", b["id"]) not in roles],
        ),
        "grid_three_leaders": (
            len(grids),
            [g for g in grids
             if ("grid_leader", g) not in roles or ("party_group_leader", g) not in roles],
        ),
        "household_contact": (
            len(ds["households"]),
            [h["id"] for h in ds["households"] if h["id"] not in contacted],
        ),
        "member_org": (len(members), [p["id"] for p in members if "org_id" not in p]),
        "member_registration": (len(in_service), [p for p in in_service if p not in registered]),
        "unit_registration": (len(reg_units), [u for u in reg_units if u not in registered]),
        "registration_report": (
            len(registered),
            sorted({r["source_id"] for r in regs_now if not r["reported"]}),
        ),
        "property_party_org": (len(property_units), [u for u in property_units if u not in of_unit]),
        "community_site": (len(communities), [c for c in communities if c not in standardized]),
        "org_chain": (len(orgs), broken_org_chains(orgs, city)),
    }


def broken_org_chains(orgs: list[dict[str, Any]], city: str) -> list[str]:
    parent = {o["id"]: o.get("parent_id") for o in orgs}
    roots = {o["id"] for o in orgs if "parent_id" not in o and o.get("area_id") == city}
    broken = []
    for org_id in parent:
        seen: set[str] = set()
        cur = org_id
        while cur not in seen:
            seen.add(cur)
            up = parent.get(cur)
            if up is None:
                break
            cur = up
        if cur not in roots:
            broken.append(org_id)
    return broken


# ------------------------------------------------------------------------ determinism


def test_same_seed_gives_identical_rows() -> None:
    a, b = synth.city("tiny", seed=7), synth.city("tiny", seed=7)
    assert list(a) == list(b)
    assert {name: a[name] for name in a} == {name: b[name] for name in b}


@pytest.mark.slow
def test_same_seed_identical_at_district_scale(district: Dataset) -> None:
    again = synth.city("district", seed=0)
    assert {name: again[name] for name in again} == {name: district[name] for name in district}


def test_different_seeds_give_different_rows(tiny: Dataset) -> None:
    other = synth.city("tiny", seed=1)
    assert other["people"] != tiny["people"]
    assert other["households"] != tiny["households"]
    assert other["matters"] != tiny["matters"]


def test_year_moves_the_dates() -> None:
    ds = synth.city("tiny", seed=0, year=2021)
    assert {r["year"] for r in ds["registrations"]} == {2020, 2021}
    assert {a["date"][:4] for a in ds["activities"]} == {"2020", "2021"}


# ---------------------------------------------------------------- validity and structure


@pytest.mark.parametrize("scale", ["tiny", pytest.param("district", marks=pytest.mark.slow)])
def test_every_row_validates_and_holds_plain_values(
        scale: str, tiny: Dataset, district: Dataset) -> None:
    ds = tiny if scale == "tiny" else district
    assert list(ds) == list(FILES)
    for name, rows in ds.items():
        model = FILES[name]
        assert rows, f"{name} is empty"
        for row in rows:
            assert None not in row.values(), (name, row)
            # Round trip: the row is already what the model makes of it (enum
            # identifiers, ISO dates, bools, ints; absent values left out).
            assert model.model_validate(row).record() == row, (name, row)


@pytest.mark.parametrize("scale", ["tiny", pytest.param("district", marks=pytest.mark.slow)])
def test_references_resolve_to_the_right_kind(
        scale: str, tiny: Dataset, district: Dataset) -> None:
    ds = tiny if scale == "tiny" else district
    label = kinds(ds)
    assert len(label) == nodes(ds), "ids are not unique across the data set"
    level = {a["id"]: a["level"] for a in ds["areas"]}
    for rel in FIELD_RELATIONSHIPS:
        model = next(m for m in NODE_MODELS if m.LABEL == rel.label)
        for row in ds[model.FILE]:
            if rel.field in row:
                target = row[rel.field]
                assert label.get(target) in rel.target_kinds, (model.FILE, rel.field, row)
                if rel.target_level:
                    assert level[target] == rel.target_level, (model.FILE, row)
    for link in LINK_MODELS:
        for row in ds[link.FILE]:
            assert label.get(row[link.SOURCE]) in link.SOURCE_KINDS, (link.FILE, row)
            assert label.get(row[link.TARGET]) in link.TARGET_KINDS, (link.FILE, row)
            if link.TARGET_LEVEL:
                assert level[row[link.TARGET]] == link.TARGET_LEVEL, (link.FILE, row)


def test_ids_are_unique_and_prefixed(tiny: Dataset) -> None:
    ids = [row["id"] for m in NODE_MODELS for row in tiny[m.FILE]]
    assert len(ids) == len(set(ids))
    prefixes = {"orgs": "O-", "units": "U-", "buildings": "B-", "households": "H-",
                "people": "P-", "alliances": "A-", "activities": "ACT-", "matters": "M-",
                "sites": "S-"}
    for name, prefix in prefixes.items():
        assert all(row["id"].startswith(prefix) for row in tiny[name]), name


@pytest.mark.parametrize("scale", ["tiny", pytest.param("district", marks=pytest.mark.slow)])
def test_areas_go_exactly_one_level_up(scale: str, tiny: Dataset, district: Dataset) -> None:
    ds = tiny if scale == "tiny" else district
    level = {a["id"]: a["level"] for a in ds["areas"]}
    for area in ds["areas"]:
        if area["level"] == "city":
            assert "parent_id" not in area
        else:
            assert LEVEL_RANK[level[area["parent_id"]]] == LEVEL_RANK[area["level"]] - 1, area
    assert Counter(level.values())["city"] == 1


@pytest.mark.parametrize("scale", ["tiny", pytest.param("district", marks=pytest.mark.slow)])
def test_org_parents_have_no_cycle(scale: str, tiny: Dataset, district: Dataset) -> None:
    ds = tiny if scale == "tiny" else district
    parent = {o["id"]: o.get("parent_id") for o in ds["orgs"]}
    for org_id in parent:
        seen: set[str] = set()
        cur: str | None = org_id
        while cur is not None:
            assert cur not in seen, f"cycle through {org_id}"
            seen.add(cur)
            cur = parent[cur]


def test_five_level_regional_chain(tiny: Dataset) -> None:
    areas = {a["id"]: a for a in tiny["areas"]}
    regional = {o["area_id"]: o for o in tiny["orgs"] if o["sector"] == "regional"}
    city = regional["ZJ"]
    assert city["kind"] == "committee" and "parent_id" not in city
    by_id = {o["id"]: o for o in tiny["orgs"]}
    expected_kinds = {
        "district": {"committee"}, "subdistrict": {"working_committee", "committee"},
        "community": {"committee", "general_branch"}, "grid": {"branch"},
    }
    for area_id, org in regional.items():
        area = areas[area_id]
        if area["level"] == "city":
            continue
        assert org["kind"] in expected_kinds[area["level"]], org
        assert by_id[org["parent_id"]]["area_id"] == area["parent_id"], org
    for area in areas.values():  # every area but some grids has its regional org
        assert area["id"] in regional or area["level"] == "grid"


def test_units_and_their_orgs(district: Dataset) -> None:
    units = {u["id"]: u for u in district["units"]}
    assert {u["category"] for u in units.values()} == {
        "organ", "soe", "public_institution", "financial", "vertical", "non_public",
        "social_org", "property_company"}
    level_of = {a["id"]: a["level"] for a in district["areas"]}
    for unit in units.values():
        where = level_of[unit["area_id"]]
        if unit.get("admin_level") in ("central", "provincial", "municipal"):
            assert where == "city", unit
        elif unit.get("admin_level") == "district":
            assert where == "district", unit
    sector = {"organ": "organ", "soe": "soe", "public_institution": "public_institution",
              "financial": "soe", "vertical": "organ", "non_public": "non_public",
              "social_org": "social_org", "property_company": "property"}
    orgs = {o["id"]: o for o in district["orgs"]}
    for org in orgs.values():
        if "unit_id" in org:
            assert org["sector"] == sector[units[org["unit_id"]]["category"]], org
    property_committees = [o for o in orgs.values()
                           if o["sector"] == "property" and "unit_id" not in o]
    assert {o.get("parent_id") for o in property_committees} >= {"O-ZJ", "O-RZ"}


def test_people_and_personal_data(tiny: Dataset) -> None:
    units = {u["id"] for u in tiny["units"]}
    for person in tiny["people"]:
        assert re.fullmatch(r"1[3-9]\d{9}", person["phone"])
        assert 2 <= len(person["name"]) <= 3
        if person["is_member"]:
            assert person["member_category"] in {
                "in_service", "no_position", "mobile", "retired", "other"}
            assert ("unit_id" in person) == (person["member_category"] == "in_service")
        else:
            assert "member_category" not in person and "org_id" not in person
        assert person.get("unit_id", next(iter(units))) in units
    assert all(re.fullmatch(r".+(区|市|新区).+(街道|镇).+号.*", h["address"])
               for h in tiny["households"])


def test_registrations_come_from_the_registration_categories(tiny: Dataset) -> None:
    label = kinds(tiny)
    units = {u["id"]: u for u in tiny["units"]}
    people = {p["id"]: p for p in tiny["people"]}
    for reg in tiny["registrations"]:
        if label[reg["source_id"]] == "Unit":
            assert units[reg["source_id"]]["category"] in REGISTRATION_UNIT_CATEGORIES
        else:
            assert people[reg["source_id"]]["member_category"] == "in_service"
        assert reg["year"] in (YEAR, YEAR - 1)


def test_matters_go_through_the_four_steps(district: Dataset) -> None:
    for m in district["matters"]:
        created = m["created_at"]
        assert created[:4] in (str(YEAR), str(YEAR - 1))
        steps = [m.get(k) for k in ("created_at", "dispatched_at", "accepted_at", "closed_at")]
        present = [s for s in steps if s is not None]
        assert steps[: len(present)] == present, m  # no step without the one before
        assert present == sorted(present), m
        assert ("rating" in m) == ("closed_at" in m), m
        assert ("assignee_id" in m) == ("dispatched_at" in m), m
    dates = [a["date"] for a in district["activities"]]
    assert all(d[:4] in (str(YEAR), str(YEAR - 1)) for d in dates)


# ------------------------------------------------------------------------------- gaps


def test_gap_keys_are_the_coverage_rules(tiny: Dataset) -> None:
    assert set(synth.DEFAULT_GAPS) == set(coverage(tiny))


@pytest.mark.parametrize("rule", sorted(synth.DEFAULT_GAPS))
def test_every_gap_kind_appears_at_tiny_scale(rule: str, tiny: Dataset) -> None:
    checked, gaps = coverage(tiny)[rule]
    assert checked > 0
    assert gaps, f"no {rule} gap at tiny scale"


@pytest.mark.slow
def test_gap_counts_follow_the_rates(district: Dataset) -> None:
    for rule, (checked, gaps) in coverage(district).items():
        rate = synth.DEFAULT_GAPS[rule]
        assert len(gaps) == max(1, round(rate * checked)), rule


def test_zero_rates_leave_no_gaps() -> None:
    ds = synth.city("tiny", seed=3, gaps={rule: 0 for rule in synth.DEFAULT_GAPS})
    assert {rule: gaps for rule, (_, gaps) in coverage(ds).items() if gaps} == {}


def test_a_rate_override_changes_only_its_rule() -> None:
    ds = synth.city("tiny", seed=0, gaps={"grid_party_org": 0.5})
    checked, gaps = coverage(ds)["grid_party_org"]
    assert len(gaps) == round(0.5 * checked)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"gaps": {"grid_party_orgs": 0.1}}, "unknown gap key"),
        ({"gaps": {"member_org": 1.5}}, "from 0 to 1"),
        ({"gaps": {"member_org": "high"}}, "from 0 to 1"),
        ({"scale": "country"}, "unknown scale"),  # "province" became a scale (issue 9)
        ({"year": 3000}, "year"),
    ],
)
def test_bad_arguments_raise(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"scale": "tiny", **kwargs}
    with pytest.raises(ValueError, match=message):
        synth.city(**args)


# --------------------------------------------------------------------- sizes and KPIs


def test_tiny_size(tiny: Dataset) -> None:
    assert 600 <= nodes(tiny) <= 2000
    level = Counter(a["level"] for a in tiny["areas"])
    assert level["district"] == 2 and 2 <= level["subdistrict"] <= 3
    assert 5 <= level["community"] <= 8 and 14 <= level["grid"] <= 30


@pytest.mark.slow
def test_district_size(district: Dataset) -> None:
    assert 35_000 <= nodes(district) <= 70_000
    level = Counter(a["level"] for a in district["areas"])
    assert level["district"] == 7 and level["subdistrict"] == 6
    populated = {a["parent_id"] for a in district["areas"] if a["level"] == "subdistrict"}
    assert populated == {"RZ"}


def rate(num: int, den: int) -> float:
    return num / den if den else 1.0


def kpis(ds: Dataset, year: int = YEAR) -> dict[str, float]:
    day = dt.date.fromisoformat
    now = [m for m in ds["matters"] if m["created_at"][:4] == str(year)]
    closed = [m for m in now if "closed_at" in m]
    prop = [m for m in now if m["category"] in PROPERTY_CATEGORIES]
    fast = [m for m in prop
            if "closed_at" in m and (day(m["closed_at"]) - day(m["created_at"])).days <= 3]
    communities = [a["id"] for a in ds["areas"] if a["level"] == "community"]
    units = {u["id"]: u for u in ds["units"]}
    label = kinds(ds)
    paired_units = {p["source_id"] for p in ds["pairings"] if label[p["source_id"]] == "Unit"}
    load = Counter(c["person_id"] for c in ds["contacts"])
    members = sum(1 for p in ds["people"] if p["is_member"])
    return {
        "matter_completion_rate": rate(len(closed), len(now)),
        "property_closed_within_3_days_rate": rate(len(fast), len(prop)),
        "property_share": rate(len(prop), len(now)),
        "pairing_coverage_rate": rate(len({p["target_id"] for p in ds["pairings"]}),
                                      len(communities)),
        "paired_units": len(paired_units),
        "paired_municipal_and_above": sum(
            1 for u in paired_units
            if units[u].get("admin_level") in ("central", "provincial", "municipal")),
        "cross_district_pairings": sum(
            1 for p in ds["pairings"]
            if label[p["source_id"]] == "Unit"
            and units[p["source_id"]]["area_id"] not in ("ZJ", "RZ")
            and not units[p["source_id"]]["area_id"].startswith("RZ-")),
        "activities": sum(1 for a in ds["activities"] if a["date"][:4] == str(year)),
        "social_workers_per_community": rate(
            len({r["person_id"] for r in ds["roles"] if r["role"] == "social_worker"}),
            len(communities)),
        "households_per_contacting_member": rate(sum(load.values()), len(load)),
        "members_per_household": rate(members, len(ds["households"])),
    }


@pytest.mark.slow
def test_district_kpis_are_plausible(district: Dataset) -> None:
    k = kpis(district)
    assert k["matter_completion_rate"] >= 0.85
    assert 0.7 <= k["property_closed_within_3_days_rate"] <= 0.9
    assert 0.25 <= k["property_share"] <= 0.42
    assert 0.9 <= k["pairing_coverage_rate"] < 1.0
    assert 250 <= k["paired_units"] <= 600  # seed: 润州 communities pair with 517 units
    assert 50 <= k["paired_municipal_and_above"] <= 110  # seed: 市级以上 近百家
    assert k["cross_district_pairings"] > 0
    assert 2000 <= k["activities"] <= 4000  # seed: 联办活动 2800 余次
    assert 1.5 <= k["social_workers_per_community"] <= 2.6
    assert 5 <= k["households_per_contacting_member"] <= 15
    assert 0.12 <= k["members_per_household"] <= 0.18  # 2.2 residents, 1 member in 15


def test_sites_are_mostly_standardized_centres(district: Dataset) -> None:
    levels = Counter((s["level"], s["standardized"]) for s in district["sites"])
    centres = levels[("center", True)] + levels[("center", False)]
    assert centres == sum(1 for a in district["areas"] if a["level"] == "community")
    assert levels[("center", True)] > 0.7 * centres
    assert levels[("station", False)] > 0 and levels[("point", False)] > 0


def test_scales_are_exported() -> None:
    assert set(synth.SCALES) == {"tiny", "district", "city"}
    assert len(synth.SCALES["city"].districts) == 7
    assert synth.city(synth.SCALES["tiny"], seed=0)["areas"] == synth.city("tiny")["areas"]
