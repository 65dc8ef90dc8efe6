"""The model: enums accept Chinese labels, fields coerce spreadsheet values, personal data stays out of repr."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from orgnet import model
from orgnet.model import Area, Matter, Person, Registration

ENUMS = [
    model.AreaLevel, model.OrgKind, model.Sector, model.UnitCategory, model.AdminLevel,
    model.MemberCategory, model.AllianceKind, model.SiteLevel, model.RoleName, model.PairingKind,
]


def test_design_labels_map_to_identifiers() -> None:
    # The Chinese labels the data format names (README), each with the identifier it gives.
    expected = {
        (model.AreaLevel, "网格"): "grid", (model.AreaLevel, "社区"): "community",
        (model.AreaLevel, "街道"): "subdistrict", (model.AreaLevel, "区县"): "district",
        (model.AreaLevel, "市"): "city",
        (model.OrgKind, "党委"): "committee", (model.OrgKind, "党工委"): "working_committee",
        (model.OrgKind, "党总支"): "general_branch", (model.OrgKind, "党支部"): "branch",
        (model.OrgKind, "党小组"): "group",
        (model.Sector, "区域"): "regional", (model.Sector, "机关"): "organ", (model.Sector, "国企"): "soe",
        (model.Sector, "事业单位"): "public_institution", (model.Sector, "非公企业"): "non_public",
        (model.Sector, "社会组织"): "social_org", (model.Sector, "物业"): "property", (model.Sector, "行业"): "industry",
        (model.UnitCategory, "金融机构"): "financial", (model.UnitCategory, "垂管部门"): "vertical",
        (model.UnitCategory, "物业服务企业"): "property_company",
        (model.MemberCategory, "在职"): "in_service", (model.MemberCategory, "无职"): "no_position",
        (model.MemberCategory, "流动"): "mobile", (model.MemberCategory, "离退休"): "retired",
        (model.AllianceKind, "党建联盟"): "alliance", (model.AllianceKind, "大工委"): "big_working_committee",
        (model.AllianceKind, "大党委"): "big_party_committee",
        (model.RoleName, "书记"): "secretary", (model.RoleName, "网格长"): "grid_leader",
        (model.RoleName, "党小组长"): "party_group_leader", (model.RoleName, "楼栋长"): "building_leader",
        (model.RoleName, "中心户"): "central_household", (model.RoleName, "社工"): "social_worker",
        (model.PairingKind, "条块结对"): "block", (model.PairingKind, "支部结对"): "branch",
        (model.PairingKind, "党群结对"): "party_mass",
    }
    for (enum, label), ident in expected.items():
        assert enum.labels()[label] == ident
        assert enum(ident).value == ident


def test_every_label_points_at_a_member() -> None:
    for enum in ENUMS:
        values = {m.value for m in enum}
        assert set(enum.labels().values()) <= values, enum
        assert values <= set(enum.labels().values()), f"{enum.__name__} has a member with no Chinese label"


def test_enum_fields_accept_labels_identifiers_and_case() -> None:
    assert Area(id="G", level="网格").level == "grid"
    assert Area(id="G", level="Grid").level == "grid"
    assert Area(id="G", level=" grid ").level == "grid"


def test_bad_enum_says_what_is_allowed() -> None:
    with pytest.raises(ValidationError) as info:
        Area(id="X", level="省")
    err = info.value.errors()[0]
    assert err["type"] == "enum" and err["loc"] == ("level",)
    assert "city" in err["msg"] and "网格" in err["msg"]


def test_spreadsheet_values_are_coerced() -> None:
    p = Person(id=1001.0, household_id=7, is_member="是", member_category="在职")
    assert (p.id, p.household_id, p.is_member) == ("1001", "7", True)
    assert Person(id="P", is_member="否").is_member is False
    assert Registration(source_id="U", community_id="C", year="2023", reported="1").year == 2023
    m = Matter(id="M", created_at="2023-01-02T00:00:00", closed_at="2023-01-05T08:30:00", rating="4")
    assert (m.created_at, m.closed_at, m.rating) == ("2023-01-02", "2023-01-05T08:30:00", 4)


@pytest.mark.parametrize(
    "kwargs, loc, kind",
    [
        ({"id": "M", "rating": 6}, "rating", "less_than_equal"),
        ({"id": "M", "rating": 0}, "rating", "greater_than_equal"),
        ({"id": "M", "created_at": "2023-02-30"}, "created_at", "date"),
        ({"id": "M", "created_at": "yesterday"}, "created_at", "date"),
        ({"id": "", "title": "x"}, "id", "id"),
    ],
)
def test_bad_values_are_rejected(kwargs: dict[str, object], loc: str, kind: str) -> None:
    with pytest.raises(ValidationError) as info:
        Matter(**kwargs)  # type: ignore[arg-type]
    err = info.value.errors()[0]
    assert (err["loc"], err["type"]) == ((loc,), kind)


def test_unknown_field_rejected() -> None:
    with pytest.raises(ValidationError):
        Area(id="X", level="city", colour="red")  # type: ignore[call-arg]


def test_personal_data_not_in_repr() -> None:
    p = Person(id="P1", name="张三", phone="13900000000")
    assert "张三" not in repr(p) and "13900000000" not in repr(p)
    assert p.record()["name"] == "张三"


def test_closed_sets() -> None:
    assert model.LABELS == {"Area", "Org", "Unit", "Building", "Household", "Person", "Alliance",
                            "Activity", "Matter", "Site"}
    assert model.REL_TYPES == {"PART_OF", "IN", "LIVES_IN", "UNDER", "COVERS", "OF_UNIT", "BELONGS_TO",
                               "WORKS_AT", "LOCATED_IN", "HOLDS_ROLE", "CONTACTS", "PAIRED_WITH",
                               "REGISTERED_WITH", "MEMBER_OF", "ORGANIZED", "RAISED", "ASSIGNED_TO"}
    assert list(model.FILES) == [
        "areas", "orgs", "units", "buildings", "households", "people", "alliances", "activities",
        "matters", "sites", "roles", "contacts", "pairings", "registrations", "alliance_members", "organizers",
    ]


def test_argument_errors_share_the_root() -> None:
    import orgnet
    from orgnet.errors import InvalidArgument, OrgnetError

    net = orgnet.connect("memory://")
    for call in (lambda: net.influence(betweenness="approx"), lambda: net.nodes("Nope"),
                 lambda: net.load([], on_error="ignore"),  # type: ignore[arg-type]
                 lambda: orgnet.synth.city("planet")):
        with pytest.raises(InvalidArgument) as info:
            call()
        assert isinstance(info.value, OrgnetError) and isinstance(info.value, ValueError)
        assert info.value.code == "invalid_argument"
