"""Work lists: the gaps of a coverage report as a workbook a 街道 can print.

``write_worklist(report.gap_frame(), "worklist.xlsx")`` writes one sheet per
subdistrict (``<街道>工作清单``), Chinese headers, rows in the gap frame's order;
gaps above any subdistrict (a city-level unit, an org covering a district) go
on a sheet of their own (``区级及以上工作清单``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from orgnet.labels import RULE_LABELS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["write_worklist", "HEADERS"]

HEADERS: dict[str, str] = {
    "rule": "规则", "rule_label": "缺口", "id": "编号", "name": "名称", "label": "类型",
    "grid": "网格", "community": "社区", "subdistrict": "街道", "district": "区县",
}
"""Column -> Chinese header of the work list."""

ABOVE = "区级及以上"
"""Sheet name prefix for gaps above any subdistrict."""


def _sheet_name(subdistrict: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", subdistrict or ABOVE)[:27] + "工作清单"
    name, n = base, 2
    while name in used:
        name = f"{base[:28]}{n}"
        n += 1
    used.add(name)
    return name


def write_worklist(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a gap frame (:meth:`~orgnet.queries.coverage.CoverageReport.gap_frame`) as a work list.

    Returns
    -------
    Path
        The workbook written.

    Examples
    --------
    >>> import tempfile, pathlib, orgnet
    >>> import openpyxl
    >>> net = orgnet.connect("memory://")
    >>> _ = net.load(orgnet.synth.city("tiny", seed=0))
    >>> out = write_worklist(net.coverage(2023).gap_frame(), pathlib.Path(tempfile.mkdtemp()) / "w.xlsx")
    >>> any(name.endswith("工作清单") for name in openpyxl.load_workbook(out).sheetnames)
    True
    """
    from orgnet.io.excel_text import excel_writer

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    table = frame.copy()
    table.insert(1, "rule_label", [RULE_LABELS.get(r, r) for r in table["rule"]])
    used: set[str] = set()
    with excel_writer(out) as writer:
        if table.empty:
            table.rename(columns=HEADERS).to_excel(writer, sheet_name=_sheet_name("", used), index=False)
        for subdistrict, part in table.groupby("subdistrict", sort=True):
            sheet = part.rename(columns=HEADERS)
            sheet.to_excel(writer, sheet_name=_sheet_name(str(subdistrict), used), index=False)
    return out
