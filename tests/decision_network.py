"""The small network of the decision tests, its every answer worked out by hand (see tests/queries/test_decisions.py).

Layout (D = district, S = subdistrict, C = community, G = grid)::

    ZJ 镇江市 ── D1 润州区 ── S1 金山街道 ── C1 银山门社区 ── G1 ── B1 ── H1
             │                           └── C2 C2社区
             └── D2 京口区 ── S2 正东路街道 ── C3, C4, C5
"""

from __future__ import annotations

from typing import Any

ROWS: dict[str, list[dict[str, Any]]] = {
    "areas": [
        {"id": "ZJ", "name": "镇江市", "level": "city"},
        {"id": "D1", "name": "润州区", "level": "district", "parent_id": "ZJ"},
        {"id": "D2", "name": "京口区", "level": "district", "parent_id": "ZJ"},
        {"id": "S1", "name": "金山街道", "level": "subdistrict", "parent_id": "D1"},
        {"id": "S2", "name": "正东路街道", "level": "subdistrict", "parent_id": "D2"},
        {"id": "C1", "name": "银山门社区", "level": "community", "parent_id": "S1"},
        {"id": "C2", "name": "C2社区", "level": "community", "parent_id": "S1"},
        {"id": "C3", "name": "C3社区", "level": "community", "parent_id": "S2"},
        {"id": "C4", "name": "C4社区", "level": "community", "parent_id": "S2"},
        {"id": "C5", "name": "C5社区", "level": "community", "parent_id": "S2"},
        {"id": "G1", "name": "第1网格", "level": "grid", "parent_id": "C1"},
    ],
    "units": [
        {"id": "U1", "name": "润州单位", "category": "organ", "admin_level": "municipal", "area_id": "D1"},
        {"id": "U2", "name": "京口单位", "category": "soe", "admin_level": "district", "area_id": "S2"},
        {"id": "U3", "name": "市级单位", "category": "organ", "admin_level": "provincial", "area_id": "ZJ"},
        {"id": "U4", "name": "无址单位", "category": "non_public"},
    ],
    "orgs": [
        {"id": "O1", "name": "市委", "kind": "committee", "area_id": "ZJ"},
        {"id": "O2", "name": "网格支部", "kind": "branch", "parent_id": "O1", "area_id": "G1"},
    ],
    "buildings": [{"id": "B1", "name": "1号楼", "grid_id": "G1"}],
    "households": [{"id": "H1", "building_id": "B1", "address": "银山门1号楼101"}],
    "people": [
        {"id": "P1", "name": "张三", "household_id": "H1", "is_member": True, "member_category": "retired",
         "org_id": "O2", "phone": "13800000001"},
        {"id": "P2", "name": "李四", "household_id": "H1", "is_member": True, "member_category": "in_service",
         "org_id": "O1", "phone": "13800000002"},
        {"id": "P3", "name": "王五", "household_id": "H1", "is_member": False},
    ],
    "activities": [
        {"id": "AC1", "name": "2022活动", "date": "2022-05-01", "area_id": "C1"},
        {"id": "AC2", "name": "2023活动", "date": "2023-05-01", "area_id": "C3"},
    ],
    "organizers": [
        {"activity_id": "AC1", "organizer_id": "U1"},
        {"activity_id": "AC2", "organizer_id": "U3"},
    ],
    "pairings": [
        {"source_id": "U1", "target_id": "C1", "kind": "block", "since": "2020-01-01", "until": "2022-06-30"},
        {"source_id": "U1", "target_id": "C2", "kind": "branch", "since": "2024-03-01"},
        {"source_id": "O1", "target_id": "C2", "kind": "block", "since": "2019-01-01"},
        {"source_id": "U2", "target_id": "C3", "kind": "block", "since": "2021-01-01"},
        {"source_id": "U2", "target_id": "C4", "kind": "block"},
    ],
    "roles": [
        {"person_id": "P1", "role": "building_leader", "target_id": "B1", "since": "2020-01-01",
         "until": "2022-12-31"},
        {"person_id": "P2", "role": "social_worker", "target_id": "G1", "since": "2023-05-01"},
        {"person_id": "P3", "role": "social_worker", "target_id": "G1", "until": "2021-12-31"},
    ],
    "registrations": [{"source_id": "U1", "community_id": "C1", "year": 2021, "reported": True}],
    "matters": [
        # mean handling 2022: (9 + 9.2) / 2 = 9.1 days; 2023: (4 + 4) / 2 = 4.0 days (the seed's claim)
        {"id": "M1", "title": "t", "raised_by": "H1", "created_at": "2022-03-01", "closed_at": "2022-03-10"},
        {"id": "M2", "title": "t", "raised_by": "H1", "created_at": "2022-04-01",
         "closed_at": "2022-04-10T04:48:00"},
        {"id": "M3", "title": "t", "raised_by": "H1", "created_at": "2023-05-01", "closed_at": "2023-05-05"},
        {"id": "M4", "title": "t", "raised_by": "H1", "created_at": "2023-06-01", "closed_at": "2023-06-05"},
    ],
}
