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
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from orgnet.errors import NotFound
from orgnet.queries._facts import Facts

if TYPE_CHECKING:
    from orgnet.queries._facts import Engine

__all__ = ["Facts", "AreaTree", "Tally", "rate", "latest_year"]


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
        if hit is None:
            hit = {}
            for area in self.areas:
                if area in hit:
                    continue
                chain = self.chain(area)
                found = None
                for i in range(len(chain) - 1, -1, -1):  # top-down: every node below an X-level area gets X
                    node = chain[i]
                    if self.areas[node][0] == level:
                        found = node
                    hit.setdefault(node, found)
            self._up[level] = hit
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
        return sorted(a for a, (lvl, _) in self.areas.items() if lvl == level)


def in_scope(anchors: Iterable[str], scope: frozenset[str] | None) -> bool:
    """True when ``scope`` is None (the whole graph) or one anchor lies in it."""
    return scope is None or any(a in scope for a in anchors)


def tally(
    rows: Iterable[Facts], scope: frozenset[str] | None
) -> tuple[int, list[str]]:
    """Checked count and sorted gap ids of a rule's rows within a scope."""
    checked = 0
    gaps: list[str] = []
    for row in rows:
        if scope is not None and not in_scope(row.anchors, scope):
            continue
        checked += row.checked
        if row.gaps and (row.gap_anchors is None or in_scope(row.gap_anchors, scope)):
            gaps.extend(row.gaps)
    return checked, sorted(set(gaps))


def rollup(
    rows: Iterable[Facts], tree: AreaTree, level: str, scope: frozenset[str] | None
) -> dict[str, Tally]:
    """Checked and gap counts per area of ``level``, counting anchors within ``scope``."""
    out: dict[str, Tally] = {}
    up = tree.ancestors(level)
    for row in rows:
        if len(row.anchors) == 1 and row.gap_anchors is None:  # the common case, without sets
            a = row.anchors[0]
            t = up.get(a) if scope is None or a in scope else None
            if t is not None:
                entry = out.get(t)
                if entry is None:
                    entry = out[t] = Tally()
                entry.checked += row.checked
                entry.gaps += len(row.gaps)
            continue
        anchors = [a for a in row.anchors if scope is None or a in scope]
        targets = {t for t in (up.get(a) for a in anchors) if t is not None}
        if not targets:
            continue
        if row.gap_anchors is None:
            gap_targets = targets if row.gaps else set()
        else:
            gap_targets = {
                t
                for t in (up.get(a) for a in row.gap_anchors if scope is None or a in scope)
                if t is not None
            }
        for t in targets:
            entry = out.setdefault(t, Tally())
            entry.checked += row.checked
            if t in gap_targets:
                entry.gaps += len(row.gaps)
    return out


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
