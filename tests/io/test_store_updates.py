"""Role targets, conflicting duplicates, sync and delete — on both backends, through the store protocol."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from office import AREAS_ZH, district_folder, write_csv

import orgnet
from orgnet.errors import InvalidArgument, InvalidData
from orgnet.io import Dataset
from orgnet.io.export import to_networkx
from orgnet.io.load import delete_ids, load_folder, load_records
from orgnet.model import ROLE_TARGETS
from orgnet.network import Network


def ids(store: Any, label: str) -> list[str]:
    return sorted(r["id"] for r in store.iter_nodes(label))


# ------------------------------------------------------------------ role targets


# (role, a target it must NOT take, one it takes), worked out by hand from the role table
ROLE_CASES = [
    ("building_leader", "G1", "B1"),
    ("building_leader", "O1", "B1"),
    ("grid_leader", "C1", "G1"),  # an Area, but a community
    ("grid_leader", "B1", "G1"),
    ("party_group_leader", "O1", "G1"),
    ("central_household", "G1", "B1"),
    ("secretary", "C1", "O1"),
    ("social_worker", "B1", "C1"),
]


def _role_rows(role: str, target: str) -> dict[str, list[dict[str, Any]]]:
    return {
        "areas": [{"id": "ZJ", "level": "city"}, {"id": "C1", "level": "community", "parent_id": "ZJ"},
                  {"id": "G1", "level": "grid", "parent_id": "C1"}],
        "orgs": [{"id": "O1", "area_id": "C1"}],
        "buildings": [{"id": "B1", "grid_id": "G1"}],
        "people": [{"id": "P1", "is_member": True}],
        "roles": [{"person_id": "P1", "role": role, "target_id": target}],
    }


@pytest.mark.parametrize("role, wrong, right", ROLE_CASES)
def test_roles_must_sit_on_the_kind_they_need(store: Any, role: str, wrong: str, right: str) -> None:
    with pytest.raises(InvalidData) as info:
        load_records(store, Dataset(_role_rows(role, wrong)))
    [p] = info.value.problems
    assert (p.file, p.row, p.field, p.type) == ("roles", 1, "target_id", p.type)
    assert p.type in ("wrong_kind", "wrong_level") and f"a {role} role is held on" in p.reason
    assert store.counts() == {}
    assert load_records(store, Dataset(_role_rows(role, right))).ok


def test_every_role_has_a_target_rule() -> None:
    from orgnet.model import RoleName

    assert set(ROLE_TARGETS) == {r.value for r in RoleName}


def test_role_on_a_grid_from_a_file(tmp_path: Path) -> None:
    from orgnet.graph.memory import MemoryStore

    folder = district_folder(tmp_path)
    write_csv(folder / "角色.csv", ["人员编号", "角色", "对象编号"], [["P1", "楼栋长", "G1"]], encoding="gbk")
    with pytest.raises(InvalidData) as info:
        load_folder(MemoryStore(), folder)
    [p] = info.value.problems
    assert (p.file, p.row, p.field) == ("角色.csv", 2, "target_id") and "对象编号: " in p.reason


# ------------------------------------------------------------ conflicting rows


def test_conflicting_duplicate_relationship_rows_name_both(store: Any) -> None:
    rows = _role_rows("grid_leader", "G1")
    rows["roles"] = [{"person_id": "P1", "role": "grid_leader", "target_id": "G1", "since": "2023-01-01"},
                     {"person_id": "P1", "role": "building_leader", "target_id": "B1"},
                     {"person_id": "P1", "role": "grid_leader", "target_id": "G1", "since": "2024-01-01"}]
    with pytest.raises(InvalidData) as info:
        load_records(store, Dataset(rows))
    [p] = info.value.problems
    assert (p.row, p.field, p.type) == (3, "since", "conflicting_duplicate")
    assert "row 1" in p.reason and "rows 1 and 3" in p.reason
    # identical duplicates are one relationship, not a problem
    rows["roles"][2]["since"] = "2023-01-01"
    assert load_records(store, Dataset(rows)).ok
    assert len(list(store.iter_links("HOLDS_ROLE"))) == 2


# ------------------------------------------------------------------------ sync


def _two_districts() -> dict[str, list[dict[str, Any]]]:
    return {
        "areas": [{"id": "ZJ", "level": "city"},
                  {"id": "D1", "level": "district", "parent_id": "ZJ"},
                  {"id": "D2", "level": "district", "parent_id": "ZJ"},
                  {"id": "G1", "level": "grid", "parent_id": "D1"},
                  {"id": "G2", "level": "grid", "parent_id": "D2"}],
        "buildings": [{"id": "B1", "grid_id": "G1"}, {"id": "B2", "grid_id": "G2"}],
        "households": [{"id": "H1", "building_id": "B1"}, {"id": "H1b", "building_id": "B1"},
                       {"id": "H2", "building_id": "B2"}],
        "people": [{"id": "P1", "household_id": "H1", "is_member": True},
                   {"id": "P1b", "household_id": "H1b", "is_member": True},
                   {"id": "P2", "household_id": "H2", "is_member": True}],
        "contacts": [{"person_id": "P1b", "household_id": "H1"}],
    }


def _d1_reload() -> dict[str, list[dict[str, Any]]]:
    """District D1 sent again: P1b left (and H1b with them)."""
    full = _two_districts()
    return {
        "areas": [a for a in full["areas"] if a["id"] in ("D1", "G1")],
        "buildings": [full["buildings"][0]],
        "households": [full["households"][0]],
        "people": [full["people"][0]],
    }


def _write(folder: Path, rows: dict[str, list[dict[str, Any]]]) -> Path:
    return Dataset(rows).write(folder)


def test_sync_removes_what_left_within_the_loaded_areas_only(store: Any, tmp_path: Path) -> None:
    load_records(store, Dataset(_two_districts()))
    folder = _write(tmp_path / "d1", _d1_reload())
    plan = load_folder(store, folder, sync=True, dry_run=True)
    assert plan.dry_run and plan.removed == {"Household": ["H1b"], "Person": ["P1b"]}
    assert ids(store, "Person") == ["P1", "P1b", "P2"], "a dry run writes nothing"
    report = load_folder(store, folder, sync=True)
    assert report.removed == {"Household": ["H1b"], "Person": ["P1b"]}
    # D2's people, the city and D2 itself are outside the load's areas: untouched
    assert ids(store, "Person") == ["P1", "P2"] and ids(store, "Household") == ["H1", "H2"]
    assert ids(store, "Area") == ["D1", "D2", "G1", "G2", "ZJ"]
    assert list(store.iter_links("CONTACTS")) == [], "a removed node's relationships go with it"
    again = load_folder(store, folder, sync=True)
    assert again.removed == {}, "syncing twice changes nothing"


def test_sync_without_areas_covers_the_store_and_a_rejected_row_removes_nothing(store: Any,
                                                                                tmp_path: Path) -> None:
    load_records(store, Dataset(_two_districts()))
    people = [{"id": "P1", "household_id": "H1", "is_member": True},
              {"id": "P2", "household_id": "NOPE", "is_member": True}]  # rejected, so kept in the store
    folder = _write(tmp_path / "p", {"people": people})
    report = load_folder(store, folder, sync=True, on_error="skip")
    assert report.removed == {"Person": ["P1b"]}
    assert ids(store, "Person") == ["P1", "P2"]


def test_delete_takes_a_list_of_ids_and_nothing_else(store: Any) -> None:
    load_records(store, Dataset(_two_districts()))
    load_records(store, Dataset({"areas": [{"id": "Z", "level": "city"}, {"id": "J", "level": "city"}]}))
    net = Network(store)
    with pytest.raises(InvalidArgument, match=r"pass \['ZJ'\]"):
        net.delete("ZJ")  # type: ignore[arg-type]
    assert net.delete(["ZJ"]) == 1
    assert "Z" in ids(store, "Area") and "J" in ids(store, "Area") and "ZJ" not in ids(store, "Area")
    assert net.delete(["P1", "P2", "nope"]) == 2
    assert net.delete(iter(["H1"])) == 1
    g = to_networkx(store)
    assert "H1" not in g and not any(v == "H1" for _, v in g.edges())
    for bad in (123, None, [1, 2], [""], b"ZJ"):
        with pytest.raises(InvalidArgument, match="ids must be"):
            delete_ids(store, bad)  # type: ignore[arg-type]


def test_cli_sync_dry_run_and_delete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from orgnet.cli.main import main

    uri = f"file:{tmp_path / 's.orgnet'}"
    assert main(["load", str(_write(tmp_path / "all", _two_districts())), "--to", uri, "--quiet"]) == 0
    capsys.readouterr()
    d1 = str(_write(tmp_path / "d1", _d1_reload()))
    assert main(["load", d1, "--to", uri, "--sync", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would remove 1 Household node(s) no longer in the data: H1b" in out
    assert "would remove 1 Person node(s) no longer in the data: P1b" in out
    assert main(["load", d1, "--to", uri, "--sync", "--quiet"]) == 0
    assert "removed 1 Person node(s)" in capsys.readouterr().out
    assert main(["delete", "P2", "ZJ", "--to", uri]) == 0
    assert "removed 2 of 2 node(s)" in capsys.readouterr().out
    assert main(["delete", "P2", "--to", uri]) == 3


def test_area_of_the_template_header_in_gbk_loads(tmp_path: Path) -> None:
    # a regression guard for the Chinese area header used throughout these tests
    from orgnet.graph.memory import MemoryStore

    write_csv(tmp_path / "区域.csv", AREAS_ZH, [["ZJ", "镇江市", "市", ""]], encoding="gbk")
    assert load_folder(MemoryStore(), tmp_path).counts == {"areas": 1}


def test_conflicting_rows_in_an_office_file(tmp_path: Path) -> None:
    from orgnet.graph.memory import MemoryStore

    folder = district_folder(tmp_path)
    write_csv(folder / "角色.csv", ["人员编号", "角色", "对象编号", "起始日期"],
              [["P1", "楼栋长", "B1", "2023/5/1"], ["P1", "网格长", "G1", ""], ["P1", "楼栋长", "B1", "2024年1月1日"]],
              encoding="gbk")
    with pytest.raises(InvalidData) as info:
        load_folder(MemoryStore(), folder)
    [p] = info.value.problems
    assert (p.file, p.row, p.field, p.type) == ("角色.csv", 4, "since", "conflicting_duplicate")
    assert "rows 2 and 4" in p.reason and p.reason.startswith("起始日期: ")


def _chain_rows() -> dict[str, list[dict[str, Any]]]:
    return {
        "areas": [{"id": "ZJ", "level": "city"}, {"id": "D1", "level": "district", "parent_id": "ZJ"},
                  {"id": "S1", "level": "subdistrict", "parent_id": "D1"},
                  {"id": "C1", "level": "community", "parent_id": "S1"},
                  {"id": "G1", "level": "grid", "parent_id": "C1"}, {"id": "G2", "level": "grid", "parent_id": "C1"}],
        "orgs": [{"id": "O1", "area_id": "C1"}, {"id": "O2", "parent_id": "O1", "area_id": "G1"}],
        "buildings": [{"id": "B1", "grid_id": "G1"}],
        "households": [{"id": "H1", "building_id": "B1"}],
        "people": [{"id": "P1", "household_id": "H1", "org_id": "O2", "is_member": True}],
        "matters": [{"id": "M1", "title": "t", "raised_by": "H1", "assignee_id": "O2", "created_at": "2023-01-01"}],
    }


def test_delete_takes_the_reference_fields_naming_the_nodes(store: Any, tmp_path: Path) -> None:
    """A reference field is a relationship: deleting its target leaves the field empty (a building
    in a deleted grid keeps no grid_id), so what the store holds still exports and loads back."""
    from store_dump import dump

    net = Network(store)
    net.load(Dataset(_chain_rows()))
    assert net.delete(["G1", "H1", "O2"]) == 3
    nodes = {label: {n["id"]: n for n in store.iter_nodes(label)}
             for label in ("Area", "Org", "Building", "Person", "Matter")}
    assert nodes["Building"]["B1"] == {"id": "B1"}
    assert nodes["Person"]["P1"] == {"id": "P1", "is_member": True}  # household_id and org_id gone
    assert nodes["Matter"]["M1"] == {"id": "M1", "title": "t", "created_at": "2023-01-01"}  # raised_by, assignee
    assert nodes["Org"]["O1"] == {"id": "O1", "area_id": "C1"}
    assert nodes["Area"]["G2"]["parent_id"] == "C1"  # a field naming a node that stays, stays
    # the store's own export loads back into an empty store, the same
    folder = net.export(tmp_path / "out")
    again = orgnet.connect("memory://")
    report = again.load_folder(folder)
    assert report.ok, report.rejects
    assert dump(again.store)["nodes"] == dump(store)["nodes"]
    assert dump(again.store)["links"] == dump(store)["links"]


def test_sync_refuses_a_row_naming_a_node_the_sync_removes(store: Any, tmp_path: Path) -> None:
    """District D1 sent again without grid G1, but with building B1 still in G1: the sync would
    remove G1 and leave B1 pointing at nothing. Refused; with skip, the row is rejected."""
    from store_dump import dump

    load_records(store, Dataset(_chain_rows()))
    rows = _chain_rows()
    folder = _write(tmp_path / "d1", {"areas": [a for a in rows["areas"] if a["id"] in ("D1", "S1", "C1", "G2")],
                                      "buildings": rows["buildings"]})
    before = dump(store)
    with pytest.raises(InvalidData) as info:
        load_folder(store, folder, sync=True)
    [p] = info.value.problems
    assert (p.file, p.row, p.field, p.type) == ("buildings.csv", 2, "grid_id", "removed_by_sync")
    assert "'G1'" in p.reason and "add it to the load" in p.reason
    assert dump(store) == before, "nothing written"
    report = load_folder(store, folder, sync=True, on_error="skip")
    assert [(r.file, r.row, r.field, r.type) for r in report.rejects] == [
        ("buildings.csv", 2, "grid_id", "removed_by_sync")]
    assert report.removed == {"Area": ["G1"]}
    assert ids(store, "Area") == ["C1", "D1", "G2", "S1", "ZJ"]
    assert list(store.iter_nodes("Building")) == [{"id": "B1"}], "B1 stays, no longer in a grid"
    # the same folder with G1 named: nothing to refuse, nothing removed
    folder2 = _write(tmp_path / "d1b", {"areas": [a for a in rows["areas"] if a["id"] != "ZJ"],
                                        "buildings": rows["buildings"]})
    assert load_folder(store, folder2, sync=True).removed == {}
