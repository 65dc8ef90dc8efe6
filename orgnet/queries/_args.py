"""Argument checks shared by the question functions: one message style, both backends.

Every public question checks its arguments here before touching a store, so a
wrong type or an out-of-range value is the same :class:`~orgnet.errors.InvalidArgument`
on the embedded store and on Neo4j, naming the argument and what it accepts.

Examples
--------
>>> check_year(2023)
2023
>>> check_year(2023.5)
Traceback (most recent call last):
...
orgnet.errors.InvalidArgument: year must be a whole number from 1900 to 2200 (or None for the latest registration year), not 2023.5
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from orgnet.errors import InvalidArgument

__all__ = ["check_year", "check_area", "check_id", "check_ids", "check_int", "check_choice"]

YEAR_MIN, YEAR_MAX = 1900, 2200
"""The years a registration may have (as :class:`orgnet.model.Registration`)."""


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_year(year: Any) -> int | None:
    """``None`` or a whole year in the model's range."""
    if year is None:
        return None
    if type(year) is not int and not (hasattr(year, "__index__") and not isinstance(year, bool)
                                      and not isinstance(year, float)):
        raise InvalidArgument(
            f"year must be a whole number from {YEAR_MIN} to {YEAR_MAX} (or None for the latest "
            f"registration year), not {_shown(year)}"
        )
    value = int(year.__index__())
    if not YEAR_MIN <= value <= YEAR_MAX:
        raise InvalidArgument(
            f"year must be a whole number from {YEAR_MIN} to {YEAR_MAX} (or None for the latest "
            f"registration year), not {_shown(year)}"
        )
    return value


def check_id(name: str, value: Any) -> str:
    """A node id: a non-empty string."""
    if not isinstance(value, str) or not value:
        raise InvalidArgument(f"{name} must be a node id (a non-empty string), not {_shown(value)}")
    return value


def check_area(area: Any) -> str | None:
    """``None`` or an area id."""
    return None if area is None else check_id("area", area)


def check_ids(name: str, values: Any) -> list[str]:
    """A list (or other iterable) of node ids; a single string is refused, not split into letters."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InvalidArgument(
            f"{name} must be a list of node ids (for one id use a list: [{_shown(values)}]), "
            f"not {type(values).__name__}"
        )
    out = list(values)
    if set(map(type, out)) <= {str} and "" not in out:  # the common case, checked without a loop in Python
        return out
    for value in out:
        check_id(f"every item of {name}", value)
    return out


def check_int(name: str, value: Any, low: int, high: int) -> int:
    """A whole number (not a bool) from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidArgument(f"{name} must be a whole number from {low:,} to {high:,}, not {_shown(value)}")
    return value


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    """One of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise InvalidArgument(f"{name} must be one of {', '.join(map(repr, choices))}, not {_shown(value)}")
    return value
