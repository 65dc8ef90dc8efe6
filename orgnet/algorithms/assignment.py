"""Exact capacitated assignment: new unit → community pairings as a min-cost flow.

The problem behind ``recommend_pairings``: every community in need may get at
most one new unit, every unit at most ``capacity`` new communities, a unit only
where it is eligible. Among the plans that cover the most communities, the one
with the smallest total cost is wanted, where giving a community to a unit
costs that unit's current load (the communities it already pairs with), so new
work goes to the units that carry least.

This is a maximum flow of minimum cost on source → unit (capacity ``capacity``,
cost 0) → community (capacity 1, cost = the unit's load) → sink (capacity 1),
solved exactly with networkx's network simplex. Graph nodes are inserted in id
order, so the same input always gives the same plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from orgnet.errors import InvalidArgument

__all__ = ["Assignment", "assign"]


class Assignment(NamedTuple):
    """An optimal plan: the pairs, the communities left without one, the total cost."""

    pairs: list[tuple[str, str]]
    """(unit, community), sorted by community then unit."""
    uncovered: list[str]
    """Communities that no eligible unit with spare capacity could take, sorted."""
    total_cost: int


def assign(
    eligible: Mapping[str, Sequence[str]],
    load: Mapping[str, int],
    *,
    capacity: int,
) -> Assignment:
    """Give communities new units: most communities covered, then least total load.

    Parameters
    ----------
    eligible : mapping of str to sequence of str
        Community id -> the units that may pair with it.
    load : mapping of str to int
        Unit id -> the number of communities it already pairs with (its cost per
        new community); a unit missing here has load 0.
    capacity : int
        The most new communities one unit may take (≥ 1).

    Returns
    -------
    Assignment

    Examples
    --------
    >>> plan = assign({"C1": ["U1", "U2"], "C2": ["U1"]}, {"U1": 3, "U2": 0}, capacity=1)
    >>> plan.pairs, plan.uncovered, plan.total_cost
    ([('U2', 'C1'), ('U1', 'C2')], [], 3)
    """
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
        raise InvalidArgument(f"capacity must be a whole number ≥ 1, got {capacity!r}")
    import networkx as nx

    communities = sorted(eligible)
    units = sorted({u for c in communities for u in eligible[c]})
    if not units:
        return Assignment([], communities, 0)
    g = nx.DiGraph()
    src, sink = ("s",), ("t",)
    for u in units:
        g.add_edge(src, ("u", u), capacity=capacity, weight=0)
    for c in communities:
        for u in sorted(set(eligible[c])):
            g.add_edge(("u", u), ("c", c), capacity=1, weight=int(load.get(u, 0)))
        g.add_edge(("c", c), sink, capacity=1, weight=0)
    flow = nx.max_flow_min_cost(g, src, sink)
    pairs: list[tuple[str, str]] = []
    cost = 0
    for u in units:
        for node, f in flow[("u", u)].items():
            if f > 0:
                pairs.append((u, node[1]))
                cost += int(load.get(u, 0))
    pairs.sort(key=lambda p: (p[1], p[0]))
    covered = {c for _, c in pairs}
    return Assignment(pairs, [c for c in communities if c not in covered], cost)
