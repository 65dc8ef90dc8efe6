"""Graph algorithms over integer-coded arrays, for graphs too large for networkx.

:func:`betweenness` gives networkx's normalised betweenness (exact, or sampled
with a stated error bound) of a graph given as an ``(m, 2)`` edge array.

Examples
--------
>>> from orgnet.algorithms import betweenness
>>> betweenness([[0, 1], [1, 2]], 3).values.tolist()
[0.0, 1.0, 0.0]
"""

from orgnet.algorithms.betweenness import BetweennessResult, betweenness

__all__ = ["BetweennessResult", "betweenness"]
