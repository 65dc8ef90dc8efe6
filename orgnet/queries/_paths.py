"""The one shortest-path routine: both backends give it a neighbour callback.

:func:`smallest_shortest_path` is a bidirectional breadth-first search, a whole
layer at a time from the side with the smaller frontier, until the two sides
meet. The middle layer (nodes at distance ``ka`` from ``a`` and ``kb`` from ``b``)
then fixes the nodes on shortest paths, position by position, and a greedy walk
from ``a`` to the smallest next id gives the lexicographically smallest of the
shortest paths (the contact-path rule of :mod:`orgnet.queries.chains`).

The callback expands a whole frontier at once: the memory engine reads its CSR
adjacency, the Neo4j engine sends one query per layer.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

__all__ = ["smallest_shortest_path"]

H = TypeVar("H", bound=Hashable)


def smallest_shortest_path(
    a: H,
    b: H,
    neighbours: Callable[[list[H]], Iterable[tuple[H, Iterable[H]]]],
    key: Callable[[H], Any] | None = None,
) -> list[H]:
    """The lexicographically smallest shortest path from ``a`` to ``b``, direction ignored.

    Parameters
    ----------
    a, b
        Node handles (ids, or integer codes with ``key`` giving their ids).
    neighbours
        ``neighbours(frontier)`` yields ``(node, its neighbours)`` for the nodes of a frontier.
    key
        Orders handles as their ids (identity by default).

    Returns
    -------
    list
        ``[a]`` when ``a == b``, ``[]`` when no path exists.

    Examples
    --------
    >>> adj = {"a": ["c", "b"], "b": ["a", "d"], "c": ["a", "d"], "d": ["b", "c"]}
    >>> smallest_shortest_path("a", "d", lambda f: ((n, adj[n]) for n in f))
    ['a', 'b', 'd']
    """
    if a == b:
        return [a]
    order = key if key is not None else (lambda h: h)
    adj: dict[H, set[H]] = {}
    dist: dict[H, dict[H, int]] = {a: {a: 0}, b: {b: 0}}
    frontier: dict[H, list[H]] = {a: [a], b: [b]}
    depth = {a: 0, b: 0}
    middle: set[H] = set()
    while not middle:
        side = a if len(frontier[a]) <= len(frontier[b]) else b
        other = b if side == a else a
        if not frontier[side]:
            return []
        seen = dist[side]
        d = depth[side] + 1
        nxt: list[H] = []
        for node, found in neighbours(frontier[side]):
            mine = adj.setdefault(node, set())
            for m in found:
                mine.add(m)
                adj.setdefault(m, set()).add(node)
                if m not in seen:
                    seen[m] = d
                    nxt.append(m)
        depth[side] = d
        frontier[side] = nxt
        far = dist[other]
        target = depth[other]
        middle = {m for m in nxt if far.get(m) == target}
    ka, length = depth[a], depth[a] + depth[b]
    layers: list[set[H]] = [set() for _ in range(length + 1)]
    layers[ka] = middle
    empty: set[H] = set()
    for k in range(ka - 1, -1, -1):
        layers[k] = {x for x, dx in dist[a].items() if dx == k and not adj.get(x, empty).isdisjoint(layers[k + 1])}
    for k in range(ka + 1, length + 1):
        layers[k] = {z for z, dz in dist[b].items()
                     if dz == length - k and not adj.get(z, empty).isdisjoint(layers[k - 1])}
    path = [a]
    for k in range(1, length + 1):
        path.append(min(adj[path[-1]] & layers[k], key=order))
    return path
