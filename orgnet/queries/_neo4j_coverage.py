"""Coverage facts computed inside Neo4j: one Cypher query per rule (the two member rules share one).

The meaning of every rule is in :mod:`orgnet.queries.coverage`; this module
answers each with one query that groups subjects by their anchor on the server
(anchor, count, gap ids), so a rule costs one round trip whatever the size of
the graph, and returns the groups in ONE record (``rows``: a list per anchor):
the driver's cost per record, not the server, was most of the wall time at city
scale. Python only sorts the ids (Cypher orders strings differently for
parameters and stored values, so ordering is left to Python, as on the memory
side) and builds the same :class:`Facts` rows as the memory engine's:
single-anchor subjects grouped per anchor with sorted gap ids, anchors sorted;
registration and org subjects grouped by their anchors (and unreported communities).

``scope`` (area ids) prunes rows on the server: a row is kept when one of its
anchors lies in it. The shared code in :mod:`orgnet.queries._scope` applies the
scope again, so pruning changes only how much travels.

Speed at city scale (``benchmarks/neo4j_city.py``, figures in
``benchmarks/RESULTS.md``): subjects that live in buildings (households,
members, matters) are grouped per building before the walk to the grid (a
building's relationships are read once, not once per household), and checks run
as flat ``OPTIONAL MATCH`` pipelines where an ``EXISTS`` per row would run a
nested plan per row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, LiteralString

from orgnet.model import REGISTRATION_UNIT_CATEGORIES
from orgnet.queries._facts import Facts

if TYPE_CHECKING:
    from orgnet.graph.base import GraphStore
    from orgnet.graph.neo4j import Neo4jStore

__all__ = ["facts_neo4j", "registration_years", "QUERIES"]

# Fragments: the grid of household ``h`` (its building's grid) and the anchor of person
# ``p``: their household's grid (null when it has none); without a household, their org's
# area (the one it COVERS, else its unit's), else their own unit's area (as the memory
# engine's ``person_anchor``). Every walk here follows a field relationship (IN, LIVES_IN,
# BELONGS_TO, WORKS_AT, COVERS, OF_UNIT, LOCATED_IN): at most one per node, so ``[…][0]``
# and ``OPTIONAL MATCH`` read the same value.
_HOUSEHOLD_GRID: Final[LiteralString] = (
    "[(h)-[:IN]->(hb) | CASE WHEN hb:Building THEN [(hb)-[:IN]->(hg) | hg.id][0] END][0]"
)
_PERSON_AREA: Final[LiteralString] = (  # a person without a household: their org's area, else their unit's
    "coalesce("
    "[(p)-[:BELONGS_TO]->(o) | coalesce([(o)-[:COVERS]->(oa) | oa.id][0], "
    "[(o)-[:OF_UNIT]->(ou) | [(ou)-[:LOCATED_IN]->(oua) | oua.id][0]][0])][0], "
    "[(p)-[:WORKS_AT]->(wu) | [(wu)-[:LOCATED_IN]->(wa) | wa.id][0]][0])"
)
_PERSON_GRID: Final[LiteralString] = (
    "CASE WHEN EXISTS { (p)-[:LIVES_IN]->(:Household) } "
    "THEN [(p)-[:LIVES_IN]->(h) | CASE WHEN h:Household THEN " + _HOUSEHOLD_GRID + " END][0] "
    "ELSE " + _PERSON_AREA + " END"
)
_BUILDING_GRID: Final[LiteralString] = "CASE WHEN hb IS NULL THEN null ELSE [(hb)-[:IN]->(g) | g.id][0] END"
_IN_SCOPE: Final[LiteralString] = "($scope IS NULL OR anchor IN $scope)"


def active(rel: LiteralString) -> LiteralString:
    """Cypher: relationship ``rel`` is active in the window ``$lo``/``$hi`` (see :mod:`orgnet.queries._window`)."""
    return ("(" + rel + ".since IS NULL OR $hi IS NULL OR " + rel + ".since < $hi) AND ("
            + rel + ".until IS NULL OR $lo IS NULL OR " + rel + ".until >= $lo)")


# Every query returns ONE record whose ``rows`` hold the answer as lists: at city scale the
# driver's per-record cost (about 16 µs of Python each) was most of the wall time.
_GROUPED: Final[LiteralString] = (
    " WITH anchor, count(*) AS checked, collect(CASE WHEN gap THEN subject END) AS gaps"
    " RETURN collect([anchor, checked, gaps]) AS rows"
)
_FLATTEN: Final[LiteralString] = "reduce(acc = [], g IN collect(gaps) | acc + g)"

# Households are read from their buildings (each building's relationships once, so its walk
# to its grid is done once per building, not once per household), with an OPTIONAL MATCH for
# a member's contact (a flat pipeline: an EXISTS per household runs a nested plan per row, which
# took twice the server time at city scale). Households without a building are the difference
# between the label's count (count store) and those placed; only when there are some does the
# second OPTIONAL MATCH find them (null anchor: never in a scope).
_HOUSEHOLDS: Final[LiteralString] = (
    "MATCH (x:Household) WITH count(x) AS households "
    "OPTIONAL MATCH (hb:Building)<-[:IN]-(h:Household) "
    "OPTIONAL MATCH (h)<-[:CONTACTS]-(p) WHERE p.is_member = true "
    "WITH households, hb, count(DISTINCT h) AS checked, collect(CASE WHEN p IS NULL THEN h.id END) AS gaps "
    "WITH households, " + _BUILDING_GRID + " AS anchor, checked, gaps "
    "WITH households, anchor, sum(checked) AS checked, " + _FLATTEN + " AS gaps "
    "WITH households, sum(checked) AS placed, "
    "collect(CASE WHEN checked > 0 AND " + _IN_SCOPE + " THEN [anchor, checked, gaps] END) AS rows "
    "OPTIONAL MATCH (h:Household) WHERE $scope IS NULL AND placed < households "
    "AND NOT EXISTS { (h)-[:IN]->(:Building) } "
    "OPTIONAL MATCH (h)<-[:CONTACTS]-(p) WHERE p.is_member = true "
    "WITH rows, count(DISTINCT h) AS loose, collect(CASE WHEN p IS NULL THEN h.id END) AS gaps "
    "RETURN CASE WHEN loose > 0 THEN rows + [[null, loose, gaps]] ELSE rows END AS rows"
)

# Both member rules in one pass: each member's household (and its building) is read once;
# members are grouped per building (or, without a household, per org/unit area) before the
# walk to the grid, so it is done once per building, not once per member.
_MEMBERS: Final[LiteralString] = (
    "MATCH (p:Person) WHERE p.is_member = true "
    "OPTIONAL MATCH (p)-[:LIVES_IN]->(h:Household) "
    "OPTIONAL MATCH (h)-[:IN]->(hb:Building) "
    "WITH p, h IS NOT NULL AS housed, hb, CASE WHEN h IS NULL THEN " + _PERSON_AREA + " END AS area, "
    "p.member_category = 'in_service' AS serving "
    "WITH housed, hb, area, count(*) AS members, "
    "collect(CASE WHEN NOT EXISTS { (p)-[:BELONGS_TO]->() } THEN p.id END) AS org_gaps, "
    "count(CASE WHEN serving THEN 1 END) AS serving, "
    "collect(CASE WHEN serving AND NOT EXISTS { (p)-[r:REGISTERED_WITH]->() WHERE r.year = $year } "
    "THEN p.id END) AS reg_gaps "
    "WITH CASE WHEN housed THEN " + _BUILDING_GRID + " ELSE area END AS anchor, "
    "members, org_gaps, serving, reg_gaps WHERE " + _IN_SCOPE + " "
    "WITH anchor, sum(members) AS members, reduce(acc = [], g IN collect(org_gaps) | acc + g) AS org_gaps, "
    "sum(serving) AS serving, reduce(acc = [], g IN collect(reg_gaps) | acc + g) AS reg_gaps "
    "RETURN collect([anchor, members, org_gaps, serving, reg_gaps]) AS rows"
)

QUERIES: Final[dict[str, tuple[tuple[str, ...], LiteralString]]] = {
    "grid_party_org": (("grid_party_org",), (
        "MATCH (a:Area {level: 'grid'}) WITH a.id AS subject, a.id AS anchor, "
        "NOT EXISTS { (a)<-[:COVERS]-() } AS gap WHERE " + _IN_SCOPE + _GROUPED
    )),
    "community_pairing": (("community_pairing",), (
        "MATCH (a:Area {level: 'community'}) WITH a.id AS subject, a.id AS anchor, "
        "NOT EXISTS { (a)<-[pw:PAIRED_WITH]-() WHERE " + active("pw") + " } AS gap WHERE " + _IN_SCOPE + _GROUPED
    )),
    "building_leader": (("building_leader",), (
        "MATCH (b:Building) WITH b.id AS subject, [(b)-[:IN]->(g) | g.id][0] AS anchor, "
        "NOT EXISTS { (b)<-[hr:HOLDS_ROLE {role: 'building_leader'}]-() WHERE " + active("hr") + " } AS gap WHERE "
        + _IN_SCOPE + _GROUPED
    )),
    "grid_three_leaders": (("grid_three_leaders",), (
        "MATCH (a:Area {level: 'grid'}) WITH a.id AS subject, a.id AS anchor, "
        "NOT (EXISTS { (a)<-[hr:HOLDS_ROLE {role: 'grid_leader'}]-() WHERE " + active("hr") + " } "
        "AND EXISTS { (a)<-[hr:HOLDS_ROLE {role: 'party_group_leader'}]-() WHERE " + active("hr") + " }) AS gap WHERE "
        + _IN_SCOPE + _GROUPED
    )),
    "household_contact": (("household_contact",), _HOUSEHOLDS),
    "members": (("member_org", "member_registration"), _MEMBERS),
    "unit_registration": (("unit_registration",), (
        "MATCH (u:Unit) WHERE u.category IN $categories "
        "WITH u.id AS subject, [(u)-[:LOCATED_IN]->(a) | a.id][0] AS anchor, "
        "NOT EXISTS { (u)-[r:REGISTERED_WITH]->() WHERE r.year = $year } AS gap WHERE "
        + _IN_SCOPE + _GROUPED
    )),
    "registration_report": (("registration_report",), (
        "MATCH (s)-[r:REGISTERED_WITH]->(c) WHERE r.year = $year AND (s:Unit OR s:Person) "
        "WITH s, collect(c.id) AS communities, "
        "collect(CASE WHEN r.reported = true THEN null ELSE c.id END) AS unreported "
        "WHERE $scope IS NULL OR any(x IN communities WHERE x IN $scope) "
        "RETURN collect([s.id, communities, unreported]) AS rows"
    )),
    "property_party_org": (("property_party_org",), (
        "MATCH (u:Unit {category: 'property_company'}) "
        "WITH u.id AS subject, [(u)-[:LOCATED_IN]->(a) | a.id][0] AS anchor, "
        "NOT EXISTS { (u)<-[:OF_UNIT]-() } AS gap WHERE " + _IN_SCOPE + _GROUPED
    )),
    "community_site": (("community_site",), (
        "MATCH (a:Area {level: 'community'}) WITH a.id AS subject, a.id AS anchor, "
        "NOT EXISTS { (a)<-[:LOCATED_IN]-(s:Site) WHERE s.standardized = true } AS gap WHERE "
        + _IN_SCOPE + _GROUPED
    )),
    "org_chain": (("org_chain",), (
        "MATCH (o:Org) "
        "WITH o, [(o)-[:COVERS]->(a) | a.id][0] AS covered, "
        "[(o)-[:OF_UNIT]->(u) | [(u)-[:LOCATED_IN]->(a) | a.id][0]][0] AS located "
        "WHERE $scope IS NULL OR covered IN $scope OR located IN $scope "
        "RETURN collect([o.id, covered, located, EXISTS { "
        "MATCH (o)-[:UNDER*0..]->(r:Org) WHERE NOT EXISTS { (r)-[:UNDER]->() } "
        "AND [(r)-[:COVERS]->(c) | CASE WHEN c:Area THEN c.level END][0] = 'city' }]) AS rows"
    )),
}
"""Per query: the rules it answers and its Cypher (parameters ``$year``, ``$scope``,
``$categories``, ``$lo``, ``$hi``); each returns one record, ``rows``."""

_YEARS: Final[LiteralString] = "MATCH ()-[r:REGISTERED_WITH]->() RETURN DISTINCT r.year AS year"


def _neo4j(store: GraphStore) -> Neo4jStore:
    from orgnet.graph.neo4j import Neo4jStore

    assert isinstance(store, Neo4jStore)
    return store


def _grouped(rows: list[Any]) -> list[Facts]:
    """Facts rows from ``[anchor, checked, gaps]`` lists, as ``_Grouper.rows()`` makes them."""
    facts = [Facts((a,) if a is not None else (), int(n), tuple(sorted(gaps))) for a, n, gaps in rows]
    facts.sort(key=lambda f: f.anchors[0] if f.anchors else "")
    return facts


def facts_neo4j(store: GraphStore, year: int, scope: frozenset[str] | None,
                rules: frozenset[str] | None = None,
                window: tuple[str, str] | None = None) -> dict[str, list[Facts]]:
    """Per coverage rule, the :class:`Facts` rows, computed in Neo4j.

    One query per entry of :data:`QUERIES` (eleven in all: the two member rules
    share one), whatever the size of the graph; each returns one record.

    Parameters
    ----------
    store : Neo4jStore
    year : int
        Year of the registration rules.
    scope : frozenset of str, optional
        Area ids; rows with no anchor among them are left on the server.
    rules : frozenset of str, optional
        Only these rules (a query answering several runs when one of them is asked for).
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
    for name, (answers, query) in QUERIES.items():
        if rules is not None and not rules.intersection(answers):
            continue
        rows = neo.run(query, **params)[0]["rows"]
        if name == "members":
            facts["member_org"] = _grouped([(a, n, org) for a, n, org, _, _ in rows])
            facts["member_registration"] = _grouped([(a, n, reg) for a, _, _, n, reg in rows if n])
        elif name == "registration_report":
            # grouped by (communities, unreported ones), as the memory engine groups them: the
            # rollup then walks a few thousand rows, not one per registered subject (49k in a city)
            groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Any]] = {}
            for subject, communities, unreported_ids in rows:
                unreported = tuple(sorted(set(unreported_ids)))
                entry = groups.setdefault((tuple(sorted(set(communities))), unreported), [0, []])
                entry[0] += 1
                if unreported:
                    entry[1].append(subject)
            facts[name] = sorted(Facts(anchors, n, tuple(sorted(gaps)), unreported)
                                 for (anchors, unreported), (n, gaps) in groups.items())
        elif name == "org_chain":
            chains: dict[tuple[str, ...], list[Any]] = {}
            for subject, covered, located, ok in rows:
                anchors = tuple(sorted({a for a in (covered, located) if a is not None}))
                entry = chains.setdefault(anchors, [0, []])
                entry[0] += 1
                if not ok:
                    entry[1].append(subject)
            facts[name] = sorted(Facts(anchors, n, tuple(sorted(gaps))) for anchors, (n, gaps) in chains.items())
        else:
            facts[name] = _grouped(rows)
    if rules is not None:
        facts = {rule: rows for rule, rows in facts.items() if rule in rules}
    return facts


def registration_years(store: GraphStore) -> list[int]:
    """Every year that has a registration (``REGISTERED_WITH.year``), ascending.

    Examples
    --------
    >>> registration_years(store)
    [2022, 2023]
    """
    return sorted(int(r["year"]) for r in _neo4j(store).run(_YEARS) if r["year"] is not None)
