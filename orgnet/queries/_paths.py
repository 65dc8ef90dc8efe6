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

import threading
from collections.abc import Callable

import numpy as np

__all__ = ["smallest_shortest_path"]

Expand = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
"""``expand(frontier)`` -> ``(src, dst)``: every edge from a frontier node, direction ignored."""


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (by sorting: this numpy's ``np.unique`` hashes, far slower on big arrays)."""
    if len(values) < 2:
        return values
    out = np.sort(values)
    keep = np.empty(len(out), dtype=bool)
    keep[0] = True
    np.not_equal(out[1:], out[:-1], out=keep[1:])
    return out[keep]


_POOL = threading.local()
"""Per thread: two distance arrays and a mark array, all "unset", reused by every search."""


def _scratch(size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray] | None = getattr(_POOL, "arrays", None)
    if arrays is None or len(arrays[0]) < size:
        arrays = (np.full(size, -1, dtype=np.int32), np.full(size, -1, dtype=np.int32),
                  np.zeros(size, dtype=bool))
        _POOL.arrays = arrays
    return arrays


class _Side:
    def __init__(self, start: int, dist: np.ndarray) -> None:
        self.pooled = dist
        self.dist = dist if start < len(dist) else np.full(start + 1, -1, dtype=np.int32)
        self.dist[start] = 0
        self.touched: list[np.ndarray] = [np.array([start], dtype=np.int64)]
        self.frontier = np.array([start], dtype=np.int64)
        self.depth = 0
        self.pairs: list[tuple[np.ndarray, np.ndarray]] = []
        """Per expanded layer k: the edges (src at distance k, neighbour)."""

    def grow(self, size: int) -> None:
        if size > len(self.dist):
            more = np.full(size - len(self.dist), -1, dtype=np.int32)
            self.dist = np.concatenate([self.dist, more])

    def reset(self) -> None:
        """Leave the pooled array as found: every entry this search set back to unset."""
        touched = np.concatenate(self.touched)
        self.pooled[touched[touched < len(self.pooled)]] = -1


def smallest_shortest_path(a: int, b: int, expand: Expand, key: Callable[[np.ndarray], np.ndarray],
                           size: int = 0, *, bounded: bool = False) -> list[int]:
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
    bounded : bool
        Every handle ``expand`` returns is below ``size`` (the memory engine's codes): the
        arrays never grow, and the search skips looking for a larger handle in each layer.

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
    dist_a, dist_b, pooled_mark = _scratch(size)
    sa, sb = _Side(a, dist_a), _Side(b, dist_b)
    try:
        return _search(a, b, sa, sb, expand, key, pooled_mark, bounded)
    finally:
        sa.reset()
        sb.reset()


def _search(a: int, b: int, sa: _Side, sb: _Side, expand: Expand, key: Callable[[np.ndarray], np.ndarray],
            pooled_mark: np.ndarray, bounded: bool) -> list[int]:
    middle = np.zeros(0, dtype=np.int64)
    while not len(middle):
        side, other = (sa, sb) if len(sa.frontier) <= len(sb.frontier) else (sb, sa)
        if not len(side.frontier):
            return []
        src, dst = expand(side.frontier)
        if not bounded:
            top = int(max(dst.max(initial=-1), src.max(initial=-1))) + 1
            side.grow(top)
            other.grow(top)
        side.pairs.append((src, dst))
        new = _unique(dst[side.dist[dst] < 0])
        side.depth += 1
        side.dist[new] = side.depth
        side.touched.append(new)
        side.frontier = new
        middle = new[other.dist[new] == other.depth]
    ka, kb = sa.depth, sb.depth
    length = ka + kb
    on: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * (length + 1)
    on[ka] = middle
    mark = pooled_mark if len(pooled_mark) >= len(sa.dist) else np.zeros(len(sa.dist), dtype=bool)

    def leading_to(pairs: tuple[np.ndarray, np.ndarray], targets: np.ndarray) -> np.ndarray:
        mark[targets] = True
        found = _unique(pairs[0][mark[pairs[1]]])
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
        cand = _unique(cand)
        keys = key(cand)
        path.append(int(cand[int(np.argmin(keys))]) if len(cand) > 1 else int(cand[0]))
    return path
