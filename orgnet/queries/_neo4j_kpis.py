"""KPI facts computed inside Neo4j, in one query.

The KPIs are defined in :mod:`orgnet.queries.kpis`; the coverage rates they
reuse come from :mod:`orgnet.queries._neo4j_coverage`. This module reads the
rest — unit pairings, activities, sites, matters and social workers, each with
the area it is anchored in — in one ``UNION ALL`` query, and returns the same
:class:`~orgnet.queries.kpis.KpiFacts` as the memory side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, LiteralString

from orgnet.queries._facts import KpiFacts
from orgnet.queries._neo4j_coverage import _HOUSEHOLD_GRID, _PERSON_GRID, active

if TYPE_CHECKING:
    from orgnet.graph.base import GraphStore

__all__ = ["kpi_facts_neo4j", "KPI_QUERY"]

# The grid of the household that raised matter ``m``, or of the raiser's household; a person
# without a household gives the matter no area (unlike the person, not their org's or unit's).
_RAISER_GRID: Final[LiteralString] = (
    "[(r)-[:RAISED]->(m) | CASE WHEN r:Household THEN "
    + _HOUSEHOLD_GRID.replace("(h)", "(r)")
    + " ELSE [(r)-[:LIVES_IN]->(h) | CASE WHEN h:Household THEN "
    + _HOUSEHOLD_GRID
    + " END][0] END][0]"
)

KPI_QUERY: Final[LiteralString] = (
    "MATCH (u:Unit)-[pw:PAIRED_WITH]->(c) WHERE " + active("pw") + " "
    "WITH DISTINCT u, c WHERE $scope IS NULL OR c.id IN $scope "
    "RETURN 'pairing' AS kind, [u.id, u.admin_level, c.id] AS row "
    "UNION ALL "
    "MATCH (a:Activity) WITH a, [(a)-[:LOCATED_IN]->(x) | x.id][0] AS area "
    "WHERE $scope IS NULL OR area IN $scope "
    "RETURN 'activity' AS kind, [a.id, a.date, area] AS row "
    "UNION ALL "
    "MATCH (s:Site) WITH s, [(s)-[:LOCATED_IN]->(x) | x.id][0] AS area "
    "WHERE $scope IS NULL OR area IN $scope "
    "RETURN 'site' AS kind, [s.id, s.standardized = true, area] AS row "
    "UNION ALL "
    "MATCH (m:Matter) WITH m, " + _RAISER_GRID + " AS grid "
    "WHERE $scope IS NULL OR grid IN $scope "
    "RETURN 'matter' AS kind, [m.id, m.category, m.created_at, m.closed_at, grid] AS row "
    "UNION ALL "
    # from the roles (a relationship type scan: 49k at city scale) instead of every person's
    # roles (240k people): 1.9M -> 0.19M db hits; only the roles active in the window
    "MATCH (p:Person)-[hr:HOLDS_ROLE]->() WHERE hr.role = 'social_worker' AND " + active("hr") + " "
    "WITH DISTINCT p "
    "WITH p, " + _PERSON_GRID + " AS grid "
    "WHERE $scope IS NULL OR grid IN $scope "
    "RETURN 'social_worker' AS kind, [p.id, grid] AS row"
)
"""Every KPI fact as ``(kind, row)``; ``$scope`` prunes rows anchored outside it."""


def kpi_facts_neo4j(store: GraphStore, scope: frozenset[str] | None,
                    window: tuple[str, str] | None = None) -> KpiFacts:
    """The KPI facts (beside the coverage facts), read from Neo4j in one query.

    Parameters
    ----------
    store : Neo4jStore
    scope : frozenset of str, optional
        Area ids; facts anchored elsewhere stay on the server.

    Returns
    -------
    KpiFacts
        Columns, rows sorted by id (and community); the same facts as the memory side's.

    Examples
    --------
    >>> f = kpi_facts_neo4j(store, None)
    >>> f.activity_area[:1].tolist(), str(f.activity_date[0])
    (['C1'], '2023-05-01T00:00:00')
    """
    from orgnet.graph.neo4j import Neo4jStore

    assert isinstance(store, Neo4jStore)
    pairings: list[tuple[str, str | None, str]] = []
    activities: list[tuple[str, str | None, str | None]] = []
    sites: list[tuple[str, bool, str | None]] = []
    matters: list[tuple[str, str | None, str | None, str | None, str | None]] = []
    workers: list[tuple[str, str | None]] = []
    records = store.run(KPI_QUERY, scope=sorted(scope) if scope is not None else None,
                        lo=window[0] if window else None, hi=window[1] if window else None)
    for r in records:
        kind, row = r["kind"], r["row"]
        if kind == "pairing":
            pairings.append((row[0], row[1], row[2]))
        elif kind == "activity":
            activities.append((row[0], row[1], row[2]))
        elif kind == "site":
            sites.append((row[0], bool(row[1]), row[2]))
        elif kind == "matter":
            matters.append((row[0], row[1], row[2], row[3], row[4]))
        else:
            workers.append((row[0], row[1]))
    return KpiFacts.from_rows(sorted(pairings, key=lambda t: (t[0], t[2])), sorted(activities, key=lambda t: t[0]),
                              sorted(matters, key=lambda t: t[0]), sorted(sites, key=lambda t: t[0]),
                              sorted(workers, key=lambda t: t[0]))
