"""The facts containers: ``KpiFacts.from_rows`` (the Neo4j engine's KPI rows into the columns both
engines hand the KPIs) and ``RuleFacts`` as the sequence of its rows.

Only the Neo4j engine builds its KPI facts from rows, so the memory-only tests (and a mutation
run, which has no server) never reach this function; the parity tests reach it only on a
server. Here each row kind is given rows whose every position holds a different, recognisable
value, and each column is checked against the position the docstring names: a column read from
the wrong position, a date not parsed, a flag not made a bool, or an absent value not kept as
None / NaT fails.
"""

from __future__ import annotations

import numpy as np
import pytest

from orgnet.queries._facts import KpiFacts


def test_each_column_comes_from_its_position() -> None:
    f = KpiFacts.from_rows(
        unit_pairings=[("U1", "district", "C1"), ("U2", None, "C2")],
        activities=[("A1", "2023-05-01", "G1"), ("A2", None, None), ("A3", "2023-12-31T23:00:00", "C3")],
        matters=[("M1", "repair", "2023-01-01T08:00:00", "2023-01-04", "G2"),
                 ("M2", None, None, None, None)],
        sites=[("S1", True, "C4"), ("S2", False, None), ("S3", 1, "C5"), ("S4", 0, "C6")],
        social_workers=[("P1", "G3"), ("P2", None)],
    )
    assert f.pairing_unit.tolist() == ["U1", "U2"]
    assert f.pairing_level.tolist() == ["district", None]
    assert f.pairing_community.tolist() == ["C1", "C2"]
    assert f.activity_date.astype(str).tolist() == ["2023-05-01T00:00:00", "NaT", "2023-12-31T23:00:00"]
    assert f.activity_area.tolist() == ["G1", None, "C3"]
    assert f.matter_category.tolist() == ["repair", None]
    assert f.matter_created.astype(str).tolist() == ["2023-01-01T08:00:00", "NaT"]
    assert f.matter_closed.astype(str).tolist() == ["2023-01-04T00:00:00", "NaT"]
    assert f.matter_area.tolist() == ["G2", None]
    assert f.site_standardized.dtype == np.bool_
    assert f.site_standardized.tolist() == [True, False, True, False]
    assert f.site_area.tolist() == ["C4", None, "C5", "C6"]
    assert f.worker.tolist() == ["P1", "P2"]
    assert f.worker_anchor.tolist() == ["G3", None]
    for name in ("pairing_unit", "pairing_level", "pairing_community", "activity_area", "matter_category",
                 "matter_area", "site_area", "worker", "worker_anchor"):
        assert getattr(f, name).dtype == object, name
    for name in ("activity_date", "matter_created", "matter_closed"):
        assert getattr(f, name).dtype == np.dtype("datetime64[s]"), name


def test_no_rows_give_empty_columns_of_the_same_types() -> None:
    f = KpiFacts.from_rows()
    empty = KpiFacts()
    for name, value in vars(empty).items():
        got = getattr(f, name)
        assert len(got) == 0 and got.dtype == value.dtype, name


def test_rule_facts_is_the_sequence_of_its_rows() -> None:
    """``RuleFacts`` holds Facts rows as columns; indexing, slicing and iterating give the rows back
    (gaps sorted, gap anchors only where a row does not own its gaps)."""
    from orgnet.queries._facts import Facts, RuleFacts

    rows = [Facts(("G1", "C1"), 3, ("H2", "H1"), None), Facts((), 1, (), ("C2",)),
            Facts(("G2",), 2, ("P9",), ("C3", "C1")), Facts(("C1",), 0, (), None)]
    t = RuleFacts.from_rows(rows)
    want = [Facts(("G1", "C1"), 3, ("H1", "H2"), None), Facts((), 1, (), ("C2",)),
            Facts(("G2",), 2, ("P9",), ("C3", "C1")), Facts(("C1",), 0, (), None)]
    assert len(t) == 4
    assert [t[i] for i in range(4)] == want and list(t) == want
    assert [t[i] for i in range(-4, 0)] == want
    assert t[1:3] == want[1:3] and t[::-2] == want[::-2] and t[5:] == []
    for bad in (4, -5, 100):
        with pytest.raises(IndexError, match=f"^{bad}$"):
            t[bad]
    # every row owning its gaps: no gap anchors kept at all
    owned = RuleFacts.from_rows([Facts(("G1",), 2, ("B", "A")), Facts(("G2",), 1, ())])
    assert owned.owned is None and list(owned) == [Facts(("G1",), 2, ("A", "B")), Facts(("G2",), 1, ())]
