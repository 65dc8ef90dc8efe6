"""The influence projection pulled from Neo4j in one query.

Neo4j Community has no graph algorithms, so PageRank and betweenness run in
:func:`orgnet.queries.influence.compute`, the same code for both backends, on a
:class:`~orgnet.queries.influence.Projection`: the PAIRED_WITH, ORGANIZED and
MEMBER_OF edges of units and orgs, each such actor's label, name and own area,
and every alliance. This module reads all of that in one round trip.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, LiteralString

from orgnet.queries._facts import Projection
from orgnet.queries._neo4j_coverage import active

if TYPE_CHECKING:
    from orgnet.graph.base import GraphStore

__all__ = ["projection_neo4j", "PROJECTION_QUERY"]

PROJECTION_QUERY: Final[LiteralString] = (
    "MATCH (x)-[r:PAIRED_WITH|ORGANIZED|MEMBER_OF]->(t) WHERE (x:Unit OR x:Org) "
    "AND (type(r) <> 'PAIRED_WITH' OR (" + active("r") + ")) "
    "AND (type(r) <> 'ORGANIZED' OR $activity_year IS NULL OR t.date STARTS WITH $activity_year) "
    "WITH x, collect([t.id, type(r)]) AS out "
    "RETURN 'actor' AS kind, x.id AS id, CASE WHEN x:Unit THEN 'Unit' ELSE 'Org' END AS label, "
    "x.name AS name, CASE WHEN x:Unit THEN [(x)-[:LOCATED_IN]->(a) | a.id][0] "
    "ELSE coalesce([(x)-[:COVERS]->(a) | a.id][0], "
    "[(x)-[:OF_UNIT]->(u) | [(u)-[:LOCATED_IN]->(a) | a.id][0]][0]) END AS own, out "
    "UNION ALL "
    "MATCH (al:Alliance) "
    "RETURN 'alliance' AS kind, al.id AS id, null AS label, al.name AS name, null AS own, [] AS out "
    "UNION ALL "
    "MATCH (d:Area {level: 'district'}) "
    "RETURN 'district' AS kind, d.id AS id, null AS label, d.name AS name, null AS own, [] AS out"
)
"""Actors with their edges and own area, then alliances and districts with their names."""


def projection_neo4j(store: GraphStore, window: tuple[str, str] | None = None,
                     activity_year: int | None = None) -> Projection:
    """The influence projection, read from Neo4j in one query.

    Parameters
    ----------
    store : Neo4jStore

    Returns
    -------
    Projection
        Edges sorted and distinct, as the memory side's.

    Examples
    --------
    >>> proj = projection_neo4j(store)
    >>> proj.edges[0]
    ('O-U1', 'AC3', 'ORGANIZED')
    """
    from orgnet.graph.neo4j import Neo4jStore

    assert isinstance(store, Neo4jStore)
    proj = Projection()
    edges: set[tuple[str, str, str]] = set()
    for r in store.run(PROJECTION_QUERY, lo=window[0] if window else None, hi=window[1] if window else None,
                       activity_year=None if activity_year is None else f"{activity_year:04d}"):
        if r["kind"] == "alliance":
            proj.alliances[r["id"]] = r["name"]
            continue
        if r["kind"] == "district":
            proj.district_names[r["id"]] = r["name"]
            continue
        actor = r["id"]
        edges.update((actor, target, rel_type) for target, rel_type in r["out"])
        proj.actors[actor] = (r["label"], r["name"], r["own"])
    proj.edges = sorted(edges)
    proj.actors = dict(sorted(proj.actors.items()))
    proj.alliances = dict(sorted(proj.alliances.items()))
    proj.district_names = dict(sorted(proj.district_names.items()))
    return proj
