"""The store protocol: what a backend must do for orgnet.

A store holds the property graph. It is written only through :meth:`GraphStore.apply`,
which takes a validated :class:`ChangeSet` and applies it idempotently:

* nodes are upserted: the row replaces every property of the node with that id;
* a node's field relationships (``PART_OF`` from ``parent_id``, …) are replaced:
  the owner's old relationships of that type go, the new one is merged;
* link relationships are merged on (start, end, type, key properties) and their
  other properties set.

Applying the same change set twice leaves the store as after the first time.
Reads are the few that loading, export and every query need in common; each
query's own work is done natively by the backend (see :mod:`orgnet.queries`).
Backends never import queries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Protocol, overload, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "ReadWriteLock",
    "NodeInfo",
    "LinkRow",
    "FieldRelBatch",
    "Pairs",
    "LinkColumns",
    "ChangeSet",
    "GraphStore",
    "link_key",
    "link_key_function",
]


class ReadWriteLock:
    """Many readers or one writer; a waiting writer goes before new readers.

    :class:`orgnet.Network` holds one: its questions read under it, its loads,
    deletes and clears write under it, so a question shared between threads sees
    the store before or after a write, never during (see ``docs/threads.md``).

    Examples
    --------
    >>> lock = ReadWriteLock()
    >>> with lock.reading():
    ...     with lock.reading():
    ...         pass
    >>> with lock.writing():
    ...     pass
    """

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        """False: both sides pass at once (for a store whose reads see whole states anyway)."""
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._waiting = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        with self._cond:
            while self._writer or self._waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        with self._cond:
            self._waiting += 1
            while self._writer or self._readers:
                self._cond.wait()
            self._waiting -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


class NodeInfo(NamedTuple):
    """What validation needs to know of an existing node."""

    label: str
    level: str | None = None


class LinkRow(NamedTuple):
    """One relationship of a link file: its ends and its properties."""

    src: str
    dst: str
    props: dict[str, Any]


class Pairs(Sequence[tuple[str, str]]):
    """(start, end) pairs held as two columns, as a load plans them.

    A sequence of tuples to every reader (built on first use and kept); a store
    that works on columns reads :attr:`starts` and :attr:`ends`, or the
    positions of both ends in :attr:`ChangeSet.vocabulary` when the planner gave
    them (:attr:`start_pos`, :attr:`end_pos`: ``-1`` for an id it did not know).

    Examples
    --------
    >>> pairs = Pairs(["a", "b"], ["x", "y"])
    >>> len(pairs), list(pairs), pairs[1]
    (2, [('a', 'x'), ('b', 'y')], ('b', 'y'))
    """

    __slots__ = ("starts", "ends", "start_pos", "end_pos", "_rows")

    def __init__(self, starts: list[str], ends: list[str], start_pos: np.ndarray | None = None,
                 end_pos: np.ndarray | None = None) -> None:
        if len(starts) != len(ends):
            raise ValueError("starts and ends must have the same length")
        self.starts = starts
        self.ends = ends
        self.start_pos = start_pos
        self.end_pos = end_pos
        self._rows: list[tuple[str, str]] | None = None

    def _all(self) -> list[tuple[str, str]]:
        if self._rows is None:
            self._rows = list(zip(self.starts, self.ends))
        return self._rows

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, i: int) -> tuple[str, str]: ...
    @overload
    def __getitem__(self, i: slice) -> list[tuple[str, str]]: ...
    def __getitem__(self, i: int | slice) -> tuple[str, str] | list[tuple[str, str]]:
        return self._all()[i]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._all())


class LinkColumns(Sequence[LinkRow]):
    """Link rows held as columns, as a load plans them.

    ``props`` maps each property of the link kind to its column (``None`` where
    a row leaves it out). Readers that iterate see :class:`LinkRow` values
    (absent properties left out), built on first use and kept; a store that
    works on columns reads the columns and, when the planner gave them, the
    positions of both ends in :attr:`ChangeSet.vocabulary`.

    Examples
    --------
    >>> rows = LinkColumns(["P1", "P2"], ["H1", "H1"], {"since": ["2023-01-01", None]})
    >>> list(rows)
    [LinkRow(src='P1', dst='H1', props={'since': '2023-01-01'}), LinkRow(src='P2', dst='H1', props={})]
    """

    __slots__ = ("srcs", "dsts", "props", "src_pos", "dst_pos", "_rows")

    def __init__(self, srcs: list[str], dsts: list[str], props: dict[str, list[Any]],
                 src_pos: np.ndarray | None = None, dst_pos: np.ndarray | None = None) -> None:
        if len(srcs) != len(dsts) or any(len(col) != len(srcs) for col in props.values()):
            raise ValueError("every column must have the same length")
        self.srcs = srcs
        self.dsts = dsts
        self.props = props
        self.src_pos = src_pos
        self.dst_pos = dst_pos
        self._rows: list[LinkRow] | None = None

    def _all(self) -> list[LinkRow]:
        if self._rows is None:
            names = list(self.props)
            if names:
                dicts = [{k: v for k, v in zip(names, values) if v is not None}
                         for values in zip(*self.props.values())]
            else:
                dicts = [{} for _ in range(len(self.srcs))]
            self._rows = [LinkRow(s, d, p) for s, d, p in zip(self.srcs, self.dsts, dicts)]
        return self._rows

    def __len__(self) -> int:
        return len(self.srcs)

    @overload
    def __getitem__(self, i: int) -> LinkRow: ...
    @overload
    def __getitem__(self, i: slice) -> list[LinkRow]: ...
    def __getitem__(self, i: int | slice) -> LinkRow | list[LinkRow]:
        return self._all()[i]

    def __iter__(self) -> Iterator[LinkRow]:
        return iter(self._all())


@dataclass
class FieldRelBatch:
    """Relationships of one type defined by a reference field of a node kind.

    ``owners`` are the nodes whose relationships of this type are replaced (the
    record's node); ``edges`` are the new (start, end) pairs. With ``reverse``
    the owner is the end node (``RAISED`` points at the matter that names its raiser).
    ``owner_pos``: where the planner gave them, the owners' positions in
    :attr:`ChangeSet.vocabulary`.
    """

    type: str
    reverse: bool
    owners: list[str]
    edges: Sequence[tuple[str, str]]
    owner_pos: np.ndarray | None = None


@dataclass
class ChangeSet:
    """A validated batch of writes, in the order they must be applied.

    A load's planner also says where each id sits in one list of every id it
    checked (:attr:`vocabulary`, with :attr:`node_positions` and the positions
    held by :class:`Pairs`, :class:`LinkColumns` and
    :attr:`FieldRelBatch.owner_pos`), so a store that codes ids to integers
    looks each distinct id up once instead of once per reference. Those hints
    are optional: a change set without them means the same, except that its
    relationships with an end the store does not hold are skipped, while with
    them (the planner found every end) such an end was deleted at that moment
    and the Neo4j store fails the batch with :class:`~orgnet.errors.LoadConflict`.
    """

    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Label -> node rows (``id`` plus properties, absent values left out)."""
    field_rels: list[FieldRelBatch] = field(default_factory=list)
    links: dict[str, Sequence[LinkRow]] = field(default_factory=dict)
    """Relationship type -> link rows."""
    vocabulary: list[str] | None = None
    """Every id the planner checked (positions index into it); None without hints."""
    node_positions: dict[str, np.ndarray] = field(default_factory=dict)
    """Label -> the position in :attr:`vocabulary` of each of its node rows."""
    vocabulary_index: dict[str, int] | None = None
    """Id -> its position in :attr:`vocabulary`, when every id is there once (not to be changed)."""

    def size(self) -> int:
        """Number of node rows plus relationship rows."""
        return (
            sum(len(r) for r in self.nodes.values())
            + sum(len(b.edges) for b in self.field_rels)
            + sum(len(r) for r in self.links.values())
        )


def link_key_function(rel_type: str) -> Callable[[dict[str, Any]], str]:
    """The function giving :func:`link_key` for one relationship type."""
    from orgnet.model import LINK_MODELS

    keys = next((m.KEY for m in LINK_MODELS if m.TYPE == rel_type), ())
    if not keys:
        return lambda props: rel_type
    if len(keys) == 1:
        (only,) = keys
        prefix = rel_type + "|"
        return lambda props: prefix + str(props.get(only, ""))
    return lambda props: rel_type + "|" + "|".join(str(props.get(k, "")) for k in keys)


def link_key(rel_type: str, props: dict[str, Any]) -> str:
    """The identity of a link relationship between two nodes, as a string.

    Two rows with the same ends, type and key properties are the same
    relationship (``HOLDS_ROLE`` is keyed by ``role``, ``PAIRED_WITH`` by
    ``kind``, ``REGISTERED_WITH`` by ``year``).

    Examples
    --------
    >>> link_key("HOLDS_ROLE", {"role": "grid_leader", "since": "2023-01-01"})
    'HOLDS_ROLE|grid_leader'
    >>> link_key("CONTACTS", {})
    'CONTACTS'
    """
    return link_key_function(rel_type)(props)


@runtime_checkable
class GraphStore(Protocol):
    """What every backend provides."""

    backend: ClassVar[str]
    """``"memory"`` or ``"neo4j"``: which query implementations run on it."""

    @property
    def uri(self) -> str:
        """Where the store lives, without credentials."""
        ...

    def apply(
        self,
        changes: ChangeSet,
        *,
        batch_size: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Write a validated change set (nodes, then field relationships, then links)."""
        ...

    def delete(self, ids: Sequence[str]) -> int:
        """Remove these nodes and their relationships; return how many existed."""
        ...

    def clear(self) -> None:
        """Remove everything orgnet stored here."""
        ...

    def lookup(self, ids: Iterable[str]) -> dict[str, NodeInfo]:
        """Label (and area level) of those of ``ids`` the store holds."""
        ...

    def org_parents(self) -> dict[str, str | None]:
        """Every org's parent org id (``UNDER``), ``None`` for a root."""
        ...

    def area_tree(self) -> dict[str, tuple[str, str | None]]:
        """Every area: id -> (level, parent id)."""
        ...

    def links_into(self, ids: Iterable[str], rel_types: Iterable[str]) -> list[tuple[str, LinkRow]]:
        """The relationships of ``rel_types`` that end at one of ``ids``: (type, row) pairs.

        Ordered by (type, start, end, properties); types outside the model's closed set
        are ignored. The load checks read what a stored area's level change would leave
        wrong (buildings in a grid, roles, pairings, registrations) with it.
        """
        ...

    def counts(self) -> dict[str, int]:
        """Number of nodes per label and of relationships per type (zeros left out)."""
        ...

    def iter_nodes(self, label: str) -> Iterator[dict[str, Any]]:
        """Every node of a label as its stored properties (with ``id``), by id."""
        ...

    def iter_links(self, rel_type: str) -> Iterator[LinkRow]:
        """Every relationship of a type, ordered by (start, end, properties)."""
        ...

    def close(self) -> None:
        """Release the store (a file store saves first)."""
        ...
