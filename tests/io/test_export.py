"""Exports: the CSV folder loads back into the identical graph; GraphML and GEXF read back with
networkx's own readers; JSON lines hold every node and relationship."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from orgnet.graph.memory import MemoryStore
from orgnet.io import Dataset
from orgnet.io.export import export, to_networkx
from orgnet.io.load import load_folder, load_records


def _dump(g: nx.MultiDiGraph) -> tuple[list[Any], list[Any]]:
    return sorted(g.nodes(data=True)), sorted(g.edges(keys=True, data=True))


def test_csv_folder_round_trip(store: Any, golden_rows: dict[str, Any], tmp_path: Path) -> None:
    load_records(store, Dataset(golden_rows))
    folder = export(store, tmp_path / "out")
    fresh = MemoryStore()
    report = load_folder(fresh, folder)
    assert report.ok and sum(report.counts.values()) == Dataset(golden_rows).total()
    assert _dump(to_networkx(fresh)) == _dump(to_networkx(store))


def test_graphml_and_gexf_read_back(store: Any, golden_rows: dict[str, Any], tmp_path: Path) -> None:
    load_records(store, Dataset(golden_rows))
    g = to_networkx(store)
    for name, reader in (("g.graphml", nx.read_graphml), ("g.gexf", nx.read_gexf)):
        back = reader(export(store, tmp_path / name))
        assert sorted(back.nodes) == sorted(g.nodes), name
        assert back.number_of_edges() == g.number_of_edges() == 100, name
        assert back.nodes["P1"]["is_member"] in (True, "true")
        assert back.nodes["C1"]["name"] == "银山门社区"
    graphml_back = nx.read_graphml(tmp_path / "g.graphml")
    assert graphml_back.nodes["P1"]["label"] == "Person"
    # GEXF: Gephi shows the node's label, so it is the name (the id where there is none); the kind
    # and each relationship's type sit in attributes of their own (GEXF reserves an edge's `type`).
    gexf = nx.read_gexf(tmp_path / "g.gexf")
    assert gexf.nodes["C1"]["label"] == "银山门社区" and gexf.nodes["C1"]["node_type"] == "Area"
    assert gexf.nodes["M1"]["label"] == "M1" and gexf.nodes["M1"]["node_type"] == "Matter"
    want = sorted((u, v, d["type"]) for u, v, d in g.edges(data=True))
    assert sorted((u, v, d["rel_type"]) for u, v, d in gexf.edges(data=True)) == want
    graphml = nx.read_graphml(tmp_path / "g.graphml")
    assert {d["type"] for _, _, d in graphml.edges(data=True)} == {
        "PART_OF", "UNDER", "COVERS", "OF_UNIT", "LOCATED_IN", "IN", "LIVES_IN", "BELONGS_TO", "WORKS_AT",
        "RAISED", "ASSIGNED_TO", "HOLDS_ROLE", "CONTACTS", "PAIRED_WITH", "REGISTERED_WITH", "MEMBER_OF",
        "ORGANIZED"}


def test_jsonl_has_every_node_and_relationship(store: Any, golden_rows: dict[str, Any], tmp_path: Path) -> None:
    load_records(store, Dataset(golden_rows))
    lines = [json.loads(x) for x in export(store, tmp_path / "g.jsonl").read_text(encoding="utf-8").splitlines()]
    nodes = [x for x in lines if "node" in x]
    rels = [x for x in lines if "rel" in x]
    assert len(nodes) == 54 and len(rels) == 100
    assert {"node": "Area", "id": "C1", "name": "银山门社区", "level": "community", "parent_id": "S1"} in nodes
    assert {"rel": "REGISTERED_WITH", "src": "P4", "dst": "C3", "year": 2023, "reported": False} in rels


def test_to_networkx_has_every_attribute(store: Any, golden_rows: dict[str, Any]) -> None:
    load_records(store, Dataset(golden_rows))
    g = to_networkx(store)
    assert g.nodes["M1"] == {"label": "Matter", "category": "property", "raised_by": "H1",
                             "created_at": "2023-01-01", "closed_at": "2023-01-03", "assignee_id": "P1", "rating": 5}
    assert g.edges["U1", "C1", "PAIRED_WITH|block"] == {"type": "PAIRED_WITH", "kind": "block", "since": "2023-03-01"}
    assert g.edges["H1", "M1", "RAISED"] == {"type": "RAISED"}


def test_unknown_format(store: Any, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format must be one of"):
        export(store, tmp_path / "x", format="xml")


def test_chinese_values_load_back_to_the_same_graph(tmp_path: Path, golden_rows: dict[str, Any]) -> None:
    import csv

    folder = Dataset(golden_rows).write(tmp_path, chinese_headers=True, chinese_values=True)
    with (folder / "区域.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[-1]["层级"] == "网格"
    with (folder / "人员.csv").open(encoding="utf-8") as fh:
        assert next(csv.DictReader(fh))["是否党员"] == "是"
    a, b = MemoryStore(), MemoryStore()
    load_folder(a, folder)
    load_records(b, Dataset(golden_rows))
    assert _dump(to_networkx(a)) == _dump(to_networkx(b))
