"""Area scoping and rollups shared by coverage and KPIs.

Each engine answers a rule with :class:`~orgnet.queries._facts.Facts` rows: a group of subjects, the
areas they are anchored in (a household's grid, a unit's area, an org's covered
area and its unit's area, a registration's community), how many were checked and
which are gaps. This module alone decides what ``area=`` keeps and how rows roll
up to districts and subdistricts, so the meaning cannot drift between backends.

``area=X`` keeps a row when one of its anchors lies in X's subtree; its gaps
count when ``gap_anchors`` is ``None`` (the gap belongs to the subject wherever
it is anchored) or one of ``gap_anchors`` lies in the subtree (the gap belongs
to a registration in that place).

Both operate on :class:`~orgnet.queries._facts.RuleFacts` (the rows as columns; a
list of rows is turned into one first), so a scope is a mask over the anchors and
a rollup is one ``np.bincount`` per rule and level, whatever the backend.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from orgnet.errors import NotFound
from orgnet.queries._facts import Facts, RuleFacts, RuleRows

if TYPE_CHECKING:
    from orgnet.graph.base import GraphStore
    from orgnet.queries._facts import Engine

__all__ = ["Facts", "AreaTree", "Tally", "rate", "latest_year", "YearView", "year_view", "tally", "rollup", "rollup_counts"]


@dataclass
class Tally:
    """Checked and gap counts, with the gap ids when kept."""

    checked: int = 0
    gaps: int = 0


class AreaTree:
    """The area hierarchy: levels, parents and subtrees.

    Examples
    --------
    >>> tree = AreaTree({"ZJ": ("city", None), "RZ": ("district", "ZJ"), "JS": ("subdistrict", "RZ")})
    >>> sorted(tree.subtree("RZ")), tree.ancestor_at("JS", "district")
    (['JS', 'RZ'], 'RZ')
    """

    def __init__(self, areas: dict[str, tuple[str, str | None]]) -> None:
        self.areas = areas
        self._up: dict[str, dict[str, str | None]] = {}
        self._index: dict[str, int] | None = None
        self._up_pos: dict[str, np.ndarray] = {}
        self._pos: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._acyclic: bool | None = None
        self._of_level: dict[str, list[str]] = {}

    @property
    def index(self) -> dict[str, int]:
        """Area id -> its position (in ``areas`` order)."""
        if self._index is None:
            self._index = {a: i for i, a in enumerate(self.areas)}
        return self._index

    def positions(self, ids: np.ndarray) -> np.ndarray:
        """The position of each id of an object array (``-1``: not an area), kept per array."""
        hit = self._pos.get(id(ids))
        if hit is None or hit[0] is not ids:
            index = self.index
            hit = (ids, np.fromiter((index.get(a, -1) for a in ids.tolist()), dtype=np.int64, count=len(ids)))
            self._pos[id(ids)] = hit  # the array is kept, so its id is not reused while cached
        return hit[1]

    def up_positions(self, level: str) -> np.ndarray:
        """Position -> position of its area of ``level`` (:meth:`ancestors`), ``-1`` for none."""
        hit = self._up_pos.get(level)
        if hit is None:
            hit = self._up_positions_acyclic(level) if self._acyclic is not False else None
            if hit is None:
                index, up = self.index, self.ancestors(level)
                hit = np.fromiter(((-1 if (t := up.get(a)) is None else index[t]) for a in self.areas),
                                  dtype=np.int64, count=len(self.areas))
            self._up_pos[level] = hit
        return hit

    def _up_positions_acyclic(self, level: str) -> np.ndarray | None:
        """:meth:`up_positions` climbing all areas at once; None on a PART_OF cycle."""
        index = self.index
        m = len(self.areas)
        parent = np.fromiter((index.get(p, -1) if p is not None else -1 for _, p in self.areas.values()),
                             dtype=np.int64, count=m)
        own = np.fromiter((lvl == level for lvl, _ in self.areas.values()), dtype=bool, count=m)
        mine = np.where(own, np.arange(m, dtype=np.int64), -1)
        found = mine.copy()
        above = parent
        for step in range(m + 1):  # one step up per round: the nearest area of the level at or above
            climbing = above >= 0
            if not climbing.any():
                return found
            if step == 64 and self._has_cycle(parent):  # deeper than any real hierarchy: check once
                break
            take = climbing & (found < 0)
            found[take] = mine[above[take]]
            above = np.where(climbing, parent[np.maximum(above, 0)], -1)
        self._acyclic = False
        return None

    @staticmethod
    def _has_cycle(parent: np.ndarray) -> bool:
        """Whether following ``parent`` from some position comes back to it."""
        state = np.zeros(len(parent), dtype=np.int8)  # 0 new, 1 on the current walk, 2 done
        for start in range(len(parent)):
            walk = []
            node = start
            while node >= 0 and state[node] == 0:
                state[node] = 1
                walk.append(node)
                node = int(parent[node])
            if node >= 0 and state[node] == 1:
                return True
            state[walk] = 2
        return False

    def level(self, area: str) -> str | None:
        hit = self.areas.get(area)
        return hit[0] if hit else None

    def chain(self, area: str) -> list[str]:
        """``area`` and its ancestors, upwards (stops at a cycle or a missing parent)."""
        out: list[str] = []
        seen: set[str] = set()
        node: str | None = area
        while node is not None and node in self.areas and node not in seen:
            seen.add(node)
            out.append(node)
            node = self.areas[node][1]
        return out

    def ancestor_at(self, area: str, level: str) -> str | None:
        """The area of ``level`` above or at ``area``, if any."""
        return self.ancestors(level).get(area)

    def ancestors(self, level: str) -> dict[str, str | None]:
        """Every area -> its area of ``level`` (above or at it), computed once per level."""
        hit = self._up.get(level)
        if hit is None and self._acyclic is not False:
            hit = self._ancestors_acyclic(level)
            self._acyclic = hit is not None
            if hit is not None:
                self._up[level] = hit
        if hit is None:  # a PART_OF cycle: the walk from each area decides (not the order areas come in)
            areas = self.areas
            hit = {area: next((x for x in self.chain(area) if areas[x][0] == level), None) for area in areas}
            self._up[level] = hit
        return hit

    def _ancestors_acyclic(self, level: str) -> dict[str, str | None] | None:
        """:meth:`ancestors` in one pass, each area from its parent's answer; None on a PART_OF cycle
        (there the walk from each area decides, and :meth:`ancestors` walks)."""
        areas = self.areas
        hit: dict[str, str | None] = {}
        for area in areas:
            path: list[str] = []
            on_path: set[str] = set()
            node: str | None = area
            while node is not None and node in areas and node not in hit:
                if node in on_path:
                    return None
                on_path.add(node)
                path.append(node)
                node = areas[node][1]
            found = hit.get(node) if node is not None else None
            for x in reversed(path):
                if areas[x][0] == level:
                    found = x
                hit[x] = found
        return hit

    def subtree(self, root: str) -> frozenset[str]:
        """``root`` and every area below it."""
        if root not in self.areas:
            raise NotFound(root, "area")
        children: dict[str, list[str]] = {}
        for area, (_, parent) in self.areas.items():
            if parent is not None:
                children.setdefault(parent, []).append(area)
        out = {root}
        stack = [root]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in out:
                    out.add(child)
                    stack.append(child)
        return frozenset(out)

    def of_level(self, level: str) -> list[str]:
        """The areas of ``level``, sorted (a new list each call)."""
        hit = self._of_level.get(level)
        if hit is None:
            hit = self._of_level[level] = sorted(a for a, (lvl, _) in self.areas.items() if lvl == level)
        return list(hit)


def in_scope(anchors: Iterable[str], scope: frozenset[str] | None) -> bool:
    """True when ``scope`` is None (the whole graph) or one anchor lies in it."""
    return scope is None or any(a in scope for a in anchors)


def _scope_mask(vocab: np.ndarray, scope: frozenset[str]) -> np.ndarray:
    return np.fromiter((a in scope for a in vocab.tolist()), dtype=bool, count=len(vocab))


def _kept_rows(t: RuleFacts, scope: frozenset[str] | None) -> tuple[np.ndarray, np.ndarray] | None:
    """Rows within ``scope`` (an anchor in it) and rows whose gaps count there; None: every row, both."""
    if scope is None:
        return None
    inside = _scope_mask(t.vocab, scope)
    n = len(t)
    kept = np.bincount(t.entry_row[inside[t.anchors]], minlength=n)[:n] > 0
    if t.owned is None or t.gap_anchors is None:
        return kept, kept
    own = np.bincount(t.gap_entry_row[inside[t.gap_anchors]], minlength=n)[:n] > 0
    return kept, kept & (t.owned | own)


def tally(rows: RuleRows, scope: frozenset[str] | None) -> tuple[int, list[str]]:
    """Checked count and sorted gap ids of a rule's rows within a scope.

    Examples
    --------
    >>> rows = [Facts(("G1",), 3, ("H1", "H2")), Facts(("G2",), 2, ("H3",)), Facts((), 1, ("H4",))]
    >>> tally(rows, None), tally(rows, frozenset({"G2"}))
    ((6, ['H1', 'H2', 'H3', 'H4']), (2, ['H3']))
    """
    t = RuleFacts.from_rows(rows)
    kept = _kept_rows(t, scope)
    if kept is None:
        checked, ids = int(t.checked.sum()), t.gap_ids
    else:
        checked, ids = int(t.checked[kept[0]].sum()), t.gap_ids[kept[1][t.gap_row]]
    gaps = ids.tolist()
    return checked, sorted(gaps) if t.unique_gaps else sorted(set(gaps))


def rollup_counts(
    rows: RuleRows, tree: AreaTree, level: str, scope: frozenset[str] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Checked and gap counts per area of ``level`` (by tree position), counting anchors within ``scope``.

    A row counts once in each distinct area of ``level`` above its anchors in
    scope; its gaps count there when it owns them (``gap_anchors`` None) or a
    gap anchor in scope lies under that same area.
    """
    t = RuleFacts.from_rows(rows)
    m = len(tree.areas)
    pos = tree.positions(t.vocab)
    target = np.where(pos >= 0, tree.up_positions(level)[np.maximum(pos, 0)], -1) if m else pos
    if scope is not None:
        target = np.where(_scope_mask(t.vocab, scope), target, -1)
    at = target[t.anchors]
    ok = at >= 0
    keys = _distinct(t.entry_row[ok] * m + at[ok])
    row, area = keys // max(m, 1), keys % max(m, 1)
    gaps = t.gaps_per_row[row]
    if t.owned is not None and t.gap_anchors is not None:
        gat = target[t.gap_anchors]
        gok = gat >= 0
        gap_keys = t.gap_entry_row[gok] * m + gat[gok]
        gaps = np.where(t.owned[row] | np.isin(keys, gap_keys), gaps, 0)
    checked = np.bincount(area, weights=t.checked[row], minlength=m)
    gap_counts = np.bincount(area, weights=gaps, minlength=m)
    return checked.astype(np.int64), gap_counts.astype(np.int64)


def _distinct(values: np.ndarray) -> np.ndarray:
    out = np.sort(values)
    return out[np.concatenate([[True], out[1:] != out[:-1]])] if len(out) else out


def rollup(
    rows: RuleRows, tree: AreaTree, level: str, scope: frozenset[str] | None
) -> dict[str, Tally]:
    """Checked and gap counts per area of ``level``, counting anchors within ``scope`` (see :func:`rollup_counts`).

    Examples
    --------
    >>> tree = AreaTree({"D": ("district", None), "G1": ("grid", "D"), "G2": ("grid", "D")})
    >>> rollup([Facts(("G1",), 3, ("H1",)), Facts(("G2",), 2, ())], tree, "district", None)
    {'D': Tally(checked=5, gaps=1)}
    """
    checked, gaps = rollup_counts(rows, tree, level, scope)
    names = list(tree.areas)
    return {names[i]: Tally(int(checked[i]), int(gaps[i])) for i in np.flatnonzero(checked | gaps).tolist()}


def rate(checked: int, gaps: int) -> float | None:
    """``1 - gaps/checked``; ``None`` when nothing was checked (nothing to count is not 100%).

    Examples
    --------
    >>> rate(4, 1), rate(0, 0)
    (0.75, None)
    """
    return None if checked == 0 else 1.0 - gaps / checked


def latest_year(eng: Engine) -> int:
    """The year a question uses by default: the latest registration year, else the current year."""
    years = eng.registration_years()
    return max(years) if years else _dt.date.today().year


class YearView(NamedTuple):
    """What a question about one year and one area works on (see :func:`year_view`)."""

    eng: Engine
    """The engine, counting only the pairings and roles active in ``year``."""
    year: int
    tree: AreaTree
    scope: frozenset[str] | None
    """The area asked for and every area below it; ``None`` for the whole graph."""


def year_view(store: GraphStore, year: int | None, area: str | None) -> YearView:
    """The engine of ``store`` as of ``year`` (default :func:`latest_year`), with the area tree and scope.

    ``year`` and ``area`` must already be checked (``check_year``, ``check_area``). Warns
    when the store is empty, as every figure question does.

    Raises
    ------
    NotFound
        When ``area`` is not an area of the graph.
    """
    from orgnet.queries._dispatch import engine
    from orgnet.queries._window import of_year

    eng = engine(store, warn_empty=True)
    if year is None:
        year = latest_year(eng)
    eng = eng.as_of(of_year(year))
    tree = AreaTree(eng.area_tree())
    return YearView(eng, year, tree, tree.subtree(area) if area is not None else None)
