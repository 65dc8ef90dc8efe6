"""The KPI dashboard: the source document's figures in one picture.

Rates (覆盖率, 完成率, 报到率 …) are horizontal bars against a 100% track with
the percentage beside each; counts (结对单位数, 联办活动, 标准化阵地, 社工人数 …)
and the mean handling time are number cards. :data:`KPI_LABELS` names every
KPI in Chinese, also for :meth:`KpiReport.to_frame`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from orgnet.labels import KPI_LABELS, NOTHING_TO_COUNT
from orgnet.plots._base import RATE_CMAP, percent
from orgnet.plots.fonts import apply_cjk_font, cjk_context, require_matplotlib

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from orgnet.queries.kpis import KpiReport

__all__ = ["plot_kpis", "KPI_LABELS", "RATE_KPIS", "COUNT_KPIS"]


RATE_KPIS: Final[tuple[str, ...]] = (
    "pairing_coverage_rate",
    "matter_completion_rate",
    "property_closed_within_3_days_rate",
    "property_party_org_rate",
    "unit_registration_rate",
    "member_registration_rate",
    "report_rate",
)
"""The KPIs that are rates (0–1), drawn as bars, top to bottom."""

COUNT_KPIS: Final[tuple[str, ...]] = (
    "paired_units",
    "paired_units_municipal_and_above",
    "activities",
    "standardized_sites",
    "social_workers",
    "mean_handling_days",
)
"""The KPIs that are counts (and the mean handling days), drawn as number cards."""

_NUMBER_COLOR: Final[str] = "#1f4e79"


def plot_kpis(report: KpiReport, ax: Axes | None = None) -> Axes:
    """Draw the KPI dashboard: rate bars and, beside them, number cards.

    Parameters
    ----------
    report : KpiReport
        From ``net.kpis(year)``.
    ax : matplotlib.axes.Axes, optional
        When given, only the **rates panel** is drawn into it (one bar per
        :data:`RATE_KPIS`); the counts are left out — read them from the report
        or ``report.to_frame()``. By default a new 12.5 × 5.6 inch figure holds
        both panels, the rates on the left and the counts on the right.

    Returns
    -------
    matplotlib.axes.Axes
        The rates panel (``ax`` itself when given). With a new figure the
        counts panel is ``ax.figure.axes[1]``.

    Raises
    ------
    PlotUnavailable
        matplotlib is not installed.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import orgnet
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load(orgnet.synth.city("tiny", seed=0))
    >>> ax = plot_kpis(net.kpis(2023))
    >>> [t.get_text() for t in ax.get_yticklabels()][:2]
    ['结对共建覆盖率', '订单完成率']
    >>> len(ax.figure.axes)
    2
    >>> ax.figure.savefig("kpis.png")
    >>> plt.close("all")
    """
    require_matplotlib()
    scope = f"{report.area or '全市'}，{report.year}年"
    with cjk_context():
        if ax is not None:
            _rates(report, ax, f"党建工作比率指标（{scope}）")
            apply_cjk_font(ax)
            return ax
        import matplotlib.pyplot as plt

        rates_ax: Axes
        cards_ax: Axes
        fig, (rates_ax, cards_ax) = plt.subplots(
            1, 2, figsize=(12.5, 5.6), layout="constrained", gridspec_kw={"width_ratios": [1.45, 1.0]}
        )
        fig.suptitle(f"党建工作指标（{scope}）", fontsize=14.5)
        _rates(report, rates_ax, "比率指标")
        _cards(report, cards_ax)
        apply_cjk_font(rates_ax)
        apply_cjk_font(cards_ax)
    return rates_ax


def _rates(report: KpiReport, ax: Axes, title: str) -> None:
    import matplotlib
    from matplotlib.ticker import FixedLocator, PercentFormatter

    cmap = matplotlib.colormaps[RATE_CMAP]
    given = [getattr(report, k) for k in RATE_KPIS]  # None: nothing to count, drawn as "—"
    values = [0.0 if v is None else float(v) for v in given]
    ys = list(range(len(RATE_KPIS)))
    ax.barh(ys, [1.0] * len(ys), height=0.6, color="#efefef", zorder=1, gid="track")
    bars = ax.barh(ys, values, height=0.6, color=[cmap(v) for v in values], edgecolor="0.25",
                   linewidth=0.4, zorder=2)
    for patch in bars.patches:
        patch.set_gid("rate")
    for y, value in zip(ys, given, strict=True):
        ax.text(1.02, y, NOTHING_TO_COUNT if value is None else percent(value), va="center", ha="left", fontsize=10.5,
                gid="rate-label")
    ax.set_yticks(ys, [KPI_LABELS[k] for k in RATE_KPIS])
    ax.set_ylim(len(ys) - 0.5, -0.5)
    ax.set_xlim(0, 1.17)
    ax.xaxis.set_major_locator(FixedLocator([0, 0.25, 0.5, 0.75, 1.0]))
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.axvline(1.0, color="0.6", linewidth=0.8, linestyle=":", zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_bounds(0, 1)  # the axis ends at 100%; labels sit beyond it
    ax.tick_params(axis="y", length=0, labelsize=10.5)
    ax.set_xlabel("比率（满格为 100%）")
    ax.set_title(title, fontsize=12.5, pad=8)


def _card_value(report: KpiReport, kpi: str) -> tuple[str, str]:
    value = getattr(report, kpi)
    if kpi == "mean_handling_days":
        return ("—" if value is None else f"{value:.1f}"), "天"
    unit = {"activities": "场", "standardized_sites": "个", "social_workers": "人"}.get(kpi, "家")
    return f"{int(value):,}", unit


def _cards(report: KpiReport, ax: Axes) -> None:
    from matplotlib.patches import FancyBboxPatch

    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("数量指标", fontsize=12.5, pad=8)
    columns, rows = 2, (len(COUNT_KPIS) + 1) // 2
    width, height = 1 / columns, 1 / rows
    for index, kpi in enumerate(COUNT_KPIS):
        col, row = index % columns, index // columns
        x0, y0 = col * width, 1 - (row + 1) * height
        ax.add_patch(FancyBboxPatch(
            (x0 + 0.03, y0 + 0.04), width - 0.06, height - 0.08,
            boxstyle="round,pad=0,rounding_size=0.03", facecolor="#f3f6fa", edgecolor="#c9d6e3",
            linewidth=1.0, gid="card",
        ))
        number, unit = _card_value(report, kpi)
        cx = x0 + width / 2
        ax.text(cx, y0 + height * 0.6, number, ha="center", va="center", fontsize=24,
                color=_NUMBER_COLOR, gid="card-value")
        ax.text(cx, y0 + height * 0.26, f"{KPI_LABELS[kpi]}（{unit}）", ha="center", va="center",
                fontsize=10.5, color="0.25", gid="card-label")
