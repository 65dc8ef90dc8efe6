"""Answers do not depend on which node the store received first.

The embedded store numbers nodes in the order they arrive, so the first node loaded
is number 0, the one value that separates ``>= 0`` ("has one") from ``> 0``. The
random networks always load the city first, so a household, a building or a unit's
area at number 0 is met only here. Every expected value below is worked by hand from
the meaning in ``orgnet.queries.chains`` and ``orgnet.queries.recommend``; the same
tests run on Neo4j, where load order means nothing.
"""

from __future__ import annotations

from typing import Any

import oracles

from orgnet.io import Dataset
from orgnet.io.load import load_records
from orgnet.queries.chains import contact_chain, contact_chains, contact_path
from orgnet.queries.coverage import coverage
from orgnet.queries.kpis import kpis
from orgnet.queries.recommend import recommend_pairings

Rows = dict[str, list[dict[str, Any]]]


def load_in_turn(store: Any, *batches: Rows) -> None:
    """Load each batch after the previous one (the first batch's first row is the first node)."""
    store.clear()
    for rows in batches:
        report = load_records(store, Dataset(rows))
        assert report.ok, report.rejects


def steps(chain: Any) -> list[tuple[str, str, list[str], list[str]]]:
    return [(s.level, s.node_id, s.orgs, s.people) for s in chain.steps]


def first_is(store: Any, node_id: str) -> None:
    """On the embedded store, check the case is the one meant: ``node_id`` is node number 0."""
    if store.backend == "memory":
        assert store.state().code(node_id) == 0


def test_chain_above_a_grid_loaded_first(store: Any) -> None:
    """G0 arrives first; H1's chain still climbs from its building to G0."""
    load_in_turn(
        store,
        {"areas": [{"id": "G0", "level": "grid"}]},
        {"buildings": [{"id": "B1", "grid_id": "G0"}],
         "households": [{"id": "H1", "building_id": "B1"}],
         "orgs": [{"id": "O1", "kind": "branch", "area_id": "G0"}],
         "people": [{"id": "P1", "is_member": True, "member_category": "in_service", "household_id": "H1"},
                    {"id": "P2", "is_member": False}],
         "contacts": [{"person_id": "P1", "household_id": "H1"}],
         "roles": [{"person_id": "P1", "role": "building_leader", "target_id": "B1"},
                   {"person_id": "P2", "role": "grid_leader", "target_id": "G0"}]},
    )
    first_is(store, "G0")
    chain = contact_chain(store, "H1")
    assert steps(chain) == [("household", "H1", [], ["P1"]), ("building", "B1", [], ["P1"]),
                            ("grid", "G0", ["O1"], ["P2"])]
    assert (chain.household_id, chain.broken_at) == ("H1", None)
    # paths from and to the first node: H1 - B1 (IN) - G0 (IN); O1 covers G0
    assert contact_path(store, "H1", "G0") == ["H1", "B1", "G0"]
    assert contact_path(store, "G0", "O1") == ["G0", "O1"]
    assert contact_path(store, "G0", "G0") == ["G0"]


def test_chain_through_a_building_loaded_first(store: Any) -> None:
    """B0 (in no grid) arrives first: M1's chain is P1's household, then B0, where nobody answers."""
    load_in_turn(
        store,
        {"buildings": [{"id": "B0"}]},
        {"households": [{"id": "H1", "building_id": "B0"}],
         "people": [{"id": "P1", "is_member": True, "member_category": "in_service", "household_id": "H1"}],
         "contacts": [{"person_id": "P1", "household_id": "H1"}],
         "matters": [{"id": "M1", "raised_by": "P1"}]},
    )
    first_is(store, "B0")
    chain = contact_chain(store, "M1")
    assert steps(chain) == [("household", "H1", [], ["P1"]), ("building", "B0", [], [])]
    assert (chain.household_id, chain.broken_at, chain.assignee_id) == ("H1", "building", None)


def test_chain_from_a_household_loaded_first(store: Any) -> None:
    """H0 arrives first and raises M0: M0's and P0's chains are H0 alone, answered by P0."""
    load_in_turn(
        store,
        {"households": [{"id": "H0"}]},
        {"people": [{"id": "P0", "is_member": True, "member_category": "in_service", "household_id": "H0"}],
         "contacts": [{"person_id": "P0", "household_id": "H0"}],
         "matters": [{"id": "M0", "raised_by": "H0", "assignee_id": "P0"}]},
    )
    first_is(store, "H0")
    for start, assignee in (("M0", "P0"), ("P0", None), ("H0", None)):
        chain = contact_chain(store, start)
        assert steps(chain) == [("household", "H0", [], ["P0"])], start
        assert (chain.household_id, chain.broken_at, chain.assignee_id) == ("H0", None, assignee), start
    many = contact_chains(store, ["M0", "P0", "H0"])  # several starts, all at household 0
    assert [c.household_id for c in many] == ["H0"] * 3 and all(steps(c) == [("household", "H0", [], ["P0"])]
                                                                 for c in many)


def test_chains_of_a_person_loaded_first(store: Any) -> None:
    """P0 arrives first (before any area or household): a grid leader and the raiser of M1; M2 has
    no raiser and H1 arrives right after P0. Chains of everyone, one by one and all at once, equal
    the oracle's on the rows as they end up."""
    member = {"is_member": True, "member_category": "in_service"}
    final: Rows = {
        "areas": [{"id": "Z", "level": "city"}, {"id": "D", "level": "district", "parent_id": "Z"},
                  {"id": "G", "level": "grid", "parent_id": "D"}],
        "buildings": [{"id": "B", "grid_id": "G"}],
        "households": [{"id": "H1", "building_id": "B"}, {"id": "H2", "building_id": "B"}],
        "people": [{"id": "P0", **member, "household_id": "H2"}],
        "roles": [{"person_id": "P0", "role": "grid_leader", "target_id": "G"}],
        "contacts": [{"person_id": "P0", "household_id": "H2"}],
        "matters": [{"id": "M1", "category": "property", "created_at": "2023-05-01", "raised_by": "P0"},
                    {"id": "M2", "category": "property", "created_at": "2023-05-02"}],
    }
    load_in_turn(store, {"people": [{"id": "P0", **member}]}, {"households": [{"id": "H1"}, {"id": "H2"}]}, final)
    first_is(store, "P0")
    starts = ["H1", "H2", "M1", "M2", "P0"]
    expected = [oracles.chain(final, s) for s in starts]
    assert expected[1]["steps"][2] == ("grid", "G", [], ["P0"]) and expected[3]["household_id"] is None
    for got in ([contact_chain(store, s) for s in starts], list(contact_chains(store, starts))):
        assert [{**c.model_dump(), "steps": [(s.level, s.node_id, s.orgs, s.people) for s in c.steps]}
                for c in got] == expected


def test_recommend_with_a_district_loaded_first_and_an_area_loaded_last(store: Any) -> None:
    """D arrives first and U1 is located in it; C2 arrives last and U0 is located nowhere.

    Communities C1 (in D) and C2 (in D2) pair with nobody. With ``same_district``, U1 may take
    only C1 (its district is D), U0 anywhere (it has no district); capacity 1 and no load:
    the one plan covering both is U1 -> C1, U0 -> C2, cost 0.
    """
    load_in_turn(
        store,
        {"areas": [{"id": "D", "level": "district", "parent_id": "Z"}, {"id": "Z", "level": "city"},
                   {"id": "C1", "level": "community", "parent_id": "D"},
                   {"id": "D2", "level": "district", "parent_id": "Z"}]},
        {"units": [{"id": "U1", "area_id": "D"}, {"id": "U0"}]},
        {"areas": [{"id": "C2", "level": "community", "parent_id": "D2"}]},
    )
    first_is(store, "D")
    plan = recommend_pairings(store, 2023, capacity=1)
    assert [(p.unit, p.unit_district, p.community, p.district, p.cost) for p in plan.pairs] == [
        ("U1", "D", "C1", "D", 0), ("U0", None, "C2", "D2", 0)]
    assert (plan.uncovered, plan.total_cost) == ([], 0)


def test_chain_names_an_assignee_loaded_first(store: Any) -> None:
    """O0 arrives first and is M1's assignee; M2 has none."""
    load_in_turn(
        store,
        {"orgs": [{"id": "O0", "kind": "branch"}]},
        {"households": [{"id": "H1"}],
         "matters": [{"id": "M1", "raised_by": "H1", "assignee_id": "O0"}, {"id": "M2", "raised_by": "H1"}]},
    )
    first_is(store, "O0")
    got = {m: (c.assignee_id, c.household_id, steps(c)) for m in ("M1", "M2") for c in [contact_chain(store, m)]}
    assert got == {"M1": ("O0", "H1", [("household", "H1", [], [])]),
                   "M2": (None, "H1", [("household", "H1", [], [])])}


def test_kpis_in_a_grid_loaded_first_and_a_district_loaded_last(store: Any) -> None:
    """G1 arrives first, D9 last. In G1: activity A1, standardized site S1, matter M1 (raised by
    H1, in B1 on G1, closed) and social worker P1 (home H1). A2, S2 and M2 have no area: they
    count for the whole city only. D9 holds nothing."""
    load_in_turn(
        store,
        {"areas": [{"id": "G1", "level": "grid", "parent_id": "C1"},
                   {"id": "C1", "level": "community", "parent_id": "D1"},
                   {"id": "D1", "level": "district", "parent_id": "Z"}, {"id": "Z", "level": "city"}]},
        {"buildings": [{"id": "B1", "grid_id": "G1"}], "households": [{"id": "H1", "building_id": "B1"}],
         "people": [{"id": "P1", "is_member": False, "household_id": "H1"}],
         "roles": [{"person_id": "P1", "role": "social_worker", "target_id": "C1"}],
         "activities": [{"id": "A1", "date": "2023-05-01", "area_id": "G1"}, {"id": "A2", "date": "2023-06-01"}],
         "sites": [{"id": "S1", "standardized": True, "area_id": "G1"}, {"id": "S2", "standardized": True}],
         "matters": [{"id": "M1", "raised_by": "H1", "created_at": "2023-03-01", "closed_at": "2023-03-02"},
                     {"id": "M2", "created_at": "2023-04-01"}]},
        {"areas": [{"id": "D9", "level": "district", "parent_id": "Z"}]},
    )
    first_is(store, "G1")
    wanted = ("activities", "standardized_sites", "social_workers", "matter_completion_rate")
    got = {area: tuple(getattr(kpis(store, 2023, area=area), k) for k in wanted) for area in (None, "G1", "D9")}
    assert got == {None: (2, 2, 1, 0.5), "G1": (1, 1, 1, 1.0), "D9": (0, 0, 0, None)}


def test_matter_of_a_household_loaded_first_counts_where_it_lives(store: Any) -> None:
    """H0 arrives first with no building; a later load puts it in B1 on grid G1 and adds M1,
    raised by H0 and still open. M1 counts in G1 (completion 0 of 1) and nowhere else."""
    load_in_turn(
        store,
        {"households": [{"id": "H0"}]},
        {"areas": [{"id": "G1", "level": "grid"}, {"id": "G2", "level": "grid"}],
         "buildings": [{"id": "B1", "grid_id": "G1"}], "households": [{"id": "H0", "building_id": "B1"}],
         "matters": [{"id": "M1", "raised_by": "H0", "created_at": "2023-03-01"}]},
    )
    first_is(store, "H0")
    got = {area: (r.matter_completion_rate, r.denominators["matters"])
           for area in (None, "G1", "G2") for r in [kpis(store, 2023, area=area)]}
    assert got == {None: (0.0, 1), "G1": (0.0, 1), "G2": (None, 0)}


def test_org_chain_under_a_root_loaded_first(store: Any) -> None:
    """O0 arrives first; a later load makes it cover the city Z and adds O1 under it and O2 under
    O1. Every org reaches a root (an org above none, covering the city): org_chain has no gap."""
    load_in_turn(
        store,
        {"orgs": [{"id": "O0", "kind": "committee"}]},
        {"areas": [{"id": "Z", "level": "city"}],
         "orgs": [{"id": "O0", "kind": "committee", "area_id": "Z"},
                  {"id": "O1", "kind": "branch", "parent_id": "O0"},
                  {"id": "O2", "kind": "branch", "parent_id": "O1"}]},
    )
    first_is(store, "O0")
    result = coverage(store, 2023).rules["org_chain"]
    assert (result.checked, result.gaps) == (3, [])


def test_org_chain_under_an_org_loaded_first_that_is_no_root(store: Any) -> None:
    """O0 arrives first and covers nothing: it is no root. O1, under O0, covers the city but has a
    parent, so it is no root either and its chain (O1, O0) reaches none: both are gaps."""
    load_in_turn(
        store,
        {"orgs": [{"id": "O0", "kind": "committee"}]},
        {"areas": [{"id": "Z", "level": "city"}],
         "orgs": [{"id": "O1", "kind": "branch", "parent_id": "O0", "area_id": "Z"}]},
    )
    first_is(store, "O0")
    result = coverage(store, 2023).rules["org_chain"]
    assert (result.checked, result.gaps) == (2, ["O0", "O1"])


def test_org_chain_in_areas_loaded_first_and_last(store: Any) -> None:
    """An org is anchored by the area it covers and its unit's area. D1 arrives first: O1 covers
    it and belongs to U1 in D2, so O1 counts in D1 and in D2. D9 and O2 (covering it) arrive
    last. Every org reaches the root O0 (covering the city Z)."""
    load_in_turn(
        store,
        {"areas": [{"id": "D1", "level": "district", "parent_id": "Z"}, {"id": "Z", "level": "city"},
                   {"id": "D2", "level": "district", "parent_id": "Z"}]},
        {"units": [{"id": "U1", "area_id": "D2"}],
         "orgs": [{"id": "O0", "kind": "committee", "area_id": "Z"},
                  {"id": "O1", "kind": "branch", "parent_id": "O0", "area_id": "D1", "unit_id": "U1"}]},
        {"areas": [{"id": "D9", "level": "district", "parent_id": "Z"}],
         "orgs": [{"id": "O2", "kind": "branch", "parent_id": "O0", "area_id": "D9"}]},
    )
    first_is(store, "D1")
    checked = {area: (r.checked, r.gaps) for area in (None, "Z", "D1", "D2", "D9")
               for r in [coverage(store, 2023, area=area).rules["org_chain"]]}
    assert checked == {None: (3, []), "Z": (3, []), "D1": (1, []), "D2": (1, []), "D9": (1, [])}
    rollup = coverage(store, 2023).by_district
    assert {d: rollup[d]["org_chain"].checked for d in ("D1", "D2", "D9")} == {"D1": 1, "D2": 1, "D9": 1}


def test_person_anchored_at_a_household_loaded_first(store: Any) -> None:
    """A person is where their household's building is; without a household, where their org is
    (the area it covers), else where their unit is. H0 arrives first (a later load puts it on
    grid G1): P0 lives there and counts in G1, not where their org O2 is (G2). P0 is an
    in-service member with no registration: a gap of member_registration."""
    load_in_turn(
        store,
        {"households": [{"id": "H0"}]},
        {"areas": [{"id": "G1", "level": "grid"}, {"id": "G2", "level": "grid"}],
         "buildings": [{"id": "B1", "grid_id": "G1"}], "households": [{"id": "H0", "building_id": "B1"}],
         "orgs": [{"id": "O2", "kind": "branch", "area_id": "G2"}],
         "people": [{"id": "P0", "is_member": True, "member_category": "in_service", "household_id": "H0",
                     "org_id": "O2"}]},
    )
    first_is(store, "H0")
    expected = {"G1": (1, ["P0"]), "G2": (0, [])}
    got = {a: (r.checked, r.gaps) for a in expected
           for r in [coverage(store, 2023, area=a).rules["member_registration"]]}
    assert got == expected


def test_person_anchored_at_an_org_area_loaded_first(store: Any) -> None:
    """G1 arrives first: P1 has no household, their org O1 covers G1, their unit U2 is in G2:
    P1 counts in G1 (a gap of member_registration there), not in G2."""
    load_in_turn(
        store,
        {"areas": [{"id": "G1", "level": "grid"}]},
        {"areas": [{"id": "G2", "level": "grid"}], "units": [{"id": "U2", "area_id": "G2"}],
         "orgs": [{"id": "O1", "kind": "branch", "area_id": "G1"}],
         "people": [{"id": "P1", "is_member": True, "member_category": "in_service", "org_id": "O1",
                     "unit_id": "U2"}]},
    )
    first_is(store, "G1")
    expected = {"G1": (1, ["P1"]), "G2": (0, [])}
    got = {a: (r.checked, r.gaps) for a in expected
           for r in [coverage(store, 2023, area=a).rules["member_registration"]]}
    assert got == expected


def test_subjects_anchored_nowhere_stay_out_of_the_area_loaded_last(store: Any) -> None:
    """P7 (an in-service member with no household, org or unit) and H2 (in no building) are
    anchored nowhere: they count for the whole city only, never in D9, the area loaded last."""
    load_in_turn(
        store,
        {"areas": [{"id": "Z", "level": "city"}], "households": [{"id": "H2"}],
         "people": [{"id": "P7", "is_member": True, "member_category": "in_service"}]},
        {"areas": [{"id": "D9", "level": "district", "parent_id": "Z"}]},
    )
    whole, d9 = coverage(store, 2023), coverage(store, 2023, area="D9")
    rules = ("member_registration", "household_contact")
    assert {r: (whole.rules[r].checked, whole.rules[r].gaps) for r in rules} == {
        "member_registration": (1, ["P7"]), "household_contact": (1, ["H2"])}
    assert {r: d9.rules[r].checked for r in rules} == {"member_registration": 0, "household_contact": 0}
    assert "D9" not in whole.by_district or all(c.checked == 0 for r, c in whole.by_district["D9"].items()
                                                if r in rules)


def test_gap_frame_of_a_report_kept_across_a_reload_names_what_the_store_still_holds(store: Any) -> None:
    """A report's work list reads names from the store when asked: after ``clear`` and another
    load, a gap the store no longer holds has no name or kind, and the gaps after it (in id order)
    still get theirs."""
    areas = [{"id": "Z", "level": "city"}, {"id": "D", "level": "district", "parent_id": "Z"},
             {"id": "S", "level": "subdistrict", "parent_id": "D"},
             {"id": "C", "level": "community", "parent_id": "S"}]
    load_in_turn(store, {"areas": [*areas, {"id": "G0", "level": "grid", "parent_id": "C"},
                           {"id": "G9", "level": "grid", "parent_id": "C", "name": "九号网格"}]})
    report = coverage(store, 2023)
    assert report.rules["grid_party_org"].gaps == ["G0", "G9"]
    load_in_turn(store, {"areas": [*areas, {"id": "G9", "level": "grid", "parent_id": "C", "name": "新九号网格"}]})
    frame = report.gap_frame("grid_party_org")
    got = {r["id"]: (r["name"], r["label"]) for r in frame.to_dict("records")}
    assert got == {"G0": ("", ""), "G9": ("新九号网格", "Area")}
