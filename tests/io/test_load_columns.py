"""The load's column-wise plan and the embedded store's coded apply.

A load's planner hands the store columns and each id's position in one list of
ids (``ChangeSet.vocabulary``), so the embedded store looks every distinct id up
once. The same change set without those hints (plain lists of pairs and link
rows, each id looked up by the store itself) is the oracle: both must leave the
store with the same content — with rejected rows in between (``skip``), on top of
an earlier load, and with ids given twice.
"""

from __future__ import annotations

import random
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import orgnet
from orgnet.graph.base import ChangeSet, FieldRelBatch, LinkColumns, LinkRow, Pairs
from orgnet.graph.memory import Ids, MemoryStore
from orgnet.io import Dataset
from orgnet.io.validate import plan_load, validate_table
from orgnet.model import LABELS, REL_TYPES


def _content(store: MemoryStore) -> dict[str, Any]:
    out: dict[str, Any] = {"counts": store.counts()}
    for label in sorted(LABELS):
        out[label] = list(store.iter_nodes(label))
    for rel_type in sorted(REL_TYPES):
        out[rel_type] = list(store.iter_links(rel_type))
    return out


def _plain(changes: ChangeSet) -> ChangeSet:
    """The same writes without the planner's hints: lists, ids only."""
    return ChangeSet(
        nodes={k: list(v) for k, v in changes.nodes.items()},
        field_rels=[FieldRelBatch(b.type, b.reverse, list(b.owners), list(b.edges)) for b in changes.field_rels],
        links={k: [LinkRow(r.src, r.dst, dict(r.props)) for r in v] for k, v in changes.links.items()},
    )


def _plan(data: dict[str, list[dict[str, Any]]], store: MemoryStore) -> ChangeSet:
    tables = []
    for name, rows in Dataset(data).items():
        table, _ = validate_table(name, name, rows, list(range(1, len(rows) + 1)))
        tables.append(table)
    changes, _, _ = plan_load(tables, store, mode="skip")
    return changes


def _spoil(data: dict[str, list[dict[str, Any]]], rng: random.Random, share: float) -> dict[str, list[dict[str, Any]]]:
    """Copies of the rows with some references broken (those rows, and what hangs off them, get rejected)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, rows in data.items():
        copies = []
        for row in rows:
            row = dict(row)
            refs = [k for k in row if k.endswith("_id") and k != "id"]
            if refs and rng.random() < share:
                row[rng.choice(refs)] = "NO-SUCH-ID"
            copies.append(row)
        out[name] = copies
    return out


def _apply_both(first: dict[str, list[dict[str, Any]]] | None,
                second: dict[str, list[dict[str, Any]]]) -> tuple[MemoryStore, MemoryStore, ChangeSet]:
    coded, plain = MemoryStore(), MemoryStore()
    if first is not None:
        for store in (coded, plain):
            store.apply(_plan(first, store))
    changes = _plan(second, coded)
    coded.apply(changes)
    plain.apply(_plain(_plan(second, plain)))
    return coded, plain, changes


@cache
def _tiny() -> dict[str, list[dict[str, Any]]]:
    return {name: rows for name, rows in orgnet.synth.city("tiny", seed=3).items()}


def test_the_plan_carries_columns_and_positions() -> None:
    tiny = _tiny()
    changes = _plan(tiny, MemoryStore())
    assert changes.vocabulary is not None
    vocab = changes.vocabulary
    for label, rows in changes.nodes.items():
        assert [vocab[p] for p in changes.node_positions[label]] == [r["id"] for r in rows]
    for batch in changes.field_rels:
        assert isinstance(batch.edges, Pairs) and batch.owner_pos is not None
        assert [vocab[p] for p in batch.owner_pos] == batch.owners
        assert batch.edges.start_pos is not None and batch.edges.end_pos is not None
        assert [vocab[p] for p in batch.edges.start_pos] == batch.edges.starts
        assert [vocab[p] for p in batch.edges.end_pos] == batch.edges.ends
    for rows in changes.links.values():
        assert isinstance(rows, LinkColumns) and rows.src_pos is not None and rows.dst_pos is not None
        assert [vocab[p] for p in rows.src_pos] == rows.srcs
        assert [vocab[p] for p in rows.dst_pos] == rows.dsts


def test_clean_load_equals_the_plain_apply() -> None:
    tiny = _tiny()
    coded, plain, _ = _apply_both(None, tiny)
    assert _content(coded) == _content(plain)
    assert coded.counts()["Household"] == len(tiny["households"])


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), share=st.sampled_from([0.0, 0.02, 0.2]), split=st.floats(0.0, 1.0))
def test_skip_and_reload_equal_the_plain_apply(seed: int, share: float, split: float) -> None:
    """Rejected rows shift every later row: positions must follow the kept rows, in either load."""
    tiny = _tiny()
    rng = random.Random(seed)
    first = {name: rows[: int(len(rows) * split)] for name, rows in tiny.items()}
    second = _spoil({name: rows[int(len(rows) * split) // 2:] for name, rows in tiny.items()}, rng, share)
    coded, plain, changes = _apply_both(_spoil(first, rng, share / 2) if split else None, second)
    assert _content(coded) == _content(plain)
    assert changes.vocabulary is not None


def test_ids_given_twice_in_one_hand_built_change_set() -> None:
    """The first-load shortcut codes all ids in one dict update: an id twice must undo it."""
    ids = Ids()
    assert ids.add(["a", "b", "a", "c"]).tolist() == [0, 1, 0, 2]
    assert ids.names(range(len(ids))) == ["a", "b", "c"]
    assert ids.add(["d", "e"]).tolist() == [3, 4]
    assert ids.add(["e", "f", "a"]).tolist() == [4, 5, 0]
    assert [ids.code(x) for x in "abcdef"] == [0, 1, 2, 3, 4, 5]

    store = MemoryStore()
    store.apply(ChangeSet(nodes={"Area": [{"id": "X", "name": "一", "level": "city"},
                                          {"id": "Y", "name": "二", "level": "district"},
                                          {"id": "X", "name": "三", "level": "city"}]}))
    assert list(store.iter_nodes("Area")) == [{"id": "X", "name": "三", "level": "city"},
                                             {"id": "Y", "name": "二", "level": "district"}]
    assert store.lookup(["X", "Y", "Z"]).keys() == {"X", "Y"}


def test_a_link_property_no_row_gives_is_no_column() -> None:
    rows = LinkColumns(["P1", "P2"], ["H1", "H2"], {"since": [None, None]})
    assert list(rows) == [LinkRow("P1", "H1", {}), LinkRow("P2", "H2", {})]
    with pytest.raises(ValueError):
        LinkColumns(["P1"], ["H1", "H2"], {})
    with pytest.raises(ValueError):
        Pairs(["a"], [])


def test_roles_on_one_target_differ_by_role_not_conflicting() -> None:
    """Two rows with the same ends and different keys are two relationships (the integer check)."""
    rows: dict[str, list[dict[str, Any]]] = {
        "areas": [{"id": "ZJ", "name": "市", "level": "city"}, {"id": "D", "name": "区", "level": "district",
                                                                "parent_id": "ZJ"},
                  {"id": "S", "name": "街", "level": "subdistrict", "parent_id": "D"},
                  {"id": "C", "name": "社", "level": "community", "parent_id": "S"},
                  {"id": "G", "name": "格", "level": "grid", "parent_id": "C"}],
        "people": [{"id": "P1", "name": "张三", "is_member": True}],
        "roles": [{"person_id": "P1", "role": "grid_leader", "target_id": "G", "since": "2023-01-01"},
                  {"person_id": "P1", "role": "party_group_leader", "target_id": "G", "since": "2024-01-01"}],
    }
    store = MemoryStore()
    report = orgnet.network.Network(store).load(Dataset(rows))
    assert report.ok, report.rejects
    assert len(list(store.iter_links("HOLDS_ROLE"))) == 2


def test_one_plan_applied_to_two_stores_keeps_them_apart() -> None:
    """A first load takes the planner's id index as its own: a copy, or the stores would share codes."""
    tiny = _tiny()
    changes = _plan({k: v for k, v in tiny.items() if k in ("areas", "orgs")}, MemoryStore())
    a, b = MemoryStore(), MemoryStore()
    a.apply(changes)
    b.apply(changes)
    before = _content(b)
    a.apply(_plan({"areas": [{"id": "NEW", "name": "新区", "level": "district", "parent_id": "ZJ"}]}, a))
    assert a.label_of("NEW") == "Area" and b.label_of("NEW") is None
    assert _content(b) == before
    assert changes.vocabulary_index is not None and "NEW" not in changes.vocabulary_index


def _canonical_id(value: str) -> bool:
    """The oracle, by hand: 1-200 printable ASCII characters, no space, not starting with a digit or sign."""
    return (0 < len(value) <= 200 and all(0x21 <= ord(ch) <= 0x7E for ch in value)
            and value[0] not in "0123456789+-")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x7F), max_size=6),
    st.text(alphabet="aZ9+-. \u3000Ｐ\n\t", max_size=4),
    st.sampled_from(["a" * 200, "a" * 201, "P-1", "1001.0", "3.2E+14", "-x", "+x", ",x", "/x", ":x", "~", "!",
                     "x ", " x", "x\n", "", "ab\u00e9"]),
), min_size=1, max_size=30))
def test_ids_taken_without_the_parser_are_the_ones_it_keeps(values: list[str]) -> None:
    """The vectorised id check passes exactly the canonical ids; the parser returns those unchanged."""
    from orgnet.io.validate import _fast_mask, _specs
    from orgnet.model import _to_id

    spec = _specs("people")["id"]
    masks = _fast_mask(spec, list(values))
    assert masks is not None
    present, fine = masks
    assert present.all()
    assert fine.tolist() == [_canonical_id(v) for v in values]
    for v, ok in zip(values, fine.tolist()):
        if ok:
            assert _to_id(v) == v
