"""Text in an .xlsx workbook as Excel stores it: the ``_xHHHH_`` escapes.

An XML reader turns a bare carriage return into a line feed, so Excel writes one in a
cell as ``_x000D_``; openpyxl writes text as given and reads it back as stored.
:func:`xlsx_escape` is applied by the workbook writer, :func:`xlsx_unescape` by the
workbook reader (also to workbooks Excel wrote).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["excel_writer", "formulas_as_text", "xlsx_escape", "xlsx_unescape"]

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
    ``=HYPERLINK(…)`` in a work list would run in Excel. orgnet writes no formulas;
    :func:`excel_writer` calls this on its workbook before saving it.

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


@contextmanager
def excel_writer(path: str | Path) -> Iterator[pd.ExcelWriter]:
    """``pd.ExcelWriter(path, engine="openpyxl")`` whose cells stay text: every frame orgnet writes
    to a workbook goes through it, so none gets a formula (:func:`formulas_as_text`).

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib, openpyxl
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "x.xlsx"
    >>> with excel_writer(out) as writer:
    ...     pd.DataFrame({"name": ["=1+1"]}).to_excel(writer, index=False)
    >>> openpyxl.load_workbook(out).active["A2"].data_type
    's'
    """
    import pandas as pd

    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        yield writer
        formulas_as_text(writer.book)
