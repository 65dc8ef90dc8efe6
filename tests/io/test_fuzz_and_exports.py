"""Anything malformed is an OrgnetError with nothing written (hypothesis over bytes and over cells);
every export of any loadable data reads back (issue: NUL and control characters); templates and
exports are made for Excel."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from office import write_workbook

from orgnet.errors import AlreadyExists, InvalidData, OrgnetError
from orgnet.graph.memory import MemoryStore
from orgnet.io import Dataset
from orgnet.io.export import export, to_networkx
from orgnet.io.load import load_folder, load_records

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _load_or_orgnet_error(folder: Path, **options: Any) -> None:
    for on_error in ("raise", "skip"):
        store = MemoryStore()
        try:
            load_folder(store, folder, on_error=on_error, **options)  # type: ignore[arg-type]
        except OrgnetError:
            assert store.counts() == {}, "a failed load writes nothing"


@FUZZ
@given(data=st.binary(max_size=400), name=st.sampled_from(["areas.csv", "people.jsonl", "区域.xlsx", "x.xlsx"]))
def test_fuzz_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes, name: str) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / name).write_bytes(data)
    _load_or_orgnet_error(folder)


CELL = st.one_of(
    st.none(), st.text(max_size=12), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.sampled_from(["市", "区县", "社区", "网格", "ZJ", "RZ", "1001.0", "3.2E+14", "2023年5月1日", "是", "\x00",
                     "Ｐ０４", "44986", "编号", "层级", "上级编号"]),
)
ROWS = st.lists(st.lists(CELL, max_size=6), max_size=8)


@FUZZ
@given(rows=ROWS, kind=st.sampled_from(["areas", "people", "roles", "matters"]))
def test_fuzz_cells_csv_and_workbook(tmp_path_factory: pytest.TempPathFactory, rows: list[list[Any]],
                                     kind: str) -> None:
    folder = tmp_path_factory.mktemp("cells")
    header = {"areas": ["编号", "层级", "上级编号"], "people": ["id", "is_member", "household_id"],
              "roles": ["person_id", "role", "target_id"], "matters": ["id", "created_at", "rating"]}[kind]
    with (folder / f"{kind}.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows([["" if c is None else str(c) for c in r] for r in rows])
    _load_or_orgnet_error(folder)
    book = folder / "book"
    book.mkdir()
    clean = [[c for c in r] for r in rows]
    try:
        write_workbook(book / "b.xlsx", {kind: [header, *clean]})
    except Exception:  # noqa: BLE001 - openpyxl refuses some cells (control characters): nothing to read
        return
    _load_or_orgnet_error(book)


@FUZZ
@given(rows=st.lists(st.dictionaries(st.sampled_from(["id", "level", "parent_id", "name", "x"]),
                                     st.one_of(CELL, st.lists(st.integers(), max_size=2),
                                               st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))),
                     max_size=6))
def test_fuzz_json_lines(tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, Any]]) -> None:
    folder = tmp_path_factory.mktemp("jsonl")
    with (folder / "areas.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, allow_nan=True) + "\n")
    _load_or_orgnet_error(folder)


# --------------------------------------------------------- control characters


def test_control_characters_are_rejected_at_load_with_a_clear_reason(store: Any) -> None:
    rows = {"areas": [{"id": "ZJ", "level": "city", "name": "镇江\x00市"},
                      {"id": "R\x01Z", "level": "district", "parent_id": "ZJ"}]}
    with pytest.raises(InvalidData) as info:
        load_records(store, Dataset(rows))
    assert [(p.row, p.field, p.type) for p in info.value.problems] == [(1, "name", "control_char"),
                                                                      (2, "id", "control_char")]
    assert "\x00" not in str(info.value) and "\x01" not in str(info.value)
    assert store.counts() == {}


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(name="=1+1", address="=HYPERLINK(\"x\")", title="=0", hid="")  # text, not formulas, in .xlsx
@given(name=TEXT, address=TEXT, title=TEXT, hid=TEXT)
def test_every_export_of_loadable_data_reads_back(tmp_path_factory: pytest.TempPathFactory, name: str,
                                                  address: str, title: str, hid: str) -> None:
    store = MemoryStore()
    hid = "H" + hid  # any text as an id, too
    rows = {"areas": [{"id": "ZJ", "level": "city", "name": name}],
            "households": [{"id": hid, "address": address}],
            "matters": [{"id": "M1", "title": title, "raised_by": hid}]}
    try:
        load_records(store, Dataset(rows))
    except InvalidData:
        return  # rejected at load (a control character): nothing to export
    out = tmp_path_factory.mktemp("exports")
    g = to_networkx(store)
    want = sorted(g.nodes(data=True))
    graphml = nx.read_graphml(export(store, out / "g.graphml"))
    assert sorted(graphml.nodes(data=True)) == want
    gexf = nx.read_gexf(export(store, out / "g.gexf"))
    assert {n: d.get("name") for n, d in gexf.nodes(data=True)} == {n: d.get("name") for n, d in g.nodes(data=True)}
    assert {n: d.get("address") for n, d in gexf.nodes(data=True)} == {
        n: d.get("address") for n, d in g.nodes(data=True)}
    # JSON Lines ends lines at "\n" only: splitlines() would also cut at U+0085 inside an id
    lines = export(store, out / "g.jsonl").read_text(encoding="utf-8").split("\n")
    assert sorted(json.loads(x)["id"] for x in lines if "node" in x) == sorted(g.nodes)
    for target in (out / "csv", out / "book.xlsx"):
        back = MemoryStore()
        assert load_folder(back, export(store, target)).ok
        assert sorted(to_networkx(back).nodes(data=True)) == want


# ------------------------------------------------------------- Excel-facing


def test_template_refuses_to_overwrite_and_formats_ids_as_text(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    from orgnet.cli.main import main

    path = tmp_path / "t.xlsx"
    assert main(["template", str(path)]) == 0
    path.write_bytes(path.read_bytes())
    before = path.stat().st_mtime_ns
    assert main(["template", str(path)]) == 1
    assert "--force" in capsys.readouterr().err and path.stat().st_mtime_ns == before
    assert main(["template", str(path), "--force"]) == 0
    from orgnet.io.template import write_template

    with pytest.raises(AlreadyExists):
        write_template(path)
    wb = load_workbook(path)
    people, matters, roles = wb["人员"], wb["事项"], wb["角色"]
    assert people.column_dimensions["A"].number_format == "@"  # 编号
    assert people.column_dimensions["C"].number_format == "@"  # 户编号
    assert matters.column_dimensions["E"].number_format == "yyyy-mm-dd"  # 集单日期
    assert "楼栋长 building_leader → 楼栋 Building" in roles["C1"].comment.text


def test_export_xlsx_and_excel_csv(tmp_path: Path, golden_rows: dict[str, Any],
                                   capsys: pytest.CaptureFixture[str]) -> None:
    from orgnet.cli.main import main

    folder = Dataset(golden_rows).write(tmp_path / "data")
    out = tmp_path / "x.xlsx"
    assert main(["export", str(out), "--data", str(folder)]) == 0
    assert out.is_file() and out.read_bytes()[:2] == b"PK"
    a, b = MemoryStore(), MemoryStore()
    load_folder(a, out)
    load_records(b, Dataset(golden_rows))
    assert sorted(to_networkx(a).edges(keys=True, data=True)) == sorted(to_networkx(b).edges(keys=True, data=True))
    assert main(["export", str(tmp_path / "csv"), "--data", str(folder), "--excel"]) == 0
    raw = (tmp_path / "csv" / "areas.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,name,level")
    assert load_folder(MemoryStore(), tmp_path / "csv").ok


def test_graphml_keeps_carriage_returns_in_ids_and_values(tmp_path: Path) -> None:
    """An address typed in an Excel cell over two lines holds ``\\r\\n``; an XML reader turns a
    bare carriage return in text into a line feed unless it is written as ``&#13;``."""
    store = MemoryStore()
    rows = {"areas": [{"id": "ZJ", "level": "city", "name": "镇江\r\n市"}],
            "households": [{"id": "H\r1", "address": "一号楼\r\n二单元\r"}],
            "matters": [{"id": "M1", "title": "漏水\r", "raised_by": "H\r1"}]}
    load_records(store, Dataset(rows))
    back = nx.read_graphml(export(store, tmp_path / "g.graphml"), force_multigraph=True)
    assert sorted(back.nodes(data=True)) == sorted(to_networkx(store).nodes(data=True))
    assert "H\r1" in back and back.nodes["M1"]["raised_by"] == "H\r1"
    assert sorted(back.edges(keys=True)) == sorted(to_networkx(store).edges(keys=True))


def test_workbook_cells_escaped_as_excel_stores_them(tmp_path: Path) -> None:
    """Excel stores a carriage return in a cell as ``_x000D_`` and a literal ``_x000D_`` typed in a
    cell as ``_x005F_x000D_``; read, they are the characters meant (openpyxl hands the escapes over as
    text). The .xlsx export writes them the same way, so an id holding one reads back as itself."""
    book = tmp_path / "book"
    book.mkdir()
    write_workbook(book / "b.xlsx", {"areas": [["id", "level", "name", "parent_id"], ["ZJ", "city", "a_x005F_x000D_b"]],
                                     "households": [["id", "building_id"], ["H_x000D_1"]]})
    store = MemoryStore()
    assert load_folder(store, book).ok
    assert sorted(to_networkx(store).nodes) == ["H\r1", "ZJ"]
    assert to_networkx(store).nodes["ZJ"]["name"] == "a_x000D_b"
    back = MemoryStore()
    assert load_folder(back, export(store, tmp_path / "out.xlsx")).ok
    assert sorted(to_networkx(back).nodes(data=True)) == sorted(to_networkx(store).nodes(data=True))
