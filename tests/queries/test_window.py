"""The as-of rule as ``orgnet.queries._window`` states it (the model's ``since``/``until`` docs point
at it), worked by hand at each edge: a year's window is [Y-01-01, Y+1-01-01); a relationship counts
when it starts before the window ends and does not end before it starts. The engines apply the rule
their own way; the parity and oracle tests compare them on dated pairings and roles."""

from __future__ import annotations

import pytest

from orgnet.queries._window import active, of_year, window


@pytest.mark.parametrize(("since", "until", "counts"), [
    (None, None, True),
    ("2023-01-01", None, True), ("2023-12-31", None, True), ("2023-12-31T18:00", None, True),  # the last evening
    ("2024-01-01", None, False), ("2022-01-01", None, True),
    (None, "2023-01-01", True), (None, "2022-12-31", False), (None, "2022-12-31T23:59", False),
    (None, "2024-06-01", True),
    ("2022-03-01", "2022-12-31", False), ("2024-01-01", "2024-12-31", False), ("2022-03-01", "2025-01-01", True),
    ("2023-05-01", "2023-05-01", True),  # a relationship of one day
])
def test_a_relationship_counts_in_2023_exactly_when_it_overlaps_the_year(
        since: str | None, until: str | None, counts: bool) -> None:
    assert active(since, until, of_year(2023)) is counts


def test_windows_of_years_and_of_today() -> None:
    import datetime as dt

    assert of_year(2023) == ("2023-01-01", "2024-01-01") and of_year(999) == ("0999-01-01", "1000-01-01")
    lo, hi = window(None)
    assert dt.date.fromisoformat(hi) - dt.date.fromisoformat(lo) == dt.timedelta(days=1)
    assert lo in (dt.date.today().isoformat(), (dt.date.today() - dt.timedelta(days=1)).isoformat())  # midnight
    assert window(2023) == of_year(2023)
