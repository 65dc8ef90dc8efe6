"""Coverage facts computed inside Neo4j: one Cypher query per rule.

The meaning of every rule is in :mod:`orgnet.queries.coverage`; this module
answers each with one query that groups subjects by their anchor on the server
(``RETURN anchor, count(*), collect(gap ids)``), so a rule costs one round
trip whatever the size of the graph. Python only sorts the ids (Cypher orders
strings differently for parameters and stored values, so ordering is left to
Python, as on the memory side) and builds the same :class:`Facts` rows as
the memory engine's: single-anchor subjects grouped per anchor with sorted gap
ids, anchors sorted; registration and org rows one per subject.

``scope`` (area ids) prunes rows on the server: a row is kept when one of its
anchors lies in it. The shared code in :mod:`orgnet.queries._scope` applies the
scope again, so pruning changes only how much travels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, LiteralString

from orgnet.model import REGISTRATION_UNIT_CATEGORIES
from orgnet.queries._facts import Facts

if TYPE_CHECKING:
    from orgnet.graph.base import GraphStore
    from orgnet.graph.neo4j import Neo4jStore

__all__ = ["facts_neo4j", "registration_years", "RULE_QUERIES"]

# Fragments: the grid of household ``h`` (its building's grid) and the anchor of person
# ``p``: their household's grid (null when it has none); without a household, their org's
# area (the one it COVERS, else its unit's), else their own unit's area (as the memory
# engine's ``person_anchor``).
_HOUSEHOLD_GRID: Final[LiteralString] = (
    "[(h)-[:IN]->(hb) | CASE WHEN hb:Building THEN [(hb)-[:IN]->(hg) | hg.id][0] END][0]"
)
_PERSON_GRID: Final[LiteralString] = (
    "CASE WHEN EXISTS { (p)-[:LIVES_IN]->(:Household) } "
    "THEN [(p)-[:LIVES_IN]->(h) | CASE WHEN h:Household THEN " + _HOUSEHOLD_GRID + " END][0] "
    "ELSE coalesce("
    "[(p)-[:BELONGS_TO]->(o) | coalesce([(o)-[:COVERS]->(oa) | oa.id][0], "
    "[(o)-[:OF_UNIT]->(ou) | [(ou)-[:LOCATED_IN]->(oua) | oua.id][0]][0])][0], "
    "[(p)-[:WORKS_AT]->(wu) | [(wu)-[:LOCATED_IN]->(wa) | wa.id][0]][0]) END"
)
_IN_SCOPE: Final[LiteralString] = "($scope IS NULL OR anchor IN $scope)"


def active(rel: LiteralString) -> LiteralString:
    """Cypher: relationship ``rel`` is active in the window ``$lo``/``$hi`` (see :mod:`orgnet.queries._window`)."""
    return ("(" + rel + ".since IS NULL OR $hi IS NULL OR " + rel + ".since < $hi) AND ("
            + rel + ".until IS NULL OR $lo IS NULL OR " + rel + ".until >= $lo)")


_GROUPED: Final[LiteralString] = (
    " RETURN anchor, count(*) AS checked, collect(CASE WHEN gap THEN subject END) AS gaps"
)
# The household rule groups per building before walking to the
# grid, so each building's walk to its grid is done once, not once per household: at city
# scale (1M households, buildings of ~30) that cut household_contact from 46M to 10M db hits.
# Rows come in as (hb, checked, gaps) per building (hb may be null or not a Building: no anchor).
_FLATTEN: Final[LiteralString] = "reduce(acc = [], g IN collect(gaps) | acc + g)"
_BUILDING_TO_GRID: Final[LiteralString] = (
    " WITH CASE WHEN hb:Building THEN [(hb)-[:IN]->(hg) | hg.id][0] END AS anchor, checked, gaps"
    " WHERE " + _IN_SCOPE + " RETURN anchor, sum(checked) AS checked, " + _FLATTEN + " AS gaps"
)
# Member rules cannot group per household: a member whose household has no grid is anchored
# by their org's or unit's area, which only the person knows, so they walk per person.

RULE_QUERIES: Final[dict[str, LiteralString]] = {
    "grid_party_org": (
        "MATCH (a:Area {level: 'grid'}) WITH a.id AS subject, a.id AS anchor, "
        "NOT EXISTS { (a)<-[:COVERS]-() } AS gap WHERE " + _IN_SCOPE + _GROUPED
    ),
    "community_pairing": (
        "MATCH (a:Area {level: 'community'}) WITH a.id AS subject, a.id AS anchor, "
        "NOT EXISTS { (a)<-[pw:PAIRED_WITH]-() WHERE " + active("pw") + " } AS gap WHERE " + _IN_SCOPE + _GROUPED
    ),
    "building_leader": (
        "MATCH (b:Building) WITH b.id AS subject, [(b)-[:IN]->(g) | g.id][0] AS anchor, "
        "NOT EXISTS { (b)<-[hr:HOLDS_ROLE {role: 'building_leader'}]-() WHERE " + active("hr") + " } AS gap WHERE "
        + _IN_SCOPE + _GROUPED
    ),
    "grid_three_leaders": (
        "MATCH (a:Area {level: 'grid'}) WITH a.id AS subject, a.id AS anchor, "
        "NOT (EXISTS { (a)<-[hr:HOLDS_ROLE {role: 'grid_leader'}]-() WHERE " + active("hr") + " } "
        "AND EXISTS { (a)<-[hr:HOLDS_ROLE {role: 'party_group_leader'}]-() WHERE " + active("hr") + " }) AS gap WHERE "
        + _IN_SCOPE + _GROUPED
    ),
    "household_contact": (
        "MATCH (h:Household) WITH [(h)-[:IN]->(hb) | hb][0] AS hb, "
        "CASE WHEN NOT EXISTS { (h)<-[:CONTACTS]-(p) WHERE p.is_member = true } THEN h.id END AS gap "
        "WITH hb, count(*) AS checked, collect(gap) AS gaps" + _BUILDING_TO_GRID
    ),
    "member_org": (
        "MATCH (p:Person) WHERE p.is_member = true "
        "WITH p.id AS subject, " + _PERSON_GRID + " AS anchor, "
        "NOT EXISTS { (p)-[:BELONGS_TO]->() } AS gap WHERE " + _IN_SCOPE + _GROUPED
    ),
    "member_registration": (
        "MATCH (p:Person) WHERE p.is_member = true AND p.member_category = 'in_service' "
        "WITH p.id AS subject, " + _PERSON_GRID + " AS anchor, "
        "NOT EXISTS { (p)-[r:REGISTERED_WITH]->() WHERE r.year = $year } AS gap WHERE "
        + _IN_SCOPE + _GROUPED
    ),
    "unit_registration": (
        "MATCH (u:Unit) WHERE u.category IN $categories "
        "WITH u.id AS subject, [(u)-[:LOCATED_IN]->(a) | a.id][0] AS anchor, "
        "NOT EXISTS { (u)-[r:REGISTERED_WITH]->() WHERE r.year = $year } AS gap WHERE "
        + _IN_SCOPE + _GROUPED
    ),
    "registration_report": (
        "MATCH (s)-[r:REGISTERED_WITH]->(c) WHERE r.year = $year AND (s:Unit OR s:Person) "
        "WITH s, collect(c.id) AS communities, "
        "collect(CASE WHEN r.reported = true THEN null ELSE c.id END) AS unreported "
        "WHERE $scope IS NULL OR any(x IN communities WHERE x IN $scope) "
        "RETURN s.id AS subject, communities, unreported"
    ),
    "property_party_org": (
        "MATCH (u:Unit {category: 'property_company'}) "
        "WITH u.id AS subject, [(u)-[:LOCATED_IN]->(a) | a.id][0] AS anchor, "
        "NOT EXISTS { (u)<-[:OF_UNIT]-() } AS gap WHERE " + _IN_SCOPE + _GROUPED
    ),
    "community_site": (
        "MATCH (a:Area {level: 'community'}) WITH a.id AS subject, a.id AS anchor, "
        "NOT EXISTS { (a)<-[:LOCATED_IN]-(s:Site) WHERE s.standardized = true } AS gap WHERE "
        + _IN_SCOPE + _GROUPED
    ),
    "org_chain": (
        "MATCH (o:Org) "
        "WITH o, [(o)-[:COVERS]->(a) | a.id][0] AS covered, "
        "[(o)-[:OF_UNIT]->(u) | [(u)-[:LOCATED_IN]->(a) | a.id][0]][0] AS located "
        "WHERE $scope IS NULL OR covered IN $scope OR located IN $scope "
        "RETURN o.id AS subject, covered, located, EXISTS { "
        "MATCH (o)-[:UNDER*0..]->(r:Org) WHERE NOT EXISTS { (r)-[:UNDER]->() } "
        "AND [(r)-[:COVERS]->(c) | CASE WHEN c:Area THEN c.level END][0] = 'city' } AS ok"
    ),
}
"""The Cypher of each rule (parameters ``$year``, ``$scope``, ``$categories``)."""

_YEARS: Final[LiteralString] = "MATCH ()-[r:REGISTERED_WITH]->() RETURN DISTINCT r.year AS year"


def _neo4j(store: GraphStore) -> Neo4jStore:
    from orgnet.graph.neo4j import Neo4jStore

    assert isinstance(store, Neo4jStore)
    return store


def _grouped(records: list[Any]) -> list[Facts]:
    """Facts rows from ``(anchor, checked, gaps)`` records, as ``_Grouper.rows()`` makes them."""
    rows = [
        Facts((r["anchor"],) if r["anchor"] is not None else (), int(r["checked"]), tuple(sorted(r["gaps"])))
        for r in records
    ]
    rows.sort(key=lambda f: f.anchors[0] if f.anchors else "")
    return rows


def facts_neo4j(store: GraphStore, year: int, scope: frozenset[str] | None,
                rules: frozenset[str] | None = None,
                window: tuple[str, str] | None = None) -> dict[str, list[Facts]]:
    """Per coverage rule, the :class:`Facts` rows, computed in Neo4j.

    One query per rule (twelve in all), whatever the size of the graph.

    Parameters
    ----------
    store : Neo4jStore
    year : int
        Year of the registration rules.
    scope : frozenset of str, optional
        Area ids; rows with no anchor among them are left on the server.
    window : (str, str), optional
        Count only pairings and roles active in this window (:mod:`orgnet.queries._window`).

    Returns
    -------
    dict of str to list of Facts
        The same rows as the memory backend's, rule by rule.

    Examples
    --------
    >>> facts = facts_neo4j(store, 2023, None)
    >>> facts["grid_party_org"][0]
    Facts(anchors=('G1',), checked=1, gaps=(), gap_anchors=None)
    """
    neo = _neo4j(store)
    params: dict[str, Any] = {
        "year": year,
        "scope": sorted(scope) if scope is not None else None,
        "categories": list(REGISTRATION_UNIT_CATEGORIES),
        "lo": window[0] if window else None,
        "hi": window[1] if window else None,
    }
    facts: dict[str, list[Facts]] = {}
    for rule, query in RULE_QUERIES.items():
        if rules is not None and rule not in rules:
            continue
        records = neo.run(query, **params)
        if rule == "registration_report":
            rows = []
            for r in records:
                unreported = tuple(sorted(set(r["unreported"])))
                rows.append(
                    Facts(tuple(sorted(set(r["communities"]))), 1,
                          (r["subject"],) if unreported else (), unreported)
                )
            rows.sort()
            facts[rule] = rows
        elif rule == "org_chain":
            chain = []
            for r in sorted(records, key=lambda r: r["subject"]):
                anchors = tuple(sorted({a for a in (r["covered"], r["located"]) if a is not None}))
                chain.append(Facts(anchors, 1, () if r["ok"] else (r["subject"],)))
            facts[rule] = chain
        else:
            facts[rule] = _grouped(records)
    return facts


def registration_years(store: GraphStore) -> list[int]:
    """Every year that has a registration (``REGISTERED_WITH.year``), ascending.

    Examples
    --------
    >>> registration_years(store)
    [2022, 2023]
    """
    return sorted(int(r["year"]) for r in _neo4j(store).run(_YEARS) if r["year"] is not None)
