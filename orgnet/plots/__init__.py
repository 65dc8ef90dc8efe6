"""Figures for orgnet's reports, each in its own module.

Every function takes the report first and ``ax=None`` (draw into that Axes, or
into a new figure), never calls ``plt.show()``, and returns the Axes; the
reports' ``.plot()`` methods call them. matplotlib is imported only when a
figure is drawn; without it they raise :class:`~orgnet.errors.PlotUnavailable`.
Chinese labels are set in the Noto Sans CJK SC font that ``mplfonts`` ships
(see :mod:`orgnet.plots.fonts`), per figure, leaving the user's rcParams alone.

=========================  ===================================================
:func:`plot_coverage`      coverage gaps: rules × areas heat map, or rule bars
:func:`plot_chain`         a contact chain (三提三知) as a ladder, 户 → 市
:func:`plot_influence`     the pairing network of the most influential actors
:func:`plot_kpis`          the KPI dashboard: rate bars and number cards
=========================  ===================================================

Examples
--------
>>> import matplotlib.pyplot as plt
>>> import orgnet
>>> from orgnet.plots import plot_kpis
>>> net = orgnet.connect("memory://")
>>> _ = net.load(orgnet.synth.city("tiny", seed=0))
>>> ax = plot_kpis(net.kpis(2023))
>>> ax.figure.savefig("kpis.png")
>>> plt.close("all")
"""

from orgnet.plots.chains import plot_chain
from orgnet.plots.coverage import plot_coverage
from orgnet.plots.fonts import FontWarning, cjk_font
from orgnet.plots.influence import plot_influence
from orgnet.plots.kpis import KPI_LABELS, plot_kpis

__all__ = [
    "plot_coverage",
    "plot_chain",
    "plot_influence",
    "plot_kpis",
    "KPI_LABELS",
    "cjk_font",
    "FontWarning",
]
