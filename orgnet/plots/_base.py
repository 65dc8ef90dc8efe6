"""Small helpers shared by the figure modules (private)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["root_figure", "new_axes", "shorten", "percent", "ink_for", "text_width", "RATE_CMAP"]

RATE_CMAP = "RdYlGn"
"""Colour map for rates: red (0, all gaps) through yellow to green (1, no gaps)."""


def root_figure(ax: Axes) -> Figure:
    """The top-level Figure of ``ax`` (also when the Axes sits in a SubFigure)."""
    from matplotlib.figure import Figure

    fig = ax.figure
    return fig if isinstance(fig, Figure) else fig.figure


def new_axes(figsize: tuple[float, float], **kwargs: Any) -> tuple[Figure, Axes]:
    """A new pyplot figure with one Axes and constrained layout (shows in notebooks)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize, layout="constrained", **kwargs)
    return fig, ax


def shorten(items: Sequence[str], limit: int = 3, *, max_chars: int | None = None, sep: str = ", ") -> str:
    """Join ``items``, keeping at most ``limit`` (and ``max_chars``) and ending with ``…+N``.

    At least one item is always shown; a single item longer than ``max_chars``
    is cut with "…".

    >>> shorten(["P1", "P2", "P3", "P4", "P5"], 3)
    'P1, P2, P3 …+2'
    >>> shorten(["P-0001", "P-0002", "P-0003"], 3, max_chars=14)
    'P-0001, P-0002 …+1'
    >>> shorten([])
    '—'
    """
    if not items:
        return "—"
    kept: list[str] = []
    length = 0
    for item in items[:limit]:
        extra = len(item) + (len(sep) if kept else 0)
        if kept and max_chars is not None and length + extra > max_chars:
            break
        kept.append(item)
        length += extra
    if max_chars is not None and len(kept) == 1 and len(kept[0]) > max_chars:
        kept[0] = kept[0][: max(1, max_chars - 1)] + "…"
    rest = len(items) - len(kept)
    shown = sep.join(kept)
    return f"{shown} …+{rest}" if rest > 0 else shown


def percent(value: float) -> str:
    """A rate as a whole percentage, with one decimal near the ends so 99.6% never reads 100%.

    >>> percent(0.5), percent(0.996), percent(1.0), percent(0.004), percent(0.0001)
    ('50%', '99.6%', '100%', '0.4%', '<0.1%')
    """
    pct = value * 100
    if 0 < pct < 0.1:
        return "<0.1%"
    if 99.9 < pct < 100:
        return ">99.9%"
    if 0 < pct < 1 or 99 < pct < 100:
        return f"{pct:.1f}%"
    return f"{pct:.0f}%"


def ink_for(rgba: Sequence[float]) -> str:
    """Black or white, whichever reads better on a background of colour ``rgba``.

    >>> ink_for((1.0, 1.0, 0.8, 1.0)), ink_for((0.1, 0.2, 0.1, 1.0))
    ('black', 'white')
    """
    r, g, b = rgba[:3]
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "black" if luminance > 0.45 else "white"


def text_width(text: str, size: float) -> float:
    """Width in points of the widest line of ``text`` in orgnet's font at ``size``.

    Measured from the glyph outlines, so no renderer is needed; 3% is added for
    the small difference to what the Agg renderer draws.
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    from orgnet.plots.fonts import font_families

    prop = FontProperties(family=font_families(), size=size)
    widest = 0.0
    for line in text.split("\n"):
        if line:
            width, _, _ = text_to_path.get_text_width_height_descent(line, prop, ismath=False)
            widest = max(widest, float(width))
    return widest * 1.03
