"""Read a data folder or ``.xlsx`` workbook(s) into raw rows, saying what was read and what was not.

What offices send is read as it comes: CSV in UTF-8 (with or without BOM),
GBK/GB18030 or UTF-16 (detected, or ``encoding=``); one workbook with a sheet
per kind, or a folder of ``.csv``, ``.jsonl`` and ``.xlsx`` files; title rows
above the header (the header row is found, or ``header_row=``); English or
Chinese headers. Everything that is not understood is reported:

* a file or sheet whose name is not a kind is a problem (or, with
  ``unrecognised="warn"``, a warning), with a "did you mean" from the known
  names;
* a file without a column its kind needs (:data:`orgnet.model.REQUIRED_COLUMNS`)
  is one problem naming the file and the column;
* extra columns (备注, 身份证号) are ignored with a warning and never stored; a
  header close to a known one whose column is absent is a problem (a typo);
* a row with more cells than the header is rejected, duplicate headers are a
  problem; a file orgnet cannot read at all is one problem naming it.

Raw rows are dicts keyed by field name with the cell values as read (strings
from CSV, typed values from JSON and workbooks); empty cells are left out.
Nothing here echoes a cell's value: messages give file, row and column.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from orgnet.errors import InvalidArgument, InvalidData, Reject
from orgnet.io.excel_text import xlsx_unescape
from orgnet.io.headers import CHINESE_HEADERS, FILE_ALIASES, column_map, file_for
from orgnet.model import FILES, REQUIRED_COLUMNS

__all__ = ["RawTable", "SourceFile", "Reading", "read_source", "Unrecognised", "FILE_LEVEL_TYPES"]

Unrecognised = Literal["error", "warn"]

DATA_SUFFIXES = (".csv", ".jsonl", ".xlsx", ".xls", ".txt", ".tsv", ".json", ".xlsm")
"""Suffixes of files that look like data: one of these with an unknown name is reported."""

HEADER_SCAN_ROWS = 20
"""How many rows from the top are searched for the header row."""
MAX_EMPTY_ROWS = 10_000
"""A sheet is read until this many empty rows in a row (formatted but empty cells)."""

FILE_LEVEL_TYPES = frozenset({
    "unreadable", "encoding", "not_found", "empty", "unrecognised_file", "unrecognised_sheet",
    "header_not_found", "missing_column", "duplicate_column", "unknown_column", "format",
})
"""Problem types that concern a whole file: listed first, they are the root causes."""

_SENSITIVE = re.compile(
    r"身份证|证件|身份号码|公民身份|银行|卡号|账号|帐号|护照|社保|"
    r"id_?card|id_?no|id_?number|identity|passport|bank|card_?n|account",
    re.IGNORECASE,
)


class SourceFile(BaseModel):
    """One file or sheet looked at: what orgnet took it for and how many rows it read."""

    source: str
    """Name shown in messages (``areas.csv``, ``data.xlsx[区域]``)."""
    kind: str | None = None
    """The data-format file it was read as (``areas``), None when not recognised."""
    rows: int = 0
    """Data rows read (empty rows not counted)."""
    status: Literal["read", "unrecognised", "skipped", "unreadable"] = "read"
    columns: list[str] = Field(default_factory=list)
    """Fields read, in column order."""
    ignored_columns: list[str] = Field(default_factory=list)
    """Headers of the columns that were ignored (data-looking headers shown by position)."""
    note: str = ""


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
    warnings: list[Reject] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    """Field -> the header the user wrote (``created_at`` -> ``集单日期``)."""
    fatal: bool = False
    """The file could not be read as its kind (no header, missing column): its rows are not used."""
    ignored: list[str] = field(default_factory=list)


@dataclass
class Reading:
    """Everything read from a source."""

    tables: list[RawTable]
    files: list[SourceFile]
    problems: list[Reject]
    warnings: list[Reject]


# ---------------------------------------------------------------------- helpers


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _header_text(raw: Any) -> str:
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw)).replace("\ufeff", "").strip()
    return text.rstrip("*").strip()


def looks_like_header(text: str) -> bool:
    """True when a header cell can be shown in a message (it does not look like personal data).

    Examples
    --------
    >>> looks_like_header("备注"), looks_like_header("13900000001"), looks_like_header("张三 13900000001")
    (True, False, False)
    """
    return (
        0 < len(text) <= 24
        and re.search(r"\d{5,}", text) is None
        and "@" not in text
        and not any(unicodedata.category(c).startswith("C") for c in text)
    )


def _shown_header(text: str, index: int) -> str:
    letter = _column_letter(index)
    if not text:
        return f"column {letter} (no header)"
    if _SENSITIVE.search(text) and looks_like_header(text):
        return f"{text} (column {letter}, looks like id or bank card numbers: never read)"
    if looks_like_header(text):
        return f"{text} (column {letter})"
    return f"column {letter} (its header looks like data, not shown)"


_KNOWN_NAMES = sorted(FILE_ALIASES)


def did_you_mean(name: str, choices: Iterable[str]) -> str | None:
    """The known name closest to ``name`` (or one it contains), if any.

    Examples
    --------
    >>> did_you_mean("党员联系户", ["联系户", "人员"]), did_you_mean("Sheet1", ["areas"])
    ('联系户', None)
    """
    options = list(choices)
    if not looks_like_header(name):
        return None
    contained = [c for c in options if len(c) >= 2 and (c in name or (len(name) >= 3 and name in c))]
    if contained:
        return max(contained, key=len)
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.75)
    if not close:
        close = difflib.get_close_matches(name.lower(), options, n=1, cutoff=0.75)
    return close[0] if close else None


def _unknown_name_reason(what: str, name: str) -> str:
    guess = did_you_mean(name, _KNOWN_NAMES)
    shown = repr(name) if looks_like_header(name) else "(name not shown)"
    text = f"{what} {shown} is not a kind orgnet knows, so nothing in it was read"
    if guess is not None:
        kind = FILE_ALIASES[guess]
        text += f"; did you mean {guess!r} ({kind})?"
    else:
        names = ", ".join(f"{n} ({FILES[n].FILE_ZH})" for n in FILES)
        text += f"; name it after one of: {names}"
    return text + " — rename it, or load with --unrecognised warn (unrecognised='warn') to skip it"


def _problem(source: str, kind: str, reason: str, row: int = 0, fieldname: str = "") -> Reject:
    return Reject(file=source, row=row, field=fieldname, type=kind, reason=reason)


# ---------------------------------------------------------------- header mapping


def _score(mapping: dict[str, str], cells: list[Any]) -> tuple[int, int]:
    texts = [_header_text(c) for c in cells]
    nonempty = [t for t in texts if t]
    known = sum(1 for t in nonempty if (mapping.get(t) or mapping.get(t.lower())) is not None)
    return known, len(nonempty)


def _find_header(table: RawTable, head: list[list[Any]], header_row: int | None) -> int | None:
    """Index (0-based) of the header row among the first rows, or None (a fatal problem is added)."""
    mapping = column_map(table.file)
    if header_row is not None:
        index = header_row - 1
        if index < len(head) and _score(mapping, head[index])[0] > 0:
            return index
        table.problems.append(_problem(
            table.source, "header_not_found",
            f"row {header_row} (given as the header row) holds none of the column names of "
            f"{table.file}; {_expected_columns(table.file)}", row=header_row))
        table.fatal = True
        return None
    for index, cells in enumerate(head[:HEADER_SCAN_ROWS]):
        known, nonempty = _score(mapping, cells)
        if known and known * 2 >= nonempty:
            if index > 0:
                table.warnings.append(_problem(
                    table.source, "title_rows",
                    f"the header is on row {index + 1}; the {index} row(s) above it (titles) were skipped",
                    row=index + 1))
            return index
    if not any(any(not _empty(c) for c in cells) for cells in head):
        return None  # an empty file: nothing to read, nothing to say
    table.problems.append(_problem(
        table.source, "header_not_found",
        f"no header row found in the first {HEADER_SCAN_ROWS} rows: none holds the column names of "
        f"{table.file} ({_expected_columns(table.file)}); add the header row, or give its number with "
        "--header-row N (header_row=N)", row=1))
    table.fatal = True
    return None


def _expected_columns(file: str) -> str:
    fields = list(FILES[file].model_fields)
    zh = CHINESE_HEADERS[file]
    shown = [f"{f} ({zh[f][0]})" if f in zh else ("id (编号)" if f == "id" else f) for f in fields]
    return "its columns are " + ", ".join(shown)


def _map_header(table: RawTable, header: list[Any], row: int) -> list[str | None]:
    """Field per column (None: ignored); records problems and warnings about the header."""
    mapping = column_map(table.file)
    fields: list[str | None] = []
    seen: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    for index, raw in enumerate(header):
        name = _header_text(raw)
        target = (mapping.get(name) or mapping.get(name.lower())) if name else None
        if target is not None and target in seen:
            first = seen[target]
            table.problems.append(_problem(
                table.source, "duplicate_column",
                f"columns {_column_letter(first)} and {_column_letter(index)} both give {target} "
                f"({table.headers[target]!r} and {name!r}); keep one of them", row=row, fieldname=target))
            fields.append(None)
            continue
        if target is not None:
            seen[target] = index
            table.headers[target] = name
        else:
            unknown.append((index, name))
        fields.append(target)
    present = set(seen)
    extra: list[str] = []
    for index, name in unknown:
        if not name:
            extra.append(_shown_header(name, index))  # reported only if the column holds values
            continue
        missing_fields = [f for f in FILES[table.file].model_fields if f not in present]
        candidates = {h: f for h, f in mapping.items() if f in missing_fields}
        guess = did_you_mean(name, candidates) if not _SENSITIVE.search(name) else None
        if guess is not None:
            table.problems.append(_problem(
                table.source, "unknown_column",
                f"unknown column {name!r}; did you mean {guess!r} ({candidates[guess]})? "
                f"Rename the header, or remove the column; {_expected_columns(table.file)}",
                row=row, fieldname=candidates[guess]))
        else:
            extra.append(_shown_header(name, index))
    table.ignored = extra
    for required in REQUIRED_COLUMNS[table.file]:
        if required not in present and not any(p.field == required for p in table.problems):
            table.problems.append(_problem(
                table.source, "missing_column",
                f"no column {required} ({_zh(table.file, required)}): every {table.file} file needs it; "
                f"add the column (or fix its header); {_expected_columns(table.file)}",
                row=row, fieldname=required))
            table.fatal = True
    return fields


def _zh(file: str, fieldname: str) -> str:
    names = CHINESE_HEADERS[file].get(fieldname)
    return names[0] if names else ("编号" if fieldname == "id" else fieldname)


def _read_rows(table: RawTable, rows: Iterator[list[Any]], header_row: int | None) -> None:
    """Find the header among the first rows, then turn every later row into a raw row."""
    head: list[list[Any]] = []
    for cells in rows:
        head.append(list(cells))
        if len(head) >= max(HEADER_SCAN_ROWS, header_row or 0):
            break
    index = _find_header(table, head, header_row)
    if index is None:
        return
    header = head[index]
    fields = _map_header(table, header, index + 1)
    width = len(header)
    while width and _header_text(header[width - 1]) == "":
        width -= 1
    blank_used: set[int] = set()
    blank_cols = [i for i in range(width) if fields[i] is None and not _header_text(header[i])]
    extra_rows: list[int] = []

    def take(number: int, cells: list[Any]) -> None:
        if len(cells) > width and any(not _empty(c) for c in cells[width:]):
            extra_rows.append(number)
            return
        for i in blank_cols:
            if i < len(cells) and not _empty(cells[i]):
                blank_used.add(i)
        row = {f: v for f, v in zip(fields, cells) if f is not None and not _empty(v)}
        if row:
            table.rows.append(row)
            table.numbers.append(number)

    number = index + 1
    for cells in head[index + 1:]:
        number += 1
        take(number, cells)
    empty_run = 0
    for cells in rows:
        number += 1
        values = list(cells)
        if values.count(None) == len(values) or all(_empty(c) for c in values):
            empty_run += 1
            if empty_run >= MAX_EMPTY_ROWS:
                table.warnings.append(_problem(
                    table.source, "empty_rows",
                    f"stopped reading at row {number}: {MAX_EMPTY_ROWS:,} empty rows in a row", row=number))
                break
            continue
        empty_run = 0
        take(number, values)
    for number in extra_rows:
        table.problems.append(_problem(
            table.source, "extra_cells",
            f"this row has more cells than the header has columns ({width}): an unquoted comma in the "
            "last column, or cells beyond the header; quote the value or remove the extra cells",
            row=number))
    named_extra = [x for x in table.ignored if "(no header)" not in x]
    named_extra += [_shown_header("", i) for i in sorted(blank_used)]
    table.ignored = named_extra
    if named_extra:
        table.warnings.append(_problem(
            table.source, "extra_column",
            "ignored column(s), not part of " + table.file + " and never stored: " + ", ".join(named_extra),
            row=index + 1))


# ----------------------------------------------------------------------- decoding


def _decode(data: bytes, source: str, encoding: str | None) -> str:
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InvalidArgument(f"unknown encoding {encoding!r}; use e.g. utf-8, gbk, gb18030, utf-16") from None
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise _encoding_error(source, f"it is not valid {encoding} (byte {exc.start})") from None
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif len(data) >= 4 and data[1::2].count(0) * 3 > len(data) // 2:
        candidates = ["utf-16-le"]
    elif len(data) >= 4 and data[0::2].count(0) * 3 > len(data) // 2:
        candidates = ["utf-16-be"]
    else:
        candidates = ["utf-8", "gb18030"]
    for name in candidates:
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    raise _encoding_error(source, "it is neither UTF-8, GBK/GB18030 nor UTF-16")


def _encoding_error(source: str, why: str) -> InvalidData:
    return InvalidData(
        [_problem(source, "encoding", f"cannot read the text of this file: {why}")],
        hint="Save it as 'CSV UTF-8' in Excel, or name its encoding with --encoding "
        "(encoding='gbk' in Python).",
    )


# ------------------------------------------------------------------------ formats


def _read_csv(path: Path, table: RawTable, encoding: str | None, header_row: int | None) -> None:
    text = _decode(path.read_bytes(), table.source, encoding)
    old = csv.field_size_limit()
    try:
        csv.field_size_limit(sys.maxsize)  # fields as large as the file: orgnet's own exports load back
    except OverflowError:  # pragma: no cover - 32-bit C long
        csv.field_size_limit(2**31 - 1)
    try:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        _read_rows(table, _csv_rows(reader, table), header_row)
    finally:
        csv.field_size_limit(old)


def _csv_rows(reader: Iterator[list[str]], table: RawTable) -> Iterator[list[Any]]:
    try:
        yield from reader
    except csv.Error as exc:
        table.problems.append(_problem(
            table.source, "unreadable", f"the CSV is malformed after this row ({exc}); "
            "check for an unclosed quote", row=getattr(reader, "line_num", 0)))
        table.fatal = True


def _read_jsonl(path: Path, table: RawTable, encoding: str | None) -> None:
    text = _decode(path.read_bytes(), table.source, encoding)
    mapping = column_map(table.file)
    seen_keys: dict[str, str | None] = {}
    present: set[str] = set()
    # JSON Lines ends a line at "\n" only (a "\r" before it is JSON whitespace); str.splitlines would
    # also split inside a value at U+0085, U+2028 and other separators JSON keeps unescaped.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError) as exc:
            why = exc.msg if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
            table.problems.append(_problem(
                table.source, "json", f"not valid JSON ({why}); each line must be one JSON object", row=number))
            continue
        if not isinstance(obj, dict):
            table.problems.append(_problem(table.source, "json", "each line must be one JSON object", row=number))
            continue
        row: dict[str, Any] = {}
        for key, value in obj.items():
            name = _header_text(key)
            if key not in seen_keys:
                seen_keys[key] = mapping.get(name) or mapping.get(name.lower())
            target = seen_keys[key]
            if target is None:
                continue
            present.add(target)
            table.headers.setdefault(target, name)
            if not _empty(value):
                row[target] = value
        if row:
            table.rows.append(row)
            table.numbers.append(number)
    unknown = [k for k, t in seen_keys.items() if t is None]
    if not seen_keys:
        return
    header = [k for k in seen_keys if seen_keys[k] is not None] + unknown
    probe = RawTable(file=table.file, source=table.source)
    _map_header(probe, header, 1)
    table.problems.extend(p for p in probe.problems if p.type != "missing_column" or p.field not in present)
    table.fatal = any(p.type == "missing_column" for p in table.problems)
    table.ignored = probe.ignored
    if probe.ignored:
        table.warnings.append(_problem(
            table.source, "extra_column",
            "ignored key(s), not part of " + table.file + " and never stored: " + ", ".join(probe.ignored), row=1))


MAX_COLUMNS = 1000
"""Columns read per sheet: a sheet's recorded width can be all 16,384 columns of formatted cells."""


def _sheet_rows(ws: Any) -> Iterator[list[Any]]:
    width = ws.max_column if isinstance(ws.max_column, int) else MAX_COLUMNS
    for row in ws.iter_rows(values_only=True, max_col=max(1, min(width, MAX_COLUMNS))):
        # Excel stores a carriage return as _x000D_; openpyxl hands the escape over as text
        yield [xlsx_unescape(v) if isinstance(v, str) and "_x" in v else v for v in row]


def _open_workbook(path: Path, source: str) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise InvalidData(
            [_problem(source, "unreadable",
                      f"not a readable .xlsx workbook ({type(exc).__name__}); open it in Excel and save it "
                      "again as .xlsx")],
            hint="Only .xlsx workbooks are read (not .xls or .et); a CSV folder works too.",
        ) from None


def _read_workbook(path: Path, header_row: int | None, kind: str | None, reading: Reading) -> None:
    """Read a workbook: every sheet named after a kind, or (``kind`` given) its first sheet as that kind."""
    wb = _open_workbook(path, path.name)
    try:
        worksheets = list(wb.worksheets)
        chosen = None
        if kind is not None:
            named = [ws for ws in worksheets if file_for(ws.title) == kind]
            chosen = named[0] if named else (worksheets[0] if worksheets else None)
        for ws in worksheets:
            source = f"{path.name}[{ws.title}]"
            name = kind if ws is chosen else (file_for(ws.title) if kind is None else None)
            try:
                if name is None:
                    _unrecognised_sheet(ws, source, reading)
                    continue
                table = RawTable(file=name, source=source)
                _read_rows(table, _sheet_rows(ws), header_row)
            except InvalidData:
                raise
            except Exception as exc:  # noqa: BLE001 - a broken sheet inside a zip that opened
                raise InvalidData([_problem(source, "unreadable",
                                            f"this sheet cannot be read ({type(exc).__name__}); open the "
                                            "workbook in Excel and save it again")]) from None
            _add_table(table, reading)
    finally:
        wb.close()


def _unrecognised_sheet(ws: Any, source: str, reading: Reading) -> None:
    rows = ws.iter_rows(values_only=True, max_row=50, max_col=50)
    if not any(any(not _empty(c) for c in row) for row in rows):
        reading.files.append(SourceFile(source=source, status="skipped", note="empty sheet"))
        return
    reading.files.append(SourceFile(source=source, status="unrecognised"))
    reading.problems.append(_problem(source, "unrecognised_sheet", _unknown_name_reason("sheet", ws.title)))


def _add_table(table: RawTable, reading: Reading) -> None:
    reading.tables.append(table)
    reading.files.append(SourceFile(
        source=table.source, kind=table.file, rows=0 if table.fatal else len(table.rows),
        columns=list(table.headers), ignored_columns=table.ignored,
        status="unreadable" if table.fatal else "read"))
    reading.warnings.extend(table.warnings)


# --------------------------------------------------------------------------- entry


def read_source(
    source: str | Path,
    *,
    encoding: str | None = None,
    header_row: int | None = None,
    unrecognised: Unrecognised = "error",
) -> Reading:
    """Read a data folder or an ``.xlsx`` workbook into raw tables, in load order.

    Parameters
    ----------
    source : str or Path
        A folder of ``.csv`` / ``.jsonl`` / ``.xlsx`` files named after the kinds
        (``areas.csv``, ``区域.xlsx``, a workbook with a sheet per kind), or one
        workbook.
    encoding : str, optional
        Encoding of the CSV and JSON-lines files; detected when not given.
    header_row : int, optional
        Row number (1 = first) of the header in every file and sheet; found
        when not given.
    unrecognised : {"error", "warn"}
        What a data file or sheet with an unknown name is: a problem, or a warning.

    Raises
    ------
    InvalidData
        When the path does not exist, cannot be read, or holds no data.
    """
    if unrecognised not in ("error", "warn"):
        raise InvalidArgument(f"unrecognised must be 'error' or 'warn', not {unrecognised!r}")
    if header_row is not None and (isinstance(header_row, bool) or not isinstance(header_row, int)
                                   or not 1 <= header_row <= 1000):
        raise InvalidArgument(f"header_row must be a row number from 1 to 1000, not {header_row!r}")
    path = Path(source)
    reading = Reading([], [], [], [])
    if not path.exists():
        raise InvalidData(
            [_problem(str(path), "not_found", "no such folder or workbook")],
            hint="Pass a folder of .csv/.jsonl/.xlsx files or an .xlsx workbook; "
            "`orgnet template FILE.xlsx` writes an empty one to fill in.",
        )
    if path.is_file():
        if path.suffix.lower() != ".xlsx":
            raise InvalidData(
                [_problem(path.name, "format",
                          "a single file must be an .xlsx workbook with one sheet per kind"
                          + ("; this is an old .xls: save it as .xlsx" if path.suffix.lower() == ".xls" else ""))],
                hint="Pass the folder that holds the .csv/.jsonl files instead.",
            )
        _read_workbook(path, header_row, None, reading)
    else:
        try:
            children = sorted(path.iterdir())
        except OSError as exc:
            raise InvalidData([_problem(str(path), "unreadable", f"cannot list this folder ({exc.strerror})")]) from None
        for child in children:
            _read_child(child, encoding, header_row, reading)
    if unrecognised == "warn":
        moved = [p for p in reading.problems if p.type in ("unrecognised_file", "unrecognised_sheet")]
        reading.problems = [p for p in reading.problems if p not in moved]
        reading.warnings.extend(moved)
    for table in reading.tables:
        reading.problems.extend(table.problems)
    if not reading.tables and not reading.problems:
        raise InvalidData(
            [_problem(str(path), "empty", "holds no data-format file (areas, orgs, units, people, …)")],
            hint="Name the files after the data format, e.g. areas.csv or 区域.csv; "
            "see the README's 'Data folder format'.",
        )
    order = list(FILES)
    reading.tables.sort(key=lambda t: (order.index(t.file), t.source))
    reading.files.sort(key=lambda f: (order.index(f.kind) if f.kind else len(order), f.source))
    return reading


def _read_child(child: Path, encoding: str | None, header_row: int | None, reading: Reading) -> None:
    suffix = child.suffix.lower()
    if child.name.startswith((".", "~$")) or suffix not in DATA_SUFFIXES:
        if child.is_file() or child.is_dir():
            reading.files.append(SourceFile(source=child.name, status="skipped", note="not a data file"))
        return
    name = file_for(child.stem)
    if child.is_dir():
        reading.files.append(SourceFile(source=child.name, status="unreadable"))
        reading.problems.append(_problem(child.name, "unreadable", "is a folder, not a file"))
        return
    if suffix == ".xlsx":
        _read_workbook(child, header_row, name, reading)
        return
    if name is None or suffix not in (".csv", ".jsonl", ".tsv"):
        reading.files.append(SourceFile(source=child.name, status="unrecognised"))
        if name is not None:
            reading.problems.append(_problem(
                child.name, "format", f"{suffix} files are not read; save it as .csv (UTF-8) or .xlsx"))
        else:
            reading.problems.append(_problem(child.name, "unrecognised_file",
                                             _unknown_name_reason("file", child.stem)))
        return
    table = RawTable(file=name, source=child.name)
    try:
        if suffix == ".jsonl":
            _read_jsonl(child, table, encoding)
        else:
            _read_csv(child, table, encoding, header_row)
    except OSError as exc:
        raise InvalidData([_problem(child.name, "unreadable", f"cannot read this file ({exc.strerror})")]) from None
    _add_table(table, reading)
