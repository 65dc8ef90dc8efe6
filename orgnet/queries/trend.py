"""Trends: every KPI and every coverage rate, year by year.

``trend(years=None)`` gives one row per year — by default every year present in
registrations, matters (by ``created_at``) and activities (by ``date``) — with
each KPI of :class:`~orgnet.queries.kpis.KpiReport` for that year and each
coverage rule's rate, each computed as ``kpis(year)`` / ``coverage(year)``
would (pairings and roles as of that year). The seed's "handling time
shortened from 9.1 to about 4 days" is ``trend().to_frame()["mean_handling_days"]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from pydantic import BaseModel

from orgnet.queries._args import check_area, check_year
from orgnet.queries._dispatch import engine
from orgnet.queries._facts import KpiFacts
from orgnet.queries._scope import AreaTree, rate, tally
from orgnet.queries._window import of_year
from orgnet.queries.coverage import RULES
from orgnet.queries.kpis import KpiReport, build_kpis

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from orgnet.graph.base import GraphStore
    from orgnet.queries._facts import Engine

__all__ = ["TrendReport", "trend", "BY_YEAR"]

BY_YEAR: frozenset[str] = frozenset({
    "community_pairing", "building_leader", "grid_three_leaders",  # pairings and roles as of the year
    "member_registration", "unit_registration", "registration_report",  # registrations of the year
})
"""The coverage rules whose answer depends on the year; the others are computed once per trend."""


class TrendReport(BaseModel):
    """KPIs and coverage rates per year.

    Attributes
    ----------
    kpis : list of KpiReport
        One per year, ascending.
    rates : dict of int to dict of str to float or None
        Year -> rule -> rate (None: nothing to count).
    """

    area: str | None = None
    years: list[int]
    kpis: list[KpiReport]
    rates: dict[int, dict[str, float | None]]

    def to_frame(self) -> pd.DataFrame:
        """One row per year (the index): every KPI, then every rule's rate (NaN: nothing to count).

        Examples
        --------
        >>> import orgnet
        >>> net = orgnet.connect("memory://")
        >>> _ = net.load(orgnet.synth.city("tiny", seed=0))
        >>> frame = net.trend([2022, 2023]).to_frame()
        >>> list(frame.index), "mean_handling_days" in frame.columns, "community_pairing" in frame.columns
        ([2022, 2023], True, True)
        """
        rows = []
        for report in self.kpis:
            values = report.model_dump(exclude={"year", "area", "denominators"})
            values.update(self.rates[report.year])
            rows.append({k: float("nan") if v is None else v for k, v in values.items()})
        frame = pd.DataFrame(rows, index=pd.Index(self.years, name="year"))
        return frame

    def plot(self, ax: Axes | None = None) -> Axes:
        """Small multiples: one panel per KPI and rule, the value over the years."""
        from orgnet.plots.decisions import plot_trend

        return plot_trend(self, ax=ax)


def trend(store: GraphStore, years: Iterable[int] | None = None, *, area: str | None = None) -> TrendReport:
    """Every KPI and every coverage rate for each year.

    Parameters
    ----------
    store : GraphStore
    years : iterable of int, optional
        By default every year present in registrations, matters and activities.
    area : str, optional
        Restrict every count to this area's subtree.

    Returns
    -------
    TrendReport
    """
    area = check_area(area)
    wanted = None if years is None else sorted({y for y in (check_year(y) for y in years) if y is not None})
    eng = engine(store, warn_empty=True)
    tree = AreaTree(eng.area_tree())
    scope = tree.subtree(area) if area is not None else None
    if wanted is None:
        found = set(eng.registration_years())
        first = eng.kpi_facts(None)
        for times in (first.matter_created, first.activity_date):
            seen = times[~np.isnat(times)].astype("datetime64[Y]").astype(np.int64) + 1970
            found |= set(seen.tolist())
        wanted = sorted(found)
    reports: list[KpiReport] = []
    rates: dict[int, dict[str, float | None]] = {}
    fixed = eng.rule_facts(wanted[0], scope, frozenset(RULES) - BY_YEAR) if wanted else {}
    shared: list[tuple[Engine, KpiFacts]] = []  # a year whose as-of view is the same engine shares them
    for year in wanted:
        at = eng.as_of(of_year(year))
        cover = {**fixed, **at.rule_facts(year, scope, BY_YEAR)}
        facts = next((f for e, f in shared if e is at), None)
        if facts is None:
            facts = at.kpi_facts(scope)
            shared.append((at, facts))
        reports.append(build_kpis(cover, facts, year=year, area=area, scope=scope))
        per_rule: dict[str, float | None] = {}
        for rule in RULES:
            checked, gaps = tally(cover[rule], scope)
            per_rule[rule] = rate(checked, len(gaps))
        rates[year] = per_rule
    return TrendReport(area=area, years=wanted, kpis=reports, rates=rates)
