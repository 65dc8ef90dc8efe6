"""Contact chains and contact paths computed inside Neo4j.

**Chain** — one query: it resolves the start (a household; a person's
household; a matter's raising household or its raiser's household, and the
matter's assignee), then reads the building, the grid and every area above it
(``PART_OF*0..``) with the orgs covering each and the people holding roles on
it or on those orgs. Python shapes the record into the contract's
:class:`~orgnet.queries._facts.ChainTable`, every distinct step once.

**Path** — one query in the common case: ``allShortestPaths`` between the two
nodes, direction ignored, capped at :data:`PATH_CAP` paths; Python picks the
lexicographically smallest id sequence (Cypher compares parameter strings by
UTF-16 units and stored strings by code points, so the choice is made in
Python, where it matches the memory side). When two nodes are joined by more
shortest paths than the cap, enumerating them could explode; the answer then
comes from :func:`orgnet.queries._paths.smallest_shortest_path` (the routine
the memory engine uses) over :data:`_EXPAND`, one query per layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, LiteralString

from orgnet.errors import InvalidArgument, NotFound
from orgnet.io.messages import with_article
from orgnet.model import LABELS
from orgnet.queries._facts import ChainTable
from orgnet.queries._neo4j_coverage import active

if TYPE_CHECKING:
    from orgnet.graph.base import GraphStore
    from orgnet.graph.neo4j import Neo4jStore

__all__ = ["chains_neo4j", "path_neo4j", "CHAIN_QUERY", "PATH_QUERY", "PATH_CAP"]

PATH_CAP: Final[int] = 1_000
"""Shortest paths enumerated by ``allShortestPaths`` before falling back to the layered search."""

_ROLE_HOLDERS: Final[LiteralString] = "[(x)<-[hr:HOLDS_ROLE]-(q) WHERE " + active("hr") + " | q.id]"

_LABEL_OF: Final[LiteralString] = "[l IN labels(x) WHERE l IN $labels][0]"

CHAIN_QUERY: Final[LiteralString] = (
    "UNWIND $ids AS sid MATCH (n:Entity {id: sid}) "
    "WITH sid, n, [l IN labels(n) WHERE l IN $labels][0] AS label "
    "WITH sid, n, label, "
    "CASE WHEN label = 'Matter' THEN [(n)-[:ASSIGNED_TO]->(x) | x.id][0] END AS assignee, "
    "CASE label WHEN 'Household' THEN n "
    "WHEN 'Person' THEN [(n)-[:LIVES_IN]->(h) | h][0] "
    "WHEN 'Matter' THEN [(r)-[:RAISED]->(n) | "
    "CASE WHEN r:Household THEN r ELSE [(r)-[:LIVES_IN]->(h) | h][0] END][0] "
    "END AS h "
    "WITH sid, label, assignee, h, CASE WHEN h IS NULL THEN null ELSE [(h)-[:IN]->(b) | b][0] END AS b "
    "WITH sid, label, assignee, h, b, CASE WHEN b IS NULL THEN null ELSE [(b)-[:IN]->(g) | g][0] END AS g "
    "RETURN sid, label, assignee, h.id AS household, "
    "CASE WHEN h IS NULL THEN [] ELSE [(h)<-[:CONTACTS]-(p) WHERE p.is_member = true | p.id] END AS contacts, "
    "b.id AS building, "
    "CASE WHEN b IS NULL THEN [] ELSE [(b)<-[hr:HOLDS_ROLE]-(q) WHERE " + active("hr") + " | q.id] END AS building_people, "
    "CASE WHEN g IS NULL THEN [] ELSE [path = (g)-[:PART_OF*0..]->(x) | "
    "[length(path), x.id, x.level, [(x)<-[:COVERS]-(o) | o.id], "
    + _ROLE_HOLDERS
    + " + [(x)<-[:COVERS]-(o)<-[hr:HOLDS_ROLE]-(q) WHERE " + active("hr") + " | q.id], "
    "[x.id, " + _LABEL_OF + ", x.name], "
    "[(x)<-[:COVERS]-(o) | [o.id, [l IN labels(o) WHERE l IN $labels][0], o.name]]]] END AS areas, "
    "[x IN [h, b] WHERE x IS NOT NULL | [x.id, " + _LABEL_OF + ", x.name]] AS known"
)
"""The whole chain of each household, person or matter in ``$ids``, one row each."""

CHAIN_BATCH: Final[int] = 5_000
"""Start ids per chain query (a batch of chains costs one round trip per this many ids)."""

_EXISTS: Final[LiteralString] = (
    "OPTIONAL MATCH (a:Entity {id: $a}) OPTIONAL MATCH (b:Entity {id: $b}) "
    "RETURN a IS NOT NULL AS has_a, b IS NOT NULL AS has_b"
)

PATH_QUERY: Final[LiteralString] = (
    "OPTIONAL MATCH (a:Entity {id: $a}) OPTIONAL MATCH (b:Entity {id: $b}) "
    "WITH a, b "
    "OPTIONAL MATCH p = allShortestPaths((a)-[*]-(b)) "
    "WITH a, b, p LIMIT $limit "
    "RETURN a IS NOT NULL AS has_a, b IS NOT NULL AS has_b, [x IN nodes(p) | x.id] AS ids"
)
"""Existence of both ends and up to ``$limit`` shortest paths (as id lists) between them."""

_EXPAND: Final[LiteralString] = (
    "UNWIND $ids AS id MATCH (n:Entity {id: id})--(m) "
    "WHERE m.id IS NOT NULL "
    "RETURN id, collect(DISTINCT m.id) AS neighbours"
)


def _neo4j(store: GraphStore) -> Neo4jStore:
    from orgnet.graph.neo4j import Neo4jStore

    assert isinstance(store, Neo4jStore)
    return store


def chains_neo4j(store: GraphStore, node_ids: list[str],
                 window: tuple[str, str] | None = None,
                 known: dict[str, tuple[str, str | None]] | None = None) -> ChainTable:
    """The chains of many starts, one query per :data:`CHAIN_BATCH` ids, in the order given.

    ``known``, when given, receives the label and name of every node on the chains (household,
    building, areas and the orgs covering them), so naming them needs no second round trip.

    Raises
    ------
    NotFound
        For the first id that is not in the graph.
    InvalidArgument
        For the first id that is neither a household, a person nor a matter.

    Examples
    --------
    >>> table = chains_neo4j(store, ["H1"])
    >>> [table.levels[i] for i in (table.first[0], table.up[table.first[0]])]
    ['household', 'building']
    """
    neo = _neo4j(store)
    found: dict[str, Any] = {}
    for i in range(0, len(node_ids), CHAIN_BATCH):
        batch = list(dict.fromkeys(node_ids[i : i + CHAIN_BATCH]))
        for r in neo.run(CHAIN_QUERY, ids=batch, labels=sorted(LABELS),
                         lo=window[0] if window else None, hi=window[1] if window else None):
            found[r["sid"]] = r
            if known is not None:
                for node_id, label, name in r["known"]:
                    known[node_id] = (label, name)
                for area in r["areas"]:
                    node_id, label, name = area[5]
                    known[node_id] = (label, name)
                    for org_id, org_label, org_name in area[6]:
                        known[org_id] = (org_label, org_name)
    return _table_of(node_ids, found)


def _table_of(node_ids: list[str], found: dict[str, Any]) -> ChainTable:
    """The contract's table from the query's records: one step per (kind, node), ``up`` from each walk."""
    table = ChainTable(list(node_ids), [], [], [], [], [], [], [], [])
    index: dict[tuple[str, str], int] = {}

    def add(kind: str, level: str, node_id: str, orgs: list[str], people: list[str]) -> tuple[int, bool]:
        got = index.get((kind, node_id))
        if got is not None:
            return got, False
        index[(kind, node_id)] = j = len(table.levels)
        table.levels.append(level)
        table.node_ids.append(node_id)
        table.orgs.append(sorted(set(orgs)))
        table.people.append(sorted(set(people)))
        table.up.append(-1)
        return j, True

    for node_id in node_ids:
        r = found.get(node_id)
        if r is None:
            raise NotFound(node_id)
        label = r["label"]
        if label not in ("Household", "Person", "Matter"):
            raise InvalidArgument(
                f"{node_id!r} is {with_article(label)}; a contact chain starts from a Household, Person or Matter"
            )
        household = r["household"]
        table.households.append(household)
        table.assignees.append(r["assignee"])
        if household is None:
            table.first.append(-1)
            continue
        h, new = add("household", "household", household, [], r["contacts"])
        table.first.append(h)
        if not new or r["building"] is None:
            continue
        b, new = add("building", "building", r["building"], [], r["building_people"])
        table.up[h] = b
        if not new:
            continue
        below = b
        for _, area, level, orgs, people, *_names in sorted(r["areas"], key=lambda a: a[0]):
            a, new = add("area", level, area, orgs, people)
            table.up[below] = a
            if not new:  # walked up from here already (by another start, or a PART_OF cycle closes)
                break
            below = a
    return table


def path_neo4j(store: GraphStore, a: str, b: str) -> list[str]:
    """A shortest path between two nodes, direction ignored, lexicographically smallest.

    Returns
    -------
    list of str
        The ids from ``a`` to ``b``; ``[a]`` when ``a == b``; ``[]`` when no path exists.

    Raises
    ------
    NotFound
        When ``a`` or ``b`` is not in the graph.

    Examples
    --------
    >>> path_neo4j(store, "P3", "P5")
    ['P3', 'H3', 'P5']
    """
    from orgnet.queries._neo4j import Neo4jEngine

    return Neo4jEngine(_neo4j(store)).path(a, b)
