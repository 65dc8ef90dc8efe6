"""Oracles: what every query means, computed the plainest way over the raw rows.

Nothing here imports orgnet. Each function reads the rows of a data set (the
files of the data folder format, as dicts) and answers a question straight from
the documented meaning of the query (the module docstrings of
``orgnet/queries/*.py`` and the query semantics in the docs): coverage and KPIs
with and without ``area=``, the district and subdistrict rollups, influence and
alliances, contact chains. The tests in ``tests/queries/test_oracles*.py`` hold
both backends to these answers.

Two rules of meaning each live in ONE helper below, so that a change of meaning
is a change of one function:

- :func:`rate_or_none` — a rate with nothing checked is ``None`` (not 1.0);
- :func:`person_anchor` — where a person is, for ``area=`` and rollups: their
  household's grid; without a household, their org's area (the area the org
  covers, or else its unit's area); else the area of the unit they work at.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, NamedTuple

import networkx as nx

Rows = dict[str, list[dict[str, Any]]]

REG_CATEGORIES = {"organ", "soe", "public_institution", "financial", "vertical"}
PROPERTY_CATEGORIES = {"property", "物业"}
MUNICIPAL_AND_ABOVE = {"central", "provincial", "municipal"}
RULES = ("grid_party_org", "community_pairing", "building_leader", "grid_three_leaders", "household_contact",
         "member_org", "member_registration", "unit_registration", "registration_report", "property_party_org",
         "community_site", "org_chain")
PERSON_RULES = ("member_org", "member_registration")
"""The rules whose subjects are people: scoped through :func:`person_anchor`."""


# ------------------------------------------------------------------ the two rules of meaning


def rate_or_none(checked: int, gaps: int) -> float | None:
    """``1 - gaps/checked``; ``None`` when nothing was checked ("nothing to count is not 100%")."""
    return None if checked == 0 else 1 - gaps / checked


def person_anchor(raw: Raw, person: str) -> str | None:
    """The area a person counts in.

    Their household's grid (``None`` when the household is in no building); a
    person without a household: the area their org covers, or else the area of
    their org's unit; else the area of the unit they work at (``WORKS_AT``).
    """
    row = raw.people[person]
    if row.get("household_id") is not None:
        return raw.household_grid(row["household_id"])
    org = row.get("org_id")
    if org is not None:
        area = raw.org_area(org)
        if area is not None:
            return area
    unit = row.get("unit_id")
    return raw.units[unit].get("area_id") if unit is not None else None


# ------------------------------------------------------------------ raw rows, indexed


def dedup(rows: list[dict[str, Any]], *key: str) -> list[dict[str, Any]]:
    """Link rows with the same identity: the last one stands (loading semantics)."""
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        out[tuple(r.get(k) for k in key)] = r
    return list(out.values())


def days(a: str, b: str) -> float:
    """Days from ``a`` to ``b`` (ISO dates count as midnight)."""
    return (dt.datetime.fromisoformat(str(b)) - dt.datetime.fromisoformat(str(a))).total_seconds() / 86400


class Raw:
    """The rows of a data set, indexed by id; nothing more clever than dicts."""

    def __init__(self, rows: Rows) -> None:
        self.R: defaultdict[str, list[dict[str, Any]]] = defaultdict(list, rows)
        R = self.R
        self.areas = {a["id"]: a for a in R["areas"]}
        self.buildings = {b["id"]: b for b in R["buildings"]}
        self.households = {h["id"]: h for h in R["households"]}
        self.people = {p["id"]: p for p in R["people"]}
        self.units = {u["id"]: u for u in R["units"]}
        self.orgs = {o["id"]: o for o in R["orgs"]}
        self.members = {p for p, row in self.people.items() if row.get("is_member")}
        self.regs = dedup(R["registrations"], "source_id", "community_id", "year")

    def up(self, area: str | None) -> list[str]:
        """``area`` and its ancestors, upwards."""
        out: list[str] = []
        while area is not None and area in self.areas and area not in out:
            out.append(area)
            area = self.areas[area].get("parent_id")
        return out

    def ancestor_at(self, area: str | None, level: str) -> str | None:
        return next((a for a in self.up(area) if self.areas[a]["level"] == level), None)

    def subtree(self, root: str) -> set[str]:
        return {a for a in self.areas if root in self.up(a)}

    def of_level(self, level: str) -> list[str]:
        return sorted(a for a, row in self.areas.items() if row["level"] == level)

    def household_grid(self, household: str) -> str | None:
        b = self.households[household].get("building_id")
        return self.buildings[b]["grid_id"] if b is not None else None

    def org_area(self, org: str) -> str | None:
        """The area an org covers, or else the area of its unit."""
        row = self.orgs[org]
        if row.get("area_id") is not None:
            return str(row["area_id"])
        unit = row.get("unit_id")
        return self.units[unit].get("area_id") if unit is not None else None

    def org_anchors(self, org: str) -> set[str]:
        """For ``area=``: an org is there when it covers an area there or belongs to a unit there."""
        row = self.orgs[org]
        out = {row["area_id"]} if row.get("area_id") is not None else set()
        unit = row.get("unit_id")
        if unit is not None and self.units[unit].get("area_id") is not None:
            out.add(self.units[unit]["area_id"])
        return out

    def matter_anchor(self, matter: dict[str, Any]) -> str | None:
        """The grid of the household that raised a matter, or of the raiser's household."""
        raiser = matter.get("raised_by")
        if raiser is None:
            return None
        if raiser in self.households:
            return self.household_grid(raiser)
        household = self.people[raiser].get("household_id")
        return self.household_grid(household) if household is not None else None

    def roles(self) -> set[tuple[str, str, str]]:
        return {(r["person_id"], r["role"], r["target_id"]) for r in self.R["roles"]}


# ------------------------------------------------------------------ coverage


class Subject(NamedTuple):
    """One checked subject of a rule: where it is and whether it is a gap (and where that gap is)."""

    id: str
    anchors: frozenset[str]
    gap: bool
    gap_anchors: frozenset[str] | None = None


def anchored(*areas: str | None) -> frozenset[str]:
    return frozenset(a for a in areas if a is not None)


def subjects(raw: Raw, year: int) -> dict[str, list[Subject]]:
    """Every rule's checked subjects with their anchors and gap status (the coverage table)."""
    R = raw.R
    grids, comms = raw.of_level("grid"), raw.of_level("community")
    roles = raw.roles()
    out: dict[str, list[Subject]] = {}
    covered = {o.get("area_id") for o in R["orgs"]}
    out["grid_party_org"] = [Subject(g, anchored(g), g not in covered) for g in grids]
    paired = {p["target_id"] for p in R["pairings"]}
    out["community_pairing"] = [Subject(c, anchored(c), c not in paired) for c in comms]
    led = {t for _, r, t in roles if r == "building_leader"}
    out["building_leader"] = [Subject(b, anchored(row["grid_id"]), b not in led) for b, row in raw.buildings.items()]
    gl = {t for _, r, t in roles if r == "grid_leader"}
    pgl = {t for _, r, t in roles if r == "party_group_leader"}
    out["grid_three_leaders"] = [Subject(g, anchored(g), g not in gl or g not in pgl) for g in grids]
    contacted = {c["household_id"] for c in R["contacts"] if c["person_id"] in raw.members}
    out["household_contact"] = [Subject(h, anchored(raw.household_grid(h)), h not in contacted)
                                for h in raw.households]
    registered = {r["source_id"] for r in raw.regs if r["year"] == year}
    out["member_org"] = [Subject(p, anchored(person_anchor(raw, p)), raw.people[p].get("org_id") is None)
                         for p in sorted(raw.members)]
    out["member_registration"] = [Subject(p, anchored(person_anchor(raw, p)), p not in registered)
                                  for p in sorted(raw.members)
                                  if raw.people[p].get("member_category") == "in_service"]
    out["unit_registration"] = [Subject(u, anchored(row.get("area_id")), u not in registered)
                                for u, row in raw.units.items() if row.get("category") in REG_CATEGORIES]
    report: list[Subject] = []
    for s in sorted(registered):
        mine = [r for r in raw.regs if r["source_id"] == s and r["year"] == year]
        unreported = frozenset(r["community_id"] for r in mine if not r.get("reported"))
        report.append(Subject(s, frozenset(r["community_id"] for r in mine), bool(unreported), unreported))
    out["registration_report"] = report
    with_org = {o.get("unit_id") for o in R["orgs"]}
    out["property_party_org"] = [Subject(u, anchored(row.get("area_id")), u not in with_org)
                                 for u, row in raw.units.items() if row.get("category") == "property_company"]
    sited = {s.get("area_id") for s in R["sites"] if s.get("standardized")}
    out["community_site"] = [Subject(c, anchored(c), c not in sited) for c in comms]
    roots = {o for o, row in raw.orgs.items() if row.get("parent_id") is None
             and raw.areas.get(row.get("area_id", ""), {}).get("level") == "city"}

    def reaches(o: str) -> bool:
        seen: set[str] = set()
        node: str | None = o
        while node is not None and node not in seen:
            if node in roots:
                return True
            seen.add(node)
            node = raw.orgs[node].get("parent_id")
        return False

    out["org_chain"] = [Subject(o, frozenset(raw.org_anchors(o)), not reaches(o)) for o in raw.orgs]
    return out


def within(anchors: frozenset[str], scope: set[str] | None) -> bool:
    return scope is None or bool(anchors & scope)


def count(items: list[Subject], scope: set[str] | None) -> tuple[int, list[str]]:
    """Checked count and sorted gaps of a rule's subjects within ``scope`` (None: everywhere)."""
    kept = [s for s in items if within(s.anchors, scope)]
    gaps = [s.id for s in kept if s.gap and (s.gap_anchors is None or within(s.gap_anchors, scope))]
    return len(kept), sorted(gaps)


def coverage(rows: Rows, year: int, area: str | None = None) -> dict[str, tuple[int, list[str]]]:
    """Per rule: (checked, sorted gap ids), restricted to ``area``'s subtree when given."""
    raw = Raw(rows)
    scope = raw.subtree(area) if area is not None else None
    return {rule: count(items, scope) for rule, items in subjects(raw, year).items()}


def rollup(rows: Rows, year: int, level: str, area: str | None = None) -> dict[str, dict[str, tuple[int, int]]]:
    """Per area of ``level`` (those in the report's scope, and the one above ``area``), per rule:
    (checked, number of gaps) of the subjects anchored in that area's subtree and in the scope."""
    raw = Raw(rows)
    scope = raw.subtree(area) if area is not None else None
    keys = {a for a in raw.of_level(level) if scope is None or a in scope}
    above = raw.ancestor_at(area, level) if area is not None else None
    if above is not None:
        keys.add(above)
    every = subjects(raw, year)
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for key in sorted(keys):
        here = raw.subtree(key) if scope is None else raw.subtree(key) & scope
        out[key] = {}
        for rule in RULES:
            checked, gaps = count(every[rule], here)
            out[key][rule] = (checked, len(gaps))
    return out


# ------------------------------------------------------------------ KPIs


def kpis(rows: Rows, year: int, area: str | None = None) -> dict[str, Any]:
    """The KPIs of ``year``, restricted to ``area``'s subtree when given."""
    raw = Raw(rows)
    R = raw.R
    scope = raw.subtree(area) if area is not None else None
    every = subjects(raw, year)

    def rule_rate(rule: str) -> float | None:
        checked, gaps = count(every[rule], scope)
        return rate_or_none(checked, len(gaps))

    def here(a: str | None) -> bool:
        return scope is None or a in scope

    paired = {p["source_id"] for p in R["pairings"] if p["source_id"] in raw.units and here(p["target_id"])}
    matters = [m for m in R["matters"]
               if str(m["created_at"])[:4] == str(year) and here(raw.matter_anchor(m))]
    closed = [m for m in matters if m.get("closed_at") is not None]
    prop = [m for m in matters if m.get("category") in PROPERTY_CATEGORIES]
    fast = [m for m in prop if m.get("closed_at") is not None and days(m["created_at"], m["closed_at"]) <= 3]
    spent = [days(m["created_at"], m["closed_at"]) for m in closed]
    workers = {r["person_id"] for r in R["roles"] if r["role"] == "social_worker"}
    return {
        "pairing_coverage_rate": rule_rate("community_pairing"),
        "paired_units": len(paired),
        "paired_units_municipal_and_above": sum(
            1 for u in paired if raw.units[u].get("admin_level") in MUNICIPAL_AND_ABOVE),
        "activities": sum(1 for a in R["activities"] if str(a["date"])[:4] == str(year) and here(a.get("area_id"))),
        "matter_completion_rate": rate_or_none(len(matters), len(matters) - len(closed)),
        "property_closed_within_3_days_rate": rate_or_none(len(prop), len(prop) - len(fast)),
        "mean_handling_days": sum(spent) / len(spent) if spent else None,
        "standardized_sites": sum(1 for s in R["sites"] if s.get("standardized") and here(s.get("area_id"))),
        "property_party_org_rate": rule_rate("property_party_org"),
        "unit_registration_rate": rule_rate("unit_registration"),
        "member_registration_rate": rule_rate("member_registration"),
        "report_rate": rule_rate("registration_report"),
        "social_workers": sum(1 for p in workers if here(person_anchor(raw, p))),
    }


def denominators(rows: Rows, year: int, area: str | None = None) -> dict[str, int]:
    """What each KPI rate is computed over (``KpiReport.denominators``)."""
    raw = Raw(rows)
    scope = raw.subtree(area) if area is not None else None
    every = subjects(raw, year)
    matters = [m for m in raw.R["matters"] if str(m["created_at"])[:4] == str(year)
               and (scope is None or raw.matter_anchor(m) in scope)]
    return {
        "communities": count(every["community_pairing"], scope)[0],
        "matters": len(matters),
        "property_matters": sum(1 for m in matters if m.get("category") in PROPERTY_CATEGORIES),
        "closed_matters": sum(1 for m in matters if m.get("closed_at") is not None),
        "property_companies": count(every["property_party_org"], scope)[0],
        "registration_units": count(every["unit_registration"], scope)[0],
        "in_service_members": count(every["member_registration"], scope)[0],
        "registered": count(every["registration_report"], scope)[0],
    }


# ------------------------------------------------------------------ influence


def projection(rows: Rows) -> nx.Graph:
    """The undirected influence graph: PAIRED_WITH, ORGANIZED and MEMBER_OF edges."""
    R = defaultdict(list, rows)
    g = nx.Graph()
    for p in R["pairings"]:
        g.add_edge(p["source_id"], p["target_id"])
    for o in R["organizers"]:
        g.add_edge(o["organizer_id"], o["activity_id"])
    for m in R["alliance_members"]:
        g.add_edge(m["member_id"], m["alliance_id"])
    return g


def projection_edges(rows: Rows) -> list[tuple[str, str, str]]:
    """(actor, community / activity / alliance, relationship type), sorted."""
    R = defaultdict(list, rows)
    return sorted({(p["source_id"], p["target_id"], "PAIRED_WITH") for p in R["pairings"]}
                  | {(o["organizer_id"], o["activity_id"], "ORGANIZED") for o in R["organizers"]}
                  | {(m["member_id"], m["alliance_id"], "MEMBER_OF") for m in R["alliance_members"]})


def own_district(raw: Raw, actor: str) -> str | None:
    """A unit's district is where it is located; an org's is the area it covers, or else its unit's."""
    area = raw.units[actor].get("area_id") if actor in raw.units else raw.org_area(actor)
    return raw.ancestor_at(area, "district")


def influence(rows: Rows) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Per actor every ActorInfluence field; per alliance its members, communities and activities."""
    raw = Raw(rows)
    R = raw.R
    g = projection(rows)
    pagerank = nx.pagerank(g, alpha=0.85) if len(g) else {}
    between = nx.betweenness_centrality(g, normalized=True) if len(g) else {}
    paired: dict[str, set[str]] = defaultdict(set)
    for p in R["pairings"]:
        paired[p["source_id"]].add(p["target_id"])
    organized: dict[str, set[str]] = defaultdict(set)
    for o in R["organizers"]:
        organized[o["organizer_id"]].add(o["activity_id"])
    actors: dict[str, dict[str, Any]] = {}
    for actor in set(paired) | set(organized):
        comms = paired[actor]
        own = own_district(raw, actor)
        actors[actor] = {
            "kind": "Unit" if actor in raw.units else "Org",
            "name": (raw.units[actor] if actor in raw.units else raw.orgs[actor]).get("name"),
            "pairings": len(comms),
            "subdistricts": len({s for c in comms if (s := raw.ancestor_at(c, "subdistrict")) is not None}),
            "districts": len({d for c in comms if (d := raw.ancestor_at(c, "district")) is not None}),
            "cross_district": any(raw.ancestor_at(c, "district") != own for c in comms),
            "own_district": own,
            "activities": len(organized[actor]),
            "pagerank": pagerank[actor],
            "betweenness": between[actor],
        }
    alliances: dict[str, dict[str, Any]] = {}
    for a in R["alliances"]:
        who = {m["member_id"] for m in R["alliance_members"] if m["alliance_id"] == a["id"]}
        alliances[a["id"]] = {
            "name": a.get("name"),
            "members": len(who),
            "communities": len(set().union(*(paired[m] for m in who))) if who else 0,
            "activities": len(set().union(*(organized[m] for m in who))) if who else 0,
        }
    return actors, alliances


# ------------------------------------------------------------------ chains and paths

REFERENCE_FIELDS = ["parent_id", "area_id", "unit_id", "grid_id", "building_id", "household_id", "org_id",
                    "raised_by", "assignee_id"]
LINK_ENDS = {"roles": ("person_id", "target_id"), "contacts": ("person_id", "household_id"),
             "pairings": ("source_id", "target_id"), "registrations": ("source_id", "community_id"),
             "alliance_members": ("member_id", "alliance_id"), "organizers": ("organizer_id", "activity_id")}


def undirected(rows: Rows) -> nx.Graph:
    """Every relationship the rows make, direction ignored (for contact paths)."""
    g = nx.Graph()
    for file, rs in rows.items():
        for r in rs:
            if file in LINK_ENDS:
                a, b = LINK_ENDS[file]
                g.add_edge(r[a], r[b])
            else:
                g.add_node(r["id"])
                for f in REFERENCE_FIELDS:
                    if r.get(f) is not None:
                        g.add_edge(r["id"], r[f])
    return g



def chain(rows: Rows, start: str) -> dict[str, Any]:
    """The contact chain of a household, person or matter (fields of ``Chain``)."""
    raw = Raw(rows)
    R = raw.R
    matters = {m["id"]: m for m in R["matters"]}
    assignee = None
    household: str | None
    if start in raw.households:
        household = start
    elif start in raw.people:
        household = raw.people[start].get("household_id")
    else:
        m = matters[start]
        assignee = m.get("assignee_id")
        raiser = m.get("raised_by")
        household = raiser if raiser in raw.households else (
            raw.people[raiser].get("household_id") if raiser is not None else None)
    if household is None:
        return {"start_id": start, "household_id": None, "steps": [], "broken_at": "household",
                "assignee_id": assignee}
    holders: dict[str, set[str]] = defaultdict(set)
    for r in R["roles"]:
        holders[r["target_id"]].add(r["person_id"])
    covering: dict[str, set[str]] = defaultdict(set)
    for o in R["orgs"]:
        if o.get("area_id") is not None:
            covering[o["area_id"]].add(o["id"])
    contacts = {c["person_id"] for c in R["contacts"] if c["household_id"] == household and c["person_id"] in raw.members}
    steps = [("household", household, [], sorted(contacts))]
    building = raw.households[household].get("building_id")
    if building is not None:
        steps.append(("building", building, [], sorted(holders[building])))
        for area in raw.up(raw.buildings[building]["grid_id"]):
            orgs = sorted(covering[area])
            people = set(holders[area]).union(*(holders[o] for o in orgs))
            steps.append((raw.areas[area]["level"], area, orgs, sorted(people)))
    return {"start_id": start, "household_id": household, "steps": steps,
            "broken_at": next((s[0] for s in steps if not s[3]), None), "assignee_id": assignee}


def chain_fields(model: Any) -> dict[str, Any]:
    """A ``Chain`` model in the shape :func:`chain` answers: its fields, each step as a tuple
    ``(level, node_id, orgs, people)`` (read through pydantic's ``model_dump``, no orgnet code)."""
    got = model.model_dump()
    got["steps"] = [(s["level"], s["node_id"], s["orgs"], s["people"]) for s in got["steps"]]
    return dict(got)

