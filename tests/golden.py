"""A small network whose every answer was worked out by hand from the documented meaning (orgnet/queries docstrings).

The expected values below were derived on paper from the rows here, rule by
rule, not by running orgnet; the comments show the reasoning. Centralities are
checked against networkx on an edge list written out by hand (EXPECTED_PROJECTION).

Layout::

    ZJ (city)
    ├── D1 (district) ── S1 (subdistrict) ── C1 (community) ── G1, G2 (grids)
    │                                    └── C2 (community)
    └── D2 (district) ── S2 (subdistrict) ── C3 (community) ── G3 (grid)
                                         └── C4 (community)
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
        {"id": "G1", "level": "grid", "parent_id": "C1"},
        {"id": "G2", "level": "grid", "parent_id": "C1"},
        {"id": "G3", "level": "grid", "parent_id": "C3"},
    ],
    "units": [
        {"id": "U1", "name": "市机关", "category": "organ", "admin_level": "municipal", "area_id": "ZJ"},
        {"id": "U2", "name": "区国企", "category": "soe", "admin_level": "district", "area_id": "D1"},
        {"id": "U3", "name": "物业甲", "category": "property_company", "admin_level": "district", "area_id": "C3"},
        {"id": "U4", "name": "物业乙", "category": "property_company", "admin_level": "district", "area_id": "G1"},
        {"id": "U5", "name": "省银行", "category": "financial", "admin_level": "provincial", "area_id": "D2"},
        {"id": "U6", "name": "市医院", "category": "public_institution", "admin_level": "municipal", "area_id": "D2"},
    ],
    "orgs": [
        {"id": "O-ZJ", "kind": "committee", "sector": "regional", "area_id": "ZJ"},
        {"id": "O-D1", "kind": "committee", "sector": "regional", "area_id": "D1", "parent_id": "O-ZJ"},
        {"id": "O-S1", "kind": "working_committee", "sector": "regional", "area_id": "S1", "parent_id": "O-D1"},
        {"id": "O-C1", "kind": "committee", "sector": "regional", "area_id": "C1", "parent_id": "O-S1"},
        {"id": "O-G1", "kind": "branch", "sector": "regional", "area_id": "G1", "parent_id": "O-C1"},
        {"id": "O-U1", "kind": "branch", "sector": "organ", "unit_id": "U1", "parent_id": "O-D1"},
        {"id": "O-X", "kind": "branch", "sector": "non_public"},
        {"id": "O-Y", "kind": "group", "sector": "non_public", "parent_id": "O-X"},
        {"id": "O-P", "kind": "branch", "sector": "property", "unit_id": "U4", "parent_id": "O-D1"},
    ],
    "buildings": [
        {"id": "B1", "grid_id": "G1"},
        {"id": "B2", "grid_id": "G2"},
        {"id": "B3", "grid_id": "G3"},
    ],
    "households": [
        {"id": "H1", "building_id": "B1", "address": "一号楼101"},
        {"id": "H2", "building_id": "B1"},
        {"id": "H3", "building_id": "B2"},
        {"id": "H4", "building_id": "B3"},
    ],
    "people": [
        {"id": "P1", "name": "张三", "household_id": "H1", "is_member": True, "member_category": "in_service",
         "org_id": "O-G1", "unit_id": "U1", "phone": "13900000001"},
        {"id": "P2", "name": "李四", "household_id": "H2", "is_member": True, "member_category": "retired"},
        {"id": "P3", "name": "王五", "household_id": "H3", "is_member": False},
        {"id": "P4", "household_id": "H4", "is_member": True, "member_category": "in_service",
         "org_id": "O-C1", "unit_id": "U2"},
        {"id": "P5", "household_id": "H3", "is_member": True, "member_category": "no_position", "org_id": "O-C1"},
        {"id": "P6", "is_member": True, "member_category": "in_service", "org_id": "O-S1"},
    ],
    "alliances": [
        {"id": "AL1", "name": "金山党建联盟", "kind": "alliance", "area_id": "S1"},
        {"id": "AL2", "name": "C3大党委", "kind": "big_party_committee", "area_id": "C3"},
    ],
    "activities": [
        {"id": "AC1", "name": "联办1", "date": "2023-05-01", "area_id": "C1"},
        {"id": "AC2", "name": "联办2", "date": "2022-12-01", "area_id": "C3"},
        {"id": "AC3", "name": "联办3", "date": "2023-07-01", "area_id": "C2"},
    ],
    "matters": [
        {"id": "M1", "category": "property", "raised_by": "H1", "created_at": "2023-01-01",
         "closed_at": "2023-01-03", "assignee_id": "P1", "rating": 5},
        {"id": "M2", "category": "property", "raised_by": "P4", "created_at": "2023-02-01",
         "closed_at": "2023-02-10", "assignee_id": "O-C1"},
        {"id": "M3", "category": "environment", "raised_by": "P3", "created_at": "2023-03-01",
         "assignee_id": "U3"},
        {"id": "M4", "category": "safety", "raised_by": "H4", "created_at": "2022-12-30",
         "closed_at": "2023-01-02"},
        {"id": "M5", "category": "物业", "raised_by": "P2", "created_at": "2023-04-01",
         "closed_at": "2023-04-04"},
    ],
    "sites": [
        {"id": "S-1", "level": "center", "area_id": "C1", "standardized": True},
        {"id": "S-2", "level": "center", "area_id": "C2", "standardized": False},
        {"id": "S-3", "level": "station", "area_id": "G3", "standardized": True},
        {"id": "S-4", "level": "center", "area_id": "C4", "standardized": True},
    ],
    "roles": [
        {"person_id": "P1", "role": "building_leader", "target_id": "B1"},
        {"person_id": "P5", "role": "grid_leader", "target_id": "G2"},
        {"person_id": "P5", "role": "party_group_leader", "target_id": "G2"},
        {"person_id": "P1", "role": "grid_leader", "target_id": "G1"},
        {"person_id": "P4", "role": "secretary", "target_id": "O-C1"},
        {"person_id": "P6", "role": "secretary", "target_id": "O-ZJ"},
        {"person_id": "P5", "role": "social_worker", "target_id": "C1"},
        {"person_id": "P4", "role": "social_worker", "target_id": "C3"},
        {"person_id": "P2", "role": "central_household", "target_id": "B2"},
    ],
    "contacts": [
        {"person_id": "P1", "household_id": "H1"},
        {"person_id": "P1", "household_id": "H2"},
        {"person_id": "P3", "household_id": "H3"},  # P3 is no member: does not count
        {"person_id": "P4", "household_id": "H4"},
    ],
    "pairings": [
        {"source_id": "U1", "target_id": "C1", "kind": "block", "since": "2023-03-01"},
        {"source_id": "U1", "target_id": "C3", "kind": "branch"},
        {"source_id": "U2", "target_id": "C1", "kind": "party_mass"},
        {"source_id": "O-U1", "target_id": "C2", "kind": "branch"},
        {"source_id": "U5", "target_id": "C3", "kind": "block"},
    ],
    "registrations": [
        {"source_id": "U1", "community_id": "C1", "year": 2023, "reported": True},
        {"source_id": "U2", "community_id": "C1", "year": 2023, "reported": False},
        {"source_id": "U2", "community_id": "C3", "year": 2022, "reported": True},
        {"source_id": "P1", "community_id": "C1", "year": 2023, "reported": True},
        {"source_id": "P4", "community_id": "C3", "year": 2023, "reported": False},
        {"source_id": "P4", "community_id": "C4", "year": 2023, "reported": True},
        {"source_id": "P6", "community_id": "C2", "year": 2022, "reported": True},
        {"source_id": "U5", "community_id": "C3", "year": 2023, "reported": True},
    ],
    "alliance_members": [
        {"alliance_id": "AL1", "member_id": "U1"},
        {"alliance_id": "AL1", "member_id": "U2"},
        {"alliance_id": "AL1", "member_id": "O-U1"},
        {"alliance_id": "AL2", "member_id": "U5"},
    ],
    "organizers": [
        {"activity_id": "AC1", "organizer_id": "U1"},
        {"activity_id": "AC1", "organizer_id": "U2"},
        {"activity_id": "AC2", "organizer_id": "U5"},
        {"activity_id": "AC3", "organizer_id": "O-U1"},
    ],
}

# --------------------------------------------------------------- coverage, 2023
# (checked, gaps) per rule, whole graph.
COVERAGE_2023: dict[str, tuple[int, list[str]]] = {
    "grid_party_org": (3, ["G2", "G3"]),  # only O-G1 covers a grid (G1)
    "community_pairing": (4, ["C4"]),  # C1 (U1, U2), C2 (O-U1), C3 (U1, U5)
    "building_leader": (3, ["B2", "B3"]),  # P1 on B1; P2 on B2 is central_household
    "grid_three_leaders": (3, ["G1", "G3"]),  # G2 has both; G1 lacks a party_group_leader
    "household_contact": (4, ["H3"]),  # H3 only contacted by P3, not a member
    "member_org": (5, ["P2"]),  # members P1 P2 P4 P5 P6
    "member_registration": (3, ["P6"]),  # in service P1 P4 P6; P6 only in 2022
    "unit_registration": (4, ["U6"]),  # U1 organ, U2 soe, U5 financial, U6 public_institution
    "registration_report": (5, ["P4", "U2"]),  # registered in 2023: U1 U2 P1 P4 U5
    "property_party_org": (2, ["U3"]),  # O-P is U4's org
    "community_site": (4, ["C2", "C3"]),  # S-2 not standardized; S-3 is in G3, not in C3 itself
    "org_chain": (9, ["O-X", "O-Y"]),  # O-X has no parent and covers nothing
}

# (checked, gaps count) per district; subjects anchored at ZJ or nowhere count in no district.
BY_DISTRICT_2023: dict[str, dict[str, tuple[int, int]]] = {
    "D1": {
        "grid_party_org": (2, 1), "community_pairing": (2, 0), "building_leader": (2, 1),
        # member rules: P1 P2 P5 by household, and P6 (no household) by O-S1's area S1
        "grid_three_leaders": (2, 1), "household_contact": (3, 1), "member_org": (4, 1),
        "member_registration": (2, 1), "unit_registration": (1, 0), "registration_report": (3, 1),
        "property_party_org": (1, 0), "community_site": (2, 1), "org_chain": (5, 0),
    },
    "D2": {
        "grid_party_org": (1, 1), "community_pairing": (2, 1), "building_leader": (1, 1),
        "grid_three_leaders": (1, 1), "household_contact": (1, 0), "member_org": (1, 0),
        "member_registration": (1, 0), "unit_registration": (2, 1), "registration_report": (2, 1),
        "property_party_org": (1, 1), "community_site": (2, 1), "org_chain": (0, 0),
    },
}
# Subdistricts: as their districts, except what is anchored at the district itself
# (O-D1 covers D1; U2 is located in D1; U5, U6 in D2).
BY_SUBDISTRICT_2023: dict[str, dict[str, tuple[int, int]]] = {
    "S1": {**BY_DISTRICT_2023["D1"], "org_chain": (4, 0), "unit_registration": (0, 0)},
    "S2": {**BY_DISTRICT_2023["D2"], "unit_registration": (0, 0)},
}

COVERAGE_2023_D1: dict[str, tuple[int, list[str]]] = {
    "grid_party_org": (2, ["G2"]),
    "community_pairing": (2, []),
    "building_leader": (2, ["B2"]),
    "grid_three_leaders": (2, ["G1"]),
    "household_contact": (3, ["H3"]),
    "member_org": (4, ["P2"]),  # P1 P2 P5, and P6 (no household) anchored by O-S1's S1
    "member_registration": (2, ["P6"]),  # P1, and P6
    "unit_registration": (1, []),
    "registration_report": (3, ["U2"]),
    "property_party_org": (1, []),
    "community_site": (2, ["C2"]),
    "org_chain": (5, []),
}

# --------------------------------------------------------------------- KPIs
KPIS_2023: dict[str, Any] = {
    "pairing_coverage_rate": 0.75,
    "paired_units": 3,  # U1 U2 U5 (O-U1 is an org)
    "paired_units_municipal_and_above": 2,  # U1 municipal, U5 provincial
    "activities": 2,  # AC1, AC3
    "matter_completion_rate": 0.75,  # created 2023: M1 M2 M3 M5; closed M1 M2 M5
    "property_closed_within_3_days_rate": 2 / 3,  # M1 2 days, M5 (物业) 3 days, M2 9 days
    "mean_handling_days": 14 / 3,  # (2 + 9 + 3) / 3
    "standardized_sites": 3,
    "property_party_org_rate": 0.5,
    "unit_registration_rate": 0.75,
    "member_registration_rate": 2 / 3,
    "report_rate": 0.6,
    "social_workers": 2,  # P4, P5
}

KPIS_2023_D2: dict[str, Any] = {
    "pairing_coverage_rate": 0.5,  # C3 reached, C4 not
    "paired_units": 2,  # pairings into C3: U1, U5
    "paired_units_municipal_and_above": 2,
    "activities": 0,  # AC2 is 2022
    "matter_completion_rate": 1.0,  # only M2 (P4 lives in H4) created 2023 in D2
    "property_closed_within_3_days_rate": 0.0,  # M2 took 9 days
    "mean_handling_days": 9.0,
    "standardized_sites": 2,  # S-3 (G3), S-4 (C4)
    "property_party_org_rate": 0.0,  # U3
    "unit_registration_rate": 0.5,  # U5 yes, U6 no
    "member_registration_rate": 1.0,  # P4
    "report_rate": 0.5,  # P4 gap, U5 fine
    "social_workers": 1,  # P4 lives in D2; P5 in D1
}

# ------------------------------------------------------------------ chains
CHAIN_H1 = {
    "household_id": "H1",
    "steps": [
        ("household", "H1", [], ["P1"]),
        ("building", "B1", [], ["P1"]),
        ("grid", "G1", ["O-G1"], ["P1"]),
        ("community", "C1", ["O-C1"], ["P4", "P5"]),  # P5 social worker on C1, P4 secretary of O-C1
        ("subdistrict", "S1", ["O-S1"], []),
        ("district", "D1", ["O-D1"], []),
        ("city", "ZJ", ["O-ZJ"], ["P6"]),
    ],
    "broken_at": "subdistrict",
}
CHAIN_M2 = {  # raised by P4, who lives in H4; assigned to O-C1
    "household_id": "H4",
    "assignee_id": "O-C1",
    "steps": [
        ("household", "H4", [], ["P4"]),
        ("building", "B3", [], []),
        ("grid", "G3", [], []),
        ("community", "C3", [], ["P4"]),
        ("subdistrict", "S2", [], []),
        ("district", "D2", [], []),
        ("city", "ZJ", ["O-ZJ"], ["P6"]),
    ],
    "broken_at": "building",
}

# ------------------------------------------------------------------- paths
PATHS = {
    ("P3", "P5"): ["P3", "H3", "P5"],
    # length 3; candidates via O-G1/O-C1, U1/C3, C1/U2, C1/O-C1: smallest is C1 then O-C1
    ("P1", "P4"): ["P1", "C1", "O-C1", "P4"],
    ("G1", "G1"): ["G1"],
}

# -------------------------------------------------------------- influence
EXPECTED_PROJECTION = [
    ("U1", "C1"), ("U1", "C3"), ("U2", "C1"), ("O-U1", "C2"), ("U5", "C3"),
    ("U1", "AC1"), ("U2", "AC1"), ("U5", "AC2"), ("O-U1", "AC3"),
    ("U1", "AL1"), ("U2", "AL1"), ("O-U1", "AL1"), ("U5", "AL2"),
]
# id -> (pairings, subdistricts, districts, cross_district, activities)
ACTORS = {
    "U1": (2, 2, 2, True, 1),  # located at the city: no district of its own
    "U2": (1, 1, 1, False, 1),
    "U5": (1, 1, 1, False, 1),
    "O-U1": (1, 1, 1, True, 1),  # covers nothing; its unit U1 is at the city
}
# id -> (members, communities, activities)
ALLIANCES = {"AL1": (3, 3, 2), "AL2": (1, 1, 1)}

# What each rate was computed over (KpiReport.denominators), by hand from the rows above.
DENOMINATORS_2023 = {
    "communities": 4, "matters": 4, "property_matters": 3, "closed_matters": 3,  # M1 M2 M3 M5; M1 M2 M5
    "property_companies": 2, "registration_units": 4, "in_service_members": 3, "registered": 5,
}
DENOMINATORS_2023_D2 = {
    "communities": 2, "matters": 1, "property_matters": 1, "closed_matters": 1,  # M2 only
    "property_companies": 1, "registration_units": 2, "in_service_members": 1, "registered": 2,
}
