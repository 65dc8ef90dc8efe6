"""The value checks of every row (``validate_table``), where the mutation run of the value checks
found them unguarded (docs/mutation.md): what a missing value is called, fields a file does not
have, explicit ``None`` values, whole numbers written as floats, and ``True`` among ratings.

The expected texts are written here from the problem types of docs/loading.md ("Problem types")
and the model's own field list (``orgnet.model``), not read from the checking code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from office import write_csv

import orgnet
from orgnet.io import Dataset
from orgnet.io.load import load_folder, load_records
from orgnet.io.validate import validate_table
from orgnet.model import Area, AreaLevel

REQUIRED = "a value is required here"


def _problems(rejects: list[Any]) -> set[tuple[int, str, str, str]]:
    return {(p.row, p.field, p.type, p.reason) for p in rejects}


# ------------------------------------------------------------------ missing values


def test_an_absent_or_blank_required_value_is_missing() -> None:
    # no key, None, an empty string and spaces are all "no value"; each is the `missing` problem
    rows = [{"id": "ZJ", "level": "city"}, {"level": "community"}, {"id": None, "level": "community"},
            {"id": "", "level": "community"}, {"id": "   ", "level": "community"},
            {"id": "\u3000", "level": "community"}]  # a full-width space too: Chinese input methods type it
    table, rejects = validate_table("areas", "areas.csv", rows, [2, 3, 4, 5, 6, 7])
    assert _problems(rejects) == {(n, "id", "missing", REQUIRED) for n in (3, 4, 5, 6, 7)}
    assert table.rows == [{"id": "ZJ", "level": "city"}] and table.numbers == [2]


def test_a_missing_value_names_the_column_the_user_wrote(tmp_path: Path) -> None:
    # the reason starts with the user's header (编号), whichever way the value is missing
    write_csv(tmp_path / "areas.csv", ["编号", "名称", "层级", "上级编号"],
              [["ZJ", "镇江市", "市", ""], ["", "润州区", "区县", "ZJ"], ["  ", "京口区", "区县", "ZJ"]])
    report = load_folder(orgnet.connect("memory://").store, tmp_path, on_error="skip")
    assert _problems(report.rejects) == {(3, "id", "missing", f"编号: {REQUIRED}"),
                                         (4, "id", "missing", f"编号: {REQUIRED}")}
    assert report.counts == {"areas": 1}


# ------------------------------------------------------------------ fields a file does not have


def test_a_field_the_file_does_not_have_is_rejected_and_named() -> None:
    fields = ", ".join(Area.model_fields)  # the file's fields, in the model's order
    at_limit, past_limit = "k" * 32, "q" * 33
    rows = [{"id": "ZJ", "level": "city"},
            {"id": "RZ", "level": "district", "parent_id": "ZJ", "colour": "red"},
            {"id": "JK", "level": "district", "parent_id": "ZJ", at_limit: 1, past_limit: 2, 5: 3},
            {"id": "DT", "level": "district", "parent_id": "ZJ", "nothing": None}]  # unknown, though empty
    table, rejects = validate_table("areas", "areas.csv", rows, [2, 3, 4, 5])
    assert _problems(rejects) == {
        (3, "colour", "extra_forbidden", f"unknown field 'colour'; areas has {fields}"),
        (4, at_limit, "extra_forbidden", f"unknown field '{at_limit}'; areas has {fields}"),
        # a longer key, or one that is not text, is not echoed (it could be anything); the field is cut
        (4, "q" * 32, "extra_forbidden", f"unknown field a key; areas has {fields}"),
        (4, "5", "extra_forbidden", f"unknown field a key; areas has {fields}"),
        (5, "nothing", "extra_forbidden", f"unknown field 'nothing'; areas has {fields}"),
    }
    assert table.rows == [{"id": "ZJ", "level": "city"}]


def test_records_with_a_field_the_file_does_not_have_load_the_other_rows() -> None:
    net = orgnet.connect("memory://")
    report = load_records(net.store, Dataset({"areas": [{"id": "ZJ", "level": "city"},
                                                        {"id": "RZ", "level": "district", "parentid": "ZJ"}]}),
                          on_error="skip")
    assert [(p.row, p.field, p.type) for p in report.rejects] == [(2, "parentid", "extra_forbidden")]
    assert report.counts == {"areas": 1}


def test_an_explicit_none_is_an_absent_value_not_an_unknown_field() -> None:
    # None for an optional field: the row is kept without that key (a Table holds absent values
    # left out); None where a default exists: the default, as when the key is not there at all
    rows = [{"id": "ZJ", "name": None, "level": "city", "parent_id": None},
            {"id": "P1", "name": "张三", "is_member": None}, {"id": "P2", "name": "李四"}]
    areas, area_rejects = validate_table("areas", "areas.csv", rows[:1], [2])
    assert area_rejects == [] and areas.rows == [{"id": "ZJ", "level": "city"}]
    people, people_rejects = validate_table("people", "people.csv", rows[1:], [2, 3])
    assert people_rejects == []
    assert people.rows[0] == people.rows[1] | {"id": "P1", "name": "张三"}
    assert people.rows[0]["is_member"] is people.rows[1]["is_member"]


# ------------------------------------------------------------------ numbers


def test_a_whole_number_written_as_a_float_is_kept_as_an_int() -> None:
    # pandas reads a column with a blank cell as float64: a year of 2023.0 is the year 2023
    table, rejects = validate_table("registrations", "registrations.csv",
                                    [{"source_id": "U1", "community_id": "C1", "year": 2023.0},
                                     {"source_id": "U2", "community_id": "C1", "year": 2024}], [2, 3])
    assert rejects == []
    assert [(r["year"], type(r["year"])) for r in table.rows] == [(2023, int), (2024, int)]
    assert [(y, type(y)) for y in table.column("year")] == [(2023, int), (2024, int)]


@pytest.mark.parametrize("ratings", [[1, True], [True, 1], [5, 1.0, True, 1]])
def test_true_is_not_a_rating_wherever_it_sits(ratings: list[Any]) -> None:
    # True == 1 in Python: a rating of True must still be refused after (or before) a rating of 1
    rows = [{"id": f"M{i}", "rating": r} for i, r in enumerate(ratings, start=1)]
    table, rejects = validate_table("matters", "matters.csv", rows, list(range(1, len(rows) + 1)))
    refused = [i for i, r in enumerate(ratings, start=1) if r is True]
    assert [(p.row, p.field, p.type) for p in rejects] == [(i, "rating", "int") for i in refused]
    assert [(r["id"], r["rating"], type(r["rating"])) for r in table.rows] == [
        (f"M{i}", int(r), int) for i, r in enumerate(ratings, start=1) if r is not True]


# ------------------------------------------------------------------ the vectorised recognition

# (file, field) of every kind the column-wise check recognises, and the plain values of each: the
# values an office file holds most (their recognition is what makes a city-scale check fast)
_COLUMNS = {
    "int": ("registrations", "year"), "rating": ("matters", "rating"), "bool": ("people", "is_member"),
    "enum": ("areas", "level"), "date": ("roles", "since"), "text": ("people", "name"),
}
_PLAIN: dict[str, Any] = {
    "int": st.integers(1900, 2200), "rating": st.integers(1, 5), "bool": st.booleans(),
    "enum": st.sampled_from([m.value for m in AreaLevel]),
    "date": st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)).map(dt.date.isoformat),
    "text": st.text(alphabet="张三李四ab12-_.（）党", min_size=1, max_size=12).filter(lambda s: s[0] not in "-"),
}
_NEAR_MISSES: dict[str, list[Any]] = {
    "int": [1899, 2201, 0, -1, 2**40, True, False], "rating": [0, 6, -5, True],
    "bool": [], "enum": ["市", "City", "city ", " city", "", "Grid"],
    "date": ["2023-02-30", "2023-2-3", "2023-02-03 ", "2023/02/03", "20230203", "2023-02-031", "", "0000-01-01",
             "2023年5月1日", "2023-13-01", "0000-00-00", "9999-12-31", "10000-01-01"],
    "text": ["", " ", "x ", " x", "a\nb", "a\tb", "\u3000张", "张\u3000", "a\u200bb", "x" * 65537, "é" * 40000],
}


@settings(max_examples=150, deadline=None)
@given(data=st.data(), kind=st.sampled_from(sorted(_COLUMNS)))
def test_values_taken_without_the_parser_are_the_ones_it_keeps(data: Any, kind: str) -> None:
    """For each kind: every plain value is recognised column-wise; whatever is recognised, the
    parser keeps unchanged; absent is exactly None. (Ids have their own test in test_load_columns.)"""
    from orgnet.io.validate import _fast_mask, _parse_value, _specs

    file, fieldname = _COLUMNS[kind]
    spec = _specs(file)[fieldname]
    plain = data.draw(st.lists(_PLAIN[kind], max_size=8), label="plain")
    other = data.draw(st.lists(st.sampled_from([None, *_NEAR_MISSES[kind]]), max_size=4), label="other")
    values = data.draw(st.permutations(plain + other), label="column")
    masks = _fast_mask(spec, list(values))
    if masks is None:  # not all of the column's type (a bool among years, say): all go to the parser
        python_type = {"int": int, "rating": int, "bool": bool}.get(kind, str)
        assert any(type(v) is not python_type for v in values if v is not None), values
        return
    present, fine = masks
    assert present.tolist() == [v is not None for v in values]
    for v, ok in zip(values, fine.tolist()):
        if ok:
            out = _parse_value(spec, v)
            assert out == v and type(out) is type(v), (v, out)
    plain_left = list(plain)
    for v, ok in zip(values, fine.tolist()):
        if v in plain_left and type(v) is type(plain_left[plain_left.index(v)]):
            plain_left.remove(v)
            assert ok, f"{v!r} is a plain {kind} value and was sent to the parser"


@pytest.mark.parametrize("kind", sorted(_COLUMNS))
def test_near_misses_recognised_column_wise_are_kept_by_the_parser(kind: str) -> None:
    """Every near miss at once, a column per Python type: none is taken unless the parser keeps it."""
    from orgnet.io.validate import _fast_mask, _parse_value, _specs

    file, fieldname = _COLUMNS[kind]
    spec = _specs(file)[fieldname]
    for python_type in {type(v) for v in _NEAR_MISSES[kind]}:
        column = [v for v in _NEAR_MISSES[kind] if type(v) is python_type]
        masks = _fast_mask(spec, column)
        assert masks is not None or python_type is not {"int": int, "rating": int}.get(kind, str)
        for v, ok in zip(column, masks[1].tolist() if masks is not None else []):
            if ok:
                try:
                    out = _parse_value(spec, v)
                except Exception as exc:  # noqa: BLE001 - the point: the parser refuses it
                    raise AssertionError(f"{v!r} was taken column-wise; the parser refuses it ({exc})") from None
                assert out == v and type(out) is type(v), (v, out)
