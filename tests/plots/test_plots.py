"""Structural checks of every figure, and Chinese text that renders as Chinese.

Each figure is drawn from the hand-made golden network (tests/golden.py, year
2023) or the tiny synthetic city, saved to PNG, and inspected through its
artists: titles, axis labels, legends, and one drawn artist per cell, rung,
bar or node. "Missing glyph" warnings are what matplotlib emits when a
character has no font; the figures must never trigger them, also when drawn
after the plot function returned (outside its font context) and when the
caller supplied an Axes made with the default font.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.font_manager import FontProperties, fontManager
from matplotlib.text import Text

import orgnet
from orgnet.errors import PlotUnavailable
from orgnet.io import Dataset
from orgnet.plots import fonts
from orgnet.plots._base import root_figure
from orgnet.plots.chains import BROKEN_COLOR, plot_chain
from orgnet.plots.coverage import plot_coverage
from orgnet.plots.influence import LABELLED, NO_DISTRICT, plot_influence
from orgnet.plots.kpis import COUNT_KPIS, KPI_LABELS, RATE_KPIS, plot_kpis
from orgnet.queries.chains import LEVEL_LABELS, Chain, ChainStep
from orgnet.queries.coverage import RULE_LABELS, RULES, CoverageReport
from orgnet.queries.influence import InfluenceReport
from orgnet.queries.kpis import KpiReport

YEAR = 2023
LEVEL_ORDER = ["household", "building", "grid", "community", "subdistrict", "district", "city"]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def golden_net() -> Any:
    import golden

    net = orgnet.connect("memory://")
    net.load(Dataset(golden.ROWS))
    return net


@pytest.fixture(scope="module")
def tiny_net() -> Any:
    net = orgnet.connect("memory://")
    net.load(orgnet.synth.city("tiny", seed=0))
    return net


@pytest.fixture(scope="module")
def coverage(golden_net: Any) -> CoverageReport:
    return golden_net.coverage(YEAR)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def chain(golden_net: Any) -> Chain:
    return golden_net.contact_chain("H1")  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def influence(golden_net: Any) -> InfluenceReport:
    return golden_net.influence()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def kpis(golden_net: Any) -> KpiReport:
    return golden_net.kpis(YEAR)  # type: ignore[no-any-return]


def by_gid(ax: Axes, gid: str) -> list[Any]:
    """Every artist of ``ax`` (and its children) whose gid is ``gid``."""
    return [a for a in ax.findobj(lambda a: a.get_gid() == gid)]


def texts(ax: Axes, gid: str) -> list[str]:
    return [t.get_text() for t in by_gid(ax, gid)]


def tick_texts(labels: list[Text]) -> list[str]:
    return [t.get_text() for t in labels]


def missing_glyph_warnings(fig: Any) -> list[str]:
    """Draw ``fig`` and return every "Glyph … missing from font(s)" warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def save(ax: Axes, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    root_figure(ax).savefig(path, dpi=80)
    assert path.stat().st_size > 5_000
    return path


# --------------------------------------------------------------------------- fonts


def test_bundled_cjk_font_is_found_and_registered() -> None:
    path = fonts.bundled_font_path()
    assert path is not None and path.name == "NotoSansCJKsc-Regular.otf"
    assert fonts.cjk_font() == "Noto Sans CJK SC"
    found = fontManager.findfont(FontProperties(family="Noto Sans CJK SC"), fallback_to_default=False)
    assert Path(found).name == "NotoSansCJKsc-Regular.otf"
    assert fonts.font_families() == ["Noto Sans CJK SC", "sans-serif"]


def test_locating_the_font_does_not_import_mplfonts() -> None:
    sys.modules.pop("mplfonts", None)
    fonts.bundled_font_path()
    assert "mplfonts" not in sys.modules


def test_the_glyph_check_detects_boxes() -> None:
    """Control: with matplotlib's default font, Chinese text does warn."""
    fig, ax = plt.subplots()
    ax.set_title("网格党组织", fontfamily="DejaVu Sans")
    assert missing_glyph_warnings(fig)


def test_chinese_renders_without_missing_glyphs() -> None:
    with fonts.cjk_context():
        fig, ax = plt.subplots()
        ax.set_title("覆盖缺口：网格党组织 −1")
        ax.set_xlabel("楼栋长、党员联系户")
    assert missing_glyph_warnings(fig) == []


def test_rcparams_are_left_alone(coverage: CoverageReport, kpis: KpiReport) -> None:
    keys: list[Any] = ["font.family", "font.sans-serif", "axes.unicode_minus"]
    before = {k: matplotlib.rcParams[k] for k in keys}
    plot_coverage(coverage)
    plot_kpis(kpis)
    assert {k: matplotlib.rcParams[k] for k in keys} == before
    with fonts.cjk_context():
        assert matplotlib.rcParams["axes.unicode_minus"] is False
        assert matplotlib.rcParams["font.family"][0] == "Noto Sans CJK SC"
        assert matplotlib.rcParams["font.sans-serif"][0] == "Noto Sans CJK SC"
    assert {k: matplotlib.rcParams[k] for k in keys} == before


def test_without_any_cjk_font_one_clear_warning(
    monkeypatch: pytest.MonkeyPatch, coverage: CoverageReport
) -> None:
    monkeypatch.setattr(fonts, "bundled_font_path", lambda: None)
    monkeypatch.setattr(fontManager, "ttflist",
                        [f for f in fontManager.ttflist if f.name not in fonts.CJK_FAMILIES])
    fonts.cjk_font.cache_clear()
    try:
        with pytest.warns(fonts.FontWarning) as record:
            assert fonts.cjk_font() is None
            assert fonts.font_families() == ["sans-serif"]
            ax = plot_coverage(coverage, kind="bars")  # still draws
        assert len(record) == 1
        message = str(record[0].message)
        assert "boxes" in message and "pip install mplfonts" in message
        assert "apt-get install fonts-noto-cjk" in message
        assert isinstance(ax, Axes)
    finally:
        monkeypatch.undo()
        fonts.cjk_font.cache_clear()
    assert fonts.cjk_font() == "Noto Sans CJK SC"


def test_missing_matplotlib_raises_plot_unavailable(
    monkeypatch: pytest.MonkeyPatch, kpis: KpiReport
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(PlotUnavailable, match="pip install matplotlib") as info:
        plot_kpis(kpis)
    assert isinstance(info.value, ImportError)
    assert info.value.code == "plot_unavailable"


# --------------------------------------------------------------------------- every figure

FIGURES: dict[str, Callable[[Any, Axes | None], Axes]] = {
    "coverage_heatmap": lambda r, ax: plot_coverage(r["coverage"], ax),
    "coverage_subdistrict": lambda r, ax: plot_coverage(r["coverage"], ax, level="subdistrict"),
    "coverage_bars": lambda r, ax: plot_coverage(r["coverage"], ax, kind="bars"),
    "chain": lambda r, ax: plot_chain(r["chain"], ax),
    "influence": lambda r, ax: plot_influence(r["influence"], ax),
    "kpis": lambda r, ax: plot_kpis(r["kpis"], ax),
}


@pytest.fixture(scope="module")
def reports(coverage: CoverageReport, chain: Chain, influence: InfluenceReport,
            kpis: KpiReport) -> dict[str, Any]:
    return {"coverage": coverage, "chain": chain, "influence": influence, "kpis": kpis}


@pytest.mark.parametrize("name", FIGURES)
def test_figure_renders_chinese_when_drawn_later(
    name: str, reports: dict[str, Any], tmp_path: Path
) -> None:
    ax = FIGURES[name](reports, None)
    assert isinstance(ax, Axes)
    assert ax.get_title() or ax.figure.get_suptitle()
    assert missing_glyph_warnings(ax.figure) == []  # drawn outside the font context
    save(ax, tmp_path, name)


@pytest.mark.parametrize("name", FIGURES)
def test_given_axes_is_returned_and_renders_chinese(
    name: str, reports: dict[str, Any], tmp_path: Path
) -> None:
    fig, given = plt.subplots(figsize=(10, 7))  # made with the default font, before plotting
    fig.canvas.draw()
    ax = FIGURES[name](reports, given)
    assert ax is given
    assert missing_glyph_warnings(fig) == []
    save(ax, tmp_path, name)


@pytest.mark.parametrize("name", ["coverage", "chain", "influence", "kpis"])
def test_report_plot_methods_draw_the_figures(name: str, reports: dict[str, Any]) -> None:
    ax = reports[name].plot()
    assert isinstance(ax, Axes)
    fig, given = plt.subplots()
    assert reports[name].plot(ax=given) is given


def test_plots_never_show(monkeypatch: pytest.MonkeyPatch, reports: dict[str, Any]) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("plt.show() was called")

    monkeypatch.setattr(plt, "show", fail)
    for draw in FIGURES.values():
        draw(reports, None)


# --------------------------------------------------------------------------- coverage


def test_heatmap_has_a_cell_and_label_per_rule_and_area(coverage: CoverageReport) -> None:
    ax = plot_coverage(coverage)
    areas = list(coverage.by_district)
    assert areas == ["D1", "D2"]
    (mesh,) = by_gid(ax, "cells")
    assert mesh.get_array().size == len(RULES) * len(areas)
    expected = []
    for area in areas:
        for rule in RULES:
            count = coverage.by_district[area][rule]
            expected.append("—" if count.checked == 0 else f"{count.rate:.0%}")
    assert texts(ax, "cell-label") == expected
    assert texts(ax, "cell-label")[len(RULES):len(RULES) + 1] == ["0%"]  # D2 grid_party_org
    assert tick_texts(ax.get_xticklabels()) == [RULE_LABELS[r] for r in RULES]
    assert tick_texts(ax.get_yticklabels()) == ["润州区", "京口区"]
    assert ax.get_title() == "覆盖缺口：各区县达标率（全市，2023年）"
    assert ax.get_ylabel() == "区县"
    assert ax.get_xlabel() == "规则（灰格“—”：该区域无检查对象）"  # D2 has no orgs to check
    colorbar = ax.figure.axes[1]
    assert colorbar.get_ylabel() == "达标率（1 − 缺口数 / 检查数）"
    assert tick_texts(colorbar.get_yticklabels())[-1] == "100%"


def test_heatmap_by_subdistrict(coverage: CoverageReport) -> None:
    ax = plot_coverage(coverage, level="subdistrict")
    assert ax.get_ylabel() == "街道"
    assert tick_texts(ax.get_yticklabels()) == ["金山街道", "正东路街道"]
    assert len(texts(ax, "cell-label")) == len(RULES) * 2
    assert "各街道" in ax.get_title()


def test_heatmap_of_an_empty_rollup_says_so(coverage: CoverageReport) -> None:
    empty = coverage.model_copy(update={"by_district": {}})
    ax = plot_coverage(empty)
    assert texts(ax, "empty") == ["报告中没有按区县汇总的数据"]
    assert texts(ax, "cell-label") == []


def test_heatmap_labels_areas_sharing_a_name_with_their_ids(coverage: CoverageReport) -> None:
    same = coverage.model_copy(update={"names": {**coverage.names, "D2": "润州区"}})
    ax = plot_coverage(same)
    assert tick_texts(ax.get_yticklabels()) == ["润州区 (D1)", "润州区 (D2)"]


def test_bars_show_each_rule_rate_and_gap_count(coverage: CoverageReport) -> None:
    ax = plot_coverage(coverage, kind="bars")
    rates = by_gid(ax, "rate")
    assert len(rates) == len(RULES)
    assert [round(p.get_width(), 9) for p in rates] == [round(coverage.rules[r].rate, 9) for r in RULES]
    assert len(by_gid(ax, "track")) == len(RULES)
    expected = [
        f"{r.rate:.0%}   缺口 {len(r.gaps)} / {r.checked}" if r.checked else "无检查对象"
        for r in (coverage.rules[rule] for rule in RULES)
    ]
    assert texts(ax, "bar-label") == expected
    assert tick_texts(ax.get_yticklabels()) == [RULE_LABELS[r] for r in RULES]
    assert ax.get_title() == "覆盖缺口：各项规则达标率（全市，2023年）"
    assert ax.get_xlabel() == "达标率（1 − 缺口数 / 检查数）"
    assert ax.get_ylabel() == "规则"


@pytest.mark.parametrize(("kind", "level"), [("pie", "district"), ("heatmap", "grid")])
def test_coverage_rejects_unknown_options(coverage: CoverageReport, kind: str, level: str) -> None:
    with pytest.raises(ValueError, match="must be one of"):
        plot_coverage(coverage, kind=kind, level=level)


# --------------------------------------------------------------------------- chains


def test_chain_ladder_has_one_rung_per_step_and_the_break_in_red(chain: Chain) -> None:
    assert chain.broken_at == "subdistrict"
    ax = plot_chain(chain)
    rungs = by_gid(ax, "rung")
    assert [t.get_text() for t in rungs] == [s.node_id for s in chain.steps]
    assert [t.get_position()[1] for t in rungs] == list(range(7))  # 户 at the bottom
    assert tick_texts(ax.get_yticklabels()) == [LEVEL_LABELS[lv] for lv in LEVEL_ORDER]
    assert len(by_gid(ax, "link")) == 5
    (broken,) = by_gid(ax, "broken-link")
    assert to_hex(broken.get_color()) == BROKEN_COLOR
    assert list(broken.get_ydata()) == [3, 4]  # 社区 -> 街道
    assert texts(ax, "broken-label") == ["断链"]
    broken_rung = rungs[4]
    assert to_hex(broken_rung.get_bbox_patch().get_edgecolor()) == BROKEN_COLOR
    assert to_hex(rungs[3].get_bbox_patch().get_edgecolor()) != BROKEN_COLOR
    details = texts(ax, "rung-detail")
    assert details[0] == "党组织：—\n联系党员：P1"
    assert details[3] == "银山门社区\n党组织：O-C1\n责任人：P4, P5"  # the area's name above (orgs unnamed)
    assert details[4] == "金山街道\n党组织：O-S1\n责任人：—（无人）"
    assert ax.get_title() == "联系链（三提三知）：H1\n断链于街道"
    assert ax.get_ylabel() == "层级（自下而上）"


def test_chain_truncates_long_lists_and_names_the_matter_household() -> None:
    people = [f"P-{i:04d}" for i in range(12)]
    steps = [ChainStep(level=lv, node_id=f"N-{lv}", orgs=["O-1"], people=people) for lv in LEVEL_ORDER]
    chain = Chain(start_id="M-1", household_id="N-household", steps=steps, broken_at=None,
                  assignee_id="O-9")
    ax = plot_chain(chain)
    assert texts(ax, "rung-detail")[1] == "党组织：O-1\n责任人：P-0000, P-0001, P-0002, P-0003 …+8"
    assert by_gid(ax, "broken-link") == [] and by_gid(ax, "broken-label") == []
    assert ax.get_title() == "联系链（三提三知）：M-1\n所在户 N-household · 承办 O-9 · 链条完整"


def test_chain_broken_at_the_household_marks_the_first_rung() -> None:
    steps = [ChainStep(level=lv, node_id=lv, orgs=[], people=[] if lv == "household" else ["P"])
             for lv in LEVEL_ORDER]
    ax = plot_chain(Chain(start_id="H", household_id="H", steps=steps, broken_at="household"))
    assert by_gid(ax, "broken-link") == []  # nothing leads into the bottom rung
    assert to_hex(by_gid(ax, "rung")[0].get_bbox_patch().get_edgecolor()) == BROKEN_COLOR
    assert by_gid(ax, "broken-label")[0].get_position()[1] == 0


def test_chain_without_steps_says_so() -> None:
    ax = plot_chain(Chain(start_id="M-2", household_id=None, steps=[], broken_at=None))
    assert texts(ax, "empty") == ["M-2 没有所属的户，没有可画的链条"]
    assert by_gid(ax, "rung") == []


# --------------------------------------------------------------------------- influence


def actor_offsets(ax: Axes) -> list[tuple[float, float]]:
    return [tuple(xy) for c in by_gid(ax, "actors") for xy in c.get_offsets()]


@pytest.mark.parametrize("top", [1, 2, 30])
def test_influence_draws_the_top_actors_and_their_communities(
    influence: InfluenceReport, top: int
) -> None:
    ax = plot_influence(influence, top=top)
    actors = influence.actors[:top]
    assert len(actor_offsets(ax)) == len(actors)
    ids = {a.id for a in actors}
    communities = {t for a, t, kind in influence.edges if kind == "PAIRED_WITH" and a in ids}
    drawn = by_gid(ax, "communities")
    assert sum(len(c.get_offsets()) for c in drawn) == len(communities)
    (edges,) = by_gid(ax, "edges")
    assert len(edges.get_segments()) == sum(
        1 for a, _, kind in influence.edges if kind == "PAIRED_WITH" and a in ids
    )
    labels = texts(ax, "actor-label")
    assert labels == [f"{i}. {a.name or a.id}" for i, a in enumerate(actors[:LABELLED], start=1)]
    assert ax.get_title() == f"结对共建网络：PageRank 前 {len(actors)} 名单位/组织及其结对社区"


def test_influence_legends_name_districts_and_node_kinds(influence: InfluenceReport) -> None:
    ax = plot_influence(influence)
    (districts,) = by_gid(ax, "legend-districts")
    assert [t.get_text() for t in districts.get_texts()] == ["润州区", "京口区", NO_DISTRICT]  # D1, D2 by name
    assert districts.get_title().get_text() == "区县（颜色）"
    (kinds,) = by_gid(ax, "legend-kinds")
    assert [t.get_text() for t in kinds.get_texts()] == ["单位", "党组织", "社区"]


def test_influence_node_size_follows_pagerank(influence: InfluenceReport) -> None:
    ax = plot_influence(influence)
    collections = by_gid(ax, "actors")
    assert len(collections) == 2  # units (circles) and orgs (diamonds)
    for collection in collections:  # each in the report's order: PageRank descending
        sizes = list(collection.get_sizes())
        assert sizes == sorted(sizes, reverse=True)
    top = influence.actors[0]
    assert max(max(c.get_sizes()) for c in collections) == pytest.approx(50 + 850)
    assert top.pagerank == max(a.pagerank for a in influence.actors)


def test_influence_layout_is_deterministic(influence: InfluenceReport) -> None:
    first = actor_offsets(plot_influence(influence))
    second = actor_offsets(plot_influence(influence))
    assert first == second


def test_influence_labels_do_not_overlap(tiny_net: Any) -> None:
    ax = plot_influence(tiny_net.influence(), top=30)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [t.get_window_extent(renderer) for t in by_gid(ax, "actor-label")]
    assert len(boxes) == LABELLED
    frame = ax.get_window_extent(renderer)
    for i, a in enumerate(boxes):
        assert frame.x0 - 1 <= a.x0 and a.x1 <= frame.x1 + 1
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a, b)


def test_influence_rejects_top_below_one(influence: InfluenceReport) -> None:
    with pytest.raises(ValueError, match="top must be at least 1"):
        plot_influence(influence, top=0)


def test_influence_without_actors_says_so() -> None:
    ax = plot_influence(InfluenceReport(actors=[], alliances=[]))
    assert texts(ax, "empty") == ["报告中没有结对或组织活动的单位/组织"]


# --------------------------------------------------------------------------- kpis


def test_kpi_labels_cover_every_kpi() -> None:
    fields = [f for f in KpiReport.model_fields if f not in {"year", "area", "denominators"}]
    assert sorted(KPI_LABELS) == sorted(fields)
    assert sorted(RATE_KPIS + COUNT_KPIS) == sorted(fields)
    assert KPI_LABELS["property_closed_within_3_days_rate"] == "物业问题3天解决率"


def test_kpi_dashboard_is_one_figure_with_rates_and_counts(kpis: KpiReport) -> None:
    ax = plot_kpis(kpis)
    fig = ax.figure
    assert len(fig.axes) == 2 and fig.axes[0] is ax
    assert fig.get_suptitle() == "党建工作指标（全市，2023年）"
    rates = by_gid(ax, "rate")
    assert len(rates) == len(RATE_KPIS)
    assert [p.get_width() for p in rates] == [getattr(kpis, k) for k in RATE_KPIS]
    assert texts(ax, "rate-label") == ["75%", "75%", "67%", "50%", "75%", "67%", "60%"]
    assert tick_texts(ax.get_yticklabels()) == [KPI_LABELS[k] for k in RATE_KPIS]
    assert ax.get_xlabel() == "比率（满格为 100%）"
    cards = fig.axes[1]
    assert len(by_gid(cards, "card")) == len(COUNT_KPIS)
    assert texts(cards, "card-value") == ["3", "2", "2", "3", "2", "4.7"]
    assert texts(cards, "card-label")[-1] == "平均办理天数（天）"


def test_kpi_rates_panel_goes_into_a_given_axes(kpis: KpiReport) -> None:
    fig, given = plt.subplots()
    ax = plot_kpis(kpis, ax=given)
    assert ax is given and len(fig.axes) == 1
    assert len(by_gid(ax, "rate")) == len(RATE_KPIS)
    assert ax.get_title() == "党建工作比率指标（全市，2023年）"


def test_kpi_cards_show_a_dash_for_no_mean(kpis: KpiReport) -> None:
    report = kpis.model_copy(update={"mean_handling_days": None, "area": "D1"})
    ax = plot_kpis(report)
    assert texts(ax.figure.axes[1], "card-value")[-1] == "—"
    assert ax.figure.get_suptitle() == "党建工作指标（D1，2023年）"


# --------------------------------------------------------------------------- a larger network


def test_tiny_city_figures_render(tiny_net: Any, tmp_path: Path) -> None:
    report = tiny_net.coverage(YEAR)
    household = report.rules["household_contact"].gaps[0]
    axes = [
        report.plot(), report.plot(level="subdistrict"), report.plot(kind="bars"),
        tiny_net.contact_chain(household).plot(), tiny_net.influence().plot(),
        tiny_net.kpis(YEAR).plot(),
    ]
    for i, ax in enumerate(axes):
        assert missing_glyph_warnings(ax.figure) == []
        save(ax, tmp_path, f"tiny-{i}")
    assert len(texts(axes[1], "cell-label")) == len(RULES) * len(report.by_subdistrict)


def test_report_plot_methods_draw_into_a_given_axes(coverage: CoverageReport, kpis: KpiReport) -> None:
    # KpiReport.plot and CoverageReport.plot pass the axes on (mutation testing: dropping ``ax`` survived)
    for report in (coverage, kpis):
        fig, given = plt.subplots()
        assert report.plot(ax=given) is given and fig.axes[0] is given
        plt.close(fig)
    from orgnet.errors import InvalidArgument

    for options in ({"kind": "pie"}, {"level": "grid"}):  # passed on to plot_coverage, which refuses them
        with pytest.raises(InvalidArgument, match=f"^{next(iter(options))} must be one of"):
            coverage.plot(**options)
    plt.close("all")
