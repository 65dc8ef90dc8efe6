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
from orgnet.queries._neo4j_coverage import _BUILDING_GRID, _PERSON_GRID, active

if TYPE_CHECKING:
    from orgnet.graph.base import GraphStore

__all__ = ["kpi_facts_neo4j", "KPI_QUERY"]

KPI_QUERY: Final[LiteralString] = (
    "MATCH (u:Unit)-[pw:PAIRED_WITH]->(c) WHERE " + active("pw") + " "
    "WITH DISTINCT u, c WHERE $scope IS NULL OR c.id IN $scope "
    "RETURN 'pairing' AS kind, collect([u.id, u.admin_level, c.id]) AS rows "
    "UNION ALL "
    "MATCH (a:Activity) WITH a, [(a)-[:LOCATED_IN]->(x) | x.id][0] AS area "
    "WHERE $scope IS NULL OR area IN $scope "
    "RETURN 'activity' AS kind, collect([a.id, a.date, area]) AS rows "
    "UNION ALL "
    "MATCH (s:Site) WITH s, [(s)-[:LOCATED_IN]->(x) | x.id][0] AS area "
    "WHERE $scope IS NULL OR area IN $scope "
    "RETURN 'site' AS kind, collect([s.id, s.standardized = true, area]) AS rows "
    "UNION ALL "
    # the grid of the household that raised the matter, or of the raiser's household (a person
    # without a household gives the matter no area, unlike the person: not their org's or unit's);
    # matters are grouped per building before the walk to its grid (once per building)
    "MATCH (m:Matter) OPTIONAL MATCH (r)-[:RAISED]->(m) "
    "WITH m, CASE WHEN r IS NULL THEN null WHEN r:Household THEN r "
    "ELSE [(r)-[:LIVES_IN]->(h:Household) | h][0] END AS h "
    "OPTIONAL MATCH (h)-[:IN]->(hb:Building) "
    "WITH hb, collect([m.id, m.category, m.created_at, m.closed_at]) AS matters "
    "WITH " + _BUILDING_GRID + " AS grid, matters WHERE $scope IS NULL OR grid IN $scope "
    "UNWIND matters AS m "
    "RETURN 'matter' AS kind, collect(m + [grid]) AS rows "
    "UNION ALL "
    # from the roles (a relationship type scan: 49k at city scale) instead of every person's
    # roles (240k people): 1.9M -> 0.19M db hits; only the roles active in the window
    "MATCH (p:Person)-[hr:HOLDS_ROLE]->() WHERE hr.role = 'social_worker' AND " + active("hr") + " "
    "WITH DISTINCT p "
    "WITH p, " + _PERSON_GRID + " AS grid "
    "WHERE $scope IS NULL OR grid IN $scope "
    "RETURN 'social_worker' AS kind, collect([p.id, grid]) AS rows"
)
"""Every KPI fact as ``(kind, rows)``, one record per kind; ``$scope`` prunes rows anchored outside it."""


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
        kind, rows = r["kind"], r["rows"]
        if kind == "pairing":
            pairings.extend((u, level, c) for u, level, c in rows)
        elif kind == "activity":
            activities.extend((a, date, area) for a, date, area in rows)
        elif kind == "site":
            sites.extend((site, bool(ok), area) for site, ok, area in rows)
        elif kind == "matter":
            matters.extend((m, category, created, closed, grid) for m, category, created, closed, grid in rows)
        else:
            workers.extend((p, grid) for p, grid in rows)
    return KpiFacts.from_rows(sorted(pairings, key=lambda t: (t[0], t[2])), sorted(activities, key=lambda t: t[0]),
                              sorted(matters, key=lambda t: t[0]), sorted(sites, key=lambda t: t[0]),
                              sorted(workers, key=lambda t: t[0]))
