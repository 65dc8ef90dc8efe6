"""Text in an .xlsx workbook as Excel stores it: the ``_xHHHH_`` escapes.

An XML reader turns a bare carriage return into a line feed, so Excel writes one in a
cell as ``_x000D_``; openpyxl writes text as given and reads it back as stored.
:func:`xlsx_escape` is applied by the workbook writer, :func:`xlsx_unescape` by the
workbook reader (also to workbooks Excel wrote).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["formulas_as_text", "xlsx_escape", "xlsx_unescape"]

_XLSX_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)|\r")
_XLSX_UNESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def xlsx_escape(text: str) -> str:
    r"""Text as Excel stores it in a workbook's XML: a carriage return as ``_x000D_``.

    An XML reader turns a bare carriage return into a line feed, so Excel writes it
    as the escape ``_x000D_`` (and an underscore that would start such an escape as
    ``_x005F_``); openpyxl writes text as given and reads it back as stored, so
    orgnet escapes on writing and :func:`xlsx_unescape` undoes it on reading.

    Examples
    --------
    >>> xlsx_escape("H\r1"), xlsx_escape("a_x000D_b")
    ('H_x000D_1', 'a_x005F_x000D_b')
    >>> xlsx_unescape(xlsx_escape("a_x000D_b\r\n")) == "a_x000D_b\r\n"
    True
    """
    if "\r" not in text and "_x" not in text:
        return text
    return _XLSX_ESCAPE.sub(lambda m: "_x000D_" if m.group(0) == "\r" else "_x005F_" + m.group(1), text)


def xlsx_unescape(text: str) -> str:
    """Undo Excel's ``_xHHHH_`` escapes in a cell read from a workbook (see :func:`xlsx_escape`)."""
    if "_x" not in text:
        return text
    return _XLSX_UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def formulas_as_text(book: Any) -> None:
    """Every cell openpyxl took for a formula becomes text again (in place).

    openpyxl stores a string that starts with ``=`` as a formula, so a name such as
    ``=HYPERLINK(…)`` in a work list would run in Excel. orgnet writes no formulas: call
    this on a workbook (``pd.ExcelWriter(...).book``) before it is saved.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> wb = Workbook()
    >>> wb.active.append(["=1+1", "ok"])
    >>> wb.active["A1"].data_type
    'f'
    >>> formulas_as_text(wb)
    >>> wb.active["A1"].data_type, wb.active["A1"].value
    ('s', '=1+1')
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
