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

Each engine gives the chain's facts (:class:`~orgnet.queries._facts.ChainFacts`:
the embedded engine by parent-array lookups for all the ids at once, Neo4j in one
query per 5,000 ids); this module assembles them. Paths come from one routine,
:func:`orgnet.queries._paths.smallest_shortest_path`, a bidirectional
breadth-first search over each engine's neighbour callback that then steps
greedily to the smallest id one layer closer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Final, TypeVar

import pandas as pd
from pydantic import BaseModel, Field

from orgnet.labels import LEVEL_LABELS
from orgnet.queries._args import check_id, check_ids, check_year
from orgnet.queries._dispatch import engine
from orgnet.queries._facts import ChainFacts
from orgnet.queries._window import window

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from orgnet.graph.base import GraphStore

__all__ = ["ChainStep", "Chain", "contact_chain", "contact_chains", "contact_path", "LEVELS", "LEVEL_LABELS"]

LEVELS: Final[tuple[str, ...]] = (
    "household", "building", "grid", "community", "subdistrict", "district", "city",
)
"""Levels a chain step can have, bottom-up."""



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
    names: dict[str, str] = Field(default_factory=dict, exclude=True, repr=False)
    """Names of the steps' areas and buildings and of their orgs, for reading (``contact_chain``
    fills them in; ``contact_chains`` leaves them empty). Not part of the chain: left out of
    ``model_dump`` and of equality."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Chain):
            return NotImplemented
        mine = {k: v for k, v in self.__dict__.items() if k != "names"}
        return mine == {k: v for k, v in other.__dict__.items() if k != "names"}

    __hash__ = None  # type: ignore[assignment]

    def to_frame(self) -> pd.DataFrame:
        """One row per step: level, node_id, name, orgs, org_names, people (lists joined by ', ')."""
        names = self.names
        return pd.DataFrame(
            [
                {"level": s.level, "node_id": s.node_id, "name": names.get(s.node_id, ""),
                 "orgs": ", ".join(s.orgs), "org_names": ", ".join(names.get(o, o) for o in s.orgs),
                 "people": ", ".join(s.people)}
                for s in self.steps
            ],
            columns=["level", "node_id", "name", "orgs", "org_names", "people"],
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        """The chain as a ladder, the broken link marked. Returns the Axes."""
        from orgnet.plots.chains import plot_chain

        return plot_chain(self, ax=ax)


def contact_chain(store: GraphStore, node_id: str, year: int | None = None) -> Chain:
    """The 三提三知 chain for a household, person or matter.

    Parameters
    ----------
    store : GraphStore
    node_id : str
        A household, person or matter id.
    year : int, optional
        Count the roles held in that year; without a year, the roles not ended
        by today and not starting after it (see :mod:`orgnet.queries._window`).

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
    node_id = check_id("node_id", node_id)
    year = check_year(year)
    eng = engine(store).as_of(window(year))
    chain = assemble(eng.chains([node_id])[0])
    wanted = frozenset(s.node_id for s in chain.steps) | frozenset(o for s in chain.steps for o in s.orgs)
    chain.names = {k: name for k, (_, name) in sorted(eng.node_info(wanted).items()) if name}
    return chain


def contact_chains(store: GraphStore, node_ids: Iterable[str], year: int | None = None) -> list[Chain]:
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
    ids = check_ids("node_ids", node_ids)
    year = check_year(year)
    if not ids:
        return []
    facts = engine(store).as_of(window(year)).chains(ids)  # kept alive while ``shared`` is keyed by id()
    shared: dict[int, ChainStep] = {}
    return [assemble(f, shared) for f in facts]


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
    a, b = check_id("a", a), check_id("b", b)
    return engine(store).path(a, b)


def assemble(facts: ChainFacts, shared: dict[int, ChainStep] | None = None) -> Chain:
    """Build a :class:`Chain` from an engine's facts: ids sorted and distinct, the broken step found.

    The values come from the store, already valid: the models are built without
    validation (20x faster, which counts for 10,000 chains at once). With ``shared``,
    a step row the engine hands out for many chains (a building, a grid and what is
    above it) becomes one :class:`ChainStep` object in all of them.
    """
    steps = []
    for r in facts.rows:
        step = shared.get(id(r)) if shared is not None else None
        if step is None:
            step = _built(ChainStep, level=r.level, node_id=r.node_id,
                          orgs=sorted(set(r.orgs)) if r.orgs else [],
                          people=sorted(set(r.people)) if r.people else [])
            if shared is not None:
                shared[id(r)] = step
        steps.append(step)
    broken = next((s.level for s in steps if not s.people), None)
    if facts.household is None:
        broken = "household"
    return _built(Chain, start_id=facts.start_id, household_id=facts.household, steps=steps,
                  broken_at=broken, assignee_id=facts.assignee, names={})


_T = TypeVar("_T", bound=BaseModel)


def _built(cls: type[_T], **values: object) -> _T:
    """A pydantic model from values known to be valid, every field given (as ``model_construct``, cheaper)."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj
