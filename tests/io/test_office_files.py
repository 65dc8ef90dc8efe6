"""The formats offices produce: each loads correctly, or fails with one clear OrgnetError naming
the file, the row and the user's own header. Files are built here as offices make them."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from office import AREA_ROWS, AREAS_ZH, TITLE, district_folder, serial, write_csv, write_workbook

import orgnet
from orgnet.errors import InvalidArgument, InvalidData, OrgnetError
from orgnet.graph.memory import MemoryStore
from orgnet.io.load import check_folder, load_folder

# ------------------------------------------------------------------ encodings


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig", "utf-16"])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    folder = district_folder(tmp_path / "d", encoding=encoding)
    store = MemoryStore()
    report = load_folder(store, folder)
    assert report.ok and report.counts == {"areas": 5, "buildings": 2, "households": 2, "people": 2, "roles": 2}
    names = {r["id"]: r.get("name") for r in store.iter_nodes("Area")}
    assert names["C1"] == "银山门社区"
    people = {r["id"]: r for r in store.iter_nodes("Person")}
    assert people["P1"]["name"] == "张三" and people["P1"]["is_member"] is True
    assert [f.source for f in report.files] == ["区域.csv", "楼栋.csv", "户.csv", "人员.csv", "角色.csv"]


def test_undecodable_csv_names_the_file_and_the_option(tmp_path: Path) -> None:
    (tmp_path / "areas.csv").write_bytes(b"id,level\nZJ,\xff\xfe\xfa\xfb city\n")
    with pytest.raises(InvalidData) as info:
        load_folder(MemoryStore(), tmp_path)
    assert "areas.csv" in str(info.value) and "--encoding" in str(info.value)
    assert not isinstance(info.value.__cause__, UnicodeDecodeError)
    # GBK read as UTF-8 on request: the same clear error, not a UnicodeDecodeError
    district_folder(tmp_path / "d", encoding="gbk")
    with pytest.raises(InvalidData, match="not valid utf-8"):
        load_folder(MemoryStore(), tmp_path / "d", encoding="utf-8")
    assert load_folder(MemoryStore(), tmp_path / "d", encoding="gbk").ok
    with pytest.raises(InvalidArgument, match="unknown encoding"):
        load_folder(MemoryStore(), tmp_path / "d", encoding="klingon")


# ---------------------------------------------------------------------- dates


def test_dates_as_offices_write_them(tmp_path: Path) -> None:
    write_csv(tmp_path / "区域.csv", AREAS_ZH, AREA_ROWS)
    write_csv(tmp_path / "活动.csv", ["编号", "名称", "日期", "区域编号"], [
        ["A1", "a", "2023/5/1", "C1"], ["A2", "b", "2023-5-1", "C1"], ["A3", "c", "2023.05.01", "C1"],
        ["A4", "d", "2023年5月1日", "C1"], ["A5", "e", "45047", "C1"],  # a serial day that lost its format
        ["A6", "f", "2023-05-01T07:30:00+00:00", "C1"],  # zoned: converted to China time, not truncated
        ["A7", "g", "２０２３－０５－０１", "C1"],
    ])
    store = MemoryStore()
    assert load_folder(store, tmp_path).ok
    dates = {r["id"]: r["date"] for r in store.iter_nodes("Activity")}
    assert dates == {"A1": "2023-05-01", "A2": "2023-05-01", "A3": "2023-05-01", "A4": "2023-05-01",
                     "A5": "2023-05-01", "A6": "2023-05-01T15:30:00", "A7": "2023-05-01"}


def test_workbook_date_cells_and_serial_numbers(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "data.xlsx", {
        "区域": [AREAS_ZH, *AREA_ROWS],
        "事项": [["编号", "集单日期", "办结日期", "评分", "提出人编号"],
                 ["M1", dt.datetime(2023, 5, 1), serial(dt.date(2023, 5, 3)), "5分", None],
                 ["M2", dt.date(2023, 6, 1), dt.datetime(2023, 6, 2, 9, 30), 4.0, None]],
    }, formats={("事项", 2): "yyyy-mm-dd"})
    store = MemoryStore()
    assert load_folder(store, book).ok
    got = {r["id"]: (r["created_at"], r["closed_at"], r["rating"]) for r in store.iter_nodes("Matter")}
    assert got == {"M1": ("2023-05-01", "2023-05-03", 5), "M2": ("2023-06-01", "2023-06-02T09:30:00", 4)}


def test_bad_date_names_row_and_the_users_header(tmp_path: Path) -> None:
    write_csv(tmp_path / "事项.csv", ["编号", "集单日期"], [["M1", "2023-02-30"], ["M2", "五月一日"]])
    with pytest.raises(InvalidData) as info:
        load_folder(MemoryStore(), tmp_path)
    rows = [(p.file, p.row, p.field) for p in info.value.problems]
    assert rows == [("事项.csv", 2, "created_at"), ("事项.csv", 3, "created_at")]
    assert all(p.reason.startswith("集单日期: ") for p in info.value.problems)


# ------------------------------------------------------------------------ ids


def test_ids_excel_mangled(tmp_path: Path) -> None:
    write_csv(tmp_path / "areas.csv", ["id", "level", "parent_id"],
              [["1001.0", "city", ""], ["Ｐ０４　", "district", "1001"], ["C1", "ｃｏｍｍｕｎｉｔｙ ", "P04"]])
    store = MemoryStore()
    assert load_folder(store, tmp_path).ok
    assert sorted((r["id"], r["level"]) for r in store.iter_nodes("Area")) == [
        ("1001", "city"), ("C1", "community"), ("P04", "district")]
    book = write_workbook(tmp_path / "b.xlsx", {"areas": [["id", "level", "parent_id"], [1001.0, "city", None],
                                                          [1002, "district", 1001.0]]})
    other = MemoryStore()
    assert load_folder(other, book).ok
    assert sorted(r["id"] for r in other.iter_nodes("Area")) == ["1001", "1002"]


def test_scientific_notation_ids_are_rejected_with_how_to_keep_them(tmp_path: Path) -> None:
    (tmp_path / "csv").mkdir()
    write_csv(tmp_path / "csv" / "units.csv", ["id", "category"], [["3.20102E+14", "organ"]])
    book = write_workbook(tmp_path / "u.xlsx", {"units": [["id", "category"], [3.20102000000000123e17, "organ"]]})
    for source in (tmp_path / "csv", book):
        with pytest.raises(InvalidData) as info:
            load_folder(MemoryStore(), source)
        [p] = info.value.problems
        assert (p.row, p.field, p.type) == (2, "id", "scientific_id")
        assert "Text" in p.reason and "scientific notation" in p.reason


# --------------------------------------------------------------- header rows


def test_title_rows_above_the_header_are_found(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "data.xlsx", {"区域": [*TITLE, AREAS_ZH, *AREA_ROWS]})
    (tmp_path / "csv").mkdir()
    write_csv(tmp_path / "csv" / "区域.csv", AREAS_ZH, AREA_ROWS, above=TITLE, encoding="gbk")
    for source, name in ((book, "data.xlsx[区域]"), (tmp_path / "csv", "区域.csv")):
        report = load_folder(MemoryStore(), source)
        assert report.counts == {"areas": 5}
        [w] = [w for w in report.warnings if w.type == "title_rows"]
        assert (w.file, w.row) == (name, 3)


def test_header_row_option_and_a_missing_header_is_one_cause(tmp_path: Path) -> None:
    data = tmp_path / "d"
    data.mkdir()
    write_csv(data / "区域.csv", AREAS_ZH, AREA_ROWS, above=[["x"]] * 25)  # header below the search window
    with pytest.raises(InvalidData) as info:
        load_folder(MemoryStore(), data)
    assert [(p.type, p.row) for p in info.value.problems] == [("header_not_found", 1)]
    assert "--header-row" in str(info.value)
    assert load_folder(MemoryStore(), data, header_row=26).counts == {"areas": 5}
    # a file without its header row: one cause, and no name or phone echoed as an "unknown column"
    people = tmp_path / "p"
    people.mkdir()
    (people / "人员.csv").write_text("P1,张三,H1,是,在职,13900000001\nP2,李四,H2,否,,13900000002\n", encoding="utf-8")
    report = check_folder(people)
    assert [p.type for p in report.problems] == ["header_not_found"]
    text = "\n".join(report.lines()) + report.to_json()
    assert "张三" not in text and "13900000001" not in text


# ------------------------------------------------------------------- columns


def test_extra_and_id_card_columns_are_ignored_never_stored_or_echoed(tmp_path: Path) -> None:
    write_csv(tmp_path / "人员.csv", ["编号", "姓名", "户编号", "是否党员", "备注", "身份证号", "银行卡号"],
              [["P1", "张三", "", "是", "老党员", "320102199001011234", "6222020200112233445"]])
    store = MemoryStore()
    report = load_folder(store, tmp_path)
    assert report.ok and report.counts == {"people": 1}
    assert store.iter_nodes("Person").__next__() == {"id": "P1", "name": "张三", "is_member": True}
    [w] = report.warnings
    assert w.type == "extra_column" and "备注" in w.reason and "身份证号" in w.reason and "never read" in w.reason
    text = str(report) + report.model_dump_json()
    assert "320102199001011234" not in text and "6222020200112233445" not in text and "老党员" not in text
    assert report.files[0].ignored_columns[0].startswith("备注")


def test_missing_required_column_is_one_problem(tmp_path: Path) -> None:
    write_csv(tmp_path / "人员.csv", ["编号", "姓名", "户编号"], [[f"P{i}", "x", ""] for i in range(50)])
    with pytest.raises(InvalidData) as info:
        load_folder(MemoryStore(), tmp_path)
    [p] = info.value.problems
    assert (p.file, p.field, p.type) == ("人员.csv", "is_member", "missing_column") and "是否党员" in p.reason
    report = load_folder(MemoryStore(), tmp_path, on_error="skip")  # the file is not loaded at all
    assert report.counts == {} and [r.type for r in report.rejects] == ["missing_column"]


def test_typo_in_a_header_is_a_problem_with_did_you_mean(tmp_path: Path) -> None:
    write_csv(tmp_path / "areas.csv", ["id", "level", "parnet_id"], [["ZJ", "city", ""]])
    with pytest.raises(InvalidData) as info:
        load_folder(MemoryStore(), tmp_path)
    [p] = [p for p in info.value.problems if p.type == "unknown_column"]
    assert "did you mean 'parent_id'" in p.reason


def test_duplicate_headers_and_extra_cells(tmp_path: Path) -> None:
    write_csv(tmp_path / "areas.csv", ["id", "level", "parent_id", "编号"], [["ZJ", "city", "", "ZJ"]])
    with pytest.raises(InvalidData) as info:
        load_folder(MemoryStore(), tmp_path)
    assert [(p.type, p.field) for p in info.value.problems] == [("duplicate_column", "id")]
    (tmp_path / "areas.csv").write_text(
        "id,name,level,parent_id\nZJ,镇江市,city,\nRZ,润州区,district,ZJ,extra\nJS,金山,街道,RZ\n", encoding="utf-8")
    with pytest.raises(InvalidData) as info:
        load_folder(MemoryStore(), tmp_path)
    assert [(p.type, p.row) for p in info.value.problems] == [("extra_cells", 3)]
    report = load_folder(MemoryStore(), tmp_path, on_error="skip")
    assert report.counts == {"areas": 1} and {r.row for r in report.rejects} == {3, 4}


def test_a_csv_field_larger_than_pythons_limit_is_read_whole(tmp_path: Path) -> None:
    """A field over Python's csv limit (131,072 characters) is read, not a 'malformed CSV': the row
    is then refused for its size (orgnet.limits.MAX_TEXT_BYTES), and one at the limit loads."""
    from orgnet.limits import MAX_TEXT_BYTES

    big = "长" * 200_000
    ok = "长" * (MAX_TEXT_BYTES // 3)
    write_csv(tmp_path / "households.csv", ["id", "building_id", "address"], [["H1", "", big], ["H2", "", ok]])
    store = MemoryStore()
    report = load_folder(store, tmp_path, on_error="skip")
    assert [(r.row, r.field, r.type) for r in report.rejects] == [(2, "address", "text_too_long")]
    assert "600,000 bytes" in report.rejects[0].reason
    assert [h["address"] for h in store.iter_nodes("Household")] == [ok]


# -------------------------------------------------------------- files, sheets


def test_unrecognised_files_and_sheets_are_problems_with_did_you_mean(tmp_path: Path) -> None:
    district_folder(tmp_path)
    write_csv(tmp_path / "党员联系户.csv", ["党员编号", "户编号"], [["P1", "H1"]])
    with pytest.raises(InvalidData) as info:
        load_folder(MemoryStore(), tmp_path)
    [p] = info.value.problems
    assert (p.file, p.type) == ("党员联系户.csv", "unrecognised_file") and "did you mean '联系户'" in p.reason
    report = load_folder(MemoryStore(), tmp_path, unrecognised="warn")
    assert report.ok and [w.type for w in report.warnings] == ["unrecognised_file"]
    assert ("党员联系户.csv", None, "unrecognised") in [(f.source, f.kind, f.status) for f in report.files]
    book = write_workbook(tmp_path / "x.xlsx", {"区域": [AREAS_ZH, *AREA_ROWS], "Sheet1": [["a", "b"], [1, 2]],
                                                "Sheet2": []})
    report = check_folder(book)
    assert [(p.file, p.type) for p in report.problems] == [("x.xlsx[Sheet1]", "unrecognised_sheet")]
    assert [(f.source, f.kind, f.rows, f.status) for f in report.files] == [
        ("x.xlsx[区域]", "areas", 5, "read"), ("x.xlsx[Sheet1]", None, 0, "unrecognised"),
        ("x.xlsx[Sheet2]", None, 0, "skipped")]


def test_a_folder_of_workbooks_one_per_kind(tmp_path: Path) -> None:
    write_workbook(tmp_path / "区域.xlsx", {"Sheet1": [*TITLE, AREAS_ZH, *AREA_ROWS]})
    write_workbook(tmp_path / "buildings.xlsx", {"楼栋数据": [["编号", "网格编号"], ["B1", "G1"]]})
    store = MemoryStore()
    report = load_folder(store, tmp_path)
    assert report.counts == {"areas": 5, "buildings": 1}
    assert [(f.source, f.kind) for f in report.files] == [("区域.xlsx[Sheet1]", "areas"),
                                                          ("buildings.xlsx[楼栋数据]", "buildings")]


def test_units_in_numbers(tmp_path: Path) -> None:
    write_csv(tmp_path / "区域.csv", AREAS_ZH, AREA_ROWS)
    write_csv(tmp_path / "单位.csv", ["编号", "类别"], [["U1", "机关"]])
    write_csv(tmp_path / "报到.csv", ["报到方编号", "社区编号", "年度", "是否报告"], [["U1", "C1", "2023年", "是"]])
    store = MemoryStore()
    assert load_folder(store, tmp_path).ok
    assert [link.props for link in store.iter_links("REGISTERED_WITH")] == [{"year": 2023, "reported": True}]


# ------------------------------------------------------------------ malformed


def test_malformed_inputs_raise_orgnet_errors_naming_the_file(tmp_path: Path) -> None:
    cases: dict[str, Any] = {}
    d = tmp_path / "dir"
    (d / "areas.csv").mkdir(parents=True)
    cases["areas.csv"] = d
    notzip = tmp_path / "nz"
    notzip.mkdir()
    (notzip / "areas.xlsx").write_bytes(b"this is not a zip")
    cases["areas.xlsx"] = notzip
    trunc = tmp_path / "t"
    trunc.mkdir()
    good = write_workbook(tmp_path / "g.xlsx", {"区域": [AREAS_ZH, *AREA_ROWS]})
    (trunc / "data.xlsx").write_bytes(good.read_bytes()[:300])
    cases["data.xlsx"] = trunc
    deep = tmp_path / "deep"
    deep.mkdir()
    (deep / "areas.jsonl").write_text("[" * 100_000 + "\n" + json.dumps({"id": "ZJ", "level": "city"}) + "\n")
    cases["areas.jsonl"] = deep
    num = tmp_path / "num"
    num.mkdir()
    (num / "areas.jsonl").write_text('{"id": ' + "9" * 5000 + ', "level": "city"}\n')
    cases["areas.jsonl "] = num
    quote = tmp_path / "q"
    quote.mkdir()
    (quote / "areas.csv").write_text('id,level\n"ZJ,city\n', encoding="utf-8")
    cases["areas.csv "] = quote
    for name, source in cases.items():
        store = MemoryStore()
        with pytest.raises(OrgnetError) as info:
            load_folder(store, source)
        assert name.strip() in str(info.value), (name, str(info.value))
        assert store.counts() == {}


def test_a_sheet_of_a_million_formatted_empty_rows_reads_in_bounded_time(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "b.xlsx", {"区域": [AREAS_ZH, *AREA_ROWS]})
    # rewrite the sheet's XML with 1,000,000 empty (styled) rows after the data, as Excel leaves them
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    name = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    xml = parts[name].decode()
    empty = "".join(f'<row r="{r}"><c r="A{r}" s="0"/></row>' for r in range(7, 1_000_007))
    xml, n = re.subn(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1000006"/>', xml)
    assert n == 1
    parts[name] = xml.replace("</sheetData>", empty + "</sheetData>").encode()
    with zipfile.ZipFile(book, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    t = time.perf_counter()
    report = load_folder(MemoryStore(), book)
    assert report.counts == {"areas": 5}
    assert time.perf_counter() - t < 30
    assert [w.type for w in report.warnings] == ["empty_rows"]


# -------------------------------------------------------------------- the CLI


def test_cli_validate_lists_files_groups_problems_and_speaks_json(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from orgnet.cli.main import main

    district_folder(tmp_path)
    write_csv(tmp_path / "人员.csv", ["编号", "姓名", "户编号", "是否党员"],
              [[f"P{i}", "张三", "H1", "13900000001"] for i in range(30)])  # a phone under 是否党员
    write_csv(tmp_path / "党员联系户.csv", ["党员编号", "户编号"], [["P1", "H1"]])
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "13900000001" not in out and "张三" not in out
    lines = out.splitlines()
    assert "  区域.csv: areas, 5 row(s)" in lines
    problems = lines[lines.index("problems (31):") + 1:]
    assert problems[0].startswith("  - 党员联系户.csv: file '党员联系户' is not a kind")  # the cause first
    assert "[30 rows with this problem (bool): 2, 3, 4, 5, 6, …]" in problems[1]
    assert "--on-error skip" in out and "on_error=" not in out
    assert main(["validate", str(tmp_path), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and len(data["problems"]) == 31 and data["groups"][1]["count"] == 30
    assert {f["source"] for f in data["files"]} >= {"区域.csv", "党员联系户.csv"}


def test_load_report_lists_every_file(tmp_path: Path) -> None:
    folder = orgnet.synth.city("tiny", seed=0).write(tmp_path / "d", chinese_headers=True)
    (folder / "说明.docx").write_bytes(b"not data")
    report = load_folder(MemoryStore(), folder)
    read = {f.source: (f.kind, f.rows) for f in report.files if f.status == "read"}
    assert read["区域.csv"] == ("areas", report.counts["areas"])
    assert sum(rows for _, rows in read.values()) == sum(report.counts.values())
    assert ("说明.docx", "skipped") in [(f.source, f.status) for f in report.files]


def test_cli_load_errors_speak_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from orgnet.cli.main import main

    write_csv(tmp_path / "人员.csv", ["编号", "户编号", "是否党员"], [["P1", "", "13900000001"]])
    assert main(["load", str(tmp_path), "--to", f"file:{tmp_path / 's.orgnet'}", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "--on-error skip" in err and "on_error=" not in err and "13900000001" not in err
    assert "人员.csv, row 2, field 'is_member'" in err
    assert not (tmp_path / "s.orgnet").exists()


def test_no_personal_value_in_any_message(tmp_path: Path) -> None:
    # a phone under 是否党员, an id-card number used as a household reference and as a duplicated id
    write_csv(tmp_path / "人员.csv", ["编号", "姓名", "户编号", "是否党员", "电话"], [
        ["P1", "王小明", "", "13912345678", "13912345678"],
        ["320102199001015678", "赵六", "320102199001011234", "否", ""],
        ["320102199001015678", "赵六", "", "否", ""],
    ])
    report = check_folder(tmp_path)
    assert {p.type for p in report.problems} == {"bool", "unresolved", "duplicate_id"}
    text = "\n".join(report.lines()) + report.to_json() + repr(report.problems)
    for secret in ("王小明", "赵六", "13912345678", "320102199001011234", "320102199001015678"):
        assert secret not in text, secret
