"""A contact chain (三提三知) as a ladder from the household up to the city.

One rung per step, 户 at the bottom and 市 at the top: the rung shows the step's
node id; beside it, the orgs covering it (党组织) and the people who answer for
it (责任人; at the household, the members who contact it, 联系党员). Long lists
end with "…+N". The first step with nobody — the chain's ``broken_at`` — is
drawn in red: its rung, the link leading up to it, and a "断链" mark.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from orgnet.labels import LEVEL_LABELS
from orgnet.plots._base import new_axes, root_figure, shorten, text_width
from orgnet.plots.fonts import apply_cjk_font, cjk_context, require_matplotlib

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from orgnet.queries.chains import Chain, ChainStep

__all__ = ["plot_chain", "BROKEN_COLOR"]

BROKEN_COLOR: Final[str] = "#d62728"
"""Colour of the broken link (matplotlib's tab:red)."""

_LINK_COLOR: Final[str] = "#7f8c8d"
_EMPTY_COLOR: Final[str] = "#b35806"
_RUNG_SIZE: Final[float] = 9.5
_DETAIL_SIZE: Final[float] = 9.0
_LEFT: Final[float] = 46.0  # points left of the rungs, for the 断链 mark
_GAP: Final[float] = 26.0  # points between the widest rung and the details
_ID_CHARS: Final[int] = 30
_LIST_CHARS: Final[int] = 64


def plot_chain(chain: Chain, ax: Axes | None = None) -> Axes:
    """Draw a contact chain as a vertical ladder, the broken link in red.

    Parameters
    ----------
    chain : Chain
        From ``net.contact_chain(id)``.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes; by default a new figure sized to the chain. The
        rungs and their details are placed in points from the Axes' left edge,
        so a given Axes should be wide enough for the longest ids (about 6–9
        inches for typical chains).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn into. Its y tick labels are the levels (户 … 市); each
        rung is a text artist with gid ``"rung"``, each link a line with gid
        ``"link"`` (``"broken-link"`` for the one into the broken step).

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
    >>> household = net.coverage(2023).rules["household_contact"].gaps[0]
    >>> chain = net.contact_chain(household)
    >>> ax = plot_chain(chain)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['户', '楼栋', '网格', '社区', '街道', '区县', '市']
    >>> ax.figure.savefig("chain.png")
    >>> plt.close("all")
    """
    require_matplotlib()
    with cjk_context():
        if ax is None:
            width = min(max(6.5, 0.95 + _layout(chain)[2] / 72), 16.0)
            _, ax = new_axes((width, 1.5 + 0.78 * max(len(chain.steps), 2)))
        _draw(chain, ax)
        apply_cjk_font(ax)
    return ax


def _title(chain: Chain) -> str:
    parts = []
    if chain.household_id and chain.household_id != chain.start_id:
        parts.append(f"所在户 {chain.household_id}")
    if chain.assignee_id:
        parts.append(f"承办 {chain.assignee_id}")
    if chain.broken_at:
        parts.append(f"断链于{LEVEL_LABELS.get(chain.broken_at, chain.broken_at)}")
    elif chain.steps:
        parts.append("链条完整")
    title = f"联系链（三提三知）：{chain.start_id}"
    return title + ("\n" + " · ".join(parts) if parts else "")


def _details(step: ChainStep, names: dict[str, str] | None = None) -> str:
    names = names or {}
    who = "联系党员" if step.level == "household" else "责任人"
    people = shorten(step.people, 4, max_chars=_LIST_CHARS) if step.people else "—（无人）"
    orgs = shorten([f"{o} {names[o]}" if o in names else o for o in step.orgs], 4, max_chars=_LIST_CHARS)
    own = f"{names[step.node_id]}\n" if step.node_id in names else ""
    return f"{own}党组织：{orgs}\n{who}：{people}"


def _node(step: ChainStep) -> str:
    node = step.node_id
    return node if len(node) <= _ID_CHARS else node[: _ID_CHARS - 1] + "…"


def _layout(chain: Chain) -> tuple[float, float, float]:
    """Rung centre, details start and total width, in points from the Axes' left edge."""
    rung = max((text_width(_node(s), _RUNG_SIZE) for s in chain.steps), default=0.0) + 12
    details = max((text_width(_details(s, chain.names), _DETAIL_SIZE) for s in chain.steps), default=0.0)
    return _LEFT + rung / 2, _LEFT + rung + _GAP, _LEFT + rung + _GAP + details + 12


def _draw(chain: Chain, ax: Axes) -> None:
    from matplotlib.transforms import offset_copy

    steps = chain.steps
    ax.set_title(_title(chain), fontsize=12.5, pad=10, linespacing=1.5)
    ax.set_ylabel("层级（自下而上）", labelpad=8)
    ax.set_xticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    if not steps:
        ax.text(0.5, 0.5, f"{chain.start_id} 没有所属的户，没有可画的链条", ha="center",
                va="center", transform=ax.transAxes, color="0.4", gid="empty")
        ax.set_yticks([])
        return

    def at(points: float) -> Any:
        """x: ``points`` right of the Axes' left edge; y: data (one unit per step)."""
        return offset_copy(ax.get_yaxis_transform(), fig=root_figure(ax), x=points, y=0, units="points")

    rung_x, detail_x, _ = _layout(chain)
    broken = next((i for i, s in enumerate(steps) if s.level == chain.broken_at), None)
    for i in range(len(steps) - 1):
        into_broken = broken is not None and i + 1 == broken
        (line,) = ax.plot(
            [0, 0], [i, i + 1], transform=at(rung_x),
            color=BROKEN_COLOR if into_broken else _LINK_COLOR,
            linewidth=2.6 if into_broken else 2.0,
            linestyle=(0, (4, 3)) if into_broken else "-",
            solid_capstyle="butt", zorder=1,
        )
        line.set_gid("broken-link" if into_broken else "link")
        if into_broken:
            ax.plot([0], [i + 0.5], transform=at(rung_x), marker="X", markersize=11,
                    color=BROKEN_COLOR, markeredgecolor="white", zorder=2, gid="broken-mark")

    for i, step in enumerate(steps):
        is_broken = i == broken
        ax.text(
            0, i, _node(step), transform=at(rung_x), ha="center", va="center",
            fontsize=_RUNG_SIZE, zorder=3, color=BROKEN_COLOR if is_broken else "black",
            bbox={"boxstyle": "round,pad=0.45", "facecolor": "#fde0dd" if is_broken else "#eef3f8",
                  "edgecolor": BROKEN_COLOR if is_broken else "#5b7fa3",
                  "linewidth": 1.8 if is_broken else 1.0},
            gid="rung",
        )
        ink = BROKEN_COLOR if is_broken else (_EMPTY_COLOR if not step.people else "0.15")
        ax.text(0, i, _details(step, chain.names), transform=at(detail_x), ha="left", va="center",
                fontsize=_DETAIL_SIZE, linespacing=1.45, color=ink, gid="rung-detail")
        if is_broken:
            ax.text(0, i, "断链", transform=at(_LEFT / 2), ha="center", va="center", fontsize=11,
                    color=BROKEN_COLOR, gid="broken-label")

    ax.set_xlim(0, 1)
    ax.set_ylim(-0.6, len(steps) - 0.4)
    ax.set_yticks(range(len(steps)), [LEVEL_LABELS.get(s.level, s.level) for s in steps])
    ax.tick_params(axis="y", length=0, labelsize=11)
