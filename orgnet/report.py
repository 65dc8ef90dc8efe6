"""A report folder: every figure as PNG plus a one-page Markdown summary.

``write_report(net, out, year=2023)`` is what ``orgnet report --out DIR`` and
``orgnet demo`` write.
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
        chain=net.contact_chain(start) if start is not None else None,
    )


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
    for name, draw in figures:
        ax = draw()
        ax.figure.savefig(folder / name, dpi=120, bbox_inches="tight")
        plt.close(ax.figure)
        rep.figures.append(folder / name)

    scope = f"area {area}" if area else "the whole network"
    parts = [
        f"# orgnet report — {rep.coverage.year}, {scope}",
        "",
        "## 覆盖缺口 Coverage gaps",
        "",
        _markdown(cov.to_frame()),
        "",
        "![coverage](coverage_heatmap.png)",
        "",
        "## 指标 KPIs",
        "",
        _markdown(rep.kpis.to_frame()),
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
    (folder / "summary.md").write_text("\n".join(parts) + "\n", encoding="utf-8")
    return rep
