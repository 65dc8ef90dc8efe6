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
from typing import Any, ClassVar, NamedTuple, Protocol, runtime_checkable

__all__ = [
    "ReadWriteLock",
    "NodeInfo",
    "LinkRow",
    "FieldRelBatch",
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


@dataclass
class FieldRelBatch:
    """Relationships of one type defined by a reference field of a node kind.

    ``owners`` are the nodes whose relationships of this type are replaced (the
    record's node); ``edges`` are the new (start, end) pairs. With ``reverse``
    the owner is the end node (``RAISED`` points at the matter that names its raiser).
    """

    type: str
    reverse: bool
    owners: list[str]
    edges: list[tuple[str, str]]


@dataclass
class ChangeSet:
    """A validated batch of writes, in the order they must be applied."""

    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Label -> node rows (``id`` plus properties, absent values left out)."""
    field_rels: list[FieldRelBatch] = field(default_factory=list)
    links: dict[str, list[LinkRow]] = field(default_factory=dict)
    """Relationship type -> link rows."""

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
