"""Contact chains (三提三知) and contact paths.

**Contact chain** (``contact_chain(id)``): start from a household — for a person,
their household; for a matter, the household that raised it or the raiser's
household (the chain also names the matter's assignee) — and walk
household → building → grid → community → subdistrict → district → city. Each
step names the building or area, the orgs covering it (``COVERS``), and the
people who answer for it: at the household the members who ``CONTACTS`` it,
above it the people holding a role on the step or on one of its orgs. Ids are
sorted. ``broken_at`` is the level of the first step with nobody, ``None`` when
every step has someone.

**Contact path** (``contact_path(a, b)``): a shortest path between two nodes
over every relationship, direction ignored; among the shortest, the one whose
id sequence is lexicographically smallest; ``[]`` when none exists.

The embedded backend walks parent pointers (PERFORMANCE.md: 450x faster than an
undirected search). It finds paths by a bidirectional breadth-first search, marks
the nodes that lie on some shortest path, then steps greedily to the smallest id
one layer closer: among equally short paths that gives the lexicographically
smallest id sequence.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

import pandas as pd
from pydantic import BaseModel

from orgnet.errors import InvalidArgument, NotFound

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from orgnet.graph.base import GraphStore
    from orgnet.graph.memory import MemoryStore

__all__ = ["ChainStep", "Chain", "contact_chain", "contact_chains", "contact_path", "LEVELS"]

LEVELS: Final[tuple[str, ...]] = (
    "household", "building", "grid", "community", "subdistrict", "district", "city",
)
"""Levels a chain step can have, bottom-up."""

LEVEL_LABELS: Final[dict[str, str]] = {
    "household": "户", "building": "楼栋", "grid": "网格", "community": "社区",
    "subdistrict": "街道", "district": "区县", "city": "市",
}


class ChainStep(BaseModel):
    """One link of a contact chain."""

    level: str
    node_id: str
    orgs: list[str]
    people: list[str]


class Chain(BaseModel):
    """The chain of responsibility from a household up to the city.

    Attributes
    ----------
    start_id : str
        The id asked for (household, person or matter).
    household_id : str or None
        The household the chain starts from (``None`` when there is none).
    steps : list of ChainStep
        Bottom-up, household first.
    broken_at : str or None
        Level of the first step with nobody, ``None`` when every step has someone.
    assignee_id : str or None
        For a matter, who it is assigned to.
    """

    start_id: str
    household_id: str | None
    steps: list[ChainStep]
    broken_at: str | None
    assignee_id: str | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row per step: level, node_id, orgs, people (lists joined by ', ')."""
        return pd.DataFrame(
            [
                {"level": s.level, "node_id": s.node_id, "orgs": ", ".join(s.orgs),
                 "people": ", ".join(s.people)}
                for s in self.steps
            ],
            columns=["level", "node_id", "orgs", "people"],
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        """The chain as a ladder, the broken link marked. Returns the Axes."""
        from orgnet.plots.chains import plot_chain

        return plot_chain(self, ax=ax)


def contact_chain(store: GraphStore, node_id: str) -> Chain:
    """The 三提三知 chain for a household, person or matter.

    Parameters
    ----------
    store : GraphStore
    node_id : str
        A household, person or matter id.

    Returns
    -------
    Chain

    Raises
    ------
    NotFound
        When ``node_id`` is not in the graph.
    ValueError
        When it is neither a household, a person nor a matter.

    Examples
    --------
    >>> import orgnet
    >>> from orgnet.model import Area, Building, Household
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load([Area(id="ZJ", level="city"), Area(id="G", level="grid", parent_id="ZJ"),
    ...               Building(id="B", grid_id="G"), Household(id="H", building_id="B")])
    >>> [s.level for s in net.contact_chain("H").steps]
    ['household', 'building', 'grid', 'city']
    """
    if store.backend == "memory":
        return _chain_memory(_memory(store), node_id)
    from orgnet.queries._neo4j_chains import chain_neo4j

    return chain_neo4j(store, node_id)


def contact_chains(store: GraphStore, node_ids: Iterable[str]) -> list[Chain]:
    """The chains of many households, people or matters, in the order given.

    The same chains as :func:`contact_chain` one by one; on Neo4j one query per
    5,000 ids instead of one per id (counting broken chains across a district).

    Raises
    ------
    NotFound, InvalidArgument
        As :func:`contact_chain`, for the first id that fails.

    Examples
    --------
    >>> import orgnet
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load(orgnet.synth.city("tiny", seed=0))
    >>> households = list(net.nodes("Household")["id"])
    >>> chains = net.contact_chains(households)
    >>> len(chains) == len(households) and chains[0].household_id == households[0]
    True
    """
    ids = list(node_ids)
    if store.backend == "memory":
        mem = _memory(store)
        return [_chain_memory(mem, node_id) for node_id in ids]
    from orgnet.queries._neo4j_chains import chains_neo4j

    return chains_neo4j(store, ids)


def contact_path(store: GraphStore, a: str, b: str) -> list[str]:
    """A shortest path between two nodes, direction ignored, lexicographically smallest.

    Returns
    -------
    list of str
        The ids from ``a`` to ``b``; ``[a]`` when ``a == b``; ``[]`` when no path exists.

    Raises
    ------
    NotFound
        When ``a`` or ``b`` is not in the graph.

    Examples
    --------
    >>> import orgnet
    >>> from orgnet.model import Area
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load([Area(id="ZJ", level="city"), Area(id="A", level="district", parent_id="ZJ"),
    ...               Area(id="B", level="district", parent_id="ZJ")])
    >>> net.contact_path("A", "B")
    ['A', 'ZJ', 'B']
    """
    if store.backend == "memory":
        return _path_memory(_memory(store), a, b)
    from orgnet.queries._neo4j_chains import path_neo4j

    return path_neo4j(store, a, b)


# ----------------------------------------------------------------- memory backend


def _memory(store: GraphStore) -> MemoryStore:
    from orgnet.graph.memory import MemoryStore

    assert isinstance(store, MemoryStore)
    return store


def chain_from_rows(
    start_id: str,
    household: str | None,
    assignee: str | None,
    rows: list[dict[str, Any]],
) -> Chain:
    """Build a :class:`Chain` from bottom-up step rows (level, node_id, orgs, people)."""
    steps = [
        ChainStep(level=r["level"], node_id=r["node_id"], orgs=sorted(set(r["orgs"])),
                  people=sorted(set(r["people"])))
        for r in rows
    ]
    broken = next((s.level for s in steps if not s.people), None)
    if household is None:
        broken = "household"
    return Chain(start_id=start_id, household_id=household, steps=steps, broken_at=broken,
                 assignee_id=assignee)


def _chain_memory(store: MemoryStore, node_id: str) -> Chain:
    g = store.graph
    nodes, pred = g._node, g._pred
    if node_id not in nodes:
        raise NotFound(node_id)
    label = nodes[node_id]["label"]

    out1 = store.parent
    assignee = None
    if label == "Household":
        household: str | None = node_id
    elif label == "Person":
        household = out1(node_id, "LIVES_IN")
    elif label == "Matter":
        assignee = out1(node_id, "ASSIGNED_TO")
        raiser = next((str(u) for u, keys in pred[node_id].items() if "RAISED" in keys), None)
        household = raiser if raiser is not None and nodes[raiser]["label"] == "Household" else (
            out1(raiser, "LIVES_IN") if raiser is not None else None
        )
    else:
        raise InvalidArgument(
            f"{node_id!r} is a {label}; a contact chain starts from a Household, Person or Matter"
        )
    if household is None:
        return chain_from_rows(node_id, None, assignee, [])

    def role_holders(target: str) -> list[str]:
        return [str(u) for u, keys in pred[target].items() if any(k.startswith("HOLDS_ROLE") for k in keys)]

    rows: list[dict[str, Any]] = [{
        "level": "household", "node_id": household, "orgs": [],
        "people": [str(u) for u, keys in pred[household].items()
                   if "CONTACTS" in keys and nodes[u].get("is_member")],
    }]
    building = out1(household, "IN")
    if building is not None:
        rows.append({"level": "building", "node_id": building, "orgs": [], "people": role_holders(building)})
        area = out1(building, "IN")
        seen: set[str] = set()
        while area is not None and area not in seen:
            seen.add(area)
            orgs = [str(u) for u, keys in pred[area].items() if "COVERS" in keys]
            people = role_holders(area)
            for org in orgs:
                people.extend(role_holders(org))
            rows.append({"level": nodes[area]["level"], "node_id": area, "orgs": orgs, "people": people})
            area = out1(area, "PART_OF")
    return chain_from_rows(node_id, household, assignee, rows)


def _path_memory(store: MemoryStore, a: str, b: str) -> list[str]:
    g = store.graph
    succ, pred = g._succ, g._pred
    for n in (a, b):
        if n not in g._node:
            raise NotFound(n)
    if a == b:
        return [a]

    def neighbours(n: str) -> Iterable[str]:
        yield from succ[n]
        yield from pred[n]

    # Bidirectional breadth-first search, a whole layer at a time, the smaller side first.
    da: dict[str, int] = {a: 0}
    db: dict[str, int] = {b: 0}
    layers_a: list[list[str]] = [[a]]
    layers_b: list[list[str]] = [[b]]
    meet: list[str] = []
    while not meet:
        grow_a = len(layers_a[-1]) <= len(layers_b[-1])
        dist, other, layers = (da, db, layers_a) if grow_a else (db, da, layers_b)
        depth = len(layers)
        nxt: list[str] = []
        for n in layers[-1]:
            for m in neighbours(n):
                if m not in dist:
                    dist[m] = depth
                    nxt.append(m)
        if not nxt:
            return []
        layers.append(nxt)
        # No node had both labels before this layer, so the distance is the sum of
        # the two depths and the meeting nodes are those on the other side's last layer.
        last = len(layers_b if grow_a else layers_a) - 1
        meet = [m for m in nxt if other.get(m) == last]
    ka, kb = len(layers_a) - 1, len(layers_b) - 1
    # Nodes on a's side that lie on a shortest path: those that lead to a meeting node.
    on_path = set(meet)
    for i in range(ka - 1, 0, -1):
        on_path.update(n for n in layers_a[i] if any(da.get(m) == i + 1 and m in on_path for m in neighbours(n)))
    path = [a]
    node = a
    for i in range(1, ka + 1):
        node = min(m for m in neighbours(node) if da.get(m) == i and m in on_path)
        path.append(node)
    for j in range(kb - 1, -1, -1):  # on b's side every step one closer to b is on a shortest path
        node = min(m for m in neighbours(node) if db.get(m) == j)
        path.append(node)
    return path
