"""Load checks the mutation run of ``orgnet/io/validate.py`` found unguarded (docs/mutation.md):
range bounds on both sides, UNDER cycles wherever they sit in the file, conflicting rows when
every row is one relationship or another row is bad, which values a message may show, and what
a reference message says it expected."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pytest
from office import AREA_ROWS, AREAS_ZH, district_folder, write_csv, write_workbook
from pydantic import Field, TypeAdapter, ValidationError

from orgnet.errors import InvalidData
from orgnet.io import Dataset
from orgnet.io.load import load_folder, load_records


def _pydantic_error(value: int, low: int, high: int) -> tuple[str, str]:
    """What pydantic itself says of ``value`` for a whole number in ``[low, high]`` (the oracle)."""
    try:
        TypeAdapter(Annotated[int, Field(ge=low, le=high)]).validate_python(value)
    except ValidationError as exc:
        [err] = exc.errors()
        return err["type"], err["msg"]
    raise AssertionError(f"{value} is in range")


def _area_and_unit() -> dict[str, list[dict[str, Any]]]:
    return {"areas": [{"id": "ZJ", "level": "city"}, {"id": "C1", "level": "community", "parent_id": "ZJ"}],
            "units": [{"id": "U1", "category": "organ"}]}


# ------------------------------------------------------------------ ranges


def test_years_and_ratings_outside_their_range_on_either_side_are_rejected(store: Any) -> None:
    # a year is 1900-2200 (orgnet.model.Year), a rating 1-5 (README): both ends are in, one past is out
    rows = _area_and_unit()
    rows["registrations"] = [{"source_id": "U1", "community_id": "C1", "year": y} for y in (1899, 1900, 2200, 2201)]
    rows["matters"] = [{"id": f"M{r}", "rating": r} for r in (0, 1, 5, 6)]
    report = load_records(store, Dataset(rows), on_error="skip")
    got = {(p.file, p.row, p.field): p for p in report.rejects}
    assert set(got) == {("registrations", 1, "year"), ("registrations", 4, "year"),
                        ("matters", 1, "rating"), ("matters", 4, "rating")}
    assert sorted(link.props["year"] for link in store.iter_links("REGISTERED_WITH")) == [1900, 2200]
    assert sorted(m["rating"] for m in store.iter_nodes("Matter")) == [1, 5]
    # the type and wording are pydantic's own for the same bound; the value is named (not personal)
    for (file, row, _), value, low, high in [(("registrations", 1, "year"), 1899, 1900, 2200),
                                               (("registrations", 4, "year"), 2201, 1900, 2200),
                                               (("matters", 1, "rating"), 0, 1, 5),
                                               (("matters", 4, "rating"), 6, 1, 5)]:
        p = got[(file, row, "rating" if file == "matters" else "year")]
        kind, message = _pydantic_error(value, low, high)
        assert p.type == kind and p.reason == f"{message}; got {value}", (p, kind, message)


# ------------------------------------------------------------------ UNDER cycles


def test_a_cycle_after_an_org_listed_before_its_parent_is_found(store: Any) -> None:
    # O2 comes before its parent O1 (the walk from O2 reaches O1 before O1's own turn); after them
    # O5 hangs under the cycle O3 -> O4 -> O3 and is listed first, so the walk meets the cycle at
    # O4; all in a file loaded with one other file
    rows = {"areas": [{"id": "ZJ", "level": "city"}],
            "orgs": [{"id": "O2", "parent_id": "O1"}, {"id": "O1", "area_id": "ZJ"}, {"id": "O5", "parent_id": "O4"},
                     {"id": "O3", "parent_id": "O4"}, {"id": "O4", "parent_id": "O3"}]}
    with pytest.raises(InvalidData) as info:
        load_records(store, Dataset(rows))
    # the cycle's two orgs, not O5 (under the cycle, but in none); the cycle named once, from its smallest id
    assert {(p.file, p.row, p.field, p.type) for p in info.value.problems} == {
        ("orgs", 4, "parent_id", "cycle"), ("orgs", 5, "parent_id", "cycle")}
    for p in info.value.problems:
        assert "O3 -> O4 -> O3" in p.reason and p.reason.count("->") == 2, p.reason
    assert store.counts() == {}
    report = load_records(store, Dataset(rows), on_error="skip")
    assert sorted(o["id"] for o in store.iter_nodes("Org")) == ["O1", "O2"]
    o5 = [p for p in report.rejects if p.row == 3]
    assert len(report.rejects) == 3 and [p.type for p in o5] == ["rejected_reference"] and "orgs row 5" in o5[0].reason


# ------------------------------------------------------------------ conflicting rows


def _roles(*roles: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {"areas": [{"id": "ZJ", "level": "city"}, {"id": "C1", "level": "community", "parent_id": "ZJ"},
                      {"id": "G1", "level": "grid", "parent_id": "C1"}],
            "buildings": [{"id": "B1", "grid_id": "G1"}],
            "people": [{"id": "P1", "is_member": True}],
            "roles": list(roles)}


def test_conflicting_rows_when_every_row_is_the_same_relationship(store: Any) -> None:
    rows = _roles({"person_id": "P1", "role": "grid_leader", "target_id": "G1", "since": "2023-01-01"},
                  {"person_id": "P1", "role": "grid_leader", "target_id": "G1", "since": "2024-01-01"})
    with pytest.raises(InvalidData) as info:
        load_records(store, Dataset(rows))
    [p] = info.value.problems
    assert (p.file, p.row, p.field, p.type) == ("roles", 2, "since", "conflicting_duplicate")
    assert store.counts() == {}


def test_conflicting_rows_are_found_beside_a_row_naming_an_unknown_person(store: Any) -> None:
    rows = _roles({"person_id": "P1", "role": "grid_leader", "target_id": "G1", "since": "2023-01-01"},
                  {"person_id": "NOPE", "role": "building_leader", "target_id": "B1"},
                  {"person_id": "P1", "role": "grid_leader", "target_id": "G1", "since": "2024-01-01"})
    report = load_records(store, Dataset(rows), on_error="skip")
    assert {(p.row, p.field, p.type) for p in report.rejects} == {
        (2, "person_id", "unresolved"), (3, "since", "conflicting_duplicate")}
    assert [(link.props.get("since"), link.props["role"]) for link in store.iter_links("HOLDS_ROLE")] == [
        ("2023-01-01", "grid_leader")]


# ------------------------------------------------------------------ roles


# (role, a target of the wrong kind or level, what docs/loading.md's role table says it is held on)
ROLE_TABLE = [
    ("secretary", "B1", "an Org"),
    ("grid_leader", "C1", "an Area of level grid"),
    ("party_group_leader", "B1", "an Area of level grid"),
    ("building_leader", "G1", "a Building"),
    ("central_household", "O1", "a Building"),
    ("social_worker", "B1", "an Area"),
]


@pytest.mark.parametrize("role, wrong, held_on", ROLE_TABLE)
def test_a_role_on_the_wrong_target_says_what_the_role_is_held_on(store: Any, role: str, wrong: str,
                                                                  held_on: str) -> None:
    rows = _roles({"person_id": "P1", "role": role, "target_id": wrong})
    rows["orgs"] = [{"id": "O1", "area_id": "C1"}]
    with pytest.raises(InvalidData) as info:
        load_records(store, Dataset(rows))
    [p] = info.value.problems
    assert (p.row, p.field) == (1, "target_id")
    assert f"(a {role} role is held on {held_on}; see the role table in the docs)" in p.reason, p.reason


# ------------------------------------------------------------------ values as offices type them


def test_text_typed_as_numbers_or_padded_loads_as_text_and_a_date_in_a_name_is_rejected(tmp_path: Path) -> None:
    import datetime as dt

    from orgnet.graph.memory import MemoryStore

    book = write_workbook(tmp_path / "data.xlsx", {
        "区域": [AREAS_ZH, *AREA_ROWS],
        "楼栋": [["编号", "名称", "网格编号"], ["B1", 1, "G1"], ["B2", " 2栋 ", "G1"], ["B3", 3.0, "G1"],
                 ["B4", dt.datetime(2023, 5, 1), "G1"]],  # a name Excel turned into a date
    })
    store = MemoryStore()
    report = load_folder(store, book, on_error="skip")
    assert {b["id"]: b.get("name") for b in store.iter_nodes("Building")} == {"B1": "1", "B2": "2栋", "B3": "3"}
    [p] = report.rejects
    try:
        TypeAdapter(str).validate_python(dt.datetime(2023, 5, 1))
    except ValidationError as exc:
        kind = exc.errors()[0]["type"]  # pydantic's own name for "not text"
    assert (p.row, p.field, p.type) == (5, "name", kind)


def test_checked_rows_hold_the_plain_identifier_of_a_chinese_label() -> None:
    # validate_table's rows are plain values (what a store or a caller keeps), not orgnet's enum objects
    from orgnet.io.validate import validate_table

    table, rejects = validate_table("orgs", "党组织.csv", [{"id": "O1", "kind": "党委", "sector": "两新"}], [2])
    assert rejects == [] and table.rows == [{"id": "O1", "kind": "committee", "sector": "non_public"}]
    assert [type(v) for v in table.rows[0].values()] == [str, str, str]


# ------------------------------------------------------------------ what a message shows


def test_a_name_in_the_member_category_column_is_never_echoed_but_a_mangled_id_is(tmp_path: Path) -> None:
    from orgnet.graph.memory import MemoryStore

    folder = district_folder(tmp_path / "d")  # GBK, Chinese headers, as an office sends it
    # 张三's name typed into 党员类别 (personal data in the people file: never shown, not even as
    # "got None"); P2's household id turned into 3.20102E+14 by Excel (an id: shown, so the office
    # can find the row)
    write_csv(folder / "人员.csv", ["编号", "姓名", "户编号", "是否党员", "党员类别", "电话"],
              [["P1", "张三", "H1", "是", "张三", "13900000001"], ["P2", "李四", "3.20102E+14", "否", "", ""]],
              encoding="gbk")
    report = load_folder(MemoryStore(), folder, on_error="skip")
    got = {(p.file, p.row, p.field): p for p in report.rejects if p.file == "人员.csv"}
    name = got[("人员.csv", 2, "member_category")]
    assert name.type == "enum" and "张三" not in name.reason and "got" not in name.reason
    assert name.reason.startswith("党员类别: ")
    mangled = got[("人员.csv", 3, "household_id")]
    assert mangled.type == "scientific_id" and "'3.20102E+14'" in mangled.reason


# ------------------------------------------------------------------ what a reference expected


def test_a_reference_to_the_wrong_kind_says_what_it_expected(store: Any) -> None:
    rows = {"areas": [{"id": "ZJ", "level": "city"}, {"id": "C1", "level": "community", "parent_id": "ZJ"},
                      {"id": "G1", "level": "grid", "parent_id": "C1"}],
            "units": [{"id": "U1", "category": "organ"}],
            "buildings": [{"id": "B1", "grid_id": "G1"}, {"id": "B2", "grid_id": "U1"}],  # a unit, not a grid
            "activities": [{"id": "AC1", "area_id": "C1"}],
            "alliance_members": [{"alliance_id": "AC1", "member_id": "U1"}]}  # an activity, not an alliance
    with pytest.raises(InvalidData) as info:
        load_records(store, Dataset(rows))
    got = {(p.file, p.row, p.field): p for p in info.value.problems}
    assert set(got) == {("buildings", 2, "grid_id"), ("alliance_members", 1, "alliance_id")}
    assert got[("buildings", 2, "grid_id")].type == "wrong_kind"
    assert "a Unit; expected an Area of level grid" in got[("buildings", 2, "grid_id")].reason
    assert got[("alliance_members", 1, "alliance_id")].type == "wrong_kind"
    assert got[("alliance_members", 1, "alliance_id")].reason.endswith("expected an Alliance")


# ------------------------------------------------------------------ whole loads


def test_one_workbook_per_district_counts_every_file_of_a_kind(tmp_path: Path) -> None:
    from orgnet.graph.memory import MemoryStore

    # the city in one file, then each district's office sends its own workbook with the same sheets
    write_csv(tmp_path / "区域.csv", AREAS_ZH, [["ZJ", "镇江市", "市", ""]])
    people = ["编号", "户编号", "是否党员"]
    roles = ["人员编号", "角色", "对象编号"]
    write_workbook(tmp_path / "润州区.xlsx", {
        "区域": [AREAS_ZH, ["RZ", "润州区", "区县", "ZJ"], ["G1", "一网格", "网格", "RZ"]],
        "楼栋": [["编号", "网格编号"], ["B1", "G1"], ["B2", "G1"]],
        "人员": [people, ["P1", None, "是"]],
        "角色": [roles, ["P1", "楼栋长", "B1"], ["P1", "楼栋长", "B2"]]})
    write_workbook(tmp_path / "京口区.xlsx", {
        "区域": [AREAS_ZH, ["JK", "京口区", "区县", "ZJ"], ["G2", "二网格", "网格", "JK"]],
        "楼栋": [["编号", "网格编号"], ["B3", "G2"]],
        "人员": [people, ["P2", None, "是"]],
        "角色": [roles, ["P2", "网格长", "G2"]]})
    store = MemoryStore()
    report = load_folder(store, tmp_path)
    assert report.ok and report.counts == {"areas": 5, "buildings": 3, "people": 2, "roles": 3}
    assert store.counts() == {"Area": 5, "Building": 3, "Person": 2, "PART_OF": 4, "IN": 3, "HOLDS_ROLE": 3}
    assert sorted((r.src, r.props["role"], r.dst) for r in store.iter_links("HOLDS_ROLE")) == [
        ("P1", "building_leader", "B1"), ("P1", "building_leader", "B2"), ("P2", "grid_leader", "G2")]


def test_a_first_load_skipping_an_id_given_twice_keeps_the_first_row(store: Any) -> None:
    # an office pasted G1 twice (the second time for another grid): the second row is rejected,
    # the first loads, and what refers to G1 lands on it
    rows = {"areas": [{"id": "ZJ", "level": "city"}, {"id": "C1", "level": "community", "parent_id": "ZJ"},
                      {"id": "G1", "level": "grid", "parent_id": "C1", "name": "一网格"},
                      {"id": "G1", "level": "grid", "parent_id": "C1", "name": "二网格"}],
            "buildings": [{"id": "B1", "grid_id": "G1"}]}
    report = load_records(store, Dataset(rows), on_error="skip")
    assert [(p.file, p.row, p.field, p.type) for p in report.rejects] == [("areas", 4, "id", "duplicate_id")]
    assert report.counts == {"areas": 3, "buildings": 1}
    assert {a["id"]: a.get("name") for a in store.iter_nodes("Area")}["G1"] == "一网格"
    assert [(link.src, link.dst) for link in store.iter_links("IN")] == [("B1", "G1")]


def test_a_first_load_skipping_link_rows_lands_the_others_between_the_right_ends(store: Any) -> None:
    # the rejected rows come first, so a kept row's ends must not be read from a rejected row's place
    rows = _roles({"person_id": "NOPE", "role": "grid_leader", "target_id": "G1"},
                  {"person_id": "P1", "role": "building_leader", "target_id": "NOPE"},
                  {"person_id": "P1", "role": "building_leader", "target_id": "B1"},
                  {"person_id": "P2", "role": "grid_leader", "target_id": "G1"})
    rows["people"].append({"id": "P2", "is_member": False})
    report = load_records(store, Dataset(rows), on_error="skip")
    assert [(p.row, p.field) for p in report.rejects] == [(1, "person_id"), (2, "target_id")]
    assert sorted((r.src, r.props["role"], r.dst) for r in store.iter_links("HOLDS_ROLE")) == [
        ("P1", "building_leader", "B1"), ("P2", "grid_leader", "G1")]


def test_a_row_sent_twice_beside_the_same_pair_in_another_year_keeps_both_years(store: Any) -> None:
    # an office pasted its 2023 row twice and added 2024: two registrations, one per year
    rows = _area_and_unit()
    rows["registrations"] = [{"source_id": "U1", "community_id": "C1", "year": 2023},
                             {"source_id": "U1", "community_id": "C1", "year": 2023},
                             {"source_id": "U1", "community_id": "C1", "year": 2024, "reported": True}]
    assert load_records(store, Dataset(rows)).ok
    assert sorted((r.src, r.dst, r.props["year"], r.props["reported"]) for r in store.iter_links("REGISTERED_WITH")) == [
        ("U1", "C1", 2023, False), ("U1", "C1", 2024, True)]


def test_reloading_a_matter_with_another_raiser_replaces_who_raised_it(store: Any) -> None:
    # RAISED points from the raiser at the matter: the matter's row owns it, so a reload moves it
    rows = {"areas": [{"id": "ZJ", "level": "city"}, {"id": "C1", "level": "community", "parent_id": "ZJ"},
                      {"id": "G1", "level": "grid", "parent_id": "C1"}],
            "buildings": [{"id": "B1", "grid_id": "G1"}],
            "households": [{"id": "H1", "building_id": "B1"}, {"id": "H2", "building_id": "B1"}],
            "matters": [{"id": "M1", "raised_by": "H1"}, {"id": "M2", "raised_by": "H1"}]}
    assert load_records(store, Dataset(rows)).ok
    assert load_records(store, Dataset({"matters": [{"id": "M1", "raised_by": "H2"}]})).ok
    assert sorted((r.src, r.dst) for r in store.iter_links("RAISED")) == [("H1", "M2"), ("H2", "M1")]


def test_a_roles_file_sent_alone_before_anything_else_names_every_unknown_end(tmp_path: Path) -> None:
    from orgnet.graph.memory import MemoryStore

    # an office sends its 角色 sheet first, to an empty store: nothing to refer to yet
    write_csv(tmp_path / "角色.csv", ["人员编号", "角色", "对象编号"], [["P1", "楼栋长", "B1"], ["P2", "网格长", "G1"]],
              encoding="gbk")
    store = MemoryStore()
    with pytest.raises(InvalidData) as info:
        load_folder(store, tmp_path)
    # one problem a row: a row whose person is unknown is rejected before its target is looked at
    assert sorted((p.row, p.field, p.type) for p in info.value.problems) == [
        (2, "person_id", "unresolved"), (3, "person_id", "unresolved")]
    assert store.counts() == {}


def test_every_bad_reference_is_listed_after_a_row_already_rejected(store: Any) -> None:
    # O1 names an unknown parent and an unknown area (rejected at its parent); O2, after it, an
    # unknown area too: O2 is listed and kept out, O3 loads
    rows = {"areas": [{"id": "ZJ", "level": "city"}],
            "orgs": [{"id": "O1", "parent_id": "NOPE", "area_id": "NOWHERE"}, {"id": "O2", "area_id": "NOWHERE"},
                     {"id": "O3", "area_id": "ZJ"}]}
    report = load_records(store, Dataset(rows), on_error="skip")
    assert sorted((p.file, p.row, p.field) for p in report.rejects) == [("orgs", 1, "parent_id"), ("orgs", 2, "area_id")]
    assert [o["id"] for o in store.iter_nodes("Org")] == ["O3"]


def test_checking_a_folder_lists_the_references_after_one_to_a_bad_row(tmp_path: Path) -> None:
    from orgnet.io.load import check_folder

    # P1's own row is bad (是否党员 "也许"): the role naming P1 is not listed again, the one after
    # it naming nobody known (P9) is
    folder = district_folder(tmp_path / "d")
    write_csv(folder / "人员.csv", ["编号", "户编号", "是否党员"], [["P1", "H1", "也许"], ["P2", "H2", "否"]],
              encoding="gbk")
    write_csv(folder / "角色.csv", ["人员编号", "角色", "对象编号"], [["P1", "楼栋长", "B1"], ["P9", "楼栋长", "B1"]],
              encoding="gbk")
    report = check_folder(folder)
    assert sorted((p.file, p.row, p.field) for p in report.problems) == [
        ("人员.csv", 2, "is_member"), ("角色.csv", 3, "person_id")]


def test_a_reference_to_the_first_row_loaded_of_the_wrong_level_says_so(store: Any) -> None:
    # ZJ, the first row of the load, is a city: a building's grid it cannot be
    rows = {"areas": [{"id": "ZJ", "level": "city"}, {"id": "C1", "level": "community", "parent_id": "ZJ"},
                      {"id": "G1", "level": "grid", "parent_id": "C1"}],
            "buildings": [{"id": "B1", "grid_id": "ZJ"}, {"id": "B2", "grid_id": "G1"}]}
    with pytest.raises(InvalidData) as info:
        load_records(store, Dataset(rows))
    [p] = info.value.problems
    assert (p.file, p.row, p.field, p.type) == ("buildings", 1, "grid_id", "wrong_level")
    assert "'ZJ', an Area of level city; expected an Area of level grid" in p.reason


def test_a_city_under_the_first_row_loaded_breaks_the_level_order(tmp_path: Path) -> None:
    from orgnet.graph.memory import MemoryStore

    # 丹阳市 is a county-level city (县级市, a district); typed as 市 under 镇江市, the first row
    write_csv(tmp_path / "区域.csv", AREAS_ZH, [["ZJ", "镇江市", "市", ""], ["DY", "丹阳市", "市", "ZJ"]],
              encoding="gbk")
    with pytest.raises(InvalidData) as info:
        load_folder(MemoryStore(), tmp_path)
    [p] = info.value.problems
    assert (p.file, p.row, p.field, p.type) == ("区域.csv", 3, "parent_id", "level_order")
    assert "a city cannot be part of 'ZJ', a city" in p.reason
    write_csv(tmp_path / "区域.csv", AREAS_ZH, [["ZJ", "镇江市", "市", ""], ["DY", "丹阳市", "县级市", "ZJ"]],
              encoding="gbk")
    assert load_folder(MemoryStore(), tmp_path).ok


def test_every_area_out_of_level_order_is_listed_after_an_id_given_twice(store: Any) -> None:
    # row 3 repeats D1 (as a city under ZJ, out of order too: one problem for that row); row 4
    # is a second city under ZJ: listed as well
    rows = {"areas": [{"id": "ZJ", "level": "city"}, {"id": "D1", "level": "district", "parent_id": "ZJ"},
                      {"id": "D1", "level": "city", "parent_id": "ZJ"}, {"id": "DY", "level": "city", "parent_id": "ZJ"}]}
    with pytest.raises(InvalidData) as info:
        load_records(store, Dataset(rows))
    assert sorted((p.row, p.field, p.type) for p in info.value.problems) == [
        (3, "id", "duplicate_id"), (4, "parent_id", "level_order")]


def test_a_number_no_date_can_hold_is_refused_as_not_a_value_of_the_column() -> None:
    """A whole number too large to be an Excel serial date: its parser fails with an error of its
    own (not one of the checks' typed ones); the row is rejected with the generic type and text,
    and the number is not echoed."""
    from orgnet.io.validate import validate_table

    for file, field, row in [("activities", "date", {"id": "A1"}), ("matters", "created_at", {"id": "M1", "title": "t"}),
                             ("roles", "since", {"person_id": "P1", "role": "secretary", "target_id": "O1"})]:
        table, rejects = validate_table(file, f"{file}.csv", [{**row, field: 10**400}], [2])
        assert table.rows == []
        assert [(r.file, r.row, r.field, r.type, r.reason) for r in rejects] == [
            (f"{file}.csv", 2, field, "invalid", "not a value this column takes")]


def test_skip_with_stored_targets_and_a_rejected_one(store: Any) -> None:
    """With ``on_error="skip"``, a row naming a rejected row of the load is rejected as such while
    other rows of the same load name nodes the store holds (the planner's arrays hold both kinds)."""
    load_records(store, Dataset({"areas": [{"id": "ZJ", "level": "city"},
                                           {"id": "C1", "level": "community", "parent_id": "ZJ"}]}))
    report = load_records(store, Dataset({
        "areas": [{"id": "G1", "level": "grid", "parent_id": "C1"}, {"id": "G2", "level": "grid", "parent_id": "NOPE"}],
        "buildings": [{"id": "B1", "grid_id": "G2"}, {"id": "B2", "grid_id": "G1"}],
    }), on_error="skip")
    assert [(r.file, r.row, r.field, r.type) for r in report.rejects] == [
        ("areas", 2, "parent_id", "unresolved"), ("buildings", 1, "grid_id", "rejected_reference")]
    assert "areas row 2" in report.rejects[1].reason
    assert sorted(r["id"] for r in store.iter_nodes("Building")) == ["B2"]
    assert sorted(r["id"] for r in store.iter_nodes("Area")) == ["C1", "G1", "ZJ"]


def test_plan_load_raises_by_default() -> None:
    from orgnet.graph.memory import MemoryStore
    from orgnet.io.validate import plan_load, validate_table

    table, _ = validate_table("buildings", "buildings.csv", [{"id": "B1", "grid_id": "NOPE"}], [2])
    with pytest.raises(InvalidData, match="NOPE"):
        plan_load([table], MemoryStore())
    _, _, problems = plan_load([table], MemoryStore(), mode="report")
    assert [(p.row, p.type) for p in problems] == [(2, "unresolved")]


# ------------------------------------------------------------------ ids used twice, word for word


def test_an_id_used_twice_or_held_by_another_kind_in_the_store_says_where(store: Any) -> None:
    card = "320102199001011234"  # an id-card number typed as an id: never shown
    load_records(store, Dataset({"areas": [{"id": "ZJ", "level": "city"}, {"id": "X1", "level": "district",
                                                                            "parent_id": "ZJ"}],
                                 "units": [{"id": card, "category": "organ"}]}))
    rows = {"areas": [{"id": "Q", "level": "district", "parent_id": "ZJ"}],
            "households": [{"id": "110101199003070000"}, {"id": "110101199003070000"}],
            "people": [{"id": "X1"}, {"id": card}, {"id": "P1"}, {"id": "P1"}, {"id": "Q"}]}
    report = load_records(store, Dataset(rows), on_error="skip")
    unique = "ids must be unique across the whole graph"
    assert sorted((p.file, p.row, p.field, p.type, p.reason) for p in report.rejects) == [
        ("households", 2, "id", "duplicate_id", f"id (not shown) is used again (first in households, row 1); {unique}"),
        ("people", 1, "id", "duplicate_id", f"id 'X1' already belongs to an Area in the store; {unique}"),
        ("people", 2, "id", "duplicate_id", f"id (not shown) already belongs to a Unit in the store; {unique}"),
        ("people", 4, "id", "duplicate_id", f"id 'P1' is used again (first in people, row 3); {unique}"),
        ("people", 5, "id", "duplicate_id", f"id 'Q' is used again (first in areas, row 1); {unique}"),
    ]
    assert report.counts == {"areas": 1, "households": 1, "people": 1}


def test_conflicting_rows_are_told_apart_from_rows_repeated_whole(store: Any) -> None:
    # two relationships each given twice, word for word: not a conflict (one of each loads); a third
    # given twice with a start date once and none the other time: a conflict, naming both rows
    rows = _roles({"person_id": "P1", "role": "grid_leader", "target_id": "G1", "since": "2023-01-01"},
                  {"person_id": "P1", "role": "building_leader", "target_id": "B1", "since": "2024-01-01"},
                  {"person_id": "P1", "role": "grid_leader", "target_id": "G1", "since": "2023-01-01"},
                  {"person_id": "P1", "role": "building_leader", "target_id": "B1", "since": "2024-01-01"},
                  {"person_id": "P1", "role": "party_group_leader", "target_id": "G1"},
                  {"person_id": "P1", "role": "party_group_leader", "target_id": "G1", "since": "2022-05-01"},
                  {"person_id": "P1", "role": "grid_leader", "target_id": "G1", "since": "2021-01-01",
                   "until": "2022-01-01"})
    report = load_records(store, Dataset(rows), on_error="skip")
    assert [(p.file, p.row, p.field, p.type, p.reason) for p in report.rejects] == [
        ("roles", 6, "since", "conflicting_duplicate",
         "the same relationship as row 5 (person_id, target_id, role equal) but with a different since; "
         "keep one of rows 5 and 6"),
        ("roles", 7, "since", "conflicting_duplicate",
         "the same relationship as row 1 (person_id, target_id, role equal) but with a different since, until; "
         "keep one of rows 1 and 7")]
    assert sorted((link.props["role"], link.props.get("since")) for link in store.iter_links("HOLDS_ROLE")) == [
        ("building_leader", "2024-01-01"), ("grid_leader", "2023-01-01"), ("party_group_leader", None)]


def test_conflicting_rows_in_a_link_file_after_one_without_repeats(store: Any) -> None:
    # roles (two different rows) come before pairings in a load: the pairings are checked too
    rows = _roles({"person_id": "P1", "role": "grid_leader", "target_id": "G1"},
                  {"person_id": "P1", "role": "building_leader", "target_id": "B1"})
    rows["units"] = [{"id": "U1", "category": "organ"}]
    rows["pairings"] = [{"source_id": "U1", "target_id": "C1", "kind": "block", "since": "2023-01-01"},
                        {"source_id": "U1", "target_id": "C1", "kind": "block", "since": "2024-01-01"}]
    with pytest.raises(InvalidData) as info:
        load_records(store, Dataset(rows))
    assert [(p.file, p.row, p.field, p.type) for p in info.value.problems] == [
        ("pairings", 2, "since", "conflicting_duplicate")]


# ------------------------------------------------------------------ references, word for word


def test_every_row_naming_what_a_sync_removes_is_listed_and_a_personal_looking_id_is_not_shown(
        store: Any, tmp_path: Path) -> None:
    load_records(store, Dataset({"areas": [{"id": "ZJ", "level": "city"}, {"id": "D1", "level": "district",
                                                                            "parent_id": "ZJ"},
                                           {"id": "G1", "level": "grid", "parent_id": "D1"},
                                           {"id": "G2", "level": "grid", "parent_id": "D1"}]}))
    # D1's folder without its grids: the sync removes G1 and G2, which two buildings still name
    folder = Dataset({"areas": [{"id": "D1", "level": "district", "parent_id": "ZJ"}],
                      "buildings": [{"id": "B1", "grid_id": "G1"}, {"id": "B2", "grid_id": "G2"},
                                    {"id": "B3", "grid_id": "320102199001011234"}]}).write(tmp_path / "d1")
    with pytest.raises(InvalidData) as info:  # every row is listed at once, not one per attempt
        load_folder(store, folder, sync=True)
    assert [(p.row, p.type) for p in info.value.problems] == [(2, "removed_by_sync"), (3, "removed_by_sync"),
                                                              (4, "unresolved")]
    report = load_folder(store, folder, sync=True, on_error="skip")
    removes = ("which this sync load removes (the store holds it within the areas the load covers, and the "
               "load does not name it); add it to the load, or refer to another")
    assert [(p.file, p.row, p.field, p.type, p.reason) for p in report.rejects] == [
        ("buildings.csv", 2, "grid_id", "removed_by_sync", f"refers to 'G1', {removes}"),
        ("buildings.csv", 3, "grid_id", "removed_by_sync", f"refers to 'G2', {removes}"),
        ("buildings.csv", 4, "grid_id", "unresolved", "refers to an id (not shown: it looks like personal data), "
                                                      "which is neither in this load nor in the store")]
    assert report.removed == {"Area": ["G1", "G2"]}


def test_a_role_held_on_several_kinds_of_target_names_them_all(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # no role in today's table has two choices; the check is written for one that has (the table is data)
    from orgnet import model

    monkeypatch.setitem(model.ROLE_TARGETS, "grid_leader", (("Area", "grid"), ("Area", "community"), ("Building", None)))
    rows = _roles({"person_id": "P1", "role": "grid_leader", "target_id": "C1"},
                  {"person_id": "P1", "role": "grid_leader", "target_id": "ZJ"},
                  {"person_id": "P1", "role": "grid_leader", "target_id": "B1"})
    report = load_records(store, Dataset(rows), on_error="skip")
    choices = "Area of level grid or Area of level community or Building"
    held = f" (a grid_leader role is held on an {choices}; see the role table in the docs)"
    assert [(p.row, p.field, p.type, p.reason) for p in report.rejects] == [
        (2, "target_id", "wrong_kind", f"refers to 'ZJ', an Area of level city; expected {choices}{held}")]
    assert sorted((link.src, link.dst) for link in store.iter_links("HOLDS_ROLE")) == [("P1", "B1"), ("P1", "C1")]


def test_cycle_messages_word_for_word(store: Any) -> None:
    # the cycle is listed from a row of the load round to that row; what the store holds is named in
    # the order of the cycle
    orgs = {"orgs": [{"id": "O1", "parent_id": "O2"}, {"id": "O2", "parent_id": "O1"}]}
    report = load_records(store, Dataset(orgs), on_error="skip")
    texts = {p.reason for p in report.rejects}
    assert [(p.row, p.field, p.type) for p in report.rejects] == [(1, "parent_id", "cycle"), (2, "parent_id", "cycle")]
    assert texts <= {"UNDER would form a cycle: O1 -> O2 -> O1; an org cannot be under itself",
                     "UNDER would form a cycle: O2 -> O1 -> O2; an org cannot be under itself"}, texts
    load_records(store, Dataset({"areas": [{"id": "A", "level": "city"}, {"id": "B", "level": "district", "parent_id": "A"},
                                           {"id": "C", "level": "subdistrict", "parent_id": "B"}]}))
    end = "; an area cannot be part of itself: correct the parent, or send the areas of the cycle again with theirs"
    # A sent again as a grid (so its own row fits its parent), under C or under B
    for parent, chain, stored in [("C", ["A", "C", "B"], "C, B as the store holds them"),
                                  ("B", ["A", "B"], "B as the store holds it")]:
        [p] = _refused_problems(store, {"areas": [{"id": "A", "level": "grid", "parent_id": parent}]})
        assert (p.row, p.field, p.type) == (1, "parent_id", "cycle")
        assert p.reason == f"PART_OF would form a cycle: {' -> '.join([*chain, 'A'])} ({stored}){end}", p.reason
    # (a cycle of the load's own areas always breaks the level order somewhere: that row is rejected
    # and the cycle is gone, so an area cycle always runs through the store)


def _refused_problems(store: Any, rows: dict[str, list[dict[str, Any]]]) -> list[Any]:
    with pytest.raises(InvalidData) as info:
        load_records(store, Dataset(rows))
    return [p for p in info.value.problems if p.type == "cycle"]


def test_the_level_order_message_word_for_word(store: Any) -> None:
    rows = {"areas": [{"id": "ZJ", "level": "city"}, {"id": "D1", "level": "city", "parent_id": "ZJ"},
                      {"id": "G1", "level": "grid", "parent_id": "D1"}]}
    report = load_records(store, Dataset(rows), on_error="skip")
    assert [(p.row, p.field, p.type, p.reason) for p in report.rejects][:1] == [
        (2, "parent_id", "level_order", "a city cannot be part of 'ZJ', a city; PART_OF must go up the levels "
                                        "city > district > subdistrict > community > grid")]
