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

Each engine gives the chains as one table, every distinct step once
(:class:`~orgnet.queries._facts.ChainTable`: the embedded engine by parent-array
lookups for all the ids at once, Neo4j in one query per 5,000 ids); this module
builds one model per distinct step and walks each step's way up once. Paths come from one routine,
:func:`orgnet.queries._paths.smallest_shortest_path`, a bidirectional
breadth-first search over each engine's neighbour callback that then steps
greedily to the smallest id one layer closer.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import index as as_index
from typing import TYPE_CHECKING, Any, Final, overload

import pandas as pd
from pydantic import BaseModel, Field

from orgnet.labels import LEVEL_LABELS
from orgnet.queries._args import check_id, check_ids, check_year
from orgnet.queries._dispatch import engine
from orgnet.queries._facts import ChainTable
from orgnet.queries._window import window

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from orgnet.graph.base import GraphStore

__all__ = ["ChainStep", "Chain", "ChainList", "contact_chain", "contact_chains", "contact_path", "LEVELS", "LEVEL_LABELS"]

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
    chain = assemble(eng.chains([node_id]))[0]
    wanted = frozenset(s.node_id for s in chain.steps) | frozenset(o for s in chain.steps for o in s.orgs)
    chain.names = {k: name for k, (_, name) in sorted(eng.node_info(wanted).items()) if name}
    return chain


def contact_chains(store: GraphStore, node_ids: Iterable[str], year: int | None = None) -> ChainList:
    """The chains of many households, people or matters, in the order given.

    The same chains as :func:`contact_chain` one by one; on Neo4j one query per
    5,000 ids instead of one per id (counting broken chains across a district).

    Everything is read from the store before this returns; the :class:`Chain`
    models are built when first used (a :class:`ChainList` is a sequence: index
    it, loop over it, compare it with a list). Its :meth:`ChainList.to_frame`
    and :attr:`ChainList.broken_at` answer without building the models.

    Returns
    -------
    ChainList

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
    >>> chains.to_frame().columns.tolist()
    ['start_id', 'household_id', 'broken_at', 'assignee_id']
    """
    ids = check_ids("node_ids", node_ids)
    year = check_year(year)
    if not ids:
        return ChainList(_EMPTY)
    return ChainList(engine(store).as_of(window(year)).chains(ids))


class ChainList(Sequence[Chain]):
    """The chains of :func:`contact_chains`: a sequence of :class:`Chain`, built on access.

    Holds the engine's answer as columns (every distinct step once) and builds
    each :class:`Chain` the first time it is read, then keeps it: ``chains[i]``
    is the same object every time, and chains through one building share their
    :class:`ChainStep` objects, as :func:`contact_chains` always did. Reading the
    whole list costs what building every model costs (see
    ``benchmarks/RESULTS.md``); :meth:`to_frame` and :attr:`broken_at` need no
    model. Equal to a list of the same chains. Safe to read from many threads.
    What it holds was read from the store before :func:`contact_chains` returned:
    later loads do not change it.

    Examples
    --------
    >>> import orgnet
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load(orgnet.synth.city("tiny", seed=0))
    >>> two = list(net.nodes("Household")["id"][:2])
    >>> chains = net.contact_chains(two)
    >>> chains
    ChainList(2 chains)
    >>> [c.start_id for c in chains] == two and chains == list(chains) and chains[0] is chains[0]
    True
    """

    __slots__ = ("_table", "_built", "_build", "_lock")

    def __init__(self, table: ChainTable) -> None:
        self._table = table
        self._built: list[Chain | None] = [None] * len(table.start_ids)
        self._build: Callable[[int], Chain] | None = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._built)

    @overload
    def __getitem__(self, index: int) -> Chain: ...

    @overload
    def __getitem__(self, index: slice) -> list[Chain]: ...

    def __getitem__(self, index: int | slice) -> Chain | list[Chain]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._built)))]
        i = as_index(index)
        n = len(self._built)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"chain index {index} out of range for {n} chains")
        got = self._built[i]
        if got is None:
            got = self._make(i, i + 1)[0]
        return got

    def __iter__(self) -> Iterator[Chain]:
        n = len(self._built)
        for lo in range(0, n, _BLOCK):
            yield from self._make(lo, min(lo + _BLOCK, n))

    def _make(self, lo: int, hi: int) -> list[Chain]:
        """The chains ``lo`` to ``hi``, built where not yet built (one lock, the collector paused)."""
        built = self._built
        with self._lock:
            if any(c is None for c in built[lo:hi]):
                if self._build is None:
                    self._build = _builder(self._table)
                build = self._build
                with _collector_paused():
                    for i in range(lo, hi):
                        if built[i] is None:
                            built[i] = build(i)
            return built[lo:hi]  # type: ignore[return-value]  # every entry is built

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ChainList | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ChainList({len(self._built)} chains)"

    def __getstate__(self) -> dict[str, Any]:
        return {"table": self._table, "built": self._make(0, len(self._built))}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._table, self._built = state["table"], state["built"]
        self._build, self._lock = None, threading.Lock()

    @property
    def broken_at(self) -> list[str | None]:
        """Each chain's ``broken_at``, in order, without building the models."""
        return _broken_levels(self._table)

    def to_frame(self) -> pd.DataFrame:
        """One row per chain, in order: ``start_id``, ``household_id``, ``broken_at``, ``assignee_id``.

        Computed from the columns, without building a model: the quick way to count
        broken chains across many households (``.to_frame().broken_at.value_counts()``).
        """
        t = self._table
        return pd.DataFrame({"start_id": t.start_ids, "household_id": t.households,
                             "broken_at": _broken_levels(t), "assignee_id": t.assignees},
                            columns=["start_id", "household_id", "broken_at", "assignee_id"])


_BLOCK: Final = 4096
"""Chains built per lock (and per pause of the collector) while a :class:`ChainList` is read in order."""

_EMPTY: Final = ChainTable([], [], [], [], [], [], [], [], [])


def _broken_levels(table: ChainTable) -> list[str | None]:
    """Each start's ``broken_at``, from the columns (what :func:`_builder`'s walks give).

    A chain is broken at ``household`` when it has no household or nobody answers
    for it; else at the first step above with nobody on the walk up, which stops
    at the top or where it would repeat (``None`` when it meets nobody missing).
    All steps walk up together, one level per round.
    """
    import numpy as np

    n = len(table.levels)
    up = np.asarray(table.up, dtype=np.int64).reshape(n)
    empty = np.fromiter((not p for p in table.people), dtype=bool, count=n)
    found = np.full(n + 1, -1, dtype=np.int64)  # first step with nobody from a step up; [n]: none (for -1)
    found[:n][empty] = np.flatnonzero(empty)
    todo = np.flatnonzero(~empty)
    at = up[todo]
    for _ in range(n):  # a walk visits at most n steps; whatever still walks after that is in a cycle
        walking = at >= 0
        todo, at = todo[walking], at[walking]
        if not todo.size:
            break
        hit = empty[at]
        found[todo[hit]] = at[hit]
        todo, at = todo[~hit], up[at[~hit]]
    first = np.asarray(table.first, dtype=np.int64).reshape(len(table.first))
    has = first >= 0
    has[has] = ~empty[first[has]]
    above = np.full(first.shape, n, dtype=np.int64)
    above[has] = up[first[has]]
    above[above < 0] = n
    level = found[above]
    names = np.array([*table.levels, None], dtype=object)
    return np.where(has, names[level], "household").tolist()  # type: ignore[no-any-return]


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


def assemble(table: ChainTable) -> list[Chain]:
    """Every :class:`Chain` of an engine's table, in the order asked, built now."""
    return list(map(_builder(table), range(len(table.start_ids))))


def _builder(table: ChainTable) -> Callable[[int], Chain]:
    """A function that builds the :class:`Chain` of the ``i``-th start of an engine's table.

    Every distinct step becomes one :class:`ChainStep` (shared by the chains that pass
    through it, as the table shares it); the steps above a node are walked once per
    node, not per chain. The values come from the store, already valid: the models are
    built without validation, their slots set directly (as ``model_construct`` does,
    written out: this is the cost of 10,000 chains). Not safe to call from two
    threads at once (it fills shared memos): :class:`ChainList` calls it under a lock.
    """
    levels, node_ids, orgs, people, up = table.levels, table.node_ids, table.orgs, table.people, table.up
    made: list[ChainStep | None] = [None] * len(levels)
    new, set_dict, set_fields, set_extra, set_private = _new, _set_dict, _set_fields, _set_extra, _set_private
    step_fields, chain_fields = _STEP_FIELDS, _CHAIN_FIELDS

    def step(j: int) -> ChainStep:
        got = made[j]
        if got is None:
            got = made[j] = new(ChainStep)
            set_dict(got, {"level": levels[j], "node_id": node_ids[j], "orgs": orgs[j][:], "people": people[j][:]})
            set_fields(got, step_fields)
            set_extra(got, None)
            set_private(got, None)
        return got

    top: tuple[list[ChainStep], str | None] = ([], None)
    clean: dict[int, tuple[list[ChainStep], str | None]] = {}
    """Step -> the walk up from it and its first level with nobody, for walks that end at the top."""

    def walk(j: int) -> tuple[list[ChainStep], str | None]:
        above = up[j]
        got = clean.get(above) if above >= 0 else top  # (``j`` itself is not in ``clean`` yet)
        if got is not None:  # the common case: one step below a walk already made (or the top)
            here = step(j)
            rest, broken = got
            clean[j] = got = ([here, *rest], broken if people[j] else levels[j])
            return got
        path: list[int] = []
        seen: set[int] = set()
        while j >= 0 and j not in clean and j not in seen:
            seen.add(j)
            path.append(j)
            j = up[j]
        if j >= 0 and j not in clean:  # a cycle: the walk stops where it would repeat (kept out of ``clean``)
            return [step(i) for i in path], next((levels[i] for i in path if not people[i]), None)
        rest, broken = clean[j] if j >= 0 else ([], None)
        for i in reversed(path):
            rest = [step(i), *rest]
            if not people[i]:
                broken = levels[i]
            clean[i] = (rest, broken)
        return rest, broken

    tails: dict[int, tuple[ChainStep | None, list[ChainStep], str | None]] = {}
    """Step above a household -> that step, the walk above it, and the first level with nobody."""

    def tail(j: int) -> tuple[ChainStep | None, list[ChainStep], str | None]:
        got: tuple[ChainStep | None, list[ChainStep], str | None]
        above = up[j]
        if above < 0:
            got = tails[j] = (step(j), [], None if people[j] else levels[j])
            return got
        if above not in clean and above != j:
            walk(above)
        rest = clean.get(above)
        if rest is None:  # a cycle through ``j``: its own walk, which stops where it would repeat
            got = tails[j] = (None, *walk(j))
        else:  # the walk from ``above`` ends at the top, so it cannot pass through ``j``
            got = tails[j] = (step(j), rest[0], rest[1] if people[j] else levels[j])
        return got

    start_ids, households, assignees, firsts = table.start_ids, table.households, table.assignees, table.first

    def build(i: int) -> Chain:
        chain = new(Chain)
        f = firsts[i]
        if f < 0:
            set_dict(chain, {"start_id": start_ids[i], "household_id": None, "steps": [], "broken_at": "household",
                             "assignee_id": assignees[i], "names": {}})
        else:
            home = made[f]
            if home is None:
                home = made[f] = new(ChainStep)
                set_dict(home, {"level": levels[f], "node_id": node_ids[f], "orgs": orgs[f][:],
                                "people": people[f][:]})
                set_fields(home, step_fields)
                set_extra(home, None)
                set_private(home, None)
            b = up[f]
            if b < 0:
                steps, broken = [home], None
            else:
                here, rest, broken = tails.get(b) or tail(b)
                steps = [home, here, *rest] if here is not None else [home, *rest]
            set_dict(chain, {"start_id": start_ids[i], "household_id": households[i], "steps": steps,
                             "broken_at": broken if people[f] else "household", "assignee_id": assignees[i],
                             "names": {}})
        set_fields(chain, chain_fields)
        set_extra(chain, None)
        set_private(chain, None)
        return chain

    return build


_PAUSE_LOCK = threading.Lock()
_pausing = 0
"""How many threads are inside :func:`_collector_paused`; the first in turns the collector off
and the last out turns it back on (when it was on), so threads do not undo each other."""
_was_enabled = False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while many models are built.

    Each model is a few new containers (the model, its dict, its lists); building
    tens of thousands of them runs the collector many times over objects that are
    all alive (``benchmarks/chains_paths_detail.py`` prints the collector's share of
    a call). Nothing built here forms a cycle; reference counting still frees
    everything at once.
    """
    global _pausing, _was_enabled
    with _PAUSE_LOCK:
        if _pausing == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _pausing -= 1
            if _pausing == 0 and _was_enabled:
                gc.enable()


_STEP_FIELDS: Final[set[str]] = set(ChainStep.model_fields)
_CHAIN_FIELDS: Final[set[str]] = set(Chain.model_fields)
"""Every field is given, so every model of a kind shares one fields-set (pydantic only adds to it,
and only names already in it)."""

# the slots of a pydantic model, set directly (what ``model_construct`` does, without its checks)
_new = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
