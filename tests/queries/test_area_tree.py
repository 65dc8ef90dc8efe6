"""The area tree's rollup positions and tallies against brute force.

Rollups and ``area=`` go through :class:`orgnet.queries._scope.AreaTree`: the
area of a level above each area (computed all at once by climbing, or walking
each area up on a PART_OF cycle) and the columnar tally of facts rows. The
oracle walks each area up by hand; areas are random forests with missing
parents, and some with a cycle.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.queries._facts import Facts, RuleFacts
from orgnet.queries._scope import AreaTree, Tally, rollup, tally

LEVELS = ("city", "district", "subdistrict", "community", "grid")


@st.composite
def trees(draw: st.DrawFn, *, cycles: bool) -> dict[str, tuple[str, str | None]]:
    n = draw(st.integers(1, 30))
    names = [f"A{i}" for i in range(n)]
    areas: dict[str, tuple[str, str | None]] = {}
    for i, name in enumerate(names):
        level = draw(st.sampled_from(LEVELS))
        if cycles:
            parent = draw(st.sampled_from([None, "missing", *names]))
        else:  # parents come earlier: no cycle
            parent = draw(st.sampled_from([None, "missing", *names[:i]]))
        areas[name] = (level, parent)
    order = draw(st.permutations(names))
    return {a: areas[a] for a in order}


def nearest(areas: dict[str, tuple[str, str | None]], area: str, level: str) -> str | None:
    """Walk up from ``area`` to the first area of ``level`` (no cycle here)."""
    node: str | None = area
    while node is not None and node in areas:
        if areas[node][0] == level:
            return node
        node = areas[node][1]
    return None


@settings(max_examples=200, deadline=None)
@given(trees(cycles=False), st.sampled_from(LEVELS))
def test_up_positions_are_the_nearest_area_of_the_level(areas: dict[str, tuple[str, str | None]],
                                                        level: str) -> None:
    tree = AreaTree(areas)
    names = list(areas)
    got = {names[i]: (names[t] if t >= 0 else None) for i, t in enumerate(tree.up_positions(level).tolist())}
    assert got == {a: nearest(areas, a, level) for a in areas}
    assert tree.ancestors(level) == got


def nearest_on_walk(areas: dict[str, tuple[str, str | None]], area: str, level: str) -> str | None:
    """Walk up from ``area`` to the first area of ``level``, stopping where the walk comes back (a cycle)."""
    node: str | None = area
    seen: set[str] = set()
    while node is not None and node in areas and node not in seen:
        if areas[node][0] == level:
            return node
        seen.add(node)
        node = areas[node][1]
    return None


@settings(max_examples=200, deadline=None)
@given(trees(cycles=True), st.sampled_from(LEVELS))
def test_up_positions_agree_with_the_walk_on_cycles(areas: dict[str, tuple[str, str | None]], level: str) -> None:
    # a PART_OF cycle can be loaded in two steps (a later load gives an area a lower level and a parent
    # below it); there the walk from each area decides, whatever order the areas come in
    tree = AreaTree(areas)
    names = list(areas)
    walk = {a: nearest_on_walk(areas, a, level) for a in areas}
    got = {names[i]: (names[t] if t >= 0 else None) for i, t in enumerate(tree.up_positions(level).tolist())}
    assert got == walk
    assert AreaTree(areas).ancestors(level) == walk
    assert all(tree.ancestor_at(a, level) == walk[a] for a in areas)


def test_a_cycle_answers_from_each_area_in_any_order() -> None:
    # A (grid) PART_OF B (district) PART_OF A: walking up from A meets B, from B B itself; G -> C -> D
    # beside it is a tree, untouched by the cycle
    rest = {"G": ("grid", "C"), "C": ("community", "D"), "D": ("district", None)}
    for cycle in ({"A": ("grid", "B"), "B": ("district", "A")}, {"B": ("district", "A"), "A": ("grid", "B")}):
        tree = AreaTree({**cycle, **rest})
        assert tree.ancestors("district") == {"A": "B", "B": "B", "G": "D", "C": "D", "D": "D"}
        assert tree.ancestors("grid") == {"A": "A", "B": "A", "G": "G", "C": None, "D": None}
        assert tree.chain("A") == ["A", "B"] and tree.chain("G") == ["G", "C", "D"]


@settings(max_examples=200, deadline=None)
@given(trees(cycles=False), st.data())
def test_columnar_tally_and_rollup_equal_row_by_row(areas: dict[str, tuple[str, str | None]],
                                                    data: st.DataObject) -> None:
    names = list(areas)
    anchor = st.sampled_from([*names, "elsewhere"])
    rows = data.draw(st.lists(st.builds(
        Facts,
        st.lists(anchor, max_size=3, unique=True).map(tuple),
        st.integers(0, 5),
        st.lists(st.sampled_from(["X1", "X2", "X3", "X4"]), max_size=3, unique=True).map(tuple),
        st.one_of(st.none(), st.lists(anchor, max_size=2, unique=True).map(tuple)),
    ), max_size=8))
    scope = data.draw(st.one_of(st.none(), st.frozensets(st.sampled_from(names))))
    level = data.draw(st.sampled_from(LEVELS))
    tree = AreaTree(areas)
    # brute force, row by row, as the rules are written in orgnet/queries/_scope.py
    checked, gaps = 0, set()
    by_area: dict[str, list[int]] = {}
    for row in rows:
        kept = [a for a in row.anchors if scope is None or a in scope]
        if scope is not None and not kept:
            continue
        checked += row.checked
        owned = row.gap_anchors is None
        gap_kept = [] if owned else [a for a in row.gap_anchors or () if scope is None or a in scope]
        if owned or scope is None or gap_kept:
            gaps.update(row.gaps)
        targets = {t for a in kept if (t := nearest(areas, a, level)) is not None}
        gap_targets = targets if owned else {t for a in gap_kept if (t := nearest(areas, a, level)) is not None}
        for t in targets:
            entry = by_area.setdefault(t, [0, 0])
            entry[0] += row.checked
            entry[1] += len(row.gaps) if t in gap_targets else 0
    table = RuleFacts.from_rows(rows)
    canonical = [row._replace(gaps=tuple(sorted(row.gaps))) for row in rows]
    assert list(table) == canonical == [table[i] for i in range(len(table))]
    assert tally(rows, scope) == (checked, sorted(gaps))
    assert tally(RuleFacts.from_rows(rows), scope) == (checked, sorted(gaps))
    got = {a: [c.checked, c.gaps] for a, c in rollup(rows, tree, level, scope).items()}
    assert got == {a: v for a, v in by_area.items() if v != [0, 0]}


def test_hierarchies_deeper_than_64_levels_with_and_without_a_cycle() -> None:
    # the climb checks for a cycle once, at 64 steps: a chain of 70 areas climbs on past it, a cycle of 70
    # (reached from a tail) falls back to walking each area; both equal the walk
    chain = {f"A{i}": (LEVELS[i % 5], f"A{i + 1}" if i < 69 else None) for i in range(70)}
    cycle = {f"Z{i}": (LEVELS[i % 3], f"Z{(i + 1) % 70}") for i in range(70)} | {"T": ("grid", "Z0")}
    for areas in (chain, cycle, chain | cycle):
        for level in LEVELS:
            tree = AreaTree(areas)
            names = list(areas)
            walk = {a: nearest_on_walk(areas, a, level) for a in areas}
            got = {names[i]: (names[t] if t >= 0 else None) for i, t in enumerate(tree.up_positions(level).tolist())}
            assert got == walk and tree.ancestors(level) == walk, level


def test_rollup_boundaries_worked_by_hand() -> None:
    # one area: two rows both count in it (row and area are decoded from one key per row and area)
    one = AreaTree({"D": ("district", None)})
    assert rollup([Facts(("D",), 1, ("H1",)), Facts(("D",), 2, ())], one, "district", None) == {"D": Tally(3, 1)}
    # no areas at all: anchors that are no area count nowhere
    assert rollup([Facts(("X",), 1, ("H1",))], AreaTree({}), "district", None) == {}
    # a gap anchored at no area does not make the row before it own its gap: row 0 sits in D2 (the last
    # position) with its gap anchored nowhere, row 1 in D1 with its gap anchored outside the tree
    two = AreaTree({"D1": ("district", None), "D2": ("district", None)})
    rows = [Facts(("D2",), 1, ("X1",), ()), Facts(("D1",), 1, ("X2",), ("elsewhere",))]
    assert rollup(rows, two, "district", None) == {"D1": Tally(1, 0), "D2": Tally(1, 0)}
    assert tally(rows, frozenset({"D1", "D2"})) == (2, [])
