"""An empty workbook to fill in: one sheet per file, Chinese headers, help on every column.

Each header cell carries a comment saying what the column holds (required or
not, what an id must refer to, the allowed values, the date format), and enum
and yes/no columns get a drop-down list of the Chinese labels. The workbook
loads as it is (an empty load) and every filled-in row is validated as usual.
"""

from __future__ import annotations

import typing
from enum import Enum
from pathlib import Path
from typing import Any

from orgnet.errors import AlreadyExists
from orgnet.io.headers import chinese_header
from orgnet.model import FIELD_RELATIONSHIPS, FILES, Link, Node, _Labelled

__all__ = ["write_template", "column_help"]

_KIND_ZH = {"Area": "区域", "Org": "党组织", "Unit": "单位", "Building": "楼栋", "Household": "户",
            "Person": "人员", "Alliance": "联盟", "Activity": "活动", "Matter": "事项", "Site": "阵地"}
_LEVEL_ZH = {"grid": "网格", "community": "社区"}


def _enum_of(annotation: Any) -> type[_Labelled] | None:
    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, Enum) and issubclass(arg, _Labelled):
            return arg
    return None


def _reference(file: str, field: str) -> tuple[tuple[str, ...], str | None] | None:
    model = FILES[file]
    if issubclass(model, Node):
        for rel in FIELD_RELATIONSHIPS:
            if rel.label == model.LABEL and rel.field == field:
                return rel.target_kinds, rel.target_level
        return None
    link = typing.cast(type[Link], model)
    if field == link.SOURCE:
        return link.SOURCE_KINDS, None
    if field == link.TARGET:
        return link.TARGET_KINDS, link.TARGET_LEVEL
    return None


def _column_kind(file: str, field: str) -> str | None:
    """Excel number format of a column: text for ids, a date format for dates."""
    if field == "id" or field.endswith("_id") or field == "raised_by":
        return "@"
    if field in ("date", "since", "until") or field.endswith("_at"):
        return "yyyy-mm-dd"
    return None


def role_table() -> str:
    """What each role is held on, as the template's help and docs/loading.md show it.

    Examples
    --------
    >>> print(role_table().splitlines()[3])
    楼栋长 building_leader → 楼栋 Building
    """
    from orgnet.model import ROLE_TARGETS, RoleName

    lines = []
    for role in RoleName:
        targets = " / ".join(
            f"{_KIND_ZH[k]}{'(' + _LEVEL_ZH.get(lv, lv) + ')' if lv else ''} {k}{' of level ' + lv if lv else ''}"
            for k, lv in ROLE_TARGETS[role.value]
        )
        lines.append(f"{role.label} {role.value} → {targets}")
    return "\n".join(lines)


def column_help(file: str, field: str) -> tuple[str, list[str] | None]:
    """Help text for a column and, for enum and yes/no columns, the drop-down values.

    Examples
    --------
    >>> text, choices = column_help("areas", "level")
    >>> choices
    ['市', '区县', '街道', '社区', '网格']
    """
    info = FILES[file].model_fields[field]
    parts = ["必填 required" if info.is_required() else "选填 optional"]
    choices: list[str] | None = None
    enum = _enum_of(info.annotation)
    ref = _reference(file, field)
    if field == "id":
        parts.append("编号, unique across all files")
    elif ref is not None:
        kinds, level = ref
        what = "/".join(_KIND_ZH[k] + (f"({_LEVEL_ZH.get(level, level)})" if level else "") for k in kinds)
        parts.append(f"{what}的编号 (id of a {' or '.join(kinds)}{' of level ' + level if level else ''})")
    elif enum is not None:
        choices = [m.label for m in enum]
        parts.append("可选 " + "、".join(f"{m.label}({m.value})" for m in enum))
    elif info.annotation in (bool,) or field in ("is_member", "standardized", "reported"):
        choices = ["是", "否"]
        parts.append("是/否 (true/false, 1/0)")
    elif field in ("date", "since") or field.endswith("_at"):
        parts.append("日期 date, e.g. 2023-05-01 (also 2023/5/1, 2023年5月1日, an Excel date)")
    elif field == "until":
        parts.append("结束日期 date, e.g. 2024-12-31 (also 2024/12/31, 2024年12月31日, an Excel date); "
                     "留空表示仍有效 (empty: still active)")
    elif field == "rating":
        parts.append("评分 1–5")
    elif field == "year":
        parts.append("年度, e.g. 2023")
    if file == "roles" and field in ("role", "target_id"):
        parts.append("角色对象 each role is held on: " + "; ".join(role_table().splitlines()))
    if (file, field) in {("people", "name"), ("people", "phone"), ("households", "address")}:
        parts.append("个人信息 personal data: never shown in logs or messages")
    return "; ".join(parts), choices


def write_template(path: str | Path, *, overwrite: bool = False) -> Path:
    """Write an empty workbook in the data format, ready to fill in.

    Id columns are formatted as text and date columns as dates, so Excel keeps
    codes such as ``0012`` or ``320102000000000`` as typed and dates as dates.

    Parameters
    ----------
    path : str or Path
        Where to write; ``.xlsx`` is added when missing.
    overwrite : bool
        Replace an existing file (otherwise :class:`~orgnet.errors.AlreadyExists`).

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = write_template(pathlib.Path(tempfile.mkdtemp()) / "模板.xlsx")
    >>> from openpyxl import load_workbook
    >>> load_workbook(out).sheetnames[:3]
    ['区域', '党组织', '单位']
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        target = target.with_suffix(".xlsx")
    if target.exists() and not overwrite:
        raise AlreadyExists(f"{target} exists already; pass --force (overwrite=True) to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FDE9D9")
    for name, model in FILES.items():
        ws = wb.create_sheet(model.FILE_ZH)
        for col, field in enumerate(model.model_fields, start=1):
            cell = ws.cell(row=1, column=col, value=chinese_header(name, field))
            text, choices = column_help(name, field)
            cell.comment = Comment(f"{field}: {text}", "orgnet", width=320, height=110 + len(text) // 2)
            cell.font = bold
            if FILES[name].model_fields[field].is_required():
                cell.fill = fill
            letter = get_column_letter(col)
            ws.column_dimensions[letter].width = max(12, 2 * len(str(cell.value)) + 4)
            kind = _column_kind(name, field)
            if kind is not None:
                ws.column_dimensions[letter].number_format = kind  # Excel formats new cells typed there
            if choices:
                dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                                    showErrorMessage=True, errorTitle="orgnet",
                                    error="请选择下拉列表中的值 (pick a value from the list)")
                dv.add(f"{letter}2:{letter}5000")
                ws.add_data_validation(dv)
        ws.freeze_panes = "A2"
    wb.save(target)
    return target
