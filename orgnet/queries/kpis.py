"""The figures the source document reports, each defined once.

==========================================  ====================================================
KPI                                         definition
==========================================  ====================================================
pairing_coverage_rate                       communities reached by a PAIRED_WITH / communities
paired_units                                distinct units with a PAIRED_WITH
paired_units_municipal_and_above            those with admin_level central, provincial or
                                            municipal (市级以上)
activities                                  activities dated in ``year``
matter_completion_rate                      of matters created in ``year``: closed / created
property_closed_within_3_days_rate          property matters closed within 3 days
                                            (closed_at − created_at ≤ 3 days) / property matters
mean_handling_days                          mean of closed_at − created_at in days over the
                                            closed ones (dates count as midnight)
standardized_sites                          standardized Sites
property_party_org_rate, unit_registration  the rates of the coverage rules of those names
_rate, member_registration_rate,
report_rate (registration_report)
social_workers                              distinct people holding the social_worker role
==========================================  ====================================================

A rate with nothing to count is None (NaN in frames, "—" in tables and plots),
never 100%; a mean with nothing to average is None. With ``area=``: pairings
count by their community, activities and sites by where they are located,
matters by the household that raised them (or the raiser's household; a
raiser without one puts it in no area), people by their anchor (household's
grid, else org's area, else unit's; see :mod:`orgnet.queries.coverage`).
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from pydantic import BaseModel

from orgnet.labels import KPI_LABELS
from orgnet.model import MUNICIPAL_AND_ABOVE, PROPERTY_CATEGORIES
from orgnet.queries._args import check_area, check_year
from orgnet.queries._facts import KpiFacts, RuleRows
from orgnet.queries._scope import rate, tally, year_view

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from orgnet.graph.base import GraphStore

__all__ = ["KpiReport", "KpiFacts", "kpis", "handling_days"]


class KpiReport(BaseModel):
    """The seed document's figures for one year (and optionally one area)."""

    year: int
    area: str | None = None
    pairing_coverage_rate: float | None
    paired_units: int
    paired_units_municipal_and_above: int
    activities: int
    matter_completion_rate: float | None
    property_closed_within_3_days_rate: float | None
    mean_handling_days: float | None
    standardized_sites: int
    property_party_org_rate: float | None
    unit_registration_rate: float | None
    member_registration_rate: float | None
    report_rate: float | None
    social_workers: int
    denominators: dict[str, int] = {}
    """What each rate was computed over (communities, matters, property_matters,
    closed_matters, property_companies, registration_units, in_service_members,
    registered): a rate over 3 reads differently from one over 500; a rate over
nothing is None."""

    def to_frame(self) -> pd.DataFrame:
        """One row per KPI: kpi, label (Chinese), value (counts stay integers, a rate over nothing is NaN)."""
        values = self.model_dump(exclude={"year", "area", "denominators"})
        return pd.DataFrame(
            {
                "kpi": list(values),
                "label": [KPI_LABELS.get(k, k) for k in values],
                "value": pd.Series([float("nan") if v is None else v for v in values.values()], dtype=object),
            }
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        """The KPI dashboard: rates as bars against 100%, counts as annotated figures."""
        from orgnet.plots.kpis import plot_kpis

        return plot_kpis(self, ax=ax)


KPI_RULES: frozenset[str] = frozenset({
    "community_pairing", "property_party_org", "unit_registration", "member_registration", "registration_report",
})
"""The coverage rules whose rates (and checked counts) the KPIs report."""


def handling_days(created_at: str, closed_at: str) -> float:
    """Days from ``created_at`` to ``closed_at``; a date counts as midnight.

    Examples
    --------
    >>> handling_days("2023-01-01", "2023-01-04")
    3.0
    >>> handling_days("2023-01-01", "2023-01-01T12:00:00")
    0.5
    """
    start = _dt.datetime.fromisoformat(created_at)
    end = _dt.datetime.fromisoformat(closed_at)
    return (end - start).total_seconds() / 86400.0


def kpis(store: GraphStore, year: int | None = None, *, area: str | None = None) -> KpiReport:
    """Compute the seed's KPIs.

    Parameters
    ----------
    store : GraphStore
    year : int, optional
        1900–2200; by default the latest year with a registration (else the
        current year). The report says which.
    area : str, optional
        Restrict every count to this area's subtree; ``kpis(2023, area="RZ")``
        is 润州区's row.

    Returns
    -------
    KpiReport

    Examples
    --------
    >>> import orgnet
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load(orgnet.synth.city("tiny", seed=0))
    >>> 0.0 <= net.kpis(2023).pairing_coverage_rate <= 1.0
    True
    """
    year = check_year(year)
    area = check_area(area)
    eng, year, tree, scope = year_view(store, year, area)
    cover = eng.rule_facts(year, scope, KPI_RULES)
    facts = eng.kpi_facts(scope)
    return build_kpis(cover, facts, year=year, area=area, scope=scope)


def build_kpis(
    cover: Mapping[str, RuleRows],
    facts: KpiFacts,
    *,
    year: int,
    area: str | None,
    scope: frozenset[str] | None,
) -> KpiReport:
    """The report from facts; the same code for every backend (array operations over the columns)."""

    checked_of: dict[str, int] = {}

    def rule_rate(rule: str) -> float | None:
        checked, gaps = tally(cover[rule], scope)
        checked_of[rule] = checked
        return rate(checked, len(gaps))

    def anchored(areas: np.ndarray) -> np.ndarray:
        """Rows whose area lies in scope (every row without a scope; none without an area in one)."""
        if scope is None:
            return np.ones(len(areas), dtype=bool)
        return np.fromiter((a in scope for a in areas.tolist()), dtype=bool, count=len(areas))

    def of_year(times: np.ndarray) -> np.ndarray:
        return np.asarray(times.astype("datetime64[Y]") == np.datetime64(f"{year:04d}", "Y"), dtype=bool)

    paired = anchored(facts.pairing_community)
    units = dict(zip(facts.pairing_unit[paired].tolist(), facts.pairing_level[paired].tolist()))
    in_year = of_year(facts.matter_created) & anchored(facts.matter_area)
    closed = in_year & ~np.isnat(facts.matter_closed)
    prop = in_year & np.isin(facts.matter_category, sorted(PROPERTY_CATEGORIES))
    # closed_at - created_at in days, a date counting as midnight (see handling_days)
    seconds = (facts.matter_closed[closed] - facts.matter_created[closed]).astype(np.int64)
    days = seconds / 86400.0
    fast = np.zeros(len(closed), dtype=bool)
    fast[np.flatnonzero(closed)] = days <= 3.0
    n_matters, n_closed, n_prop = int(in_year.sum()), int(closed.sum()), int(prop.sum())
    n_prop_fast = int((prop & fast).sum())

    report = KpiReport(
        year=year,
        area=area,
        pairing_coverage_rate=rule_rate("community_pairing"),
        paired_units=len(units),
        paired_units_municipal_and_above=sum(1 for lvl in units.values() if lvl in MUNICIPAL_AND_ABOVE),
        activities=int((of_year(facts.activity_date) & anchored(facts.activity_area)).sum()),
        matter_completion_rate=None if not n_matters else n_closed / n_matters,
        property_closed_within_3_days_rate=None if not n_prop else n_prop_fast / n_prop,
        mean_handling_days=math.fsum(days.tolist()) / len(days) if len(days) else None,
        standardized_sites=int((facts.site_standardized & anchored(facts.site_area)).sum()),
        property_party_org_rate=rule_rate("property_party_org"),
        unit_registration_rate=rule_rate("unit_registration"),
        member_registration_rate=rule_rate("member_registration"),
        report_rate=rule_rate("registration_report"),
        social_workers=len(set(facts.worker[anchored(facts.worker_anchor)].tolist())),
    )
    report.denominators = {
        "communities": checked_of["community_pairing"],
        "matters": n_matters,
        "property_matters": n_prop,
        "closed_matters": n_closed,
        "property_companies": checked_of["property_party_org"],
        "registration_units": checked_of["unit_registration"],
        "in_service_members": checked_of["member_registration"],
        "registered": checked_of["registration_report"],
    }
    return report
