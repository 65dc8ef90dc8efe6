"""Every query against an oracle written straight from the documented meaning over the raw rows.

The oracles (tests/oracles.py) never touch orgnet's stores or queries: they
read the rows of a random network (tests/strategies.py) and compute each answer
the plainest way (networkx for paths and centralities). Both backends must agree
with them. Influence, chains and ``area=`` have files of their own
(test_oracles_influence.py, test_oracles_chains.py, test_oracles_scope.py).
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import oracles
import pytest
from hypothesis import given
from strategies import networks, oracle_settings

from orgnet.io import Dataset
from orgnet.io.load import load_records
from orgnet.queries.chains import contact_path
from orgnet.queries.coverage import coverage
from orgnet.queries.kpis import kpis

YEAR = 2023
SETTINGS = oracle_settings(40)


def oracle_coverage(rows: dict[str, list[dict[str, Any]]], year: int) -> dict[str, tuple[int, list[str]]]:
    return oracles.coverage(rows, year)


def oracle_kpis(rows: dict[str, list[dict[str, Any]]], year: int) -> dict[str, Any]:
    return oracles.kpis(rows, year)



def load(store: Any, rows: dict[str, list[dict[str, Any]]]) -> None:
    store.clear()
    report = load_records(store, Dataset(rows))
    assert report.ok


@SETTINGS
@given(rows=networks())
def test_coverage_equals_oracle(store: Any, rows: dict[str, list[dict[str, Any]]]) -> None:
    load(store, rows)
    report = coverage(store, YEAR)
    assert {k: (v.checked, v.gaps) for k, v in report.rules.items()} == oracle_coverage(rows, YEAR)


@SETTINGS
@given(rows=networks())
def test_kpis_equal_oracle(store: Any, rows: dict[str, list[dict[str, Any]]]) -> None:
    load(store, rows)
    got = kpis(store, YEAR).model_dump(exclude={"year", "area", "denominators"})
    expected = oracle_kpis(rows, YEAR)
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        if value is None and key != "mean_handling_days":
            continue  # a rate with nothing counted: test_oracles_scope.py::test_nothing_checked_is_none
        if value is None or isinstance(value, int):
            assert got[key] == value, key
        else:
            assert got[key] == pytest.approx(value, rel=1e-12), key


@SETTINGS
@given(rows=networks())
def test_contact_path_is_the_smallest_shortest_path(store: Any, rows: dict[str, list[dict[str, Any]]]) -> None:
    load(store, rows)
    g = oracles.undirected(rows)
    nodes = sorted(g.nodes)
    pairs = [(nodes[i], nodes[-1 - i]) for i in range(0, len(nodes), max(1, len(nodes) // 5))][:6]
    for a, b in pairs:
        if nx.has_path(g, a, b):
            expected = min(nx.all_shortest_paths(g, a, b))
        else:
            expected = []
        assert contact_path(store, a, b) == expected, (a, b)


def test_oracles_agree_with_the_hand_worked_network() -> None:
    """The oracles themselves are checked against the answers worked out by hand."""
    import golden

    got = oracle_coverage(golden.ROWS, 2023)
    assert got == {k: (c, g) for k, (c, g) in golden.COVERAGE_2023.items()}
    k = oracle_kpis(golden.ROWS, 2023)
    for key, value in golden.KPIS_2023.items():
        assert k[key] == pytest.approx(value), key
    assert math.isclose(k["mean_handling_days"], 14 / 3)


