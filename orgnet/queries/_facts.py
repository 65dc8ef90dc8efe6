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

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

__all__ = [
    "Facts",
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


@dataclass
class KpiFacts:
    """What the KPIs need beside the coverage facts, as rows with anchors (in any order: the KPIs count them)."""

    unit_pairings: list[tuple[str, str | None, str]] = field(default_factory=list)
    """(unit, admin_level, community) for every unit's PAIRED_WITH."""
    activities: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    """(activity, date, area)."""
    matters: list[tuple[str, str | None, str | None, str | None, str | None]] = field(default_factory=list)
    """(matter, category, created_at, closed_at, grid of the raising household or of the raiser's household)."""
    sites: list[tuple[str, bool, str | None]] = field(default_factory=list)
    """(site, standardized, area)."""
    social_workers: list[tuple[str, str | None]] = field(default_factory=list)
    """(person holding social_worker, their anchor)."""


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
                   rules: frozenset[str] | None) -> dict[str, list[Facts]]:
        """Per coverage rule (every rule, or only ``rules``), the facts rows."""
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
