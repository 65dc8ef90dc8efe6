"""A report folder: every figure as PNG plus a one-page summary, in Markdown and .xlsx.

``write_report(net, out, year=2023)`` is what ``orgnet report --out DIR`` and
``orgnet demo`` write. Rates read as percentages with what they count
("67% (2 / 3)"); the title names the area (润州区, not RZ; the city only when
more than one district is loaded and no ``area`` is given); the summary has the
trend over the years and the top gaps with names and places.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orgnet.labels import NOTHING_TO_COUNT

if TYPE_CHECKING:
    import pandas as pd

    from orgnet.network import Network
    from orgnet.queries.chains import Chain
    from orgnet.queries.coverage import CoverageReport
    from orgnet.queries.influence import InfluenceReport
    from orgnet.queries.kpis import KpiReport
    from orgnet.queries.trend import TrendReport

__all__ = ["Report", "build_report", "write_report"]


@dataclass
class Report:
    """The answers a report shows, computed once."""

    year: int
    area: str | None
    coverage: CoverageReport
    influence: InfluenceReport
    kpis: KpiReport
    chain: Chain | None
    figures: list[Path] = field(default_factory=list)
    trend: TrendReport | None = None
    place: str = ""
    """The name of what the report covers (the area, the one district loaded, or the city)."""


def build_report(net: Network, *, year: int, area: str | None = None, betweenness: str = "exact") -> Report:
    """Compute coverage, influence, KPIs and one sample chain (a household no member contacts).

    Examples
    --------
    >>> import orgnet
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load(orgnet.synth.city("tiny", seed=0))
    >>> build_report(net, year=2023).chain.broken_at
    'household'
    """
    cov = net.coverage(year, area=area)
    gaps = cov.rules["household_contact"].gaps
    start = gaps[0] if gaps else next((r["id"] for r in net.store.iter_nodes("Household")), None)
    return Report(
        year=year, area=area, coverage=cov, influence=net.influence(betweenness=betweenness),
        kpis=net.kpis(year, area=area),
        chain=net.contact_chain(start, year) if start is not None else None,
        trend=net.trend(area=area), place=place_name(net, cov),
    )


def place_name(net: Network, cov: CoverageReport) -> str:
    """What a report covers, by name: the area asked for, else the one district loaded, else the city."""
    from orgnet.queries._dispatch import engine

    if cov.area is not None:
        return engine(net.store).area_names(frozenset({cov.area})).get(cov.area, cov.area)
    filled = [d for d, per in cov.by_district.items() if any(c.checked for c in per.values())]
    if len(filled) == 1:
        return cov.names.get(filled[0], filled[0])
    cities = [a for a in cov.names if a not in cov.by_district and a not in cov.by_subdistrict]
    return cov.names.get(cities[0], "全市") if len(cities) == 1 else "全市"


RATE_DENOMINATORS: dict[str, str] = {
    "pairing_coverage_rate": "communities",
    "matter_completion_rate": "matters",
    "property_closed_within_3_days_rate": "property_matters",
    "property_party_org_rate": "property_companies",
    "unit_registration_rate": "registration_units",
    "member_registration_rate": "in_service_members",
    "report_rate": "registered",
}
"""Rate KPI -> the denominator it is computed over (:attr:`KpiReport.denominators`)."""


def with_denominator(rate: float | None, total: int) -> str:
    """A rate as a percentage with what it counts.

    >>> with_denominator(2 / 3, 3), with_denominator(None, 0)
    ('67% (2 / 3)', '— (0 / 0)')
    """
    from orgnet.plots._base import percent

    if rate is None:
        return f"{NOTHING_TO_COUNT} (0 / {total})"
    return f"{percent(rate)} ({round(rate * total)} / {total})"


def coverage_table(cov: CoverageReport) -> pd.DataFrame:
    """The coverage table of a report: rule, label, checked, gaps, rate as "67% (2 / 3)"."""
    frame = cov.to_frame()
    frame["rate"] = [with_denominator(r.rate, r.checked) for r in cov.rules.values()]
    return frame


def kpi_table(kpis: KpiReport) -> pd.DataFrame:
    """The KPI table of a report: rates as percentages with their denominators."""
    frame = kpis.to_frame()
    values = []
    for kpi, value in zip(frame["kpi"], frame["value"]):
        den = RATE_DENOMINATORS.get(kpi)
        if den is not None:
            values.append(with_denominator(None if value != value else value, kpis.denominators.get(den, 0)))
        else:
            values.append(_fmt(value))
    frame["value"] = values
    return frame


def _markdown(frame: pd.DataFrame) -> str:
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(_fmt(v) for v in row) + " |")
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return NOTHING_TO_COUNT  # a rate over nothing: never shown as 100% (nor as "nan")
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def write_report(net: Network, out: str | Path, *, year: int, area: str | None = None,
                 level: str | None = None, betweenness: str = "exact") -> Report:
    """Write every figure and ``summary.md`` into ``out``.

    Parameters
    ----------
    net : Network
    out : str or Path
        Folder to write into (created when missing).
    year : int
    area : str, optional
        Restrict coverage and KPIs to this area's subtree.
    level : {"district", "subdistrict"}, optional
        Rows of the coverage heat map; by default subdistricts when the data
        covers one district, else districts.
    betweenness : {"exact", "sample"}
        See :func:`orgnet.queries.influence.influence`.

    Returns
    -------
    Report
        With ``figures`` listing the PNG files written.
    """
    import matplotlib.pyplot as plt

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    rep = build_report(net, year=year, area=area, betweenness=betweenness)
    cov = rep.coverage
    if level is None:
        filled = [d for d, per in cov.by_district.items() if any(c.checked for c in per.values())]
        level = "subdistrict" if len(filled) <= 1 else "district"
    figures: list[tuple[str, Callable[[], Any]]] = [
        ("coverage_heatmap.png", lambda: cov.plot(kind="heatmap", level=level)),
        ("coverage_bars.png", lambda: cov.plot(kind="bars")),
        ("influence.png", rep.influence.plot),
        ("kpis.png", rep.kpis.plot),
    ]
    if rep.chain is not None:
        figures.insert(2, ("contact_chain.png", rep.chain.plot))
    if rep.trend is not None and rep.trend.years:
        trend_report = rep.trend
        figures.append(("trend.png", trend_report.plot))
    for name, draw in figures:
        ax = draw()
        ax.figure.savefig(folder / name, dpi=120, bbox_inches="tight")
        plt.close(ax.figure)
        rep.figures.append(folder / name)

    gaps = cov.gap_frame()
    top_gaps = gaps.head(20)
    parts = [
        f"# orgnet report — {rep.place}, {rep.coverage.year}",
        "",
        "## 覆盖缺口 Coverage gaps",
        "",
        _markdown(coverage_table(cov)),
        "",
        "![coverage](coverage_heatmap.png)",
        "",
        f"## 缺口清单 Top gaps ({len(top_gaps)} of {len(gaps)}; `orgnet coverage --gaps --xlsx` writes them all)",
        "",
        _markdown(top_gaps),
        "",
        "## 指标 KPIs",
        "",
        _markdown(kpi_table(rep.kpis)),
        "",
        "![kpis](kpis.png)",
        "",
        "## 结对共建影响力 Influence (top 10)",
        "",
        _markdown(rep.influence.to_frame().head(10)[
            ["id", "name", "pairings", "districts", "cross_district", "activities", "pagerank", "betweenness"]]),
        "",
        "![influence](influence.png)",
    ]
    if rep.chain is not None:
        parts += ["", f"## 三提三知 Contact chain of {rep.chain.start_id} (broken at: {rep.chain.broken_at})", "",
                  _markdown(rep.chain.to_frame()), "", "![chain](contact_chain.png)"]
    trend_frame = rep.trend.to_frame().reset_index() if rep.trend is not None else None
    if trend_frame is not None and len(trend_frame):
        parts += ["", "## 趋势 Trend", "", _markdown(trend_frame), "", "![trend](trend.png)"]
    (folder / "summary.md").write_text("\n".join(parts) + "\n", encoding="utf-8")
    from orgnet.io.excel_text import excel_writer

    with excel_writer(folder / "summary.xlsx") as writer:
        coverage_table(cov).to_excel(writer, sheet_name="覆盖缺口", index=False)
        kpi_table(rep.kpis).to_excel(writer, sheet_name="指标", index=False)
        if trend_frame is not None:
            trend_frame.to_excel(writer, sheet_name="趋势", index=False)
        gaps.to_excel(writer, sheet_name="缺口清单", index=False)
        rep.influence.to_frame().head(50).to_excel(writer, sheet_name="影响力", index=False)
        if rep.chain is not None:
            rep.chain.to_frame().to_excel(writer, sheet_name="三提三知", index=False)
    return rep
