"""The facts contract: what each question needs from a backend, as typed rows.

A question module (:mod:`~orgnet.queries.coverage`, :mod:`~orgnet.queries.kpis`,
:mod:`~orgnet.queries.chains`, :mod:`~orgnet.queries.influence`) holds the
meaning, the result models and the assembly; it asks an :class:`Engine` for
facts and never looks at the store. Each backend implements the engine once —
:class:`orgnet.queries._memory.MemoryEngine` with numpy over the columnar store,
:class:`orgnet.queries._neo4j.Neo4jEngine` with Cypher — with the methods in the
order below, and :func:`orgnet.queries._dispatch.engine` picks one per call.

An engine is bound to one consistent view of the store for the length of one
question (the memory engine holds one immutable state).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol, overload

import numpy as np

__all__ = [
    "Facts",
    "RuleFacts",
    "RuleRows",
    "KpiFacts",
    "Projection",
    "ChainTable",
    "Engine",
]


class Facts(NamedTuple):
    """A group of subjects of one coverage rule.

    ``anchors`` are the areas the group is anchored in; ``checked`` how many
    subjects it holds; ``gaps`` the ids of those that fail the rule. A gap counts
    within an area scope when ``gap_anchors`` is ``None`` (the gap belongs to the
    subject wherever it is anchored) or one of ``gap_anchors`` lies in the scope
    (the gap belongs to a registration in that place).
    """

    anchors: tuple[str, ...]
    checked: int
    gaps: tuple[str, ...]
    gap_anchors: tuple[str, ...] | None = None


class RuleFacts(Sequence[Facts]):
    """A rule's :class:`Facts` rows held as columns, so scoping and rollups are array operations.

    Row ``i`` is anchored in ``vocab[anchors[anchor_ptr[i]:anchor_ptr[i + 1]]]``
    (in that order), checked ``checked[i]`` subjects, and its gaps are
    ``gap_ids[gap_row == i]``; its gap anchors are ``None`` where ``owned[i]``
    (``owned`` absent: every row), else ``vocab[gap_anchors[gap_ptr[i]:gap_ptr[i + 1]]]``.
    ``unique_gaps`` says no gap id appears twice. Indexing and iterating give
    the same :class:`Facts` rows (gaps sorted), built on demand.

    Examples
    --------
    >>> t = RuleFacts.from_rows([Facts(("G1",), 3, ("H2", "H1")), Facts((), 1, ())])
    >>> t[0]
    Facts(anchors=('G1',), checked=3, gaps=('H1', 'H2'), gap_anchors=None)
    >>> len(t), t.gaps_per_row.tolist(), list(t)[1].anchors
    (2, [2, 0], ())
    """

    __slots__ = ("vocab", "checked", "anchor_ptr", "anchors", "gap_ids", "gap_row", "owned", "gap_ptr",
                 "gap_anchors", "unique_gaps", "_memo")

    def __init__(self, vocab: np.ndarray, checked: np.ndarray, anchor_ptr: np.ndarray, anchors: np.ndarray,
                 gap_ids: np.ndarray, gap_row: np.ndarray, *, owned: np.ndarray | None = None,
                 gap_ptr: np.ndarray | None = None, gap_anchors: np.ndarray | None = None,
                 unique_gaps: bool = False) -> None:
        self.vocab = vocab
        """Anchor ids (an object array); ``anchors`` and ``gap_anchors`` index it."""
        self.checked = checked
        self.anchor_ptr = anchor_ptr
        self.anchors = anchors
        self.gap_ids = gap_ids
        """Gap ids (an object array), any order."""
        self.gap_row = gap_row
        self.owned = owned
        self.gap_ptr = gap_ptr
        self.gap_anchors = gap_anchors
        self.unique_gaps = unique_gaps
        self._memo: dict[str, np.ndarray] = {}

    @classmethod
    def from_rows(cls, rows: Sequence[Facts]) -> RuleFacts:
        """The columns of a list of rows (the Neo4j engine's answer)."""
        if isinstance(rows, RuleFacts):
            return rows
        index: dict[str, int] = {}
        checked: list[int] = []
        anchor_len: list[int] = []
        anchors: list[int] = []
        gap_ids: list[str] = []
        gap_row: list[int] = []
        owned: list[bool] = []
        gap_len: list[int] = []
        gap_anchors: list[int] = []
        for i, row in enumerate(rows):
            checked.append(row.checked)
            anchor_len.append(len(row.anchors))
            anchors.extend(index.setdefault(a, len(index)) for a in row.anchors)
            gap_ids.extend(row.gaps)
            gap_row.extend([i] * len(row.gaps))
            owned.append(row.gap_anchors is None)
            gap_len.append(len(row.gap_anchors or ()))
            gap_anchors.extend(index.setdefault(a, len(index)) for a in row.gap_anchors or ())
        vocab = np.empty(len(index), dtype=object)
        vocab[:] = list(index)
        ids = np.empty(len(gap_ids), dtype=object)
        ids[:] = gap_ids
        general = not all(owned)
        return cls(
            vocab, np.asarray(checked, dtype=np.int64), _ptr(anchor_len), np.asarray(anchors, dtype=np.int64),
            ids, np.asarray(gap_row, dtype=np.int64),
            owned=np.asarray(owned, dtype=bool) if general else None,
            gap_ptr=_ptr(gap_len) if general else None,
            gap_anchors=np.asarray(gap_anchors, dtype=np.int64) if general else None,
            unique_gaps=len(set(gap_ids)) == len(gap_ids),
        )

    def __len__(self) -> int:
        return len(self.checked)

    def _rows_of(self, ptr: np.ndarray) -> np.ndarray:
        return np.repeat(np.arange(len(ptr) - 1, dtype=np.int64), np.diff(ptr))

    @property
    def entry_row(self) -> np.ndarray:
        """The row of each entry of ``anchors``."""
        hit = self._memo.get("entry_row")
        if hit is None:
            hit = self._memo["entry_row"] = self._rows_of(self.anchor_ptr)
        return hit

    @property
    def gap_entry_row(self) -> np.ndarray:
        """The row of each entry of ``gap_anchors`` (empty when every row owns its gaps)."""
        hit = self._memo.get("gap_entry_row")
        if hit is None:
            ptr = self.gap_ptr if self.gap_ptr is not None else np.zeros(len(self) + 1, dtype=np.int64)
            hit = self._memo["gap_entry_row"] = self._rows_of(ptr)
        return hit

    @property
    def gaps_per_row(self) -> np.ndarray:
        hit = self._memo.get("gaps_per_row")
        if hit is None:
            hit = self._memo["gaps_per_row"] = np.bincount(self.gap_row, minlength=len(self))[: len(self)]
        return hit

    def _row(self, i: int, gaps: tuple[str, ...]) -> Facts:
        vocab = self.vocab
        anchors = tuple(vocab[self.anchors[self.anchor_ptr[i]:self.anchor_ptr[i + 1]]].tolist())
        gap_anchors = None
        if self.owned is not None and self.gap_ptr is not None and self.gap_anchors is not None \
                and not self.owned[i]:
            gap_anchors = tuple(vocab[self.gap_anchors[self.gap_ptr[i]:self.gap_ptr[i + 1]]].tolist())
        return Facts(anchors, int(self.checked[i]), gaps, gap_anchors)

    @overload
    def __getitem__(self, i: int) -> Facts: ...

    @overload
    def __getitem__(self, i: slice) -> list[Facts]: ...

    def __getitem__(self, i: int | slice) -> Facts | list[Facts]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i %= len(self)
        return self._row(i, tuple(sorted(self.gap_ids[self.gap_row == i].tolist())))

    def __iter__(self) -> Iterator[Facts]:
        vocab = self.vocab.tolist()
        anchors, ptr, checked = self.anchors.tolist(), self.anchor_ptr.tolist(), self.checked.tolist()
        ids = self.gap_ids[np.argsort(self.gap_row, kind="stable")].tolist()
        bounds = np.concatenate([[0], np.cumsum(self.gaps_per_row)]).tolist()
        general = self.owned is not None and self.gap_ptr is not None and self.gap_anchors is not None
        owned = self.owned.tolist() if general and self.owned is not None else []
        gap_ptr = self.gap_ptr.tolist() if general and self.gap_ptr is not None else []
        gap_anchors = self.gap_anchors.tolist() if general and self.gap_anchors is not None else []
        for i in range(len(checked)):
            gaps = ids[bounds[i]:bounds[i + 1]]
            if len(gaps) > 1:
                gaps.sort()
            yield Facts(
                tuple([vocab[a] for a in anchors[ptr[i]:ptr[i + 1]]]), checked[i], tuple(gaps),
                None if not general or owned[i] else tuple([vocab[a] for a in gap_anchors[gap_ptr[i]:gap_ptr[i + 1]]]),
            )

    def __repr__(self) -> str:
        return f"RuleFacts(rows={len(self)}, gaps={len(self.gap_ids)})"


def _ptr(lengths: list[int]) -> np.ndarray:
    out = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=out[1:])
    return out


RuleRows = Sequence[Facts]
"""A rule's facts: a list of :class:`Facts`, or :class:`RuleFacts` (the same rows as columns)."""


def _objects(values: Sequence[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def iso_times(values: Sequence[str | None] | np.ndarray) -> np.ndarray:
    """ISO dates and date-times (``YYYY-MM-DD[THH:MM:SS]``, as stored) as ``datetime64[s]``, NaT for None.

    A date counts as its midnight.

    Examples
    --------
    >>> iso_times(["2023-01-04", None, "2023-01-01T12:00:00"]).astype(str).tolist()
    ['2023-01-04T00:00:00', 'NaT', '2023-01-01T12:00:00']
    """
    return np.array(values, dtype="datetime64[s]")


@dataclass
class KpiFacts:
    """What the KPIs need beside the coverage facts, as columns (any row order: the KPIs count them).

    Ids and areas are object arrays (an area None where a row has none); dates are
    ``datetime64[s]`` (NaT where absent). :meth:`from_rows` builds them from rows.
    """

    pairing_unit: np.ndarray = field(default_factory=lambda: _objects([]))
    """Per PAIRED_WITH of a unit: the unit, its admin_level, the community."""
    pairing_level: np.ndarray = field(default_factory=lambda: _objects([]))
    pairing_community: np.ndarray = field(default_factory=lambda: _objects([]))
    activity_date: np.ndarray = field(default_factory=lambda: iso_times([]))
    """Per activity: its date and area."""
    activity_area: np.ndarray = field(default_factory=lambda: _objects([]))
    matter_category: np.ndarray = field(default_factory=lambda: _objects([]))
    """Per matter: category, created_at, closed_at, and the grid of the raising household (or of the
    raiser's household)."""
    matter_created: np.ndarray = field(default_factory=lambda: iso_times([]))
    matter_closed: np.ndarray = field(default_factory=lambda: iso_times([]))
    matter_area: np.ndarray = field(default_factory=lambda: _objects([]))
    site_standardized: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    """Per site: standardized or not, and its area."""
    site_area: np.ndarray = field(default_factory=lambda: _objects([]))
    worker: np.ndarray = field(default_factory=lambda: _objects([]))
    """Per person holding social_worker: the person and their anchor."""
    worker_anchor: np.ndarray = field(default_factory=lambda: _objects([]))

    @classmethod
    def from_rows(
        cls,
        unit_pairings: Sequence[tuple[str, str | None, str]] = (),
        activities: Sequence[tuple[str, str | None, str | None]] = (),
        matters: Sequence[tuple[str, str | None, str | None, str | None, str | None]] = (),
        sites: Sequence[tuple[str, bool, str | None]] = (),
        social_workers: Sequence[tuple[str, str | None]] = (),
    ) -> KpiFacts:
        """The columns of rows: (unit, admin_level, community), (activity, date, area), (matter,
        category, created_at, closed_at, grid), (site, standardized, area), (person, anchor).

        Examples
        --------
        >>> f = KpiFacts.from_rows(activities=[("A1", "2023-05-01", "C1")])
        >>> f.activity_area.tolist(), str(f.activity_date[0])
        (['C1'], '2023-05-01T00:00:00')
        """
        def col(rows: Sequence[tuple[Any, ...]], i: int) -> np.ndarray:
            return _objects([r[i] for r in rows])

        return cls(
            pairing_unit=col(unit_pairings, 0), pairing_level=col(unit_pairings, 1),
            pairing_community=col(unit_pairings, 2),
            activity_date=iso_times([r[1] for r in activities]), activity_area=col(activities, 2),
            matter_category=col(matters, 1), matter_created=iso_times([r[2] for r in matters]),
            matter_closed=iso_times([r[3] for r in matters]), matter_area=col(matters, 4),
            site_standardized=np.array([bool(r[1]) for r in sites], dtype=bool), site_area=col(sites, 2),
            worker=col(social_workers, 0), worker_anchor=col(social_workers, 1),
        )


@dataclass
class Projection:
    """What influence needs from the store, pulled in one read."""

    edges: list[tuple[str, str, str]] = field(default_factory=list)
    """(actor, target, type) with type PAIRED_WITH, ORGANIZED or MEMBER_OF."""
    actors: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)
    """Every unit/org with such an edge: id -> (label, name, own area id)."""
    alliances: dict[str, str | None] = field(default_factory=dict)
    """Every alliance: id -> name."""
    district_names: dict[str, str | None] = field(default_factory=dict)
    """Every district: id -> name (for labels)."""


class ChainTable(NamedTuple):
    """The contact chains of many starts, every distinct step given once (columns, not objects).

    Per start ``i`` (in the order asked): ``start_ids[i]``, ``households[i]`` (``None``
    when it has none), ``assignees[i]`` (a matter's), and ``first[i]``, the index of
    its household's step (``-1`` when it has no household). Per step ``j``:
    ``levels[j]``, ``node_ids[j]``, ``orgs[j]`` and ``people[j]`` (sorted, distinct; the
    lists may be shared with the engine's caches, so a caller copies before handing them
    out), and ``up[j]``, the step above it (``-1`` at the top). A start's chain walks
    ``first[i]``, ``up[first[i]]``, ... and stops at ``-1`` or at a step it has already
    walked (a ``PART_OF`` cycle). A household's step is never the ``up`` of a step.
    """

    start_ids: list[str]
    households: list[str | None]
    assignees: list[str | None]
    first: list[int]
    levels: list[str]
    node_ids: list[str]
    orgs: list[list[str]]
    people: list[list[str]]
    up: list[int]


class Engine(Protocol):
    """One method per fact; both backends implement them in this order."""

    backend: str

    def area_tree(self) -> dict[str, tuple[str, str | None]]:
        """Every area: id -> (level, parent id)."""
        ...

    def area_names(self, ids: frozenset[str]) -> dict[str, str]:
        """Names of these areas (the id when an area has no name)."""
        ...

    def node_count(self) -> int:
        """How many nodes the store holds (to warn about an empty store)."""
        ...

    def registration_years(self) -> list[int]:
        """Every year with a registration, ascending."""
        ...

    def rule_facts(self, year: int, scope: frozenset[str] | None,
                   rules: frozenset[str] | None) -> Mapping[str, RuleRows]:
        """Per coverage rule (every rule, or only ``rules``), the facts rows (a list or :class:`RuleFacts`)."""
        ...

    def kpi_facts(self, scope: frozenset[str] | None) -> KpiFacts:
        """The KPI facts beside the coverage facts."""
        ...

    def chains(self, node_ids: list[str]) -> ChainTable:
        """The chains of many starts, in the order given (NotFound / InvalidArgument on the first bad one)."""
        ...

    def path(self, a: str, b: str) -> list[str]:
        """The smallest shortest path (see :func:`orgnet.queries._paths.smallest_shortest_path`)."""
        ...

    def projection(self) -> Projection:
        """The influence projection."""
        ...

    def close(self) -> Any:
        """Release what the engine holds (nothing for most)."""
        ...

    # ---- decisions (as-of windows, what-if, pairings): see orgnet.queries._window

    def as_of(self, window: tuple[str, str] | None, activity_year: int | None = None) -> Engine:
        """This engine counting only the pairings and roles active in ``window`` (and, with
        ``activity_year``, only the ORGANIZED edges of activities dated in that year)."""
        ...

    def without(self, ids: list[str]) -> AbstractContextManager[Engine]:
        """This engine as if the nodes ``ids`` and all their relationships did not exist
        (NotFound on an unknown id); the store is not changed."""
        ...

    def pairing_rows(self) -> list[tuple[str, str, str]]:
        """Every (source, source label, community) with an active PAIRED_WITH, distinct, sorted."""
        ...

    def node_info(self, ids: frozenset[str]) -> dict[str, tuple[str, str | None]]:
        """Of these ids (unknown ones left out): id -> (label, name)."""
        ...

    def unit_rows(self) -> list[tuple[str, str | None, str | None]]:
        """Every unit: (id, name, area it is located in), sorted by id."""
        ...
