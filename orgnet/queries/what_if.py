"""What if a unit withdraws: coverage without some nodes, and who the network hangs on.

``what_if(withdraw=[ids])`` computes coverage as if the withdrawn nodes and all
their relationships did not exist — those stored as reference fields too (a
child org loses its parent, members lose their org) — and lists per rule the
gaps that appear (``newly_uncovered``). Withdrawn subjects leave the checked
counts. The store is not changed: the embedded engine answers from a copy of
its state without those nodes; Neo4j deletes them inside one transaction that
is rolled back after the answer (so the Neo4j user needs write access).

``critical_actors()`` lists every unit or org that is the only partner of at
least one community: the communities all of whose active pairings come from it.

Both take ``year`` (pairings active in that year, see
:mod:`orgnet.queries._window`) and ``area``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import pandas as pd
from pydantic import BaseModel

from orgnet.labels import RULE_LABELS
from orgnet.queries._args import check_area, check_ids, check_year
from orgnet.queries._dispatch import engine
from orgnet.queries._facts import RuleRows
from orgnet.queries._scope import AreaTree, rate, tally, year_view
from orgnet.queries._window import window
from orgnet.queries.coverage import RULES, RuleResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from orgnet.graph.base import GraphStore

__all__ = ["WhatIfReport", "CriticalActor", "what_if", "critical_actors"]


class WhatIfReport(BaseModel):
    """Coverage before and after withdrawing some nodes.

    Attributes
    ----------
    withdrawn : list of str
        The ids withdrawn, sorted.
    before, after : dict of str to RuleResult
        Per rule (in :data:`~orgnet.queries.coverage.RULES` order).
    newly_uncovered : dict of str to list of str
        Per rule, the gaps after that were not gaps before, sorted.
    """

    year: int
    area: str | None = None
    withdrawn: list[str]
    before: dict[str, RuleResult]
    after: dict[str, RuleResult]
    newly_uncovered: dict[str, list[str]]

    def to_frame(self) -> pd.DataFrame:
        """One row per rule: rule, label, checked/gaps/rate before and after, newly uncovered (count)."""
        rows = []
        for rule in self.before:
            b, a = self.before[rule], self.after[rule]
            rows.append({
                "rule": rule, "label": RULE_LABELS.get(rule, rule),
                "checked_before": b.checked, "gaps_before": len(b.gaps),
                "rate_before": float("nan") if b.rate is None else b.rate,
                "checked_after": a.checked, "gaps_after": len(a.gaps),
                "rate_after": float("nan") if a.rate is None else a.rate,
                "newly_uncovered": len(self.newly_uncovered.get(rule, [])),
            })
        return pd.DataFrame(rows)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Rates before and after, per rule, as paired bars (rules with a change first)."""
        from orgnet.plots.decisions import plot_what_if

        return plot_what_if(self, ax=ax)


class CriticalActor(BaseModel):
    """A unit or org that is the only partner of some communities."""

    id: str
    sole_communities: list[str]
    """The communities all of whose active pairings come from this actor, sorted."""


def what_if(store: GraphStore, withdraw: Iterable[str], year: int | None = None, *,
            area: str | None = None) -> WhatIfReport:
    """Coverage as if the nodes ``withdraw`` and all their relationships did not exist.

    Parameters
    ----------
    store : GraphStore
    withdraw : iterable of str
        Node ids (units, orgs, people, areas, …).
    year : int, optional
        As for :func:`~orgnet.queries.coverage.coverage` (default: the latest registration year).
    area : str, optional
        Restrict every count to this area's subtree.

    Returns
    -------
    WhatIfReport

    Raises
    ------
    NotFound
        When an id of ``withdraw`` (or ``area``) is not in the graph.

    Examples
    --------
    >>> import orgnet
    >>> from orgnet.model import Area, Unit, Pairing
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load([Area(id="ZJ", level="city"), Area(id="C1", level="community", parent_id="ZJ"),
    ...               Unit(id="U1"), Pairing(source_id="U1", target_id="C1")])
    >>> net.what_if(["U1"], 2023).newly_uncovered["community_pairing"]
    ['C1']
    """
    ids = sorted(set(check_ids("withdraw", withdraw)))
    year = check_year(year)
    area = check_area(area)
    eng, year, tree, scope = year_view(store, year, area)
    before = _results(eng.rule_facts(year, scope, None), scope)
    with eng.without(ids) as gone:
        # the area's subtree as it is without the nodes: a withdrawn area takes its subtree out
        # of the scope (its children lose their PART_OF), and a withdrawn ``area`` leaves nothing
        after_scope = None
        if area is not None:
            after_tree = AreaTree(gone.area_tree())
            after_scope = after_tree.subtree(area) if area in after_tree.areas else frozenset()
        after = _results(gone.rule_facts(year, after_scope, None), after_scope)
    newly = {rule: sorted(set(after[rule].gaps) - set(before[rule].gaps)) for rule in RULES}
    return WhatIfReport(year=year, area=area, withdrawn=ids, before=before, after=after, newly_uncovered=newly)


def _results(facts: Mapping[str, RuleRows], scope: frozenset[str] | None) -> dict[str, RuleResult]:
    """Per rule, its result within ``scope`` (as coverage's, without the rollups)."""
    out = {}
    for rule in RULES:
        checked, gaps = tally(facts[rule], scope)
        out[rule] = RuleResult.model_construct(rule=rule, checked=checked, gaps=gaps, rate=rate(checked, len(gaps)))
    return out


def critical_actors(store: GraphStore, year: int | None = None, *, area: str | None = None) -> list[CriticalActor]:
    """Every unit or org that is the only partner of at least one community.

    Parameters
    ----------
    store : GraphStore
    year : int, optional
        The pairings active in that year; without a year, those not ended by
        today (and not starting after it).
    area : str, optional
        Consider the communities in this area's subtree.

    Returns
    -------
    list of CriticalActor
        Sorted by the number of sole communities descending, then id.

    Examples
    --------
    >>> import orgnet
    >>> from orgnet.model import Area, Unit, Pairing
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load([Area(id="ZJ", level="city"), Area(id="C1", level="community", parent_id="ZJ"),
    ...               Unit(id="U1"), Pairing(source_id="U1", target_id="C1")])
    >>> net.critical_actors(2023)
    [CriticalActor(id='U1', sole_communities=['C1'])]
    """
    year = check_year(year)
    area = check_area(area)
    eng = engine(store, warn_empty=True)
    scope = AreaTree(eng.area_tree()).subtree(area) if area is not None else None
    partners: dict[str, set[str]] = {}
    for source, _, community in eng.as_of(window(year)).pairing_rows():
        if scope is None or community in scope:
            partners.setdefault(community, set()).add(source)
    sole: dict[str, list[str]] = {}
    for community, sources in partners.items():
        if len(sources) == 1:
            sole.setdefault(next(iter(sources)), []).append(community)
    return [CriticalActor(id=a, sole_communities=sorted(cs))
            for a, cs in sorted(sole.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
