"""The pairing plan against brute force: every feasible plan enumerated on small inputs."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.algorithms.assignment import assign
from orgnet.errors import InvalidArgument


def brute_force(eligible: dict[str, list[str]], load: dict[str, int], capacity: int) -> tuple[int, int]:
    """(most communities covered, least cost among plans covering that many)."""
    communities = sorted(eligible)
    best = (0, 0)
    options = [[None, *sorted(set(eligible[c]))] for c in communities]
    for choice in itertools.product(*options):
        used: dict[str, int] = {}
        for u in choice:
            if u is not None:
                used[u] = used.get(u, 0) + 1
        if any(n > capacity for n in used.values()):
            continue
        covered = sum(u is not None for u in choice)
        cost = sum(load.get(u, 0) for u in choice if u is not None)
        if covered > best[0] or (covered == best[0] and cost < best[1]):
            best = (covered, cost)
    return best


@st.composite
def instances(draw: st.DrawFn) -> tuple[dict[str, list[str]], dict[str, int], int]:
    units = [f"U{i}" for i in range(draw(st.integers(0, 4)))]
    n_comm = draw(st.integers(0, 5))
    eligible = {
        f"C{i}": draw(st.lists(st.sampled_from(units), max_size=4)) if units else []
        for i in range(n_comm)
    }
    load = {u: draw(st.integers(0, 6)) for u in units}
    return eligible, load, draw(st.integers(1, 3))


@settings(max_examples=300, deadline=None)
@given(instances())
def test_plan_is_optimal_and_feasible(inst: tuple[dict[str, list[str]], dict[str, int], int]) -> None:
    eligible, load, capacity = inst
    plan = assign(eligible, load, capacity=capacity)
    assert (len(plan.pairs), plan.total_cost) == brute_force(eligible, load, capacity)
    per_unit: dict[str, int] = {}
    for u, c in plan.pairs:
        assert u in eligible[c]
        per_unit[u] = per_unit.get(u, 0) + 1
    assert max(per_unit.values(), default=0) <= capacity
    assert len({c for _, c in plan.pairs}) == len(plan.pairs)
    assert sorted(plan.uncovered) == sorted(set(eligible) - {c for _, c in plan.pairs})
    assert plan.total_cost == sum(load[u] for u, _ in plan.pairs)


def test_a_greedy_choice_would_cover_fewer() -> None:
    # Greedy by least load gives C1 to U1 (load 0) and leaves C2 alone; the flow covers both.
    plan = assign({"C1": ["U1", "U2"], "C2": ["U1"]}, {"U1": 0, "U2": 5}, capacity=1)
    assert plan.pairs == [("U2", "C1"), ("U1", "C2")]
    assert plan.uncovered == [] and plan.total_cost == 5


def test_same_input_same_plan() -> None:
    eligible = {f"C{i}": ["U1", "U2", "U3"] for i in range(4)}
    plans = {tuple(assign(eligible, {}, capacity=2).pairs) for _ in range(5)}
    assert len(plans) == 1


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "2"])
def test_capacity_checked(bad: object) -> None:
    with pytest.raises(InvalidArgument, match="capacity"):
        assign({"C1": ["U1"]}, {}, capacity=bad)  # type: ignore[arg-type]
