"""Betweenness centrality of large sparse graphs given as integer edge arrays.

:func:`betweenness` computes networkx's ``betweenness_centrality(G,
normalized=True)`` of the simple undirected graph on vertices ``0 .. n-1``
whose edges are the rows of an ``(m, 2)`` integer array (self-loops and
repeated edges in either direction count once, as in ``nx.Graph``).

``mode="exact"`` folds every tree hanging off the graph into the vertex it
hangs from and counts the pairs those trees route through in closed form
(Baglioni et al., 2012; Sariyuce et al., 2013), then runs Brandes' algorithm
with vertex weights on what is left, compiled with numba and parallel over
sources. On orgnet's city influence projection (62,365 vertices, 111,293
edges) 25,346 vertices are leaves and the folded graph keeps 36,958 vertices:
see ``benchmarks/betweenness.py`` and ``benchmarks/RESULTS.md``.

``mode="sample"`` is the estimator of Riondato and Kornaropoulos (2016): it
samples pairs of vertices and one shortest path between them uniformly (found
by a balanced bidirectional search, as KADABRA does); with
``r`` samples and a graph whose shortest paths have at most ``VD`` vertices,
every vertex's estimate is within ``epsilon`` of its exact value with
probability at least ``1 - delta``, where ``r = (c / epsilon^2) *
(floor(log2(VD - 2)) + 1 + ln(1 / delta))`` and ``c = 0.5``. ``VD`` is bounded
from above by a breadth-first search from one vertex per component; the
bound is stated on networkx's normalised scale in
:attr:`BetweennessResult.error_bound`.

Examples
--------
>>> import numpy as np
>>> from orgnet.algorithms import betweenness
>>> path = np.array([[0, 1], [1, 2], [2, 3]])
>>> betweenness(path, 4).values.round(4).tolist()
[0.0, 0.6667, 0.6667, 0.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from orgnet.errors import InvalidArgument

__all__ = ["BetweennessResult", "betweenness", "sample_size", "error_bound"]

CHUNKS = 8
"""Blocks the sources (or samples) are split into; fixed, so results do not depend on threads."""

RK_CONSTANT = 0.5
"""The constant ``c`` of Riondato and Kornaropoulos' sample size (Loffler and Phillips)."""


@dataclass(frozen=True)
class BetweennessResult:
    """Betweenness of every vertex and how it was obtained.

    Attributes
    ----------
    values : numpy.ndarray
        ``float64`` of length ``n``: networkx's normalised betweenness (exact),
        or its estimate (sample).
    mode : {"exact", "sample"}
    error_bound : float or None
        ``None`` when exact; otherwise every value is within this of the exact
        one with probability at least ``1 - delta``.
    delta : float or None
        The failure probability of ``error_bound`` (``None`` when exact).
    samples : int
        Sampled shortest paths (0 when exact).
    core : int
        Vertices left for Brandes' algorithm after folding trees (exact), or
        ``n`` (sample).
    """

    values: npt.NDArray[np.float64]
    mode: Literal["exact", "sample"]
    error_bound: float | None
    delta: float | None
    samples: int
    core: int


def betweenness(edges: npt.ArrayLike, n: int, *, mode: Literal["exact", "sample"] = "exact",
                samples: int | None = None, epsilon: float | None = None, delta: float = 0.1,
                seed: int = 0) -> BetweennessResult:
    """Normalised betweenness of the undirected simple graph on ``0 .. n-1``.

    Parameters
    ----------
    edges : array_like of int, shape (m, 2)
        One row per edge; self-loops and repeats (either direction) count once.
    n : int
        Number of vertices; those on no edge are isolated (betweenness 0).
    mode : {"exact", "sample"}
        ``"exact"`` equals networkx's ``betweenness_centrality(G,
        normalized=True)``. ``"sample"`` estimates it from sampled shortest
        paths with a guaranteed error bound.
    samples : int, optional
        ``"sample"`` only: how many paths to sample; the bound follows from it.
    epsilon : float, optional
        ``"sample"`` only, instead of ``samples``: the error bound wanted (on
        networkx's normalised scale); the number of samples follows from it.
        With neither, ``epsilon=0.02``.
    delta : float
        ``"sample"`` only: the probability that some estimate misses the bound.
    seed : int
        ``"sample"`` only: the same seed gives the same estimate.

    Returns
    -------
    BetweennessResult

    Raises
    ------
    InvalidArgument
        For a malformed edge array, a vertex outside ``0 .. n-1``, an unknown
        mode, or sampling options that do not fit the mode.

    Examples
    --------
    A star's centre lies on every path between two leaves:

    >>> import numpy as np
    >>> star = np.array([[0, 1], [0, 2], [0, 3], [0, 4]])
    >>> betweenness(star, 6).values.tolist()
    [0.6, 0.0, 0.0, 0.0, 0.0, 0.0]

    Sampling states its bound:

    >>> est = betweenness(star, 6, mode="sample", samples=2000, seed=1)
    >>> est.mode, est.samples, round(est.error_bound, 3)
    ('sample', 2000, 0.043)
    >>> bool(abs(est.values[0] - 0.6) <= est.error_bound)
    True
    """
    if mode not in ("exact", "sample"):
        raise InvalidArgument(f"mode must be 'exact' or 'sample', not {mode!r}")
    if mode == "exact" and (samples is not None or epsilon is not None):
        raise InvalidArgument("samples and epsilon are options of mode='sample', not of exact betweenness")
    if samples is not None and epsilon is not None:
        raise InvalidArgument("give samples or epsilon, not both: each determines the other")
    if samples is not None and (isinstance(samples, bool) or samples < 1):
        raise InvalidArgument(f"samples must be a positive integer, got {samples!r}")
    if epsilon is not None and not 0 < epsilon < 1:
        raise InvalidArgument(f"epsilon must be between 0 and 1, got {epsilon!r}")
    if not 0 < delta < 1:
        raise InvalidArgument(f"delta must be between 0 and 1, got {delta!r}")
    indptr, indices = csr(edges, n)
    if mode == "exact":
        return _exact(indptr, indices, n)
    return _sample(indptr, indices, n, samples=samples, epsilon=0.02 if samples is None and epsilon is None
                   else epsilon, delta=delta, seed=seed)


def csr(edges: npt.ArrayLike, n: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """CSR arrays of the simple undirected graph (``indptr``, sorted ``indices``).

    Examples
    --------
    >>> indptr, indices = csr([[1, 0], [0, 1], [2, 2]], 3)
    >>> indptr.tolist(), indices.tolist()
    ([0, 1, 2, 2], [1, 0])
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise InvalidArgument(f"n must be a non-negative integer, got {n!r}")
    arr = np.asarray(edges)
    if arr.size == 0:  # [] is float to numpy; no edges is no edges
        arr = np.empty((0, 2), dtype=np.int64)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise InvalidArgument(f"edges must have shape (m, 2), got {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise InvalidArgument(f"edges must be integers, got dtype {arr.dtype}")
    arr = arr.astype(np.int64, copy=False)
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        raise InvalidArgument(f"edges name vertices outside 0 .. {n - 1}")
    lo, hi = np.minimum(arr[:, 0], arr[:, 1]), np.maximum(arr[:, 0], arr[:, 1])
    keep = lo != hi
    key = np.unique(lo[keep] * np.int64(max(n, 1)) + hi[keep])
    lo, hi = key // max(n, 1), key % max(n, 1)
    src = np.concatenate([lo, hi])
    dst = np.concatenate([hi, lo])
    order = np.lexsort((dst, src))
    indices = dst[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, indices.astype(np.int64)


def sample_size(epsilon: float, delta: float, vertex_diameter: int) -> int:
    """Samples for error ``epsilon`` with probability ``1 - delta`` (Riondato-Kornaropoulos scale).

    Examples
    --------
    >>> sample_size(0.05, 0.1, 10)
    1261
    """
    return math.ceil(RK_CONSTANT / epsilon ** 2 * _log_term(delta, vertex_diameter))


def error_bound(samples: int, delta: float, vertex_diameter: int) -> float:
    """The ``epsilon`` that ``samples`` samples guarantee (Riondato-Kornaropoulos scale).

    Examples
    --------
    >>> bool(error_bound(1261, 0.1, 10) <= 0.05 < error_bound(1260, 0.1, 10))
    True
    """
    return math.sqrt(RK_CONSTANT / samples * _log_term(delta, vertex_diameter))


def _log_term(delta: float, vertex_diameter: int) -> float:
    return math.floor(math.log2(max(vertex_diameter - 2, 1))) + 1 + math.log(1 / delta)


def _exact(indptr: npt.NDArray[np.int64], indices: npt.NDArray[np.int64], n: int) -> BetweennessResult:
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    from orgnet.algorithms._kernels import compiled

    k = compiled()
    values = np.zeros(n, dtype=np.float64)
    if n <= 2 or indices.size == 0:
        return BetweennessResult(values, "exact", None, None, 0, 0)
    graph = csr_matrix((np.ones(indices.size, dtype=np.int8), indices, indptr), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    size = np.bincount(label)[label]
    removed, weight, sumsq, degree = k.prune_leaves(indptr, indices, n)
    # Pairs routed through v within the trees folded into it: between two of
    # its folded subtrees, and from a folded subtree to the rest of v's component.
    folded = (weight - 1).astype(np.float64)
    pairs = (folded * folded - sumsq) / 2 + folded * (size - weight)
    core = np.flatnonzero(~removed & (degree > 0))
    through = np.zeros(n, dtype=np.float64)
    if core.size:
        from scipy.sparse.csgraph import reverse_cuthill_mckee

        sub = graph[core][:, core].tocsr()
        # neighbours numbered close together: the searches touch fewer cache lines
        perm = core[reverse_cuthill_mckee(sub, symmetric_mode=True)]
        sub = graph[perm][:, perm].tocsr()
        sub.sort_indices()
        c_indptr = sub.indptr.astype(np.int64)
        c_indices = sub.indices.astype(np.int32)
        through[perm] = k.weighted_brandes(c_indptr, c_indices, weight[perm].astype(np.float64), CHUNKS)
    values = (2 * pairs + through) / ((n - 1) * (n - 2))
    return BetweennessResult(values, "exact", None, None, 0, int(core.size))


def _sample(indptr: npt.NDArray[np.int64], indices: npt.NDArray[np.int64], n: int, *,
            samples: int | None, epsilon: float | None, delta: float, seed: int) -> BetweennessResult:
    from orgnet.algorithms._kernels import compiled

    k = compiled()
    if n <= 2 or indices.size == 0:
        return BetweennessResult(np.zeros(n), "sample", 0.0, delta, 0, n)
    vd = _vertex_diameter_bound(indptr, indices, n)
    # networkx normalises ordered pairs by (n-1)(n-2); Riondato-Kornaropoulos by n(n-1).
    to_nx = n / (n - 2)
    if samples is None:
        assert epsilon is not None
        samples = sample_size(epsilon / to_nx, delta, vd)
    bound = error_bound(samples, delta, vd) * to_nx if vd > 2 else 0.0
    rng = np.random.default_rng(seed)
    sources = rng.integers(0, n, size=samples, dtype=np.int64)
    targets = rng.integers(0, n - 1, size=samples, dtype=np.int64)
    targets += targets >= sources
    draws = rng.random((samples, 3))
    hits = k.sample_paths(indptr, indices, sources, targets, draws, CHUNKS)
    return BetweennessResult(hits / samples * to_nx, "sample", bound, delta, samples, n)


def _vertex_diameter_bound(indptr: npt.NDArray[np.int64], indices: npt.NDArray[np.int64], n: int) -> int:
    """At least the number of vertices on any shortest path (one search per component)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    from orgnet.algorithms._kernels import compiled

    graph = csr_matrix((np.ones(indices.size, dtype=np.int8), indices, indptr), shape=(n, n))
    count, label = connected_components(graph, directed=False)
    starts = np.unique(label, return_index=True)[1].astype(np.int64)
    dist = compiled().farthest(indptr, indices, starts)
    order = np.lexsort((-dist, label))
    first = np.unique(label[order], return_index=True)[1]
    top = dist[order[first]]
    second = np.where(first + 1 < n, dist[order[np.minimum(first + 1, n - 1)]], 0)
    second = np.where((first + 1 < n) & (label[order[np.minimum(first + 1, n - 1)]] == np.arange(count)),
                      second, 0)
    return int((top + second).max()) + 1

