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
from store_dump import dump
from strategies import networks

from orgnet.errors import InvalidArgument, NotFound
from orgnet.graph.memory import MemoryStore
from orgnet.io import Dataset
from orgnet.io.load import load_records
from orgnet.model import LABELS
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
        # 4 ids in batches of 2, then one by one (a single chain's names come with it: 1 query each)
        assert neo4j_store.queries_sent - before == 2 + len(households)
    finally:
        _neo4j_chains.CHAIN_BATCH = old


# ------------------------------------------------------------ scoping keeps everyone (issue 8 point 6)

SINGLE_ANCHOR_RULES = [r for r in RULES if r not in ("registration_report", "org_chain")]


def _oracle_anchors(rows: dict[str, list[dict[str, Any]]], year: int) -> dict[str, dict[str, str | None]]:
    """Per single-anchor rule, subject -> anchor area, from the raw rows (independent of the engines)."""
    areas = {a["id"]: a for a in rows.get("areas", [])}
    grid_of_building = {b["id"]: b.get("grid_id") for b in rows.get("buildings", [])}
    grid_of_household = {h["id"]: grid_of_building.get(h.get("building_id")) for h in rows.get("households", [])}
    unit_area = {u["id"]: u.get("area_id") for u in rows.get("units", [])}
    org_area = {o["id"]: o.get("area_id") or unit_area.get(o.get("unit_id")) for o in rows.get("orgs", [])}

    def person(p: dict[str, Any]) -> str | None:
        return (grid_of_household.get(p.get("household_id")) or org_area.get(p.get("org_id"))
                or unit_area.get(p.get("unit_id")))

    members = [p for p in rows.get("people", []) if p.get("is_member")]
    grids = {a: a for a, r in areas.items() if r["level"] == "grid"}
    communities = {a: a for a, r in areas.items() if r["level"] == "community"}
    units = rows.get("units", [])
    return {
        "grid_party_org": grids, "grid_three_leaders": grids,
        "community_pairing": communities, "community_site": communities,
        "building_leader": dict(grid_of_building),
        "household_contact": dict(grid_of_household),
        "member_org": {p["id"]: person(p) for p in members},
        "member_registration": {p["id"]: person(p) for p in members if p.get("member_category") == "in_service"},
        "unit_registration": {u["id"]: u.get("area_id") for u in units
                              if u.get("category") in ("organ", "soe", "public_institution", "financial", "vertical")},
        "property_party_org": {u["id"]: u.get("area_id") for u in units if u.get("category") == "property_company"},
    }


def _with_people_without_households(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Add members with no household: one by their org, one by their unit only, one anchored nowhere."""
    rows = {k: list(v) for k, v in rows.items()}
    org = next(o for o in rows["orgs"] if o.get("area_id") and o["area_id"] != "ZJ")
    unit = next(u for u in rows["units"] if u.get("area_id") and u["area_id"] != "ZJ")
    rows["people"] += [
        {"id": "X-ORG", "is_member": True, "member_category": "in_service", "org_id": org["id"]},
        {"id": "X-UNIT", "is_member": True, "member_category": "in_service", "unit_id": unit["id"]},
        {"id": "X-NONE", "is_member": True, "member_category": "retired"},
    ]
    return rows


@pytest.mark.parametrize("source", ["golden", "tiny"])
def test_rollups_add_up_and_keep_people_without_households(store: Any, source: str,
                                                           golden_rows: dict[str, list[dict[str, Any]]]) -> None:
    import orgnet

    rows = golden_rows if source == "golden" else dict(orgnet.synth.city("tiny", seed=0).items())
    rows = _with_people_without_households(rows)
    assert load_records(store, Dataset(rows)).rejects == []
    report = coverage(store, YEAR)
    tree = {a["id"]: (a["level"], a.get("parent_id")) for a in rows["areas"]}

    def up(area: str | None, level: str) -> str | None:
        while area is not None and area in tree:
            if tree[area][0] == level:
                return area
            area = tree[area][1]
        return None

    anchors = _oracle_anchors(rows, YEAR)
    for rule in SINGLE_ANCHOR_RULES:
        subjects = anchors[rule]
        assert report.rules[rule].checked == len(subjects), rule  # nobody dropped, nobody doubled
        for d, per_rule in report.by_district.items():
            in_d = [s for s, a in subjects.items() if up(a, "district") == d]
            assert per_rule[rule].checked == len(in_d), (rule, d)
            at_d = [s for s in in_d if up(subjects[s], "subdistrict") is None]  # anchored at d itself
            subs = [s for s, (level, parent) in tree.items() if level == "subdistrict" and up(s, "district") == d]
            assert sum(report.by_subdistrict[s][rule].checked for s in subs) + len(at_d) == per_rule[rule].checked
            assert sum(report.by_subdistrict[s][rule].gaps for s in subs) <= per_rule[rule].gaps
            scoped = coverage(store, YEAR, area=d).rules[rule]
            assert (scoped.checked, len(scoped.gaps)) == (per_rule[rule].checked, per_rule[rule].gaps), (rule, d)
        at_city = [s for s, a in subjects.items() if up(a, "district") is None]
        assert sum(r[rule].checked for r in report.by_district.values()) + len(at_city) == report.rules[rule].checked
    member_anchor = anchors["member_registration"]
    assert member_anchor["X-ORG"] is not None and member_anchor["X-UNIT"] is not None
    assert "X-ORG" in coverage(store, YEAR, area=up(member_anchor["X-ORG"], "district")).rules[
        "member_registration"].gaps


def test_nothing_to_count_is_not_100_percent(store: Any, tmp_path: Any, capsys: Any) -> None:
    """Areas only: every rule about buildings, households, people and units checks nothing."""
    from orgnet.errors import EmptyStoreWarning

    with pytest.warns(EmptyStoreWarning):
        empty = coverage(store, YEAR)
    assert all(r.rate is None for r in empty.rules.values())
    load_records(store, Dataset({"areas": [{"id": "ZJ", "level": "city"}, {"id": "D", "level": "district",
                                                                           "parent_id": "ZJ"}]}))
    report = coverage(store, YEAR)
    assert report.rules["household_contact"].checked == 0 and report.rules["household_contact"].rate is None
    assert report.by_district["D"]["household_contact"].rate is None
    frame = report.to_frame().set_index("rule")
    assert frame["rate"].isna().all()
    assert report.rollup_frame()["rate"].isna().all()
    k = kpis(store, YEAR)
    assert k.matter_completion_rate is None and k.report_rate is None and k.pairing_coverage_rate is None
    assert k.year == YEAR
    values = k.to_frame().set_index("kpi")["value"]
    assert values["report_rate"] != values["report_rate"]  # NaN
    report.plot(kind="bars")
    k.plot()


def test_cli_prints_the_year_and_a_dash_for_nothing(tmp_path: Any, capsys: Any,
                                                     golden_rows: dict[str, list[dict[str, Any]]]) -> None:
    import orgnet
    from orgnet.cli.main import main

    path = tmp_path / "c.orgnet"
    orgnet.connect(f"file:{path}").load(Dataset({"areas": golden_rows["areas"]}))
    assert main(["coverage", "--uri", f"file:{path}"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("year ")
    assert "—" in out and "100" not in out and "nan" not in out.lower()
    assert main(["kpis", "--uri", f"file:{path}", "--year", "2022"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "year 2022" and "—" in out


def test_golden_influence_frames(net: Any) -> None:
    """``to_frame`` / ``alliances_frame``: one row per actor / alliance, in the report's order, the
    model's columns; values from the hand-worked tables of tests/golden.py."""
    report = influence(net)
    frame = report.to_frame()
    assert list(frame.columns) == ["id", "kind", "name", "pairings", "subdistricts", "districts", "cross_district",
                                   "activities", "pagerank", "betweenness", "own_district"]
    assert frame["id"].tolist() == [a.id for a in report.actors]
    assert {r["id"]: (r["pairings"], r["subdistricts"], r["districts"], r["cross_district"], r["activities"])
            for r in frame.to_dict("records")} == golden.ACTORS
    assert frame["pagerank"].tolist() == [a.pagerank for a in report.actors]
    alliances = report.alliances_frame()
    assert list(alliances.columns) == ["id", "name", "members", "communities", "activities"]
    assert {r["id"]: (r["members"], r["communities"], r["activities"]) for r in alliances.to_dict("records")} \
        == golden.ALLIANCES
    assert alliances["id"].tolist() == sorted(golden.ALLIANCES)
