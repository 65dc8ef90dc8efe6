"""Hypothesis strategies: small random networks that obey every structural rule.

Ids are short and overlap in prefix on purpose (``A1``, ``A10``) so that the
lexicographic tie-breaks are exercised. The boundary cases the queries' meaning
turns on are drawn on purpose, not left to chance:

- matters taking 0, 0.5, 2.9, 3, 3.1, 3.9, 4 and 10 days (date-times, so the
  ``<= 3 days`` threshold is approached from both sides), created either side
  of a year's end;
- matters with no raiser, raised by a household in no building, by a person
  without a household (no area at all);
- orgs that both cover an area and belong to a unit located elsewhere (their
  own district is the covered area's);
- people without a household, with or without an org and a unit;
- empty areas: districts without subdistricts, communities without grids.

Link rows are unique by the relationship they make (a pairing per actor and
community, a registration per registrant, community and year), so no example
relies on which of two conflicting duplicates wins.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st


def oracle_settings(max_examples: int) -> settings:
    """Settings of the oracle tests: ``max_examples`` random networks per test and backend.

    ``make mutate`` sets ``ORGNET_TEST_EXAMPLES`` (fewer examples, derandomized, so every
    mutant meets the same networks and a run is repeatable).
    """
    fixed = os.environ.get("ORGNET_TEST_EXAMPLES")
    return settings(max_examples=int(fixed) if fixed else max_examples, derandomize=bool(fixed), deadline=None,
                    database=None if fixed else settings.default.database,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


ROLE_NAMES = ["secretary", "grid_leader", "party_group_leader", "building_leader", "central_household",
              "social_worker"]
CATEGORIES = ["organ", "soe", "public_institution", "financial", "vertical", "non_public", "social_org",
              "property_company"]
ADMIN = ["central", "provincial", "municipal", "district", "subdistrict"]
MEMBER = ["in_service", "no_position", "mobile", "retired", "other"]
CREATED = ["2022-12-30", "2022-12-31T20:00:00", "2023-01-01", "2023-01-05T12:00:00", "2023-06-30T08:30:00",
           "2023-12-30", "2024-01-02"]
"""When matters are created: either side of 2023's start and end."""
DURATIONS = [0.0, 0.5, 2.9, 3.0, 3.1, 3.9, 4.0, 10.0]
"""Days from created_at to closed_at: both sides of the 3-day threshold."""
DATES = ["2022-12-30", "2023-01-01", "2023-01-03", "2023-01-04", "2023-01-05T12:00:00", "2023-02-01",
         "2023-06-30", "2024-01-02"]


@st.composite
def networks(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """A random valid data set (rows per file)."""
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in (
        "areas", "orgs", "units", "buildings", "households", "people", "alliances", "activities",
        "matters", "sites", "roles", "contacts", "pairings", "registrations", "alliance_members",
        "organizers")}
    n = iter(range(1, 10_000))

    def new(prefix: str) -> str:
        return f"{prefix}{next(n)}"

    areas = rows["areas"]
    city = new("A")
    areas.append({"id": city, "level": "city"})
    communities: list[str] = []
    grids: list[str] = []
    all_areas = [city]
    for _ in range(draw(st.integers(1, 2))):
        d = new("A")
        areas.append({"id": d, "level": "district", "parent_id": city})
        all_areas.append(d)
        for _ in range(draw(st.integers(0, 2))):  # a district may be empty
            s = new("A")
            areas.append({"id": s, "level": "subdistrict", "parent_id": d})
            all_areas.append(s)
            for _ in range(draw(st.integers(0, 2))):
                c = new("A")
                areas.append({"id": c, "level": "community", "parent_id": s})
                communities.append(c)
                all_areas.append(c)
                for _ in range(draw(st.integers(0, 2))):
                    g = new("A")
                    areas.append({"id": g, "level": "grid", "parent_id": c})
                    grids.append(g)
                    all_areas.append(g)

    units = []
    for _ in range(draw(st.integers(0, 5))):
        u = new("U")
        row: dict[str, Any] = {"id": u, "category": draw(st.sampled_from(CATEGORIES)),
                               "admin_level": draw(st.sampled_from(ADMIN))}
        if draw(st.booleans()):
            row["area_id"] = draw(st.sampled_from(all_areas))
        rows["units"].append(row)
        units.append(u)

    orgs: list[str] = []
    for _ in range(draw(st.integers(0, 7))):
        o = new("O")
        row = {"id": o, "kind": "branch"}
        if orgs and draw(st.booleans()):
            row["parent_id"] = draw(st.sampled_from(orgs))
        if draw(st.booleans()):
            row["area_id"] = draw(st.sampled_from(all_areas))
        if units and draw(st.booleans()):
            row["unit_id"] = draw(st.sampled_from(units))
        rows["orgs"].append(row)
        orgs.append(o)
    if units and draw(st.booleans()):
        # an org that covers an area AND belongs to a unit, the unit located somewhere else:
        # its own district is the covered area's, never the unit's
        o = new("O")
        unit = draw(st.sampled_from(rows["units"]))
        unit.setdefault("area_id", draw(st.sampled_from(all_areas)))
        rows["orgs"].append({"id": o, "kind": "branch", "area_id": draw(st.sampled_from(all_areas)),
                             "unit_id": unit["id"]})
        orgs.append(o)
    if draw(st.booleans()):  # a proper root
        root = new("O")
        rows["orgs"].append({"id": root, "area_id": city})
        for row in rows["orgs"][:-1]:
            if "parent_id" not in row and draw(st.booleans()):
                row["parent_id"] = root
        orgs.append(root)

    buildings: list[str] = []
    for g in grids:
        for _ in range(draw(st.integers(0, 2))):
            b = new("B")
            rows["buildings"].append({"id": b, "grid_id": g})
            buildings.append(b)
    households: list[str] = []
    for b in buildings:
        for _ in range(draw(st.integers(0, 2))):
            h = new("H")
            rows["households"].append({"id": h, "building_id": b})
            households.append(h)
    if draw(st.booleans()):
        h = new("H")
        rows["households"].append({"id": h})  # a household in no building
        households.append(h)

    people: list[str] = []
    for _ in range(draw(st.integers(0, 8))):
        p = new("P")
        row = {"id": p, "is_member": draw(st.booleans())}
        if households and draw(st.integers(0, 3)) > 0:
            row["household_id"] = draw(st.sampled_from(households))
        if row["is_member"]:
            row["member_category"] = draw(st.sampled_from(MEMBER))
            if orgs and draw(st.booleans()):
                row["org_id"] = draw(st.sampled_from(orgs))
        if units and draw(st.booleans()):
            row["unit_id"] = draw(st.sampled_from(units))
        rows["people"].append(row)
        people.append(p)

    # each role on the kind it is held on (orgnet.model.ROLE_TARGETS; the loader rejects others)
    targets = {"secretary": orgs, "grid_leader": grids, "party_group_leader": grids,
               "building_leader": buildings, "central_household": buildings, "social_worker": all_areas}
    if people:
        for _ in range(draw(st.integers(0, 10))):
            role = draw(st.sampled_from(ROLE_NAMES))
            if not targets[role]:
                continue
            rows["roles"].append({"person_id": draw(st.sampled_from(people)), "role": role,
                                  "target_id": draw(st.sampled_from(targets[role]))})
        if households:
            for _ in range(draw(st.integers(0, 6))):
                rows["contacts"].append({"person_id": draw(st.sampled_from(people)),
                                         "household_id": draw(st.sampled_from(households))})
    actors = units + orgs
    if actors and communities:
        pairs = draw(st.lists(st.tuples(st.sampled_from(actors), st.sampled_from(communities)),
                              max_size=8, unique=True))
        for source, target in pairs:
            row = {"source_id": source, "target_id": target}
            if draw(st.booleans()):
                row["kind"] = draw(st.sampled_from(["block", "branch", "party_mass"]))
            rows["pairings"].append(row)
    registrants = units + people
    if registrants and communities:
        keys = draw(st.lists(st.tuples(st.sampled_from(registrants), st.sampled_from(communities),
                                       st.sampled_from([2022, 2023])), max_size=8, unique=True))
        for source, community, year in keys:
            rows["registrations"].append({"source_id": source, "community_id": community, "year": year,
                                          "reported": draw(st.booleans())})
    alliances = []
    for _ in range(draw(st.integers(0, 2))):
        a = new("L")
        rows["alliances"].append({"id": a, "kind": "alliance", "area_id": draw(st.sampled_from(all_areas))})
        alliances.append(a)
        if actors:
            for m in draw(st.lists(st.sampled_from(actors), max_size=3, unique=True)):
                rows["alliance_members"].append({"alliance_id": a, "member_id": m})
    for _ in range(draw(st.integers(0, 3))):
        act = new("V")
        row = {"id": act, "date": draw(st.sampled_from(DATES))}
        if draw(st.booleans()):
            row["area_id"] = draw(st.sampled_from(all_areas))
        rows["activities"].append(row)
        if actors:
            for o in draw(st.lists(st.sampled_from(actors), max_size=2, unique=True)):
                rows["organizers"].append({"activity_id": act, "organizer_id": o})
    raisers = people + households
    for _ in range(draw(st.integers(0, 5))):
        m = new("M")
        created = draw(st.sampled_from(CREATED))
        row = {"id": m, "category": draw(st.sampled_from(["property", "property", "物业", "safety"])),
               "created_at": created}
        if draw(st.integers(0, 3)) > 0:
            row["closed_at"] = after(created, draw(st.sampled_from(DURATIONS)))
        if raisers and draw(st.integers(0, 3)) > 0:
            row["raised_by"] = draw(st.sampled_from(raisers))
        if (people or orgs) and draw(st.booleans()):
            row["assignee_id"] = draw(st.sampled_from(people + orgs))
        rows["matters"].append(row)
    for _ in range(draw(st.integers(0, 3))):
        rows["sites"].append({"id": new("S"), "level": "center", "area_id": draw(st.sampled_from(all_areas)),
                              "standardized": draw(st.booleans())})
    # one row per relationship: two rows for one relationship that disagree are a load problem
    # (conflicting_duplicate), so a network keeps the first
    from orgnet.model import FILES, Link

    for name, table in rows.items():
        model = FILES[name]
        if issubclass(model, Link):
            seen: set[tuple[Any, ...]] = set()
            kept = []
            for row in table:
                ident = (row[model.SOURCE], row[model.TARGET], *(row.get(k) for k in model.KEY))
                if ident not in seen:
                    seen.add(ident)
                    kept.append(row)
            rows[name] = kept
    return {k: v for k, v in rows.items() if v}


def after(created: str, days: float) -> str:
    """The ISO date-time ``days`` after ``created`` (a date alone when it falls at midnight)."""
    start = dt.datetime.fromisoformat(created)
    end = start + dt.timedelta(minutes=round(days * 1440))
    return end.date().isoformat() if end.time() == dt.time(0) else end.isoformat()
