"""As-of windows: which dated relationships count for a year (or for today).

``pairings`` and ``roles`` carry ``since`` (start) and an optional ``until``
(end). For a year Y a pairing or role counts when ``since`` is absent or
≤ Y-12-31 and ``until`` is absent or ≥ Y-01-01; without a year, the ones not
ended by today and not starting after today. A window is the pair
``(lo, hi)`` of ISO dates with ``hi`` exclusive, so a date-time such as
``2023-12-31T18:00`` still falls in 2023: a relationship is active when
``since < hi`` and ``until >= lo`` (text comparison of ISO dates).

Examples
--------
>>> of_year(2023)
('2023-01-01', '2024-01-01')
>>> active("2023-06-01", None, of_year(2023)), active("2024-01-01", None, of_year(2023))
(True, False)
>>> active(None, "2023-01-01", of_year(2023)), active(None, "2022-12-31", of_year(2023))
(True, False)
"""

from __future__ import annotations

import datetime as _dt

__all__ = ["Window", "of_year", "today", "window", "active", "ACTIVE_TYPES"]

Window = tuple[str, str]
"""``(lo, hi)``: ISO dates, ``hi`` exclusive."""

ACTIVE_TYPES: tuple[str, ...] = ("PAIRED_WITH", "HOLDS_ROLE")
"""The relationship types that carry ``since`` / ``until``."""


def of_year(year: int) -> Window:
    """The window of a calendar year."""
    return (f"{year:04d}-01-01", f"{year + 1:04d}-01-01")


def today() -> Window:
    """The window of today (the relationships not ended by today and not starting after it)."""
    day = _dt.date.today()
    return (day.isoformat(), (day + _dt.timedelta(days=1)).isoformat())


def window(year: int | None) -> Window:
    """``of_year(year)``, or ``today()`` without a year."""
    return today() if year is None else of_year(year)


def active(since: str | None, until: str | None, win: Window) -> bool:
    """Whether a relationship with these dates counts in ``win``."""
    lo, hi = win
    return (since is None or since < hi) and (until is None or until >= lo)
