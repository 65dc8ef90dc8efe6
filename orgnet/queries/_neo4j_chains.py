"""Contact chains and contact paths computed inside Neo4j.

**Chain** — one query: it resolves the start (a household; a person's
household; a matter's raising household or its raiser's household, and the
matter's assignee), then reads the building, the grid and every area above it
(``PART_OF*0..``) with the orgs covering each and the people holding roles on
it or on those orgs. Python assembles the steps with
:func:`~orgnet.queries.chains.chain_from_rows`, as the memory side does.

**Path** — one query in the common case: ``allShortestPaths`` between the two
nodes, direction ignored, capped at :data:`PATH_CAP` paths; Python picks the
lexicographically smallest id sequence (Cypher compares parameter strings by
UTF-16 units and stored strings by code points, so the choice is made in
Python, where it matches the memory side). When two nodes are joined by more
shortest paths than the cap, enumerating them could explode; the answer then
comes from a bidirectional breadth-first search driven from Python, one query
per layer (at most the path's length plus one), which finds the same path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, LiteralString

from orgnet.errors import InvalidArgument, NotFound
from orgnet.model import LABELS

if TYPE_CHECKING:
    from orgnet.graph.base import GraphStore
    from orgnet.graph.neo4j import Neo4jStore
    from orgnet.queries.chains import Chain

__all__ = ["chain_neo4j", "chains_neo4j", "path_neo4j", "CHAIN_QUERY", "PATH_QUERY", "PATH_CAP"]

PATH_CAP: Final[int] = 1_000
"""Shortest paths enumerated by ``allShortestPaths`` before falling back to the layered search."""

_ROLE_HOLDERS: Final[LiteralString] = "[(x)<-[:HOLDS_ROLE]-(q) | q.id]"

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
    "CASE WHEN b IS NULL THEN [] ELSE [(b)<-[:HOLDS_ROLE]-(q) | q.id] END AS building_people, "
    "CASE WHEN g IS NULL THEN [] ELSE [path = (g)-[:PART_OF*0..]->(x) | "
    "[length(path), x.id, x.level, [(x)<-[:COVERS]-(o) | o.id], "
    + _ROLE_HOLDERS
    + " + [(x)<-[:COVERS]-(o)<-[:HOLDS_ROLE]-(q) | q.id]]] END AS areas"
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


def chain_neo4j(store: GraphStore, node_id: str) -> Chain:
    """The 三提三知 chain of a household, person or matter, read from Neo4j in one query.

    Parameters
    ----------
    store : Neo4jStore
    node_id : str
        A household, person or matter id.

    Returns
    -------
    Chain
        The same chain as the memory side's.

    Raises
    ------
    NotFound
        When ``node_id`` is not in the graph.
    ValueError
        When it is neither a household, a person nor a matter.

    Examples
    --------
    >>> [s.level for s in chain_neo4j(store, "H1").steps]
    ['household', 'building', 'grid', 'community', 'subdistrict', 'district', 'city']
    """
    return chains_neo4j(store, [node_id])[0]


def chains_neo4j(store: GraphStore, node_ids: list[str]) -> list[Chain]:
    """The chains of many starts, one query per :data:`CHAIN_BATCH` ids, in the order given.

    Raises
    ------
    NotFound
        For the first id that is not in the graph.
    InvalidArgument
        For the first id that is neither a household, a person nor a matter.

    Examples
    --------
    >>> [c.broken_at for c in chains_neo4j(store, ["H1", "M2"])]
    ['subdistrict', 'building']
    """
    neo = _neo4j(store)
    found: dict[str, Any] = {}
    for i in range(0, len(node_ids), CHAIN_BATCH):
        batch = list(dict.fromkeys(node_ids[i : i + CHAIN_BATCH]))
        for r in neo.run(CHAIN_QUERY, ids=batch, labels=sorted(LABELS)):
            found[r["sid"]] = r
    return [_chain_of(node_id, found.get(node_id)) for node_id in node_ids]


def _chain_of(node_id: str, r: Any) -> Chain:
    from orgnet.queries.chains import chain_from_rows

    if r is None:
        raise NotFound(node_id)
    label = r["label"]
    if label not in ("Household", "Person", "Matter"):
        raise InvalidArgument(
            f"{node_id!r} is a {label}; a contact chain starts from a Household, Person or Matter"
        )
    household = r["household"]
    assignee = r["assignee"]
    if household is None:
        return chain_from_rows(node_id, None, assignee, [])
    rows: list[dict[str, Any]] = [
        {"level": "household", "node_id": household, "orgs": [], "people": list(r["contacts"])}
    ]
    if r["building"] is not None:
        rows.append(
            {"level": "building", "node_id": r["building"], "orgs": [], "people": list(r["building_people"])}
        )
        seen: set[str] = set()
        for _, area, level, orgs, people in sorted(r["areas"], key=lambda a: a[0]):
            if area in seen:  # a PART_OF cycle: stop where the walk would repeat
                break
            seen.add(area)
            rows.append({"level": level, "node_id": area, "orgs": list(orgs), "people": list(people)})
    return chain_from_rows(node_id, household, assignee, rows)


def path_neo4j(store: GraphStore, a: str, b: str) -> list[str]:
    """A shortest path between two nodes, direction ignored, lexicographically smallest.

    Parameters
    ----------
    store : Neo4jStore
    a, b : str
        Node ids.

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
    neo = _neo4j(store)
    if a == b:
        found = neo.run(_EXISTS, a=a, b=b)[0]
        if not found["has_a"]:
            raise NotFound(a)
        return [a]
    records = neo.run(PATH_QUERY, a=a, b=b, limit=PATH_CAP + 1)
    first = records[0]
    if not first["has_a"]:
        raise NotFound(a)
    if not first["has_b"]:
        raise NotFound(b)
    paths = [list(r["ids"]) for r in records if r["ids"] is not None]
    if not paths:
        return []
    if len(paths) <= PATH_CAP:
        return min(paths)
    return _layered_path(neo, a, b)


def _layered_path(neo: Neo4jStore, a: str, b: str) -> list[str]:
    """Bidirectional breadth-first search, one query per layer; the smallest shortest path.

    Layers grow from the side with the smaller frontier until they meet; the
    middle layer ``M`` (nodes at distance ``ka`` from ``a`` and ``kb`` from
    ``b``) then fixes the nodes on shortest paths, position by position, and
    a greedy walk from ``a`` to the smallest next id gives the
    lexicographically smallest one.
    """
    adj: dict[str, set[str]] = {}
    dist = {a: {a: 0}, b: {b: 0}}
    frontier = {a: [a], b: [b]}
    depth = {a: 0, b: 0}
    middle: set[str] = set()
    while not middle:
        side = a if len(frontier[a]) <= len(frontier[b]) else b
        other = b if side == a else a
        if not frontier[side]:
            return []
        nxt: list[str] = []
        for r in neo.run(_EXPAND, ids=frontier[side]):
            node = r["id"]
            for m in r["neighbours"]:
                adj.setdefault(node, set()).add(m)
                adj.setdefault(m, set()).add(node)
                if m not in dist[side]:
                    dist[side][m] = depth[side] + 1
                    nxt.append(m)
        depth[side] += 1
        frontier[side] = nxt
        middle = {m for m in nxt if dist[other].get(m) == depth[other]}
    ka, length = depth[a], depth[a] + depth[b]
    layers: list[set[str]] = [set() for _ in range(length + 1)]
    layers[ka] = middle
    for k in range(ka - 1, -1, -1):
        layers[k] = {x for x, d in dist[a].items() if d == k and adj.get(x, set()) & layers[k + 1]}
    for k in range(ka + 1, length + 1):
        layers[k] = {z for z, d in dist[b].items() if d == length - k and adj.get(z, set()) & layers[k - 1]}
    path = [a]
    for k in range(1, length + 1):
        path.append(min(adj[path[-1]] & layers[k]))
    return path
