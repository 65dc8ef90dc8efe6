"""The one shortest-path routine: both engines give it a neighbour callback.

:func:`smallest_shortest_path` is a bidirectional breadth-first search over integer
node handles, a whole layer at a time (numpy arrays, no Python loop per node) from
the side with the smaller frontier, until the two sides meet. The meeting layer
then fixes the nodes on shortest paths, position by position, and a greedy walk
from ``a`` to the smallest next id gives the lexicographically smallest of the
shortest paths (the contact-path rule of :mod:`orgnet.queries.chains`).

The callback expands a whole frontier at once: the memory engine reads its CSR
adjacency (handles are its id codes), the Neo4j engine sends one query per layer
(handles are local numbers it gives the ids it meets).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["smallest_shortest_path"]

Expand = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
"""``expand(frontier)`` -> ``(src, dst)``: every edge from a frontier node, direction ignored."""


class _Side:
    def __init__(self, start: int, size: int) -> None:
        self.dist = np.full(max(size, start + 1), -1, dtype=np.int32)
        self.dist[start] = 0
        self.frontier = np.array([start], dtype=np.int64)
        self.depth = 0
        self.pairs: list[tuple[np.ndarray, np.ndarray]] = []
        """Per expanded layer k: the edges (src at distance k, neighbour)."""

    def grow(self, size: int) -> None:
        if size > len(self.dist):
            more = np.full(size - len(self.dist), -1, dtype=np.int32)
            self.dist = np.concatenate([self.dist, more])


def smallest_shortest_path(a: int, b: int, expand: Expand, key: Callable[[np.ndarray], np.ndarray],
                           size: int = 0) -> list[int]:
    """The lexicographically smallest shortest path from ``a`` to ``b``, direction ignored.

    Parameters
    ----------
    a, b : int
        Node handles (non-negative integers).
    expand : callable
        ``expand(frontier)`` returns ``(src, dst)`` arrays: the edges from the frontier's nodes.
    key : callable
        ``key(handles)`` returns sortable keys (the ids) of handles, to pick the smallest.
    size : int
        A bound on the handles (arrays grow past it when needed).

    Returns
    -------
    list of int
        ``[a]`` when ``a == b``, ``[]`` when no path exists.

    Examples
    --------
    >>> adj = {0: [2, 1], 1: [0, 3], 2: [0, 3], 3: [1, 2]}
    >>> def expand(f):
    ...     src = [n for n in f.tolist() for _ in adj[n]]
    ...     return np.array(src, dtype=np.int64), np.array([m for n in f.tolist() for m in adj[n]], dtype=np.int64)
    >>> names = np.array(["a", "b", "c", "d"], dtype=object)
    >>> smallest_shortest_path(0, 3, expand, lambda h: names[h], size=4)
    [0, 1, 3]
    """
    if a == b:
        return [a]
    sa, sb = _Side(a, size), _Side(b, size)
    middle = np.zeros(0, dtype=np.int64)
    while not len(middle):
        side, other = (sa, sb) if len(sa.frontier) <= len(sb.frontier) else (sb, sa)
        if not len(side.frontier):
            return []
        src, dst = expand(side.frontier)
        top = int(max(dst.max(initial=-1), src.max(initial=-1))) + 1
        side.grow(top)
        other.grow(top)
        side.pairs.append((src, dst))
        new = np.unique(dst[side.dist[dst] < 0])
        side.depth += 1
        side.dist[new] = side.depth
        side.frontier = new
        middle = new[other.dist[new] == other.depth]
    ka, kb = sa.depth, sb.depth
    length = ka + kb
    on: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * (length + 1)
    on[ka] = middle
    mark = np.zeros(len(sa.dist), dtype=bool)

    def leading_to(pairs: tuple[np.ndarray, np.ndarray], targets: np.ndarray) -> np.ndarray:
        mark[targets] = True
        found = np.unique(pairs[0][mark[pairs[1]]])
        mark[targets] = False
        return found

    for k in range(ka - 1, -1, -1):  # a's side: nodes at distance k with an edge to position k+1
        on[k] = leading_to(sa.pairs[k], on[k + 1])
    for k in range(ka + 1, length + 1):  # b's side: position k is at distance length-k from b
        on[k] = leading_to(sb.pairs[length - k], on[k - 1])
    path = [a]
    for k in range(1, length + 1):
        prev = path[-1]
        mark[on[k]] = True
        if k - 1 < ka:  # prev was expanded from a's side
            src, dst = sa.pairs[k - 1]
            cand = dst[(src == prev) & mark[dst]]
        else:  # the next node was expanded from b's side, with an edge back to prev
            src, dst = sb.pairs[length - k]
            cand = src[(dst == prev) & mark[src]]
        mark[on[k]] = False
        cand = np.unique(cand)
        keys = key(cand)
        path.append(int(cand[int(np.argmin(keys))]) if len(cand) > 1 else int(cand[0]))
    return path
