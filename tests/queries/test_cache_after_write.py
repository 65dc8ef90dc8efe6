"""A write after a question changes the next answer: nothing the embedded engine keeps is stale.

The memory engine keeps derived arrays on the store's state (subjects grouped by
anchor, person and household anchors, parsed dates, the sorted area ids, the
code -> id array) and builds them once per state. Each case here asks coverage,
KPIs and trend, writes, asks again, and requires the answers of a twin store that
received the same writes without being asked in between (so it never had a
cache). Each write is chosen so that the answer does change: a cache that
survived the write would show the old one.
"""

from __future__ import annotations

from typing import Any

import pytest

import orgnet
from orgnet.model import (
    Area,
    Building,
    Contact,
    Household,
    Matter,
    Person,
    Registration,
    RoleAssignment,
    Site,
    Unit,
)

YEAR = 2023

BASE: list[Any] = [
    Area(id="ZJ", level="city"),
    Area(id="D1", level="district", parent_id="ZJ"),
    Area(id="S1", level="subdistrict", parent_id="D1"),
    Area(id="C1", level="community", parent_id="S1"),
    Area(id="G1", level="grid", parent_id="C1"),
    Area(id="G2", level="grid", parent_id="C1"),
    Building(id="B1", grid_id="G1"),
    Building(id="B2", grid_id="G2"),
    Household(id="H1", building_id="B1"),
    Household(id="H2", building_id="B2"),
    Person(id="P1", household_id="H1", is_member=True, member_category="in_service"),
    Person(id="P2", household_id="H2", is_member=True, member_category="in_service"),
    Contact(person_id="P1", household_id="H1"),
    Registration(source_id="P1", community_id="C1", year=YEAR, reported=True),
    Unit(id="U1", category="property_company", area_id="C1"),
    Matter(id="M1", category="property", raised_by="H1", created_at="2023-01-01", closed_at="2023-01-02"),
    Site(id="SI1", area_id="C1", standardized=True),
]

WRITES: dict[str, list[Any]] = {
    "a household moves to the other grid": [Household(id="H1", building_id="B2")],
    "a new household": [Household(id="H3", building_id="B1")],
    "a member moves house": [Person(id="P1", household_id="H2", is_member=True, member_category="in_service")],
    "a member leaves service": [Person(id="P2", household_id="H2", is_member=True, member_category="retired")],
    "a new member": [Person(id="P3", household_id="H2", is_member=True, member_category="in_service")],
    "a contact": [Contact(person_id="P2", household_id="H2")],
    "a matter closes later": [Matter(id="M1", category="property", raised_by="H1", created_at="2023-01-01",
                                     closed_at="2023-01-20")],
    "a matter of another year": [Matter(id="M2", raised_by="H2", created_at="2021-03-01")],
    "a new grid with a household": [Area(id="G3", level="grid", parent_id="C1"), Building(id="B3", grid_id="G3"),
                                    Household(id="H4", building_id="B3")],
    "a unit moves": [Area(id="C2", level="community", parent_id="S1"),
                     Unit(id="U1", category="property_company", area_id="C2")],
    "a role": [RoleAssignment(person_id="P2", role="social_worker", target_id="G2", since="2023-02-01")],
    "a registration": [Registration(source_id="P2", community_id="C1", year=YEAR)],
}


def _answers(net: orgnet.Network) -> dict[str, Any]:
    report = net.coverage(YEAR)
    return {
        "coverage": report.model_dump(),
        "gap_frame": report.gap_frame().to_json(orient="records"),
        "grid_rollup": report.rollup_frame("grid").to_json(orient="records"),  # NaN rates as null
        "coverage_G1": net.coverage(YEAR, area="G1").model_dump(),
        "kpis": net.kpis(YEAR).model_dump(),
        "kpis_G2": net.kpis(YEAR, area="G2").model_dump(),
        "trend": net.trend().model_dump(),
    }


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_after_a_question_changes_the_next_answer(write: str) -> None:
    asked = orgnet.connect("memory://")
    asked.load(BASE)
    before = _answers(asked)  # builds every derived array of the first state
    asked.load(WRITES[write])
    after = _answers(asked)

    twin = orgnet.connect("memory://")  # same writes, never asked in between
    twin.load(BASE)
    twin.load(WRITES[write])
    assert after == _answers(twin)
    assert after != before  # the write does change the answer
