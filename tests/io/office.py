"""Builders of the files Chinese offices really send: GBK CSVs, workbooks with title rows, Excel
serial dates and date cells, ids Excel mangled. Used by the tests in this folder."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any


def csv_bytes(header: list[str], rows: list[list[Any]], *, encoding: str = "utf-8",
              above: list[list[Any]] | None = None) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    for r in above or []:
        w.writerow(r)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def write_csv(path: Path, header: list[str], rows: list[list[Any]], *, encoding: str = "utf-8",
              above: list[list[Any]] | None = None) -> Path:
    path.write_bytes(csv_bytes(header, rows, encoding=encoding, above=above))
    return path


def write_workbook(path: Path, sheets: dict[str, list[list[Any]]], *,
                   formats: dict[tuple[str, int], str] | None = None) -> Path:
    """Sheets of rows (the first rows may be titles); ``formats[(sheet, column)]`` sets a number format."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                fmt = (formats or {}).get((title, c))
                if fmt:
                    cell.number_format = fmt
    wb.save(path)
    return path


AREAS_ZH = ["编号", "名称", "层级", "上级编号"]
AREA_ROWS = [["ZJ", "镇江市", "市", ""], ["RZ", "润州区", "区县", "ZJ"], ["JS", "金山街道", "街道", "RZ"],
             ["C1", "银山门社区", "社区", "JS"], ["G1", "一网格", "网格", "C1"]]
TITLE = [["镇江市润州区党建网格数据（2023年）"], ["填报单位：润州区委组织部", "", "填报日期：2023年5月1日"]]


def district_folder(folder: Path, *, encoding: str = "gbk") -> Path:
    """A small district as an office sends it: Chinese names and headers, GBK CSVs."""
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "区域.csv", AREAS_ZH, AREA_ROWS, encoding=encoding)
    write_csv(folder / "楼栋.csv", ["编号", "名称", "网格编号"], [["B1", "1栋", "G1"], ["B2", "2栋", "G1"]],
              encoding=encoding)
    write_csv(folder / "户.csv", ["编号", "楼栋编号", "地址"],
              [["H1", "B1", "金山路1号101"], ["H2", "B2", "金山路2号202"]], encoding=encoding)
    write_csv(folder / "人员.csv", ["编号", "姓名", "户编号", "是否党员", "党员类别", "电话"],
              [["P1", "张三", "H1", "是", "在职", "13900000001"], ["P2", "李四", "H2", "否", "", "13900000002"]],
              encoding=encoding)
    write_csv(folder / "角色.csv", ["人员编号", "角色", "对象编号", "起始日期"],
              [["P1", "楼栋长", "B1", "2023/5/1"], ["P1", "网格长", "G1", "2023年5月1日"]], encoding=encoding)
    return folder


def serial(day: dt.date) -> int:
    """Excel's serial day number of a date."""
    return (day - dt.date(1899, 12, 30)).days
