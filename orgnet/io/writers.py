"""Write a :class:`~orgnet.io.Dataset` as a data folder (CSV or JSON lines) or an ``.xlsx`` workbook."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orgnet.errors import InvalidArgument
from orgnet.io.excel_text import xlsx_escape
from orgnet.io.headers import chinese_header
from orgnet.model import FILES

if TYPE_CHECKING:
    from orgnet.io.dataset import Dataset

__all__ = ["write_dataset", "cell"]


def cell(value: Any) -> Any:
    """A value as written to a CSV cell: booleans as true/false, absent as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _value_maps(name: str) -> dict[str, dict[Any, str]]:
    """Per field of a file, identifier -> Chinese label (enums) or bool -> 是/否."""
    from orgnet.io.template import _enum_of

    maps: dict[str, dict[Any, str]] = {}
    for field, info in FILES[name].model_fields.items():
        enum = _enum_of(info.annotation)
        if enum is not None:
            maps[field] = {m.value: m.label for m in enum}
        elif info.annotation is bool or field in ("is_member", "standardized", "reported"):
            maps[field] = {True: "是", False: "否"}
    return maps


def _chinese_rows(name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    maps = _value_maps(name)
    return [{k: maps[k].get(v, v) if k in maps else v for k, v in row.items()} for row in rows]


def _headers(name: str, chinese: bool) -> tuple[list[str], list[str]]:
    fields = list(FILES[name].model_fields)
    return fields, [chinese_header(name, f) for f in fields] if chinese else fields


def write_dataset(ds: Dataset, target: Path, *, format: str = "csv", chinese_headers: bool = False,
                  chinese_values: bool = False, excel: bool = False) -> Path:
    """Write ``ds``; see :meth:`orgnet.io.Dataset.write`."""
    if format not in ("csv", "jsonl", "xlsx"):
        raise InvalidArgument(f"format must be 'csv', 'jsonl' or 'xlsx', not {format!r}")
    if chinese_values:
        from orgnet.io.dataset import Dataset as _Dataset

        ds = _Dataset({name: _chinese_rows(name, ds[name]) for name in ds})
    if format == "xlsx":
        return _write_xlsx(ds, target, chinese_headers)
    target.mkdir(parents=True, exist_ok=True)
    for name in ds:
        fields, header = _headers(name, chinese_headers)
        stem = FILES[name].FILE_ZH if chinese_headers else name
        path = target / f"{stem}.{format}"
        encoding = "utf-8-sig" if excel and format == "csv" else "utf-8"
        with path.open("w", encoding=encoding, newline="") as fh:
            if format == "csv":
                writer = csv.writer(fh)
                writer.writerow(header)
                for row in ds[name]:
                    writer.writerow([cell(row.get(f)) for f in fields])
            else:
                keys = dict(zip(fields, header))
                for row in ds[name]:
                    fh.write(json.dumps({keys[k]: v for k, v in row.items() if v is not None},
                                        ensure_ascii=False))
                    fh.write("\n")
    return target


def _write_xlsx(ds: Dataset, target: Path, chinese: bool) -> Path:
    from openpyxl import Workbook

    if target.suffix.lower() != ".xlsx":
        target = target.with_suffix(".xlsx")
    target.parent.mkdir(parents=True, exist_ok=True)
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils.exceptions import IllegalCharacterError

    wb = Workbook(write_only=True)
    for name in ds:
        fields, header = _headers(name, chinese)
        ws = wb.create_sheet(FILES[name].FILE_ZH if chinese else name)
        ws.append(header)
        for number, row in enumerate(ds[name], start=2):
            cells = []
            for f in fields:
                value = row.get(f)
                try:
                    cell = WriteOnlyCell(ws, value=xlsx_escape(value) if isinstance(value, str) else value)
                except IllegalCharacterError:
                    raise InvalidArgument(
                        f"{name} row {number}, field {f!r}: a control character (such as NUL) cannot be "
                        "written to .xlsx; orgnet rejects such values at load, so this data was not loaded by orgnet"
                    ) from None
                if isinstance(value, str):
                    cell.number_format = "@"  # text: Excel keeps ids such as 0012 or 320102… as written
                    cell.data_type = "s"  # text, even "=0" or "=HYPERLINK(…)": openpyxl made those formulas
                cells.append(cell)
            ws.append(cells)
    wb.save(target)
    return target
