"""Compiled loops behind :mod:`orgnet.algorithms.betweenness`.

Plain Python functions over numpy arrays, compiled with numba on first use
(:func:`compiled`); the same functions run uncompiled when numba is missing
(slow, but the same numbers). Graphs are CSR arrays ``indptr``/``indices`` of a
simple undirected graph (each edge stored in both directions).
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

import numpy as np

__all__ = ["compiled"]

def prune_leaves(indptr: Any, indices: Any, n: int) -> Any:
    """Remove degree-1 vertices until none is left; return (removed, weight, sumsq, degree).

    ``weight[v]`` counts the vertices folded into ``v`` (itself included);
    ``sumsq[v]`` is the sum of the squares of the folded subtrees' sizes;
    ``degree`` is what is left of each vertex's degree.
    """
    degree = (indptr[1:] - indptr[:-1]).astype(np.int64)
    removed = np.zeros(n, dtype=np.bool_)
    weight = np.ones(n, dtype=np.int64)
    sumsq = np.zeros(n, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    top = 0
    for v in range(n):
        if degree[v] == 1:
            stack[top] = v
            top += 1
    while top > 0:
        top -= 1
        u = stack[top]
        if removed[u] or degree[u] != 1:
            continue
        parent = -1
        for j in range(indptr[u], indptr[u + 1]):
            w = indices[j]
            if not removed[w]:
                parent = w
                break
        removed[u] = True
        degree[u] = 0
        weight[parent] += weight[u]
        sumsq[parent] += weight[u] * weight[u]
        degree[parent] -= 1
        if degree[parent] == 1:
            stack[top] = parent
            top += 1
    return removed, weight, sumsq, degree


def weighted_brandes(indptr: Any, indices: Any, weight: Any, chunks: int) -> Any:
    """Brandes' dependency accumulation from every source, each pair weighted.

    Returns, per vertex ``v``, the sum over ordered pairs ``(s, t)``, ``v`` not
    in ``{s, t}``, of ``weight[s] * weight[t] * sigma_st(v) / sigma_st``
    (Sariyuce et al., 2013: ``weight`` counts the tree vertices folded into a
    vertex). Sources are split into ``chunks`` blocks summed in a fixed order,
    so the result does not depend on the number of threads.
    """
    n = indptr.shape[0] - 1
    parts = np.zeros((chunks, n), dtype=np.float64)
    for c in _prange(chunks):
        dist = np.full(n, -1, dtype=np.int32)
        sigma = np.zeros(n, dtype=np.float64)
        delta = np.zeros(n, dtype=np.float64)
        order = np.empty(n, dtype=np.int32)
        bc = parts[c]
        for s in range(c, n, chunks):
            dist[s] = 0
            sigma[s] = 1.0
            order[0] = s
            head = 0
            tail = 1
            while head < tail:
                v = order[head]
                head += 1
                dv = dist[v] + 1
                sv = sigma[v]
                for j in range(indptr[v], indptr[v + 1]):
                    w = indices[j]
                    if dist[w] < 0:
                        dist[w] = dv
                        order[tail] = w
                        tail += 1
                    if dist[w] == dv:
                        sigma[w] += sv
            ws = weight[s]
            for i in range(tail - 1, 0, -1):
                w = order[i]
                coeff = (weight[w] + delta[w]) / sigma[w]
                dw = dist[w] - 1
                for j in range(indptr[w], indptr[w + 1]):
                    v = indices[j]
                    if dist[v] == dw:
                        delta[v] += sigma[v] * coeff
                bc[w] += ws * delta[w]
            for i in range(tail):
                w = order[i]
                dist[w] = -1
                sigma[w] = 0.0
                delta[w] = 0.0
    out = np.zeros(n, dtype=np.float64)
    for c in range(chunks):
        out += parts[c]
    return out


def farthest(indptr: Any, indices: Any, starts: Any) -> Any:
    """Distances by breadth-first search from ``starts`` (one vertex per component); -1 unreached."""
    n = indptr.shape[0] - 1
    dist = np.full(n, -1, dtype=np.int64)
    order = np.empty(n, dtype=np.int64)
    tail = 0
    for s in starts:
        dist[s] = 0
        order[tail] = s
        tail += 1
    head = 0
    while head < tail:
        v = order[head]
        head += 1
        for j in range(indptr[v], indptr[v + 1]):
            w = indices[j]
            if dist[w] < 0:
                dist[w] = dist[v] + 1
                order[tail] = w
                tail += 1
    return dist


def sample_paths(indptr: Any, indices: Any, sources: Any, targets: Any, draws: Any,
                 chunks: int) -> Any:
    """Riondato-Kornaropoulos sampling: per vertex, how many of the sampled
    shortest paths pass through it (endpoints excluded).

    Sample ``i`` takes the pair ``(sources[i], targets[i])`` and, if they are
    connected, one of their shortest paths uniformly at random, drawn with the
    three uniforms ``draws[i]``. The paths are found by a balanced
    bidirectional search (as in KADABRA, Borassi and Natale 2016): each step
    grows, by one level, the side whose frontier has fewer edges; when the
    balls touch, every shortest path crosses the new level at exactly one
    vertex ``w``, chosen with probability ``sigma_s(w) * sigma_t(w) / sigma_st``,
    and the two halves are drawn backwards, each predecessor ``p`` of a vertex
    ``v`` with probability ``sigma(p) / sigma(v)``.
    """
    n = indptr.shape[0] - 1
    samples = sources.shape[0]
    parts = np.zeros((chunks, n), dtype=np.float64)
    for c in _prange(chunks):
        dist = np.full((2, n), -1, dtype=np.int32)
        sigma = np.zeros((2, n), dtype=np.float64)
        order = np.empty((2, n), dtype=np.int32)
        hits = parts[c]
        for i in range(c, samples, chunks):
            ends = (sources[i], targets[i])
            lo = np.zeros(2, dtype=np.int64)  # current level of side x: order[x, lo[x]:hi[x]]
            hi = np.ones(2, dtype=np.int64)
            work = np.zeros(2, dtype=np.int64)  # edges out of each side's current level
            for x in range(2):
                e = ends[x]
                dist[x, e] = 0
                sigma[x, e] = 1.0
                order[x, 0] = e
                work[x] = indptr[e + 1] - indptr[e]
            met = False
            side = 0
            while not met and hi[0] > lo[0] and hi[1] > lo[1]:
                side = 0 if work[0] <= work[1] else 1
                end = hi[side]
                w_sum = 0
                for k in range(lo[side], hi[side]):
                    v = order[side, k]
                    dv = dist[side, v] + 1
                    sv = sigma[side, v]
                    for j in range(indptr[v], indptr[v + 1]):
                        w = indices[j]
                        if dist[side, w] < 0:
                            dist[side, w] = dv
                            order[side, end] = w
                            end += 1
                            w_sum += indptr[w + 1] - indptr[w]
                            if dist[1 - side, w] >= 0:
                                met = True
                        if dist[side, w] == dv:
                            sigma[side, w] += sv
                lo[side] = hi[side]
                hi[side] = end
                work[side] = w_sum
            if met:
                other = 1 - side
                total = 0.0
                for k in range(lo[side], hi[side]):
                    w = order[side, k]
                    if dist[other, w] >= 0:
                        total += sigma[side, w] * sigma[other, w]
                pick = draws[i, 0] * total
                mid = -1
                for k in range(lo[side], hi[side]):
                    w = order[side, k]
                    if dist[other, w] >= 0:
                        mid = w
                        pick -= sigma[side, w] * sigma[other, w]
                        if pick < 0.0:
                            break
                if dist[0, mid] > 0 and dist[1, mid] > 0:
                    hits[mid] += 1.0
                for x in range(2):
                    v = mid
                    pick = draws[i, 1 + x] * sigma[x, v]
                    while dist[x, v] > 1:
                        dv = dist[x, v] - 1
                        nxt = -1
                        for j in range(indptr[v], indptr[v + 1]):
                            p = indices[j]
                            if dist[x, p] == dv:
                                nxt = p
                                if pick < sigma[x, p]:
                                    break
                                pick -= sigma[x, p]
                        pick = min(pick, sigma[x, nxt] - 1.0)
                        v = nxt
                        hits[v] += 1.0
            for x in range(2):
                for k in range(hi[x]):
                    w = order[x, k]
                    dist[x, w] = -1
                    sigma[x, w] = 0.0
    out = np.zeros(n, dtype=np.float64)
    for c in range(chunks):
        out += parts[c]
    return out


def _prange(n: int) -> range:
    """``range`` in Python; numba's ``prange`` once compiled (see :func:`compiled`)."""
    return range(n)


@functools.cache
def compiled() -> SimpleNamespace:
    """The kernels compiled with numba (parallel over chunks), or plain Python without it."""
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency
        return SimpleNamespace(prune_leaves=prune_leaves, weighted_brandes=weighted_brandes,
                               farthest=farthest, sample_paths=sample_paths)
    jit = numba.njit(cache=True, nogil=True)
    pjit = numba.njit(cache=True, nogil=True, parallel=True)
    globals()["_prange"] = numba.prange
    return SimpleNamespace(
        prune_leaves=jit(prune_leaves),
        weighted_brandes=pjit(weighted_brandes),
        farthest=jit(farthest),
        sample_paths=pjit(sample_paths),
    )
