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
    connected, the shortest path numbered ``floor(draws[i] * sigma)`` of their
    ``sigma`` shortest paths: with ``draws`` uniform in [0, 1), a uniform one.
    The number is decoded from the target backwards, each predecessor ``p`` of
    ``w`` taking a share ``sigma[p] / sigma[w]`` of the remaining range.
    """
    n = indptr.shape[0] - 1
    samples = sources.shape[0]
    parts = np.zeros((chunks, n), dtype=np.float64)
    for c in _prange(chunks):
        dist = np.full(n, -1, dtype=np.int64)
        sigma = np.zeros(n, dtype=np.float64)
        order = np.empty(n, dtype=np.int64)
        hits = parts[c]
        for i in range(c, samples, chunks):
            u = sources[i]
            t = targets[i]
            dist[u] = 0
            sigma[u] = 1.0
            order[0] = u
            head = 0
            tail = 1
            while head < tail:
                v = order[head]
                if dist[t] >= 0 and dist[v] >= dist[t]:
                    break
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
            w = t
            pick = draws[i] * sigma[t]
            while dist[w] > 1:
                dw = dist[w] - 1
                nxt = -1
                for j in range(indptr[w], indptr[w + 1]):
                    v = indices[j]
                    if dist[v] == dw:
                        nxt = v
                        if pick < sigma[v]:
                            break
                        pick -= sigma[v]
                pick = min(pick, sigma[nxt] - 1.0)
                w = nxt
                hits[w] += 1.0
            for k in range(tail):
                w = order[k]
                dist[w] = -1
                sigma[w] = 0.0
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
