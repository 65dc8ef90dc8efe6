"""The co-building (结对共建) network of the most influential actors.

The ``top`` actors by PageRank (the report's order) and the communities they
pair with (``PAIRED_WITH``). Each connected part is laid out by
:func:`networkx.spring_layout` with ``seed=0`` and the parts are packed in rows,
largest first, so the same report always gives the same picture; actors that
pair with none of the drawn communities (they only organise activities or sit
in alliances) go in a row beneath a dashed line. Node size is the actor's
PageRank, colour its district (communities too; grey where the district is
unknown or the actor sits at city level), shape its kind: ● unit (单位),
◆ party org (党组织), ■ community (社区). The ten highest-ranked actors are
labelled with their rank and name (or id), each moved to the first free spot
around its node so labels do not overlap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from orgnet.errors import InvalidArgument
from orgnet.plots._base import new_axes, root_figure
from orgnet.plots.fonts import apply_cjk_font, cjk_context, require_matplotlib

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from orgnet.queries.influence import ActorInfluence, InfluenceReport

__all__ = ["plot_influence", "LABELLED", "NO_DISTRICT"]

LABELLED: Final[int] = 10
"""How many of the top actors get a name label."""

NO_DISTRICT: Final[str] = "市级/未定"
"""Legend entry for nodes without a district."""

_GREY: Final[str] = "#a6a6a6"
_MARKERS: Final[dict[str, tuple[str, str]]] = {"Unit": ("o", "单位"), "Org": ("D", "党组织")}
_COMMUNITY_MARKER: Final[str] = "s"
_LABEL_CHARS: Final[int] = 12


def plot_influence(report: InfluenceReport, ax: Axes | None = None, *, top: int = 30) -> Axes:
    """Draw the pairing network of the ``top`` actors by PageRank.

    Parameters
    ----------
    report : InfluenceReport
        From ``net.influence()``.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes; by default a new 11 × 8.5 inch figure. The Axes
        gets an equal aspect ratio (its box shrinks to fit), its legends sit
        outside it on the right, and the figure is laid out once (without
        rendering) to place the labels.
    top : int, default 30
        How many actors to draw, taken in the report's order (PageRank
        descending, then id), with every community they pair with.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn into. Actor nodes are the scatter collections with gid
        ``"actors"``, communities the one with gid ``"communities"``.

    Raises
    ------
    ValueError
        ``top`` is smaller than 1.
    PlotUnavailable
        matplotlib is not installed.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import orgnet
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load(orgnet.synth.city("tiny", seed=0))
    >>> ax = plot_influence(net.influence(), top=20)
    >>> sum(len(c.get_offsets()) for c in ax.collections if c.get_gid() == "actors")
    20
    >>> ax.figure.savefig("influence.png")
    >>> plt.close("all")
    """
    if top < 1:
        raise InvalidArgument(f"top must be at least 1, not {top}")
    require_matplotlib()
    with cjk_context():
        if ax is None:
            _, ax = new_axes((11.0, 8.5))
        _draw(report, ax, top)
        apply_cjk_font(ax)
    return ax


def _palette(districts: list[str]) -> dict[str, Any]:
    import matplotlib

    cmap = matplotlib.colormaps["tab10" if len(districts) <= 10 else "tab20"]
    return {d: cmap(i % cmap.N) for i, d in enumerate(districts)}


def _label(rank: int, actor: ActorInfluence) -> str:
    name = actor.name or actor.id
    if len(name) > _LABEL_CHARS:
        name = name[: _LABEL_CHARS - 1] + "…"
    return f"{rank}. {name}"


def _size(actor: ActorInfluence, peak: float) -> float:
    """Marker area (points²) of an actor: PageRank relative to the top actor's."""
    return 50.0 + 850.0 * actor.pagerank / peak


def _positions(graph: Any, isolated: list[str]) -> dict[str, tuple[float, float]]:
    """Node positions: each connected part by a seeded spring layout, packed in rows.

    A part of n nodes gets a square of side ~sqrt(n), so parts keep a similar
    density; parts are placed largest first, left to right, top to bottom.
    Actors that pair with nobody in the drawing go in rows beneath.
    """
    import networkx as nx

    alone = set(isolated)
    paired = graph.subgraph([n for n in graph if n not in alone])
    parts = sorted((sorted(c) for c in nx.connected_components(paired)), key=lambda c: (-len(c), c[0]))
    sides = [max(len(part), 2) ** 0.5 for part in parts]
    width = max([*sides, 1.25 * sum(side**2 for side in sides) ** 0.5, 4.0])
    gap = 0.6
    pos: dict[str, tuple[float, float]] = {}
    x = y = row = 0.0
    for part, side in zip(parts, sides, strict=True):
        if x > 0 and x + side > width:
            x, y, row = 0.0, y - row - gap, 0.0
        layout = nx.spring_layout(paired.subgraph(part), seed=0, k=2.2 / len(part) ** 0.5,
                                  iterations=300) if len(part) > 1 else {part[0]: (0.0, 0.0)}
        for node, (px, py) in layout.items():  # spring_layout fits [-1, 1]
            pos[node] = (x + side * (float(px) + 1) / 2, y - side * (1 - float(py)) / 2)
        x += side + gap
        row = max(row, side)
    if isolated:
        per_row = max(int(width // 0.9) + 1, 2)
        top = min(p[1] for p in pos.values()) - 1.2 if pos else 0.0
        for i, node in enumerate(isolated):
            r, c = divmod(i, per_row)
            count = min(per_row, len(isolated) - r * per_row)
            step = width / max(count - 1, 1)
            pos[node] = (width / 2 if count == 1 else c * step, top - 0.9 * r)
    return pos


def _draw(report: InfluenceReport, ax: Axes, top: int) -> None:
    import networkx as nx
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    actors = report.actors[:top]
    ax.set_title(
        f"结对共建网络：PageRank 前 {len(actors)} 名单位/组织及其结对社区", fontsize=13, pad=10
    )
    ax.set_axis_off()
    if not actors:
        ax.text(0.5, 0.5, "报告中没有结对或组织活动的单位/组织", ha="center", va="center",
                transform=ax.transAxes, color="0.4", gid="empty")
        return

    ids = {a.id for a in actors}
    pairs = sorted({(a, t) for a, t, kind in report.edges if kind == "PAIRED_WITH" and a in ids})
    communities = sorted({t for _, t in pairs})
    graph = nx.Graph()
    graph.add_nodes_from(a.id for a in actors)
    graph.add_nodes_from(communities)
    graph.add_edges_from(pairs)
    isolated = [a.id for a in actors if graph.degree(a.id) == 0]
    pos = _positions(graph, isolated)

    districts = sorted({d for n in graph for d in [report.districts.get(n)] if d is not None})
    colors = _palette(districts)

    def color(node: str) -> Any:
        district = report.districts.get(node)
        return colors[district] if district is not None else _GREY

    crowded = len(pairs) > 150  # a hairball: thinner, fainter edges and smaller squares
    ax.add_collection(LineCollection(
        [(pos[a], pos[t]) for a, t in pairs], colors="0.6", linewidths=0.5 if crowded else 0.9,
        alpha=0.35 if crowded else 0.7, zorder=1, gid="edges",
    ))
    if communities:
        ax.scatter([pos[c][0] for c in communities], [pos[c][1] for c in communities],
                   s=24.0 if len(communities) > 120 else 48.0, marker=_COMMUNITY_MARKER, c=[color(c) for c in communities],
                   edgecolors="0.25", linewidths=0.6, zorder=2, gid="communities")

    peak = max(a.pagerank for a in actors) or 1.0
    shapes = dict(_MARKERS)
    for kind in sorted({a.kind for a in actors} - set(shapes)):  # a future actor kind
        shapes[kind] = ("^", kind)
    for kind, (marker, _) in shapes.items():
        group = [a for a in actors if a.kind == kind]
        if group:
            ax.scatter([pos[a.id][0] for a in group], [pos[a.id][1] for a in group],
                       s=[_size(a, peak) for a in group], marker=marker,
                       c=[color(a.id) for a in group], edgecolors="white", linewidths=1.0,
                       alpha=0.9, zorder=3, gid="actors")

    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    pad_x = 0.1 * ((max(xs) - min(xs)) or 1.0)
    pad_y = 0.1 * ((max(ys) - min(ys)) or 1.0)
    ax.set_xlim(min(xs) - pad_x, max(xs) + pad_x)
    ax.set_ylim(min(ys) - pad_y, max(ys) + pad_y)
    ax.set_aspect("equal", adjustable="box")
    fixed = []
    if isolated and len(isolated) < len(graph):
        y = pos[isolated[0]][1] + 0.6
        ax.axhline(y, color="0.8", linewidth=0.8, linestyle="--", zorder=0)
        fixed.append(ax.text(
            min(xs) - pad_x, y + 0.05, "下排：所选范围内未结对（只组织活动或加入联盟）",
            fontsize=8.5, color="0.45", va="bottom", ha="left", gid="isolated-note",
        ))

    handles = [Line2D([], [], linestyle="none", marker="o", markersize=9, color=colors[d],
                      label=report.district_names.get(d, d))
               for d in districts]
    if any(report.districts.get(n) is None for n in graph):
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=9, color=_GREY,
                              label=NO_DISTRICT))
    kinds = [Line2D([], [], linestyle="none", marker=m, markersize=8, color="0.35", label=cn)
             for kind, (m, cn) in shapes.items() if any(a.kind == kind for a in actors)]
    kinds.append(Line2D([], [], linestyle="none", marker=_COMMUNITY_MARKER, markersize=7,
                        color="0.35", label="社区"))
    by_district = ax.legend(handles=handles, title="区县（颜色）", loc="upper left",
                            bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9, title_fontsize=10)
    by_district.set_gid("legend-districts")
    ax.add_artist(by_district)
    by_kind = ax.legend(handles=kinds, title="节点（大小∝PageRank）", loc="lower left",
                        bbox_to_anchor=(1.0, 0.0), frameon=False, fontsize=9, title_fontsize=10)
    by_kind.set_gid("legend-kinds")

    labelled = actors[:LABELLED]
    notes = [
        ax.annotate(
            _label(rank, actor), pos[actor.id], xytext=(0, 0), textcoords="offset points",
            ha="center", va="bottom", fontsize=8.5, zorder=4, gid="actor-label",
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                  "alpha": 0.85},
            arrowprops={"arrowstyle": "-", "color": "0.45", "linewidth": 0.6, "shrinkA": 0,
                        "shrinkB": _size(actor, peak) ** 0.5 / 2},
        )
        for rank, actor in enumerate(labelled, start=1)
    ]
    square = 24.0 if len(communities) > 120 else 48.0
    _place_labels(ax, notes, [pos[a.id] for a in actors] + [pos[c] for c in communities],
                  [_size(a, peak) for a in actors] + [square] * len(communities), fixed)


def _place_labels(
    ax: Axes,
    notes: list[Any],
    centres: list[tuple[float, float]],
    sizes: list[float],
    fixed: list[Any],
) -> None:
    """Move each label (in rank order) to the first spot around its node that is free.

    A spot is free when the label stays inside the Axes and overlaps neither a
    label already placed nor a node; ``centres`` and ``sizes`` (marker areas in
    points²) list every node, the node of ``notes[i]`` first at index ``i``;
    the ``fixed`` texts are obstacles too. Without a renderer (an unusual canvas) the labels stay
    just above their nodes.
    """
    fig = root_figure(ax)
    get_renderer = getattr(fig.canvas, "get_renderer", None)
    for note, size in zip(notes, sizes, strict=False):
        note.xyann = (0.0, size**0.5 / 2 + 2)
    if get_renderer is None:
        return
    fig.draw_without_rendering()  # runs the layout engine: final Axes position
    renderer = get_renderer()
    frame = ax.get_window_extent(renderer)
    to_px = fig.dpi / 72.0
    discs = []
    for (x, y), size in zip(centres, sizes, strict=True):
        cx, cy = ax.transData.transform((x, y))
        r = size**0.5 / 2 * to_px
        discs.append((cx - r, cy - r, cx + r, cy + r))
    placed: list[tuple[float, float, float, float]] = []
    for text in fixed:
        box = text.get_window_extent(renderer).padded(2)
        placed.append((box.x0, box.y0, box.x1, box.y1))

    def overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
        w = min(a[2], b[2]) - max(a[0], b[0])
        h = min(a[3], b[3]) - max(a[1], b[1])
        return w * h if w > 0 and h > 0 else 0.0

    for i, note in enumerate(notes):
        radius = sizes[i] ** 0.5 / 2 + 2
        best: tuple[float, tuple[float, float], str, str] | None = None
        for extra in (0.0, 10.0, 22.0, 36.0):
            r = radius + extra
            d = r * 0.72
            for dx, dy, ha, va in ((0, r, "center", "bottom"), (0, -r, "center", "top"),
                                   (r, 0, "left", "center"), (-r, 0, "right", "center"),
                                   (d, d, "left", "bottom"), (-d, d, "right", "bottom"),
                                   (d, -d, "left", "top"), (-d, -d, "right", "top")):
                note.xyann = (dx, dy)
                note.set_ha(ha)
                note.set_va(va)
                box = note.get_window_extent(renderer).padded(2)
                rect = (box.x0, box.y0, box.x1, box.y1)
                cost = sum(overlap(rect, p) for p in placed)
                cost += sum(overlap(rect, disc) for j, disc in enumerate(discs) if j != i) * 0.5
                outside = (max(frame.x0 - rect[0], 0) + max(rect[2] - frame.x1, 0)
                           + max(frame.y0 - rect[1], 0) + max(rect[3] - frame.y1, 0))
                cost += outside * 1000
                if best is None or cost < best[0]:
                    best = (cost, (dx, dy), ha, va)
                if cost == 0:
                    break
            if best is not None and best[0] == 0:
                break
        assert best is not None
        _, offset, ha, va = best
        note.xyann = offset
        note.set_ha(ha)
        note.set_va(va)
        box = note.get_window_extent(renderer).padded(2)
        placed.append((box.x0, box.y0, box.x1, box.y1))
