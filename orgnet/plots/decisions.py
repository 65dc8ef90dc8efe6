"""Figures of the decision questions: trend small multiples, what-if bars, pairing plans."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from orgnet.labels import KPI_LABELS, RULE_LABELS
from orgnet.plots.fonts import apply_cjk_font, cjk_context, require_matplotlib

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from orgnet.queries.recommend import PairingPlan
    from orgnet.queries.trend import TrendReport
    from orgnet.queries.what_if import WhatIfReport

__all__ = ["plot_trend", "plot_what_if", "plot_plan"]


def plot_trend(report: TrendReport, ax: Axes | None = None) -> Axes:
    """Small multiples: one panel per KPI and coverage rule, value by year.

    With ``ax`` only the rates of every rule are drawn into it, one line each.
    Returns the first panel's Axes (the figure holds all of them).

    Examples
    --------
    >>> import orgnet
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load(orgnet.synth.city("tiny", seed=0))
    >>> ax = plot_trend(net.trend([2022, 2023]))
    >>> len(ax.figure.axes) >= 20
    True
    """
    require_matplotlib()
    import matplotlib.pyplot as plt

    frame = report.to_frame()
    with cjk_context():
        if ax is not None:
            for rule in RULE_LABELS:
                if rule in frame.columns:
                    ax.plot(frame.index, frame[rule], marker="o", label=RULE_LABELS[rule])
            ax.set_ylim(0, 1.05)
            ax.legend(fontsize=7)
            apply_cjk_font(ax)
            return ax
        columns = list(frame.columns)
        ncols = 5
        nrows = max(1, math.ceil(len(columns) / ncols))
        fig, axes = plt.subplots(nrows, ncols, figsize=(2.6 * ncols, 1.9 * nrows), layout="constrained",
                                 squeeze=False)
        flat = axes.ravel()
        for panel, column in zip(flat, columns):
            panel.plot(frame.index, frame[column], marker="o", color="#1f4e79")
            panel.set_title(KPI_LABELS.get(column, RULE_LABELS.get(column, column)), fontsize=8)
            panel.set_xticks(list(frame.index))
            panel.tick_params(labelsize=7)
            apply_cjk_font(panel)
        for panel in flat[len(columns):]:
            panel.set_visible(False)
        return flat[0]  # type: ignore[no-any-return]


def plot_what_if(report: WhatIfReport, ax: Axes | None = None) -> Axes:
    """Each rule's rate before and after the withdrawal, as paired horizontal bars."""
    require_matplotlib()
    import matplotlib.pyplot as plt
    import numpy as np

    frame = report.to_frame()
    with cjk_context():
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 5), layout="constrained")
        y = np.arange(len(frame))
        ax.barh(y - 0.2, frame["rate_before"].fillna(0), height=0.4, label="before 之前", color="#9db9d5")
        ax.barh(y + 0.2, frame["rate_after"].fillna(0), height=0.4, label="after 之后", color="#c0392b")
        ax.set_yticks(y, [f"{label} (+{n})" if n else label
                          for label, n in zip(frame["label"], frame["newly_uncovered"])])
        ax.invert_yaxis()
        ax.set_xlim(0, 1.05)
        ax.set_title("withdraw " + ", ".join(report.withdrawn[:5]) + (" …" if len(report.withdrawn) > 5 else ""))
        ax.legend(loc="lower right", fontsize=8)
        apply_cjk_font(ax)
    return ax


def plot_plan(plan: PairingPlan, ax: Axes | None = None) -> Axes:
    """New communities per proposed unit (bars), labelled with unit names."""
    require_matplotlib()
    import matplotlib.pyplot as plt

    frame = plan.to_frame()
    with cjk_context():
        if ax is None:
            _, ax = plt.subplots(figsize=(8, max(2.5, 0.3 * frame["unit"].nunique() + 1)), layout="constrained")
        if len(frame):
            per_unit = frame.groupby("unit").agg(n=("community", "size"), name=("unit_name", "first"),
                                                 load=("cost", "first")).sort_values(["n", "load"])
            labels = [f"{n or u} (load {load})" for u, n, load in
                      zip(per_unit.index, per_unit["name"], per_unit["load"])]
            ax.barh(labels, per_unit["n"], color="#2e86c1")
        ax.set_xlabel("new communities 新结对社区")
        ax.set_title(f"{len(plan.pairs)} new pairings, {len(plan.uncovered)} uncovered, cost {plan.total_cost}")
        apply_cjk_font(ax)
    return ax
