"""Read a data folder (``.csv`` / ``.jsonl`` files) or one ``.xlsx`` workbook into raw rows.

Raw rows are dicts keyed by field name with the cell values as read (strings
from CSV, typed values from JSON and workbooks); empty cells are left out.
Headers are mapped from English or Chinese; an unknown header is a problem
reported at row 1 (a typo would otherwise lose a column silently).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgnet.errors import InvalidData, Reject
from orgnet.io.headers import column_map, file_for
from orgnet.model import FILES

__all__ = ["RawTable", "read_source"]


@dataclass
class RawTable:
    """Rows of one file as read, with their row numbers and the file's display name."""

    file: str
    """Data-format file name (``areas``)."""
    source: str
    """Name shown in messages (``areas.csv``, ``data.xlsx[区域]``)."""
    rows: list[dict[str, Any]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    problems: list[Reject] = field(default_factory=list)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _map_header(table: RawTable, header: list[Any]) -> list[str | None]:
    mapping = column_map(table.file)
    fields: list[str | None] = []
    for raw in header:
        name = "" if raw is None else str(raw).strip().lstrip("\ufeff")
        if not name:
            fields.append(None)
            continue
        target = mapping.get(name) or mapping.get(name.lower())
        if target is None:
            expected = ", ".join(FILES[table.file].model_fields)
            table.problems.append(
                Reject(
                    file=table.source, row=1, field=name, type="unknown_column",
                    reason=f"unknown column {name!r}; the columns of {table.file} are {expected} "
                    "(or their Chinese headers)",
                )
            )
        fields.append(target)
    return fields


def _add(table: RawTable, fields: list[str | None], values: list[Any], number: int) -> None:
    row = {f: v for f, v in zip(fields, values) if f is not None and not _empty(v)}
    if row:
        table.rows.append(row)
        table.numbers.append(number)


def _read_csv(path: Path, table: RawTable) -> None:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            return
        fields = _map_header(table, header)
        for number, values in enumerate(reader, start=2):
            _add(table, fields, values, number)


def _read_jsonl(path: Path, table: RawTable) -> None:
    mapping = column_map(table.file)
    unknown: set[str] = set()
    with path.open(encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                table.problems.append(
                    Reject(file=table.source, row=number, field="", type="json",
                           reason=f"not valid JSON ({exc.msg}); each line must be one JSON object")
                )
                continue
            if not isinstance(obj, dict):
                table.problems.append(
                    Reject(file=table.source, row=number, field="", type="json",
                           reason="each line must be one JSON object")
                )
                continue
            row: dict[str, Any] = {}
            for key, value in obj.items():
                target = mapping.get(str(key).strip())
                if target is None:
                    if key not in unknown:
                        unknown.add(key)
                        _map_header(table, [key])
                    continue
                if not _empty(value):
                    row[target] = value
            if row:
                table.rows.append(row)
                table.numbers.append(number)


def _read_workbook(path: Path) -> list[RawTable]:
    try:
        from openpyxl import load_workbook
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise InvalidData(
            [Reject(file=path.name, row=0, field="", type="dependency",
                    reason="reading .xlsx needs openpyxl")],
            hint="pip install openpyxl",
        ) from exc
    tables: list[RawTable] = []
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            name = file_for(ws.title)
            if name is None:
                continue
            table = RawTable(file=name, source=f"{path.name}[{ws.title}]")
            rows = ws.iter_rows(values_only=True)
            header = next(rows, None)
            if header is None:
                continue
            fields = _map_header(table, list(header))
            for number, values in enumerate(rows, start=2):
                _add(table, fields, list(values), number)
            tables.append(table)
    finally:
        wb.close()
    return tables


def read_source(source: str | Path) -> list[RawTable]:
    """Read a data folder or an ``.xlsx`` workbook into raw tables, in load order.

    Files whose names are not in the data format (``README.md``, ``notes.csv``)
    are ignored; both ``areas.csv`` and ``areas.jsonl`` may be present.

    Raises
    ------
    InvalidData
        When the path does not exist or holds no data-format file.
    """
    path = Path(source)
    if not path.exists():
        raise InvalidData(
            [Reject(file=str(path), row=0, field="", type="not_found",
                    reason="no such folder or workbook")],
            hint="Pass a folder of .csv/.jsonl files or an .xlsx workbook; "
            "`orgnet template FILE.xlsx` writes an empty one to fill in.",
        )
    if path.is_file():
        if path.suffix.lower() != ".xlsx":
            raise InvalidData(
                [Reject(file=path.name, row=0, field="", type="format",
                        reason="a single file must be an .xlsx workbook with one sheet per file")],
                hint="Pass the folder that holds the .csv/.jsonl files instead.",
            )
        tables = _read_workbook(path)
    else:
        tables = []
        for child in sorted(path.iterdir()):
            name = file_for(child.stem)
            if name is None or child.suffix.lower() not in (".csv", ".jsonl"):
                continue
            table = RawTable(file=name, source=child.name)
            (_read_csv if child.suffix.lower() == ".csv" else _read_jsonl)(child, table)
            tables.append(table)
    if not tables:
        raise InvalidData(
            [Reject(file=str(path), row=0, field="", type="empty",
                    reason="holds no data-format file (areas, orgs, units, people, …)")],
            hint="Name the files after the data format, e.g. areas.csv or 区域.csv; "
            "see the README's 'Data folder format'.",
        )
    order = list(FILES)
    tables.sort(key=lambda t: (order.index(t.file), t.source))
    return tables
