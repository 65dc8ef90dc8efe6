"""How problems are worded and shown: no personal data, root causes first, repeats grouped.

A value appears in a message only when its column is not personal, its file
holds no personal data (people, households) or the column is an id, and the
value is short and does not look like a phone, id-card or bank number. Problems
about whole files come first; problems that repeat (same file, column and kind)
are shown as one line with a count and the first rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, Field

from orgnet.errors import Reject
from orgnet.model import PERSONAL_FIELDS

__all__ = ["shown_value", "with_article", "order_problems", "ProblemGroup", "group_problems", "format_groups"]

_PERSONAL_FILES = frozenset({"people", "households"})
_LONG_NUMBER = re.compile(r"\d{7,}")
_FILE_LEVEL = frozenset({
    "unreadable", "encoding", "not_found", "empty", "unrecognised_file", "unrecognised_sheet",
    "header_not_found", "missing_column", "duplicate_column", "unknown_column", "format",
})


def with_article(noun: str) -> str:
    """``noun`` after "a" or "an", as it is said (node labels in messages: a Unit, an Org).

    Examples
    --------
    >>> with_article("Area"), with_article("Unit"), with_article("Household")
    ('an Area', 'a Unit', 'a Household')
    """
    return f"{'an' if noun[:1] in ('A', 'E', 'I', 'O') else 'a'} {noun}"  # "a Unit": said "you"


def shown_value(file: str, field: str, value: Any, *, is_id: bool = False) -> str | None:
    """``repr(value)`` when it may appear in a message, else None.

    Examples
    --------
    >>> shown_value("areas", "level", "省"), shown_value("people", "is_member", "13900000001")
    ("'省'", None)
    >>> shown_value("people", "is_member", "张三"), shown_value("people", "household_id", "H-9", is_id=True)
    (None, "'H-9'")
    """
    if (file, field) in PERSONAL_FIELDS:
        return None
    if file in _PERSONAL_FILES and not is_id:
        return None
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, (int, float)):
        text = repr(value)
    elif isinstance(value, str):
        text = value
    else:
        return None
    if len(text) > 32 or "@" in text or _LONG_NUMBER.search(text) and not is_id:
        return None
    if is_id and len(text) >= 15 and text.isdigit():
        return None  # an 18-digit id-card number put where an id goes
    if any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in text):
        return None
    return repr(value) if isinstance(value, str) else text


def order_problems(problems: Iterable[Reject]) -> list[Reject]:
    """Whole-file problems (the causes) first, then by file, row and field."""
    return sorted(problems, key=lambda p: (p.type not in _FILE_LEVEL, p.file, p.row, p.field))


class ProblemGroup(BaseModel):
    """Problems of one kind in one column of one file."""

    file: str
    field: str
    type: str
    count: int
    rows: list[int] = Field(default_factory=list)
    """The first rows (at most 5)."""
    reason: str
    """The first problem's reason."""

    def __str__(self) -> str:
        row = f", row {self.rows[0]}" if self.rows and self.rows[0] else ""
        field = f", field '{self.field}'" if self.field else ""
        text = f"{self.file}{row}{field}: {self.reason}"
        if self.count > 1:
            others = ", ".join(str(r) for r in self.rows[1:])
            more = ", …" if self.count > len(self.rows) else ""
            text += f" [{self.count} rows with this problem ({self.type}): {self.rows[0]}, {others}{more}]"
        return text


def group_problems(problems: Iterable[Reject]) -> list[ProblemGroup]:
    """One group per (file, field, type), in the order of :func:`order_problems`.

    Examples
    --------
    >>> ps = [Reject(file="a.csv", row=r, field="level", type="enum", reason="bad") for r in (2, 3, 4)]
    >>> [str(g) for g in group_problems(ps)]
    ["a.csv, row 2, field 'level': bad [3 rows with this problem (enum): 2, 3, 4]"]
    """
    groups: dict[tuple[str, str, str], ProblemGroup] = {}
    for p in order_problems(problems):
        key = (p.file, p.field, p.type)
        g = groups.get(key)
        if g is None:
            groups[key] = ProblemGroup(file=p.file, field=p.field, type=p.type, count=1, rows=[p.row],
                                       reason=p.reason)
        else:
            g.count += 1
            if len(g.rows) < 5:
                g.rows.append(p.row)
    return list(groups.values())


def format_groups(problems: Iterable[Reject], limit: int = 20) -> list[str]:
    """Lines for a message: one per group, at most ``limit``."""
    groups = group_problems(problems)
    lines = [f"  - {g}" for g in groups[:limit]]
    if len(groups) > limit:
        lines.append(f"  … and {len(groups) - limit} more kinds of problem")
    return lines
