"""orgnet.algorithms.betweenness against networkx, the oracle.

Exact values must equal ``nx.betweenness_centrality(G, normalized=True)`` on
the simple undirected graph the edge array describes; sampled values must lie
within their stated bound of the exact ones.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.algorithms import betweenness
from orgnet.algorithms.betweenness import error_bound, sample_size
from orgnet.errors import InvalidArgument


def oracle(edges: list[tuple[int, int]], n: int) -> np.ndarray:
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    bc = nx.betweenness_centrality(g, normalized=True)
    return np.array([bc[v] for v in range(n)])


def check(edges: list[tuple[int, int]], n: int) -> None:
    got = betweenness(np.array(edges, dtype=np.int64).reshape(-1, 2), n)
    assert got.mode == "exact" and got.error_bound is None
    np.testing.assert_allclose(got.values, oracle(edges, n), rtol=0, atol=1e-9)


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[tuple[int, int]], int]:
    """Random graphs with trees hanging off them, repeats, loops and isolated vertices."""
    n = draw(st.integers(0, 40))
    if n == 0:
        return [], 0
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    edges = draw(st.lists(pairs, max_size=3 * n))
    for v in range(1, n):  # a random forest on top: long chains and stars
        if draw(st.booleans()):
            edges.append((v, draw(st.integers(0, v - 1))))
    return edges, n


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_exact_equals_networkx_on_random_graphs(graph: tuple[list[tuple[int, int]], int]) -> None:
    check(*graph)


@pytest.mark.parametrize("make", [
    lambda: nx.path_graph(9),
    lambda: nx.star_graph(7),
    lambda: nx.balanced_tree(3, 3),
    lambda: nx.random_labeled_tree(50, seed=3),
    lambda: nx.cycle_graph(8),
    lambda: nx.complete_graph(6),
    lambda: nx.barbell_graph(5, 3),
    lambda: nx.disjoint_union(nx.path_graph(4), nx.star_graph(5)),
    lambda: nx.disjoint_union_all([nx.path_graph(2), nx.empty_graph(3), nx.cycle_graph(5)]),
    lambda: nx.lollipop_graph(4, 6),
    lambda: nx.complete_bipartite_graph(3, 4),
], ids=["path", "star", "tree", "random-tree", "cycle", "clique", "barbell", "two-parts", "isolated",
        "lollipop", "bipartite"])
def test_exact_equals_networkx_on_shapes(make: object) -> None:
    g = make()  # type: ignore[operator]
    check(list(g.edges), g.number_of_nodes())


def test_repeated_edges_loops_and_directions_count_once() -> None:
    edges = [(0, 1), (1, 0), (1, 2), (1, 2), (2, 2), (2, 3)]
    got = betweenness(edges, 5).values
    np.testing.assert_allclose(got, oracle([(0, 1), (1, 2), (2, 3)], 5), atol=1e-12)
    # hand-worked: on the path 0-1-2-3 plus an isolated 4, vertex 1 lies between
    # (0,2) and (0,3): 2 unordered pairs of 3 * 4 / 2 = 6 possible -> 1/3.
    assert got[1] == pytest.approx(1 / 3)


def test_tiny_graphs_are_zero() -> None:
    assert betweenness(np.empty((0, 2), dtype=int), 0).values.tolist() == []
    assert betweenness([], 3).values.tolist() == [0.0] * 3
    assert betweenness([[0, 1]], 2).values.tolist() == [0.0, 0.0]
    assert betweenness(np.empty((0, 2), dtype=int), 4).values.tolist() == [0.0] * 4


@pytest.mark.slow
def test_exact_equals_networkx_on_the_district_projection() -> None:
    from orgnet import synth

    ds = synth.city("district", seed=0)
    pairs = {(r["source_id"], r["target_id"]) for r in ds["pairings"]}
    pairs |= {(r["organizer_id"], r["activity_id"]) for r in ds["organizers"]}
    pairs |= {(r["member_id"], r["alliance_id"]) for r in ds["alliance_members"]}
    names = sorted({x for p in pairs for x in p})
    index = {name: i for i, name in enumerate(names)}
    edges = [(index[u], index[v]) for u, v in pairs]
    n = len(names)
    got = betweenness(edges, n)
    assert 0 < got.core < n  # trees were folded, something was left
    # The oracle is igraph's exact Brandes (networkx takes minutes here): it counts
    # each unordered pair once, networkx's normalised value is that * 2/((n-1)(n-2));
    # tests/queries/test_oracles.py checks that identity against networkx itself.
    import igraph as ig

    raw = ig.Graph(n=n, edges=sorted({(min(e), max(e)) for e in edges})).betweenness(directed=False)
    np.testing.assert_allclose(got.values, np.array(raw) * 2 / ((n - 1) * (n - 2)), rtol=0, atol=1e-9)


def test_sampled_is_within_its_bound_and_repeatable() -> None:
    g = nx.connected_watts_strogatz_graph(400, 4, 0.1, seed=2)
    g.add_edges_from((v, 400 + v // 3) for v in range(0, 400, 3))  # leaves
    n = g.number_of_nodes()
    edges = list(g.edges)
    exact = oracle(edges, n)
    est = betweenness(edges, n, mode="sample", epsilon=0.02, seed=7)
    assert est.mode == "sample" and est.delta == 0.1
    assert est.error_bound is not None and est.error_bound <= 0.02
    assert np.abs(est.values - exact).max() <= est.error_bound
    assert np.abs(est.values - exact).max() > 0  # an estimate, not the exact values
    again = betweenness(edges, n, mode="sample", epsilon=0.02, seed=7)
    np.testing.assert_array_equal(est.values, again.values)
    other = betweenness(edges, n, mode="sample", epsilon=0.02, seed=8)
    assert not np.array_equal(est.values, other.values)
    fewer = betweenness(edges, n, mode="sample", samples=est.samples // 4, seed=7)
    assert fewer.error_bound == pytest.approx(2 * est.error_bound, rel=1e-3)


def test_sampled_mean_converges_to_exact() -> None:
    # unbiased: averaged over seeds, far closer than any single run's bound
    g = nx.gnm_random_graph(80, 160, seed=4)
    edges, n = list(g.edges), 80
    exact = oracle(edges, n)
    runs = [betweenness(edges, n, mode="sample", samples=2000, seed=s).values for s in range(20)]
    assert np.abs(np.mean(runs, axis=0) - exact).max() < 0.01


def test_sample_size_and_bound_invert_each_other() -> None:
    # Riondato-Kornaropoulos: r = (0.5 / eps^2) (floor(log2(VD - 2)) + 1 + ln(1 / delta))
    r = sample_size(0.05, 0.1, 10)
    assert r == int(np.ceil(0.5 / 0.05**2 * (3 + 1 + np.log(10))))
    assert error_bound(r, 0.1, 10) <= 0.05 < error_bound(r - 1, 0.1, 10)


@pytest.mark.parametrize(("edges", "n", "kwargs"), [
    ([[0, 1, 2]], 3, {}),
    ([[0, 3]], 3, {}),
    ([[-1, 0]], 3, {}),
    ([[0.5, 1]], 3, {}),
    ([[0, 1]], -1, {}),
    ([[0, 1]], 3, {"mode": "approx"}),
    ([[0, 1]], 3, {"samples": 10}),
    ([[0, 1]], 3, {"mode": "sample", "samples": 10, "epsilon": 0.1}),
    ([[0, 1]], 3, {"mode": "sample", "samples": 0}),
    ([[0, 1]], 3, {"mode": "sample", "epsilon": 1.5}),
    ([[0, 1]], 3, {"mode": "sample", "delta": 0}),
])
def test_bad_arguments_raise_invalid_argument(edges: object, n: int, kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidArgument):
        betweenness(edges, n, **kwargs)  # type: ignore[arg-type]
