"""Coverage gaps as a figure: a heat map of rules by area, or bars of each rule's rate.

``kind="heatmap"`` shows one row per district (or subdistrict) and one column
per rule, each cell coloured by the rule's rate in that area (red 0% → green
100%) and annotated with the percentage; cells where the area has nothing to
check are grey and marked "—". ``kind="bars"`` shows each rule's overall rate
as a horizontal bar against 100%, annotated with the percentage and the gap
count (缺口 gaps/checked).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from orgnet.errors import InvalidArgument
from orgnet.labels import RULE_LABELS
from orgnet.plots._base import RATE_CMAP, ink_for, new_axes, percent, root_figure
from orgnet.plots.fonts import apply_cjk_font, cjk_context, require_matplotlib

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from orgnet.queries.coverage import CoverageReport, RuleCount

__all__ = ["plot_coverage", "KINDS", "LEVELS"]

KINDS: Final[tuple[str, ...]] = ("heatmap", "bars")
"""The figures :func:`plot_coverage` draws."""

LEVELS: Final[dict[str, str]] = {"district": "区县", "subdistrict": "街道"}
"""Rollup levels of the heat map and their Chinese names."""

EMPTY_CELL: Final[str] = "#d9d9d9"


def plot_coverage(
    report: CoverageReport,
    ax: Axes | None = None,
    *,
    kind: str = "heatmap",
    level: str = "district",
) -> Axes:
    """Draw a coverage report: rules × areas heat map, or one bar per rule.

    Parameters
    ----------
    report : CoverageReport
        From ``net.coverage(year)``.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes (the heat map adds its colour bar beside it and
        sizes its cell labels to the cells); by default a new figure sized to
        the data.
    kind : {"heatmap", "bars"}
        ``"heatmap"``: areas (rows) by rules (columns), colour and label the
        rate, grey "—" where the area has nothing to check. ``"bars"``: each
        rule's overall rate against 100%, with 缺口 gaps/checked beside it.
    level : {"district", "subdistrict"}
        Rows of the heat map: the report's ``by_district`` or ``by_subdistrict``
        rollup. Ignored by ``"bars"``.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn into.

    Raises
    ------
    ValueError
        ``kind`` or ``level`` is not one of the values above.
    PlotUnavailable
        matplotlib is not installed.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import orgnet
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load(orgnet.synth.city("tiny", seed=0))
    >>> report = net.coverage(2023)
    >>> ax = plot_coverage(report, level="subdistrict")
    >>> ax.get_ylabel()
    '街道'
    >>> ax = report.plot(kind="bars")
    >>> len(ax.get_yticks()) == len(report.rules)
    True
    >>> ax.figure.savefig("coverage.png")
    >>> plt.close("all")
    """
    if kind not in KINDS:
        raise InvalidArgument(f"kind must be one of {', '.join(map(repr, KINDS))}, not {kind!r}")
    if level not in LEVELS:
        raise InvalidArgument(f"level must be one of {', '.join(map(repr, LEVELS))}, not {level!r}")
    require_matplotlib()
    with cjk_context():
        if kind == "bars":
            ax = _bars(report, ax)
        else:
            ax = _heatmap(report, ax, level)
        apply_cjk_font(ax)
    return ax


def _rules(report: CoverageReport) -> list[str]:
    """The report's rules: those of :data:`orgnet.labels.RULE_LABELS` in that order, then any others."""
    return [r for r in tuple(RULE_LABELS) if r in report.rules] + [r for r in report.rules if r not in tuple(RULE_LABELS)]


def _scope(report: CoverageReport) -> str:
    where = report.names.get(report.area, report.area) if report.area else "全市"
    return f"{where}，{report.year}年"


def _area_labels(report: CoverageReport, areas: list[str]) -> list[str]:
    """Area names; the id is added where a name is missing or shared by two areas."""
    names = [report.names.get(a) or a for a in areas]
    labels = []
    for area, name in zip(areas, names, strict=True):
        labels.append(f"{name} ({area})" if names.count(name) > 1 and name != area else name)
    return labels


def _heatmap(report: CoverageReport, ax: Axes | None, level: str) -> Axes:
    import matplotlib
    import numpy as np
    from matplotlib.ticker import PercentFormatter

    rollup: dict[str, dict[str, RuleCount]] = (
        report.by_district if level == "district" else report.by_subdistrict
    )
    rules = _rules(report)
    areas = list(rollup)
    given = ax
    if ax is None:
        width = max(7.5, 2.6 + 0.72 * len(rules))
        height = max(3.4, 2.3 + 0.36 * len(areas))
        _, ax = new_axes((width, height))
    level_cn = LEVELS[level]
    ax.set_title(f"覆盖缺口：各{level_cn}达标率（{_scope(report)}）", fontsize=13, pad=10)
    ax.set_ylabel(level_cn)
    if not areas or not rules:
        ax.text(0.5, 0.5, f"报告中没有按{level_cn}汇总的数据", ha="center", va="center",
                transform=ax.transAxes, color="0.4", gid="empty")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("规则")
        return ax

    rates = np.full((len(areas), len(rules)), np.nan)
    for i, area in enumerate(areas):
        for j, rule in enumerate(rules):
            count = rollup[area].get(rule)
            if count is not None and count.rate is not None:
                rates[i, j] = count.rate
    values = np.ma.masked_invalid(rates)
    cmap = matplotlib.colormaps[RATE_CMAP].with_extremes(bad=EMPTY_CELL)
    norm = matplotlib.colors.Normalize(vmin=0.0, vmax=1.0)
    mesh = ax.pcolormesh(values, cmap=cmap, norm=norm, edgecolors="white", linewidth=1.5)
    mesh.set_gid("cells")

    size = 9.0 if given is None else 8.0
    for i in range(len(areas)):
        for j in range(len(rules)):
            if np.isnan(rates[i, j]):
                label, ink = "—", "0.35"
            else:
                label, ink = percent(float(rates[i, j])), ink_for(cmap(norm(rates[i, j])))
            ax.text(j + 0.5, i + 0.5, label, ha="center", va="center", fontsize=size,
                    color=ink, gid="cell-label")

    ax.set_xlim(0, len(rules))
    ax.set_ylim(len(areas), 0)  # first area on top
    ax.set_xticks([j + 0.5 for j in range(len(rules))],
                  [RULE_LABELS.get(r, r) for r in rules],
                  rotation=40, ha="right", rotation_mode="anchor")
    ax.set_yticks([i + 0.5 for i in range(len(areas))], _area_labels(report, areas))
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    empty = bool(np.isnan(rates).any())
    ax.set_xlabel("规则" + ("（灰格“—”：该区域无检查对象）" if empty else ""))
    bar = ax.figure.colorbar(mesh, ax=ax, fraction=0.035, pad=0.02, aspect=25)
    bar.set_label("达标率（1 − 缺口数 / 检查数）")
    bar.ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    bar.outline.set_visible(False)
    apply_cjk_font(bar.ax)
    if given is not None:
        _fit_cell_labels(ax, len(rules), len(areas))
    return ax


def _fit_cell_labels(ax: Axes, columns: int, rows: int) -> None:
    """Shrink the cell labels to the cells of a caller's Axes, measured after layout."""
    fig = root_figure(ax)
    fig.draw_without_rendering()  # runs the layout engine: the Axes' final size
    box = ax.get_window_extent()
    cell_w = box.width * 72 / fig.dpi / columns
    cell_h = box.height * 72 / fig.dpi / rows
    size = max(4.5, min(8.0, cell_w / 3.4, cell_h / 1.6))
    for text in ax.texts:
        if text.get_gid() == "cell-label":
            text.set_fontsize(size)


def _bars(report: CoverageReport, ax: Axes | None) -> Axes:
    import matplotlib
    from matplotlib.ticker import FixedLocator, PercentFormatter

    rules = _rules(report)
    if ax is None:
        _, ax = new_axes((9.0, max(3.5, 1.5 + 0.36 * len(rules))))
    cmap = matplotlib.colormaps[RATE_CMAP]
    ys = list(range(len(rules)))
    results = [report.rules[r] for r in rules]
    rates = [0.0 if r.rate is None else r.rate for r in results]  # nothing checked: no bar, "无检查对象"
    ax.barh(ys, [1.0] * len(ys), height=0.62, color="#efefef", gid="track", zorder=1)
    bars = ax.barh(ys, rates, height=0.62, color=[cmap(r) for r in rates], zorder=2,
                   edgecolor="0.25", linewidth=0.4)
    for patch in bars.patches:
        patch.set_gid("rate")
    for y, result in zip(ys, results, strict=True):
        if result.checked == 0:
            note = "无检查对象"
        else:
            note = f"{percent(rates[y])}   缺口 {len(result.gaps):,} / {result.checked:,}"
        ax.text(1.02, y, note, va="center", ha="left", fontsize=9.5, gid="bar-label")
    ax.set_yticks(ys, [RULE_LABELS.get(r, r) for r in rules])
    ax.set_ylim(len(rules) - 0.5, -0.5)  # first rule on top
    ax.set_xlim(0, 1.48)
    ax.xaxis.set_major_locator(FixedLocator([0, 0.2, 0.4, 0.6, 0.8, 1.0]))
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.axvline(1.0, color="0.6", linewidth=0.8, linestyle=":", zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_bounds(0, 1)  # the axis ends at 100%; labels sit beyond it
    ax.tick_params(axis="y", length=0)
    ax.set_title(f"覆盖缺口：各项规则达标率（{_scope(report)}）", fontsize=13, pad=10)
    ax.set_xlabel("达标率（1 − 缺口数 / 检查数）")
    ax.set_ylabel("规则")
    return ax
