"""Loading: every structural rule rejects bad input with a clear message and writes nothing;
``on_error="skip"`` loads the rest and reports every reject; loading twice changes nothing."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import pytest

import orgnet
from orgnet.errors import InvalidData
from orgnet.io import Dataset
from orgnet.io.export import to_networkx
from orgnet.io.load import load_folder, load_records, validate_folder


def snapshot(store: Any) -> tuple[dict[str, int], list[Any], list[Any]]:
    g = to_networkx(store)
    return store.counts(), sorted(g.nodes(data=True)), sorted(g.edges(keys=True, data=True))


def base_rows() -> dict[str, list[dict[str, Any]]]:
    import golden

    return copy.deepcopy(golden.ROWS)


# Each case: (file, row index to change, change, field named in the error, words the reason must hold)
BAD_CASES = [
    ("areas", 11, {"id": "G2"}, "id", ["'G2'", "used again", "areas, row 11"]),  # duplicate id within the load
    ("people", 0, {"id": "G1"}, "id", ["'G1'", "used again"]),  # duplicate across files
    ("buildings", 0, {"grid_id": "NOPE"}, "grid_id", ["'NOPE'", "neither in this load nor in the store"]),
    ("buildings", 0, {"grid_id": "C1"}, "grid_id", ["'C1'", "community", "level grid"]),  # wrong level
    ("households", 0, {"building_id": "G1"}, "building_id", ["'G1'", "an Area", "Building"]),  # wrong kind
    ("areas", 5, {"parent_id": "G1"}, "parent_id", ["community cannot be part of 'G1'"]),  # level order
    ("areas", 1, {"parent_id": "D2"}, "parent_id", ["district cannot be part of 'D2'"]),  # same level
    ("orgs", 0, {"parent_id": "O-G1"}, "parent_id", ["cycle", "O-ZJ"]),  # UNDER cycle
    ("orgs", 6, {"parent_id": "O-X"}, "parent_id", ["cycle", "O-X -> O-X"]),  # self loop
    ("areas", 9, {"level": "省"}, "level", ["expected one of", "'省'"]),  # enum
    ("people", 0, {"member_category": "党员"}, "member_category", ["expected one of"]),
    ("activities", 0, {"date": "05/01/2023"}, "date", ["ISO date", "'05/01/2023'"]),
    ("matters", 0, {"rating": 7}, "rating", ["less than or equal to 5", "7"]),
    ("matters", 0, {"closed_at": "2023-13-01"}, "closed_at", ["ISO date"]),
    ("pairings", 0, {"target_id": "G1"}, "target_id", ["level community"]),
    ("pairings", 0, {"source_id": "P1"}, "source_id", ["a Person", "Unit or Org"]),
    ("registrations", 0, {"year": "二〇二三"}, "year", ["integer"]),
    ("registrations", 0, {"community_id": "S1"}, "community_id", ["level community"]),
    ("roles", 0, {"target_id": "H1"}, "target_id", ["Household", "expected a Building", "building_leader"]),
    ("roles", 0, {"role": "队长"}, "role", ["expected one of"]),
    ("contacts", 0, {"household_id": "P2"}, "household_id", ["a Person", "Household"]),
    ("alliance_members", 0, {"alliance_id": "AC1"}, "alliance_id", ["Activity", "Alliance"]),
    ("organizers", 0, {"organizer_id": "AL1"}, "organizer_id", ["Alliance", "Unit or Org"]),
    ("matters", 0, {"raised_by": "U1"}, "raised_by", ["a Unit", "Person or Household"]),
    ("people", 0, {"is_member": "maybe"}, "is_member", ["true/false", "是/否"]),
    ("areas", 0, {"id": None}, "id", ["required"]),
]


@pytest.mark.parametrize("file, index, change, field, words", BAD_CASES,
                         ids=[f"{c[0]}.{c[3]}-{i}" for i, c in enumerate(BAD_CASES)])
def test_bad_row_raises_and_writes_nothing(store: Any, file: str, index: int, change: dict[str, Any],
                                           field: str, words: list[str]) -> None:
    load_records(store, Dataset({"areas": [{"id": "PRE", "level": "city"}]}))
    before = snapshot(store)
    rows = base_rows()
    row = rows[file][index]
    for k, v in change.items():
        if v is None:
            row.pop(k, None)
        else:
            row[k] = v
    with pytest.raises(InvalidData) as info:
        load_records(store, Dataset(rows))
    problems = info.value.problems
    hit = [p for p in problems if p.file == file and p.row == index + 1 and p.field == field]
    assert hit, f"no problem at {file} row {index + 1} field {field}: {problems}"
    for word in words:
        assert word in hit[0].reason, (word, hit[0].reason)
    text = str(info.value)
    assert f"{file}, row {index + 1}, field '{field}'" in text
    assert "on_error='skip'" in text
    assert snapshot(store) == before, "a failed load must leave the store exactly as it was"


def test_skip_loads_valid_rows_and_reports_every_reject(store: Any) -> None:
    rows = base_rows()
    rows["buildings"][2]["grid_id"] = "NOPE"  # B3 rejected -> H4 rejected -> P4 rejected -> ...
    rows["matters"][0]["rating"] = 9
    report = load_records(store, Dataset(rows), on_error="skip")
    got = {(r.file, r.row, r.field) for r in report.rejects}
    # cascade worked out by hand: B3 -> H4 -> P4 (lives in H4) -> P4's matter M2, contact, roles,
    # registrations; M4 was raised by H4.
    assert got == {
        ("buildings", 3, "grid_id"),
        ("households", 4, "building_id"),
        ("people", 4, "household_id"),
        ("matters", 1, "rating"),
        ("matters", 2, "raised_by"),
        ("matters", 4, "raised_by"),
        ("roles", 5, "person_id"),
        ("roles", 8, "person_id"),
        ("contacts", 4, "person_id"),
        ("registrations", 5, "person_id") if False else ("registrations", 5, "source_id"),
        ("registrations", 6, "source_id"),
    }
    assert report.counts["buildings"] == 2 and report.counts["people"] == 5
    ids = {row["id"] for row in store.iter_nodes("Building")}
    assert ids == {"B1", "B2"}
    assert "P4" not in {row["id"] for row in store.iter_nodes("Person")}
    frame = report.to_frame()
    assert list(frame.columns) == ["file", "row", "field", "type", "reason"] and len(frame) == len(got)


def test_loading_twice_changes_nothing(store: Any, golden_rows: dict[str, list[dict[str, Any]]]) -> None:
    load_records(store, Dataset(golden_rows))
    first = snapshot(store)
    load_records(store, Dataset(golden_rows))
    assert snapshot(store) == first


def test_reload_updates_node_and_replaces_field_relationships(store: Any,
                                                              golden_rows: dict[str, list[dict[str, Any]]]) -> None:
    load_records(store, Dataset(golden_rows))
    # move B2 from G2 to G1 and drop H1's address: the old IN edge must go, the property too
    load_records(store, Dataset({"buildings": [{"id": "B2", "grid_id": "G1"}],
                                 "households": [{"id": "H1", "building_id": "B1"}]}))
    g = to_networkx(store)
    assert [(u, v) for u, v, t in g.out_edges("B2", data="type") if t == "IN"] == [("B2", "G1")]
    assert "address" not in g.nodes["H1"]
    # a role row loaded again with a new date replaces the property, not the relationship
    load_records(store, Dataset({"roles": [{"person_id": "P1", "role": "grid_leader", "target_id": "G1",
                                            "since": "2024-01-01"}]}))
    edges = [d for _, v, d in to_networkx(store).out_edges("P1", data=True) if v == "G1"]
    assert edges == [{"type": "HOLDS_ROLE", "role": "grid_leader", "since": "2024-01-01"}]


def test_references_resolve_against_the_store(store: Any, golden_rows: dict[str, list[dict[str, Any]]]) -> None:
    load_records(store, Dataset(golden_rows))
    report = load_records(store, Dataset({"households": [{"id": "H9", "building_id": "B1"}],
                                          "contacts": [{"person_id": "P2", "household_id": "H9"}]}))
    assert report.ok and report.counts == {"households": 1, "contacts": 1}
    with pytest.raises(InvalidData, match="already belongs to an Area"):
        load_records(store, Dataset({"people": [{"id": "G1"}]}))
    with pytest.raises(InvalidData, match="cycle"):
        load_records(store, Dataset({"orgs": [{"id": "O-ZJ", "parent_id": "O-G1", "area_id": "ZJ"}]}))


def test_personal_data_never_in_messages(store: Any, golden_rows: dict[str, list[dict[str, Any]]]) -> None:
    golden_rows["people"][0]["household_id"] = "NOPE"
    golden_rows["people"][1]["name"] = ["not", "text"]  # type: ignore[assignment]
    with pytest.raises(InvalidData) as info:
        load_records(store, Dataset(golden_rows))
    text = str(info.value) + repr([p.reason for p in info.value.problems])
    assert "张三" not in text and "13900000001" not in text and "not', 'text" not in text
    assert any(p.field == "name" for p in info.value.problems)


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_folder_with_chinese_headers_and_names(tmp_path: Path, store: Any) -> None:
    _write_csv(tmp_path / "区域.csv", ["编号", "名称", "层级", "上级编号"],
               [["ZJ", "镇江市", "市", ""], ["RZ", "润州区", "区县", "ZJ"], ["JS", "金山街道", "街道", "RZ"],
                ["C", "银山门社区", "社区", "JS"], ["G", "", "网格", "C"]])
    _write_csv(tmp_path / "units.csv", ["id", "name", "category", "admin_level", "area_id"],
               [["U", "银行", "金融机构", "省级", "RZ"]])
    (tmp_path / "pairings.jsonl").write_text(
        json.dumps({"结对方编号": "U", "社区编号": "C", "结对类型": "条块结对"}, ensure_ascii=False) + "\n\n",
        encoding="utf-8")
    (tmp_path / "README.md").write_text("not data")
    report = load_folder(store, tmp_path)
    assert report.counts == {"areas": 5, "units": 1, "pairings": 1}
    areas = {r["id"]: r for r in store.iter_nodes("Area")}
    assert areas["G"] == {"id": "G", "level": "grid", "parent_id": "C"}  # empty cells are absent
    assert [(link.src, link.dst, link.props) for link in store.iter_links("PAIRED_WITH")] == [
        ("U", "C", {"kind": "block"})]


def test_row_numbers_and_file_names_in_messages(tmp_path: Path, store: Any) -> None:
    _write_csv(tmp_path / "areas.csv", ["id", "level", "parent_id"],
               [["ZJ", "city", ""], ["RZ", "district", "ZJ"], ["X", "planet", "ZJ"]])
    with pytest.raises(InvalidData) as info:
        load_folder(store, tmp_path)
    [p] = info.value.problems
    assert (p.file, p.row, p.field) == ("areas.csv", 4, "level")  # header is row 1
    assert "'planet'" in p.reason and "expected one of city" in p.reason
    assert store.counts() == {}


def test_unknown_column_is_reported(tmp_path: Path, store: Any) -> None:
    _write_csv(tmp_path / "areas.csv", ["id", "level", "parnet_id"], [["ZJ", "city", ""]])
    with pytest.raises(InvalidData, match="unknown column 'parnet_id'"):
        load_folder(store, tmp_path)


def test_xlsx_workbook(tmp_path: Path, store: Any, golden_rows: dict[str, list[dict[str, Any]]]) -> None:
    book = Dataset(golden_rows).write(tmp_path / "city.xlsx", format="xlsx", chinese_headers=True)
    report = load_folder(store, book)
    assert report.ok and sum(report.counts.values()) == Dataset(golden_rows).total()
    other = orgnet.graph.MemoryStore()
    load_records(other, Dataset(golden_rows))
    assert snapshot(store)[1:] == snapshot(other)[1:]


def test_validate_folder_reports_without_loading(tmp_path: Path, golden_rows: dict[str, list[dict[str, Any]]]) -> None:
    golden_rows["areas"][3]["level"] = "planet"
    Dataset(golden_rows).write(tmp_path)
    problems = validate_folder(tmp_path)
    assert [(p.file, p.row, p.field) for p in problems][0] == ("areas.csv", 5, "level")


def test_missing_folder_and_bad_arguments(tmp_path: Path, store: Any) -> None:
    with pytest.raises(InvalidData, match="no such folder"):
        load_folder(store, tmp_path / "nope")
    with pytest.raises(InvalidData, match="holds no data-format file"):
        load_folder(store, tmp_path)
    with pytest.raises(ValueError, match="on_error must be"):
        load_records(store, Dataset(), on_error="ignore")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="takes orgnet.model records"):
        load_records(store, [{"id": "x"}])  # type: ignore[list-item]


def test_model_instances(store: Any) -> None:
    from orgnet.model import Area, Pairing, Unit

    report = load_records(store, [Area(id="ZJ", level="市"), Area(id="C", level="社区", parent_id="ZJ"),
                                  Unit(id="U", category="机关"), Pairing(source_id="U", target_id="C")])
    assert report.counts == {"areas": 2, "units": 1, "pairings": 1}


def test_strict_errors_name_root_problems_only(store: Any, golden_rows: dict[str, list[dict[str, Any]]]) -> None:
    # B1 is rejected; the households, people and roles that hang off it are not listed as problems.
    golden_rows["buildings"][0]["grid_id"] = "NOPE"
    with pytest.raises(InvalidData) as info:
        load_records(store, Dataset(golden_rows))
    assert [(p.file, p.row, p.field, p.type) for p in info.value.problems] == [
        ("buildings", 1, "grid_id", "unresolved")]


def test_skip_explains_cascaded_rejects(store: Any, golden_rows: dict[str, list[dict[str, Any]]]) -> None:
    golden_rows["buildings"][0]["grid_id"] = "NOPE"
    report = load_records(store, Dataset(golden_rows), on_error="skip")
    h1 = next(r for r in report.rejects if r.file == "households" and r.row == 1)
    assert h1.type == "rejected_reference"
    assert h1.reason == "refers to 'B1', which was rejected (buildings row 1)"


def test_every_chinese_header_maps_to_one_field_and_round_trips(tmp_path: Path, store: Any,
                                                                golden_rows: dict[str, list[dict[str, Any]]]) -> None:
    from orgnet.io.headers import CHINESE_HEADERS, column_map
    from orgnet.model import FILES

    for file, fields in CHINESE_HEADERS.items():
        mapping = column_map(file)
        for field, names in fields.items():
            assert field in FILES[file].model_fields, (file, field)
            assert all(mapping[n] == field for n in names), (file, field)
    folder = Dataset(golden_rows).write(tmp_path, chinese_headers=True)
    assert load_folder(store, folder).counts == Dataset(golden_rows).counts()


def test_an_oversized_text_value_is_rejected_at_validation(store: Any) -> None:
    """A text value over orgnet.limits.MAX_TEXT_BYTES (UTF-8 bytes) is a reject naming file, row and
    field, never echoing the value, on every backend; a value of exactly the limit loads whole."""
    from orgnet.limits import MAX_TEXT_BYTES

    rows = base_rows()
    rows["households"][0]["address"] = "号" * (MAX_TEXT_BYTES // 3 + 1)  # 3 bytes each: just over
    rows["households"][1]["address"] = "x" * MAX_TEXT_BYTES  # exactly the limit (the fast path)
    rows["people"][0]["name"] = "y" * (MAX_TEXT_BYTES + 1)  # just over, ASCII
    with pytest.raises(InvalidData) as caught:
        load_records(store, Dataset(copy.deepcopy(rows)))
    assert "号号号" not in str(caught.value) and "yyy" not in str(caught.value)
    report = load_records(store, Dataset(rows), on_error="skip")
    too_long = {(r.file, r.row, r.field) for r in report.rejects if r.type == "text_too_long"}
    assert too_long == {("households", 1, "address"), ("people", 1, "name")}
    for r in report.rejects:
        assert "号号号" not in str(r) and "yyy" not in str(r)
        if r.type == "text_too_long":
            assert f"{MAX_TEXT_BYTES:,}" in r.reason
    kept = {h["id"]: h.get("address") for h in store.iter_nodes("Household")}
    assert kept[rows["households"][1]["id"]] == "x" * MAX_TEXT_BYTES
    assert rows["households"][0]["id"] not in kept
