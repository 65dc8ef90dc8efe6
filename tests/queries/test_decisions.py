"""Decisions (issue: time, what-if, recommendations, work lists, redaction) on both backends.

Expected values are worked out by hand from the rules as the project documents
them (docs/decisions.md): a pairing or role counts for year Y when ``since`` is
absent or ≤ Y-12-31 and ``until`` absent or ≥ Y-01-01; what-if removes the
nodes and every relationship of theirs; critical actors are the only partner
of a community; the pairing plan covers the most communities at least cost.
The recommendation is also checked against brute force over random networks.

Layout (D = district, S = subdistrict, C = community, G = grid)::

    ZJ 镇江市 ── D1 润州区 ── S1 金山街道 ── C1 银山门社区 ── G1 ── B1 ── H1
             │                           └── C2 C2社区
             └── D2 京口区 ── S2 正东路街道 ── C3, C4, C5

Units: U1 in D1, U2 in S2 (so district D2), U3 at the city (no district), U4 nowhere.
Pairings: U1→C1 2020-01-01..2022-06-30; U1→C2 from 2024-03-01; O1→C2 from 2019;
U2→C3 from 2021-01-01; U2→C4 (no dates). C5: none.
Roles: P1 building_leader on B1 2020..2022-12-31; P2 social_worker on G1 from
2023-05-01; P3 social_worker until 2021-12-31.
Orgs: O1 root (covers ZJ), O2 under O1 covering G1. P2 (member) belongs to O1.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from decision_network import ROWS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgnet.errors import InvalidArgument, NotFound
from orgnet.io import Dataset
from orgnet.io.load import load_folder, load_records
from orgnet.network import Network


def loaded(store: Any, rows: dict[str, list[dict[str, Any]]] | None = None) -> Network:
    store.clear()
    report = load_records(store, Dataset(rows if rows is not None else ROWS))
    assert report.ok, report.rejects
    return Network(store)


# ------------------------------------------------------------------ 1. as of a year


def test_pairings_count_only_in_their_years(store: Any) -> None:
    net = loaded(store)
    # 2020: U2->C3 starts 2021; 2021/2022: U1->C1 runs to mid-2022; 2023: it ended, U1->C2 starts 2024
    assert net.coverage(2020).rules["community_pairing"].gaps == ["C3", "C5"]
    assert net.coverage(2022).rules["community_pairing"].gaps == ["C5"]
    assert net.coverage(2023).rules["community_pairing"].gaps == ["C1", "C5"]
    assert net.coverage(2024).rules["community_pairing"].gaps == ["C1", "C5"]


def test_kpis_count_active_pairings_and_roles(store: Any) -> None:
    net = loaded(store)
    k22, k23, k21 = net.kpis(2022), net.kpis(2023), net.kpis(2021)
    assert (k22.paired_units, k22.paired_units_municipal_and_above) == (2, 1)  # U1 (municipal), U2
    assert (k23.paired_units, k23.paired_units_municipal_and_above) == (1, 0)  # U2 only
    assert (k21.social_workers, k22.social_workers, k23.social_workers) == (1, 0, 1)  # P3, nobody, P2
    assert k23.pairing_coverage_rate == pytest.approx(3 / 5)


def test_kpi_frame_worked_by_hand(store: Any) -> None:
    # 2023: M3 and M4 were created and closed 4 days later (no property matter); U2 is the one paired unit
    # (district level); AC2 is the activity; P2 the social worker; U1, U2, U3 and the in-service member P2
    # have no 2023 registration; nobody registered in 2023, no property company, no site
    from orgnet.labels import KPI_LABELS
    from orgnet.queries.kpis import handling_days

    frame = loaded(store).kpis(2023).to_frame()
    want = {"pairing_coverage_rate": 0.6, "paired_units": 1, "paired_units_municipal_and_above": 0, "activities": 1,
            "matter_completion_rate": 1.0, "property_closed_within_3_days_rate": None, "mean_handling_days": 4.0,
            "standardized_sites": 0, "property_party_org_rate": None, "unit_registration_rate": 0.0,
            "member_registration_rate": 0.0, "report_rate": None, "social_workers": 1}
    assert list(frame.columns) == ["kpi", "label", "value"] and list(frame["kpi"]) == list(want)
    assert list(frame["label"]) == [KPI_LABELS[k] for k in want]
    for kpi, value in zip(frame["kpi"], frame["value"]):
        if want[kpi] is None:
            assert isinstance(value, float) and value != value, kpi  # NaN: nothing to count
        elif isinstance(want[kpi], int) and not isinstance(want[kpi], bool) and "rate" not in kpi:
            assert type(value) is int and value == want[kpi], kpi  # counts stay integers
        else:
            assert value == pytest.approx(want[kpi]), kpi
    assert handling_days("2023-01-01", "2023-01-04") == 3.0
    assert handling_days("2023-01-01T12:00:00", "2023-01-02") == 0.5


def test_roles_count_only_in_their_years(store: Any) -> None:
    net = loaded(store)
    assert net.coverage(2022).rules["building_leader"].gaps == []
    assert net.coverage(2023).rules["building_leader"].gaps == ["B1"]


def test_chain_without_a_year_uses_today(store: Any) -> None:
    net = loaded(store)
    building = lambda chain: next(s for s in chain.steps if s.level == "building")  # noqa: E731
    assert building(net.contact_chain("H1", 2022)).people == ["P1"]
    assert building(net.contact_chain("H1")).people == []  # P1's role ended 2022-12-31


def test_influence_of_a_year(store: Any) -> None:
    net = loaded(store)
    by_id = {a.id: a for a in net.influence(year=2023).actors}
    assert sorted(by_id) == ["O1", "U2", "U3"]  # U1: no pairing in 2023, its activity is 2022's
    assert (by_id["U2"].pairings, by_id["U3"].activities) == (2, 1)
    by_id = {a.id: a for a in net.influence(year=2022).actors}
    assert sorted(by_id) == ["O1", "U1", "U2"]
    assert (by_id["U1"].pairings, by_id["U1"].activities) == (1, 1)


def test_until_is_read_from_chinese_headers(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "areas.csv").write_text("编号,名称,层级,上级编号\nZJ,镇江市,city,\nC1,社区,community,ZJ\n",
                                      encoding="utf-8")
    (folder / "units.csv").write_text("编号,名称,类别\nU1,单位,organ\n", encoding="utf-8")
    (folder / "pairings.csv").write_text("结对单位编号,社区编号,起始日期,结束日期\nU1,C1,2020-01-01,2021-12-31\n",
                                         encoding="utf-8")
    from orgnet.graph.memory import MemoryStore

    store = MemoryStore()
    assert load_folder(store, folder).ok
    net = Network(store)
    assert net.coverage(2021).rules["community_pairing"].gaps == []
    assert net.coverage(2022).rules["community_pairing"].gaps == ["C1"]


# ------------------------------------------------------------------------- 2. trend


def test_trend_reproduces_the_seed_claim(store: Any) -> None:
    net = loaded(store)
    frame = net.trend().to_frame()
    assert list(frame.index) == [2021, 2022, 2023]  # registrations 2021, matters and activities 2022-23
    assert frame.loc[2022, "mean_handling_days"] == pytest.approx(9.1)
    assert frame.loc[2023, "mean_handling_days"] == pytest.approx(4.0)
    assert frame.loc[2023, "community_pairing"] == pytest.approx(3 / 5)
    assert frame.loc[2022, "building_leader"] == 1.0 and frame.loc[2023, "building_leader"] == 0.0
    for year in (2022, 2023):  # each row is that year's kpis and coverage
        k = net.kpis(year)
        assert frame.loc[year, "paired_units"] == k.paired_units
        assert frame.loc[year, "social_workers"] == k.social_workers
        for rule, result in net.coverage(year).rules.items():
            if result.rate is not None:
                assert frame.loc[year, rule] == pytest.approx(result.rate)


def test_trend_of_chosen_years_within_an_area(store: Any) -> None:
    """``trend(years, area=)``: the years asked (sorted, once each), every figure restricted to the
    area as ``kpis(year, area=)`` and ``coverage(year, area=)`` give it, the area kept on the report
    and on each year's KPIs; the frame has the KPI fields then the rules, NaN where nothing is counted."""
    import math

    from orgnet.queries.coverage import RULES
    from orgnet.queries.kpis import KpiReport

    net = loaded(store)
    report = net.trend([2023, 2022, 2021, 2023], area="D1")
    assert report.years == [2021, 2022, 2023] and report.area == "D1"
    whole = net.trend([2021, 2022, 2023]).to_frame()
    frame = report.to_frame()
    assert list(frame.index) == [2021, 2022, 2023] and frame.index.name == "year"
    kpi_columns = [f for f in KpiReport.model_fields if f not in ("year", "area", "denominators")]
    assert list(frame.columns) == kpi_columns + list(RULES)
    assert not frame.equals(whole)  # the area leaves something out
    for year, kpi in zip(report.years, report.kpis):
        assert kpi == net.kpis(year, area="D1") and kpi.area == "D1" and kpi.year == year
        for rule, result in net.coverage(year, area="D1").rules.items():
            assert report.rates[year][rule] == result.rate, (year, rule)
            got = frame.loc[year, rule]
            assert math.isnan(got) if result.rate is None else got == pytest.approx(result.rate), (year, rule)
    nothing = [rule for rule in RULES if report.rates[2022][rule] is None]
    assert nothing and all(frame[rule].dtype == "float64" for rule in RULES)  # None becomes NaN, not an object
    assert net.trend([]).years == [] and len(net.trend([]).to_frame()) == 0
    assert net.trend([2022]).years == [2022] and list(net.trend([2022]).to_frame().index) == [2022]


def test_trend_of_an_empty_store_warns(store: Any) -> None:
    store.clear()
    with pytest.warns(UserWarning, match="holds no data"):
        assert Network(store).trend().years == []


# ----------------------------------------------------------------------- 3. what-if


def test_what_if_withdraws_the_node_and_all_its_relationships(store: Any) -> None:
    net = loaded(store)
    counts = net.counts()
    before = net.coverage(2023)
    report = net.what_if(["O1"], 2023)
    assert report.newly_uncovered["community_pairing"] == ["C2"]  # O1 was C2's only active partner
    assert report.newly_uncovered["org_chain"] == ["O2"]  # O2 loses its parent (a reference field)
    assert report.newly_uncovered["member_org"] == ["P2"]  # P2 loses its org
    assert report.before["org_chain"].checked == 2 and report.after["org_chain"].checked == 1
    assert report.before == before.rules
    assert {r for r, ids in report.newly_uncovered.items() if ids} == {"community_pairing", "org_chain",
                                                                       "member_org"}
    # the store is not changed
    assert net.counts() == counts
    assert net.coverage(2023).rules == before.rules


def test_what_if_unknown_id_is_not_found(store: Any) -> None:
    net = loaded(store)
    with pytest.raises(NotFound):
        net.what_if(["U1", "nope"], 2023)
    assert net.coverage(2023).rules["community_pairing"].checked == 5


def test_what_if_in_an_area(store: Any) -> None:
    net = loaded(store)
    report = net.what_if(["U2"], 2023, area="D2")
    assert report.newly_uncovered["community_pairing"] == ["C3", "C4"]
    assert report.after["community_pairing"].checked == 3
    assert report.before["unit_registration"].checked == 1 and report.after["unit_registration"].checked == 0


# ------------------------------------------------------------------ 4. critical actors


def test_critical_actors(store: Any) -> None:
    net = loaded(store)
    found = [(a.id, a.sole_communities) for a in net.critical_actors(2023)]
    assert found == [("U2", ["C3", "C4"]), ("O1", ["C2"])]
    # 2022: C1 had U1 alone
    assert [(a.id, a.sole_communities) for a in net.critical_actors(2022)] == [
        ("U2", ["C3", "C4"]), ("O1", ["C2"]), ("U1", ["C1"])]
    assert [(a.id, a.sole_communities) for a in net.critical_actors(2023, area="D1")] == [("O1", ["C2"])]
    # 2025: U1->C2 runs beside O1, so C2 has two partners
    assert [a.id for a in net.critical_actors(2025)] == ["U2"]


# --------------------------------------------------------------- 5. recommendations


def test_recommend_pairings_hand_worked(store: Any) -> None:
    net = loaded(store)
    # 2023 gaps: C1 (D1), C5 (D2). Loads: U1 0, U2 2, U3 0, U4 0. Eligible (same district):
    # C1: U1, U3, U4; C5: U2, U3, U4. capacity 1 -> both covered at cost 0.
    plan = net.recommend_pairings(2023, capacity=1)
    assert len(plan.pairs) == 2 and plan.uncovered == [] and plan.total_cost == 0
    got = {p.community: p for p in plan.pairs}
    assert got["C1"].unit in {"U1", "U3", "U4"} and got["C5"].unit in {"U3", "U4"}
    assert got["C1"].community_name == "银山门社区" and got["C1"].district_name == "润州区"
    names = {u["id"]: u.get("name") for u in ROWS["units"]}
    assert all(p.unit_name == names[p.unit] and p.unit_name for p in plan.pairs)
    import inspect

    from orgnet.queries.recommend import recommend_pairings

    for function in (net.recommend_pairings, recommend_pairings):  # as documented: capacity 2, same district
        defaults = inspect.signature(function).parameters
        assert defaults["capacity"].default == 2 and defaults["same_district"].default is True
    # only U2 may serve D2 (no city-level units): C5 gets U2 at cost 2
    rows = {k: [dict(r) for r in v] for k, v in ROWS.items()}
    rows["units"] = [u for u in rows["units"] if u["id"] in ("U1", "U2")]
    rows["organizers"] = [o for o in rows["organizers"] if o["organizer_id"] != "U3"]
    net = loaded(store, rows)
    plan = net.recommend_pairings(2023, capacity=1)
    assert [(p.unit, p.community, p.cost) for p in plan.pairs] == [("U1", "C1", 0), ("U2", "C5", 2)]
    assert plan.total_cost == 2
    assert plan.pairs[1].unit_district == "D2" and plan.pairs[1].unit_district_name == "京口区"
    # within D1 only C1 is a gap
    assert [p.community for p in net.recommend_pairings(2023, area="D1").pairs] == ["C1"]
    # across districts U1 may take C5 too: with capacity 2 both go to U1 at cost 0
    plan = net.recommend_pairings(2023, capacity=2, same_district=False)
    assert [(p.unit, p.community) for p in plan.pairs] == [("U1", "C1"), ("U1", "C5")]


def test_recommend_pairings_defaults_worked_by_hand(store: Any) -> None:
    """Three unpaired communities in D1, one unit in D1 and one in D2, nobody paired: by default a
    unit takes at most 2 new communities, from its own district only, so one community stays
    uncovered; with capacity 3, or across districts, all three are covered."""
    from orgnet.queries.recommend import recommend_pairings

    areas = [{"id": "Z", "level": "city"}, {"id": "D1", "level": "district", "parent_id": "Z"},
             {"id": "D2", "level": "district", "parent_id": "Z"},
             {"id": "S1", "level": "subdistrict", "parent_id": "D1"},
             *({"id": f"C{i}", "level": "community", "parent_id": "S1"} for i in (1, 2, 3))]
    units = [{"id": "U1", "category": "soe", "area_id": "D1"}, {"id": "U2", "category": "soe", "area_id": "D2"}]
    net = loaded(store, {"areas": areas, "units": units})
    for plan in (recommend_pairings(store, 2023), net.recommend_pairings(2023)):
        assert [p.unit for p in plan.pairs] == ["U1", "U1"] and len(plan.uncovered) == 1  # which one: any
        assert sorted([p.community for p in plan.pairs] + plan.uncovered) == ["C1", "C2", "C3"]
        assert plan.capacity == 2 and plan.same_district is True
    assert recommend_pairings(store, 2023, capacity=3).uncovered == []
    wide = recommend_pairings(store, 2023, same_district=False)
    assert wide.uncovered == [] and sorted(p.unit for p in wide.pairs) == ["U1", "U1", "U2"]
    within = recommend_pairings(store, 2023, area="D1")
    assert within.area == "D1" and within.year == 2023 and len(within.pairs) == 2


def test_pairing_plan_frame_workbook_and_plot(store: Any, tmp_path: Path) -> None:
    """The plan as a frame (one row per pair, the model's fields as columns), as a workbook (sheets
    结对建议 and 未覆盖, no index column) and as a plot on the axes given."""
    import matplotlib.pyplot as plt
    import pandas as pd

    from orgnet.queries.recommend import ProposedPairing

    rows = {k: [dict(r) for r in v] for k, v in ROWS.items()}
    rows["units"] = [u for u in rows["units"] if u["id"] == "U1"]  # nobody may serve D2: C5 stays uncovered
    rows["organizers"] = [o for o in rows["organizers"] if o["organizer_id"] == "U1"]
    rows["pairings"] = [p for p in rows["pairings"] if p["source_id"] == "U1"]
    rows["registrations"] = [r for r in rows["registrations"] if r["source_id"] == "U1"]
    plan = loaded(store, rows).recommend_pairings(2023, capacity=1)
    assert [p.community for p in plan.pairs] and plan.uncovered and "C5" in plan.uncovered
    frame = plan.to_frame()
    assert list(frame.columns) == list(ProposedPairing.model_fields) and len(frame) == len(plan.pairs)
    assert frame.to_dict("records") == [p.model_dump() for p in plan.pairs]
    book = pd.read_excel(plan.to_xlsx(tmp_path / "new" / "folders" / "plan.xlsx"), sheet_name=None)
    assert list(book) == ["结对建议", "未覆盖"]
    assert list(book["结对建议"].columns) == list(ProposedPairing.model_fields)
    assert book["结对建议"]["community"].tolist() == [p.community for p in plan.pairs]
    assert book["未覆盖"].columns.tolist() == ["community"] and book["未覆盖"]["community"].tolist() == plan.uncovered
    again = plan.to_xlsx(tmp_path / "new" / "folders" / "second.xlsx")  # a second plan in the same folder
    assert list(pd.read_excel(again, sheet_name=None)) == ["结对建议", "未覆盖"]
    assert list(plan.model_copy(update={"pairs": []}).to_frame().columns) == list(
        ProposedPairing.model_fields)  # an empty plan keeps its columns
    fig, given = plt.subplots()
    try:
        assert plan.plot(ax=given) is given and given.has_data()
        trend = loaded(store, rows).trend([2022, 2023])
        assert trend.plot(ax=given) is given and len(given.get_lines()) >= 2  # the rules' rates, drawn here
    finally:
        plt.close("all")


def _district(rows: dict[str, list[dict[str, Any]]], area: str | None) -> str | None:
    parent = {a["id"]: a.get("parent_id") for a in rows["areas"]}
    level = {a["id"]: a["level"] for a in rows["areas"]}
    while area is not None:
        if level.get(area) == "district":
            return area
        area = parent.get(area)
    return None


def brute_force_plan(rows: dict[str, list[dict[str, Any]]], year: int, capacity: int) -> tuple[int, int]:
    lo, hi = f"{year}-01-01", f"{year}-12-31"
    active = [p for p in rows["pairings"]
              if (p.get("since") is None or p["since"] <= hi) and (p.get("until") is None or p["until"] >= lo)]
    communities = sorted(a["id"] for a in rows["areas"] if a["level"] == "community")
    gaps = [c for c in communities if not any(p["target_id"] == c for p in active)]
    units = [u["id"] for u in rows["units"]]
    load = {u: len({p["target_id"] for p in active if p["source_id"] == u}) for u in units}
    home = {u["id"]: _district(rows, u.get("area_id")) for u in rows["units"]}
    options = [[None, *[u for u in units if home[u] is None or home[u] == _district(rows, c)]] for c in gaps]
    best = (0, 0)
    for choice in itertools.product(*options):
        used: dict[str, int] = {}
        for u in choice:
            if u is not None:
                used[u] = used.get(u, 0) + 1
        if any(n > capacity for n in used.values()):
            continue
        covered, cost = sum(u is not None for u in choice), sum(load[u] for u in choice if u is not None)
        if covered > best[0] or (covered == best[0] and cost < best[1]):
            best = (covered, cost)
    return best


@st.composite
def small_networks(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    areas = [{"id": "ZJ", "level": "city"}, {"id": "DA", "level": "district", "parent_id": "ZJ"},
             {"id": "DB", "level": "district", "parent_id": "ZJ"}]
    for i in range(draw(st.integers(1, 5))):
        areas.append({"id": f"C{i}", "level": "community", "parent_id": draw(st.sampled_from(["DA", "DB", "ZJ"]))})
    places = [None, "ZJ", "DA", "DB", *[a["id"] for a in areas if a["level"] == "community"]]
    units = [{"id": f"U{i}", **({"area_id": p} if (p := draw(st.sampled_from(places))) else {})}
             for i in range(draw(st.integers(0, 4)))]
    dates = st.sampled_from([None, "2022-06-01", "2023-01-01", "2023-12-31", "2024-01-01"])
    pairings = []
    for u in units:
        for a in areas:
            if a["level"] == "community" and draw(st.booleans()) and draw(st.booleans()):
                row = {"source_id": u["id"], "target_id": a["id"]}
                since, until = draw(dates), draw(dates)
                row.update({k: v for k, v in (("since", since), ("until", until)) if v is not None})
                pairings.append(row)
    return {"areas": areas, "units": units, "pairings": pairings}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=small_networks(), capacity=st.integers(1, 2))
def test_recommend_pairings_equals_brute_force(store: Any, rows: dict[str, list[dict[str, Any]]],
                                               capacity: int) -> None:
    net = loaded(store, rows)
    plan = net.recommend_pairings(2023, capacity=capacity)
    assert (len(plan.pairs), plan.total_cost) == brute_force_plan(rows, 2023, capacity)
    gaps = net.coverage(2023).rules["community_pairing"].gaps
    assert sorted(p.community for p in plan.pairs) + plan.uncovered == sorted(gaps) or \
        sorted([p.community for p in plan.pairs] + plan.uncovered) == sorted(gaps)
    home = {u["id"]: _district(rows, u.get("area_id")) for u in rows["units"]}
    per_unit: dict[str, int] = {}
    for p in plan.pairs:
        assert home[p.unit] is None or home[p.unit] == _district(rows, p.community)
        per_unit[p.unit] = per_unit.get(p.unit, 0) + 1
    assert max(per_unit.values(), default=0) <= capacity


# --------------------------------------------------------- 6. work lists and names


def test_gap_frame_names_and_places(store: Any) -> None:
    net = loaded(store)
    frame = net.coverage(2023).gap_frame("community_pairing")
    assert frame.to_dict("records") == [
        {"rule": "community_pairing", "id": "C5", "name": "C5社区", "label": "Area", "grid": "",
         "community": "C5社区", "subdistrict": "正东路街道", "district": "京口区"},
        {"rule": "community_pairing", "id": "C1", "name": "银山门社区", "label": "Area", "grid": "",
         "community": "银山门社区", "subdistrict": "金山街道", "district": "润州区"},
    ]  # 京口区 sorts before 润州区 (by name)
    whole = net.coverage(2023).gap_frame()
    b1 = whole[whole["id"] == "B1"].to_dict("records")
    assert b1 == [{"rule": "building_leader", "id": "B1", "name": "1号楼", "label": "Building", "grid": "第1网格",
                   "community": "银山门社区", "subdistrict": "金山街道", "district": "润州区"}]
    u4 = whole[whole["id"] == "U4"]
    assert u4.empty  # non_public units are not checked for registration
    u3 = whole[(whole["id"] == "U3")].to_dict("records")
    assert u3 == [{"rule": "unit_registration", "id": "U3", "name": "市级单位", "label": "Unit", "grid": "",
                   "community": "", "subdistrict": "", "district": ""}]
    assert list(whole["district"]) == sorted(whole["district"])  # blank first
    assert len(whole) == sum(len(r.gaps) for r in net.coverage(2023).rules.values())


def test_fine_rollups_add_up(store: Any) -> None:
    net = loaded(store)
    report = net.coverage(2023)
    for level in ("community", "grid"):
        frame = report.rollup_frame(level)
        sums = frame.groupby("rule")[["checked", "gaps"]].sum()
        for rule, result in report.rules.items():
            got = (int(sums.loc[rule, "checked"]), int(sums.loc[rule, "gaps"])) if rule in sums.index else (0, 0)
            assert got == (result.checked, len(result.gaps)), (level, rule)
    frame = report.rollup_frame("community")
    pairing = frame[frame["rule"] == "community_pairing"].set_index("area")
    assert pairing.loc["C1", "gaps"] == 1 and pairing.loc["C1", "name"] == "银山门社区"
    orgs = frame[frame["rule"] == "org_chain"].set_index("area")
    assert orgs.loc["", "checked"] == 1  # O1 covers the city: above every community


def test_gap_frame_and_fine_rollup_within_an_area(store: Any) -> None:
    # D2's subtree is D2, S2, C3, C4, C5. In 2023 its gaps, worked from the rules: C5 has no pairing
    # (U2->C3 runs from 2021, U2->C4 has no dates); no community has a standardized site (there are no
    # sites); U2 (soe, located in S2) has no registration in 2023. Everything else lies in D1 or at the city.
    net = loaded(store)
    report = net.coverage(2023, area="D2")
    place = {"grid": "", "subdistrict": "正东路街道", "district": "京口区"}
    assert report.gap_frame().to_dict("records") == [  # blank community first, then by community, id, rule
        {"rule": "unit_registration", "id": "U2", "name": "京口单位", "label": "Unit", **place, "community": ""},
        {"rule": "community_site", "id": "C3", "name": "C3社区", "label": "Area", **place, "community": "C3社区"},
        {"rule": "community_site", "id": "C4", "name": "C4社区", "label": "Area", **place, "community": "C4社区"},
        {"rule": "community_pairing", "id": "C5", "name": "C5社区", "label": "Area", **place, "community": "C5社区"},
        {"rule": "community_site", "id": "C5", "name": "C5社区", "label": "Area", **place, "community": "C5社区"},
    ]
    frame = report.rollup_frame("community")
    counted = frame[frame["checked"] > 0]
    assert [tuple(r) for r in counted[["rule", "area", "checked", "gaps"]].itertuples(index=False)] == [
        ("community_pairing", "C3", 1, 0), ("community_pairing", "C4", 1, 0), ("community_pairing", "C5", 1, 1),
        ("unit_registration", "", 1, 1),  # U2 lies above every community: the blank area
        ("community_site", "C3", 1, 1), ("community_site", "C4", 1, 1), ("community_site", "C5", 1, 1),
    ]
    assert set(frame["area"]) == {"", "C3", "C4", "C5"}  # C1, C2 (in D1) are not rows of D2's rollup


def test_gap_frame_places_a_report_gap_where_the_unreported_registration_is(store: Any) -> None:
    # 2023 registrations added to the network: U1 in C1 (reported) and C3 (not), U2 in C2 and C4 (neither).
    # registration_report's gap belongs where the unreported registration is: U1's in C3 (京口区, not
    # 润州区 where its reported one and U1 itself are); U2's in C2 (润州区) and in C4 (京口区)
    rows = {**ROWS, "registrations": [*ROWS["registrations"],
        {"source_id": "U1", "community_id": "C1", "year": 2023, "reported": True},
        {"source_id": "U1", "community_id": "C3", "year": 2023, "reported": False},
        {"source_id": "U2", "community_id": "C4", "year": 2023, "reported": False},
        {"source_id": "U2", "community_id": "C2", "year": 2023, "reported": False}]}
    net = loaded(store, rows)
    d1 = {"grid": "", "community": "C2社区", "subdistrict": "金山街道", "district": "润州区"}
    d2 = {"grid": "", "subdistrict": "正东路街道", "district": "京口区"}
    u1 = {"rule": "registration_report", "id": "U1", "name": "润州单位", "label": "Unit", **d2, "community": "C3社区"}
    u2 = {"rule": "registration_report", "id": "U2", "name": "京口单位", "label": "Unit"}
    whole = net.coverage(2023).gap_frame("registration_report").to_dict("records")
    assert whole[0] == u1 and [r["id"] for r in whole] == ["U1", "U2"]  # each gap once
    assert net.coverage(2023, area="D1").gap_frame("registration_report").to_dict("records") == [{**u2, **d1}]
    assert net.coverage(2023, area="D2").gap_frame("registration_report").to_dict("records") == [
        u1, {**u2, **d2, "community": "C4社区"}]
    # the fine rollup counts each subject at its first anchor in the area, its gap where an unreported one is
    for area, want in (("D1", [("C1", 1, 0), ("C2", 1, 1)]), ("D2", [("C3", 1, 1), ("C4", 1, 1), ("C5", 0, 0)])):
        fine = net.coverage(2023, area=area).rollup_frame("community")
        fine = fine[fine["rule"] == "registration_report"]
        assert [(r.area, r.checked, r.gaps) for r in fine.itertuples(index=False)] == want, area
    empty = net.coverage(2023, area="C5").gap_frame("registration_report")
    assert empty.empty and list(empty.columns) == ["rule", "id", "name", "label", "grid", "community",
                                                    "subdistrict", "district"]
    h1 = [r for r in net.coverage(2023).gap_frame().to_dict("records") if r["id"] == "H1"]
    assert h1 == [{"rule": "household_contact", "id": "H1", "name": "", "label": "Household", "grid": "第1网格",
                   "community": "银山门社区", "subdistrict": "金山街道", "district": "润州区"}]  # no name: blank
    with pytest.raises(InvalidArgument, match="^rule must be one of"):
        net.coverage(2023).gap_frame("no_such_rule")


def test_rule_and_rollup_frames_worked_by_hand(store: Any) -> None:
    # 2023: community_pairing checks C1..C5, gaps C1 (U1's pairing ended mid-2022) and C5 (none);
    # building_leader checks B1, a gap (P1's role ended 2022-12-31); no property company: nothing checked
    from orgnet.labels import RULE_LABELS
    from orgnet.queries.coverage import RULES, CoverageReport

    report = loaded(store).coverage(2023)
    frame = report.to_frame()
    assert list(frame.columns) == ["rule", "label", "checked", "gaps", "rate"]
    assert list(frame["rule"]) == list(RULES) and list(frame["label"]) == [RULE_LABELS[r] for r in RULES]
    by_rule = frame.set_index("rule")
    assert tuple(by_rule.loc["community_pairing", ["checked", "gaps", "rate"]]) == (5, 2, pytest.approx(0.6))
    assert tuple(by_rule.loc["building_leader", ["checked", "gaps", "rate"]]) == (1, 1, 0.0)
    assert by_rule.loc["property_party_org", "checked"] == 0 and by_rule.loc["property_party_org", "rate"] != \
        by_rule.loc["property_party_org", "rate"]  # NaN: nothing to count is not 100%
    for level, want in (("district", [("D1", "润州区", 2, 1, 0.5), ("D2", "京口区", 3, 1, 2 / 3)]),
                        ("subdistrict", [("S1", "金山街道", 2, 1, 0.5), ("S2", "正东路街道", 3, 1, 2 / 3)])):
        rolled = report.rollup_frame(level)
        assert list(rolled.columns) == ["area", "name", "rule", "checked", "gaps", "rate"]
        pairing = rolled[rolled["rule"] == "community_pairing"]
        got = [(r.area, r.name, r.checked, r.gaps, r.rate) for r in pairing.itertuples(index=False)]
        assert got == [(a, n, c, g, pytest.approx(x)) for a, n, c, g, x in want], level
        nothing = rolled[rolled["rule"] == "property_party_org"]
        assert list(nothing["checked"]) == [0, 0] and nothing["rate"].isna().all()
    again = CoverageReport.model_validate(report.model_dump())  # as read back from JSON: no facts behind it
    assert again == report and not (again != report)
    with pytest.raises(InvalidArgument, match="no facts behind it"):
        again.gap_frame()
    with pytest.raises(InvalidArgument, match="^level must be one of"):
        report.rollup_frame("city")
    bare = loaded(store, {"areas": ROWS["areas"][:1]}).coverage(2023)  # the city alone: nothing checked anywhere
    assert bare.to_frame()["rate"].dtype == float and bare.to_frame()["rate"].isna().all()  # NaN, not None
    for level in ("district", "community"):
        assert list(bare.rollup_frame(level).columns) == ["area", "name", "rule", "checked", "gaps", "rate"]


def test_gaps_anchored_nowhere_and_areas_without_a_name(store: Any) -> None:
    # U5 (organ, no area) is checked for registration and anchored nowhere; C4 has no name. 2023: no unit
    # registered, no community has a site
    areas = [{k: v for k, v in a.items() if not (a["id"] == "C4" and k == "name")} for a in ROWS["areas"]]
    rows = {**ROWS, "areas": areas, "units": [*ROWS["units"], {"id": "U5", "name": "无址机关", "category": "organ"}]}
    report = loaded(store, rows).coverage(2023)
    units = report.gap_frame("unit_registration")
    assert [(r.id, r.district, r.subdistrict, r.community, r.grid) for r in units.itertuples(index=False)] == [
        ("U3", "", "", "", ""), ("U5", "", "", "", ""),  # the city's unit and the unlocated one: blank places
        ("U2", "京口区", "正东路街道", "", ""), ("U1", "润州区", "", "", "")]
    c4 = report.gap_frame("community_site").set_index("id").loc["C4"]
    assert (c4["name"], c4["community"]) == ("", "C4")  # no name: the gap's name is blank, its place the id
    fine = report.rollup_frame("community")
    blank = fine[(fine["rule"] == "unit_registration") & (fine["area"] == "")].to_dict("records")
    assert blank == [{"area": "", "name": "", "rule": "unit_registration", "checked": 4, "gaps": 4, "rate": 0.0}]
    site = fine[fine["rule"] == "community_site"].set_index("area")
    assert site.loc["C4", "name"] == "C4" and site.loc["C1", "name"] == "银山门社区"
    assert list(site["rate"]) == [0.0] * 5  # C1..C5 checked, each a gap


# ----------------------------------------------------------------------- 8. redaction


@pytest.mark.parametrize("suffix", ["", ".jsonl", ".graphml", ".gexf"])
def test_redacted_export_has_no_personal_data(store: Any, tmp_path: Path, suffix: str) -> None:
    net = loaded(store)
    out = net.export(tmp_path / f"share{suffix}", redact=True)
    text = "".join(p.read_text(encoding="utf-8") for p in ([out] if out.is_file() else sorted(out.rglob("*"))))
    for secret in ("张三", "李四", "王五", "13800000001", "13800000002", "银山门1号楼101"):
        assert secret not in text
    assert "P1" in text and "润州区" in text and "1号楼" in text  # ids and other names stay
    plain = net.export(tmp_path / f"plain{suffix}")
    plain_text = "".join(p.read_text(encoding="utf-8") for p in ([plain] if plain.is_file() else
                                                                 sorted(plain.rglob("*"))))
    assert "张三" in plain_text and "银山门1号楼101" in plain_text


def test_redacted_export_loads_back_to_the_same_answers(store: Any, tmp_path: Path) -> None:
    net = loaded(store)
    folder = net.export(tmp_path / "share", redact=True)
    from orgnet.graph.memory import MemoryStore

    back = MemoryStore()
    assert load_folder(back, folder).ok
    other = Network(back)
    for year in (2022, 2023):
        assert other.coverage(year).rules == net.coverage(year).rules
        assert other.kpis(year) == net.kpis(year)
    assert other.contact_chain("H1", 2022) == net.contact_chain("H1", 2022)
    people = other.nodes("People" if False else "Person")
    assert people["name"].isna().all() and people["phone"].isna().all()
    lines = [json.loads(x) for x in net.export(tmp_path / "s.jsonl", redact=True).read_text().splitlines()]
    assert all("address" not in r for r in lines if r.get("node") == "Household")


def test_chain_frame_has_names_beside_ids(store: Any) -> None:
    net = loaded(store)
    frame = net.contact_chain("H1", 2022).to_frame()
    assert frame[["level", "node_id", "name", "orgs", "org_names"]].to_dict("records") == [
        {"level": "household", "node_id": "H1", "name": "", "orgs": "", "org_names": ""},
        {"level": "building", "node_id": "B1", "name": "1号楼", "orgs": "", "org_names": ""},
        {"level": "grid", "node_id": "G1", "name": "第1网格", "orgs": "O2", "org_names": "网格支部"},
        {"level": "community", "node_id": "C1", "name": "银山门社区", "orgs": "", "org_names": ""},
        {"level": "subdistrict", "node_id": "S1", "name": "金山街道", "orgs": "", "org_names": ""},
        {"level": "district", "node_id": "D1", "name": "润州区", "orgs": "", "org_names": ""},
        {"level": "city", "node_id": "ZJ", "name": "镇江市", "orgs": "O1", "org_names": "市委"},
    ]


def test_template_has_until_with_help(tmp_path: Path) -> None:
    import openpyxl

    from orgnet.io.template import write_template

    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    for sheet in ("角色", "结对"):
        header = {c.value: c for c in book[sheet][1]}
        assert "结束日期" in header, sheet
        assert "仍有效" in header["结束日期"].comment.text  # empty: still active


def _without(rows: dict[str, list[dict[str, Any]]], ids: set[str]) -> dict[str, list[dict[str, Any]]]:
    """The rows as if ``ids`` and every relationship of theirs did not exist (the what-if oracle):
    their rows go, a reference to them is left empty, a link row naming them goes."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, table in rows.items():
        kept = []
        for row in table:
            if "id" in row:  # a node: drop it, or drop its references to the withdrawn
                if row["id"] in ids:
                    continue
                kept.append({k: v for k, v in row.items() if k == "id" or v not in ids})
            elif not any(v in ids for v in row.values()):  # a link
                kept.append(row)
        out[name] = kept
    return out


YEARS_ROWS = {**ROWS, "registrations": [
    *ROWS["registrations"],
    # 2023: U2 registers at C3 without reporting, U3 at C1 reporting; 2022: U2 at C4 reporting
    {"source_id": "U2", "community_id": "C3", "year": 2023, "reported": False},
    {"source_id": "U3", "community_id": "C1", "year": 2023, "reported": True},
    {"source_id": "U2", "community_id": "C4", "year": 2022, "reported": True},
]}


@pytest.mark.parametrize("withdraw", [["U2"], ["O1"], ["U1", "P2"], ["H1"], ["U3", "O2"], ["S1"], ["G1"], ["C3", "U4"]])
def test_what_if_equals_coverage_without_the_nodes_in_every_year_and_area(
        store: Any, memory_store: Any, withdraw: list[str]) -> None:
    """before = coverage of the store; after = coverage of the rows without the nodes, loaded
    afresh (each year: the registration rules read the year; each area: its subtree, as it is
    without the nodes: a withdrawn subdistrict takes its communities out of its district)."""
    net = loaded(store, YEARS_ROWS)
    oracle = loaded(memory_store, _without(YEARS_ROWS, set(withdraw)))
    for year, area in itertools.product([2021, 2022, 2023], [None, "D1", "D2", "S2"]):
        report = net.what_if(withdraw, year, area=area)
        assert (report.year, report.area, report.withdrawn) == (year, area, sorted(withdraw))
        expected_before = net.coverage(year, area=area).rules
        expected_after = oracle.coverage(year, area=area).rules
        for rule, result in report.before.items():
            want = expected_before[rule]
            assert (result.checked, result.gaps, result.rate) == (want.checked, want.gaps, want.rate), (year, area, rule)
        for rule, result in report.after.items():
            want = expected_after[rule]
            assert (result.checked, result.gaps, result.rate) == (want.checked, want.gaps, want.rate), (year, area, rule)
            assert report.newly_uncovered[rule] == sorted(set(want.gaps) - set(expected_before[rule].gaps))


def test_what_if_and_critical_actors_name_their_argument_and_warn_on_an_empty_store(store: Any) -> None:
    net = loaded(store)
    with pytest.raises(InvalidArgument, match="^(every item of )?withdraw "):
        net.what_if("U1", 2023)
    store.clear()
    with pytest.warns(UserWarning, match="holds no data"):
        assert Network(store).critical_actors(2023) == []


def test_what_if_of_the_area_asked_about_leaves_nothing_in_it(store: Any) -> None:
    net = loaded(store, YEARS_ROWS)
    report = net.what_if(["S1"], 2023, area="S1")
    assert report.before["community_pairing"].checked == 2
    assert all(r.checked == 0 and r.gaps == [] and r.rate is None for r in report.after.values())


def test_what_if_frame_worked_by_hand(store: Any) -> None:
    """Withdrawing O1 in 2023 (see test_what_if_withdraws_the_node_and_all_its_relationships):
    one row per rule in RULES order; counts, rates (NaN for nothing checked) and newly uncovered."""
    from orgnet.labels import RULE_LABELS
    from orgnet.queries.coverage import RULES

    frame = loaded(store).what_if(["O1"], 2023).to_frame()
    assert frame["rule"].tolist() == list(RULES)
    assert frame["label"].tolist() == [RULE_LABELS[r] for r in RULES]
    assert list(frame.columns) == ["rule", "label", "checked_before", "gaps_before", "rate_before", "checked_after",
                                   "gaps_after", "rate_after", "newly_uncovered"]
    row = frame.set_index("rule").loc["org_chain"]  # O1 and O2 checked; after: O2 alone, now broken
    assert (row["checked_before"], row["gaps_before"], row["rate_before"]) == (2, 0, 1.0)
    assert (row["checked_after"], row["gaps_after"], row["rate_after"], row["newly_uncovered"]) == (1, 1, 0.0, 1)
    row = frame.set_index("rule").loc["community_pairing"]  # C1..C5; C2 loses O1, its only partner in 2023
    assert row["newly_uncovered"] == 1 and row["gaps_after"] == row["gaps_before"] + 1
    assert frame["newly_uncovered"].sum() == 3  # C2, O2, P2
    nothing = loaded(store).what_if(["S1"], 2023, area="S1").to_frame()
    assert nothing["rate_after"].isna().all() and (nothing["checked_after"] == 0).all()


def test_workbooks_keep_names_that_look_like_formulas_as_text(tmp_path: Path) -> None:
    """A name such as ``=HYPERLINK(…)`` would run in Excel if written as a formula: every workbook
    orgnet writes (work list, pairing plan, report, export) holds it as text, read back equal."""
    import openpyxl

    from orgnet.graph.memory import MemoryStore
    from orgnet.io.worklist import write_worklist
    from orgnet.report import write_report

    evil = '=HYPERLINK("http://x","y")'
    rows = {name: [dict(r) for r in table] for name, table in ROWS.items()}
    for r in rows["areas"]:
        r["name"] = evil if r["id"] in ("S2", "C3") else r["name"]
    for r in rows["units"]:
        r["name"] = "=1+1"
    net = Network(MemoryStore())
    net.load(Dataset(rows))
    books = [
        write_worklist(net.coverage(2023).gap_frame(), tmp_path / "w.xlsx"),
        net.recommend_pairings(2023).to_xlsx(tmp_path / "plan.xlsx"),
        net.export(tmp_path / "all.xlsx"),
    ]
    write_report(net, tmp_path / "report", year=2023)
    books.append(tmp_path / "report" / "summary.xlsx")
    for book in books:
        wb = openpyxl.load_workbook(book)
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], book.name
        values = {c.value for c in cells}
        assert evil in values or "=1+1" in values, book.name
