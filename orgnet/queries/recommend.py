"""Recommendations: which unit should pair with the communities left alone.

``recommend_pairings`` proposes new unit → community pairings for the
communities in the ``community_pairing`` gaps of a year (within ``area=``, the
communities in that area). Candidates are Unit nodes. Each community gets at
most one new unit, each unit at most ``capacity`` new communities; with
``same_district`` a unit is eligible in its own district — the district above
where it is located — or anywhere when it has none (located nowhere, or at the
city level). Among the plans that cover the most communities, the one with the
least ``total_cost`` is chosen, where a pair costs the number of communities
that unit already pairs with itself in that year (spreading the load). It is
solved exactly as a min-cost flow (:func:`orgnet.algorithms.assignment.assign`),
not greedily; ties go the same way every time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from pydantic import BaseModel

from orgnet.algorithms.assignment import assign
from orgnet.queries._args import check_area, check_int, check_year
from orgnet.queries._scope import tally, year_view

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from orgnet.graph.base import GraphStore

__all__ = ["ProposedPairing", "PairingPlan", "recommend_pairings"]


class ProposedPairing(BaseModel):
    """One proposed new pairing, with names and districts beside the ids."""

    unit: str
    unit_name: str | None = None
    unit_district: str | None = None
    unit_district_name: str | None = None
    community: str
    community_name: str | None = None
    district: str | None = None
    district_name: str | None = None
    cost: int
    """The communities the unit already pairs with in the year."""


class PairingPlan(BaseModel):
    """An optimal plan of new pairings.

    Attributes
    ----------
    pairs : list of ProposedPairing
        Sorted by community, then unit.
    uncovered : list of str
        Communities in the gaps that no eligible unit could take, sorted.
    total_cost : int
        Sum of the pairs' costs.
    """

    year: int
    area: str | None = None
    capacity: int
    same_district: bool
    pairs: list[ProposedPairing]
    uncovered: list[str]
    total_cost: int

    def to_frame(self) -> pd.DataFrame:
        """One row per proposed pair (the columns of :class:`ProposedPairing`)."""
        return pd.DataFrame([p.model_dump() for p in self.pairs], columns=list(ProposedPairing.model_fields))

    def to_xlsx(self, path: str | Path) -> Path:
        """Write the plan (sheet 结对建议) and the uncovered communities (sheet 未覆盖) to a workbook."""
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        from orgnet.io.excel_text import excel_writer

        with excel_writer(out) as writer:
            self.to_frame().to_excel(writer, sheet_name="结对建议", index=False)
            pd.DataFrame({"community": self.uncovered}).to_excel(writer, sheet_name="未覆盖", index=False)
        return out

    def plot(self, ax: Axes | None = None) -> Axes:
        """New communities per unit (bars), coloured by the unit's current load."""
        from orgnet.plots.decisions import plot_plan

        return plot_plan(self, ax=ax)


def recommend_pairings(store: GraphStore, year: int | None = None, *, area: str | None = None,
                       capacity: int = 2, same_district: bool = True) -> PairingPlan:
    """Propose new unit → community pairings for the communities no pairing reaches.

    Parameters
    ----------
    store : GraphStore
    year : int, optional
        Year of the gaps and loads (default: the latest registration year, as coverage).
    area : str, optional
        Consider the communities in this area's subtree.
    capacity : int
        The most new communities one unit may take (1 to 1,000).
    same_district : bool
        Only units of the community's district, or units with no district.

    Returns
    -------
    PairingPlan

    Examples
    --------
    >>> import orgnet
    >>> from orgnet.model import Area, Unit
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load([Area(id="ZJ", level="city"), Area(id="D", level="district", parent_id="ZJ"),
    ...               Area(id="C1", level="community", parent_id="D"), Unit(id="U1", area_id="D")])
    >>> [(p.unit, p.community) for p in net.recommend_pairings(2023).pairs]
    [('U1', 'C1')]
    """
    year = check_year(year)
    area = check_area(area)
    check_int("capacity", capacity, 1, 1000)
    if not isinstance(same_district, bool):
        from orgnet.errors import InvalidArgument

        raise InvalidArgument(f"same_district must be True or False, not {same_district!r}")
    eng, year, tree, scope = year_view(store, year, area)
    _, gaps = tally(eng.rule_facts(year, scope, frozenset({"community_pairing"}))["community_pairing"], scope)
    district_of = tree.ancestors("district")
    load: dict[str, int] = {}
    for source, label, _ in eng.pairing_rows():
        if label == "Unit":
            load[source] = load.get(source, 0) + 1
    units = eng.unit_rows()
    unit_district = {u: (district_of.get(a) if a is not None else None) for u, _, a in units}
    by_district: dict[str | None, list[str]] = {}
    for u, d in unit_district.items():
        by_district.setdefault(d, []).append(u)
    everyone = [u for u, _, _ in units]
    eligible: dict[str, list[str]] = {}
    for c in gaps:
        if not same_district:
            eligible[c] = everyone
        else:
            d = district_of.get(c)
            eligible[c] = by_district.get(None, []) + (by_district.get(d, []) if d is not None else [])
    plan = assign(eligible, load, capacity=capacity)
    names = eng.area_names(frozenset(gaps) | frozenset(d for d in district_of.values() if d is not None))
    unit_name = {u: n for u, n, _ in units}
    pairs = []
    for u, c in plan.pairs:
        ud, cd = unit_district[u], district_of.get(c)
        pairs.append(ProposedPairing(
            unit=u, unit_name=unit_name.get(u), unit_district=ud,
            unit_district_name=names.get(ud) if ud else None,
            community=c, community_name=names.get(c), district=cd,
            district_name=names.get(cd) if cd else None, cost=load.get(u, 0),
        ))
    return PairingPlan(year=year, area=area, capacity=capacity, same_district=same_district, pairs=pairs,
                       uncovered=plan.uncovered, total_cost=plan.total_cost)
