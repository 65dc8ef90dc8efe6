"""The spreadsheet workflow: template -> fill in (one row wrong) -> validate -> load with skip."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

import orgnet
from orgnet.io.load import validate_folder
from orgnet.io.template import write_template
from orgnet.model import FILES


def test_template_has_every_sheet_headers_help_and_dropdowns(tmp_path: Path) -> None:
    wb = load_workbook(write_template(tmp_path / "t.xlsx"))
    assert wb.sheetnames == [m.FILE_ZH for m in FILES.values()]
    areas = wb["区域"]
    assert [c.value for c in areas[1]] == ["编号", "名称", "层级", "上级编号"]
    assert "required" in areas["A1"].comment.text and "unique" in areas["A1"].comment.text
    assert "网格(grid)" in areas["C1"].comment.text
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in areas.data_validations.dataValidation}
    assert lists == {"C": '"市,区县,街道,社区,网格"'}
    people = wb["人员"]
    header = [c.value for c in people[1]]
    assert header[header.index("是否党员")] and "personal data" in people["B1"].comment.text
    assert orgnet.connect("memory://").load_folder(tmp_path / "t.xlsx").counts == {}


def test_filled_template_validates_with_exactly_one_error_and_loads_the_rest(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    rows = {
        "区域": [["ZJ", "镇江市", "市", None], ["RZ", "润州区", "区县", "ZJ"], ["JS", "金山街道", "街道", "RZ"],
               ["YSM", "银山门社区", "社区", "JS"], ["G1", "一网格", "网格", "YSM"]],
        "单位": [["U1", "市财政局", "机关", "市级", "ZJ"]],
        "结对": [["U1", "YSM", "条块结对", "2023-03-01"],
               ["U1", "G1", "支部结对", None]],  # wrong: a pairing must target a community
        "报到": [["U1", "YSM", 2023, "是"]],
    }
    for sheet, data in rows.items():
        for row in data:
            wb[sheet].append(row)
    wb.save(path)
    problems = validate_folder(path)
    assert [(p.file, p.row, p.field, p.type) for p in problems] == [("t.xlsx[结对]", 3, "target_id", "wrong_level")]
    assert "'G1'" in problems[0].reason and "community" in problems[0].reason
    net = orgnet.connect("memory://")
    report = net.load_folder(path, on_error="skip")
    assert report.counts == {"areas": 5, "units": 1, "pairings": 1, "registrations": 1}
    assert [(r.row, r.field) for r in report.rejects] == [(3, "target_id")]
    assert net.kpis(2023).paired_units == 1
