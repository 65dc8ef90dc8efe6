"""Chinese fonts for orgnet's figures, without touching the user's global settings.

Matplotlib's default font (DejaVu Sans) has no Chinese glyphs: every label such
as 网格党组织 would render as empty boxes. orgnet depends on the PyPI package
``mplfonts``, which ships Noto Sans CJK SC; :func:`cjk_font` registers that file
with matplotlib's font manager (located with :func:`importlib.util.find_spec`,
so none of mplfonts' own code is imported) and falls back to a CJK font the
system already has (Noto Sans CJK, Source Han Sans, WenQuanYi, SimHei,
Microsoft YaHei, PingFang, …). When there is none, it warns once with a
:class:`FontWarning` that says how to fix it.

The font is applied per figure, never globally: each plot function builds its
figure inside :func:`cjk_context` (an ``rc_context`` that names the font in
``font.family`` and sets ``axes.unicode_minus=False``) and then calls
:func:`apply_cjk_font` on its Axes, which sets the family on the Axes' own text
objects, so the figure still renders in Chinese when it is drawn later, outside
the context (in a notebook, or by ``savefig``), and when the Axes came from the
caller.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

from orgnet.errors import PlotUnavailable

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "FontWarning",
    "CJK_FAMILIES",
    "BUNDLED_FONT",
    "require_matplotlib",
    "bundled_font_path",
    "cjk_font",
    "font_families",
    "cjk_context",
    "apply_cjk_font",
]

BUNDLED_FONT: Final[str] = "NotoSansCJKsc-Regular.otf"
"""The font file orgnet takes from the ``mplfonts`` package."""

CJK_FAMILIES: Final[tuple[str, ...]] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Source Han Sans",
    "Arial Unicode MS",
)
"""System font families tried, in order, when the bundled font is not available."""

_FIX: Final[str] = (
    "Chinese labels in orgnet's plots will show as empty boxes because no Chinese (CJK) "
    "font was found. Fix it with `pip install mplfonts` (orgnet's own dependency, which "
    "ships Noto Sans CJK SC) or install a system font, e.g. `apt-get install "
    "fonts-noto-cjk`, then delete matplotlib's font cache ({cache}) and restart Python."
)


class FontWarning(UserWarning):
    """No Chinese font was found: Chinese labels will render as boxes."""


def require_matplotlib() -> None:
    """Import matplotlib, or raise :class:`~orgnet.errors.PlotUnavailable` saying how to get it.

    Raises
    ------
    PlotUnavailable
        matplotlib is not installed.

    Examples
    --------
    >>> from orgnet.plots.fonts import require_matplotlib
    >>> require_matplotlib()
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise PlotUnavailable(
            "plotting needs matplotlib, which is not installed; install it with "
            "`pip install matplotlib mplfonts` (both are dependencies of orgnet-graph, "
            "so `pip install orgnet-graph` also brings them)"
        ) from exc


def bundled_font_path() -> Path | None:
    """Path of Noto Sans CJK SC inside the installed ``mplfonts`` package, or None.

    The package is located with :func:`importlib.util.find_spec`, which does not
    run its ``__init__`` (and so none of its command-line machinery).

    Examples
    --------
    >>> from orgnet.plots.fonts import bundled_font_path
    >>> path = bundled_font_path()
    >>> path is None or path.name == "NotoSansCJKsc-Regular.otf"
    True
    """
    try:
        spec = find_spec("mplfonts")
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    roots = list(spec.submodule_search_locations or [])
    if not roots and spec.origin:
        roots = [os.path.dirname(spec.origin)]
    for root in roots:
        path = Path(root) / "fonts" / BUNDLED_FONT
        if path.is_file():
            return path
    return None


@functools.cache
def cjk_font() -> str | None:
    """The family name of a font with Chinese glyphs, registering the bundled one.

    Looks once per process (cached): first Noto Sans CJK SC from ``mplfonts``,
    registered with ``matplotlib.font_manager.fontManager.addfont``; then the
    system families in :data:`CJK_FAMILIES`. When none is found, warns once
    (:class:`FontWarning`) and returns ``None``.

    Returns
    -------
    str or None
        A family name matplotlib knows, e.g. ``"Noto Sans CJK SC"``.

    Examples
    --------
    >>> from orgnet.plots.fonts import cjk_font
    >>> cjk_font()  # with mplfonts installed
    'Noto Sans CJK SC'
    """
    require_matplotlib()
    import matplotlib
    from matplotlib import font_manager

    path = bundled_font_path()
    if path is not None:
        try:
            font_manager.fontManager.addfont(str(path))
            return str(font_manager.FontProperties(fname=str(path)).get_name())
        except (OSError, RuntimeError, ValueError):  # pragma: no cover - a broken file
            pass
    available = {entry.name for entry in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in available:
            return family
    warnings.warn(_FIX.format(cache=matplotlib.get_cachedir()), FontWarning, stacklevel=3)
    return None


def font_families() -> list[str]:
    """The ``font.family`` list orgnet's figures use: the CJK font, then the generic sans-serif.

    Matplotlib falls back glyph by glyph along this list, so any character the
    CJK font lacks comes from the user's sans-serif fonts.

    Examples
    --------
    >>> from orgnet.plots.fonts import font_families
    >>> font_families()[-1]
    'sans-serif'
    """
    family = cjk_font()
    return [family, "sans-serif"] if family else ["sans-serif"]


@contextmanager
def cjk_context() -> Iterator[None]:
    """A matplotlib ``rc_context`` in which new text is set in the CJK font.

    Sets ``font.family`` to :func:`font_families`, puts the CJK font first in
    ``font.sans-serif`` and sets ``axes.unicode_minus=False`` (the CJK font has
    no Unicode minus sign). The user's rcParams are restored on exit.

    Examples
    --------
    >>> import matplotlib
    >>> from orgnet.plots.fonts import cjk_context
    >>> before = list(matplotlib.rcParams["font.family"])
    >>> with cjk_context():
    ...     matplotlib.rcParams["axes.unicode_minus"]
    False
    >>> list(matplotlib.rcParams["font.family"]) == before
    True
    """
    require_matplotlib()
    import matplotlib

    families = font_families()
    rc: dict[str, Any] = {"axes.unicode_minus": False, "font.family": families}
    if len(families) > 1:
        sans = [f for f in matplotlib.rcParams["font.sans-serif"] if f != families[0]]
        rc["font.sans-serif"] = [families[0], *sans]
    with matplotlib.rc_context(cast(Any, rc)):
        yield


def apply_cjk_font(ax: Axes) -> None:
    """Set the CJK font on every text object of ``ax`` and on its future tick labels.

    Text created inside :func:`cjk_context` already has it; this also covers an
    Axes made by the caller before the context (its title, axis labels and
    existing ticks were created with the default font) and tick labels that
    matplotlib creates later, at draw time.

    Parameters
    ----------
    ax : matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from orgnet.plots.fonts import apply_cjk_font, cjk_font
    >>> fig, ax = plt.subplots()
    >>> apply_cjk_font(ax)
    >>> ax.title.get_fontfamily()[0] == cjk_font()
    True
    >>> plt.close(fig)
    """
    from matplotlib.text import Text

    families = font_families()
    if len(families) == 1:
        return
    ax.tick_params(axis="both", which="both", labelfontfamily=families)
    for text in ax.findobj(Text):
        if list(text.get_fontfamily())[:1] != families[:1]:
            text.set_fontfamily(families)
