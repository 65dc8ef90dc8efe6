"""The embedded store: file persistence, atomic saves, several stores at once."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import orgnet
from orgnet.errors import StoreError, UnsupportedURI
from orgnet.graph.memory import MemoryStore
from orgnet.io import Dataset
from orgnet.io.export import to_networkx


def dump(store: Any) -> tuple[list[Any], list[Any]]:
    g = to_networkx(store)
    return sorted(g.nodes(data=True)), sorted(g.edges(keys=True, data=True))


def test_file_store_reopens_to_the_identical_graph(tmp_path: Path, golden_rows: dict[str, Any]) -> None:
    path = tmp_path / "city.orgnet"
    with orgnet.connect(f"file:{path}") as net:
        net.load(Dataset(golden_rows))
        before = dump(net.store)
        counts = net.counts()
    assert path.exists()
    with orgnet.connect(f"file:{path}") as again:
        assert dump(again.store) == before
        assert again.counts() == counts
        # types survive the round trip
        p1 = next(r for r in again.store.iter_nodes("Person") if r["id"] == "P1")
        assert p1["is_member"] is True
        reg = next(link for link in again.store.iter_links("REGISTERED_WITH"))
        assert isinstance(reg.props["year"], int)


def test_queries_equal_after_reopen(tmp_path: Path, golden_rows: dict[str, Any]) -> None:
    path = tmp_path / "c.orgnet"
    net = orgnet.connect(f"file:{path}")
    net.load(Dataset(golden_rows))
    expected = (net.coverage(2023), net.kpis(2023), net.influence(), net.contact_chain("H1"))
    again = orgnet.connect(f"file:{path}")
    assert (again.coverage(2023), again.kpis(2023), again.influence(), again.contact_chain("H1")) == expected


def test_a_crash_while_saving_leaves_the_old_file(tmp_path: Path, golden_rows: dict[str, Any],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.orgnet"
    net = orgnet.connect(f"file:{path}")
    net.load(Dataset({"areas": golden_rows["areas"]}))
    saved = path.read_bytes()

    def crash(src: Any, dst: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        net.load(Dataset({"units": golden_rows["units"]}))
    monkeypatch.undo()
    assert path.read_bytes() == saved
    assert [p.name for p in tmp_path.iterdir()] == ["c.orgnet"], "the temporary file must be removed"
    assert "Unit" not in MemoryStore(path).counts()


def test_not_a_store_file(tmp_path: Path) -> None:
    bad = tmp_path / "x.orgnet"
    bad.write_text("hello")
    with pytest.raises(StoreError, match="not an orgnet store file"):
        orgnet.connect(f"file:{bad}")


def test_clear_and_delete(tmp_path: Path, golden_rows: dict[str, Any]) -> None:
    path = tmp_path / "c.orgnet"
    net = orgnet.connect(f"file:{path}")
    net.load(Dataset(golden_rows))
    assert net.delete(["H3", "NOPE"]) == 1
    assert "H3" not in {r["id"] for r in net.store.iter_nodes("Household")}
    assert not [e for e in to_networkx(net.store).edges if "H3" in e]
    net.clear()
    assert net.counts() == {}
    assert orgnet.connect(f"file:{path}").counts() == {}


def test_several_stores_are_independent(golden_rows: dict[str, Any]) -> None:
    a, b = orgnet.connect("memory://"), orgnet.connect("memory://")
    a.load(Dataset(golden_rows))
    assert b.counts() == {} and a.counts()["Area"] == 12


def test_unsupported_uri_hides_credentials() -> None:
    with pytest.raises(UnsupportedURI) as info:
        orgnet.connect("http://user:s3cret@example.org")
    assert "s3cret" not in str(info.value) and "neo4j://" in str(info.value)


def test_connect_defaults_to_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    assert orgnet.connect().store.uri == "memory://"


def test_relationships_to_missing_nodes_are_skipped_like_neo4j(store: Any) -> None:
    from orgnet.graph.base import ChangeSet, FieldRelBatch, LinkRow

    store.apply(ChangeSet(nodes={"Area": [{"id": "ZJ", "level": "city"}]},
                          field_rels=[FieldRelBatch("PART_OF", False, ["ZJ"], [("ZJ", "NOPE")])],
                          links={"CONTACTS": [LinkRow("NOPE", "ZJ", {})]}))
    assert store.counts() == {"Area": 1}
