"""A small network built from the boundary cases the queries' meaning turns on.

Each row is here for a reason given beside it; tests run it as an explicit
example next to the random networks of ``strategies.py``, so the boundary is
checked every time rather than when hypothesis happens to draw it.
"""

from __future__ import annotations

from typing import Any

ROWS: dict[str, list[dict[str, Any]]] = {
    "areas": [
        {"id": "Z", "level": "city"},
        {"id": "D1", "name": "润州区", "level": "district", "parent_id": "Z"},
        {"id": "D2", "level": "district", "parent_id": "Z"},
        {"id": "D3", "level": "district", "parent_id": "Z"},  # empty: nothing anywhere in it
        {"id": "S1", "level": "subdistrict", "parent_id": "D1"},
        {"id": "S2", "level": "subdistrict", "parent_id": "D2"},
        {"id": "C1", "level": "community", "parent_id": "S1"},
        {"id": "C2", "level": "community", "parent_id": "S2"},
        {"id": "G1", "level": "grid", "parent_id": "C1"},
        {"id": "G2", "level": "grid", "parent_id": "C2"},
    ],
    "units": [
        {"id": "U1", "name": "润州供电公司", "category": "soe", "admin_level": "municipal", "area_id": "C2"},
        {"id": "U2", "category": "property_company", "admin_level": "district", "area_id": "G1"},
        {"id": "U3", "category": "organ", "admin_level": "district", "area_id": "D2"},
    ],
    "orgs": [
        {"id": "O0", "kind": "committee", "area_id": "Z"},  # the root
        # covers G1 (district D1) AND belongs to U1 (located in D2): its own district is D1
        {"id": "O1", "name": "供电党支部", "kind": "branch", "parent_id": "O0", "area_id": "G1", "unit_id": "U1"},
        # covers nothing: its own district is its unit's (U3 in D2)
        {"id": "O2", "kind": "branch", "parent_id": "O0", "unit_id": "U3"},
    ],
    "buildings": [{"id": "B1", "grid_id": "G1"}, {"id": "B2", "grid_id": "G2"}],
    "households": [
        {"id": "H1", "building_id": "B1"},
        {"id": "H2"},  # in no building: no area
        {"id": "H3", "building_id": "B2"},
    ],
    "people": [
        {"id": "P1", "is_member": True, "member_category": "in_service", "household_id": "H1", "org_id": "O1"},
        # no household: anchored by the area their org covers (G1, district D1)
        {"id": "P2", "is_member": True, "member_category": "in_service", "org_id": "O1", "unit_id": "U3"},
        # no household, their org covers nothing: the area of the org's unit (U3: D2)
        {"id": "P3", "is_member": True, "member_category": "in_service", "org_id": "O2"},
        # no household, no org: the area of the unit they work at (U1: C2)
        {"id": "P4", "is_member": True, "member_category": "in_service", "unit_id": "U1"},
        # not a member: contacting a household does not count
        {"id": "P5", "is_member": False, "household_id": "H3"},
        {"id": "P6", "is_member": True, "member_category": "retired", "household_id": "H3"},
        # a member anchored nowhere at all
        {"id": "P7", "is_member": True, "member_category": "in_service"},
    ],
    "roles": [
        {"person_id": "P1", "role": "building_leader", "target_id": "B1"},
        {"person_id": "P6", "role": "grid_leader", "target_id": "G2"},
        {"person_id": "P6", "role": "party_group_leader", "target_id": "G2"},
        {"person_id": "P2", "role": "social_worker", "target_id": "C1"},  # a social worker without a household
        {"person_id": "P4", "role": "social_worker", "target_id": "C2"},
        {"person_id": "P1", "role": "secretary", "target_id": "O1"},
    ],
    "contacts": [
        {"person_id": "P5", "household_id": "H1"},  # non-member only: H1 stays a gap
        {"person_id": "P6", "household_id": "H3"},
    ],
    "pairings": [
        {"source_id": "O1", "target_id": "C1"},  # O1's own district: not cross-district
        {"source_id": "U1", "target_id": "C1"},
        {"source_id": "U1", "target_id": "C2"},
        {"source_id": "U3", "target_id": "C1"},  # U1 and U3 tie on the path C1 -> C2
        {"source_id": "U3", "target_id": "C2"},
        {"source_id": "O2", "target_id": "C2"},
    ],
    "registrations": [
        {"source_id": "P1", "community_id": "C1", "year": 2023, "reported": True},
        {"source_id": "P3", "community_id": "C2", "year": 2023, "reported": False},
        {"source_id": "U1", "community_id": "C1", "year": 2023, "reported": True},
        {"source_id": "U1", "community_id": "C2", "year": 2023, "reported": False},
    ],
    "alliances": [{"id": "L1", "name": "润州党建联盟", "kind": "alliance", "area_id": "D1"}, {"id": "L2", "kind": "alliance", "area_id": "D3"}],
    "alliance_members": [{"alliance_id": "L1", "member_id": "O1"}, {"alliance_id": "L1", "member_id": "U1"}],
    "activities": [{"id": "V1", "date": "2023-03-01", "area_id": "C1"}, {"id": "V2", "date": "2023-04-01"}],
    "organizers": [{"activity_id": "V1", "organizer_id": "O1"}, {"activity_id": "V2", "organizer_id": "U2"},
                   {"activity_id": "V2", "organizer_id": "O1"}],  # O1 organises two activities
    "sites": [{"id": "S-1", "level": "center", "area_id": "C1", "standardized": True}],
    "matters": [  # all property matters created in 2023, closed after 2.9, 3, 3.1, 3.9, 10 days or not at all
        {"id": "M1", "category": "property", "raised_by": "H1", "created_at": "2023-05-01",
         "closed_at": "2023-05-03T21:36:00", "assignee_id": "O1"},  # 2.9 days, in G1
        {"id": "M2", "category": "物业", "raised_by": "P1", "created_at": "2023-05-01T08:00:00",
         "closed_at": "2023-05-04T08:00:00"},  # 3 days exactly, the raiser's household H1
        {"id": "M3", "category": "property", "raised_by": "H2", "created_at": "2023-05-01",
         "closed_at": "2023-05-04T02:24:00"},  # 3.1 days; H2 is in no building: no area
        {"id": "M4", "category": "property", "created_at": "2023-05-01",
         "closed_at": "2023-05-04T21:36:00"},  # 3.9 days; raised by nobody: no area
        {"id": "M5", "category": "property", "raised_by": "P2", "created_at": "2023-05-01",
         "closed_at": "2023-05-11"},  # 10 days; the raiser has no household: no area
        {"id": "M6", "category": "property", "raised_by": "H3", "created_at": "2023-12-31T23:00:00"},  # open, in G2
        {"id": "M7", "category": "safety", "raised_by": "H3", "created_at": "2022-12-31",
         "closed_at": "2023-01-01"},  # created the year before: not counted in 2023
    ],
}
