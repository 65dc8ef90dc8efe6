"""Wrong arguments to the questions are InvalidArgument naming the argument, on both backends (issue 7 #7)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgnet.errors import InvalidArgument
from orgnet.io import Dataset
from orgnet.network import Network

CASES: list[tuple[str, Any, str]] = [
    ("coverage", lambda n: n.coverage(2023.5), "year"),
    ("coverage", lambda n: n.coverage(10**30), "year"),
    ("coverage", lambda n: n.coverage(True), "year"),
    ("coverage", lambda n: n.coverage("2023"), "year"),
    ("coverage", lambda n: n.coverage(1899), "year"),
    ("coverage", lambda n: n.coverage(2023, area=5), "area"),
    ("kpis", lambda n: n.kpis(2023.0), "year"),
    ("kpis", lambda n: n.kpis(-1), "year"),
    ("kpis", lambda n: n.kpis(2023, area=["D1"]), "area"),
    ("influence", lambda n: n.influence(samples=0), "samples"),
    ("influence", lambda n: n.influence(samples=True), "samples"),
    ("influence", lambda n: n.influence(samples=2.5), "samples"),
    ("influence", lambda n: n.influence(seed=-1), "seed"),
    ("influence", lambda n: n.influence(betweenness="fast"), "betweenness"),
    ("contact_chain", lambda n: n.contact_chain(5), "node_id"),
    ("contact_chain", lambda n: n.contact_chain(""), "node_id"),
    ("contact_chains", lambda n: n.contact_chains("H1"), "node_ids"),
    ("contact_chains", lambda n: n.contact_chains([1]), "node_ids"),
    ("contact_chains", lambda n: n.contact_chains(None), "node_ids"),
    ("contact_chains", lambda n: n.contact_chains(["H1", ""]), "node_ids"),  # an empty id among good ones
    ("what_if", lambda n: n.what_if(["U1", ""], 2023), "withdraw"),
    ("contact_path", lambda n: n.contact_path(None, "H1"), "a"),
    ("contact_path", lambda n: n.contact_path("H1", 3), "b"),
    ("rollup_frame", lambda n: n.coverage(2023).rollup_frame("city"), "level"),
    ("recommend_pairings", lambda n: n.recommend_pairings(2023, capacity=0), "capacity"),
    ("recommend_pairings", lambda n: n.recommend_pairings(2023, capacity=1001), "capacity"),
    ("recommend_pairings", lambda n: n.recommend_pairings(2023, same_district="yes"), "same_district"),
    ("trend", lambda n: n.trend([2023.5]), "year"),
    ("trend", lambda n: n.trend(area=7), "area"),
]


@pytest.fixture
def net(store: Any, golden_rows: dict[str, Any]) -> Network:
    network = Network(store)
    network.load(Dataset(golden_rows))
    return network


@pytest.mark.parametrize(("name", "call", "argument"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_wrong_argument_names_it(net: Network, name: str, call: Any, argument: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        call(net)
    # the name leads the message ("a must be ..."): a name as short as "a" is found in any sentence
    assert str(info.value).startswith((f"{argument} ", f"every item of {argument} ")), str(info.value)


_not_int = st.one_of(st.floats(allow_nan=True), st.text(max_size=5), st.booleans(), st.lists(st.integers(), max_size=2),
                     st.integers(min_value=2201), st.integers(max_value=1899))
_not_id = st.one_of(st.integers(), st.floats(), st.none(), st.just(""), st.lists(st.text(max_size=3), max_size=2))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(year=_not_int, node=_not_id, samples=st.one_of(st.integers(max_value=0), st.booleans(), st.floats(), st.text()))
def test_any_wrong_value_is_invalid_argument(memory_store: Any, year: Any, node: Any, samples: Any) -> None:
    """Over the public signatures: no other exception type escapes, and nothing is computed."""
    net = Network(memory_store)
    for call, argument in [
        (lambda: net.coverage(year), "year"),
        (lambda: net.kpis(year), "year"),
        (lambda: net.contact_chain(node), "node_id"),
        (lambda: net.contact_path(node, "X"), "a"),
        (lambda: net.contact_chains(node if not isinstance(node, list) else 5), "node_ids"),
        (lambda: net.influence(samples=samples), "samples"),
    ]:
        with pytest.raises(InvalidArgument, match=argument):
            call()


def test_valid_edge_values_are_accepted(net: Network) -> None:
    assert net.coverage(1900).year == 1900 and net.coverage(2200).year == 2200
    assert net.influence(betweenness="sample", samples=1, seed=0).betweenness_method.startswith("sample")
    assert net.contact_chains([]) == [] and net.contact_chains(("H1",))[0].household_id == "H1"
    assert net.recommend_pairings(2023, capacity=1000).capacity == 1000  # the upper bounds are allowed
    assert net.influence(betweenness="sample", samples=1, seed=2**32 - 1).betweenness_method.startswith("sample")


def test_the_refused_value_is_shown_shortened(net: Network) -> None:
    """The message ends with the value refused (its repr), cut to 40 characters with "..."."""
    long_id = list(range(30))
    for call, tail in [
        (lambda: net.contact_chain(5), "not 5"),
        (lambda: net.coverage(2023.5), "not 2023.5"),
        (lambda: net.coverage(1899), "not 1899"),
        (lambda: net.influence(samples=0), "not 0"),
        (lambda: net.influence(betweenness="fast"), "not 'fast'"),
        (lambda: net.contact_chains(["H1", 7]), "not 7"),
        (lambda: net.contact_chain(long_id), "not " + repr(long_id)[:37] + "..."),
        (lambda: net.contact_chain(b"x" * 37), "not " + repr(b"x" * 37)),  # a repr of 40 characters: whole
    ]:
        with pytest.raises(InvalidArgument) as info:
            call()
        assert str(info.value).endswith(tail), str(info.value)
