"""The shared shortest-path routine on its own, against networkx, the way each engine calls it.

The memory engine calls :func:`smallest_shortest_path` with handles below ``size`` and
``bounded=True``; the Neo4j engine numbers the ids it meets as it goes, so its handles pass any
``size`` given and the arrays must grow (``bounded=False``). The query tests reach the second
way only on a Neo4j server; here both run on plain graphs, with handles whose order differs
from their ids' order (so the smallest id is not the smallest handle), and many searches in one
thread (the scratch arrays are reused: a search must leave them as it found them).

Oracle: ``min(nx.all_shortest_paths(G, a, b))`` over the ids, ``[]`` when there is no path.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import networkx as nx
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from strategies import oracle_settings

from orgnet.queries._paths import _scratch, smallest_shortest_path

SETTINGS = oracle_settings(150)
T = TypeVar("T")


def oracle(edges: list[tuple[int, int]], ids: list[str], a: int, b: int) -> list[str]:
    g = nx.Graph()
    g.add_nodes_from(range(len(ids)))
    g.add_edges_from(edges)
    named = nx.relabel_nodes(g, dict(enumerate(ids)))
    try:
        return min(nx.all_shortest_paths(named, ids[a], ids[b]))
    except nx.NetworkXNoPath:
        return []


def expander(edges: list[tuple[int, int]], *, reverse: bool = False):  # type: ignore[no-untyped-def]
    """``expand(frontier)`` over an undirected edge list; ``reverse`` lists each node's edges backwards."""
    adj: dict[int, list[int]] = {}
    for u, v in edges:
        adj.setdefault(u, []).append(v)
        adj.setdefault(v, []).append(u)
    if reverse:
        adj = {k: v[::-1] for k, v in adj.items()}

    def expand(frontier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        src = [n for n in frontier.tolist() for _ in adj.get(n, [])]
        dst = [m for n in frontier.tolist() for m in adj.get(n, [])]
        return np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)

    return expand


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[tuple[int, int]], list[str], int, int]:
    n = draw(st.integers(1, 12))
    pairs = [(u, v) for u in range(n) for v in range(u + 1, n)]
    edges = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs))) if pairs else []
    # ids in an order unrelated to the handles: the walk must pick by id, not by handle
    ids = draw(st.permutations([f"N{i:02d}" for i in range(n)]))
    a = draw(st.integers(0, n - 1))
    b = draw(st.integers(0, n - 1))
    return edges, list(ids), a, b


def in_fresh_thread(call: Callable[[], T]) -> T:
    """``call()`` in a new thread (whose scratch arrays are not yet made), its result here."""
    out: list[T] = []
    thread = threading.Thread(target=lambda: out.append(call()))
    thread.start()
    thread.join()
    assert out, "the call raised in its thread"
    return out[0]


def run(edges: list[tuple[int, int]], ids: list[str], a: int, b: int, *, size: int, bounded: bool,
        reverse: bool = False, fresh: bool = False) -> list[str]:
    """The path as ids; ``fresh``: in a new thread, whose scratch arrays start at ``size`` (in this
    thread they may have been left larger by an earlier search, and would never need to grow)."""
    names = np.array(ids, dtype=object)

    def search() -> list[int]:
        return smallest_shortest_path(a, b, expander(edges, reverse=reverse), lambda h: names[h], size=size,
                                      bounded=bounded)

    return [ids[h] for h in (in_fresh_thread(search) if fresh else search())]


# two equal-length routes, the one through the larger handle has the smaller id
DIAMOND = ([(0, 1), (0, 2), (1, 3), (2, 3)], ["A", "Z", "B", "C"], 0, 3)
# a long path, so the sides take turns several times and the meeting is deep
LONG = ([(i, i + 1) for i in range(9)], [f"N{i}" for i in range(10)], 0, 9)
# two components: no path
APART = ([(0, 1), (2, 3)], ["A", "B", "C", "D"], 0, 3)


@SETTINGS
@example(case=DIAMOND)
@example(case=LONG)
@example(case=APART)
@example(case=([], ["A"], 0, 0))
@given(case=graphs())
def test_memory_engine_way_equals_networkx(case: tuple[list[tuple[int, int]], list[str], int, int]) -> None:
    edges, ids, a, b = case
    expected = oracle(edges, ids, a, b)
    assert run(edges, ids, a, b, size=len(ids), bounded=True) == expected
    assert run(edges, ids, a, b, size=len(ids), bounded=True, reverse=True) == expected


@SETTINGS
@example(case=DIAMOND, size=0)
@example(case=LONG, size=3)
@example(case=APART, size=0)
@given(case=graphs(), size=st.integers(0, 3))
def test_neo4j_engine_way_grows_its_arrays_and_equals_networkx(
        case: tuple[list[tuple[int, int]], list[str], int, int], size: int) -> None:
    edges, ids, a, b = case
    expected = oracle(edges, ids, a, b)
    assert run(edges, ids, a, b, size=size, bounded=False, fresh=True) == expected
    assert run(edges, ids, a, b, size=size, bounded=False, reverse=True, fresh=True) == expected
    # and after a larger search has left this thread's arrays big
    assert run(edges, ids, a, b, size=size, bounded=False) == expected


def test_worked_by_hand() -> None:
    # 0-1-3 and 0-2-3 are both shortest; 2 is "B" < "Z" (handle 1), so the path goes through 2
    assert run(*DIAMOND, size=4, bounded=True) == ["A", "B", "C"]
    assert run(*DIAMOND, size=0, bounded=False, fresh=True) == ["A", "B", "C"]
    assert run(*LONG, size=0, bounded=False, fresh=True) == [f"N{i}" for i in range(10)]
    assert run(*LONG, size=10, bounded=False, fresh=True) == [f"N{i}" for i in range(10)]  # start == size - 1
    assert run(*LONG, size=10, bounded=True) == [f"N{i}" for i in range(10)]
    assert run(*APART, size=4, bounded=True) == []
    assert run([], ["A"], 0, 0, size=1, bounded=True) == ["A"]
    # the start handle beyond every array: the unbounded way still answers
    for size in range(8):  # the start below, at and beyond the arrays' end
        assert run([(5, 6)], [f"N{i}" for i in range(7)], 6, 5, size=size, bounded=False, fresh=True) == ["N6", "N5"]
        assert run([(5, 6)], [f"N{i}" for i in range(7)], 5, 6, size=size, bounded=False, fresh=True) == ["N5", "N6"]


def test_a_search_leaves_the_scratch_arrays_unset() -> None:
    """The arrays are reused by the next search in this thread: a mark or distance left set
    would make it skip nodes (a later search then misses its shortest path)."""
    edges, ids, a, b = LONG
    names = np.array(ids, dtype=object)
    for bounded, size in ((True, 10), (False, 4)):
        smallest_shortest_path(a, b, expander(edges), lambda h: names[h], size=size, bounded=bounded)
        dist_a, dist_b, mark = _scratch(0)
        assert (dist_a == -1).all() and (dist_b == -1).all() and not mark.any()


def test_searches_of_different_sizes_in_one_thread_and_in_many() -> None:
    rng = np.random.default_rng(7)
    cases = []
    for n in (3, 40, 5, 25, 2, 60):
        edges = sorted({(int(u), int(v)) for u, v in rng.integers(0, n, size=(2 * n, 2)) if u < v})
        ids = [f"N{int(i):03d}" for i in rng.permutation(n)]
        for _ in range(6):
            a, b = (int(x) for x in rng.integers(0, n, size=2))
            cases.append((edges, ids, a, b))
    expected = [oracle(*c) for c in cases]
    got = [run(*c, size=len(c[1]), bounded=True) for c in cases]
    got_unbounded = [run(*c, size=2, bounded=False, fresh=True) for c in cases]
    assert got == expected and got_unbounded == expected

    results: list[list[list[str]]] = [[] for _ in range(4)]

    def work(k: int) -> None:
        results[k] = [run(*c, size=len(c[1]), bounded=k % 2 == 0) for c in cases]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results)


@pytest.mark.parametrize("bounded", [True, False])
def test_a_side_with_an_empty_frontier_ends_the_search(bounded: bool) -> None:
    # b is isolated: its side has nothing to expand after the first layer
    assert run([(0, 1), (1, 2)], ["A", "B", "C", "D"], 0, 3, size=4, bounded=bounded) == []
    assert run([(0, 1), (1, 2)], ["A", "B", "C", "D"], 3, 0, size=4, bounded=bounded) == []


def test_the_defaults_are_the_neo4j_engines_way() -> None:
    """The Neo4j engine calls with ``size=2`` and the default ``bounded``: handles it meets later
    pass the arrays' end, so the default must be the growing way."""
    edges, ids, a, b = LONG
    names = np.array(ids, dtype=object)
    found = in_fresh_thread(lambda: smallest_shortest_path(a, b, expander(edges), lambda h: names[h], size=2))
    assert [ids[h] for h in found] == ids
    found = in_fresh_thread(lambda: smallest_shortest_path(a, b, expander(edges), lambda h: names[h]))
    assert [ids[h] for h in found] == ids


def test_the_memory_engines_first_search_in_a_thread() -> None:
    """The memory engine hands the routine its node count as ``size`` with ``bounded=True``: the
    arrays must be that large from the first search of a thread (nothing may grow them)."""
    import boundary
    import oracles

    from orgnet.graph.memory import MemoryStore
    from orgnet.io import Dataset
    from orgnet.io.load import load_records
    from orgnet.queries.chains import contact_path

    store = MemoryStore()
    assert load_records(store, Dataset(boundary.ROWS)).ok
    graph = oracles.undirected(boundary.ROWS)
    pairs = [(a, b) for a in sorted(graph)[:6] for b in sorted(graph)[-6:] if nx.has_path(graph, a, b)]
    assert pairs
    for a, b in pairs:
        found = in_fresh_thread(lambda: contact_path(store, a, b))  # noqa: B023
        assert found == min(nx.all_shortest_paths(graph, a, b)), (a, b)
